"""Display formats per language (Babel)."""

from __future__ import annotations

import math
from datetime import date

import pytest

from kpi.present import fmt

NBSP = "\xa0"


@pytest.mark.parametrize(
    "func, args, en, es",
    [
        (fmt.currency, (1234.56,), "€1,235", f"1.235{NBSP}€"),
        (fmt.currency, (671,), "€671.00", f"671,00{NBSP}€"),
        (fmt.currency, (-5.5,), "-€5.50", f"-5,50{NBSP}€"),
        (fmt.percent, (0.8234,), "82.3%", f"82,3{NBSP}%"),
        (fmt.number, (1234567,), "1,234,567", "1.234.567"),
        (fmt.hours, (12.25,), f"12.2{NBSP}h", f"12,2{NBSP}h"),
        (fmt.date_, (date(2024, 3, 5),), "Mar 5, 2024", "5 mar 2024"),
    ],
)
def test_formats(func, args, en: str, es: str) -> None:  # type: ignore[no-untyped-def]
    assert func(*args, "en") == en
    assert func(*args, "es") == es


def test_value_per_unit() -> None:
    assert fmt.value(0.9, "ratio", "en") == "90.0%"
    # money from 1,000 up without cents, below with cents
    assert fmt.value(12345.6, "currency", "en") == "€12,346"
    assert fmt.value(99.5, "currency", "es", "USD") == f"99,50{NBSP}US$"
    assert fmt.value(7.0, "count", "en") == "7"
    assert fmt.value(34.25, "days", "es") == f"34,2{NBSP}días"


@pytest.mark.parametrize("empty", [None, float("nan"), math.nan])
def test_empty_values_show_a_dash(empty: object) -> None:
    assert fmt.value(empty, "ratio", "en") == fmt.EMPTY
    assert fmt.delta(empty, "ratio", "en") is None


def test_deltas_have_a_sign_and_ratios_are_in_points() -> None:
    # 0.023 as a rate is 2.3 percentage points
    assert fmt.delta(0.023, "ratio", "en") == f"+2.3{NBSP}pp"
    assert fmt.delta(-0.023, "ratio", "es") == f"-2,3{NBSP}p. p."  # ASCII: st.metric arrow
    assert fmt.delta(-1500, "currency", "en") == "-€1,500"
    assert fmt.delta(0, "count", "en") == "±0"


def test_numerator_and_denominator_in_words() -> None:
    assert fmt.ratio_parts(41, 50, "tickets", "en") == "41 of 50 tickets"
    assert fmt.ratio_parts(41.0, 50.5, "horas", "es") == "41 de 50,5 horas"
    assert fmt.ratio_parts(None, 50, "tickets", "en") == fmt.EMPTY


@pytest.mark.parametrize("lang", ["en", "es"])
def test_cached_patterns_format_as_babel_does(lang: str) -> None:
    # pages format thousands of cells: the parsed patterns are cached, the text must be
    # what Babel's own functions write with the same patterns
    from babel import numbers as bnum

    loc = fmt.LOCALES[lang]
    values = [0.0, -0.0, 0.005, 0.125, 0.135, 1.0, 999.995, 1000.0, -1234.5678, 12345678.5, 1e-9]
    for v in values:
        assert fmt.number(v, lang) == bnum.format_decimal(v, format="#,##0", locale=loc)
        assert fmt.number(v, lang, 2) == bnum.format_decimal(v, format="#,##0.00", locale=loc)
        if abs(v) < fmt.WHOLE_FROM:  # below 1,000 money has its currency's cents
            assert fmt.currency(v, lang, "USD") == bnum.format_currency(v, "USD", locale=loc)
            assert fmt.currency(v, lang, "CLP") == bnum.format_currency(v, "CLP", locale=loc)
        else:
            assert fmt.currency(v, lang, "USD") == fmt.currency(v, lang, "USD", digits=0)
        pct = bnum.Locale.parse(loc).percent_formats[None].pattern.replace("#,##0", "#,##0.0", 1)
        assert fmt.percent(v, lang) == bnum.format_percent(v, format=pct, locale=loc)
        whole = bnum.Locale.parse(loc).currency_formats["standard"].pattern.split(";")[0]
        assert fmt.currency(v, lang, "EUR", digits=0) == bnum.format_currency(
            v, "EUR", format=whole.replace("#,##0.00", "#,##0"), locale=loc,
            currency_digits=False,
        )  # fmt: skip


