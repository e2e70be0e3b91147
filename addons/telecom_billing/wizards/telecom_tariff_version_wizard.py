# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TelecomTariffVersionWizard(models.TransientModel):
    _name = "telecom.tariff.version.wizard"
    _description = "New tariff version"

    version_id = fields.Many2one("telecom.tariff.version", required=True)
    date_from = fields.Date(required=True, default=fields.Date.context_today)

    def action_create(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        new = self.version_id.action_new_version(self.date_from)
        return {
            "type": "ir.actions.act_window",
            "res_model": "telecom.tariff.version",
            "res_id": new.id,
            "view_mode": "form",
            "target": "current",
        }
