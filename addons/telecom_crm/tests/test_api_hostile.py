# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile input over real XML-RPC: numbers that are not numbers, absurd orders,
over-long strings. Each is refused with a clear error and writes
nothing."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..models.sale_order import MAX_LINE_QUANTITY
from ..models.telecom_api import MAX_ORDER_LINES
from .common import TelecomFixtures, XmlRpcClient

NAN = float("nan")
INF = float("inf")


@tagged("post_install", "-at_install")
class TestApiHostileInput(XmlRpcClient, TelecomFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
        new_test_user(
            cls.env,
            login="tc_hi_agent",
            password="tc_hi_agent_pw",
            groups="telecom_crm.group_telecom_sales",
        )

    def setUp(self):
        super().setUp()
        self.rpc_login("tc_hi_agent", "tc_hi_agent_pw")
        self.customer = self.business.telecom_customer_number

    def _count(self, model):
        self.env.invalidate_all()
        return self.env[model].search_count([])

    def _order(self, **values):
        return {"customer": self.customer, "kind": "new", **values}

    def test_numbers_that_are_not_numbers(self):
        before = (self._count("sale.order"), self._count("res.partner"))
        for bad, message in (
            (NAN, "finite number"),
            (INF, "finite number"),
            (-INF, "finite number"),
            (-1, "at least 0"),
            (10**7, f"at most {MAX_LINE_QUANTITY}"),
            ("3", "must be a number"),
            (True, "must be a number"),
        ):
            with self.subTest(quantity=bad):
                self.assertFault(
                    message,
                    "place_order",
                    self._order(lines=[{"product": "T-MOB-S", "quantity": bad}]),
                )
        for bad in (NAN, INF, -5, 1e13):
            with self.subTest(credit_limit=bad):
                self.assertFault(
                    "credit_limit", "create_customer", {"name": "Nan Co", "credit_limit": bad}
                )
        self.assertFault(
            "billing_day",
            "create_customer",
            {"name": "Nan Co", "billing_account": {"billing_day": NAN}},
        )
        self.assertEqual((self._count("sale.order"), self._count("res.partner")), before)

    def test_absurd_orders(self):
        before = self._count("sale.order")
        lines = [{"product": "T-ADD-DATA"}] * (MAX_ORDER_LINES + 1)
        self.assertFault(
            f"at most {MAX_ORDER_LINES} lines", "place_order", self._order(lines=lines)
        )
        self.assertFault(
            "at most",
            "place_order",
            {
                "customer": self.customer,
                "kind": "termination",
                "subscriptions": ["S0000001"] * (MAX_ORDER_LINES + 1),
            },
        )
        self.assertEqual(self._count("sale.order"), before)
        # the same guard without the API: an order of 10 million lines by the ORM
        order = (
            self.env["sale.order"]
            .with_user(self.sales)
            .create(
                {
                    "partner_id": self.business.id,
                    "telecom_order_kind": "new",
                    "order_line": [
                        Command.create({"product_id": self.plan_s.id, "product_uom_qty": 10**7})
                    ],
                }
            )
        )
        with self.assertRaisesRegex(UserError, "at most 1000 services per order line"):
            order.action_confirm()
        self.assertFalse(order.telecom_new_subscription_ids)

    def test_over_long_strings(self):
        before = (self._count("sale.order"), self._count("res.partner"))
        long_name = "N" * 257
        self.assertFault("name is 257 characters long", "create_customer", {"name": long_name})
        self.assertFault(
            "email is", "create_customer", {"name": "Long Mail", "email": "x" * 300 + "@e.com"}
        )
        self.assertFault(
            "client_order_ref", "place_order", self._order(client_order_ref="R" * 1000)
        )
        self.assertFault(
            "line 1 phone_number",
            "place_order",
            self._order(lines=[{"product": "T-MOB-S", "phone_number": "+" + "3" * 100}]),
        )
        self.assertFault(
            "line 1 description",
            "place_order",
            self._order(lines=[{"product": "T-MOB-S", "description": "d" * 70_000}]),
        )
        self.assertEqual((self._count("sale.order"), self._count("res.partner")), before)
