# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing accounts, invoices and tickets, as portal users over HTTP."""

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import TelecomPortalFixtures


@tagged("post_install", "-at_install")
class TestPortalAccount(TelecomPortalFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_portal_invoiced()
        cls.bob_invoice = cls._invoice(cls.resident, 17.0)

    # -- billing accounts --------------------------------------------------------
    def test_billing_accounts(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my/billing_accounts")
        self.assertEqual(res.status_code, 200)
        self.assertIn(self.business_account.name, res.text)
        self.assertNotIn(self.resident_account.name, res.text)
        res = self.url_open(f"/my/billing_accounts/{self.business_account.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn("o_telecom_preferences", res.text)
        self.assertIn("+32470000001", res.text)
        self.assertIn("CIRCUIT-ALICE", res.text)

    def test_invoice_preferences(self):
        self.authenticate("tp_alice", "tp_alice")
        url = f"/my/billing_accounts/{self.business_account.id}/preferences"
        res = self._post(url, {"invoice_delivery": "portal", "paperless": "1"})
        self.assertIn("message=preferences", res.headers["Location"])
        self.env.invalidate_all()
        self.assertEqual(self.business_account.invoice_delivery, "portal")
        self.assertTrue(self.business_account.paperless)
        # by post is never paperless; a new invoice address is kept
        self._post(
            url,
            {"invoice_delivery": "post", "paperless": "1", "invoice_email": "ap@bolt.example.com"},
        )
        self.env.invalidate_all()
        self.assertEqual(self.business_account.invoice_delivery, "post")
        self.assertFalse(self.business_account.paperless)
        self.assertEqual(self.business_account.invoice_email, "ap@bolt.example.com")
        # bad input changes nothing
        for data in (
            {"invoice_delivery": "pigeon"},
            {"invoice_delivery": "email", "invoice_email": "not an address"},
        ):
            res = self._post(url, data, allow_redirects=True)
            self.assertIn("o_telecom_error", res.text, data)
        self.env.invalidate_all()
        self.assertEqual(self.business_account.invoice_delivery, "post")

    def test_billing_account_isolation(self):
        self.authenticate("tp_alice", "tp_alice")
        self._redirected_home(
            self.url_open(f"/my/billing_accounts/{self.resident_account.id}", allow_redirects=False)
        )
        own_token = self.business_account.sudo()._portal_ensure_token()
        self._redirected_home(
            self.url_open(
                f"/my/billing_accounts/{self.resident_account.id}?access_token={own_token}",
                allow_redirects=False,
            )
        )
        res = self._post(
            f"/my/billing_accounts/{self.resident_account.id}/preferences",
            {
                "invoice_delivery": "post",
                "access_token": self.resident_account.sudo()._portal_ensure_token(),
            },
        )
        self._redirected_home(res)
        self.env.invalidate_all()
        self.assertEqual(self.resident_account.invoice_delivery, "email")
        # the account's own token shows it, without the form
        token = self.resident_account.sudo()._portal_ensure_token()
        res = self.url_open(f"/my/billing_accounts/{self.resident_account.id}?access_token={token}")
        self.assertEqual(res.status_code, 200)
        self.assertNotIn("/preferences", res.text)

    # -- invoices -------------------------------------------------------------
    def test_invoices_list_detail_and_pdf(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my/invoices")
        self.assertEqual(res.status_code, 200)
        self.assertIn(self.alice_invoice.name, res.text)
        self.assertNotIn(self.bob_invoice.name, res.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["telecom_invoice_count"]}
        )
        self.assertEqual(counters["telecom_invoice_count"], 1)
        res = self.url_open(f"/my/invoices/{self.alice_invoice.id}")
        self.assertEqual(res.status_code, 200)
        self.assertIn(self.alice_invoice.name, res.text)
        res = self.url_open(f"/my/invoices/{self.alice_invoice.id}?report_type=pdf&download=true")
        self.assertEqual(res.status_code, 200)
        self.assertIn("attachment", res.headers.get("Content-Disposition", ""))

    def test_invoice_isolation_by_id_and_token(self):
        self.authenticate("tp_alice", "tp_alice")
        own_token = self.alice_invoice.sudo()._portal_ensure_token()
        for url in (
            f"/my/invoices/{self.bob_invoice.id}",
            f"/my/invoices/{self.bob_invoice.id}?access_token=nope",
            f"/my/invoices/{self.bob_invoice.id}?access_token={own_token}",
            f"/my/invoices/{self.bob_invoice.id}?report_type=pdf&download=true",
        ):
            self._redirected_home(self.url_open(url, allow_redirects=False))

    # -- tickets -----------------------------------------------------------------
    def test_open_ticket_about_a_service_and_reply(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my/tickets/new")
        self.assertEqual(res.status_code, 200)
        self.assertIn("Tp Fault", res.text)
        self.assertNotIn("Tp Internal", res.text)
        self.assertIn(self.type_fault.name, res.text)
        self.assertIn(self.type_dispute.name, res.text)
        self.assertNotIn("Tp Internal type", res.text)
        self.assertIn("+32470000001", res.text)
        self.assertNotIn("+32470000002", res.text)
        self.assertIn(self.alice_invoice.name, res.text)
        self.assertNotIn(self.bob_invoice.name, res.text)
        Ticket = self.env["helpdesk.ticket"]
        fault = {"type_id": self.type_fault.id, "subject": "x", "description": "y"}
        bad = [
            {"type_id": self.type_fault.id, "subject": "No signal"},  # no description
            {"subject": "x", "description": "y"},  # no category
            {**fault, "type_id": self.type_hidden.id},
            {**fault, "type_id": "abc"},
            {**fault, "category_id": self.category_hidden.id},
            {**fault, "subscription_id": self.bob_sub.id},
            {**fault, "invoice_id": self.bob_invoice.id},
            {**fault, "type_id": self.type_dispute.id},  # a dispute names its invoice
        ]
        for data in bad:
            with self.subTest(data=data):
                res = self._post("/my/tickets/new", data, allow_redirects=True)
                self.assertIn("o_telecom_error", res.text)
        self.assertFalse(Ticket.search([("partner_id", "=", self.alice.partner_id.id)]))
        res = self._post(
            "/my/tickets/new",
            {
                "type_id": self.type_fault.id,
                "category_id": self.category_fault.id,
                "subscription_id": self.alice_sub.id,
                "subject": "No signal at the office",
                "description": "Since this morning <b>nothing</b> works.",
            },
        )
        ticket = Ticket.search([("partner_id", "=", self.alice.partner_id.id)])
        self.assertEqual(len(ticket), 1)
        self.assertTrue(res.headers["Location"].endswith(f"/my/ticket/{ticket.id}"))
        self.assertEqual(ticket.type_id, self.type_fault)
        self.assertEqual(ticket.telecom_kind, "fault")
        self.assertEqual(ticket.category_id, self.category_fault)
        self.assertEqual(ticket.telecom_subscription_id, self.alice_sub)
        self.assertEqual(ticket.telecom_billing_account_id, self.alice_sub.billing_account_id)
        self.assertEqual(ticket.channel_id.telecom_code, "portal")
        self.assertTrue(ticket.team_id, "routed by telecom_helpdesk's rules")
        self.assertIn("&lt;b&gt;nothing&lt;/b&gt;", ticket.description, "plain text, escaped")
        self.assertIn(self.alice.partner_id, ticket.message_partner_ids)
        # follow it: the list shows its category and service, the page too
        res = self.url_open("/my/tickets")
        self.assertIn(ticket.number, res.text)
        self.assertIn("o_telecom_ticket_service", res.text)
        self.assertIn(self.alice_sub.display_name, res.text)
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.type_fault.name, page.text)
        self.assertIn("o_telecom_ticket_service", page.text)
        # reply in its chatter
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "helpdesk.ticket",
                "thread_id": ticket.id,
                "post_data": {"body": "It works again", "message_type": "comment"},
            },
        )
        self.assertIn("It works again", ticket.message_ids.mapped("body")[0])
        # the home page counts it as open
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["telecom_ticket_count"]})
        self.assertEqual(counters["telecom_ticket_count"], 1)

    def test_dispute_an_invoice(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self._post(
            "/my/tickets/new",
            {
                "type_id": self.type_dispute.id,
                "invoice_id": self.alice_invoice.id,
                "subject": "Charged twice",
                "description": "The add-on is on the invoice twice.",
            },
        )
        ticket = self.env["helpdesk.ticket"].search([("partner_id", "=", self.alice.partner_id.id)])
        self.assertTrue(res.headers["Location"].endswith(f"/my/ticket/{ticket.id}"))
        self.assertEqual(ticket.telecom_kind, "dispute")
        self.assertEqual(ticket.telecom_invoice_id, self.alice_invoice)
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertIn("o_telecom_ticket_invoice", page.text)
        self.assertIn(self.alice_invoice.name, page.text)
        self.assertEqual(ticket.telecom_dispute_state, "open")
        self.assertIn("o_telecom_ticket_dispute", page.text)
        # the answer of the back office reaches the customer on the page
        ticket.sudo().telecom_dispute_note = "We checked: the add-on is billed once per line."
        page = self.url_open(f"/my/ticket/{ticket.id}")
        self.assertIn("billed once per line", page.text)
        # another customer cannot open it
        self.authenticate("tp_bob", "tp_bob")
        res = self.url_open(f"/my/ticket/{ticket.id}", allow_redirects=False)
        self.assertIn(res.status_code, (302, 303))

    def test_ticket_isolation(self):
        bob_ticket = (
            self.env["helpdesk.ticket"]
            .sudo()
            ._telecom_portal_create(
                self.bob,
                self.resident,
                self.category_fault,
                "Bob's problem",
                "<p>x</p>",
                subscription=self.bob_sub,
                ticket_type=self.type_fault,
            )
        )
        self.authenticate("tp_alice", "tp_alice")
        self.assertNotIn("Bob&#39;s problem", self.url_open("/my/tickets").text)
        self._redirected_home(self.url_open(f"/my/ticket/{bob_ticket.id}", allow_redirects=False))
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "helpdesk.ticket",
                    "thread_id": bob_ticket.id,
                    "post_data": {"body": "Hi Bob", "message_type": "comment"},
                },
            )
        self.assertNotIn("Hi Bob", "".join(bob_ticket.message_ids.mapped("body")))

    def test_ticket_list_new_button_opens_the_telecom_form(self):
        self.authenticate("tp_alice", "tp_alice")
        res = self.url_open("/my/tickets")
        self.assertIn('action="/my/tickets/new"', res.text)
