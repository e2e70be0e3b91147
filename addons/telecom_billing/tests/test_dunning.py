# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dunning acts on the service: reminder, late fee, suspension, restore on payment."""

from datetime import date, timedelta

from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestDunning(BillingFixtures, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.Level = cls.env["telecom.dunning.level"]
        cls.Level.search([("company_id", "=", cls.company.id)]).active = False
        cls.reminder = cls.Level.create(
            {
                "name": "Reminder",
                "sequence": 10,
                "days_overdue": 7,
                "min_amount": 1.0,
                "action": "reminder",
                "mail_template_id": cls.env.ref(
                    "telecom_billing.mail_template_dunning_reminder"
                ).id,
            }
        )
        cls.late_fee = cls.Level.create(
            {
                "name": "Late fee",
                "sequence": 20,
                "days_overdue": 15,
                "min_amount": 5.0,
                "action": "late_fee",
                "fee_amount": 7.5,
            }
        )
        cls.suspend = cls.Level.create(
            {
                "name": "Suspension",
                "sequence": 30,
                "days_overdue": 30,
                "min_amount": 20.0,
                "action": "suspend",
            }
        )
        cls.terminate = cls.Level.create(
            {
                "name": "Termination",
                "sequence": 40,
                "days_overdue": 90,
                "min_amount": 20.0,
                "action": "terminate",
            }
        )
        cls.debtor = cls._account("Dunning Debtor")
        cls.sub1 = cls._sub(cls.debtor, cls.mobile_m, date(2025, 5, 1), "+32470400001")
        cls.sub2 = cls._sub(cls.debtor, cls.mobile_l, date(2025, 5, 1), "+32470400002")
        cls.small = cls._account("Small Debtor")
        cls._sub(cls.small, cls.mobile_m, date(2025, 5, 1), "+32470400003")
        cls.small.subscription_ids.line_ids.write({"price_unit": 2.0})
        cls.held = cls._account("Held Debtor", dunning_hold=True, dunning_hold_reason="Promise")
        cls.held_sub = cls._sub(cls.held, cls.mobile_m, date(2025, 5, 1), "+32470400004")
        run = cls.bill(cls, date(2025, 6, 1), cls.debtor | cls.small | cls.held)
        cls.invoice = run.line_ids.filtered(lambda ln: ln.billing_account_id == cls.debtor).move_id
        cls.due = cls.invoice.invoice_date_due

    def dun(self, days):
        return self.env["telecom.billing.account"]._telecom_dunning_run(
            self.company, today=self.due + timedelta(days=days)
        )

    def test_escalation_suspends_and_payment_restores(self):
        # May and June of 19.99 and 29.99: 99.96 + 21.00 of taxes (4.20 x 2 + 6.30 x 2)
        self.assertEqual(self.invoice.amount_total, 120.96)
        self.dun(3)
        self.assertFalse(self.debtor.dunning_level_id)
        self.dun(8)
        self.assertEqual(self.debtor.dunning_level_id, self.reminder)
        self.assertTrue(
            any("payment reminder" in (m.subject or "") for m in self.debtor.message_ids)
        )
        self.dun(16)
        self.assertEqual(self.debtor.dunning_level_id, self.late_fee)
        fee = self.debtor.charge_ids.filtered(lambda c: c.state == "pending")
        self.assertEqual((fee.amount, fee.kind), (7.5, "one_time"))
        self.assertEqual(
            self.debtor.dunning_event_ids.filtered(lambda e: e.action == "late_fee").charge_id, fee
        )
        # 30 days: the services are suspended through the lifecycle (service orders)
        self.dun(31)
        self.assertEqual(self.debtor.dunning_level_id, self.suspend)
        self.assertEqual((self.sub1 | self.sub2).mapped("state"), ["suspended", "suspended"])
        self.assertEqual(set((self.sub1 | self.sub2).mapped("suspend_reason")), {"non_payment"})
        orders = self.env["telecom.service.order"].search(
            [("subscription_id", "in", (self.sub1 | self.sub2).ids), ("action", "=", "suspend")]
        )
        self.assertEqual(orders.mapped("state"), ["done", "done"])
        event = self.debtor.dunning_event_ids.filtered(lambda e: e.action == "suspend")
        self.assertEqual(event.subscription_ids, self.sub1 | self.sub2)
        self.assertEqual(event.service_order_ids, orders)
        self.assertEqual(event.overdue_amount, 120.96)
        # run again the same day: nothing new
        self.dun(31)
        self.assertEqual(len(self.debtor.dunning_event_ids), 3)
        # the customer pays: Odoo reconciles, dunning restores the services at once
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"payment_date": self.due + timedelta(days=32)})._create_payments()
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual((self.sub1 | self.sub2).mapped("state"), ["active", "active"])
        self.assertFalse(self.debtor.dunning_level_id)
        restore = self.debtor.dunning_event_ids.filtered(lambda e: e.action == "restore")
        self.assertEqual(restore.subscription_ids, self.sub1 | self.sub2)
        self.assertEqual(
            [e.action for e in self.debtor.dunning_event_ids.sorted("id")],
            ["reminder", "late_fee", "suspend", "restore"],
        )

    def test_termination_level(self):
        self.dun(95)
        self.assertEqual(self.debtor.dunning_level_id, self.terminate)
        self.assertEqual((self.sub1 | self.sub2).mapped("state"), ["terminated", "terminated"])
        self.assertEqual((self.sub1 | self.sub2).termination_reason_id.code, "term_non_payment")

    def test_amount_threshold_and_hold(self):
        self.dun(40)
        # 2.00 + 2.00 x 1.21 = 4.84 overdue: a reminder only, below the fee and suspension
        self.assertEqual(self.small.dunning_level_id, self.reminder)
        self.assertEqual(self.small.subscription_ids.state, "active")
        # held (a promise to pay): excluded through the extension point
        self.assertEqual((self.debtor | self.held)._telecom_dunning_excluded(), self.held)
        self.assertFalse(self.held.dunning_level_id)
        self.assertEqual(self.held_sub.state, "active")
        # the hold ends: dunning catches up
        self.held.dunning_hold_until = date(2025, 6, 20)
        self.assertFalse(self.held._telecom_dunning_excluded())

    def test_one_failing_account_does_not_stop_its_batch(self):
        """The escalations of a batch that fails are applied again account by account:
        the others go through, the failing one gets a failed event."""
        # a real error of the database for one account (a trigger, rolled back with
        # the test): its dunning events cannot be written, but for the failure's
        self.env.cr.execute(
            """CREATE FUNCTION telecom_test_refuse_dunning() RETURNS trigger AS $$
               BEGIN
                 IF NEW.billing_account_id = %s AND NEW.action <> 'hold' THEN
                   RAISE EXCEPTION 'refused for the test';
                 END IF;
                 RETURN NEW;
               END $$ LANGUAGE plpgsql""",
            (self.debtor.id,),
        )
        self.env.cr.execute(
            """CREATE TRIGGER telecom_test_refuse BEFORE INSERT ON telecom_dunning_event
               FOR EACH ROW EXECUTE FUNCTION telecom_test_refuse_dunning()"""
        )
        # the database's error and the run's warning for that account are expected
        with mute_logger("odoo.sql_db", "odoo.addons.telecom_billing.models.telecom_dunning"):
            result = self.dun(8)
        self.assertEqual(result["escalated"], 1)
        self.assertEqual(self.small.dunning_level_id, self.reminder)
        self.assertEqual(self.small.dunning_event_ids.mapped("action"), ["reminder"])
        self.assertFalse(self.debtor.dunning_level_id)
        failed = self.debtor.dunning_event_ids
        self.assertEqual(failed.mapped("state"), ["failed"])
        self.assertIn("refused for the test", failed.note)
        self.assertFalse(
            any("payment reminder" in (m.subject or "") for m in self.debtor.message_ids)
        )
        self.assertTrue(
            any("payment reminder" in (m.subject or "") for m in self.small.message_ids)
        )

    def test_balances(self):
        self.assertEqual(self.debtor.open_amount, 120.96)
        balances = self.debtor._telecom_balances(self.due + timedelta(days=10))
        count, open_amount, overdue, oldest = balances[self.debtor.id]
        self.assertEqual((count, open_amount, overdue, oldest), (1, 120.96, 120.96, self.due))
        self.assertEqual(self.debtor._telecom_balances(self.due)[self.debtor.id][2], 0.0)
