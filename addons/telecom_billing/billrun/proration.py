# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Recurring charges and their proration, in plain Python (Decimal, no Odoo).

The rule (README "Bill runs" repeats it):

* A billing account bills every ``months`` months on its billing day; a billing
  period ``Q`` runs from its first day to the day before the next one (28 to 31
  days for a month, its real length for longer periods).
* Recurring lines are billed **in advance**: the invoice of period ``P`` covers
  every day of the subscription lines up to the last day of ``P``.
* The **rate** of a line for one billing period is ``price x quantity x
  billing months / product months`` (a monthly price on a quarterly account is
  charged three times; a yearly price on a monthly account a twelfth).
* The amount of a line for period ``Q`` depends on the days of ``Q`` the line
  covers (``covered`` of ``days``) and the product's proration policy:

  - ``daily`` (default): ``rate x covered / days``;
  - ``full``: the whole rate as soon as one day is covered;
  - ``none``: the whole rate for a fully covered period, nothing for a partial one.

  Each amount is rounded half-up to the currency's decimals.
* What was billed for a (line, period) is remembered; when the line's dates
  change later (activation, plan change, termination, add-on removal, a
  backdated change), the next invoice carries the **difference** between the
  amount the new coverage is worth and what was billed: a charge for days added,
  a credit for days removed. Nothing is ever billed twice or forgotten.

Periods (``period_start``, ``period_end``, ``add_months``) come from
``rating/periods.py``.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

# the billing-period arithmetic is rating's (one source for rating and bill runs)
from ..rating.periods import period_end, period_start

POLICIES = ("daily", "full", "none")
ONE_DAY = timedelta(days=1)


def periods(first, last, billing_day, months):
    """The (start, end) of every billing period overlapping ``[first, last]``."""
    start = period_start(first, billing_day, months)
    while start <= last:
        end = period_end(start, months)
        yield start, end
        start = end + ONE_DAY


def quantize(amount, digits=2):
    """Half-up rounding to ``digits`` decimals (Odoo's currency rounding)."""
    return Decimal(amount).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def period_rate(price, quantity, product_months, account_months):
    """Unrounded amount of one billing period of a line."""
    return (
        Decimal(str(price))
        * Decimal(str(quantity))
        * Decimal(account_months)
        / Decimal(product_months or 1)
    )


def intersect(a_from, a_to, b_from, b_to):
    """``(from, to)`` of two inclusive date ranges' intersection, or None."""
    if a_from is None or b_from is None:
        return None
    lo = max(a_from, b_from)
    hi = min(a_to, b_to)
    return (lo, hi) if lo <= hi else None


def days_between(first, last):
    return (last - first).days + 1


def period_amount(rate, covered, days, policy="daily", digits=2):
    """Amount of a line covering ``covered`` days of a ``days``-day period."""
    if policy not in POLICIES:
        raise ValueError(f"unknown proration policy {policy!r}")
    if covered <= 0:
        return quantize(0, digits)
    if covered >= days or policy == "full":
        return quantize(rate, digits)
    if policy == "none":
        return quantize(0, digits)
    return quantize(Decimal(rate) * covered / days, digits)


@dataclass
class Piece:
    """What a line owes for one billing period, against what it was billed."""

    period_start: date
    period_end: date
    cover_from: date | None  # coverage now (None: the line no longer runs in the period)
    cover_to: date | None
    covered: int
    days: int
    amount: Decimal  # what the coverage is worth now
    billed: Decimal  # what was billed before
    policy: str
    rate: Decimal  # the full period's amount, rounded (shown on the invoice)

    @property
    def delta(self):
        return self.amount - self.billed


@dataclass
class LineState:
    """A recurring line as the bill run sees it.

    ``billed_from``/``billed_to`` is the contiguous range already billed (None:
    nothing yet); ``billed`` maps a period start to the amount billed for it
    (needed only for the periods whose coverage changed).
    """

    date_start: date
    date_end: date | None
    price: Decimal
    quantity: Decimal
    product_months: int
    policy: str = "daily"
    billed_from: date | None = None
    billed_to: date | None = None
    billed: dict = field(default_factory=dict)


def expected_range(line, through, not_before=None):
    """The days the line should have been billed for when billing ``through``."""
    start = line.date_start
    if not_before and start < not_before:
        start = not_before
    end = min(line.date_end, through) if line.date_end else through
    return (start, end) if start <= end else (None, None)


