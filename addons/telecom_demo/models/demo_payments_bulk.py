# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk payments of the demo generator: payments written as rows, after a
reference payment of the same kind that Odoo's own code made.

``_demo_bulk_register`` (``demo_billing_bulk.py``) pays a batch of invoices. Paying
one invoice through the ORM, even in batches (payments created together, their
journal entries inserted by the bill run's invoice builder and every other stored
computed field computed by the ORM in batch), costs about 13 ms a payment here:
about 90 computed fields of four models, each computed per record by the ORM
(fiscal positions, analytic distribution models, amounts, payment states,
reconciliation states...). At an operator's volume (240,000 payments for 100,000
customers) that is most of an hour.

The payments of a batch are all of one or a few kinds: the same journal, payment
method, currency, company, direction and receivable account (the *kind*, see
``_demo_pay_kind``). The first payment of each kind takes the ORM path: its rows
(payment, journal entry, journal items, partial and full reconciliation, followers,
the paid invoice's new values) are what Odoo computes. The other payments of that
kind are inserted as copies of the reference's rows with what differs from one
payment to the next written explicitly (``_demo_pay_rows``): ids and links, names
and numbers, partner and what Odoo derives from the partner, date, memo, amounts,
residuals and reconciliation marks. Nothing else is copied blindly:

- a stored computed field that depends (by its ``@api.depends``) on something written
  explicitly and is not written explicitly itself is left to the ORM, in batch
  (``_demo_pay_orm_fields``): an add-on that adds such a field keeps working;
- every assumption the explicit values rest on is checked on the reference (a
  label made of the method and the memo, residuals equal to the balance or zero,
  no taxes or tags on the lines, company currency...); a kind whose reference
  breaks one takes the ORM path for all its payments;
- the stored fields of other records that depend on the written ones are marked
  for recomputation (``modified``) as an ORM write would mark them, and the ORM
  recomputes them at the end of the batch.

Raw SQL: this is the demo's hot path at an operator's volume (one statement per
table and batch). ``tests/test_demo_payments.py`` pays identical invoices through
Odoo's wizard and through this path and compares every stored field.
"""

import logging

from odoo import api, models
from odoo.tools import SQL, float_repr, float_round

from odoo.addons.telecom_billing.engine.invoice_builder import FastInvoiceBuilder

_logger = logging.getLogger(__name__)

# the payment values (of the wizard) that make a kind of payment: payments of one
# kind differ only in what _demo_pay_rows writes
KIND_VALUES = (
    "journal_id",
    "payment_method_line_id",
    "currency_id",
    "company_id",
    "payment_type",
    "partner_type",
    "destination_account_id",
)
# the wizard's values that _demo_pay_rows writes itself for each payment
OWN_VALUES = {
    "date",
    "amount",
    "memo",
    "partner_id",
    "partner_bank_id",
    "payment_reference",
    "invoice_ids",
}
# columns a copied row never takes from the reference
STAMP = ("id", "create_uid", "create_date", "write_uid", "write_date")


class CopyWriter(FastInvoiceBuilder):
    """The invoice builder's bulk insert, with each value as the ORM stores it: money
    rounded to the currency and written with its decimals, other numbers with their
    digits, and NULL where the reference has NULL (a boolean never set)."""

    def __init__(self, env, currency):
        super().__init__(env)
        self.currency = currency
        self._digits = {}

    def _cell(self, field, value):
        if value is None:
            return None
        if field.type == "monetary":
            decimals = self.currency.decimal_places
            return float_repr(self.currency.round(float(value or 0.0)), decimals)
        if field.type == "float":
            if field not in self._digits:
                self._digits[field] = field.get_digits(self.env)
            digits = self._digits[field]
            if digits:
                return float_repr(float_round(float(value or 0.0), precision_digits=digits[1]),
                                  digits[1])  # fmt: skip
            return float(value or 0.0)
        return super()._cell(field, value)


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_pay_kind(self, vals):
        date = vals["date"]
        return (*(vals.get(name) for name in KIND_VALUES), date.year)

    @api.model
    def _demo_pay_grouped(self, env, todo, references=None):
        """Pay ``todo`` ([(payment values, invoice receivable line)]): per kind of
        payment, the first through the ORM path (``_demo_bulk_payments``), the
        others copied from it (see the module docstring). ``references``: {kind:
        reference payment} of the earlier batches of the same transaction, updated."""
        references = {} if references is None else references
        kinds = {}
        for vals, line in todo:
            kinds.setdefault(self._demo_pay_kind(vals), []).append((vals, line))
        for kind, items in kinds.items():
            reference = references.get(kind)
            if not reference:
                reference = references[kind] = self._demo_bulk_payments(env, items[:1])
                items = items[1:]
            if not items:
                continue
            ref = self._demo_pay_copyable(env, reference, items)
            if ref is None:
                self._demo_bulk_payments(env, items)
                continue
            self._demo_pay_copies(env, ref, items)

    # -- the reference --------------------------------------------------------------------
    def _demo_pay_rows_of(self, model, ids):
        """The stored rows (column: value) of ``ids``, in that order."""
        if not ids:
            return []
        self.env.cr.execute(
            SQL("SELECT * FROM %s WHERE id = ANY(%s)", SQL.identifier(model._table), list(ids))
        )
        rows = {row["id"]: row for row in self.env.cr.dictfetchall()}
        columns = self._demo_pay_columns(model)
        return [{name: rows[i][name] for name in columns} for i in ids]

    def _demo_pay_columns(self, model):
        return [
            name
            for name, field in model._fields.items()
            if field.store and field.column_type and name not in STAMP
        ]

    @api.model
    def _demo_pay_reference(self, env, payment):
        """The rows of a reference payment, by role."""
        payment = payment.with_env(env)
        move = payment.move_id
        liquidity, counterpart, other = payment._seek_for_lines()
        partial = counterpart.matched_debit_ids | counterpart.matched_credit_ids
        invoice_line = partial.debit_move_id | partial.credit_move_id
        invoice_line -= counterpart
        M = env
        return {
            "payment": payment,
            "move": move,
            "liquidity": liquidity,
            "counterpart": counterpart,
            "other": other,
            "partial": partial,
            "invoice_line": invoice_line,
            "rows": {
                "payment": self._demo_pay_rows_of(M["account.payment"], payment.ids)[0],
                "move": self._demo_pay_rows_of(M["account.move"], move.ids)[0],
                "liquidity": self._demo_pay_rows_of(M["account.move.line"], liquidity.ids)[0],
                "counterpart": self._demo_pay_rows_of(M["account.move.line"], counterpart.ids)[0],
                "partial": self._demo_pay_rows_of(M["account.partial.reconcile"], partial.ids)[0],
                "full": self._demo_pay_rows_of(
                    M["account.full.reconcile"], counterpart.full_reconcile_id.ids
                )[0],
                "invoice": self._demo_pay_rows_of(M["account.move"], invoice_line.move_id.ids)[0],
            },
        }

    @api.model
    def _demo_pay_copyable(self, env, payment, rest):
        """The reference rows (``_demo_pay_reference``) if the payments ``rest`` can be
        copies of ``payment`` (of their kind, paid through the ORM path), else None:
        the explicit values of ``_demo_pay_copies`` rest on what is checked here."""
        if len(payment) != 1:
            return None
        ref = self._demo_pay_reference(env, payment)
        pay, move = ref["payment"], ref["move"]
        liquidity, counterpart = ref["liquidity"], ref["counterpart"]
        company = pay.company_id
        memo = pay.memo or ""
        period = move._get_sequence_date_range(move._deduce_sequence_number_reset(move.name))
        checks = {
            "one liquidity and one counterpart line, nothing else": len(liquidity) == 1
            and len(counterpart) == 1
            and not ref["other"]
            and len(move.line_ids) == 2,
            "one partial, one full reconciliation, one invoice line": len(ref["partial"]) == 1
            and len(ref["invoice_line"]) == 1
            and bool(counterpart.full_reconcile_id),
            "an inbound payment of an invoice": pay.payment_type == "inbound"
            and ref["partial"].credit_move_id == counterpart,
            "company currency": pay.currency_id == company.currency_id
            and all(vals.get("currency_id") == company.currency_id.id for vals, _l in rest)
            and not any(line.currency_id != company.currency_id for _v, line in rest),
            "no taxes nor tags on the lines": not (
                move.line_ids.tax_ids or move.line_ids.tax_tag_ids
            ),
            "labels made of the method and the memo": bool(memo)
            and all(line.name.endswith(memo) for line in liquidity | counterpart)
            and all(vals.get("memo") for vals, _l in rest),
            "the liquidity residual is the balance or nothing": liquidity.amount_residual
            in (0.0, liquidity.balance)
            and not liquidity.reconciled,
            "subtotals equal to the amounts or nothing": all(
                line.price_subtotal in (0.0, line.amount_currency)
                and line.price_total == line.price_subtotal
                for line in liquidity | counterpart
            ),
            "the payment has its own number": pay.name == move.name and bool(move.sequence_prefix),
            "dated in the period of the reference's sequence (its year, month...)": all(
                period[0] <= vals["date"] <= period[1] for vals, _l in rest
            ),
            "the values of the wizard that are not written are the reference's": all(
                self._demo_pay_same_values(pay, vals) for vals, _l in rest
            ),
            "no amount of zero": all(line.amount_residual > 0 for _v, line in rest),
            "amounts: the payment's, its opposite or zero": all(
                not value
                or env[model]._fields[name].type != "monetary"
                or abs(float(value)) == pay.amount
                for key, model in ROW_MODELS.items()
                for name, value in ref["rows"][key].items()
            ),
            "the counterpart alone matched, with the full reconciliation's number": (
                counterpart.matching_number == str(counterpart.full_reconcile_id.id)
                and not liquidity.full_reconcile_id
                and not liquidity.matching_number
                and not ref["partial"].exchange_move_id
                and not counterpart.full_reconcile_id.exchange_move_id
            ),
            "due on the payment's date": all(
                line.date_maturity == pay.date for line in liquidity | counterpart
            ),
            "the reconciliation dated by its latest line": ref["partial"].max_date
            == max(pay.date, ref["invoice_line"].date),
            "no analytic distribution": not (liquidity | counterpart).filtered(
                "analytic_distribution"
            )
            and not FastInvoiceBuilder(env)._has_analytic_models(company),
            "no delivery address, no statement": not move.partner_shipping_id
            and not move.statement_line_id,
            "the invoice paid": ref["invoice_line"].reconciled
            and not ref["invoice_line"].move_id.amount_residual,
        }
        failed = [name for name, ok in checks.items() if not ok]
        if failed:
            _logger.info("demo payments: the ORM path for %s payments (%s)", len(rest), failed)
            return None
        return ref

    @api.model
    def _demo_pay_same_values(self, pay, vals):
        for name, value in vals.items():
            if name in OWN_VALUES:
                continue
            field = pay._fields.get(name)
            if field is None:
                return False
            current = pay[name]
            if field.type == "many2one":
                current = current.id
                value = getattr(value, "id", value) or False
            if current != value and not (not current and not value):
                return False
        return True

    # -- the copies -------------------------------------------------------------------------
    @api.model
    def _demo_pay_copies(self, env, ref, items):
        """Insert the payments of ``items`` ([(payment values, invoice receivable
        line)]) as copies of the reference ``ref`` with their own values."""
        env.flush_all()
        cr = env.cr
        currency = ref["payment"].currency_id
        builder = CopyWriter(env, currency)
        Payment, Move, Line = env["account.payment"], env["account.move"], env["account.move.line"]
        Partial, Full = env["account.partial.reconcile"], env["account.full.reconcile"]
        rows = ref["rows"]
        n = len(items)
        pay_ids, move_ids = builder.new_ids(Payment, n), builder.new_ids(Move, n)
        line_ids = builder.new_ids(Line, 2 * n)
        partial_ids, full_ids = builder.new_ids(Partial, n), builder.new_ids(Full, n)
        names = self._demo_pay_names(ref["move"], n)
        derived = self._demo_pay_partners(ref["move"], [vals["partner_id"] for vals, _l in items])
        ref_amount = ref["payment"].amount
        ref_memo = ref["payment"].memo
        labels = {
            role: rows[role]["name"][: len(rows[role]["name"]) - len(ref_memo)]
            for role in ("liquidity", "counterpart")
        }
        out = {"payment": [], "move": [], "liquidity": [], "counterpart": [], "partial": [],
               "full": []}  # fmt: skip
        invoice_lines = []
        for i, (vals, line) in enumerate(items):
            amount, date, memo = currency.round(line.amount_residual), vals["date"], vals["memo"]
            partner = vals["partner_id"]
            bank = vals.get("partner_bank_id") or None
            pay_id, move_id, full_id = pay_ids[i], move_ids[i], full_ids[i]
            liquidity_id, counterpart_id = line_ids[2 * i], line_ids[2 * i + 1]
            name, number = names[i]
            commercial, fpos, display = derived[partner]
            out["payment"].append(
                {
                    **self._demo_pay_scaled(Payment, rows["payment"], ref_amount, amount),
                    "id": pay_id,
                    "move_id": move_id,
                    "name": name,
                    "date": date,
                    "memo": memo,
                    "payment_reference": vals.get("payment_reference") or None,
                    "partner_id": partner,
                    "partner_bank_id": bank,
                }
            )
            move_row = {
                **self._demo_pay_scaled(Move, rows["move"], ref_amount, amount),
                "id": move_id,
                "name": name,
                "sequence_number": number,
                "date": date,
                "ref": memo,
                "partner_id": partner,
                "commercial_partner_id": commercial,
                "fiscal_position_id": fpos,
                "invoice_partner_display_name": display,
                "partner_bank_id": bank,
                "origin_payment_id": pay_id,
                # numbered right after the last number of the sequence
                "made_sequence_gap": False,
            }
            out["move"].append(move_row)
            for role, line_id in (("liquidity", liquidity_id), ("counterpart", counterpart_id)):
                out[role].append(
                    {
                        **self._demo_pay_scaled(Line, rows[role], ref_amount, amount),
                        **self._demo_pay_related(Line, move_row),
                        "id": line_id,
                        "move_id": move_id,
                        "name": labels[role] + memo,
                        "partner_id": partner,
                        "date_maturity": date,
                        "payment_id": pay_id,
                    }
                )
            out["counterpart"][-1].update(full_reconcile_id=full_id, matching_number=str(full_id))
            out["partial"].append(
                {
                    **self._demo_pay_scaled(Partial, rows["partial"], ref_amount, amount),
                    "id": partial_ids[i],
                    "debit_move_id": line.id,
                    "credit_move_id": counterpart_id,
                    "full_reconcile_id": full_id,
                    "max_date": max(line.date, date),
                }
            )
            out["full"].append({**rows["full"], "id": full_id})
            invoice_lines.append((line, full_id))
        uid = env.uid
        for model, key in (
            (Full, "full"),
            (Move, "move"),
            (Payment, "payment"),
            (Line, "liquidity"),
            (Line, "counterpart"),
            (Partial, "partial"),
        ):
            rows_ = out[key]
            if key == "move":
                # the entry and its payment point at each other: the entry's link after
                rows_ = [{**row, "origin_payment_id": None} for row in rows_]
            builder._insert(model, rows_, uid, ids=[row["id"] for row in rows_])
        cr.execute(
            SQL(
                "UPDATE account_move SET origin_payment_id = d.pay_id"
                " FROM unnest(%s::int[], %s::int[]) AS d(id, pay_id) WHERE account_move.id = d.id",
                move_ids,
                pay_ids,
            )
        )
        # the invoices the payments pay (the wizard's link) and the invoices' side of
        # the reconciliation, as _reconcile_plan and the residuals' computation leave it
        invoices = [line.move_id.id for line, _f in invoice_lines]
        zero = float_repr(0.0, currency.decimal_places)  # as the ORM stores a residual
        cr.execute(
            SQL(
                "INSERT INTO account_move__account_payment (payment_id, invoice_id)"
                " SELECT * FROM unnest(%s::int[], %s::int[])",
                pay_ids,
                invoices,
            )
        )
        cr.execute(
            SQL(
                """UPDATE account_move_line l
                      SET amount_residual = %s, amount_residual_currency = %s, reconciled = TRUE,
                          full_reconcile_id = d.full_id, matching_number = d.full_id::varchar,
                          write_uid = %s, write_date = now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::int[]) AS d(id, full_id) WHERE l.id = d.id""",
                zero,
                zero,
                uid,
                [line.id for line, _f in invoice_lines],
                [full_id for _l, full_id in invoice_lines],
            )
        )
        invoice_row = rows["invoice"]
        cr.execute(
            SQL(
                """UPDATE account_move SET amount_residual = %s, amount_residual_signed = %s,
                          payment_state = %s, is_manually_modified = %s,
                          write_uid = %s, write_date = now() at time zone 'UTC'
                    WHERE id = ANY(%s)""",
                zero,
                zero,
                invoice_row["payment_state"],
                invoice_row["is_manually_modified"],
                uid,
                invoices,
            )
        )
        self._demo_pay_followers(ref, pay_ids, move_ids, [vals["partner_id"] for vals, _l in items])
        ref["move"]._get_sequence_cache().clear()
        # what the ORM computes or recomputes after such writes: the stored computed
        # fields of the copies that depend on what differs from the reference and are
        # not written here, and the fields of other records that depend on the new rows
        # or on the invoices' new values
        inv_moves = Move.browse(invoices)
        inv_lines = Line.browse([line.id for line, _f in invoice_lines])
        env.invalidate_all()
        # the invoices' totals are computed with their residuals: paying leaves them
        residual = Move._fields["amount_residual"]
        totals = {n for n, f in Move._fields.items() if f.compute == residual.compute}
        touched = []
        kept = [(inv_moves, INVOICE_WRITTEN | totals), (inv_lines, LINE_WRITTEN)]
        for records, row in (
            (Payment.browse(pay_ids), out["payment"][0]),
            (Move.browse(move_ids), out["move"][0]),
            (Line.browse(line_ids), out["liquidity"][0]),
            (Partial.browse(partial_ids), out["partial"][0]),
            (Full.browse(full_ids), out["full"][0]),
        ):
            model = records.browse()
            written = (set(VARYING[model._name]) | set(SAME[model._name])) & set(row)
            written |= {n for n in row if model._fields[n].type == "monetary"}
            written |= set(self._demo_pay_related(model, {n: 0 for n in Move._fields}))
            kept.append(
                (
                    records,
                    (set(row) | set(SAME[model._name])) - self._demo_pay_orm_fields(model, written),
                )
            )
            touched.append(records)
        # the fields written here are protected: only the others are marked
        protected = [
            ([records._fields[n] for n in names if n in records._fields], records)
            for records, names in kept
        ]
        with env.protecting(protected):
            for records in touched:
                records.modified([n for n, f in records._fields.items() if f.store], create=True)
            inv_moves.modified(sorted(INVOICE_WRITTEN))
            inv_lines.modified(sorted(LINE_WRITTEN))
        env.flush_all()
        return Payment.browse(pay_ids)

    @api.model
    def _demo_pay_orm_fields(self, model, written):
        """The stored computed fields of ``model`` the ORM computes for the copies: the
        ones that depend (``@api.depends``) on what differs from one payment to the
        next (``VARYING``, ``written``) and are not written explicitly."""
        varying = set(VARYING[model._name]) | set(written)
        found = set()
        changed = True
        while changed:
            changed = False
            for name, field in model._fields.items():
                if not (field.store and field.compute) or name in written or name in found:
                    continue
                paths = field.get_depends(model)[0]
                if any(path.split(".")[0] in varying | found for path in paths):
                    found.add(name)
                    changed = True
        return found

    @api.model
    def _demo_pay_scaled(self, model, row, ref_amount, amount):
        """``row`` with its monetary columns for ``amount`` (each is the reference's
        amount, its opposite or zero: checked on the reference)."""
        out = dict(row)
        for name, value in row.items():
            if value and model._fields[name].type == "monetary":
                out[name] = amount if float(value) == ref_amount else -amount
        return out

    @api.model
    def _demo_pay_related(self, model, parent):
        """The columns of ``model`` related to its journal entry (``move_id.x``), from
        the entry's row ``parent``."""
        out = {}
        for name, field in model._fields.items():
            path = field.related.split(".") if field.related else ()
            on_move = len(path) == 2 and path[0] == "move_id" and path[1] in parent
            if field.store and field.column_type and on_move:
                out[name] = parent[path[1]]
        return out

    @api.model
    def _demo_pay_names(self, move, count):
        """(name, number) of ``count`` entries numbered after the last of ``move``'s
        sequence (journal and prefix), as Odoo numbers them one after the other."""
        self.env.cr.execute(
            SQL(
                "SELECT max(sequence_number) FROM account_move"
                " WHERE journal_id = %s AND sequence_prefix = %s",
                move.journal_id.id,
                move.sequence_prefix,
            )
        )
        last = self.env.cr.fetchone()[0] or 0
        format_string, format_values = move._get_sequence_format_param(move.name)
        format_values.pop("seq")
        return [
            (format_string.format(**format_values, seq=seq), seq)
            for seq in range(last + 1, last + 1 + count)
        ]

    @api.model
    def _demo_pay_partners(self, move, partner_ids):
        """{partner id: (commercial partner, fiscal position, display name)} of the
        entries' partners, as account.move computes them for an entry of ``move``'s
        company."""
        company = move.company_id
        partners = self.env["res.partner"].with_company(company).browse(set(partner_ids))
        partners.fetch(["commercial_partner_id", "property_account_position_id"])
        FiscalPosition = self.env["account.fiscal.position"].with_company(company)
        any_fpos = bool(
            FiscalPosition.sudo().search_count([("company_id", "in", (False, company.id))], limit=1)
        )
        out = {}
        for partner in partners:
            fpos = None
            if any_fpos:
                delivery = partner.browse(partner.address_get(["delivery"])["delivery"])
                fpos = FiscalPosition._get_fiscal_position(partner, delivery=delivery).id or None
            out[partner.id] = (partner.commercial_partner_id.id, fpos, partner.display_name)
        return out

    @api.model
    def _demo_pay_followers(self, ref, pay_ids, move_ids, partner_ids):
        """The copies follow as the reference does: its partner's place taken by each
        copy's partner, the other followers (and every subtype) the same."""
        cr = self.env.cr
        partner = ref["payment"].partner_id.id
        for model, ref_id, ids in (
            ("account.payment", ref["payment"].id, pay_ids),
            ("account.move", ref["move"].id, move_ids),
        ):
            cr.execute(
                SQL(
                    """SELECT f.partner_id, array_remove(array_agg(r.mail_message_subtype_id), NULL)
                         FROM mail_followers f
                         LEFT JOIN mail_followers_mail_message_subtype_rel r
                                ON r.mail_followers_id = f.id
                        WHERE f.res_model = %s AND f.res_id = %s GROUP BY f.partner_id""",
                    model,
                    ref_id,
                )
            )
            for follower, subtypes in cr.fetchall():
                if follower == partner:
                    followers = partner_ids
                else:
                    followers = [follower] * len(ids)
                cr.execute(
                    SQL(
                        """WITH f AS (
                               INSERT INTO mail_followers (res_model, res_id, partner_id)
                               SELECT %s, d.res_id, d.partner_id
                                 FROM unnest(%s::int[], %s::int[]) AS d(res_id, partner_id)
                               ON CONFLICT DO NOTHING RETURNING id)
                           INSERT INTO mail_followers_mail_message_subtype_rel
                                  (mail_followers_id, mail_message_subtype_id)
                           SELECT f.id, s.id FROM f CROSS JOIN unnest(%s::int[]) AS s(id)""",
                        model,
                        ids,
                        followers,
                        subtypes or [],
                    )
                )
        self.env["mail.followers"].invalidate_model()


