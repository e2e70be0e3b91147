# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Alarms open, move on and close outage tickets."""

from odoo import fields, models


class TelecomAlarm(models.Model):
    _inherit = "telecom.alarm"

    ticket_ids = fields.One2many("helpdesk.ticket", "telecom_alarm_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_count", compute_sudo=True)

    def _compute_ticket_count(self):
        counts = dict(
            self.env["helpdesk.ticket"]._read_group(
                [("telecom_alarm_id", "in", self.ids), ("telecom_is_outage", "=", True)],
                ["telecom_alarm_id"],
                ["__count"],
            )
        )
        for alarm in self:
            alarm.ticket_count = counts.get(alarm, 0)

    def _telecom_open_ticket(self):
        """One outage ticket per root major/critical alarm: {alarm id: ticket id}."""
        result = super()._telecom_open_ticket()
        Ticket = self.env["helpdesk.ticket"]
        for alarm in self:
            result[alarm.id] = Ticket._telecom_open_for_alarm(alarm).id
        return result

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") == "acknowledged":
            self._telecom_outage_tickets()._telecom_move_to_progress()
        elif vals.get("state") == "cleared":
            self._telecom_close_outages()
        return res

    def _telecom_outage_tickets(self):
        return (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("telecom_alarm_id", "in", self.ids),
                    ("telecom_is_outage", "=", True),
                    ("closed", "=", False),
                ]
            )
        )

    def _telecom_close_outages(self):
        """The alarm cleared: its outage ends when it cleared, its ticket is resolved."""
        for ticket in self._telecom_outage_tickets():
            alarm = ticket.telecom_alarm_id
            ticket.telecom_outage_end = alarm.cleared_date or fields.Datetime.now()
            stage = ticket.team_id._telecom_stage("resolved")
            if stage:
                ticket.stage_id = stage
            else:
                ticket._telecom_outage_close()

    def action_view_tickets(self):
        self._telecom_check_groups("helpdesk_mgmt.group_helpdesk_user_own")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("telecom_alarm_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
