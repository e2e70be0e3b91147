"""The shipped configurations are safe by default (docs/security.md).

`docker compose config` needs the compose plugin, which CI machines may lack: the
compose file is read here with the same variable substitution compose applies
(``${VAR:-default}``), as it would be started with an empty environment.
"""

import configparser
import os
import re
import stat
import sys

import pytest
import yaml
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "scripts"))

import secureconf

CONFIGS = ("odoo.conf", "odoo.docker.conf", "odoo.production.conf")
VARIABLE = re.compile(r"\$\{(\w+)(?::?-([^}]*))?\}")


def substitute(value, environ):
    """Compose's ``${VAR}`` / ``${VAR:-default}`` substitution of one string."""
    return VARIABLE.sub(lambda m: environ.get(m.group(1)) or (m.group(2) or ""), value)


def compose(environ=None):
    with open(os.path.join(REPO, "docker-compose.yml")) as fh:
        text = fh.read()
    return yaml.safe_load(substitute(text, environ or {}))


def options(name):
    parser = configparser.RawConfigParser()
    parser.read(os.path.join(REPO, "config", name))
    return parser


def mounted_config(service):
    """The repository file a service mounts as Odoo's config file."""
    for volume in service.get("volumes", []):
        source, _sep, target = volume.partition(":")
        if target.split(":")[0] == "/etc/odoo/odoo.conf":
            return os.path.normpath(os.path.join(REPO, source))
    return None


def test_compose_publishes_only_odoo_on_loopback():
    services = compose()["services"]
    published = {name: svc["ports"] for name, svc in services.items() if svc.get("ports")}
    assert list(published) == ["odoo"], "only Odoo may publish a port"
    assert published["odoo"] == ["127.0.0.1:8069:8069"]
    for name, svc in services.items():
        assert "network_mode" not in svc, f"{name} must not share the host's network"
    # opened on purpose, and only then
    opened = compose({"TELECOM_BIND": "0.0.0.0"})["services"]["odoo"]["ports"]
    assert opened == ["0.0.0.0:8069:8069"]


def test_compose_has_no_master_password_and_no_database_manager():
    services = compose()["services"]
    for name, svc in services.items():
        env = svc.get("environment") or {}
        for key, value in env.items():
            if "MASTER_PASSWORD" in key or "ADMIN_PASSWD" in key:
                assert value in ("", None), f"{name}: {key} has a default value"
        command = " ".join(map(str, svc.get("command") or []))
        assert "admin_passwd" not in command and "--db-manager" not in command
    conf = mounted_config(services["odoo"])
    assert conf and conf.endswith("odoo.docker.conf")
    parser = configparser.RawConfigParser()
    parser.read(conf)
    assert parser.get("options", "list_db") == "False"
    assert not parser.has_option("options", "admin_passwd")


@pytest.mark.parametrize("name", CONFIGS)
def test_profiles_are_safe(name):
    parser = options(name)
    opts = dict(parser["options"])
    assert opts.get("list_db") == "False", f"{name}: the database manager must be off"
    assert "admin_passwd" not in opts, f"{name}: no master password in a shipped profile"
    if opts.get("proxy_mode") == "True":
        loopback = opts.get("http_interface") in ("127.0.0.1", "::1", "localhost")
        assert loopback or parser.has_option("telecom", "trusted_proxy"), (
            f"{name}: proxy_mode needs a loopback http_interface or a named proxy"
        )


def test_production_profile_without_demo():
    parser = options("odoo.production.conf")
    assert parser.get("options", "without_demo") == "all"
    assert secureconf.is_production(os.path.join(REPO, "config", "odoo.production.conf"))
    assert not secureconf.is_production(os.path.join(REPO, "config", "odoo.conf"))
    assert not secureconf.is_production(os.path.join(REPO, "config", "odoo.docker.conf"))


# -- the master password ./suite run gives Odoo --------------------------------------
def _verify(path, password):
    from passlib.context import CryptContext

    parser = configparser.RawConfigParser()
    parser.read(path)
    stored = parser.get("options", "admin_passwd")
    assert password not in stored, "the password is stored hashed"
    return CryptContext(["pbkdf2_sha512"]).verify(password, stored)


