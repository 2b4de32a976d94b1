"""Output writers of reports and alerts (docs/CLI.md number format, formula injection)."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpi.errors import UsageError
from kpi.model import loaded_data
from kpi.report import REPORT_COLUMNS, ReportOptions, compute_report, to_csv_text, write_table


def sample() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi": ["revenue", "csat", "mrr"],
            "client": ['=HYPERLINK("http://x")', "Acme, Inc", None],
            "period": ["2024-01", "2024-01-01..2024-03-31", "2024-02"],
            "value": [0.1 + 0.2, float("nan"), 1234567.0],
            "numerator": [float("nan"), 0.0, -5.5],
            "denominator": [float("nan"), 0.0, 1e-05],
            "unit": ["currency", "ratio", "currency"],
            "target": [None, 0.9, "0.7..0.85"],
            "status": [None, None, "ok"],
        }
    )


def test_csv_numbers_are_unrounded_and_empties_empty() -> None:
    text = to_csv_text(sample())
    lines = text.splitlines()
    assert lines[0] == ",".join(REPORT_COLUMNS)
    # 0.1 + 0.2 in full; no thousands separator; 1234567.0 written as 1234567
    assert lines[1] == (
        'revenue,"\'=HYPERLINK(""http://x"")",2024-01,0.30000000000000004,,,currency,,'
    )
    assert lines[2] == 'csat,"Acme, Inc",2024-01-01..2024-03-31,,0,0,ratio,0.9,'
    # negative numbers stay numbers (no quote prefix); the band target is text
    assert lines[3] == "mrr,,2024-02,1234567,-5.5,0.00001,currency,0.7..0.85,ok"


def test_csv_guards_text_against_formulas() -> None:
    df = pd.DataFrame({"client": ["-1+2", "+x", "@SUM(A1)", "\tTab", "safe", "a=b"],
                       "value": [-1.0, 1.0, 2.0, 3.0, 4.0, 5.0]})  # fmt: skip
    rows = to_csv_text(df).splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == ["'-1+2", "'+x", "'@SUM(A1)", "'\tTab", "safe",
                                               "a=b"]  # fmt: skip
    assert rows[0].endswith(",-1")


def test_write_table_to_stdout(capsys: pytest.CaptureFixture[str]) -> None:
    write_table(sample(), None)
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(REPORT_COLUMNS)
    assert out == to_csv_text(sample())


def test_write_csv_file_is_utf8(tmp_path: Path) -> None:
    df = pd.DataFrame({"client": ["Óptica Núñez"], "value": [1.5]})
    path = tmp_path / "r.csv"
    write_table(df, str(path))
    assert path.read_bytes() == "client,value\nÓptica Núñez,1.5\n".encode()


def test_write_json(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    write_table(sample(), str(path))
    records = json.loads(path.read_text(encoding="utf-8"))
    assert list(records[0]) == list(REPORT_COLUMNS)
    assert records[0]["value"] == 0.30000000000000004
    assert records[1]["value"] is None and records[1]["target"] == 0.9
    assert records[2]["client"] is None and records[2]["target"] == "0.7..0.85"


def test_write_xlsx_keeps_numbers_and_guards_text(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    write_table(sample(), str(path), sheet="report")
    ws = openpyxl.load_workbook(path)["report"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0] == REPORT_COLUMNS
    assert rows[1][1] == '\'=HYPERLINK("http://x")'  # text, not a formula
    assert rows[1][3] == pytest.approx(0.3) and isinstance(rows[1][3], float)
    assert rows[3][4] == -5.5  # a negative number stays a number
    assert rows[2][3] is None  # undefined: empty cell


def test_unsupported_extension(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        write_table(sample(), str(tmp_path / "r.txt"))


def test_compute_report_wrapper_and_csv_of_a_real_report() -> None:
    data = loaded_data(
        {
            "invoices": {
                "client": ["=cmd", "B"],
                "date": [date(2024, 1, 5), date(2024, 1, 6)],
                "amount": [0.1, 0.2],
            }
        }
    )
    df = compute_report(data, ReportOptions(start=date(2024, 1, 1), end=date(2024, 1, 31),
                                            by="client"))  # fmt: skip
    text = to_csv_text(df)
    assert text.splitlines() == [
        ",".join(REPORT_COLUMNS),
        "revenue,'=cmd,2024-01-01..2024-01-31,0.1,,,currency,,",
        "revenue,B,2024-01-01..2024-01-31,0.2,,,currency,,",
    ]
    total = compute_report(data, ReportOptions(start=date(2024, 1, 1), end=date(2024, 1, 31)))
    # 0.1 + 0.2 summed exactly (compensated sum of the doubles): 0.30000000000000004 is the
    # nearest double of the true sum, written unrounded
    assert to_csv_text(total).splitlines()[1].split(",")[3] == repr(0.1 + 0.2)
    assert not math.isnan(total["value"].iloc[0])


def test_a_kpi_subset_gives_the_same_rows_and_only_those_kpis() -> None:
    # a page asks for the KPIs it shows; their rows are those of the full report
    data = loaded_data(
        {
            "tickets": {
                "ticket_id": ["1", "2", "3"],
                "client": ["A", "B", "A"],
                "created_at": [pd.Timestamp(2024, 3, d) for d in (1, 2, 3)],
                "resolved": [pd.Timestamp(2024, 3, 4), None, pd.Timestamp(2024, 3, 5)],
            },
            "invoices": {"client": ["A"], "date": [pd.Timestamp(2024, 3, 9)], "amount": [100.0]},
        },
        as_of=date(2024, 3, 31),
    )
    base = ReportOptions(start=date(2024, 3, 1), end=date(2024, 3, 31), by="client")
    full = compute_report(data, base)
    wanted = ["tickets_opened", "revenue"]
    part = compute_report(data, ReportOptions(**{**base.__dict__, "kpis": wanted}))
    assert sorted(set(part["kpi"])) == sorted(wanted)
    expected = full[full["kpi"].isin(wanted)].reset_index(drop=True)
    pd.testing.assert_frame_equal(part.reset_index(drop=True), expected)
    # tickets opened: A has 2, B has 1
    opened = part[part["kpi"] == "tickets_opened"].set_index("client")["value"]
    assert opened.to_dict() == {"A": 2.0, "B": 1.0}
    with pytest.raises(UsageError, match="unknown KPI"):
        compute_report(data, ReportOptions(kpis=["tickets_opend"]))


@pytest.fixture(scope="module")
def sample_engine() -> object:
    from kpi.load import LoadOptions, load_files
    from kpi.report import Engine

    root = Path(__file__).resolve().parent.parent
    return Engine(load_files([root / "sample_data"], LoadOptions()))


@pytest.mark.parametrize(
    "common",
    [
        {},
        {"compare": "previous"},
        # (the sample's data begins on 2024-11-01: a year before 2026 Q1 is covered, the
        # 12 months before the first 12 are not: empty, with a note)
        {"start": date(2026, 1, 1), "end": date(2026, 3, 31), "compare": "year", "lang": "es"},
        {"start": date(2024, 11, 1), "end": date(2025, 10, 31), "compare": "previous"},
        {"clients": ["__first__"], "kpis": ["csat", "fcr_rate", "mrr", "utilization"]},
        {"technicians": ["__first__"], "targets": {"csat": 0.95}},
        # the first monthly grouping shares the others' query: months cut by the period,
        # a period ending after as_of, one starting after it (no month at all), one month
        {"start": date(2025, 2, 10), "end": date(2025, 5, 20), "compare": "previous"},
        {"as_of": date(2025, 3, 15), "start": date(2025, 1, 1), "end": date(2025, 6, 30)},
        {"as_of": date(2024, 12, 15), "start": date(2025, 1, 1), "end": date(2025, 3, 31)},
        {"start": date(2025, 6, 1), "end": date(2025, 6, 30), "clients": ["__first__"]},
    ],
)
def test_reports_asked_together_equal_the_reports_asked_one_by_one(
    sample_engine: object, common: dict[str, object]
) -> None:
    # a page asks for its reports at once: the groupings without months and the first
    # monthly one share one query per family; every table is the one report() gives
    from kpi.report import Engine

    engine = sample_engine
    assert isinstance(engine, Engine)
    for key, names in (("clients", engine.clients()), ("technicians", engine.technicians())):
        if common.get(key) == ["__first__"]:
            common = {**common, key: names[:1]}
    many = [
        ReportOptions(**{**common, "by": by, "compare": common.get("compare") if by == "total"
                         else None})  # type: ignore[arg-type]
        for by in ("total", "client", "month", "technician", "client,month")
    ]  # fmt: skip
    together = engine.reports(many)
    for opts, got in zip(many, together, strict=True):
        alone = engine.report(opts)
        pd.testing.assert_frame_equal(got, alone, check_exact=True)
        assert got.attrs["notes"] == alone.attrs["notes"]
        assert got.attrs["period"] == alone.attrs["period"]
        assert len(got) > 0


@pytest.mark.parametrize(
    "common",
    [
        {"compare": "previous"},
        {"start": date(2026, 7, 1), "end": date(2026, 10, 31), "kpis": ["csat", "mrr", "backlog"]},
        # months cut by the period, a comparison a year back (after the data begins on
        # 2024-11-01), Spanish notes
        {"start": date(2026, 2, 10), "end": date(2026, 5, 20), "compare": "year", "lang": "es"},
        # a period ending after as_of; one starting after it (no month at all); one before
        # any data; a technician filter too
        {"as_of": date(2026, 3, 15), "start": date(2026, 1, 1), "end": date(2026, 6, 30)},
        {"as_of": date(2025, 12, 15), "start": date(2026, 1, 1), "end": date(2026, 3, 31)},
        {"start": date(2023, 1, 1), "end": date(2023, 3, 31)},
        {"technicians": ["__first__"], "compare": "previous"},
    ],
)
def test_one_client_read_from_the_cube_equals_its_filter(
    sample_engine: object, common: dict[str, object], monkeypatch: pytest.MonkeyPatch
) -> None:
    # a one-client report is read from the rows of every client (Engine._from_cube):
    # for every client, and for the groupings a cube serves, the same tables, notes and
    # period as the filter computed by the queries themselves
    from kpi.report import Engine
    from kpi.report import engine as report_engine

    engine = sample_engine
    assert isinstance(engine, Engine)
    if common.get("technicians") == ["__first__"]:
        common = {**common, "technicians": engine.technicians()[:1]}
    # every client with the first options; a third of them, in turn, with the others
    step = 1 if common.get("compare") == "previous" and "technicians" not in common else 3

    def asked(client: str) -> list[ReportOptions]:
        return [
            ReportOptions(**{**common, "clients": [client], "by": by,
                             "compare": common.get("compare") if by == "total" else None})
            for by in ("total", "month", "client", "technician", "client,month")
        ]  # fmt: skip

    default = report_engine.CUBE_MAX_ROWS
    engine.reports(asked(engine.clients()[-1]))  # the first client: no cube yet
    for client in engine.clients()[len(str(common)) % step :: step]:
        many = asked(client)
        monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", 0)  # no cube: the filter's queries
        direct = engine.reports(many)
        monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", default)
        cubed = engine.reports(many)
        for got, want in zip(cubed, direct, strict=True):
            pd.testing.assert_frame_equal(got, want, check_exact=True)
            assert got.attrs == want.attrs


def test_the_cube_is_computed_at_the_second_client_and_kept_within_bounds(
    sample_engine: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi.query import Core
    from kpi.report import Engine
    from kpi.report import engine as report_engine

    engine = sample_engine
    assert isinstance(engine, Engine)
    engine.results.clear()
    scopes: list[object] = []
    real = Core.run_family
    monkeypatch.setattr(Core, "run_family", lambda self, f, s: scopes.append(s) or real(self, f, s))
    names = engine.clients()
    kpis = ["csat", "tickets_opened", "mrr"]  # three families
    q1 = {"start": date(2026, 1, 1), "end": date(2026, 3, 31), "kpis": kpis}
    # cubes of 12 months at most: 34 clients x 12 months x 3 KPIs
    assert len(names) == 34
    monkeypatch.setattr(report_engine, "CUBE_MAX_ROWS", 34 * 12 * 3)

    def pick(client: str, *groupings: str, **more: object) -> list[tuple[object, ...]]:
        """The scopes of the family queries this asks: (dims, also, clients)."""
        scopes.clear()
        engine.reports([ReportOptions(**{**q1, **more}, clients=[client], by=by)
                        for by in groupings])  # fmt: skip
        return [(s.dims, s.also, s.clients) for s in scopes]  # type: ignore[attr-defined]

    one = [names[0]]
    # the first client: its filter's queries; the same client again: the same
    assert pick(names[0], "total", "client") == [((), (("client",),), one)] * 3
    assert pick(names[0], "total") == [((), (), one)] * 3
    # the second: every client by client (no months: no grouping asked for them)
    assert pick(names[1], "total", "client") == [(("client",), (), None)] * 3
    assert pick(names[2], "total", "client") == []  # read from the cube
    # a grouping with months: the cube is computed again with them, then serves both
    by_client_month = [(("client", "month"), (("client",),), None)] * 3
    assert pick(names[2], "month") == by_client_month
    assert pick(names[3], "total", "month") == []
    # by technician under the client filter: its own queries, the rest from the cube
    assert pick(names[4], "total", "technician", "month") == [(("technician",), (), [names[4]])] * 3
    # other KPIs, technicians or another period: not this cube
    for more in ({"kpis": ["csat"]}, {"technicians": engine.technicians()[:1]},
                 {"end": date(2026, 2, 28)}):  # fmt: skip
        assert pick(names[3], "total", **more) != []
        assert pick(names[4], "total", **more) != []  # its second client: its cube
        assert pick(names[5], "total", **more) == []
    assert len(engine.results.keys("cube")) == 4
    # two clients, a grouping by technician, a cube too large: the filter's queries
    for asked in (
        lambda: engine.reports([ReportOptions(**q1, clients=names[:2])]),  # type: ignore[arg-type]
        lambda: pick(names[0], "technician"),
        lambda: pick(names[1], "technician"),
        lambda: pick(names[0], "total", "month", start=date(2025, 3, 1)),  # 13 months
        lambda: pick(names[1], "total", "month", start=date(2025, 3, 1)),
    ):
        scopes.clear()
        asked()
        assert scopes and all(s.clients is not None for s in scopes)  # type: ignore[attr-defined]
    assert len(engine.results.keys("cube")) == 4
    # kept in the engine's results (kpi/report/cache.py), within their bounds: at most
    # so many entries, the least recently used going first; a cube used again is the
    # newest. The four, oldest first: q1's (with months), csat's, the technician's, Feb's
    results = engine.results
    a, b, c, d = results.keys("cube")
    assert pick(names[6], "total", "month") == []  # q1's, now the newest
    assert results.keys() == [b, c, d, a]
    monkeypatch.setattr(results, "entries", 4)
    jan = {"end": date(2026, 1, 31)}
    assert pick(names[7], "total", **jan) != []  # its first client: remembered, b goes
    assert pick(names[8], "total", **jan) != []  # its second: its cube
    e = results.keys()[-1]
    assert results.keys() == [c, d, a, e] and results.keys("cube") == [c, d, a, e]
    assert pick(names[9], "total", kpis=["csat"]) != []  # b went: asked again
    # and at most so many rows in all: the newest always stays
    monkeypatch.setattr(results, "rows", 1)
    mid = {"end": date(2026, 1, 15)}
    assert pick(names[0], "total", **mid) != []  # a first client (no rows): the cubes go
    assert results.keys("cube") == []
    assert pick(names[1], "total", **mid) != []  # its cube, alone
    assert len(results.keys("cube")) == 1 and len(results) == 1
    # the first clients of periods without a cube: within the same bounds
    monkeypatch.setattr(results, "entries", 2)
    for day in range(1, 11):
        assert pick(names[0], "total", end=date(2026, 3, day)) != []
    assert len(results.keys("cube_first")) == 2 and len(results) == 2


def test_groupings_share_one_query_per_family(
    sample_engine: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kpi.query import Core
    from kpi.report import Engine

    engine = sample_engine
    assert isinstance(engine, Engine)
    families: list[str] = []
    real = Core.run_family
    monkeypatch.setattr(
        Core, "run_family", lambda self, f, s: families.append(f) or real(self, f, s)
    )
    kpis = ["csat", "tickets_opened", "mrr"]  # three families
    engine.reports([ReportOptions(by=by, kpis=kpis) for by in ("total", "client", "technician")])
    assert sorted(families) == ["csat", "profit", "tickets"]
    families.clear()
    # the first monthly grouping shares them too; a comparison adds the previous
    # period's queries
    engine.reports(
        [ReportOptions(kpis=kpis, compare="previous"), ReportOptions(by="month", kpis=kpis)]
    )
    assert len(families) == 6
    families.clear()
    # a second monthly grouping has its own
    engine.reports([ReportOptions(by=by, kpis=kpis) for by in ("total", "month", "client,month")])
    assert len(families) == 6


@pytest.mark.parametrize(
    "common",
    [
        {"compare": "previous"},
        {"clients": ["__first__"], "by": "client,month", "compare": None},
        {"by": "technician,month", "start": date(2025, 1, 1), "end": date(2025, 6, 30)},
    ],
)
def test_each_kpi_asked_alone_has_its_rows_of_the_full_report(
    sample_engine: object, common: dict[str, object]
) -> None:
    # a page asks only for the KPIs it shows (the Overview: the headline ones): a KPI's
    # rows must not depend on which other KPIs of its family were asked with it
    from kpi.metrics import KPIS
    from kpi.report import Engine

    engine = sample_engine
    assert isinstance(engine, Engine)
    if common.get("clients") == ["__first__"]:
        common = {**common, "clients": engine.clients()[:1]}
    opts = ReportOptions(**common)  # type: ignore[arg-type]
    full = engine.report(opts)
    assert len(set(full["kpi"])) > 40
    for k in KPIS:
        alone = engine.report(replace(opts, kpis=[k.id])).reset_index(drop=True)
        expected = full[full["kpi"] == k.id].reset_index(drop=True)
        pd.testing.assert_frame_equal(alone, expected, check_exact=True, obj=k.id)
