# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk path of the demo generator leaves the data its ORM path leaves: every
step of the five add-ons, the lifecycle's traces, rated usage that reconciles,
invoices paid through real payments, resources assigned."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDemoBulk(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = cls.env["telecom.demo.generator"]
        cls.report = cls.generator.generate(customers=40, seed=11, bulk=True)
        cls.subs = cls.env["telecom.subscription"].search([("ref", "=like", "DEMO-%")])

    def test_every_step_ran(self):
        report = self.report
        self.assertEqual(report["customers"], 40)
        self.assertGreaterEqual(report["billing_accounts"], 40)
        self.assertEqual(report["subscriptions"], len(self.subs))
        self.assertGreater(report["usage"], 1000)
        self.assertGreater(report["billing"]["invoices"], 40)
        self.assertGreater(report["billing"]["paid"], 0)
        self.assertGreater(report["oss_services"], 0)
        self.assertGreater(report["helpdesk_tickets"], 0)
        # every state of the ORM path is there
        self.assertEqual(
            set(self.subs.mapped("state")),
            {"draft", "pending", "active", "suspended", "terminated"},
        )

    def test_customers_and_numbers(self):
        customers = self.env["res.partner"].search([("ref", "=like", "DEMO-%")])
        numbers = customers.mapped("telecom_customer_number")
        self.assertTrue(all(numbers))
        self.assertEqual(len(set(numbers)), len(customers))
        self.assertTrue(all(customers.mapped("telecom_segment_id")))
        self.assertEqual(len(set(self.subs.mapped("name"))), len(self.subs))
        self.assertFalse(self.subs.filtered(lambda s: not s.name.startswith("S")))

    def test_lifecycle_traces(self):
        """The rows the lifecycle actions leave: orders, events, dated lines, fees."""
        for sub in self.subs:
            orders = sub.service_order_ids
            if sub.state == "draft":
                self.assertFalse(orders)
                continue
            activation = orders.filtered(lambda o: o.action == "activate")
            self.assertEqual(len(activation), 1, sub.name)
            if sub.state == "pending":
                self.assertEqual(activation.state, "submitted")
                continue
            self.assertEqual(activation.state, "done")
            events = self.env["telecom.subscription.event"].search(
                [("subscription_id", "=", sub.id)]
            )
            self.assertIn("activate", events.mapped("type"))
            self.assertEqual(sub._telecom_plan_line_at(sub.activation_date).date_start,
                             sub.activation_date)  # fmt: skip
            self.assertTrue(sub.commitment_end_date or not sub.plan_id.telecom_commitment_months)
            if sub.state == "suspended":
                self.assertTrue(sub.suspend_reason and sub.suspension_date)
                self.assertIn("suspend", events.mapped("type"))
            if sub.state == "terminated":
                end = sub.termination_date
                self.assertIn("terminate", events.mapped("type"))
                self.assertFalse(sub.line_ids.filtered(lambda li, e=end: li.date_start > e))
                self.assertFalse(sub.line_ids.filtered(lambda li, e=end: li.date_end > e))
                charge = self.env["telecom.charge"].search(
                    [("subscription_id", "=", sub.id), ("kind", "=", "etf")]
                )
                owed = sub._telecom_etf_amount(end)
                if sub.etf_waived:
                    self.assertFalse(charge)
                    self.assertGreater(owed, 0)
                else:
                    self.assertEqual(charge.amount if charge else 0.0, owed, sub.name)
        # recent services come from confirmed orders, with their fees
        from_orders = self.subs.filtered("sale_order_id")
        self.assertTrue(from_orders)
        self.assertTrue(
            all(s.activation_date >= s.create_date.date() - timedelta(days=46) for s in from_orders)
        )

    def test_usage_reconciles(self):
        batches = self.env["telecom.mediation.batch"].search(
            [("file_name", "=like", "demo-bulk-usage-%")]
        )
        self.assertTrue(batches)
        for batch in batches:
            self.assertEqual(batch.state, "done")
            self.assertTrue(batch.reconciled, batch.name)
            self.assertEqual(
                batch.lines_read,
                batch.rated_count
                + batch.rejected_count
                + batch.duplicate_count
                + batch.unbillable_count,
            )
        # three months: the first days of the usage cover two months back
        first = min(self.env["telecom.usage.record"].search([]).mapped("start_time"))
        self.assertLess(first.date(), self.generator._demo_anchor() - timedelta(days=31))

    def test_payments_are_real(self):
        invoices = self.env["account.move"].search(
            [("telecom_bill_run_id", "!=", False), ("payment_state", "in", ("paid", "in_payment"))]
        )
        self.assertTrue(invoices)
        for invoice in invoices:
            self.assertEqual(invoice.amount_residual, 0.0)
            payment = invoice.matched_payment_ids
            self.assertEqual(len(payment), 1)
            self.assertEqual(payment.state, "paid")
            self.assertEqual(payment.amount, invoice.amount_total)
            self.assertEqual(payment.date, invoice.invoice_date_due or invoice.invoice_date)
            self.assertTrue(invoice.line_ids.filtered("reconciled"))

    def test_resources_assigned(self):
        mobile = self.subs.filtered(
            lambda s: (
                s.state in ("active", "suspended") and s.plan_id.telecom_technology == "mobile"
            )
        )
        self.assertTrue(mobile)
        for sub in mobile:
            self.assertEqual(sub.telecom_sim_id.state, "assigned")
            self.assertEqual(sub.telecom_sim_id.subscription_id, sub)
            history = self.env["telecom.resource.assignment"].search(
                [("sim_id", "=", sub.telecom_sim_id.id), ("state", "=", "assigned")]
            )
            self.assertEqual(history.subscription_id, sub)
            self.assertEqual(history.partner_id, sub.partner_id)

    def test_idempotent_and_deterministic(self):
        before = (len(self.subs), self.env["telecom.usage.record"].search_count([]))
        again = self.generator.generate(customers=40, seed=11, bulk=True)
        self.assertEqual(again["customers"], 0)
        self.assertEqual(again["subscriptions"], 0)
        self.assertEqual(again["usage"], 0)
        after = (
            self.env["telecom.subscription"].search_count([("ref", "=like", "DEMO-%")]),
            self.env["telecom.usage.record"].search_count([]),
        )
        self.assertEqual(before, after)
        # the draws of a service depend on the seed and the customer only
        first = self.generator._demo_service_draw(self.generator._demo_rng(11, "x"), "mobile", 3, 1)
        second = self.generator._demo_service_draw(
            self.generator._demo_rng(11, "x"), "mobile", 3, 1
        )
        self.assertEqual(first, second)

    def test_administrators_only(self):
        user = new_test_user(self.env, "demo-bulk-user", groups="telecom_crm.group_telecom_manager")
        with self.assertRaises(AccessError):
            self.generator.with_user(user).generate(customers=1, bulk=True)

    def test_steps_one_at_a_time(self):
        """scripts/generate_demo.py runs the bulk path a step per transaction."""
        names = self.generator._demo_step_names()
        self.assertEqual(names[0], "customers")
        self.assertIn("billing", names)
        self.assertIn("oss_alarms", names)
        report = self.generator.generate(customers=40, seed=11, bulk=True, steps=["customers"])
        self.assertEqual(report, {"customers": 0})
        with self.assertRaisesRegex(ValueError, "unknown demo steps: nope"):
            self.generator.generate(customers=40, seed=11, bulk=True, steps=["nope"])
        with self.assertRaisesRegex(ValueError, "a list of step names"):
            self.generator.generate(customers=40, seed=11, bulk=True, steps="customers")
        with self.assertRaises(ValueError):
            self.generator.generate(customers=-1, bulk=True, steps=["customers"])

    def test_bill_runs_done(self):
        runs = self.env["telecom.bill.run"].search([])
        self.assertEqual(len(runs), self.report["billing"]["runs"])
        self.assertEqual(set(runs.mapped("state")), {"done"})

    def test_tickets_same_on_both_paths(self):
        """The bulk tickets are the ORM path's tickets: same draws for the same seed."""
        Ticket = self.env["helpdesk.ticket"]

        def tickets():
            return [
                (t.telecom_external_ref, t.name, t.telecom_subscription_id.id, t.priority,
                 t.type_id.id, t.channel_id.id, t.stage_id.id)
                for t in Ticket.search([("telecom_external_ref", "=like", "DEMO-T-%")],
                                       order="telecom_external_ref")
            ]  # fmt: skip

        bulk = tickets()
        self.assertEqual(len(bulk), self.report["helpdesk_tickets"])
        self.assertGreater(len({row[6] for row in bulk}), 2)
        Ticket.search([("telecom_external_ref", "=like", "DEMO-T-%")]).sudo().unlink()
        params = {"customers": 40, "seed": 11, "bulk": False}
        self.generator._demo_helpdesk_tickets(
            self.generator._demo_rng(11, "_demo_helpdesk_tickets"), params
        )
        self.assertEqual(tickets(), bulk)

    def test_alarm_history(self):
        alarms = self.env["telecom.alarm"].search([("source", "=", "demo-history")])
        self.assertEqual(len(alarms), self.report["oss_alarms"])
        self.assertTrue(alarms)
        self.assertEqual(set(alarms.mapped("state")), {"cleared"})
        self.assertFalse(alarms.ticket_ids)
        first = alarm_rows(alarms)
        # the same seed gives the same alarms; a second run adds none
        again = self.generator.generate(customers=40, seed=11, bulk=True, steps=["oss_alarms"])
        self.assertEqual(again, {"oss_alarms": 0})
        alarms.sudo().unlink()
        self.generator.generate(customers=40, seed=11, bulk=True, steps=["oss_alarms"])
        alarms = self.env["telecom.alarm"].search([("source", "=", "demo-history")])
        self.assertEqual(alarm_rows(alarms), first)


def alarm_rows(alarms):
    return [
        (a.source_alarm_id, a.element_id.name, a.probable_cause, a.max_severity,
         a.first_raised, a.cleared_date)
        for a in alarms.sorted("source_alarm_id")
    ]  # fmt: skip
