#!/usr/bin/env python3
"""Bill run benchmark: N billing accounts billed and posted, against OCA contract.

    ./suite bench billrun [--accounts 10000] [--usage 100] [--workers 2]
                          [--reference 3000] [--baseline-contracts N] [--no-baseline]
                          [--kill-resume] [--keep]

What it does, on a throw-away PostgreSQL cluster and Odoo database of its own:

1. installs telecom_billing, and OCA ``contract`` for the baseline (bench only);
2. creates N customers, each with a monthly billing account, one subscription
   with a plan (10.00) and an add-on (3.00) line billed through June (as if the
   June bill run had happened), and ``--usage`` rated usage records of June
   (voice, SMS and data in two zones), written with PostgreSQL COPY;
3. bills them with a bill run dated 1 July: ``--workers`` processes run the
   bill-run job (``telecom.bill.run._job_bill``, what the queue_job workers run)
   side by side, then the run posts (numbers) the invoices and queues their
   delivery. Invoices/s = posted invoices / wall-clock time from the start of
   the run (claims included) to the last invoice posted;
4. checks every account has exactly one posted invoice for the period;
   with more accounts than ``--reference`` (3,000), a run of that many accounts
   (another billing cycle, the 2nd, populated beside the big one) is billed first
   in the same database as the reference of linearity: invoices/s and peak memory
   per process of both are printed with their ratio;
5. (``--kill-resume``) kills one worker with SIGKILL in the middle of a second
   run on fresh data, resumes, and checks the same;
6. baseline: N OCA contracts with the same two lines, invoiced by contract's
   own recurring invoicing cron (it creates draft invoices), then posted.

Peak memory is the largest resident set size of a process of the phase
(``getrusage`` maximum RSS). The machine is printed with the figures.
"""

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

import benchlib
from benchlib import REPO, pgcluster

DB = "telecom_bench"
BILL_DATE = date(2025, 7, 1)
USAGE_PERIOD = date(2025, 6, 1)
# generation 0: the run measured; 1: the kill-and-resume run (cycle 1, its own
# accounts); 2: the reference of linearity (cycle 2)
REFERENCE = 2


def cycle_of(generation):
    """The billing day of a generation's accounts."""
    return 2 if int(generation) == REFERENCE else 1


def bill_date(generation):
    return BILL_DATE.replace(day=cycle_of(generation))


