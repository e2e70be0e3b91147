"""Property-based tests (hypothesis) of the rating engine's invariants."""

import itertools
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rating import (
    POOL,
    SUB,
    AllowanceDef,
    BandSchedule,
    MemoryBalanceStore,
    PeriodCache,
    PrefixTable,
    PriceLine,
    RatingEngine,
    Rounding,
    Subscriber,
    Tariff,
    TariffVersion,
    UsageRecord,
    Zone,
    mediation,
    next_period_start,
    parse_weekdays,
    period_start,
    previous_period_start,
)
from rating.timebands import TimeZone
from rating_world import USAGE_TYPES

SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

prices = st.decimals(min_value=0, max_value=100, places=4, allow_nan=False, allow_infinity=False)
units = st.sampled_from([1, 60, 1024, 1_048_576])
increments = st.sampled_from([(1, 1), (30, 1), (60, 60), (60, 1), (1024, 1024), (10240, 10240)])
methods = st.sampled_from(["half_up", "half_even", "up", "down"])
# a moment in 2025 (UTC epoch seconds)
moments = st.integers(min_value=1735689600, max_value=1767225599)


@st.composite
def price_lines(draw):
    first, nxt = draw(increments)
    tiers = ()
    if draw(st.booleans()):
        starts = sorted(draw(st.sets(st.integers(1, 5000), max_size=3)))
        tiers = [(0, draw(prices))] + [(s, draw(prices)) for s in starts]
    return PriceLine(
        draw(prices),
        draw(units),
        first,
        nxt,
        connection_fee=draw(prices),
        minimum=draw(prices),
        tiers=tiers,
    )


def one_zone_version(lines_by_band, policy="split", rounding=None):
    """A tariff with one zone (+3) and the given price line per band."""
    zone = Zone(1, "Z", "national")
    version = TariffVersion(
        1,
        "T",
        rounding=rounding or Rounding(2, "half_up"),
        band_policy=policy,
        schedule=BandSchedule(
            [
                (parse_weekdays("mon-fri"), 8 * 60, 19 * 60, "peak"),
                (parse_weekdays("sat-sun"), 0, 1440, "weekend"),
            ],
            default_band="offpeak",
        ),
        destinations=PrefixTable([("+3", zone)]),
        default_zone=zone,
    )
    for band, line in lines_by_band.items():
        version.add_price("voice", None, band, line)
        version.add_price("data", None, band, line)
        version.add_price("sms", None, band, line)
    return version


def engine_for(version, grants=None, tz="UTC"):
    tariff = Tariff("T", [version])
    sub = Subscriber(1, 10, [(None, None, tariff)], tz=tz)
    grants = grants or {}
    store = MemoryBalanceStore(
        lambda scope, owner, period: grants.get((scope, owner), []),
        previous_period=previous_period_start,
    )
    return RatingEngine(USAGE_TYPES, store.balances, PeriodCache()), sub, store


def record(sub, start, quantity, usage_type="voice", line_no=0):
    return UsageRecord(
        record_id=str(line_no),
        usage_type=usage_type,
        start=start,
        quantity=quantity,
        called_number="+3221234567" if usage_type != "data" else None,
        sub=sub,
        line_no=line_no,
    )


# -- no negative charge --------------------------------------------------------
@SETTINGS
@given(
    line=price_lines(),
    quantity=st.integers(0, 200_000),
    start=moments,
    allowance=st.integers(0, 5000),
    usage_type=st.sampled_from(["voice", "sms", "data"]),
)
def test_no_negative_charge(line, quantity, start, allowance, usage_type):
    version = one_zone_version({"peak": line, "offpeak": line, "weekend": line})
    grants = {(SUB, 1): [(AllowanceDef("a", usage_type, allowance), allowance)]}
    engine, sub, _store = engine_for(version, grants)
    rec = engine.rate(record(sub, start, quantity, usage_type))
    assert rec.amount >= 0
    assert 0 <= rec.allowance_quantity <= rec.rated_quantity
    if rec.state == "rated":
        assert rec.rated_quantity >= quantity
        assert rec.rated_quantity - quantity < max(line.first, line.next)


