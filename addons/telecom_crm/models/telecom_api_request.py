# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models


class TelecomApiRequest(models.Model):
    """The first answer to an RPC call made with a ``request_id``.

    A retry with the same ``request_id`` (same user, same method and
    parameters) gets this answer back instead of doing the work twice.
    """

    _name = "telecom.api.request"
    _description = "Telecom RPC request (idempotency)"
    _order = "id desc"

    request_id = fields.Char(required=True, index=True, readonly=True)
    method = fields.Char(required=True, readonly=True)
    params_hash = fields.Char(required=True, readonly=True)
    response = fields.Json(readonly=True)
    user_id = fields.Many2one(
        "res.users", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    _sql_constraints = (
        (
            "request_user_uniq",
            "unique(request_id, user_id)",
            "A request_id is used once per user.",
        ),
    )

    @api.autovacuum
    def _gc_old_requests(self):
        """Retries come within minutes; keep answers 90 days for audits."""
        limit = fields.Datetime.now() - timedelta(days=90)
        self.search([("create_date", "<", limit)]).unlink()
