"""The multi-site building blocks (scripts/sites.py, config/sites/): what they write is
what Patroni, libpq and Odoo accept, the two descriptions (local sites, real machines)
agree, and a power cut reaches every process of a site. The full drills are commands
(`./suite drill power-cut`, `./suite drill restore`), not tests."""

import configparser
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import yaml
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "scripts"))
import sites

SHIPPED = os.path.join(REPO, "config", "sites")


@pytest.fixture
def local(tmp_path):
    s = sites.Sites(str(tmp_path / "sites"))
    s.run_as = None  # write the files as whoever runs the tests
    s.prepare()
    return s


def patroni_validate(path, env=None):
    exe = shutil.which("patroni")
    assert exe, "patroni is installed by requirements-dev.txt"
    return subprocess.run(
        [exe, "--validate-config", "--ignore-listen-port", path],
        capture_output=True,
        text=True,
        env=dict(os.environ, **(env or {})),
        check=False,
    )


def test_local_patroni_configs_are_valid_and_distinct(local):
    seen = set()
    for site, ip in sites.SITES.items():
        path = local.path(site, "patroni.yml")
        res = patroni_validate(path)
        # the validator also tries the etcd members: none runs during the tests
        findings = [
            line
            for line in (res.stdout + res.stderr).splitlines()
            if line.strip() and "is not reachable" not in line
        ]
        assert not findings, findings
        with open(path) as fh:
            conf = json.load(fh)
        assert conf["name"] == site
        assert conf["postgresql"]["listen"] == f"{ip}:{sites.PG_PORT}"
        assert conf["restapi"]["listen"] == f"{ip}:{sites.PATRONI_PORT}"
        assert conf["postgresql"]["data_dir"].startswith(local.site_dir(site) + os.sep)
        archive = conf["postgresql"]["parameters"]["archive_command"]
        assert local.path(site, "pgbackrest.conf") in archive
        seen.add(conf["postgresql"]["parameters"]["unix_socket_directories"])
    assert len(seen) == 3, "one socket folder per site"


def test_rpo_zero_settings(local):
    with open(local.path("a", "patroni.yml")) as fh:
        dcs = json.load(fh)["bootstrap"]["dcs"]
    assert dcs["synchronous_mode"] == "quorum"
    assert dcs["synchronous_mode_strict"] is True
    assert dcs["synchronous_node_count"] == 1
    assert dcs["loop_wait"] + 2 * dcs["retry_timeout"] <= dcs["ttl"]
    assert dcs["postgresql"]["use_pg_rewind"] is True
    assert dcs["postgresql"]["parameters"]["synchronous_commit"] == "on"
    assert dcs["postgresql"]["parameters"]["archive_mode"] == "on"


def test_shipped_profile_agrees_with_the_local_sites(local):
    with open(os.path.join(SHIPPED, "patroni.yml")) as fh:
        shipped = yaml.safe_load(fh)
    with open(local.path("a", "patroni.yml")) as fh:
        mine = json.load(fh)
    for key in (
        "ttl",
        "loop_wait",
        "retry_timeout",
        "synchronous_mode",
        "synchronous_mode_strict",
        "synchronous_node_count",
        "maximum_lag_on_failover",
    ):
        assert shipped["bootstrap"]["dcs"][key] == mine["bootstrap"]["dcs"][key], key
    for key in ("use_pg_rewind", "use_slots"):
        assert shipped["bootstrap"]["dcs"]["postgresql"][key] is True
    assert shipped["scope"] == mine["scope"]


@pytest.mark.parametrize("site", ["a", "b", "c"])
def test_shipped_patroni_profile_validates_for_each_site(site):
    env = {}
    with open(os.path.join(SHIPPED, f"site-{site}.env")) as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _sep, value = line.partition("=")
                env[key] = value or "secret"
    assert env["PATRONI_NAME"] == site and env["ETCD_NAME"] == site
    res = patroni_validate(os.path.join(SHIPPED, "patroni.yml"), env)
    # the validator resolves the example host names: that one finding is expected
    findings = [
        line
        for line in (res.stdout + res.stderr).splitlines()
        if line.strip() and "example" not in line and "/etc/telecom/tls" not in line
    ]
    assert not findings, findings


def test_service_files_list_every_site_read_write_with_timeouts(local):
    for path, hosts in (
        (local.service_file("a"), list(sites.SITES.values())),
        (local.service_file("c"), ["127.0.0.4", "127.0.0.2", "127.0.0.3"]),
        (os.path.join(SHIPPED, "pg_service.conf"), None),
    ):
        parser = configparser.ConfigParser()
        parser.read(path)
        service = parser["telecom"]
        assert service["target_session_attrs"] == "read-write"
        assert len(service["host"].split(",")) == 3
        if hosts:
            assert service["host"].split(",") == hosts
        for key, value in sites.LIBPQ_TIMEOUTS.items():
            assert service[key] == value, key


