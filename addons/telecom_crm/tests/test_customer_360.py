# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.tests import tagged

from .common import TelecomCommon, view_spec

# queries of one form load of a customer (web_read of the form's fields), measured
# with 5 and with 500 subscriptions: it must not grow with the number of lines
# (other add-ons add their own buttons to the form: the budget leaves them room;
# the equality between 5 and 500 subscriptions is the real proof)
FORM_QUERY_BUDGET = 60


@tagged("post_install", "-at_install")
class TestCustomer360(TelecomCommon):
    @classmethod
    def _bulk_subscriptions(cls, partner, account, count):
        plans = [cls.plan_s, cls.plan_m, cls.plan_l]
        states = ["active"] * 8 + ["suspended", "terminated"]
        return cls.env["telecom.subscription"].create(
            [
                {
                    "partner_id": partner.id,
                    "billing_account_id": account.id,
                    "state": states[i % len(states)],
                    "activation_date": date(2025, 1, 1),
                    "phone_number": f"+3247{partner.id:03d}{i:05d}",
                    "line_ids": [
                        Command.create(
                            {
                                "product_id": plans[i % 3].id,
                                "date_start": date(2025, 1, 1),
                            }
                        )
                    ],
                }
                for i in range(count)
            ]
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls.env["res.partner"].create(
            {"name": "Huge Corp", "is_company": True, "email": "ap@huge.example.com"}
        )
        cls.big_account = cls.env["telecom.billing.account"].create({"partner_id": cls.big.id})
        cls.env["telecom.billing.account"].create(
            {"partner_id": cls.big.id, "invoice_delivery": "portal"}
        )
        cls.env["res.partner"].create({"name": "Huge Corp, IT desk", "parent_id": cls.big.id})
        cls._bulk_subscriptions(cls.big, cls.big_account, 500)
        cls.small = cls.env["res.partner"].create(
            {"name": "Tiny Corp", "is_company": True, "email": "ap@tiny.example.com"}
        )
        cls.small_account = cls.env["telecom.billing.account"].create({"partner_id": cls.small.id})
        cls.env["telecom.billing.account"].create(
            {"partner_id": cls.small.id, "invoice_delivery": "portal"}
        )
        cls.env["res.partner"].create({"name": "Tiny Corp, IT desk", "parent_id": cls.small.id})
        cls._bulk_subscriptions(cls.small, cls.small_account, 5)
        cls.env["sale.order"].create(
            [
                {"partner_id": partner.id, "telecom_order_kind": "new"}
                for partner in (cls.big, cls.small)
            ]
        )

    def test_smart_button_counts(self):
        big = self.big.with_user(self.care)
        self.assertEqual(big.telecom_subscription_count, 500)
        self.assertEqual(big.telecom_active_subscription_count, 450)
        self.assertEqual(big.telecom_billing_account_count, 2)
        self.assertEqual(big.telecom_order_count, 1)
        self.assertEqual(big.telecom_open_balance, 0.0)
        # a contact shows its company's figures
        contact = big.child_ids[:1]
        self.assertEqual(contact.telecom_subscription_count, 500)
        # the buttons open the right lists
        action = big.action_telecom_view_subscriptions()
        self.assertEqual(action["res_model"], "telecom.subscription")
        self.assertEqual(self.env["telecom.subscription"].search_count(action["domain"]), 500)
        action = big.action_telecom_view_billing_accounts()
        self.assertEqual(self.env[action["res_model"]].search_count(action["domain"]), 2)
        action = big.action_telecom_view_orders()
        self.assertEqual(self.env[action["res_model"]].search_count(action["domain"]), 1)
        action = big.action_telecom_view_open_balance()
        self.assertEqual(action["res_model"], "account.move")

    def test_counts_for_many_partners_in_one_query_each(self):
        figures = [
            "telecom_subscription_count",
            "telecom_active_subscription_count",
            "telecom_billing_account_count",
        ]
        partners = (self.big | self.small | self.resident | self.business).with_user(self.care)
        partners.read(figures)  # warm the access-rule caches
        partners.invalidate_recordset(figures)
        # one grouped query per smart button, whatever the number of partners
        with self.assertQueryCount(2):
            partners.read(figures)
        self.assertEqual(partners.mapped("telecom_subscription_count"), [500, 5, 0, 0])
        self.assertEqual(partners.mapped("telecom_billing_account_count"), [2, 2, 1, 1])

    def _queries_to_open(self, partner, spec):
        partner = partner.with_user(self.care)
        self.env.invalidate_all()
        self.env.flush_all()
        start = self.cr.sql_log_count
        result = partner.web_read(spec)
        self.env.flush_all()
        return self.cr.sql_log_count - start, result

    def test_open_business_customer_with_500_subscriptions(self):
        spec = view_spec(self.env["res.partner"].with_user(self.care))
        self.assertIn("telecom_subscription_count", spec)
        self.assertIn("telecom_open_balance", spec)
        self.assertIn("telecom_billing_account_ids", spec)
        # warm the registry caches (access rules, groups) once
        self._queries_to_open(self.small, spec)
        small_count, small = self._queries_to_open(self.small, spec)
        big_count, big = self._queries_to_open(self.big, spec)
        self.assertEqual(small[0]["telecom_subscription_count"], 5)
        self.assertEqual(big[0]["telecom_subscription_count"], 500)
        self.assertEqual(big[0]["telecom_active_subscription_count"], 450)
        self.assertEqual(len(big[0]["telecom_billing_account_ids"]), 2)
        self.assertEqual(big_count, small_count, "opening a customer must not grow with its lines")
        self.assertLessEqual(big_count, FORM_QUERY_BUDGET)
        self.env.invalidate_all()
        with self.assertQueryCount(FORM_QUERY_BUDGET):
            self.big.with_user(self.care).web_read(spec)
