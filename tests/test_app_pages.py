"""AppTest: every page runs on the sample data, and the numbers follow the filters as the
engine says (the expected numbers come from the engine run outside the app)."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.material_icon_names import ALL_MATERIAL_ICONS
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import ui.i18n
import ui.state
from kpi import LoadOptions, load_files
from kpi.metrics import HEADLINE, KPIS, get
from kpi.present import fmt
from kpi.read import SUPPORTED_EXTENSIONS
from kpi.report import Engine, ReportOptions
from ui import periods

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PERIOD_EN = ui.state.widget_key(ui.state.K_PERIOD, "en")
COMPARE_EN = ui.state.widget_key(ui.state.K_COMPARE, "en")
PAGES = [
    "pages/overview.py",
    "pages/profitability.py",
    "pages/service_desk.py",
    "pages/resources.py",
    "pages/contracts.py",
    "pages/projects.py",
    "pages/sales.py",
    "pages/alerts.py",
    "pages/client_report.py",
    "pages/data.py",
    "pages/settings.py",
    "pages/definitions.py",
]
TIMEOUT = 180
#: Streamlit's own PagesManager.__init__ (before navigation_only replaces it)
STREAMLIT_PAGES_INIT = PagesManager.__init__


def _has_sample(folder: Path) -> bool:
    return any(p.suffix.lower() in SUPPORTED_EXTENSIONS for p in folder.iterdir())


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed sample data; generated into a temporary folder when the checkout
    does not have it yet (same generator, same seed)."""
    real = ui.state.SAMPLE_DIR
    if _has_sample(real):
        return real
    out = tmp_path_factory.mktemp("sample")
    subprocess.run(
        [sys.executable, str(real / "generate.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out


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


@pytest.fixture(autouse=True)
def _sample(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ui.state, "SAMPLE_DIR", sample_dir)
    navigation_only(monkeypatch)


@pytest.fixture(scope="module")
def engine(sample_dir: Path) -> Engine:
    """The engine on the sample, loaded the way the CLI loads it."""
    return Engine(load_files([sample_dir], LoadOptions()))


@pytest.fixture(scope="module")
def shared_app(sample_dir: Path) -> AppTest:
    """One session for the page smoke tests (the data is read once)."""
    mp = pytest.MonkeyPatch()
    mp.setattr(ui.state, "SAMPLE_DIR", sample_dir)
    navigation_only(mp)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    yield at
    mp.undo()


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_page_runs_on_the_sample(shared_app: AppTest, page: str, lang: str) -> None:
    shared_app.radio(key="lang").set_value(lang)
    shared_app.switch_page(page).run()
    _no_errors(shared_app)
    assert shared_app.title, f"{page} shows no title"


def _metric(at: AppTest, label: str) -> object:
    hits = [m for m in at.metric if m.label == label]
    assert hits, f"no card {label!r}; cards: {[m.label for m in at.metric]}"
    return hits[0]


def _expected(engine: Engine, kpi_id: str, opts: ReportOptions, column: str = "value") -> object:
    df = engine.report(opts)
    return df.loc[df["kpi"] == kpi_id, column].iloc[0]


def _default_period(engine: Engine) -> tuple[date, date]:
    assert engine.as_of is not None
    return periods.period_range(periods.DEFAULT_PRESET, engine.as_of)


def test_overview_shows_the_ten_headline_kpis_as_the_engine_computes_them(
    engine: Engine,
) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _no_errors(at)
    start, end = _default_period(engine)
    opts = ReportOptions(start=start, end=end)
    for kpi_id in HEADLINE:
        card = _metric(at, get(kpi_id).label("en"))
        want = fmt.value(_expected(engine, kpi_id, opts), get(kpi_id).unit, "en")
        assert card.value == want, kpi_id


def _overview(at: AppTest) -> tuple[list[tuple[str, str, str | None]], pd.DataFrame]:
    return [(m.label, m.value, m.delta) for m in at.metric], at.dataframe[0].value


def test_two_sessions_on_the_sample_see_the_same_overview_from_shared_results() -> None:
    # issue 23: the sessions on the sample as shipped share its results and rendered
    # pieces (ui/state.py SharedSample); each keeps its own engine, filters and numbers
    one = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    two = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _no_errors(one)
    _no_errors(two)
    cards, health = _overview(one)
    assert len(cards) == len(HEADLINE) and len(health) > 1
    assert _overview(two)[0] == cards and _overview(two)[1].equals(health)
    first, second = (at.session_state[ui.state._STATE_KEY] for at in (one, two))
    assert first.engine is not second.engine and first.engine.core.con is not second.engine.core.con
    assert first.engine.results is second.engine.results and first.shown is second.shown
    # one session's filter is its own
    client = str(health.iloc[0, 0])
    one.multiselect(key=ui.state.K_CLIENTS).set_value([client]).run()
    _no_errors(one)
    assert _overview(one)[0] != cards
    two.run()
    assert _overview(two)[0] == cards and _overview(two)[1].equals(health)


def test_a_client_filter_changes_the_numbers_as_the_engine_says(engine: Engine) -> None:
    start, end = _default_period(engine)
    by_client = engine.report(ReportOptions(start=start, end=end, by="client"))
    csat = by_client[by_client["kpi"] == "csat_responses"].sort_values("value")
    client = csat["client"].iloc[-1]  # the client with most survey responses
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    before = _metric(at, "CSAT").value
    at.multiselect(key=ui.state.K_CLIENTS).set_value([client]).run()
    _no_errors(at)
    want = _expected(engine, "csat", ReportOptions(start=start, end=end, clients=[client]))
    assert _metric(at, "CSAT").value == fmt.value(want, "ratio", "en")
    assert _metric(at, "CSAT").value != before
    # utilisation has no client dimension (docs/DETAILS.md 8): not shown under a client filter
    assert _metric(at, get("utilization").label("en")).value == fmt.EMPTY


def test_period_and_comparison_change_the_numbers_as_the_engine_says(engine: Engine) -> None:
    assert engine.as_of is not None
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key=PERIOD_EN).set_value("last_quarter").run()
    at.selectbox(key=COMPARE_EN).set_value("year").run()
    _no_errors(at)
    start, end = periods.period_range("last_quarter", engine.as_of)
    opts = ReportOptions(start=start, end=end, compare="year")
    for kpi_id in ("csat", "fcr_rate", "escalation_rate"):
        card = _metric(at, get(kpi_id).label("en"))
        assert card.value == fmt.value(_expected(engine, kpi_id, opts), "ratio", "en")
        delta = fmt.delta(_expected(engine, kpi_id, opts, "delta"), "ratio", "en")
        assert card.delta == delta, kpi_id


def test_a_comparison_before_the_data_shows_no_delta_and_says_why(engine: Engine) -> None:
    # "All data" on the sample is Nov 1 2024 .. Oct 31 2026 (24 whole months): the previous
    # period is Nov 2022 .. Oct 2024, before the data begins on Nov 1 2024. The cards used
    # to show the whole value as the change (previous 0)
    assert engine.data_start == date(2024, 11, 1) and engine.as_of == date(2026, 10, 31)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key=PERIOD_EN).set_value("all_data").run()
    _no_errors(at)
    captions = [c.value for c in at.caption]
    # the sidebar shows the data's span; the period is that span
    assert "The data spans Nov 1, 2024 – Oct 31, 2026" in captions
    cards = [m for m in at.metric if m.value != fmt.EMPTY]
    assert len(cards) >= 8
    assert all(not m.delta for m in cards), [(m.label, m.delta) for m in cards]
    note = ("no comparison: the comparison period 2022-11-01..2024-10-31 starts before the "
            "data begins (2024-11-01)")  # fmt: skip
    assert any(fmt.escape_md(note) == c for c in captions), captions
    # the page's period line says it in the language's dates
    assert any(
        "no comparison: the comparison period (Nov 1, 2022 – Oct 31, 2024) starts before the "
        "data begins (Nov 1, 2024)" in c
        for c in captions
    ), captions
    at.radio(key="lang").set_value("es").run()
    _no_errors(at)
    captions = [c.value for c in at.caption]
    assert "Los datos abarcan 1 nov 2024 – 31 oct 2026" in captions
    note_es = ("sin comparación: el periodo de comparación 2022-11-01..2024-10-31 empieza antes "
               "de que empiecen los datos (2024-11-01)")  # fmt: skip
    assert any(fmt.escape_md(note_es) == c for c in captions), captions
    assert all(not m.delta for m in at.metric)
    # last 12 months (the default): Nov 2025 .. Oct 2026 against Nov 2024 .. Oct 2025,
    # inside the data: the cards have their changes again
    at.radio(key="lang").set_value("en").run()
    at.selectbox(key=PERIOD_EN).set_value("last_12_months").run()
    assert any(m.delta for m in at.metric)


def test_filters_persist_across_pages(engine: Engine) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key=PERIOD_EN).set_value("ytd").run()
    at.switch_page("pages/service_desk.py").run()
    at.switch_page("pages/overview.py").run()
    assert at.selectbox(key=PERIOD_EN).value == "ytd"


