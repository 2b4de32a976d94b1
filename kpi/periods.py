"""Report dates: as_of, the period, the dates D of point-in-time KPIs, comparisons.

The rules (KPIS.md "Periods, grouping, as-of date"; DETAILS.md 1-3, 9, 12):

* as_of defaults to the latest event date of the loaded data; filters never move it.
* The default period is the 12 calendar months ending with the month of as_of:
  as_of 2024-06-15 -> 2023-07-01..2024-06-15. With only an end, the same 12 months end
  there: end 2024-03-31 -> 2023-04-01..2024-03-31. With only a start, end = as_of.
* D of a total / client / technician row is min(period end, as_of); of a monthly row
  min(month end, period end, as_of). Months that start after as_of have no D.
* ``previous``: the same number of days ending the day before start, as_of = its end
  (2024-01-01..2024-03-31, 91 days -> 2023-10-02..2023-12-31). ``year``: every date one
  year earlier (29 February -> 28 February).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kpi.errors import UsageError

COMPARE_MODES = ("previous", "year")


@dataclass(frozen=True)
class Period:
    """A resolved report period: inclusive ``start..end`` and the report date ``as_of``."""

    start: date
    end: date
    as_of: date

    @property
    def point(self) -> date:
        """D of a non-monthly row: min(end, as_of) (DETAILS.md 2)."""
        return min(self.end, self.as_of)

    @property
    def label(self) -> str:
        """The ``period`` column of non-monthly rows, e.g. ``2024-01-01..2024-03-31``."""
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def add_months(d: date, months: int) -> date:
    """The same day ``months`` later (or earlier), clipped to the month's last day.

    Examples:
        >>> add_months(date(2024, 1, 31), 1)
        datetime.date(2024, 2, 29)
        >>> add_months(date(2024, 3, 15), -14)
        datetime.date(2023, 1, 15)
    """
    index = d.year * 12 + d.month - 1 + months
    year, month0 = divmod(index, 12)
    return date(year, month0 + 1, min(d.day, month_end(date(year, month0 + 1, 1)).day))


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    """Last day of the month of ``d``: 2024-02-10 -> 2024-02-29."""
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def months_between(earlier: date, later: date) -> int:
    """Calendar months from the month of ``earlier`` to the month of ``later``."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def default_start(end: date) -> date:
    """1st of the month 11 months before ``end``'s month: 2024-06-15 -> 2023-07-01."""
    return add_months(month_start(end), -11)


def resolve_period(
    start: date | None, end: date | None, as_of: date | None, data_as_of: date | None
) -> Period:
    """Apply the defaults of KPIS.md and DETAILS.md 3 to the user's dates.

    Args:
        start: first day of the period, or None for the default.
        end: last day, or None for as_of.
        as_of: report date, or None for the data's as_of.
        data_as_of: the latest event date of the loaded data (DETAILS.md 9); when it is
            None too (nothing dated is loaded) today is used.

    Raises:
        UsageError: start after end.
    """
    report_date = as_of or data_as_of or date.today()
    if end is None:
        end = report_date
    if start is None:
        start = default_start(end)
    if start > end:
        raise UsageError(f"the period starts ({start}) after it ends ({end})")
    return Period(start, end, report_date)


def _year_earlier(d: date) -> date:
    # 2024-02-29 -> 2023-02-28; every other date keeps its day
    return add_months(d, -12)


def comparison_period(period: Period, mode: str) -> Period:
    """The period a ``--compare`` compares with (DETAILS.md 12).

    Raises:
        UsageError: an unknown mode.
    """
    if mode == "previous":
        end = period.start - timedelta(days=1)
        return Period(end - timedelta(days=period.days - 1), end, end)
    if mode == "year":
        return Period(
            _year_earlier(period.start), _year_earlier(period.end), _year_earlier(period.as_of)
        )
    raise UsageError(f"unknown comparison {mode!r}: use previous or year")


def comparison_shift(period: Period, previous: Period) -> int:
    """Months to add to a month of ``previous`` to reach the matching month of ``period``.

    Monthly rows are matched by this shift of their end months: year -> 12; a previous
    period of a calendar quarter -> 3.
    """
    return months_between(previous.end, period.end)
