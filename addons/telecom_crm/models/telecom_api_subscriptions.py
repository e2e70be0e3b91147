# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC API for integrators: orders and subscriptions (see docs/rpc.md)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from .sale_order import MAX_LINE_QUANTITY, ORDER_KINDS
from .telecom_api import MAX_LONG_TEXT, MAX_ORDER_LINES
from .telecom_subscription import SUSPEND_REASONS

ORDER_KEYS = {
    "customer",
    "billing_account",
    "kind",
    "date",
    "lines",
    "subscriptions",
    "reason",
    "waive_etf",
    "address",
    "confirm",
    "client_order_ref",
}
LINE_KEYS = {
    "product",
    "quantity",
    "subscription",
    "phone_number",
    "sim_iccid",
    "circuit_id",
    "username",
    "description",
    "port_in",
}


class TelecomApiSubscriptions(models.AbstractModel):
    _inherit = "telecom.api"

    # -- plain data out --------------------------------------------------------
    @api.model
    def _api_subscription_data(self, sub):
        return {
            "id": sub.id,
            "number": sub.name,
            "ref": sub.ref or False,
            "state": sub.state,
            "customer_id": sub.partner_id.id,
            "customer_number": sub.partner_id.telecom_customer_number or False,
            "customer_name": sub.partner_id.name,
            "billing_account_id": sub.billing_account_id.id,
            "billing_account_number": sub.billing_account_id.name,
            "plan": {
                "id": sub.plan_id.id,
                "code": sub.plan_id.default_code or False,
                "name": sub.plan_id.name,
            }
            if sub.plan_id
            else False,
            "phone_number": sub.phone_number or False,
            "sim_iccid": sub.sim_iccid or False,
            "imsi": sub.imsi or False,
            "circuit_id": sub.circuit_id or False,
            "username": sub.username or False,
            "activation_date": self._api_iso(sub.activation_date),
            "commitment_end_date": self._api_iso(sub.commitment_end_date),
            "suspension_date": self._api_iso(sub.suspension_date),
            "suspend_reason": sub.suspend_reason or False,
            "termination_date": self._api_iso(sub.termination_date),
            "termination_reason": sub.termination_reason_id.code or False,
            "etf_waived": sub.etf_waived,
            "currency": sub.currency_id.name,
            "recurring_price": sub.recurring_price,
            "lines": [
                {
                    "product_id": line.product_id.id,
                    "product_code": line.product_id.default_code or False,
                    "name": line.name or "",
                    "kind": line.kind,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "date_start": self._api_iso(line.date_start),
                    "date_end": self._api_iso(line.date_end),
                }
                for line in sub.line_ids.sorted(lambda ln: (ln.date_start, ln.id))
            ],
        }

    @api.model
    def _api_service_order_data(self, order):
        return {
            "id": order.id,
            "name": order.name,
            "action": order.action,
            "state": order.state,
            "subscription_id": order.subscription_id.id,
            "subscription_number": order.subscription_id.name,
            "requested_date": self._api_iso(order.requested_date),
            "scheduled": order._telecom_is_scheduled(),
            "error": order.error or False,
        }

    @api.model
    def _api_charge_data(self, charge):
        return {
            "id": charge.id,
            "kind": charge.kind,
            "description": charge.description,
            "amount": charge.amount,
            "currency": charge.currency_id.name,
            "date": self._api_iso(charge.date),
            "state": charge.state,
            "subscription_id": charge.subscription_id.id or False,
        }

    @api.model
    def _api_preview_data(self, preview):
        data = dict(preview)
        data["effective_date"] = self._api_iso(preview["effective_date"])
        data["commitment_end_date"] = self._api_iso(preview["commitment_end_date"])
        if data["amount"] is None:
            data["amount"] = False
        return data

    # -- orders and subscriptions ------------------------------------------------
    @api.model
    def place_order(self, values, request_id=None):
        """Create (and by default confirm) a telecom order; return what it did."""
        return self._api_call("place_order", request_id, values, lambda: self._place_order(values))

    @api.model
    def _place_order(self, values):
        self._api_check_keys(values, ORDER_KEYS, _("order"))
        order_vals = self._api_order_vals(values)
        order_vals["order_line"] = self._api_order_lines(values.get("lines") or [])
        order = self.env["sale.order"].create(order_vals)
        if values.get("confirm", True):
            order.action_confirm()
        return self._api_order_data(order)

    @api.model
    def _api_order_vals(self, values):
        customer = self._api_customer(values.get("customer"))
        account = self._api_billing_account(values.get("billing_account"), customer)
        kind = values.get("kind")
        if kind not in dict(ORDER_KINDS):
            raise UserError(
                _(
                    "kind: %(kind)s is not one of %(allowed)s.",
                    kind=kind,
                    allowed=", ".join(dict(ORDER_KINDS)),
                )
            )
        order_date = self._api_date(values.get("date"), "date") or fields.Date.context_today(self)
        order_vals = {
            "partner_id": customer.id,
            "telecom_order_kind": kind,
            "telecom_billing_account_id": account.id,
            "telecom_effective_date": order_date,
            "client_order_ref": values.get("client_order_ref") or False,
        }
        if order_vals["client_order_ref"]:
            self._api_text(order_vals["client_order_ref"], "client_order_ref")
        if account.currency_id != self.env.company.currency_id:
            pricelist = self.env["product.pricelist"].search(
                [("currency_id", "=", account.currency_id.id)], limit=1
            )
            if pricelist:
                order_vals["pricelist_id"] = pricelist.id
        subs = self.env["telecom.subscription"]
        refs = values.get("subscriptions") or []
        if not isinstance(refs, list):
            raise UserError(_("subscriptions must be a list."))
        if len(refs) > MAX_ORDER_LINES:
            raise UserError(_("An order names at most %(max)s subscriptions.", max=MAX_ORDER_LINES))
        for ref in refs:
            subs |= self._api_subscription(ref)
        if subs:
            order_vals["telecom_subscription_ids"] = [fields.Command.set(subs.ids)]
        order_vals.update(self._api_order_kind_vals(kind, values, customer))
        return order_vals

    @api.model
    def _api_order_kind_vals(self, kind, values, customer):
        vals = {}
        reason = values.get("reason")
        if kind == "suspension":
            if reason not in dict(SUSPEND_REASONS):
                raise UserError(
                    _(
                        "reason: %(reason)s is not one of %(allowed)s.",
                        reason=reason,
                        allowed=", ".join(dict(SUSPEND_REASONS)),
                    )
                )
            vals["telecom_suspend_reason"] = reason
        elif kind == "termination" and reason:
            vals["telecom_reason_id"] = (
                self.env["telecom.subscription"]._telecom_reason(reason, "termination").id
            )
        if values.get("waive_etf"):
            vals["telecom_waive_etf"] = True
        if kind == "move":
            address = values.get("address")
            if isinstance(address, dict):
                address = (
                    self.env["res.partner"]
                    .create(
                        {
                            "parent_id": customer.id,
                            "type": "other",
                            **{
                                k: self._api_text(str(v), f"address {k}")
                                for k, v in address.items()
                                if k in ("name", "street", "street2", "zip", "city")
                            },
                        }
                    )
                    .id
                )
            if (
                not isinstance(address, int)
                or isinstance(address, bool)
                or not self.env["res.partner"].browse(address).exists()
            ):
                raise UserError(_("address: give a partner id or a dict with the new address."))
            vals["telecom_move_address_id"] = address
        return vals

    @api.model
    def _api_order_lines(self, lines):
        if not isinstance(lines, list):
            raise UserError(_("lines must be a list."))
        if len(lines) > MAX_ORDER_LINES:
            raise UserError(
                _(
                    "An order has at most %(max)s lines, not %(count)s: split it.",
                    max=MAX_ORDER_LINES,
                    count=len(lines),
                )
            )
        commands = []
        for index, line in enumerate(lines, start=1):
            self._api_check_keys(line, LINE_KEYS, _("line %(n)s", n=index))
            product = self._api_product(line.get("product"))
            qty = self._api_number(
                line.get("quantity", 1), f"line {index} quantity", 0, MAX_LINE_QUANTITY
            )
            line_vals = {"product_id": product.id, "product_uom_qty": qty, "sequence": index * 10}
            if line.get("description"):
                line_vals["name"] = self._api_text(
                    str(line["description"]), f"line {index} description", MAX_LONG_TEXT
                )
            if line.get("subscription"):
                line_vals["telecom_subscription_id"] = self._api_subscription(
                    line["subscription"]
                ).id
            for key in ("phone_number", "sim_iccid", "circuit_id", "username"):
                if line.get(key):
                    line_vals[f"telecom_{key}"] = self._api_text(
                        str(line[key]), f"line {index} {key}", 64
                    )
            if line.get("port_in"):
                line_vals["telecom_port_in"] = True
            commands.append(fields.Command.create(line_vals))
        return commands

    @api.model
    def _api_order_data(self, order):
        subs = order.telecom_new_subscription_ids | order._telecom_affected_subscriptions()
        charges = self.env["telecom.charge"].search([("sale_line_id.order_id", "=", order.id)])
        return {
            "order_id": order.id,
            "order_name": order.name,
            "state": order.state,
            "kind": order.telecom_order_kind,
            "effective_date": self._api_iso(order.telecom_effective_date),
            "amount_untaxed": order.amount_untaxed,
            "currency": order.currency_id.name,
            "subscriptions": [self._api_subscription_data(sub) for sub in subs.sorted("id")],
            "service_orders": [
                self._api_service_order_data(so)
                for so in order.telecom_service_order_ids.sorted("id")
            ],
            "charges": [self._api_charge_data(charge) for charge in charges.sorted("id")],
        }

    @api.model
    def change_plan(self, subscription, plan, date=None, request_id=None):
        """Move a subscription to another plan from ``date`` (first day on it)."""

        def work():
            sub = self._api_subscription(subscription)
            product = self._api_product(plan, ("plan", "bundle"))
            day = self._api_date(date, "date") or fields.Date.context_today(self)
            preview = sub._telecom_change_preview(product, day)
            order = sub.action_change_plan(product, day)
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
                "preview": self._api_preview_data(preview),
            }

        return self._api_call("change_plan", request_id, [subscription, plan, date], work)

    @api.model
    def suspend(self, subscription, reason, date=None, request_id=None):
        """Suspend a subscription (reason: non_payment, customer_request, fraud, other)."""

        def work():
            sub = self._api_subscription(subscription)
            day = self._api_date(date, "date")
            order = sub.action_suspend(reason, day)
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
            }

        return self._api_call("suspend", request_id, [subscription, reason, date], work)

    @api.model
    def resume(self, subscription, date=None, request_id=None):
        """Resume a suspended subscription."""

        def work():
            sub = self._api_subscription(subscription)
            order = sub.action_resume(self._api_date(date, "date"))
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
            }

        return self._api_call("resume", request_id, [subscription, date], work)

    @api.model
    def terminate(self, subscription, date=None, reason=None, waive_etf=False, request_id=None):
        """Terminate a subscription (``date``: last day of service); report any ETF charge."""

        def work():
            sub = self._api_subscription(subscription)
            day = self._api_date(date, "date")
            before = sub.charge_ids
            order = sub.action_terminate(day, reason or None, waive_etf=bool(waive_etf))
            etf = (sub.charge_ids - before).filtered(lambda c: c.kind == "etf")
            return {
                "subscription": self._api_subscription_data(sub),
                "service_order": self._api_service_order_data(order),
                "etf_charge": self._api_charge_data(etf) if etf else False,
            }

        return self._api_call(
            "terminate", request_id, [subscription, date, reason, bool(waive_etf)], work
        )

    @api.model
    def lookup_subscription(self, number):
        """A subscription by number, phone number, SIM, circuit id, username or reference."""
        self._api_check_user()
        return self._api_subscription_data(self._api_subscription(number))
