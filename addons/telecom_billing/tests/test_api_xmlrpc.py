# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""telecom.api.import_usage and rate_preview over real XML-RPC."""

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.telecom_crm.tests.common import XmlRpcClient

from .common import SUB1, RatingFixtures


@tagged("post_install", "-at_install")
class TestUsageApiXmlRpc(XmlRpcClient, RatingFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating()
        cls.integrator = new_test_user(
            cls.env,
            login="tb_integrator",
            password="tb_integrator_pw",
            groups="telecom_crm.group_telecom_billing",
        )

    def setUp(self):
        super().setUp()
        self.rpc_login("tb_integrator", "tb_integrator_pw")

    def test_rate_preview(self):
        result = self.call(
            "rate_preview", SUB1, "voice", "2025-03-03T18:58:30+01:00", 185,
            called_number="+32 2 123 45 67",
        )  # fmt: skip
        # the band-crossing call of the golden set, with the voice allowance untouched:
        # 240 rated seconds, all inside the 300 s allowance (so nothing is split: the
        # band is the one at the start)
        self.assertEqual(result["state"], "rated")
        self.assertEqual(result["zone"], "BE-FIX")
        self.assertEqual(result["time_band"], "peak")
        self.assertEqual((result["rated_quantity"], result["allowance_quantity"]), (240, 240))
        self.assertEqual(result["amount"], "0.00")
        self.assertEqual(result["local_time"], "2025-03-03T18:58:30")
        self.assertIs(result["reason"], False)
        self.assertTrue(any(step["step"] == "allowance" for step in result["steps"]))
        # a preview consumes nothing
        self.assertFalse(self.env["telecom.allowance.balance"].search([("used", ">", 0)]))
        data = self.call("rate_preview", self.sub1.id, "data", "2025-03-05T09:00:00Z", 25 * 1048576)
        # 25 MB: 20 MB from the pool, 5 MB at 0.02
        self.assertEqual((data["allowance_quantity"], data["amount"]), (20 * 1048576, "0.10"))
        self.assertFault("Unknown subscription", "rate_preview", "+32999", "voice",
                         "2025-03-03T09:00:00Z", 60)  # fmt: skip
        self.assertFault("Unknown usage type", "rate_preview", SUB1, "fax",
                         "2025-03-03T09:00:00Z", 60)  # fmt: skip
        self.assertFault("ISO-8601", "rate_preview", SUB1, "voice", "yesterday", 60)
        self.assertFault("negative", "rate_preview", SUB1, "voice", "2025-03-03T09:00:00Z", -1)
        self.assertFault("E.164", "rate_preview", SUB1, "voice", "2025-03-03T09:00:00Z", 60,
                         called_number="12ab")  # fmt: skip

    def test_import_usage_is_safe_to_retry(self):
        records = [
            {"record_id": "rpc1", "subscriber": SUB1, "usage_type": "voice",
             "start_time": "2025-03-03T09:00:00Z", "quantity": 61,
             "called_number": "+3221234567"},
            {"record_id": "rpc2", "subscriber": SUB1, "usage_type": "sms",
             "start_time": "2025-03-03T09:01:00Z", "quantity": 1,
             "called_number": "+3221234567"},
            # invalid: rejected with its reason, the call still succeeds
            {"record_id": "rpc3", "subscriber": SUB1, "usage_type": "voice",
             "start_time": "2025-03-03T09:02:00Z", "quantity": -3,
             "called_number": "+3221234567"},
        ]  # fmt: skip
        report = self.call("import_usage", "SW1", records, batch_ref="push-0001")
        self.assertEqual(
            {k: report[k] for k in ("state", "read", "rated", "rejected", "duplicate",
                                    "unbillable", "reconciled")},
            {"state": "done", "read": 3, "rated": 2, "rejected": 1, "duplicate": 0,
             "unbillable": 0, "reconciled": True},
        )  # fmt: skip
        # the retry returns the first report, nothing is stored twice
        again = self.call("import_usage", "SW1", records, batch_ref="push-0001")
        self.assertEqual(again, report)
        self.assertEqual(
            self.env["telecom.usage.record"].search_count([("source_id", "=", self.source.id)]), 3
        )
        # the same reference with other records is refused
        self.assertFault("already used", "import_usage", "SW1", records[:1], batch_ref="push-0001")
        # a new push repeating rpc1: recorded as a duplicate, not charged again
        report = self.call("import_usage", "SW1", records[:1], batch_ref="push-0002")
        self.assertEqual((report["read"], report["duplicate"]), (1, 1))
        self.assertFault("unknown field", "import_usage", "SW1", [{"record_id": "x", "foo": 1}])
        self.assertFault("non-empty list", "import_usage", "SW1", [])
        self.assertFault("Unknown mediation source", "import_usage", "NOPE", records)
