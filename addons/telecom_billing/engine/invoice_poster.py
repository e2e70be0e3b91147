# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fast invoice poster: number and post a batch of draft invoices at once.

Odoo posts one move at a time (~15 ms each, every number its own locked query).
The first invoice of a journal and date goes through Odoo's own posting (its
checks and sequence lock); the rest are numbered in one statement after it.
Driven by the ``telecom.invoice.writer`` model (``models/telecom_invoice_writer.py``).
"""

import re
from collections import defaultdict

from odoo import _
from odoo.exceptions import UserError
from odoo.tools import SQL

from .invoice_builder import QUIET


class FastPoster:
    """Post draft bill-run invoices of one journal and date in bulk."""

    def __init__(self, env):
        self.env = env(context=dict(env.context, **QUIET))

    def post(self, moves):
        posted = self.env["account.move"]
        groups = defaultdict(lambda: self.env["account.move"])
        # the order account.move._compute_name numbers a batch in
        for move in moves.sorted(lambda m: (m.date, m.ref or "", m.id)):
            groups[(move.journal_id.id, move.date, move.move_type)] |= move
        for group in groups.values():
            posted |= self._post_group(group)
        return posted

    def _post_group(self, moves):
        first = moves[0]
        # Odoo's own checks and sequence lock through the standard posting of one move
        first._post(soft=False)
        rest = moves - first
        if not rest:
            return moves
        if rest[0]._get_violated_lock_dates(rest[0].date, rest[0]._affect_tax_report()):
            rest._post(soft=False)
            return moves
        self.number_after(first, rest)
        partners = rest.partner_id
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET customer_rank = customer_rank + 1 WHERE id = ANY(%s)",
                (partners | partners.commercial_partner_id).ids,
            )
        )
        # the customer follows its invoice, with the default subtypes (as _post does)
        self.subscribe_partners(rest)
        rest.filtered(lambda m: m.currency_id.is_zero(m.amount_total))._invoice_paid_hook()
        return moves

    def number_after(self, first, rest):
        """Number and post draft moves ``rest`` after ``first`` (posted by Odoo, same
        journal and sequence), in one statement; what Odoo derives from the number is
        written with it, the other fields that depend on the posted state are computed
        by the ORM."""
        env = self.env
        rest = rest.with_env(env)
        format_string, format_values = first._get_sequence_format_param(first.name)
        seq = format_values.pop("seq")
        names = [
            format_string.format(**format_values, seq=seq + i) for i in range(1, len(rest) + 1)
        ]
        # sequence.mixin._compute_split_sequence on each name, with the move's own regex
        split = re.compile(
            first._make_regex_non_capturing(first._sequence_fixed_regex.replace("?P<seq>", ""))
        )
        prefixes, numbers = [], []
        for name in names:
            matching = split.match(name)
            prefixes.append(name[: matching.start(1)])
            numbers.append(int(matching.group(1) or 0))
        cr = self.env.cr
        checked = first.journal_id.autocheck_on_post
        cr.execute(
            SQL(
                """UPDATE account_move m
                      SET state = 'posted', posted_before = TRUE, name = d.name,
                          sequence_prefix = d.prefix, sequence_number = d.number,
                          checked = %s, write_uid = %s, write_date = now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::varchar[], %s::varchar[], %s::int[])
                          AS d(id, name, prefix, number)
                    WHERE m.id = d.id AND m.state = 'draft'""",
                checked,
                self.env.uid,
                rest.ids,
                names,
                prefixes,
                numbers,
            )
        )
        if cr.rowcount != len(rest):
            raise UserError(_("Some invoices changed while they were posted; retry."))
        cr.execute(
            SQL(
                """UPDATE account_move_line l SET parent_state = 'posted', move_name = m.name
                     FROM account_move m WHERE m.id = l.move_id AND m.id = ANY(%s)""",
                rest.ids,
            )
        )
        # Odoo keeps the last number of a sequence for the transaction
        # (sequence.mixin._get_sequence_cache): forget it, as account.move.write does
        # when a name is written, or Odoo's next number in this transaction repeats one
        first._get_sequence_cache().clear()
        # what the statements changed (the rest of the cache holds)
        rest.invalidate_recordset(
            ["state", "posted_before", "name", "sequence_prefix", "sequence_number", "checked"]
        )
        rest.line_ids.invalidate_recordset(["parent_state", "move_name"])
        self._payment_references(rest)
        Move = env["account.move"]
        if "made_sequence_gap" in Move._fields:
            env.add_to_compute(Move._fields["made_sequence_gap"], rest)
        # written above; the amounts' formulas (account.move._compute_amount) read no
        # state: posting changes no amount
        done = {"name", "sequence_prefix", "sequence_number", "payment_reference"}
        amounts = Move._fields["amount_total"].compute
        for name, field in Move._fields.items():
            if (
                field.store
                and field.compute
                and name not in done
                and field.compute != amounts
                and "state" in (field.get_depends(Move)[0] or ())
            ):
                env.add_to_compute(field, rest)
        env.flush_all()
        return rest

    def _payment_references(self, moves):
        """account.move._compute_payment_reference on posting: a customer invoice
        without one gets the journal's computed reference (its number by default), and
        its receivable lines their label from it (what the field's inverse asks)."""
        env = self.env
        refs = {}
        for move in moves:
            if move.move_type == "out_invoice" and not move.payment_reference:
                refs[move.id] = move._get_invoice_computed_reference()
        if not refs:
            return
        env.cr.execute(
            SQL(
                """UPDATE account_move m SET payment_reference = d.ref
                     FROM unnest(%s::int[], %s::varchar[]) AS d(id, ref)
                    WHERE m.id = d.id""",
                list(refs),
                list(refs.values()),
            )
        )
        moves.invalidate_recordset(["payment_reference"])
        env.cr.execute(
            SQL(
                """SELECT id FROM account_move_line
                    WHERE move_id = ANY(%s) AND display_type = 'payment_term'""",
                list(refs),
            )
        )
        terms = env["account.move.line"].browse(row[0] for row in env.cr.fetchall())
        # the label's compute groups the receivable lines of each move: what it reads of
        # the moves' lines, fetched alone (not every column of every line)
        moves.line_ids.fetch(["display_type", "date_maturity", "name", "product_id"])
        env.add_to_compute(terms._fields["name"], terms)

    def subscribe_partners(self, moves):
        """Each move's partner follows it with the default subtypes (as ``_post``
        subscribes them), in one statement."""
        env = self.env
        cr = env.cr
        rest = moves.with_env(env)
        default, _internal, external = env["mail.message.subtype"].default_subtypes("account.move")
        cr.execute(
            SQL(
                """WITH followers AS (
                       INSERT INTO mail_followers (res_model, res_id, partner_id)
                       SELECT 'account.move', m.id, m.partner_id FROM account_move m
                        WHERE m.id = ANY(%s) AND m.partner_id IS NOT NULL
                       ON CONFLICT DO NOTHING RETURNING id, partner_id)
                   INSERT INTO mail_followers_mail_message_subtype_rel
                          (mail_followers_id, mail_message_subtype_id)
                   SELECT f.id, s.id FROM followers f
                     JOIN res_partner p ON p.id = f.partner_id
                    CROSS JOIN LATERAL unnest(
                          CASE WHEN p.partner_share THEN %s::int[] ELSE %s::int[] END) AS s(id)""",
                rest.ids,
                external.ids,
                default.ids,
            )
        )
        env["mail.followers"].invalidate_model()
        rest.invalidate_recordset(["message_follower_ids", "message_partner_ids"])
