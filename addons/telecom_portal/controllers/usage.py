# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's usage: ``/my/usage`` (records by period and type, keyset pages)
and its CSV/XLSX export. The queries are in ``usage_query.py``, the files in
``usage_export.py``."""

import pytz
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.exceptions import AccessError
from odoo.http import request
from odoo.osv import expression

from odoo.addons.telecom_billing.controllers.main import XLSX
from odoo.addons.telecom_billing.models.telecom_usage_record import human_quantity

from . import usage_export, usage_query
from .base import TelecomPortalBase

USAGE_EXPORT_MAX = 500_000


class TelecomPortalUsage(TelecomPortalBase):
    _telecom_usage_page_size = 50

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_usage_count" in counters:
            values["telecom_usage_count"] = self._telecom_usage_count()
        return values

    def _telecom_own_subscriptions(self, domain=None):
        """The user's own subscriptions (searched as the user), as the system."""
        Subscription = request.env["telecom.subscription"]
        if not Subscription.has_access("read"):
            return Subscription.sudo()
        return Subscription.search(
            expression.AND([self._telecom_service_domain(), domain or []]), order="name"
        ).sudo()

    def _telecom_usage_filters(self, kw):
        """The usage page's filters, validated: never another customer's service."""
        subs_sudo = self._telecom_own_subscriptions([("state", "!=", "draft")])
        periods = subs_sudo._telecom_usage_periods(fields.Date.context_today(request.env.user))
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
                start, _end, months = sub._telecom_billing_period(period)
                if start == period:
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
                    "quantity": human_quantity(quantity, usage_type.unit),
                    "included": human_quantity(included or 0, usage_type.unit),
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
                "human_quantity": human_quantity,
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
            mimetype = XLSX
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Disposition", http.content_disposition(f"{name}.{fmt}")),
            ],
        )
