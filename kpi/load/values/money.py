"""Money cells: the currency an amount is written in (a code, a symbol or a word, in
the cell or in a currency column) and the amount itself (README "Currencies"; what the
engine makes of them is :mod:`kpi.query.money`).
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.column import parse_column
from kpi.load.values.text import ParsedColumn, _any, _blanked, _falses, _match, _scatter
from kpi.texts.messages import english

#: How ingestion stores a bare dollar sign in the ``currency`` column.
DOLLAR_SIGN = "$"
#: Currencies written with a bare ``$`` where they are used.
DOLLAR_CURRENCIES = frozenset(
    {"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "TWD", "MXN", "COP", "CLP", "ARS", "UYU",
     "DOP", "CUP"}
)  # fmt: skip

#: A currency as written, folded (lower case, accents, spaces and dots dropped), -> its
#: ISO 4217 code. ``$`` is a bare dollar sign: several currencies write it (USD, MXN,
#: COP, CLP, ARS, CAD, AUD...), so :mod:`kpi.query.money` decides its meaning with all the
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
    ``dólares`` -> USD), ``$`` for a bare dollar sign (see :mod:`kpi.query.money`).

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
        warning_reason=english("load.msg.not_currency") if _any(unknown) else None,
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
