# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TelecomBundleLine(models.Model):
    """One component of a bundle; the bundle's own price versions price it."""

    _name = "telecom.bundle.line"
    _description = "Telecom bundle line"
    _order = "bundle_tmpl_id, sequence, id"

    sequence = fields.Integer(default=10)
    bundle_tmpl_id = fields.Many2one(
        "product.template", string="Bundle", required=True, index=True, ondelete="cascade"
    )
    product_id = fields.Many2one(
        "product.product",
        string="Component",
        required=True,
        ondelete="restrict",
        domain="[('telecom_kind', 'in', ('plan', 'addon', 'one_time', 'equipment'))]",
    )
    quantity = fields.Float(default=1.0, required=True, digits="Product Unit of Measure")
    company_id = fields.Many2one(
        related="bundle_tmpl_id.company_id", store=True, index=True, string="Company"
    )

    @api.constrains("product_id", "quantity", "bundle_tmpl_id")
    def _check_component(self):
        for line in self:
            if line.product_id.telecom_kind not in ("plan", "addon", "one_time", "equipment"):
                raise ValidationError(
                    _(
                        "%(product)s cannot be part of a bundle: only plans, add-ons, "
                        "one-time fees and equipment can.",
                        product=line.product_id.display_name,
                    )
                )
            if line.quantity <= 0:
                raise ValidationError(_("A bundle component needs a positive quantity."))
            if line.product_id.product_tmpl_id == line.bundle_tmpl_id:
                raise ValidationError(_("A bundle cannot contain itself."))
