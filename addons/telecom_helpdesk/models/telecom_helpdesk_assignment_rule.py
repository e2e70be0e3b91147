# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .helpdesk_sla import PRIORITIES


class TelecomHelpdeskAssignmentRule(models.Model):
    """Routes new tickets opened without a team: by telecom category, ticket
    category, channel, customer segment, minimum priority and region (countries, states,
    postcode prefixes of the site, installation address or customer). The first
    matching rule (by sequence) gives the team and, optionally, the user."""

    _name = "telecom.helpdesk.assignment.rule"
    _description = "Ticket assignment rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: every company.",
    )
    type_ids = fields.Many2many("helpdesk.ticket.type", string="Telecom categories")
    category_ids = fields.Many2many("helpdesk.ticket.category", string="Categories")
    channel_ids = fields.Many2many("helpdesk.ticket.channel", string="Channels")
    segment_ids = fields.Many2many("telecom.customer.segment", string="Customer segments")
    min_priority = fields.Selection(PRIORITIES, string="From priority")
    country_ids = fields.Many2many("res.country", string="Countries")
    state_ids = fields.Many2many("res.country.state", string="States / regions")
    zip_prefixes = fields.Char(
        string="Postcode prefixes", help="Comma-separated, e.g. 90, 91, 92 (Ghent area)."
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team", required=True, ondelete="cascade", check_company=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assign to",
        domain=[("share", "=", False)],
        help="Empty: the team's balanced assignment, if the team has it, else nobody.",
    )

    @api.constrains("user_id", "team_id")
    def _check_user_in_team(self):
        for rule in self:
            if rule.user_id and rule.user_id not in rule.team_id.user_ids:
                raise ValidationError(
                    self.env._(
                        "%(rule)s: %(user)s is not a member of %(team)s.",
                        rule=rule.name,
                        user=rule.user_id.name,
                        team=rule.team_id.display_name,
                    )
                )

    def _telecom_zip_prefixes(self):
        return [p.strip() for p in (self.zip_prefixes or "").split(",") if p.strip()]

    def _telecom_matches(self, ticket, location):
        """Does this rule route ``ticket``? ``location``: (country, state, zip)."""
        self.ensure_one()
        country, state, zip_code = location
        checks = (
            not self.type_ids or ticket.type_id in self.type_ids,
            not self.category_ids or ticket.category_id in self.category_ids,
            not self.channel_ids or ticket.channel_id in self.channel_ids,
            not self.segment_ids or ticket.telecom_segment_id in self.segment_ids,
            not self.min_priority or (ticket.priority or "0") >= self.min_priority,
            not self.country_ids or country in self.country_ids,
            not self.state_ids or state in self.state_ids,
            not self.zip_prefixes
            or any(zip_code.startswith(p) for p in self._telecom_zip_prefixes()),
        )
        return all(checks)

    def _telecom_pick_user(self):
        self.ensure_one()
        if self.user_id:
            return self.user_id
        if self.team_id.telecom_balanced_assignment:
            return self.team_id._telecom_least_busy_user()
        return self.env["res.users"]
