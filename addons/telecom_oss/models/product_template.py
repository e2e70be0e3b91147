# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    telecom_network_profile = fields.Char(
        string="Network profile",
        help="Profile name the network knows this plan by (HSS data profile, access line"
        " profile), sent by the 'set data profile' and 'activate access line' tasks.",
    )
    telecom_speed_down_kbps = fields.Integer(string="Download speed (kbit/s)")
    telecom_speed_up_kbps = fields.Integer(string="Upload speed (kbit/s)")
