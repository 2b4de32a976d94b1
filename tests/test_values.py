"""Value coercion (kpi.load.values): docs/DATA.md General rules, docs/DETAILS.md 15, 19, 22,
25, 30-33.

Expected values are worked out by hand in the comments next to them.
"""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.load import values as V
from kpi.load.values import (
    clean_text,
    date_order,
    date_shapes,
    empty_mask,
    parse_billing_months,
    parse_column,
    parse_csat,
)
from kpi.load.values import dates as values_dates
from kpi.load.values import text as values_text


def arr(*items: str | None) -> pa.Array:
    return pa.array(list(items), pa.string())


def parse(kind: str, *items: str | None, **kw: object) -> V.ParsedColumn:
    return parse_column(arr(*items), kind, **kw)  # type: ignore[arg-type]


def vals(kind: str, *items: str | None, **kw: object) -> list[object]:
    return parse(kind, *items, **kw).values.to_pylist()


# --------------------------------------------------------------------------- empties, text


def test_empty_tokens_are_empty_case_insensitively() -> None:
    got = empty_mask(
        arr("", " ", "\u00a0", "?", "-", "n/a", "N/A", "null", "NULL", "None", "none", None)
    )
    assert got.to_pylist() == [True] * 12


def test_real_values_are_not_empty() -> None:
    assert empty_mask(arr("x", "0", "na", "nonexistent", "--", "1899")).to_pylist() == [False] * 6


def test_empty_tokens_and_sentinels_among_many_long_texts_and_in_slices() -> None:
    # the short-token lookup and the byte pre-scan for 1899/1900 must not miss any:
    # long texts around them, a slice whose hidden part holds a sentinel, no characters
    texts = ["11/1/2024 7:03 AM"] * 50 + ["N/A", "1/1/1900 10:00", "-"] + ["x" * 30] * 50
    assert [i for i, e in enumerate(empty_mask(arr(*texts)).to_pylist()) if e] == [50, 51, 52]
    whole = arr("1899-12-30", "2024-03-05", "2024-03-06")
    assert empty_mask(whole.slice(1)).to_pylist() == [False, False]
    assert empty_mask(whole.slice(0, 1)).to_pylist() == [True]
    assert empty_mask(arr("", "", None)).to_pylist() == [True, True, True]


def test_sentinel_dates_are_empty_in_any_format_and_time() -> None:
    sentinels = arr(
        "1899-12-30",
        "1899-12-30T00:00:00",
        "1899-12-30 00:00:00Z",
        "30/12/1899",
        "12/30/1899 0:00",
        "1900-01-01",
        "1/1/1900 10:00",
        "01.01.1900",
        "30-Dec-1899",
        "1 ene 1900",
        "Jan 1, 1900",
    )
    assert empty_mask(sentinels).to_pylist() == [True] * 11
    # neighbours of the sentinels are real dates
    assert empty_mask(arr("1899-12-31", "2/1/1900", "1900-01-02")).to_pylist() == [False] * 3


def test_trimming_is_skipped_only_when_no_text_has_edge_whitespace() -> None:
    # the first and last byte of each text decide; any whitespace, ASCII or Unicode,
    # begins and ends outside printable ASCII
    spaces = [" ", "\t", "\n", "\r", "\u00a0", "\u2009", "\u3000", "\u202f", "\u1680", "\u0085"]
    for sp in spaces:
        for text in (sp + "x", "x" + sp, sp):
            got = values_text._trimmed(arr("a", text, None, ""))
            assert got.to_pylist() == ["a", "x" if text != sp else "", None, ""], repr(text)
    plain = arr("11/1/2024 7:03 AM", "Acme", None, "", "a b")
    assert values_text._trimmed(plain) is plain  # nothing to trim: the same texts, not a copy
    # accents at the edges are not whitespace, but the check cannot tell from one byte
    assert values_text._trimmed(arr("é", "Sí")).to_pylist() == ["é", "Sí"]
    # a slice reads its own texts: hidden whitespace around it changes nothing
    whole = arr(" x ", "a", "b", " y")
    assert values_text._trimmed(whole.slice(1, 2)).to_pylist() == ["a", "b"]
    assert values_text._trimmed(whole.slice(2)).to_pylist() == ["b", "y"]
    assert values_text._trimmed(arr()).to_pylist() == []
    assert values_text._trimmed(pa.array([None, None], pa.string())).to_pylist() == [None, None]


@given(st.lists(st.none() | st.text(alphabet=" \t\u00a0\u3000xé1/", max_size=6), max_size=8))
def test_trimming_equals_arrow_trim(texts: list[str | None]) -> None:
    column = pa.array(texts, pa.string())
    assert values_text._trimmed(column).to_pylist() == pc.utf8_trim_whitespace(column).to_pylist()


def test_the_byte_search_finds_needles_anywhere_in_the_texts() -> None:
    texts = arr("2024-03-05", "5/3/2024 9:05", None, "30/12/1899 0:00")
    assert values_text._may_contain(texts, ("1899", "1900"))
    assert not values_text._may_contain(arr("2024-03-05", "x"), ("1899", "1900"))
    assert values_text._may_contain(arr("a.b"), ("a.b",)) and not values_text._may_contain(
        arr("axb"), ("a.b",)
    )
    assert not values_text._may_contain(arr(None, ""), ("1899",))


def test_clean_text_trims_and_nulls_empties() -> None:
    assert clean_text(arr("  Acme S.L. ", "n/a", "", None, "x")).to_pylist() == [
        "Acme S.L.",
        None,
        None,
        None,
        "x",
    ]


def test_chunked_and_large_string_input() -> None:
    chunked = pa.chunked_array([["1,5"], ["2,5", None]], type=pa.large_string())
    got = parse_column(chunked, "num")
    assert got.values.to_pylist() == [1.5, 2.5, None]
    assert got.invalid.to_pylist() == [False, False, False]
    empty = pa.chunked_array([], type=pa.string())
    assert parse_column(empty, "ts").values.to_pylist() == []


