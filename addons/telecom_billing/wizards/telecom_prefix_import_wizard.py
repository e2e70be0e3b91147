# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import csv
import io

from odoo import _, fields, models
from odoo.exceptions import UserError

from ..rating.prefix import prefix_digits

MAX_ERRORS_SHOWN = 50


class TelecomPrefixImportWizard(models.TransientModel):
    """Import a prefix table (thousands of rows) into a tariff version.

    CSV with a header: ``prefix``, ``zone`` (zone code) and optionally
    ``zone_name``, ``zone_class`` (code), ``kind`` (destination | roaming),
    ``billable`` (1/0). Missing zones are created (their class is required then).
    Bad lines are listed and skipped; the good ones are imported.
    """

    _name = "telecom.prefix.import.wizard"
    _description = "Import zone prefixes"

    version_id = fields.Many2one("telecom.tariff.version", required=True)
    file = fields.Binary(required=True, attachment=False)
    file_name = fields.Char()
    replace = fields.Boolean(
        string="Replace All Prefixes", help="Delete the version's prefixes first."
    )
    result = fields.Text(readonly=True)

    def action_import(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        if not self.file:
            raise UserError(_("Choose a CSV file."))
        try:
            text = base64.b64decode(self.file).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserError(_("The file is not UTF-8 text.")) from exc
        summary = self.version_id.env["telecom.prefix.import.wizard"]._import_prefixes(
            self.version_id, text, replace=self.replace
        )
        self.result = summary["text"]
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _import_prefixes(self, version, text, replace=False):
        """Import prefix rows; returns counts and the per-line errors."""
        sample = text[:4096]
        try:
            dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        fields_ = {(f or "").strip().lower() for f in reader.fieldnames or []}
        if not {"prefix", "zone"} <= fields_:
            raise UserError(_("The header must name at least the columns prefix and zone."))
        Zone = self.env["telecom.tariff.zone"]
        Prefix = self.env["telecom.tariff.prefix"]
        classes = {c.code: c for c in self.env["telecom.zone.class"].search([])}
        zones = {z.code: z for z in version.zone_ids}
        if replace:
            version.zone_ids.prefix_ids.unlink()
        existing = {(p.kind, p.prefix): p for p in version.zone_ids.prefix_ids}
        errors = []
        to_create = []
        updated = created_zones = 0
        seen = set()
        for line_no, row in enumerate(reader, start=2):
            row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k}
            try:
                prefix = "+" + prefix_digits(row.get("prefix", ""))
            except ValueError as exc:
                errors.append(_("line %(n)s: %(error)s", n=line_no, error=exc))
                continue
            code = row.get("zone")
            if not code:
                errors.append(_("line %(n)s: no zone code", n=line_no))
                continue
            zone = zones.get(code)
            if zone is None:
                zclass = classes.get(row.get("zone_class", ""))
                if not zclass:
                    errors.append(
                        _(
                            "line %(n)s: zone %(zone)s does not exist and zone_class %(cls)r "
                            "is not a zone class code",
                            n=line_no,
                            zone=code,
                            cls=row.get("zone_class", ""),
                        )
                    )
                    continue
                kind = row.get("kind") or "destination"
                if kind not in ("destination", "roaming"):
                    errors.append(_("line %(n)s: kind is destination or roaming", n=line_no))
                    continue
                zone = zones[code] = Zone.create(
                    {
                        "version_id": version.id,
                        "code": code,
                        "name": row.get("zone_name") or code,
                        "zone_class_id": zclass.id,
                        "kind": kind,
                        "billable": row.get("billable", "1") not in ("0", "false", "no"),
                    }
                )
                created_zones += 1
            key = (zone.kind, prefix)
            if key in seen:
                errors.append(_("line %(n)s: prefix %(p)s repeated", n=line_no, p=prefix))
                continue
            seen.add(key)
            current = existing.get(key)
            if current:
                if current.zone_id != zone:
                    current.zone_id = zone
                    updated += 1
                continue
            to_create.append({"zone_id": zone.id, "prefix": prefix})
        Prefix.create(to_create)
        lines = [
            _(
                "%(created)s prefixes created, %(updated)s moved to another zone, %(zones)s "
                "zones created, %(errors)s lines skipped.",
                created=len(to_create),
                updated=updated,
                zones=created_zones,
                errors=len(errors),
            )
        ]
        lines += errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            lines.append(_("... and %(n)s more.", n=len(errors) - MAX_ERRORS_SHOWN))
        return {
            "created": len(to_create),
            "updated": updated,
            "zones": created_zones,
            "errors": errors,
            "text": "\n".join(str(x) for x in lines),
        }
