# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rating set-up over the API: tariffs, plans, pools, sources and re-rating as documents.

Each method is called as a user of the group it needs; bad documents are refused
with the path of every wrong field and leave the database exactly as it was (a
digest of every table the methods write is compared).
"""

import copy
from datetime import date

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user
from odoo.tools import SQL

from .common import PRICES, SUB1, ZONES, RatingCommon

TABLES = (
    "telecom_tariff",
    "telecom_tariff_version",
    "telecom_tariff_zone",
    "telecom_tariff_prefix",
    "telecom_tariff_price",
    "telecom_tariff_tier",
    "telecom_time_band",
    "telecom_holiday_calendar",
    "telecom_holiday",
    "product_template",
    "telecom_price_version",
    "telecom_plan_allowance",
    "telecom_allowance_pool",
    "telecom_allowance_balance",
    "telecom_mediation_source",
    "telecom_mediation_column",
    "telecom_rerating",
    "telecom_usage_record",
    "telecom_charge",
    "res_partner",
    "telecom_api_request",
)
INCREMENT = {
    "60_60": [60, 60],
    "30_1": [30, 1],
    "1_1": [1, 1],
    "kb": [1024, 1024],
    "10kb": [10240, 10240],
}


class ApiCase(RatingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="tb_api_manager", groups="telecom_crm.group_telecom_manager"
        )
        cls.sales = new_test_user(
            cls.env, login="tb_api_sales", groups="telecom_crm.group_telecom_sales"
        )
        cls.nobody = new_test_user(cls.env, login="tb_api_nobody", groups="base.group_user")

    def api(self, user=None):
        return self.env["telecom.api"].with_user(user or self.billing_user)

    def snapshot(self):
        """A digest of every row of the tables the API writes."""
        self.env.flush_all()
        digest = {}
        for table in TABLES:
            self.env.cr.execute(
                SQL(
                    "SELECT md5(COALESCE(string_agg(t::text, '|' ORDER BY t.id), '')) FROM %s t",
                    SQL.identifier(table),
                )
            )
            digest[table] = self.env.cr.fetchone()[0]
        return digest

    def assertRefused(self, error, text, method, *args, user=None, **kwargs):
        """The call fails with ``error`` naming ``text`` and changes nothing."""
        before = self.snapshot()
        with self.assertRaises(error) as caught:
            getattr(self.api(user), method)(*args, **kwargs)
        self.assertIn(text, str(caught.exception))
        self.env.invalidate_all()
        self.assertEqual(self.snapshot(), before, f"{method} changed the database on error")
        return caught.exception


class TestTariffDocuments(ApiCase):
    def expected_mobile(self):
        """The fixture tariff (built with the ORM in common.py) as a document."""
        return {
            "tariff": "MOBILE",
            "name": "Mobile",
            "timezone": "Europe/Brussels",
            "date_from": "2025-01-01",
            "date_to": False,
            "currency": self.company.currency_id.name,
            "rounding": {"precision": 2, "method": "half_up"},
            "band_policy": "split",
            "default_band": "offpeak",
            "bands": [
                {
                    "band": "peak",
                    "days": ["mon", "tue", "wed", "thu", "fri"],
                    "from": "08:00",
                    "to": "19:00",
                },
                {"band": "weekend", "days": ["sat", "sun"], "from": "00:00", "to": "24:00"},
            ],
            "holidays": {
                "calendar": "Belgium",
                "band": "weekend",
                "dates": [{"date": "2025-05-01", "name": "Labour Day"}],
            },
            "zones": [
                {
                    "code": code,
                    "name": code,
                    "class": zclass,
                    "kind": kind,
                    "billable": billable,
                    "prefixes": list(prefixes),
                }
                for code, zclass, kind, billable, prefixes in ZONES
            ],
            "default_zone": "HOME",
            "prices": [
                {
                    "usage_type": utype,
                    "zone": zone,
                    "band": band,
                    "price": price,
                    "per": per,
                    "increment": INCREMENT[inc],
                    "connection_fee": fee,
                    "minimum_charge": minimum,
                    "charge_incoming": extra.get("charge_incoming", False),
                    "tiers": [{"from": q, "price": p} for q, p in extra.get("tiers", [])],
                }
                for utype, zone, band, price, per, inc, fee, minimum, extra in PRICES
            ],
        }

    def test_export_then_import_elsewhere_round_trips(self):
        doc = self.api(self.telecom_user).export_tariff("MOBILE")
        self.assertEqual(doc, self.expected_mobile())
        copied = dict(copy.deepcopy(doc), tariff="MOBILE-COPY", name="Mobile (copy)")
        check = self.api().validate_tariff(copied)
        self.assertEqual((check["valid"], check["action"], check["errors"]), (True, "create", []))
        answer = self.api().import_tariff(copied)
        self.assertTrue(answer["created"])
        self.assertEqual(
            (answer["zones"], answer["prefixes"], answer["prices"]), (9, 15, len(PRICES))
        )
        self.assertEqual(self.api(self.telecom_user).export_tariff("MOBILE-COPY"), copied)
        # both versions share the calendar they name
        copy_version = self.env["telecom.tariff.version"].browse(answer["version_id"])
        self.assertEqual(copy_version.holiday_calendar_id, self.version.holiday_calendar_id)

    def test_replacing_a_version_keeps_its_zones_for_rated_usage(self):
        batch = self.import_csv(["r1,+32470000001,voice,2025-03-03T08:00:00Z,400,out,+3221234567,"])
        record = self.usage("r1")
        self.assertEqual((record.zone_id, record.amount), (self.zones["BE-FIX"], 0.25))
        doc = self.api().export_tariff("MOBILE")
        for price in doc["prices"]:
            if (price["usage_type"], price["zone"], price["band"]) == ("voice", "BE-FIX", "peak"):
                price["price"] = 0.20
        doc["zones"].append(
            {
                "code": "SAT",
                "name": "Satellite",
                "class": "international_world",
                "kind": "destination",
                "billable": True,
                "prefixes": ["+870"],
            }
        )
        check = self.api().validate_tariff(doc)
        self.assertEqual((check["valid"], check["action"]), (True, "replace"))
        answer = self.api().import_tariff(doc, request_id="tariff-fix-1")
        self.assertEqual((answer["created"], answer["version_id"]), (False, self.version.id))
        self.assertEqual(self.api().export_tariff("MOBILE"), doc)
        self.assertEqual(self.zones["BE-FIX"].code, "BE-FIX")  # the same zone record
        # a retry answers the same, another document under the same request_id is refused
        self.assertEqual(self.api().import_tariff(doc, request_id="tariff-fix-1"), answer)
        self.assertRefused(
            UserError,
            "already used",
            "import_tariff",
            self.expected_mobile(),
            request_id="tariff-fix-1",
        )
        # 400 s on Monday 09:00 in Brussels (peak, 60/60): 420 rated, 300 from the
        # allowance, 2 minutes at 0.10 + 0.05 fee = 0.25; at 0.20 a minute 0.45
        summary = self.api().rerate({"tariff": "MOBILE"}, "peak price fixed")
        self.assertEqual(summary["selected"], 1)
        self.assertEqual(summary["changed"], 1)
        total = summary["totals"][0]
        self.assertEqual(
            (total["amount_before"], total["amount_after"], total["difference"]),
            ("0.25", "0.45", "0.20"),
        )
        self.assertEqual(summary["selection"]["tariff"], "MOBILE")
        record.invalidate_recordset()
        self.assertEqual((record.zone_id, record.amount), (self.zones["BE-FIX"], 0.45))
        self.assertTrue(batch)

    def test_a_later_version_ends_the_open_one(self):
        doc = dict(self.expected_mobile(), date_from="2025-06-01")
        answer = self.api().import_tariff(doc)
        self.assertEqual(
            answer["closed_versions"],
            [{"version_id": self.version.id, "date_from": "2025-01-01", "date_to": "2025-05-31"}],
        )
        versions = self.api(self.telecom_user).list_tariffs()
        mobile = next(t for t in versions if t["tariff"] == "MOBILE")
        self.assertEqual(
            [(v["date_from"], v["date_to"]) for v in mobile["versions"]],
            [("2025-01-01", "2025-05-31"), ("2025-06-01", False)],
        )
        self.assertEqual(self.api().export_tariff("MOBILE", "2025-03-15")["date_to"], "2025-05-31")
        self.assertEqual(self.api().export_tariff("MOBILE")["date_from"], "2025-06-01")
        self.assertRefused(
            UserError, "no version in force on 2024-01-01", "export_tariff", "MOBILE", "2024-01-01"
        )

    def test_bad_tariffs_are_refused_whole_and_change_nothing(self):
        doc = self.expected_mobile()
        doc["bands"].append({"band": "evening", "days": ["fri"], "from": "18:00", "to": "22:00"})
        doc["zones"][1]["prefixes"].append("+32")
        doc["prices"][0]["zone"] = "BE-NOPE"
        doc["prices"][1]["discount"] = 0.5
        doc["prices"][2]["price"] = "0.04"
        error = self.assertRefused(ValidationError, "5 error(s)", "import_tariff", doc)
        for line in (
            "bands[2]: overlaps bands[0] (peak) on fri from 18:00 to 19:00",
            "zones[1].prefixes[4]: +32 is already a prefix of zone BE-FIX (zones[0].prefixes[0])",
            "prices[0].zone: 'BE-NOPE' is not the code of a zone of this version (or false)",
            "prices[1].discount: unknown key",
            "prices[2].price: must be a number, not '0.04'",
        ):
            self.assertIn(line, str(error))
        check = self.api().validate_tariff(doc)
        self.assertFalse(check["valid"])
        self.assertEqual(
            [e["path"] for e in check["errors"]],
            [
                "bands[2]",
                "zones[1].prefixes[4]",
                "prices[0].zone",
                "prices[1].discount",
                "prices[2].price",
            ],
        )
        self.assertRefused(ValidationError, "must be a dict", "import_tariff", ["MOBILE"])
        self.assertRefused(
            ValidationError, "date_from: is required", "import_tariff", {"tariff": "X"}
        )
        # consistent alone, inconsistent with the database: overlapping an existing version
        overlapping = dict(self.expected_mobile(), date_from="2024-06-01", date_to="2025-02-01")
        self.assertRefused(
            ValidationError,
            "date_to: overlaps version MOBILE 2025-01-01",
            "import_tariff",
            overlapping,
        )

    def test_a_zone_that_rated_usage_stays(self):
        self.import_csv(["r1,+32470000001,voice,2025-03-03T08:00:00Z,60,out,+3221234567,"])
        doc = self.expected_mobile()
        doc["zones"] = [z for z in doc["zones"] if z["code"] != "BE-FIX"]
        doc["prices"] = [p for p in doc["prices"] if p["zone"] != "BE-FIX"]
        self.assertRefused(
            ValidationError,
            "zones: zone BE-FIX of the version being replaced rated usage records",
            "import_tariff",
            doc,
        )

    def test_groups(self):
        doc = self.expected_mobile()
        for method, args in (
            ("import_tariff", (doc,)),
            ("validate_tariff", (doc,)),
            ("rerate", ({"tariff": "MOBILE"}, "why")),
            ("import_mediation_source", ({"code": "S"},)),
            ("import_account_pools", ({"billing_account": self.account.id, "pools": []},)),
        ):
            self.assertRefused(
                AccessError, "is for Telecom / Billing", method, *args, user=self.telecom_user
            )
        self.assertRefused(
            AccessError,
            "is for Telecom / Manager",
            "import_plan",
            {"plan": "P"},
            user=self.billing_user,
        )
        for method, args in (
            ("export_tariff", ("MOBILE",)),
            ("list_tariffs", ()),
            ("export_plan", ("T-MOB-RATED",)),
            ("export_mediation_source", ("SW1",)),
            ("export_account_pools", (self.account.id,)),
        ):
            self.assertRefused(AccessError, "Telecom / User", method, *args, user=self.nobody)
            getattr(self.api(self.telecom_user), method)(*args)


class TestPlanPoolSourceDocuments(ApiCase):
    def plan_doc(self):
        return {
            "plan": "T-API-PLAN",
            "name": "API plan",
            "kind": "plan",
            "technology": "mobile",
            "period": "monthly",
            "price": 12.5,
            "tariff": "MOBILE",
            "prorate_allowances": False,
            "allowances": [
                {
                    "usage_type": "voice",
                    "zone_classes": ["national"],
                    "quantity": 100.0,
                    "unit": "minute",
                    "rollover": True,
                    "rollover_periods": 2,
                    "shared": False,
                    "pool_quantity": False,
                },
                {
                    "usage_type": "data",
                    "zone_classes": [],
                    "quantity": 1.5,
                    "unit": "gb",
                    "rollover": False,
                    "rollover_periods": 1,
                    "shared": True,
                    "pool_quantity": 2.0,
                },
            ],
        }

    def test_plan_round_trip_and_update(self):
        api = self.api(self.manager)
        answer = api.import_plan(self.plan_doc(), request_id="plan-1")
        self.assertEqual((answer["created"], answer["allowances"]), (True, 2))
        self.assertEqual(api.export_plan("T-API-PLAN"), self.plan_doc())
        tmpl = self.env["product.template"].browse(answer["product_tmpl_id"])
        data = tmpl.telecom_allowance_ids.filtered(lambda a: a.usage_type_id.code == "data")
        self.assertEqual(
            (data.pool_quantity_base, data.share_scope), (2 * 1024**3, "billing_account")
        )
        # an update: the data allowance keeps its record, the voice one goes, a new price
        # is a price version from today (subscribers keep theirs)
        doc = self.plan_doc()
        doc["allowances"] = doc["allowances"][1:]
        doc["allowances"][0]["quantity"] = 2.0
        doc["price"] = 14.0
        answer = api.import_plan(doc)
        self.assertFalse(answer["created"])
        self.assertEqual(tmpl.telecom_allowance_ids, data)
        self.assertEqual(data.quantity, 2.0)
        self.assertEqual(tmpl.telecom_price_version_ids.mapped("price"), [14.0])
        self.assertEqual(api.export_plan("T-API-PLAN"), doc)

    def test_bad_plans_change_nothing(self):
        api = self.api(self.manager)
        doc = self.plan_doc()
        doc["allowances"][0]["unit"] = "gb"
        doc["allowances"][1]["shared"] = "yes"
        doc["colour"] = "red"
        error = self.assertRefused(
            ValidationError, "3 error(s)", "import_plan", doc, user=self.manager
        )
        self.assertIn("allowances[0].unit: voice is measured in seconds", str(error))
        self.assertIn("allowances[1].shared: must be true or false, not 'yes'", str(error))
        self.assertIn("colour: unknown key", str(error))
        self.assertRefused(
            ValidationError,
            "tariff: no tariff NOPE",
            "import_plan",
            dict(self.plan_doc(), tariff="NOPE"),
            user=self.manager,
        )
        self.assertRefused(
            ValidationError,
            "kind: product T-MOB-RATED is of kind plan, not addon",
            "import_plan",
            {"plan": "T-MOB-RATED", "kind": "addon"},
            user=self.manager,
        )
        # the fixture plan's allowances have balances once usage is rated: kept
        self.import_csv(["r1,+32470000001,voice,2025-03-03T08:00:00Z,60,out,+3221234567,"])
        exported = api.export_plan("T-MOB-RATED")
        exported["allowances"] = exported["allowances"][1:]
        self.assertRefused(
            ValidationError,
            "the voice allowance of zone classes national, roaming_eu has balances",
            "import_plan",
            exported,
            user=self.manager,
        )

    def test_account_pools(self):
        api = self.api()
        doc = {
            "billing_account": self.account.name,
            "pools": [
                {"plan": "T-MOB-RATED", "usage_type": "data", "quantity": 25.0, "unit": "mb"}
            ],
        }
        answer = api.import_account_pools(doc, request_id="pools-1")
        expected = copy.deepcopy(doc)
        expected["pools"][0]["zone_classes"] = ["national", "roaming_eu"]
        self.assertEqual(answer, expected)
        self.assertEqual(
            self.api(self.telecom_user).export_account_pools(self.account.id), expected
        )
        # the stated size is the pool rating uses
        self.import_csv([f"d1,{SUB1},data,2025-03-05T09:00:00Z,1048576,out,,"])
        self.assertEqual(self.balance("data", scope="pool").quantity, 25 * 1048576)
        for bad, text in (
            (
                {**doc, "pools": [{**doc["pools"][0], "usage_type": "voice"}]},
                "pools[0]: plan T-MOB-RATED has no shared voice allowance(s)",
            ),
            (
                {**doc, "pools": [{**doc["pools"][0], "unit": "minute"}]},
                "pools[0].unit: 'minute' is not one of mb, gb",
            ),
            (
                {**doc, "pools": [doc["pools"][0], doc["pools"][0]]},
                "pools[1]: pools[0] already sizes this pool",
            ),
            (
                {**doc, "pools": [{**doc["pools"][0], "plan": "NOPE"}]},
                "pools[0].plan: no plan or add-on 'NOPE'",
            ),
            (
                {**doc, "pools": [{**doc["pools"][0], "quantity": -1}]},
                "pools[0].quantity: cannot be below 0",
            ),
            ({**doc, "size": 1}, "size: unknown key"),
        ):
            self.assertRefused(ValidationError, text, "import_account_pools", bad)
        self.assertRefused(
            UserError,
            "No billing account BA-NOPE",
            "import_account_pools",
            {**doc, "billing_account": "BA-NOPE"},
        )

    def test_mediation_sources(self):
        api = self.api()
        doc = {
            "code": "SW-API",
            "name": "API switch",
            "timezone": "Europe/Paris",
            "country_code": "33",
            "delimiter": ";",
            "encoding": "latin-1",
            "max_duration": 7200,
            "max_volume_mb": 2048,
            "max_count": 10,
            "future_tolerance": 60,
            "columns": [
                {"field": "record_id", "header": "id"},
                {"field": "subscriber", "header": "msisdn"},
            ],
        }
        self.assertEqual(api.import_mediation_source(doc), doc)
        self.assertEqual(self.api(self.telecom_user).export_mediation_source("SW-API"), doc)
        updated = dict(doc, columns=[], name="API switch 2")
        self.assertEqual(api.import_mediation_source(updated), updated)
        self.assertEqual(api.import_mediation_source({"code": "SW-MIN"})["timezone"], "UTC")
        for bad, text in (
            (dict(doc, encoding="klingon"), "encoding: 'klingon' is not a known encoding"),
            (dict(doc, country_code="+33"), "country_code: '+33' is not a country calling code"),
            (dict(doc, max_count=0), "max_count: must be at least 1"),
            (dict(doc, columns=[{"field": "colour", "header": "c"}]), "columns[0].field"),
            (dict(doc, watch_folder="/etc"), "watch_folder: unknown key"),
        ):
            self.assertRefused(ValidationError, text, "import_mediation_source", bad)

    def test_rerate_selection(self):
        self.assertRefused(UserError, "selection: give period_from", "rerate", {}, "why")
        self.assertRefused(UserError, "reason", "rerate", {"tariff": "MOBILE"}, "  ")
        self.assertRefused(
            UserError, "selection.tariff: no tariff NOPE", "rerate", {"tariff": "NOPE"}, "why"
        )
        self.assertRefused(
            UserError,
            "selection: unknown key(s) state",
            "rerate",
            {"tariff": "MOBILE", "state": "billed"},
            "why",
        )
        self.assertRefused(
            UserError,
            "selection.period_from: 2025-13-01 is not an ISO-8601",
            "rerate",
            {"period_from": "2025-13-01"},
            "why",
        )
        self.assertRefused(
            UserError, "No subscription S-NOPE", "rerate", {"subscriptions": ["S-NOPE"]}, "why"
        )

    def test_rerate_summary_at_the_records_precision(self):
        self.version.rounding_precision = 4
        # 299 s to a mobile at 0.12 a minute (30/1): 0.5980 once the allowance is spent
        self.import_csv(
            [
                "a1,+32470000001,voice,2025-03-04T08:00:00Z,300,out,+3221234567,",
                "a2,+32470000001,voice,2025-03-04T09:00:00Z,299,out,+32470999999,",
            ]
        )
        self.assertEqual(self.usage("a2").amount, 0.598)
        self.prices[("voice", "BE-MOB", False)].price = 0.1234
        summary = self.api().rerate(
            {"period_from": "2025-03-01", "period_to": "2025-03-01", "subscriptions": [SUB1]},
            "mobile price",
        )
        # 299 s x 0.1234 / 60 = 0.61494... -> 0.6149
        total = summary["totals"][0]
        self.assertEqual(
            (total["amount_before"], total["amount_after"], total["difference"]),
            ("0.5980", "0.6149", "0.0169"),
        )
        self.assertEqual(summary["selection"]["subscriptions"], [self.sub1.name])
        run = self.env["telecom.rerating"].browse(summary["id"])
        self.assertEqual((run.amount_before, run.amount_after), (0.598, 0.6149))
        self.assertEqual(date(2025, 3, 1), run.period_from)
