# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The worked example of docs/rpc.md (examples/rpc_french_mobile.py) against this server.

The script's ``main`` talks plain XML-RPC to the test server; its figures were
computed by hand (see the comments) and must come out exactly.
"""

import importlib.util
import os

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from odoo.addons.telecom_crm.tests.common import XmlRpcClient

EXAMPLE = os.path.join(
    os.path.dirname(__file__), os.pardir, os.pardir, os.pardir, "examples", "rpc_french_mobile.py"
)
MB = 1024 * 1024


def load_example():
    spec = importlib.util.spec_from_file_location("rpc_french_mobile", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestRpcWorkedExample(XmlRpcClient, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the example's French customer pays in EUR: on this USD test company that takes
        # the active currency and a EUR pricelist (a French company has both already)
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.env["product.pricelist"].create({"name": "EUR (example)", "currency_id": eur.id})
        if "telecom_provisioning" in cls.env.company._fields:
            cls.env.company.telecom_provisioning = False  # services done at once
        customer = cls.env["res.partner"].create({"name": "Bad Input", "email": "b@example.com"})
        cls.account = cls.env["telecom.billing.account"].create({"partner_id": customer.id})
        new_test_user(
            cls.env,
            login="fr_integrator",
            password="fr_integrator_pw",
            groups="telecom_crm.group_telecom_manager",
        )

    def test_worked_example(self):
        self.assertTrue(os.path.isfile(EXAMPLE), "examples/rpc_french_mobile.py is missing")
        example = load_example()
        printed = []
        self.env.flush_all()
        figures = example.main(
            url=f"http://127.0.0.1:{config['http_port']}",
            db=self.env.cr.dbname,
            login="fr_integrator",
            password="fr_integrator_pw",
            out=printed.append,
        )
        self.env.invalidate_all()
        self.assertTrue(figures["round_trip"], "export(import(tariff)) differs from the tariff")
        self.assertTrue(figures["plan_round_trip"])
        self.assertTrue(figures["fixed_round_trip"])
        self.assertEqual(
            figures["import"],
            {
                "read": 19,
                "rated": 16,
                "rejected": 1,
                "duplicate": 0,
                "unbillable": 2,
                "reconciled": True,
                "amount": "7.4817",
            },
        )
        self.assertEqual(
            figures["records"],
            {
                # 100 national minutes (6,000 s) per line, consumed in time order
                "L1-01": ("rated", "FR-FIX", "peak", 240, 240, "0.0000", False),
                "L1-02": ("rated", "FR-MOB", "weekend", 1195, 1195, "0.0000", False),
                "L1-03": ("rated", "FR-FIX", "peak", 4020, 4020, "0.0000", False),
                # 545 s left: 355 s at 0.06 a minute off-peak
                "L1-04": ("rated", "FR-FIX", "offpeak", 900, 545, "0.3550", False),
                # Thursday 8 May at 10:00 is a holiday: the weekend band, 10 min at 0.04
                "L1-05": ("rated", "FR-FIX", "weekend", 600, 0, "0.4000", False),
                # premium (not a national minute): 125 s at 0.80 + 0.50 fee = 2.16666...
                "L1-06": ("rated", "FR-PREM", "peak", 125, 0, "2.1667", False),
                # 60/1: one minute at 1.20, raised to the 1.50 minimum
                "L1-07": ("rated", "WORLD", "peak", 60, 0, "1.5000", False),
                "L1-08": ("rated", "EU", "peak", 300, 0, "1.4500", False),
                "L1-09": ("rated", "FR-MOB", "peak", 1, 0, "0.1000", False),
                "L1-10": ("rated", "EU", "peak", 1, 0, "0.1500", False),
                # the stated 1,024 MB pool, in time order: 400, 200, 300, then 124 of 250
                "L1-11": ("rated", "FR-DATA", "weekend", 400 * MB, 400 * MB, "0.0000", False),
                "L1-12": ("rated", "FR-DATA", "peak", 300 * MB, 300 * MB, "0.0000", False),
                "L1-13": ("unbillable", "FR-URG", "offpeak", 0, 0, "0.0000", "free_zone"),
                "L2-01": ("rated", "FR-FIX", "peak", 60, 60, "0.0000", False),
                "L2-02": ("rated", "FR-DATA", "peak", 200 * MB, 200 * MB, "0.0000", False),
                # 126 MB over the pool at 0.01 a MB
                "L2-03": ("rated", "FR-DATA", "weekend", 250 * MB, 124 * MB, "1.2600", False),
                "L2-04": ("rated", "FR-MOB", "weekend", 1, 0, "0.1000", False),
                "L2-05": ("unbillable", "FR-FIX", "peak", 0, 0, "0.0000", "incoming"),
            },
        )
        subs = self.env["telecom.subscription"].search(
            [("phone_number", "in", [example.LINE1, example.LINE2])]
        )
        by_number = {sub.phone_number: sub.name for sub in subs}
        account = subs.billing_account_id
        self.assertEqual(len(account), 1)
        self.assertEqual(
            figures["balances"],
            {
                ("subscription", by_number[example.LINE1], "voice"): (6000, 6000, 0),
                ("subscription", by_number[example.LINE2], "voice"): (6000, 60, 5940),
                ("pool", account.name, "data"): (1024 * MB, 1024 * MB, 0),
            },
        )
        # 0.78 a minute instead of 0.80: 125 s cost 1.625 + 0.50 = 2.1250 (was 2.1667)
        self.assertEqual(
            figures["rerate"],
            {
                "selected": 18,
                "changed": 1,
                "amount_before": "7.4817",
                "amount_after": "7.4400",
                "difference": "-0.0417",
            },
        )
        self.assertEqual(figures["premium_after"], "2.1250")
        self.assertEqual(figures["status"], ("active", 12, "6.0800"))
        self.assertIn("re-rated 18 records, 1 changed: 7.4817 -> 7.4400 EUR (-0.0417)", printed)
        self.assertIn("tariff document valid: True (create)", printed)
        # what the example did is in the database as the back office sees it
        self.assertEqual(account.partner_id.tz, "Europe/Paris")
        pool = self.env["telecom.allowance.balance"].search(
            [("scope", "=", "pool"), ("billing_account_id", "=", account.id)]
        )
        self.assertEqual((pool.quantity, pool.used), (1024 * MB, 1024 * MB))

    def test_bad_input_over_xmlrpc_changes_nothing(self):
        """Every new method answers a clear fault to wrong types and unknown keys."""
        self.rpc_login("fr_integrator", "fr_integrator_pw")
        models = (
            "telecom.tariff",
            "telecom.tariff.version",
            "telecom.tariff.zone",
            "telecom.tariff.price",
            "product.template",
            "telecom.plan.allowance",
            "telecom.allowance.pool",
            "telecom.mediation.source",
            "telecom.rerating",
            "res.partner",
        )

        def counts():
            self.env.invalidate_all()
            return {model: self.env[model].with_context(active_test=False).search_count([])
                    for model in models}  # fmt: skip

        before = counts()
        overlapping = {
            "tariff": "X-BAD",
            "date_from": "2025-01-01",
            "bands": [
                {"band": "peak", "days": ["mon"], "from": "08:00", "to": "20:00"},
                {"band": "evening", "days": ["mon"], "from": "19:00", "to": "23:00"},
            ],
            "zones": [
                {"code": "A", "class": "national", "prefixes": ["+331"]},
                {"code": "B", "class": "national", "prefixes": ["+331"]},
            ],
            "prices": [{"usage_type": "voice", "zone": "C", "price": 0.1}],
        }
        for method, args, text in (
            ("import_tariff", ("FR-MOBILE",), "(document): must be a dict"),
            ("import_tariff", (overlapping,), "bands[1]: overlaps bands[0] (peak) on mon"),
            ("import_tariff", (overlapping,), "zones[1].prefixes[0]: +331 is already a prefix"),
            ("import_tariff", (overlapping,), "prices[0].zone: 'C' is not the code of a zone"),
            ("export_tariff", (["FR-MOBILE"],), "No tariff"),
            ("export_tariff", ("FR-MOBILE", "01/05/2025"), "not an ISO-8601 date"),
            ("import_plan", ({"plan": "P", "allowances": {}},), "allowances: must be a list"),
            ("import_plan", ({"plan": "P", "price": "9.99"},), "price: must be a number"),
            ("export_plan", (42,), "No plan or add-on 42"),
            ("import_account_pools", ({"billing_account": 0, "pools": []},),
             "No billing account 0"),
            ("import_account_pools", ({"billing_account": 0},), "pools: is required"),
            ("export_account_pools", ("BA-NOPE",), "No billing account BA-NOPE"),
            ("import_mediation_source", ({"code": "S", "colour": 1},), "colour: unknown key"),
            ("export_mediation_source", ("NOPE",), "Unknown mediation source NOPE"),
            ("rerate", ({"tariff": "NOPE"}, "why"), "selection.tariff: no tariff NOPE"),
            ("rerate", (["2025-05-01"], "why"), "selection must be a dict"),
            ("usage_records", ({"billing_account": self.account.id, "limit": "10"},),
             "limit must be a whole number"),
            ("usage_records", ({"subscription": 1, "colour": 1},), "unknown key(s) colour"),
            ("allowance_balances", ([],), "query must be a dict"),
            ("account_invoices", ({"billing_account": "BA-NOPE"},), "No billing account"),
            ("service_status", ({},), "No subscription"),
            ("set_customer_timezone", ("C9999999", "UTC"), "No customer C9999999"),
            (
                "set_customer_timezone",
                (self.account.partner_id.id, ["UTC"]),
                "is not a time zone name",
            ),
        ):  # fmt: skip
            with self.subTest(method=method, text=text):
                self.assertFault(text, method, *args)
        # validate_tariff answers the errors instead of failing
        check = self.call("validate_tariff", [])
        self.assertEqual(
            (check["valid"], check["action"], check["document"]), (False, False, False)
        )
        self.assertIn("must be a dict", check["errors"][0]["message"])
        self.assertEqual(counts(), before)