def test_text_kind() -> None:
    got = parse("text", " a ", "-", "b")
    assert got.values.to_pylist() == ["a", None, "b"]
    assert got.invalid.to_pylist() == [False, False, False]


def test_unknown_kind_raises() -> None:
    with pytest.raises(ValueError, match="unknown column kind"):
        parse("money", "1")


# --------------------------------------------------------------------------- ids


def test_id_keeps_text_and_flags_scientific_notation() -> None:
    got = parse("id", "00123", " 1.03006E+13 ", "T20240101.0001", "")
    assert got.values.to_pylist() == ["00123", "1.03006E+13", "T20240101.0001", None]
    assert got.invalid.to_pylist() == [False] * 4
    assert got.warnings is not None
    assert got.warnings.to_pylist() == [False, True, False, False]
    assert got.warning_reason == (
        "looks destroyed by Excel (scientific notation); export ids as text"
    )
    # lower case too; a column with no letter e anywhere has nothing to flag
    assert parse("id", "12", "1.5e13").warnings.to_pylist() == [False, True]
    plain = parse("id", "104000", "104001", "12.5", "+7")
    assert plain.warnings is not None and plain.warnings.to_pylist() == [False] * 4
    assert plain.warning_reason is None


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        ("1,234.5", 1234.5),
        ("(420.81)", -420.81),
        ("-5", -5.0),
        ("+7", 7.0),
        ("€1,234.50", 1234.5),
        ("$ 12", 12.0),
        ("1,234.5 USD", 1234.5),
        ("12 %", 12.0),
        ("($420.81)", -420.81),
        ("1.5E+3", 1500.0),
    ],
)
def test_num_point_column_examples(text: str, expected: float) -> None:
    # each alone; the values with a separator decide "point", the others need no decision
    assert vals("num", text) == [pytest.approx(expected)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,5", 1234.5),  # comma last: comma decides
        ("1234,5", 1234.5),  # single comma, 1 digit after: decides
        ("€ 1.234,50", 1234.5),
        ("1\u00a0234,5 EUR", 1234.5),  # no-break space thousands
        ("-0,25", -0.25),
    ],
)
def test_num_comma_examples(text: str, expected: float) -> None:
    got = parse("num", text)
    assert got.values.to_pylist() == [pytest.approx(expected)]
    assert got.note == "decimal comma"


def test_num_ambiguous_three_digits_follows_language_or_setting() -> None:
    # "1,234" and "1.234" decide nothing (docs/DETAILS.md 32): en -> point, es -> comma
    assert vals("num", "1,234", "1.234") == [1234.0, 1.234]
    es = parse("num", "1,234", "1.234", lang="es")
    assert es.values.to_pylist() == [1.234, 1234.0]
    assert es.note == "decimal comma (ambiguous; language es)"
    # the decimal setting beats the language
    assert vals("num", "1.234", lang="es", decimal=".") == [1.234]
    set_comma = parse("num", "1.234", decimal=",")
    assert set_comma.values.to_pylist() == [1234.0]
    assert set_comma.note == "decimal comma (ambiguous; setting)"


def test_num_values_beat_language_and_setting() -> None:
    # "2,5" decides comma, so "1.234" is 1234 even in English with a point setting
    assert vals("num", "1.234", "2,5", lang="en", decimal=".") == [1234.0, 2.5]


def test_num_leading_zero_is_never_thousands() -> None:
    # "0,125": a thousands group cannot follow 0, so the comma is decimal (a vote)
    assert vals("num", "0,125", "1.000") == [0.125, 1000.0]


def test_num_majority_decides_where_thousands_groups_exist() -> None:
    # votes: "2,5", "3,75" and "1.234,5" comma, "1.5" point -> comma wins 3 to 1; the
    # column holds a thousands group ("1.234,5": both marks), so the majority rule stays:
    # "1.5" is not a valid comma-decimal number (a point must be followed by 3 digits)
    got = parse("num", "1.5", "2,5", "3,75", "1.234,5")
    assert got.values.to_pylist() == [None, 2.5, 3.75, 1234.5]
    assert got.invalid.to_pylist() == [True, False, False, False]
    assert got.reason == "not a number"
    assert got.warning_reason is None


@pytest.mark.parametrize(
    ("group", "read_as"),
    [
        ("1,234,567", 1_234_567.0),  # a repeated comma: thousands (a point vote)
        ("2,500", 2500.0),  # a single mark before exactly 3 digits: maybe thousands
        ("2.500", 2.5),  # (no vote either way)
    ],
)
def test_num_a_possible_thousands_group_keeps_the_majority_rule(group: str, read_as: float) -> None:
    # "1.5" x3 vote point, "2,5" votes comma: points win; the value that may hold a
    # thousands group stops the reading of both marks, so "2,5" is invalid as before
    got = parse("num", "1.5", "1.5", "1.5", "2,5", group)
    assert got.values.to_pylist() == [1.5, 1.5, 1.5, None, read_as]
    assert got.invalid.to_pylist() == [False, False, False, True, False]
    assert got.warning_reason is None


def test_num_column_mixing_marks_without_thousands_reads_both() -> None:
    # issue 18 item 6, by hand: 19 rows of point decimals and 3 of comma decimals, no
    # value that could hold a thousands group -> every value read with its own mark;
    # points win 19 to 3 so the 3 comma rows are warned; nothing is invalid
    got = parse("hours", *(["1.5"] * 10 + ["0.25"] * 9 + ["1,5", "2,5", "2,5"]))
    assert got.invalid.to_pylist() == [False] * 22
    # 10 x 1.5 + 9 x 0.25 + 1.5 + 2.5 + 2.5 = 15 + 2.25 + 6.5 = 23.75
    assert sum(got.values.to_pylist()) == pytest.approx(23.75)
    assert got.warnings is not None
    assert [i for i, w in enumerate(got.warnings.to_pylist()) if w] == [19, 20, 21]
    assert got.warning_reason == (
        "decimal comma in a column of decimal points; read as a decimal comma"
    )
    # the other way round: commas win 3 to 1, the point row is warned; "0,125" (a 0
    # before the mark is never thousands) and "7" (no mark) vote for nothing
    es = parse("num", "2,5", "3,75", "0,125", "1.5", "7")
    assert es.values.to_pylist() == [2.5, 3.75, 0.125, 1.5, 7.0]
    assert es.warnings is not None and es.warnings.to_pylist() == [False] * 3 + [True, False]
    assert es.warning_reason == (
        "decimal point in a column of decimal commas; read as a decimal point"
    )
    assert es.note == "decimal comma"


