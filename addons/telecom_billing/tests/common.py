# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the rating tests: the tariff of the pure-Python golden set, in the database.

Tariff MOBILE (split band policy, 2 decimals half-up): mon-fri 08:00-19:00 peak,
sat-sun weekend, otherwise off-peak, 1 May a holiday rated as weekend; zones
BE-FIX +32, BE-MOB +3246..+3249, BE-PREM +3290, BE-EMERG +32112 (not billable),
EU +31 +33 +49, WORLD +1, roaming R-EU and R-WORLD, HOME for data. Plan "Mobile
Rated" grants 300 s of national/roaming-EU voice, 2 SMS and 10 MB of data shared
by the billing account. Two subscriptions (+32470000001, +32470000002) of one
account, customer in Europe/Brussels, active from 2025-01-10.
"""

from datetime import date

from odoo import Command
from odoo.tests import TransactionCase, new_test_user

ACTIVATION = date(2025, 1, 10)
MB = 1024 * 1024
HEADER = "record_id,subscriber,usage_type,start_time,quantity,direction,called_number,location"
SUB1 = "+32470000001"
SUB2 = "+32470000002"

ZONES = [
    # code, class, kind, billable, prefixes
    ("BE-FIX", "national", "destination", True, ["+32"]),
    ("BE-MOB", "national", "destination", True, ["+3246", "+3247", "+3248", "+3249"]),
    ("BE-PREM", "premium", "destination", True, ["+3290"]),
    ("BE-EMERG", "national", "destination", False, ["+32112"]),
    ("EU", "international_eu", "destination", True, ["+31", "+33", "+49"]),
    ("WORLD", "international_world", "destination", True, ["+1"]),
    ("HOME", "national", "destination", True, []),
    ("R-EU", "roaming_eu", "roaming", True, ["+31", "+33", "+49"]),
    ("R-WORLD", "roaming_world", "roaming", True, ["+1"]),
]
# usage type, zone, band, price, per, increment, fee, minimum, extra
PRICES = [
    ("voice", "BE-FIX", "peak", 0.10, "minute", "60_60", 0.05, 0, {}),
    ("voice", "BE-FIX", "offpeak", 0.05, "minute", "60_60", 0.05, 0, {}),
    ("voice", "BE-FIX", "weekend", 0.04, "minute", "60_60", 0, 0, {}),
    ("voice", "BE-MOB", False, 0.12, "minute", "30_1", 0, 0.10, {}),
    ("voice", "BE-PREM", False, 1.50, "minute", "1_1", 0.25, 0, {}),
    ("voice", "BE-EMERG", False, 0, "minute", "1_1", 0, 0, {}),
    ("voice", "EU", False, 0.30, "minute", "60_60", 0.10, 0, {"tiers": [(10, 0.20)]}),
    ("voice", "WORLD", False, 1.20, "minute", "1_1", 0, 0.50, {}),
    ("voice_roaming", "R-EU", False, 0.10, "minute", "60_60", 0, 0, {}),
    ("voice_roaming", "R-WORLD", False, 2.00, "minute", "60_60", 0, 0, {"charge_incoming": True}),
    ("sms", False, False, 0.10, "message", "1_1", 0, 0, {}),
    ("sms", "EU", False, 0.15, "message", "1_1", 0, 0, {}),
    ("data", False, False, 0.02, "mb", "kb", 0, 0, {}),
    ("data_roaming", "R-WORLD", False, 5.00, "mb", "10kb", 0, 0, {}),
]


class RatingFixtures:
    @classmethod
    def _setup_rating(cls):
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        ref = cls.env.ref
        cls.company = cls.env.company
        cls.usage_types = {
            code: ref(f"telecom_crm.telecom_usage_type_{code}")
            for code in ("voice", "voice_roaming", "sms", "data", "data_roaming")
        }
        cls.zone_classes = {
            code: ref(f"telecom_crm.telecom_zone_class_{code}")
            for code in ("national", "international_eu", "international_world", "premium",
                         "roaming_eu", "roaming_world")
        }  # fmt: skip
        cls.billing_user = new_test_user(
            cls.env, login="tb_billing", groups="telecom_crm.group_telecom_billing"
        )
        cls.telecom_user = new_test_user(
            cls.env, login="tb_user", groups="telecom_crm.group_telecom_user"
        )
        cls._setup_tariff()
        cls._setup_plan()
        cls.source = cls.env["telecom.mediation.source"].create({"name": "Switch 1", "code": "SW1"})

    @classmethod
    def _setup_tariff(cls):
        calendar = cls.env["telecom.holiday.calendar"].create(
            {"name": "Belgium", "holiday_ids": [Command.create({"date": date(2025, 5, 1),
                                                                 "name": "Labour Day"})]}
        )  # fmt: skip
        cls.tariff = cls.env["telecom.tariff"].create(
            {"code": "MOBILE", "name": "Mobile", "timezone": "Europe/Brussels"}
        )
        cls.version = cls.env["telecom.tariff.version"].create(
            {
                "tariff_id": cls.tariff.id,
                "date_from": date(2025, 1, 1),
                "currency_id": cls.company.currency_id.id,
                "rounding_precision": 2,
                "rounding_method": "half_up",
                "band_policy": "split",
                "default_band": "offpeak",
                "holiday_calendar_id": calendar.id,
                "holiday_band": "weekend",
                "band_ids": [
                    Command.create({"band": "peak", "hour_from": 8, "hour_to": 19}),
                    Command.create({"band": "weekend", "mon": False, "tue": False, "wed": False,
                                    "thu": False, "fri": False, "sat": True, "sun": True,
                                    "hour_from": 0, "hour_to": 24}),
                ],
            }
        )  # fmt: skip
        cls.zones = {}
        for code, zclass, kind, billable, prefixes in ZONES:
            cls.zones[code] = cls.env["telecom.tariff.zone"].create(
                {
                    "version_id": cls.version.id,
                    "code": code,
                    "name": code,
                    "zone_class_id": cls.zone_classes[zclass].id,
                    "kind": kind,
                    "billable": billable,
                    "prefix_ids": [Command.create({"prefix": p}) for p in prefixes],
                }
            )
        cls.version.default_zone_id = cls.zones["HOME"]
        cls.prices = {}
        for utype, zone, band, price, per, inc, fee, minimum, extra in PRICES:
            tiers = extra.get("tiers", [])
            cls.prices[(utype, zone, band)] = cls.env["telecom.tariff.price"].create(
                {
                    "version_id": cls.version.id,
                    "usage_type_id": cls.usage_types[utype].id,
                    "zone_id": cls.zones[zone].id if zone else False,
                    "band": band,
                    "price": price,
                    "price_per": per,
                    "increment": inc,
                    "connection_fee": fee,
                    "minimum_charge": minimum,
                    "charge_incoming": extra.get("charge_incoming", False),
                    "tier_ids": [Command.create({"from_quantity": q, "price": p})
                                 for q, p in tiers],
                }
            )  # fmt: skip

    @classmethod
    def _setup_plan(cls):
        national = cls.zone_classes["national"]
        roaming_eu = cls.zone_classes["roaming_eu"]
        tmpl = cls.env["product.template"].create(
            {
                "name": "Mobile Rated",
                "default_code": "T-MOB-RATED",
                "telecom_kind": "plan",
                "telecom_technology": "mobile",
                "telecom_tariff_ref": "MOBILE",
                "list_price": 0.0,
                "telecom_allowance_ids": [
                    Command.create({"usage_type_id": cls.usage_types["voice"].id,
                                    "quantity": 5, "uom": "minute",
                                    "zone_class_ids": [Command.set([national.id,
                                                                    roaming_eu.id])]}),
                    Command.create({"usage_type_id": cls.usage_types["sms"].id, "quantity": 2,
                                    "uom": "message"}),
                    Command.create({"usage_type_id": cls.usage_types["data"].id, "quantity": 10,
                                    "uom": "mb", "share_scope": "billing_account",
                                    "zone_class_ids": [Command.set([national.id,
                                                                    roaming_eu.id])]}),
                ],
            }
        )  # fmt: skip
        cls.env["telecom.price.version"].create(
            {"product_tmpl_id": tmpl.id, "date_from": date(2024, 1, 1), "price": 10.0}
        )
        cls.plan = tmpl.product_variant_id
        cls.customer = cls.env["res.partner"].create(
            {"name": "Rita Rated", "email": "rita@example.com", "tz": "Europe/Brussels"}
        )
        cls.account = cls.env["telecom.billing.account"].create({"partner_id": cls.customer.id})
        cls.sub1 = cls._subscription(SUB1)
        cls.sub2 = cls._subscription(SUB2)

    @classmethod
    def _subscription(cls, number, account=None, activate=ACTIVATION):
        account = account or cls.account
        sub = cls.env["telecom.subscription"].create(
            {
                "partner_id": account.partner_id.id,
                "billing_account_id": account.id,
                "phone_number": number,
                "line_ids": [Command.create({"product_id": cls.plan.id, "date_start": activate})],
            }
        )
        sub.action_activate(activate)
        return sub

    # -- helpers ---------------------------------------------------------------------
    def import_csv(self, lines, source=None, name="usage.csv", header=HEADER):
        data = ("\n".join([header, *lines]) + "\n").encode()
        return self.env["telecom.mediation.batch"]._import_data(source or self.source, data, name)

    def usage(self, record_id, source=None):
        return self.env["telecom.usage.record"].search(
            [("source_id", "=", (source or self.source).id), ("source_record_id", "=", record_id)]
        )

    def assertReconciled(self, batch):
        batch.invalidate_recordset()
        self.assertEqual(
            batch.lines_read,
            batch.rated_count + batch.rejected_count + batch.duplicate_count
            + batch.unbillable_count,
        )  # fmt: skip
        self.assertTrue(batch.reconciled)
        batch.action_verify()
        self.assertTrue(batch.verified_ok, batch.message_ids[:1].body)

    def balance(self, usage_type, scope="subscription", sub=None, period=date(2025, 3, 1)):
        domain = [("usage_type_id.code", "=", usage_type), ("scope", "=", scope),
                  ("period_start", "=", period), ("generation", "=", 0)]  # fmt: skip
        if scope == "subscription":
            domain.append(("subscription_id", "=", (sub or self.sub1).id))
        else:
            domain.append(("billing_account_id", "=", self.account.id))
        return self.env["telecom.allowance.balance"].search(domain)


class RatingCommon(RatingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rating()
