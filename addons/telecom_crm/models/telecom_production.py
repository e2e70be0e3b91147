# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The production profile: a server that refuses to serve a database unfit for it.

A server whose config file says ``[telecom] profile = production``
(``config/odoo.production.conf``) checks every database when it loads it to
serve it (``_register_hook``), however it was started (``./suite run``,
``odoo-bin -c``, the docker image), and refuses it when:

- an add-on is installed with demo data;
- a demo login still works (``admin``/``admin``, ``demo``/``demo``,
  ``portal``/``portal``);
- the master password is ``admin`` or the database manager is on (``list_db``);
- ``proxy_mode`` is on while Odoo listens on more than loopback and no proxy is
  named (``[telecom] trusted_proxy``).

At start-up (``-d``) the process exits with the reasons; a database loaded later
answers every request with an error. Install and upgrade runs
(``--stop-after-init``) are not refused: they are how a database is made fit.
On such a run the ``admin`` user's password, when still ``admin``, is replaced
by ``$TELECOM_ADMIN_PASSWORD`` (or the file named by
``$TELECOM_ADMIN_PASSWORD_FILE``), else by a random one written to
``<data_dir>/telecom-admin-password-<database>`` (mode 0600).
"""

import ipaddress
import logging
import os
import secrets
import threading

from odoo import api, models
from odoo.tools import config

_logger = logging.getLogger(__name__)

DEMO_LOGINS = (("admin", "admin"), ("demo", "demo"), ("portal", "portal"))
ADMIN_PASSWORD_FILE = "telecom-admin-password-%s"


def telecom_option(name, default=""):
    """An option of the ``[telecom]`` section of the server's config file."""
    return str(config.misc.get("telecom", {}).get(name, default) or "").strip()


def production_profile():
    return telecom_option("profile").lower() == "production"


def loopback_interface(interface):
    """Whether Odoo listening on ``interface`` is reachable from this machine only."""
    if interface in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(interface or "0.0.0.0").is_loopback
    except ValueError:
        return False


class ResUsers(models.Model):
    _inherit = "res.users"

    def _register_hook(self):
        super()._register_hook()
        if not production_profile():
            return
        if config["stop_after_init"]:
            self._telecom_production_init()
            return
        problems = self._telecom_production_problems()
        if not problems:
            return
        message = (
            f"The production profile refuses database {self.env.cr.dbname}: "
            f"{'; '.join(problems)}. See docs/security.md."
        )
        _logger.critical(message)
        if threading.current_thread() is threading.main_thread():
            # loaded at start-up (-d): the server does not start at all
            raise SystemExit(message)
        raise RuntimeError(message)

    @api.model
    def _telecom_production_problems(self):
        """What makes this database and server unfit for production (sentences)."""
        problems = []
        cr = self.env.cr
        cr.execute(
            "SELECT name FROM ir_module_module WHERE state = 'installed' AND demo ORDER BY name"
        )
        demo = [row[0] for row in cr.fetchall()]
        if demo:
            names = ", ".join(demo[:5]) + (", ..." if len(demo) > 5 else "")
            problems.append(
                f"demo data is installed ({names}): initialise a new database without demo data"
            )
        for login, password in self._telecom_valid_demo_logins():
            problems.append(f"the demo login {login}/{password} works")
        if config.verify_admin_password("admin"):
            problems.append("the master password is 'admin'")
        if config["list_db"]:
            problems.append("the database manager is on (list_db = True)")
        if (
            config["proxy_mode"]
            and not loopback_interface(config["http_interface"])
            and not telecom_option("trusted_proxy")
        ):
            interface = config["http_interface"] or "every interface"
            problems.append(
                f"proxy_mode is on while Odoo listens on {interface}: listen on 127.0.0.1 "
                "behind the proxy or name the proxy in [telecom] trusted_proxy"
            )
        return problems

    @api.model
    def _telecom_valid_demo_logins(self):
        """The ``(login, password)`` demo pairs that would log in."""
        logins = dict(DEMO_LOGINS)
        self.flush_model(["login", "password", "active"])
        self.env.cr.execute(
            "SELECT login, password FROM res_users WHERE active AND login = ANY(%s)",
            [list(logins)],
        )
        rows = self.env.cr.fetchall()
        crypt = self._crypt_context()  # may run a query of its own: rows fetched first
        valid = []
        for login, hashed in rows:
            if hashed and crypt.verify(logins[login], hashed):
                valid.append((login, logins[login]))
        return sorted(valid)

    @api.model
    def _telecom_production_init(self):
        """Install/upgrade run in production: the admin user gets a real password."""
        if ("admin", "admin") not in self._telecom_valid_demo_logins():
            return
        admin = self.sudo().search([("login", "=", "admin")], limit=1)
        password = os.environ.get("TELECOM_ADMIN_PASSWORD", "").strip()
        where = "$TELECOM_ADMIN_PASSWORD"
        if not password and os.environ.get("TELECOM_ADMIN_PASSWORD_FILE"):
            where = os.environ["TELECOM_ADMIN_PASSWORD_FILE"]
            with open(where) as fh:
                password = fh.read().strip()
        if not password:
            password = secrets.token_urlsafe(18)
            where = os.path.join(config["data_dir"], ADMIN_PASSWORD_FILE % self.env.cr.dbname)
            os.makedirs(config["data_dir"], exist_ok=True)
            fd = os.open(where, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(password + "\n")
        if password == "admin":
            raise SystemExit(f"The admin password from {where} is 'admin': choose another.")
        admin.write({"password": password})
        _logger.info("production profile: the password of the admin user is set (from %s)", where)
