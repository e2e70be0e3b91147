"""The install check: tells a missing Odoo, an Odoo hidden by the OCA wheels' namespace
folder, and a wrong version apart, and every ./suite command explains them in one
paragraph instead of a traceback.

The fake installs live on a temporary path, seen by a Python started with -S (no
site-packages, so the machine's real Odoo stays out of sight) and PYTHONPATH."""

import os
import subprocess
import sys

import pytest
from conftest import REPO

sys.path.insert(0, os.path.join(REPO, "scripts"))
import odoo_install


def fake_env(tmp_path):
    return dict(os.environ, PYTHONPATH=str(tmp_path), PYTHONNOUSERSITE="1")


def run_probe(tmp_path):
    """odoo_status() as a Python without site-packages sees it."""
    scripts = os.path.join(REPO, "scripts")
    code = (
        f"import json, sys; sys.path.insert(0, {scripts!r}); import odoo_install; "
        "print(json.dumps(odoo_install.odoo_status()))"
    )
    proc = subprocess.run(
        [sys.executable, "-S", "-c", code],
        env=fake_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    import json

    return json.loads(proc.stdout)


def make_namespace_odoo(tmp_path):
    """What the OCA wheels leave: site-packages/odoo/addons/<addon>, no odoo/__init__.py."""
    addon = tmp_path / "odoo" / "addons" / "queue_job"
    addon.mkdir(parents=True)
    (addon / "__init__.py").write_text("")


def make_real_odoo(tmp_path, version_info):
    pkg = tmp_path / "odoo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from . import release\n")
    (pkg / "release.py").write_text(
        f"version_info = {version_info!r}\nversion = '{version_info[0]}.{version_info[1]}'\n"
    )


def test_missing(tmp_path):
    status = run_probe(tmp_path)
    assert status["state"] == "missing"
    text = odoo_install.explain(status, python="python3")
    assert "not importable" in text and "git clone" in text
    assert "editable_mode=compat" in text


def test_namespace_package_is_shadowed_not_ok(tmp_path):
    make_namespace_odoo(tmp_path)
    status = run_probe(tmp_path)
    # `import odoo` succeeded: only the missing __file__ and release tell the truth
    assert status["state"] == "shadowed"
    assert status["file"] is None
    assert status["path"] == [str(tmp_path / "odoo")]
    text = odoo_install.explain(status, python="python3")
    assert "hidden" in text and str(tmp_path / "odoo") in text
    assert "python3 -m pip install --no-deps -e /opt/odoo/18.0" in text
    assert "--config-settings editable_mode=compat" in text
    assert text.count("\n") == 1, "one paragraph"


def test_fix_command_names_the_editable_source(tmp_path):
    status = {
        "state": "shadowed",
        "path": ["/x/site-packages/odoo"],
        "direct_url": {"url": "file:///srv/odoo-18", "dir_info": {"editable": True}},
    }
    assert "-e /srv/odoo-18 --config-settings" in odoo_install.explain(status, python="py")


def test_real_package_ok_and_wrong_version(tmp_path):
    make_real_odoo(tmp_path, (18, 0, 0, "final", 0, ""))
    status = run_probe(tmp_path)
    assert status["state"] == "ok" and status["version"] == "18.0"
    assert odoo_install.explain(status) == ""
    other = tmp_path / "other"
    other.mkdir()
    make_real_odoo(other, (17, 0, 0, "final", 0, ""))
    status = run_probe(other)
    assert status["state"] == "version"
    assert "needs Odoo 18.0" in odoo_install.explain(status)


def test_real_package_wins_over_namespace_folder_before_it(tmp_path):
    """The compat install's situation: the namespace folder comes first on the path,
    Odoo's real package later; the path finder must pick the real one."""
    first, second = tmp_path / "site", tmp_path / "src"
    first.mkdir()
    second.mkdir()
    make_namespace_odoo(first)
    make_real_odoo(second, (18, 0, 0, "final", 0, ""))
    env = dict(os.environ, PYTHONPATH=f"{first}{os.pathsep}{second}")
    code = "import odoo; print(odoo.__file__, odoo.release.version)"
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == [str(second / "odoo" / "__init__.py"), "18.0"]


@pytest.mark.parametrize(
    "argv",
    [
        ["test"],
        ["run", "--no-netsim"],
        ["demo"],
        ["bench", "rating"],
        ["sites", "status"],
        ["drill", "power-cut"],
    ],
)
def test_every_command_explains_a_shadowed_odoo(tmp_path, argv):
    make_namespace_odoo(tmp_path)
    proc = subprocess.run(
        [sys.executable, "-S", os.path.join(REPO, "suite"), *argv],
        env=fake_env(tmp_path),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Odoo is installed but hidden" in proc.stderr
    assert "editable_mode=compat" in proc.stderr
    if argv[0] == "test":
        assert proc.stdout.strip().splitlines()[-1] == "0 passed, 1 failed"


def test_missing_odoo_fails_the_test_command(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-S", os.path.join(REPO, "suite"), "test"],
        env=fake_env(tmp_path),
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert proc.returncode == 3
    assert "Odoo 18.0 is not importable" in proc.stderr and "git clone" in proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "0 passed, 1 failed"


def test_launcher_can_be_run_again_by_the_prefork_server(tmp_path):
    """The prefork server starts its gevent worker as [python, sys.argv[0], 'gevent',
    ...]: the launcher must be a script that runs Odoo's command line, in UTC."""
    pkg = tmp_path / "odoo"
    (pkg / "cli").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from . import cli\n")
    (pkg / "cli" / "__init__.py").write_text(
        "import os, sys\ndef main():\n    print(sys.argv[0], sys.argv[1:], os.environ['TZ'])\n"
    )
    path = odoo_install.launcher(str(tmp_path / "bin" / "odoo-bin"))
    assert os.access(path, os.X_OK)
    assert odoo_install.launcher(path) == path  # unchanged when run again
    env = dict(fake_env(tmp_path), TZ="Europe/Brussels")
    out = subprocess.run(
        [sys.executable, "-S", path, "gevent", "-c", "odoo.conf"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out == [path, "['gevent',", "'-c',", "'odoo.conf']", "UTC"]
