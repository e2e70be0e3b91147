# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    telecom_outage_team_id = fields.Many2one(
        related="company_id.telecom_outage_team_id", readonly=False
    )
    telecom_sla_credit_auto = fields.Boolean(
        related="company_id.telecom_sla_credit_auto", readonly=False
    )
    telecom_ticket_on_failed_order = fields.Boolean(
        related="company_id.telecom_ticket_on_failed_order", readonly=False
    )
