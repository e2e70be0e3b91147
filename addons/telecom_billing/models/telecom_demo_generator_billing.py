# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data of billing: three months of bill runs, payments, and dunning.

The demo customers' services started up to 30 months ago; the company's billing
start date is set three months back (as after a migration), so the runs bill
recurring fees from then on. Most invoices are paid, some are left overdue, and
the dunning run escalates those (reminders, late fees, suspensions).
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

BILLING_DAYS = (1, 8, 15, 22)


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_steps(self):
        return [*super()._demo_steps(), "_demo_billing"]

    @api.model
    def _demo_billing(self, rng, params):
        company = self.env.company
        anchor = self._demo_anchor()
        today = fields.Date.context_today(self)
        if not company.telecom_billing_cutover_date:
            company.telecom_billing_cutover_date = anchor - relativedelta(months=2)
        Run = self.env["telecom.bill.run"].with_context(
            tracking_disable=True, telecom_billrun_sync=True
        )
        runs = Run.browse()
        for months_back in (2, 1, 0):
            month = anchor - relativedelta(months=months_back)
            for day in BILLING_DAYS:
                bill_date = month.replace(day=day)
                if bill_date > today:
                    continue
                existing = Run.search(
                    [
                        ("date", "=", bill_date),
                        ("billing_day", "=", day),
                        ("dry_run", "=", False),
                        ("company_id", "=", company.id),
                    ],
                    limit=1,
                )
                if existing:
                    continue
                run = Run.create({"date": bill_date, "billing_day": day, "company_id": company.id})
                run.action_start()
                runs |= run
        invoices = runs.invoice_ids.filtered(lambda m: m.state == "posted")
        # the demo pretends the invoices were delivered (no mail server in a demo).
        # Raw SQL: two plain columns of this add-on (nothing is computed from them),
        # for all the demo's invoices at once; an ORM write runs account.move's line
        # synchronisation for each invoice, minutes at 25,000 invoices (10,000
        # customers), even in batches
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE account_move SET telecom_send_state = 'sent', telecom_sent_at = %s
                    WHERE id = ANY(%s) AND telecom_send_state IN ('to_send', 'to_print')""",
                fields.Datetime.now(),
                invoices.ids,
            )
        )
        invoices.invalidate_recordset(["telecom_send_state", "telecom_sent_at"])
        pay = self._demo_bulk_pay if params.get("bulk") else self._demo_pay
        paid = pay(rng, invoices, anchor)
        result = self.env["telecom.billing.account"]._telecom_dunning_run(company)
        return {"runs": len(runs), "invoices": len(invoices), "paid": paid, **result}

    @api.model
    def _demo_pay(self, rng, invoices, anchor):
        """Pay most invoices (older ones more often), deterministically for a seed."""
        to_pay = self.env["account.move"]
        for invoice in invoices.sorted(
            lambda m: (m.invoice_date, m.telecom_billing_account_id.name)
        ):
            chance = 0.9 if invoice.invoice_date < anchor else 0.5
            if rng.random() < chance and invoice.move_type == "out_invoice":
                to_pay |= invoice
        to_pay = to_pay.filtered(lambda m: m.payment_state == "not_paid" and not m.mandate_id)
        for invoice in to_pay:
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids, tracking_disable=True
            ).create(
                {"payment_date": invoice.invoice_date_due or invoice.invoice_date}
            )._create_payments()
        return len(to_pay)
