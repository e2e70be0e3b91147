# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The bulk path of the demo tickets (see ``demo_generator.py``).

``_demo_helpdesk_tickets`` creates its tickets one at a time (a create, its
routing and a stage write each: about 20 tickets a second here; one in five
customers has one, 20,000 at 100,000 customers). The bulk variant draws exactly
the same tickets (same draws, in the same order, so the same seed gives the same
tickets on both paths), creates them in batches (one ``create`` per batch: routing
and the SLA policies run on the batch), and moves each batch's tickets to their
outcome stage in one write per stage; the disputes keep their own calls (their
lines are checked one by one).
"""

import time
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from .demo_generator import BULK_CHUNK
from .demo_helpdesk import DEMO_TICKET_PREFIX, DEMO_TICKETS


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_bulk_helpdesk_tickets(self, rng, params):
        wanted = max(len(DEMO_TICKETS), params["customers"] // 5)
        Ticket = self.env["helpdesk.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        cr = self.env.cr
        cr.execute(
            "SELECT telecom_external_ref FROM helpdesk_ticket WHERE telecom_external_ref LIKE %s",
            (f"{DEMO_TICKET_PREFIX}%",),
        )
        existing = {row[0] for row in cr.fetchall()}
        cr.execute(
            """SELECT id FROM telecom_subscription
                WHERE ref LIKE 'DEMO-%%' AND state = 'active' ORDER BY ref"""
        )
        sub_ids = [row[0] for row in cr.fetchall()]
        if not sub_ids:
            return 0
        Type = self.env["helpdesk.ticket.type"]
        Channel = self.env["helpdesk.ticket.channel"]
        types = {kind: Type._telecom_type(kind).id for kind, *_r in DEMO_TICKETS}
        channels = {channel: Channel._telecom_channel(channel).id for _k, _t, channel, _o in
                    DEMO_TICKETS}  # fmt: skip
        now = fields.Datetime.now()
        todo = []
        for ref, (
            kind,
            title,
            channel,
            outcome,
        ), sub_index, hours_ago, priority in self._demo_ticket_draws(rng, wanted, len(sub_ids)):
            sub_id = sub_ids[sub_index]
            if ref in existing:
                continue
            vals = {
                "name": title,
                "description": Markup("<p>%s</p>") % title,
                "type_id": types[kind],
                "channel_id": channels[channel],
                "telecom_subscription_id": sub_id,
                "telecom_reported_date": now - timedelta(hours=hours_ago),
                "telecom_external_ref": ref,
                "priority": priority,
                "user_id": False,
            }
            todo.append((vals, outcome))
        started = time.time()
        created = 0
        for start in range(0, len(todo), BULK_CHUNK):
            batch = todo[start : start + BULK_CHUNK]
            tickets = Ticket.create([vals for vals, _outcome in batch])
            by_stage = {}
            for ticket, (_vals, outcome) in zip(tickets, batch, strict=True):
                if outcome in ("open_dispute", "rejected_dispute"):
                    self._demo_helpdesk_outcome(ticket, outcome)
                    continue
                stage = ticket.team_id._telecom_stage(outcome)
                if stage and ticket.stage_id != stage:
                    by_stage.setdefault(stage, tickets.browse())
                    by_stage[stage] |= ticket
            for stage, group in by_stage.items():
                # _telecom_move_to, one write per stage instead of one per ticket
                group.write({"stage_id": stage.id})
            created += len(tickets)
            self._demo_bulk_flush()
            self._demo_bulk_progress("tickets", created, len(todo), started)
        return created
