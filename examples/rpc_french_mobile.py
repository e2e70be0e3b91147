#!/usr/bin/env python3
# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A French mobile operator set up, rated and read back over XML-RPC only.

The worked example of ``docs/rpc.md``: every step is a ``telecom.api`` call, no
generic ORM call and no internal field name.

1. a mediation source (the switch) and a tariff version as one document: zones
   by prefix, peak and weekend bands, a holiday, per-minute prices with
   increments, a premium connection fee, an international minimum charge, SMS
   and data prices; the document round-trips (export == what was imported);
2. a plan with 100 included national minutes per line and a 1,024 MB data pool
   the account's lines share (stated, so two lines still share 1,024 MB);
3. a customer in Europe/Paris with two lines from 1 May 2025;
4. a month of usage imported, then read back: records with their zone, band,
   rated quantity, allowance and amount, and the balances of the period;
5. a price fixed in the tariff and the month re-rated, with the summary at the
   records' precision (four decimals).

Run it against a suite (``./suite run``) with a user of the Telecom / Manager
group; EUR must be an active currency::

    python3 examples/rpc_french_mobile.py --url http://localhost:8069 --db telecom \\
        --login admin --password admin

(or ``TELECOM_URL``, ``TELECOM_DB``, ``TELECOM_LOGIN``, ``TELECOM_PASSWORD``). It is
safe to run twice: every writing call carries a ``request_id`` (or a
``batch_ref``), so a second run gets the first answers back. The tests run
:func:`main` against a test server (``test_rpc_example.py``).
"""

import argparse
import copy
import os
import xmlrpc.client

MB = 1024 * 1024

SOURCE = {
    "code": "FR-SWITCH",
    "name": "Paris MSC",
    "timezone": "Europe/Paris",
    "country_code": "33",
}


def price(usage_type, zone, band, amount, per, increment, connection_fee=0.0, minimum_charge=0.0):
    """A price line of the tariff document, every key given (the canonical form)."""
    return {
        "usage_type": usage_type,
        "zone": zone,
        "band": band,
        "price": amount,
        "per": per,
        "increment": increment,
        "connection_fee": connection_fee,
        "minimum_charge": minimum_charge,
        "charge_incoming": False,
        "tiers": [],
    }


TARIFF = {
    "tariff": "FR-MOBILE",
    "name": "France mobile",
    "timezone": "Europe/Paris",
    "date_from": "2025-01-01",
    "date_to": False,
    "currency": "EUR",
    "rounding": {"precision": 4, "method": "half_up"},
    "band_policy": "start",
    "default_band": "offpeak",
    "bands": [
        {
            "band": "peak",
            "days": ["mon", "tue", "wed", "thu", "fri"],
            "from": "08:00",
            "to": "20:00",
        },
        {"band": "weekend", "days": ["sat", "sun"], "from": "00:00", "to": "24:00"},
    ],
    "holidays": {
        "calendar": "France",
        "band": "weekend",
        "dates": [
            {"date": "2025-05-01", "name": "Fête du Travail"},
            {"date": "2025-05-08", "name": "Victoire 1945"},
            {"date": "2025-05-29", "name": "Ascension"},
        ],
    },
    "zones": [
        {
            "code": "FR-FIX",
            "name": "France fixed",
            "class": "national",
            "kind": "destination",
            "billable": True,
            "prefixes": ["+331", "+332", "+333", "+334", "+335", "+339"],
        },
        {
            "code": "FR-MOB",
            "name": "France mobile",
            "class": "national",
            "kind": "destination",
            "billable": True,
            "prefixes": ["+336", "+337"],
        },
        {
            "code": "FR-PREM",
            "name": "France premium",
            "class": "premium",
            "kind": "destination",
            "billable": True,
            "prefixes": ["+3389"],
        },
        {
            "code": "FR-URG",
            "name": "Emergency",
            "class": "national",
            "kind": "destination",
            "billable": False,
            "prefixes": ["+33112", "+3315", "+3317", "+3318"],
        },
        {
            "code": "EU",
            "name": "European Union",
            "class": "international_eu",
            "kind": "destination",
            "billable": True,
            "prefixes": ["+32", "+34", "+39", "+49"],
        },
        {
            "code": "WORLD",
            "name": "Rest of the world",
            "class": "international_world",
            "kind": "destination",
            "billable": True,
            "prefixes": ["+1", "+44"],
        },
        {
            "code": "FR-DATA",
            "name": "France data",
            "class": "national",
            "kind": "destination",
            "billable": True,
            "prefixes": [],
        },
    ],
    "default_zone": "FR-DATA",
    "prices": [
        price("voice", "FR-FIX", "peak", 0.12, "minute", [60, 60]),
        price("voice", "FR-FIX", "offpeak", 0.06, "minute", [60, 60]),
        price("voice", "FR-FIX", "weekend", 0.04, "minute", [60, 60]),
        price("voice", "FR-MOB", False, 0.15, "minute", [30, 1]),
        # premium numbers: per second, plus a connection fee
        price("voice", "FR-PREM", False, 0.80, "minute", [1, 1], connection_fee=0.50),
        price("voice", "FR-URG", False, 0.0, "minute", [1, 1]),
        price("voice", "EU", False, 0.29, "minute", [60, 60]),
        # international: a minimum charge per call
        price("voice", "WORLD", False, 1.20, "minute", [60, 1], minimum_charge=1.50),
        price("sms", False, False, 0.10, "message", [1, 1]),
        price("sms", "EU", False, 0.15, "message", [1, 1]),
        # data: per MB, charged in 100 KB blocks
        price("data", False, False, 0.01, "mb", [102400, 102400]),
    ],
}

PLAN = {
    "plan": "FR-MOB-100",
    "name": "Forfait 100",
    "kind": "plan",
    "technology": "mobile",
    "period": "monthly",
    "price": 19.99,
    "tariff": "FR-MOBILE",
    "prorate_allowances": False,
    "allowances": [
        {
            "usage_type": "voice",
            "zone_classes": ["national"],
            "quantity": 100.0,
            "unit": "minute",
            "rollover": False,
            "rollover_periods": 1,
            "shared": False,
            "pool_quantity": False,
        },
        # 1,024 MB per line, and a pool of 1,024 MB for the account however many
        # lines share it (without pool_quantity two lines would make 2,048 MB)
        {
            "usage_type": "data",
            "zone_classes": [],
            "quantity": 1024.0,
            "unit": "mb",
            "rollover": False,
            "rollover_periods": 1,
            "shared": True,
            "pool_quantity": 1024.0,
        },
    ],
}

LINE1, LINE2 = "+33612345601", "+33612345602"


def usage(record_id, subscriber, usage_type, start, quantity, called=None, direction="out"):
    record = {
        "record_id": record_id,
        "subscriber": subscriber,
        "usage_type": usage_type,
        "start_time": start,
        "quantity": quantity,
        "direction": direction,
    }
    if called:
        record["called_number"] = called
    return record


# May 2025 in Paris (UTC+2): weekdays 08:00-20:00 are peak, weekends and holidays
# (1, 8 and 29 May) the weekend band, other hours off-peak
USAGE = [
    usage("L1-01", LINE1, "voice", "2025-05-02T09:15:00+02:00", 185, "+33145678901"),
    usage("L1-02", LINE1, "voice", "2025-05-03T11:00:00+02:00", 1195, "+33612000001"),
    usage("L1-03", LINE1, "voice", "2025-05-06T14:00:00+02:00", 4000, "+33145678902"),
    usage("L1-04", LINE1, "voice", "2025-05-07T21:30:00+02:00", 900, "+33145678903"),
    usage("L1-05", LINE1, "voice", "2025-05-08T10:00:00+02:00", 600, "+33145678904"),
    usage("L1-06", LINE1, "voice", "2025-05-09T18:30:00+02:00", 125, "+33892123456"),
    usage("L1-07", LINE1, "voice", "2025-05-12T12:00:00+02:00", 20, "+12125550100"),
    usage("L1-08", LINE1, "voice", "2025-05-13T16:45:00+02:00", 250, "+4930123456"),
    usage("L1-09", LINE1, "sms", "2025-05-14T08:05:00+02:00", 1, "+33612000002"),
    usage("L1-10", LINE1, "sms", "2025-05-14T08:06:00+02:00", 1, "+4915112345678"),
    usage("L1-11", LINE1, "data", "2025-05-10T10:00:00+02:00", 400 * MB),
    usage("L1-12", LINE1, "data", "2025-05-20T10:00:00+02:00", 300 * MB),
    usage("L1-13", LINE1, "voice", "2025-05-15T03:10:00+02:00", 30, "+33112"),
    usage("L2-01", LINE2, "voice", "2025-05-05T08:30:00+02:00", 59, "+33145000001"),
    usage("L2-02", LINE2, "data", "2025-05-16T10:00:00+02:00", 200 * MB),
    usage("L2-03", LINE2, "data", "2025-05-25T10:00:00+02:00", 250 * MB),
    usage("L2-04", LINE2, "sms", "2025-05-31T23:30:00+02:00", 1, "+33612000003"),
    usage(
        "L2-05", LINE2, "voice", "2025-05-21T19:00:00+02:00", 300, "+33145000009", direction="in"
    ),
    usage("X-01", "+33699999999", "voice", "2025-05-22T10:00:00+02:00", 60, "+33145000010"),
]


def connect(url, db, login, password):
    """A function calling ``telecom.api`` methods as the user."""
    uid = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common").authenticate(db, login, password, {})
    if not uid:
        raise SystemExit(f"{login} cannot log in to {db} at {url}")
    models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=False)

    def call(method, *args, **kwargs):
        return models.execute_kw(db, uid, password, "telecom.api", method, list(args), kwargs)

    return call


def main(url=None, db=None, login=None, password=None, out=print):
    """Set up, import and read back; print the figures and return them."""
    call = connect(
        url or os.environ.get("TELECOM_URL", "http://localhost:8069"),
        db or os.environ.get("TELECOM_DB", "telecom"),
        login or os.environ.get("TELECOM_LOGIN", "admin"),
        password or os.environ.get("TELECOM_PASSWORD", "admin"),
    )
    figures = {}

    # 1. the switch and the tariff, checked, imported and exported again
    call("import_mediation_source", SOURCE, request_id="fr-example-source")
    check = call("validate_tariff", TARIFF)
    out(f"tariff document valid: {check['valid']} ({check['action']})")
    imported = call("import_tariff", TARIFF, request_id="fr-example-tariff-v1")
    out(
        f"tariff {imported['tariff']} from {imported['date_from']}: {imported['zones']} zones, "
        f"{imported['prefixes']} prefixes, {imported['prices']} prices"
    )
    figures["round_trip"] = call("export_tariff", "FR-MOBILE", "2025-05-01") == TARIFF

    # 2. the plan and its allowances (the pool size is stated)
    call("import_plan", PLAN, request_id="fr-example-plan")
    figures["plan_round_trip"] = call("export_plan", "FR-MOB-100") == PLAN

    # 3. a customer in Paris with two lines from 1 May 2025
    customer = call(
        "create_customer",
        {
            "name": "Camille Martin",
            "email": "camille.martin@example.com",
            "country_code": "FR",
            "tz": "Europe/Paris",
            "billing_account": {"currency": "EUR", "billing_day": 1},
        },
        request_id="fr-example-customer",
    )
    order = call(
        "place_order",
        {
            "customer": customer["customer_number"],
            "kind": "new",
            "date": "2025-05-01",
            "lines": [
                {"product": "FR-MOB-100", "phone_number": LINE1},
                {"product": "FR-MOB-100", "phone_number": LINE2},
            ],
        },
        request_id="fr-example-order",
    )
    account = customer["billing_account_number"]
    lines = {sub["phone_number"]: sub["number"] for sub in order["subscriptions"]}
    out(f"customer {customer['customer_number']}, account {account}, lines {sorted(lines)}")

    # 4. a month of usage, then what was rated
    report = call("import_usage", "FR-SWITCH", USAGE, batch_ref="fr-example-2025-05")
    figures["import"] = {
        k: report[k]
        for k in ("read", "rated", "rejected", "duplicate", "unbillable", "reconciled", "amount")
    }
    out(
        "import: {read} read = {rated} rated + {rejected} rejected + {duplicate} duplicate + "
        "{unbillable} unbillable; amount {amount}".format(**report)
    )
    records, offset = [], 0
    while offset is not False:
        page = call(
            "usage_records",
            {"billing_account": account, "period": "2025-05-01", "offset": offset, "limit": 10},
        )
        records += page["records"]
        offset = page["next_offset"]
    figures["records"] = {
        rec["record_id"]: (
            rec["state"],
            rec["zone"],
            rec["band"],
            rec["rated_quantity"],
            rec["allowance_quantity"],
            rec["amount"],
            rec["reason"],
        )
        for rec in records
    }
    for rec in records:
        out(
            f"{rec['record_id']:6} {rec['local_time']} {rec['usage_type']:5} "
            f"{rec['state']:10} {rec['zone'] or '-':7} {rec['band'] or '-':7} "
            f"rated {rec['rated_quantity']:>9} allowance {rec['allowance_quantity']:>9} "
            f"amount {rec['amount'] or '-'}"
        )
    balances = call("allowance_balances", {"billing_account": account, "period": "2025-05-01"})
    figures["balances"] = {
        (b["scope"], b["subscription_number"] or account, b["usage_type"]): (
            b["included"],
            b["used"],
            b["remaining"],
        )
        for b in balances["balances"]
    }
    for (scope, owner, usage_type), (included, used, remaining) in figures["balances"].items():
        out(
            f"{scope:12} {owner:10} {usage_type:5} included {included} used {used} "
            f"remaining {remaining}"
        )

    # 5. the premium price was wrong (0.78, not 0.80 a minute): fix the tariff, re-rate May
    fixed = copy.deepcopy(TARIFF)
    premium = next(p for p in fixed["prices"] if p["zone"] == "FR-PREM")
    premium["price"] = 0.78
    call("import_tariff", fixed, request_id="fr-example-tariff-v2")
    summary = call(
        "rerate",
        {"period_from": "2025-05-01", "period_to": "2025-05-01", "tariff": "FR-MOBILE"},
        "premium price fixed: 0.78 a minute",
        request_id="fr-example-rerate-2025-05",
    )
    total = summary["totals"][0]
    figures["rerate"] = {
        "selected": summary["selected"],
        "changed": summary["changed"],
        "amount_before": total["amount_before"],
        "amount_after": total["amount_after"],
        "difference": total["difference"],
    }
    out(
        f"re-rated {summary['selected']} records, {summary['changed']} changed: "
        f"{total['amount_before']} -> {total['amount_after']} {total['currency']} "
        f"({total['difference']})"
    )
    premium_record = call(
        "usage_records",
        {
            "subscription": lines[LINE1],
            "period": "2025-05-01",
            "usage_types": ["voice"],
            "states": ["rated"],
        },
    )["records"]
    figures["premium_after"] = next(
        rec["amount"] for rec in premium_record if rec["record_id"] == "L1-06"
    )
    figures["fixed_round_trip"] = call("export_tariff", "FR-MOBILE") == fixed
    status = call("service_status", lines[LINE1])
    figures["status"] = (
        status["state"],
        status["unbilled_usage"]["records"],
        status["unbilled_usage"]["amount"],
    )
    out(
        f"{lines[LINE1]}: {status['state']}, unbilled {status['unbilled_usage']['records']} "
        f"records, {status['unbilled_usage']['amount']} {status['unbilled_usage']['currency']}"
    )
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="default $TELECOM_URL or http://localhost:8069")
    parser.add_argument("--db", help="default $TELECOM_DB or telecom")
    parser.add_argument("--login", help="default $TELECOM_LOGIN or admin")
    parser.add_argument("--password", help="default $TELECOM_PASSWORD or admin")
    args = parser.parse_args()
    main(args.url, args.db, args.login, args.password)
