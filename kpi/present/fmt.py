"""Numbers, percentages, money, hours and dates for display, per language (Babel).

One rule per unit, used by every card, table, chart tooltip and summary download:

- money: cents below 1,000, whole units from 1,000 (``€671.00``, ``€1,422``);
- a change: its sign first (ASCII ``-``: ``st.metric`` points its arrow down only for a
  text starting with it), then the magnitude as its unit shows it (``-€789.00``,
  ``+€2,535``); shown next to a value, money follows the value's cents (``+€789`` under
  ``€12,346``);
- ratios: one decimal (``82.3%``), changes of a ratio in points (``+2.3 pp``);
- ``None`` and NaN: an em dash.

Examples (en / es):

    >>> currency(1234.56, "en")
    '€1,235'
    >>> currency(671, "es")
    '671,00\\xa0€'
    >>> percent(0.8234, "es")
    '82,3\\xa0%'
"""

from __future__ import annotations

import math
from datetime import date, datetime
from functools import cache
from typing import Any

from babel import dates as bdates
from babel import numbers as bnum

from kpi.texts import t

#: UI language -> Babel locale
LOCALES = {"en": "en_US", "es": "es_ES"}

#: shown for an empty value
EMPTY = "—"

#: currencies offered in Settings (ISO 4217)
CURRENCIES = ("EUR", "USD", "GBP", "MXN", "COP", "ARS", "CLP", "CHF")


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["en"])


# The @cache functions below hold Babel's locale data and number patterns, once per
# process: they take a language and digit counts, never a value shown
# (tests/test_browser_isolation.py lists them)


@cache
def _babel_locale(lang: str) -> bnum.Locale:
    return bnum.Locale.parse(_locale(lang))


@cache
def _pattern(pattern: str) -> bnum.NumberPattern:
    """A parsed Babel number pattern: a page formats thousands of cells with a few."""
    return bnum.parse_pattern(pattern)


@cache
def _percent_pattern(lang: str, digits: int) -> bnum.NumberPattern:
    # the locale's own pattern with the fraction digits added: "#,##0 %" -> "#,##0.0 %"
    pattern = _babel_locale(lang).percent_formats[None].pattern.split(";")[0]
    return _pattern(pattern.replace("#,##0", "#,##0" + ("." + "0" * digits if digits else ""), 1))


@cache
def _currency_pattern(lang: str, digits: int | None) -> bnum.NumberPattern:
    loc = _babel_locale(lang)
    if digits is None:
        return loc.currency_formats["standard"]
    # the locale's pattern with the fraction digits replaced: "¤#,##0.00" -> "¤#,##0"
    body = "#,##0" + ("." + "0" * digits if digits else "")
    return _pattern(
        loc.currency_formats["standard"].pattern.split(";")[0].replace("#,##0.00", body)
    )


def is_empty(value: Any) -> bool:
    """True for None, NaN and pandas' NA (everything shown as an em dash)."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and pd.NA are not equal to themselves
    except TypeError:  # pd.NA raises on bool()
        return True


def number(value: Any, lang: str, digits: int = 0) -> str:
    """A plain number with grouping: ``1,234`` / ``1.234``."""
    if is_empty(value):
        return EMPTY
    pattern = _pattern("#,##0" + ("." + "0" * digits if digits else ""))
    return pattern.apply(float(value), _babel_locale(lang))


def percent(value: Any, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage: 0.8234 -> ``82.3%`` / ``82,3 %``."""
    if is_empty(value):
        return EMPTY
    return _percent_pattern(lang, digits).apply(float(value), _babel_locale(lang))


#: money from this amount up is shown in whole units (``€1,422``), below with its
#: currency's cents (``€671.00``; a currency without cents, CLP, never has any)
WHOLE_FROM = 1000


def money_digits(value: Any) -> int | None:
    """The fraction digits money is shown with: 0 from :data:`WHOLE_FROM` up, else None
    (the currency's own: 2 for EUR, 0 for CLP)."""
    return 0 if not is_empty(value) and abs(float(value)) >= WHOLE_FROM else None


def currency(
    value: Any, lang: str, code: str = "EUR", digits: int | None = None, *, exact: bool = False
) -> str:
    """Money by the one rule (:func:`money_digits`): ``€671.00``, ``€1,422`` /
    ``671,00 €``, ``1.422 €``; ``digits`` forces a number of decimals; ``exact`` keeps the
    currency's cents at any size (``€1,234.50``: totals to reconcile with the exporting
    tool, the Data page's "Check the numbers")."""
    if is_empty(value):
        return EMPTY
    if digits is None and not exact:
        digits = money_digits(value)
    return _currency_pattern(lang, digits).apply(
        float(value), _babel_locale(lang), currency=code, currency_digits=digits is None
    )


def hours(value: Any, lang: str) -> str:
    """Hours with one decimal below 100 (``12.5 h`` / ``12,5 h``), whole from 100 up
    (``13,338 h``: a card has no room for tenths of thousands of hours)."""
    if is_empty(value):
        return EMPTY
    return f"{number(value, lang, 1 if abs(float(value)) < 100 else 0)}\xa0h"


def days(value: Any, lang: str) -> str:
    """Days with one decimal: ``34.5 days`` / ``34,5 días``."""
    if is_empty(value):
        return EMPTY
    return t("fmt.days", lang, n=number(value, lang, 1))


