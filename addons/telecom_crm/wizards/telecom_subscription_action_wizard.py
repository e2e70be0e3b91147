# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.telecom_subscription import LIFECYCLE_GROUPS, SUSPEND_REASONS


class TelecomSubscriptionActionWizard(models.TransientModel):
    """Back-office form for one lifecycle action: reason, date, waiver, preview."""

    _name = "telecom.subscription.action.wizard"
    _description = "Telecom subscription action"

    subscription_id = fields.Many2one("telecom.subscription", required=True, readonly=True)
    action = fields.Selection(
        [
            ("suspend", "Suspend"),
            ("resume", "Resume"),
            ("terminate", "Terminate"),
            ("change_plan", "Change plan"),
            ("add_addon", "Add add-on"),
            ("remove_addon", "Remove add-on"),
            ("move", "Move"),
        ],
        required=True,
        readonly=True,
    )
    state = fields.Selection(related="subscription_id.state")
    currency_id = fields.Many2one(related="subscription_id.currency_id")
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Char()
    # suspend
    suspend_reason = fields.Selection(SUSPEND_REASONS, default="customer_request")
    # terminate
    termination_reason_id = fields.Many2one(
        "telecom.reason.code", domain="[('kind', '=', 'termination')]"
    )
    commitment_end_date = fields.Date(related="subscription_id.commitment_end_date")
    etf_amount = fields.Monetary(
        string="Early Termination Fee", compute="_compute_etf_amount", currency_field="currency_id"
    )
    waive_etf = fields.Boolean(string="Waive the Fee")
    can_waive = fields.Boolean(compute="_compute_can_waive")
    # change plan
    current_plan_id = fields.Many2one(related="subscription_id.plan_id", string="Current Plan")
    plan_id = fields.Many2one(
        "product.product",
        string="New Plan",
        domain="[('telecom_kind', 'in', ('plan', 'bundle')), ('id', '!=', current_plan_id)]",
    )
    preview_old_price = fields.Monetary(
        compute="_compute_preview", currency_field="currency_id", string="Current Price"
    )
    preview_new_price = fields.Monetary(
        compute="_compute_preview", currency_field="currency_id", string="New Price"
    )
    preview_difference = fields.Monetary(
        compute="_compute_preview", currency_field="currency_id", string="Difference per Period"
    )
    preview_period = fields.Char(compute="_compute_preview", string="Period")
    preview_proration_policy = fields.Char(compute="_compute_preview", string="Proration")
    preview_effective_date = fields.Date(compute="_compute_preview", string="Effective Date")
    preview_commitment_end = fields.Date(compute="_compute_preview", string="Commitment Until")
    preview_amount = fields.Monetary(
        compute="_compute_preview", currency_field="currency_id", string="Amount this Period"
    )
    preview_amount_known = fields.Boolean(compute="_compute_preview")
    preview_error = fields.Char(compute="_compute_preview")
    # add-ons
    addon_product_id = fields.Many2one(
        "product.product", string="Add-on", domain="[('telecom_kind', '=', 'addon')]"
    )
    addon_quantity = fields.Float(default=1.0)
    current_addon_ids = fields.Many2many(
        "product.product", compute="_compute_current_addon_ids", string="Current Add-ons"
    )
    remove_product_id = fields.Many2one(
        "product.product", string="Add-on to Remove", domain="[('id', 'in', current_addon_ids)]"
    )
    # move
    address_id = fields.Many2one("res.partner", string="New Installation Address")

    @api.depends("subscription_id", "date")
    def _compute_etf_amount(self):
        for wizard in self:
            if wizard.subscription_id and wizard.action == "terminate":
                wizard.etf_amount = wizard.subscription_id._telecom_etf_amount(wizard.date)
            else:
                wizard.etf_amount = 0.0

    @api.depends("subscription_id")
    @api.depends_context("uid")
    def _compute_can_waive(self):
        is_manager = self.env.user.has_group("telecom_crm.group_telecom_manager")
        for wizard in self:
            wizard.can_waive = is_manager

    @api.depends("subscription_id", "plan_id", "date")
    def _compute_preview(self):
        policies = dict(
            self.env["product.template"]
            ._fields["telecom_proration_policy"]
            ._description_selection(self.env)
        )
        periods = dict(
            self.env["product.template"]
            ._fields["telecom_recurring_period"]
            ._description_selection(self.env)
        )
        for wizard in self:
            values = {
                "preview_old_price": 0.0,
                "preview_new_price": 0.0,
                "preview_difference": 0.0,
                "preview_period": False,
                "preview_proration_policy": False,
                "preview_effective_date": False,
                "preview_commitment_end": False,
                "preview_amount": 0.0,
                "preview_amount_known": False,
                "preview_error": False,
            }
            if wizard.action == "change_plan" and wizard.plan_id and wizard.subscription_id:
                try:
                    sub = wizard.subscription_id._origin
                    sub._telecom_check_can_change_plan(wizard.plan_id, wizard.date)
                    preview = sub._telecom_change_preview(wizard.plan_id, wizard.date)
                except (UserError, ValidationError) as exc:
                    values["preview_error"] = exc.args[0]
                else:
                    values.update(
                        preview_old_price=preview["old_price"],
                        preview_new_price=preview["new_price"],
                        preview_difference=preview["price_difference"],
                        preview_period=periods.get(preview["period"], preview["period"]),
                        preview_proration_policy=policies.get(
                            preview["proration_policy"], preview["proration_policy"]
                        ),
                        preview_effective_date=preview["effective_date"],
                        preview_commitment_end=preview["commitment_end_date"] or False,
                        preview_amount=preview["amount"] or 0.0,
                        preview_amount_known=preview["amount"] is not None,
                    )
            wizard.update(values)

    @api.depends("subscription_id", "date")
    def _compute_current_addon_ids(self):
        for wizard in self:
            lines = wizard.subscription_id.line_ids.filtered(
                lambda line, d=wizard.date: (
                    line.kind == "addon"
                    and not line.bundle_product_id
                    and (not line.date_end or line.date_end >= d)
                )
            )
            wizard.current_addon_ids = lines.product_id

    def action_confirm(self):
        self._telecom_check_groups(*LIFECYCLE_GROUPS)
        self.ensure_one()
        sub = self.subscription_id
        if self.action == "suspend":
            sub.action_suspend(self.suspend_reason, self.date, note=self.note)
        elif self.action == "resume":
            sub.action_resume(self.date, note=self.note)
        elif self.action == "terminate":
            sub.action_terminate(
                self.date, self.termination_reason_id, waive_etf=self.waive_etf, note=self.note
            )
        elif self.action == "change_plan":
            if not self.plan_id:
                raise UserError(_("Choose the new plan."))
            sub.action_change_plan(self.plan_id, self.date, note=self.note)
        elif self.action == "add_addon":
            if not self.addon_product_id:
                raise UserError(_("Choose the add-on."))
            sub.action_add_addon(self.addon_product_id, self.date, quantity=self.addon_quantity)
        elif self.action == "remove_addon":
            if not self.remove_product_id:
                raise UserError(_("Choose the add-on to remove."))
            sub.action_remove_addon(self.remove_product_id, self.date)
        elif self.action == "move":
            sub.action_move(self.address_id, self.date)
        return {"type": "ir.actions.act_window_close"}
