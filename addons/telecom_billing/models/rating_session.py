# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Feed the plain-Python rating core from the database, and drain it into it.

A :class:`RatingSession` serves one import, re-rating or preview. It reads in
bulk, never per record: tariffs are compiled once (prefix tries, band
schedules, prices), subscribers are resolved with one query per chunk for the
identifiers not seen yet, allowance balances are loaded (and created) with a
few queries per chunk, and records are written with PostgreSQL ``COPY``.

The raw SQL in this module is the rating hot path (see README "Rating"): every
statement is parameterised; table and column names are constants.
"""

import io
import logging
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from odoo.tools import SQL

from ..rating import (
    POOL,
    SUB,
    AllowanceDef,
    Balance,
    BandSchedule,
    PeriodCache,
    PrefixTable,
    PriceLine,
    RatingEngine,
    Rounding,
    Subscriber,
    Tariff,
    TariffVersion,
    UsageType,
    Zone,
    carry_over,
    next_period_start,
    previous_period_start,
)
from ..rating.copyfmt import COPY_COLUMNS, NULL, CopyFormatter, copy_text
from ..rating.timebands import day_number

_logger = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1)
MAX_CACHED_BALANCES = 300_000
#: pg_advisory_xact_lock(RATING_LOCK, company id): one rating transaction at a time
#: per company, so balances are read and written by one writer
RATING_LOCK = 74_237_001
#: bumped by every transaction that changes balances (under the rating lock): a
#: session whose last value is still current can trust the balances it holds
GENERATION_SEQUENCE = "telecom_rating_generation"
SUB_STATES_WITH_USAGE = ("active", "suspended", "terminated")
WEEKDAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def to_epoch(moment):
    """Epoch seconds of a naive UTC datetime (Odoo's Datetime values)."""
    return int((moment - EPOCH).total_seconds())


def from_epoch(seconds):
    return EPOCH + timedelta(seconds=seconds)


class RowStream(io.TextIOBase):
    """A file-like object whose ``read`` produces COPY lines on demand.

    ``psycopg2``'s ``copy_expert`` pulls blocks from it while PostgreSQL, in its
    own process, is already storing the previous blocks (re-rating, re-processing:
    the lines are built while they are sent).
    """

    def __init__(self, lines):
        super().__init__()
        self._lines = lines
        self._buffer = ""

    def readable(self):
        return True

    def read(self, size=-1):  # pylint: disable=method-required-super
        if size is None or size < 0:
            size = 1 << 62
        parts = [self._buffer] if self._buffer else []
        length = len(self._buffer)
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if length >= size:
                break
        text = "".join(parts)
        self._buffer = text[size:]
        return text[:size]

    def readline(self, size=-1):  # psycopg2 only calls read(); kept for completeness
        return self.read(size)


class RatingSession:
    """Bulk loaders and writers around one :class:`~..rating.engine.RatingEngine`."""

    def __init__(self, env, company, persist=True):
        # everything below reads tables directly: pending ORM writes go first
        env.flush_all()
        self.env = env
        self.cr = env.cr
        self.company = company
        self.persist = persist
        self.periods = PeriodCache()
        self.usage_types = {}
        self.usage_type_ids = {}
        self._load_usage_types()
        self.tariffs = {}  # code -> Tariff | None
        self.version_currency = {}  # version id -> currency id
        self.zone_classes = {}  # zone class id -> code
        self.by_key = {}  # identifier -> [(day_from, day_to, Subscriber)]
        self.subscribers = {}  # subscription id -> Subscriber
        self.account_lock = {}  # billing account id -> first open epoch second
        self.store = DbBalanceStore(self)
        self.engine = RatingEngine(self.usage_types, self.store.balances, self.periods)
        self.formatter = CopyFormatter(self.usage_type_ids)
        self.fmt_ts = self.formatter.fmt_ts
        self._company_lock = self._lock_epoch(company.telecom_usage_lock_date)
        self.generation = None
        #: (subscription id, billing account id, period_start) -> epoch second of the
        #: earliest record an import rated (late usage: see the batch's _rerate_late_usage)
        self.first_usage = {}

    # -- concurrency -------------------------------------------------------------
    def sync(self):
        """Call under the rating lock before a chunk: drop balances others changed.

        Returns whether the balances held were dropped.
        """
        self.cr.execute(SQL("SELECT last_value, is_called FROM %s",
                            SQL.identifier(GENERATION_SEQUENCE)))  # fmt: skip
        last, called = self.cr.fetchone()
        current = last if called else 0
        if current != self.generation:
            self.store.invalidate()
            self.generation = current
            return True
        return False

    def bump(self):
        """Call after writing balances, before commit (still under the rating lock)."""
        self.cr.execute(SQL("SELECT nextval(%s)", GENERATION_SEQUENCE))
        self.generation = self.cr.fetchone()[0]

    # -- reference data ------------------------------------------------------------
    def _load_usage_types(self):
        self.cr.execute(
            SQL(
                """SELECT id, code, unit, base_code, is_roaming FROM telecom_usage_type
                    WHERE active AND (company_id IS NULL OR company_id = %s)""",
                self.company.id,
            )
        )
        for type_id, code, unit, base_code, is_roaming in self.cr.fetchall():
            self.usage_types[code] = UsageType(code, unit, base_code or code, is_roaming, type_id)
            self.usage_type_ids[code] = type_id

    @staticmethod
    def _lock_epoch(lock_date):
        """First second (UTC) after a lock date (usage before it is closed)."""
        if not lock_date:
            return None
        return (day_number(lock_date) + 1) * 86400

    # -- tariffs ----------------------------------------------------------------------
    def tariff(self, code):
        """The compiled :class:`Tariff` of a code (None when unknown)."""
        if code in self.tariffs:
            return self.tariffs[code]
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT id, timezone FROM telecom_tariff
                    WHERE code = %s AND active AND company_id = %s""",
                code,
                self.company.id,
            )
        )
        row = cr.fetchone()
        if not row:
            self.tariffs[code] = None
            return None
        tariff_id, tz = row
        versions = self._compile_versions(tariff_id, code)
        tariff = Tariff(code, versions, tz=tz) if versions else None
        self.tariffs[code] = tariff
        return tariff

    def _compile_versions(self, tariff_id, code):
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT v.id, v.date_from, v.date_to, v.currency_id, v.rounding_precision,
                          v.rounding_method, v.band_policy, v.default_band, v.holiday_band,
                          v.holiday_calendar_id, v.default_zone_id
                     FROM telecom_tariff_version v
                    WHERE v.tariff_id = %s AND v.active ORDER BY v.date_from""",
                tariff_id,
            )
        )
        rows = cr.fetchall()
        if not rows:
            return []
        ids = [r[0] for r in rows]
        zones = self._load_zones(ids)
        schedules = self._load_schedules(rows)
        prices = self._load_prices(ids)
        versions = []
        for vid, dfrom, dto, currency, precision, method, policy, *_rest, default_zone in rows:
            version_zones = zones.get(vid, {})
            destinations = PrefixTable()
            roaming = PrefixTable()
            for zone, kind, prefixes in version_zones.values():
                table = roaming if kind == "roaming" else destinations
                for prefix in prefixes:
                    table.add(prefix, zone)
            version = TariffVersion(
                vid,
                code,
                date_from=dfrom,
                date_to=dto,
                currency=currency,
                rounding=Rounding(precision, method),
                band_policy=policy,
                schedule=schedules[vid],
                destinations=destinations,
                roaming=roaming,
                default_zone=version_zones.get(default_zone, (None,))[0],
            )
            for key, line in prices.get(vid, {}).items():
                version.add_price(*key, line)
            self.version_currency[vid] = currency
            versions.append(version)
        return versions

    def _load_zones(self, version_ids):
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT z.id, z.version_id, z.code, c.code, z.kind, z.billable, z.name
                     FROM telecom_tariff_zone z JOIN telecom_zone_class c ON c.id = z.zone_class_id
                    WHERE z.version_id = ANY(%s)""",
                version_ids,
            )
        )
        zones = defaultdict(dict)
        for zid, vid, code, zclass, kind, billable, name in cr.fetchall():
            zones[vid][zid] = (Zone(zid, code, zclass, billable, name), kind, [])
        cr.execute(
            SQL(
                "SELECT version_id, zone_id, prefix FROM telecom_tariff_prefix"
                " WHERE version_id = ANY(%s)",
                version_ids,
            )
        )
        for vid, zid, prefix in cr.fetchall():
            entry = zones[vid].get(zid)
            if entry:
                entry[2].append(prefix)
        return zones

    def _load_schedules(self, version_rows):
        cr = self.cr
        ids = [r[0] for r in version_rows]
        cr.execute(
            SQL(
                """SELECT version_id, band, mon, tue, wed, thu, fri, sat, sun, hour_from, hour_to
                     FROM telecom_time_band WHERE version_id = ANY(%s)
                    ORDER BY version_id, sequence, id""",
                ids,
            )
        )
        rules = defaultdict(list)
        for vid, band, *days, hour_from, hour_to in cr.fetchall():
            weekdays = {i for i, flag in enumerate(days) if flag}
            start = round(float(hour_from) * 60)
            end = round(float(hour_to) * 60)
            if weekdays and end > start:
                rules[vid].append((weekdays, start, end, band))
        calendars = {r[9] for r in version_rows if r[9]}
        holidays = defaultdict(list)
        if calendars:
            cr.execute(
                SQL(
                    "SELECT calendar_id, date FROM telecom_holiday WHERE calendar_id = ANY(%s)",
                    list(calendars),
                )
            )
            for calendar_id, day in cr.fetchall():
                holidays[calendar_id].append(day)
        schedules = {}
        for vid, *_r, default_band, holiday_band, calendar_id, _dz in version_rows:
            schedules[vid] = BandSchedule(
                rules[vid],
                default_band=default_band or "peak",
                holidays=holidays.get(calendar_id, ()),
                holiday_band=holiday_band or None,
            )
        return schedules

    def _load_prices(self, version_ids):
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT p.id, p.version_id, t.code, p.zone_id, p.band, p.price::text,
                          p.unit_quantity, p.increment_first, p.increment_next,
                          p.connection_fee::text, p.minimum_charge::text, p.charge_incoming
                     FROM telecom_tariff_price p
                     JOIN telecom_usage_type t ON t.id = p.usage_type_id
                    WHERE p.version_id = ANY(%s)""",
                version_ids,
            )
        )
        rows = cr.fetchall()
        cr.execute(
            SQL(
                """SELECT tier.price_id, tier.from_quantity::text, tier.price::text,
                          p.unit_quantity
                     FROM telecom_tariff_tier tier
                     JOIN telecom_tariff_price p ON p.id = tier.price_id
                    WHERE p.version_id = ANY(%s) ORDER BY tier.from_quantity""",
                version_ids,
            )
        )
        tiers = defaultdict(list)
        for price_id, from_qty, price, unit in cr.fetchall():
            tiers[price_id].append((int(Decimal(from_qty) * unit), Decimal(price)))
        prices = defaultdict(dict)
        for (pid, vid, utype, zone_id, band, price, unit, first, nxt, fee, minimum,
             incoming) in rows:  # fmt: skip
            # numeric columns read as text: Odoo's cursor turns NUMERIC into float
            price = Decimal(price or 0)
            price_tiers = tiers.get(pid, ())
            if price_tiers and price_tiers[0][0] != 0:
                price_tiers = [(0, price), *price_tiers]
            prices[vid][(utype, zone_id or None, band or None)] = PriceLine(
                price,
                unit or 1,
                first or 1,
                nxt or 1,
                connection_fee=Decimal(fee or 0),
                minimum=Decimal(minimum or 0),
                tiers=price_tiers,
                charge_incoming=incoming,
                id=pid,
            )
        return prices

    # -- subscribers --------------------------------------------------------------------
    def resolve(self, records, cached_only=False):
        """Attach the subscription valid at each record's time; reject the others.

        ``cached_only``: resolve only the identifiers already loaded (no query: this
        runs while the connection streams the previous chunk); the others are left
        for the next call.
        """
        by_key = self.by_key
        todo = [rec for rec in records if rec.state == "accepted" and rec.sub is None]
        if not cached_only:
            wanted = {rec.subscriber_key for rec in todo} - by_key.keys()
            if wanted:
                self._load_subscribers(wanted)
        account_lock = self.account_lock
        company_lock = self._company_lock
        for rec in todo:
            candidates = by_key.get(rec.subscriber_key)
            if candidates is None:  # not loaded yet (cached_only)
                continue
            sub = None
            if candidates:
                day = rec.start // 86400
                for day_from, day_to, candidate in candidates:
                    if day_from <= day and (day_to is None or day <= day_to):
                        sub = candidate
                        break
            if sub is None:
                rec.reject("unknown_subscriber")
                continue
            rec.sub = sub
            lock = account_lock.get(sub.billing_account_id, company_lock)
            if lock is not None and rec.start < lock:
                rec.reject("closed_period")

    def _load_subscribers(self, keys):
        from ..rating.mediation import normalize_number

        if len(self.by_key) > 500_000:
            self.by_key.clear()
        variants = {}
        for key in keys:
            variants.setdefault(key, key)
            number = normalize_number(key)
            if number and number != key:
                variants.setdefault(number, key)
        names = list(variants)
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT s.id, s.phone_number, s.imsi, s.username, s.sim_iccid,
                          s.activation_date, s.termination_date, s.billing_account_id,
                          a.billing_day, a.billing_period_months, p.tz
                     FROM telecom_subscription s
                     JOIN telecom_billing_account a ON a.id = s.billing_account_id
                     JOIN res_partner p ON p.id = s.partner_id
                    WHERE s.company_id = %s AND s.state IN %s AND s.activation_date IS NOT NULL
                      AND (s.phone_number = ANY(%s) OR s.imsi = ANY(%s)
                           OR s.username = ANY(%s) OR s.sim_iccid = ANY(%s))
                    ORDER BY s.activation_date DESC, s.id DESC""",
                self.company.id,
                SUB_STATES_WITH_USAGE,
                names,
                names,
                names,
                names,
            )
        )
        rows = cr.fetchall()
        new_ids = [r[0] for r in rows if r[0] not in self.subscribers]
        terms = self._load_terms(new_ids) if new_ids else {}
        for key in keys:
            self.by_key[key] = []
        accounts = {row[7] for row in rows} - self.account_lock.keys()
        if accounts:
            locks = (
                self.env["telecom.billing.account"].browse(accounts)._telecom_usage_locked_until()
            )
            for account in accounts:
                lock = locks.get(account)
                self.account_lock[account] = max(
                    filter(None, (self._lock_epoch(lock), self._company_lock)), default=None
                )
        for (sid, phone, imsi, username, iccid, activation, termination, account,
             billing_day, months, tz) in rows:  # fmt: skip
            sub = self.subscribers.get(sid)
            if sub is None:
                sub_terms = terms.get(sid, [])
                if not tz:
                    tz = next((t.tz for _f, _t, t in sub_terms if t is not None), None)
                sub = Subscriber(
                    sid,
                    account,
                    sub_terms,
                    tz=tz or "UTC",
                    billing_day=min(max(billing_day or 1, 1), 28),
                    period_months=months or 1,
                    company_id=self.company.id,
                )
                self.subscribers[sid] = sub
            entry = (
                day_number(activation),
                day_number(termination) if termination else None,
                sub,
            )
            for ident in (phone, imsi, username, iccid):
                if ident and ident in variants:
                    self.by_key[variants[ident]].append(entry)

    def _load_terms(self, subscription_ids):
        """Plan lines of subscriptions -> ``{sub id: [(day_from, day_to, Tariff)]}``."""
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT l.subscription_id, l.date_start, l.date_end, t.telecom_tariff_ref
                     FROM telecom_subscription_line l
                     JOIN product_product p ON p.id = l.product_id
                     JOIN product_template t ON t.id = p.product_tmpl_id
                    WHERE l.subscription_id = ANY(%s) AND l.kind = 'plan'
                    ORDER BY l.subscription_id, l.date_start""",
                subscription_ids,
            )
        )
        terms = defaultdict(list)
        for sid, start, end, code in cr.fetchall():
            tariff = self.tariff(code) if code else None
            terms[sid].append(
                (day_number(start) if start else None, day_number(end) if end else None, tariff)
            )
        return terms

    def subscriber(self, subscription):
        """The :class:`Subscriber` of one subscription record (previews)."""
        sub = self.subscribers.get(subscription.id)
        if sub is None:
            for ident in (subscription.phone_number, subscription.imsi, subscription.username,
                          subscription.sim_iccid):  # fmt: skip
                if ident:
                    self._load_subscribers({ident})
                    sub = self.subscribers.get(subscription.id)
                    if sub:
                        break
        if sub is None:
            terms = self._load_terms([subscription.id]).get(subscription.id, [])
            tz = subscription.partner_id.tz or next(
                (t.tz for _f, _t, t in terms if t is not None), None
            )
            account = subscription.billing_account_id
            sub = Subscriber(
                subscription.id,
                account.id,
                terms,
                tz=tz or "UTC",
                billing_day=min(max(account.billing_day or 1, 1), 28),
                period_months=account.billing_period_months or 1,
                company_id=self.company.id,
            )
            self.subscribers[subscription.id] = sub
        return sub

    # -- writing ------------------------------------------------------------------------
    def copy_prefix(self, source_id, batch_id):
        now = self.fmt_ts(to_epoch(datetime.now(timezone.utc).replace(tzinfo=None)))
        return CopyFormatter.prefix(self.env.uid, now, self.company.id, source_id, batch_id)

    def copy_line(self, rec, prefix):
        """One COPY line for a record (rated, unbillable, rejected or duplicate)."""
        return self.formatter.line(rec, prefix)

    UPDATE_COLUMNS = (
        "id", "source_record_id", "subscriber", "subscription_id", "billing_account_id",
        "usage_type_id", "direction", "start_time", "quantity", "called_number", "location",
        "zone_id", "time_band", "rated_quantity", "allowance_quantity", "allowance_detail",
        "amount", "currency_id", "tariff_version_id", "state", "reason_code", "period_start",
    )  # fmt: skip

    def update_records(self, records, rerating=False):
        """Write rating results over existing rows (re-processing, re-rating).

        One COPY into a temporary table and one UPDATE: no statement per record.
        ``rerating`` also counts the re-rating on each row.
        """
        if not records:
            return
        cr = self.cr
        columns = self.UPDATE_COLUMNS
        cr.execute(SQL("SELECT to_regclass('pg_temp.telecom_usage_update')"))
        if cr.fetchone()[0] is None:
            cr.execute(
                SQL(
                    "CREATE TEMP TABLE telecom_usage_update ON COMMIT DROP AS"
                    " SELECT %s FROM telecom_usage_record WITH NO DATA",
                    SQL(", ").join(SQL.identifier(c) for c in columns),
                )
            )
        else:
            cr.execute(SQL("TRUNCATE telecom_usage_update"))

        def lines():
            for rec in records:
                cols = self.copy_line(rec, "").rstrip("\n").split("\t")
                # copy_line: 0 record id, 1 line, 2 subscriber, 3..20 results, 21 raw,
                # 22 period start, 23 re-ratings
                yield "\t".join([str(rec.db_id), cols[0], *cols[2:21], cols[22]]) + "\n"

        cr.copy_expert(
            "COPY telecom_usage_update ({}) FROM STDIN".format(", ".join(columns)),
            RowStream(lines()),
            size=1 << 16,
        )
        assignments = SQL(", ").join(
            SQL("%s = d.%s", SQL.identifier(c), SQL.identifier(c)) for c in columns[1:]
        )
        cr.execute(
            SQL(
                """UPDATE telecom_usage_record u SET %s,
                       raw = CASE WHEN d.state IN ('rejected', 'duplicate') THEN u.raw END,
                       rerated_count = u.rerated_count + %s,
                       write_uid = %s, write_date = now() at time zone 'UTC'
                  FROM telecom_usage_update d WHERE u.id = d.id""",
                assignments,
                1 if rerating else 0,
                self.env.uid,
            )
        )

    def copy_text(self, text):
        """COPY lines already formatted (one string) into the usage table.

        Sent in blocks of 1 MB: psycopg2 holds the GIL only to take each block, so
        another thread runs Python while PostgreSQL stores the rows.
        """
        sql = "COPY telecom_usage_record ({}) FROM STDIN".format(", ".join(COPY_COLUMNS))
        self.cr.copy_expert(sql, io.StringIO(text), size=1 << 20)


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
            end = next_period_start(start, months) - timedelta(days=1)
            subs = [o for s, o in owners if s == SUB]
            accounts = [o for s, o in owners if s == POOL]
            cr.execute(
                SQL(
                    """SELECT s.id, s.billing_account_id, a.id, a.share_scope, %s, %s
                         FROM telecom_subscription_line l
                         JOIN telecom_subscription s ON s.id = l.subscription_id
                         JOIN product_product p ON p.id = l.product_id
                         JOIN product_template t ON t.id = p.product_tmpl_id
                         JOIN telecom_plan_allowance a ON a.product_tmpl_id = p.product_tmpl_id
                         %s
                        WHERE (s.id = ANY(%s) OR s.billing_account_id = ANY(%s))
                          AND s.state IN %s AND l.kind IN ('plan', 'addon')
                          AND l.date_start <= %s AND (l.date_end IS NULL OR l.date_end >= %s)
                        GROUP BY s.id, s.billing_account_id, a.id, a.share_scope""",
                    self._granted_sql(start, end),
                    self._POOL_SIZE,
                    self._POOL_JOIN,
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
        end = next_period_start(start, months) - timedelta(days=1)
        owner_clause = (
            SQL("s.id = %s", owner) if scope == SUB else SQL("s.billing_account_id = %s", owner)
        )
        share = "subscription" if scope == SUB else "billing_account"
        cr = self.cr
        cr.execute(
            SQL(
                """SELECT a.id, %s, %s
                     FROM telecom_subscription_line l
                     JOIN telecom_subscription s ON s.id = l.subscription_id
                     JOIN product_product p ON p.id = l.product_id
                     JOIN product_template t ON t.id = p.product_tmpl_id
                     JOIN telecom_plan_allowance a ON a.product_tmpl_id = p.product_tmpl_id
                     %s
                    WHERE %s AND s.state IN %s AND a.share_scope = %s
                      AND l.kind IN ('plan', 'addon')
                      AND l.date_start <= %s AND (l.date_end IS NULL OR l.date_end >= %s)
                    GROUP BY a.id ORDER BY a.id""",
                self._granted_sql(start, end),
                self._POOL_SIZE,
                self._POOL_JOIN,
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
                next_period_start(b.period_start, months) - timedelta(days=1),
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


__all__ = [
    "COPY_COLUMNS",
    "NULL",
    "DbBalanceStore",
    "RatingSession",
    "RowStream",
    "copy_text",
    "from_epoch",
    "group_by_period",
    "to_epoch",
]