# -- monotonic in duration -------------------------------------------------------
@SETTINGS
@given(
    peak=price_lines(),
    offpeak=price_lines(),
    weekend=price_lines(),
    policy=st.sampled_from(["start", "split"]),
    start=moments,
    quantity=st.integers(0, 30_000),
    extra=st.integers(1, 30_000),
    allowance=st.integers(0, 3000),
    method=methods,
)
def test_charge_monotonic_in_duration(
    peak, offpeak, weekend, policy, start, quantity, extra, allowance, method
):
    version = one_zone_version(
        {"peak": peak, "offpeak": offpeak, "weekend": weekend}, policy, Rounding(2, method)
    )

    def amount(q):
        grants = {(SUB, 1): [(AllowanceDef("a", "voice", allowance), allowance)]}
        engine, sub, _store = engine_for(version, grants, tz="Europe/Brussels")
        return engine.rate(record(sub, start, q)).amount

    assert amount(quantity) <= amount(quantity + extra)


# -- allowance units conserved ---------------------------------------------------
@SETTINGS
@given(
    uses=st.lists(
        st.tuples(
            st.sampled_from([1, 2, 3]),  # subscription
            st.sampled_from(["voice", "sms", "data"]),
            st.integers(0, 5000),  # quantity
            moments,
        ),
        min_size=1,
        max_size=60,
    ),
    own=st.integers(0, 3000),
    pool=st.integers(0, 8000),
    rollover=st.booleans(),
)
def test_allowance_units_conserved(uses, own, pool, rollover):
    line = PriceLine("0.10", 60, 60, 60, connection_fee="0.01")
    version = one_zone_version({"peak": line, "offpeak": line, "weekend": line})
    tariff = Tariff("T", [version])
    own_def = AllowanceDef("own", "voice", own, rollover=rollover, rollover_max_periods=2)
    pool_def = AllowanceDef("pool", "voice", pool, shared=True, rollover=rollover)
    data_def = AllowanceDef("data", "data", pool, shared=True)
    grants = {
        (SUB, 1): [(own_def, own)],
        (SUB, 2): [(own_def, own)],
        (POOL, 10): [(pool_def, pool), (data_def, pool)],
    }
    store = MemoryBalanceStore(
        lambda scope, owner, period: grants.get((scope, owner), []),
        previous_period=previous_period_start,
    )
    engine = RatingEngine(USAGE_TYPES, store.balances, PeriodCache())
    subs = {
        1: Subscriber(1, 10, [(None, None, tariff)], tz="Europe/Brussels"),
        2: Subscriber(2, 10, [(None, None, tariff)], tz="Europe/Brussels", billing_day=15),
        3: Subscriber(3, 10, [(None, None, tariff)], tz="America/New_York"),
    }
    records = [
        record(subs[s], start, q, utype, line_no=i) for i, (s, utype, q, start) in enumerate(uses)
    ]
    engine.rate_batch(records)
    taken = 0
    for rec in records:
        detail_units = sum(units for _b, units in rec.allowance_detail)
        assert detail_units == rec.allowance_quantity <= rec.rated_quantity
        taken += rec.allowance_quantity
    used = 0
    for balance in store.all_balances():
        assert balance.used >= 0 and balance.carried >= 0 and balance.remaining >= 0
        assert balance.used + balance.carried + balance.remaining == balance.quantity
        used += balance.used
    assert taken == used
    # what rolled over is exactly what the next period's rollover balances hold
    carried = sum(b.carried for b in store.all_balances())
    received = sum(b.quantity for b in store.all_balances() if b.generation)
    assert carried == received


