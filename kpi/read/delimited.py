"""Turn the bytes of an uploaded file into raw string tables.

One :class:`RawTable` per CSV/TSV/TXT, JSON or Parquet file and per non-empty sheet of a
workbook (xlsx, xlsm, xls, ods). Every cell is a string (``""`` for empty, never NULL);
typing the values is the job of later stages. What this module settles:

* **Format.** Chosen by content first (``PK`` zip, ``D0 CF 11 E0`` OLE, ``PAR1`` Parquet),
  then by extension; a file with an unknown extension is sniffed (``[``/``{`` -> JSON, else
  delimited text). Images, PDFs, archives, binary junk, password-protected workbooks and
  zip bombs raise :class:`kpi.errors.UnreadableFileError` with a message the user can act on.
* **Encoding** of text files: UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode
  text"), cp1252. A mostly-UTF-8 file with a few stray bytes is read as UTF-8 with those
  bytes decoded as cp1252, and each affected row is reported as a warning. NUL bytes at
  the end are padding (ignored, one warning); a few inside are removed, with a warning per
  row; more than 1% of the bytes is binary data.
* **Delimiter** among ``,`` ``;`` tab ``|``, sniffed from the first records (quotes respected).
* **Header row**: chosen among the first 30 rows (by the caller's ``header_score``, else by
  field counts); rows before it are skipped as title lines.
* **Rows that are not data**: blank rows, totals (``Total for Checking``, ``Grand Totals (3
  records)``, ``Totales``, ``Suma``), group headings (cells only under unnamed columns),
  footers after the data (``Confidential Information - Do Not Distribute``, a trailing
  timestamp line) are skipped with a reason and a row number.
* **Row numbers** are those a user sees in a spreadsheet: 1-based, counting title lines and
  the header; a CSV record with a quoted newline is one row.

Large CSV files are parsed by ``pyarrow.csv`` with every column as string (about 0.2 s for
1M rows x 15 columns); the classification of rows is vectorised with ``pyarrow.compute``.
Python only looks at the first records (sniffing) and at the few rows that do not parse.

**Hostile files** (tests/test_hostile_files.py) meet deliberate limits, each named in the
message that refuses them: 16,384 columns (:data:`MAX_COLUMNS`, Excel's), a header line of
16 MB, a header cell of 1,000 characters (cut, not refused), 1 GB unpacked for a workbook
or Parquet file (declared sizes *and* real inflated sizes), 200 to 1 compression, 10M rows
and 50M values for Parquet and JSON (checked before decoding), and for workbooks 2 GB of
reader memory and 300 s, enforced by reading them in a child process (see
:func:`_open_workbook`). A record longer than pyarrow's block (a 100 MB cell) is parsed as
one block; a line of millions of delimiters costs constant memory.
"""

from __future__ import annotations

import codecs
import inspect
import io
import json
import math
import os
import re
import signal
import struct
import subprocess
import sys
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from kpi.errors import UnreadableFileError
from kpi.load.values.dates import may_need_trim, text_buffers
from kpi.problems import Problem

__all__ = ["SUPPORTED_EXTENSIONS", "RawTable", "per_column", "read_bytes", "read_path"]

SUPPORTED_EXTENSIONS = (
    ".csv",
    ".tsv",
    ".txt",
    ".xlsx",
    ".xlsm",
    ".xls",
    ".ods",
    ".parquet",
    ".json",
)

HeaderScore = Callable[[list[str]], int]

#: candidate delimiters, in the order that wins a tie
DELIMITERS = (",", ";", "\t", "|")
#: the header is looked for among the first rows of a file
HEADER_SEARCH_ROWS = 30
#: records parsed in Python to sniff the delimiter and the header
SNIFF_RECORDS = 60
#: zip bomb guard: total declared uncompressed size and compression ratio
MAX_UNZIPPED_BYTES = 1 << 30
MAX_ZIP_RATIO = 200
_TOO_BIG_UNPACKED = (
    "unpacks to more than 1 GB (the limit); split it into smaller files or export as CSV"
)
#: pyarrow reads CSV in blocks of this size (in parallel when it can)
_CSV_BLOCK_SIZE = 1 << 22
#: the largest block pyarrow accepts (int32), for files with a record longer than a block
_MAX_CSV_BLOCK_SIZE = (1 << 31) - 1
#: a cell shown in a problem is cut to this many characters
MAX_VALUE_CHARS = 200
#: columns a table may have: Excel's own limit (column XFD). A wider table is refused
MAX_COLUMNS = 16_384
#: a header cell longer than this is no column name: it is cut to this length (warning)
MAX_HEADER_CHARS = 1_000
#: the header line of a text file must end within its first 16 MB
MAX_HEADER_LINE_BYTES = 1 << 24
#: cells (rows x columns) a JSON or Parquet table may have; their compression or nesting
#: can hide a table far larger than the file (1M rows x 50 columns; ~1.5 GB as text)
MAX_CELLS = 50_000_000
#: rows a table may have: the same limit as :data:`kpi.ingest.MAX_ROWS`, checked here
#: where a file's size does not bound it (Parquet metadata, before anything is decoded)
MAX_TABLE_ROWS = 10_000_000

#: inserted before every stretch of bytes that were not valid UTF-8, to find their rows
#: after parsing (a Unicode noncharacter: never part of real text); removed afterwards
_MARK = "\ufdd0"
_BAD_UTF8_WARNING = "row contains bytes that are not valid UTF-8 (read as cp1252)"
#: replaces every NUL byte of a text file, to find their rows after parsing; removed after
_NUL_MARK = "\ufdd1"
_NUL_WARNING = "row contains NUL bytes (removed)"
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


# --------------------------------------------------------------------------------------
# Entry points
# --------------------------------------------------------------------------------------


def read_path(path: str | Path, **kw: Any) -> list[RawTable]:
    """Read a file from disk; see :func:`read_bytes` for the keyword arguments.

    Raises:
        UnreadableFileError: the file cannot be opened or is not a readable table.
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise UnreadableFileError(p.name, f"cannot be opened ({e.strerror or e})") from e
    return read_bytes(p.name, data, **kw)


def read_bytes(
    name: str,
    data: bytes,
    *,
    header_score: HeaderScore | None = None,
    sheet: str | None = None,
    max_rows: int | None = None,
) -> list[RawTable]:
    """Read an uploaded file into raw string tables.

    Args:
        name: the file name as the user gave it (its extension is a hint; the content
            decides when they disagree, e.g. an ``.xlsx`` saved with a ``.csv`` name).
        data: the file's bytes.
        header_score: counts how many cells of a row are known column aliases; the
            best-scoring row among the first 30 is the header (earliest on ties). Without
            it, or when every row scores 0: the first row with at least 2 non-empty cells
            that is as wide as the most common width of the rows below it.
        sheet: read only this sheet of a workbook (hidden sheets are read only this way).
        max_rows: read at most this many records after the header (for previews).

    Returns:
        One table per CSV/JSON/Parquet file, one per non-empty sheet of a workbook.

    Raises:
        UnreadableFileError: empty file, binary junk, password-protected or damaged
            workbook, zip bomb, JSON that is not a list of records, a missing sheet, or a
            file beyond a limit (see the module docstring), with the limit in the message.
    """
    if not data or data.isspace():
        raise UnreadableFileError(name, "is empty; export the data again and upload it")
    ext = Path(name).suffix.lower()
    magic = _magic(name, data)
    if magic == "zip":
        return _read_zip(name, data, ext, header_score, sheet, max_rows)
    if magic == "ole":
        return _read_ole(name, data, ext, header_score, sheet, max_rows)
    if magic == "parquet":
        return [_read_parquet(name, data, max_rows)]
    if ext == ".json":
        return [_read_json(name, data, max_rows)]
    if ext in (".xlsx", ".xlsm", ".ods", ".parquet") and _looks_binary(data):
        raise UnreadableFileError(
            name,
            f"is not a valid {ext} file (it is damaged or is another kind of file); "
            "open it in its program and save it again",
        )
    if ext not in SUPPORTED_EXTENSIONS and data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (
        b"[",
        b"{",
    ):
        return [_read_json(name, data, max_rows)]
    return [_read_text(name, data, ext, header_score, max_rows)]


# --------------------------------------------------------------------------------------
# Content sniffing and binary guards
# --------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: a password-protected xlsx is an OLE container with a stream named "EncryptedPackage"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")

#: magic numbers of files that are certainly not tables: (prefix, what it is)
_NOT_TABLES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "a program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


def _magic(name: str, data: bytes) -> str | None:
    """Kind of container by its first bytes; raises for files that are not tables."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if data.startswith(_OLE_MAGIC):
        return "ole"
    if data.startswith(b"PAR1"):
        return "parquet"
    for prefix, what in _NOT_TABLES:
        if data.startswith(prefix):
            raise UnreadableFileError(
                name, f"is {what}, not a table; export the data as CSV or Excel"
            )
    return None


