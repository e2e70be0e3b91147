# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""System parameters that are positive whole numbers (sizes, limits, chunks)."""


def positive_int_param(env, key, default):
    """``ir.config_parameter`` ``key`` as an int >= 1; ``default`` if unset or not a number."""
    value = env["ir.config_parameter"].sudo().get_param(key, default)
    try:
        return max(int(value), 1)
    except (TypeError, ValueError):
        return default
