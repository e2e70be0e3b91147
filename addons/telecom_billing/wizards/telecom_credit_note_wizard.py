# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class TelecomCreditNoteWizard(models.TransientModel):
    """Back-office form over ``telecom.billing.account._telecom_create_credit_note``."""

    _name = "telecom.credit.note.wizard"
    _description = "Telecom credit note"

    billing_account_id = fields.Many2one("telecom.billing.account", required=True)
    company_id = fields.Many2one(related="billing_account_id.company_id")
    currency_id = fields.Many2one(related="billing_account_id.currency_id")
    reason_code_id = fields.Many2one(
        "telecom.reason.code",
        string="Reason",
        required=True,
        domain="[('kind', 'in', ('credit', 'dispute'))]",
    )
    description = fields.Char(required=True)
    amount = fields.Monetary(required=True, help="Credit, tax excluded.")
    product_id = fields.Many2one(
        "product.product", help="Its taxes apply; empty: the generic 'Credit' product."
    )
    subscription_id = fields.Many2one(
        "telecom.subscription", domain="[('billing_account_id', '=', billing_account_id)]"
    )
    invoice_id = fields.Many2one(
        "account.move",
        string="Credited Invoice",
        domain="[('telecom_billing_account_id', '=', billing_account_id),"
        " ('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
    )
    usage_record_ids = fields.Many2many(
        "telecom.usage.record",
        string="Disputed Usage",
        domain="[('billing_account_id', '=', billing_account_id)]",
    )
    origin = fields.Char(help="What the credit answers: a ticket, a complaint reference...")

    @api.onchange("reason_code_id")
    def _onchange_reason(self):
        if self.reason_code_id and not self.description:
            self.description = self.reason_code_id.name

    def action_confirm(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        line = {"description": self.description, "amount": self.amount}
        if self.product_id:
            line["product_id"] = self.product_id.id
        if self.subscription_id:
            line["subscription_id"] = self.subscription_id.id
        if self.usage_record_ids:
            line["usage_record_ids"] = self.usage_record_ids.ids
        move = self.billing_account_id._telecom_create_credit_note(
            [line], self.reason_code_id, origin=self.origin, invoice=self.invoice_id
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": move.id,
            "view_mode": "form",
        }
