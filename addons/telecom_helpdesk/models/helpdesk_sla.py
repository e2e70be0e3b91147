# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SLA policies: OCA ``helpdesk_mgmt_sla`` policies, extended.

OCA gives the policy (team, category, tag and domain filters, a target stage,
stages that pause the clock, a target in days and hours of the team's working
calendar with its leaves). The suite adds what telecom SLAs need: the telecom
category (ticket type), the priority and the customer segment as criteria, the
kind of deadline (response or resolution), an optional calendar of the policy
itself (24x7 for enterprise customers while the team works office hours), a
warning some business hours before the deadline, and what to do on a breach
(reassign, notify a manager, raise the priority).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]


class HelpdeskSla(models.Model):
    _inherit = "helpdesk.sla"

    telecom_sla_kind = fields.Selection(
        [("response", "Response"), ("resolution", "Resolution")],
        string="Deadline kind",
        help="Response: met when the ticket reaches the target stage (someone works on "
        "it). Resolution: met when it is resolved. Among matching policies of one kind, "
        "the most specific ones apply.",
    )
    telecom_type_ids = fields.Many2many(
        "helpdesk.ticket.type",
        string="Telecom categories",
        help="Empty: every category.",
    )
    telecom_priority = fields.Selection(
        PRIORITIES, string="Priority", help="Empty: every priority."
    )
    telecom_segment_ids = fields.Many2many(
        "telecom.customer.segment",
        string="Customer segments",
        help="Segments of the ticket's customer; empty: every customer.",
    )
    telecom_calendar_id = fields.Many2one(
        "resource.calendar",
        string="Business hours",
        help="Counts the deadline in these hours (and their leaves: public holidays) "
        "instead of the team's working hours.",
    )
    telecom_warn_hours = fields.Float(
        string="Warn before (hours)",
        help="Business hours before the deadline when the assignee (or the team leader) "
        "gets a warning activity. 0: no warning.",
    )
    telecom_escalate_team_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Escalate to team",
        help="On a breach, the ticket moves to this team.",
    )
    telecom_escalate_user_id = fields.Many2one(
        "res.users",
        string="Escalate to user",
        domain=[("share", "=", False)],
        help="On a breach, the ticket is assigned to this user.",
    )
    telecom_escalate_notify = fields.Boolean(
        string="Notify a manager",
        default=True,
        help="On a breach, the manager below (else the team leader) gets an activity "
        "and a notification.",
    )
    telecom_escalate_manager_id = fields.Many2one(
        "res.users", string="Manager", domain=[("share", "=", False)]
    )
    telecom_escalate_priority = fields.Boolean(
        string="Raise the priority",
        help="On a breach, the ticket's priority goes up one level.",
    )

    @api.constrains("days", "hours", "telecom_warn_hours")
    def _check_telecom_targets(self):
        for sla in self:
            if sla.days < 0 or sla.hours < 0 or sla.telecom_warn_hours < 0:
                raise ValidationError(
                    self.env._("%(sla)s: targets and warnings cannot be negative.", sla=sla.name)
                )
            if sla.telecom_warn_hours and not sla.days and sla.telecom_warn_hours >= sla.hours:
                raise ValidationError(
                    self.env._("%(sla)s: the warning must come before the deadline.", sla=sla.name)
                )

    def _telecom_specificity(self):
        """How many criteria the policy sets: the most specific policies of a kind win."""
        self.ensure_one()
        return sum(
            bool(value)
            for value in (
                self.team_ids,
                self.category_ids,
                self.tag_ids,
                self.telecom_type_ids,
                self.telecom_priority,
                self.telecom_segment_ids,
                self.domain not in (False, "", "[]"),
            )
        )
