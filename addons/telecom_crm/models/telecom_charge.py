# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class TelecomCharge(models.Model):
    """A one-time amount the next bill run puts on the account's invoice."""

    _name = "telecom.charge"
    _description = "Telecom one-time charge"
    _inherit = ("mail.thread",)
    _order = "date desc, id desc"
    _check_company_auto = True

    billing_account_id = fields.Many2one(
        "telecom.billing.account",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
        tracking=True,
    )
    partner_id = fields.Many2one(
        related="billing_account_id.partner_id", store=True, index=True, string="Customer"
    )
    subscription_id = fields.Many2one(
        "telecom.subscription",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        domain="[('billing_account_id', '=', billing_account_id)]",
    )
    product_id = fields.Many2one("product.product", ondelete="restrict", check_company=True)
    kind = fields.Selection(
        [
            ("one_time", "One-time fee"),
            ("etf", "Early termination fee"),
            ("equipment", "Equipment"),
            ("discount", "Discount"),
            ("adjustment", "Adjustment"),
        ],
        required=True,
        default="one_time",
        tracking=True,
    )
    description = fields.Char(required=True)
    amount = fields.Monetary(
        required=True, currency_field="currency_id", tracking=True, help="Credits are negative."
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    state = fields.Selection(
        [("pending", "Pending"), ("billed", "Billed"), ("cancelled", "Cancelled")],
        required=True,
        default="pending",
        tracking=True,
        copy=False,
        index=True,
    )
    origin = fields.Char(help="What created the charge: an order, a service order, a ticket.")
    reason_code_id = fields.Many2one("telecom.reason.code", ondelete="restrict")
    sale_line_id = fields.Many2one("sale.order.line", index="btree_not_null", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )

    @api.depends("billing_account_id")
    def _compute_currency_id(self):
        for charge in self:
            charge.currency_id = (
                charge.billing_account_id.currency_id
                or charge.currency_id
                or self.env.company.currency_id
            )

    @api.depends("description", "amount")
    def _compute_display_name(self):
        for charge in self:
            charge.display_name = charge.description or _("Charge")

    @api.constrains("kind", "amount", "subscription_id", "billing_account_id")
    def _check_amount(self):
        for charge in self:
            if charge.currency_id.is_zero(charge.amount):
                raise ValidationError(_("A charge needs an amount."))
            if charge.kind in ("one_time", "etf", "equipment") and charge.amount < 0:
                raise ValidationError(
                    _(
                        "%(charge)s: a fee is positive; credits are discounts or adjustments.",
                        charge=charge.description,
                    )
                )
            if charge.kind == "discount" and charge.amount > 0:
                raise ValidationError(
                    _("%(charge)s: a discount is negative.", charge=charge.description)
                )
            if (
                charge.subscription_id
                and charge.subscription_id.billing_account_id != charge.billing_account_id
            ):
                raise ValidationError(
                    _(
                        "%(charge)s: the subscription belongs to another billing account.",
                        charge=charge.description,
                    )
                )

    def write(self, vals):
        if "state" in vals and not self.env.su:
            self.check_access("write")
            if any(charge.state != vals["state"] for charge in self):
                raise UserError(
                    _(
                        "Charges are cancelled with their Cancel button and billed by bill "
                        "runs, not by changing their state."
                    )
                )
        frozen = {"amount", "currency_id", "billing_account_id", "subscription_id", "kind"}
        if frozen & set(vals) and self.filtered(lambda c: c.state == "billed"):
            raise UserError(_("A billed charge cannot change its amount or account."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        if self.filtered(lambda c: c.state != "pending"):
            raise UserError(_("Only pending charges can be deleted; cancel the others."))

    def action_cancel(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        if self.filtered(lambda c: c.state != "pending"):
            raise UserError(_("Only a pending charge can be cancelled."))
        # the cancellation's own write (the role was checked above)
        self.check_access("write")
        self.sudo().write({"state": "cancelled"})
        return True
