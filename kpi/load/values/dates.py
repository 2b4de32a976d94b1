"""Dates and timestamps (docs/DATA.md Dates, docs/DETAILS.md 30, 32, 33).

Dates go through two paths that give the same answers:

* a fast path for columns of 2,000 rows or more: the most common plain shape of the
  column (``dd/mm/yyyy hh:mm``, ``yyyy-mm-dd hh:mm:ss``, ...) is parsed by DuckDB's
  ``try_strptime``, guarded by a regular expression that admits only that exact shape
  (:mod:`kpi.load.values.date_shapes`);
* the general path (everything else: month names, AM/PM, offsets, 2-digit years,
  fractions): one regular expression per family extracts the fields, and the timestamp
  is computed arithmetically and validated by a round trip (``31/02/2024`` is invalid).

The day/month order is decided once per column (:mod:`kpi.load.values.date_order`); bare
numbers are Excel serial days or epoch seconds or milliseconds, one mode per column.
"""

from __future__ import annotations

import zoneinfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.date_order import (
    _date_order,
    _evidence_arrow,
    _evidence_duckdb,
    _evidence_of_shape,
    _joined,
    _Order,
)
from kpi.load.values.date_shapes import _connection, _fast_dates, _pick_shape, _Shape, _Written
from kpi.load.values.text import ParsedColumn, _any, _count, _falses, _mask_where, _match, _scatter
from kpi.texts.messages import english

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_US_PER_DAY = 24 * _US_PER_HOUR
#: Excel serial day 0 is 1899-12-30, i.e. 25569 days before 1970-01-01
_EXCEL_EPOCH_DAYS = -25_569

#: date columns with fewer rows skip DuckDB (its per-query cost beats its speed there):
#: the day/month evidence is then found with pyarrow and every date takes the general path
_DUCKDB_MIN_ROWS = 2_000


# Time of day after a date: " 14:30", "T14:30:00", " 9:05:07.123", ", 2:30".
_TIME = (
    r"(?:(?:\s*t\s*|\s+|,\s*)(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2})(?:[.,](?P<F>\d{1,9}))?)?)?"
)
# AM/PM: "pm", "p.m.", "p. m." (Spanish Excel), "AM".
_AMPM = r"(?:\s*(?P<ap>[ap])\.?\s?m\.?)?"
# Zone: "z", "+02:00", "+0200", "-05", "utc", "gmt+1", "utc+02:00".
_ZONE = r"(?:\s*(?P<tz>z|(?:utc|gmt)?\s?[+-]\d{1,2}(?::?\d{2})?|utc|gmt))?"
_TAIL = _TIME + _AMPM + _ZONE + "$"
# Numeric dates (on lower-cased text): "2024-03-05t14:30:00+02:00", "2024/03/05",
# "25/03/2024 14:30", "3/25/2024 2:30 pm", "05-03-2024 10:00", "05.03.24".
_DATE_NUMERIC_RE = r"^(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})" + _TAIL
# Day, month name, year: "5 mar 2024", "12-ene-24", "05/mar/24 2:30 pm" (Jira),
# "5 de marzo de 2024", "tue, 05 mar 2024 14:30:00 +0000", "1st january 2024".
_DATE_DAY_WORD_RE = (
    r"^(?:\p{L}+\.?,?\s+)?(?P<d>\d{1,2})(?:st|nd|rd|th|º|ª)?(?:\s+de\s+|[\s/.\-]*)"
    r"(?P<mon>\p{L}+)\.?(?:\s+de\s+|[\s/.\-,]+)(?P<y>\d{4}|\d{2})" + _TAIL
)
# Month name, day, year: "march 5, 2024", "mar 5 2024 10:00", "tue mar 05 2024".
_DATE_WORD_DAY_RE = (
    r"^(?:\p{L}+\.?,?\s+)?(?P<mon>\p{L}+)\.?[\s/\-]+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+"
    r"(?P<y>\d{4})" + _TAIL
)
# Offsets: "+02:00" -> +120 min, "-0530" -> -330, "gmt+1" -> +60.
_OFFSET_RE = r"(?P<sg>[+-])(?P<oh>\d{1,2})(?::?(?P<om>\d{2}))?$"
# A bare number in a date column: Excel serial "45356.5" / "45356,5", epoch "1709640000".
_DATE_NUMBER_RE = r"^\d{1,13}(?:[.,]\d+)?$"

