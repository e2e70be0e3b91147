# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tickets: ``/my/tickets/new`` opens one about a service or an invoice (the
tickets' list and pages are helpdesk_mgmt's)."""

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import plaintext2html

from ..models.telecom_subscription import LIVE_STATES
from .base import TelecomPortalBase


class TelecomPortalTickets(TelecomPortalBase):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_ticket_count" in counters:
            values["telecom_ticket_count"] = self._telecom_count(
                "helpdesk.ticket", [("closed", "=", False)]
            )
        return values

    def _telecom_ticket_types(self):
        """The telecom categories a customer may open a ticket in (helpdesk types)."""
        return (
            request.env["helpdesk.ticket.type"]
            .sudo()
            .search([("show_in_portal", "=", True), ("telecom_kind", "!=", False)])
        )

    def _telecom_ticket_invoices(self):
        """The customer's posted invoices a ticket (a billing dispute) may be about."""
        Move = request.env["account.move"]
        if not Move.has_access("read"):
            return Move
        return Move.search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("commercial_partner_id", "=", self._telecom_customer().id),
            ],
            order="invoice_date desc, id desc",
            limit=24,
        )

    @http.route(["/my/tickets/new"], type="http", auth="user", website=True)
    def portal_new_ticket(self, **kw):
        customer = self._telecom_customer()
        Subscription = request.env["telecom.subscription"]
        subs = (
            Subscription.search(
                expression.AND([self._telecom_service_domain(), [("state", "!=", "terminated")]]),
                order="name",
            )
            if Subscription.has_access("read")
            else Subscription
        )
        types = self._telecom_ticket_types()
        categories = request.env["helpdesk.ticket.category"].search([("show_in_portal", "=", True)])
        invoices = self._telecom_ticket_invoices()
        error = None
        if request.httprequest.method == "POST":
            try:
                subject = (kw.get("subject") or "").strip()
                description = (kw.get("description") or "").strip()
                if not subject or not description:
                    raise UserError(request.env._("Give a subject and describe the problem."))
                env = request.env
                ticket_type = self._telecom_choice(
                    types, kw.get("type_id"), env._("Choose what the ticket is about.")
                )
                category = self._telecom_choice(
                    categories,
                    kw.get("category_id"),
                    env._("Choose one of the topics offered."),
                    required=False,
                )
                sub = self._telecom_choice(
                    subs,
                    kw.get("subscription_id"),
                    env._("Choose one of your services."),
                    required=False,
                )
                invoice = self._telecom_choice(
                    invoices,
                    kw.get("invoice_id"),
                    env._("Choose one of your invoices."),
                    required=False,
                )
                if ticket_type.telecom_kind == "dispute" and not invoice:
                    raise UserError(request.env._("Choose the invoice you dispute."))
                with request.env.cr.savepoint():
                    ticket = (
                        request.env["helpdesk.ticket"]
                        .sudo()
                        ._telecom_portal_create(
                            request.env.user,
                            customer,
                            category.sudo(),
                            subject,
                            plaintext2html(description),
                            subscription=sub.sudo() or None,
                            ticket_type=ticket_type,
                            invoice=invoice.sudo() or None,
                        )
                    )
                return request.redirect(f"/my/ticket/{ticket.id}")
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "ticket",
                "subscriptions": subs.sudo(),
                "types": types,
                "categories": categories.sudo(),
                "invoices": invoices,
                "outages": self._telecom_outages(
                    subs.filtered(lambda s: s.state in LIVE_STATES).sudo()
                ),
                "error": error,
                "form": kw,
            }
        )
        return request.render("telecom_portal.portal_new_ticket", values)
