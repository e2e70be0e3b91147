# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service instance: one mobile line, fibre access or SIP trunk.

``telecom.subscription`` is split by concern into four files loaded in order,
one class each (``_inherit`` extensions of the model declared here):

- ``telecom_subscription.py`` (here): the model, its fields, computes,
  constraints and the create/write guards of what only the lifecycle changes;
- ``telecom_subscription_actions.py``: the lifecycle actions (``action_activate``,
  ``action_suspend``, ``action_resume``, ``action_terminate``,
  ``action_change_plan``, ``action_add_addon``, ``action_remove_addon``,
  ``action_move``) and the service orders they submit;
- ``telecom_subscription_checks.py``: validation of what an action asks;
- ``telecom_subscription_changes.py``: change application
  (``_telecom_apply_<action>``), line and price helpers, price changes.

An action validates what the user asks, then creates and submits a
``telecom.service.order``. Nothing changes on the subscription until that
service order is done: ``telecom.service.order.action_done`` calls the matching
``_telecom_apply_<action>``, which validates again (the network may answer days
later) and applies the change.

Dates: an effective date is the first day of the new situation (a plan change
on the 15th closes the old plan line on the 14th), except the termination
date, which is the last day of service (lines end on it).
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .identifiers import E164, IMSI, iccid_problem
from .sequence import assign_sequence_names

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
