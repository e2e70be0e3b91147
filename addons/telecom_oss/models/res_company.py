# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    telecom_provisioning = fields.Boolean(
        string="Provision services on the network",
        help="On: service orders (activation, suspension, resumption, termination, plan"
        " change) run through provisioning workflows before they change the subscription."
        " Off: they are done at once, as without telecom_oss. Switch it on once the"
        " workflow templates' adapters reach your network (the demo turns it on: its"
        " adapter is the network simulator).",
    )
