# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Disputes against real bill-run invoices and rated usage (telecom_billing): the
ticket selects invoice lines and usage records, billing's dunning leaves the account
alone while it is open, and it ends rejected, re-rated or with a credit note linked
to the ticket, the invoice and the usage."""

from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.telecom_billing.tests.billing_common import BillingFixtures

from .common import HelpdeskFixtures

USAGE = (
    b"record_id,subscriber,usage_type,start_time,quantity,direction,called_number,location\n"
    # Monday 19 May 2025, 10:00 Brussels: 1 started minute at peak, 0.10 + 0.05 set-up
    b"a1,+32470000101,voice,2025-05-19T08:00:00Z,30,out,+3222222223,\n"
    # Saturday 17 May: 2 minutes at the weekend price, 0.04 x 2, no set-up
    b"a2,+32470000101,voice,2025-05-17T08:00:00Z,90,out,+3222222222,\n"
    b"b1,+32470000102,voice,2025-05-19T08:00:00Z,30,out,+3222222223,\n"
)


@tagged("post_install", "-at_install")
class TestDispute(BillingFixtures, HelpdeskFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_helpdesk()
        cls.hd_manager = cls.manager
        cls._setup_billing()
        cls.env["telecom.dunning.level"].search([("company_id", "=", cls.company.id)]).write(
            {"active": False}
        )
        cls.reminder = cls.env["telecom.dunning.level"].create(
            {
                "name": "Reminder (test)",
                "sequence": 10,
                "days_overdue": 7,
                "min_amount": 1.0,
                "action": "reminder",
                "mail_template_id": cls.env.ref(
                    "telecom_billing.mail_template_dunning_reminder"
                ).id,
            }
        )
        cls.acc = cls._account("Disputing Customer")
        cls.sub = cls._sub(cls.acc, cls.golden, date(2025, 5, 1), "+32470000101")
        cls.other = cls._account("Other Customer")
        cls.other_sub = cls._sub(cls.other, cls.golden, date(2025, 5, 1), "+32470000102")
        cls.env["telecom.mediation.batch"]._import_data(cls.source, USAGE, "dispute.csv")
        run = cls.bill(cls, date(2025, 6, 1), cls.acc | cls.other)
        cls.other_invoice = cls.invoice(cls, run, cls.other)
        cls.invoice = cls.invoice(cls, run, cls.acc)
        cls.due = cls.invoice.invoice_date_due
        Usage = cls.env["telecom.usage.record"]
        cls.a1 = Usage.search([("source_record_id", "=", "a1")])
        cls.a2 = Usage.search([("source_record_id", "=", "a2")])
        cls.b1 = Usage.search([("source_record_id", "=", "b1")])
        # the bill: May and June of Golden (25.00 each) and the voice usage line
        cls.usage_line = cls.a1.invoice_line_id
        cls.plan_line = cls.invoice.invoice_line_ids.filtered(
            lambda line: line.telecom_section == "recurring" and line.display_type == "product"
        )[:1]

    def _dispute(self, user=None, usage=None, credit=0.15):
        ticket = self._ticket(
            user=user or self.agent,
            name="A call I never made",
            type_id=self.type_dispute.id,
            partner_id=self.acc.partner_id.id,
            telecom_subscription_id=self.sub.id,
            telecom_invoice_id=self.invoice.id,
        )
        if usage is not False:
            self.env["telecom.dispute.line"].with_user(user or self.agent).create(
                {
                    "ticket_id": ticket.id,
                    "invoice_line_id": self.usage_line.id,
                    "usage_record_ids": [(6, 0, (usage or self.a1).ids)],
                    "credit_amount": credit,
                }
            )
        return ticket

    def dun(self, days):
        return self.env["telecom.billing.account"]._telecom_dunning_run(
            self.company, today=self.due + timedelta(days=days)
        )

    def test_fixture_is_a_real_bill(self):
        self.assertEqual((self.invoice.state, self.invoice.move_type), ("posted", "out_invoice"))
        self.assertEqual(self.invoice.telecom_billing_account_id, self.acc)
        self.assertEqual((self.a1.amount, self.a2.amount), (0.15, 0.08))
        self.assertEqual(self.usage_line.move_id, self.invoice)
        self.assertEqual(self.usage_line.telecom_section, "usage")
        self.assertEqual(self.a2.invoice_line_id, self.usage_line)
        self.assertEqual(self.usage_line.price_subtotal, 0.23)
        self.assertEqual(self.plan_line.price_subtotal, 25.0)
        # 50.00 + 0.15 + 0.08, 21 % VAT per line: 5.25 x 2 + 0.03 + 0.02
        self.assertEqual(self.invoice.amount_total, 60.78)

    def test_dispute_lines_select_invoice_lines_and_usage_records(self):
        ticket = self._dispute()
        self.assertEqual(ticket.telecom_dispute_state, "open")
        self.assertEqual(ticket.telecom_billing_account_id, self.acc)
        line = ticket.telecom_dispute_line_ids
        self.assertEqual(line.usage_record_ids, self.a1)
        self.assertEqual(line.disputed_amount, 0.15, "the record's amount, not the line's")
        self.assertEqual(line.subscription_id, self.sub)
        self.assertIn(self.invoice.name, line.description)
        self.assertIn("1 usage record", line.description)
        self.assertTrue(line._telecom_has_usage())
        # a whole usage line: its records are the disputed usage
        whole = self.env["telecom.dispute.line"].new({"invoice_line_id": self.usage_line.id})
        self.assertEqual(whole._telecom_usage(), self.a1 | self.a2)
        self.assertEqual(whole.disputed_amount, 0.23)
        # a recurring fee line has no usage
        fee = self.env["telecom.dispute.line"].new({"invoice_line_id": self.plan_line.id})
        self.assertFalse(fee._telecom_has_usage())
        # bad input: too much credit, negative credit
        with self.assertRaises(ValidationError):
            line.credit_amount = 0.16
        with self.assertRaises(ValidationError):
            line.credit_amount = -1.0
        Line = self.env["telecom.dispute.line"]
        again = self._dispute(usage=False)
        # another account's usage, usage not billed on the chosen line, another customer's
        # invoice line, usage already disputed elsewhere: refused, per line
        bad = [
            {"usage_record_ids": [(6, 0, self.b1.ids)]},
            {
                "invoice_line_id": self.plan_line.id,
                "usage_record_ids": [(6, 0, self.a2.ids)],
            },
            {"invoice_line_id": self.other_invoice.invoice_line_ids[:1].id},
            {"usage_record_ids": [(6, 0, self.a1.ids)]},
        ]
        for values in bad:
            with self.subTest(values=values), self.assertRaises(ValidationError):
                Line.create({"ticket_id": again.id, "description": "x", **values})
        # a free adjustment line
        free = Line.create(
            {
                "ticket_id": again.id,
                "description": "Goodwill for the wait",
                "disputed_amount": 5.0,
                "credit_amount": 5.0,
            }
        )
        self.assertEqual(free.description, "Goodwill for the wait")
        self.assertFalse(free._telecom_has_usage())
        # other kinds have no dispute
        self.assertFalse(self._ticket().telecom_dispute_state)

    def test_dispute_from_ticket_to_credit_note_with_dunning_exclusion_and_back(self):
        """Done when: a dispute goes from the ticket to the credit note, the account
        is out of billing's dunning while it is open and back in after."""
        ticket = self._dispute()
        Account = self.env["telecom.billing.account"]
        self.assertEqual((self.acc | self.other)._telecom_dunning_excluded(), self.acc)
        self.assertEqual(self.acc.telecom_open_dispute_count, 1)
        # billing's daily dunning, 10 days after the due date: the other customer gets
        # the reminder, the disputing one is skipped
        self.dun(10)
        self.assertEqual(self.other.dunning_level_id, self.reminder)
        self.assertFalse(self.acc.dunning_level_id)
        self.assertFalse(self.acc.dunning_event_ids)
        # closing it without an answer is refused
        with self.assertRaises(UserError):
            ticket.with_user(self.agent).stage_id = self.stage_resolved
        # the agent accepts; billing must approve: still excluded meanwhile
        wizard = Form(
            self.env["telecom.dispute.resolve.wizard"]
            .with_user(self.agent)
            .with_context(default_ticket_id=ticket.id)
        )
        wizard.outcome = "credit"
        wizard.note = "The call was a network test."
        self.assertEqual(wizard.credit_amount, 0.15)
        wizard.save().action_confirm()
        self.assertEqual(ticket.telecom_dispute_state, "credit_requested")
        self.assertTrue(ticket.activity_ids.filtered(lambda a: a.user_id == self.team_lead))
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).action_telecom_dispute_approve_credit()
        self.dun(12)
        self.assertFalse(self.acc.dunning_level_id)
        # billing approves: the credit note
        ticket.with_user(self.billing_user).action_telecom_dispute_approve_credit()
        self.assertEqual(ticket.telecom_dispute_state, "credited")
        self.assertEqual(ticket.stage_id.telecom_stage_kind, "resolved")
        credit = ticket.telecom_credit_note_ids
        self.assertEqual(len(credit), 1)
        self.assertEqual((credit.move_type, credit.state), ("out_refund", "posted"))
        self.assertEqual(credit.telecom_reason_code_id.code, "dispute_usage")
        self.assertEqual(credit.telecom_origin, f"helpdesk.ticket,{ticket.id}")
        self.assertEqual(credit.telecom_billing_account_id, self.acc)
        self.assertEqual(credit.reversed_entry_id, self.invoice)
        self.assertEqual((credit.amount_untaxed, credit.amount_total), (0.15, 0.18))
        credit_line = credit.invoice_line_ids
        self.assertEqual(credit_line.telecom_usage_record_ids, self.a1)
        self.assertEqual(credit_line.telecom_subscription_id, self.sub)
        dispute_line = ticket.telecom_dispute_line_ids
        self.assertEqual(dispute_line.credit_line_id, credit_line)
        self.assertEqual(dispute_line.credit_note_id, credit)
        self.assertEqual(dispute_line.invoice_line_id, self.usage_line)
        # reconciled with the disputed invoice: 60.78 - 0.18
        self.assertEqual(self.invoice.amount_residual, 60.60)
        told = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and credit.name in (m.body or "")
        )
        self.assertEqual(told.partner_ids, self.acc.partner_id)
        # back in dunning: the rest is still overdue
        self.assertFalse(Account.browse(self.acc.id)._telecom_dunning_excluded())
        self.dun(14)
        self.assertEqual(self.acc.dunning_level_id, self.reminder)
        self.assertEqual(self.acc.dunning_event_ids.overdue_amount, 60.60)
        # no second answer
        with self.assertRaises(UserError):
            ticket._telecom_dispute_credit("again")

    def test_dispute_rejected_reopened_cancelled(self):
        ticket = self._dispute()
        wizard = Form(
            self.env["telecom.dispute.resolve.wizard"]
            .with_user(self.agent)
            .with_context(default_ticket_id=ticket.id)
        )
        wizard.outcome = "reject"
        wizard.note = "The call is in the switch records."
        wizard.save().action_confirm()
        self.assertEqual(ticket.telecom_dispute_state, "rejected")
        self.assertEqual(ticket.stage_id, self.stage_rejected)
        self.assertFalse(ticket.telecom_credit_note_ids)
        self.assertFalse(self.acc._telecom_dunning_excluded())
        self.dun(10)
        self.assertEqual(self.acc.dunning_level_id, self.reminder, "dunned once rejected")
        told = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and "could not accept" in (m.body or "")
        )
        self.assertEqual(told.partner_ids, self.acc.partner_id)
        # reopened: open again, excluded again; cancelled: not
        ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.telecom_dispute_state, "open")
        self.assertEqual(self.acc._telecom_dunning_excluded(), self.acc)
        ticket.stage_id = self.stage_cancelled
        self.assertEqual(ticket.telecom_dispute_state, "cancelled")
        self.assertFalse(self.acc._telecom_dunning_excluded())
        with self.assertRaises(UserError):
            ticket._telecom_dispute_reject("again")

    def test_dispute_resolved_by_rerating_the_usage(self):
        """The tariff was wrong: billing re-rates the disputed usage; the difference is
        an adjustment on the next invoice (no credit note)."""
        ticket = self._dispute(credit=0.0)
        # bad input: an agent may not re-rate; a dispute without usage cannot be re-rated
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent)._telecom_dispute_rerate("no")
        empty = self._dispute(usage=False)
        with self.assertRaises(UserError):
            empty.with_user(self.billing_user)._telecom_dispute_rerate("nothing")
        # same tariffs: nothing changes, the dispute stays open
        with self.assertRaises(UserError):
            ticket.with_user(self.billing_user)._telecom_dispute_rerate("same price")
        self.assertEqual(ticket.telecom_dispute_state, "open")
        adjustments = [("billing_account_id", "=", self.acc.id), ("kind", "=", "adjustment")]
        self.assertFalse(self.env["telecom.charge"].search(adjustments))
        # the peak price was wrong: 0.10 -> 0.05 a minute
        self.prices[("voice", "BE-FIX", "peak")].price = 0.05
        ticket.with_user(self.billing_user)._telecom_dispute_rerate("Peak price fixed")
        self.assertEqual(ticket.telecom_dispute_state, "rerated")
        self.assertEqual(ticket.stage_id.telecom_stage_kind, "resolved")
        charge = ticket.telecom_rerating_id.adjustment_charge_ids
        # a1: 0.10 + 0.05 = 0.15 -> 0.05 + 0.05 = 0.10; a2 is not disputed
        self.assertEqual((charge.kind, charge.amount), ("adjustment", -0.05))
        self.assertEqual(charge.billing_account_id, self.acc)
        self.assertEqual(charge.usage_record_ids, self.a1)
        self.assertEqual(self.a1.adjusted_amount, 0.10)
        self.assertFalse(self.a2.adjusted_amount)
        self.assertFalse(ticket.telecom_credit_note_ids)
        self.assertEqual(self.acc._telecom_dunning_excluded(), self.acc, "the other dispute")
        empty.stage_id = self.stage_cancelled
        self.assertFalse(self.acc._telecom_dunning_excluded())
        with self.assertRaises(UserError):
            ticket.with_user(self.billing_user)._telecom_dispute_rerate("again")

    def test_dispute_over_several_invoices_credits_each_invoice_for_its_own_lines(self):
        # July's bill: Golden again (25.00)
        july = self.bill(date(2025, 7, 1), self.acc).line_ids.move_id
        self.assertEqual(july.amount_total, 30.25)
        july_fee = july.invoice_line_ids.filtered(lambda line: line.display_type == "product")
        ticket = self._dispute(usage=False)  # the ticket names June's invoice
        Line = self.env["telecom.dispute.line"].with_user(self.agent)
        june_line = Line.create(
            {"ticket_id": ticket.id, "invoice_line_id": self.plan_line.id, "credit_amount": 10.0}
        )
        july_line = Line.create(
            {"ticket_id": ticket.id, "invoice_line_id": july_fee.id, "credit_amount": 5.0}
        )
        free = Line.create(
            {
                "ticket_id": ticket.id,
                "description": "Goodwill for the wait",
                "disputed_amount": 2.0,
                "credit_amount": 2.0,
            }
        )
        ticket.with_user(self.billing_user)._telecom_dispute_credit("Both months were wrong")
        self.assertEqual(ticket.telecom_dispute_state, "credited")
        notes = ticket.telecom_credit_note_ids
        self.assertEqual(len(notes), 2, "one credit note per disputed invoice")
        june_note = notes.filtered(lambda m: m.reversed_entry_id == self.invoice)
        july_note = notes.filtered(lambda m: m.reversed_entry_id == july)
        # each invoice credited for its own lines (the free amount: the ticket's invoice)
        self.assertEqual(june_line.credit_note_id, june_note)
        self.assertEqual(free.credit_note_id, june_note)
        self.assertEqual(july_line.credit_note_id, july_note)
        self.assertEqual(june_note.invoice_line_ids.mapped("price_subtotal"), [10.0, 2.0])
        self.assertEqual(july_note.invoice_line_ids.mapped("price_subtotal"), [5.0])
        # 12.00 + 21 % = 14.52 off June's 60.78; 5.00 + 21 % = 6.05 off July's 30.25
        self.assertEqual(june_note.amount_total, 14.52)
        self.assertEqual(july_note.amount_total, 6.05)
        self.assertEqual(self.invoice.amount_residual, 46.26)
        self.assertEqual(july.amount_residual, 24.20)
        for note in notes:
            self.assertEqual((note.state, note.move_type), ("posted", "out_refund"))
            self.assertEqual(note.telecom_reason_code_id.code, "dispute_fee")
        told = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and july_note.name in (m.body or "")
        )
        self.assertIn(june_note.name, told.body)
