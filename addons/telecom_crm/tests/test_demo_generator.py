# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoGenerator(TransactionCase):
    def _demo_partners(self):
        return self.env["res.partner"].search([("ref", "=like", "DEMO-%")], order="ref")

    def _snapshot(self):
        return [(p.ref, p.name, p.is_company, p.email, p.city) for p in self._demo_partners()]

    def test_volume_mix_and_determinism(self):
        generator = self.env["telecom.demo.generator"]
        report = generator.generate(customers=30, seed=7)
        self.assertEqual(report["customers"], 30)
        partners = self._demo_partners()
        self.assertEqual(len(partners), 30)
        self.assertEqual(len(partners.filtered("is_company")), 6)
        self.assertTrue(all(p.email and "@" in p.email for p in partners))
        self.assertTrue(all(p.email.isascii() for p in partners), partners.mapped("email"))
        first = self._snapshot()

        # a second run with the same volume adds nothing
        self.assertEqual(generator.generate(customers=30, seed=7)["customers"], 0)
        # a larger run completes the set and keeps the first 30 as they were
        self.assertEqual(generator.generate(customers=40, seed=7)["customers"], 10)
        self.assertEqual(self._snapshot()[:30], first)

        # the same seed gives the same data on a clean slate
        self._demo_partners().unlink()
        generator.generate(customers=30, seed=7)
        self.assertEqual(self._snapshot(), first)

    def test_other_seed_other_data(self):
        generator = self.env["telecom.demo.generator"]
        generator.generate(customers=10, seed=1)
        first = self._snapshot()
        self._demo_partners().unlink()
        generator.generate(customers=10, seed=2)
        self.assertNotEqual(self._snapshot(), first)

    def test_bad_volume_refused(self):
        with self.assertRaises(ValueError):
            self.env["telecom.demo.generator"].generate(customers=-1)
        with self.assertRaises(ValueError):
            self.env["telecom.demo.generator"].generate(customers="many")
