# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# base unit of each allowance unit (binary multiples for data, as operators count)
UOM_BASE = {"minute": 60, "message": 1, "mb": 1024**2, "gb": 1024**3, "unit": 1}
UOM_FOR_UNIT = {
    "second": ("minute", "unit"),
    "unit": ("message", "unit"),
    "byte": ("mb", "gb"),
}


class TelecomPlanAllowance(models.Model):
    """Usage included in a plan or add-on each period, per zone class."""

    _name = "telecom.plan.allowance"
    _description = "Telecom plan allowance"
    _order = "product_tmpl_id, sequence, id"

    sequence = fields.Integer(default=10)
    product_tmpl_id = fields.Many2one(
        "product.template", string="Plan / Add-on", required=True, index=True, ondelete="cascade"
    )
    usage_type_id = fields.Many2one("telecom.usage.type", required=True, ondelete="restrict")
    zone_class_ids = fields.Many2many(
        "telecom.zone.class", string="Zone Classes", help="Empty: every zone class."
    )
    quantity = fields.Float(required=True, digits=(16, 2))
    uom = fields.Selection(
        [
            ("minute", "Minutes"),
            ("message", "Messages"),
            ("mb", "MB"),
            ("gb", "GB"),
            ("unit", "Units"),
        ],
        string="Unit",
        required=True,
        default="unit",
    )
    quantity_base = fields.Float(
        compute="_compute_quantity_base",
        store=True,
        digits=(20, 0),
        help="Quantity in the usage type's base unit: seconds, messages or bytes "
        "(1 MB = 1024² bytes, 1 GB = 1024³ bytes).",
    )
    rollover = fields.Boolean(help="Unused quantity carries over to the next period.")
    rollover_max_periods = fields.Integer(
        string="Rollover Periods", default=1, help="How many periods unused quantity survives."
    )
    share_scope = fields.Selection(
        [("subscription", "Per subscription"), ("billing_account", "Shared by the account")],
        required=True,
        default="subscription",
        help="Shared allowances form one pool for every subscription of a billing account.",
    )
    company_id = fields.Many2one(
        related="product_tmpl_id.company_id", store=True, index=True, string="Company"
    )

    @api.depends("quantity", "uom")
    def _compute_quantity_base(self):
        for allowance in self:
            allowance.quantity_base = allowance.quantity * UOM_BASE.get(allowance.uom, 1)

    @api.depends("usage_type_id", "quantity", "uom")
    def _compute_display_name(self):
        labels = dict(self._fields["uom"]._description_selection(self.env))
        for allowance in self:
            allowance.display_name = (
                f"{allowance.quantity:g} {labels.get(allowance.uom, '')} "
                f"{allowance.usage_type_id.name or ''}"
            ).strip()

    @api.constrains("quantity", "uom", "usage_type_id", "rollover_max_periods")
    def _check_quantity(self):
        for allowance in self:
            if allowance.quantity < 0:
                raise ValidationError(_("An allowance quantity cannot be negative."))
            allowed = UOM_FOR_UNIT.get(allowance.usage_type_id.unit, ())
            if allowance.uom not in allowed:
                raise ValidationError(
                    _(
                        "%(usage)s is measured in %(unit)s: its allowance cannot be given "
                        "in %(uom)s.",
                        usage=allowance.usage_type_id.name,
                        unit=allowance.usage_type_id.unit,
                        uom=allowance.uom,
                    )
                )
            if allowance.rollover and allowance.rollover_max_periods < 1:
                raise ValidationError(_("A rollover lasts at least one period."))
