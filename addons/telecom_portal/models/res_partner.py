# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    _inherit = "res.partner"

    telecom_agent_id = fields.Many2one(
        "res.partner",
        string="Registered by Reseller",
        index="btree_not_null",
        tracking=True,
        domain="[('telecom_is_reseller', '=', True), ('parent_id', '=', False)]",
        help="The reseller whose portal agents registered this customer: they follow its "
        "services and orders in the portal.",
    )

    @api.model
    def _commercial_fields(self):
        # contacts of a customer carry its reseller, so the agents' record rule
        # reaches them with one indexed comparison
        return [*super()._commercial_fields(), "telecom_agent_id"]

    @api.constrains("telecom_agent_id")
    def _check_telecom_agent(self):
        for partner in self:
            agent = partner.telecom_agent_id
            if not agent:
                continue
            if not agent.telecom_is_reseller or agent.parent_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s: %(agent)s is not a reseller company.",
                        partner=partner.display_name,
                        agent=agent.display_name,
                    )
                )
            if agent == partner.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s cannot be its own reseller.", partner=partner.display_name
                    )
                )

    def _telecom_agent_users(self):
        """The portal agents of these resellers."""
        group = self.env.ref("telecom_portal.group_telecom_agent")
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("groups_id", "in", group.ids),
                ]
            )
        )

    # -- what agents do (called as the system after the portal checked the agent) --
    @api.model
    def _telecom_agent_register_customer(self, agent_user, values):
        """Create a customer (and its first billing account) for ``agent_user``'s reseller.

        ``values`` are ``telecom.api.create_customer`` values. Returns the customer.
        """
        reseller = agent_user.commercial_partner_id
        if not reseller.telecom_is_reseller:
            raise ValidationError(
                self.env._("%(name)s is not a reseller.", name=reseller.display_name)
            )
        Api = self.env["telecom.api"]
        with self.env.cr.savepoint():
            result = Api._create_customer(values)
            customer = self.browse(result["customer_id"])
            customer.write(
                {"telecom_agent_id": reseller.id, "user_id": reseller.user_id.id or False}
            )
            customer.message_post(
                body=self.env._(
                    "Registered in the portal by %(agent)s (%(reseller)s).",
                    agent=agent_user.name,
                    reseller=reseller.name,
                )
            )
        return customer

    def _telecom_agent_catalogue(self):
        """{"plans", "addons"}: the products an agent may sell this customer (for sale,
        shared or of the customer's company)."""
        self.ensure_one()
        Product = self.env["product.product"]
        company_ids = (False, (self.company_id or self.env.company).id)
        common = [("sale_ok", "=", True), ("company_id", "in", company_ids)]
        return {
            "plans": Product.search(
                [("telecom_kind", "in", ("plan", "bundle")), *common],
                order="default_code, name, id",
            ),
            "addons": Product.search(
                [("telecom_kind", "=", "addon"), *common], order="default_code, name, id"
            ),
        }

    def _telecom_agent_place_order(self, agent_user, values):
        """Create and confirm a telecom order for this customer on behalf of an agent.

        ``values`` are ``telecom.api.place_order`` values without ``customer``.
        Returns the confirmed ``sale.order``.
        """
        self.ensure_one()
        reseller = agent_user.commercial_partner_id
        if not reseller.telecom_is_reseller or self.telecom_agent_id != reseller:
            raise ValidationError(
                self.env._(
                    "%(customer)s is not a customer of your company.", customer=self.display_name
                )
            )
        Api = self.env["telecom.api"]
        with self.env.cr.savepoint():
            order_vals = Api._api_order_vals({**values, "customer": self.id})
            today = fields.Date.context_today(self.with_user(agent_user))
            if order_vals["telecom_effective_date"] < today:
                # the form offers today onwards; the server holds to it (no backdating)
                raise ValidationError(
                    self.env._(
                        "An order placed by an agent starts today or later, not on %(date)s.",
                        date=order_vals["telecom_effective_date"],
                    )
                )
            order_vals["order_line"] = Api._api_order_lines(values.get("lines") or [])
            order_vals.update(
                {
                    "telecom_agent_id": reseller.id,
                    "telecom_agent_user_id": agent_user.id,
                    "telecom_portal_request": True,
                    "user_id": reseller.user_id.id or False,
                    "origin": self.env._("Portal agent: %(agent)s", agent=agent_user.name),
                }
            )
            order = self.env["sale.order"].with_company(self.company_id or self.env.company)
            order = order.create(order_vals)
            order.message_subscribe(partner_ids=agent_user.partner_id.ids)
            order.action_confirm()
        return order
