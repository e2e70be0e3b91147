"""Three sites on one machine: PostgreSQL under Patroni with etcd, Odoo, pgBackRest.

``./suite sites up|status|down|...`` drives this module; ``./suite drill`` builds on it.
Each site is what a real one would be, scaled down: its own loopback address
(A 127.0.0.2, B 127.0.0.3, C 127.0.0.4), the same ports on each address (as on real
machines), its own data folders and sockets, and its own processes:

- an etcd member (the consensus store that decides who is primary: no split brain);
- Patroni managing PostgreSQL 15, with quorum synchronous replication (a commit
  returns once one of the two standbys has it: ``ANY 1``), ``pg_rewind`` to rejoin;
- Odoo (sites A and B by default) reaching the current primary through a libpq
  service file that lists the three sites with ``target_session_attrs=read-write``
  and bounded timeouts, sessions and attachments in PostgreSQL (telecom_site add-on);
- WAL archiving and backups with pgBackRest into a repository outside the sites.

No failover logic lives here: Patroni and etcd decide, this module starts processes,
writes their configuration and reads their state (Patroni's REST API, etcdctl).

PostgreSQL, Patroni and etcd refuse to run as root: when this runs as root they run
as the ``postgres`` system user, with Patroni from a virtual environment under the
sites folder (``requirements-sites.txt``), built with a Python that user can run.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import odoo_install
import pgcluster
from telecom_addons import MODULES

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(REPO, "addons")
REQUIREMENTS = os.path.join(REPO, "requirements-sites.txt")

SITES = {"a": "127.0.0.2", "b": "127.0.0.3", "c": "127.0.0.4"}
PG_PORT = 5432
PATRONI_PORT = 8008
# each site's HAProxy: routes to whichever site Patroni made primary (REST /primary)
HAPROXY_PORT = 5000
ETCD_CLIENT_PORT = 2379
ETCD_PEER_PORT = 2380
HTTP_PORT = 8069
GEVENT_PORT = 8072
SCOPE = "telecom"
STANZA = "telecom"
DB_USER = "odoo"
# the advisory locks that elect the cron runner (telecom_site/leader.py) and the
# queue_job runner (queue_job/jobrunner/runner.py), read back by `status`
CRON_LEADER_KEY = 7359214613010050101
QUEUE_JOB_RUNNER_KEY = 2293787760715711918
SESSION_SERVICE = "telecom"

# Patroni's timing, scaled for two shared cores: loop_wait + 2 * retry_timeout <= ttl
TTL, LOOP_WAIT, RETRY_TIMEOUT = 20, 3, 6
# libpq: how long a vanished site (no TCP reset) may hold a worker
LIBPQ_TIMEOUTS = {
    "connect_timeout": "3",
    "keepalives": "1",
    "keepalives_idle": "5",
    "keepalives_interval": "2",
    "keepalives_count": "2",
    "tcp_user_timeout": "9000",
}


class SitesError(SystemExit):
    pass


def pg_bin(name):
    return pgcluster.find_pg_bin(name)


def http_json(url, timeout=2.0, method="GET", body=None):
    """(status, decoded JSON or None) of an HTTP call to a Patroni REST endpoint."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as res:
            raw = res.read()
            status = res.status
    except urllib.error.HTTPError as exc:
        raw, status = exc.read(), exc.code
    except (OSError, urllib.error.URLError):
        return None, None
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, raw.decode(errors="replace")


def port_open(host, port, timeout=0.5):
    with socket.socket() as sock:
        sock.settimeout(timeout)
        return sock.connect_ex((host, port)) == 0


