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

The raw SQL here is the bill run's hot path (README "Bill runs"); every
statement is parameterised, table and column names are constants.
"""

import logging
from collections import defaultdict
from decimal import Decimal

from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.billing_periods import PERIOD_MONTHS

from ..billrun import LineState, history_periods, line_pieces, period_end, quantize
from ..engine.rating_session import RATING_LOCK
from .invoice_writer import InvoiceDefaults
from .telecom_usage_record import human_quantity

_logger = logging.getLogger(__name__)

SUB_STATES_BILLED = ("active", "suspended", "terminated")
KIND_ORDER = {"plan": 0, "addon": 1, "equipment": 2}
GENERIC_PRODUCTS = {
    "usage": "telecom_billing.product_telecom_usage",
    "one_time": "telecom_billing.product_telecom_one_time",
    "etf": "telecom_billing.product_telecom_etf",
    "equipment": "telecom_billing.product_telecom_one_time",
    "discount": "telecom_billing.product_telecom_discount",
    "adjustment": "telecom_billing.product_telecom_adjustment",
}


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


class InvoiceSpec:
    """An invoice to write: header values and lines (with what each line bills)."""

    __slots__ = ("bill", "header", "lines", "move_type", "untaxed")

    def __init__(self, bill, header, lines, move_type, untaxed):
        self.bill = bill
        self.header = header
        self.lines = lines  # dicts; "_link" says what the line bills
        self.move_type = move_type
        self.untaxed = untaxed


class BillRunEngine:
    def __init__(self, run):
        self.run = run
        self.env = run.env
        self.cr = run.env.cr
        self.company = run.company_id
        self.date = run.date
        self.cutover = self.company.telecom_billing_cutover_date
        self.journal = self.company._telecom_bill_journal()
        self.company_currency = self.company.currency_id
        self._product_cache = {}
        self.defaults = InvoiceDefaults(self.env, self.company)
        self._partners = {}
        self._generic = {}
        self._usage_products = {}
        self._labels = {}

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
            spec = self._build(bill)
            if spec is None:
                results[bill.run_line_id] = {"state": "empty"}
            else:
                specs.append(spec)
        if specs:
            writer = self.env["telecom.invoice.writer"]
            written = writer._telecom_write(specs, fast=self.company.telecom_billrun_fast)
            links = Links()
            for spec, (move_id, line_ids) in zip(specs, written, strict=True):
                results[spec.bill.run_line_id] = {"state": "done", "move_id": move_id}
                if not dry_run:
                    self._link(spec, move_id, line_ids, links)
            if not dry_run:
                self._flush_links(links)
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
        self._partners = {partner.id: partner for partner in partners}
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
                SUB_STATES_BILLED,
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
            digits = self._digits(bill.currency_id)
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

    # -- building ---------------------------------------------------------------------------
    def _digits(self, currency_id):
        currency = self.env["res.currency"].browse(currency_id)
        return currency.decimal_places

    def _product(self, product_id):
        product = self._product_cache.get(product_id)
        if product is None:
            product = self._product_cache[product_id] = self.env["product.product"].browse(
                product_id
            )
        return product

    def _generic_product(self, key):
        product = self._generic.get(key)
        if product is None:
            product = self._generic[key] = self.env.ref(GENERIC_PRODUCTS[key])
        return product

    def _usage_product(self, usage_type_id):
        product = self._usage_products.get(usage_type_id)
        if product is None:
            utype = self.env["telecom.usage.type"].browse(usage_type_id)
            product = utype.product_id or self._generic_product("usage")
            self._usage_products[usage_type_id] = product
        return product

    def _partner_record(self, partner_id):
        partner = self._partners.get(partner_id)
        if partner is None:
            partner = self.env["res.partner"].with_company(self.company).browse(partner_id)
        return partner

    def _usage_order(self, group):
        utype = self.env["telecom.usage.type"].browse(group["usage_type_id"])
        zone = self.env["telecom.tariff.zone"].browse(group["zone_id"])
        return (utype.name or "", zone.name or "", group["currency_id"] or 0)

    def _fiscal_position(self, account):
        return self.defaults.fiscal_position(
            self._partner_record(account["invoice_partner_id"]), account["fiscal_position_id"]
        )

    def _taxes_and_account(self, product, fpos):
        return self.defaults.taxes_and_account(product, fpos)

    def _label(self, key):
        """Translated labels, looked up once per chunk."""
        if not self._labels:
            self._labels = {
                "daily": self.env._("daily proration"),
                "full": self.env._("full period"),
                "none": self.env._("no partial periods"),
                "recurring": self.env._("Recurring charges"),
                "one_time": self.env._("One-time charges"),
                "usage": self.env._("Usage"),
                "adjustment": self.env._("Adjustments"),
            }
        return self._labels[key]

    def _fmt_date(self, day):
        return day.strftime("%d/%m/%Y")

    def _build(self, bill):
        """The invoice of one account, or None when there is nothing to bill."""
        account = bill.account
        fpos = self._fiscal_position(account)
        digits = self._digits(bill.currency_id)
        sections = {"recurring": [], "one_time": [], "usage": [], "adjustment": []}
        pieces = sorted(
            bill.pieces,
            key=lambda item: (
                item[1].period_start,
                item[0]["subscription"],
                KIND_ORDER.get(item[0]["kind"], 9),
                item[0]["line_id"],
            ),
        )
        for row, piece, _state in pieces:
            sections["recurring"].append(self._recurring_line(row, piece, fpos))
        for orphan in bill.orphans:
            sections["recurring"].append(self._orphan_line(orphan, fpos, digits))
        for charge in bill.charges:
            section = "adjustment" if charge["kind"] == "adjustment" else "one_time"
            sections[section].append(self._charge_line(charge, bill, fpos))
        for group in sorted(bill.usage, key=self._usage_order):
            sections["usage"].append(self._usage_line(group, bill, fpos))
        lines = []
        untaxed = Decimal(0)
        for key in ("recurring", "one_time", "usage", "adjustment"):
            if not sections[key]:
                continue
            lines.append(
                {"display_type": "line_section", "name": self._label(key), "telecom_section": key}
            )
            for line in sections[key]:
                untaxed += line["price_unit"]
                lines.append(line)
        if len(lines) == 0:
            return None
        move_type = "out_invoice"
        if untaxed < 0:
            # a net credit (terminations, adjustments): Odoo posts no negative invoice
            move_type = "out_refund"
            for line in lines:
                if line.get("display_type") != "line_section":
                    line["price_unit"] = -line["price_unit"]
        for index, line in enumerate(lines, start=1):
            line["sequence"] = index * 10
        term = account["payment_term_id"]
        if not term:
            term = self._partner_record(account["invoice_partner_id"]).property_payment_term_id.id
        header = {
            "move_type": move_type,
            "partner_id": account["invoice_partner_id"],
            "currency_id": bill.currency_id,
            "journal_id": self.journal.id,
            "company_id": self.company.id,
            "invoice_date": self.date,
            "date": self.date,
            "invoice_payment_term_id": term or False,
            "fiscal_position_id": fpos.id or False,
            "invoice_origin": self.run.name,
            "ref": self.env._(
                "%(account)s, period %(start)s - %(end)s",
                account=account["name"],
                start=self._fmt_date(bill.start),
                end=self._fmt_date(bill.end),
            ),
            "telecom_billing_account_id": account["id"],
            "telecom_kind": "bill",
            "telecom_bill_run_id": self.run.id,
            "telecom_period_start": bill.start,
            "telecom_period_end": bill.end,
        }
        if not term:
            # without payment terms the bill is due on its date (Odoo would take today)
            header["invoice_date_due"] = self.date
        header.update(self._payment_values(account, move_type))
        return InvoiceSpec(bill, header, lines, move_type, quantize(untaxed, digits))

    def _payment_values(self, account, move_type):
        """Direct debit: the payment mode and mandate of accounts with a valid mandate."""
        if move_type != "out_invoice" or not account.get("mandate_id"):
            return {}
        mode = self.company.telecom_sdd_payment_mode_id
        if not mode:
            return {}
        mandate = self.env["account.banking.mandate"].browse(account["mandate_id"])
        if mandate.state != "valid":
            return {}
        return {"payment_mode_id": mode.id, "mandate_id": mandate.id}

    def _recurring_line(self, row, piece, fpos):
        product = self._product(row["product_id"])
        taxes, income = self._taxes_and_account(product, fpos)
        who = row["subscription"] + (f" {row['ident']}" if row["ident"] else "")
        if piece.cover_from:
            span = f"{self._fmt_date(piece.cover_from)} - {self._fmt_date(piece.cover_to)}"
        else:
            span = self.env._(
                "not running in %(start)s - %(end)s",
                start=self._fmt_date(piece.period_start),
                end=self._fmt_date(piece.period_end),
            )
        if piece.billed:
            detail = self.env._(
                "correction: %(covered)s/%(days)s days now worth %(amount)s, %(billed)s billed "
                "before",
                covered=piece.covered,
                days=piece.days,
                amount=piece.amount,
                billed=piece.billed,
            )
        elif piece.covered < piece.days:
            detail = self.env._(
                "%(covered)s/%(days)s days of %(rate)s (%(policy)s)",
                covered=piece.covered,
                days=piece.days,
                rate=piece.rate,
                policy=self._label(piece.policy),
            )
        else:
            detail = ""
        name = f"{row['name']} - {who}\n{span}" + (f", {detail}" if detail else "")
        return {
            "display_type": "product",
            "name": name,
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": piece.delta,
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "recurring",
            "telecom_subscription_id": row["subscription_id"],
            "telecom_subscription_line_id": row["line_id"],
            "telecom_period_from": piece.cover_from or piece.period_start,
            "telecom_period_to": piece.cover_to or piece.period_end,
            "telecom_days": piece.covered,
            "telecom_period_days": piece.days,
            "telecom_rate": piece.rate,
            "telecom_proration": piece.policy,
            "_link": ("recurring", row, piece),
        }

    def _orphan_line(self, orphan, fpos, digits):
        product = (
            self._product(orphan["product_id"])
            if orphan["product_id"]
            else (self._generic_product("adjustment"))
        )
        taxes, income = self._taxes_and_account(product, fpos)
        start = orphan["period_start"]
        name = self.env._(
            "%(product)s - %(sub)s\nCredit: cancelled before it started (period from %(start)s)",
            product=product.name,
            sub=orphan["subscription"] or "",
            start=self._fmt_date(start),
        )
        return {
            "display_type": "product",
            "name": name,
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": quantize(-orphan["amount"], digits),
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "recurring",
            "telecom_subscription_id": orphan["subscription_id"],
            "telecom_period_from": start,
            "_link": ("orphan", orphan),
        }

    def _convert(self, amount, from_currency_id, bill):
        if not from_currency_id or from_currency_id == bill.currency_id:
            return amount
        source = self.env["res.currency"].browse(from_currency_id)
        target = self.env["res.currency"].browse(bill.currency_id)
        converted = source._convert(float(amount), target, self.company, self.date)
        return Decimal(str(converted))

    def _charge_line(self, charge, bill, fpos):
        product = (
            self._product(charge["product_id"])
            if charge["product_id"]
            else self._generic_product(charge["kind"])
        )
        taxes, income = self._taxes_and_account(product, fpos)
        digits = self._digits(bill.currency_id)
        amount = quantize(self._convert(charge["amount"], charge["currency_id"], bill), digits)
        name = charge["description"]
        if charge["subscription"]:
            name = f"{name} - {charge['subscription']}"
        return {
            "display_type": "product",
            "name": name,
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": amount,
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "adjustment" if charge["kind"] == "adjustment" else "one_time",
            "telecom_subscription_id": charge["subscription_id"],
            "telecom_period_from": charge["date"],
            "_link": ("charge", charge),
        }

    def _usage_line(self, group, bill, fpos):
        utype = self.env["telecom.usage.type"].browse(group["usage_type_id"])
        zone = self.env["telecom.tariff.zone"].browse(group["zone_id"])
        product = self._usage_product(group["usage_type_id"])
        taxes, income = self._taxes_and_account(product, fpos)
        digits = self._digits(bill.currency_id)
        amount = quantize(self._convert(group["amount"], group["currency_id"], bill), digits)
        unit = utype.unit
        title = utype.name + (f", {zone.name}" if zone else "")
        detail = self.env._(
            "%(count)s records, %(quantity)s",
            count=group["count"],
            quantity=human_quantity(group["quantity"], unit),
        )
        if group["allowance"]:
            detail += self.env._(
                " (%(allowance)s from allowances)",
                allowance=human_quantity(group["allowance"], unit),
            )
        period = self._fmt_date(group["first_period"])
        if group["last_period"] != group["first_period"]:
            period += f" - {self._fmt_date(group['last_period'])}"
        return {
            "display_type": "product",
            "name": f"{title}\n{detail}, {self.env._('period of')} {period}",
            "product_id": product.id,
            "quantity": 1.0,
            "price_unit": amount,
            "tax_ids": taxes,
            "account_id": income,
            "telecom_section": "usage",
            "telecom_usage_type_id": utype.id,
            "telecom_zone_id": zone.id or False,
            "telecom_usage_count": group["count"],
            "telecom_usage_quantity": group["quantity"],
            "telecom_allowance_quantity": group["allowance"],
            "telecom_period_from": group["first_period"],
            "_link": ("usage", group),
        }

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

    # -- linking ----------------------------------------------------------------------------
    def _link(self, spec, move_id, line_ids, links):
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
                links.ledger.append(
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
                links.ranges[row["line_id"]] = self._billed_range(state, bill)
            elif kind == "orphan":
                orphan = link[1]
                links.ledger.append(
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
                links.charges.append((link[1]["id"], aml_id))
            elif kind == "usage":
                group = link[1]
                links.usage.append(
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

    def _flush_links(self, links):
        cr = self.cr
        uid = self.env.uid
        if links.ledger:
            cols = list(zip(*links.ledger, strict=True))
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
        if links.ranges:
            ids = list(links.ranges)
            cr.execute(
                SQL(
                    """UPDATE telecom_subscription_line l
                          SET telecom_billed_from = d.f, telecom_billed_to = d.t
                         FROM unnest(%s::int[], %s::date[], %s::date[]) AS d(id, f, t)
                        WHERE l.id = d.id""",
                    ids,
                    [links.ranges[i][0] for i in ids],
                    [links.ranges[i][1] for i in ids],
                )
            )
        if links.charges:
            cr.execute(
                SQL(
                    """UPDATE telecom_charge c SET state = 'billed', invoice_line_id = d.aml,
                              write_uid = %s, write_date = now() at time zone 'UTC'
                         FROM unnest(%s::int[], %s::int[]) AS d(id, aml)
                        WHERE c.id = d.id AND c.state = 'pending'""",
                    uid,
                    [c[0] for c in links.charges],
                    [c[1] for c in links.charges],
                )
            )
            if cr.rowcount != len(links.charges):
                raise UserError(self.env._("A charge changed while it was being billed; retry."))
        if links.usage:
            self._mark_usage(links.usage)
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


class Links:
    """What a chunk's invoice lines billed, written in a few statements."""

    __slots__ = ("charges", "ledger", "ranges", "usage")

    def __init__(self):
        self.ledger = []
        self.ranges = {}
        self.charges = []
        self.usage = []


__all__ = ["AccountBill", "BillRunEngine", "InvoiceSpec", "period_end"]
