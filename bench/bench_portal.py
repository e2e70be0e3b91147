#!/usr/bin/env python3
"""Benchmark: the customer portal's usage pages for a customer with a million records.

    ./suite bench portal [--records 1000000] [--lines 50] [--others 500000] [--requests 40]
                         [--keep]

1. starts a throw-away PostgreSQL cluster (scripts/pgcluster.py) and installs the
   five add-ons into a fresh database (not timed);
2. builds a business customer with ``--lines`` mobile lines on one billing account (a plan
   with voice and SMS allowances and a data pool shared by the account), its
   portal user, and 100 other customers with two lines each (not timed);
3. loads ``--records`` rated usage records of that customer over the last 365
   days, plus ``--others`` records of the other customers, interleaved in time
   order as mediation writes them, with PostgreSQL ``COPY`` (timed, reported apart),
   then ``VACUUM ANALYZE`` as autovacuum would;
4. starts Odoo's HTTP server on the database, logs in as the portal user and
   requests each usage page ``--requests`` times (after a warm-up): the current
   period, one service, one type, an older period with type and direction filters,
   deep keyset pages both ways (random cursors), the service page with its
   allowance bars and the home counters; the **server time** of each request is
   read from Odoo's request log (SQL time + Python time), the client's round trip
   is measured too; one CSV and one XLSX export are timed apart;
5. prints p50 / p95 / max per page and over all usage pages (target: p95 under
   300 ms) and the machine, and writes them to bench/results/.
"""

import argparse
import io
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta

import requests
from benchlib import (
    REPO,
    install,
    log,
    machine,
    odoo_args,
    pgcluster,
    save_results,
    usage_copy_line,
)
from telecom_addons import BUSINESS_MODULES as MODULES

OTHER_CUSTOMERS = 100
TARGET_MS = 300
EPOCH = datetime(1970, 1, 1)
LOGIN = "bench_portal"
# werkzeug's request line in Odoo's log: "... HTTP/1.1" 200 - <queries> <sql s> <python s>
REQUEST_LINE = re.compile(
    r'"(?:GET|POST) (?P<path>\S+) HTTP/1\.1" (?P<status>\d+) - (?P<queries>\d+) (?P<sql>[\d.]+) '
    r"(?P<python>[\d.]+)"
)
# usage type code, share, quantity (low, high), unit of a chargeable part
MIX = [
    ("voice", 0.45, (5, 900)),
    ("sms", 0.25, (1, 1)),
    ("data", 0.24, (20_000, 60_000_000)),
    ("mms", 0.02, (1, 1)),
    ("voice_roaming", 0.025, (10, 600)),
    ("data_roaming", 0.015, (10_000, 5_000_000)),
]


# ---------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------
def build_customers(env, today, lines):
    """The bench customer (``lines`` lines, a portal user), 100 others; their lines."""
    from odoo import Command

    ref = env.ref
    types = {code: ref(f"telecom_crm.telecom_usage_type_{code}") for code, *_r in MIX}
    plan = env["product.template"].create(
        {
            "name": "Bench Mobile",
            "default_code": "BENCH-MOB",
            "telecom_kind": "plan",
            "telecom_technology": "mobile",
            "list_price": 0.0,
            "telecom_allowance_ids": [
                Command.create(
                    {"usage_type_id": types["voice"].id, "quantity": 300, "uom": "minute"}
                ),
                Command.create(
                    {"usage_type_id": types["sms"].id, "quantity": 100, "uom": "message"}
                ),
                Command.create(
                    {
                        "usage_type_id": types["data"].id,
                        "quantity": 10,
                        "uom": "gb",
                        "share_scope": "billing_account",
                    }
                ),
            ],
        }
    )
    env["telecom.price.version"].create(
        {"product_tmpl_id": plan.id, "date_from": date(2020, 1, 1), "price": 20.0}
    )
    product = plan.product_variant_id
    activation = today - timedelta(days=400)

    def customer(name, company, lines, offset):
        partner = env["res.partner"].create(
            {"name": name, "is_company": company, "email": f"{offset}@bench.example.com",
             "tz": "UTC"}
        )  # fmt: skip
        account = env["telecom.billing.account"].create({"partner_id": partner.id})
        subs = env["telecom.subscription"].create(
            [
                {
                    "partner_id": partner.id,
                    "billing_account_id": account.id,
                    "phone_number": f"+3247{offset + i:07d}",
                    "line_ids": [Command.create({"product_id": product.id,
                                                 "date_start": activation})],
                }
                for i in range(lines)
            ]
        )  # fmt: skip
        subs.action_activate(activation)
        return partner, subs

    bench_customer, bench_subs = customer("Bench Business", True, lines, 1_000_000)
    env["res.users"].with_context(no_reset_password=True).create(
        {
            "name": "Bench Portal",
            "login": LOGIN,
            "password": LOGIN,
            "email": "bench_portal@bench.example.com",
            "tz": "UTC",
            "parent_id": bench_customer.id,
            "groups_id": [Command.set([ref("base.group_portal").id])],
        }
    )
    other_subs = env["telecom.subscription"]
    for index in range(OTHER_CUSTOMERS):
        _partner, subs = customer(f"Other {index}", False, 2, 2_000_000 + index * 10)
        other_subs |= subs
    source = env["telecom.mediation.source"].create({"name": "Bench switch", "code": "BENCH"})
    return bench_subs, other_subs, source, {code: t.id for code, t in types.items()}


