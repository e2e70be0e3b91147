"""A private PostgreSQL cluster driven with the Debian binaries (initdb, pg_ctl).

Used by ``./suite run`` (a persistent cluster under ``.data/``) and ``./suite test``
(a throw-away cluster in a temporary folder, on a free loopback port).

PostgreSQL refuses to run as root: when this process is root, the server runs as
the unprivileged ``postgres`` system user (created by Debian's postgresql package).
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import time

DB_SUPERUSER = "odoo"


def find_pg_bin(name):
    """Return the path of a PostgreSQL server binary (initdb, pg_ctl, postgres)."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise SystemExit(
        f"PostgreSQL server binary '{name}' not found. Install Debian's 'postgresql' "
        "package (apt-get install postgresql) or point the suite at an existing server "
        "with DB_HOST/DB_PORT/DB_USER/DB_PASSWORD."
    )


def postgres_account(what, error=SystemExit):
    """The ``postgres`` account to run ``what`` as when running as root (PostgreSQL
    refuses root), else None."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam("postgres")
    except KeyError as exc:
        raise error(
            f"Running as root, and there is no unprivileged 'postgres' user to run {what} "
            "as (PostgreSQL refuses root). Install Debian's 'postgresql' package or run the "
            "suite as a normal user."
        ) from exc


def chown_to(account, path):
    """Give ``path`` to ``account`` (a pwd entry; nothing when None)."""
    if account:
        os.chown(path, account.pw_uid, account.pw_gid)


def free_port(start=None):
    """Return a free TCP port on the loopback interface."""
    if start:
        for port in range(start, start + 200):
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_in_use(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


#: the memory of the test and benchmark clusters unless told otherwise
SMALL_MEMORY = {"shared_buffers": "256MB"}

#: the memory and checkpoint settings of the production profile's PostgreSQL
#: (config/sites/patroni.yml, bootstrap parameters; tests/python/test_shipped_config.py
#: holds the two equal): benchmarks at operator scale run their cluster with them
PRODUCTION_MEMORY = {
    "shared_buffers": "4GB",
    "effective_cache_size": "12GB",
    "max_wal_size": "8GB",
    "checkpoint_timeout": "15min",
}


class Cluster:
    """A PostgreSQL cluster in ``datadir`` listening on 127.0.0.1:``port``."""

    def __init__(self, datadir, port, settings=None):
        self.datadir = os.path.abspath(datadir)
        self.port = port
        # server settings given at each start, over postgresql.auto.conf's (e.g.
        # PRODUCTION_MEMORY)
        self.settings = dict(settings or {})
        self.sockdir = os.path.join(self.datadir, "socket")
        self.logfile = os.path.join(os.path.dirname(self.datadir), "postgresql.log")
        self.run_as = postgres_account("PostgreSQL")

    # -- helpers ---------------------------------------------------------
    def _chown(self, path):
        chown_to(self.run_as, path)

    def _run(self, args, check=True, **kwargs):
        if self.run_as:
            args = ["runuser", "-u", self.run_as.pw_name, "--", *args]
        return subprocess.run(args, check=check, **kwargs)

    @property
    def initialised(self):
        return os.path.exists(os.path.join(self.datadir, "PG_VERSION"))

    # -- lifecycle -------------------------------------------------------
    def init(self):
        parent = os.path.dirname(self.datadir)
        os.makedirs(parent, exist_ok=True)
        os.makedirs(self.datadir, exist_ok=True)
        os.chmod(self.datadir, 0o700)
        self._chown(self.datadir)
        if self.run_as:
            # the server must be able to write its log and traverse the parent
            os.chmod(parent, 0o755)
            if not os.path.exists(self.logfile):
                open(self.logfile, "a").close()
            self._chown(self.logfile)
        self._run(
            [
                find_pg_bin("initdb"),
                "-D",
                self.datadir,
                "-U",
                DB_SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ],
            stdout=subprocess.DEVNULL,
        )
        os.makedirs(self.sockdir, exist_ok=True)
        self._chown(self.sockdir)
        with open(os.path.join(self.datadir, "postgresql.auto.conf"), "a") as conf:
            conf.write(
                "\n# written by the telecom suite\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.sockdir}'\n"
                "fsync = on\n"
                "max_connections = 200\n"
            )
            conf.writelines(f"{name} = '{value}'\n" for name, value in SMALL_MEMORY.items())

    def start(self, timeout=60):
        if port_in_use(self.port):
            raise SystemExit(f"Port {self.port} on 127.0.0.1 is already in use.")
        self._run(
            [
                find_pg_bin("pg_ctl"),
                "-D",
                self.datadir,
                "-l",
                self.logfile,
                "-o",
                " ".join([f"-p {self.port}", *(f"-c {k}={v}" for k, v in self.settings.items())]),
                "-w",
                "-t",
                str(timeout),
                "start",
            ],
            stdout=subprocess.DEVNULL,
        )

    def running(self):
        res = self._run(
            [find_pg_bin("pg_ctl"), "-D", self.datadir, "status"],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return res.returncode == 0

    def stop(self):
        if self.initialised and self.running():
            self._run(
                [find_pg_bin("pg_ctl"), "-D", self.datadir, "-m", "fast", "-w", "stop"],
                check=False,
                stdout=subprocess.DEVNULL,
            )

    def wait_ready(self, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if port_in_use(self.port):
                return
            time.sleep(0.2)
        raise SystemExit(f"PostgreSQL did not start on port {self.port}; see {self.logfile}")

    def db_params(self):
        return {
            "db_host": "127.0.0.1",
            "db_port": str(self.port),
            "db_user": DB_SUPERUSER,
            "db_password": "",
        }
