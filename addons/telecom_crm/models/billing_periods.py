# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing periods by name, in months: the one map every add-on uses (no Odoo import).

The names are the values of a billing account's ``billing_period`` and of a
product's ``telecom_recurring_period``. The period arithmetic itself (where a
period starts, how long it runs) is in ``telecom_billing/rating/periods.py``.
"""

#: period name -> months
PERIOD_MONTHS = {"monthly": 1, "bimonthly": 2, "quarterly": 3, "yearly": 12}
