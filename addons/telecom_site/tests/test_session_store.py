# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
import os

import odoo.http
from odoo import sql_db
from odoo.tests import HttpCase, new_test_user, tagged

from ..session_store import PostgresSessionStore, session_database


@tagged("post_install", "-at_install")
class TestSessionsInPostgres(HttpCase):
    """A session opened through one site's server is valid at another's: the sessions
    are rows of the deployment's database, not files on one site's disk."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(cls.env, login="ts_agent", password="ts_agent_pw_1")
        cls.dbname = cls.env.cr.dbname
        # site A: the test server's own store becomes the PostgreSQL one
        cls.site_a = PostgresSessionStore(cls.dbname)
        cls.previous_store = odoo.http.root.session_store
        odoo.http.root.session_store = cls.site_a
        cls.addClassCleanup(setattr, odoo.http.root, "session_store", cls.previous_store)
        cls.addClassCleanup(cls._drop_rows)

    @classmethod
    def _drop_rows(cls):
        with sql_db.db_connect(cls.dbname).cursor() as cr:
            cr.execute("DELETE FROM telecom_http_session WHERE data->>'login' = 'ts_agent'")

    def _row(self, sid):
        with sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute("SELECT data FROM telecom_http_session WHERE sid = %s", (sid,))
            row = cr.fetchone()
        return row and row[0]

    def _session_info(self):
        res = self.url_open(
            "/web/session/get_session_info",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}),
            headers={"Content-Type": "application/json"},
        )
        res.raise_for_status()
        return res.json()["result"]

    def test_login_at_one_site_is_valid_at_another(self):
        self.authenticate("ts_agent", "ts_agent_pw_1")
        sid = self.session.sid
        self.assertEqual(self._session_info()["uid"], self.user.id)
        row = self._row(sid)
        self.assertEqual(row["uid"], self.user.id)
        # nothing went to the local disk
        on_disk = odoo.http.FilesystemSessionStore(odoo.tools.config.session_dir)
        self.assertFalse(os.path.exists(on_disk.get_session_filename(sid)))
        # site B: another process, another store object, the same database
        site_b = PostgresSessionStore(self.dbname)
        session = site_b.get(sid)
        self.assertFalse(session.is_new)
        self.assertEqual(session.uid, self.user.id)
        self.assertEqual(session.session_token, row["session_token"])
        # and the test server, switched to site B's store, still knows the browser
        odoo.http.root.session_store = site_b
        try:
            self.assertEqual(self._session_info()["uid"], self.user.id)
        finally:
            odoo.http.root.session_store = self.site_a

    def test_logout_deletes_the_row(self):
        self.authenticate("ts_agent", "ts_agent_pw_1")
        sid = self.session.sid
        self.assertTrue(self._row(sid))
        self.url_open("/web/session/logout", allow_redirects=False)
        self.assertIsNone(self._row(sid))
        self.assertTrue(self.site_a.get(sid).is_new)

    def test_unknown_or_malformed_ids_give_a_new_session(self):
        for sid in ("x" * 84, "../../etc/passwd", "", "a' OR '1'='1"):
            session = self.site_a.get(sid)
            self.assertTrue(session.is_new)
            self.assertNotEqual(session.sid, sid)
            self.assertTrue(self.site_a.is_valid_key(session.sid))

    def test_vacuum_and_device_revocation(self):
        old, fresh = self.site_a.new(), self.site_a.new()
        for session in (old, fresh):
            session["login"] = "ts_agent"
            self.site_a.save(session)
        with sql_db.db_connect(self.dbname).cursor() as cr:
            cr.execute(
                "UPDATE telecom_http_session SET write_date = write_date - interval '8 days'"
                " WHERE sid = %s",
                (old.sid,),
            )
        # logging.INFO, not "INFO": Odoo renames level 25 (runbot) to "INFO"
        with self.assertLogs("odoo.addons.telecom_site.session_store", logging.INFO):
            self.site_a.vacuum(max_lifetime=7 * 24 * 3600)
        self.assertIsNone(self._row(old.sid))
        self.assertTrue(self._row(fresh.sid))
        # res.device revokes sessions by their 42-character identifier
        self.site_a.delete_from_identifiers(["not-an-identifier", fresh.sid[:42]])
        self.assertIsNone(self._row(fresh.sid))

    def test_rotation_keeps_the_data_under_a_new_id(self):
        self.authenticate("ts_agent", "ts_agent_pw_1")
        session = self.site_a.get(self.session.sid)
        old_sid = session.sid
        self.site_a.rotate(session, self.env)
        self.assertNotEqual(session.sid, old_sid)
        self.assertIsNone(self._row(old_sid))
        self.assertEqual(self._row(session.sid)["uid"], self.user.id)

    def test_needs_a_database(self):
        with self.assertRaises(ValueError):
            PostgresSessionStore(None)
        config = odoo.tools.config
        saved = {key: config.get(key) for key in ("telecom_session_db", "db_name")}
        try:
            config["telecom_session_db"] = None
            config["db_name"] = "telecom,other"
            self.assertEqual(session_database(), "telecom")
            config["telecom_session_db"] = "sessions_db"
            self.assertEqual(session_database(), "sessions_db")
        finally:
            for key, value in saved.items():
                config[key] = value
