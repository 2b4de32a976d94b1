"""AppTest: a KPI card's "show the rows" opens the rows behind its number (issue 21): a
sortable table, capped for display and saying so, and the CSV and XLSX downloads of every
row, equal to the engine's rows for the sidebar's options."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from test_app_pages import APP, TIMEOUT, _no_errors, _record_download_buttons, navigation_only

import ui.state
from kpi import LoadOptions, load_files
from kpi.report import Engine, ReportOptions
from ui import downloads, rowsview

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _sample(monkeypatch: pytest.MonkeyPatch) -> None:
    navigation_only(monkeypatch)


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_files([ui.state.SAMPLE_DIR], LoadOptions()))


def _open_rows(at: AppTest, button_key: str) -> None:
    at.button(key=button_key).click().run()
    _no_errors(at)


def test_a_card_shows_its_rows_with_downloads(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    buttons = _record_download_buttons(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/service_desk.py").run()
    _no_errors(at)
    buttons.clear()
    _open_rows(at, "rows_sd_sla_rate")
    texts = [c.value.replace("\\", "") for c in at.caption]  # Markdown escapes aside
    # the engine's rows for the page's options (the sidebar's default period)
    start, end = _default_period(engine)
    want = engine.rows("sla_rate", ReportOptions(start=start, end=end))
    assert len(want.table) > rowsview.SHOWN_ROWS
    assert any(f"{len(want.table):,} tickets" in x for x in texts), texts
    assert any("Showing the first 1,000 of" in x for x in texts), texts
    shown = [d.value for d in at.dataframe if "ticket_id" in d.value.columns]
    assert len(shown) == 1 and len(shown[0]) == rowsview.SHOWN_ROWS
    assert list(shown[0]["ticket_id"]) == list(want.table["ticket_id"][: rowsview.SHOWN_ROWS])
    csv = buttons["rows_dialog_sla_rate_csv"]()
    xlsx = buttons["rows_dialog_sla_rate_xlsx"]()
    assert isinstance(csv, bytes) and csv.startswith(downloads.BOM.encode() + b"ticket_id,")
    every = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert len(every) == len(want.table)
    assert every["numerator"].sum() == want.table["numerator"].sum()
    book = pd.read_excel(io.BytesIO(xlsx), sheet_name="sla_rate")
    assert len(book) == len(want.table)


def test_the_rows_speak_spanish(monkeypatch: pytest.MonkeyPatch) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.radio(key="lang").set_value("es").run()
    at.switch_page("pages/service_desk.py").run()
    _open_rows(at, "rows_sd_csat")
    texts = [c.value.replace("\\", "") for c in at.caption]  # Markdown escapes aside
    assert any("respuestas CSAT. La columna numerator suma" in x for x in texts), texts
    assert any(b.label == "Ver las filas" for b in at.button)


def _default_period(engine: Engine) -> Any:
    from ui import periods

    assert engine.as_of is not None
    return periods.period_range(periods.DEFAULT_PRESET, engine.as_of)
