"""Vectorised coercion of raw cell text into the canonical typed columns.

Every function takes a pyarrow string array (``Array`` or ``ChunkedArray``, nulls allowed)
holding the cell texts exactly as a reader produced them, and works on whole columns with
:mod:`pyarrow.compute` and DuckDB (never a Python loop over rows). The rules are DATA.md
"General rules" and DETAILS.md 15, 19, 22, 25, 30-33; the kinds are those of
:mod:`kpi.schema`.

Column-level decisions (decimal comma, day-first, epoch seconds, checkbox, percent scale)
are taken once per call, i.e. once per column of one file, and reported in
:attr:`ParsedColumn.note` so the user can see them.

Dates go through two paths that give the same answers:

* a fast path for columns of 2,000 rows or more: the most common plain shape of the
  column (``dd/mm/yyyy hh:mm``, ``yyyy-mm-dd hh:mm:ss``, ...) is parsed by DuckDB's
  ``try_strptime``, guarded by a regular expression that admits only that exact shape;
* the general path (everything else: month names, AM/PM, offsets, 2-digit years,
  fractions): one regular expression per family extracts the fields, and the timestamp
  is computed arithmetically and validated by a round trip (``31/02/2024`` is invalid).
"""

from __future__ import annotations

import itertools
import re
import threading
import unicodedata
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.read.raw import may_need_trim, text_buffers

__all__ = [
    "ParsedColumn",
    "billing_key",
    "clean_text",
    "empty_mask",
    "parse_billing_months",
    "parse_column",
    "parse_csat",
    "parse_currency",
    "parse_money",
    "unknown_billing_periods",
]

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_US_PER_HOUR = 60 * _US_PER_MINUTE
_US_PER_DAY = 24 * _US_PER_HOUR
#: Excel serial day 0 is 1899-12-30, i.e. 25569 days before 1970-01-01
_EXCEL_EPOCH_DAYS = -25_569

#: date columns with fewer rows skip DuckDB (its per-query cost beats its speed there):
#: the day/month evidence is then found with pyarrow and every date takes the general path
_DUCKDB_MIN_ROWS = 2_000


@dataclass
class ParsedColumn:
    """One column coerced to its canonical type.

    Attributes:
        values: the typed values: string (text/id), timestamp[us] naive local wall-clock
            (ts), date32 (date), float64 (num/hours/pct), int64 (int/tier), bool (bool).
            NULL where the raw value is empty or invalid.
        invalid: True where the raw value is non-empty but unusable.
        reason: why the invalid ones are invalid (user-facing); None when none is.
        warnings: True where the value was parsed but deserves a warning; None when
            the kind never warns.
        warning_reason: why the warned ones are warned.
        note: a column-level decision shown to the user ("decimal comma",
            "day-first (decided by values like 25/03/2024)", "checkbox column", ...).
        error: a column-level error; then every non-empty value is invalid.
        info: True where a value was read and deserves to be listed, not warned
            (a one-time contract: no MRR by design); None when none is.
        info_reason: why the listed ones are listed.
        currency: the currency each cell of a money column writes (see
            :func:`parse_money`).
        order: how d/m dates were read: (day-first, decided by the values).
        mark: how decimal marks were read: (the mark, decided by the values).
    """

    values: pa.Array
    invalid: pa.Array
    reason: str | None = None
    warnings: pa.Array | None = None
    warning_reason: str | None = None
    note: str | None = None
    error: str | None = None
    info: pa.Array | None = None
    info_reason: str | None = None
    #: money columns (:func:`parse_money`): the currency each cell writes (an ISO code,
    #: ``$``, or NULL where the cell names none); None for other columns
    currency: pa.Array | None = None
    #: dates written d/m or m/d: (day-first applied, decided by the values); None when no
    #: value is written so (ISO, Excel serials). Ingestion reads a column its values do
    #: not decide like the other date columns of the same table (kpi.ingest.coerce).
    order: tuple[bool, bool] | None = None
    #: numbers with a decimal mark: (the mark applied, decided by the values); None when
    #: no value has one
    mark: tuple[str, bool] | None = None


# --------------------------------------------------------------------------- basics


