# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What care agents click, in headless Chromium."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import HelpdeskFixtures


@tagged("post_install", "-at_install")
class TestHelpdeskTours(HelpdeskFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_helpdesk()
        cls.tour_agent = new_test_user(
            cls.env,
            login="hd_tour_agent",
            password="hd_tour_agent_pw",
            groups="telecom_crm.group_telecom_care",
        )
        cls.team.user_ids = [Command.link(cls.tour_agent.id)]
        cls._sla(
            "Response 4h (tour)",
            "response",
            hours=4,
            telecom_type_ids=[Command.set(cls.type_fault.ids)],
        )

    def test_agent_rejects_a_dispute(self):
        move = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.resident.id,
                "invoice_line_ids": [
                    Command.create({"name": "Roaming", "price_unit": 25.0, "tax_ids": []})
                ],
            }
        )
        move.action_post()
        ticket = self._ticket(
            name="Tour roaming dispute",
            type_id=self.type_dispute.id,
            telecom_invoice_id=move.id,
        )
        self.env["telecom.dispute.line"].create(
            {"ticket_id": ticket.id, "invoice_line_id": move.invoice_line_ids.id}
        )
        self.start_tour(
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
            "telecom_helpdesk_dispute_tour",
            login="hd_tour_agent",
        )
        self.assertEqual(ticket.telecom_dispute_state, "rejected")
        self.assertEqual(ticket.telecom_dispute_note, "The roaming sessions are in the records.")
        self.assertFalse(self.resident_account._telecom_open_dispute_accounts())

    def test_agent_opens_a_fault_ticket_for_a_line(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Customer", "email": "t@example.com"}
        )
        account = self.env["telecom.billing.account"].create({"partner_id": customer.id})
        sub = self._subscription(partner=customer, account=account, ref="TOURLINE")
        self.start_tour(
            "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action",
            "telecom_helpdesk_new_ticket_tour",
            login="hd_tour_agent",
        )
        ticket = self.env["helpdesk.ticket"].search([("name", "=", "Tour line dead")])
        self.assertEqual(ticket.telecom_subscription_id, sub)
        self.assertEqual(ticket.partner_id, customer)
        self.assertEqual(ticket.telecom_kind, "fault")
        self.assertEqual(ticket.channel_id.telecom_code, "back_office")
        self.assertEqual(ticket.telecom_sla_status, "on_track")
