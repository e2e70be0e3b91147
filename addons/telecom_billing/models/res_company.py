# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    telecom_usage_lock_date = fields.Date(
        string="Usage Lock Date",
        help="Usage that started on or before this date is in a closed period: mediation "
        "rejects it (reason closed_period). Bill runs move it forward.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telecom_usage_lock_date = fields.Date(
        related="company_id.telecom_usage_lock_date", readonly=False
    )
