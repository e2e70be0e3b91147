# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import OssCase

OSS_MODELS = [
    "telecom.network.vendor",
    "telecom.site",
    "telecom.network.element",
    "telecom.network.port",
    "telecom.network.link",
    "telecom.resource.assignment",
    "telecom.number.pool",
    "telecom.number",
    "telecom.sim.card",
    "telecom.ip.pool",
    "telecom.ip.prefix",
    "telecom.cpe",
    "telecom.network.adapter",
    "telecom.provisioning.template",
    "telecom.provisioning.template.step",
    "telecom.provisioning.order",
    "telecom.provisioning.task",
    "telecom.alarm",
    "telecom.alarm.report",
    "telecom.config.template",
    "telecom.config.version",
]


@tagged("post_install", "-at_install")
class TestOssSecurity(OssCase):
    def test_group_ladder(self):
        manager = new_test_user(
            self.env, login="oss_mgr", groups="telecom_crm.group_telecom_manager"
        )
        for group in (
            "telecom_oss.group_telecom_noc",
            "telecom_oss.group_telecom_provisioning",
            "telecom_oss.group_telecom_network_engineer",
            "telecom_oss.group_telecom_sim_secrets",
            "telecom_crm.group_telecom_user",
        ):
            self.assertTrue(manager.has_group(group), group)
        self.assertTrue(self.engineer.has_group("telecom_oss.group_telecom_noc"))
        self.assertFalse(self.engineer.has_group("telecom_oss.group_telecom_sim_secrets"))
        self.assertFalse(self.operator.has_group("telecom_oss.group_telecom_network_engineer"))
        category = self.env.ref("telecom_crm.module_category_telecom")
        self.assertEqual(self.env.ref("telecom_oss.group_telecom_noc").category_id, category)

    def test_every_model_has_a_company_rule(self):
        Rule = self.env["ir.rule"]
        for model in OSS_MODELS:
            rules = Rule.search([("model_id.model", "=", model), ("global", "=", True)])
            self.assertTrue(
                any("company_ids" in (rule.domain_force or "") for rule in rules), model
            )

    def test_noc_reads_everything_writes_nothing(self):
        for model in OSS_MODELS:
            Model = self.env[model].with_user(self.noc)
            self.assertTrue(Model.has_access("read"), model)
            if model != "telecom.alarm.report":
                self.assertFalse(Model.has_access("write"), model)
                self.assertFalse(Model.has_access("create"), model)

    def test_operator_and_engineer_rights(self):
        Operator = self.env["telecom.provisioning.order"].with_user(self.operator)
        self.assertTrue(Operator.has_access("create"))
        self.assertTrue(self.env["telecom.number"].with_user(self.operator).has_access("write"))
        self.assertFalse(
            self.env["telecom.network.element"].with_user(self.operator).has_access("write")
        )
        self.assertFalse(
            self.env["telecom.provisioning.order"].with_user(self.engineer).has_access("create")
        )
        self.assertTrue(
            self.env["telecom.config.template"].with_user(self.engineer).has_access("unlink")
        )
        # adapter credentials are for engineers only
        adapter = self.env.ref("telecom_oss.adapter_simulator")
        with self.assertRaises(AccessError):
            adapter.with_user(self.operator).read(["secret"])
        adapter.with_user(self.engineer).read(["secret"])

    def test_multi_company_isolation(self):
        other = self.env["res.company"].create({"name": "Other Operator"})
        site = self.env["telecom.site"].create(
            {"code": "OTH", "name": "Other site", "company_id": other.id}
        )
        element = self.env["telecom.network.element"].create(
            {"name": "oth-olt", "element_type": "olt", "site_id": site.id, "company_id": other.id}
        )
        pool = self.env["telecom.ip.pool"].create(
            {"name": "Other pool", "network": "100.64.8.0/24", "company_id": other.id}
        )
        result = self.env["telecom.alarm"]._telecom_receive(
            [{"element": element.id, "severity": "major", "probable_cause": "LOS"}]
        )
        alarm = self.env["telecom.alarm"].browse(result[0]["alarm_id"])
        self.assertEqual(alarm.company_id, other)
        user = self.noc  # works in the main company only
        for record in (site, element, pool, alarm):
            self.assertFalse(record.with_user(user).search([("id", "=", record.id)]), record)
        # the same network may exist in both companies
        mine = self.env["telecom.ip.pool"].create({"name": "Mine", "network": "100.64.8.0/24"})
        self.assertTrue(mine.with_user(user).search([("id", "=", mine.id)]))
        # shared reference data (no company) is visible to all
        self.assertTrue(
            self.env.ref("telecom_oss.adapter_simulator").with_user(user).read(["name"])
        )
