"""What each alert puts at stake (docs/KPIS.md 9, issue 21 part 2): every rule fires on one
small hand-built data set, with its estimate worked out by hand, and the alerts are ranked
by estimate (empty last), then severity, then rule order."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from kpi.cli import main
from kpi.metrics.alerts import RULES
from kpi.model import loaded_data
from kpi.report import ALERT_COLUMNS, Engine, ReportOptions

D = date
T = datetime
MARCH = ReportOptions(start=D(2024, 3, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31))
ROOT = Path(__file__).resolve().parent.parent
NAN = math.nan


def data() -> object:
    """Every rule fires once or twice (March 2024, D = as_of = March 31)."""
    return loaded_data(
        {
            # K1: A, 300 a month, 3 covered devices (100 a device), ends Apr 20 (in 20
            # days); K2: B, 1,200 a quarter = 400 a month, ends Jun 29 (in 90 days)
            "contracts": {"contract_id": ["K1", "K2"], "client": ["A", "B"],
                          "start_date": [D(2023, 1, 1)] * 2,
                          "end_date": [D(2024, 4, 20), D(2024, 6, 29)],
                          "amount": [300.0, 1200.0], "billing_months": [1, 3],
                          "covered_devices": [3, None]},
            # A: 4 active devices, 3 covered: 1 uncovered x 100 = 100
            "devices": {"device_id": ["d1", "d2", "d3", "d4"], "client": ["A"] * 4,
                        "covered": [True, True, True, False]},
            # A: CSAT 4 / 5 = 0.80 with 5 responses
            "surveys": {"responded_at": [T(2024, 3, 1 + i) for i in range(5)],
                        "score": ["x"] * 5, "client": ["A"] * 5,
                        "satisfied": [True, True, True, True, False]},
            # B: 5 of 6 resolved tickets met the SLA: 0.833
            "tickets": {"ticket_id": [str(i) for i in range(6)], "client": ["B"] * 6,
                        "created_at": [T(2024, 3, 1)] * 6, "resolved": [T(2024, 3, 2)] * 6,
                        "resolved_at": [T(2024, 3, 2)] * 6,
                        "sla_met": [True] * 5 + [False]},
            # A: margin (1,000 - 850) / 1,000 = 0.15; the gap to 0.20 x 1,000 = 50
            "invoices": {"client": ["A"], "date": [D(2024, 3, 5)], "amount": [1000.0],
                         "cost": [850.0]},
            # Late: due Mar 21 (10 days late), 12 h spent, 50 % of 10 h earned (5 h),
            # 1,000 / 10 h = 100 an hour: (12 - 5) x 100 = 700. Burn: 12 of 10 h, 90 %
            # earned (9 h), 2,000 / 10 h = 200 an hour: (12 - 9) x 200 = 600. NoAmount: over
            # budget too, without a budget amount: no estimate
            "projects": {"project_id": ["P1", "P2", "P3"],
                         "name": ["Late", "Burn", "NoAmount"], "client": ["A", "A", "B"],
                         "start_date": [D(2024, 1, 1)] * 3,
                         "due_date": [D(2024, 3, 21), D(2024, 6, 30), D(2024, 6, 30)],
                         "budget_hours": [10.0] * 3, "actual_hours": [12.0] * 3,
                         "percent_complete": [0.5, 0.9, 0.9],
                         "budget_amount": [1000.0, 2000.0, None]},
            # o1: 5,000 x 0.4 = 2,000, idle 90 days; o2: no probability, no estimate
            "opportunities": {"opportunity_id": ["o1", "o2"], "client": ["A", "B"],
                              "created_at": [T(2024, 1, 1)] * 2, "outcome": ["open"] * 2,
                              "amount": [5000.0, 3000.0], "probability": [0.4, None]},
            # 168 available hours in March: Ann 160 (0.95 > 0.90), Cid 50 (0.30 < 0.50);
            # their hours are for a client without revenue (no effect on A's margin)
            "staff": {"technician": ["Ann", "Cid"], "hourly_cost": [10.0, 10.0]},
            "time_entries": {"technician": ["Ann", "Cid"], "client": ["Z", "Z"],
                             "date": [D(2024, 3, 4)] * 2, "hours": [160.0, 50.0],
                             "billable": [True, True]},
        }
    )  # fmt: skip


# (rule, client, subject, severity, estimate), in the expected order: estimate from the
# largest, empty last; equal estimates bad first, then in rule order
EXPECTED = [
    ("stale_opportunity", "A", "o1", "warn", 2000.0),
    ("project_late", "A", "Late", "bad", 700.0),
    ("project_over_budget", "A", "Burn", "bad", 600.0),
    ("sla_low", "B", None, "warn", 400.0),  # B's MRR
    ("renewal_due", "B", "K2", "warn", 400.0),  # K2's MRR; sla_low comes first in rule order
    ("csat_low", "A", None, "bad", 300.0),  # A's MRR
    ("renewal_due", "A", "K1", "bad", 300.0),
    ("uncovered_devices", "A", None, "warn", 100.0),
    ("margin_low", "A", None, "bad", 50.0),
    ("project_over_budget", "B", "NoAmount", "bad", NAN),  # empty: bad before warn
    ("utilization_low", None, "Cid", "bad", NAN),
    ("stale_opportunity", "B", "o2", "warn", NAN),
    ("utilization_high", None, "Ann", "warn", NAN),
]


def _none(v: object) -> object:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else v


def test_every_rule_fires_with_its_estimate_in_rank_order() -> None:
    df = Engine(data()).alerts(MARCH)  # type: ignore[arg-type]
    assert tuple(df.columns) == ALERT_COLUMNS
    got = [
        (r.rule, _none(r.client), _none(r.subject), r.severity, r.estimate) for r in df.itertuples()
    ]
    assert [g[:4] for g in got] == [e[:4] for e in EXPECTED]
    for g, e in zip(got, EXPECTED, strict=True):
        assert g[4] == pytest.approx(e[4], nan_ok=True), g
    assert set(df["rule"]) == set(RULES)


def test_estimates_follow_the_thresholds_and_filters() -> None:
    engine = Engine(data())  # type: ignore[arg-type]
    # a 0.25 margin threshold: the gap is (0.25 - 0.15) x 1,000 = 100
    df = engine.alerts(MARCH, {"margin_low": 0.25})
    margin = df[df["rule"] == "margin_low"]
    assert margin["estimate"].tolist() == pytest.approx([100.0])
    # under a technician filter the rules at dates (contracts, projects, deals) do not
    # run and the client KPIs of this data have no rows of Ann: her alert alone
    tech = engine.alerts(replace(MARCH, technicians=["Ann"]))
    assert tech["rule"].tolist() == ["utilization_high"] and tech["estimate"].isna().all()
    # one client: B's alerts only, with the same estimates
    b = engine.alerts(replace(MARCH, clients=["B"]))
    assert sorted(b["rule"]) == ["project_over_budget", "renewal_due", "sla_low",
                                 "stale_opportunity"]  # fmt: skip
    assert b.loc[b["rule"] == "sla_low", "estimate"].tolist() == [400.0]


def test_an_alert_list_without_alerts_has_the_estimate_column() -> None:
    df = Engine(loaded_data({})).alerts(MARCH)
    assert tuple(df.columns) == ALERT_COLUMNS and df.empty
    assert df["estimate"].dtype == float


def test_cli_alerts_writes_the_estimate_column_ranked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["alerts", str(ROOT / "sample_data")]) == 0
    out = capsys.readouterr().out
    df = pd.read_csv(pd.io.common.StringIO(out))
    assert list(df.columns) == list(ALERT_COLUMNS)
    est = df["estimate"]
    known = est[est.notna()]
    # the known estimates first, from the largest; the empty ones after
    assert known.is_monotonic_decreasing and len(known) > 5
    assert est.notna().tolist() == sorted(est.notna().tolist(), reverse=True)
    # among the empty ones: bad before warn
    empty = df[est.isna()]
    sev = (empty["severity"] == "warn").tolist()
    assert sev == sorted(sev)


def test_kpis_md_writes_each_rules_estimate_as_declared() -> None:
    # docs/KPIS.md 9: one row per rule, in rule order, with the estimate's formula and
    # why it may be empty as the declarations' texts say them (describe())
    from kpi.metrics.alert_texts import describe
    from kpi.metrics.alerts import RULES_DECLARED

    text = (ROOT / "docs" / "KPIS.md").read_text(encoding="utf-8")
    section = text[text.index("## 9.") : text.index("## 10.")]
    rows = {
        cells[0]: cells
        for line in section.splitlines()
        if line.startswith("| ")
        and len(cells := [c.strip() for c in line.strip("|").split("|")]) == 5
    }
    assert [r for r in rows if r != "rule"] == list(RULES)
    for rule in RULES_DECLARED:
        words = describe(rule)
        assert rows[rule.id][3] == (words["estimate"] or "none"), rule.id
        assert rows[rule.id][4] == words["no_estimate"], rule.id
