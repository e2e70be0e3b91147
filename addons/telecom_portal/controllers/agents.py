# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The agents of resellers: ``/my/agent/customers`` (list, register one, one
customer's page, place an order) and ``/my/agent/orders``."""

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.osv import expression
from odoo.tools import single_email_re

from .base import TelecomPortalBase

CUSTOMER_SEARCH_FIELDS = ("name", "telecom_customer_number", "email")


class TelecomPortalAgents(TelecomPortalBase):
    def _telecom_agent_customer_domain(self, reseller):
        return [("telecom_agent_id", "=", reseller.id), ("parent_id", "=", False)]

    def _telecom_agent_order_domain(self, reseller):
        return [("telecom_agent_id", "=", reseller.id)]

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_agent_customer_count" in counters:
            reseller = self._telecom_reseller()
            values["telecom_agent_customer_count"] = (
                self._telecom_count("res.partner", self._telecom_agent_customer_domain(reseller))
                if reseller
                else 0
            )
        if "telecom_agent_order_count" in counters:
            reseller = self._telecom_reseller()
            values["telecom_agent_order_count"] = (
                self._telecom_count("sale.order", self._telecom_agent_order_domain(reseller))
                if reseller
                else 0
            )
        return values

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
        domain = expression.AND(
            [
                self._telecom_agent_customer_domain(reseller),
                self._telecom_search_domain(search, CUSTOMER_SEARCH_FIELDS),
            ]
        )
        customers, pager = self._telecom_list_page(
            "res.partner",
            domain,
            "/my/agent/customers",
            page,
            "name, id",
            url_args={"search": search},
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "telecom_agent",
                "customers": customers.sudo(),
                "pager": pager,
                "default_url": "/my/agent/customers",
                **self._telecom_search_values(search),
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
                "orders": [(order, *order._telecom_portal_status()) for order in orders],
                "kinds": self._telecom_order_kinds(),
                "telecom_message": self._telecom_message(kw),
            }
        )
        return request.render("telecom_portal.portal_agent_customer", values)

    def _telecom_agent_order_values(self, customer_sudo, form):
        catalogue = customer_sudo._telecom_agent_catalogue()
        Product = request.env["product.product"].sudo()
        plan = Product.browse(self._telecom_int(form.get("plan_id"))).exists()
        if not plan or plan not in catalogue["plans"]:
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
        addons = catalogue["addons"]
        technology = request.env["telecom.subscription"]._telecom_plan_of(plan).telecom_technology
        for addon_id in request.httprequest.form.getlist("addon_ids"):
            addon = self._telecom_choice(
                addons, addon_id, request.env._("Choose add-ons from the list.")
            )
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
        catalogue = customer_sudo._telecom_agent_catalogue()
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
            [self._telecom_agent_order_domain(reseller), filters[filterby]["domain"]]
        )
        orders, pager = self._telecom_list_page(
            "sale.order",
            domain,
            "/my/agent/orders",
            page,
            "date_order desc, id desc",
            url_args={"filterby": filterby},
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
                "orders": [(order, *order._telecom_portal_status()) for order in orders.sudo()],
                "kinds": self._telecom_order_kinds(),
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
