# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTelecomSupportTeam(TransactionCase):
    def test_agent_opens_ticket_in_telecom_team(self):
        agent = new_test_user(
            self.env,
            login="th_agent",
            groups="telecom_crm.group_telecom_user,helpdesk_mgmt.group_helpdesk_user",
        )
        team = self.env.ref("telecom_helpdesk.helpdesk_ticket_team_telecom_support")
        customer = self.env["res.partner"].create({"name": "Line Down Ltd"})
        ticket = (
            self.env["helpdesk.ticket"]
            .with_user(agent)
            .create(
                {
                    "name": "No dial tone",
                    "description": "<p>Line dead since this morning</p>",
                    "team_id": team.id,
                    "partner_id": customer.id,
                }
            )
        )
        self.assertEqual(ticket.team_id, team)
        self.assertTrue(ticket.number)
        menu = self.env.ref("telecom_helpdesk.helpdesk_ticket_menu_telecom")
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(agent)._visible_menu_ids())