def test_libpq_reads_the_service_and_tries_every_site(local, tmp_path):
    """A real libpq connection through the service file: with nothing listening (a
    port no site uses), it tries the three addresses in turn, and fails fast."""
    port = sites.pgcluster.free_port(47000)
    with open(local.service_file("a")) as fh:
        text = fh.read().replace(f"port={sites.HAPROXY_PORT}", f"port={port}")
    service_file = tmp_path / "pg_service.conf"
    service_file.write_text(text)
    env = dict(os.environ, PGSERVICEFILE=str(service_file), PGSERVICE="telecom")
    code = (
        "import psycopg2, time\n"
        "t = time.monotonic()\n"
        "try:\n    psycopg2.connect('')\n"
        "except psycopg2.OperationalError as exc:\n"
        "    print(round(time.monotonic() - t, 1)); print(exc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    for ip in sites.SITES.values():
        assert f'"{ip}", port {port} failed' in out, out
    assert float(out.splitlines()[0]) < 3


def test_haproxy_routes_to_the_primary_and_cuts_a_frozen_one(local):
    haproxy = shutil.which("haproxy", path="/usr/sbin:/usr/bin")
    assert haproxy, "Debian's haproxy is installed by .ci/run"
    for path in [local.path(site, "haproxy.cfg") for site in sites.SITES]:
        res = subprocess.run(
            [haproxy, "-c", "-f", path], capture_output=True, text=True, check=False
        )
        assert res.returncode == 0, res.stdout + res.stderr
    for path in (local.path("b", "haproxy.cfg"), os.path.join(SHIPPED, "haproxy.cfg")):
        with open(path) as fh:
            text = fh.read()
        assert "option httpchk GET /primary" in text
        assert "on-marked-down shutdown-sessions" in text
        assert text.count(f"check port {sites.PATRONI_PORT}") == 3
    with open(local.path("b", "haproxy.cfg")) as fh:
        assert f"bind {sites.SITES['b']}:{sites.HAPROXY_PORT}" in fh.read()


def test_odoo_site_profiles(local):
    for path in (local.path("a", "odoo.conf"), os.path.join(SHIPPED, "odoo-site.conf")):
        parser = configparser.ConfigParser()
        parser.read(path)
        opts = parser["options"]
        assert "db_host" not in opts and "db_port" not in opts
        assert opts["list_db"] == "False"
        assert "telecom_site" in opts["server_wide_modules"].split(",")
        assert "queue_job" in opts["server_wide_modules"].split(",")
        assert opts["telecom_session_store"] == "db"
        assert opts["telecom_cron_leader"] == "True"
        assert int(opts["workers"]) >= 2
        assert opts["admin_passwd"] not in ("admin", "") or path.endswith("odoo-site.conf")
    env = local.odoo_env("b")
    assert env["PGSERVICE"] == "telecom" and env["PGSERVICEFILE"] == local.service_file("b")
    assert "PGHOST" not in env
    assert env["ODOO_PGAPPNAME"].startswith("odoo-site-b-")


def test_secrets_are_private_and_stable(local):
    first = local.secrets()
    assert oct(os.stat(local.secrets_file).st_mode & 0o777) == "0o600"
    assert local.secrets() == first
    assert len(set(first.values())) == len(first)
    with open(local.path("a", "odoo.conf")) as fh:
        text = fh.read()
    assert first["admin_passwd"] in text
    assert oct(os.stat(local.passfile).st_mode & 0o777) == "0o600"


def test_power_cut_reaches_every_process_of_a_site(local):
    """signal_site finds a site's processes by its folder, and their whole groups:
    children that renamed themselves (as PostgreSQL backends do) go too."""
    site_dir = local.site_dir("a")
    other_dir = local.site_dir("b")
    code = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print(child.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    procs = []
    for folder in (site_dir, other_dir):
        script = os.path.join(folder, "run", "fake.py")
        with open(script, "w") as fh:
            fh.write(code)
        procs.append(
            subprocess.Popen(
                [sys.executable, script], stdout=subprocess.PIPE, text=True, start_new_session=True
            )
        )
    children = [int(p.stdout.readline()) for p in procs]
    try:
        assert local.signal_site("a", signal.SIGKILL) >= 1
        procs[0].wait(timeout=10)
        deadline = time.time() + 10
        while time.time() < deadline and sites._alive(children[0]):
            time.sleep(0.1)
        assert not sites._alive(children[0]), "the child in the site's group died too"
        assert procs[1].poll() is None and sites._alive(children[1]), "site B untouched"
    finally:
        for p, child in zip(procs, children, strict=True):
            for pid in (p.pid, child):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            p.wait()
