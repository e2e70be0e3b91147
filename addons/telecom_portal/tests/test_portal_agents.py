# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Agents of resellers: their customers only, over HTTP and through the record rules."""

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import TelecomPortalFixtures


@tagged("post_install", "-at_install")
class TestPortalAgents(TelecomPortalFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal()

    # -- record rules ------------------------------------------------------------
    def test_record_rules(self):
        Subscription = self.env["telecom.subscription"]
        seen = Subscription.with_user(self.agent).search([])
        self.assertEqual(seen, self.agent_customer_sub)
        seen = Subscription.with_user(self.agent2).search([])
        self.assertEqual(seen, self.agent2_customer_sub)
        self.assertEqual(
            self.env["res.partner"].with_user(self.agent).search([("name", "=", "Dan Distant")]),
            self.env["res.partner"],
        )
        with self.assertRaises(AccessError):
            self.agent2_customer.with_user(self.agent).check_access("read")
        with self.assertRaises(AccessError):
            self.agent_customer_account.with_user(self.agent2).check_access("read")
        # a customer's own users see nothing of other customers
        self.assertEqual(
            Subscription.with_user(self.alice).search([]), self.alice_sub | self.alice_fibre
        )
        # contacts of a customer carry its reseller (commercial field)
        contact = self.env["res.partner"].create(
            {"name": "Carla's Accountant", "parent_id": self.agent_customer.id}
        )
        self.assertEqual(contact.telecom_agent_id, self.reseller)
        # no write through the rules
        with self.assertRaises(AccessError):
            self.agent_customer_sub.with_user(self.agent).write({"ref": "x"})

    def test_reseller_constraints(self):
        with self.assertRaises(ValidationError):
            self.agent_customer.telecom_agent_id = self.business  # not a reseller
        with self.assertRaises(ValidationError):
            self.reseller.telecom_agent_id = self.reseller

    # -- pages -------------------------------------------------------------------
    def test_agent_home_and_customers(self):
        self.authenticate("tp_agent", "tp_agent")
        res = self.url_open("/my")
        self.assertIn("telecom_agent_customer_count", res.text)
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["telecom_agent_customer_count", "telecom_agent_order_count"]},
        )
        self.assertEqual(
            counters, {"telecom_agent_customer_count": 1, "telecom_agent_order_count": 0}
        )
        res = self.url_open("/my/agent/customers")
        self.assertEqual(res.status_code, 200)
        self.assertIn("Carla Client", res.text)
        self.assertNotIn("Dan Distant", res.text)
        self.assertNotIn("Carla Client", self.url_open("/my/agent/customers?search=Dan").text)
        res = self.url_open(f"/my/agent/customers/{self.agent_customer.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("+32470000003", res.text)
        # the customer's service, read-only
        res = self.url_open(f"/my/subscriptions/{self.agent_customer_sub.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("+32470000003", res.text)
        self.assertNotIn("o_telecom_actions", res.text)
        # the agent's own services list is its own company's (none)
        self.assertNotIn("+32470000003", self.url_open("/my/subscriptions").text)

    def test_agent_isolation_by_id_and_token(self):
        self.authenticate("tp_agent", "tp_agent")
        own_token = self.agent_customer_sub.sudo()._portal_ensure_token()
        for url in (
            f"/my/agent/customers/{self.agent2_customer.id}",
            f"/my/agent/customers/{self.agent2_customer.id}/order",
            f"/my/agent/customers/{self.business.id}",
            f"/my/agent/customers/{self.alice.partner_id.id}",
            "/my/agent/customers/999999",
            f"/my/subscriptions/{self.agent2_customer_sub.id}",
            f"/my/subscriptions/{self.agent2_customer_sub.id}?access_token={own_token}",
            f"/my/subscriptions/{self.agent_customer_sub.id}/change_plan",
            f"/my/billing_accounts/{self.agent2_customer_account.id}",
        ):
            self._redirected_home(self.url_open(url, allow_redirects=False))
        res = self._post(
            f"/my/agent/customers/{self.agent2_customer.id}/order",
            {"plan_id": self.plan_s.id},
        )
        self._redirected_home(res)
        self.assertFalse(self.env["sale.order"].search([("telecom_agent_id", "!=", False)]))

    def test_not_an_agent(self):
        self.authenticate("tp_alice", "tp_alice")
        for url in ("/my/agent/customers", "/my/agent/orders", "/my/agent/customers/new"):
            self._redirected_home(self.url_open(url, allow_redirects=False))
        self._redirected_home(
            self.url_open(f"/my/agent/customers/{self.agent_customer.id}", allow_redirects=False)
        )
        # an agent whose company is no longer a reseller is no agent
        self.reseller.telecom_is_reseller = False
        self.authenticate("tp_agent", "tp_agent")
        self._redirected_home(self.url_open("/my/agent/customers", allow_redirects=False))
        self.assertEqual(
            self.env["telecom.subscription"].with_user(self.agent).search([]),
            self.env["telecom.subscription"],
        )

    def test_register_customer(self):
        self.authenticate("tp_agent", "tp_agent")
        self.assertEqual(self.url_open("/my/agent/customers/new").status_code, 200)
        for data in (
            {"name": "", "email": "x@example.com"},
            {"name": "Eve", "email": "not-an-address"},
            {"name": "Eve", "invoice_delivery": "email"},  # invoices by e-mail need an address
            {"name": "Eve", "email": "eve@example.com", "country_code": "XX"},
        ):
            res = self._post("/my/agent/customers/new", data, allow_redirects=True)
            self.assertIn("o_telecom_error", res.text, data)
        Partner = self.env["res.partner"]
        self.assertFalse(Partner.search([("name", "=", "Eve")]))
        res = self._post(
            "/my/agent/customers/new",
            {
                "name": "Eve Newcomer",
                "customer_type": "residential",
                "email": "eve@example.com",
                "street": "2 Rue Neuve",
                "zip": "1000",
                "city": "Brussels",
                "country_code": "BE",
                "invoice_delivery": "email",
            },
        )
        eve = Partner.search([("name", "=", "Eve Newcomer")])
        self.assertEqual(len(eve), 1)
        self.assertIn(f"/my/agent/customers/{eve.id}", res.headers["Location"])
        self.assertEqual(eve.telecom_agent_id, self.reseller)
        self.assertTrue(eve.telecom_customer_number)
        self.assertEqual(eve.telecom_billing_account_ids.state, "active")
        # the other reseller's agent cannot see her
        self.authenticate("tp_agent2", "tp_agent2")
        self._redirected_home(self.url_open(f"/my/agent/customers/{eve.id}", allow_redirects=False))

    def test_place_order_for_a_customer(self):
        fibre_tv = self._product("Fibre TV", "T-ADD-FTV", "addon", 8.0, telecom_technology="ftth")
        self.authenticate("tp_agent", "tp_agent")
        url = f"/my/agent/customers/{self.agent_customer.id}/order"
        res = self.url_open(url)
        self.assertEqual(res.status_code, 200)
        self.assertIn("Mobile M", res.text)
        for data in (
            {"plan_id": ""},
            {"plan_id": self.addon_data.id},
            {"plan_id": self.plan_m.id, "phone_number": "0470"},
            {"plan_id": self.plan_m.id, "phone_number": "+32470000001"},  # in use
            {"plan_id": self.plan_m.id, "addon_ids": fibre_tv.id},  # not for a mobile line
        ):
            res = self._post(url, data, allow_redirects=True)
            self.assertIn("o_telecom_error", res.text, data)
        SaleOrder = self.env["sale.order"]
        self.assertFalse(SaleOrder.search([("telecom_agent_id", "!=", False)]))
        res = self._post(
            url,
            {
                "plan_id": self.plan_m.id,
                "addon_ids": self.addon_data.id,
                "phone_number": "+32 470 12 34 56",
            },
        )
        order = SaleOrder.search([("telecom_agent_id", "=", self.reseller.id)])
        self.assertEqual(len(order), 1)
        self.assertIn("message=order", res.headers["Location"])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.telecom_order_kind, "new")
        self.assertEqual(order.telecom_agent_user_id, self.agent)
        self.assertEqual(order.telecom_customer_id, self.agent_customer)
        self.assertFalse(order.user_id, "a portal agent is no salesperson")
        sub = order.telecom_new_subscription_ids
        self.assertEqual(sub.phone_number, "+32470123456")
        self.assertEqual(sub.plan_id, self.plan_m)
        self.assertIn(self.addon_data, sub.line_ids.product_id)
        self.assertEqual(sub.state, "active")
        # the agent follows it: customer page, sales list, the order page
        self.assertIn(
            order.name, self.url_open(f"/my/agent/customers/{self.agent_customer.id}").text
        )
        res = self.url_open("/my/agent/orders?filterby=mine")
        self.assertIn(order.name, res.text)
        self.assertIn("o_telecom_month", res.text)
        self.assertEqual(self.url_open(order.get_portal_url()).status_code, 200)
        # the other reseller's agent sees none of it
        self.authenticate("tp_agent2", "tp_agent2")
        self.assertNotIn(order.name, self.url_open("/my/agent/orders").text)
        self._redirected_home(self.url_open(f"/my/orders/{order.id}", allow_redirects=False))
        self._redirected_home(self.url_open(f"/my/subscriptions/{sub.id}", allow_redirects=False))
