# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Orders from CRM fulfilled on the network simulator, and impact analysis.

The whole chain: sale order -> subscription -> service order -> provisioning order
-> tasks in queue_job jobs -> HTTP calls to tools/netsim on loopback -> resources
assigned -> service order done -> subscription active (or failed and compensated).
"""

from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.telecom_crm.tests.common import TelecomFixtures

from .common import NetsimCase, OssCase


class FulfilmentCase(NetsimCase, TelecomFixtures, OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
        cls.start_netsim()
        cls.simulator = cls.env.ref("telecom_oss.adapter_simulator")
        cls.simulator.write({"endpoint": cls.netsim.url, "max_attempts": 1})
        cls.env["telecom.provisioning.template.step"].search([]).write({"retry_delay": 0})
        cls.company.telecom_provisioning = True
        cls.plan_s.telecom_network_profile = "4G_5GB"
        cls.plan_m.telecom_network_profile = "4G_20GB"
        cls.plan_fiber.telecom_network_profile = "FTTH_500"
        cls.pool = cls.make_number_pool("+32470213570", size=10)
        cls.pool.element_id = cls.hss
        cls.sims = cls.make_sims(3)
        cls.reason_term = cls.env.ref("telecom_crm.telecom_reason_code_term_customer_request")

    def setUp(self):
        super().setUp()
        self.netsim.reset()

    def run_all(self, trap):
        return self.run_jobs(trap)

    def new_mobile_order(self):
        return (
            self.env["sale.order"]
            .with_user(self.sales)
            .create(
                {
                    "partner_id": self.resident.id,
                    "telecom_order_kind": "new",
                    "telecom_effective_date": fields.Date.today(),
                    "order_line": [Command.create({"product_id": self.plan_s.id})],
                }
            )
        )


@tagged("post_install", "-at_install")
class TestFulfilment(FulfilmentCase):
    def test_crm_order_to_active_subscription_with_failure_retries_and_compensation(self):
        """Done when: an order from CRM drives every provisioning task against the
        simulator, including a failure with retries and compensation, and ends with an
        active subscription holding its resources."""
        order = self.new_mobile_order()
        # the policy server is down for longer than the retries last
        self.netsim.fail_next("/api/v1/subscribers/", 50, status=503, method="PUT")
        with self.jobs() as trap:
            order.with_user(self.sales).action_confirm()
            sub = order.telecom_new_subscription_ids
            service = order.telecom_service_order_ids
            # the sales agent's transaction only queued the work
            self.assertEqual((sub.state, service.state), ("pending", "in_progress"))
            provisioning = service.provisioning_order_ids
            self.assertEqual(provisioning.state, "running")
            self.assertEqual(trap.jobs_count(), 1)
            self.assertEqual(self.netsim.journal(), [])
            self.run_all(trap)
        self.assertEqual(provisioning.state, "failed")
        self.assertEqual(service.state, "failed")
        self.assertIn("Set the data profile failed", service.error)
        self.assertEqual(sub.state, "draft", "CRM puts a failed activation back to draft")
        data_profile = provisioning.task_ids.filtered(lambda t: t.operation == "data_profile")
        self.assertEqual(data_profile.attempt_count, 4)
        # compensation: the HSS entry deleted, number and SIM back in stock
        self.assertEqual(self.netsim.state()["subscribers"], {})
        number = self.env["telecom.number"].browse(provisioning.values["number_id"])
        sim = self.env["telecom.sim.card"].browse(provisioning.values["sim_id"])
        self.assertEqual((number.state, sim.state), ("free", "free"))
        self.assertFalse(number.subscription_id)
        self.assertFalse(sub.telecom_number_id)

        # the policy server comes back, with two last hiccups: the order is retried
        self.netsim.control("DELETE", "/_control/faults")
        self.netsim.fail_next("/api/v1/subscribers/", 2, status=503, method="PUT")
        with self.jobs() as trap:
            service.with_user(self.care).action_retry()
            self.assertEqual(sub.state, "pending")
            self.run_all(trap)
        second = service.provisioning_order_ids - provisioning
        self.assertEqual(second.state, "done", second.error)
        self.assertEqual(service.state, "done")
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.activation_date, fields.Date.today())
        # every task of the workflow ran, the data profile after two retries
        self.assertEqual(
            second.task_ids.mapped("operation"),
            ["reserve_number", "allocate_sim", "hlr_activate", "data_profile", "notify_customer"],
        )
        self.assertEqual(set(second.task_ids.mapped("state")), {"done"})
        self.assertEqual(
            second.task_ids.filtered(lambda t: t.operation == "data_profile").attempt_count, 3
        )
        # the subscription holds its resources, and the network knows them
        number, sim = sub.telecom_number_id, sub.telecom_sim_id
        self.assertEqual((number.state, sim.state), ("assigned", "assigned"))
        self.assertEqual((number.subscription_id, sim.subscription_id), (sub, sub))
        self.assertEqual(sub.phone_number, number.name)
        self.assertEqual((sub.sim_iccid, sub.imsi), (sim.iccid, sim.imsi))
        hlr = self.netsim.state()["subscribers"][sim.imsi]
        self.assertEqual(hlr["msisdn"], number.name)
        self.assertEqual(hlr["data_profile"]["profile"], "4G_5GB")
        self.assertEqual(
            sub.telecom_resource_assignment_ids.filtered(lambda a: a.state == "assigned").mapped(
                "resource_type"
            ),
            ["sim", "number"],
        )
        self.assertEqual(sub.telecom_provisioning_order_count, 2)

    def test_suspend_resume_change_plan_and_terminate_through_the_network(self):
        order = self.new_mobile_order()
        with self.jobs() as trap:
            order.action_confirm()
            self.run_all(trap)
        sub = order.telecom_new_subscription_ids
        self.assertEqual(sub.state, "active")
        imsi, number = sub.imsi, sub.telecom_number_id
        # dunning suspends through the same path
        with self.jobs() as trap:
            sub.with_user(self.billing).action_suspend("non_payment")
            self.assertEqual(sub.state, "active", "nothing changes before the network did it")
            self.run_all(trap)
        self.assertEqual(sub.state, "suspended")
        self.assertEqual(self.netsim.state()["subscribers"][imsi]["status"], "barred")
        with self.jobs() as trap:
            sub.with_user(self.billing).action_resume()
            self.run_all(trap)
        self.assertEqual(sub.state, "active")
        self.assertEqual(self.netsim.state()["subscribers"][imsi]["status"], "active")
        # a plan change sets the new plan's data profile
        with self.jobs() as trap:
            sub.with_user(self.care).action_change_plan(
                self.plan_m, fields.Date.add(fields.Date.today(), days=1)
            )
            self.run_all(trap)
        self.assertEqual(sub.telecom_provisioning_order_ids[0].action, "change_plan")
        self.assertEqual(
            self.netsim.state()["subscribers"][imsi]["data_profile"]["profile"], "4G_20GB"
        )
        # an add-on has no network workflow: done at once
        sub.with_user(self.care).action_add_addon(self.addon_data)
        self.assertIn(self.addon_data, sub.line_ids.product_id)
        # termination at the end of next month: scheduled, the network is not touched
        later = fields.Date.add(fields.Date.today(), days=40)
        with self.jobs() as trap:
            ending = sub.with_user(self.manager).action_terminate(
                later, reason=self.reason_term, waive_etf=True
            )
            self.run_all(trap)
        self.assertEqual((ending.state, ending.scheduled), ("submitted", True))
        self.assertFalse(ending.provisioning_order_ids)
        self.assertEqual(sub.state, "active")
        self.assertIn(imsi, self.netsim.state()["subscribers"])
        # on its date the daily job starts the provisioning: off the network, the
        # number ages, the SIM is retired
        with freeze_time(later), self.jobs() as trap:
            self.env["telecom.service.order"]._cron_release_scheduled()
            self.assertEqual(ending.provisioning_order_ids.action, "terminate")
            self.run_all(trap)
        self.assertEqual(ending.state, "done", ending.error)
        self.assertEqual(sub.state, "terminated")
        self.assertEqual(sub.termination_date, later)
        self.assertNotIn(imsi, self.netsim.state()["subscribers"])
        self.assertEqual(number.state, "quarantine")
        self.assertEqual(sub.telecom_sim_id.state, "retired")
        self.assertFalse(number.subscription_id)
        history = number.assignment_ids
        self.assertEqual(history.mapped("state"), ["released"])
        self.assertEqual(history.subscription_id, sub)

    def test_provisioning_off_is_crm_alone(self):
        self.company.telecom_provisioning = False
        order = self.new_mobile_order()
        order.action_confirm()
        sub = order.telecom_new_subscription_ids
        self.assertEqual(sub.state, "active")
        self.assertFalse(order.telecom_service_order_ids.provisioning_order_ids)
        self.company.telecom_provisioning = True
        # provisioning is the company's setting: a caller's context key (which any RPC
        # caller may send) no longer skips the network
        with self.jobs():
            service = sub.with_context(telecom_no_provisioning=True).action_suspend("fraud")
        self.assertEqual((service.state, sub.state), ("in_progress", "active"))
        self.assertEqual(service.provisioning_order_ids.action, "suspend")

    def test_fibre_with_technician(self):
        self.env["telecom.ip.pool"].create({"name": "Fibre", "network": "100.71.0.0/24"})
        ont = self.env["telecom.cpe"].create({"serial": "ONT9001", "cpe_type": "ont"})
        port = self.env["telecom.network.port"].create(
            {"element_id": self.olt.id, "name": "1/1/1", "port_type": "gpon"}
        )
        sub = self._subscription(plan=self.plan_fiber, activate=None)
        sub.telecom_access_element_id = self.olt
        with self.jobs() as trap:
            sub.with_user(self.sales).action_activate()
            self.run_all(trap)
        provisioning = sub.telecom_provisioning_order_ids
        self.assertEqual(provisioning.state, "waiting")
        with self.jobs() as trap:
            provisioning.task_ids.filtered(lambda t: t.operation == "manual").with_user(
                self.operator
            ).action_mark_done()
            self.run_all(trap)
        self.assertEqual(sub.state, "active", provisioning.error)
        self.assertEqual(sub.telecom_access_port_id, port)
        self.assertEqual(sub.telecom_cpe_id, ont)
        self.assertEqual(sub.telecom_ip_prefix_ids.name, "100.71.0.1/32")
        self.assertEqual(sub.circuit_id, f"t-olt:1/1/1:{sub.name}")
        line = self.netsim.state()["access"][sub.name]
        self.assertEqual(
            (line["element"], line["port"], line["profile"]), ("t-olt", "1/1/1", "FTTH_500")
        )
        self.assertEqual(port.used_count, 1)
        # suspension and termination act on the access line and give the port back
        # both by the manager: a day's date is the acting user's (a user in another
        # time zone may be a day behind the last change, which dates refuse to undo)
        with self.jobs() as trap:
            sub.with_user(self.manager).action_suspend("customer_request")
            self.run_all(trap)
        self.assertEqual(self.netsim.state()["access"][sub.name]["status"], "suspended")
        with self.jobs() as trap:
            sub.with_user(self.manager).action_terminate(reason=self.reason_term, waive_etf=True)
            self.run_all(trap)
        self.assertEqual(sub.state, "terminated")
        self.assertEqual((port.used_count, port.status), (0, "free"))
        self.assertEqual(ont.state, "free")
        self.assertNotIn(sub.name, self.netsim.state()["access"])


@tagged("post_install", "-at_install")
class TestImpact(FulfilmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.telecom_provisioning = False
        Port = cls.env["telecom.network.port"]
        Element = cls.env["telecom.network.element"]
        cls.site_other = cls.env["telecom.site"].create({"code": "TOTH", "name": "Other CO"})
        cls.olt_other = Element.create(
            {
                "name": "t-olt-other",
                "element_type": "olt",
                "site_id": cls.site_other.id,
                "parent_id": cls.core.id,
            }
        )

        def fibre(element, state="active"):
            port = Port.create(
                {
                    "element_id": element.id,
                    "name": f"p{Port.search_count([]) + 1}",
                    "port_type": "dsl",
                }
            )
            sub = cls._subscription(plan=cls.plan_fiber, activate=date(2025, 1, 10))
            sub.write({"telecom_access_element_id": element.id, "telecom_access_port_id": port.id})
            if state == "suspended":
                sub.action_suspend("non_payment", date(2025, 2, 1))
            elif state == "terminated":
                sub.action_terminate(date(2025, 2, 1), reason=cls.reason_term, waive_etf=True)
            return sub

        cls.sub_co = fibre(cls.olt)
        cls.sub_co_suspended = fibre(cls.olt, "suspended")
        cls.sub_co_terminated = fibre(cls.olt, "terminated")
        cls.sub_far = fibre(cls.olt_far)  # stands elsewhere, hangs below the CO's switch
        cls.sub_other = fibre(cls.olt_other)
        # a mobile line served by the HSS through its SIM
        cls.sub_mobile = cls._subscription(plan=cls.plan_s, activate=date(2025, 1, 10))
        sim = cls.sims[0]
        sim._telecom_assign(holder={"subscription_id": cls.sub_mobile.id})
        cls.sub_mobile.telecom_sim_id = sim

    def test_impact_of_a_site_lists_exactly_the_affected_subscriptions(self):
        Sub = self.env["telecom.subscription"]
        self.assertEqual(
            Sub._telecom_impacted_by(sites=self.site_co),
            self.sub_co | self.sub_co_suspended | self.sub_far,
        )
        self.assertEqual(Sub._telecom_impacted_by(sites=self.site_other), self.sub_other)
        # the data centre holds the core router: every live service depends on it
        self.assertEqual(
            Sub._telecom_impacted_by(sites=self.site_dc),
            self.sub_co | self.sub_co_suspended | self.sub_far | self.sub_other | self.sub_mobile,
        )
        self.assertEqual(Sub._telecom_impacted_by(elements=self.hss), self.sub_mobile)
        self.assertEqual(Sub._telecom_impacted_by(elements=self.olt_far), self.sub_far)
        self.assertFalse(Sub._telecom_impacted_by(elements=self.enb))
        # the window action of the site lists the same
        action = self.site_co.action_open_impact()
        self.assertEqual(
            Sub.search(action["domain"]), self.sub_co | self.sub_co_suspended | self.sub_far
        )

    def test_impact_of_alarms_and_alarms_of_a_subscription(self):
        Alarm = self.env["telecom.alarm"]
        result = Alarm._telecom_receive(
            [{"element": "t-agg", "severity": "critical", "probable_cause": "powerProblem"}]
        )
        alarm = Alarm.browse(result[0]["alarm_id"])
        self.assertEqual(
            alarm._telecom_impacted_subscriptions(),
            self.sub_co | self.sub_co_suspended | self.sub_far,
        )
        self.assertEqual(self.sub_far.telecom_open_alarm_count, 1)
        self.assertEqual(self.sub_other.telecom_open_alarm_count, 0)
        site_alarm = Alarm.browse(
            Alarm._telecom_receive(
                [{"site": "TOTH", "severity": "major", "probable_cause": "powerProblem"}]
            )[0]["alarm_id"]
        )
        self.assertEqual(site_alarm._telecom_impacted_subscriptions(), self.sub_other)
        self.sub_other.invalidate_recordset(["telecom_open_alarm_count"])
        self.assertEqual(self.sub_other.telecom_open_alarm_count, 1)

    def test_impact_query_is_one_search(self):
        Sub = self.env["telecom.subscription"]
        _subs, queries = self.count_queries(Sub._telecom_impacted_by, sites=self.site_co)
        self.assertLessEqual(queries, 4)
