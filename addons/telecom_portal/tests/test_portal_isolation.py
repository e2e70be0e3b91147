# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every route of the telecom portal, tried by someone it does not belong to.

The list below names each route the controller declares (a test fails when a
route is added without being listed here). Each is requested:

- anonymously: the ``auth="user"`` routes send to the login page, the others
  (reached by token) to ``/my``;
- by Bob (another customer) with Alice's ids, with and without Alice's record
  tokens: always sent to ``/my``, and nothing of Alice's changes;
- by the agent of another reseller on Carla (Relay Shops' customer): sent to ``/my``.
"""

import inspect

from odoo.tests import HttpCase, tagged

from odoo.addons.telecom_portal import controllers

from .common import TelecomPortalFixtures

# (method, route as declared, url template) - {sub}, {account}, {invoice}, {customer}
ROUTES = [
    ("GET", "/my/subscriptions", "/my/subscriptions"),
    ("GET", "/my/subscriptions/page/<int:page>", "/my/subscriptions/page/2"),
    ("GET", "/my/subscriptions/<int:subscription_id>", "/my/subscriptions/{sub}"),
    ("GET", "/my/usage", "/my/usage?service={sub}"),
    ("GET", "/my/usage/export.<string:fmt>", "/my/usage/export.csv?service={sub}"),
    (
        "GET",
        "/my/subscriptions/<int:subscription_id>/change_plan",
        "/my/subscriptions/{sub}/change_plan",
    ),
    (
        "POST",
        "/my/subscriptions/<int:subscription_id>/change_plan/preview",
        "/my/subscriptions/{sub}/change_plan/preview",
    ),
    (
        "POST",
        "/my/subscriptions/<int:subscription_id>/change_plan/confirm",
        "/my/subscriptions/{sub}/change_plan/confirm",
    ),
    ("GET", "/my/subscriptions/<int:subscription_id>/addon", "/my/subscriptions/{sub}/addon"),
    ("POST", "/my/subscriptions/<int:subscription_id>/addon", "/my/subscriptions/{sub}/addon"),
    (
        "POST",
        "/my/subscriptions/<int:subscription_id>/suspend",
        "/my/subscriptions/{sub}/suspend",
    ),
    ("POST", "/my/subscriptions/<int:subscription_id>/resume", "/my/subscriptions/{sub}/resume"),
    ("GET", "/my/subscriptions/<int:subscription_id>/sim", "/my/subscriptions/{sub}/sim"),
    ("POST", "/my/subscriptions/<int:subscription_id>/sim", "/my/subscriptions/{sub}/sim"),
    ("GET", "/my/subscriptions/<int:subscription_id>/port_in", "/my/subscriptions/{sub}/port_in"),
    ("GET", "/my/requests", "/my/requests"),
    ("GET", "/my/requests/page/<int:page>", "/my/requests/page/2"),
    ("GET", "/my/tickets/new", "/my/tickets/new?subscription_id={sub}"),
    ("POST", "/my/tickets/new", "/my/tickets/new"),
    ("GET", "/my/billing_accounts", "/my/billing_accounts"),
    ("GET", "/my/billing_accounts/page/<int:page>", "/my/billing_accounts/page/2"),
    ("GET", "/my/billing_accounts/<int:account_id>", "/my/billing_accounts/{account}"),
    (
        "POST",
        "/my/billing_accounts/<int:account_id>/preferences",
        "/my/billing_accounts/{account}/preferences",
    ),
    (
        "POST",
        "/my/billing_accounts/<int:account_id>/mandate",
        "/my/billing_accounts/{account}/mandate",
    ),
    (
        "POST",
        "/my/billing_accounts/<int:account_id>/mandate/revoke",
        "/my/billing_accounts/{account}/mandate/revoke",
    ),
    ("GET", "/my/invoices/<int:invoice_id>/usage.<string:fmt>", "/my/invoices/{invoice}/usage.pdf"),
    ("GET", "/my/agent/customers", "/my/agent/customers"),
    ("GET", "/my/agent/customers/page/<int:page>", "/my/agent/customers/page/2"),
    ("GET", "/my/agent/customers/new", "/my/agent/customers/new"),
    ("GET", "/my/agent/customers/<int:customer_id>", "/my/agent/customers/{customer}"),
    (
        "GET",
        "/my/agent/customers/<int:customer_id>/order",
        "/my/agent/customers/{customer}/order",
    ),
    (
        "POST",
        "/my/agent/customers/<int:customer_id>/order",
        "/my/agent/customers/{customer}/order",
    ),
    ("GET", "/my/agent/orders", "/my/agent/orders"),
    ("GET", "/my/agent/orders/page/<int:page>", "/my/agent/orders/page/2"),
]

# what a forged request would ask for, if it got through
PAYLOAD = {
    "plan_id": "0",
    "when": "now",
    "product_id": "0",
    "reason": "lost",
    "note": "forged",
    "invoice_delivery": "post",
    "iban": "BE71096123456769",
    "consent": "1",
    "subject": "forged",
    "description": "forged",
    "category_id": "0",
}


def declared_routes():
    """Every route declared by the telecom portal's controllers (one file per page)."""
    routes = set()
    for _name, module in inspect.getmembers(controllers, inspect.ismodule):
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ != module.__name__:
                continue
            for _name, func in inspect.getmembers(cls, inspect.isfunction):
                routing = getattr(func, "original_routing", None) or {}
                if func.__module__ == module.__name__ and routing.get("routes"):
                    routes.update(routing["routes"])
    return routes


@tagged("post_install", "-at_install")
class TestPortalIsolation(TelecomPortalFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_invoiced()
        cls.ids = {
            "sub": cls.alice_sub.id,
            "account": cls.business_account.id,
            "invoice": cls.alice_invoice.id,
            "customer": cls.agent_customer.id,
        }

    def _request(self, method, url, data=None):
        if method == "POST":
            return self._post(url, data)
        return self.url_open(url, allow_redirects=False)

    def _location(self, res, url):
        self.assertIn(res.status_code, (302, 303), f"{url}: {res.status_code} {res.text[:200]}")
        return res.headers["Location"]

    def _snapshot(self):
        self.env.invalidate_all()
        return (
            self.alice_sub.plan_id,
            self.alice_sub.state,
            self.alice_sub.line_ids.ids,
            self.business_account.invoice_delivery,
            self.business_account.mandate_id,
            self.env["sale.order"].search_count([]),
            self.env["helpdesk.ticket"].search_count([]),
            self.env["account.banking.mandate"].search_count([]),
            self.env["res.partner"].search_count([]),
        )

    def test_every_route_is_listed(self):
        listed = {route for _method, route, _url in ROUTES}
        self.assertEqual(declared_routes() - listed, set(), "routes not tried below")
        self.assertEqual(listed - declared_routes(), set(), "listed routes that do not exist")

    def test_anonymous(self):
        before = self._snapshot()
        self.authenticate(None, None)
        for method, route, template in ROUTES:
            url = template.format(**self.ids)
            with self.subTest(method=method, url=url):
                location = self._location(self._request(method, url, PAYLOAD), url)
                if self._public_route(route):
                    self.assertTrue(location.endswith("/my"), location)
                else:
                    self.assertIn("/web/login", location)
        self.assertEqual(self._snapshot(), before)

    def _public_route(self, route):
        return route in (
            "/my/subscriptions/<int:subscription_id>",
            "/my/billing_accounts/<int:account_id>",
            "/my/invoices/<int:invoice_id>/usage.<string:fmt>",
        )

    def test_another_customer_with_ids_and_tokens(self):
        tokens = {
            "sub": self.alice_sub.sudo()._portal_ensure_token(),
            "account": self.business_account.sudo()._portal_ensure_token(),
            "invoice": self.alice_invoice.sudo()._portal_ensure_token(),
        }
        before = self._snapshot()
        self.authenticate("tp_bob", "tp_bob")
        for method, route, template in ROUTES:
            key = next((k for k in ("sub", "account", "invoice") if f"{{{k}}}" in template), None)
            if not key:
                continue
            url = template.format(**self.ids)
            for token in (None, "forged", tokens["sub" if key == "invoice" else "invoice"]):
                sep = "&" if "?" in url else "?"
                full = f"{url}{sep}access_token={token}" if token else url
                with self.subTest(method=method, url=full):
                    res = self._request(method, full, PAYLOAD)
                    if route == "/my/tickets/new":
                        # the form opens, without Alice's line to choose
                        self.assertEqual(res.status_code, 200)
                        self.assertIn("+32470000002", res.text)
                        self.assertNotIn("+32470000001", res.text)
                        continue
                    # the usage pages start again without the filter; the rest go home
                    home = "/my/usage" if route.startswith("/my/usage") else "/my"
                    self.assertTrue(self._location(res, full).endswith(home), full)
            if method == "GET" and self._public_route(route) and key != "invoice":
                # the record's own token opens it read-only, never with Bob's forms
                # (the usage detail by token: test_portal_billing, on bill-run invoices)
                own = f"{url}?access_token={tokens[key]}"
                res = self._request(method, own)
                self.assertEqual(res.status_code, 200, own)
                self.assertNotIn("/preferences", res.text)
                self.assertNotIn("/mandate", res.text)
                self.assertNotIn("/change_plan", res.text)
        self.assertEqual(self._snapshot(), before)

    def test_agent_of_another_reseller(self):
        before = self._snapshot()
        self.authenticate("tp_agent2", "tp_agent2")
        for method, _route, template in ROUTES:
            if "{customer}" not in template:
                continue
            url = template.format(**self.ids)
            with self.subTest(method=method, url=url):
                res = self._request(method, url, {**PAYLOAD, "plan_id": self.plan_l.id})
                self.assertTrue(self._location(res, url).endswith("/my"), url)
        self.assertEqual(self._snapshot(), before)
