# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Downloads: the itemised usage of an invoice and a bill run's summary, as XLSX.

The usage detail answers both the back office (read access to the invoice) and
the customer (the invoice's portal access token, as core ``/my/invoices`` links
carry it), so the portal add-on can link to it.
"""

from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools import consteq

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class TelecomBillingDownloads(http.Controller):
    @http.route(
        "/telecom_billing/usage_detail/<int:move_id>.xlsx",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def usage_detail_xlsx(self, move_id, access_token=None, **kwargs):
        move = request.env["account.move"].browse(move_id)
        try:
            move_sudo = self._move_access(move, access_token)
        except (AccessError, MissingError) as exc:
            raise NotFound() from exc
        content = move_sudo._telecom_usage_xlsx()
        name = (move_sudo.name or "invoice").replace("/", "_")
        return request.make_response(
            content,
            headers=[
                ("Content-Type", XLSX),
                ("Content-Disposition", http.content_disposition(f"{name}-usage.xlsx")),
            ],
        )

    def _move_access(self, move, access_token):
        move = move.exists()
        if not move:
            raise MissingError(request.env._("Invoice not found."))
        if not request.env.user._is_public() and move.has_access("read"):
            return move.sudo()
        move_sudo = move.sudo()
        if (
            access_token
            and move_sudo.access_token
            and consteq(move_sudo.access_token, access_token)
        ):
            return move_sudo
        raise AccessError(request.env._("No access to this invoice."))

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
