# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestBillingDemo(TransactionCase):
    def test_demo_bill_runs_payments_dunning(self):
        generator = self.env["telecom.demo.generator"]
        report = generator.generate(customers=25, seed=11)
        billing = report["billing"]
        self.assertGreater(billing["runs"], 0)
        self.assertGreater(billing["invoices"], 10)
        self.assertGreater(billing["paid"], 0)
        moves = self.env["account.move"].search([("telecom_kind", "=", "bill")])
        self.assertEqual(len(moves.filtered(lambda m: m.state == "posted")), len(moves))
        self.assertTrue(moves.filtered(lambda m: m.payment_state in ("paid", "in_payment")))
        self.assertTrue(moves.filtered(lambda m: m.payment_state == "not_paid"))
        # one invoice per account and period, whatever happened
        keys = [(m.telecom_billing_account_id.id, m.telecom_period_start) for m in moves]
        self.assertEqual(len(keys), len(set(keys)))
        # idempotent: a second run bills nothing again
        again = generator.generate(customers=25, seed=11)["billing"]
        self.assertEqual((again["runs"], again["invoices"], again["paid"]), (0, 0, 0))
