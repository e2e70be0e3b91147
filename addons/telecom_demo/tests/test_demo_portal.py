# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestPortalDemo(TransactionCase):
    def _snapshot(self):
        resellers = self.env["res.partner"].search([("ref", "=like", "RESELLER-%")], order="ref")
        registered = self.env["res.partner"].search(
            [("telecom_agent_id", "in", resellers.ids), ("parent_id", "=", False)], order="ref"
        )
        return [(r.ref, r.name) for r in resellers], registered.mapped("ref")

    def test_resellers_and_agents_follow_the_volume(self):
        generator = self.env["telecom.demo.generator"]
        report = generator.generate(customers=30, seed=5)
        self.assertGreater(report["portal_agents"], 2)
        resellers, registered = self._snapshot()
        self.assertEqual(len(resellers), 1)
        self.assertEqual(registered, ["DEMO-00007", "DEMO-00014", "DEMO-00021", "DEMO-00028"])
        agent = self.env["res.users"].search([("login", "=", "agent")])
        self.assertTrue(agent.has_group("telecom_portal.group_telecom_agent"))
        self.assertTrue(agent.share)
        self.assertEqual(agent.commercial_partner_id.ref, "RESELLER-001")
        # the agent reaches its customers' services through the record rules, and no other
        subs = self.env["telecom.subscription"].with_user(agent).search([])
        self.assertTrue(subs)
        self.assertEqual(set(subs.partner_id.mapped("ref")) - set(registered), set())
        # idempotent; more customers, more resellers; the first ones unchanged
        self.assertEqual(generator.generate(customers=30, seed=5)["portal_agents"], 0)
        generator.generate(customers=210, seed=5)
        more_resellers, _registered = self._snapshot()
        self.assertEqual(len(more_resellers), 2)
        self.assertEqual(more_resellers[0], resellers[0])
        self.assertTrue(self.env["res.users"].search([("login", "=", "agent2")]))
