"""The dashboards' breakdowns (Engine methods, kpi/query/breakdowns.py) on small
hand-checked tables."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

import pytest

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

JAN = ReportOptions(date(2024, 1, 1), date(2024, 1, 31), as_of=date(2024, 1, 31))


def dt(day: int, hour: int = 9, month: int = 1) -> datetime:
    return datetime(2024, month, day, hour)


@pytest.fixture
def engine() -> Engine:
    data = loaded_data(
        {
            "tickets": {
                "ticket_id": ["t1", "t2", "t3", "t4"],
                "client": ["Acme", "Acme", "Acme", "Beta"],
                "created_at": [dt(2), dt(3), dt(4), dt(5)],
                "resolved_at": [dt(2, 11), dt(3, 13), dt(5), None],
                # resolved is the effective resolution ingestion derives
                "resolved": [dt(2, 11), dt(3, 13), dt(5), None],
                "priority": ["P1", "P1", "P2", "P2"],
                "queue": ["A", "A", "B", "B"],
                "escalated": [True, False, True, None],
                "hours": [1.5, 0.5, 3.0, 2.0],
            },
            "contracts": {
                "contract_id": ["k1", "k2", "k3", "k4"],
                # k2 belongs to another client: it is no successor that renews k1
                "client": ["Acme", "Gamma", "Beta", "Beta"],
                "start_date": [date(2023, 2, 16), date(2023, 4, 11), date(2023, 5, 21),
                               date(2023, 1, 21)],
                "end_date": [date(2024, 2, 15), date(2024, 4, 10), date(2024, 5, 20),
                             date(2024, 1, 20)],
                "amount": [100.0, 300.0, 50.0, 80.0],
                "billing_months": [1, 3, 1, 1],
                "auto_renew": [None, True, None, None],
            },
            "opportunities": {
                "opportunity_id": ["o1", "o2", "o3", "o4"],
                "client": ["Acme", "Beta", "Acme", "Beta"],
                "created_at": [dt(1, month=12).replace(year=2023), dt(10), dt(5), dt(2)],
                "closed_at": [None, None, None, dt(15)],
                "stage": ["Proposal", "Proposal", "Lead", "Won"],
                "amount": [1000.0, 500.0, 200.0, 900.0],
                "probability": [0.5, 0.2, None, 1.0],
                "last_activity_at": [dt(5, month=12).replace(year=2023), dt(20), dt(6), dt(15)],
                "outcome": ["open", "open", "open", "won"],
            },
            "projects": {
                "project_id": ["p1", "p2", "p3"],
                "client": ["Acme", "Beta", "Acme"],
                "name": ["Late one", "On track", "Done one"],
                "status": ["Open", "Open", "Done"],
                "start_date": [date(2023, 11, 1), date(2024, 1, 1), date(2023, 10, 1)],
                "due_date": [date(2024, 1, 15), date(2024, 3, 1), date(2023, 12, 1)],
                "budget_hours": [100.0, 100.0, 10.0],
                "actual_hours": [50.0, 40.0, 9.0],
                "percent_complete": [0.5, 0.6, 1.0],
            },
        },
        as_of=date(2024, 1, 31),
    )  # fmt: skip
    return Engine(data)


def test_resolution_time_by_priority(engine: Engine) -> None:
    df = engine.resolution_by_priority(JAN).set_index("priority")
    # P1: t1 2 h and t2 4 h -> median 3 (mean of the two middle values); P2: t3 24 h
    # (t4 is unresolved)
    assert df.loc["P1", "n"] == 2
    assert (df.loc["P1", "min"], df.loc["P1", "p50"], df.loc["P1", "max"]) == (2.0, 3.0, 4.0)
    assert df.loc["P2", "n"] == 1 and df.loc["P2", "p50"] == 24.0


def test_resolution_quantiles_interpolate_between_the_hours() -> None:
    # one priority resolved in 1, 2, 3, 4 and 10 hours; quantile_cont at q sits at
    # position q x (5 - 1) of the sorted hours, interpolated: p05 -> 0.2 -> 1 + 0.2 x 1 =
    # 1.2; p25 -> 1 -> 2; p50 -> 2 -> 3; p75 -> 3 -> 4; p95 -> 3.8 -> 4 + 0.8 x 6 = 8.8
    hours = [3, 10, 1, 4, 2]
    data = loaded_data(
        {
            "tickets": {
                "ticket_id": [f"t{i}" for i in range(5)],
                "client": ["Acme"] * 5,
                "created_at": [dt(2)] * 5,
                "resolved_at": [dt(2, 9 + h) for h in hours],
                "resolved": [dt(2, 9 + h) for h in hours],
                "priority": ["P1"] * 5,
            },
        },
        as_of=date(2024, 1, 31),
    )
    row = Engine(data).resolution_by_priority(JAN).iloc[0]
    got = [row[c] for c in ("n", "min", "p05", "p25", "p50", "p75", "p95", "max", "mean")]
    assert got == pytest.approx([5, 1.0, 1.2, 2.0, 3.0, 4.0, 8.8, 10.0, 4.0])


def test_escalation_by_queue(engine: Engine) -> None:
    df = engine.escalation_by(JAN, "queue").set_index("grp")
    # A: t1 escalated, t2 not -> 1 of 2, 1.5 h on escalated tickets
    assert (df.loc["A", "escalated"], df.loc["A", "known"], df.loc["A", "value"]) == (1, 2, 0.5)
    assert df.loc["A", "hours"] == 1.5
    # B: t3 escalated, t4 unknown (left out of the rate) -> 1 of 1, 3 h
    assert (df.loc["B", "escalated"], df.loc["B", "known"], df.loc["B", "value"]) == (1, 1, 1.0)
    # the client filter: Beta has only t4, whose flag is unknown -> no rate
    beta = replace(JAN, clients=["Beta"])
    only = engine.escalation_by(beta, "queue").set_index("grp")
    assert list(only.index) == ["B"] and math.isnan(only.loc["B", "value"])


def test_upcoming_renewals_buckets(engine: Engine) -> None:
    df = engine.upcoming_renewals(JAN).set_index("bucket")
    # k1 ends in 15 days (bucket 30, MRR 100); k2 auto-renews (left out); k3 ends in
    # 110 days (bucket 120, MRR 50; k4 of the same client ended before it started, so it
    # is no successor); k4 ended before as_of
    assert df["contracts"].to_dict() == {30: 1, 60: 0, 90: 0, 120: 1}
    assert df["mrr"].to_dict() == {30: 100.0, 60: 0.0, 90: 0.0, 120: 50.0}
    rows = engine.upcoming_contracts(JAN)
    assert rows["contract_id"].tolist() == ["k1", "k3"]
    assert rows["days"].tolist() == [15, 110]


def test_pipeline_by_stage_and_stale(engine: Engine) -> None:
    df = engine.pipeline_by_stage(JAN).set_index("stage")
    # open at 2024-01-31: o1 and o2 (Proposal: 1,500, weighted 500 + 100), o3 (Lead, no
    # probability: no weighted amount); o4 is won
    assert list(df.index) == ["Proposal", "Lead"]
    assert (df.loc["Proposal", "n"], df.loc["Proposal", "amount"]) == (2, 1500.0)
    assert df.loc["Proposal", "weighted"] == 600.0
    assert math.isnan(df.loc["Lead", "weighted"])
    stale = engine.stale_opportunities(JAN)
    # o1: last activity 2023-12-05, 57 days before 2024-01-31 (more than 30)
    assert stale["opportunity_id"].tolist() == ["o1"]
    assert stale["days_idle"].tolist() == [57]


def test_project_portfolio_late_first(engine: Engine) -> None:
    df = engine.project_portfolio(JAN)
    assert df["project_id"].tolist() == ["p1", "p2", "p3"]
    assert df["state"].tolist() == ["late", "on_track", "completed"]
    on_track = df.set_index("project_id").loc["p2"]
    # D = 2024-01-31: planned 30 of 60 days = 0.5, PV 50 h; EV 0.6 x 100 = 60 h; AC 40 h
    assert on_track["planned"] == 0.5
    assert on_track["cpi"] == 1.5 and on_track["spi"] == 1.2
    assert df.set_index("project_id").loc["p1", "burn"] == 0.5
