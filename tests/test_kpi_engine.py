"""The engine as a whole: declarations, output shape, filters, groupings, explain."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from kpi_helpers import explained_rows, report_rows

from kpi.errors import UsageError
from kpi.metrics import KPIS, UNITS
from kpi.model import LoadedData, loaded_data
from kpi.query import parse_by
from kpi.report import REPORT_COLUMNS, Engine, ReportOptions
from kpi.texts import LANGS

DOCS = Path(__file__).resolve().parent.parent / "docs"


def kpis_md_ids() -> list[str]:
    """Every KPI id of docs/KPIS.md, in its order: the first cell of each two-column table
    row (``| mrr @ | ... |``, ``| projects_late @, projects_over_budget @ | ... |``); the
    alert rules' table has three."""
    row = re.compile(r"^\| ((?:[a-z_]+(?: @)?)(?:, [a-z_]+(?: @)?)*) \| [^|]+ \|$", re.M)
    text = (DOCS / "KPIS.md").read_text(encoding="utf-8")
    ids = [i.strip().removesuffix(" @") for m in row.finditer(text) for i in m[1].split(",")]
    return [i for i in ids if i != "id"]


def ratio_ids() -> set[str]:
    """The KPIs of unit ratio, as docs/DETAILS.md 6 lists them."""
    text = (DOCS / "DETAILS.md").read_text(encoding="utf-8")
    found = re.search(r"^6\. \*\*Units\*\*: ratio for ([^;]+);", text, re.M)
    assert found, "docs/DETAILS.md 6 lists the ratio KPIs"
    return {i.strip() for i in found[1].split(",")}


# Every id of docs/KPIS.md, in its order, and the ratios of docs/DETAILS.md 6.
KPIS_MD_IDS = kpis_md_ids()
RATIO_UNITS = ratio_ids()

D = date
T = datetime


