# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .common import HelpdeskCase


@tagged("post_install", "-at_install")
class TestTickets(HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_network()
        cls.team_ghent = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Ghent field (test)",
                "user_ids": [Command.set((cls.agent | cls.agent2).ids)],
                "telecom_balanced_assignment": True,
                "type_ids": [Command.set(cls.type_fault.ids)],
            }
        )
        cls.rule_ghent = cls.env["telecom.helpdesk.assignment.rule"].create(
            {
                "name": "Ghent faults (test)",
                "sequence": 5,
                "type_ids": [Command.set(cls.type_fault.ids)],
                "zip_prefixes": "90, 91",
                "team_id": cls.team_ghent.id,
            }
        )

    def test_channels(self):
        Channel = self.env["helpdesk.ticket.channel"]
        back = self._ticket(user=self.agent)
        self.assertEqual(back.channel_id, Channel._telecom_channel("back_office"))
        portal_user = new_test_user(
            self.env, login="hd_portal", groups="base.group_portal", partner_id=self.resident.id
        )
        defaults = self.env["helpdesk.ticket"].with_user(portal_user).default_get(["channel_id"])
        self.assertEqual(defaults["channel_id"], Channel._telecom_channel("portal").id)
        mailed = self.env["helpdesk.ticket"].message_new(
            {
                "subject": "Help",
                "body": "<p>My line is dead</p>",
                "author_id": self.resident.id,
                "email_from": self.resident.email,
                "to": "help@example.com",
            },
            {"team_id": self.team.id},
        )
        self.assertEqual(mailed.channel_id.telecom_code, "email")
        self.assertEqual(
            {c.telecom_code for c in Channel.search([("telecom_code", "!=", False)])},
            {"back_office", "portal", "email", "phone", "rpc", "alarm", "other"},
        )

    def test_routing_by_category_and_region(self):
        ghent = self.env["res.partner"].create({"name": "Gina Ghent", "zip": "9000"})
        brussels = self.env["res.partner"].create({"name": "Bram Brussels", "zip": "1000"})
        first = self._ticket(partner_id=ghent.id, team_id=False, user_id=False)
        self.assertEqual(first.team_id, self.team_ghent)
        self.assertEqual(first.user_id, self.agent)  # balanced: nobody has tickets yet
        second = self._ticket(partner_id=ghent.id, team_id=False, user_id=False)
        self.assertEqual(second.user_id, self.agent2)  # the least busy one
        # another region, or another category: the catch-all rule
        other = self._ticket(partner_id=brussels.id, team_id=False, user_id=False)
        self.assertEqual(other.team_id, self.team)
        request = self._ticket(
            partner_id=ghent.id, team_id=False, type_id=self.type_request.id, user_id=False
        )
        self.assertEqual(request.team_id, self.team)
        # the problem's place wins over the customer's address: the element's site
        at_site = self._ticket(
            partner_id=brussels.id, team_id=False, telecom_element_id=self.olt.id
        )
        self.assertEqual(at_site.team_id, self.team_ghent)
        # a team given by hand is kept
        kept = self._ticket(partner_id=ghent.id, team_id=self.team_noc.id)
        self.assertEqual(kept.team_id, self.team_noc)
        with self.assertRaises(ValidationError):
            self.rule_ghent.user_id = self.noc_user  # not a member

    def test_links_must_be_the_customers(self):
        other = self._subscription(partner=self.business)
        with self.assertRaises(ValidationError):
            self._ticket(partner_id=self.resident.id, telecom_subscription_id=other.id)
        # the customer follows the subscription when none is given
        ticket = self._ticket(partner_id=False, telecom_subscription_id=other.id)
        self.assertEqual(ticket.partner_id, self.business)
        self.assertEqual(ticket.telecom_billing_account_id, self.business_account)
        with self.assertRaises(ValidationError):
            ticket.telecom_billing_account_id = self.resident_account

    def test_stages_per_team(self):
        noc_stage = self.env["helpdesk.ticket.stage"].create(
            {
                "name": "On site (test)",
                "sequence": 30,
                "telecom_stage_kind": "progress",
                "team_ids": [Command.set(self.team_noc.ids)],
            }
        )
        self.assertIn(noc_stage, self.team_noc._get_applicable_stages())
        self.assertNotIn(noc_stage, self.team._get_applicable_stages())
        self.assertEqual(self.team_noc._telecom_stage("resolved"), self.stage_resolved)
        self.assertEqual(self.team._telecom_stage("waiting"), self.stage_waiting)
        ticket = self._ticket(team_id=self.team_noc.id)
        ticket._telecom_move_to("progress")
        self.assertEqual(ticket.stage_id, self.stage_progress)
