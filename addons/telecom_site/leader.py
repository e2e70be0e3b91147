# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One cron runner at a time across sites.

Every site runs an Odoo server with cron threads (or cron workers); Odoo already locks
each cron job row while it runs, but operators expect one *runner*: one place where the
scheduled work happens, that moves to another site when that one goes down. The leader
is the process holding a session-level PostgreSQL advisory lock on the primary through a
connection of its own. The lock lives exactly as long as that connection: when the
leader's site loses power, or the primary it held the lock on dies, the connection
breaks (the libpq service file's keepalives and ``tcp_user_timeout`` bound how long
that takes without a TCP reset) and the next cron poll at another site takes the lock
on the new primary. queue_job's runner elects its master the same way (its own lock).

No home-made consensus: PostgreSQL (whose primary Patroni chooses through etcd) is the
only arbiter, and a lock on a demoted or dead server is worthless by construction.
"""

import logging
import threading

import psycopg2

from odoo import sql_db

_logger = logging.getLogger(__name__)

# an arbitrary constant, distinct from queue_job's runner lock (2293787760715711918)
CRON_LEADER_KEY = 7359214613010050101


class AdvisoryLeader:
    """Leadership of ``dbname`` for one process, held as ``pg_try_advisory_lock(key)``."""

    def __init__(self, dbname, key=CRON_LEADER_KEY, label="cron runner"):
        self.dbname = dbname
        self.key = key
        self.label = label
        self._conn = None
        self._mutex = threading.Lock()

    @property
    def backend_pid(self):
        """The PostgreSQL backend holding the lock (None when not the leader)."""
        return self._conn.get_backend_pid() if self._conn is not None else None

    def _still_held(self):
        try:
            with self._conn.cursor() as cr:
                cr.execute("SELECT 1")
            return True
        except psycopg2.Error:
            _logger.warning(
                "%s of %s: the connection holding the lock broke; leadership lost",
                self.label,
                self.dbname,
            )
            self.release()
            return False

    def _try_acquire(self):
        _dbname, info = sql_db.connection_info_for(self.dbname)
        try:
            conn = psycopg2.connect(**info)
        except psycopg2.Error as exc:
            _logger.info("%s of %s: no primary reachable (%s)", self.label, self.dbname, exc)
            return False
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute("SELECT pg_try_advisory_lock(%s)", (self.key,))
                held = cr.fetchone()[0]
        except psycopg2.Error:
            conn.close()
            return False
        if not held:
            conn.close()
            return False
        self._conn = conn
        _logger.info("this process is now the %s of %s", self.label, self.dbname)
        return True

    def is_leader(self):
        """True when this process holds the lock (taking it if it is free)."""
        with self._mutex:
            if self._conn is not None and self._still_held():
                return True
            return self._try_acquire()

    def release(self):
        """Give leadership up (closing the connection drops the lock)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except psycopg2.Error:
                _logger.debug("closing a broken leader connection", exc_info=True)


_leaders = {}
_leaders_lock = threading.Lock()


def leader_for(dbname):
    with _leaders_lock:
        if dbname not in _leaders:
            _leaders[dbname] = AdvisoryLeader(dbname)
        return _leaders[dbname]


def guarded_process_jobs(process_jobs):
    """Wrap ``ir.cron._process_jobs`` so that only the leader runs cron jobs."""

    def _process_jobs(cls, db_name):
        if not leader_for(db_name).is_leader():
            _logger.debug("cron of %s: another site is the cron runner", db_name)
            return None
        return process_jobs(cls, db_name)

    _process_jobs.telecom_cron_leader = True
    return classmethod(_process_jobs)


def install():
    """Only the leader runs crons from now on, in this process."""
    from odoo.addons.base.models.ir_cron import ir_cron

    if getattr(ir_cron._process_jobs, "telecom_cron_leader", False):
        return
    ir_cron._process_jobs = guarded_process_jobs(ir_cron._process_jobs.__func__)
    _logger.info("cron jobs run only where the cron leader lock is held")
