# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bill-run engine: bill one chunk of billing accounts in one transaction.

Reads in bulk (a few queries per chunk, never per account): the subscription
lines whose billed days differ from what they should be, the proration ledger
rows of the periods that changed, pending one-time charges, and rated usage
not yet invoiced, summed per usage type and zone. Builds one invoice per
account (``InvoiceSpec``), hands them all to the invoice writer, then records
what each invoice line billed: ledger rows, billed ranges, charges and usage
records set to billed with their invoice line. All of it commits together, or
not at all.

Building each invoice is ``invoice_spec.InvoiceSpecBuilder``, writing them the
``telecom.invoice.writer`` model (``engine/invoice_builder.py`` in bulk), recording
what each line billed ``billrun_links.BilledLinks``.

The raw SQL here is the bill run's hot path (README "Bill runs"); every
statement is parameterised, table and column names are constants.
"""

from collections import defaultdict
from decimal import Decimal

from odoo.tools import SQL

from odoo.addons.telecom_crm.models.billing_periods import PERIOD_MONTHS

from ..billrun import LineState, history_periods, line_pieces
from .balance_store import SUB_STATES_WITH_USAGE
from .billrun_links import BilledLinks
from .invoice_spec import InvoiceSpecBuilder
from .rating_session import RATING_LOCK


class AccountBill:
    """Everything one billing account gets on its invoice of the run's period."""

    __slots__ = (
        "account",
        "charges",
        "currency_id",
        "end",
        "months",
        "orphans",
        "pieces",
        "run_line_id",
        "start",
        "usage",
    )

    def __init__(self, run_line_id, account, start, end, months):
        self.run_line_id = run_line_id
        self.account = account  # dict of the account row
        self.currency_id = account["currency_id"]
        self.start = start
        self.end = end
        self.months = months
        self.pieces = []  # (line row, Piece)
        self.orphans = []  # ledger credit rows of deleted lines
        self.charges = []
        self.usage = []


