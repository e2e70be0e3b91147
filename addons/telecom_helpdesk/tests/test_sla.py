# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import HelpdeskCase, utc


@tagged("post_install", "-at_install")
class TestSlaDeadlines(HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.response = cls._sla(
            "Response 4h (test)",
            "response",
            hours=4,
            telecom_type_ids=[Command.set(cls.type_fault.ids)],
        )
        cls.resolution = cls._sla(
            "Resolution 8h (test)",
            "resolution",
            hours=8,
            telecom_type_ids=[Command.set(cls.type_fault.ids)],
        )

    def _deadlines(self, ticket):
        return {line.sla_id: line.deadline for line in ticket.ticket_sla_ids}

    def test_deadlines_across_a_weekend_and_a_holiday(self):
        """Done when: SLA deadlines skip the weekend and the public holiday."""
        # Friday 10 January 2025, 15:00 in Brussels (14:00 UTC); Monday 13 is a holiday
        ticket = self._ticket(telecom_reported_date=utc(2025, 1, 10, 14, 0))
        self.assertEqual(ticket.sla_ids, self.response | self.resolution)
        deadlines = self._deadlines(ticket)
        # 2 h on Friday (15:00-17:00), then Tuesday from 9:00 (Monday is off)
        self.assertEqual(deadlines[self.response], utc(2025, 1, 14, 10, 0))  # Tue 11:00
        self.assertEqual(deadlines[self.resolution], utc(2025, 1, 14, 14, 0))  # Tue 15:00
        self.assertEqual(ticket.sla_deadline, utc(2025, 1, 14, 10, 0))
        # a week later the Monday is a working day
        later = self._ticket(telecom_reported_date=utc(2025, 1, 17, 14, 0))
        deadlines = self._deadlines(later)
        self.assertEqual(deadlines[self.response], utc(2025, 1, 20, 10, 0))  # Mon 11:00
        self.assertEqual(deadlines[self.resolution], utc(2025, 1, 20, 14, 0))  # Mon 15:00
        # reported on Sunday: the clock starts Monday 9:00
        sunday = self._ticket(telecom_reported_date=utc(2025, 1, 19, 12, 0))
        self.assertEqual(self._deadlines(sunday)[self.response], utc(2025, 1, 20, 12, 0))

    def test_clock_paused_while_waiting_on_the_customer(self):
        with freeze_time("2025-01-20 08:00:00"):  # Monday 9:00 in Brussels
            ticket = self._ticket()
        self.assertEqual(ticket.telecom_reported_date, utc(2025, 1, 20, 8, 0))
        resolution = ticket.ticket_sla_ids.filtered(lambda s: s.sla_id == self.resolution)
        response = ticket.ticket_sla_ids - resolution
        self.assertEqual(resolution.deadline, utc(2025, 1, 20, 16, 0))  # Mon 17:00
        self.assertEqual(ticket.telecom_sla_status, "on_track")
        with freeze_time("2025-01-20 10:00:00"):  # 2 business hours later
            ticket.stage_id = self.stage_waiting
        self.assertEqual(response.state, "accomplished")  # someone answered
        self.assertEqual(resolution.state, "on_hold")
        self.assertAlmostEqual(resolution.consumed_time, 2.0, places=2)
        self.assertEqual(ticket.telecom_sla_status, "paused")
        with freeze_time("2025-01-22 08:00:00"):  # the customer answers on Wednesday 9:00
            ticket.stage_id = self.stage_progress
        self.assertEqual(resolution.state, "in_progress")
        # 6 business hours were left: Wednesday 15:00 instead of Monday 17:00
        self.assertEqual(resolution.deadline, utc(2025, 1, 22, 14, 0))
        self.assertEqual(ticket.telecom_sla_status, "on_track")
        with freeze_time("2025-01-22 10:00:00"):
            ticket.stage_id = self.stage_resolved
        self.assertEqual(resolution.state, "accomplished")
        self.assertEqual(ticket.telecom_sla_status, "met")
        self.assertAlmostEqual(ticket.telecom_resolution_hours, 50.0, places=2)

    def test_policies_by_category_priority_and_segment(self):
        generic = self.resolution
        enterprise = self._sla(
            "Enterprise 24x7 4h (test)",
            "resolution",
            hours=4,
            telecom_type_ids=[Command.set(self.type_fault.ids)],
            telecom_segment_ids=[Command.set(self.segment_enterprise.ids)],
            telecom_calendar_id=self.env.ref("telecom_helpdesk.resource_calendar_24x7").id,
        )
        critical = self._sla(
            "Very high priority 2h (test)",
            "resolution",
            hours=2,
            telecom_type_ids=[Command.set(self.type_fault.ids)],
            telecom_priority="3",
        )
        dispute = self._sla(
            "Dispute 40h (test)",
            "resolution",
            days=5,
            telecom_type_ids=[Command.set(self.type_dispute.ids)],
        )
        self.business.telecom_segment_id = self.segment_enterprise
        self.resident.telecom_segment_id = self.segment_consumer
        saturday = utc(2025, 1, 18, 9, 0)  # Saturday 10:00 in Brussels
        consumer = self._ticket(telecom_reported_date=saturday)
        self.assertEqual(consumer.sla_ids.filtered("telecom_sla_kind"), self.response | generic)
        self.assertEqual(consumer.telecom_segment_id, self.segment_consumer)
        # the more specific policy wins over the generic one of its kind
        business = self._ticket(partner_id=self.business.id, telecom_reported_date=saturday)
        self.assertEqual(business.sla_ids, self.response | enterprise)
        # counted in its own 24x7 calendar: Saturday 14:00 in Brussels
        line = business.ticket_sla_ids.filtered(lambda s: s.sla_id == enterprise)
        self.assertEqual(line.deadline, utc(2025, 1, 18, 13, 0))
        urgent = self._ticket(priority="3", telecom_reported_date=saturday)
        self.assertEqual(urgent.sla_ids, self.response | critical)
        contest = self._ticket(type_id=self.type_dispute.id, telecom_reported_date=saturday)
        self.assertEqual(contest.sla_ids, dispute)
        # 5 days of the team's 8-hour days: Monday 9:00 + 40 h = Friday 17:00
        self.assertEqual(contest.ticket_sla_ids.deadline, utc(2025, 1, 24, 16, 0))
        # no team SLA, no policy
        self.team.use_sla = False
        self.assertFalse(self._ticket(telecom_reported_date=saturday).ticket_sla_ids)

    def test_bad_policy_values_refused(self):
        with self.assertRaises(ValidationError):
            self._sla("Bad (test)", "response", hours=2, telecom_warn_hours=3)
        with self.assertRaises(ValidationError):
            self._sla("Negative (test)", "response", hours=-1)

    def test_agent_opens_ticket_in_form_with_subscription(self):
        sub = self._subscription()
        with Form(self.env["helpdesk.ticket"].with_user(self.agent)) as form:
            form.name = "Line dead"
            form.description = "<p>Dead</p>"
            form.type_id = self.type_fault
            form.team_id = self.team
            form.telecom_subscription_id = sub
        ticket = form.record
        self.assertEqual(ticket.partner_id, self.resident)
        self.assertEqual(ticket.telecom_billing_account_id, self.resident_account)
        self.assertEqual(ticket.channel_id.telecom_code, "back_office")
        self.assertEqual(ticket.telecom_kind, "fault")
        self.assertEqual(ticket.sla_ids, self.response | self.resolution)


@tagged("post_install", "-at_install")
class TestSlaEscalation(HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.response = cls._sla(
            "Response 4h, escalated (test)",
            "response",
            hours=4,
            telecom_warn_hours=1,
            telecom_escalate_team_id=cls.team_escalation.id,
            telecom_escalate_priority=True,
            telecom_escalate_notify=True,
        )
        cls.Sla = cls.env["helpdesk.ticket.sla"]

    def _activities(self, ticket, user):
        return ticket.activity_ids.filtered(lambda a: a.user_id == user)

    def test_warning_then_breach_escalation(self):
        """Done when: a breach is escalated (reassigned, priority raised, manager told)."""
        with freeze_time("2025-01-20 08:00:00"):  # Monday 9:00 in Brussels
            ticket = self._ticket(user_id=self.agent.id, priority="1")
        line = ticket.ticket_sla_ids
        self.assertEqual(line.deadline, utc(2025, 1, 20, 12, 0))  # 13:00 local
        self.assertEqual(line.telecom_warning_date, utc(2025, 1, 20, 11, 0))
        with freeze_time("2025-01-20 10:59:00"):
            self.assertEqual(self.Sla._cron_telecom_sla(), 0)
        self.assertFalse(line.telecom_warned)
        with freeze_time("2025-01-20 11:30:00"):
            self.assertEqual(self.Sla._cron_telecom_sla(), 1)
        self.assertTrue(line.telecom_warned)
        self.assertEqual(ticket.telecom_sla_status, "at_risk")
        self.assertEqual(len(self._activities(ticket, self.agent)), 1)
        self.assertEqual(ticket.team_id, self.team)
        with freeze_time("2025-01-20 12:30:00"):
            self.assertEqual(self.Sla._cron_telecom_sla(), 1)
        self.assertEqual(line.state, "expired")
        self.assertTrue(line.telecom_escalated)
        self.assertEqual(line.telecom_breach_date, utc(2025, 1, 20, 12, 0))
        self.assertEqual(ticket.team_id, self.team_escalation)
        self.assertFalse(ticket.user_id)
        self.assertEqual(ticket.priority, "2")
        self.assertEqual(ticket.telecom_sla_status, "breached")
        self.assertEqual(len(self._activities(ticket, self.team_lead)), 1)
        notes = ticket.message_ids.filtered(lambda m: "SLA breached" in (m.body or ""))
        self.assertEqual(len(notes), 1)
        self.assertIn(self.team_lead.partner_id, notes.partner_ids)
        # once only
        with freeze_time("2025-01-20 13:30:00"):
            self.assertEqual(self.Sla._cron_telecom_sla(), 0)
        self.assertEqual(ticket.priority, "2")
        # answered late: the breach stays
        with freeze_time("2025-01-20 14:00:00"):
            ticket.stage_id = self.stage_progress
        self.assertEqual(line.state, "expired")
        self.assertEqual(ticket.telecom_sla_status, "breached")
        report = self.env["telecom.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(report.sla_status, "breached")
        self.assertEqual(report.response_compliance, 0.0)

    def test_answered_in_time_is_met_and_never_escalated(self):
        with freeze_time("2025-01-20 08:00:00"):
            ticket = self._ticket(user_id=self.agent.id)
        with freeze_time("2025-01-20 09:00:00"):
            ticket.stage_id = self.stage_progress
        with freeze_time("2025-01-20 15:00:00"):
            self.assertEqual(self.Sla._cron_telecom_sla(), 0)
        self.assertEqual(ticket.ticket_sla_ids.state, "accomplished")
        self.assertEqual(ticket.telecom_sla_status, "met")
        self.assertEqual(ticket.team_id, self.team)
        report = self.env["telecom.helpdesk.report"].search([("ticket_id", "=", ticket.id)])
        self.assertEqual(report.response_compliance, 100.0)

    def test_cron_works_in_bounded_batches(self):
        with freeze_time("2025-01-20 08:00:00"):
            first = self._ticket(user_id=self.agent.id)
            second = self._ticket(user_id=self.agent.id)
        with freeze_time("2025-01-21 08:00:00"):
            self.assertEqual(self.Sla._cron_telecom_sla(limit=1), 1)
            self.assertEqual(len((first | second).ticket_sla_ids.filtered("telecom_escalated")), 1)
            self.assertEqual(self.Sla._cron_telecom_sla(limit=1), 1)
            self.assertEqual(self.Sla._cron_telecom_sla(limit=1), 0)
        self.assertTrue(all((first | second).ticket_sla_ids.mapped("telecom_escalated")))

    def test_escalation_to_a_user_and_an_explicit_manager(self):
        self.response.write(
            {
                "telecom_escalate_team_id": False,
                "telecom_escalate_user_id": self.agent2.id,
                "telecom_escalate_manager_id": self.noc_user.id,
                "telecom_escalate_priority": False,
            }
        )
        with freeze_time("2025-01-20 08:00:00"):
            ticket = self._ticket(user_id=self.agent.id, priority="3")
        with freeze_time("2025-01-21 08:00:00"):
            # warning and breach both due: escalated, and not warned afterwards
            self.assertEqual(self.Sla._cron_telecom_sla(), 1)
        self.assertEqual(ticket.user_id, self.agent2)
        self.assertEqual(ticket.team_id, self.team)
        self.assertEqual(ticket.priority, "3")
        self.assertTrue(self._activities(ticket, self.noc_user))
        self.assertFalse(self._activities(ticket, self.agent))
