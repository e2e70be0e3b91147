# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Self-service requests on a service (plan change, add-on, suspension, resumption,
SIM replacement, port-in) and ``/my/requests``: the orders and tickets the customer
follows."""

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from ..models.telecom_subscription import SIM_REASONS
from .base import TelecomPortalBase


class TelecomPortalRequests(TelecomPortalBase):
    def _telecom_request_domain(self):
        return [
            ("telecom_customer_id", "=", self._telecom_customer().id),
            ("telecom_order_kind", "!=", False),
        ]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_request_count" in counters:
            values["telecom_request_count"] = self._telecom_count(
                "sale.order", self._telecom_request_domain()
            )
        return values

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

    def _telecom_back_to(self, sub_sudo, message, ref):
        return self._telecom_redirect(f"/my/subscriptions/{sub_sudo.id}", message, ref)

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
        plan = self._telecom_choice(
            sub_sudo._telecom_portal_plan_options(),
            kw.get("plan_id"),
            request.env._("Choose one of the plans offered."),
        )
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

        def submit(sub_sudo):
            plan, date = self._telecom_change_plan_args(sub_sudo, kw)
            order = sub_sudo._telecom_portal_change_plan(plan, date, request.env.user)
            return "plan_change", order.name

        return self._telecom_submit(
            sub_sudo,
            submit,
            lambda error: self._telecom_change_plan_page(subscription_id, kw, error=error),
        )

    def _telecom_submit(self, sub_sudo, submit, refused):
        """Make a request on one of the customer's services, all or nothing.

        ``submit(sub_sudo)`` makes the order or ticket and returns (message,
        reference) for the service page's banner; a refused request (``UserError``,
        ``ValidationError``) is answered by ``refused(error message)``.
        """
        try:
            with request.env.cr.savepoint():
                message, reference = submit(sub_sudo)
        except (UserError, ValidationError) as exc:
            return refused(exc.args[0])
        return self._telecom_back_to(sub_sudo, message, reference)

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

        def page(error=None):
            extra = values(sub_sudo) if values else {}
            return self._telecom_request_page(template, sub_sudo, error=error, **extra)

        if request.httprequest.method == "POST":
            return self._telecom_submit(sub_sudo, submit, page)
        return page()

    @http.route(
        ["/my/subscriptions/<int:subscription_id>/addon"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_add_addon(self, subscription_id, **kw):
        def submit(sub_sudo):
            product = self._telecom_choice(
                sub_sudo._telecom_portal_addon_options(),
                kw.get("product_id"),
                request.env._("Choose one of the add-ons offered."),
            )
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

        def refused(error):
            # the service's page (services.py) with the error
            values = self._telecom_subscription_values(sub_sudo)
            values["telecom_error"] = error
            return request.render("telecom_portal.portal_my_subscription", values)

        return self._telecom_submit(
            sub_sudo,
            lambda sub: ("resumption", sub._telecom_portal_resume(request.env.user).name),
            refused,
        )

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
    @http.route(
        ["/my/requests", "/my/requests/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_requests(self, page=1, **kw):
        values = self._prepare_portal_layout_values()
        orders, pager = self._telecom_list_page(
            "sale.order",
            self._telecom_request_domain(),
            "/my/requests",
            page,
            "date_order desc, id desc",
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
        values.update(
            {
                "page_name": "telecom_request",
                "orders": [
                    (
                        order,
                        *order._telecom_portal_status(),
                        order._telecom_affected_subscriptions()
                        | order.telecom_new_subscription_ids,
                    )
                    for order in orders.sudo()
                ],
                "kinds": self._telecom_order_kinds(),
                "tickets": tickets.sudo(),
                "pager": pager,
            }
        )
        return request.render("telecom_portal.portal_my_requests", values)
