# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.selections import TECHNOLOGIES

from ..models.account_move_line import SECTIONS

PRODUCT_KINDS = [
    ("plan", "Plan"),
    ("addon", "Add-on"),
    ("bundle", "Bundle"),
    ("one_time", "One-time Fee"),
    ("equipment", "Equipment"),
    ("tariff", "Tariff"),
]
MOVE_TYPES = [("out_invoice", "Invoice"), ("out_refund", "Credit Note")]


class TelecomRevenueFigures(models.AbstractModel):
    """What both revenue reports hold: their dimensions and figures (company currency)."""

    _name = "telecom.revenue.figures"
    _description = "Telecom revenue: dimensions and figures"

    date = fields.Date(string="Invoice Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    segment_id = fields.Many2one("telecom.customer.segment", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    product_kind = fields.Selection(PRODUCT_KINDS, readonly=True)
    section = fields.Selection(SECTIONS, readonly=True)
    usage_type_id = fields.Many2one("telecom.usage.type", readonly=True)
    zone_id = fields.Many2one("telecom.tariff.zone", readonly=True)
    technology = fields.Selection(TECHNOLOGIES, readonly=True)
    move_type = fields.Selection(MOVE_TYPES, readonly=True)
    amount = fields.Monetary(string="Revenue", readonly=True)
    usage_count = fields.Integer(string="Usage Records", readonly=True)


class TelecomRevenueReport(models.Model):
    """Revenue of posted telecom invoices and credit notes, per line (company currency)."""

    _name = "telecom.revenue.report"
    _inherit = "telecom.revenue.figures"
    _description = "Telecom revenue"
    _auto = False
    _order = "date desc"

    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    billing_account_id = fields.Many2one("telecom.billing.account", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    subscription_id = fields.Many2one("telecom.subscription", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """SELECT aml.id, am.invoice_date AS date, am.id AS move_id, am.company_id,
                      c.currency_id, am.telecom_billing_account_id AS billing_account_id,
                      am.commercial_partner_id AS partner_id,
                      p.telecom_segment_id AS segment_id, aml.product_id,
                      pt.telecom_kind AS product_kind, aml.telecom_section AS section,
                      aml.telecom_usage_type_id AS usage_type_id,
                      aml.telecom_zone_id AS zone_id,
                      aml.telecom_subscription_id AS subscription_id,
                      s.technology, am.move_type, -aml.balance AS amount,
                      COALESCE(aml.telecom_usage_count, 0) AS usage_count
                 FROM account_move_line aml
                 JOIN account_move am ON am.id = aml.move_id
                 JOIN res_company c ON c.id = am.company_id
                 LEFT JOIN res_partner p ON p.id = am.commercial_partner_id
                 LEFT JOIN product_product pp ON pp.id = aml.product_id
                 LEFT JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 LEFT JOIN telecom_subscription s ON s.id = aml.telecom_subscription_id
                WHERE am.state = 'posted' AND am.move_type IN ('out_invoice', 'out_refund')
                  AND am.telecom_billing_account_id IS NOT NULL
                  AND aml.display_type = 'product'"""
        )
