"""docs/ is the specification: it names every KPI and canonical column, and a citation of
it (``docs/DETAILS.md 14``, ``docs/DATA.md "Recognition"``) points at something that is
there (docs/README.md "How to cite").

:func:`citations` finds the citations in a text and :func:`resolves` checks one against the
docs. The docs, the README and the code (comments, docstrings and texts of kpi/, ui/,
pages/, tests/, bench/ and app.py) are checked here, and the code names the docs/ file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from kpi.metrics import HEADLINE, KPIS
from kpi.metrics.targets import format_target
from kpi.schema import DATASETS

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SPEC_FILES = ("DATA.md", "KPIS.md", "DETAILS.md", "CLI.md")


@dataclass(frozen=True)
class Citation:
    """One thing cited: a numbered item or section, a heading, or the whole file.

    Attributes:
        file: ``DATA.md``, ``KPIS.md``, ``DETAILS.md`` or ``CLI.md``.
        number: a DETAILS.md item or a KPIS.md section (``DETAILS.md 14``), else None.
        heading: a heading or a rule's bold title (``DATA.md "Recognition"``), else None.
        text: the citation as written, for messages.
    """

    file: str
    number: int | None = None
    heading: str | None = None
    text: str = ""


# The file: "DETAILS.md", "docs/KPIS.md", and the bare "DETAILS 25" before a number; not
# inside a longer name ("EXPORT_FORMATS.md", "MY_DATA.md").
_FILE = re.compile(
    r"(?<![\w.-])(?:(?P<file>DATA|KPIS|DETAILS|CLI)\.md\b|(?P<bare>DETAILS)(?=[ \t]+\d))"
)
# What separates the file from what it cites: spaces, or a line break (with the "#" of a
# comment that goes on: "DETAILS.md\n    # 23").
_GAP = re.compile(r"[ \t]+|[ \t]*\n[ \t]*(?:#[ \t]*)?")
# Numbers: "14", "13, 22", "1-3, 9, 12", "18 and 35", "section 3"; not "3.5".
_RANGE = r"\d+(?:[ \t]*[-–][ \t]*\d+)?"
_NUMBERS = re.compile(
    rf"(?:section[ \t]+)?(?P<nums>{_RANGE}(?:[ \t]*(?:,|and|&)[ \t]*{_RANGE})*)(?![.,]?\d)"
)
# A quoted heading: "Targets and status" (straight or curly quotes).
_QUOTED = re.compile(r"[\"“](?P<name>[^\"”\n]+)[\"”]")
# An unquoted heading: a capitalised word and the lower-case words after it, up to the
# first punctuation ("Recognition", "General rules"); or a dataset's name ("time_entries").
_WORDS = re.compile(r"(?P<name>[A-Z][\w-]*(?:[ \t]+[a-z][\w-]*)*|[a-z][a-z_]*)")


def citations(text: str) -> list[Citation]:
    """The citations of the spec files in ``text``, in order.

    Forms: ``DETAILS.md 14``, ``DETAILS.md 13, 22``, ``DETAILS.md 30-33`` (one citation per
    number), ``DETAILS 25``, ``KPIS.md section 3``, ``KPIS.md "Targets and status"``,
    ``DATA.md Recognition``, ``DATA.md time_entries`` (a dataset's section), with or without
    a ``docs/`` prefix. A file followed by anything else (``KPIS.md defines it``,
    ``CLI.md:``) cites the whole file. Across a line break only numbers and quoted headings
    are read (a sentence may go on with a capital).

    Examples:
        >>> [c.number for c in citations("see DETAILS.md 1-3, 9")]
        [1, 2, 3, 9]
        >>> citations('docs/KPIS.md "Money"')[0].heading
        'Money'
    """
    out: list[Citation] = []
    for m in _FILE.finditer(text):
        file = f"{m.group('file') or m.group('bare')}.md"
        at = m.end()
        gap = _GAP.match(text, at)
        if gap is None:
            if m.group("bare") is None:
                out.append(Citation(file, text=m.group(0)))
            continue
        at = gap.end()
        nums = _NUMBERS.match(text, at)
        if nums is not None:
            written = text[m.start() : nums.end()]
            out.extend(Citation(file, number=n, text=written) for n in _numbers(nums["nums"]))
            continue
        if m.group("bare") is not None:
            continue
        quoted = _QUOTED.match(text, at)
        if quoted is not None:
            out.append(Citation(file, heading=quoted["name"], text=text[m.start() : quoted.end()]))
            continue
        words = _WORDS.match(text, at) if "\n" not in gap.group(0) else None
        if words is not None and (words["name"][0].isupper() or words["name"] in DATASETS):
            out.append(Citation(file, heading=words["name"], text=text[m.start() : words.end()]))
            continue
        out.append(Citation(file, text=m.group(0)))
    return out


def _numbers(written: str) -> list[int]:
    """``"1-3, 9 and 12"`` -> ``[1, 2, 3, 9, 12]``."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|and|&)\s*", written.strip()):
        lo, _, hi = re.sub(r"\s", "", part).replace("–", "-").partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def _fold(name: str) -> str:
    """A heading as compared: lower case, quotes and backticks dropped, spaces collapsed."""
    return " ".join(name.replace("`", "").replace('"', "").lower().split())


