# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile requests in the portal: forged banners, form fields named like the
routes' arguments, agents backdating orders or taking numbers outside our pools."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, tagged

from .common import TelecomPortalFixtures
from .test_portal_isolation import ROUTES

FORGED = "Call 0900 123 456 for your refund"
# names of the routes' and their helpers' arguments, sent as query or form fields
CLASHING = {
    "error": FORGED,
    "warning": FORGED,
    "success": FORGED,
    "subscription_id": "1",
    "account_id": "1",
    "invoice_id": "1",
    "customer_id": "1",
    "access_token": "forged",
    "fmt": "exe",
    "values": "x",
    "session_history": "x",
    "no_breadcrumbs": "x",
    "sub_sudo": "x",
    "kw": "x",
    "page": "abc",
    "part": "x",
    "message": "order",
    "ref": FORGED,
}


@tagged("post_install", "-at_install")
class TestPortalHostile(TelecomPortalFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_invoiced()

    def _alice_url(self, template):
        return template.format(
            sub=self.alice_sub.id,
            account=self.business_account.id,
            invoice=self.alice_invoice.id,
            customer=self.agent_customer.id,
        )

    def test_banners_are_codes_not_text(self):
        self.authenticate("tp_alice", "tp_alice")
        sub_url = f"/my/subscriptions/{self.alice_sub.id}"
        account_url = f"/my/billing_accounts/{self.business_account.id}"
        forged = "message=plan_change&ref=Call+0900+123+456+for+your+refund"
        for url in (
            f"{sub_url}?{forged}",
            f"{sub_url}?error=Call+0900+123+456+for+your+refund",
            f"{sub_url}/change_plan?error=Call+0900+123+456+for+your+refund",
            f"{account_url}?{forged.replace('plan_change', 'preferences')}",
            f"{account_url}?error=Call+0900+123+456+for+your+refund&warning=x&success=y",
        ):
            with self.subTest(url=url):
                res = self.url_open(url)
                self.assertEqual(res.status_code, 200)
                self.assertNotIn("0900 123 456", res.text)
                self.assertNotIn("o_telecom_message", res.text)
        # our own redirect shows the banner, in words we wrote
        res = self._post(f"{account_url}/preferences", {"invoice_delivery": "portal"})
        self.assertEqual(res.headers["Location"].split("?")[1], "message=preferences")
        res = self.url_open(res.headers["Location"])
        self.assertIn("o_telecom_message", res.text)
        self.assertIn("Your invoice preferences are saved.", res.text)
        # ...and only that one: another code in a forged link shows nothing
        res = self.url_open(f"{account_url}?message=mandate&ref=Call+0900+123+456")
        self.assertNotIn("o_telecom_message", res.text)
        self.assertNotIn("0900 123 456", res.text)

    def test_fields_named_like_arguments_do_not_break_pages(self):
        self.authenticate("tp_alice", "tp_alice")
        for method, _route, template in ROUTES:
            url = self._alice_url(template)
            with self.subTest(method=method, url=url):
                if method == "POST":
                    res = self._post(url, CLASHING)
                else:
                    query = "&".join(f"{key}={value}" for key, value in CLASHING.items())
                    res = self.url_open(
                        f"{url}{'&' if '?' in url else '?'}{query}", allow_redirects=False
                    )
                self.assertLess(res.status_code, 500, res.text[:500])
                self.assertNotIn(FORGED, res.text)
        # a refused change-plan form with such fields shows the form and its error
        res = self._post(
            f"/my/subscriptions/{self.alice_sub.id}/change_plan/preview",
            {"plan_id": "abc", "when": "now", "error": FORGED, "subscription_id": "0"},
            allow_redirects=True,
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_telecom_error", res.text)
        self.assertNotIn(FORGED, res.text)
        res = self._post(
            f"/my/billing_accounts/{self.business_account.id}/preferences",
            {"invoice_delivery": "pigeon", "error": FORGED, "account_id": "0"},
            allow_redirects=True,
        )
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_telecom_error", res.text)
        self.assertNotIn(FORGED, res.text)

    def test_agents_cannot_backdate_or_take_any_number(self):
        pool = self.env["telecom.number.pool"].create(
            {"name": "Portal pool", "range_start": "+32470213800", "range_end": "+32470213804"}
        )
        pool.action_generate_numbers()
        self.authenticate("tp_agent", "tp_agent")
        url = f"/my/agent/customers/{self.agent_customer.id}/order"
        SaleOrder = self.env["sale.order"]
        today = fields.Date.context_today(self.agent)
        for data, message in (
            (
                {"plan_id": self.plan_m.id, "date": fields.Date.to_string(today - timedelta(3))},
                "starts today or later",
            ),
            ({"plan_id": self.plan_m.id, "phone_number": "+32499999990"}, "not one of our numbers"),
        ):
            with self.subTest(data=data):
                res = self._post(url, data, allow_redirects=True)
                self.assertIn("o_telecom_error", res.text)
                self.assertIn(message, res.text)
        self.assertFalse(SaleOrder.search([("telecom_agent_id", "=", self.reseller.id)]))
        # a number of ours, or another operator's as a port-in
        self._post(url, {"plan_id": self.plan_m.id, "phone_number": "+32470213801"})
        self._post(url, {"plan_id": self.plan_m.id, "phone_number": "+32499999990", "port_in": "1"})
        orders = SaleOrder.search([("telecom_agent_id", "=", self.reseller.id)], order="id")
        self.assertEqual(orders.mapped("state"), ["sale", "sale"])
        subs = orders.telecom_new_subscription_ids.sorted("id")
        self.assertEqual(
            [(s.phone_number, s.port_in) for s in subs],
            [("+32470213801", False), ("+32499999990", True)],
        )
