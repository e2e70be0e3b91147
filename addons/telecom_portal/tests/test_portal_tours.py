# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What customers and agents click, in headless Chromium."""

from odoo.tests import HttpCase, tagged

from .common import TelecomPortalFixtures


@tagged("post_install", "-at_install")
class TestPortalTours(TelecomPortalFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal()

    def test_login_and_read_services(self):
        self.start_tour("/web/login", "telecom_portal_login_tour", login=None)

    def test_change_plan_with_preview(self):
        self.start_tour("/my/subscriptions", "telecom_portal_change_plan_tour", login="tp_alice")
        self.env.invalidate_all()
        self.assertEqual(self.alice_sub.plan_id, self.plan_m)
        order = self.env["sale.order"].search([("telecom_customer_id", "=", self.business.id)])
        self.assertEqual(order.telecom_order_kind, "plan_change")
        self.assertEqual(order.state, "sale")

    def test_open_ticket(self):
        self.category_fault.show_in_portal = True
        self.start_tour("/my", "telecom_portal_ticket_tour", login="tp_alice")
        ticket = self.env["helpdesk.ticket"].search([("partner_id", "=", self.alice.partner_id.id)])
        self.assertEqual(ticket.name, "No data since this morning")
        self.assertEqual(ticket.type_id, self.type_fault)
        self.assertEqual(ticket.telecom_subscription_id, self.alice_sub)

    def test_agent_orders_for_a_customer(self):
        self.start_tour("/my", "telecom_portal_agent_order_tour", login="tp_agent")
        order = self.env["sale.order"].search([("telecom_agent_id", "=", self.reseller.id)])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.telecom_agent_user_id, self.agent)
        sub = order.telecom_new_subscription_ids
        self.assertEqual(sub.partner_id, self.agent_customer)
        self.assertEqual(sub.phone_number, "+32470555666")
        self.assertEqual(sub.plan_id, self.plan_l)
