# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import date, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import TelecomCommon


@tagged("post_install", "-at_install")
class TestPartner(TelecomCommon):
    def test_customer_number_on_first_billing_account(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.sales)
            .create({"name": "Carla Newcomer", "email": "carla@example.com"})
        )
        self.assertFalse(partner.telecom_customer_number)
        Account = self.env["telecom.billing.account"].with_user(self.sales)
        first = Account.create({"partner_id": partner.id})
        self.assertRegex(partner.telecom_customer_number, r"^C\d{7}$")
        self.assertEqual(partner.telecom_customer_type, "residential")
        self.assertRegex(first.name, r"^BA\d{7}$")
        number = partner.telecom_customer_number
        Account.create({"partner_id": partner.id, "invoice_delivery": "post"})
        self.assertEqual(partner.telecom_customer_number, number)
        self.assertEqual(partner.telecom_billing_account_count, 2)
        # a company becomes a business customer
        self.assertEqual(self.business.telecom_customer_type, "business")

    def test_customer_from_telecom_menu(self):
        partner = (
            self.env["res.partner"]
            .with_user(self.care)
            .with_context(telecom_customer=True)
            .create({"name": "Dora Direct", "is_company": True})
        )
        self.assertTrue(re.match(r"^C\d{7}$", partner.telecom_customer_number))
        contact = (
            self.env["res.partner"]
            .with_user(self.care)
            .with_context(telecom_customer=True)
            .create({"name": "Dora's accountant", "parent_id": partner.id})
        )
        self.assertFalse(contact.telecom_customer_number)
        # explicit button on a partner without number
        other = self.env["res.partner"].create({"name": "Erik Explicit"})
        other.with_user(self.sales).action_telecom_make_customer()
        self.assertTrue(other.telecom_customer_number)

    def test_identity_data_groups(self):
        partner = self.resident.with_user(self.care)
        partner.write(
            {
                "telecom_id_document_type": "passport",
                "telecom_id_document_number": "P1234567",
                "telecom_birthdate": date(1990, 5, 17),
            }
        )
        self.assertEqual(
            partner.read(["telecom_id_document_number"])[0]["telecom_id_document_number"],
            "P1234567",
        )
        self.assertEqual(
            self.resident.with_user(self.sales).read(["telecom_birthdate"])[0]["telecom_birthdate"],
            date(1990, 5, 17),
        )
        # may edit contacts, but is neither care, sales nor manager
        editor = new_test_user(
            self.env,
            login="tc_editor",
            groups="telecom_crm.group_telecom_user,base.group_partner_manager",
        )
        for user in (self.billing, self.user, editor):
            with self.assertRaises(AccessError):
                self.resident.with_user(user).read(["telecom_id_document_number"])
            with self.assertRaises(AccessError):
                self.resident.with_user(user).write({"telecom_birthdate": date(1991, 1, 1)})
        self.resident.with_user(editor).write({"phone": "+3220000000"})
        # and the form does not show them to those users
        arch = self.env["res.partner"].with_user(self.billing).get_views([(False, "form")])
        self.assertNotIn("telecom_id_document_number", arch["views"]["form"]["arch"])
        arch = self.env["res.partner"].with_user(self.care).get_views([(False, "form")])
        self.assertIn("telecom_id_document_number", arch["views"]["form"]["arch"])

    def test_identity_validation(self):
        partner = self.resident.with_user(self.care)
        with self.assertRaises(ValidationError):
            partner.telecom_birthdate = date.today() + timedelta(days=2)
        with self.assertRaises(ValidationError):
            partner.write({"telecom_id_document_number": "X1"})
        # the credit limit is internal risk data (care may not even read it)
        with self.assertRaises(ValidationError):
            self.resident.with_user(self.manager).telecom_credit_limit = -5

    def test_commercial_fields_follow_the_company(self):
        sme = self.env.ref("telecom_crm.telecom_customer_segment_sme")
        self.business.with_user(self.care).write({"telecom_segment_id": sme.id})
        self.business.with_user(self.manager).write({"telecom_credit_class": "b"})
        # care creates a contact: the company's credit class follows it, unseen by care
        contact = (
            self.env["res.partner"]
            .with_user(self.care)
            .create({"name": "Ben at Bolt", "parent_id": self.business.id})
        )
        self.assertEqual(contact.telecom_segment_id, sme)
        self.assertEqual(contact.with_user(self.billing).telecom_credit_class, "b")
        self.assertEqual(contact.telecom_billing_account_count, 1)

    def test_partner_form(self):
        with Form(self.business.with_user(self.care)) as form:
            form.telecom_contact_by_sms = True
        self.assertTrue(self.business.telecom_contact_by_sms)
        with Form(self.business.with_user(self.manager)) as form:
            form.telecom_credit_class = "a"
            form.telecom_credit_limit = 5000
        self.assertEqual(self.business.telecom_credit_class, "a")
        self.assertEqual(self.business.telecom_credit_limit, 5000)
        self.assertNotIn(
            "telecom_credit_limit",
            self.env["res.partner"]
            .with_user(self.care)
            .get_views([(False, "form")])["views"]["form"]["arch"],
        )
