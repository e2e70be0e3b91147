# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import HttpCase, tagged

from .billing_common import BillingFixtures


@tagged("post_install", "-at_install")
class TestBillRunTour(BillingFixtures, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_billing()
        cls.billing_user.write({"password": "tb_billing_pw"})
        # the 17th: a cycle of their own
        cls.one = cls._account("Tour One", billing_day=17)
        cls.two = cls._account("Tour Two", billing_day=17)
        cls._sub(cls.one, cls.mobile_m, date(2025, 5, 1), "+32470110001")
        cls._sub(cls.two, cls.mobile_m, date(2025, 5, 20), "+32470110002")

    def test_dry_run_from_the_form(self):
        self.start_tour(
            "/odoo/action-telecom_billing.telecom_bill_run_action",
            "telecom_bill_run_tour",
            login="tb_billing",
        )
        run = self.env["telecom.bill.run"].search([], order="id desc", limit=1)
        self.assertEqual((run.date, run.billing_day, run.dry_run), (date(2025, 6, 17), 17, True))
        self.assertEqual(run.state, "running")
        # the click queued the run's jobs; a job worker runs them
        jobs = self.env["queue.job"].search([("model_name", "=", "telecom.bill.run"),
                                             ("method_name", "=", "_job_bill")])  # fmt: skip
        self.assertEqual(len(jobs), self.company.telecom_billrun_workers)
        run._job_bill()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.done_count, 2)
        self.assertFalse(run.invoice_ids, "a dry run writes no invoice")
        # one: 16/30 of 19.99 (1 to 16 May) + two periods; two: 28/31 + one period
        self.assertEqual(sorted(run.line_ids.mapped("amount_untaxed")), [38.05, 50.64])
