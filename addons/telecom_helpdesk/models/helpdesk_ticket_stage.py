# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

STAGE_KINDS = [
    ("new", "New"),
    ("progress", "In progress"),
    ("waiting", "Waiting on the customer"),
    ("resolved", "Resolved"),
    ("cancelled", "Cancelled"),
    ("rejected", "Rejected"),
]


class HelpdeskTicketStage(models.Model):
    _inherit = "helpdesk.ticket.stage"

    telecom_stage_kind = fields.Selection(
        STAGE_KINDS,
        string="Meaning",
        index=True,
        help="What reaching this stage means for the suite's automations: alarms, "
        "outages and disputes move tickets to the team's first stage of a meaning.",
    )
