# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Usage pages and allowance bars, from records rated by telecom_billing."""

import csv
import io
import zipfile
from datetime import timedelta

import openpyxl
from lxml import html

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.telecom_billing.tests.common import MB, SUB1, SUB2, RatingFixtures
from odoo.addons.telecom_portal.controllers.usage import TelecomPortalUsage

OTHER = "+32470000099"


@tagged("post_install", "-at_install")
class TestPortalUsage(RatingFixtures, HttpCase):
    """Rita (two lines on one account) and Otto (one line), usage of the current period."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating()
        # the current billing period started days ago: the records below all fall in it
        now = fields.Datetime.now()
        cls.account.billing_day = max(1, min(28, (now - timedelta(days=5)).day))
        cls.rita = new_test_user(cls.env, login="tp_rita", groups="base.group_portal")
        cls.rita.partner_id.parent_id = cls.customer
        cls.otto_customer = cls.env["res.partner"].create(
            {"name": "Otto Other", "email": "otto@example.com"}
        )
        cls.otto_account = cls.env["telecom.billing.account"].create(
            {"partner_id": cls.otto_customer.id, "billing_day": cls.account.billing_day}
        )
        cls.otto_sub = cls._subscription(OTHER, account=cls.otto_account)
        cls.otto = new_test_user(cls.env, login="tp_otto", groups="base.group_portal")
        cls.otto.partner_id.parent_id = cls.otto_customer

        def at(hours):
            return (now - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")

        lines = [
            f"r1,{SUB1},voice,{at(30)},120,out,+3221234567,",
            f"r2,{SUB1},voice,{at(29)},400,out,+3221234567,",  # beyond the 5 minutes
            f"r3,{SUB1},sms,{at(28)},1,out,+32470123456,",
            f"r4,{SUB1},voice,{at(27)},60,in,+3221234567,",
            f"r5,{SUB2},data,{at(26)},{4 * MB},out,,",
            f"r6,{SUB2},sms,{at(25)},1,out,+31612345678,",
            f"r7,{SUB1},data,{at(24)},{3 * MB},out,,",
            f"r8,{OTHER},voice,{at(23)},300,out,+3221234567,",
            f"r9,{OTHER},sms,{at(22)},1,out,+32470123456,",
        ]
        header = (
            "record_id,subscriber,usage_type,start_time,quantity,direction,called_number,location"
        )
        data = ("\n".join([header, *lines]) + "\n").encode()
        batch = cls.env["telecom.mediation.batch"]._import_data(cls.source, data, "usage.csv")
        assert batch.rated_count + batch.unbillable_count == 9, batch.message_ids[:1].body

    # -- the usage page --------------------------------------------------------
    def test_usage_page_lists_own_records_with_totals(self):
        self.authenticate("tp_rita", "tp_rita")
        res = self.url_open("/my/usage")
        self.assertEqual(res.status_code, 200)
        self.assertEqual(res.text.count("o_telecom_usage_row"), 7)
        self.assertNotIn(OTHER, res.text)
        self.assertIn("o_telecom_usage_summary", res.text)
        self.assertIn("7 records", res.text)
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["telecom_usage_count"]})
        self.assertEqual(counters["telecom_usage_count"], 7)
        self.authenticate("tp_otto", "tp_otto")
        res = self.url_open("/my/usage")
        self.assertEqual(res.text.count("o_telecom_usage_row"), 2)
        self.assertNotIn(SUB1, res.text)

    def test_usage_filters(self):
        self.authenticate("tp_rita", "tp_rita")
        res = self.url_open(f"/my/usage?service={self.sub2.id}")
        self.assertEqual(res.text.count("o_telecom_usage_row"), 2)
        res = self.url_open("/my/usage?type=sms")
        self.assertEqual(res.text.count("o_telecom_usage_row"), 2)
        res = self.url_open("/my/usage?type=voice&direction=in")
        self.assertEqual(res.text.count("o_telecom_usage_row"), 1)
        # unknown values fall back to no filter; a bad period to the current one
        res = self.url_open("/my/usage?type=nope&direction=sideways&period=2001-13-45")
        self.assertEqual(res.text.count("o_telecom_usage_row"), 7)
        # an older period without usage
        res = self.url_open("/my/usage")
        self.assertIn('name="period"', res.text)

    def test_usage_isolation(self):
        self.authenticate("tp_rita", "tp_rita")
        for url in (
            f"/my/usage?service={self.otto_sub.id}",
            f"/my/usage/export.csv?service={self.otto_sub.id}",
            f"/my/usage/export.xlsx?service={self.otto_sub.id}",
            "/my/usage?service=999999",
        ):
            res = self.url_open(url, allow_redirects=False)
            self.assertIn(res.status_code, (302, 303), url)
            self.assertTrue(res.headers["Location"].endswith("/my/usage"), url)
            self.assertNotIn(OTHER, res.text)
        self.authenticate(None, None)
        res = self.url_open("/my/usage", allow_redirects=False)
        self.assertIn("/web/login", res.headers["Location"])
        res = self.url_open("/my/usage/export.csv", allow_redirects=False)
        self.assertIn("/web/login", res.headers["Location"])

    def _link(self, text, css_class):
        links = html.fromstring(text).xpath(f"//a[contains(@class, '{css_class}')]/@href")
        return links[0] if links else None

    def test_keyset_pages(self):
        self.patch(TelecomPortalUsage, "_telecom_usage_page_size", 3)
        self.authenticate("tp_rita", "tp_rita")
        seen = []
        url = "/my/usage"
        pages = []
        while url:
            res = self.url_open(url)
            pages.append(res.text)
            rows = res.text.count("o_telecom_usage_row")
            self.assertLessEqual(rows, 3)
            seen.append(rows)
            url = self._link(res.text, "o_telecom_older")
        self.assertEqual(seen, [3, 3, 1])
        self.assertNotIn("o_telecom_newer", pages[0])
        # back from the last page: the newer link leads to the second page
        back = self.url_open(self._link(pages[2], "o_telecom_newer")).text
        self.assertEqual(back.count("o_telecom_usage_row"), 3)
        self.assertEqual(
            [line for line in back.splitlines() if "o_telecom_usage_row" in line],
            [line for line in pages[1].splitlines() if "o_telecom_usage_row" in line],
        )
        # a forged cursor shows the first page
        res = self.url_open("/my/usage?after=garbage")
        self.assertEqual(res.text.count("o_telecom_usage_row"), 3)

    def test_exports(self):
        self.authenticate("tp_rita", "tp_rita")
        res = self.url_open("/my/usage/export.csv")
        self.assertEqual(res.status_code, 200)
        self.assertIn("text/csv", res.headers["Content-Type"])
        rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
        self.assertEqual(len(rows), 8)  # header + 7
        self.assertNotIn(OTHER, res.text)
        self.assertEqual({row[3] for row in rows[1:]}, {"voice", "sms", "data"})
        res = self.url_open("/my/usage/export.csv?type=data")
        self.assertEqual(len(list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))), 3)
        res = self.url_open("/my/usage/export.xlsx")
        self.assertEqual(res.status_code, 200)
        self.assertTrue(zipfile.is_zipfile(io.BytesIO(res.content)))
        sheet = openpyxl.load_workbook(io.BytesIO(res.content), read_only=True).active
        self.assertEqual(len(list(sheet.iter_rows())), 8)
        self.assertEqual(self.url_open("/my/usage/export.pdf").status_code, 404)

    def test_exports_write_text_never_formulas(self):
        """A cell a spreadsheet would run (=, +, -, @) is text: CSV with an apostrophe,
        XLSX as a string cell."""
        usage = self.env["telecom.usage.record"].search([("source_record_id", "=", "r1")])
        usage.zone_id.name = '=HYPERLINK("http://evil.example","Refund")'
        self.authenticate("tp_rita", "tp_rita")
        res = self.url_open("/my/usage/export.csv")
        rows = list(csv.reader(io.StringIO(res.content.decode("utf-8-sig"))))
        cells = [cell for row in rows[1:] for cell in row]
        self.assertIn('\'=HYPERLINK("http://evil.example","Refund")', cells)
        self.assertIn("'+3221234567", cells)
        self.assertFalse([cell for cell in cells if cell[:1] in ("=", "+", "-", "@")])
        res = self.url_open("/my/usage/export.xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(res.content)).active
        cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
        self.assertFalse([cell.coordinate for cell in cells if cell.data_type == "f"])
        texts = {cell.value for cell in cells if cell.data_type == "s"}
        self.assertIn('=HYPERLINK("http://evil.example","Refund")', texts)
        self.assertIn("+3221234567", texts)

    # -- allowance bars ---------------------------------------------------------
    def test_allowance_bars_from_balances(self):
        self.authenticate("tp_rita", "tp_rita")
        res = self.url_open(f"/my/subscriptions/{self.sub1.id}")
        text = res.text
        self.assertIn("o_telecom_allowance", text)
        # voice: 5 minutes included, 120 s + 180 s of the 400 s call used up
        text = " ".join(text.split())
        self.assertIn(
            '<span class="o_telecom_used">5 min</span> used of '
            '<span class="o_telecom_included">5 min</span>',
            text,
        )
        # the data pool of the account, shared by both lines: 3 MB + 4 MB of 10 MB
        self.assertIn("o_telecom_shared", text)
        self.assertIn(
            '<span class="o_telecom_used">7 MB</span> used of '
            '<span class="o_telecom_included">20 MB</span>',
            text,
        )
        self.assertIn(f"/my/usage?service={self.sub1.id}", text)

    def test_allowances_without_usage_yet(self):
        self.authenticate("tp_otto", "tp_otto")
        res = self.url_open(f"/my/subscriptions/{self.otto_sub.id}")
        self.assertIn("o_telecom_allowance", res.text)
        text = " ".join(res.text.split())
        self.assertIn(
            '<span class="o_telecom_used">1</span> used of '
            '<span class="o_telecom_included">2</span>',
            text,
        )

    def test_usage_and_allowance_tour(self):
        self.start_tour("/my", "telecom_portal_usage_tour", login="tp_rita")