# the invoices' and their receivable lines' values the copies write
INVOICE_WRITTEN = {
    "amount_residual",
    "amount_residual_signed",
    "payment_state",
    "is_manually_modified",
    "matched_payment_ids",
}
LINE_WRITTEN = {
    "amount_residual",
    "amount_residual_currency",
    "reconciled",
    "full_reconcile_id",
    "matching_number",
    "matched_debit_ids",
    "matched_credit_ids",
}
# the reference's rows (``_demo_pay_reference``) and their models
ROW_MODELS = {
    "payment": "account.payment",
    "move": "account.move",
    "liquidity": "account.move.line",
    "counterpart": "account.move.line",
    "partial": "account.partial.reconcile",
    "full": "account.full.reconcile",
}
# stored computed fields the copies take from the reference although they depend on
# something that differs from one payment to the next: what they depend on is the
# same for every payment of a kind (``_demo_pay_copyable`` checks it on the reference)
SAME = {
    # the wizard's values of the kind; reconciled in full, of an amount that is not
    # zero, on the kind's outstanding account: the same state and matching
    "account.payment": {
        *KIND_VALUES,
        "state",
        "is_reconciled",
        "is_matched",
        "outstanding_account_id",
        "payment_method_id",
    },
    # the payment's journal, company and currency; the kind's accounts and no taxes;
    # the number's prefix is the reference's (numbered in the same sequence)
    "account.move": {
        "journal_id",
        "company_id",
        "currency_id",
        "always_tax_exigible",
        "sequence_prefix",
    },
    # the kind's currency, no analytic distribution model, no statement, no taxes,
    # the same kind of line in the same place
    "account.move.line": {
        "currency_id",
        "analytic_distribution",
        "statement_id",
        "display_type",
        "quantity",
        "sequence",
        "tax_tag_invert",
        "reconciled",
        "tax_ids",
    },
    # the company and its currency (checked) on both sides
    "account.partial.reconcile": {"company_id", "debit_currency_id", "credit_currency_id"},
    "account.full.reconcile": set(),
}
# what differs from one payment to the next: fields written per copy, and the
# relations whose records differ (a field that depends on any of them and is not
# written is computed by the ORM)
VARYING = {
    "account.payment": {
        "id", "move_id", "name", "date", "amount", "memo", "payment_reference",
        "partner_id", "partner_bank_id", "amount_company_currency_signed", "invoice_ids",
        "reconciled_invoice_ids", "matched_move_line_ids",
    },
    "account.move": {
        "id", "name", "sequence_number", "date", "ref", "partner_id", "commercial_partner_id",
        "fiscal_position_id", "invoice_partner_display_name", "partner_bank_id",
        "origin_payment_id", "made_sequence_gap", "line_ids", "invoice_line_ids",
        "amount_total", "amount_total_signed", "amount_total_in_currency_signed",
    },
    "account.move.line": {
        "id", "move_id", "name", "partner_id", "date_maturity", "payment_id", "date", "ref",
        "move_name", "debit", "credit", "balance", "amount_currency", "amount_residual",
        "amount_residual_currency", "price_subtotal", "price_total", "full_reconcile_id",
        "matching_number", "matched_debit_ids", "matched_credit_ids",
    },
    "account.partial.reconcile": {
        "id", "debit_move_id", "credit_move_id", "full_reconcile_id", "max_date", "amount",
        "debit_amount_currency", "credit_amount_currency",
    },
    "account.full.reconcile": {"id", "partial_reconcile_ids", "reconciled_line_ids"},
}  # fmt: skip
