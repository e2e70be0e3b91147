# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The accounts of a bill run: one line each, the claim on its period and its result."""

from odoo import _, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .telecom_bill_run import LINE_STATES


class TelecomBillRunLine(models.Model):
    _name = "telecom.bill.run.line"
    _description = "Telecom bill run account"
    _order = "run_id desc, id"
    _check_company_auto = True
    _rec_name = "billing_account_id"

    run_id = fields.Many2one("telecom.bill.run", required=True, ondelete="cascade", index=True)
    billing_account_id = fields.Many2one(
        "telecom.billing.account", required=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(related="billing_account_id.partner_id", string="Customer")
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    state = fields.Selection(LINE_STATES, default="pending", required=True, index=True)
    error = fields.Text()
    attempts = fields.Integer(aggregator=None)
    dry_run = fields.Boolean(readonly=True, default=False)
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index="btree_not_null"
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_untaxed = fields.Monetary(readonly=True)
    amount_tax = fields.Monetary(readonly=True)
    amount_total = fields.Monetary(readonly=True)
    recurring_amount = fields.Monetary(string="Recurring", readonly=True)
    one_time_amount = fields.Monetary(string="One-time", readonly=True)
    usage_amount = fields.Monetary(string="Usage", readonly=True)
    usage_count = fields.Integer(string="Usage Records", readonly=True)
    date_processed = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", required=True, index=True)

    def init(self):
        cr = self.env.cr
        # the claim: one live line per account and period across all real runs
        cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS telecom_bill_run_line_claim
                       ON telecom_bill_run_line (billing_account_id, period_start)
                    WHERE dry_run IS NOT TRUE AND state <> 'cancelled'"""
            )
        )
        cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS telecom_bill_run_line_pending
                       ON telecom_bill_run_line (run_id, id) WHERE state = 'pending'"""
            )
        )

    def _record(self, results):
        """Store the engine's results (one statement for the chunk)."""
        ids, states, moves = [], [], []
        amounts = {
            k: []
            for k in (
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "recurring_amount",
                "one_time_amount",
                "usage_amount",
            )
        }
        counts = []
        for line in self:
            result = results.get(line.id, {"state": "empty"})
            ids.append(line.id)
            states.append(result["state"])
            moves.append(result.get("move_id"))
            for key, values in amounts.items():
                values.append(str(result.get(key, 0)))
            counts.append(result.get("usage_count", 0))
        self.env.cr.execute(
            SQL(
                """UPDATE telecom_bill_run_line l
                      SET state = d.state, move_id = d.move, error = NULL,
                          amount_untaxed = d.untaxed::numeric, amount_tax = d.tax::numeric,
                          amount_total = d.total::numeric, recurring_amount = d.rec::numeric,
                          one_time_amount = d.one::numeric, usage_amount = d.usage::numeric,
                          usage_count = d.cnt, attempts = l.attempts + 1,
                          date_processed = now() at time zone 'UTC',
                          write_date = now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::text[], %s::text[],
                                 %s::text[], %s::text[], %s::text[], %s::text[], %s::int[])
                          AS d(id, state, move, untaxed, tax, total, rec, one, usage, cnt)
                    WHERE l.id = d.id""",
                ids,
                states,
                moves,
                amounts["amount_untaxed"],
                amounts["amount_tax"],
                amounts["amount_total"],
                amounts["recurring_amount"],
                amounts["one_time_amount"],
                amounts["usage_amount"],
                counts,
            )
        )
        self.invalidate_recordset()

    def action_retry(self):
        """Bill these accounts again (errors, or a cancelled invoice), alone."""
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        runs = self.run_id
        for line in self:
            if line.state not in ("error", "cancelled"):
                raise UserError(
                    _(
                        "%(account)s is %(state)s: nothing to retry.",
                        account=line.billing_account_id.name,
                        state=line.state,
                    )
                )
        self.write({"state": "pending", "error": False, "move_id": False})
        for run in runs:
            if run.state == "done" or (run.state == "cancelled" and not run.dry_run):
                run.state = "running"
            # the run's jobs take only pending lines: these accounts, alone
            run._telecom_dispatch()
        return True
