# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoUsage(TransactionCase):
    def test_demo_tariffs_and_usage(self):
        generator = self.env["telecom.demo.generator"]
        report = generator.generate(customers=12, seed=3)
        self.assertEqual(report["tariffs"], 3)
        self.assertGreater(report["usage"], 100)
        source = self.env["telecom.mediation.source"].search([("code", "=", "DEMO-SWITCH")])
        batch = self.env["telecom.mediation.batch"].search([("source_id", "=", source.id)])
        self.assertEqual(len(batch), 1)
        self.assertEqual(batch.state, "done")
        self.assertTrue(batch.reconciled)
        self.assertEqual(batch.lines_read, report["usage"])
        # the demo plans' usage is priced: their tariff codes exist
        self.assertGreater(batch.rated_count, batch.lines_read * 0.8)
        self.assertGreater(batch.rejected_count, 0)  # a few typos for the reject queue
        rejects = self.env["telecom.usage.record"].search(
            [("batch_id", "=", batch.id), ("state", "=", "rejected")]
        )
        self.assertEqual(set(rejects.mapped("reason_code")) - {"malformed_number",
                         "negative_quantity", "closed_period"}, set())  # fmt: skip
        self.assertTrue(self.env["telecom.allowance.balance"].search_count([("used", ">", 0)]))
        # deterministic and idempotent: a second run imports nothing
        again = generator.generate(customers=12, seed=3)
        self.assertEqual((again["tariffs"], again["usage"]), (0, 0))
