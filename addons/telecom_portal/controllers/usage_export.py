# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Usage exports: CSV (UTF-8 with a BOM, so spreadsheets read the accents) and XLSX."""

import csv
import io
import os
import tempfile

from odoo.addons.telecom_billing.tools import spreadsheet


def to_csv(header, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(spreadsheet.csv_row(header))
    writer.writerows(spreadsheet.csv_row(row) for row in rows)
    return "\ufeff".encode() + buffer.getvalue().encode()


def to_xlsx(header, rows, sheet_name):
    """An XLSX file written row by row (constant memory: a temporary file)."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        workbook = spreadsheet.workbook(path, {"constant_memory": True})
        sheet = workbook.add_worksheet(sheet_name[:31])
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, header, bold)
        sheet.freeze_panes(1, 0)
        sheet.set_column(0, 0, 20)
        sheet.set_column(1, 2, 16)
        sheet.set_column(5, 5, 16)
        for index, row in enumerate(rows, start=1):
            sheet.write_row(index, 0, row)
        workbook.close()
        with open(path, "rb") as fh:
            return fh.read()
    finally:
        os.unlink(path)
