# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Ticket analysis (SQL view): tickets by category and team, SLA compliance,
time to resolve (MTTR) and backlog ageing."""

from typing import ClassVar

from odoo import fields, models
from odoo.tools import SQL

from ..models.helpdesk_ticket import SLA_STATUSES
from ..models.helpdesk_ticket_type import TELECOM_KINDS

AGE_BUCKETS = [
    ("0_1", "< 1 day"),
    ("1_3", "1-3 days"),
    ("3_7", "3-7 days"),
    ("7_30", "7-30 days"),
    ("30_plus", "> 30 days"),
]
PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]


class TelecomHelpdeskReport(models.Model):
    _name = "telecom.helpdesk.report"
    _description = "Ticket analysis"
    _auto = False
    _order = "reported_date desc"
    _rec_name = "number"
    _depends: ClassVar[dict] = {
        "helpdesk.ticket": [
            "number",
            "company_id",
            "team_id",
            "user_id",
            "type_id",
            "telecom_kind",
            "category_id",
            "channel_id",
            "stage_id",
            "priority",
            "telecom_segment_id",
            "commercial_partner_id",
            "telecom_is_outage",
            "telecom_reported_date",
            "closed_date",
            "telecom_sla_status",
            "telecom_resolution_hours",
            "active",
        ],
        "helpdesk.ticket.stage": ["closed"],
        "helpdesk.ticket.sla": ["ticket_id", "telecom_sla_kind", "state", "telecom_escalated"],
    }

    ticket_id = fields.Many2one("helpdesk.ticket", readonly=True)
    number = fields.Char(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned user", readonly=True)
    type_id = fields.Many2one("helpdesk.ticket.type", readonly=True)
    telecom_kind = fields.Selection(TELECOM_KINDS, string="Telecom category", readonly=True)
    category_id = fields.Many2one("helpdesk.ticket.category", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    priority = fields.Selection(PRIORITIES, readonly=True)
    segment_id = fields.Many2one("telecom.customer.segment", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    is_closed = fields.Boolean(string="Closed", readonly=True)
    is_outage = fields.Boolean(string="Outage", readonly=True)
    reported_date = fields.Datetime(readonly=True)
    closed_date = fields.Datetime(readonly=True)
    sla_status = fields.Selection(SLA_STATUSES, string="SLA status", readonly=True)
    ticket_count = fields.Integer(string="Tickets", readonly=True, aggregator="sum")
    open_count = fields.Integer(string="Open", readonly=True, aggregator="sum")
    breached_count = fields.Integer(string="SLA breached", readonly=True, aggregator="sum")
    sla_compliance = fields.Float(
        string="SLA compliance (%)",
        readonly=True,
        aggregator="avg",
        help="100 for a ticket whose SLAs were all met, 0 for a breached one; tickets "
        "still running or without SLA do not count.",
    )
    response_compliance = fields.Float(
        string="Response compliance (%)", readonly=True, aggregator="avg"
    )
    resolution_compliance = fields.Float(
        string="Resolution compliance (%)", readonly=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        string="Time to resolve (h)",
        readonly=True,
        aggregator="avg",
        help="Closed tickets: hours from the report to the closing; averaged, the MTTR.",
    )
    age_days = fields.Float(
        string="Age (days)",
        readonly=True,
        aggregator="avg",
        help="Open tickets: days since the report.",
    )
    age_bucket = fields.Selection(AGE_BUCKETS, string="Backlog age", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT t.id, t.id AS ticket_id, t.number, t.company_id, t.team_id, t.user_id,
                   t.type_id, t.telecom_kind, t.category_id, t.channel_id, t.stage_id,
                   t.priority, t.telecom_segment_id AS segment_id,
                   t.commercial_partner_id AS partner_id,
                   coalesce(st.closed, false) AS is_closed,
                   coalesce(t.telecom_is_outage, false) AS is_outage,
                   t.telecom_reported_date AS reported_date,
                   CASE WHEN st.closed THEN t.closed_date END AS closed_date,
                   t.telecom_sla_status AS sla_status,
                   1 AS ticket_count,
                   CASE WHEN coalesce(st.closed, false) THEN 0 ELSE 1 END AS open_count,
                   CASE WHEN t.telecom_sla_status = 'breached' THEN 1 ELSE 0 END
                       AS breached_count,
                   CASE t.telecom_sla_status WHEN 'met' THEN 100.0
                                             WHEN 'breached' THEN 0.0 END AS sla_compliance,
                   s.response_compliance, s.resolution_compliance,
                   CASE WHEN st.closed THEN t.telecom_resolution_hours END AS resolution_hours,
                   CASE WHEN NOT coalesce(st.closed, false)
                        THEN extract(epoch FROM (now() AT TIME ZONE 'UTC')
                                     - t.telecom_reported_date) / 86400.0 END AS age_days,
                   CASE WHEN coalesce(st.closed, false) THEN NULL
                        WHEN t.telecom_reported_date > (now() AT TIME ZONE 'UTC')
                             - interval '1 day' THEN '0_1'
                        WHEN t.telecom_reported_date > (now() AT TIME ZONE 'UTC')
                             - interval '3 days' THEN '1_3'
                        WHEN t.telecom_reported_date > (now() AT TIME ZONE 'UTC')
                             - interval '7 days' THEN '3_7'
                        WHEN t.telecom_reported_date > (now() AT TIME ZONE 'UTC')
                             - interval '30 days' THEN '7_30'
                        ELSE '30_plus' END AS age_bucket
              FROM helpdesk_ticket t
              LEFT JOIN helpdesk_ticket_stage st ON st.id = t.stage_id
              LEFT JOIN (
                    SELECT ticket_id,
                           min(CASE WHEN telecom_sla_kind = 'response' THEN
                                   CASE WHEN state = 'expired' OR telecom_escalated THEN 0.0
                                        WHEN state = 'accomplished' THEN 100.0 END
                               END) AS response_compliance,
                           min(CASE WHEN telecom_sla_kind = 'resolution' THEN
                                   CASE WHEN state = 'expired' OR telecom_escalated THEN 0.0
                                        WHEN state = 'accomplished' THEN 100.0 END
                               END) AS resolution_compliance
                      FROM helpdesk_ticket_sla
                     GROUP BY ticket_id
              ) s ON s.ticket_id = t.id
             WHERE t.active
            """
        )
