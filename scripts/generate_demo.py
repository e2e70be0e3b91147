"""Fill a telecom database with deterministic demo data.

    python3 scripts/generate_demo.py --customers 200 --seed 42 -- <odoo options: -c, -d, --db-*>

Called by ``./suite run`` on a new database, by ``./suite demo``, by ``./suite sites
up`` and by the load benchmark. The work is done by the ``telecom.demo.generator``
model of the add-on telecom_demo (one file per add-on's data), which this script
installs into the database first if it is not there yet. Never under the production
profile (scripts/secureconf.py): a production database gets no demo generator.

On the bulk path each step of the generator is a transaction of its own (an
operator's volume is not built, nor lost, in one transaction; a step that fails
is run again by running the command again: the steps only add what is missing),
and the time of each step is printed. The bill runs of the billing step are
worked by ``--jobs`` processes side by side: this one, and helper processes
(``--billrun-helper``) that run the bill run's own job
(``telecom.bill.run._job_bill``: chunks of accounts claimed with ``FOR UPDATE SKIP
LOCKED``), as queue_job's workers would.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import secureconf
from telecom_addons import DEMO_MODULE


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        own, odoo_args = argv[:split], argv[split + 1 :]
    else:
        own, odoo_args = argv, []
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    path = parser.add_mutually_exclusive_group()
    path.add_argument(
        "--bulk", action="store_true", default=None, help="the bulk path (default from 10,000)"
    )
    path.add_argument("--orm", dest="bulk", action="store_false", help="the ORM path")
    parser.add_argument(
        "--jobs",
        type=int,
        default=2,
        help="processes billing side by side on the bulk path (default 2)",
    )
    parser.add_argument(
        "--stop-after", metavar="STEP", help="bulk path: stop after this step (resume later)"
    )
    parser.add_argument("--billrun-helper", metavar="STOPFILE", help=argparse.SUPPRESS)
    opts = parser.parse_args(own)
    if opts.customers < 0:
        parser.error("--customers must be zero or more")
    if opts.jobs < 1:
        parser.error("--jobs must be 1 or more")

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_args)
    if secureconf.is_production(odoo.tools.config.rcfile):
        raise SystemExit(
            f"{odoo.tools.config.rcfile} is the production profile: no demo data, no demo "
            f"generator ({DEMO_MODULE} is never installed there)."
        )
    dbname = odoo.tools.config["db_name"]
    if isinstance(dbname, list | tuple):
        dbname = dbname[0]
    if module_state(dbname, DEMO_MODULE) == "installed":
        registry = Registry(dbname)
    else:
        # as `odoo -i telecom_demo`: the add-on is found on the addons path and installed
        print(f"installing {DEMO_MODULE} (the demo data generator) into {dbname}", flush=True)
        odoo.tools.config["init"] = {DEMO_MODULE: 1}
        registry = Registry.new(dbname, update_module=True)
    if opts.billrun_helper:
        return billrun_helper(registry, opts.billrun_helper)
    # the generator's own threshold (importable once the registry has loaded the add-on)
    from odoo.addons.telecom_demo.models.demo_generator import BULK_FROM

    bulk = opts.bulk if opts.bulk is not None else opts.customers >= BULK_FROM
    if not bulk:
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            report = env["telecom.demo.generator"].generate(
                customers=opts.customers, seed=opts.seed, bulk=False
            )
        print("demo data: " + json.dumps(report, sort_keys=True))
        return None
    with registry.cursor() as cr:
        steps = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})[
            "telecom.demo.generator"
        ]._demo_step_names()
    if opts.stop_after and opts.stop_after not in steps:
        raise SystemExit(f"--stop-after: no step {opts.stop_after} (the steps: {', '.join(steps)})")
    report, times = {}, {}
    started = time.time()
    for step in steps:
        helpers = start_helpers(opts.jobs - 1, odoo_args) if step in BILLRUN_STEPS else None
        step_started = time.time()
        try:
            with registry.cursor() as cr:
                env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                report.update(
                    env["telecom.demo.generator"].generate(
                        customers=opts.customers, seed=opts.seed, bulk=True, steps=[step]
                    )
                )
        finally:
            stop_helpers(helpers)
        times[step] = time.time() - step_started
        print(f"demo step {step}: {json.dumps(report[step])} in {times[step]:.1f} s", flush=True)
        if step == opts.stop_after:
            break
    with registry.cursor() as cr:
        cr.execute("SELECT pg_database_size(current_database())")
        size = cr.fetchone()[0]
    print("demo data: " + json.dumps(report, sort_keys=True))
    print(
        "demo steps (s): " + ", ".join(f"{step} {seconds:.1f}" for step, seconds in times.items())
    )
    print(
        f"demo data generated: {opts.customers} customers in {time.time() - started:.0f} s, "
        f"database {size / 2**30:.2f} GiB",
        flush=True,
    )
    return None


# the steps whose bill runs helper processes work on
BILLRUN_STEPS = ("billing",)


def start_helpers(count, odoo_args):
    """``count`` helper processes (this script with --billrun-helper) and their stop file."""
    if count < 1:
        return None
    stop = f"/tmp/telecom-demo-billrun-{os.getpid()}.stop"
    if os.path.exists(stop):
        os.unlink(stop)
    procs = [
        subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--billrun-helper", stop, "--", *odoo_args]
        )
        for _i in range(count)
    ]
    return stop, procs


def stop_helpers(helpers):
    if not helpers:
        return
    stop, procs = helpers
    with open(stop, "w") as fh:
        fh.write("stop\n")
    for proc in procs:
        try:
            proc.wait(timeout=600)
        except subprocess.TimeoutExpired:
            proc.terminate()
            proc.wait()
    os.unlink(stop)


def billrun_helper(registry, stop):
    """Work the running bill runs with their own job until ``stop`` exists (or the
    generator that started this process is gone)."""
    import odoo

    parent = os.getppid()
    worked = 0
    while not os.path.exists(stop) and os.getppid() == parent:
        with registry.cursor() as cr:
            cr.execute(
                """SELECT r.id FROM telecom_bill_run r
                    WHERE r.state = 'running' AND EXISTS (
                          SELECT 1 FROM telecom_bill_run_line l
                           WHERE l.run_id = r.id AND l.state = 'pending')
                    ORDER BY r.id"""
            )
            run_ids = [row[0] for row in cr.fetchall()]
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            for run in env["telecom.bill.run"].browse(run_ids):
                run._job_bill()
                worked += 1
        if not run_ids:
            time.sleep(0.3)
    print(f"bill-run helper {os.getpid()}: worked on {worked} runs", flush=True)


def module_state(dbname, name):
    """The state of add-on ``name`` in the database (None: not even listed)."""
    import odoo

    with odoo.sql_db.db_connect(dbname).cursor() as cr:
        cr.execute("SELECT state FROM ir_module_module WHERE name = %s", (name,))
        row = cr.fetchone()
    return row[0] if row else None


if __name__ == "__main__":
    main(sys.argv[1:])
