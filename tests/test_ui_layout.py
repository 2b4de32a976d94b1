"""The print copy of a table (ui/layout.py); the CSS itself is checked in a browser
(tests/test_browser_finish.py prints the Overview to PDF and opens it at 400 px)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from ui import layout


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    out: list[str] = []
    monkeypatch.setattr(layout.st, "html", lambda body, *a, **k: out.append(body))
    return out


def _styled(n: int) -> Any:
    frame = pd.DataFrame({"Client": ["<b>ACME</b>", *(f"C{i}" for i in range(1, n))],
                          "Margin": [0.5, *([None] * (n - 1))]})  # fmt: skip
    return frame.style.format({"Margin": lambda v: f"{v:.0%}"}, na_rep="—")


def test_a_tables_print_copy_keeps_its_formats_escapes_names_and_stops_at_a_limit(
    sent: list[str],
) -> None:
    layout.print_copy(_styled(80))
    (html,) = sent
    assert html.startswith('<div class="msp-print-only">')
    assert "&lt;b&gt;ACME&lt;/b&gt;" in html and "<b>ACME" not in html  # text, not markup
    assert "50%" in html and "—" in html  # the page's formats
    assert "C59" in html and "C60" not in html  # the first PRINT_ROWS rows
    assert layout.PRINT_ROWS == 60


def test_the_layout_css_is_sent_as_a_style_only_block(sent: list[str]) -> None:
    # a style-only st.html takes no room on the page
    layout.inject()
    (css,) = sent
    assert css.strip().startswith("<style>") and css.strip().endswith("</style>")
    assert "@media print" in css and "A4 landscape" in css and "max-width: 640px" in css
