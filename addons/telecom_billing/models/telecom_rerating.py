# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Re-rating: price not-yet-invoiced usage again after a tariff fix, keeping the old result.

A run selects rated records (by billing period, subscriptions and/or tariff), saves
their current result in ``telecom.usage.rerating.line`` (the audit trail), gives
back the allowance units they took, and rates them again in chronological order
with the tariffs as they are now. It runs in one transaction: all or nothing.

Invoiced (``billed``) records are never changed:
:meth:`TelecomRerating._telecom_rerate_billed` prices them again with the tariffs
as they are now, keeping the allowance units they took when they were invoiced
(the closed period's balances are not reopened), and the difference with what the
customer was invoiced (or last adjusted to) becomes one ``adjustment`` charge per
billing account, linked to the records: the next bill run puts it on the invoice
(a credit when the price went down).
"""

from collections import defaultdict
from decimal import Decimal

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.sequence import assign_sequence_names

from ..engine.balance_store import group_by_period
from ..engine.fields import BigInteger
from ..engine.rating_session import RATING_LOCK, RatingSession, to_epoch
from ..rating import UsageRecord
from ..rating.engine import chronological

CHUNK = 20_000
#: invoiced records priced again per query (adjustments)
REPRICE_CHUNK = 5000
RATING_REJECTS = ("no_tariff", "unknown_zone", "no_price")


class TelecomRerating(models.Model):
    _name = "telecom.rerating"
    _description = "Usage re-rating run"
    _inherit = ("mail.thread",)
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    period_from = fields.Date(help="Billing periods starting on or after this date.")
    period_to = fields.Date(help="Billing periods starting on or before this date.")
    subscription_ids = fields.Many2many("telecom.subscription", string="Subscriptions")
    tariff_id = fields.Many2one("telecom.tariff", check_company=True)
    reason = fields.Char(required=True, help="Why (e.g. the tariff fix), for the audit trail.")
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")], default="draft", required=True, readonly=True,
        tracking=True,
    )  # fmt: skip
    selected_count = fields.Integer(string="Re-rated", readonly=True)
    changed_count = fields.Integer(string="Amount Changed", readonly=True)
    billed_count = fields.Integer(
        string="Invoiced (hook)", readonly=True,
        help="Invoiced records matching the selection: handed to the adjustment hook.",
    )  # fmt: skip
    # the records' precision (a tariff rounds to up to 6 decimals), not the currency's cents
    amount_before = fields.Float(readonly=True, digits="Telecom Rate")
    amount_after = fields.Float(readonly=True, digits="Telecom Rate")
    line_ids = fields.One2many("telecom.usage.rerating.line", "rerating_id", string="Audit")
    date_done = fields.Datetime(readonly=True)
    adjustment_charge_ids = fields.One2many(
        "telecom.charge",
        "rerating_id",
        string="Adjustments",
        readonly=True,
        help="Adjustment charges of invoiced usage this re-rating priced differently.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        assign_sequence_names(self.env, vals_list, "telecom.rerating")
        return super().create(vals_list)

    def _selection_sql(self, billed=False):
        """WHERE clause (on alias ``u``) of the records this run re-rates.

        Not invoiced: rated and unbillable records, and the records rating itself
        rejected (no tariff, zone or price: what a tariff fix repairs). Invoiced:
        the billed ones.
        """
        self.ensure_one()
        if billed:
            state = SQL("u.state = 'billed'")
        else:
            state = SQL(
                "(u.state IN ('rated', 'unbillable') OR (u.state = 'rejected' AND u.reason_code"
                " IN %s AND u.subscription_id IS NOT NULL))",
                RATING_REJECTS,
            )
        clauses = [SQL("u.company_id = %s", self.company_id.id), state]
        if self.period_from:
            clauses.append(SQL("u.period_start >= %s", self.period_from))
        if self.period_to:
            clauses.append(SQL("u.period_start <= %s", self.period_to))
        if self.subscription_ids:
            clauses.append(SQL("u.subscription_id = ANY(%s)", self.subscription_ids.ids))
        if self.tariff_id:
            clauses.append(
                SQL(
                    "u.tariff_version_id IN (SELECT id FROM telecom_tariff_version"
                    " WHERE tariff_id = %s)",
                    self.tariff_id.id,
                )
            )
        return SQL(" AND ").join(clauses)

    def action_run(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        if self.state != "draft":
            raise UserError(_("This re-rating already ran."))
        if not (self.period_from or self.period_to or self.subscription_ids or self.tariff_id):
            raise UserError(_("Select records to re-rate: a period, subscriptions or a tariff."))
        self.env["telecom.usage.record"].flush_model()
        self.env["telecom.allowance.balance"].flush_model()
        cr = self.env.cr
        cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", RATING_LOCK, self.company_id.id))
        # invoiced records: never changed here, handed to the adjustment hook
        cr.execute(SQL("SELECT u.id FROM telecom_usage_record u WHERE %s",
                       self._selection_sql(billed=True)))  # fmt: skip
        billed_ids = [r[0] for r in cr.fetchall()]
        if billed_ids:
            self._telecom_rerate_billed(billed_ids)
        where = self._selection_sql()
        # 1. the audit trail: every selected record's current result
        cr.execute(
            SQL(
                """INSERT INTO telecom_usage_rerating_line
                       (rerating_id, usage_id, batch_id, old_state, company_id, currency_id,
                        old_amount, old_rated_quantity, old_allowance_quantity,
                        old_allowance_detail, old_zone_id, old_time_band, old_tariff_version_id,
                        create_uid, create_date, write_uid, write_date)
                   SELECT %s, u.id, u.batch_id, u.state, u.company_id, u.currency_id,
                          u.amount, u.rated_quantity,
                          u.allowance_quantity, u.allowance_detail, u.zone_id, u.time_band,
                          u.tariff_version_id, %s, now() at time zone 'UTC', %s,
                          now() at time zone 'UTC'
                     FROM telecom_usage_record u WHERE %s""",
                self.id,
                self.env.uid,
                self.env.uid,
                where,
            )
        )
        selected = cr.rowcount
        # 2. give the allowance units back (one statement for the whole selection)
        cr.execute(
            SQL(
                """UPDATE telecom_allowance_balance b
                      SET used = b.used - x.units, remaining = b.remaining + x.units
                     FROM (SELECT split_part(d, ':', 1)::int AS id,
                                  SUM(split_part(d, ':', 2)::int8) AS units
                             FROM telecom_usage_rerating_line l
                             CROSS JOIN LATERAL unnest(string_to_array(l.old_allowance_detail,
                                                                       ',')) AS d
                            WHERE l.rerating_id = %s AND l.old_allowance_detail IS NOT NULL
                            GROUP BY 1) x
                    WHERE b.id = x.id""",
                self.id,
            )
        )
        # 3. rate again, chronologically, chunk by chunk
        session = RatingSession(self.env, self.company_id)
        session.sync()
        last = (None, 0)
        while True:
            rows = self._fetch_chunk(last)
            if not rows:
                break
            last = (rows[-1][3], rows[-1][0])
            self._rerate_chunk(session, rows)
        session.bump()
        # 4. the new results on the audit lines, and the totals
        cr.execute(
            SQL(
                """UPDATE telecom_usage_rerating_line l
                      SET new_amount = u.amount, new_state = u.state
                     FROM telecom_usage_record u
                    WHERE l.rerating_id = %s AND u.id = l.usage_id""",
                self.id,
            )
        )
        # records that changed state move between the counters of their import batch
        cr.execute(
            SQL(
                """SELECT batch_id, old_state, new_state, COUNT(*)
                     FROM telecom_usage_rerating_line
                    WHERE rerating_id = %s AND batch_id IS NOT NULL
                    GROUP BY 1, 2, 3""",
                self.id,
            )
        )
        for batch_id, old_state, new_state, count in cr.fetchall():
            if old_state == new_state:
                continue
            cr.execute(
                SQL(
                    "UPDATE telecom_mediation_batch SET %s = COALESCE(%s, 0) - %s,"
                    " %s = COALESCE(%s, 0) + %s WHERE id = %s",
                    SQL.identifier(f"{old_state}_count"),
                    SQL.identifier(f"{old_state}_count"),
                    count,
                    SQL.identifier(f"{new_state}_count"),
                    SQL.identifier(f"{new_state}_count"),
                    count,
                    batch_id,
                )
            )
        cr.execute(
            SQL(
                """UPDATE telecom_mediation_batch b SET amount_total = x.total
                     FROM (SELECT u.batch_id, SUM(u.amount) AS total FROM telecom_usage_record u
                            WHERE u.batch_id IN (SELECT DISTINCT batch_id
                                                   FROM telecom_usage_rerating_line
                                                  WHERE rerating_id = %s)
                              AND u.state IN ('rated', 'billed')
                            GROUP BY u.batch_id) x
                    WHERE b.id = x.batch_id""",
                self.id,
            )
        )
        self.env["telecom.mediation.batch"].invalidate_model()
        cr.execute(
            SQL(
                """SELECT COALESCE(SUM(old_amount), 0)::text, COALESCE(SUM(new_amount), 0)::text,
                          COUNT(*) FILTER (WHERE old_amount IS DISTINCT FROM new_amount)
                     FROM telecom_usage_rerating_line WHERE rerating_id = %s""",
                self.id,
            )
        )
        # as text: exact sums at the records' precision (the cursor reads numeric as float)
        before, after, changed = cr.fetchone()
        self.env["telecom.usage.record"].invalidate_model()
        self.env["telecom.allowance.balance"].invalidate_model()
        self.env["telecom.usage.rerating.line"].invalidate_model()
        self.write(
            {
                "state": "done",
                "selected_count": selected,
                "changed_count": changed,
                "billed_count": len(billed_ids),
                "amount_before": float(before),
                "amount_after": float(after),
                "date_done": fields.Datetime.now(),
            }
        )
        self.message_post(
            body=_(
                "Re-rated %(count)s records (%(changed)s changed): %(before)s -> %(after)s. "
                "%(billed)s invoiced records handed to the adjustment hook. Reason: %(reason)s",
                count=selected,
                changed=changed,
                before=before,
                after=after,
                billed=len(billed_ids),
                reason=self.reason,
            )
        )
        return True

    def _fetch_chunk(self, last):
        start, last_id = last
        cr = self.env.cr
        after = (
            SQL("(u.start_time, u.id) > (%s, %s)", start, last_id) if start is not None else SQL()
        )
        cr.execute(
            SQL(
                """SELECT u.id, u.source_record_id, u.subscription_id, u.start_time,
                          t.code, u.quantity, u.direction, u.called_number, u.location,
                          u.line_no, u.subscriber
                     FROM telecom_usage_rerating_line l
                     JOIN telecom_usage_record u ON u.id = l.usage_id
                     JOIN telecom_usage_type t ON t.id = u.usage_type_id
                    WHERE l.rerating_id = %s %s
                    ORDER BY u.start_time, u.id LIMIT %s""",
                self.id,
                SQL("AND %s", after) if start is not None else SQL(),
                CHUNK,
            )
        )
        return cr.fetchall()

    def _rerate_chunk(self, session, rows):
        subscriptions = self.env["telecom.subscription"].browse({r[2] for r in rows})
        session.preload(subscriptions)
        subs = {s.id: session.subscriber(s) for s in subscriptions}
        records = []
        for (uid, rid, sid, start, code, qty, direction, called, location, line_no,
             subscriber) in rows:  # fmt: skip
            rec = UsageRecord(
                record_id=rid,
                subscriber_key=subscriber,
                usage_type=code,
                start=to_epoch(start),
                quantity=qty,
                direction=direction or "out",
                called_number=called,
                location=location,
                line_no=line_no,
                sub=subs[sid],
            )
            rec.db_id = uid
            records.append(rec)
        for rec in records:
            session.engine.locate(rec)
        session.store.prepare(group_by_period(records))
        records.sort(key=chronological)
        for rec in records:
            session.engine.rate(rec)
        session.update_records(records, rerating=True)
        session.store.flush()

    def _telecom_rerate_billed(self, usage_ids):
        """Invoiced usage matching a re-rating selection: adjustment charges.

        Also called by helpdesk disputes for the invoiced records of a dispute.
        """
        self.ensure_one()
        if not usage_ids:
            return False
        session = RatingSession(self.env, self.company_id, persist=False)
        deltas = defaultdict(lambda: [Decimal(0), []])  # account -> [delta, [(id, new)]]
        for start in range(0, len(usage_ids), REPRICE_CHUNK):
            self._telecom_reprice_chunk(session, usage_ids[start : start + REPRICE_CHUNK], deltas)
        Charge = self.env["telecom.charge"]
        reason = self.env.ref(
            "telecom_billing.telecom_reason_code_rerating", raise_if_not_found=False
        )
        cr = self.env.cr
        for account_id, (delta, changes) in deltas.items():
            if not changes:
                continue
            cr.execute(
                SQL(
                    """UPDATE telecom_usage_record u SET adjusted_amount = d.amount::numeric
                         FROM unnest(%s::int[], %s::text[]) AS d(id, amount)
                        WHERE u.id = d.id""",
                    [c[0] for c in changes],
                    [str(c[1]) for c in changes],
                )
            )
            account = self.env["telecom.billing.account"].browse(account_id)
            amount = account.currency_id.round(float(delta))
            if account.currency_id.is_zero(amount):
                continue
            Charge.create(
                {
                    "billing_account_id": account_id,
                    "kind": "adjustment",
                    "description": _(
                        "Usage re-rated (%(run)s): %(count)s invoiced record(s), %(reason)s",
                        run=self.name,
                        count=len(changes),
                        reason=self.reason,
                    ),
                    "amount": amount,
                    "date": fields.Date.context_today(self),
                    "origin": self.name,
                    "reason_code_id": reason.id if reason else False,
                    "rerating_id": self.id,
                    "usage_record_ids": [Command.set([c[0] for c in changes])],
                    "company_id": self.company_id.id,
                }
            )
        self.env["telecom.usage.record"].invalidate_model(["adjusted_amount"])
        return True

    def _telecom_reprice_chunk(self, session, ids, deltas):
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT u.id, u.subscription_id, u.billing_account_id, u.start_time, t.code,
                          u.quantity, u.direction, u.called_number, u.location,
                          u.allowance_quantity, COALESCE(u.adjusted_amount, u.amount)::text,
                          u.currency_id, a.currency_id
                     FROM telecom_usage_record u
                     JOIN telecom_usage_type t ON t.id = u.usage_type_id
                     JOIN telecom_billing_account a ON a.id = u.billing_account_id
                    WHERE u.id = ANY(%s) AND u.state = 'billed'
                    ORDER BY u.start_time, u.id""",
                list(ids),
            )
        )
        rows = cr.fetchall()
        subscriptions = self.env["telecom.subscription"].browse({r[1] for r in rows})
        session.preload(subscriptions)
        subs = {sub.id: session.subscriber(sub) for sub in subscriptions}
        currencies = self.env["res.currency"]
        for (
            uid,
            sid,
            account_id,
            start,
            code,
            qty,
            direction,
            called,
            location,
            allowance,
            before,
            usage_currency,
            account_currency,
        ) in rows:
            rec = UsageRecord(
                record_id=str(uid),
                usage_type=code,
                start=to_epoch(start),
                quantity=qty,
                direction=direction or "out",
                called_number=called,
                location=location,
                sub=subs[sid],
            )
            session.engine.locate(rec)
            session.engine.rate(rec, dry_run=True, covered=allowance or 0)
            if rec.state not in ("rated", "accepted") or rec.amount is None:
                continue  # no longer priceable (zone removed...): left as invoiced
            new = Decimal(str(rec.amount))
            if new == Decimal(before):
                continue
            delta = new - Decimal(before)
            if usage_currency and account_currency and usage_currency != account_currency:
                source = currencies.browse(usage_currency)
                delta = Decimal(
                    str(
                        source._convert(
                            float(delta),
                            currencies.browse(account_currency),
                            self.company_id,
                            start.date(),
                        )
                    )
                )
            deltas[account_id][0] += delta
            deltas[account_id][1].append((uid, new))


class TelecomUsageReratingLine(models.Model):
    """The result a record had before a re-rating (audit trail)."""

    _name = "telecom.usage.rerating.line"
    _description = "Usage re-rating audit line"
    _order = "rerating_id desc, id"

    rerating_id = fields.Many2one("telecom.rerating", required=True, ondelete="cascade",
                                  index=True)  # fmt: skip
    usage_id = fields.Many2one("telecom.usage.record", required=True, index=True,
                               ondelete="cascade")  # fmt: skip
    batch_id = fields.Many2one("telecom.mediation.batch", string="Import")
    old_state = fields.Char()
    company_id = fields.Many2one("res.company", required=True)
    currency_id = fields.Many2one("res.currency")
    old_amount = fields.Monetary()
    new_amount = fields.Monetary()
    new_state = fields.Char()
    old_rated_quantity = BigInteger()
    old_allowance_quantity = BigInteger()
    old_allowance_detail = fields.Char()
    old_zone_id = fields.Many2one("telecom.tariff.zone")
    old_time_band = fields.Char()
    old_tariff_version_id = fields.Many2one("telecom.tariff.version")
