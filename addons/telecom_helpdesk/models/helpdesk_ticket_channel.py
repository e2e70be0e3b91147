# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

CHANNEL_CODES = [
    ("back_office", "Back office"),
    ("portal", "Portal"),
    ("email", "E-mail"),
    ("phone", "Phone"),
    ("rpc", "XML-RPC"),
    ("alarm", "Network alarm"),
    ("other", "Other"),
]


class HelpdeskTicketChannel(models.Model):
    _inherit = "helpdesk.ticket.channel"

    telecom_code = fields.Selection(
        CHANNEL_CODES,
        string="Telecom channel",
        index=True,
        help="How the suite recognises the channel (tickets opened by the portal, the "
        "mail gateway, integrators, alarms...).",
    )

    @api.model
    def _telecom_channel(self, code):
        """The channel of a code, shared channels and the current company's (a
        configuration lookup: portal users and integrators may not read channels)."""
        return (
            self.sudo()
            .search(
                [
                    ("telecom_code", "=", code),
                    ("company_id", "in", [False, self.env.company.id]),
                ],
                limit=1,
            )
            .with_env(self.env)
        )
