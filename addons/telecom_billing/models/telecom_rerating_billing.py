# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Re-rating of invoiced usage: adjustment charges on the next invoice.

The rating helper's re-rating never changes invoiced (``billed``) records: it
hands them to ``_telecom_rerate_billed``. Here they are priced again with the
tariffs as they are now, keeping the allowance units they took when they were
invoiced (the closed period's balances are not reopened), and the difference
with what the customer was invoiced (or last adjusted to) becomes one
``adjustment`` charge per billing account, linked to the records: the next
bill run puts it on the invoice (a credit when the price went down).
"""

from collections import defaultdict
from decimal import Decimal

from odoo import Command, _, fields, models
from odoo.tools import SQL

from ..engine.rating_session import RatingSession, to_epoch
from ..rating import UsageRecord

CHUNK = 5000


class TelecomRerating(models.Model):
    _inherit = "telecom.rerating"

    adjustment_charge_ids = fields.One2many(
        "telecom.charge",
        "rerating_id",
        string="Adjustments",
        readonly=True,
        help="Adjustment charges of invoiced usage this re-rating priced differently.",
    )

    def _telecom_rerate_billed(self, usage_ids):
        super()._telecom_rerate_billed(usage_ids)
        self.ensure_one()
        if not usage_ids:
            return False
        session = RatingSession(self.env, self.company_id, persist=False)
        deltas = defaultdict(lambda: [Decimal(0), []])  # account -> [delta, [(id, new)]]
        for start in range(0, len(usage_ids), CHUNK):
            self._telecom_reprice_chunk(session, usage_ids[start : start + CHUNK], deltas)
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
        subs = {}
        for sid in {r[1] for r in rows}:
            subs[sid] = session.subscriber(self.env["telecom.subscription"].browse(sid))
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