def usage_rows(rng, subs, count, start, end, type_ids):
    """``count`` (epoch, sub id, account id, type id, quantity, direction) sorted by time."""
    span = int((end - start).total_seconds())
    base = int((start - EPOCH).total_seconds())
    codes = [code for code, *_r in MIX]
    weights = [share for _c, share, _q in MIX]
    ranges = {code: bounds for code, _s, bounds in MIX}
    picks = rng.choices(codes, weights=weights, k=count)
    rows = []
    for code in picks:
        sub_id, account_id = subs[rng.randrange(len(subs))]
        low, high = ranges[code]
        rows.append(
            (
                base + rng.randrange(span),
                sub_id,
                account_id,
                type_ids[code],
                rng.randint(low, high),
                "in" if code.startswith("voice") and rng.random() < 0.3 else "out",
            )
        )
    rows.sort()
    return rows


def copy_usage(env, rows, source_id, company_id, currency_id):
    """COPY rated records (the state rating leaves them in) into telecom_usage_record."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
    columns, line = usage_copy_line(
        company_id=company_id, source_id=source_id, source_record_id="B{index}",
        subscriber="{sub}", subscription_id="{sub}", billing_account_id="{account}",
        usage_type_id="{utype}", direction="{direction}", start_time="{start}",
        quantity="{qty}", called_number="{called}", rated_quantity="{qty}",
        allowance_quantity="{included}", amount="{amount}", currency_id=currency_id,
        state="rated", period_start="{period}", rerated_count=0, create_uid=1,
        create_date=now, write_uid=1, write_date=now,
    )  # fmt: skip
    rng = random.Random(7)
    buffer = io.StringIO()
    for index, (epoch, sub_id, account_id, type_id, quantity, direction) in enumerate(rows):
        moment = EPOCH + timedelta(seconds=epoch)
        period = moment.date().replace(day=1)
        included = quantity if rng.random() < 0.7 else 0
        amount = 0 if included else round(rng.random() * 2, 2)
        called = f"+32{rng.randrange(10**8, 10**9)}" if direction == "out" else "\\N"
        buffer.write(
            line.format(
                index=index, sub=sub_id, account=account_id, utype=type_id,
                direction=direction, start=f"{moment:%Y-%m-%d %H:%M:%S}", qty=quantity,
                called=called, included=included, amount=amount, period=period,
            )
        )  # fmt: skip
    buffer.seek(0)
    env.cr.copy_expert(f"COPY telecom_usage_record ({columns}) FROM STDIN", buffer, size=1 << 20)


# ---------------------------------------------------------------------------
# requests
# ---------------------------------------------------------------------------
def wait_for_server(url, timeout=120):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(f"{url}/web/login", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    raise SystemExit("the Odoo server did not start")


def server_times(logfile):
    """{tag: (queries, server ms)} of the tagged requests in Odoo's log."""
    out = {}
    with open(logfile, errors="replace") as fh:
        for line in fh:
            match = REQUEST_LINE.search(line)
            if not match or "_b=" not in match.group("path"):
                continue
            tag = match.group("path").rsplit("_b=", 1)[1].split("&", 1)[0]
            ms = (float(match.group("sql")) + float(match.group("python"))) * 1000
            out[tag] = (int(match.group("queries")), ms, int(match.group("status")))
    return out


def percentile(values, share):
    values = sorted(values)
    if not values:
        return 0.0
    index = min(len(values) - 1, max(0, round(share * len(values) + 0.5) - 1))
    return values[index]