def test_language_switch_and_browser_locale() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert at.title[0].value == "Overview"
    at.radio(key="lang").set_value("es").run()
    _no_errors(at)
    assert at.title[0].value == "Resumen"
    assert any(m.label == get("gross_margin_pct").label("es") for m in at.metric)
    # a Spanish browser starts in Spanish
    es = AppTest.from_file(APP, default_timeout=TIMEOUT)
    es.context = {"locale": "es-ES"}
    es.run()
    assert es.title[0].value == "Resumen"
    assert es.radio(key="lang").value == "es"


def _record_download_buttons(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Key -> ``data`` of every download button of the next runs (bytes, or the function
    Streamlit calls on click: AppTest has no server to call it)."""
    from streamlit.elements.widgets.button import ButtonMixin

    seen: dict[str, Any] = {}
    real = ButtonMixin.download_button

    def recording(self: Any, label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        seen[str(kwargs.get("key"))] = data if callable(data) else (lambda: data)
        return real(self, label, data, *args, **kwargs)

    monkeypatch.setattr(ButtonMixin, "download_button", recording)
    return seen


def test_the_kpi_csv_download_has_the_numbers_of_the_cli(
    engine: Engine,
    sample_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The "All KPIs" CSV of a filtered page equals ``python -m kpi report`` with the
    same filters, cell by cell (numbers as text, so not one digit may differ)."""
    import csv
    import io

    from kpi.cli import main
    from ui import downloads

    buttons = _record_download_buttons(monkeypatch)
    assert engine.as_of is not None
    start, end = periods.period_range("ytd", engine.as_of)
    clients = sorted(engine.clients())[:2]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key=PERIOD_EN).set_value("ytd")
    at.multiselect(key=ui.state.K_CLIENTS).set_value(clients)
    at.selectbox(key=COMPARE_EN).set_value("previous")
    buttons.clear()
    at.run()
    _no_errors(at)
    kpi_csv = buttons.get("dl_kpis_overview")
    assert kpi_csv is not None, "the page offered no KPI CSV"
    data = kpi_csv()  # built on click, as Streamlit's worker thread does
    assert isinstance(data, bytes) and data.startswith(downloads.BOM.encode() + b"kpi,client,")
    app_text = data.decode("utf-8").removeprefix(downloads.BOM)

    argv = ["report", str(sample_dir), "--start", start.isoformat(), "--end", end.isoformat(),
            "--compare", "previous"]  # fmt: skip
    for c in clients:
        argv += ["--client", c]
    capsys.readouterr()
    assert main(argv) == 0
    cli_text = capsys.readouterr().out
    app_rows = list(csv.reader(io.StringIO(app_text)))
    cli_rows = list(csv.reader(io.StringIO(cli_text)))
    assert app_rows[0] == ["kpi", "client", "period", "value", "numerator", "denominator", "unit",
                           "target", "status", "previous", "delta"]  # fmt: skip
    assert len(app_rows) > 20
    assert app_rows == cli_rows


