# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomNetworkVendor(models.Model):
    _name = "telecom.network.vendor"
    _description = "Network equipment vendor"
    _order = "name"

    name = fields.Char(required=True)
    code = fields.Char(
        required=True, help="Short code used to match configuration templates (e.g. 'nokia')."
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", index=True, help="Leave empty to share the vendor between companies."
    )

    _sql_constraints = (("code_unique", "unique(code)", "A vendor code must be unique."),)
