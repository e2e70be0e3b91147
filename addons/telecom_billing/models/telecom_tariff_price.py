# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .telecom_tariff import BANDS

PRICE_UNITS = {
    "second": ("Second", 1),
    "minute": ("Minute", 60),
    "hour": ("Hour", 3600),
    "message": ("Message", 1),
    "unit": ("Unit", 1),
    "kb": ("KB (1,024 bytes)", 1024),
    "mb": ("MB (1,048,576 bytes)", 1024**2),
    "gb": ("GB (1,073,741,824 bytes)", 1024**3),
}
INCREMENTS = {
    "60_60": ("60/60 s", 60, 60),
    "60_1": ("60/1 s", 60, 1),
    "30_30": ("30/30 s", 30, 30),
    "30_1": ("30/1 s", 30, 1),
    "1_1": ("1/1 (per second, per unit)", 1, 1),
    "kb": ("1 KB blocks", 1024, 1024),
    "10kb": ("10 KB blocks", 10240, 10240),
    "100kb": ("100 KB blocks", 102400, 102400),
    "mb": ("1 MB blocks", 1024**2, 1024**2),
}
UNITS_FOR_TYPE = {
    "second": ("second", "minute", "hour"),
    "unit": ("message", "unit"),
    "byte": ("kb", "mb", "gb"),
}


