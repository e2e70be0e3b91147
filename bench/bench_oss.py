#!/usr/bin/env python3
"""Benchmark: network inventory at 50,000 elements and an alarm storm of 10,000.

    ./suite bench oss [--elements 50000] [--storm 10000] [--keep]

1. starts a throw-away PostgreSQL cluster (scripts/pgcluster.py) and installs
   telecom_oss (and what it depends on) into a fresh database (not timed);
2. generates ``--elements`` network elements in a deep tree with the demo
   generator's tree builder (``element_tree`` of telecom_demo/models/demo_oss.py, run
   in this process: the database holds telecom_oss only; timed, reported apart);
3. inventory: times and counts the SQL queries of what the back office does on
   that tree: open the hierarchy view (roots, then one node's children), a
   ``child_of`` search under a core router, a name search, the first page of the
   list view, the impact analysis of a site (every element below it);
4. alarms: a storm of ``--storm`` repeats of one alarm on one element in one
   batch, the same storm again (on the open alarm), then 1,000 repeats sent one
   per call; then a parent alarm correlating the alarms of its whole subtree;
5. prints the figures and the machine, and writes them to bench/results/.
"""

import argparse
import sys
import time

from benchlib import Meter, log, machine, save_results, throwaway_database


def bench_inventory(env, elements, seed):
    out = {}
    # the demo add-on's code, imported (not installed: it would bring the helpdesk,
    # whose outage tickets would change the alarm figures)
    from odoo.addons.telecom_demo.models.demo_oss import element_tree

    log(f"generating {elements} elements (the demo generator's tree builder)")
    start = time.perf_counter()
    made = element_tree(env, count=elements, seed=seed)
    env.cr.commit()
    out["generate"] = {"elements": made, "s": round(time.perf_counter() - start, 1)}
    log(f"  {made} elements in {out['generate']['s']} s")
    Element = env["telecom.network.element"]
    meter = Meter(env)
    total = Element.search_count([])
    roots = Element.search([("parent_id", "=", False)], order="id")
    core = roots[0]
    agg = Element.search([("parent_id", "=", core.id)], limit=1, order="id")
    fields = ["name", "element_type", "status", "alarm_severity", "child_ids"]
    _r, out["hierarchy_roots"] = meter(
        Element.hierarchy_read, [("parent_id", "=", False)], list(fields), "parent_id",
        "child_ids", repeat=5,
    )  # fmt: skip
    _r, out["hierarchy_node"] = meter(
        Element.hierarchy_read, [("id", "=", agg.id)], list(fields), "parent_id", "child_ids",
        repeat=5,
    )  # fmt: skip
    below, out["child_of_core"] = meter(Element.search, [("id", "child_of", core.id)], repeat=5)
    out["child_of_core"]["rows"] = len(below)
    _r, out["name_search"] = meter(Element.name_search, "bench-3-0001", limit=8, repeat=5)
    _r, out["list_first_page"] = meter(
        Element.web_search_read,
        [],
        {f: {} for f in ("name", "element_type", "vendor_id", "parent_id", "site_id",
                          "management_ip", "status", "alarm_severity")},
        limit=80,
        repeat=5,
    )  # fmt: skip
    site = agg.site_id
    impacted, out["impact_of_site"] = meter(
        Element._telecom_impacted_elements, sites=site, repeat=5
    )
    out["impact_of_site"]["rows"] = len(impacted)
    impacted, out["impact_of_core"] = meter(
        Element._telecom_impacted_elements, elements=core, repeat=3
    )
    out["impact_of_core"]["rows"] = len(impacted)
    out["total_elements"] = total
    return out


