# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomReasonCode(models.Model):
    """Why a lifecycle action or a credit happened (recorded on events and charges)."""

    _name = "telecom.reason.code"
    _description = "Telecom reason code"
    _order = "kind, sequence, code"
    _rec_names_search = ("name", "code")

    code = fields.Char(required=True, index=True)
    name = fields.Char(required=True, translate=True)
    kind = fields.Selection(
        [
            ("suspension", "Suspension"),
            ("termination", "Termination"),
            ("credit", "Credit"),
            ("dispute", "Dispute"),
            ("other", "Other"),
        ],
        required=True,
        default="other",
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by all companies.")

    _sql_constraints = (("code_uniq", "unique(code)", "A reason code must be unique."),)
