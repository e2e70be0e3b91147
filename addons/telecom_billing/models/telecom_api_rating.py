# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""RPC of rating set-up: tariffs, plans, pools, mediation sources, re-rating (docs/rpc.md).

A translation layer: documents of plain values in and out, checked as a whole by
``rating/documents.py`` (every error with the path of its field), then written
with the ordinary models in one savepoint (nothing is written when anything is
wrong). Rating itself stays in the rating engine and ``telecom.rerating``.
"""

import codecs
from datetime import date, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.telecom_crm.models.telecom_plan_allowance import UOM_FOR_UNIT

from ..rating import BAND_POLICIES, documents
from ..rating.documents import DAYS, Checker, clock_text
from ..rating.mediation import CANONICAL_COLUMNS
from .telecom_mediation_source import DELIMITERS
from .telecom_tariff import BANDS, ROUNDING_METHODS
from .telecom_tariff_price import INCREMENTS, UNITS_FOR_TYPE

BILLING = "telecom_crm.group_telecom_billing"
MANAGER = "telecom_crm.group_telecom_manager"
# charging increments: preset key of (first, next)
INCREMENT_KEYS = {(first, nxt): key for key, (_label, first, nxt) in INCREMENTS.items()}
POOL_KEYS = ("billing_account", "pools")
POOL_ITEM_KEYS = ("plan", "usage_type", "zone_classes", "quantity", "unit")
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
SELECTION_KEYS = ("period_from", "period_to", "subscriptions", "tariff")


class TelecomApi(models.AbstractModel):
    _inherit = "telecom.api"

    # -- shared ------------------------------------------------------------------------------
    @api.model
    def _api_rating_catalog(self):
        """What set-up documents may name, read from the database."""
        company = self.env.company
        usage_types = self.env["telecom.usage.type"].search(
            [("company_id", "in", (False, company.id))]
        )
        product = self.env["product.template"]
        return documents.Catalog(
            usage_types={utype.code: utype.unit for utype in usage_types},
            zone_classes=set(self._api_code_ids("telecom.zone.class")),
            currencies=set(self.env["res.currency"].search([("active", "=", True)]).mapped("name")),
            default_currency=company.currency_id.name,
            bands=tuple(key for key, _label in BANDS),
            rounding_methods=tuple(key for key, _label in ROUNDING_METHODS),
            band_policies=tuple(BAND_POLICIES),
            units_for_type=UNITS_FOR_TYPE,
            allowance_units_for_type=UOM_FOR_UNIT,
            technologies=tuple(
                key
                for key, _label in product._fields["telecom_technology"]._description_selection(
                    self.env
                )
            ),
        )

    @api.model
    def _api_code_ids(self, model):
        """``{code: id}`` of a small reference model (usage types, zone classes)."""
        return {rec.code: rec.id for rec in self.env[model].search([("code", "!=", False)])}

    @api.model
    def _api_document_errors(self, what, errors):
        """The ValidationError of a document: one line per error, each naming its path."""
        return ValidationError(
            self.env._(
                "The %(what)s is not valid (%(count)s error(s)), nothing was changed:\n%(errors)s",
                what=what,
                count=len(errors),
                errors=documents.format_errors(errors),
            )
        )

    @api.model
    def _api_plain_errors(self, errors):
        return [{"path": path, "message": message} for path, message in errors]

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

    # -- plans and their allowances --------------------------------------------------------
    @api.model
    def _api_find_plan(self, ref):
        return self._api_lookup(
            self.env["product.template"].with_context(active_test=False), ref, "default_code"
        )

    @api.model
    def import_plan(self, document, request_id=None):
        """Create or update a plan or add-on and replace its allowances, all or nothing."""

        def work():
            self._telecom_check_groups(MANAGER, what=self.env._("Setting up plans and allowances"))
            canonical, errors = documents.plan_document(document, self._api_rating_catalog())
            tmpl = self._api_find_plan(canonical["plan"]) if canonical else None
            if canonical:
                errors += self._api_plan_db_errors(canonical, tmpl)
            if errors:
                raise self._api_document_errors(self.env._("plan document"), errors)
            return self._api_write_plan(canonical, tmpl)

        return self._api_call("import_plan", request_id, [document], work)

    @api.model
    def _api_plan_db_errors(self, doc, tmpl):
        errors = []
        if tmpl and tmpl.telecom_kind != doc["kind"]:
            errors.append(
                (
                    "kind",
                    (
                        f"product {doc['plan']} is of kind {tmpl.telecom_kind or 'none'}, not "
                        f"{doc['kind']}: a product keeps its kind"
                    ),
                )
            )
        if doc["tariff"] and not self._api_find_tariff(doc["tariff"]):
            errors.append(("tariff", f"no tariff {doc['tariff']}: import the tariff first"))
        if tmpl:
            keys = {documents.allowance_key(item) for item in doc["allowances"]}
            kept = set()
            for allowance in tmpl.telecom_allowance_ids:
                key = self._api_allowance_key(allowance)
                if key in keys and key not in kept:
                    kept.add(key)
                    continue
                if (
                    self.env["telecom.allowance.balance"]
                    .sudo()
                    .search_count([("allowance_id", "=", allowance.id)], limit=1)
                ):
                    errors.append(
                        (
                            "allowances",
                            (
                                f"the {key[0]} allowance{' (shared)' if key[2] else ''} of "
                                f"zone classes {', '.join(key[1]) or 'all'} has balances: keep "
                                "it in the document (with quantity 0 it grants nothing)"
                            ),
                        )
                    )
        return errors

    @api.model
    def _api_allowance_key(self, allowance):
        return (
            allowance.usage_type_id.code,
            tuple(sorted(allowance.zone_class_ids.mapped("code"))),
            allowance.share_scope == "billing_account",
        )

    @api.model
    def _api_write_plan(self, doc, tmpl):
        env = self.env
        vals = {
            "name": doc["name"],
            "telecom_technology": doc["technology"],
            "telecom_recurring_period": doc["period"],
            "telecom_tariff_ref": doc["tariff"],
            "telecom_allowance_prorate": doc["prorate_allowances"],
        }
        created = not tmpl
        if created:
            tmpl = env["product.template"].create(
                {
                    "default_code": doc["plan"],
                    "telecom_kind": doc["kind"],
                    "list_price": doc["price"] or 0.0,
                    **vals,
                }
            )
        else:
            tmpl.write({**vals, "active": True})
            today = fields.Date.context_today(self)
            if doc["price"] is not False and tmpl.currency_id.compare_amounts(
                doc["price"], tmpl._telecom_price_amount_at(today)
            ):
                # a new price is a dated price version: subscribers keep theirs
                same_day = tmpl.telecom_price_version_ids.filtered(lambda v: v.date_from == today)
                if same_day:
                    same_day.price = doc["price"]
                else:
                    env["telecom.price.version"].create(
                        {"product_tmpl_id": tmpl.id, "date_from": today, "price": doc["price"]}
                    )
        usage_types = self._api_code_ids("telecom.usage.type")
        classes = self._api_code_ids("telecom.zone.class")
        existing = {}
        for allowance in tmpl.telecom_allowance_ids:
            existing.setdefault(self._api_allowance_key(allowance), allowance)
        keep = env["telecom.plan.allowance"]
        for index, item in enumerate(doc["allowances"]):
            vals = {
                "sequence": (index + 1) * 10,
                "usage_type_id": usage_types[item["usage_type"]],
                "zone_class_ids": [Command.set([classes[c] for c in item["zone_classes"]])],
                "quantity": item["quantity"],
                "uom": item["unit"],
                "rollover": item["rollover"],
                "rollover_max_periods": item["rollover_periods"],
                "share_scope": "billing_account" if item["shared"] else "subscription",
                "pool_quantity": item["pool_quantity"] or 0.0,
            }
            allowance = existing.pop(documents.allowance_key(item), None)
            if allowance:
                allowance.write(vals)
            else:
                allowance = env["telecom.plan.allowance"].create(
                    {"product_tmpl_id": tmpl.id, **vals}
                )
            keep |= allowance
        (tmpl.telecom_allowance_ids - keep).unlink()
        return {
            "plan": tmpl.default_code,
            "product_id": tmpl.product_variant_id.id,
            "product_tmpl_id": tmpl.id,
            "created": created,
            "allowances": len(keep),
        }

    @api.model
    def export_plan(self, plan):
        """A plan or add-on with its allowances, as ``import_plan`` takes it."""

        def work():
            tmpl = self._api_find_plan(plan)
            if not tmpl or tmpl.telecom_kind not in ("plan", "addon"):
                raise UserError(self.env._("No plan or add-on %(ref)s.", ref=plan))
            return self._api_plan_document(tmpl)

        return self._api_call("export_plan", None, [plan], work)

    @api.model
    def _api_plan_document(self, tmpl):
        return {
            "plan": tmpl.default_code or False,
            "name": tmpl.name,
            "kind": tmpl.telecom_kind,
            "technology": tmpl.telecom_technology or False,
            "period": tmpl.telecom_recurring_period or "monthly",
            "price": tmpl._telecom_price_amount_at(fields.Date.context_today(self)),
            "tariff": tmpl.telecom_tariff_ref or False,
            "prorate_allowances": tmpl.telecom_allowance_prorate,
            "allowances": [
                {
                    "usage_type": allowance.usage_type_id.code,
                    "zone_classes": sorted(allowance.zone_class_ids.mapped("code")),
                    "quantity": allowance.quantity,
                    "unit": allowance.uom,
                    "rollover": allowance.rollover,
                    "rollover_periods": allowance.rollover_max_periods,
                    "shared": allowance.share_scope == "billing_account",
                    "pool_quantity": allowance.pool_quantity or False,
                }
                for allowance in tmpl.telecom_allowance_ids.sorted(lambda a: (a.sequence, a.id))
            ],
        }

    # -- pool sizes of an account ----------------------------------------------------------
    @api.model
    def import_account_pools(self, document, request_id=None):
        """State the sizes of a billing account's shared pools (replaces those stated)."""

        def work():
            self._telecom_check_groups(BILLING, what=self.env._("Stating pool sizes"))
            account, rows = self._api_pool_rows(document)
            account.check_access("write")
            account.telecom_pool_ids.unlink()
            self.env["telecom.allowance.pool"].create(rows)
            return self._api_pools_document(account)

        return self._api_call("import_account_pools", request_id, [document], work)

    @api.model
    def _api_pool_rows(self, document):
        check = Checker()
        catalog = self._api_rating_catalog()
        check.struct(document, "", POOL_KEYS, required=POOL_KEYS)
        if check.errors:
            raise self._api_document_errors(self.env._("pool document"), check.errors)
        account = self._api_billing_account_ref(document.get("billing_account"))
        rows, seen = [], {}
        for index, item in enumerate(check.list(document.get("pools"), "pools")):
            path = f"pools[{index}]"
            if (
                check.struct(
                    item, path, POOL_ITEM_KEYS, required=("plan", "usage_type", "quantity", "unit")
                )
                is None
            ):
                continue
            quantity = check.number(item.get("quantity"), f"{path}.quantity", 2)
            tmpl = self._api_find_plan(item.get("plan"))
            if not tmpl:
                check.error(f"{path}.plan", f"no plan or add-on {item.get('plan')!r}")
                continue
            shared = tmpl.telecom_allowance_ids.filtered(
                lambda a, item=item: (
                    a.share_scope == "billing_account"
                    and a.usage_type_id.code == item.get("usage_type")
                )
            )
            if "zone_classes" in item:
                classes = item["zone_classes"]
                if not isinstance(classes, list | tuple):
                    check.error(f"{path}.zone_classes", "must be a list")
                    continue
                shared = shared.filtered(
                    lambda a, c=classes: sorted(a.zone_class_ids.mapped("code")) == sorted(c)
                )
            if len(shared) != 1:
                check.error(
                    path,
                    f"plan {tmpl.default_code} has {len(shared) or 'no'} shared "
                    f"{item.get('usage_type')} allowance(s)"
                    + (" matching: give its zone_classes" if len(shared) > 1 else ""),
                )
                continue
            unit = item.get("unit")
            allowed = catalog.allowance_units_for_type.get(shared.usage_type_id.unit, ())
            if unit not in allowed:
                check.error(f"{path}.unit", f"{unit!r} is not one of {', '.join(allowed)}")
                continue
            if shared.id in seen:
                check.error(path, f"pools[{seen[shared.id]}] already sizes this pool")
                continue
            seen[shared.id] = index
            if quantity is not None:
                rows.append(
                    {
                        "billing_account_id": account.id,
                        "allowance_id": shared.id,
                        "quantity": quantity,
                        "uom": unit,
                    }
                )
        if check.errors:
            raise self._api_document_errors(self.env._("pool document"), check.errors)
        return account, rows

    @api.model
    def export_account_pools(self, billing_account):
        """The pool sizes stated on a billing account, as ``import_account_pools`` takes them."""

        def work():
            return self._api_pools_document(self._api_billing_account_ref(billing_account))

        return self._api_call("export_account_pools", None, [billing_account], work)

    @api.model
    def _api_pools_document(self, account):
        return {
            "billing_account": account.name,
            "pools": [
                {
                    "plan": pool.allowance_id.product_tmpl_id.default_code or False,
                    "usage_type": pool.allowance_id.usage_type_id.code,
                    "zone_classes": sorted(pool.allowance_id.zone_class_ids.mapped("code")),
                    "quantity": pool.quantity,
                    "unit": pool.uom,
                }
                for pool in account.telecom_pool_ids.sorted("id")
            ],
        }

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

    # -- re-rating ---------------------------------------------------------------------------
    @api.model
    def rerate(self, selection, reason, request_id=None):
        """Re-rate usage with the tariffs as they are now (``telecom.rerating``).

        ``selection``: ``period_from`` / ``period_to`` (billing periods starting on
        or after / before, ISO dates), ``subscriptions`` (ids, numbers or phone
        numbers), ``tariff`` (code); at least one. Returns the run's summary with
        the amounts at the records' precision (strings, exact).
        """

        def work():
            self._telecom_check_groups(BILLING, what=self.env._("Re-rating usage"))
            vals = self._api_rerating_vals(selection, reason)
            run = self.env["telecom.rerating"].create(vals)
            run.action_run()
            return self._api_rerating_summary(run)

        return self._api_call("rerate", request_id, [selection, reason], work)

    @api.model
    def _api_rerating_vals(self, selection, reason):
        self._api_check_keys(selection, set(SELECTION_KEYS), self.env._("selection"))
        if not isinstance(reason, str) or not reason.strip():
            raise UserError(self.env._("reason: say why (a non-empty string, for the audit)."))
        vals = {"reason": reason.strip(), "company_id": self.env.company.id}
        period_from = self._api_date(selection.get("period_from"), "selection.period_from")
        period_to = self._api_date(selection.get("period_to"), "selection.period_to")
        if period_from and period_to and period_to < period_from:
            raise UserError(self.env._("selection.period_to is before selection.period_from."))
        vals.update(period_from=period_from or False, period_to=period_to or False)
        refs = selection.get("subscriptions") or []
        if not isinstance(refs, list | tuple):
            raise UserError(self.env._("selection.subscriptions must be a list."))
        subs = self.env["telecom.subscription"]
        for ref in refs:
            subs |= self._api_subscription(ref)
        if subs:
            vals["subscription_ids"] = [Command.set(subs.ids)]
        if selection.get("tariff"):
            tariff = self._api_find_tariff(selection["tariff"])
            if not tariff:
                raise UserError(
                    self.env._("selection.tariff: no tariff %(ref)s.", ref=selection["tariff"])
                )
            vals["tariff_id"] = tariff.id
        if not (period_from or period_to or subs or selection.get("tariff")):
            raise UserError(
                self.env._(
                    "selection: give period_from, period_to, subscriptions or tariff (re-rating "
                    "everything at once is not offered)."
                )
            )
        return vals

    @api.model
    def _api_rerating_summary(self, run):
        cr = self.env.cr
        # exact sums of the records' amounts (numeric as text: the ORM reads floats)
        cr.execute(
            SQL(
                """SELECT c.name, COUNT(*),
                          COUNT(*) FILTER (WHERE l.old_amount IS DISTINCT FROM l.new_amount),
                          COALESCE(SUM(l.old_amount), 0)::text,
                          COALESCE(SUM(l.new_amount), 0)::text,
                          (COALESCE(SUM(l.new_amount), 0) - COALESCE(SUM(l.old_amount), 0))::text
                     FROM telecom_usage_rerating_line l
                     LEFT JOIN res_currency c ON c.id = l.currency_id
                    WHERE l.rerating_id = %s
                    GROUP BY c.name ORDER BY c.name""",
                run.id,
            )
        )
        totals = [
            {
                "currency": currency or False,
                "records": count,
                "changed": changed,
                "amount_before": before,
                "amount_after": after,
                "difference": difference,
            }
            for currency, count, changed, before, after, difference in cr.fetchall()
        ]
        cr.execute(
            SQL(
                """SELECT old_state, new_state, COUNT(*) FROM telecom_usage_rerating_line
                    WHERE rerating_id = %s AND old_state IS DISTINCT FROM new_state
                    GROUP BY 1, 2 ORDER BY 1, 2""",
                run.id,
            )
        )
        moved = [{"from": old, "to": new, "records": count} for old, new, count in cr.fetchall()]
        return {
            "id": run.id,
            "rerating": run.name,
            "reason": run.reason,
            "selection": {
                "period_from": self._api_iso(run.period_from),
                "period_to": self._api_iso(run.period_to),
                "subscriptions": run.subscription_ids.sorted("id").mapped("name"),
                "tariff": run.tariff_id.code or False,
            },
            "selected": run.selected_count,
            "changed": run.changed_count,
            "invoiced": run.billed_count,
            "state_changes": moved,
            "totals": totals,
            "adjustments": [
                self._api_charge_data(charge) for charge in run.adjustment_charge_ids.sorted("id")
            ],
        }
