# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Trouble tickets over XML-RPC (see docs/rpc.md): open, follow, comment.

Same rules as the rest of ``telecom.api``: plain values in (ids or numbers,
ISO-8601 times), plain dicts out, a clear error on bad input, nothing written
when a call fails, and ``request_id`` for safe retries.
"""

from datetime import datetime, timezone

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

from odoo.addons.telecom_crm.models.telecom_api import MAX_LONG_TEXT

from .helpdesk_ticket_type import TELECOM_KINDS

TICKET_KEYS = {
    "title",
    "description",
    "category",
    "customer",
    "subscription",
    "billing_account",
    "priority",
    "reported_at",
    "invoice",
    "invoice_lines",
    "usage_records",
    "element",
    "service_order",
    "contact_name",
    "contact_email",
    "external_ref",
    "channel",
}
PRIORITY_NAMES = {"low": "0", "medium": "1", "high": "2", "urgent": "3"}
API_CHANNELS = ("rpc", "portal", "phone", "email", "back_office", "other")
MAX_LIST = 200


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    # -- methods -------------------------------------------------------------------
    @api.model
    def open_ticket(self, values, request_id=None):
        """Open a trouble ticket; returns the ticket (see ``_api_ticket_data``)."""
        return self._api_call(
            "open_ticket", request_id, values, lambda: self._api_open_ticket(values)
        )

    @api.model
    def get_ticket(self, ticket, messages=True):
        """A ticket (id, number or external reference) with its public messages."""
        self._api_check_user()
        record = self._api_ticket(ticket)
        data = self._api_ticket_data(record)
        if messages:
            data["messages"] = self._api_ticket_messages(record)
        return data

    @api.model
    def add_ticket_comment(self, ticket, message, request_id=None):
        """Add a message the customer sees; returns the ticket with its messages."""

        def work():
            record = self._api_ticket(ticket)
            if not isinstance(message, str) or not message.strip():
                raise UserError(self.env._("message must be a non-empty string."))
            self._api_text(message, "message", MAX_LONG_TEXT)
            record.message_post(
                body=self._api_html(message),
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            data = self._api_ticket_data(record)
            data["messages"] = self._api_ticket_messages(record)
            return data

        return self._api_call("add_ticket_comment", request_id, [ticket, message], work)

    @api.model
    def list_tickets(self, customer=None, subscription=None, open_only=True, limit=80):
        """The tickets of a customer or a subscription, newest first."""
        self._api_check_user()
        domain = []
        if customer not in (None, False, ""):
            domain.append(("commercial_partner_id", "=", self._api_customer(customer).id))
        if subscription not in (None, False, ""):
            domain.append(("telecom_subscription_id", "=", self._api_subscription(subscription).id))
        if not domain:
            raise UserError(self.env._("Give a customer or a subscription."))
        if open_only:
            domain.append(("closed", "=", False))
        limit = self._api_number(limit, "limit", minimum=1, maximum=MAX_LIST)
        tickets = self.env["helpdesk.ticket"].search(
            domain, order="id desc", limit=min(int(limit), MAX_LIST)
        )
        return [self._api_ticket_data(ticket) for ticket in tickets]

    # -- work ------------------------------------------------------------------------
    @api.model
    def _api_open_ticket(self, values):
        self._api_check_keys(values, TICKET_KEYS, "values")
        vals = self._api_ticket_text(values)
        vals.update(self._api_ticket_customer(values))
        vals.update(self._api_ticket_links(values, vals))
        channel_code = values.get("channel") or "rpc"
        if channel_code not in API_CHANNELS:
            raise UserError(
                self.env._(
                    "channel: %(value)s is not one of %(allowed)s.",
                    value=channel_code,
                    allowed=", ".join(API_CHANNELS),
                )
            )
        channel = self.env["helpdesk.ticket.channel"]._telecom_channel(channel_code)
        vals["channel_id"] = channel.id
        invoice_lines = vals.pop("_invoice_lines", None) or self.env["account.move.line"]
        usage = vals.pop("_usage_records", None) or self.env["telecom.usage.record"]
        ticket = (
            self.env["helpdesk.ticket"]
            .with_context(telecom_channel=channel_code, mail_create_nosubscribe=True)
            .create(vals)
        )
        if invoice_lines or usage:
            # one disputed item per invoice line, with the selected usage billed on it
            items = invoice_lines | usage.invoice_line_id
            lines = [
                {
                    "ticket_id": ticket.id,
                    "invoice_line_id": item.id,
                    "usage_record_ids": [
                        Command.set(usage.filtered(lambda u, i=item: u.invoice_line_id == i).ids)
                    ],
                }
                for item in items
            ]
            unbilled = usage.filtered(lambda u: not u.invoice_line_id)
            if unbilled:
                lines.append(
                    {"ticket_id": ticket.id, "usage_record_ids": [Command.set(unbilled.ids)]}
                )
            self.env["telecom.dispute.line"].create(lines)
        return self._api_ticket_data(ticket)

    @api.model
    def _api_ticket_text(self, values):
        title = values.get("title")
        if not isinstance(title, str) or not title.strip():
            raise UserError(self.env._("title is required."))
        self._api_text(title.strip(), "title")
        description = values.get("description")
        if not isinstance(description, str) or not description.strip():
            raise UserError(self.env._("description is required."))
        self._api_text(description, "description", MAX_LONG_TEXT)
        kinds = dict(TELECOM_KINDS)
        category = values.get("category")
        if category not in kinds:
            raise UserError(
                self.env._(
                    "category: %(value)s is not one of %(allowed)s.",
                    value=category,
                    allowed=", ".join(kinds),
                )
            )
        ticket_type = self.env["helpdesk.ticket.type"]._telecom_type(category)
        if not ticket_type:
            raise UserError(self.env._("No ticket type for category %(value)s.", value=category))
        priority = values.get("priority", "medium")
        priority = PRIORITY_NAMES.get(priority, priority)
        if isinstance(priority, int) and not isinstance(priority, bool):
            priority = str(priority)
        if priority not in PRIORITY_NAMES.values():
            raise UserError(
                self.env._(
                    "priority: %(value)s is not one of low, medium, high, urgent (or 0-3).",
                    value=values.get("priority"),
                )
            )
        vals = {
            "name": title.strip(),
            "description": self._api_html(description),
            "type_id": ticket_type.id,
            "priority": priority,
        }
        if values.get("reported_at") not in (None, False, ""):
            vals["telecom_reported_date"] = self._api_datetime(values["reported_at"], "reported_at")
        if values.get("external_ref"):
            vals["telecom_external_ref"] = self._api_text(
                str(values["external_ref"]), "external_ref", 128
            )
        return vals

    @api.model
    def _api_ticket_customer(self, values):
        vals = {}
        sub = self.env["telecom.subscription"]
        if values.get("subscription") not in (None, False, ""):
            sub = self._api_subscription(values["subscription"])
            vals["telecom_subscription_id"] = sub.id
        customer = self.env["res.partner"]
        if values.get("customer") not in (None, False, ""):
            customer = self._api_customer(values["customer"])
            if sub and sub.partner_id.commercial_partner_id != customer:
                raise UserError(
                    self.env._(
                        "Subscription %(sub)s is not a service of %(customer)s.",
                        sub=sub.name,
                        customer=customer.telecom_customer_number,
                    )
                )
        customer = customer or sub.partner_id.commercial_partner_id
        if customer:
            vals["partner_id"] = customer.id
            vals["partner_name"] = customer.name
            vals["partner_email"] = customer.email or False
        if values.get("contact_name"):
            vals["partner_name"] = self._api_text(str(values["contact_name"]), "contact_name")
        if values.get("contact_email"):
            vals["partner_email"] = self._api_text(str(values["contact_email"]), "contact_email")
        if not customer and not vals.get("partner_email"):
            raise UserError(
                self.env._("Give a customer, a subscription or at least a contact_email.")
            )
        if values.get("billing_account") not in (None, False, ""):
            if not customer:
                raise UserError(self.env._("billing_account needs a customer."))
            vals["telecom_billing_account_id"] = self._api_billing_account(
                values["billing_account"], customer
            ).id
        return vals

    @api.model
    def _api_ticket_links(self, values, vals):
        """Invoices, usage, elements and orders the ticket is about: the customer's own
        (invoices, usage and orders need the ticket's customer)."""
        links = {}
        customer = self.env["res.partner"].browse(vals.get("partner_id"))
        needs_customer = [
            key
            for key in ("invoice", "invoice_lines", "usage_records", "service_order")
            if values.get(key) not in (None, False, "", [])
        ]
        if needs_customer and not customer:
            raise UserError(
                self.env._(
                    "%(keys)s: name the customer or the subscription the ticket is about.",
                    keys=", ".join(needs_customer),
                )
            )
        if values.get("invoice") not in (None, False, ""):
            links["telecom_invoice_id"] = self._api_invoice(values["invoice"], customer).id
        if values.get("invoice_lines"):
            links["_invoice_lines"] = self._api_invoice_lines(values["invoice_lines"], customer)
        if values.get("usage_records"):
            usage = self._api_usage_records(values["usage_records"], customer)
            links["_usage_records"] = usage
            if (
                len(usage.billing_account_id) == 1
                and not vals.get("telecom_billing_account_id")
                and not vals.get("telecom_subscription_id")
            ):
                links["telecom_billing_account_id"] = usage.billing_account_id.id
        if values.get("element") not in (None, False, ""):
            links["telecom_element_id"] = self._api_element(values["element"]).id
        if values.get("service_order") not in (None, False, ""):
            order = self._api_service_order(values["service_order"])
            if order.subscription_id.partner_id.commercial_partner_id != customer:
                raise UserError(
                    self.env._(
                        "No service order %(ref)s of the customer.", ref=values["service_order"]
                    )
                )
            if vals.get("telecom_subscription_id") not in (None, False, order.subscription_id.id):
                raise UserError(
                    self.env._(
                        "Service order %(order)s is not about the ticket's subscription.",
                        order=order.name,
                    )
                )
            links["telecom_service_order_id"] = order.id
            links.setdefault("telecom_subscription_id", order.subscription_id.id)
        return links

    # -- lookups ---------------------------------------------------------------------
    @api.model
    def _api_ticket(self, ref):
        Ticket = self.env["helpdesk.ticket"]
        if isinstance(ref, int) and not isinstance(ref, bool):
            ticket = Ticket.browse(ref).exists()
        elif isinstance(ref, str) and ref.strip():
            ticket = Ticket.search(
                ["|", ("number", "=", ref.strip()), ("telecom_external_ref", "=", ref.strip())],
                limit=1,
            )
        else:
            ticket = Ticket
        if not ticket:
            raise UserError(
                self.env._(
                    "No ticket %(ref)s (give its id, number or external reference).", ref=ref
                )
            )
        ticket.check_access("read")
        return ticket

    @api.model
    def _api_invoice(self, ref, customer):
        Move = self.env["account.move"]
        if isinstance(ref, int) and not isinstance(ref, bool):
            invoice = Move.browse(ref).exists()
        elif isinstance(ref, str) and ref.strip():
            invoice = Move.search(
                [("name", "=", ref.strip()), ("move_type", "=", "out_invoice")], limit=1
            )
        else:
            invoice = Move
        if (
            not invoice
            or invoice.move_type != "out_invoice"
            or (customer and invoice.commercial_partner_id != customer.commercial_partner_id)
        ):
            raise UserError(self.env._("No invoice %(ref)s of the customer.", ref=ref))
        return invoice

    @api.model
    def _api_invoice_lines(self, refs, customer):
        if not isinstance(refs, list | tuple) or not all(
            isinstance(r, int) and not isinstance(r, bool) for r in refs
        ):
            raise UserError(self.env._("invoice_lines must be a list of invoice line ids."))
        lines = self.env["account.move.line"].browse(refs).exists()
        if len(lines) != len(set(refs)) or lines.filtered(
            lambda line: (
                line.move_id.move_type != "out_invoice"
                or line.display_type != "product"
                or (
                    customer
                    and line.move_id.commercial_partner_id != customer.commercial_partner_id
                )
            )
        ):
            raise UserError(
                self.env._("invoice_lines: only product lines of the customer's invoices.")
            )
        return lines

    @api.model
    def _api_usage_records(self, refs, customer):
        if not isinstance(refs, list | tuple) or not all(
            isinstance(r, int) and not isinstance(r, bool) for r in refs
        ):
            raise UserError(self.env._("usage_records must be a list of usage record ids."))
        usage = self.env["telecom.usage.record"].browse(refs).exists()
        if len(usage) != len(set(refs)) or usage.filtered(
            lambda u: (
                u.state not in ("rated", "billed")
                or (
                    customer
                    and u.billing_account_id.partner_id.commercial_partner_id
                    != customer.commercial_partner_id
                )
            )
        ):
            raise UserError(
                self.env._("usage_records: only rated or billed usage of the customer's accounts.")
            )
        return usage

    @api.model
    def _api_element(self, ref):
        Element = self.env["telecom.network.element"]
        if isinstance(ref, int) and not isinstance(ref, bool):
            element = Element.browse(ref).exists()
        elif isinstance(ref, str) and ref.strip():
            element = Element.search([("name", "=", ref.strip())], limit=1)
        else:
            element = Element
        if not element:
            raise UserError(self.env._("No network element %(ref)s.", ref=ref))
        return element

    @api.model
    def _api_service_order(self, ref):
        Order = self.env["telecom.service.order"]
        if isinstance(ref, int) and not isinstance(ref, bool):
            order = Order.browse(ref).exists()
        elif isinstance(ref, str) and ref.strip():
            order = Order.search([("name", "=", ref.strip())], limit=1)
        else:
            order = Order
        if not order:
            raise UserError(self.env._("No service order %(ref)s.", ref=ref))
        return order

    @api.model
    def _api_datetime(self, value, label):
        """An ISO-8601 date-time (naive = UTC) as a naive UTC datetime, not in the future."""
        if not isinstance(value, str):
            raise UserError(self.env._("%(label)s must be an ISO-8601 string.", label=label))
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError as exc:
            raise UserError(
                self.env._("%(label)s: %(value)s is not ISO-8601.", label=label, value=value)
            ) from exc
        if when.tzinfo:
            when = when.astimezone(timezone.utc).replace(tzinfo=None)
        if when > fields.Datetime.now():
            raise UserError(
                self.env._("%(label)s: %(value)s is in the future.", label=label, value=value)
            )
        return when.replace(microsecond=0)

    @api.model
    def _api_html(self, text):
        paragraphs = [p for p in str(text).split("\n") if p.strip()] or [""]
        return Markup("").join(Markup("<p>%s</p>") % escape(p) for p in paragraphs)

    # -- plain data out --------------------------------------------------------------
    @api.model
    def _api_iso_dt(self, value):
        return value.replace(microsecond=0).isoformat() + "Z" if value else False

    @api.model
    def _api_ticket_data(self, ticket):
        sub = ticket.telecom_subscription_id
        customer = ticket.commercial_partner_id
        sla_lines = ticket.ticket_sla_ids
        return {
            "id": ticket.id,
            "number": ticket.number,
            "title": ticket.name,
            "category": ticket.telecom_kind or False,
            "stage": ticket.stage_id.name or False,
            "stage_kind": ticket.stage_id.telecom_stage_kind or False,
            "closed": bool(ticket.closed),
            "priority": ticket.priority or "0",
            "team": ticket.team_id.name or False,
            "assigned_to": ticket.user_id.name or False,
            "channel": ticket.channel_id.telecom_code or False,
            "customer_id": customer.id or False,
            "customer_number": customer.telecom_customer_number or False,
            "subscription_id": sub.id or False,
            "subscription_number": sub.name or False,
            "billing_account_id": ticket.telecom_billing_account_id.id or False,
            "external_ref": ticket.telecom_external_ref or False,
            "reported_at": self._api_iso_dt(ticket.telecom_reported_date),
            "created_at": self._api_iso_dt(ticket.create_date),
            "closed_at": self._api_iso_dt(ticket.closed_date) if ticket.closed else False,
            "outage": ticket.telecom_parent_id.number or False,
            "sla": {
                "status": ticket.telecom_sla_status or "none",
                "deadline": self._api_iso_dt(ticket.sla_deadline),
                "policies": [
                    {
                        "name": line.sla_id.name,
                        "kind": line.telecom_sla_kind or False,
                        "deadline": self._api_iso_dt(line.deadline),
                        "state": line.state,
                    }
                    for line in sla_lines
                ],
            },
            "dispute": {
                "state": ticket.telecom_dispute_state,
                "disputed_amount": ticket.telecom_disputed_amount,
                "credit_amount": ticket.telecom_dispute_credit_amount,
                "currency": ticket.telecom_dispute_currency_id.name,
                "credit_notes": ticket.sudo().telecom_credit_note_ids.mapped("name"),
            }
            if ticket.telecom_dispute_state
            else False,
        }

    @api.model
    def _api_ticket_messages(self, ticket):
        comment = self.env.ref("mail.mt_comment")
        messages = ticket.message_ids.filtered(
            lambda m: m.message_type in ("comment", "email") and m.subtype_id == comment
        )
        return [
            {
                "date": self._api_iso_dt(message.date),
                "author": message.author_id.name or message.email_from or False,
                "body": html2plaintext(message.body or "").strip(),
            }
            for message in messages.sorted(lambda m: (m.date, m.id))
        ]
