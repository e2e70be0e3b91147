# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import HttpCase, tagged

from .common import HEADER, RatingFixtures


@tagged("post_install", "-at_install")
class TestUsageTour(RatingFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating()
        cls.billing_user.write({"password": "tb_billing_pw"})

    def test_correct_and_reprocess_a_reject(self):
        data = (
            HEADER + "\ntour-typo,+32470000001,voice,2025-03-03T10:00:00Z,61,out,+32 2 12X 45 67,\n"
        ).encode()
        batch = self.env["telecom.mediation.batch"]._import_data(self.source, data, "tour.csv")
        self.assertEqual(batch.rejected_count, 1)
        self.start_tour(
            "/odoo/action-telecom_billing.telecom_usage_record_action_rejected",
            "telecom_usage_reject_tour",
            login="tb_billing",
        )
        rec = self.env["telecom.usage.record"].search([("source_record_id", "=", "tour-typo")])
        self.assertEqual(rec.state, "rated")
        self.assertEqual(rec.called_number, "+3221234567")
        batch.invalidate_recordset()
        self.assertEqual((batch.rated_count, batch.rejected_count), (1, 0))
