"""A small, hand-checkable rating world shared by the golden and property tests.

Tariff MOBILE (EUR, 2 decimals half-up, Europe/Brussels subscribers):

bands    mon-fri 08:00-19:00 peak, sat-sun weekend, otherwise offpeak;
         holiday 2025-05-01 is rated as weekend
zones    BE-FIX +32 (national), BE-MOB +3246..+3249 (national),
         BE-PREM +3290 (premium), BE-EMERG +32112 (national, not billable),
         EU +31 +33 +49 (international_eu), WORLD +1 (international_world),
         roaming: R-EU +31 +33 +49 (roaming_eu), R-WORLD +1 (roaming_world),
         default (numberless data): HOME (national)
prices   see PRICES below (per minute = 60 s, per MB = 1,048,576 bytes)
"""

from datetime import date

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
    UsageType,
    Zone,
    parse_weekdays,
    previous_period_start,
)

MB = 1_048_576
USAGE_TYPES = {
    "voice": UsageType("voice", "second"),
    "voice_roaming": UsageType("voice_roaming", "second", "voice", True),
    "sms": UsageType("sms", "unit"),
    "sms_roaming": UsageType("sms_roaming", "unit", "sms", True),
    "data": UsageType("data", "byte"),
    "data_roaming": UsageType("data_roaming", "byte", "data", True),
}

ZONES = {
    "BE-FIX": Zone(1, "BE-FIX", "national"),
    "BE-MOB": Zone(2, "BE-MOB", "national"),
    "BE-PREM": Zone(3, "BE-PREM", "premium"),
    "BE-EMERG": Zone(4, "BE-EMERG", "national", billable=False),
    "EU": Zone(5, "EU", "international_eu"),
    "WORLD": Zone(6, "WORLD", "international_world"),
    "R-EU": Zone(7, "R-EU", "roaming_eu"),
    "R-WORLD": Zone(8, "R-WORLD", "roaming_world"),
    "HOME": Zone(9, "HOME", "national"),
}
DESTINATIONS = [
    ("+32", "BE-FIX"),
    ("+3246", "BE-MOB"),
    ("+3247", "BE-MOB"),
    ("+3248", "BE-MOB"),
    ("+3249", "BE-MOB"),
    ("+3290", "BE-PREM"),
    ("+32112", "BE-EMERG"),
    ("+31", "EU"),
    ("+33", "EU"),
    ("+49", "EU"),
    ("+1", "WORLD"),
]
ROAMING = [("+31", "R-EU"), ("+33", "R-EU"), ("+49", "R-EU"), ("+1", "R-WORLD")]


def price_table():
    """{(usage type, zone code or None, band or None): PriceLine}"""
    return {
        ("voice", "BE-FIX", "peak"): PriceLine("0.10", 60, 60, 60, connection_fee="0.05"),
        ("voice", "BE-FIX", "offpeak"): PriceLine("0.05", 60, 60, 60, connection_fee="0.05"),
        ("voice", "BE-FIX", "weekend"): PriceLine("0.04", 60, 60, 60),
        ("voice", "BE-MOB", None): PriceLine("0.12", 60, 30, 1, minimum="0.10"),
        ("voice", "BE-PREM", None): PriceLine("1.50", 60, 1, 1, connection_fee="0.25"),
        ("voice", "BE-EMERG", None): PriceLine("0", 60, 1, 1),
        ("voice", "EU", None): PriceLine(
            "0.30", 60, 60, 60, connection_fee="0.10", tiers=[(0, "0.30"), (600, "0.20")]
        ),
        ("voice", "WORLD", None): PriceLine("1.20", 60, 1, 1, minimum="0.50"),
        ("voice_roaming", "R-EU", None): PriceLine("0.10", 60, 60, 60),
        ("voice_roaming", "R-WORLD", None): PriceLine("2.00", 60, 60, 60, charge_incoming=True),
        ("sms", None, None): PriceLine("0.10", 1, 1, 1),
        ("sms", "EU", None): PriceLine("0.15", 1, 1, 1),
        ("data", None, None): PriceLine("0.02", MB, 1024, 1024),
        ("data_roaming", "R-WORLD", None): PriceLine("5.00", MB, 10240, 10240),
    }


def schedule():
    return BandSchedule(
        [
            (parse_weekdays("mon-fri"), 8 * 60, 19 * 60, "peak"),
            (parse_weekdays("sat-sun"), 0, 1440, "weekend"),
        ],
        default_band="offpeak",
        holidays=[date(2025, 5, 1)],
        holiday_band="weekend",
    )


def make_version(id=1, code="MOBILE", policy="split", rounding=None, date_from=None, date_to=None):
    version = TariffVersion(
        id,
        code,
        date_from=date_from or date(2025, 1, 1),
        date_to=date_to,
        currency="EUR",
        rounding=rounding or Rounding(2, "half_up"),
        band_policy=policy,
        schedule=schedule(),
        destinations=PrefixTable((p, ZONES[z]) for p, z in DESTINATIONS),
        roaming=PrefixTable((p, ZONES[z]) for p, z in ROAMING),
        default_zone=ZONES["HOME"],
    )
    for (utype, zone, band), line in price_table().items():
        version.add_price(utype, ZONES[zone].id if zone else None, band, line)
    return version


# plan A (subscription 1): 300 s national/roaming-EU voice, 2 SMS, 10 MB shared data
VOICE_A = AllowanceDef("voice-A", "voice", 300, zone_classes={"national", "roaming_eu"})
SMS_A = AllowanceDef("sms-A", "sms", 2)
DATA_SHARED = AllowanceDef(
    "data-shared", "data", 10 * MB, zone_classes={"national", "roaming_eu"}, shared=True
)


class World:
    """Two subscriptions of billing account 100, on tariff MOBILE."""

    def __init__(self, policy="split", rounding=None, grants=None):
        self.version = make_version(policy=policy, rounding=rounding)
        self.tariff = Tariff("MOBILE", [self.version])
        self.subs = {
            1: Subscriber(1, 100, [(None, None, self.tariff)], tz="Europe/Brussels"),
            2: Subscriber(2, 100, [(None, None, self.tariff)], tz="Europe/Brussels"),
        }
        self.grant_table = (
            grants
            if grants is not None
            else {
                (SUB, 1): [(VOICE_A, 300), (SMS_A, 2)],
                (SUB, 2): [],
                # the pool holds the shared grant of both subscriptions
                (POOL, 100): [(DATA_SHARED, 2 * 10 * MB)],
            }
        )
        self.store = MemoryBalanceStore(
            lambda scope, owner, period: self.grant_table.get((scope, owner), []),
            previous_period=previous_period_start,
        )
        self.engine = RatingEngine(USAGE_TYPES, self.store.balances, PeriodCache())
