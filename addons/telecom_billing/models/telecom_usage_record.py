# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Usage records (CDRs/EDRs): tens of millions of rows, written in bulk.

Storage choices (see README "Rating" for the measurements behind them):

* one ordinary table: Odoo 18's registry ignores PostgreSQL partitioned tables
  (``tools.sql.existing_tables`` only lists relkind r/v/m, so a partitioned
  table is "missing" at every load), and a partitioned table could not hold the
  global unique key on (source, source record id) the contract requires;
* **no foreign keys**: PostgreSQL checks each one per inserted row, which made a
  bulk COPY ~11x slower in our measurement. The importer only writes ids it has
  just read in the same transaction, and the referenced records refuse deletion
  while usage points at them (``@api.ondelete`` guards);
* indexes chosen for the readers: the unique partial key, bill runs (account,
  period), per-subscription history (subscription, start time), a partial index
  on the reject queue, and BRIN indexes (a few kB for millions of rows) on the
  time columns and the batch, whose values follow the physical insertion order.
"""

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine.fields import BigInteger
from ..rating import mediation

STATES = [
    ("accepted", "Accepted"),
    ("rated", "Rated"),
    ("rejected", "Rejected"),
    ("duplicate", "Duplicate"),
    ("unbillable", "Unbillable"),
    ("billed", "Billed"),
]
REASON_CODES = [(code, code.replace("_", " ").capitalize()) for code in mediation.REASONS]
DIRECTIONS = [("out", "Outgoing"), ("in", "Incoming")]

# (index name, method, expressions, where): created in init()
INDEXES = [
    ("telecom_usage_record_source_key", "unique", "source_id, source_record_id",
     "state NOT IN ('rejected', 'duplicate')"),
    ("telecom_usage_record_account_period", "btree", "billing_account_id, period_start", ""),
    ("telecom_usage_record_sub_start", "btree", "subscription_id, start_time", ""),
    ("telecom_usage_record_reject_queue", "btree", "source_id, id",
     "state IN ('rejected', 'duplicate')"),
    ("telecom_usage_record_time_brin", "brin", "start_time, period_start", ""),
    ("telecom_usage_record_batch_brin", "brin", "batch_id", ""),
    # the bill run's reader: only rated records not yet invoiced are in it, so it
    # stays small however much billed history the table holds
    ("telecom_usage_record_unbilled", "btree", "billing_account_id, period_start",
     "state = 'rated'"),
    # an invoice's usage: the count and rows of its usage detail (the portal's invoice
    # and pay page, the detail's PDF and XLSX), and the reset when it is cancelled;
    # without it each of those read the whole table (150 ms at 1M records, per call)
    ("telecom_usage_record_invoice_line", "btree", "invoice_line_id",
     "invoice_line_id IS NOT NULL"),
]  # fmt: skip


def human_quantity(quantity, unit):
    """A usage quantity as customers read it: the one format of invoices, the usage
    detail, the portal's pages and the back office's displays.

    - seconds: ``45 s``, ``4 min 05 s``, ``5 min`` (a whole number of minutes);
    - bytes (1 KB = 1,024 B): ``512 B``, ``1.5 KB``, ``5 GB``: at most two decimals,
      rounded, trailing zeros dropped, in the largest unit that reads at least 1;
    - any other unit (messages, events): the count, ``12``.

    ``quantity`` is a whole number of units (a fraction is dropped); empty is 0.
    """
    value = int(quantity or 0)
    if value < 0:
        return "-" + human_quantity(-value, unit)
    if unit == "second":
        minutes, seconds = divmod(value, 60)
        if not minutes:
            return f"{seconds} s"
        return f"{minutes} min {seconds:02d} s" if seconds else f"{minutes} min"
    if unit == "byte":
        for label, size in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
            number = round(value / size, 2)
            if number >= 1:
                return f"{number:.2f}".rstrip("0").rstrip(".") + f" {label}"
        return f"{value} B"
    return str(value)


class TelecomUsageRecord(models.Model):
    _name = "telecom.usage.record"
    _description = "Usage record (CDR/EDR)"
    # newest first by the primary key: instant on any table size (start_time
    # ordering would need a btree on a column every bulk insert touches)
    _order = "id desc"
    _rec_name = "source_record_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    source_id = fields.Many2one(
        "telecom.mediation.source", required=True, readonly=True,
        ondelete="restrict",
    )  # fmt: skip
    source_record_id = fields.Char(string="Source Record ID", readonly=True)
    batch_id = fields.Many2one("telecom.mediation.batch", string="Import", readonly=True)
    line_no = fields.Integer(string="Line", readonly=True, aggregator=None)
    subscriber = fields.Char(
        string="Subscriber Identifier", readonly=True,
        help="The number, IMSI or username the source gave.",
    )  # fmt: skip
    subscription_id = fields.Many2one("telecom.subscription", readonly=True)
    billing_account_id = fields.Many2one("telecom.billing.account", readonly=True)
    usage_type_id = fields.Many2one("telecom.usage.type", readonly=True)
    usage_unit = fields.Selection(related="usage_type_id.unit", string="Unit")
    direction = fields.Selection(DIRECTIONS, readonly=True)
    start_time = fields.Datetime(readonly=True, help="In UTC.")
    quantity = BigInteger(readonly=True, help="Seconds, bytes or count, as measured.")
    quantity_display = fields.Char(string="Used", compute="_compute_quantity_display")
    called_number = fields.Char(readonly=True)
    location = fields.Char(readonly=True, help="Visited network of a roaming record (+33).")
    zone_id = fields.Many2one("telecom.tariff.zone", readonly=True)
    time_band = fields.Char(readonly=True, help="Band(s) the record was priced in.")
    rated_quantity = BigInteger(readonly=True, help="Quantity after charging increments.")
    allowance_quantity = BigInteger(
        string="From Allowances", readonly=True, help="Rated units taken from allowances."
    )
    allowance_detail = fields.Char(
        readonly=True, help="Balances the allowance units came from: balance id:units, ..."
    )
    amount = fields.Monetary(readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    tariff_version_id = fields.Many2one("telecom.tariff.version", readonly=True)
    state = fields.Selection(STATES, required=True, default="accepted", readonly=True)
    reason_code = fields.Selection(REASON_CODES, readonly=True)
    reason = fields.Char(compute="_compute_reason")
    raw = fields.Text(
        string="Raw Line",
        help="The input line, kept for rejected and duplicate records; correct it and re-process.",
    )
    period_start = fields.Date(readonly=True, help="First day of the billing period.")
    invoice_line_id = fields.Many2one("account.move.line", readonly=True, copy=False)
    rerated_count = fields.Integer(string="Re-ratings", readonly=True, aggregator=None)
    # -- billing
    move_id = fields.Many2one(related="invoice_line_id.move_id", string="Invoice")
    adjusted_amount = fields.Monetary(
        readonly=True,
        help="Invoiced usage re-rated later: what it is worth now. The difference with the "
        "invoiced amount went on an adjustment charge (next invoice).",
    )

    # -- schema ---------------------------------------------------------------
    def _telecom_forget_foreign_keys(self):
        # hot path: no foreign key on this table (see the module docstring). The
        # many2one fields ask the registry for them in its post-init queue; this runs
        # after them (queued later, by init()) and before the registry creates them.
        for key in [k for k in self.pool._foreign_keys if k[0] == self._table]:
            del self.pool._foreign_keys[key]

    def init(self):
        self.pool.post_init(self._telecom_forget_foreign_keys)
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT conname FROM pg_constraint WHERE contype = 'f' AND conrelid = %s::regclass",
                self._table,
            )
        )
        for (name,) in cr.fetchall():
            cr.execute(SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(self._table),
                           SQL.identifier(name)))  # fmt: skip
        for name, method, columns, where in INDEXES:
            cr.execute(SQL("SELECT 1 FROM pg_indexes WHERE indexname = %s", name))
            if cr.rowcount:
                continue
            # constant DDL written above, no user input
            unique = "UNIQUE " if method == "unique" else ""
            using = "brin" if method == "brin" else "btree"
            cr.execute(
                SQL(
                    "CREATE %s INDEX %s ON %s USING %s (%s)%s",
                    SQL(unique),
                    SQL.identifier(name),
                    SQL.identifier(self._table),
                    SQL(using),
                    SQL(columns),
                    SQL(" WHERE " + where) if where else SQL(),
                )
            )

    # -- computes ---------------------------------------------------------------
    @api.depends("quantity", "usage_type_id.unit")
    def _compute_quantity_display(self):
        for rec in self:
            rec.quantity_display = human_quantity(rec.quantity, rec.usage_type_id.unit)

    @api.depends("reason_code")
    def _compute_reason(self):
        for rec in self:
            rec.reason = mediation.REASONS.get(rec.reason_code, "") if rec.reason_code else ""

    # -- guards -------------------------------------------------------------------
    @api.ondelete(at_uninstall=False)
    def _unlink_except_rated(self):
        if any(rec.state in ("rated", "billed", "unbillable") for rec in self):
            raise UserError(
                _(
                    "Rated, unbillable and billed usage records are kept for audit: they "
                    "cannot be deleted. Re-rate them instead."
                )
            )

    def write(self, vals):
        """Rating writes in bulk (SQL); through the ORM only three things change:

        the raw line of a rejected record (to correct it), and, for bill runs, the
        state between ``rated`` and ``billed`` with the ``invoice_line_id``. No one
        else, whatever the context (mediation, rating and re-rating write in SQL).
        """
        if vals:
            self.check_access("write")
        if set(vals) - {"raw", "state", "invoice_line_id"}:
            raise UserError(
                _(
                    "Usage records are written by mediation and rating; only the raw line "
                    "of a rejected record can be corrected."
                )
            )
        if "raw" in vals and any(rec.state not in ("rejected", "duplicate") for rec in self):
            raise UserError(_("Only the raw line of a rejected record can be corrected."))
        if "state" in vals and (
            vals["state"] not in ("rated", "billed")
            or any(rec.state not in ("rated", "billed") for rec in self)
        ):
            raise UserError(_("Only bill runs change a record's state, from rated to billed."))
        return super().write(vals)

    # -- actions ------------------------------------------------------------------
    def action_reprocess(self):
        """Run the (corrected) raw lines of rejected records through mediation again."""
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        records = self.filtered(lambda r: r.state == "rejected")
        if not records:
            raise UserError(_("Select rejected usage records to re-process."))
        result = self.env["telecom.mediation.batch"]._reprocess_records(records)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Re-processed"),
                "message": _(
                    "%(rated)s rated, %(unbillable)s unbillable, %(duplicate)s duplicate, "
                    "%(rejected)s still rejected.",
                    **result,
                ),
                "type": "success" if not result["rejected"] else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_explain(self):
        """Show how the record was (or would now be) priced, step by step."""
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        return self.env["telecom.rating.preview"]._create_from_usage(self)._action_open()
