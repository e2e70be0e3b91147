# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import re

from freezegun import freeze_time
from markupsafe import Markup

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from ..models.bulk_mail import BulkNotifier
from .common import HelpdeskCase, utc


@tagged("post_install", "-at_install")
class TestOutage(HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_outage_network()
        cls.plan_basic = cls._product(
            "Fibre Basic", "T-FTTH-BASIC", "plan", 25.0, telecom_technology="ftth"
        )
        Partner = cls.env["res.partner"]
        cls.bob = Partner.create({"name": "Bob Outage", "email": "bob@example.com"})
        cls.bob_account = cls.env["telecom.billing.account"].create({"partner_id": cls.bob.id})
        cls.carla = Partner.create(
            {
                "name": "Carla NoMail",
                "email": "carla@example.com",
                "telecom_contact_by_email": False,
            }
        )
        cls.carla_account = cls.env["telecom.billing.account"].create({"partner_id": cls.carla.id})
        cls.dave = Partner.create({"name": "Dave Elsewhere", "email": "dave@example.com"})
        cls.dave_account = cls.env["telecom.billing.account"].create({"partner_id": cls.dave.id})
        # on the failing OLT: Ada (two lines), Bob, Carla (a plan without SLA terms);
        # suspended and terminated lines there; Dave behind the other OLT; a mobile line
        cls.sub_ada = cls._fibre(cls.olt)
        cls.sub_ada2 = cls._fibre(cls.olt)
        cls.sub_bob = cls._fibre(cls.olt, cls.bob, cls.bob_account)
        cls.sub_carla = cls._fibre(cls.olt, cls.carla, cls.carla_account, plan=cls.plan_basic)
        cls.sub_suspended = cls._fibre(cls.olt, cls.bob, cls.bob_account, state="suspended")
        cls.sub_terminated = cls._fibre(cls.olt, cls.bob, cls.bob_account, state="terminated")
        cls.sub_dave = cls._fibre(cls.olt_other, cls.dave, cls.dave_account)
        cls.sub_mobile = cls._subscription()
        cls.Alarm = cls.env["telecom.alarm"].with_user(cls.engineer)
        cls._setup_credit_notes()

    def _raise(self, severity="major", when="2025-03-03T08:00:00Z", element="hd-olt"):
        return self.Alarm._telecom_receive(
            [
                {
                    "element": element,
                    "severity": severity,
                    "probable_cause": "lossOfSignal",
                    "specific_problem": "Feeder cut",
                    "time": when,
                }
            ]
        )[0]

    def _outage(self, trap=None):
        with freeze_time("2025-03-03 08:05:00"):
            result = self._raise()
        alarm = self.env["telecom.alarm"].browse(result["alarm_id"])
        return alarm, alarm.ticket_ids

    def test_outage_from_alarm_to_credits_for_exactly_the_affected_subscriptions(self):
        """Done when: an outage goes from the alarm to SLA credit notes for exactly the
        affected subscriptions: billing's credit notes, amounts computed by hand."""
        with self.jobs() as trap:
            alarm, master = self._outage()
            self.assertEqual(len(master), 1)
            self.assertTrue(master.telecom_is_outage)
            self.assertEqual(master.team_id, self.team_noc)  # routed: alarms go to the NOC
            self.assertEqual(master.channel_id.telecom_code, "alarm")
            self.assertEqual(master.priority, "2")
            self.assertEqual(master.telecom_outage_start, utc(2025, 3, 3, 8, 0))
            self.assertEqual(master.telecom_reported_date, utc(2025, 3, 3, 8, 0))
            self.assertEqual(master.telecom_element_id, self.olt)
            # a repeat of the alarm opens nothing more
            with freeze_time("2025-03-03 08:10:00"):
                self._raise(when="2025-03-03T08:09:00Z")
            self.assertEqual(alarm.ticket_ids, master)
            self.assertEqual(len(trap.enqueued_jobs), 1)
            self.run_jobs(trap)
        affected = self.sub_ada | self.sub_ada2 | self.sub_bob | self.sub_carla
        self.assertEqual(master.telecom_sla_credit_ids.subscription_id, affected)
        self.assertEqual(set(master.telecom_sla_credit_ids.mapped("state")), {"pending"})
        # one ticket per affected customer, attached to the outage
        children = master.telecom_child_ids
        self.assertEqual(children.partner_id, self.resident | self.bob | self.carla)
        self.assertTrue(all(c.telecom_kind == "fault" for c in children))
        self.assertFalse(children.ticket_sla_ids, "the outage carries the SLA")
        ada_ticket = children.filtered(lambda t: t.partner_id == self.resident)
        self.assertEqual(ada_ticket.telecom_affected_subscription_ids, self.sub_ada | self.sub_ada2)
        # the notice: a public message (portal) e-mailed to those who accept e-mail
        for child in children:
            notice = child.message_ids.filtered(
                lambda m: (
                    m.message_type == "comment" and "Service interruption" in (m.subject or "")
                )
            )
            self.assertEqual(len(notice), 1, child.partner_id.name)
            self.assertFalse(notice.subtype_id.internal)
            expected = (
                child.partner_id if child.partner_id != self.carla else self.env["res.partner"]
            )
            self.assertEqual(notice.partner_ids, expected)
            mailed = notice.notification_ids.filtered(lambda n: n.notification_type == "email")
            self.assertEqual(mailed.res_partner_id, expected)
            for sub in child.telecom_affected_subscription_ids:
                self.assertIn(sub.name, notice.body)
        # a customer calling about it: their ticket joins the outage, without an SLA
        with self.jobs():
            own = self._ticket(
                partner_id=self.bob.id,
                telecom_subscription_id=self.sub_bob.id,
                team_id=False,
                user=self.agent,
            )
        self.assertEqual(own.telecom_parent_id, master)
        self.assertFalse(own.ticket_sla_ids)
        self.assertIn(own, master.telecom_child_ids)
        # Dave is not affected: his ticket stays his own
        dave_ticket = self._ticket(
            partner_id=self.dave.id, telecom_subscription_id=self.sub_dave.id
        )
        self.assertFalse(dave_ticket.telecom_parent_id)
        # acknowledging the alarm moves the outage on
        with freeze_time("2025-03-03 08:30:00"):
            alarm.with_user(self.engineer).action_acknowledge()
        self.assertEqual(master.stage_id.telecom_stage_kind, "progress")
        # the alarm clears 5 hours after it was raised
        with self.jobs() as trap, freeze_time("2025-03-03 13:05:00"):
            self._raise(severity="cleared", when="2025-03-03T13:00:00Z")
            self.assertEqual(master.telecom_outage_end, utc(2025, 3, 3, 13, 0))
            self.assertTrue(master.closed)
            self.assertEqual(master.telecom_outage_hours, 5.0)
            self.run_jobs(trap)
        self.assertTrue(all(master.telecom_child_ids.mapped("closed")))
        restored = ada_ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and "Service restored" in (m.subject or "")
        )
        self.assertEqual(len(restored), 1)
        # credits: 5 h down, March allows 0.5 % x 744 h = 3.72 h, 2 started hours
        # credited at 5 % of 40.00 a month = 4.00; Carla's plan has no SLA terms
        credits = {c.subscription_id: c for c in master.telecom_sla_credit_ids}
        for sub in (self.sub_ada, self.sub_ada2, self.sub_bob):
            self.assertEqual(credits[sub].state, "to_credit")
            self.assertAlmostEqual(credits[sub].downtime_hours, 5.0)
            self.assertAlmostEqual(credits[sub].allowed_hours, 3.72)
            self.assertEqual(credits[sub].credited_hours, 2)
            self.assertEqual(credits[sub].monthly_fee, 40.0)
            self.assertEqual(credits[sub].amount, 4.0)
        self.assertEqual(credits[self.sub_carla].state, "no_credit")
        self.assertEqual(credits[self.sub_carla].amount, 0.0)
        self.assertEqual(master.telecom_outage_status, "restored")
        self.assertEqual(master.telecom_sla_credit_total, 12.0)
        # a to-do for the team leader to issue them
        self.assertTrue(master.activity_ids.filtered(lambda a: a.user_id == self.noc_user))
        self.assertFalse(self._credit_notes(master), "nothing issued before billing acts")
        # billing issues them: one credit note per billing account, a line per subscription
        master.with_user(self.billing).action_issue_sla_credits()
        notes = self._credit_notes(master)
        self.assertEqual(notes.telecom_billing_account_id, self.resident_account | self.bob_account)
        for account in (self.carla_account, self.dave_account, self.business_account):
            self.assertFalse(
                self.env["account.move"].search(
                    [
                        ("telecom_billing_account_id", "=", account.id),
                        ("move_type", "=", "out_refund"),
                    ]
                ),
                account.name,
            )
        ada_note = notes.filtered(lambda m: m.telecom_billing_account_id == self.resident_account)
        bob_note = notes - ada_note
        self.assertEqual(
            ada_note.invoice_line_ids.telecom_subscription_id, self.sub_ada | self.sub_ada2
        )
        self.assertEqual(bob_note.invoice_line_ids.telecom_subscription_id, self.sub_bob)
        # 2 x 4.00 + 21 % = 9.68; 4.00 + 21 % = 4.84
        self.assertEqual(ada_note.invoice_line_ids.mapped("price_subtotal"), [4.0, 4.0])
        self.assertEqual((ada_note.amount_untaxed, ada_note.amount_total), (8.0, 9.68))
        self.assertEqual((bob_note.amount_untaxed, bob_note.amount_total), (4.0, 4.84))
        for note in notes:
            self.assertEqual((note.move_type, note.state), ("out_refund", "posted"))
            self.assertEqual(note.telecom_reason_code_id.code, "credit_outage")
            self.assertEqual(note.partner_id, note.telecom_billing_account_id.partner_id)
        self.assertEqual(bob_note.partner_id, self.bob)
        self.assertEqual(credits[self.sub_bob].credit_note_id, bob_note)
        self.assertEqual(credits[self.sub_ada].credit_note_id, ada_note)
        self.assertEqual(credits[self.sub_carla].state, "no_credit")
        self.assertFalse(credits[self.sub_carla].credit_note_id)
        self.assertEqual(master.telecom_outage_status, "credited")
        self.assertEqual(master.telecom_credit_note_ids, notes)
        # issuing again issues nothing more
        master.with_user(self.billing).action_issue_sla_credits()
        self.assertEqual(self._credit_notes(master), notes)

    def test_company_issues_the_credit_notes_automatically(self):
        """With the company's policy on, the alarm's clear ends in credit notes
        without anyone acting: exactly the affected subscriptions, by hand."""
        self.company.telecom_sla_credit_auto = True
        with self.jobs() as trap:
            _alarm, master = self._outage()
            self.run_jobs(trap)
        # cleared 8 h 30 later: 8.5 - 3.72 allowed = 4.78 h, 5 started hours x 5 % x 40.00
        with self.jobs() as trap, freeze_time("2025-03-03 16:35:00"):
            self._raise(severity="cleared", when="2025-03-03T16:30:00Z")
            self.run_jobs(trap)
        notes = self._credit_notes(master)
        self.assertEqual(len(notes), 2)
        lines = notes.invoice_line_ids
        self.assertEqual(lines.telecom_subscription_id, self.sub_ada | self.sub_ada2 | self.sub_bob)
        self.assertEqual(set(lines.mapped("price_subtotal")), {10.0})
        self.assertEqual(sorted(notes.mapped("amount_total")), [12.1, 24.2])
        self.assertEqual(master.telecom_outage_status, "credited")
        self.assertFalse(
            master.activity_ids.filtered(lambda a: "SLA credits" in (a.summary or "")),
            "nobody is asked to issue them",
        )

    def test_many_accounts_are_credited_in_jobs(self):
        """Beyond a chunk of billing accounts, the credit notes are issued by jobs (by
        the billing user's button, or by the company's policy)."""
        self.env["ir.config_parameter"].sudo().set_param("telecom_helpdesk.sla_credit_chunk", 1)
        with self.jobs() as trap:
            _alarm, master = self._outage()
            self.run_jobs(trap)
        with self.jobs() as trap, freeze_time("2025-03-03 13:05:00"):
            self._raise(severity="cleared", when="2025-03-03T13:00:00Z")
            self.run_jobs(trap)
        with self.jobs() as trap:
            action = master.with_user(self.billing).action_issue_sla_credits()
            self.assertIn("2 jobs", action["params"]["message"])
            self.assertFalse(self._credit_notes(master), "nothing issued in the request")
            self.assertEqual(len(trap.enqueued_jobs), 2)
            self.run_jobs(trap)
        notes = self._credit_notes(master)
        self.assertEqual(notes.telecom_billing_account_id, self.resident_account | self.bob_account)
        self.assertEqual(sorted(notes.mapped("amount_untaxed")), [4.0, 8.0])
        self.assertEqual(master.telecom_outage_status, "credited")
        # the company's policy: the finish job queues them, they run as the policy
        self.company.telecom_sla_credit_auto = True
        with self.jobs() as trap:
            _alarm, second = self._outage_at("2025-03-10 08:00:00")
            self.run_jobs(trap)
        with self.jobs() as trap, freeze_time("2025-03-10 13:05:00"):
            self._raise(severity="cleared", when="2025-03-10T13:00:00Z")
            self.run_jobs(trap)
        # the month's allowance is used up by the first outage: 5 started hours each
        self.assertEqual(sorted(self._credit_notes(second).mapped("amount_untaxed")), [10.0, 20.0])

    def _outage_at(self, when):
        with freeze_time(when):
            result = self._raise(when=when.replace(" ", "T") + "Z")
        alarm = self.env["telecom.alarm"].browse(result["alarm_id"])
        return alarm, alarm.ticket_ids

    def _credit_notes(self, outage):
        return self.env["account.move"].search(
            [("telecom_origin", "=", f"helpdesk.ticket,{outage.id}")]
        )

    def test_credit_cap_and_the_months_allowance(self):
        """The credit stops at the cap; the month's allowance is used up by the
        earlier outages of the month."""
        master = self._ticket(
            name="Manual outage",
            telecom_outage_start=utc(2025, 3, 10, 8, 0),
            telecom_outage_end=utc(2025, 3, 11, 8, 0),
        )
        master.telecom_is_outage = True
        Credit = self.env["telecom.sla.credit"]
        line = Credit.create({"ticket_id": master.id, "subscription_id": self.sub_bob.id})
        line._telecom_compute()
        # 24 h - 3.72 h allowed = 20.28 -> 21 h x 5 % = 105 % of the fee: capped at 50 %
        self.assertEqual(line.credited_hours, 21)
        self.assertEqual(line.amount, 20.0)
        self.assertIn("capped", line.note)
        second = self._ticket(
            name="Second outage",
            telecom_outage_start=utc(2025, 3, 20, 8, 0),
            telecom_outage_end=utc(2025, 3, 20, 9, 30),
        )
        later = Credit.create({"ticket_id": second.id, "subscription_id": self.sub_bob.id})
        later._telecom_compute()
        self.assertEqual(later.allowed_hours, 0.0)  # used by the first outage
        self.assertEqual(later.credited_hours, 2)
        self.assertEqual(later.amount, 4.0)
        # a plan billed quarterly: a third of its price a month (capped at 50 % of it)
        self.plan_fiber.product_tmpl_id.telecom_recurring_period = "quarterly"
        third = Credit.create({"ticket_id": master.id, "subscription_id": self.sub_ada.id})
        third._telecom_compute()
        self.assertAlmostEqual(third.monthly_fee, 13.33)
        self.assertEqual(third.amount, 6.67)

    def test_sla_terms_are_percentages(self):
        tmpl = self.plan_fiber.product_tmpl_id
        for field in (
            "telecom_sla_availability",
            "telecom_sla_credit_percent",
            "telecom_sla_credit_cap",
        ):
            for bad in (-1.0, 100.5):
                with self.assertRaises(ValidationError), self.env.cr.savepoint():
                    tmpl.write({field: bad})

    def test_correlated_alarms_open_no_second_outage(self):
        with self.jobs() as trap:
            with freeze_time("2025-03-03 08:05:00"):
                olt = self._raise()
                # the core router fails too: a new outage above, the OLT's joins it
                core = self._raise(severity="critical", element="hd-core")
            olt_ticket = self.env["telecom.alarm"].browse(olt["alarm_id"]).ticket_ids
            core_ticket = self.env["telecom.alarm"].browse(core["alarm_id"]).ticket_ids
            self.assertEqual(core_ticket.priority, "3")
            self.assertEqual(olt_ticket.telecom_parent_id, core_ticket)
            self.run_jobs(trap)
        # each affected service is credited once: by the outage that saw it first
        self.assertEqual(
            (olt_ticket | core_ticket).telecom_sla_credit_ids.subscription_id,
            self.sub_ada | self.sub_ada2 | self.sub_bob | self.sub_carla | self.sub_dave,
        )
        self.assertEqual(core_ticket.telecom_sla_credit_ids.subscription_id, self.sub_dave)
        # a minor alarm below opens nothing
        with freeze_time("2025-03-03 09:00:00"):
            minor = self._raise(severity="minor", element="hd-olt-other")
        self.assertFalse(self.env["telecom.alarm"].browse(minor["alarm_id"]).ticket_ids)

    def test_resolving_the_outage_by_hand_and_issuing_credits_needs_billing(self):
        with self.jobs() as trap:
            alarm, master = self._outage()
            self.run_jobs(trap)
        with self.assertRaises(AccessError):
            master.with_user(self.agent).action_issue_sla_credits()
        with self.assertRaises(UserError):
            master.with_user(self.manager).action_issue_sla_credits()  # still running
        with self.jobs() as trap, freeze_time("2025-03-03 10:00:00"):
            master.with_user(self.noc_user).stage_id = self.stage_resolved
            self.run_jobs(trap)
        self.assertEqual(master.telecom_outage_end, utc(2025, 3, 3, 10, 0))
        self.assertTrue(all(master.telecom_child_ids.mapped("closed")))
        self.assertEqual(alarm.state, "active", "the network decides when the alarm clears")
        # 2 h within the 3.72 h allowed: nothing to credit
        self.assertEqual(set(master.telecom_sla_credit_ids.mapped("state")), {"no_credit"})

    def test_failed_service_order_opens_an_order_ticket(self):
        sub = self._subscription(activate=None)
        Order = self.env["telecom.service.order"]
        order = Order.create({"subscription_id": sub.id, "action": "activate"})
        order.state = "submitted"
        order.action_fail("Port busy")
        ticket = self.env["helpdesk.ticket"].search([("telecom_service_order_id", "=", order.id)])
        self.assertEqual(len(ticket), 1)
        self.assertEqual(ticket.telecom_kind, "order")
        self.assertEqual(ticket.telecom_subscription_id, sub)
        self.assertEqual(ticket.partner_id, self.resident)
        self.assertEqual(ticket.priority, "2")
        # failing again adds to the open ticket
        order.state = "submitted"
        order.action_fail("Port busy again")
        self.assertEqual(
            self.env["helpdesk.ticket"].search([("telecom_service_order_id", "=", order.id)]),
            ticket,
        )
        self.assertIn("Port busy again", ticket.message_ids[0].body)
        self.company.telecom_ticket_on_failed_order = False
        other = Order.create({"subscription_id": sub.id, "action": "activate"})
        other.state = "submitted"
        other.action_fail("No")
        self.assertFalse(
            self.env["helpdesk.ticket"].search([("telecom_service_order_id", "=", other.id)])
        )


