# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""HTTP sessions in PostgreSQL instead of the local disk.

Odoo keeps each session in a file under ``data_dir/sessions``: a site that loses power
takes its sessions with it, and a customer served by another site must log in again.
Here sessions are rows of one table in the deployment's database, replicated with
everything else, so a session opened at site A is valid at site B.

Odoo's store API is kept whole (``new``, ``get``, ``save``, ``delete``, ``rotate``,
``vacuum``, ``delete_from_identifiers``, ``generate_key``, ``is_valid_key``); the class
only replaces where the bytes go. It talks to the database through Odoo's own
connection pool (``odoo.sql_db.db_connect``), each call in a short transaction of its
own, so it follows the deployment's connection settings (``PGSERVICE``, the libpq
service file that lists every site with ``target_session_attrs=read-write``).

The statements are raw SQL: the store works below the ORM (no registry, no user), on
every HTTP request, and may run before the add-on is installed in the database.
"""

import json
import logging
import threading

from odoo import http, sql_db
from odoo.tools import config

_logger = logging.getLogger(__name__)

TABLE_DDL = """
CREATE TABLE IF NOT EXISTS telecom_http_session (
    sid varchar(84) PRIMARY KEY,
    data jsonb NOT NULL,
    write_date timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
);
CREATE INDEX IF NOT EXISTS telecom_http_session_write_date_idx
    ON telecom_http_session (write_date);
"""


def session_database():
    """The database that holds the sessions: ``telecom_session_db`` or ``db_name``."""
    name = config.get("telecom_session_db") or (config.get("db_name") or "").split(",")[0]
    return name.strip() or None


class PostgresSessionStore(http.FilesystemSessionStore):
    """Odoo's session store, with the sessions in the table ``telecom_http_session``."""

    def __init__(self, dbname, session_class=http.Session):
        if not dbname:
            raise ValueError(
                "Sessions in PostgreSQL need a database: set telecom_session_db (or db_name) "
                "in the Odoo configuration file."
            )
        # the folder is never written; Odoo's code reads ``path`` in a few places
        super().__init__(config.session_dir, session_class=session_class, renew_missing=True)
        self.dbname = dbname
        self._ready = False
        self._ready_lock = threading.Lock()

    def _cursor(self):
        cursor = sql_db.db_connect(self.dbname).cursor()
        if not self._ready:
            with self._ready_lock:
                if not self._ready:
                    cursor.execute(TABLE_DDL)
                    self._ready = True
        return cursor

    # -- Odoo's store API ----------------------------------------------------
    def save(self, session):
        with self._cursor() as cr:
            cr.execute(
                """INSERT INTO telecom_http_session (sid, data, write_date)
                   VALUES (%s, %s, now() AT TIME ZONE 'UTC')
                   ON CONFLICT (sid) DO UPDATE
                   SET data = EXCLUDED.data, write_date = EXCLUDED.write_date""",
                (session.sid, json.dumps(dict(session))),
            )

    def get(self, sid):
        if not self.is_valid_key(sid):
            return self.new()
        with self._cursor() as cr:
            cr.execute("SELECT data FROM telecom_http_session WHERE sid = %s", (sid,))
            row = cr.fetchone()
        if row is None:
            return self.new()
        return self.session_class(row[0], sid, False)

    def delete(self, session):
        with self._cursor() as cr:
            cr.execute("DELETE FROM telecom_http_session WHERE sid = %s", (session.sid,))

    def vacuum(self, max_lifetime=http.SESSION_LIFETIME):
        with self._cursor() as cr:
            cr.execute(
                "DELETE FROM telecom_http_session"
                " WHERE write_date < (now() AT TIME ZONE 'UTC') - make_interval(secs => %s)",
                (max_lifetime,),
            )
            _logger.info("removed %s expired HTTP sessions", cr.rowcount)

    def delete_from_identifiers(self, identifiers):
        # an identifier is the first 42 characters of a session id (res.device);
        # anything else is ignored, as in Odoo's own store
        prefixes = [i for i in identifiers if http._session_identifier_re.match(i)]
        if not prefixes:
            return
        with self._cursor() as cr:
            cr.execute(
                "DELETE FROM telecom_http_session WHERE left(sid, 42) = ANY(%s)", (prefixes,)
            )

    def list(self):
        with self._cursor() as cr:
            cr.execute("SELECT sid FROM telecom_http_session")
            return [sid for (sid,) in cr.fetchall()]


def install(dbname=None):
    """Make ``odoo.http.root`` keep its sessions in PostgreSQL; returns the store."""
    store = PostgresSessionStore(dbname or session_database())
    # ``session_store`` is a lazy property of the application: setting the attribute
    # replaces it for the whole process (every worker forked after this point too)
    http.root.session_store = store
    _logger.info("HTTP sessions are kept in PostgreSQL (database %s)", store.dbname)
    return store
