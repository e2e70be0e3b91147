# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""telecom.api.account_balance and create_credit_note over real XML-RPC."""

from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.telecom_crm.tests.common import XmlRpcClient

from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestBillingApiXmlRpc(XmlRpcClient, BillingFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.acc = cls._account("Rpc Customer")
        cls.sub = cls._sub(cls.acc, cls.mobile_m, date(2025, 5, 1), "+32470990001")
        cls.bill_run = cls.bill(cls, date(2025, 6, 1), cls.acc)
        cls.invoice = cls.bill_run.line_ids.move_id
        new_test_user(
            cls.env, login="tb_rpc_billing", password="tb_rpc_billing_pw",
            groups="telecom_crm.group_telecom_billing",
        )  # fmt: skip
        new_test_user(
            cls.env, login="tb_rpc_user", password="tb_rpc_user_pw",
            groups="telecom_crm.group_telecom_user",
        )  # fmt: skip

    def _proxy(self, login):
        return self.rpc_caller(login, f"{login}_pw")

    def test_account_balance(self):
        call = self._proxy("tb_rpc_user")
        balance = call("account_balance", self.acc.name)
        self.assertEqual(balance["billing_account_id"], self.acc.id)
        self.assertEqual(balance["open_amount"], self.invoice.amount_total)
        self.assertEqual(balance["overdue_amount"], self.invoice.amount_total)
        self.assertEqual(balance["oldest_due_date"], "2025-06-01")
        self.assertIs(balance["dunning_level"], False)
        [inv] = balance["invoices"]
        self.assertEqual(
            (inv["number"], inv["kind"], inv["period_start"], inv["period_end"]),
            (self.invoice.name, "invoice", "2025-06-01", "2025-06-30"),
        )
        self.assertEqual(call("account_balance", self.acc.id)["invoice_count"], 1)
        # a read writes nothing: an invoice without its access token gets none (its link
        # is the page behind the customer's log-in); with one, the link carries it
        self.invoice.sudo().access_token = False
        self.env.flush_all()
        [inv] = call("account_balance", self.acc.name)["invoices"]
        self.invoice.invalidate_recordset(["access_token"])
        self.assertFalse(self.invoice.access_token)
        self.assertEqual(inv["portal_url"], self.invoice.access_url)
        self.invoice.sudo()._portal_ensure_token()
        self.env.flush_all()
        [inv] = call("account_balance", self.acc.name)["invoices"]
        self.assertIn(f"access_token={self.invoice.access_token}", inv["portal_url"])
        self.assertRpcFault("No billing account", call, "account_balance", "BA-NOPE")
        self.assertRpcFault("No billing account", call, "account_balance", False)

    def test_create_credit_note_idempotent(self):
        call = self._proxy("tb_rpc_billing")
        lines = [{"description": "Outage 3 June", "amount": 4.0, "subscription": self.sub.name}]
        kwargs = {"origin": "TICKET-42", "invoice": self.invoice.name, "request_id": "sla-42"}
        credit = call("create_credit_note", self.acc.name, lines, "credit_outage", **kwargs)
        self.assertEqual((credit["kind"], credit["amount_total"]), ("credit_note", 4.84))
        self.assertEqual((credit["reason"], credit["origin"]), ("credit_outage", "TICKET-42"))
        again = call("create_credit_note", self.acc.name, lines, "credit_outage", **kwargs)
        self.assertEqual(again, credit)
        self.assertEqual(
            self.env["account.move"].search_count([("telecom_kind", "=", "credit")]), 1
        )
        # bad input: a clear fault, nothing written
        self.assertRpcFault("not a credit or dispute reason", call, "create_credit_note",
                         self.acc.name, lines, "term_competitor")  # fmt: skip
        bad = [{"description": "x", "amount": 1, "colour": "red"}]
        self.assertRpcFault("unknown key", call, "create_credit_note", self.acc.name, bad,
                         "credit_goodwill")  # fmt: skip
        self.assertRpcFault("positive", call, "create_credit_note", self.acc.name,
                         [{"description": "x", "amount": -1}], "credit_goodwill")  # fmt: skip
        self.assertRpcFault("non-empty list", call, "create_credit_note", self.acc.name, [],
                         "credit_goodwill")  # fmt: skip
        self.assertRpcFault("No invoice", call, "create_credit_note", self.acc.name, lines,
                         "credit_goodwill", invoice="INV/1999/99999")  # fmt: skip
        self.assertRpcFault("already used", call, "create_credit_note", self.acc.name,
                         [{"description": "other", "amount": 1.0}], "credit_outage",
                         request_id="sla-42")  # fmt: skip
        # a telecom user without invoicing rights cannot credit
        self.assertRpcFault("invoicing rights", self._proxy("tb_rpc_user"), "create_credit_note",
                         self.acc.name, lines, "credit_goodwill")  # fmt: skip
        self.assertEqual(
            self.env["account.move"].search_count([("telecom_kind", "=", "credit")]), 1
        )

    def test_hostile_credit_notes_and_previews(self):
        """NaN, Infinity, absurd amounts, over-long text and origins naming any model."""
        other = self._sub(self._account("Other Rpc"), self.mobile_m, date(2025, 5, 1))
        call = self._proxy("tb_rpc_billing")
        Move = self.env["account.move"]
        before = Move.search_count([("telecom_kind", "=", "credit")])
        acc = self.acc.name
        for amount, message in (
            (float("nan"), "finite numbers"),
            (float("inf"), "finite numbers"),
            (1e13, "is a mistake"),
        ):
            with self.subTest(amount=amount):
                self.assertRpcFault(message, call, "create_credit_note", acc,
                                    [{"description": "x", "amount": amount}],
                                    "credit_goodwill")  # fmt: skip
        self.assertRpcFault("at most 65536 characters", call, "create_credit_note", acc,
                            [{"description": "d" * 70_000, "amount": 1.0}],
                            "credit_goodwill")  # fmt: skip
        good = [{"description": "Goodwill", "amount": 1.0}]
        admin = self.env.ref("base.user_admin")
        for origin, message in (
            (f"res.users,{admin.id}", "cannot answer"),
            ("ir.config_parameter,1", "cannot answer"),
            (f"telecom.subscription,{other.id}", "is not a record of"),
            ("telecom.subscription,999999999", "does not exist"),
            ("x" * 300, "at most 256"),
        ):
            with self.subTest(origin=origin):
                self.assertRpcFault(message, call, "create_credit_note", acc, good,
                                    "credit_goodwill", origin=origin)  # fmt: skip
        self.env.invalidate_all()
        self.assertEqual(Move.search_count([("telecom_kind", "=", "credit")]), before)
        # the customer's own records and free references are fine
        credit = call("create_credit_note", acc, good, "credit_goodwill",
                      origin=f"account.move,{self.invoice.id}")  # fmt: skip
        self.assertEqual(credit["origin"], self.invoice.display_name)
        credit = call("create_credit_note", acc, good, "credit_goodwill", origin="Case 12, call")
        self.assertEqual(credit["origin"], "Case 12, call")
        # rate_preview: telecom users only, numbers that are numbers
        new_test_user(
            self.env, login="tb_rpc_plain", password="tb_rpc_plain_pw", groups="base.group_user"
        )
        args = [self.sub.name, "voice", "2025-05-10T10:00:00Z"]
        self.assertRpcFault("Telecom / User", self._proxy("tb_rpc_plain"), "rate_preview",
                            *args, 60)  # fmt: skip
        user_call = self._proxy("tb_rpc_user")
        self.assertTrue(user_call("rate_preview", *args, 60)["amount"])
        for quantity, message in (
            (float("nan"), "whole number"),
            (float("inf"), "whole number"),
            (-1, "negative"),
            (1e20, "absurd"),
        ):
            with self.subTest(quantity=quantity):
                self.assertRpcFault(message, user_call, "rate_preview", *args, quantity)

    def test_sign_and_revoke_mandate(self):
        call = self._proxy("tb_rpc_billing")
        Mandate = self.env["account.banking.mandate"]
        # bad input: one clear fault each, nothing written
        self.assertRpcFault(
            "not a valid IBAN", call, "sign_mandate", self.acc.name, "BE71096123456768"
        )
        self.assertRpcFault("not a valid IBAN", call, "sign_mandate", self.acc.name, 42)
        self.assertRpcFault("in the future", call, "sign_mandate", self.acc.name,
                         "BE71 0961 2345 6769", signature_date="2999-01-01")  # fmt: skip
        self.assertRpcFault("ISO-8601", call, "sign_mandate", self.acc.name,
                         "BE71 0961 2345 6769", signature_date="01/06/2025")  # fmt: skip
        self.assertRpcFault(
            "No billing account", call, "sign_mandate", "BA-NOPE", "BE71 0961 2345 6769"
        )
        self.assertRpcFault("no mandate in force", call, "revoke_mandate", self.acc.name)
        self.assertRpcFault("for billing users", self._proxy("tb_rpc_user"), "sign_mandate",
                         self.acc.name, "BE71 0961 2345 6769")  # fmt: skip
        self.assertFalse(Mandate.search([("telecom_billing_account_id", "=", self.acc.id)]))
        # signed in the integrator's e-signature flow: draft until checked
        signed = call("sign_mandate", self.acc.name, "be71 0961 2345 6769", "Rpc Customer",
                      "2025-06-02", request_id="esign-1")  # fmt: skip
        self.assertEqual((signed["state"], signed["direct_debit"]), ("draft", False))
        self.assertEqual(signed["iban"], "BE71 **** 6769")
        self.assertEqual(signed["signature_date"], "2025-06-02")
        self.assertEqual(signed["scheme"], "CORE")
        self.assertEqual(
            call(
                "sign_mandate",
                self.acc.name,
                "be71 0961 2345 6769",
                "Rpc Customer",
                "2025-06-02",
                request_id="esign-1",
            ),
            signed,
        )
        self.assertRpcFault("already being checked", call, "sign_mandate", self.acc.name,
                         "BE71 0961 2345 6769")  # fmt: skip
        mandate = Mandate.browse(signed["id"])
        mandate.validate()
        self.assertEqual(self.acc.mandate_id, mandate)
        revoked = call("revoke_mandate", self.acc.id)
        self.assertEqual((revoked["state"], revoked["direct_debit"]), ("cancel", False))
        # the company validates online mandates at once
        self.company.telecom_mandate_auto_validate = True
        again = call("sign_mandate", self.acc.id, "BE71 0961 2345 6769")
        self.assertEqual((again["state"], again["direct_debit"]), ("valid", True))
        self.env.invalidate_all()
        self.assertEqual(self.acc.mandate_id.id, again["id"])
        self.assertEqual(
            self.env["res.partner.bank"].search_count([("partner_id", "=", self.acc.payer_id.id)]),
            1,
            "the payer's bank account is reused",
        )
