"""Numbers (docs/DATA.md Numbers, docs/DETAILS.md 32): decimal point or comma decided by the
column's values, thousands groups, signs and parentheses, durations as hours, percentages
and whole numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.text import ParsedColumn, _any, _count, _falses, _match, _scatter
from kpi.texts.messages import english

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
        return decimal, why or english("load.msg.by_setting")
    if decimal is not None:
        raise ValueError(f"decimal must be '.' or ',', not {decimal!r}")
    return ("," if lang == "es" else "."), english("load.msg.by_language", lang=lang)


def _weighted_count(mask: pa.Array, weights: pa.Array | None) -> int:
    """Rows behind the True values of ``mask``: one each, or ``weights`` (the rows each
    distinct value stands for, see :func:`~kpi.load.values.column.parse_column`)."""
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
    """Numbers per docs/DATA.md / docs/DETAILS.md 32 on trimmed text (NULL where empty).

    ``weights``: when ``t`` holds the distinct values of a column, the number of rows of
    each; the decimal mark is voted by rows, so 19,000 rows of ``1.5`` outvote 1,200
    rows of ``1,5`` / ``2,5`` / ``3,5`` (three distinct values against one).
    """
    n = len(t)
    s, negative = _unsigned(t)
    values = _scientific(s, pa.nulls(n, pa.float64()))
    dur = _falses(n)
    if durations:
        values, dur = _durations(s, values)
    plain = pc.and_(_match(s, _NUM_PLAIN_RE), pc.invert(dur))
    note = None
    mark: tuple[str, bool] | None = None
    warnings: pa.Array | None = None
    warning_reason: str | None = None
    if _any(plain):
        values, note, mark, warnings, warning_reason = _plain_numbers(
            s, plain, values, lang=lang, decimal=decimal, weights=weights, setting_why=setting_why
        )
    values = pc.if_else(negative, pc.negate(values), values)
    # beyond the range of a double: "1e309" or 400 nines parse as infinity, and one such
    # cell would turn every sum it enters into infinity; it is no number anybody meant
    values = pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))
    invalid = pc.and_(pc.invert(empty), pc.is_null(values))
    if warnings is not None:
        warnings = pc.and_(warnings, pc.invert(invalid))
    return _Number(values, invalid, note, warnings, warning_reason, mark)


def _unsigned(t: pa.Array) -> tuple[pa.Array, pa.Array]:
    """The texts without decorations (spaces, currency, %) and sign, and where they were
    negative: ``"(420.81)"`` -> ``"420.81"``, negative; ``"-5"``; ``"+5"``."""
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
    return s, pc.or_(paren, minus)


def _scientific(s: pa.Array, values: pa.Array) -> pa.Array:
    """``values`` with the numbers in scientific notation read: ``1.03006E+13``."""
    sci = pc.fill_null(pc.match_substring(s, "e", ignore_case=True), False)  # cheap pre-filter
    if _any(sci):
        sci = _scatter(sci, sci, _match(pc.filter(s, sci), _NUM_SCI_RE))
    if _any(sci):
        sub = pc.replace_substring(pc.filter(s, sci), ",", ".")
        values = _scatter(values, sci, pc.cast(sub, pa.float64()))
    return values


def _durations(s: pa.Array, values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``values`` with the durations read as hours (``1:30`` = 1.5), and where they are."""
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
    return values, dur


def _mark_votes(s: pa.Array, plain: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array, pa.Array]:
    """Per number of digits and separators (``plain``): its vote for a decimal point, its
    vote for a decimal comma, whether it has a separator, and whether it may hold a
    thousands group (see :func:`_plain_numbers`)."""
    n = len(s)
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
    # a thousands group is possible: both marks ("1.234,5"), a repeated mark
    # ("1,234,567"), or a single mark before exactly 3 digits ("1,234", "2.500"; "0,125"
    # is no group)
    grouped = pc.and_(
        plain,
        pc.or_(
            pc.or_(both, pc.or_(pc.greater(n_dot, 1), pc.greater(n_com, 1))),
            pc.and_(pc.xor(has_dot, has_com), pc.invert(single_open)),
        ),
    )
    return point_votes, comma_votes, pc.or_(has_dot, has_com), grouped


def _plain_numbers(
    s: pa.Array,
    plain: pa.Array,
    values: pa.Array,
    *,
    lang: str,
    decimal: str | None,
    weights: pa.Array | None,
    setting_why: str | None,
) -> tuple[pa.Array, str | None, tuple[str, bool] | None, pa.Array | None, str | None]:
    """``values`` with the numbers of digits and separators (``plain``) read with the
    decimal mark their rows vote for; returns them, the column's note, the mark (and
    whether the values decided it), and the rows read with the minority mark and why."""
    point_votes, comma_votes, separated, grouped = _mark_votes(s, plain)
    # decided by rows, not by distinct values (weights)
    points = _weighted_count(point_votes, weights)
    commas = _weighted_count(comma_votes, weights)
    if points != commas:
        sep, why = ("." if points > commas else ","), ""
    else:
        sep, why = _decimal_default(lang, decimal, setting_why)
    note = None
    mark: tuple[str, bool] | None = None
    warnings: pa.Array | None = None
    warning_reason: str | None = None
    has_sep = _any(pc.and_(plain, separated))
    if has_sep:
        mark = (sep, points != commas)
    if sep == "," and has_sep:
        note = (
            english("load.msg.decimal_comma_ambiguous", why=why)
            if why
            else english("load.msg.decimal_comma")
        )
    # Both marks as decimals when no value can hold a thousands group: no value with
    # both marks ("1.234,5"), none with a repeated mark ("1,234,567") and no single
    # mark before exactly 3 digits ("1,234", "2.500"; "0,125" is no group). Then
    # "1.5" and "2,5" in one column are 1.5 and 2.5, each row read with its own mark,
    # and the minority mark's rows are warned. Otherwise the majority mark decides
    # and the rows that do not fit it are invalid.
    mixed = points > 0 and commas > 0 and not _any(grouped)
    if mixed:
        valid = plain
        minority = comma_votes if sep == "." else point_votes
        warnings = pc.fill_null(minority, False)
        warning_reason = english(
            "load.msg.comma_among_points" if sep == "." else "load.msg.point_among_commas"
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
    return values, note, mark, warnings, warning_reason


def _parse_numeric(
    t: pa.Array,
    empty: pa.Array,
    kind: str,
    *,
    lang: str,
    decimal: str | None,
    weights: pa.Array | None,
    why: str | None,
) -> ParsedColumn:
    """num, hours, pct and int columns on trimmed text (NULL where empty): hours also
    written as durations, percentages written 0-100 divided by 100, whole numbers only for
    int (``weights``: rows per value, see :func:`_parse_number`)."""
    nonempty = pc.invert(empty)
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
    reason = english(
        {
            "num": "load.msg.not_number",
            "hours": "load.msg.not_hours",
            "pct": "load.msg.not_percentage",
            "int": "load.msg.not_whole",
        }[kind]
    )
    if kind == "pct" and _any(pc.greater(values, 1.0)):
        # 0-100 column: 85 -> 0.85 (and 0.5 in the same column -> 0.005)
        values = pc.divide(values, 100.0)
        notes.append(english("load.msg.percent_100"))
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
