# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service instance: one mobile line, fibre access or SIP trunk.

Lifecycle actions (``action_suspend``, ``action_resume``, ``action_terminate``,
``action_change_plan``, ``action_add_addon``, ``action_remove_addon``,
``action_move``, ``action_activate``) validate what the user asks, then create
and submit a ``telecom.service.order``. Nothing changes on the subscription
until that service order is done: ``telecom.service.order.action_done`` calls
the matching ``_telecom_apply_<action>`` here, which validates again (the
network may answer days later) and applies the change.

Dates: an effective date is the first day of the new situation (a plan change
on the 15th closes the old plan line on the 14th), except the termination
date, which is the last day of service (lines end on it).
"""

import re
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .identifiers import iccid_problem
from .sequence import assign_sequence_names

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
IMSI = re.compile(r"^\d{14,15}$")

SUSPEND_REASONS = [
    ("non_payment", "Non-payment"),
    ("customer_request", "Customer request"),
    ("fraud", "Fraud"),
    ("other", "Other"),
]
OPEN_SERVICE_ORDER_STATES = ("draft", "submitted", "in_progress")
# what the lifecycle owns: only the service orders' apply methods change it
LIFECYCLE_FIELDS = (
    "state",
    "suspend_reason",
    "activation_date",
    "commitment_end_date",
    "suspension_date",
    "termination_date",
    "termination_reason_id",
    "etf_waived",
)
# set by hand on a draft; on a live subscription they change through orders only
CUSTOMER_FIELDS = ("partner_id", "billing_account_id", "company_id")
# who changes subscriptions (their write access): the lifecycle actions are theirs
LIFECYCLE_GROUPS = (
    "telecom_crm.group_telecom_sales",
    "telecom_crm.group_telecom_care",
    "telecom_crm.group_telecom_billing",
)


class TelecomSubscription(models.Model):
    _name = "telecom.subscription"
    _description = "Telecom subscription"
    _inherit = ("mail.thread", "mail.activity.mixin", "portal.mixin")
    _order = "id desc"
    _check_company_auto = True
    _rec_names_search = ("name", "phone_number", "ref", "circuit_id", "username", "sim_iccid")

    name = fields.Char(
        string="Number",
        required=True,
        copy=False,
        readonly=True,
        index="trigram",
        default=lambda self: _("New"),
    )
    ref = fields.Char(
        string="External Reference",
        copy=False,
        index="btree_not_null",
        help="The subscription's id in an integrator's system.",
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="restrict",
        domain="[('parent_id', '=', False)]",
    )
    billing_account_id = fields.Many2one(
        "telecom.billing.account",
        compute="_compute_billing_account_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
        domain="[('partner_id', '=', partner_id), ('state', '!=', 'closed')]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(
        related="billing_account_id.currency_id", store=True, string="Currency"
    )
    line_ids = fields.One2many(
        "telecom.subscription.line", "subscription_id", string="Lines", copy=False
    )
    plan_id = fields.Many2one(
        "product.product",
        compute="_compute_plan_id",
        store=True,
        index=True,
        tracking=True,
    )
    technology = fields.Selection(related="plan_id.telecom_technology", store=True)
    recurring_price = fields.Monetary(
        compute="_compute_recurring_price",
        currency_field="currency_id",
        help="Sum of the open lines (plan and add-ons) per their period.",
    )
    # service identifiers
    phone_number = fields.Char(
        index=True, tracking=True, help="E.164: a plus sign and digits, e.g. +32470123456."
    )
    port_in = fields.Boolean(
        string="Number Ported In",
        copy=False,
        tracking=True,
        help="The phone number came from another operator (a port-in), not from our pools.",
    )
    sim_iccid = fields.Char(string="SIM ICCID", index="btree_not_null", tracking=True)
    imsi = fields.Char(string="IMSI", index="btree_not_null")
    circuit_id = fields.Char(string="Circuit ID", index="btree_not_null", tracking=True)
    username = fields.Char(index="btree_not_null", tracking=True)
    installation_partner_id = fields.Many2one(
        "res.partner", string="Installation Address", tracking=True, ondelete="restrict"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("pending", "Pending Activation"),
            ("active", "Active"),
            ("suspended", "Suspended"),
            ("terminated", "Terminated"),
        ],
        required=True,
        default="draft",
        tracking=True,
        copy=False,
        index=True,
        group_expand=True,
    )
    suspend_reason = fields.Selection(SUSPEND_REASONS, tracking=True, copy=False)
    activation_date = fields.Date(tracking=True, copy=False)
    commitment_end_date = fields.Date(tracking=True, copy=False)
    suspension_date = fields.Date(tracking=True, copy=False)
    termination_date = fields.Date(
        tracking=True, copy=False, help="Last day of service; lines end on it."
    )
    termination_reason_id = fields.Many2one(
        "telecom.reason.code",
        tracking=True,
        copy=False,
        domain="[('kind', '=', 'termination')]",
        ondelete="restrict",
    )
    etf_waived = fields.Boolean(string="ETF Waived", tracking=True, copy=False)
    event_ids = fields.One2many("telecom.subscription.event", "subscription_id", string="Events")
    service_order_ids = fields.One2many(
        "telecom.service.order", "subscription_id", string="Service Orders"
    )
    charge_ids = fields.One2many("telecom.charge", "subscription_id", string="Charges")
    sale_order_id = fields.Many2one("sale.order", string="Origin Order", copy=False, index=True)
    open_service_order_count = fields.Integer(compute="_compute_open_service_order_count")
    scheduled_change = fields.Char(
        compute="_compute_scheduled_change",
        help="The termination or move ordered for a later date, waiting for it.",
    )
    note = fields.Html()

    # -- computes ------------------------------------------------------------
    @api.depends("partner_id")
    def _compute_billing_account_id(self):
        """The customer's account when it has exactly one open account."""
        for sub in self:
            account = sub.billing_account_id
            if account and account.partner_id == sub.partner_id:
                sub.billing_account_id = account
                continue
            accounts = sub.partner_id.telecom_billing_account_ids.filtered(
                lambda acc: acc.state != "closed"
            )
            sub.billing_account_id = accounts if len(accounts) == 1 else False

    @api.depends("line_ids.kind", "line_ids.product_id", "line_ids.date_start", "line_ids.date_end")
    def _compute_plan_id(self):
        for sub in self:
            plans = sub.line_ids.filtered(lambda line: line.kind == "plan")
            current = plans.filtered(lambda line: not line.date_end) or plans
            current = current.sorted(lambda line: (line.date_start or fields.Date.today(), line.id))
            sub.plan_id = current[-1:].product_id

    @api.depends(
        "line_ids.price_unit", "line_ids.quantity", "line_ids.date_end", "line_ids.date_start"
    )
    @api.depends_context("date")
    def _compute_recurring_price(self):
        today = fields.Date.context_today(self)
        for sub in self:
            total = sum(
                (line.price_subtotal for line in sub.line_ids if line._telecom_covers(today)),
                0.0,
            )
            sub.recurring_price = sub.currency_id.round(total) if sub.currency_id else total

    @api.depends("service_order_ids.state")
    def _compute_open_service_order_count(self):
        counts = {
            sub.id: count
            for sub, count in self.env["telecom.service.order"]._read_group(
                [("subscription_id", "in", self.ids), ("state", "in", OPEN_SERVICE_ORDER_STATES)],
                ["subscription_id"],
                ["__count"],
            )
        }
        for sub in self:
            sub.open_service_order_count = counts.get(sub.id, 0)

    @api.depends("service_order_ids.state", "service_order_ids.requested_date")
    @api.depends_context("tz")
    def _compute_scheduled_change(self):
        # read on subscriptions the user may read: their orders' dates may be shown
        # (the portal shows them to the customer, who cannot read service orders)
        scheduled = (
            self.env["telecom.service.order"]
            .sudo()
            .search(
                [("subscription_id", "in", self.ids), ("scheduled", "=", True)],
                order="requested_date, id",
            )
        )
        labels = dict(scheduled._fields["action"]._description_selection(self.env))
        text = {}
        for order in scheduled:
            text.setdefault(order.subscription_id.id, []).append(
                _(
                    "%(action)s on %(date)s (%(order)s)",
                    action=labels[order.action],
                    date=order.requested_date,
                    order=order.name,
                )
            )
        for sub in self:
            sub.scheduled_change = "; ".join(text.get(sub.id, [])) or False

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for sub in self:
            sub.access_url = f"/my/subscriptions/{sub.id}"
        return result

    @api.depends("name", "phone_number", "circuit_id", "username", "plan_id")
    def _compute_display_name(self):
        for sub in self:
            ident = sub.phone_number or sub.circuit_id or sub.username
            sub.display_name = f"{sub.name} ({ident})" if ident else (sub.name or "")

    # -- constraints -----------------------------------------------------------
    @api.constrains("partner_id", "billing_account_id")
    def _check_billing_account(self):
        for sub in self:
            if sub.billing_account_id.partner_id != sub.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "%(sub)s: billing account %(account)s belongs to another customer.",
                        sub=sub.name,
                        account=sub.billing_account_id.name,
                    )
                )
            if sub.partner_id != sub.partner_id.commercial_partner_id:
                raise ValidationError(
                    _(
                        "%(sub)s: the customer is the company or person itself, not a contact.",
                        sub=sub.name,
                    )
                )

    @api.constrains("phone_number", "sim_iccid", "imsi", "state")
    def _check_identifiers(self):
        for sub in self:
            if sub.phone_number and not E164.match(sub.phone_number):
                raise ValidationError(
                    _(
                        "%(sub)s: phone number %(number)s is not in E.164 form "
                        "(a plus sign, the country code and up to 15 digits, no spaces).",
                        sub=sub.name,
                        number=sub.phone_number,
                    )
                )
            problem = sub.sim_iccid and iccid_problem(self.env, sub.sim_iccid)
            if problem:
                raise ValidationError(_("%(sub)s: %(problem)s", sub=sub.name, problem=problem))
            if sub.imsi and not IMSI.match(sub.imsi):
                raise ValidationError(_("%(sub)s: an IMSI has 14 or 15 digits.", sub=sub.name))
        # one live subscription per phone number and per SIM (one query per batch)
        live = self.filtered(lambda s: s.state != "terminated")
        for fname, label in (("phone_number", _("phone number")), ("sim_iccid", _("SIM"))):
            values = [v for v in live.mapped(fname) if v]
            if not values:
                continue
            if len(values) != len(set(values)):
                raise ValidationError(
                    _("The same %(what)s is given to two subscriptions.", what=label)
                )
            clash = self.sudo().search(
                [(fname, "in", values), ("state", "!=", "terminated"), ("id", "not in", self.ids)],
                limit=1,
            )
            if clash:
                raise ValidationError(
                    _(
                        "%(what)s %(value)s is already used by subscription %(other)s.",
                        what=label,
                        value=clash[fname],
                        other=clash.name,
                    )
                )

    @api.constrains("activation_date", "commitment_end_date", "termination_date")
    def _check_dates(self):
        for sub in self:
            if (
                sub.activation_date
                and sub.commitment_end_date
                and sub.commitment_end_date < sub.activation_date
            ):
                raise ValidationError(
                    _("%(sub)s: the commitment ends before the activation.", sub=sub.name)
                )
            if (
                sub.activation_date
                and sub.termination_date
                and sub.termination_date < sub.activation_date
            ):
                raise ValidationError(
                    _("%(sub)s: the termination is before the activation.", sub=sub.name)
                )

    # -- CRUD ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        self.check_access("create")
        if not self.env.su:
            for vals in vals_list:
                if vals.get("state", "draft") != "draft" or any(
                    vals.get(fname) for fname in LIFECYCLE_FIELDS if fname != "state"
                ):
                    raise UserError(
                        _(
                            "A subscription starts as a draft: its state and dates come "
                            "from its activation and later actions."
                        )
                    )
        accounts = self.env["telecom.billing.account"].browse(
            [vals["billing_account_id"] for vals in vals_list if vals.get("billing_account_id")]
        )
        accounts._telecom_check_usable()
        assign_sequence_names(self.env, vals_list, "telecom.subscription", (_("New"),))
        return super().create(vals_list)

    def write(self, vals):
        # the lifecycle (service orders) writes these as superuser after checking
        # its caller: no context key lets an RPC caller through
        if vals and not self.env.su:
            self.check_access("write")
            lifecycle = [fname for fname in LIFECYCLE_FIELDS if fname in vals]
            if lifecycle and self._telecom_changes(vals, lifecycle):
                raise UserError(
                    _(
                        "The state and the dates of a subscription change through its "
                        "actions (activate, suspend, resume, terminate...), not by hand."
                    )
                )
            protected = [fname for fname in CUSTOMER_FIELDS if fname in vals]
            for sub in self.filtered(lambda s: s.state != "draft"):
                if protected and sub._telecom_changes(vals, protected):
                    raise UserError(
                        _(
                            "%(sub)s is no longer a draft: its customer, billing account and "
                            "company change through orders only.",
                            sub=sub.name,
                        )
                    )
        if vals.get("billing_account_id"):
            self.env["telecom.billing.account"].browse(
                vals["billing_account_id"]
            )._telecom_check_usable()
        return super().write(vals)

    def _telecom_changes(self, vals, fnames):
        """Whether writing ``vals`` changes one of ``fnames`` on one of the records."""
        for sub in self:
            for fname in fnames:
                field = self._fields[fname]
                new = field.convert_to_record(field.convert_to_cache(vals[fname], sub), sub)
                if new != sub[fname]:
                    return True
        return False

    def _telecom_lifecycle_write(self, vals):
        """The lifecycle's own write of what ``write`` protects (state, dates,
        customer): the caller's write access is checked, then the write runs as
        superuser. Only private code paths that checked their caller call this."""
        self.check_access("write")
        return self.sudo().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_not_draft(self):
        for sub in self:
            if sub.state != "draft":
                raise UserError(
                    _(
                        "%(sub)s is not a draft: terminate it instead of deleting it.",
                        sub=sub.name,
                    )
                )

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

    # -- validation helpers ----------------------------------------------------
    def _telecom_state_label(self):
        return dict(self._fields["state"]._description_selection(self.env)).get(self.state)

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
        if self.state != "active":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: only an active service can be suspended.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )

    def _telecom_check_can_resume(self, date):
        self.ensure_one()
        if self.state == "terminated":
            raise UserError(
                _("%(sub)s is terminated: a terminated service cannot resume.", sub=self.name)
            )
        self._telecom_check_open(date, allow_scheduled=True)
        if self.state != "suspended":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: only a suspended service can resume.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
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
        if self.state != "active":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: only an active service changes plan.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
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
        if self.state != "active":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: only an active service can be suspended.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
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
        if self.state != "suspended":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: only a suspended service can resume.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
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
        if self.state != "active":
            raise UserError(
                _(
                    "%(sub)s is %(state)s: only an active service changes plan.",
                    sub=self.name,
                    state=self._telecom_state_label(),
                )
            )
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
