# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk path of telecom_billing's demo steps (see ``demo_generator.py``).

- usage: three months (the ORM path: this month and the last) of every line with a
  number, imported through the real mediation and rating path
  (``telecom.mediation.batch._import_data``: validation, rating, allowances, COPY)
  in files of about a million records, gzipped, one month after the other. The
  volume per line is chosen so that an operator of N customers gets about 100 N
  records (10 million for 100,000 customers);
- payments: the ORM path pays each invoice through the payment wizard (one journal
  entry created and reconciled per invoice: about 4 payments a second here); the
  bulk path takes the wizard's own payment values for a batch of invoices, creates
  the payments together, posts them together (one batch of journal entries) and
  reconciles them in one reconciliation plan.
"""

import gzip
import logging
import time
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

from odoo.addons.telecom_billing.rating import mediation

from .demo_billing import DEMO_SOURCE
from .demo_generator import chunks

_logger = logging.getLogger(__name__)

# records per customer over the three months of the bulk path
USAGE_PER_CUSTOMER = 100
# subscriptions per imported file (a million records or so)
USAGE_FILE_LINES = 30000
PAY_CHUNK = 500


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    # -- usage ------------------------------------------------------------------------
    @api.model
    def _demo_bulk_usage_months(self):
        """The first days (naive datetimes) of the three months of bulk usage."""
        anchor = datetime.combine(self._demo_anchor(), datetime.min.time())
        return [anchor - relativedelta(months=n) for n in (2, 1, 0)]

    @api.model
    def _demo_bulk_usage(self, rng, params):
        """Three months of usage of every live line with a number, through the rating
        engine, a file of about a million records at a time."""
        source = self.env["telecom.mediation.source"].search([("code", "=", DEMO_SOURCE)], limit=1)
        if not source:
            return 0
        cutoff = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        cutoff -= timedelta(hours=1)
        cr = self.env.cr
        cr.execute(
            """SELECT id FROM telecom_subscription
                WHERE ref LIKE 'DEMO-%%' AND phone_number IS NOT NULL
                  AND state IN ('active', 'suspended') ORDER BY ref"""
        )
        sub_ids = [row[0] for row in cr.fetchall()]
        if not sub_ids:
            return 0
        months = self._demo_bulk_usage_months()
        # records a month of a line so that the whole comes to USAGE_PER_CUSTOMER per
        # customer (SIP trunks keep the ORM path's 25:60 ratio to mobile lines); this
        # month counts up to the cut-off only
        span = (cutoff - months[0]).total_seconds() / (30 * 86400)
        per_line = USAGE_PER_CUSTOMER * params["customers"] / len(sub_ids) / span
        per_month = (max(1, round(per_line)), max(1, round(per_line * 25 / 60)))
        Batch = self.env["telecom.mediation.batch"]
        read = 0
        started = time.time()
        for month in months:
            for part, ids in enumerate(chunks(sub_ids, USAGE_FILE_LINES), start=1):
                name = f"demo-bulk-usage-{month:%Y%m}-{part:03d}.csv.gz"
                done = Batch.search(
                    [("source_id", "=", source.id), ("file_name", "=", name)], limit=1
                )
                if done.state == "done":
                    continue
                rows = self._demo_bulk_usage_rows(params, ids, month, cutoff, per_month)
                if not rows:
                    continue
                data = gzip.compress(mediation.records_to_csv(rows).encode(), compresslevel=1)
                del rows
                batch = Batch._import_data(source, data, name, origin="rpc")
                read += batch.lines_read
                self._demo_bulk_flush()
                self._demo_bulk_progress("usage records", read, "~" + str(
                    USAGE_PER_CUSTOMER * params["customers"]), started)  # fmt: skip
        return read

    @api.model
    def _demo_bulk_usage_rows(self, params, sub_ids, month, cutoff, per_month):
        rows = []
        month_end = month + relativedelta(months=1)
        for sub in self.env["telecom.subscription"].browse(sub_ids):
            activated = fields.Datetime.to_datetime(sub.activation_date) or month
            sub_start = max(month, activated)
            if month_end <= sub_start or cutoff - sub_start <= timedelta(hours=1):
                continue
            sub_rng = self._demo_rng(params["seed"], f"usage:{sub.ref}:{month:%Y%m}")
            rows += self._demo_usage_rows(sub_rng, sub, sub_start, month_end, cutoff, per_month)
        return rows

    # -- payments ---------------------------------------------------------------------
    @api.model
    def _demo_bulk_pay(self, rng, invoices, anchor):
        """_demo_pay's invoices (same draws), paid in batches."""
        to_pay = []
        for invoice in invoices.sorted(
            lambda m: (m.invoice_date, m.telecom_billing_account_id.name)
        ):
            chance = 0.9 if invoice.invoice_date < anchor else 0.5
            if rng.random() < chance and invoice.move_type == "out_invoice":
                to_pay.append(invoice.id)
        Move = self.env["account.move"]
        paid = 0
        started = time.time()
        for ids in chunks(to_pay, PAY_CHUNK):
            batch = Move.browse(ids).filtered(
                lambda m: m.payment_state == "not_paid" and not m.mandate_id
            )
            paid += self._demo_bulk_register(batch)
            self._demo_bulk_flush()
            self._demo_bulk_progress("payments", paid, len(to_pay), started)
        return paid

    @api.model
    def _demo_bulk_register(self, invoices):
        """One payment per invoice, on its due date: the payment wizard's values, then
        the payments created, posted and reconciled together."""
        if not invoices:
            return 0
        wizard = (
            self.env["account.payment.register"]
            .with_context(
                active_model="account.move", active_ids=invoices.ids, tracking_disable=True
            )
            .create({"group_payment": False})
        )
        todo = []
        for batch in wizard.batches:
            for line in batch["lines"]:
                vals = wizard._create_payment_vals_from_batch({**batch, "lines": line})
                if not vals.get("write_off_line_vals"):
                    # without it, the journal entries are made for all payments at once
                    vals.pop("write_off_line_vals", None)
                move = line.move_id
                vals["date"] = move.invoice_date_due or move.invoice_date
                todo.append((vals, line))
        Payment = self.env["account.payment"].with_context(tracking_disable=True)
        payments = Payment.create([vals for vals, _line in todo])
        payments.action_post()
        plans = []
        for payment, (_vals, line) in zip(payments, todo, strict=True):
            plans.append(
                payment.move_id.line_ids.filtered(
                    lambda aml, account=line.account_id: (
                        aml.account_id == account and not aml.reconciled
                    )
                )
                | line
            )
        self.env["account.move.line"]._reconcile_plan(plans)
        for payment, (_vals, line) in zip(payments, todo, strict=True):
            line.move_id.matched_payment_ids += payment
        return len(payments)
