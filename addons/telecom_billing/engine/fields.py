# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Custom field types of telecom_billing."""

from odoo import fields


class BigInteger(fields.Integer):
    """An Integer stored as PostgreSQL ``int8``: data volumes exceed 2^31 bytes.

    Values above 2^31 - 1 travel as floats over XML-RPC (as for any Odoo Integer).
    """

    _column_type = ("int8", "int8")
