# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import datetime, time

from odoo import fields, models


class TelecomAvailabilityReport(models.TransientModel):
    _name = "telecom.availability.report"
    _description = "Network availability over a period"

    date_from = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self).replace(day=1)
    )
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    line_ids = fields.One2many("telecom.availability.report.line", "report_id", readonly=True)
    element_count = fields.Integer(readonly=True)
    overall_availability = fields.Float(string="Network availability (%)", readonly=True)

    def action_compute(self):
        self._telecom_check_groups("telecom_oss.group_telecom_noc")
        self.ensure_one()
        start = datetime.combine(self.date_from, time.min)
        end = datetime.combine(self.date_to, time.max).replace(microsecond=0)
        Element = self.env["telecom.network.element"]
        figures = Element._telecom_availability(start, end)
        mttr = {
            element.id: hours
            for element, hours in self.env["telecom.alarm.report"]._read_group(
                [
                    ("element_id", "in", list(figures)),
                    ("service_affecting", "=", True),
                    ("first_raised", ">=", start),
                    ("first_raised", "<=", end),
                ],
                ["element_id"],
                ["repair_hours:avg"],
            )
        }
        self.line_ids.unlink()
        self.line_ids = [
            fields.Command.create(
                {
                    "element_id": element_id,
                    "outage_hours": data["outage_seconds"] / 3600.0,
                    "availability": data["availability"],
                    "outages": data["outages"],
                    "mttr_hours": mttr.get(element_id) or 0.0,
                }
            )
            for element_id, data in sorted(figures.items())
        ]
        total = Element.search_count([("status", "in", ("in_service", "maintenance", "faulty"))])
        period = (end - start).total_seconds()
        down = sum(data["outage_seconds"] for data in figures.values())
        self.element_count = total
        self.overall_availability = (
            round(100.0 * (1 - down / (period * total)), 4) if total else 100.0
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }


class TelecomAvailabilityReportLine(models.TransientModel):
    _name = "telecom.availability.report.line"
    _description = "Availability of one element"
    _order = "availability, id"

    report_id = fields.Many2one("telecom.availability.report", required=True, ondelete="cascade")
    element_id = fields.Many2one("telecom.network.element", readonly=True)
    site_id = fields.Many2one(related="element_id.site_id")
    outage_hours = fields.Float(readonly=True)
    availability = fields.Float(string="Availability (%)", readonly=True, digits=(6, 4))
    outages = fields.Integer(readonly=True)
    mttr_hours = fields.Float(string="MTTR (h)", readonly=True)
