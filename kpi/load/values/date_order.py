"""Day-first or month-first (docs/DETAILS.md 32): decided once per column by its values
(``25/03/2024`` settles day-first, ``03/25/2024`` month-first), else by the setting or the
language.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.date_shapes import _Shape
from kpi.load.values.text import _count, _match
from kpi.read.raw import text_buffers
from kpi.texts.messages import english

# Day-first / month-first evidence (docs/DETAILS.md 32), any separator, 2- or 4-digit year:
# "25/03/2024" (first field 13-31, second 1-12) settles day-first,
# "03/25/2024" settles month-first; "05/03/2024" is ambiguous.
_DM_TAIL = r"[/.\-](?:\d{2}|\d{4})(?:[ Tt,].*)?"
_DAY_FIRST_EVIDENCE = r"(?:1[3-9]|2\d|3[01])[/.\-](?:0?[1-9]|1[0-2])" + _DM_TAIL
_MONTH_FIRST_EVIDENCE = r"(?:0?[1-9]|1[0-2])[/.\-](?:1[3-9]|2\d|3[01])" + _DM_TAIL
_DM_ANY = r"\d{1,2}[/.\-]\d{1,2}" + _DM_TAIL


@dataclass
class _Order:
    """The column's day/month order decision (docs/DETAILS.md 32)."""

    day_first: bool
    note: str | None = None
    error: str | None = None
    #: None: no value written d/m or m/d; True: the values decided; False: the default
    decided: bool | None = None


def _evidence_duckdb(con: duckdb.DuckDBPyConnection) -> tuple[int | None, int | None, int]:
    """(first day-first row, first month-first row, d/m values) over column ``e`` of
    table ``t`` in ``con`` (NULL rows are left out).

    The evidence is in the text before the first space ("25/03/2024" of
    "25/03/2024 14:30"): each distinct date part is matched once, keeping its first row.
    """
    df_row, mf_row, n_dm = con.sql(
        "WITH d AS (SELECT split_part(e, ' ', 1) AS p, min(i) AS i, count(*) AS c"
        " FROM t WHERE e IS NOT NULL GROUP BY p) SELECT"
        f" min(i) FILTER (WHERE regexp_full_match(p, '{_DAY_FIRST_EVIDENCE}')),"
        f" min(i) FILTER (WHERE regexp_full_match(p, '{_MONTH_FIRST_EVIDENCE}')),"
        f" sum(c) FILTER (WHERE regexp_full_match(p, '{_DM_ANY}'))"
        " FROM d"
    ).fetchall()[0]
    return df_row, mf_row, int(n_dm or 0)


def _evidence_of_shape(
    texts: pa.StringArray, guard: np.ndarray, shape: _Shape
) -> tuple[int | None, int | None, int]:
    """The evidence (as :func:`_evidence_duckdb`) of the texts that match ``shape``'s
    guard (``guard``: their rows), read from their bytes instead of matched.

    A year-first text holds none (it does not begin with a 1- or 2-digit field). A
    day/month one begins ``\\d{1,2}S\\d{1,2}S\\d{4}``: it is a d/m value, day-first when
    its first field is written with two digits 13-31 and its second is 1-12, month-first
    the other way round.
    """
    rows = np.flatnonzero(guard)
    if shape.dm_sep is None or len(rows) == 0:
        return None, None, 0
    buffers = text_buffers(texts)
    assert buffers is not None  # texts of a date column
    offsets, data = buffers
    # the first 8 bytes of each text as one little-endian integer (a text of the shape
    # has at least 8: "1/1/2024"), read through a view that starts at every byte
    words = np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
    head = words[offsets[rows]]
    b = [((head >> np.uint64(8 * k)) & np.uint64(0xFF)).astype(np.int16) for k in range(5)]
    sep = ord(shape.dm_sep)
    one = b[1] == sep  # "d/..." rather than "dd/..."
    first = np.where(one, b[0] - 48, (b[0] - 48) * 10 + b[1] - 48)
    s0, s1 = np.where(one, b[2], b[3]) - 48, np.where(one, b[3], b[4]) - 48
    second_one = np.where(one, b[3], b[4]) == sep
    second = np.where(second_one, s0, s0 * 10 + s1)
    day_first = ~one & (first >= 13) & (first <= 31) & (second >= 1) & (second <= 12)
    month_first = ~second_one & (second >= 13) & (second <= 31) & (first >= 1) & (first <= 12)
    i, j = int(np.argmax(day_first)), int(np.argmax(month_first))
    return (
        int(rows[i]) if day_first[i] else None,
        int(rows[j]) if month_first[j] else None,
        len(rows),
    )


def _joined(
    a: tuple[int | None, int | None, int], b: tuple[int | None, int | None, int]
) -> tuple[int | None, int | None, int]:
    """The evidence of two sets of rows together: the first rows, the counts summed."""

    def first(x: int | None, y: int | None) -> int | None:
        return y if x is None else x if y is None else min(x, y)

    return first(a[0], b[0]), first(a[1], b[1]), a[2] + b[2]


def _evidence_arrow(texts: pa.Array) -> tuple[int | None, int | None, int]:
    """The same as :func:`_evidence_duckdb` with pyarrow, for small columns."""

    def first(pattern: str) -> int | None:
        hits = pc.indices_nonzero(_match(texts, f"^{pattern}$"))
        return int(hits[0].as_py()) if len(hits) else None

    return (
        first(_DAY_FIRST_EVIDENCE),
        first(_MONTH_FIRST_EVIDENCE),
        _count(_match(texts, f"^{_DM_ANY}$")),
    )


def _date_order(
    t: pa.Array,
    evidence: tuple[int | None, int | None, int],
    lang: str,
    day_first: bool | None,
    why: str | None = None,
) -> _Order:
    """Decide day-first once per column (docs/DETAILS.md 32).

    A first field > 12 in any value settles day-first (``25/03/2024``), a second field
    > 12 month-first (``03/25/2024``), both is an error; neither: the ``day_first``
    setting, else the language (es: day-first, en: month-first).
    """
    df_row, mf_row, n_dm = evidence
    fallback = day_first if day_first is not None else lang == "es"
    if df_row is not None and mf_row is not None:
        df_ex, mf_ex = t[df_row].as_py(), t[mf_row].as_py()
        return _Order(
            fallback,
            error=english("load.msg.dates_mix", day_first=df_ex, month_first=mf_ex),
        )
    if df_row is not None:
        note = english("load.msg.day_first_by", example=t[df_row].as_py())
        return _Order(True, note, None, True)
    if mf_row is not None:
        note = english("load.msg.month_first_by", example=t[mf_row].as_py())
        return _Order(False, note, None, True)
    if not n_dm:
        return _Order(fallback)
    why = (
        (why or english("load.msg.by_setting"))
        if day_first is not None
        else english("load.msg.by_language", lang=lang)
    )
    key = "load.msg.day_first_ambiguous" if fallback else "load.msg.month_first_ambiguous"
    note = english(key, why=why)
    return _Order(fallback, note, None, False)
