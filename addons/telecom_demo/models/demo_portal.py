# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo resellers and their portal agents.

One reseller per hundred customers (at least one), each with one portal agent
(logins ``agent``, ``agent2``..., password = login: demo only). One residential
demo customer in seven is registered by a reseller, and that customer's telecom
orders count as the reseller's sales.
"""

from odoo import Command, api, models

from .demo_crm import CITIES
from .demo_generator import DEMO_REF_PREFIX

# not "DEMO-...": that prefix marks the demo customers
RESELLER_PREFIX = "RESELLER-"
RESELLER_NAMES = ["Relay Phone Shop", "Corner Mobile", "City Connect", "Signal Store"]


class TelecomDemoGenerator(models.AbstractModel):
    _inherit = "telecom.demo.generator"

    @api.model
    def _demo_steps(self):
        return [*super()._demo_steps(), "_demo_portal_agents"]

    @api.model
    def _demo_portal_agents(self, rng, params):
        count = max(1, params["customers"] // 100)
        Partner = self.env["res.partner"].with_context(tracking_disable=True)
        Users = self.env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
        groups = self.env.ref("base.group_portal") | self.env.ref(
            "telecom_portal.group_telecom_agent"
        )
        created = 0
        resellers = Partner
        for index in range(1, count + 1):
            # draw for every reseller so each one is the same on every run
            city, zip_code = rng.choice(CITIES)
            name = f"{RESELLER_NAMES[(index - 1) % len(RESELLER_NAMES)]} {city}"
            ref = f"{RESELLER_PREFIX}{index:03d}"
            reseller = Partner.search([("ref", "=", ref)], limit=1)
            if not reseller:
                reseller = Partner.create(
                    {
                        "name": name,
                        "ref": ref,
                        "is_company": True,
                        "telecom_is_reseller": True,
                        "city": city,
                        "zip": zip_code,
                        "email": f"shop{index}@resellers.example.com",
                    }
                )
                created += 1
            resellers |= reseller
            login = "agent" if index == 1 else f"agent{index}"
            if not Users.with_context(active_test=False).search([("login", "=", login)]):
                Users.create(
                    {
                        "name": f"{name} (agent)",
                        "login": login,
                        "password": login,
                        "email": f"{login}@resellers.example.com",
                        "parent_id": reseller.id,
                        "groups_id": [Command.set(groups.ids)],
                    }
                )
                created += 1
        # one residential customer in seven was registered by a reseller
        customers = self._demo_customers_all().filtered(
            lambda p: not p.is_company and not p.telecom_agent_id
        )
        SaleOrder = self.env["sale.order"]
        for partner in customers:
            index = int(partner.ref.removeprefix(DEMO_REF_PREFIX))
            if index % 7:
                continue
            reseller = resellers[index % len(resellers)]
            partner.with_context(tracking_disable=True).telecom_agent_id = reseller
            agent = Users.search([("partner_id.parent_id", "=", reseller.id)], limit=1)
            SaleOrder.search(
                [("telecom_customer_id", "=", partner.id), ("telecom_order_kind", "!=", False)]
            ).write({"telecom_agent_id": reseller.id, "telecom_agent_user_id": agent.id})
            created += 1
        return created
