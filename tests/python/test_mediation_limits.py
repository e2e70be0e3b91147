"""Hostile usage files: gzip bombs and endless lines are refused in bounded memory."""

import gzip
import io
import tracemalloc
import zlib

import pytest
from rating import mediation

HEADER = b"record_id,subscriber,usage_type,start_time,quantity\n"
GOOD = b"r1,+32470000001,voice,2025-05-01T10:00:00Z,60\n"
MB = 1024 * 1024


def gzip_of(pieces):
    """A gzip file of ``pieces`` (an iterable of bytes), compressed as a stream."""
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9) as fh:
        for piece in pieces:
            fh.write(piece)
    return out.getvalue()


def zeros(total, chunk=MB):
    for _i in range(total // chunk):
        yield b"0" * chunk


def read_all(data, **options):
    reader = mediation.Reader(data, mediation.Options(**options))
    try:
        return reader.header, list(reader)
    finally:
        reader.close()


def peak_of(func):
    tracemalloc.start()
    try:
        func()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("kind", ["huge content", "huge line"])
def test_gzip_bomb_refused_in_bounded_memory(kind):
    if kind == "huge content":  # many short lines: millions of junk records
        body = (b"x,y\n" * (MB // 4) for _i in range(256))
    else:  # one line, no line break
        body = zeros(256 * MB)
    bomb = gzip_of([HEADER, *body])
    assert len(bomb) < 2 * MB  # 256 MB once decompressed
    errors = []

    def read():
        with pytest.raises(mediation.FileError) as err:
            read_all(bomb)
        errors.append(str(err.value))

    peak = peak_of(read)
    assert "gzip bomb" in errors[0]
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB"


def test_decompressed_size_cap():
    data = gzip_of([HEADER, GOOD * 1000])
    header, records = read_all(data)
    assert header and len(records) == 1000
    with pytest.raises(mediation.FileError, match="maximum of 0 MB"):
        read_all(data, max_file_bytes=10_000)
    with pytest.raises(mediation.FileError, match="maximum of 0 MB"):
        read_all(HEADER + GOOD * 1000, max_file_bytes=10_000)


def test_long_line_rejected_without_holding_it():
    long_line = b"r2,+32470000001,voice,2025-05-01T10:00:00Z," + b"9" * (12 * MB) + b"\n"
    data = gzip_of([HEADER, GOOD, long_line, GOOD.replace(b"r1", b"r3")])
    result = {}

    def read():
        result["records"] = read_all(data)[1]

    peak = peak_of(read)
    assert peak < 6 * MB, f"peak {peak / MB:.1f} MB"
    first, long_one, last = result["records"]
    assert (first[0], first[3], last[0], last[3]) == (2, None, 4, None)
    line2, raw, values, reason = long_one
    assert (line2, values, reason) == (3, None, "malformed_line")
    assert raw.startswith("r2,+32470000001") and raw.endswith("...")
    assert len(raw) <= mediation.LONG_LINE_KEPT + 3
    # the limit is the source's
    records = read_all(HEADER + GOOD, max_line_bytes=300)[1]
    assert records[0][3] is None
    records = read_all(HEADER + b"r9," + b"a" * 400 + b"\n", max_line_bytes=300)[1]
    assert records[0][3] == "malformed_line"
    with pytest.raises(mediation.FileError, match="header line is longer"):
        read_all(b"a" * 400 + b"\n" + GOOD, max_line_bytes=300)


def test_broken_gzip_is_a_file_error():
    data = gzip_of([HEADER, GOOD])[:-12]
    with pytest.raises((EOFError, zlib.error, gzip.BadGzipFile, mediation.FileError)):
        read_all(data)


def test_chunk_sizes_ramp_up_to_the_chunk_size():
    sizes = mediation.chunk_sizes(50_000)
    assert [next(sizes) for _i in range(6)] == [6250, 12500, 25000, 50000, 50000, 50000]


def test_small_chunk_sizes_do_not_ramp():
    for size in (1, 2, 3, mediation.RAMP_FROM - 1):
        sizes = mediation.chunk_sizes(size)
        assert [next(sizes) for _i in range(3)] == [size] * 3
    sizes = mediation.chunk_sizes(mediation.RAMP_FROM)
    assert next(sizes) == mediation.RAMP_FROM // mediation.RAMP_DIVISOR


def test_chunk_sizes_refuse_empty_chunks():
    with pytest.raises(ValueError):
        next(mediation.chunk_sizes(0))
