# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fault report: alarms per element, site and month with the mean time to repair
(SQL view). Availability over a period: ``telecom.network.element._telecom_availability``."""

from odoo import fields, models
from odoo.tools import SQL

from .telecom_alarm import EVENT_TYPES, SEVERITIES
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
