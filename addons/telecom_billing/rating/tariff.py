# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Tariffs, their versions, zones and prices, compiled for the rating loop.

A :class:`TariffVersion` is valid on local dates ``date_from`` .. ``date_to``
(inclusive, ``None`` = open). It holds:

* two prefix tables of :class:`Zone`: ``destinations`` (looked up with the called
  number) and ``roaming`` (looked up with the visited network's country code, the
  record's ``location``, for roaming usage types); records without a number (data)
  get the version's ``default_zone``;
* a :class:`~.timebands.BandSchedule` and the ``band_policy`` (``start`` | ``split``);
* :class:`PriceLine` per (usage type, zone, band). A price line with no zone
  applies to every zone, one with no band to every band; the most specific line
  wins: (type, zone, band), (type, zone, any band), (type, any zone, band),
  (type, any zone, any band);
* the :class:`~.rounding.Rounding` of its amounts and its currency.

A price line prices ``price`` per ``unit`` base units (60 = per minute for
seconds, 1,048,576 = per MB for bytes, 1 = per message), with:

* increments ``first``/``next`` in base units: the rated quantity is ``first`` when
  the quantity is at most ``first``, else ``first`` + whole ``next`` steps (60/60,
  30/1, 1/1 seconds; 1,024-byte or 1,048,576-byte data blocks);
* ``connection_fee`` charged once per charged record, ``minimum`` (the charge of a
  charged record is at least this, fee included);
* graduated ``tiers``: ``((from_units, price), ...)`` sorted: the rated units of
  the record at positions ``from_units`` and beyond cost ``price`` per ``unit``
  (the first tier must start at 0; without tiers, ``price`` applies throughout);
* ``charge_incoming``: incoming records are unbillable unless this is set.
"""

from .prefix import PrefixTable
from .rounding import ZERO, Rounding, to_decimal
from .timebands import BAND_POLICIES, BandSchedule, day_number


class Zone:
    """A rating zone; ``zone_class`` is the code allowances are granted for."""

    __slots__ = ("billable", "code", "id", "name", "zone_class")

    def __init__(self, id, code, zone_class, billable=True, name=None):
        self.id = id
        self.code = code
        self.zone_class = zone_class
        self.billable = billable
        self.name = name or code

    def __repr__(self):
        return f"Zone({self.code!r}, {self.zone_class!r})"


class PriceLine:
    __slots__ = (
        "_tier_ranges",
        "charge_incoming",
        "connection_fee",
        "first",
        "flat",
        "has_fee",
        "id",
        "minimum",
        "next",
        "price",
        "tiers",
        "unit",
    )

    def __init__(
        self,
        price,
        unit=1,
        first=1,
        next=1,
        connection_fee=0,
        minimum=0,
        tiers=(),
        charge_incoming=False,
        id=None,
    ):
        self.id = id
        self.price = to_decimal(price)
        self.unit = int(unit)
        self.first = int(first)
        self.next = int(next)
        self.connection_fee = to_decimal(connection_fee)
        self.minimum = to_decimal(minimum)
        self.charge_incoming = bool(charge_incoming)
        if self.unit < 1 or self.first < 1 or self.next < 1:
            raise ValueError("price unit and increments must be at least 1")
        if self.price < 0 or self.connection_fee < 0 or self.minimum < 0:
            raise ValueError("prices, fees and minimum charges cannot be negative")
        tiers = tuple(sorted((int(start), to_decimal(p)) for start, p in tiers))
        if tiers:
            if tiers[0][0] != 0:
                raise ValueError("the first tier must start at 0")
            if any(p < 0 for _s, p in tiers):
                raise ValueError("tier prices cannot be negative")
            if len({s for s, _p in tiers}) != len(tiers):
                raise ValueError("two tiers start at the same quantity")
            self.price = tiers[0][1]
        self.tiers = tiers
        self.flat = len(tiers) <= 1
        self.has_fee = bool(self.connection_fee)
        # (start, end, price) with end=None for the last tier
        self._tier_ranges = tuple(
            (start, tiers[i + 1][0] if i + 1 < len(tiers) else None, p)
            for i, (start, p) in enumerate(tiers)
        )

    def rated_quantity(self, quantity):
        """The quantity after the charging increments."""
        first = self.first
        if quantity <= first:
            return first if quantity > 0 else 0
        nxt = self.next
        return first + -(-(quantity - first) // nxt) * nxt

    def units_price(self, lo, hi):
        """Exact price (before the ``unit`` division) of positions ``lo`` .. ``hi``."""
        if not self._tier_ranges:
            return self.price * (hi - lo)
        total = ZERO
        for start, end, price in self._tier_ranges:
            a = max(start, lo)
            b = hi if end is None or hi < end else end
            if b > a:
                total += price * (b - a)
        return total

    def __repr__(self):
        return (
            f"PriceLine({self.price} per {self.unit}, {self.first}/{self.next}, "
            f"fee {self.connection_fee}, min {self.minimum}, tiers {self.tiers})"
        )


class TariffVersion:
    __slots__ = (
        "_day_from",
        "_day_to",
        "_resolved",
        "band_policy",
        "currency",
        "date_from",
        "date_to",
        "default_zone",
        "destinations",
        "id",
        "prices",
        "roaming",
        "rounding",
        "schedule",
        "tariff_code",
    )

    def __init__(
        self,
        id,
        tariff_code,
        date_from=None,
        date_to=None,
        currency="EUR",
        rounding=None,
        band_policy="start",
        schedule=None,
        destinations=None,
        roaming=None,
        default_zone=None,
        prices=None,
    ):
        if band_policy not in BAND_POLICIES:
            raise ValueError(f"band policy must be one of {BAND_POLICIES}, not {band_policy!r}")
        self.id = id
        self.tariff_code = tariff_code
        self.date_from = date_from
        self.date_to = date_to
        self._day_from = day_number(date_from) if date_from else None
        self._day_to = day_number(date_to) if date_to else None
        self.currency = currency
        self.rounding = rounding or Rounding()
        self.band_policy = band_policy
        self.schedule = schedule or BandSchedule()
        self.destinations = destinations if destinations is not None else PrefixTable()
        self.roaming = roaming if roaming is not None else PrefixTable()
        self.default_zone = default_zone
        # {(usage_type, zone_id or None, band or None): PriceLine}
        self.prices = dict(prices or {})
        self._resolved = {}

    def valid_on(self, day):
        """Is the version valid on local day number ``day``?"""
        return (self._day_from is None or day >= self._day_from) and (
            self._day_to is None or day <= self._day_to
        )

    def add_price(self, usage_type, zone_id, band, line):
        self.prices[(usage_type, zone_id, band)] = line
        self._resolved = {}

    def price_line(self, usage_type, zone_id, band):
        """The most specific price line, or None (resolved once per combination)."""
        key = (usage_type, zone_id, band)
        try:
            return self._resolved[key]
        except KeyError:
            line = self._resolved[key] = self._price_line(usage_type, zone_id, band)
            return line

    def _price_line(self, usage_type, zone_id, band):
        prices = self.prices
        line = prices.get((usage_type, zone_id, band))
        if line is None:
            line = prices.get((usage_type, zone_id, None))
            if line is None:
                line = prices.get((usage_type, None, band))
                if line is None:
                    line = prices.get((usage_type, None, None))
        return line

    def __repr__(self):
        return f"TariffVersion({self.tariff_code!r} {self.date_from}..{self.date_to})"


class Tariff:
    """A tariff code and its versions (non-overlapping date ranges)."""

    __slots__ = ("_last", "code", "tz", "versions")

    def __init__(self, code, versions=(), tz=None):
        self.code = code
        self.tz = tz  # time zone of subscribers who have none
        self.versions = sorted(versions, key=lambda v: v._day_from or -(10**9))
        for a, b in zip(self.versions, self.versions[1:], strict=False):
            if a._day_to is None or b._day_from is None or a._day_to >= b._day_from:
                raise ValueError(f"tariff {code}: versions {a} and {b} overlap")
        self._last = None

    def version_on(self, day):
        """The version valid on local day number ``day``, or None."""
        last = self._last
        if last is not None and last.valid_on(day):
            return last
        for version in self.versions:
            if version.valid_on(day):
                self._last = version
                return version
        return None
