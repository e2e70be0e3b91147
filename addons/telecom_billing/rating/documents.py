# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Rating set-up as plain documents: validation and canonical form (no Odoo import).

Integrators send a tariff version or a plan's allowances as one document of plain
values (dicts, lists, strings, numbers, booleans; see ``docs/rpc.md``).
:func:`tariff_document` and :func:`plan_document` check a whole document at once
and return ``(canonical, errors)``:

* ``errors`` lists every problem as ``(path, message)``, the path naming the field
  the way the document spells it (``zones[2].prefixes[0]``, ``rounding.method``);
* ``canonical`` is the document completed with the documented defaults, every key
  present, in the shape the export returns: a canonical document imported and
  exported again comes back equal (``export(import(doc)) == doc``).

What the database knows (usage types, zone classes, currencies, the allowed
selection values) comes in a :class:`Catalog`, so the rules stay here, plain.
"""

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation

import pytz

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PREFIX = re.compile(r"^\+[0-9]{1,15}$")
TIME = re.compile(r"^([0-9]{2}):([0-9]{2})$")
# defaults of a price line by the usage type's base unit
DEFAULT_PER = {"second": "minute", "unit": "message", "byte": "mb"}
DEFAULT_INCREMENT = {"second": [60, 60], "unit": [1, 1], "byte": [1024, 1024]}

TARIFF_KEYS = (
    "tariff",
    "name",
    "timezone",
    "date_from",
    "date_to",
    "currency",
    "rounding",
    "band_policy",
    "default_band",
    "bands",
    "holidays",
    "zones",
    "default_zone",
    "prices",
)
ROUNDING_KEYS = ("precision", "method")
BAND_KEYS = ("band", "days", "from", "to")
HOLIDAY_KEYS = ("calendar", "band", "dates")
HOLIDAY_DATE_KEYS = ("date", "name")
ZONE_KEYS = ("code", "name", "class", "kind", "billable", "prefixes")
PRICE_KEYS = (
    "usage_type",
    "zone",
    "band",
    "price",
    "per",
    "increment",
    "connection_fee",
    "minimum_charge",
    "charge_incoming",
    "tiers",
)
TIER_KEYS = ("from", "price")
PLAN_KEYS = (
    "plan",
    "name",
    "kind",
    "technology",
    "period",
    "price",
    "tariff",
    "prorate_allowances",
    "allowances",
)
ALLOWANCE_KEYS = (
    "usage_type",
    "zone_classes",
    "quantity",
    "unit",
    "rollover",
    "rollover_periods",
    "shared",
    "pool_quantity",
)
MAX_PREFIXES = 200_000


class Catalog:
    """What a document may name, from the database.

    ``usage_types``: ``{code: base unit}`` (``second`` | ``unit`` | ``byte``);
    ``zone_classes``, ``currencies``: sets of codes; ``bands``, ``rounding_methods``,
    ``band_policies``, ``zone_kinds``, ``plan_kinds``, ``technologies``, ``periods``:
    the allowed values; ``price_units``: ``{unit: base unit}``; ``allowance_units``:
    ``{allowance unit: base units}``; ``units_for_type``: ``{base unit: (price
    units...)}``; ``allowance_units_for_type``: ``{base unit: (allowance units...)}``.
    """

    def __init__(self, **values):
        self.usage_types = {}
        self.zone_classes = set()
        self.currencies = set()
        self.bands = ()
        self.rounding_methods = ()
        self.band_policies = ()
        self.zone_kinds = ("destination", "roaming")
        self.units_for_type = {}
        self.allowance_units_for_type = {}
        self.plan_kinds = ("plan", "addon")
        self.technologies = ()
        self.periods = ("monthly", "quarterly", "yearly")
        self.max_rounding = 6
        self.price_decimals = 6
        self.tier_decimals = 3
        self.quantity_decimals = 2
        self.money_decimals = 2
        self.default_currency = False
        for key, value in values.items():
            if not hasattr(self, key):
                raise TypeError(f"unknown catalog entry {key}")
            setattr(self, key, value)


class Checker:
    """Collects ``(path, message)`` errors while reading a document."""

    def __init__(self):
        self.errors = []
        self.missing = set()  # paths of required keys reported missing

    def error(self, path, message):
        self.errors.append((path, message))

    def reported(self, value, path):
        """A required key already reported missing: its checker says nothing more."""
        return value is None and path in self.missing

    # -- containers --------------------------------------------------------------------
    def struct(self, value, path, keys, required=()):
        """A dict with only ``keys`` (and every ``required`` one), else None."""
        if not isinstance(value, dict):
            self.error(path, f"must be a dict (an XML-RPC struct), not {short(value)}")
            return None
        for key in value:
            if key not in keys:
                self.error(join(path, str(key)), f"unknown key; the keys are {', '.join(keys)}")
        for key in required:
            if key not in value:
                self.error(join(path, key), "is required")
                self.missing.add(join(path, key))
        return value

    def list(self, value, path, maximum=None):
        if self.reported(value, path):
            return []
        if not isinstance(value, list | tuple):
            self.error(path, f"must be a list, not {short(value)}")
            return []
        if maximum is not None and len(value) > maximum:
            self.error(path, f"at most {maximum} items")
            return []
        return list(value)

    # -- scalars -----------------------------------------------------------------------
    def text(self, value, path, required=True):
        if self.reported(value, path):
            return False
        if value is False or value is None or value == "":
            if required:
                self.error(path, "is required (a non-empty string)")
            return False
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"must be a non-empty string, not {short(value)}")
            return False
        if value != value.strip():
            self.error(path, "must not start or end with spaces")
            return False
        return value

    def boolean(self, value, path):
        if not isinstance(value, bool):
            self.error(path, f"must be true or false, not {short(value)}")
            return False
        return value

    def choice(self, value, path, allowed, optional=False):
        if self.reported(value, path) or (optional and value is False):
            return False
        if not isinstance(value, str) or value not in allowed:
            self.error(
                path,
                f"{short(value)} is not one of {', '.join(allowed)}"
                + (" (or false)" if optional else ""),
            )
            return False
        return value

    def integer(self, value, path, minimum=None, maximum=None):
        if self.reported(value, path):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"must be a whole number, not {short(value)}")
            return None
        if minimum is not None and value < minimum:
            self.error(path, f"must be at least {minimum}")
            return None
        if maximum is not None and value > maximum:
            self.error(path, f"must be at most {maximum}")
            return None
        return value

    def number(self, value, path, decimals, minimum=0, positive=False):
        """An int or float with at most ``decimals`` decimals (kept exactly), as a float."""
        if self.reported(value, path):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(path, f"must be a number, not {short(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.error(path, "must be a finite number")
            return None
        try:
            exponent = Decimal(repr(value)).normalize().as_tuple().exponent
        except InvalidOperation:
            exponent = 0
        if isinstance(exponent, int) and -exponent > decimals:
            self.error(path, f"{short(value)} has more than {decimals} decimals")
            return None
        if positive and value <= 0:
            self.error(path, "must be above 0")
            return None
        if minimum is not None and value < minimum:
            self.error(path, f"cannot be below {minimum}")
            return None
        return float(value)

    def day(self, value, path, required=True):
        """An ISO date ``YYYY-MM-DD`` -> ``(text, date)``."""
        if self.reported(value, path):
            return False, None
        if value is False or value is None:
            if required:
                self.error(path, "is required (YYYY-MM-DD)")
            return False, None
        if not isinstance(value, str) or len(value) != 10:
            self.error(path, f"{short(value)} is not an ISO-8601 date (YYYY-MM-DD)")
            return False, None
        try:
            return value, date.fromisoformat(value)
        except ValueError:
            self.error(path, f"{short(value)} is not an ISO-8601 date (YYYY-MM-DD)")
            return False, None

    def clock(self, value, path, allow_end):
        """``HH:MM`` -> minutes from midnight (``24:00`` when ``allow_end``)."""
        if self.reported(value, path):
            return None
        match = TIME.match(value) if isinstance(value, str) else None
        if match:
            hours, minutes = int(match.group(1)), int(match.group(2))
            if minutes < 60 and (hours < 24 or (allow_end and hours == 24 and not minutes)):
                return hours * 60 + minutes
        last = "24:00" if allow_end else "23:59"
        self.error(path, f"{short(value)} is not a time HH:MM (00:00 to {last})")
        return None

    def timezone(self, value, path):
        if not isinstance(value, str) or value not in pytz.all_timezones_set:
            self.error(path, f"{short(value)} is not a time zone name (e.g. Europe/Paris)")
            return False
        return value


def short(value, size=60):
    """``repr`` of a value sent in a document, cut for error messages."""
    text = repr(value)
    return text if len(text) <= size else text[: size - 3] + "..."


def join(path, key):
    return f"{path}.{key}" if path else key


def clock_text(minutes):
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# -- tariff versions -----------------------------------------------------------------------
def tariff_document(doc, catalog):
    """Check a tariff version document; return ``(canonical, errors)``."""
    check = Checker()
    if check.struct(doc, "", TARIFF_KEYS, required=("tariff", "date_from")) is None:
        return None, check.errors
    out = {}
    out["tariff"] = check.text(doc.get("tariff"), "tariff")
    out["name"] = check.text(doc["name"], "name") if "name" in doc else out["tariff"]
    out["timezone"] = check.timezone(doc.get("timezone", "UTC"), "timezone")
    out["date_from"], start = check.day(doc.get("date_from"), "date_from")
    out["date_to"], end = check.day(doc.get("date_to", False), "date_to", required=False)
    if start and end and end < start:
        check.error("date_to", "is before date_from")
    out["currency"] = check.choice(
        doc.get("currency", catalog.default_currency), "currency", sorted(catalog.currencies)
    )
    out["rounding"] = _rounding(check, doc.get("rounding", {}), catalog)
    out["band_policy"] = check.choice(
        doc.get("band_policy", "start"), "band_policy", catalog.band_policies
    )
    out["default_band"] = check.choice(
        doc.get("default_band", "offpeak"), "default_band", catalog.bands
    )
    out["bands"] = _bands(check, doc.get("bands", []), catalog)
    out["holidays"] = _holidays(check, doc.get("holidays", False), catalog)
    out["zones"] = zones = _zones(check, doc.get("zones", []), catalog)
    codes = {zone["code"]: zone for zone in zones if zone and zone["code"]}
    default_zone = doc.get("default_zone", False)
    out["default_zone"] = False
    if default_zone is not False:
        zone = codes.get(default_zone) if isinstance(default_zone, str) else None
        if zone is None:
            check.error("default_zone", f"{short(default_zone)} is not the code of a zone above")
        elif zone["kind"] != "destination":
            check.error("default_zone", f"{default_zone} is a roaming zone: give a destination")
        else:
            out["default_zone"] = default_zone
    out["prices"] = _prices(check, doc.get("prices", []), catalog, codes)
    return (None if check.errors else out), check.errors


def _rounding(check, value, catalog):
    path = "rounding"
    if check.struct(value, path, ROUNDING_KEYS) is None:
        return False
    return {
        "precision": check.integer(
            value.get("precision", 2), f"{path}.precision", 0, catalog.max_rounding
        ),
        "method": check.choice(
            value.get("method", "half_up"), f"{path}.method", catalog.rounding_methods
        ),
    }


def _bands(check, value, catalog):
    out = []
    spans = []  # (index, band, days, start, end) of the valid lines
    for index, line in enumerate(check.list(value, "bands")):
        path = f"bands[{index}]"
        if check.struct(line, path, BAND_KEYS, required=("band", "days", "from", "to")) is None:
            out.append(None)
            continue
        band = check.choice(line.get("band"), f"{path}.band", catalog.bands)
        days = []
        raw_days = check.list(line.get("days", []), f"{path}.days")
        if not raw_days and isinstance(line.get("days"), list | tuple):
            check.error(f"{path}.days", "name at least one day (mon ... sun)")
        for day_index, day in enumerate(raw_days):
            if day not in DAYS:
                check.error(
                    f"{path}.days[{day_index}]", f"{short(day)} is not one of {', '.join(DAYS)}"
                )
            elif day in days:
                check.error(f"{path}.days[{day_index}]", f"{day} is listed twice")
            else:
                days.append(day)
        days.sort(key=DAYS.index)
        start = check.clock(line.get("from"), f"{path}.from", allow_end=False)
        end = check.clock(line.get("to"), f"{path}.to", allow_end=True)
        if start is not None and end is not None and end <= start:
            check.error(f"{path}.to", "must be after from (a band does not cross midnight)")
            start = None
        if start is not None and end is not None and days and band:
            for other_index, other_band, other_days, other_start, other_end in spans:
                common = [d for d in days if d in other_days]
                if common and start < other_end and other_start < end:
                    check.error(
                        path,
                        f"overlaps bands[{other_index}] ({other_band}) on {common[0]} from "
                        f"{clock_text(max(start, other_start))} to "
                        f"{clock_text(min(end, other_end))}",
                    )
                    break
            spans.append((index, band, days, start, end))
        out.append(
            {
                "band": band,
                "days": days,
                "from": clock_text(start) if start is not None else False,
                "to": clock_text(end) if end is not None else False,
            }
        )
    return out


def _holidays(check, value, catalog):
    path = "holidays"
    if value is False:
        return False
    if check.struct(value, path, HOLIDAY_KEYS, required=("calendar", "band")) is None:
        return False
    out = {
        "calendar": check.text(value.get("calendar"), f"{path}.calendar"),
        "band": check.choice(value.get("band"), f"{path}.band", catalog.bands),
        "dates": [],
    }
    previous = None
    for index, item in enumerate(check.list(value.get("dates", []), f"{path}.dates")):
        item_path = f"{path}.dates[{index}]"
        if check.struct(item, item_path, HOLIDAY_DATE_KEYS, required=("date", "name")) is None:
            continue
        text, day = check.day(item.get("date"), f"{item_path}.date")
        name = check.text(item.get("name"), f"{item_path}.name")
        if day and previous and day <= previous:
            check.error(
                f"{item_path}.date",
                f"comes after {previous.isoformat()}: list each holiday once, in date order",
            )
        if day:
            previous = day
        out["dates"].append({"date": text, "name": name})
    return out


def _zones(check, value, catalog):
    out = []
    codes = {}
    prefixes = {}  # (kind, prefix) -> (zone index, prefix index, zone code)
    count = 0
    for index, zone in enumerate(check.list(value, "zones")):
        path = f"zones[{index}]"
        if check.struct(zone, path, ZONE_KEYS, required=("code", "class")) is None:
            out.append(None)
            continue
        code = check.text(zone.get("code"), f"{path}.code")
        if code and code in codes:
            check.error(f"{path}.code", f"{code} is already the code of zones[{codes[code]}]")
        elif code:
            codes[code] = index
        kind = check.choice(zone.get("kind", "destination"), f"{path}.kind", catalog.zone_kinds)
        item = {
            "code": code,
            "name": check.text(zone["name"], f"{path}.name") if "name" in zone else code,
            "class": check.choice(zone.get("class"), f"{path}.class", sorted(catalog.zone_classes)),
            "kind": kind,
            "billable": check.boolean(zone.get("billable", True), f"{path}.billable"),
            "prefixes": [],
        }
        zone_prefixes = check.list(zone.get("prefixes", []), f"{path}.prefixes")
        count += len(zone_prefixes)
        if count > MAX_PREFIXES:
            check.error(f"{path}.prefixes", f"a version holds at most {MAX_PREFIXES} prefixes")
            zone_prefixes = []
        for prefix_index, prefix in enumerate(zone_prefixes):
            prefix_path = f"{path}.prefixes[{prefix_index}]"
            if not isinstance(prefix, str) or not PREFIX.match(prefix):
                check.error(
                    prefix_path, f"{short(prefix)} is not a prefix: + and 1 to 15 digits (+331)"
                )
                continue
            seen = prefixes.get((kind, prefix))
            if seen:
                check.error(
                    prefix_path,
                    f"{prefix} is already a prefix of zone {seen[2]} "
                    f"(zones[{seen[0]}].prefixes[{seen[1]}])",
                )
                continue
            prefixes[(kind, prefix)] = (index, prefix_index, code)
            item["prefixes"].append(prefix)
        out.append(item)
    return out


def _prices(check, value, catalog, zones):
    out = []
    keys = {}
    for index, line in enumerate(check.list(value, "prices")):
        path = f"prices[{index}]"
        if check.struct(line, path, PRICE_KEYS, required=("usage_type", "price")) is None:
            out.append(None)
            continue
        usage_type = check.choice(
            line.get("usage_type"), f"{path}.usage_type", sorted(catalog.usage_types)
        )
        base_unit = catalog.usage_types.get(usage_type)
        zone = line.get("zone", False)
        known_zone = zone is False or (isinstance(zone, str) and zone in zones)
        if not known_zone:
            check.error(
                f"{path}.zone",
                f"{short(zone)} is not the code of a zone of this version (or false)",
            )
            zone = False
        band = check.choice(line.get("band", False), f"{path}.band", catalog.bands, optional=True)
        per = line.get("per", DEFAULT_PER.get(base_unit, False))
        allowed = catalog.units_for_type.get(base_unit, ())
        if base_unit and per not in allowed:
            check.error(
                f"{path}.per",
                f"{usage_type} is measured in {base_unit}s: price it per {', '.join(allowed)}",
            )
        increment = line.get("increment", DEFAULT_INCREMENT.get(base_unit, [1, 1]))
        steps = check.list(increment, f"{path}.increment")
        if isinstance(increment, list | tuple) and len(steps) != 2:
            check.error(f"{path}.increment", "is [first, next]: two whole numbers of base units")
            steps = []
        steps = [
            check.integer(step, f"{path}.increment[{i}]", 1, 10**9) for i, step in enumerate(steps)
        ]
        item = {
            "usage_type": usage_type,
            "zone": zone,
            "band": band,
            "price": check.number(line.get("price"), f"{path}.price", catalog.price_decimals),
            "per": per,
            "increment": steps,
            "connection_fee": check.number(
                line.get("connection_fee", 0), f"{path}.connection_fee", catalog.price_decimals
            ),
            "minimum_charge": check.number(
                line.get("minimum_charge", 0), f"{path}.minimum_charge", catalog.price_decimals
            ),
            "charge_incoming": check.boolean(
                line.get("charge_incoming", False), f"{path}.charge_incoming"
            ),
            "tiers": _tiers(check, line.get("tiers", []), path, catalog),
        }
        if usage_type and known_zone:
            key = (usage_type, zone, band)
            if key in keys:
                check.error(
                    path,
                    f"prices[{keys[key]}] already prices {usage_type} in "
                    f"{zone or 'any zone'}, {band or 'any band'}",
                )
            else:
                keys[key] = index
        out.append(item)
    return out


def _tiers(check, value, path, catalog):
    out = []
    previous = None
    for index, tier in enumerate(check.list(value, f"{path}.tiers")):
        tier_path = f"{path}.tiers[{index}]"
        if check.struct(tier, tier_path, TIER_KEYS, required=TIER_KEYS) is None:
            continue
        start = check.number(tier.get("from"), f"{tier_path}.from", catalog.tier_decimals)
        price = check.number(tier.get("price"), f"{tier_path}.price", catalog.price_decimals)
        if start is not None and previous is not None and start <= previous:
            check.error(f"{tier_path}.from", "tiers go in ascending order of their start")
        if start is not None:
            previous = start
        out.append({"from": start, "price": price})
    return out


# -- plans ---------------------------------------------------------------------------------
def plan_document(doc, catalog):
    """Check a plan (or add-on) document with its allowances; ``(canonical, errors)``."""
    check = Checker()
    if check.struct(doc, "", PLAN_KEYS, required=("plan",)) is None:
        return None, check.errors
    code = check.text(doc.get("plan"), "plan")
    out = {
        "plan": code,
        "name": check.text(doc["name"], "name") if "name" in doc else code,
        "kind": check.choice(doc.get("kind", "plan"), "kind", catalog.plan_kinds),
        "technology": check.choice(
            doc.get("technology", False), "technology", catalog.technologies, optional=True
        ),
        "period": check.choice(doc.get("period", "monthly"), "period", catalog.periods),
        "price": (
            check.number(doc["price"], "price", catalog.money_decimals)
            if doc.get("price", False) is not False
            else False
        ),
        "tariff": check.text(doc.get("tariff", False), "tariff", required=False),
        "prorate_allowances": check.boolean(
            doc.get("prorate_allowances", False), "prorate_allowances"
        ),
        "allowances": [],
    }
    keys = {}
    for index, item in enumerate(check.list(doc.get("allowances", []), "allowances")):
        before = len(check.errors)
        allowance = _allowance(check, item, f"allowances[{index}]", catalog)
        if allowance is None:
            continue
        key = allowance_key(allowance)
        if len(check.errors) == before and key in keys:
            check.error(
                f"allowances[{index}]",
                f"allowances[{keys[key]}] already grants {allowance['usage_type']} "
                "for these zone classes with this sharing: merge them",
            )
        keys.setdefault(key, index)
        out["allowances"].append(allowance)
    return (None if check.errors else out), check.errors


def allowance_key(allowance):
    """What identifies an allowance of a plan: its usage, zone classes and sharing."""
    return (allowance["usage_type"], tuple(allowance["zone_classes"]), allowance["shared"])


def _allowance(check, value, path, catalog):
    required = ("usage_type", "quantity", "unit")
    if check.struct(value, path, ALLOWANCE_KEYS, required=required) is None:
        return None
    usage_type = check.choice(
        value.get("usage_type"), f"{path}.usage_type", sorted(catalog.usage_types)
    )
    classes = []
    for index, code in enumerate(check.list(value.get("zone_classes", []), f"{path}.zone_classes")):
        if code not in catalog.zone_classes:
            check.error(
                f"{path}.zone_classes[{index}]",
                f"{short(code)} is not one of {', '.join(sorted(catalog.zone_classes))}",
            )
        elif code in classes:
            check.error(f"{path}.zone_classes[{index}]", f"{code} is listed twice")
        else:
            classes.append(code)
    base_unit = catalog.usage_types.get(usage_type)
    allowed = catalog.allowance_units_for_type.get(base_unit, ())
    unit = value.get("unit")
    if base_unit and unit not in allowed:
        check.error(
            f"{path}.unit",
            f"{usage_type} is measured in {base_unit}s: give its allowance in {', '.join(allowed)}",
        )
    shared = check.boolean(value.get("shared", False), f"{path}.shared")
    rollover = check.boolean(value.get("rollover", False), f"{path}.rollover")
    pool = value.get("pool_quantity", False)
    if pool is not False:
        if not shared and isinstance(value.get("shared", False), bool):
            check.error(f"{path}.pool_quantity", "only a shared allowance has a pool size")
        pool = check.number(pool, f"{path}.pool_quantity", catalog.quantity_decimals, positive=True)
    return {
        "usage_type": usage_type,
        "zone_classes": sorted(classes),
        "quantity": check.number(
            value.get("quantity"), f"{path}.quantity", catalog.quantity_decimals
        ),
        "unit": unit,
        "rollover": rollover,
        "rollover_periods": check.integer(
            value.get("rollover_periods", 1), f"{path}.rollover_periods", 1, 120
        ),
        "shared": shared,
        "pool_quantity": pool if pool is not None else False,
    }


def format_errors(errors, limit=50):
    """The errors as lines ``path: message`` (the first ``limit``)."""
    lines = [f"{path or '(document)'}: {message}" for path, message in errors[:limit]]
    if len(errors) > limit:
        lines.append(f"... and {len(errors) - limit} more")
    return "\n".join(lines)
