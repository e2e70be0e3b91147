# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Plain-Python pieces of the bill run (no Odoo import): proration and amounts.

The billing-period arithmetic is ``rating/periods.py``'s, re-exported here for the
bill run's callers.
"""

from ..rating.periods import add_months, period_end, period_start
from .proration import (
    POLICIES,
    LineState,
    Piece,
    affected_periods,
    change_amount,
    days_between,
    expected_range,
    history_periods,
    intersect,
    line_pieces,
    period_amount,
    period_rate,
    periods,
    quantize,
)
