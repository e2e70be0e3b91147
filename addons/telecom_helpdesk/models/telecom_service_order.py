# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A service order the network refused opens an order-problem ticket."""

from markupsafe import Markup

from odoo import models


class TelecomServiceOrder(models.Model):
    _inherit = "telecom.service.order"

    def _telecom_mark_failed(self, error):
        res = super()._telecom_mark_failed(error)
        for order in self:
            if order.company_id.telecom_ticket_on_failed_order:
                order._telecom_open_order_ticket()
        return res

    def _telecom_open_order_ticket(self):
        """An order-problem ticket for this failed order (once per order)."""
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo().with_company(self.company_id)
        open_ticket = Ticket.search(
            [("telecom_service_order_id", "=", self.id), ("closed", "=", False)], limit=1
        )
        if open_ticket:
            open_ticket.message_post(
                body=Markup("<p>%s</p>")
                % self.env._("Failed again: %(error)s", error=self.error or ""),
                subtype_xmlid="mail.mt_note",
            )
            return open_ticket
        sub = self.subscription_id
        provisioning = self.provisioning_order_ids.sorted("id")[-1:]
        return Ticket.with_context(telecom_channel="other", mail_create_nolog=True).create(
            {
                "name": self.env._(
                    "Order %(order)s failed (%(action)s)", order=self.name, action=self.action
                ),
                "description": Markup("<p>%s</p>") % (self.error or ""),
                "type_id": self.env["helpdesk.ticket.type"]._telecom_type("order").id,
                "partner_id": sub.partner_id.id,
                "telecom_subscription_id": sub.id,
                "telecom_service_order_id": self.id,
                "telecom_provisioning_order_id": provisioning.id,
                "priority": "2",
                "company_id": self.company_id.id,
                "user_id": False,
            }
        )
