# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TelecomDisputeResolveWizard(models.TransientModel):
    _name = "telecom.dispute.resolve.wizard"
    _description = "Resolve a billing dispute"

    ticket_id = fields.Many2one("helpdesk.ticket", required=True, ondelete="cascade")
    outcome = fields.Selection(
        [
            ("credit", "Credit the customer"),
            ("rerate", "Re-rate the disputed usage"),
            ("reject", "Reject the dispute"),
        ],
        required=True,
        default="credit",
    )
    currency_id = fields.Many2one(related="ticket_id.telecom_dispute_currency_id")
    credit_amount = fields.Monetary(related="ticket_id.telecom_dispute_credit_amount")
    disputed_amount = fields.Monetary(related="ticket_id.telecom_disputed_amount")
    may_credit = fields.Boolean(compute="_compute_may_credit")
    note = fields.Text(required=True, help="Told to the customer.")

    @api.depends("ticket_id")
    def _compute_may_credit(self):
        for wizard in self:
            wizard.may_credit = wizard.ticket_id._telecom_may_credit()

    def action_confirm(self):
        self._telecom_check_groups(
            "telecom_crm.group_telecom_care", "telecom_crm.group_telecom_billing"
        )
        self.ensure_one()
        if self.outcome == "reject":
            self.ticket_id._telecom_dispute_reject(self.note)
        elif self.outcome == "rerate":
            self.ticket_id._telecom_dispute_rerate(self.note)
        else:
            self.ticket_id._telecom_dispute_credit(self.note)
        return {"type": "ir.actions.act_window_close"}
