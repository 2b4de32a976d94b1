"""Which rows of a table are data: the header row, and the rows that are not data.

* **Header row**: :func:`_choose_header`, among the first 30 rows.
* **Rows that are not data**: blank rows, totals (``Total for Checking``, ``Grand Totals (3
  records)``, ``Totales``, ``Suma``), group headings (cells only under unnamed columns),
  footers after the data (``Confidential Information - Do Not Distribute``, a trailing
  timestamp line) are skipped with a reason and a row number (:func:`_finish`, the step
  every text and workbook reader ends with). The classification is vectorised with
  ``pyarrow.compute``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.problems import Problem
from kpi.read.raw import (
    _MARK,
    _MARKS,
    _NUL_MARK,
    MAX_HEADER_CHARS,
    HeaderScore,
    RawTable,
    _arr,
    _arr_chunks,
    _cut,
    _to_bool,
    may_need_trim,
    per_column,
    text_buffers,
)
from kpi.texts.messages import english

#: the header is looked for among the first rows of a file
HEADER_SEARCH_ROWS = 30


def _width(cells: Sequence[str]) -> int:
    """Index of the last non-empty cell + 1 (``["a", "", "b", ""]`` -> 3)."""
    for i in range(len(cells) - 1, -1, -1):
        if cells[i]:
            return i + 1
    return 0


def _modal(counts: Sequence[int]) -> int:
    """Most common count; ties go to the larger count (``[3, 3, 5, 5, 1]`` -> 5)."""
    if not counts:
        return 0
    freq = Counter(counts)
    return max(freq, key=lambda c: (freq[c], c))


def _choose_header(rows: Sequence[Sequence[str]], first: int, score: HeaderScore | None) -> int:
    """Index of the header among ``rows`` (trimmed cells), searching from ``first``.

    With a scorer: the best score among the first 30 rows, earliest on ties. Otherwise (or
    when all score 0): the first row with >= 2 non-empty cells whose width is at least the
    most common width of the non-blank rows below it (QuickBooks: the company name, title
    and date range lines are 1 cell wide, the header and data rows 9). Last resort: the
    first non-blank row.
    """
    last = min(len(rows), first + HEADER_SEARCH_ROWS)
    widths = [_width(r) for r in rows]
    if score is not None:
        # a cell longer than any column name is not one (and folding a 100 MB cell to
        # compare it with the aliases would take minutes)
        scores = [
            score([c if len(c) <= MAX_HEADER_CHARS else "" for c in rows[i]]) if widths[i] else 0
            for i in range(first, last)
        ]
        if scores and max(scores) > 0:
            return first + scores.index(max(scores))
    for i in range(first, last):
        if sum(1 for c in rows[i] if c) < 2:
            continue
        below = [w for w in widths[i + 1 :] if w]
        if not below or widths[i] >= _modal(below):
            return i
    for i in range(first, len(rows)):
        if widths[i]:
            return i
    return -1


# --------------------------------------------------------------------------------------
# Row classification (vectorised)
# --------------------------------------------------------------------------------------

#: a totals row: its first non-empty cell starts with one of these words (whole word,
#: any case): "Total", "TOTAL", "Total for Checking (4346)", "Totals", "Grand Totals (3
#: records)", "Totales", "Total general", "Suma", "Subtotal"
_TOTALS_RE = r"^(?:grand\s+)?(?:sub)?(?:total|totals|totales|suma)\b"
#: a footer line after the data (its only non-empty cell): "Confidential Information - Do
#: Not Distribute", "Copyright (c) 2000-2025 salesforce.com", "© 2025", "Accrual Basis
#: Wednesday, September 30, 2026 11:11 AM GMT-05:00", "Wednesday, September 30, ...",
#: "Generated on 2025-01-01", "Page 1 of 2", a lone timestamp "30/09/2026 11:11"
_FOOTER_RE = (
    r"^(?:confidential|copyright|\(c\)|©|generated\b|printed\b|exported\b|report\s+generated"
    r"|page\s+\d|(?:cash|accrual)\s+basis\b"
    r"|(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|lunes|martes|mi[eé]rcoles"
    r"|jueves|viernes|s[aá]bado|domingo)\b"
    r"|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}[ T]+\d{1,2}:\d{2})"
)

_DATA, _BLANK, _TOTALS, _HEADING, _FOOTER, _BROKEN = range(6)
_WHY = {
    _BLANK: english("load.msg.blank_row"),
    _TOTALS: english("load.msg.totals_row"),
    _HEADING: english("load.msg.group_heading"),
    _FOOTER: english("load.msg.footer_line"),
}


def _empty_masks(table: pa.Table) -> list[pa.ChunkedArray]:
    """Per column: True where the cell is empty or only whitespace."""

    def empty(col: pa.ChunkedArray) -> pa.ChunkedArray:
        return pc.or_(pc.equal(pc.binary_length(col), 0), pc.utf8_is_space(col))

    return per_column(empty, table.columns, table.num_rows)


def _leads(texts: pa.ChunkedArray | pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """The first two bytes of each text (0 past its end, and for NULL), read from the
    offsets; None for a column that is not of strings."""
    first = np.zeros(len(texts), dtype=np.uint8)
    second = np.zeros(len(texts), dtype=np.uint8)
    at = 0
    for ch in _arr_chunks(texts):
        buffers = text_buffers(ch)
        if buffers is None:
            return None
        offsets, chars = buffers
        n = len(ch)
        starts, length = offsets[:-1], offsets[1:] - offsets[:-1]
        valid = _to_bool(ch.is_valid()) if ch.null_count else np.ones(n, dtype=bool)
        one, two = valid & (length >= 1), valid & (length >= 2)
        first[at : at + n][one] = chars[starts[one]]
        second[at : at + n][two] = chars[starts[two] + 1]
        at += n
    return first, second


def _totals(first: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Rows whose first non-empty cell (trimmed) is a totals label.

    The regex runs only on the texts that can begin one: "gr", "su" or "to" in any case
    (a regex per text costs tens of ms a million), or the long s (U+017F), the one
    character outside ASCII that case-folds to one of those letters (the other, the
    Kelvin sign, folds to k).
    """
    leads = _leads(first)
    if leads is None:
        return _to_bool(pc.match_substring_regex(first, _TOTALS_RE, ignore_case=True))
    a, b = leads[0] | 0x20, leads[1] | 0x20  # ASCII letters in lower case
    maybe = (
        ((a == ord("g")) & (b == ord("r")))
        | ((a == ord("s")) & (b == ord("u")))
        | ((a == ord("t")) & (b == ord("o")))
        | ((leads[0] == 0xC5) & (leads[1] == 0xBF))
    )
    out = np.zeros(len(first), dtype=bool)
    at = np.flatnonzero(maybe)
    if len(at):
        texts = first.take(pa.array(at))
        out[at] = _to_bool(pc.match_substring_regex(texts, _TOTALS_RE, ignore_case=True))
    return out


