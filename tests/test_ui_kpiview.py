"""KPI presentation helpers on a small hand-made report (the engine's columns)."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd
import pytest

from ui import kpiview, state

NBSP = "\xa0"


@pytest.fixture(autouse=True)
def session(monkeypatch: pytest.MonkeyPatch) -> state.AppState:
    """A session of its own for each test (what is made from a report is kept in the
    session's cache of rendered pieces)."""
    app = state.AppState()
    monkeypatch.setattr(state, "app_state", lambda: app)
    return app


def _report() -> pd.DataFrame:
    """Two clients; Acme: csat 0.95 ok, margin 0.10 bad; Beta: csat 0.85 warn, no margin."""
    return pd.DataFrame(
        {
            "kpi": ["gross_margin_pct", "gross_margin_pct", "csat", "csat", "mrr"],
            "client": ["Acme", "Beta", "Acme", "Beta", "Acme"],
            "period": ["2024-01-01..2024-12-31"] * 5,
            "value": [0.10, float("nan"), 0.95, 0.85, 1200.0],
            "numerator": [100.0, float("nan"), 19.0, 17.0, float("nan")],
            "denominator": [1000.0, float("nan"), 20.0, 20.0, float("nan")],
            "unit": ["ratio", "ratio", "ratio", "ratio", "currency"],
            "target": [0.4, 0.4, 0.9, 0.9, None],
            "status": ["bad", None, "ok", "warn", None],
        }
    )


def test_wide_tables_and_health_scores() -> None:
    values = kpiview.wide(_report(), ["gross_margin_pct", "csat"], "en")
    statuses = kpiview.wide(_report(), ["gross_margin_pct", "csat"], "en", status=True)
    assert list(values.columns) == ["Gross margin %", "CSAT"]
    assert values.loc["Acme", "CSAT"] == 0.95
    scores = kpiview.health_scores(statuses.reindex(index=values.index))
    # Acme: bad (0) and ok (1) -> 50; Beta: only csat warn (0.5) -> 50 too
    assert scores.to_dict() == {"Acme": 50.0, "Beta": 50.0}


def test_health_of_a_client_without_any_status_is_empty() -> None:
    statuses = pd.DataFrame({"CSAT": [None]}, index=["Gamma"])
    assert math.isnan(kpiview.health_scores(statuses)["Gamma"])


def test_styled_table_formats_every_column_and_colours_by_status() -> None:
    report = _report()
    ids = ["gross_margin_pct", "csat", "mrr"]
    values = kpiview.wide(report, ids, "es")
    values.insert(0, "Salud", [50.0, 50.0])
    statuses = kpiview.wide(report, ids, "es", status=True)
    styled = kpiview.styled_wide(values, statuses, ids, "es", "EUR",
                                 extra={"Salud": lambda v: f"{v:.0f}"})  # fmt: skip
    html = styled.to_html()
    # Babel in Spanish: 0.95 -> "95,0 %"; 1200 is 1,000 or more, so whole euros with a
    # thousands dot: "1.200 €"; an empty value -> "—"; the extra column its own format
    assert f"95,0{NBSP}%" in html and f"1.200{NBSP}€" in html and "—" in html
    assert ">50<" in html
    assert "background-color: " + kpiview.CELL["bad"] in html
    assert "background-color: " + kpiview.CELL["warn"] in html


def test_parts_in_words_and_targets() -> None:
    assert kpiview.parts_text("csat", 41, 50, "en", "EUR") == "41 satisfied of 50 responses"
    assert kpiview.parts_text("mrr", 1, 2, "en", "EUR") == ""  # not a ratio
    assert kpiview.target_text("csat", 0.9, "en", "EUR") == "≥ 90.0%"
    assert kpiview.target_text("escalation_rate", 0.2, "en", "EUR") == "≤ 20.0%"
    assert kpiview.target_text("utilization", "0.7..0.85", "en", "EUR") == "70.0%–85.0%"
    assert kpiview.target_text("mrr", None, "en", "EUR") == ""
    assert kpiview.delta_color("csat") == "normal"
    assert kpiview.delta_color("escalation_rate") == "inverse"
    assert kpiview.delta_color("utilization") == "off"


def test_summary_frame_for_download() -> None:
    total = _report().assign(client=None).drop_duplicates("kpi")
    summary = kpiview.summary_frame(total, ["csat", "win_rate"], "en", "EUR")
    # win_rate is not in the report: left out
    assert summary["kpi"].tolist() == ["csat"]
    assert summary.loc[0, "Status"] == "On target"


def test_a_kpis_rows_are_the_rows_a_mask_picks_in_any_frame() -> None:
    # rows of one KPI are looked up once per frame (a slice when together); a frame made
    # from another (reordered, filtered) gets its own lookup, never the other's
    report = _report()
    mixed = report.iloc[[2, 0, 4, 3, 1]]  # csat rows apart
    months = pd.DataFrame(
        {
            "kpi": ["csat", "csat", "csat", "mrr", "csat"],
            "period": ["2024-01", "2024-02", "2024-01-01..2024-02-29", "2024-01", "2024-03"],
            "value": [0.9, 0.8, 0.85, 10.0, 0.7],
        },
        index=[10, 11, 12, 13, 14],
    )
    for frame in (report, mixed, report.iloc[::-1], report[report["client"] == "Beta"], months):
        for kpi_id in ("csat", "gross_margin_pct", "mrr", "backlog"):
            want = frame[frame["kpi"] == kpi_id]
            pd.testing.assert_frame_equal(kpiview.rows_of(frame, kpi_id), want)
            row = kpiview.total_row(frame, kpi_id)
            if want.empty:
                assert row is None
            else:
                pd.testing.assert_series_equal(row, want.iloc[0])
    assert kpiview.total_row(mixed, "csat")["client"] == "Acme"  # first in that frame
    assert kpiview.total_row(report.iloc[::-1], "csat")["client"] == "Beta"
    got = kpiview.monthly(months, ["mrr", "csat"])
    assert list(got.index) == [10, 11, 13, 14]  # frame order; the period row left out
    assert kpiview.monthly(months, ["backlog"]).empty
    assert kpiview.rows_of(report.iloc[0:0], "csat").empty


def test_what_is_found_in_a_frame_is_kept_in_the_sessions_rendered_pieces(
    session: state.AppState,
) -> None:
    import sys

    report = _report()
    kpiview.rows_of(report, "csat")
    kpiview.wide(report, ["csat"], "en")
    kept = session.shown.of_frame(report)
    assert {"kpi", "wide:False:en:csat"} <= set(kept)
    assert session.shown.keys() == [("frame", id(report))]
    # nothing on the frame itself; a copy or a slice is another frame, found afresh
    assert set(report.__dict__) == set(pd.DataFrame().__dict__)
    assert session.shown.of_frame(report.copy()) == {}
    assert session.shown.of_frame(report.iloc[0:2]) == {}
    # no module global holds a frame's findings (they would outlive its session)
    assert not any(v is kept for v in vars(sys.modules["ui.kpiview"]).values())
    assert not [k for k, v in vars(kpiview).items() if isinstance(v, dict) and kept in
                list(v.values())]  # fmt: skip
    # another session: its own pieces
    other = state.AppState()
    assert other.shown.of_frame(report) == {}


def test_the_rendered_pieces_are_bounded_and_forgotten_with_the_data(
    session: state.AppState, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(session.shown, "entries", 3)
    reports = [_report() for _ in range(4)]
    for r in reports:
        kpiview.rows_of(r, "csat")
    # the least recently used went; each kept entry holds its frame, so no other frame
    # can take its id while it is kept
    assert session.shown.keys() == [("frame", id(r)) for r in reports[1:]]
    assert all(session.shown.get(("frame", id(r)))[0] is r for r in reports[1:])
    kpiview.rows_of(reports[1], "mrr")  # used again: now the newest
    assert session.shown.keys()[-1] == ("frame", id(reports[1]))
    monkeypatch.setattr(session.shown, "rows", len(reports[0]))  # one report's rows
    kpiview.rows_of(reports[0], "csat")
    assert session.shown.keys() == [("frame", id(reports[0]))]
    state.invalidate(session)  # the data changed: nothing made from the old one stays
    assert len(session.shown) == 0


def test_a_reports_wide_tables_and_cell_texts_are_made_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    report = _report()
    ids = ["gross_margin_pct", "csat", "mrr"]
    made: list[str] = []
    real_wide = kpiview._wide
    monkeypatch.setattr(kpiview, "_wide", lambda *a: made.append(a[2]) or real_wide(*a))
    first = kpiview.wide(report, ids, "en")
    first.insert(0, "Health", [50.0, 50.0])  # a caller's change stays its own
    again = kpiview.wide(report, ids, "en")
    assert made == ["en"]
    assert list(again.columns) == ["Gross margin %", "CSAT", "MRR"]
    kpiview.wide(report, ids, "es")  # another language: another table
    kpiview.wide(report.copy(), ids, "en")  # another frame
    assert made == ["en", "es", "en"]

    formatted: list[object] = []
    real_text = kpiview.value_text
    monkeypatch.setattr(
        kpiview, "value_text", lambda k, v, *a: formatted.append(v) or real_text(k, v, *a)
    )

    def html(source: pd.DataFrame | None) -> str:
        styler = kpiview.styled_wide(again, None, ids, "en", "EUR", source=source)
        return str(styler.set_uuid("t").to_html())

    kept = html(report)
    # four cells have a value (the two empty ones show the placeholder, unformatted)
    assert sorted(formatted) == [0.10, 0.85, 0.95, 1200.0]
    assert html(report) == kept and len(formatted) == 4  # the same report: no text again
    assert html(None) == kept and len(formatted) == 8  # without a source: formatted anew
    assert "95.0%" in kept and "€1,200" in kept


def test_kept_cell_texts_tell_zero_from_minus_zero() -> None:
    report = _report().assign(value=[0.0, -0.0, 0.5, 0.5, 0.0])
    values = kpiview.wide(report, ["gross_margin_pct"], "en")
    html = kpiview.styled_wide(values, None, ["gross_margin_pct"], "en", "EUR", source=report)
    shown = str(html.to_html())
    for v in (0.0, -0.0):
        assert kpiview.value_text("gross_margin_pct", v, "en", "EUR") in shown


def test_remembered_formats_tell_values_apart_by_type_and_table() -> None:
    source = _report()
    calls: list[object] = []

    def shown(v: object) -> str:
        calls.append(v)
        return f"{type(v).__name__}:{v}"

    def texts(what: str, values: list[object]) -> list[str]:
        fmt_of = kpiview.formats_once(source, what, {"c": shown})["c"]
        return [fmt_of(v) for v in values]

    values: list[object] = [True, 1, 1.0, 0.0, -0.0, date(2024, 1, 2), "1"]
    first = texts("t:en", values)
    # True == 1 == 1.0 and 0.0 == -0.0 in Python; each keeps its own text
    assert first == ["bool:True", "int:1", "float:1.0", "float:0.0", "float:-0.0",
                     "date:2024-01-02", "str:1"]  # fmt: skip
    assert texts("t:en", values) == first and len(calls) == 7  # kept: nothing formatted
    texts("t:es", values)  # another language (what): formatted again
    assert len(calls) == 14
    fresh = kpiview.formats_once(source.copy(), "t:en", {"c": shown})["c"]
    fresh(True)  # another frame: its own texts
    assert len(calls) == 15
    plain = kpiview.formats_once(None, "t:en", {"c": shown})["c"]
    assert plain is shown  # without a source nothing is kept


def test_a_note_about_one_kpi_shows_its_label() -> None:
    from ui.kpiview import labelled_note

    note = "pipeline_amount: 1 of 11 open opportunities have no known amount"
    assert labelled_note(note, "en") == "Pipeline: 1 of 11 open opportunities have no known amount"
    assert labelled_note(note, "es").startswith("Cartera: 1 of 11")
    # not a KPI id: unchanged
    assert labelled_note("opportunities: 2 amounts in COP", "en") == (
        "opportunities: 2 amounts in COP"
    )


def test_a_pages_kpis_come_from_the_declarations_of_its_families() -> None:
    from kpi.metrics import KPIS

    cards = kpiview.area_kpis("page.service_desk", first=("fcr_rate",), apart=("backlog",))
    # every KPI of the csat and tickets families, fcr_rate first, backlog left out
    assert cards[0] == "fcr_rate" and "backlog" not in cards
    assert sorted(cards) == sorted(
        k.id for k in KPIS if k.family in ("csat", "tickets") and k.id != "backlog"
    )
    rest = [k.id for k in KPIS if k.id in cards[1:]]
    assert cards[1:] == rest  # declaration order
    with pytest.raises(KeyError):
        kpiview.area_kpis("page.service_desk", first=("mrr",))


def test_an_empty_pipeline_is_no_data_not_zero() -> None:
    # pipeline sums of no open opportunity (pipeline_count 0) show "—", not "€0.00";
    # with opportunities open a 0 stays a 0
    def pipeline(count: float) -> pd.DataFrame:
        return pd.DataFrame(
            {"kpi": ["pipeline_count", "pipeline_weighted", "win_rate"],
             "value": [count, 0.0, 0.0], "unit": ["count", "currency", "ratio"]}
        )  # fmt: skip

    empty, some = pipeline(0.0), pipeline(2.0)
    assert kpiview.has_no_rows(empty, "pipeline_weighted")
    assert not kpiview.has_no_rows(some, "pipeline_weighted")
    # only the sums declared so; a report without the count says nothing
    assert not kpiview.has_no_rows(empty, "win_rate")
    assert not kpiview.has_no_rows(empty.iloc[1:], "pipeline_weighted")


def test_client_health_ranks_clients_with_data_and_counts_the_others() -> None:
    # Acme: bad + ok -> 50; Beta: warn -> 50 (one KPI); Gamma: a value without a target
    # -> no score, after them; Delta: no value, no status this period -> apart
    values = pd.DataFrame(
        {"Margin": [0.1, None, 0.3, None], "CSAT": [0.95, 0.85, None, None]},
        index=pd.Index(["Acme", "Beta", "Gamma", "Delta"], name="Client"),
    )
    statuses = pd.DataFrame(
        {"Margin": ["bad", None, None, None], "CSAT": ["ok", "warn", None, None]},
        index=values.index,
    )
    table, without = kpiview.health_table(values, statuses, "Health")
    # Beta's 50 rests on one KPI: after Acme's 50 from two
    assert list(table.index) == ["Acme", "Beta", "Gamma"]
    assert table["Health"].tolist()[:2] == [50.0, 50.0]
    # a prospect with one lost deal (win rate 0%, score 0) is not ranked first
    statuses.loc["Beta", "CSAT"] = "bad"
    table, _ = kpiview.health_table(values, statuses, "Health")
    assert list(table.index) == ["Acme", "Beta", "Gamma"]
    assert table.loc["Beta", "Health"] == 0.0
    assert math.isnan(table.loc["Gamma", "Health"])
    assert list(without) == ["Delta"]


def test_a_wide_tables_client_is_a_column_of_its_own() -> None:
    # Streamlit fades an index: the client is the first column (pinned by show_wide)
    values = kpiview.wide(_report(), ["csat"], "en")
    styled = kpiview.styled_wide(values, None, ["csat"], "en", "EUR")
    assert list(styled.data.columns) == ["Client", "CSAT"]
    assert styled.data["Client"].tolist() == ["Acme", "Beta"]
