# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The fast invoice poster: number and post a batch of draft invoices at once.

Odoo posts one move at a time (~15 ms each, every number its own locked query).
The first invoice of a journal and date goes through Odoo's own posting (its
checks and sequence lock); the rest are numbered in one statement after it.
Driven by the ``telecom.invoice.writer`` model (``models/telecom_invoice_writer.py``).
"""

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
        journal and sequence), in one statement; the fields Odoo derives from the
        number and the posted state are computed by the ORM."""
        env = self.env
        rest = rest.with_env(env)
        format_string, format_values = first._get_sequence_format_param(first.name)
        seq = format_values.pop("seq")
        names = [
            format_string.format(**format_values, seq=seq + i) for i in range(1, len(rest) + 1)
        ]
        cr = self.env.cr
        checked = first.journal_id.autocheck_on_post
        cr.execute(
            SQL(
                """UPDATE account_move m
                      SET state = 'posted', posted_before = TRUE, name = d.name,
                          checked = %s, write_uid = %s, write_date = now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::varchar[]) AS d(id, name)
                    WHERE m.id = d.id AND m.state = 'draft'""",
                checked,
                self.env.uid,
                rest.ids,
                names,
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
        rest.invalidate_recordset()
        rest.line_ids.invalidate_recordset()
        Move = env["account.move"]
        # the fields Odoo derives from the number and the posted state
        for name in (
            "sequence_prefix",
            "sequence_number",
            "payment_reference",
            "made_sequence_gap",
        ):
            field = Move._fields.get(name)
            if field is not None and field.store and field.compute:
                env.add_to_compute(field, rest)
        for field in Move._fields.values():
            if field.store and field.compute and "state" in (field.get_depends(Move)[0] or ()):
                env.add_to_compute(field, rest)
        env.flush_all()
        return rest

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
