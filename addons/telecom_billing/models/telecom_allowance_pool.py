# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The size of a billing account's shared pool, stated rather than summed.

A shared allowance (``share_scope = billing_account``) feeds the account's pool.
Without a stated size the pool is the sum of the grants of the account's lines
(two lines of a plan sharing 1,024 MB make a 2,048 MB pool: the behaviour before
pool sizes existed, kept for existing data). A size stated on the allowance
(``pool_quantity``, in its unit) or, above it, on the account
(``telecom.allowance.pool``) **is** the pool's size for every period in which at
least one line of the account includes the allowance: granted whole (not
prorated, not multiplied by the lines). The rating store applies the rule in its
grant queries (``DbBalanceStore``); :meth:`_telecom_pool_size` gives it to the ORM.
"""

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.telecom_crm.models.telecom_plan_allowance import UOM_BASE, UOM_FOR_UNIT


class TelecomPlanAllowance(models.Model):
    _inherit = "telecom.plan.allowance"

    pool_quantity = fields.Float(
        string="Pool Size",
        digits=(16, 2),
        help="Shared allowances: the size of the account's pool, in the allowance's unit, "
        "whatever the number of lines sharing it. Empty: the sum of the lines' grants.",
    )
    pool_quantity_base = fields.Float(
        compute="_compute_pool_quantity_base", store=True, digits=(20, 0)
    )

    @api.depends("pool_quantity", "uom")
    def _compute_pool_quantity_base(self):
        for allowance in self:
            allowance.pool_quantity_base = allowance.pool_quantity * UOM_BASE.get(allowance.uom, 1)

    @api.constrains("pool_quantity", "share_scope")
    def _check_pool_quantity(self):
        for allowance in self:
            if allowance.pool_quantity < 0:
                raise ValidationError(_("A pool size cannot be negative."))
            if allowance.pool_quantity and allowance.share_scope != "billing_account":
                raise ValidationError(_("Only an allowance shared by the account has a pool size."))

    def _telecom_pool_size(self, account):
        """The stated size (base units) of this allowance's pool on ``account``, or None.

        None: no size is stated, the pool is the sum of the lines' grants.
        """
        self.ensure_one()
        stated = (
            self.env["telecom.allowance.pool"]
            .sudo()
            .search(
                [("billing_account_id", "=", account.id), ("allowance_id", "=", self.id)], limit=1
            )
        )
        if stated:
            return int(stated.quantity_base)
        return int(self.pool_quantity_base) if self.pool_quantity_base else None


class TelecomAllowancePool(models.Model):
    """The size of one shared allowance's pool on one billing account."""

    _name = "telecom.allowance.pool"
    _description = "Shared allowance pool size of a billing account"
    _order = "billing_account_id, id"
    _check_company_auto = True

    billing_account_id = fields.Many2one(
        "telecom.billing.account",
        required=True,
        ondelete="cascade",
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(related="billing_account_id.company_id", store=True, index=True)
    allowance_id = fields.Many2one(
        "telecom.plan.allowance",
        required=True,
        ondelete="cascade",
        domain=[("share_scope", "=", "billing_account")],
    )
    product_tmpl_id = fields.Many2one(
        related="allowance_id.product_tmpl_id", string="Plan / Add-on"
    )
    usage_type_id = fields.Many2one(related="allowance_id.usage_type_id")
    quantity = fields.Float(string="Pool Size", required=True, digits=(16, 2))
    uom = fields.Selection(
        selection=lambda self: self.env["telecom.plan.allowance"]._fields["uom"].selection,
        string="Unit",
        required=True,
    )
    quantity_base = fields.Float(
        compute="_compute_quantity_base",
        store=True,
        digits=(20, 0),
        help="In the usage type's base unit: seconds, messages or bytes.",
    )

    _sql_constraints = (
        (
            "account_allowance_uniq",
            "unique(billing_account_id, allowance_id)",
            "An account states the size of an allowance's pool once.",
        ),
    )

    @api.depends("quantity", "uom")
    def _compute_quantity_base(self):
        for pool in self:
            pool.quantity_base = pool.quantity * UOM_BASE.get(pool.uom, 1)

    @api.depends("allowance_id", "quantity", "uom")
    def _compute_display_name(self):
        for pool in self:
            pool.display_name = (
                f"{pool.billing_account_id.name or ''} {pool.allowance_id.display_name or ''}: "
                f"{pool.quantity:g} {pool.uom or ''}"
            )

    @api.constrains("allowance_id", "quantity", "uom")
    def _check_pool(self):
        for pool in self:
            if pool.allowance_id.share_scope != "billing_account":
                raise ValidationError(
                    _(
                        "%(allowance)s is not shared by the account: it has no pool.",
                        allowance=pool.allowance_id.display_name,
                    )
                )
            if pool.quantity < 0:
                raise ValidationError(_("A pool size cannot be negative."))
            unit = pool.allowance_id.usage_type_id.unit
            if pool.uom not in UOM_FOR_UNIT.get(unit, ()):
                raise ValidationError(
                    _(
                        "%(usage)s is measured in %(unit)s: its pool cannot be given in %(uom)s.",
                        usage=pool.allowance_id.usage_type_id.name,
                        unit=unit,
                        uom=pool.uom,
                    )
                )
