# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a bill-run chunk's invoice lines billed, written in a few statements.

Each invoice line built by ``invoice_spec.InvoiceSpecBuilder`` says in ``_link`` what
it bills. Once the invoices are written, ``BilledLinks`` records it in the same
transaction: proration ledger rows (``telecom.billed.recurring``), the billed range of
each subscription line, one-time charges and rated usage records set to billed with
their invoice line. Raw SQL: the bill run's hot path (one statement per kind and
chunk), every statement parameterised.
"""

from odoo.exceptions import UserError
from odoo.tools import SQL


class BilledLinks:
    """Collect what each invoice line billed (``add``), then write it all (``flush``)."""

    def __init__(self, env, company, date, cutover):
        self.env = env
        self.cr = env.cr
        self.company = company
        self.date = date
        self.cutover = cutover
        self.ledger = []
        self.ranges = {}
        self.charges = []
        self.usage = []

    def add(self, spec, move_id, line_ids):
        """Collect what each line billed (written with the invoices, same transaction)."""
        bill = spec.bill
        account_id = bill.account["id"]
        for line, aml_id in zip(spec.lines, line_ids, strict=True):
            link = line.get("_link")
            if not link:
                continue
            kind = link[0]
            if kind == "recurring":
                _kind, row, piece = link
                self.ledger.append(
                    (
                        row["line_id"],
                        row["line_id"],
                        row["subscription_id"],
                        account_id,
                        row["product_id"],
                        piece.period_start,
                        piece.cover_from,
                        piece.cover_to,
                        str(piece.delta),
                        bill.currency_id,
                        move_id,
                        aml_id,
                    )
                )
                state = next(s for r, _p, s in bill.pieces if r is row)
                self.ranges[row["line_id"]] = self._billed_range(state, bill)
            elif kind == "orphan":
                orphan = link[1]
                self.ledger.append(
                    (
                        None,
                        orphan["line_ref"],
                        orphan["subscription_id"],
                        account_id,
                        orphan["product_id"],
                        orphan["period_start"],
                        None,
                        None,
                        str(-orphan["amount"]),
                        bill.currency_id,
                        move_id,
                        aml_id,
                    )
                )
            elif kind == "charge":
                self.charges.append((link[1]["id"], aml_id))
            elif kind == "usage":
                group = link[1]
                self.usage.append(
                    (
                        account_id,
                        group["usage_type_id"],
                        group["zone_id"],
                        group["currency_id"],
                        aml_id,
                        group["count"],
                    )
                )

    def _billed_range(self, state, bill):
        first = state.date_start
        if self.cutover and first < self.cutover:
            first = self.cutover
        last = min(state.date_end, bill.end) if state.date_end else bill.end
        return (first, last) if first <= last else (None, None)

    def flush(self):
        cr = self.cr
        uid = self.env.uid
        if self.ledger:
            cols = list(zip(*self.ledger, strict=True))
            cr.execute(
                SQL(
                    """INSERT INTO telecom_billed_recurring
                           (line_id, line_ref, subscription_id, billing_account_id, product_id,
                            period_start, cover_from, cover_to, amount, currency_id, move_id,
                            move_line_id, company_id, create_uid, create_date, write_uid,
                            write_date)
                       SELECT l, r, s, a, p, ps, cf, ct, amt::numeric, cur, m, ml, %s, %s,
                              now() at time zone 'UTC', %s, now() at time zone 'UTC'
                         FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[],
                                     %s::date[], %s::date[], %s::date[], %s::text[], %s::int[],
                                     %s::int[], %s::int[])
                              AS d(l, r, s, a, p, ps, cf, ct, amt, cur, m, ml)""",
                    self.company.id,
                    uid,
                    uid,
                    *[list(c) for c in cols],
                )
            )
        if self.ranges:
            ids = list(self.ranges)
            cr.execute(
                SQL(
                    """UPDATE telecom_subscription_line l
                          SET telecom_billed_from = d.f, telecom_billed_to = d.t
                         FROM unnest(%s::int[], %s::date[], %s::date[]) AS d(id, f, t)
                        WHERE l.id = d.id""",
                    ids,
                    [self.ranges[i][0] for i in ids],
                    [self.ranges[i][1] for i in ids],
                )
            )
        if self.charges:
            cr.execute(
                SQL(
                    """UPDATE telecom_charge c SET state = 'billed', invoice_line_id = d.aml,
                              write_uid = %s, write_date = now() at time zone 'UTC'
                         FROM unnest(%s::int[], %s::int[]) AS d(id, aml)
                        WHERE c.id = d.id AND c.state = 'pending'""",
                    uid,
                    [c[0] for c in self.charges],
                    [c[1] for c in self.charges],
                )
            )
            if cr.rowcount != len(self.charges):
                raise UserError(self.env._("A charge changed while it was being billed; retry."))
        if self.usage:
            self._mark_usage(self.usage)
        # written in SQL: what the ORM holds of these records is stale
        self.env["telecom.charge"].invalidate_model(["state", "invoice_line_id"])
        self.env["telecom.usage.record"].invalidate_model(["state", "invoice_line_id"])
        self.env["telecom.subscription.line"].invalidate_model(
            ["telecom_billed_from", "telecom_billed_to"]
        )

    def _mark_usage(self, usage):
        """Usage records -> billed, with their invoice line (one statement per chunk)."""
        expected = sum(u[5] for u in usage)
        clauses = [
            SQL("u.billing_account_id = d.account"),
            SQL("u.state = 'rated'"),
            SQL("u.invoice_line_id IS NULL"),
            SQL("u.period_start < %s", self.date),
            SQL("u.usage_type_id = d.utype"),
            SQL("u.zone_id IS NOT DISTINCT FROM d.zone"),
            SQL("u.currency_id IS NOT DISTINCT FROM d.currency"),
        ]
        if self.cutover:
            clauses.append(SQL("u.period_start >= %s", self.cutover))
        self.cr.execute(
            SQL(
                """UPDATE telecom_usage_record u
                      SET state = 'billed', invoice_line_id = d.aml, write_uid = %s,
                          write_date = now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::int[], %s::int[], %s::int[], %s::int[])
                          AS d(account, utype, zone, currency, aml)
                    WHERE %s""",
                self.env.uid,
                [u[0] for u in usage],
                [u[1] for u in usage],
                [u[2] for u in usage],
                [u[3] for u in usage],
                [u[4] for u in usage],
                SQL(" AND ").join(clauses),
            )
        )
        if self.cr.rowcount != expected:
            raise UserError(
                self.env._(
                    "Usage changed while it was being billed (%(got)s records instead of "
                    "%(expected)s); retry.",
                    got=self.cr.rowcount,
                    expected=expected,
                )
            )
