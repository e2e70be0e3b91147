# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Telecom trouble tickets: OCA ``helpdesk.ticket`` with the telecom links.

A ticket has a telecom category (its ``helpdesk_type`` type: fault, billing
dispute, order problem, service request, complaint), a channel, the time the
customer reported the problem (the SLA clock starts there), and links to the
customer, subscription, billing account, network element, alarm, invoice and
orders. Tickets opened without a team are routed by the assignment rules
(category and region). Outages are in ``helpdesk_ticket_outage.py``, disputes in
``helpdesk_ticket_dispute.py``.
"""

import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

_logger = logging.getLogger(__name__)

# open while no customer is set, else the customer's records
CUSTOMER_DOMAIN = (
    "commercial_partner_id and [('partner_id', 'child_of', commercial_partner_id)] or []"
)
SLA_STATUSES = [
    ("none", "No SLA"),
    ("on_track", "On track"),
    ("at_risk", "At risk"),
    ("paused", "Paused"),
    ("breached", "Breached"),
    ("met", "Met"),
]


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"
    _check_company_auto = True

    telecom_kind = fields.Selection(
        string="Telecom category",
        related="type_id.telecom_kind",
        store=True,
        index=True,
    )
    telecom_channel_code = fields.Selection(related="channel_id.telecom_code", string="Via")
    telecom_reported_date = fields.Datetime(
        string="Reported on",
        default=fields.Datetime.now,
        required=True,
        index=True,
        tracking=True,
        help="When the customer (or the network) reported the problem: SLA deadlines "
        "count from here.",
    )
    telecom_external_ref = fields.Char(
        string="External reference", index="btree_not_null", copy=False
    )
    telecom_segment_id = fields.Many2one(
        related="commercial_partner_id.telecom_segment_id",
        string="Customer segment",
        store=True,
        index="btree_not_null",
    )
    telecom_subscription_id = fields.Many2one(
        "telecom.subscription",
        string="Subscription",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain=CUSTOMER_DOMAIN,
    )
    telecom_billing_account_id = fields.Many2one(
        "telecom.billing.account",
        string="Billing account",
        compute="_compute_telecom_billing_account_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
        domain=CUSTOMER_DOMAIN,
    )
    telecom_element_id = fields.Many2one(
        "telecom.network.element",
        string="Network element",
        index="btree_not_null",
        check_company=True,
        tracking=True,
    )
    telecom_site_id = fields.Many2one(
        "telecom.site", string="Site", index="btree_not_null", check_company=True
    )
    telecom_alarm_id = fields.Many2one(
        "telecom.alarm", string="Alarm", index="btree_not_null", check_company=True, readonly=True
    )
    telecom_invoice_id = fields.Many2one(
        "account.move",
        string="Invoice",
        index="btree_not_null",
        check_company=True,
        tracking=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]"
        " + (commercial_partner_id and [('commercial_partner_id', '=', commercial_partner_id)]"
        " or [])",
    )
    telecom_service_order_id = fields.Many2one(
        "telecom.service.order",
        string="Service order",
        index="btree_not_null",
        check_company=True,
    )
    telecom_provisioning_order_id = fields.Many2one(
        "telecom.provisioning.order",
        string="Provisioning order",
        index="btree_not_null",
        check_company=True,
    )
    telecom_sla_status = fields.Selection(
        SLA_STATUSES,
        string="SLA status",
        compute="_compute_telecom_sla_status",
        store=True,
        index=True,
        help="Updated when the ticket changes stage and by the SLA check every few minutes.",
    )
    telecom_resolution_hours = fields.Float(
        string="Time to resolve (h)",
        compute="_compute_telecom_resolution_hours",
        store=True,
        aggregator="avg",
        help="Hours from the report to the closing (wall clock): averaged, the MTTR.",
    )

    @api.depends("telecom_subscription_id")
    def _compute_telecom_billing_account_id(self):
        for ticket in self:
            account = ticket.telecom_subscription_id.billing_account_id
            ticket.telecom_billing_account_id = account or ticket.telecom_billing_account_id

    @api.depends(
        "ticket_sla_ids.state",
        "ticket_sla_ids.telecom_warned",
        "ticket_sla_ids.telecom_escalated",
    )
    def _compute_telecom_sla_status(self):
        for ticket in self:
            slas = ticket.ticket_sla_ids
            states = set(slas.mapped("state"))
            if not slas:
                status = "none"
            elif "expired" in states or any(slas.mapped("telecom_escalated")):
                status = "breached"
            elif states == {"accomplished"}:
                status = "met"
            elif "in_progress" not in states:
                status = "paused"
            elif any(s.telecom_warned for s in slas if s.state == "in_progress"):
                status = "at_risk"
            else:
                status = "on_track"
            ticket.telecom_sla_status = status

    @api.depends("closed_date", "telecom_reported_date", "stage_id.closed")
    def _compute_telecom_resolution_hours(self):
        for ticket in self:
            if ticket.stage_id.closed and ticket.closed_date and ticket.telecom_reported_date:
                delta = ticket.closed_date - ticket.telecom_reported_date
                ticket.telecom_resolution_hours = max(delta.total_seconds(), 0.0) / 3600.0
            else:
                ticket.telecom_resolution_hours = 0.0

    # -- constraints and onchanges ---------------------------------------------
    @api.constrains(
        "telecom_subscription_id",
        "telecom_billing_account_id",
        "telecom_service_order_id",
        "telecom_provisioning_order_id",
        "partner_id",
    )
    def _check_telecom_customer(self):
        """A ticket links records of its own customer only (and needs a customer for
        them): nobody files another customer's service under a ticket."""
        for ticket in self.sudo():
            customer = ticket.commercial_partner_id
            linked = (
                (ticket.telecom_subscription_id, ticket.telecom_subscription_id.partner_id),
                (ticket.telecom_billing_account_id, ticket.telecom_billing_account_id.partner_id),
                (
                    ticket.telecom_service_order_id,
                    ticket.telecom_service_order_id.subscription_id.partner_id,
                ),
                (
                    ticket.telecom_provisioning_order_id,
                    ticket.telecom_provisioning_order_id.partner_id,
                ),
            )
            for record, owner in linked:
                if record and owner and owner.commercial_partner_id != customer:
                    raise ValidationError(
                        self.env._(
                            "%(ticket)s: %(record)s is not a service of %(customer)s.",
                            ticket=ticket.display_name,
                            record=record.display_name,
                            customer=customer.display_name or self.env._("(no customer)"),
                        )
                    )

    @api.constrains("telecom_invoice_id", "partner_id")
    def _check_telecom_invoice(self):
        for ticket in self.sudo():
            invoice = ticket.telecom_invoice_id
            if not invoice:
                continue
            if (
                invoice.move_type != "out_invoice"
                or invoice.commercial_partner_id != ticket.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "%(ticket)s: %(invoice)s is not an invoice of the customer.",
                        ticket=ticket.display_name,
                        invoice=invoice.display_name,
                    )
                )

    @api.onchange("telecom_subscription_id")
    def _onchange_telecom_subscription_id(self):
        if self.telecom_subscription_id and not self.partner_id:
            self.partner_id = self.telecom_subscription_id.partner_id
            self._onchange_partner_id()

    # -- CRUD ------------------------------------------------------------------
    @api.model
    def default_get(self, fields_list):
        # the defaults of a new ticket, for whoever may see tickets (portal included)
        self.check_access("read")
        defaults = super().default_get(fields_list)
        if "channel_id" in fields_list and not defaults.get("channel_id"):
            code = self.env.context.get("telecom_channel") or (
                "portal" if self.env.user.share else "back_office"
            )
            channel = self.env["helpdesk.ticket.channel"]._telecom_channel(code)
            if channel:
                defaults["channel_id"] = channel.id
        return defaults

    @api.model_create_multi
    def create(self, vals_list):
        Subscription = self.env["telecom.subscription"]
        routed = []
        for index, vals in enumerate(vals_list):
            if vals.get("telecom_subscription_id") and not vals.get("partner_id"):
                sub = Subscription.browse(vals["telecom_subscription_id"])
                vals["partner_id"] = sub.partner_id.id
                vals.setdefault("partner_name", sub.partner_id.name)
                vals.setdefault("partner_email", sub.partner_id.email)
            if not vals.get("team_id") and not self.env.context.get("telecom_no_routing"):
                routed.append(index)
        tickets = super().create(vals_list)
        to_route = self.browse([tickets[i].id for i in routed])
        if to_route:
            to_route._telecom_route()
        tickets._telecom_after_create()
        return tickets

    def _telecom_after_create(self):
        """Hook run on new tickets (outages attach customers' fault tickets)."""
        return True

    def write(self, vals):
        stage = None
        if vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            self._telecom_before_stage(stage)
        was_open = self.filtered(lambda t: not t.closed)
        res = super().write(vals)
        if stage is not None:
            self._telecom_after_stage(stage, was_open)
        return res

    def _telecom_before_stage(self, stage):
        """Hook: refuse a stage change (disputes cannot be resolved unanswered)."""
        return True

    def _telecom_after_stage(self, stage, was_open):
        """Hook: react to a stage change (outages close their children...)."""
        return True

    @api.model
    def message_new(self, msg, custom_values=None):
        self.check_access("create")
        custom_values = dict(custom_values or {})
        if not custom_values.get("channel_id"):
            channel = self.env["helpdesk.ticket.channel"]._telecom_channel("email")
            if channel:
                custom_values["channel_id"] = channel.id
        return super().message_new(msg, custom_values=custom_values)

    # -- SLA policies ----------------------------------------------------------
    def _get_sla_ticket_domain(self):
        domain = super()._get_sla_ticket_domain()
        if self.type_id:
            domain += [
                "|",
                ("telecom_type_ids", "=", False),
                ("telecom_type_ids", "in", self.type_id.ids),
            ]
        else:
            domain += [("telecom_type_ids", "=", False)]
        domain += [
            "|",
            ("telecom_priority", "=", False),
            ("telecom_priority", "=", self.priority or "0"),
        ]
        segment = self.telecom_segment_id
        if segment:
            domain += [
                "|",
                ("telecom_segment_ids", "=", False),
                ("telecom_segment_ids", "in", segment.ids),
            ]
        else:
            domain += [("telecom_segment_ids", "=", False)]
        domain += [("company_id", "in", [False, self.company_id.id])]
        return domain

    def _get_sla(self):
        """OCA's matching policies; of a kind (response, resolution) only the most
        specific ones. Tickets attached to an outage follow the outage's SLA."""
        if self.telecom_parent_id:
            return self.env["helpdesk.sla"]
        slas = super()._get_sla()
        result = slas.filtered(lambda s: not s.telecom_sla_kind)
        for kind in ("response", "resolution"):
            of_kind = slas.filtered(lambda s, k=kind: s.telecom_sla_kind == k)
            if of_kind:
                best = max(sla._telecom_specificity() for sla in of_kind)
                result |= of_kind.filtered(lambda s, b=best: s._telecom_specificity() == b)
        return result

    # -- routing ---------------------------------------------------------------
    def _telecom_location(self):
        """(country, state, zip) of the problem: the site of the element, else the
        installation address of the subscription, else the customer's address."""
        self.ensure_one()
        site = self.telecom_site_id or self.telecom_element_id.site_id
        if site:
            return site.country_id, site.state_id, site.zip or ""
        sub = self.telecom_subscription_id
        place = sub.installation_partner_id or sub.partner_id or self.partner_id
        return place.country_id, place.state_id, place.zip or ""

    def _telecom_route(self):
        """Apply the first matching assignment rule to each ticket."""
        Rule = self.env["telecom.helpdesk.assignment.rule"].sudo()
        for ticket in self:
            rules = Rule.search([("company_id", "in", [False, ticket.company_id.id])])
            location = ticket._telecom_location()
            rule = next((r for r in rules if r._telecom_matches(ticket, location)), None)
            if not rule:
                continue
            # the team's stages follow (OCA recomputes the stage from the team)
            vals = {"team_id": rule.team_id.id}
            user = rule._telecom_pick_user()
            if user:
                vals["user_id"] = user.id
            ticket.with_context(tracking_disable=True).write(vals)
            ticket.set_sla()

    # -- helpers ---------------------------------------------------------------
    def _telecom_move_to(self, kind):
        """Move each ticket to its team's first stage of ``kind`` (if it has one)."""
        for ticket in self:
            stage = ticket.team_id._telecom_stage(kind)
            if stage and ticket.stage_id != stage:
                ticket.stage_id = stage
        return True

    def _telecom_move_to_progress(self):
        """Someone works on it: tickets still new move to their team's progress stage."""
        self.filtered(lambda t: t.stage_id.telecom_stage_kind == "new")._telecom_move_to("progress")
        return True

    def _telecom_schedule_activity(self, user, summary, when, note=None):
        """A to-do for ``user`` on the ticket, due on ``when`` (a datetime); nothing
        when the user may not read the ticket."""
        self.ensure_one()
        if not user:
            return self.env["mail.activity"]
        day = fields.Date.context_today(self.with_context(tz=user.tz or "UTC"), timestamp=when)
        try:
            with self.env.cr.savepoint():
                return self.activity_schedule(
                    "mail.mail_activity_data_todo",
                    date_deadline=day,
                    summary=summary,
                    note=note or "",
                    user_id=user.id,
                )
        except (AccessError, UserError) as exc:
            _logger.info("no activity for %s on %s: %s", user.login, self.display_name, exc)
            return self.env["mail.activity"]