# ---------------------------------------------------------------------------
# the parent: cluster, phases, figures
# ---------------------------------------------------------------------------
def machine():
    """The machine line of the report (benchlib's figures, PostgreSQL's binary)."""
    info = benchlib.machine()
    pg = subprocess.run(
        [pgcluster.find_pg_bin("postgres"), "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return f"{info['cpu']}, {info['cores']} cores, {info['ram']} RAM; Python {info['python']}; {pg}"


class Bench:
    def __init__(self, opts, settings):
        self.opts = opts
        self.tmp = tempfile.mkdtemp(prefix="telecom-bench-")
        os.chmod(self.tmp, 0o755)
        self.cluster = pgcluster.Cluster(
            os.path.join(self.tmp, "postgres"), pgcluster.free_port(), settings
        )
        self.params = None

    def start(self):
        self.cluster.init()
        self.cluster.start()
        self.params = self.cluster.db_params()

    def stop(self):
        self.cluster.stop()
        if not self.opts.keep:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            print(f"kept {self.tmp}")

    def odoo_args(self):
        p = self.params
        return [
            f"--addons-path={os.path.join(REPO, 'addons')}",
            f"--data-dir={os.path.join(self.tmp, 'data')}",
            f"--db_host={p['db_host']}",
            f"--db_port={p['db_port']}",
            f"--db_user={p['db_user']}",
            "-d",
            DB,
        ]

    def install(self):
        modules = "telecom_billing" + ("" if self.opts.no_baseline else ",contract")
        cmd = [
            sys.executable,
            "-m",
            "odoo",
            *self.odoo_args(),
            "-i",
            modules,
            "--without-demo=all",
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
            "--max-cron-threads=0",
        ]
        subprocess.run(cmd, check=True, cwd=REPO)

    def phase(self, name, *args, wait=True):
        cmd = [
            sys.executable,
            os.path.abspath(__file__),
            "--phase",
            name,
            "--odoo",
            json.dumps(self.odoo_args()),
            *map(str, args),
        ]
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
        if not wait:
            return proc
        return self.collect(proc)

    @staticmethod
    def collect(proc):
        out, _err = proc.communicate()
        if proc.returncode:
            raise SystemExit(f"bench phase failed ({proc.returncode}):\n{out}")
        for line in reversed(out.strip().splitlines()):
            if line.startswith("{"):
                return json.loads(line)
        raise SystemExit(f"bench phase printed no result:\n{out}")


def run_bill(bench, opts, run_id, kill=False):
    """Workers in parallel on the claimed run, then the finish (posting)."""
    start = time.time()
    workers = [bench.phase("work", run_id, wait=False) for _ in range(opts.workers)]
    killed = False
    if kill:
        time.sleep(opts.kill_after)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        killed = True
        workers[0] = bench.phase("work", run_id, wait=False)  # the resumed job
    results = []
    for proc in workers:
        results.append(bench.collect(proc))
    finish = bench.phase("finish", run_id)  # nothing left to do unless a job died
    # the run's own time: from the first job at work to the last invoice posted (the
    # processes' start-up, Odoo's registry loading, is not part of a bill run: job
    # workers are running already)
    elapsed = max(r["end"] for r in results) - min(r["start"] for r in results)
    elapsed += finish["seconds"]
    _ignored = start
    return elapsed, results, finish, killed


def bill_and_check(bench, opts, generation):
    """Claim, bill and post the run of a generation; its figures and the check."""
    prepared = bench.phase("prepare", generation)
    elapsed, workers, finish, _k = run_bill(bench, opts, prepared["run_id"])
    elapsed += prepared["seconds"]  # claiming the due accounts
    check = bench.phase("check", prepared["run_id"])
    return {
        "invoices": check["posted"],
        "seconds": elapsed,
        "rate": check["posted"] / elapsed,
        "peak": max([w["maxrss_mb"] for w in workers] + [finish["maxrss_mb"]]),
        "check": check,
    }


def report_run(label, run, opts):
    check = run["check"]
    print(
        f"{label}: {run['invoices']} invoices posted in {run['seconds']:.1f} s = "
        f"{run['rate']:.1f} invoices/s ({opts.workers} workers, {opts.chunk} accounts per "
        f"transaction); peak memory {run['peak']:.0f} MB per process; {check['usage_billed']} "
        f"usage records billed; exactly one invoice per account: {check['exactly_once']}",
        flush=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--usage", type=int, default=100, help="usage records per account")
    parser.add_argument("--workers", type=int, default=2, help="parallel bill-run jobs")
    parser.add_argument("--chunk", type=int, default=200, help="accounts per transaction")
    parser.add_argument(
        "--reference",
        type=int,
        default=3000,
        help="with more accounts than this, first bill this many in the same database as "
        "the reference of linearity (0: no reference run)",
    )
    parser.add_argument(
        "--baseline-contracts",
        type=int,
        default=None,
        help="OCA contracts of the baseline (default: --accounts)",
    )
    parser.add_argument("--no-baseline", action="store_true")
    benchlib.add_postgres_option(parser)
    parser.add_argument(
        "--kill-resume",
        action="store_true",
        help="also kill a worker mid-run, resume, check exactly-once",
    )
    parser.add_argument("--kill-after", type=float, default=8.0)
    parser.add_argument("--keep", action="store_true", help="keep the cluster's folder")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--odoo", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.phase:
        return run_phase(opts)
    contracts = opts.baseline_contracts or opts.accounts
    print(f"machine: {machine()}", flush=True)
    settings, settings_text = benchlib.postgres_settings(opts)
    print(f"postgresql: {settings_text}", flush=True)
    bench = Bench(opts, settings)
    bench.start()
    try:
        t0 = time.time()
        bench.install()
        print(f"install: {time.time() - t0:.0f} s", flush=True)
        t0 = time.time()
        populated = bench.phase("populate", opts.accounts, opts.usage, opts.chunk, 0)
        print(
            f"data: {opts.accounts} accounts, {populated['usage']} usage records in "
            f"{time.time() - t0:.0f} s",
            flush=True,
        )
        reference = None
        if opts.reference and opts.accounts > opts.reference:
            t0 = time.time()
            bench.phase("populate", opts.reference, opts.usage, opts.chunk, REFERENCE)
            print(
                f"reference data: {opts.reference} accounts (billing cycle 2) in "
                f"{time.time() - t0:.0f} s",
                flush=True,
            )
            bench.phase("analyze")
            reference = bill_and_check(bench, opts, REFERENCE)
            report_run("reference run", reference, opts)
        bench.phase("analyze")
        measured = bill_and_check(bench, opts, 0)
        report_run("bill run", measured, opts)
        rate, peak = measured["rate"], measured["peak"]
        invoices, elapsed = measured["invoices"], measured["seconds"]
        result = {"invoices_per_s": rate, "peak_mb": peak, "invoices": invoices, "seconds": elapsed}
        if reference:
            speed = rate / reference["rate"]
            memory = peak / reference["peak"] - 1
            print(
                f"linearity: {invoices} accounts at {rate:.1f} invoices/s = {speed:.0%} of the "
                f"{reference['invoices']}-account run ({reference['rate']:.1f} invoices/s); peak "
                f"memory per process {peak:.0f} MB vs {reference['peak']:.0f} MB "
                f"({memory:+.0%})",
                flush=True,
            )
            result.update(
                reference_invoices_per_s=reference["rate"],
                reference_peak_mb=reference["peak"],
                speed_ratio=speed,
                memory_growth=memory,
            )
        if opts.kill_resume:
            bench.phase("populate", opts.accounts // 2, opts.usage, opts.chunk, 1)
            prepared = bench.phase("prepare", 1)
            elapsed, _w, _f, _killed = run_bill(bench, opts, prepared["run_id"], kill=True)
            check = bench.phase("check", prepared["run_id"])
            print(
                f"kill and resume: a worker killed (SIGKILL) after {opts.kill_after:.0f} s and "
                f"restarted; {check['posted']} invoices for {check['accounts']} accounts, "
                f"exactly one invoice per account: {check['exactly_once']}",
                flush=True,
            )
        if not opts.no_baseline:
            t0 = time.time()
            bench.phase("contract_populate", contracts)
            print(f"baseline data: {contracts} contracts in {time.time() - t0:.0f} s", flush=True)
            base = bench.phase("contract_run")
            create_rate = base["invoices"] / base["create_seconds"]
            total_rate = base["invoices"] / (base["create_seconds"] + base["post_seconds"])
            print(
                f"baseline OCA contract: {base['invoices']} draft invoices in "
                f"{base['create_seconds']:.1f} s = {create_rate:.1f} invoices/s, posted in "
                f"{base['post_seconds']:.1f} s more = {total_rate:.1f} invoices/s created and "
                f"posted; peak memory {base['maxrss_mb']:.0f} MB",
                flush=True,
            )
            print(
                f"ratio: the bill run is {rate / total_rate:.1f}x OCA contract (created and "
                f"posted), {rate / create_rate:.1f}x its draft creation alone",
                flush=True,
            )
            result.update(contract_rate=total_rate, contract_create_rate=create_rate)
        print(json.dumps(result))
    finally:
        bench.stop()
    return 0


# ---------------------------------------------------------------------------
# the phases (each in its own process, its memory measured)
# ---------------------------------------------------------------------------
def odoo_env(opts):
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config([*json.loads(opts.odoo), "--log-level=warn"])
    registry = Registry(DB)
    cr = registry.cursor()
    return api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True}), cr


def maxrss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_phase(opts):
    env, cr = odoo_env(opts)
    try:
        result = PHASES[opts.phase](env, *opts.rest)
        cr.commit()
    finally:
        cr.close()
    result["maxrss_mb"] = maxrss_mb()
    print(json.dumps(result, default=str), flush=True)
    return 0


def setup_catalogue(env):
    from odoo import Command

    company = env.company
    if not env["account.journal"].search([("type", "=", "sale")], limit=1):
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    tax = env["account.tax"].search(
        [("type_tax_use", "=", "sale"), ("amount", "=", 21.0)], limit=1
    ) or env["account.tax"].create({"name": "VAT 21%", "amount": 21.0, "type_tax_use": "sale"})
    products = {}
    for code, name, kind, price in (
        ("BENCH-PLAN", "Bench Mobile", "plan", 10.0),
        ("BENCH-ADD", "Bench Data", "addon", 3.0),
    ):
        product = env["product.product"].search([("default_code", "=", code)])
        if not product:
            tmpl = env["product.template"].create(
                {
                    "name": name,
                    "default_code": code,
                    "telecom_kind": kind,
                    "telecom_technology": "mobile",
                    "taxes_id": [Command.set(tax.ids)],
                    "list_price": price,
                }
            )
            env["telecom.price.version"].create(
                {"product_tmpl_id": tmpl.id, "date_from": date(2020, 1, 1), "price": price}
            )
            product = tmpl.product_variant_id
        products[kind] = product
    for xmlid in ("product_telecom_usage", "product_telecom_one_time"):
        env.ref(f"telecom_billing.{xmlid}").taxes_id = [Command.set(tax.ids)]
    return tax, products


def populate(env, accounts, usage, chunk, generation):
    """Customers, accounts, subscriptions billed through June, June usage (COPY)."""
    import io

    accounts, usage, generation = int(accounts), int(usage), int(generation)
    cr = env.cr
    company = env.company
    company.write({"telecom_billrun_chunk": int(chunk), "telecom_billrun_fast": True})
    _tax, products = setup_catalogue(env)
    source = env["telecom.mediation.source"].search([("code", "=", "BENCH")]) or env[
        "telecom.mediation.source"
    ].create({"name": "Bench switch", "code": "BENCH"})
    tariff = env["telecom.tariff"].search([("code", "=", "BENCH")])
    if not tariff:
        tariff = env["telecom.tariff"].create({"code": "BENCH", "name": "Bench"})
        version = env["telecom.tariff.version"].create(
            {
                "tariff_id": tariff.id,
                "date_from": date(2020, 1, 1),
                "currency_id": company.currency_id.id,
            }
        )
        for code, zclass in (("NAT", "national"), ("EU", "international_eu")):
            env["telecom.tariff.zone"].create(
                {
                    "version_id": version.id,
                    "code": code,
                    "name": code,
                    "zone_class_id": env.ref(f"telecom_crm.telecom_zone_class_{zclass}").id,
                }
            )
    zones = env["telecom.tariff.zone"].search([("version_id.tariff_id", "=", tariff.id)]).ids
    types = [env.ref(f"telecom_crm.telecom_usage_type_{c}").id for c in ("voice", "sms", "data")]
    env.flush_all()
    uid, cid, cur = env.uid, company.id, company.currency_id.id
    prefix = f"G{generation}"
    day = cycle_of(generation)
    period = USAGE_PERIOD.replace(day=day)
    billed_to = bill_date(generation) - timedelta(days=1)
    cr.execute(
        """INSERT INTO res_partner (name, complete_name, email, active, type, is_company,
                                    autopost_bills, customer_rank, lang, company_id,
                                    create_uid, create_date, write_uid, write_date)
           SELECT %s || ' customer ' || g, %s || ' customer ' || g,
                  lower(%s) || '.c' || g || '@example.com', TRUE, 'contact', FALSE, 'ask', 1,
                  'en_US', NULL, %s, now(), %s, now()
             FROM generate_series(1, %s) g RETURNING id""",
        (prefix, prefix, prefix, uid, uid, accounts),
    )
    partner_ids = [r[0] for r in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", (partner_ids,)
    )
    cr.execute(
        """INSERT INTO telecom_billing_account (name, partner_id, payer_id, invoice_partner_id,
                  invoice_email, company_id, currency_id, billing_day, billing_period,
                  billing_period_months, invoice_delivery, paperless, state, create_uid,
                  create_date, write_uid, write_date)
           SELECT %s || lpad(n::text, 7, '0'), p, p, p, 'bench' || n || '@example.com', %s,
                  %s, %s, 'monthly', 1, 'portal', TRUE, 'active', %s, now(), %s, now()
             FROM unnest(%s::int[]) WITH ORDINALITY AS x(p, n) RETURNING id, partner_id""",
        (f"B{prefix}", cid, cur, day, uid, uid, partner_ids),
    )
    account_rows = cr.fetchall()
    cr.execute(
        """INSERT INTO telecom_subscription (name, partner_id, billing_account_id, company_id,
                  currency_id, plan_id, state, activation_date, phone_number, create_uid,
                  create_date, write_uid, write_date)
           SELECT %s || lpad(n::text, 7, '0'), p, a, %s, %s, %s, 'active', %s,
                  '+3247' || %s || lpad(n::text, 7, '0'), %s, now(), %s, now()
             FROM unnest(%s::int[], %s::int[]) WITH ORDINALITY AS x(a, p, n)
           RETURNING id, billing_account_id""",
        (
            f"S{prefix}",
            cid,
            cur,
            products["plan"].id,
            period,
            str(generation),
            uid,
            uid,
            [r[0] for r in account_rows],
            [r[1] for r in account_rows],
        ),
    )
    subs = cr.fetchall()
    for kind, product, price in (
        ("plan", products["plan"], 10.0),
        ("addon", products["addon"], 3.0),
    ):
        cr.execute(
            """INSERT INTO telecom_subscription_line (subscription_id, partner_id, company_id,
                      currency_id, product_id, name, kind, price_unit, quantity, date_start,
                      telecom_billed_from, telecom_billed_to, create_uid, create_date,
                      write_uid, write_date)
               SELECT s.id, s.partner_id, %s, %s, %s, %s, %s, %s, 1, %s, %s, %s, %s, now(),
                      %s, now()
                 FROM telecom_subscription s WHERE s.id = ANY(%s)""",
            (
                cid,
                cur,
                product.id,
                product.display_name,
                kind,
                price,
                period,
                period,
                billed_to,
                uid,
                uid,
                [s[0] for s in subs],
            ),
        )
    # June usage, rated, written the way rating writes it: COPY, rating's columns
    columns, line = benchlib.usage_copy_line(
        create_uid=uid,
        create_date="2025-07-01 00:00:00",
        write_uid=uid,
        write_date="2025-07-01 00:00:00",
        company_id=cid,
        source_id=source.id,
        source_record_id="{record}",
        line_no="{i}",
        subscriber="{sid}",
        subscription_id="{sid}",
        billing_account_id="{aid}",
        usage_type_id="{utype}",
        direction="out",
        start_time="{start}",
        quantity="{qty}",
        called_number="{called}",
        zone_id="{zone}",
        rated_quantity="{qty}",
        allowance_quantity=0,
        amount="{amount}",
        currency_id=cur,
        state="rated",
        period_start=period,
        rerated_count=0,
    )

    def rows():
        for sid, aid in subs:
            for i in range(usage):
                utype = types[i % 3]
                qty = (
                    (30 + i * 7)
                    if utype == types[0]
                    else (1 if utype == types[1] else 1_000_000 + i * 997)
                )
                when = period + timedelta(days=i % 28)
                yield line.format(
                    record=f"{prefix}-{sid}-{i}",
                    i=i,
                    sid=sid,
                    aid=aid,
                    utype=utype,
                    start=f"{when} {i % 24:02d}:{i % 60:02d}:00",
                    qty=qty,
                    called=f"+3222{i:06d}",
                    zone=zones[i % 2],
                    amount=f"{(i % 17) * 0.01 + 0.05:.2f}",
                )

    class Stream(io.TextIOBase):
        def __init__(self, gen):
            self.gen, self.buf = gen, ""

        def readable(self):
            return True

        def read(self, size=-1):
            while size < 0 or len(self.buf) < size:
                try:
                    self.buf += next(self.gen)
                except StopIteration:
                    break
            size = len(self.buf) if size < 0 else size
            out, self.buf = self.buf[:size], self.buf[size:]
            return out

    cr.copy_expert(
        f"COPY telecom_usage_record ({columns}) FROM STDIN",
        Stream(rows()),
        size=1 << 16,
    )
    return {"accounts": accounts, "usage": accounts * usage}


def analyze(env):
    """Fresh planner statistics after populating (as autovacuum would give them)."""
    env.cr.commit()
    env.cr.execute("ANALYZE")
    return {}


def prepare(env, generation):
    """The bill run of 1 July for the accounts of a generation, its accounts claimed."""
    generation = int(generation)
    restricted = generation not in (0, REFERENCE)  # the kill-and-resume run: its accounts
    accounts = env["telecom.billing.account"].search([("name", "=like", f"BG{generation}%")])
    run = env["telecom.bill.run"].create(
        {
            "date": bill_date(generation),
            "billing_day": cycle_of(generation),
            "billing_account_ids": [(6, 0, accounts.ids)] if restricted else [],
        }
    )
    start = time.time()
    run._prepare_lines()
    run.write({"state": "running", "date_started": env.cr.now()})
    return {"run_id": run.id, "accounts": run.account_count, "seconds": time.time() - start}


def work(env, run_id):
    """One bill-run job, what queue_job runs: bill pending chunks until none is left; the
    job that bills the last chunk posts the run's invoices."""
    run = env["telecom.bill.run"].browse(int(run_id))
    start = time.time()
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        run._job_bill()
        profile.disable()
        if os.environ["BENCH_PROFILE"].endswith(".prof"):  # a file for pstats
            profile.dump_stats(f"{os.environ['BENCH_PROFILE'][:-5]}-{os.getpid()}.prof")
        pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(70)
    else:
        run._job_bill()
    return {
        "state": run.state,
        "seconds": time.time() - start,
        "start": start,
        "end": time.time(),
        "posting": run.state == "done",
    }


def finish(env, run_id):
    run = env["telecom.bill.run"].browse(int(run_id))
    start = time.time()
    run._telecom_finish()
    return {"state": run.state, "seconds": time.time() - start, "start": start, "end": time.time()}


def check(env, run_id):
    cr = env.cr
    run = env["telecom.bill.run"].browse(int(run_id))
    cr.execute(
        """SELECT COUNT(*), COUNT(*) FILTER (WHERE m.state = 'posted'),
                  COUNT(DISTINCT m.telecom_billing_account_id)
             FROM account_move m WHERE m.telecom_bill_run_id = %s""",
        (run.id,),
    )
    moves, posted, distinct = cr.fetchone()
    cr.execute(
        """SELECT COUNT(*) FROM (
               SELECT l.billing_account_id FROM telecom_bill_run_line l
                 LEFT JOIN account_move m ON m.telecom_billing_account_id = l.billing_account_id
                      AND m.telecom_period_start = l.period_start AND m.state = 'posted'
                WHERE l.run_id = %s GROUP BY l.billing_account_id HAVING COUNT(m.id) <> 1) x""",
        (run.id,),
    )
    wrong = cr.fetchone()[0]
    cr.execute(
        """SELECT COUNT(*) FROM telecom_usage_record u JOIN account_move_line l
               ON l.id = u.invoice_line_id WHERE l.move_id IN (
                  SELECT id FROM account_move WHERE telecom_bill_run_id = %s)""",
        (run.id,),
    )
    usage = cr.fetchone()[0]
    return {
        "accounts": run.account_count,
        "moves": moves,
        "posted": posted,
        "errors": run.error_count,
        "usage_billed": usage,
        "exactly_once": wrong == 0 and distinct == run.account_count == posted,
    }


def contract_populate(env, contracts):
    """OCA contracts equivalent to the accounts: a plan and an add-on, monthly, in advance."""
    contracts = int(contracts)
    _tax, products = setup_catalogue(env)
    journal = env["account.journal"].search([("type", "=", "sale")], limit=1)
    cr = env.cr
    cr.execute(
        """INSERT INTO res_partner (name, complete_name, email, active, type, is_company,
                                    autopost_bills, customer_rank, lang, create_uid,
                                    create_date, write_uid, write_date)
           SELECT 'Contract customer ' || g, 'Contract customer ' || g,
                  'k' || g || '@example.com', TRUE, 'contact', FALSE, 'ask', 1, 'en_US',
                  1, now(), 1, now()
             FROM generate_series(1, %s) g RETURNING id""",
        (contracts,),
    )
    partner_ids = [r[0] for r in cr.fetchall()]
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", (partner_ids,)
    )
    Contract = env["contract.contract"].with_context(tracking_disable=True)
    for start in range(0, contracts, 500):
        Contract.create(
            [
                {
                    "name": f"Contract {pid}",
                    "partner_id": pid,
                    "journal_id": journal.id,
                    "contract_type": "sale",
                    "line_recurrence": False,
                    "recurring_rule_type": "monthly",
                    "recurring_interval": 1,
                    "recurring_invoicing_type": "pre-paid",
                    "date_start": date(2025, 7, 1),
                    "recurring_next_date": BILL_DATE,
                    "contract_line_fixed_ids": [
                        (
                            0,
                            0,
                            {
                                "product_id": products["plan"].id,
                                "name": "Bench Mobile",
                                "quantity": 1,
                                "price_unit": 10.0,
                                "date_start": BILL_DATE,
                            },
                        ),
                        (
                            0,
                            0,
                            {
                                "product_id": products["addon"].id,
                                "name": "Bench Data",
                                "quantity": 1,
                                "price_unit": 3.0,
                                "date_start": BILL_DATE,
                            },
                        ),
                    ],
                }
                for pid in partner_ids[start : start + 500]
            ]
        )
        env.cr.commit()
        env.invalidate_all()
    return {"contracts": contracts}


def contract_run(env):
    """OCA contract's own recurring invoicing (its cron), then posting the drafts."""
    Move = env["account.move"]
    before = Move.search_count([("move_type", "=", "out_invoice")])
    start = time.time()
    env["contract.contract"].cron_recurring_create_invoice(BILL_DATE)
    env.flush_all()
    created = time.time() - start
    env.cr.commit()
    moves = Move.search(
        [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "draft"),
            ("invoice_date", "=", BILL_DATE),
        ]
    )
    start = time.time()
    moves._post()
    env.flush_all()
    posted = time.time() - start
    return {
        "invoices": Move.search_count([("move_type", "=", "out_invoice")]) - before,
        "create_seconds": created,
        "post_seconds": posted,
    }


PHASES = {
    "populate": populate,
    "analyze": analyze,
    "prepare": prepare,
    "work": work,
    "finish": finish,
    "check": check,
    "contract_populate": contract_populate,
    "contract_run": contract_run,
}

if __name__ == "__main__":
    sys.exit(main())
