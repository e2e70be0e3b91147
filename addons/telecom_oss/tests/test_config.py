# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.queue_job.exception import RetryableJobError

from .common import NetsimCase, OssCase


@tagged("post_install", "-at_install")
class TestNetworkConfiguration(NetsimCase, OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_netsim()
        cls.adapter = cls.make_adapter(cls.netsim.url)
        cls.juniper = cls.env.ref("telecom_oss.vendor_juniper")
        Port = cls.env["telecom.network.port"]
        cls.core.write(
            {
                "vendor_id": cls.juniper.id,
                "management_ip": "10.0.0.1",
                "adapter_id": cls.adapter.id,
            }
        )
        p1 = Port.create({"element_id": cls.core.id, "name": "xe-0/0/0", "port_type": "sfp"})
        Port.create({"element_id": cls.core.id, "name": "xe-0/0/1", "port_type": "sfp"})
        up = Port.create({"element_id": cls.agg.id, "name": "te0/0/0", "port_type": "sfp"})
        cls.env["telecom.network.link"].create({"port_a_id": p1.id, "port_b_id": up.id})

    def setUp(self):
        super().setUp()
        self.netsim.reset()

    def test_template_chosen_by_type_and_vendor(self):
        self.assertEqual(
            self.core.config_template_id, self.env.ref("telecom_oss.config_template_router_juniper")
        )
        self.core.vendor_id = self.env.ref("telecom_oss.vendor_nokia")
        self.assertEqual(
            self.core.config_template_id, self.env.ref("telecom_oss.config_template_router_generic")
        )
        self.assertFalse(self.hss.config_template_id)
        with self.assertRaisesRegex(UserError, "no configuration template"):
            self.hss.action_render_intended()

    def test_render_from_inventory(self):
        self.core.action_render_intended()
        text = self.core.intended_config
        self.assertIn("host-name t-core;", text)
        self.assertIn('location "TDC ";', text)
        self.assertIn("address 10.0.0.1/32", text)
        self.assertIn('description "t-agg:te0/0/0";', text)
        self.assertIn('description "unused";', text)
        versions = self.core.config_version_ids
        self.assertEqual(versions.mapped("kind"), ["intended"])
        # rendering again without inventory change adds no version
        self.core.action_render_intended()
        self.assertEqual(len(self.core.config_version_ids), 1)
        self.core.management_ip = "10.0.0.2"
        self.core.action_render_intended()
        self.assertEqual(len(self.core.config_version_ids), 2)
        self.assertEqual(self.core.config_version_ids.sorted("version")[-1].version, 2)

    def test_sandbox_refuses_python_internals(self):
        template = self.env["telecom.config.template"].create(
            {
                "name": "evil",
                "element_type": "hss",
                "body": "{{ element.__class__.__mro__[1].__subclasses__() }}",
            }
        )
        with self.assertRaisesRegex(UserError, "cannot render"):
            template._telecom_render(self.hss)
        template.body = "{{ element.nonexistent }}"
        with self.assertRaisesRegex(UserError, "cannot render"):
            template._telecom_render(self.hss)
        with self.assertRaisesRegex(UserError, "does not parse"):
            template.body = "{% for x in %}"
        template.body = "{{ element.name | upper }} {{ ports | length }}"
        self.assertEqual(template._telecom_render(self.hss), "T-HSS 0")

    def test_backup_compliance_drift_diff_and_rollback(self):
        core = self.core
        core.action_render_intended()
        with self.jobs() as trap:
            core.action_push_intended()
            trap.assert_jobs_count(1)
            self.assertEqual(self.netsim.journal(), [])
            self.run_jobs(trap)
        self.assertEqual(self.netsim.state()["elements"]["t-core"]["config"], core.intended_config)
        self.assertEqual(core.config_state, "compliant")
        first_backup = core.running_version_id
        self.assertEqual(first_backup.kind, "backup")
        # someone changes the element by hand: the next backup shows drift
        self.netsim.control(
            "PUT", "/_control/elements/t-core/config", {"config": core.intended_config + "set x\n"}
        )
        with self.jobs() as trap:
            core.action_backup()
            self.run_jobs(trap)
        self.assertEqual(core.config_state, "drift")
        drifted = core.running_version_id
        self.assertNotEqual(drifted, first_backup)
        # a backup identical to the last adds no version
        with self.jobs() as trap:
            core.action_backup()
            self.run_jobs(trap)
        self.assertEqual(core.running_version_id, drifted)
        # diff between any two versions
        wizard = self.env["telecom.config.diff"].create(
            {"version_a_id": first_backup.id, "version_b_id": drifted.id}
        )
        self.assertEqual(wizard.changed_lines, 1)
        self.assertIn("+set x", wizard.diff)
        self.assertIn("text-success", wizard.diff)
        same = self.env["telecom.config.diff"].create(
            {"version_a_id": first_backup.id, "version_b_id": first_backup.id}
        )
        self.assertIn("No difference", same.diff)
        action = drifted.action_compare()
        self.assertEqual(action["res_model"], "telecom.config.diff")
        # roll back to the first backup: compliant again
        with self.jobs() as trap:
            first_backup.action_rollback()
            self.run_jobs(trap)
        self.assertEqual(core.config_state, "compliant")
        self.assertNotIn("set x", self.netsim.state()["elements"]["t-core"]["config"])

    def test_unreachable_element_retried_by_queue_job(self):
        self.netsim.fail_next("/api/v1/elements", 1, status=503)
        with self.assertRaises(RetryableJobError):
            self.core._telecom_job_backup()
        self.netsim.fail_next("/api/v1/elements", 1, status=400)
        with self.assertRaisesRegex(UserError, "t-core"):
            self.core._telecom_job_backup()
        self.agg.adapter_id = False
        with self.assertRaisesRegex(UserError, "no adapter"):
            self.agg.action_backup()

    def test_nightly_backups_queued(self):
        with self.jobs() as trap:
            count = self.env["telecom.network.element"]._cron_backup_configurations()
            self.assertEqual(count, 1)
            trap.assert_jobs_count(1)