def run_requests(url, db, pages, repeat, rng):
    session = requests.Session()
    res = session.post(
        f"{url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": LOGIN, "password": LOGIN}},
        timeout=30,
    )
    res.raise_for_status()
    if res.json().get("error"):
        raise SystemExit(f"login failed: {res.json()['error']}")
    sent = []
    counter = 0
    for name, make in pages:
        for attempt in range(repeat + 2):  # two warm-up requests per page
            path = make(rng)
            counter += 1
            tag = f"{counter}"
            sep = "&" if "?" in path else "?"
            start = time.perf_counter()
            if name == "home counters":
                res = session.post(
                    f"{url}/my/counters?_b={tag}",
                    json={"jsonrpc": "2.0", "params": {"counters": [
                        "telecom_service_count", "telecom_usage_count", "telecom_invoice_count",
                        "telecom_ticket_count", "telecom_request_count",
                    ]}},
                    timeout=60,
                )  # fmt: skip
            else:
                res = session.get(f"{url}{path}{sep}_b={tag}", timeout=60)
            client_ms = (time.perf_counter() - start) * 1000
            if res.status_code != 200:
                raise SystemExit(f"{path}: HTTP {res.status_code}")
            if attempt >= 2:
                sent.append((name, tag, client_ms))
    return sent


def run_exports(url, db, paths):
    session = requests.Session()
    session.post(
        f"{url}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": LOGIN, "password": LOGIN}},
        timeout=30,
    ).raise_for_status()
    out = {}
    for name, path in paths:
        start = time.perf_counter()
        res = session.get(f"{url}{path}", timeout=600)
        elapsed = time.perf_counter() - start
        res.raise_for_status()
        out[name] = {"s": round(elapsed, 2), "bytes": len(res.content)}
    return out


