"""Rating set-up documents (rating/documents.py): per-field errors and the canonical form."""

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rating.documents import Catalog, format_errors, plan_document, tariff_document

CATALOG = Catalog(
    usage_types={"voice": "second", "sms": "unit", "data": "byte", "voice_roaming": "second"},
    zone_classes={"national", "international_eu", "premium", "roaming_eu"},
    currencies={"EUR", "USD"},
    default_currency="EUR",
    bands=("peak", "offpeak", "weekend", "holiday", "night", "evening"),
    rounding_methods=("half_up", "half_even", "up", "down"),
    band_policies=("start", "split"),
    units_for_type={
        "second": ("second", "minute", "hour"),
        "unit": ("message", "unit"),
        "byte": ("kb", "mb", "gb"),
    },
    allowance_units_for_type={
        "second": ("minute", "unit"),
        "unit": ("message", "unit"),
        "byte": ("mb", "gb"),
    },
    technologies=("mobile", "ftth"),
)

MINIMAL = {
    "tariff": "FR",
    "date_from": "2025-01-01",
    "zones": [{"code": "FIX", "class": "national", "prefixes": ["+331"]}],
    "prices": [{"usage_type": "voice", "price": 0.1}],
}


def errors_of(doc, kind=tariff_document):
    canonical, errors = kind(doc, CATALOG)
    assert (canonical is None) == bool(errors)
    return dict(errors)


def test_minimal_document_gets_the_documented_defaults():
    canonical, errors = tariff_document(MINIMAL, CATALOG)
    assert errors == []
    assert canonical == {
        "tariff": "FR",
        "name": "FR",
        "timezone": "UTC",
        "date_from": "2025-01-01",
        "date_to": False,
        "currency": "EUR",
        "rounding": {"precision": 2, "method": "half_up"},
        "band_policy": "start",
        "default_band": "offpeak",
        "bands": [],
        "holidays": False,
        "zones": [
            {
                "code": "FIX",
                "name": "FIX",
                "class": "national",
                "kind": "destination",
                "billable": True,
                "prefixes": ["+331"],
            }
        ],
        "default_zone": False,
        "prices": [
            {
                "usage_type": "voice",
                "zone": False,
                "band": False,
                "price": 0.1,
                "per": "minute",
                "increment": [60, 60],
                "connection_fee": 0.0,
                "minimum_charge": 0.0,
                "charge_incoming": False,
                "tiers": [],
            }
        ],
    }
    # the canonical form is a fixed point: checked again, it comes back equal
    assert tariff_document(canonical, CATALOG) == (canonical, [])


