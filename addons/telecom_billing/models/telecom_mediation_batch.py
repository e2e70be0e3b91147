# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Import batches: one file (or RPC call) through mediation and rating, exactly once.

**Exactly once.** A batch is processed in chunks (``telecom_billing.chunk_size``
records, 50,000 by default; a large import starts at an eighth of it and doubles,
so that storing overlaps rating sooner: ``mediation.chunk_sizes``). Each chunk is
one transaction: its usage records (COPY), the allowance balances it consumed,
and the batch's counters and ``progress_line`` (the last input line it covers)
are committed together, under
a PostgreSQL advisory lock that serialises rating (the same transaction also
creates the balances, with their rollover, the next chunk draws from: see
:class:`~..engine.chunk_pipeline.ChunkPipeline`). A crash loses at most the
uncommitted chunk, and nothing of it; a rerun (the same file again, the Resume
button, the cron finding the file still in its folder, an RPC retry with the
same ``batch_ref``) skips the lines up to ``progress_line`` and carries on. The
unique index on (source, source record id) makes a second charge impossible even
across batches: a record id seen before is stored as ``duplicate``.

**Reconciliation.** Every line read ends as exactly one usage record, so
``read = rated + rejected + duplicate + unbillable`` holds per batch, and
:meth:`action_verify` recounts it from the stored records.
"""

import gzip
import hashlib
import logging
import time
import zlib

from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.sequence import assign_sequence_names

from ..engine.balance_store import group_by_period
from ..engine.chunk_pipeline import PHASES, ChunkPipeline, StoredChunk, quiet_garbage_collector
from ..engine.rating_session import GENERATION_SEQUENCE, RATING_LOCK, RatingSession, from_epoch
from ..rating import POOL, SUB, mediation
from ..rating.engine import chronological
from ..tools.params import positive_int_param
from ..tools.runtime import testing

_logger = logging.getLogger(__name__)

ORIGINS = [
    ("upload", "Uploaded file"),
    ("rpc", "RPC"),
    ("folder", "Watched folder"),
]
COUNTED_STATES = ("rated", "rejected", "duplicate", "unbillable")
#: records per transaction: bigger chunks mean fewer balance writes and commits, at
#: about 1.5 kB of memory per record in flight
CHUNK_SIZE = 50_000


class TelecomMediationBatch(models.Model):
    _name = "telecom.mediation.batch"
    _description = "Usage import batch"
    _inherit = ("mail.thread",)
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, default="/", copy=False)
    source_id = fields.Many2one(
        "telecom.mediation.source", required=True, ondelete="restrict", index=True,
        check_company=True,
    )  # fmt: skip
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    origin = fields.Selection(ORIGINS, required=True, default="upload", readonly=True)
    file_name = fields.Char(readonly=True)
    file_sha256 = fields.Char(string="File SHA-256", readonly=True, index=True, copy=False)
    file_path = fields.Char(readonly=True, groups="base.group_system")
    attachment_id = fields.Many2one("ir.attachment", readonly=True, copy=False)
    rpc_ref = fields.Char(
        string="RPC Reference", readonly=True, copy=False,
        help="The caller's batch reference: a retry with it returns this batch's report.",
    )  # fmt: skip
    header = fields.Char(readonly=True, help="The header line of the file.")
    state = fields.Selection(
        [("draft", "Draft"), ("processing", "Processing"), ("done", "Done"), ("failed", "Failed")],
        required=True, default="draft", readonly=True, tracking=True, copy=False,
    )  # fmt: skip
    error = fields.Text(readonly=True, copy=False)
    lines_read = fields.Integer(string="Read", readonly=True, copy=False)
    rated_count = fields.Integer(string="Rated", readonly=True, copy=False)
    rejected_count = fields.Integer(string="Rejected", readonly=True, copy=False)
    duplicate_count = fields.Integer(string="Duplicates", readonly=True, copy=False)
    unbillable_count = fields.Integer(string="Unbillable", readonly=True, copy=False)
    reprocessed_count = fields.Integer(
        string="Re-processed", readonly=True, copy=False,
        help="Rejected records of this batch that were corrected and processed again.",
    )  # fmt: skip
    amount_total = fields.Monetary(readonly=True, copy=False, currency_field="currency_id")
    progress_line = fields.Integer(
        readonly=True, copy=False, help="Last input line committed (a rerun resumes after it)."
    )
    date_start = fields.Datetime(string="Started", readonly=True, copy=False)
    date_done = fields.Datetime(string="Finished", readonly=True, copy=False)
    duration = fields.Float(string="Duration (s)", readonly=True, copy=False, digits=(16, 2))
    records_per_second = fields.Integer(string="Records/s", readonly=True, copy=False)
    reconciled = fields.Boolean(compute="_compute_reconciled")
    reason_summary = fields.Html(compute="_compute_reason_summary", sanitize=False)
    verified_ok = fields.Boolean(readonly=True, copy=False)
    date_verified = fields.Datetime(readonly=True, copy=False)

    _sql_constraints = (
        ("rpc_ref_uniq", "unique(source_id, rpc_ref)", "An RPC batch reference is used once."),
    )

    @api.depends("lines_read", "rated_count", "rejected_count", "duplicate_count",
                 "unbillable_count")  # fmt: skip
    def _compute_reconciled(self):
        for batch in self:
            batch.reconciled = batch.lines_read == (
                batch.rated_count
                + batch.rejected_count
                + batch.duplicate_count
                + batch.unbillable_count
            )

    @api.depends("rejected_count", "unbillable_count", "duplicate_count")
    def _compute_reason_summary(self):
        for batch in self:
            if not batch.id or not (
                batch.rejected_count or batch.unbillable_count or batch.duplicate_count
            ):
                batch.reason_summary = False
                continue
            # the reject queue and BRIN index on batch_id make this a short scan
            rows = self.env["telecom.usage.record"]._read_group(
                [("batch_id", "=", batch.id), ("state", "in", ("rejected", "unbillable",
                                                               "duplicate"))],
                ["state", "reason_code"],
                ["__count"],
            )  # fmt: skip
            items = Markup("").join(
                Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
                % (state, code or "", mediation.REASONS.get(code, ""), count)
                for state, code, count in sorted(rows, key=lambda r: (r[0], r[1] or ""))
            )
            batch.reason_summary = (
                Markup(
                    "<table class='table table-sm'><thead><tr><th>State</th><th>Reason</th>"
                    "<th>Meaning</th><th class='text-end'>Records</th></tr></thead><tbody>"
                )
                + items
                + Markup("</tbody></table>")
            )

    def init(self):
        self.env.cr.execute(
            SQL("CREATE SEQUENCE IF NOT EXISTS %s", SQL.identifier(GENERATION_SEQUENCE))
        )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            source = self.env["telecom.mediation.source"].browse(vals.get("source_id"))
            if source and "company_id" not in vals:
                vals["company_id"] = source.company_id.id
        assign_sequence_names(self.env, vals_list, "telecom.mediation.batch")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_records(self):
        if self.env["telecom.usage.record"].search_count([("batch_id", "in", self.ids)], limit=1):
            raise UserError(_("An import whose usage records are stored cannot be deleted."))

    # -- entry points -----------------------------------------------------------------
    @api.model
    def _import_data(self, source, data, file_name, origin="upload", rpc_ref=None):
        """Import bytes (CSV, possibly gzipped) for a source; resume a matching batch."""
        source.ensure_one()
        sha = hashlib.sha256(data).hexdigest()
        domain = [("source_id", "=", source.id)]
        if rpc_ref:
            domain.append(("rpc_ref", "=", rpc_ref))
        else:
            domain += [("file_sha256", "=", sha), ("origin", "=", origin)]
        batch = self.search(domain, limit=1)
        if batch and rpc_ref and batch.file_sha256 != sha:
            raise ValidationError(
                _("RPC batch reference %(ref)s was already used for other records.", ref=rpc_ref)
            )
        if batch and batch.state == "done":
            return batch
        if not batch:
            attachment = self.env["ir.attachment"].create(
                {"name": file_name or "usage.csv", "raw": data, "res_model": self._name}
            )
            batch = self.create(
                {
                    "source_id": source.id,
                    "origin": origin,
                    "file_name": file_name,
                    "file_sha256": sha,
                    "attachment_id": attachment.id,
                    "rpc_ref": rpc_ref,
                }
            )
            attachment.res_id = batch.id
            self._commit_if_allowed()  # the batch and its file survive a crash
        batch._process()
        return batch

    def action_resume(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for batch in self:
            if batch.state == "done":
                raise UserError(_("Import %(name)s is complete.", name=batch.name))
            batch._process()
        return True

    # -- processing -------------------------------------------------------------------
    def _commit_if_allowed(self):
        if not testing():
            # guarded batch job: a batch's state and progress must survive a crash
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _open_data(self):
        self.ensure_one()
        if self.attachment_id:
            return self.attachment_id.raw or b""
        path = self.sudo().file_path
        if path:
            return path
        raise UserError(_("Import %(name)s has no file to read.", name=self.name))

    def _chunk_size(self):
        return positive_int_param(self.env, "telecom_billing.chunk_size", CHUNK_SIZE)

    def _process(self):
        """Run (or resume) the batch; record a failure instead of losing it."""
        self.ensure_one()
        if self.state == "done":
            return self
        started = time.perf_counter()
        read_before = self.lines_read
        vals = {"state": "processing", "error": False}
        if not self.date_start:
            vals["date_start"] = fields.Datetime.now()
        self.write(vals)
        self._commit_if_allowed()
        try:
            session = self._run(self._open_data())
        except (mediation.FileError, LookupError, OSError, EOFError, zlib.error,
                gzip.BadGzipFile) as exc:  # fmt: skip
            self._fail(_("The file cannot be read: %(error)s", error=exc))
            return self
        except Exception as exc:
            if not testing():
                self.env.cr.rollback()
            _logger.exception("usage import %s failed", self.name)
            self._fail(str(exc))
            raise
        elapsed = time.perf_counter() - started
        done = self.lines_read - read_before
        self.write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "duration": elapsed,
                "records_per_second": int(done / elapsed) if elapsed > 0 else 0,
            }
        )
        self.env["telecom.usage.record"].invalidate_model()
        self.env["telecom.allowance.balance"].invalidate_model()
        self.message_post(body=self._report_message())
        self._commit_if_allowed()
        self._rerate_late_usage(session)
        return self

    def _rerate_late_usage(self, session):
        """Usage that arrived late (this file, for times before usage another import
        already rated against the same allowances) is rated again with that period,
        in time order: the result does not depend on the order files arrive in.

        Only periods whose balances existed before this import can be out of order
        (``DbBalanceStore.created``): an import of new usage costs nothing here.
        """
        candidates = {}
        for (_sub_id, account_id, period), first in session.first_usage.items():
            key = (account_id, period)
            candidates[key] = min(first, candidates.get(key, first))
        if not candidates:
            return False
        keys = list(candidates)
        cr = self.env.cr
        # the allowance units another import took later in time, not yet invoiced
        cr.execute(
            SQL(
                """SELECT d.account, d.period
                     FROM unnest(%s::int[], %s::date[], %s::timestamp[])
                          AS d(account, period, first)
                    WHERE EXISTS (
                          SELECT 1 FROM telecom_usage_record u
                           WHERE u.billing_account_id = d.account AND u.period_start = d.period
                             AND u.start_time > d.first AND u.state = 'rated'
                             AND u.allowance_quantity > 0 AND u.batch_id <> %s)""",
                [k[0] for k in keys],
                [k[1] for k in keys],
                [from_epoch(candidates[k]) for k in keys],
                self.id,
            )
        )
        late = cr.fetchall()
        if not late:
            return False
        accounts = self.env["telecom.billing.account"].browse({row[0] for row in late})
        periods = [row[1] for row in late]
        # an automatic correction of what this import did: as the importing system
        rerating = (
            self.env["telecom.rerating"]
            .sudo()
            .create(
                {
                    "company_id": self.company_id.id,
                    "reason": _(
                        "Import %(batch)s brought usage older than usage already rated: "
                        "its period is rated again in time order.",
                        batch=self.name,
                    ),
                    "period_from": min(periods),
                    "period_to": max(periods),
                    "subscription_ids": [
                        fields.Command.set(
                            self.env["telecom.subscription"]
                            .sudo()
                            .search([("billing_account_id", "in", accounts.ids)])
                            .ids
                        )
                    ],
                }
            )
        )
        rerating.action_run()
        self.message_post(
            body=_(
                "Late usage: %(count)s billing period(s) of %(accounts)s account(s) rated again "
                "in time order (%(rerating)s).",
                count=len(late),
                accounts=len(accounts),
                rerating=rerating.name,
            )
        )
        self._commit_if_allowed()
        return rerating

    def _fail(self, error):
        self.write({"state": "failed", "error": error})
        self.message_post(body=_("Import failed: %(error)s", error=error))
        self._commit_if_allowed()

    def _report_message(self):
        return _(
            "Read %(read)s = rated %(rated)s + rejected %(rejected)s + duplicate %(dup)s + "
            "unbillable %(unbillable)s%(check)s; amount %(amount)s.",
            read=self.lines_read,
            rated=self.rated_count,
            rejected=self.rejected_count,
            dup=self.duplicate_count,
            unbillable=self.unbillable_count,
            check="" if self.reconciled else _(" (DOES NOT RECONCILE)"),
            amount=self.amount_total,
        )

    def _run(self, data):
        """Import ``data``; returns the rating session (what it rated and created)."""
        with quiet_garbage_collector():
            return self._run_import(data)

    def _run_import(self, data):
        source = self.source_id
        options = source._rating_options()
        reader = mediation.Reader(data, options)
        try:
            if self.header and self.header != reader.header:
                raise mediation.FileError(
                    _("the header differs from the first attempt's: not the same file")
                )
            if not self.header:
                self.header = reader.header
            session = RatingSession(self.env, self.company_id)
            validator = mediation.Validator(options, session.usage_types, now=time.time())
            sizes = mediation.chunk_sizes(self._chunk_size())
            size = next(sizes)
            skip = self.progress_line
            index = reader.index
            record = validator.record
            pipeline = ChunkPipeline(self, session)
            chunk = []
            clock = time.perf_counter
            started = clock()
            try:
                for line_no, raw, values, reason in reader:
                    if line_no <= skip:
                        continue
                    chunk.append(record(line_no, raw, values, index, reason))
                    if len(chunk) >= size:
                        PHASES["read_validate"] += clock() - started
                        pipeline.submit(chunk)
                        chunk = []
                        size = next(sizes)
                        started = clock()
                PHASES["read_validate"] += clock() - started
                if chunk:
                    pipeline.submit(chunk)
                pipeline.finish()
            except BaseException:
                pipeline.abort()
                raise
        finally:
            reader.close()
        return session

    @staticmethod
    def _prepare_offline(session, records):
        """What a chunk's preparation needs no query for (known subscribers, periods)."""
        started = time.perf_counter()
        session.resolve(records, cached_only=True)
        locate = session.engine.locate
        for rec in records:
            if rec.sub is not None and rec.state == "accepted":
                locate(rec)
        PHASES["resolve_offline"] += time.perf_counter() - started

    def _rate_and_store(self, session, records):
        """Resolve, de-duplicate, locate and load the balances of one chunk.

        Returns the chunk's :class:`StoredChunk`; its rating and COPY then run
        (in :class:`ChunkPipeline`) while the next chunk is read.
        """
        clock = time.perf_counter
        started = clock()
        session.resolve(records)
        seen = set()
        for rec in records:
            if rec.state == "accepted":
                if rec.record_id in seen:
                    rec.state, rec.reason = "duplicate", "duplicate"
                else:
                    seen.add(rec.record_id)
        accepted = [rec for rec in records if rec.state == "accepted"]
        engine = session.engine
        for rec in accepted:
            if rec.local is None:
                engine.locate(rec)
        store = session.store
        mark = clock()
        PHASES["resolve_dedup"] += mark - started
        pairs = group_by_period(accepted)
        store.prepare(pairs)
        others = [rec for rec in records if rec.state != "accepted"]
        chunk = StoredChunk(records, accepted, others)
        PHASES["balances_load"] += clock() - mark
        accepted.sort(key=chronological)
        self._note_first_usage(session, accepted, pairs)
        return chunk

    @staticmethod
    def _note_first_usage(session, accepted, pairs):
        """The earliest record of each subscription and period whose balances existed
        before this import (``_rerate_late_usage``); periods this import opened (all of
        them when the usage is new) need no look at the records."""
        created = session.store.created
        older = {
            (sub.id, start)
            for sub, start in pairs
            if (SUB, sub.id, start) not in created
            or (POOL, sub.billing_account_id, start) not in created
        }
        if not older:
            return
        first = session.first_usage
        for rec in accepted:  # in time order: the first one seen is the earliest
            sub = rec.sub
            pair = (sub.id, rec.period_start)
            if pair in older:
                older.discard(pair)
                key = (sub.id, sub.billing_account_id, rec.period_start)
                if rec.start < first.get(key, rec.start + 1):
                    first[key] = rec.start
                if not older:
                    break

    def _store_counters(self, records):
        self.env.cr.execute(self._counters_sql(records))

    def _counters_sql(self, records):
        """The statement adding a chunk's counts and progress to the batch."""
        counts = dict.fromkeys(COUNTED_STATES, 0)
        amount = 0
        for rec in records:
            counts[rec.state] += 1
            amount += rec.amount
        # one statement per chunk; the amount is added as an exact numeric
        return SQL(
            """UPDATE telecom_mediation_batch
                      SET lines_read = COALESCE(lines_read, 0) + %s,
                          rated_count = COALESCE(rated_count, 0) + %s,
                          rejected_count = COALESCE(rejected_count, 0) + %s,
                          duplicate_count = COALESCE(duplicate_count, 0) + %s,
                          unbillable_count = COALESCE(unbillable_count, 0) + %s,
                          amount_total = COALESCE(amount_total, 0) + %s, progress_line = %s
                    WHERE id = %s""",
            len(records),
            counts["rated"],
            counts["rejected"],
            counts["duplicate"],
            counts["unbillable"],
            amount,
            records[-1].line_no,
            self.id,
        )

    def _known_record_ids(self, record_ids):
        cr = self.env.cr
        cr.execute(
            SQL(
                """SELECT source_record_id FROM telecom_usage_record
                    WHERE source_id = %s AND source_record_id = ANY(%s)
                      AND state NOT IN ('rejected', 'duplicate')""",
                self.source_id.id,
                record_ids,
            )
        )
        return {row[0] for row in cr.fetchall()}

    # -- re-processing of corrected rejects -----------------------------------------
    @api.model
    def _reprocess_records(self, records):
        """Validate and rate rejected records again from their (corrected) raw lines."""
        result = dict.fromkeys(COUNTED_STATES, 0)
        for (batch, source), group in records.grouped(
            lambda r: (r.batch_id, r.source_id)
        ).items():  # fmt: skip
            counts = batch.with_company(source.company_id)._reprocess_group(source, group)
            for key, value in counts.items():
                result[key] += value
        return result

    def _reprocess_group(self, source, usage):
        options = source._rating_options()
        header = self.header or ",".join(mediation.CANONICAL_COLUMNS)
        company = self.company_id or source.company_id
        session = RatingSession(self.env, company)
        validator = mediation.Validator(options, session.usage_types, now=time.time())
        width, index = mediation.header_index(header, options)
        records = []
        for row in usage:
            values, reason = mediation.parse_line(row.raw, width, options.delimiter)
            rec = validator.record(row.line_no, row.raw or "", values, index, reason)
            rec.db_id = row.id
            records.append(rec)
        self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s, %s)", RATING_LOCK, company.id))
        session.resolve(records)
        known = self._known_record_ids([r.record_id for r in records if r.state == "accepted"])
        seen = set()
        for rec in records:
            if rec.state == "accepted" and (rec.record_id in known or rec.record_id in seen):
                rec.state, rec.reason = "duplicate", "duplicate"
            seen.add(rec.record_id)
        accepted = [rec for rec in records if rec.state == "accepted"]
        for rec in accepted:
            session.engine.locate(rec)
        session.store.prepare(group_by_period(accepted))
        session.engine.rate_batch(accepted)
        session.update_records(records)
        session.store.flush()
        session.bump()
        counts = dict.fromkeys(COUNTED_STATES, 0)
        amount = 0
        for rec in records:
            counts[rec.state] += 1
            amount += rec.amount
        if self:
            resolved = len(records) - counts["rejected"]
            self.env.cr.execute(
                SQL(
                    """UPDATE telecom_mediation_batch
                          SET rejected_count = COALESCE(rejected_count, 0) - %s,
                              rated_count = COALESCE(rated_count, 0) + %s,
                              duplicate_count = COALESCE(duplicate_count, 0) + %s,
                              unbillable_count = COALESCE(unbillable_count, 0) + %s,
                              reprocessed_count = COALESCE(reprocessed_count, 0) + %s,
                              amount_total = COALESCE(amount_total, 0) + %s
                        WHERE id = %s""",
                    resolved,
                    counts["rated"],
                    counts["duplicate"],
                    counts["unbillable"],
                    resolved,
                    amount,
                    self.id,
                )
            )
            self.invalidate_recordset()
        self.env["telecom.usage.record"].invalidate_model()
        self.env["telecom.allowance.balance"].invalidate_model()
        return counts

    # -- reconciliation -------------------------------------------------------------------
    def action_verify(self):
        """Recount the batch from its stored records and say whether it reconciles."""
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        for batch in self:
            rows = self.env["telecom.usage.record"]._read_group(
                [("batch_id", "=", batch.id)], ["state"], ["__count"]
            )
            stored = dict(rows)
            stored["rated"] = stored.get("rated", 0) + stored.pop("billed", 0)
            expected = {
                "rated": batch.rated_count,
                "rejected": batch.rejected_count,
                "duplicate": batch.duplicate_count,
                "unbillable": batch.unbillable_count,
            }
            total = sum(stored.values())
            ok = (
                all(stored.get(k, 0) == v for k, v in expected.items())
                and total == batch.lines_read
                and batch.reconciled
            )
            batch.write({"verified_ok": ok, "date_verified": fields.Datetime.now()})
            batch.message_post(
                body=_(
                    "Verification: %(total)s stored records for %(read)s lines read "
                    "(rated %(rated)s, rejected %(rejected)s, duplicate %(dup)s, "
                    "unbillable %(unb)s): %(result)s",
                    total=total,
                    read=batch.lines_read,
                    rated=stored.get("rated", 0),
                    rejected=stored.get("rejected", 0),
                    dup=stored.get("duplicate", 0),
                    unb=stored.get("unbillable", 0),
                    result=_("reconciled") if ok else _("DOES NOT RECONCILE"),
                )
            )
        return True

    def action_view_records(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_usage_record_action"
        )
        action["domain"] = [("batch_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_view_rejects(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        action = self.action_view_records()
        action["domain"] = [("batch_id", "=", self.id), ("state", "=", "rejected")]
        return action

    def _report(self):
        """The batch's report as plain data (RPC)."""
        self.ensure_one()
        return {
            "batch": self.name,
            "batch_id": self.id,
            "state": self.state,
            "read": self.lines_read,
            "rated": self.rated_count,
            "rejected": self.rejected_count,
            "duplicate": self.duplicate_count,
            "unbillable": self.unbillable_count,
            "reconciled": self.reconciled,
            "amount": str(self.amount_total),
            "error": self.error or None,
        }
