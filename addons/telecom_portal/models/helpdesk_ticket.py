# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _telecom_portal_create(
        self,
        requester,
        customer,
        category,
        title,
        body,
        subscription=None,
        ticket_type=None,
        invoice=None,
    ):
        """A ticket opened in the portal by ``requester`` for ``customer``.

        ``ticket_type`` is the telecom category (a ``helpdesk.ticket.type`` with a
        ``telecom_kind``), ``category`` OCA's topic (optional), ``subscription``
        and ``invoice`` what it is about. Called as the system after the portal
        checked that ``requester`` belongs to ``customer`` and that the service and
        the invoice are the customer's. Without a team, telecom_helpdesk's routing
        rules choose one; faults about a service hit by an outage join the outage.
        """
        partner = requester.partner_id
        if partner.commercial_partner_id != customer:
            partner = customer
        if subscription:
            company = subscription.company_id
        else:
            company = customer.company_id or self.env.company
        channel = self.env["helpdesk.ticket.channel"]._telecom_channel("portal")
        values = {
            "name": title,
            "description": body,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "category_id": category.id if category else False,
            "type_id": ticket_type.id if ticket_type else False,
            "telecom_subscription_id": subscription.id if subscription else False,
            "telecom_invoice_id": invoice.id if invoice else False,
            "channel_id": channel.id if channel else False,
            "company_id": company.id,
        }
        ticket = self.with_company(company).create(values)
        ticket.message_subscribe(partner_ids=(partner | requester.partner_id).ids)
        return ticket