def _is_utf16(data: bytes) -> str | None:
    """``"utf-16-le"``/``"utf-16-be"`` for BOM-less UTF-16 text, else None.

    Example: ``b"a\\x00,\\x00b\\x00"`` (ASCII text as UTF-16 LE) has NUL at every odd byte.
    """
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2], head[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


#: control characters that do not occur in text tables (tab, CR, LF, FF are fine)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NUL bytes, or > 1% control characters in the head."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _is_utf16(data):
        return False
    if b"\x00" in data:
        return True
    head = data[:65536].decode("latin-1")
    return len(_CONTROL.findall(head)) > len(head) / 100


def _reject_markup(name: str, text: str) -> None:
    """Raise for HTML/XML files saved with a table's extension (common for ``.xls``)."""
    head = text[:2048].lstrip().lower()
    if not head.startswith("<"):
        return
    if "<html" in head or "<!doctype html" in head or "<table" in head:
        raise UnreadableFileError(
            name,
            "is a web page (HTML), not a spreadsheet; open it in Excel and save it as "
            ".xlsx or .csv",
        )
    if "urn:schemas-microsoft-com:office:spreadsheet" in head:
        raise UnreadableFileError(
            name, "is an Excel 2003 XML spreadsheet; open it in Excel and save it as .xlsx"
        )
    raise UnreadableFileError(name, "is an XML document, not a table; export it as CSV or Excel")


# --------------------------------------------------------------------------------------
# Text decoding
# --------------------------------------------------------------------------------------


def _latin1_fallback(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    is read as latin-1 (a C1 control), so decoding never fails."""
    if not isinstance(err, UnicodeDecodeError):
        raise err
    return err.object[err.start : err.end].decode("latin-1"), err.end


codecs.register_error("kpi_latin1", _latin1_fallback)


def _mark_cp1252(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler for UTF-8: one invalid byte -> ``_MARK`` + its cp1252 character.

    The decoder runs in C and calls this only at the bad spots, so a 100 MB file with a
    few stray bytes decodes in one pass. Example: ``b"Jos\\xe9"`` -> ``"Jos" + _MARK + "é"``.
    """
    if not isinstance(err, UnicodeDecodeError):
        raise err
    raw = err.object[err.start : err.start + 1]
    return _MARK + raw.decode("cp1252", "kpi_latin1"), err.start + 1


codecs.register_error("kpi_mark_cp1252", _mark_cp1252)


def _valid_utf8(body: bytes) -> bool:
    """True when ``body`` is valid UTF-8, checked by Arrow without copying (~10 ms for
    100 MB): the bytes are viewed as one large_binary value and cast to large_string."""
    offsets = pa.py_buffer(np.array([0, len(body)], dtype=np.int64).tobytes())
    value = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, pa.py_buffer(body)])
    try:
        value.cast(pa.large_string())
    except pa.ArrowInvalid:
        return False
    return True


def _repair_utf8(body: bytes, encoding: str) -> tuple[bytes, str, bool]:
    """Decode a file that is not valid UTF-8; return UTF-8 bytes, encoding and marked.

    Mostly UTF-8 (more bytes saved by valid multi-byte sequences than invalid bytes):
    UTF-8, each invalid byte decoded as cp1252 and preceded by ``_MARK`` so that its row
    can be reported. Otherwise the file is cp1252 (undefined bytes read as latin-1).

    Example: ``b"T\\xc3\\xa9cnico;\\xe9"`` is UTF-8 with one stray byte (``é`` via cp1252);
    ``b"A\\xf1o;T\\xe9cnico"`` has no valid multi-byte sequence: cp1252 ``Año;Técnico``.
    """
    # counted with C fast paths only: each invalid byte becomes one lone surrogate, which
    # "ignore" drops when encoding back; each valid multi-byte character is 1-3
    # characters shorter than its bytes
    loose = body.decode("utf-8", "surrogateescape")
    bad = len(body) - len(loose.encode("utf-8", "ignore"))
    saved = len(body) - len(loose)
    del loose
    if saved == 0 or bad > saved:
        return body.decode("cp1252", "kpi_latin1").encode("utf-8"), "cp1252", False
    return body.decode("utf-8", "kpi_mark_cp1252").encode("utf-8"), encoding, True


# --------------------------------------------------------------------------------------
# Delimited text: records, delimiter, header
# --------------------------------------------------------------------------------------


@dataclass
class _Record:
    start: int  # character offsets in the sniffed text
    end: int
    fields: list[str]


