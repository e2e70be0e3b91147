#!/usr/bin/env python3
"""Operator scale under load: ``./suite bench load``.

Builds (once) an operator's database with the bulk demo generator, copies it for
the run, starts Odoo in its production shape (the [options] of
config/odoo.production.conf: prefork workers, cron threads, queue_job's runner,
memory and time limits; through the odoo-bin launcher, as ``./suite run`` does),
then runs the Locust mix of bench/load/locustfile.py against it: portal customers,
back-office staff (the web client's JSON-RPC calls), integrators over XML-RPC
and a mediation feed, plus Odoo's own pages as the baseline, all at once; a bill
run starts half-way. It reads the Odoo workers' memory from /proc every few
seconds, then prints per request type count, p50/p95/p99, errors and throughput,
writes Locust's HTML report (latency over time), a PNG of the latency plot and
the figures (bench/results/), and ends with

    load: N users, N requests, 0 errors, worst p95 ratio X.X× baseline

The ratio is the worst p95 of a telecom page or RPC call over the p95 of the
baseline requests (/web/login, stock /my/home, res.partner name search) taken
together, in the same run. Bulk operations are listed but not in the ratio: the
10,000-record import_usage call, the invoice PDF (wkhtmltopdf), the logins
(password hashing) and place_order (an order with provisioning).

Locust runs from its own virtual environment (.data/locust-venv, from
requirements-load.txt): it needs newer Werkzeug, gevent and requests than Odoo 18.
"""

import argparse
import calendar
import csv
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import xmlrpc.client
from configparser import ConfigParser
from datetime import date, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import benchlib
import odoo_install
import pgcluster
from benchlib import ADDONS, REPO, log, odoo_args
from telecom_addons import DEMO_MODULE, MODULES

DATA = os.environ.get("TELECOM_DATA_DIR", os.path.join(REPO, ".data"))
HERE = os.path.join(REPO, "bench", "load")
VENV = os.path.join(DATA, "locust-venv")
REQUIREMENTS = os.path.join(REPO, "requirements-load.txt")
# what the ratio leaves out (bulk work by nature), by name prefix
NOT_IN_RATIO = (
    "rpc: import_usage",
    "portal: invoice PDF",
    "portal: log in",
    "bo: log in",
    "baseline: log in",
    "rpc: place_order",
)