def test_a_target_changed_in_settings_changes_the_status(engine: Engine) -> None:
    start, end = _default_period(engine)
    csat = _expected(engine, "csat", ReportOptions(start=start, end=end))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/settings.py").run()
    # a target just below the sample's CSAT (in percent, as the page asks for it)
    at.number_input(key="tg_csat_0").set_value(float(csat) * 100 - 0.5).run()
    _no_errors(at)
    state = at.session_state[ui.state._STATE_KEY]
    assert abs(state.targets["csat"] - (float(csat) - 0.005)) < 1e-9
    at.switch_page("pages/overview.py").run()
    opts = ReportOptions(start=start, end=end, targets={"csat": float(csat) - 0.005})
    assert _expected(engine, "csat", opts, "status") == "ok"
    badges = [m.value for m in at.markdown if "badge[" in m.value]
    assert badges[1] == ":green-badge[On target]"  # the CSAT card is the second
    # back to the defaults
    at.switch_page("pages/settings.py").run()
    at.button(key="settings_reset_targets").click().run()
    assert at.session_state[ui.state._STATE_KEY].targets == {}


def _alerts_shown(at: AppTest) -> list[tuple[str, str]]:
    """The alerts the Alerts page shows, in order, as (rule label, estimate): the cards
    (one estimate metric each), then the table's rows."""
    cards = [m for m in at.metric if m.label == "At stake (estimate)"]
    rules = [
        m.value.split("**")[1] for m in at.markdown if m.value.startswith("**") and " · " in m.value
    ]
    shown = list(zip(rules, [c.value for c in cards], strict=True))
    if at.table:
        rest = at.table[0].value
        shown += list(zip(rest["Rule"], rest["At stake (estimate)"], strict=True))
    return shown


