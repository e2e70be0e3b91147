# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What billing adds to usage records (kept apart from the rating helper's file)."""

from odoo import fields, models
from odoo.tools import SQL


class TelecomUsageRecord(models.Model):
    _inherit = "telecom.usage.record"

    move_id = fields.Many2one(related="invoice_line_id.move_id", string="Invoice")
    adjusted_amount = fields.Monetary(
        readonly=True,
        help="Invoiced usage re-rated later: what it is worth now. The difference with the "
        "invoiced amount went on an adjustment charge (next invoice).",
    )

    def init(self):
        res = super().init()
        # the bill run's reader: only rated records not yet invoiced are in it, so
        # it stays small however much billed history the table holds
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS telecom_usage_record_unbilled
                       ON telecom_usage_record (billing_account_id, period_start)
                    WHERE state = 'rated'"""
            )
        )
        return res
