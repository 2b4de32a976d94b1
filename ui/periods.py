"""The sidebar's period presets as dates (pure functions, no Streamlit).

The presets are relative to the report date ``as_of``. When as_of is not the last day of
its month, the data's last month is partial (data ending on the 5th holds five days of
it), and the presets named after whole months end at the last complete month, so that no
chart ends with a plunging five-day month; the "to date" presets end at as_of by name.
``all_data`` is the data's span: its first date (:attr:`kpi.report.Engine.data_start`)
to as_of.

Examples, with as_of = 2024-05-15 (May partial) and the data from 2022-03-07:

==================  ==========================  ======================================
preset              period                      rule
==================  ==========================  ======================================
month_to_date       2024-05-01 .. 2024-05-15    as_of's month up to as_of
last_month          2024-04-01 .. 2024-04-30    the calendar month before as_of's
this_quarter        2024-04-01 .. 2024-05-15    as_of's quarter up to as_of (to date)
last_quarter        2024-01-01 .. 2024-03-31    the calendar quarter before as_of's
ytd                 2024-01-01 .. 2024-05-15    as_of's year up to as_of (to date)
last_12_months      2023-05-01 .. 2024-04-30    the 12 months ending with the last
                                                complete month
all_data            2022-03-07 .. 2024-05-15    the data's first date .. as_of
==================  ==========================  ======================================

With as_of = 2024-05-31 (May complete) last_12_months is 2023-06-01 .. 2024-05-31 and
the others do not change. ``all_data`` without a known first date (nothing dated is
loaded) is last_12_months; with a report date set before the data's first date (Settings),
it is that one day.
"""

from __future__ import annotations

from datetime import date, timedelta

from kpi.query.periods import Period, comparison_period

PRESETS = (
    "month_to_date",
    "last_month",
    "this_quarter",
    "last_quarter",
    "ytd",
    "last_12_months",
    "all_data",
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


def last_complete_month_end(as_of: date) -> date:
    """as_of when it is its month's last day, else the last day of the month before:
    2024-05-31 -> 2024-05-31; 2024-05-15 -> 2024-04-30."""
    return as_of if as_of == month_end(as_of) else as_of.replace(day=1) - timedelta(days=1)


def period_range(
    preset: str,
    as_of: date,
    custom: tuple[date, date] | None = None,
    data_start: date | None = None,
) -> tuple[date, date]:
    """Start and end (inclusive) of a preset period relative to ``as_of`` (the table of
    the module); ``data_start`` is the data's first date, for ``all_data``.

    Raises:
        ValueError: an unknown preset, or ``custom`` without a range.
    """
    if preset == "month_to_date":
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
    if preset == "last_12_months" or (preset == "all_data" and data_start is None):
        end = last_complete_month_end(as_of)
        return add_months(end, -11), end
    if preset == "all_data":
        assert data_start is not None
        return (data_start, as_of) if data_start <= as_of else (as_of, as_of)
    if preset == "custom":
        if custom is None:
            raise ValueError("a custom period needs a start and an end")
        start, end = custom
        return (start, end) if start <= end else (end, start)
    raise ValueError(f"unknown period preset {preset!r}")


def comparison_range(start: date, end: date, compare: str) -> tuple[date, date]:
    """The comparison period of the engine (:func:`kpi.query.periods.comparison_period`): k whole
    months -> the k months before, other ranges -> as many days before (``previous``);
    the same dates a year earlier (``year``).

    Raises:
        kpi.errors.UsageError: an unknown comparison.
    """
    prev = comparison_period(Period(start, end, end), compare)
    return prev.start, prev.end


def sparkline_range(end: date) -> tuple[date, date]:
    """The 12 calendar months ending with the month of ``end`` (the overview's sparklines)."""
    return add_months(end, -11), end
