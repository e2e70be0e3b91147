# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every telecom.api method over real XML-RPC against the test server."""

from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import TelecomFixtures, XmlRpcClient


@tagged("post_install", "-at_install")
class TestApiXmlRpc(XmlRpcClient, TelecomFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
        cls.integrator = new_test_user(
            cls.env,
            login="tc_integrator",
            password="tc_integrator_pw",
            groups="telecom_crm.group_telecom_sales,telecom_crm.group_telecom_care",
        )
        # the integrator's today (its time zone), as the server reads a missing date:
        # the machine's UTC date differs around midnight
        # (read as the integrator: a user without a time zone reads the UTC date, where
        # the administrator's Brussels date is a day ahead between 23:00 and 24:00 UTC)
        cls.today = fields.Date.context_today(cls.env["res.users"].with_user(cls.integrator))

    def setUp(self):
        super().setUp()
        self.rpc_login("tc_integrator", "tc_integrator_pw")

    def _count(self, model, domain=()):
        self.env.invalidate_all()
        return self.env[model].search_count(list(domain))

    # -- create_customer --------------------------------------------------------
    def test_create_customer(self):
        answer = self.call(
            "create_customer",
            {
                "name": "Ines Integrated",
                "email": "ines@example.com",
                "phone": "+32470555555",
                "country_code": "be",
                "segment": "consumer",
                "credit_class": "b",
                "credit_limit": 250,
                "contact_by_sms": True,
                "id_document_type": "id_card",
                "id_document_number": "591-1234567-89",
                "birthdate": "1988-02-29",
                "billing_account": {"billing_day": 15, "invoice_delivery": "portal"},
            },
        )
        self.assertRegex(answer["customer_number"], r"^C\d{7}$")
        self.assertRegex(answer["billing_account_number"], r"^BA\d{7}$")
        partner = self.env["res.partner"].browse(answer["customer_id"])
        self.assertEqual(partner.telecom_customer_type, "residential")
        self.assertEqual(str(partner.telecom_birthdate), "1988-02-29")
        self.assertEqual(partner.country_id.code, "BE")
        self.assertEqual(partner.telecom_segment_id.code, "consumer")
        account = self.env["telecom.billing.account"].browse(answer["billing_account_id"])
        self.assertEqual((account.billing_day, account.invoice_delivery), (15, "portal"))
        self.assertEqual(account.state, "active")
        business = self.call(
            "create_customer",
            {
                "name": "Quartz Hotel",
                "customer_type": "business",
                "vat": "BE0477472701",
                "email": "desk@quartz.example.com",
            },
        )
        self.assertEqual(
            self.env["res.partner"].browse(business["customer_id"]).telecom_customer_type,
            "business",
        )

    def test_create_customer_bad_input_writes_nothing(self):
        before = self._count("res.partner")
        self.assertFault("needs a name", "create_customer", {"email": "x@example.com"})
        self.assertFault("unknown key", "create_customer", {"name": "X", "colour": "blue"})
        self.assertFault("ISO-8601", "create_customer", {"name": "X", "birthdate": "29/02/1988"})
        self.assertFault(
            "residential",
            "create_customer",
            {"name": "X", "customer_type": "business", "birthdate": "1988-02-29"},
        )
        self.assertFault(
            "billing_day", "create_customer", {"name": "X", "billing_account": {"billing_day": 31}}
        )
        self.assertFault("unknown code", "create_customer", {"name": "X", "country_code": "ZZ"})
        # fails after the partner is created (invoices by e-mail without an address)
        self.assertFault("e-mail", "create_customer", {"name": "No Mail Partner"})
        self.assertEqual(self._count("res.partner"), before)
        self.assertFalse(self._count("res.partner", [("name", "=", "No Mail Partner")]))

    def test_time_zone_of_the_customer(self):
        answer = self.call(
            "create_customer",
            {"name": "Zoe Zone", "email": "zoe@example.com", "tz": "Europe/Paris"},
        )
        partner = self.env["res.partner"].browse(answer["customer_id"])
        self.assertEqual(partner.tz, "Europe/Paris")
        # none given: none at all (not the caller's), rating then reads the tariff's
        plain = self.call(
            "create_customer",
            {"name": "No Zone", "email": "nz@example.com"},
            context={"tz": "Asia/Tokyo"},
        )
        self.assertFalse(self.env["res.partner"].browse(plain["customer_id"]).tz)
        before = self._count("res.partner")
        self.assertFault(
            "not a time zone name",
            "create_customer",
            {"name": "X", "email": "x@example.com", "tz": "Europe/Pariss"},
        )
        self.assertFault(
            "not a time zone name",
            "create_customer",
            {"name": "X", "email": "x@example.com", "tz": 1},
        )
        self.assertEqual(self._count("res.partner"), before)
        moved = self.call(
            "set_customer_timezone",
            answer["customer_number"],
            "America/Montreal",
            request_id="tz-1",
        )
        self.assertEqual(
            moved,
            {
                "customer_id": partner.id,
                "customer_number": answer["customer_number"],
                "tz": "America/Montreal",
            },
        )
        self.assertEqual(self.call("set_customer_timezone", partner.id, False)["tz"], False)
        self.assertFault("not a time zone name", "set_customer_timezone", partner.id, "Mars")
        self.assertFault("No customer", "set_customer_timezone", "C9999999", "Europe/Paris")
        self.env.invalidate_all()
        self.assertFalse(partner.tz)
        # a billing user or a read-only user may not move customers between time zones
        for login in ("tc_billing", "tc_ro"):
            self.env["res.users"].search([("login", "=", login)]).password = login + "_pw"
            self.assertRpcFault(
                "is for Telecom / Sales Agent or Telecom / Customer Care",
                self.rpc_caller(login, login + "_pw"),
                "set_customer_timezone",
                partner.id,
                "Europe/Paris",
            )

    def test_request_id_makes_retries_safe(self):
        values = {"name": "Retry Ralf", "email": "ralf@example.com"}
        first = self.call("create_customer", values, request_id="crm-42")
        again = self.call("create_customer", values, request_id="crm-42")
        self.assertEqual(first, again)
        self.assertEqual(self._count("res.partner", [("name", "=", "Retry Ralf")]), 1)
        # the same id for another request is refused
        self.assertFault(
            "already used",
            "create_customer",
            {"name": "Other", "email": "o@example.com"},
            request_id="crm-42",
        )
        self.assertFault("request_id", "create_customer", values, request_id="")
        # a failed request stores nothing: its id can be used again once fixed
        self.assertFault("e-mail", "create_customer", {"name": "Fix Me"}, request_id="crm-43")
        fixed = self.call(
            "create_customer", {"name": "Fix Me", "email": "fix@example.com"}, request_id="crm-43"
        )
        self.assertTrue(fixed["customer_id"])

    # -- place_order ---------------------------------------------------------
    def _new_line_order(self, request_id=None, **extra):
        start = fields.Date.to_string(self.today - timedelta(days=30))
        values = {
            "customer": self.business.telecom_customer_number,
            "kind": "new",
            "date": start,
            "lines": [
                {
                    "product": "T-MOB-S",
                    "phone_number": "+32470999001",
                    "sim_iccid": "8932000000000999009",
                },
                {"product": "T-ADD-DATA"},
                {"product": "T-FEE-SIM"},
            ],
            **extra,
        }
        kwargs = {"request_id": request_id} if request_id else {}
        return self.call("place_order", values, **kwargs)

    def test_place_order(self):
        answer = self._new_line_order(request_id="web-1001", client_order_ref="WEB-1001")
        self.assertEqual(answer["state"], "sale")
        self.assertEqual(answer["kind"], "new")
        (sub,) = answer["subscriptions"]
        self.assertEqual(sub["state"], "active")
        self.assertEqual(sub["phone_number"], "+32470999001")
        self.assertEqual(sub["plan"]["code"], "T-MOB-S")
        self.assertEqual(sub["activation_date"], answer["effective_date"])
        self.assertEqual(sorted(ln["kind"] for ln in sub["lines"]), ["addon", "plan"])
        self.assertEqual([so["action"] for so in answer["service_orders"]], ["activate"])
        self.assertEqual(
            [(c["kind"], c["amount"]) for c in answer["charges"]], [("one_time", 10.0)]
        )
        # a retry returns the same order, no second order
        self.assertEqual(
            self._new_line_order(request_id="web-1001", client_order_ref="WEB-1001"), answer
        )
        self.assertEqual(self._count("sale.order", [("client_order_ref", "=", "WEB-1001")]), 1)
        # lifecycle order on that subscription
        susp = self.call(
            "place_order",
            {
                "customer": self.business.id,
                "kind": "suspension",
                "subscriptions": [sub["number"]],
                "reason": "customer_request",
            },
        )
        self.assertEqual(susp["subscriptions"][0]["state"], "suspended")
        self.assertEqual(susp["service_orders"][0]["action"], "suspend")

    def test_place_order_bad_input_writes_nothing(self):
        before = self._count("sale.order")
        customer = self.business.telecom_customer_number
        self.assertFault("No customer", "place_order", {"customer": "C9999999", "kind": "new"})
        self.assertFault("kind", "place_order", {"customer": customer, "kind": "upgrade"})
        self.assertFault(
            "ISO-8601", "place_order", {"customer": customer, "kind": "new", "date": "2025-13-01"}
        )
        self.assertFault(
            "No telecom product",
            "place_order",
            {"customer": customer, "kind": "new", "lines": [{"product": "NOPE"}]},
        )
        self.assertFault(
            "E.164",
            "place_order",
            {
                "customer": customer,
                "kind": "new",
                "lines": [{"product": "T-MOB-S", "phone_number": "0470 99 90 01"}],
            },
        )
        self.assertFault(
            "No subscription",
            "place_order",
            {"customer": customer, "kind": "termination", "subscriptions": ["S9999999"]},
        )
        self.assertFault(
            "reason",
            "place_order",
            {"customer": customer, "kind": "suspension", "subscriptions": [], "reason": "bored"},
        )
        self.assertEqual(self._count("sale.order"), before)
        self.assertFalse(
            self._count("telecom.subscription", [("phone_number", "=", "+32470999001")])
        )

    # -- lifecycle methods ----------------------------------------------------
    def test_change_plan_suspend_resume_terminate_lookup(self):
        sub = self._new_line_order()["subscriptions"][0]
        number = sub["number"]
        found = self.call("lookup_subscription", "+32470999001")
        self.assertEqual(found["number"], number)
        self.assertEqual(self.call("lookup_subscription", number)["id"], sub["id"])
        self.assertEqual(self.call("lookup_subscription", "8932000000000999009")["id"], sub["id"])

        change_date = fields.Date.to_string(self.today - timedelta(days=10))
        changed = self.call("change_plan", number, "T-MOB-M", change_date, request_id="chg-1")
        self.assertEqual(changed["subscription"]["plan"]["code"], "T-MOB-M")
        self.assertEqual(changed["service_order"]["state"], "done")
        self.assertEqual(changed["preview"]["price_difference"], 10.0)
        self.assertEqual(changed["preview"]["effective_date"], change_date)
        if "telecom.bill.run" in self.env:  # telecom_billing fills the prorated amount
            self.assertIsInstance(changed["preview"]["amount"], float)
        else:
            self.assertIs(changed["preview"]["amount"], False)
        self.assertEqual(
            self.call("change_plan", number, "T-MOB-M", change_date, request_id="chg-1"), changed
        )

        suspended = self.call("suspend", sub["id"], "non_payment", request_id="dun-1")
        self.assertEqual(suspended["subscription"]["state"], "suspended")
        self.assertEqual(suspended["subscription"]["suspend_reason"], "non_payment")
        self.assertEqual(
            self.call("suspend", sub["id"], "non_payment", request_id="dun-1"), suspended
        )
        resumed = self.call("resume", number)
        self.assertEqual(resumed["subscription"]["state"], "active")

        # ordered for the end of next month: scheduled, nothing ends yet; cancelled
        notice = fields.Date.to_string(self.today + timedelta(days=40))
        planned = self.call("terminate", number, notice, "term_competitor")
        self.assertEqual(planned["subscription"]["state"], "active")
        self.assertFalse(planned["subscription"]["termination_date"])
        self.assertEqual(
            (planned["service_order"]["state"], planned["service_order"]["scheduled"]),
            ("submitted", True),
        )
        self.assertEqual(planned["service_order"]["requested_date"], notice)
        self.assertIs(planned["etf_charge"], False)
        self.assertFault("scheduled for", "change_plan", number, "T-MOB-S")
        self.env["telecom.service.order"].browse(planned["service_order"]["id"]).action_cancel()

        ended = self.call("terminate", number, reason="term_competitor")
        self.assertFalse(ended["service_order"]["scheduled"])
        self.assertEqual(ended["subscription"]["state"], "terminated")
        self.assertEqual(ended["subscription"]["termination_reason"], "term_competitor")
        self.assertEqual(
            ended["subscription"]["termination_date"], fields.Date.to_string(self.today)
        )
        self.assertEqual(ended["etf_charge"]["kind"], "etf")
        self.assertGreater(ended["etf_charge"]["amount"], 0)
        self.assertFault("cannot resume", "resume", number)

    def test_lifecycle_bad_input(self):
        sub = self._subscription(partner=self.business, phone_number="+32470888001")
        self.assertFault("No subscription", "lookup_subscription", "+32000000000")
        self.assertFault("No subscription", "suspend", "S0000000", "other")
        self.assertFault("Unknown suspension reason", "suspend", sub.name, "bored")
        self.assertFault("ISO-8601", "suspend", sub.name, "other", "yesterday")
        self.assertFault("only a suspended service", "resume", sub.name)
        self.assertFault("of kind plan/bundle", "change_plan", sub.name, "T-ADD-DATA")
        self.assertFault("cannot change to", "change_plan", sub.name, "T-FTTH-500")
        self.assertFault("termination reason", "terminate", sub.name, reason="susp_fraud")
        self.assertFault("manager", "terminate", sub.name, waive_etf=True)
        self.env.invalidate_all()
        self.assertEqual(sub.state, "active")
        self.assertFalse(sub.service_order_ids.filtered(lambda so: so.action != "activate"))

    def test_access(self):
        new_test_user(
            self.env,
            login="tc_ro_rpc",
            password="tc_ro_rpc_pw",
            groups="telecom_crm.group_telecom_user",
        )
        new_test_user(
            self.env, login="tc_plain_rpc", password="tc_plain_rpc_pw", groups="base.group_user"
        )
        sub = self._subscription(partner=self.business, phone_number="+32470777001")
        self.rpc_login("tc_ro_rpc", "tc_ro_rpc_pw")
        self.assertEqual(self.call("lookup_subscription", sub.name)["state"], "active")
        self.assertFault("not allowed", "suspend", sub.name, "other")
        self.rpc_login("tc_plain_rpc", "tc_plain_rpc_pw")
        self.assertFault("Telecom / User", "lookup_subscription", sub.name)
