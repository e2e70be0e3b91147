# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Reading what was rated and billed over the API: usage records, balances, invoices."""

from datetime import date

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user

from .billing_common import BillingFixtures
from .common import MB, SUB1, SUB2

MARCH = [
    # Monday 3 March 2025, 09:00 in Brussels: peak; 400 s -> 420 rated, 300 allowance
    "u1,+32470000001,voice,2025-03-03T08:00:00Z,400,out,+3221234567,",
    "u2,+32470000001,sms,2025-03-03T08:05:00Z,1,out,+32470999999,",
    "u3,+32470000002,data,2025-03-04T10:00:00Z,1048576,out,,",
    # an emergency call: unbillable
    "u4,+32470000002,voice,2025-03-05T10:00:00Z,30,out,+32112,",
    "u5,+32470000001,sms,2025-03-06T10:00:00Z,1,out,+32470999998,",
    "u6,+32470000001,sms,2025-03-07T10:00:00Z,1,out,+32470999997,",
    # April: another period
    "u7,+32470000001,sms,2025-04-02T10:00:00Z,1,out,+32470999996,",
]


class TestUsageApi(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.nobody = new_test_user(cls.env, login="tb_reader_nobody", groups="base.group_user")

    def api(self, user=None):
        return self.env["telecom.api"].with_user(user or self.telecom_user)

    def test_usage_records_paged_and_filtered(self):
        self.import_csv(MARCH)
        api = self.api()
        page = api.usage_records(
            {"billing_account": self.account.name, "period": "2025-03-15", "limit": 4}
        )
        self.assertEqual(
            (page["total"], page["offset"], page["limit"], page["next_offset"]), (6, 0, 4, 4)
        )
        self.assertEqual([r["record_id"] for r in page["records"]], ["u1", "u2", "u3", "u4"])
        self.assertEqual(
            page["records"][0],
            {
                "id": self.usage("u1").id,
                "record_id": "u1",
                "source": "SW1",
                "batch": self.usage("u1").batch_id.name,
                "subscription_id": self.sub1.id,
                "subscription_number": self.sub1.name,
                "subscriber": SUB1,
                "billing_account_id": self.account.id,
                "usage_type": "voice",
                "direction": "out",
                "start_time": "2025-03-03T08:00:00Z",
                "local_time": "2025-03-03T09:00:00",
                "time_zone": "Europe/Brussels",
                "quantity": 400,
                "called_number": "+3221234567",
                "location": False,
                "state": "rated",
                "reason": False,
                "period_start": "2025-03-01",
                "tariff": "MOBILE",
                "tariff_version_id": self.version.id,
                "zone": "BE-FIX",
                "zone_name": "BE-FIX",
                "zone_class": "national",
                "band": "peak",
                "rated_quantity": 420,
                "allowance_quantity": 300,
                # 2 minutes at 0.10 + 0.05 connection fee
                "amount": "0.25",
                "currency": self.company.currency_id.name,
                "adjusted_amount": False,
                "rerated": 0,
                "invoice_id": False,
                "invoice_number": False,
                "invoice_line_id": False,
            },
        )
        rest = api.usage_records(
            {"billing_account": self.account.id, "period": "2025-03-01", "offset": 4}
        )
        self.assertEqual(
            ([r["record_id"] for r in rest["records"]], rest["next_offset"]), (["u5", "u6"], False)
        )
        unbillable = api.usage_records(
            {"subscription": SUB2, "states": ["unbillable"], "period": "2025-03-01"}
        )["records"]
        self.assertEqual(
            [(r["record_id"], r["reason"], r["amount"]) for r in unbillable],
            [("u4", "free_zone", "0.00")],
        )
        sms = api.usage_records(
            {
                "subscription": self.sub1.name,
                "usage_types": ["sms"],
                "date_from": "2025-03-06",
                "date_to": "2025-04-30",
            }
        )
        self.assertEqual([r["record_id"] for r in sms["records"]], ["u5", "u6", "u7"])
        # 2 SMS included a month: the third of March costs 0.10, April's first nothing
        self.assertEqual([r["amount"] for r in sms["records"]], ["0.00", "0.10", "0.00"])

    def test_usage_records_bad_queries(self):
        api = self.api()
        account = self.account.name
        for query, text in (
            ("account", "query must be a dict"),
            ({"billing_account": account, "colour": 1}, "unknown key(s) colour"),
            ({"billing_account": account, "subscription": SUB1}, "one of them"),
            ({"period": "2025-03-01"}, "Give a subscription or a billing_account"),
            (
                {"billing_account": account, "limit": 0},
                "limit must be a whole number of at least 1",
            ),
            ({"billing_account": account, "limit": 5000}, "limit is at most 1000"),
            ({"billing_account": account, "offset": "1"}, "offset must be a whole number"),
            ({"billing_account": account, "states": ["done"]}, "states[0]: done is not one of"),
            (
                {"billing_account": account, "usage_types": "voice"},
                "usage_types must be a non-empty list",
            ),
            (
                {"billing_account": account, "usage_types": ["fax"]},
                "usage_types[0]: fax is not one of",
            ),
            (
                {"billing_account": account, "period": "2025-13-01"},
                "period: 2025-13-01 is not an ISO-8601",
            ),
            (
                {"billing_account": account, "period": "2025-03-01", "date_from": "2025-03-01"},
                "not both",
            ),
            ({"billing_account": "BA-NOPE"}, "No billing account BA-NOPE"),
            ({"subscription": "+32479999999"}, "No subscription +32479999999"),
            ({"invoice": "INV/NOPE"}, "No telecom invoice INV/NOPE"),
            ({"invoice_line": 10**9}, "No telecom invoice line"),
        ):
            with self.assertRaises(UserError) as caught:
                api.usage_records(query)
            self.assertIn(text, str(caught.exception))
        with self.assertRaisesRegex(AccessError, "Telecom / User"):
            self.api(self.nobody).usage_records({"billing_account": account})

    def test_allowance_and_pool_balances(self):
        api = self.api()
        before = api.allowance_balances(
            {"billing_account": self.account.name, "period": "2025-03-20"}
        )
        self.assertEqual(
            (before["period_start"], before["period_end"]), ("2025-03-01", "2025-03-31")
        )
        summary = {
            (b["scope"], b["subscription_number"], b["usage_type"]): (
                b["exists"],
                b["included"],
                b["used"],
                b["remaining"],
            )
            for b in before["balances"]
        }
        self.assertEqual(
            summary,
            {
                ("subscription", self.sub1.name, "voice"): (False, 300, 0, 300),
                ("subscription", self.sub1.name, "sms"): (False, 2, 0, 2),
                ("subscription", self.sub2.name, "voice"): (False, 300, 0, 300),
                ("subscription", self.sub2.name, "sms"): (False, 2, 0, 2),
                # no size stated: the two lines' 10 MB
                ("pool", False, "data"): (False, 20 * MB, 0, 20 * MB),
            },
        )
        self.import_csv(MARCH)
        shared = self.plan.product_tmpl_id.telecom_allowance_ids.filtered(
            lambda a: a.share_scope == "billing_account"
        )
        shared.pool_quantity = 15
        after = api.allowance_balances({"subscription": SUB1, "period": "2025-03-01"})
        rows = {(b["scope"], b["usage_type"]): b for b in after["balances"]}
        self.assertEqual(
            set(rows), {("subscription", "voice"), ("subscription", "sms"), ("pool", "data")}
        )
        voice = rows[("subscription", "voice")]
        self.assertEqual(
            (
                voice["exists"],
                voice["included"],
                voice["used"],
                voice["remaining"],
                voice["zone_classes"],
                voice["plan"],
                voice["unit"],
            ),
            (True, 300, 300, 0, ["national", "roaming_eu"], "T-MOB-RATED", "second"),
        )
        # the balance rating created keeps its 20 MB; May's pool will be the stated 15 MB
        self.assertEqual(
            (rows[("pool", "data")]["included"], rows[("pool", "data")]["used"]), (20 * MB, MB)
        )
        may = api.allowance_balances({"subscription": SUB1, "period": "2025-05-10"})
        pool = next(b for b in may["balances"] if b["scope"] == "pool")
        self.assertEqual((pool["exists"], pool["included"]), (False, 15 * MB))
        with self.assertRaisesRegex(UserError, "unknown key"):
            api.allowance_balances({"subscription": SUB1, "month": 3})

    def test_invoices_with_their_lines_and_usage(self):
        gold = self._account("Golden Reader")
        gold.partner_id.tz = "Europe/Brussels"
        self._sub(gold, self.golden, date(2025, 5, 10), "+32470000101")
        self.import_csv(
            [
                "g1,+32470000101,voice,2025-05-17T08:00:00Z,90,out,+3222222222,",
                "g2,+32470000101,voice,2025-05-19T08:00:00Z,30,out,+3222222223,",
                "g3,+32470000101,sms,2025-05-19T09:00:00Z,1,out,+32470000999,",
            ]
        )
        run = self.bill(date(2025, 6, 1), gold)
        move = self.invoice(run, gold)
        api = self.api()  # a telecom user without accounting rights
        answer = api.account_invoices({"billing_account": gold.name})
        self.assertEqual((answer["total"], answer["next_offset"]), (1, False))
        invoice = answer["invoices"][0]
        self.assertEqual(
            (invoice["id"], invoice["number"], invoice["period_start"]),
            (move.id, move.name, "2025-06-01"),
        )
        usage_lines = [
            line for line in invoice["lines"] if line["section"] == "usage" and line["usage_type"]
        ]
        self.assertEqual(
            sorted(
                (
                    line["usage_type"],
                    line["zone"],
                    line["usage_records"],
                    line["usage_quantity"],
                    line["amount_untaxed"],
                )
                for line in usage_lines
            ),
            [("sms", "BE-MOB", 1, 1, 0.1), ("voice", "BE-FIX", 2, 120, 0.23)],
        )
        voice = next(line for line in usage_lines if line["usage_type"] == "voice")
        billed = api.usage_records({"invoice_line": voice["id"]})
        self.assertEqual([r["record_id"] for r in billed["records"]], ["g1", "g2"])
        self.assertEqual(
            {(r["state"], r["invoice_number"], r["invoice_line_id"]) for r in billed["records"]},
            {("billed", move.name, voice["id"])},
        )
        self.assertEqual(api.usage_records({"invoice": move.name})["total"], 3)
        self.assertEqual(
            api.account_invoices({"billing_account": gold.id, "date_to": "2025-05-31"})["invoices"],
            [],
        )
        with self.assertRaisesRegex(UserError, "alone"):
            api.usage_records({"invoice": move.id, "billing_account": gold.id})
        with self.assertRaisesRegex(UserError, "billing_account is required"):
            api.account_invoices({})
        with self.assertRaisesRegex(UserError, "limit is at most 50"):
            api.account_invoices({"billing_account": gold.id, "limit": 51})

    def test_service_status(self):
        self.import_csv(MARCH)
        status = self.api().service_status(SUB1)
        self.assertEqual(status["state"], "active")
        self.assertEqual(status["subscription"]["number"], self.sub1.name)
        self.assertEqual(status["service_orders"], [])
        # u1 0.25, u2 and u5 0 (allowance), u6 0.10, u7 0 (April's allowance)
        self.assertEqual(
            status["unbilled_usage"],
            {"records": 5, "amount": "0.35", "currency": self.company.currency_id.name},
        )
        self.assertEqual(status["last_usage"], "2025-04-02T10:00:00Z")
        with self.assertRaisesRegex(AccessError, "Telecom / User"):
            self.api(self.nobody).service_status(SUB1)
