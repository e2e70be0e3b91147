#!/usr/bin/env python3
"""Benchmark: an outage from the alarm to the SLA credit notes of thousands of customers.

    ./suite bench helpdesk [--customers 2000] [--workers 2] [--keep]

1. starts a throw-away PostgreSQL cluster (scripts/pgcluster.py) and installs
   telecom_helpdesk (and what it depends on) into a fresh database (not timed);
2. builds an OLT serving ``--customers`` customers, one active fibre line each
   on its own billing account, on a plan with SLA terms; the company issues SLA
   credits automatically (not timed);
3. times the outage as it happens, the jobs run by ``--workers`` job workers in
   processes of their own, side by side (what queue_job's runner does with a
   channel of that capacity; their start-up, Odoo loading its registry, is left
   out: job workers run already): the major alarm arriving (the outage ticket
   is opened inside the alarm call), the start job (the affected subscriptions,
   one SLA credit line each), the notices (one ticket per customer and its
   notice, in chunks), the alarm clearing, the finish job (credits computed,
   notices and credit notes queued), the "service restored" notices (customers'
   tickets resolved) and billing's credit notes (one per billing account, posted,
   in chunks of accounts);
4. checks every credit is credited exactly once (one posted credit note per
   account), prints the figures, the machine and the closing line
   ``outage: N customers, alarm to last credit note posted in X s, N credit notes/s``
   (X: the phases above added up, the outage's own hours left out; credit notes/s:
   posted credit notes / the credit notes phase), and writes them to bench/results/.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, datetime, timedelta

from benchlib import Meter, log, machine, odoo_args, save_results, throwaway_database

JOB_METHODS = {
    "start": "_telecom_outage_start",
    "notices": "_telecom_outage_notify",
    "finish": "_telecom_outage_finish",
    "credit_notes": "_telecom_issue_sla_credits_job",
}


def build(env, customers):
    """An OLT and ``customers`` customers with one active fibre line each."""
    from odoo import Command

    start = time.perf_counter()
    Element = env["telecom.network.element"]
    site = env["telecom.site"].create({"code": "BENCH", "name": "Bench central office"})
    core = Element.create({"name": "bench-core", "element_type": "router"})
    olt = Element.create(
        {"name": "bench-olt", "element_type": "olt", "parent_id": core.id, "site_id": site.id}
    )
    tmpl = env["product.template"].create(
        {
            "name": "Bench Fibre",
            "default_code": "BENCH-FTTH",
            "telecom_kind": "plan",
            "telecom_technology": "ftth",
            "list_price": 0.0,
            "telecom_sla_availability": 99.5,
            "telecom_sla_credit_percent": 5.0,
            "telecom_sla_credit_cap": 50.0,
        }
    )
    env["telecom.price.version"].create(
        {"product_tmpl_id": tmpl.id, "date_from": date(2024, 1, 1), "price": 40.0}
    )
    plan = tmpl.product_variant_id
    subs = env["telecom.subscription"]
    for offset in range(0, customers, 2000):
        size = min(2000, customers - offset)
        partners = env["res.partner"].create(
            [
                {"name": f"Bench Customer {i:05d}", "email": f"bench{i:05d}@example.com"}
                for i in range(offset, offset + size)
            ]
        )
        accounts = env["telecom.billing.account"].create([{"partner_id": p.id} for p in partners])
        subs |= env["telecom.subscription"].create(
            [
                {
                    "partner_id": account.partner_id.id,
                    "billing_account_id": account.id,
                    "line_ids": [
                        Command.create({"product_id": plan.id, "date_start": date(2025, 1, 1)})
                    ],
                }
                for account in accounts
            ]
        )
        env.flush_all()
        env.invalidate_all()
    # as superuser: the lifecycle's own write (a migration, not an activation)
    subs.write(
        {
            "state": "active",
            "activation_date": date(2025, 1, 1),
            "telecom_access_element_id": olt.id,
        }
    )
    company = env.company
    if not env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    ):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    # the company's policy: the alarm's clear ends in credit notes, nobody clicks
    company.telecom_sla_credit_auto = True
    env.cr.commit()
    log(f"  {len(subs)} active lines behind {olt.name} in {time.perf_counter() - start:.1f} s")
    return olt


# ---------------------------------------------------------------------------
# job workers (processes of their own)
# ---------------------------------------------------------------------------
def worker(opts):
    """Perform the pending jobs of one method until none is left; print the figures."""
    import odoo
    from odoo.modules.registry import Registry

    from odoo.addons.queue_job.job import Job

    odoo.tools.config.parse_config(json.loads(opts.odoo))
    registry = Registry(opts.db)
    jobs = queries = 0
    started = time.time()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        before = cr.sql_log_count
        while True:
            # the job runner's claim: one pending job no other worker holds
            cr.execute(
                """SELECT uuid FROM queue_job WHERE method_name = %s AND state = 'pending'
                    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""",
                (opts.method,),
            )
            row = cr.fetchone()
            if not row:
                cr.rollback()
                break
            job = Job.load(env, row[0])
            job.set_started()
            job.store()
            job.perform()
            job.set_done()
            job.store()
            env.flush_all()
            cr.commit()
            env.invalidate_all()
            jobs += 1
        queries = cr.sql_log_count - before
    print(
        json.dumps(
            {
                "jobs": jobs,
                "queries": queries,
                "start": started,
                "end": time.time(),
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        ),
        flush=True,
    )
    return 0


def run_jobs(bench, opts, phase):
    """The jobs of a phase, by ``--workers`` processes; wall time from the first worker
    at work to the last job done (their start-up left out)."""
    args = odoo_args(bench.params, bench.db, bench.data_dir)
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "--job-worker",
        "--method",
        JOB_METHODS[phase],
        "--db",
        bench.db,
        "--odoo",
        json.dumps(args),
    ]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _i in range(opts.workers)
    ]
    results = []
    for proc in procs:
        out, _err = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"job worker failed ({proc.returncode}):\n{out}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    busy = [r for r in results if r["jobs"]] or results
    elapsed = max(r["end"] for r in busy) - min(r["start"] for r in busy)
    # what the workers committed, seen by the next statement of the benchmark
    bench_env = bench.env
    bench_env.cr.rollback()
    bench_env.invalidate_all()
    return {
        "ms": round(elapsed * 1000, 2),
        "queries": sum(r["queries"] for r in results),
        "jobs": sum(r["jobs"] for r in results),
        "maxrss_mb": round(max(r["maxrss_mb"] for r in results)),
    }


def bench_outage(bench, env, olt, opts):
    bench.env = env
    out = {}
    meter = Meter(env)
    Alarm = env["telecom.alarm"]
    raised = datetime.now().replace(microsecond=0) - timedelta(hours=6)
    event = {
        "element": olt.name,
        "severity": "major",
        "probable_cause": "lossOfSignal",
        "specific_problem": "Feeder cut",
        "time": raised.isoformat() + "Z",
    }
    results, out["alarm_in"] = meter(Alarm._telecom_receive, [dict(event)])
    env.cr.commit()
    alarm = Alarm.browse(results[0]["alarm_id"])
    master = alarm.ticket_ids
    log("  start job")
    out["start_job"] = run_jobs(bench, opts, "start")
    out["start_job"]["affected"] = master.telecom_affected_count
    log("  notices")
    out["start_notices"] = run_jobs(bench, opts, "notices")
    out["start_notices"]["customer_tickets"] = len(master.telecom_child_ids)
    cleared = dict(event, severity="cleared", time=(raised + timedelta(hours=5)).isoformat() + "Z")
    _r, out["alarm_clear"] = meter(Alarm._telecom_receive, [cleared])
    env.cr.commit()
    log("  finish job")
    out["finish_job"] = run_jobs(bench, opts, "finish")
    log("  restored notices")
    out["end_notices"] = run_jobs(bench, opts, "notices")
    log("  credit notes")
    out["issue"] = run_jobs(bench, opts, "credit_notes")
    cr = env.cr
    cr.execute(
        """SELECT COUNT(*) FILTER (WHERE c.state = 'credited'),
                  COUNT(*) FILTER (WHERE c.state = 'to_credit'),
                  COUNT(*) FILTER (WHERE c.error IS NOT NULL),
                  COALESCE(SUM(c.amount), 0), COUNT(DISTINCT c.credit_note_id)
             FROM telecom_sla_credit c WHERE c.ticket_id = %s""",
        (master.id,),
    )
    credited, to_credit, failed, total, notes = cr.fetchone()
    cr.execute(
        """SELECT COUNT(*), COUNT(*) FILTER (WHERE m.state = 'posted'),
                  COUNT(DISTINCT m.telecom_billing_account_id)
             FROM account_move m WHERE m.telecom_origin = %s""",
        (f"helpdesk.ticket,{master.id}",),
    )
    moves, posted, accounts = cr.fetchone()
    out["issue"]["credit_notes"] = posted
    out["credits"] = {
        "credited": credited,
        "to_credit": to_credit,
        "failed": failed,
        "total": round(float(total), 2),
        "credit_notes": moves,
        "exactly_once": moves == posted == accounts == notes and to_credit == 0,
        "closed_customer_tickets": len(master.telecom_child_ids.filtered("closed")),
        "queued_mails": env["mail.mail"].search_count([("state", "=", "outgoing")]),
    }
    steps = ("alarm_in", "start_job", "start_notices", "alarm_clear", "finish_job",
             "end_notices", "issue")  # fmt: skip
    out["total_s"] = sum(out[step]["ms"] for step in steps) / 1000
    out["credit_notes_per_s"] = posted / (out["issue"]["ms"] / 1000) if out["issue"]["ms"] else 0
    return out


def report(results):
    o, m = results["outage"], results["machine"]

    def fmt(entry):
        return f"{entry['ms'] / 1000:.2f} s, {entry['queries']:.0f} queries"

    credits = o["credits"]
    lines = [
        "",
        "== Helpdesk benchmark: one outage ==",
        (
            f"machine      {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python "
            f"{m['python']}, PostgreSQL {m['postgresql']}, {m['os']}; load "
            f"{results['load_before']:.1f} before, {results['load_after']:.1f} after"
        ),
        (
            f"customers    {results['customers']} (one active fibre line each, behind one "
            f"OLT); {results['workers']} job workers"
        ),
        f"  major alarm in, outage ticket opened      {fmt(o['alarm_in'])}",
        (
            f"  start job: {o['start_job']['affected']} affected lines listed"
            f"      {fmt(o['start_job'])}"
        ),
        (
            f"  notices: {o['start_notices']['customer_tickets']} customer tickets, "
            f"{o['start_notices']['jobs']} jobs   {fmt(o['start_notices'])}"
        ),
        f"  alarm cleared, outage resolved            {fmt(o['alarm_clear'])}",
        f"  finish job: credits computed              {fmt(o['finish_job'])}",
        (
            f"  restored notices, tickets resolved ({o['end_notices']['jobs']} jobs)   "
            f"{fmt(o['end_notices'])}"
        ),
        (
            f"  billing: {o['issue']['credit_notes']} credit notes posted "
            f"({o['issue']['jobs']} jobs)   {fmt(o['issue'])}"
        ),
        (
            f"  -> {credits['credited']} credits issued ({credits['failed']} failed), total "
            f"{credits['total']}; {credits['credit_notes']} credit notes, one per account, "
            f"each posted once: {credits['exactly_once']}; "
            f"{credits['closed_customer_tickets']} tickets resolved; "
            f"{credits['queued_mails']} e-mails queued; peak memory per worker "
            f"{max(o[s]['maxrss_mb'] for s in ('start_notices', 'end_notices', 'issue'))} MB"
        ),
        (
            f"outage: {results['customers']} customers, alarm to last credit note posted in "
            f"{o['total_s']:.0f} s, {o['credit_notes_per_s']:.0f} credit notes/s"
        ),
    ]
    print("\n".join(lines), flush=True)
    save_results(f"helpdesk-{results['customers']}", results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, help="job workers side by side")
    parser.add_argument("--keep", action="store_true", help="keep the cluster folder")
    parser.add_argument("--job-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--method", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--odoo", help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.job_worker:
        return worker(opts)

    import odoo

    with throwaway_database("helpdesk", ["telecom_helpdesk"], keep=opts.keep) as bench:
        results = {"customers": opts.customers, "workers": opts.workers}
        with bench.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            results["machine"] = machine(cr)
            log(f"building {opts.customers} customers behind one OLT (not timed)")
            olt = build(env, opts.customers)
            cr.execute("ANALYZE")
            cr.commit()
            log("the outage")
            results["load_before"] = os.getloadavg()[0]
            results["outage"] = bench_outage(bench, env, olt, opts)
            results["load_after"] = os.getloadavg()[0]
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
