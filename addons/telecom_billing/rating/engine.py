# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The rating engine: prices usage records in batches, in memory.

For each accepted record (subscriber resolved, fields validated), :meth:`RatingEngine.rate`:

1. takes the subscriber's local time (its time zone) and local day;
2. finds the billing period (``period_start``), the tariff of the plan in force
   that day and the tariff version valid that day (else rejected ``no_tariff``);
3. finds the zone: by the visited network (``location``) for roaming usage types
   when given, by the longest prefix of the called number, or the version's default
   zone for records without a number (else rejected ``unknown_zone``);
4. finds the band at the start and the price line for (usage type, zone, band)
   (else rejected ``no_price``);
5. marks the record ``unbillable`` when its quantity is 0 (``zero_quantity``), its
   zone is not billable (``free_zone``, e.g. emergency numbers) or it is incoming
   and the price line does not charge incoming usage (``incoming``);
6. applies the increments (``rated_quantity``), consumes allowances (see
   :mod:`.allowance`), and prices the overage: connection fee + the price of each
   overage unit (tiers by position in the record, bands split per the version's
   policy), raised to the minimum charge, rounded once (:mod:`.rounding`). A record
   the allowances cover entirely costs 0: no connection fee, no minimum charge.

The engine never does I/O: tariffs, subscribers and balances are given to it.
"""

from operator import attrgetter

from .allowance import consume
from .rounding import CONTEXT, ZERO
from .timebands import TimeZone

ACCEPTED = "accepted"
RATED = "rated"
REJECTED = "rejected"
DUPLICATE = "duplicate"
UNBILLABLE = "unbillable"
BILLED = "billed"


class UsageType:
    __slots__ = ("base_code", "code", "id", "is_roaming", "unit")

    def __init__(self, code, unit, base_code=None, is_roaming=False, id=None):
        if unit not in ("second", "unit", "byte"):
            raise ValueError(f"usage type unit must be second, unit or byte, not {unit!r}")
        self.code = code
        self.unit = unit
        self.base_code = base_code or code
        self.is_roaming = bool(is_roaming)
        self.id = id

    def __repr__(self):
        return f"UsageType({self.code!r}, {self.unit!r})"


class Subscriber:
    """What rating needs of a subscription."""

    __slots__ = (
        "billing_account_id",
        "billing_day",
        "company_id",
        "id",
        "period_months",
        "store_order",
        "terms",
        "tz",
    )

    def __init__(
        self,
        id,
        billing_account_id,
        terms,
        tz="UTC",
        billing_day=1,
        period_months=1,
        company_id=None,
    ):
        self.id = id
        self.billing_account_id = billing_account_id
        self.tz = tz if isinstance(tz, TimeZone) else TimeZone.get(tz)
        self.billing_day = billing_day
        self.period_months = period_months
        # ((day_from or None, day_to or None, Tariff or None), ...): the plan lines
        self.terms = tuple(terms)
        self.company_id = company_id
        #: the order records are stored in: by billing account, then subscription
        self.store_order = (billing_account_id or 0, id or 0)

    def tariff_on(self, day):
        for day_from, day_to, tariff in self.terms:
            if (day_from is None or day >= day_from) and (day_to is None or day <= day_to):
                return tariff
        return None


class UsageRecord:
    """One usage event on its way through mediation and rating."""

    __slots__ = (
        "allowance_detail",
        "allowance_quantity",
        "amount",
        "band",
        "called_number",
        "clean",
        "day",
        "db_id",
        "direction",
        # input
        "line_no",
        "local",
        "location",
        "period_start",
        "quantity",
        "rated_quantity",
        "raw",
        "reason",
        "record_id",
        "start",
        "start_text",
        # results
        "state",
        # resolution
        "sub",
        "subscriber_key",
        "usage_type",
        "version",
        "zone",
    )

    def __init__(
        self,
        record_id=None,
        subscriber_key=None,
        usage_type=None,
        start=None,
        quantity=0,
        direction="out",
        called_number=None,
        location=None,
        raw=None,
        line_no=0,
        sub=None,
        state=ACCEPTED,
        reason=None,
    ):
        self.line_no = line_no
        self.record_id = record_id
        self.subscriber_key = subscriber_key
        self.usage_type = usage_type
        self.start = start
        self.quantity = quantity
        self.direction = direction
        self.called_number = called_number
        self.location = location
        self.raw = raw
        # the raw line holds nothing COPY must escape (its fields go out as they are)
        self.clean = False
        self.start_text = None
        self.sub = sub
        self.local = None
        self.day = None
        self.db_id = None
        self.state = state
        self.reason = reason
        self.zone = None
        self.band = None
        self.version = None
        self.period_start = None
        self.rated_quantity = 0
        self.allowance_quantity = 0
        self.allowance_detail = ()
        self.amount = ZERO

    def reject(self, reason):
        self.state = REJECTED
        self.reason = reason
        return self

    def __repr__(self):
        return (
            f"UsageRecord({self.record_id!r} {self.usage_type} q={self.quantity} "
            f"{self.state} {self.reason or ''} {self.amount})"
        )


#: sort key of a batch: start time, then input order
chronological = attrgetter("start", "line_no")


class RatingEngine:
    """Rate records against tariffs and balances.

    ``balances(sub, period_start)`` returns the ordered balances a subscriber draws
    from in a period (see :class:`~.allowance.MemoryBalanceStore`).
    """

    def __init__(self, usage_types, balances, periods):
        self.usage_types = usage_types  # {code: UsageType}
        self.balance_source = balances
        self.periods = periods  # PeriodCache
        self._days = {}  # (subscriber, local day) -> (period start, tariff, version)
        # (price line, first charged unit, rated units) -> amount: each line belongs to
        # one tariff version, whose rounding is therefore fixed by the key
        self._amounts = {}

    def _day(self, sub, day):
        """Billing period, tariff and tariff version of a subscriber's local day."""
        key = (sub, day)
        found = self._days.get(key)
        if found is None:
            if len(self._days) > 500_000:
                self._days.clear()
            tariff = sub.tariff_on(day)
            found = self._days[key] = (
                self.periods.start(day, sub.billing_day, sub.period_months),
                tariff,
                tariff.version_on(day) if tariff is not None else None,
            )
        return found

    # -- batches ---------------------------------------------------------------
    def rate_batch(self, records):
        """Rate the accepted records of a batch in chronological order."""
        rate = self.rate
        for record in sorted(
            (r for r in records if r.state == ACCEPTED and r.sub is not None), key=chronological
        ):
            rate(record)
        return records

    def locate(self, rec):
        """Set and return the record's billing period (before balances are loaded)."""
        sub = rec.sub
        rec.local = local = rec.start + sub.tz.offset(rec.start)
        rec.day = day = self._day(sub, local // 86400)
        rec.period_start = day[0]
        return rec.period_start

    # -- one record -------------------------------------------------------------
    def rate(self, rec, trace=None, dry_run=False, covered=None):
        """Rate one record in place.

        ``trace`` (a list) collects an explanation; ``dry_run`` leaves the balances
        untouched; ``covered`` forces the allowance units (to explain a stored
        record as it was rated).
        """
        utype = self.usage_types[rec.usage_type]
        line = self._place(rec, utype, trace)
        if line is None:
            return rec
        zone = rec.zone
        quantity = rec.quantity
        if quantity <= 0:
            return self._unbillable(rec, "zero_quantity")
        if not zone.billable:
            return self._unbillable(rec, "free_zone")
        rated = line.rated_quantity(quantity)
        rec.rated_quantity = rated
        if covered is None:
            covered, detail = consume(
                self.balance_source(rec.sub, rec.period_start),
                utype.code,
                utype.base_code,
                zone.zone_class,
                rated,
                apply=not dry_run,
            )
        else:
            covered, detail = min(covered, rated), ()
        rec.allowance_quantity = covered
        rec.allowance_detail = detail
        if trace is not None:
            trace.append(("increments", quantity, line.first, line.next, rated))
            trace.append(("allowance", covered, list(detail)))
        if covered >= rated:
            rec.amount = rec.version.rounding.zero
        else:
            rec.amount = self._price(rec, utype, line, covered, rated, trace)
        rec.state = RATED
        rec.reason = None
        return rec

    def _place(self, rec, utype, trace):
        """Period, tariff version, zone, band and price line of a record.

        Returns the price line, or None when the record ends here (rejected or
        unbillable, its state set).
        """
        sub = rec.sub
        local = rec.local
        if local is None:
            rec.local = local = rec.start + sub.tz.offset(rec.start)
            rec.day = self._day(sub, local // 86400)
        rec.period_start, tariff, version = rec.day
        if trace is not None:
            trace.append(("local_time", local, sub.tz.name, local - rec.start))
            trace.append(("period_start", rec.period_start))
            trace.append(("tariff", tariff.code if tariff else None, version))
        if version is None:
            rec.reject("no_tariff")
            return None
        rec.version = version
        if utype.is_roaming and rec.location:
            zone = version.roaming.lookup(rec.location)
        elif rec.called_number:
            zone = version.destinations.lookup(rec.called_number)
        else:
            zone = version.default_zone
        incoming = rec.direction == "in"
        if zone is None:
            if trace is not None:
                trace.append(("zone", None))
            if incoming:
                self._unbillable(rec, "incoming")
            else:
                rec.reject("unknown_zone")
            return None
        rec.zone = zone
        rec.band = band = version.schedule.band_at(local)
        line = version.price_line(utype.code, zone.id, band)
        if trace is not None:
            trace.append(("zone", zone))
            trace.append(("band", band))
            trace.append(("price_line", line))
        if incoming and (line is None or not line.charge_incoming):
            self._unbillable(rec, "incoming")
            return None
        if line is None:
            rec.reject("no_price")
            return None
        return line

    def _price(self, rec, utype, line, covered, rated, trace):
        """The rounded amount of the units ``covered`` .. ``rated`` (the overage)."""
        version = rec.version
        schedule = version.schedule
        parts = None
        if (
            version.band_policy == "split"
            and utype.unit == "second"
            and len(schedule.bands) > 1
            and schedule.crosses(rec.local, rated)
        ):
            parts = schedule.parts(rec.local, rated)
            if len(parts) == 1:
                parts = None
        if parts is None:
            # the same price line and units always give the same amount: most
            # records (an SMS, a 2-minute call) are priced from this memo
            key = (line, covered, rated)
            amount = self._amounts.get(key) if trace is None else None
            if amount is not None:
                return amount
            # multiply first, divide by the price unit last: exact whenever the exact
            # amount has a finite decimal expansion (see .rounding)
            if line.flat:
                usage = CONTEXT.multiply(line.price, rated - covered)
            else:
                usage = line.units_price(covered, rated)
            if trace is not None:
                trace.append(("charge", rec.band, covered, rated, usage))
            if line.unit != 1:
                usage = CONTEXT.divide(usage, line.unit)
        else:
            usage = self._split_price(version, utype.code, rec.zone, line, parts, covered, rated,
                                      trace)  # fmt: skip
            rec.band = "/".join(part_band for part_band, _s in parts)
        charge = line.connection_fee + usage if line.has_fee else usage
        charge = max(charge, line.minimum)
        amount = version.rounding.apply(charge)
        if trace is not None:
            trace.append(("connection_fee", line.connection_fee))
            trace.append(("minimum", line.minimum))
            trace.append(("exact", charge))
            trace.append(("rounded", amount, version.rounding))
        if parts is None:
            if len(self._amounts) > 200_000:
                self._amounts.clear()
            self._amounts[key] = amount
        return amount

    @staticmethod
    def _split_price(version, usage_type, zone, start_line, parts, covered, rated, trace):
        total = ZERO
        position = 0
        last = len(parts) - 1
        for index, (band, seconds) in enumerate(parts):
            lo = position
            hi = rated if index == last else position + seconds
            position = hi
            a = max(covered, lo)
            if hi <= a:
                continue
            line = version.price_line(usage_type, zone.id, band) or start_line
            total += CONTEXT.divide(line.units_price(a, hi), line.unit)
            if trace is not None:
                trace.append(("charge", band, a, hi, line.units_price(a, hi)))
        return total

    @staticmethod
    def _unbillable(rec, reason):
        rec.state = UNBILLABLE
        rec.reason = reason
        rec.rated_quantity = 0
        rec.allowance_quantity = 0
        rec.amount = rec.version.rounding.zero if rec.version else ZERO
        return rec

    def explain(self, rec):
        """Rate ``rec`` without consuming allowances; return ``(rec, steps)``."""
        steps = []
        self.rate(rec, trace=steps, dry_run=True)
        return rec, steps
