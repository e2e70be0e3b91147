# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Provisioning orders run through the shipped workflow templates against the
network simulator (tools/netsim) on loopback."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import NetsimCase, NetsimProcess, OssCase


@tagged("post_install", "-at_install")
class TestProvisioning(NetsimCase, OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.start_netsim()
        cls.simulator = cls.env.ref("telecom_oss.adapter_simulator")
        # the shipped templates, pointed at this test's simulator; retries without waiting
        cls.simulator.write({"endpoint": cls.netsim.url, "max_attempts": 1})
        cls.env["telecom.provisioning.template.step"].search([]).write({"retry_delay": 0})
        cls.pool = cls.make_number_pool("+32470213570", size=10)
        cls.sims = cls.make_sims(3)
        cls.Order = cls.env["telecom.provisioning.order"]

    def setUp(self):
        super().setUp()
        self.netsim.reset()

    def _order(self, template_xmlid, **values):
        template = self.env.ref(f"telecom_oss.{template_xmlid}")
        values.setdefault("service_id", "S0000001")
        values.setdefault("data_profile", "5G_50GB")
        return self.Order._telecom_create_from_template(
            template, values=values, partner_id=self.customer.id
        )

    def _run(self, order):
        with self.jobs() as trap:
            order.action_start()
            self.run_jobs(trap)
        return order

    def _task(self, order, operation):
        return order.task_ids.filtered(lambda t: t.operation == operation)

    def test_start_only_queues_a_job(self):
        order = self._order("tmpl_mobile_activate")
        with self.jobs() as trap:
            order.action_start()
            trap.assert_jobs_count(1)
            trap.assert_enqueued_job(
                order.sudo()._telecom_job_run, properties={"channel": "root.telecom_oss"}
            )
            self.assertEqual(order.state, "running")
            self.assertEqual(self.netsim.journal(), [], "no network call in the user's transaction")
        with self.assertRaisesRegex(UserError, "already started"):
            order.action_start()

    def test_mobile_activation_end_to_end(self):
        order = self._run(self._order("tmpl_mobile_activate"))
        self.assertEqual(order.state, "done", order.error)
        self.assertEqual(order.task_done_count, 5)
        values = order.values
        number = self.env["telecom.number"].browse(values["number_id"])
        sim = self.env["telecom.sim.card"].browse(values["sim_id"])
        self.assertEqual((number.state, sim.state), ("assigned", "assigned"))
        self.assertEqual(number.partner_id, self.customer)
        self.assertEqual(sim.number_id, number)
        self.assertEqual(number.assignment_ids.state, "assigned")
        network = self.netsim.state()
        subscriber = network["subscribers"][sim.imsi]
        self.assertEqual(subscriber["msisdn"], number.name)
        self.assertEqual(subscriber["iccid"], sim.iccid)
        self.assertEqual(subscriber["data_profile"]["profile"], "5G_50GB")
        self.assertEqual(network["notifications"][0]["to"], self.customer.mobile)
        # every call carried its task's reference as idempotency key
        hlr = self._task(order, "hlr_activate")
        calls = self.netsim.journal("/api/v1/subscribers")
        self.assertEqual(calls[0]["idempotency_key"], hlr.reference)
        self.assertTrue(hlr.external_ref.startswith("HLR-"))

    def test_transient_failures_are_retried(self):
        self.netsim.fail_next("/api/v1/subscribers/", 2, status=503, method="PUT")
        order = self._run(self._order("tmpl_mobile_activate"))
        self.assertEqual(order.state, "done", order.error)
        task = self._task(order, "data_profile")
        self.assertEqual(task.attempt_count, 3)
        self.assertEqual(task.log.count("retry in"), 2)
        calls = self.netsim.journal("/api/v1/subscribers/")
        puts = [c for c in calls if c["method"] == "PUT"]
        self.assertEqual([c["status"] for c in puts], [503, 503, 200])
        self.assertEqual({c["idempotency_key"] for c in puts}, {task.reference})

    def test_retries_inside_one_call(self):
        """The adapter's own attempts absorb short glitches within one task run."""
        self.simulator.write({"max_attempts": 3, "backoff_factor": 0.01})
        try:
            self.netsim.fail_next("/api/v1/subscribers", 2, status=502, method="POST")
            order = self._run(self._order("tmpl_mobile_activate"))
        finally:
            self.simulator.write({"max_attempts": 1, "backoff_factor": 0.0})
        self.assertEqual(order.state, "done", order.error)
        self.assertEqual(self._task(order, "hlr_activate").attempt_count, 1)
        self.assertIn("after 3 call(s)", self._task(order, "hlr_activate").log)

    def test_failure_after_retries_compensates(self):
        self.netsim.fail_next("/api/v1/subscribers/", 50, status=503, method="PUT")
        order = self._run(self._order("tmpl_mobile_activate"))
        self.assertEqual(order.state, "failed")
        self.assertIn("Set the data profile failed", order.error)
        task = self._task(order, "data_profile")
        self.assertEqual((task.state, task.attempt_count), ("failed", 4))  # 1 + 3 retries
        self.assertEqual(self._task(order, "notify_customer").state, "skipped")
        # the HSS entry was removed, number and SIM went back to stock
        self.assertEqual(self.netsim.state()["subscribers"], {})
        deletes = [c for c in self.netsim.journal() if c["method"] == "DELETE"]
        hlr = self._task(order, "hlr_activate")
        self.assertEqual(deletes[0]["idempotency_key"], f"{hlr.reference}/undo")
        self.assertEqual(hlr.compensation_state, "done")
        number = self.env["telecom.number"].browse(order.values["number_id"])
        sim = self.env["telecom.sim.card"].browse(order.values["sim_id"])
        self.assertEqual((number.state, sim.state), ("free", "free"))
        self.assertFalse(number.partner_id)
        self.assertEqual(number.assignment_ids.state, "cancelled")
        self.assertEqual(self.netsim.state()["notifications"], [])

    def test_permanent_error_not_retried(self):
        # another IMSI already holds the number on the network: 409, no retry
        self.netsim.control(
            "POST",
            "/_control/faults",
            {"path": "/api/v1/subscribers", "method": "POST", "status": 409, "count": 1},
        )
        order = self._run(self._order("tmpl_mobile_activate"))
        self.assertEqual(order.state, "failed")
        self.assertEqual(self._task(order, "hlr_activate").attempt_count, 1)
        self.assertEqual(self._task(order, "reserve_number").compensation_state, "done")

    def test_optional_notification_failure_does_not_fail(self):
        self.netsim.fail_next("/api/v1/notifications", 50, status=500)
        order = self._run(self._order("tmpl_mobile_activate"))
        self.assertEqual(order.state, "done")
        self.assertEqual(self._task(order, "notify_customer").state, "failed")

    def _olt_ports(self, count=2):
        return self.env["telecom.network.port"].create(
            [
                {"element_id": self.olt.id, "name": f"1/1/{i}", "port_type": "gpon"}
                for i in range(1, count + 1)
            ]
        )

    def test_ftth_with_manual_installation(self):
        self.env["telecom.ip.pool"].create({"name": "FTTH", "network": "100.70.0.0/24"})
        cpe = self.env["telecom.cpe"].create({"serial": "ONT0001", "cpe_type": "ont"})
        ports = self._olt_ports()
        order = self._order(
            "tmpl_ftth_activate", data_profile="FTTH_1G", access_element_id=self.olt.id
        )
        self._run(order)
        self.assertEqual(order.state, "waiting")
        manual = self._task(order, "manual")
        self.assertEqual(manual.state, "waiting")
        self.assertTrue(order.activity_ids, "the technician got an activity")
        self.assertFalse(self.netsim.journal("/api/v1/access"))
        # the technician is done: the order goes on by itself
        with self.jobs() as trap:
            manual.with_user(self.operator).action_mark_done()
            self.run_jobs(trap)
        self.assertEqual(order.state, "done", order.error)
        self.assertEqual(cpe.state, "assigned")
        self.assertEqual(
            (ports[0].status, ports[0].used_count, ports[0].capacity), ("in_use", 1, 64)
        )
        self.assertEqual(ports[1].status, "free")
        prefix = self.env["telecom.ip.prefix"].browse(order.values["ip_prefix_ids"])
        self.assertEqual(prefix.name, "100.70.0.1/32")
        self.assertEqual(prefix.state, "assigned")
        network = self.netsim.state()
        self.assertEqual(network["access"]["S0000001"]["profile"], "FTTH_1G")
        self.assertEqual(network["access"]["S0000001"]["port"], "1/1/1")
        self.assertEqual(network["access"]["S0000001"]["element"], "t-olt")
        self.assertIn("wan-ip 100.70.0.1/32", network["cpes"]["ONT0001"]["config"])

    def test_manual_failure_and_cancel_compensate(self):
        self.env["telecom.ip.pool"].create({"name": "FTTH", "network": "100.70.1.0/24"})
        cpe = self.env["telecom.cpe"].create({"serial": "ONT0002", "cpe_type": "ont"})
        port = self._olt_ports(1)
        order = self._run(self._order("tmpl_ftth_activate", access_element_id=self.olt.id))
        with self.jobs() as trap:
            self._task(order, "manual").with_user(self.operator).action_mark_failed()
            self.run_jobs(trap)
        self.assertEqual(order.state, "failed")
        self.assertEqual(cpe.state, "free")
        prefix = self.env["telecom.ip.prefix"].browse(order.values["ip_prefix_ids"])
        self.assertEqual(prefix.state, "retired")
        self.assertEqual(port.status, "free")
        # cancel a waiting order: same compensation
        second = self._run(
            self._order("tmpl_ftth_activate", service_id="S0000002", access_element_id=self.olt.id)
        )
        self.assertEqual(second.state, "waiting")
        with self.jobs() as trap:
            second.with_user(self.operator).action_cancel()
            self.run_jobs(trap)
        self.assertEqual(second.state, "failed")
        self.assertEqual(cpe.state, "free")
        self.assertEqual(port.status, "free")
        # no access element chosen: a clear error, nothing held
        third = self._run(self._order("tmpl_ftth_activate", service_id="S0000003"))
        self.assertEqual(third.state, "failed")
        self.assertIn("No access element", third.error)

    def test_external_result_reported_later(self):
        template = self.env.ref("telecom_oss.tmpl_mobile_activate")
        template.step_ids.filtered(lambda s: s.operation == "hlr_activate").wait_callback = True
        order = self._run(self._order("tmpl_mobile_activate"))
        self.assertEqual(order.state, "waiting")
        hlr = self._task(order, "hlr_activate")
        Task = self.env["telecom.provisioning.task"]
        with self.jobs() as trap:
            answer = Task._telecom_report(hlr.reference, "done", "provisioned", {"ref": "EXT-9"})
            self.run_jobs(trap)
        self.assertEqual(answer["duplicate"], False)
        self.assertEqual(order.state, "done")
        self.assertEqual(hlr.external_ref, "EXT-9")
        again = Task._telecom_report(hlr.reference, "done")
        self.assertTrue(again["duplicate"])
        with self.assertRaisesRegex(UserError, "No provisioning task"):
            Task._telecom_report("PRV-nope/1", "done")
        with self.assertRaisesRegex(UserError, "status must be"):
            Task._telecom_report(hlr.reference, "maybe")
        with self.assertRaisesRegex(UserError, "waits for no report"):
            Task._telecom_report(hlr.reference, "failed")

    def test_external_failure_compensates(self):
        template = self.env.ref("telecom_oss.tmpl_mobile_activate")
        template.step_ids.filtered(lambda s: s.operation == "data_profile").wait_callback = True
        order = self._run(self._order("tmpl_mobile_activate"))
        task = self._task(order, "data_profile")
        with self.jobs() as trap:
            self.env["telecom.provisioning.task"]._telecom_report(
                task.reference, "failed", "profile unknown on the PCRF"
            )
            self.run_jobs(trap)
        self.assertEqual(order.state, "failed")
        self.assertIn("profile unknown", order.error)
        self.assertEqual(self.netsim.state()["subscribers"], {})

    def test_suspend_resume_and_terminate_release(self):
        order = self._run(self._order("tmpl_mobile_activate"))
        values = {k: order.values[k] for k in ("number_id", "msisdn", "sim_id", "iccid", "imsi")}
        imsi = values["imsi"]
        suspend = self._run(self._order("tmpl_mobile_suspend", **values))
        self.assertEqual(suspend.state, "done", suspend.error)
        self.assertEqual(self.netsim.state()["subscribers"][imsi]["status"], "barred")
        resume = self._run(self._order("tmpl_mobile_resume", **values))
        self.assertEqual(resume.state, "done")
        self.assertEqual(self.netsim.state()["subscribers"][imsi]["status"], "active")
        terminate = self._run(self._order("tmpl_mobile_terminate", **values))
        self.assertEqual(terminate.state, "done", terminate.error)
        self.assertNotIn(imsi, self.netsim.state()["subscribers"])
        number = self.env["telecom.number"].browse(values["number_id"])
        sim = self.env["telecom.sim.card"].browse(values["sim_id"])
        self.assertEqual((number.state, sim.state), ("quarantine", "retired"))

    def test_no_free_resource_fails_cleanly(self):
        self.sims.write({"state": "blocked"})
        order = self._run(self._order("tmpl_mobile_activate"))
        self.assertEqual(order.state, "failed")
        self.assertIn("No SIM card in stock", order.error)
        number = self.env["telecom.number"].browse(order.values["number_id"])
        self.assertEqual(number.state, "free")
        self.assertEqual(self.netsim.journal(), [])

    def test_template_choice(self):
        Template = self.env["telecom.provisioning.template"]
        self.assertEqual(
            Template._telecom_find("activate", "mobile"),
            self.env.ref("telecom_oss.tmpl_mobile_activate"),
        )
        self.assertFalse(Template._telecom_find("activate", "iptv"))
        plan = self.env["product.template"].create({"name": "Special plan"})
        own = Template.create({"name": "Own", "action": "activate", "product_tmpl_id": plan.id})
        self.assertEqual(Template._telecom_find("activate", "mobile", plan), own)
        generic = Template.create({"name": "Any", "action": "activate", "sequence": 99})
        self.assertEqual(Template._telecom_find("activate", "iptv"), generic)


@tagged("post_install", "-at_install")
class TestRestAdapterTemplates(OssCase):
    """A REST adapter with a token, and steps with their own request templates, for
    an API that is not the reference one (here: the simulator seen through them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.netsim = NetsimProcess(token="s3cret")
        cls.make_number_pool("+32470213590", size=5)
        cls.make_sims(2)

    @classmethod
    def tearDownClass(cls):
        cls.netsim.stop()
        super().tearDownClass()

    def test_custom_requests_authentication_and_custom_undo(self):
        rest = self.make_adapter(
            self.netsim.url, adapter_type="rest", auth_type="bearer", secret="s3cret"
        )
        template = self.env["telecom.provisioning.template"].create(
            {
                "name": "Custom HSS",
                "action": "activate",
                "step_ids": [
                    Command.create({"name": "Number", "operation": "reserve_number"}),
                    Command.create({"name": "SIM", "operation": "allocate_sim"}),
                    Command.create(
                        {
                            "name": "HSS",
                            "operation": "hlr_activate",
                            "adapter_id": rest.id,
                            "http_method": "POST",
                            "path_template": "/api/v1/subscribers",
                            "payload_template": '{"imsi": {{ imsi|tojson }}, '
                            '"msisdn": {{ msisdn|tojson }}, "services": ["voice"]}',
                            "undo_method": "DELETE",
                            "undo_path_template": "/api/v1/subscribers/{{ imsi }}",
                        }
                    ),
                    Command.create(
                        {
                            "name": "Broken",
                            "operation": "data_profile",
                            "adapter_id": rest.id,
                            "http_method": "PUT",
                            "path_template": "/api/v1/nowhere/{{ imsi }}",
                            "max_retries": 0,
                        }
                    ),
                ],
            }
        )
        order = self.env["telecom.provisioning.order"]._telecom_create_from_template(
            template, partner_id=self.customer.id
        )
        with self.jobs() as trap:
            order.action_start()
            self.run_jobs(trap)
        self.assertEqual(order.state, "failed")
        self.assertIn("no such resource", order.error)
        calls = self.netsim.journal("/api/v1/subscribers")
        self.assertEqual(
            [(c["method"], c["status"]) for c in calls], [("POST", 201), ("DELETE", 200)]
        )
        self.assertEqual(calls[0]["body"]["services"], ["voice"])
        self.assertEqual(self.netsim.state()["subscribers"], {})
        # a template that does not render is a clear, permanent error
        step = template.step_ids.filtered(lambda s: s.name == "HSS")
        step.payload_template = "{{ nothing_like_this }}"
        second = self.env["telecom.provisioning.order"]._telecom_create_from_template(
            template, partner_id=self.customer.id
        )
        with self.jobs() as trap:
            second.action_start()
            self.run_jobs(trap)
        self.assertIn("the request template fails", second.error)
        # a wrong token is refused by the API, not retried
        rest.secret = "wrong"
        step.payload_template = '{"imsi": {{ imsi|tojson }}, "msisdn": {{ msisdn|tojson }}}'
        third = self.env["telecom.provisioning.order"]._telecom_create_from_template(
            template, partner_id=self.customer.id
        )
        with self.jobs() as trap:
            third.action_start()
            self.run_jobs(trap)
        self.assertIn("HTTP 401", third.error)
