"""Icons are Streamlit's bundled Material Symbols, never emoji (issue 19, item 8).

An emoji shows as an empty box on a machine without an emoji font; ``:material/name:``
icons are drawn with the Material Symbols font Streamlit serves from its own static files.
Read from the source: every string in app.py, pages/ and ui/ (page icons, ``icon=``
arguments, button and tab labels, the text catalog) is free of emoji, and every icon
argument written as a string is a Material icon that Streamlit knows.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.material_icon_names import ALL_MATERIAL_ICONS

ROOT = Path(__file__).resolve().parent.parent

#: characters shown as emoji by default (Unicode's Emoji_Presentation): the pictograph
#: planes U+1F000-U+1FAFF and these ones of the first plane (watch, hourglass, umbrella,
#: zodiac signs, soccer ball, check mark button, sparkles, cross mark, star, ...)
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff"
    "\u231a\u231b\u23e9-\u23ec\u23f0\u23f3\u25fd\u25fe\u2614\u2615\u2648-\u2653\u267f"
    "\u2693\u26a1\u26aa\u26ab\u26bd\u26be\u26c4\u26c5\u26ce\u26d4\u26ea\u26f2\u26f3\u26f5"
    "\u26fa\u26fd\u2705\u270a\u270b\u2728\u274c\u274e\u2753-\u2755\u2757\u2795-\u2797"
    "\u27b0\u27bf\u2b1b\u2b1c\u2b50\u2b55"
    # the emoji variation selector (it turns a text symbol into an emoji: U+26A0 U+FE0F
    # is the emoji warning sign), the keycap and the joiner of emoji sequences
    "\ufe0f\u20e3\u200d]"
)
_MATERIAL = re.compile(r":material/([a-z0-9_]+):")
#: keyword arguments that take an icon (st.Page, st.page_link, st.info, st.button, ...)
_ICON_ARGS = {"icon", "page_icon"}


def emoji_in(text: str) -> list[str]:
    """The emoji characters of ``text``: ``"⚠️ Alerts"`` -> ``["⚠", "\\ufe0f"]``
    (the variation selector makes it one); ``"✓"``, ``"★"`` or ``"→"`` are text."""
    found = _EMOJI.findall(text)
    if "\ufe0f" in found:  # the symbol before the selector is shown as an emoji too
        found += [text[m.start() - 1] for m in re.finditer("\ufe0f", text) if m.start()]
    return found


def _sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "pages").rglob("*.py")),
            *sorted((ROOT / "ui").rglob("*.py"))]  # fmt: skip


def _strings(tree: ast.AST) -> list[ast.Constant]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_the_emoji_finder_tells_emoji_from_text_symbols() -> None:
    for emoji in ("📊", "🏠", "💶", "⚠️", "⚙️", "✅", "💱", "⭐", "1️⃣"):
        assert emoji_in(f"a {emoji} b"), emoji
    for text in ("✓", "★", "→", "≥ 90.0%", "70.0%–85.0%", "±0", "…", "€", "·", "ñ"):
        assert emoji_in(text) == [], text


def test_no_emoji_in_the_app() -> None:
    """No string of app.py, pages/ or ui/ holds an emoji: not as a page icon, an icon
    argument, a label or a text of the catalog."""
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:60]!r}"
        for path in _sources()
        for node in _strings(ast.parse(path.read_text(encoding="utf-8")))
        if emoji_in(node.value)
    ]
    assert found == []


def _icon_strings(tree: ast.AST) -> list[ast.Constant]:
    """The string constants given to an icon argument, also inside an expression
    (``icon=":material/warning:" if n else ":material/check_circle:"``), and the icons
    of app.py's navigation tables (their third item)."""
    out: list[ast.Constant] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                if kw.arg in _ICON_ARGS:
                    out += _strings(kw.value)
        elif isinstance(node, ast.Tuple) and len(node.elts) == 4:
            first, icon = node.elts[0], node.elts[2]
            if isinstance(first, ast.Constant) and str(first.value).startswith("pages/"):
                assert isinstance(icon, ast.Constant)
                out.append(icon)
    return out


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_icon_arguments_are_bundled_material_icons(path: Path) -> None:
    """Every icon written as a string is ``:material/name:`` with a name Streamlit
    ships (``streamlit.material_icon_names``); app.py's page icon is its own SVG (a
    Material page icon would be fetched from fonts.gstatic.com)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in _icon_strings(tree):
        match = _MATERIAL.fullmatch(node.value)
        assert match, f"{path.name}:{node.lineno}: {node.value!r} is not a Material icon"
        assert match[1] in ALL_MATERIAL_ICONS, f"{path.name}:{node.lineno}: unknown {match[1]}"


def test_the_navigation_icons_are_found() -> None:
    """The check above sees app.py's page icons (one per page) and the pages' icons."""
    app = _icon_strings(ast.parse((ROOT / "app.py").read_text(encoding="utf-8")))
    assert len(app) == len(list((ROOT / "pages").glob("*.py")))
    overview = ast.parse((ROOT / "pages" / "overview.py").read_text(encoding="utf-8"))
    assert [n.value for n in _icon_strings(overview)] == [
        ":material/warning:", ":material/check_circle:"
    ]  # fmt: skip
