# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Hostile input on the network side: adapter endpoints, numbers outside our pools,
another company's SIM cards and provisioning tasks."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import config

from odoo.addons.telecom_crm.tests.common import TelecomFixtures

from ..netclient.rest_client import AdapterError
from .common import OssCase


@tagged("post_install", "-at_install")
class TestAdapterEndpoints(OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env, login="oss_hi_mgr", groups="telecom_crm.group_telecom_manager"
        )
        cls.Adapter = cls.env["telecom.network.adapter"]

    def _new(self, user, endpoint, **vals):
        return self.Adapter.with_user(user).create(
            {"name": "HSS north", "adapter_type": "rest", "endpoint": endpoint, **vals}
        )

    def test_what_an_engineer_may_reach(self):
        engineer = self.engineer
        adapter = self._new(engineer, "https://hss.example.net:8443")
        self._new(engineer, "https://10.20.0.5")  # management networks are fine
        self._new(engineer, "http://127.0.0.1:8765", adapter_type="simulator")
        refused = {
            "http://10.20.0.5": "Allow plain HTTP",
            "http://hss.example.net": "Allow plain HTTP",
            "https://169.254.169.254/latest/meta-data": "not a network element",
            "https://[fe80::1]/": "not a network element",
            "https://0.0.0.0/": "not a network element",
            "https://224.0.0.1/": "not a network element",
            "https://admin:pw@hss.example.net": "no credentials in the endpoint",
            f"http://127.0.0.1:{config['http_port'] or 8069}": "Odoo's or its database's",
            f"http://localhost:{config['db_port'] or 5432}": "Odoo's or its database's",
            "ftp://hss.example.net": r"http\(s\) endpoint",
            "https://hss.example.net:99999": r"http\(s\) endpoint",
        }
        for endpoint, message in refused.items():
            with self.subTest(endpoint=endpoint), self.assertRaisesRegex(ValidationError, message):
                self._new(engineer, endpoint)
        with self.assertRaisesRegex(ValidationError, "Allow unverified TLS"):
            adapter.with_user(engineer).verify_tls = False
        # the permissions are a manager's: engineers neither give nor read them
        for field in ("allow_http", "allow_unverified_tls"):
            with self.subTest(field=field), self.assertRaises(AccessError):
                adapter.with_user(engineer).write({field: True})
        self.assertNotIn("allow_http", adapter.with_user(engineer).fields_get())

    def test_a_manager_allows_per_adapter_and_a_move_withdraws_it(self):
        adapter = self._new(self.engineer, "https://hss.example.net")
        adapter.with_user(self.manager).write({"allow_http": True, "allow_unverified_tls": True})
        adapter.with_user(self.engineer).write({"verify_tls": False})
        adapter.with_user(self.manager).endpoint = "http://10.20.0.5"
        self.assertTrue(adapter.sudo().allow_http)
        # never reachable, even allowed
        with self.assertRaisesRegex(ValidationError, "not a network element"):
            adapter.with_user(self.manager).endpoint = "http://169.254.169.254"
        # an engineer moving the adapter withdraws what the manager allowed
        with self.assertRaisesRegex(ValidationError, "Allow plain HTTP"):
            adapter.with_user(self.engineer).endpoint = "http://10.20.0.6"
        adapter.with_user(self.engineer).write(
            {"endpoint": "https://hss2.example.net", "verify_tls": True}
        )
        self.assertFalse(adapter.sudo().allow_http)
        self.assertFalse(adapter.sudo().allow_unverified_tls)

    def test_checked_again_when_calling(self):
        adapter = self._new(self.engineer, "https://hss.example.net")
        # written behind the constraints' back (an import, SQL): the call refuses
        self.env.cr.execute(
            "UPDATE telecom_network_adapter SET endpoint = %s WHERE id = %s",
            ["http://169.254.169.254", adapter.id],
        )
        adapter.invalidate_recordset()
        with self.assertRaisesRegex(AdapterError, "not a network element"):
            adapter._telecom_client()
        with self.assertRaisesRegex(UserError, "does not answer"):
            adapter.action_test_connection()


