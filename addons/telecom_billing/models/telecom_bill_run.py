# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Bill runs: one invoice per due billing account of a billing cycle and date.

A run selects the accounts of its cycle whose period starts on its date and
gives each one a **run line** (the claim: a unique index allows one live claim
per account and period across all runs). Jobs (or the cron, or the button)
then bill the pending lines chunk by chunk, each chunk in its own transaction
(``SELECT ... FOR UPDATE SKIP LOCKED``: several jobs share the work, a killed
job loses nothing but its uncommitted chunk). A failing account is isolated in
its own savepoint, marked in error with its message, and retried alone later.
When no line is pending any more, a second phase posts (numbers) the run's
invoices in batches and queues them for delivery; a third collects direct
debits. A dry run bills the same way inside a savepoint it always rolls back,
so only the per-account totals and errors remain.

The run model and its billing phase are here; the run lines (the claims, their
results) are ``telecom_bill_run_line.py``; posting, delivery, direct debits and the
closing message are ``telecom_bill_run_finish.py``; the engine that bills a chunk is
``engine/billrun.py``.
"""

import io
import logging
import time
import traceback
from datetime import timedelta

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.sequence import assign_sequence_names

from ..billrun import period_end
from ..engine.billrun import BillRunEngine
from ..tools import spreadsheet
from ..tools.runtime import testing

_logger = logging.getLogger(__name__)

RUN_STATES = [
    ("draft", "Draft"),
    ("running", "Billing"),
    ("posting", "Posting"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
LINE_STATES = [
    ("pending", "Pending"),
    ("done", "Billed"),
    ("empty", "Nothing to bill"),
    ("error", "Error"),
    ("cancelled", "Cancelled"),
]


class TelecomBillRun(models.Model):
    _name = "telecom.bill.run"
    _description = "Telecom bill run"
    _inherit = ("mail.thread",)
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    billing_day = fields.Integer(
        string="Billing Cycle",
        required=True,
        default=1,
        tracking=True,
        help="Billing day (1 to 28) of the accounts this run bills.",
    )
    date = fields.Date(
        string="Bill Date",
        required=True,
        tracking=True,
        help="First day of the period billed: recurring fees of the period (in advance), "
        "usage of the periods before it (in arrears). Also the invoice date.",
    )
    dry_run = fields.Boolean(
        help="Compute every invoice, keep only the totals and errors, write no invoice.",
        tracking=True,
    )
    billing_account_ids = fields.Many2many(
        "telecom.billing.account",
        string="Only These Accounts",
        check_company=True,
        help="Restrict the run to these accounts (empty: every due account of the cycle).",
    )
    state = fields.Selection(
        RUN_STATES,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        copy=False,
    )
    line_ids = fields.One2many("telecom.bill.run.line", "run_id", string="Accounts")
    invoice_ids = fields.One2many("account.move", "telecom_bill_run_id", string="Invoices")
    account_count = fields.Integer(string="Due Accounts", readonly=True, copy=False)
    skipped_count = fields.Integer(
        string="In Other Runs",
        readonly=True,
        copy=False,
        help="Due accounts already claimed for this period by another (live) run.",
    )
    posted_count = fields.Integer(string="Posted", readonly=True, copy=False)
    # live figures, read from the run's lines: jobs committing chunks side by side
    # never write the run itself (no contention, progress visible at once)
    pending_count = fields.Integer(string="Pending", compute="_compute_figures")
    done_count = fields.Integer(string="Billed", compute="_compute_figures")
    empty_count = fields.Integer(string="Nothing to Bill", compute="_compute_figures")
    error_count = fields.Integer(string="Errors", compute="_compute_figures")
    progress = fields.Float(compute="_compute_figures", aggregator=None)
    amount_untaxed = fields.Monetary(compute="_compute_figures")
    amount_tax = fields.Monetary(compute="_compute_figures")
    amount_total = fields.Monetary(compute="_compute_figures")
    date_started = fields.Datetime(readonly=True, copy=False)
    date_done = fields.Datetime(readonly=True, copy=False)
    duration = fields.Float(string="Duration (s)", readonly=True, copy=False, aggregator=None)
    invoices_per_second = fields.Float(readonly=True, copy=False, aggregator=None)
    payment_order_id = fields.Many2one("account.payment.order", readonly=True, copy=False)
    note = fields.Text()

    _sql_constraints = (
        (
            "billing_day_range",
            "CHECK (billing_day BETWEEN 1 AND 28)",
            "The billing cycle is a day between 1 and 28.",
        ),
    )

    # -- CRUD -------------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        assign_sequence_names(self.env, vals_list, "telecom.bill.run")
        return super().create(vals_list)

    def _compute_figures(self):
        figures = {}
        ids = [i for i in self.ids if i]
        if ids:
            self.env["telecom.bill.run.line"].flush_model()
            self.env.cr.execute(
                SQL(
                    """SELECT run_id, COUNT(*) FILTER (WHERE state = 'pending'),
                              COUNT(*) FILTER (WHERE state = 'done'),
                              COUNT(*) FILTER (WHERE state = 'empty'),
                              COUNT(*) FILTER (WHERE state = 'error'),
                              COUNT(*) FILTER (WHERE state <> 'cancelled'),
                              COALESCE(SUM(amount_untaxed), 0), COALESCE(SUM(amount_tax), 0),
                              COALESCE(SUM(amount_total), 0)
                         FROM telecom_bill_run_line WHERE run_id = ANY(%s) GROUP BY run_id""",
                    ids,
                )
            )
            figures = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for run in self:
            pending, done, empty, error, total, untaxed, tax, amount = figures.get(
                run.id, (0, 0, 0, 0, 0, 0.0, 0.0, 0.0)
            )
            run.pending_count = pending
            run.done_count = done
            run.empty_count = empty
            run.error_count = error
            run.progress = (
                round(100.0 * (total - pending) / total, 1)
                if total
                else (100.0 if run.state == "done" else 0.0)
            )
            run.amount_untaxed = float(untaxed)
            run.amount_tax = float(tax)
            run.amount_total = float(amount)

    @api.constrains("date", "billing_day")
    def _check_date(self):
        for run in self:
            if run.date and run.date.day != run.billing_day:
                raise ValidationError(
                    _(
                        "%(run)s: the bill date %(date)s is not on billing day %(day)s of its "
                        "cycle.",
                        run=run.name,
                        date=run.date,
                        day=run.billing_day,
                    )
                )

    @api.onchange("date")
    def _onchange_date(self):
        if self.date and self.date.day <= 28:
            self.billing_day = self.date.day

    @api.ondelete(at_uninstall=False)
    def _unlink_except_billed(self):
        for run in self:
            if run.state not in ("draft", "cancelled") or run.invoice_ids:
                raise UserError(_("%(run)s has billed accounts: cancel it instead.", run=run.name))

    # -- selection ----------------------------------------------------------------------
    def _due_accounts_sql(self):
        """SELECT of the due accounts: (account id, months) of the cycle and date."""
        self.ensure_one()
        date = self.date
        clauses = [
            SQL("a.company_id = %s", self.company_id.id),
            SQL("a.billing_day = %s", self.billing_day),
            # January-anchored periods: a quarterly account's period starts in Jan, Apr...
            SQL("MOD(%s - 1, GREATEST(a.billing_period_months, 1)) = 0", date.month),
            SQL(
                """(a.state IN ('active', 'suspended')
                    OR (a.state = 'closed' AND (
                        EXISTS (SELECT 1 FROM telecom_charge c WHERE c.billing_account_id = a.id
                                   AND c.state = 'pending')
                        OR EXISTS (SELECT 1 FROM telecom_usage_record u
                                    WHERE u.billing_account_id = a.id AND u.state = 'rated'
                                      AND u.invoice_line_id IS NULL)
                        OR EXISTS (SELECT 1 FROM telecom_subscription_line l
                                     JOIN telecom_subscription s ON s.id = l.subscription_id
                                    WHERE s.billing_account_id = a.id
                                      AND l.price_unit <> 0 AND s.state <> 'draft'
                                      AND l.telecom_billed_to IS DISTINCT FROM l.date_end))))"""
            ),
        ]
        if self.billing_account_ids:
            clauses.append(SQL("a.id = ANY(%s)", self.billing_account_ids.ids))
        return SQL(
            "SELECT a.id, GREATEST(a.billing_period_months, 1) FROM telecom_billing_account a"
            " WHERE %s ORDER BY a.id",
            SQL(" AND ").join(clauses),
        )

    def _prepare_lines(self):
        """Claim the due accounts: one run line each (unless another live run has it)."""
        self.ensure_one()
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(self._due_accounts_sql())
        rows = cr.fetchall()
        by_months = {}
        for account_id, months in rows:
            by_months.setdefault(months, []).append(account_id)
        inserted = 0
        for months, account_ids in by_months.items():
            end = period_end(self.date, months)
            cr.execute(
                SQL(
                    """INSERT INTO telecom_bill_run_line
                           (run_id, billing_account_id, period_start, period_end, state,
                            dry_run, company_id, currency_id, attempts, create_uid,
                            create_date, write_uid, write_date)
                       SELECT %s, a.id, %s, %s, 'pending', %s, %s, a.currency_id, 0, %s,
                              now() at time zone 'UTC', %s, now() at time zone 'UTC'
                         FROM telecom_billing_account a WHERE a.id = ANY(%s)
                        ORDER BY a.id
                       ON CONFLICT (billing_account_id, period_start)
                          WHERE dry_run IS NOT TRUE AND state <> 'cancelled' DO NOTHING""",
                    self.id,
                    self.date,
                    end,
                    bool(self.dry_run),
                    self.company_id.id,
                    self.env.uid,
                    self.env.uid,
                    account_ids,
                )
            )
            inserted += cr.rowcount
        self.env["telecom.bill.run.line"].invalidate_model()
        self.write({"account_count": inserted, "skipped_count": len(rows) - inserted})
        self._update_counters()
        return inserted

    # -- actions ----------------------------------------------------------------------------
    def action_start(self):
        """Claim the due accounts and bill them (in jobs, or at once in tests)."""
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for run in self:
            if run.state not in ("draft", "running"):
                raise UserError(_("%(run)s is %(state)s.", run=run.name, state=run.state))
            if run.state == "draft":
                run._prepare_lines()
                run.write({"state": "running", "date_started": fields.Datetime.now()})
                run.message_post(
                    body=_(
                        "%(count)s accounts to bill (%(skipped)s already in another run).",
                        count=run.account_count,
                        skipped=run.skipped_count,
                    )
                )
            run._telecom_dispatch()
        return True

    def action_resume(self):
        """Go on after a crash or a kill: pending lines are billed, the rest is kept."""
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for run in self:
            if run.state not in ("running", "posting"):
                raise UserError(_("Only a running run can be resumed."))
            run._telecom_dispatch()
        return True

    def action_retry_errors(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for run in self:
            lines = run.line_ids.filtered(lambda line: line.state == "error")
            if not lines:
                raise UserError(_("%(run)s has no account in error.", run=run.name))
            lines.action_retry()
        return True

    def action_cancel(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for run in self:
            if run.state == "done" and not run.dry_run:
                raise UserError(_("%(run)s is done: cancel its invoices instead.", run=run.name))
            lines = run.line_ids.filtered(lambda line: line.state in ("pending", "error"))
            lines.write({"state": "cancelled"})
            run.state = "cancelled"
            run._update_counters()
        return True

    def action_view_invoices(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("telecom_bill_run_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return action

    def action_view_errors(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_bill_run_line_action"
        )
        action["domain"] = [("run_id", "=", self.id)]
        action["context"] = {"search_default_error": 1}
        return action

    def action_export_xlsx(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/telecom_billing/bill_run/{self.id}.xlsx",
            "target": "download",
        }

    def _telecom_summary_xlsx(self):
        """The run's accounts with state, error and totals, as XLSX bytes."""
        self.ensure_one()
        buffer = io.BytesIO()
        workbook = spreadsheet.workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet(self.name)
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        sheet.write_row(
            0,
            0,
            [
                _("Billing Account"),
                _("Customer"),
                _("Period"),
                _("State"),
                _("Invoice"),
                _("Recurring"),
                _("One-time"),
                _("Usage"),
                _("Untaxed"),
                _("Taxes"),
                _("Total"),
                _("Currency"),
                _("Usage Records"),
                _("Error"),
            ],
            bold,
        )
        states = dict(LINE_STATES)
        for row, line in enumerate(self.line_ids, start=1):
            sheet.write_row(
                row,
                0,
                [
                    line.billing_account_id.name,
                    line.partner_id.name or "",
                    f"{line.period_start} - {line.period_end}",
                    states.get(line.state, line.state),
                    line.move_id.name or "",
                ],
            )
            for col, value in enumerate(
                (
                    line.recurring_amount,
                    line.one_time_amount,
                    line.usage_amount,
                    line.amount_untaxed,
                    line.amount_tax,
                    line.amount_total,
                ),
                start=5,
            ):
                sheet.write_number(row, col, value or 0.0, money)
            sheet.write_row(
                row,
                11,
                [line.currency_id.name or "", line.usage_count, line.error or ""],
            )
        workbook.close()
        return buffer.getvalue()

    # -- processing ---------------------------------------------------------------------------
    def _telecom_dispatch(self):
        """Hand the work to parallel jobs (or do it now in tests and without workers)."""
        self.ensure_one()
        if testing() or self.env.context.get("telecom_billrun_sync"):
            self._telecom_work()
            return
        workers = max(1, self.company_id.telecom_billrun_workers)
        for index in range(workers):
            self.with_delay(
                channel="root.telecom_billing",
                description=_("%(run)s: bill accounts (job %(n)s)", run=self.name, n=index + 1),
                identity_key=f"telecom_bill_run_{self.id}_{index}_{self.write_date}",
            )._job_bill()

    def _job_bill(self):
        """Queue job: bill pending chunks until none is left, then finish the run."""
        self.with_company(self.company_id)._telecom_work()

    def _telecom_work(self):
        self.ensure_one()
        if self.state == "running":
            self._process_pending()
        self._telecom_finish()

    def _commit(self):
        if not testing():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _locked(self, query):
        """Run a locking query at the start of a transaction, retrying when a concurrent job
        committed the rows after this transaction's snapshot (Odoo's cursors are REPEATABLE
        READ: PostgreSQL then refuses the lock with a serialization failure; nothing is
        lost by rolling back, this transaction has written nothing yet)."""
        cr = self.env.cr
        for attempt in range(20):
            try:
                cr.execute(query, log_exceptions=False)
                return cr.fetchall()
            except psycopg2.errors.SerializationFailure:
                if testing() or attempt == 19:
                    raise
                cr.rollback()
                self.env.invalidate_all()
                time.sleep(0.01 * (attempt + 1))
        return []

    def _claim(self, size):
        """Pending lines of this run no other transaction holds (a chunk)."""
        # the query reads the table: pending ORM writes (a retry's reset) go first
        self.env.flush_all()
        rows = self._locked(
            SQL(
                """SELECT id FROM telecom_bill_run_line
                    WHERE run_id = %s AND state = 'pending'
                    ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
                self.id,
                size,
            )
        )
        return self.env["telecom.bill.run.line"].browse([r[0] for r in rows])

    def _process_pending(self, max_chunks=None):
        """Bill chunks of pending lines, one transaction each; returns lines billed."""
        self.ensure_one()
        size = max(1, self.company_id.telecom_billrun_chunk)
        done = 0
        chunks = 0
        # the tax details of the lines this job has taxed (bounded: FastInvoiceBuilder)
        tax_memo = {}
        while max_chunks is None or chunks < max_chunks:
            lines = self._claim(size)
            if not lines:
                break
            self._process_chunk(lines, tax_memo)
            done += len(lines)
            chunks += 1
            self._update_counters()
            self._commit()
            # nothing of a billed chunk is needed again: the cache stays the size of a
            # chunk however many accounts the run bills (memory flat at 50,000)
            self.env.invalidate_all()
            if self.env.context.get("ir_cron_progress_id"):
                # the cron's progress (counting the pending lines is a query per chunk)
                self.env["ir.cron"]._notify_progress(
                    done=self.account_count - self.pending_count,
                    remaining=self.pending_count,
                )
        return done

    def _process_chunk(self, lines, tax_memo=None):
        """Bill ``lines`` together; on any error, bill them one by one to isolate it."""
        engine = BillRunEngine(self, tax_memo)
        try:
            with self.env.cr.savepoint():
                self._bill(engine, lines)
            return
        except Exception:  # noqa: BLE001 - isolate the failing account below
            self.env.invalidate_all()
            if len(lines) == 1:
                self._fail(lines, traceback.format_exc())
                return
        for line in lines:
            engine = BillRunEngine(self, tax_memo)
            try:
                with self.env.cr.savepoint():
                    self._bill(engine, line)
            except Exception:  # noqa: BLE001 - the account is listed with its error
                self.env.invalidate_all()
                self._fail(line, traceback.format_exc())

    def _bill(self, engine, lines):
        if self.dry_run:
            results = self._bill_dry(engine, lines)
        else:
            results = engine.process(lines)
        lines._record(results)

    def _bill_dry(self, engine, lines):
        """The same billing, rolled back: only the totals survive."""
        cr = self.env.cr
        savepoint = cr.savepoint()
        try:
            results = engine.process(lines, dry_run=True)
        finally:
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        for result in results.values():
            result.pop("move_id", None)
        return results

    def _fail(self, lines, trace):
        message = trace.strip().splitlines()[-1] if trace else _("Unknown error")
        _logger.info(
            "bill run %s: %s failed: %s",
            self.name,
            lines.billing_account_id.mapped("name"),
            trace,
        )
        self.env.cr.execute(
            SQL(
                """UPDATE telecom_bill_run_line
                      SET state = 'error', error = %s, attempts = attempts + 1,
                          date_processed = now() at time zone 'UTC',
                          write_date = now() at time zone 'UTC'
                    WHERE id = ANY(%s)""",
                message[:2000],
                lines.ids,
            )
        )
        lines.invalidate_recordset()

    def _update_counters(self):
        """Forget cached figures (they are read from the lines)."""
        self.invalidate_recordset(
            [
                "pending_count",
                "done_count",
                "empty_count",
                "error_count",
                "progress",
                "amount_untaxed",
                "amount_tax",
                "amount_total",
            ]
        )

    # -- scheduling ---------------------------------------------------------------------------
    @api.model
    def _cron_process(self):
        """Safety net for runs whose jobs died: go on with the pending work.

        A run is taken over when none of its accounts was billed in the last ten
        minutes (a job that died, a worker restarted); live jobs and this cron never
        bill the same account (claims are row locks), so a slow run merely gets one
        more worker.
        """
        limit = fields.Datetime.now() - timedelta(minutes=10)
        for run in self.search([("state", "in", ("running", "posting"))]):
            self.env.cr.execute(
                SQL(
                    "SELECT MAX(date_processed) FROM telecom_bill_run_line WHERE run_id = %s",
                    run.id,
                )
            )
            last = self.env.cr.fetchone()[0] or run.date_started or run.write_date
            if testing() or (last and last < limit):
                run.with_company(run.company_id)._telecom_work()