def _first_nonempty(table: pa.Table, empties: list[pa.ChunkedArray], blank: np.ndarray) -> Any:
    """Per row: the first non-empty cell, trimmed (NULL for blank rows).

    Only the rows whose first cell is empty go through the other columns (QuickBooks:
    ``,Checking (4346),,`` -> ``Checking (4346)``).
    """
    # chunked as read (one more copy of a column costs a second at 5M rows): the rare
    # rows below need one array
    column0 = table.column(0)
    empty_first = pc.any(empties[0]).as_py()
    first = pc.if_else(empties[0], None, column0) if empty_first else column0
    if empty_first or any(may_need_trim(ch) for ch in _arr_chunks(first)):
        first = pc.utf8_trim_whitespace(first)
    if table.num_columns == 1:
        return first
    empty0 = np.asarray(empties[0].to_numpy(zero_copy_only=False), dtype=bool) & ~blank
    idx = np.flatnonzero(empty0)
    if len(idx) == 0:
        return first
    first = _arr(first)
    sub = table.take(pa.array(idx))
    sub_empties = [e.take(pa.array(idx)) for e in empties]
    val: Any = pa.nulls(len(idx), pa.string())
    for j in range(1, sub.num_columns):
        val = pc.coalesce(val, pc.if_else(sub_empties[j], None, sub.column(j)))
    val = pc.utf8_trim_whitespace(val)
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[idx] = True
    return pc.replace_with_mask(first, pa.array(mask), _arr(val))


def _classify(
    table: pa.Table, headers: list[str], single_field: np.ndarray | None
) -> tuple[np.ndarray, Any]:
    """Code per row (``_DATA``, ``_BLANK``, ...) and the first non-empty cell per row.

    ``single_field`` marks CSV lines that had a single field although the header has more:
    a footer when after the last data row (``"Grand Totals (3 records)"``), else broken.
    """
    rows = table.num_rows
    codes = np.zeros(rows, dtype=np.int8)
    if rows == 0 or table.num_columns == 0:
        return codes, pa.nulls(rows, pa.string())
    empties = _empty_masks(table)
    blank_arr = empties[0]
    for e in empties[1:]:
        blank_arr = pc.and_(blank_arr, e)
    blank = _to_bool(blank_arr)
    first = _first_nonempty(table, empties, blank)
    totals = _totals(first) & ~blank
    heading = np.zeros(rows, dtype=bool)
    named = [j for j, h in enumerate(headers) if h]
    if named and len(named) < len(headers):
        named_empty = empties[named[0]]
        for j in named[1:]:
            named_empty = pc.and_(named_empty, empties[j])
        heading = _to_bool(named_empty) & ~blank & ~totals
    nonempty = np.zeros(rows, dtype=np.int32)
    for e in empties:
        nonempty += ~_to_bool(e)
    footer_text = np.zeros(rows, dtype=bool)
    one = np.flatnonzero(nonempty == 1)  # footer lines have a single non-empty cell
    if len(one):
        hit = pc.match_substring_regex(first.take(pa.array(one)), _FOOTER_RE, ignore_case=True)
        footer_text[one] = _to_bool(hit)
    single = single_field if single_field is not None else np.zeros(rows, dtype=bool)
    # footer candidates: after the last data row they are footers (even when their cell
    # is under an unnamed column, like QuickBooks' trailing timestamp line); before it, a
    # single-field line is a group heading when its cell is under an unnamed column
    # ("Checking (4346)"), else a broken row
    candidate = (single | (footer_text & (nonempty == 1))) & ~blank & ~totals
    datalike = ~(blank | totals | heading | candidate)
    last_data = rows - 1 - int(np.argmax(datalike[::-1])) if datalike.any() else -1
    after = np.zeros(rows, dtype=bool)
    after[last_data + 1 :] = True
    codes[blank] = _BLANK
    codes[totals] = _TOTALS
    codes[heading] = _HEADING
    codes[candidate & after] = _FOOTER
    codes[single & ~after & ~blank & ~totals & ~heading] = _BROKEN
    return codes, first