_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        "january jan enero ene",
        "february feb febrero",
        "march mar marzo",
        "april apr abril abr",
        "may mayo",
        "june jun junio",
        "july jul julio",
        "august aug agosto ago",
        "september sep sept septiembre setiembre set",
        "october oct octubre",
        "november nov noviembre",
        "december dec diciembre dic",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _i
_MONTH_NAMES = pa.array(list(_MONTHS))
_MONTH_NUMBERS = pa.array(list(_MONTHS.values()), pa.int64())


def _int_field(s: pa.Array, default: int = 0) -> pa.Array:
    """Digit strings to int64; ``''`` (an optional group that did not take part) -> default."""
    return pc.cast(pc.if_else(pc.equal(s, ""), str(default), s), pa.int64())


def _days_from_civil(y: pa.Array, m: pa.Array, d: pa.Array) -> pa.Array:
    """Days since 1970-01-01 for a proleptic Gregorian date (years >= 1).

    H. Hinnant's algorithm: 2024-03-05 -> 19787. Out-of-range months or days give some
    other day, which the caller's round-trip check rejects.
    """
    jan_feb = pc.less_equal(m, 2)
    y2 = pc.subtract(y, pc.cast(jan_feb, pa.int64()))
    era = pc.divide(y2, 400)
    yoe = pc.subtract(y2, pc.multiply(era, 400))
    mp = pc.if_else(jan_feb, pc.add(m, 9), pc.subtract(m, 3))
    doy = pc.add(pc.divide(pc.add(pc.multiply(mp, 153), 2), 5), pc.subtract(d, 1))
    doe = pc.add(
        pc.subtract(
            pc.add(pc.multiply(yoe, 365), pc.divide(yoe, 4)),
            pc.divide(yoe, 100),
        ),
        doy,
    )
    return pc.subtract(pc.add(pc.multiply(era, 146_097), doe), 719_468)


def _assemble(
    y_s: pa.Array,
    m: pa.Array,
    d_s: pa.Array,
    f: pa.StructArray,
) -> _Written:
    """Timestamp from extracted fields; ``f`` holds the H, M, S, F, ap and tz groups."""
    # 2-digit years: "24" -> 2024, "69" -> 2069, "70" -> 1970, "99" -> 1999
    y_len = pc.utf8_length(y_s)
    y = _int_field(y_s)
    y = pc.if_else(
        pc.equal(y_len, 2), pc.if_else(pc.less(y, 70), pc.add(y, 2000), pc.add(y, 1900)), y
    )
    year_ok = pc.or_(pc.equal(y_len, 2), pc.equal(y_len, 4))
    d = _int_field(d_s)
    has_time = pc.not_equal(f.field("H"), "")
    hour = _int_field(f.field("H"))
    minute = _int_field(f.field("M"))
    second = _int_field(f.field("S"))
    # fraction "123" -> 123000 µs; digits past the sixth are dropped
    frac = pc.utf8_slice_codeunits(pc.utf8_rpad(f.field("F"), 6, "0"), 0, 6)
    micro = pc.cast(frac, pa.int64())
    ap = f.field("ap")
    has_ap = pc.not_equal(ap, "")
    # 12 am -> 0, 1 am -> 1, 12 pm -> 12, 1 pm -> 13; with am/pm the hour must be 1-12
    raw_hour = hour
    hour12 = pc.if_else(pc.equal(hour, 12), 0, hour)
    hour = pc.if_else(has_ap, pc.if_else(pc.equal(ap, "p"), pc.add(hour12, 12), hour12), hour)
    in_1_12 = pc.and_(pc.greater_equal(raw_hour, 1), pc.less_equal(raw_hour, 12))
    ap_ok = pc.if_else(has_ap, pc.and_(has_time, in_1_12), True)
    time_ok = pc.and_(
        pc.and_(pc.less_equal(hour, 23), pc.less_equal(minute, 59)), pc.less_equal(second, 59)
    )
    days = _days_from_civil(y, m, d)
    date = pc.cast(days, pa.int32()).cast(pa.date32())
    date_ok = pc.and_(
        pc.and_(pc.equal(pc.year(date), y), pc.equal(pc.month(date), m)),
        pc.equal(pc.day(date), d),
    )
    us = pc.add(
        pc.add(
            pc.multiply(days, _US_PER_DAY),
            pc.add(pc.multiply(hour, _US_PER_HOUR), pc.multiply(minute, _US_PER_MINUTE)),
        ),
        pc.add(pc.multiply(second, _US_PER_SECOND), micro),
    )
    offset, off_ok = _offsets(f.field("tz"))
    ok = pc.and_(pc.and_(pc.and_(year_ok, ap_ok), pc.and_(time_ok, date_ok)), off_ok)
    ok = pc.fill_null(ok, False)
    return _Written(us, offset, ok)


