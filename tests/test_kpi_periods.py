"""Periods, as_of and comparisons (docs/KPIS.md "Periods", docs/DETAILS.md 1-3, 9, 12)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

import pytest
from kpi_helpers import pick

from kpi.errors import UsageError
from kpi.model import loaded_data
from kpi.query.periods import (
    Period,
    add_months,
    comparison_before_data,
    comparison_period,
    comparison_shift,
    resolve_period,
    whole_months,
)
from kpi.report import Engine, ReportOptions

D = date


def test_default_period_is_twelve_months_ending_at_as_of() -> None:
    p = resolve_period(None, None, None, D(2024, 6, 15))
    assert p == Period(D(2023, 7, 1), D(2024, 6, 15), D(2024, 6, 15))
    assert p.label == "2023-07-01..2024-06-15"


def test_only_end_starts_eleven_months_earlier() -> None:
    # docs/DETAILS.md 3: only --end -> 1st of the month 11 months earlier; as_of stays
    p = resolve_period(None, D(2024, 3, 31), None, D(2024, 6, 15))
    assert (p.start, p.end, p.as_of) == (D(2023, 4, 1), D(2024, 3, 31), D(2024, 6, 15))


def test_only_start_ends_at_as_of_and_explicit_as_of_wins() -> None:
    p = resolve_period(D(2024, 1, 1), None, D(2024, 2, 10), D(2024, 6, 15))
    assert (p.start, p.end, p.as_of) == (D(2024, 1, 1), D(2024, 2, 10), D(2024, 2, 10))


def test_start_after_end_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        resolve_period(D(2024, 5, 1), D(2024, 4, 1), None, D(2024, 6, 1))


def test_point_is_min_of_end_and_as_of() -> None:
    assert Period(D(2024, 1, 1), D(2024, 12, 31), D(2024, 6, 15)).point == D(2024, 6, 15)
    assert Period(D(2024, 1, 1), D(2024, 3, 31), D(2024, 6, 15)).point == D(2024, 3, 31)


def test_comparison_previous_and_year() -> None:
    q1 = Period(D(2024, 1, 1), D(2024, 3, 31), D(2024, 3, 31))
    # a calendar quarter: the quarter before (Oct 1..Dec 31, 92 days; the old rule's 91
    # days ending Dec 31 began on Oct 2), as_of = its end
    prev = comparison_period(q1, "previous")
    assert prev == Period(D(2023, 10, 1), D(2023, 12, 31), D(2023, 12, 31))
    # same dates a year earlier; Feb 29 -> Feb 28
    leap = Period(D(2024, 2, 29), D(2024, 2, 29), D(2024, 3, 5))
    assert comparison_period(leap, "year") == Period(D(2023, 2, 28), D(2023, 2, 28), D(2023, 3, 5))
    assert comparison_shift(q1, comparison_period(q1, "year")) == 12
    assert comparison_shift(q1, prev) == 3
    with pytest.raises(UsageError):
        comparison_period(q1, "quarter")


@pytest.mark.parametrize(
    "start, end, prev_start, prev_end, shift",
    [
        # the last quarter: Jul..Sep (92 days) was compared with the 92 days
        # Mar 31..Jun 30; now with Apr..Jun, matching months 3 apart
        (D(2024, 7, 1), D(2024, 9, 30), D(2024, 4, 1), D(2024, 6, 30), 3),
        # the custom Jan..Jun 2025 (181 days) was compared with Jul 4..Dec 31;
        # now with Jul..Dec 2024
        (D(2025, 1, 1), D(2025, 6, 30), D(2024, 7, 1), D(2024, 12, 31), 6),
        # 12 whole months: the 12 before
        (D(2025, 11, 1), D(2026, 10, 31), D(2024, 11, 1), D(2025, 10, 31), 12),
        # one month: the month before, whatever their lengths (Feb 29 days, Jan 31;
        # Mar 31 days, Feb 29 in 2024)
        (D(2024, 2, 1), D(2024, 2, 29), D(2024, 1, 1), D(2024, 1, 31), 1),
        (D(2024, 3, 1), D(2024, 3, 31), D(2024, 2, 1), D(2024, 2, 29), 1),
        # 10 days (Jan 11..20): the 10 days before, Jan 1..10
        (D(2024, 1, 11), D(2024, 1, 20), D(2024, 1, 1), D(2024, 1, 10), 0),
        # year to date Jan 1..May 15 2024 is not whole months: 31+29+31+30+15 = 136 days
        # ending Dec 31: Aug 18..31 (14) + Sep 30 + Oct 31 + Nov 30 + Dec 31 = 136
        (D(2024, 1, 1), D(2024, 5, 15), D(2023, 8, 18), D(2023, 12, 31), 5),
        # ends on a month's last day but does not start on a 1st: 30 days, Dec 3..Jan 1
        (D(2024, 1, 2), D(2024, 1, 31), D(2023, 12, 3), D(2024, 1, 1), 0),
        # 31 days across months, Mar 15..Apr 14: Feb 13..29 (17) + Mar 1..14 (14)
        (D(2024, 3, 15), D(2024, 4, 14), D(2024, 2, 13), D(2024, 3, 14), 1),
    ],
)  # fmt: skip
def test_previous_is_calendar_aligned_for_whole_months(
    start: date, end: date, prev_start: date, prev_end: date, shift: int
) -> None:
    period = Period(start, end, end)
    prev = comparison_period(period, "previous")
    assert prev == Period(prev_start, prev_end, prev_end)
    assert comparison_shift(period, prev) == shift


def test_year_compares_the_same_dates_a_year_earlier() -> None:
    # Jul..Sep 2025 -> Jul..Sep 2024, as_of a year earlier too; months 12 apart
    q3 = Period(D(2025, 7, 1), D(2025, 9, 30), D(2025, 10, 31))
    prev = comparison_period(q3, "year")
    assert prev == Period(D(2024, 7, 1), D(2024, 9, 30), D(2024, 10, 31))
    assert comparison_shift(q3, prev) == 12


def test_whole_months() -> None:
    assert whole_months(Period(D(2024, 7, 1), D(2024, 9, 30), D(2024, 9, 30))) == 3
    assert whole_months(Period(D(2024, 2, 1), D(2024, 2, 29), D(2024, 2, 29))) == 1
    assert whole_months(Period(D(2024, 2, 1), D(2024, 2, 28), D(2024, 2, 28))) is None
    assert whole_months(Period(D(2024, 1, 1), D(2024, 5, 15), D(2024, 5, 15))) is None


def test_comparison_before_data_is_by_day() -> None:
    prev = Period(D(2024, 11, 1), D(2025, 10, 31), D(2025, 10, 31))
    # starts on the data's first day: covered
    assert not comparison_before_data(prev, D(2024, 11, 1))
    # one day before the data begins: not covered (Nov 1 has no data)
    assert comparison_before_data(prev, D(2024, 11, 2))
    # ends before the data begins: not covered either
    assert comparison_before_data(prev, D(2026, 1, 1))
    # nothing dated is loaded: nothing to check
    assert not comparison_before_data(prev, None)


def test_add_months_clips_to_month_end() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 3, 15), -14) == D(2023, 1, 15)


# Default as_of (docs/DETAILS.md 9): events move it, contract ends, due dates and expected close
# dates of open deals do not.
def test_default_as_of_from_events_only() -> None:
    data = loaded_data(
        {
            "tickets": {"ticket_id": ["1"], "created_at": [datetime(2024, 5, 2, 10)],
                        "due_at": [datetime(2024, 12, 31)]},
            "contracts": {"contract_id": ["K"], "client": ["A"], "start_date": [D(2024, 1, 1)],
                          "end_date": [D(2025, 12, 31)], "amount": [1.0],
                          "billing_months": [1]},
            "opportunities": {"opportunity_id": ["o1", "o2"],
                              "created_at": [datetime(2024, 4, 1), datetime(2024, 4, 2)],
                              "outcome": ["open", "won"],
                              "closed_at": [datetime(2024, 9, 30), datetime(2024, 5, 20, 8)]},
            "projects": {"project_id": ["p"], "start_date": [D(2024, 1, 1)],
                         "due_date": [D(2024, 11, 30)], "budget_hours": [1.0]},
        }
    )  # fmt: skip
    eng = Engine(data)
    # latest event: the won deal's close on May 20 (the open deal's Sep 30 is an expected
    # close; the contract end and due dates are not events)
    assert eng.as_of == D(2024, 5, 20)
    # filters never move it
    assert eng.period(ReportOptions(clients=["nobody"])).as_of == D(2024, 5, 20)


def test_ingestion_as_of_is_used_when_given() -> None:
    data = loaded_data(
        {"tickets": {"ticket_id": ["1"], "created_at": [datetime(2024, 5, 2)]}},
        as_of=D(2024, 6, 1),
    )
    assert Engine(data).as_of == D(2024, 6, 1)


# docs/DETAILS.md 3: --end after as_of: flows use the period as given, point-in-time KPIs stop
# at as_of.
CONTRACTS = {
    "contract_id": ["K1", "K2"],
    "client": ["A", "A"],
    "start_date": [D(2024, 1, 1), D(2024, 5, 15)],
    "end_date": [None, None],
    "amount": [100.0, 50.0],
    "billing_months": [1, 1],
}
INVOICES = {"client": ["A", "A"], "date": [D(2024, 4, 10), D(2024, 5, 20)],
            "amount": [10.0, 20.0]}  # fmt: skip


def test_end_after_as_of() -> None:
    eng = Engine(loaded_data({"contracts": CONTRACTS, "invoices": INVOICES}))
    opts = ReportOptions(start=D(2024, 4, 1), end=D(2024, 6, 30), as_of=D(2024, 4, 30))
    df = eng.report(opts)
    # flow: both invoices (Apr 10 and May 20) are in the period as given: 30
    assert pick(df, "revenue") == 30.0
    # point in time at D = as_of Apr 30: K2 (May 15) is not active yet: 100
    assert pick(df, "mrr") == 100.0
    monthly = eng.report(replace(opts, by="month"))
    # no MRR rows after as_of's month
    assert set(monthly[monthly["kpi"] == "mrr"]["period"]) == {"2024-04"}
    # recurring revenue: only April's month-end (as_of) counts: 100
    assert pick(df, "recurring_revenue") == 100.0
    # invoices by month: May has its flow row
    assert pick(monthly, "revenue", period="2024-05") == 20.0


def test_monthly_rows_of_a_partial_first_month() -> None:
    invoices = {"client": ["A", "A", "A"], "date": [D(2024, 4, 10), D(2024, 4, 20),
                D(2024, 5, 20)], "amount": [10.0, 5.0, 20.0]}  # fmt: skip
    eng = Engine(loaded_data({"invoices": invoices}))
    # Apr 15..May 31 by month: April counts Apr 15..30 only: the Apr 20 invoice (5), not
    # the Apr 10 one
    opts = ReportOptions(start=D(2024, 4, 15), end=D(2024, 5, 31), as_of=D(2024, 5, 31),
                         by="month")  # fmt: skip
    df = eng.report(opts)
    assert pick(df, "revenue", period="2024-04") == 5.0
    assert pick(df, "revenue", period="2024-05") == 20.0


# Comparison (docs/DETAILS.md 12, made calendar-aligned by issue 18). The invoices of INVOICES
# with one of client B on Mar 1: the data begins on Mar 1, so that April and March can be
# compared with (a comparison that starts before the data begins is empty, see below)
COMPARED_INVOICES = {"client": ["B", "A", "A"], "date": [D(2024, 3, 1), D(2024, 4, 10),
                     D(2024, 5, 20)], "amount": [1.0, 10.0, 20.0]}  # fmt: skip


def test_compare_previous_total() -> None:
    eng = Engine(loaded_data({"contracts": CONTRACTS, "invoices": COMPARED_INVOICES}))
    opts = ReportOptions(start=D(2024, 5, 1), end=D(2024, 5, 31), as_of=D(2024, 5, 31),
                         compare="previous")  # fmt: skip
    df = eng.report(opts)
    assert list(df.columns[-2:]) == ["previous", "delta"]
    # May: revenue 20; May is a whole month: previous = April (Apr 1..30): 10
    assert pick(df, "revenue") == 20.0
    assert pick(df, "revenue", col="previous") == 10.0
    assert pick(df, "revenue", col="delta") == 10.0
    # MRR at May 31 = 150; at the previous as_of (Apr 30) = 100
    assert pick(df, "mrr", col="previous") == 100.0
    assert pick(df, "mrr", col="delta") == 50.0


def test_compare_year_by_month_matches_the_same_month() -> None:
    contracts = dict(CONTRACTS)
    contracts["start_date"] = [D(2023, 1, 1), D(2024, 5, 15)]
    eng = Engine(loaded_data({"contracts": contracts}))
    opts = ReportOptions(start=D(2024, 4, 1), end=D(2024, 5, 31), as_of=D(2024, 5, 31),
                         by="month", compare="year")  # fmt: skip
    df = eng.report(opts)
    # May 2024: 150 vs May 2023: 100 -> delta 50; Apr 2024 100 vs Apr 2023 100 -> 0
    assert pick(df, "mrr", period="2024-05") == 150.0
    assert pick(df, "mrr", period="2024-05", col="previous") == 100.0
    assert pick(df, "mrr", period="2024-05", col="delta") == 50.0
    assert pick(df, "mrr", period="2024-04", col="delta") == 0.0


def test_compare_previous_without_rows_gives_an_empty_previous() -> None:
    eng = Engine(loaded_data({"invoices": COMPARED_INVOICES}))
    opts = ReportOptions(start=D(2024, 5, 1), end=D(2024, 5, 31), as_of=D(2024, 5, 31),
                         by="client", compare="previous")  # fmt: skip
    df = eng.report(opts)
    # A had revenue 10 in the previous period
    assert pick(df, "revenue", "A", col="previous") == 10.0
    opts2 = replace(opts, start=D(2024, 4, 1), end=D(2024, 4, 30), as_of=D(2024, 4, 30))
    df2 = eng.report(opts2)
    # April against March: only B's invoice, no A row there: previous empty, delta empty
    assert math.isnan(pick(df2, "revenue", "A", col="previous"))
    assert math.isnan(pick(df2, "revenue", "A", col="delta"))


def test_unknown_comparison_is_a_usage_error() -> None:
    eng = Engine(loaded_data({"invoices": INVOICES}))
    with pytest.raises(UsageError):
        eng.report(ReportOptions(compare="quarter"))


# Issue 18: comparisons calendar-aligned, and never with days before the data begins. The
# tickets are counted by tickets_opened (created_at in the period).
def _tickets(*created: date) -> Engine:
    return Engine(
        loaded_data(
            {
                "tickets": {
                    "ticket_id": [f"T{i}" for i in range(len(created))],
                    "client": ["Acme"] * len(created),
                    "created_at": [datetime(d.year, d.month, d.day, 9) for d in created],
                }
            }
        )
    )


def test_last_quarter_is_compared_with_the_quarter_before() -> None:
    eng = _tickets(
        D(2024, 1, 2),                                 # the data begins
        D(2024, 3, 31), D(2024, 3, 31),                # the old comparison's extra day
        D(2024, 4, 1), D(2024, 5, 10), D(2024, 6, 30),  # Q2
        D(2024, 7, 1), D(2024, 8, 15), D(2024, 9, 30), D(2024, 9, 30),  # Q3
    )  # fmt: skip
    opts = ReportOptions(start=D(2024, 7, 1), end=D(2024, 9, 30), as_of=D(2024, 9, 30),
                         compare="previous")  # fmt: skip
    df = eng.report(opts)
    # Q3: 4 tickets; Q2 (Apr 1..Jun 30): 3 (the two of Mar 31 were in the old Mar 31..Jun 30)
    assert pick(df, "tickets_opened") == 4.0
    assert pick(df, "tickets_opened", col="previous") == 3.0
    assert pick(df, "tickets_opened", col="delta") == 1.0
    assert df.attrs["notes"] == []
    # by month: Jul against Apr (1 - 1), Aug against May (1 - 1), Sep against Jun (2 - 1)
    monthly = eng.report(replace(opts, by="month"))
    assert pick(monthly, "tickets_opened", period="2024-07", col="previous") == 1.0
    assert pick(monthly, "tickets_opened", period="2024-08", col="previous") == 1.0
    assert pick(monthly, "tickets_opened", period="2024-09", col="delta") == 1.0


def test_custom_half_year_is_compared_with_the_half_year_before() -> None:
    eng = _tickets(
        D(2024, 7, 1), D(2024, 7, 2), D(2024, 7, 3),  # the data begins on Jul 1
        D(2024, 12, 31), D(2025, 2, 1), D(2025, 2, 1),
    )  # fmt: skip
    opts = ReportOptions(start=D(2025, 1, 1), end=D(2025, 6, 30), as_of=D(2025, 6, 30),
                         compare="previous")  # fmt: skip
    df = eng.report(opts)
    # Jan..Jun 2025: 2; Jul..Dec 2024: 4 (Jul 1, 2, 3 were outside the old Jul 4..Dec 31);
    # it starts on the data's first day: covered
    assert pick(df, "tickets_opened") == 2.0
    assert pick(df, "tickets_opened", col="previous") == 4.0
    assert pick(df, "tickets_opened", col="delta") == -2.0


def test_ten_days_are_compared_with_the_ten_days_before() -> None:
    eng = _tickets(
        D(2023, 12, 31),                                # before Jan 1..10
        D(2024, 1, 1), D(2024, 1, 10),                  # Jan 1..10: 2
        D(2024, 1, 11), D(2024, 1, 15), D(2024, 1, 20),  # Jan 11..20: 3
        D(2024, 1, 21),
    )  # fmt: skip
    opts = ReportOptions(start=D(2024, 1, 11), end=D(2024, 1, 20), as_of=D(2024, 1, 21),
                         compare="previous")  # fmt: skip
    df = eng.report(opts)
    assert pick(df, "tickets_opened") == 3.0
    assert pick(df, "tickets_opened", col="previous") == 2.0
    assert pick(df, "tickets_opened", col="delta") == 1.0


def test_year_compares_with_the_same_dates_a_year_earlier_in_the_report() -> None:
    eng = _tickets(
        D(2023, 2, 27),                                 # the data begins; before Feb 28
        D(2023, 2, 28), D(2023, 3, 15),                 # Feb 28..Mar 31 2023: 2
        D(2024, 2, 28),                                 # before Feb 29
        D(2024, 2, 29), D(2024, 3, 15), D(2024, 3, 31),  # Feb 29..Mar 31 2024: 3
    )  # fmt: skip
    opts = ReportOptions(start=D(2024, 2, 29), end=D(2024, 3, 31), as_of=D(2024, 3, 31),
                         compare="year")  # fmt: skip
    df = eng.report(opts)
    # Feb 29 -> Feb 28: Feb 28..Mar 31 2023
    assert pick(df, "tickets_opened") == 3.0
    assert pick(df, "tickets_opened", col="previous") == 2.0
    assert pick(df, "tickets_opened", col="delta") == 1.0
    monthly = eng.report(replace(opts, by="month"))
    # 2024-02 (Feb 29: 1) against 2023-02 (Feb 28: 1); 2024-03 (2) against 2023-03 (1)
    assert pick(monthly, "tickets_opened", period="2024-02", col="delta") == 0.0
    assert pick(monthly, "tickets_opened", period="2024-03", col="previous") == 1.0


# the data begins on Jan 15 2024: Jan 15, 20, Feb 10, Mar 1, Mar 2 (Acme); Feb 12 (Beta)
BEFORE = [D(2024, 1, 15), D(2024, 1, 20), D(2024, 2, 10), D(2024, 3, 1), D(2024, 3, 2)]


def _before_engine() -> Engine:
    created = [*BEFORE, D(2024, 2, 12)]
    return Engine(
        loaded_data(
            {
                "tickets": {
                    "ticket_id": [f"T{i}" for i in range(len(created))],
                    "client": ["Acme"] * len(BEFORE) + ["Beta"],
                    "created_at": [datetime(d.year, d.month, d.day, 9) for d in created],
                }
            }
        )
    )


@pytest.mark.parametrize("by", ["total", "client", "month", "client,month"])
def test_a_comparison_before_the_data_begins_is_empty_with_a_note(by: str) -> None:
    eng = _before_engine()
    assert eng.data_start == D(2024, 1, 15)
    # Q1 2024 against Q4 2023 (Oct 1..Dec 31): wholly before the data. It used to give
    # previous 0 and a delta of the whole value (6 tickets: delta +6)
    opts = ReportOptions(start=D(2024, 1, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31),
                         by=by, compare="previous")  # fmt: skip
    df = eng.report(opts)
    assert len(df) > 0 and df["previous"].isna().all() and df["delta"].isna().all()
    assert df.attrs["notes"] == [
        "the period 2024-01-01..2024-03-31 starts before the data begins (2024-01-15): "
        "nothing before that day is in the data",
        "no comparison: the comparison period 2023-10-01..2023-12-31 starts before the data "
        "begins (2024-01-15)",
    ]
    if by == "total":
        assert pick(df, "tickets_opened") == 6.0  # the value itself is still there


def test_a_comparison_partly_before_the_data_is_empty_and_one_inside_is_not() -> None:
    eng = _before_engine()
    feb = ReportOptions(start=D(2024, 2, 1), end=D(2024, 2, 29), as_of=D(2024, 2, 29),
                        compare="previous", lang="es")  # fmt: skip
    df = eng.report(feb)
    # February against January (Jan 1..31): the data begins on the 15th, the first half
    # has no data (January would show 2 tickets where there may have been twice as many)
    assert pick(df, "tickets_opened") == 2.0
    assert math.isnan(pick(df, "tickets_opened", col="previous"))
    assert df.attrs["notes"] == [
        "sin comparación: el periodo de comparación 2024-01-01..2024-01-31 empieza antes de "
        "que empiecen los datos (2024-01-15)"
    ]
    # March against February (Feb 1..29, after the data begins): 2 (Mar 1, 2) against 2
    # (Feb 10 Acme, Feb 12 Beta)
    mar = replace(feb, start=D(2024, 3, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31), lang="en")
    df = eng.report(mar)
    assert pick(df, "tickets_opened", col="previous") == 2.0
    assert pick(df, "tickets_opened", col="delta") == 0.0
    assert df.attrs["notes"] == []
    # a year earlier than February 2024: before the data too
    df = eng.report(replace(feb, compare="year", lang="en"))
    assert df["previous"].isna().all()
    assert df.attrs["notes"] == [
        "no comparison: the comparison period 2023-02-01..2023-02-28 starts before the data "
        "begins (2024-01-15)"
    ]


def test_the_first_date_reads_events_not_plans_nor_devices() -> None:
    # the contract's start (2019), the device's first and last seen (2020, 2021), the
    # project's dates and an open deal's expected close are not events of the history the
    # data holds; the first event is the time entry of 2024-02-03 (before the ticket)
    data = loaded_data(
        {
            "tickets": {"ticket_id": ["1"], "created_at": [datetime(2024, 3, 1, 10)]},
            "time_entries": {"technician": ["Ana"], "date": [D(2024, 2, 3)], "hours": [1.0]},
            "contracts": {"contract_id": ["K"], "client": ["A"], "start_date": [D(2019, 1, 1)],
                          "amount": [1.0], "billing_months": [1]},
            "devices": {"device_id": ["d"], "client": ["A"],
                        "first_seen": [datetime(2020, 5, 1)], "last_seen": [datetime(2021, 1, 1)]},
            "projects": {"project_id": ["p"], "start_date": [D(2018, 1, 1)],
                         "due_date": [D(2018, 6, 30)], "budget_hours": [1.0]},
            "opportunities": {"opportunity_id": ["o"], "created_at": [datetime(2024, 2, 20)],
                              "outcome": ["open"], "closed_at": [datetime(2023, 12, 31)]},
        }
    )  # fmt: skip
    eng = Engine(data)
    assert eng.data_start == D(2024, 2, 3)
    # an ingestion's first date is used when given (as its as_of is)
    given = replace(data, data_start=D(2024, 1, 1), as_of=D(2024, 3, 1))
    assert Engine(given).data_start == D(2024, 1, 1)


def test_the_first_date_at_ingestion() -> None:
    from kpi import LoadOptions, load_files

    def text(*lines: str) -> bytes:
        return ("\n".join(lines) + "\n").encode("utf-8")

    files = [
        ("tickets.csv", text("Ticket #,Created,Resolved", "T1,2025-03-04,2025-03-10")),
        ("time.csv", text("Member,Date,Hours", "Ana,2025-03-06,1")),
        ("devices.csv", text("Device ID,Company,First Seen,Last Seen",
                             "D1,Acme,2021-06-01,2022-01-05")),
        ("contracts.csv", text("Contract ID,Company,Start Date,End Date,Amount",
                               "C1,Acme,2020-01-01,2026-12-31,500")),
        ("deals.csv", text("Opportunity ID,Created Date,Close Date,Stage",
                           "O1,2025-03-05,2025-03-03,Closed Won",  # a won deal's close: first
                           "O2,2025-03-05,2024-01-01,Proposal")),  # an expected close: not
    ]  # fmt: skip
    data = load_files(files, LoadOptions())
    assert data.data_start == D(2025, 3, 3)
    assert data.as_of == D(2025, 3, 10)
    # the engine keeps them
    assert Engine(data).data_start == D(2025, 3, 3)


def test_a_comparison_before_the_data_is_not_queried(monkeypatch: pytest.MonkeyPatch) -> None:
    from kpi.query import Core

    eng = _before_engine()
    families: list[str] = []
    real = Core.run_family
    monkeypatch.setattr(
        Core, "run_family", lambda self, f, s: families.append(f) or real(self, f, s)
    )
    q1 = ReportOptions(start=D(2024, 1, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31),
                       kpis=["tickets_opened"])  # fmt: skip
    eng.report(replace(q1, compare="previous"))
    # the tickets family over Q1 only: Q4 2023 is before the data, nothing to ask
    assert families == ["tickets"]
