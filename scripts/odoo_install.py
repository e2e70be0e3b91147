"""Is Odoo 18.0 importable, and if not, why not and what fixes it.

Three ways an install goes wrong, each told apart here because each has its own fix:

- ``missing``: ``import odoo`` fails; Odoo was never installed for this Python.
- ``shadowed``: ``import odoo`` succeeds but finds a *namespace package*: the OCA add-ons
  are wheels that install into ``site-packages/odoo/addons/``, which makes
  ``site-packages/odoo`` a folder without ``__init__.py``. A setuptools editable install
  of Odoo (``pip install -e``, default "strict" mode) serves Odoo through an import hook
  that runs after the path finder, so the namespace folder wins: ``odoo.__file__`` is None
  and Odoo's own ``odoo/__init__.py`` never runs (``import odoo.release`` still works
  through the hook, ``odoo.release`` as an attribute does not).
- ``version``: some other Odoo than 18.0.

The probe runs in a child process (from ``/``, so nothing in the current folder is
imported by mistake), so the caller's own imports never decide the answer.
"""

import json
import os
import subprocess
import sys

# the one command that installs Odoo so that the OCA wheels cannot hide it: the
# "compat" editable mode puts Odoo's folder on sys.path (a .pth line), where the path
# finder sees the real package before it would settle for the namespace folder
INSTALL_CMD = (
    "PIP_CONSTRAINT=/tmp/c.txt {python} -m pip install --no-deps -e {src} "
    "--config-settings editable_mode=compat"
)
DEFAULT_SRC = "/opt/odoo/18.0"

PROBE = r"""
import json, sys
out = {"state": "missing"}
try:
    import odoo
except ImportError as exc:
    out["error"] = str(exc)
else:
    out["file"] = getattr(odoo, "__file__", None)
    out["path"] = [str(p) for p in getattr(odoo, "__path__", [])]
    release = getattr(odoo, "release", None)
    if out["file"] is None or release is None:
        out["state"] = "shadowed"
    else:
        out["version"] = release.version
        out["version_info"] = list(release.version_info[:2])
        out["state"] = "ok" if tuple(release.version_info[:2]) == (18, 0) else "version"
try:
    from importlib.metadata import distribution
    text = distribution("odoo").read_text("direct_url.json")
    if text:
        out["direct_url"] = json.loads(text)
except Exception:  # no "odoo" distribution: a Debian package or a bare checkout
    pass
print(json.dumps(out))
"""


def odoo_status(python=None, env=None):
    """What ``import odoo`` gives ``python``: a dict with at least ``state``.

    ``state`` is ``ok``, ``missing``, ``shadowed`` or ``version``; ``file``, ``path``,
    ``version`` and ``direct_url`` (pip's record of where an editable install points)
    come with it when known.
    """
    args = [python or sys.executable]
    if args[0] == sys.executable and sys.flags.no_site:
        args.append("-S")  # the same view of site-packages as the caller's
    proc = subprocess.run(
        [*args, "-c", PROBE],
        capture_output=True,
        text=True,
        cwd="/",
        env=env,
        check=False,
    )
    try:
        return json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"state": "missing", "error": (proc.stderr or proc.stdout).strip()[-500:]}


def source_folder(status):
    """Where Odoo's sources are: pip's record of the editable install, else the default."""
    info = status.get("direct_url") or {}
    url = info.get("url") or ""
    if url.startswith("file://"):
        return url[len("file://") :]
    return os.environ.get("ODOO_SRC") or DEFAULT_SRC


def explain(status, python=None):
    """One paragraph saying what is wrong and the command that fixes it ('' when ok)."""
    python = python or sys.executable
    state = status["state"]
    src = source_folder(status)
    fix = INSTALL_CMD.format(python=python, src=src)
    if state == "ok":
        return ""
    if state == "shadowed":
        where = ", ".join(status.get("path") or []) or "a folder without __init__.py"
        return (
            f"Odoo is installed but hidden: {python} imports 'odoo' as an empty namespace "
            f"package ({where}) instead of Odoo itself, because the OCA add-on wheels install "
            "into site-packages/odoo/addons/ and a plain editable install of Odoo "
            "(`pip install -e`) loses to that folder; Odoo's odoo/__init__.py never runs, so "
            "nothing can start or be tested. Reinstall Odoo in the compat editable mode, "
            "which puts its folder on the path ahead of the namespace: "
            f"echo 'setuptools<70' > /tmp/c.txt && {fix}\n"
        )
    if state == "version":
        return (
            f"Odoo {status.get('version')} is importable by {python} "
            f"(from {status.get('file')}), but the suite needs Odoo 18.0. Install the 18.0 "
            f"sources (see the README, Getting Odoo) and then: "
            f"echo 'setuptools<70' > /tmp/c.txt && {fix}\n"
        )
    return (
        f"Odoo 18.0 is not importable by {python}, so nothing can start or be tested. "
        "Odoo is not on PyPI: clone its 18.0 sources beside the project and install them for "
        "this Python as the README's 'Getting Odoo' section shows "
        f"(git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo {src}, "
        f"then its requirements, then: {fix}), or use the docker compose variant.\n"
    )


LAUNCHER = """\
#!{python}
# Written by the telecom suite: Odoo's own odoo-bin, for an Odoo installed as a
# package. Odoo's prefork server (workers > 0) starts its gevent worker again with
# sys.argv[0], which must be a script (python -m odoo cannot be re-run that way).
import os

os.environ["TZ"] = "UTC"  # as odoo-bin: the server runs in UTC
import odoo

odoo.cli.main()
"""


def launcher(path, python=None):
    """Write (if needed) and return an odoo-bin launcher at ``path``."""
    text = LAUNCHER.format(python=python or sys.executable)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        with open(path) as fh:
            current = fh.read()
    except OSError:
        current = None
    if current != text:
        with open(path, "w") as fh:
            fh.write(text)
    os.chmod(path, 0o755)
    return path


if __name__ == "__main__":
    # `python3 scripts/odoo_install.py`: exit 0 when Odoo 18.0 is usable, else explain
    found = odoo_status()
    message = explain(found)
    if message:
        sys.stderr.write(message)
        sys.exit({"missing": 3, "shadowed": 4, "version": 5}[found["state"]])
    print(f"Odoo {found['version']} from {found['file']}")
