# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .telecom_mrr_report import MRR_SQL


class TelecomKpiReport(models.Model):
    """Monthly KPIs per company: MRR, invoiced revenue, subscriptions, ARPU and ARPA.

    ARPU = the month's invoiced revenue / subscriptions in force on the 1st; ARPA the
    same per billing account. Group by month (and company) only: ratios do not add up.
    """

    _name = "telecom.kpi.report"
    _description = "Telecom monthly KPIs"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    mrr = fields.Monetary(string="MRR", readonly=True)
    revenue = fields.Monetary(string="Invoiced Revenue", readonly=True)
    subscription_count = fields.Integer(string="Subscriptions", readonly=True)
    account_count = fields.Integer(string="Billing Accounts", readonly=True)
    arpu = fields.Monetary(string="ARPU", readonly=True, aggregator="avg")
    arpa = fields.Monetary(string="ARPA", readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        return SQL(
            """WITH mrr AS (%s),
               base AS (
                   SELECT month, company_id, SUM(mrr) AS mrr,
                          SUM(subscription_count) AS subscriptions,
                          COUNT(DISTINCT billing_account_id) AS accounts
                     FROM mrr GROUP BY month, company_id),
               revenue AS (
                   SELECT date_trunc('month', am.invoice_date)::date AS month, am.company_id,
                          SUM(-aml.balance) AS revenue
                     FROM account_move_line aml JOIN account_move am ON am.id = aml.move_id
                    WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
                      AND am.telecom_billing_account_id IS NOT NULL
                      AND aml.display_type = 'product'
                    GROUP BY 1, 2)
               SELECT row_number() OVER () AS id, k.month, k.company_id, c.currency_id,
                      COALESCE(b.mrr, 0) AS mrr, COALESCE(r.revenue, 0) AS revenue,
                      COALESCE(b.subscriptions, 0) AS subscription_count,
                      COALESCE(b.accounts, 0) AS account_count,
                      CASE WHEN COALESCE(b.subscriptions, 0) > 0
                           THEN COALESCE(r.revenue, 0) / b.subscriptions ELSE 0 END AS arpu,
                      CASE WHEN COALESCE(b.accounts, 0) > 0
                           THEN COALESCE(r.revenue, 0) / b.accounts ELSE 0 END AS arpa
                 FROM (SELECT month, company_id FROM base
                       UNION SELECT month, company_id FROM revenue) k
                 JOIN res_company c ON c.id = k.company_id
                 LEFT JOIN base b ON b.month = k.month AND b.company_id = k.company_id
                 LEFT JOIN revenue r ON r.month = k.month AND r.company_id = k.company_id""",
            SQL(MRR_SQL),
        )
