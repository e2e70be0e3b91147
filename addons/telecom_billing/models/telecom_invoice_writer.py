# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Write and post bill-run invoices: the standard way, or in bulk.

Odoo's own invoice creation costs ~40 ms per invoice and its posting ~15 ms
more, one move at a time (dynamic lines are re-synchronised on every write,
each number takes its own locked query): about 18 invoices/s, far from a bill
run's needs. The **fast** writer produces the same journal items in bulk:

* taxes, tax lines and payment terms are computed with Odoo's own tax engine
  (``account.tax._prepare_base_line_for_taxes_computation`` ... and
  ``account.payment.term._compute_terms``), the same helpers the accounting
  forms use;
* moves and lines are inserted with one statement each per chunk, with the
  values Odoo would store; every other stored computed field (of this module,
  of Odoo, of any installed add-on) is then computed by the ORM in batch, so
  add-ons that extend invoices keep working;
* posting numbers a whole batch in one statement, after taking the journal's
  sequence lock the way Odoo does for the first invoice of the batch.

``tests/test_invoice_writer.py`` creates the same invoices both ways and
compares every stored field of the moves and their lines. The standard way
stays available (company setting "Fast Invoice Writer") for localisations
that hook into invoice creation or posting.

The bulk machinery lives in ``engine/``: ``invoice_builder.FastInvoiceBuilder``
(creation) and ``invoice_poster.FastPoster`` (posting).
"""

from decimal import Decimal

from odoo import Command, api, models

from ..engine.invoice_builder import QUIET, FastInvoiceBuilder
from ..engine.invoice_poster import FastPoster


def as_float(value):
    return float(value) if isinstance(value, Decimal) else value


class TelecomInvoiceWriter(models.AbstractModel):
    _name = "telecom.invoice.writer"
    _description = "Telecom bill-run invoice writer"

    # -- creation ---------------------------------------------------------------------
    @api.model
    def _telecom_write(self, specs, fast=True, tax_memo=None):
        """Create the invoices of ``specs``; returns ``[(move id, [line ids])]``.

        Line ids follow ``spec.lines`` (sections included). ``tax_memo``: a dict the
        caller keeps across calls of one job, the fast builder's lines already taxed
        (``FastInvoiceBuilder._add_tax_details``).
        """
        if not specs:
            return []
        if not fast:
            return self._telecom_write_standard(specs)
        # early payment discounts add lines the bulk writer does not make: those few
        # invoices take the standard way
        Term = self.env["account.payment.term"]
        early = [
            bool(Term.browse(spec.header.get("invoice_payment_term_id")).early_discount)
            for spec in specs
        ]
        if not any(early):
            return self._telecom_write_fast(specs, tax_memo)
        fast_specs = [spec for spec, is_early in zip(specs, early, strict=True) if not is_early]
        standard_specs = [spec for spec, is_early in zip(specs, early, strict=True) if is_early]
        fast_written = iter(self._telecom_write_fast(fast_specs, tax_memo) if fast_specs else [])
        standard_written = iter(self._telecom_write_standard(standard_specs))
        # back in the order of ``specs``
        return [next(standard_written if is_early else fast_written) for is_early in early]

    @api.model
    def _line_vals(self, line):
        vals = {}
        Line = self.env["account.move.line"]
        for key, value in line.items():
            if key.startswith("_"):
                continue
            if Line._fields[key].type == "many2many":
                # a recordset (taxes, disputed usage records) or a list of ids
                vals[key] = [Command.set(getattr(value, "ids", value) or [])]
            else:
                vals[key] = as_float(value)
        return vals

    @api.model
    def _telecom_write_standard(self, specs):
        Move = self.env["account.move"].with_context(**QUIET)
        vals_list = [
            {
                **spec.header,
                "invoice_line_ids": [Command.create(self._line_vals(line)) for line in spec.lines],
            }
            for spec in specs
        ]
        moves = Move.create(vals_list)
        out = []
        for move, spec in zip(moves, specs, strict=True):
            by_sequence = {line.sequence: line.id for line in move.invoice_line_ids}
            out.append((move.id, [by_sequence[line["sequence"]] for line in spec.lines]))
        return out

    # -- fast creation ------------------------------------------------------------------
    @api.model
    def _telecom_write_fast(self, specs, tax_memo=None):
        builder = FastInvoiceBuilder(self.env, tax_memo)
        return builder.write(specs)

    # -- posting --------------------------------------------------------------------------
    @api.model
    def _telecom_post(self, moves, fast=True):
        """Post bill-run invoices (drafts); returns the posted moves."""
        moves = moves.filtered(lambda m: m.state == "draft")
        if not moves:
            return moves
        if not fast or any(j.restrict_mode_hash_table for j in moves.journal_id):
            moves.with_context(**QUIET)._post(soft=False)
            return moves
        poster = FastPoster(self.env)
        return poster.post(moves)
