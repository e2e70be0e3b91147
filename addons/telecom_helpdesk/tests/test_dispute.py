# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import HelpdeskCase


@tagged("post_install", "-at_install")
class TestDispute(HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscription()
        cls.invoice = cls._invoice(cls.resident, [("Mobile S, January", 10.0), ("Roaming", 25.0)])
        cls.other_invoice = cls._invoice(cls.business, [("Fibre", 40.0)])

    @classmethod
    def _invoice(cls, partner, lines):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": name, "quantity": 1, "price_unit": amount, "tax_ids": []}
                    )
                    for name, amount in lines
                ],
            }
        )
        move.action_post()
        return move

    def _dispute(self, user=None, lines=True):
        ticket = self._ticket(
            user=user or self.agent,
            name="Roaming I never used",
            type_id=self.type_dispute.id,
            telecom_subscription_id=self.sub.id,
            telecom_invoice_id=self.invoice.id,
        )
        if lines:
            roaming = self.invoice.invoice_line_ids.filtered(lambda line: line.name == "Roaming")
            self.env["telecom.dispute.line"].with_user(user or self.agent).create(
                {"ticket_id": ticket.id, "invoice_line_id": roaming.id, "credit_amount": 25.0}
            )
        return ticket

    def test_dispute_lines_and_their_checks(self):
        ticket = self._dispute()
        self.assertEqual(ticket.telecom_dispute_state, "open")
        self.assertEqual(ticket.telecom_billing_account_id, self.resident_account)
        line = ticket.telecom_dispute_line_ids
        self.assertEqual(line.disputed_amount, 25.0)
        self.assertIn(self.invoice.name, line.description)
        self.assertEqual(ticket.telecom_disputed_amount, 25.0)
        self.assertEqual(ticket.telecom_dispute_credit_amount, 25.0)
        with self.assertRaises(ValidationError):
            line.credit_amount = 30.0  # more than disputed
        with self.assertRaises(ValidationError):
            line.credit_amount = -1.0
        # another customer's invoice line, or one already disputed, is refused
        with self.assertRaises(ValidationError):
            self.env["telecom.dispute.line"].create(
                {
                    "ticket_id": ticket.id,
                    "invoice_line_id": self.other_invoice.invoice_line_ids.id,
                }
            )
        again = self._dispute(lines=False)
        with self.assertRaises(ValidationError):
            self.env["telecom.dispute.line"].create(
                {"ticket_id": again.id, "invoice_line_id": line.invoice_line_id.id}
            )
        # a free adjustment line
        free = self.env["telecom.dispute.line"].create(
            {
                "ticket_id": again.id,
                "description": "Goodwill for the wait",
                "disputed_amount": 5.0,
                "credit_amount": 5.0,
            }
        )
        self.assertEqual(free.description, "Goodwill for the wait")
        # other kinds have no dispute
        self.assertFalse(self._ticket().telecom_dispute_state)

    def test_dispute_rejected_and_dunning_exclusion_ends(self):
        ticket = self._dispute()
        Account = self.env["telecom.billing.account"]
        accounts = self.resident_account | self.business_account
        self.assertEqual(accounts._telecom_open_dispute_accounts(), self.resident_account)
        self.assertEqual(self.resident_account.telecom_open_dispute_count, 1)
        # closing it without an answer is refused; rejecting it is the answer
        with self.assertRaises(UserError):
            ticket.with_user(self.agent).stage_id = self.stage_resolved
        wizard = Form(
            self.env["telecom.dispute.resolve.wizard"]
            .with_user(self.agent)
            .with_context(default_ticket_id=ticket.id)
        )
        wizard.outcome = "reject"
        wizard.note = "The roaming sessions are in the records."
        wizard.save().action_confirm()
        self.assertEqual(ticket.telecom_dispute_state, "rejected")
        self.assertEqual(ticket.stage_id, self.stage_rejected)
        self.assertFalse(accounts._telecom_open_dispute_accounts())
        told = ticket.message_ids.filtered(
            lambda m: m.message_type == "comment" and "could not accept" in (m.body or "")
        )
        self.assertEqual(told.partner_ids, self.resident)
        # reopened: open again, excluded again; cancelled: not
        ticket.stage_id = self.stage_progress
        self.assertEqual(ticket.telecom_dispute_state, "open")
        self.assertEqual(
            Account.browse(self.resident_account.id)._telecom_open_dispute_accounts(),
            self.resident_account,
        )
        ticket.stage_id = self.stage_cancelled
        self.assertEqual(ticket.telecom_dispute_state, "cancelled")
        self.assertFalse(self.resident_account._telecom_open_dispute_accounts())
        with self.assertRaises(UserError):
            ticket._telecom_dispute_reject("again")

    def test_agent_asks_billing_for_the_credit(self):
        ticket = self._dispute()
        ticket.team_id = self.team
        empty = self._dispute(lines=False)
        with self.assertRaises(UserError):
            empty.with_user(self.agent)._telecom_dispute_credit("Nothing to credit")
        ticket.with_user(self.agent)._telecom_dispute_credit("You were right.")
        self.assertEqual(ticket.telecom_dispute_state, "credit_requested")
        self.assertEqual(ticket.telecom_dispute_note, "You were right.")
        # still out of dunning until billing issues the credit note
        self.assertEqual(
            self.resident_account._telecom_open_dispute_accounts(), self.resident_account
        )
        self.assertTrue(ticket.activity_ids.filtered(lambda a: a.user_id == self.team_lead))
        with self.assertRaises(AccessError):
            ticket.with_user(self.agent).action_telecom_dispute_approve_credit()
        with self.assertRaises(UserError):
            ticket.with_user(self.agent).stage_id = self.stage_resolved
