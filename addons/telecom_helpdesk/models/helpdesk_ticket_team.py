# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    telecom_balanced_assignment = fields.Boolean(
        string="Balance assignments",
        help="Tickets routed to this team without a user go to the member with the "
        "fewest open tickets.",
    )

    def _telecom_stage(self, kind):
        """The first stage (by sequence) of ``kind`` this team uses; on an empty
        recordset, the first shared stage of ``kind`` (tickets without a team)."""
        if len(self) > 1:
            self.ensure_one()
        stages = self._get_applicable_stages()
        return stages.filtered(lambda s: s.telecom_stage_kind == kind).sorted("sequence")[:1]

    def _telecom_least_busy_user(self):
        """The team member with the fewest open tickets (ties: lowest id)."""
        self.ensure_one()
        members = self.user_ids.filtered(lambda u: u.active and not u.share)
        if not members:
            return self.env["res.users"]
        counts = dict(
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [("user_id", "in", members.ids), ("closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        )
        return min(members, key=lambda u: (counts.get(u, 0), u.id))
