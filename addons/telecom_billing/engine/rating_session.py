# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Feed the plain-Python rating core from the database, and drain it into it.

A :class:`RatingSession` serves one import, re-rating or preview. It reads in
bulk, never per record: tariffs are compiled once (prefix tries, band
schedules, prices), subscribers are resolved with one query per chunk for the
identifiers not seen yet, allowance balances are loaded (and created) with a
few queries per chunk (:mod:`.balance_store`), and records are written with
PostgreSQL ``COPY``.

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
)
from ..rating.copyfmt import COPY_COLUMNS, CopyFormatter
from ..rating.timebands import day_number
from .balance_store import SUB_STATES_WITH_USAGE, DbBalanceStore

_logger = logging.getLogger(__name__)

EPOCH = datetime(1970, 1, 1)
#: pg_advisory_xact_lock(RATING_LOCK, company id): one rating transaction at a time
#: per company, so balances are read and written by one writer
RATING_LOCK = 74_237_001
#: bumped by every transaction that changes balances (under the rating lock): a
#: session whose last value is still current can trust the balances it holds
GENERATION_SEQUENCE = "telecom_rating_generation"
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

    def preload(self, subscriptions):
        """Load the subscribers of several subscription records with one query per
        chunk of identifiers (re-rating's chunks: thousands of subscriptions, each
        loaded alone by :meth:`subscriber` before); :meth:`subscriber` then finds them."""
        keys = {
            ident
            for sub in subscriptions
            if sub.id not in self.subscribers
            for ident in (sub.phone_number, sub.imsi, sub.username, sub.sim_iccid)
            if ident
        }
        if keys:
            self._load_subscribers(keys)

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


__all__ = [
    "RATING_LOCK",
    "RatingSession",
    "RowStream",
    "from_epoch",
    "to_epoch",
]
