"""Invariants over random small data sets (Hypothesis).

* selecting every client equals no filter (except the KPIs a client filter turns off);
* per-client counts and sums add up to the total, and so do the numerators and
  denominators of ratios and means;
* rates (csat and the ids ending in ``_rate``) stay in [0, 1].
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.metrics import KPI_BY_ID
from kpi.model import LoadedData, loaded_data
from kpi.report import Engine, ReportOptions

CLIENTS = ["Acme", "beta", "Çedro"]
TECHS = ["Ann", "Bob", "Cid"]
START = date(2024, 1, 1)
OPTS = ReportOptions(start=date(2024, 2, 1), end=date(2024, 5, 31), as_of=date(2024, 5, 20))
# effective_hourly_rate ends in _rate but is money per hour, not a rate
RATES = ["csat"] + [k for k, d in KPI_BY_ID.items() if k.endswith("_rate") and d.unit == "ratio"]

days = st.integers(min_value=0, max_value=170)
maybe_bool = st.sampled_from([True, False, None])


def day(n: int) -> date:
    return START + timedelta(days=n)


def ts(n: int, hour: int = 9) -> datetime:
    return datetime(2024, 1, 1, hour) + timedelta(days=n)


@st.composite
def datasets(draw: st.DrawFn) -> LoadedData:
    client = st.sampled_from(CLIENTS)
    tech = st.sampled_from(TECHS)
    n = draw(st.integers(0, 8))
    created = draw(st.lists(days, min_size=n, max_size=n))
    lag = draw(st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=n, max_size=n))
    resolved = [None if g is None else ts(c + g, 17) for c, g in zip(created, lag, strict=True)]
    tickets = {
        "ticket_id": [str(i) for i in range(n)],
        "client": draw(st.lists(client, min_size=n, max_size=n)),
        "technician": draw(st.lists(tech, min_size=n, max_size=n)),
        "created_at": [ts(c) for c in created],
        "resolved_at": resolved,
        "resolved": resolved,
        "escalated": draw(st.lists(maybe_bool, min_size=n, max_size=n)),
        "sla_met": draw(st.lists(maybe_bool, min_size=n, max_size=n)),
        "first_contact_resolution": draw(st.lists(maybe_bool, min_size=n, max_size=n)),
        "hours": draw(st.lists(st.sampled_from([None, 0.5, 2.0]), min_size=n, max_size=n)),
    }
    m = draw(st.integers(0, 6))
    surveys = {
        "responded_at": [ts(d) for d in draw(st.lists(days, min_size=m, max_size=m))],
        "score": ["x"] * m,
        "client": draw(st.lists(client, min_size=m, max_size=m)),
        "technician": draw(st.lists(tech, min_size=m, max_size=m)),
        "satisfied": draw(st.lists(maybe_bool, min_size=m, max_size=m)),
    }
    e = draw(st.integers(0, 6))
    entries = {
        "technician": draw(st.lists(tech, min_size=e, max_size=e)),
        "client": draw(st.lists(client, min_size=e, max_size=e)),
        "date": [day(d) for d in draw(st.lists(days, min_size=e, max_size=e))],
        "hours": draw(st.lists(st.sampled_from([0.25, 1.0, 7.5]), min_size=e, max_size=e)),
        "billable": draw(st.lists(st.booleans(), min_size=e, max_size=e)),
    }
    staff_names = draw(st.lists(tech, unique=True, max_size=3))
    staff = {
        "technician": staff_names,
        "hourly_cost": [None if i == 0 else 30.0 for i in range(len(staff_names))],
    }
    k = draw(st.integers(0, 5))
    starts = draw(st.lists(st.integers(-60, 150), min_size=k, max_size=k))
    lengths = draw(st.lists(st.one_of(st.none(), st.integers(0, 200)), min_size=k, max_size=k))
    contracts = {
        "contract_id": [f"K{i}" for i in range(k)],
        "client": draw(st.lists(client, min_size=k, max_size=k)),
        "start_date": [day(s) for s in starts],
        "end_date": [
            None if g is None else day(s + g) for s, g in zip(starts, lengths, strict=True)
        ],
        "amount": draw(st.lists(st.sampled_from([90.0, 120.5, 1200.0]), min_size=k, max_size=k)),
        "billing_months": draw(st.lists(st.sampled_from([1, 3, 12]), min_size=k, max_size=k)),
        "covered_devices": draw(
            st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=k, max_size=k)
        ),
        "renewed": draw(st.lists(maybe_bool, min_size=k, max_size=k)),
    }
    v = draw(st.integers(0, 6))
    devices = {
        "device_id": [f"d{i}" for i in range(v)],
        "client": draw(st.lists(client, min_size=v, max_size=v)),
        "last_seen": [
            None if d is None else ts(d)
            for d in draw(st.lists(st.one_of(st.none(), days), min_size=v, max_size=v))
        ],
    }
    i = draw(st.integers(0, 5))
    invoices = {
        "client": draw(st.lists(client, min_size=i, max_size=i)),
        "date": [day(d) for d in draw(st.lists(days, min_size=i, max_size=i))],
        "amount": draw(st.lists(st.sampled_from([10.0, 0.1, 250.25]), min_size=i, max_size=i)),
        "cost": draw(st.lists(st.sampled_from([None, 0.2, 5.0]), min_size=i, max_size=i)),
    }
    o = draw(st.integers(0, 5))
    o_created = draw(st.lists(days, min_size=o, max_size=o))
    outcomes = draw(st.lists(st.sampled_from(["won", "lost", "open"]), min_size=o, max_size=o))
    opportunities = {
        "opportunity_id": [f"o{j}" for j in range(o)],
        "client": draw(st.lists(client, min_size=o, max_size=o)),
        "created_at": [ts(c) for c in o_created],
        "outcome": outcomes,
        "closed_at": [
            None if out == "open" else ts(c + 20)
            for c, out in zip(o_created, outcomes, strict=True)
        ],
        "amount": draw(st.lists(st.sampled_from([None, 100.0, 999.99]), min_size=o, max_size=o)),
        "probability": draw(st.lists(st.sampled_from([None, 0.1, 0.75]), min_size=o, max_size=o)),
    }
    p = draw(st.integers(0, 4))
    p_start = draw(st.lists(st.integers(0, 120), min_size=p, max_size=p))
    projects = {
        "project_id": [f"P{j}" for j in range(p)],
        "client": draw(st.lists(client, min_size=p, max_size=p)),
        "start_date": [day(s) for s in p_start],
        "due_date": [
            day(s + g)
            for s, g in zip(
                p_start, draw(st.lists(st.integers(0, 90), min_size=p, max_size=p)), strict=True
            )
        ],
        "budget_hours": draw(st.lists(st.sampled_from([0.0, 10.0, 40.0]), min_size=p, max_size=p)),
        "actual_hours": draw(st.lists(st.sampled_from([0.0, 5.0, 50.0]), min_size=p, max_size=p)),
        "percent_complete": draw(
            st.lists(st.sampled_from([None, 0.3, 1.0]), min_size=p, max_size=p)
        ),
    }
    return loaded_data(
        {"tickets": tickets, "surveys": surveys, "time_entries": entries, "staff": staff,
         "contracts": contracts, "devices": devices, "invoices": invoices,
         "opportunities": opportunities, "projects": projects}
    )  # fmt: skip


def by_kpi(df: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {k: g.reset_index(drop=True) for k, g in df.groupby("kpi", sort=False)}


ADDITIVE_KINDS = ("sum", "ratio", "mean")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(datasets())
def test_invariants(data: LoadedData) -> None:
    eng = Engine(data)
    total = eng.report(OPTS)

    # 1. every client selected = no filter (a client filter turns utilisation off; with no
    # client at all the empty selection is no filter)
    all_clients = eng.report(replace(OPTS, clients=eng.clients()))
    expected = total
    if eng.clients():
        expected = total[~total["kpi"].isin(["utilization", "available_hours"])]
    pd.testing.assert_frame_equal(
        all_clients.reset_index(drop=True), expected.reset_index(drop=True)
    )

    # 2. per-client counts, sums, numerators and denominators add up to the total
    clients = by_kpi(eng.report(replace(OPTS, by="client")))
    for kpi_id, tot in by_kpi(total).items():
        k = KPI_BY_ID[kpi_id]
        if k.kind not in ADDITIVE_KINDS or "client" not in k.groupings:
            continue
        parts = clients[kpi_id]
        cols = ["numerator", "denominator"] if k.has_fraction else ["value"]
        for col in cols:
            if k.nullable and parts[col].isna().all():
                assert math.isnan(tot.loc[0, col]), kpi_id
                continue
            # money (issue 18): a total over rows none of which has a known amount is
            # empty, and so is some client's; otherwise the clients' known sums add up
            if k.known and math.isnan(tot.loc[0, col]):
                assert parts[col].isna().any(), kpi_id
                continue
            assert parts[col].sum() == pytest.approx(tot.loc[0, col], abs=1e-9), (kpi_id, col)

    # 3. rates in [0, 1] at every grouping
    monthly = eng.report(replace(OPTS, by="client,month"))
    for df in (total, monthly, *clients.values()):
        rates = df[df["kpi"].isin(RATES)]["value"].dropna()
        assert ((rates >= 0) & (rates <= 1)).all(), rates
