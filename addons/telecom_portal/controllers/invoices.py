# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Invoices: the home counter, and the usage detail of a bill-run invoice on its
page (``/my/invoices/<id>/usage.pdf|xlsx``); the invoices' list and pages are
core's (``account``)."""

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.telecom_billing.controllers.main import XLSX, usage_file_name, usage_part

from .base import TelecomPortalBase


class TelecomPortalInvoices(TelecomPortalBase):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "telecom_invoice_count" in counters:
            values["telecom_invoice_count"] = self._telecom_count(
                "account.move", self._get_invoices_domain("out")
            )
        return values

    @http.route(
        ["/my/invoices/<int:invoice_id>/usage.<string:fmt>"],
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_my_invoice_usage(self, invoice_id, fmt, access_token=None, part=None, **kw):
        """The itemised usage of a bill-run invoice, as PDF or XLSX, one part at a time.

        Same check as the invoice itself (``/my/invoices/<id>``): the reader's record
        rules or the invoice's own access token. A large detail comes in parts
        (``?part=2``...), each bounded (``account.move._telecom_usage_part``).
        """
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        number = usage_part(part)
        if (
            fmt not in ("pdf", "xlsx")
            or invoice_sudo.telecom_kind != "bill"
            or invoice_sudo.state != "posted"
            or number is None
        ):
            return request.redirect("/my")
        name = usage_file_name(invoice_sudo, number)
        try:
            invoice_sudo._telecom_usage_part(fmt, number)
        except UserError:
            return request.redirect("/my")
        if fmt == "pdf":
            report = (
                request.env["ir.actions.report"]
                .sudo()
                .with_company(invoice_sudo.company_id)
                .with_context(telecom_usage_part=number)
            )
            content = report._render_qweb_pdf(
                "telecom_billing.action_report_telecom_usage_detail", invoice_sudo.ids
            )[0]
            mimetype, filename = "application/pdf", f"{name}.pdf"
        else:
            content = invoice_sudo._telecom_usage_xlsx(number)
            mimetype, filename = XLSX, f"{name}.xlsx"
        return request.make_response(
            content,
            headers=[
                ("Content-Type", mimetype),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        usage_links, usage_parts = {}, {}
        if invoice.telecom_kind == "bill" and invoice.state == "posted":
            usage_links = {
                fmt: invoice.get_portal_url(suffix=f"/usage.{fmt}") for fmt in ("pdf", "xlsx")
            }
            for fmt in ("pdf", "xlsx"):
                parts = invoice.sudo()._telecom_usage_part(fmt)["parts"]
                if parts > 1:
                    usage_parts[fmt] = [
                        (
                            number,
                            invoice.get_portal_url(
                                suffix=f"/usage.{fmt}", query_string=f"&part={number}"
                            ),
                        )
                        for number in range(1, parts + 1)
                    ]
        values["telecom_usage_links"] = usage_links
        values["telecom_usage_parts"] = usage_parts
        return values