# ---------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lines", type=int, default=50, help="the customer's lines")
    parser.add_argument("--others", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=40, help="requests per page")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the cluster folder")
    opts = parser.parse_args(argv)

    import odoo
    from odoo.modules.registry import Registry

    tmp = tempfile.mkdtemp(prefix="bench-portal-")
    os.chmod(tmp, 0o755)
    cluster = pgcluster.Cluster(os.path.join(tmp, "postgres"), pgcluster.free_port())
    server = None
    rng = random.Random(opts.seed)
    results = {
        "records": opts.records,
        "lines": opts.lines,
        "others": opts.others,
        "requests": opts.requests,
    }
    try:
        log(f"starting a throw-away PostgreSQL in {tmp}")
        cluster.init()
        cluster.start()
        params = cluster.db_params()
        db = "bench_portal"
        data_dir = os.path.join(tmp, "data")
        install(params, db, data_dir, MODULES, os.path.join(tmp, "install.log"))
        odoo.tools.config.parse_config(odoo_args(params, db, data_dir))
        registry = Registry(db)
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        today = now.date()
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            results["machine"] = machine(cr)
            log("building the customers (not timed)")
            bench_subs, other_subs, source, type_ids = build_customers(env, today, opts.lines)
            cr.commit()
            company = env.company
            start = now - timedelta(days=365)
            end = now - timedelta(minutes=1)
            log(f"generating {opts.records} + {opts.others} records (not timed)")
            rows = usage_rows(
                rng, [(s.id, s.billing_account_id.id) for s in bench_subs], opts.records, start,
                end, type_ids,
            ) + usage_rows(
                rng, [(s.id, s.billing_account_id.id) for s in other_subs], opts.others, start,
                end, type_ids,
            )  # fmt: skip
            rows.sort()
            log(f"COPY of {len(rows)} records")
            started = time.perf_counter()
            copy_usage(env, rows, source.id, company.id, company.currency_id.id)
            cr.commit()
            results["copy_s"] = round(time.perf_counter() - started, 1)
            del rows
            # the current period's allowance balances, as rating keeps them
            bench_subs._telecom_ensure_balances()
            cr.commit()
            sub_ids = bench_subs.ids
            cr.execute(
                "SELECT count(*) FROM telecom_usage_record WHERE subscription_id = ANY(%s)"
                " AND period_start = %s",
                (sub_ids, today.replace(day=1)),
            )
            results["current_period_records"] = cr.fetchone()[0]
            # cursors deep into the current period, for the keyset pages
            cr.execute(
                "SELECT start_time, id FROM telecom_usage_record WHERE subscription_id = ANY(%s)"
                " AND period_start = %s ORDER BY random() LIMIT 200",
                (sub_ids, today.replace(day=1)),
            )
            cursors = [f"{t:%Y%m%d%H%M%S}-{i}" for t, i in cr.fetchall()]
        odoo.sql_db.close_all()
        log("VACUUM ANALYZE telecom_usage_record")
        import psycopg2

        conn = psycopg2.connect(
            dbname=db, host=params["db_host"], port=params["db_port"], user=params["db_user"]
        )
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("VACUUM ANALYZE telecom_usage_record")
            cur.execute("SELECT pg_size_pretty(pg_total_relation_size('telecom_usage_record'))")
            results["table_size"] = cur.fetchone()[0]
        conn.close()

        port = pgcluster.free_port(18869)
        logfile = os.path.join(tmp, "server.log")
        log(f"starting Odoo on 127.0.0.1:{port}")
        with open(logfile, "w") as fh:
            server = subprocess.Popen(
                [sys.executable, "-m", "odoo", *odoo_args(params, db, data_dir),
                 f"--http-port={port}", "--http-interface=127.0.0.1", "--workers=0",
                 "--log-level=info"],
                stdout=fh, stderr=subprocess.STDOUT, cwd=REPO,
            )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        wait_for_server(url)
        older = (today.replace(day=1) - timedelta(days=95)).replace(day=1)
        pages = [
            ("usage, current period", lambda r: "/my/usage"),
            ("usage, one service", lambda r: f"/my/usage?service={r.choice(sub_ids)}"),
            ("usage, one type", lambda r: f"/my/usage?type={r.choice(['sms', 'data', 'mms'])}"),
            (
                "usage, older period + filters",
                lambda r: f"/my/usage?period={older}&type=voice&direction=out",
            ),
            ("usage, deep page (older)", lambda r: f"/my/usage?after={r.choice(cursors)}"),
            ("usage, deep page (newer)", lambda r: f"/my/usage?before={r.choice(cursors)}"),
            ("service page (allowances)", lambda r: f"/my/subscriptions/{r.choice(sub_ids)}"),
            ("home counters", lambda r: "/my/counters"),
        ]
        log(f"{opts.requests} requests per page, {len(pages)} pages")
        sent = run_requests(url, db, pages, opts.requests, rng)
        log("exports of one service's current period (timed apart)")
        results["exports"] = run_exports(
            url,
            db,
            [
                ("csv, one service", f"/my/usage/export.csv?service={sub_ids[0]}"),
                ("xlsx, one service", f"/my/usage/export.xlsx?service={sub_ids[0]}"),
                ("csv, all services", "/my/usage/export.csv"),
            ],
        )
        time.sleep(1)
        logged = server_times(logfile)
        per_page = {}
        for name, tag, client_ms in sent:
            queries, server_ms, _status = logged[tag]
            per_page.setdefault(name, []).append((server_ms, client_ms, queries))
        results["pages"] = {}
        usage_server = []
        for name, samples in per_page.items():
            timings = [s for s, _c, _q in samples]
            client = [c for _s, c, _q in samples]
            if name.startswith("usage"):
                usage_server += timings
            results["pages"][name] = {
                "n": len(samples),
                "p50_ms": round(statistics.median(timings), 1),
                "p95_ms": round(percentile(timings, 0.95), 1),
                "max_ms": round(max(timings), 1),
                "client_p95_ms": round(percentile(client, 0.95), 1),
                "queries": round(statistics.mean(q for _s, _c, q in samples), 1),
            }
        results["usage_pages"] = {
            "n": len(usage_server),
            "p50_ms": round(statistics.median(usage_server), 1),
            "p95_ms": round(percentile(usage_server, 0.95), 1),
            "max_ms": round(max(usage_server), 1),
        }
        report(results)
        return 0 if results["usage_pages"]["p95_ms"] < TARGET_MS else 1
    finally:
        if server and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        if opts.keep:
            log(f"kept {tmp} (cluster stopped)")
        cluster.stop()
        if not opts.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def report(results):
    m = results["machine"]
    lines = [
        "",
        "== Portal usage pages benchmark ==",
        (
            f"machine      {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python "
            f"{m['python']}, PostgreSQL {m['postgresql']}, {m['os']}"
        ),
        (
            f"data         {results['records']} records of one customer ({results['lines']} "
            f"line{'s' if results['lines'] > 1 else ''}, 365 days; "
            f"{results['current_period_records']} in the current period) + "
            f"{results['others']} of 100 others; COPY {results['copy_s']} s; table "
            f"{results['table_size']}"
        ),
        f"{'page':34} {'p50':>8} {'p95':>8} {'max':>8} {'client p95':>11} {'queries':>8}",
    ]
    for name, page in results["pages"].items():
        lines.append(
            f"{name:34} {page['p50_ms']:7.1f}ms {page['p95_ms']:7.1f}ms {page['max_ms']:7.1f}ms"
            f" {page['client_p95_ms']:9.1f}ms {page['queries']:8.1f}"
        )
    usage = results["usage_pages"]
    verdict = "OK" if usage["p95_ms"] < TARGET_MS else "OVER TARGET"
    lines.append(
        f"all usage pages ({usage['n']} requests): p50 {usage['p50_ms']} ms, p95 "
        f"{usage['p95_ms']} ms, max {usage['max_ms']} ms (server time; target p95 < "
        f"{TARGET_MS} ms: {verdict})"
    )
    for name, export in results["exports"].items():
        lines.append(f"export {name:27} {export['s']:.2f} s, {export['bytes'] / 1e6:.1f} MB")
    print("\n".join(lines), flush=True)
    save_results(f"portal-{results['records']}", results)


if __name__ == "__main__":
    sys.exit(main())
