# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Outages: one master ticket per alarm-caused outage.

``telecom.alarm._telecom_open_ticket()`` (called once per root major/critical
alarm) opens the master ticket at once; a job then takes the snapshot of the
subscriptions the failure hits (``_telecom_impacted_by``, active ones), one SLA
credit line each, and in chunks opens one child ticket per affected customer and
posts the outage notice on it (an e-mail to the customer when they accept
e-mail, and a message they read in the portal). Customers' own fault tickets
about an affected service attach to the outage as children too.

When the alarm clears (or someone resolves the master ticket), the outage ends:
the credit of each affected subscription is computed from the outage duration
and its plan's SLA terms, the children are resolved with a "service restored"
notice, and the credits become credit notes through billing
(``telecom.billing.account._telecom_create_credit_note``), at once when the
company says so, else when a billing user issues them.
"""

import logging
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.queue_job.job import identity_exact
from odoo.addons.telecom_billing.tools.params import positive_int_param
from odoo.addons.telecom_crm.models.sequence import next_sequence_numbers

from .bulk_mail import BulkNotifier, render_field

_logger = logging.getLogger(__name__)

CHANNEL = "root.telecom_helpdesk"
CHUNK = 500
# billing accounts credited per transaction: beyond this, jobs (a credit note costs
# about 0.1 s: 2,000 in one button click would outlast the request)
CREDIT_CHUNK = 500
ALARM_PRIORITY = {"critical": "3", "major": "2"}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    telecom_is_outage = fields.Boolean(
        string="Outage",
        readonly=True,
        index=True,
        copy=False,
        help="The master ticket of an alarm-caused outage.",
    )
    telecom_parent_id = fields.Many2one(
        "helpdesk.ticket",
        string="Part of outage",
        index="btree_not_null",
        copy=False,
        check_company=True,
        tracking=True,
        domain="[('telecom_is_outage', '=', True), ('id', '!=', id)]",
    )
    telecom_child_ids = fields.One2many(
        "helpdesk.ticket", "telecom_parent_id", string="Customer tickets"
    )
    telecom_child_count = fields.Integer(
        string="Customer ticket count", compute="_compute_telecom_child_count", compute_sudo=True
    )
    telecom_outage_start = fields.Datetime(string="Outage start", copy=False, tracking=True)
    telecom_outage_end = fields.Datetime(string="Service restored", copy=False, tracking=True)
    telecom_outage_hours = fields.Float(
        string="Outage (h)", compute="_compute_telecom_outage_hours", digits=(16, 2)
    )
    telecom_outage_status = fields.Selection(
        [
            ("running", "Running"),
            ("restored", "Restored"),
            ("credited", "Credits issued"),
        ],
        compute="_compute_telecom_outage_status",
        compute_sudo=True,
        string="Outage status",
    )
    telecom_sla_credit_ids = fields.One2many(
        "telecom.sla.credit", "ticket_id", string="Affected subscriptions"
    )
    telecom_affected_count = fields.Integer(
        string="Affected service count",
        compute="_compute_telecom_affected_count",
        compute_sudo=True,
    )
    telecom_affected_subscription_ids = fields.Many2many(
        "telecom.subscription",
        string="Affected services",
        compute="_compute_telecom_affected_subscription_ids",
        help="The services this outage hits: all of them on the outage, the customer's "
        "on a customer ticket.",
    )
    telecom_sla_credit_total = fields.Monetary(
        string="SLA credits",
        compute="_compute_telecom_affected_count",
        compute_sudo=True,
        currency_field="telecom_company_currency_id",
    )
    telecom_company_currency_id = fields.Many2one(related="company_id.currency_id")

    def _compute_telecom_child_count(self):
        counts = dict(
            self._read_group(
                [("telecom_parent_id", "in", self.ids)], ["telecom_parent_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.telecom_child_count = counts.get(ticket, 0)

    @api.depends("telecom_outage_start", "telecom_outage_end")
    def _compute_telecom_outage_hours(self):
        now = fields.Datetime.now()
        for ticket in self:
            start = ticket.telecom_outage_start
            end = ticket.telecom_outage_end or now
            ticket.telecom_outage_hours = (
                max((end - start).total_seconds(), 0.0) / 3600.0 if start else 0.0
            )

    @api.depends("telecom_is_outage", "telecom_outage_end", "telecom_sla_credit_ids.state")
    def _compute_telecom_outage_status(self):
        for ticket in self:
            if not ticket.telecom_is_outage:
                ticket.telecom_outage_status = False
            elif not ticket.telecom_outage_end:
                ticket.telecom_outage_status = "running"
            elif ticket.telecom_sla_credit_ids.filtered(lambda c: c.state == "credited") and not (
                ticket.telecom_sla_credit_ids.filtered(
                    lambda c: c.state in ("pending", "to_credit")
                )
            ):
                ticket.telecom_outage_status = "credited"
            else:
                ticket.telecom_outage_status = "restored"

    def _compute_telecom_affected_count(self):
        Credit = self.env["telecom.sla.credit"]
        rows = Credit._read_group(
            [("ticket_id", "in", self.ids)],
            ["ticket_id"],
            ["__count", "amount:sum"],
        )
        data = {ticket: (count, amount) for ticket, count, amount in rows}
        for ticket in self:
            count, amount = data.get(ticket, (0, 0.0))
            ticket.telecom_affected_count = count
            ticket.telecom_sla_credit_total = amount

    @api.depends(
        "telecom_is_outage",
        "telecom_parent_id",
        "commercial_partner_id",
        "telecom_sla_credit_ids",
        "telecom_parent_id.telecom_sla_credit_ids",
    )
    def _compute_telecom_affected_subscription_ids(self):
        Credit = self.env["telecom.sla.credit"].sudo()
        children = self.filtered(lambda t: not t.telecom_is_outage and t.telecom_parent_id)
        # a customer's services in the outage: one read for all the tickets
        by_customer = {}
        if children:
            lines = Credit.search_fetch(
                [
                    ("ticket_id", "in", children.telecom_parent_id.ids),
                    ("partner_id", "in", children.commercial_partner_id.ids),
                ],
                ["ticket_id", "partner_id", "subscription_id"],
            )
            for line in lines:
                key = (line.ticket_id.id, line.partner_id.id)
                by_customer.setdefault(key, []).append(line.subscription_id.id)
        Subscription = self.env["telecom.subscription"]
        for ticket in self:
            if ticket.telecom_is_outage:
                subs = ticket.sudo().telecom_sla_credit_ids.subscription_id.with_env(self.env)
            elif ticket.telecom_parent_id:
                key = (ticket.telecom_parent_id.id, ticket.commercial_partner_id.id)
                subs = Subscription.browse(by_customer.get(key, []))
            else:
                subs = Subscription
            ticket.telecom_affected_subscription_ids = subs

    # -- opening -----------------------------------------------------------------
    @api.model
    def _telecom_open_for_alarm(self, alarm):
        """The master ticket of the outage ``alarm`` causes (created at once; the
        affected customers are handled by a job)."""
        existing = self.sudo().search(
            [("telecom_alarm_id", "=", alarm.id), ("telecom_is_outage", "=", True)], limit=1
        )
        if existing:
            return existing
        company = alarm.company_id
        Ticket = (
            self.sudo()
            .with_company(company)
            .with_context(mail_create_nolog=True, telecom_channel="alarm")
        )
        site = alarm.site_id or alarm.element_id.site_id
        where = alarm.element_id.name or site.display_name or ""
        description = Markup("<p>%s</p><ul><li>%s</li><li>%s</li><li>%s</li></ul>") % (
            self.env._("Raised by the network:"),
            self.env._("Alarm: %(alarm)s", alarm=alarm.name),
            self.env._(
                "Severity: %(severity)s, probable cause: %(cause)s",
                severity=alarm.max_severity or alarm.severity,
                cause=alarm.probable_cause,
            ),
            self.env._("First raised: %(when)s (UTC)", when=alarm.first_raised),
        )
        ticket = Ticket.create(
            {
                "name": self.env._(
                    "Outage: %(where)s, %(problem)s",
                    where=where,
                    problem=alarm.specific_problem or alarm.probable_cause,
                ),
                "description": description,
                "type_id": self.env["helpdesk.ticket.type"]._telecom_type("fault").id,
                "channel_id": self.env["helpdesk.ticket.channel"]._telecom_channel("alarm").id,
                "priority": ALARM_PRIORITY.get(alarm.max_severity, "2"),
                "telecom_alarm_id": alarm.id,
                "telecom_element_id": alarm.element_id.id,
                "telecom_site_id": site.id,
                "telecom_reported_date": alarm.first_raised,
                "telecom_outage_start": alarm.first_raised,
                "telecom_is_outage": True,
                "company_id": company.id,
                "user_id": False,
            }
        )
        if not ticket.team_id and company.telecom_outage_team_id:
            ticket.write({"team_id": company.telecom_outage_team_id.id, "user_id": False})
            ticket.set_sla()
        # outages of alarms this one now stands above become part of it
        below = Ticket.search(
            [
                ("telecom_is_outage", "=", True),
                ("telecom_alarm_id.root_cause_id", "=", alarm.id),
                ("telecom_parent_id", "=", False),
                ("closed", "=", False),
            ]
        )
        below.write({"telecom_parent_id": ticket.id})
        ticket.with_delay(
            channel=CHANNEL,
            identity_key=identity_exact,
            description=self.env._("Outage %(ticket)s: affected customers", ticket=ticket.number),
        )._telecom_outage_start()
        return ticket

    def _telecom_outage_start(self):
        """Job: the affected subscriptions, then the customers' tickets and notices."""
        self.ensure_one()
        master = self.sudo()
        if master.telecom_outage_end:
            return False
        alarm = master.telecom_alarm_id
        subs = alarm._telecom_impacted_subscriptions().filtered(lambda s: s.state == "active")
        Credit = self.env["telecom.sla.credit"].sudo()
        # a service already in another running outage stays there (no double credit)
        taken = Credit.search(
            [
                ("subscription_id", "in", subs.ids),
                ("state", "=", "pending"),
            ]
        ).subscription_id
        new = subs - taken
        Credit.create(
            [
                {
                    "ticket_id": master.id,
                    "subscription_id": sub.id,
                    "company_id": master.company_id.id,
                }
                for sub in new
            ]
        )
        customers = new.partner_id.commercial_partner_id
        master.message_post(
            body=Markup("<p>%s</p>")
            % self.env._(
                "%(subs)s service(s) of %(customers)s customer(s) affected; notifying them.",
                subs=len(new),
                customers=len(customers),
            ),
            subtype_xmlid="mail.mt_note",
        )
        master._telecom_enqueue_notices(customers, "start")
        return len(new)

    def _telecom_enqueue_notices(self, customers, phase):
        self.ensure_one()
        for start in range(0, len(customers), CHUNK):
            chunk = customers[start : start + CHUNK]
            self.with_delay(
                channel=CHANNEL,
                identity_key=identity_exact,
                description=self.env._(
                    "Outage %(ticket)s: notices (%(phase)s)", ticket=self.number, phase=phase
                ),
            )._telecom_outage_notify(chunk.ids, phase)

    def _telecom_outage_notify(self, partner_ids, phase):
        """Job: per affected customer of the chunk, the outage ticket and its notice
        (``start``), or its resolution and the "service restored" notice (``end``).
        Costs the same number of queries for a chunk of 10 or of 500 customers."""
        self.ensure_one()
        master = self.sudo()
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        if phase == "start":
            children = master._telecom_customer_tickets(partners)
            template = self.env.ref("telecom_helpdesk.mail_template_outage_start")
        else:
            children = master._telecom_open_children(partners)
            children._telecom_close_with_outage(master)
            template = self.env.ref("telecom_helpdesk.mail_template_outage_end")
        children._telecom_post_notice(template)
        return len(children)

    def _telecom_open_children(self, partners=None):
        """The customers' tickets of this outage still open (of ``partners`` only)."""
        self.ensure_one()
        domain = [("telecom_parent_id", "=", self.id), ("closed", "=", False)]
        if partners is not None:
            domain.append(("commercial_partner_id", "in", partners.ids))
        return self.env["helpdesk.ticket"].sudo().search(domain, order="id")

    def _telecom_customer_tickets(self, partners):
        """The child ticket of each customer (created unless one exists), in bulk."""
        self.ensure_one()
        Ticket = self.env["helpdesk.ticket"].sudo()
        existing = Ticket.search(
            [
                ("telecom_parent_id", "=", self.id),
                ("commercial_partner_id", "in", partners.ids),
                ("channel_id.telecom_code", "=", "alarm"),
            ]
        )
        missing = partners - existing.commercial_partner_id
        if not missing:
            return existing
        lines = (
            self.env["telecom.sla.credit"]
            .sudo()
            .search_fetch(
                [("ticket_id", "=", self.id), ("partner_id", "in", missing.ids)],
                ["partner_id", "subscription_id"],
                order="id",
            )
        )
        services = {}
        for line in lines:
            services.setdefault(line.partner_id.id, []).append(line.subscription_id)
        stage = self.team_id._telecom_stage("progress")
        fault = self.env["helpdesk.ticket.type"]._telecom_type("fault")
        channel = self.env["helpdesk.ticket.channel"]._telecom_channel("alarm")
        numbers = next_sequence_numbers(
            self.env, "helpdesk.ticket.sequence", len(missing), self.company_id
        )
        name = self.env._("Service interruption (%(outage)s)", outage=self.number)
        intro = self.env._("Services affected by outage %(outage)s:", outage=self.number)
        vals_list = []
        for index, partner in enumerate(missing):
            subs = services.get(partner.id, [])
            vals_list.append(
                {
                    "number": numbers[index] if index < len(numbers) else "/",
                    "name": name,
                    "description": Markup("<p>%s</p><ul>%s</ul>")
                    % (
                        intro,
                        Markup("").join(
                            Markup("<li>%s</li>") % escape(sub._telecom_service_label())
                            for sub in subs
                        ),
                    ),
                    "partner_id": partner.id,
                    "partner_name": partner.name,
                    "partner_email": partner.email,
                    "telecom_subscription_id": subs[0].id if subs else False,
                    "type_id": fault.id,
                    "channel_id": channel.id,
                    "team_id": self.team_id.id,
                    "user_id": False,
                    "stage_id": stage.id or self.stage_id.id,
                    "priority": self.priority,
                    "telecom_parent_id": self.id,
                    "telecom_reported_date": self.telecom_outage_start,
                    "telecom_alarm_id": self.telecom_alarm_id.id,
                    "company_id": self.company_id.id,
                }
            )
        created = (
            Ticket.with_company(self.company_id)
            .with_context(
                telecom_no_routing=True,
                tracking_disable=True,
                mail_create_nolog=True,
                mail_create_nosubscribe=True,
            )
            .create(vals_list)
        )
        return existing | created

    def _telecom_post_notice(self, template):
        """Post the rendered template on each ticket, as a message to its customer:
        e-mailed when the customer accepts e-mail, always shown in the portal. In bulk
        (``BulkNotifier``): the mail queue sends the e-mails."""
        if not self:
            return
        # new tickets hold an empty value in cache: compute it now
        self.invalidate_recordset(["telecom_affected_subscription_ids"])
        bodies = render_field(template, "body_html", self.ids)
        subjects = render_field(template, "subject", self.ids)
        recipients = {
            ticket.id: ticket.partner_id.ids
            for ticket in self
            if ticket.partner_id.email and ticket.partner_id.telecom_contact_by_email
        }
        BulkNotifier(self, "mail.mail_notification_light").post(bodies, subjects, recipients)

    def _telecom_close_with_outage(self, master):
        """Resolve the tickets (one write per team: its resolved stage)."""
        by_team = defaultdict(lambda: self.browse())
        for ticket in self:
            by_team[ticket.team_id] |= ticket
        for team, tickets in by_team.items():
            stage = team._telecom_stage("resolved")
            if stage:
                # no stage template mail: the "service restored" notice says it
                tickets.with_context(tracking_disable=True).write({"stage_id": stage.id})

    # -- customers' own tickets --------------------------------------------------
    def _telecom_after_create(self):
        res = super()._telecom_after_create()
        faults = self.filtered(
            lambda t: (
                t.telecom_kind == "fault"
                and not t.telecom_parent_id
                and not t.telecom_is_outage
                and t.commercial_partner_id
                and not t.closed
            )
        )
        if not faults:
            return res
        running = (
            self.env["telecom.sla.credit"]
            .sudo()
            .search(
                [
                    ("state", "=", "pending"),
                    ("partner_id", "in", faults.commercial_partner_id.ids),
                ]
            )
        )
        for ticket in faults:
            line = running.filtered(
                lambda c, t=ticket: (
                    c.partner_id == t.commercial_partner_id
                    and (
                        not t.telecom_subscription_id
                        or c.subscription_id == t.telecom_subscription_id
                    )
                )
            )[:1]
            if line:
                ticket._telecom_attach_to_outage(line.ticket_id)
        return res

    def _telecom_attach_to_outage(self, master):
        self.ensure_one()
        self.sudo().write({"telecom_parent_id": master.id})
        self.sudo().set_sla()
        self.sudo()._telecom_post_notice(
            self.env.ref("telecom_helpdesk.mail_template_outage_start")
        )

    # -- the end -----------------------------------------------------------------
    def _telecom_after_stage(self, stage, was_open):
        res = super()._telecom_after_stage(stage, was_open)
        closing = (self & was_open).filtered(lambda t: t.closed and t.telecom_is_outage)
        if closing:
            closing._telecom_outage_close()
        return res

    def _telecom_outage_close(self, end=None):
        """The outage is over: its end is set now, the rest is a job (credits,
        customers' tickets, notices) so that an alarm clear stays fast."""
        for master in self.sudo():
            if not master.telecom_outage_end:
                master.telecom_outage_end = end or fields.Datetime.now()
            master.with_delay(
                channel=CHANNEL,
                identity_key=identity_exact,
                description=self.env._("Outage %(ticket)s: restored", ticket=master.number),
            )._telecom_outage_finish()

    def _telecom_outage_finish(self):
        """Job: the SLA credits, the resolution of the customers' tickets with their
        notices; credit notes when the company issues them automatically, else a
        to-do for the team leader."""
        self.ensure_one()
        master = self.sudo()
        master.telecom_sla_credit_ids.filtered(lambda c: c.state == "pending")._telecom_compute()
        children = master._telecom_open_children()
        customers = children.commercial_partner_id
        master._telecom_enqueue_notices(customers, "end")
        # children without a customer follow at once
        # (an outage below this one follows its own alarm)
        children.filtered(
            lambda t: not t.commercial_partner_id and not t.telecom_is_outage
        )._telecom_close_with_outage(master)
        to_credit = master.telecom_sla_credit_ids.filtered(lambda c: c.state == "to_credit")
        if to_credit and master.company_id.telecom_sla_credit_auto:
            # the company's policy, set by a manager, issues them: no user decides
            accounts = to_credit.billing_account_id
            if len(accounts) > master._telecom_credit_chunk():
                master._telecom_enqueue_sla_credits(accounts, auto=True)
            else:
                master._telecom_issue_sla_credits()
        elif to_credit:
            master._telecom_schedule_activity(
                master.team_id.user_id or master.user_id,
                self.env._("Issue the SLA credits of outage %(ticket)s", ticket=master.number),
                fields.Datetime.now(),
            )
        return len(customers)

    # -- credits -----------------------------------------------------------------
    def action_issue_sla_credits(self):
        self.ensure_one()
        if not self.env.user.has_group("telecom_crm.group_telecom_billing"):
            raise AccessError(self.env._("Only billing users issue SLA credits."))
        if not self.telecom_outage_end:
            raise UserError(self.env._("The outage is still running."))
        accounts = self._telecom_sla_credit_accounts()
        chunk = self._telecom_credit_chunk()
        if len(accounts) > chunk:
            jobs = self._telecom_enqueue_sla_credits(accounts)
            message = self.env._(
                "%(count)s credit notes are being issued in %(jobs)s jobs.",
                count=len(accounts),
                jobs=jobs,
            )
        else:
            credited = self._telecom_issue_sla_credits()
            message = self.env._("%(count)s credit note(s) issued.", count=len(credited))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _telecom_credit_chunk(self):
        """Billing accounts credited per transaction (system parameter
        ``telecom_helpdesk.sla_credit_chunk``, default 100)."""
        return positive_int_param(self.env, "telecom_helpdesk.sla_credit_chunk", CREDIT_CHUNK)

    def _telecom_sla_credit_accounts(self):
        self.ensure_one()
        return self.telecom_sla_credit_ids.filtered(
            lambda c: c.state == "to_credit"
        ).billing_account_id

    def _telecom_enqueue_sla_credits(self, accounts, auto=False):
        """One job per chunk of billing accounts; returns the number of jobs.
        ``auto``: the company's policy issues them (the jobs then act as superuser,
        like the finish job that queued them)."""
        self.ensure_one()
        chunk = self._telecom_credit_chunk()
        jobs = 0
        for start in range(0, len(accounts), chunk):
            part = accounts[start : start + chunk]
            self.with_delay(
                channel=CHANNEL,
                identity_key=identity_exact,
                description=self.env._(
                    "Outage %(ticket)s: credit notes (%(count)s accounts)",
                    ticket=self.number,
                    count=len(part),
                ),
            )._telecom_issue_sla_credits_job(part.ids, auto=auto)
            jobs += 1
        return jobs

    def _telecom_issue_sla_credits_job(self, account_ids, auto=False):
        """Job: the credit notes of a chunk of billing accounts."""
        self.ensure_one()
        outage = self.sudo() if auto and self.company_id.telecom_sla_credit_auto else self
        return len(outage._telecom_issue_sla_credits(account_ids))

    def _telecom_issue_sla_credits(self, account_ids=None):
        """Turn the computed credits into credit notes: one per billing account, one
        line per subscription (of ``account_ids`` only when given: a job's chunk), in
        bulk through billing's invoice writer (``_telecom_create_credit_notes``).

        Exactly once: the credits are locked first (a credit another transaction is
        issuing is left to it), and marked credited with their credit note in the
        same transaction. A failing account is reported (its credits keep the error,
        the outage gets one note listing the failures) and the others go on.
        Returns the credit notes."""
        self.ensure_one()
        Credit = self.env["telecom.sla.credit"]
        lines = Credit.browse(self._telecom_claim_credits(account_ids))
        if not lines:
            return self.env["account.move"]
        reason = self.env.ref("telecom_crm.telecom_reason_code_credit_outage")
        lines.fetch(["billing_account_id", "subscription_id", "amount", "downtime_hours", "note"])
        lines.subscription_id.fetch(["name"])
        by_account = defaultdict(list)
        for line in lines:
            by_account[line.billing_account_id].append(line.id)
        accounts = list(by_account)
        requests = [
            {
                "account": account,
                "lines": [
                    line._telecom_credit_note_line()
                    for line in lines.browse(by_account[account]).with_prefetch(lines._prefetch_ids)
                ],
                "reason": reason,
                "origin": self,
            }
            for account in accounts
        ]
        # the outage lists them (below): no note in each account's chatter
        moves, errors = self.env["telecom.billing.account"]._telecom_create_credit_notes(
            requests, log=False
        )
        credited, failed = [], []
        for index, account in enumerate(accounts):
            if index in errors:
                failed.append((account, by_account[account], errors[index]))
            else:
                credited.append((moves[index], by_account[account]))
        self._telecom_mark_credited(credited)
        if failed:
            self._telecom_report_failed_credits(failed)
        issued = self.env["account.move"].browse([move.id for move, _ids in credited])
        if issued:
            self._telecom_link_credit_notes(issued)
            self._message_log(
                body=Markup("<p>%s</p>")
                % self.env._(
                    "SLA credits issued: %(count)s credit note(s), %(first)s to %(last)s.",
                    count=len(issued),
                    first=issued[:1].name,
                    last=issued[-1:].name,
                ),
            )
        return issued

    def _telecom_link_credit_notes(self, moves):
        """The outage keeps its credit notes. Jobs issuing chunks of them run side by
        side: the links are inserted without writing the outage's row (which would make
        concurrent jobs fail on each other) - raw SQL on the relation, hot path."""
        self.ensure_one()
        # the caller's write access on the outage, as for any outcome it writes
        self.check_access("write")
        field = self._fields["telecom_credit_note_ids"]
        self.env.cr.execute(
            SQL(
                """INSERT INTO %s (%s, %s) SELECT %s, unnest(%s::int[])
                   ON CONFLICT DO NOTHING""",
                SQL.identifier(field.relation),
                SQL.identifier(field.column1),
                SQL.identifier(field.column2),
                self.id,
                moves.ids,
            )
        )
        self.invalidate_recordset(["telecom_credit_note_ids"])

    def _telecom_claim_credits(self, account_ids=None):
        """Ids of this outage's credits to issue, locked for this transaction; those
        another transaction holds (issuing them now) are skipped."""
        self.ensure_one()
        self.env["telecom.sla.credit"].flush_model()
        clauses = [SQL("ticket_id = %s", self.id), SQL("state = 'to_credit'")]
        if account_ids is not None:
            clauses.append(SQL("billing_account_id = ANY(%s)", list(account_ids)))
        self.env.cr.execute(
            SQL(
                "SELECT id FROM telecom_sla_credit WHERE %s ORDER BY id FOR UPDATE SKIP LOCKED",
                SQL(" AND ").join(clauses),
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _telecom_mark_credited(self, credited):
        """[(credit note, credit ids)] -> credited, with their credit note (one
        statement; a credit that changed meanwhile undoes the whole transaction)."""
        if not credited:
            return
        ids = [credit_id for _move, ids in credited for credit_id in ids]
        moves = [move.id for move, ids in credited for _credit_id in ids]
        # raw SQL: thousands of credits of an outage in one statement (hot path)
        self.env.cr.execute(
            SQL(
                """UPDATE telecom_sla_credit c
                      SET state = 'credited', credit_note_id = d.move, error = NULL,
                          write_uid = %s, write_date = now() at time zone 'UTC'
                     FROM unnest(%s::int[], %s::int[]) AS d(id, move)
                    WHERE c.id = d.id AND c.state = 'to_credit'""",
                self.env.uid,
                ids,
                moves,
            )
        )
        if self.env.cr.rowcount != len(ids):
            raise UserError(self.env._("Some SLA credits changed while they were issued; retry."))
        fnames = ["state", "credit_note_id", "error"]
        Credit = self.env["telecom.sla.credit"]
        Credit.invalidate_model(fnames)
        Credit.browse(ids).modified(fnames)  # the outage's status and totals follow

    def _telecom_report_failed_credits(self, failed):
        """[(account, credit ids, error)]: the error on the credits, one note on the
        outage listing the accounts (what failed, to fix and issue again)."""
        Credit = self.env["telecom.sla.credit"]
        for _account, ids, error in failed:
            Credit.browse(ids).write({"error": error})
        items = Markup("").join(
            Markup("<li>%s: %s</li>") % (account.display_name, error)
            for account, _ids, error in failed
        )
        self._message_log(
            body=Markup("<p>%s</p><ul>%s</ul>")
            % (
                self.env._("No credit note for %(count)s billing account(s):", count=len(failed)),
                items,
            ),
        )

    # -- views -------------------------------------------------------------------
    def action_view_telecom_children(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "helpdesk_mgmt.helpdesk_ticket_action"
        )
        action["domain"] = [("telecom_parent_id", "=", self.id)]
        action["context"] = {"create": False}
        action["name"] = self.env._("Tickets of %(ticket)s", ticket=self.number)
        return action

    def action_view_telecom_sla_credits(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_helpdesk.telecom_sla_credit_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {"create": False}
        return action
