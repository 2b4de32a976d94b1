"""Turn the bytes of an uploaded file into raw string tables: which reader a file goes to.

One :class:`~kpi.read.raw.RawTable` per CSV/TSV/TXT, JSON or Parquet file and per
non-empty sheet of a workbook (xlsx, xlsm, xls, ods). Every cell is a string (``""`` for
empty, never NULL); typing the values is the job of later stages (:mod:`kpi.load`).

* **Format.** Chosen by content first (``PK`` zip, ``D0 CF 11 E0`` OLE, ``PAR1`` Parquet),
  then by extension; a file with an unknown extension is sniffed (``[``/``{`` -> JSON, else
  delimited text). Images, PDFs, archives, binary junk, password-protected workbooks and
  zip bombs raise :class:`kpi.errors.UnreadableFileError` with a message the user can act on.
* **Encoding** of text files: :mod:`kpi.read.encoding`; **delimiter, header row, row
  numbers**: :mod:`kpi.read.delimited`; **rows that are not data** (blank rows, totals,
  group headings, footers): :mod:`kpi.read.rows`; **workbooks**: :mod:`kpi.read.workbook`;
  **Parquet** and **JSON**: :mod:`kpi.read.parquet`, :mod:`kpi.read.json_records`.

**Hostile files** (tests/test_hostile_files.py) meet deliberate limits, each named in the
message that refuses them (:mod:`kpi.read.raw` holds them): 16,384 columns
(:data:`~kpi.read.raw.MAX_COLUMNS`, Excel's), a header line of 16 MB, a header cell of 1,000
characters (cut, not refused), 1 GB unpacked for a workbook or Parquet file (declared sizes
*and* real inflated sizes), 200 to 1 compression, 10M rows and 50M values for Parquet and
JSON (checked before decoding), and for workbooks 2 GB of reader memory and 300 s, enforced
by reading them in a child process (see :func:`kpi.read.workbook._open_workbook`). A record
longer than pyarrow's block (a 100 MB cell) is parsed as one block; a line of millions of
delimiters costs constant memory.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kpi.errors import UnreadableFileError
from kpi.read.delimited import _read_text
from kpi.read.encoding import _looks_binary
from kpi.read.json_records import _read_json
from kpi.read.parquet import _read_parquet
from kpi.read.raw import HeaderScore, RawTable
from kpi.read.workbook import _read_ole, _read_zip

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
