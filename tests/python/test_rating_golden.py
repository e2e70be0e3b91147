"""The golden set: records of the world in rating_world.py, priced by hand.

Every expected amount below was computed by hand from the tariff in
rating_world.py (the comment on each line shows the arithmetic); the engine must
reproduce them exactly, to the cent, with the same rated quantities, allowance
consumption, zones and bands.
"""

from datetime import datetime
from decimal import Decimal

import pytest
from rating import POOL, SUB, AllowanceDef, Rounding, UsageRecord
from rating_world import MB, World

# (id, sub, usage type, local start, quantity, called, direction, location,
#  expected state/reason, zone, band, rated, allowance, amount)
GOLDEN = [
    # national fixed, peak, 60/60, fully inside the voice allowance (300 -> 120 left)
    ("G1", 1, "voice", "2025-03-03T09:00:00+01:00", 125, "+3221234567", "out", None,
     "rated", "BE-FIX", "peak", 180, 180, "0.00"),
    # mobile, 30/1: 200 s rated 200, 120 from the allowance, 80 s x 0.12/60 = 0.16 (min 0.10)
    ("G2", 1, "voice", "2025-03-03T10:00:00+01:00", 200, "+32470123456", "out", None,
     "rated", "BE-MOB", "peak", 200, 120, "0.16"),
    # 61 s -> 120 s: 2 x 0.10 + connection fee 0.05
    ("G3", 1, "voice", "2025-03-03T11:00:00+01:00", 61, "+3221234567", "out", None,
     "rated", "BE-FIX", "peak", 120, 0, "0.25"),
    # band crossing, split: 185 s -> 240 s from 18:58:30: 90 s peak + 150 s offpeak
    # 90 x 0.10/60 = 0.15, 150 x 0.05/60 = 0.125, fee 0.05 -> 0.325 -> half-up 0.33
    ("G4", 1, "voice", "2025-03-03T18:58:30+01:00", 185, "+3221234567", "out", None,
     "rated", "BE-FIX", "peak/offpeak", 240, 0, "0.33"),
    # EU, tiers: 725 s -> 780 s: 600 x 0.30/60 = 3.00 + 180 x 0.20/60 = 0.60 + fee 0.10
    ("G5", 1, "voice", "2025-03-04T12:00:00+01:00", 725, "+33612345678", "out", None,
     "rated", "EU", "peak", 780, 0, "3.70"),
    # world, 1/1: 20 x 1.20/60 = 0.40, raised to the minimum charge 0.50
    ("G6", 1, "voice", "2025-03-04T13:00:00+01:00", 20, "+12125550123", "out", None,
     "rated", "WORLD", "peak", 20, 0, "0.50"),
    # premium (+3290 beats +32): 47 x 1.50/60 = 1.175 + 0.25 = 1.425 -> half-up 1.43
    ("G7", 1, "voice", "2025-03-04T14:00:00+01:00", 47, "+32901234567", "out", None,
     "rated", "BE-PREM", "peak", 47, 0, "1.43"),
    # emergency number: not billable
    ("G8", 1, "voice", "2025-03-04T15:00:00+01:00", 30, "+32112", "out", None,
     "unbillable/free_zone", "BE-EMERG", "peak", 0, 0, "0.00"),
    # SMS: 2 included, the third costs 0.10, an EU SMS 0.15
    ("G9", 1, "sms", "2025-03-08T10:00:00+01:00", 1, "+32470123456", "out", None,
     "rated", "BE-MOB", "weekend", 1, 1, "0.00"),
    ("G10", 1, "sms", "2025-03-08T10:01:00+01:00", 1, "+32470123456", "out", None,
     "rated", "BE-MOB", "weekend", 1, 1, "0.00"),
    ("G11", 1, "sms", "2025-03-08T10:02:00+01:00", 1, "+32470123456", "out", None,
     "rated", "BE-MOB", "weekend", 1, 0, "0.10"),
    ("G12", 1, "sms", "2025-03-08T10:03:00+01:00", 1, "+4915112345678", "out", None,
     "rated", "EU", "weekend", 1, 0, "0.15"),
    # data from the shared pool of account 100 (2 x 10 MB): 6 MB by subscription 1
    ("G13", 1, "data", "2025-03-05T10:00:00+01:00", 6 * MB, None, "out", None,
     "rated", "HOME", "peak", 6 * MB, 6 * MB, "0.00"),
    # subscription 2: 15 MB + 100 B -> 1 KB blocks 15,729,664; the pool has 14 MB left;
    # 1,049,600 B overage x 0.02/MB = 0.0200195... -> 0.02
    ("G14", 2, "data", "2025-03-06T10:00:00+01:00", 15 * MB + 100, None, "out", None,
     "rated", "HOME", "peak", 15_729_664, 14 * MB, "0.02"),
    # pool empty: 3 MB x 0.02
    ("G15", 1, "data", "2025-03-07T10:00:00+01:00", 3 * MB, None, "out", None,
     "rated", "HOME", "peak", 3 * MB, 0, "0.06"),
    # weekend band: 90 s -> 120 s x 0.04/60, no fee
    ("G16", 1, "voice", "2025-03-08T11:00:00+01:00", 90, "+3221234567", "out", None,
     "rated", "BE-FIX", "weekend", 120, 0, "0.08"),
    # 1 May (a Thursday) is a holiday rated as weekend: 30 s -> 60 s x 0.04/60
    ("G17", 2, "voice", "2025-05-01T10:00:00+02:00", 30, "+3221234567", "out", None,
     "rated", "BE-FIX", "weekend", 60, 0, "0.04"),
    # incoming at home: not charged
    ("G18", 1, "voice", "2025-03-09T10:00:00+01:00", 120, "+3221234567", "in", None,
     "unbillable/incoming", "BE-FIX", "weekend", 0, 0, "0.00"),
    # unanswered call
    ("G19", 1, "voice", "2025-03-10T10:00:00+01:00", 0, "+3221234567", "out", None,
     "unbillable/zero_quantity", "BE-FIX", "peak", 0, 0, "0.00"),
    # no zone for +99...
    ("G20", 1, "voice", "2025-03-10T11:00:00+01:00", 10, "+999123456", "out", None,
     "rejected/unknown_zone", None, None, 0, 0, "0.00"),
    # roaming in the US calling home: 61 s -> 120 s x 2.00/60 = 4.00 (allowance not for world)
    ("G21", 1, "voice_roaming", "2025-03-11T10:00:00+01:00", 61, "+32470123456", "out", "+1",
     "rated", "R-WORLD", "peak", 120, 0, "4.00"),
    # incoming while roaming in the US is charged: 30 s -> 60 s x 2.00/60
    ("G22", 1, "voice_roaming", "2025-03-11T11:00:00+01:00", 30, "+3221234567", "in", "+1",
     "rated", "R-WORLD", "peak", 60, 0, "2.00"),
    # roaming in France in April: a new period, the voice allowance covers roaming_eu
    ("G23", 1, "voice_roaming", "2025-04-02T10:00:00+02:00", 100, "+32470123456", "out", "+33",
     "rated", "R-EU", "peak", 120, 120, "0.00"),
    # data roaming in the US: 25,000 B -> 3 blocks of 10 KB = 30,720 B x 5.00/MB
    # = 0.146484375 -> 0.15 (the pool does not cover roaming_world anyway)
    ("G24", 1, "data_roaming", "2025-03-12T10:00:00+01:00", 25_000, None, "out", "+1",
     "rated", "R-WORLD", "peak", 30_720, 0, "0.15"),
    # after the switch to summer time (30 March): 10:00 local is peak
    ("G25", 1, "voice", "2025-03-31T10:00:00+02:00", 60, "+3221234567", "out", None,
     "rated", "BE-FIX", "peak", 60, 0, "0.15"),
    # 07:59:30 local, 45 s -> 60 s: 30 s offpeak (0.025) + 30 s peak (0.05) + offpeak fee
    # 0.05 = 0.125 -> half-up 0.13
    ("G26", 1, "voice", "2025-03-31T07:59:30+02:00", 45, "+3221234567", "out", None,
     "rated", "BE-FIX", "offpeak/peak", 60, 0, "0.13"),
]  # fmt: skip


