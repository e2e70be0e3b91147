# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import TelecomCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-06-15")
class TestPriceChange(TelecomCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub_a = cls._subscription()
        cls.sub_b = cls._subscription(partner=cls.business)
        cls.sub_other = cls._subscription(plan=cls.plan_m)
        cls.new_version = cls.env["telecom.price.version"].create(
            {
                "product_tmpl_id": cls.plan_s.product_tmpl_id.id,
                "date_from": date(2025, 7, 1),
                "price": 12.0,
                "note": "Network investment",
            }
        )

    def test_grandfathering(self):
        # a new version changes nothing for existing subscribers...
        self.assertEqual(self.sub_a.line_ids.price_unit, 10.0)
        self.assertEqual(self.sub_a.recurring_price, 10.0)
        # ...while new subscribers from its date pay the new price
        newcomer = self._subscription(activate=date(2025, 7, 2))
        self.assertEqual(newcomer.line_ids.price_unit, 12.0)
        self.assertEqual(newcomer.line_ids.price_version_id, self.new_version)

    def test_schedule_for_selected_subscribers(self):
        act = self.new_version.with_user(self.manager).action_schedule_for_subscribers()
        self.assertEqual(
            set(act["context"]["default_subscription_ids"]), {self.sub_a.id, self.sub_b.id}
        )
        form = Form(
            self.env["telecom.price.change.wizard"]
            .with_user(self.manager)
            .with_context(
                default_price_version_id=self.new_version.id,
                default_subscription_ids=[self.sub_a.id],
            )
        )
        self.assertEqual(form.date, date(2025, 7, 1))
        form.date = date(2025, 8, 1)
        result = form.save().action_apply()
        self.assertEqual(result["params"]["type"], "success")
        old, new = self.sub_a.line_ids.sorted("date_start")
        self.assertEqual((old.price_unit, old.date_end), (10.0, date(2025, 7, 31)))
        self.assertEqual(
            (new.price_unit, new.date_start, new.date_end), (12.0, date(2025, 8, 1), False)
        )
        self.assertEqual(new.price_version_id, self.new_version)
        self.assertEqual(self.sub_a.event_ids.sorted("id")[-1:].type, "price_change")
        # not selected: still grandfathered
        self.assertEqual(self.sub_b.line_ids.price_unit, 10.0)
        self.assertEqual(self.new_version.subscriber_count, 1)

    def test_bad_records_reported_good_ones_kept(self):
        wizard = (
            self.env["telecom.price.change.wizard"]
            .with_user(self.manager)
            .with_context(
                active_model="telecom.subscription", active_ids=[self.sub_a.id, self.sub_other.id]
            )
            .create({"price_version_id": self.new_version.id})
        )
        self.assertEqual(wizard.subscription_ids, self.sub_a | self.sub_other)
        result = wizard.action_apply()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn(self.sub_other.name, result["params"]["message"])
        self.assertEqual(len(self.sub_a.line_ids), 2)
        self.assertEqual(len(self.sub_other.line_ids), 1)

    def test_date_outside_version_refused(self):
        wizard = (
            self.env["telecom.price.change.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "price_version_id": self.new_version.id,
                    "subscription_ids": [Command.set(self.sub_a.ids)],
                    "date": date(2025, 6, 20),
                }
            )
        )
        result = wizard.action_apply()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertEqual(len(self.sub_a.line_ids), 1)

    def test_only_managers(self):
        with self.assertRaises(AccessError):
            self.env["telecom.price.change.wizard"].with_user(self.care).create(
                {"price_version_id": self.new_version.id}
            )
        with self.assertRaises(AccessError):
            self.sub_a.with_user(self.care)._telecom_schedule_price(
                self.new_version, date(2025, 7, 1)
            )
