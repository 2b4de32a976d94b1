"""Workbooks (xlsx, xlsm, xls, ods) -> one raw table per non-empty sheet, via fastexcel.

A zip container is checked against zip bombs (declared and real inflated sizes) before its
workbook reaches the reader, and the reader runs in a child process
(:mod:`kpi.read.workbook_child`) with a memory and a time limit.
"""

from __future__ import annotations

import io
import json
import signal
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.errors import UnreadableFileError
from kpi.problems import Problem
from kpi.read import workbook_child
from kpi.read.delimited import SNIFF_RECORDS
from kpi.read.raw import (
    _TOO_BIG_UNPACKED,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_RATIO,
    HeaderScore,
    RawTable,
    _arr,
    _cut,
    _limit_headers,
    _to_bool,
    per_column,
)
from kpi.read.rows import HEADER_SEARCH_ROWS, _choose_header, _empty_masks, _finish, _Parts, _width
from kpi.texts.messages import english

#: a password-protected xlsx is an OLE container with a stream named "EncryptedPackage"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


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
_OUT_OF_MEMORY_SIGNALS = tuple(
    getattr(signal, n) for n in ("SIGABRT", "SIGKILL") if hasattr(signal, n)
)


def _open_workbook(
    name: str,
    data: bytes,
    sheet: str | None,
    n_rows: int | None,
    check: Callable[[], None] = lambda: None,
) -> tuple[dict[str, Any], list[Any]]:
    """:func:`kpi.read.workbook_child.read_sheets` in a child process with a memory and a
    time limit.

    ``check`` runs while the child starts (Python and its imports, about 0.1 s), before
    the child gets the file; when it raises, the child is stopped.

    Raises:
        UnreadableFileError: the workbook needs more than :data:`MAX_WORKBOOK_MEMORY` or
            :data:`WORKBOOK_SECONDS`, or the reader failed; or what ``check`` raises.
    """
    args = json.dumps({"sheet": sheet, "n_rows": n_rows, "memory": MAX_WORKBOOK_MEMORY})
    # the child runs its module as a script: in isolated mode (-I) nothing of the
    # environment or the working folder reaches it
    cmd = [sys.executable, "-I", workbook_child.__file__, args]
    pipe = subprocess.PIPE
    try:
        child = subprocess.Popen(cmd, stdin=pipe, stdout=pipe, stderr=pipe)
    except OSError as e:
        check()
        if not sys.executable:
            # no child processes here (Python in a browser): read in this process
            return workbook_child.read_sheets(data, sheet, n_rows)
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
    if status == workbook_child.EXIT_NO_MEMORY or -status in _OUT_OF_MEMORY_SIGNALS:
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
            english("load.msg.title_line" if _width(rows[i]) else "load.msg.blank_row"),
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