def _offsets(tz: pa.Array) -> tuple[pa.Array, pa.Array]:
    """Zone text to minutes east of UTC: ``z``/``utc``/``gmt`` -> 0, ``+02:00`` -> 120,
    ``-0530`` -> -330, ``''`` -> NULL (naive). Returns (minutes, ok)."""
    n = len(tz)
    minutes = pa.nulls(n, pa.int64())
    ok = pa.array(np.ones(n, dtype=bool))
    zero = pc.is_in(tz, value_set=pa.array(["z", "utc", "gmt"]))
    minutes = pc.if_else(zero, 0, minutes)
    numeric = pc.and_(pc.not_equal(tz, ""), pc.invert(zero))
    if _any(numeric):
        g = pc.extract_regex(pc.filter(tz, numeric), _OFFSET_RE)
        oh = _int_field(g.field("oh"))
        om = _int_field(g.field("om"))
        total = pc.add(pc.multiply(oh, 60), om)
        total = pc.if_else(pc.equal(g.field("sg"), "-"), pc.negate(total), total)
        good = pc.and_(pc.less_equal(oh, 14), pc.less_equal(om, 59))
        minutes = _scatter(minutes, numeric, total)
        ok = _scatter(ok, numeric, pc.fill_null(good, False))
    return minutes, ok


def _general_dates(g: pa.Array, day_first: bool) -> _Written:
    """Parse lower-cased date texts with the three regex families (see module doc)."""
    n = len(g)
    us = pa.nulls(n, pa.int64())
    offset = pa.nulls(n, pa.int64())
    ok = _falses(n)
    todo = pc.invert(pc.is_null(g))

    # 1. numeric: a/b/c with a 4-digit a = year first, else year last and d/m by order
    # a capture-free match first (fast), the extraction only where it matched
    hit = pc.and_(todo, _match(g, _DATE_NUMERIC_RE))
    if _any(hit):
        sub = pc.extract_regex(pc.filter(g, hit), _DATE_NUMERIC_RE)
        a, b, c = sub.field("a"), sub.field("b"), sub.field("c")
        len_a, len_c = pc.utf8_length(a), pc.utf8_length(c)
        year_first = pc.equal(len_a, 4)
        y_s = pc.if_else(year_first, a, c)
        m_s = pc.if_else(year_first, b, b if day_first else a)
        d_s = pc.if_else(year_first, c, a if day_first else b)
        w = _assemble(y_s, _int_field(m_s), d_s, sub)
        # "2024-03-2024" and "123/4/2024" are not dates
        shape_ok = pc.if_else(year_first, pc.less_equal(len_c, 2), pc.less_equal(len_a, 2))
        us = _scatter(us, hit, w.us)
        offset = _scatter(offset, hit, w.offset)
        ok = _scatter(ok, hit, pc.and_(w.ok, shape_ok))
        todo = pc.and_(todo, pc.invert(hit))

    # 2./3. month names: "5 mar 2024", "march 5, 2024"
    for pattern in (_DATE_DAY_WORD_RE, _DATE_WORD_DAY_RE):
        if not _any(todo):
            break
        hit = pc.and_(todo, _match(g, pattern))
        if not _any(hit):
            continue
        sub = pc.extract_regex(pc.filter(g, hit), pattern)
        month = pc.take(_MONTH_NUMBERS, pc.index_in(sub.field("mon"), value_set=_MONTH_NAMES))
        w = _assemble(sub.field("y"), month, sub.field("d"), sub)
        us = _scatter(us, hit, w.us)
        offset = _scatter(offset, hit, w.offset)
        ok = _scatter(ok, hit, w.ok)
        todo = pc.and_(todo, pc.invert(hit))

    return _Written(pc.if_else(ok, us, pa.scalar(None, pa.int64())), offset, ok)


