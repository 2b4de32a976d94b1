"""The sidebar's period presets as dates (pure functions, no Streamlit).

Every preset ends at the report date ``as_of`` at the latest, like the engine's
default period (KPIS.md: the 12 calendar months ending with the month of as_of).

Examples, with as_of = 2024-05-15:

==================  ==========================
preset              period
==================  ==========================
this_month          2024-05-01 .. 2024-05-15
last_month          2024-04-01 .. 2024-04-30
this_quarter        2024-04-01 .. 2024-05-15
last_quarter        2024-01-01 .. 2024-03-31
ytd                 2024-01-01 .. 2024-05-15
last_12_months      2023-06-01 .. 2024-05-15
==================  ==========================
"""

from __future__ import annotations

from datetime import date, timedelta

PRESETS = (
    "this_month",
    "last_month",
    "this_quarter",
    "last_quarter",
    "ytd",
    "last_12_months",
    "custom",
)
DEFAULT_PRESET = "last_12_months"


def add_months(d: date, months: int) -> date:
    """The 1st of the month ``months`` away from ``d``'s month: (2024-05-15, -11) -> 2023-06-01."""
    index = d.year * 12 + (d.month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(d: date) -> date:
    """The last day of ``d``'s month: 2024-02-10 -> 2024-02-29."""
    return add_months(d, 1) - timedelta(days=1)


def period_range(
    preset: str, as_of: date, custom: tuple[date, date] | None = None
) -> tuple[date, date]:
    """Start and end (inclusive) of a preset period relative to ``as_of``.

    Raises:
        ValueError: an unknown preset, or ``custom`` without a range.
    """
    if preset == "this_month":
        return as_of.replace(day=1), as_of
    if preset == "last_month":
        first = add_months(as_of, -1)
        return first, month_end(first)
    quarter_start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)
    if preset == "this_quarter":
        return quarter_start, as_of
    if preset == "last_quarter":
        start = add_months(quarter_start, -3)
        return start, quarter_start - timedelta(days=1)
    if preset == "ytd":
        return date(as_of.year, 1, 1), as_of
    if preset == "last_12_months":
        return add_months(as_of, -11), as_of
    if preset == "custom":
        if custom is None:
            raise ValueError("a custom period needs a start and an end")
        start, end = custom
        return (start, end) if start <= end else (end, start)
    raise ValueError(f"unknown period preset {preset!r}")


def comparison_range(start: date, end: date, compare: str) -> tuple[date, date]:
    """The comparison period (DETAILS.md 12): ``previous`` = the same number of days
    ending the day before start; ``year`` = the same dates a year earlier
    (29 February becomes the 28th)."""
    if compare == "previous":
        days = (end - start).days
        prev_end = start - timedelta(days=1)
        return prev_end - timedelta(days=days), prev_end
    if compare == "year":
        return _year_earlier(start), _year_earlier(end)
    raise ValueError(f"unknown comparison {compare!r}")


def _year_earlier(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year - 1, day=28)


def sparkline_range(end: date) -> tuple[date, date]:
    """The 12 calendar months ending with the month of ``end`` (the overview's sparklines)."""
    return add_months(end, -11), end