def make_record(world, row, line_no):
    rid, sub, utype, local, qty, called, direction, location = row[:8]
    return UsageRecord(
        record_id=rid,
        usage_type=utype,
        start=int(datetime.fromisoformat(local).timestamp()),
        quantity=qty,
        called_number=called,
        direction=direction,
        location=location,
        line_no=line_no,
        sub=world.subs[sub],
    )


@pytest.fixture
def rated():
    world = World(policy="split")
    records = [make_record(world, row, i) for i, row in enumerate(GOLDEN)]
    world.engine.rate_batch(records)
    return world, dict(zip([row[0] for row in GOLDEN], records, strict=True))


@pytest.mark.parametrize("row", GOLDEN, ids=[row[0] for row in GOLDEN])
def test_golden_record(rated, row):
    _world, records = rated
    rec = records[row[0]]
    state, zone, band, rated_qty, allowance, amount = row[8:]
    state, _sep, reason = state.partition("/")
    assert rec.state == state
    assert rec.reason == (reason or None)
    assert (rec.zone.code if rec.zone else None) == zone
    if state != "rejected":
        assert rec.band == band
    assert rec.rated_quantity == rated_qty
    assert rec.allowance_quantity == allowance
    assert rec.amount == Decimal(amount)
    if state != "rejected":
        assert str(rec.amount) == amount  # exactly two decimals, as the tariff rounds
    if rec.state == "rated":
        assert rec.version.tariff_code == "MOBILE"


