# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every spreadsheet and CSV file the suite writes goes through here.

Text that a customer, an integrator or a network file chose (a name, a circuit
id, an error message, a ticket title) may start with ``=``, ``+``, ``-`` or
``@``: a spreadsheet opening the file would run it as a formula (CSV/formula
injection). Such text is written as text, never as a formula:

- XLSX: ``workbook()`` turns off xlsxwriter's conversions (a string starting
  with ``=`` stays a string cell; no automatic links, no numbers from text);
- CSV: ``csv_cell()`` prefixes it with an apostrophe, the spreadsheets' mark of
  text (numbers, dates and amounts are written as they are).
"""

from odoo.tools.misc import xlsxwriter

#: what spreadsheets read as the start of a formula (tab and CR: OWASP's list)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell value that no spreadsheet evaluates."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values):
    return [csv_cell(value) for value in values]


def workbook(target, options=None):
    """An xlsxwriter ``Workbook`` whose strings are always text cells."""
    return xlsxwriter.Workbook(
        target,
        {
            **(options or {}),
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
