"""Sidebar period presets and comparison periods, worked out on a calendar."""

from __future__ import annotations

from datetime import date

import pytest

from kpi.errors import UsageError
from ui.periods import PRESETS, comparison_range, period_range

#: the data's last month is partial: it ends on the 15th
AS_OF = date(2024, 5, 15)
DATA_START = date(2022, 3, 7)


@pytest.mark.parametrize(
    "preset, start, end",
    [
        ("month_to_date", date(2024, 5, 1), AS_OF),
        ("last_month", date(2024, 4, 1), date(2024, 4, 30)),
        # Q2 starts on April 1st; Q1 is January to March
        ("this_quarter", date(2024, 4, 1), AS_OF),
        ("last_quarter", date(2024, 1, 1), date(2024, 3, 31)),
        ("ytd", date(2024, 1, 1), AS_OF),
        # May is partial (15 days): the 12 months ending with April, the last complete
        # one: May 2023 .. April 2024
        ("last_12_months", date(2023, 5, 1), date(2024, 4, 30)),
        # the data's first date .. as_of
        ("all_data", DATA_START, AS_OF),
    ],
)
def test_presets(preset: str, start: date, end: date) -> None:
    assert period_range(preset, AS_OF, data_start=DATA_START) == (start, end)


def test_data_ending_on_the_fifth_ends_last_12_months_at_the_previous_month() -> None:
    # the case: data ending on Nov 5 2026 would give a five-day November at the
    # end of every chart; the 12 months are Nov 2025 .. Oct 2026 instead
    assert period_range("last_12_months", date(2026, 11, 5)) == (
        date(2025, 11, 1),
        date(2026, 10, 31),
    )
    # month to date is its own choice: Nov 1..5
    nov = period_range("month_to_date", date(2026, 11, 5))
    assert nov == (date(2026, 11, 1), date(2026, 11, 5))


def test_a_complete_last_month_ends_last_12_months_at_as_of() -> None:
    # as_of on the month's last day (the sample data: Oct 31 2026): Nov 2025 .. Oct 2026
    assert period_range("last_12_months", date(2026, 10, 31)) == (
        date(2025, 11, 1),
        date(2026, 10, 31),
    )
    # February of a leap year ends on the 29th: complete; on the 28th: partial
    leap = period_range("last_12_months", date(2024, 2, 29))
    assert leap == (date(2023, 3, 1), date(2024, 2, 29))
    partial = period_range("last_12_months", date(2024, 2, 28))
    assert partial == (date(2023, 2, 1), date(2024, 1, 31))


def test_all_data_without_a_first_date_is_the_last_12_months() -> None:
    # nothing dated is loaded (contracts only): no span to show
    assert period_range("all_data", AS_OF) == period_range("last_12_months", AS_OF)


def test_january_and_leap_february() -> None:
    # last month of 2024-01-10 is December 2023; last quarter is Q4 2023
    assert period_range("last_month", date(2024, 1, 10)) == (date(2023, 12, 1), date(2023, 12, 31))
    assert period_range("last_quarter", date(2024, 1, 10)) == (
        date(2023, 10, 1),
        date(2023, 12, 31),
    )
    # 2024 is a leap year: February ends on the 29th
    assert period_range("last_month", date(2024, 3, 1)) == (date(2024, 2, 1), date(2024, 2, 29))


def test_custom_range_is_ordered_and_required() -> None:
    assert period_range("custom", AS_OF, (date(2024, 3, 1), date(2024, 2, 1))) == (
        date(2024, 2, 1),
        date(2024, 3, 1),
    )
    with pytest.raises(ValueError):
        period_range("custom", AS_OF)
    with pytest.raises(ValueError):
        period_range("fortnight", AS_OF)


def test_every_preset_resolves() -> None:
    for preset in PRESETS:
        start, end = period_range(preset, AS_OF, (date(2024, 1, 1), date(2024, 1, 31)), DATA_START)
        assert start <= end


def test_comparison_periods_are_the_engines() -> None:
    # a whole month (Jan 1..31): the month before
    assert comparison_range(date(2024, 1, 1), date(2024, 1, 31), "previous") == (
        date(2023, 12, 1),
        date(2023, 12, 31),
    )
    # last quarter Jul..Sep: Apr..Jun (not the 92 days Mar 31..Jun 30)
    assert comparison_range(date(2024, 7, 1), date(2024, 9, 30), "previous") == (
        date(2024, 4, 1),
        date(2024, 6, 30),
    )
    # month to date May 1..15 is not whole months: the 15 days before, Apr 16..30
    assert comparison_range(date(2024, 5, 1), AS_OF, "previous") == (
        date(2024, 4, 16),
        date(2024, 4, 30),
    )
    # year: same dates a year earlier; 29 Feb becomes the 28th
    assert comparison_range(date(2024, 2, 1), date(2024, 2, 29), "year") == (
        date(2023, 2, 1),
        date(2023, 2, 28),
    )
    with pytest.raises(UsageError):
        comparison_range(date(2024, 2, 1), date(2024, 2, 29), "quarter")
