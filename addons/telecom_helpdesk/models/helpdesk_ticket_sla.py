# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One SLA policy applied to one ticket (OCA ``helpdesk.ticket.sla``), extended.

OCA computes the deadline in the team's working calendar (with its leaves) from
the ticket's creation, pauses it in the policy's ignored stages, and marks it
accomplished or expired when the ticket changes stage. The suite starts the
clock when the customer reported the problem (``telecom_reported_date``), counts
in the policy's own calendar when it has one, and adds the warning and breach
escalation the cron ``_cron_telecom_sla`` applies.
"""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

_logger = logging.getLogger(__name__)

BATCH = 500


class HelpdeskTicketSla(models.Model):
    _inherit = "helpdesk.ticket.sla"

    telecom_sla_kind = fields.Selection(
        related="sla_id.telecom_sla_kind", store=True, string="Deadline kind"
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    telecom_warning_date = fields.Datetime(
        string="Warning at", compute="_compute_telecom_warning_date", store=True
    )
    telecom_warned = fields.Boolean(string="Warned", readonly=True, copy=False)
    telecom_escalated = fields.Boolean(string="Escalated", readonly=True, copy=False)
    telecom_breach_date = fields.Datetime(string="Breached at", readonly=True, copy=False)

    def _telecom_calendar(self):
        self.ensure_one()
        return self.sla_id.telecom_calendar_id or self.ticket_id.team_id.resource_calendar_id

    @api.depends("sla_id")
    def _compute_sla_data(self):
        res = super()._compute_sla_data()
        for record in self:
            own = record.sla_id.telecom_calendar_id
            if own:
                record.hours = record.sla_id.hours + own.hours_per_day * record.sla_id.days
            reported = record.ticket_id.telecom_reported_date
            if reported and record.last_state_date:
                # the clock starts when the customer reported the problem
                record.last_state_date = reported
        return res

    @api.depends("hours", "consumed_time", "ticket_id", "last_state_date", "state")
    def _compute_deadline(self):
        own = self.filtered(lambda r: r.sla_id.telecom_calendar_id)
        res = super(HelpdeskTicketSla, self - own)._compute_deadline()
        for record in own:
            if record.state in ["accomplished", "expired"] and record.deadline:
                continue
            start = record.last_state_date or record.ticket_id.create_date
            record.deadline = record.sla_id.telecom_calendar_id.plan_hours(
                record.hours - record.consumed_time, start, compute_leaves=True
            )
        return res

    @api.depends("deadline", "sla_id.telecom_warn_hours", "state")
    def _compute_telecom_warning_date(self):
        for record in self:
            warn = record.sla_id.telecom_warn_hours
            calendar = record._telecom_calendar()
            if not warn or not record.deadline or not calendar:
                record.telecom_warning_date = False
                continue
            record.telecom_warning_date = calendar.plan_hours(
                -warn, record.deadline, compute_leaves=True
            )

    def _stage_recompute(self):
        """OCA adds the business hours spent in the team calendar; with a policy
        calendar the difference to the policy's hours is added on top."""
        self.ensure_one()
        own = self.sla_id.telecom_calendar_id
        team_calendar = self.ticket_id.team_id.resource_calendar_id
        correction = 0.0
        if own and own != team_calendar and self.state == "in_progress" and self.last_state_date:
            now = fields.Datetime.now()
            correction = own.get_work_hours_count(self.last_state_date, now, compute_leaves=True)
            if team_calendar:
                correction -= team_calendar.get_work_hours_count(
                    self.last_state_date, now, compute_leaves=True
                )
        res = super()._stage_recompute()
        if correction:
            self.consumed_time += correction
        return res

    # -- warnings and escalation -----------------------------------------------
    @api.model
    def _cron_telecom_sla(self, limit=BATCH):
        """Warn before, escalate on breach: the SLAs whose time has come, per company."""
        now = fields.Datetime.now()
        breached = self.search(
            [
                ("state", "=", "in_progress"),
                ("deadline", "<=", now),
                ("telecom_escalated", "=", False),
            ],
            order="deadline, id",
            limit=limit,
        )
        warn = self.search(
            [
                ("state", "=", "in_progress"),
                ("telecom_warning_date", "<=", now),
                ("deadline", ">", now),
                ("telecom_warned", "=", False),
            ],
            order="telecom_warning_date, id",
            limit=limit,
        )
        done = 0
        for method, records in (("_telecom_escalate", breached), ("_telecom_warn", warn)):
            for record in records:
                try:
                    with self.env.cr.savepoint():
                        getattr(record.with_company(record.ticket_id.company_id), method)()
                        done += 1
                except (UserError, AccessError) as exc:
                    _logger.warning("SLA %s of ticket %s: %s", method, record.ticket_id.id, exc)
        remaining = 0
        if len(breached) == limit or len(warn) == limit:
            remaining = self.search_count(
                [
                    ("state", "=", "in_progress"),
                    "|",
                    "&",
                    ("deadline", "<=", now),
                    ("telecom_escalated", "=", False),
                    "&",
                    ("telecom_warning_date", "<=", now),
                    ("telecom_warned", "=", False),
                ]
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done

    def _telecom_warn(self):
        self.ensure_one()
        ticket = self.ticket_id
        self.telecom_warned = True
        user = ticket.user_id or ticket.team_id.user_id
        summary = self.env._(
            "SLA %(sla)s due %(deadline)s", sla=self.sla_id.name, deadline=self._telecom_when()
        )
        ticket._telecom_schedule_activity(user, summary, self.deadline)
        ticket.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "SLA warning: %(sla)s is due %(deadline)s.",
                sla=self.sla_id.name,
                deadline=self._telecom_when(),
            ),
            subtype_xmlid="mail.mt_note",
        )

    def _telecom_escalate(self):
        """The deadline passed: the SLA is breached; reassign, raise, notify."""
        self.ensure_one()
        ticket = self.ticket_id
        sla = self.sla_id
        self.write(
            {"state": "expired", "telecom_escalated": True, "telecom_breach_date": self.deadline}
        )
        vals, done = {}, []
        team = sla.telecom_escalate_team_id
        if team and team != ticket.team_id:
            vals["team_id"] = team.id
            vals["user_id"] = False
            if team.telecom_balanced_assignment:
                vals["user_id"] = team._telecom_least_busy_user().id
            done.append(self.env._("moved to team %(team)s", team=team.display_name))
        if sla.telecom_escalate_user_id:
            vals["user_id"] = sla.telecom_escalate_user_id.id
            done.append(self.env._("assigned to %(user)s", user=sla.telecom_escalate_user_id.name))
        if sla.telecom_escalate_priority and ticket.priority != "3":
            vals["priority"] = str(int(ticket.priority or "0") + 1)
            done.append(self.env._("priority raised"))
        if vals:
            ticket.write(vals)
        manager = sla.telecom_escalate_manager_id or ticket.team_id.user_id
        partners = []
        if sla.telecom_escalate_notify and manager:
            summary = self.env._("SLA breached: %(sla)s", sla=sla.name)
            ticket._telecom_schedule_activity(manager, summary, fields.Datetime.now())
            partners = manager.partner_id.ids
            done.append(self.env._("%(manager)s notified", manager=manager.name))
        ticket.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "SLA breached: %(sla)s was due %(deadline)s. %(done)s",
                sla=sla.name,
                deadline=self._telecom_when(),
                done="; ".join(done) or self.env._("no escalation configured"),
            ),
            subtype_xmlid="mail.mt_note",
            partner_ids=partners,
        )

    def _telecom_when(self):
        """The deadline in the calendar's time zone, for messages."""
        self.ensure_one()
        if not self.deadline:
            return ""
        calendar = self._telecom_calendar()
        tz = calendar.tz or self.env.user.tz or "UTC"
        local = fields.Datetime.context_timestamp(self.with_context(tz=tz), self.deadline)
        return local.strftime("%Y-%m-%d %H:%M %Z")
