# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

BUCKETS = [
    ("not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("over_90", "Over 90 days"),
]


class TelecomArAgeingReport(models.Model):
    """Open receivable items of telecom customers by days overdue (today), company currency."""

    _name = "telecom.ar.ageing.report"
    _description = "Telecom accounts receivable ageing"
    _auto = False
    _order = "date_maturity"

    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    billing_account_id = fields.Many2one("telecom.billing.account", readonly=True)
    date_maturity = fields.Date(string="Due Date", readonly=True)
    days_overdue = fields.Integer(readonly=True, aggregator="max")
    bucket = fields.Selection(BUCKETS, readonly=True)
    residual = fields.Monetary(string="Open", readonly=True)
    not_due = fields.Monetary(readonly=True)
    days_1_30 = fields.Monetary(string="1-30", readonly=True)
    days_31_60 = fields.Monetary(string="31-60", readonly=True)
    days_61_90 = fields.Monetary(string="61-90", readonly=True)
    days_over_90 = fields.Monetary(string="> 90", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """SELECT aml.id, aml.move_id, aml.company_id, c.currency_id,
                      COALESCE(p.commercial_partner_id, aml.partner_id) AS partner_id,
                      am.telecom_billing_account_id AS billing_account_id,
                      COALESCE(aml.date_maturity, aml.date) AS date_maturity,
                      x.days AS days_overdue,
                      CASE WHEN x.days <= 0 THEN 'not_due' WHEN x.days <= 30 THEN '1_30'
                           WHEN x.days <= 60 THEN '31_60' WHEN x.days <= 90 THEN '61_90'
                           ELSE 'over_90' END AS bucket,
                      aml.amount_residual AS residual,
                      CASE WHEN x.days <= 0 THEN aml.amount_residual ELSE 0 END AS not_due,
                      CASE WHEN x.days BETWEEN 1 AND 30 THEN aml.amount_residual ELSE 0 END
                          AS days_1_30,
                      CASE WHEN x.days BETWEEN 31 AND 60 THEN aml.amount_residual ELSE 0 END
                          AS days_31_60,
                      CASE WHEN x.days BETWEEN 61 AND 90 THEN aml.amount_residual ELSE 0 END
                          AS days_61_90,
                      CASE WHEN x.days > 90 THEN aml.amount_residual ELSE 0 END AS days_over_90
                 FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                 JOIN account_account aa ON aa.id = aml.account_id
                 JOIN res_company c ON c.id = aml.company_id
                 LEFT JOIN res_partner p ON p.id = aml.partner_id
                 CROSS JOIN LATERAL (SELECT CURRENT_DATE - COALESCE(aml.date_maturity, aml.date)
                                     AS days) x
                WHERE aml.parent_state = 'posted' AND aa.account_type = 'asset_receivable'
                  AND NOT COALESCE(aml.reconciled, FALSE) AND aml.amount_residual <> 0
                  AND (am.telecom_billing_account_id IS NOT NULL
                       OR COALESCE(p.commercial_partner_id, aml.partner_id) IN (
                              SELECT partner_id FROM telecom_billing_account))"""
        )