# ---------------------------------------------------------------------------
# tools
# ---------------------------------------------------------------------------
def locust_python():
    """The Python of the Locust environment (made from requirements-load.txt)."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.exists(os.path.join(VENV, "bin", "locust")):
        return python
    log(f"installing Locust ({REQUIREMENTS}) into {VENV}")
    subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([python, "-m", "pip", "install", "-q", "-r", REQUIREMENTS], check=True)
    return python


def psql(params, sql, db="postgres", fetch=False):
    import psycopg2

    conn = psycopg2.connect(
        dbname=db, host=params["db_host"], port=params["db_port"], user=params["db_user"]
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(sql)
            return cr.fetchall() if fetch else None
    finally:
        conn.close()


def db_exists(params, db):
    return bool(psql(params, f"SELECT 1 FROM pg_database WHERE datname = '{db}'", fetch=True))


# ---------------------------------------------------------------------------
# the database: built once, copied for each run
# ---------------------------------------------------------------------------
def build_base(opts, params, data_dir):
    """Install the suite (with Odoo's demo data, as ./suite run) and fill it with the
    bulk generator: the database every run copies."""
    base = opts.base_db
    marker = os.path.join(opts.dir, f"{base}.built")
    if db_exists(params, base) and os.path.exists(marker):
        with open(marker) as fh:
            log(f"database {base} exists (built {fh.read().strip()})")
        return
    if db_exists(params, base):
        psql(params, f'DROP DATABASE "{base}"')
    log(f"installing the suite into {base}")
    started = time.time()
    with open(os.path.join(opts.dir, "install.log"), "w") as fh:
        subprocess.run(
            [sys.executable, "-m", "odoo", *odoo_args(params, base, data_dir),
             "-i", ",".join([*MODULES, DEMO_MODULE]), "--stop-after-init", "--no-http"],
            check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO,
        )  # fmt: skip
    installed = time.time() - started
    log(f"generating {opts.customers:,} customers with the bulk demo generator")
    started = time.time()
    with open(os.path.join(opts.dir, "demo.log"), "w") as fh:
        subprocess.run(
            [sys.executable, os.path.join(REPO, "scripts", "generate_demo.py"),
             "--customers", str(opts.customers), "--seed", str(opts.seed), "--bulk",
             "--", *odoo_args(params, base, data_dir), "--log-level=info"],
            check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO,
        )  # fmt: skip
    generated = time.time() - started
    psql(params, "VACUUM ANALYZE", db=base)
    size = psql(params, f"SELECT pg_database_size('{base}')", fetch=True)[0][0]
    note = (
        f"{time.strftime('%Y-%m-%d %H:%M')}: install {installed:.0f} s, generator "
        f"{generated:.0f} s, {size / 2**30:.1f} GiB"
    )
    with open(os.path.join(opts.dir, f"{base}.built"), "w") as fh:
        fh.write(note + "\n")
    log(f"built {base}: {note}")


def copy_database(opts, params, data_dir):
    """A fresh copy of the base database (and its files) for this run."""
    run_db = opts.run_db
    log(f"copying {opts.base_db} to {run_db}")
    psql(params, f'DROP DATABASE IF EXISTS "{run_db}"')
    psql(params, f'CREATE DATABASE "{run_db}" TEMPLATE "{opts.base_db}"')
    store = os.path.join(data_dir, "filestore")
    shutil.rmtree(os.path.join(store, run_db), ignore_errors=True)
    if os.path.isdir(os.path.join(store, opts.base_db)):
        # attachments are never changed in place: hard links are a faithful copy
        shutil.copytree(
            os.path.join(store, opts.base_db), os.path.join(store, run_db), copy_function=os.link
        )


# ---------------------------------------------------------------------------
# Odoo in its production shape
# ---------------------------------------------------------------------------
def production_config(opts, params, data_dir, port):
    """config/odoo.production.conf's [options] and [queue_job], pointed at this
    machine's cluster and the run's database. The [telecom] production profile is
    left out: it refuses a database with demo data, which this one is."""
    prod = ConfigParser()
    prod.read(os.path.join(REPO, "config", "odoo.production.conf"))
    options = dict(prod["options"])
    options.update(
        {
            "addons_path": ADDONS,
            "data_dir": data_dir,
            "db_host": params["db_host"],
            "db_port": str(params["db_port"]),
            "db_user": params["db_user"],
            "db_password": "False",
            "db_name": opts.run_db,
            "dbfilter": f"^{opts.run_db}$",
            "http_interface": "127.0.0.1",
            "http_port": str(port),
            "gevent_port": str(pgcluster.free_port(port + 1)),
            "logfile": os.path.join(opts.out, "odoo.log"),
            "admin_passwd": "load-bench-" + str(os.getpid()),
            "workers": str(opts.workers or options.get("workers", 5)),
        }
    )
    conf = ConfigParser()
    conf["options"] = options
    if prod.has_section("queue_job"):
        conf["queue_job"] = dict(prod["queue_job"])
    path = os.path.join(opts.out, "odoo-production.conf")
    with open(path, "w") as fh:
        conf.write(fh)
    return path, options


def start_odoo(conf, port):
    launcher = odoo_install.launcher(os.path.join(DATA, "odoo-bin"))
    proc = subprocess.Popen(
        [launcher, "-c", conf], cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 300
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"Odoo stopped at start (status {proc.returncode}): see the log")
        try:
            with urllib.request.urlopen(f"{url}/web/login", timeout=10) as response:
                if response.status == 200:
                    return proc, url
        except OSError:
            pass
        time.sleep(2)
    raise SystemExit("Odoo did not answer within 5 minutes")


def stop(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def descendants(pid):
    """The processes under ``pid`` (Odoo's workers, cron workers, gevent worker)."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
        except OSError:
            continue
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for child in children.get(current, []):
            found.append(child)
            todo.append(child)
    return found


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


class Sampler(threading.Thread):
    """Every few seconds: memory of each Odoo process, load average."""

    def __init__(self, master_pid, interval=5):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.interval = interval
        self.samples = []  # (time, {pid: rss}, load)
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(self.interval):
            pids = [self.master_pid, *descendants(self.master_pid)]
            memory = {pid: rss_mb(pid) for pid in pids}
            with open("/proc/loadavg") as fh:
                load = float(fh.read().split()[0])
            self.samples.append((time.time(), {p: m for p, m in memory.items() if m}, load))

    def summary(self):
        workers = {}
        for _t, memory, _load in self.samples:
            for pid, mb in memory.items():
                if pid != self.master_pid:
                    workers[pid] = max(workers.get(pid, 0), mb)
        totals = [sum(memory.values()) for _t, memory, _load in self.samples]
        loads = [load for _t, _m, load in self.samples]
        return {
            "worker_processes_seen": len(workers),
            "worker_peak_rss_mb": round(max(workers.values()), 1) if workers else None,
            "worker_median_peak_rss_mb": round(statistics.median(workers.values()), 1)
            if workers
            else None,
            "odoo_total_rss_mb_peak": round(max(totals), 1) if totals else None,
            "odoo_total_rss_mb_end": round(totals[-1], 1) if totals else None,
            "load_average_max": max(loads) if loads else None,
        }


# ---------------------------------------------------------------------------
# the bill run in the middle
# ---------------------------------------------------------------------------
def next_bill_date(today=None):
    """The next billing date after today of the cycles the demo uses (1, 8, 15, 22)."""
    day = today or date.today()
    for _i in range(40):
        day += timedelta(days=1)
        if day.day in (1, 8, 15, 22):
            return day
    raise AssertionError("no billing day within 40 days")


def start_bill_run(url, fixtures):
    me = fixtures["integrator"]
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
    when = next_bill_date()
    run_id = models.execute_kw(
        fixtures["db"], me["uid"], me["password"], "telecom.bill.run", "create",
        [{"date": str(when), "billing_day": when.day}],
    )  # fmt: skip
    models.execute_kw(
        fixtures["db"], me["uid"], me["password"], "telecom.bill.run", "action_start", [[run_id]]
    )
    log(f"bill run {run_id} started for {when} (cycle {when.day}): its jobs run in the workers")
    return run_id


def bill_run_state(url, fixtures, run_id):
    me = fixtures["integrator"]
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)
    rows = models.execute_kw(
        fixtures["db"], me["uid"], me["password"], "telecom.bill.run", "read", [[run_id]],
        {"fields": ["name", "state", "account_count", "posted_count", "done_count",
                    "pending_count", "error_count", "date_started", "date_done",
                    "invoices_per_second"]},
    )  # fmt: skip
    return rows[0]


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------
def percentile(values, q):
    values = sorted(values)
    if not values:
        return 0.0
    k = (len(values) - 1) * q
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def read_samples(folder):
    rows = []
    for name in os.listdir(folder):
        if name.startswith("samples-"):
            with open(os.path.join(folder, name)) as fh:
                rows += [(float(t), n, float(ms), ok == "1") for t, n, ms, ok in csv.reader(fh)]
    return sorted(rows)


def figures(rows, seconds):
    by_name = {}
    for _t, name, ms, ok in rows:
        if name.startswith("("):
            continue  # the HTTP calls inside a timed request
        by_name.setdefault(name, []).append((ms, ok))
    table = {}
    for name, items in sorted(by_name.items()):
        times = [ms for ms, _ok in items]
        table[name] = {
            "count": len(items),
            "errors": sum(1 for _ms, ok in items if not ok),
            "p50": round(percentile(times, 0.50)),
            "p95": round(percentile(times, 0.95)),
            "p99": round(percentile(times, 0.99)),
            "per_s": round(len(items) / seconds, 2),
        }
    baseline = [ms for name, items in by_name.items() if name.startswith("baseline:")
                and "log in" not in name for ms, _ok in items]  # fmt: skip
    base_p95 = percentile(baseline, 0.95)
    for name, row in table.items():
        row["ratio"] = (
            round(row["p95"] / base_p95, 2)
            if base_p95 and not name.startswith("baseline:")
            else None
        )
        row["in_ratio"] = not name.startswith(("baseline:", *NOT_IN_RATIO))
    return table, base_p95


def plot(python, rows, out_png, bill_window):
    """Latency over time (p95 per 30 s of each kind of request), as a PNG."""
    data = os.path.join(os.path.dirname(out_png), "plot-data.json")
    with open(data, "w") as fh:
        json.dump({"rows": [r for r in rows if not r[1].startswith("(")], "bill": bill_window}, fh)
    subprocess.run([python, os.path.join(HERE, "plot.py"), data, out_png], check=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100000, help="database size")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--users", type=int, default=40, help="Locust users (default 40)")
    parser.add_argument("--minutes", type=float, default=10.0, help="duration (default 10)")
    parser.add_argument("--spawn-rate", type=float, default=1.0, help="users started a second")
    parser.add_argument("--pace", type=float, default=1.0, help="think times x PACE")
    parser.add_argument("--workers", type=int, help="Odoo workers (default: production conf)")
    parser.add_argument("--portal-users", type=int, default=300, help="customers with a login")
    parser.add_argument("--dir", default=os.path.join(DATA, "load"), help="cluster and logs")
    parser.add_argument("--no-bill-run", action="store_true")
    parser.add_argument("--build-only", action="store_true", help="build the database, stop")
    parser.add_argument("--keep", action="store_true", help="leave PostgreSQL running")
    opts = parser.parse_args(argv)
    opts.base_db = f"load_{opts.customers}"
    opts.run_db = f"load_{opts.customers}_run"
    os.makedirs(opts.dir, exist_ok=True)
    os.chmod(opts.dir, 0o755)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    opts.out = os.path.join(REPO, "bench", "results", f"load-{stamp}")
    os.makedirs(opts.out, exist_ok=True)

    port_file = os.path.join(opts.dir, "pgport")
    port = pgcluster.free_port()
    if os.path.exists(port_file):
        with open(port_file) as fh:
            port = int(fh.read())
    # PostgreSQL as the production profile configures it, like Odoo below
    cluster = pgcluster.Cluster(
        os.path.join(opts.dir, "postgres"), port, pgcluster.PRODUCTION_MEMORY
    )
    if not cluster.initialised:
        cluster.init()
        with open(os.path.join(cluster.datadir, "postgresql.auto.conf"), "a") as fh:
            # room for the workers, cron threads, job runner and the demo's sessions
            fh.write("max_connections = 300\nwork_mem = '16MB'\nmaintenance_work_mem = '256MB'\n")
        with open(port_file, "w") as fh:
            fh.write(str(port))
    if not cluster.running():
        cluster.start()
    params = cluster.db_params()
    data_dir = os.path.join(opts.dir, "odoo-data")
    odoo = netsim = locust = None
    try:
        build_base(opts, params, data_dir)
        if opts.build_only:
            return 0
        python = locust_python()
        copy_database(opts, params, data_dir)
        # the base was built by an earlier version of the add-ons: the copy gets this
        # checkout's (new indexes, the revenue summary's view...) before the run
        log("upgrading the add-ons of the copy to this checkout")
        with open(os.path.join(opts.out, "upgrade.log"), "w") as fh:
            subprocess.run(
                [sys.executable, "-m", "odoo", *odoo_args(params, opts.run_db, data_dir),
                 "-u", ",".join(MODULES), "--stop-after-init", "--no-http"],
                check=True, stdout=fh, stderr=subprocess.STDOUT, cwd=REPO,
            )  # fmt: skip
        fixtures_path = os.path.join(opts.out, "fixtures.json")
        log("preparing the load users (logins, numbers, customers to look up)")
        subprocess.run(
            [sys.executable, os.path.join(HERE, "prepare.py"), fixtures_path,
             str(opts.portal_users), "--", *odoo_args(params, opts.run_db, data_dir),
             "--log-level=warn"],
            check=True, cwd=REPO,
        )  # fmt: skip
        with open(fixtures_path) as fh:
            fixtures = json.load(fh)
        http_port = pgcluster.free_port(18169)
        conf, options = production_config(opts, params, data_dir, http_port)
        log(
            f"starting Odoo (production profile: workers={options['workers']}, "
            f"max_cron_threads={options.get('max_cron_threads')}, "
            f"server_wide_modules={options.get('server_wide_modules')})"
        )
        netsim = subprocess.Popen(
            [sys.executable, os.path.join(REPO, "tools", "netsim", "netsim.py"),
             "--host", "127.0.0.1", "--port", "8765"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO,
        ) if not pgcluster.port_in_use(8765) else None  # fmt: skip
        odoo, url = start_odoo(conf, http_port)
        sampler = Sampler(odoo.pid)
        sampler.start()
        samples_dir = os.path.join(opts.out, "samples")
        seconds = int(opts.minutes * 60)
        env = dict(
            os.environ,
            TELECOM_LOAD_FIXTURES=fixtures_path,
            TELECOM_LOAD_SAMPLES=samples_dir,
            TELECOM_LOAD_PACE=str(opts.pace),
        )
        with open("/proc/loadavg") as fh:
            load_before = fh.read().split()[:3]
        log(
            f"Locust: {opts.users} users for {seconds} s against {url} (load before: "
            f"{' '.join(load_before)})"
        )
        started = time.time()
        locust_log = open(os.path.join(opts.out, "locust.log"), "w")  # noqa: SIM115
        locust = subprocess.Popen(
            [python, "-m", "locust", "-f", os.path.join(HERE, "locustfile.py"), "--headless",
             "-u", str(opts.users), "-r", str(opts.spawn_rate), "-t", f"{seconds}s",
             "--host", url, "--html", os.path.join(opts.out, "report.html"),
             "--csv", os.path.join(opts.out, "locust"), "--only-summary",
             "--stop-timeout", "30", "--loglevel", "WARNING"],
            cwd=REPO, env=env,
            stdout=locust_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        run_id = bill_started = bill_error = None
        while locust.poll() is None:
            time.sleep(2)
            if (
                bill_started is None
                and not opts.no_bill_run
                and time.time() - started > seconds / 2
            ):
                bill_started = time.time()
                try:
                    run_id = start_bill_run(url, fixtures)
                except (OSError, xmlrpc.client.Error) as error:
                    # reported with the figures (an error of the run), the load goes on
                    bill_error = str(error)
                    log(f"the bill run did not start: {bill_error}")
        elapsed = time.time() - started
        with open("/proc/loadavg") as fh:
            load_after = fh.read().split()[:3]
        bill = None
        if run_id:
            try:
                bill = bill_run_state(url, fixtures, run_id)
            except (OSError, xmlrpc.client.Error) as error:
                bill_error = f"its state could not be read: {error}"
        sampler.stopped.set()
        sampler.join()
        memory = sampler.summary()
    finally:
        stop(locust)
        stop(odoo)
        stop(netsim)
        if not opts.keep:
            cluster.stop()

    rows = read_samples(samples_dir)
    window = max(1.0, rows[-1][0] - rows[0][0]) if rows else elapsed
    table, base_p95 = figures(rows, window)
    bill_window = None
    if bill_started:
        # shaded from its start to its end (or to the end of the run, if still going)
        done = bill and bill.get("date_done")
        end = rows[-1][0] if rows else time.time()
        if done:
            end = calendar.timegm(time.strptime(done, "%Y-%m-%d %H:%M:%S"))
        bill_window = [bill_started, end]
    plot(python, rows, os.path.join(opts.out, "latency.png"), bill_window)
    shown = [r for r in table.values()]
    total = sum(r["count"] for r in shown)
    errors = sum(r["errors"] for r in shown) + (1 if bill_error else 0)
    ratios = {n: r["ratio"] for n, r in table.items() if r["in_ratio"] and r["ratio"]}
    worst = max(ratios.items(), key=lambda kv: kv[1]) if ratios else ("-", 0.0)
    print()
    print(f"{'request':44} {'count':>7} {'p50':>6} {'p95':>6} {'p99':>6} {'err':>4} "
          f"{'req/s':>6} {'p95/base':>8}")  # fmt: skip
    for name, r in table.items():
        ratio = f"{r['ratio']:.1f}x" if r["ratio"] else ""
        mark = "" if r["in_ratio"] or name.startswith("baseline:") else " *"
        print(f"{name + mark:44} {r['count']:>7} {r['p50']:>6} {r['p95']:>6} {r['p99']:>6} "
              f"{r['errors']:>4} {r['per_s']:>6} {ratio:>8}")  # fmt: skip
    print(f"(ms; * not in the ratio: bulk work; baseline p95 {base_p95:.0f} ms)")
    print(f"throughput: {total / window:.1f} requests/s over {window:.0f} s")
    print(f"Odoo memory: {json.dumps(memory)}")
    if bill:
        print(f"bill run: {json.dumps(bill, default=str)}")
    if bill_error:
        print(f"bill run: ERROR, {bill_error}")
    print(f"load average: {' '.join(load_before)} before, {' '.join(load_after)} after")
    results = {
        "machine": benchlib.machine(),
        "users": opts.users,
        "minutes": opts.minutes,
        "customers": opts.customers,
        "workers": options["workers"],
        "max_cron_threads": options.get("max_cron_threads"),
        "requests": total,
        "errors": errors,
        "throughput": round(total / window, 2),
        "baseline_p95": round(base_p95),
        "worst": {"name": worst[0], "ratio": worst[1]},
        "table": table,
        "memory": memory,
        "bill_run": bill,
        "bill_run_error": bill_error,
        "load_before": load_before,
        "load_after": load_after,
        "report": os.path.join(opts.out, "report.html"),
        "plot": os.path.join(opts.out, "latency.png"),
    }
    with open(os.path.join(opts.out, "results.json"), "w") as fh:
        json.dump(results, fh, indent=2, default=str)
    path = benchlib.save_results("load", results)
    print(f"report: {results['report']}; plot: {results['plot']}; figures: {path}")
    print(
        f"load: {opts.users} users, {total} requests, {errors} errors, "
        f"worst p95 ratio {worst[1]:.1f}× baseline"
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
