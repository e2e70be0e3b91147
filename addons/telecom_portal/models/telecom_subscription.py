# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the portal asks of a subscription.

The portal routes check that the logged-in user may act on the subscription,
then call these methods on the subscription **as the system** (``sudo``): portal
users have no write access to orders, service orders or tickets. Each request
creates what the back office would create for it:

- plan change, add-on, temporary suspension, resumption: a telecom sales order
  (``sale.order`` with ``telecom_order_kind``), confirmed at once, so CRM's
  checks run and a service order is submitted (provisioned by telecom_oss);
- SIM replacement, number port-in: a helpdesk ticket the back office works.

The customer follows the order (and its service order) or the ticket in the
portal.
"""

import logging
from datetime import timedelta

import pytz
from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.telecom_billing.models.telecom_usage_record import human_quantity
from odoo.addons.telecom_billing.rating.periods import period_end, previous_period_start
from odoo.addons.telecom_crm.models.identifiers import E164

_logger = logging.getLogger(__name__)

#: a service in service: the customer uses it (and may be hit by an outage)
LIVE_STATES = ("active", "suspended")

SIM_REASONS = [
    ("lost", "Lost"),
    ("stolen", "Stolen"),
    ("damaged", "Damaged or not working"),
    ("esim", "Switch to an eSIM"),
    ("size", "Other SIM size"),
]


class TelecomSubscription(models.Model):
    _inherit = "telecom.subscription"

    telecom_resume_date = fields.Date(
        string="Scheduled Resumption",
        copy=False,
        tracking=True,
        help="A temporary suspension asked for in the portal ends on this day: the service "
        "resumes automatically (daily job).",
    )

    # -- what the portal offers ----------------------------------------------
    def _telecom_portal_plan_options(self):
        """Plans (and bundles) this service may move to: same technology, for sale."""
        self.ensure_one()
        current = self.plan_id
        tech = current.telecom_technology
        products = self.env["product.product"].search(
            [
                ("telecom_kind", "in", ("plan", "bundle")),
                ("sale_ok", "=", True),
                ("company_id", "in", (False, self.company_id.id)),
            ],
            order="default_code, name, id",
        )
        return products.filtered(
            lambda p: (
                p != current
                and (not tech or self._telecom_plan_of(p).telecom_technology in (False, tech))
            )
        )

    def _telecom_portal_addon_options(self):
        """Add-ons this service may take today (not the ones it already has)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        tech = self.plan_id.telecom_technology
        held = self.line_ids.filtered(lambda line: line._telecom_covers(today)).product_id
        products = self.env["product.product"].search(
            [
                ("telecom_kind", "=", "addon"),
                ("sale_ok", "=", True),
                ("company_id", "in", (False, self.company_id.id)),
            ],
            order="default_code, name, id",
        )
        return products.filtered(lambda p: p not in held and p.telecom_technology in (False, tech))

    def _telecom_portal_change_dates(self):
        """[(key, label, date)]: when a plan change may take effect."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        line = self._telecom_plan_line_at(today)
        first = today
        if line and line.date_start >= today:
            first = line.date_start + timedelta(days=1)
        day = self.billing_account_id.billing_day or 1
        cycle = today.replace(day=day)
        if cycle <= today:
            cycle += relativedelta(months=1)
        cycle = max(cycle, first)
        options = [("now", self.env._("As soon as possible"), first)]
        if cycle != first:
            options.append(("cycle", self.env._("Start of the next billing period"), cycle))
        return options

    def _telecom_portal_actions(self):
        """{action: bool}: which self-service requests the service takes now."""
        self.ensure_one()
        idle = not self.open_service_order_count
        # a termination or move scheduled for later still lets the customer pause
        not_busy = idle or not self._telecom_busy()
        return {
            "change_plan": idle and self.state == "active",
            "addon": idle and self.state == "active",
            "suspend": not_busy and self.state == "active",
            "resume": not_busy
            and self.state == "suspended"
            and self.suspend_reason == "customer_request",
            "sim": self.state in LIVE_STATES and self.technology == "mobile",
            "port_in": self.state in ("pending", "active")
            and self.technology in ("mobile", "fixed_voice", "voip"),
        }

    # -- billing periods and allowances, as the portal shows them --------------
    def _telecom_billing_period(self, day):
        """``(start, end, months)`` of this service's billing period holding ``day``."""
        self.ensure_one()
        start, end = self.billing_account_id._telecom_billing_period(day)
        return start, end, self.billing_account_id.billing_period_months or 1

    def _telecom_usage_periods(self, today, count=12):
        """[(start, end)] of these services' current and previous billing periods,
        newest first (services billed on different days or cycles: each start once,
        with its longest end)."""
        starts = set()
        for sub in self.filtered("billing_account_id"):
            start, _end, months = sub._telecom_billing_period(today)
            for _i in range(count):
                starts.add((start, months))
                start = previous_period_start(start, months)
        periods = {}
        for start, months in starts:
            end = period_end(start, months)
            periods[start] = max(periods.get(start, end), end)
        return sorted(periods.items(), reverse=True)[: count * 2]

    def _telecom_allowance_rows(self):
        """Included / used / remaining of the current period, per allowance.

        ``{"start", "end", "rows"}``; each row: ``allowance``, ``product``,
        ``usage``, ``zones``, ``shared``, ``included``, ``used``, ``remaining``,
        ``rollover`` (quantities as customers read them), ``percent``, ``colour``.
        Read from the allowance balances rating keeps (the subscription's own and its
        billing account's shared pools); an allowance without a balance yet (no usage
        this period) shows its full grant. Call as the system after the caller checked
        the reader may see the service (the portal does).
        """
        self.ensure_one()
        account = self.billing_account_id
        tz = pytz.timezone(self.partner_id.tz or self.env.user.tz or "UTC")
        today = fields.Datetime.now().replace(tzinfo=pytz.utc).astimezone(tz).date()
        start, end, _months = self._telecom_billing_period(today)
        balances = self.env["telecom.allowance.balance"].search(
            [
                ("period_start", "=", start),
                "|",
                ("subscription_id", "=", self.id),
                "&",
                ("scope", "=", "pool"),
                ("billing_account_id", "=", account.id),
            ]
        )
        grouped = {}
        for balance in balances:
            row = grouped.setdefault(
                (balance.scope, balance.allowance_id),
                {"quantity": 0, "used": 0, "remaining": 0, "rollover": 0},
            )
            row["quantity"] += balance.quantity
            row["used"] += balance.used
            row["remaining"] += balance.remaining
            if balance.generation:
                row["rollover"] += balance.quantity
        # allowances in force with no balance yet: their grant, nothing used
        lines = self.line_ids.filtered(
            lambda line: line.kind in ("plan", "addon") and line._telecom_covers(today)
        )
        pool_lines = account.subscription_ids.filtered(
            lambda s: s.state in LIVE_STATES
        ).line_ids.filtered(
            lambda line: line.kind in ("plan", "addon") and line._telecom_covers(today)
        )
        for line in lines:
            for allowance in line.product_id.product_tmpl_id.telecom_allowance_ids:
                pool = allowance.share_scope == "billing_account"
                key = ("pool" if pool else "subscription", allowance)
                if key in grouped:
                    continue
                if pool:
                    quantity = allowance._telecom_pool_size(account)
                    if quantity is None:  # no size stated: the sum of the lines' grants
                        quantity = sum(
                            other.quantity * allowance.quantity_base
                            for other in pool_lines
                            if allowance in other.product_id.product_tmpl_id.telecom_allowance_ids
                        )
                else:
                    quantity = line.quantity * allowance.quantity_base
                grouped[key] = {
                    "quantity": int(quantity),
                    "used": 0,
                    "remaining": int(quantity),
                    "rollover": 0,
                }
        rows = []
        for (scope, allowance), values in grouped.items():
            unit = allowance.usage_type_id.unit
            quantity = values["quantity"] or 0
            percent = min(100, round(100.0 * values["used"] / quantity)) if quantity else 0
            rows.append(
                {
                    "allowance": allowance,
                    "product": allowance.product_tmpl_id,
                    "usage": allowance.usage_type_id.name,
                    "zones": ", ".join(allowance.zone_class_ids.mapped("name")),
                    "shared": scope == "pool",
                    "included": human_quantity(quantity, unit),
                    "used": human_quantity(values["used"], unit),
                    "remaining": human_quantity(values["remaining"], unit),
                    "rollover": human_quantity(values["rollover"], unit)
                    if values["rollover"]
                    else False,
                    "percent": percent,
                    "colour": "danger"
                    if percent >= 100
                    else "warning"
                    if percent >= 80
                    else "success",
                }
            )
        rows.sort(key=lambda row: (row["shared"], row["usage"] or ""))
        return {"start": start, "end": end, "rows": rows}

    # -- requests -------------------------------------------------------------
    def _telecom_portal_order(self, kind, requester, lines=(), date=None, **values):
        """Create and confirm the telecom sales order of a portal request."""
        self.ensure_one()
        partner = requester.partner_id
        if partner.commercial_partner_id != self.partner_id:
            partner = self.partner_id
        order = (
            self.env["sale.order"]
            .with_company(self.company_id)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "telecom_order_kind": kind,
                    "telecom_billing_account_id": self.billing_account_id.id,
                    "telecom_effective_date": date or fields.Date.context_today(self),
                    "telecom_portal_request": True,
                    "origin": self.env._("Portal: %(user)s", user=requester.name),
                    "user_id": self.partner_id.user_id.id or False,
                    "order_line": [
                        fields.Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "telecom_subscription_id": self.id,
                            }
                        )
                        for product in lines
                    ],
                    **values,
                }
            )
        )
        order.action_confirm()
        return order

    def _telecom_portal_change_plan(self, plan, date, requester):
        self.ensure_one()
        if plan not in self._telecom_portal_plan_options():
            raise UserError(
                self.env._("%(plan)s is not offered for this service.", plan=plan.display_name)
            )
        return self._telecom_portal_order("plan_change", requester, lines=plan, date=date)

    def _telecom_portal_add_addon(self, product, requester):
        self.ensure_one()
        if product not in self._telecom_portal_addon_options():
            raise UserError(
                self.env._("%(addon)s is not offered for this service.", addon=product.display_name)
            )
        return self._telecom_portal_order("addon", requester, lines=product)

    def _telecom_portal_suspend(self, requester, resume_date=None):
        """A temporary suspension from today, resumed on ``resume_date`` if given."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        if resume_date:
            resume_date = self._telecom_date(resume_date)
            if resume_date <= today:
                raise ValidationError(
                    self.env._("The service can resume tomorrow at the earliest.")
                )
            if resume_date > today + relativedelta(months=6):
                raise ValidationError(
                    self.env._("A temporary suspension lasts six months at most.")
                )
        order = self._telecom_portal_order(
            "suspension",
            requester,
            date=today,
            telecom_subscription_ids=[fields.Command.set(self.ids)],
            telecom_suspend_reason="customer_request",
        )
        self.telecom_resume_date = resume_date or False
        return order

    def _telecom_portal_resume(self, requester):
        self.ensure_one()
        if self.state != "suspended" or self.suspend_reason != "customer_request":
            raise UserError(
                self.env._(
                    "%(sub)s was not suspended at your request: contact us to resume it.",
                    sub=self.name,
                )
            )
        return self._telecom_portal_order(
            "resumption",
            requester,
            date=fields.Date.context_today(self),
            telecom_subscription_ids=[fields.Command.set(self.ids)],
        )

    def _telecom_portal_ticket(self, requester, category, title, body):
        """A ticket of ``category`` about this service, followed by the requester."""
        self.ensure_one()
        return self.env["helpdesk.ticket"]._telecom_portal_create(
            requester,
            self.partner_id,
            category,
            title,
            body,
            subscription=self,
            ticket_type=self.env["helpdesk.ticket.type"]._telecom_type("service_request"),
        )

    def _telecom_portal_sim_replacement(self, requester, reason, note="", suspend=False):
        """Ask for a new SIM; a lost or stolen one can be suspended at once."""
        self.ensure_one()
        reasons = dict(SIM_REASONS)
        if reason not in reasons:
            raise UserError(self.env._("Choose why the SIM is to be replaced."))
        if self.state not in LIVE_STATES:
            raise UserError(self.env._("%(sub)s is not in service.", sub=self.name))
        order = None
        if suspend:
            if reason not in ("lost", "stolen"):
                raise UserError(self.env._("Only a lost or stolen SIM is blocked at once."))
            if self.state == "active":
                order = self._telecom_portal_order(
                    "suspension",
                    requester,
                    date=fields.Date.context_today(self),
                    telecom_subscription_ids=[fields.Command.set(self.ids)],
                    telecom_suspend_reason="customer_request",
                )
        body = Markup(
            "<p>%s</p><ul><li>%s: %s</li><li>%s: %s</li><li>%s: %s</li><li>%s: %s</li></ul>%s"
        ) % (
            self.env._("SIM replacement requested in the portal."),
            self.env._("Service"),
            self.display_name,
            self.env._("Current SIM (ICCID)"),
            self.sim_iccid or "-",
            self.env._("Reason"),
            reasons[reason],
            self.env._("Line blocked"),
            order.name if order else self.env._("no"),
            Markup("<p>%s</p>") % note if note else "",
        )
        category = self.env.ref("telecom_portal.helpdesk_ticket_category_sim_replacement")
        ticket = self._telecom_portal_ticket(
            requester,
            category,
            self.env._(
                "SIM replacement for %(sub)s (%(reason)s)",
                sub=self.display_name,
                reason=reasons[reason],
            ),
            body,
        )
        return ticket, order

    def _telecom_portal_port_in(
        self, requester, number, donor, donor_account="", date=None, note=""
    ):
        """Ask to bring ``number`` over from operator ``donor`` onto this service."""
        self.ensure_one()
        number = (number or "").replace(" ", "").replace("-", "").replace(".", "")
        if number.startswith("00"):
            number = "+" + number[2:]
        if not E164.match(number):
            raise ValidationError(
                self.env._(
                    "%(number)s is not a phone number in international form (e.g. +32470123456).",
                    number=number or "-",
                )
            )
        donor = (donor or "").strip()
        if not donor:
            raise ValidationError(self.env._("Name the operator the number comes from."))
        today = fields.Date.context_today(self)
        date = self._telecom_date(date) if date else today + timedelta(days=1)
        if date <= today:
            raise ValidationError(
                self.env._("A port-in takes at least one working day: choose a later date.")
            )
        if self.state not in ("pending", "active"):
            raise UserError(self.env._("%(sub)s is not in service.", sub=self.name))
        clash = self.sudo().search(
            [("phone_number", "=", number), ("state", "!=", "terminated")], limit=1
        )
        if clash:
            raise ValidationError(
                self.env._("%(number)s is already in service with us.", number=number)
            )
        body = Markup(
            "<p>%s</p><ul><li>%s: %s</li><li>%s: %s</li><li>%s: %s</li><li>%s: %s</li>"
            "<li>%s: %s</li></ul>%s"
        ) % (
            self.env._("Number port-in requested in the portal."),
            self.env._("Service"),
            self.display_name,
            self.env._("Number to bring"),
            number,
            self.env._("Current operator"),
            donor,
            self.env._("Account or customer number there"),
            donor_account or "-",
            self.env._("Requested date"),
            fields.Date.to_string(date),
            Markup("<p>%s</p>") % note if note else "",
        )
        category = self.env.ref("telecom_portal.helpdesk_ticket_category_port_in")
        return self._telecom_portal_ticket(
            requester,
            category,
            self.env._("Port-in of %(number)s to %(sub)s", number=number, sub=self.name),
            body,
        )

    # -- temporary suspensions end by themselves -------------------------------
    def _telecom_apply_resume(self, order):
        result = super()._telecom_apply_resume(order)
        if self.telecom_resume_date:
            self.telecom_resume_date = False
        return result

    @api.model
    def _cron_telecom_scheduled_resume(self, limit=500):
        """Resume the services whose temporary suspension ends today (or ended)."""
        today = fields.Date.context_today(self)
        subs = self.search(
            [
                ("telecom_resume_date", "<=", today),
                ("state", "=", "suspended"),
                ("suspend_reason", "=", "customer_request"),
            ],
            limit=limit,
        )
        remaining = self.search_count(
            [
                ("telecom_resume_date", "<=", today),
                ("state", "=", "suspended"),
                ("suspend_reason", "=", "customer_request"),
            ]
        ) - len(subs)
        done = 0
        for sub in subs:
            if sub._telecom_busy():
                continue
            try:
                with self.env.cr.savepoint():
                    sub.action_resume(today, note=self.env._("End of the temporary suspension"))
                    sub.telecom_resume_date = False
                done += 1
            except (UserError, ValidationError) as exc:
                _logger.info("scheduled resumption of %s refused: %s", sub.name, exc)
                sub.message_post(
                    body=self.env._(
                        "The scheduled resumption failed: %(error)s",
                        error=escape(str(exc.args[0] if exc.args else exc)),
                    )
                )
                sub.telecom_resume_date = False
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return done
