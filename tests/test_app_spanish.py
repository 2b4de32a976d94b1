"""Every page in Spanish shows no English of the app's own (issue 22): AppTest reads every
text of every element (labels, help, options, placeholders, captions, tables' headers and
cells, expanders...) on the sample data, and on the Data page after an upload with
rejected rows and column notes. tests/test_browser_spanish.py reads the drawn page.

The English looked for: :mod:`spanish_check` (the catalog's texts whose Spanish differs,
and Streamlit's fixed English the app covers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from google.protobuf.message import Message
from spanish_check import english_in, english_phrases, pieces
from streamlit.testing.v1 import AppTest

import ui.state
from tests.test_app_pages import APP, PAGES, navigation_only
from tests.test_texts_messages import CONTRACTS, STAFF, TICKETS, TICKETS_LATER, TIME_ENTRIES

TIMEOUT = 180
_STYLE = re.compile(r"<style>.*?</style>", re.DOTALL)


def _strings(message: Message) -> Iterator[str]:
    """Every text field of a protobuf message, nested ones too (a widget's label, help,
    options, placeholder; a markdown's body; an expander's label)."""
    for _field, value in message.ListFields():
        if isinstance(value, int | float | bytes):
            continue
        # a repeated field is a container of its values
        values = [value] if isinstance(value, str | Message) else list(value)
        for v in values:
            if isinstance(v, str):
                yield v
            elif isinstance(v, Message):
                yield from _strings(v)


def page_texts(at: AppTest) -> list[str]:
    """Every text the session's last run drew, in the page and the sidebar: the element
    protos' texts (a style-only ``st.html`` without its CSS; not the SQL of ``st.code``),
    and each table's headers and text cells."""
    out: list[str] = []

    def walk(node: Any) -> None:
        if getattr(node, "type", None) == "code":
            return  # the SQL a KPI runs (its comments are code, in English)
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            out.extend(_STYLE.sub("", s) for s in _strings(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    for table in at.dataframe:
        frame: pd.DataFrame = table.value
        out.extend(str(c) for c in frame.columns)
        for column in frame.columns:
            if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
                out.extend(str(v) for v in frame[column].dropna().unique())
    return out


@pytest.fixture
def spanish(monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A session in Spanish on the sample data."""
    navigation_only(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.radio(key="lang").set_value("es").run()
    return at


# ------------------------------------------------------------------ the checker


def test_the_checker_knows_the_catalogs_english() -> None:
    phrases = english_phrases()
    assert "Client health" in phrases  # Overview, "Salud de clientes"
    assert "alerts to review" in phrases  # "{n} alerts to review"
    assert "blank row" in phrases  # a problem (kpi.texts.messages)
    # a text Spanish writes the same is not English to look for
    assert "Service desk" not in phrases
    assert pieces("{n} alerts to review", "{n} alertas por revisar") == ["alerts to review"]
    assert pieces("Target", "Objetivo") == []  # one word: maybe a client's name


def test_the_checker_finds_an_english_text_among_spanish_ones() -> None:
    shown = ["Salud de clientes", "17 alertas por revisar", "Acme S.L."]
    assert english_in(shown) == []
    found = english_in([*shown, "3 alerts to review", "Brand Health Ltd"])
    assert len(found) == 1 and "'alerts to review'" in found[0]
    # Streamlit's own English, which the app hides
    assert english_in(["Upload", "300MB per file • CSV"]) != []
    assert english_in(["Select all"]) != []
    # a word inside another is not the phrase ("Client reports" is not "Client report")
    assert english_in(["Client reportsx"]) == []


def test_the_walk_finds_an_injected_english_text(
    spanish: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a Spanish text replaced by its English: the walk of the page must catch it
    from kpi.texts import CATALOGS

    monkeypatch.setitem(CATALOGS["es"], "ov.health_title", CATALOGS["en"]["ov.health_title"])
    spanish.switch_page("pages/overview.py").run()
    assert any("Client health" in f for f in english_in(page_texts(spanish)))


# ------------------------------------------------------------------ every page


@pytest.mark.parametrize("page", PAGES)
def test_a_spanish_page_shows_no_english(spanish: AppTest, page: str) -> None:
    spanish.switch_page(page).run()
    assert not spanish.exception, [e.message for e in spanish.exception]
    texts = page_texts(spanish)
    assert len(texts) > 20, texts  # the page was drawn
    assert english_in(texts) == []


def test_the_data_page_after_an_awkward_upload_shows_no_english(spanish: AppTest) -> None:
    # rejected rows, skipped lines, merges and column notes (tests/test_texts_messages.py)
    spanish.switch_page("pages/data.py").run()
    uploader = next(u for u in spanish.get("file_uploader") if u.key.startswith("data_upload_"))
    uploader.set_value(
        [
            (name, blob, "text/csv")
            for name, blob in (
                ("tickets.csv", TICKETS),
                ("tickets_later.csv", TICKETS_LATER),
                ("contratos.csv", CONTRACTS),
                ("time.csv", TIME_ENTRIES),
                ("staff.csv", STAFF),
            )
        ]
    )
    spanish.run()
    assert not spanish.exception, [e.message for e in spanish.exception]
    texts = page_texts(spanish)
    joined = "\n".join(texts)
    # the upload's problems and notes are on the page, in Spanish
    for shown in ("fila en blanco", "falta un valor obligatorio", "coma decimal"):
        assert shown in joined, shown
    assert english_in(texts) == []


def test_the_sample_data_is_what_the_walk_reads() -> None:
    assert any(Path(ui.state.SAMPLE_DIR).glob("*.csv"))
