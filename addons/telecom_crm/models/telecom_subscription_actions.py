# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Lifecycle actions of ``telecom.subscription``: what a user or an integrator asks.

The public ``action_*`` methods (the back-office buttons open the action wizard)
check the caller's group, validate the request (``telecom_subscription_checks.py``)
and create and submit one ``telecom.service.order`` per subscription. Nothing
changes on the subscription here: the order, once done, applies the change
(``telecom_subscription_changes.py``).
"""

from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

from .telecom_subscription import LIFECYCLE_GROUPS, SUSPEND_REASONS


class TelecomSubscriptionActions(models.Model):
    _inherit = "telecom.subscription"

    # -- actions (back-office buttons open the wizard) -------------------------
    def _telecom_open_wizard(self, action):
        self.ensure_one()
        names = {
            "suspend": _("Suspend"),
            "resume": _("Resume"),
            "terminate": _("Terminate"),
            "change_plan": _("Change Plan"),
            "add_addon": _("Add an Add-on"),
            "remove_addon": _("Remove an Add-on"),
            "move": _("Move"),
        }
        return {
            "type": "ir.actions.act_window",
            "name": names[action],
            "res_model": "telecom.subscription.action.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_subscription_id": self.id, "default_action": action},
        }

    def action_open_suspend(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_open_wizard("suspend")

    def action_open_resume(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_open_wizard("resume")

    def action_open_terminate(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_open_wizard("terminate")

    def action_open_change_plan(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_open_wizard("change_plan")

    def action_open_add_addon(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_open_wizard("add_addon")

    def action_open_remove_addon(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_open_wizard("remove_addon")

    def action_open_move(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        return self._telecom_open_wizard("move")

    def action_view_service_orders(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_crm.telecom_service_order_action"
        )
        action["domain"] = [("subscription_id", "=", self.id)]
        action["context"] = {"default_subscription_id": self.id}
        return action

    # -- lifecycle actions (public API, see the module docstring) --------------
    def action_activate(self, date=None):
        """Ask for activation of draft subscriptions; return the service orders."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        date = self._telecom_date(date)
        orders = self.env["telecom.service.order"]
        for sub in self:
            sub._telecom_check_no_open_order()
            if sub.state != "draft":
                raise UserError(
                    _(
                        "%(sub)s is %(state)s: only a draft subscription can be activated.",
                        sub=sub.name,
                        state=sub._telecom_state_label(),
                    )
                )
            if not sub.line_ids.filtered(lambda line: line.kind == "plan"):
                raise UserError(_("%(sub)s has no plan: add a plan line first.", sub=sub.name))
            sub.billing_account_id._telecom_check_usable()
        self._telecom_lifecycle_write({"state": "pending"})
        for sub in self:
            orders |= sub._telecom_submit("activate", {"date": fields.Date.to_string(date)}, date)
        return orders

    def action_suspend(self, reason, date=None, note=None):
        """Suspend active subscriptions for ``reason`` (a ``suspend_reason`` key)."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        if reason not in dict(SUSPEND_REASONS):
            raise UserError(
                _(
                    "Unknown suspension reason %(reason)s; use one of %(allowed)s.",
                    reason=reason,
                    allowed=", ".join(dict(SUSPEND_REASONS)),
                )
            )
        date = self._telecom_date(date)
        if date > fields.Date.context_today(self):
            raise UserError(
                _("A suspension takes effect on the network at once: its date cannot be ahead.")
            )
        for sub in self:
            sub._telecom_check_can_suspend(date)
        values = {"date": fields.Date.to_string(date), "reason": reason, "note": note or ""}
        return self._telecom_submit_each("suspend", values, date)

    def action_resume(self, date=None, note=None):
        """Resume suspended subscriptions."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        date = self._telecom_date(date)
        if date > fields.Date.context_today(self):
            raise UserError(
                _("A resumption takes effect on the network at once: its date cannot be ahead.")
            )
        for sub in self:
            sub._telecom_check_can_resume(date)
        values = {"date": fields.Date.to_string(date), "note": note or ""}
        return self._telecom_submit_each("resume", values, date)

    def action_terminate(self, date=None, reason=None, waive_etf=False, note=None):
        """Terminate; inside the commitment an ETF charge is added unless waived.

        ``reason`` is a ``telecom.reason.code`` (record, id or code) of kind
        termination. Only managers may waive the early termination fee.
        """
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        date = self._telecom_date(date)
        reason = self._telecom_reason(reason, "termination")
        if waive_etf and not self.env.user.has_group("telecom_crm.group_telecom_manager"):
            raise AccessError(_("Only a telecom manager may waive an early termination fee."))
        for sub in self:
            sub._telecom_check_can_terminate(date)
        values = {
            "date": fields.Date.to_string(date),
            "reason_id": reason.id or False,
            "waive_etf": bool(waive_etf),
            "note": note or "",
        }
        return self._telecom_submit_each("terminate", values, date)

    def action_change_plan(self, plan, date=None, price_unit=None, note=None):
        """Move to ``plan`` (a product of kind plan) from ``date`` (first day on it)."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        date = self._telecom_date(date)
        plan = self._telecom_product(plan, ("plan", "bundle"))
        orders = self.env["telecom.service.order"]
        for sub in self:
            sub._telecom_check_can_change_plan(plan, date)
            values = {
                "date": fields.Date.to_string(date),
                "plan_id": plan.id,
                "note": note or "",
                **sub._telecom_price_values(plan, date, price_unit),
            }
            orders |= sub._telecom_submit("change_plan", values, date)
        return orders

    def action_add_addon(self, product, date=None, quantity=1.0, price_unit=None):
        """Add the add-on ``product`` from ``date``."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        date = self._telecom_date(date)
        product = self._telecom_product(product, ("addon",))
        orders = self.env["telecom.service.order"]
        for sub in self:
            sub._telecom_check_can_add_addon(product, date, quantity)
            addon = {
                "product_id": product.id,
                "quantity": quantity,
                **sub._telecom_price_values(product, date, price_unit),
            }
            values = {"date": fields.Date.to_string(date), "addons": [addon]}
            orders |= sub._telecom_submit("add_addon", values, date)
        return orders

    def action_remove_addon(self, product, date=None):
        """Remove the add-on ``product``; ``date`` is the first day without it."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        date = self._telecom_date(date)
        product = self._telecom_product(product, ("addon",))
        for sub in self:
            sub._telecom_check_can_remove_addon(product, date)
        values = {"date": fields.Date.to_string(date), "product_id": product.id}
        return self._telecom_submit_each("remove_addon", values, date)

    def action_move(self, address, date=None):
        """Move the service to another installation address (a res.partner)."""
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        date = self._telecom_date(date)
        address = self.env["res.partner"].browse(getattr(address, "id", address)).exists()
        if not address:
            raise UserError(_("Give the new installation address."))
        for sub in self:
            sub._telecom_check_open(date)
            if sub.state not in ("active", "suspended"):
                raise UserError(
                    _("%(sub)s: only a live service can move.", sub=sub.name),
                )
            if address == sub.installation_partner_id:
                raise UserError(_("%(sub)s is already installed at that address.", sub=sub.name))
        values = {"date": fields.Date.to_string(date), "address_id": address.id}
        return self._telecom_submit_each("move", values, date)

    # -- service orders --------------------------------------------------------
    def _telecom_submit(self, action, values, date, sale_order=None):
        """Create and submit the service order of one action on ``self``."""
        self.ensure_one()
        context_order = self.env.context.get("telecom_sale_order_id")
        if not sale_order and isinstance(context_order, int):
            # set by sale.order confirmation; any RPC caller may send it too, so it
            # only links an order of this subscription's customer
            sale_order = self.env["sale.order"].sudo().browse(context_order).exists()
            if sale_order.telecom_customer_id != self.partner_id.commercial_partner_id:
                sale_order = None
        # the caller passed the public action's checks: the order is created as
        # superuser (service orders are not created by hand, see their ``create``)
        self.check_access("write")
        order = (
            self.env["telecom.service.order"]
            .sudo()
            .create(
                {
                    "subscription_id": self.id,
                    "action": action,
                    "requested_date": date,
                    "values": values,
                    "sale_order_id": sale_order.id if sale_order else False,
                    "company_id": self.company_id.id,
                }
            )
            .with_env(self.env)
        )
        order.action_submit()
        return order

    def _telecom_submit_each(self, action, values, date, sale_order=None):
        orders = self.env["telecom.service.order"]
        for sub in self:
            orders |= sub._telecom_submit(action, dict(values), date, sale_order)
        return orders
