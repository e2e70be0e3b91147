# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer and agent self-care in the Odoo portal: what every page shares.

The portal is one ``CustomerPortal`` subclass per document, each in its own file:

- ``services.py``: ``/my/subscriptions`` (list, detail);
- ``usage.py``: ``/my/usage`` (records by period and type, keyset pages, exports);
- ``requests.py``: self-service requests on a service (plan change, add-on,
  suspension, resumption, SIM, port-in) and ``/my/requests`` (orders followed);
- ``tickets.py``: ``/my/tickets/new``;
- ``account.py``: ``/my/billing_accounts`` (list, detail, invoice preferences,
  direct-debit mandate);
- ``invoices.py``: the itemised usage of an invoice (``/my/invoices/<id>/usage.*``);
- ``agents.py``: ``/my/agent/...`` (the agents of resellers).

Odoo chains them (and core's portal controllers) into one controller by
inheritance: every ``_prepare_home_portal_values`` calls ``super()`` and adds its own
counters, and a page's file may call a helper of another (``self``). This base holds
what they share: who is asking, the banners, the list pages' paging and search, the
running outages and the ``/my`` home page.

Every route checks access the same way:

- list routes are ``auth="user"`` and search **as the user** with an explicit
  domain on the user's own customer (record rules apply on top);
- detail routes are ``auth="public"`` and go through ``_document_check_access``
  (record rules, or the record's own access token);
- requests (plan change, add-on, suspension, SIM, port-in, preferences) are for
  the customer's own logged-in users only, never by token: the route checks
  that the record belongs to the user's commercial partner, then acts as the
  system (``*_sudo``) because portal users have no write access;
- agent routes check the agent group, that the user's company is a reseller and
  that the customer was registered by that reseller.

A failed check redirects to ``/my`` without telling whether the record exists.
"""

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.osv import expression
from odoo.tools.translate import LazyTranslate

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.telecom_subscription import LIVE_STATES

_lt = LazyTranslate(__name__)

REQUEST_MESSAGES = {
    "plan_change": _lt("Your plan change is ordered (%(ref)s)."),
    "addon": _lt("Your add-on is ordered (%(ref)s)."),
    "suspension": _lt("Your service is suspended (%(ref)s)."),
    "resumption": _lt("Your service resumes (%(ref)s)."),
    "sim": _lt("Your SIM replacement request is registered (%(ref)s)."),
    "port_in": _lt("Your port-in request is registered (%(ref)s)."),
    "preferences": _lt("Your invoice preferences are saved."),
    "mandate": _lt(
        "Your direct-debit mandate %(ref)s is signed: we check it and tell you when it is in force."
    ),
    "mandate_valid": _lt(
        "Your direct-debit mandate %(ref)s is signed and in force: your next invoices are "
        "collected from it."
    ),
    "mandate_revoked": _lt("Your direct-debit mandate %(ref)s is revoked."),
    "customer": _lt("The customer is registered (%(ref)s)."),
    "order": _lt("The order is placed (%(ref)s)."),
}


class TelecomPortalBase(CustomerPortal):
    # ------------------------------------------------------------------------
    # who is asking
    # ------------------------------------------------------------------------
    def _telecom_customer(self):
        """The logged-in user's customer (its commercial partner)."""
        return request.env.user.partner_id.commercial_partner_id

    def _telecom_reseller(self):
        """The reseller the logged-in agent works for, or an empty recordset."""
        user = request.env.user
        reseller = user.partner_id.commercial_partner_id
        if (
            not user._is_public()
            and user.has_group("telecom_portal.group_telecom_agent")
            and reseller.sudo().telecom_is_reseller
        ):
            return reseller
        return request.env["res.partner"]

    def _telecom_own_subscription(self, subscription_id):
        """The user's own subscription (sudo) for a request; never reached by token."""
        sub_sudo = self._document_check_access("telecom.subscription", subscription_id)
        if sub_sudo.partner_id != self._telecom_customer():
            raise AccessError(request.env._("This service is not yours."))
        return sub_sudo

    def _telecom_service_domain(self):
        return [("partner_id", "=", self._telecom_customer().id)]

    # -- banners: a message code in the URL, its text and reference from the session --
    # A link anyone can forge (``?message=...&ref=Call+0900...``) shows nothing: the
    # page shows a banner only for the code our own redirect stored in the session,
    # with the reference stored beside it, in the user's language.
    def _telecom_redirect(self, url, message, ref=None):
        """Redirect to ``url`` showing the banner ``message`` (a REQUEST_MESSAGES code)."""
        request.session["telecom_flash"] = {"message": message, "ref": ref or ""}
        return request.redirect(f"{url}{'&' if '?' in url else '?'}message={message}")

    def _telecom_message(self, kw):
        key = kw.get("message")
        flash = request.session.get("telecom_flash") or {}
        if key not in REQUEST_MESSAGES or flash.get("message") != key:
            return False
        return str(REQUEST_MESSAGES[key]) % {"ref": flash.get("ref") or "-"}

    @staticmethod
    def _telecom_chatter_args(kw):
        """What core's portal page values take from the query: the chatter's e-mail
        token only (no free ``error``/``warning`` banner text, no clashing names)."""
        return {key: kw[key] for key in ("pid", "hash") if kw.get(key)}

    # ------------------------------------------------------------------------
    # list pages: count, pager, one page, search bar
    # ------------------------------------------------------------------------
    def _telecom_count(self, model, domain):
        Model = request.env[model]
        return Model.search_count(domain) if Model.has_access("read") else 0

    def _telecom_list_page(self, model, domain, url, page, order, url_args=None):
        """``(records, pager)`` of one page of a list route, searched **as the user**.

        Nothing (an empty page) if the user may not read ``model``.
        """
        Model = request.env[model]
        total = self._telecom_count(model, domain)
        pager = portal_pager(
            url=url, url_args=url_args, total=total, page=page, step=self._items_per_page
        )
        records = (
            Model.search(domain, order=order, limit=self._items_per_page, offset=pager["offset"])
            if total
            else Model
        )
        return records, pager

    @staticmethod
    def _telecom_search_domain(search, field_names):
        """Records where any of ``field_names`` holds ``search`` (none: every record)."""
        if not search:
            return []
        search = search.strip()
        return expression.OR([[(fname, "ilike", search)] for fname in field_names])

    @staticmethod
    def _telecom_search_values(search):
        """The search bar's values of a list page (one free-text input)."""
        return {
            "searchbar_inputs": {"all": {"input": "all", "label": request.env._("Search")}},
            "search_in": "all",
            "search": search,
        }

    # ------------------------------------------------------------------------
    # small helpers of the forms
    # ------------------------------------------------------------------------
    def _telecom_int(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    def _telecom_choice(self, offered, value, error, required=True):
        """The record of ``offered`` whose id a form field holds (``value``).

        ``UserError(error)`` if it is not one of them; nothing asked (an empty
        ``value``) is an error too when ``required``, else an empty recordset.
        """
        if not value and not required:
            return offered.browse()
        chosen = offered.filtered(lambda record: record.id == self._telecom_int(value))
        if not chosen:
            raise UserError(error)
        return chosen

    @staticmethod
    def _telecom_order_kinds():
        """{kind: label} of telecom orders, in the reader's language."""
        SaleOrder = request.env["sale.order"]
        return dict(SaleOrder._fields["telecom_order_kind"]._description_selection(request.env))

    def _telecom_prices(self, products, date, currency=None):
        """{product id: price per period on ``date``} (price versions)."""
        return {p.id: p._telecom_price_amount_at(date, currency) for p in products}

    # ------------------------------------------------------------------------
    # home: running outages, the agent's entry
    # ------------------------------------------------------------------------
    @http.route()
    def home(self, **kw):
        response = super().home(**kw)
        if hasattr(response, "qcontext"):
            subs = self._telecom_live_subscriptions()
            response.qcontext.update(
                {
                    "telecom_outages": self._telecom_outages(subs.sudo()),
                    "telecom_is_agent": bool(self._telecom_reseller()),
                }
            )
        return response

    def _telecom_live_subscriptions(self):
        Subscription = request.env["telecom.subscription"]
        if not Subscription.has_access("read"):
            return Subscription
        return Subscription.search(
            expression.AND([self._telecom_service_domain(), [("state", "in", LIVE_STATES)]])
        )

    def _telecom_outages(self, subs_sudo):
        """[{'start', 'subscriptions', 'ticket'}]: running outages hitting these services.

        Read from telecom_helpdesk's SLA credit lines (one per subscription an
        outage hits, taken when the customers are notified) **as the user**: the
        portal rule shows a customer its own lines only. ``ticket`` is the
        customer's ticket of the outage (where the notices are posted).
        """
        Credit = request.env["telecom.sla.credit"]
        if not subs_sudo or not Credit.has_access("read"):
            return []
        credits = Credit.search(
            [
                ("state", "=", "pending"),
                ("subscription_id", "in", subs_sudo.ids),
                ("partner_id", "child_of", self._telecom_customer().id),
            ],
            limit=200,
        )
        customer = self._telecom_customer()
        outages = []
        for master in credits.sudo().ticket_id.sorted("telecom_outage_start", reverse=True):
            if master.telecom_outage_end or not master.telecom_is_outage:
                continue
            hit = credits.filtered(lambda c, m=master: c.ticket_id == m).subscription_id
            ticket = master.telecom_child_ids.filtered(
                lambda t: t.commercial_partner_id == customer
            )[:1]
            outages.append(
                {
                    "start": master.telecom_outage_start,
                    "subscriptions": hit.sudo(),
                    "ticket": ticket,
                }
            )
        return outages

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # lazily, for the pages that show them (the tickets list of helpdesk_mgmt)
        values["telecom_outage_notices"] = lambda: self._telecom_outages(
            self._telecom_live_subscriptions().sudo()
        )
        return values
