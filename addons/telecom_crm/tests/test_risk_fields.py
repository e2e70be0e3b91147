# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The internal risk data of a customer (credit class and credit limit) over real
XML-RPC: billing and managers read it; customers, telecom users, sales agents and
customer care do not, whichever way they ask (read, search_read, a search or a
group-by on it, fields_get)."""

import xmlrpc.client

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import TelecomFixtures, XmlRpcClient

RISK_FIELDS = ["telecom_credit_class", "telecom_credit_limit"]


@tagged("post_install", "-at_install")
class TestRiskFields(XmlRpcClient, TelecomFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
        cls.business.write({"telecom_credit_class": "c", "telecom_credit_limit": 750.0})
        cls.customer = new_test_user(
            cls.env,
            login="tc_risk_portal",
            password="tc_risk_portal_pw",
            groups="base.group_portal",
        )
        cls.customer.partner_id.parent_id = cls.business
        for user in (cls.user, cls.sales, cls.care, cls.billing, cls.manager):
            user.password = f"{user.login}_pw"

    def _caller(self, login):
        return self.rpc_caller(login, f"{login}_pw", model="res.partner")

    def assertAccessFault(self, call, method, *args, **kwargs):
        with (
            mute_logger("odoo.http", "odoo.addons.base.models.ir_model", "odoo.models"),
            self.assertRaises(xmlrpc.client.Fault) as caught,
        ):
            call(method, *args, **kwargs)
        self.assertEqual(caught.exception.faultCode, 4, caught.exception.faultString)

    def test_customers_and_agents_do_not_read_them(self):
        partner = self.business.id
        for login in ("tc_risk_portal", "tc_ro", "tc_sales", "tc_care"):
            with self.subTest(login=login):
                call = self._caller(login)
                self.assertAccessFault(call, "read", [partner], RISK_FIELDS)
                for fname in RISK_FIELDS:
                    self.assertAccessFault(call, "read", [partner], [fname])
                    self.assertAccessFault(call, "search_read", [("id", "=", partner)], [fname])
                self.assertAccessFault(call, "search", [("telecom_credit_class", "=", "c")])
                self.assertAccessFault(call, "search_count", [("telecom_credit_limit", ">", 500)])
                self.assertAccessFault(
                    call, "read_group", [], ["telecom_credit_limit:sum"], ["telecom_credit_class"]
                )
                # they are not described to the caller
                self.assertFalse(set(RISK_FIELDS) & set(call("fields_get", [], ["type"])))
                # the name and the customer number stay readable
                (record,) = call("read", [partner], ["name", "telecom_customer_number"])
                self.assertEqual(record["name"], "Bolt Logistics")

    def test_billing_and_managers_read_them(self):
        for login in ("tc_billing", "tc_manager"):
            with self.subTest(login=login):
                call = self._caller(login)
                (record,) = call("read", [self.business.id], RISK_FIELDS)
                self.assertEqual(
                    (record["telecom_credit_class"], record["telecom_credit_limit"]), ("c", 750.0)
                )
                self.assertEqual(
                    call(
                        "search",
                        [("id", "=", self.business.id), ("telecom_credit_class", "=", "c")],
                    ),
                    [self.business.id],
                )
                self.assertTrue(set(RISK_FIELDS) <= set(call("fields_get", [], ["type"])))
