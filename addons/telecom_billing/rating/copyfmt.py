# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Draining the engine: usage records as lines of PostgreSQL ``COPY`` text format.

One line per record, columns in :data:`COPY_COLUMNS` order, ``\\N`` for NULL,
backslash, tab, newline and carriage return escaped. Rated and unbillable
records take a fast path (one f-string, the per-subscriber, per-version and
per-day pieces cached); rejected and duplicate records keep their raw line.
"""

from datetime import datetime, timedelta

COPY_COLUMNS = (
    "create_uid",
    "create_date",
    "write_uid",
    "write_date",
    "company_id",
    "source_id",
    "batch_id",
    "source_record_id",
    "line_no",
    "subscriber",
    "subscription_id",
    "billing_account_id",
    "usage_type_id",
    "direction",
    "start_time",
    "quantity",
    "called_number",
    "location",
    "zone_id",
    "time_band",
    "rated_quantity",
    "allowance_quantity",
    "allowance_detail",
    "amount",
    "currency_id",
    "tariff_version_id",
    "state",
    "reason_code",
    "raw",
    "period_start",
    "rerated_count",
)
NULL = "\\N"
EPOCH = datetime(1970, 1, 1)


def copy_text(value):
    """A text value for COPY's text format (None -> NULL)."""
    if value is None:
        return NULL
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r")
        )  # fmt: skip
    return value


class TimestampFormatter:
    """Epoch seconds -> ``YYYY-MM-DD HH:MM:SS`` (UTC), with the date part cached."""

    __slots__ = ("_days",)

    def __init__(self):
        self._days = {}

    def __call__(self, epoch):
        day, second = divmod(epoch, 86400)
        text = self._days.get(day)
        if text is None:
            if len(self._days) > 50_000:
                self._days.clear()
            text = self._days[day] = (EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        hours, rest = divmod(second, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{text}{hours:02d}:{minutes:02d}:{seconds:02d}"


class CopyFormatter:
    """Format records for ``COPY``; ``prefix`` holds the constant leading columns."""

    def __init__(self, usage_type_ids):
        self.type_text = {code: str(tid) for code, tid in usage_type_ids.items()}
        self.fmt_ts = TimestampFormatter()
        self._subs = {}  # subscriber -> "sub id\taccount id"
        self._versions = {}  # version -> "currency\tversion id"
        self._periods = {}  # date -> "YYYY-MM-DD"

    @staticmethod
    def prefix(uid, now_text, company_id, source_id, batch_id):
        batch = str(batch_id) if batch_id else NULL
        return f"{uid}\t{now_text}\t{uid}\t{now_text}\t{company_id}\t{source_id}\t{batch}\t"

    def line(self, rec, prefix):
        state = rec.state
        if state != "rated" and state != "unbillable":
            return self._other_line(rec, prefix)
        sub = rec.sub
        sub_text = self._subs.get(sub)
        if sub_text is None:
            sub_text = self._subs[sub] = f"{sub.id}\t{sub.billing_account_id}"
        version = rec.version
        version_text = self._versions.get(version)
        if version_text is None:
            version_text = self._versions[version] = f"{version.currency}\t{version.id}"
        period = rec.period_start
        period_text = self._periods.get(period)
        if period_text is None:
            period_text = self._periods[period] = period.isoformat()
        if rec.clean:  # read from a line without backslash, tab or CR: nothing to escape
            record_id, key = rec.record_id, rec.subscriber_key
        else:
            record_id, key = copy_text(rec.record_id), copy_text(rec.subscriber_key)
        detail = rec.allowance_detail
        if not detail:
            detail_text = NULL
        elif len(detail) == 1:
            detail_text = f"{detail[0][0].id}:{detail[0][1]}"
        else:
            detail_text = ",".join(f"{b.id}:{u}" for b, u in detail)
        return (
            f"{prefix}{record_id}\t{rec.line_no}\t{key}\t{sub_text}\t"
            f"{self.type_text[rec.usage_type]}\t{rec.direction}\t"
            f"{rec.start_text or self.fmt_ts(rec.start)}\t"
            f"{rec.quantity}\t{rec.called_number or NULL}\t{rec.location or NULL}\t"
            f"{rec.zone.id if rec.zone is not None else NULL}\t{rec.band or NULL}\t"
            f"{rec.rated_quantity}\t{rec.allowance_quantity}\t"
            f"{detail_text}\t{rec.amount!s}\t"
            f"{version_text}\t{state}\t{rec.reason or NULL}\t\\N\t{period_text}\t0\n"
        )

    def _other_line(self, rec, prefix):
        """Rejected and duplicate records: what is known, and the raw line."""
        sub = rec.sub
        state = rec.state
        # rating rejects (no zone, no price) keep their version and period, so a
        # re-rating by tariff or period finds them after the fix
        version = rec.version if state == "rejected" else None
        return "\t".join(
            (
                prefix + copy_text(rec.record_id),
                str(rec.line_no),
                copy_text(rec.subscriber_key),
                str(sub.id) if sub is not None else NULL,
                str(sub.billing_account_id) if sub is not None else NULL,
                self.type_text[rec.usage_type] if rec.usage_type else NULL,
                rec.direction or NULL,
                self.fmt_ts(rec.start) if rec.start is not None else NULL,
                str(rec.quantity) if rec.quantity is not None else NULL,
                rec.called_number or NULL,
                rec.location or NULL,
                NULL,
                NULL,
                "0",
                "0",
                NULL,
                "0",
                str(version.currency) if version is not None else NULL,
                str(version.id) if version is not None else NULL,
                state,
                rec.reason or NULL,
                copy_text(rec.raw),
                rec.period_start.isoformat() if version is not None and rec.period_start else NULL,
                "0\n",
            )
        )
