# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

SITE_TYPES = [
    ("datacenter", "Data centre"),
    ("central_office", "Central office / PoP"),
    ("cabinet", "Street cabinet"),
    ("tower", "Radio tower"),
    ("rooftop", "Rooftop"),
    ("customer", "Customer premises"),
    ("other", "Other"),
]


class TelecomSite(models.Model):
    _name = "telecom.site"
    _description = "Network site"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "code, id"
    _rec_names_search = ("name", "code", "city")
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    code = fields.Char(required=True, index=True, tracking=True)
    site_type = fields.Selection(SITE_TYPES, required=True, default="central_office")
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact / landlord", check_company=True, ondelete="restrict"
    )
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char(index=True)
    state_id = fields.Many2one("res.country.state", ondelete="restrict")
    country_id = fields.Many2one("res.country", ondelete="restrict")
    latitude = fields.Float(digits=(10, 7))
    longitude = fields.Float(digits=(10, 7))
    element_ids = fields.One2many("telecom.network.element", "site_id", string="Elements")
    element_count = fields.Integer(compute="_compute_element_count")
    note = fields.Html()

    _sql_constraints = (
        ("code_company_unique", "unique(company_id, code)", "A site code must be unique."),
        (
            "latitude_range",
            "CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90)",
            "Latitude must be between -90 and 90 degrees.",
        ),
        (
            "longitude_range",
            "CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180)",
            "Longitude must be between -180 and 180 degrees.",
        ),
    )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for site in self:
            site.display_name = f"[{site.code}] {site.name}" if site.code else site.name

    def _compute_element_count(self):
        counts = dict(
            self.env["telecom.network.element"]._read_group(
                [("site_id", "in", self.ids)], ["site_id"], ["__count"]
            )
        )
        for site in self:
            site.element_count = counts.get(site, 0)

    def action_open_elements(self):
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "telecom_oss.telecom_network_element_action"
        )
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"default_site_id": self.id}
        return action

    def action_open_impact(self):
        """The subscriptions and customers behind this site (see the element's)."""
        self._telecom_check_groups("telecom_crm.group_telecom_user")
        self.ensure_one()
        return self.env["telecom.network.element"]._telecom_impact_action(site=self)
