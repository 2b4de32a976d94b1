"""The breakdowns the client report adds to the engine, on small hand-checked tables:
tickets by category and priority, the contracts active at D, the uncovered devices by
name; and a review of data with devices and contracts only."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, datetime

import pypdf
from kpi_helpers import pick
from test_kpi_devices import CONTRACTS, DEVICES, MARCH

from kpi.model import loaded_data
from kpi.present.client_report import render_pdf
from kpi.present.review import client_review
from kpi.report import Engine
from ui.report_charts import chart_svgs

# tickets created in March 2024 (t5 in February: out of the period):
#   t1 A network P1, t2 A network P2, t3 A (no category) P2, t4 B email P3
TICKETS = {
    "ticket_id": ["t1", "t2", "t3", "t4", "t5"],
    "client": ["A", "A", "A", "B", "A"],
    "created_at": [datetime(2024, 3, 1, 9), datetime(2024, 3, 5, 9), datetime(2024, 3, 30, 9),
                   datetime(2024, 3, 12, 9), datetime(2024, 2, 20, 9)],
    "status": ["New"] * 5,
    "category": ["network", "network", None, "email", "email"],
    "priority": ["P1", "P2", "P2", "P3", "P1"],
}  # fmt: skip


def _device_level() -> dict[str, list[object]]:
    """test_kpi_devices' devices naming their coverage: uncovered at D a6 (its contract
    K2 ended Feb 29), a7 (covered = False), b2, c1."""
    devices = {k: list(v) for k, v in DEVICES.items()}
    devices["covered"] = [True, None, None, None, None, None, False, None, True, None, None]
    devices["contract_id"] = [None, "K1", None, None, None, "K2", None, "K3", None, None, None]
    devices["hostname"] = [f"host-{d}" for d in devices["device_id"]]
    devices["device_type"] = ["Laptop"] * len(devices["device_id"])
    return devices


def test_tickets_by_category_and_priority_add_up_to_the_tickets_opened() -> None:
    eng = Engine(loaded_data({"tickets": TICKETS}))
    cats = eng.tickets_by(MARCH, "category")
    # most tickets first; a ticket without a category last (empty)
    assert list(cats["grp"][:2]) == ["network", "email"] and cats["grp"].isna().iloc[2]
    assert list(cats["n"]) == [2, 1, 1]
    prio = eng.tickets_by(replace(MARCH, clients=["A"]), "priority")
    assert list(zip(prio["grp"], prio["n"], strict=True)) == [("P2", 2), ("P1", 1)]
    assert prio["n"].sum() == pick(eng.report(replace(MARCH, clients=["A"])), "tickets_opened")
    assert eng.tickets_by(MARCH, "queue").empty  # not a column it groups by


def test_the_contracts_active_at_d_make_the_mrr() -> None:
    eng = Engine(loaded_data({"contracts": CONTRACTS}))
    df = eng.active_contracts(MARCH)
    # K2 ended Feb 29; K1 and K3 have no end: no days left
    assert list(df["contract_id"]) == ["K1", "K3"]
    assert df["days"].isna().all()
    assert df["mrr"].sum() == pick(eng.report(MARCH), "mrr") == 400.0
    ended = {**CONTRACTS, "end_date": [date(2024, 6, 30), date(2024, 2, 29), None]}
    df = Engine(loaded_data({"contracts": ended})).active_contracts(replace(MARCH, clients=["A"]))
    assert list(zip(df["contract_id"], df["days"], strict=True)) == [("K1", 91)]  # Mar 31 -> Jun 30


def test_the_uncovered_devices_are_listed_by_name() -> None:
    eng = Engine(loaded_data({"devices": _device_level(), "contracts": CONTRACTS}))
    every = eng.uncovered_device_list(MARCH)
    assert sorted(every["device_id"]) == ["a6", "a7", "b2", "c1"]
    assert len(every) == pick(eng.report(MARCH), "uncovered_devices")
    mine = eng.uncovered_device_list(replace(MARCH, clients=["A"]))
    assert list(mine["hostname"]) == ["host-a6", "host-a7"]
    # devices that do not name their coverage: the count is known, not which ones
    counted = Engine(loaded_data({"devices": DEVICES, "contracts": CONTRACTS}))
    assert counted.uncovered_device_list(MARCH).empty


def test_a_review_of_devices_and_contracts_only_lists_the_uncovered_by_name() -> None:
    eng = Engine(loaded_data({"devices": _device_level(), "contracts": CONTRACTS}))
    review = client_review(eng, "A", start=MARCH.start, end=MARCH.end, as_of=MARCH.as_of)
    pages = pypdf.PdfReader(io.BytesIO(render_pdf(review, chart_svgs(review)))).pages
    text = " ".join(p.extract_text() for p in pages)
    assert "host-a6" in text and "host-a7" in text
    assert "host-b2" not in text and "host-c1" not in text
    # A: 5 active, 3 covered (a1 a2 a8), 2 not
    assert "5 active devices at the end of the period: 3 covered by the contract, 2 not" in (
        " ".join(text.split())
    )
    assert "K1" in text and "K3" not in text  # B's contract is not A's