def bench_alarms(env, storm):
    out = {}
    Alarm = env["telecom.alarm"].with_context(tracking_disable=True)
    Element = env["telecom.network.element"]
    meter = Meter(env)
    leaf = Element.search([("child_ids", "=", False)], limit=1, order="id desc")
    event = {"element": leaf.name, "severity": "major", "probable_cause": "lossOfSignal",
             "specific_problem": "storm"}  # fmt: skip
    results, out["storm_new"] = meter(Alarm._telecom_receive, [dict(event) for _i in range(storm)])
    env.cr.commit()
    alarm = Alarm.browse(results[0]["alarm_id"])
    out["storm_new"]["events"] = storm
    out["storm_new"]["alarms_created"] = Alarm.search_count([("element_id", "=", leaf.id)])
    _r, out["storm_repeat"] = meter(Alarm._telecom_receive, [dict(event) for _i in range(storm)])
    env.cr.commit()
    out["storm_repeat"]["events"] = storm
    out["storm_repeat"]["repeat_count"] = alarm.repeat_count
    single = 1000
    start = time.perf_counter()
    before = env.cr.sql_log_count
    for _i in range(single):
        Alarm._telecom_receive([dict(event)])
        env.flush_all()
    elapsed = time.perf_counter() - start
    env.cr.commit()
    out["one_per_call"] = {
        "calls": single,
        "ms_per_call": round(elapsed * 1000 / single, 2),
        "queries_per_call": (env.cr.sql_log_count - before) / single,
        "calls_per_s": round(single / elapsed),
    }
    alarm.invalidate_recordset()
    out["final_repeat_count"] = alarm.repeat_count
    # correlation: alarms on 200 leaves below one aggregation node, then the node fails
    agg = Element.search([("element_type", "=", "switch")], limit=1, order="id")
    leaves = Element.search(
        [("id", "child_of", agg.id), ("child_ids", "=", False)], limit=200, order="id"
    )
    Alarm._telecom_receive(
        [{"element": e.id, "severity": "minor", "probable_cause": "dyingGasp"} for e in leaves]
    )
    out["correlation_children"] = len(leaves)
    env.cr.commit()
    results, out["root_cause_correlation"] = meter(
        Alarm._telecom_receive,
        [{"element": agg.id, "severity": "critical", "probable_cause": "powerProblem"}],
    )
    root = Alarm.browse(results[0]["alarm_id"])
    out["root_cause_correlation"]["correlated"] = root.correlated_count
    env.cr.commit()
    return out


def report(results):
    inv, alarms, m = results["inventory"], results["alarms"], results["machine"]

    def fmt(entry):
        rows = f", {entry['rows']} rows" if "rows" in entry else ""
        return f"{entry['ms']:.1f} ms, {entry['queries']:.0f} queries{rows}"

    storm_new, storm_repeat = alarms["storm_new"], alarms["storm_repeat"]
    single, corr = alarms["one_per_call"], alarms["root_cause_correlation"]
    lines = [
        "",
        "== OSS benchmark ==",
        (
            f"machine      {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python "
            f"{m['python']}, PostgreSQL {m['postgresql']}, {m['os']}"
        ),
        (
            f"inventory    {inv['total_elements']} elements; generated "
            f"{inv['generate']['elements']} in {inv['generate']['s']} s"
        ),
        f"  hierarchy view, roots           {fmt(inv['hierarchy_roots'])}",
        f"  hierarchy view, one node        {fmt(inv['hierarchy_node'])}",
        f"  child_of a core router          {fmt(inv['child_of_core'])}",
        f"  name search                     {fmt(inv['name_search'])}",
        f"  list view, first page of 80     {fmt(inv['list_first_page'])}",
        f"  impact of a site                {fmt(inv['impact_of_site'])}",
        f"  impact of a core router         {fmt(inv['impact_of_core'])}",
        (
            f"alarms       storm of {storm_new['events']} on one element: "
            f"{storm_new['alarms_created']} alarm created, {fmt(storm_new)}"
        ),
        (
            f"  the same storm again (repeats)  {fmt(storm_repeat)}"
            f" -> repeat count {storm_repeat['repeat_count']}"
        ),
        (
            f"  one alarm per call              {single['ms_per_call']} ms and "
            f"{single['queries_per_call']:.0f} queries per call ({single['calls_per_s']} calls/s)"
        ),
        (
            f"  root cause over {alarms['correlation_children']} alarms"
            f"     {fmt(corr)}, {corr['correlated']} correlated"
        ),
    ]
    print("\n".join(lines), flush=True)
    save_results(f"oss-{inv['total_elements']}", results)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--elements", type=int, default=50_000)
    parser.add_argument("--storm", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the cluster folder")
    opts = parser.parse_args(argv)

    import odoo

    with throwaway_database("oss", ["telecom_oss"], keep=opts.keep) as bench:
        results = {"elements_requested": opts.elements, "storm": opts.storm}
        with bench.registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            results["machine"] = machine(cr)
            results["inventory"] = bench_inventory(env, opts.elements, opts.seed)
            log(f"alarm storm of {opts.storm}")
            results["alarms"] = bench_alarms(env, opts.storm)
        report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