@dataclass(frozen=True)
class _Anchors:
    numbers: frozenset[int]
    names: tuple[str, ...]


# "13. **Resolved** = ..." (a numbered item at the margin), "## 8. Project status, at D"
_ITEM = re.compile(r"^(\d+)\.\s", re.M)
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)
_NUMBERED_HEADING = re.compile(r"^(\d+)\.\s+")
# a rule's bold title: "- **Recognition.** A table's ...", "1. **Calendar days.** D, ..."
_BOLD = re.compile(r"^[ \t]*(?:[-*][ \t]+|\d+\.[ \t]+)?\*\*(.+?)\*\*", re.M)


@cache
def _anchors(path: Path) -> _Anchors:
    text = path.read_text(encoding="utf-8")
    numbers = {int(n) for n in _ITEM.findall(text)}
    names = []
    for heading in _HEADING.findall(text):
        numbered = _NUMBERED_HEADING.match(heading)
        if numbered:
            numbers.add(int(numbered.group(1)))
            heading = heading[numbered.end() :]
        names.append(_fold(heading))
    names += [_fold(b.rstrip(".:")) for b in _BOLD.findall(text)]
    return _Anchors(frozenset(numbers), tuple(names))


def _word_prefix(short: str, long: str) -> bool:
    """``short`` is ``long`` or its beginning up to a word's end ("periods" of "periods,
    grouping, as-of date"; not "period" of "periods")."""
    return long.startswith(short) and (len(long) == len(short) or not long[len(short)].isalnum())


def resolves(citation: Citation, docs: Path = DOCS) -> bool:
    """True when the cited file exists in ``docs`` and has what is cited.

    A number is a numbered item at the margin (``14. ...``) or a numbered heading
    (``## 8. ...``). A heading is a heading or a rule's bold title (``**Recognition.**``);
    a quoted name may be the beginning of one (``"Periods"`` for "Periods, grouping, as-of
    date"), an unquoted one also the heading plus the words after it (``Recognition
    rules``).
    """
    path = docs / citation.file
    if not path.is_file():
        return False
    anchors = _anchors(path)
    if citation.number is not None:
        return citation.number in anchors.numbers
    if citation.heading is None:
        return True
    cited = _fold(citation.heading)
    quoted = citation.text.rstrip().endswith(('"', "”"))
    return any(
        _word_prefix(cited, name) or (not quoted and _word_prefix(name, cited))
        for name in anchors.names
    )


# --------------------------------------------------------------------------- the functions


def test_citations_finds_every_form() -> None:
    text = """
    # docs/DETAILS.md 14: ties go to the later row; KPIS.md 8, DETAILS.md 28
    (DETAILS.md 13, 22) and DETAILS.md 1-3, 9, 12 and DETAILS.md 18 and 35
    KPIS.md "Targets and status", DATA.md Recognition: the richer dataset wins
    DATA.md time_entries: hours; KPIS.md section 3; DATA.md Booleans, DETAILS 25, 31
    an empty cost is no cost (DETAILS.md
    # 23); as KPIS.md defines it; CLI.md: exit 2
    """
    got = [(c.file, c.number, c.heading) for c in citations(text)]
    assert got == [
        ("DETAILS.md", 14, None),
        ("KPIS.md", 8, None),
        ("DETAILS.md", 28, None),
        ("DETAILS.md", 13, None),
        ("DETAILS.md", 22, None),
        *(("DETAILS.md", n, None) for n in (1, 2, 3, 9, 12)),
        ("DETAILS.md", 18, None),
        ("DETAILS.md", 35, None),
        ("KPIS.md", None, "Targets and status"),
        ("DATA.md", None, "Recognition"),
        ("DATA.md", None, "time_entries"),
        ("KPIS.md", 3, None),
        ("DATA.md", None, "Booleans"),
        ("DETAILS.md", 25, None),
        ("DETAILS.md", 31, None),
        ("DETAILS.md", 23, None),
        ("KPIS.md", None, None),
        ("CLI.md", None, None),
    ]


