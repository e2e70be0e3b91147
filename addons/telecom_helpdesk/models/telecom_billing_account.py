# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .helpdesk_ticket_dispute import OPEN_DISPUTE


class TelecomBillingAccount(models.Model):
    _inherit = "telecom.billing.account"

    telecom_open_dispute_count = fields.Integer(
        string="Open disputes", compute="_compute_telecom_open_dispute_count"
    )

    def _compute_telecom_open_dispute_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [
                    ("telecom_billing_account_id", "in", self.ids),
                    ("telecom_dispute_state", "in", OPEN_DISPUTE),
                ],
                ["telecom_billing_account_id"],
                ["__count"],
            )
        )
        for account in self:
            account.telecom_open_dispute_count = counts.get(account, 0)

    @api.model
    def _telecom_credit_origin_models(self):
        origins = super()._telecom_credit_origin_models()
        return {**origins, "helpdesk.ticket": "commercial_partner_id"}

    def _telecom_dunning_excluded(self):
        """Billing's extension point: an account with an open dispute (or one whose
        credit waits for billing's approval) is left out of dunning."""
        return super()._telecom_dunning_excluded() | self._telecom_open_dispute_accounts()

    def _telecom_open_dispute_accounts(self):
        """The accounts of ``self`` with an open billing dispute."""
        if not self:
            return self
        rows = (
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [
                    ("telecom_billing_account_id", "in", self.ids),
                    ("telecom_dispute_state", "in", OPEN_DISPUTE),
                ],
                ["telecom_billing_account_id"],
            )
        )
        return self.browse([account.id for (account,) in rows])

    def action_view_telecom_disputes(self):
        self._telecom_check_groups("helpdesk_mgmt.group_helpdesk_user_own")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [
            ("telecom_billing_account_id", "=", self.id),
            ("telecom_kind", "=", "dispute"),
        ]
        action["context"] = {"default_telecom_billing_account_id": self.id}
        return action
