# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC reads of what was rated and billed (docs/rpc.md): usage records, allowance
and pool balances, invoices with their lines and usage, service status.

Plain data out, no recordsets; amounts of usage as exact strings at the records'
precision; quantities in base units (seconds, bytes, messages). XML-RPC integers
are 32-bit: a quantity of 2**31 or more (over 2 GB of data) is sent as a float
without fraction (:func:`rpc_int`).
"""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import float_repr

from ..engine.rating_session import RatingSession
from ..rating import POOL, SUB
from ..rating.periods import period_end
from .telecom_usage_record import STATES

USAGE_QUERY_KEYS = {
    "subscription",
    "billing_account",
    "invoice",
    "invoice_line",
    "period",
    "date_from",
    "date_to",
    "usage_types",
    "states",
    "offset",
    "limit",
}
BALANCE_QUERY_KEYS = {"subscription", "billing_account", "period"}
INVOICE_QUERY_KEYS = {"billing_account", "date_from", "date_to", "offset", "limit"}
MAX_USAGE_PAGE = 1000
MAX_INVOICE_PAGE = 50
XMLRPC_INT_MAX = 2**31 - 1


def rpc_int(value):
    """An integer XML-RPC can carry: ints beyond 32 bits as (exact) floats."""
    value = int(value or 0)
    return value if -XMLRPC_INT_MAX - 1 <= value <= XMLRPC_INT_MAX else float(value)


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    # -- arguments ---------------------------------------------------------------------------
    @api.model
    def _api_page(self, query, default, maximum):
        offset = query.get("offset", 0)
        limit = query.get("limit", default)
        for label, value, low in (("offset", offset, 0), ("limit", limit, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise UserError(
                    self.env._(
                        "%(label)s must be a whole number of at least %(low)s.",
                        label=label,
                        low=low,
                    )
                )
        if limit > maximum:
            raise UserError(self.env._("limit is at most %(max)s.", max=maximum))
        return offset, limit

    @api.model
    def _api_page_data(self, account, total, offset, limit, key, rows):
        """One page of an account's items: the items under ``key`` and where the next starts."""
        return {
            "billing_account_id": account.id,
            "billing_account_number": account.name,
            "total": total,
            "offset": offset,
            "limit": limit,
            "next_offset": offset + len(rows) if offset + len(rows) < total else False,
            key: rows,
        }

    @api.model
    def _api_target(self, query):
        """The subscription or the billing account a query names (exactly one)."""
        given = [key for key in ("subscription", "billing_account") if query.get(key)]
        if len(given) != 1:
            raise UserError(self.env._("Give a subscription or a billing_account (one of them)."))
        if given[0] == "subscription":
            sub = self._api_subscription(query["subscription"])
            return sub, sub.billing_account_id
        return self.env["telecom.subscription"], self._api_billing_account_ref(
            query["billing_account"]
        )

    @api.model
    def _api_period(self, account, value, label="period"):
        """``(start, end)`` of the account's billing period holding the date ``value``."""
        day = self._api_date(value, label) or fields.Date.context_today(self)
        return account._telecom_billing_period(day)

    @api.model
    def _api_codes(self, values, label, allowed):
        """A non-empty list of values, each one of ``allowed`` (codes)."""
        if not isinstance(values, list | tuple) or not values:
            raise UserError(self.env._("%(label)s must be a non-empty list.", label=label))
        for index, value in enumerate(values):
            if value not in allowed:
                raise UserError(
                    self.env._(
                        "%(label)s[%(index)s]: %(value)s is not one of %(allowed)s.",
                        label=label,
                        index=index,
                        value=value,
                        allowed=", ".join(sorted(allowed)),
                    )
                )
        return list(values)

    @api.model
    def _api_exact(self, value, precision):
        """An amount as an exact string at ``precision`` decimals (False when there is none)."""
        if value is None or value is False:
            return False
        return float_repr(value, precision)

    # -- usage records -------------------------------------------------------------------------
    @api.model
    def usage_records(self, query):
        """Rated (and otherwise processed) usage of a subscription or account, paged.

        ``query``: ``subscription`` or ``billing_account`` (or ``invoice`` /
        ``invoice_line``: the usage billed there), ``period`` (a date of the
        billing period) or ``date_from`` / ``date_to`` (UTC dates of the start
        times), ``usage_types``, ``states``, ``offset``, ``limit`` (default 100, at
        most 1,000). Oldest first.
        """

        def work():
            self._api_check_keys(query, USAGE_QUERY_KEYS, self.env._("query"))
            domain, account = self._api_usage_domain(query)
            offset, limit = self._api_page(query, 100, MAX_USAGE_PAGE)
            Usage = self.env["telecom.usage.record"]
            total = Usage.search_count(domain)
            records = Usage.search(domain, offset=offset, limit=limit, order="start_time, id")
            rows = [self._api_usage_data(rec) for rec in records]
            return self._api_page_data(account, total, offset, limit, "records", rows)

        return self._api_call("usage_records", None, [query], work)

    @api.model
    def _api_usage_domain(self, query):
        if query.get("invoice") or query.get("invoice_line"):
            if any(query.get(k) for k in ("subscription", "billing_account", "period")):
                raise UserError(
                    self.env._("invoice and invoice_line select the usage billed there alone.")
                )
            lines = self._api_invoice_lines(query)
            account = lines.move_id.telecom_billing_account_id
            account.check_access("read")
            domain = [("invoice_line_id", "in", lines.ids)]
        else:
            sub, account = self._api_target(query)
            domain = (
                [("subscription_id", "=", sub.id)]
                if sub
                else [("billing_account_id", "=", account.id)]
            )
            if query.get("period"):
                if query.get("date_from") or query.get("date_to"):
                    raise UserError(self.env._("Give a period or date_from/date_to, not both."))
                start, _end = self._api_period(account, query["period"])
                domain.append(("period_start", "=", start))
        for key, operator in (("date_from", ">="), ("date_to", "<")):
            day = self._api_date(query.get(key), key)
            if day:
                if key == "date_to":
                    day += timedelta(days=1)
                domain.append(("start_time", operator, datetime.combine(day, time.min)))
        if "usage_types" in query:
            types = self._api_code_ids("telecom.usage.type")
            codes = self._api_codes(query["usage_types"], "usage_types", types)
            domain.append(("usage_type_id", "in", [types[code] for code in codes]))
        if "states" in query:
            states = self._api_codes(query["states"], "states", dict(STATES))
            domain.append(("state", "in", states))
        return domain, account

    @api.model
    def _api_invoice_lines(self, query):
        Line = self.env["account.move.line"].sudo()
        if query.get("invoice_line"):
            ref = query["invoice_line"]
            lines = (
                Line.browse(ref).exists()
                if isinstance(ref, int) and not isinstance(ref, bool)
                else Line
            )
            if not lines or not lines.move_id.telecom_billing_account_id:
                raise UserError(self.env._("No telecom invoice line %(ref)s.", ref=ref))
            return lines
        move = self._api_invoice(query["invoice"])
        return move.invoice_line_ids

    @api.model
    def _api_invoice(self, ref):
        """A telecom invoice (id or number) of an account the caller may read."""
        move = self._api_lookup(self.env["account.move"].sudo(), ref, "name")
        if not move or not move.telecom_billing_account_id:
            raise UserError(self.env._("No telecom invoice %(ref)s.", ref=ref))
        # read as the system once the caller may read the account (as account_balance)
        self.env["telecom.billing.account"].browse(move.telecom_billing_account_id.id).check_access(
            "read"
        )
        return move

    @api.model
    def _api_usage_data(self, rec):
        version = rec.tariff_version_id
        precision = version.rounding_precision if version else rec.currency_id.decimal_places
        tz_name = (
            rec.subscription_id.partner_id.tz or version.tariff_id.timezone or "UTC"
            if rec.subscription_id
            else "UTC"
        )
        local = False
        if rec.start_time:
            local = (
                pytz.utc.localize(rec.start_time)
                .astimezone(pytz.timezone(tz_name))
                .strftime("%Y-%m-%dT%H:%M:%S")
            )
        # invoices are accounting records: read as the system (the caller reads the usage)
        line_sudo = rec.invoice_line_id.sudo()
        return {
            "id": rec.id,
            "record_id": rec.source_record_id or False,
            "source": rec.source_id.code,
            "batch": rec.batch_id.name or False,
            "subscription_id": rec.subscription_id.id or False,
            "subscription_number": rec.subscription_id.name or False,
            "subscriber": rec.subscriber or False,
            "billing_account_id": rec.billing_account_id.id or False,
            "usage_type": rec.usage_type_id.code or False,
            "direction": rec.direction or False,
            "start_time": rec.start_time.strftime("%Y-%m-%dT%H:%M:%SZ")
            if rec.start_time
            else False,
            "local_time": local,
            "time_zone": tz_name,
            "quantity": rpc_int(rec.quantity),
            "called_number": rec.called_number or False,
            "location": rec.location or False,
            "state": rec.state,
            "reason": rec.reason_code or False,
            "period_start": self._api_iso(rec.period_start),
            "tariff": version.tariff_id.code or False,
            "tariff_version_id": version.id or False,
            "zone": rec.zone_id.code or False,
            "zone_name": rec.zone_id.name or False,
            "zone_class": rec.zone_id.zone_class_id.code or False,
            "band": rec.time_band or False,
            "rated_quantity": rpc_int(rec.rated_quantity),
            "allowance_quantity": rpc_int(rec.allowance_quantity),
            "amount": self._api_exact(rec.amount or 0.0, precision)
            if version and rec.state in ("rated", "billed", "unbillable")
            else False,
            "currency": rec.currency_id.name or False,
            "adjusted_amount": self._api_exact(rec.adjusted_amount, precision)
            if rec.adjusted_amount
            else False,
            "rerated": rec.rerated_count,
            "invoice_id": line_sudo.move_id.id or False,
            "invoice_number": line_sudo.move_id.name or False,
            "invoice_line_id": line_sudo.id or False,
        }

    # -- allowance and pool balances -----------------------------------------------------------
    @api.model
    def allowance_balances(self, query):
        """Included, used, rolled-over and remaining units of a period.

        ``query``: ``subscription`` (its own balances and its account's pools) or
        ``billing_account`` (its pools and every subscription's own balances),
        ``period`` (a date of the billing period; default today). An allowance
        no usage touched yet shows its grant (``exists`` false).
        """

        def work():
            self._api_check_keys(query, BALANCE_QUERY_KEYS, self.env._("query"))
            sub, account = self._api_target(query)
            start, end = self._api_period(account, query.get("period"))
            subs = sub or account.subscription_ids
            Balance = self.env["telecom.allowance.balance"]
            balances = Balance.search(
                [
                    ("period_start", "=", start),
                    "|",
                    "&",
                    ("scope", "=", "subscription"),
                    ("subscription_id", "in", subs.ids),
                    "&",
                    ("scope", "=", "pool"),
                    ("billing_account_id", "=", account.id),
                ],
            ).sorted(
                lambda b: (
                    b.scope == "pool",
                    b.subscription_id.id,
                    b.allowance_id.id,
                    -b.generation,
                    b.id,
                )
            )
            rows = [self._api_balance_data(balance, True) for balance in balances]
            rows += self._api_pending_grants(subs, account, start, balances)
            return {
                "billing_account_id": account.id,
                "billing_account_number": account.name,
                "subscription_id": sub.id or False,
                "period_start": self._api_iso(start),
                "period_end": self._api_iso(end),
                "balances": rows,
            }

        return self._api_call("allowance_balances", None, [query], work)

    @api.model
    def _api_balance_data(self, balance, exists):
        allowance = balance.allowance_id
        return {
            "scope": balance.scope,
            "exists": exists,
            "subscription_id": balance.subscription_id.id or False,
            "subscription_number": balance.subscription_id.name or False,
            "billing_account_id": balance.billing_account_id.id,
            "allowance_id": allowance.id,
            "plan": allowance.product_tmpl_id.default_code or False,
            "usage_type": balance.usage_type_id.code,
            "zone_classes": sorted(allowance.zone_class_ids.mapped("code")),
            "unit": balance.usage_type_id.unit,
            "period_start": self._api_iso(balance.period_start),
            "period_end": self._api_iso(balance.period_end),
            "rollover_generation": balance.generation,
            "included": rpc_int(balance.quantity),
            "used": rpc_int(balance.used),
            "rolled_over": rpc_int(balance.carried),
            "remaining": rpc_int(balance.remaining),
        }

    @api.model
    def _api_pending_grants(self, subs, account, start, balances):
        """What the owners are granted for the period but no usage created yet.

        Asked of the rating store (the grant rules, pool sizes and proration are
        its own), which writes nothing in a preview session.
        """
        have = {
            (
                b.scope,
                b.subscription_id.id if b.scope == "subscription" else account.id,
                b.allowance_id.id,
            )
            for b in balances
            if not b.generation
        }
        session = RatingSession(self.env, account.company_id, persist=False)
        months = account.billing_period_months or 1
        end = period_end(start, months)
        Balance = self.env["telecom.allowance.balance"]
        owners = [(SUB, sub) for sub in subs.sorted("id")] + [(POOL, account)]
        # every owner's grants in one query, then read from the store's cache
        session.store._prefetch_grants(
            {(scope, owner.id, start, months) for scope, owner in owners}
        )
        rows = []
        for scope, owner in owners:
            scope_name = "subscription" if scope == SUB else "pool"
            for allowance, quantity in session.store._grants(scope, owner.id, start, months):
                if (scope_name, owner.id, allowance.id) in have:
                    continue
                plan_allowance = self.env["telecom.plan.allowance"].browse(allowance.id)
                virtual = Balance.new(
                    {
                        "scope": scope_name,
                        "subscription_id": owner.id if scope == SUB else False,
                        "billing_account_id": account.id,
                        "allowance_id": plan_allowance.id,
                        "usage_type_id": plan_allowance.usage_type_id.id,
                        "period_start": start,
                        "period_end": end,
                        "generation": 0,
                        "quantity": quantity,
                        "used": 0,
                        "carried": 0,
                        "remaining": quantity,
                    }
                )
                rows.append(self._api_balance_data(virtual, False))
        return rows

    # -- invoices ----------------------------------------------------------------------------
    @api.model
    def account_invoices(self, query):
        """Posted invoices and credit notes of a billing account with their lines.

        ``query``: ``billing_account`` (required), ``date_from`` / ``date_to``
        (invoice dates), ``offset``, ``limit`` (default 12, at most 50). Newest
        first. Each usage line says how many usage records it bills: read them with
        ``usage_records({"invoice_line": id})``.
        """

        def work():
            self._api_check_keys(query, INVOICE_QUERY_KEYS, self.env._("query"))
            if not query.get("billing_account"):
                raise UserError(self.env._("billing_account is required."))
            account = self._api_billing_account_ref(query["billing_account"])
            offset, limit = self._api_page(query, 12, MAX_INVOICE_PAGE)
            domain = [
                ("telecom_billing_account_id", "=", account.id),
                ("state", "=", "posted"),
                ("move_type", "in", ("out_invoice", "out_refund")),
            ]
            for key, operator in (("date_from", ">="), ("date_to", "<=")):
                day = self._api_date(query.get(key), key)
                if day:
                    domain.append(("invoice_date", operator, day))
            # read as the system once the caller may read the account (as account_balance)
            Move = self.env["account.move"].sudo()
            total = Move.search_count(domain)
            moves = Move.search(
                domain, offset=offset, limit=limit, order="invoice_date desc, id desc"
            )
            counts = dict(
                self.env["telecom.usage.record"]
                .sudo()
                ._read_group(
                    [("invoice_line_id", "in", moves.invoice_line_ids.ids)],
                    ["invoice_line_id"],
                    ["__count"],
                )
            )
            invoices = [
                {
                    **self._api_move_data(move),
                    "lines": [
                        self._api_move_line_data(line, counts.get(line, 0))
                        for line in move.invoice_line_ids.sorted(lambda ln: (ln.sequence, ln.id))
                    ],
                }
                for move in moves
            ]
            return self._api_page_data(account, total, offset, limit, "invoices", invoices)

        return self._api_call("account_invoices", None, [query], work)

    @api.model
    def _api_move_line_data(self, line, usage_count):
        return {
            "id": line.id,
            "description": line.name or "",
            "section": line.telecom_section or False,
            "product": line.product_id.default_code or False,
            "subscription_id": line.telecom_subscription_id.id or False,
            "subscription_number": line.telecom_subscription_id.name or False,
            "quantity": line.quantity,
            "price_unit": line.price_unit,
            "amount_untaxed": line.price_subtotal,
            "amount_total": line.price_total,
            "period_from": self._api_iso(line.telecom_period_from),
            "period_to": self._api_iso(line.telecom_period_to),
            "usage_type": line.telecom_usage_type_id.code or False,
            "zone": line.telecom_zone_id.code or False,
            "usage_quantity": rpc_int(line.telecom_usage_quantity),
            "allowance_quantity": rpc_int(line.telecom_allowance_quantity),
            "usage_records": usage_count,
        }

    # -- service status ------------------------------------------------------------------------
    @api.model
    def service_status(self, subscription):
        """A subscription's state, orders under way, current period and unbilled usage."""

        def work():
            sub = self._api_subscription(subscription)
            account = sub.billing_account_id
            start, end = self._api_period(account, False)
            Usage = self.env["telecom.usage.record"]
            unbilled = Usage._read_group(
                [("subscription_id", "=", sub.id), ("state", "=", "rated")],
                ["tariff_version_id"],
                ["__count", "amount:sum"],
            )
            last = Usage.search(
                [
                    ("subscription_id", "=", sub.id),
                    ("state", "in", ("rated", "billed", "unbillable")),
                ],
                order="start_time desc, id desc",
                limit=1,
            )
            # the records' precision: the finest rounding of the tariffs that rated them
            precision = max([v.rounding_precision for v, _c, _a in unbilled if v] or [2])
            orders = sub.service_order_ids.filtered(
                lambda so: so.state not in ("done", "failed", "cancelled")
            )
            return {
                "subscription": self._api_subscription_data(sub),
                "state": sub.state,
                "service_orders": [
                    self._api_service_order_data(order) for order in orders.sorted("id")
                ],
                "scheduled_change": sub.scheduled_change or False,
                "current_period": {"start": self._api_iso(start), "end": self._api_iso(end)},
                "unbilled_usage": {
                    "records": sum(count for _v, count, _a in unbilled),
                    "amount": self._api_exact(sum(a for _v, _c, a in unbilled), precision),
                    "currency": account.currency_id.name,
                },
                "last_usage": last.start_time.strftime("%Y-%m-%dT%H:%M:%SZ") if last else False,
            }

        return self._api_call("service_status", None, [subscription], work)