def test_every_error_names_its_field():
    doc = copy.deepcopy(MINIMAL)
    doc.update(
        colour="blue",
        timezone="Mars/Olympus",
        date_to="2024-12-31",
        currency="XYZ",
        rounding={"precision": 9, "method": "nearest"},
        bands=[
            {"band": "peak", "days": ["mon", "tue"], "from": "08:00", "to": "20:00"},
            {"band": "weekend", "days": ["tue", "sun"], "from": "19:30", "to": "24:00"},
            {"band": "peak", "days": ["wed"], "from": "8h", "to": "07:00"},
        ],
        holidays={
            "calendar": "FR",
            "band": "weekend",
            "dates": [{"date": "2025-05-08", "name": "V"}, {"date": "2025-05-01", "name": "T"}],
        },
        default_zone="ROAM",
    )
    doc["zones"] += [
        {"code": "MOB", "class": "national", "prefixes": ["+336", "+331", "33"]},
        {"code": "FIX", "class": "galaxy", "kind": "orbit", "billable": "yes"},
        {"code": "ROAM", "class": "roaming_eu", "kind": "roaming", "prefixes": ["+331"]},
    ]
    doc["prices"] += [
        {"usage_type": "voice", "zone": "NOPE", "price": 0.1},
        {"usage_type": "voice", "price": 0.2},
        {"usage_type": "fax", "price": 0.1},
        {"usage_type": "sms", "price": "0.10", "per": "minute", "increment": [1]},
        {
            "usage_type": "data",
            "price": 0.1234567,
            "tiers": [{"from": 5, "price": 0.1}, {"from": 2, "price": 0.2}],
        },
    ]
    errors = errors_of(doc)
    assert errors == {
        "colour": "unknown key; the keys are tariff, name, timezone, date_from, date_to, "
        "currency, rounding, band_policy, default_band, bands, holidays, zones, "
        "default_zone, prices",
        "timezone": "'Mars/Olympus' is not a time zone name (e.g. Europe/Paris)",
        "date_to": "is before date_from",
        "currency": "'XYZ' is not one of EUR, USD",
        "rounding.precision": "must be at most 6",
        "rounding.method": "'nearest' is not one of half_up, half_even, up, down",
        "bands[1]": "overlaps bands[0] (peak) on tue from 19:30 to 20:00",
        "bands[2].from": "'8h' is not a time HH:MM (00:00 to 23:59)",
        "holidays.dates[1].date": "comes after 2025-05-08: list each holiday once, in date order",
        # the same prefix in another zone of the same kind (roaming zones have their own)
        "zones[1].prefixes[1]": "+331 is already a prefix of zone FIX (zones[0].prefixes[0])",
        "zones[1].prefixes[2]": "'33' is not a prefix: + and 1 to 15 digits (+331)",
        "zones[2].code": "FIX is already the code of zones[0]",
        "zones[2].class": "'galaxy' is not one of international_eu, national, premium, roaming_eu",
        "zones[2].kind": "'orbit' is not one of destination, roaming",
        "zones[2].billable": "must be true or false, not 'yes'",
        "default_zone": "ROAM is a roaming zone: give a destination",
        "prices[1].zone": "'NOPE' is not the code of a zone of this version (or false)",
        "prices[2]": "prices[0] already prices voice in any zone, any band",
        "prices[3].usage_type": "'fax' is not one of data, sms, voice, voice_roaming",
        "prices[4].per": "sms is measured in units: price it per message, unit",
        "prices[4].increment": "is [first, next]: two whole numbers of base units",
        "prices[4].price": "must be a number, not '0.10'",
        "prices[5].price": "0.1234567 has more than 6 decimals",
        "prices[5].tiers[1].from": "tiers go in ascending order of their start",
    }


def test_missing_and_wrong_containers():
    assert errors_of("tariff") == {"": "must be a dict (an XML-RPC struct), not 'tariff'"}
    assert errors_of({"zones": {}, "prices": [1]}) == {
        "tariff": "is required",
        "date_from": "is required",
        "zones": "must be a list, not {}",
        "prices[0]": "must be a dict (an XML-RPC struct), not 1",
    }
    assert errors_of({**MINIMAL, "bands": [{"band": "peak"}]}) == {
        "bands[0].days": "is required",
        "bands[0].from": "is required",
        "bands[0].to": "is required",
    }
    assert "... and 10 more" in format_errors([("p", "m")] * 60)


@pytest.mark.parametrize(
    "band, error",
    [
        (
            {"days": ["mon"], "from": "20:00", "to": "08:00"},
            ("bands[1].to", "must be after from (a band does not cross midnight)"),
        ),
        (
            {"days": [], "from": "08:00", "to": "09:00"},
            ("bands[1].days", "name at least one day (mon ... sun)"),
        ),
        (
            {"days": ["mon", "mon"], "from": "08:00", "to": "09:00"},
            ("bands[1].days[1]", "mon is listed twice"),
        ),
        (
            {"days": ["monday"], "from": "08:00", "to": "09:00"},
            ("bands[1].days[0]", "'monday' is not one of mon, tue, wed, thu, fri, sat, sun"),
        ),
        (
            {"days": ["sat"], "from": "24:00", "to": "24:00"},
            ("bands[1].from", "'24:00' is not a time HH:MM (00:00 to 23:59)"),
        ),
    ],
)
def test_band_lines(band, error):
    doc = {
        **MINIMAL,
        "bands": [
            {"band": "peak", "days": ["sun"], "from": "00:00", "to": "24:00"},
            {"band": "offpeak", **band},
        ],
    }
    assert error in tariff_document(doc, CATALOG)[1]


