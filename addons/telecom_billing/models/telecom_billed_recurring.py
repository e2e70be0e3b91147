# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What bill runs billed for each recurring line and period (the proration ledger).

One row per invoice line piece: the amount billed for (line, period) is the sum
of its rows; ``cover_from``/``cover_to`` is the line's coverage of the period
after the row. When a line's dates change later, the next bill run bills the
difference (see ``billrun/proration.py``). Rows of a deleted line keep its id
in ``line_ref``: the next run credits what they billed.
"""

from odoo import fields, models
from odoo.tools import SQL


class TelecomBilledRecurring(models.Model):
    _name = "telecom.billed.recurring"
    _description = "Billed recurring charge (proration ledger)"
    _order = "period_start desc, id desc"
    _check_company_auto = True

    line_id = fields.Many2one(
        "telecom.subscription.line",
        string="Subscription Line",
        ondelete="set null",
        readonly=True,
    )
    line_ref = fields.Integer(
        string="Line Reference",
        required=True,
        readonly=True,
        aggregator=None,
        help="Id of the subscription line, kept when the line is deleted.",
    )
    subscription_id = fields.Many2one("telecom.subscription", readonly=True, index=True)
    billing_account_id = fields.Many2one("telecom.billing.account", readonly=True, index=True)
    product_id = fields.Many2one("product.product", readonly=True)
    period_start = fields.Date(required=True, readonly=True)
    cover_from = fields.Date(readonly=True, help="Coverage of the period after this row.")
    cover_to = fields.Date(readonly=True)
    amount = fields.Monetary(readonly=True, help="Charged (positive) or credited (negative).")
    currency_id = fields.Many2one("res.currency", readonly=True)
    move_id = fields.Many2one(
        "account.move", string="Invoice", readonly=True, index=True, ondelete="cascade"
    )
    move_line_id = fields.Many2one(
        "account.move.line", string="Invoice Line", readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)

    def init(self):
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS telecom_billed_recurring_line_period
                       ON telecom_billed_recurring (line_ref, period_start)"""
            )
        )
        # deleted lines still owed a credit: read by every bill run of the account
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS telecom_billed_recurring_orphans
                       ON telecom_billed_recurring (billing_account_id) WHERE line_id IS NULL"""
            )
        )

    def _telecom_refresh_billed_range(self, line_ids):
        """Re-derive the billed range of subscription lines from their ledger rows."""
        self.env.cr.execute(
            SQL(
                """UPDATE telecom_subscription_line l
                      SET telecom_billed_from = x.cover_from, telecom_billed_to = x.cover_to
                     FROM (SELECT ids.id AS line_id, MIN(last.cover_from) AS cover_from,
                                  MAX(last.cover_to) AS cover_to
                             FROM unnest(%s::int[]) AS ids(id)
                             LEFT JOIN LATERAL (
                                  SELECT DISTINCT ON (r.period_start) r.cover_from, r.cover_to
                                    FROM telecom_billed_recurring r
                                   WHERE r.line_ref = ids.id
                                ORDER BY r.period_start, r.id DESC) last ON TRUE
                            GROUP BY ids.id) x
                    WHERE l.id = x.line_id""",
                list(line_ids),
            )
        )
        self.env["telecom.subscription.line"].invalidate_model(
            ["telecom_billed_from", "telecom_billed_to"]
        )
