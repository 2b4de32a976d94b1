"""Sidebar period presets and comparison periods, worked out on a calendar."""

from __future__ import annotations

from datetime import date

import pytest

from ui.periods import comparison_range, period_range

AS_OF = date(2024, 5, 15)


@pytest.mark.parametrize(
    "preset, start, end",
    [
        ("this_month", date(2024, 5, 1), AS_OF),
        ("last_month", date(2024, 4, 1), date(2024, 4, 30)),
        # Q2 starts on April 1st; Q1 is January to March
        ("this_quarter", date(2024, 4, 1), AS_OF),
        ("last_quarter", date(2024, 1, 1), date(2024, 3, 31)),
        ("ytd", date(2024, 1, 1), AS_OF),
        # 12 calendar months ending with May 2024: June 2023 .. May 2024
        ("last_12_months", date(2023, 6, 1), AS_OF),
    ],
)
def test_presets(preset: str, start: date, end: date) -> None:
    assert period_range(preset, AS_OF) == (start, end)


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


def test_comparison_periods() -> None:
    # previous: 31 days (Jan 1..31) -> the 31 days ending Dec 31
    assert comparison_range(date(2024, 1, 1), date(2024, 1, 31), "previous") == (
        date(2023, 12, 1),
        date(2023, 12, 31),
    )
    # year: same dates a year earlier; 29 Feb becomes the 28th
    assert comparison_range(date(2024, 2, 1), date(2024, 2, 29), "year") == (
        date(2023, 2, 1),
        date(2023, 2, 28),
    )