def full_data(**kw: object) -> LoadedData:
    """One small row set of every dataset."""
    return loaded_data(
        {
            "tickets": {
                "ticket_id": ["1", "2", "3"],
                "client": ["ACME, S.L.", "Beta", None],
                "technician": ["Ann", "Bob", None],
                "created_at": [T(2024, 3, 1, 9), T(2024, 3, 2), T(2024, 3, 3)],
                "resolved_at": [T(2024, 3, 1, 11), None, T(2024, 3, 4)],
                "resolved": [T(2024, 3, 1, 11), None, T(2024, 3, 4)],
                "first_response_at": [T(2024, 3, 1, 10), None, None],
                "escalated": [False, True, None],
                "sla_met": [True, None, False],
                "reopen_count": [0, None, 1],
                "hours": [1.0, 2.0, None],
            },
            "surveys": {"responded_at": [T(2024, 3, 5)], "score": ["5"], "client": ["Beta"],
                        "technician": ["Bob"], "satisfied": [True]},
            "time_entries": {"technician": ["Ann", "Bob"], "client": ["ACME, S.L.", "Beta"],
                             "date": [D(2024, 3, 4), D(2024, 3, 5)], "hours": [6.0, 2.0],
                             "billable": [True, False], "project_id": ["P1", None]},
            "staff": {"technician": ["Ann", "Bob"], "hourly_cost": [40.0, 30.0]},
            "contracts": {"contract_id": ["K1", "K2"], "client": ["ACME, S.L.", "Beta"],
                          "start_date": [D(2023, 1, 1), D(2024, 1, 1)],
                          "end_date": [D(2024, 3, 15), None], "amount": [300.0, 1200.0],
                          "billing_months": [1, 12], "covered_devices": [2, 5]},
            "devices": {"device_id": ["d1", "d2", "d3"], "client": ["ACME, S.L.", "Beta", "Beta"]},
            "projects": {"project_id": ["P1"], "client": ["ACME, S.L."],
                         "start_date": [D(2024, 3, 1)], "due_date": [D(2024, 4, 30)],
                         "budget_hours": [20.0], "percent_complete": [0.1]},
            "invoices": {"client": ["Beta"], "date": [D(2024, 3, 10)], "amount": [500.0],
                         "cost": [100.0]},
            "opportunities": {"opportunity_id": ["o1", "o2"], "client": ["Beta", "Gamma"],
                              "created_at": [T(2024, 2, 1), T(2024, 3, 1)],
                              "outcome": ["won", "open"], "closed_at": [T(2024, 3, 20), None],
                              "amount": [1000.0, 200.0], "probability": [None, 0.5]},
        },
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


MARCH = ReportOptions(start=D(2024, 3, 1), end=D(2024, 3, 31), as_of=D(2024, 3, 31))


def test_every_kpi_of_kpis_md_is_declared_in_order_with_its_unit() -> None:
    assert len(KPIS_MD_IDS) > 50 and {"csat", "win_rate"} <= RATIO_UNITS  # the docs are read
    assert [k.id for k in KPIS] == KPIS_MD_IDS
    for k in KPIS:
        assert k.unit in UNITS
        assert (k.unit == "ratio") == (k.id in RATIO_UNITS), k.id
        assert all(k.label(lang) and k.description(lang) for lang in LANGS), k.id
        assert k.direction in ("higher", "lower", "band")
        assert k.kind in ("sum", "ratio", "mean", "median")
        assert (k.denominator is not None) == (k.kind in ("ratio", "mean")), k.id
    money = {k.id for k in KPIS if k.unit == "currency"}
    assert "effective_hourly_rate" in money and "uncovered_mrr" in money


def test_full_data_produces_every_kpi_with_the_cli_columns() -> None:
    eng = Engine(full_data())
    assert all(v is None for v in eng.availability().values()), eng.availability()
    df = eng.report(MARCH)
    assert tuple(df.columns) == REPORT_COLUMNS
    # one total row per KPI, in declaration order
    assert list(df["kpi"]) == KPIS_MD_IDS
    assert set(df["period"]) == {"2024-03-01..2024-03-31"}
    assert df["client"].isna().all()
    units = dict(zip(df["kpi"], df["unit"], strict=True))
    assert units["mrr"] == "currency" and units["backlog"] == "count"
    assert units["avg_sales_cycle_days"] == "days" and units["hours_worked"] == "hours"


def test_uncompressed_tables_report_the_same() -> None:
    # issue 23: the command line skips compressing the prepared tables for its one report;
    # the numbers are the same, and so are those after a change of money options
    data = full_data()
    opts = replace(MARCH, by="client,month")
    kept, one_shot = Engine(data), Engine(data, compress=False)
    pd.testing.assert_frame_equal(kept.report(opts), one_shot.report(opts))
    for eng in (kept, one_shot):
        eng.set_money(None)
    pd.testing.assert_frame_equal(kept.report(opts), one_shot.report(opts))


def test_every_kpi_appears_even_when_nothing_happened() -> None:
    # docs/DETAILS.md 4: a filter that matches nothing still gives each KPI its total row
    df = Engine(full_data()).report(replace(MARCH, clients=["Nobody"]))
    # (no utilisation/available hours under a client filter, docs/DETAILS.md 8)
    expected = [k for k in KPIS_MD_IDS if k not in ("available_hours", "utilization")]
    assert list(df["kpi"]) == expected
    sums = df[df["unit"].isin(["count", "currency", "hours"]) & ~df["kpi"].isin(
        ["uncovered_mrr", "median_resolution_hours", "mean_resolution_hours",
         "mean_first_response_hours", "effective_hourly_rate"])]  # fmt: skip
    assert (sums["value"] == 0).all(), sums
    assert df[df["unit"] == "ratio"]["value"].isna().all()
    assert any("Nobody" in n for n in df.attrs["notes"])


def test_nothing_loaded() -> None:
    eng = Engine(LoadedData())
    assert eng.availability()["mrr"] == "load contracts"
    assert eng.availability()["revenue"] == "load invoices or contracts"
    df = eng.report(ReportOptions())
    assert df.empty and tuple(df.columns) == REPORT_COLUMNS


def test_client_filter_matches_normalised_names_and_binds_values() -> None:
    eng = Engine(full_data())
    df = eng.report(replace(MARCH, clients=["acme sl"]))
    # ACME, S.L. = acme sl: its ticket 1 only
    assert df[df["kpi"] == "tickets_opened"].iloc[0]["value"] == 1.0
    # a name that looks like SQL is just a value
    nasty = "x'); DROP TABLE tickets_p; --"
    df2 = eng.report(replace(MARCH, clients=[nasty]))
    assert df2[df2["kpi"] == "tickets_opened"].iloc[0]["value"] == 0.0
    assert eng.report(MARCH)[lambda d: d["kpi"] == "tickets_opened"].iloc[0]["value"] == 3.0


def test_a_filter_change_runs_the_parsed_statements_with_its_own_values(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kpi.report import engine as report_engine

    monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", 0)  # the filter's own queries
    eng = Engine(full_data())
    acme = eng.report(replace(MARCH, clients=["ACME, S.L."]))
    parsed = dict(eng.core._parsed)
    assert parsed  # one statement per family asked
    beta = eng.report(replace(MARCH, clients=["Beta"]))
    # the same statements (not parsed again), bound to the other client
    assert eng.core._parsed.keys() == parsed.keys()
    assert all(eng.core._parsed[k] is v for k, v in parsed.items())

    def opened(df: pd.DataFrame) -> float:
        return float(df[df["kpi"] == "tickets_opened"].iloc[0]["value"])

    assert (opened(acme), opened(beta)) == (1.0, 1.0)
    assert beta.equals(Engine(full_data()).report(replace(MARCH, clients=["Beta"])))
    assert acme.equals(Engine(full_data()).report(replace(MARCH, clients=["ACME, S.L."])))
    assert not acme.equals(beta)


def test_every_client_read_from_the_cube_equals_its_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the second client asked over a period computes every client's cube: the rows of
    # each client, "(none)" too, are those its filter's queries give
    from kpi.report import engine as report_engine

    eng = Engine(full_data())
    names = eng.clients()
    default = report_engine.CUBE_MAX_ROWS
    assert "(none)" in names and len(names) == 4
    for order in (names, names[::-1]):
        eng.results.clear()
        for name in order:
            many = [replace(MARCH, clients=[name], by=by) for by in ("total", "month", "client")]
            many[0].compare = many[2].compare = "previous"
            cubed = eng.reports(many)
            # and the rows before the report's formatting, types included
            scope = eng._scope(many[0], eng.period(many[0]), [])
            scope.kpis = eng._produced(many[0], scope)
            scope.dims, scope.also = ("month",), ((), ("client",))
            cubed_rows = eng._rows(scope)
            monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", 0)
            direct = Engine(full_data()).reports(many)
            direct_rows = eng._rows(scope)
            monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", default)
            for got, want in zip(cubed, direct, strict=True):
                pd.testing.assert_frame_equal(got, want, check_exact=True)
                assert got.attrs == want.attrs
            pd.testing.assert_frame_equal(
                cubed_rows.sort_values(["by_i", "kpi_i"], kind="stable", ignore_index=True),
                direct_rows.sort_values(["by_i", "kpi_i"], kind="stable", ignore_index=True),
                check_exact=True,
            )
        assert len(eng.results.keys("cube")) == 2  # the period's and the previous one's


def test_missing_client_is_the_none_client() -> None:
    eng = Engine(full_data())
    df = eng.report(replace(MARCH, by="client"))
    rows = df[df["kpi"] == "tickets_opened"]
    assert list(rows["client"]) == ["(none)", "ACME, S.L.", "Beta"]
    only_none = eng.report(replace(MARCH, clients=["(none)"]))
    assert only_none[only_none["kpi"] == "tickets_opened"].iloc[0]["value"] == 1.0


def test_row_order_is_declaration_then_name_then_month() -> None:
    data = loaded_data(
        {
            "invoices": {
                "client": ["zeta", "Álvarez", "beta", "Beta"],
                "date": [D(2024, 3, 1), D(2024, 2, 1), D(2024, 3, 2), D(2024, 2, 2)],
                "amount": [1.0, 2.0, 3.0, 4.0],
            }
        }
    )
    df = Engine(data).report(
        ReportOptions(start=D(2024, 2, 1), end=D(2024, 3, 31), by="client,month")
    )
    rows = df[df["kpi"] == "revenue"]
    # case- and accent-insensitive names, then month
    assert list(zip(rows["client"], rows["period"], strict=True)) == [
        ("Álvarez", "2024-02"), ("Beta", "2024-02"), ("beta", "2024-03"), ("zeta", "2024-03"),
    ]  # fmt: skip
    assert set(df["kpi"]) == {"revenue"}  # no cost column: no direct_cost


def test_groupings_fall_back_to_what_a_kpi_allows() -> None:
    eng = Engine(full_data())
    by_tech = eng.report(replace(MARCH, by="technician,month"))
    assert "technician" in by_tech.columns and "client" not in by_tech.columns
    # MRR has no technician: by month only
    mrr = by_tech[by_tech["kpi"] == "mrr"]
    assert mrr["technician"].isna().all() and list(mrr["period"]) == ["2024-03"]
    # tickets by technician and month; the unassigned ticket is "(none)"
    opened = by_tech[by_tech["kpi"] == "tickets_opened"]
    assert list(opened["technician"]) == ["(none)", "Ann", "Bob"]
    # project and upcoming-renewal KPIs are by client only: a total row here
    proj = by_tech[by_tech["kpi"] == "projects_active"]
    assert len(proj) == 1 and proj.iloc[0]["period"] == "2024-03-01..2024-03-31"
    by_client_month = eng.report(replace(MARCH, by="client,month"))
    up = by_client_month[by_client_month["kpi"] == "renewals_upcoming"]
    assert up["period"].eq("2024-03-01..2024-03-31").all()
    util = by_client_month[by_client_month["kpi"] == "utilization"]
    assert util["client"].isna().all() and list(util["period"]) == ["2024-03"]


def test_unknown_grouping() -> None:
    assert parse_by("month,client") == ("client", "month")
    assert parse_by("total") == ()
    for bad in ("week", "client,technician", "client,week"):
        with pytest.raises(UsageError):
            parse_by(bad)


def test_spanish_changes_no_machine_value() -> None:
    eng = Engine(full_data())
    en = eng.report(MARCH)
    es = eng.report(replace(MARCH, lang="es"))
    pd.testing.assert_frame_equal(en, es)
    assert eng.availability(lang="es")["mrr"] is None
    assert Engine(LoadedData()).availability(lang="es")["mrr"] == "cargar contratos"


def test_explain_returns_sql_params_and_inputs() -> None:
    eng = Engine(full_data())
    opts = replace(MARCH, clients=["acme"], by="client")
    ex = eng.explain("sla_rate", opts)
    assert ex.kpi == "sla_rate" and ex.unit == "ratio"
    assert "sla_met" in ex.formula and ex.numerator == "met the SLA"
    assert ex.grouping == ["client"]
    # values are bound parameters, never in the SQL text
    assert "$clients" in ex.sql and "ACME" not in ex.sql
    assert ex.params["clients"] == ["ACME, S.L."]
    assert ex.params["start"] == D(2024, 3, 1)
    assert "tickets.sla_met" in ex.inputs and "tickets.closed_at" in ex.missing_inputs
    # the SQL runs and gives the report's numbers in the columns it names
    assert ex.numerator_column is not None and ex.numerator_column.startswith("n")
    assert ex.denominator_column == "d" + ex.numerator_column[1:]  # n3 / d3
    result = eng.core.query(ex.sql, ex.params)
    assert {"sel_i", "mday", "pos", ex.numerator_column, ex.denominator_column} <= set(result)
    report = eng.report(opts)
    explained = explained_rows(eng, ex)
    pd.testing.assert_frame_equal(explained, report_rows(report, "sla_rate"), check_exact=True)
    # ACME's ticket 1 met its SLA: 1 / 1
    assert explained[["grp", "value", "numerator", "denominator"]].values.tolist() == [
        ["ACME, S.L.", 1.0, 1.0, 1.0]
    ]
    es = eng.explain("sla_rate", replace(MARCH, lang="es"))
    assert es.label == "SLA cumplido" and es.numerator == "cumplieron el SLA"


def test_explain_unavailable_kpis_say_why() -> None:
    eng = Engine(full_data())
    ex = eng.explain("utilization", replace(MARCH, clients=["Beta"]))
    assert ex.sql == "" and ex.unavailable == "not computed under a client filter"
    bare = Engine(loaded_data({"tickets": {"ticket_id": ["1"], "created_at": [T(2024, 1, 1)]}}))
    ex2 = bare.explain("mrr", MARCH)
    assert ex2.unavailable == "load contracts" and ex2.missing_inputs
    with pytest.raises(KeyError):
        eng.explain("nope", MARCH)


def test_durations_are_measured_on_absolute_time() -> None:
    # Madrid springs forward on 2024-03-31 at 02:00: 01:30 -> 03:30 local is one hour
    tickets = {
        "ticket_id": ["1"],
        "created_at": [T(2024, 3, 31, 1, 30)],
        "resolved": [T(2024, 3, 31, 3, 30)],
        "resolved_at": [T(2024, 3, 31, 3, 30)],
    }
    madrid = Engine(loaded_data({"tickets": tickets}, tz="Europe/Madrid")).report(MARCH)
    utc = Engine(loaded_data({"tickets": tickets})).report(MARCH)
    assert madrid[madrid["kpi"] == "mean_resolution_hours"].iloc[0]["value"] == 1.0
    assert utc[utc["kpi"] == "mean_resolution_hours"].iloc[0]["value"] == 2.0


def test_resolution_before_creation_is_no_resolution() -> None:
    # docs/DETAILS.md 13 (ingestion drops it; the engine does not trust it either)
    tickets = {"ticket_id": ["1"], "created_at": [T(2024, 3, 5)],
               "resolved": [T(2024, 3, 4)], "resolved_at": [T(2024, 3, 4)]}  # fmt: skip
    df = Engine(loaded_data({"tickets": tickets})).report(MARCH)
    assert df[df["kpi"] == "tickets_resolved"].iloc[0]["value"] == 0.0
    assert df[df["kpi"] == "backlog"].iloc[0]["value"] == 1.0
    assert math.isnan(df[df["kpi"] == "mean_resolution_hours"].iloc[0]["value"])


def test_one_engine_serialises_concurrent_queries() -> None:
    # Streamlit may start a new run while a stopped one is still inside DuckDB; the
    # engine must queue the second query, not fail with "connection is busy".
    from concurrent.futures import ThreadPoolExecutor
    from datetime import date, datetime

    from kpi.model import loaded_data
    from kpi.report import Engine, ReportOptions

    n = 2_000
    created = [datetime(2024, 1, 1 + i % 28, 9) for i in range(n)]
    data = loaded_data(
        {
            "tickets": {
                "ticket_id": [str(i) for i in range(n)],
                "client": [f"C{i % 50}" for i in range(n)],
                "created_at": created,
                "resolved_at": created,
                "resolved": created,
                "escalated": [i % 3 == 0 for i in range(n)],
            }
        },
        as_of=date(2024, 1, 31),
    )
    engine = Engine(data)
    opts = ReportOptions(by="client", start=date(2024, 1, 1), end=date(2024, 1, 31))
    expected = engine.report(opts)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: engine.report(opts), range(8)))
    for df in results:
        assert df.equals(expected)


