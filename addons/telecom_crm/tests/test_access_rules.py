# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import TelecomCommon

BUSINESS_MODELS = [
    "telecom.customer.segment",
    "telecom.usage.type",
    "telecom.zone.class",
    "telecom.reason.code",
    "telecom.billing.account",
    "telecom.price.version",
    "telecom.plan.allowance",
    "telecom.bundle.line",
    "telecom.subscription",
    "telecom.subscription.line",
    "telecom.subscription.event",
    "telecom.service.order",
    "telecom.charge",
    "telecom.api.request",
]


@tagged("post_install", "-at_install")
class TestAccessRules(TelecomCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sub_business = cls._subscription(partner=cls.business)
        cls.sub_resident = cls._subscription()
        cls.charge = cls.env["telecom.charge"].create(
            {
                "billing_account_id": cls.business_account.id,
                "subscription_id": cls.sub_business.id,
                "description": "Installation",
                "amount": 49.0,
            }
        )
        cls.env["telecom.charge"].create(
            {
                "billing_account_id": cls.resident_account.id,
                "description": "Other customer's fee",
                "amount": 9.0,
            }
        )

    def test_group_ladder(self):
        for group in ("user", "sales", "care", "billing"):
            self.assertTrue(self.manager.has_group(f"telecom_crm.group_telecom_{group}"))
        for user in (self.sales, self.care, self.billing):
            self.assertTrue(user.has_group("telecom_crm.group_telecom_user"))
            self.assertFalse(user.has_group("telecom_crm.group_telecom_manager"))
        self.assertTrue(self.sales.has_group("sales_team.group_sale_salesman"))
        self.assertFalse(self.sales.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(self.care.has_group("sales_team.group_sale_salesman_all_leads"))
        self.assertTrue(self.billing.has_group("account.group_account_invoice"))
        self.assertFalse(self.billing.has_group("telecom_crm.group_telecom_care"))

    def test_every_model_has_acl_and_company_rule(self):
        for model in BUSINESS_MODELS:
            self.assertTrue(
                self.env["ir.model.access"].search_count([("model_id.model", "=", model)]),
                f"{model} has no ACL",
            )
            rules = self.env["ir.rule"].search(
                [("model_id.model", "=", model), ("global", "=", True)]
            )
            self.assertTrue(
                any("company_ids" in rule.domain_force for rule in rules),
                f"{model} has no multi-company rule",
            )
        # every model of the add-on is in the list above (or transient / abstract)
        ours = self.env["ir.model"].search(
            [("model", "=like", "telecom.%"), ("transient", "=", False)]
        )
        stored = [m.model for m in ours if not self.env[m.model]._abstract]
        self.assertFalse(set(stored) - set(BUSINESS_MODELS) - self._other_addons_models())

    def _other_addons_models(self):
        ours = self.env["ir.model.data"].search(
            [("model", "=", "ir.model"), ("module", "=", "telecom_crm")]
        )
        crm_models = set(self.env["ir.model"].browse(ours.mapped("res_id")).mapped("model"))
        all_models = set(
            self.env["ir.model"].search([("model", "=like", "telecom.%")]).mapped("model")
        )
        return all_models - crm_models

    def test_acl_per_group(self):
        expect = {
            # model: {user: (read, write, create, unlink)}
            "telecom.subscription": {
                self.user: "r",
                self.sales: "rwc",
                self.care: "rw",
                self.billing: "rw",
                self.manager: "rwcu",
            },
            "telecom.billing.account": {
                self.user: "r",
                self.sales: "rwc",
                self.care: "rw",
                self.billing: "rwc",
                self.manager: "rwcu",
            },
            "telecom.charge": {
                self.user: "r",
                self.sales: "rwc",
                self.care: "rwc",
                self.billing: "rwcu",
                self.manager: "rwcu",
            },
            "telecom.price.version": {
                self.user: "r",
                self.sales: "r",
                self.care: "r",
                self.billing: "r",
                self.manager: "rwcu",
            },
            "telecom.reason.code": {self.user: "r", self.care: "r", self.manager: "rwcu"},
            "telecom.subscription.event": {self.user: "r", self.care: "rc", self.manager: "rc"},
            "telecom.api.request": {self.user: "", self.care: "", self.manager: "r"},
            "telecom.price.change.wizard": {self.care: "", self.manager: "rwcu"},
        }
        ops = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
        for model, per_user in expect.items():
            for user, allowed in per_user.items():
                for letter, op in ops.items():
                    self.assertEqual(
                        self.env[model].with_user(user).has_access(op),
                        letter in allowed,
                        f"{user.login} {op} {model}",
                    )

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "Telco B"})
        user_b = new_test_user(
            self.env,
            login="tc_care_b",
            groups="telecom_crm.group_telecom_care",
            company_id=company_b.id,
            company_ids=[Command.set(company_b.ids)],
        )
        partner_b = self.env["res.partner"].create({"name": "Customer B", "email": "b@b.example"})
        account_b = (
            self.env["telecom.billing.account"]
            .with_company(company_b)
            .create({"partner_id": partner_b.id, "company_id": company_b.id})
        )
        sub_b = (
            self.env["telecom.subscription"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": partner_b.id,
                    "billing_account_id": account_b.id,
                    "company_id": company_b.id,
                    "line_ids": [Command.create({"product_id": self.plan_s.id})],
                }
            )
        )
        Subscription = self.env["telecom.subscription"].with_user(user_b)
        self.assertEqual(Subscription.search([]), sub_b)
        with self.assertRaises(AccessError):
            self.sub_business.with_user(user_b).read(["name"])
        self.assertFalse(
            self.env["telecom.billing.account"]
            .with_user(user_b)
            .search([("id", "=", self.business_account.id)])
        )
        self.assertFalse(self.env["telecom.charge"].with_user(user_b).search([]))
        self.assertNotIn(sub_b, self.env["telecom.subscription"].with_user(self.care).search([]))
        # a subscription cannot hang on another company's account
        with self.assertRaises(UserError):
            self.env["telecom.subscription"].create(
                {
                    "partner_id": partner_b.id,
                    "billing_account_id": account_b.id,
                    "company_id": self.company.id,
                }
            )

    def test_portal_sees_only_its_commercial_partner(self):
        contact = self.env["res.partner"].create(
            {"name": "Paula Portal", "parent_id": self.business.id, "email": "paula@bolt.example"}
        )
        portal = new_test_user(
            self.env, login="tc_portal", groups="base.group_portal", partner_id=contact.id
        )
        Subscription = self.env["telecom.subscription"].with_user(portal)
        self.assertEqual(Subscription.search([]), self.sub_business)
        self.assertEqual(
            self.env["telecom.billing.account"].with_user(portal).search([]),
            self.business_account,
        )
        self.assertEqual(self.env["telecom.charge"].with_user(portal).search([]), self.charge)
        self.assertEqual(
            self.env["telecom.subscription.line"].with_user(portal).search([]),
            self.sub_business.line_ids,
        )
        with self.assertRaises(AccessError):
            self.sub_resident.with_user(portal).read(["name"])
        with self.assertRaises(AccessError):
            self.sub_business.with_user(portal).write({"ref": "mine"})
        with self.assertRaises(AccessError):
            self.env["telecom.service.order"].with_user(portal).search([])
        with self.assertRaises(AccessError):
            self.env["telecom.api"].with_user(portal).lookup_subscription(self.sub_business.name)

    def test_menus_per_group(self):
        Menu = self.env["ir.ui.menu"]
        config = self.env.ref("telecom_crm.telecom_menu_configuration")
        subs = self.env.ref("telecom_crm.telecom_subscription_menu")
        orders = self.env.ref("telecom_crm.sale_order_menu_telecom")
        self.assertIn(subs.id, Menu.with_user(self.user)._visible_menu_ids())
        self.assertNotIn(orders.id, Menu.with_user(self.user)._visible_menu_ids())
        self.assertIn(orders.id, Menu.with_user(self.sales)._visible_menu_ids())
        self.assertNotIn(config.id, Menu.with_user(self.care)._visible_menu_ids())
        self.assertIn(config.id, Menu.with_user(self.manager)._visible_menu_ids())
