#!/usr/bin/env python3
"""Benchmark: an outage from the alarm to the SLA credits of thousands of customers.

    ./suite bench helpdesk [--customers 2000] [--keep]

1. starts a throw-away PostgreSQL cluster (scripts/pgcluster.py) and installs
   telecom_helpdesk (and what it depends on) into a fresh database (not timed);
2. builds an OLT serving ``--customers`` customers, one active fibre line each,
   on a plan with SLA terms (not timed);
3. times the outage as it happens: the major alarm arriving (the outage ticket is
   opened inside the alarm call), the start job (the affected subscriptions, one
   SLA credit line each), the notices (one ticket per customer and its notice, in
   chunks of 200), the alarm clearing, and the finish job (credits computed,
   customers' tickets resolved with the "service restored" notice), and billing
   issuing the credits (one posted credit note per billing account, through
   ``telecom.billing.account._telecom_create_credit_note``);
4. prints the figures and the machine, and writes them to bench/results/.
"""

import argparse
import sys
import time
from datetime import date, datetime, timedelta

from benchlib import Meter, log, machine, save_results, throwaway_database


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
    partners = env["res.partner"].create(
        [
            {"name": f"Bench Customer {i:05d}", "email": f"bench{i:05d}@example.com"}
            for i in range(customers)
        ]
    )
    accounts = env["telecom.billing.account"].create([{"partner_id": p.id} for p in partners])
    subs = env["telecom.subscription"].create(
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
    env.cr.commit()
    log(f"  {len(subs)} active lines behind {olt.name} in {time.perf_counter() - start:.1f} s")
    return olt


def perform_jobs(env, method):
    """Run the queued jobs of ``method`` (oldest first) in this transaction."""
    from odoo.addons.queue_job.job import Job

    done = 0
    while True:
        jobs = env["queue.job"].search(
            [("method_name", "=", method), ("state", "=", "pending")], order="id"
        )
        if not jobs:
            return done
        for record in jobs:
            job = Job.load(env, record.uuid)
            job.perform()
            job.set_done()
            job.store()
            done += 1


def bench_outage(env, olt):
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
    _r, out["start_job"] = meter(perform_jobs, env, "_telecom_outage_start")
    out["start_job"]["affected"] = master.telecom_affected_count
    env.cr.commit()
    chunks, out["start_notices"] = meter(perform_jobs, env, "_telecom_outage_notify")
    out["start_notices"]["chunks"] = chunks
    out["start_notices"]["customer_tickets"] = len(master.telecom_child_ids)
    env.cr.commit()
    cleared = dict(event, severity="cleared", time=(raised + timedelta(hours=5)).isoformat() + "Z")
    _r, out["alarm_clear"] = meter(Alarm._telecom_receive, [cleared])
    env.cr.commit()
    _r, out["finish_job"] = meter(perform_jobs, env, "_telecom_outage_finish")
    env.cr.commit()
    chunks, out["end_notices"] = meter(perform_jobs, env, "_telecom_outage_notify")
    out["end_notices"]["chunks"] = chunks
    env.cr.commit()
    master.invalidate_recordset()
    notes, out["issue"] = meter(master._telecom_issue_sla_credits)
    out["issue"]["credit_notes"] = len(notes)
    env.cr.commit()
    credits = master.telecom_sla_credit_ids
    out["credits"] = {
        "credited": len(credits.filtered(lambda c: c.state == "credited")),
        "to_credit": len(credits.filtered(lambda c: c.state == "to_credit")),
        "total": round(sum(credits.mapped("amount")), 2),
        "closed_customer_tickets": len(master.telecom_child_ids.filtered("closed")),
        "queued_mails": env["mail.mail"].search_count([("state", "=", "outgoing")]),
    }
    return out


def report(results):
    o, m = results["outage"], results["machine"]

    def fmt(entry):
        return f"{entry['ms'] / 1000:.2f} s, {entry['queries']:.0f} queries"

    lines = [
        "",
        "== Helpdesk benchmark: one outage ==",
        (
            f"machine      {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python "
            f"{m['python']}, PostgreSQL {m['postgresql']}, {m['os']}"
        ),
        f"customers    {results['customers']} (one active fibre line each, behind one OLT)",
        f"  major alarm in, outage ticket opened      {fmt(o['alarm_in'])}",
        (
            f"  start job: {o['start_job']['affected']} affected lines listed"
            f"      {fmt(o['start_job'])}"
        ),
        (
            f"  notices: {o['start_notices']['customer_tickets']} customer tickets, "
            f"{o['start_notices']['chunks']} jobs   {fmt(o['start_notices'])}"
        ),
        f"  alarm cleared, outage resolved            {fmt(o['alarm_clear'])}",
        f"  finish job: credits computed              {fmt(o['finish_job'])}",
        f"  restored notices, tickets resolved        {fmt(o['end_notices'])}",
        (f"  billing: {o['issue']['credit_notes']} credit notes posted        {fmt(o['issue'])}"),
        (
            f"  -> {o['credits']['credited']} credits issued, total "
            f"{o['credits']['total']}; {o['credits']['closed_customer_tickets']} tickets "
            f"resolved; {o['credits']['queued_mails']} e-mails queued"
        ),
    ]
    print("\n".join(lines), flush=True)
    save_results(f"helpdesk-{results['customers']}", results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--keep", action="store_true", help="keep the cluster folder")
    opts = parser.parse_args(argv)

    import odoo

    with throwaway_database("helpdesk", ["telecom_helpdesk"], keep=opts.keep) as bench:
        results = {"customers": opts.customers}
        with bench.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            results["machine"] = machine(cr)
            log(f"building {opts.customers} customers behind one OLT (not timed)")
            olt = build(env, opts.customers)
            log("the outage")
            results["outage"] = bench_outage(env, olt)
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
