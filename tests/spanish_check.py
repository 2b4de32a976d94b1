"""Finds the app's own English in what a Spanish page shows (issue 22: "a test walks every
page in Spanish and fails on any of the app's own English texts").

The English to look for: every text of ``kpi/texts/en.toml`` whose Spanish differs, cut at
its ``{placeholders}`` into the fixed pieces a page can show (a piece of two words or more:
"Client health", "to review"; a single word like "Target" may be a client's or a column's
name), and Streamlit's fixed English that the app covers (:data:`STREAMLIT_ENGLISH`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from kpi.texts import CATALOGS

#: Streamlit's own English the app hides or replaces (ui/upload.py, ui/layout.py; the
#: multiselects have no "Select all"), as regexes: the uploader's button and instructions
#: and the bulk choice of a multiselect or a table's column menu
STREAMLIT_ENGLISH = (
    r"\bUpload\b",
    r"Drag and drop",
    r"Browse files",
    r"\bper file\b",
    r"Select all",
)
#: English pieces a Spanish page shows on purpose: the names of things in both languages
#: (a KPI, a data set or a column keeps its English id; "Service desk" is Spanish too)
ALLOWED = frozenset(
    {
        "Service desk",
    }
)
_PLACEHOLDER = re.compile(r"\{\w+\}")
_WORD = re.compile(r"[A-Za-z]+")


def pieces(english: str, spanish: str) -> list[str]:
    """The fixed pieces of an English text a page may show, those of two words or more
    and not in its Spanish text: ``"{n} alerts to review"`` -> ``["alerts to review"]``."""
    out = []
    for piece in _PLACEHOLDER.split(english):
        piece = piece.strip(" \n\t.,:;()[]·—-–%/\"'")
        words = _WORD.findall(piece)
        if len(words) < 2 or piece in spanish or piece in ALLOWED:
            continue
        out.append(piece)
    return out


@cache
def english_phrases() -> tuple[str, ...]:
    """Every piece of every catalog text that Spanish writes otherwise, longest first."""
    en, es = CATALOGS["en"], CATALOGS["es"]
    found = {p for key, text in en.items() if text != es[key] for p in pieces(text, es[key])}
    return tuple(sorted(found, key=lambda p: (-len(p), p)))


@cache
def _pattern() -> re.Pattern[str]:
    """One regex for all of them: a catalog piece between word boundaries, or one of
    Streamlit's."""
    catalog = [rf"(?<!\w){re.escape(p)}(?!\w)" for p in english_phrases()]
    return re.compile("|".join([*catalog, *STREAMLIT_ENGLISH]))


def english_in(texts: Iterable[str]) -> list[str]:
    """The English found in ``texts``: each as ``found  <<  in text``, for a message that
    says where."""
    out = []
    for text in texts:
        for m in _pattern().finditer(text):
            at = max(0, m.start() - 40)
            out.append(f"{m.group(0)!r}  <<  {text[at : m.end() + 40]!r}")
    return out
