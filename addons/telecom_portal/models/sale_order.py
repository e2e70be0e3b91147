# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    telecom_agent_id = fields.Many2one(
        "res.partner",
        string="Reseller",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The reseller whose portal agent placed this order.",
    )
    telecom_agent_user_id = fields.Many2one(
        "res.users", string="Portal Agent", index="btree_not_null", readonly=True, copy=False
    )
    telecom_portal_request = fields.Boolean(
        string="Requested in the Portal",
        readonly=True,
        copy=False,
        help="The customer (or an agent) asked for it in the portal.",
    )

    def _telecom_portal_status(self):
        """(label, bootstrap colour) of this telecom order as the customer sees it."""
        self.ensure_one()
        if self.state == "cancel":
            return self.env._("Cancelled"), "secondary"
        if self.state != "sale":
            return self.env._("Awaiting confirmation"), "info"
        service_orders = self.telecom_service_order_ids
        if any(so.state == "failed" for so in service_orders):
            return self.env._("Failed: we will contact you"), "danger"
        if any(so.state not in ("done", "cancelled") for so in service_orders):
            return self.env._("In progress"), "warning"
        return self.env._("Done"), "success"
