# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Plain-Python pieces of the bill run (no Odoo import): proration and amounts."""

from .proration import (
    POLICIES,
    LineState,
    Piece,
    add_months,
    affected_periods,
    change_amount,
    days_between,
    expected_range,
    history_periods,
    intersect,
    line_pieces,
    period_amount,
    period_end,
    period_rate,
    period_start,
    periods,
    quantize,
)