def test_the_engine_keeps_schemas_and_counts_not_rows() -> None:
    # the rows live in the engine's database: engine.data is the input without them,
    # so that a session holds one copy; the input itself is not touched
    from kpi.model import loaded_data
    from kpi.report import Engine, ReportOptions

    data = loaded_data(
        {
            "tickets": {
                "ticket_id": ["1", "2"],
                "client": ["Acme", "Beta"],
                "created_at": [datetime(2024, 1, 2, 9), datetime(2024, 1, 3, 9)],
                "priority": ["P1", None],
            }
        },
        as_of=date(2024, 1, 31),
    )
    engine = Engine(data)
    assert data.tables["tickets"].num_rows == 2
    kept = engine.data
    assert kept is not data and kept.tables["tickets"].num_rows == 0
    assert kept.tables["tickets"].schema == data.tables["tickets"].schema
    assert kept.rows("tickets") == 2 and kept.rows("surveys") == 0
    assert kept.has("tickets", "priority") and not kept.has("tickets", "queue")
    assert kept.as_of == date(2024, 1, 31)
    del data
    report = engine.report(ReportOptions(kpis=["tickets_opened"], by="client"))
    assert report.set_index("client")["value"].to_dict() == {"Acme": 1.0, "Beta": 1.0}


def test_the_prepared_tables_are_compressed_in_memory() -> None:
    # the engine's tables live in a compressed in-memory database (no file): names are
    # stored as dictionaries, and every cursor a query runs on sees the same tables
    from pathlib import Path

    from kpi.load import LoadOptions, load_files

    root = Path(__file__).resolve().parent.parent
    engine = Engine(load_files([root / "sample_data"], LoadOptions()))
    con = engine.core.con
    dbs = dict(con.sql("SELECT database_name, path FROM duckdb_databases()").fetchall())
    assert "kpidb" in dbs and dbs["kpidb"] is None  # no file behind it
    tables = {r[0] for r in con.sql(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = 'kpidb'"
    ).fetchall()}  # fmt: skip
    assert {"tickets_p", "time_p", "invoices_p", "grp_order"} <= tables
    methods = {r[0] for r in con.sql(
        "SELECT compression FROM pragma_storage_info('tickets_p') WHERE column_name = 'client'"
    ).fetchall()}  # fmt: skip
    assert methods and "Uncompressed" not in methods
    tickets = con.sql("SELECT count(*) FROM tickets_p").fetchall()[0][0]
    assert engine.core.query("SELECT count(*) AS n FROM tickets_p", {})["n"][0] == tickets > 0