# -- rounding as documented --------------------------------------------------------
def reference_round(value, precision, method):
    """Round a Fraction the documented way, without Decimal."""
    scaled = value * 10**precision
    floor = scaled.numerator // scaled.denominator
    frac = scaled - floor
    if method == "down" or frac == 0:
        result = floor
    elif method == "up" or frac > Fraction(1, 2):
        result = floor + 1
    elif frac < Fraction(1, 2):
        result = floor
    elif method == "half_up":
        result = floor + 1
    else:  # half_even
        result = floor + (floor % 2)
    return Fraction(result, 10**precision)


def reference_amount(line, rated, covered):
    """The documented charge, computed with Fractions."""
    if covered >= rated:
        return Fraction(0)
    tiers = line.tiers or ((0, line.price),)
    total = Fraction(0)
    for i, (start, price) in enumerate(tiers):
        end = tiers[i + 1][0] if i + 1 < len(tiers) else None
        lo = max(covered, start)
        hi = rated if end is None else min(rated, end)
        if hi > lo:
            total += Fraction(price) * (hi - lo) / line.unit
    charge = Fraction(line.connection_fee) + total
    return max(charge, Fraction(line.minimum))


@SETTINGS
@given(
    line=price_lines(),
    quantity=st.integers(1, 500_000),
    allowance=st.integers(0, 2000),
    precision=st.integers(0, 6),
    method=methods,
)
def test_rounding_as_documented(line, quantity, allowance, precision, method):
    version = one_zone_version(
        {"peak": line, "offpeak": line, "weekend": line}, "start", Rounding(precision, method)
    )
    grants = {(SUB, 1): [(AllowanceDef("a", "voice", allowance), allowance)]}
    engine, sub, _store = engine_for(version, grants)
    rec = engine.rate(record(sub, 1741000000, quantity))
    exact = reference_amount(line, rec.rated_quantity, rec.allowance_quantity)
    expected = reference_round(exact, precision, method)
    assert Fraction(rec.amount) == expected
    assert isinstance(rec.amount, Decimal)
    assert -rec.amount.as_tuple().exponent == precision  # always exactly `precision` places
    # a half-up rounding never moves the amount by more than half a unit of the last place
    assert abs(Fraction(rec.amount) - exact) <= Fraction(1, 10**precision)


# -- prefixes, bands, periods, parsing -----------------------------------------------
@SETTINGS
@given(
    prefixes=st.sets(
        st.builds(
            str.__add__,
            st.text("123456789", min_size=1, max_size=1),
            st.text("0123456789", max_size=6),
        ),
        min_size=1,
        max_size=200,
    ),
    number=st.text("0123456789", min_size=1, max_size=15),
)
def test_longest_prefix_matches_brute_force(prefixes, number):
    table = PrefixTable((p, p) for p in prefixes)
    matches = [p for p in prefixes if number.startswith(p)]
    expected = max(matches, key=len) if matches else None
    assert table.lookup("+" + number) == expected
    assert table.lookup_prefix("+" + number)[1] == expected
    assert len(table) == len(prefixes)


@SETTINGS
@given(start=moments, duration=st.integers(0, 3 * 86400))
def test_band_parts_cover_the_call(start, duration):
    schedule = BandSchedule(
        [
            (parse_weekdays("mon-fri"), 8 * 60, 19 * 60, "peak"),
            (parse_weekdays("sat-sun"), 0, 1440, "weekend"),
        ],
        default_band="offpeak",
        holidays=[date(2025, 5, 1), date(2025, 12, 25)],
        holiday_band="holiday",
    )
    parts = schedule.parts(start, duration)
    assert sum(seconds for _b, seconds in parts) == duration
    assert all(seconds > 0 for _b, seconds in parts)
    assert all(a[0] != b[0] for a, b in itertools.pairwise(parts))
    moment = start
    for band, seconds in parts:
        assert schedule.band_at(moment) == band
        assert schedule.band_at(moment + seconds - 1) == band
        moment += seconds


