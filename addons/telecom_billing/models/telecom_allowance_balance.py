# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.fields import BigInteger
from .telecom_usage_record import human_quantity


class TelecomAllowanceBalance(models.Model):
    """Included units of one allowance, for one subscription or pool, for one period.

    Written by rating (in bulk); ``quantity = used + carried + remaining`` always.
    ``generation`` 0 is the period's own grant; 1, 2... are units rolled over from
    1, 2... periods before (spent first).
    """

    _name = "telecom.allowance.balance"
    _description = "Allowance balance"
    _order = "period_start desc, scope, subscription_id, billing_account_id, generation desc, id"
    _check_company_auto = True

    scope = fields.Selection(
        [("subscription", "Subscription"), ("pool", "Shared pool")], required=True, readonly=True
    )
    subscription_id = fields.Many2one("telecom.subscription", readonly=True, index=True)
    billing_account_id = fields.Many2one(
        "telecom.billing.account", required=True, readonly=True, index=True
    )
    allowance_id = fields.Many2one("telecom.plan.allowance", readonly=True, ondelete="restrict")
    product_tmpl_id = fields.Many2one(
        related="allowance_id.product_tmpl_id", string="Plan / Add-on"
    )
    usage_type_id = fields.Many2one("telecom.usage.type", readonly=True)
    usage_unit = fields.Selection(related="usage_type_id.unit", string="Unit")
    zone_class_ids = fields.Many2many(related="allowance_id.zone_class_ids")
    period_start = fields.Date(required=True, readonly=True, index=True)
    period_end = fields.Date(readonly=True)
    generation = fields.Integer(
        readonly=True, help="0: this period's grant; n: rolled over from n periods before."
    )
    quantity = BigInteger(string="Included", readonly=True)
    used = BigInteger(readonly=True)
    carried = BigInteger(
        string="Rolled Over", readonly=True, help="Units moved to the next period."
    )
    remaining = BigInteger(readonly=True)
    included_display = fields.Char(string="Included ", compute="_compute_display")
    used_display = fields.Char(string="Used ", compute="_compute_display")
    remaining_display = fields.Char(string="Remaining ", compute="_compute_display")
    used_percent = fields.Float(string="Used %", compute="_compute_display")
    is_current = fields.Boolean(
        string="Current Period", compute="_compute_is_current", search="_search_is_current"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)

    def init(self):
        # rating rewrites used/remaining of thousands of balances per chunk: free room
        # in each page lets PostgreSQL update them in place (HOT, no index writes)
        self.env.cr.execute(SQL("ALTER TABLE telecom_allowance_balance SET (fillfactor = 50)"))
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS telecom_allowance_balance_key
                   ON telecom_allowance_balance (scope, COALESCE(subscription_id, 0),
                      billing_account_id, allowance_id, period_start, generation)"""
            )
        )

    @api.depends("quantity", "used", "remaining", "usage_type_id.unit")
    def _compute_display(self):
        for balance in self:
            unit = balance.usage_type_id.unit
            balance.included_display = human_quantity(balance.quantity, unit)
            balance.used_display = human_quantity(balance.used, unit)
            balance.remaining_display = human_quantity(balance.remaining, unit)
            balance.used_percent = (
                100.0 * balance.used / balance.quantity if balance.quantity else 0.0
            )

    @api.depends("period_start", "period_end")
    def _compute_is_current(self):
        today = fields.Date.context_today(self)
        for balance in self:
            balance.is_current = bool(
                balance.period_start
                and balance.period_start <= today
                and (not balance.period_end or today <= balance.period_end)
            )

    def _search_is_current(self, operator, value):
        today = fields.Date.context_today(self)
        current = ["&", ("period_start", "<=", today), ("period_end", ">=", today)]
        if (operator == "=") == bool(value):
            return current
        return ["|", ("period_start", ">", today), ("period_end", "<", today)]

    @api.depends("usage_type_id", "scope", "period_start", "generation")
    def _compute_display_name(self):
        for balance in self:
            owner = (
                balance.subscription_id.name
                if balance.scope == "subscription"
                else balance.billing_account_id.name
            )
            rollover = f" (+{balance.generation})" if balance.generation else ""
            balance.display_name = (
                f"{owner} {balance.usage_type_id.code or ''} {balance.period_start}{rollover}"
            )
