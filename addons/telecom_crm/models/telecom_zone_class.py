# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomZoneClass(models.Model):
    """A class of rating zones; allowances are granted per class."""

    _name = "telecom.zone.class"
    _description = "Telecom zone class"
    _order = "sequence, code"
    _rec_names_search = ("name", "code")

    code = fields.Char(required=True, index=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    is_roaming = fields.Boolean(string="Roaming")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, help="Empty: shared by all companies.")

    _sql_constraints = (("code_uniq", "unique(code)", "A zone class code must be unique."),)
