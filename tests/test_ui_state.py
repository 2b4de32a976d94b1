"""The session's memory: packed uploads and read tables let go after assembly."""

from __future__ import annotations

import threading
from pathlib import Path

import pyarrow as pa
import pytest

from ui import state
from ui.state import AppState, Source


def tickets_csv(n: int) -> bytes:
    rows = [f"T{i},Client {i % 7},2024-03-{1 + i % 28:02d} 09:00,Closed" for i in range(n)]
    return ("Ticket #,Company,Date Entered,Status\n" + "\n".join(rows) + "\n").encode()


def test_a_big_source_is_packed_and_reads_back_the_same_bytes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state, "PACK_MIN_BYTES", 1000)
    data = tickets_csv(5_000)
    big, small = Source("tickets.csv", data), Source("small.csv", b"a,b\n1,2\n")
    big.pack()
    small.pack()
    assert big.packed and not small.packed
    assert big.size == len(data) and big.data == data
    assert small.data == b"a,b\n1,2\n"
    assert len(big._packed or b"") < len(data) / 3  # CSV text packs well


def test_a_big_read_table_is_let_go_and_read_again_with_the_same_result(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(state, "PACK_MIN_BYTES", 1000)
    monkeypatch.setattr(state, "KEEP_READ_MAX_ROWS", 100)
    reads: list[str] = []
    real_read = state.read_file

    def counting(name: str, *args: object, **kwargs: object) -> object:
        reads.append(name)
        return real_read(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(state, "read_file", counting)
    packed = threading.Event()
    real_pack = state._pack

    def pack_then_signal(sources: list[Source]) -> None:
        real_pack(sources)
        packed.set()

    monkeypatch.setattr(state, "_pack", pack_then_signal)
    app = AppState(sources=[Source("tickets.csv", tickets_csv(500))], kind="uploads")
    state.rebuild(app)
    assert app.data is not None
    first = app.data.tables["tickets"]
    assert first.num_rows == 500
    # the typed table went (the assembled one stays); the bytes get packed in the back
    assert [v.kept for v in app.views] == [False]
    assert all(v.result.table is None for v in app.views)
    assert app.views[0].result.report.rows_read == 500  # the Data page's counts stay
    assert packed.wait(30) and app.sources[0].packed
    # another rebuild (say, another file's mapping changed) reads the file again
    state.rebuild(app)
    assert reads == ["tickets.csv", "tickets.csv"]
    assert app.data.tables["tickets"].equals(first)


def test_a_small_read_table_is_kept_and_not_read_again() -> None:
    reads: list[str] = []
    app = AppState(sources=[Source("tickets.csv", tickets_csv(50))], kind="uploads")
    real_read = state.read_file
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(state, "read_file", lambda n, *a, **k: reads.append(n) or real_read(n, *a, **k))
        state.rebuild(app)
        state.rebuild(app)
    assert reads == ["tickets.csv"]
    assert [v.kept for v in app.views] == [True]
    assert isinstance(app.views[0].result.table, pa.Table)


def test_the_problems_table_and_counts_are_made_once_per_data_and_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ui.dataview

    csv = (
        b"Ticket #,Company,Date Entered,Status\n"
        # "Open": a "Closed" ticket without any date would add a warning (issue 18)
        b"T1,Acme,2024-03-01 09:00,Open\n"
        b"T2,Acme,,Open\n"  # no creation date: rejected
        b"T1,Acme,2024-03-02 09:00,Open\n"  # T1 again: the earlier row is merged into it
    )
    app = AppState(sources=[Source("tickets.csv", csv)], kind="uploads")
    monkeypatch.setattr(state, "app_state", lambda: app)
    built: list[str | None] = []
    real_build = ui.dataview.problems_frame
    monkeypatch.setattr(
        ui.dataview,
        "problems_frame",
        lambda ps, lang=None: built.append(lang) or real_build(ps, lang),
    )
    state.rebuild(app)
    assert state.problem_counts() == {"rejected": 1, "warning": 0, "skipped": 0, "info": 1}
    en = state.problems_frame("en")
    assert list(en["row"]) == [3, 2] and sorted(en["severity"]) == ["info", "rejected"]
    assert state.problems_frame("en") is en and built == ["en"]
    es = state.problems_frame("es")
    assert built == ["en", "es"] and list(es["row"]) == [3, 2]
    assert set(es["severity"]) != set(en["severity"])  # the words are Spanish
    state.rebuild(app)  # the data read again: made again
    assert state.problems_frame("en") is not en and built == ["en", "es", "en"]


def test_the_data_span_stays_when_the_engine_takes_the_rows_over(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from datetime import date

    # 500 tickets created Mar 1..28 2024 (i % 28): the data spans Mar 1 .. Mar 28
    monkeypatch.setattr(state, "KEEP_READ_MAX_ROWS", 100)
    app = AppState(sources=[Source("tickets.csv", tickets_csv(500))], kind="uploads")
    monkeypatch.setattr(state, "app_state", lambda: app)
    state.rebuild(app)
    assert state.data_span() == (date(2024, 3, 1), date(2024, 3, 28))
    engine = state.engine()
    # big data: the session keeps the engine's copy without rows, its span too
    assert app.data is engine.data and app.data.tables["tickets"].num_rows == 0
    assert state.data_span() == (date(2024, 3, 1), date(2024, 3, 28))
    assert engine.data_start == date(2024, 3, 1)


def test_billing_months_asked_and_set_compare_values_folded() -> None:
    # issue 18 item 5: the Data page asks the months of each unknown billing period; a
    # preset's key written another way ("cuatrienal") still gives the value its months
    from ui.dataview import billing_months_asked, with_billing_months

    opts = {"billing_months": {"cuatrienal": 48}}
    assert billing_months_asked(["Fortnightly", "Cuatrienal"], opts) == [
        ("Fortnightly", None),
        ("Cuatrienal", 48),
    ]
    # setting a value replaces the key that folds like it; unsetting the last one drops
    # the option (None)
    assert with_billing_months({"cuatrienal": 48}, "Cuatrienal", 36) == {"Cuatrienal": 36}
    assert with_billing_months({"cuatrienal": 48}, "Fortnightly", 1) == {
        "cuatrienal": 48,
        "Fortnightly": 1,
    }
    assert with_billing_months({"cuatrienal": 48}, "CUATRIENAL", None) is None
    assert with_billing_months(None, "Fortnightly", None) is None


def test_the_files_table_shows_a_runner_up_that_could_be_read_or_a_held_tables() -> None:
    # issue 18: the runner-up is another dataset the table could be read as; a dataset
    # lacking required columns is shown only next to a table held for confirmation
    from kpi import LoadOptions, load_files
    from ui.dataview import runner_up_shown

    aliases = ("alias.csv", b"Cliente;Alias\nAcme S.L.;Grupo Acme\n")
    names = ("nombres.csv", b"Nombre\nAna Ruiz\nBeto Gil\n")
    data = load_files([aliases, names], LoadOptions())
    alias, held = data.files
    assert alias.confidence == "high" and alias.runner_up is not None
    assert runner_up_shown(alias) is None  # tickets would lack ticket_id and created_at
    assert held.held and runner_up_shown(held) == held.runner_up == "devices"


def _session(monkeypatch: pytest.MonkeyPatch, app: AppState) -> AppState:
    """``app`` as the current session's state (the accessors read it)."""
    monkeypatch.setattr(state, "app_state", lambda: app)
    return app


def test_the_sample_is_read_once_and_shared_read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # issue 23: the sample is read, typed and assembled once per process; each session
    # gets its own containers and its own engine (DuckDB connection) over the same tables
    shared = state.shared_sample()
    assert shared is not None and state.shared_sample() is shared
    reads: list[str] = []
    real_read = state.read_file
    monkeypatch.setattr(
        state, "read_file", lambda n, *a, **k: reads.append(n) or real_read(n, *a, **k)
    )
    one = AppState(sources=state.sample_sources(), kind="sample")
    two = AppState(sources=state.sample_sources(), kind="sample")
    state.rebuild(one)
    state.rebuild(two)
    assert reads == []  # nothing read again
    assert one.data is not None and two.data is not None
    assert one.data is not two.data and one.data.problems is not two.data.problems
    assert one.data.tables["tickets"] is two.data.tables["tickets"] is shared.data.tables["tickets"]
    assert shared.holds(one.data) and shared.holds(two.data)
    engines = []
    for app in (one, two):
        _session(monkeypatch, app)
        engines.append(state.engine())
    assert engines[0] is not engines[1] and engines[0].core.con is not engines[1].core.con
    # the reports of the public sample are computed once for every session
    assert engines[0].results is engines[1].results is shared.results
    _session(monkeypatch, one)
    first = state.report(state.report_options())
    _session(monkeypatch, two)
    assert state.report(state.report_options()) is first


def test_a_session_reading_the_sample_otherwise_keeps_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shared = state.shared_sample()
    assert shared is not None
    # another reading language: every file read again for this session alone
    spanish = _session(monkeypatch, AppState(sources=state.sample_sources(), kind="sample"))
    spanish.read_lang = "es"
    state.rebuild(spanish)
    assert spanish.data is not None and not shared.holds(spanish.data)
    assert state.engine().results is not shared.results
    # the sample as shipped, then a report currency chosen: the engine leaves the shared
    # results (kept for the others) for a cache of its own
    plain = _session(monkeypatch, AppState(sources=state.sample_sources(), kind="sample"))
    state.rebuild(plain)
    assert state.engine().results is shared.results
    kept = len(shared.results)
    state.set_money("USD")
    assert state.engine().results is not shared.results and len(shared.results) == kept
    # uploads never meet the shared results
    uploads = _session(
        monkeypatch, AppState(sources=[Source("tickets.csv", tickets_csv(50))], kind="uploads")
    )
    state.rebuild(uploads)
    assert state.engine().results is not shared.results


def test_the_sample_sessions_share_what_is_rendered_and_never_change_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # issue 23: the pieces made from a shared report (where each KPI's rows are, wide
    # tables, formatted texts, the sidebar's names) are made once for every session on
    # the sample as shipped
    from kpi.metrics import HEADLINE
    from ui import kpiview

    shared = state.shared_sample()
    assert shared is not None
    one = _session(monkeypatch, AppState(sources=state.sample_sources(), kind="sample"))
    state.rebuild(one)
    by_client = state.report(state.report_options("client"))
    wide = kpiview.wide(by_client, HEADLINE, "en")
    names = state.dimension_values("client")
    assert state.shares_sample(one) and one.shown is shared.shown
    # what a session does with what it is given does not reach the kept pieces
    wide.iloc[0, 0] = -1.0
    two = _session(monkeypatch, AppState(sources=state.sample_sources(), kind="sample"))
    state.rebuild(two)
    calls: list[str] = []
    real_wide = kpiview._wide
    monkeypatch.setattr(kpiview, "_wide", lambda *a: calls.append("wide") or real_wide(*a))
    assert state.report(state.report_options("client")) is by_client
    again = kpiview.wide(by_client, HEADLINE, "en")
    assert state.shares_sample(two) and two.shown is shared.shown
    assert calls == []  # made by the first session
    assert again.iloc[0, 0] != -1.0
    assert again.equals(real_wide(by_client, HEADLINE, "en", False))
    assert state.dimension_values("client") == names


def test_a_session_leaving_the_sample_as_shipped_renders_for_itself(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.workspace_helpers import create

    shared = state.shared_sample()
    assert shared is not None
    plain = _session(monkeypatch, AppState(sources=state.sample_sources(), kind="sample"))
    state.rebuild(plain)
    state.dimension_values("client")
    assert state.shares_sample(plain)
    kept = shared.shown.keys()
    # another report currency: a cache of its own; the shared one is not emptied
    state.set_money("USD")
    state.dimension_values("client")
    assert not state.shares_sample(plain) and plain.shown is not shared.shown
    assert shared.shown.keys() == kept
    # uploads: their names and pieces stay in their session
    uploads = _session(
        monkeypatch, AppState(sources=[Source("tickets.csv", tickets_csv(50))], kind="uploads")
    )
    state.rebuild(uploads)
    assert state.dimension_values("client") == [f"Client {i}" for i in range(7)]
    assert not state.shares_sample(uploads) and uploads.shown is not shared.shown
    # a workspace open over the sample's files: its own results and pieces
    opened = _session(monkeypatch, AppState(sources=state.sample_sources(), kind="sample"))
    opened.workspace = create(tmp_path / "acme.duckdb")
    state.rebuild(opened)
    state.dimension_values("client")
    assert state.engine().results is not shared.results and opened.shown is not shared.shown
    assert shared.shown.keys() == kept
    assert "Client 1" not in shared.shown.get(("names", "client"))
