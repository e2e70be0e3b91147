# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The customer's services: ``/my/subscriptions`` (list) and one service's page."""

from collections import OrderedDict

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.osv import expression

from ..models.telecom_subscription import LIVE_STATES
from .base import TelecomPortalBase

SEARCH_FIELDS = ("name", "phone_number", "circuit_id", "username", "sim_iccid")


class TelecomPortalServices(TelecomPortalBase):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_service_count" in counters:
            values["telecom_service_count"] = self._telecom_count(
                "telecom.subscription", self._telecom_service_domain()
            )
        return values

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

    @http.route(
        ["/my/subscriptions", "/my/subscriptions/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_subscriptions(self, page=1, sortby=None, filterby=None, search=None, **kw):
        if not request.env["telecom.subscription"].has_access("read"):
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
                self._telecom_search_domain(search, SEARCH_FIELDS),
            ]
        )
        subs, pager = self._telecom_list_page(
            "telecom.subscription",
            domain,
            "/my/subscriptions",
            page,
            sortings[sortby]["order"],
            url_args={"sortby": sortby, "filterby": filterby, "search": search},
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
                **self._telecom_search_values(search),
            }
        )
        return request.render("telecom_portal.portal_my_subscriptions", values)

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
            "allowances": sub_sudo._telecom_allowance_rows(),
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
