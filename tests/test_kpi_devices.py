"""Devices not covered (docs/KPIS.md 6): count-level and device-level coverage at D."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

from kpi_helpers import pick

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

# D = 2024-03-31; active: first seen empty or <= D, last seen empty or >= D - 30 = Mar 1,
# active not false.
#   a1 A last Mar30            active       a2 A last Mar01 (boundary)  active
#   a3 A last Feb29            inactive     a4 A active = False         inactive
#   a5 A first Apr02           inactive     a6 A no dates               active
#   a7 A last Mar15            active       a8 A first Mar31 (= D)      active
#   b1 B, b2 B no dates        active       c1 C no dates               active
# Active: A 5 (a1 a2 a6 a7 a8), B 2, C 1 = 8.
DEVICES = {
    "device_id": ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "b1", "b2", "c1"],
    "client": ["A"] * 8 + ["B", "B", "C"],
    "first_seen": [None, None, None, None, datetime(2024, 4, 2), None, None,
                   datetime(2024, 3, 31, 18), None, None, None],
    "last_seen": [datetime(2024, 3, 30), datetime(2024, 3, 1, 0, 5), datetime(2024, 2, 29, 23),
                  None, None, None, datetime(2024, 3, 15), None, None, None, None],
    "active": [None, None, None, False, None, None, None, None, None, None, None],
}  # fmt: skip
# contracts: K1 A active, 3 devices, 300/month; K2 A ended Feb 29 (10 devices);
#            K3 B active, no device count, 100/month
CONTRACTS = {
    "contract_id": ["K1", "K2", "K3"],
    "client": ["A", "A", "B"],
    "start_date": [date(2024, 1, 1), date(2023, 1, 1), date(2024, 1, 1)],
    "end_date": [None, date(2024, 2, 29), None],
    "amount": [300.0, 500.0, 100.0],
    "billing_months": [1, 1, 1],
    "covered_devices": [3, 10, None],
}
MARCH = ReportOptions(start=date(2024, 3, 1), end=date(2024, 3, 31), as_of=date(2024, 3, 31))


def engine(devices: dict[str, list[object]] | None = None, contracts: bool = True) -> Engine:
    tables: dict[str, dict[str, list[object]]] = {"devices": devices or DEVICES}
    if contracts:
        tables["contracts"] = CONTRACTS
    return Engine(loaded_data(tables))


def test_count_level_coverage() -> None:
    df = engine().report(MARCH)
    assert pick(df, "active_devices") == 8.0
    # A: capacity 3 (K1; K2 ended) -> covered min(5, 3) = 3, uncovered 2
    # B: capacity 0 (K3 has no count) -> uncovered 2; C: no contract -> uncovered 1
    assert pick(df, "uncovered_devices") == 5.0
    # covered 3 of 8 active
    assert pick(df, "device_coverage_rate", col="numerator") == 3.0
    assert pick(df, "device_coverage_rate", col="denominator") == 8.0
    assert pick(df, "device_coverage_rate") == 0.375
    # price per device: A 300 / 3 = 100 -> 2 x 100 = 200; B and C have no priced
    # contract: left out of the sum
    assert pick(df, "uncovered_mrr") == 200.0
    # target uncovered_devices <= 0: 5 is bad (a target of 0 has no warn band)
    assert df[df["kpi"] == "uncovered_devices"].iloc[0]["status"] == "bad"


def test_count_level_by_client() -> None:
    df = engine().report(replace(MARCH, by="client"))
    assert pick(df, "active_devices", "A") == 5.0
    assert pick(df, "uncovered_devices", "A") == 2.0
    assert pick(df, "uncovered_mrr", "A") == 200.0
    assert pick(df, "uncovered_devices", "B") == 2.0
    # B: no contract with covered devices: empty
    assert math.isnan(pick(df, "uncovered_mrr", "B"))
    assert math.isnan(pick(df, "uncovered_mrr", "C"))
    assert pick(df, "device_coverage_rate", "C") == 0.0


def test_uncovered_mrr_is_empty_when_no_client_has_a_price() -> None:
    df = engine().report(replace(MARCH, clients=["B", "C"]))
    assert pick(df, "uncovered_devices") == 3.0
    assert math.isnan(pick(df, "uncovered_mrr"))


def test_device_level_coverage() -> None:
    devices = dict(DEVICES)
    # a1 covered flag; a2 contract K1 (active); a6 contract K2 (ended Feb 29: not covered);
    # a7 covered = False; a8 contract K3 (B's, active: any active contract id covers);
    # b1 covered flag
    devices["covered"] = [True, None, None, None, None, None, False, None, True, None, None]
    devices["contract_id"] = [None, "K1", None, None, None, "K2", None, "K3", None, None, None]
    df = engine(devices).report(MARCH)
    # A covered a1 a2 a8 = 3 of 5; B b1 = 1 of 2; C 0 of 1 -> covered 4 of 8
    assert pick(df, "active_devices") == 8.0
    assert pick(df, "uncovered_devices") == 4.0
    assert pick(df, "device_coverage_rate") == 0.5
    # A: 2 uncovered x 100 = 200; B (1 uncovered) has no price; C none
    assert pick(df, "uncovered_mrr") == 200.0


def test_device_level_with_only_the_covered_flag_and_no_contracts() -> None:
    devices = dict(DEVICES)
    devices["covered"] = [True, True, None, None, None, None, None, None, None, None, None]
    eng = engine(devices, contracts=False)
    df = eng.report(MARCH)
    # covered a1 a2 -> 6 of 8 uncovered
    assert pick(df, "uncovered_devices") == 6.0
    assert eng.availability()["uncovered_mrr"] == "load contracts with column covered_devices"
    assert "uncovered_mrr" not in set(df["kpi"])


def test_devices_without_coverage_inputs() -> None:
    eng = engine(contracts=False)
    assert eng.availability()["active_devices"] is None
    assert eng.availability()["uncovered_devices"] == (
        "map columns covered or contract_id of devices or load contracts with column "
        "covered_devices"
    )
    assert set(eng.report(MARCH)["kpi"]) == {"active_devices"}


def test_devices_by_month() -> None:
    opts = ReportOptions(start=date(2024, 2, 1), end=date(2024, 3, 31), as_of=date(2024, 3, 31),
                         by="month")  # fmt: skip
    df = engine().report(opts)
    # D = Feb 29, seen since Jan 30: a1 (last Mar 30 >= Jan 30), a2, a3 (Feb 29), a6, a7,
    # b1, b2, c1 = 8 (a4 inactive, a5 and a8 not yet seen)
    assert pick(df, "active_devices", period="2024-02") == 8.0
    # Feb 29: K1 (3) and K2 (10, ends Feb 29 = D) active: A capacity 13 -> A covered 5;
    # B 2 and C 1 uncovered
    assert pick(df, "uncovered_devices", period="2024-02") == 3.0
    assert pick(df, "uncovered_devices", period="2024-03") == 5.0