@tagged("post_install", "-at_install")
class TestNumbersAndCompanies(TelecomFixtures, OssCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_telecom()
        cls.pool = cls.make_number_pool("+32470213700", size=5)
        cls.other_company = cls.env["res.company"].create({"name": "Other Operator"})

    def _order(self, number, port_in=False, user=None):
        return (
            self.env["sale.order"]
            .with_user(user or self.sales)
            .create(
                {
                    "partner_id": self.resident.id,
                    "telecom_order_kind": "new",
                    "telecom_effective_date": fields.Date.context_today(self.sales),
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.plan_s.id,
                                "telecom_phone_number": number,
                                "telecom_port_in": port_in,
                            }
                        )
                    ],
                }
            )
        )

    def _activation(self, sub):
        """A draft mobile activation order of ``sub`` (its tasks are run one by one)."""
        return self.env["telecom.provisioning.order"]._telecom_create_from_template(
            self.env.ref("telecom_oss.tmpl_mobile_activate"),
            subscription_id=sub.id,
            partner_id=sub.partner_id.id,
        )

    def test_numbers_outside_our_pools_need_a_port_in(self):
        Sub = self.env["telecom.subscription"]
        with self.assertRaisesRegex(UserError, "not one of our numbers"):
            self._order("+32499999999").action_confirm()
        self.assertFalse(Sub.search([("phone_number", "=", "+32499999999")]))
        # the same number as a port-in: taken, and marked as ported
        order = self._order("+32499999999", port_in=True)
        order.action_confirm()
        sub = order.telecom_new_subscription_ids
        self.assertEqual((sub.phone_number, sub.port_in), ("+32499999999", True))
        # one of our numbers: fine; one in use: refused
        self._order("+32470213701").action_confirm()
        number = self.env["telecom.number"].search([("name", "=", "+32470213702")])
        number.state = "assigned"
        with self.assertRaisesRegex(UserError, "not free"):
            self._order("+32470213702").action_confirm()

    def test_provisioning_refuses_an_arbitrary_number(self):
        sub = self._subscription(partner=self.resident, phone_number="+32499999998")
        order = self._activation(sub)
        task = order.task_ids.filtered(lambda t: t.operation == "reserve_number")[:1]
        with self.assertRaisesRegex(UserError, "not one of our numbers"):
            task._telecom_do_reserve_number(order._telecom_context())
        sub.port_in = True
        self.assertFalse(task._telecom_do_reserve_number(order._telecom_context()))
        self.assertEqual(order.values.get("msisdn"), "+32499999998")

    def test_sim_cards_and_task_reports_stay_in_their_company(self):
        other_sim = self.make_sims(1, start=900)
        other_sim.write({"company_id": self.other_company.id, "element_id": False})
        sub = self._subscription(partner=self.resident, sim_iccid=other_sim.iccid)
        order = self._activation(sub)
        task = order.task_ids.filtered(lambda t: t.operation == "allocate_sim")[:1]
        with self.assertRaisesRegex(UserError, "not in stock"):
            task._telecom_do_allocate_sim(order._telecom_context())
        self.assertEqual(other_sim.state, "free")
        # a task of another company is unknown to a reporter of this one
        template = self.env["telecom.provisioning.template"].create(
            {
                "name": "Callback",
                "action": "activate",
                "step_ids": [Command.create({"name": "Wait", "operation": "manual"})],
            }
        )
        foreign = (
            self.env["telecom.provisioning.order"]
            .with_company(self.other_company)
            ._telecom_create_from_template(template)
        )
        self.assertEqual(foreign.company_id, self.other_company)
        foreign.task_ids.write({"state": "waiting"})
        reporter = new_test_user(
            self.env, login="oss_hi_reporter", groups="telecom_oss.group_telecom_provisioning"
        )
        api = self.env["telecom.oss.api"].with_user(reporter)
        with self.assertRaisesRegex(UserError, "No provisioning task"):
            api.report_task_result(foreign.task_ids.reference, "done")
        self.assertEqual(foreign.task_ids.state, "waiting")
        for bad in ("x" * 129, ""):
            with self.assertRaisesRegex(UserError, "reference is required"):
                api.report_task_result(bad, "done")
