# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fast invoice builder: customer invoices inserted in bulk with Odoo's values.

Odoo's own invoice creation costs ~40 ms per invoice (dynamic lines are
re-synchronised on every write). This builder produces the same journal items in
bulk:

* taxes, tax lines and payment terms are computed with Odoo's own tax engine
  (``account.tax._prepare_base_line_for_taxes_computation`` ... and
  ``account.payment.term._compute_terms``), the same helpers the accounting
  forms use;
* moves and lines are inserted with one statement each per chunk, with the
  values Odoo would store; every other stored computed field (of this module,
  of Odoo, of any installed add-on) is then computed by the ORM in batch, so
  add-ons that extend invoices keep working.

Driven by the ``telecom.invoice.writer`` model (``models/telecom_invoice_writer.py``);
posting in bulk is ``invoice_poster.FastPoster``.
"""

import json
from collections import defaultdict
from decimal import Decimal

from odoo import _, fields
from odoo.exceptions import UserError
from odoo.models import MAGIC_COLUMNS
from odoo.tools import SQL

QUIET = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_notrack": True,
    "mail_auto_subscribe_no_notify": True,
}

# the product columns of tax and payment term lines
NO_PRODUCT = {
    "product_id": False,
    "product_uom_id": False,
    "quantity": 0.0,
    "price_unit": 0.0,
    "price_subtotal": 0.0,
    "price_total": 0.0,
}


class FastInvoiceBuilder:
    """Bulk insert of customer invoices with Odoo's values (see the module docstring)."""

    # account.move columns written here; the other stored fields get their default or
    # are computed by the ORM afterwards
    MOVE_FIELDS = (
        "move_type",
        "state",
        "name",
        "journal_id",
        "company_id",
        "currency_id",
        "partner_id",
        "commercial_partner_id",
        "fiscal_position_id",
        "invoice_payment_term_id",
        "invoice_date",
        "date",
        "invoice_date_due",
        "invoice_origin",
        "ref",
        "auto_post",
        "amount_untaxed",
        "amount_tax",
        "amount_total",
        "amount_residual",
        "amount_untaxed_signed",
        "amount_untaxed_in_currency_signed",
        "amount_tax_signed",
        "amount_total_signed",
        "amount_total_in_currency_signed",
        "amount_residual_signed",
        "payment_state",
        "invoice_currency_rate",
        "payment_reference",
    )
    LINE_FIELDS = (
        "move_id",
        "journal_id",
        "company_id",
        "company_currency_id",
        "currency_id",
        "account_id",
        "partner_id",
        "display_type",
        "sequence",
        "name",
        "product_id",
        "product_uom_id",
        "quantity",
        "price_unit",
        "discount",
        "price_subtotal",
        "price_total",
        "balance",
        "debit",
        "credit",
        "amount_currency",
        "amount_residual",
        "amount_residual_currency",
        "reconciled",
        "tax_line_id",
        "tax_group_id",
        "tax_repartition_line_id",
        "tax_base_amount",
        "tax_tag_invert",
        "date",
        "invoice_date",
        "date_maturity",
        "parent_state",
        "move_name",
        "ref",
        "discount_date",
        "discount_amount_currency",
        "discount_balance",
        "tax_ids",
        "tax_tag_ids",
    )

    # distinct lines whose tax details a memo keeps (a few MB at most)
    TAX_DETAILS_MEMO = 5000

    def __init__(self, env, tax_memo=None):
        self.env = env(context=dict(env.context, **QUIET))
        self.Move = self.env["account.move"]
        self.Line = self.env["account.move.line"]
        self.Tax = self.env["account.tax"]
        self._currency = {}
        self._partner = {}
        self._receivable = {}
        self._analytic = {}
        # see _add_tax_details; a caller's dict lives across its builders
        self._tax_details = {} if tax_memo is None else tax_memo

    # -- values ------------------------------------------------------------------------------
    def currency(self, currency_id):
        found = self._currency.get(currency_id)
        if found is None:
            found = self._currency[currency_id] = self.env["res.currency"].browse(currency_id)
        return found

    def partner(self, partner_id):
        found = self._partner.get(partner_id)
        if found is None:
            found = self._partner[partner_id] = self.env["res.partner"].browse(partner_id)
        return found

    def receivable(self, partner, company, fpos):
        key = (partner.id, fpos.id)
        found = self._receivable.get(key)
        if found is None:
            account = partner.with_company(company).property_account_receivable_id
            if fpos:
                account = fpos.map_account(account)
            if not account:
                raise UserError(
                    _("%(partner)s has no receivable account.", partner=partner.display_name)
                )
            found = self._receivable[key] = account
        return found

    def compute(self, spec):
        """(move values, [line values], extra lines) of one spec, as Odoo would store them."""
        header = spec.header
        company = self.env["res.company"].browse(header["company_id"])
        currency = self.currency(header["currency_id"])
        partner = self.partner(header["partner_id"])
        commercial = partner.commercial_partner_id
        fpos = self.env["account.fiscal.position"].browse(header.get("fiscal_position_id"))
        is_refund = spec.move_type == "out_refund"
        direction = 1 if is_refund else -1  # out_invoice: revenue on the credit side
        inbound = not is_refund  # account.move.is_inbound(): tags inverted on invoices
        date = header["invoice_date"]
        rate = 1.0
        if currency != company.currency_id:
            rate = self.env["res.currency"]._get_conversion_rate(
                company.currency_id, currency, company, date
            )
        base_lines = []
        for index, line in enumerate(spec.lines):
            if line.get("display_type") == "line_section":
                continue
            base_lines.append(
                self.Tax._prepare_base_line_for_taxes_computation(
                    None,
                    id=index,
                    product_id=self.env["product.product"].browse(line["product_id"]),
                    tax_ids=line["tax_ids"],
                    price_unit=float(line["price_unit"]),
                    quantity=float(line.get("quantity", 1.0)),
                    currency_id=currency,
                    rate=rate,
                    sign=direction,
                    is_refund=is_refund,
                    tax_tag_invert=inbound,
                    partner_id=commercial,
                    account_id=self.env["account.account"].browse(line["account_id"]),
                )
            )
        self._add_tax_details(base_lines, company)
        self.Tax._round_base_lines_tax_details(base_lines, company)
        self.Tax._add_accounting_data_in_base_lines_tax_details(
            base_lines, company, include_caba_tags=False
        )
        results = self.Tax._prepare_tax_lines(base_lines, company)
        return company, currency, partner, commercial, fpos, direction, rate, base_lines, results

    def _add_tax_details(self, base_lines, company):
        """``account.tax._add_tax_details_in_base_lines``, each distinct line computed once.

        Odoo's per-line tax computation (``_add_tax_details_in_base_line``) reads the
        line's amount, quantity, discount, taxes, product, currency, rate and special
        mode, and the company's rounding method; bill-run lines repeat the same prices
        (a plan's fee, usage totals to the cent) over thousands of invoices, so the
        details of a line already seen are copied instead of computed again. The later
        steps (rounding over the invoice, accounting data) run on every line as before
        and add keys to these dicts: each line gets its own copy. A bill-run job keeps
        one memo for all its chunks: its invoices are taxed with the taxes as the job
        first saw them."""
        memo = self._tax_details
        for base in base_lines:
            key = (
                company.id,
                base["product_id"].id,
                base["tax_ids"]._ids,
                base["price_unit"],
                base["quantity"],
                base["discount"],
                base["currency_id"].id,
                base["rate"],
                base["special_mode"],
                repr(base["manual_tax_amounts"]),
            )
            details = memo.get(key)
            if details is None:
                self.Tax._add_tax_details_in_base_line(base, company)
                if len(memo) < self.TAX_DETAILS_MEMO:
                    memo[key] = self._copy_tax_details(base["tax_details"])
            else:
                base["tax_details"] = self._copy_tax_details(details)

    @staticmethod
    def _copy_tax_details(details):
        """A line's tax details, its own: the dicts the later steps add keys to are
        copied (their values are numbers and records)."""
        return {**details, "taxes_data": [dict(data) for data in details["taxes_data"]]}

    def write(self, specs):  # pylint: disable=method-required-super
        env = self.env
        cr = env.cr
        uid = env.uid
        # partners and their company-dependent accounts, read in one go
        for company_id in {spec.header["company_id"] for spec in specs}:
            partners = (
                env["res.partner"]
                .with_company(company_id)
                .browse(
                    {
                        spec.header["partner_id"]
                        for spec in specs
                        if spec.header["company_id"] == company_id
                    }
                )
            )
            partners.fetch(["commercial_partner_id"])
            commercials = partners.commercial_partner_id
            commercials.fetch(["property_account_receivable_id"])
            for partner in partners | commercials:
                self._partner.setdefault(partner.id, partner)
        moves_values, lines_values = [], []
        for spec in specs:
            move_vals, line_vals = self._spec_values(spec)
            moves_values.append(move_vals)
            lines_values.append(line_vals)
        # defaults of the other stored, non-computed fields (as create() would apply)
        move_defaults = self._defaults(self.Move, self.MOVE_FIELDS, specs[0].header)
        line_defaults = self._defaults(self.Line, self.LINE_FIELDS, {})
        move_ids = self._insert(self.Move, [{**move_defaults, **m} for m in moves_values], uid)
        flat = []
        for move_id, line_vals in zip(move_ids, lines_values, strict=True):
            for vals in line_vals:
                vals["move_id"] = move_id
                flat.append({**line_defaults, **vals})
        line_ids = self._insert(self.Line, flat, uid)
        self._insert_m2m(flat, line_ids)
        moves = self.Move.browse(move_ids)
        lines = self.Line.browse(line_ids)
        self._seed_cache(moves, [{**move_defaults, **m} for m in moves_values])
        self._seed_cache(lines, flat)
        self._compute_remaining(moves, moves_values, lines, flat)
        env.flush_all()
        out = []
        position = 0
        for move_id, spec, line_vals in zip(move_ids, specs, lines_values, strict=True):
            ids = line_ids[position : position + len(line_vals)]
            position += len(line_vals)
            # the spec's lines come first (in order), then tax and payment term lines
            out.append((move_id, ids[: len(spec.lines)]))
        cr.execute(SQL("SELECT 1"))  # keep the cursor warm for the caller's next query
        return out

    def _has_analytic_models(self, company):
        key = company.id
        if key not in self._analytic:
            self._analytic[key] = bool(
                self.env["account.analytic.distribution.model"]
                .sudo()
                .search_count([("company_id", "in", (False, company.id))], limit=1)
            )
        return self._analytic[key]

    def _spec_values(self, spec):
        (company, currency, partner, commercial, fpos, direction, rate, base_lines, results) = (
            self.compute(spec)
        )
        header = spec.header
        date = header["invoice_date"]
        common = {
            "journal_id": header["journal_id"],
            "company_id": company.id,
            "company_currency_id": company.currency_id.id,
            "currency_id": currency.id,
            "partner_id": commercial.id,
            "date": date,
            "invoice_date": date,
            "parent_state": "draft",
            "move_name": "/",
            "ref": header.get("ref") or False,
            "reconciled": False,
            "discount": 0.0,
            "tax_tag_invert": False,
            # a bill-run invoice comes from no bank statement nor payment
            "statement_line_id": False,
            "statement_id": False,
            "payment_id": False,
        }
        if not self._has_analytic_models(company):
            # no analytic distribution model at all: what the compute would find
            common["analytic_distribution"] = False
        updates = {base["id"]: upd for base, upd in results["base_lines_to_update"]}
        lines = []
        untaxed_cur = untaxed = 0.0
        for index, line in enumerate(spec.lines):
            vals = {**common, **{k: v for k, v in line.items() if not k.startswith("_")}}
            vals["sequence"] = line["sequence"]
            if line.get("display_type") == "line_section":
                vals.update(
                    account_id=False,
                    quantity=0.0,
                    price_unit=0.0,
                    balance=0.0,
                    debit=0.0,
                    credit=0.0,
                    amount_currency=0.0,
                    amount_residual=0.0,
                    amount_residual_currency=0.0,
                    price_subtotal=0.0,
                    price_total=0.0,
                    tax_ids=[],
                    tax_tag_ids=[],
                    product_id=False,
                )
                lines.append(vals)
                continue
            upd = updates[index]
            base = next(b for b in base_lines if b["id"] == index)
            details = base["tax_details"]
            subtotal = details["total_excluded_currency"] + details["delta_total_excluded_currency"]
            total = subtotal + sum(t["tax_amount_currency"] for t in details["taxes_data"])
            # stored as the ORM stores a monetary value: rounded by its currency
            balance = company.currency_id.round(upd["balance"])
            amount_currency = currency.round(upd["amount_currency"])
            product = base["product_id"]
            vals.update(
                price_unit=float(line["price_unit"]),
                quantity=float(line.get("quantity", 1.0)),
                product_uom_id=product.uom_id.id or False,
                balance=balance,
                debit=balance if balance > 0 else 0.0,
                credit=-balance if balance < 0 else 0.0,
                amount_currency=amount_currency,
                amount_residual=0.0,
                amount_residual_currency=0.0,
                price_subtotal=currency.round(subtotal),
                price_total=currency.round(total),
                tax_ids=line["tax_ids"].ids,
                tax_tag_ids=upd["tax_tag_ids"][0][2] if upd["tax_tag_ids"] else [],
                tax_base_amount=0.0,
                tax_line_id=False,
                tax_group_id=False,
                tax_repartition_line_id=False,
                display_type="product",
                # account.move.line._compute_tax_tag_invert for invoices
                tax_tag_invert=spec.move_type != "out_refund"
                and bool(line["tax_ids"] or upd["tax_tag_ids"][0][2]),
            )
            untaxed_cur += amount_currency
            untaxed += balance
            lines.append(vals)
        tax_cur = tax = 0.0
        for tax_vals in results["tax_lines_to_add"]:
            repartition = self.env["account.tax.repartition.line"].browse(
                tax_vals["tax_repartition_line_id"]
            )
            tax_record = (
                self.env["account.tax"].browse(tax_vals["tax_line_id"])
                if tax_vals.get("tax_line_id")
                else repartition.tax_id
            )
            balance = company.currency_id.round(tax_vals["balance"])
            tax_amount_currency = currency.round(tax_vals["amount_currency"])
            lines.append(
                {
                    **common,
                    "display_type": "tax",
                    "sequence": 10000,  # account.move.line._compute_sequence
                    "name": tax_vals.get("name") or tax_record.name,
                    "account_id": tax_vals["account_id"],
                    "partner_id": commercial.id,
                    "currency_id": tax_vals.get("currency_id") or currency.id,
                    **NO_PRODUCT,
                    "balance": balance,
                    "debit": balance if balance > 0 else 0.0,
                    "credit": -balance if balance < 0 else 0.0,
                    "amount_currency": tax_amount_currency,
                    "amount_residual": 0.0,
                    "amount_residual_currency": 0.0,
                    "tax_base_amount": company.currency_id.round(tax_vals["tax_base_amount"]),
                    "tax_line_id": tax_record.id,
                    "tax_group_id": tax_record.tax_group_id.id,
                    "tax_repartition_line_id": repartition.id,
                    "tax_ids": tax_vals["tax_ids"][0][2] if tax_vals.get("tax_ids") else [],
                    "tax_tag_ids": tax_vals["tax_tag_ids"][0][2]
                    if tax_vals.get("tax_tag_ids")
                    else [],
                    "tax_tag_invert": spec.move_type != "out_refund",
                }
            )
            tax_cur += tax_amount_currency
            tax += balance
        terms = self._terms(spec, company, currency, untaxed_cur, untaxed, tax_cur, tax)
        receivable = self.receivable(commercial, company, fpos)
        due = max(t[0] for t in terms) if terms else date
        for day, term_cur, term_bal in terms:
            lines.append(
                {
                    **common,
                    "display_type": "payment_term",
                    "sequence": 12000,
                    "name": "",
                    "account_id": receivable.id,
                    **NO_PRODUCT,
                    "balance": term_bal,
                    "debit": term_bal if term_bal > 0 else 0.0,
                    "credit": -term_bal if term_bal < 0 else 0.0,
                    "amount_currency": term_cur,
                    "amount_residual": term_bal,
                    "amount_residual_currency": term_cur,
                    "date_maturity": day,
                    "tax_ids": [],
                    "tax_tag_ids": [],
                    "tax_base_amount": 0.0,
                    "tax_line_id": False,
                    "tax_group_id": False,
                    "tax_repartition_line_id": False,
                }
            )
        # the formulas of account.move._compute_amount (direction: -1 for invoices)
        sign = direction
        residual_cur = sum(t[1] for t in terms)
        residual = sum(t[2] for t in terms)
        company_currency = company.currency_id
        move_vals = {
            "move_type": spec.move_type,
            "state": "draft",
            "name": "/",
            "journal_id": header["journal_id"],
            "company_id": company.id,
            "currency_id": currency.id,
            "partner_id": partner.id,
            "commercial_partner_id": commercial.id,
            "fiscal_position_id": fpos.id or False,
            "invoice_payment_term_id": header.get("invoice_payment_term_id") or False,
            "invoice_date": date,
            "date": header.get("date") or date,
            "invoice_date_due": due,
            "invoice_origin": header.get("invoice_origin") or False,
            "ref": header.get("ref") or False,
            "auto_post": "no",
            "amount_untaxed": currency.round(sign * untaxed_cur),
            "amount_tax": currency.round(sign * tax_cur),
            "amount_total": currency.round(sign * (untaxed_cur + tax_cur)),
            "amount_residual": currency.round(-sign * residual_cur),
            "amount_untaxed_signed": company_currency.round(-untaxed),
            "amount_untaxed_in_currency_signed": currency.round(-untaxed_cur),
            "amount_tax_signed": company_currency.round(-tax),
            "amount_total_signed": company_currency.round(-(untaxed + tax)),
            "amount_total_in_currency_signed": currency.round(-(untaxed_cur + tax_cur)),
            "amount_residual_signed": company_currency.round(residual),
            "payment_state": "not_paid",
            "invoice_currency_rate": rate,
            # account.move._compute_payment_reference gives a draft none
            "payment_reference": header.get("payment_reference") or False,
        }
        for key, value in header.items():
            if key not in move_vals:
                move_vals[key] = value
        return move_vals, lines

    def _terms(self, spec, company, currency, untaxed_cur, untaxed, tax_cur, tax):
        """[(date_maturity, amount_currency, balance)] of the receivable lines."""
        header = spec.header
        date = header["invoice_date"]
        term = self.env["account.payment.term"].browse(header.get("invoice_payment_term_id"))
        # amounts on the receivable side: the opposite of revenue and taxes
        if not term:
            due = header.get("invoice_date_due") or date
            return [
                (
                    due,
                    currency.round(-(untaxed_cur + tax_cur)),
                    company.currency_id.round(-(untaxed + tax)),
                )
            ]
        # the signed amounts of the receivable side (an invoice's are positive, a credit
        # note's negative); ``sign`` only turns the fixed amounts of a term the same way
        sign = 1 if spec.move_type == "out_invoice" else -1
        computed = term._compute_terms(
            date_ref=date,
            currency=currency,
            company=company,
            tax_amount=-tax,
            tax_amount_currency=-tax_cur,
            sign=sign,
            untaxed_amount=-untaxed,
            untaxed_amount_currency=-untaxed_cur,
        )
        if computed.get("discount_date"):  # routed to the standard writer beforehand
            raise UserError(_("Early payment discounts take the standard invoice creation."))
        merged = defaultdict(lambda: [0.0, 0.0])
        for line in computed["line_ids"]:
            day = fields.Date.to_date(line["date"])
            merged[day][0] += line["foreign_amount"]
            merged[day][1] += line["company_amount"]
        return [
            (day, currency.round(cur), company.currency_id.round(bal))
            for day, (cur, bal) in sorted(merged.items())
        ]

    # -- SQL ------------------------------------------------------------------------------------
    def _defaults(self, model, explicit, context_vals):
        names = [
            name
            for name, field in model._fields.items()
            if field.store
            and field.column_type
            and not field.compute
            and name not in explicit
            and name not in ("id", "create_uid", "create_date", "write_uid", "write_date")
        ]
        defaults = model.default_get(names)
        out = {}
        for name, value in defaults.items():
            if name in context_vals:
                continue
            field = model._fields[name]
            if field.type == "many2many" or field.type == "one2many":
                continue
            out[name] = value
        return out

    @staticmethod
    def _cell(field, value):
        """A stored value as PostgreSQL receives it (the builder's values are plain)."""
        if field.type == "boolean":
            return bool(value)
        if value is False or value is None:
            return None
        if field.type == "many2one":
            return value.id if hasattr(value, "id") else value
        if field.column_type[0] == "jsonb":
            return json.dumps(value)
        if isinstance(value, Decimal):
            return float(value)
        return value

    def new_ids(self, model, count):
        """``count`` ids from the table's sequence of ``model``."""
        self.env.cr.execute(
            SQL(
                "SELECT nextval(%s) FROM generate_series(1, %s)",
                f"{model._table}_id_seq",
                count,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _insert(self, model, rows, uid, ids=None):
        """Insert ``rows`` (dicts of stored column values); returns the new ids in order
        (``ids``: taken beforehand with ``new_ids``, the rows' links to each other).

        One statement per 1000 rows: every column travels as one array parameter
        (``unnest``), the cheapest way to hand PostgreSQL many rows without COPY's
        text encoding.
        """
        columns = sorted(
            {
                name
                for row in rows
                for name in row
                if name != "id" and model._fields[name].column_type
            }
        )
        fields_ = [model._fields[name] for name in columns]
        # ids taken from the table's sequence first: the row <-> id mapping is exact
        if ids is None:
            ids = self.new_ids(model, len(rows))
        for start in range(0, len(rows), 1000):
            block = rows[start : start + 1000]
            arrays = [ids[start : start + 1000]]
            for name, field in zip(columns, fields_, strict=True):
                default = self._column_default(model, field)
                arrays.append(
                    [self._cell(field, row[name]) if name in row else default for row in block]
                )
            casts = [SQL("%s::int4[]", arrays[0])] + [
                SQL("%s::%s[]", values, SQL(field.column_type[1]))
                for values, field in zip(arrays[1:], fields_, strict=True)
            ]
            self.env.cr.execute(
                SQL(
                    """INSERT INTO %s (id, %s, create_uid, create_date, write_uid, write_date)
                       SELECT *, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC'
                         FROM unnest(%s)""",
                    SQL.identifier(model._table),
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                    uid,
                    uid,
                    SQL(", ").join(casts),
                )
            )
        return ids

    def _seed_cache(self, records, rows):
        """The rows just inserted, put in the ORM's cache as a fetch of them would put
        them there (``BaseModel._fetch_query``: the column's value, None for NULL; a
        many2many a tuple of ids). The batch computes that follow read them there
        instead of fetching every column back, and the ORM writes only the computed
        values that differ from the inserted ones (``Field.write`` skips records whose
        cached value is the new one): no second version of every row for a column
        that stays empty."""
        cache = self.env.cache
        written = {name for row in rows for name in row}
        names = written | {
            name
            for name, field in records._fields.items()
            if field.store and field.column_type and name not in MAGIC_COLUMNS
        }
        for name in sorted(names):
            field = records._fields[name]
            if not field.store or field.translate or field.company_dependent or name == "id":
                continue
            kind = field.type
            if name not in written:  # a column left NULL
                cache.update(records, field, [None] * len(rows))
                continue
            values = []
            for row in rows:
                value = row.get(name)
                if kind == "boolean":  # _insert's default for a row without it
                    value = bool(value)
                elif kind == "many2many":
                    value = tuple(getattr(value, "ids", value) or ())
                elif value is None or value is False:
                    value = None
                elif kind == "many2one" and not isinstance(value, int):
                    value = value.id or None
                elif isinstance(value, Decimal):
                    value = float(value)
                elif kind == "date" and isinstance(value, str):
                    value = fields.Date.to_date(value)
                values.append(value)
            cache.update(records, field, values)

    def _column_default(self, model, field):
        return False if field.type == "boolean" else None

    def _insert_m2m(self, rows, ids):
        """The many2many values of the lines (taxes, tags, any other: a list of ids or
        a recordset), one statement per relation."""
        names = {
            name for row in rows for name in row if self.Line._fields[name].type == "many2many"
        }
        for fname in sorted(names):
            field = self.Line._fields[fname]
            pairs = [
                (line_id, other)
                for line_id, row in zip(ids, rows, strict=True)
                for other in getattr(row.get(fname), "ids", row.get(fname)) or ()
            ]
            if not pairs:
                continue
            self.env.cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) SELECT * FROM unnest(%s::int[], %s::int[])",
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    [p[0] for p in pairs],
                    [p[1] for p in pairs],
                )
            )

    def _compute_remaining(self, moves, moves_values, lines, lines_values):
        """Let the ORM compute every stored computed field this builder did not write."""
        written_moves = set().union(*(m.keys() for m in moves_values))
        written_lines = set().union(*(v.keys() for v in lines_values))
        env = self.env
        for model, records, written in (
            (self.Move, moves, written_moves),
            (self.Line, lines, written_lines),
        ):
            for name, field in model._fields.items():
                if not (field.store and field.compute) or name in written:
                    continue
                env.add_to_compute(field, records)
        # the receivable lines' label follows the payment reference (what the inverse of
        # account.move.payment_reference asks when the ORM writes it)
        terms = self.Line.browse(
            line.id
            for line, vals in zip(lines, lines_values, strict=True)
            if vals.get("display_type") == "payment_term"
        )
        env.add_to_compute(self.Line._fields["name"], terms)
        env.flush_all()
