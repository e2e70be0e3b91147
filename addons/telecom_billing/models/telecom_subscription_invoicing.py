# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Billing's side of the subscription: the prorated amount of a plan change preview
(what the next invoice carries). Usage and allowances: ``telecom_subscription_rating.py``."""

from decimal import Decimal

from odoo import models

from odoo.addons.telecom_crm.models.billing_periods import PERIOD_MONTHS

from ..billrun import LineState, change_amount


class TelecomSubscription(models.Model):
    _inherit = "telecom.subscription"

    def _telecom_change_preview(self, plan, date=None):
        """Fill ``amount``: what the next invoice carries for the current period.

        The period containing the effective date was billed in advance with the old
        plan: ``amount`` is the old plan's credit for the days from the effective date
        to the end of that period plus the new plan's charge for them, each per its
        product's proration policy (see ``billrun/proration.py``). Later periods are
        billed at the new price as usual.
        """
        preview = super()._telecom_change_preview(plan, date)
        effective = preview["effective_date"]
        account = self.billing_account_id
        current = self._telecom_plan_line_at(effective)
        new_plan = self._telecom_product(plan, ("plan", "bundle"))
        old_line = None
        if current:
            tmpl = current.product_id.product_tmpl_id
            old_line = LineState(
                date_start=current.date_start,
                date_end=current.date_end,
                price=Decimal(str(current.price_unit)),
                quantity=Decimal(str(current.quantity)),
                product_months=PERIOD_MONTHS.get(tmpl.telecom_recurring_period, 1),
                policy=tmpl.telecom_proration_policy or "daily",
            )
        new_tmpl = new_plan.product_tmpl_id
        new_line = LineState(
            date_start=effective,
            date_end=None,
            price=Decimal(str(preview["new_price"])),
            quantity=Decimal(1),
            product_months=PERIOD_MONTHS.get(new_tmpl.telecom_recurring_period, 1),
            policy=new_tmpl.telecom_proration_policy or "daily",
        )
        amount = change_amount(
            old_line,
            new_line,
            effective,
            account.billing_day or 1,
            account.billing_period_months or 1,
            digits=self.currency_id.decimal_places,
        )
        preview["amount"] = float(amount)
        return preview
