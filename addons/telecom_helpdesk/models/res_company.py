# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    telecom_outage_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Outage team",
        help="Team of outage tickets no assignment rule routes.",
    )
    telecom_sla_credit_auto = fields.Boolean(
        string="Issue SLA credits automatically",
        help="When an outage ends, its SLA credits become credit notes at once; "
        "otherwise the team leader gets a to-do and a billing user issues them.",
    )
    telecom_ticket_on_failed_order = fields.Boolean(
        string="Ticket for failed service orders",
        default=True,
        help="A service order the network refused opens an order-problem ticket.",
    )
