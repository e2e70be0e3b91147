# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The usage pages' queries: keyset pages over millions of records.

Raw SQL on a hot path (the usage table holds tens of millions of rows, the page
must answer in well under 300 ms for a customer with a million of them): every
query is parameterised and bounded by the ``(subscription_id, start_time)``
index of ``telecom.usage.record``:

- a **scope** is one subscription in one billing period: ``(subscription id,
  period_start, low, high)`` where low/high bound ``start_time`` (the period
  widened by a day each side: periods are in the subscriber's time zone, times
  in UTC; ``period_start`` then selects exactly);
- a **page** is the newest ``limit`` records before (or after) a cursor
  ``(start_time, id)``: one index range scan per scope (LATERAL), merged, so a
  business with hundreds of lines reads at most ``limit`` rows per line;
- **totals** group the scopes' records by usage type (one bitmap scan).

The caller has checked that every subscription in the scopes belongs to the user.
"""

import re
from datetime import datetime, timedelta

from odoo.tools import SQL

from odoo.addons.telecom_billing.rating.periods import next_period_start

#: what a customer sees: rated (or billed) usage, and free (unbillable) records
VISIBLE_STATES = ("rated", "billed", "unbillable")
CURSOR = re.compile(r"^(\d{14})-(\d{1,18})$")


def scope(sub_id, start, months):
    """The scope of subscription ``sub_id`` in the period starting ``start``."""
    low = datetime.combine(start - timedelta(days=1), datetime.min.time())
    high = datetime.combine(
        next_period_start(start, months) + timedelta(days=1), datetime.min.time()
    )
    return (sub_id, start, low, high)


def encode_cursor(start_time, record_id):
    return f"{start_time:%Y%m%d%H%M%S}-{record_id}"


def decode_cursor(value):
    """``(start_time, id)`` of a cursor, or None if it is not one."""
    match = CURSOR.match(value or "")
    if not match:
        return None
    try:
        moment = datetime.strptime(match.group(1), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return moment, int(match.group(2))


def _unnest(scopes):
    return SQL(
        "unnest(%s::int[], %s::date[], %s::timestamp[], %s::timestamp[])"
        " AS s(sub_id, period, low, high)",
        [s[0] for s in scopes],
        [s[1] for s in scopes],
        [s[2] for s in scopes],
        [s[3] for s in scopes],
    )


def _filters(type_ids, direction):
    parts = [SQL("u.state IN %s", VISIBLE_STATES)]
    if type_ids:
        parts.append(SQL("u.usage_type_id = ANY(%s)", list(type_ids)))
    if direction:
        parts.append(SQL("u.direction = %s", direction))
    return SQL(" AND ").join(parts)


def page(cr, scopes, type_ids=(), direction=None, after=None, before=None, limit=50):
    """Ids of one page, newest first.

    ``after``: a cursor; the page holds the records older than it (next page).
    ``before``: a cursor; the page holds the records newer than it (previous page).
    Returns ``(ids, has_more)``: ``has_more`` says whether records lie beyond the
    page in the direction of travel.
    """
    if not scopes:
        return [], False
    newer = before is not None
    cursor = before if newer else after
    keyset = SQL()
    if cursor:
        moment, record_id = cursor
        if newer:
            keyset = SQL(
                " AND u.start_time >= %s AND (u.start_time, u.id) > (%s, %s)",
                moment,
                moment,
                record_id,
            )
        else:
            keyset = SQL(
                " AND u.start_time <= %s AND (u.start_time, u.id) < (%s, %s)",
                moment,
                moment,
                record_id,
            )
    order = SQL("ASC") if newer else SQL("DESC")
    # The planner estimates a scope's rows from the table-wide average per
    # subscription and picks a bitmap scan + sort of the whole period for each line;
    # a heavy user's line holds tens of thousands of rows there. An ordered index
    # scan (backward) stops after ``limit`` rows: 2 ms instead of 50 ms for a
    # million-record customer (bench/bench_portal.py). Local to this statement.
    cr.execute(SQL("SET LOCAL enable_bitmapscan TO off"))
    cr.execute(
        SQL(
            """SELECT r.id, r.start_time
                 FROM %(scopes)s
                 CROSS JOIN LATERAL (
                     SELECT u.id, u.start_time
                       FROM telecom_usage_record u
                      WHERE u.subscription_id = s.sub_id
                        AND u.start_time >= s.low AND u.start_time < s.high
                        AND u.period_start = s.period
                        AND %(filters)s%(keyset)s
                      ORDER BY u.start_time %(order)s, u.id %(order)s
                      LIMIT %(limit)s
                 ) r
                ORDER BY r.start_time %(order)s, r.id %(order)s
                LIMIT %(limit)s""",
            scopes=_unnest(scopes),
            filters=_filters(type_ids, direction),
            keyset=keyset,
            order=order,
            limit=limit + 1,
        )
    )
    rows = cr.fetchall()
    cr.execute(SQL("SET LOCAL enable_bitmapscan TO DEFAULT"))
    has_more = len(rows) > limit
    rows = rows[:limit]
    if newer:
        rows.reverse()
    return [row[0] for row in rows], has_more


def _where(scopes, type_ids, direction, low=None, high=None):
    """The records of ``scopes`` (one period) in one ``WHERE`` clause.

    One ``subscription_id = ANY(...)`` over the period's time range: PostgreSQL
    reads the range once (BRIN or the (subscription, start time) index) instead of
    once per line.
    """
    return SQL(
        "u.subscription_id = ANY(%s) AND u.start_time >= %s AND u.start_time < %s"
        " AND u.period_start = %s AND %s",
        [s[0] for s in scopes],
        low or min(s[2] for s in scopes),
        high or max(s[3] for s in scopes),
        scopes[0][1],
        _filters(type_ids, direction),
    )


def totals(cr, scopes, type_ids=(), direction=None):
    """``{usage_type_id: (count, quantity, allowance quantity, amount)}`` of the scopes.

    The scopes share one period (the page shows one period at a time).
    """
    if not scopes:
        return {}
    cr.execute(
        SQL(
            """SELECT u.usage_type_id, count(*), sum(u.quantity), sum(u.allowance_quantity),
                      sum(u.amount)
                 FROM telecom_usage_record u
                WHERE %s
                GROUP BY u.usage_type_id""",
            _where(scopes, type_ids, direction),
        )
    )
    return {row[0]: tuple(row[1:]) for row in cr.fetchall()}


def export_rows(cr, scopes, type_ids=(), direction=None, limit=500_000):
    """Every record of the scopes, newest first, with what an export shows.

    Read one day at a time (a day of a period holds a bounded share of it), so the
    memory stays flat whatever the period holds; at most ``limit`` rows.
    """
    if not scopes:
        return
    low = min(s[2] for s in scopes)
    high = max(s[3] for s in scopes)
    done = 0
    while high > low and done < limit:
        start = max(low, high - timedelta(days=1))
        cr.execute(
            SQL(
                """SELECT u.id, u.start_time, s.name, s.phone_number, s.circuit_id,
                          s.username, t.code, t.unit, u.direction, u.called_number,
                          u.location, z.name, u.quantity, u.rated_quantity,
                          u.allowance_quantity, u.amount, c.name, u.state
                     FROM telecom_usage_record u
                     JOIN telecom_subscription s ON s.id = u.subscription_id
                     JOIN telecom_usage_type t ON t.id = u.usage_type_id
                     LEFT JOIN telecom_tariff_zone z ON z.id = u.zone_id
                     LEFT JOIN res_currency c ON c.id = u.currency_id
                    WHERE %s
                    ORDER BY u.start_time DESC, u.id DESC
                    LIMIT %s""",
                _where(scopes, type_ids, direction, start, high),
                limit - done,
            )
        )
        rows = cr.fetchall()
        done += len(rows)
        yield from rows
        high = start