def test_citations_ignores_what_is_not_one() -> None:
    text = (
        "KPIS = (...)  # the DETAILS of a thing; EXPORT_FORMATS.md 3; MY_DATA.md 2;\n"
        "see the DETAILS below, version 3.5 of DATA.md.\n"
    )
    got = citations(text)
    # only the last one: DATA.md cited as a whole (".": no number, no heading)
    assert [(c.file, c.number, c.heading) for c in got] == [("DATA.md", None, None)]
    # a capital after a line break starts a sentence, not a heading
    assert citations("as DATA.md\n    Then the row")[0].heading is None
    # quoted headings and numbers may follow a line break (a docstring going on)
    assert citations('DATA.md\n    "General rules"')[0].heading == "General rules"
    # a number that is a version, not an item
    assert citations("DETAILS.md 3.5")[0].number is None


@pytest.fixture
def made_up_docs(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "DETAILS.md").write_text(
        "# Settled details\n\n## Tickets\n"
        "13. **Resolved** = resolved_at, else closed_at.\n"
        "    Such a ticket is dated by its last update.\n"
        "14. **Event logs**: the later row wins.\n",
        encoding="utf-8",
    )
    (tmp_path / "KPIS.md").write_text(
        "# KPI definitions\n\n## Periods, grouping, as-of date\n- **as_of**: the date.\n\n"
        "## 8. Project status, at D\nplanned = ...\n\n## Targets and status\n"
        "### The ten headline KPIs\n",
        encoding="utf-8",
    )
    (tmp_path / "DATA.md").write_text(
        "# Data contract\n\n## General rules\n\n- **Recognition.** Headers are matched.\n"
        "- **Dates and timestamps.** ISO 8601.\n\n### tickets (PSA / help desk tickets)\n",
        encoding="utf-8",
    )
    _anchors.cache_clear()
    yield tmp_path
    _anchors.cache_clear()


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("DETAILS.md 13", True),  # a numbered item
        ("DETAILS.md 14", True),
        ("DETAILS.md 15", False),  # no such item
        ("KPIS.md 8", True),  # a numbered section
        ("KPIS.md 9", False),
        ('KPIS.md "Targets and status"', True),
        ('KPIS.md "targets and STATUS"', True),  # case does not matter
        ('KPIS.md "Periods"', True),  # the beginning of a heading
        ('KPIS.md "Period"', False),  # not at a word's end
        ('KPIS.md "Targets and status of KPIs"', False),  # quoted: no more than the heading
        ('KPIS.md "The ten headline KPIs"', True),
        ('KPIS.md "Project status"', True),  # a numbered heading by its name
        ("DATA.md Recognition", True),  # a rule's bold title
        ("DATA.md Recognition rules", True),  # unquoted: the title, then prose
        ("DATA.md Dates", True),
        ("DATA.md tickets", True),  # a dataset's section, before its parenthesis
        ("DATA.md surveys", False),
        ('DATA.md "Nothing is lost"', False),
        ("DETAILS.md Tickets", True),
        ("DETAILS.md Resolved", True),  # the bold title of a numbered item
        ("KPIS.md defines it", True),  # the whole file
        ("CLI.md 1", False),  # no such file
        ("CLI.md: exit 2", False),
    ],
)
def test_resolves_against_made_up_docs(made_up_docs: Path, text: str, ok: bool) -> None:
    (cited,) = citations(text)
    assert resolves(cited, made_up_docs) is ok, cited


# --------------------------------------------------------------------------- the docs