class TelecomTariffPrice(models.Model):
    """The price of one usage type in one zone and band of a tariff version.

    An empty zone or band means "any": the most specific line wins (see the rating core).
    """

    _name = "telecom.tariff.price"
    _description = "Tariff price"
    _order = "version_id, usage_type_id, zone_id, band, id"

    version_id = fields.Many2one(
        "telecom.tariff.version", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="version_id.company_id", store=True)
    currency_id = fields.Many2one(related="version_id.currency_id")
    usage_type_id = fields.Many2one("telecom.usage.type", required=True, ondelete="restrict")
    usage_unit = fields.Selection(related="usage_type_id.unit")
    zone_id = fields.Many2one(
        "telecom.tariff.zone",
        ondelete="cascade",
        domain="[('version_id', '=', version_id)]",
        help="Empty: every zone without a price line of its own.",
    )
    band = fields.Selection(BANDS, help="Empty: every band without a price line of its own.")
    price = fields.Float(
        digits="Telecom Rate", required=True, help="Per price unit, before any rounding."
    )
    price_per = fields.Selection(
        [(k, v[0]) for k, v in PRICE_UNITS.items()], required=True, default="minute"
    )
    unit_quantity = fields.Integer(
        compute="_compute_unit_quantity", store=True, help="Base units per price unit."
    )
    increment = fields.Selection(
        [(k, v[0]) for k, v in INCREMENTS.items()] + [("custom", "Custom")],
        default="60_60",
        required=True,
    )
    increment_first = fields.Integer(
        compute="_compute_increments", store=True, readonly=False, precompute=True,
        help="First charged step, in base units (seconds, bytes, count).",
    )  # fmt: skip
    increment_next = fields.Integer(
        compute="_compute_increments", store=True, readonly=False, precompute=True,
        help="Each following step, in base units.",
    )  # fmt: skip
    connection_fee = fields.Float(digits="Telecom Rate", help="Charged once per charged record.")
    minimum_charge = fields.Float(
        digits="Telecom Rate", help="A charged record costs at least this (fee included)."
    )
    charge_incoming = fields.Boolean(help="Incoming usage is charged too (roaming).")
    tier_ids = fields.One2many(
        "telecom.tariff.tier", "price_id", string="Graduated Tiers",
        help="From a quantity on (in price units) within a record, another price applies.",
    )  # fmt: skip

    def init(self):
        # one price per (type, zone or "any", band or "any"): NULLs compared as values
        self.env.cr.execute(
            SQL(
                """CREATE UNIQUE INDEX IF NOT EXISTS telecom_tariff_price_key
                   ON telecom_tariff_price (version_id, usage_type_id, COALESCE(zone_id, 0),
                                            COALESCE(band, ''))"""
            )
        )

    @api.depends("price_per")
    def _compute_unit_quantity(self):
        for line in self:
            line.unit_quantity = PRICE_UNITS.get(line.price_per, ("", 1))[1]

    @api.depends("increment")
    def _compute_increments(self):
        for line in self:
            preset = INCREMENTS.get(line.increment)
            if preset:
                line.increment_first, line.increment_next = preset[1], preset[2]
            elif not line.increment_first:
                line.increment_first = line.increment_next = 1

    @api.depends("usage_type_id", "zone_id", "band", "price", "price_per")
    def _compute_display_name(self):
        for line in self:
            line.display_name = " / ".join(
                filter(
                    None,
                    [
                        line.usage_type_id.code,
                        line.zone_id.code or _("any zone"),
                        line.band or _("any band"),
                    ],
                )
            )

    @api.constrains("price", "connection_fee", "minimum_charge", "increment_first",
                    "increment_next", "price_per", "usage_type_id", "zone_id")  # fmt: skip
    def _check_price(self):
        for line in self:
            if min(line.price, line.connection_fee, line.minimum_charge) < 0:
                raise ValidationError(_("Prices, fees and minimum charges cannot be negative."))
            if line.increment_first < 1 or line.increment_next < 1:
                raise ValidationError(_("Charging increments are at least 1."))
            allowed = UNITS_FOR_TYPE.get(line.usage_type_id.unit, ())
            if line.usage_type_id and line.price_per not in allowed:
                raise ValidationError(
                    _(
                        "%(type)s is measured in %(unit)s: price it per %(allowed)s.",
                        type=line.usage_type_id.code,
                        unit=line.usage_type_id.unit,
                        allowed=", ".join(allowed),
                    )
                )
            if line.zone_id and line.zone_id.version_id != line.version_id:
                raise ValidationError(_("A price's zone must belong to the same version."))

    def _check_unique_key(self, vals_list):
        """One price per (type, zone, band) per version, said clearly before the index does."""
        for vals in vals_list:
            key = [
                ("version_id", "=", vals.get("version_id")),
                ("usage_type_id", "=", vals.get("usage_type_id")),
                ("zone_id", "=", vals.get("zone_id") or False),
                ("band", "=", vals.get("band") or False),
            ]
            twin = self.search(key + [("id", "not in", self.ids)], limit=1)
            if twin:
                raise ValidationError(
                    _(
                        "Version %(version)s already prices %(line)s.",
                        version=twin.version_id.name,
                        line=twin.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_unique_key(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        keys = {"version_id", "usage_type_id", "zone_id", "band"}
        if keys & set(vals):
            for line in self:
                merged = {
                    "version_id": line.version_id.id,
                    "usage_type_id": line.usage_type_id.id,
                    "zone_id": line.zone_id.id,
                    "band": line.band,
                }
                merged.update({k: vals[k] for k in keys if k in vals})
                line._check_unique_key([merged])
        return super().write(vals)


class TelecomTariffTier(models.Model):
    _name = "telecom.tariff.tier"
    _description = "Tariff graduated tier"
    _order = "price_id, from_quantity"

    price_id = fields.Many2one(
        "telecom.tariff.price", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="price_id.company_id", store=True)
    from_quantity = fields.Float(
        digits=(16, 3), required=True,
        help="In price units (minutes, MB...) from the start of the record.",
    )  # fmt: skip
    price = fields.Float(string="Tier Price", digits="Telecom Rate", required=True)

    _sql_constraints = (
        ("from_uniq", "unique(price_id, from_quantity)", "Two tiers start at the same quantity."),
    )

    @api.constrains("from_quantity", "price")
    def _check_tier(self):
        for tier in self:
            if tier.from_quantity < 0 or tier.price < 0:
                raise ValidationError(_("Tier quantities and prices cannot be negative."))
