# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _telecom_portal_create(self, requester, customer, category, title, body, subscription=None):
        """A ticket opened in the portal by ``requester`` for ``customer``.

        Called as the system after the portal checked that ``requester`` belongs
        to ``customer`` (and that ``subscription``, if any, is the customer's).
        """
        partner = requester.partner_id
        if partner.commercial_partner_id != customer:
            partner = customer
        if subscription:
            company = subscription.company_id
        else:
            company = customer.company_id or self.env.company
        team = self.env.ref(
            "telecom_helpdesk.helpdesk_ticket_team_telecom_support", raise_if_not_found=False
        )
        channel = self.env.ref("helpdesk_mgmt.helpdesk_ticket_channel_web", False)
        values = {
            "name": title,
            "description": body,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "category_id": category.id if category else False,
            "team_id": team.id
            if team and team.company_id in (company, team.company_id.browse())
            else False,
            "channel_id": channel.id if channel else False,
            "company_id": company.id,
        }
        ticket = self.with_company(company).create(values)
        ticket.message_subscribe(partner_ids=(partner | requester.partner_id).ids)
        return ticket
