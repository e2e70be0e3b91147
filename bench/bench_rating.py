#!/usr/bin/env python3
"""Benchmark: mediation and rating of N usage records into PostgreSQL.

    ./suite bench rating [--records 1000000] [--subscribers 5000] [--keep]

What it does, all in one run on this machine:

1. starts a throw-away PostgreSQL cluster (scripts/pgcluster.py) and installs the
   suite into a fresh Odoo database (not timed);
2. builds an operator (not timed): a tariff version with thousands of prefixes
   imported through the prefix CSV import, ~30 zones, time bands, holidays, tiers;
   three plans with allowances (one shared by the billing account, one rolling
   over); ``--subscribers`` subscriptions on 40% as many billing accounts;
3. writes N realistic records to a CSV file (not timed): voice, SMS, MMS, data,
   roaming; national, mobile, premium, EU, world destinations; a month of usage
   so allowances run out; 0.3% bad lines, 0.1% duplicates;
4. imports and rates the file the way the watched-folder cron does, in a fresh
   process (timed; its peak memory is that process's maximum resident set);
5. (a) the physical reference: PostgreSQL ``COPY`` of the very rows the import
   stored into an identical table (same columns and indexes), from a file;
6. (b) the baseline: a naive import of a 10,000-record sample, one ORM ``create``
   (and one subscriber search) per record, rated by the same engine;
7. prints the figures and the machine, and writes them to bench/results/.
"""

import argparse
import csv
import datetime as dt
import gc
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import benchlib
from benchlib import REPO, install, log, machine, odoo_args, pgcluster, save_results
from telecom_addons import BUSINESS_MODULES as MODULES

MB = 1024 * 1024
MONTH_START = dt.datetime(2025, 3, 1)
MONTH_SECONDS = 31 * 86400

# country calling codes (a realistic spread of 1- to 3-digit codes)
EU_CODES = [
    "30", "31", "33", "34", "351", "352", "353", "354", "356", "357", "358", "359", "36",
    "370", "371", "372", "385", "386", "39", "40", "420", "421", "43", "45", "46", "48", "49",
]  # fmt: skip
WORLD_CODES = [
    "1", "7", "20", "27", "41", "44", "47", "51", "52", "53", "54", "55", "56", "57", "58",
    "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93",
    "94", "95", "98", "212", "213", "216", "218", "220", "221", "223", "224", "225", "226",
    "227", "228", "229", "230", "231", "232", "233", "234", "235", "236", "237", "238",
    "239", "240", "241", "242", "243", "244", "245", "246", "248", "249", "250", "251",
    "252", "253", "254", "255", "256", "257", "258", "260", "261", "262", "263", "264",
    "265", "266", "267", "268", "269", "290", "291", "297", "298", "299", "350", "355",
    "373", "374", "375", "376", "377", "378", "380", "381", "382", "383", "387", "389",
    "423", "500", "501", "502", "503", "504", "505", "506", "507", "508", "509", "590",
    "591", "592", "593", "594", "595", "596", "597", "598", "599", "670", "672", "673",
    "674", "675", "676", "677", "678", "679", "680", "681", "682", "683", "685", "686",
    "687", "688", "689", "690", "691", "692", "850", "852", "853", "855", "856", "880",
    "886", "960", "961", "962", "963", "964", "965", "966", "967", "968", "970", "971",
    "972", "973", "974", "975", "976", "977", "992", "993", "994", "995", "996", "998",
]  # fmt: skip