def test_num_decimal_mark_is_voted_by_rows_in_a_low_cardinality_column() -> None:
    # issue 18 item 6, the shape of the export: 19,000 hours written "1.5" / "0.5" and
    # 1,200 written "1,5" / "2,5" / "3,5" (20,200 rows: parsed on its 5 distinct values).
    # By distinct values the commas won 3 to 2 and the 19,000 point rows were rejected;
    # by rows the points win 19,000 to 1,200 and both marks are read.
    rows = ["1.5"] * 12_000 + ["0.5"] * 7_000 + ["1,5", "2,5", "3,5"] * 400
    got = parse_column(pa.array(rows, pa.string()), "hours")
    assert got.invalid.to_pylist().count(True) == 0
    # 12,000 x 1.5 + 7,000 x 0.5 + 400 x (1.5 + 2.5 + 3.5) = 18,000 + 3,500 + 3,000
    assert sum(got.values.to_pylist()) == pytest.approx(24_500.0)
    assert got.warnings is not None
    assert got.warnings.to_pylist().count(True) == 1_200
    assert got.note is None  # decimal point


def test_num_invalid_and_empty() -> None:
    got = parse("num", "abc", "12abc", "1,23,4", "", "n/a", None, "€")
    assert got.values.to_pylist() == [None] * 7
    assert got.invalid.to_pylist() == [True, True, True, False, False, False, True]


def test_hours_accept_durations() -> None:
    # 1:30 = 1 + 30/60 = 1.5; 00:45:00 = 45/60 = 0.75; 2:00:36 = 2 + 36/3600 = 2.01
    got = parse("hours", "1:30", "00:45:00", "2:00:36", "2.5", "1:75", "1:30:00 h")
    assert got.values.to_pylist()[:4] == [1.5, 0.75, pytest.approx(2.01), 2.5]
    assert got.invalid.to_pylist() == [False, False, False, False, True, True]


def test_pct_divides_a_0_100_column() -> None:
    # any value > 1: the whole column is 0-100 -> 85 / 100 = 0.85, 0.5 / 100 = 0.005
    got = parse("pct", "85%", "0.5", "100")
    assert got.values.to_pylist() == [pytest.approx(0.85), pytest.approx(0.005), 1.0]
    assert got.note == "percent 0-100 divided by 100"
    fractions = parse("pct", "0.85", "1")
    assert fractions.values.to_pylist() == [0.85, 1.0]
    assert fractions.note is None


def test_int_must_be_whole() -> None:
    got = parse("int", "2", "2.0", "2.5", "1,234", "x")
    assert got.values.to_pylist() == [2, 2, None, 1234, None]
    assert got.values.type == pa.int64()
    assert got.invalid.to_pylist() == [False, False, True, False, True]
    assert got.reason == "not a whole number"


def test_tier_is_the_first_integer() -> None:
    got = parse("tier", "L2", "Tier 3", "Nivel 2", "N2", "2", "Senior", "", "L2/3")
    assert got.values.to_pylist() == [2, 3, 2, 2, 2, None, None, 2]
    assert got.invalid.to_pylist() == [False] * 5 + [True, False, False]


# --------------------------------------------------------------------------- booleans


def test_bool_vocabulary() -> None:
    trues = ("true", "TRUE", "yes", "Y", "1", "si", "Sí", "verdadero", "t")
    falses = ("false", "No", "n", "0", "falso", "F")
    got = parse("bool", *trues, *falses)
    assert got.values.to_pylist() == [True] * len(trues) + [False] * len(falses)
    assert got.invalid.to_pylist() == [False] * (len(trues) + len(falses))


def test_bool_billable_option_and_sla_texts() -> None:
    got = parse(
        "bool", "Billable", "DoNotBill", "NoCharge", "NoDefault", "Within SLA", "SLA Violated",
        "Violated", "Breached",
    )  # fmt: skip
    assert got.values.to_pylist() == [True, False, False, None, True, False, False, False]
    assert got.invalid.to_pylist() == [False] * 8  # NoDefault is unknown, not invalid


def test_bool_invalid() -> None:
    got = parse("bool", "maybe", "yes", "")
    assert got.values.to_pylist() == [None, True, None]
    assert got.invalid.to_pylist() == [True, False, False]
    assert got.reason == "not a yes/no value"


def test_checkbox_column_empty_is_false() -> None:
    got = parse("bool", "x", "", None, "X", "-")
    assert got.values.to_pylist() == [True, False, False, True, False]
    assert got.note == "checkbox column"
    # x among other words: not a checkbox column, empty stays unknown
    mixed = parse("bool", "x", "", "no")
    assert mixed.values.to_pylist() == [True, None, False]
    assert mixed.note is None


def test_inverted_flips() -> None:
    assert vals("bool", "true", "false", "", inverted=True) == [False, True, None]
    # isNonBillable as a checkbox: x = not billable, empty = billable
    assert vals("bool", "x", "", inverted=True) == [False, True]


# --------------------------------------------------------------------------- dates


