# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.tests import new_test_user, tagged

from .common import TelecomCommon, view_spec

ACTIONS = [
    "telecom_crm.res_partner_action_telecom_customer",
    "telecom_crm.telecom_billing_account_action",
    "telecom_crm.telecom_subscription_action",
    "telecom_crm.telecom_subscription_event_action",
    "telecom_crm.telecom_service_order_action",
    "telecom_crm.telecom_charge_action",
    "telecom_crm.product_template_action_telecom",
    "telecom_crm.telecom_price_version_action",
]


@tagged("post_install", "-at_install")
class TestViews(TelecomCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub = cls._subscription(partner=cls.business, phone_number="+32470300001")
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.business.id,
                "telecom_order_kind": "plan_change",
                "order_line": [
                    Command.create(
                        {"product_id": cls.plan_m.id, "telecom_subscription_id": cls.sub.id}
                    )
                ],
            }
        )

    def test_every_view_opens_for_every_group(self):
        """Each group loads each telecom list and form with its records (no AccessError)."""
        for user in (self.user, self.sales, self.care, self.billing, self.manager):
            for xmlid in ACTIONS:
                action = self.env.ref(xmlid)
                model = self.env[action.res_model].with_user(user)
                for view_type in action.view_mode.split(","):
                    spec = view_spec(model, view_type)
                    if view_type in ("list", "kanban"):
                        model.web_search_read([], spec, limit=20)
                    elif view_type == "form":
                        records = model.search([], limit=3)
                        records.web_read(spec)

    def test_subscription_and_orders_forms(self):
        for user in (self.user, self.sales, self.care, self.billing, self.manager):
            sub = self.sub.with_user(user)
            sub.web_read(view_spec(sub, "form"))
            self.business.with_user(user).web_read(
                view_spec(self.env["res.partner"].with_user(user))
            )
        for user in (self.sales, self.care, self.manager):
            # sales agents see their own orders
            order = self.order.with_user(user)
            if user == self.sales:
                order = self.order.copy({"user_id": self.sales.id}).with_user(user)
            result = order.web_read(view_spec(order, "form"))
            self.assertIn("Mobile M", result[0]["telecom_change_preview"])

    def test_other_users_are_not_disturbed(self):
        """Users without telecom groups open partners and sales orders as before."""
        salesman = new_test_user(
            self.env, login="tc_plain_sales", groups="sales_team.group_sale_salesman_all_leads"
        )
        employee = new_test_user(self.env, login="tc_employee", groups="base.group_user")
        plain_order = self.env["sale.order"].create(
            {"partner_id": self.resident.id, "user_id": salesman.id}
        )
        order = plain_order.with_user(salesman)
        order.web_read(view_spec(order, "form"))
        for user in (salesman, employee):
            partners = self.env["res.partner"].with_user(user)
            self.business.with_user(user).web_read(view_spec(partners, "form"))
            partners.web_search_read([], view_spec(partners, "list"), limit=10)
            search = partners.get_views([(False, "search")])["views"]["search"]["arch"]
            self.assertNotIn("telecom", search)
