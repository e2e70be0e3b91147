# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Plain helpers of telecom_billing shared with the add-ons above it."""