class BillRunEngine:
    """Bill one chunk of run lines: load, build, write, link (see the module docstring)."""

    def __init__(self, run, tax_memo=None):
        self.run = run
        self.tax_memo = tax_memo  # the job's lines already taxed (FastInvoiceBuilder)
        self.env = run.env
        self.cr = run.env.cr
        self.company = run.company_id
        self.date = run.date
        self.cutover = self.company.telecom_billing_cutover_date
        self.company_currency = self.company.currency_id
        self.builder = InvoiceSpecBuilder(run)

    # -- entry point --------------------------------------------------------------------
    def process(self, run_lines, dry_run=False):
        """Bill ``run_lines`` (pending lines of the run); returns {line id: result}."""
        self.env.flush_all()
        # rating and re-rating hold this lock exclusively while they write usage:
        # the usage this chunk reads cannot change before it is marked billed
        self.cr.execute(
            SQL("SELECT pg_advisory_xact_lock_shared(%s, %s)", RATING_LOCK, self.company.id)
        )
        bills = self._load(run_lines)
        specs = []
        results = {}
        for bill in bills:
            spec = self.builder.build(bill)
            if spec is None:
                results[bill.run_line_id] = {"state": "empty"}
            else:
                specs.append(spec)
        if specs:
            writer = self.env["telecom.invoice.writer"]
            written = writer._telecom_write(
                specs, fast=self.company.telecom_billrun_fast, tax_memo=self.tax_memo
            )
            links = BilledLinks(self.env, self.company, self.date, self.cutover)
            for spec, (move_id, line_ids) in zip(specs, written, strict=True):
                results[spec.bill.run_line_id] = {"state": "done", "move_id": move_id}
                if not dry_run:
                    links.add(spec, move_id, line_ids)
            if not dry_run:
                links.flush()
            totals = self._totals([w[0] for w in written])
            for spec, (move_id, _lines) in zip(specs, written, strict=True):
                results[spec.bill.run_line_id].update(totals[move_id])
                results[spec.bill.run_line_id].update(self._section_totals(spec))
        return results

    # -- loading ----------------------------------------------------------------------------
    def _load(self, run_lines):
        cr = self.cr
        lines_by_account = {}
        for line in run_lines:
            lines_by_account[line.billing_account_id.id] = line
        account_ids = list(lines_by_account)
        cr.execute(
            SQL(
                """SELECT a.id, a.name, a.partner_id, a.currency_id, a.payment_term_id,
                          a.fiscal_position_id, a.billing_day, a.billing_period_months,
                          a.invoice_delivery,
                          COALESCE(a.invoice_partner_id, a.payer_id, a.partner_id),
                          a.mandate_id
                     FROM telecom_billing_account a WHERE a.id = ANY(%s)""",
                account_ids,
            )
        )
        bills = {}
        for (
            aid,
            name,
            partner,
            currency,
            term,
            fpos,
            bday,
            months,
            delivery,
            invoice_partner,
            mandate,
        ) in cr.fetchall():
            run_line = lines_by_account[aid]
            account = {
                "id": aid,
                "name": name,
                "partner_id": partner,
                "currency_id": currency or self.company_currency.id,
                "payment_term_id": term,
                "fiscal_position_id": fpos,
                "billing_day": bday,
                "invoice_delivery": delivery,
                "invoice_partner_id": invoice_partner,
                "mandate_id": mandate,
            }
            bills[aid] = AccountBill(
                run_line.id, account, run_line.period_start, run_line.period_end, months or 1
            )
        # company-dependent properties of the invoice partners, read in one go
        partners = (
            self.env["res.partner"]
            .with_company(self.company)
            .browse({bill.account["invoice_partner_id"] for bill in bills.values()})
        )
        partners.fetch(
            [
                "commercial_partner_id",
                "property_account_position_id",
                "property_payment_term_id",
                "property_account_receivable_id",
            ]
        )
        self.builder.partners = {partner.id: partner for partner in partners}
        self._load_recurring(bills)
        self._load_orphans(bills)
        self._load_charges(bills)
        self._load_usage(bills)
        return [bills[aid] for aid in account_ids if aid in bills]

    def _load_recurring(self, bills):
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT l.id, s.billing_account_id, l.subscription_id, s.name,
                          COALESCE(s.phone_number, s.circuit_id, s.username), l.product_id,
                          l.name, l.kind, l.quantity, l.price_unit, l.date_start, l.date_end,
                          l.telecom_billed_from, l.telecom_billed_to,
                          t.telecom_proration_policy, t.telecom_recurring_period, l.currency_id
                     FROM telecom_subscription_line l
                     JOIN telecom_subscription s ON s.id = l.subscription_id
                     JOIN product_product p ON p.id = l.product_id
                     JOIN product_template t ON t.id = p.product_tmpl_id
                    WHERE s.billing_account_id = ANY(%s) AND s.state IN %s
                      AND l.price_unit <> 0
                      AND NOT (l.date_end IS NOT NULL AND l.telecom_billed_to = l.date_end
                               AND l.telecom_billed_from IS NOT NULL)
                    ORDER BY s.name, l.subscription_id, l.date_start, l.id""",
                list(bills),
                SUB_STATES_WITH_USAGE,
            )
        )
        rows = cr.fetchall()
        states = []
        for (
            lid,
            aid,
            sid,
            sname,
            ident,
            product,
            lname,
            kind,
            qty,
            price,
            dstart,
            dend,
            bfrom,
            bto,
            policy,
            period,
            currency,
        ) in rows:
            bill = bills[aid]
            state = LineState(
                date_start=dstart,
                date_end=dend,
                price=Decimal(str(price)),
                quantity=Decimal(str(qty)),
                product_months=PERIOD_MONTHS.get(period, 1),
                policy=policy or "daily",
                billed_from=bfrom,
                billed_to=bto,
            )
            row = {
                "line_id": lid,
                "subscription_id": sid,
                "subscription": sname,
                "ident": ident,
                "product_id": product,
                "name": lname,
                "kind": kind,
                "currency_id": currency,
            }
            states.append((bill, row, state))
        # the ledger amounts of the periods whose coverage changed (rare: a line
        # that simply runs on needs none)
        wanted = defaultdict(set)
        for bill, row, state in states:
            for start in history_periods(
                state, bill.end, bill.account["billing_day"], bill.months, self.cutover
            ):
                wanted[row["line_id"]].add(start)
        billed = {}
        if wanted:
            cr.execute(
                SQL(
                    """SELECT line_ref, period_start, SUM(amount)::text
                         FROM telecom_billed_recurring
                        WHERE line_ref = ANY(%s) AND period_start = ANY(%s)
                        GROUP BY line_ref, period_start""",
                    list(wanted),
                    sorted({d for starts in wanted.values() for d in starts}),
                )
            )
            for ref, start, amount in cr.fetchall():
                billed[(ref, start)] = Decimal(amount)
        for bill, row, state in states:
            for start in wanted.get(row["line_id"], ()):
                state.billed[start] = billed.get((row["line_id"], start), Decimal(0))
            digits = self.builder.digits(bill.currency_id)
            pieces = line_pieces(
                state,
                bill.end,
                bill.account["billing_day"],
                bill.months,
                digits=digits,
                not_before=self.cutover,
            )
            for piece in pieces:
                bill.pieces.append((row, piece, state))

    def _load_orphans(self, bills):
        """Ledger rows of deleted lines (never ran) still holding a billed amount."""
        self.cr.execute(
            SQL(
                """SELECT r.billing_account_id, r.line_ref, r.period_start, r.subscription_id,
                          s.name, r.product_id, SUM(r.amount)::text
                     FROM telecom_billed_recurring r
                     LEFT JOIN telecom_subscription s ON s.id = r.subscription_id
                    WHERE r.billing_account_id = ANY(%s) AND r.line_id IS NULL
                    GROUP BY 1, 2, 3, 4, 5, 6 HAVING SUM(r.amount) <> 0""",
                list(bills),
            )
        )
        for aid, ref, start, sid, sname, product, amount in self.cr.fetchall():
            bills[aid].orphans.append(
                {
                    "line_ref": ref,
                    "period_start": start,
                    "subscription_id": sid,
                    "subscription": sname,
                    "product_id": product,
                    "amount": Decimal(amount),
                }
            )

    def _load_charges(self, bills):
        # locked: a charge cancelled by a user meanwhile waits for this transaction
        self.cr.execute(
            SQL(
                """SELECT c.id, c.billing_account_id, c.subscription_id, s.name, c.product_id,
                          c.kind, c.description, c.amount::text, c.currency_id, c.date
                     FROM telecom_charge c
                     LEFT JOIN telecom_subscription s ON s.id = c.subscription_id
                    WHERE c.billing_account_id = ANY(%s) AND c.state = 'pending'
                      AND c.date <= %s
                    ORDER BY c.date, c.id
                      FOR UPDATE OF c""",
                list(bills),
                max(b.end for b in bills.values()) if bills else self.date,
            )
        )
        for (
            cid,
            aid,
            sid,
            sname,
            product,
            kind,
            description,
            amount,
            currency,
            day,
        ) in self.cr.fetchall():
            bill = bills[aid]
            if day > bill.end:
                continue
            bill.charges.append(
                {
                    "id": cid,
                    "subscription_id": sid,
                    "subscription": sname,
                    "product_id": product,
                    "kind": kind,
                    "description": description,
                    "amount": Decimal(amount),
                    "currency_id": currency,
                    "date": day,
                }
            )

    def _load_usage(self, bills):
        """Rated usage of earlier periods (in arrears), per usage type, zone and currency."""
        clauses = [
            SQL("u.billing_account_id = ANY(%s)", list(bills)),
            SQL("u.state = 'rated'"),
            SQL("u.invoice_line_id IS NULL"),
            SQL("u.period_start < %s", self.date),
        ]
        if self.cutover:
            clauses.append(SQL("u.period_start >= %s", self.cutover))
        self.cr.execute(
            SQL(
                """SELECT u.billing_account_id, u.usage_type_id, u.zone_id, u.currency_id,
                          COUNT(*), SUM(u.quantity), SUM(u.allowance_quantity),
                          SUM(u.amount)::text, MIN(u.period_start), MAX(u.period_start)
                     FROM telecom_usage_record u
                    WHERE %s
                    GROUP BY 1, 2, 3, 4
                    ORDER BY 1, 2, 3 NULLS FIRST, 4""",
                SQL(" AND ").join(clauses),
            )
        )
        for (
            aid,
            utype,
            zone,
            currency,
            count,
            qty,
            allowance,
            amount,
            pfirst,
            plast,
        ) in self.cr.fetchall():
            bills[aid].usage.append(
                {
                    "usage_type_id": utype,
                    "zone_id": zone,
                    "currency_id": currency,
                    "count": count,
                    "quantity": int(qty or 0),
                    "allowance": int(allowance or 0),
                    "amount": Decimal(amount or "0"),
                    "first_period": pfirst,
                    "last_period": plast,
                }
            )

    # -- results ------------------------------------------------------------------------------
    def _totals(self, move_ids):
        self.cr.execute(
            SQL(
                """SELECT id, move_type, amount_untaxed::text, amount_tax::text,
                          amount_total::text
                     FROM account_move WHERE id = ANY(%s)""",
                move_ids,
            )
        )
        out = {}
        for mid, move_type, untaxed, tax, total in self.cr.fetchall():
            sign = -1 if move_type == "out_refund" else 1
            out[mid] = {
                "amount_untaxed": sign * Decimal(untaxed or 0),
                "amount_tax": sign * Decimal(tax or 0),
                "amount_total": sign * Decimal(total or 0),
            }
        return out

    def _section_totals(self, spec):
        sign = -1 if spec.move_type == "out_refund" else 1
        totals = {
            "recurring_amount": Decimal(0),
            "one_time_amount": Decimal(0),
            "usage_amount": Decimal(0),
            "usage_count": 0,
        }
        for line in spec.lines:
            section = line.get("telecom_section")
            if line.get("display_type") == "line_section" or not section:
                continue
            key = {"recurring": "recurring_amount", "usage": "usage_amount"}.get(
                section, "one_time_amount"
            )
            totals[key] += sign * line["price_unit"]
            totals["usage_count"] += line.get("telecom_usage_count") or 0
        return totals