def _utc_to_local(us: pa.Array, tz: str) -> pa.Array:
    """UTC microseconds -> naive wall-clock microseconds in ``tz``."""
    if tz == "UTC":
        return us
    aware = us.cast(pa.timestamp("us", tz=tz))
    return pc.local_timestamp(aware).cast(pa.int64())


def _check_tz(tz: str) -> None:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r} (use an IANA name like Europe/Madrid)") from exc


def _numeric_dates(numbers: pa.Array) -> tuple[_Written, pa.Array, str | None]:
    """Bare numbers of a date column: one mode per column, the most frequent of
    Excel serial days, epoch seconds and epoch milliseconds; other numbers are invalid.

    Returns (dates as written, sentinel mask, mode or None).
    """
    v = pc.cast(pc.replace_substring(numbers, ",", "."), pa.float64())
    whole = pc.floor(v)
    frac = pc.subtract(v, whole)
    ip = pc.cast(whole, pa.int64())
    # the modes are their column notes too (load.msg.excel_serial, load.msg.epoch_*)
    classes = {
        # 45356.5 -> 2024-03-05 12:00 (days since 1899-12-30, local time)
        "Excel serial dates": pc.and_(pc.greater_equal(v, 20_000), pc.less_equal(v, 80_000)),
        # 1709640000 -> 2024-03-05 12:00:00 UTC (9-10 digits)
        "epoch seconds": pc.and_(pc.greater_equal(v, 1e8), pc.less(v, 1e10)),
        # 1709640000000 -> the same instant (12-13 digits)
        "epoch milliseconds": pc.and_(pc.greater_equal(v, 1e11), pc.less(v, 1e13)),
    }
    # Excel serials 0 and 1 (1899-12-30 / 1900-01-01) are the "no date" sentinels
    sentinel = pc.less(v, 2.0)
    counts = {name: _count(mask) for name, mask in classes.items()}
    mode = max(counts, key=lambda k: counts[k])  # ties: the order above
    if not counts[mode]:
        none = pa.nulls(len(v), pa.int64())
        return _Written(none, none, _falses(len(v))), sentinel, None
    if mode == "Excel serial dates":
        # milliseconds of the day rounded: 45356.604166666664 -> 14:30:00.000
        ms_of_day = pc.cast(pc.round(pc.multiply(frac, 86_400_000.0)), pa.int64())
        us = pc.add(
            pc.multiply(pc.add(ip, _EXCEL_EPOCH_DAYS), _US_PER_DAY), pc.multiply(ms_of_day, 1000)
        )
        offset = pa.nulls(len(v), pa.int64())
    else:
        unit = _US_PER_SECOND if mode == "epoch seconds" else 1000
        us = pc.add(
            pc.multiply(ip, unit), pc.cast(pc.round(pc.multiply(frac, float(unit))), pa.int64())
        )
        offset = pa.array(np.zeros(len(v), dtype=np.int64))  # epochs are UTC
    ok = classes[mode]
    return _Written(us, offset, ok), sentinel, mode


#: a clean export's dates: ISO, no zone, one length per column: "2024-03-05" (10),
#: "2024-03-05 14:30" (16), "2024-03-05T14:30:00" (19). Arrow's ISO parser refuses a
#: zone or the basic forms ("1430") for a naive timestamp, and the lengths leave out its
#: hour-only (13) and fraction (20+) forms: every value it reads at these lengths is one
#: the general path reads the same
_ISO_LENGTHS = frozenset([10, 16, 19])
#: the general path's first year (0000-01-01 is not a date there)
_ISO_MIN = pa.scalar(-62_135_596_800_000_000, pa.timestamp("us"))  # 0001-01-01 00:00
_ISO_SAMPLE = 1_000


def _iso_cast(t: pa.Array) -> pa.Array | None:
    """``t`` as naive timestamps by Arrow's ISO parser; None when a value fails it."""
    try:
        return pc.cast(t, pa.timestamp("us"))
    except pa.ArrowInvalid:
        return None