def process_cpu(pid):
    """User + system CPU seconds of a process (the PostgreSQL backend) from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


# ---------------------------------------------------------------------------
# data (not timed)
# ---------------------------------------------------------------------------
def prefix_rows(rng):
    """``[(prefix, zone, zone_name, zone_class, kind)]``: a few thousand rows."""
    rows = []
    rows.append(("+32", "BE-FIX", "Belgium fixed", "national", "destination"))
    for area in range(10, 100):
        rows.append((f"+32{area}", "BE-FIX", "Belgium fixed", "national", "destination"))
    for mobile in range(460, 500):
        rows.append((f"+32{mobile}", "BE-MOB", "Belgium mobile", "national", "destination"))
    for premium in range(900, 910):
        rows.append((f"+32{premium}", "BE-PREM", "Belgium premium", "premium", "destination"))
    rows.append(("+32112", "BE-EMERG", "Emergency", "national", "destination"))
    for code in EU_CODES:
        rows.append((f"+{code}", "EU-FIX", "EU fixed", "international_eu", "destination"))
        for sub in range(60, 80):
            rows.append((f"+{code}{sub}", "EU-MOB", "EU mobile", "international_eu",
                         "destination"))  # fmt: skip
        rows.append((f"+{code}", "R-EU", "Roaming EU", "roaming_eu", "roaming"))
    for index, code in enumerate(WORLD_CODES):
        group = index % 8 + 1
        rows.append((f"+{code}", f"W{group}-FIX", f"World {group} fixed",
                     "international_world", "destination"))  # fmt: skip
        for sub in rng.sample(range(10, 100), 12):
            rows.append((f"+{code}{sub}", f"W{group}-MOB", f"World {group} mobile",
                         "international_world", "destination"))  # fmt: skip
        rows.append((f"+{code}", "R-WORLD", "Roaming world", "roaming_world", "roaming"))
    # dedupe (a sub-prefix may repeat a shorter code of another country)
    seen = set()
    unique = []
    for row in rows:
        key = (row[0], row[4])
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def build_operator(env, subscribers, seed):
    """Tariff, plans, customers and subscriptions; returns what the generator needs."""
    from odoo import Command

    rng = random.Random(f"{seed}:operator")
    ref = env.ref
    company = env.company
    types = {
        code: ref(f"telecom_crm.telecom_usage_type_{code}")
        for code in ("voice", "voice_roaming", "sms", "mms", "data", "data_roaming")
    }
    classes = {c.code: c for c in env["telecom.zone.class"].search([])}
    calendar = env["telecom.holiday.calendar"].create(
        {
            "name": "Belgium 2025",
            "holiday_ids": [
                Command.create({"date": dt.date(2025, m, d), "name": name})
                for m, d, name in (
                    (1, 1, "New Year"),
                    (4, 21, "Easter Monday"),
                    (5, 1, "Labour Day"),
                    (12, 25, "Christmas"),
                )
            ],
        }
    )
    tariff = env["telecom.tariff"].create(
        {"code": "BENCH", "name": "Benchmark mobile", "timezone": "Europe/Brussels"}
    )
    version = env["telecom.tariff.version"].create(
        {
            "tariff_id": tariff.id,
            "date_from": dt.date(2025, 1, 1),
            "currency_id": company.currency_id.id,
            "band_policy": "split",
            "default_band": "offpeak",
            "holiday_calendar_id": calendar.id,
            "holiday_band": "weekend",
            "band_ids": [
                Command.create({"band": "peak", "hour_from": 8, "hour_to": 19}),
                Command.create(
                    {
                        "band": "weekend",
                        "mon": False,
                        "tue": False,
                        "wed": False,
                        "thu": False,
                        "fri": False,
                        "sat": True,
                        "sun": True,
                        "hour_from": 0,
                        "hour_to": 24,
                    }
                ),
            ],
        }
    )
    rows = prefix_rows(rng)
    text = "prefix,zone,zone_name,zone_class,kind\n" + "\n".join(",".join(r) for r in rows)
    summary = env["telecom.prefix.import.wizard"]._import_prefixes(version, text)
    zones = {z.code: z for z in version.zone_ids}
    home = env["telecom.tariff.zone"].create(
        {"version_id": version.id, "code": "HOME", "name": "Home data",
         "zone_class_id": classes["national"].id}
    )  # fmt: skip
    version.default_zone_id = home
    zones["HOME"] = home
    prices = []

    def price(utype, zone, band, amount, per, inc, fee=0, minimum=0, tiers=(), incoming=False):
        prices.append(
            {
                "version_id": version.id,
                "usage_type_id": types[utype].id,
                "zone_id": zones[zone].id if zone else False,
                "band": band,
                "price": amount,
                "price_per": per,
                "increment": inc,
                "connection_fee": fee,
                "minimum_charge": minimum,
                "charge_incoming": incoming,
                "tier_ids": [Command.create({"from_quantity": q, "price": p}) for q, p in tiers],
            }
        )

    price("voice", "BE-FIX", "peak", 0.10, "minute", "60_60", fee=0.05)
    price("voice", "BE-FIX", "offpeak", 0.05, "minute", "60_60", fee=0.05)
    price("voice", "BE-FIX", "weekend", 0.04, "minute", "60_60")
    price("voice", "BE-MOB", False, 0.12, "minute", "30_1", minimum=0.10)
    price("voice", "BE-PREM", False, 1.50, "minute", "1_1", fee=0.25)
    price("voice", "BE-EMERG", False, 0, "minute", "1_1")
    price("voice", "EU-FIX", False, 0.19, "minute", "60_60", fee=0.10,
          tiers=[(10, 0.12)])  # fmt: skip
    price("voice", "EU-MOB", False, 0.21, "minute", "60_60", fee=0.10, tiers=[(10, 0.15)])
    for group in range(1, 9):
        price("voice", f"W{group}-FIX", False, 0.40 + 0.15 * group, "minute", "1_1",
              minimum=0.50)  # fmt: skip
        price("voice", f"W{group}-MOB", False, 0.60 + 0.20 * group, "minute", "1_1",
              minimum=0.50)  # fmt: skip
    price("voice_roaming", "R-EU", False, 0.10, "minute", "60_60")
    price("voice_roaming", "R-WORLD", False, 2.00, "minute", "60_60", incoming=True)
    price("sms", False, False, 0.10, "message", "1_1")
    price("sms", "EU-MOB", False, 0.15, "message", "1_1")
    price("mms", False, False, 0.30, "message", "1_1")
    price("data", False, False, 0.02, "mb", "kb", tiers=[(1024, 0.01)])
    price("data_roaming", "R-EU", False, 0.02, "mb", "kb")
    price("data_roaming", "R-WORLD", False, 5.00, "mb", "10kb")
    env["telecom.tariff.price"].create(prices)

    national = classes["national"].id
    roam_eu = classes["roaming_eu"].id

    def plan(name, code, allowances, fee):
        tmpl = env["product.template"].create(
            {
                "name": name,
                "default_code": code,
                "telecom_kind": "plan",
                "telecom_technology": "mobile",
                "telecom_tariff_ref": "BENCH",
                "list_price": 0.0,
                "telecom_allowance_ids": [Command.create(a) for a in allowances],
            }
        )
        env["telecom.price.version"].create(
            {"product_tmpl_id": tmpl.id, "date_from": dt.date(2024, 1, 1), "price": fee}
        )
        return tmpl.product_variant_id

    plans = [
        plan("Bench S", "B-S", [
            {"usage_type_id": types["voice"].id, "quantity": 60, "uom": "minute",
             "zone_class_ids": [Command.set([national, roam_eu])]},
            {"usage_type_id": types["sms"].id, "quantity": 50, "uom": "message"},
            {"usage_type_id": types["data"].id, "quantity": 1, "uom": "gb",
             "zone_class_ids": [Command.set([national, roam_eu])]},
        ], 10.0),
        plan("Bench M rollover", "B-M", [
            {"usage_type_id": types["voice"].id, "quantity": 300, "uom": "minute",
             "rollover": True, "rollover_max_periods": 2,
             "zone_class_ids": [Command.set([national, roam_eu])]},
            {"usage_type_id": types["sms"].id, "quantity": 500, "uom": "message"},
            {"usage_type_id": types["data"].id, "quantity": 5, "uom": "gb",
             "zone_class_ids": [Command.set([national, roam_eu])]},
        ], 20.0),
        plan("Bench Business shared", "B-B", [
            {"usage_type_id": types["voice"].id, "quantity": 600, "uom": "minute",
             "zone_class_ids": [Command.set([national, roam_eu])]},
            {"usage_type_id": types["data"].id, "quantity": 10, "uom": "gb",
             "share_scope": "billing_account",
             "zone_class_ids": [Command.set([national, roam_eu])]},
        ], 30.0),
    ]  # fmt: skip

    # customers, accounts (40% of the subscriptions), subscriptions
    n_accounts = max(1, int(subscribers * 0.4))
    partners = env["res.partner"].create(
        [
            {"name": f"Bench customer {i:06d}", "is_company": i % 5 == 0,
             "email": f"customer{i}@bench.example.com",
             "tz": "Europe/Brussels", "customer_rank": 1}
            for i in range(n_accounts)
        ]
    )  # fmt: skip
    accounts = env["telecom.billing.account"].create(
        [{"partner_id": p.id, "billing_day": 1} for p in partners]
    )
    numbers = []
    sub_vals = []
    for i in range(subscribers):
        account = accounts[i % n_accounts]
        business = account.partner_id.is_company
        plan_product = plans[2] if business else plans[i % 2]
        number = f"+3247{i:07d}"
        numbers.append(number)
        sub_vals.append(
            {
                "partner_id": account.partner_id.id,
                "billing_account_id": account.id,
                "phone_number": number,
                "line_ids": [Command.create({"product_id": plan_product.id,
                                             "date_start": dt.date(2025, 1, 1)})],
            }
        )  # fmt: skip
    subs = env["telecom.subscription"]
    for start in range(0, len(sub_vals), 1000):
        subs |= subs.create(sub_vals[start : start + 1000])
    env.flush_all()
    # activation through service orders is CRM's business (tested there); here the
    # subscriptions are put in service directly, in one statement (setup only)
    env.cr.execute(
        "UPDATE telecom_subscription SET state = 'active', activation_date = %s WHERE id = ANY(%s)",
        (dt.date(2025, 1, 1), subs.ids),
    )
    env.invalidate_all()
    source = env["telecom.mediation.source"].create({"name": "Bench switch", "code": "BENCH"})
    return {
        "numbers": numbers,
        "prefixes": [r[0] for r in rows if r[4] == "destination"],
        "prefix_summary": summary["text"],
        "prefix_count": version.prefix_count,
        "zone_count": version.zone_count,
        "source_id": source.id,
        "accounts": n_accounts,
    }


# ---------------------------------------------------------------------------
# records (not timed)
# ---------------------------------------------------------------------------
def write_records(path, n, numbers, prefixes, seed):
    """N records as CSV: returns the number of lines written."""
    # the header the import reads: the canonical columns of mediation
    from odoo.addons.telecom_billing.rating.mediation import CANONICAL_COLUMNS

    rng = random.Random(f"{seed}:records")
    rand = rng.random
    randint = rng.randint
    choice = rng.choice
    be_mobile = [p for p in prefixes if p.startswith("+324")]
    be_fixed = [p for p in prefixes if p.startswith("+32") and p not in be_mobile]
    foreign = [p for p in prefixes if not p.startswith("+32")]
    eu_loc = ["+33", "+49", "+31", "+34", "+39"]
    world_loc = ["+1", "+44", "+41", "+90", "+86"]
    base = int((MONTH_START - dt.datetime(1970, 1, 1)).total_seconds())
    day_cache = {}
    written = 0
    with open(path, "w", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(CANONICAL_COLUMNS)
        last_id = None
        for i in range(n):
            r = rand()
            sub = choice(numbers)
            moment = base + randint(0, MONTH_SECONDS - 1)
            day = moment // 86400
            text = day_cache.get(day)
            if text is None:
                text = day_cache[day] = dt.datetime.fromtimestamp(
                    day * 86400, dt.timezone.utc
                ).strftime("%Y-%m-%dT")
            sec = moment % 86400
            stamp = f"{text}{sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}Z"
            direction = "out"
            location = ""
            if r < 0.55:
                utype = "voice"
                q = int(rng.expovariate(1 / 150)) + (0 if rand() < 0.05 else 1)
                d = rand()
                prefix = choice(be_mobile if d < 0.5 else be_fixed if d < 0.85 else foreign)
                called = prefix + str(randint(10**6, 10**7 - 1))
                if rand() < 0.12:
                    direction = "in"
            elif r < 0.75:
                utype = "sms"
                q = 1
                called = choice(be_mobile) + str(randint(10**6, 10**7 - 1))
            elif r < 0.76:
                utype = "mms"
                q = 1
                called = choice(be_mobile) + str(randint(10**6, 10**7 - 1))
            elif r < 0.96:
                utype = "data"
                q = int(rng.expovariate(1 / (3 * MB))) + 1
                called = ""
            elif r < 0.99:
                utype = "voice_roaming"
                q = int(rng.expovariate(1 / 120)) + 1
                location = choice(eu_loc if rand() < 0.7 else world_loc)
                called = choice(be_mobile) + str(randint(10**6, 10**7 - 1))
            else:
                utype = "data_roaming"
                q = int(rng.expovariate(1 / MB)) + 1
                location = choice(eu_loc if rand() < 0.7 else world_loc)
                called = ""
            record_id = f"B{i:09d}"
            bad = rand()
            if bad < 0.003:
                # 0.3% bad lines, a mix of reasons
                kind = i % 4
                if kind == 0:
                    q = -q
                elif kind == 1:
                    sub = "+32999" + str(randint(100000, 999999))
                elif kind == 2:
                    called = "+32-ABC" if called else called
                    if not called:
                        utype = "fax"
                else:
                    stamp = ""
            elif bad < 0.004 and last_id:
                record_id = last_id  # 0.1% duplicates
            last_id = record_id
            out.writerow((record_id, sub, utype, stamp, q, direction, called, location))
            written += 1
    return written


# ---------------------------------------------------------------------------
# the timed import (a fresh process: its peak memory is the import's)
# ---------------------------------------------------------------------------
def child_import(opts):
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_args(json.loads(opts.params), opts.db, opts.data_dir))
    registry = Registry(opts.db)
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    from odoo.addons.telecom_billing.engine.chunk_pipeline import PHASES

    if opts.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("telecom_billing.chunk_size", str(opts.chunk_size))
        env["ir.config_parameter"].set_param(
            "telecom_billing.copy_thread", "0" if opts.no_thread else "1"
        )
        if opts.switch_interval:
            sys.setswitchinterval(opts.switch_interval)
        batch = env["telecom.mediation.batch"].create(
            {
                "source_id": opts.source_id,
                "origin": "folder",
                "file_name": os.path.basename(opts.file),
                "file_path": opts.file,
            }
        )
        cr.commit()
        gc_time = [0.0, 0, None]

        def gc_timer(phase, info):
            if phase == "start":
                gc_time[2] = time.perf_counter()
            elif gc_time[2] is not None:
                gc_time[0] += time.perf_counter() - gc_time[2]
                gc_time[1] += info.get("generation") == 2

        gc.callbacks.append(gc_timer)
        cr.execute("SELECT pg_backend_pid()")
        backend = cr.fetchone()[0]
        pg_cpu_before = process_cpu(backend)
        self_before = resource.getrusage(resource.RUSAGE_SELF)
        load_before = os.getloadavg()
        profiler = None
        if opts.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        started = time.perf_counter()
        batch._process()
        elapsed = time.perf_counter() - started
        self_after = resource.getrusage(resource.RUSAGE_SELF)
        pg_cpu = process_cpu(backend) - pg_cpu_before
        load_after = os.getloadavg()
        if profiler:
            profiler.disable()
            profiler.dump_stats(opts.profile)
        result = {
            "batch_id": batch.id,
            "elapsed": elapsed,
            "read": batch.lines_read,
            "rated": batch.rated_count,
            "rejected": batch.rejected_count,
            "duplicate": batch.duplicate_count,
            "unbillable": batch.unbillable_count,
            "reconciled": batch.reconciled,
            "state": batch.state,
            "error": batch.error or None,
            "amount": str(batch.amount_total),
            "phases": dict(PHASES),
            "cpu_python": (self_after.ru_utime + self_after.ru_stime)
            - (self_before.ru_utime + self_before.ru_stime),
            "cpu_postgres": pg_cpu,
            "gc_seconds": gc_time[0],
            "gc_full_collections": gc_time[1],
            "load_before": load_before[0],
            "load_after": load_after[0],
            "rss_loaded_kb": rss_loaded,
            "rss_peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
        if opts.tracemalloc:
            import tracemalloc

            result["tracemalloc_peak_kb"] = tracemalloc.get_traced_memory()[1] // 1024
    print("RESULT " + json.dumps(result), flush=True)


# ---------------------------------------------------------------------------
# (a) raw COPY reference and (b) naive ORM baseline
# ---------------------------------------------------------------------------
def raw_copy_reference(env, batch_id, tmp):
    from odoo.addons.telecom_billing.rating.copyfmt import COPY_COLUMNS

    cr = env.cr
    columns = ", ".join(COPY_COLUMNS)
    path = os.path.join(tmp, "rows.copy")
    with open(path, "w") as fh:
        cr.copy_expert(
            f"COPY (SELECT {columns} FROM telecom_usage_record WHERE batch_id = {int(batch_id)}"
            " ORDER BY id) TO STDOUT",
            fh,
        )
    size = os.path.getsize(path)
    cr.execute("DROP TABLE IF EXISTS bench_copy_reference")
    # same columns, defaults, indexes (the unique key too) and no foreign key: the
    # very table the import writes to
    cr.execute("CREATE TABLE bench_copy_reference (LIKE telecom_usage_record INCLUDING ALL)")
    cr.commit()
    with open(path) as fh:
        started = time.perf_counter()
        cr.copy_expert(f"COPY bench_copy_reference ({columns}) FROM STDIN", fh, size=1 << 16)
        cr.commit()
        elapsed = time.perf_counter() - started
    cr.execute("SELECT count(*) FROM bench_copy_reference")
    rows = cr.fetchone()[0]
    cr.execute("DROP TABLE bench_copy_reference")
    cr.commit()
    os.unlink(path)
    return {"elapsed": elapsed, "rows": rows, "bytes": size}


def naive_baseline(env, path, sample, source_id):
    """One ORM create (and one subscriber search) per record, same engine."""
    from odoo.addons.telecom_billing.engine.rating_session import RatingSession, from_epoch
    from odoo.addons.telecom_billing.rating import mediation

    source = (
        env["telecom.mediation.source"]
        .browse(source_id)
        .copy({"code": "NAIVE", "name": "Naive baseline"})
    )
    env.cr.commit()
    options = source._rating_options()
    session = RatingSession(env, env.company)
    validator = mediation.Validator(options, session.usage_types, now=time.time())
    reader = mediation.Reader(path, options)
    Sub = env["telecom.subscription"]
    Usage = env["telecom.usage.record"]
    types = session.usage_type_ids
    done = 0
    started = time.perf_counter()
    for line_no, raw, values, reason in reader:
        rec = validator.record(line_no, raw, values, reader.index, reason)
        vals = {"source_id": source.id, "source_record_id": rec.record_id, "line_no": line_no,
                "subscriber": rec.subscriber_key}  # fmt: skip
        # the state domain matches the predicate of the unique partial index, so this
        # is an index look-up (a "not in" domain would scan the table)
        if rec.state == "accepted" and Usage.search_count(
            [("source_id", "=", source.id), ("source_record_id", "=", rec.record_id),
             ("state", "in", ("accepted", "rated", "unbillable", "billed"))], limit=1
        ):  # fmt: skip
            rec.state, rec.reason = "duplicate", "duplicate"
        if rec.state == "accepted":
            sub = Sub.search([("phone_number", "=", rec.subscriber_key)], limit=1)
            if sub:
                rec.sub = session.subscriber(sub)
                session.engine.locate(rec)
                session.engine.rate(rec)
            else:
                rec.reject("unknown_subscriber")
            vals.update(
                {
                    "subscription_id": sub.id or False,
                    "billing_account_id": sub.billing_account_id.id or False,
                    "usage_type_id": types.get(rec.usage_type, False),
                    "direction": rec.direction,
                    "start_time": from_epoch(rec.start),
                    "quantity": rec.quantity,
                    "called_number": rec.called_number,
                    "zone_id": rec.zone.id if rec.zone else False,
                    "time_band": rec.band,
                    "rated_quantity": rec.rated_quantity,
                    "allowance_quantity": rec.allowance_quantity,
                    "amount": float(rec.amount),
                    "tariff_version_id": rec.version.id if rec.version else False,
                    "currency_id": rec.version.currency if rec.version else False,
                    "period_start": rec.period_start,
                }
            )
        keep_raw = rec.state in ("rejected", "duplicate")
        vals.update(
            {
                "state": rec.state if rec.state != "accepted" else "rated",
                "reason_code": rec.reason or False,
                "raw": rec.raw if keep_raw else False,
            }
        )
        Usage.create(vals)  # the point of the baseline: one ORM create per record
        done += 1
        if done >= sample:
            break
    env.flush_all()
    env.cr.commit()
    elapsed = time.perf_counter() - started
    reader.close()
    return {"elapsed": elapsed, "records": done}


# ---------------------------------------------------------------------------
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--subscribers", type=int, default=5_000)
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--naive-sample", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--modules", default=",".join(MODULES))
    parser.add_argument(
        "--tracemalloc",
        action="store_true",
        help="also trace Python allocations (slows the import down)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the cluster folder")
    parser.add_argument("--profile", help="write a cProfile of the import to this file")
    parser.add_argument(
        "--no-thread",
        action="store_true",
        help="COPY in the importing thread (no overlap with reading)",
    )
    parser.add_argument(
        "--switch-interval",
        type=float,
        default=0,
        help="sys.setswitchinterval of the importing process",
    )
    parser.add_argument(
        "--import-only",
        metavar="DIR",
        help="re-run only the timed import on a cluster kept by --keep",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    benchlib.add_postgres_option(parser)
    # internal: the timed child process
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--params", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--source-id", type=int, help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.child:
        return child_import(opts)

    import odoo
    from odoo.modules.registry import Registry

    if opts.import_only:
        return import_again(opts)
    tmp = tempfile.mkdtemp(prefix="bench-rating-")
    os.chmod(tmp, 0o755)
    settings, settings_text = benchlib.postgres_settings(opts)
    cluster = pgcluster.Cluster(os.path.join(tmp, "postgres"), pgcluster.free_port(), settings)
    results = {
        "records_requested": opts.records,
        "subscribers": opts.subscribers,
        "postgresql": settings_text,
    }
    try:
        log(f"starting a throw-away PostgreSQL in {tmp}")
        cluster.init()
        cluster.start()
        params = cluster.db_params()
        db = "bench_rating"
        data_dir = os.path.join(tmp, "data")
        install(params, db, data_dir, opts.modules.split(","), os.path.join(tmp, "install.log"))
        odoo.tools.config.parse_config(odoo_args(params, db, data_dir))
        registry = Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            results["machine"] = machine(cr)
            log(f"building the operator: {opts.subscribers} subscriptions (not timed)")
            started = time.perf_counter()
            world = build_operator(env, opts.subscribers, opts.seed)
            cr.commit()
            log(
                f"  done in {time.perf_counter() - started:.0f}s: {world['prefix_count']} "
                f"prefixes in {world['zone_count']} zones, {world['accounts']} accounts"
            )
        path = os.path.join(tmp, "usage.csv")
        log(f"writing {opts.records} records to {path} (not timed)")
        started = time.perf_counter()
        written = write_records(path, opts.records, world["numbers"], world["prefixes"],
                                opts.seed)  # fmt: skip
        log(f"  {written} lines, {os.path.getsize(path) / MB:.0f} MB, "
            f"in {time.perf_counter() - started:.0f}s")  # fmt: skip

        with open(os.path.join(tmp, "bench.json"), "w") as fh:
            json.dump({"port": cluster.port, "params": params, "db": db, "data_dir": data_dir,
                       "file": path, "source_id": world["source_id"],
                       "subscribers": opts.subscribers}, fh)  # fmt: skip
        imported = run_child(opts, params, db, data_dir, path, world["source_id"])
        results["import"] = imported
        log(f"  {imported['read']} records in {imported['elapsed']:.1f}s")

        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {"tracking_disable": True})
            log("(a) raw COPY of the same rows into an identical table")
            results["raw_copy"] = raw_copy_reference(env, imported["batch_id"], tmp)
            if not opts.skip_baseline:
                log(f"(b) naive baseline: one ORM create per record, {opts.naive_sample} records")
                results["naive"] = naive_baseline(env, path, opts.naive_sample,
                                                  world["source_id"])  # fmt: skip
        report(results)
    finally:
        if opts.keep:
            log(f"kept {tmp} (cluster stopped)")
        cluster.stop()
        if not opts.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def run_child(opts, params, db, data_dir, path, source_id):
    log("importing and rating (timed, in a fresh process)")
    child = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child", "--params", json.dumps(params),
         "--db", db, "--data-dir", data_dir, "--file", path, "--source-id", str(source_id),
         "--chunk-size", str(opts.chunk_size)]
        + (["--tracemalloc"] if opts.tracemalloc else [])
        + (["--profile", os.path.abspath(opts.profile)] if opts.profile else [])
        + (["--no-thread"] if opts.no_thread else [])
        + (["--switch-interval", str(opts.switch_interval)] if opts.switch_interval else []),
        capture_output=True, text=True, cwd=REPO, check=False,
    )  # fmt: skip
    line = next((x for x in child.stdout.splitlines() if x.startswith("RESULT ")), None)
    if child.returncode or not line:
        sys.stderr.write(child.stdout[-5000:] + child.stderr[-5000:])
        raise SystemExit("the import failed")
    return json.loads(line[7:])


def import_again(opts):
    """Time the import again on a cluster kept by --keep (a new source: no duplicates)."""
    import odoo
    from odoo.modules.registry import Registry

    with open(os.path.join(opts.import_only, "bench.json")) as fh:
        state = json.load(fh)
    cluster = pgcluster.Cluster(
        os.path.join(opts.import_only, "postgres"),
        state["port"],
        benchlib.postgres_settings(opts)[0],
    )
    cluster.start()
    try:
        params = state["params"]
        odoo.tools.config.parse_config(odoo_args(params, state["db"], state["data_dir"]))
        registry = Registry(state["db"])
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            source = env["telecom.mediation.source"].browse(state["source_id"])
            count = env["telecom.mediation.source"].search_count([])
            copy = source.copy({"code": f"BENCH{count}", "name": f"Bench {count}"})
            # start every run from the same balances
            cr.execute("DELETE FROM telecom_allowance_balance")
            results = {
                "machine": machine(cr),
                "subscribers": state["subscribers"],
                "postgresql": benchlib.postgres_settings(opts)[1],
            }
            cr.commit()
        imported = run_child(opts, params, state["db"], state["data_dir"], state["file"], copy.id)
        results["import"] = imported
        n, elapsed = imported["read"], imported["elapsed"]
        print(f"end to end {elapsed:.1f} s = {n / elapsed:,.0f} records/s; CPU python "
              f"{imported['cpu_python']:.1f}s postgres {imported['cpu_postgres']:.1f}s; load "
              f"{imported['load_before']:.1f}->{imported['load_after']:.1f}; gc "
              f"{imported['gc_seconds']:.1f}s ({imported['gc_full_collections']} full); phases "
              + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(imported["phases"].items()))
              + f"; peak RSS {imported['rss_peak_kb'] / 1024:.0f} MB", flush=True)  # fmt: skip
    finally:
        cluster.stop()
    return 0


def report(results):
    imp = results["import"]
    n = imp["read"]
    elapsed = imp["elapsed"]
    phases = imp["phases"]
    # the wall time not spent reading and validating the file (the COPY of one
    # chunk overlaps the reading of the next, so phases do not add up to the total)
    store_time = elapsed - phases.get("read_validate", 0.0)
    copy = results["raw_copy"]
    m = results["machine"]
    lines = [
        "",
        "== Rating benchmark ==",
        (
            f"machine      {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, Python {m['python']}, "
            f"PostgreSQL {m['postgresql']}, {m['os']}"
        ),
        f"postgresql   {results['postgresql']}",
        f"data         {n} records, {results['subscribers']} subscriptions",
        (
            f"outcome      rated {imp['rated']}, rejected {imp['rejected']}, duplicate "
            f"{imp['duplicate']}, unbillable {imp['unbillable']}: reconciled "
            f"{imp['reconciled']}; amount {imp['amount']}"
        ),
        (
            f"end to end   {elapsed:.1f} s = {n / elapsed:,.0f} records/s "
            "(read, validate, resolve, de-duplicate, rate, store, balances, commits)"
        ),
        "phases       "
        + ", ".join(f"{k} {v:.1f}s" for k, v in sorted(phases.items()))
        + " (copy_store runs in a helper thread, beside the next chunk's rate_format and"
        " read_validate)",
        f"rate+store   {store_time:.1f} s (wall time minus reading and validating the file)",
        (
            f"raw COPY     {copy['elapsed']:.1f} s for the same {copy['rows']} rows "
            f"({copy['bytes'] / MB:.0f} MB) into an identical table"
        ),
        (
            f"ratios       end to end / COPY = {elapsed / copy['elapsed']:.2f}x, "
            f"rate+store / COPY = {store_time / copy['elapsed']:.2f}x"
        ),
        (
            f"CPU          importing process {imp['cpu_python']:.1f} s (all threads), its "
            f"PostgreSQL backend {imp['cpu_postgres']:.1f} s; load average "
            f"{imp['load_before']:.1f} before, {imp['load_after']:.1f} after (2 cores shared "
            "with other work: wall times vary with it)"
        ),
        (
            f"memory       peak RSS of the importing process {imp['rss_peak_kb'] / 1024:.0f} MB "
            f"(of which {imp['rss_loaded_kb'] / 1024:.0f} MB after loading Odoo)"
        ),
    ]
    if "tracemalloc_peak_kb" in imp:
        lines.append(f"tracemalloc  peak {imp['tracemalloc_peak_kb'] / 1024:.0f} MB of Python "
                     "allocations during the import")  # fmt: skip
    if "naive" in results:
        naive = results["naive"]
        rate = naive["records"] / naive["elapsed"]
        lines.append(
            f"naive ORM    {naive['records']} records in {naive['elapsed']:.1f} s = {rate:,.0f} "
            f"records/s ({n / elapsed / rate:.0f}x slower than the bulk import; "
            f"{opts_hours(n, rate)} for these {n} records)"
        )
    text = "\n".join(lines)
    print(text, flush=True)
    save_results(f"rating-{n}", results)


def opts_hours(n, rate):
    seconds = n / rate
    return f"{seconds / 3600:.1f} h" if seconds > 3600 else f"{seconds / 60:.0f} min"


if __name__ == "__main__":
    sys.exit(main())
