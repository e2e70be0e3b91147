# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer and agent self-care in the Odoo portal.

One ``CustomerPortal`` subclass; its helpers are grouped by area (home, services,
requests, tickets, account, agents). Every route checks access the same way:

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

import logging
from collections import OrderedDict
from datetime import timedelta

import pytz
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import plaintext2html, single_email_re
from odoo.tools.translate import LazyTranslate

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.telecom_billing.controllers.main import usage_file_name, usage_part
from odoo.addons.telecom_billing.rating.periods import (
    next_period_start,
    period_start,
    previous_period_start,
)

from ..models.telecom_subscription import SIM_REASONS
from . import usage_export, usage_query

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

LIVE_STATES = ("active", "suspended")
USAGE_EXPORT_MAX = 500_000
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


class TelecomPortal(CustomerPortal):
    _telecom_usage_page_size = 50

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

    def _telecom_own_subscription(self, subscription_id):
        """The user's own subscription (sudo) for a request; never reached by token."""
        sub_sudo = self._document_check_access("telecom.subscription", subscription_id)
        if sub_sudo.partner_id != self._telecom_customer():
            raise AccessError(request.env._("This service is not yours."))
        return sub_sudo

    def _telecom_own_account(self, account_id):
        account_sudo = self._document_check_access("telecom.billing.account", account_id)
        if account_sudo.partner_id != self._telecom_customer():
            raise AccessError(request.env._("This billing account is not yours."))
        return account_sudo

    # ------------------------------------------------------------------------
    # home
    # ------------------------------------------------------------------------
    def _telecom_service_domain(self):
        return [("partner_id", "=", self._telecom_customer().id)]

    def _telecom_request_domain(self):
        return [
            ("telecom_customer_id", "=", self._telecom_customer().id),
            ("telecom_order_kind", "!=", False),
        ]

    def _telecom_count(self, model, domain):
        Model = request.env[model]
        return Model.search_count(domain) if Model.has_access("read") else 0

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_service_count" in counters:
            values["telecom_service_count"] = self._telecom_count(
                "telecom.subscription", self._telecom_service_domain()
            )
        if "telecom_usage_count" in counters:
            values["telecom_usage_count"] = self._telecom_usage_count()
        if "telecom_billing_account_count" in counters:
            values["telecom_billing_account_count"] = self._telecom_count(
                "telecom.billing.account", [("partner_id", "=", self._telecom_customer().id)]
            )
        if "telecom_invoice_count" in counters:
            values["telecom_invoice_count"] = self._telecom_count(
                "account.move", self._get_invoices_domain("out")
            )
        if "telecom_ticket_count" in counters:
            values["telecom_ticket_count"] = self._telecom_count(
                "helpdesk.ticket", [("closed", "=", False)]
            )
        if "telecom_request_count" in counters:
            values["telecom_request_count"] = self._telecom_count(
                "sale.order", self._telecom_request_domain()
            )
        if "telecom_agent_customer_count" in counters:
            reseller = self._telecom_reseller()
            values["telecom_agent_customer_count"] = (
                self._telecom_count(
                    "res.partner",
                    [("telecom_agent_id", "=", reseller.id), ("parent_id", "=", False)],
                )
                if reseller
                else 0
            )
        if "telecom_agent_order_count" in counters:
            reseller = self._telecom_reseller()
            values["telecom_agent_order_count"] = (
                self._telecom_count("sale.order", [("telecom_agent_id", "=", reseller.id)])
                if reseller
                else 0
            )
        return values

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

    def _telecom_live_subscriptions(self):
        Subscription = request.env["telecom.subscription"]
        if not Subscription.has_access("read"):
            return Subscription
        return Subscription.search(
            expression.AND([self._telecom_service_domain(), [("state", "in", LIVE_STATES)]])
        )

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # lazily, for the pages that show them (the tickets list of helpdesk_mgmt)
        values["telecom_outage_notices"] = lambda: self._telecom_outages(
            self._telecom_live_subscriptions().sudo()
        )
        return values

    # ------------------------------------------------------------------------
    # services
    # ------------------------------------------------------------------------
    def _telecom_service_sortings(self):
        return {
            "number": {"label": request.env._("Number"), "order": "name desc"},
            "identifier": {
                "label": request.env._("Phone / Circuit"),
                "order": "phone_number, circuit_id",
            },
            "state": {"label": request.env._("Status"), "order": "state, name desc"},
            "commitment": {
                "label": request.env._("Commitment End"),
                "order": "commitment_end_date",
            },
        }

    def _telecom_service_filters(self):
        return {
            "live": {
                "label": request.env._("In service"),
                "domain": [("state", "in", LIVE_STATES)],
            },
            "all": {"label": request.env._("All"), "domain": []},
            "pending": {
                "label": request.env._("Being activated"),
                "domain": [("state", "=", "pending")],
            },
            "suspended": {
                "label": request.env._("Suspended"),
                "domain": [("state", "=", "suspended")],
            },
            "terminated": {
                "label": request.env._("Terminated"),
                "domain": [("state", "=", "terminated")],
            },
        }

    def _telecom_service_search_domain(self, search):
        if not search:
            return []
        search = search.strip()
        return expression.OR(
            [
                [(fname, "ilike", search)]
                for fname in ("name", "phone_number", "circuit_id", "username", "sim_iccid")
            ]
        )

    @http.route(
        ["/my/subscriptions", "/my/subscriptions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_subscriptions(self, page=1, sortby=None, filterby=None, search=None, **kw):
        Subscription = request.env["telecom.subscription"]
        if not Subscription.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        sortings = self._telecom_service_sortings()
        filters = self._telecom_service_filters()
        sortby = sortby if sortby in sortings else "number"
        filterby = filterby if filterby in filters else "live"
        domain = expression.AND(
            [
                self._telecom_service_domain(),
                filters[filterby]["domain"],
                self._telecom_service_search_domain(search),
            ]
        )
        total = Subscription.search_count(domain)
        pager = portal_pager(
            url="/my/subscriptions",
            url_args={"sortby": sortby, "filterby": filterby, "search": search},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        subs = Subscription.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_subscriptions_history"] = subs.ids[:100]
        values.update(
            {
                "subscriptions": subs.sudo(),
                "page_name": "telecom_service",
                "default_url": "/my/subscriptions",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_filters": OrderedDict(filters.items()),
                "filterby": filterby,
                "searchbar_inputs": {"all": {"input": "all", "label": request.env._("Search")}},
                "search_in": "all",
                "search": search,
            }
        )
        return request.render("telecom_portal.portal_my_subscriptions", values)

    def _telecom_allowance_rows(self, sub_sudo):
        """Included / used / remaining of the current period, per allowance.

        Read from the allowance balances rating keeps (the subscription's own and its
        billing account's shared pools); an allowance without a balance yet (no usage
        this period) shows its full grant.
        """
        account = sub_sudo.billing_account_id
        months = self._telecom_period_months(account)
        tz = pytz.timezone(sub_sudo.partner_id.tz or request.env.user.tz or "UTC")
        today = fields.Datetime.now().replace(tzinfo=pytz.utc).astimezone(tz).date()
        start = period_start(today, account.billing_day or 1, months)
        end = next_period_start(start, months) - timedelta(days=1)
        balances = (
            request.env["telecom.allowance.balance"]
            .sudo()
            .search(
                [
                    ("period_start", "=", start),
                    "|",
                    ("subscription_id", "=", sub_sudo.id),
                    "&",
                    ("scope", "=", "pool"),
                    ("billing_account_id", "=", account.id),
                ]
            )
        )
        grouped = {}
        for balance in balances:
            row = grouped.setdefault(
                (balance.scope, balance.allowance_id),
                {"quantity": 0, "used": 0, "remaining": 0, "rollover": 0},
            )
            row["quantity"] += balance.quantity
            row["used"] += balance.used
            row["remaining"] += balance.remaining
            if balance.generation:
                row["rollover"] += balance.quantity
        # allowances in force with no balance yet: their grant, nothing used
        lines = sub_sudo.line_ids.filtered(
            lambda line: line.kind in ("plan", "addon") and line._telecom_covers(today)
        )
        pool_lines = account.subscription_ids.filtered(
            lambda s: s.state in ("active", "suspended")
        ).line_ids.filtered(
            lambda line: line.kind in ("plan", "addon") and line._telecom_covers(today)
        )
        for line in lines:
            for allowance in line.product_id.product_tmpl_id.telecom_allowance_ids:
                pool = allowance.share_scope == "billing_account"
                key = ("pool" if pool else "subscription", allowance)
                if key in grouped:
                    continue
                if pool:
                    quantity = allowance._telecom_pool_size(account)
                    if quantity is None:  # no size stated: the sum of the lines' grants
                        quantity = sum(
                            other.quantity * allowance.quantity_base
                            for other in pool_lines
                            if allowance in other.product_id.product_tmpl_id.telecom_allowance_ids
                        )
                else:
                    quantity = line.quantity * allowance.quantity_base
                grouped[key] = {
                    "quantity": int(quantity),
                    "used": 0,
                    "remaining": int(quantity),
                    "rollover": 0,
                }
        rows = []
        for (scope, allowance), values in grouped.items():
            unit = allowance.usage_type_id.unit
            quantity = values["quantity"] or 0
            percent = min(100, round(100.0 * values["used"] / quantity)) if quantity else 0
            rows.append(
                {
                    "allowance": allowance,
                    "product": allowance.product_tmpl_id,
                    "usage": allowance.usage_type_id.name,
                    "zones": ", ".join(allowance.zone_class_ids.mapped("name")),
                    "shared": scope == "pool",
                    "included": usage_query.human(quantity, unit),
                    "used": usage_query.human(values["used"], unit),
                    "remaining": usage_query.human(values["remaining"], unit),
                    "rollover": usage_query.human(values["rollover"], unit)
                    if values["rollover"]
                    else False,
                    "percent": percent,
                    "colour": "danger"
                    if percent >= 100
                    else "warning"
                    if percent >= 80
                    else "success",
                }
            )
        rows.sort(key=lambda row: (row["shared"], row["usage"] or ""))
        return {"start": start, "end": end, "rows": rows}

    def _telecom_subscription_values(self, sub_sudo, access_token=None, kw=None):
        today = fields.Date.context_today(sub_sudo)
        user = request.env.user
        is_owner = not user._is_public() and sub_sudo.partner_id == self._telecom_customer()
        values = {
            "page_name": "telecom_service",
            "subscription": sub_sudo,
            "is_owner": is_owner,
            "actions": sub_sudo._telecom_portal_actions() if is_owner else {},
            "current_lines": sub_sudo.line_ids.filtered(
                lambda line: line._telecom_covers(today)
            ).sorted(lambda line: (line.kind != "plan", line.id)),
            "scheduled_lines": sub_sudo.line_ids.filtered(lambda line: line.date_start > today),
            "allowances": self._telecom_allowance_rows(sub_sudo),
            "usage_url": f"/my/usage?service={sub_sudo.id}" if is_owner else False,
            "service_orders": sub_sudo.service_order_ids.sorted("id", reverse=True)[:10],
            "outages": self._telecom_outages(sub_sudo) if sub_sudo.state in LIVE_STATES else [],
            "telecom_message": self._telecom_message(kw or {}),
        }
        return self._get_page_view_values(
            sub_sudo,
            access_token,
            values,
            "my_subscriptions_history",
            False,
            **self._telecom_chatter_args(kw or {}),
        )

    @http.route(
        ["/my/subscriptions/<int:subscription_id>"], type="http", auth="public", website=True
    )
    def portal_my_subscription(self, subscription_id, access_token=None, **kw):
        try:
            sub_sudo = self._document_check_access(
                "telecom.subscription", subscription_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._telecom_subscription_values(sub_sudo, access_token, kw)
        return request.render("telecom_portal.portal_my_subscription", values)

    def _telecom_back_to(self, sub_sudo, message, ref):
        return self._telecom_redirect(f"/my/subscriptions/{sub_sudo.id}", message, ref)

    # ------------------------------------------------------------------------
    # usage: records by period and type, keyset pages, exports
    # ------------------------------------------------------------------------
    def _telecom_own_subscriptions(self, domain=None):
        """The user's own subscriptions (searched as the user), as the system."""
        Subscription = request.env["telecom.subscription"]
        if not Subscription.has_access("read"):
            return Subscription.sudo()
        return Subscription.search(
            expression.AND([self._telecom_service_domain(), domain or []]), order="name"
        ).sudo()

    def _telecom_period_months(self, account):
        return account.billing_period_months or 1

    def _telecom_usage_periods(self, subs_sudo, count=12):
        """[(start, end)] of the current and previous billing periods, newest first."""
        today = fields.Date.context_today(request.env.user)
        starts = set()
        for account in subs_sudo.billing_account_id:
            months = self._telecom_period_months(account)
            start = period_start(today, account.billing_day or 1, months)
            for _i in range(count):
                starts.add((start, months))
                start = previous_period_start(start, months)
        periods = {}
        for start, months in starts:
            end = next_period_start(start, months) - timedelta(days=1)
            periods[start] = max(periods.get(start, end), end)
        return sorted(periods.items(), reverse=True)[: count * 2]

    def _telecom_usage_filters(self, kw):
        """The usage page's filters, validated: never another customer's service."""
        subs_sudo = self._telecom_own_subscriptions([("state", "!=", "draft")])
        periods = self._telecom_usage_periods(subs_sudo)
        starts = [start for start, _end in periods]
        try:
            period = fields.Date.to_date(kw["period"]) if kw.get("period") else None
        except ValueError:
            period = None
        if period not in starts:
            period = starts[0] if starts else None
        selected = subs_sudo
        if kw.get("service"):
            selected = subs_sudo.filtered(lambda s: s.id == self._telecom_int(kw["service"]))
            if not selected:
                raise AccessError(request.env._("This service is not yours."))
        types = request.env["telecom.usage.type"].sudo().search([], order="name")
        usage_type = types.filtered(lambda t: t.code == kw.get("type"))[:1]
        direction = kw.get("direction") if kw.get("direction") in ("in", "out") else None
        scopes = []
        if period:
            for sub in selected:
                account = sub.billing_account_id
                months = self._telecom_period_months(account)
                if period_start(period, account.billing_day or 1, months) == period:
                    scopes.append(usage_query.scope(sub.id, period, months))
        return {
            "subscriptions": subs_sudo,
            "selected": selected if kw.get("service") else subs_sudo.browse(),
            "periods": periods,
            "period": period,
            "types": types,
            "usage_type": usage_type,
            "direction": direction,
            "scopes": scopes,
        }

    def _telecom_usage_args(self, filters):
        args = {"period": fields.Date.to_string(filters["period"]) if filters["period"] else ""}
        if filters["selected"]:
            args["service"] = filters["selected"].id
        if filters["usage_type"]:
            args["type"] = filters["usage_type"].code
        if filters["direction"]:
            args["direction"] = filters["direction"]
        return args

    def _telecom_usage_count(self):
        """Usage records of the current period (all the user's services)."""
        filters = self._telecom_usage_filters({})
        counts = usage_query.totals(request.env.cr, filters["scopes"])
        return sum(count for count, *_rest in counts.values())

    def _telecom_usage_summary(self, by_type, types):
        """One row per usage type: count, quantity and included units, amount."""
        types = {t.id: t for t in types}
        rows = []
        for type_id, (count, quantity, included, amount) in by_type.items():
            usage_type = types.get(type_id) or request.env["telecom.usage.type"].sudo().browse(
                type_id
            )
            rows.append(
                {
                    "type": usage_type,
                    "count": count,
                    "quantity": usage_query.human(quantity, usage_type.unit),
                    "included": usage_query.human(included or 0, usage_type.unit),
                    "amount": amount or 0.0,
                }
            )
        return sorted(rows, key=lambda row: row["type"].name or "")

    @http.route(["/my/usage"], type="http", auth="user", website=True)
    def portal_my_usage(self, **kw):
        try:
            filters = self._telecom_usage_filters(kw)
        except AccessError:
            return request.redirect("/my/usage")
        type_ids = filters["usage_type"].ids
        after = usage_query.decode_cursor(kw.get("after"))
        before = usage_query.decode_cursor(kw.get("before")) if not after else None
        cr = request.env.cr
        ids, has_more = usage_query.page(
            cr,
            filters["scopes"],
            type_ids=type_ids,
            direction=filters["direction"],
            after=after,
            before=before,
            limit=self._telecom_usage_page_size,
        )
        records = request.env["telecom.usage.record"].sudo().browse(ids)
        summary = self._telecom_usage_summary(
            usage_query.totals(cr, filters["scopes"], type_ids, filters["direction"]),
            filters["types"],
        )
        args = self._telecom_usage_args(filters)
        newer = older = None
        if records:
            first, last = records[0], records[-1]
            newer_exists = after is not None or (before is not None and has_more)
            older_exists = before is not None or (before is None and has_more)
            if newer_exists:
                newer = {**args, "before": usage_query.encode_cursor(first.start_time, first.id)}
            if older_exists:
                older = {**args, "after": usage_query.encode_cursor(last.start_time, last.id)}
        currency = filters["subscriptions"][:1].currency_id or request.env.company.currency_id
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "telecom_usage",
                "filters": filters,
                "records": records,
                "summary": summary,
                "total_count": sum(row["count"] for row in summary),
                "total_amount": sum(row["amount"] for row in summary),
                "currency": currency,
                "args": args,
                "newer_url": "/my/usage?" + url_encode(newer) if newer else None,
                "older_url": "/my/usage?" + url_encode(older) if older else None,
                "export_args": url_encode(args),
                "export_max": USAGE_EXPORT_MAX,
                "human_quantity": usage_query.human,
            }
        )
        return request.render("telecom_portal.portal_my_usage", values)

    def _telecom_usage_rows(self, filters):
        """Every record of the filters, newest first, as export rows (bounded)."""
        tz = pytz.timezone(request.env.user.tz or "UTC")
        for row in usage_query.export_rows(
            request.env.cr,
            filters["scopes"],
            filters["usage_type"].ids,
            filters["direction"],
            limit=USAGE_EXPORT_MAX,
        ):
            start = pytz.utc.localize(row[1]).astimezone(tz)
            yield (
                start.strftime("%Y-%m-%d %H:%M:%S"),
                row[2],
                row[3] or row[4] or row[5] or "",
                row[6],
                row[8] or "",
                row[9] or "",
                row[10] or "",
                row[11] or "",
                int(row[12] or 0),
                row[7],
                int(row[13] or 0),
                int(row[14] or 0),
                float(row[15] or 0.0),
                row[16] or "",
                row[17],
            )

    @http.route(["/my/usage/export.<string:fmt>"], type="http", auth="user", website=True)
    def portal_my_usage_export(self, fmt, **kw):
        if fmt not in ("csv", "xlsx"):
            raise request.not_found()
        try:
            filters = self._telecom_usage_filters(kw)
        except AccessError:
            return request.redirect("/my/usage")
        tz_name = request.env.user.tz or "UTC"
        header = [
            request.env._("Time (%(tz)s)", tz=tz_name),
            request.env._("Subscription"),
            request.env._("Service"),
            request.env._("Type"),
            request.env._("Direction"),
            request.env._("Number"),
            request.env._("Location"),
            request.env._("Zone"),
            request.env._("Quantity"),
            request.env._("Unit"),
            request.env._("Rated quantity"),
            request.env._("Included"),
            request.env._("Amount"),
            request.env._("Currency"),
            request.env._("State"),
        ]
        rows = self._telecom_usage_rows(filters)
        period = fields.Date.to_string(filters["period"]) if filters["period"] else "none"
        name = f"usage-{period}"
        if fmt == "csv":
            content = usage_export.to_csv(header, rows)
            mimetype = "text/csv;charset=utf-8"
        else:
            content = usage_export.to_xlsx(header, rows, request.env._("Usage"))
            mimetype = usage_export.XLSX_MIMETYPE
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Disposition", http.content_disposition(f"{name}.{fmt}")),
            ],
        )

    # ------------------------------------------------------------------------
    # self-service requests on a service
    # ------------------------------------------------------------------------
    def _telecom_request_page(self, template, sub_sudo, **values):
        return request.render(
            template,
            {
                **self._prepare_portal_layout_values(),
                "page_name": "telecom_service",
                "subscription": sub_sudo,
                **values,
            },
        )

    def _telecom_prices(self, products, date, currency=None):
        """{product id: price per period on ``date``} (price versions)."""
        return {p.id: p._telecom_price_amount_at(date, currency) for p in products}

    def _telecom_int(self, value):
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/change_plan"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_change_plan(self, subscription_id, **kw):
        return self._telecom_change_plan_page(subscription_id, kw)

    def _telecom_change_plan_page(self, subscription_id, kw, error=None):
        try:
            sub_sudo = self._telecom_own_subscription(subscription_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not sub_sudo._telecom_portal_actions()["change_plan"]:
            return request.redirect(f"/my/subscriptions/{sub_sudo.id}")
        today = fields.Date.context_today(sub_sudo)
        plans = sub_sudo._telecom_portal_plan_options()
        return self._telecom_request_page(
            "telecom_portal.portal_change_plan",
            sub_sudo,
            plans=plans,
            prices=self._telecom_prices(plans, today, sub_sudo.currency_id),
            dates=sub_sudo._telecom_portal_change_dates(),
            today=today,
            error=error,
            selected_plan=self._telecom_int(kw.get("plan_id")),
        )

    def _telecom_change_plan_args(self, sub_sudo, kw):
        plan = sub_sudo._telecom_portal_plan_options().filtered(
            lambda p: p.id == self._telecom_int(kw.get("plan_id"))
        )
        if not plan:
            raise UserError(request.env._("Choose one of the plans offered."))
        dates = {key: date for key, _label, date in sub_sudo._telecom_portal_change_dates()}
        if kw.get("when") not in dates:
            raise UserError(request.env._("Choose when the new plan starts."))
        return plan, dates[kw["when"]]

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/change_plan/preview"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_change_plan_preview(self, subscription_id, **kw):
        try:
            sub_sudo = self._telecom_own_subscription(subscription_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            plan, date = self._telecom_change_plan_args(sub_sudo, kw)
            sub_sudo._telecom_check_can_change_plan(plan, date)
            preview = sub_sudo._telecom_change_preview(plan, date)
        except (UserError, ValidationError) as exc:
            return self._telecom_change_plan_page(subscription_id, kw, error=exc.args[0])
        policies = dict(
            request.env["product.template"]
            ._fields["telecom_proration_policy"]
            ._description_selection(request.env)
        )
        return self._telecom_request_page(
            "telecom_portal.portal_change_plan_preview",
            sub_sudo,
            plan=plan,
            old_plan=request.env["product.product"].sudo().browse(preview["old_plan_id"]),
            preview=preview,
            when=kw.get("when"),
            policy_label=policies.get(preview["proration_policy"], preview["proration_policy"]),
            currency=sub_sudo.currency_id,
        )

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/change_plan/confirm"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_change_plan_confirm(self, subscription_id, **kw):
        try:
            sub_sudo = self._telecom_own_subscription(subscription_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                plan, date = self._telecom_change_plan_args(sub_sudo, kw)
                order = sub_sudo._telecom_portal_change_plan(plan, date, request.env.user)
        except (UserError, ValidationError) as exc:
            return self._telecom_change_plan_page(subscription_id, kw, error=exc.args[0])
        return self._telecom_back_to(sub_sudo, "plan_change", order.name)

    def _telecom_self_service(self, subscription_id, action, submit, template, values=None):
        """The frame of a self-service request on one of the customer's services.

        Only the customer's own service, and only a request offered for it; on POST
        ``submit(sub_sudo)`` makes the order or ticket, all or nothing, and returns
        (message, reference) for the service page; a refused request shows the form
        again with the error. ``values(sub_sudo)`` adds what the template needs.
        """
        try:
            sub_sudo = self._telecom_own_subscription(subscription_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not sub_sudo._telecom_portal_actions()[action]:
            return request.redirect(f"/my/subscriptions/{sub_sudo.id}")
        error = None
        if request.httprequest.method == "POST":
            try:
                with request.env.cr.savepoint():
                    message, reference = submit(sub_sudo)
                return self._telecom_back_to(sub_sudo, message, reference)
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        extra = values(sub_sudo) if values else {}
        return self._telecom_request_page(template, sub_sudo, error=error, **extra)

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/addon"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_add_addon(self, subscription_id, **kw):
        def submit(sub_sudo):
            product = sub_sudo._telecom_portal_addon_options().filtered(
                lambda p: p.id == self._telecom_int(kw.get("product_id"))
            )
            if not product:
                raise UserError(request.env._("Choose one of the add-ons offered."))
            return "addon", sub_sudo._telecom_portal_add_addon(product, request.env.user).name

        def values(sub_sudo):
            today = fields.Date.context_today(sub_sudo)
            addons = sub_sudo._telecom_portal_addon_options()
            prices = self._telecom_prices(addons, today, sub_sudo.currency_id)
            return {"addons": addons, "prices": prices, "today": today}

        return self._telecom_self_service(
            subscription_id, "addon", submit, "telecom_portal.portal_add_addon", values
        )

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/suspend"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_suspend(self, subscription_id, **kw):
        def submit(sub_sudo):
            if not kw.get("confirm"):
                raise UserError(request.env._("Tick the box to confirm the suspension."))
            order = sub_sudo._telecom_portal_suspend(
                request.env.user, kw.get("resume_date") or None
            )
            return "suspension", order.name

        return self._telecom_self_service(
            subscription_id,
            "suspend",
            submit,
            "telecom_portal.portal_suspend",
            lambda sub_sudo: {"today": fields.Date.context_today(sub_sudo)},
        )

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/resume"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_resume(self, subscription_id, **kw):
        try:
            sub_sudo = self._telecom_own_subscription(subscription_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                order = sub_sudo._telecom_portal_resume(request.env.user)
        except (UserError, ValidationError) as exc:
            values = self._telecom_subscription_values(sub_sudo)
            values["telecom_error"] = exc.args[0]
            return request.render("telecom_portal.portal_my_subscription", values)
        return self._telecom_back_to(sub_sudo, "resumption", order.name)

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/sim"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_sim_replacement(self, subscription_id, **kw):
        def submit(sub_sudo):
            ticket, _order = sub_sudo._telecom_portal_sim_replacement(
                request.env.user,
                kw.get("reason"),
                note=(kw.get("note") or "").strip(),
                suspend=bool(kw.get("block")),
            )
            return "sim", ticket.number

        return self._telecom_self_service(
            subscription_id,
            "sim",
            submit,
            "telecom_portal.portal_sim_replacement",
            lambda sub_sudo: {"reasons": SIM_REASONS, "form": kw},
        )

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/port_in"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_port_in(self, subscription_id, **kw):
        def submit(sub_sudo):
            ticket = sub_sudo._telecom_portal_port_in(
                request.env.user,
                kw.get("number"),
                kw.get("donor"),
                donor_account=(kw.get("donor_account") or "").strip(),
                date=kw.get("date") or None,
                note=(kw.get("note") or "").strip(),
            )
            return "port_in", ticket.number

        return self._telecom_self_service(
            subscription_id,
            "port_in",
            submit,
            "telecom_portal.portal_port_in",
            lambda sub_sudo: {"today": fields.Date.context_today(sub_sudo), "form": kw},
        )

    # ------------------------------------------------------------------------
    # requests: the orders and tickets the customer follows
    # ------------------------------------------------------------------------
    def _telecom_order_status(self, order_sudo):
        """(label, bootstrap colour) of a telecom order as the customer sees it."""
        if order_sudo.state == "cancel":
            return request.env._("Cancelled"), "secondary"
        if order_sudo.state != "sale":
            return request.env._("Awaiting confirmation"), "info"
        service_orders = order_sudo.telecom_service_order_ids
        if any(so.state == "failed" for so in service_orders):
            return request.env._("Failed: we will contact you"), "danger"
        if any(so.state not in ("done", "cancelled") for so in service_orders):
            return request.env._("In progress"), "warning"
        return request.env._("Done"), "success"

    @http.route(
        ["/my/requests", "/my/requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_requests(self, page=1, **kw):
        SaleOrder = request.env["sale.order"]
        values = self._prepare_portal_layout_values()
        domain = self._telecom_request_domain()
        total = SaleOrder.search_count(domain) if SaleOrder.has_access("read") else 0
        pager = portal_pager(url="/my/requests", total=total, page=page, step=self._items_per_page)
        orders = (
            SaleOrder.search(
                domain,
                order="date_order desc, id desc",
                limit=self._items_per_page,
                offset=pager["offset"],
            )
            if total
            else SaleOrder
        )
        request.session["my_requests_history"] = orders.ids[:100]
        Ticket = request.env["helpdesk.ticket"]
        categories = request.env.ref(
            "telecom_portal.helpdesk_ticket_category_sim_replacement"
        ) | request.env.ref("telecom_portal.helpdesk_ticket_category_port_in")
        tickets = (
            Ticket.search([("category_id", "in", categories.ids)], order="id desc", limit=20)
            if Ticket.has_access("read")
            else Ticket
        )
        kinds = dict(SaleOrder._fields["telecom_order_kind"]._description_selection(request.env))
        values.update(
            {
                "page_name": "telecom_request",
                "orders": [
                    (
                        order,
                        *self._telecom_order_status(order),
                        order._telecom_affected_subscriptions()
                        | order.telecom_new_subscription_ids,
                    )
                    for order in orders.sudo()
                ],
                "kinds": kinds,
                "tickets": tickets.sudo(),
                "pager": pager,
            }
        )
        return request.render("telecom_portal.portal_my_requests", values)

    # ------------------------------------------------------------------------
    # tickets: open one about a service
    # ------------------------------------------------------------------------
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
                ticket_type = types.filtered(lambda t: t.id == self._telecom_int(kw.get("type_id")))
                if not ticket_type:
                    raise UserError(request.env._("Choose what the ticket is about."))
                category = categories.browse()
                if kw.get("category_id"):
                    category = categories.filtered(
                        lambda c: c.id == self._telecom_int(kw.get("category_id"))
                    )
                    if not category:
                        raise UserError(request.env._("Choose one of the topics offered."))
                sub = Subscription
                if kw.get("subscription_id"):
                    sub = subs.filtered(
                        lambda s: s.id == self._telecom_int(kw.get("subscription_id"))
                    )
                    if not sub:
                        raise UserError(request.env._("Choose one of your services."))
                invoice = invoices.browse()
                if kw.get("invoice_id"):
                    invoice = invoices.filtered(
                        lambda m: m.id == self._telecom_int(kw.get("invoice_id"))
                    )
                    if not invoice:
                        raise UserError(request.env._("Choose one of your invoices."))
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

    # ------------------------------------------------------------------------
    # account: billing accounts and invoice preferences
    # ------------------------------------------------------------------------
    @http.route(
        ["/my/billing_accounts", "/my/billing_accounts/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_billing_accounts(self, page=1, **kw):
        Account = request.env["telecom.billing.account"]
        if not Account.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        domain = [("partner_id", "=", self._telecom_customer().id)]
        total = Account.search_count(domain)
        pager = portal_pager(
            url="/my/billing_accounts", total=total, page=page, step=self._items_per_page
        )
        accounts = Account.search(
            domain, order="name desc", limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_billing_accounts_history"] = accounts.ids[:100]
        values.update({"page_name": "telecom_account", "accounts": accounts.sudo(), "pager": pager})
        return request.render("telecom_portal.portal_my_billing_accounts", values)

    @http.route(["/my/billing_accounts/<int:account_id>"], type="http", auth="public", website=True)
    def portal_my_billing_account(self, account_id, access_token=None, **kw):
        return self._telecom_billing_account_page(account_id, access_token, kw)

    def _telecom_billing_account_page(self, account_id, access_token, kw, error=None):
        try:
            account_sudo = self._document_check_access(
                "telecom.billing.account", account_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        user = request.env.user
        is_owner = not user._is_public() and account_sudo.partner_id == self._telecom_customer()
        values = {
            "page_name": "telecom_account",
            "account": account_sudo,
            "is_owner": is_owner,
            "subscriptions": account_sudo.subscription_ids.filtered(
                lambda s: s.state != "draft"
            ).sorted("name"),
            "error": error,
            "telecom_message": self._telecom_message(kw),
            "invoices": self._telecom_account_invoices(account_sudo, is_owner),
            **self._telecom_mandate_values(account_sudo, is_owner),
        }
        values = self._get_page_view_values(
            account_sudo,
            access_token,
            values,
            "my_billing_accounts_history",
            False,
            **self._telecom_chatter_args(kw),
        )
        return request.render("telecom_portal.portal_my_billing_account", values)

    @http.route(
        ["/my/billing_accounts/<int:account_id>/preferences"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_billing_account_preferences(self, account_id, **kw):
        def submit(account_sudo):
            delivery = kw.get("invoice_delivery")
            email = (kw.get("invoice_email") or "").strip()
            if delivery not in ("email", "portal", "post"):
                raise UserError(request.env._("Choose how you receive your invoices."))
            if email and not single_email_re.match(email):
                raise UserError(request.env._("%(email)s is not an e-mail address.", email=email))
            account_sudo.write(
                {
                    "invoice_delivery": delivery,
                    "invoice_email": email or account_sudo.invoice_email,
                    "paperless": bool(kw.get("paperless")) and delivery != "post",
                }
            )
            return "preferences", None

        return self._telecom_account_request(account_id, submit)

    def _telecom_account_request(self, account_id, submit, payer=False):
        """The frame of a change the customer posts on one of its billing accounts.

        Only its own account (``payer``: only one it also pays); ``submit(account_sudo)``
        makes the change, all or nothing, and returns (message, reference or None) for
        the account page; a refused change shows the account page with the error.
        """
        try:
            if payer:
                account_sudo = self._telecom_mandate_account(account_id)
            else:
                account_sudo = self._telecom_own_account(account_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            with request.env.cr.savepoint():
                message, reference = submit(account_sudo)
        except (UserError, ValidationError) as exc:
            return self._telecom_billing_account_page(account_id, None, {}, error=exc.args[0])
        return self._telecom_redirect(f"/my/billing_accounts/{account_sudo.id}", message, reference)

    def _telecom_account_invoices(self, account_sudo, is_owner, limit=6):
        """The account's latest posted invoices, for its own users (they read them)."""
        if not is_owner:
            return request.env["account.move"]
        return request.env["account.move"].search(
            expression.AND(
                [
                    self._get_invoices_domain("out"),
                    [("telecom_billing_account_id", "=", account_sudo.id)],
                ]
            ),
            order="invoice_date desc, id desc",
            limit=limit,
        )

    # -- direct debit ------------------------------------------------------------
    def _telecom_mandate_values(self, account_sudo, is_owner):
        """What the account page shows of direct debit, and what the reader may do.

        Only a logged-in user of the account's customer who is also its payer may
        sign or revoke a mandate (a mandate is the payer's: OCA's model and the
        billing account's constraint).
        """
        can_manage = (
            is_owner
            and account_sudo.payer_id.commercial_partner_id == self._telecom_customer()
            and account_sudo.state != "closed"
        )
        mandate = account_sudo.mandate_id
        pending = (
            request.env["account.banking.mandate"]
            .sudo()
            .search(
                [("telecom_billing_account_id", "=", account_sudo.id), ("state", "=", "draft")],
                order="id desc",
                limit=1,
            )
        )
        return {
            "mandate": mandate,
            "mandate_pending": pending,
            "mandate_iban": account_sudo._telecom_masked_iban(mandate.partner_bank_id.acc_number),
            "pending_iban": account_sudo._telecom_masked_iban(pending.partner_bank_id.acc_number),
            "can_manage_mandate": can_manage,
        }

    def _telecom_mandate_account(self, account_id):
        account_sudo = self._telecom_own_account(account_id)
        if account_sudo.payer_id.commercial_partner_id != self._telecom_customer():
            raise AccessError(request.env._("This account is paid by someone else."))
        return account_sudo

    @http.route(
        ["/my/billing_accounts/<int:account_id>/mandate"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_billing_account_mandate(self, account_id, **kw):
        """Sign a SEPA direct-debit mandate for the account (in force at once or after
        the back office's check, per the company's setting)."""

        def submit(account_sudo):
            env = request.env
            if not kw.get("consent"):
                raise UserError(env._("Tick the box to authorise the direct debit."))
            mandate = account_sudo._telecom_sign_mandate(
                kw.get("iban") or "",
                holder=kw.get("holder"),
                signed_by=env._("%(user)s in the portal", user=env.user.name),
            )
            message = "mandate_valid" if mandate.state == "valid" else "mandate"
            return message, mandate.unique_mandate_reference

        return self._telecom_account_request(account_id, submit, payer=True)

    @http.route(
        ["/my/billing_accounts/<int:account_id>/mandate/revoke"],
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_billing_account_mandate_revoke(self, account_id, **kw):
        """Revoke (cancel) the account's mandate: its next invoices are paid otherwise."""

        def submit(account_sudo):
            env = request.env
            mandate = account_sudo._telecom_revoke_mandate(
                revoked_by=env._("%(user)s in the portal", user=env.user.name)
            )
            return "mandate_revoked", mandate.unique_mandate_reference

        return self._telecom_account_request(account_id, submit, payer=True)

    # ------------------------------------------------------------------------
    # invoices: the usage detail of a bill-run invoice
    # ------------------------------------------------------------------------
    @http.route(
        ["/my/invoices/<int:invoice_id>/usage.<string:fmt>"],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_my_invoice_usage(self, invoice_id, fmt, access_token=None, part=None, **kw):
        """The itemised usage of a bill-run invoice, as PDF or XLSX, one part at a time.

        Same check as the invoice itself (``/my/invoices/<id>``): the reader's record
        rules or the invoice's own access token. A large detail comes in parts
        (``?part=2``...), each bounded (``account.move._telecom_usage_part``).
        """
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        number = usage_part(part)
        if (
            fmt not in ("pdf", "xlsx")
            or invoice_sudo.telecom_kind != "bill"
            or invoice_sudo.state != "posted"
            or number is None
        ):
            return request.redirect("/my")
        name = usage_file_name(invoice_sudo, number)
        try:
            invoice_sudo._telecom_usage_part(fmt, number)
        except UserError:
            return request.redirect("/my")
        if fmt == "pdf":
            report = (
                request.env["ir.actions.report"]
                .sudo()
                .with_company(invoice_sudo.company_id)
                .with_context(telecom_usage_part=number)
            )
            content = report._render_qweb_pdf(
                "telecom_billing.action_report_telecom_usage_detail", invoice_sudo.ids
            )[0]
            mimetype, filename = "application/pdf", f"{name}.pdf"
        else:
            content = invoice_sudo._telecom_usage_xlsx(number)
            mimetype, filename = usage_export.XLSX_MIMETYPE, f"{name}.xlsx"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        usage_links, usage_parts = {}, {}
        if invoice.telecom_kind == "bill" and invoice.state == "posted":
            usage_links = {
                fmt: invoice.get_portal_url(suffix=f"/usage.{fmt}") for fmt in ("pdf", "xlsx")
            }
            for fmt in ("pdf", "xlsx"):
                parts = invoice.sudo()._telecom_usage_part(fmt)["parts"]
                if parts > 1:
                    usage_parts[fmt] = [
                        (
                            number,
                            invoice.get_portal_url(
                                suffix=f"/usage.{fmt}", query_string=f"&part={number}"
                            ),
                        )
                        for number in range(1, parts + 1)
                    ]
        values["telecom_usage_links"] = usage_links
        values["telecom_usage_parts"] = usage_parts
        return values

    # ------------------------------------------------------------------------
    # agents of resellers
    # ------------------------------------------------------------------------
    def _telecom_agent_customer(self, customer_id):
        """The reseller's customer ``customer_id`` (sudo), checked as the agent."""
        reseller = self._telecom_reseller()
        if not reseller:
            raise AccessError(request.env._("You are not an agent of a reseller."))
        customer = request.env["res.partner"].browse(customer_id).exists()
        if not customer:
            raise MissingError(request.env._("This customer does not exist."))
        customer.check_access("read")
        customer_sudo = customer.sudo()
        if customer_sudo.parent_id or customer_sudo.telecom_agent_id != reseller:
            raise AccessError(request.env._("This customer is not one of yours."))
        return customer_sudo

    @http.route(
        ["/my/agent/customers", "/my/agent/customers/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_agent_customers(self, page=1, search=None, **kw):
        reseller = self._telecom_reseller()
        if not reseller:
            return request.redirect("/my")
        Partner = request.env["res.partner"]
        domain = [("telecom_agent_id", "=", reseller.id), ("parent_id", "=", False)]
        if search:
            domain = expression.AND(
                [
                    domain,
                    expression.OR(
                        [
                            [("name", "ilike", search.strip())],
                            [("telecom_customer_number", "ilike", search.strip())],
                            [("email", "ilike", search.strip())],
                        ]
                    ),
                ]
            )
        total = Partner.search_count(domain)
        pager = portal_pager(
            url="/my/agent/customers",
            url_args={"search": search},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        customers = Partner.search(
            domain, order="name, id", limit=self._items_per_page, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "telecom_agent",
                "customers": customers.sudo(),
                "pager": pager,
                "default_url": "/my/agent/customers",
                "searchbar_inputs": {"all": {"input": "all", "label": request.env._("Search")}},
                "search_in": "all",
                "search": search,
                "reseller": reseller,
            }
        )
        return request.render("telecom_portal.portal_agent_customers", values)

    def _telecom_agent_customer_values(self, form):
        ctype = (
            form.get("customer_type")
            if form.get("customer_type")
            in (
                "residential",
                "business",
            )
            else "residential"
        )
        values = {"name": (form.get("name") or "").strip(), "customer_type": ctype}
        for key in ("email", "phone", "street", "zip", "city"):
            if (form.get(key) or "").strip():
                values[key] = form[key].strip()
        if form.get("country_code"):
            values["country_code"] = form["country_code"]
        if values.get("email") and not single_email_re.match(values["email"]):
            raise UserError(
                request.env._("%(email)s is not an e-mail address.", email=values["email"])
            )
        delivery = form.get("invoice_delivery") or "email"
        if delivery not in ("email", "portal", "post"):
            raise UserError(request.env._("Choose how the customer receives invoices."))
        values["billing_account"] = {"invoice_delivery": delivery}
        return values

    @http.route(["/my/agent/customers/new"], type="http", auth="user", website=True)
    def portal_agent_new_customer(self, **kw):
        reseller = self._telecom_reseller()
        if not reseller:
            return request.redirect("/my")
        error = None
        if request.httprequest.method == "POST":
            try:
                values = self._telecom_agent_customer_values(kw)
                customer = (
                    request.env["res.partner"]
                    .sudo()
                    ._telecom_agent_register_customer(request.env.user, values)
                )
                return self._telecom_redirect(
                    f"/my/agent/customers/{customer.id}",
                    "customer",
                    customer.telecom_customer_number,
                )
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "telecom_agent",
                "reseller": reseller,
                "countries": request.env["res.country"].sudo().search([]),
                "default_country": reseller.country_id or request.env.company.country_id,
                "error": error,
                "form": kw,
            }
        )
        return request.render("telecom_portal.portal_agent_new_customer", values)

    @http.route(["/my/agent/customers/<int:customer_id>"], type="http", auth="user", website=True)
    def portal_agent_customer(self, customer_id, **kw):
        try:
            customer_sudo = self._telecom_agent_customer(customer_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        orders = (
            request.env["sale.order"]
            .sudo()
            .search(
                [
                    ("telecom_customer_id", "=", customer_sudo.id),
                    ("telecom_agent_id", "=", customer_sudo.telecom_agent_id.id),
                ],
                order="id desc",
                limit=20,
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "telecom_agent",
                "customer": customer_sudo,
                "subscriptions": customer_sudo.telecom_subscription_ids.sorted("name"),
                "orders": [(order, *self._telecom_order_status(order)) for order in orders],
                "kinds": dict(
                    request.env["sale.order"]
                    ._fields["telecom_order_kind"]
                    ._description_selection(request.env)
                ),
                "telecom_message": self._telecom_message(kw),
            }
        )
        return request.render("telecom_portal.portal_agent_customer", values)

    def _telecom_agent_order_values(self, customer_sudo, form):
        Product = request.env["product.product"].sudo()
        plan = Product.browse(self._telecom_int(form.get("plan_id"))).exists()
        if not plan or plan not in self._telecom_agent_catalogue(customer_sudo)["plans"]:
            raise UserError(request.env._("Choose the plan."))
        lines = [{"product": plan.id}]
        number = (form.get("phone_number") or "").replace(" ", "")
        if number:
            lines[0]["phone_number"] = number
            if form.get("port_in"):
                lines[0]["port_in"] = True
        iccid = (form.get("sim_iccid") or "").replace(" ", "")
        if iccid:
            lines[0]["sim_iccid"] = iccid
        addons = self._telecom_agent_catalogue(customer_sudo)["addons"]
        technology = request.env["telecom.subscription"]._telecom_plan_of(plan).telecom_technology
        for addon_id in request.httprequest.form.getlist("addon_ids"):
            addon = addons.filtered(lambda p, a=addon_id: p.id == self._telecom_int(a))
            if not addon:
                raise UserError(request.env._("Choose add-ons from the list."))
            if addon.telecom_technology and addon.telecom_technology != technology:
                raise UserError(
                    request.env._(
                        "%(addon)s does not go with %(plan)s.", addon=addon.name, plan=plan.name
                    )
                )
            lines.append({"product": addon.id})
        accounts = customer_sudo.telecom_billing_account_ids.filtered(lambda a: a.state != "closed")
        account = accounts.filtered(lambda a: a.id == self._telecom_int(form.get("account_id")))
        values = {
            "kind": "new",
            "billing_account": (account or accounts)[:1].id,
            "lines": lines,
        }
        if form.get("date"):
            values["date"] = form["date"]
        return values

    def _telecom_agent_catalogue(self, customer_sudo):
        Product = request.env["product.product"].sudo()
        company_ids = (False, (customer_sudo.company_id or request.env.company).id)
        common = [("sale_ok", "=", True), ("company_id", "in", company_ids)]
        return {
            "plans": Product.search(
                [("telecom_kind", "in", ("plan", "bundle")), *common],
                order="default_code, name, id",
            ),
            "addons": Product.search(
                [("telecom_kind", "=", "addon"), *common], order="default_code, name, id"
            ),
        }

    @http.route(
        ["/my/agent/customers/<int:customer_id>/order"], type="http", auth="user", website=True
    )
    def portal_agent_order(self, customer_id, **kw):
        try:
            customer_sudo = self._telecom_agent_customer(customer_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        error = None
        if request.httprequest.method == "POST":
            try:
                values = self._telecom_agent_order_values(customer_sudo, kw)
                order = customer_sudo._telecom_agent_place_order(request.env.user, values)
                return self._telecom_redirect(
                    f"/my/agent/customers/{customer_sudo.id}", "order", order.name
                )
            except (UserError, ValidationError) as exc:
                error = exc.args[0]
        values = self._prepare_portal_layout_values()
        catalogue = self._telecom_agent_catalogue(customer_sudo)
        today = fields.Date.context_today(customer_sudo)
        values.update(
            {
                "page_name": "telecom_agent",
                "customer": customer_sudo,
                "plans": catalogue["plans"],
                "addons": catalogue["addons"],
                "prices": self._telecom_prices(catalogue["plans"] | catalogue["addons"], today),
                "accounts": customer_sudo.telecom_billing_account_ids.filtered(
                    lambda a: a.state != "closed"
                ),
                "today": today,
                "error": error,
                "form": kw,
            }
        )
        return request.render("telecom_portal.portal_agent_order", values)

    @http.route(
        ["/my/agent/orders", "/my/agent/orders/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_agent_orders(self, page=1, filterby=None, **kw):
        reseller = self._telecom_reseller()
        if not reseller:
            return request.redirect("/my")
        SaleOrder = request.env["sale.order"]
        filters = {
            "all": {"label": request.env._("All our sales"), "domain": []},
            "mine": {
                "label": request.env._("My sales"),
                "domain": [("telecom_agent_user_id", "=", request.env.user.id)],
            },
        }
        filterby = filterby if filterby in filters else "all"
        domain = expression.AND(
            [[("telecom_agent_id", "=", reseller.id)], filters[filterby]["domain"]]
        )
        total = SaleOrder.search_count(domain)
        pager = portal_pager(
            url="/my/agent/orders",
            url_args={"filterby": filterby},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        orders = SaleOrder.search(
            domain,
            order="date_order desc, id desc",
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        month_start = fields.Date.context_today(SaleOrder).replace(day=1)
        month = SaleOrder._read_group(
            expression.AND([domain, [("state", "=", "sale"), ("date_order", ">=", month_start)]]),
            ["currency_id"],
            ["__count", "amount_untaxed:sum"],
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "telecom_agent",
                "reseller": reseller,
                "orders": [(order, *self._telecom_order_status(order)) for order in orders.sudo()],
                "kinds": dict(
                    SaleOrder._fields["telecom_order_kind"]._description_selection(request.env)
                ),
                "month": [
                    {"currency": currency.sudo(), "count": count, "amount": amount}
                    for currency, count, amount in month
                ],
                "pager": pager,
                "default_url": "/my/agent/orders",
                "searchbar_filters": filters,
                "filterby": filterby,
            }
        )
        return request.render("telecom_portal.portal_agent_orders", values)
