# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Validation of ``telecom.subscription`` lifecycle requests.

The input of an action (date, reason code, product) and whether the subscription
may take it now (its state, the service orders under way, dates that never go
backwards). The actions check before they order; the apply methods check the
state again when the order is done.
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .telecom_subscription import OPEN_SERVICE_ORDER_STATES

# the states an action needs, checked when it is asked for and again when its
# service order is done (the network may answer days later)
REQUIRED_STATES = {
    "suspend": ("active",),
    "resume": ("suspended",),
    "change_plan": ("active",),
}


class TelecomSubscriptionChecks(models.Model):
    _inherit = "telecom.subscription"

    # -- validation helpers ----------------------------------------------------
    def _telecom_state_label(self):
        return dict(self._fields["state"]._description_selection(self.env)).get(self.state)

    def _telecom_check_state(self, action):
        """Refuse ``action`` unless the subscription is in a state it needs."""
        self.ensure_one()
        if self.state in REQUIRED_STATES[action]:
            return
        sub, state = self.name, self._telecom_state_label()
        messages = {
            "suspend": _(
                "%(sub)s is %(state)s: only an active service can be suspended.",
                sub=sub,
                state=state,
            ),
            "resume": _(
                "%(sub)s is %(state)s: only a suspended service can resume.",
                sub=sub,
                state=state,
            ),
            "change_plan": _(
                "%(sub)s is %(state)s: only an active service changes plan.",
                sub=sub,
                state=state,
            ),
        }
        raise UserError(messages[action])

    @api.model
    def _telecom_date(self, value):
        """A date from a date, an ISO-8601 string or None (today)."""
        if not value:
            return fields.Date.context_today(self)
        try:
            return fields.Date.to_date(value if not isinstance(value, str) else value[:10])
        except (ValueError, TypeError) as exc:
            raise UserError(
                _("%(value)s is not a date; use ISO-8601 (YYYY-MM-DD).", value=value)
            ) from exc

    @api.model
    def _telecom_reason(self, reason, kind):
        Reason = self.env["telecom.reason.code"]
        if not reason:
            return Reason
        if isinstance(reason, models.BaseModel):
            found = reason
        elif isinstance(reason, int):
            found = Reason.browse(reason).exists()
        else:
            found = Reason.search([("code", "=", reason)], limit=1)
        if not found or found.kind not in (kind, "other"):
            raise UserError(
                _("%(reason)s is not a %(kind)s reason code.", reason=reason, kind=kind)
            )
        return found

    @api.model
    def _telecom_product(self, product, kinds):
        Product = self.env["product.product"]
        if isinstance(product, models.BaseModel):
            found = product
        elif isinstance(product, int):
            found = Product.browse(product).exists()
        elif isinstance(product, str) and product:
            found = Product.search([("default_code", "=", product)], limit=1)
        else:
            found = Product
        if len(found) != 1 or found.telecom_kind not in kinds:
            labels = dict(
                self.env["product.template"]
                ._fields["telecom_kind"]
                ._description_selection(self.env)
            )
            raise UserError(
                _(
                    "%(product)s is not a product of kind %(kinds)s.",
                    product=getattr(product, "display_name", product),
                    kinds=" / ".join(labels[k] for k in kinds),
                )
            )
        return found

    def _telecom_open_orders(self, allow_scheduled=False):
        """The service orders not finished yet (without the scheduled ones if asked)."""
        self.ensure_one()
        orders = self.service_order_ids.filtered(lambda so: so.state in OPEN_SERVICE_ORDER_STATES)
        if allow_scheduled:
            orders = orders.filtered(lambda so: not so.scheduled)
        return orders

    def _telecom_busy(self):
        """Whether an order is under way (one scheduled for later does not count:
        the service may still be suspended or resumed before its date)."""
        self.ensure_one()
        return bool(self.open_service_order_count and self._telecom_open_orders(True))

    def _telecom_check_no_open_order(self, allow_scheduled=False):
        """Refuse a change while another one waits (suspension and resumption may
        pass a termination or move scheduled for later: ``allow_scheduled``)."""
        self.ensure_one()
        if not self.open_service_order_count:
            return
        pending = self._telecom_open_orders(allow_scheduled)
        if pending and all(pending.mapped("scheduled")):
            raise UserError(
                _(
                    "%(sub)s has service order %(order)s scheduled for %(date)s: cancel it "
                    "first to change anything else before then.",
                    sub=self.name,
                    order=", ".join(pending.mapped("name")),
                    date=min(pending.mapped("requested_date")),
                )
            )
        if pending:
            raise UserError(
                _(
                    "%(sub)s waits for service order %(order)s: finish or cancel it first.",
                    sub=self.name,
                    order=", ".join(pending.mapped("name")),
                )
            )

    def _telecom_last_state_date(self):
        """Date of the last state change: later ones cannot be dated before it."""
        self.ensure_one()
        dates = [
            event.date
            for event in self.event_ids
            if event.type in ("activate", "suspend", "resume", "terminate")
        ]
        if self.activation_date:
            dates.append(self.activation_date)
        return max(dates) if dates else None

    def _telecom_check_open(self, date, allow_scheduled=False):
        """Common checks: no order waiting, not terminated, date not backwards."""
        self.ensure_one()
        self._telecom_check_no_open_order(allow_scheduled)
        if self.state == "terminated":
            raise UserError(
                _("%(sub)s is terminated: a terminated service cannot change.", sub=self.name)
            )
        last = self._telecom_last_state_date()
        if last and date < last:
            raise ValidationError(
                _(
                    "%(sub)s: dates cannot go backwards (%(date)s is before the last change "
                    "on %(last)s).",
                    sub=self.name,
                    date=date,
                    last=last,
                )
            )

    def _telecom_check_can_suspend(self, date):
        self._telecom_check_open(date, allow_scheduled=True)
        self._telecom_check_state("suspend")

    def _telecom_check_can_resume(self, date):
        self.ensure_one()
        if self.state == "terminated":
            raise UserError(
                _("%(sub)s is terminated: a terminated service cannot resume.", sub=self.name)
            )
        self._telecom_check_open(date, allow_scheduled=True)
        self._telecom_check_state("resume")
        if self.suspend_reason == "fraud" and not self.env.user.has_group(
            "telecom_crm.group_telecom_manager"
        ):
            raise AccessError(
                _("%(sub)s was suspended for fraud: only a manager may resume it.", sub=self.name)
            )

    def _telecom_check_can_terminate(self, date):
        self._telecom_check_open(date)
        if self.state not in ("pending", "active", "suspended"):
            raise UserError(
                _(
                    "%(sub)s is %(state)s: a draft is deleted, not terminated.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )

    def _telecom_check_can_change_plan(self, plan, date):
        self._telecom_check_open(date)
        self._telecom_check_state("change_plan")
        current = self._telecom_plan_line_at(date)
        if not current:
            raise UserError(_("%(sub)s has no plan on %(date)s.", sub=self.name, date=date))
        if current.product_id == plan:
            raise UserError(_("%(sub)s is already on %(plan)s.", sub=self.name, plan=plan.name))
        if date <= current.date_start:
            raise ValidationError(
                _(
                    "%(sub)s: dates cannot go backwards: the current plan started on "
                    "%(start)s, so a change takes effect the day after at the earliest.",
                    sub=self.name,
                    start=current.date_start,
                )
            )
        scheduled = self.line_ids.filtered(
            lambda line: (
                line.kind == "plan"
                and line.date_start > date
                and line.product_id != current.product_id
            )
        )
        if scheduled:
            raise ValidationError(
                _(
                    "%(sub)s: dates cannot go backwards: a change to %(plan)s is already "
                    "scheduled from %(start)s.",
                    sub=self.name,
                    plan=scheduled[:1].product_id.name,
                    start=scheduled[:1].date_start,
                )
            )
        old_tech = current.product_id.telecom_technology
        new_tech = self._telecom_plan_of(plan).telecom_technology
        if old_tech and new_tech and old_tech != new_tech:
            raise UserError(
                _(
                    "%(sub)s: a %(old)s service cannot change to a %(new)s plan; "
                    "order a new service instead.",
                    sub=self.name,
                    old=old_tech,
                    new=new_tech,
                )
            )

    def _telecom_check_can_add_addon(self, product, date, quantity):
        self._telecom_check_open(date)
        if self.state != "active":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: add-ons go on active services only.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
        if quantity <= 0:
            raise UserError(_("An add-on needs a positive quantity."))
        plan = self._telecom_plan_line_at(date)
        if not plan:
            raise UserError(_("%(sub)s has no plan on %(date)s.", sub=self.name, date=date))
        if date < plan.date_start:
            raise ValidationError(
                _("%(sub)s: an add-on cannot start before the plan.", sub=self.name)
            )
        tech = product.telecom_technology
        if tech and plan.product_id.telecom_technology not in (False, tech):
            raise UserError(
                _(
                    "%(addon)s is for %(tech)s services; %(sub)s is not one.",
                    addon=product.name,
                    tech=tech,
                    sub=self.name,
                )
            )
        if self.line_ids.filtered(
            lambda line: line.product_id == product and line._telecom_covers(date)
        ):
            raise UserError(_("%(sub)s already has %(addon)s.", sub=self.name, addon=product.name))

    def _telecom_check_can_remove_addon(self, product, date):
        self._telecom_check_open(date)
        line = self._telecom_addon_line(product, date)
        if not line:
            raise UserError(
                _("%(sub)s has no add-on %(addon)s to remove.", sub=self.name, addon=product.name)
            )
        if date <= line.date_start:
            raise ValidationError(
                _(
                    "%(sub)s: dates cannot go backwards: %(addon)s started on %(start)s.",
                    sub=self.name,
                    addon=product.name,
                    start=line.date_start,
                )
            )
