# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.base.models.res_partner import _tz_get

from ..rating import BAND_POLICIES, Rounding, rounding

BANDS = [
    ("peak", "Peak"),
    ("offpeak", "Off-peak"),
    ("weekend", "Weekend"),
    ("holiday", "Holiday"),
    ("night", "Night"),
    ("evening", "Evening"),
]
ROUNDING_METHODS = [
    ("half_up", "Half up (0.125 -> 0.13)"),
    ("half_even", "Half even (0.125 -> 0.12)"),
    ("up", "Up (any fraction)"),
    ("down", "Down (drop the fraction)"),
]
BAND_POLICY_LABELS = {
    "start": "Band at start: the whole call is priced in the band it starts in",
    "split": "Split: each part of the call is priced in its own band",
}


class TelecomTariff(models.Model):
    """A rate plan for usage, referenced by plans through ``telecom_tariff_ref``."""

    _name = "telecom.tariff"
    _description = "Usage tariff"
    _inherit = ("mail.thread",)
    _order = "code"
    _rec_names_search = ("code", "name")
    _check_company_auto = True

    code = fields.Char(required=True, tracking=True, help="Plans name this in 'Tariff Code'.")
    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    timezone = fields.Selection(
        _tz_get, default=lambda self: self.env.user.tz or "UTC", required=True,
        help="Time bands are read in the customer's time zone, or this one when the "
        "customer has none.",
    )  # fmt: skip
    version_ids = fields.One2many("telecom.tariff.version", "tariff_id", string="Versions")
    version_count = fields.Integer(compute="_compute_version_count")
    note = fields.Text()

    _sql_constraints = (
        ("code_company_uniq", "unique(code, company_id)", "A tariff code must be unique."),
    )

    @api.depends("version_ids")
    def _compute_version_count(self):
        for tariff in self:
            tariff.version_count = len(tariff.version_ids)

    @api.depends("code", "name")
    def _compute_display_name(self):
        for tariff in self:
            tariff.display_name = f"[{tariff.code}] {tariff.name}" if tariff.code else tariff.name

    def action_view_versions(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_tariff_version_action"
        )
        action["domain"] = [("tariff_id", "=", self.id)]
        action["context"] = {"default_tariff_id": self.id}
        return action


