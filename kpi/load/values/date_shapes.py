"""The fast path of dates: a column's most common plain shape (``dd/mm/yyyy hh:mm``,
``yyyy-mm-dd hh:mm:ss``, ...) parsed by DuckDB's ``try_strptime``, guarded by a regular
expression that admits only that exact shape (:mod:`kpi.load.values.dates`).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.text import _count, _match


@dataclass(frozen=True)
class _Shape:
    """A plain date shape for the fast path: guard regex, strptime formats, label."""

    guard: str
    day_first_format: str
    month_first_format: str
    day_first_label: str
    month_first_label: str
    zulu: bool = False
    #: the separator of a day/month shape (``25/03/2024 ...``); None for year-first ones
    dm_sep: str | None = None


def _fast_shapes() -> list[_Shape]:
    shapes: list[_Shape] = []
    times = [
        ("", "", ""),
        (r" \d{1,2}:\d{2}", " %H:%M", " hh:mm"),
        (r" \d{1,2}:\d{2}:\d{2}", " %H:%M:%S", " hh:mm:ss"),
        # ConnectWise / US exports: 11/13/2024 7:34 AM
        (r" \d{1,2}:\d{2} [AaPp][Mm]", " %I:%M %p", " h:mm AM/PM"),
        (r" \d{1,2}:\d{2}:\d{2} [AaPp][Mm]", " %I:%M:%S %p", " h:mm:ss AM/PM"),
    ]
    # 25/03/2024, 25-03-2024 14:30, 25.03.2024 14:30:00 (and month-first)
    for sep in "/-.":
        q = re.escape(sep)
        for guard_t, fmt_t, label_t in times:
            shapes.append(
                _Shape(
                    rf"\d{{1,2}}{q}\d{{1,2}}{q}\d{{4}}{guard_t}",
                    f"%d{sep}%m{sep}%Y{fmt_t}",
                    f"%m{sep}%d{sep}%Y{fmt_t}",
                    f"dd{sep}mm{sep}yyyy{label_t}",
                    f"mm{sep}dd{sep}yyyy{label_t}",
                    dm_sep=sep,
                )
            )
    # 2024-03-05, 2024-03-05 14:30, 2024-03-05T14:30:00, 2024-03-05T14:30:00.123Z, 2024/03/05
    iso_times = [
        *times[1:3],
        (r" \d{1,2}:\d{2}:\d{2}\.\d{1,6}", " %H:%M:%S.%f", " hh:mm:ss.ffffff"),
    ]
    for sep in "-/":
        date_g, date_f = rf"\d{{4}}{sep}\d{{1,2}}{sep}\d{{1,2}}", f"%Y{sep}%m{sep}%d"
        label = f"yyyy{sep}mm{sep}dd"
        shapes.append(_Shape(date_g, date_f, date_f, label, label))
        for joiner in (" ", "T"):
            for guard_t, fmt_t, label_t in iso_times:
                for zulu in (False, True):
                    if zulu and joiner == " ":
                        continue
                    z = "Z" if zulu else ""
                    g = date_g + joiner + guard_t[1:] + z
                    f = date_f + joiner + fmt_t[1:] + z
                    lab = label + joiner + label_t[1:] + z
                    shapes.append(_Shape(g, f, f, lab, lab, zulu))
    return shapes


_FAST_SHAPES = _fast_shapes()
_FAST_SAMPLE = 200


@dataclass
class _Written:
    """Dates as written: wall-clock microseconds, offset minutes (NULL: naive), ok."""

    us: pa.Array  # int64
    offset: pa.Array  # int64 minutes east of UTC, NULL for naive values
    ok: pa.Array  # bool, null-free


def _first_where(t: pa.Array, mask: pa.Array, n: int) -> pa.Array:
    """The first ``n`` values of ``t`` where ``mask`` holds, in order; read from a prefix
    that grows until it has them (filtering a whole 5M-row column took 60 ms)."""
    size = 4 * n
    while True:
        got = pc.filter(t.slice(0, size), mask.slice(0, size))
        if len(got) >= n or size >= len(t):
            return got.slice(0, n)
        size *= 8


def _pick_shape(t: pa.Array, text_rows: pa.Array) -> _Shape | None:
    """The fast-path shape that fits most of the first non-empty text values."""
    sample = _first_where(t, text_rows, _FAST_SAMPLE)
    best, best_hits = None, 0
    for shape in _FAST_SHAPES:
        hits = _count(_match(sample, f"^{shape.guard}$"))
        if hits > best_hits:
            best, best_hits = shape, hits
    return best


_LOCAL = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    """This thread's private in-memory DuckDB connection.

    Opening a connection costs several milliseconds (tens on a busy machine), which
    would dominate small columns; one connection per thread is reused instead (never
    the module-global ``duckdb.sql``). Every query on it is fetched completely.
    """
    con: duckdb.DuckDBPyConnection | None = getattr(_LOCAL, "con", None)
    if con is None:
        con = duckdb.connect()
        _LOCAL.con = con
    return con


def _fast_dates(con: duckdb.DuckDBPyConnection, shape: _Shape, day_first: bool) -> _Written:
    """The fast path over table ``t`` in ``con``: NULL where the shape (column ``g``, the
    shape's guard matched in Arrow: a third less CPU than in DuckDB) or the date does not
    fit."""
    fmt = shape.day_first_format if day_first else shape.month_first_format
    got = con.sql(
        f"SELECT CASE WHEN g THEN try_strptime(s, '{fmt}') END AS v FROM t"
    ).to_arrow_table()
    us = got.column("v").combine_chunks().cast(pa.int64())
    ok = pc.is_valid(us)
    # the zulu shapes end in Z: UTC, offset 0; the others are naive
    offset = pc.if_else(ok, pa.scalar(0 if shape.zulu else None, pa.int64()), None)
    return _Written(us, offset, ok)
