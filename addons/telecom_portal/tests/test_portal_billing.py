# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bill-run invoices in the portal: the invoice page, its usage detail (PDF, XLSX),
online payment, and the account page's invoices and direct-debit mandate.

Two customers billed by a real bill run (telecom_billing's fixtures): Mia (rated
usage on her line, portal user ``tp_mia``) and Noah (``tp_noah``). Every download
is also tried with the other customer's id, a wrong token and Mia's own token on
Noah's invoice.
"""

import io
import zipfile
from datetime import date

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.telecom_billing.tests.billing_common import BillingFixtures

from .common import PortalHttp

IBAN = "BE71096123456769"


@tagged("post_install", "-at_install")
class TestPortalBilling(PortalHttp, BillingFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.mia_account = cls._account("Mia Mobile")
        cls.noah_account = cls._account("Noah Nomad")
        cls.mia_sub = cls._sub(cls.mia_account, cls.plan, date(2025, 5, 10), "+32470000201")
        cls._sub(cls.noah_account, cls.mobile_m, date(2025, 5, 10), "+32470000202")
        cls.env["telecom.mediation.batch"]._import_data(
            cls.source,
            (
                b"record_id,subscriber,usage_type,start_time,quantity,direction,called_number,"
                b"location\n"
                b"p1,+32470000201,voice,2025-05-17T08:00:00Z,90,out,+3222222222,\n"
                b"p2,+32470000201,sms,2025-05-19T09:00:00Z,1,out,+32470000999,\n"
            ),
            "portal.csv",
        )
        run = cls.bill(cls, date(2025, 6, 1), cls.mia_account | cls.noah_account)
        cls.mia_invoice = cls.invoice(cls, run, cls.mia_account)
        cls.noah_invoice = cls.invoice(cls, run, cls.noah_account)
        assert cls.mia_invoice.state == "posted" and cls.noah_invoice.state == "posted"
        cls.mia = new_test_user(
            cls.env,
            login="tp_mia",
            groups="base.group_portal",
            partner_id=cls.mia_account.partner_id.id,
        )
        cls.noah = new_test_user(
            cls.env,
            login="tp_noah",
            groups="base.group_portal",
            partner_id=cls.noah_account.partner_id.id,
        )

    def _xlsx_strings(self, content):
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
        return sheet, strings

    # -- the invoice page ------------------------------------------------------------
    def test_invoice_page_links_the_usage_detail(self):
        invoice = self.mia_invoice
        self.authenticate("tp_mia", "tp_mia")
        res = self.url_open("/my/invoices")
        self.assertEqual(res.status_code, 200)
        self.assertIn(invoice.name, res.text)
        self.assertNotIn(self.noah_invoice.name, res.text)
        page = self.url_open(f"/my/invoices/{invoice.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_telecom_invoice_usage", page.text)
        self.assertIn(f"/my/invoices/{invoice.id}/usage.pdf", page.text)
        self.assertIn(f"/my/invoices/{invoice.id}/usage.xlsx", page.text)
        self.assertIn(self.mia_account.name, page.text)
        self.assertIn("o_telecom_invoice_account", page.text)
        # the layout of the bill (what the page's frame shows)
        html = self.url_open(f"/my/invoices/{invoice.id}?report_type=html")
        self.assertIn("Charges summary", html.text)

    def test_usage_detail_downloads(self):
        invoice = self.mia_invoice
        self.authenticate("tp_mia", "tp_mia")
        xlsx = self.url_open(f"/my/invoices/{invoice.id}/usage.xlsx")
        self.assertEqual(xlsx.status_code, 200)
        self.assertIn("spreadsheetml", xlsx.headers["Content-Type"])
        self.assertIn("-usage.xlsx", xlsx.headers["Content-Disposition"])
        sheet, strings = self._xlsx_strings(xlsx.content)
        self.assertIn("+3222222222", strings)
        self.assertEqual(sheet.count("<row "), 3)  # header + 2 records
        pdf = self.url_open(f"/my/invoices/{invoice.id}/usage.pdf")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("-usage.pdf", pdf.headers["Content-Disposition"])
        # tests render reports as HTML (Odoo skips wkhtmltopdf unless forced; telecom_billing's
        # test_printed_pdf prints this report for real): the usage detail of this invoice
        self.assertIn(b"o_telecom_usage_detail", pdf.content)
        self.assertIn(b"+3222222222", pdf.content)
        # anonymous, with the invoice's own token (the e-mailed link)
        token = invoice.sudo()._portal_ensure_token()
        self.authenticate(None, None)
        xlsx = self.url_open(f"/my/invoices/{invoice.id}/usage.xlsx?access_token={token}")
        self.assertEqual(xlsx.status_code, 200)
        self.assertIn("+3222222222", self._xlsx_strings(xlsx.content)[1])
        self._redirected_home(
            self.url_open(f"/my/invoices/{invoice.id}/usage.xlsx", allow_redirects=False)
        )

    def test_usage_detail_isolation_by_id_and_token(self):
        noah_id = self.noah_invoice.id
        mia_token = self.mia_invoice.sudo()._portal_ensure_token()
        noah_token = self.noah_invoice.sudo()._portal_ensure_token()
        tampered = [
            f"/my/invoices/{noah_id}",
            f"/my/invoices/{noah_id}?access_token={mia_token}",
            f"/my/invoices/{noah_id}?report_type=pdf&download=true",
            f"/my/invoices/{noah_id}?report_type=html&access_token={mia_token}",
        ]
        for fmt in ("pdf", "xlsx"):
            tampered += [
                f"/my/invoices/{noah_id}/usage.{fmt}",
                f"/my/invoices/{noah_id}/usage.{fmt}?access_token={mia_token}",
                f"/my/invoices/{noah_id}/usage.{fmt}?access_token={noah_token[:-1]}x",
                f"/my/invoices/{noah_id}/usage.{fmt}?access_token=",
                f"/my/invoices/{noah_id + 100000}/usage.{fmt}",
            ]
        self.authenticate("tp_mia", "tp_mia")
        for url in tampered:
            with self.subTest(url=url):
                self._redirected_home(self.url_open(url, allow_redirects=False))
        # an unknown format, even of her own invoice
        self._redirected_home(
            self.url_open(f"/my/invoices/{self.mia_invoice.id}/usage.csv", allow_redirects=False)
        )
        # billing's own download answers 404 likewise
        for url in (
            f"/telecom_billing/usage_detail/{noah_id}.xlsx",
            f"/telecom_billing/usage_detail/{noah_id}.xlsx?access_token={mia_token}",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url, allow_redirects=False).status_code, 404)
        # the same tampering anonymously
        self.authenticate(None, None)
        for url in tampered[4:]:
            with self.subTest(anonymous=url):
                self._redirected_home(self.url_open(url, allow_redirects=False))
        # Noah's token opens Noah's usage only
        res = self.url_open(f"/my/invoices/{noah_id}/usage.xlsx?access_token={noah_token}")
        self.assertEqual(res.status_code, 200)
        self.assertNotIn("+3222222222", self._xlsx_strings(res.content)[1])

    def test_usage_detail_in_parts(self):
        """A huge detail comes in bounded parts, by the portal route and the token route."""
        invoice = self.mia_invoice
        params = self.env["ir.config_parameter"]
        params.set_param("telecom_billing.usage_detail_xlsx_rows", "1")
        params.set_param("telecom_billing.usage_detail_pdf_rows", "1")
        self.assertEqual(invoice._telecom_usage_count(), 2)
        self.authenticate("tp_mia", "tp_mia")
        page = self.url_open(f"/my/invoices/{invoice.id}")
        self.assertIn("o_telecom_usage_parts", page.text)
        self.assertIn("/usage.xlsx?access_token=", page.text)
        self.assertIn("&amp;part=2", page.text)
        numbers = []
        for part in (1, 2):
            res = self.url_open(f"/my/invoices/{invoice.id}/usage.xlsx?part={part}")
            self.assertEqual(res.status_code, 200)
            sheet, strings = self._xlsx_strings(res.content)
            self.assertEqual(sheet.count("<row "), 3)  # header, one record, the note
            self.assertIn(f"Part {part} of 2: usage records {part} to {part} of 2", strings)
            numbers.append("+3222222222" in strings)
            pdf = self.url_open(f"/my/invoices/{invoice.id}/usage.pdf?part={part}")
            self.assertEqual(pdf.status_code, 200)
            self.assertIn(f"Part {part} of 2".encode(), pdf.content)
            self.assertEqual(pdf.content.count(b"+32470000201"), 1)  # one record per part
        self.assertEqual(sorted(numbers), [False, True], "each record in one part only")
        self.assertIn("-usage-part2.xlsx", res.headers["Content-Disposition"])
        for bad in ("3", "0", "-1", "abc", "1" * 12):
            with self.subTest(part=bad):
                self._redirected_home(
                    self.url_open(
                        f"/my/invoices/{invoice.id}/usage.xlsx?part={bad}", allow_redirects=False
                    )
                )
        # the token route (billing's download), anonymous: the same parts, same checks
        token = invoice.sudo()._portal_ensure_token()
        self.authenticate(None, None)
        base = f"/telecom_billing/usage_detail/{invoice.id}.xlsx?access_token={token}"
        res = self.url_open(f"{base}&part=2")
        self.assertEqual(res.status_code, 200)
        self.assertIn("Part 2 of 2", self._xlsx_strings(res.content)[1])
        self.assertEqual(self.url_open(f"{base}&part=3").status_code, 404)
        self.assertEqual(
            self.url_open(f"/telecom_billing/usage_detail/{invoice.id}.xlsx").status_code, 404
        )
        noah = self.noah_invoice
        self.assertEqual(
            self.url_open(
                f"/telecom_billing/usage_detail/{noah.id}.xlsx?access_token={token}"
            ).status_code,
            404,
        )
        # one part: no note, no part links
        params.set_param("telecom_billing.usage_detail_xlsx_rows", "100")
        self.assertNotIn("Part 1", self._xlsx_strings(self.url_open(base).content)[1])

    def test_plain_invoice_has_no_usage_detail(self):
        """An invoice that no bill run made (a one-off sale) has no usage links."""
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.mia_account.partner_id.id,
                "invoice_line_ids": [
                    Command.create({"name": "Cable", "quantity": 1, "price_unit": 9.0})
                ],
            }
        )
        move.action_post()
        self.authenticate("tp_mia", "tp_mia")
        page = self.url_open(f"/my/invoices/{move.id}")
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("o_telecom_invoice_usage", page.text)
        self._redirected_home(
            self.url_open(f"/my/invoices/{move.id}/usage.xlsx", allow_redirects=False)
        )

    # -- the account page: invoices and direct debit ----------------------------------
    def test_account_page_lists_invoices_and_mandate(self):
        self.authenticate("tp_mia", "tp_mia")
        res = self.url_open(f"/my/billing_accounts/{self.mia_account.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_telecom_account_invoices", res.text)
        self.assertIn(self.mia_invoice.name, res.text)
        self.assertNotIn(self.noah_invoice.name, res.text)
        self.assertIn("o_telecom_mandate_form", res.text)
        self.assertIn("No direct debit", res.text)
        # by the account's token, anonymously: no invoices, no forms
        token = self.mia_account.sudo()._portal_ensure_token()
        self.authenticate(None, None)
        res = self.url_open(f"/my/billing_accounts/{self.mia_account.id}?access_token={token}")
        self.assertEqual(res.status_code, 200)
        self.assertNotIn(self.mia_invoice.name, res.text)
        self.assertNotIn("o_telecom_mandate_form", res.text)

    def test_sign_validate_and_revoke_a_mandate(self):
        account = self.mia_account
        url = f"/my/billing_accounts/{account.id}/mandate"
        Mandate = self.env["account.banking.mandate"]
        self.authenticate("tp_mia", "tp_mia")
        # bad input: an error on the page, nothing created
        for data in (
            {"iban": IBAN},  # no consent
            {"iban": "BE71096123456768", "consent": "1"},  # wrong check digits
            {"iban": "", "consent": "1"},
        ):
            with self.subTest(data=data):
                res = self._post(url, data, allow_redirects=True)
                self.assertIn("o_telecom_error", res.text)
        self.assertFalse(Mandate.search([("telecom_billing_account_id", "=", account.id)]))
        res = self._post(url, {"iban": "be71 0961 2345 6769", "holder": "Mia M", "consent": "1"})
        self.assertIn("message=mandate", res.headers["Location"])
        mandate = Mandate.search([("telecom_billing_account_id", "=", account.id)])
        self.assertEqual(len(mandate), 1)
        self.assertEqual(mandate.state, "draft")
        self.assertEqual(mandate.partner_id, account.payer_id)
        self.assertEqual(mandate.partner_bank_id.sanitized_acc_number, IBAN)
        self.assertEqual(mandate.format, "sepa")
        self.assertFalse(account.mandate_id, "not in force before the back office checks it")
        page = self.url_open(res.headers["Location"])
        self.assertIn("o_telecom_mandate_pending", page.text)
        self.assertIn("BE71 **** 6769", page.text)
        self.assertNotIn(IBAN, page.text, "the IBAN is masked")
        self.assertNotIn("o_telecom_mandate_form", page.text)
        # a second one while the first is checked: refused
        res = self._post(url, {"iban": IBAN, "consent": "1"}, allow_redirects=True)
        self.assertIn("o_telecom_error", res.text)
        self.assertEqual(Mandate.search_count([("partner_id", "=", account.payer_id.id)]), 1)
        # the back office validates it: the account is collected by direct debit
        mandate.validate()
        self.assertEqual(account.mandate_id, mandate)
        self.assertTrue(account.direct_debit)
        page = self.url_open(f"/my/billing_accounts/{account.id}")
        self.assertIn(mandate.unique_mandate_reference, page.text)
        self.assertIn("o_telecom_mandate_revoke", page.text)
        self.assertIn("collected from this bank account", page.text)
        # Noah can neither sign for nor revoke Mia's account
        self.authenticate("tp_noah", "tp_noah")
        token = account.sudo()._portal_ensure_token()
        self._redirected_home(self._post(f"{url}/revoke", {"access_token": token}))
        self._redirected_home(self._post(url, {"iban": IBAN, "consent": "1"}))
        self.assertEqual(mandate.state, "valid")
        # Mia revokes it
        self.authenticate("tp_mia", "tp_mia")
        res = self._post(f"{url}/revoke")
        self.assertIn("message=mandate_revoked", res.headers["Location"])
        self.assertEqual(mandate.state, "cancel")
        self.assertFalse(account.direct_debit)
        page = self.url_open(res.headers["Location"])
        self.assertIn("is revoked", page.text)
        self.assertIn("o_telecom_mandate_form", page.text, "she may sign a new one")
        # nothing left to revoke
        res = self._post(f"{url}/revoke", allow_redirects=True)
        self.assertIn("o_telecom_error", res.text)

    def test_mandate_in_force_at_once_when_the_company_says_so(self):
        self.mia_account.company_id.telecom_mandate_auto_validate = True
        self.authenticate("tp_mia", "tp_mia")
        url = f"/my/billing_accounts/{self.mia_account.id}/mandate"
        res = self._post(url, {"iban": IBAN, "consent": "1"})
        self.assertIn("message=mandate_valid", res.headers["Location"])
        self.env.invalidate_all()
        mandate = self.mia_account.mandate_id
        self.assertEqual(mandate.state, "valid")
        page = self.url_open(res.headers["Location"])
        self.assertIn("in force", page.text)
        self.assertIn("o_telecom_mandate_revoke", page.text)
        self.assertNotIn("o_telecom_mandate_pending", page.text)

    def test_mandate_reuses_the_payers_bank_account(self):
        """An IBAN the payer already has (even archived) is reused, not duplicated."""
        payer = self.mia_account.payer_id
        bank = self.env["res.partner.bank"].create(
            {"acc_number": IBAN, "partner_id": payer.id, "active": False}
        )
        self.authenticate("tp_mia", "tp_mia")
        url = f"/my/billing_accounts/{self.mia_account.id}/mandate"
        res = self._post(url, {"iban": "BE71 0961 2345 6769", "consent": "1"})
        self.assertIn("message=mandate", res.headers["Location"])
        mandate = self.env["account.banking.mandate"].search(
            [("telecom_billing_account_id", "=", self.mia_account.id)]
        )
        self.assertEqual(mandate.partner_bank_id, bank)
        self.assertTrue(bank.active)
        self.assertEqual(
            self.env["res.partner.bank"]
            .with_context(active_test=False)
            .search_count([("partner_id", "=", payer.id)]),
            1,
        )

    def test_mandate_only_by_the_payer(self):
        """An account paid by another company: its customer sees, but signs nothing."""
        payer = self.env["res.partner"].create({"name": "Group Treasury", "is_company": True})
        self.noah_account.payer_id = payer
        self.authenticate("tp_noah", "tp_noah")
        page = self.url_open(f"/my/billing_accounts/{self.noah_account.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_telecom_mandate", page.text)
        self.assertNotIn("o_telecom_mandate_form", page.text)
        url = f"/my/billing_accounts/{self.noah_account.id}/mandate"
        self._redirected_home(self._post(url, {"iban": IBAN, "consent": "1"}))
        self.assertFalse(
            self.env["account.banking.mandate"].search([("partner_id", "=", payer.id)])
        )

    def test_pay_a_bill_run_invoice_with_the_demo_provider(self):
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test", "is_published": True})
        invoice = self.noah_invoice
        self.assertEqual(invoice.payment_state, "not_paid")
        self.start_tour("/my", "telecom_portal_pay_invoice_tour", login="tp_noah")
        self.env.invalidate_all()
        tx = invoice.transaction_ids
        self.assertEqual(tx.provider_id, provider)
        self.assertEqual(tx.state, "done")
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
