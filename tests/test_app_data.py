"""AppTest of the Data page: upload, the mapping editor (and the KPIs following it),
presets round-trip, sample data, clear all, and names shown as text."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import ui.i18n
import ui.state
from kpi.metrics import get
from kpi.report import Engine, ReportOptions

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PERIOD_EN = ui.state.widget_key(ui.state.K_PERIOD, "en")
COMPARE_EN = ui.state.widget_key(ui.state.K_COMPARE, "en")
TIMEOUT = 120

# Three tickets: two of "Acme" (sites Norte and Sur), one of "Beta" (site Sur).
# "Client" is recognised as the client column; "Site" is not mapped automatically.
TICKETS = (
    b"Ticket ID,Created,Resolved,Client,Site,Priority\n"
    b"1,2024-01-05 10:00,2024-01-05 12:00,Acme,Norte,P1\n"
    b"2,2024-01-10 09:00,,Acme,Sur,P2\n"
    b"3,2024-02-01 09:00,2024-02-02 09:00,Beta,Sur,P1\n"
)
# A Spanish export: cp1252, ";" and decimal commas, day-first dates.
CONTRACTS_ES = (
    "Contrato;Cliente;Fecha de inicio;Fecha de fin;Importe;Periodo\n"
    "C1;Acme;01/01/2023;;1.200,50;Mensual\n"
    "C2;Señora Núñez;15/03/2023;31/12/2024;3.000,00;Trimestral\n"
).encode("cp1252")


def navigation_only(mp: pytest.MonkeyPatch) -> None:
    """AppTest resets Streamlit's "pages/ folder" flag before every run (a server sets it
    once), so every run would start as a v1 multipage run that ``page.frame_guard``
    turns into a rerun, and a rerun drops button clicks. Start each run the way a
    server does once ``app.py`` has called ``st.navigation``."""
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        PagesManager.uses_pages_directory = False
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    mp.setattr(PagesManager, "__init__", init)


@pytest.fixture
def at(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AppTest:
    """A session on the Data page with an empty sample folder (uploads only)."""
    empty = tmp_path / "sample"
    empty.mkdir()
    monkeypatch.setattr(ui.state, "SAMPLE_DIR", empty)
    navigation_only(monkeypatch)
    app = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    app.switch_page("pages/data.py").run()
    return app


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _upload(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    uploader = next(u for u in at.get("file_uploader") if u.key.startswith("data_upload_"))
    uploader.set_value([(name, blob, "application/octet-stream") for name, blob in files])
    at.run()
    _no_errors(at)


def _table_with(at: AppTest, column: str) -> object:
    """The first table (as a DataFrame) that has ``column``."""
    for df in at.dataframe:
        if column in df.value.columns:
            return df.value
    raise AssertionError(f"no table with a column {column!r}")


def _state(at: AppTest) -> ui.state.AppState:
    state = at.session_state[ui.state._STATE_KEY]
    assert isinstance(state, ui.state.AppState)
    return state


def test_upload_several_files_at_once(at: AppTest) -> None:
    _upload(at, [("tickets.csv", TICKETS), ("contratos.csv", CONTRACTS_ES)])
    state = _state(at)
    assert state.kind == "uploads"
    assert [s.name for s in state.sources] == ["tickets.csv", "contratos.csv"]
    data = state.data
    assert data is not None
    assert {f.file: f.dataset for f in data.files} == {
        "tickets.csv": "tickets",
        "contratos.csv": "contracts",
    }
    # the cp1252 accents and the decimal comma are read right: 1.200,50 -> 1200.5
    contracts = data.tables["contracts"].to_pydict()
    assert contracts["client"] == ["Acme", "Señora Núñez"]
    assert contracts["amount"] == [1200.5, 3000.0]
    # the uploader was emptied (files are copied once) and the files table shows them
    assert next(u.key for u in at.get("file_uploader")) == "data_upload_1"
    assert _table_with(at, "Rejected")["File"].tolist() == ["tickets.csv", "contratos.csv"]


def test_the_mapping_editor_changes_a_mapping_and_the_kpis_follow(at: AppTest) -> None:
    _upload(at, [("tickets.csv", TICKETS)])
    state = _state(at)
    assert state.data is not None
    assert sorted(set(state.data.tables["tickets"].column("client").to_pylist())) == [
        "Acme",
        "Beta",
    ]
    client_select = next(s for s in at.selectbox if s.key and s.key.endswith("|client"))
    assert client_select.value == "Client"
    client_select.set_value("Site").run()
    _no_errors(at)
    state = _state(at)
    assert state.data is not None
    assert state.overrides[("tickets.csv", None)].columns == {"client": "Site"}
    tickets = state.data.tables["tickets"].to_pydict()
    assert sorted(set(tickets["client"])) == ["Norte", "Sur"]
    # the sidebar offers the new clients and the KPIs follow: Sur has tickets 2 and 3
    assert at.multiselect(key=ui.state.K_CLIENTS).options == ["Norte", "Sur"]
    at.multiselect(key=ui.state.K_CLIENTS).set_value(["Sur"])
    at.selectbox(key=PERIOD_EN).set_value("custom").run()
    at.date_input(key=ui.state.K_RANGE + ".w").set_value((date(2024, 1, 1), date(2024, 2, 29)))
    at.switch_page("pages/service_desk.py").run()
    _no_errors(at)
    opened = next(m for m in at.metric if m.label == get("tickets_opened").label("en"))
    assert opened.value == "2"


def test_a_preset_round_trips(at: AppTest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _upload(at, [("tickets.csv", TICKETS)])
    next(s for s in at.selectbox if s.key and s.key.endswith("|client")).set_value("Site").run()
    state = _state(at)
    report = state.data.files[0] if state.data else None
    assert report is not None and report.mapping["client"] == "Site"
    # the preset the page offers for download (same builder as the button)
    from ui.dataview import preset_of

    preset = preset_of("tickets", report.mapping, state.views[0].result.options).to_json()
    assert preset["dataset"] == "tickets" and preset["columns"]["client"] == "Site"

    # a new session: load the preset, then the file; the file is read with the preset
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    fresh.switch_page("pages/data.py").run()
    preset_box = next(u for u in fresh.get("file_uploader") if u.key.startswith("preset_upload_"))
    preset_box.set_value(("tickets_preset.json", json.dumps(preset).encode(), "application/json"))
    fresh.run()
    _no_errors(fresh)
    assert [p.to_json() for p in _state(fresh).presets] == [preset]
    _upload(fresh, [("tickets.csv", TICKETS)])
    data = _state(fresh).data
    assert data is not None
    assert data.files[0].mapping["client"] == "Site"
    assert sorted(set(data.tables["tickets"].column("client").to_pylist())) == ["Norte", "Sur"]


def test_a_bad_preset_is_reported_not_raised(at: AppTest) -> None:
    box = next(u for u in at.get("file_uploader") if u.key.startswith("preset_upload_"))
    box.set_value(("bad.json", b'{"dataset": "nope"}', "application/json"))
    at.run()
    _no_errors(at)
    assert any("nope" in e.value for e in at.error)
    assert _state(at).presets == []


def test_clear_all_and_back_to_the_sample(at: AppTest, tmp_path: Path) -> None:
    _upload(at, [("tickets.csv", TICKETS)])
    at.button(key="data_clear").click().run()
    _no_errors(at)
    state = _state(at)
    assert state.kind == "none" and state.sources == [] and state.data is not None
    assert state.data.tables == {}
    # every dashboard says there is nothing to show, without an exception
    at.switch_page("pages/overview.py").run()
    _no_errors(at)
    at.switch_page("pages/data.py").run()
    (ui.state.SAMPLE_DIR / "tickets.csv").write_bytes(TICKETS)
    at.button(key="data_use_sample").click().run()
    _no_errors(at)
    assert _state(at).kind == "sample"
    assert _state(at).data is not None and "tickets" in _state(at).data.tables  # type: ignore[union-attr]


def test_rejected_rows_are_counted_and_listed(at: AppTest) -> None:
    bad = TICKETS + b"4,not a date,,Acme,Sur,P1\n"
    _upload(at, [("tickets.csv", bad)])
    files = _table_with(at, "Rejected")
    assert files["Rejected"].tolist() == [1]
    problems = _table_with(at, "Problem")
    assert "not a date" in problems["Value"].tolist()


def test_names_with_markup_are_shown_as_text(at: AppTest) -> None:
    evil = "<script>alert(1)</script>"
    blob = TICKETS.replace(b"Beta", evil.encode())
    _upload(at, [("tickets <b>x</b>.csv", blob)])
    assert evil in at.multiselect(key=ui.state.K_CLIENTS).options
    for page in ("pages/data.py", "pages/overview.py", "pages/service_desk.py"):
        at.switch_page(page).run()
        _no_errors(at)
        for md in at.markdown:
            assert not md.proto.allow_html, md.value
            assert "<script>" not in md.value


def test_markdown_link_names_do_not_become_links(at: AppTest) -> None:
    # a client named like a markdown link must never render as a clickable link
    evil = "[x](javascript:alert(1))"
    blob = TICKETS.replace(b"Beta", evil.encode())
    _upload(at, [("tickets.csv", blob)])
    assert evil in at.multiselect(key=ui.state.K_CLIENTS).options
    pages = ("pages/data.py", "pages/overview.py", "pages/service_desk.py", "pages/alerts.py")
    for page in pages:
        at.switch_page(page).run()
        _no_errors(at)
        for md in [*at.markdown, *at.caption, *at.title, *at.header, *at.subheader]:
            assert "](javascript:" not in md.value, (page, md.value)


def test_big_data_is_kept_once_by_the_engine(at: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    # loaded data this big (here: 5 rows) is not kept twice: once the engine has its
    # copy, the session keeps the schemas and counts, and every page still works
    monkeypatch.setattr(ui.state, "KEEP_READ_MAX_ROWS", 5)
    _upload(at, [("tickets.csv", TICKETS), ("contratos.csv", CONTRACTS_ES)])
    at.switch_page("pages/service_desk.py").run()
    _no_errors(at)
    state = _state(at)
    assert state.engine is not None and state.data is state.engine.data
    assert state.data.tables["tickets"].num_rows == 0
    assert (state.data.rows("tickets"), state.data.rows("contracts")) == (3, 2)
    assert state.data.has("tickets", "priority")
    # the sidebar's clients come from the engine; the report counts every ticket
    assert at.multiselect(key=ui.state.K_CLIENTS).options == [
        "Acme",
        "Beta",
        "Señora Núñez",
    ]
    report = state.engine.report(ReportOptions(kpis=["tickets_opened"]))
    assert report["value"].tolist() == [3.0]
    at.switch_page("pages/data.py").run()
    _no_errors(at)
    counts = _table_with(at, "Rows")
    assert counts is not None
    assert dict(zip(counts["Dataset"], counts["Rows"], strict=True)) == {
        "Tickets": 3,
        "Contracts": 2,
    }


def test_uploads_are_dropped_from_streamlits_storage_once_copied(
    at: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Streamlit keeps a session's uploads until the session ends; the session has its
    # own copy, so the upload storage lets them go (no second copy of the raw bytes)
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

    managers: list[MemoryUploadedFileManager] = []
    removed: list[str] = []
    real = MemoryUploadedFileManager.remove_file

    def remove(self: MemoryUploadedFileManager, session_id: str, file_id: str) -> None:
        managers.append(self)
        removed.append(file_id)
        real(self, session_id, file_id)

    monkeypatch.setattr(MemoryUploadedFileManager, "remove_file", remove)
    _upload(at, [("tickets.csv", TICKETS), ("contratos.csv", CONTRACTS_ES)])
    assert len(removed) == 2 and len(set(removed)) == 2
    assert all(not any(m.file_storage.values()) for m in managers)
    assert [s.name for s in _state(at).sources] == ["tickets.csv", "contratos.csv"]
    assert _state(at).sources[0].data == TICKETS


# Issue 18 item 5: one agreement billed on a period no word knows.
CONTRACTS_UNKNOWN = (
    b"Agreement ID,Company,Start Date,Bill Amount,Billing Cycle\n"
    b"A1,Acme,2024-01-01,600.00,Semi-Annually\n"
    b"A2,Beta,2024-01-01,2400.00,Every other year\n"
)


def test_the_months_of_an_unknown_billing_period_are_set_on_the_data_page(
    at: AppTest,
) -> None:
    _upload(at, [("agreements.csv", CONTRACTS_UNKNOWN)])
    state = _state(at)
    assert state.data is not None
    # A2 is out of MRR (NULL months) until its months are given: MRR = 600 / 6 = 100
    assert state.data.tables["contracts"].column("billing_months").to_pylist() == [6, None]
    assert "Billing periods not recognised" in " ".join(c.value for c in at.caption)
    months = [n for n in at.number_input if n.key and "|billing_months|" in n.key]
    assert [n.label for n in months] == ["Months of “Every other year”"]
    assert months[0].value is None
    months[0].set_value(24).run()
    _no_errors(at)
    state = _state(at)
    assert state.overrides[("agreements.csv", None)].options == {
        "billing_months": {"Every other year": 24}
    }
    assert state.data is not None
    assert state.data.tables["contracts"].column("billing_months").to_pylist() == [6, 24]
    assert not [p for p in state.data.problems if p.severity == "warning"]
    # MRR at Jun 30 2024: 600 / 6 + 2400 / 24 = 100 + 100 = 200
    report = Engine(state.data).report(ReportOptions(kpis=["mrr"], as_of=date(2024, 6, 30)))
    assert report["value"].tolist() == [200.0]
    # the input shows the value set, and the preset to download keeps it
    (shown,) = [n for n in at.number_input if n.key and "|billing_months|" in n.key]
    assert shown.value == 24
    from ui.dataview import preset_of

    view = _state(at).views[0]
    preset = preset_of("contracts", state.data.files[0].mapping, view.result.options)
    assert preset.to_json()["options"] == {"billing_months": {"Every other year": 24}}


# A week of hours (Mon 3 - Fri 7 March 2025, 5 weekdays): Ana Ruiz 40 h/week, Beto Gil
# 20 h/week; billable Ana 8 + 6, Beto 4 + 3 = 21 h (Ana's 4 h of the 5th are not billable).
STAFF = b"Technician,Hourly Cost,Weekly Hours\nAna Ruiz,30,40\nBeto Gil,25,20\n"
ENTRIES = (
    b"Member,Date,Hours,Billable\n"
    b"Ana Ruiz,2025-03-03,8,Yes\nAna Ruiz,2025-03-04,6,Yes\nAna Ruiz,2025-03-05,4,No\n"
    b"Beto Gil,2025-03-03,4,Yes\nBeto Gil,2025-03-06,3,Yes\n"
)
# a bare list of names: staff by "Nombre", with none of staff's evidence -> low confidence
NAMES = "Nombre\nCarla Díaz\n".encode()


def test_a_low_confidence_file_feeds_no_kpi_until_confirmed(at: AppTest) -> None:
    week = ReportOptions(start=date(2025, 3, 3), end=date(2025, 3, 7), as_of=date(2025, 3, 7))

    def utilisation() -> float:
        from kpi.report import compute_report

        data = _state(at).data
        assert data is not None
        df = compute_report(data, week)
        return float(df.loc[df["kpi"] == "utilization", "value"].iloc[0])

    def shown_utilisation() -> tuple[str, bool]:
        """The Resources page's utilisation card, and whether it warns of held tables."""
        at.switch_page("pages/resources.py").run()
        _no_errors(at)
        metric = next(m for m in at.metric if m.label == get("utilization").label("en"))
        warns = any("feed no KPI until you confirm them" in w.value for w in at.warning)
        at.switch_page("pages/data.py").run()
        return str(metric.value), warns

    _upload(at, [("staff.csv", STAFF), ("hours.csv", ENTRIES), ("nombres.csv", NAMES)])
    at.selectbox(key=PERIOD_EN).set_value("custom").run()
    at.date_input(key=ui.state.K_RANGE + ".w").set_value((date(2025, 3, 3), date(2025, 3, 7)))
    at.run()
    state = _state(at)
    assert state.data is not None
    held = next(f for f in state.data.files if f.file == "nombres.csv")
    assert (held.dataset, held.confidence, held.runner_up) == ("staff", "low", "devices")
    assert (held.rows_read, held.rows_loaded, held.rows_rejected) == (1, 0, 1)
    # Carla is not a technician yet: available = 40 + 20 = 60 h, utilisation 21 / 60
    assert state.data.tables["staff"].column("technician").to_pylist() == ["Ana Ruiz", "Beto Gil"]
    assert utilisation() == pytest.approx(21 / 60)
    before = shown_utilisation()
    # the files table shows dataset, confidence and runner-up next to each file
    files = _table_with(at, "Confidence")
    row = files[files["File"] == "nombres.csv"].iloc[0]
    assert (row["Dataset"], row["Confidence"], row["Runner-up"]) == (
        "Staff", "low: confirm it", "Devices"
    )  # fmt: skip
    assert files[files["File"] == "staff.csv"].iloc[0]["Confidence"] == "high"
    assert any("feeds no KPI until you confirm it" in w.value for w in at.warning)

    confirm = next(b for b in at.button if b.key and b.key.startswith("confirm|"))
    assert confirm.label == "Confirm: read as Staff"
    confirm.click().run()
    _no_errors(at)
    state = _state(at)
    assert state.overrides[("nombres.csv", None)].dataset == "staff"
    assert state.data is not None
    f = next(f for f in state.data.files if f.file == "nombres.csv")
    assert (f.confidence, f.rows_loaded, f.rows_rejected) == ("high", 1, 0)
    # Carla counts at the default 40 h a week: available 60 + 40 = 100 h, 21 / 100
    assert utilisation() == pytest.approx(21 / 100)
    after = shown_utilisation()
    assert (before, after) == (("35.0%", True), ("21.0%", False))
    files = _table_with(at, "Confidence")
    assert files[files["File"] == "nombres.csv"].iloc[0]["Confidence"] == "confirmed"


@pytest.mark.parametrize("how", ["nothing", "header_only"])
def test_without_data_the_overview_says_so_and_how_to_load_it(at: AppTest, how: str) -> None:
    # nothing loaded, or an export with its headers and no row: the Overview says that
    # no data is loaded and links to the Data page; not "no alerts", not "these filters"
    if how == "header_only":
        _upload(at, [("tickets.csv", TICKETS.split(b"\n")[0] + b"\n")])
        assert _state(at).data is not None and _state(at).data.rows("tickets") == 0  # type: ignore[union-attr]
    at.switch_page("pages/overview.py").run()
    _no_errors(at)
    shown = (
        [e.value for e in at.info] + [m.value for m in at.markdown] + [c.value for c in at.caption]
    )
    assert any(ui.i18n.t("common.no_data_hint", "en") == text for text in shown), shown
    assert not any("filters" in str(text) or "No alerts" in str(text) for text in shown)
    assert not at.metric
