"""Delimited text (CSV, TSV, TXT) -> one raw table.

The bytes are decoded first (:mod:`kpi.read.encoding`), then parsed as UTF-8 text:

* **Delimiter** among ``,`` ``;`` tab ``|``, sniffed from the first records (quotes respected).
* **Header row**: chosen among the first 30 rows (by the caller's ``header_score``, else by
  field counts, :func:`kpi.read.rows._choose_header`); rows before it are skipped as title
  lines.
* **Row numbers** are those a user sees in a spreadsheet: 1-based, counting title lines and
  the header; a CSV record with a quoted newline is one row.

Large CSV files are parsed by ``pyarrow.csv`` with every column as string (about 0.2 s for
1M rows x 15 columns); the classification of rows is vectorised (:mod:`kpi.read.rows`).
Python only looks at the first records (sniffing) and at the few rows that do not parse.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from kpi.errors import UnreadableFileError
from kpi.problems import Problem
from kpi.read.encoding import _is_utf16, _looks_binary, _reject_markup, _repair_utf8, _valid_utf8
from kpi.read.raw import (
    _MARKS,
    _NUL_MARK,
    MAX_COLUMNS,
    HeaderScore,
    RawTable,
    _cut,
    _first_line,
    _limit_headers,
)
from kpi.read.rows import _choose_header, _finish, _modal, _Parts, _strip_marks
from kpi.texts.messages import english

#: candidate delimiters, in the order that wins a tie
DELIMITERS = (",", ";", "\t", "|")
#: records parsed in Python to sniff the delimiter and the header
SNIFF_RECORDS = 60
#: pyarrow reads CSV in blocks of this size (in parallel when it can)
_CSV_BLOCK_SIZE = 1 << 22
#: the largest block pyarrow accepts (int32), for files with a record longer than a block
_MAX_CSV_BLOCK_SIZE = (1 << 31) - 1
#: the header line of a text file must end within its first 16 MB
MAX_HEADER_LINE_BYTES = 1 << 24


# --------------------------------------------------------------------------------------
# Delimited text: records, delimiter, header
# --------------------------------------------------------------------------------------


@dataclass
class _Record:
    start: int  # character offsets in the sniffed text
    end: int
    fields: list[str]


@cache  # one of the four DELIMITERS: compiled once per process
def _record_res(delim: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Regexes for one record and one field (RFC 4180 quoting, as pyarrow reads it).

    A field is quoted only when its first character is ``"``; ``""`` inside is a quote;
    a quote elsewhere is literal. Example with ``,``: ``a,"b,""c""
    d",e`` is one record with fields ``a``, ``b,"c"\\nd``, ``e``.
    """
    d = re.escape(delim)
    quoted = rf'"[^"]*(?:""[^"]*)*"[^{d}\r\n]*'
    plain = rf"[^{d}\r\n]*"
    # atomic groups and a possessive repeat: a field never needs backtracking (it ends
    # at a delimiter or a line break either way), and without them the regex engine
    # keeps one backtracking entry per field: ~1 GB for a line of 5 million commas
    record = re.compile(rf"((?>{quoted}|{plain})(?:{d}(?>{quoted}|{plain}))*+)(\r\n|\n|\r|\Z)")
    fld = re.compile(rf'(?:"([^"]*(?:""[^"]*)*)"([^{d}\r\n]*)|({plain}))({d}|\Z)')
    return record, fld


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
                    english("load.msg.utf16_bad"),
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
                english("load.msg.nul_tail", n=f"{len(data) - len(stripped):,}"),
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


def _sniff_head(
    name: str, payload: bytes, ext: str, score: HeaderScore | None
) -> tuple[str, str, bool, list[_Record], list[list[str]], int]:
    """The head of ``payload`` (valid UTF-8) as decoded text, the delimiter, whether an
    Excel delimiter line (``sep=;``) gave it, the first records and their cells (trimmed),
    and the index of the header among them.

    Raises:
        UnreadableFileError: an empty file, a web page, only blank lines, or a header line
            longer than :data:`MAX_HEADER_LINE_BYTES`.
    """
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
    return head, delim, sep is not None, records, rows, h


def _title_lines(name: str, rows: list[list[str]], h: int, sep: str | None) -> list[Problem]:
    """The lines before the header ``rows[h]``, skipped: title lines and blank rows; the
    first is Excel's delimiter line when ``sep`` is given (``sep=;``)."""
    skipped: list[Problem] = []
    for i in range(h):
        value = next((c for c in rows[i] if c), "")
        why = english("load.msg.title_line" if value else "load.msg.blank_row")
        if i == 0 and sep:
            why, value = english("load.msg.excel_sep_line"), sep
        skipped.append(Problem(name, None, i + 1, None, _cut(value), why, "skipped"))
    return skipped


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
    head, delim, sep, records, rows, h = _sniff_head(name, payload, ext, score)
    skipped = _title_lines(name, rows, h, f"sep={delim}" if sep else None)
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
    (warning); a single-field line is kept for :func:`kpi.read.rows._classify` (footer or broken);
    a row with extra non-empty fields is rejected.
    """
    names = [f"c{i}" for i in range(n)]
    if end <= offset:
        return _empty_table(n), np.zeros(0, np.int64), np.zeros(0, bool), [], []
    table, invalid = _read_csv(name, pa.py_buffer(payload)[offset:end], delim, n)
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
    extra_rows, extra_nums, extra_single, rejected, padded = _invalid_rows(
        name, invalid, delim, n, base
    )
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


def _read_csv(
    name: str, buf: pa.Buffer, delim: str, n: int
) -> tuple[pa.Table, list[tuple[int | None, str, int]]]:
    """``buf`` parsed by pyarrow into ``n`` string columns, the fastest way that reads it,
    and the rows pyarrow's invalid-row handler skipped: (record number, text, fields).

    Raises:
        UnreadableFileError: pyarrow cannot parse it.
    """
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
    return table, invalid


def _invalid_rows(
    name: str, invalid: list[tuple[int | None, str, int]], delim: str, n: int, base: int
) -> tuple[list[list[str]], list[int], list[bool], list[Problem], list[Problem]]:
    """The rows pyarrow skipped (see :func:`_parse_body`), fixed: their cells, record
    numbers and single-field flags, then the rejected rows and the padded rows' warnings."""
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
            why = (
                english("load.msg.fields", count=n + more, n=n)
                if more is not None
                else english("load.msg.fields_more", count=n, n=n)
            )
            rejected.append(
                Problem(
                    name,
                    None,
                    num,
                    None,
                    shown,
                    why,
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
                    english("load.msg.fields_missing", count=k, n=n),
                )
            )
            fields = fields + [""] * (n - k)
        else:
            fields = (fields or [""]) + [""] * (n - 1)
        extra_rows.append(fields)
        extra_nums.append(num - base)
        extra_single.append(k <= 1)
    return extra_rows, extra_nums, extra_single, rejected, padded


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
