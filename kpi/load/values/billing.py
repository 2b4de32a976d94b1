"""Billing periods of contracts (docs/DETAILS.md 22): the months a period stands for, one-time
charges, and the periods no built-in word knows (the Data page asks their months).
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.text import ParsedColumn, _any, _blanked, _falses, _fold, _group
from kpi.texts.messages import english

# Billing periods (docs/DETAILS.md 22), compared folded (case, accents, spaces, "-", "_", "."
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
    """Months per billing period (docs/DETAILS.md 22).

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
    # empty -> monthly (docs/DETAILS.md 22); one-time -> 0 (not recurring); unknown stays NULL
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
UNKNOWN_BILLING_PERIOD = english("load.msg.billing_unknown")
#: the note of a one-time contract
ONE_TIME_BILLING = english("load.msg.one_time")


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
