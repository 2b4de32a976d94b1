"""AppTest: the Client report page shows a client's review as it will print and downloads
it as the PDF the engine's numbers make; "All clients" gives one PDF per client in a ZIP."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

import ui.state
from kpi import LoadOptions, load_files
from kpi.present.client_report import file_name
from kpi.report import Engine
from tests.test_app_pages import (
    APP,
    TIMEOUT,
    _no_errors,
    _record_download_buttons,
    navigation_only,
    sample_dir,  # noqa: F401  (the fixture)
)

PAGE = "pages/client_report.py"
Q3 = "2026-07-01..2026-09-30"  # the sample's last complete quarter (as_of 2026-10-31)


@pytest.fixture(autouse=True)
def _sample(sample_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(ui.state, "SAMPLE_DIR", sample_dir)
    navigation_only(monkeypatch)


@pytest.fixture(scope="module")
def clients(sample_dir: Path) -> list[str]:  # noqa: F811
    return Engine(load_files([sample_dir], LoadOptions())).clients()


def _record(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Key -> data of the download buttons of the next runs: those made with
    ``st.download_button`` too (bound when streamlit is imported, so not through the
    class :func:`_record_download_buttons` patches)."""
    import streamlit as st

    seen = _record_download_buttons(monkeypatch)
    real = st.download_button

    def recording(label: str, data: Any, *args: Any, **kwargs: Any) -> Any:
        seen[str(kwargs.get("key"))] = lambda: data
        return real(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return seen


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_page_shows_the_report_and_downloads_its_pdf(
    monkeypatch: pytest.MonkeyPatch, clients: list[str], lang: str
) -> None:
    buttons = _record(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.radio(key="lang").set_value(lang).run()
    at.switch_page(PAGE).run()
    _no_errors(at)
    assert at.selectbox(key="cr_client").value == clients[0]
    other = clients[1]
    at.selectbox(key="cr_client").set_value(other).run()
    _no_errors(at)
    assert "cr_download" in buttons, sorted(buttons)
    pdf = buttons["cr_download"]()
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert other in text and clients[0] not in text
    assert ("Revisión del servicio" if lang == "es" else "Service review") in text
    assert len(at.get("image")) >= 2  # the pages, as they will print


def test_all_clients_gives_a_zip_of_pdfs(
    monkeypatch: pytest.MonkeyPatch, clients: list[str]
) -> None:
    buttons = _record(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page(PAGE).run()
    at.button(key="cr_all").click().run()
    _no_errors(at)
    with zipfile.ZipFile(io.BytesIO(buttons["cr_zip_download"]())) as zf:
        names = zf.namelist()
        assert sorted(names) == sorted(file_name(c, Q3) for c in clients)
        assert clients[2] in _text(zf.read(file_name(clients[2], Q3)))
