# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Adjustments: credit notes with reason codes and origins, re-rating of invoiced usage,
and the plan change preview's prorated amount."""

from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, tagged

from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestAdjustments(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.acc = cls._account("Adjusted Customer")
        cls.sub = cls._sub(cls.acc, cls.golden, date(2025, 5, 1), "+32470000101")
        cls.batch = cls.env["telecom.mediation.batch"]._import_data(
            cls.source,
            (
                b"record_id,subscriber,usage_type,start_time,quantity,direction,called_number,"
                b"location\n"
                b"a1,+32470000101,voice,2025-05-19T08:00:00Z,30,out,+3222222223,\n"
                b"a2,+32470000101,voice,2025-05-17T08:00:00Z,90,out,+3222222222,\n"
            ),
            "adjust.csv",
        )
        run = cls.bill(cls, date(2025, 6, 1), cls.acc)
        cls.invoice = run.line_ids.move_id
        cls.usage = cls.env["telecom.usage.record"].search([("batch_id", "=", cls.batch.id)])

    def test_credit_note_for_a_dispute(self):
        disputed = self.usage.filtered(lambda u: u.source_record_id == "a1")
        ticket_like = self.env["res.partner"].create({"name": "Ticket #42 stand-in"})
        credit = self.acc._telecom_create_credit_note(
            [
                {
                    "description": "Disputed call",
                    "amount": 0.15,
                    "usage_record_ids": disputed.ids,
                    "subscription_id": self.sub.id,
                }
            ],
            "dispute_usage",
            origin=ticket_like,
            invoice=self.invoice,
        )
        self.assertEqual((credit.move_type, credit.state), ("out_refund", "posted"))
        self.assertEqual(credit.telecom_kind, "credit")
        self.assertEqual(credit.telecom_reason_code_id.code, "dispute_usage")
        self.assertEqual(credit.telecom_origin, f"res.partner,{ticket_like.id}")
        self.assertEqual(credit.telecom_origin_name, "Ticket #42 stand-in")
        self.assertEqual(credit.reversed_entry_id, self.invoice)
        self.assertEqual(credit.amount_total, 0.18)  # 0.15 + 21 %
        line = credit.invoice_line_ids
        self.assertEqual(line.telecom_usage_record_ids, disputed)
        self.assertEqual(line.telecom_subscription_id, self.sub)
        # reconciled with the open invoice: the customer owes the rest
        self.assertEqual(self.invoice.amount_residual, round(self.invoice.amount_total - 0.18, 2))
        self.assertFalse(credit.telecom_period_start, "credits never take a bill's place")

    def test_goodwill_and_sla_credit_through_the_wizard(self):
        form = Form(
            self.env["telecom.credit.note.wizard"].with_context(
                default_billing_account_id=self.acc.id
            )
        )
        form.reason_code_id = self.env.ref("telecom_crm.telecom_reason_code_credit_outage")
        self.assertEqual(form.description, "Service outage (SLA credit)")
        form.amount = 10.0
        form.origin = "Outage 2025-06-03"
        action = form.save().action_confirm()
        credit = self.env["account.move"].browse(action["res_id"])
        self.assertEqual((credit.amount_untaxed, credit.amount_total), (10.0, 12.1))
        self.assertEqual(credit.telecom_origin_name, "Outage 2025-06-03")
        self.assertFalse(credit.reversed_entry_id)

    def test_credit_note_refuses_bad_input(self):
        good = [{"description": "Goodwill", "amount": 5.0}]
        cases = [
            ([], "credit_goodwill"),
            ([{"amount": 5.0}], "credit_goodwill"),
            ([{"description": "x", "amount": -5.0}], "credit_goodwill"),
            ([{"description": "x", "amount": "five"}], "credit_goodwill"),
            ([{"description": "x", "amount": 5, "colour": "red"}], "credit_goodwill"),
            (good, "term_competitor"),  # not a credit reason
            (good, "nope"),
            (good, None),
        ]
        for lines, reason in cases:
            with self.subTest(lines=lines, reason=reason), self.assertRaises(ValidationError):
                self.acc._telecom_create_credit_note(lines, reason)
        other = self._account("Someone Else")
        other_sub = self._sub(other, self.mobile_m, date(2025, 5, 1), "+32470700001")
        with self.assertRaises(ValidationError):
            self.acc._telecom_create_credit_note(
                [{"description": "x", "amount": 1.0, "subscription_id": other_sub.id}],
                "credit_goodwill",
            )
        with self.assertRaises(ValidationError):
            other._telecom_create_credit_note(good, "credit_goodwill", invoice=self.invoice)
        # a user without invoicing rights cannot credit
        with self.assertRaises(UserError):
            self.acc.with_user(self.telecom_user)._telecom_create_credit_note(
                good, "credit_goodwill"
            )
        self.assertFalse(
            self.env["account.move"].search([("telecom_kind", "=", "credit")]),
            "nothing partial was written",
        )

    def test_rerating_invoiced_usage_adjusts_the_next_invoice(self):
        self.assertEqual(set(self.usage.mapped("state")), {"billed"})
        # the fixed-line peak price was wrong: 0.10 -> 0.20 per minute
        self.prices[("voice", "BE-FIX", "peak")].price = 0.20
        rerating = self.env["telecom.rerating"].create(
            {
                "period_from": date(2025, 5, 1),
                "period_to": date(2025, 5, 1),
                "reason": "Peak price fix",
            }
        )
        rerating.action_run()
        self.assertEqual(rerating.billed_count, 2)
        charge = rerating.adjustment_charge_ids
        # a1: 1 min at peak, 0.10 + 0.05 fee = 0.15 -> 0.20 + 0.05 = 0.25 (a2 is weekend)
        self.assertEqual(
            (charge.kind, charge.amount, charge.state), ("adjustment", 0.10, "pending")
        )
        self.assertEqual(charge.usage_record_ids.mapped("source_record_id"), ["a1"])
        a1 = charge.usage_record_ids
        self.assertEqual((a1.state, a1.amount, a1.adjusted_amount), ("billed", 0.15, 0.25))
        # re-rating again changes nothing more
        again = self.env["telecom.rerating"].create(
            {"period_from": date(2025, 5, 1), "period_to": date(2025, 5, 1), "reason": "again"}
        )
        again.action_run()
        self.assertFalse(again.adjustment_charge_ids)
        # the next bill carries it in the adjustments section (the charge is dated today)
        next_bill = fields.Date.context_today(self.acc).replace(day=1) + relativedelta(months=1)
        run = self.bill(next_bill, self.acc)
        move = run.line_ids.move_id
        adjustment = move.invoice_line_ids.filtered(
            lambda ln: ln.telecom_section == "adjustment" and ln.display_type == "product"
        )
        self.assertEqual(adjustment.price_subtotal, 0.10)
        self.assertEqual(charge.state, "billed")
        self.assertEqual(charge.invoice_line_id, adjustment)


@tagged("post_install", "-at_install")
class TestChangePreview(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.acc = cls._account("Preview Customer")
        cls.sub = cls._sub(cls.acc, cls.mobile_m, date(2025, 1, 1), "+32470800001")

    def test_prorated_amount(self):
        preview = self.sub._telecom_change_preview(self.mobile_l, date(2025, 8, 15))
        # -10.96 for 17 days less of Mobile M, +16.45 for 17 days of Mobile L
        self.assertEqual(preview["amount"], 5.49)
        self.assertEqual(preview["proration_policy"], "daily")
        # to a full-period plan: the whole new period, minus the old days
        preview = self.sub._telecom_change_preview(self.mobile_full, "2025-08-15")
        self.assertEqual(preview["amount"], round(-10.96 + 30.00, 2))
        # the RPC answer carries it too
        answer = (
            self.env["telecom.api"]
            .with_user(self.manager)
            .change_plan(self.sub.name, self.mobile_l.default_code, "2025-08-15")
        )
        self.assertEqual(answer["preview"]["amount"], 5.49)
