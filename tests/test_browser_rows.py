"""A real browser clicks a bar of a chart and sees the rows behind it (issue 21): on the
Service desk, a bar of "CSAT by client" shows that client's survey responses, as many as
the engine gives for the sidebar's period, with their CSV download (every row).

Run with ``pytest -m browser``; skipped when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from test_browser import CHROMIUM, idle, nav, page, server, shoot  # noqa: F401 (fixtures)

from kpi import LoadOptions, load_files
from kpi.report import Engine, ReportOptions
from ui import periods

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"),
]


def test_clicking_a_bar_shows_its_rows(page: object) -> None:  # noqa: F811 (the fixture)
    engine = Engine(load_files([ROOT / "sample_data"], LoadOptions()))
    assert engine.as_of is not None
    start, end = periods.period_range(periods.DEFAULT_PRESET, engine.as_of)

    nav(page, "Service desk")
    idle(page, "CSAT by client")
    chart = page.locator("[data-testid=stVegaLiteChart]").filter(has_text="CSAT by client")  # type: ignore[attr-defined]
    bar = chart.locator(".mark-rect path").first
    # Vega labels each bar with its fields: "CSAT: 93%; Client: Acme Logística S.L.; ..."
    found = re.search(r"Client: ([^;]+);", bar.get_attribute("aria-label") or "")
    assert found, bar.get_attribute("aria-label")
    client = found.group(1).strip()
    bar.click()
    idle(page, f"CSAT · {client}: the rows behind it")

    want = engine.rows("csat", ReportOptions(start=start, end=end), {"client": client})
    n = len(want.table)
    assert n > 0
    heading = page.get_by_text(f"CSAT · {client}: the rows behind it").first  # type: ignore[attr-defined]
    # the bordered container the heading, the table and the downloads are in
    panel = heading.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    assert panel.get_by_text(f"{n:,} CSAT responses", exact=False).count() == 1
    assert panel.locator("[data-testid=stDataFrame]").count() == 1
    shoot(page, "rows_of_a_bar")
    with page.expect_download() as dl:  # type: ignore[attr-defined]
        panel.get_by_role("button", name="Rows (CSV)").click()
    rows = pd.read_csv(io.BytesIO(Path(dl.value.path()).read_bytes()), encoding="utf-8-sig")
    assert len(rows) == n and set(rows["client"]) == {client}
    assert rows["numerator"].sum() == want.table["numerator"].sum()
