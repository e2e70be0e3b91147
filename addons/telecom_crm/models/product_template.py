# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .billing_periods import PERIOD_MONTHS
from .selections import TECHNOLOGIES

RECURRING_KINDS = ("plan", "addon", "bundle")


class ProductTemplate(models.Model):
    _inherit = "product.template"

    telecom_kind = fields.Selection(
        [
            ("plan", "Plan"),
            ("addon", "Add-on / Bolt-on"),
            ("bundle", "Bundle"),
            ("one_time", "One-time Fee"),
            ("equipment", "Equipment"),
            ("tariff", "Usage Tariff Reference"),
        ],
        index="btree_not_null",
        tracking=True,
    )
    telecom_technology = fields.Selection(
        TECHNOLOGIES,
        string="Technology",
        tracking=True,
    )
    telecom_recurring_period = fields.Selection(
        [("monthly", "Monthly"), ("quarterly", "Quarterly"), ("yearly", "Yearly")],
        string="Recurring Period",
        compute="_compute_telecom_recurring_period",
        store=True,
        readonly=False,
        precompute=True,
        help="Period the recurring fee is charged for. Empty for one-time products; set it on "
        "equipment that is rented rather than sold.",
    )
    telecom_price_version_ids = fields.One2many(
        "telecom.price.version", "product_tmpl_id", string="Price Versions", copy=True
    )
    telecom_current_price = fields.Monetary(
        string="Current Recurring Price",
        compute="_compute_telecom_current_price",
        currency_field="currency_id",
    )
    telecom_allowance_ids = fields.One2many(
        "telecom.plan.allowance", "product_tmpl_id", string="Included Allowances", copy=True
    )
    telecom_bundle_line_ids = fields.One2many(
        "telecom.bundle.line", "bundle_tmpl_id", string="Bundle Contents", copy=True
    )
    telecom_commitment_months = fields.Integer(string="Commitment (months)", tracking=True)
    telecom_etf_rule = fields.Selection(
        [
            ("none", "No fee"),
            ("fixed", "Fixed amount"),
            ("remaining_fees", "Remaining recurring fees"),
            ("percent_remaining", "Percentage of remaining fees"),
        ],
        string="Early Termination Fee",
        default="none",
        required=True,
        tracking=True,
    )
    telecom_etf_amount = fields.Monetary(string="ETF Amount", currency_field="currency_id")
    telecom_etf_percent = fields.Float(string="ETF Percentage", digits=(5, 2))
    telecom_proration_policy = fields.Selection(
        [
            ("daily", "Daily proration"),
            ("none", "No charge for partial periods"),
            ("full", "Full period"),
        ],
        string="Proration",
        default="daily",
        required=True,
        help="How billing charges a period that starts or ends mid-period.",
    )
    telecom_allowance_prorate = fields.Boolean(
        string="Prorate Allowances",
        help="In a period the product covers only in part (activation, plan change, "
        "add-on bought or ended, termination mid-period) its allowances are granted "
        "for the days covered (rounded down), like the fee under daily proration. "
        "Off: the whole allowance from the first day.",
    )
    telecom_tariff_ref = fields.Char(
        string="Tariff Code", help="The tariff billing rates this plan's usage with."
    )

    # -- computes ------------------------------------------------------------
    @api.depends("telecom_kind")
    def _compute_telecom_recurring_period(self):
        for tmpl in self:
            if tmpl.telecom_kind in RECURRING_KINDS:
                tmpl.telecom_recurring_period = tmpl.telecom_recurring_period or "monthly"
            elif tmpl.telecom_kind == "equipment":
                tmpl.telecom_recurring_period = tmpl.telecom_recurring_period
            else:
                tmpl.telecom_recurring_period = False

    @api.depends(
        "telecom_price_version_ids.date_from",
        "telecom_price_version_ids.date_to",
        "telecom_price_version_ids.price",
        "list_price",
    )
    @api.depends_context("date")
    def _compute_telecom_current_price(self):
        today = fields.Date.context_today(self)
        for tmpl in self:
            tmpl.telecom_current_price = tmpl._telecom_price_amount_at(today, tmpl.currency_id)

    # -- constraints -----------------------------------------------------------
    @api.constrains(
        "telecom_kind",
        "telecom_commitment_months",
        "telecom_etf_rule",
        "telecom_etf_amount",
        "telecom_etf_percent",
    )
    def _check_telecom_terms(self):
        for tmpl in self:
            if tmpl.telecom_commitment_months < 0:
                raise ValidationError(
                    _("%(product)s: a commitment cannot be negative.", product=tmpl.name)
                )
            if tmpl.telecom_etf_rule != "none" and not tmpl.telecom_commitment_months:
                raise ValidationError(
                    _(
                        "%(product)s: an early termination fee needs a commitment term.",
                        product=tmpl.name,
                    )
                )
            if tmpl.telecom_etf_rule == "fixed" and tmpl.telecom_etf_amount <= 0:
                raise ValidationError(
                    _("%(product)s: give the fixed termination fee amount.", product=tmpl.name)
                )
            if tmpl.telecom_etf_rule == "percent_remaining" and not (
                0 < tmpl.telecom_etf_percent <= 100
            ):
                raise ValidationError(
                    _(
                        "%(product)s: the termination fee percentage must be above 0 and at "
                        "most 100.",
                        product=tmpl.name,
                    )
                )

    @api.constrains("telecom_kind", "telecom_bundle_line_ids", "telecom_allowance_ids")
    def _check_telecom_structure(self):
        for tmpl in self:
            if tmpl.telecom_bundle_line_ids and tmpl.telecom_kind != "bundle":
                raise ValidationError(
                    _("%(product)s: only a bundle has bundle contents.", product=tmpl.name)
                )
            if tmpl.telecom_kind == "bundle" and tmpl.telecom_bundle_line_ids:
                plans = tmpl.telecom_bundle_line_ids.filtered(
                    lambda line: line.product_id.telecom_kind == "plan"
                )
                if len(plans) != 1:
                    raise ValidationError(
                        _("%(product)s: a bundle holds exactly one plan.", product=tmpl.name)
                    )
            if tmpl.telecom_allowance_ids and tmpl.telecom_kind not in ("plan", "addon"):
                raise ValidationError(
                    _(
                        "%(product)s: only plans and add-ons include allowances.",
                        product=tmpl.name,
                    )
                )

    @api.onchange("telecom_kind")
    def _onchange_telecom_kind(self):
        """UI convenience: telecom offers are services invoiced on order, equipment is goods."""
        if self.telecom_kind == "equipment":
            self.type = "consu"
        elif self.telecom_kind:
            self.type = "service"
            self.invoice_policy = "order"

    # -- CRUD ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            kind = vals.get("telecom_kind")
            if kind and "type" not in vals:
                vals["type"] = "consu" if kind == "equipment" else "service"
            if kind and kind != "equipment" and "invoice_policy" not in vals:
                vals["invoice_policy"] = "order"
        return super().create(vals_list)

    # -- business logic --------------------------------------------------------
    def _telecom_price_at(self, date):
        """The ``telecom.price.version`` in force on ``date`` (empty if none)."""
        self.ensure_one()
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        for version in self.telecom_price_version_ids.sorted("date_from", reverse=True):
            if version.date_from <= date and (not version.date_to or version.date_to >= date):
                return version
        return self.env["telecom.price.version"]

    def _telecom_price_amount_at(self, date, currency=None):
        """Recurring price on ``date`` in ``currency``: the version in force, else list price."""
        self.ensure_one()
        date = fields.Date.to_date(date) or fields.Date.context_today(self)
        version = self._telecom_price_at(date)
        amount, from_currency = (
            (version.price, version.currency_id) if version else (self.list_price, self.currency_id)
        )
        currency = currency or from_currency
        if from_currency and from_currency != currency:
            company = self.company_id or self.env.company
            return from_currency._convert(amount, currency, company, date)
        return currency.round(amount) if currency else amount

    def _telecom_period_months(self):
        self.ensure_one()
        return PERIOD_MONTHS.get(self.telecom_recurring_period, 1)


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _telecom_price_at(self, date):
        self.ensure_one()
        return self.product_tmpl_id._telecom_price_at(date)

    def _telecom_price_amount_at(self, date, currency=None):
        self.ensure_one()
        return self.product_tmpl_id._telecom_price_amount_at(date, currency)
