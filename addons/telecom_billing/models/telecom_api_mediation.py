# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC of mediation sources (docs/rpc.md): import and export a source with its columns.

Shared document helpers: ``telecom_api_rating.py``.
"""

import codecs

from odoo import Command, api, models

from odoo.addons.telecom_crm.security_table import BILLING

from ..rating.documents import Checker
from ..rating.mediation import CANONICAL_COLUMNS
from .telecom_mediation_source import DELIMITERS

SOURCE_KEYS = (
    "code",
    "name",
    "timezone",
    "country_code",
    "delimiter",
    "encoding",
    "max_duration",
    "max_volume_mb",
    "max_count",
    "future_tolerance",
    "columns",
)


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    # -- mediation sources -----------------------------------------------------------------
    @api.model
    def import_mediation_source(self, document, request_id=None):
        """Create or update a mediation source (found by its code)."""

        def work():
            self._telecom_check_groups(BILLING, what=self.env._("Setting up mediation sources"))
            doc = self._api_source_check(document)
            Source = self.env["telecom.mediation.source"].with_context(active_test=False)
            source = Source.search(
                [("code", "=", doc["code"]), ("company_id", "=", self.env.company.id)], limit=1
            )
            vals = {
                "name": doc["name"],
                "timezone": doc["timezone"],
                "country_code": doc["country_code"],
                "delimiter": doc["delimiter"],
                "encoding": doc["encoding"],
                "max_duration": doc["max_duration"],
                "max_volume_mb": doc["max_volume_mb"],
                "max_count": doc["max_count"],
                "future_tolerance": doc["future_tolerance"],
                "active": True,
            }
            if source:
                source.column_ids.unlink()
                source.write(vals)
            else:
                source = Source.create({"code": doc["code"], **vals})
            source.write(
                {
                    "column_ids": [
                        Command.create({"field": col["field"], "header": col["header"]})
                        for col in doc["columns"]
                    ]
                }
            )
            return self._api_source_document(source)

        return self._api_call("import_mediation_source", request_id, [document], work)

    @api.model
    def _api_source_check(self, document):
        check = Checker()
        if check.struct(document, "", SOURCE_KEYS, required=("code",)) is None:
            raise self._api_document_errors(self.env._("mediation source"), check.errors)
        code = check.text(document.get("code"), "code")
        country = document.get("country_code", False)
        if country is not False and (
            not isinstance(country, str) or not country.isdigit() or len(country) > 3
        ):
            check.error("country_code", f"{country!r} is not a country calling code (33)")
        encoding = check.text(document.get("encoding", "utf-8"), "encoding")
        if encoding:
            try:
                codecs.lookup(encoding)
            except LookupError:
                check.error("encoding", f"{encoding!r} is not a known encoding")
        doc = {
            "code": code,
            "name": check.text(document["name"], "name") if "name" in document else code,
            "timezone": check.timezone(document.get("timezone", "UTC"), "timezone"),
            "country_code": country,
            "delimiter": check.choice(
                document.get("delimiter", ","), "delimiter", [key for key, _l in DELIMITERS]
            ),
            "encoding": encoding,
            "max_duration": check.integer(document.get("max_duration", 86_400), "max_duration", 1),
            "max_volume_mb": check.integer(
                document.get("max_volume_mb", 102_400), "max_volume_mb", 1
            ),
            "max_count": check.integer(document.get("max_count", 1_000), "max_count", 1),
            "future_tolerance": check.integer(
                document.get("future_tolerance", 300), "future_tolerance", 0
            ),
            "columns": [],
        }
        fields_seen = set()
        for index, column in enumerate(check.list(document.get("columns", []), "columns")):
            path = f"columns[{index}]"
            if check.struct(column, path, ("field", "header"), ("field", "header")) is None:
                continue
            field = check.choice(column.get("field"), f"{path}.field", CANONICAL_COLUMNS)
            if field in fields_seen:
                check.error(f"{path}.field", f"{field} is mapped twice")
            fields_seen.add(field)
            doc["columns"].append(
                {"field": field, "header": check.text(column.get("header"), f"{path}.header")}
            )
        if check.errors:
            raise self._api_document_errors(self.env._("mediation source"), check.errors)
        return doc

    @api.model
    def export_mediation_source(self, source):
        """A mediation source as ``import_mediation_source`` takes it."""

        def work():
            return self._api_source_document(self._telecom_usage_source(source))

        return self._api_call("export_mediation_source", None, [source], work)

    @api.model
    def _api_source_document(self, source):
        return {
            "code": source.code,
            "name": source.name,
            "timezone": source.timezone,
            "country_code": source.country_code or False,
            "delimiter": source.delimiter,
            "encoding": source.encoding,
            "max_duration": source.max_duration,
            "max_volume_mb": source.max_volume_mb,
            "max_count": source.max_count,
            "future_tolerance": source.future_tolerance,
            "columns": [
                {"field": column.field, "header": column.header}
                for column in source.column_ids.sorted("id")
            ],
        }
