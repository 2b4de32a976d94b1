"""Targets and status (docs/KPIS.md "Targets and status", docs/DETAILS.md 11)."""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from pathlib import Path

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


def kpis_md_targets() -> dict[str, tuple[object, str]]:
    """KPI id -> (default target, direction) as docs/KPIS.md "Targets and status" writes
    them: ``csat >= 0.90`` (higher), ``escalation_rate <= 0.20`` (lower),
    ``utilization in [0.70, 0.85]`` (a band)."""
    text = (Path(__file__).resolve().parent.parent / "docs" / "KPIS.md").read_text("utf-8")
    section = " ".join(text.split("## Targets and status", 1)[1].split("Status:", 1)[0].split())
    found: dict[str, tuple[object, str]] = {}
    for kpi_id, op, value in re.findall(r"(\w+) (>=|<=) (\d+(?:\.\d+)?)", section):
        found[kpi_id] = (float(value), "higher" if op == ">=" else "lower")
    for kpi_id, lo, hi in re.findall(r"(\w+) in \[(\d+(?:\.\d+)?), (\d+(?:\.\d+)?)\]", section):
        found[kpi_id] = ((float(lo), float(hi)), "band")
    return found


def test_default_targets_are_those_of_kpis_md() -> None:
    expected = kpis_md_targets()
    # the ten headline KPIs have one; so may others
    assert {"csat", "utilization", "win_rate", "uncovered_devices"} <= set(expected)
    assert expected["utilization"] == ((0.70, 0.85), "band")
    assert {k.id: (k.target, k.direction) for k in KPIS if k.target is not None} == expected
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
