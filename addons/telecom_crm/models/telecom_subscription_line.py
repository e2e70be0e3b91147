# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from itertools import pairwise

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

KIND_OF_PRODUCT = {"plan": ("plan",), "addon": ("addon",), "equipment": ("equipment",)}


class TelecomSubscriptionLine(models.Model):
    """A dated piece of a subscription: its plan, an add-on, rented equipment.

    ``price_unit`` is frozen when the line is created (from the price version in
    force on its start date, or the price it was sold at): billing prorates from
    the lines alone, and grandfathered subscribers keep their price.
    """

    _name = "telecom.subscription.line"
    _description = "Telecom subscription line"
    _order = "subscription_id, date_start, id"
    _check_company_auto = True

    subscription_id = fields.Many2one(
        "telecom.subscription", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(related="subscription_id.partner_id", store=True, index=True)
    company_id = fields.Many2one(
        related="subscription_id.company_id", store=True, index=True, string="Company"
    )
    currency_id = fields.Many2one(related="subscription_id.currency_id", store=True)
    product_id = fields.Many2one(
        "product.product",
        required=True,
        ondelete="restrict",
        check_company=True,
        domain="[('telecom_kind', 'in', ('plan', 'addon', 'equipment'))]",
    )
    name = fields.Char(
        string="Description", compute="_compute_name", store=True, readonly=False, precompute=True
    )
    kind = fields.Selection(
        [("plan", "Plan"), ("addon", "Add-on"), ("equipment", "Equipment")],
        compute="_compute_kind",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    price_unit = fields.Monetary(
        string="Price", currency_field="currency_id", help="Frozen price per period."
    )
    price_version_id = fields.Many2one(
        "telecom.price.version", ondelete="restrict", index="btree_not_null"
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit of Measure")
    price_subtotal = fields.Monetary(
        string="Subtotal", compute="_compute_price_subtotal", currency_field="currency_id"
    )
    date_start = fields.Date(required=True, default=fields.Date.context_today, index=True)
    date_end = fields.Date(index=True, help="Last day included; empty while the line runs.")
    bundle_product_id = fields.Many2one(
        "product.product", string="Bundle", ondelete="restrict", help="Sold as part of this bundle."
    )
    sale_line_id = fields.Many2one("sale.order.line", string="Order Line", index="btree_not_null")
    period = fields.Selection(related="product_id.telecom_recurring_period", string="Period")

    @api.depends("product_id")
    def _compute_name(self):
        for line in self:
            line.name = line.product_id.display_name or line.name

    @api.depends("product_id")
    def _compute_kind(self):
        for line in self:
            kind = line.product_id.telecom_kind
            line.kind = kind if kind in KIND_OF_PRODUCT else (line.kind or "plan")

    @api.depends("price_unit", "quantity", "currency_id")
    def _compute_price_subtotal(self):
        for line in self:
            subtotal = line.price_unit * line.quantity
            line.price_subtotal = line.currency_id.round(subtotal) if line.currency_id else subtotal

    @api.onchange("product_id", "date_start")
    def _onchange_product_price(self):
        """UI convenience: propose the price in force (create does the same)."""
        for line in self:
            if line.product_id and line.date_start:
                line.price_unit = line.product_id._telecom_price_amount_at(
                    line.date_start, line.currency_id or None
                )
                line.price_version_id = line.product_id._telecom_price_at(line.date_start)

    @api.constrains("date_start", "date_end", "quantity", "price_unit", "kind", "product_id")
    def _check_line(self):
        for line in self:
            if line.date_end and line.date_end < line.date_start:
                raise ValidationError(
                    _(
                        "%(sub)s: the line %(line)s ends before it starts.",
                        sub=line.subscription_id.name,
                        line=line.name,
                    )
                )
            if line.quantity <= 0:
                raise ValidationError(_("A subscription line needs a positive quantity."))
            if line.price_unit < 0:
                raise ValidationError(
                    _("A recurring price cannot be negative; discounts are charges.")
                )
            if line.product_id.telecom_kind not in KIND_OF_PRODUCT.get(line.kind, ()):
                raise ValidationError(
                    _(
                        "%(product)s is not a %(kind)s.",
                        product=line.product_id.display_name,
                        kind=line.kind,
                    )
                )
        # one plan at a time per subscription
        for sub in self.filtered(lambda line: line.kind == "plan").subscription_id:
            plans = sub.line_ids.filtered(lambda line: line.kind == "plan").sorted("date_start")
            for previous, following in pairwise(plans):
                if not previous.date_end or previous.date_end >= following.date_start:
                    raise ValidationError(
                        _(
                            "%(sub)s: two plans overlap (%(a)s and %(b)s); a plan change ends "
                            "the old plan the day before the new one starts.",
                            sub=sub.name,
                            a=previous.name,
                            b=following.name,
                        )
                    )

    # -- CRUD: lines of a live subscription change through its lifecycle only ------
    def _telecom_check_live_change(self, subscriptions):
        """Refuse changing lines of ``subscriptions`` that are no longer drafts.

        The lifecycle (service orders, price changes) is the private path: it checks
        its caller, then changes the lines as superuser. No context key opens this
        door: any RPC caller can send one.
        """
        if self.env.su:
            return
        if subscriptions.filtered(lambda sub: sub.state != "draft"):
            raise UserError(
                _(
                    "Lines of a live subscription change through its actions (change plan, "
                    "add-ons, price changes, termination), not by hand."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        Product = self.env["product.product"]
        Subscription = self.env["telecom.subscription"]
        self.check_access("create")
        self._telecom_check_live_change(
            Subscription.browse(
                {vals["subscription_id"] for vals in vals_list if vals.get("subscription_id")}
            )
        )
        for vals in vals_list:
            if "price_unit" in vals or not vals.get("product_id"):
                continue
            product = Product.browse(vals["product_id"])
            date = fields.Date.to_date(vals.get("date_start")) or fields.Date.context_today(self)
            sub = Subscription.browse(vals.get("subscription_id"))
            vals["price_unit"] = product._telecom_price_amount_at(date, sub.currency_id or None)
            vals.setdefault("price_version_id", product._telecom_price_at(date).id or False)
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            self.check_access("write")
            subscriptions = self.subscription_id
            if vals.get("subscription_id"):
                subscriptions |= self.env["telecom.subscription"].browse(vals["subscription_id"])
            self._telecom_check_live_change(subscriptions)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_live(self):
        if not self.env.su and self.filtered(lambda line: line.subscription_id.state != "draft"):
            raise UserError(_("Lines of a live subscription cannot be deleted."))

    def _telecom_covers(self, date):
        """Whether the line runs on ``date``."""
        self.ensure_one()
        return self.date_start <= date and (not self.date_end or self.date_end >= date)
