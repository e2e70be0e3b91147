# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo tickets: every category, channel and state, and one outage with credits."""

from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError

DEMO_TICKET_PREFIX = "DEMO-T-"
DEMO_OUTAGE_CAUSE = "demoFibreCut"
# SLA terms of the demo plans: (availability %, credit % per hour, cap %)
DEMO_SLA_TERMS = {
    "DEMO-FTTH-300": (99.5, 2.0, 25.0),
    "DEMO-FTTH-1000": (99.5, 3.0, 30.0),
    "DEMO-FTTH-2500": (99.9, 5.0, 50.0),
    "DEMO-SIP-4": (99.9, 5.0, 50.0),
    "DEMO-SIP-10": (99.9, 5.0, 50.0),
    "DEMO-SIP-30": (99.95, 10.0, 100.0),
    "DEMO-MOB-BIZ": (99.5, 2.0, 20.0),
}
# (category, title, channel, stage kind)
DEMO_TICKETS = [
    ("fault", "No internet since this morning", "phone", "new"),
    ("fault", "Slow speed in the evening", "portal", "progress"),
    ("fault", "Calls drop after a minute", "email", "waiting"),
    ("service_request", "Please change my Wi-Fi channel", "portal", "resolved"),
    ("service_request", "Send a new SIM card", "phone", "progress"),
    ("complaint", "Technician did not come", "email", "new"),
    ("complaint", "Rude answer on the phone", "phone", "resolved"),
    ("order", "Number porting delayed", "back_office", "progress"),
    ("order", "Router not delivered", "rpc", "waiting"),
    ("dispute", "Roaming charges I did not make", "portal", "open_dispute"),
    ("dispute", "Charged twice for the router", "email", "rejected_dispute"),
]


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_steps(self):
        return super()._demo_steps() + [
            "_demo_helpdesk_terms",
            "_demo_helpdesk_tickets",
            "_demo_helpdesk_outage",
        ]

    @api.model
    def _demo_helpdesk_terms(self, rng, params):
        """SLA terms on the business and fibre plans."""
        done = 0
        for code, (target, percent, cap) in DEMO_SLA_TERMS.items():
            product = self.env["product.product"].search([("default_code", "=", code)], limit=1)
            tmpl = product.product_tmpl_id
            if tmpl and not tmpl.telecom_sla_credit_percent:
                tmpl.write(
                    {
                        "telecom_sla_availability": target,
                        "telecom_sla_credit_percent": percent,
                        "telecom_sla_credit_cap": cap,
                    }
                )
                done += 1
        return done

    @api.model
    def _demo_helpdesk_tickets(self, rng, params):
        """Tickets in every category and state: volume follows the customers."""
        wanted = max(len(DEMO_TICKETS), params["customers"] // 5)
        Ticket = self.env["helpdesk.ticket"].with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        existing = set(
            Ticket.with_context(active_test=False)
            .search([("telecom_external_ref", "=like", f"{DEMO_TICKET_PREFIX}%")])
            .mapped("telecom_external_ref")
        )
        subs = self.env["telecom.subscription"].search(
            [("ref", "=like", "DEMO-%"), ("state", "=", "active")], order="ref"
        )
        if not subs:
            return 0
        now = fields.Datetime.now()
        created = 0
        for ref, (
            kind,
            title,
            channel,
            outcome,
        ), sub_index, hours_ago, priority in self._demo_ticket_draws(rng, wanted, len(subs)):
            sub = subs[sub_index]
            if ref in existing:
                continue
            ticket = Ticket.with_context(telecom_channel=channel).create(
                {
                    "name": title,
                    "description": Markup("<p>%s</p>") % title,
                    "type_id": self.env["helpdesk.ticket.type"]._telecom_type(kind).id,
                    "channel_id": self.env["helpdesk.ticket.channel"]._telecom_channel(channel).id,
                    "telecom_subscription_id": sub.id,
                    "telecom_reported_date": now - timedelta(hours=hours_ago),
                    "telecom_external_ref": ref,
                    "priority": priority,
                    "user_id": False,
                }
            )
            self._demo_helpdesk_outcome(ticket, outcome)
            created += 1
        return created

    @api.model
    def _demo_ticket_draws(self, rng, wanted, sub_count):
        """(ref, DEMO_TICKETS row, subscription index, hours ago, priority) of each
        demo ticket, drawn in order: both paths create the same tickets for a seed."""
        for index in range(1, wanted + 1):
            row = DEMO_TICKETS[(index - 1) % len(DEMO_TICKETS)]
            sub_index = rng.randrange(sub_count)
            hours_ago = rng.randint(1, 24 * 20)
            priority = str(rng.choice((0, 1, 1, 1, 2, 3)))
            yield f"{DEMO_TICKET_PREFIX}{index:05d}", row, sub_index, hours_ago, priority

    @api.model
    def _demo_helpdesk_outcome(self, ticket, outcome):
        if outcome == "open_dispute":
            self._demo_helpdesk_disputed_usage(ticket)
            return
        if outcome == "rejected_dispute":
            ticket._telecom_dispute_reject(self.env._("The router was charged once."))
            return
        ticket._telecom_move_to(outcome)

    @api.model
    def _demo_helpdesk_disputed_usage(self, ticket):
        """The open demo dispute contests the subscription's latest billed usage record,
        else its latest bill-run invoice line (when billing's demo step invoiced it);
        half of it to credit."""
        sub = ticket.telecom_subscription_id
        account = ticket.telecom_billing_account_id
        usage = self.env["telecom.usage.record"].search(
            [("subscription_id", "=", sub.id), ("state", "=", "billed")],
            order="start_time desc, id desc",
            limit=1,
        )
        if usage and usage.billing_account_id == account:
            values = {"usage_record_ids": [Command.set(usage.ids)]}
        else:
            item = self.env["account.move.line"].search(
                [
                    ("move_id.telecom_billing_account_id", "=", account.id),
                    ("move_id.move_type", "=", "out_invoice"),
                    ("move_id.state", "=", "posted"),
                    ("display_type", "=", "product"),
                    ("telecom_subscription_id", "=", sub.id),
                    ("price_subtotal", ">", 0),
                ],
                order="id desc",
                limit=1,
            )
            if not item:
                return False
            values = {"invoice_line_id": item.id}
        try:
            with self.env.cr.savepoint():
                line = self.env["telecom.dispute.line"].create({"ticket_id": ticket.id, **values})
                line.credit_amount = line.currency_id.round(line.disputed_amount / 2)
        except ValidationError:
            return False  # already disputed by another demo ticket
        return True

    @api.model
    def _demo_helpdesk_outage(self, rng, params):
        """One fibre cut: a major alarm on the busiest OLT five hours ago, cleared an
        hour ago; the affected customers got their notices and credits are computed."""
        Alarm = self.env["telecom.alarm"]
        if Alarm.search_count([("probable_cause", "=", DEMO_OUTAGE_CAUSE)]):
            return 0
        subs = self.env["telecom.subscription"].search(
            [
                ("ref", "=like", "DEMO-%"),
                ("state", "=", "active"),
                ("telecom_access_element_id.element_type", "=", "olt"),
            ]
        )
        if not subs:
            return 0
        counts = {}
        for sub in subs:
            counts[sub.telecom_access_element_id] = counts.get(sub.telecom_access_element_id, 0) + 1
        olt = max(counts, key=lambda element: (counts[element], -element.id))
        now = fields.Datetime.now().replace(microsecond=0)
        event = {
            "element": olt.name,
            "severity": "major",
            "probable_cause": DEMO_OUTAGE_CAUSE,
            "specific_problem": "Feeder fibre cut",
            "event_type": "communications",
        }
        Alarm = Alarm.with_context(queue_job__no_delay=True)
        raised = Alarm._telecom_receive(
            [dict(event, time=(now - timedelta(hours=5)).isoformat() + "Z")]
        )
        Alarm._telecom_receive(
            [dict(event, severity="cleared", time=(now - timedelta(hours=1)).isoformat() + "Z")]
        )
        ticket = Alarm.browse(raised[0]["alarm_id"]).ticket_ids.filtered("telecom_is_outage")
        return ticket.telecom_affected_count
