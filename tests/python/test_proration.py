"""Proration of recurring charges (telecom_billing/billrun), hand-computed to the cent."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from billrun import (
    LineState,
    change_amount,
    history_periods,
    line_pieces,
    period_amount,
    period_end,
    period_start,
    periods,
)
from hypothesis import given, settings
from hypothesis import strategies as st

D = Decimal


def line(start, end=None, price="19.99", qty=1, months=1, policy="daily", **kw):
    return LineState(
        date_start=start,
        date_end=end,
        price=D(price),
        quantity=D(qty),
        product_months=months,
        policy=policy,
        **kw,
    )


def bill(state, through, billing_day=1, months=1, not_before=None):
    """Run the bill for ``through`` and update the line's billed state like the engine."""
    history = history_periods(state, through, billing_day, months, not_before)
    assert set(history) <= set(state.billed), "the engine must load these periods"
    pieces = line_pieces(state, through, billing_day, months, not_before=not_before)
    for piece in pieces:
        state.billed[piece.period_start] = state.billed.get(piece.period_start, D(0)) + piece.delta
    first = max(state.date_start, not_before) if not_before else state.date_start
    last = min(state.date_end, through) if state.date_end else through
    if first <= last:
        state.billed_from, state.billed_to = first, last
    else:
        state.billed_from = state.billed_to = None
    return pieces


def test_periods():
    assert period_start(date(2025, 7, 10)) == date(2025, 7, 1)
    assert period_start(date(2025, 7, 10), 15) == date(2025, 6, 15)
    assert period_start(date(2025, 8, 20), 1, 3) == date(2025, 7, 1)
    assert period_end(date(2025, 2, 1)) == date(2025, 2, 28)
    assert period_end(date(2025, 7, 15)) == date(2025, 8, 14)
    assert list(periods(date(2025, 1, 20), date(2025, 3, 2), 1, 1)) == [
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 31)),
    ]
    with pytest.raises(ValueError):
        period_start(date(2025, 1, 1), 29)
    with pytest.raises(ValueError):
        period_start(date(2025, 1, 1), 1, 5)


def test_period_amount_policies():
    assert period_amount(D("19.99"), 22, 31) == D("14.19")  # 14.1864...
    assert period_amount(D("19.99"), 22, 31, "full") == D("19.99")
    assert period_amount(D("19.99"), 22, 31, "none") == D("0.00")
    assert period_amount(D("19.99"), 31, 31, "none") == D("19.99")
    assert period_amount(D("19.99"), 0, 31, "full") == D("0.00")
    assert period_amount(D("10"), 1, 8, "daily") == D("1.25")
    assert period_amount(D("0.05"), 1, 2) == D("0.03")  # half-up, not banker's
    with pytest.raises(ValueError):
        period_amount(D("1"), 1, 2, "weekly")


def test_activation_mid_period():
    """Activated on 10 July after the July bill: the August bill has 22/31 of July + August."""
    state = line(date(2025, 7, 10))
    pieces = bill(state, date(2025, 8, 31))
    assert [(p.period_start, p.covered, p.days, p.amount) for p in pieces] == [
        (date(2025, 7, 1), 22, 31, D("14.19")),
        (date(2025, 8, 1), 31, 31, D("19.99")),
    ]
    assert pieces[0].rate == D("19.99") and pieces[0].policy == "daily"
    # next month: only September, no history read
    assert history_periods(state, date(2025, 9, 30), 1, 1) == []
    assert [p.amount for p in bill(state, date(2025, 9, 30))] == [D("19.99")]


def test_activation_policies():
    full = line(date(2025, 7, 10), policy="full")
    assert [p.amount for p in bill(full, date(2025, 8, 31))] == [D("19.99"), D("19.99")]
    none = line(date(2025, 7, 10), policy="none")
    pieces = bill(none, date(2025, 8, 31))
    assert [(p.covered, p.amount) for p in pieces] == [(22, D("0.00")), (31, D("19.99"))]


def test_plan_change_mid_period():
    """Mobile S (19.99) to Mobile M (29.99) from 15 July; July was billed in advance."""
    old = line(date(2025, 1, 1))
    bill(old, date(2025, 7, 31))
    old.date_end = date(2025, 7, 14)
    assert history_periods(old, date(2025, 8, 31), 1, 1) == [date(2025, 7, 1)]
    credit = bill(old, date(2025, 8, 31))
    assert [(p.covered, p.amount, p.billed, p.delta) for p in credit] == [
        (14, D("9.03"), D("19.99"), D("-10.96"))  # 14/31 x 19.99 = 9.0277
    ]
    new = line(date(2025, 7, 15), price="29.99")
    charge = bill(new, date(2025, 8, 31))
    assert [(p.covered, p.amount) for p in charge] == [
        (17, D("16.45")),  # 17/31 x 29.99 = 16.4461
        (31, D("29.99")),
    ]
    # the preview of the same change gives the July part of it
    assert change_amount(
        line(date(2025, 1, 1)), line(date(2025, 7, 15), price="29.99"), date(2025, 7, 15), 1, 1
    ) == D("5.49")  # -10.96 + 16.45