@tagged("post_install", "-at_install")
class TestOutageAtScale(HelpdeskCase):
    """The outage's jobs in bulk: queries per chunk, not per customer; the notices
    as message_post would write them; SLA credit notes exactly once, a failing
    account reported while the others are credited."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_outage_network()
        Partner = cls.env["res.partner"]
        Account = cls.env["telecom.billing.account"]
        cls.customers = Partner
        cls.accounts = Account
        for index in range(8):
            partner = Partner.create(
                {"name": f"Outage customer {index}", "email": f"outage{index}@example.com"}
            )
            account = Account.create({"partner_id": partner.id})
            cls._fibre(cls.olt, partner, account)
            cls.customers |= partner
            cls.accounts |= account
        cls._setup_credit_notes()
        cls.Alarm = cls.env["telecom.alarm"].with_user(cls.engineer)

    def _raise(self, severity, when):
        return self.Alarm._telecom_receive(
            [
                {
                    "element": "hd-olt",
                    "severity": severity,
                    "probable_cause": "lossOfSignal",
                    "specific_problem": "Feeder cut",
                    "time": when,
                }
            ]
        )[0]

    def _started_outage(self):
        """An outage whose affected lines are listed, its notices not sent yet."""
        with self.jobs() as trap, freeze_time("2025-03-03 08:05:00"):
            result = self._raise("major", "2025-03-03T08:00:00Z")
            master = self.env["telecom.alarm"].browse(result["alarm_id"]).ticket_ids
            trap.perform_enqueued_jobs()  # the start job only
        return master

    def _restored(self, master):
        with self.jobs() as trap:
            master._telecom_outage_notify(self.customers.ids, "start")
        with self.jobs() as trap, freeze_time("2025-03-03 13:05:00"):
            self._raise("cleared", "2025-03-03T13:00:00Z")
            self.run_jobs(trap)
        return master

    def test_notices_cost_the_same_queries_for_any_number_of_customers(self):
        master = self._started_outage()
        self.assertEqual(len(master.telecom_sla_credit_ids), 8)
        warm, small, large = self.customers[:1], self.customers[1:3], self.customers[3:]
        master._telecom_outage_notify(warm.ids, "start")  # templates, views: compiled once
        _r, small_queries = self.count_queries(master._telecom_outage_notify, small.ids, "start")
        _r, large_queries = self.count_queries(master._telecom_outage_notify, large.ids, "start")
        # 2 and 5 customers: tickets, notices, e-mails and notifications in bulk
        self.assertLessEqual(large_queries, small_queries + 2)
        self.assertEqual(master.telecom_child_ids.partner_id, self.customers)
        with freeze_time("2025-03-03 13:05:00"):
            master.telecom_outage_end = utc(2025, 3, 3, 13, 0)
            master._telecom_outage_notify(warm.ids, "end")
            _r, small_end = self.count_queries(master._telecom_outage_notify, small.ids, "end")
            _r, large_end = self.count_queries(master._telecom_outage_notify, large.ids, "end")
        self.assertLessEqual(large_end, small_end + 2)
        self.assertTrue(all(master.telecom_child_ids.mapped("closed")))

    def test_bulk_notice_is_what_message_post_writes(self):
        """BulkNotifier stores the message, e-mail and notifications message_post
        would (record-specific values aside)."""
        first, second = self.customers[:2]
        tickets = self.env["helpdesk.ticket"]
        for partner in (first, second):
            tickets |= self._ticket(partner_id=partner.id, name="Notice test")
        tickets = tickets.sudo()
        body = Markup("<p>Your service is restored.</p>")
        # the mail queue sends (as the outage's notices: not at once)
        standard = (
            tickets[0]
            .with_context(mail_notify_force_send=False)
            .message_post(
                body=body,
                subject="Service restored",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=first.ids,
                email_layout_xmlid="mail.mail_notification_light",
            )
        )
        bulk = BulkNotifier(tickets[1], "mail.mail_notification_light").post(
            {tickets[1].id: body}, {tickets[1].id: "Service restored"}, {tickets[1].id: second.ids}
        )
        self.assertEqual(len(bulk), 1)

        def plain(message, ticket, partner):
            mail = self.env["mail.mail"].sudo().search([("mail_message_id", "=", message.id)])
            self.assertEqual(len(mail), 1)
            names = (
                (message.message_id, "<message-id>"),
                (ticket.access_token, "<token>"),
                (ticket.number, "<number>"),
                (ticket.display_name, "<ticket>"),
                (partner.name, "<partner>"),
                (partner.email, "<email>"),
                (str(partner.id), "<pid>"),
                (str(ticket.id), "<id>"),
            )

            def clean(text):
                # the portal link's signatures and tokens (of the record and partner),
                # first: a short record id may stand inside a hexadecimal hash
                text = re.sub(r"(hash|token)=[\w.-]+", r"\1=<\1>", str(text or ""))
                for value, placeholder in names:
                    if value and value.isdigit():
                        # a record id as a whole number only: not the '10' of a
                        # '100%' or the '45' of a colour '#454748' in the layout
                        text = re.sub(rf"(?<![\w#.]){value}(?![\w%.])", placeholder, text)
                    elif value:
                        text = text.replace(value, placeholder)
                return text

            return {
                "message": {
                    name: clean(message[name]) if isinstance(message[name], str) else message[name]
                    for name in (
                        "message_type",
                        "subtype_id",
                        "author_id",
                        "email_from",
                        "reply_to",
                        "record_name",
                        "subject",
                        "body",
                        "email_layout_xmlid",
                        "record_alias_domain_id",
                        "record_company_id",
                        "email_add_signature",
                        "is_internal",
                    )
                },
                "partners": message.partner_ids == partner,
                "notifications": sorted(
                    (n.notification_type, n.notification_status, n.is_read, n.res_partner_id.id)
                    for n in message.notification_ids
                ),
                "mail": {
                    "state": mail.state,
                    "auto_delete": mail.auto_delete,
                    "is_notification": mail.is_notification,
                    "recipients": mail.recipient_ids == partner,
                    "subject": clean(mail.subject),
                    "headers": clean(mail.headers),
                    "references": clean(mail.references),
                    "body_html": clean(mail.body_html),
                },
            }

        expected = plain(standard, tickets[0], first)
        got = plain(bulk, tickets[1], second)
        for key in ("notifications",):
            expected[key] = [(t, s, r, "partner") for t, s, r, _p in expected[key]]
            got[key] = [(t, s, r, "partner") for t, s, r, _p in got[key]]
        self.assertEqual(got, expected)
        self.assertEqual(bulk.notification_ids.res_partner_id, second)
        self.assertEqual(bulk.mail_ids.state, "outgoing", "the mail queue sends it")

    def test_credit_notes_exactly_once_and_a_failing_account_reported(self):
        self.company.telecom_sla_credit_auto = False
        master = self._restored(self._started_outage())
        credits = master.telecom_sla_credit_ids
        self.assertEqual(set(credits.mapped("state")), {"to_credit"})
        # one account's credit goes wrong (a zero amount: billing refuses it)
        broken = credits.filtered(lambda c: c.billing_account_id == self.accounts[2])
        broken.amount = 0.0
        notes = master.with_user(self.billing)._telecom_issue_sla_credits()
        self.assertEqual(len(notes), 7, "the other accounts are credited")
        self.assertEqual(broken.state, "to_credit")
        self.assertIn("positive", broken.error)
        self.assertFalse(notes.filtered(lambda m: m.telecom_billing_account_id == self.accounts[2]))
        report = master.message_ids.filtered(lambda m: "No credit note for" in str(m.body))
        self.assertEqual(len(report), 1)
        self.assertIn(self.accounts[2].name, str(report.body))
        for note in notes:
            self.assertEqual((note.state, note.move_type), ("posted", "out_refund"))
            self.assertEqual((note.amount_untaxed, note.amount_total), (4.0, 4.84))
        # numbered in sequence, in one batch
        numbers = sorted(int(name.rsplit("/", 1)[1]) for name in notes.mapped("name"))
        self.assertEqual(numbers, list(range(numbers[0], numbers[0] + 7)))
        # fixed, and issued again: only the missing credit note is written
        broken.amount = 4.0
        again = master.with_user(self.billing)._telecom_issue_sla_credits()
        self.assertEqual(again.telecom_billing_account_id, self.accounts[2])
        self.assertFalse(master.with_user(self.billing)._telecom_issue_sla_credits())
        everything = self.env["account.move"].search(
            [("telecom_origin", "=", f"helpdesk.ticket,{master.id}")]
        )
        self.assertEqual(len(everything), 8)
        self.assertEqual(everything, master.telecom_credit_note_ids)
        self.assertEqual(everything.telecom_billing_account_id, self.accounts, "one per account")
        self.assertEqual(set(credits.mapped("state")), {"credited"})
        self.assertEqual(master.telecom_outage_status, "credited")
