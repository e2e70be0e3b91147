# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

MAC_RE = re.compile(r"^[0-9A-F]{2}(:[0-9A-F]{2}){5}$")


class TelecomCpe(models.Model):
    _name = "telecom.cpe"
    _description = "CPE / customer equipment"
    _inherit = ("telecom.resource.mixin", "mail.thread")
    _order = "serial"
    _rec_name = "serial"
    _rec_names_search = ("serial", "mac_address")
    _check_company_auto = True

    serial = fields.Char(required=True, index=True, copy=False, tracking=True)
    cpe_type = fields.Selection(
        [
            ("ont", "ONT"),
            ("router", "Home router / gateway"),
            ("modem", "DSL modem"),
            ("stb", "Set-top box"),
            ("sip_phone", "SIP phone / ATA"),
            ("other", "Other"),
        ],
        required=True,
        default="router",
    )
    product_id = fields.Many2one(
        "product.product", string="Equipment product", check_company=True, index=True
    )
    vendor_id = fields.Many2one("telecom.network.vendor", ondelete="restrict")
    model = fields.Char()
    mac_address = fields.Char(string="MAC address", index="btree_not_null", copy=False)
    firmware_version = fields.Char()
    config = fields.Text(string="Last pushed configuration", readonly=True, copy=False)
    state = fields.Selection(tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    assignment_ids = fields.One2many("telecom.resource.assignment", "cpe_id")

    _sql_constraints = (
        ("serial_company_unique", "unique(company_id, serial)", "A serial number is unique."),
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalise(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalise(vals)
        return super().write(vals)

    @api.model
    def _normalise(self, vals):
        if vals.get("serial"):
            vals["serial"] = vals["serial"].strip().upper()
        if vals.get("mac_address"):
            vals["mac_address"] = vals["mac_address"].strip().upper().replace("-", ":")

    @api.constrains("mac_address", "serial")
    def _check_identifiers(self):
        for cpe in self:
            if cpe.mac_address and not MAC_RE.match(cpe.mac_address):
                raise ValidationError(
                    self.env._("'%(mac)s' is not a MAC address.", mac=cpe.mac_address)
                )
            if not re.match(r"^[A-Z0-9._-]{4,64}$", cpe.serial or ""):
                raise ValidationError(
                    self.env._("'%(serial)s' is not a serial number.", serial=cpe.serial)
                )

    @api.model
    def _telecom_allocate(
        self, company, partner=None, order=None, holder=None, cpe_type=None, product=None
    ):
        """Reserve the first CPE in stock of that type/product (``SKIP LOCKED``)."""
        self.flush_model(["state", "cpe_type", "product_id", "company_id", "serial"])
        clauses = [SQL("company_id = %s AND state = 'free'", company.id)]
        if cpe_type:
            clauses.append(SQL("cpe_type = %s", cpe_type))
        if product:
            clauses.append(SQL("product_id = %s", product.id))
        # raw SQL: the row lock with SKIP LOCKED is not expressible through the ORM
        self.env.cr.execute(
            SQL(
                "SELECT id FROM telecom_cpe WHERE %s"
                " ORDER BY serial LIMIT 1 FOR UPDATE SKIP LOCKED",
                SQL(" AND ").join(clauses),
            )
        )
        row = self.env.cr.fetchone()
        if not row:
            raise UserError(
                self.env._("No CPE (%(kind)s) in stock.", kind=cpe_type or self.env._("any type"))
            )
        cpe = self.browse(row[0])
        cpe._telecom_reserve(partner=partner, order=order, holder=holder)
        return cpe