@SETTINGS
@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    billing_day=st.integers(1, 28),
    months=st.sampled_from([1, 2, 3, 12]),
)
def test_period_contains_the_day(day, billing_day, months):
    start = period_start(day, billing_day, months)
    assert start <= day < next_period_start(start, months)
    assert start.day == billing_day
    assert (start.month - 1) % months == 0
    assert previous_period_start(next_period_start(start, months), months) == start


@SETTINGS
@given(
    offset_minutes=st.integers(-14 * 60, 14 * 60),
    moment=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)),
)
def test_timestamp_parsing_matches_datetime(offset_minutes, moment):
    moment = moment.replace(microsecond=0, tzinfo=timezone(timedelta(minutes=offset_minutes)))
    utc = TimeZone.get("UTC")
    assert mediation.parse_timestamp(moment.isoformat(), utc) == int(moment.timestamp())
    zulu = moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert mediation.parse_timestamp(zulu, utc) == int(moment.timestamp())


@SETTINGS
@given(line=st.lists(st.text(max_size=20), min_size=8, max_size=8))
def test_validator_never_crashes_and_always_decides(line):
    options = mediation.Options()
    validator = mediation.Validator(options, USAGE_TYPES, now=1767225600)
    index = tuple(range(8))
    rec = validator.record(1, ",".join(line), line, index)
    assert rec.state in ("accepted", "rejected")
    if rec.state == "rejected":
        assert rec.reason in mediation.REASONS
    else:
        assert rec.usage_type in USAGE_TYPES and rec.quantity >= 0
        assert rec.called_number is None or mediation.normalize_number(rec.called_number)


@SETTINGS
@given(
    rows=st.lists(
        st.tuples(
            st.text(max_size=12),  # record id: anything, tabs and backslashes included
            st.sampled_from(["voice", "sms", "data"]),
            moments,
            st.integers(0, 10_000),
            st.booleans(),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_copy_lines_round_trip(rows):
    """Every line has the 31 columns; text values come back unescaped; Z times kept."""
    from rating.copyfmt import COPY_COLUMNS, CopyFormatter

    line = PriceLine("0.10", 60, 60, 60)
    version = one_zone_version({"peak": line, "offpeak": line, "weekend": line})
    engine, sub, _store = engine_for(version)
    formatter = CopyFormatter({"voice": 1, "sms": 2, "data": 3})
    prefix = formatter.prefix(2, "2026-01-01 00:00:00", 1, 7, 9)
    for record_id, utype, start, quantity, reject in rows:
        rec = record(sub, start, quantity, utype)
        rec.record_id = record_id
        rec.subscriber_key = "+3247\\0001\t"
        rec.raw = f"raw\\{record_id}\nline"
        if reject:
            rec.reject("unknown_zone")
        else:
            engine.rate(rec)
        text = formatter.line(rec, prefix)
        assert text.endswith("\n") and text.count("\n") == 1
        fields = text[:-1].split("\t")
        assert len(fields) == len(COPY_COLUMNS)
        values = dict(zip(COPY_COLUMNS, fields, strict=True))

        def unescape(value):
            out, i = [], 0
            while i < len(value):
                if value[i] == "\\":
                    out.append({"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}[value[i + 1]])
                    i += 2
                else:
                    out.append(value[i])
                    i += 1
            return "".join(out)

        assert unescape(values["source_record_id"]) == record_id
        assert unescape(values["subscriber"]) == rec.subscriber_key
        assert values["state"] == rec.state
        assert values["amount"] == (str(rec.amount) if rec.state != "rejected" else "0")
        if rec.state == "rejected":
            assert unescape(values["raw"]) == rec.raw
        else:
            assert values["raw"] == "\\N"
            expected = datetime.fromtimestamp(start, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
            assert values["start_time"] == expected
