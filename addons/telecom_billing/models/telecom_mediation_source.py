# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import glob
import hashlib
import logging
import os
import shutil

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..rating import mediation
from ..tools.params import positive_int_param
from ..tools.runtime import testing

_logger = logging.getLogger(__name__)

MB = 1024**2
DELIMITERS = [(",", "Comma (,)"), (";", "Semicolon (;)"), ("\t", "Tab"), ("|", "Pipe (|)")]
FOLDER_PATTERNS = ("*.csv", "*.csv.gz", "*.cdr", "*.cdr.gz", "*.txt", "*.txt.gz")


def file_sha256(path_or_bytes):
    digest = hashlib.sha256()
    if isinstance(path_or_bytes, bytes | bytearray):
        digest.update(path_or_bytes)
    else:
        with open(path_or_bytes, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


class TelecomMediationSource(models.Model):
    """A switch, platform or mediation system usage files come from."""

    _name = "telecom.mediation.source"
    _description = "Mediation source"
    _inherit = ("mail.thread",)
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, tracking=True, help="Short unique code (used by RPC).")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    delimiter = fields.Selection(DELIMITERS, required=True, default=",")
    encoding = fields.Char(required=True, default="utf-8", help="utf-8, latin-1, cp1252...")
    timezone = fields.Selection(
        _tz_get, default="UTC", required=True,
        help="Time zone of start times written without an offset.",
    )  # fmt: skip
    country_code = fields.Char(
        help="Country calling code for national numbers (0470... becomes +32470... with 32)."
    )
    column_ids = fields.One2many(
        "telecom.mediation.column", "source_id", string="Column Mapping", copy=True
    )
    max_duration = fields.Integer(
        string="Max Duration (s)", default=86_400, help="Longer durations are absurd."
    )
    max_volume_mb = fields.Integer(string="Max Volume (MB)", default=102_400)
    max_count = fields.Integer(default=1_000)
    future_tolerance = fields.Integer(
        string="Clock Tolerance (s)", default=300,
        help="Start times further in the future than this are rejected.",
    )  # fmt: skip
    watch_folder = fields.Char(
        groups="base.group_system",
        help="Server folder the import cron reads *.csv / *.csv.gz files from; imported "
        "files move to done/, failed ones to error/.",
    )
    batch_ids = fields.One2many("telecom.mediation.batch", "source_id", string="Imports")
    batch_count = fields.Integer(compute="_compute_batch_count")

    _sql_constraints = (
        ("code_company_uniq", "unique(code, company_id)", "A source code must be unique."),
    )

    def _compute_batch_count(self):
        counts = dict(
            self.env["telecom.mediation.batch"]._read_group(
                [("source_id", "in", self.ids)], ["source_id"], ["__count"]
            )
        )
        for source in self:
            source.batch_count = counts.get(source, 0)

    @api.constrains("encoding", "max_duration", "max_volume_mb", "max_count")
    def _check_options(self):
        for source in self:
            try:
                source._rating_options()
            except (ValueError, LookupError) as exc:
                raise ValidationError(
                    _("Source %(name)s: %(error)s", name=source.name, error=exc)
                ) from exc
            if min(source.max_duration, source.max_volume_mb, source.max_count) <= 0:
                raise ValidationError(_("The maximum duration, volume and count must be positive."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.env["telecom.mediation.batch"].search_count([("source_id", "in", self.ids)]):
            raise UserError(_("A source with imports cannot be deleted: archive it."))

    def _rating_options(self):
        self.ensure_one()
        return mediation.Options(
            delimiter=self.delimiter or ",",
            encoding=(self.encoding or "utf-8").strip(),
            mapping={c.field: c.header.strip() for c in self.column_ids if c.header},
            tz=self.timezone or "UTC",
            country_code=(self.country_code or "").strip(),
            max_seconds=self.max_duration,
            max_bytes=self.max_volume_mb * 1024 * 1024,
            max_count=self.max_count,
            future_tolerance=self.future_tolerance,
            max_line_bytes=positive_int_param(
                self.env, "telecom_billing.usage_max_line_bytes", mediation.MAX_LINE_BYTES
            ),
            max_file_bytes=positive_int_param(
                self.env, "telecom_billing.usage_max_file_mb", mediation.MAX_FILE_BYTES // MB
            )
            * MB,
        )

    def action_view_batches(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_mediation_batch_action"
        )
        action["domain"] = [("source_id", "=", self.id)]
        action["context"] = {"default_source_id": self.id}
        return action

    def action_view_rejects(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_usage_record_action_rejected"
        )
        action["domain"] = [("source_id", "=", self.id), ("state", "=", "rejected")]
        return action

    # -- watched folder ----------------------------------------------------------
    @api.model
    def _cron_import_folders(self, max_files=20):
        """Import the files waiting in every source's watched folder."""
        sources = self.sudo().search([("watch_folder", "!=", False)])
        done = 0
        for source in sources:
            done += source.with_company(source.company_id)._import_folder(max_files - done)
            if done >= max_files:
                break
        return done

    def _import_folder(self, max_files=20):
        self.ensure_one()
        folder = self.sudo().watch_folder
        if not folder or not os.path.isdir(folder):
            _logger.warning("source %s: watched folder %r is not a folder", self.code, folder)
            return 0
        paths = sorted(
            {p for pattern in FOLDER_PATTERNS for p in glob.glob(os.path.join(folder, pattern))}
        )
        Batch = self.env["telecom.mediation.batch"]
        count = 0
        for path in paths[:max_files]:
            sha = file_sha256(path)
            done = Batch.search(
                [("source_id", "=", self.id), ("file_sha256", "=", sha), ("state", "=", "done")],
                limit=1,
            )
            if done:
                _logger.info("source %s: %s already imported as %s", self.code, path, done.name)
                self._move(path, "done")
                continue
            batch = Batch.search(
                [("source_id", "=", self.id), ("file_sha256", "=", sha),
                 ("state", "in", ("draft", "processing", "failed"))],
                limit=1,
            )  # fmt: skip
            if not batch:
                batch = Batch.create(
                    {
                        "source_id": self.id,
                        "origin": "folder",
                        "file_name": os.path.basename(path),
                        "file_sha256": sha,
                        "file_path": path,
                    }
                )
                if not testing():
                    # guarded batch job: the batch survives a crash of its import
                    self.env.cr.commit()  # pylint: disable=invalid-commit
            batch.file_path = path
            batch._process()
            target = self._move(path, "done" if batch.state == "done" else "error")
            batch.file_path = target
            if not testing():
                # guarded batch job: the file's new place is recorded with its batch
                self.env.cr.commit()  # pylint: disable=invalid-commit
            count += 1
        return count

    @staticmethod
    def _move(path, subfolder):
        target_dir = os.path.join(os.path.dirname(path), subfolder)
        os.makedirs(target_dir, exist_ok=True)
        target = os.path.join(target_dir, os.path.basename(path))
        shutil.move(path, target)
        return target


class TelecomMediationColumn(models.Model):
    """Which header of a source's files holds which canonical column."""

    _name = "telecom.mediation.column"
    _description = "Mediation column mapping"
    _order = "source_id, id"

    source_id = fields.Many2one(
        "telecom.mediation.source", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="source_id.company_id", store=True)
    field = fields.Selection(
        [(c, c) for c in mediation.CANONICAL_COLUMNS], string="Column", required=True
    )
    header = fields.Char(string="Header in the File", required=True)

    _sql_constraints = (
        ("field_uniq", "unique(source_id, field)", "Each column is mapped once per source."),
    )
