# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from ..engine.fields import BigInteger
from .telecom_usage_record import human_quantity

SECTIONS = [
    ("recurring", "Recurring charges"),
    ("one_time", "One-time charges"),
    ("usage", "Usage"),
    ("adjustment", "Adjustments"),
]
PRORATION = [("daily", "Daily"), ("full", "Full period"), ("none", "No partial periods")]


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    telecom_section = fields.Selection(SECTIONS, index="btree_not_null")
    telecom_subscription_id = fields.Many2one(
        "telecom.subscription", string="Subscription", index="btree_not_null"
    )
    telecom_subscription_line_id = fields.Many2one(
        "telecom.subscription.line", string="Subscription Line", ondelete="set null"
    )
    telecom_period_from = fields.Date(string="Service From")
    telecom_period_to = fields.Date(string="Service To")
    telecom_days = fields.Integer(string="Days Billed", aggregator=None)
    telecom_period_days = fields.Integer(string="Days in Period", aggregator=None)
    telecom_rate = fields.Monetary(
        string="Period Rate",
        currency_field="currency_id",
        aggregator=None,
        help="The full billing period's amount the proration starts from.",
    )
    telecom_proration = fields.Selection(PRORATION, string="Proration")
    telecom_usage_type_id = fields.Many2one("telecom.usage.type", string="Usage Type")
    telecom_zone_id = fields.Many2one("telecom.tariff.zone", string="Zone")
    telecom_usage_count = fields.Integer(string="Usage Records", aggregator="sum")
    telecom_usage_quantity = BigInteger(string="Usage Quantity", help="Seconds, bytes or count.")
    telecom_allowance_quantity = BigInteger(
        string="From Allowances", help="Units covered by included allowances."
    )
    telecom_usage_record_ids = fields.Many2many(
        "telecom.usage.record",
        "telecom_credit_line_usage_rel",
        "move_line_id",
        "usage_id",
        string="Credited Usage",
        help="Usage records a credit note line refers to (disputes).",
    )
    telecom_usage_display = fields.Char(
        string="Usage",
        compute="_compute_telecom_usage_display",
        help="Quantity used, in its unit (minutes, GB, messages).",
    )
    telecom_allowance_display = fields.Char(
        string="From Allowances (Display)",
        compute="_compute_telecom_usage_display",
        help="Units covered by included allowances, in their unit.",
    )

    @api.depends(
        "telecom_usage_quantity", "telecom_allowance_quantity", "telecom_usage_type_id.unit"
    )
    def _compute_telecom_usage_display(self):
        for line in self:
            unit = line.telecom_usage_type_id.unit
            line.telecom_usage_display = (
                human_quantity(line.telecom_usage_quantity, unit)
                if line.telecom_usage_type_id
                else ""
            )
            line.telecom_allowance_display = (
                human_quantity(line.telecom_allowance_quantity, unit)
                if line.telecom_usage_type_id and line.telecom_allowance_quantity
                else ""
            )
