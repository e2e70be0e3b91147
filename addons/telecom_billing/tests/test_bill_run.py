# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bill runs: proration to the cent, the golden account, taxes, dry runs, uniqueness."""

from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestBillRunProration(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.acc = cls._account("Pro Ration")
        cls.sub = cls._sub(cls.acc, cls.mobile_m, date(2025, 7, 10), "+32470100001")

    def test_activation_plan_change_termination(self):
        # activated on 10 July, after the July run: August bills 22/31 of July + August
        run = self.bill(date(2025, 8, 1), self.acc)
        move = self.invoice(run, self.acc)
        self.assertEqual(run.state, "done")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual([a for _n, a in self.amounts(move)], [14.19, 19.99])
        july = move.invoice_line_ids.filtered(lambda ln: ln.telecom_days == 22)
        self.assertEqual(
            (july.telecom_period_days, july.telecom_rate, july.telecom_proration),
            (31, 19.99, "daily"),
        )
        self.assertIn("22/31 days of 19.99 (daily proration)", july.name)
        self.assertEqual(july.telecom_period_from, date(2025, 7, 10))
        # 14.19 x 21% = 2.9799 -> 2.98; 19.99 x 21% = 4.1979 -> 4.20
        self.assertEqual(
            (move.amount_untaxed, move.amount_tax, move.amount_total), (34.18, 7.18, 41.36)
        )

        # plan change to Mobile L from 15 August (August was billed in advance)
        self.sub.action_change_plan(self.mobile_l, date(2025, 8, 15))
        run = self.bill(date(2025, 9, 1), self.acc)
        move = self.invoice(run, self.acc)
        # old: 14/31 x 19.99 = 9.03 now, 19.99 billed: -10.96; new: 17/31 x 29.99 = 16.45
        self.assertEqual([a for _n, a in self.amounts(move)], [-10.96, 16.45, 29.99])
        # taxes: -2.30 + 3.45 + 6.30
        self.assertEqual(
            (move.amount_untaxed, move.amount_tax, move.amount_total), (35.48, 7.45, 42.93)
        )

        # terminated on 20 September (last day of service): 20/30 x 29.99 = 19.99, -10.00
        self.sub.action_terminate(date(2025, 9, 20))
        run = self.bill(date(2025, 10, 1), self.acc)
        move = self.invoice(run, self.acc)
        self.assertEqual(move.move_type, "out_refund")
        self.assertEqual([a for _n, a in self.amounts(move)], [-10.00])
        self.assertEqual(
            (move.amount_untaxed, move.amount_tax, move.amount_total), (10.00, 2.10, 12.10)
        )
        self.assertEqual(run.line_ids.amount_total, -12.10)
        # nothing more to bill afterwards, ever
        run = self.bill(date(2025, 11, 1), self.acc)
        self.assertEqual(run.line_ids.state, "empty")
        self.assertFalse(run.line_ids.move_id)

    def test_policies_full_and_none(self):
        full = self._account("Full Policy")
        whole = self._account("Whole Policy")
        sub_full = self._sub(full, self.mobile_full, date(2025, 7, 10), "+32470100002")
        sub_whole = self._sub(whole, self.mobile_whole, date(2025, 7, 10), "+32470100003")
        run = self.bill(date(2025, 8, 1), full | whole)
        self.assertEqual([a for _n, a in self.amounts(self.invoice(run, full))], [30.00, 30.00])
        # no charge for the partial July, the line still explains it
        whole_lines = self.amounts(self.invoice(run, whole))
        self.assertEqual([a for _n, a in whole_lines], [0.00, 31.00])
        sub_full.action_terminate(date(2025, 8, 20))
        sub_whole.action_terminate(date(2025, 8, 20))
        run = self.bill(date(2025, 9, 1), full | whole)
        # full: no credit for August (an explanatory 0.00 line); none: August credited
        self.assertEqual([a for _n, a in self.amounts(self.invoice(run, full))], [0.00])
        self.assertEqual(self.invoice(run, whole).move_type, "out_refund")
        self.assertEqual([a for _n, a in self.amounts(self.invoice(run, whole))], [-31.00])

    def test_cutover_date(self):
        old = self._account("Old Customer")
        self._sub(old, self.mobile_m, date(2023, 3, 5), "+32470100004")
        self.company.telecom_billing_cutover_date = date(2025, 7, 1)
        run = self.bill(date(2025, 7, 1), old)
        self.assertEqual([a for _n, a in self.amounts(self.invoice(run, old))], [19.99])

    def test_quarterly_account(self):
        quarterly = self._account("Quarterly", billing_period="quarterly", billing_day=1)
        self.assertEqual(
            quarterly.with_context(date="2025-08-20").next_bill_date, date(2025, 10, 1)
        )
        self.assertEqual(self.acc.with_context(date="2025-08-20").next_bill_date, date(2025, 9, 1))
        self._sub(quarterly, self.mobile_m, date(2025, 8, 16), "+32470100005")
        # a quarterly account is due in January, April, July, October only
        run = self.bill(date(2025, 9, 1), quarterly)
        self.assertFalse(run.line_ids)
        run = self.bill(date(2025, 10, 1), quarterly)
        line = run.line_ids
        self.assertEqual(
            (line.period_start, line.period_end), (date(2025, 10, 1), date(2025, 12, 31))
        )
        # July-September: 46/92 x 59.97 = 29.985 -> 29.99; then the quarter 59.97
        self.assertEqual([a for _n, a in self.amounts(line.move_id)], [29.99, 59.97])


@tagged("post_install", "-at_install")
class TestBillRunGolden(BillingFixtures, TransactionCase):
    """The golden billing account: every kind of charge on one invoice, hand-computed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.gold = cls._account("Golden Customer")
        cls.gold.partner_id.tz = "Europe/Brussels"
        cls.gsub = cls._sub(
            cls.gold, cls.golden, date(2025, 5, 10), "+32470000101", addons=[cls.data_addon]
        )
        Charge = cls.env["telecom.charge"]
        cls.fee_charge = Charge.create(
            {
                "billing_account_id": cls.gold.id,
                "subscription_id": cls.gsub.id,
                "product_id": cls.fee.id,
                "kind": "one_time",
                "description": "Activation fee",
                "amount": 25.0,
                "date": date(2025, 5, 10),
            }
        )
        cls.discount = Charge.create(
            {
                "billing_account_id": cls.gold.id,
                "kind": "discount",
                "description": "Welcome discount",
                "amount": -5.0,
                "date": date(2025, 5, 10),
            }
        )
        # May usage (Brussels time): Saturday 17 May 10:00 90 s to a fixed line (weekend
        # 0.04/min, 60/60: 0.08); Monday 19 May 10:00 30 s (peak 0.10 + 0.05 fee: 0.15);
        # two SMS (0.10 each); 3 MB of data (0.02/MB: 0.06)
        cls.batch = cls.env["telecom.mediation.batch"]._import_data(
            cls.source,
            (
                "record_id,subscriber,usage_type,start_time,quantity,direction,called_number,"
                "location\n"
                "g1,+32470000101,voice,2025-05-17T08:00:00Z,90,out,+3222222222,\n"
                "g2,+32470000101,voice,2025-05-19T08:00:00Z,30,out,+3222222223,\n"
                "g3,+32470000101,sms,2025-05-19T09:00:00Z,1,out,+32470000999,\n"
                "g4,+32470000101,sms,2025-05-19T09:05:00Z,1,out,+32470000998,\n"
                f"g5,+32470000101,data,2025-05-20T09:00:00Z,{3 * 1024 * 1024},out,,\n"
            ).encode(),
            "golden.csv",
        )

    def test_golden_invoice(self):
        usage = self.env["telecom.usage.record"].search([("batch_id", "=", self.batch.id)])
        self.assertEqual(usage.mapped("state"), ["rated"] * 5)
        run = self.bill(date(2025, 6, 1), self.gold)
        move = self.invoice(run, self.gold)
        lines = dict(self.amounts(move))
        self.assertEqual(
            [a for _n, a in self.amounts(move)],
            [
                17.74,  # Golden 22/31 x 25.00 (May)
                4.26,  # Data 10 GB 22/31 x 6.00 (May)
                25.00,  # Golden June
                6.00,  # Data 10 GB June
                25.00,  # activation fee
                -5.00,  # welcome discount
                0.06,  # data 3 MB
                0.20,  # SMS x 2
                0.23,  # voice BE-FIX 0.08 + 0.15
            ],
            lines,
        )
        # 21 % per line: 3.73 + 0.89 + 5.25 + 1.26 + 5.25 - 1.05 + 0.04 + 0.05 + 0.01
        self.assertEqual(move.amount_untaxed, 73.49)
        self.assertEqual(move.amount_tax, 15.43)
        self.assertEqual(move.amount_total, 88.92)
        sections = move.invoice_line_ids.filtered(lambda ln: ln.display_type == "line_section")
        self.assertEqual(sections.mapped("telecom_section"), ["recurring", "one_time", "usage"])
        # everything it billed points to its line, nothing is left pending
        usage.invalidate_recordset()
        self.assertEqual(set(usage.mapped("state")), {"billed"})
        self.assertEqual(usage.invoice_line_id.move_id, move)
        self.assertEqual((self.fee_charge | self.discount).mapped("state"), ["billed", "billed"])
        voice = move.invoice_line_ids.filtered(
            lambda ln: ln.telecom_usage_type_id == self.usage_types["voice"]
        )
        self.assertEqual((voice.telecom_usage_count, voice.telecom_usage_quantity), (2, 120))
        self.assertEqual(run.line_ids.usage_count, 5)
        self.assertEqual(run.line_ids.recurring_amount, 53.00)
        self.assertEqual(run.line_ids.usage_amount, 0.49)
        self.assertEqual(run.line_ids.one_time_amount, 20.00)
        # the next month: June usage none, July fees only
        run = self.bill(date(2025, 7, 1), self.gold)
        self.assertEqual([a for _n, a in self.amounts(self.invoice(run, self.gold))], [25.00, 6.00])

    def test_dry_run_writes_nothing(self):
        moves_before = self.env["account.move"].search_count([])
        run = self.bill(date(2025, 6, 1), self.gold, dry_run=True)
        self.assertEqual(run.state, "done")
        line = run.line_ids
        self.assertEqual(
            (line.state, line.amount_untaxed, line.amount_total), ("done", 73.49, 88.92)
        )
        self.assertFalse(line.move_id)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(self.fee_charge.state, "pending")
        usage = self.env["telecom.usage.record"].search([("batch_id", "=", self.batch.id)])
        self.assertEqual(set(usage.mapped("state")), {"rated"})
        self.assertFalse(any(self.gsub.line_ids.mapped("telecom_billed_to")))
        # a real run afterwards bills the same
        run = self.bill(date(2025, 6, 1), self.gold)
        self.assertEqual(self.invoice(run, self.gold).amount_total, 88.92)

    def test_second_run_same_period_claims_nothing(self):
        first = self.bill(date(2025, 6, 1), self.gold)
        second = self.bill(date(2025, 6, 1), self.gold)
        self.assertEqual(first.done_count, 1)
        self.assertEqual((second.account_count, second.skipped_count), (0, 1))
        self.assertEqual(
            self.env["account.move"].search_count(
                [
                    ("telecom_billing_account_id", "=", self.gold.id),
                    ("telecom_period_start", "=", date(2025, 6, 1)),
                ]
            ),
            1,
        )

    def test_database_refuses_a_second_invoice(self):
        run = self.bill(date(2025, 6, 1), self.gold)
        move = self.invoice(run, self.gold)
        self.assertEqual(move.state, "posted")
        # whatever the code does, PostgreSQL refuses a second live invoice of the period...
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            move.copy(
                {
                    "telecom_billing_account_id": self.gold.id,
                    "telecom_period_start": date(2025, 6, 1),
                }
            )
        # ...and a second claim of the account for the period by any run
        other = self.env["telecom.bill.run"].create({"date": date(2025, 6, 1), "billing_day": 1})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["telecom.bill.run.line"].create(
                {
                    "run_id": other.id,
                    "billing_account_id": self.gold.id,
                    "period_start": date(2025, 6, 1),
                    "period_end": date(2025, 6, 30),
                    "company_id": self.company.id,
                }
            )
        # a cancelled invoice frees the period
        move.button_cancel()
        copy = move.copy(
            {"telecom_billing_account_id": self.gold.id, "telecom_period_start": date(2025, 6, 1)}
        )
        self.assertEqual(copy.state, "draft")

    def test_cancel_and_rebill(self):
        run = self.bill(date(2025, 6, 1), self.gold)
        move = self.invoice(run, self.gold)
        move.button_cancel()
        self.assertEqual(run.line_ids.state, "cancelled")
        self.assertEqual(self.fee_charge.state, "pending")
        usage = self.env["telecom.usage.record"].search([("batch_id", "=", self.batch.id)])
        self.assertEqual(set(usage.mapped("state")), {"rated"})
        self.assertFalse(any(self.gsub.line_ids.mapped("telecom_billed_to")))
        run.line_ids.action_retry()
        again = self.invoice(run, self.gold)
        self.assertNotEqual(again, move)
        self.assertEqual((again.state, again.amount_total), ("posted", 88.92))


@tagged("post_install", "-at_install")
class TestBillRunRobust(BillingFixtures, TransactionCase):
    """One failing account never stops the others; a killed run resumes exactly once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.company.telecom_billrun_chunk = 3
        cls.accounts = cls.env["telecom.billing.account"]
        for index in range(8):
            account = cls._account(f"Robust {index}")
            cls._sub(account, cls.mobile_m, date(2025, 5, 1), f"+3247020000{index}")
            cls.accounts |= account

    def test_failing_account_is_isolated_and_retried_alone(self):
        bad = self.accounts[4]
        # a product without an income account cannot be invoiced
        broken = self._plan("Broken", "TB-BROKEN", 3.0, kind="addon")
        sub = bad.subscription_ids
        sub.line_ids = [Command.create({"product_id": broken.id, "date_start": date(2025, 5, 1)})]
        broken.product_tmpl_id.categ_id = self.env["product.category"].create({"name": "No acc"})
        broken.product_tmpl_id.categ_id.property_account_income_categ_id = False
        broken.product_tmpl_id.property_account_income_id = False
        run = self.bill(date(2025, 6, 1), self.accounts)
        self.assertEqual(run.done_count, 7)
        self.assertEqual(run.error_count, 1)
        failed = run.line_ids.filtered(lambda line: line.state == "error")
        self.assertEqual(failed.billing_account_id, bad)
        self.assertIn("income account", failed.error)
        self.assertEqual(run.state, "done")
        self.assertEqual(len(run.invoice_ids), 7)
        # fixed, then retried alone
        broken.product_tmpl_id.property_account_income_id = (
            self.invoice(run, self.accounts[0]).invoice_line_ids[1].account_id
        )
        failed.action_retry()
        self.assertEqual(failed.state, "done")
        self.assertEqual(failed.move_id.state, "posted")
        self.assertEqual(run.error_count, 0)
        self.assertEqual(len(run.invoice_ids), 8)

    def test_killed_run_resumes_exactly_once(self):
        run = self.env["telecom.bill.run"].create(
            {
                "date": date(2025, 6, 1),
                "billing_day": 1,
                "billing_account_ids": [Command.set(self.accounts.ids)],
            }
        )
        run._prepare_lines()
        run.state = "running"
        # the first chunk commits (here: a released savepoint)
        with self.env.cr.savepoint():
            self.assertEqual(run._process_pending(max_chunks=1), 3)
        # progress is read from the lines while the run goes on
        run.invalidate_recordset()
        self.assertEqual((run.done_count, run.pending_count, run.progress), (3, 5, 37.5))

        # the process dies in the middle of the second chunk: its transaction is lost
        class Killed(BaseException):
            pass

        engine_process = type(self.env["telecom.invoice.writer"])._telecom_write

        def dying(writer, specs, fast=True, **kwargs):
            engine_process(writer, specs, fast=fast, **kwargs)  # the invoices exist...
            raise Killed()  # ...when the process is killed

        with self.assertRaises(Killed), self.env.cr.savepoint():
            type(self.env["telecom.invoice.writer"])._telecom_write = dying
            try:
                run._process_pending(max_chunks=1)
            finally:
                type(self.env["telecom.invoice.writer"])._telecom_write = engine_process
        self.env.invalidate_all()
        self.assertEqual(
            run.line_ids.filtered(lambda ln: ln.state == "done").mapped("billing_account_id"),
            self.accounts[:3],
        )
        self.assertEqual(
            self.env["account.move"].search_count([("telecom_bill_run_id", "=", run.id)]), 3
        )
        # resumed: every account exactly one invoice for the period
        run.action_resume()
        self.assertEqual(run.state, "done")
        for account in self.accounts:
            moves = self.env["account.move"].search(
                [
                    ("telecom_billing_account_id", "=", account.id),
                    ("telecom_period_start", "=", date(2025, 6, 1)),
                    ("state", "!=", "cancel"),
                ]
            )
            self.assertEqual(len(moves), 1, account.name)
            self.assertEqual(moves.state, "posted")
            # May (31/31) and June: billed once
            self.assertEqual(moves.amount_untaxed, 39.98)
        self.assertEqual(
            sorted(run.invoice_ids.mapped("name")), sorted(set(run.invoice_ids.mapped("name")))
        )

    def test_cron_goes_on_with_a_run_whose_jobs_died(self):
        run = self.env["telecom.bill.run"].create(
            {"date": date(2025, 6, 1), "billing_day": 1,
             "billing_account_ids": [Command.set(self.accounts[:4].ids)]}
        )  # fmt: skip
        run._prepare_lines()
        run.state = "running"  # claimed, but no job ever ran
        self.env["telecom.bill.run"]._cron_process()
        self.assertEqual((run.state, run.done_count, run.posted_count), ("done", 4, 4))
        self.assertEqual(len(run.invoice_ids.filtered(lambda m: m.state == "posted")), 4)

    def test_bill_run_jobs_may_commit_their_chunks(self):
        """A bill-run job commits after each chunk: queue_job runs it only if its job
        function allows commits (else every job fails with 'Commit is forbidden')."""
        config = self.env["queue.job.function"].job_config(
            self.env["queue.job.function"].job_function_name("telecom.bill.run", "_job_bill")
        )
        self.assertTrue(config.allow_commit)
        self.assertEqual(config.channel, "root.telecom_billing")
