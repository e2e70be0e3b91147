# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import TelecomCommon


@tagged("post_install", "-at_install")
class TestCatalogue(TelecomCommon):
    def test_reference_data(self):
        usage = self.env["telecom.usage.type"].search([])
        self.assertEqual(
            set(usage.mapped("code")),
            {"voice", "voice_roaming", "sms", "sms_roaming", "mms", "data", "data_roaming", "voip"},
        )
        roaming = self.env.ref("telecom_crm.telecom_usage_type_data_roaming")
        self.assertEqual(
            (roaming.unit, roaming.is_roaming, roaming.base_code), ("byte", True, "data")
        )
        self.assertEqual(self.env.ref("telecom_crm.telecom_usage_type_voice").unit, "second")
        zones = self.env["telecom.zone.class"].search([])
        self.assertEqual(
            set(zones.mapped("code")),
            {
                "national",
                "international_eu",
                "international_world",
                "premium",
                "roaming_eu",
                "roaming_world",
            },
        )
        kinds = set(self.env["telecom.reason.code"].search([]).mapped("kind"))
        self.assertEqual(kinds, {"suspension", "termination", "credit", "dispute", "other"})
        self.assertTrue(self.env["telecom.customer.segment"].search([("code", "=", "sme")]))

    def test_reference_codes_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["telecom.usage.type"].create({"code": "sms", "name": "Dup", "unit": "unit"})

    def test_price_versions_effective_dated(self):
        tmpl = self.plan_s.product_tmpl_id
        Version = self.env["telecom.price.version"].with_user(self.manager)
        new = Version.create(
            {"product_tmpl_id": tmpl.id, "date_from": date(2025, 7, 1), "price": 12.0}
        )
        old = tmpl.telecom_price_version_ids - new
        # the open-ended predecessor now ends the day before
        self.assertEqual(old.date_to, date(2025, 6, 30))
        self.assertEqual(tmpl._telecom_price_at(date(2025, 6, 30)), old)
        self.assertEqual(tmpl._telecom_price_at(date(2025, 7, 1)), new)
        self.assertEqual(tmpl._telecom_price_at(date(2030, 1, 1)), new)
        self.assertFalse(tmpl._telecom_price_at(date(2023, 12, 31)))
        self.assertEqual(self.plan_s._telecom_price_amount_at("2025-06-30"), 10.0)
        self.assertEqual(self.plan_s._telecom_price_amount_at(date(2025, 7, 2)), 12.0)
        # list price is the fallback before the first version
        self.assertEqual(self.plan_s._telecom_price_amount_at(date(2023, 1, 1)), 0.0)

    def test_price_version_refusals(self):
        tmpl = self.plan_m.product_tmpl_id
        Version = self.env["telecom.price.version"].with_user(self.manager)
        with self.assertRaises(ValidationError):
            Version.create(
                {
                    "product_tmpl_id": tmpl.id,
                    "date_from": date(2023, 1, 1),
                    "date_to": date(2024, 6, 1),
                    "price": 5.0,
                }
            )
        with self.assertRaises(ValidationError):
            Version.create({"product_tmpl_id": tmpl.id, "date_from": date(2026, 1, 1), "price": -1})
        with self.assertRaises(ValidationError):
            Version.create(
                {
                    "product_tmpl_id": tmpl.id,
                    "date_from": date(2022, 1, 1),
                    "date_to": date(2021, 1, 1),
                    "price": 1.0,
                }
            )
        # only managers set prices
        with self.assertRaises(AccessError):
            self.env["telecom.price.version"].with_user(self.sales).create(
                {"product_tmpl_id": tmpl.id, "date_from": date(2026, 1, 1), "price": 25.0}
            )

    def test_allowances(self):
        data, voice = self.plan_s.telecom_allowance_ids.sorted(lambda a: a.usage_type_id.code)
        self.assertEqual(data.usage_type_id, self.usage_data)
        self.assertEqual(data.quantity_base, 5 * 1024**3)
        self.assertEqual(voice.quantity_base, 300 * 60)
        self.assertIn("GB", data.display_name)
        with self.assertRaises(ValidationError):
            self.env["telecom.plan.allowance"].create(
                {
                    "product_tmpl_id": self.plan_m.product_tmpl_id.id,
                    "usage_type_id": self.usage_voice.id,
                    "quantity": 10,
                    "uom": "gb",
                }
            )
        with self.assertRaises(ValidationError):
            self.fee_sim.product_tmpl_id.telecom_allowance_ids = [
                Command.create({"usage_type_id": self.usage_data.id, "quantity": 1, "uom": "gb"})
            ]

    def test_bundle_and_terms_validation(self):
        self.assertEqual(
            self.bundle.telecom_bundle_line_ids.product_id, self.plan_fiber | self.addon_tv
        )
        with self.assertRaises(ValidationError):
            self.env["product.template"].create(
                {
                    "name": "Bad bundle",
                    "telecom_kind": "bundle",
                    "telecom_bundle_line_ids": [
                        Command.create({"product_id": self.plan_s.id}),
                        Command.create({"product_id": self.plan_m.id}),
                    ],
                }
            )
        with self.assertRaises(ValidationError):
            self.env["product.template"].create(
                {"name": "ETF without term", "telecom_kind": "plan", "telecom_etf_rule": "fixed"}
            )
        with self.assertRaises(ValidationError):
            self.env["product.template"].create(
                {
                    "name": "Bad percent",
                    "telecom_kind": "plan",
                    "telecom_commitment_months": 12,
                    "telecom_etf_rule": "percent_remaining",
                    "telecom_etf_percent": 150,
                }
            )

    def test_product_form_defaults(self):
        form = Form(self.env["product.template"].with_user(self.manager))
        form.name = "Mobile XL"
        form.telecom_kind = "plan"
        self.assertEqual(form.telecom_recurring_period, "monthly")
        form.telecom_kind = "one_time"
        self.assertFalse(form.telecom_recurring_period)
        form.telecom_kind = "addon"
        product = form.save()
        self.assertEqual(product.type, "service")
        self.assertEqual(product.telecom_recurring_period, "monthly")
        self.assertEqual(product.telecom_proration_policy, "daily")