def test_settings_say_the_defaults_in_the_inputs_unit() -> None:
    # a "40.00" input in % says "Default: 40%" (not 0.4); the device target is whole
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/settings.py").run()
    _no_errors(at)
    captions = [c.value for c in at.caption]
    assert any(c.endswith("Default: 40%") for c in captions), captions
    assert any(c.endswith("Default: 70%–85%") for c in captions), captions
    assert not any(c.endswith("Default: 0.4") for c in captions)
    margin = at.number_input(key="tg_gross_margin_pct_0")
    assert margin.value == 40.0 and margin.format == "%.2f"
    devices = at.number_input(key="tg_uncovered_devices_0")
    assert devices.value == 0.0 and devices.format == "%.0f"


def test_alert_thresholds_are_editable(engine: Engine) -> None:
    start, end = _default_period(engine)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/alerts.py").run()
    _no_errors(at)
    default = engine.alerts(ReportOptions(start=start, end=end))
    assert len(_alerts_shown(at)) == len(default)
    # CSAT alerts only below 50 %: the sample has none that low
    key = next(n.key for n in at.number_input if n.key.startswith("al_th_csat_low_"))
    at.number_input(key=key).set_value(50.0).run()
    _no_errors(at)
    want = engine.alerts(ReportOptions(start=start, end=end), {"csat_low": 0.5})
    assert "csat_low" in set(default["rule"]) and "csat_low" not in set(want["rule"])
    assert len(_alerts_shown(at)) == len(want)
    # filter by rule
    at.multiselect(key="al_rules_en").set_value(["sla_low", "stale_opportunity"]).run()
    assert {r for r, _ in _alerts_shown(at)} == {"SLA below target", "Stale opportunity"}