def changed_ranges(old, new):
    """Date ranges where two inclusive ranges ``(from, to)`` (or (None, None)) differ."""
    (o_from, o_to), (n_from, n_to) = old, new
    if o_from is None and n_from is None:
        return []
    if o_from is None:
        return [(n_from, n_to)]
    if n_from is None:
        return [(o_from, o_to)]
    if o_to < n_from or n_to < o_from:  # disjoint: both entirely
        return [(o_from, o_to), (n_from, n_to)]
    out = []
    if o_from != n_from:
        out.append((min(o_from, n_from), max(o_from, n_from) - ONE_DAY))
    if o_to != n_to:
        out.append((min(o_to, n_to) + ONE_DAY, max(o_to, n_to)))
    return out


def affected_periods(line, through, billing_day, months, not_before=None):
    """Start dates of the periods whose coverage differs from what was billed."""
    new = expected_range(line, through, not_before)
    old = (line.billed_from, line.billed_to)
    starts = set()
    for first, last in changed_ranges(old, new):
        for start, _end in periods(first, last, billing_day, months):
            starts.add(start)
    return sorted(starts)


def history_periods(line, through, billing_day, months, not_before=None):
    """Affected periods that were already (partly) billed: their billed amount is needed.

    The common case, a line that simply runs on (billed up to the day before the
    new period), has none: only new days are added, no history is read.
    """
    if line.billed_from is None:
        return []
    out = []
    for start in affected_periods(line, through, billing_day, months, not_before):
        if intersect(line.billed_from, line.billed_to, start, period_end(start, months)):
            out.append(start)
    return out


def line_pieces(line, through, billing_day, months, account_months=None, digits=2, not_before=None):
    """The pieces (one per affected period) to bill for ``line`` up to ``through``.

    Pieces whose amount equals what was billed are dropped unless the coverage
    changed (a credit of 0.00 under the ``full`` policy is still shown, so the
    invoice explains the change).
    """
    account_months = account_months or months
    rate = period_rate(line.price, line.quantity, line.product_months, account_months)
    rounded_rate = quantize(rate, digits)
    new_from, new_to = expected_range(line, through, not_before)
    out = []
    for start in affected_periods(line, through, billing_day, months, not_before):
        end = period_end(start, months)
        days = days_between(start, end)
        cover = intersect(new_from, new_to, start, end) if new_from else None
        covered = days_between(*cover) if cover else 0
        amount = period_amount(rate, covered, days, line.policy, digits)
        old = intersect(line.billed_from, line.billed_to, start, end) if line.billed_from else None
        if old:
            # the caller loads every period history_periods() names: a missing
            # one is a bug, never silently "nothing billed"
            billed = Decimal(line.billed[start])
        else:
            billed = quantize(0, digits)
        if amount == billed and cover == old:
            continue
        out.append(
            Piece(
                period_start=start,
                period_end=end,
                cover_from=cover[0] if cover else None,
                cover_to=cover[1] if cover else None,
                covered=covered,
                days=days,
                amount=amount,
                billed=billed,
                policy=line.policy,
                rate=rounded_rate,
            )
        )
    return out


def change_amount(
    old_line, new_line, effective, billing_day, months, account_months=None, digits=2
):
    """Prorated amount of moving from ``old_line`` to ``new_line`` on ``effective``.

    The period containing ``effective`` is taken as billed in advance with the
    old line: the result is the old line's credit for the days it no longer
    runs plus the new line's charge for the days it runs, per their policies.
    """
    account_months = account_months or months
    start = period_start(effective, billing_day, months)
    end = period_end(start, months)
    days = days_between(start, end)
    total = Decimal(0)
    if old_line is not None:
        rate = period_rate(
            old_line.price, old_line.quantity, old_line.product_months, account_months
        )
        first = max(old_line.date_start, start)
        last = min(old_line.date_end, end) if old_line.date_end else end
        before = days_between(first, last) if first <= last else 0
        last_after = min(last, effective - ONE_DAY)
        after = days_between(first, last_after) if first <= last_after else 0
        total += period_amount(rate, after, days, old_line.policy, digits) - period_amount(
            rate, before, days, old_line.policy, digits
        )
    if new_line is not None:
        rate = period_rate(
            new_line.price, new_line.quantity, new_line.product_months, account_months
        )
        last = min(new_line.date_end, end) if new_line.date_end else end
        covered = days_between(effective, last) if effective <= last else 0
        total += period_amount(rate, covered, days, new_line.policy, digits)
    return quantize(total, digits)
