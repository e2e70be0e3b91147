# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Telecom orders: confirming one changes subscriptions through service orders.

Order kinds and what confirmation does:

- ``new``: each plan or bundle line creates ``quantity`` subscriptions (draft,
  then pending with an activation service order). Add-on lines and rented
  equipment that follow a plan line go on the subscriptions of that line;
  one-time fees and sold equipment become ``telecom.charge`` records.
- ``plan_change``: each plan/bundle line names its ``telecom_subscription_id``.
- ``addon``: add-on lines name their subscription (one service order per
  subscription, however many add-ons it gets).
- ``suspension``, ``resumption``, ``termination``, ``move``: the affected
  subscriptions are ``telecom_subscription_ids`` (and any line's subscription).

Telecom lines are never invoiced by sale's own flow: the bill runs of
telecom_billing charge recurring fees from subscription lines and one-time
fees from charges.
"""

from markupsafe import Markup, escape

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .identifiers import iccid_problem
from .telecom_subscription import SUSPEND_REASONS

ORDER_KINDS = [
    ("new", "New service"),
    ("plan_change", "Plan change"),
    ("addon", "Add-on"),
    ("suspension", "Suspension"),
    ("resumption", "Resumption"),
    ("termination", "Termination"),
    ("move", "Move"),
]
LIFECYCLE_KINDS = ("suspension", "resumption", "termination", "move")
#: services one order line may create: beyond is a mistake (or an attack), not a sale
MAX_LINE_QUANTITY = 1_000


class SaleOrder(models.Model):
    _inherit = "sale.order"

    telecom_order_kind = fields.Selection(
        ORDER_KINDS, string="Telecom Order", index="btree_not_null", tracking=True, copy=True
    )
    telecom_customer_id = fields.Many2one(
        "res.partner",
        compute="_compute_telecom_customer_id",
        store=True,
        index=True,
    )
    telecom_billing_account_id = fields.Many2one(
        "telecom.billing.account",
        string="Billing Account",
        compute="_compute_telecom_billing_account_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        tracking=True,
        domain="[('partner_id', '=', telecom_customer_id), ('state', '!=', 'closed')]",
    )
    telecom_effective_date = fields.Date(
        string="Effective Date",
        default=fields.Date.context_today,
        copy=False,
        help="First day of the change: requested activation for new services, first day "
        "on the new plan, day of the suspension... (for a termination: the last day).",
    )
    telecom_subscription_ids = fields.Many2many(
        "telecom.subscription",
        string="Affected Subscriptions",
        domain="[('partner_id', '=', telecom_customer_id), ('state', '!=', 'terminated')]",
        copy=False,
    )
    telecom_suspend_reason = fields.Selection(SUSPEND_REASONS, string="Suspension Reason")
    telecom_reason_id = fields.Many2one(
        "telecom.reason.code",
        string="Termination Reason",
        domain="[('kind', '=', 'termination')]",
    )
    telecom_waive_etf = fields.Boolean(
        string="Waive Termination Fee", help="Only a telecom manager may confirm a waiver."
    )
    telecom_move_address_id = fields.Many2one("res.partner", string="New Installation Address")
    telecom_service_order_ids = fields.One2many(
        "telecom.service.order", "sale_order_id", string="Service Orders"
    )
    telecom_service_order_count = fields.Integer(compute="_compute_telecom_counts")
    telecom_new_subscription_ids = fields.One2many(
        "telecom.subscription", "sale_order_id", string="New Subscriptions"
    )
    telecom_charge_count = fields.Integer(compute="_compute_telecom_counts")
    telecom_change_preview = fields.Html(
        string="Change Preview", compute="_compute_telecom_change_preview", sanitize=False
    )

    # -- computes ------------------------------------------------------------
    @api.depends("partner_id.commercial_partner_id")
    def _compute_telecom_customer_id(self):
        for order in self:
            order.telecom_customer_id = order.partner_id.commercial_partner_id

    @api.depends("partner_id", "telecom_order_kind")
    def _compute_telecom_billing_account_id(self):
        for order in self:
            customer = order.partner_id.commercial_partner_id
            account = order.telecom_billing_account_id
            if not order.telecom_order_kind or not customer:
                order.telecom_billing_account_id = account if order.telecom_order_kind else False
                continue
            if account and account.partner_id == customer:
                order.telecom_billing_account_id = account
                continue
            accounts = self.env["telecom.billing.account"].search(
                [("partner_id", "=", customer.id), ("state", "!=", "closed")], limit=2
            )
            order.telecom_billing_account_id = accounts if len(accounts) == 1 else False

    def _compute_telecom_counts(self):
        if not self.env["telecom.service.order"].has_access("read"):
            self.telecom_service_order_count = self.telecom_charge_count = 0
            return
        so_counts = {
            order.id: count
            for order, count in self.env["telecom.service.order"]._read_group(
                [("sale_order_id", "in", self.ids)], ["sale_order_id"], ["__count"]
            )
        }
        charge_counts = {
            line.order_id.id: count
            for line, count in self.env["telecom.charge"]._read_group(
                [("sale_line_id.order_id", "in", self.ids)], ["sale_line_id"], ["__count"]
            )
        }
        for order in self:
            order.telecom_service_order_count = so_counts.get(order.id, 0)
            order.telecom_charge_count = charge_counts.get(order.id, 0)

    @api.depends(
        "telecom_order_kind",
        "telecom_effective_date",
        "order_line.product_id",
        "order_line.telecom_subscription_id",
    )
    def _compute_telecom_change_preview(self):
        for order in self:
            order.telecom_change_preview = False
            if order.telecom_order_kind != "plan_change":
                continue
            rows = []
            for line in order.order_line:
                sub = line.telecom_subscription_id
                if not sub or line.product_id.telecom_kind not in ("plan", "bundle"):
                    continue
                try:
                    preview = sub._origin._telecom_change_preview(
                        line.product_id, order.telecom_effective_date
                    )
                except UserError as exc:
                    rows.append(
                        Markup("<tr><td>%s</td><td colspan='7' class='text-danger'>%s</td></tr>")
                        % (sub.name, exc.args[0])
                    )
                    continue
                rows.append(order._telecom_preview_row(sub, preview))
            if rows:
                order.telecom_change_preview = order._telecom_preview_table(rows)

    def _telecom_preview_row(self, sub, preview):
        amount = preview["amount"]
        amount_txt = (
            escape(f"{amount:.2f} {preview['currency']}")
            if amount is not None
            else escape(_("computed by billing"))
        )
        policies = dict(
            self.env["product.template"]
            ._fields["telecom_proration_policy"]
            ._description_selection(self.env)
        )
        return Markup(
            "<tr><td>%s</td><td>%s → %s</td><td class='text-end'>%s → %s</td>"
            "<td class='text-end'>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>"
        ) % (
            sub.name,
            preview["old_plan_name"],
            preview["new_plan_name"],
            f"{preview['old_price']:.2f}",
            f"{preview['new_price']:.2f}",
            f"{preview['price_difference']:+.2f} {preview['currency']}",
            preview["period"],
            policies.get(preview["proration_policy"], preview["proration_policy"]),
            fields.Date.to_string(preview["effective_date"]),
            amount_txt,
        )

    def _telecom_preview_table(self, rows):
        head = [
            _("Subscription"),
            _("Plan"),
            _("Price per period"),
            _("Difference"),
            _("Period"),
            _("Proration"),
            _("Effective"),
            _("This period"),
        ]
        return (
            Markup("<table class='table table-sm o_telecom_preview'><thead><tr>")
            + Markup("").join(Markup("<th>%s</th>") % h for h in head)
            + Markup("</tr></thead><tbody>")
            + Markup("").join(rows)
            + Markup("</tbody></table>")
        )

    # -- confirmation ----------------------------------------------------------
    def _confirmation_error_message(self):
        message = super()._confirmation_error_message()
        if message or not self.telecom_order_kind:
            return message
        try:
            self._telecom_check_confirmable()
        except (UserError, AccessError) as exc:
            return exc.args[0]
        return False

    def _telecom_lines(self):
        self.ensure_one()
        return self.order_line.filtered(
            lambda line: not line.display_type and line.product_id.telecom_kind
        ).sorted(lambda line: (line.sequence, line.id))

    def _telecom_affected_subscriptions(self):
        self.ensure_one()
        return self.telecom_subscription_ids | self.order_line.telecom_subscription_id

    def _telecom_check_confirmable(self):
        """Refuse an order whose confirmation could not be applied in full."""
        self.ensure_one()
        account = self.telecom_billing_account_id
        customer = self.partner_id.commercial_partner_id
        if not account:
            raise UserError(_("%(order)s: choose the billing account.", order=self.name))
        if account.partner_id != customer:
            raise UserError(
                _(
                    "%(order)s: billing account %(account)s belongs to another customer.",
                    order=self.name,
                    account=account.name,
                )
            )
        account._telecom_check_usable()
        if account.currency_id != self.currency_id:
            raise UserError(
                _(
                    "%(order)s is in %(order_cur)s but the billing account bills in "
                    "%(account_cur)s.",
                    order=self.name,
                    order_cur=self.currency_id.name,
                    account_cur=account.currency_id.name,
                )
            )
        subs = self._telecom_affected_subscriptions()
        if subs.filtered(lambda s: s.partner_id != customer):
            raise UserError(
                _("%(order)s names subscriptions of another customer.", order=self.name)
            )
        if subs.filtered(lambda s: s.billing_account_id != account):
            raise UserError(
                _(
                    "%(order)s names subscriptions of another billing account than %(account)s.",
                    order=self.name,
                    account=account.name,
                )
            )
        date = self.telecom_effective_date or fields.Date.context_today(self)
        getattr(self, f"_telecom_check_{self.telecom_order_kind}")(date)

    def _telecom_check_new(self, date):
        lines = self._telecom_lines()
        if not lines.filtered(lambda line: line.product_id.telecom_kind in ("plan", "bundle")):
            raise UserError(_("%(order)s: a new service needs a plan or bundle.", order=self.name))
        seen_plan = False
        for line in lines:
            kind = line.product_id.telecom_kind
            if kind == "tariff":
                raise UserError(
                    _("%(product)s is a tariff reference, not for sale.", product=line.name)
                )
            if kind in ("plan", "bundle"):
                seen_plan = True
                qty = line.product_uom_qty
                if qty < 1 or qty != int(qty):
                    raise UserError(
                        _("%(line)s: order a whole number of services.", line=line.name)
                    )
                if qty > MAX_LINE_QUANTITY:
                    raise UserError(
                        _(
                            "%(line)s: at most %(max)s services per order line, not %(qty)s.",
                            line=line.name,
                            max=MAX_LINE_QUANTITY,
                            qty=int(qty),
                        )
                    )
                if qty > 1 and line._telecom_identifiers():
                    raise UserError(
                        _(
                            "%(line)s: service identifiers go on lines of quantity 1.",
                            line=line.name,
                        )
                    )
            elif kind == "addon" and not seen_plan:
                raise UserError(
                    _(
                        "%(line)s: put add-ons after the plan line they belong to.",
                        line=line.name,
                    )
                )
            if line.telecom_subscription_id:
                raise UserError(
                    _(
                        "%(line)s: a new service order does not name existing subscriptions; "
                        "use a plan change or add-on order.",
                        line=line.name,
                    )
                )

    def _telecom_check_plan_change(self, date):
        plan_lines = self._telecom_lines().filtered(
            lambda line: line.product_id.telecom_kind in ("plan", "bundle")
        )
        if not plan_lines:
            raise UserError(_("%(order)s: give the new plan.", order=self.name))
        subs = plan_lines.telecom_subscription_id
        if len(subs) != len(plan_lines) or not all(plan_lines.mapped("telecom_subscription_id")):
            raise UserError(
                _("%(order)s: each plan line names one subscription, once.", order=self.name)
            )
        for line in plan_lines:
            line.telecom_subscription_id._telecom_check_can_change_plan(line.product_id, date)
        self._telecom_check_other_lines(
            self._telecom_lines() - plan_lines, allowed=("one_time", "equipment")
        )

    def _telecom_check_addon(self, date):
        addon_lines = self._telecom_lines().filtered(
            lambda line: line.product_id.telecom_kind == "addon"
        )
        if not addon_lines:
            raise UserError(_("%(order)s: give the add-ons.", order=self.name))
        for line in addon_lines:
            if not line.telecom_subscription_id:
                raise UserError(
                    _("%(line)s: name the subscription the add-on is for.", line=line.name)
                )
            line.telecom_subscription_id._telecom_check_can_add_addon(
                line.product_id, date, line.product_uom_qty
            )
        self._telecom_check_other_lines(
            self._telecom_lines() - addon_lines, allowed=("one_time", "equipment")
        )

    def _telecom_check_lifecycle(self, date, check):
        subs = self._telecom_affected_subscriptions()
        if not subs:
            raise UserError(_("%(order)s: choose the affected subscriptions.", order=self.name))
        for sub in subs:
            check(sub)
        self._telecom_check_other_lines(self._telecom_lines(), allowed=("one_time",))

    def _telecom_check_suspension(self, date):
        if not self.telecom_suspend_reason:
            raise UserError(_("%(order)s: give the suspension reason.", order=self.name))
        if date > fields.Date.context_today(self):
            raise UserError(_("A suspension takes effect at once: its date cannot be ahead."))
        self._telecom_check_lifecycle(date, lambda sub: sub._telecom_check_can_suspend(date))

    def _telecom_check_resumption(self, date):
        if date > fields.Date.context_today(self):
            raise UserError(_("A resumption takes effect at once: its date cannot be ahead."))
        self._telecom_check_lifecycle(date, lambda sub: sub._telecom_check_can_resume(date))

    def _telecom_check_termination(self, date):
        if self.telecom_waive_etf and not self.env.user.has_group(
            "telecom_crm.group_telecom_manager"
        ):
            raise AccessError(_("Only a telecom manager may waive an early termination fee."))
        self._telecom_check_lifecycle(date, lambda sub: sub._telecom_check_can_terminate(date))

    def _telecom_check_move(self, date):
        if not self.telecom_move_address_id:
            raise UserError(_("%(order)s: give the new installation address.", order=self.name))

        def check(sub):
            sub._telecom_check_open(date)
            if sub.state not in ("active", "suspended"):
                raise UserError(_("%(sub)s: only a live service can move.", sub=sub.name))

        self._telecom_check_lifecycle(date, check)

    def _telecom_check_other_lines(self, lines, allowed):
        for line in lines:
            if line.product_id.telecom_kind not in allowed:
                raise UserError(
                    _(
                        "%(line)s does not belong on a %(kind)s order.",
                        line=line.name,
                        kind=dict(ORDER_KINDS)[self.telecom_order_kind],
                    )
                )

    def _action_confirm(self):
        result = super()._action_confirm()
        for order in self.filtered("telecom_order_kind"):
            order.with_context(telecom_sale_order_id=order.id)._telecom_apply_confirmation()
        return result

    def _telecom_apply_confirmation(self):
        self.ensure_one()
        date = self.telecom_effective_date or fields.Date.context_today(self)
        if not self.telecom_effective_date:
            self.telecom_effective_date = date
        getattr(self, f"_telecom_confirm_{self.telecom_order_kind}")(date)

    def _telecom_confirm_new(self, date):
        Subscription = self.env["telecom.subscription"]
        created = Subscription
        group = Subscription  # the subscriptions of the last plan line
        pending_lines = []
        for line in self._telecom_lines():
            kind = line.product_id.telecom_kind
            if kind in ("plan", "bundle"):
                group = Subscription.create(
                    [
                        line._telecom_subscription_values(date)
                        for _i in range(int(line.product_uom_qty))
                    ]
                )
                for sub in group:
                    sub._telecom_create_product_lines(
                        line.product_id,
                        date,
                        line._telecom_frozen_price(),
                        line._telecom_price_version(date).id,
                        sale_line=line,
                    )
                created |= group
            elif kind == "addon" or (
                kind == "equipment" and line.product_id.telecom_recurring_period
            ):
                for sub in group:
                    self.env["telecom.subscription.line"].create(
                        {
                            "subscription_id": sub.id,
                            "product_id": line.product_id.id,
                            "kind": kind,
                            "quantity": line.product_uom_qty,
                            "price_unit": line._telecom_frozen_price(),
                            "price_version_id": line._telecom_price_version(date).id,
                            "date_start": date,
                            "sale_line_id": line.id,
                        }
                    )
            else:
                pending_lines.append((line, group))
        for line, subs in pending_lines:
            line._telecom_create_charge(subs if len(subs) == 1 else False, date)
        created.action_activate(date)

    def _telecom_confirm_plan_change(self, date):
        lines = self._telecom_lines()
        for line in lines.filtered(lambda ln: ln.product_id.telecom_kind in ("plan", "bundle")):
            line.telecom_subscription_id.action_change_plan(
                line.product_id, date, price_unit=line._telecom_frozen_price()
            )
            lines -= line
        self._telecom_charge_lines(lines, date)

    def _telecom_confirm_addon(self, date):
        lines = self._telecom_lines()
        addon_lines = lines.filtered(lambda ln: ln.product_id.telecom_kind == "addon")
        for sub in addon_lines.telecom_subscription_id:
            addons = [
                {
                    "product_id": line.product_id.id,
                    "quantity": line.product_uom_qty,
                    "price_unit": line._telecom_frozen_price(),
                    "price_version_id": line._telecom_price_version(date).id or False,
                    "sale_line_id": line.id,
                }
                for line in addon_lines.filtered(lambda ln, s=sub: ln.telecom_subscription_id == s)
            ]
            sub._telecom_submit(
                "add_addon", {"date": fields.Date.to_string(date), "addons": addons}, date
            )
        self._telecom_charge_lines(lines - addon_lines, date)

    def _telecom_confirm_suspension(self, date):
        self._telecom_affected_subscriptions().action_suspend(
            self.telecom_suspend_reason, date, note=self.name
        )
        self._telecom_charge_lines(self._telecom_lines(), date)

    def _telecom_confirm_resumption(self, date):
        self._telecom_affected_subscriptions().action_resume(date, note=self.name)
        self._telecom_charge_lines(self._telecom_lines(), date)

    def _telecom_confirm_termination(self, date):
        self._telecom_affected_subscriptions().action_terminate(
            date, self.telecom_reason_id, waive_etf=self.telecom_waive_etf, note=self.name
        )
        self._telecom_charge_lines(self._telecom_lines(), date)

    def _telecom_confirm_move(self, date):
        self._telecom_affected_subscriptions().action_move(self.telecom_move_address_id, date)
        self._telecom_charge_lines(self._telecom_lines(), date)

    def _telecom_charge_lines(self, lines, date):
        subs = self._telecom_affected_subscriptions()
        for line in lines:
            sub = line.telecom_subscription_id or (subs if len(subs) == 1 else False)
            line._telecom_create_charge(sub, date)

    # -- actions ---------------------------------------------------------------
    def action_view_telecom_service_orders(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_crm.telecom_service_order_action"
        )
        action["domain"] = [("sale_order_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_telecom_subscriptions(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_crm.telecom_subscription_action"
        )
        subs = self.telecom_new_subscription_ids | self._telecom_affected_subscriptions()
        action["domain"] = [("id", "in", subs.ids)]
        action["context"] = {}
        return action


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    telecom_kind = fields.Selection(related="product_id.telecom_kind")
    telecom_customer_id = fields.Many2one(related="order_id.telecom_customer_id")
    telecom_subscription_id = fields.Many2one(
        "telecom.subscription",
        string="Subscription",
        index="btree_not_null",
        domain="[('partner_id', '=', telecom_customer_id), ('state', '!=', 'terminated')]",
        help="The existing service the line changes.",
    )
    telecom_phone_number = fields.Char(string="Phone Number")
    telecom_sim_iccid = fields.Char(string="SIM ICCID")
    telecom_circuit_id = fields.Char(string="Circuit ID")
    telecom_username = fields.Char(string="Username")
    telecom_port_in = fields.Boolean(
        string="Port-in",
        help="The phone number comes from another operator (number portability): it is not "
        "one of our number pools. Without it, a number must come from our pools.",
    )

    @api.constrains("telecom_sim_iccid")
    def _check_telecom_sim_iccid(self):
        """The SIM of a new line: checked when it is entered, before the order."""
        for line in self.filtered("telecom_sim_iccid"):
            problem = iccid_problem(self.env, line.telecom_sim_iccid)
            if problem:
                raise ValidationError(
                    _("%(order)s: %(problem)s", order=line.order_id.name, problem=problem)
                )

    def _telecom_identifiers(self):
        self.ensure_one()
        return {
            key: value
            for key, value in (
                ("phone_number", self.telecom_phone_number),
                ("sim_iccid", self.telecom_sim_iccid),
                ("circuit_id", self.telecom_circuit_id),
                ("username", self.telecom_username),
            )
            if value
        }

    def _telecom_is_billed_by_bill_run(self):
        self.ensure_one()
        return bool(self.order_id.telecom_order_kind and self.product_id.telecom_kind)

    def _compute_qty_to_invoice(self):
        result = super()._compute_qty_to_invoice()
        for line in self:
            if line._telecom_is_billed_by_bill_run():
                line.qty_to_invoice = 0.0
        return result

    def _get_display_price(self):
        if self.product_id.telecom_kind in ("plan", "addon", "bundle") or (
            self.product_id.product_tmpl_id.telecom_price_version_ids
        ):
            date = self.order_id.telecom_effective_date or fields.Date.context_today(self)
            return self.product_id._telecom_price_amount_at(date, self.order_id.currency_id)
        return super()._get_display_price()

    def _telecom_frozen_price(self):
        """Tax-excluded unit price after discount: what the subscriber pays per period."""
        self.ensure_one()
        return self.currency_id.round(self.price_reduce_taxexcl)

    def _telecom_price_version(self, date):
        self.ensure_one()
        return self.product_id._telecom_price_at(date)

    def _telecom_subscription_values(self, date):
        self.ensure_one()
        order = self.order_id
        return {
            "partner_id": order.telecom_customer_id.id,
            "billing_account_id": order.telecom_billing_account_id.id,
            "company_id": order.company_id.id,
            "installation_partner_id": order.partner_shipping_id.id,
            "sale_order_id": order.id,
            **self._telecom_identifiers(),
            "port_in": bool(self.telecom_port_in and self.telecom_phone_number),
        }

    def _telecom_create_charge(self, subscription, date):
        self.ensure_one()
        if self.currency_id.is_zero(self.price_subtotal):
            return self.env["telecom.charge"]
        kind = "equipment" if self.product_id.telecom_kind == "equipment" else "one_time"
        if self.price_subtotal < 0:
            kind = "discount"
        order = self.order_id
        return self.env["telecom.charge"].create(
            {
                "billing_account_id": order.telecom_billing_account_id.id,
                "subscription_id": subscription.id if subscription else False,
                "product_id": self.product_id.id,
                "kind": kind,
                "description": self.name,
                "amount": self.price_subtotal,
                "currency_id": order.currency_id.id,
                "date": date,
                "origin": order.name,
                "sale_line_id": self.id,
                "company_id": order.company_id.id,
            }
        )