@pytest.fixture(params=["arrow", "duckdb"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a date test through both engines: small columns (pyarrow only) and large
    ones (DuckDB evidence and fast path)."""
    monkeypatch.setattr(values_dates, "_DUCKDB_MIN_ROWS", 10**9 if request.param == "arrow" else 0)
    return str(request.param)


def test_day_first_decided_by_values(engine: str) -> None:
    got = parse("ts", "25/03/2024", "05/03/2024 14:30")
    assert got.values.to_pylist() == [datetime(2024, 3, 25), datetime(2024, 3, 5, 14, 30)]
    assert got.values.type == pa.timestamp("us")
    assert got.note == "day-first (decided by values like 25/03/2024)"


def test_month_first_decided_by_values(engine: str) -> None:
    got = parse("ts", "03/25/2024", "05/03/2024", lang="es")
    assert got.values.to_pylist() == [datetime(2024, 3, 25), datetime(2024, 5, 3)]
    assert got.note == "month-first (decided by values like 03/25/2024)"


def test_both_orders_is_a_column_error(engine: str) -> None:
    got = parse("ts", "25/03/2024", "03/25/2024", "2024-03-05", "")
    assert got.error is not None
    assert "25/03/2024" in got.error and "03/25/2024" in got.error
    assert got.values.to_pylist() == [None] * 4
    assert got.invalid.to_pylist() == [True, True, True, False]


def test_ambiguous_dates_follow_language_then_setting(engine: str) -> None:
    es = parse("ts", "05/03/2024", lang="es")
    assert es.values.to_pylist() == [datetime(2024, 3, 5)]
    assert es.note == "day-first (ambiguous; language es)"
    en = parse("ts", "05/03/2024", lang="en")
    assert en.values.to_pylist() == [datetime(2024, 5, 3)]
    assert en.note == "month-first (ambiguous; language en)"
    preset = parse("ts", "05/03/2024", lang="en", day_first=True)
    assert preset.values.to_pylist() == [datetime(2024, 3, 5)]
    assert preset.note == "day-first (ambiguous; setting)"
    # values beat the setting
    assert vals("ts", "05/03/2024", "25/03/2024", day_first=False)[0] == datetime(2024, 3, 5)


def test_dashes_and_dots_decide_too(engine: str) -> None:
    got = parse("ts", "05-03-2024 10:00", "25.03.2024")
    assert got.values.to_pylist() == [datetime(2024, 3, 5, 10), datetime(2024, 3, 25)]
    assert got.note is not None and got.note.startswith("day-first")


def test_iso_forms_without_offset_are_local(engine: str) -> None:
    got = parse(
        "ts",
        "2024-03-05",
        "2024-03-05 14:30",
        "2024-03-05T14:30:15",
        "2024-03-05T14:30:15.250",
        "2024/03/05",
        tz="Europe/Madrid",
    )
    assert got.values.to_pylist() == [
        datetime(2024, 3, 5),
        datetime(2024, 3, 5, 14, 30),
        datetime(2024, 3, 5, 14, 30, 15),
        datetime(2024, 3, 5, 14, 30, 15, 250_000),
        datetime(2024, 3, 5),
    ]
    assert got.note is None


def test_offsets_convert_to_the_report_zone(engine: str) -> None:
    # 23:30 at +02:00 is 21:30 UTC; Madrid is UTC+1 in early March -> 22:30
    assert vals("ts", "2024-03-05T23:30:00+02:00") == [datetime(2024, 3, 5, 21, 30)]
    assert vals("ts", "2024-03-05T23:30:00+02:00", tz="Europe/Madrid") == [
        datetime(2024, 3, 5, 22, 30)
    ]
    # +0200 and Z forms; 10:00Z in Madrid (UTC+2 in July, summer time) -> 12:00
    assert vals("ts", "2024-03-05 23:30:00 +0200", "2024-07-01T10:00:00Z", tz="Europe/Madrid") == [
        datetime(2024, 3, 5, 22, 30),
        datetime(2024, 7, 1, 12, 0),
    ]
    # date kind drops the time after conversion: 23:30+02:00 -> 21:30 UTC -> 2024-03-05;
    # 2024-03-05T23:30-05:00 -> 2024-03-06 04:30 UTC -> 2024-03-06
    got = parse("date", "2024-03-05T23:30:00+02:00", "2024-03-05T23:30:00-05:00")
    assert got.values.type == pa.date32()
    assert got.values.to_pylist() == [date(2024, 3, 5), date(2024, 3, 6)]


def test_epoch_seconds_and_milliseconds_are_utc(engine: str) -> None:
    # 1709640000 s / 86400 = 19787.5 days: 1970-01-01 + 19787 days = 2024-03-05, + 12 h
    got = parse("ts", "1709640000")
    assert got.values.to_pylist() == [datetime(2024, 3, 5, 12)]
    assert got.note == "epoch seconds"
    ms = parse("ts", "1709640000123")
    assert ms.values.to_pylist() == [datetime(2024, 3, 5, 12, 0, 0, 123_000)]
    assert ms.note == "epoch milliseconds"
    # UTC 12:00 is 13:00 in Madrid (UTC+1 in March)
    assert vals("ts", "1709640000", tz="Europe/Madrid") == [datetime(2024, 3, 5, 13)]


def test_excel_serial_dates_are_local(engine: str) -> None:
    # 45356 - 25569 (days from 1899-12-30 to 1970-01-01) = 19787 -> 2024-03-05; .5 = 12:00;
    # 45356.604166666664 = 45356 + 14.5/24 -> 14:30 (rounded to the millisecond)
    got = parse("ts", "45356.5", "45356,604166666664", tz="Europe/Madrid")
    assert got.values.to_pylist() == [datetime(2024, 3, 5, 12), datetime(2024, 3, 5, 14, 30)]
    assert got.note == "Excel serial dates"
    assert vals("date", "45356") == [date(2024, 3, 5)]


def test_numbers_of_another_mode_are_invalid(engine: str) -> None:
    # two epoch seconds beat one serial: the serial is not a date in this column
    got = parse("ts", "1709640000", "1709640001", "45356")
    assert got.values.to_pylist()[:2] == [datetime(2024, 3, 5, 12), datetime(2024, 3, 5, 12, 0, 1)]
    assert got.invalid.to_pylist() == [False, False, True]


def test_sentinel_dates_are_empty_not_invalid(engine: str) -> None:
    got = parse(
        "ts", "1899-12-30", "30/12/1899 00:00", "1900-01-01T00:00:00Z", "0", "1", "2024-01-01"
    )
    assert got.values.to_pylist() == [None] * 5 + [datetime(2024, 1, 1)]
    assert got.invalid.to_pylist() == [False] * 6


def test_impossible_dates_are_invalid(engine: str) -> None:
    got = parse("ts", "31/02/2024", "29/02/2023", "29/02/2024", "25/13/2024", "10/10/2024 24:00")
    assert got.values.to_pylist() == [None, None, datetime(2024, 2, 29), None, None]
    assert got.invalid.to_pylist() == [True, True, False, True, True]
    assert got.reason == "not a date (expected dd/mm/yyyy)"


def test_month_names_english_and_spanish(engine: str) -> None:
    got = parse(
        "ts",
        "5 mar 2024",
        "12-ene-24",
        "1 Dec 2023",
        "5 de marzo de 2024",
        "March 5, 2024",
        "Tue, 05 Mar 2024 14:30:00 +0000",
        "3 sept. 2024",
        "5 mayo 2024",
        "5 foo 2024",
    )
    assert got.values.to_pylist() == [
        datetime(2024, 3, 5),
        datetime(2024, 1, 12),
        datetime(2023, 12, 1),
        datetime(2024, 3, 5),
        datetime(2024, 3, 5),
        datetime(2024, 3, 5, 14, 30),
        datetime(2024, 9, 3),
        datetime(2024, 5, 5),
        None,
    ]
    assert got.invalid.to_pylist() == [False] * 8 + [True]


def test_jira_format_am_pm_and_two_digit_years(engine: str) -> None:
    # dd/MMM/yy h:mm AM/PM; 12 AM is 00, 12 PM is 12; yy < 70 -> 20yy, else 19yy
    got = parse(
        "ts",
        "05/Mar/24 2:30 PM",
        "05/Mar/24 12:05 AM",
        "05/Mar/24 12:05 PM",
        "05/Mar/85 9:00 am",
        "5/3/2024 2:30 p. m.",
        "05/Mar/24 13:00 PM",
        lang="es",
    )
    assert got.values.to_pylist() == [
        datetime(2024, 3, 5, 14, 30),
        datetime(2024, 3, 5, 0, 5),
        datetime(2024, 3, 5, 12, 5),
        datetime(1985, 3, 5, 9, 0),
        datetime(2024, 3, 5, 14, 30),
        None,
    ]
    assert got.invalid.to_pylist() == [False] * 5 + [True]
    assert vals("ts", "25/03/24 10:00") == [datetime(2024, 3, 25, 10)]


def test_unknown_time_zone_raises() -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        parse("ts", "2024-03-05", tz="Mars/Olympus")


FAST_AND_GENERAL = [
    "05/03/2024",
    "25/03/2024 14:30",
    "5/3/2024 9:05",
    "05-03-2024 10:00:59",
    "05.03.2024",
    "31/02/2024",
    "10/10/2024 24:00",
    "10/10/2024 23:60",
    "00/03/2024",
    "2024-03-05",
    "2024-03-05 14:30",
    "2024-03-05T14:30:00",
    "2024-03-05T14:30:00Z",
    "2024-03-05 14:30:00.123456",
    "2024-03-05T14:30:00.5Z",
    "2024-02-30",
    "2024/03/05 08:00",
    "0999-03-05",
    "1899-12-30",
    "2024-03-05T14:30:00+02:00",
    "2024-03-05 14:30:00",
    "2024-03-05T14:30",
    "2024-03-05T14:30Z",
    "05.03.2024 10:00:00",
    "05-03-2024",
    "5/3/2024 9:5",
    "2024-3-5 7:05:09",
    # US exports, and what DuckDB's strptime reads but the shape's guard does not
    # (two-digit year, a double space or a tab, one-digit minutes, hour 0 or 13 with AM/PM)
    "11/1/2024 7:03 AM",
    "11/1/2024 12:05 pm",
    "11/1/24 7:03 AM",
    "11/1/2024  7:03 AM",
    "11/1/2024\t7:03 AM",
    "11/1/2024 7:3 AM",
    "11/1/2024 13:03 PM",
    "11/1/2024 0:03 AM",
    "11/1/2024 7:03:09 PM",
]


def test_fast_shapes_cover_plain_exports() -> None:
    plain = arr(
        "25/03/2024", "25/03/2024 14:30", "25-03-2024 14:30:00", "25.03.2024", "2024-03-25",
        "2024-03-25 14:30:00", "2024-03-25T14:30:00Z", "2024-03-25T14:30:00.123Z", "2024/03/25",
    )  # fmt: skip
    for i in range(len(plain)):
        one = plain.slice(i, 1)
        shape = date_shapes._pick_shape(one, pa.array([True]))
        assert shape is not None, one[0]


@pytest.mark.parametrize("kind", ["ts", "date"])
@pytest.mark.parametrize("first", FAST_AND_GENERAL)
def test_fast_path_equals_general_path(
    first: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the most common shape of the column's first values is the fast one: make it `first`'s;
    # every value must then read the same with and without the fast path
    column = arr(*[first] * 40, *FAST_AND_GENERAL)
    monkeypatch.setattr(values_dates, "_DUCKDB_MIN_ROWS", 0)
    fast = parse_column(column, kind, tz="Europe/Madrid")
    monkeypatch.setattr(values_dates, "_DUCKDB_MIN_ROWS", 10**9)
    general = parse_column(column, kind, tz="Europe/Madrid")
    assert fast.values.to_pylist() == general.values.to_pylist()
    assert fast.invalid.to_pylist() == general.invalid.to_pylist()


# ISO texts, clean and not: bad days, 24:00, leap seconds, sentinels, lone hours,
# fractions, zones, one-digit fields (year 0000: test_iso_path_takes_clean_columns_only)
_ISO_TEXTS = st.builds(
    lambda y, m, d, time: f"{y}-{m}-{d}{time}",
    st.sampled_from(["2024", "2023", "0001", "1899", "1900", "0999"]),
    st.sampled_from(["01", "02", "12", "13", "2", "00"]),
    st.sampled_from(["01", "29", "30", "31", "00", "5"]),
    st.sampled_from([
        "", " 00:00", " 23:59:59", "T10:00", " 24:00:00", " 23:59:60", " 7:03", "T10:00:00Z",
        " 14", " 14:30:00.5", "t09:15", " 12:60",
    ]),
)  # fmt: skip


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(_ISO_TEXTS | st.sampled_from(["", " ", "n/a"]), min_size=1, max_size=8),
    kind=st.sampled_from(["ts", "date"]),
)
def test_iso_path_equals_the_other_paths(
    texts: list[str], kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # issue 23: a clean ISO column is typed by Arrow's parser in one cast; whatever a column
    # holds, it reads exactly as without that path (a bad value sends the column the
    # general way, where it is rejected with its reason)
    column = arr(*texts)
    monkeypatch.setattr(values_dates, "_DUCKDB_MIN_ROWS", 0)
    iso = parse_column(column, kind, tz="Europe/Madrid")
    monkeypatch.setattr(values_dates, "_iso_written", lambda t: None)
    other = parse_column(column, kind, tz="Europe/Madrid")
    assert iso.values.to_pylist() == other.values.to_pylist()
    assert iso.invalid.to_pylist() == other.invalid.to_pylist()
    assert (iso.reason, iso.note, iso.error, iso.order) == (
        other.reason, other.note, other.error, other.order
    )  # fmt: skip


def test_iso_path_takes_clean_columns_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values_dates, "_DUCKDB_MIN_ROWS", 0)
    for clean in (["2024-03-05", None], ["2024-03-05 14:30"], ["2024-03-05T14:30:00"] * 3):
        assert values_dates._iso_written(arr(*clean)) is not None, clean
    for messy in (
        ["2024-03-05", "2024-03-05 14:30"],  # two lengths
        ["2024-03-05 14:30:00", "2023-02-29 10:00:00"],  # one date that is not
        ["2024-03-05 14:30:00.5"], ["2024-03-05 14"], ["2024-03-05T14:30:00Z"],
        ["0000-01-01"], ["05/03/2024"], [None, None],
    ):  # fmt: skip
        assert values_dates._iso_written(arr(*messy)) is None, messy


def _dm_text(first: int, first_pad: bool, second: int, sep: str, year: str, time: str) -> str:
    a = f"{first:02d}" if first_pad else str(first)
    return f"{a}{sep}{second}{sep}{year}{time}"


_DM_TEXTS = st.builds(
    _dm_text,
    st.integers(0, 39),
    st.booleans(),
    st.integers(0, 39),
    st.sampled_from("/-."),
    st.sampled_from(["2024", "24", "0999"]),
    st.sampled_from(["", " 7:03 AM", " 14:30", "T10:00", ",x", " 14:30:00"]),
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    head=st.lists(_DM_TEXTS, min_size=1, max_size=6),
    tail=st.lists(_DM_TEXTS | st.sampled_from(FAST_AND_GENERAL) | st.text(max_size=12), max_size=6),
    lang=st.sampled_from(["en", "es"]),
)
def test_day_month_evidence_read_from_bytes_equals_the_regexes(
    head: list[str], tail: list[str], lang: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the fast path reads the evidence of the texts of its shape from their bytes and
    # matches the others; the short-column path matches every text: same decision, same
    # example values in the note, same error
    # (a slice too: its texts start past the beginning of the character data)
    whole = arr(*tail, *(head * 8), *tail, *head)
    for column in (whole, whole.slice(len(tail))):
        with monkeypatch.context() as mp:
            mp.setattr(values_dates, "_DUCKDB_MIN_ROWS", 0)
            fast = parse_column(column, "ts", lang=lang)
            mp.setattr(values_dates, "_DUCKDB_MIN_ROWS", 10**9)
            general = parse_column(column, "ts", lang=lang)
        assert (fast.note, fast.error) == (general.note, general.error)
        assert fast.values.to_pylist() == general.values.to_pylist()
        assert fast.invalid.to_pylist() == general.invalid.to_pylist()


def test_evidence_of_a_shape_examples() -> None:
    shape = next(s for s in date_shapes._FAST_SHAPES if s.guard == r"\d{1,2}/\d{1,2}/\d{4}")
    texts = arr("3/4/2024", "13/04/2024", "04/13/2024", "1/13/2024", "13/1/2024", "00/12/2024")
    every = np.ones(len(texts), dtype=bool)
    assert date_order._evidence_of_shape(texts, every, shape) == (1, 2, 6)
    # only the rows of the shape count; the first of them is the example
    assert date_order._evidence_of_shape(texts, np.array([0, 0, 0, 1, 1, 0], bool), shape) == (
        4,
        3,
        2,
    )
    assert date_order._evidence_of_shape(texts, np.zeros(6, bool), shape) == (None, None, 0)
    assert date_order._evidence_of_shape(texts.slice(2), np.ones(4, bool), shape) == (2, 0, 4)
    iso = next(s for s in date_shapes._FAST_SHAPES if s.guard == r"\d{4}-\d{1,2}-\d{1,2}")
    assert date_order._evidence_of_shape(arr("2024-03-25"), np.ones(1, bool), iso) == (
        None,
        None,
        0,
    )
    assert date_order._joined((5, None, 2), (3, 7, 1)) == (3, 7, 3)
    assert date_order._joined((None, None, 0), (None, 1, 1)) == (None, 1, 1)


# --------------------------------------------------------------------------- billing periods


def test_billing_months_table() -> None:
    cases = {
        "monthly": 1, "Month": 1, "mensual": 1, "M": 1,
        "bimonthly": 2, "Bimestral": 2,
        "Quarterly": 3, "trimestral": 3, "Q": 3, "T": 3,
        "semiannual": 6, "Semi-annual": 6, "half-yearly": 6, "semestral": 6, "S": 6,
        "annual": 12, "Annually": 12, "yearly": 12, "anual": 12, "A": 12, "Y": 12,
        "4": 4, "24": 24,
    }  # fmt: skip
    got = parse_billing_months(arr(*cases))
    assert got.values.to_pylist() == list(cases.values())
    assert got.warnings is not None
    assert got.warnings.to_pylist() == [False] * len(cases)


def test_billing_months_spellings_of_psas_and_erps() -> None:
    # issue 18 item 5: "Semi-Annually" was read as monthly
    cases = {
        "Semi-Annually": 6, "Semi-Annual": 6, "Bi-Annually": 6, "Half-Yearly": 6,
        "Every 6 Months": 6, "6 Months": 6, "Semestral": 6, "6-month": 6,
        "Annually": 12, "Yearly": 12, "Anual": 12, "12 Months": 12, "1 año": 12,
        "Quarterly": 3, "Trimestral": 3, "Every 3 Months": 3, "cada 3 meses": 3,
        "Bimonthly": 2, "Bimestral": 2, "Cuatrimestral": 4,
        "Biennial": 24, "Bienal": 24, "2 years": 24, "Trienal": 36,
        "MENSUAL": 1, "Per Month": 1,
    }  # fmt: skip
    got = parse_billing_months(arr(*cases))
    assert got.values.to_pylist() == list(cases.values())
    assert got.warnings is not None and not any(got.warnings.to_pylist())
    assert got.info is None


def test_billing_months_unknown_is_never_guessed() -> None:
    # unknown, "0", "0.5" and the ambiguous Spanish "bimensual" (twice a month or every
    # two months) and "bianual": NULL months, warned; empty is monthly (the default)
    got = parse_billing_months(
        arr("fortnightly", "", None, "0", "Monthly", "0.5", "bimensual", "Bianual")
    )
    assert got.values.to_pylist() == [None, 1, 1, None, 1, None, None, None]
    assert got.invalid.to_pylist() == [False] * 8
    assert got.warnings is not None
    assert got.warnings.to_pylist() == [True, False, False, True, False, True, True, True]
    assert got.warning_reason == (
        "unknown billing period; left out of MRR (the contract stays loaded): set its "
        "months on the Data page or in a preset (billing_months)"
    )


def test_billing_months_one_time_is_not_recurring() -> None:
    got = parse_billing_months(arr("One-time", "Pago único", "once", "Monthly"))
    assert got.values.to_pylist() == [0, 0, 0, 1]  # 0 months: not recurring, MRR 0
    assert got.warnings is not None and not any(got.warnings.to_pylist())
    assert got.info is not None and got.info.to_pylist() == [True, True, True, False]
    assert got.info_reason == "one-time charge, not recurring; left out of MRR"


def test_billing_months_given_by_the_user_come_before_the_words() -> None:
    # keys compared folded like the words: "cada 4 MESES" sets "Cada 4 meses"; a user's
    # value also beats a word ("S" read as 1 here)
    got = parse_billing_months(
        arr("Fortnightly", "Cada-4 meses", "S", "Yearly"),
        {"fortnightly": 1, "cada 4 MESES": 5, "s": 1},
    )
    assert got.values.to_pylist() == [1, 5, 1, 12]
    assert got.warnings is not None and not any(got.warnings.to_pylist())


def test_unknown_billing_periods_lists_the_values_the_words_do_not_know() -> None:
    texts = arr("Monthly", " Fortnightly ", "One-time", None, "fortnightly", "Weekly")
    assert V.unknown_billing_periods(texts) == ["Fortnightly", "fortnightly", "Weekly"]
    # the months given by the user make a value known
    assert V.unknown_billing_periods(texts, {"Weekly": 1}) == ["Fortnightly", "fortnightly"]


# --------------------------------------------------------------------------- CSAT


def test_csat_scale_5() -> None:
    # largest 5 -> S = 5; satisfied when >= ceil(0.8 * 5) = 4
    got = parse_csat(arr("5", "4", "3", "1"))
    assert got.values.to_pylist() == [True, True, False, False]
    assert got.note == "scale of 5 (from the largest score 5)"


def test_csat_scale_10_and_3() -> None:
    # S = 10: threshold ceil(8.0) = 8
    assert parse_csat(arr("10", "8", "7", "0")).values.to_pylist() == [True, True, False, False]
    # S = 3: threshold ceil(2.4) = 3
    assert parse_csat(arr("3", "2", "1")).values.to_pylist() == [True, False, False]


def test_csat_largest_score_rounds_up_to_a_scale() -> None:
    # largest 6 -> next of 3, 4, 5, 7, 10 is 7: threshold ceil(5.6) = 6
    assert parse_csat(arr("6", "5")).values.to_pylist() == [True, False]
    # "4,5" is 4.5 -> S = 5, threshold 4
    assert parse_csat(arr("4,5", "3,9")).values.to_pylist() == [True, False]


def test_csat_preset_scale() -> None:
    # preset S = 10 although the largest is 5: threshold 8, so 5 is not satisfied
    got = parse_csat(arr("5", "9", "11"), scale=10)
    assert got.values.to_pylist() == [False, True, None]
    assert got.invalid.to_pylist() == [False, False, True]
    # a score above a preset scale is outside it
    assert parse_csat(arr("7"), scale=5).invalid.to_pylist() == [True]


def test_csat_reverse_halo() -> None:
    # Halo FBscore 1=Awesome .. 4=Bad: S = 4, mapped 5 - score = 4, 3, 2, 1;
    # threshold ceil(3.2) = 4 -> only 1 (Awesome) is satisfied
    got = parse_csat(arr("1", "2", "3", "4"), reverse=True)
    assert got.values.to_pylist() == [True, False, False, False]
    # with a preset 5-point scale reversed: 6 - 2 = 4 >= 4
    assert parse_csat(arr("2", "3"), scale=5, reverse=True).values.to_pylist() == [True, False]


def test_csat_labels() -> None:
    got = parse_csat(
        arr(
            "Good", "Muy satisfecho", "MUY SATISFECHA", "excelente", "Very Satisfied", "genial",
            "Bad", "Neutral", "okay", "insatisfecho", "Regular", "malá",
        )
    )  # fmt: skip
    assert got.values.to_pylist() == [True] * 6 + [False] * 6
    assert got.invalid.to_pylist() == [False] * 12


def test_csat_not_responses_and_invalid() -> None:
    got = parse_csat(arr("Offered", "unoffered", "Not Offered", "ofrecida", "No ofrecida", "", "11",
                         "-1", "meh", "5"))  # fmt: skip
    assert got.values.to_pylist() == [None] * 9 + [True]
    assert got.invalid.to_pylist() == [False] * 6 + [True, True, True, False]
    assert got.reason == "not a satisfaction score (0-10) or a known label"


# --------------------------------------------------------------------------- properties


def _swap(text: str) -> str:
    """1,234.5 -> 1.234,5"""
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    numbers=st.lists(
        st.tuples(st.integers(-(10**12), 10**12), st.integers(0, 4), st.booleans(), st.booleans()),
        min_size=1,
        max_size=20,
    ),
    comma=st.booleans(),
)
def test_num_round_trips_any_formatting(
    numbers: list[tuple[int, int, bool, bool]], comma: bool
) -> None:
    texts, expected = [], []
    for units, decimals, thousands, parens in numbers:
        value = units / 10**decimals
        body = f"{abs(value):{',' if thousands else ''}.{decimals}f}"
        body = _swap(body) if comma else body
        if value < 0:
            body = f"({body})" if parens else f"-{body}"
        texts.append(body)
        expected.append(value)
    got = parse_column(pa.array(texts), "num", decimal="," if comma else ".")
    assert got.invalid.to_pylist() == [False] * len(texts), texts
    for text, want, have in zip(texts, expected, got.values.to_pylist(), strict=True):
        assert have == pytest.approx(want, rel=1e-9, abs=1e-12), text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    days=st.lists(st.dates(date(1970, 1, 1), date(2069, 12, 31)), max_size=30),
    decider=st.dates(date(1970, 1, 1), date(2069, 12, 31)).filter(lambda d: d.day > 12),
    at=st.integers(0, 30),
    with_time=st.booleans(),
)
def test_day_first_dates_round_trip(
    days: list[date], decider: date, at: int, with_time: bool
) -> None:
    dates = [*days[:at], decider, *days[at:]]
    time = " 7:05" if with_time else ""
    texts = [f"{d.day}/{d.month}/{d.year}{time}" for d in dates]
    want = [datetime(d.year, d.month, d.day, 7 if with_time else 0, 5 if with_time else 0)
            for d in dates]  # fmt: skip
    for min_rows in (0, 10**9):  # DuckDB and pyarrow engines
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(values_dates, "_DUCKDB_MIN_ROWS", min_rows)
            got = parse_column(pa.array(texts), "ts", lang="en")  # en alone: month-first
        assert got.note is not None
        assert got.note.startswith("day-first (decided by values like ")
        assert got.values.to_pylist() == want


@pytest.mark.parametrize(
    ("kind", "pool"),
    [
        ("text", ["Acme", " Acme ", "", "n/a", None, "Globex"]),
        ("id", ["00123", "1.03006E+13", "", None]),
        ("ts", ["25/03/2024 10:00", "01/04/2024 09:30", "", "1899-12-30", "nonsense", None]),
        ("date", ["3/25/2024", "4/1/2024", "", "31/02/2024", None]),
        ("bool", ["Yes", "no", "", "maybe", None]),
        ("tier", ["L2", "Tier 3", "", "none", "x", None]),
        ("num", ["1.234,5", "(420,81)", "7", "", "abc", "1e309", None]),
        ("num", ["1,234", "0.25", "-3", "n/a", None]),
        ("hours", ["1:30", "0,75", "2", "-", "x:y", None]),
        ("pct", ["85", "0.5", "100 %", "", "much", None]),
        ("int", ["3", "2.5", "0", "", "many", None]),
    ],
)
def test_low_cardinality_columns_parse_like_every_value(kind: str, pool: list) -> None:
    # 30,000 rows drawn from a few values take the distinct-values path; the result
    # must equal parsing every row (masks, values, notes and reasons).
    from kpi.load.values.column import _DISTINCT_MIN_ROWS, _parse_direct

    rows = [pool[(i * 7 + i // 3) % len(pool)] for i in range(30_000)]
    assert len(rows) >= _DISTINCT_MIN_ROWS
    arr = pa.array(rows, type=pa.string())
    fast = V.parse_column(arr, kind)
    slow = _parse_direct(
        arr, kind, lang="en", tz="UTC", day_first=None, inverted=False, decimal=None
    )
    assert fast.values.to_pylist() == slow.values.to_pylist()
    assert fast.invalid.to_pylist() == slow.invalid.to_pylist()
    assert (fast.warnings is None) == (slow.warnings is None)
    if fast.warnings is not None:
        assert fast.warnings.to_pylist() == slow.warnings.to_pylist()
    assert (fast.note, fast.error) == (slow.note, slow.error)
    # the reason may name the exact format only when every row was parsed
    assert (fast.reason is None) == (slow.reason is None)
    if fast.reason is not None:
        assert slow.reason.startswith(fast.reason.split(" (")[0])


def test_first_values_where_a_mask_holds_are_read_from_a_prefix() -> None:
    # the date fast path picks its shape from the first 200 texts; a prefix that grows
    # gives the same values as filtering the whole column
    import numpy as np
    import pyarrow.compute as pc

    from kpi.load.values.date_shapes import _first_where

    rng = np.random.default_rng(7)
    for n_rows, share in ((0, 0.5), (10, 0.0), (10, 1.0), (5_000, 0.01), (100_000, 0.3)):
        t = pa.array([f"v{i}" for i in range(n_rows)], pa.string())
        mask = pa.array(rng.random(n_rows) < share)
        for n in (1, 200):
            want = pc.filter(t, mask).slice(0, n)
            assert _first_where(t, mask, n).to_pylist() == want.to_pylist()
