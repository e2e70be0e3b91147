# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import TelecomCommon


@tagged("post_install", "-at_install")
class TestBillingAccount(TelecomCommon):
    def test_defaults_and_computes(self):
        account = (
            self.env["telecom.billing.account"]
            .with_user(self.sales)
            .create(
                {"partner_id": self.business.id, "billing_period": "quarterly", "billing_day": 15}
            )
        )
        self.assertEqual(account.payer_id, self.business)
        self.assertEqual(account.invoice_partner_id, self.business)
        self.assertEqual(account.invoice_email, "billing@bolt.example.com")
        self.assertEqual(account.billing_period_months, 3)
        self.assertTrue(account.paperless)
        self.assertEqual(account.currency_id, self.currency)
        self.assertEqual(account.state, "draft")
        account.write({"invoice_delivery": "post", "paperless": False})
        self.assertFalse(account.paperless)

    def test_refusals(self):
        Account = self.env["telecom.billing.account"].with_user(self.sales)
        with self.assertRaises(ValidationError):
            Account.create({"partner_id": self.business.id, "billing_day": 29})
        nomail = self.env["res.partner"].create({"name": "No Mail"})
        with self.assertRaises(ValidationError):
            Account.create({"partner_id": nomail.id, "invoice_delivery": "email"})
        with self.assertRaises(ValidationError):
            Account.create(
                {"partner_id": self.business.id, "invoice_delivery": "post", "paperless": True}
            )
        contact = self.env["res.partner"].create(
            {"name": "Contact", "parent_id": self.business.id, "email": "c@example.com"}
        )
        with self.assertRaises(ValidationError):
            Account.create({"partner_id": contact.id})
        # read-only telecom users do not create accounts
        with self.assertRaises(AccessError):
            self.env["telecom.billing.account"].with_user(self.user).create(
                {"partner_id": self.business.id}
            )

    def test_states(self):
        sub = self._subscription(partner=self.business)
        account = self.business_account.with_user(self.billing)
        self.assertEqual(account.state, "active")  # activated with its first service
        with self.assertRaises(ValidationError):
            account.action_close()
        account.action_suspend()
        self.assertEqual(account.state, "suspended")
        account.action_reopen()
        with self.assertRaises(UserError):
            account.action_reopen()
        with self.assertRaises(UserError):
            account.unlink()
        sub.with_user(self.care).action_terminate()
        account.action_close()
        self.assertEqual(account.state, "closed")
        with self.assertRaises(UserError):
            self._subscription(partner=self.business, activate=None)

    def test_account_form(self):
        form = Form(self.env["telecom.billing.account"].with_user(self.sales))
        form.partner_id = self.resident
        self.assertEqual(form.payer_id, self.resident)
        self.assertEqual(form.invoice_email, "ada@example.com")
        form.payer_id = self.business
        self.assertEqual(form.invoice_email, "billing@bolt.example.com")
        form.invoice_delivery = "post"
        self.assertFalse(form.paperless)
        account = form.save()
        self.assertEqual(account.payer_id, self.business)
        self.assertEqual(self.resident.telecom_billing_account_count, 2)
