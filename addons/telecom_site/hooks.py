# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo.tools import config

from . import leader, session_store

_logger = logging.getLogger(__name__)


def _flag(name):
    return str(config.get(name) or "").strip().lower() in ("1", "true", "yes", "on", "db")


def post_load():
    """Server-wide start: turn on what the site profile asks for.

    ``telecom_session_store = db`` keeps HTTP sessions in PostgreSQL;
    ``telecom_cron_leader = True`` lets only one process of all sites run crons.
    Without them (development, tests) Odoo behaves as usual.
    """
    if _flag("telecom_session_store"):
        session_store.install()
    if _flag("telecom_cron_leader"):
        leader.install()


def post_init_hook(env):
    """Move attachments already on the local disk into the database."""
    # counted in SQL: the ORM's search hides attachments of binary fields
    env.cr.execute("SELECT count(*) FROM ir_attachment WHERE store_fname IS NOT NULL")
    moved = env.cr.fetchone()[0]
    env["ir.attachment"].force_storage()
    _logger.info("attachments are stored in the database (%s moved from the disk)", moved)
