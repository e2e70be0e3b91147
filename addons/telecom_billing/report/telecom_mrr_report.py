# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.selections import TECHNOLOGIES

# the monthly value of a recurring line: price x quantity / months of its period
MRR_SQL = """
    SELECT l.id AS line_id, m.month::date AS month, s.company_id, s.id AS subscription_id,
           s.billing_account_id, s.partner_id, p.telecom_segment_id AS segment_id,
           l.product_id, l.kind, s.technology,
           l.price_unit * l.quantity / CASE t.telecom_recurring_period
               WHEN 'quarterly' THEN 3 WHEN 'yearly' THEN 12 ELSE 1 END AS mrr,
           CASE WHEN l.kind = 'plan' THEN 1 ELSE 0 END AS subscription_count
      FROM telecom_subscription_line l
      JOIN telecom_subscription s ON s.id = l.subscription_id
      JOIN product_product pp ON pp.id = l.product_id
      JOIN product_template t ON t.id = pp.product_tmpl_id
      JOIN res_partner p ON p.id = s.partner_id
      JOIN LATERAL generate_series(
               date_trunc('month', l.date_start) + CASE WHEN extract(day FROM l.date_start) > 1
                   THEN interval '1 month' ELSE interval '0' END,
               date_trunc('month', LEAST(COALESCE(l.date_end, CURRENT_DATE), CURRENT_DATE)),
               interval '1 month') AS m(month) ON TRUE
     WHERE s.state IN ('active', 'suspended', 'terminated') AND s.activation_date IS NOT NULL
       AND s.activation_date <= m.month
       AND (s.termination_date IS NULL OR s.termination_date >= m.month)
"""


class TelecomMrrReport(models.Model):
    """Monthly recurring revenue: the recurring lines in force on the 1st of each month."""

    _name = "telecom.mrr.report"
    _description = "Telecom monthly recurring revenue"
    _auto = False
    _order = "month desc"

    month = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    subscription_id = fields.Many2one("telecom.subscription", readonly=True)
    billing_account_id = fields.Many2one("telecom.billing.account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    segment_id = fields.Many2one("telecom.customer.segment", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    kind = fields.Selection(
        [("plan", "Plan"), ("addon", "Add-on"), ("equipment", "Equipment")], readonly=True
    )
    technology = fields.Selection(TECHNOLOGIES, readonly=True)
    mrr = fields.Monetary(string="MRR", readonly=True)
    subscription_count = fields.Integer(string="Subscriptions", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """SELECT row_number() OVER () AS id, x.month, x.company_id, c.currency_id,
                      x.subscription_id, x.billing_account_id, x.partner_id, x.segment_id,
                      x.product_id, x.kind, x.technology, x.mrr, x.subscription_count
                 FROM (%s) x JOIN res_company c ON c.id = x.company_id""",
            SQL(MRR_SQL),
        )
