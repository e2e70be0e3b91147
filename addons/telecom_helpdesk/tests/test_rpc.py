# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Opening and following tickets over real XML-RPC against the test server."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.telecom_crm.tests.common import XmlRpcClient

from .common import HelpdeskFixtures


@tagged("post_install", "-at_install")
class TestTicketRpc(XmlRpcClient, HelpdeskFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_helpdesk()
        cls.integrator = new_test_user(
            cls.env,
            login="hd_integrator",
            password="hd_integrator_pw",
            groups="telecom_crm.group_telecom_care",
        )
        cls.sub = cls._subscription()
        cls.resident.telecom_customer_number = "C9990001"
        cls.response = cls._sla(
            "Response 4h (rpc test)", "response", hours=4,
            telecom_type_ids=[Command.set(cls.type_fault.ids)],
        )  # fmt: skip

    def setUp(self):
        super().setUp()
        self.rpc_login("hd_integrator", "hd_integrator_pw")

    def test_open_follow_and_comment(self):
        values = {
            "title": "No internet",
            "description": "Since this morning.\nThe ONT light is red.",
            "category": "fault",
            "subscription": self.sub.name,
            "priority": "high",
            "reported_at": "2025-01-10T14:00:00Z",
            "external_ref": "SHOP-4411",
        }
        ticket = self.call("open_ticket", values, request_id="shop-ticket-4411")
        self.assertTrue(ticket["number"])
        self.assertEqual(ticket["category"], "fault")
        self.assertEqual(ticket["channel"], "rpc")
        self.assertEqual(ticket["customer_number"], "C9990001")
        self.assertEqual(ticket["subscription_number"], self.sub.name)
        self.assertEqual(ticket["priority"], "2")
        self.assertEqual(ticket["reported_at"], "2025-01-10T14:00:00Z")
        self.assertEqual(ticket["team"], self.team.name)  # routed
        self.assertEqual(ticket["sla"]["policies"][0]["kind"], "response")
        self.assertEqual(ticket["sla"]["deadline"], "2025-01-14T10:00:00Z")
        self.assertFalse(ticket["dispute"])
        # a retry gives the first answer, no second ticket
        again = self.call("open_ticket", values, request_id="shop-ticket-4411")
        self.assertEqual(again, ticket)
        Ticket = self.env["helpdesk.ticket"]
        self.assertEqual(Ticket.search_count([("telecom_external_ref", "=", "SHOP-4411")]), 1)
        # follow: by number or external reference, with the public messages
        record = Ticket.browse(ticket["id"])
        record.message_post(
            body="We are looking at it.", message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        record.message_post(body="internal only", subtype_xmlid="mail.mt_note")
        followed = self.call("get_ticket", "SHOP-4411")
        self.assertEqual(followed["number"], ticket["number"])
        bodies = [m["body"] for m in followed["messages"]]
        self.assertIn("We are looking at it.", bodies)
        self.assertNotIn("internal only", bodies)
        answered = self.call(
            "add_ticket_comment", ticket["number"], "It works again, thanks", request_id="c-1"
        )
        self.assertEqual(answered["messages"][-1]["body"], "It works again, thanks")
        self.call(
            "add_ticket_comment", ticket["number"], "It works again, thanks", request_id="c-1"
        )
        self.assertEqual(
            len(record.message_ids.filtered(lambda m: "It works again" in (m.body or ""))), 1
        )
        listed = self.call("list_tickets", customer="C9990001")
        self.assertEqual([t["number"] for t in listed], [ticket["number"]])
        self.assertEqual(self.call("list_tickets", subscription=self.sub.id)[0]["id"], ticket["id"])

    def test_dispute_with_invoice_lines(self):
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.resident.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Roaming", "price_unit": 12.5, "tax_ids": []})
                    ],
                }
            )
        )
        move.action_post()
        ticket = self.call(
            "open_ticket",
            {
                "title": "Roaming I never made",
                "description": "I was at home.",
                "category": "dispute",
                "customer": "C9990001",
                "invoice": move.name,
                "invoice_lines": move.invoice_line_ids.ids,
            },
        )
        self.assertEqual(ticket["dispute"]["state"], "open")
        self.assertEqual(ticket["dispute"]["disputed_amount"], 12.5)
        self.assertEqual(ticket["dispute"]["credit_notes"], [])

    def _usage(self, account, sub, amount, record_id):
        Source = self.env["telecom.mediation.source"].sudo()
        source = Source.search([("code", "=", "HDRPC")]) or Source.create(
            {"name": "RPC test switch", "code": "HDRPC"}
        )
        return (
            self.env["telecom.usage.record"]
            .sudo()
            .create(
                {
                    "source_id": source.id,
                    "source_record_id": record_id,
                    "subscription_id": sub.id,
                    "billing_account_id": account.id,
                    "usage_type_id": self.env.ref("telecom_crm.telecom_usage_type_voice").id,
                    "start_time": "2025-05-19 08:00:00",
                    "quantity": 60,
                    "state": "rated",
                    "amount": amount,
                    "currency_id": account.currency_id.id,
                    "company_id": self.company.id,
                }
            )
        )

    def test_dispute_of_usage_records(self):
        calls = self._usage(self.resident_account, self.sub, 1.25, "u1") | self._usage(
            self.resident_account, self.sub, 0.5, "u2"
        )
        ticket = self.call(
            "open_ticket",
            {
                "title": "Calls I never made",
                "description": "My phone was off.",
                "category": "dispute",
                "customer": "C9990001",
                "usage_records": calls.ids,
            },
        )
        self.assertEqual(ticket["billing_account_id"], self.resident_account.id)
        self.assertEqual(ticket["dispute"]["disputed_amount"], 1.75)
        line = self.env["helpdesk.ticket"].browse(ticket["id"]).telecom_dispute_line_ids
        self.assertEqual(line.usage_record_ids, calls)
        # another customer's usage, unknown ids, not a list: refused, nothing written
        other_sub = self._subscription(partner=self.business, account=self.business_account)
        foreign = self._usage(self.business_account, other_sub, 2.0, "u3")
        good = {
            "title": "Bad usage",
            "description": "x",
            "category": "dispute",
            "customer": "C9990001",
        }
        self.assertFault("usage_records", "open_ticket", dict(good, usage_records=foreign.ids))
        self.assertFault("usage_records", "open_ticket", dict(good, usage_records=[10**9]))
        self.assertFault("usage_records", "open_ticket", dict(good, usage_records="u1"))
        # already disputed in the open dispute above
        self.assertFault("already disputed", "open_ticket", dict(good, usage_records=calls.ids))
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "Bad usage")]))

    def test_hostile_input(self):
        """Group checks on reads, numbers, over-long text, another customer's records."""
        new_test_user(
            self.env,
            login="hd_plain",
            password="hd_plain_pw",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user",
        )
        ticket = self._ticket()
        plain = self.rpc_caller("hd_plain", "hd_plain_pw")
        self.assertRpcFault("Telecom / User", plain, "get_ticket", ticket.id)
        self.assertRpcFault("Telecom / User", plain, "list_tickets", "C9990001")
        for limit, message in ((float("nan"), "finite"), (float("inf"), "finite"), (500, "200")):
            with self.subTest(limit=limit):
                self.assertFault(message, "list_tickets", "C9990001", limit=limit)
        good = {"title": "x", "description": "y", "category": "fault", "customer": "C9990001"}
        self.assertFault("title is 300 characters", "open_ticket", dict(good, title="t" * 300))
        self.assertFault("external_ref", "open_ticket", dict(good, external_ref="r" * 200))
        self.assertFault("description", "open_ticket", dict(good, description="d" * 70_000))
        self.assertFault("message", "add_ticket_comment", ticket.id, "m" * 70_000)
        # records of a customer need that customer: a bare e-mail contact links none
        contact = {"title": "x", "description": "y", "category": "dispute"}
        contact["contact_email"] = "someone@example.com"
        other_sub = self._subscription(partner=self.business, account=self.business_account)
        foreign_order = other_sub.service_order_ids[:1]
        for key, value in (
            ("invoice", "INV/2025/00001"),
            ("usage_records", [1]),
            ("service_order", foreign_order.name),
        ):
            with self.subTest(key=key):
                self.assertFault("name the customer", "open_ticket", dict(contact, **{key: value}))
        self.assertFault(
            "No service order", "open_ticket", dict(good, service_order=foreign_order.id)
        )
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "x")]))
        # the same rules without the API
        Ticket = self.env["helpdesk.ticket"]
        with self.assertRaisesRegex(ValidationError, "is not a service of"):
            self._ticket(telecom_service_order_id=foreign_order.id)
        with self.assertRaisesRegex(ValidationError, "is not a service of"):
            Ticket.create(
                {
                    "name": "No customer",
                    "description": "<p>x</p>",
                    "partner_email": "someone@example.com",
                    "telecom_billing_account_id": self.business_account.id,
                }
            )

    def test_bad_input(self):
        good = {"title": "x", "description": "y", "category": "fault", "customer": "C9990001"}
        self.assertFault("category", "open_ticket", dict(good, category="outage"))
        self.assertFault("title is required", "open_ticket", dict(good, title=" "))
        self.assertFault("unknown key", "open_ticket", dict(good, colour="red"))
        self.assertFault("priority", "open_ticket", dict(good, priority="asap"))
        self.assertFault("not ISO-8601", "open_ticket", dict(good, reported_at="yesterday"))
        self.assertFault("in the future", "open_ticket", dict(good, reported_at="2999-01-01"))
        self.assertFault("No customer", "open_ticket", dict(good, customer="C0000000"))
        self.assertFault("No subscription", "open_ticket", dict(good, subscription="S-NOPE"))
        self.assertFault("No invoice", "open_ticket", dict(good, invoice="INV/NOPE"))
        self.assertFault("invoice_lines", "open_ticket", dict(good, invoice_lines=["a"]))
        self.assertFault("No network element", "open_ticket", dict(good, element="nope"))
        self.assertFault("channel", "open_ticket", dict(good, channel="fax"))
        other = self._subscription(partner=self.business)
        self.assertFault("is not a service of", "open_ticket", dict(good, subscription=other.id))
        self.assertFault("No ticket", "get_ticket", "HT-NOPE")
        self.assertFault("non-empty string", "add_ticket_comment", self._ticket().id, " ")
        self.assertFault("Give a customer or a subscription", "list_tickets")
        # nothing was written by the failed calls
        self.assertFalse(self.env["helpdesk.ticket"].search([("name", "=", "x")]))
        self.call("open_ticket", good, request_id="r-1")
        self.assertFault("already used", "open_ticket", dict(good, title="z"), request_id="r-1")
