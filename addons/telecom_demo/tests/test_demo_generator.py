# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager

from odoo.tests import TransactionCase, tagged


class _CleanSlate(Exception):
    """Raised to roll a savepoint back."""


@tagged("post_install", "-at_install")
class TestDemoGenerator(TransactionCase):
    def _demo_partners(self):
        return self.env["res.partner"].search([("ref", "=like", "DEMO-%")], order="ref")

    def _snapshot(self):
        return [(p.ref, p.name, p.is_company, p.email, p.city) for p in self._demo_partners()]

    def _service_snapshot(self):
        subs = self.env["telecom.subscription"].search([("ref", "=like", "DEMO-%")], order="ref")
        return [
            (s.ref, s.plan_id.default_code, s.state, s.phone_number, s.activation_date)
            for s in subs
        ]

    @contextmanager
    def _clean_slate(self):
        """Run the block on the database as it was, then undo it.

        Demo customers own billing accounts and services that cannot simply be
        deleted, so a clean slate is a savepoint rolled back.
        """
        try:
            with self.env.cr.savepoint():
                yield
                raise _CleanSlate
        except _CleanSlate:
            self.env.invalidate_all()

    def test_volume_mix_and_determinism(self):
        generator = self.env["telecom.demo.generator"]
        with self._clean_slate():
            report = generator.generate(customers=30, seed=7)
            self.assertEqual(report["customers"], 30)
            partners = self._demo_partners()
            self.assertEqual(len(partners), 30)
            self.assertEqual(len(partners.filtered("is_company")), 6)
            self.assertTrue(all(p.email and "@" in p.email for p in partners))
            self.assertTrue(all(p.email.isascii() for p in partners), partners.mapped("email"))
            first = self._snapshot()
            services = self._service_snapshot()

            # a second run with the same volume adds nothing
            again = generator.generate(customers=30, seed=7)
            self.assertEqual(again["customers"], 0)
            self.assertEqual(again["subscriptions"], 0)
            self.assertEqual(again["billing_accounts"], 0)
            # a larger run completes the set and keeps the first 30 as they were
            self.assertEqual(generator.generate(customers=40, seed=7)["customers"], 10)
            self.assertEqual(self._snapshot()[:30], first)
            self.assertEqual(self._service_snapshot()[: len(services)], services)

        # the same seed gives the same data on a clean slate
        with self._clean_slate():
            generator.generate(customers=30, seed=7)
            self.assertEqual(self._snapshot(), first)
            self.assertEqual(self._service_snapshot(), services)

    def test_other_seed_other_data(self):
        generator = self.env["telecom.demo.generator"]
        with self._clean_slate():
            generator.generate(customers=10, seed=1)
            first = self._snapshot()
        with self._clean_slate():
            generator.generate(customers=10, seed=2)
            self.assertNotEqual(self._snapshot(), first)

    def test_bad_volume_refused(self):
        with self.assertRaises(ValueError):
            self.env["telecom.demo.generator"].generate(customers=-1)
        with self.assertRaises(ValueError):
            self.env["telecom.demo.generator"].generate(customers="many")

    def test_telecom_data(self):
        generator = self.env["telecom.demo.generator"]
        generator.generate(customers=30, seed=42)
        customers = self._demo_partners()
        # a realistic catalogue
        products = self.env["product.template"].search([("default_code", "=like", "DEMO-%")])
        kinds = set(products.mapped("telecom_kind"))
        self.assertEqual(kinds, {"plan", "addon", "one_time", "equipment", "bundle"})
        techs = set(
            products.filtered(lambda p: p.telecom_kind == "plan").mapped("telecom_technology")
        )
        self.assertEqual(techs, {"mobile", "ftth", "voip"})
        mobile_s = products.filtered(lambda p: p.default_code == "DEMO-MOB-S")
        self.assertTrue(mobile_s.telecom_allowance_ids)
        self.assertEqual(len(mobile_s.telecom_price_version_ids), 2)
        # every customer has a billing account and a number
        self.assertTrue(all(c.telecom_billing_account_ids for c in customers))
        self.assertTrue(all(c.telecom_customer_number for c in customers))
        subs = self.env["telecom.subscription"].search([("ref", "=like", "DEMO-%")])
        self.assertEqual(set(subs.mapped("state")) >= {"active", "terminated"}, True)
        self.assertGreaterEqual(len(subs.mapped("plan_id")), 5)
        # one large business with a fleet of lines
        fleets = customers.filtered(lambda c: len(c.telecom_subscription_ids) >= 50)
        self.assertTrue(fleets and all(fleets.mapped("is_company")))
        # recent services came from confirmed orders with their fees
        orders = self.env["sale.order"].search([("client_order_ref", "=like", "DEMO-%")])
        self.assertTrue(orders)
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        # grandfathering is visible: old subscribers pay the old price of Mobile S
        prices = set(
            subs.line_ids.filtered(lambda ln: ln.product_id.default_code == "DEMO-MOB-S").mapped(
                "price_unit"
            )
        )
        self.assertTrue(prices)
        # the demo portal user is a contact of a demo business with services
        portal = self.env.ref("base.partner_demo_portal", raise_if_not_found=False)
        if portal:
            self.assertIn(portal.commercial_partner_id, customers)
            self.assertTrue(portal.commercial_partner_id.telecom_subscription_ids)
