"""The rows behind a number (issue 21): for every KPI, the rows :meth:`Engine.rows` gives
sum (or count) to the report's numerator, denominator or value for the same options, on
the sample data: all clients, one client, one period, and the groups of grouped reports
(a client, a technician, a month).

Every KPI has rows. Where a family's contributions add up several entities, the rows
are those sums' own rows: the MRR movements are per client and month (MRR at the
month's start and end), the available hours per technician and month, and the devices
KPIs per client at D when devices do not name their coverage (no ``covered`` or
``contract_id`` column: which of a client's devices its contracts cover is not known,
only how many); with it, per device (tested below on a hand-made table).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from test_kpi_devices import DEVICES, MARCH
from test_kpi_devices import engine as devices_engine

from kpi.errors import UsageError
from kpi.load import LoadOptions, load_files
from kpi.metrics import KPIS, Kpi
from kpi.report import Engine, ReportOptions, RowsResult

ROOT = Path(__file__).resolve().parent.parent
Q1_2026 = {"start": date(2026, 1, 1), "end": date(2026, 3, 31)}


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_files([ROOT / "sample_data"], LoadOptions()))


def _assert_adds_up(k: Kpi, got: RowsResult, row: pd.Series) -> None:
    """The rows' sums (a median: the median) are the report row's numbers."""
    assert got.unavailable is None, (k.id, got.unavailable)
    assert set(got.sums.values()) <= set(got.table.columns)
    for report_col, rows_col in got.sums.items():
        column = got.table[rows_col].astype(float)
        have = column.median() if k.kind == "median" else column.sum(min_count=1)
        want = float(row[report_col])
        if math.isnan(want):
            # an empty sum: no rows, or a money KPI's rows none of which has an amount
            assert column.isna().all(), (k.id, report_col, have)
        else:
            have = 0.0 if math.isnan(have) else have
            assert math.isclose(have, want, rel_tol=1e-9, abs_tol=1e-9), (k.id, report_col)


def _report_row(report: pd.DataFrame, kpi: str, **where: str | None) -> pd.Series:
    rows = report[report["kpi"] == kpi]
    for col, value in where.items():
        rows = rows[rows[col].isna()] if value is None else rows[rows[col] == value]
    assert len(rows) == 1, (kpi, where, rows)
    return rows.iloc[0]


@pytest.mark.parametrize(
    "options",
    [{}, {"clients": ["__first__"]}, Q1_2026, {**Q1_2026, "clients": ["__last__"]}],
    ids=["all-clients", "one-client", "one-period", "one-client-one-period"],
)
def test_every_kpi_rows_add_up_to_the_report(engine: Engine, options: dict[str, object]) -> None:
    clients = engine.clients()
    names = {"__first__": clients[0], "__last__": clients[-1]}
    if "clients" in options:
        options = {**options, "clients": [names[c] for c in options["clients"]]}  # type: ignore[attr-defined]
    opts = ReportOptions(**options)  # type: ignore[arg-type]
    report = engine.report(opts)
    produced = set(report["kpi"])
    checked = 0
    for k in KPIS:
        got = engine.rows(k.id, opts)
        if k.id not in produced:  # not computed for these options (no rows either)
            assert got.unavailable is not None and got.table.empty
            continue
        _assert_adds_up(k, got, _report_row(report, k.id, client=None))
        checked += 1
    assert checked == len(produced) >= 40


@pytest.mark.parametrize("by", ["client", "month", "technician"])
def test_the_rows_of_a_group_add_up_to_its_report_row(engine: Engine, by: str) -> None:
    opts = ReportOptions(**Q1_2026, by=by)  # type: ignore[arg-type]
    report = engine.report(opts)
    group_col = "technician" if by == "technician" else "client"
    for k in KPIS:
        mine = report[report["kpi"] == k.id]
        if mine.empty:
            continue
        grouped = by in k.groupings
        if by == "month":
            values = sorted(mine["period"].unique()) if grouped else [None]
            picks = [values[0], values[-1]]
        else:
            values = sorted(mine[group_col].dropna().unique()) if grouped else [None]
            picks = [values[0], values[-1]] if values else []
        for value in dict.fromkeys(picks):
            got = engine.rows(k.id, opts, {by: value} if value is not None else None)
            where: dict[str, str | None] = {group_col: None}
            if by == "month":
                where["period"] = value if grouped else opts_label(engine, opts)
            else:
                where[group_col] = value
            _assert_adds_up(k, got, _report_row(report, k.id, **where))


def opts_label(engine: Engine, opts: ReportOptions) -> str:
    return engine.period(opts).label


def test_a_group_narrows_within_the_filter(engine: Engine) -> None:
    tickets = engine.rows("tickets_opened", ReportOptions()).table
    first, second = sorted(tickets["client"].unique())[:2]
    opts = ReportOptions(clients=[first])
    assert engine.rows("tickets_opened", opts, {"client": second}).table.empty
    mine = engine.rows("tickets_opened", opts, {"client": first}).table
    assert not mine.empty and set(mine["client"]) == {first}


def test_rows_show_the_columns_that_matter(engine: Engine) -> None:
    sla = engine.rows("sla_rate", ReportOptions())
    assert sla.what == "tickets"
    assert list(sla.table.columns[:2]) == ["ticket_id", "sla_met"]
    assert list(sla.table.columns[-3:]) == ["date", "numerator", "denominator"]
    # a ticket whose SLA is not known is not behind the SLA rate
    assert sla.table["sla_met"].notna().all()
    margin = engine.rows("gross_margin", ReportOptions(lang="es"))
    assert margin.what == "líneas de factura y partes de horas"
    assert {"invoice_id", "technician", "hours", "value"} <= set(margin.table.columns)
    assert engine.rows("csat", ReportOptions()).sums == {
        "numerator": "numerator",
        "denominator": "denominator",
    }


def test_unknown_kpi_and_bad_group(engine: Engine) -> None:
    with pytest.raises(KeyError, match="unknown KPI"):
        engine.rows("sla", ReportOptions())
    with pytest.raises(UsageError, match="unknown group"):
        engine.rows("sla_rate", ReportOptions(), {"queue": "x"})
    with pytest.raises(UsageError, match="YYYY-MM"):
        engine.rows("sla_rate", ReportOptions(), {"month": "March"})
    with pytest.raises(UsageError, match="the month 2020-01 is outside the period"):
        engine.rows("backlog", ReportOptions(), {"month": "2020-01"})


def test_not_computed_under_a_filter_has_no_rows(engine: Engine) -> None:
    # docs/DETAILS.md 8: no utilisation under a client filter
    got = engine.rows("utilization", ReportOptions(clients=[engine.clients()[0]]))
    assert got.unavailable and got.table.empty


def test_device_level_rows_are_devices() -> None:
    devices = dict(DEVICES)
    devices["covered"] = [True, None, None, None, None, None, False, None, True, None, None]
    devices["contract_id"] = [None, "K1", None, None, None, "K2", None, "K3", None, None, None]
    eng = devices_engine(devices)
    report = eng.report(replace(MARCH, by="client"))
    got = eng.rows("uncovered_devices", MARCH)
    assert got.what == "devices"
    # uncovered at D: a6 (K2 ended), a7 (covered = False), b2, c1
    assert sorted(got.table["device_id"]) == ["a6", "a7", "b2", "c1"]
    for k in ("active_devices", "uncovered_devices", "device_coverage_rate", "uncovered_mrr"):
        kpi = next(x for x in KPIS if x.id == k)
        for client in ("A", "B"):
            rows = eng.rows(k, MARCH, {"client": client})
            _assert_adds_up(kpi, rows, _report_row(report, k, client=client))


def test_the_rows_are_selected_by_the_family_querys_own_parts(engine: Engine) -> None:
    """The rows' statement holds, word for word, the SELECTs the report's family query
    aggregates for the KPI (a rows-only part aside: one row per device)."""
    from kpi.query.rows import row_parts, rows_sql

    opts = ReportOptions(**Q1_2026)  # type: ignore[arg-type]
    for k in KPIS:
        ex = engine.explain(k.id, opts)
        if ex.unavailable:
            continue
        scope = engine._scope(opts, engine.period(opts), [])
        scope.kpis = [k]
        found = row_parts(engine.core, k, scope)
        built = rows_sql(engine.core, k, scope, None)
        assert found is not None and built is not None, k.id
        for part in found[1]:
            body = part.sql.removeprefix("SELECT ")
            assert body in built[0], k.id
            if not part.rows_only:
                assert body in ex.sql, k.id


def test_rows_show_each_rows_own_ids_and_status() -> None:
    """The ids and statuses a ticket's or a time entry's row shows are kept beside the
    prepared tables (kpi.query.prepared.DISPLAY) and joined back by the row's position:
    each row shows its own, as loaded."""
    data = load_files([ROOT / "sample_data"], LoadOptions())
    tickets = data.tables["tickets"].to_pandas()
    entries = data.tables["time_entries"].to_pandas()
    eng = Engine(data)
    opts = ReportOptions(**Q1_2026)  # type: ignore[arg-type]

    shown = eng.rows("tickets_opened", opts).table
    created = tickets["created_at"].dt.date
    want = tickets[(created >= Q1_2026["start"]) & (created <= Q1_2026["end"])]
    assert len(shown) == len(want) > 0
    got = sorted(zip(shown["ticket_id"], shown["status"], shown["created"], strict=True))
    assert got == sorted(
        zip(want["ticket_id"], want["status"], want["created_at"].dt.date, strict=True)
    )

    shown = eng.rows("hours_worked", opts).table
    day = pd.to_datetime(entries["date"]).dt.date
    want = entries[(day >= Q1_2026["start"]) & (day <= Q1_2026["end"])]
    assert len(shown) == len(want) > 0
    assert want["ticket_id"].notna().any() and want["project_id"].notna().any()

    def key(frame: pd.DataFrame) -> list[tuple[object, ...]]:
        cols = ["technician", "ticket_id", "project_id", "work_type", "hours"]
        return sorted(tuple(map(str, r)) for r in frame[cols].itertuples(index=False))

    assert key(shown) == key(want)