def test_every_group_of_a_report_has_its_place_in_the_name_order() -> None:
    # reports are sorted by a name's position in grp_order (built from every prepared
    # table): a group missing there would be sorted as if it had no name
    from pathlib import Path

    from kpi.load import LoadOptions, load_files

    root = Path(__file__).resolve().parent.parent
    engine = Engine(load_files([root / "sample_data"], LoadOptions()))
    ordered = engine.core.query("SELECT grp FROM grp_order ORDER BY pos", {})["grp"].tolist()
    for by, col in (("client,month", "client"), ("technician,month", "technician")):
        groups = set(engine.report(ReportOptions(by=by))[col].dropna())
        assert groups and groups <= set(ordered)
    assert len(set(ordered)) == len(ordered)

    def plain(name: str) -> str:  # DuckDB's lower(strip_accents(...))
        return "".join(
            c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c)
        ).lower()

    assert ordered == sorted(ordered, key=lambda n: (plain(n), n))


def _explained_kpis(family: str) -> list[str]:
    """A few KPIs of a family, of each kind it has: its first ratio or mean, sum, median
    and money KPI (a ``known`` rule)."""
    kinds: dict[str, str] = {}
    for k in KPIS:
        if k.family == family:
            kind = "money" if k.known else "fraction" if k.has_fraction else k.kind
            kinds.setdefault(kind, k.id)
    return list(kinds.values())


