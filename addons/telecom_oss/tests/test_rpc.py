# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Integrators' side: real XML-RPC and the JSON alarm endpoint over HTTP."""

import json
import xmlrpc.client

import requests

from odoo import tools
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestIntegratorApi(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.source = new_test_user(
            cls.env,
            login="oss_alarm_source",
            password="oss_alarm_source_pw",
            groups="telecom_oss.group_telecom_network_engineer,telecom_oss.group_telecom_provisioning",
        )
        cls.noc = new_test_user(
            cls.env,
            login="oss_rpc_noc",
            password="oss_rpc_noc_pw",
            groups="telecom_oss.group_telecom_noc",
        )
        site = cls.env["telecom.site"].create({"code": "RPC1", "name": "RPC site"})
        cls.element = cls.env["telecom.network.element"].create(
            {"name": "rpc-olt", "element_type": "olt", "site_id": site.id}
        )
        cls.key = (
            cls.env["res.users.apikeys"]
            .with_user(cls.source)
            .sudo()
            ._generate(None, "alarm source", None)
        )

    def _rpc(self, login, password):
        base = f"http://127.0.0.1:{tools.config['http_port']}"
        common = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/common")
        uid = common.authenticate(self.env.cr.dbname, login, password, {})
        models = xmlrpc.client.ServerProxy(f"{base}/xmlrpc/2/object", allow_none=True)

        def call(method, *args):
            # the server works on the same transaction through its own cursor
            self.env.flush_all()
            return models.execute_kw(
                self.env.cr.dbname, uid, password, "telecom.oss.api", method, list(args)
            )

        return call

    def test_alarms_over_xmlrpc(self):
        call = self._rpc("oss_alarm_source", "oss_alarm_source_pw")
        alarm = {
            "element": "rpc-olt",
            "severity": "major",
            "probable_cause": "LOS",
            "time": "2026-01-05T10:00:00Z",
        }
        first = call("report_alarm", alarm)
        self.assertEqual(first["status"], "created")
        # a retry of the same call only counts
        again = call(
            "report_alarms",
            [alarm, alarm, {"element": "ghost", "severity": "major", "probable_cause": "LOS"}],
        )
        self.assertEqual([r["status"] for r in again], ["repeated", "repeated", "error"])
        record = self.env["telecom.alarm"].browse(first["alarm_id"])
        self.assertEqual(record.repeat_count, 3)
        with self.assertRaises(xmlrpc.client.Fault) as err, mute_logger("odoo.http"):
            call("report_alarm", "not an object")
        self.assertIn("object", err.exception.faultString)
        impact = call("impact", "rpc-olt")
        self.assertEqual(impact, {"elements": ["rpc-olt"], "subscriptions": [], "customers": []})
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            call("impact", "no-such-element")
        # read-only NOC users cannot report
        noc_call = self._rpc("oss_rpc_noc", "oss_rpc_noc_pw")
        with self.assertRaises(xmlrpc.client.Fault) as err, mute_logger("odoo.http"):
            noc_call("report_alarm", alarm)
        self.assertIn("not allowed", err.exception.faultString)

    def test_task_result_over_xmlrpc(self):
        env = self.env
        template = env["telecom.provisioning.template"].create(
            {
                "name": "Callback",
                "action": "activate",
                "step_ids": [
                    (0, 0, {"name": "Wait for the workforce tool", "operation": "manual"}),
                ],
            }
        )
        order = env["telecom.provisioning.order"]._telecom_create_from_template(template)
        task = order.task_ids
        task.write({"state": "waiting"})
        order.write({"state": "waiting"})
        call = self._rpc("oss_alarm_source", "oss_alarm_source_pw")
        answer = call("report_task_result", task.reference, "done", "installed", {"ref": "WFM-1"})
        self.assertEqual(answer["task_state"], "done")
        self.assertFalse(answer["duplicate"])
        self.assertTrue(call("report_task_result", task.reference, "done")["duplicate"])
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            call("report_task_result", "nope", "done")
        with self.assertRaises(xmlrpc.client.Fault), mute_logger("odoo.http"):
            call("report_task_result", task.reference, "done", None, ["not", "a", "dict"])
        task.invalidate_recordset()
        self.assertEqual(task.external_ref, "WFM-1")

    def test_json_endpoint_with_api_key(self):
        url = f"http://127.0.0.1:{tools.config['http_port']}/telecom/api/v1/alarms"
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        body = [
            {"element": "rpc-olt", "severity": "critical", "probable_cause": "powerProblem"},
            {"element": "rpc-olt", "severity": "critical", "probable_cause": "powerProblem"},
            {"element": "rpc-olt", "severity": "bogus", "probable_cause": "x"},
        ]
        response = requests.post(url, data=json.dumps(body), headers=headers, timeout=30)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual(answer["counts"], {"created": 1, "repeated": 1, "error": 1})
        # one object, or {"alarms": [...]}
        one = requests.post(url, data=json.dumps(body[0]), headers=headers, timeout=30)
        self.assertEqual(one.json()["counts"], {"repeated": 1})
        wrapped = requests.post(
            url, data=json.dumps({"alarms": body[:1]}), headers=headers, timeout=30
        )
        self.assertEqual(wrapped.json()["counts"], {"repeated": 1})
        alarm = self.env["telecom.alarm"].search([("element_id", "=", self.element.id)])
        self.assertEqual(alarm.repeat_count, 4)
        bad = requests.post(url, data=b"{oops", headers=headers, timeout=30)
        self.assertEqual(bad.status_code, 400)
        self.assertIn("not valid JSON", bad.json()["error"])
        scalar = requests.post(url, data=b"42", headers=headers, timeout=30)
        self.assertEqual(scalar.status_code, 400)
        anonymous = requests.post(
            url, data=json.dumps(body), timeout=30, headers={"Content-Type": "application/json"}
        )
        self.assertEqual(anonymous.status_code, 401)
        wrong = requests.post(
            url, data=json.dumps(body), timeout=30, headers={"Authorization": "Bearer wrong-key"}
        )
        self.assertEqual(wrong.status_code, 401)
