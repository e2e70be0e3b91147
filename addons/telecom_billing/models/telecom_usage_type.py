# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomUsageType(models.Model):
    _inherit = "telecom.usage.type"

    product_id = fields.Many2one(
        "product.product",
        string="Invoicing Product",
        help="Product of this usage's invoice lines: its taxes and income account apply. "
        "Empty: the generic 'Usage charges' product.",
    )
