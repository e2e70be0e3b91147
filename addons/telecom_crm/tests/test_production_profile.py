# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The production profile refuses a database with demo data or demo logins."""

import os
import subprocess
import sys
import tempfile
from unittest.mock import patch

from passlib.context import CryptContext

from odoo.tests import TransactionCase, tagged
from odoo.tools import config

from ..models import telecom_production

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
PRODUCTION_CONF = os.path.join(REPO, "config", "odoo.production.conf")


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestProductionStart(TransactionCase):
    """A real start of Odoo with config/odoo.production.conf on the test database
    (installed with demo data, admin/admin and portal/portal valid): it exits."""

    def test_server_refuses_to_start(self):
        args = [
            sys.executable,
            "-m",
            "odoo",
            "-c",
            PRODUCTION_CONF,
            f"--addons-path={config['addons_path']}",
            "-d",
            self.env.cr.dbname,
            f"--http-port={free_port()}",
            f"--gevent-port={free_port()}",
            "--logfile=",
            "--max-cron-threads=0",
        ]
        for key in ("db_host", "db_port", "db_user", "db_password"):
            if config[key]:
                args.append(f"--{key}={config[key]}")
        with tempfile.TemporaryDirectory() as data_dir:
            args.append(f"--data-dir={data_dir}")
            proc = subprocess.run(
                args, capture_output=True, text=True, timeout=600, check=False, cwd=REPO
            )
        output = proc.stdout + proc.stderr
        self.assertNotEqual(proc.returncode, 0, output[-2000:])
        self.assertIn(f"The production profile refuses database {self.env.cr.dbname}", output)
        self.assertIn("demo data is installed", output)
        self.assertIn("the demo login admin/admin works", output)
        self.assertIn("the demo login portal/portal works", output)
        self.assertIn("the master password is 'admin'", output)
        self.assertNotIn("HTTP service (werkzeug) running", output.split("refuses")[-1])


@tagged("post_install", "-at_install")
class TestProductionProfile(TransactionCase):
    def _production(self, **options):
        telecom = {"profile": "production", **options.pop("telecom", {})}
        values = {
            "stop_after_init": False,
            "list_db": False,
            "proxy_mode": False,
            "http_interface": "127.0.0.1",
            "admin_passwd": CryptContext(["pbkdf2_sha512"]).hash("a-strong-master"),
            **options,
        }
        return patch.dict(config.options, values), patch.dict(config.misc, {"telecom": telecom})

    def _problems(self, **options):
        opts, misc = self._production(**options)
        with opts, misc:
            return self.env["res.users"]._telecom_production_problems()

    def _make_fit(self):
        """What an operator does: no demo data, no demo password (in this test only)."""
        self.env.cr.execute("UPDATE ir_module_module SET demo = false")
        for login in ("admin", "demo", "portal"):
            user = self.env["res.users"].search([("login", "=", login)])
            user.password = f"{login}-not-a-demo-password"

    def test_problems_of_a_demo_database(self):
        problems = " | ".join(self._problems(list_db=True, admin_passwd="admin"))
        self.assertIn("demo data is installed (", problems)
        self.assertIn("the demo login admin/admin works", problems)
        self.assertIn("the demo login portal/portal works", problems)
        self.assertIn("the master password is 'admin'", problems)
        self.assertIn("the database manager is on", problems)
        self._make_fit()
        self.assertEqual(self._problems(), [])
        # the refusal itself: at start-up (main thread) the process exits
        opts, misc = self._production(admin_passwd="admin")
        logger = "odoo.addons.telecom_crm.models.telecom_production"
        with (
            opts,
            misc,
            self.assertLogs(logger, "CRITICAL") as logs,
            self.assertRaisesRegex(SystemExit, "master password is 'admin'"),
        ):
            self.env["res.users"]._register_hook()
        self.assertIn("refuses database", logs.output[0])
        opts, misc = self._production()
        with opts, misc:
            self.env["res.users"]._register_hook()  # a fit database loads
        # without the profile nothing is checked (development, tests)
        self.assertFalse(telecom_production.production_profile())
        self.env["res.users"]._register_hook()

    def test_proxy_mode_needs_loopback_or_a_named_proxy(self):
        self._make_fit()
        problems = self._problems(proxy_mode=True, http_interface="")
        self.assertEqual(len(problems), 1)
        self.assertIn("proxy_mode is on while Odoo listens on every interface", problems[0])
        self.assertEqual(self._problems(proxy_mode=True, http_interface="127.0.0.1"), [])
        self.assertEqual(
            self._problems(
                proxy_mode=True,
                http_interface="10.0.0.8",
                telecom={"trusted_proxy": "nginx on 10.0.0.5"},
            ),
            [],
        )

    def test_install_run_gives_admin_a_password(self):
        with tempfile.TemporaryDirectory() as data_dir:
            opts, misc = self._production(stop_after_init=True, data_dir=data_dir)
            environ = {
                k: v for k, v in os.environ.items() if not k.startswith("TELECOM_ADMIN_PASSWORD")
            }
            with opts, misc, patch.dict(os.environ, environ, clear=True):
                self.env["res.users"]._register_hook()
            path = os.path.join(data_dir, f"telecom-admin-password-{self.env.cr.dbname}")
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
            with open(path) as fh:
                password = fh.read().strip()
        self.assertGreaterEqual(len(password), 20)
        logins = self.env["res.users"]._telecom_valid_demo_logins()
        self.assertNotIn(("admin", "admin"), logins)
        self.assertIn(("portal", "portal"), logins)  # demo data: still refused when serving
        admin = self.env["res.users"].search([("login", "=", "admin")])
        self.assertTrue(self._password_is(admin, password))
        # from the environment: nothing written
        admin.password = "admin"
        with tempfile.TemporaryDirectory() as data_dir:
            opts, misc = self._production(stop_after_init=True, data_dir=data_dir)
            with opts, misc, patch.dict(os.environ, {"TELECOM_ADMIN_PASSWORD": "chosen-one"}):
                self.env["res.users"]._register_hook()
            self.assertEqual(os.listdir(data_dir), [])
        self.assertTrue(self._password_is(admin, "chosen-one"))

    def _password_is(self, user, password):
        user.flush_recordset()
        self.env.cr.execute("SELECT password FROM res_users WHERE id = %s", [user.id])
        return user._crypt_context().verify(password, self.env.cr.fetchone()[0])
