# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import TelecomCommon


@tagged("post_install", "-at_install")
@freeze_time("2025-06-15")
class TestActionWizards(TelecomCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscription()

    def _wizard(self, user, action):
        act = self.sub.with_user(user)._telecom_open_wizard(action)
        self.assertEqual(act["res_model"], "telecom.subscription.action.wizard")
        return Form(self.env[act["res_model"]].with_user(user).with_context(**act["context"]))

    def test_suspend_wizard(self):
        act = self.sub.with_user(self.care).action_open_suspend()
        self.assertEqual(act["context"]["default_action"], "suspend")
        form = self._wizard(self.care, "suspend")
        form.suspend_reason = "non_payment"
        form.note = "3 invoices overdue"
        form.save().action_confirm()
        self.assertEqual(self.sub.state, "suspended")
        self.assertEqual(self.sub.suspend_reason, "non_payment")
        self.assertIn("3 invoices overdue", self.sub.event_ids.sorted("id")[-1].reason)
        form = self._wizard(self.care, "resume")
        form.save().action_confirm()
        self.assertEqual(self.sub.state, "active")

    def test_terminate_wizard_shows_fee_and_waiver(self):
        form = self._wizard(self.care, "terminate")
        form.date = date(2025, 6, 30)
        self.assertEqual(form.etf_amount, 70.0)
        self.assertFalse(form.can_waive)
        form.date = date(2026, 1, 9)  # last day of the commitment
        self.assertEqual(form.etf_amount, 0.0)
        form = self._wizard(self.manager, "terminate")
        self.assertTrue(form.can_waive)
        form.date = date(2025, 6, 30)
        form.waive_etf = True
        form.termination_reason_id = self.env.ref("telecom_crm.telecom_reason_code_term_moved_away")
        form.save().action_confirm()
        # the end of the month is ahead: the termination waits for it
        self.assertEqual(self.sub.state, "active")
        self.assertIn("2025-06-30", self.sub.scheduled_change)
        with freeze_time("2025-06-30"):
            self.env["telecom.service.order"]._cron_release_scheduled()
        self.assertEqual(self.sub.state, "terminated")
        self.assertTrue(self.sub.etf_waived)
        self.assertFalse(self.sub.charge_ids)

    def test_terminate_wizard_waiver_refused_for_care(self):
        wizard = self._wizard(self.care, "terminate").save()
        wizard.waive_etf = True  # forced past the hidden field
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual(self.sub.state, "active")

    def test_change_plan_wizard_preview(self):
        form = self._wizard(self.care, "change_plan")
        self.assertEqual(form.current_plan_id, self.plan_s)
        form.plan_id = self.plan_m
        form.date = date(2025, 7, 1)
        self.assertEqual(form.preview_old_price, 10.0)
        self.assertEqual(form.preview_new_price, 20.0)
        self.assertEqual(form.preview_difference, 10.0)
        self.assertEqual(form.preview_proration_policy, "Daily proration")
        self.assertEqual(form.preview_effective_date, date(2025, 7, 1))
        self.assertEqual(form.preview_commitment_end, date(2027, 6, 30))
        # the prorated amount is known when telecom_billing is installed
        self.assertEqual(form.preview_amount_known, "telecom.bill.run" in self.env)
        self.assertFalse(form.preview_error)
        form.plan_id = self.plan_fiber
        self.assertIn("cannot change", form.preview_error)
        form.plan_id = self.plan_l
        self.assertEqual(form.preview_proration_policy, "Full period")
        form.save().action_confirm()
        self.assertEqual(self.sub.plan_id, self.plan_l)

    def test_addon_wizards(self):
        form = self._wizard(self.care, "add_addon")
        form.addon_product_id = self.addon_data
        form.date = date(2025, 6, 1)
        form.save().action_confirm()
        form = self._wizard(self.care, "remove_addon")
        form.remove_product_id = self.addon_data
        wizard = form.save()
        self.assertEqual(wizard.current_addon_ids, self.addon_data)
        wizard.action_confirm()
        addon_line = self.sub.line_ids.filtered(lambda ln: ln.kind == "addon")
        self.assertEqual(addon_line.date_end, date(2025, 6, 14))

    def test_wizard_needs_choice(self):
        wizard = self._wizard(self.care, "change_plan")
        wizard.plan_id = self.plan_m
        record = wizard.save()
        record.plan_id = False
        with self.assertRaises(UserError):
            record.action_confirm()