def test_termination_mid_period():
    state = line(date(2025, 1, 1))
    bill(state, date(2025, 7, 31))
    state.date_end = date(2025, 7, 20)  # last day of service
    pieces = bill(state, date(2025, 8, 31))
    assert [(p.covered, p.amount, p.delta) for p in pieces] == [
        (20, D("12.90"), D("-7.09"))  # 20/31 x 19.99 = 12.8961
    ]
    assert bill(state, date(2025, 9, 30)) == []  # nothing more, ever
    full = line(date(2025, 1, 1), policy="full")
    bill(full, date(2025, 7, 31))
    full.date_end = date(2025, 7, 20)
    pieces = bill(full, date(2025, 8, 31))
    assert [(p.covered, p.delta) for p in pieces] == [(20, D("0.00"))]  # shown, no credit
    none = line(date(2025, 1, 1), policy="none")
    bill(none, date(2025, 7, 31))
    none.date_end = date(2025, 7, 20)
    assert [p.delta for p in bill(none, date(2025, 8, 31))] == [D("-19.99")]


def test_termination_before_start_of_billed_line():
    """A scheduled line removed (it never ran) is credited in full."""
    state = line(date(2025, 7, 20), price="10")
    bill(state, date(2025, 7, 31))  # 12/31 x 10 = 3.87
    assert state.billed[date(2025, 7, 1)] == D("3.87")
    state.date_end = date(2025, 7, 19)  # ends before it starts: never ran
    pieces = bill(state, date(2025, 8, 31))
    assert [(p.covered, p.delta) for p in pieces] == [(0, D("-3.87"))]
    assert state.billed_from is None


def test_backdated_change_spans_periods():
    state = line(date(2025, 1, 1), price="30")
    bill(state, date(2025, 6, 30))
    state.date_end = date(2025, 4, 10)
    pieces = bill(state, date(2025, 7, 31))
    # April 10/30 x 30 = 10.00 (credit 20.00), May and June fully credited
    assert [(p.period_start.month, p.delta) for p in pieces] == [
        (4, D("-20.00")),
        (5, D("-30.00")),
        (6, D("-30.00")),
    ]


def test_quarterly_account_monthly_product_and_billing_day():
    state = line(date(2025, 8, 16), price="10")
    pieces = bill(state, date(2025, 12, 31), 1, 3)
    # July-September quarter (92 days): 46 days x 30 / 92 = 15.00; then 30.00
    assert [(p.period_start, p.covered, p.days, p.amount) for p in pieces] == [
        (date(2025, 7, 1), 46, 92, D("15.00")),
        (date(2025, 10, 1), 92, 92, D("30.00")),
    ]
    yearly = line(date(2025, 1, 15), price="120", months=12)
    pieces = bill(yearly, date(2025, 2, 14), 15, 1)
    assert [(p.period_start, p.amount) for p in pieces] == [(date(2025, 1, 15), D("10.00"))]


def test_cutover_date_bills_nothing_before_it():
    state = line(date(2023, 3, 5))
    pieces = bill(state, date(2025, 7, 31), not_before=date(2025, 7, 1))
    assert [(p.period_start, p.amount) for p in pieces] == [(date(2025, 7, 1), D("19.99"))]


def test_missing_history_is_an_error():
    state = line(date(2025, 1, 1))
    bill(state, date(2025, 7, 31))
    state.billed = {}
    state.date_end = date(2025, 7, 14)
    with pytest.raises(KeyError):
        line_pieces(state, date(2025, 8, 31), 1, 1)


def from_scratch(start, end, through, price, policy, billing_day, months):
    fresh = LineState(
        date_start=start, date_end=end, price=price, quantity=D(1), product_months=1, policy=policy
    )
    return sum((p.amount for p in line_pieces(fresh, through, billing_day, months)), D(0))


@settings(max_examples=300, deadline=None)
@given(
    start=st.dates(date(2024, 1, 1), date(2025, 6, 30)),
    changes=st.lists(st.integers(-200, 400), min_size=1, max_size=5),
    price=st.decimals("0.01", "500", places=2),
    policy=st.sampled_from(["daily", "full", "none"]),
    billing_day=st.integers(1, 28),
    months=st.sampled_from([1, 2, 3, 12]),
)
def test_conservation(start, changes, price, policy, billing_day, months):
    """Whatever the changes between runs, the total billed equals billing the final
    coverage from scratch: nothing billed twice, nothing forgotten."""
    state = LineState(
        date_start=start, date_end=None, price=price, quantity=D(1), product_months=1, policy=policy
    )
    run = period_start(start, billing_day, months)
    for change in changes:
        through = period_end(run, months)
        bill(state, through, billing_day, months)
        end = start + timedelta(days=change) if change >= -1 else None
        state.date_end = end
        run = period_end(run, months) + timedelta(days=1)
    through = period_end(run, months)
    bill(state, through, billing_day, months)
    total = sum(state.billed.values(), D(0))
    assert total == from_scratch(start, state.date_end, through, price, policy, billing_day, months)