def test_explained_sql_is_the_statement_a_report_runs_and_gives_its_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One SQL path: for several KPIs of every family, the explanation's statement and
    # parameters are those the report with the same options ran, and its rows, read in
    # the columns it names (sel_i, n{i}, d{i}), give the report's numerator, denominator
    # and value exactly: months, groupings by client and technician, a comparison, a
    # client filter, a technician filter, a filter no row matches
    from pathlib import Path

    from kpi.load import LoadOptions, load_files
    from kpi.metrics import FAMILIES
    from kpi.query import Core
    from kpi.query.blocks import LONG_TYPES
    from kpi.report import engine as report_engine

    monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", 0)  # one-client: the filter's query
    ran: list[tuple[str, dict[str, object]]] = []
    real = Core.family_query

    def recorded(self: Core, family: str, scope: object) -> object:
        q = real(self, family, scope)  # type: ignore[arg-type]
        ran.append((q.sql, q.params))
        return q

    monkeypatch.setattr(Core, "family_query", recorded)
    root = Path(__file__).resolve().parent.parent
    engine = Engine(load_files([root / "sample_data"], LoadOptions()))
    clients, techs = engine.clients(), engine.technicians()
    compared = filled = 0
    for opts in (
        ReportOptions(by="client,month"),
        ReportOptions(by="total", compare="previous"),
        ReportOptions(by="month", clients=clients[3:4], compare="year"),
        ReportOptions(by="client", clients=clients[:2]),
        ReportOptions(by="technician,month"),
        ReportOptions(by="technician", technicians=techs[:1]),
        ReportOptions(by="month", clients=["nobody at all"]),
    ):
        ran.clear()
        report = engine.report(opts)
        for family in FAMILIES:
            for kpi_id in _explained_kpis(family):
                ex = engine.explain(kpi_id, opts)
                if ex.unavailable:
                    assert kpi_id not in set(report["kpi"])
                    continue
                assert (ex.sql, ex.params) in ran, (kpi_id, opts)
                expected = report_rows(report, kpi_id)
                got = explained_rows(engine, ex)
                pd.testing.assert_frame_equal(got, expected, check_exact=True)
                compared += 1
                filled += bool(expected["value"].fillna(0).ne(0).any())
    assert compared >= 7 * 8 * 2
    assert filled >= compared // 2
    # the frames the numpy unpivot makes have the declared types
    scope = engine._scope(ReportOptions(by="client,month"), engine.period(ReportOptions()), [])
    scope.kpis = list(KPIS)
    for family in FAMILIES:
        got = engine.core.run_family(family, scope)
        assert {c: str(t) for c, t in got.dtypes.items()} == {c: LONG_TYPES[c] for c in got}


