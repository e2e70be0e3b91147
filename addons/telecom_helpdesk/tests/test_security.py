# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import HelpdeskCase


@tagged("post_install", "-at_install")
class TestHelpdeskSecurity(HelpdeskCase):
    def test_helpdesk_groups_on_the_telecom_ladder(self):
        expectations = {
            "telecom_crm.group_telecom_user": "helpdesk_mgmt.group_helpdesk_user_own",
            "telecom_crm.group_telecom_care": "helpdesk_mgmt.group_helpdesk_user",
            "telecom_crm.group_telecom_billing": "helpdesk_mgmt.group_helpdesk_user",
            "telecom_oss.group_telecom_noc": "helpdesk_mgmt.group_helpdesk_user",
            "telecom_crm.group_telecom_manager": "helpdesk_mgmt.group_helpdesk_manager",
        }
        for telecom, helpdesk in expectations.items():
            user = new_test_user(self.env, login=f"ladder_{telecom}", groups=telecom)
            self.assertTrue(user.has_group(helpdesk), f"{telecom} should imply {helpdesk}")
        plain = new_test_user(
            self.env, login="ladder_plain", groups="telecom_crm.group_telecom_user"
        )
        self.assertFalse(plain.has_group("helpdesk_mgmt.group_helpdesk_user"))
        self.assertFalse(self.agent.has_group("helpdesk_mgmt.group_helpdesk_manager"))

    def test_care_agent_works_tickets_plain_user_only_their_own(self):
        plain = new_test_user(self.env, login="hd_plain", groups="telecom_crm.group_telecom_user")
        theirs = self._ticket(user=plain, user_id=plain.id)
        others = self._ticket(user_id=self.agent.id)
        Ticket = self.env["helpdesk.ticket"]
        visible = Ticket.with_user(plain).search([("id", "in", (theirs | others).ids)])
        self.assertEqual(visible, theirs)
        visible = Ticket.with_user(self.agent2).search([("id", "in", (theirs | others).ids)])
        self.assertEqual(visible, theirs | others)
        # helpdesk configuration is for managers
        with self.assertRaises(AccessError):
            self.env["helpdesk.sla"].with_user(self.agent).create({"name": "mine"})
        with self.assertRaises(AccessError):
            self.env["telecom.helpdesk.assignment.rule"].with_user(self.agent).create(
                {"name": "mine", "team_id": self.team.id}
            )
        self.env["telecom.helpdesk.assignment.rule"].with_user(self.manager).create(
            {"name": "managed", "team_id": self.team.id}
        )

    def test_portal_customers_see_their_own_tickets_only(self):
        ada = new_test_user(
            self.env, login="hd_portal_ada", groups="base.group_portal", partner_id=self.resident.id
        )
        mine = self._ticket(partner_id=self.resident.id)
        other = self._ticket(partner_id=self.business.id)
        Ticket = self.env["helpdesk.ticket"].with_user(ada)
        self.assertEqual(Ticket.search([("id", "in", (mine | other).ids)]), mine)
        with self.assertRaises(AccessError):
            other.with_user(ada).read(["name"])
        mine.with_user(ada).read(["name", "telecom_sla_status", "telecom_dispute_state"])
        # outage credits and disputed items of others stay hidden
        master = self._ticket(partner_id=False, name="Outage")
        master.telecom_is_outage = True
        Credit = self.env["telecom.sla.credit"]
        sub_ada = self._subscription()
        sub_bolt = self._subscription(partner=self.business)
        credits = Credit.create(
            [
                {"ticket_id": master.id, "subscription_id": sub_ada.id},
                {"ticket_id": master.id, "subscription_id": sub_bolt.id},
            ]
        )
        self.assertEqual(
            Credit.with_user(ada).search([("id", "in", credits.ids)]).subscription_id, sub_ada
        )
        with self.assertRaises(AccessError):
            master.with_user(ada).read(["name"])

    def test_multi_company(self):
        other_company = self.env["res.company"].create({"name": "Other Telco"})
        agent_other = new_test_user(
            self.env,
            login="hd_agent_other",
            groups="telecom_crm.group_telecom_care",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        ticket = self._ticket()
        self.assertFalse(
            self.env["helpdesk.ticket"].with_user(agent_other).search([("id", "=", ticket.id)])
        )
        master = self._ticket(partner_id=False, name="Outage")
        line = self.env["telecom.sla.credit"].create(
            {"ticket_id": master.id, "subscription_id": self._subscription().id}
        )
        self.assertFalse(
            self.env["telecom.sla.credit"].with_user(agent_other).search([("id", "=", line.id)])
        )
        report = self.env["telecom.helpdesk.report"].with_user(agent_other)
        self.assertFalse(report.search([("ticket_id", "=", ticket.id)]))
        self.assertTrue(
            self.env["telecom.helpdesk.report"]
            .with_user(self.agent)
            .search([("ticket_id", "=", ticket.id)])
        )

    def test_non_telecom_helpdesk_user_still_opens_tickets(self):
        """The ticket form stays usable for a helpdesk user outside the telecom ladder."""
        outsider = new_test_user(
            self.env, login="hd_outsider", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        ticket = self._ticket(user=outsider)
        views = ticket.with_user(outsider).get_views([(False, "form"), (False, "list")])
        arch = views["views"]["form"]["arch"]
        self.assertNotIn("telecom_subscription_id", arch)
        fields = [f for f in views["models"]["helpdesk.ticket"]["fields"]]
        ticket.with_user(outsider).read(fields)
