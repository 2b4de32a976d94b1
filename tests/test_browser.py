"""A real browser (Playwright on Debian's Chromium) against ``streamlit run app.py``.

The flow of issue 4: upload a Spanish cp1252 ``;`` export and an .xlsx, fix one mapping,
filter a client, switch pages, switch language and see Spanish labels, download the KPI
CSV and check its numbers against the CLI. Screenshots of every page go to
``tests/artifacts/`` (ignored by git).

Run with ``pytest -m browser``; skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
CLIENT = "Café Núñez S.L."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


# ------------------------------------------------------------------ files to upload


def tickets_es() -> bytes:
    """A Spanish ticket export: cp1252, ``;``, day-first dates. ``Persona`` (the
    technician) is not recognised: the test maps it by hand. Two clients, 40 tickets
    over January to April 2026; every third ticket escalated, every fifth unresolved."""
    lines = ["Nº ticket;Fecha de creación;Fecha de resolución;Cliente;Persona;Prioridad;Escalado"]
    start = datetime(2026, 1, 5, 9, 0)
    for i in range(40):
        created = start + timedelta(days=2 * i, hours=i % 5)
        resolved = (
            "" if i % 5 == 4 else (created + timedelta(hours=2 + i % 7)).strftime("%d/%m/%Y %H:%M")
        )
        client = CLIENT if i % 2 == 0 else "Ferretería Ñandú S.A."
        tech = "Ana Pérez" if i % 3 else "Luis Gómez"
        lines.append(
            f"{1000 + i};{created:%d/%m/%Y %H:%M};{resolved};{client};{tech};"
            f"{'Alta' if i % 4 == 0 else 'Media'};{'Sí' if i % 3 == 0 else 'No'}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def time_entries_xlsx() -> bytes:
    """Time entries as .xlsx: 2.5 h a weekday for both technicians in January 2026."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Partes"
    ws.append(["Técnico", "Fecha", "Horas", "Cliente", "Facturable"])
    day = date(2026, 1, 1)
    while day.month == 1:
        if day.weekday() < 5:
            ws.append(["Ana Pérez", day, 2.5, CLIENT, "Sí"])
            ws.append(["Luis Gómez", day, 2.5, "Ferretería Ñandú S.A.", "No"])
        day += timedelta(days=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ------------------------------------------------------------------ server and browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def app_server(env: dict[str, str] | None = None) -> Iterator[str]:
    """The app on a free port of the loopback (``env`` added to this process's), its URL
    once it answers; stopped on leaving. The browser tests' one way to start it."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )  # fmt: skip
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {proc.stdout.read() if proc.stdout else ''}")
            time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not start within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with app_server() as url:
        yield url


@pytest.fixture
def page(server: str) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_page(
            viewport={"width": 1440, "height": 1800}, locale="en-US", accept_downloads=True
        )
        outside: list[str] = []
        context.on(
            "request", lambda r: outside.append(r.url) if not r.url.startswith(server) else None
        )
        context.goto(server)
        idle(context)
        yield context
        assert outside == [], f"the app requested outside resources: {outside}"
        browser.close()


def idle(page: object, text: str | None = None, timeout: float = 60_000) -> None:
    """Wait for ``text`` (when given), then for the script to finish running."""
    if text is not None:
        page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
    page.wait_for_selector(IDLE, timeout=timeout)  # type: ignore[attr-defined]
    assert page.locator("[data-testid=stException]").count() == 0  # type: ignore[attr-defined]


def nav(page: object, title: str) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()  # type: ignore[attr-defined]
    # the page's own title first: idle alone could pass before the new page was drawn,
    # and files then set on its uploader were sometimes lost (about 1 run in 5)
    page.locator("h1", has_text=title).first.wait_for(timeout=60_000)  # type: ignore[attr-defined]
    idle(page)


def choose(page: object, box_label: str, option: str) -> None:
    """Pick an option of the selectbox whose label is ``box_label``."""
    page.get_by_role("combobox", name=box_label, exact=True).first.click()  # type: ignore[attr-defined]
    page.get_by_role("option", name=option, exact=True).click()  # type: ignore[attr-defined]
    idle(page)


def shoot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


# ------------------------------------------------------------------ the flow


def test_upload_fix_filter_translate_download(page: object, tmp_path: Path) -> None:
    files = {"tickets_es.csv": tickets_es(), "partes.xlsx": time_entries_xlsx()}
    for name, blob in files.items():
        (tmp_path / name).write_bytes(blob)

    # upload both files at once on the Data page
    nav(page, "Data")
    page.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(  # type: ignore[attr-defined]
        [str(tmp_path / n) for n in files]
    )
    idle(page, "Showing 2 uploaded file(s).")
    page.get_by_text("tickets_es.csv → Tickets").click()  # type: ignore[attr-defined]
    idle(page)

    # fix one mapping: the technician is in the column "Persona"
    choose(page, "technician", "Persona")
    with page.expect_download() as dl:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Download this mapping as a preset").first.click()  # type: ignore[attr-defined]
    preset = json.loads(Path(dl.value.path()).read_text(encoding="utf-8"))
    assert preset["dataset"] == "tickets" and preset["columns"]["technician"] == "Persona"
    (tmp_path / "preset.json").write_text(json.dumps(preset), encoding="utf-8")
    shoot(page, "data")

    # filter a client (the sidebar's multiselect is searchable)
    clients = page.get_by_role("combobox", name="Clients", exact=True)  # type: ignore[attr-defined]
    clients.click()
    clients.fill("Café")
    page.get_by_role("option", name=CLIENT, exact=True).click()  # type: ignore[attr-defined]
    page.keyboard.press("Escape")  # type: ignore[attr-defined]
    idle(page)

    # switch pages: the technicians of the fixed mapping are there, the filter persists
    nav(page, "Service desk")
    idle(page, "Tickets opened")
    sidebar = page.locator("[data-testid=stSidebar]")  # type: ignore[attr-defined]
    assert sidebar.get_by_text(CLIENT).count() >= 1
    nav(page, "Resources")

    # switch language and see Spanish labels
    sidebar.get_by_text("Español").click()
    idle(page, "Recursos")
    nav(page, "Resumen")
    idle(page, "Tasa de escalado")
    assert page.get_by_text("Filtros").count() >= 1  # type: ignore[attr-defined]

    # download the KPI CSV (Spanish dialect: ";" and decimal commas) ...
    with page.expect_download() as dl:  # type: ignore[attr-defined]
        page.get_by_role("button", name="Todos los KPIs, formato largo (CSV)").click()  # type: ignore[attr-defined]
    raw = Path(dl.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    app_rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))

    # ... and check its numbers against the CLI on the same files, preset, client and
    # period (the sidebar compares with the previous period unless told otherwise; its
    # last 12 months end with the last complete month, the CLI's default period at as_of)
    from kpi import load_files
    from ui import periods

    as_of = load_files([tmp_path / "tickets_es.csv", tmp_path / "partes.xlsx"]).as_of
    assert as_of is not None
    start, end = periods.period_range(periods.DEFAULT_PRESET, as_of)
    cli = subprocess.run(
        [sys.executable, "-m", "kpi", "report", str(tmp_path / "tickets_es.csv"),
         str(tmp_path / "partes.xlsx"), "--preset", str(tmp_path / "preset.json"),
         "--client", CLIENT, "--compare", "previous", "--lang", "en",
         "--start", start.isoformat(), "--end", end.isoformat()],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    cli_rows = list(csv.reader(io.StringIO(cli.stdout)))
    assert app_rows[0] == cli_rows[0]
    numeric = {"value", "numerator", "denominator", "target", "previous", "delta"}
    header = cli_rows[0]
    as_cli = [
        [c.replace(",", ".") if header[i] in numeric else c for i, c in enumerate(row)]
        for row in app_rows[1:]
    ]
    # tickets and time entries of one client: ticket and hour KPIs, no utilisation
    assert {"tickets_opened", "escalation_rate", "hours_worked"} <= {r[0] for r in as_cli}
    assert "utilization" not in {r[0] for r in as_cli}
    assert as_cli == cli_rows[1:]

    # a screenshot of every page, in Spanish
    for title in ("Resumen", "Rentabilidad", "Service desk", "Recursos", "Contratos y equipos",
                  "Proyectos", "Ventas y pipeline", "Alertas", "Datos", "Ajustes",
                  "Definiciones"):  # fmt: skip
        nav(page, title)
        shoot(page, title.lower().replace(" ", "_"))