class Sites:
    """The three sites under ``root`` (created by ``up``; every later call reuses it)."""

    def __init__(self, root, odoo_sites=("a", "b"), db="telecom", workers=2, venv=None):
        self.root = os.path.abspath(root)
        # Patroni's virtual environment outlives the sites (a drill starts afresh)
        self._venv = os.path.abspath(venv) if venv else os.path.join(self.root, "venv")
        self.odoo_sites = tuple(odoo_sites)
        self.db = db
        self.workers = workers
        self.run_as = pgcluster.postgres_account("PostgreSQL, Patroni and etcd", SitesError)

    # -- paths -----------------------------------------------------------------
    def site_dir(self, site):
        return os.path.join(self.root, site)

    def path(self, site, *parts):
        return os.path.join(self.root, site, *parts)

    def service_file(self, site):
        """The libpq service file of ``site``'s Odoo."""
        return self.path(site, "pg_service.conf")

    @property
    def passfile(self):
        return os.path.join(self.root, "pgpass")

    @property
    def repo_path(self):
        """The pgBackRest repository: outside every site's folder (an off-site store)."""
        return os.path.join(self.root, "backup-repo")

    @property
    def venv(self):
        return self._venv

    @property
    def secrets_file(self):
        return os.path.join(self.root, "secrets.json")

    # -- preparation -------------------------------------------------------------
    def _chown(self, path):
        pgcluster.chown_to(self.run_as, path)

    def _mkdir(self, path, owned=True, mode=0o750):
        os.makedirs(path, exist_ok=True)
        os.chmod(path, mode)
        if owned:
            self._chown(path)

    def secrets(self):
        """Passwords of this installation, made once (0600, never in the repository)."""
        if os.path.exists(self.secrets_file):
            with open(self.secrets_file) as fh:
                return json.load(fh)
        values = {
            key: secrets.token_urlsafe(18)
            for key in ("superuser", "replication", "odoo", "admin_passwd")
        }
        fd = os.open(self.secrets_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(values, fh)
        return values

    def patroni_python(self):
        """A Python with Patroni that the postgres user can execute."""
        candidate = os.path.join(self.venv, "bin", "python")
        if os.path.exists(os.path.join(self.venv, "bin", "patroni")):
            return candidate
        base = sys.executable
        if self.run_as and not self._runs_as_postgres([base, "-c", "pass"]):
            # this interpreter lives where the postgres user cannot go (e.g. /root)
            base = shutil.which("python3", path="/usr/bin:/usr/local/bin") or base
        print(f"Installing Patroni ({REQUIREMENTS}) into {self.venv} with {base}", flush=True)
        subprocess.run([base, "-m", "venv", self.venv], check=True)
        res = subprocess.run(
            [candidate, "-m", "pip", "install", "-q", "-r", REQUIREMENTS],
            capture_output=True,
            text=True,
            check=False,
        )
        if res.returncode:
            raise SitesError(f"Installing Patroni failed:\n{res.stdout}{res.stderr}")
        if self.run_as and not self._runs_as_postgres([candidate, "-c", "import patroni"]):
            raise SitesError(
                f"The postgres user cannot run {candidate}: put the sites folder "
                "(--dir) somewhere every user can read, and keep python3 from Debian "
                "(apt-get install python3-venv)."
            )
        return candidate

    def _runs_as_postgres(self, args):
        res = subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            capture_output=True,
            check=False,
        )
        return res.returncode == 0

    def prepare(self):
        """Folders and configuration files of every site (idempotent)."""
        self._mkdir(self.root, owned=False, mode=0o755)
        values = self.secrets()
        for site in SITES:
            self._mkdir(self.site_dir(site), owned=False, mode=0o755)
            for sub in ("etcd", "pgdata", "run", "log", "spool"):
                self._mkdir(self.path(site, sub), mode=0o700)
            self._mkdir(self.path(site, "odoo-data"), owned=False, mode=0o700)
            self._write(self.path(site, "patroni.yml"), self.patroni_config(site, values))
            self._write(self.path(site, "pgbackrest.conf"), self.pgbackrest_config(site))
            self._write(self.path(site, "haproxy.cfg"), self.haproxy_config(site))
            if site in self.odoo_sites:
                self._write(
                    self.path(site, "odoo.conf"), self.odoo_config(site, values), owned=False
                )
        self._mkdir(self.repo_path, mode=0o750)
        for site in SITES:
            self._write(self.service_file(site), self.service_config(site), owned=False, mode=0o644)
        self._write(self.passfile, self.passfile_text(values), owned=False, mode=0o600)

    def _write(self, path, text, owned=True, mode=0o600):
        with open(path, "w") as fh:
            fh.write(text)
        os.chmod(path, mode)
        if owned:
            self._chown(path)

    # -- configuration -------------------------------------------------------------
    def etcd_cluster(self, port=ETCD_PEER_PORT):
        return ",".join(f"{s}=http://{ip}:{port}" for s, ip in SITES.items())

    def etcd_hosts(self):
        return ",".join(f"{ip}:{ETCD_CLIENT_PORT}" for ip in SITES.values())

    def etcd_command(self, site):
        ip = SITES[site]
        return [
            shutil.which("etcd") or "/usr/bin/etcd",
            f"--name={site}",
            f"--data-dir={self.path(site, 'etcd')}",
            f"--listen-client-urls=http://{ip}:{ETCD_CLIENT_PORT}",
            f"--advertise-client-urls=http://{ip}:{ETCD_CLIENT_PORT}",
            f"--listen-peer-urls=http://{ip}:{ETCD_PEER_PORT}",
            f"--initial-advertise-peer-urls=http://{ip}:{ETCD_PEER_PORT}",
            f"--initial-cluster={self.etcd_cluster()}",
            "--initial-cluster-state=new",
            f"--initial-cluster-token={SCOPE}-sites",
            # generous for two shared cores: a busy machine must not look like a dead one
            "--heartbeat-interval=300",
            "--election-timeout=3000",
            "--enable-v2=false",
            "--logger=zap",
            "--log-level=warn",
        ]

    def patroni_config(self, site, values):
        """Patroni's YAML for one site (JSON is YAML; no YAML library needed)."""
        ip = SITES[site]
        conf = self.path(site, "pgbackrest.conf")
        archive = f"pgbackrest --config={conf} --stanza={STANZA} archive-push %p"
        restore = f"pgbackrest --config={conf} --stanza={STANZA} archive-get %f %p"
        config = {
            "scope": SCOPE,
            "namespace": "/service/",
            "name": site,
            "log": {"level": "INFO", "dir": self.path(site, "log"), "file_num": 2},
            "restapi": {
                "listen": f"{ip}:{PATRONI_PORT}",
                "connect_address": f"{ip}:{PATRONI_PORT}",
            },
            "etcd3": {"hosts": self.etcd_hosts(), "protocol": "http"},
            "bootstrap": {
                "dcs": {
                    "ttl": TTL,
                    "loop_wait": LOOP_WAIT,
                    "retry_timeout": RETRY_TIMEOUT,
                    "maximum_lag_on_failover": 16 * 1024 * 1024,
                    # a commit returns once ANY 1 of the two standbys has it; with no
                    # standby left, writes wait instead of going asynchronous
                    "synchronous_mode": "quorum",
                    "synchronous_mode_strict": True,
                    "synchronous_node_count": 1,
                    "postgresql": {
                        "use_pg_rewind": True,
                        "use_slots": True,
                        "parameters": {
                            "wal_level": "replica",
                            "hot_standby": "on",
                            "wal_log_hints": "on",
                            "max_connections": 200,
                            "max_wal_senders": 10,
                            "max_replication_slots": 10,
                            "wal_keep_size": "256MB",
                            "shared_buffers": "128MB",
                            "synchronous_commit": "on",
                            "archive_mode": "on",
                            "archive_timeout": 60,
                            "password_encryption": "scram-sha-256",
                        },
                    },
                },
                "initdb": [{"encoding": "UTF8"}, {"locale": "C.UTF-8"}, "data-checksums"],
                "pg_hba": [
                    "local all all trust",
                    "host replication replicator 127.0.0.0/8 scram-sha-256",
                    "host all all 127.0.0.0/8 scram-sha-256",
                ],
            },
            "postgresql": {
                "listen": f"{ip}:{PG_PORT}",
                "connect_address": f"{ip}:{PG_PORT}",
                "data_dir": self.path(site, "pgdata"),
                "bin_dir": os.path.dirname(os.path.realpath(pg_bin("pg_ctl"))),
                "pgpass": self.path(site, "run", "pgpass"),
                "authentication": {
                    "superuser": {"username": "postgres", "password": values["superuser"]},
                    "replication": {
                        "username": "replicator",
                        "password": values["replication"],
                    },
                    "rewind": {"username": "postgres", "password": values["superuser"]},
                },
                "parameters": {
                    "unix_socket_directories": self.path(site, "run"),
                    "archive_command": archive,
                    "logging_collector": "on",
                    "log_directory": self.path(site, "log"),
                    "log_filename": "postgresql-%a.log",
                },
                "recovery_conf": {"restore_command": restore},
                "create_replica_methods": ["basebackup"],
                "basebackup": [{"checkpoint": "fast"}],
                "remove_data_directory_on_rewind_failure": True,
                "remove_data_directory_on_diverged_timelines": True,
            },
            "tags": {"nofailover": False, "noloadbalance": False, "clonefrom": False},
        }
        return json.dumps(config, indent=2) + "\n"

    def pgbackrest_config(self, site):
        return "\n".join(
            [
                "[global]",
                f"repo1-path={self.repo_path}",
                "repo1-retention-full=2",
                "compress-type=lz4",
                "start-fast=y",
                "archive-async=n",
                f"log-path={self.path(site, 'log')}",
                f"lock-path={self.path(site, 'run')}",
                f"spool-path={self.path(site, 'spool')}",
                "log-level-console=warn",
                "log-level-file=info",
                "",
                f"[{STANZA}]",
                f"pg1-path={self.path(site, 'pgdata')}",
                f"pg1-port={PG_PORT}",
                f"pg1-socket-path={self.path(site, 'run')}",
                "pg1-user=postgres",
                "",
            ]
        )

    def service_config(self, site):
        """Every site's HAProxy, the site's own first: it is the one that shares the
        site's fate. Through another site's HAProxy, a connection would hang if that
        whole site froze (nothing would cut it); libpq only goes there when its own
        does not answer within connect_timeout."""
        hosts = ",".join([SITES[site], *[ip for s, ip in SITES.items() if s != site]])
        lines = [
            f"[{SESSION_SERVICE}]",
            f"host={hosts}",
            f"port={HAPROXY_PORT}",
            f"user={DB_USER}",
            f"dbname={self.db}",
            "target_session_attrs=read-write",
            *[f"{k}={v}" for k, v in LIBPQ_TIMEOUTS.items()],
            "",
        ]
        return "\n".join(lines)

    def passfile_text(self, values):
        return "".join(
            f"{ip}:{HAPROXY_PORT}:*:{DB_USER}:{values['odoo']}\n" for ip in SITES.values()
        )

    def haproxy_config(self, site):
        """The site's way to the primary: HAProxy checks each site's Patroni (GET
        /primary answers 200 on the primary only) and, when a server is marked down,
        closes the sessions through it. That is what frees Odoo's workers from a
        primary that froze with its TCP stack still answering (SIGSTOP, a hung VM):
        no libpq timeout fires while the kernel acknowledges every packet."""
        ip = SITES[site]
        servers = "\n".join(
            f"    server {name} {addr}:{PG_PORT} check port {PATRONI_PORT}"
            for name, addr in SITES.items()
        )
        return (
            "global\n"
            "    maxconn 2000\n"
            f"    pidfile {self.path(site, 'run', 'haproxy.pid')}\n"
            "\n"
            "defaults\n"
            "    mode tcp\n"
            "    timeout connect 3s\n"
            "    # pooled connections idle between requests; queue_job's runner pings\n"
            "    timeout client 1h\n"
            "    timeout server 1h\n"
            "    timeout check 1s\n"
            "\n"
            "listen primary\n"
            f"    bind {ip}:{HAPROXY_PORT}\n"
            "    option httpchk GET /primary\n"
            "    http-check expect status 200\n"
            "    default-server inter 1s fall 2 rise 2 on-marked-down shutdown-sessions\n"
            f"{servers}\n"
        )

    def odoo_config(self, site, values):
        ip = SITES[site]
        return "\n".join(
            [
                f"; Odoo of site {site.upper()} ({ip}), written by ./suite sites",
                "[options]",
                f"addons_path = {ADDONS}",
                f"data_dir = {self.path(site, 'odoo-data')}",
                "; no db_host/db_port: libpq reads PGSERVICE (every site, read-write only)",
                f"db_name = {self.db}",
                f"dbfilter = ^{self.db}$",
                "list_db = False",
                f"admin_passwd = {values['admin_passwd']}",
                f"http_interface = {ip}",
                f"http_port = {HTTP_PORT}",
                f"gevent_port = {GEVENT_PORT}",
                "proxy_mode = False",
                f"workers = {self.workers}",
                "max_cron_threads = 1",
                "server_wide_modules = base,web,queue_job,telecom_site",
                "telecom_session_store = db",
                "telecom_cron_leader = True",
                "db_maxconn = 16",
                "limit_time_cpu = 600",
                "limit_time_real = 1200",
                "limit_memory_soft = 2147483648",
                "limit_memory_hard = 2684354560",
                f"logfile = {self.path(site, 'odoo.log')}",
                "log_level = info",
                "",
                "[queue_job]",
                "channels = root:2,root.telecom_oss:1,root.telecom_billing:2",
                "",
            ]
        )

    def odoo_env(self, site):
        env = dict(os.environ)
        for key in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "DB_HOST", "DB_PORT"):
            env.pop(key, None)
        env.update(
            PGSERVICEFILE=self.service_file(site),
            PGSERVICE=SESSION_SERVICE,
            PGPASSFILE=self.passfile,
            ODOO_PGAPPNAME=f"odoo-site-{site}-{{pid}}",
        )
        return env

    # -- processes -----------------------------------------------------------------
    def _pidfile(self, site, name):
        return self.path(site, "run", f"{name}.pid") if name != "odoo" else self._odoo_pid(site)

    def _odoo_pid(self, site):
        return self.path(site, "odoo-data", "odoo.pid")

    def _spawn(self, site, name, args, as_postgres, env=None):
        log = open(self.path(site, "log", f"{name}.out"), "ab")  # noqa: SIM115
        if as_postgres:
            self._chown(log.name)
        kwargs = {}
        if as_postgres and self.run_as:
            kwargs = {
                "user": self.run_as.pw_uid,
                "group": self.run_as.pw_gid,
                "extra_groups": [],
            }
            env = dict(env or os.environ, HOME=self.run_as.pw_dir, USER="postgres")
        proc = subprocess.Popen(
            args,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=self.site_dir(site),
            env=env,
            # its own session: the drill signals a whole site's processes by group
            start_new_session=True,
            **kwargs,
        )
        log.close()
        with open(self._pidfile(site, name), "w") as fh:
            fh.write(str(proc.pid))
        return proc

    def start_etcd(self, site):
        if port_open(SITES[site], ETCD_CLIENT_PORT):
            return
        self._spawn(site, "etcd", self.etcd_command(site), as_postgres=True)

    def start_patroni(self, site):
        if port_open(SITES[site], PATRONI_PORT):
            return
        python = self.patroni_python()
        patroni = os.path.join(os.path.dirname(python), "patroni")
        env = dict(os.environ, PATH=f"{os.path.dirname(python)}:/usr/bin:/bin")
        self._spawn(site, "patroni", [patroni, self.path(site, "patroni.yml")], True, env)

    @property
    def odoo_bin(self):
        """Odoo's prefork server re-runs ``sys.argv[0]`` for its gevent worker: a launcher
        script, not ``python -m odoo``."""
        return odoo_install.launcher(os.path.join(self.root, "odoo-bin"))

    def start_haproxy(self, site):
        if port_open(SITES[site], HAPROXY_PORT):
            return
        haproxy = shutil.which("haproxy", path="/usr/sbin:/usr/bin:/sbin") or "haproxy"
        # -db: stay in the foreground (the process group is the site's, for the drills)
        self._spawn(site, "haproxy", [haproxy, "-db", "-f", self.path(site, "haproxy.cfg")], True)

    def start_odoo(self, site, extra=()):
        if port_open(SITES[site], HTTP_PORT):
            return
        args = [
            self.odoo_bin,
            "-c",
            self.path(site, "odoo.conf"),
            f"--pidfile={self._odoo_pid(site)}",
            *extra,
        ]
        self._spawn(site, "odoo", args, as_postgres=False, env=self.odoo_env(site))

    def site_processes(self, site):
        """Every process of a site: found by the site's folder in its command line, then
        whole process groups (PostgreSQL backends rename themselves)."""
        marker = self.site_dir(site) + os.sep
        pids = set()
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    cmdline = fh.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline or cmdline.rstrip().endswith(self.site_dir(site)):
                pids.add(int(entry))
        postmaster = self.postmaster_pid(site)
        if postmaster:
            pids.add(postmaster)
        groups = set()
        for pid in pids:
            try:
                groups.add(os.getpgid(pid))
            except ProcessLookupError:
                continue
        groups.discard(os.getpgrp())
        return pids, groups

    def postmaster_pid(self, site):
        try:
            with open(self.path(site, "pgdata", "postmaster.pid")) as fh:
                pid = int(fh.readline().strip())
        except (OSError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    def signal_site(self, site, sig):
        """Send ``sig`` to every process of ``site`` at once (kill -9 is a power cut)."""
        pids, groups = self.site_processes(site)
        for group in groups:
            try:
                os.killpg(group, sig)
            except ProcessLookupError:
                pass
        for pid in pids:
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        return len(pids | groups)

    def stop_site(self, site, timeout=60):
        """A clean stop: Odoo, then Patroni (which stops PostgreSQL), then etcd."""
        for name in ("odoo", "haproxy", "patroni", "etcd"):
            pid = self._read_pid(self._pidfile(site, name))
            if not pid:
                continue
            try:
                os.killpg(os.getpgid(pid), signal.SIGTERM)
            except ProcessLookupError:
                continue
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.2)
        # whatever did not stop in time (or was left by a crash) goes the hard way
        self.signal_site(site, signal.SIGKILL)

    @staticmethod
    def _read_pid(path):
        try:
            with open(path) as fh:
                return int(fh.read().strip())
        except (OSError, ValueError):
            return None

    # -- state ---------------------------------------------------------------------
    def cluster(self):
        """Patroni's view of the cluster (from the first site that answers)."""
        for ip in SITES.values():
            status, data = http_json(f"http://{ip}:{PATRONI_PORT}/cluster", timeout=1.5)
            if status == 200 and isinstance(data, dict):
                return data
        return None

    def members(self):
        data = self.cluster() or {}
        return {m["name"]: m for m in data.get("members", [])}

    def primary(self):
        for name, member in self.members().items():
            if member.get("role") == "leader" and member.get("state") == "running":
                return name
        return None

    def wait_for(self, what, check, timeout, interval=0.5):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(interval)
        raise SitesError(f"Timed out after {timeout} s waiting for {what}; logs in {self.root}")

    def etcd_healthy(self, site):
        res = subprocess.run(
            [
                shutil.which("etcdctl") or "/usr/bin/etcdctl",
                f"--endpoints=http://{SITES[site]}:{ETCD_CLIENT_PORT}",
                "--command-timeout=2s",
                "endpoint",
                "health",
            ],
            capture_output=True,
            text=True,
            check=False,
            env=dict(os.environ, ETCDCTL_API="3"),
        )
        return res.returncode == 0

    def replicas_in_sync(self, expected=2):
        members = self.members()
        standbys = [
            m
            for m in members.values()
            if m.get("role") in ("quorum_standby", "sync_standby", "replica")
            and m.get("state") == "streaming"
        ]
        quorum = [m for m in standbys if m.get("role") in ("quorum_standby", "sync_standby")]
        return len(standbys) >= expected and len(quorum) >= min(expected, 2)

    def odoo_up(self, site):
        url = f"http://{SITES[site]}:{HTTP_PORT}/web/login"
        try:
            with urllib.request.urlopen(url, timeout=5) as res:
                return res.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def psql(self, sql, site=None, dbname="postgres", user="postgres", socket=None):
        """Run SQL on the primary (or ``site``) through its Unix socket, as postgres;
        ``socket`` = (folder, port) reaches another server (a restored cluster)."""
        site = site or (None if socket else self.primary())
        sockdir, port = socket or (self.path(site, "run"), PG_PORT)
        args = [pg_bin("psql"), "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        args += ["-h", sockdir, "-p", str(port), "-U", user, "-d", dbname, "-c", sql]
        if self.run_as:
            args = ["runuser", "-u", "postgres", "--", *args]
        res = subprocess.run(args, capture_output=True, text=True, check=False)
        if res.returncode:
            where = f"site {site}" if site else sockdir
            raise SitesError(f"psql on {where} failed: {res.stderr.strip()}")
        return res.stdout.strip()

    def leaders(self):
        """Which site runs crons and queue jobs: the holders of the advisory locks."""
        from_sql = self.psql(
            "SELECT l.objid::bigint + (l.classid::bigint << 32), a.application_name"
            " FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
            " WHERE l.locktype = 'advisory' AND l.granted",
            dbname=self.db,
        )
        holders = {}
        for line in from_sql.splitlines():
            key, app = line.split("|", 1)
            holders[int(key)] = app
        return holders

    # -- commands ------------------------------------------------------------------
    def up(self, install=True, customers=100, seed=42, timeout=900, upgrade=False):
        started = time.monotonic()
        self.prepare()
        self.patroni_python()
        for site in SITES:
            self.start_etcd(site)
        for site in SITES:
            self.wait_for(f"etcd at site {site}", lambda s=site: self.etcd_healthy(s), 60)
        print("etcd: 3 members healthy", flush=True)
        fresh = not any(os.path.exists(self.path(s, "pgdata", "PG_VERSION")) for s in SITES)
        if fresh:
            # site A first, so that it bootstraps the cluster and starts as the primary
            self.start_patroni(next(iter(SITES)))
            self.wait_for("a primary elected by Patroni", self.primary, 180)
        for site in SITES:
            self.start_patroni(site)
        primary = self.wait_for("a primary elected by Patroni", self.primary, 300)
        print(f"Patroni: site {primary} is the primary", flush=True)
        self.wait_for("two standbys in the synchronous quorum", self.replicas_in_sync, 300)
        print("Patroni: two standbys streaming, synchronous quorum ANY 1", flush=True)
        for site in SITES:
            self.start_haproxy(site)
        self.ensure_role()
        self.ensure_stanza()
        if install:
            self.install_suite(customers, seed, upgrade)
        if self.installed():
            for site in self.odoo_sites:
                self.start_odoo(site)
            for site in self.odoo_sites:
                self.wait_for(f"Odoo at site {site}", lambda s=site: self.odoo_up(s), timeout)
        print(f"sites up in {time.monotonic() - started:.0f} s", flush=True)

    def ensure_role(self):
        values = self.secrets()
        exists = self.psql(f"SELECT 1 FROM pg_roles WHERE rolname = '{DB_USER}'")
        verb = "ALTER" if exists else "CREATE"
        # the password is ours (generated above), not input: quoting it inline is safe
        self.psql(f"{verb} ROLE {DB_USER} LOGIN CREATEDB PASSWORD '{values['odoo']}'")

    def pgbackrest(self, *args, site=None, check=True):
        site = site or self.primary()
        cmd = [
            shutil.which("pgbackrest") or "/usr/bin/pgbackrest",
            f"--config={self.path(site, 'pgbackrest.conf')}",
            f"--stanza={STANZA}",
            *args,
        ]
        if self.run_as:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if check and res.returncode:
            raise SitesError(f"pgbackrest {' '.join(args)} failed: {res.stderr or res.stdout}")
        return res

    def ensure_stanza(self):
        self.pgbackrest("stanza-create")
        self.pgbackrest("check")
        print(f"pgBackRest: stanza '{STANZA}' archiving to {self.repo_path}", flush=True)

    def database_exists(self):
        return bool(self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{self.db}'"))

    def installed(self):
        if not self.database_exists():
            return False
        count = self.psql(
            "SELECT count(*) FROM ir_module_module WHERE name LIKE 'telecom_%'"
            " AND state = 'installed'",
            dbname=self.db,
        )
        return int(count or 0) >= len(MODULES)

    def install_suite(self, customers, seed, upgrade=False):
        site = self.odoo_sites[0]
        modules = ",".join(MODULES)
        common = ["-c", self.path(site, "odoo.conf"), "--logfile=", "--log-level=warn"]
        env = self.odoo_env(site)
        if self.installed():
            if not upgrade:
                print(f"Database '{self.db}' is there (--upgrade updates its add-ons)", flush=True)
                return
            print(f"Database '{self.db}': upgrading the telecom add-ons", flush=True)
            step = ["-u", modules]
        else:
            print(f"Database '{self.db}': installing the telecom add-ons", flush=True)
            step = ["-i", modules]
        subprocess.run(
            [self.odoo_bin, *common, *step, "--stop-after-init", "--no-http"],
            check=True,
            cwd=REPO,
            env=env,
        )
        if step[0] == "-i" and customers:
            print(f"Generating demo data: {customers} customers, seed {seed}", flush=True)
            subprocess.run(
                [
                    sys.executable,
                    os.path.join(REPO, "scripts", "generate_demo.py"),
                    "--customers",
                    str(customers),
                    "--seed",
                    str(seed),
                    "--",
                    *common,
                    "-d",
                    self.db,
                ],
                check=True,
                cwd=REPO,
                env=env,
            )

    def start_site(self, site, wait=True):
        """Start a site again (after a stop, a power cut or a freeze): its etcd member
        rejoins, Patroni rejoins PostgreSQL as a standby (pg_rewind if it diverged)."""
        self.prepare()
        self.start_etcd(site)
        self.start_patroni(site)
        self.start_haproxy(site)
        if wait:
            self.wait_for(
                f"site {site} streaming as a standby",
                lambda: self.members().get(site, {}).get("state") in ("streaming", "running"),
                300,
            )
        if site in self.odoo_sites:
            self.start_odoo(site)
            if wait:
                self.wait_for(f"Odoo at site {site}", lambda: self.odoo_up(site), 300)

    def switchover(self, site):
        """Planned change of primary, through Patroni (no data loss, seconds of pause)."""
        primary = self.primary()
        if primary == site:
            return
        ip = SITES[primary]
        status, data = http_json(
            f"http://{ip}:{PATRONI_PORT}/switchover",
            method="POST",
            body={"leader": primary, "candidate": site},
            timeout=60,
        )
        if status != 200:
            raise SitesError(f"Patroni refused the switchover to {site}: {data}")
        self.wait_for(f"site {site} as primary", lambda: self.primary() == site, 120)
        self.wait_for("two standbys in the synchronous quorum", self.replicas_in_sync, 300)

    def backup(self, kind="full"):
        """A pgBackRest backup of the current primary into the repository."""
        started = time.monotonic()
        self.pgbackrest(f"--type={kind}", "backup")
        info = self.pgbackrest("info", "--output=json").stdout
        backups = json.loads(info)[0]["backup"]
        last = backups[-1]
        print(
            f"backup {last['label']} ({last['type']}) of site {self.primary()} in "
            f"{time.monotonic() - started:.0f} s; {len(backups)} backup(s) in {self.repo_path}",
            flush=True,
        )
        return last

    def down(self):
        for site in SITES:
            self.stop_site(site)

    def status_lines(self):
        lines = []
        members = self.members()
        for site, ip in SITES.items():
            m = members.get(site, {})
            etcd = "healthy" if self.etcd_healthy(site) else "down"
            role = m.get("role", "-")
            state = m.get("state", "down")
            lag = m.get("lag", "")
            tl = m.get("timeline", "")
            odoo = ("up" if self.odoo_up(site) else "down") if site in self.odoo_sites else "(none)"
            lines.append(
                f"site {site.upper()} {ip}: etcd {etcd}, postgres {role} {state}"
                f"{f' timeline {tl}' if tl else ''}{f' lag {lag}' if lag not in ('', 0) else ''}"
                f", odoo {odoo}"
            )
        if self.primary():
            sync = self.psql("SHOW synchronous_standby_names")
            lines.append(f"synchronous_standby_names = {sync}")
            if self.database_exists():
                holders = self.leaders()
                lines.append(
                    f"cron runner: {holders.get(CRON_LEADER_KEY, 'none')}; "
                    f"queue_job runner: {holders.get(QUEUE_JOB_RUNNER_KEY, 'none')}"
                )
        return lines


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie child counts as gone
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return False