def test_alerts_page_shows_the_top_alerts_as_cards_and_the_rest_as_a_table(
    engine: Engine,
) -> None:
    # issue 21 part 2: the engine's ranking (estimate, severity), the top five as cards
    # with the suggested action in full, the rest as a static table with every cell whole
    from ui import alertview

    start, end = _default_period(engine)
    want = engine.alerts(ReportOptions(start=start, end=end))
    assert len(want) > alertview.TOP_CARDS
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/alerts.py").run()
    _no_errors(at)
    expected = [
        (ui.i18n.t(f"rule.{a.rule}", "en"), alertview.estimate_text(a.estimate, "en", "EUR"))
        for a in want.itertuples()
    ]
    assert _alerts_shown(at) == expected
    assert len([m for m in at.metric if m.label == "At stake (estimate)"]) == alertview.TOP_CARDS
    # each card says the suggested action in full, and the estimate's formula or why none
    actions = [m.value for m in at.markdown if m.value.startswith("**Suggested action:**")]
    assert len(actions) == alertview.TOP_CARDS
    for a, shown in zip(want.itertuples(), actions, strict=False):
        _, action = alertview.split_message(a.rule, a.message, "en")
        assert shown == "**Suggested action:** " + fmt.escape_md(action)
    notes = [c.value for c in at.caption if c.value.startswith(("Estimate", "No estimate"))]
    assert notes == [
        fmt.escape_md(alertview.estimate_note(a.rule, a.estimate, "en"))
        for a in want.head(alertview.TOP_CARDS).itertuples()
    ]
    assert notes[0].startswith("Estimate\\: \\(threshold \\- gross margin %\\)")
    # the table: the other alerts, messages whole (a static table, never cut)
    rest = at.table[0].value
    assert rest["Suggested action"].tolist() == want["message"].iloc[alertview.TOP_CARDS :].tolist()


def test_overview_links_the_top_three_alerts(engine: Engine) -> None:
    from ui import alertview

    start, end = _default_period(engine)
    want = engine.alerts(ReportOptions(start=start, end=end))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _no_errors(at)
    links = [(p.proto.label, p.proto.page) for p in at.get("page_link")]
    top = [alertview.link_label(a, "en", "EUR") for a in want.head(3).itertuples()]
    assert links[0] == (f"{len(want)} alerts to review", "alerts")
    assert links[1:4] == [(label, "alerts") for label in top]
    icons = [p.proto.icon for p in at.get("page_link")][1:4]
    assert icons == [alertview.SEVERITY_ICONS[s] for s in want["severity"].head(3)]
    assert {i.removeprefix(":material/").removesuffix(":") for i in icons} <= ALL_MATERIAL_ICONS
    # the largest estimate first: the sample's underwater client's margin gap
    assert top[0].startswith("Low margin · Hotel Mirador")


def test_definitions_list_every_kpi_with_its_sql() -> None:
    from kpi.metrics import KPIS

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/definitions.py").run()
    _no_errors(at)
    table = at.dataframe[0].value
    assert table["kpi"].tolist() == [k.id for k in KPIS]
    at.selectbox(key="df_kpi_en").set_value("csat").run()
    assert any("satisfied" in c.value for c in at.code)  # the family query of CSAT
    # the period and comparison rules (issue 18), in both languages
    for lang, title, words in (
        ("en", "Periods and comparisons", "Before the data begins"),
        ("es", "Periodos y comparaciones", "Antes de que empiecen"),
    ):
        at.radio(key="lang").set_value(lang).run()
        assert title in [h.value for h in at.subheader]
        assert any(words in m.value for m in at.markdown)


def test_definitions_list_the_alert_rules_from_their_declarations() -> None:
    # issue 21 part 2: each rule's estimate formula (or why it has none), in both languages
    from kpi.metrics.alert_texts import describe
    from kpi.metrics.alerts import RULES_DECLARED

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/definitions.py").run()
    for lang, col, empty in (("en", "Estimate", "Estimate empty when"),
                             ("es", "Estimación", "Estimación vacía cuando")):  # fmt: skip
        at.radio(key="lang").set_value(lang).run()
        _no_errors(at)
        rules = at.table[0].value
        assert len(rules) == len(RULES_DECLARED)
        words = [describe(r, lang) for r in RULES_DECLARED]
        none = ui.i18n.t("df.al.none", lang)
        assert rules[col].tolist() == [w["estimate"] or none for w in words]
        assert rules[empty].tolist() == [w["no_estimate"] for w in words]


