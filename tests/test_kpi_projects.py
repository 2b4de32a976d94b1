"""Project status (docs/KPIS.md 8, docs/DETAILS.md 28) at D = min(period end, as_of)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from kpi_helpers import pick

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

D = date
# D = 2024-03-31. planned = clamp((D - start) / (due - start), 0, 1); PV = planned x budget;
# EV = pct x budget; CPI = EV / AC; SPI = EV / PV.
# id   cl start  due    budget pct   AC   closed  status       -> state
# P1   A  Jan01  Jun30  100    0.5   10   -       "Completádo" -> completed (accent-folded)
# P2   A  Jan01  Jun30  100    1.0   10   -       -            -> completed (100 %)
# P3   A  Jan01  Jun30  100    0.5   10   Mar30   -            -> completed (closed <= D)
# P3b  A  Jan01  Jun30  100    0.5   40   Apr05   -            planned 90/181 = 0.497, PV 49.7,
#                                                              EV 50, CPI 1.25, SPI 1.006
#                                                              -> on_track (closes after D)
# P4   A  Jan01  Mar30   50    0.5   20   -       -            -> late (D > due)
# P5   A  Feb01  May31  100    0.6  110   -       -            -> over_budget (AC > budget)
# P6   B  Mar01  Apr30  100    0.2   30   -       -            EV 20, CPI 0.67 -> over_budget
# P7   B  Jan01  Apr30  100    0.5   45   -       -            planned 90/120 = 0.75, PV 75,
#                                                              SPI 0.67 -> at_risk
# P8   B  Mar01  May30   90    -     40   -       -            planned 30/90 = 0.333;
#                                                              AC/budget 0.444 > 0.433
#                                                              -> at_risk (no pct rule)
# P9   B  Mar31  Mar31   10    0.95   9   -       -            due = start, D >= due:
#                                                              planned 1, PV 10, EV 9.5,
#                                                              SPI 0.95, CPI 1.06 -> on_track
# P10  B  Mar15  Apr15   50    0.6    0   -       -            AC 0: CPI undefined (no
#                                                              "CPI < 1"); PV 25.8, EV 30
#                                                              -> on_track
# P11  A  Apr10  Jun30  100    0.1    0   -       -            starts after D: not active
PROJECTS = {
    "project_id": ["P1", "P2", "P3", "P3b", "P4", "P5", "P6", "P7", "P8", "P9", "P10", "P11"],
    "client": ["A", "A", "A", "A", "A", "A", "B", "B", "B", "B", "B", "A"],
    "status": ["Completádo ", None, None, "In progress", None, None, None, None, None, None,
               None, None],
    "start_date": [D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1),
                   D(2024, 2, 1), D(2024, 3, 1), D(2024, 1, 1), D(2024, 3, 1), D(2024, 3, 31),
                   D(2024, 3, 15), D(2024, 4, 10)],
    "due_date": [D(2024, 6, 30), D(2024, 6, 30), D(2024, 6, 30), D(2024, 6, 30),
                 D(2024, 3, 30), D(2024, 5, 31), D(2024, 4, 30), D(2024, 4, 30),
                 D(2024, 5, 30), D(2024, 3, 31), D(2024, 4, 15), D(2024, 6, 30)],
    "budget_hours": [100.0, 100.0, 100.0, 100.0, 50.0, 100.0, 100.0, 100.0, 90.0, 10.0, 50.0,
                     100.0],
    "percent_complete": [0.5, 1.0, 0.5, 0.5, 0.5, 0.6, 0.2, 0.5, None, 0.95, 0.6, 0.1],
    "actual_hours": [10.0, 10.0, 10.0, 40.0, 20.0, 110.0, 30.0, 45.0, 40.0, 9.0, 0.0, 0.0],
    "closed_at": [None, None, D(2024, 3, 30), D(2024, 4, 5), None, None, None, None, None,
                  None, None, None],
}  # fmt: skip
Q1 = ReportOptions(start=D(2024, 1, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31))


def engine(projects: dict[str, list[object]] | None = None, **extra: object) -> Engine:
    tables: dict[str, dict[str, list[object]]] = {"projects": projects or PROJECTS}
    tables.update(extra)  # type: ignore[arg-type]
    return Engine(loaded_data(tables))


def test_project_states_total() -> None:
    df = engine().report(Q1)
    # active: P3b P4 P5 P6 P7 P8 P9 P10 = 8 (P1-P3 completed, P11 not started)
    assert pick(df, "projects_active") == 8.0
    # on track: P3b P9 P10 = 3
    assert pick(df, "projects_on_track") == 3.0
    assert pick(df, "projects_on_track_rate") == 0.375
    assert pick(df, "projects_late") == 1.0  # P4
    assert pick(df, "projects_over_budget") == 2.0  # P5 (hours) and P6 (CPI)
    # burn: AC 40+20+110+30+45+40+9+0 = 294 over budget 100+50+100+100+100+90+10+50 = 600
    assert pick(df, "project_budget_burn", col="numerator") == 294.0
    assert pick(df, "project_budget_burn", col="denominator") == 600.0
    assert pick(df, "project_budget_burn") == 0.49
    # 0.375 against >= 0.80: below 0.72 -> bad
    assert df[df["kpi"] == "projects_on_track_rate"].iloc[0]["status"] == "bad"


def test_project_states_by_client() -> None:
    df = engine().report(replace(Q1, by="client"))
    # A: P3b on track, P4 late, P5 over budget -> 1 / 3
    assert pick(df, "projects_active", "A") == 3.0
    assert pick(df, "projects_on_track_rate", "A") == pytest.approx(1 / 3)
    # B: P6 over budget, P7 and P8 at risk, P9 and P10 on track -> 2 / 5
    assert pick(df, "projects_on_track_rate", "B") == 0.4
    assert pick(df, "projects_over_budget", "B") == 1.0
    assert pick(df, "projects_late", "B") == 0.0
    # B burn: (30 + 45 + 40 + 9 + 0) / (100 + 100 + 90 + 10 + 50) = 124 / 350
    assert pick(df, "project_budget_burn", "B") == pytest.approx(124 / 350)


def test_projects_are_never_by_month() -> None:
    df = engine().report(replace(Q1, by="client,month"))
    rows = df[df["kpi"] == "projects_active"]
    # one row per client with the period label, not one per month
    assert sorted(rows["client"]) == ["A", "B"]
    assert set(rows["period"]) == {"2024-01-01..2024-03-31"}


def test_d_is_the_period_end_not_as_of() -> None:
    # period ends Feb 29 (as_of later): D = Feb 29. Active: P1 (status completed: no), P2
    # (100 %: no), P3 (closed Mar 30 > D: active), P3b, P4 (due Mar 30: not late yet), P5,
    # P7 -> P3 P3b P4 P5 P7 = 5 (P6 P8 P9 P10 start in March)
    opts = ReportOptions(start=D(2024, 1, 1), end=D(2024, 2, 29), as_of=D(2024, 3, 31))
    df = engine().report(opts)
    assert pick(df, "projects_active") == 5.0
    assert pick(df, "projects_late") == 0.0


def test_actual_hours_from_time_entries_up_to_d() -> None:
    projects = {
        "project_id": ["P12"],
        "client": ["C"],
        "start_date": [D(2024, 3, 1)],
        "due_date": [D(2024, 4, 30)],
        "budget_hours": [40.0],
        "percent_complete": [0.25],
    }
    entries = {
        "technician": ["Ann", "Ann", "Ann", "Ann"],
        "date": [D(2024, 3, 10), D(2024, 3, 31), D(2024, 4, 1), D(2024, 3, 12)],
        "hours": [5.0, 3.0, 7.0, 2.0],
        "project_id": ["P12", "P12", "P12", "P99"],
    }
    df = engine(projects, time_entries=entries).report(Q1)
    # AC = entries of P12 dated <= Mar 31: 5 + 3 = 8 (Apr 1 and other projects left out)
    # burn 8 / 40 = 0.2; planned 30/60 = 0.5, PV 20, EV 10: SPI 0.5 -> at risk
    assert pick(df, "project_budget_burn") == 0.2
    assert pick(df, "projects_on_track") == 0.0


def test_budget_burn_needs_actual_hours() -> None:
    projects = {k: v for k, v in PROJECTS.items() if k != "actual_hours"}
    eng = engine(projects)
    assert eng.availability()["project_budget_burn"] == (
        "map column actual_hours of projects or load time entries with column project_id"
    )
    df = eng.report(Q1)
    assert "project_budget_burn" not in set(df["kpi"])
    # without AC, over budget and the AC rule of at_risk cannot apply: P5, P6 become
    # on track (P5: SPI 0.6 / (59/120) -> 1.22; P6: SPI 0.2 / (30/60) = 0.4 -> at risk)
    assert pick(df, "projects_over_budget") == 0.0


def test_cpi_between_0_9_and_1_is_at_risk_and_0_9_is_not_over_budget() -> None:
    # D = Mar 31; start Jan 1, due Jun 30 (planned 90/181 = 0.497, PV 49.7 of 100)
    # Q1: pct 0.57, AC 60 -> EV 57, CPI 0.95 (< 1, >= 0.9), SPI 1.15 -> at_risk
    # Q2: pct 0.54, AC 60 -> EV 54, CPI 0.9 exactly (not < 0.9), SPI 1.09 -> at_risk
    # Q3: pct 0.53, AC 60 -> EV 53, CPI 0.883 (< 0.9) -> over_budget
    projects = {
        "project_id": ["Q1", "Q2", "Q3"],
        "client": ["A", "A", "A"],
        "start_date": [D(2024, 1, 1)] * 3,
        "due_date": [D(2024, 6, 30)] * 3,
        "budget_hours": [100.0] * 3,
        "percent_complete": [0.57, 0.54, 0.53],
        "actual_hours": [60.0] * 3,
    }
    df = engine(projects).report(Q1)
    assert pick(df, "projects_active") == 3.0
    assert pick(df, "projects_on_track") == 0.0
    assert pick(df, "projects_over_budget") == 1.0  # Q3 only