def _iso_written(t: pa.Array) -> _Written | None:
    """The fast path of a clean column (issue 23): when every non-empty value is an ISO
    date or timestamp of one of :data:`_ISO_LENGTHS`, all of one length, and Arrow's own
    parser reads every one of them in one cast, the dates as written; else None, and the
    column takes the paths of the module docstring, which reject each bad value with
    its reason.

    Arrow's cast is as strict as the general path: ``2023-02-29``, ``24:00`` and
    ``23:59:60`` fail it, so one such value sends the whole column the general way.
    Short columns skip it (:data:`_DUCKDB_MIN_ROWS`), as they skip the fast path."""
    n = len(t)
    if n < _DUCKDB_MIN_ROWS or t.null_count == n:
        return None
    # most columns of another shape stop at their first values
    if _iso_cast(t.slice(0, _ISO_SAMPLE)) is None:
        return None
    lengths = pc.min_max(pc.utf8_length(t))  # NULL (empty) skipped
    shortest, longest = lengths["min"].as_py(), lengths["max"].as_py()
    if shortest != longest or shortest not in _ISO_LENGTHS:
        return None
    ts = _iso_cast(t)
    if ts is None or pc.less(pc.min(ts), _ISO_MIN).as_py():
        return None
    return _Written(ts.cast(pa.int64()), pa.nulls(n, pa.int64()), pc.is_valid(ts))


def _parse_dates(
    t: pa.Array,
    empty: pa.Array,
    kind: str,
    *,
    lang: str,
    tz: str,
    day_first: bool | None,
    why: str | None = None,
) -> ParsedColumn:
    """ts / date columns (docs/DATA.md Dates, docs/DETAILS.md 30, 32, 33)."""
    _check_tz(tz)
    n = len(t)
    nonempty = pc.invert(empty)
    iso = _iso_written(t)
    if iso is not None:  # a clean column: nothing to decide, nothing invalid
        values, invalid = _values(iso, _falses(n), nonempty, kind, tz)
        return ParsedColumn(values=values, invalid=invalid)
    # a bare number has no "/" (most date texts do: the regex runs on the rest only)
    maybe_number = pc.and_(nonempty, pc.invert(pc.fill_null(pc.match_substring(t, "/"), True)))
    numeric = _mask_where(t, maybe_number, lambda x: _match(x, _DATE_NUMBER_RE))
    text_rows = pc.and_(nonempty, pc.invert(numeric))
    order = _Order(day_first if day_first is not None else lang == "es")
    shape: _Shape | None = None
    w = _Written(pa.nulls(n, pa.int64()), pa.nulls(n, pa.int64()), _falses(n))

    if _any(text_rows):
        # t is NULL where empty (_blanked): without numbers the texts are t itself
        any_number = _any(numeric)
        texts = pc.if_else(text_rows, t, pa.scalar(None, pa.string())) if any_number else t
        if n < _DUCKDB_MIN_ROWS:
            order = _date_order(t, _evidence_arrow(texts), lang, day_first, why)
        else:
            order, shape, w = _fast_path(t, texts, text_rows, w, lang, day_first, why)
        if order.error:
            out_type = pa.timestamp("us") if kind == "ts" else pa.date32()
            return ParsedColumn(
                values=pa.nulls(n, out_type),
                invalid=nonempty,
                reason=order.error,
                error=order.error,
            )
        # the general path for the rest, each distinct text once (exports repeat dates)
        rest = pc.and_(text_rows, pc.invert(w.ok))
        if _any(rest):
            enc = pc.dictionary_encode(pc.filter(t, rest))
            g = _general_dates(pc.utf8_lower(enc.dictionary), order.day_first)
            w = _Written(
                _scatter(w.us, rest, pc.take(g.us, enc.indices)),
                _scatter(w.offset, rest, pc.take(g.offset, enc.indices)),
                _scatter(w.ok, rest, pc.take(g.ok, enc.indices)),
            )

    notes = [order.note] if order.note else []
    sentinel = _falses(n)
    mode = None
    if _any(numeric):
        num, num_sentinel, mode = _numeric_dates(pc.filter(t, numeric))
        w = _Written(
            _scatter(w.us, numeric, num.us),
            _scatter(w.offset, numeric, num.offset),
            _scatter(w.ok, numeric, num.ok),
        )
        sentinel = _scatter(sentinel, numeric, num_sentinel)
        if mode:
            notes.append(mode)

    values, invalid = _values(w, sentinel, nonempty, kind, tz)
    reason = _invalid_reason(t, text_rows, mode, shape, order) if _any(invalid) else None
    return ParsedColumn(
        values=values,
        invalid=invalid,
        reason=reason,
        note="; ".join(notes) or None,
        order=None if order.decided is None else (order.day_first, order.decided),
    )