def _text(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_every_kpi_id_is_in_kpis_md() -> None:
    kpis = _text("KPIS.md")
    missing = [k.id for k in KPIS if not re.search(rf"(?<![\w-]){k.id}(?![\w-])", kpis)]
    assert not missing, f"KPIs not in docs/KPIS.md: {missing}"


def test_every_canonical_column_is_in_its_dataset_section_of_data_md() -> None:
    data = _text("DATA.md")
    sections = re.split(r"^### ", data, flags=re.M)
    for ds in DATASETS.values():
        found = [s for s in sections if re.match(rf"{ds.name}\b", s)]
        assert found, f"docs/DATA.md has no section ### {ds.name}"
        missing = [c.name for c in ds.columns if not re.search(rf"\b{c.name}\b", found[0])]
        assert not missing, f"docs/DATA.md ### {ds.name} lacks {missing}"


def test_details_items_are_numbered_without_gaps() -> None:
    # numbers are never reused or dropped: code cites them
    numbers = [int(n) for n in _ITEM.findall(_text("DETAILS.md"))]
    assert numbers == list(range(1, len(numbers) + 1))
    assert len(numbers) >= 35


def test_the_docs_and_the_readme_cite_what_exists() -> None:
    texts = {f"docs/{name}": _text(name) for name in (*SPEC_FILES, "README.md")}
    texts["README.md"] = (ROOT / "README.md").read_text(encoding="utf-8")
    broken = [
        f"{where}: {c.text}" for where, text in texts.items() for c in citations(text)
        if not resolves(c)
    ]  # fmt: skip
    assert not broken, broken
    # the README points at docs/ as the source of truth
    assert "docs/" in texts["README.md"] and "source of truth" in texts["README.md"]


def _code_files() -> list[Path]:
    """The project's Python files, but this one (its examples cite made-up things)."""
    found = [ROOT / "app.py"]
    for folder in ("kpi", "ui", "pages", "tests", "bench"):
        found += sorted((ROOT / folder).rglob("*.py"))
    return [p for p in found if p.name != Path(__file__).name]


# a spec file named without its folder: "DETAILS.md 14", "DETAILS 25" (not "docs/DETAILS.md";
# a quoted file name is a path: DOCS / "KPIS.md")
_BARE = re.compile(r"""(?<![\w./'"-])(?:(?:DATA|KPIS|DETAILS|CLI)\.md|DETAILS(?=[ \t]+\d))""")


def test_the_codes_citations_name_docs_and_resolve() -> None:
    broken, bare = [], []
    for path in _code_files():
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        broken += [f"{where}: {c.text}" for c in citations(text) if not resolves(c)]
        bare += [f"{where}: {m.group(0)}" for m in _BARE.finditer(text)]
    assert not broken, broken
    assert not bare, f"cite docs/...: {bare}"


def test_a_broken_citation_in_code_is_found(made_up_docs: Path) -> None:
    # the check above can fail: a citation of an item the docs do not have
    found = citations("x = 1  # docs/DETAILS.md 999: no such item")
    assert found and not resolves(found[0])
    assert _BARE.search("# see DETAILS.md 14") and not _BARE.search("# see docs/DETAILS.md 14")


# --------------------------------------------------------------------------- the README


#: the first line of the README's KPI table
README_KPI_HEADER = "| id | what | unit | default target |"


def readme_kpi_table() -> str:
    """The README's table of KPIs, made from the declarations and their texts: a row per KPI
    in their order, its English label (``kpi.<id>.label`` of kpi/texts; "(headline)" for
    the ten of KPIS.md), unit and default target (``>= 0.7``, ``<= 0.2``, ``0.7..0.85``).
    The README's table is this text, never edited by hand: after adding a KPI,
    ``pytest tests/test_docs.py --update-golden`` writes it."""
    lines = [README_KPI_HEADER, "|---|---|---|---|"]
    for k in KPIS:
        what = k.label("en") + (" (headline)" if k.id in HEADLINE else "")
        shown = format_target(k.target)
        if isinstance(shown, float):
            shown = f"{'<=' if k.direction == 'lower' else '>='} {shown}"
        lines.append(f"| `{k.id}` | {what} | {k.unit} | {shown or ''} |")
    return "\n".join(lines)


def test_the_readme_kpi_table_is_made_from_the_declarations(
    request: pytest.FixtureRequest,
) -> None:
    path = ROOT / "README.md"
    made = readme_kpi_table()
    if request.config.getoption("--update-golden"):
        readme = path.read_text(encoding="utf-8")
        start = readme.index(README_KPI_HEADER)
        made_readme = readme[:start] + made + readme[readme.index("\n\n", start) :]
        path.write_text(made_readme, encoding="utf-8")
    readme = path.read_text(encoding="utf-8")
    start = readme.index(README_KPI_HEADER)
    assert readme[start : readme.index("\n\n", start)] == made