_RECORD_RES: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _record_res(delim: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for one record and one field (RFC 4180 quoting, as pyarrow reads it).

    A field is quoted only when its first character is ``"``; ``""`` inside is a quote;
    a quote elsewhere is literal. Example with ``,``: ``a,"b,""c""
    d",e`` is one record with fields ``a``, ``b,"c"\\nd``, ``e``.
    """
    if delim not in _RECORD_RES:
        d = re.escape(delim)
        quoted = rf'"[^"]*(?:""[^"]*)*"[^{d}\r\n]*'
        plain = rf"[^{d}\r\n]*"
        # atomic groups and a possessive repeat: a field never needs backtracking (it ends
        # at a delimiter or a line break either way), and without them the regex engine
        # keeps one backtracking entry per field: ~1 GB for a line of 5 million commas
        record = re.compile(rf"((?>{quoted}|{plain})(?:{d}(?>{quoted}|{plain}))*+)(\r\n|\n|\r|\Z)")
        fld = re.compile(rf'(?:"([^"]*(?:""[^"]*)*)"([^{d}\r\n]*)|({plain}))({d}|\Z)')
        _RECORD_RES[delim] = (record, fld)
    return _RECORD_RES[delim]


def _split_fields(body: str, delim: str, limit: int | None = None) -> list[str]:
    """Fields of one record's text (without its line break), unquoted.

    With ``limit``: at most that many fields; the last one holds the rest of the record
    as written (``_split_fields("a,b,c,d", ",", 2)`` -> ``["a", "b,c,d"]``), so a hostile
    line of millions of delimiters costs one slice, not millions of Python objects.
    """
    fld = _record_res(delim)[1]
    fields: list[str] = []
    pos = 0
    while True:
        if limit is not None and len(fields) == limit - 1:
            fields.append(body[pos:])
            break
        m = fld.match(body, pos)
        if m is None:  # cannot happen: the plain alternative matches anything up to delim
            fields.append(body[pos:])
            break
        if m.group(3) is not None:
            fields.append(m.group(3))
        else:
            fields.append(m.group(1).replace('""', '"') + m.group(2))
        if not m.group(4):
            break
        pos = m.end()
    return fields


def _split_records(text: str, delim: str, limit: int) -> list[_Record]:
    """The first ``limit`` records of ``text``."""
    record = _record_res(delim)[0]
    out: list[_Record] = []
    pos, n = 0, len(text)
    while pos < n and len(out) < limit:
        m = record.match(text, pos)
        if m is None or m.end() == pos:
            break
        out.append(_Record(pos, m.end(), _split_fields(m.group(1), delim, MAX_COLUMNS + 1)))
        pos = m.end()
    return out


def _head_text(payload: bytes, start: int, want_lines: int) -> tuple[str, bool]:
    """Decode complete lines from ``payload[start:]``: at least ``want_lines`` of them, or
    everything. Returns the text and whether it reaches the end of the payload (the payload
    is valid UTF-8; a chunk cut inside a huge line may end in a partial character, which
    is replaced).
    """
    size = 1 << 18
    while True:
        chunk = payload[start : start + size]
        complete = start + size >= len(payload)
        if not complete:
            cut = chunk.rfind(b"\n")
            chunk = chunk[: cut + 1] if cut >= 0 else chunk
        if complete or chunk.count(b"\n") >= want_lines or size >= MAX_HEADER_LINE_BYTES:
            return chunk.decode("utf-8", "replace"), complete
        size *= 4


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


def _sniff_delimiter(text: str, complete: bool, prefer_tab: bool) -> str:
    """Delimiter whose field count is the most consistent over the first records.

    Score per delimiter: the share of non-blank records that have the modal field count
    (which must be >= 2), then the modal count, then how many records have it. A share,
    not a count: a comma file whose quoted cell holds tab-indented lines splits into many
    2-field "records" by tab, but few of all its lines agree. Quotes are respected, so
    ``;`` wins for ``Técnico;Horas`` / ``Ana;7,5`` (3 rows of 2 fields) over ``,``.
    """
    order = ("\t", ",", ";", "|") if prefer_tab else DELIMITERS
    best, best_score = order[0], (0.0, 0, 0)
    for rank, d in enumerate(order):
        recs = _split_records(text, d, SNIFF_RECORDS)
        if not complete and len(recs) > 2:
            recs = recs[:-2]  # the last records may be cut off
        counts = [len(r.fields) for r in recs if any(c.strip() for c in r.fields)]
        m = _modal(counts)
        if m < 2:
            continue
        agree = sum(1 for c in counts if c == m)
        score = (agree / len(counts), m, agree)
        if score > best_score:
            best, best_score = order[rank], score
    return best


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
    _BLANK: "blank row",
    _TOTALS: "totals row, not data",
    _HEADING: "group heading (only cells under unnamed columns), not data",
    _FOOTER: "footer line after the data",
}


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
                f"header of column {i + 1} has {len(headers[i]):,} characters; "
                f"cut to {MAX_HEADER_CHARS:,}",
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


def _arr_chunks(x: pa.ChunkedArray | pa.Array) -> list[pa.Array]:
    return x.chunks if isinstance(x, pa.ChunkedArray) else [x]


def _arr(x: Any) -> Any:
    """A ChunkedArray as one Array (other values unchanged)."""
    return x.combine_chunks() if isinstance(x, pa.ChunkedArray) else x


def _to_bool(arr: Any) -> np.ndarray:
    """A boolean Arrow array (NULL = False) as a numpy array."""
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=bool)


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


def _cut(value: str) -> str:
    value = value.strip()
    return value if len(value) <= MAX_VALUE_CHARS else value[: MAX_VALUE_CHARS - 3] + "..."


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
                        f"has 1 field, the header has {n}",
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


# --------------------------------------------------------------------------------------
# Delimited text files
# --------------------------------------------------------------------------------------


def _read_text(
    name: str, data: bytes, ext: str, score: HeaderScore | None, max_rows: int | None
) -> RawTable:
    """Read a CSV/TSV/TXT file (or any text) into one table."""
    file_warnings: list[Problem] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or _is_utf16(data):
        # Excel "Unicode text": UTF-16 with BOM, usually tab-delimited
        bom = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        codec = "utf-16" if bom else (_is_utf16(data) or "utf-16")
        text = data.decode(codec, "replace")
        if "\ufffd" in text:
            file_warnings.append(
                Problem(
                    name,
                    None,
                    None,
                    None,
                    None,
                    "the file has bytes that are not valid UTF-16; replaced by \ufffd",
                )
            )
        if "\x00" in text:
            raise UnreadableFileError(name, "contains binary data; it is not a text table")
        text = text.lstrip("\ufeff")
        payload, encoding = text.encode("utf-8"), "utf-16" if bom else codec
        return _read_delimited(name, payload, encoding, False, ext, score, max_rows, file_warnings)
    # NUL bytes: trailing ones are padding (a copy cut short, a preallocated file); a few
    # inside the text are removed with a warning on their rows; more is binary data
    stripped = data.rstrip(b"\x00")
    if not stripped:
        raise UnreadableFileError(
            name, "holds only zero bytes (a damaged or unfinished copy); export it again"
        )
    if stripped.isspace():
        raise UnreadableFileError(name, "is empty; export the data again and upload it")
    # a membership test is a fast byte search; counting a 300 MB file takes 0.15 s
    nuls = stripped.count(b"\x00") if b"\x00" in stripped else 0
    if nuls > max(len(stripped) // 100, 8) or _looks_binary(stripped[:65536].replace(b"\x00", b"")):
        raise UnreadableFileError(
            name,
            "contains binary data, not text; upload a CSV, Excel, JSON or Parquet export",
        )
    if len(stripped) < len(data):
        file_warnings.append(
            Problem(
                name,
                None,
                None,
                None,
                None,
                f"{len(data) - len(stripped):,} NUL bytes at the end of the file ignored",
            )
        )
    body, encoding = stripped, "utf-8"
    if stripped.startswith(codecs.BOM_UTF8):
        body, encoding = stripped[3:], "utf-8-sig"
    marked = False
    if not _valid_utf8(body):
        body, encoding, marked = _repair_utf8(body, encoding)
    if nuls:
        # after decoding: in UTF-8 a 0x00 byte is always the NUL character
        body, marked = body.replace(b"\x00", _NUL_MARK.encode()), True
    return _read_delimited(name, body, encoding, marked, ext, score, max_rows, file_warnings)


def _read_delimited(
    name: str,
    payload: bytes,
    encoding: str,
    marked: bool,
    ext: str,
    score: HeaderScore | None,
    max_rows: int | None,
    file_warnings: list[Problem],
) -> RawTable:
    """Parse ``payload`` (valid UTF-8): sniff delimiter and header in Python, the rest with
    pyarrow. ``marked``: ``_MARK`` precedes every byte that was repaired (see
    :func:`_repair_utf8`)."""
    head, complete = _head_text(payload, 0, SNIFF_RECORDS + 2)
    if not head.strip() and complete:
        raise UnreadableFileError(name, "is empty; export the data again and upload it")
    _reject_markup(name, head)
    first = 0
    # Excel's delimiter line, e.g. "sep=;" as the first line
    sep = re.match(r"sep=([,;\t|])[ \t]*(?:\r\n|\n|\r)", head)
    if sep:
        delim = sep.group(1)
        first = 1
    else:
        delim = _sniff_delimiter(head, complete, prefer_tab=ext == ".tsv")
    records = _split_records(head, delim, SNIFF_RECORDS)
    if not complete and len(records) > 2:
        records = records[:-2]
    rows = [[_strip_marks(c).strip() for c in r.fields] for r in records]
    h = _choose_header(rows, first, score)
    if h < 0:
        raise UnreadableFileError(name, "has no data (only blank lines)")
    if not complete and not head[: records[h].end].endswith(("\n", "\r")):
        # no line break in the first 16 MB: a 100 MB line is no table's header
        raise UnreadableFileError(
            name,
            f"has a header line longer than {MAX_HEADER_LINE_BYTES >> 20} MB (the limit); "
            "it is not a table export",
        )
    skipped: list[Problem] = []
    for i in range(h):
        value = next((c for c in rows[i] if c), "")
        why = "title line before the header" if value else "blank row"
        if i == 0 and sep:
            why, value = "delimiter line for Excel", f"sep={delim}"
        skipped.append(Problem(name, None, i + 1, None, _cut(value), why, "skipped"))
    warnings = list(file_warnings)
    headers = rows[h]
    for mark, why in _MARKS:
        if any(mark in c for c in records[h].fields):
            warnings.append(Problem(name, None, h + 1, None, _cut(" | ".join(headers)), why))
    below = [len(r.fields) for r in records[h + 1 :] if any(c.strip() for c in r.fields)]
    wider = _modal(below)
    if wider > len(headers):
        # data rows are consistently wider than the header: unnamed trailing columns
        headers = headers + [""] * (wider - len(headers))
    headers, cut = _limit_headers(name, None, headers, h + 1)
    warnings.extend(cut)
    n = len(headers)
    offset = len(head[: records[h].end].encode("utf-8"))
    end = len(payload)
    if max_rows is not None:
        end = _records_end(payload, offset, delim, max_rows)
    table, nums, single, rejected, padded = _parse_body(
        name, payload, offset, end, delim, n, marked, h + 1
    )
    warnings.extend(padded)
    return _finish(
        _Parts(
            file=name,
            sheet=None,
            headers=headers,
            table=table,
            row_numbers=nums,
            header_row=h + 1,
            skipped=skipped,
            rejected=rejected,
            warnings=warnings,
            encoding=encoding,
            delimiter=delim,
            single_field=single,
            marked=marked,
        )
    )


def _records_end(payload: bytes, offset: int, delim: str, count: int) -> int:
    """Byte offset after ``count`` records starting at ``offset`` (for ``max_rows``)."""
    if count <= 0:
        return offset
    want = count + 2
    while True:
        text, complete = _head_text(payload, offset, want)
        recs = _split_records(text, delim, count + 1)
        if complete or len(recs) > count:
            if len(recs) <= count:
                return len(payload)
            return offset + len(text[: recs[count - 1].end].encode("utf-8"))
        want *= 4


def _csv_options(
    n: int,
    delim: str,
    threads: bool,
    newlines: bool,
    handler: Callable[[Any], str],
    block_size: int = _CSV_BLOCK_SIZE,
) -> dict[str, Any]:
    names = [f"c{i}" for i in range(n)]
    return {
        "read_options": pacsv.ReadOptions(
            column_names=names, use_threads=threads, block_size=block_size
        ),
        "parse_options": pacsv.ParseOptions(
            delimiter=delim,
            quote_char='"',
            double_quote=True,
            escape_char=False,
            newlines_in_values=newlines,
            ignore_empty_lines=False,
            invalid_row_handler=handler,
        ),
        "convert_options": pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
            null_values=[],
            check_utf8=False,  # the payload is valid UTF-8 (checked or re-encoded)
        ),
    }


def _parse_body(
    name: str,
    payload: bytes,
    offset: int,
    end: int,
    delim: str,
    n: int,
    marked: bool,
    base: int,
) -> tuple[pa.Table, np.ndarray, np.ndarray, list[Problem], list[Problem]]:
    """Parse the records after the header with pyarrow.

    Returns the table (rows in file order), the row number of each row (``base`` + the
    1-based record number counted from the first record after the header: pyarrow counts
    a record with a quoted newline once, as a spreadsheet does), the single-field mask,
    the rejected rows and the warnings for padded rows.

    Rows whose field count differs from the header's go through pyarrow's invalid-row
    handler and are fixed here: extra fields that are all empty are dropped (``a,b,c,,``
    for 3 columns); a row of 2+ fields but fewer than the header is padded with ``""``
    (warning); a single-field line is kept for :func:`_classify` (footer or broken);
    a row with extra non-empty fields is rejected.
    """
    names = [f"c{i}" for i in range(n)]
    if end <= offset:
        return _empty_table(n), np.zeros(0, np.int64), np.zeros(0, bool), [], []
    buf = pa.py_buffer(payload)[offset:end]
    invalid: list[tuple[int | None, str, int]] = []

    def handler(row: Any) -> str:
        invalid.append((row.number, row.text, row.actual_columns))
        return "skip"

    block = _CSV_BLOCK_SIZE
    newlines = False

    def parse(threads: bool) -> pa.Table:
        invalid.clear()
        return pacsv.read_csv(buf, **_csv_options(n, delim, threads, newlines, handler, block))

    try:
        while True:
            try:
                # fastest: threads, and newlines only inside quotes within a block
                table = parse(True)
                break
            except pa.ArrowInvalid as e:
                if "straddl" in str(e) and block < len(buf):
                    # one record is longer than a block (a cell of several MB, e.g. a
                    # pasted log): the whole body as one block, which always holds it
                    block = min(len(buf) + 1, _MAX_CSV_BLOCK_SIZE)
                elif ("out of sync" in str(e) or "newlines" in str(e)) and not newlines:
                    # a quoted value spans a block boundary: parse with newlines_in_values
                    newlines = True
                else:
                    raise
        if invalid and any(num is None for num, _, _ in invalid):
            # row numbers of invalid rows are only known to the single-threaded reader
            newlines = True
            table = parse(False)
    except pa.ArrowInvalid as e:
        raise UnreadableFileError(name, f"is not a readable CSV file ({_first_line(e)})") from e
    rows = table.num_rows
    if not invalid:
        nums = np.arange(base + 1, base + rows + 1, dtype=np.int64)
        return table, nums, np.zeros(rows, bool), [], []
    if any(num is None for num, _, _ in invalid):  # not expected from the serial reader
        raise UnreadableFileError(name, "has rows that cannot be told apart; save it again")
    total = rows + len(invalid)
    valid_mask = np.ones(total, dtype=bool)
    bad_numbers = np.array([num for num, _, _ in invalid], dtype=np.int64)
    valid_mask[bad_numbers - 1] = False
    nums = np.arange(1, total + 1, dtype=np.int64)[valid_mask]
    extra_rows: list[list[str]] = []
    extra_nums: list[int] = []
    extra_single: list[bool] = []
    rejected: list[Problem] = []
    padded: list[Problem] = []
    for rel, text, _ in invalid:
        num = int(rel or 0) + base
        body = re.sub(r"(?:\r\n|\n|\r)\Z", "", text)
        # at most n + 1 fields: the last holds the rest of the line as written, so a line
        # of millions of delimiters is not split into millions of strings
        fields = _split_fields(body, delim, n + 1)
        k = len(fields)
        shown = _cut(_strip_marks(body))
        if k > n and _blank_fields(fields[n], delim):
            fields = fields[:n]  # trailing empty fields: "a,b,c,," for 3 columns
        elif k > n:
            rest = fields[n]
            more = len(_split_fields(rest, delim)) if len(rest) <= 100_000 else None
            count = f"{n + more}" if more is not None else f"more than {n}"
            rejected.append(
                Problem(
                    name,
                    None,
                    num,
                    None,
                    shown,
                    f"has {count} fields, the header has {n}",
                    "rejected",
                )
            )
            continue
        elif k >= 2:
            padded.append(
                Problem(
                    name,
                    None,
                    num,
                    None,
                    shown,
                    f"has {k} fields, the header has {n}; the missing cells are read as empty",
                )
            )
            fields = fields + [""] * (n - k)
        else:
            fields = (fields or [""]) + [""] * (n - 1)
        extra_rows.append(fields)
        extra_nums.append(num - base)
        extra_single.append(k <= 1)
    single = np.zeros(rows, dtype=bool)
    if extra_rows:
        cols = [pa.array([r[j] for r in extra_rows], pa.string()) for j in range(n)]
        table = pa.concat_tables([table, pa.table(cols, names=names)])
        nums = np.concatenate([nums, np.array(extra_nums, dtype=np.int64)])
        single = np.concatenate([single, np.array(extra_single, dtype=bool)])
        order = np.argsort(nums, kind="stable")
        table = table.take(pa.array(order))
        nums, single = nums[order], single[order]
    return table, nums + base, single, rejected, padded


def _blank_fields(rest: str, delim: str) -> bool:
    """True when ``rest`` (fields as written, delimiter-separated) holds only empty or blank
    fields, quoted or not: ``,,`` / ``"",  ,""`` (checked by one regular expression)."""
    d = re.escape(delim)
    blank = r'(?>[ \t]*"\s*"[ \t]*|[ \t]*)'  # atomic, possessive: constant memory
    return re.fullmatch(rf"{blank}(?:{d}{blank})*+", rest) is not None


def _empty_table(n: int) -> pa.Table:
    return pa.table(
        [pa.array([], pa.string()) for _ in range(n)], names=[f"c{i}" for i in range(n)]
    )


# --------------------------------------------------------------------------------------
# Workbooks (xlsx, xlsm, xls, ods) via fastexcel
# --------------------------------------------------------------------------------------


#: what zipfile raises for damaged archives (unsupported versions and methods included)
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    ValueError,
    NotImplementedError,
    EOFError,
    zlib.error,
)


def _read_zip(
    name: str,
    data: bytes,
    ext: str,
    score: HeaderScore | None,
    sheet: str | None,
    max_rows: int | None,
) -> list[RawTable]:
    """A zip container: xlsx/xlsm/ods after the zip bomb guard; anything else is refused."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
        names = set(zf.namelist())
    except _ZIP_ERRORS as e:
        what = ext.lstrip(".") or "zip"
        raise UnreadableFileError(
            name, f"is damaged: not a readable {what} file ({e}); save or export it again"
        ) from e
    unzipped = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise UnreadableFileError(name, _TOO_BIG_UNPACKED)
    big_ratio = any(
        i.file_size > 1 << 20 and i.file_size > MAX_ZIP_RATIO * max(i.compress_size, 1)
        for i in infos
    )
    if big_ratio or (unzipped > MAX_ZIP_RATIO * max(packed, 1) and unzipped > 1 << 20):
        raise UnreadableFileError(
            name,
            f"is compressed more than {MAX_ZIP_RATIO} to 1, which real spreadsheets never "
            "are; refused as a possible zip bomb",
        )
    mimetype = b""
    if "mimetype" in names and zf.getinfo("mimetype").file_size <= 1024:
        try:
            mimetype = zf.read("mimetype")
        except _ZIP_ERRORS as e:
            raise UnreadableFileError(name, f"is damaged ({e}); save or export it again") from e
    is_ods = "content.xml" in names and b"spreadsheet" in mimetype
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names or is_ods:
        # checked while the reader's process starts (about 0.1 s each)
        return _read_workbook(
            name, data, score, sheet, max_rows, check=lambda: _check_inflated(name, data, infos)
        )
    if any(n.startswith("word/") for n in names):
        raise UnreadableFileError(name, "is a Word document, not a table")
    if any(n.startswith("ppt/") for n in names):
        raise UnreadableFileError(name, "is a PowerPoint presentation, not a table")
    raise UnreadableFileError(
        name, "is a zip archive, not a spreadsheet; unzip it and upload the files inside"
    )


def _check_inflated(name: str, data: bytes, infos: list[zipfile.ZipInfo]) -> None:
    """Every part of the zip really unpacks to no more than it declares.

    The guards above trust the sizes the zip declares; the workbook reader does not look at
    them, so a part declaring 1 KB can inflate to gigabytes of XML. Each part is inflated
    here 1 MB at a time into nothing (bounded memory, ~0.2 s per 100 MB of XML) and the
    file is refused as soon as a part yields more than it declared. Parts may not overlap
    (the sum of their compressed sizes is at most the file), and only the two methods
    spreadsheets use (stored, deflate) are accepted.
    """
    bomb = "unpacks to more than it declares; refused as a possible zip bomb"
    if sum(i.compress_size for i in infos) > len(data):
        raise UnreadableFileError(name, f"has overlapping parts, so it {bomb}")
    view = memoryview(data)
    for info in infos:
        if info.flag_bits & 0x1:
            raise UnreadableFileError(name, "is encrypted; save it without a password")
        if info.compress_type == zipfile.ZIP_STORED:
            continue  # read as it is: never more than the file
        if info.compress_type != zipfile.ZIP_DEFLATED:
            raise UnreadableFileError(
                name,
                f"uses a compression spreadsheets do not use (method {info.compress_type}); "
                "open it in its program and save it again",
            )
        off = info.header_offset
        if data[off : off + 4] != b"PK\x03\x04":
            raise UnreadableFileError(name, "is damaged (a part is missing); save it again")
        name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
        pos = off + 30 + name_len + extra_len
        inflater = zlib.decompressobj(-zlib.MAX_WBITS)
        produced = 0
        pending: bytes | memoryview = b""
        try:
            while not inflater.eof:
                if not pending:
                    if pos >= len(data):
                        break
                    pending, pos = view[pos : pos + (1 << 20)], pos + (1 << 20)
                produced += len(inflater.decompress(pending, 1 << 20))
                pending = inflater.unconsumed_tail
                if produced > info.file_size:
                    raise UnreadableFileError(name, bomb)
        except zlib.error as e:
            raise UnreadableFileError(name, f"is damaged ({e}); save or export it again") from e


def _read_ole(
    name: str,
    data: bytes,
    ext: str,
    score: HeaderScore | None,
    sheet: str | None,
    max_rows: int | None,
) -> list[RawTable]:
    """An OLE/CFB container: a legacy .xls, or an encrypted (password) xlsx."""
    if _ENCRYPTED_PACKAGE in data:
        raise UnreadableFileError(
            name, "is password-protected; save it without a password and upload again"
        )
    return _read_workbook(name, data, score, sheet, max_rows)


#: Excel date/time cells as fastexcel writes them, normalised (``\1`` = first group), each
#: with a text every cell it matches contains:
#: "2024-03-05 00:00:00" / "2024-03-05T00:00:00" -> "2024-03-05" (a date-only cell)
_XL_MIDNIGHT = (r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(?:\.0+)?$", r"\1", "00:00:00")
#: ODS "2024-03-05T14:30:00" -> "2024-03-05 14:30:00"
_XL_ISO_T = (r"^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)$", r"\1 \2", "T")
#: a time-only cell, "1899-12-31 13:05:00" (Excel day 0/1) -> "13:05:00"
_XL_TIME_ONLY = (r"^1899-12-3[01] (\d{2}:\d{2}:\d{2}(?:\.\d+)?)$", r"\1", "1899-12-3")


def _normalise_excel(col: Any) -> Any:
    """Excel/ODS cell strings as the user means them (date-only, ISO with a space)."""
    col = _arr(pc.fill_null(col, ""))
    if not pc.any(pc.match_substring_regex(col, r"^\d{4}-\d{2}-\d{2}[ T]\d")).as_py():
        return col
    for pattern, repl, needle in (_XL_MIDNIGHT, _XL_ISO_T, _XL_TIME_ONLY):
        # the regex only on the cells holding its text (a substring search is several
        # times cheaper than a regex; most timestamps are not midnight)
        maybe = pc.match_substring(col, needle)
        if not pc.any(maybe).as_py():
            continue
        fixed = pc.replace_substring_regex(col.filter(maybe), pattern, repl)
        col = pc.replace_with_mask(col, maybe, fixed)
    return col


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def _read_workbook(
    name: str,
    data: bytes,
    score: HeaderScore | None,
    sheet: str | None,
    max_rows: int | None,
    check: Callable[[], None] = lambda: None,
) -> list[RawTable]:
    """Every visible non-empty sheet (or the one asked for) as a table; ``check`` raises
    when the file must not reach the reader (:func:`_open_workbook`)."""
    n_rows = None if max_rows is None else max_rows + HEADER_SEARCH_ROWS + 30
    meta, batches = _open_workbook(name, data, sheet, n_rows, check)
    if meta.get("error"):
        raise UnreadableFileError(
            name, f"is not a readable workbook; it may be damaged ({meta['error']})"
        )
    sheet_names: list[str] = meta["sheet_names"]
    if sheet is not None and sheet not in sheet_names:
        raise UnreadableFileError(
            name, f"has no sheet named {sheet!r}; its sheets are {', '.join(sheet_names)}"
        )
    out: list[RawTable] = []
    for info, batch in zip(meta["sheets"], batches, strict=True):
        sname = info["name"]
        if info["error"]:
            raise UnreadableFileError(name, f"sheet {sname!r} cannot be read ({info['error']})")
        if batch is None:  # hidden, or empty
            continue
        cols = per_column(_normalise_excel, batch.columns, batch.num_rows)
        grid = pa.table(cols, names=[f"c{i}" for i in range(len(cols))])
        table = _grid_table(name, sname, grid, score, max_rows)
        if table is not None:
            out.append(table)
    if not out:
        where = f"sheet {sheet!r}" if sheet is not None else "any sheet"
        raise UnreadableFileError(name, f"has no data in {where}")
    return out


# A workbook is opened in a child process with a memory and a time limit. The reader
# (calamine, in Rust) holds a sheet as a dense grid from its first to its last cell, 32
# bytes a cell: a 5 KB xlsx with one cell in A1 and one in XFD1048576 asks for 550 GB, an
# .xls with a cell at row and column 65535 for 137 GB, a small .ods repeating one cell for
# a million rows likewise. Such an allocation aborts the whole process (Rust does not raise
# on out-of-memory), which in the web app would stop every user's session. In the child
# the limit makes it fail alone, and the file is refused with a clear message. Cost: about
# 0.25 s per workbook (starting Python and importing pyarrow).

#: memory the workbook reader may use, on top of the file itself. A 1,000,000-row x
#: 20-column sheet needs about 1.3 GB
MAX_WORKBOOK_MEMORY = 2 << 30
#: seconds a workbook may take to open
WORKBOOK_SECONDS = 300
#: exit status of the child when Python itself ran out of memory
_EXIT_NO_MEMORY = 3
_OUT_OF_MEMORY_SIGNALS = tuple(
    getattr(signal, n) for n in ("SIGABRT", "SIGKILL") if hasattr(signal, n)
)


def _workbook_sheets(
    data: bytes, sheet: str | None, n_rows: int | None
) -> tuple[dict[str, Any], list[Any]]:
    """The fastexcel part of reading a workbook: what the child process runs.

    Self-contained (its source is sent to the child): returns ``meta`` (``error``: why
    the workbook cannot be opened; ``sheet_names``; per sheet read: ``name``, ``error``)
    and per sheet a record batch of string cells, None for a hidden or empty sheet.
    """
    import fastexcel

    def first_line(e: BaseException) -> str:
        text = str(e).strip()
        return text.splitlines()[0] if text else type(e).__name__

    try:
        reader = fastexcel.read_excel(data)
        names = list(reader.sheet_names)
    except fastexcel.FastExcelError as e:
        return {"error": first_line(e)}, []
    meta: dict[str, Any] = {"error": None, "sheet_names": names, "sheets": []}
    batches: list[Any] = []
    if sheet is not None and sheet not in names:
        return meta, batches
    for sname in [sheet] if sheet is not None else names:
        info: dict[str, Any] = {"name": sname, "error": None}
        meta["sheets"].append(info)
        batch = None
        try:
            xs = reader.load_sheet(
                sname,
                header_row=None,
                skip_rows=0,  # keep leading empty rows: row numbers stay the sheet's
                dtypes="string",
                n_rows=n_rows,
            )
            if (sheet is not None or xs.visible == "visible") and xs.height and xs.width:
                batch = xs.to_arrow()
        except fastexcel.FastExcelError as e:
            info["error"] = first_line(e)
            batches.append(None)
            break
        batches.append(batch)
    return meta, batches


def _workbook_child() -> None:
    """Entry point of the child process: args in argv[1] (JSON), the file on stdin; writes
    one JSON line and then one Arrow IPC stream per batch (lengths in the JSON)."""
    import json
    import sys

    import pyarrow as pa

    args = json.loads(sys.argv[1])
    data = sys.stdin.buffer.read()
    try:
        import resource

        with open("/proc/self/statm") as fh:  # address space in use, in pages
            used = int(fh.read().split()[0]) * resource.getpagesize()
        limit = used + int(args["memory"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: no limit (the time limit still holds)
    try:
        meta, batches = _workbook_sheets(data, args["sheet"], args["n_rows"])
        blobs = []
        for batch in batches:
            if batch is None:
                blobs.append(b"")
                continue
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            blobs.append(sink.getvalue().to_pybytes())
    except MemoryError:
        sys.exit(3)  # _EXIT_NO_MEMORY
    except BaseException as e:  # a Rust panic arrives as pyo3's PanicException
        meta, blobs = {"error": f"internal reader error: {str(e).strip()[:200]}"}, []
    meta["sizes"] = [len(b) for b in blobs]
    out = sys.stdout.buffer
    out.write(json.dumps(meta).encode() + b"\n")
    for blob in blobs:
        out.write(blob)
    out.flush()


@cache
def _child_code() -> str:
    """Source of the child process: the two functions above and a call."""
    return "\n".join(
        [
            "from __future__ import annotations",
            "from typing import Any",
            inspect.getsource(_workbook_sheets),
            inspect.getsource(_workbook_child),
            "_workbook_child()",
        ]
    )


def _open_workbook(
    name: str,
    data: bytes,
    sheet: str | None,
    n_rows: int | None,
    check: Callable[[], None] = lambda: None,
) -> tuple[dict[str, Any], list[Any]]:
    """:func:`_workbook_sheets` in a child process with a memory and a time limit.

    ``check`` runs while the child starts (Python and its imports, about 0.1 s), before
    the child gets the file; when it raises, the child is stopped.

    Raises:
        UnreadableFileError: the workbook needs more than :data:`MAX_WORKBOOK_MEMORY` or
            :data:`WORKBOOK_SECONDS`, or the reader failed; or what ``check`` raises.
    """
    args = json.dumps({"sheet": sheet, "n_rows": n_rows, "memory": MAX_WORKBOOK_MEMORY})
    cmd = [sys.executable, "-I", "-c", _child_code(), args]
    pipe = subprocess.PIPE
    try:
        child = subprocess.Popen(cmd, stdin=pipe, stdout=pipe, stderr=pipe)
    except OSError as e:
        check()
        if not sys.executable:
            # no child processes here (Python in a browser): read in this process
            return _workbook_sheets(data, sheet, n_rows)
        raise UnreadableFileError(
            name, f"cannot be opened now: the workbook reader did not start ({e}); try again"
        ) from e
    with child:  # waits for it, its pipes closed
        try:
            check()
            out, err = child.communicate(data, timeout=WORKBOOK_SECONDS)
        except subprocess.TimeoutExpired as e:
            child.kill()
            raise UnreadableFileError(
                name,
                f"takes more than {WORKBOOK_SECONDS} seconds to open (the limit); it is "
                "damaged or far too big: export the data as CSV",
            ) from e
        except BaseException:
            child.kill()
            raise
    status = child.returncode
    if status == _EXIT_NO_MEMORY or -status in _OUT_OF_MEMORY_SIGNALS:
        # Rust aborts when an allocation fails (SIGABRT); the kernel's OOM killer: SIGKILL
        raise UnreadableFileError(
            name,
            f"needs more than {MAX_WORKBOOK_MEMORY >> 30} GB of memory to open (the limit): "
            "a sheet reaches far beyond its data, or the file is damaged. Open it in Excel, "
            "delete the empty rows and columns after the data and save it again, or export "
            "it as CSV",
        )
    line_end = out.find(b"\n")
    if status != 0 or line_end < 0:
        text = err.decode("utf-8", "replace").strip()
        why = text.splitlines()[-1][:200] if text else f"exit status {status}"
        raise UnreadableFileError(name, f"is not a readable workbook (the reader failed: {why})")
    meta: dict[str, Any] = json.loads(out[:line_end])
    batches: list[Any] = []
    pos = line_end + 1
    buf = pa.py_buffer(out)
    for size in meta.get("sizes", []):
        if size:
            batches.append(pa.ipc.open_stream(buf[pos : pos + size]).read_next_batch())
        else:
            batches.append(None)
        pos += size
    return meta, batches


def _grid_table(
    name: str, sheet: str | None, grid: pa.Table, score: HeaderScore | None, max_rows: int | None
) -> RawTable | None:
    """A whole sheet (all rows, string cells) -> table; None when the sheet is blank."""
    empties = _empty_masks(grid)
    blank_arr = empties[0]
    for e in empties[1:]:
        blank_arr = pc.and_(blank_arr, e)
    blank = _to_bool(blank_arr)
    nonblank = np.flatnonzero(~blank)
    if len(nonblank) == 0:
        return None
    start = int(nonblank[0])
    sample = grid.slice(0, start + SNIFF_RECORDS).to_pydict()
    rows = [[str(v).strip() for v in r] for r in zip(*sample.values(), strict=True)]
    h = _choose_header(rows, start, score)
    headers = rows[h][: _width(rows[h])]
    data = grid.slice(h + 1)
    if max_rows is not None:
        data = data.slice(0, max_rows)
    # columns right of the header that hold data get an empty header
    n = len(headers)
    data_empties = [e.slice(h + 1, data.num_rows) for e in empties]
    for j in range(grid.num_columns - 1, n - 1, -1):
        if pc.all(data_empties[j]).as_py() is False:
            n = j + 1
            break
    headers = headers + [""] * (n - len(headers))
    if n == 0:
        return None
    headers, cut = _limit_headers(name, sheet, headers, h + 1)
    data = data.select(list(range(n))).rename_columns([f"c{i}" for i in range(n)])
    skipped = [
        Problem(
            name,
            sheet,
            i + 1,
            None,
            _cut(next((c for c in rows[i] if c), "")),
            "title line before the header" if _width(rows[i]) else "blank row",
            "skipped",
        )
        for i in range(h)
    ]
    return _finish(
        _Parts(
            file=name,
            sheet=sheet,
            headers=headers,
            table=data,
            row_numbers=np.arange(h + 2, h + 2 + data.num_rows, dtype=np.int64),
            header_row=h + 1,
            skipped=skipped,
            warnings=cut,
        )
    )


# --------------------------------------------------------------------------------------
# Parquet
# --------------------------------------------------------------------------------------


def _read_parquet(name: str, data: bytes, max_rows: int | None) -> RawTable:
    """Every column cast to string; timestamps ISO (``2024-03-05 14:30:00[+01:00]``).

    Row numbers count as if the table were opened in a spreadsheet: header row 1, the
    first record row 2.
    """
    try:
        pf = pq.ParquetFile(pa.BufferReader(data))
        _check_parquet_size(name, pf)
        # text columns stay dictionary-encoded until their decoded size is known: a few KB
        # of Parquet can repeat one 1 MB string a million times
        schema = pf.schema
        text_leaves = [
            schema.column(i).path
            for i in range(len(schema))
            if schema.column(i).physical_type == "BYTE_ARRAY"
        ]
        pf = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text_leaves)
        table = pf.read()
        if max_rows is not None:
            table = table.slice(0, max_rows)
        names = table.column_names
        decoded = sum(_decoded_bytes(chunk) for col in table.columns for chunk in col.chunks)
    except (pa.ArrowException, OSError, ValueError) as e:  # ValueError: UnicodeDecodeError
        raise UnreadableFileError(name, f"is not a readable Parquet file ({_first_line(e)})") from e
    if decoded > MAX_UNZIPPED_BYTES:
        raise UnreadableFileError(name, _TOO_BIG_UNPACKED)
    headers: list[str] = []
    cols: list[Any] = []
    for col_name, col in zip(names, table.columns, strict=True):
        try:
            arr = col.combine_chunks() if col.num_chunks else pa.array([], col.type)
            for h, c in _arrow_strings(str(col_name), arr):
                headers.append(h.strip())
                cols.append(c)
        except (pa.ArrowException, OSError, ValueError) as e:
            raise UnreadableFileError(
                name, f"column {col_name!r} cannot be read as text ({_first_line(e)})"
            ) from e
    if not headers:
        raise UnreadableFileError(name, "has no columns")
    return _structured(name, headers, cols, table.num_rows, None, [])


def _check_parquet_size(name: str, pf: pq.ParquetFile) -> None:
    """Refuse a Parquet file whose metadata announce more than a table may hold.

    Rows (:data:`MAX_TABLE_ROWS`), values (:data:`MAX_CELLS`: rows x leaf columns, or the
    values of list columns) and uncompressed bytes (:data:`MAX_UNZIPPED_BYTES`) are known
    before anything is decompressed.
    """
    md = pf.metadata
    if md.num_rows > MAX_TABLE_ROWS:
        raise UnreadableFileError(
            name,
            f"has {md.num_rows:,} rows; the limit is {MAX_TABLE_ROWS:,} per table. "
            "Export a shorter period or split the file",
        )
    values = md.num_rows * md.num_columns
    if values <= MAX_CELLS and any(
        pf.schema.column(j).max_repetition_level > 0 for j in range(md.num_columns)
    ):
        # list columns: their values, not their rows, are what takes memory
        values = sum(
            md.row_group(i).column(j).num_values
            for i in range(md.num_row_groups)
            for j in range(md.num_columns)
        )
    if values > MAX_CELLS:
        raise UnreadableFileError(
            name,
            f"holds {values:,} values, more than the limit of {MAX_CELLS:,}; "
            "export fewer columns or a shorter period",
        )
    unpacked = sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))
    if unpacked > MAX_UNZIPPED_BYTES:
        raise UnreadableFileError(name, _TOO_BIG_UNPACKED)


def _decoded_bytes(arr: Any) -> int:
    """Bytes an Arrow array takes once dictionaries are decoded (without decoding them).

    Example: 1,000,000 indices into the dictionary ``["x" * 1000]`` -> about 1 GB.
    """
    t = arr.type
    if pa.types.is_dictionary(t):
        vt = t.value_type
        if not (
            pa.types.is_string(vt)
            or pa.types.is_binary(vt)
            or pa.types.is_large_string(vt)
            or pa.types.is_large_binary(vt)
        ):
            return 8 * len(arr) + int(arr.dictionary.nbytes)
        lengths = pc.binary_length(arr.dictionary)
        total = pc.sum(pc.take(lengths, arr.indices)).as_py() or 0
        return int(total) + 8 * len(arr)
    if pa.types.is_struct(t):
        return sum(_decoded_bytes(pc.struct_field(arr, [i])) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _decoded_bytes(pc.list_flatten(arr)) + 8 * len(arr)
    return int(arr.nbytes)


_TS_FRACTION = (r"\.0+(Z|[+-]\d{4})?$", r"\1")  # "14:30:00.000+0100" -> "14:30:00+0100"
_TS_OFFSET = (r"([+-]\d{2})(\d{2})$", r"\1:\2")  # "+0100" -> "+01:00"
_REF_KEYS = ("name", "identifier", "id")


def _arrow_strings(name: str, arr: Any) -> list[tuple[str, Any]]:
    """An Arrow array as one or more (header, string array) pairs.

    Structs holding ``name``/``identifier``/``id`` are references and become that value
    (the first present); other structs become dotted columns (``_info.dateEntered``);
    lists are joined with ``"; "``.
    """
    t = arr.type
    if pa.types.is_dictionary(t):
        return _arrow_strings(name, arr.dictionary_decode())
    if pa.types.is_struct(t):
        fields = [t.field(i).name for i in range(t.num_fields)]
        refs = [k for k in _REF_KEYS if k in fields]
        if refs:
            # the first non-empty of name, identifier, id (as for JSON references)
            value: Any = pa.nulls(len(arr), pa.string())
            for k in refs:
                part = _arrow_strings(name, pc.struct_field(arr, [fields.index(k)]))[0][1]
                value = pc.coalesce(value, pc.if_else(pc.equal(part, ""), None, part))
            return [(name, pc.fill_null(value, ""))]
        out = []
        for i, f in enumerate(fields):
            out.extend(_arrow_strings(f"{name}.{f}", pc.struct_field(arr, [i])))
        return out
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        values = _arrow_strings(name, pc.list_flatten(arr))[0][1]
        lengths = pc.fill_null(pc.list_value_length(arr), 0).to_numpy(zero_copy_only=False)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
        lists = pa.ListArray.from_arrays(pa.array(offsets), values)
        return [(name, pc.fill_null(pc.binary_join(lists, "; "), ""))]
    if pa.types.is_null(t):
        return [(name, pa.array([""] * len(arr), pa.string()))]
    if pa.types.is_timestamp(t):
        s = pc.cast(arr, pa.string())
        s = pc.replace_substring_regex(s, *_TS_FRACTION)
        s = pc.replace_substring_regex(s, *_TS_OFFSET)
    elif pa.types.is_time(t):
        s = pc.replace_substring_regex(pc.cast(arr, pa.string()), r"\.0+$", "")
    elif pa.types.is_duration(t):
        per_second = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[t.unit]
        s = pc.cast(pc.divide(pc.cast(arr, pa.float64()), per_second), pa.string())
        s = pc.replace_substring_regex(s, r"\.0$", "")
    elif pa.types.is_floating(t):
        s = pc.cast(arr, pa.string())
        s = pc.if_else(pc.equal(s, "nan"), "", s)
    else:
        s = pc.cast(arr, pa.string())
    return [(name, pc.fill_null(s, ""))]


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


# --------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------

#: keys under which APIs return the list of records: {"data": [...]}, OData {"value": [...]}
_LIST_KEYS = ("data", "value", "items", "results", "records", "rows")


def _scalar(v: Any) -> str:
    """A JSON scalar as text: ``None`` -> ``""``, ``True`` -> ``"true"``, ``3.0`` -> ``"3"``."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def _reference(d: dict[str, Any]) -> str | None:
    """A reference object's display value: ``{"id": 3, "name": "Acme"}`` -> ``"Acme"``;
    ``{"id": 7, "identifier": "jdoe"}`` -> ``"jdoe"``; ``{"id": 5}`` -> ``"5"``. None when
    the object has none of those keys."""
    if not any(k in d for k in _REF_KEYS):
        return None
    for k in _REF_KEYS:
        v = d.get(k)
        if v is not None and v != "" and not isinstance(v, dict | list):
            return _scalar(v)
    return ""


def _item(v: Any) -> str:
    """One element of a list: references by their name, scalars as text."""
    if isinstance(v, dict):
        ref = _reference(v)
        return ref if ref is not None else json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "; ".join(_item(x) for x in v)
    return _scalar(v)


def _flatten(obj: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    """One record as flat text cells.

    ``{"company": {"id": 1, "identifier": "acme", "name": "Acme"}}`` -> ``company=Acme``;
    ``{"_info": {"dateEntered": "2024-03-05T10:00:00Z"}}`` -> ``_info.dateEntered=...``;
    ``{"tags": ["a", "b"]}`` -> ``tags=a; b``.
    """
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            ref = _reference(v)
            if ref is not None:
                out[key] = ref
            else:
                _flatten(v, key + ".", out)
        elif isinstance(v, list):
            out[key] = "; ".join(_item(x) for x in v)
        else:
            out[key] = _scalar(v)


def _read_json(name: str, data: bytes, max_rows: int | None) -> RawTable:
    """A list of records, an API object holding one (``{"data": [...]}``), or NDJSON."""
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", "kpi_latin1"), "cp1252"
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    if not text.strip():
        raise UnreadableFileError(name, "is empty; export the data again and upload it")
    try:
        return _json_table(name, text, encoding, max_rows)
    except RecursionError as e:
        raise UnreadableFileError(name, "is JSON nested too deeply to be a table") from e


def _json_table(name: str, text: str, encoding: str, max_rows: int | None) -> RawTable:
    items: list[Any]
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        ndjson = _ndjson(text)
        if ndjson is None:
            raise UnreadableFileError(
                name, f"is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})"
            ) from e
        items = ndjson
    else:
        items = _records_of(name, obj)
    if max_rows is not None:
        items = items[:max_rows]
    flat: list[dict[str, str] | None] = []
    rejected: list[Problem] = []
    keys: dict[str, None] = {}
    for i, item in enumerate(items):
        if isinstance(item, dict):
            out: dict[str, str] = {}
            _flatten(item, "", out)
            flat.append(out)
            keys.update(dict.fromkeys(out))
        else:
            flat.append(None)
            shown = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
            rejected.append(
                Problem(
                    name,
                    None,
                    i + 2,
                    None,
                    _cut(shown),
                    "is not a JSON object (record)",
                    "rejected",
                )
            )
    good = [r for r in flat if r is not None]
    if not good:
        raise UnreadableFileError(
            name, "is JSON but holds no records (objects); export a list of records"
        )
    headers = list(keys)
    # checked before the columns are built: records x keys lookups (every record with a
    # key of its own would make that quadratic)
    _limit_headers(name, None, headers, 1)
    if len(headers) * len(good) > MAX_CELLS:
        raise UnreadableFileError(
            name,
            f"has {len(good):,} records x {len(headers):,} fields, more than the limit of "
            f"{MAX_CELLS:,} cells; export fewer fields or a shorter period",
        )
    cols = [[r.get(k, "") for r in good] for k in headers]
    nums = np.array([i + 2 for i, r in enumerate(flat) if r is not None], dtype=np.int64)
    return _structured(
        name, [h.strip() for h in headers], cols, len(good), encoding, rejected, nums
    )


def _ndjson(text: str) -> list[Any] | None:
    """Records of newline-delimited JSON, or None when the first line is not an object.

    A later line that is not JSON becomes a string item (rejected as not an object).
    """
    out: list[Any] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            if not out:
                return None
            out.append(line)
    if not out or not isinstance(out[0], dict):
        return None
    return out


def _records_of(name: str, obj: Any) -> list[Any]:
    """The list of records inside a parsed JSON document."""
    if isinstance(obj, list):
        if obj and not any(isinstance(x, dict) for x in obj):
            raise UnreadableFileError(
                name, "is a JSON list of values, not of records (objects); export records"
            )
        return obj
    if isinstance(obj, dict):
        lower = {str(k).lower(): v for k, v in obj.items()}
        for key in _LIST_KEYS:
            if isinstance(lower.get(key), list):
                return _records_of(name, lower[key])
        lists = [v for v in obj.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0]
        keys = ", ".join(list(map(str, obj))[:8])
        raise UnreadableFileError(
            name,
            f"is JSON but not a list of records (an object with keys {keys}); "
            "export the list of records",
        )
    raise UnreadableFileError(name, "is JSON but not a list of records")
