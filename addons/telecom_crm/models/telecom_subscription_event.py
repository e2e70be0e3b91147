# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, fields, models
from odoo.exceptions import UserError


class TelecomSubscriptionEvent(models.Model):
    """Audit trail of a subscription's lifecycle; billing reads it too."""

    _name = "telecom.subscription.event"
    _description = "Telecom subscription event"
    _order = "date desc, id desc"

    subscription_id = fields.Many2one(
        "telecom.subscription", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="subscription_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(
        related="subscription_id.company_id", store=True, index=True, string="Company"
    )
    type = fields.Selection(
        [
            ("activate", "Activation"),
            ("suspend", "Suspension"),
            ("resume", "Resumption"),
            ("terminate", "Termination"),
            ("plan_change", "Plan change"),
            ("addon_add", "Add-on added"),
            ("addon_remove", "Add-on removed"),
            ("move", "Move"),
            ("price_change", "Price change"),
        ],
        required=True,
        index=True,
    )
    date = fields.Date(required=True, index=True)
    reason = fields.Char()
    reason_code_id = fields.Many2one("telecom.reason.code", ondelete="restrict")
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user, ondelete="set null")
    service_order_id = fields.Many2one(
        "telecom.service.order", index="btree_not_null", ondelete="set null"
    )

    def write(self, vals):
        # an audit trail is append-only
        if vals:
            raise UserError(_("Subscription events cannot be changed."))
        return super().write(vals)
