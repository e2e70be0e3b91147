# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing periods: the period a usage day belongs to.

A billing account bills every ``months`` months (1, 2, 3 or 12) on its
``billing_day`` (1..28). Periods are anchored on January: a period starts on the
billing day of a month ``m`` with ``(m - 1) % months == 0`` (monthly: every month;
bimonthly: Jan, Mar, May...; quarterly: Jan, Apr, Jul, Oct; yearly: January).
The period of a usage record is the one containing the record's **local** date
(subscriber time zone). ``period_start`` is the first day of that period.

This is the one source of billing-period arithmetic: rating, the bill run's
proration (``billrun/proration.py``), the API and the portal import it. How many
months a named period (``monthly``, ``quarterly``...) lasts is telecom_crm's
``PERIOD_MONTHS`` (``telecom_crm/models/billing_periods.py``); here ``months`` is a number.
"""

from datetime import date, timedelta

from .timebands import day_date, day_number


def period_start(day, billing_day=1, months=1):
    """First day of the billing period containing ``day`` (a date)."""
    if not 1 <= billing_day <= 28:
        raise ValueError("billing day must be 1..28")
    if months not in (1, 2, 3, 4, 6, 12):
        raise ValueError("billing period must be 1, 2, 3, 4, 6 or 12 months")
    year, month = day.year, day.month
    if day.day < billing_day:
        month -= 1
    index = year * 12 + month - 1  # months since year 0
    index -= index % months  # January-anchored: (m - 1) % months == 0
    return date(index // 12, index % 12 + 1, billing_day)


def add_months(day, months):
    """``day`` moved by ``months`` (the day of month must exist: billing days are 1..28)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, day.day)


def next_period_start(start, months=1):
    return add_months(start, months)


def previous_period_start(start, months=1):
    return add_months(start, -months)


def period_end(start, months=1):
    """Last day of the period starting on ``start``."""
    return add_months(start, months) - timedelta(days=1)


class PeriodCache:
    """``period_start`` for day numbers, memoised per (billing day, months)."""

    __slots__ = ("_cache",)

    def __init__(self):
        self._cache = {}

    def start(self, day, billing_day, months):
        key = (day, billing_day, months)
        value = self._cache.get(key)
        if value is None:
            if len(self._cache) > 100_000:
                self._cache.clear()
            value = self._cache[key] = period_start(day_date(day), billing_day, months)
        return value


__all__ = [
    "PeriodCache",
    "add_months",
    "day_number",
    "next_period_start",
    "period_end",
    "period_start",
    "previous_period_start",
]
