"""A saved workspace in a real browser (Playwright on Debian's Chromium) against
``streamlit run app.py`` (issue 20): create one from two uploads, reload the page (a new
session) and find it still open with its data, on the Data page and on a dashboard after
a page switch; close it, reload, and it stays closed (its token was revoked).

The server's workspaces' folder is a temp folder (``MSPKPI_WORKSPACES``). Run with
``pytest -m browser``; skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kpi.workspace.folder import FOLDER_ENV
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, app_server, idle, nav, shoot
from tests.workspace_helpers import FEB_INVOICES, FEB_TICKETS, JAN_INVOICES, JAN_TICKETS

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]

PASSPHRASE = "correct horse battery"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspaces")


@pytest.fixture(scope="module")
def server(folder: Path) -> Iterator[str]:
    """The app on a free port of the loopback, its workspaces in ``folder``."""
    with app_server({FOLDER_ENV: str(folder)}) as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_page(viewport={"width": 1440, "height": 1800}, locale="en-US")
        outside: list[str] = []
        context.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None
        )
        context.goto(server)
        idle(context)
        yield context
        assert outside == [], f"the app requested outside resources: {outside}"
        browser.close()


def _query(page: object) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)  # type: ignore[attr-defined]


def _sidebar_says(page: object, text: str) -> bool:
    sidebar = page.locator("[data-testid=stSidebar]")  # type: ignore[attr-defined]
    return bool(sidebar.get_by_text(text, exact=True).count())


def test_a_reload_keeps_the_workspace_open_until_it_is_closed(
    page: object, folder: Path, tmp_path: Path
) -> None:
    files = {"tickets.csv": JAN_TICKETS, "invoices.csv": JAN_INVOICES}
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    nav(page, "Data")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(  # type: ignore[attr-defined]
        [str(tmp_path / n) for n in files]
    )
    idle(page, "Showing 2 uploaded file(s).")

    # create the workspace from the uploads (the second form of the folded section)
    page.get_by_text("Saved workspace", exact=True).click()  # type: ignore[attr-defined]
    idle(page)
    form = page.locator("[data-testid=stForm]").nth(1)  # type: ignore[attr-defined]
    form.get_by_label("Workspace name").fill("acme")
    form.get_by_label("Passphrase", exact=True).fill(PASSPHRASE)
    form.get_by_label("The same passphrase again").fill(PASSPHRASE)
    form.get_by_role("button", name="Create the workspace").click()
    idle(page, "Workspace acme created.")
    assert (folder / "acme.duckdb").is_file()
    query = _query(page)
    assert query["workspace"] == ["acme"] and len(query["session"][0]) >= 43
    assert PASSPHRASE not in page.url  # type: ignore[attr-defined]

    # a reload is a new session: the token in the address opens the workspace again
    page.reload()  # type: ignore[attr-defined]
    idle(page, "Workspace: acme")
    page.get_by_role("heading", name="Workspace acme").wait_for()  # type: ignore[attr-defined]
    files_table = page.locator("[data-testid=stDataFrame]").first  # type: ignore[attr-defined]
    files_table.wait_for()
    assert page.get_by_role("button", name="Close the workspace").count() == 1  # type: ignore[attr-defined]

    # next month's exports: previewed, then added
    feb = tmp_path / "2025-02"
    feb.mkdir()
    (feb / "tickets.csv").write_text(FEB_TICKETS, encoding="utf-8")
    (feb / "invoices.csv").write_text(FEB_INVOICES, encoding="utf-8")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(  # type: ignore[attr-defined]
        [str(feb / "tickets.csv"), str(feb / "invoices.csv")]
    )
    idle(page, "Adding the 2 uploaded file(s)")
    shoot(page, "workspace_preview")
    page.get_by_role("button", name="Add 2 file(s) to the workspace").click()  # type: ignore[attr-defined]
    idle(page, "2 file(s) added to workspace acme.")
    shoot(page, "workspace_open")

    # a dashboard shows its data; the address keeps the workspace after the page switch
    nav(page, "Service desk")
    assert _query(page)["session"] == query["session"]
    assert page.get_by_text("No data is loaded.", exact=False).count() == 0  # type: ignore[attr-defined]
    page.reload()  # type: ignore[attr-defined]
    idle(page, "Workspace: acme")
    page.locator("h1", has_text="Service desk").first.wait_for()  # type: ignore[attr-defined]

    # closing revokes the token: a reload of the same address opens nothing
    nav(page, "Data")
    address = page.url  # type: ignore[attr-defined]
    page.get_by_role("button", name="Close the workspace").click()  # type: ignore[attr-defined]
    idle(page, "Workspace acme closed; its session has ended.")
    assert "session" not in _query(page)
    page.reload()  # type: ignore[attr-defined]
    idle(page, "Saved workspace")
    assert not _sidebar_says(page, "Workspace: acme")
    # the old address (with the revoked token) asks for the passphrase
    page.goto(address)  # type: ignore[attr-defined]
    idle(page, "has ended (expired or closed)")
    assert not _sidebar_says(page, "Workspace: acme")
    assert "session" not in _query(page)