def test_golden_totals_and_balances(rated):
    world, records = rated
    total = sum((r.amount for r in records.values()), Decimal(0))
    # 0.16+0.25+0.33+3.70+0.50+1.43+0.10+0.15+0.02+0.06+0.08+0.04+4.00+2.00+0.15+0.15+0.13
    assert total == Decimal("13.25")
    balances = {
        (b.scope, b.owner_id, b.allowance.id, str(b.period_start)): (b.used, b.quantity)
        for b in world.store.all_balances()
    }
    assert balances[(SUB, 1, "voice-A", "2025-03-01")] == (300, 300)
    assert balances[(SUB, 1, "sms-A", "2025-03-01")] == (2, 2)
    assert balances[(POOL, 100, "data-shared", "2025-03-01")] == (20 * MB, 20 * MB)
    assert balances[(SUB, 1, "voice-A", "2025-04-01")] == (120, 300)
    # every unit the records took is a unit a balance lost, and the reverse
    taken = sum(r.allowance_quantity for r in records.values())
    used = sum(used for used, _q in balances.values())
    assert taken == used
    periods = {r.period_start.isoformat() for r in records.values() if r.state == "rated"}
    assert periods == {"2025-03-01", "2025-04-01", "2025-05-01"}


@pytest.mark.parametrize(
    ("rid", "amount", "band"),
    [
        # the whole 240 s at the peak price: 4 x 0.10 + 0.05
        ("G4", "0.45", "peak"),
        # the whole 60 s off-peak: 0.05 + 0.05
        ("G26", "0.10", "offpeak"),
    ],
)
def test_golden_band_policy_start(rid, amount, band):
    world = World(policy="start")
    row = next(r for r in GOLDEN if r[0] == rid)
    rec = make_record(world, (row[0], 2, *row[2:]), 0)  # subscription 2: no voice allowance
    world.engine.rate(rec)
    assert (rec.amount, rec.band) == (Decimal(amount), band)


