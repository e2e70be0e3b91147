# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from odoo.addons.telecom_crm.models.telecom_service_order import TelecomServiceOrder

from ..models.identifiers import luhn_complete
from .common import ACTIVATION, TelecomCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-06-15")
class TestSubscriptionLifecycle(TelecomCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscription(phone_number="+32470000001", sim_iccid="8932000000000000014")

    def _events(self, sub):
        return sub.event_ids.sorted("id").mapped("type")

    def test_activation(self):
        draft = self._subscription(activate=None, phone_number="+32470000002")
        self.assertEqual(draft.state, "draft")
        self.assertRegex(draft.name, r"^S\d{7}$")
        orders = draft.with_user(self.sales).action_activate(date(2025, 6, 1))
        self.assertEqual(orders.action, "activate")
        self.assertEqual(orders.state, "done")
        self.assertRegex(orders.name, r"^SVO\d{7}$")
        self.assertEqual(draft.state, "active")
        self.assertEqual(draft.activation_date, date(2025, 6, 1))
        self.assertEqual(draft.commitment_end_date, date(2026, 5, 31))
        self.assertEqual(draft.line_ids.date_start, date(2025, 6, 1))
        self.assertEqual(draft.plan_id, self.plan_s)
        self.assertEqual(draft.recurring_price, 10.0)
        self.assertEqual(self._events(draft), ["activate"])
        with self.assertRaises(UserError):
            draft.with_user(self.sales).action_activate()
        empty = self.env["telecom.subscription"].create(
            {"partner_id": self.resident.id, "billing_account_id": self.resident_account.id}
        )
        with self.assertRaises(UserError):
            empty.with_user(self.sales).action_activate()

    def test_suspend_and_resume(self):
        sub = self.sub.with_user(self.care)
        with self.assertRaises(UserError):
            sub.action_suspend("bored")
        with self.assertRaises(UserError):
            sub.action_suspend("customer_request", date(2025, 6, 20))  # ahead of today
        with self.assertRaises(ValidationError):
            sub.action_suspend("customer_request", date(2025, 1, 1))  # before activation
        with self.assertRaises(UserError):
            sub.action_resume()  # not suspended
        order = sub.action_suspend("customer_request", "2025-06-10", note="holiday")
        self.assertEqual(order.action, "suspend")
        self.assertEqual(sub.state, "suspended")
        self.assertEqual(sub.suspend_reason, "customer_request")
        self.assertEqual(sub.suspension_date, date(2025, 6, 10))
        with self.assertRaises(UserError):
            sub.action_suspend("customer_request")  # already suspended
        with self.assertRaises(ValidationError):
            sub.action_resume(date(2025, 6, 9))  # dates cannot go backwards
        sub.action_resume(date(2025, 6, 12))
        self.assertEqual(sub.state, "active")
        self.assertFalse(sub.suspend_reason)
        self.assertEqual(self._events(sub), ["activate", "suspend", "resume"])
        self.assertEqual(sub.event_ids.filtered(lambda e: e.type == "suspend").user_id, self.care)

    def test_fraud_resume_needs_manager(self):
        self.sub.with_user(self.billing).action_suspend("fraud")
        with self.assertRaises(AccessError):
            self.sub.with_user(self.care).action_resume()
        self.sub.with_user(self.manager).action_resume()
        self.assertEqual(self.sub.state, "active")

    def test_read_only_user_cannot_act(self):
        with self.assertRaises(AccessError):
            self.sub.with_user(self.user).action_suspend("other")
        self.assertEqual(self.sub.state, "active")

    def test_terminate_with_remaining_fees(self):
        sub = self.sub.with_user(self.care)
        self.assertEqual(sub.commitment_end_date, date(2026, 1, 9))
        # 2025-06-30 .. 2026-01-09: 6 months and 10 days -> 7 months of 10.00
        self.assertEqual(sub._telecom_etf_amount(date(2025, 6, 30)), 70.0)
        reason = self.env.ref("telecom_crm.telecom_reason_code_term_competitor")
        order = sub.action_terminate("2025-06-30", reason.code)
        # ordered ahead: scheduled, the service runs on untouched until the date
        self.assertEqual((order.state, order.scheduled), ("submitted", True))
        self.assertEqual(sub.state, "active")
        self.assertFalse(sub.termination_date)
        self.assertFalse(sub.charge_ids)
        self.assertFalse(sub.line_ids.date_end)
        self.assertIn("2025-06-30", sub.scheduled_change)
        Order = self.env["telecom.service.order"]
        self.assertEqual(Order.search([("scheduled", "=", True)]), order)
        self.assertNotIn(order, Order.search([("scheduled", "=", False)]))
        self.assertEqual(Order._cron_release_scheduled(), 0)  # not yet
        self.assertEqual(order.state, "submitted")
        with freeze_time("2025-06-30"):
            order.invalidate_recordset(["scheduled"])
            self.assertFalse(order.scheduled)
            self.assertEqual(Order._cron_release_scheduled(), 1)
        self.assertEqual(order.state, "done")
        self.assertEqual(sub.state, "terminated")
        self.assertEqual(sub.termination_date, date(2025, 6, 30))
        self.assertEqual(sub.termination_reason_id, reason)
        self.assertFalse(sub.etf_waived)
        self.assertEqual(sub.line_ids.date_end, date(2025, 6, 30))
        etf = sub.charge_ids
        self.assertEqual((etf.kind, etf.amount, etf.state), ("etf", 70.0, "pending"))
        self.assertEqual(etf.billing_account_id, self.resident_account)
        self.assertEqual(self._events(sub)[-1], "terminate")
        # a terminated service cannot resume or change
        with self.assertRaisesRegex(UserError, "cannot resume"):
            sub.action_resume()
        with self.assertRaises(UserError):
            sub.action_suspend("other")
        with self.assertRaises(UserError):
            sub.action_terminate()
        with self.assertRaises(UserError):
            sub.unlink()
        # the phone number is free again
        self._subscription(phone_number="+32470000001")

    def test_scheduled_termination_lets_suspension_pass_and_can_be_cancelled(self):
        sub = self.sub.with_user(self.care)
        Order = self.env["telecom.service.order"]
        order = sub.action_terminate("2025-07-31", "term_competitor")
        self.assertTrue(order.scheduled)
        # another change would be overtaken by the termination: refused with its date
        with self.assertRaisesRegex(UserError, "scheduled for 2025-07-31"):
            sub.action_change_plan(self.plan_m, "2025-07-01")
        with self.assertRaisesRegex(UserError, "scheduled for"):
            sub.action_terminate("2025-06-20")
        # a suspension (dunning, a lost phone) still passes, and so does the resumption
        sub.action_suspend("customer_request", "2025-06-15")
        self.assertEqual(sub.state, "suspended")
        self.assertFalse(sub._telecom_busy())
        sub.action_resume()
        sub.action_suspend("other")
        # the termination ends a suspended service on its date all the same
        with freeze_time("2025-07-31"):
            self.assertEqual(Order._cron_release_scheduled(), 1)
        self.assertEqual((order.state, sub.state), ("done", "terminated"))
        self.assertEqual(sub.termination_date, date(2025, 7, 31))
        # cancelled before its date: the service never ends
        other = self._subscription(phone_number="+32470000009").with_user(self.care)
        order = other.action_terminate("2025-08-31", "term_competitor")
        order.action_cancel()
        self.assertFalse(other.scheduled_change)
        with freeze_time("2025-09-01"):
            self.assertEqual(Order._cron_release_scheduled(), 0)
        self.assertEqual(other.state, "active")

    def test_scheduled_order_refused_on_its_date_fails_with_the_reason(self):
        sub = self.sub.with_user(self.care)
        good = self._subscription(phone_number="+32470000008").with_user(self.care)
        bad_order = sub.action_terminate("2025-06-30", "term_competitor")
        good_order = good.action_move(self.resident, "2025-06-30")
        self.assertTrue(good_order.scheduled)
        self.assertNotEqual(good.installation_partner_id, self.resident)
        # the data changed under the scheduled order (a script, a data fix): it fails
        # with the subscription's reason, the other order is carried out
        sub.sudo().state = "terminated"
        with freeze_time("2025-06-30"):
            self.assertEqual(self.env["telecom.service.order"]._cron_release_scheduled(), 1)
        self.assertEqual(bad_order.state, "failed")
        self.assertIn("cannot be terminated", bad_order.error)
        self.assertEqual(good_order.state, "done")
        self.assertEqual(good.installation_partner_id, self.resident)
        with self.assertRaises(UserError):
            self.env["telecom.service.order"].search([("scheduled", "in", [True])])

    def test_terminate_reason_must_be_termination(self):
        with self.assertRaises(UserError):
            self.sub.with_user(self.care).action_terminate(
                reason="susp_fraud"  # a suspension code
            )
        with self.assertRaises(UserError):
            self.sub.with_user(self.care).action_terminate(date="30/06/2025")

    def test_etf_rules(self):
        fixed = self._subscription(plan=self.plan_m)
        percent = self._subscription(plan=self.plan_l)
        self.assertEqual(fixed._telecom_etf_amount(date(2025, 6, 15)), 100.0)
        # 2025-06-15 .. 2026-01-09: 6 months 25 days -> 7 months x 30.00 x 50 %
        self.assertEqual(percent._telecom_etf_amount(date(2025, 6, 15)), 105.0)
        # on or after the commitment end: nothing
        self.assertEqual(fixed._telecom_etf_amount(date(2027, 1, 9)), 0.0)
        no_term = self._subscription(plan=self.plan_fiber)
        self.assertEqual(no_term._telecom_etf_amount(), 0.0)

    def test_waive_etf(self):
        with self.assertRaises(AccessError):
            self.sub.with_user(self.care).action_terminate(waive_etf=True)
        self.assertEqual(self.sub.state, "active")
        self.sub.with_user(self.manager).action_terminate(waive_etf=True)
        self.assertTrue(self.sub.etf_waived)
        self.assertFalse(self.sub.charge_ids)

    def test_cancelled_activation_goes_back_to_draft(self):
        with patch.object(TelecomServiceOrder, "_telecom_requires_fulfilment", return_value=True):
            sub = self._subscription()
        self.assertEqual(sub.state, "pending")
        sub.service_order_ids.action_cancel()
        self.assertEqual(sub.state, "draft")
        sub.with_user(self.sales).action_activate(date(2025, 6, 20))
        self.assertEqual(sub.state, "active")

    def test_change_plan(self):
        sub = self.sub.with_user(self.care)
        preview = sub._telecom_change_preview(self.plan_m, "2025-07-01")
        self.assertEqual(preview["old_plan_id"], self.plan_s.id)
        self.assertEqual(preview["new_plan_id"], self.plan_m.id)
        self.assertEqual(preview["price_difference"], 10.0)
        self.assertEqual(preview["proration_policy"], "daily")
        self.assertEqual(preview["effective_date"], date(2025, 7, 1))
        self.assertEqual(preview["commitment_end_date"], date(2027, 6, 30))
        if "telecom.bill.run" in self.env:
            # telecom_billing: July (billed in advance at 10.00) now costs 20.00
            self.assertEqual(preview["amount"], 10.0)
        else:
            self.assertIsNone(preview["amount"])
        with self.assertRaises(UserError):
            sub.action_change_plan(self.plan_s)  # same plan
        with self.assertRaises(UserError):
            sub.action_change_plan(self.plan_fiber)  # mobile -> FTTH
        with self.assertRaises(UserError):
            sub.action_change_plan(self.addon_data)  # not a plan
        with self.assertRaises(ValidationError):
            sub.action_change_plan(self.plan_m, ACTIVATION)  # not after the current plan
        order = sub.action_change_plan(self.plan_m, "2025-07-01")
        self.assertEqual((order.action, order.state), ("change_plan", "done"))
        old, new = sub.line_ids.sorted("date_start")
        self.assertEqual((old.product_id, old.date_end), (self.plan_s, date(2025, 6, 30)))
        self.assertEqual(
            (new.product_id, new.date_start, new.date_end), (self.plan_m, date(2025, 7, 1), False)
        )
        self.assertEqual(new.price_unit, 20.0)
        self.assertEqual(sub.plan_id, self.plan_m)
        self.assertEqual(sub.commitment_end_date, date(2027, 6, 30))
        self.assertEqual(self._events(sub), ["activate", "plan_change"])
        # dates cannot go backwards: another change before the new plan started
        with self.assertRaises(ValidationError):
            sub.action_change_plan(self.plan_l, "2025-06-20")

    def test_addons(self):
        sub = self.sub.with_user(self.care)
        sub.action_add_addon(self.addon_data, "2025-06-01")
        line = sub.line_ids.filtered(lambda ln: ln.kind == "addon")
        self.assertEqual((line.product_id, line.price_unit), (self.addon_data, 5.0))
        self.assertEqual(sub.recurring_price, 15.0)
        with self.assertRaises(UserError):
            sub.action_add_addon(self.addon_data, "2025-06-02")  # already there
        with self.assertRaises(UserError):
            sub.action_add_addon(self.plan_m)  # not an add-on
        with self.assertRaises(UserError):
            sub.action_remove_addon(self.addon_roam)  # not on the subscription
        with self.assertRaises(ValidationError):
            sub.action_remove_addon(self.addon_data, "2025-06-01")  # same day it started
        sub.action_remove_addon(self.addon_data, "2025-06-15")
        self.assertEqual(line.date_end, date(2025, 6, 14))
        self.assertEqual(self._events(sub), ["activate", "addon_add", "addon_remove"])
        fibre = self._subscription(plan=self.plan_fiber)
        with self.assertRaises(UserError):
            fibre.with_user(self.care).action_add_addon(self.addon_data)  # a mobile add-on

    def test_move(self):
        address = self.env["res.partner"].create(
            {"name": "New flat", "parent_id": self.resident.id, "type": "other"}
        )
        self.sub.with_user(self.care).action_move(address)
        self.assertEqual(self.sub.installation_partner_id, address)
        with self.assertRaises(UserError):
            self.sub.with_user(self.care).action_move(address)

    def test_nothing_changes_until_service_order_done(self):
        sub = self.sub.with_user(self.care)
        with patch.object(TelecomServiceOrder, "_telecom_requires_fulfilment", return_value=True):
            order = sub.action_suspend("non_payment")
            self.assertEqual(order.state, "submitted")
            self.assertEqual(sub.state, "active")
            self.assertFalse(sub.suspend_reason)
            self.assertEqual(sub.open_service_order_count, 1)
            with self.assertRaisesRegex(UserError, order.name):
                sub.action_terminate()
            order.action_start()
            order.action_fail("HLR timeout")
            self.assertEqual((order.state, order.error), ("failed", "HLR timeout"))
            self.assertEqual(sub.state, "active")
            order.action_retry()
            self.assertEqual(order.state, "submitted")
            order.action_done()
        self.assertEqual(order.state, "done")
        self.assertTrue(order.done_date)
        self.assertEqual(sub.state, "suspended")
        with self.assertRaises(UserError):
            order.action_done()

    def test_identifier_validation(self):
        with self.assertRaises(ValidationError):
            self._subscription(phone_number="0470 12 34 56")
        with self.assertRaises(ValidationError):
            self._subscription(phone_number="+32470000001")  # live on self.sub
        with self.assertRaises(ValidationError):
            self._subscription(sim_iccid="1234")
        with self.assertRaises(ValidationError):
            self._subscription(partner=self.business, account=self.resident_account)

    def test_sim_iccid_checked_on_entry(self):
        """An ICCID is 19 or 20 digits starting with 89, the last one its Luhn check
        digit: each mistake gets its own clear error, on the subscription and on the
        order line it comes from."""
        good19 = luhn_complete("893201234567890123")
        good20 = luhn_complete("8932012345678901234")
        self.assertEqual((len(good19), len(good20)), (19, 20))
        for iccid in (good19, good20):
            sub = self._subscription(sim_iccid=iccid)
            self.assertEqual(sub.sim_iccid, iccid)
            sub.sim_iccid = False  # free the SIM for the next one
        wrong_digit = good19[:-1] + str((int(good19[-1]) + 1) % 10)
        swapped = good19[:5] + good19[6] + good19[5] + good19[7:]
        self.assertNotEqual(swapped, good19)
        cases = [
            (wrong_digit, "check digit"),
            (swapped, "check digit"),
            ("89320123456789012", "has 17 digits"),
            ("893201234567890123456", "has 21 digits"),
            ("8932O1234567890123", "only digits"),
            (luhn_complete("123201234567890123"), "starts with 89"),
        ]
        for iccid, message in cases:
            with self.subTest(iccid=iccid):
                with self.assertRaisesRegex(ValidationError, message):
                    self._subscription(sim_iccid=iccid)
                with self.assertRaisesRegex(ValidationError, message):
                    self.sub.sim_iccid = iccid
        order = self.env["sale.order"].create({"partner_id": self.resident.id})
        line = self.env["sale.order.line"].create(
            {"order_id": order.id, "product_id": self.plan_m.id, "telecom_sim_iccid": good20}
        )
        with self.assertRaisesRegex(ValidationError, "check digit"):
            line.telecom_sim_iccid = wrong_digit

    def test_live_subscription_protected(self):
        with self.assertRaises(UserError):
            self.sub.with_user(self.care).billing_account_id = self.business_account
        with self.assertRaises(UserError):
            self.sub.line_ids.with_user(self.care).price_unit = 1.0
        with self.assertRaises(UserError):
            self.sub.line_ids.with_user(self.care).unlink()
        with self.assertRaises(UserError):
            self.sub.event_ids.with_user(self.manager).write({"reason": "rewritten"})

    def test_changes_are_tracked_in_chatter(self):
        # records created in this transaction are not tracked until it commits
        self.env.cr.precommit.clear()
        sub = self.sub.with_context(tracking_disable=False).with_user(self.care)
        sub.action_suspend("customer_request")
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = self.sub.message_ids.sudo().tracking_value_ids.filtered(
            lambda t: t.field_id.name == "state"
        )
        self.assertTrue(tracked)
        self.assertEqual(tracked[0].new_value_char, "Suspended")

    def test_draft_subscription_form(self):
        form = Form(self.env["telecom.subscription"].with_user(self.sales))
        form.partner_id = self.business
        self.assertEqual(form.billing_account_id, self.business_account)
        form.phone_number = "+32470000099"
        with form.line_ids.new() as line:
            line.product_id = self.plan_m
            line.date_start = date(2025, 6, 1)
            self.assertEqual(line.price_unit, 20.0)
            self.assertEqual(line.kind, "plan")
        sub = form.save()
        self.assertEqual(sub.state, "draft")
        self.assertEqual(sub.plan_id, self.plan_m)
        self.assertEqual(sub.line_ids.price_version_id.price, 20.0)
        sub.action_activate(date(2025, 6, 1))
        self.assertEqual(sub.state, "active")
        self.assertEqual(sub.commitment_end_date, date(2027, 5, 31))