def test_kpis_aggregated_in_a_wider_block_keep_their_values_and_groups() -> None:
    # a set of parts within another's (labour cost: time entries; gross margin: invoices
    # and time entries) is aggregated in that block, with a presence count: every value
    # and every group (a month with invoices but no hours has no labour cost row) is the
    # one the KPI gets in a query of its own
    from pathlib import Path

    from kpi.load import LoadOptions, load_files

    root = Path(__file__).resolve().parent.parent
    engine = Engine(load_files([root / "sample_data"], LoadOptions()))
    alone_kpis = ["labor_cost", "mrr", "recurring_revenue"]
    merged_somewhere = False
    for opts in (
        ReportOptions(by="client,month"),
        ReportOptions(by="month"),
        ReportOptions(by="technician,month"),
        ReportOptions(by="client", clients=engine.clients()[:2]),
    ):
        merged = engine.report(opts)
        for kpi_id in alone_kpis:
            shared = engine.explain(kpi_id, opts)
            own = engine.explain(kpi_id, replace(opts, kpis=[kpi_id]))
            assert "part_i" not in own.sql  # a block of its own parts only
            merged_somewhere |= "part_i" in shared.sql
            alone = engine.report(replace(opts, kpis=[kpi_id]))
            pd.testing.assert_frame_equal(
                report_rows(merged, kpi_id), report_rows(alone, kpi_id), check_exact=True
            )
    assert merged_somewhere
