# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestBillingMenu(TransactionCase):
    def test_billing_menu_needs_invoicing_rights(self):
        invoicing = new_test_user(
            self.env,
            login="tb_invoicing",
            groups="telecom_crm.group_telecom_user,account.group_account_invoice",
        )
        telecom_only = new_test_user(
            self.env, login="tb_telecom", groups="telecom_crm.group_telecom_user"
        )
        billing_menu = self.env.ref("telecom_billing.telecom_menu_billing")
        invoices_menu = self.env.ref("telecom_billing.account_move_menu_telecom_invoice")
        self.assertEqual(billing_menu.parent_id, self.env.ref("telecom_crm.telecom_menu_root"))
        menus = self.env["ir.ui.menu"]
        self.assertIn(invoices_menu.id, menus.with_user(invoicing)._visible_menu_ids())
        self.assertNotIn(billing_menu.id, menus.with_user(telecom_only)._visible_menu_ids())
        # the menu opens customer invoices only
        action = invoices_menu.action
        self.assertEqual(action.res_model, "account.move")
        self.assertIn("out_invoice", action.context)
