# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""EBPP: delivery per preference, throttled e-mail, the invoice in the portal, online
payment (payment_demo) reconciled by Odoo, the invoice layout and the usage detail."""

import io
import zipfile
from datetime import date, timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestEbpp(BillingFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.by_mail = cls._account("Mail Customer")
        cls.by_portal = cls._account("Portal Customer", invoice_delivery="portal")
        cls.by_post = cls._account("Post Customer", invoice_delivery="post", paperless=False)
        # the rating fixtures' plan: MOBILE tariff, allowances (shown on the invoice)
        cls.gsub = cls._sub(
            cls.by_mail, cls.plan, date(2025, 5, 10), "+32470000101", addons=[cls.data_addon]
        )
        cls._sub(cls.by_portal, cls.mobile_m, date(2025, 5, 10), "+32470500002")
        cls._sub(cls.by_post, cls.mobile_m, date(2025, 5, 10), "+32470500003")
        cls.env["telecom.mediation.batch"]._import_data(
            cls.source,
            (
                b"record_id,subscriber,usage_type,start_time,quantity,direction,called_number,"
                b"location\n"
                b"e1,+32470000101,voice,2025-05-17T08:00:00Z,90,out,+3222222222,\n"
                b"e2,+32470000101,sms,2025-05-19T09:00:00Z,1,out,+32470000999,\n"
            ),
            "ebpp.csv",
        )
        cls.bill_run = cls.bill(cls, date(2025, 6, 1), cls.by_mail | cls.by_portal | cls.by_post)
        cls.mail_invoice = cls.bill_run.line_ids.filtered(
            lambda ln: ln.billing_account_id == cls.by_mail
        ).move_id
        cls.portal_user = new_test_user(
            cls.env,
            login="tb_portal",
            groups="base.group_portal",
            partner_id=cls.by_mail.partner_id.id,
        )

    def test_delivery_preference_and_throttle(self):
        states = {
            line.billing_account_id: line.move_id.telecom_send_state
            for line in self.bill_run.line_ids
        }
        self.assertEqual(
            (states[self.by_mail], states[self.by_portal], states[self.by_post]),
            ("to_send", "portal", "to_print"),
        )
        self.company.telecom_invoice_mail_per_minute = 1
        # a second e-mailed invoice of another run, to see the throttle
        other = self._account("Mail Customer 2")
        self._sub(other, self.mobile_m, date(2025, 5, 10), "+32470500004")
        run2 = self.bill(date(2025, 6, 1), other)
        Move = self.env["account.move"]
        Move._cron_telecom_send_invoices()
        sent = (self.mail_invoice | run2.invoice_ids).filtered(
            lambda m: m.telecom_send_state == "sent"
        )
        errors = (self.mail_invoice | run2.invoice_ids).mapped("telecom_send_error")
        self.assertEqual(len(sent), 1, f"one invoice per minute ({errors})")
        Move._cron_telecom_send_invoices()  # same minute: nothing more
        self.assertEqual(
            len(
                (self.mail_invoice | run2.invoice_ids).filtered(
                    lambda m: m.telecom_send_state == "sent"
                )
            ),
            1,
        )
        # a minute later the next one goes
        sent.telecom_sent_at = fields.Datetime.now() - timedelta(minutes=2)
        Move._cron_telecom_send_invoices()
        self.assertEqual(
            set((self.mail_invoice | run2.invoice_ids).mapped("telecom_send_state")), {"sent"}
        )
        message = self.mail_invoice.message_ids.filtered(
            lambda m: "your invoice" in (m.subject or "")
        )
        self.assertTrue(message)
        self.assertTrue(message.attachment_ids, "the PDF is attached")
        self.assertTrue(self.mail_invoice.is_move_sent)
        # post: printed in a batch
        post_invoice = self.bill_run.line_ids.filtered(
            lambda ln: ln.billing_account_id == self.by_post
        ).move_id
        action = post_invoice.action_telecom_print_batch()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(post_invoice.telecom_send_state, "printed")

    def test_online_payment_reconciles(self):
        invoice = self.mail_invoice
        provider = self.env.ref("payment.payment_provider_demo")
        provider.write({"state": "test"})
        method = self.env.ref("payment_demo.payment_method_demo")
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": method.id,
                "amount": invoice.amount_residual,
                "currency_id": invoice.currency_id.id,
                "partner_id": invoice.partner_id.id,
                "invoice_ids": [Command.set(invoice.ids)],
                "reference": f"{invoice.name}-online",
                "operation": "online_direct",
            }
        )
        tx.action_demo_set_done()
        tx._post_process()
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.payment_id)
        self.assertIn(tx.payment_id.state, ("in_process", "paid"))
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice.amount_residual, 0.0)
        receivable = invoice.line_ids.filtered(
            lambda ln: ln.account_id.account_type == "asset_receivable"
        )
        self.assertTrue(receivable.reconciled)

    def test_portal_invoice_layout_and_usage_detail(self):
        invoice = self.mail_invoice
        self.authenticate("tb_portal", "tb_portal")
        page = self.url_open("/my/invoices")
        self.assertEqual(page.status_code, 200)
        self.assertIn(invoice.name, page.text)
        html = self.url_open(f"/my/invoices/{invoice.id}?report_type=html")
        self.assertEqual(html.status_code, 200)
        for text in (
            "Charges summary",
            "Recurring charges",
            "Allowance usage",
            "22/31",
            "Daily",
            invoice.name,
        ):
            self.assertIn(text, html.text)
        # the itemised usage, with the invoice's portal token
        token = invoice._portal_ensure_token()
        self.authenticate(None, None)
        denied = self.url_open(f"/telecom_billing/usage_detail/{invoice.id}.xlsx")
        self.assertEqual(denied.status_code, 404)
        xlsx = self.url_open(
            f"/telecom_billing/usage_detail/{invoice.id}.xlsx?access_token={token}"
        )
        self.assertEqual(xlsx.status_code, 200)
        with zipfile.ZipFile(io.BytesIO(xlsx.content)) as book:
            sheet = book.read("xl/worksheets/sheet1.xml").decode()
            strings = book.read("xl/sharedStrings.xml").decode()
        self.assertIn("+3222222222", strings)
        self.assertEqual(sheet.count("<row "), 3)  # header + 2 records

    def test_printed_pdf(self):
        """The layout really prints with wkhtmltopdf (report and usage detail)."""
        invoice = self.mail_invoice
        Report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        # Debian's wkhtmltopdf (unpatched Qt) warns that it ignores the header switches
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = Report._render_qweb_pdf("account.account_invoices", invoice.ids)
            self.assertEqual(kind, "pdf")
            self.assertTrue(pdf.startswith(b"%PDF"))
            pdf, kind = Report._render_qweb_pdf(
                "telecom_billing.action_report_telecom_usage_detail", invoice.ids
            )
            self.assertTrue(pdf.startswith(b"%PDF"))
        html = Report._render_qweb_html("account.account_invoices", invoice.ids)[0].decode()
        self.assertIn("22/31", html)
        self.assertIn("Allowance usage", html)
        self.assertIn("Data", html)