def _as_strings(raw: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """One contiguous ``string`` array from whatever string-ish array a reader gave."""
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks() if raw.num_chunks else pa.array([], type=raw.type or pa.string())
    if pa.types.is_dictionary(raw.type):
        raw = raw.dictionary_decode()
    if raw.type != pa.string():
        raw = pc.cast(raw, pa.string())
    return raw


def _any(mask: pa.Array) -> bool:
    """True when a boolean array has at least one True (nulls count as False)."""
    return bool(pc.any(mask).as_py())


def _count(mask: pa.Array) -> int:
    """Number of True in a boolean array (nulls count as False)."""
    return int(pc.sum(pc.cast(pc.fill_null(mask, False), pa.int64())).as_py() or 0)


def _falses(n: int) -> pa.Array:
    return pa.array(np.zeros(n, dtype=bool))


def _scatter(base: pa.Array, mask: pa.Array, sub: pa.Array) -> pa.Array:
    """Write ``sub`` (one value per True of ``mask``) into ``base`` where mask is True."""
    if len(sub) == 0:
        return base
    return pc.replace_with_mask(base, pc.fill_null(mask, False), sub.cast(base.type))


def _mask_where(t: pa.Array, where: pa.Array, test: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``test`` (a bool mask of texts) where ``where`` holds, False elsewhere; run on just
    those texts when they are few (a regex over a million texts costs tens of ms)."""
    if _count(where) * 4 > len(t):
        return pc.and_(where, pc.fill_null(test(t), False))
    return _scatter(_falses(len(t)), where, test(pc.filter(t, where)))


def _group(found: pa.StructArray, name: str) -> pa.Array:
    """A named group of an ``extract_regex`` result, NULL where the regex did not match."""
    return pc.if_else(pc.is_valid(found), found.field(name), pa.scalar(None, pa.string()))


def _match(arr: pa.Array, pattern: str) -> pa.Array:
    """Regex match as a null-free bool mask."""
    return pc.fill_null(pc.match_substring_regex(arr, pattern), False)


def _fold(arr: pa.Array) -> pa.Array:
    """Lower-case, strip accents, drop spaces, ``_``, ``-`` and ``.``.

    Used on small dictionaries of distinct values only. ``Sí`` -> ``si``,
    ``Within SLA`` -> ``withinsla``, ``Do Not Bill`` -> ``donotbill``,
    ``Semi-annual`` -> ``semiannual``.
    """
    low = pc.utf8_lower(pc.utf8_normalize(arr, form="NFD"))
    return pc.replace_substring_regex(low, r"\p{Mn}|[\s_\-.\x{00a0}]", "")


# Empty tokens, compared case-insensitively: every case variant of n/a, null, none.
_EMPTY_WORDS = ("n/a", "null", "none")
_EMPTY_CASED = {
    "".join(chars)
    for word in _EMPTY_WORDS
    for chars in itertools.product(*((c.lower(), c.upper()) for c in word))
}
_EMPTY_TOKENS = pa.array(["", "?", "-", *sorted(_EMPTY_CASED)])
_EMPTY_TOKEN_BYTES = max(len(x.encode()) for x in _EMPTY_TOKENS.to_pylist())

# Sentinel "no date" values (DETAILS 33) in any written format and with any time:
# 1899-12-30, 1899/12/30 10:00, 30/12/1899, 12/30/1899, 1900-01-01T00:00:00Z, 1/1/1900,
# 01.01.1900, 30-Dec-1899, 30 dic 1899, Jan 1, 1900.
_SENTINEL_RE = (
    r"(?i)^(?:"
    r"1899[-/.]12[-/.]30|1900[-/.]0?1[-/.]0?1"
    r"|30[-/.]12[-/.]1899|12[-/.]30[-/.]1899|0?1[-/.]0?1[-/.]1900"
    r"|30[-/. ]*(?:de )?(?:dec|dic)\p{L}*\.?[-/., ]*(?:de )?1899"
    r"|0?1[-/. ]*(?:de )?(?:jan|ene)\p{L}*\.?[-/., ]*(?:de )?1900"
    r"|(?:dec|dic)\p{L}*\.? +30,? +1899|(?:jan|ene)\p{L}*\.? +0?1,? +1900"
    r")(?:[ t,].*)?$"
)


def _trimmed(raw: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    s = _as_strings(raw)
    if not may_need_trim(s):  # the usual column: no copy of its texts
        return s
    return pc.utf8_trim_whitespace(s)


def _may_contain(t: pa.Array, needles: tuple[str, ...]) -> bool:
    """False only when no text of ``t`` contains any of ``needles``.

    One search over the array's character data as a single binary value (a few ms for
    a million dates, outside the GIL) instead of a search per text (tens of ms a
    needle). The data buffer of a slice may hold more than its texts: a hit there is
    only a maybe.
    """
    if not isinstance(t, pa.StringArray):
        return True
    data = t.buffers()[2]
    if data is None:  # no characters at all
        return False
    offsets = pa.py_buffer(np.array([0, data.size], dtype=np.int64))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, data])
    pattern = "|".join(re.escape(n) for n in needles)
    return _any(pc.match_substring_regex(whole, pattern))


def _empty_of_trimmed(t: pa.Array) -> pa.Array:
    # the tokens are short: look up only the texts that are (hashing every text of a
    # million-row column costs tens of ms)
    short = pc.fill_null(pc.less_equal(pc.binary_length(t), _EMPTY_TOKEN_BYTES), False)
    token = _mask_where(t, short, lambda x: pc.is_in(x, value_set=_EMPTY_TOKENS))
    empty = pc.or_(pc.is_null(t), token)
    # only texts holding 1899 or 1900 can be sentinels; most columns hold neither
    if not _may_contain(t, ("1899", "1900")):
        return pc.fill_null(empty, True)
    maybe = pc.or_(
        pc.fill_null(pc.match_substring(t, "1899"), False),
        pc.fill_null(pc.match_substring(t, "1900"), False),
    )
    if _any(maybe):
        sub = pc.filter(t, maybe)
        empty = pc.or_(empty, _scatter(_falses(len(t)), maybe, _match(sub, _SENTINEL_RE)))
    return pc.fill_null(empty, True)


def empty_mask(raw: pa.Array | pa.ChunkedArray) -> pa.Array:
    """True where a raw value counts as empty (DATA.md Text, DETAILS.md 33).

    Empty after trimming: ``''``, a lone space, ``?``, ``-``, ``n/a``, ``null``, ``none``
    (any case), and the sentinel dates ``1899-12-30`` / ``1900-01-01`` in any format
    and with any time (``30/12/1899 0:00``, ``1900-01-01T00:00:00Z``).

    Args:
        raw: the raw cell texts.

    Returns:
        A null-free bool array.
    """
    return _empty_of_trimmed(_trimmed(raw))


def _blanked(raw: pa.Array | pa.ChunkedArray) -> tuple[pa.StringArray, pa.Array]:
    """(trimmed text with NULL where empty, empty mask)."""
    t = _trimmed(raw)
    empty = _empty_of_trimmed(t)
    if not _any(empty):  # nothing to blank: no copy of the texts
        return t, empty
    return pc.if_else(empty, pa.scalar(None, pa.string()), t), empty


def clean_text(raw: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Trimmed text; empties (see :func:`empty_mask`) become NULL.

    Args:
        raw: the raw cell texts.

    Returns:
        A string array.
    """
    return _blanked(raw)[0]


# --------------------------------------------------------------------------- numbers

# Decorations stripped from numbers: spaces (also no-break and narrow no-break), the
# apostrophe thousands separator, %, currency symbols and codes.
# "€ 1.234,50" -> "1.234,50"; "1 234,5 EUR" -> "1234,5"; "US$ 5" -> "5"; "12 %" -> "12".
_NUM_DECOR_RE = (
    r"(?i)[\s\x{00a0}\x{202f}'’%€$£¥₹]"
    r"|usd|eur|gbp|mxn|ars|clp|cop|pen|cad|aud|chf|jpy|brl|us|ca"
)
# Anything but digits, separators, signs, parentheses and an exponent needs stripping.
_NUM_NEEDS_STRIP_RE = r"[^0-9.,+\-()eE]"
# Scientific notation: "1.03006E+13", "2,5e-3".
_NUM_SCI_RE = r"^\d+(?:[.,]\d+)?[eE][+-]?\d+$"
# Digits and separators with at least one digit: "1.234,5", ",5", "1,234,567".
_NUM_PLAIN_RE = r"^[.,]*\d[\d.,]*$"
# The last separator is a point: "1,234.5" (point decides), "1.234,5" (comma decides).
_NUM_LAST_POINT_RE = r"\.\d*$"
# Valid numbers once the decimal separator is known (groups of 3 after the first):
# point: "1,234,567.89", "1234.5", ".5", "5."; comma: "1.234.567,89", "1234,5".
_NUM_VALID_POINT_RE = r"^(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d*)?$"
_NUM_VALID_COMMA_RE = r"^(?:\d{1,3}(?:\.\d{3})+|\d*)(?:,\d*)?$"
# Durations for hours: "1:30" = 1.5, "00:45:00" = 0.75, "2:00:30,5".
_DURATION_RE = r"^(?P<h>\d{1,6}):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d(?:[.,]\d+)?))?$"


@dataclass
class _Number:
    values: pa.Array  # float64, NULL where empty or invalid
    invalid: pa.Array
    note: str | None
    #: rows read with the minority decimal mark (see :func:`_parse_number`), or None
    warnings: pa.Array | None = None
    warning_reason: str | None = None
    #: (the decimal mark, decided by the values), None without any mark
    mark: tuple[str, bool] | None = None


def _decimal_default(lang: str, decimal: str | None, why: str | None = None) -> tuple[str, str]:
    """(separator, why) when no value decides: the ``decimal`` setting (``why`` says where
    it comes from, default "setting"), else the language."""
    if decimal in (".", ","):
        return decimal, why or "setting"
    if decimal is not None:
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    return ("," if lang == "es" else "."), f"language {lang}"


def _weighted_count(mask: pa.Array, weights: pa.Array | None) -> int:
    """Rows behind the True values of ``mask``: one each, or ``weights`` (the rows each
    distinct value stands for, see :func:`parse_column`)."""
    if weights is None:
        return _count(mask)
    picked = pc.if_else(pc.fill_null(mask, False), weights, 0)
    return int(pc.sum(picked).as_py() or 0)


def _parse_number(
    t: pa.Array,
    empty: pa.Array,
    *,
    lang: str,
    decimal: str | None,
    durations: bool,
    weights: pa.Array | None = None,
    setting_why: str | None = None,
) -> _Number:
    """Numbers per DATA.md / DETAILS.md 32 on trimmed text (NULL where empty).

    ``weights``: when ``t`` holds the distinct values of a column, the number of rows of
    each; the decimal mark is voted by rows, so 19,000 rows of ``1.5`` outvote 1,200
    rows of ``1,5`` / ``2,5`` / ``3,5`` (three distinct values against one).
    """
    n = len(t)
    s = t
    needs = _match(s, _NUM_NEEDS_STRIP_RE)
    if _any(needs):
        sub = pc.replace_substring_regex(pc.filter(s, needs), _NUM_DECOR_RE, "")
        sub = pc.replace_substring(sub, "−", "-")  # U+2212 minus sign
        s = _scatter(s, needs, sub)

    # "(420.81)" = -420.81; "-5"; "+5"
    paren = pc.and_(
        pc.fill_null(pc.starts_with(s, "("), False), pc.fill_null(pc.ends_with(s, ")"), False)
    )
    if _any(paren):
        s = pc.if_else(paren, pc.utf8_slice_codeunits(s, 1, -1), s)
    minus = pc.fill_null(pc.starts_with(s, "-"), False)
    signed = pc.or_(minus, pc.fill_null(pc.starts_with(s, "+"), False))
    if _any(signed):
        s = pc.if_else(signed, pc.utf8_slice_codeunits(s, 1), s)
    negative = pc.or_(paren, minus)

    values = pa.nulls(n, pa.float64())

    sci = pc.fill_null(pc.match_substring(s, "e", ignore_case=True), False)  # cheap pre-filter
    if _any(sci):
        sci = _scatter(sci, sci, _match(pc.filter(s, sci), _NUM_SCI_RE))
    if _any(sci):
        sub = pc.replace_substring(pc.filter(s, sci), ",", ".")
        values = _scatter(values, sci, pc.cast(sub, pa.float64()))

    dur = _falses(n)
    if durations:
        dur = _match(s, _DURATION_RE)
        if _any(dur):
            f = pc.extract_regex(pc.filter(s, dur), _DURATION_RE)
            secs = pc.replace_substring(f.field("s"), ",", ".")
            secs = pc.cast(pc.if_else(pc.equal(secs, ""), "0", secs), pa.float64())
            hours = pc.add(
                pc.add(
                    pc.cast(f.field("h"), pa.float64()),
                    pc.divide(pc.cast(f.field("m"), pa.float64()), 60.0),
                ),
                pc.divide(secs, 3600.0),
            )
            values = _scatter(values, dur, hours)

    plain = pc.and_(_match(s, _NUM_PLAIN_RE), pc.invert(dur))
    note = None
    mark: tuple[str, bool] | None = None
    warnings: pa.Array | None = None
    warning_reason: str | None = None
    if _any(plain):
        n_dot = pc.count_substring(s, ".")
        n_com = pc.count_substring(s, ",")
        has_dot = pc.greater(n_dot, 0)
        has_com = pc.greater(n_com, 0)
        both = pc.and_(has_dot, has_com)
        last_point = _falses(n)
        if _any(both):
            last_point = _scatter(last_point, both, _match(pc.filter(s, both), _NUM_LAST_POINT_RE))
        # A single separator decides unless exactly 3 digits follow it ("1,234" and
        # "1.234" are ambiguous), except after an integer part of 0 or nothing ("0,125",
        # ",5": never thousands). Position arithmetic instead of regexes: s is ASCII here.
        sep_at = pc.max_element_wise(pc.find_substring(s, "."), pc.find_substring(s, ","))
        three_after = pc.equal(pc.subtract(pc.utf8_length(s), sep_at), 4)
        lead_zero = pc.or_(
            pc.equal(sep_at, 0),
            pc.and_(pc.equal(sep_at, 1), pc.fill_null(pc.starts_with(s, "0"), False)),
        )
        single_open = pc.or_(pc.invert(three_after), lead_zero)
        # point decides: "1,234.5" (point last), "1,234,567" (repeated comma), "12.5"
        point_votes = pc.and_(
            plain,
            pc.or_(
                pc.or_(
                    pc.and_(both, last_point),
                    pc.and_(pc.greater(n_com, 1), pc.invert(has_dot)),
                ),
                pc.and_(pc.and_(pc.equal(n_dot, 1), pc.invert(has_com)), single_open),
            ),
        )
        # comma decides: "1.234,5" (comma last), "1.234.567" (repeated point), "12,5"
        comma_votes = pc.and_(
            plain,
            pc.or_(
                pc.or_(
                    pc.and_(both, pc.invert(last_point)),
                    pc.and_(pc.greater(n_dot, 1), pc.invert(has_com)),
                ),
                pc.and_(pc.and_(pc.equal(n_com, 1), pc.invert(has_dot)), single_open),
            ),
        )
        # decided by rows, not by distinct values (weights)
        points = _weighted_count(point_votes, weights)
        commas = _weighted_count(comma_votes, weights)
        if points != commas:
            sep, why = ("." if points > commas else ","), ""
        else:
            sep, why = _decimal_default(lang, decimal, setting_why)
        has_sep = _any(pc.and_(plain, pc.or_(has_dot, has_com)))
        if has_sep:
            mark = (sep, points != commas)
        if sep == "," and has_sep:
            note = "decimal comma" + (f" (ambiguous; {why})" if why else "")
        # Both marks as decimals when no value can hold a thousands group: no value with
        # both marks ("1.234,5"), none with a repeated mark ("1,234,567") and no single
        # mark before exactly 3 digits ("1,234", "2.500"; "0,125" is no group). Then
        # "1.5" and "2,5" in one column are 1.5 and 2.5, each row read with its own mark,
        # and the minority mark's rows are warned. Otherwise the majority mark decides
        # and the rows that do not fit it are invalid.
        grouped = pc.and_(
            plain,
            pc.or_(
                pc.or_(both, pc.or_(pc.greater(n_dot, 1), pc.greater(n_com, 1))),
                pc.and_(pc.xor(has_dot, has_com), pc.invert(single_open)),
            ),
        )
        mixed = points > 0 and commas > 0 and not _any(grouped)
        if mixed:
            valid = plain
            minority = comma_votes if sep == "." else point_votes
            warnings = pc.fill_null(minority, False)
            warning_reason = (
                "decimal comma in a column of decimal points; read as a decimal comma"
                if sep == "."
                else "decimal point in a column of decimal commas; read as a decimal point"
            )
        else:
            valid = pc.and_(
                plain, _match(s, _NUM_VALID_POINT_RE if sep == "." else _NUM_VALID_COMMA_RE)
            )
        if _any(valid):
            sub = pc.filter(s, valid)
            if mixed:  # one mark per value, and it is decimal: "1.5", "2,5" -> "2.5"
                sub = pc.replace_substring(sub, ",", ".")
            elif sep == ".":
                sub = pc.replace_substring(sub, ",", "")
            else:
                sub = pc.replace_substring(pc.replace_substring(sub, ".", ""), ",", ".")
            # "5." and "," never reach here without a digit; "." alone is not plain
            values = _scatter(values, valid, pc.cast(sub, pa.float64()))

    values = pc.if_else(negative, pc.negate(values), values)
    # beyond the range of a double: "1e309" or 400 nines parse as infinity, and one such
    # cell would turn every sum it enters into infinity; it is no number anybody meant
    values = pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))
    invalid = pc.and_(pc.invert(empty), pc.is_null(values))
    if warnings is not None:
        warnings = pc.and_(warnings, pc.invert(invalid))
    return _Number(values, invalid, note, warnings, warning_reason, mark)


