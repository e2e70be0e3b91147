# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..rating.prefix import prefix_digits


class TelecomTariffZone(models.Model):
    """A rating zone of a tariff version: destinations (or visited networks) by prefix."""

    _name = "telecom.tariff.zone"
    _description = "Tariff zone"
    _order = "version_id, kind, code"
    _rec_names_search = ("code", "name")

    version_id = fields.Many2one(
        "telecom.tariff.version", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="version_id.company_id", store=True)
    sequence = fields.Integer(
        default=10, help="Order of the zones in the version's document (RPC export)."
    )
    code = fields.Char(required=True)
    name = fields.Char(required=True)
    zone_class_id = fields.Many2one("telecom.zone.class", required=True, ondelete="restrict")
    kind = fields.Selection(
        [("destination", "Destination"), ("roaming", "Roaming (visited network)")],
        required=True,
        default="destination",
        help="Destination zones match the called number; roaming zones match the visited "
        "network of roaming records.",
    )
    billable = fields.Boolean(
        default=True, help="Usage to a non-billable zone (emergency numbers) is unbillable."
    )
    prefix_ids = fields.One2many("telecom.tariff.prefix", "zone_id", string="Prefixes")
    prefix_count = fields.Integer(compute="_compute_prefix_count")

    _sql_constraints = (
        ("code_uniq", "unique(version_id, code)", "A zone code is unique within a version."),
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for zone in self:
            zone.display_name = f"{zone.code} {zone.name}" if zone.name != zone.code else zone.code

    def _compute_prefix_count(self):
        counts = dict(
            self.env["telecom.tariff.prefix"]._read_group(
                [("zone_id", "in", self.ids)], ["zone_id"], ["__count"]
            )
        )
        for zone in self:
            zone.prefix_count = counts.get(zone, 0)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        if self.env["telecom.usage.record"].search_count([("zone_id", "in", self.ids)], limit=1):
            raise UserError(_("A zone that rated usage cannot be deleted."))


class TelecomTariffPrefix(models.Model):
    """A number prefix of a zone: the longest matching prefix gives a number's zone."""

    _name = "telecom.tariff.prefix"
    _description = "Tariff zone prefix"
    _order = "prefix"
    _rec_name = "prefix"

    zone_id = fields.Many2one("telecom.tariff.zone", required=True, ondelete="cascade", index=True)
    version_id = fields.Many2one(
        related="zone_id.version_id", store=True, index=True, precompute=True
    )
    kind = fields.Selection(related="zone_id.kind", store=True, precompute=True)
    company_id = fields.Many2one(related="zone_id.company_id", store=True)
    prefix = fields.Char(required=True, help="+ and digits: +3247, +1800.")

    _sql_constraints = (
        (
            "prefix_uniq",
            "unique(version_id, kind, prefix)",
            "A prefix belongs to one zone of a version.",
        ),
    )

    @api.model
    def _normalize(self, prefix):
        try:
            return "+" + prefix_digits(prefix)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("prefix"):
                vals["prefix"] = self._normalize(vals["prefix"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("prefix"):
            vals["prefix"] = self._normalize(vals["prefix"])
        return super().write(vals)

    @api.model
    def _copy_prefixes(self, old_version, new_version, zone_map):
        """Copy a version's prefixes to a new version (thousands of rows, one statement)."""
        if not zone_map:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """INSERT INTO telecom_tariff_prefix
                       (zone_id, version_id, kind, company_id, prefix, create_uid, create_date,
                        write_uid, write_date)
                   SELECT m.new_zone, %s, p.kind, p.company_id, p.prefix, %s,
                          now() at time zone 'UTC', %s, now() at time zone 'UTC'
                     FROM telecom_tariff_prefix p
                     JOIN unnest(%s::int[], %s::int[]) AS m(old_zone, new_zone)
                       ON m.old_zone = p.zone_id
                    WHERE p.version_id = %s""",
                new_version.id,
                self.env.uid,
                self.env.uid,
                list(zone_map),
                list(zone_map.values()),
                old_version.id,
            )
        )
        self.invalidate_model()
