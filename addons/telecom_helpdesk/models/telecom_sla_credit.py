# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""SLA credits: one line per subscription an outage hits.

The line is created when the outage starts (``pending``) and computed when it
ends, from the outage duration and the SLA terms of the plan the subscription
was on when the outage started (the bundle's terms when it was sold in a
bundle):

- the **availability target** (e.g. 99.9 %) allows some downtime per calendar
  month: ``(100 - target) % × hours of the month``; the downtime of the
  subscription's earlier outages of the month uses that allowance first;
- every **started hour** down beyond the allowance is credited the **credit %
  of the monthly fee** (the plan line's price per month: a quarterly price /3,
  a yearly one /12);
- the credit is **capped** at the cap % of the monthly fee.

Amounts are computed in ``Decimal`` and rounded with the currency.
"""

import calendar
import math
from decimal import Decimal

from odoo import api, fields, models

from odoo.addons.telecom_crm.models.billing_periods import PERIOD_MONTHS

STATES = [
    ("pending", "Outage running"),
    ("to_credit", "To credit"),
    ("no_credit", "No credit"),
    ("credited", "Credited"),
    ("cancelled", "Cancelled"),
]


class TelecomSlaCredit(models.Model):
    _name = "telecom.sla.credit"
    _description = "SLA credit of an outage"
    _order = "ticket_id desc, billing_account_id, subscription_id"
    _check_company_auto = True
    _rec_name = "subscription_id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Outage",
        required=True,
        index=True,
        ondelete="cascade",
        check_company=True,
    )
    subscription_id = fields.Many2one(
        "telecom.subscription",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    billing_account_id = fields.Many2one(
        related="subscription_id.billing_account_id", store=True, index=True
    )
    partner_id = fields.Many2one(
        related="subscription_id.partner_id", store=True, index=True, string="Customer"
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="subscription_id.currency_id", store=True)
    outage_start = fields.Datetime(related="ticket_id.telecom_outage_start", store=True)
    outage_end = fields.Datetime(related="ticket_id.telecom_outage_end", store=True)
    state = fields.Selection(STATES, required=True, default="pending", index=True)
    plan_id = fields.Many2one("product.product", readonly=True)
    monthly_fee = fields.Monetary(readonly=True)
    availability_target = fields.Float(string="Availability target (%)", readonly=True)
    credit_percent = fields.Float(string="Credit per hour (%)", readonly=True)
    cap_percent = fields.Float(string="Cap (%)", readonly=True)
    downtime_hours = fields.Float(string="Down (h)", readonly=True, digits=(16, 2))
    allowed_hours = fields.Float(
        string="Allowed (h)",
        readonly=True,
        digits=(16, 2),
        help="What was left of the month's allowed downtime when the outage started.",
    )
    credited_hours = fields.Integer(readonly=True)
    amount = fields.Monetary(readonly=True)
    note = fields.Char(readonly=True, help="How the credit was computed, or why there is none.")
    credit_note_id = fields.Many2one(
        "account.move", string="Credit note", readonly=True, index="btree_not_null", copy=False
    )
    error = fields.Char(readonly=True, copy=False)

    _sql_constraints = (
        (
            "ticket_subscription_uniq",
            "unique(ticket_id, subscription_id)",
            "A subscription is listed once per outage.",
        ),
    )

    # -- computation -----------------------------------------------------------------
    def _telecom_plan_line(self):
        """The plan line the subscription ran on when the outage started."""
        self.ensure_one()
        day = self.outage_start.date()
        lines = self.subscription_id.line_ids.filtered(
            lambda line: (
                line.kind == "plan"
                and line.date_start <= day
                and (not line.date_end or line.date_end >= day)
            )
        )
        return lines[:1]

    @api.model
    def _telecom_terms(self, line):
        """The product template whose SLA terms apply to a plan line."""
        bundle = line.bundle_product_id.product_tmpl_id
        if bundle and bundle.telecom_sla_credit_percent:
            return bundle
        return line.product_id.product_tmpl_id

    def _telecom_compute(self):
        """Compute the credit of each line (its outage has ended). The downtime of
        the subscriptions' earlier outages of the month is read in one query."""
        earlier = self._telecom_earlier_downtime()
        for credit in self.sorted(lambda c: (c.outage_start, c.id)):
            values = credit._telecom_credit_values(earlier)
            credit.write(values)
            if values["state"] in ("to_credit", "no_credit"):
                # a later outage of the same month in this batch uses what is left
                earlier.setdefault(credit.subscription_id.id, []).append(
                    (credit.outage_start, values["downtime_hours"])
                )
        return True

    def _telecom_earlier_downtime(self):
        """{subscription id: [(outage start, hours down)]}: the computed credits of
        the months these lines' outages started in (other lines than these)."""
        starts = [c.outage_start for c in self if c.outage_start]
        if not starts:
            return {}
        first = min(starts).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        lines = self.search_fetch(
            [
                ("subscription_id", "in", self.subscription_id.ids),
                ("id", "not in", self.ids),
                ("state", "in", ("to_credit", "no_credit", "credited")),
                ("outage_start", ">=", first),
                ("outage_start", "<", max(starts)),
            ],
            ["subscription_id", "outage_start", "downtime_hours"],
        )
        result = {}
        for line in lines:
            result.setdefault(line.subscription_id.id, []).append(
                (line.outage_start, line.downtime_hours)
            )
        return result

    def _telecom_credit_values(self, earlier=None):
        self.ensure_one()
        start, end = self.outage_start, self.outage_end
        down = max((end - start).total_seconds(), 0.0) / 3600.0 if start and end else 0.0
        values = {"downtime_hours": down, "error": False}
        line = self._telecom_plan_line()
        if not line:
            return dict(values, state="no_credit", amount=0.0, note=self.env._("No plan."))
        terms = self._telecom_terms(line)
        months = PERIOD_MONTHS.get(line.product_id.telecom_recurring_period or "monthly", 1)
        currency = self.currency_id
        monthly = Decimal(str(line.price_unit)) * Decimal(str(line.quantity)) / Decimal(months)
        values.update(
            plan_id=line.product_id.id,
            monthly_fee=currency.round(float(monthly)),
            availability_target=terms.telecom_sla_availability,
            credit_percent=terms.telecom_sla_credit_percent,
            cap_percent=terms.telecom_sla_credit_cap,
        )
        if not terms.telecom_sla_credit_percent:
            return dict(
                values,
                state="no_credit",
                amount=0.0,
                note=self.env._("The plan has no SLA credit."),
            )
        allowed = self._telecom_allowance(terms.telecom_sla_availability, earlier)
        excess = max(down - allowed, 0.0)
        hours = math.ceil(round(excess, 6)) if excess > 0 else 0
        amount = monthly * Decimal(str(terms.telecom_sla_credit_percent)) / 100 * hours
        if terms.telecom_sla_credit_cap:
            amount = min(amount, monthly * Decimal(str(terms.telecom_sla_credit_cap)) / 100)
        amount = currency.round(float(amount))
        values.update(allowed_hours=allowed, credited_hours=hours, amount=amount)
        if currency.is_zero(amount):
            values.update(
                state="no_credit",
                amount=0.0,
                note=self.env._("Within the availability target."),
            )
        else:
            values.update(
                state="to_credit",
                note=self.env._(
                    "%(hours)s h × %(pct)s %% of %(fee)s/month%(cap)s",
                    hours=hours,
                    pct=terms.telecom_sla_credit_percent,
                    fee=values["monthly_fee"],
                    cap=self.env._(", capped at %(cap)s %%", cap=terms.telecom_sla_credit_cap)
                    if terms.telecom_sla_credit_cap
                    else "",
                ),
            )
        return values

    def _telecom_allowance(self, target, earlier=None):
        """Hours of downtime the availability target still allows this month.
        ``earlier``: see ``_telecom_earlier_downtime`` (read here when not given)."""
        self.ensure_one()
        if not target or target >= 100:
            return 0.0
        if earlier is None:
            earlier = self._telecom_earlier_downtime()
        start = self.outage_start
        month_hours = calendar.monthrange(start.year, start.month)[1] * 24
        allowed = month_hours * (100.0 - target) / 100.0
        used = sum(
            hours
            for when, hours in earlier.get(self.subscription_id.id, [])
            if (when.year, when.month) == (start.year, start.month) and when < start
        )
        return max(allowed - used, 0.0)

    def _telecom_credit_note_line(self):
        """The line billing's ``_telecom_create_credit_note`` takes."""
        self.ensure_one()
        return {
            "description": self.env._(
                "SLA credit %(sub)s: outage %(ticket)s, %(hours)s h (%(note)s)",
                sub=self.subscription_id.name,
                ticket=self.ticket_id.number,
                hours=round(self.downtime_hours, 2),
                note=self.note or "",
            ),
            "amount": self.amount,
            "subscription_id": self.subscription_id.id,
        }

    def action_cancel(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.filtered(lambda c: c.state in ("pending", "to_credit")).write({"state": "cancelled"})
        return True