# --------------------------------------------------------------------------- dates

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

# Day-first / month-first evidence (DETAILS 32), any separator, 2- or 4-digit year:
# "25/03/2024" (first field 13-31, second 1-12) settles day-first,
# "03/25/2024" settles month-first; "05/03/2024" is ambiguous.
_DM_TAIL = r"[/.\-](?:\d{2}|\d{4})(?:[ Tt,].*)?"
_DAY_FIRST_EVIDENCE = r"(?:1[3-9]|2\d|3[01])[/.\-](?:0?[1-9]|1[0-2])" + _DM_TAIL
_MONTH_FIRST_EVIDENCE = r"(?:0?[1-9]|1[0-2])[/.\-](?:1[3-9]|2\d|3[01])" + _DM_TAIL
_DM_ANY = r"\d{1,2}[/.\-]\d{1,2}" + _DM_TAIL


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


@dataclass
class _Order:
    """The column's day/month order decision (DETAILS 32)."""

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
    """Decide day-first once per column (DETAILS 32).

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
            error=f"dates mix day-first ({df_ex}) and month-first ({mf_ex}) values; "
            "export the column in one format (best yyyy-mm-dd)",
        )
    if df_row is not None:
        return _Order(True, f"day-first (decided by values like {t[df_row].as_py()})", None, True)
    if mf_row is not None:
        return _Order(
            False, f"month-first (decided by values like {t[mf_row].as_py()})", None, True
        )
    if not n_dm:
        return _Order(fallback)
    why = (why or "setting") if day_first is not None else f"language {lang}"
    note = f"{'day-first' if fallback else 'month-first'} (ambiguous; {why})"
    return _Order(fallback, note, None, False)


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


def _numeric_dates(numbers: pa.Array) -> tuple[_Written, pa.Array, str | None]:
    """Bare numbers of a date column: one mode per column, the most frequent of
    Excel serial days, epoch seconds and epoch milliseconds; other numbers are invalid.

    Returns (dates as written, sentinel mask, mode or None).
    """
    v = pc.cast(pc.replace_substring(numbers, ",", "."), pa.float64())
    whole = pc.floor(v)
    frac = pc.subtract(v, whole)
    ip = pc.cast(whole, pa.int64())
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
    """ts / date columns (DATA.md Dates, DETAILS.md 30, 32, 33)."""
    _check_tz(tz)
    n = len(t)
    nonempty = pc.invert(empty)
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
            con = _connection()
            like = _pick_shape(t, text_rows)
            guard = _match(texts, f"^{like.guard}$") if like is not None else _falses(n)
            # the evidence of the texts of the shape is read from their bytes; the
            # others (usually none) are matched in DuckDB
            fits = guard.to_numpy(zero_copy_only=False)
            evidence = (
                _evidence_of_shape(texts, fits, like) if like is not None else (None, None, 0)
            )
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

    us = pc.if_else(w.ok, w.us, pa.scalar(None, pa.int64()))
    # sentinels by the date as written, before any zone conversion (DETAILS 33)
    written_day = us.cast(pa.timestamp("us")).cast(pa.date32())  # floors: 23:59 -> same day
    sentinel_days = pa.array([-25_569, -25_567], pa.int32()).cast(
        pa.date32()
    )  # 1899-12-30, 1900-01-01
    sentinel = pc.or_(pc.fill_null(pc.is_in(written_day, value_set=sentinel_days), False), sentinel)
    # offsets and epochs: to UTC, then to the report zone's wall clock (DETAILS 30)
    has_off = pc.and_(w.ok, pc.is_valid(w.offset))
    if _any(has_off):
        utc = pc.subtract(us, pc.multiply(w.offset, _US_PER_MINUTE))
        us = pc.if_else(has_off, _utc_to_local(utc, tz), us)

    keep = pc.and_(w.ok, pc.invert(sentinel))
    ts = pc.if_else(keep, us, pa.scalar(None, pa.int64())).cast(pa.timestamp("us"))
    values = ts if kind == "ts" else pc.cast(ts, pa.date32())
    invalid = pc.and_(pc.and_(nonempty, pc.invert(w.ok)), pc.invert(sentinel))
    reason = None
    if _any(invalid):
        if mode is not None and not _any(text_rows):
            reason = f"not a date (the column holds {mode})"
        else:
            # the shape most values have, also for short columns that skip the fast path:
            # "2025-02-30" among ISO dates is "expected yyyy-mm-dd", whatever the length
            like = shape if shape is not None else _pick_shape(t, text_rows)
            if like is not None:
                label = like.day_first_label if order.day_first else like.month_first_label
            else:
                label = "dd/mm/yyyy" if order.day_first else "mm/dd/yyyy"
            reason = f"not a date (expected {label})"
    return ParsedColumn(
        values=values,
        invalid=invalid,
        reason=reason,
        note="; ".join(notes) or None,
        order=None if order.decided is None else (order.day_first, order.decided),
    )


# --------------------------------------------------------------------------- booleans

_TRUE_WORDS = ("true", "yes", "y", "1", "si", "verdadero", "t", "billable", "withinsla", "x")
_FALSE_WORDS = (
    "false", "no", "n", "0", "falso", "f",
    "donotbill", "nocharge", "slaviolated", "violated", "breached",
)  # fmt: skip
_NULL_WORDS = ("nodefault",)


def _parse_bool(t: pa.Array, empty: pa.Array, inverted: bool) -> ParsedColumn:
    """bool columns on the dictionary of distinct values (DATA.md Booleans, DETAILS 25, 31)."""
    enc = pc.dictionary_encode(t)
    words = _fold(enc.dictionary)
    is_true = pc.is_in(words, value_set=pa.array(_TRUE_WORDS))
    is_false = pc.is_in(words, value_set=pa.array(_FALSE_WORDS))
    is_null = pc.is_in(words, value_set=pa.array(_NULL_WORDS))
    d_values = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    d_bad = pc.invert(pc.or_(pc.or_(is_true, is_false), is_null))
    values = pc.take(d_values, enc.indices)
    invalid = pc.fill_null(pc.take(d_bad, enc.indices), False)
    # DETAILS 31: a column whose only non-empty value is x is a checkbox; empty is false
    checkbox = len(words) > 0 and bool(pc.all(pc.equal(words, "x")).as_py())
    note = None
    if checkbox:
        values = pc.fill_null(values, False)
        note = "checkbox column"
    if inverted:
        values = pc.invert(values)
    return ParsedColumn(
        values=values,
        invalid=invalid,
        reason="not a yes/no value" if _any(invalid) else None,
        note=note,
    )


# --------------------------------------------------------------------------- public


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
#: (a majority of rows, DETAILS.md 32)
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
            warning_reason="looks destroyed by Excel (scientific notation); export ids as text"
            if _any(sci)
            else None,
        )
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
        num = _parse_number(
            t,
            empty,
            lang=lang,
            decimal=decimal,
            durations=kind == "hours",
            weights=weights,
            setting_why=why,
        )
        values, invalid, notes = num.values, num.invalid, [num.note] if num.note else []
        reason = {
            "num": "not a number",
            "hours": "not a number of hours (expected e.g. 1.5 or 1:30)",
            "pct": "not a percentage",
            "int": "not a whole number",
        }[kind]
        if kind == "pct" and _any(pc.greater(values, 1.0)):
            # 0-100 column: 85 -> 0.85 (and 0.5 in the same column -> 0.005)
            values = pc.divide(values, 100.0)
            notes.append("percent 0-100 divided by 100")
        if kind == "int":
            whole = pc.and_(pc.equal(values, pc.floor(values)), pc.less(pc.abs(values), 9.2e18))
            whole = pc.fill_null(whole, False)
            invalid = pc.or_(invalid, pc.and_(nonempty, pc.invert(whole)))
            values = pc.cast(pc.if_else(whole, values, pa.scalar(None, pa.float64())), pa.int64())
        warned = num.warnings
        if warned is not None:
            warned = pc.and_(warned, pc.invert(invalid))
        return ParsedColumn(
            values=values,
            invalid=invalid,
            reason=reason if _any(invalid) else None,
            warnings=warned,
            warning_reason=num.warning_reason if warned is not None and _any(warned) else None,
            note="; ".join(notes) or None,
            mark=num.mark,
        )
    raise ValueError(f"unknown column kind {kind!r}")


# --------------------------------------------------------------------------- money

#: A currency as written, folded (lower case, accents, spaces and dots dropped), -> its
#: ISO 4217 code. ``$`` is a bare dollar sign: several currencies write it (USD, MXN,
#: COP, CLP, ARS, CAD, AUD...), so :mod:`kpi.money` decides its meaning with all the
#: data. Pesos without a country are not here: they are no one currency either.
# fmt: off
_CURRENCY_WORDS: dict[str, str] = {
    **dict.fromkeys(["€", "euro", "euros"], "EUR"),
    **dict.fromkeys(["us$", "u$s", "usd$", "usdollar", "usdollars", "dolar", "dolares",
                     "dolarestadounidense", "dolaresestadounidenses", "dolaramericano",
                     "dolaresamericanos"], "USD"),
    **dict.fromkeys(["£", "libra", "libras", "libraesterlina", "librasesterlinas", "pound",
                     "pounds", "poundsterling"], "GBP"),
    **dict.fromkeys(["¥", "yen", "yenes"], "JPY"),
    "₹": "INR",
    **dict.fromkeys(["mx$", "mex$", "pesomexicano", "pesosmexicanos"], "MXN"),
    **dict.fromkeys(["col$", "pesocolombiano", "pesoscolombianos"], "COP"),
    **dict.fromkeys(["clp$", "pesochileno", "pesoschilenos"], "CLP"),
    **dict.fromkeys(["ar$", "pesoargentino", "pesosargentinos"], "ARS"),
    **dict.fromkeys(["c$", "ca$", "can$", "canadiandollar", "canadiandollars",
                     "dolarcanadiense", "dolarescanadienses"], "CAD"),
    **dict.fromkeys(["a$", "au$", "australiandollar", "australiandollars",
                     "dolaraustraliano", "dolaresaustralianos"], "AUD"),
    "nz$": "NZD",
    **dict.fromkeys(["r$", "real", "reales", "reais"], "BRL"),
    **dict.fromkeys(["s/", "sol", "soles", "nuevosol", "nuevossoles"], "PEN"),
    **dict.fromkeys(["francosuizo", "francossuizos", "swissfranc", "swissfrancs"], "CHF"),
    **dict.fromkeys(["$", "dollar", "dollars"], "$"),
}
# fmt: on
_CURRENCY_SIGNS = "€£¥₹$"
# What surrounds the currency in an amount cell, trimmed from both ends to find it:
# digits, separators, spaces, signs, parentheses and %. "USD 1,200" -> "USD"; "1.200,00 €"
# -> "€"; "(US$ 420.81)" -> "US$"; "S/. 1,500.50" -> "S/"; "12 %" -> "". (A trim, not a
# regex: 20 times faster on a million cells.)
_MONEY_NOISE_CHARS = "0123456789., \t\u00a0\u202f'’()+-−%"
# The currency text of a cell whose currency was recognised, taken out before the number
# is read, with the abbreviation dot of "S/.": "MX$1,200" -> "1,200"; "S/. 1.200,50" ->
# "1.200,50"; "ZAR 99" -> " 99"; "€.5" -> ".5".
_MONEY_TEXT_RE = r"[^\d.,\s\x{00a0}\x{202f}'’()+\-−]+(?:\.\s)?"
# A code written first: "USD - US Dollar" -> USD, "EUR (Euro)" -> EUR.
_LEADING_CODE_RE = re.compile(r"^([A-Za-z]{3})(?![A-Za-z])")


def _iso_codes() -> frozenset[str]:
    from babel.numbers import list_currencies

    return frozenset(list_currencies())


_ISO_CODES = _iso_codes()


def _fold_currency(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s.]", "", plain)


def currency_code(text: str | None) -> str | None:
    """The ISO 4217 code a currency text names, ``"$"`` for a bare dollar sign, None when
    it names no currency.

    Examples:
        >>> [currency_code(x) for x in ("EUR", "mxn", "€", "US$", "S/.", "Euros", "dólar")]
        ['EUR', 'MXN', 'EUR', 'USD', 'PEN', 'EUR', 'USD']
        >>> [currency_code(x) for x in ("$", "MXN$", "USD - US Dollar", "pesos", "%")]
        ['$', 'MXN', 'USD', None, None]
    """
    if text is None:
        return None
    key = _fold_currency(text)
    if not key:
        return None
    if key in _CURRENCY_WORDS:
        return _CURRENCY_WORDS[key]
    letters = key.strip(_CURRENCY_SIGNS).upper()  # "MXN$" -> MXN, "€EUR" -> EUR
    if letters in _ISO_CODES:
        return letters
    lead = _LEADING_CODE_RE.match(text.strip())
    if lead and lead.group(1).upper() in _ISO_CODES:
        return lead.group(1).upper()
    return None


def _codes_of(texts: pa.Array) -> pa.Array:
    """:func:`currency_code` of each text, computed once per distinct text."""
    uniques = pc.unique(texts)
    codes = pa.array([currency_code(v) for v in uniques.to_pylist()], pa.string())
    return pc.take(codes, pc.index_in(texts, value_set=uniques))


def parse_currency(raw: pa.Array | pa.ChunkedArray) -> ParsedColumn:
    """A currency column: ISO 4217 codes (``mxn`` -> MXN, ``€`` -> EUR, ``US$`` -> USD,
    ``dólares`` -> USD), ``$`` for a bare dollar sign (see :mod:`kpi.money`).

    A value that names no currency (``Pesos``, ``XX``) is kept as written, with a warning:
    its amounts stay out of the money KPIs until an exchange rate is given for it.

    Args:
        raw: the raw cell texts.

    Returns:
        The :class:`ParsedColumn` (text values; warnings where a value is kept as written).
    """
    t, _ = _blanked(raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw)
    codes = _codes_of(t)
    unknown = pc.and_(pc.is_valid(t), pc.is_null(codes))
    return ParsedColumn(
        values=pc.coalesce(codes, t),
        invalid=_falses(len(t)),
        warnings=unknown,
        warning_reason="not a currency code (e.g. EUR, USD, MXN); kept as written: its "
        "amounts count only with an exchange rate for it"
        if _any(unknown)
        else None,
    )


def parse_money(
    raw: pa.Array | pa.ChunkedArray,
    *,
    lang: str = "en",
    decimal: str | None = None,
    why: str | None = None,
) -> ParsedColumn:
    """An amount column: the numbers (as :func:`parse_column` ``num``) and the currency
    each cell writes, if any (``USD 1,200`` -> USD; ``1.200,00 €`` -> EUR; ``$1,200`` ->
    ``$``; ``MX$ 950`` -> MXN; ``1,200`` -> NULL).

    A cell without currency text is read exactly as :func:`parse_column` reads it.

    Args:
        raw: the raw cell texts.
        lang: decides an ambiguous decimal separator (es: comma).
        decimal: ``"."`` or ``","``, a preset for numbers whose values do not decide.
        why: where ``decimal`` comes from, for the column's note (default "setting").

    Returns:
        The parsed numbers, with :attr:`ParsedColumn.currency` the currency of each cell
        (an ISO code, ``$`` or NULL).
    """
    t, _ = _blanked(raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw)
    currency = pa.nulls(len(t), pa.string())
    written = _match(t, r"[^\d.,\s()+\-]")  # anything but a plain number: "€", "USD", "%"
    if _any(written):
        residue = pc.utf8_trim(pc.filter(t, written), characters=_MONEY_NOISE_CHARS)
        currency = _scatter(currency, written, _codes_of(residue))
        named = pc.is_valid(currency)
        if _any(named):
            bare = pc.replace_substring_regex(pc.filter(t, named), _MONEY_TEXT_RE, "")
            t = _scatter(t, named, bare)
    parsed = parse_column(t, "num", lang=lang, decimal=decimal, why=why)
    parsed.currency = currency
    return parsed


# --------------------------------------------------------------------------- contracts

# Billing periods (DETAILS.md 22), compared folded (case, accents, spaces, "-", "_", "."
# dropped: "Semi-Annually" -> "semiannually", "Pago único" -> "pagounico"): the
# spellings PSAs, ERPs and people write, in English and Spanish. "bimensual" (twice a
# month or every two months) and "bianual" (twice a year or every two years) are
# ambiguous in Spanish and left out: an unknown value is never guessed.
_BILLING_WORDS: dict[str, int] = {
    **dict.fromkeys([
        "monthly", "month", "permonth", "everymonth", "m",
        "mensual", "mensualmente", "mes", "pormes", "cadames",
    ], 1),
    **dict.fromkeys(["bimonthly", "everytwomonths", "bimestral", "bimestralmente"], 2),
    **dict.fromkeys([
        "quarterly", "quarter", "perquarter", "everyquarter", "q",
        "trimestral", "trimestralmente", "trimestre", "t",
    ], 3),
    **dict.fromkeys(["cuatrimestral", "cuatrimestre"], 4),
    **dict.fromkeys([
        "semiannual", "semiannually", "biannual", "biannually", "halfyearly", "halfyear",
        "semestral", "semestralmente", "semestre", "s",
    ], 6),
    **dict.fromkeys([
        "annual", "annually", "yearly", "year", "peryear", "everyyear", "a", "y",
        "anual", "anualmente", "ano", "porano", "cadaano",  # "año" folds to "ano"
    ], 12),
    **dict.fromkeys(["biennial", "biennially", "everytwoyears", "bienal", "bienalmente"], 24),
    **dict.fromkeys(["triennial", "triennially", "trienal"], 36),
}  # fmt: skip
# One-time charges are not recurring: no months, out of MRR (listed, not a problem).
_ONE_TIME_WORDS = (
    "onetime", "once", "oneoff", "nonrecurring", "singlepayment",
    "pagounico", "unico", "unicopago", "puntual", "norecurrente",
)  # fmt: skip
# A number of months or years, lower-cased with accents stripped (dots kept, so "0.5"
# is no "05"): "12" -> 12, "6 months" -> 6, "Every 6 Months" -> 6, "cada 3 meses" -> 3,
# "2 years" -> 24, "1 año" -> 12, "3-month" -> 3.
_BILLING_NUMBER_RE = (
    r"^(?:every|cada)?[\s_\-]*(?P<n>\d{1,3})[\s_\-]*"
    r"(?:(?P<months>months?|mo|meses|mes|mensualidades)|(?P<years>years?|yrs?|anos?))?$"
)


def _billing_fold(texts: pa.Array) -> pa.Array:
    """A billing period or a preset key as compared: see :data:`_BILLING_WORDS`."""
    return _fold(texts)


def billing_key(text: str) -> str:
    """A billing period as compared with the words and the user's months:
    ``"Semi-Annually"`` -> ``"semiannually"``, ``" Pago Único "`` -> ``"pagounico"``."""
    return str(_billing_fold(pa.array([text.strip()], pa.string()))[0].as_py())


def _billing_months_of(
    distinct: pa.Array, months: dict[str, int] | None
) -> tuple[pa.Array, pa.Array]:
    """(months per distinct text, NULL when unknown or one-time; one-time mask)."""
    words = _billing_fold(distinct)
    d_values = pa.nulls(len(distinct), pa.int64())
    if months:
        # the user's months first: a preset or the Data page ({"Cuatrienal": 48})
        keys = _billing_fold(pa.array(list(months), pa.string()))
        idx = pc.index_in(words, value_set=keys)
        d_values = pc.take(pa.array(list(months.values()), pa.int64()), idx)
    idx = pc.index_in(words, value_set=pa.array(list(_BILLING_WORDS)))
    by_word = pc.take(pa.array(list(_BILLING_WORDS.values()), pa.int64()), idx)
    low = pc.replace_substring_regex(
        pc.utf8_lower(pc.utf8_normalize(distinct, form="NFD")), r"\p{Mn}", ""
    )
    f = pc.extract_regex(low, _BILLING_NUMBER_RE)
    number = pc.cast(_group(f, "n"), pa.int64())
    in_years = pc.fill_null(pc.not_equal(_group(f, "years"), ""), False)
    number = pc.if_else(in_years, pc.multiply(number, 12), number)
    number = pc.if_else(pc.greater(number, 0), number, pa.scalar(None, pa.int64()))
    d_values = pc.coalesce(d_values, by_word, number)
    one_time = pc.and_(pc.is_null(d_values), pc.is_in(words, value_set=pa.array(_ONE_TIME_WORDS)))
    return d_values, pc.fill_null(one_time, False)


def parse_billing_months(
    raw: pa.Array | pa.ChunkedArray, months: dict[str, int] | None = None
) -> ParsedColumn:
    """Months per billing period (DETAILS.md 22).

    Compared case-, accent-, space- and hyphen-insensitively: ``monthly``/``mensual``/
    ``M`` = 1; ``bimonthly``/``bimestral`` = 2; ``quarterly``/``trimestral``/``Q``/``T``
    = 3; ``cuatrimestral`` = 4; ``semi-annually``/``semi-annual``/``bi-annually``/
    ``half-yearly``/``semestral``/``S`` = 6; ``annually``/``yearly``/``anual``/``A``/
    ``Y`` = 12; ``biennial``/``bienal`` = 24; ``triennial``/``trienal`` = 36; a number of
    months (``3``, ``6 months``, ``Every 6 Months``, ``cada 3 meses``) or years
    (``2 years``, ``1 año``). Empty -> 1 (monthly, the default).

    One-time charges (``One-time``, ``once``, ``Pago único``, ``puntual``) are not
    recurring: 0 months (their MRR is 0, a known amount), listed in ``info``. Any other
    value is never guessed: NULL months with a warning naming what to do (``months``
    fixes it).

    Args:
        raw: the raw cell texts.
        months: months for values as written (a preset's or the Data page's
            ``billing_months``), compared folded like the words, before the words.

    Returns:
        A :class:`ParsedColumn` with int64 values (0: one-time; NULL: unknown),
        ``warnings`` (unknown) and ``info`` (one-time).

    Examples:
        >>> got = parse_billing_months(pa.array(["Semi-Annually", "", "cada 3 meses"]))
        >>> got.values.to_pylist()
        [6, 1, 3]
    """
    t, _ = _blanked(raw)
    enc = pc.dictionary_encode(t)
    d_values, d_one_time = _billing_months_of(enc.dictionary, months)
    values = pc.take(d_values, enc.indices)
    one_time = pc.fill_null(pc.take(d_one_time, enc.indices), False)
    unknown = pc.and_(pc.and_(pc.is_valid(t), pc.is_null(values)), pc.invert(one_time))
    # empty -> monthly (DETAILS.md 22); one-time -> 0 (not recurring); unknown stays NULL
    values = pc.if_else(pc.is_null(t), pa.scalar(1, pa.int64()), values)
    values = pc.if_else(one_time, pa.scalar(0, pa.int64()), values)
    return ParsedColumn(
        values=values,
        invalid=_falses(len(t)),
        warnings=unknown,
        warning_reason=UNKNOWN_BILLING_PERIOD if _any(unknown) else None,
        info=one_time if _any(one_time) else None,
        info_reason=ONE_TIME_BILLING if _any(one_time) else None,
    )


#: the problem of a contract whose billing period is not known
UNKNOWN_BILLING_PERIOD = (
    "unknown billing period; left out of MRR (the contract stays loaded): set its months "
    "on the Data page or in a preset (billing_months)"
)
#: the note of a one-time contract
ONE_TIME_BILLING = "one-time charge, not recurring; left out of MRR"


def unknown_billing_periods(
    raw: pa.Array | pa.ChunkedArray, months: dict[str, int] | None = None
) -> list[str]:
    """The distinct billing periods (trimmed, as written) whose months are not known
    from the built-in words, in the order first seen; those in ``months`` are known.

    Example: ``["Monthly", "Fortnightly", "Semi-Annually"]`` -> ``["Fortnightly"]``.
    """
    t, _ = _blanked(raw)
    distinct = pc.unique(t).drop_null()
    d_values, d_one_time = _billing_months_of(distinct, months)
    unknown = pc.and_(pc.is_null(d_values), pc.invert(d_one_time))
    return [str(v) for v in pc.filter(distinct, unknown).to_pylist()]


# --------------------------------------------------------------------------- surveys

_CSAT_GOOD = (
    "good", "positive", "satisfied", "verysatisfied", "happy", "great", "awesome", "excellent",
    "bueno", "buena", "positivo", "positiva", "satisfecho", "satisfecha", "muysatisfecho",
    "muysatisfecha", "excelente", "genial",
)  # fmt: skip
_CSAT_BAD = (
    "bad", "negative", "neutral", "ok", "okay", "poor", "unsatisfied", "dissatisfied", "malo",
    "mala", "negativo", "negativa", "neutro", "neutra", "regular", "insatisfecho", "insatisfecha",
)  # fmt: skip
_CSAT_NOT_RESPONSE = ("offered", "unoffered", "notoffered", "ofrecida", "noofrecida")
_CSAT_SCALES = (3, 4, 5, 7, 10)


def parse_csat(
    raw: pa.Array | pa.ChunkedArray, *, scale: int | None = None, reverse: bool = False
) -> ParsedColumn:
    """Satisfied or not per survey response (KPIS.md 2, DETAILS.md 19).

    Numeric scores (``4``, ``4,5``) are on a scale S: ``scale`` when given, else the
    largest score rounded up to the next of 3, 4, 5, 7, 10. A score is satisfied when
    ``score >= ceil(0.8 * S)`` (5 -> 4, 10 -> 8, 3 -> 3); with ``reverse`` (1 is best,
    Halo FBscore) the score is first mapped to ``S + 1 - score``. Scores below 0 or
    above 10 (or above a given scale) are invalid. Labels compare case-, accent- and
    space-insensitively; "not a response" labels (``offered``) give NULL, as do empty
    values; any other label is invalid.

    Args:
        raw: the raw cell texts.
        scale: the preset ``csat_scale``.
        reverse: the preset ``csat_reverse``.

    Returns:
        A :class:`ParsedColumn` with bool values.
    """
    t, _ = _blanked(raw)
    enc = pc.dictionary_encode(t)
    words = _fold(enc.dictionary)
    # "4", "4,5", "9.0", "-1" (negative: invalid below)
    f = pc.extract_regex(enc.dictionary, r"^(?P<n>[+-]?\d{1,6}(?:[.,]\d+)?)$")
    score = pc.cast(pc.replace_substring(_group(f, "n"), ",", "."), pa.float64())
    if scale is not None and scale < 1:
        raise ValueError(f"csat scale must be a positive number, not {scale!r}")
    # 0-10 only (DETAILS 19), and no more than a preset scale
    limit = float(min(scale, 10)) if scale is not None else 10.0
    in_range = pc.fill_null(
        pc.and_(pc.greater_equal(score, 0.0), pc.less_equal(score, limit)), False
    )
    score = pc.if_else(in_range, score, pa.scalar(None, pa.float64()))
    top = pc.max(score).as_py()
    if scale is not None:
        s, why = scale, "setting"
    elif top is not None:
        # largest 4.5 -> 5, 6 -> 7, 8 -> 10, 2 -> 3
        s, why = next(x for x in _CSAT_SCALES if x >= top), f"from the largest score {top:g}"
    else:
        s, why = 5, ""  # labels only: no scale needed
    note = None
    if top is not None:
        note = f"scale of {s} ({why})" + ("; 1 is best" if reverse else "")
    if reverse:
        score = pc.subtract(float(s + 1), score)  # 1 of 4 -> 4, 4 of 4 -> 1
    threshold = (4 * s + 4) // 5  # ceil(0.8 * S) in integers: 5 -> 4, 10 -> 8, 3 -> 3, 7 -> 6
    by_score = pc.greater_equal(score, float(threshold))
    good = pc.is_in(words, value_set=pa.array(_CSAT_GOOD))
    bad = pc.is_in(words, value_set=pa.array(_CSAT_BAD))
    no_response = pc.is_in(words, value_set=pa.array(_CSAT_NOT_RESPONSE))
    d_values = pc.if_else(good, True, pc.if_else(bad, False, by_score))
    d_bad = pc.invert(pc.or_(pc.or_(pc.or_(good, bad), no_response), pc.is_valid(score)))
    values = pc.take(d_values, enc.indices)
    invalid = pc.fill_null(pc.take(d_bad, enc.indices), False)
    return ParsedColumn(
        values=values,
        invalid=invalid,
        reason="not a satisfaction score (0-10) or a known label" if _any(invalid) else None,
        note=note,
    )
