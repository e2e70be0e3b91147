# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class TelecomPriceVersion(models.Model):
    """An effective-dated recurring price of a catalogue product.

    Subscription lines freeze the price and version they were sold at
    (grandfathering): a new version changes nothing for existing subscribers
    until a manager schedules it for them (``action_schedule_for_subscribers``).
    """

    _name = "telecom.price.version"
    _description = "Telecom price version"
    _order = "product_tmpl_id, date_from desc"

    product_tmpl_id = fields.Many2one(
        "product.template", string="Product", required=True, index=True, ondelete="cascade"
    )
    date_from = fields.Date(required=True, default=fields.Date.context_today)
    date_to = fields.Date(help="Last day the price applies; empty means open-ended.")
    price = fields.Monetary(required=True, currency_field="currency_id")
    currency_id = fields.Many2one(
        "res.currency", required=True, default=lambda self: self.env.company.currency_id
    )
    company_id = fields.Many2one(
        related="product_tmpl_id.company_id", store=True, index=True, string="Company"
    )
    note = fields.Char(help="Why the price changed (shown on the scheduling wizard).")
    subscription_line_ids = fields.One2many(
        "telecom.subscription.line", "price_version_id", string="Subscription Lines"
    )
    subscriber_count = fields.Integer(compute="_compute_subscriber_count")

    @api.depends("product_tmpl_id.name", "date_from", "price")
    def _compute_display_name(self):
        for version in self:
            version.display_name = _(
                "%(product)s from %(date)s",
                product=version.product_tmpl_id.name or "",
                date=version.date_from or "",
            )

    def _compute_subscriber_count(self):
        counts = {
            version.id: count
            for version, count in self.env["telecom.subscription.line"]._read_group(
                [("price_version_id", "in", self.ids), ("date_end", "=", False)],
                ["price_version_id"],
                ["__count"],
            )
        }
        for version in self:
            version.subscriber_count = counts.get(version.id, 0)

    @api.constrains("date_from", "date_to", "product_tmpl_id", "price")
    def _check_dates(self):
        for version in self:
            if version.price < 0:
                raise ValidationError(
                    _("%(version)s: a price cannot be negative.", version=version.display_name)
                )
            if version.date_to and version.date_to < version.date_from:
                raise ValidationError(
                    _(
                        "%(version)s: the end date is before the start date.",
                        version=version.display_name,
                    )
                )
            for other in version.product_tmpl_id.telecom_price_version_ids - version:
                starts_before_end = not version.date_to or other.date_from <= version.date_to
                ends_after_start = not other.date_to or other.date_to >= version.date_from
                if starts_before_end and ends_after_start:
                    raise ValidationError(
                        _(
                            "%(version)s overlaps %(other)s: one price at a time.",
                            version=version.display_name,
                            other=other.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        # a new version starting after an open-ended one ends that one the day before
        for vals in vals_list:
            if not vals.get("product_tmpl_id") or not vals.get("date_from"):
                continue
            start = fields.Date.to_date(vals["date_from"])
            open_versions = self.search(
                [
                    ("product_tmpl_id", "=", vals["product_tmpl_id"]),
                    ("date_to", "=", False),
                    ("date_from", "<", start),
                ]
            )
            open_versions.write({"date_to": start - timedelta(days=1)})
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sold(self):
        if self.subscription_line_ids:
            raise UserError(
                _("Subscribers hold these prices; end the version instead of deleting it.")
            )

    def action_schedule_for_subscribers(self):
        """Open the wizard moving subscribers to this price from a date."""
        self._telecom_check_groups("telecom_crm.group_telecom_manager")
        self.ensure_one()
        lines = self.env["telecom.subscription.line"].search(
            [
                ("product_id.product_tmpl_id", "=", self.product_tmpl_id.id),
                ("date_end", "=", False),
                ("price_version_id", "!=", self.id),
                ("subscription_id.state", "in", ("active", "suspended", "pending")),
            ]
        )
        return {
            "type": "ir.actions.act_window",
            "name": _("Schedule Price Change"),
            "res_model": "telecom.price.change.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_price_version_id": self.id,
                "default_subscription_ids": lines.subscription_id.ids,
            },
        }
