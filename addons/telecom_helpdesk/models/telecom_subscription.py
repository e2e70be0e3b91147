# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomSubscription(models.Model):
    _inherit = "telecom.subscription"

    telecom_ticket_ids = fields.One2many(
        "helpdesk.ticket", "telecom_subscription_id", string="Tickets"
    )
    telecom_open_ticket_count = fields.Integer(
        string="Open tickets", compute="_compute_telecom_open_ticket_count"
    )

    def _compute_telecom_open_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("telecom_subscription_id", "in", self.ids), ("closed", "=", False)],
                ["telecom_subscription_id"],
                ["__count"],
            )
        )
        for sub in self:
            sub.telecom_open_ticket_count = counts.get(sub, 0)

    def _telecom_service_label(self):
        """'S0000123 Fibre 500 (+3292...)': how customers recognise a service."""
        self.ensure_one()
        ident = self.phone_number or self.circuit_id or self.username or ""
        label = f"{self.name} {self.plan_id.name or ''}".strip()
        return f"{label} ({ident})" if ident else label

    def action_view_telecom_tickets(self):
        self._telecom_check_groups("helpdesk_mgmt.group_helpdesk_user_own")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("telecom_subscription_id", "=", self.id)]
        action["context"] = {
            "default_telecom_subscription_id": self.id,
            "default_partner_id": self.partner_id.id,
        }
        action["name"] = self.env._("Tickets of %(sub)s", sub=self.name)
        return action
