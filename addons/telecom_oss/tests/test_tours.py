# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What network people click, in headless Chromium."""

from datetime import date

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.addons.telecom_crm.tests.common import TelecomFixtures


@tagged("post_install", "-at_install")
class TestOssTours(TelecomFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
        cls.engineer = new_test_user(
            cls.env,
            login="oss_tour_engineer",
            password="oss_tour_engineer_pw",
            groups="telecom_oss.group_telecom_network_engineer",
        )
        cls.operator = new_test_user(
            cls.env,
            login="oss_tour_operator",
            password="oss_tour_operator_pw",
            groups="telecom_oss.group_telecom_provisioning",
        )
        Element = cls.env["telecom.network.element"]
        site = cls.env["telecom.site"].create({"code": "TOUR", "name": "Tour CO"})
        cls.core = Element.create({"name": "tour-core", "element_type": "router"})
        Element.create({"name": "tour-core-2", "element_type": "router"})
        cls.agg = Element.create(
            {"name": "tour-agg", "element_type": "switch", "parent_id": cls.core.id}
        )
        cls.olt = Element.create(
            {
                "name": "tour-olt",
                "element_type": "olt",
                "parent_id": cls.agg.id,
                "site_id": site.id,
            }
        )

    def test_engineer_acknowledges_an_alarm_and_sees_its_impact(self):
        customer = self.env["res.partner"].create(
            {"name": "Tour Fibre Customer", "email": "fibre@example.com"}
        )
        account = self.env["telecom.billing.account"].create({"partner_id": customer.id})
        sub = self._subscription(
            partner=customer, account=account, plan=self.plan_fiber, activate=date(2025, 1, 10)
        )
        sub.telecom_access_element_id = self.olt
        result = self.env["telecom.alarm"]._telecom_receive(
            [{"element": "tour-olt", "severity": "critical", "probable_cause": "lossOfSignal"}]
        )
        alarm = self.env["telecom.alarm"].browse(result[0]["alarm_id"])
        self.start_tour(
            "/odoo/action-telecom_oss.telecom_alarm_action",
            "telecom_oss_alarm_tour",
            login="oss_tour_engineer",
        )
        self.assertEqual(alarm.state, "acknowledged")
        self.assertEqual(alarm.acknowledged_uid, self.engineer)

    def test_operator_confirms_a_manual_task(self):
        template = self.env.ref("telecom_oss.tmpl_ftth_activate")
        order = self.env["telecom.provisioning.order"]._telecom_create_from_template(
            template, values={"access_element_id": self.olt.id}
        )
        manual = order.task_ids.filtered(lambda t: t.operation == "manual")
        manual.state = "waiting"
        order.state = "waiting"
        with trap_jobs() as trap:
            self.start_tour(
                "/odoo/action-telecom_oss.telecom_provisioning_task_action",
                "telecom_oss_manual_task_tour",
                login="oss_tour_operator",
            )
            # the order goes on in a job, not in the operator's request
            self.assertEqual(trap.jobs_count(), 1)
        self.assertEqual(manual.state, "done")
        self.assertEqual(order.state, "running")

    def test_element_hierarchy(self):
        self.start_tour(
            "/odoo/action-telecom_oss.telecom_network_element_action?view_type=hierarchy",
            "telecom_oss_hierarchy_tour",
            login="oss_tour_engineer",
        )
