# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""XLSX export of the ticket analysis: one sheet per report."""

import base64
import io
from collections import defaultdict
from datetime import datetime, time

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.telecom_billing.tools import spreadsheet

from ..report.telecom_helpdesk_report import AGE_BUCKETS


class TelecomHelpdeskXlsxWizard(models.TransientModel):
    _name = "telecom.helpdesk.xlsx.wizard"
    _description = "Export the ticket analysis to XLSX"

    date_from = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="Tickets reported from this day...",
    )
    date_to = fields.Date(
        required=True, default=fields.Date.context_today, help="...to this day (included)."
    )
    team_ids = fields.Many2many("helpdesk.ticket.team", string="Teams", help="Empty: all.")
    file = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for wizard in self:
            if wizard.date_from > wizard.date_to:
                raise UserError(self.env._("The period ends before it starts."))

    def _domain(self):
        self.ensure_one()
        domain = [
            ("reported_date", ">=", datetime.combine(self.date_from, time.min)),
            ("reported_date", "<=", datetime.combine(self.date_to, time.max)),
        ]
        if self.team_ids:
            domain.append(("team_id", "in", self.team_ids.ids))
        return domain

    def action_export(self):
        self._telecom_check_groups("helpdesk_mgmt.group_helpdesk_user")
        self.ensure_one()
        content = self._telecom_workbook()
        self.write(
            {
                "file": base64.b64encode(content),
                "file_name": f"tickets_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file"
            "&filename_field=file_name&download=true",
            "target": "self",
        }

    def _telecom_workbook(self):
        """The XLSX file (bytes): by category and team, SLA compliance, MTTR, ageing."""
        Report = self.env["telecom.helpdesk.report"]
        domain = self._domain()
        buffer = io.BytesIO()
        workbook = spreadsheet.workbook(buffer, {"in_memory": True})
        bold = workbook.add_format({"bold": True})
        kinds = dict(Report._fields["telecom_kind"]._description_selection(self.env))

        def label(record_or_value):
            if isinstance(record_or_value, models.BaseModel):
                return record_or_value.display_name or self.env._("(none)")
            return kinds.get(record_or_value) or self.env._("(none)")

        def sheet(name, header, rows):
            ws = workbook.add_worksheet(name)
            ws.write_row(0, 0, header, bold)
            for index, row in enumerate(rows, start=1):
                ws.write_row(index, 0, row)
            ws.set_column(0, len(header) - 1, 18)

        groups = Report._read_group(
            domain,
            ["telecom_kind", "team_id"],
            [
                "ticket_count:sum",
                "open_count:sum",
                "breached_count:sum",
                "sla_compliance:avg",
                "response_compliance:avg",
                "resolution_compliance:avg",
                "resolution_hours:avg",
            ],
        )
        sheet(
            self.env._("By category and team"),
            [self.env._("Category"), self.env._("Team"), self.env._("Tickets"), self.env._("Open")],
            [(label(k), label(t), n, o) for k, t, n, o, *_rest in groups],
        )
        sheet(
            self.env._("SLA compliance"),
            [
                self.env._("Category"),
                self.env._("Team"),
                self.env._("Breached"),
                self.env._("Compliance %"),
                self.env._("Response %"),
                self.env._("Resolution %"),
            ],
            [
                (label(k), label(t), b, _round(c), _round(r1), _round(r2))
                for k, t, _n, _o, b, c, r1, r2, _h in groups
            ],
        )
        closed = Report._read_group(
            domain + [("is_closed", "=", True)],
            ["telecom_kind", "team_id"],
            ["ticket_count:sum", "resolution_hours:avg"],
        )
        sheet(
            self.env._("MTTR"),
            [
                self.env._("Category"),
                self.env._("Team"),
                self.env._("Closed"),
                self.env._("MTTR (h)"),
            ],
            [(label(k), label(t), n, _round(h)) for k, t, n, h in closed],
        )
        ageing = defaultdict(lambda: defaultdict(int))
        for team, bucket, count in Report._read_group(
            domain + [("is_closed", "=", False)], ["team_id", "age_bucket"], ["ticket_count:sum"]
        ):
            ageing[team][bucket] += count
        sheet(
            self.env._("Backlog ageing"),
            [self.env._("Team")] + [name for _code, name in AGE_BUCKETS],
            [
                [label(team)] + [buckets.get(code, 0) for code, _name in AGE_BUCKETS]
                for team, buckets in ageing.items()
            ],
        )
        workbook.close()
        return buffer.getvalue()


def _round(value):
    return round(value, 2) if value is not None and value is not False else ""
