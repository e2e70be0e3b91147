# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC of tariffs (docs/rpc.md): validate, import, export and list tariff documents.

Shared document helpers: ``telecom_api_rating.py``.
"""

from datetime import date, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.telecom_crm.security_table import BILLING

from ..rating import documents
from ..rating.documents import DAYS, clock_text
from .telecom_tariff_price import INCREMENTS

# charging increments: preset key of (first, next)
INCREMENT_KEYS = {(first, nxt): key for key, (_label, first, nxt) in INCREMENTS.items()}


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    # -- tariffs -------------------------------------------------------------------------------
    @api.model
    def _api_find_tariff(self, ref):
        return self._api_lookup(
            self.env["telecom.tariff"].with_context(active_test=False),
            ref,
            "code",
            [("company_id", "=", self.env.company.id)],
        )

    @api.model
    def _api_tariff_check(self, document):
        """``(canonical, errors, context)``: the document's own errors, then the database's."""
        canonical, errors = documents.tariff_document(document, self._api_rating_catalog())
        if errors:
            return None, errors, {}
        tariff = self._api_find_tariff(canonical["tariff"])
        start = date.fromisoformat(canonical["date_from"])
        end = date.fromisoformat(canonical["date_to"]) if canonical["date_to"] else None
        versions = tariff.version_ids.filtered("active")
        same = versions.filtered(lambda v: v.date_from == start)[:1]
        to_close = self.env["telecom.tariff.version"]
        for other in versions - same:
            if other.date_to and other.date_to < start or end and other.date_from > end:
                continue
            if other.date_from < start and not other.date_to and not end and not same:
                to_close |= other  # ends the day before, like "New Version"
                continue
            errors.append(
                (
                    "date_from" if other.date_from < start else "date_to",
                    (
                        f"overlaps version {other.name} of tariff {tariff.code}: give dates that "
                        "do not overlap it (or the same date_from to replace it)"
                    ),
                )
            )
        if same:
            codes = {zone["code"] for zone in canonical["zones"]}
            removed = same.zone_ids.filtered(lambda z: z.code not in codes)
            if removed:
                used = (
                    self.env["telecom.usage.record"]
                    .sudo()
                    ._read_group([("zone_id", "in", removed.ids)], ["zone_id"], ["__count"])
                )
                for zone, _count in used:
                    errors.append(
                        (
                            "zones",
                            (
                                f"zone {zone.code} of the version being replaced rated usage "
                                "records: keep it in the document"
                            ),
                        )
                    )
        context = {"tariff": tariff, "version": same, "close": to_close}
        return (None if errors else canonical), errors, context

    @api.model
    def validate_tariff(self, document):
        """Check a tariff version document without writing anything.

        Returns ``{"valid", "errors": [{"path", "message"}], "action": "create" |
        "replace" | False, "document": the canonical document or False}``.
        """

        def work():
            self._telecom_check_groups(BILLING, what=self.env._("Setting up tariffs"))
            canonical, errors, context = self._api_tariff_check(document)
            action = False
            if canonical:
                action = "replace" if context["version"] else "create"
            return {
                "valid": not errors,
                "errors": self._api_plain_errors(errors),
                "action": action,
                "document": canonical or False,
            }

        return self._api_call("validate_tariff", None, [document], work)

    @api.model
    def import_tariff(self, document, request_id=None):
        """Create or replace a tariff version from one document, all or nothing.

        The tariff is found by its code (created when missing); the version by its
        ``date_from``: the same date replaces that version (zones keep their ids,
        so rated usage still points at them), another one adds a version (an
        earlier open-ended version then ends the day before).
        """

        def work():
            self._telecom_check_groups(BILLING, what=self.env._("Setting up tariffs"))
            canonical, errors, context = self._api_tariff_check(document)
            if errors:
                raise self._api_document_errors(self.env._("tariff document"), errors)
            return self._api_write_tariff(canonical, context)

        return self._api_call("import_tariff", request_id, [document], work)

    @api.model
    def _api_write_tariff(self, doc, context):
        env = self.env
        tariff = context["tariff"]
        tariff_vals = {"name": doc["name"], "timezone": doc["timezone"], "active": True}
        if tariff:
            tariff.write(tariff_vals)
        else:
            tariff = env["telecom.tariff"].create({"code": doc["tariff"], **tariff_vals})
        start = date.fromisoformat(doc["date_from"])
        end = date.fromisoformat(doc["date_to"]) if doc["date_to"] else False
        calendar = self._api_holiday_calendar(doc["holidays"])
        version_vals = {
            "date_to": end,
            "currency_id": env["res.currency"].search([("name", "=", doc["currency"])]).id,
            "rounding_precision": doc["rounding"]["precision"],
            "rounding_method": doc["rounding"]["method"],
            "band_policy": doc["band_policy"],
            "default_band": doc["default_band"],
            "holiday_calendar_id": calendar.id,
            "holiday_band": doc["holidays"]["band"] if doc["holidays"] else False,
            "default_zone_id": False,
        }
        version = context["version"]
        closed = []
        if version:
            version.write(version_vals)
            version.price_ids.unlink()
            version.band_ids.unlink()
            env["telecom.tariff.prefix"].search([("version_id", "=", version.id)]).unlink()
        else:
            for other in context["close"]:
                other.date_to = start - timedelta(days=1)
                closed.append(
                    {
                        "version_id": other.id,
                        "date_from": self._api_iso(other.date_from),
                        "date_to": self._api_iso(other.date_to),
                    }
                )
            version = env["telecom.tariff.version"].create(
                {"tariff_id": tariff.id, "date_from": start, **version_vals}
            )
        env["telecom.time.band"].create(
            [
                {
                    "version_id": version.id,
                    "sequence": (index + 1) * 10,
                    "band": band["band"],
                    **{day: day in band["days"] for day in DAYS},
                    "hour_from": self._api_hours(band["from"]),
                    "hour_to": self._api_hours(band["to"]),
                }
                for index, band in enumerate(doc["bands"])
            ]
        )
        zones = self._api_write_zones(version, doc["zones"])
        if doc["default_zone"]:
            version.default_zone_id = zones[doc["default_zone"]]
        usage_types = {
            utype.code: utype.id
            for utype in env["telecom.usage.type"].search(
                [("code", "in", [p["usage_type"] for p in doc["prices"]])]
            )
        }
        env["telecom.tariff.price"].create(
            [self._api_price_vals(version, price, zones, usage_types) for price in doc["prices"]]
        )
        return {
            "tariff_id": tariff.id,
            "tariff": tariff.code,
            "version_id": version.id,
            "date_from": self._api_iso(version.date_from),
            "date_to": self._api_iso(version.date_to),
            "created": not context["version"],
            "closed_versions": closed,
            "zones": len(doc["zones"]),
            "prefixes": sum(len(zone["prefixes"]) for zone in doc["zones"]),
            "prices": len(doc["prices"]),
        }

    @api.model
    def _api_hours(self, text):
        hours, minutes = text.split(":")
        return int(hours) + int(minutes) / 60

    @api.model
    def _api_holiday_calendar(self, holidays):
        """The company's calendar of that name, holding exactly the document's dates."""
        Calendar = self.env["telecom.holiday.calendar"]
        if not holidays:
            return Calendar
        calendar = Calendar.search(
            [("name", "=", holidays["calendar"]), ("company_id", "=", self.env.company.id)],
            limit=1,
        )
        if not calendar:
            calendar = Calendar.create({"name": holidays["calendar"]})
        wanted = [(item["date"], item["name"]) for item in holidays["dates"]]
        current = [(self._api_iso(h.date), h.name) for h in calendar.holiday_ids.sorted("date")]
        if wanted != current:
            calendar.holiday_ids.unlink()
            calendar.write(
                {
                    "holiday_ids": [
                        Command.create({"date": day, "name": name}) for day, name in wanted
                    ]
                }
            )
        return calendar

    @api.model
    def _api_write_zones(self, version, zone_docs):
        """Zones by code: kept (and updated) when they exist, so usage keeps pointing at them."""
        env = self.env
        existing = {zone.code: zone for zone in version.zone_ids}
        classes = self._api_code_ids("telecom.zone.class")
        zones = {}
        for index, doc in enumerate(zone_docs):
            vals = {
                "name": doc["name"],
                "zone_class_id": classes[doc["class"]],
                "kind": doc["kind"],
                "billable": doc["billable"],
                "sequence": (index + 1) * 10,
            }
            zone = existing.pop(doc["code"], None)
            if zone:
                zone.write(vals)
            else:
                zone = env["telecom.tariff.zone"].create(
                    {"version_id": version.id, "code": doc["code"], **vals}
                )
            zones[doc["code"]] = zone
        for zone in existing.values():
            zone.unlink()
        env["telecom.tariff.prefix"].create(
            [
                {"zone_id": zones[doc["code"]].id, "prefix": prefix}
                for doc in zone_docs
                for prefix in doc["prefixes"]
            ]
        )
        return zones

    @api.model
    def _api_price_vals(self, version, doc, zones, usage_types):
        first, nxt = doc["increment"]
        preset = INCREMENT_KEYS.get((first, nxt))
        increments = (
            {"increment": preset}
            if preset
            else {"increment": "custom", "increment_first": first, "increment_next": nxt}
        )
        return {
            "version_id": version.id,
            "usage_type_id": usage_types[doc["usage_type"]],
            "zone_id": zones[doc["zone"]].id if doc["zone"] else False,
            "band": doc["band"],
            "price": doc["price"],
            "price_per": doc["per"],
            **increments,
            "connection_fee": doc["connection_fee"],
            "minimum_charge": doc["minimum_charge"],
            "charge_incoming": doc["charge_incoming"],
            "tier_ids": [
                Command.create({"from_quantity": tier["from"], "price": tier["price"]})
                for tier in doc["tiers"]
            ],
        }

    @api.model
    def export_tariff(self, tariff, date=None):
        """A tariff version as the document ``import_tariff`` takes (round trip).

        ``tariff``: code or id; ``date``: the version in force that day (ISO-8601;
        default: today's, else the latest).
        """

        def work():
            day = self._api_date(date, "date")
            found = self._api_find_tariff(tariff)
            if not found:
                raise UserError(self.env._("No tariff %(ref)s.", ref=tariff))
            versions = found.version_ids.filtered("active").sorted("date_from")
            version = versions.filtered(
                lambda v: (
                    v.date_from <= (day or fields.Date.context_today(self))
                    and (not v.date_to or v.date_to >= (day or fields.Date.context_today(self)))
                )
            )[:1]
            if not version and not day:
                version = versions[-1:]
            if not version:
                raise UserError(
                    self.env._(
                        "Tariff %(code)s has no version in force on %(date)s; its versions: "
                        "%(versions)s.",
                        code=found.code,
                        date=day,
                        versions=", ".join(versions.mapped("name")) or "-",
                    )
                )
            return self._api_tariff_document(version)

        return self._api_call("export_tariff", None, [tariff, date], work)

    @api.model
    def list_tariffs(self):
        """The company's tariffs and their versions (to export them all)."""

        def work():
            tariffs = self.env["telecom.tariff"].search([("company_id", "=", self.env.company.id)])
            return [
                {
                    "tariff": tariff.code,
                    "name": tariff.name,
                    "versions": [
                        {
                            "version_id": version.id,
                            "date_from": self._api_iso(version.date_from),
                            "date_to": self._api_iso(version.date_to),
                        }
                        for version in tariff.version_ids.filtered("active").sorted("date_from")
                    ],
                }
                for tariff in tariffs
            ]

        return self._api_call("list_tariffs", None, [], work)

    @api.model
    def _api_tariff_document(self, version):
        tariff = version.tariff_id
        calendar = version.holiday_calendar_id

        def minutes(hours):
            return clock_text(round(hours * 60))

        return {
            "tariff": tariff.code,
            "name": tariff.name,
            "timezone": tariff.timezone,
            "date_from": self._api_iso(version.date_from),
            "date_to": self._api_iso(version.date_to),
            "currency": version.currency_id.name,
            "rounding": {
                "precision": version.rounding_precision,
                "method": version.rounding_method,
            },
            "band_policy": version.band_policy,
            "default_band": version.default_band,
            "bands": [
                {
                    "band": band.band,
                    "days": [day for day in DAYS if band[day]],
                    "from": minutes(band.hour_from),
                    "to": minutes(band.hour_to),
                }
                for band in version.band_ids.sorted(lambda b: (b.sequence, b.id))
            ],
            "holidays": {
                "calendar": calendar.name,
                "band": version.holiday_band or False,
                "dates": [
                    {"date": self._api_iso(holiday.date), "name": holiday.name}
                    for holiday in calendar.holiday_ids.sorted("date")
                ],
            }
            if calendar
            else False,
            "zones": [
                {
                    "code": zone.code,
                    "name": zone.name,
                    "class": zone.zone_class_id.code,
                    "kind": zone.kind,
                    "billable": zone.billable,
                    "prefixes": zone.prefix_ids.sorted("id").mapped("prefix"),
                }
                for zone in version.zone_ids.sorted(lambda z: (z.sequence, z.id))
            ],
            "default_zone": version.default_zone_id.code or False,
            "prices": [
                {
                    "usage_type": price.usage_type_id.code,
                    "zone": price.zone_id.code or False,
                    "band": price.band or False,
                    "price": price.price,
                    "per": price.price_per,
                    "increment": [price.increment_first, price.increment_next],
                    "connection_fee": price.connection_fee,
                    "minimum_charge": price.minimum_charge,
                    "charge_incoming": price.charge_incoming,
                    "tiers": [
                        {"from": tier.from_quantity, "price": tier.price}
                        for tier in price.tier_ids.sorted("from_quantity")
                    ],
                }
                for price in version.price_ids.sorted("id")
            ],
        }
