# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTelecomSecurity(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.telecom_user = new_test_user(
            cls.env, login="tc_user", groups="telecom_crm.group_telecom_user"
        )
        cls.telecom_manager = new_test_user(
            cls.env, login="tc_manager", groups="telecom_crm.group_telecom_manager"
        )
        cls.plain_user = new_test_user(cls.env, login="tc_plain", groups="base.group_user")
        cls.root_menu = cls.env.ref("telecom_crm.telecom_menu_root")

    def _visible_menus(self, user):
        return self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()

    def test_group_ladder(self):
        self.assertTrue(self.telecom_manager.has_group("telecom_crm.group_telecom_user"))
        self.assertTrue(self.telecom_manager.has_group("telecom_crm.group_telecom_manager"))
        self.assertTrue(self.telecom_user.has_group("telecom_crm.group_telecom_user"))
        self.assertFalse(self.telecom_user.has_group("telecom_crm.group_telecom_manager"))
        self.assertFalse(self.plain_user.has_group("telecom_crm.group_telecom_user"))
        category = self.env.ref("telecom_crm.module_category_telecom")
        self.assertEqual(self.env.ref("telecom_crm.group_telecom_manager").category_id, category)

    def test_admin_is_telecom_manager(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("telecom_crm.group_telecom_manager"))

    def test_telecom_app_menu_visibility(self):
        self.assertTrue(self.root_menu.web_icon.startswith("telecom_crm,"))
        self.assertIn(self.root_menu.id, self._visible_menus(self.telecom_user))
        self.assertNotIn(self.root_menu.id, self._visible_menus(self.plain_user))
        config_menu = self.env.ref("telecom_crm.telecom_menu_configuration")
        self.assertEqual(config_menu.groups_id, self.env.ref("telecom_crm.group_telecom_manager"))
        customers = self.env.ref("telecom_crm.res_partner_menu_telecom_customer")
        self.assertIn(customers.id, self._visible_menus(self.telecom_user))
