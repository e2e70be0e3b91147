# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Time bands: which band (peak, off-peak, weekend, holiday...) a moment falls in.

Times are integers: seconds since the Unix epoch. ``utc`` seconds are turned into
the subscriber's ``local`` seconds (UTC + the zone's offset at that moment, from
:mod:`zoneinfo`), and the band is read from a week of minutes compiled once:
weekday and minute of the day index a 10,080-entry table, so finding a band is
O(1). A holiday (a local calendar date) is one band for the whole local day.

A schedule is a list of rules ``(weekdays, start, end, band)``: ``weekdays`` a set
of 0..6 (Monday = 0), ``start``/``end`` minutes of the day (``end`` excluded,
1440 = midnight). The **first** rule that covers a minute gives its band; minutes
no rule covers get the ``default_band``.

Calls crossing a band boundary: see :data:`BAND_POLICIES`.
"""

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

MINUTES_PER_DAY = 1440
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
EPOCH_DAY = date(1970, 1, 1)

#: How a call that crosses a band boundary is rated (per tariff version):
#: ``start``: the band in force when the call starts prices the whole call;
#: ``split``: the call is cut at each boundary and every part is priced in its own
#: band. The increments are applied to the whole call first, and the rated seconds
#: are laid on the clock from the start of the call (the seconds the increments add
#: run on after the real end), so a longer call never costs less. The connection
#: fee and the minimum charge are those of the band at the start. ``split`` applies
#: to time-based usage (unit ``second``); volumes and counts use the band at start.
BAND_POLICIES = ("start", "split")

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIMEZONES = {}  # one TimeZone (and its offset cache) per zone name


def day_number(value):
    """Days since 1970-01-01 of a ``date``."""
    return (value - EPOCH_DAY).days


def day_date(number):
    return EPOCH_DAY + timedelta(days=number)


def weekday_of_day(number):
    """Monday = 0 ... Sunday = 6 of a day number (1970-01-01 was a Thursday)."""
    return (number + 3) % 7


def parse_weekdays(text):
    """``"mon-fri"``, ``"sat,sun"``, ``"mon-sun"``, ``"0-4"`` -> set of 0..6."""
    result = set()
    for part in str(text).lower().replace(" ", "").split(","):
        if not part:
            continue
        bounds = part.split("-")
        if len(bounds) > 2:
            raise ValueError(f"bad weekday range {part!r}")
        idx = [DAY_NAMES.index(b[:3]) if not b.isdigit() else int(b) for b in bounds]
        if any(not 0 <= i <= 6 for i in idx):
            raise ValueError(f"bad weekday {part!r}")
        lo, hi = idx[0], idx[-1]
        day = lo
        while True:
            result.add(day)
            if day == hi:
                break
            day = (day + 1) % 7
    if not result:
        raise ValueError(f"no weekday in {text!r}")
    return result


def parse_minute(text):
    """``"08:00"`` -> 480; ``"24:00"`` -> 1440."""
    hours, _sep, minutes = str(text).strip().partition(":")
    value = int(hours) * 60 + int(minutes or 0)
    if not 0 <= value <= MINUTES_PER_DAY:
        raise ValueError(f"bad time of day {text!r}")
    return value


class TimeZone:
    """UTC -> local seconds for one IANA zone, with offsets cached per quarter hour."""

    __slots__ = ("_cache", "_zone", "name")

    def __init__(self, name):
        self.name = name or "UTC"
        self._zone = ZoneInfo(self.name)
        self._cache = {}

    @classmethod
    def get(cls, name):
        """Shared instance per zone name (caches are per zone)."""
        name = name or "UTC"
        zone = _TIMEZONES.get(name)
        if zone is None:
            zone = _TIMEZONES[name] = cls(name)
        return zone

    def offset(self, utc):
        # zone offsets change at quarter-hour boundaries (DST rules of every
        # current zone): one zoneinfo call per quarter hour, dict hits after
        bucket = utc // 900
        off = self._cache.get(bucket)
        if off is None:
            if len(self._cache) > 200_000:
                self._cache.clear()
            moment = datetime.fromtimestamp(bucket * 900, timezone.utc).astimezone(self._zone)
            off = self._cache[bucket] = int(moment.utcoffset().total_seconds())
        return off

    def local(self, utc):
        return utc + self.offset(utc)


class BandSchedule:
    """A compiled weekly schedule of bands, with holidays."""

    __slots__ = ("_band", "_run_end", "bands", "default_band", "holiday_band", "holidays", "rules")

    def __init__(self, rules=(), default_band="peak", holidays=(), holiday_band=None):
        self.rules = tuple(rules)
        self.default_band = default_band
        self.holiday_band = holiday_band
        self.holidays = frozenset(
            day_number(h) if isinstance(h, date) else int(h) for h in holidays
        )
        week = [None] * MINUTES_PER_WEEK
        for weekdays, start, end, band in self.rules:
            if not 0 <= start < end <= MINUTES_PER_DAY:
                raise ValueError(f"band {band!r}: start must be before end ({start}, {end})")
            for day in weekdays:
                base = day * MINUTES_PER_DAY
                for minute in range(base + start, base + end):
                    if week[minute] is None:  # the first rule wins
                        week[minute] = band
        self._band = [b if b is not None else default_band for b in week]
        # for each minute: the minute (same day, at most the end of the day) at
        # which the band changes, so a call is cut in O(number of parts)
        run_end = [0] * MINUTES_PER_WEEK
        for day in range(7):
            base = day * MINUTES_PER_DAY
            nxt = base + MINUTES_PER_DAY
            for minute in range(nxt - 1, base - 1, -1):
                if (
                    minute + 1 < base + MINUTES_PER_DAY
                    and self._band[minute + 1] != self._band[minute]
                ):
                    nxt = minute + 1
                run_end[minute] = nxt
        self._run_end = run_end
        bands = set(self._band)
        if holiday_band:
            bands.add(holiday_band)
        self.bands = frozenset(bands)

    def band_at(self, local):
        """Band at ``local`` seconds (epoch seconds in the subscriber's zone)."""
        day, second = divmod(local, 86400)
        if day in self.holidays and self.holiday_band:
            return self.holiday_band
        return self._band[((day + 3) % 7) * MINUTES_PER_DAY + second // 60]

    def crosses(self, local, duration):
        """Could a call of ``duration`` s from ``local`` change band? (cheap, conservative)"""
        day, second = divmod(local, 86400)
        if day in self.holidays and self.holiday_band:
            return duration > 86400 - second
        minute = ((day + 3) % 7) * MINUTES_PER_DAY + second // 60
        return duration > (self._run_end[minute] - minute) * 60 - second % 60

    def parts(self, local, duration):
        """``[(band, seconds), ...]`` of a call starting at ``local`` lasting ``duration`` s.

        Consecutive parts have different bands; the seconds add up to ``duration``.
        """
        result = []
        remaining = duration
        now = local
        while remaining > 0:
            day, second = divmod(now, 86400)
            if day in self.holidays and self.holiday_band:
                band = self.holiday_band
                length = 86400 - second
            else:
                minute = ((day + 3) % 7) * MINUTES_PER_DAY + second // 60
                band = self._band[minute]
                end_minute = self._run_end[minute]
                length = (end_minute - minute) * 60 - second % 60
            length = min(length, remaining)
            if result and result[-1][0] == band:
                result[-1] = (band, result[-1][1] + length)
            else:
                result.append((band, length))
            remaining -= length
            now += length
        return result
