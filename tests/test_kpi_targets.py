"""Targets and status (KPIS.md "Targets and status", DETAILS.md 11)."""

from __future__ import annotations

import math
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from kpi.errors import UsageError
from kpi.metrics import KPI_BY_ID, KPIS
from kpi.metrics.targets import format_target, parse_target, status
from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions


def one(value: float, target: object, direction: str) -> object:
    return status(np.array([value]), target, direction)[0]  # type: ignore[arg-type]


def test_higher_is_better_inclusive_with_a_relative_warn_band() -> None:
    # csat >= 0.90: 0.90 ok (inclusive), 9/10 computed ok, 0.81 warn (0.9 - 10% x 0.9),
    # 0.8099 bad
    assert one(0.90, 0.90, "higher") == "ok"
    assert one(9 / 10, 0.90, "higher") == "ok"
    assert one(0.85, 0.90, "higher") == "warn"
    assert one(0.81, 0.90, "higher") == "warn"
    assert one(0.8099, 0.90, "higher") == "bad"


def test_lower_is_better() -> None:
    # escalation_rate <= 0.20: 0.20 ok, 0.22 warn (0.20 + 10% x 0.20), 0.2201 bad
    assert one(0.20, 0.20, "lower") == "ok"
    assert one(0.22, 0.20, "lower") == "warn"
    assert one(0.2201, 0.20, "lower") == "bad"


def test_band_target_warns_within_0_05_outside() -> None:
    band = (0.70, 0.85)
    assert one(0.70, band, "band") == "ok"
    assert one(0.85, band, "band") == "ok"
    assert one(0.65, band, "band") == "warn"  # 0.70 - 0.05, boundary included
    assert one(0.90, band, "band") == "warn"
    assert one(0.6499, band, "band") == "bad"
    assert one(0.9001, band, "band") == "bad"


def test_a_target_of_zero_never_warns() -> None:
    # uncovered_devices <= 0
    assert one(0.0, 0.0, "lower") == "ok"
    assert one(1.0, 0.0, "lower") == "bad"
    assert one(0.0001, 0.0, "lower") == "bad"


def test_empty_values_and_missing_targets_have_an_empty_status() -> None:
    assert one(math.nan, 0.9, "higher") is None
    assert one(0.5, None, "higher") is None


def test_parse_and_format_targets() -> None:
    assert parse_target(0.9) == 0.9
    assert parse_target("0.7..0.85") == (0.7, 0.85)
    assert parse_target([0.6, 0.8]) == (0.6, 0.8)
    assert format_target((0.7, 0.85)) == "0.7..0.85"
    assert format_target(0.4) == 0.4
    for bad in ("high", (0.9, 0.1), float("nan"), True):
        with pytest.raises(UsageError):
            parse_target(bad)


def test_default_targets_of_the_headline_kpis() -> None:
    expected = {
        "csat": 0.90, "fcr_rate": 0.70, "sla_rate": 0.95, "escalation_rate": 0.20,
        "utilization": (0.70, 0.85), "gross_margin_pct": 0.40, "uncovered_devices": 0.0,
        "renewal_rate": 0.90, "projects_on_track_rate": 0.80, "win_rate": 0.30,
    }  # fmt: skip
    assert {k.id: k.target for k in KPIS if k.target is not None} == expected
    assert KPI_BY_ID["escalation_rate"].direction == "lower"
    assert KPI_BY_ID["utilization"].direction == "band"


SURVEYS = {
    "responded_at": [datetime(2024, 3, d) for d in range(1, 11)],
    "score": ["x"] * 10,
    "client": ["A"] * 10,
    "satisfied": [True] * 9 + [False],
}
MARCH = ReportOptions(start=date(2024, 3, 1), end=date(2024, 3, 31), as_of=date(2024, 3, 31))


def test_report_status_and_user_targets() -> None:
    eng = Engine(loaded_data({"surveys": SURVEYS}))
    df = eng.report(MARCH)
    row = df[df["kpi"] == "csat"].iloc[0]
    # 9 / 10 = 0.9: exactly the target -> ok
    assert row["value"] == 0.9 and row["target"] == 0.9 and row["status"] == "ok"
    # csat_responses has no target: empty target and status
    resp = df[df["kpi"] == "csat_responses"].iloc[0]
    assert pd.isna(resp["target"]) and pd.isna(resp["status"])
    # a user target of 0.95: 0.9 is within 10% (>= 0.855) -> warn
    df2 = eng.report(ReportOptions(**{**MARCH.__dict__, "targets": {"csat": 0.95}}))
    row2 = df2[df2["kpi"] == "csat"].iloc[0]
    assert row2["target"] == 0.95 and row2["status"] == "warn"
    # a band 5..8 on csat_responses: 10 is more than 0.05 above it -> bad
    df3 = eng.report(ReportOptions(**{**MARCH.__dict__, "targets": {"csat_responses": "5..8"}}))
    resp3 = df3[df3["kpi"] == "csat_responses"].iloc[0]
    assert resp3["target"] == "5..8" and resp3["status"] == "bad"


def test_targets_for_unknown_kpis_are_a_usage_error() -> None:
    eng = Engine(loaded_data({"surveys": SURVEYS}))
    with pytest.raises(UsageError):
        eng.report(ReportOptions(targets={"csat_score": 0.9}))
