# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The closing phase of a bill run, once no account is pending any more.

One job at a time (a session-level advisory lock per run) numbers and posts the
run's invoices in batches, one transaction each (``telecom.invoice.writer``, in
bulk or the standard way), marks each invoice for its account's delivery (EBPP:
e-mail, portal or post; the mails go out through ``account_move.py``'s queue), puts
the invoices paid by direct debit on a payment order, and closes the run with its
summary (duration, invoices per second, a message with the counts).
"""

from markupsafe import Markup

from odoo import _, fields, models
from odoo.tools import SQL

from ..tools.runtime import testing

POST_BATCH = 500
FINISH_LOCK = 74_237_002  # pg_advisory_lock key + run id: one finisher per run


class TelecomBillRun(models.Model):
    _inherit = "telecom.bill.run"

    def _telecom_finish(self):
        """After the billing phase: post, queue delivery, collect; by one job at a time.

        A session-level advisory lock (kept across the commits of the posting batches,
        released if the process dies) makes the jobs that end at the same time take
        turns: the first one that sees no pending line finishes the run, the others
        find it done.
        """
        self.ensure_one()
        cr = self.env.cr
        self._commit()
        cr.execute(SQL("SELECT pg_advisory_lock(%s, %s)", FINISH_LOCK, self.id))
        try:
            self._finish_locked()
        except BaseException:
            if not testing():
                cr.rollback()  # the failed work goes; the lock must not stay with the session
            cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", FINISH_LOCK, self.id))
            raise
        cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", FINISH_LOCK, self.id))

    def _finish_locked(self):
        self._commit()  # a fresh snapshot: what the previous holder did is visible
        self.invalidate_recordset()
        if self.state not in ("running", "posting") or self.pending_count:
            return
        if self.dry_run:
            self._done()
            return
        if self.state == "running":
            self.state = "posting"
            self._commit()
        self._post_invoices()
        self._queue_delivery()
        self._collect_direct_debits()
        # the revenue summary gets the run's invoices (its cron, soon)
        self.env["telecom.revenue.summary"]._trigger_refresh()
        self._done()

    def _done(self):
        now = fields.Datetime.now()
        duration = (now - self.date_started).total_seconds() if self.date_started else 0.0
        self.write(
            {
                "state": "done",
                "date_done": now,
                "duration": duration,
                "invoices_per_second": (self.done_count / duration) if duration else 0.0,
            }
        )
        self.message_post(
            body=Markup("%s")
            % _(
                "Done: %(done)s invoices, %(empty)s accounts with nothing to bill, %(errors)s "
                "errors.",
                done=self.done_count,
                empty=self.empty_count,
                errors=self.error_count,
            )
        )
        self._commit()

    def _post_invoices(self):
        """Number and post the run's draft invoices, one batch per transaction."""
        Move = self.env["account.move"]
        writer = self.env["telecom.invoice.writer"]
        fast = self.company_id.telecom_billrun_fast
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM account_move WHERE telecom_bill_run_id = %s"
                " AND state = 'posted'",
                self.id,
            )
        )
        posted = self.env.cr.fetchone()[0]
        last = 0
        while True:
            # keyset: each batch starts after the last one (no rescan of the posted)
            moves = Move.search(
                [
                    ("telecom_bill_run_id", "=", self.id),
                    ("state", "=", "draft"),
                    ("id", ">", last),
                ],
                order="id",
                limit=POST_BATCH,
            )
            if not moves:
                break
            last = moves[-1].id
            posted += len(writer._telecom_post(moves, fast=fast))
            self.posted_count = posted
            self._commit()
            self.env.invalidate_all()

    def _queue_delivery(self):
        """Mark each invoice for its account's delivery: e-mail, portal or post."""
        self.env.cr.execute(
            SQL(
                """UPDATE account_move m
                      SET telecom_send_state = CASE a.invoice_delivery
                              WHEN 'email' THEN 'to_send'
                              WHEN 'post' THEN 'to_print'
                              ELSE 'portal' END
                     FROM telecom_billing_account a
                    WHERE a.id = m.telecom_billing_account_id AND m.telecom_bill_run_id = %s
                      AND m.state = 'posted' AND m.telecom_send_state = 'none'""",
                self.id,
            )
        )
        self.env["account.move"].invalidate_model(["telecom_send_state"])
        self._commit()

    def _collect_direct_debits(self):
        """Put the invoices paid by direct debit on a draft payment order."""
        moves = self.env["account.move"].search(
            [
                ("telecom_bill_run_id", "=", self.id),
                ("state", "=", "posted"),
                ("move_type", "=", "out_invoice"),
                ("payment_mode_id", "!=", False),
                ("payment_mode_id.payment_order_ok", "=", True),
                ("payment_state", "=", "not_paid"),
            ]
        )
        if not moves:
            return
        order = self.env["telecom.billing.account"]._telecom_add_to_debit_order(moves)
        if order:
            self.payment_order_id = order
        self._commit()
