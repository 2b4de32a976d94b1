"""Utilisation (docs/KPIS.md 5): hours worked, billable, available, utilisation."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pytest
from kpi_helpers import pick

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

# March 2024 has 21 weekdays (Fri 1; 4-8, 11-15, 18-22, 25-29).
# staff: Ann 40 h/week (8 h a day), Bob 20 h/week (4 h a day), Cid empty (40 h) and no entries
# entries: Ann A Mar04 8h billable; Ann B Mar05 6h not billable; Ann A Sat Mar30 4h billable;
#          Bob B Mar06 10h billable; Dan (not in staff) A Mar07 5h billable;
#          Ann A Apr02 3h (after the period)
STAFF = {"technician": ["Ann", "Bob", "Cid"], "weekly_hours": [40.0, 20.0, None]}
ENTRIES = {
    "technician": ["Ann", "Ann", "Ann", "Bob", "Dan", "Ann"],
    "client": ["A", "B", "A", "B", "A", "A"],
    "date": [date(2024, 3, 4), date(2024, 3, 5), date(2024, 3, 30), date(2024, 3, 6),
             date(2024, 3, 7), date(2024, 4, 2)],
    "hours": [8.0, 6.0, 4.0, 10.0, 5.0, 3.0],
    "billable": [True, False, True, True, True, True],
}  # fmt: skip
MARCH = ReportOptions(start=date(2024, 3, 1), end=date(2024, 3, 31), as_of=date(2024, 3, 31))


def engine(with_staff: bool = True) -> Engine:
    tables: dict[str, dict[str, list[object]]] = {"time_entries": ENTRIES}
    if with_staff:
        tables["staff"] = STAFF
    return Engine(loaded_data(tables))


def test_hours_and_utilisation_total() -> None:
    df = engine().report(MARCH)
    # 8 + 6 + 4 + 10 + 5 = 33 hours in March
    assert pick(df, "hours_worked") == 33.0
    # billable: 8 + 4 + 10 + 5 = 27
    assert pick(df, "billable_hours") == 27.0
    # available: Ann 8 x 21 = 168, Bob 4 x 21 = 84, Cid 8 x 21 = 168 -> 420 (Dan is not in
    # staff: no available hours)
    assert pick(df, "available_hours") == 420.0
    # 27 / 420
    assert pick(df, "utilization", col="numerator") == 27.0
    assert pick(df, "utilization", col="denominator") == 420.0
    assert pick(df, "utilization") == pytest.approx(27 / 420)
    row = df[df["kpi"] == "utilization"].iloc[0]
    assert row["target"] == "0.7..0.85"
    assert row["status"] == "bad"  # 0.064 is far below the band


def test_utilisation_by_technician_with_staff_without_entries() -> None:
    df = engine().report(replace(MARCH, by="technician"))
    assert "technician" in df.columns and "client" not in df.columns
    # Ann: billable 8 + 4 = 12 of 168
    assert pick(df, "utilization", "Ann") == pytest.approx(12 / 168)
    assert pick(df, "hours_worked", "Ann") == 18.0
    # Bob: 10 of 84
    assert pick(df, "utilization", "Bob") == pytest.approx(10 / 84)
    # Cid: in staff, no entries: 0 of 168 = 0 (not empty)
    assert pick(df, "utilization", "Cid") == 0.0
    assert pick(df, "available_hours", "Cid") == 168.0
    # Dan: hours but not in staff: no available hours, utilisation empty
    assert pick(df, "billable_hours", "Dan") == 5.0
    dan = df[(df["kpi"] == "available_hours") & (df["technician"] == "Dan")]
    assert dan.empty or dan.iloc[0]["value"] == 0.0  # a group without data may be omitted
    assert math.isnan(pick(df, "utilization", "Dan"))


def test_utilisation_by_client_is_a_total_row_but_hours_are_by_client() -> None:
    df = engine().report(replace(MARCH, by="client"))
    # hours by client: A 8 + 4 + 5 = 17, B 6 + 10 = 16
    assert pick(df, "hours_worked", "A") == 17.0
    assert pick(df, "hours_worked", "B") == 16.0
    assert pick(df, "billable_hours", "B") == 10.0
    # utilisation and available hours are not by client: one total row each
    assert pick(df, "utilization") == pytest.approx(27 / 420)
    assert len(df[df["kpi"] == "utilization"]) == 1


def test_no_utilisation_under_a_client_filter() -> None:
    # docs/DETAILS.md 8
    df = engine().report(replace(MARCH, clients=["a"]))
    kpis = set(df["kpi"])
    assert "utilization" not in kpis and "available_hours" not in kpis
    # hours of client A: 17
    assert pick(df, "hours_worked") == 17.0


def test_utilisation_under_a_technician_filter() -> None:
    df = engine().report(replace(MARCH, technicians=["ann"]))
    # Ann only: 12 / 168
    assert pick(df, "utilization") == pytest.approx(12 / 168)
    assert pick(df, "available_hours") == 168.0


def test_without_staff_the_technicians_with_entries_at_40_hours() -> None:
    df = engine(with_staff=False).report(MARCH)
    # Ann, Bob and Dan have March entries: 3 x 8 x 21 = 504
    assert pick(df, "available_hours") == 504.0
    assert pick(df, "utilization") == pytest.approx(27 / 504)
    assert engine(with_staff=False).availability()["labor_cost"] == (
        "load staff with column hourly_cost"
    )


def test_utilisation_by_technician_and_month() -> None:
    opts = ReportOptions(start=date(2024, 2, 1), end=date(2024, 3, 31), as_of=date(2024, 3, 31),
                         by="technician,month")  # fmt: skip
    df = engine().report(opts)
    # February 2024 has 21 weekdays (Thu 1, Fri 2, then 5-9, 12-16, 19-23, 26-29 = 2+5+5+5+4)
    assert pick(df, "available_hours", "Bob", "2024-02") == 84.0
    assert pick(df, "utilization", "Bob", "2024-02") == 0.0
    assert pick(df, "utilization", "Bob", "2024-03") == pytest.approx(10 / 84)


def test_available_hours_use_the_period_as_given_after_as_of() -> None:
    # docs/DETAILS.md 3: flows use the period as given even when --end is after as_of
    opts = ReportOptions(start=date(2024, 3, 1), end=date(2024, 4, 5), as_of=date(2024, 3, 31))
    df = engine().report(opts)
    # weekdays Mar 1..Apr 5: 21 + Apr 1-5 (5) = 26; Ann 8 x 26 + Bob 4 x 26 + Cid 8 x 26 = 520
    assert pick(df, "available_hours") == 520.0
    # hours include Ann's Apr 2 entry: 33 + 3
    assert pick(df, "hours_worked") == 36.0


def test_billable_column_absent_or_empty() -> None:
    entries = {k: v for k, v in ENTRIES.items() if k != "billable"}
    df = Engine(loaded_data({"time_entries": entries})).report(MARCH)
    # no billable column: every hour is billable (33 of 33)
    assert pick(df, "billable_hours") == pick(df, "hours_worked") == 33.0
    with_empty = dict(ENTRIES)
    with_empty["billable"] = [True, None, None, True, True, True]
    df2 = Engine(loaded_data({"time_entries": with_empty})).report(MARCH)
    # an empty value in a billable column is not billable (docs/DETAILS.md 25): 8 + 10 + 5 = 23
    assert pick(df2, "billable_hours") == 23.0
