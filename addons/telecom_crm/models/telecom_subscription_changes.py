# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Change application on ``telecom.subscription``: what a done service order does.

``telecom.service.order.action_done`` calls the matching ``_telecom_apply_<action>``
here, which checks the state again (the network may answer days later) and
changes the lines, the state and the dates, and records an event. Beside them:
the line and price helpers they share (plan line at a date, frozen prices,
commitment end, early termination fee), the plan-change preview and the
manager's price change of existing subscribers.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .telecom_subscription import SUSPEND_REASONS


class TelecomSubscriptionChanges(models.Model):
    _inherit = "telecom.subscription"

    # -- extension point: billing fills the prorated amount ---------------------
    def _telecom_change_preview(self, plan, date=None):
        """What a plan change to ``plan`` on ``date`` would do, as plain data.

        Keys: ``subscription_id``, ``old_plan_id``/``old_plan_name``,
        ``new_plan_id``/``new_plan_name``, ``old_price``, ``new_price`` and
        ``price_difference`` (per period of the new plan), ``period``,
        ``currency`` (ISO code), ``proration_policy``, ``effective_date`` (a
        date), ``commitment_end_date`` (after the change) and ``amount``: None
        here; telecom_billing overrides this method to fill the prorated amount
        of the current period.
        """
        self.ensure_one()
        date = self._telecom_date(date)
        plan = self._telecom_product(plan, ("plan", "bundle"))
        current = self._telecom_plan_line_at(date)
        new_price = plan._telecom_price_amount_at(date, self.currency_id)
        old_price = current.price_unit if current else 0.0
        new_months = plan.product_tmpl_id._telecom_period_months()
        old_months = current.product_id.product_tmpl_id._telecom_period_months() if current else 1
        # compare per period of the new plan (a yearly plan against a monthly one)
        old_per_new_period = Decimal(str(old_price)) * new_months / old_months
        difference = Decimal(str(new_price)) - old_per_new_period
        return {
            "subscription_id": self.id,
            "old_plan_id": current.product_id.id or False,
            "old_plan_name": current.product_id.display_name or "",
            "new_plan_id": plan.id,
            "new_plan_name": plan.display_name,
            "old_price": self.currency_id.round(float(old_per_new_period)),
            "new_price": new_price,
            "price_difference": self.currency_id.round(float(difference)),
            "period": plan.telecom_recurring_period or "monthly",
            "currency": self.currency_id.name,
            "proration_policy": plan.telecom_proration_policy,
            "effective_date": date,
            "commitment_end_date": self._telecom_commitment_end_after(plan, date),
            "amount": None,
        }

    # -- line helpers ----------------------------------------------------------
    def _telecom_plan_line_at(self, date):
        """The plan line covering ``date`` (or the open one if none covers it)."""
        self.ensure_one()
        plans = self.line_ids.filtered(lambda line: line.kind == "plan")
        covering = plans.filtered(lambda line: line._telecom_covers(date))
        if not covering:
            covering = plans.filtered(lambda line: not line.date_end)
        return covering.sorted("date_start")[-1:]

    def _telecom_addon_line(self, product, date):
        self.ensure_one()
        return self.line_ids.filtered(
            lambda line: (
                line.product_id == product
                and line.kind == "addon"
                and (not line.date_end or line.date_end >= date)
            )
        ).sorted("date_start")[-1:]

    @api.model
    def _telecom_plan_of(self, product):
        """The plan inside a bundle, or the plan itself."""
        if product.telecom_kind == "bundle":
            return product.telecom_bundle_line_ids.product_id.filtered(
                lambda p: p.telecom_kind == "plan"
            )[:1]
        return product

    def _telecom_price_values(self, product, date, price_unit=None):
        """Frozen price values of a new line: the price version in force on ``date``."""
        self.ensure_one()
        version = product._telecom_price_at(date)
        if price_unit is None:
            price_unit = product._telecom_price_amount_at(date, self.currency_id)
        return {"price_unit": price_unit, "price_version_id": version.id or False}

    def _telecom_commitment_end_after(self, plan, date):
        """Commitment end after moving to ``plan`` on ``date`` (the later of both)."""
        self.ensure_one()
        months = self._telecom_plan_of(plan).telecom_commitment_months or (
            plan.telecom_commitment_months
        )
        end = self.commitment_end_date
        if months:
            new_end = date + relativedelta(months=months) - timedelta(days=1)
            end = max(end, new_end) if end else new_end
        return end

    def _telecom_etf_amount(self, date=None):
        """Early termination fee owed when the service ends on ``date``."""
        self.ensure_one()
        date = self._telecom_date(date)
        if self.state == "pending" or not self.commitment_end_date:
            return 0.0
        if date >= self.commitment_end_date:
            return 0.0
        line = self._telecom_plan_line_at(date)
        if not line:
            return 0.0
        tmpl = line.product_id.product_tmpl_id
        if line.bundle_product_id:
            tmpl = line.bundle_product_id.product_tmpl_id
        rule = tmpl.telecom_etf_rule
        if rule == "none":
            return 0.0
        if rule == "fixed":
            amount = tmpl.currency_id._convert(
                tmpl.telecom_etf_amount, self.currency_id, self.company_id, date
            )
            return self.currency_id.round(amount)
        delta = relativedelta(self.commitment_end_date, date)
        months = delta.years * 12 + delta.months + (1 if delta.days else 0)
        monthly = (
            Decimal(str(line.price_unit))
            * Decimal(str(line.quantity))
            / tmpl._telecom_period_months()
        )
        fee = monthly * months
        if rule == "percent_remaining":
            fee = fee * Decimal(str(tmpl.telecom_etf_percent)) / 100
        fee = fee.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
        return self.currency_id.round(float(fee))

    def _telecom_event(self, event_type, date, service_order=None, reason="", reason_code=None):
        self.ensure_one()
        return self.env["telecom.subscription.event"].create(
            {
                "subscription_id": self.id,
                "type": event_type,
                "date": date,
                "reason": reason or "",
                "reason_code_id": reason_code.id if reason_code else False,
                "service_order_id": service_order.id if service_order else False,
            }
        )

    # -- apply (called by telecom.service.order.action_done) -------------------
    def _telecom_apply_activate(self, order):
        self.ensure_one()
        if self.state != "pending":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: only a pending service can be activated.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
        date = self._telecom_date(order.values.get("date") or order.requested_date)
        # nothing was billed before activation: every line starts on the activation date
        self.line_ids.filtered(lambda line: line.date_start != date).write({"date_start": date})
        plan_line = self._telecom_plan_line_at(date)
        months = (
            plan_line.bundle_product_id or plan_line.product_id
        ).telecom_commitment_months or plan_line.product_id.telecom_commitment_months
        vals = {"state": "active", "activation_date": date}
        if months:
            vals["commitment_end_date"] = date + relativedelta(months=months) - timedelta(days=1)
        self._telecom_lifecycle_write(vals)
        if self.billing_account_id.state == "draft":
            self.billing_account_id._telecom_activate()
        self._telecom_event("activate", date, order)

    def _telecom_apply_suspend(self, order):
        self.ensure_one()
        date = self._telecom_date(order.values.get("date"))
        self._telecom_check_state("suspend")
        reason = order.values.get("reason") or "other"
        self._telecom_lifecycle_write(
            {"state": "suspended", "suspend_reason": reason, "suspension_date": date}
        )
        label = dict(SUSPEND_REASONS).get(reason, reason)
        note = order.values.get("note")
        self._telecom_event("suspend", date, order, f"{label}: {note}" if note else label)

    def _telecom_apply_resume(self, order):
        self.ensure_one()
        date = self._telecom_date(order.values.get("date"))
        self._telecom_check_state("resume")
        self._telecom_lifecycle_write(
            {"state": "active", "suspend_reason": False, "suspension_date": False}
        )
        self._telecom_event("resume", date, order, order.values.get("note") or "")

    def _telecom_apply_terminate(self, order):
        self.ensure_one()
        values = order.values
        date = self._telecom_date(values.get("date"))
        if self.state not in ("pending", "active", "suspended"):
            raise UserError(
                _(
                    "%(sub)s is %(state)s and cannot be terminated.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
        reason = self.env["telecom.reason.code"].browse(values.get("reason_id") or [])
        waive = bool(values.get("waive_etf"))
        etf = 0.0 if waive else self._telecom_etf_amount(date)
        # lines that never started go; the others end on the last day of service
        self.line_ids.filtered(lambda line: line.date_start > date).unlink()
        self.line_ids.filtered(lambda line: not line.date_end or line.date_end > date).write(
            {"date_end": date}
        )
        self._telecom_lifecycle_write(
            {
                "state": "terminated",
                "termination_date": date,
                "termination_reason_id": reason.id,
                "etf_waived": waive and self._telecom_etf_amount(date) > 0,
            }
        )
        if etf > 0:
            self.env["telecom.charge"].create(
                {
                    "billing_account_id": self.billing_account_id.id,
                    "subscription_id": self.id,
                    "product_id": self.plan_id.id,
                    "kind": "etf",
                    "description": _(
                        "Early termination fee: %(sub)s ends on %(date)s, commitment until %(end)s",
                        sub=self.name,
                        date=date,
                        end=self.commitment_end_date,
                    ),
                    "amount": etf,
                    "date": date,
                    "origin": order.name,
                    "company_id": self.company_id.id,
                }
            )
        self._telecom_event("terminate", date, order, values.get("note") or "", reason)

    def _telecom_apply_change_plan(self, order):
        self.ensure_one()
        values = order.values
        date = self._telecom_date(values.get("date"))
        plan = self.env["product.product"].browse(values["plan_id"])
        self._telecom_check_state("change_plan")
        current = self._telecom_plan_line_at(date)
        if current and date <= current.date_start:
            raise ValidationError(
                _("%(sub)s: the plan change is dated before the current plan.", sub=self.name)
            )
        # a scheduled later plan line (price change) never takes effect
        self.line_ids.filtered(
            lambda line: line.kind == "plan" and line.date_start >= date
        ).unlink()
        current.write({"date_end": date - timedelta(days=1)})
        old_bundle_lines = self.line_ids.filtered(
            lambda line: (
                line.bundle_product_id
                and line.kind != "plan"
                and (not line.date_end or line.date_end >= date)
            )
        )
        old_bundle_lines.write({"date_end": date - timedelta(days=1)})
        self._telecom_create_product_lines(
            plan, date, values.get("price_unit"), values.get("price_version_id"), order
        )
        commitment_end = self._telecom_commitment_end_after(plan, date)
        if commitment_end != self.commitment_end_date:
            self._telecom_lifecycle_write({"commitment_end_date": commitment_end})
        self._telecom_event(
            "plan_change",
            date,
            order,
            _("%(old)s → %(new)s", old=current.product_id.name or "-", new=plan.name),
        )

    def _telecom_apply_add_addon(self, order):
        self.ensure_one()
        values = order.values
        date = self._telecom_date(values.get("date"))
        if self.state != "active":
            raise UserError(_("%(sub)s is not active: the add-on cannot be added.", sub=self.name))
        for addon in values.get("addons") or []:
            product = self.env["product.product"].browse(addon["product_id"])
            self.env["telecom.subscription.line"].create(
                {
                    "subscription_id": self.id,
                    "product_id": product.id,
                    "kind": "addon",
                    "quantity": addon.get("quantity") or 1.0,
                    "price_unit": addon.get("price_unit") or 0.0,
                    "price_version_id": addon.get("price_version_id") or False,
                    "date_start": date,
                    "sale_line_id": addon.get("sale_line_id") or False,
                }
            )
            self._telecom_event("addon_add", date, order, product.name)

    def _telecom_apply_remove_addon(self, order):
        self.ensure_one()
        values = order.values
        date = self._telecom_date(values.get("date"))
        product = self.env["product.product"].browse(values["product_id"])
        line = self._telecom_addon_line(product, date)
        if not line or date <= line.date_start:
            raise UserError(
                _("%(sub)s has no add-on %(addon)s to remove.", sub=self.name, addon=product.name)
            )
        line.date_end = date - timedelta(days=1)
        self._telecom_event("addon_remove", date, order, product.name)

    def _telecom_apply_move(self, order):
        self.ensure_one()
        date = self._telecom_date(order.values.get("date"))
        address = self.env["res.partner"].browse(order.values["address_id"])
        old = self.installation_partner_id
        self.installation_partner_id = address
        self._telecom_event(
            "move",
            date,
            order,
            _(
                "%(old)s → %(new)s",
                old=old.display_name or "-",
                new=address.display_name,
            ),
        )

    def _telecom_create_product_lines(
        self, product, date, price_unit=None, version_id=None, order=None, sale_line=None
    ):
        """Lines of a plan or bundle (its plan gets the bundle price, the rest is free)."""
        self.ensure_one()
        Line = self.env["telecom.subscription.line"]
        if price_unit is None:
            price = self._telecom_price_values(product, date)
            price_unit, version_id = price["price_unit"], price["price_version_id"]
        common = {
            "subscription_id": self.id,
            "date_start": date,
            "sale_line_id": sale_line.id if sale_line else False,
        }
        if product.telecom_kind != "bundle":
            return Line.create(
                {
                    **common,
                    "product_id": product.id,
                    "kind": "plan" if product.telecom_kind == "plan" else "addon",
                    "price_unit": price_unit,
                    "price_version_id": version_id or False,
                }
            )
        vals_list = []
        for component in product.telecom_bundle_line_ids:
            kind = component.product_id.telecom_kind
            if kind not in ("plan", "addon", "equipment"):
                continue  # one-time components become charges at order confirmation
            vals_list.append(
                {
                    **common,
                    "product_id": component.product_id.id,
                    "kind": kind,
                    "quantity": component.quantity,
                    "bundle_product_id": product.id,
                    "price_unit": price_unit if kind == "plan" else 0.0,
                    "price_version_id": (version_id or False) if kind == "plan" else False,
                }
            )
        return Line.create(vals_list)

    def _telecom_schedule_price(self, version, date):
        """Move the subscriber's open line of ``version``'s product to it from ``date``.

        Grandfathering ends only here: a manager decides when existing
        subscribers get the new price. Returns the new (or updated) line.
        """
        self.ensure_one()
        if not self.env.user.has_group("telecom_crm.group_telecom_manager"):
            raise AccessError(_("Only a telecom manager may schedule a price change."))
        # the lifecycle's private path: the lines of a live subscription change as
        # superuser once the caller is known to be a manager who may write it
        self.check_access("write")
        return self.sudo()._telecom_reprice(version, date).with_env(self.env)

    def _telecom_reprice(self, version, date):
        self.ensure_one()
        date = self._telecom_date(date)
        if self.state in ("draft", "terminated"):
            raise UserError(
                _(
                    "%(sub)s is %(state)s: no price to change.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
        if date < version.date_from or (version.date_to and date > version.date_to):
            raise ValidationError(
                _(
                    "%(version)s is not in force on %(date)s.",
                    version=version.display_name,
                    date=date,
                )
            )
        tmpl = version.product_tmpl_id
        lines = self.line_ids.filtered(
            lambda line: (
                (line.bundle_product_id.product_tmpl_id or line.product_id.product_tmpl_id) == tmpl
                and (line.kind == "plan" or not line.bundle_product_id)
                and (not line.date_end or line.date_end >= date)
            )
        ).sorted("date_start")
        line = lines[-1:]
        if not line:
            raise UserError(
                _("%(sub)s has no %(product)s to reprice.", sub=self.name, product=tmpl.name)
            )
        if line.price_version_id == version:
            return line
        price = version.currency_id._convert(version.price, self.currency_id, self.company_id, date)
        old_price = line.price_unit
        if date <= line.date_start:
            # not started yet: it simply starts at the new price
            line.write({"price_unit": price, "price_version_id": version.id})
            new_line = line
        else:
            date_end = line.date_end
            line.date_end = date - timedelta(days=1)
            new_line = line.copy(
                {
                    "date_start": date,
                    "date_end": date_end,
                    "price_unit": price,
                    "price_version_id": version.id,
                }
            )
        self._telecom_event(
            "price_change",
            date,
            reason=_(
                "%(product)s: %(old)s → %(new)s %(currency)s",
                product=tmpl.name,
                old=old_price,
                new=price,
                currency=self.currency_id.name,
            ),
        )
        return new_line
