# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.queue_job.tests.common import trap_jobs


@tagged("post_install", "-at_install")
class TestOssJobChannel(TransactionCase):
    def test_channel_under_root(self):
        channel = self.env.ref("telecom_oss.queue_job_channel_telecom_oss")
        self.assertEqual(channel.complete_name, "root.telecom_oss")

    def test_job_on_oss_channel_is_queued_not_run(self):
        partner = self.env["res.partner"].create({"name": "Queued Partner"})
        with trap_jobs() as trap:
            partner.with_delay(channel="root.telecom_oss").write({"name": "Renamed"})
            trap.assert_jobs_count(1)
            self.assertEqual(partner.name, "Queued Partner")
            trap.perform_enqueued_jobs()
        self.assertEqual(partner.name, "Renamed")

    def test_jobs_menu_for_managers_only(self):
        manager = new_test_user(
            self.env, login="to_manager", groups="telecom_crm.group_telecom_manager"
        )
        user = new_test_user(self.env, login="to_user", groups="telecom_crm.group_telecom_user")
        menu = self.env.ref("telecom_oss.queue_job_menu_telecom_oss")
        menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, menus.with_user(manager)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(user)._visible_menu_ids())
