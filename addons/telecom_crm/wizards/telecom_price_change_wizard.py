# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class TelecomPriceChangeWizard(models.TransientModel):
    """End grandfathering for chosen subscribers: the new price from a date."""

    _name = "telecom.price.change.wizard"
    _description = "Schedule a price change for subscribers"

    price_version_id = fields.Many2one("telecom.price.version", required=True)
    product_tmpl_id = fields.Many2one(related="price_version_id.product_tmpl_id")
    currency_id = fields.Many2one(related="price_version_id.currency_id")
    new_price = fields.Monetary(related="price_version_id.price", currency_field="currency_id")
    date = fields.Date(
        string="From",
        compute="_compute_date",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        help="First day the subscribers pay the new price.",
    )
    subscription_ids = fields.Many2many("telecom.subscription", string="Subscriptions")
    subscription_count = fields.Integer(compute="_compute_subscription_count")

    @api.model
    def default_get(self, fields_list):
        self.check_access("create")
        values = super().default_get(fields_list)
        context = self.env.context
        if (
            "subscription_ids" in fields_list
            and not values.get("subscription_ids")
            and context.get("active_model") == "telecom.subscription"
            and context.get("active_ids")
        ):
            values["subscription_ids"] = [fields.Command.set(context["active_ids"])]
        return values

    @api.depends("price_version_id")
    def _compute_date(self):
        today = fields.Date.context_today(self)
        for wizard in self:
            start = wizard.price_version_id.date_from
            wizard.date = max(start, today) if start else today

    @api.depends("subscription_ids")
    def _compute_subscription_count(self):
        for wizard in self:
            wizard.subscription_count = len(wizard.subscription_ids)

    def action_apply(self):
        """Schedule the price for each subscription; keep the good, report the bad."""
        self._telecom_check_groups("telecom_crm.group_telecom_manager")
        self.ensure_one()
        if not self.subscription_ids:
            raise UserError(_("Choose the subscriptions to move to the new price."))
        done, errors = 0, []
        for sub in self.subscription_ids:
            try:
                with self.env.cr.savepoint():
                    sub._telecom_schedule_price(self.price_version_id, self.date)
                done += 1
            except (UserError, ValidationError) as exc:
                errors.append(f"{sub.name}: {exc.args[0]}")
        message = _(
            "%(done)s subscription(s) move to %(price)s %(currency)s from %(date)s.",
            done=done,
            price=self.price_version_id.price,
            currency=self.currency_id.name,
            date=self.date,
        )
        if errors:
            message += "\n" + _("Not changed:") + "\n" + "\n".join(errors)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Price change scheduled"),
                "message": message,
                "type": "warning" if errors else "success",
                "sticky": bool(errors),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