@pytest.mark.parametrize(
    "v, en, es",
    [
        (671, "€671.00", f"671,00{NBSP}€"),
        (999.5, "€999.50", f"999,50{NBSP}€"),
        (1000, "€1,000", f"1.000{NBSP}€"),
        (1422.4, "€1,422", f"1.422{NBSP}€"),
        (19545.51, "€19,546", f"19.546{NBSP}€"),
        (-789, "-€789.00", f"-789,00{NBSP}€"),
        (-2535, "-€2,535", f"-2.535{NBSP}€"),
    ],
)
def test_one_money_rule_cents_below_1000(v: float, en: str, es: str) -> None:
    # the rule of cards, tables (fmt.value) and tooltips alike: cents below 1,000 only
    assert fmt.currency(v, "en") == fmt.value(v, "currency", "en") == en
    assert fmt.currency(v, "es") == fmt.value(v, "currency", "es") == es


def test_money_without_cents_in_its_currency() -> None:
    assert fmt.currency(671, "en", "CLP") == "CLP671"  # no cents at all
    assert fmt.currency(1422, "en", "USD") == "$1,422"


@pytest.mark.parametrize(
    "v, beside, en, es",
    [
        (-789, None, "-€789.00", f"-789,00{NBSP}€"),  # alone: its own magnitude
        (2535, None, "+€2,535", f"+2.535{NBSP}€"),
        (-789, 12345.6, "-€789", f"-789{NBSP}€"),  # under €12,346: whole, as the value
        (-789, 950, "-€789.00", f"-789,00{NBSP}€"),  # under €950.00: cents, as the value
        (2535, 950, "+€2,535", f"+2.535{NBSP}€"),
        (0, 12345.6, "±€0", f"±0{NBSP}€"),
    ],
)
def test_money_changes_have_a_sign_and_the_cents_of_their_value(
    v: float, beside: float | None, en: str, es: str
) -> None:
    assert fmt.delta(v, "currency", "en", beside=beside) == en
    assert fmt.delta(v, "currency", "es", beside=beside) == es


@pytest.mark.parametrize(
    "target, unit, en, es",
    [
        (0.4, "ratio", "40%", f"40{NBSP}%"),
        (0.975, "ratio", "97.5%", f"97,5{NBSP}%"),
        (0.05, "ratio", "5%", f"5{NBSP}%"),
        ((0.7, 0.85), "ratio", "70%–85%", f"70{NBSP}%–85{NBSP}%"),
        (0.0, "count", "0", "0"),
        (2.5, "hours", "2.5", "2,5"),
    ],
)
def test_settings_defaults_in_the_inputs_unit(target: object, unit: str, en: str, es: str) -> None:
    # Settings' inputs take a ratio in percent ("40.00" in a "(%)" input): its default
    # says "40%", not "0.4"; a count target says "0", not "0.00"
    assert fmt.setting(target, unit, "en") == en
    assert fmt.setting(target, unit, "es") == es


def test_exact_money_keeps_every_cent_for_reconciling() -> None:
    # the Data page's totals are checked against the exporting tool's: every cent
    assert fmt.currency(1234.5, "en", exact=True) == "€1,234.50"
    assert fmt.currency(1234.5, "es", "CLP", exact=True) == f"1.234{NBSP}CLP"  # no cents


def test_dates_in_digits_as_each_language_writes_them() -> None:
    # an alert's "ends on ..." and the date pickers (ui.i18n.DATE_INPUT_FORMATS)
    assert fmt.date_digits(date(2026, 3, 31), "es") == "31/03/2026"
    assert fmt.date_digits(date(2026, 3, 31), "en") == "2026-03-31"
    assert fmt.date_digits("2026-03-31", "es") == "31/03/2026"  # a query's ISO text


def test_the_date_pickers_write_dates_like_the_texts() -> None:
    from ui.i18n import DATE_INPUT_FORMATS

    picker = {"YYYY": "%Y", "MM": "%m", "DD": "%d"}
    for lang, form in DATE_INPUT_FORMATS.items():
        for token, code in picker.items():
            form = form.replace(token, code)
        assert form == fmt.DATE_DIGITS[lang], lang
