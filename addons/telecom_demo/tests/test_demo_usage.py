# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoUsage(TransactionCase):
    def test_demo_tariffs_and_usage(self):
        generator = self.env["telecom.demo.generator"]
        # half past an hour, so the first two runs below share the same usage cut-off
        moment = fields.Datetime.now().replace(minute=30, second=0)
        with freeze_time(moment):
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
        # deterministic and idempotent: a second run in the same hour imports nothing,
        # however many seconds the first one took
        with freeze_time(moment + timedelta(minutes=29)):
            again = generator.generate(customers=12, seed=3)
        self.assertEqual((again["tariffs"], again["usage"]), (0, 0))
        # a day later: only the records whose time has come since, none twice
        with freeze_time(moment + timedelta(days=1)):
            later = generator.generate(customers=12, seed=3)
        self.assertEqual(later["tariffs"], 0)
        self.assertGreater(later["usage"], 0)
        self.assertLess(later["usage"], report["usage"])
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT count(*), count(DISTINCT source_record_id) FROM telecom_usage_record"
            " WHERE source_id = %s",
            (source.id,),
        )
        total, distinct = self.env.cr.fetchone()
        self.assertEqual(total, distinct)
        self.assertEqual(total, report["usage"] + later["usage"])
