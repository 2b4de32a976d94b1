"""SQL injection (issue 6): hostile client and technician names filter and group like any
other name, because every filter value reaches SQL as a bound parameter."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

HOSTILE = [
    "O'Brien",
    "x'); DROP TABLE tickets;--",
    "%_",
    'Ana "the" Tech',
    "<script>alert(1)</script>",
]


def _data() -> Engine:
    # one ticket per hostile client, created and resolved in March 2024, plus a plain one;
    # technicians carry the same hostile names
    names = [*HOSTILE, "Plain"]
    n = len(names)
    created = [datetime(2024, 3, 1 + i, 9) for i in range(n)]
    resolved = [datetime(2024, 3, 1 + i, 12) for i in range(n)]
    data = loaded_data(
        {
            "tickets": {
                "ticket_id": [f"T{i}" for i in range(n)],
                "client": names,
                "technician": names,
                "created_at": created,
                "resolved_at": resolved,
                "resolved": resolved,
                "escalated": [False] * n,
            }
        },
        as_of=date(2024, 3, 31),
    )
    return Engine(data)


def _value(df: pd.DataFrame, kpi: str, col: str = "client", group: str | None = None) -> float:
    rows = df[df["kpi"] == kpi]
    rows = rows[rows[col].isna()] if group is None else rows[rows[col] == group]
    assert len(rows) == 1, rows
    return float(rows.iloc[0]["value"])


@pytest.mark.parametrize("name", HOSTILE)
def test_client_filter_with_hostile_name(name: str) -> None:
    engine = _data()
    opts = ReportOptions(clients=[name], start=date(2024, 3, 1), end=date(2024, 3, 31))
    df = engine.report(opts)
    # exactly that client's one ticket; "%_" must not act as a LIKE wildcard
    assert _value(df, "tickets_opened") == 1
    # and the tables are all still there afterwards
    assert _value(engine.report(ReportOptions(start=date(2024, 3, 1), end=date(2024, 3, 31))),
                  "tickets_opened") == len(HOSTILE) + 1  # fmt: skip


@pytest.mark.parametrize("name", HOSTILE)
def test_technician_filter_with_hostile_name(name: str) -> None:
    engine = _data()
    opts = ReportOptions(technicians=[name], start=date(2024, 3, 1), end=date(2024, 3, 31))
    assert _value(engine.report(opts), "tickets_opened") == 1


def test_grouping_by_client_keeps_hostile_names_apart() -> None:
    df = _data().report(ReportOptions(by="client", start=date(2024, 3, 1), end=date(2024, 3, 31)))
    for name in [*HOSTILE, "Plain"]:
        assert _value(df, "tickets_opened", "client", name) == 1


def test_explain_binds_filter_values_as_parameters() -> None:
    name = "x'); DROP TABLE tickets;--"
    ex = _data().explain("tickets_opened", ReportOptions(clients=[name]))
    assert name not in ex.sql
