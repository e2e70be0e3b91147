# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fault reports: alarms per element, site and month with the mean time to repair
(SQL view), and element availability over a period (merged outage intervals)."""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .telecom_alarm import EVENT_TYPES, SEVERITIES, TICKET_SEVERITIES
from .telecom_network_element import ELEMENT_TYPES


class TelecomAlarmReport(models.Model):
    _name = "telecom.alarm.report"
    _description = "Alarm statistics (MTTR)"
    _auto = False
    _order = "first_raised desc"

    element_id = fields.Many2one("telecom.network.element", readonly=True)
    element_type = fields.Selection(ELEMENT_TYPES, readonly=True)
    site_id = fields.Many2one("telecom.site", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    max_severity = fields.Selection(SEVERITIES[:-1], string="Severity", readonly=True)
    event_type = fields.Selection(EVENT_TYPES, readonly=True)
    probable_cause = fields.Char(readonly=True)
    state = fields.Selection(
        [("active", "Active"), ("acknowledged", "Acknowledged"), ("cleared", "Cleared")],
        readonly=True,
    )
    service_affecting = fields.Boolean(readonly=True)
    is_root_cause = fields.Boolean(readonly=True)
    first_raised = fields.Datetime(readonly=True)
    cleared_date = fields.Datetime(readonly=True)
    alarm_count = fields.Integer(string="Alarms", readonly=True, aggregator="sum")
    repeat_count = fields.Integer(string="Occurrences", readonly=True, aggregator="sum")
    repair_hours = fields.Float(
        string="Time to repair (h)",
        readonly=True,
        aggregator="avg",
        help="Cleared alarms: clear time minus raise time. Averaged: the MTTR.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT a.id, a.element_id, e.element_type, a.site_id, a.company_id,
                   a.max_severity, a.event_type, a.probable_cause, a.state,
                   coalesce(a.service_affecting, false) AS service_affecting,
                   a.root_cause_id IS NULL AS is_root_cause,
                   a.first_raised, a.cleared_date,
                   1 AS alarm_count, a.repeat_count,
                   CASE WHEN a.cleared_date IS NOT NULL
                        THEN extract(epoch FROM a.cleared_date - a.first_raised) / 3600.0
                   END AS repair_hours
              FROM telecom_alarm a
              LEFT JOIN telecom_network_element e ON e.id = a.element_id
            """
        )


class TelecomNetworkElement(models.Model):
    _inherit = "telecom.network.element"

    @api.model
    def _telecom_availability(self, date_from, date_to, elements=None):
        """Outage and availability of elements over [date_from, date_to).

        An element is down while a major or critical alarm is open on it, on one of
        its ancestors, or on its site (or an ancestor's site); overlapping outages
        count once. Returns {element id: {"outage_seconds", "availability",
        "outages"}} for the elements that had an outage (the others were 100 %
        available)."""
        if date_to <= date_from:
            raise UserError(_("The period must end after it starts."))
        now = fields.Datetime.now()
        Alarm = self.env["telecom.alarm"]
        outages = Alarm.search(
            [
                ("max_severity", "in", TICKET_SEVERITIES),
                ("first_raised", "<", date_to),
                "|",
                ("cleared_date", "=", False),
                ("cleared_date", ">", date_from),
            ]
        )
        intervals = {}
        for alarm in outages:
            start = max(alarm.first_raised, date_from)
            end = min(alarm.cleared_date or now, date_to)
            if end <= start:
                continue
            if alarm.element_id:
                hit = self._telecom_impacted_elements(elements=alarm.element_id)
            else:
                hit = self._telecom_impacted_elements(sites=alarm.site_id)
            if elements is not None:
                hit &= elements
            for element_id in hit.ids:
                intervals.setdefault(element_id, []).append((start, end))
        period = (date_to - date_from).total_seconds()
        result = {}
        for element_id, spans in intervals.items():
            spans.sort()
            merged = [list(spans[0])]
            for start, end in spans[1:]:
                if start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([start, end])
            down = sum((end - start).total_seconds() for start, end in merged)
            result[element_id] = {
                "outage_seconds": down,
                "availability": round(100.0 * (1 - down / period), 4),
                "outages": len(merged),
            }
        return result
