# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Downloads: the itemised usage of an invoice and a bill run's summary, as XLSX.

The usage detail answers both the back office (read access to the invoice) and
the customer (the invoice's portal access token, as core ``/my/invoices`` links
carry it), through Odoo's portal check (``_document_check_access``), so the
portal add-on can link to it. A large detail comes in parts (``?part=2``...), one
per request (``account.move._telecom_usage_part``).
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def usage_part(value):
    """The part number of a usage-detail download (``?part=``), or None if malformed."""
    if value in (None, ""):
        return 1
    text = str(value)
    return int(text) if text.isdigit() and len(text) < 10 else None


def usage_file_name(move, part):
    """``INV_2025_00001-usage`` (``-usage-part2`` for the next parts), no extension."""
    name = (move.name or "invoice").replace("/", "_")
    return f"{name}-usage" + (f"-part{part}" if part > 1 else "")


class TelecomBillingDownloads(CustomerPortal):
    @http.route(
        "/telecom_billing/usage_detail/<int:move_id>.xlsx",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def usage_detail_xlsx(self, move_id, access_token=None, part=None, **kwargs):
        try:
            move_sudo = self._document_check_access("account.move", move_id, access_token)
            number = usage_part(part)
            if number is None:
                raise MissingError(request.env._("No such part."))
            content = move_sudo._telecom_usage_xlsx(number)
        except (AccessError, MissingError, UserError) as exc:
            raise NotFound() from exc
        name = usage_file_name(move_sudo, number)
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX),
                ("Content-Disposition", http.content_disposition(f"{name}.xlsx")),
            ],
        )

    @http.route(
        "/telecom_billing/bill_run/<int:run_id>.xlsx", type="http", auth="user", methods=["GET"]
    )
    def bill_run_xlsx(self, run_id, **kwargs):
        run = request.env["telecom.bill.run"].browse(run_id).exists()
        if not run:
            raise NotFound()
        run.check_access("read")
        return request.make_response(
            run._telecom_summary_xlsx(),
            headers=[
                ("Content-Type", XLSX),
                ("Content-Disposition", http.content_disposition(f"{run.name}.xlsx")),
            ],
        )
