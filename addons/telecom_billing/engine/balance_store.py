# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Allowance balances of a rating session, read from and written to the database.

:class:`DbBalanceStore` is the database twin of the pure
:class:`~..rating.allowance.MemoryBalanceStore`: it loads (and creates) the
balances a chunk needs in a few queries and writes what changed in one
statement. The raw SQL in this module is the rating hot path (see README
"Rating"): every statement is parameterised; table and column names are constants.
"""

from collections import defaultdict

from odoo.tools import SQL

from ..rating import (
    POOL,
    SUB,
    AllowanceDef,
    Balance,
    carry_over,
    previous_period_start,
)
from ..rating.periods import period_end

MAX_CACHED_BALANCES = 300_000
SUB_STATES_WITH_USAGE = ("active", "suspended", "terminated")


class DbBalanceStore:
    """Allowance balances in ``telecom_allowance_balance``, loaded per chunk.

    Same rules as :class:`~..rating.allowance.MemoryBalanceStore` (creation on
    first use, rollover from the previous period, consumption order); ``prepare``
    loads what a chunk needs in a few queries, ``flush`` writes what changed in
    one statement. Callers hold the rating lock, so absolute values are safe.
    """

    def __init__(self, session):
        self.session = session
        self.cr = session.cr
        self.allowances = {}  # plan allowance id -> AllowanceDef
        self.lists = {}  # (sub id, period_start) -> [Balance] (ordered)
        self.owned = {}  # (scope, owner id, period_start) -> [Balance]
        self.loaded = {}  # balance id -> (Balance, used, carried) as loaded
        self._grants_cache = {}
        self._queried = set()
        self._ensured = set()
        self._new_id = 0
        #: (scope, owner id, period_start) whose balances this session created: nobody
        #: consumed from them before (kept across invalidations)
        self.created = set()
        #: (scope, owner id, period_start) whose grant fell below what was already
        #: consumed (a termination mid-period): the period must be rated again
        self.short = set()
        #: (billing account id, allowance id) of pools whose size is stated: the size
        #: raises them, never lowers them (telecom.allowance.pool)
        self.stated = set()
        #: None: new balances are inserted at once; a list (import pipeline): their ids
        #: are taken from the sequence at once and their rows wait here, to be inserted
        #: by :meth:`write_inserts` with the chunk's COPY (off the rating's path)
        self.deferred = None

    def balances(self, sub, period_start):
        found = self.lists.get((sub.id, period_start))
        if found is None:
            # a pair prepare() did not see (previews): load it now
            self.prepare({(sub, period_start)})
            found = self.lists[(sub.id, period_start)]
        return found

    # -- loading ---------------------------------------------------------------------
    def invalidate(self):
        """Forget every loaded balance (someone else rated meanwhile, or too many)."""
        self.lists = {}
        self.owned = {}
        self.loaded = {}
        self._queried = set()
        self._ensured = set()
        if self.deferred is not None:
            self.deferred = []  # never inserted: the transaction is gone, or flush() did

    def prepare(self, pairs):
        """Load (and create) the balances of ``{(Subscriber, period_start)}``.

        Balances stay loaded from one chunk to the next (the session checks the
        rating generation before each chunk: see :meth:`RatingSession.sync`), so
        after the first chunks a chunk usually needs no query at all here.
        """
        wanted = list(pairs)
        pairs = [(sub, start) for sub, start in wanted if (sub.id, start) not in self.lists]
        if not pairs:
            return
        if len(self.loaded) > MAX_CACHED_BALANCES:
            # what this transaction consumed so far goes to the table first: the
            # balances are read again from it, all of them (the pairs that were
            # loaded are forgotten too: rating must find every pair it was prepared
            # for without a query, as the import pipeline's COPY may hold the
            # connection meanwhile)
            self.flush()
            self.invalidate()
            pairs = wanted
        owners = set()
        for sub, start in pairs:
            for owner in (
                (SUB, sub.id, start, sub.period_months, sub),
                (POOL, sub.billing_account_id, start, sub.period_months, sub),
            ):
                if owner[:3] not in self._ensured:
                    owners.add(owner)  # fmt: skip
        keys = {(scope, owner, start) for scope, owner, start, _m, _s in owners}
        self._load_rows(keys)
        self._prefetch_grants({(scope, owner, start, months) for scope, owner, start, months,
                               _s in owners})  # fmt: skip
        # owners getting their first balances of a period may roll units over from the
        # previous period (which may be new too): load those rows and grants in bulk,
        # one level of periods at a time
        level = {(scope, owner, start, months) for scope, owner, start, months, _s in owners}
        for _depth in range(12):
            previous = {
                (scope, owner, previous_period_start(start, months), months)
                for scope, owner, start, months in level
                if (scope, owner, start) not in self.owned
                and any(a.rollover for a, _q in self._grants_cache[(scope, owner, start)])
            }
            if not previous:
                break
            self._load_rows({(s, o, p) for s, o, p, _m in previous})
            self._prefetch_grants(previous)
            level = previous
        self._pending = []
        for scope, owner, start, months, sub in sorted(owners, key=lambda o: (o[0], o[1], o[2])):
            self._ensure(scope, owner, start, months, sub, depth=12)
            self._ensured.add((scope, owner, start))
        self._insert(self._pending)
        self._pending = []
        for sub, start in pairs:
            own = self.owned.get((SUB, sub.id, start), [])
            pool = self.owned.get((POOL, sub.billing_account_id, start), [])
            self.lists[(sub.id, start)] = own + pool

    def _allowance(self, allowance_id):
        found = self.allowances.get(allowance_id)
        if found is None:
            self._load_allowances([allowance_id])
            found = self.allowances[allowance_id]
        return found

    def _load_allowances(self, ids):
        ids = [i for i in ids if i not in self.allowances]
        if not ids:
            return
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT a.id, t.code, a.quantity_base, a.rollover, a.rollover_max_periods,
                          a.share_scope,
                          ARRAY(SELECT c.code FROM telecom_plan_allowance_telecom_zone_class_rel r
                                  JOIN telecom_zone_class c ON c.id = r.telecom_zone_class_id
                                 WHERE r.telecom_plan_allowance_id = a.id)
                     FROM telecom_plan_allowance a
                     JOIN telecom_usage_type t ON t.id = a.usage_type_id
                    WHERE a.id = ANY(%s)""",
                ids,
            )
        )
        for aid, code, qty, rollover, max_periods, scope, classes in cr.fetchall():
            self.allowances[aid] = AllowanceDef(
                aid,
                code,
                int(qty or 0),
                zone_classes=classes or None,
                rollover=rollover,
                rollover_max_periods=max_periods or 0,
                shared=scope == "billing_account",
            )
        for aid in ids:
            # deleted meanwhile: an allowance that covers nothing
            self.allowances.setdefault(aid, AllowanceDef(aid, "", 0))

    def _load_rows(self, keys):
        """Existing balances of ``{(scope, owner, period_start)}``."""
        keys = set(keys) - self._queried
        if not keys:
            return
        self._queried |= keys
        cr = self.cr
        subs = list({o for s, o, _p in keys if s == SUB})
        pools = list({o for s, o, _p in keys if s == POOL})
        starts = list({p for _s, _o, p in keys})
        cr.execute(
            SQL(
                """SELECT id, scope, subscription_id, billing_account_id, allowance_id,
                          period_start, generation, quantity, used, carried
                     FROM telecom_allowance_balance
                    WHERE period_start = ANY(%s)
                      AND ((scope = 'subscription' AND subscription_id = ANY(%s))
                           OR (scope = 'pool' AND billing_account_id = ANY(%s)))""",
                starts,
                subs,
                pools,
            )
        )
        rows = cr.fetchall()
        self._load_allowances({r[4] for r in rows})
        for bid, scope, sub_id, account_id, aid, start, gen, qty, used, carried in rows:
            owner = sub_id if scope == SUB else account_id
            if (scope, owner, start) not in keys:
                continue
            balance = Balance(bid, self.allowances[aid], scope, owner, start, qty, used,
                              carried, gen)  # fmt: skip
            self.owned.setdefault((scope, owner, start), []).append(balance)
            self.loaded[bid] = (balance, used, carried, qty)

    @staticmethod
    def _granted_sql(start, end):
        """The units the lines grant over the period ``start``..``end`` (an SQL SUM).

        A product that prorates its allowances (``telecom_allowance_prorate``) grants
        the share of the period's days its line covers; the caller rounds down.
        """
        return SQL(
            """SUM(a.quantity_base * l.quantity * CASE WHEN t.telecom_allowance_prorate
                   THEN GREATEST(LEAST(COALESCE(l.date_end, %(end)s), %(end)s)
                                 - GREATEST(l.date_start, %(start)s) + 1, 0)::numeric
                        / (%(end)s - %(start)s + 1)
                   ELSE 1 END)""",
            start=start,
            end=end,
        )

    # the pool size stated on the account (telecom.allowance.pool), else on the shared
    # allowance (pool_quantity): it replaces the sum of the lines' grants (see
    # telecom_allowance_pool.py); NULL when none is stated
    _POOL_JOIN = SQL(
        """LEFT JOIN telecom_allowance_pool ap
               ON ap.billing_account_id = s.billing_account_id AND ap.allowance_id = a.id"""
    )
    # the plan and add-on lines of subscriptions with the allowances their products
    # grant, and the account's pool size where there is one (both grant queries)
    _ALLOWANCE_LINES = SQL(
        """FROM telecom_subscription_line l
             JOIN telecom_subscription s ON s.id = l.subscription_id
             JOIN product_product p ON p.id = l.product_id
             JOIN product_template t ON t.id = p.product_tmpl_id
             JOIN telecom_plan_allowance a ON a.product_tmpl_id = p.product_tmpl_id
             %s""",
        _POOL_JOIN,
    )
    _POOL_SIZE = SQL(
        "MAX(CASE WHEN a.share_scope = 'billing_account'"
        " THEN COALESCE(ap.quantity_base, NULLIF(a.pool_quantity_base, 0)) END)"
    )

    def _prefetch_grants(self, wanted):
        """Grants of many ``(scope, owner, start, months)`` in one query per period."""
        missing = [k for k in wanted if k[:3] not in self._grants_cache]
        if not missing:
            return
        if len(self._grants_cache) > 200_000:
            self._grants_cache.clear()
        by_period = defaultdict(list)
        for scope, owner, start, months in missing:
            by_period[(start, months)].append((scope, owner))
        cr = self.cr
        for (start, months), owners in by_period.items():
            end = period_end(start, months)
            subs = [o for s, o in owners if s == SUB]
            accounts = [o for s, o in owners if s == POOL]
            cr.execute(
                SQL(
                    """SELECT s.id, s.billing_account_id, a.id, a.share_scope, %s, %s
                         %s
                        WHERE (s.id = ANY(%s) OR s.billing_account_id = ANY(%s))
                          AND s.state IN %s AND l.kind IN ('plan', 'addon')
                          AND l.date_start <= %s AND (l.date_end IS NULL OR l.date_end >= %s)
                        GROUP BY s.id, s.billing_account_id, a.id, a.share_scope""",
                    self._granted_sql(start, end),
                    self._POOL_SIZE,
                    self._ALLOWANCE_LINES,
                    subs,
                    accounts,
                    SUB_STATES_WITH_USAGE,
                    end,
                    start,
                )
            )
            rows = cr.fetchall()
            self._load_allowances({r[2] for r in rows})
            grants = defaultdict(lambda: defaultdict(int))
            sub_set, account_set = set(subs), set(accounts)
            for sid, account, aid, share, qty, pool_size in rows:
                if share == "subscription" and sid in sub_set:
                    grants[(SUB, sid)][aid] += int(qty or 0)
                elif share == "billing_account" and account in account_set:
                    if pool_size is not None:  # a stated size: the pool's, whatever the lines
                        grants[(POOL, account)][aid] = int(pool_size)
                        self.stated.add((account, aid))
                    else:
                        grants[(POOL, account)][aid] += int(qty or 0)
            for scope, owner in owners:
                found = grants.get((scope, owner), {})
                self._grants_cache[(scope, owner, start)] = [
                    (self.allowances[aid], found[aid]) for aid in sorted(found)
                ]

    def _grants(self, scope, owner, start, months):
        """``[(AllowanceDef, quantity)]`` the owner receives for the period."""
        key = (scope, owner, start)
        found = self._grants_cache.get(key)
        if found is not None:
            return found
        end = period_end(start, months)
        owner_clause = (
            SQL("s.id = %s", owner) if scope == SUB else SQL("s.billing_account_id = %s", owner)
        )
        share = "subscription" if scope == SUB else "billing_account"
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT a.id, %s, %s
                     %s
                    WHERE %s AND s.state IN %s AND a.share_scope = %s
                      AND l.kind IN ('plan', 'addon')
                      AND l.date_start <= %s AND (l.date_end IS NULL OR l.date_end >= %s)
                    GROUP BY a.id ORDER BY a.id""",
                self._granted_sql(start, end),
                self._POOL_SIZE,
                self._ALLOWANCE_LINES,
                owner_clause,
                SUB_STATES_WITH_USAGE,
                share,
                end,
                start,
            )
        )
        rows = cr.fetchall()
        self._load_allowances([r[0] for r in rows])
        grants = [
            (self.allowances[aid], int(pool_size if scope == POOL and pool_size is not None
                                       else qty or 0))
            for aid, qty, pool_size in rows
        ]  # fmt: skip
        if scope == POOL:
            self.stated.update((owner, aid) for aid, _qty, size in rows if size is not None)
        if len(self._grants_cache) > 200_000:
            self._grants_cache.clear()
        self._grants_cache[key] = grants
        return grants

    def _ensure(self, scope, owner, start, months, sub, depth):
        """Make sure the owner's balances for ``start`` exist (with rollover)."""
        key = (scope, owner, start)
        existing = self.owned.get(key)
        grants = self._grants(scope, owner, start, months)
        if existing is None:
            carried = []
            if depth and any(a.rollover for a, _q in grants):
                prev = previous_period_start(start, months)
                prev_key = (scope, owner, prev)
                if prev_key not in self._queried:
                    self._load_rows({prev_key})
                self._ensure(scope, owner, prev, months, sub, depth - 1)
                carried = carry_over(self.owned.get(prev_key, []), start)
            fresh = [
                Balance(None, allowance, scope, owner, start, quantity)
                for allowance, quantity in grants
            ]
            created = fresh + carried
            self._pending += [(b, sub, months) for b in created]
            self.owned[key] = sorted(created, key=Balance.sort_key)
            self.created.add(key)
            return
        # grants may have changed since the balances were created: an add-on bought
        # mid-period adds allowances and raises this period's quantities; a line that
        # ends earlier (a termination mid-period, prorated allowances) lowers them, never
        # below what is consumed already (the period is then rated again: ``short``); a
        # pool of a stated size is never lowered
        have = {b.allowance.id: b for b in existing if b.generation == 0}
        added = []
        for allowance, quantity in grants:
            balance = have.get(allowance.id)
            if balance is None:
                added.append(Balance(None, allowance, scope, owner, start, quantity))
            elif quantity > balance.quantity:
                balance.quantity = quantity  # written by flush()
            elif quantity < balance.quantity and (
                scope != POOL or (owner, allowance.id) not in self.stated
            ):
                floor = balance.used + balance.carried
                balance.quantity = max(quantity, floor)  # written by flush()
                if floor > quantity:
                    self.short.add(key)
        if added:
            self._pending += [(b, sub, months) for b in added]
            existing += added
        existing.sort(key=Balance.sort_key)

    def _insert(self, pending):
        """Create balance rows (one statement per 2,000); previews keep them in memory."""
        if not pending:
            return
        if not self.session.persist:
            for balance, _sub, _months in pending:
                self._new_id -= 1
                balance.id = self._new_id
            return
        for start in range(0, len(pending), 2000):
            self._insert_rows(pending[start : start + 2000])

    def _insert_rows(self, pending):
        """One INSERT ... SELECT FROM unnest(arrays): no SQL text per row."""
        session = self.session
        by_key = {}
        cols = [[] for _i in range(12)]
        for b, sub, months in pending:
            sub_id = b.owner_id if b.scope == SUB else None
            account = b.owner_id if b.scope == POOL else sub.billing_account_id
            by_key[(b.scope, sub_id, account, b.allowance.id, b.period_start, b.generation)] = b
            row = (
                b.scope,
                sub_id,
                account,
                b.allowance.id,
                session.usage_type_ids.get(b.allowance.usage_type),
                b.period_start,
                period_end(b.period_start, months),
                b.generation,
                b.quantity,
                b.used,
                b.carried,
                b.quantity - b.used - b.carried,
            )
            for col, value in zip(cols, row, strict=True):
                col.append(value)
        if self.deferred is not None:
            # ids now (one query), rows later (see ``deferred``)
            self.cr.execute(
                SQL(
                    "SELECT nextval(%s) FROM generate_series(1, %s)",
                    "telecom_allowance_balance_id_seq",
                    len(pending),
                )
            )
            ids = [row[0] for row in self.cr.fetchall()]
            for (balance, _sub, _months), bid in zip(pending, ids, strict=True):
                balance.id = bid
                self.loaded[bid] = (balance, balance.used, balance.carried, balance.quantity)
            self.deferred.append((ids, cols))
            return
        self.cr.execute(
            SQL(
                """INSERT INTO telecom_allowance_balance
                       (scope, subscription_id, billing_account_id, allowance_id, usage_type_id,
                        period_start, period_end, generation, quantity, used, carried,
                        remaining, company_id, create_uid, create_date, write_uid,
                        write_date)
                   SELECT d.*, %s, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC'
                     FROM unnest(%s::varchar[], %s::int[], %s::int[], %s::int[], %s::int[],
                                 %s::date[], %s::date[], %s::int[], %s::int8[], %s::int8[],
                                 %s::int8[], %s::int8[]) AS d
                   RETURNING id, scope, subscription_id, billing_account_id, allowance_id,
                             period_start, generation""",
                session.company.id,
                session.env.uid,
                session.env.uid,
                *cols,
            )
        )
        for bid, *key in self.cr.fetchall():
            balance = by_key[tuple(key)]
            balance.id = bid
            self.loaded[bid] = (balance, balance.used, balance.carried, balance.quantity)

    # -- writing ------------------------------------------------------------------------
    def flush(self):
        """Write the balances whose ``used``/``carried``/``quantity`` changed since loading."""
        self.write_inserts(self.take_deferred())
        return self.write_changes(self.changes())

    def take_deferred(self):
        """The balance rows waiting to be inserted (see ``deferred``), handed over."""
        if not self.deferred:
            return []
        deferred, self.deferred = self.deferred, []
        return deferred

    def write_inserts(self, deferred):
        """Insert what :meth:`take_deferred` returned; no ORM (any thread)."""
        session = self.session
        for ids, cols in deferred:
            self.cr.execute(
                SQL(
                    """INSERT INTO telecom_allowance_balance
                           (id, scope, subscription_id, billing_account_id, allowance_id,
                            usage_type_id, period_start, period_end, generation, quantity,
                            used, carried, remaining, company_id, create_uid, create_date,
                            write_uid, write_date)
                       SELECT d.*, %s, %s, now() at time zone 'UTC', %s,
                              now() at time zone 'UTC'
                         FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::int[], %s::int[],
                                     %s::int[], %s::date[], %s::date[], %s::int[], %s::int8[],
                                     %s::int8[], %s::int8[], %s::int8[]) AS d""",
                    session.company.id,
                    session.env.uid,
                    session.env.uid,
                    ids,
                    *cols,
                )
            )

    def changes(self):
        """``{balance id: (used, carried, quantity)}`` changed since loading (or the last
        call), taken now; the store counts them as written."""
        changed = {
            b.id: (b.used, b.carried, b.quantity)
            for bid, (b, used, carried, quantity) in self.loaded.items()
            if bid
            and bid > 0
            and (b.used != used or b.carried != carried or b.quantity != quantity)
        }
        loaded = self.loaded
        for bid, (used, carried, quantity) in changed.items():
            loaded[bid] = (loaded[bid][0], used, carried, quantity)
        return changed

    def write_changes(self, changed):
        """Write what :meth:`changes` returned, in one statement; no ORM (any thread)."""
        if not changed or not self.session.persist:
            return 0
        ids = list(changed)
        values = list(changed.values())
        self.cr.execute(
            SQL(
                """UPDATE telecom_allowance_balance b
                      SET used = d.used, carried = d.carried, quantity = d.quantity,
                          remaining = d.quantity - d.used - d.carried,
                          write_date = now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::int8[], %s::int8[], %s::int8[])
                          AS d(id, used, carried, quantity)
                    WHERE b.id = d.id""",
                ids,
                [v[0] for v in values],
                [v[1] for v in values],
                [v[2] for v in values],
            )
        )
        return len(changed)


def group_by_period(records):
    """``{(Subscriber, period_start)}`` of rated-to-be records."""
    return {(rec.sub, rec.period_start) for rec in records if rec.state == "accepted"}


__all__ = ["MAX_CACHED_BALANCES", "SUB_STATES_WITH_USAGE", "DbBalanceStore", "group_by_period"]
