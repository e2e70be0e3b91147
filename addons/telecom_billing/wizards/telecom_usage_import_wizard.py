# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import hashlib

from odoo import _, fields, models
from odoo.exceptions import UserError


class TelecomUsageImportWizard(models.TransientModel):
    _name = "telecom.usage.import.wizard"
    _description = "Import usage records"

    source_id = fields.Many2one(
        "telecom.mediation.source", required=True,
        default=lambda self: self.env["telecom.mediation.source"].search([], limit=1),
    )  # fmt: skip
    file = fields.Binary(required=True, attachment=False)
    file_name = fields.Char()
    help_columns = fields.Text(
        readonly=True,
        default=lambda self: self._default_help(),
    )

    def _default_help(self):
        from ..rating import mediation

        return _(
            "CSV with a header line (plain or .gz). Columns: %(columns)s. Required: %(req)s.",
            columns=", ".join(mediation.CANONICAL_COLUMNS),
            req=", ".join(mediation.REQUIRED_COLUMNS),
        )

    def action_import(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose a file to import."))
        data = base64.b64decode(self.file)
        Batch = self.env["telecom.mediation.batch"]
        done = Batch.search(
            [
                ("source_id", "=", self.source_id.id),
                ("origin", "=", "upload"),
                ("state", "=", "done"),
                ("file_sha256", "=", hashlib.sha256(data).hexdigest()),
            ],
            limit=1,
        )
        if done:
            raise UserError(
                _(
                    "This file was already imported as %(batch)s (read %(read)s). Importing it "
                    "again would only record %(read)s duplicates.",
                    batch=done.name,
                    read=done.lines_read,
                )
            )
        batch = Batch._import_data(
            self.source_id.with_company(self.source_id.company_id),
            data,
            self.file_name or "usage.csv",
            origin="upload",
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "telecom.mediation.batch",
            "res_id": batch.id,
            "view_mode": "form",
            "target": "current",
        }
