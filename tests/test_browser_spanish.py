"""Every page in Spanish, as drawn in a real browser, shows none of the app's own English
(issue 22): the visible text of each page on the sample data, the Data page after an upload
with rejected rows and column notes, the uploader's box, a multiselect's options and a
table's column menu (Streamlit's fixed English there is hidden or replaced: ui/upload.py,
ui/layout.py). tests/test_app_spanish.py reads every element's texts without a browser.

Run with ``pytest -m browser``; skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from spanish_check import english_in

from kpi.texts import t
from tests.test_browser import app_server
from tests.test_browser_finish import CHROMIUM, CHROMIUM_ARGS, DESKTOP, IDLE
from tests.test_texts_messages import CONTRACTS, STAFF, TICKETS, TIME_ENTRIES

#: every page's address (app.py)
PATHS = (
    "overview", "profitability", "service_desk", "resources", "contracts", "projects",
    "sales", "alerts", "client_report", "data", "settings", "definitions",
)  # fmt: skip
#: the visible text of the page, without the names of Material icons (a ligature such as
#: "upload" or "home" is drawn as an icon, not read) and without code (the SQL a KPI runs,
#: on the Definitions page: its comments are code, in English)
VISIBLE_TEXT = """() => {
  const icons = new Set([...document.querySelectorAll(
    '[data-testid=stIconMaterial], [translate=no]')].map(e => e.textContent.trim()));
  const code = new Set([...document.querySelectorAll('[data-testid=stCode]')]
    .flatMap(e => e.innerText.split('\\n').map(s => s.trim())));
  return document.body.innerText.split('\\n').map(s => s.trim())
    .filter(s => s && !icons.has(s) && !code.has(s));
}"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with app_server() as url:
        yield url


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    """One Spanish session (a Spanish browser) for the module: the sample is read once."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=DESKTOP, locale="es-ES")
        yield context.new_page()
        browser.close()


def _go(page: Any, server: str, path: str) -> None:
    # the Overview is the default page, at the root (/overview is "Page not found")
    page.goto(f"{server}/{'' if path == 'overview' else path}")
    page.locator("h1").first.wait_for(timeout=60_000)
    _idle(page)


def _idle(page: Any) -> None:
    page.wait_for_timeout(500)
    page.wait_for_selector(IDLE, timeout=60_000)
    assert page.locator("[data-testid=stException]").count() == 0


def _visible(page: Any) -> list[str]:
    lines: list[str] = page.evaluate(VISIBLE_TEXT)
    return lines


@pytest.mark.parametrize("path", PATHS)
def test_a_spanish_page_reads_spanish(page: Any, server: str, path: str) -> None:
    _go(page, server, path)
    lines = _visible(page)
    assert t(f"page.{path}", "es") in lines  # the navigation, in Spanish: the page is drawn
    assert english_in(lines) == []


def test_the_uploader_and_an_awkward_upload_read_spanish(page: Any, server: str) -> None:
    _go(page, server, "data")
    box = page.locator("[data-testid=stFileUploader]").first
    # Streamlit's "Upload" and "300MB per file • CSV, ..." are hidden; the button says
    # the catalog's label and the caption below says the limit
    assert english_in([box.inner_text()]) == []
    label = box.locator("[data-testid=stFileUploaderDropzone] button > div > span").first
    assert label.evaluate("e => getComputedStyle(e, '::after').content") == '"Elegir archivos"'
    assert label.is_visible()
    page.get_by_text("Hasta 300 MB por archivo").first.wait_for()
    # an upload with rejected rows, skipped lines and column notes
    files = [("tickets.csv", TICKETS), ("contratos.csv", CONTRACTS), ("time.csv", TIME_ENTRIES),
             ("staff.csv", STAFF)]  # fmt: skip
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(
        [{"name": n, "mimeType": "text/csv", "buffer": b} for n, b in files]
    )
    page.get_by_text("Problemas (").first.wait_for(timeout=120_000)
    _idle(page)
    # the problems table is a canvas: its rows are checked by tests/test_app_spanish.py;
    # here the notes and warnings around it
    for expander in page.locator("[data-testid=stExpander] summary").all():
        expander.click()
    _idle(page)
    lines = _visible(page)
    assert any("coma decimal" in line for line in lines), lines
    assert english_in(lines) == []


def test_no_select_all_in_english(page: Any, server: str) -> None:
    _go(page, server, "alerts")
    # a multiselect offers no "Select all" (none chosen is all)
    page.get_by_role("combobox", name=t("al.filter_rule", "es"), exact=True).first.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    names = [o.inner_text() for o in options.all()]
    assert names and english_in(names) == [], names
    page.keyboard.press("Escape")
    # a table's column menu says "Todas las columnas"
    _go(page, server, "data")
    table = page.locator("[data-testid=stDataFrame]").first
    table.scroll_into_view_if_needed()
    table.hover()
    page.locator(
        "[data-testid=stElementToolbar] button[aria-label='Show/hide columns']"
    ).first.click()
    menu = page.locator("[data-testid=stDataFrameColumnVisibilityMenu]")
    menu.wait_for()
    assert english_in([menu.inner_text()]) == []
    first = menu.locator("label").first
    assert first.evaluate("e => getComputedStyle(e, '::after').content") == '"Todas las columnas"'


def test_the_date_picker_writes_spanish_dates(page: Any, server: str) -> None:
    _go(page, server, "overview")
    page.get_by_role("combobox", name=t("sb.period", "es"), exact=True).first.click()
    page.get_by_role("option", name=t("period.custom", "es"), exact=True).click()
    _idle(page)
    picker = page.locator("[data-testid=stSidebar] [data-testid=stDateInputField]").first
    # the last 12 months of the sample, as the period caption says (1 nov 2025 - 31 oct 2026)
    assert "".join(picker.inner_text().split()) == "01/11/2025–31/10/2026"
