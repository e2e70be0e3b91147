# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ProductTemplate(models.Model):
    _inherit = "product.template"

    telecom_sla_availability = fields.Float(
        string="Availability target (%)",
        digits=(5, 3),
        tracking=True,
        help="Monthly availability promised, e.g. 99.9: the downtime it allows in a "
        "month is not credited. 0: every hour down counts.",
    )
    telecom_sla_credit_percent = fields.Float(
        string="SLA credit per hour (%)",
        digits=(5, 2),
        tracking=True,
        help="Percentage of the monthly fee credited per started hour of outage beyond "
        "the availability target. 0: no SLA credits.",
    )
    telecom_sla_credit_cap = fields.Float(
        string="SLA credit cap (%)",
        digits=(5, 2),
        tracking=True,
        help="The credit of one outage never exceeds this percentage of the monthly fee. "
        "0: no cap.",
    )

    @api.constrains(
        "telecom_sla_availability", "telecom_sla_credit_percent", "telecom_sla_credit_cap"
    )
    def _check_telecom_sla_terms(self):
        for tmpl in self:
            for value in (
                tmpl.telecom_sla_availability,
                tmpl.telecom_sla_credit_percent,
                tmpl.telecom_sla_credit_cap,
            ):
                if value < 0 or value > 100:
                    raise ValidationError(
                        self.env._(
                            "%(product)s: SLA percentages are between 0 and 100.",
                            product=tmpl.display_name,
                        )
                    )