def test_touching_bands_do_not_overlap_and_days_are_put_in_week_order():
    doc = {
        **MINIMAL,
        "bands": [
            {"band": "peak", "days": ["fri", "mon"], "from": "08:00", "to": "20:00"},
            {"band": "evening", "days": ["mon"], "from": "20:00", "to": "24:00"},
        ],
    }
    canonical, errors = tariff_document(doc, CATALOG)
    assert errors == []
    assert canonical["bands"][0]["days"] == ["mon", "fri"]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sets(st.sampled_from(["mon", "tue", "sat"]), min_size=1),
            st.integers(0, 23),
            st.integers(1, 24),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_overlap_check_equals_a_brute_force(lines):
    """Bands are refused exactly when two lines share a minute of a day."""
    bands = [
        {
            "band": "peak",
            "days": sorted(days, key=["mon", "tue", "sat"].index),
            "from": f"{start:02d}:00",
            "to": f"{max(end, start + 1):02d}:00",
        }
        for days, start, end in lines
    ]
    covered = {}
    overlap = False
    for index, band in enumerate(bands):
        start, end = int(band["from"][:2]), int(band["to"][:2])
        for day in band["days"]:
            for hour in range(start, end):
                if (day, hour) in covered:
                    overlap = True
                covered[(day, hour)] = index
    errors = tariff_document({**MINIMAL, "bands": bands}, CATALOG)[1]
    assert any("overlaps" in message for _path, message in errors) == overlap


def test_plan_document():
    canonical, errors = plan_document(
        {
            "plan": "P1",
            "allowances": [
                {
                    "usage_type": "data",
                    "quantity": 1024,
                    "unit": "mb",
                    "shared": True,
                    "pool_quantity": 1024,
                    "zone_classes": ["roaming_eu", "national"],
                },
            ],
        },
        CATALOG,
    )
    assert errors == []
    assert canonical == {
        "plan": "P1",
        "name": "P1",
        "kind": "plan",
        "technology": False,
        "period": "monthly",
        "price": False,
        "tariff": False,
        "prorate_allowances": False,
        "allowances": [
            {
                "usage_type": "data",
                "zone_classes": ["national", "roaming_eu"],
                "quantity": 1024.0,
                "unit": "mb",
                "rollover": False,
                "rollover_periods": 1,
                "shared": True,
                "pool_quantity": 1024.0,
            },
        ],
    }
    assert plan_document(canonical, CATALOG) == (canonical, [])
    errors = errors_of(
        {
            "plan": "P1",
            "kind": "bundle",
            "price": -1,
            "allowances": [
                {"usage_type": "voice", "quantity": 100, "unit": "mb", "pool_quantity": 5},
                {
                    "usage_type": "voice",
                    "quantity": 1.234,
                    "unit": "minute",
                    "zone_classes": ["moon"],
                    "rollover_periods": 0,
                },
                {"usage_type": "voice", "quantity": 5, "unit": "minute"},
            ],
        },
        plan_document,
    )
    assert errors == {
        "kind": "'bundle' is not one of plan, addon",
        "price": "cannot be below 0",
        "allowances[0].unit": "voice is measured in seconds: give its allowance in minute, unit",
        "allowances[0].pool_quantity": "only a shared allowance has a pool size",
        "allowances[1].zone_classes[0]": "'moon' is not one of international_eu, national, "
        "premium, roaming_eu",
        "allowances[1].quantity": "1.234 has more than 2 decimals",
        "allowances[1].rollover_periods": "must be at least 1",
        "allowances[2]": "allowances[0] already grants voice for these zone classes with this "
        "sharing: merge them",
    }
