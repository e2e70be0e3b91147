# Copyright 2026 Telecom Suite contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Mediation: read usage files, validate every record, give each a reason when it fails.

**File format.** A CSV file (``,`` by default; the source may choose ``;``, tab or
``|``), UTF-8 by default (any ASCII-compatible encoding the source names), plain or
gzip-compressed (recognised by its content), one record per line (quoted fields
allowed, no line breaks inside fields). The first line is the header. Columns, by
their canonical name (a source can map each canonical name to its own header):

=============== ======== ==================================================================
column          required content
=============== ======== ==================================================================
record_id       yes      the source's own id of the record (unique per source, <= 100 chars)
subscriber      yes      who used the service: E.164 number, IMSI or username
usage_type      yes      a usage type code: voice, sms, mms, data, voip, voice_roaming...
start_time      yes      ISO-8601 (``2025-03-01T08:15:00Z``, ``...+01:00``; without an
                         offset: the source's time zone)
quantity        yes      integer in the usage type's base unit: seconds, bytes or count
direction       no       ``out`` (default; also ``o``, ``mo``, ``outgoing``) or ``in``
                         (``i``, ``mt``, ``incoming``)
called_number   voice,   E.164 (``+3247...``, ``0032...``; ``0...`` national numbers when the
                sms, mms source has a country code); required for outgoing records of
                         time- and count-based usage types
location        no       visited network of a roaming record, as a country code (``+33``)
=============== ======== ==================================================================

Blank lines are skipped (not records). Every other line is **read** and ends in
exactly one state: rated, rejected (with a reason code below), duplicate or
unbillable.

**Limits.** A line longer than ``max_line_bytes`` (64 KiB by default) is rejected
(``malformed_line``) without being held in memory. A file is refused as a whole,
before any record is read, when it holds more than ``max_file_bytes`` once
decompressed (8 GiB by default) or when a gzip file decompresses to more than 100
times its size (beyond 16 MiB): a gzip bomb. Reading is streamed in bounded
pieces, so memory does not grow with the file.
"""

import csv
import gzip
import io
from datetime import date, datetime, timezone
from decimal import ROUND_CEILING, Decimal, InvalidOperation

from .engine import UsageRecord
from .timebands import TimeZone, day_number

CANONICAL_COLUMNS = (
    "record_id",
    "subscriber",
    "usage_type",
    "start_time",
    "quantity",
    "direction",
    "called_number",
    "location",
)
REQUIRED_COLUMNS = ("record_id", "subscriber", "usage_type", "start_time", "quantity")

#: Every reason a record can be rejected or found unbillable for.
REASONS = {
    # mediation (the record itself)
    "bad_encoding": "The line is not valid text in the source's encoding",
    "malformed_line": "Wrong number of columns, a line longer than the maximum (64 KiB), or a "
    "record id longer than 100 characters",
    "missing_field": "A required field is empty",
    "bad_timestamp": "The start time is not an ISO-8601 date and time",
    "future_timestamp": "The start time is in the future",
    "closed_period": "The start time falls in a closed (locked or invoiced) period",
    "bad_quantity": "The quantity is not a number",
    "negative_quantity": "The duration, volume or count is negative",
    "absurd_quantity": "The duration, volume or count is above the source's maximum",
    "bad_direction": "The direction is neither incoming nor outgoing",
    "malformed_number": "The called number or location is not an E.164 number",
    "unknown_usage_type": "No usage type has this code",
    "unknown_subscriber": "No subscription has this number, IMSI or username at that time",
    # rating (the tariff)
    "no_tariff": "The subscription's plan has no tariff version valid at that date",
    "unknown_zone": "No zone of the tariff matches the number",
    "no_price": "The tariff has no price for this usage type, zone and time band",
    # unbillable
    "zero_quantity": "Nothing was used (unanswered call, empty session)",
    "incoming": "Incoming usage is not charged by the tariff",
    "free_zone": "The destination zone is free of charge (e.g. emergency numbers)",
    # re-processing
    "duplicate": "A record with this source and record id was already accepted",
}

DIRECTIONS = {
    "": "out",
    "out": "out",
    "o": "out",
    "mo": "out",
    "outgoing": "out",
    "orig": "out",
    "in": "in",
    "i": "in",
    "mt": "in",
    "incoming": "in",
    "term": "in",
}

GZIP_MAGIC = b"\x1f\x8b"
MAX_RECORD_ID = 100
#: longest line read (bytes); a longer one is rejected, never held in memory
MAX_LINE_BYTES = 64 * 1024
#: most a file may hold once decompressed (bytes)
MAX_FILE_BYTES = 8 * 1024**3
#: a gzip file decompressing to more than this many times its size is a bomb...
MAX_GZIP_RATIO = 100
#: ...once past this size (small files compress little and prove nothing)
GZIP_RATIO_FLOOR = 16 * 1024**2
READ_CHUNK = 1024 * 1024
#: how much of a line that is too long the rejected record keeps
LONG_LINE_KEPT = 200


class FileError(ValueError):
    """The file as a whole cannot be read (no header, required column missing)."""


class Options:
    """How a source's files are read and checked."""

    __slots__ = (
        "country_code",
        "delimiter",
        "encoding",
        "future_tolerance",
        "mapping",
        "max_bytes",
        "max_count",
        "max_file_bytes",
        "max_line_bytes",
        "max_seconds",
        "tz",
    )

    def __init__(
        self,
        delimiter=",",
        encoding="utf-8",
        mapping=None,
        tz="UTC",
        country_code="",
        max_seconds=86_400,
        max_bytes=100 * 1024**3,
        max_count=1_000,
        future_tolerance=300,
        max_line_bytes=MAX_LINE_BYTES,
        max_file_bytes=MAX_FILE_BYTES,
    ):
        if len(delimiter) != 1 or delimiter in '"\r\n':
            raise ValueError(f"bad delimiter {delimiter!r}")
        "x".encode(encoding)  # LookupError for an unknown encoding
        if "\n".encode(encoding) != b"\n":
            raise ValueError(f"encoding {encoding!r} is not ASCII-compatible")
        self.delimiter = delimiter
        self.encoding = encoding
        # canonical column -> the source's header name
        self.mapping = {c: c for c in CANONICAL_COLUMNS}
        self.mapping.update({k: v for k, v in (mapping or {}).items() if v})
        unknown = set(self.mapping) - set(CANONICAL_COLUMNS)
        if unknown:
            raise ValueError(f"unknown canonical column(s): {', '.join(sorted(unknown))}")
        self.tz = TimeZone.get(tz or "UTC")
        self.country_code = (country_code or "").lstrip("+")
        self.max_seconds = int(max_seconds)
        self.max_bytes = int(max_bytes)
        self.max_count = int(max_count)
        self.future_tolerance = int(future_tolerance)
        self.max_line_bytes = max(int(max_line_bytes), 256)
        self.max_file_bytes = max(int(max_file_bytes), 1)

    def max_for(self, unit):
        return {"second": self.max_seconds, "byte": self.max_bytes}.get(unit, self.max_count)


def _mb(size):
    return f"{size / 1024**2:,.0f} MB"


def open_binary(data_or_file, max_file_bytes=MAX_FILE_BYTES):
    """A binary stream over bytes or a (seekable) binary file, gunzipping when needed.

    ``FileError`` when the file holds more than ``max_file_bytes`` (decompressed) or
    is a gzip bomb: a gzip file is decompressed once, in bounded pieces, to measure
    it before any line is read.
    """
    if isinstance(data_or_file, bytes | bytearray | memoryview):
        fh = io.BytesIO(bytes(data_or_file))
    elif isinstance(data_or_file, str):
        fh = open(data_or_file, "rb")  # noqa: SIM115  (closed by the caller's iterator)
    else:
        fh = data_or_file
    try:
        pos = fh.tell()
        size = fh.seek(0, io.SEEK_END) - pos
        fh.seek(pos)
        head = fh.read(2)
        fh.seek(pos)
        if head != GZIP_MAGIC:
            if size > max_file_bytes:
                raise FileError(
                    f"the file holds {_mb(size)}, more than the maximum of "
                    f"{_mb(max_file_bytes)} for a usage file"
                )
            return fh
        _check_gzip_size(fh, size, max_file_bytes)
        fh.seek(pos)
    except BaseException:
        fh.close()
        raise
    return gzip.GzipFile(fileobj=fh, mode="rb")


def _check_gzip_size(fh, compressed, max_file_bytes):
    """Decompress in bounded pieces, counting; ``FileError`` past the limits."""
    bomb = max(GZIP_RATIO_FLOOR, MAX_GZIP_RATIO * compressed)
    allowed = min(max_file_bytes, bomb)
    total = 0
    stream = gzip.GzipFile(fileobj=fh, mode="rb")  # closing it leaves fh open
    try:
        while True:
            chunk = stream.read(READ_CHUNK)
            if not chunk:
                return total
            total += len(chunk)
            if total > allowed:
                break
    finally:
        stream.close()
    if allowed == bomb:
        raise FileError(
            f"it decompresses to more than {_mb(total)}, over {MAX_GZIP_RATIO} times its "
            f"compressed size ({compressed:,} bytes): refused as a gzip bomb"
        )
    raise FileError(
        f"it decompresses to more than the maximum of {_mb(max_file_bytes)} for a usage file"
    )


class LongLine(bytes):
    """The start of a line longer than the limit (the rest was skipped unread)."""


def bounded_lines(stream, limit):
    """The lines of a binary stream, none longer than ``limit`` bytes in memory.

    A longer line is read on in bounded pieces and dropped; a ``LongLine`` with its
    first bytes stands for it.
    """
    readline = stream.readline
    while True:
        line = readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = readline(READ_CHUNK)
                if not rest or rest.endswith(b"\n"):
                    break
            yield LongLine(line[:LONG_LINE_KEPT])
            continue
        yield line


def normalize_number(text, country_code=""):
    """E.164: ``+`` and 3..15 digits, or None when malformed.

    Accepts ``+32 470 12 34 56``, ``0032470123456``, ``32470123456`` (bare digits:
    8 at least, so a bare short code is never taken for a country code) and, when
    the source has a ``country_code``, national ``0470123456``. Short service
    numbers must come with their country code (``+32112``).
    """
    if not text:
        return None
    if text[0] == "+" and text[1:].isdigit():
        digits = text[1:]
    elif text.isdigit() and text[0] != "0":
        digits = text if len(text) >= 8 else ""
    else:
        text = (
            text.replace(" ", "").replace("-", "").replace(".", "").replace("(", "")
            .replace(")", "")
        )  # fmt: skip
        if text[:1] == "+":
            digits = text[1:]
        elif text[:2] == "00":
            digits = text[2:]
        elif text[:1] == "0" and country_code:
            digits = country_code + text[1:]
        else:
            digits = text if len(text) >= 8 else ""
    if not (3 <= len(digits) <= 15) or not digits.isdigit() or not digits.isascii():
        return None
    if digits[0] == "0":
        return None
    return "+" + digits


def normalize_location(text):
    """A visited-network country code ``+33`` (1..6 digits), or None."""
    text = text.replace(" ", "")
    if text[:1] == "+":
        text = text[1:]
    elif text[:2] == "00":
        text = text[2:]
    if not (1 <= len(text) <= 6) or not text.isdigit() or not text.isascii() or text[0] == "0":
        return None
    return "+" + text


_HOUR_CACHE = {}
_UTC = timezone.utc


def _parse_hour(prefix):
    """Epoch seconds of ``YYYY-MM-DDTHH:`` (cached), or None."""
    hh = prefix[11:13]
    if prefix[10] != "T" or prefix[13] != ":" or not hh.isdigit() or hh >= "24":
        return None
    try:
        day = day_number(date.fromisoformat(prefix[:10]))
    except ValueError:
        return None
    if len(_HOUR_CACHE) > 100_000:
        _HOUR_CACHE.clear()
    value = _HOUR_CACHE[prefix] = day * 86400 + int(hh) * 3600
    return value


def parse_timestamp(text, naive_tz):
    """Epoch seconds (UTC) of an ISO-8601 string, or None."""
    if len(text) == 20 and text[19] == "Z":
        # fast path: 2025-03-01T08:15:00Z, the date and hour cached
        hour = _HOUR_CACHE.get(text[:14])
        if hour is None:
            hour = _parse_hour(text[:14])
            if hour is None:
                return None
        mm, ss = text[14:16], text[17:19]
        if text[16] == ":" and mm.isdigit() and ss.isdigit() and mm < "60" and ss < "60":
            return hour + int(mm) * 60 + int(ss)
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        # a local time of the source: the offset in force at that local time
        naive = int(moment.replace(tzinfo=_UTC).timestamp())
        return naive - naive_tz.offset(naive - naive_tz.offset(naive))
    return int(moment.timestamp())


def parse_quantity(text):
    """(quantity, reason): integers, or decimals rounded up to whole base units."""
    if text.isdigit() and text.isascii():
        return int(text), None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "bad_quantity"
    if not value.is_finite():
        return None, "bad_quantity"
    if value.adjusted() > 15:  # 1e999999 must not become a million-digit integer
        return (10**16 if value > 0 else -1), None
    return int(value.to_integral_value(rounding=ROUND_CEILING)), None


#: chunks below this size start at full size (the ramp is for large imports)
RAMP_FROM = 8000
#: the first chunk of a large import is this fraction of the chunk size
RAMP_DIVISOR = 8


def chunk_sizes(size):
    """Sizes of the successive chunks of an import whose chunks hold ``size`` records.

    The import stores a chunk while it rates the next, so its first chunk is read
    and rated with nothing to overlap: a large import starts with a chunk of
    ``size / 8`` and doubles it up to ``size`` (the pipeline is full after a few
    thousand records instead of after a whole chunk). Imports in smaller chunks
    keep ``size`` throughout.
    """
    if size < 1:
        raise ValueError("a chunk holds at least one record")
    current = size // RAMP_DIVISOR if size >= RAMP_FROM else size
    while True:
        yield current
        current = min(size, current * 2)


class Reader:
    """Split a source file into raw lines and fields (no validation yet)."""

    def __init__(self, data_or_file, options):
        self.options = options
        self.stream = open_binary(data_or_file, options.max_file_bytes)
        self.header = None
        self.index = None
        self.width = 0
        self.line_no = 0
        self._lines = bounded_lines(self.stream, options.max_line_bytes)
        self._read_header()

    def _read_header(self):
        for raw in self._lines:
            self.line_no += 1
            if type(raw) is LongLine:
                raise FileError(
                    f"the header line is longer than {self.options.max_line_bytes} bytes"
                )
            try:
                text = raw.decode(
                    "utf-8-sig"
                    if self.options.encoding.lower() in ("utf-8", "utf8")
                    else self.options.encoding
                ).rstrip("\r\n")
            except UnicodeDecodeError as exc:
                raise FileError(f"the header line is not valid {self.options.encoding}") from exc
            if not text.strip():
                continue
            self.header = text
            names = [n.strip() for n in self._split(text)]
            self.index = index_of_columns(names, self.options.mapping)
            self.width = len(names)
            return
        raise FileError("the file is empty: no header line")

    def _split(self, text):
        return split_line(text, self.options.delimiter)

    def __iter__(self):
        """Yield ``(line_no, raw_text, values or None, reason or None)``."""
        encoding = self.options.encoding
        split = self._split
        width = self.width
        for raw in self._lines:
            self.line_no += 1
            if type(raw) is LongLine:
                text = raw.decode(encoding, "backslashreplace").replace("\x00", "\\x00")
                yield self.line_no, text + "...", None, "malformed_line"
                continue
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                text = raw.decode(encoding, "backslashreplace").rstrip("\r\n")
                yield self.line_no, text.replace("\x00", "\\x00"), None, "bad_encoding"
                continue
            text = text.rstrip("\r\n")
            if not text or text.isspace():
                continue
            if "\x00" in text:
                yield self.line_no, text.replace("\x00", "\\x00"), None, "bad_encoding"
                continue
            try:
                values = split(text)
            except csv.Error:
                yield self.line_no, text, None, "malformed_line"
                continue
            if len(values) != width:
                yield self.line_no, text, None, "malformed_line"
                continue
            yield self.line_no, text, values, None

    def close(self):
        self.stream.close()


def split_line(text, delimiter):
    """The fields of one CSV line (``csv.Error`` when its quoting is broken)."""
    if '"' not in text:
        return text.split(delimiter)
    return next(csv.reader([text], delimiter=delimiter, strict=True))


def parse_line(text, width, delimiter):
    """``(values, reason)`` of one decoded line, as :class:`Reader` would give them."""
    text = (text or "").rstrip("\r\n")
    if not text.strip():
        return None, "missing_field"
    if "\x00" in text:
        return None, "bad_encoding"
    try:
        values = split_line(text, delimiter)
    except csv.Error:
        return None, "malformed_line"
    if len(values) != width:
        return None, "malformed_line"
    return values, None


def header_index(header, options):
    """``(width, index)`` of a header line for a source's options."""
    names = [n.strip() for n in split_line(header, options.delimiter)]
    return len(names), index_of_columns(names, options.mapping)


def index_of_columns(names, mapping):
    """Positions of the canonical columns in a header (-1 when absent)."""
    positions = {name: i for i, name in enumerate(names)}
    index = []
    missing = []
    for column in CANONICAL_COLUMNS:
        pos = positions.get(mapping.get(column, column), -1)
        if pos < 0 and column in REQUIRED_COLUMNS:
            missing.append(f"{column} (as {mapping.get(column, column)!r})")
        index.append(pos)
    if missing:
        raise FileError("required column(s) missing from the header: " + ", ".join(missing))
    return tuple(index)


class Validator:
    """Turn raw fields into :class:`~.engine.UsageRecord` objects, rejected or accepted."""

    def __init__(self, options, usage_types, now):
        self.options = options
        self.usage_types = usage_types  # {code: UsageType}
        self.now = int(now)
        self.latest = self.now + options.future_tolerance
        self.max_by_unit = {unit: options.max_for(unit) for unit in ("second", "byte", "unit")}

    def record(self, line_no, raw, values, index, reason=None):
        """A :class:`UsageRecord`, rejected with a reason or accepted."""
        if reason:
            return UsageRecord(line_no=line_no, raw=raw, state="rejected", reason=reason)
        i_id, i_sub, i_type, i_start, i_qty, i_dir, i_called, i_loc = index
        record_id = values[i_id].strip()
        subscriber = values[i_sub].strip()
        type_code = values[i_type].strip()
        start_text = values[i_start].strip()
        qty_text = values[i_qty].strip()
        rec = UsageRecord(record_id[:MAX_RECORD_ID] or None, subscriber, raw=raw, line_no=line_no)
        rec.clean = not ("\\" in raw or "\t" in raw or "\r" in raw)
        if not (record_id and subscriber and type_code and start_text and qty_text):
            return rec.reject("missing_field")
        if len(record_id) > MAX_RECORD_ID:
            return rec.reject("malformed_line")
        start = parse_timestamp(start_text, self.options.tz)
        if start is None:
            return rec.reject("bad_timestamp")
        rec.start = start
        if len(start_text) == 20 and start_text[19] == "Z":
            # 2025-03-01T08:15:00Z is already a UTC timestamp PostgreSQL reads as such
            rec.start_text = start_text
        utype = self.usage_types.get(type_code) or self.usage_types.get(type_code.lower())
        if utype is None:
            return rec.reject("unknown_usage_type")
        rec.usage_type = utype.code
        reason = self._quantity(rec, qty_text, utype)
        if reason:
            return rec.reject(reason)
        if start > self.latest:
            return rec.reject("future_timestamp")
        reason = self._numbers(rec, values, i_dir, i_called, i_loc, utype)
        if reason:
            return rec.reject(reason)
        return rec

    def _quantity(self, rec, text, utype):
        try:
            quantity = int(text)
        except ValueError:
            quantity, reason = parse_quantity(text)
            if reason:
                return reason
        rec.quantity = quantity
        if quantity < 0:
            return "negative_quantity"
        if quantity > self.max_by_unit[utype.unit]:
            return "absurd_quantity"
        return None

    def _numbers(self, rec, values, i_dir, i_called, i_loc, utype):
        """Direction, called number and location; the reason when one is wrong."""
        direction = "out"
        if i_dir >= 0:
            text = values[i_dir]
            direction = DIRECTIONS.get(text) or DIRECTIONS.get(text.strip().lower())
            if direction is None:
                return "bad_direction"
            rec.direction = direction
        called = values[i_called].strip() if i_called >= 0 else ""
        if called:
            number = normalize_number(called, self.options.country_code)
            if number is None:
                return "malformed_number"
            rec.called_number = number
        elif direction == "out" and utype.unit != "byte":
            return "missing_field"
        location = values[i_loc].strip() if i_loc >= 0 else ""
        if location:
            loc = normalize_location(location)
            if loc is None:
                return "malformed_number"
            rec.location = loc
        return None


def records_to_csv(rows, header=CANONICAL_COLUMNS):
    """CSV text (header + lines) of dict rows: how RPC records get a raw line."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else str(row.get(c)) for c in header])
    return buf.getvalue()


def subscriber_keys(text):
    """Identifiers a raw subscriber string may match: itself and its E.164 form."""
    text = text.strip()
    keys = {text}
    number = normalize_number(text)
    if number:
        keys.add(number)
    return keys
