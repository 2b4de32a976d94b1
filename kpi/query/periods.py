"""Report dates: as_of, the period, the dates D of point-in-time KPIs, comparisons.

The rules (docs/KPIS.md "Periods, grouping, as-of date"; docs/DETAILS.md 1-3, 9, 12):

* as_of defaults to the latest event date of the loaded data; filters never move it.
* The default period is the 12 calendar months ending with the month of as_of:
  as_of 2024-06-15 -> 2023-07-01..2024-06-15. With only an end, the same 12 months end
  there: end 2024-03-31 -> 2023-04-01..2024-03-31. With only a start, end = as_of.
* D of a total / client / technician row is min(period end, as_of); of a monthly row
  min(month end, period end, as_of). Months that start after as_of have no D.
* ``previous`` (issue 18; it replaces docs/DETAILS.md 12's "same number of days" for whole
  months): a period of k whole calendar months (it starts on a 1st and ends on a month's
  last day) -> the k months before: a quarter -> the quarter before (2024-07-01..2024-09-30
  -> 2024-04-01..2024-06-30), Jan..Jun -> Jul..Dec of the year before. Any other range ->
  the same number of days ending the day before start (2024-01-11..2024-01-20 ->
  2024-01-01..2024-01-10). as_of = the comparison period's end.
* ``year``: every date one year earlier (29 February -> 28 February).
* The data's span: its first date (the earliest event date: the events of docs/DETAILS.md 9
  except devices, whose first_seen / last_seen describe a device, not the history the
  export holds) to its as_of. A comparison period that starts before the data's first
  date would compare with days the data has nothing for (0 tickets, a delta of the whole
  value): :func:`comparison_before_data`; the report leaves ``previous`` and ``delta``
  empty and says why (:func:`no_comparison_note`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kpi.errors import UsageError
from kpi.texts import t

COMPARE_MODES = ("previous", "year")


@dataclass(frozen=True)
class Period:
    """A resolved report period: inclusive ``start..end`` and the report date ``as_of``."""

    start: date
    end: date
    as_of: date

    @property
    def point(self) -> date:
        """D of a non-monthly row: min(end, as_of) (docs/DETAILS.md 2)."""
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
    """Apply the defaults of docs/KPIS.md and docs/DETAILS.md 3 to the user's dates.

    Args:
        start: first day of the period, or None for the default.
        end: last day, or None for as_of.
        as_of: report date, or None for the data's as_of.
        data_as_of: the latest event date of the loaded data (docs/DETAILS.md 9); when it is
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


def whole_months(period: Period) -> int | None:
    """The number of calendar months ``period`` covers when it is whole months (it starts
    on a 1st and ends on a month's last day), else None.

    Examples: 2024-07-01..2024-09-30 -> 3; 2024-01-01..2024-12-31 -> 12;
    2024-01-01..2024-05-15 -> None; 2024-01-02..2024-01-31 -> None.
    """
    if period.start.day != 1 or period.end != month_end(period.end):
        return None
    return months_between(period.start, period.end) + 1


def comparison_period(period: Period, mode: str) -> Period:
    """The period a ``--compare`` compares with (see the module's rules).

    ``previous``: k whole calendar months -> the k months before (a quarter -> the quarter
    before); any other range -> the same number of days ending the day before start.
    ``year``: the same dates one year earlier. as_of: the comparison's end (``previous``)
    or as_of one year earlier (``year``).

    Examples:
        2024-07-01..2024-09-30 previous -> 2024-04-01..2024-06-30;
        2024-01-01..2024-06-30 previous -> 2023-07-01..2023-12-31;
        2024-01-11..2024-01-20 previous -> 2024-01-01..2024-01-10;
        2024-02-29..2024-03-31 year -> 2023-02-28..2023-03-31.

    Raises:
        UsageError: an unknown mode.
    """
    if mode == "previous":
        end = period.start - timedelta(days=1)
        months = whole_months(period)
        start = (
            add_months(period.start, -months)
            if months is not None
            else end - timedelta(days=period.days - 1)
        )
        return Period(start, end, end)
    if mode == "year":
        return Period(
            _year_earlier(period.start), _year_earlier(period.end), _year_earlier(period.as_of)
        )
    raise UsageError(f"unknown comparison {mode!r}: use previous or year")


def comparison_shift(period: Period, previous: Period) -> int:
    """Months to add to a month of ``previous`` to reach the matching month of ``period``.

    Monthly rows are matched by this shift of their end months: year -> 12; k whole
    months -> k (a quarter -> 3); a range of days -> the months between the two ends.
    """
    return months_between(previous.end, period.end)


def comparison_before_data(previous: Period, data_start: date | None) -> bool:
    """True when the comparison period starts before the data's first date, so that part
    of it has no data and its numbers would be too low (none when it ends before the data
    begins). The rule is by day: data from 2024-11-04 does not cover a comparison from
    2024-11-01 (the data cannot tell a quiet weekend from days the export left out).
    False when the data has no dated events (``data_start`` None): nothing to check.

    Examples (data from 2024-11-01): 2024-11-01..2025-10-31 -> False;
    2024-10-01..2024-12-31 -> True; 2022-11-01..2024-10-31 -> True.
    """
    return data_start is not None and previous.start < data_start


def no_comparison_note(previous: Period, data_start: date, lang: str = "en") -> str:
    """Why a report has no ``previous`` and ``delta``, in ``lang``.

    Example: ``no comparison: the comparison period 2023-10-01..2023-12-31 starts before
    the data begins (2024-01-15)``.
    """
    return t("query.no_comparison", lang, period=previous.label, start=data_start.isoformat())


def period_before_data_note(period: Period, data_start: date, lang: str = "en") -> str:
    """The note of a period that starts before the data's first date (partly covered):
    its flows count nothing before that date, in ``lang``.

    Example: ``the period 2024-01-01..2024-12-31 starts before the data begins
    (2024-11-01): nothing before that day is in the data``.
    """
    return t("query.period_before_data", lang, period=period.label, start=data_start.isoformat())
