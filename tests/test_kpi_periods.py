"""Periods, as_of and comparisons (KPIS.md "Periods", DETAILS.md 1-3, 9, 12)."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

import pytest
from kpi_helpers import pick

from kpi.errors import UsageError
from kpi.model import loaded_data
from kpi.periods import (
    Period,
    add_months,
    comparison_period,
    comparison_shift,
    resolve_period,
)
from kpi.report import Engine, ReportOptions

D = date


def test_default_period_is_twelve_months_ending_at_as_of() -> None:
    p = resolve_period(None, None, None, D(2024, 6, 15))
    assert p == Period(D(2023, 7, 1), D(2024, 6, 15), D(2024, 6, 15))
    assert p.label == "2023-07-01..2024-06-15"


def test_only_end_starts_eleven_months_earlier() -> None:
    # DETAILS.md 3: only --end -> 1st of the month 11 months earlier; as_of stays
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
    # 91 days ending Dec 31: Oct 2..Dec 31, as_of = its end
    prev = comparison_period(q1, "previous")
    assert prev == Period(D(2023, 10, 2), D(2023, 12, 31), D(2023, 12, 31))
    assert prev.days == q1.days == 91
    # same dates a year earlier; Feb 29 -> Feb 28
    leap = Period(D(2024, 2, 29), D(2024, 2, 29), D(2024, 3, 5))
    assert comparison_period(leap, "year") == Period(D(2023, 2, 28), D(2023, 2, 28), D(2023, 3, 5))
    assert comparison_shift(q1, comparison_period(q1, "year")) == 12
    assert comparison_shift(q1, prev) == 3
    with pytest.raises(UsageError):
        comparison_period(q1, "quarter")


def test_add_months_clips_to_month_end() -> None:
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2024, 3, 15), -14) == D(2023, 1, 15)


# Default as_of (DETAILS.md 9): events move it, contract ends, due dates and expected close
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


# DETAILS.md 3: --end after as_of: flows use the period as given, point-in-time KPIs stop
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


# Comparison (DETAILS.md 12)
def test_compare_previous_total() -> None:
    eng = Engine(loaded_data({"contracts": CONTRACTS, "invoices": INVOICES}))
    opts = ReportOptions(start=D(2024, 5, 1), end=D(2024, 5, 31), as_of=D(2024, 5, 31),
                         compare="previous")  # fmt: skip
    df = eng.report(opts)
    assert list(df.columns[-2:]) == ["previous", "delta"]
    # May: revenue 20; previous = Apr 1..30 (31 days ending Apr 30: Mar 31..Apr 30): 10
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
    eng = Engine(loaded_data({"invoices": INVOICES}))
    opts = ReportOptions(start=D(2024, 5, 1), end=D(2024, 5, 31), as_of=D(2024, 5, 31),
                         by="client", compare="previous")  # fmt: skip
    df = eng.report(opts)
    # A had revenue 10 in the previous period
    assert pick(df, "revenue", "A", col="previous") == 10.0
    opts2 = replace(opts, start=D(2024, 4, 1), end=D(2024, 4, 30), as_of=D(2024, 4, 30))
    df2 = eng.report(opts2)
    # Mar 2..31: no invoices, no A row there: previous empty, delta empty
    assert math.isnan(pick(df2, "revenue", "A", col="previous"))
    assert math.isnan(pick(df2, "revenue", "A", col="delta"))


def test_unknown_comparison_is_a_usage_error() -> None:
    eng = Engine(loaded_data({"invoices": INVOICES}))
    with pytest.raises(UsageError):
        eng.report(ReportOptions(compare="quarter"))