class TelecomTariffVersion(models.Model):
    """Prices, zones and time bands of a tariff valid from one date to another."""

    _name = "telecom.tariff.version"
    _description = "Usage tariff version"
    _inherit = ("mail.thread",)
    _order = "tariff_id, date_from desc"
    _check_company_auto = True

    tariff_id = fields.Many2one(
        "telecom.tariff", required=True, ondelete="cascade", index=True, check_company=True
    )
    name = fields.Char(compute="_compute_name", store=True)
    company_id = fields.Many2one(related="tariff_id.company_id", store=True, index=True)
    active = fields.Boolean(default=True)
    date_from = fields.Date(required=True, tracking=True, default=fields.Date.context_today)
    date_to = fields.Date(tracking=True, help="Last day included; empty = open.")
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    rounding_precision = fields.Integer(
        default=2, required=True, tracking=True,
        help="Decimal places of a record's amount (0 to 6).",
    )  # fmt: skip
    rounding_method = fields.Selection(
        ROUNDING_METHODS, default="half_up", required=True, tracking=True,
        help=rounding.__doc__.split("\n\n")[1] if rounding.__doc__ else "",
    )  # fmt: skip
    band_policy = fields.Selection(
        [(p, BAND_POLICY_LABELS[p]) for p in BAND_POLICIES],
        string="Band Crossing", default="start", required=True, tracking=True,
    )  # fmt: skip
    default_band = fields.Selection(
        BANDS, default="offpeak", required=True,
        help="Band of the hours no time band covers.",
    )  # fmt: skip
    band_ids = fields.One2many("telecom.time.band", "version_id", string="Time Bands", copy=True)
    holiday_calendar_id = fields.Many2one("telecom.holiday.calendar", check_company=True)
    holiday_band = fields.Selection(BANDS, help="Band of the whole day on holidays.")
    zone_ids = fields.One2many("telecom.tariff.zone", "version_id", string="Zones")
    zone_count = fields.Integer(compute="_compute_counts")
    prefix_count = fields.Integer(compute="_compute_counts")
    default_zone_id = fields.Many2one(
        "telecom.tariff.zone",
        domain="[('version_id', '=', id), ('kind', '=', 'destination')]",
        help="Zone of records without a number (data sessions).",
    )
    price_ids = fields.One2many("telecom.tariff.price", "version_id", string="Prices")

    @api.depends("tariff_id.code", "date_from", "date_to")
    def _compute_name(self):
        for version in self:
            end = fields.Date.to_string(version.date_to) if version.date_to else "..."
            version.name = (
                f"{version.tariff_id.code or ''} {fields.Date.to_string(version.date_from)} - {end}"
            )

    def _compute_counts(self):
        zones = dict(
            self.env["telecom.tariff.zone"]._read_group(
                [("version_id", "in", self.ids)], ["version_id"], ["__count"]
            )
        )
        prefixes = dict(
            self.env["telecom.tariff.prefix"]._read_group(
                [("version_id", "in", self.ids)], ["version_id"], ["__count"]
            )
        )
        for version in self:
            version.zone_count = zones.get(version, 0)
            version.prefix_count = prefixes.get(version, 0)

    @api.constrains("date_from", "date_to", "tariff_id", "active")
    def _check_dates(self):
        for version in self:
            if version.date_to and version.date_to < version.date_from:
                raise ValidationError(_("A tariff version cannot end before it starts."))
            others = version.tariff_id.version_ids.filtered(
                lambda v, version=version: v != version and v.active
            )
            for other in others if version.active else []:
                if (not other.date_to or other.date_to >= version.date_from) and (
                    not version.date_to or version.date_to >= other.date_from
                ):
                    raise ValidationError(
                        _(
                            "Versions %(a)s and %(b)s of tariff %(tariff)s overlap.",
                            a=version.name,
                            b=other.name,
                            tariff=version.tariff_id.code,
                        )
                    )

    @api.constrains("rounding_precision", "rounding_method")
    def _check_rounding(self):
        for version in self:
            try:
                Rounding(version.rounding_precision, version.rounding_method)
            except ValueError as exc:
                raise ValidationError(str(exc)) from exc

    @api.constrains("default_zone_id")
    def _check_default_zone(self):
        for version in self:
            if version.default_zone_id and version.default_zone_id.version_id != version:
                raise ValidationError(_("The default zone must be a zone of the same version."))

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        used = self.env["telecom.usage.record"].search_count(
            [("tariff_version_id", "in", self.ids)], limit=1
        )
        if used:
            raise UserError(_("A tariff version that rated usage cannot be deleted: archive it."))

    def action_new_version(self, date_from=None):
        """Copy this version (zones, prefixes, bands, prices) to start on ``date_from``.

        This version then ends the day before. Returns the new version.
        """
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        date_from = fields.Date.to_date(date_from) or fields.Date.context_today(self)
        if date_from <= self.date_from:
            raise UserError(_("The new version must start after %(date)s.", date=self.date_from))
        if self.date_to and self.date_to < date_from:
            raise UserError(_("This version already ends before %(date)s.", date=date_from))
        old_end = self.date_to
        self.date_to = date_from - timedelta(days=1)
        new = self.copy({"date_from": date_from, "date_to": old_end, "default_zone_id": False})
        zone_map = {}
        Zone = self.env["telecom.tariff.zone"]
        for zone in self.zone_ids:
            zone_map[zone.id] = Zone.create(
                {
                    "version_id": new.id,
                    "code": zone.code,
                    "name": zone.name,
                    "zone_class_id": zone.zone_class_id.id,
                    "kind": zone.kind,
                    "billable": zone.billable,
                }
            ).id
        self.env["telecom.tariff.prefix"]._copy_prefixes(self, new, zone_map)
        new.default_zone_id = zone_map.get(self.default_zone_id.id, False)
        for price in self.price_ids:
            price.copy(
                {
                    "version_id": new.id,
                    "zone_id": zone_map.get(price.zone_id.id, False),
                    "tier_ids": [Command.create({"from_quantity": t.from_quantity,
                                                 "price": t.price}) for t in price.tier_ids],
                }
            )  # fmt: skip
        return new

    def action_open_new_version(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "telecom.tariff.version.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_version_id": self.id},
        }

    def action_view_zones(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_tariff_zone_action"
        )
        action["domain"] = [("version_id", "=", self.id)]
        action["context"] = {"default_version_id": self.id}
        return action

    def action_view_prefixes(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_billing.telecom_tariff_prefix_action"
        )
        action["domain"] = [("version_id", "=", self.id)]
        action["context"] = {"default_version_id": self.id}
        return action

    def action_import_prefixes(self):
        self._telecom_check_groups("telecom_crm.group_telecom_billing")
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "telecom.prefix.import.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_version_id": self.id},
        }


class TelecomTimeBand(models.Model):
    """Hours of some weekdays that belong to a band (the first matching line wins)."""

    _name = "telecom.time.band"
    _description = "Tariff time band"
    _order = "version_id, sequence, id"

    version_id = fields.Many2one(
        "telecom.tariff.version", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="version_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    band = fields.Selection(BANDS, required=True, default="peak")
    mon = fields.Boolean(default=True)
    tue = fields.Boolean(default=True)
    wed = fields.Boolean(default=True)
    thu = fields.Boolean(default=True)
    fri = fields.Boolean(default=True)
    sat = fields.Boolean()
    sun = fields.Boolean()
    hour_from = fields.Float(string="From", required=True, default=8.0)
    hour_to = fields.Float(string="To", required=True, default=19.0, help="24:00 = midnight.")

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for band in self:
            if not 0 <= band.hour_from < band.hour_to <= 24:
                raise ValidationError(_("A time band runs from 00:00 to 24:00 at most, forward."))


class TelecomHolidayCalendar(models.Model):
    _name = "telecom.holiday.calendar"
    _description = "Holiday calendar (rating)"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    holiday_ids = fields.One2many("telecom.holiday", "calendar_id", string="Holidays", copy=True)


class TelecomHoliday(models.Model):
    _name = "telecom.holiday"
    _description = "Holiday"
    _order = "date"

    calendar_id = fields.Many2one(
        "telecom.holiday.calendar", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    date = fields.Date(required=True)
    name = fields.Char(required=True)

    _sql_constraints = (
        ("date_uniq", "unique(calendar_id, date)", "A calendar lists a date once."),
    )
