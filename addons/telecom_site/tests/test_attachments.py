# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestAttachmentsInDatabase(TransactionCase):
    def test_nothing_left_on_the_local_disk(self):
        """Every attachment of the suite (assets, reports, usage files) is a row."""
        self.assertEqual(
            self.env["ir.config_parameter"].sudo().get_param("ir_attachment.location"), "db"
        )
        self.env.cr.execute(
            "SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL AND type = 'binary'"
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_new_attachment_is_stored_in_the_row(self):
        payload = b"usage file 2026-12\n" * 10
        att = self.env["ir.attachment"].create(
            {"name": "usage.csv", "datas": base64.b64encode(payload)}
        )
        att.invalidate_recordset()
        self.assertFalse(att.store_fname)
        self.assertEqual(att.raw, payload)
        self.env.cr.execute("SELECT db_datas FROM ir_attachment WHERE id = %s", (att.id,))
        self.assertEqual(bytes(self.env.cr.fetchone()[0]), payload)

    def test_force_storage_moves_files_into_the_database(self):
        """An attachment written to the filestore (as before the add-on) moves in."""
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("ir_attachment.location", "file")
        att = self.env["ir.attachment"].create({"name": "mandate.pdf", "raw": b"%PDF-1.4 x"})
        self.assertTrue(att.store_fname)
        params.set_param("ir_attachment.location", "db")
        self.env["ir.attachment"].force_storage()
        att.invalidate_recordset()
        self.assertFalse(att.store_fname)
        self.assertEqual(att.raw, b"%PDF-1.4 x")

    def test_force_storage_is_for_administrators(self):
        from odoo.exceptions import AccessError
        from odoo.tests import new_test_user

        user = new_test_user(self.env, login="ts_user", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["ir.attachment"].with_user(user).force_storage()
