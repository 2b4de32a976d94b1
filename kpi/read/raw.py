"""The raw text table every reader returns (:class:`RawTable`), the limits of reading, and
the small helpers the readers share.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.errors import UnreadableFileError
from kpi.problems import Problem
from kpi.texts.messages import english

HeaderScore = Callable[[list[str]], int]
#: zip bomb guard: total declared uncompressed size and compression ratio
MAX_UNZIPPED_BYTES = 1 << 30
MAX_ZIP_RATIO = 200
_TOO_BIG_UNPACKED = (
    "unpacks to more than 1 GB (the limit); split it into smaller files or export as CSV"
)
#: a cell shown in a problem is cut to this many characters
MAX_VALUE_CHARS = 200
#: columns a table may have: Excel's own limit (column XFD). A wider table is refused
MAX_COLUMNS = 16_384
#: a header cell longer than this is no column name: it is cut to this length (warning)
MAX_HEADER_CHARS = 1_000
#: cells (rows x columns) a JSON or Parquet table may have; their compression or nesting
#: can hide a table far larger than the file (1M rows x 50 columns; ~1.5 GB as text)
MAX_CELLS = 50_000_000
#: rows a table may have: the same limit as :data:`kpi.load.table.MAX_ROWS`, checked here
#: where a file's size does not bound it (Parquet metadata, before anything is decoded)
MAX_TABLE_ROWS = 10_000_000

#: inserted before every stretch of bytes that were not valid UTF-8, to find their rows
#: after parsing (a Unicode noncharacter: never part of real text); removed afterwards
_MARK = "\ufdd0"
_BAD_UTF8_WARNING = english("load.msg.cp1252_row")
#: replaces every NUL byte of a text file, to find their rows after parsing; removed after
_NUL_MARK = "\ufdd1"
_NUL_WARNING = english("load.msg.nul_row")
_MARKS = ((_MARK, _BAD_UTF8_WARNING), (_NUL_MARK, _NUL_WARNING))


@dataclass
class RawTable:
    """One table read from a file (a CSV file, or one sheet of a workbook), as strings.

    Attributes:
        file: the file name as the user gave it.
        sheet: the sheet name for workbooks, else None.
        headers: header cells as in the file, trimmed; duplicates kept as they are (Jira
            ``Sprint``, ``Sprint``); an empty header is ``""``.
        data: one string column per header, named ``c0`` .. ``c{n-1}``; every cell is a
            string (``""`` for empty, never NULL).
        row_numbers: int64, per data row, the row number the user sees in a spreadsheet.
        header_row: 1-based row number of the header.
        skipped: title lines, blank rows, totals, group headings and footers (severity
            ``"skipped"``), with why.
        rejected: data rows that cannot be read (severity ``"rejected"``); they count in
            the rows read but are not in ``data``.
        warnings: row-level warnings (e.g. bytes that were not valid UTF-8).
        encoding: ``"utf-8"``, ``"utf-8-sig"``, ``"utf-16"``, ``"cp1252"`` (None for binary
            formats).
        delimiter: the CSV delimiter (None for other formats).
    """

    file: str
    sheet: str | None
    headers: list[str]
    data: pa.Table
    row_numbers: pa.Array
    header_row: int
    skipped: list[Problem] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None

    @property
    def rows_read(self) -> int:
        """Data rows read: loaded candidates plus rejected rows (skipped lines excluded)."""
        return self.data.num_rows + len(self.rejected)


def text_buffers(s: pa.Array) -> tuple[np.ndarray, np.ndarray] | None:
    """A string array's bytes without a copy: (the ``len(s) + 1`` offsets of its texts,
    its character data as uint8); None for an array that is not of strings."""
    wide = pa.types.is_large_string(s.type)
    if not (wide or pa.types.is_string(s.type)):
        return None
    _, offsets_buf, data = s.buffers()
    if offsets_buf is None or len(s) == 0:
        return np.zeros(len(s) + 1, dtype=np.int64), np.zeros(0, dtype=np.uint8)
    offsets = np.frombuffer(offsets_buf, dtype=np.int64 if wide else np.int32)
    chars = np.frombuffer(data, dtype=np.uint8) if data is not None else np.zeros(0, np.uint8)
    return offsets[s.offset : s.offset + len(s) + 1], chars


def may_need_trim(s: pa.Array) -> bool:
    """False only when no text of ``s`` (a string array) starts or ends with whitespace.

    Every whitespace character, ASCII or not, starts and ends with a byte outside the
    printable ASCII range 0x21-0x7E; the first and last byte of each text are read from
    the offsets (a few ms for a million texts, where trimming copies every text).
    """
    got = text_buffers(s)
    if got is None:
        return True
    offsets, chars = got
    starts, ends = offsets[:-1], offsets[1:]
    filled = starts < ends
    if not filled.any():
        return False
    edges = np.concatenate([chars[starts[filled]], chars[ends[filled] - 1]])
    return bool(((edges < 0x21) | (edges > 0x7E)).any())


def _limit_headers(
    name: str, sheet: str | None, headers: list[str], row: int
) -> tuple[list[str], list[Problem]]:
    """Enforce :data:`MAX_COLUMNS` and :data:`MAX_HEADER_CHARS` on a header row.

    Returns the headers (cells longer than the limit cut to it) and one warning per cut
    cell. Example: a 5,000-character "header" cell becomes its first 1,000 characters.

    Raises:
        UnreadableFileError: more than :data:`MAX_COLUMNS` columns.
    """
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFileError(
            name,
            f"has more than {MAX_COLUMNS:,} columns (the limit, as in Excel); "
            "export only the columns you need",
        )
    long = [i for i, h in enumerate(headers) if len(h) > MAX_HEADER_CHARS]
    if not long:
        return headers, []
    out = list(headers)
    warnings = []
    for i in long:
        warnings.append(
            Problem(
                name,
                sheet,
                row,
                None,
                _cut(headers[i]),
                english(
                    "load.msg.header_cut",
                    n=i + 1,
                    length=f"{len(headers[i]):,}",
                    max=f"{MAX_HEADER_CHARS:,}",
                ),
            )
        )
        out[i] = headers[i][:MAX_HEADER_CHARS].strip()
    return out, warnings


#: Tables at least this long have their columns worked on in parallel threads.
PARALLEL_MIN_ROWS = 50_000

_T = TypeVar("_T")
_R = TypeVar("_R")


def per_column(fn: Callable[[_T], _R], columns: Sequence[_T], rows: int) -> list[_R]:
    """``[fn(c) for c in columns]``, on every core when the table has at least
    :data:`PARALLEL_MIN_ROWS` rows (pyarrow, numpy and DuckDB release the GIL)."""
    if rows < PARALLEL_MIN_ROWS or len(columns) < 2:
        return [fn(c) for c in columns]
    with ThreadPoolExecutor(max_workers=min(len(columns), os.cpu_count() or 1)) as pool:
        return list(pool.map(fn, columns))


def _arr_chunks(x: pa.ChunkedArray | pa.Array) -> list[pa.Array]:
    return x.chunks if isinstance(x, pa.ChunkedArray) else [x]


def _arr(x: Any) -> Any:
    """A ChunkedArray as one Array (other values unchanged)."""
    return x.combine_chunks() if isinstance(x, pa.ChunkedArray) else x


def _to_bool(arr: Any) -> np.ndarray:
    """A boolean Arrow array (NULL = False) as a numpy array."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


def _cut(value: str) -> str:
    value = value.strip()
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 3] + "..."


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


_REF_KEYS = ("name", "identifier", "id")


def _structured(
    name: str,
    headers: list[str],
    cols: list[Any],
    rows: int,
    encoding: str | None,
    rejected: list[Problem],
    row_numbers: np.ndarray | None = None,
) -> RawTable:
    """A table from a format without title lines or footers (JSON, Parquet)."""
    headers, cut = _limit_headers(name, None, headers, 1)
    names = [f"c{i}" for i in range(len(cols))]
    table = pa.table(
        [pa.array(c, pa.string()) if isinstance(c, list) else c for c in cols], names=names
    )
    nums = row_numbers if row_numbers is not None else np.arange(2, rows + 2, dtype=np.int64)
    return RawTable(
        file=name,
        sheet=None,
        headers=headers,
        data=table,
        row_numbers=pa.array(nums, pa.int64()),
        header_row=1,
        rejected=rejected,
        warnings=cut,
        encoding=encoding,
    )