@dataclass
class _Parts:
    """What a reader gathers before the common finishing steps."""

    file: str
    sheet: str | None
    headers: list[str]
    table: pa.Table  # string columns c0..c{n-1}, no NULL
    row_numbers: np.ndarray  # int64
    header_row: int
    skipped: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    single_field: np.ndarray | None = None
    marked: bool = False


def _finish(p: _Parts) -> RawTable:
    """Classify rows, drop the ones that are not data, report them, build the table."""
    table, nums = p.table, p.row_numbers
    marks: list[tuple[str, np.ndarray]] = []
    if p.marked:
        table, marks = _unmark(table)
    codes, first = _classify(table, p.headers, p.single_field)
    skipped, rejected, warnings = list(p.skipped), list(p.rejected), list(p.warnings)
    drop = np.flatnonzero(codes != _DATA)
    if len(drop):
        firsts = first.take(pa.array(drop)).to_pylist()
        n = len(p.headers)
        for i, value in zip(drop.tolist(), firsts, strict=True):
            code = int(codes[i])
            row = int(nums[i])
            if code == _BROKEN:
                rejected.append(
                    Problem(
                        p.file,
                        p.sheet,
                        row,
                        None,
                        _cut(value or ""),
                        english("load.msg.fields_one", n=n),
                        "rejected",
                    )
                )
            else:
                skipped.append(
                    Problem(p.file, p.sheet, row, None, _cut(value or ""), _WHY[code], "skipped")
                )
        keep = codes == _DATA
        table = table.filter(pa.array(keep))
        nums = nums[keep]
        marks = [(why, bad_col[keep]) for why, bad_col in marks]
    for why, bad_col in marks:
        warnings.extend(_bad_byte_warnings(p, table, nums, bad_col, why))
    rejected.sort(key=lambda q: q.row or 0)
    warnings.sort(key=lambda q: q.row or 0)
    skipped.sort(key=lambda q: q.row or 0)
    return RawTable(
        file=p.file,
        sheet=p.sheet,
        headers=p.headers,
        data=table,
        row_numbers=pa.array(nums, pa.int64()),
        header_row=p.header_row,
        skipped=skipped,
        rejected=rejected,
        warnings=warnings,
        encoding=p.encoding,
        delimiter=p.delimiter,
    )


def _unmark(table: pa.Table) -> tuple[pa.Table, list[tuple[str, np.ndarray]]]:
    """Remove the marks (``_MARK``, ``_NUL_MARK``) from every cell.

    Returns the clean table and, per mark found, its warning and per row the index of
    the first column that had it (-1 for none): the cell whose bytes were not valid UTF-8,
    or held a NUL byte.
    """
    found: dict[str, np.ndarray] = {}
    cols = []
    for j, col in enumerate(table.columns):
        for mark, why in _MARKS:
            hit = _to_bool(pc.match_substring(col, mark))
            if hit.any():
                first_col = found.setdefault(why, np.full(table.num_rows, -1, dtype=np.int64))
                first_col[hit & (first_col < 0)] = j
                col = pc.replace_substring(col, mark, "")
        cols.append(col)
    return pa.table(cols, names=table.column_names), list(found.items())


def _strip_marks(text: str) -> str:
    """Text without the marks (for header cells and rejected lines shown to the user)."""
    return text.replace(_MARK, "").replace(_NUL_MARK, "")


def _bad_byte_warnings(
    p: _Parts, table: pa.Table, nums: np.ndarray, bad_col: np.ndarray, why: str
) -> list[Problem]:
    """One warning per data row that had bytes that are not valid UTF-8 or NUL bytes (its
    first such cell named)."""
    out = []
    for i in np.flatnonzero(bad_col >= 0).tolist():
        j = int(bad_col[i])
        value = table.column(j)[i].as_py()
        out.append(Problem(p.file, p.sheet, int(nums[i]), p.headers[j], _cut(value), why))
    return out