def value(v: Any, unit: str, lang: str, code: str = "EUR") -> str:
    """A KPI value per its unit (ratio, currency, hours, days, count)."""
    if unit == "ratio":
        return percent(v, lang)
    if unit == "currency":
        return currency(v, lang, code)
    if unit == "hours":
        return hours(v, lang)
    if unit == "days":
        return days(v, lang)
    return number(v, lang, 0 if is_empty(v) or float(v) == int(float(v)) else 1)


def delta(v: Any, unit: str, lang: str, code: str = "EUR", *, beside: Any = None) -> str | None:
    """A change with its sign; ratios in percentage points (``+2.3 pp`` / ``+2,3 p. p.``).

    ``beside``: the value the change is shown next to (a card's); money then has the
    cents that value has: ``-€789`` under ``€12,346``, ``-€789.00`` under ``€950.00``.
    None for an empty delta, so ``st.metric`` shows no arrow.
    """
    if is_empty(v):
        return None
    x = float(v)
    # ASCII "-": st.metric points its arrow down only for a delta starting with "-"
    sign = "+" if x > 0 else ("-" if x < 0 else "±")
    mag = abs(x)
    if unit == "ratio":
        return t("fmt.pp", lang, sign=sign, n=number(mag * 100, lang, 1))
    if unit == "currency" and not is_empty(beside):
        return sign + currency(mag, lang, code, digits=money_digits(max(mag, abs(float(beside)))))
    return sign + value(mag, unit, lang, code)


def setting(v: Any, unit: str, lang: str) -> str:
    """A target as Settings' inputs show it: ratios in percent without needless decimals
    (``40%`` / ``40 %`` next to a ``40.00`` input in %), other units as plain numbers
    (``5``, ``2.5``); a band as ``70%–85%``."""
    if isinstance(v, tuple):
        return "–".join(setting(x, unit, lang) for x in v)
    if is_empty(v):
        return EMPTY
    x = float(v) * (100 if unit == "ratio" else 1)
    digits = next((d for d in (0, 1, 2) if math.isclose(x, round(x, d), abs_tol=1e-9)), 2)
    if unit == "ratio":
        return _percent_pattern(lang, digits).apply(x / 100, _babel_locale(lang))
    return number(x, lang, digits)


def date_(d: date | datetime | None, lang: str, style: str = "medium") -> str:
    """A date: ``Mar 5, 2024`` / ``5 mar 2024``."""
    if d is None or is_empty(d):
        return EMPTY
    if isinstance(d, datetime):
        d = d.date()
    return bdates.format_date(d, style, locale=_locale(lang))


#: a date in digits per language: what a sentence names (an alert's "ends on ...") and
#: the date pickers show (``ui.i18n.DATE_INPUT_FORMATS``)
DATE_DIGITS = {"en": "%Y-%m-%d", "es": "%d/%m/%Y"}


def date_digits(d: date | datetime | str, lang: str) -> str:
    """A date in digits as the language writes it: ``2026-03-31`` / ``31/03/2026``; an
    ISO text (``"2026-03-31"``, a query's ``CAST(date AS VARCHAR)``) is read first."""
    if isinstance(d, str):
        d = date.fromisoformat(d[:10])
    return d.strftime(DATE_DIGITS.get(lang, DATE_DIGITS["en"]))


def month(d: date, lang: str) -> str:
    """A month: ``Mar 2024`` / ``mar 2024``."""
    return bdates.format_date(d, "MMM y", locale=_locale(lang))


def date_range(start: date, end: date, lang: str) -> str:
    """``Jan 1, 2024 – Dec 31, 2024``."""
    return f"{date_(start, lang)} – {date_(end, lang)}"


def ratio_parts(num: Any, den: Any, unit_word: str, lang: str) -> str:
    """``41 of 50 tickets`` / ``41 de 50 tickets``; the numbers keep their decimals."""
    if is_empty(num) or is_empty(den):
        return EMPTY

    def n(x: Any) -> str:
        fx = float(x)
        return number(fx, lang, 0 if math.isclose(fx, round(fx)) else 1)

    return t("fmt.of", lang, numerator=n(num), denominator=n(den), unit=unit_word).strip()


_MD_SPECIAL = "\\`*_{}[]()#+-.!|<>~$:"


def escape_md(text: str) -> str:
    """Text shown through Markdown exactly as written: ``*ACME* <b>`` stays literal.

    Every Markdown-significant character gets a backslash (``*`` -> ``\\*``), so data
    (client names, file names) never turns into formatting, links or HTML.
    """
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in str(text))


#: Vega-Lite's number and month names per language (chart axis labels, not only tooltips;
#: :mod:`ui.charts`); English is Vega-Lite's own
VEGA_LOCALES: dict[str, dict[str, Any]] = {
    "es": {
        "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", "\u00a0€"]},
        "time": {
            "dateTime": "%A, %e de %B de %Y, %X",
            "date": "%d/%m/%Y",
            "time": "%H:%M:%S",
            "periods": ["AM", "PM"],
            "days": ["domingo", "lunes", "martes", "miércoles", "jueves", "viernes", "sábado"],
            "shortDays": ["dom", "lun", "mar", "mié", "jue", "vie", "sáb"],
            "months": [
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ],
            "shortMonths": [
                "ene",
                "feb",
                "mar",
                "abr",
                "may",
                "jun",
                "jul",
                "ago",
                "sept",
                "oct",
                "nov",
                "dic",
            ],
        },
    },
}
