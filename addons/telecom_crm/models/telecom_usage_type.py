# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomUsageType(models.Model):
    """What the network measures: voice seconds, message counts, data bytes.

    Shared by allowances (here), tariffs and usage records (telecom_billing).
    """

    _name = "telecom.usage.type"
    _description = "Telecom usage type"
    _order = "sequence, code"
    _rec_names_search = ("name", "code")

    code = fields.Char(required=True, index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    unit = fields.Selection(
        [("second", "Seconds"), ("unit", "Units"), ("byte", "Bytes")],
        required=True,
        default="unit",
        help="Base unit usage records of this type are measured in.",
    )
    is_roaming = fields.Boolean(string="Roaming")
    base_code = fields.Char(
        help="Code of the home-network usage type this one is the roaming variant of "
        "(voice for voice_roaming).",
    )
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by all companies.")

    _sql_constraints = (("code_uniq", "unique(code)", "A usage type code must be unique."),)
