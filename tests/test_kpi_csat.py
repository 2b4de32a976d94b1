"""CSAT (docs/KPIS.md 2): satisfied / responses by responded_at.

Ingestion decides ``satisfied`` per response (scale, labels); these tests give it as the
derived column does, and check the engine's counting.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
from kpi_helpers import pick

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

# responses (client, technician, responded_at, satisfied):
#   s1 A Ann 2024-03-02 T     s2 A Ann 2024-03-09 T    s3 A Bob 2024-03-20 F
#   s4 A Bob 2024-03-21 None  ("offered": not a response)
#   s5 B Ann 2024-02-10 T     s6 B Bob 2024-04-01 F   (after the period)
#   s7 B Bob 2024-03-31 23:59 T   (last minute of the period)
SURVEYS = {
    "survey_id": [f"s{i}" for i in range(1, 8)],
    "client": ["A", "A", "A", "A", "B", "B", "B"],
    "technician": ["Ann", "Ann", "Bob", "Bob", "Ann", "Bob", "Bob"],
    "responded_at": [datetime(2024, 3, 2, 10), datetime(2024, 3, 9), datetime(2024, 3, 20),
                     datetime(2024, 3, 21), datetime(2024, 2, 10), datetime(2024, 4, 1),
                     datetime(2024, 3, 31, 23, 59)],
    "score": ["5", "4", "2", "offered", "10", "3", "good"],
    "satisfied": [True, True, False, None, True, False, True],
}  # fmt: skip
FEB_MAR = ReportOptions(start=date(2024, 2, 1), end=date(2024, 3, 31), as_of=date(2024, 3, 31))


def engine() -> Engine:
    return Engine(loaded_data({"surveys": SURVEYS}))


def test_csat_total() -> None:
    df = engine().report(FEB_MAR)
    # responses Feb 1..Mar 31: s1 s2 s3 s5 s7 = 5 (s4 offered, s6 in April);
    # satisfied s1 s2 s5 s7 = 4 -> 4 / 5 = 0.8
    assert pick(df, "csat", col="numerator") == 4.0
    assert pick(df, "csat", col="denominator") == 5.0
    assert pick(df, "csat") == 0.8
    assert pick(df, "csat_responses") == 5.0
    # 0.8 < 0.9 - 10% (0.81): bad
    assert df[df["kpi"] == "csat"].iloc[0]["status"] == "bad"


def test_csat_by_client_and_technician() -> None:
    by_client = engine().report(ReportOptions(**{**FEB_MAR.__dict__, "by": "client"}))
    # A: s1 T, s2 T, s3 F -> 2/3; B: s5 T, s7 T -> 2/2
    assert pick(by_client, "csat", "A") == 2 / 3
    assert pick(by_client, "csat", "B") == 1.0
    assert pick(by_client, "csat_responses", "A") == 3.0
    by_tech = engine().report(ReportOptions(**{**FEB_MAR.__dict__, "by": "technician"}))
    # Ann: s1 s2 s5 all satisfied -> 3/3; Bob: s3 F, s7 T -> 1/2
    assert pick(by_tech, "csat", "Ann") == 1.0
    assert pick(by_tech, "csat", "Bob") == 0.5


def test_csat_by_month() -> None:
    df = engine().report(ReportOptions(**{**FEB_MAR.__dict__, "by": "month"}))
    # Feb: s5 -> 1/1; Mar: s1 s2 s3 s7 -> 3/4 = 0.75
    assert pick(df, "csat", period="2024-02") == 1.0
    assert pick(df, "csat", period="2024-03") == 0.75
    assert pick(df, "csat_responses", period="2024-03") == 4.0


def test_csat_empty_period_gives_an_empty_ratio_and_zero_responses() -> None:
    opts = ReportOptions(start=date(2023, 1, 1), end=date(2023, 1, 31), as_of=date(2024, 3, 31))
    df = engine().report(opts)
    # no response in January 2023: responses 0, csat 0 / 0 = empty, status empty
    assert pick(df, "csat_responses") == 0.0
    assert math.isnan(pick(df, "csat"))
    assert pick(df, "csat", col="denominator") == 0.0
    assert pd.isna(df[df["kpi"] == "csat"].iloc[0]["status"])


def test_offered_only_rows_are_not_responses() -> None:
    data = loaded_data(
        {
            "surveys": {
                "responded_at": [datetime(2024, 3, 5)] * 2,
                "score": ["offered"] * 2,
                "client": ["C", "C"],
                "satisfied": [None, None],
            }
        }
    )
    df = Engine(data).report(FEB_MAR)
    # two "offered" rows: 0 responses, csat empty
    assert pick(df, "csat_responses") == 0.0
    assert math.isnan(pick(df, "csat"))
