"""One column of raw cell texts -> its canonical type (:func:`parse_column`).

The rules are docs/DATA.md "General rules" and docs/DETAILS.md 15, 19, 22, 25, 30-33; the kinds are
those of :mod:`kpi.schema`. Column-level decisions (decimal comma, day-first, epoch
seconds, checkbox, percent scale) are taken once per call, i.e. once per column of one
file, and reported in :attr:`ParsedColumn.note` so the user can see them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.dates import _parse_dates
from kpi.load.values.flags import _parse_bool
from kpi.load.values.numbers import _parse_numeric
from kpi.load.values.text import ParsedColumn, _any, _blanked, _falses, _match, _may_contain
from kpi.texts.messages import english


def _first_int(t: pa.Array) -> tuple[pa.Array, pa.Array]:
    """First integer in each text: ``L2`` -> 2, ``Tier 3`` -> 3, ``Nivel 2`` -> 2.

    Returns (int64 values, ok mask); done on the dictionary of distinct values.
    """
    enc = pc.dictionary_encode(t)
    f = pc.extract_regex(enc.dictionary, r"(?P<n>\d+)")
    # "007" -> "7", "0" -> "0"; no digit at all -> NULL
    digits = pc.utf8_ltrim(f.field("n"), "0")
    digits = pc.if_else(pc.is_valid(f), pc.if_else(pc.equal(digits, ""), "0", digits), None)
    fits = pc.fill_null(pc.less_equal(pc.utf8_length(digits), 18), False)
    d_values = pc.cast(pc.if_else(fits, digits, pa.scalar(None, pa.string())), pa.int64())
    values = pc.take(d_values, enc.indices)
    return values, pc.is_valid(values)


#: kinds a low-cardinality column of is parsed on its distinct values only; numbers
#: are, with each distinct value's row count as its weight in the decimal-mark vote
#: (a majority of rows, docs/DETAILS.md 32)
_BY_DISTINCT = frozenset(["text", "id", "ts", "date", "bool", "tier", "num", "hours", "pct", "int"])
_NUMBER_KINDS = frozenset(["num", "hours", "pct", "int"])
#: columns at least this long are checked for low cardinality
_DISTINCT_MIN_ROWS = 20_000
_DISTINCT_SAMPLE = 10_000


def parse_column(
    raw: pa.Array | pa.ChunkedArray,
    kind: str,
    *,
    lang: str = "en",
    tz: str = "UTC",
    day_first: bool | None = None,
    inverted: bool = False,
    decimal: str | None = None,
    why: str | None = None,
) -> ParsedColumn:
    """Coerce raw cell texts to the canonical type of ``kind``.

    Columns that repeat few values (status, client, a date without time, a flag) are
    parsed once per distinct value and the results spread back: a 1.7M-row time entry
    export has ~700 distinct dates.

    Args:
        raw: the raw cell texts of one column of one file.
        kind: one of :data:`kpi.schema.KINDS`.
        lang: ``en`` or ``es``; decides ambiguous day/month order (es: day-first) and
            decimal separator (es: comma) when the values do not.
        tz: the report time zone (IANA name); values with an offset and epoch values
            are converted to it. Naive values are taken as already local.
        day_first: a preset for ambiguous dates; the values still win when they decide.
        inverted: flip a bool column (``isNonBillable``).
        decimal: ``"."`` or ``","``, a preset for numbers whose values do not decide.
        why: where ``day_first`` or ``decimal`` comes from, for the column's note
            (default "setting").

    Returns:
        The :class:`ParsedColumn`.

    Raises:
        ValueError: an unknown kind, time zone or decimal separator.

    Examples:
        >>> parse_column(pa.array(["(420.81)", "1.234,5"]), "num").values.to_pylist()
        [-420.81, 1234.5]
    """
    arr = raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw
    opts: dict[str, Any] = dict(
        lang=lang, tz=tz, day_first=day_first, inverted=inverted, decimal=decimal, why=why
    )
    if kind in _BY_DISTINCT and len(arr) >= _DISTINCT_MIN_ROWS:
        sample = arr.slice(0, _DISTINCT_SAMPLE)
        if pc.count_distinct(sample).as_py() * 5 < len(sample):
            enc = pc.dictionary_encode(arr)
            if kind in _NUMBER_KINDS:
                # rows per distinct value (NULL indices are empty cells: no vote)
                idx_np = enc.indices.drop_null().to_numpy()
                opts["weights"] = pa.array(np.bincount(idx_np, minlength=len(enc.dictionary)))
            once = _parse_direct(enc.dictionary, kind, **opts)
            idx = enc.indices

            def spread(mask: pa.Array | None) -> pa.Array | None:
                return None if mask is None else pc.fill_null(pc.take(mask, idx), False)

            return ParsedColumn(
                values=pc.take(once.values, idx),
                invalid=spread(once.invalid),
                reason=once.reason,
                warnings=spread(once.warnings),
                warning_reason=once.warning_reason,
                note=once.note,
                error=once.error,
                order=once.order,
                mark=once.mark,
            )
    return _parse_direct(arr, kind, **opts)


def _parse_direct(
    raw: pa.Array,
    kind: str,
    *,
    lang: str,
    tz: str,
    day_first: bool | None,
    inverted: bool,
    decimal: str | None,
    weights: pa.Array | None = None,
    why: str | None = None,
) -> ParsedColumn:
    """:func:`parse_column` over every value (``weights``: rows per value, for numbers)."""
    t, empty = _blanked(raw)
    n = len(t)
    nonempty = pc.invert(empty)
    if kind == "text":
        return ParsedColumn(values=t, invalid=_falses(n))
    if kind == "id":
        return _parse_id(t)
    if kind in ("ts", "date"):
        return _parse_dates(t, empty, kind, lang=lang, tz=tz, day_first=day_first, why=why)
    if kind == "bool":
        return _parse_bool(t, empty, inverted)
    if kind == "tier":
        values, ok = _first_int(t)
        invalid = pc.and_(nonempty, pc.invert(ok))
        return ParsedColumn(
            values=values,
            invalid=invalid,
            reason="no level number (expected e.g. L2, Tier 3, 2)" if _any(invalid) else None,
        )
    if kind in ("num", "hours", "pct", "int"):
        return _parse_numeric(t, empty, kind, lang=lang, decimal=decimal, weights=weights, why=why)
    raise ValueError(f"unknown column kind {kind!r}")


def _parse_id(t: pa.Array) -> ParsedColumn:
    """id columns: the text as it is, warned where Excel turned a long id into a rounded
    number (``1.03006E+13``)."""
    n = len(t)
    # "1.03006E+13": Excel turned a long id into a rounded number
    sci = (
        _match(t, r"^[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+$")
        if _may_contain(t, ("e", "E"))  # the usual id column has no letter e at all
        else _falses(n)
    )
    return ParsedColumn(
        values=t,
        invalid=_falses(n),
        warnings=sci,
        warning_reason=english("load.msg.excel_sci") if _any(sci) else None,
    )