def _fast_path(
    t: pa.Array,
    texts: pa.Array,
    text_rows: pa.Array,
    w: _Written,
    lang: str,
    day_first: bool | None,
    why: str | None,
) -> tuple[_Order, _Shape | None, _Written]:
    """A long column's day/month order, its most common plain shape (None when the order
    is an error) and the dates of that shape (else ``w``): the fast path of the module
    docstring."""
    n = len(t)
    shape: _Shape | None = None
    con = _connection()
    like = _pick_shape(t, text_rows)
    guard = _match(texts, f"^{like.guard}$") if like is not None else _falses(n)
    # the evidence of the texts of the shape is read from their bytes; the
    # others (usually none) are matched in DuckDB
    fits = guard.to_numpy(zero_copy_only=False)
    evidence = _evidence_of_shape(texts, fits, like) if like is not None else (None, None, 0)
    if int(fits.sum()) == n - texts.null_count:  # every text is of the shape
        others = pa.nulls(n, pa.string())
    else:
        others = pc.if_else(guard, pa.scalar(None, pa.string()), texts)
    try:
        con.register(
            "t",
            pa.table({"s": texts, "i": pa.array(np.arange(n)), "g": guard, "e": others}),
        )
        if others.null_count < n:
            evidence = _joined(evidence, _evidence_duckdb(con))
        order = _date_order(t, evidence, lang, day_first, why)
        shape = None if order.error else like
        if shape is not None:
            w = _fast_dates(con, shape, order.day_first)
    finally:
        con.unregister("t")
    return order, shape, w


def _values(
    w: _Written, sentinel: pa.Array, nonempty: pa.Array, kind: str, tz: str
) -> tuple[pa.Array, pa.Array]:
    """The column's values from its dates as written, and its invalid rows: sentinel
    dates are empty (docs/DETAILS.md 33), dates with an offset and epochs go to the report zone's
    wall clock (docs/DETAILS.md 30)."""
    us = pc.if_else(w.ok, w.us, pa.scalar(None, pa.int64()))
    # sentinels by the date as written, before any zone conversion (docs/DETAILS.md 33)
    written_day = us.cast(pa.timestamp("us")).cast(pa.date32())  # floors: 23:59 -> same day
    sentinel_days = pa.array([-25_569, -25_567], pa.int32()).cast(
        pa.date32()
    )  # 1899-12-30, 1900-01-01
    sentinel = pc.or_(pc.fill_null(pc.is_in(written_day, value_set=sentinel_days), False), sentinel)
    # offsets and epochs: to UTC, then to the report zone's wall clock (docs/DETAILS.md 30)
    has_off = pc.and_(w.ok, pc.is_valid(w.offset))
    if _any(has_off):
        utc = pc.subtract(us, pc.multiply(w.offset, _US_PER_MINUTE))
        us = pc.if_else(has_off, _utc_to_local(utc, tz), us)

    keep = pc.and_(w.ok, pc.invert(sentinel))
    ts = pc.if_else(keep, us, pa.scalar(None, pa.int64())).cast(pa.timestamp("us"))
    values = ts if kind == "ts" else pc.cast(ts, pa.date32())
    invalid = pc.and_(pc.and_(nonempty, pc.invert(w.ok)), pc.invert(sentinel))
    return values, invalid


def _invalid_reason(
    t: pa.Array, text_rows: pa.Array, mode: str | None, shape: _Shape | None, order: _Order
) -> str:
    """Why the invalid values of a date column are invalid: what the column holds."""
    if mode is not None and not _any(text_rows):
        return english("load.msg.not_date_holds", mode=mode)
    # the shape most values have, also for short columns that skip the fast path:
    # "2025-02-30" among ISO dates is "expected yyyy-mm-dd", whatever the length
    like = shape if shape is not None else _pick_shape(t, text_rows)
    if like is not None:
        label = like.day_first_label if order.day_first else like.month_first_label
    else:
        label = "dd/mm/yyyy" if order.day_first else "mm/dd/yyyy"
    return english("load.msg.not_date", shape=label)