@pytest.mark.parametrize(
    ("method", "g7", "g26"),
    [("half_up", "1.43", "0.13"), ("half_even", "1.42", "0.12"), ("up", "1.43", "0.13"),
     ("down", "1.42", "0.12")],
)  # fmt: skip
def test_golden_rounding_methods(method, g7, g26):
    world = World(rounding=Rounding(2, method))
    for rid, expected in (("G7", g7), ("G26", g26)):
        row = next(r for r in GOLDEN if r[0] == rid)
        rec = make_record(world, (row[0], 2, *row[2:]), 0)  # no voice allowance
        world.engine.rate(rec)
        assert rec.amount == Decimal(expected), (rid, method)


def test_golden_four_decimals():
    """0.10/min per second for 299 s is 0.498333..., not 0.4980 (no per-second rounding)."""
    world = World(rounding=Rounding(4, "half_up"))
    row = ("X", 2, "voice", "2025-03-03T09:00:00+01:00", 299, "+32470123456", "out", None)
    rec = make_record(world, row, 0)
    world.engine.rate(rec)
    # BE-MOB 0.12/min, 30/1: 299 x 0.12/60 = 0.598 exactly
    assert rec.amount == Decimal("0.5980")
    row = ("Y", 2, "voice", "2025-03-03T09:00:00+01:00", 299, "+32901234567", "out", None)
    rec = make_record(world, row, 0)
    world.engine.rate(rec)
    # premium 1.50/min: 299 x 1.50/60 = 7.475 + 0.25 = 7.7250
    assert rec.amount == Decimal("7.7250")


def test_golden_rollover():
    """100 s of March voice roll over to April, are spent first, then April's grant."""
    voice = AllowanceDef("voice-R", "voice", 300, rollover=True, rollover_max_periods=1)
    world = World(grants={(SUB, 1): [(voice, 300)]})
    march = ("R1", 1, "voice", "2025-03-03T09:00:00+01:00", 200, "+3221234567", "out", None)
    april = ("R2", 1, "voice", "2025-04-07T09:00:00+02:00", 150, "+3221234567", "out", None)
    may = ("R3", 1, "voice", "2025-05-05T09:00:00+02:00", 1000, "+3221234567", "out", None)
    r1, r2, r3 = (make_record(world, row, i) for i, row in enumerate((march, april, may)))
    world.engine.rate_batch([r1, r2, r3])
    # March: 200 s -> 240 s used, 60 left; carried to April
    assert (r1.allowance_quantity, r1.amount) == (240, Decimal("0.00"))
    # April: 150 s -> 180 s: 60 carried (first) + 120 of April's 300; 180 left
    assert (r2.allowance_quantity, r2.amount) == (180, Decimal("0.00"))
    assert [(d[0].generation, d[1]) for d in r2.allowance_detail] == [(1, 60), (0, 120)]
    # May: 180 rolled over from April + 300 = 480; 1000 s -> 1020 s: 540 s overage
    # = 9 min x 0.10 + 0.05
    assert (r3.allowance_quantity, r3.amount) == (480, Decimal("0.95"))
    march_balance = next(
        b for b in world.store.all_balances() if str(b.period_start) == "2025-03-01"
    )
    assert (march_balance.used, march_balance.carried, march_balance.remaining) == (240, 60, 0)
    # the units carried out of April's rollover balance are not carried a second time
    # (rollover_max_periods=1): only April's own grant rolls into May
    may_rolled = [
        b
        for b in world.store.all_balances()
        if str(b.period_start) == "2025-05-01" and b.generation
    ]
    assert [(b.generation, b.quantity) for b in may_rolled] == [(1, 180)]


def test_explain_matches_rate():
    world = World()
    for i, row in enumerate(GOLDEN):
        rec = make_record(world, row, i)
        explained, steps = world.engine.explain(make_record(world, row, i))
        world.engine.rate(rec)
        assert explained.amount == rec.amount or rec.allowance_quantity, row[0]
        assert steps[0][0] == "local_time"
    # explain does not consume allowances
    fresh = World()
    rec, _steps = fresh.engine.explain(make_record(fresh, GOLDEN[0], 0))
    assert rec.allowance_quantity == 180
    assert all(b.used == 0 for b in fresh.store.all_balances())
