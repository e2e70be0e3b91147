# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The reports and pages made fast for the load test (issue 16): the ageing's
buckets and its list by customer, the revenue summary (a materialized view), the
invoice's usage count, and the sending cron's short transactions.

Every figure is compared with the same figure computed the plain way from the
invoice lines; who may read what is tried with a user of each role.
"""

from datetime import date, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged
from odoo.tools import SQL

from ..models.account_move import SEND_BATCH
from ..report.telecom_ar_ageing_report import OPEN_ITEMS_INDEX
from .billing_common import BillingFixtures

MEASURES = ["not_due", "days_1_30", "days_31_60", "days_61_90", "days_over_90", "residual"]


def bucket_of(days):
    if days <= 0:
        return "not_due"
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    if days <= 90:
        return "61_90"
    return "over_90"


@tagged("post_install", "-at_install")
class TestRetrieval(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.accounts = cls.env["telecom.billing.account"]
        for index in range(3):
            acc = cls._account(f"Retrieval Customer {index}")
            cls._sub(acc, cls.mobile_m, date(2025, 5, 1), f"+3247099100{index}")
            cls.accounts |= acc
        days = (date(2025, 6, 1), date(2025, 7, 1))
        cls.runs = [cls.bill(cls, day, cls.accounts) for day in days]
        today = fields.Date.context_today(cls.env["account.move"])
        # open items in every bucket: invoices of the customers due on other days, one
        # of them partly paid; a company that is no telecom customer is left out
        cls.manual = cls.env["account.move"]
        for acc, days in zip(cls.accounts, (-10, 15, 45), strict=True):
            cls.manual |= cls._invoice(acc.partner_id, today - timedelta(days=days))
        cls.manual |= cls._invoice(cls.accounts[0].partner_id, today - timedelta(days=75))
        cls.stranger = cls.env["res.partner"].create({"name": "Not A Telecom Customer"})
        cls.foreign = cls._invoice(cls.stranger, today - timedelta(days=5))
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.manual[1].ids
        ).create({"amount": 10.0})._create_payments()
        cls.partners = cls.accounts.partner_id | cls.stranger
        cls.portal = new_test_user(cls.env, login="tb_retrieval_portal", groups="base.group_portal")

    @classmethod
    def _invoice(cls, partner, due, account=None):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "telecom_billing_account_id": account.id if account else False,
                "invoice_date": due - timedelta(days=20),
                "invoice_date_due": due,
                "journal_id": cls.journal.id,
                "invoice_line_ids": [
                    Command.create({"product_id": cls.fee.id, "quantity": 1, "price_unit": 100.0})
                ],
            }
        )
        move.action_post()
        return move

    # -- receivables ageing -------------------------------------------------------------
    def _open_items(self):
        """The plain computation: open receivable lines of telecom customers."""
        telecom = set(self.env["telecom.billing.account"].search([]).partner_id.ids)
        lines = self.env["account.move.line"].search(
            [
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
                ("partner_id", "in", self.partners.ids),
            ]
        )
        today = fields.Date.context_today(lines)
        return [
            line
            for line in lines
            if line.move_id.telecom_billing_account_id
            or line.partner_id.commercial_partner_id.id in telecom
        ], today

    def test_ageing_buckets_match_the_open_items(self):
        lines, today = self._open_items()
        expected = {}
        for line in lines:
            bucket = bucket_of((today - (line.date_maturity or line.date)).days)
            expected[bucket] = round(expected.get(bucket, 0.0) + line.amount_residual, 2)
        self.assertEqual(set(expected), {"not_due", "1_30", "31_60", "61_90", "over_90"})
        Ageing = self.env["telecom.ar.ageing.report"].with_user(self.billing_user)
        domain = [("partner_id", "in", self.partners.ids)]
        # what the pivot asks: the total, then the buckets
        [total] = Ageing.read_group(domain, ["residual:sum"], [], lazy=False)
        self.assertAlmostEqual(total["residual"], sum(expected.values()), places=2)
        groups = Ageing.read_group(domain, ["residual:sum"], ["bucket"], lazy=False)
        self.assertEqual(
            {g["bucket"]: round(g["residual"], 2) for g in groups},
            expected,
        )
        # the partly paid invoice shows what is left; the stranger is not in the report
        paid = Ageing.search([("move_id", "=", self.manual[1].id)])
        self.assertAlmostEqual(paid.residual, self.manual[1].amount_total - 10.0, places=2)
        self.assertFalse(Ageing.search([("partner_id", "=", self.stranger.id)]))

    def test_ageing_by_customer_pages_the_largest_debtors_first(self):
        lines, __ = self._open_items()
        owed = {}
        for line in lines:
            partner = line.partner_id.commercial_partner_id
            owed[partner] = owed.get(partner, 0.0) + line.amount_residual
        ranked = sorted(owed, key=lambda p: -owed[p])
        Ageing = self.env["telecom.ar.ageing.report"].with_user(self.billing_user)
        domain = [("partner_id", "in", self.partners.ids)]
        fields_ = [f"{m}:sum" for m in MEASURES]
        # a page of two customers, ordered by what they owe: the total is every customer
        page = Ageing.web_read_group(
            domain, fields_, ["partner_id"], limit=2, orderby="residual DESC", lazy=True
        )
        self.assertEqual(page["length"], len(owed))
        self.assertEqual([g["partner_id"][0] for g in page["groups"]], [p.id for p in ranked[:2]])
        for group in page["groups"]:
            partner = self.env["res.partner"].browse(group["partner_id"][0])
            self.assertAlmostEqual(group["residual"], owed[partner], places=2)
            self.assertAlmostEqual(
                sum(group[m] for m in MEASURES[:-1]), group["residual"], places=2
            )
        # the count is Odoo's own count of the groups, with and without an offset
        odoo_count = len(Ageing._read_group(domain, ["partner_id"]))
        self.assertEqual(page["length"], odoo_count)
        rest = Ageing.web_read_group(
            domain, fields_, ["partner_id"], limit=2, offset=2, orderby="residual DESC"
        )
        self.assertEqual(rest["length"], odoo_count)
        self.assertEqual(len(rest["groups"]), odoo_count - 2)
        # rows without a value make one group more (the count must say so too)
        by_account = Ageing.web_read_group(domain, fields_, ["billing_account_id"], limit=1)
        self.assertEqual(
            by_account["length"], len(Ageing._read_group(domain, ["billing_account_id"]))
        )
        self.assertIn(0, [len(a) for (a,) in Ageing._read_group(domain, ["billing_account_id"])])
        # any other grouping is Odoo's own answer; a field that does not exist is refused
        by_month = Ageing.web_read_group(domain, fields_, ["date_maturity:month"], limit=1)
        self.assertEqual(
            by_month["length"], len(Ageing._read_group(domain, ["date_maturity:month"]))
        )
        with self.assertRaises(ValueError):
            Ageing.web_read_group(domain, fields_, ["no_such_field"], limit=1)

    def test_ageing_reads_the_open_items_index(self):
        """The report's condition lets PostgreSQL read the open items from their
        index instead of every move line (reading whole tables priced out, as in
        telecom_crm's test_search_indexes)."""
        query = self.env["telecom.ar.ageing.report"]._search([])
        cr = self.env.cr
        with cr.savepoint(flush=False) as savepoint:
            cr.execute("SET LOCAL enable_seqscan = off")
            cr.execute(SQL("EXPLAIN %s", query.select()))
            plan = "\n".join(row[0] for row in cr.fetchall())
            savepoint.rollback()
        self.assertIn(OPEN_ITEMS_INDEX, plan)

    def test_ageing_by_role(self):
        for user in (self.telecom_user, self.portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["telecom.ar.ageing.report"].with_user(user).web_read_group(
                    [], ["residual:sum"], ["partner_id"], limit=80
                )
        views = (
            self.env["telecom.ar.ageing.report"]
            .with_user(self.billing_user)
            .get_views([(False, "pivot"), (False, "list")])
        )
        self.assertIn('name="bucket"', views["views"]["pivot"]["arch"])
        self.assertIn('default_order="residual desc"', views["views"]["list"]["arch"])

    # -- revenue summary ------------------------------------------------------------------
    def _plain_revenue(self):
        """{(section, month): amount} from the posted telecom invoice lines."""
        lines = self.env["account.move.line"].search(
            [
                ("move_id.state", "=", "posted"),
                ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                ("move_id.telecom_billing_account_id", "!=", False),
                ("display_type", "=", "product"),
                ("company_id", "=", self.company.id),
            ]
        )
        totals = {}
        for line in lines:
            key = (line.telecom_section, line.move_id.invoice_date.replace(day=1))
            totals[key] = round(totals.get(key, 0.0) - line.balance, 2)
        return totals

    def _summary(self, user=None):
        Summary = self.env["telecom.revenue.summary"].with_user(user or self.billing_user)
        rows = Summary._read_group(
            [("company_id", "=", self.company.id)], ["section", "date:month"], ["amount:sum"]
        )
        return {(section, month): round(amount, 2) for section, month, amount in rows}

    def test_revenue_summary_matches_the_invoice_lines(self):
        self.env["telecom.revenue.summary"]._refresh()
        expected = self._plain_revenue()
        self.assertTrue(expected)
        self.assertEqual(self._summary(), expected)
        # the line report gives the same figures
        lines = self.env["telecom.revenue.report"]._read_group(
            [("company_id", "=", self.company.id)], ["section", "date:month"], ["amount:sum"]
        )
        self.assertEqual({(s, m): round(a, 2) for s, m, a in lines}, expected)
        summary = self.env["telecom.revenue.summary"].search([], limit=1)
        self.assertTrue(summary.refreshed_at)

    def test_revenue_summary_is_as_of_its_refresh(self):
        Summary = self.env["telecom.revenue.summary"]
        Summary._refresh()
        before = self._summary()
        trigger = self.env["ir.cron.trigger"]
        cron = self.env.ref("telecom_billing.ir_cron_telecom_revenue_summary")
        triggers = trigger.search_count([("cron_id", "=", cron.id)])
        # a new bill run: not in the summary until it is refreshed; the run, done,
        # asked the cron to refresh it
        run = self.bill(date(2025, 8, 1), self.accounts)
        self.assertEqual(run.state, "done")
        self.assertGreater(trigger.search_count([("cron_id", "=", cron.id)]), triggers)
        self.assertEqual(self._summary(), before)
        self.assertNotEqual(self._plain_revenue(), before)
        # the cron's refresh, then the button's (a billing user)
        cron.method_direct_trigger()
        self.assertEqual(self._summary(), self._plain_revenue())
        # (Odoo numbers it: a date of another year than the bill runs' numbers)
        self._invoice(self.accounts[0].partner_id, date(2026, 9, 1), self.accounts[0])
        self.assertNotEqual(self._summary(), self._plain_revenue())
        action = Summary.with_user(self.billing_user).action_refresh()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self._summary(), self._plain_revenue())

    def test_revenue_summary_by_role(self):
        Summary = self.env["telecom.revenue.summary"]
        for user in (self.telecom_user, self.portal):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    Summary.with_user(user).action_refresh()
                with self.assertRaises(AccessError):
                    Summary.with_user(user).read_group([], ["amount:sum"], ["section"])
        # another company's revenue stays with it
        other = self.env["res.company"].create({"name": "Other Telco (summary)"})
        self.assertFalse(
            Summary.with_user(self.billing_user).search([("company_id", "=", other.id)])
        )
        views = Summary.with_user(self.billing_user).get_views(
            [(False, "pivot"), (False, "list"), (False, "graph")]
        )
        self.assertIn("action_refresh", views["views"]["list"]["arch"])

    # -- the pay page's usage count, the sending cron ------------------------------------------
    def test_invoice_usage_count_reads_its_index(self):
        move = self.invoice(self.runs[0], self.accounts[0])
        cr = self.env.cr
        cr.execute(
            "SELECT count(*) FROM telecom_usage_record u JOIN account_move_line l"
            " ON l.id = u.invoice_line_id WHERE l.move_id = %s",
            [move.id],
        )
        [(count,)] = cr.fetchall()
        self.assertEqual(move._telecom_usage_count(), count)
        with cr.savepoint(flush=False) as savepoint:
            cr.execute("SET LOCAL enable_seqscan = off")
            cr.execute(
                SQL(
                    "EXPLAIN SELECT count(*) FROM telecom_usage_record u"
                    " JOIN account_move_line l ON l.id = u.invoice_line_id"
                    " WHERE l.move_id = %s",
                    move.id,
                )
            )
            plan = "\n".join(row[0] for row in cr.fetchall())
            savepoint.rollback()
        self.assertIn("telecom_usage_record_invoice_line", plan)

    def test_sending_cron_commits_small_batches(self):
        """One call of the cron e-mails a batch (the cron commits and calls again):
        never the whole minute's budget in one transaction."""
        Move = self.env["account.move"]
        self.company.telecom_invoice_mail_per_minute = 100
        Move.search([("telecom_send_state", "=", "to_send")]).write({"telecom_send_state": False})
        queued = Move.browse()
        for _i in range(SEND_BATCH + 3):
            queued |= self._invoice(self.accounts[1].partner_id, date(2026, 9, 1))
        queued.write({"telecom_send_state": "to_send"})
        Move._cron_telecom_send_invoices()
        self.assertEqual(
            Move.search_count([("id", "in", queued.ids), ("telecom_send_state", "=", "to_send")]),
            3,
        )
