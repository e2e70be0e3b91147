# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The five telecom ticket categories are OCA ``helpdesk_type`` types with a kind."""

from odoo import api, fields, models

TELECOM_KINDS = [
    ("fault", "Fault"),
    ("dispute", "Billing dispute"),
    ("order", "Order / provisioning problem"),
    ("service_request", "Service request"),
    ("complaint", "Complaint"),
]


class HelpdeskTicketType(models.Model):
    _inherit = "helpdesk.ticket.type"

    telecom_kind = fields.Selection(
        TELECOM_KINDS,
        string="Telecom category",
        index=True,
        help="What the suite does with tickets of this type: faults join outages, "
        "disputes hold dunning and end in a credit note, order problems link the "
        "service and provisioning orders.",
    )

    @api.model
    def _telecom_type(self, kind):
        """The type of a telecom kind (the first one, by name)."""
        return self.search([("telecom_kind", "=", kind)], limit=1)
