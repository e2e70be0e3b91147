# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestOssDemo(TransactionCase):
    def _snapshot(self):
        elements = self.env["telecom.network.element"].search(
            [("name", "=like", "demo-%")], order="name"
        )
        sims = self.env["telecom.sim.card"].search([("batch", "=", "DEMO")], order="iccid")
        return (
            [
                (e.name, e.element_type, e.parent_id.name, e.site_id.code, e.serial)
                for e in elements
            ],
            [(s.iccid, s.imsi, s.sudo().pin1) for s in sims],
        )

    def test_network_and_resources_follow_the_volume(self):
        generator = self.env["telecom.demo.generator"]
        report = generator.generate(customers=80, seed=3)
        self.assertGreater(report["oss_network"], 10)
        self.assertGreater(report["oss_resources"], 300)
        first = self._snapshot()
        Element = self.env["telecom.network.element"]
        olts = Element.search([("name", "=like", "demo-olt-%")])
        self.assertEqual(len(olts), 8)
        self.assertTrue(all(o.parent_id.element_type == "switch" for o in olts))
        radio = Element.search([("role", "=", "radio"), ("name", "=like", "demo-%")])
        self.assertEqual(len(radio), 2)  # one radio site per 40 customers
        self.assertEqual(len(first[1]), 160)  # two SIMs per customer
        pool = self.env["telecom.number.pool"].search([("name", "=", "Demo mobile numbers")])
        self.assertEqual(len(pool.number_ids), 1000)
        self.assertEqual(
            self.env["telecom.cpe"].search_count([("serial", "=like", "DEMOCPE%")]), 80
        )
        # the demo services hold their network side
        subs = self.env["telecom.subscription"].search(
            [("ref", "=like", "DEMO-%"), ("state", "in", ("active", "suspended"))]
        )
        mobile = subs.filtered(lambda s: s.plan_id.telecom_technology == "mobile")
        fibre = subs.filtered(lambda s: s.plan_id.telecom_technology == "ftth")
        self.assertTrue(mobile and fibre)
        self.assertTrue(all(s.telecom_number_id.state == "assigned" for s in mobile))
        self.assertTrue(all(s.telecom_sim_id.subscription_id == s for s in mobile))
        self.assertTrue(
            all(s.telecom_access_port_id.element_id.element_type == "olt" for s in fibre)
        )
        self.assertTrue(all(s.telecom_ip_prefix_ids and s.telecom_cpe_id for s in fibre))
        served = self.env["telecom.subscription"].search(
            [
                ("ref", "=like", "DEMO-%"),
                "|",
                "|",
                ("telecom_number_id", "!=", False),
                ("telecom_sim_id", "!=", False),
                ("telecom_access_element_id", "!=", False),
            ]
        )
        self.assertEqual(report["oss_services"], len(served))
        self.assertGreater(len(served), len(mobile))
        self.assertTrue(self.env.company.telecom_provisioning)
        # an impact analysis on the demo network finds them
        olt = fibre[0].telecom_access_port_id.element_id
        impacted = self.env["telecom.subscription"]._telecom_impacted_by(sites=olt.site_id)
        self.assertIn(fibre[0], impacted)
        # idempotent, and a larger volume only adds
        again = generator.generate(customers=80, seed=3)
        self.assertEqual(
            (again["oss_network"], again["oss_resources"], again["oss_services"]), (0, 0, 0)
        )
        generator.generate(customers=120, seed=3)
        second = self._snapshot()
        self.assertEqual(second[1][:160], first[1])
        self.assertEqual(
            len(Element.search([("role", "=", "radio"), ("name", "=like", "demo-%")])), 3
        )

    def test_bulk_tree_for_the_benchmark(self):
        generator = self.env["telecom.demo.generator"]
        made = generator._demo_oss_bulk_elements(count=300, seed=1)
        self.assertEqual(made, 300)
        Element = self.env["telecom.network.element"]
        roots = Element.search([("name", "=like", "bench-%"), ("parent_id", "=", False)])
        self.assertEqual(len(roots), 4)
        below = Element.search([("id", "child_of", roots.ids)])
        self.assertEqual(len(below), 300)
        self.assertEqual(generator._demo_oss_bulk_elements(count=300, seed=1), 0)
