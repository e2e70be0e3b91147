"""What the benchmarks share: logging, the machine, a throw-away database.

A benchmark runs against its own PostgreSQL cluster in a temporary folder (never
the development one), installs the add-ons it measures without demo data, then
works through an Odoo registry in this process.
"""

import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = os.path.join(REPO, "addons")
sys.path.insert(0, os.path.join(REPO, "scripts"))

import pgcluster


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def save_results(name, results):
    """Write a run's figures to bench/results/<name>-<time>.json; return the path."""
    out_dir = os.path.join(REPO, "bench", "results")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as fh:
        json.dump(results, fh, indent=2, default=str)
    return path


def machine(cr=None):
    """CPU, cores, RAM, Python, OS and (given a cursor) PostgreSQL, for the report."""
    cpu = platform.processor() or "?"
    ram = "?"
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")),
                cpu,
            )
        with open("/proc/meminfo") as fh:
            kb = next(int(line.split()[1]) for line in fh if line.startswith("MemTotal"))
            ram = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    info = {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "ram": ram,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }
    if cr is not None:
        cr.execute("SHOW server_version")
        info["postgresql"] = cr.fetchone()[0]
    return info


def usage_copy_line(**values):
    """(column list, ``str.format`` template) of one ``telecom_usage_record`` line of
    ``COPY ... FROM STDIN``, with the columns rating writes, in its order
    (``telecom_billing/rating/copyfmt.py`` ``COPY_COLUMNS``): ``values`` gives a column
    a constant or a ``{placeholder}``; a column not given is NULL. Call it once an Odoo
    registry is loaded (it imports the add-on)."""
    from odoo.addons.telecom_billing.rating.copyfmt import COPY_COLUMNS, NULL

    unknown = set(values) - set(COPY_COLUMNS)
    if unknown:
        raise ValueError(f"not columns rating writes: {sorted(unknown)}")
    template = "\t".join(str(values.get(column, NULL)) for column in COPY_COLUMNS) + "\n"
    return ", ".join(COPY_COLUMNS), template


def odoo_args(params, db, data_dir):
    """Odoo's command line for the benchmark database (no cron thread, quiet log)."""
    return [
        f"--addons-path={ADDONS}",
        f"--data-dir={data_dir}",
        f"--db_host={params['db_host']}",
        f"--db_port={params['db_port']}",
        f"--db_user={params['db_user']}",
        "-d",
        db,
        f"--db-filter=^{db}$",
        "--log-level=warn",
        "--max-cron-threads=0",
    ]


def install(params, db, data_dir, modules, logfile):
    """Install ``modules`` without demo data into a new database ``db``."""
    log(f"installing {', '.join(modules)} into a fresh database (not timed)")
    with open(logfile, "w") as fh:
        subprocess.run(
            [sys.executable, "-m", "odoo", *odoo_args(params, db, data_dir), "-i",
             ",".join(modules), "--without-demo=all", "--stop-after-init", "--no-http"],
            check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO,
        )  # fmt: skip


def add_postgres_option(parser):
    """``--postgres production|small``: the settings of a benchmark's cluster."""
    parser.add_argument(
        "--postgres",
        choices=("production", "small"),
        default="production",
        help="the cluster's memory and checkpoint settings: the production profile's "
        "(pgcluster.PRODUCTION_MEMORY, default) or the small test defaults",
    )


def postgres_settings(opts):
    """The server settings ``--postgres`` asks for, and how they read in a report."""
    settings = pgcluster.PRODUCTION_MEMORY if opts.postgres == "production" else {}
    text = ", ".join(f"{k} {v}" for k, v in (settings or pgcluster.SMALL_MEMORY).items())
    return settings, text


@contextlib.contextmanager
def throwaway_database(name, modules, keep=False):
    """A private cluster with database ``bench_<name>`` holding ``modules``, and its
    Odoo registry; the cluster is stopped (and its folder removed unless ``keep``)
    on the way out, whatever happens."""
    import odoo
    from odoo.modules.registry import Registry

    tmp = tempfile.mkdtemp(prefix=f"bench-{name}-")
    os.chmod(tmp, 0o755)  # the cluster runs as the postgres user
    cluster = pgcluster.Cluster(os.path.join(tmp, "postgres"), pgcluster.free_port())
    try:
        log(f"starting a throw-away PostgreSQL in {tmp}")
        cluster.init()
        cluster.start()
        bench = SimpleNamespace(
            tmp=tmp,
            params=cluster.db_params(),
            db=f"bench_{name}",
            data_dir=os.path.join(tmp, "data"),
        )
        install(bench.params, bench.db, bench.data_dir, modules, os.path.join(tmp, "install.log"))
        odoo.tools.config.parse_config(odoo_args(bench.params, bench.db, bench.data_dir))
        bench.registry = Registry(bench.db)
        yield bench
    finally:
        if keep:
            log(f"kept {tmp} (cluster stopped)")
        cluster.stop()
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)


class Meter:
    """Wall time and SQL queries of a block, caches flushed and cleared first."""

    def __init__(self, env):
        self.env = env

    def __call__(self, func, *args, repeat=1, **kwargs):
        cr = self.env.cr
        elapsed = queries = 0
        for _i in range(repeat):
            # every run starts cold: nothing in the ORM cache
            self.env.flush_all()
            self.env.invalidate_all()
            before = cr.sql_log_count
            start = time.perf_counter()
            result = func(*args, **kwargs)
            self.env.flush_all()
            elapsed += time.perf_counter() - start
            queries += cr.sql_log_count - before
        return result, {
            "ms": round(elapsed * 1000 / repeat, 2),
            "queries": round(queries / repeat, 1),
        }