def test_generated_master_password(tmp_path):
    conf = os.path.join(REPO, "config", "odoo.conf")
    path, where = secureconf.effective_config(conf, str(tmp_path), environ={})
    secret = tmp_path / "master-password"
    assert str(secret) in where
    password = secret.read_text().strip()
    assert len(password) >= 24 and password != "admin"
    assert stat.S_IMODE(os.stat(secret).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert _verify(path, password) and not _verify(path, "admin")
    # the other options are the profile's
    parser = configparser.RawConfigParser()
    parser.read(path)
    assert parser.get("options", "list_db") == "False"
    assert parser.get("queue_job", "channels").startswith("root:")
    # a second start keeps the same password
    secureconf.effective_config(conf, str(tmp_path), environ={})
    assert secret.read_text().strip() == password


def test_master_password_from_environment_or_secret(tmp_path):
    conf = os.path.join(REPO, "config", "odoo.docker.conf")
    path, where = secureconf.effective_config(
        conf, str(tmp_path), environ={"TELECOM_MASTER_PASSWORD": "s3cret-from-env"}
    )
    assert "TELECOM_MASTER_PASSWORD" in where and _verify(path, "s3cret-from-env")
    secret = tmp_path / "secret"
    secret.write_text("s3cret-from-file\n")
    path, where = secureconf.effective_config(
        conf, str(tmp_path), environ={"TELECOM_MASTER_PASSWORD_FILE": str(secret)}
    )
    assert str(secret) in where and _verify(path, "s3cret-from-file")
    assert not (tmp_path / "master-password").exists()
    with pytest.raises(SystemExit, match="default one"):
        secureconf.effective_config(
            conf, str(tmp_path), environ={"TELECOM_MASTER_PASSWORD": "admin"}
        )
    with pytest.raises(SystemExit, match="cannot read"):
        secureconf.effective_config(
            conf, str(tmp_path), environ={"TELECOM_MASTER_PASSWORD_FILE": str(tmp_path / "no")}
        )


def test_profile_with_admin_master_password_is_refused(tmp_path):
    conf = tmp_path / "odoo.conf"
    conf.write_text("[options]\nadmin_passwd = admin\nlist_db = False\n")
    with pytest.raises(SystemExit, match="admin_passwd = admin"):
        secureconf.effective_config(str(conf), str(tmp_path), environ={})
    # an operator's own (hashed) master password is used as it is
    conf.write_text("[options]\nadmin_passwd = $pbkdf2-sha512$25000$abc$def\n")
    assert secureconf.effective_config(str(conf), str(tmp_path), environ={}) == (str(conf), None)


@pytest.mark.parametrize("path", ["odoo.production.conf", os.path.join("sites", "odoo-site.conf")])
def test_jobs_leave_workers_to_people(path):
    """queue_job runs its jobs inside the HTTP workers: a prefork profile keeps at least
    three workers for requests, and a bill run's jobs take one worker at a time."""
    parser = configparser.RawConfigParser()
    parser.read(os.path.join(REPO, "config", path))
    workers = parser.getint("options", "workers")
    channels = dict(
        item.strip().split(":") for item in parser.get("queue_job", "channels").split(",")
    )
    assert int(channels["root"]) + 3 <= workers
    assert int(channels["root.telecom_billing"]) == 1


def test_benchmarks_run_postgresql_as_the_production_profile():
    """pgcluster.PRODUCTION_MEMORY (the benchmarks' cluster) is patroni.yml's tuning."""
    import pgcluster

    with open(os.path.join(REPO, "config", "sites", "patroni.yml")) as fh:
        site = yaml.safe_load(fh)
    parameters = site["bootstrap"]["dcs"]["postgresql"]["parameters"]
    assert pgcluster.PRODUCTION_MEMORY
    for name, value in pgcluster.PRODUCTION_MEMORY.items():
        assert str(parameters[name]) == value, name
