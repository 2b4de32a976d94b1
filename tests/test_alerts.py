"""Alert rules (docs/KPIS.md 9): each rule, its default threshold, overrides and messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from kpi.errors import UsageError
from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions, compute_alerts
from kpi.report.alerts import ALERT_COLUMNS, DEFAULT_THRESHOLDS, RULES

D = date
T = datetime
MARCH = ReportOptions(start=D(2024, 3, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31))


def alerts_of(df: pd.DataFrame, rule: str) -> pd.DataFrame:
    return df[df["rule"] == rule].reset_index(drop=True)


def surveys(client: str, satisfied: list[bool]) -> dict[str, list[object]]:
    n = len(satisfied)
    return {"responded_at": [T(2024, 3, 1 + i) for i in range(n)], "score": ["x"] * n,
            "client": [client] * n, "satisfied": list(satisfied)}  # fmt: skip


def concat(*tables: dict[str, list[object]]) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for t in tables:
        for k, v in t.items():
            out.setdefault(k, []).extend(v)
    return out


def test_columns_and_rule_order() -> None:
    df = Engine(loaded_data({})).alerts(MARCH)
    assert tuple(df.columns) == ALERT_COLUMNS and df.empty
    assert RULES[0] == "csat_low" and RULES[-1] == "utilization_low"
    assert DEFAULT_THRESHOLDS["csat_low"] == 0.90


def test_every_rule_is_a_complete_declaration() -> None:
    # a rule reads a KPI (that allows its grouping, with a comparison) or a named query;
    # its texts exist in both languages and its thresholds are the user's keys
    from kpi.metrics import get
    from kpi.metrics.alerts import ALERT_GROUPINGS, ALERT_UNITS, RULES_DECLARED
    from kpi.query.alert_queries import ALERT_QUERIES
    from kpi.texts import t

    for r in RULES_DECLARED:
        assert (r.kpi is None) != (r.query is None), r.id
        assert r.grouping in ALERT_GROUPINGS and r.unit in ALERT_UNITS
        if r.kpi is not None:
            assert r.grouping in get(r.kpi).groupings and r.comparison in ("<", ">")
        else:
            assert r.query in ALERT_QUERIES and r.comparison is None
            assert r.severity.kind != "beyond"  # it needs a comparison
        keys = [r.message, r.action]
        keys += [f"{r.id}.condition"] if r.query else []
        keys += [f"{r.min_count_key}.words"] if r.min_count_key else []
        # an estimate has its formula in words; one that may be empty, why (the margin
        # gap exists whenever the margin does)
        keys += [f"{r.id}.estimate"] if r.estimate.kind != "none" else []
        keys += [f"{r.id}.no_estimate"] if r.estimate.kind != "gap" else []
        for key in keys:
            en, es = t(f"alert.{key}", "en"), t(f"alert.{key}", "es")
            assert en and es and en != es, key
        assert r.estimate.kind in ("kpi", "gap", "query", "none")
        assert (r.estimate.kind == "query") == (r.query is not None), r.id
        if r.estimate.kind == "kpi":
            assert r.estimate.kpi is not None
            assert r.grouping in get(r.estimate.kpi).groupings
            assert get(r.estimate.kpi).money
        assert DEFAULT_THRESHOLDS[r.id] == r.threshold
        if r.min_count_key is not None:
            assert DEFAULT_THRESHOLDS[r.min_count_key] == r.min_count
    assert list(RULES) == [r.id for r in RULES_DECLARED]
    assert set(DEFAULT_THRESHOLDS) == set(RULES) | {"csat_low_min_responses",
                                                     "sla_low_min_resolved"}  # fmt: skip


def test_csat_low_needs_five_responses() -> None:
    data = loaded_data(
        {
            "surveys": concat(
                surveys("A", [True] * 4 + [False]),  # 4/5 = 0.8 with 5 responses: alert
                surveys("B", [True, False, False, False]),  # 1/4 but only 4 responses: none
                surveys("C", [True] * 9 + [False]),  # 9/10 = 0.9: not below 0.90
            )
        }
    )
    df = alerts_of(Engine(data).alerts(MARCH), "csat_low")
    assert list(df["client"]) == ["A"]
    assert df.loc[0, "value"] == 0.8 and df.loc[0, "threshold"] == 0.9
    # 0.8 < 0.9 x 0.9 = 0.81: bad
    assert df.loc[0, "severity"] == "bad"
    assert df.loc[0, "message"].startswith("A: CSAT 80% from 5 responses, below 90%.")
    assert pd.isna(df.loc[0, "subject"])
    # raising the threshold to 0.95 catches C (0.9) too, as a warning
    df2 = alerts_of(Engine(data).alerts(MARCH, {"csat_low": 0.95}), "csat_low")
    assert list(df2["client"]) == ["A", "C"] and df2.loc[1, "severity"] == "warn"


def test_sla_low() -> None:
    tickets = {
        "ticket_id": [str(i) for i in range(6)],
        "client": ["A"] * 6,
        "created_at": [T(2024, 3, 1)] * 6,
        "resolved": [T(2024, 3, 2)] * 6,
        "resolved_at": [T(2024, 3, 2)] * 6,
        "sla_met": [True, True, True, True, True, False],
    }
    # 5 / 6 = 0.833 < 0.90 with 6 resolved; 0.833 >= 0.81: warn
    df = alerts_of(Engine(loaded_data({"tickets": tickets})).alerts(MARCH), "sla_low")
    assert list(df["client"]) == ["A"] and df.loc[0, "severity"] == "warn"
    assert df.loc[0, "value"] == pytest.approx(5 / 6)


def test_margin_low_and_uncovered_devices() -> None:
    data = loaded_data(
        {
            "invoices": {"client": ["A", "B"], "date": [D(2024, 3, 5)] * 2,
                         "amount": [1000.0, 1000.0], "cost": [850.0, 100.0]},
            "time_entries": {"technician": ["Ann"], "client": ["B"], "date": [D(2024, 3, 5)],
                             "hours": [10.0]},
            "staff": {"technician": ["Ann"], "hourly_cost": [10.0]},
            "devices": {"device_id": ["d1", "d2"], "client": ["A", "A"],
                        "covered": [True, False]},
        }
    )  # fmt: skip
    df = Engine(data).alerts(MARCH)
    # A: (1000 - 850) / 1000 = 0.15 < 0.20 (0.15 < 0.18: bad); B: (1000 - 100 - 100) / 1000
    # = 0.8
    margin = alerts_of(df, "margin_low")
    assert list(margin["client"]) == ["A"] and margin.loc[0, "value"] == pytest.approx(0.15)
    assert margin.loc[0, "severity"] == "bad"
    unc = alerts_of(df, "uncovered_devices")
    assert list(unc["client"]) == ["A"] and unc.loc[0, "value"] == 1.0


def test_renewal_due_project_alerts_and_stale_opportunities() -> None:
    data = loaded_data(
        {
            "contracts": {"contract_id": ["K1", "K2", "K3"], "client": ["A", "A", "B"],
                          "start_date": [D(2023, 1, 1)] * 3,
                          "end_date": [D(2024, 4, 20), D(2024, 6, 29), D(2024, 5, 1)],
                          "amount": [10.0] * 3, "billing_months": [1] * 3,
                          "auto_renew": [None, None, True]},
            "projects": {"project_id": ["P1", "P2", "P3"], "name": ["Late", "Burn", None],
                         "client": ["A", "A", "B"], "start_date": [D(2024, 1, 1)] * 3,
                         "due_date": [D(2024, 3, 21), D(2024, 6, 30), D(2024, 6, 30)],
                         "budget_hours": [10.0, 10.0, 10.0], "actual_hours": [1.0, 12.0, 2.0],
                         "percent_complete": [0.5, 0.9, 0.5]},
            "opportunities": {"opportunity_id": ["o1", "o2"], "client": ["A", "B"],
                              "created_at": [T(2024, 1, 1), T(2024, 3, 20)],
                              "outcome": ["open", "open"]},
        }
    )  # fmt: skip
    df = Engine(data).alerts(MARCH)
    # K1 ends Apr 20: 20 days after as_of (<= 30: bad); K2 Jun 29 = as_of + 90: warn;
    # K3 auto-renews
    ren = alerts_of(df, "renewal_due")
    assert list(ren["subject"]) == ["K1", "K2"]
    assert list(ren["value"]) == [20.0, 90.0] and list(ren["severity"]) == ["bad", "warn"]
    assert "2024-04-20" in ren.loc[0, "message"]
    late = alerts_of(df, "project_late")
    # P1 due Mar 21, D = Mar 31: 10 days late
    assert list(late["subject"]) == ["Late"] and late.loc[0, "value"] == 10.0
    over = alerts_of(df, "project_over_budget")
    # P2: 12 of 10 budget hours: burn 1.2
    assert list(over["subject"]) == ["Burn"] and over.loc[0, "value"] == pytest.approx(1.2)
    stale = alerts_of(df, "stale_opportunity")
    # o1 created Jan 1 without activity: 90 days at Mar 31; o2 is recent
    assert list(stale["subject"]) == ["o1"] and stale.loc[0, "value"] == 90.0
    # a 100-day threshold silences it
    quiet = Engine(data).alerts(MARCH, {"stale_opportunity": 100})
    assert alerts_of(quiet, "stale_opportunity").empty


def test_utilisation_alerts_by_technician_not_under_a_client_filter() -> None:
    # March 2024: 21 weekdays -> 168 available hours at 40 h a week
    data = loaded_data(
        {
            "staff": {"technician": ["Ann", "Bob", "Cid"]},
            "time_entries": {"technician": ["Ann", "Bob", "Cid"], "client": ["A"] * 3,
                             "date": [D(2024, 3, 4)] * 3, "hours": [160.0, 130.0, 50.0],
                             "billable": [True, True, True]},
        }
    )  # fmt: skip
    df = Engine(data).alerts(MARCH)
    # Ann 160 / 168 = 0.952 > 0.90 (warn: below 0.99); Cid 50 / 168 = 0.298 < 0.50 (bad:
    # below 0.45); Bob 130 / 168 = 0.774: fine
    high = alerts_of(df, "utilization_high")
    assert list(high["subject"]) == ["Ann"] and high.loc[0, "severity"] == "warn"
    low = alerts_of(df, "utilization_low")
    assert list(low["subject"]) == ["Cid"] and low.loc[0, "severity"] == "bad"
    assert pd.isna(low.loc[0, "client"])
    filtered = Engine(data).alerts(replace(MARCH, clients=["A"]))
    assert alerts_of(filtered, "utilization_low").empty


def test_spanish_messages_and_unknown_thresholds() -> None:
    data = loaded_data({"surveys": surveys("A", [True] * 4 + [False])})
    es = compute_alerts(data, replace(MARCH, lang="es"))
    assert es.loc[0, "rule"] == "csat_low" and es.loc[0, "severity"] == "bad"
    assert es.loc[0, "message"].startswith("A: CSAT del 80\u00a0% con 5 respuestas")
    with pytest.raises(UsageError):
        compute_alerts(data, MARCH, {"csat_lo": 0.5})


@pytest.mark.parametrize(
    "common",
    [
        {},
        {"start": date(2026, 7, 1), "end": date(2026, 9, 30), "lang": "es"},
        {"technicians": ["__first__"]},
    ],
)
def test_one_client_alerts_from_the_cube_equal_its_filter(
    common: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # from the second client over a period, the client KPIs of the alerts are read from
    # the engine's cube of every client: for every client of the sample data, the same
    # alerts as the filter's own queries give, and the cube's rows match the queries'
    from kpi.load import LoadOptions, load_files
    from kpi.report import engine as report_engine

    root = Path(__file__).resolve().parent.parent
    engine = Engine(load_files([root / "sample_data"], LoadOptions()))
    names = engine.clients()
    if common.get("technicians") == ["__first__"]:
        common = {**common, "technicians": engine.technicians()[:1]}
    default = report_engine.CUBE_MAX_ROWS
    seen: set[str] = set()
    for client in [names[-1], *names]:  # the first one asked: no cube yet
        opts = ReportOptions(**common, clients=[client])  # type: ignore[arg-type]
        cubed = engine.alerts(opts)
        monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", 0)
        direct = engine.alerts(opts)
        monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", default)
        pd.testing.assert_frame_equal(cubed, direct, check_exact=True)
        seen |= set(direct["rule"])
    # the clients have alerts of every client rule between them (under a technician
    # filter, no margin or devices: they are not by technician)
    rules = {"csat_low", "sla_low", "margin_low", "uncovered_devices"}
    assert rules - seen == ({"sla_low", "margin_low", "uncovered_devices"} if "technicians"
                            in common else set())  # fmt: skip
    assert len(engine.results.keys("cube")) == 1
