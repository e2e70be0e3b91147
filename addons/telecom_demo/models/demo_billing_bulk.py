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
  bulk path takes the wizard's own payment values for a batch of invoices, pays
  the first of each kind of payment through the ORM in batch (payments created
  together, their journal entries inserted and posted together, reconciled
  together) and writes the others as copies of its rows with their own values
  (``demo_payments_bulk.py``).
"""

import gzip
import logging
import time
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.tools import SQL

from odoo.addons.telecom_billing.engine.invoice_builder import QUIET, FastInvoiceBuilder
from odoo.addons.telecom_billing.engine.invoice_poster import FastPoster
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

    # -- bill runs --------------------------------------------------------------------
    @api.model
    def _demo_bulk_run_done(self, run):
        """Wait for a bill run that other processes work on too.

        scripts/generate_demo.py starts helper processes that run the bill run's own
        job (``_job_bill``) on every running run: this process bills its share of the
        chunks in ``action_start`` (each chunk committed by the run), and the run is
        finished (posted) by whichever job bills the last chunk. Until then the run is
        worked again here: pending chunks a helper did not claim (or a dead helper
        left) are billed, and the finishing step is tried again on a fresh snapshot
        (the bill run commits; in tests it is done at once).
        """
        while run.state in ("running", "posting"):
            time.sleep(0.5)
            run._telecom_work()
            run.invalidate_recordset(["state"])
        return run

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
        # the reference payment of each kind, paid through the ORM in the first batch
        # and copied in the others (demo_payments_bulk.py)
        references = {}
        for ids in chunks(to_pay, PAY_CHUNK):
            batch = Move.browse(ids).filtered(
                lambda m: m.payment_state == "not_paid" and not m.mandate_id
            )
            paid += self._demo_bulk_register(batch, references)
            self._demo_bulk_flush()
            self._demo_bulk_progress("payments", paid, len(to_pay), started)
        return paid

    @api.model
    def _demo_bulk_register(self, invoices, references=None):
        """One payment per invoice, on its due date, as Odoo's payment wizard makes it
        and its reconciliation leaves it, with Odoo's per-payment cost taken out.

        Odoo's path (``account.payment.register._create_payments``) costs about 40 ms a
        payment here: the journal entry created through ``account.move.create`` (its
        lines synchronised on every write), posted one move at a time, reconciled plan
        by plan. Here: the wizard's payment values for the whole batch; then, per kind
        of payment (``demo_payments_bulk.py``), the first payment through the ORM in
        batch (``_demo_bulk_payments``: the payments created together, their journal
        entries inserted by the bill run's invoice builder with the lines Odoo's
        payment makes and every other stored field computed by the ORM, numbered after
        Odoo's own posting of the first entry, the reconciliations created together)
        and the others inserted as copies of its rows with their own values
        (``_demo_pay_copies``). ``references``: the reference payment of each kind,
        kept from one batch to the next. ``tests/test_demo_payments.py`` pays the same
        invoices both ways and compares the rows.
        """
        if not invoices:
            return 0
        env = self.env(context=dict(self.env.context, **QUIET))
        todo = self._demo_pay_values(env, invoices)
        if todo:
            self._demo_pay_grouped(env, todo, references)
        return len(invoices)

    @api.model
    def _demo_pay_values(self, env, invoices):
        """[(payment values, receivable line)]: the payment wizard's values of one
        payment per invoice, on its due date (an invoice with an early payment
        discount is paid through Odoo's own path at once and left out)."""
        wizard = (
            env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoices.ids)
            .create({"group_payment": False})
        )
        todo = []
        for batch in wizard.batches:
            for line in batch["lines"]:
                vals = wizard._create_payment_vals_from_batch({**batch, "lines": line})
                if vals.pop("write_off_line_vals", None):
                    # an early payment discount: that invoice takes Odoo's own path
                    self._demo_register(line.move_id)
                    continue
                move = line.move_id
                vals["date"] = move.invoice_date_due or move.invoice_date
                # the link the wizard writes on the invoice (matched_payment_ids), from
                # the payment's side of the same relation: no write on each invoice
                vals["invoice_ids"] = [Command.set(move.ids)]
                todo.append((vals, line))
        return todo

    @api.model
    def _demo_bulk_payments(self, env, todo):
        """The payments of ``todo`` ([(payment values, invoice receivable line)])
        through the ORM in batch (see ``_demo_bulk_register``)."""
        payments = env["account.payment"].create([vals for vals, _line in todo])
        moves = self._demo_bulk_payment_moves(env, payments)
        self._demo_bulk_payment_reconcile(env, payments, moves, [line for _v, line in todo])
        return payments

    @api.model
    def _demo_bulk_payment_moves(self, env, payments):
        """The posted journal entries of draft ``payments`` (``_generate_journal_entry``
        and ``action_post`` in bulk); the payments are left as ``action_post`` does."""
        # the journal entries' own computations (fields set while computing others)
        # are no user's change, as in account.move.create
        env = env(context=dict(env.context, skip_is_manually_modified=True))
        builder = FastInvoiceBuilder(env)
        Move, Line = env["account.move"], env["account.move.line"]
        moves_values, lines_values = [], []
        for pay in payments:
            moves_values.append(
                {
                    "move_type": "entry",
                    "state": "draft",
                    "name": "/",
                    "ref": pay.memo,
                    "date": pay.date,
                    "journal_id": pay.journal_id.id,
                    "company_id": pay.company_id.id,
                    "partner_id": pay.partner_id.id,
                    "currency_id": pay.currency_id.id,
                    "partner_bank_id": pay.partner_bank_id.id,
                    "origin_payment_id": pay.id,
                }
            )
            lines_values.append(pay._prepare_move_line_default_vals())
        explicit = {name for vals in moves_values for name in vals}
        move_defaults = builder._defaults(Move, explicit, moves_values[0])
        line_defaults = builder._defaults(Line, (), {})
        move_ids = builder._insert(Move, [{**move_defaults, **m} for m in moves_values], env.uid)
        flat = []
        for move_id, line_vals in zip(move_ids, lines_values, strict=True):
            for vals in line_vals:
                # the type Odoo computes for a payment's lines (a column that must be set)
                # and the balance create() derives from debit and credit
                flat.append(
                    {
                        **line_defaults,
                        "display_type": "product",
                        **vals,
                        "balance": vals["debit"] - vals["credit"],
                        "move_id": move_id,
                    }
                )
        line_ids = builder._insert(Line, flat, env.uid)
        moves = Move.browse(move_ids)
        builder._compute_remaining(moves, moves_values, Line.browse(line_ids), flat)
        self.env.cr.execute(
            SQL(
                "UPDATE account_payment p SET move_id = d.move_id"
                " FROM unnest(%s::int[], %s::int[]) AS d(id, move_id) WHERE p.id = d.id",
                payments.ids,
                move_ids,
            )
        )
        payments.invalidate_recordset(["move_id"])
        self.with_env(env)._demo_bulk_post_entries(moves)
        # action_post: paid when the money is on a cash account, else in process
        payments = payments.with_env(self.env(context=dict(self.env.context, **QUIET)))
        cash = payments.filtered(lambda p: p.outstanding_account_id.account_type == "asset_cash")
        cash.write({"state": "paid"})
        (payments - cash).write({"state": "in_process"})
        env.flush_all()
        return moves

    @api.model
    def _demo_bulk_post_entries(self, moves):
        """Post draft journal entries as the bill run's poster posts invoices: Odoo's
        ``_post`` for the first of each journal and year (its checks and sequence
        lock), the others numbered after it in one statement, their partners
        following them as ``_post`` makes them."""
        poster = FastPoster(self.env)
        groups = {}
        for move in moves.sorted(lambda m: (m.date, m.id)):
            groups.setdefault((move.journal_id.id, move.date.year), []).append(move.id)
        for ids in groups.values():
            first, rest = moves.browse(ids[0]), moves.browse(ids[1:])
            first._post(soft=False)
            if rest:
                poster.number_after(first, rest)
                poster.subscribe_partners(rest)

    @api.model
    def _demo_bulk_payment_reconcile(self, env, payments, moves, invoice_lines):
        """Each payment's receivable line fully reconciled with its invoice's (the
        records ``_reconcile_plan`` makes: one partial, one full reconciliation)."""
        counterparts = []
        for pay, invoice_line in zip(payments, invoice_lines, strict=True):
            counterparts.append(
                pay.move_id.line_ids.filtered(
                    lambda aml, account=invoice_line.account_id: aml.account_id == account
                )
            )
        partials = env["account.partial.reconcile"].create(
            [
                {
                    "debit_move_id": invoice_line.id,
                    "credit_move_id": counterpart.id,
                    "amount": invoice_line.amount_residual,
                    "debit_amount_currency": invoice_line.amount_residual_currency,
                    "credit_amount_currency": invoice_line.amount_residual_currency,
                }
                for invoice_line, counterpart in zip(invoice_lines, counterparts, strict=True)
            ]
        )
        fulls = env["account.full.reconcile"].create(
            [
                {
                    "partial_reconcile_ids": [Command.set(partial.ids)],
                    "reconciled_line_ids": [Command.set((invoice_line | counterpart).ids)],
                }
                for partial, invoice_line, counterpart in zip(
                    partials, invoice_lines, counterparts, strict=True
                )
            ]
        )
        # the wizard links each payment through a write on its invoice, which marks the
        # invoice as changed by hand (account.move.write): the same mark here, in one
        # statement (raw SQL: an ORM write re-synchronises each invoice's lines, about
        # 20 ms an invoice, for a flag)
        invoices = env["account.move"].union(*(line.move_id for line in invoice_lines))
        env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET is_manually_modified = TRUE WHERE id = ANY(%s)",
                invoices.ids,
            )
        )
        invoices.invalidate_recordset(["is_manually_modified"])
        # the residuals of the entries' lines (inserted above, their matches read
        # before there were any) and what the payments derive from them
        Line = env["account.move.line"]
        lines = Line.union(*counterparts)
        lines.invalidate_recordset(["matched_debit_ids", "matched_credit_ids"])
        for name in ("amount_residual", "amount_residual_currency", "reconciled"):
            env.add_to_compute(Line._fields[name], lines)
        for name in ("is_reconciled", "is_matched"):
            env.add_to_compute(payments._fields[name], payments)
        env.flush_all()
        return fulls