def test_a_page_reached_in_v1_mode_still_runs_inside_the_app(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without ``navigation_only`` every AppTest run starts as Streamlit's v1 "pages/
    folder" mode, like the first deep link after a server start: the page's frame guard
    must bring back app.py (sidebar, language) on the same page."""
    monkeypatch.setattr(PagesManager, "__init__", STREAMLIT_PAGES_INIT)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/data.py").run()
    _no_errors(at)
    assert at.title[0].value == "Data"
    assert at.sidebar.radio(key="lang").value == "en"


def test_a_language_switch_keeps_the_filters() -> None:
    """The period and comparison selects are one widget per language, started from the
    kept value: switching language keeps them (the browser would fall back to the first
    option of a select whose labels changed)."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key=PERIOD_EN).set_value("ytd").run()
    at.selectbox(key=COMPARE_EN).set_value("year").run()
    at.radio(key="lang").set_value("es").run()
    _no_errors(at)
    es_period = at.selectbox(key=ui.state.widget_key(ui.state.K_PERIOD, "es"))
    assert es_period.value == "ytd"
    assert at.selectbox(key=ui.state.widget_key(ui.state.K_COMPARE, "es")).value == "year"
    assert at.session_state[ui.state.K_PERIOD] == "ytd"


def test_the_excel_workbook_has_a_sheet_per_area(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    import openpyxl

    buttons = _record_download_buttons(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _no_errors(at)
    workbook = buttons.get("dl_xlsx_overview")
    assert workbook is not None, "the overview offered no workbook"
    data = workbook()
    assert isinstance(data, bytes)
    book = openpyxl.load_workbook(io.BytesIO(data))
    # the page's tables first (with number formats), the long format last
    assert book.sheetnames == [
        "Summary table", "Client health", "Profitability", "Service desk", "Resources",
        "Contracts & devices", "Projects", "Sales & pipeline", "Definitions", "Alerts",
        "Data problems", "All KPIs",
    ]  # fmt: skip
    all_kpis = book["All KPIs"]
    assert [c.value for c in all_kpis[1]][:4] == ["kpi", "label", "client", "period"]
    summary = book["Summary table"]
    rows = {r[1].value: r for r in summary.iter_rows(min_row=2)}
    assert rows["gross_margin_pct"][2].number_format == "0.0%"
    assert rows["pipeline_weighted"][2].number_format == '#,##0.00 "€"'
    health = book["Client health"]
    assert health.freeze_panes == "A2"
    margin = [c.value for c in health[1]].index("Gross margin %") + 1
    assert health.cell(row=2, column=margin).number_format == "0.0%"
    assert {row[0].value for row in book["Service desk"].iter_rows(min_row=2)} >= {"csat"}


def test_a_failing_page_shows_a_message_and_a_way_forward(monkeypatch: pytest.MonkeyPatch) -> None:
    # An unexpected error inside a page: no traceback, a clear message, a button back to
    # the sample data; the other pages keep working.
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom: secret detail")

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    _no_errors(at)
    monkeypatch.setattr(ui.state, "report", broken)
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(at.error) == 1
    assert "Something went wrong" in at.error[0].value
    assert "boom" not in at.error[0].value
    assert at.button(key="app_error_sample")
    monkeypatch.undo()
    navigation_only(monkeypatch)
    monkeypatch.setattr(ui.state, "SAMPLE_DIR", ui.state.SAMPLE_DIR)
    at.switch_page("pages/data.py").run()
    _no_errors(at)


def test_a_breakdown_is_queried_once_per_filter(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the Service desk's breakdowns are kept like the reports: a rerun without a filter
    # change does not query again; another client does, and gets that client's rows
    import functools

    calls: list[list[str]] = []
    real = Engine.resolution_by_priority

    @functools.wraps(real)
    def counted(self: Engine, opts: Any) -> Any:
        calls.append(list(opts.clients))
        return real(self, opts)

    monkeypatch.setattr(Engine, "resolution_by_priority", counted)
    # the first session on the sample in this process: the earlier tests' sessions shared
    # their results with it (ui/state.py SharedSample)
    monkeypatch.setattr(ui.state, "_SHARED", {})
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/service_desk.py").run()
    at.run()
    _no_errors(at)
    assert calls == [[]]
    client = engine.clients()[0]
    at.multiselect(key=ui.state.K_CLIENTS).set_value([client]).run()
    at.run()
    _no_errors(at)
    assert calls == [[], [client]]


def test_the_service_desk_shows_its_families_kpis_from_the_declarations(engine: Engine) -> None:
    # a KPI declared in the csat or tickets family gets its card without editing the
    # page (reopen_rate did); the escalated tickets are in the escalation chart instead
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/service_desk.py").run()
    _no_errors(at)
    produced = set(engine.report(ReportOptions())["kpi"])
    expected = [k.label("en") for k in KPIS if k.family in ("csat", "tickets")
                and k.id in produced and k.id != "escalated_tickets"]  # fmt: skip
    assert get("reopen_rate").label("en") in expected
    assert sorted(m.label for m in at.metric) == sorted(expected)


def test_the_charts_are_sent_as_streamlit_sends_altair_charts() -> None:
    # ui/chartview.py show: the spec as st.altair_chart makes it (Altair's "none" theme, set
    # by app.py: no default 300 px view), the tables as named Arrow datasets
    import json

    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/service_desk.py").run()
    _no_errors(at)
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 5
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        assert "view" not in spec.get("config", {}), spec.get("config")
        names = {d.name for d in chart.proto.datasets}
        assert names and all(len(d.data.data) > 0 for d in chart.proto.datasets)
        assert "datasets" not in spec  # sent beside the spec, as Arrow
        assert names <= set(re.findall(r'"name": "([0-9a-f]+)"', chart.proto.spec))


def test_a_cards_explanation_is_computed_only_when_its_popover_opens(engine: Engine) -> None:
    # "how is this calculated" runs when opened (a rerun): a filter change no longer
    # builds and sends every card's SQL
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/service_desk.py").run()
    _no_errors(at)
    assert len(at.code) == 0
    at.session_state["how_sd_csat"] = True  # the CSAT card's popover, opened
    at.run()
    _no_errors(at)
    assert len(at.code) == 1 and "satisfied" in at.code[0].value  # CSAT's family query
    # and where the card's number is in its rows: CSAT's numerator and denominator columns
    assert any("`sel_i`" in c.value and "`d" in c.value for c in at.caption)
    # the SQL is the one the card's report ran: under a technician filter, the filter's
    assert "$techs" not in at.code[0].value
    tech = engine.technicians()[0]
    at.multiselect(key=ui.state.K_TECHS).set_value([tech]).run()
    _no_errors(at)
    assert "$techs" in at.code[0].value
    assert engine.explain("csat", ReportOptions(technicians=[tech])).sql == at.code[0].value


def test_the_app_freezes_its_imports_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    # the first run in a process moves the imported code out of the full garbage
    # collection Streamlit forces after each run (ui/process.py); later runs leave it
    import gc

    from ui import process

    calls: list[int] = []
    monkeypatch.setattr(process, "_frozen", False)  # as in a fresh server process
    monkeypatch.setattr(gc, "freeze", lambda: calls.append(1))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _no_errors(at)
    assert calls == [1]
    assert "ui.chartview" in sys.modules and "ui.kpiview" in sys.modules
    at.switch_page("pages/service_desk.py").run()
    _no_errors(at)
    AppTest.from_file(APP, default_timeout=TIMEOUT).run()  # another session
    assert calls == [1]
    assert process.freeze_imports() is False


def test_the_utilisation_bars_show_billable_over_available_hours(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each technician's bar carries "billable / available" hours as the engine reports
    them (the chart writes the pair for the bars it keeps)."""
    from ui import chartview
    from ui.i18n import t

    shown: list[Any] = []
    real_show = chartview.show
    monkeypatch.setattr(chartview, "show", lambda c, **kw: shown.append(c) or real_show(c, **kw))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.switch_page("pages/resources.py").run()
    _no_errors(at)
    title = t("rs.util_by_tech", "en")
    (chart,) = [c for c in shown if c.to_dict().get("title") == title]
    rows = [r for values in chart.to_dict()["datasets"].values() for r in values if "parts" in r]
    start, end = _default_period(engine)
    report = engine.report(ReportOptions(start=start, end=end, by="technician"))

    def hours_of(kpi_id: str) -> dict[str, float]:
        part = report[report["kpi"] == kpi_id]
        return dict(zip(part["technician"], part["value"], strict=True))

    billable, available = hours_of("billable_hours"), hours_of("available_hours")
    assert len(rows) == len(available) > 1
    for r in rows:
        tech = r["technician"]
        want = f"{fmt.hours(billable[tech], 'en')} / {fmt.hours(available[tech], 'en')}"
        assert r["parts"] == want, tech


# ------------------------------------------------------------- check the numbers (issue 18)


def _sample_tickets(sample_dir: Path) -> tuple[int, int]:
    """(tickets, open tickets) of the sample's tickets.csv, counted without the app: the
    final row of each ticket (latest Last Updated) decides; open when it has neither a
    resolution nor a close date, or one before its creation."""
    with open(sample_dir / "tickets.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    def when(text: str) -> datetime | None:
        return datetime.strptime(text, "%m/%d/%Y %I:%M %p") if text else None

    def updated(row: dict[str, str]) -> datetime:
        return datetime.strptime(row["Last Updated"], "%m/%d/%Y %I:%M %p")

    final: dict[str, dict[str, str]] = {}
    for row in rows:
        best = final.get(row["Ticket #"])
        # ties: the later row wins (docs/DETAILS.md 14)
        if best is None or updated(row) >= updated(best):
            final[row["Ticket #"]] = row
    # the sample's README: 255 tickets appear twice
    assert len(rows) - len(final) == 255
    open_ = 0
    for row in final.values():
        done = when(row["Date Resolved"]) or when(row["Closed Date"])
        created = when(row["Date Entered"])
        assert created is not None
        open_ += done is None or done < created
    return len(final), open_


def test_the_data_page_checks_the_numbers_of_the_sample(sample_dir: Path) -> None:
    tickets, open_ = _sample_tickets(sample_dir)
    with open(sample_dir / "contratos.csv", newline="", encoding="cp1252") as fh:
        contracts = list(csv.DictReader(fh, delimiter=";"))
    with_end = sum(1 for c in contracts if c["Fecha fin"].strip())
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/data.py").run()
    _no_errors(at)
    assert "Check the numbers" in [s.value for s in at.subheader]
    # each dataset's sentence heads its panel (Markdown-escaped: "\:" is ":")
    panels = {e.label.replace("\\", ""): e for e in at.expander}
    head = f"{tickets:,} tickets: {tickets - open_:,} with a resolution date, {open_:,} open"
    assert head in panels
    contract_head = next(h for h in panels if h.startswith(f"{len(contracts)} contracts: "))
    assert contract_head.endswith(f", {with_end} with an end date")
    # the tickets' rows by status: every ticket once
    statuses = panels[head].dataframe[0].value
    assert list(statuses.columns) == ["Value", "Rows"]
    assert sum(int(n.replace(",", "")) for n in statuses["Rows"]) == tickets
    # in Spanish, the numbers are grouped the Spanish way
    at.radio(key="lang").set_value("es").run()
    _no_errors(at)
    assert "Comprueba las cifras" in [s.value for s in at.subheader]
    heads = [e.label.replace("\\", "") for e in at.expander]
    spanish = f"{tickets:,} tickets: {tickets - open_:,} con fecha de resolución".replace(",", ".")
    assert any(h.startswith(spanish) for h in heads), heads
