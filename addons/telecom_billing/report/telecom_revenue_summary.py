# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Revenue as staff read it first: per day, product, section, usage type, zone,
technology and segment, summed over the invoice lines, in a materialized view.

``telecom.revenue.report`` reads the posted invoice lines themselves: every pivot
of it aggregates every line of the period (246,242 lines at 10,000 customers and
three months; millions at 100,000), four times per pivot. The summary holds a row
per combination instead (2,025 rows for the same data), whatever the number of
customers; it is as of its last refresh (``refreshed_at``, shown in its list and
in the Revenue menu's help): the cron refreshes it every hour, a bill run when it
is done, a billing user with the Refresh button. What needs a customer, an
invoice or a service stays with the line report (Revenue by Invoice Line).
"""

from odoo import _, api, fields, models
from odoo.tools import SQL

# bumped when the view's query changes: the module's upgrade then rebuilds it
VERSION = "telecom_revenue_summary 1"
DIMENSIONS = (
    "date",
    "company_id",
    "currency_id",
    "segment_id",
    "product_id",
    "product_kind",
    "section",
    "usage_type_id",
    "zone_id",
    "technology",
    "move_type",
)


class TelecomRevenueSummary(models.Model):
    _name = "telecom.revenue.summary"
    _inherit = "telecom.revenue.figures"
    _description = "Telecom revenue (summary)"
    _auto = False
    _order = "date desc"

    line_count = fields.Integer(string="Invoice Lines", readonly=True)
    refreshed_at = fields.Datetime(string="As of", readonly=True, aggregator="max")

    def _view_query(self):
        """The line report's rows summed over its dimensions but the customer's."""
        lines = self.env["telecom.revenue.report"]._table_query
        dims = SQL(", ").join(SQL.identifier(name) for name in DIMENSIONS)
        return SQL(
            """SELECT MIN(id) AS id, %(dims)s, SUM(amount) AS amount,
                      SUM(usage_count) AS usage_count, COUNT(*) AS line_count,
                      now() AS refreshed_at
                 FROM (%(lines)s) lines
                GROUP BY %(dims)s""",
            dims=dims,
            lines=lines,
        )

    def init(self):
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT obj_description(oid, 'pg_class') FROM pg_class"
                " WHERE relname = %s AND relkind = 'm'",
                self._table,
            )
        )
        row = cr.fetchone()
        if row and row[0] == VERSION:
            return
        table = SQL.identifier(self._table)
        cr.execute(SQL("DROP VIEW IF EXISTS %s", table))
        cr.execute(SQL("DROP MATERIALIZED VIEW IF EXISTS %s", table))
        cr.execute(SQL("CREATE MATERIALIZED VIEW %s AS %s", table, self._view_query()))
        # one line is in one row: its smallest line id is unique, and a unique index is
        # what REFRESH ... CONCURRENTLY needs (readers are not blocked while it runs)
        cr.execute(
            SQL(
                "CREATE UNIQUE INDEX %s ON %s (id)",
                SQL.identifier(f"{self._table}_id"),
                table,
            )
        )
        cr.execute(SQL("COMMENT ON MATERIALIZED VIEW %s IS %s", table, VERSION))

    def _refresh(self):
        """Recompute the summary from the posted invoice lines (the readers go on)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL("REFRESH MATERIALIZED VIEW CONCURRENTLY %s", SQL.identifier(self._table))
        )
        self.invalidate_model()

    @api.model
    def _cron_refresh(self):
        self._refresh()

    @api.model
    def action_refresh(self):
        """The Refresh button: billing users bring the summary up to date now."""
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.sudo()._refresh()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": _("The revenue summary is up to date."),
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _trigger_refresh(self):
        """Refresh soon, in the cron (after a bill run posted its invoices)."""
        cron = self.env.ref(
            "telecom_billing.ir_cron_telecom_revenue_summary", raise_if_not_found=False
        )
        if cron:
            cron.sudo()._trigger()
