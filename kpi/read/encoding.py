"""The bytes of a text file -> UTF-8 text, and the files that are not text at all.

* **Encoding**: UTF-8 (with or without BOM), UTF-16 with BOM (Excel "Unicode text"),
  cp1252. A mostly-UTF-8 file with a few stray bytes is read as UTF-8 with those bytes
  decoded as cp1252, and each affected row is reported as a warning. NUL bytes at the end
  are padding (ignored, one warning); a few inside are removed, with a warning per row;
  more than 1% of the bytes is binary data.
* HTML and XML files saved with a table's extension are refused with what to do.

:func:`kpi.read.delimited._read_text` decodes a text file with these, then parses it.
"""

from __future__ import annotations

import codecs
import re

import numpy as np
import pyarrow as pa

from kpi.errors import UnreadableFileError
from kpi.read.raw import _MARK

# --------------------------------------------------------------------------------------
# Text or binary
# --------------------------------------------------------------------------------------


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


#: the name of that handler: ``data.decode("cp1252", LATIN1_FALLBACK)`` never fails (the
#: JSON reader decodes cp1252 files with it too)
LATIN1_FALLBACK = "kpi_latin1"
codecs.register_error(LATIN1_FALLBACK, _latin1_fallback)


def _mark_cp1252(err: UnicodeError) -> tuple[str, int]:
    """Codec error handler for UTF-8: one invalid byte -> ``_MARK`` + its cp1252 character.

    The decoder runs in C and calls this only at the bad spots, so a 100 MB file with a
    few stray bytes decodes in one pass. Example: ``b"Jos\\xe9"`` -> ``"Jos" + _MARK + "é"``.
    """
    if not isinstance(err, UnicodeDecodeError):
        raise err
    raw = err.object[err.start : err.start + 1]
    return _MARK + raw.decode("cp1252", LATIN1_FALLBACK), err.start + 1


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
        return body.decode("cp1252", LATIN1_FALLBACK).encode("utf-8"), "cp1252", False
    return body.decode("utf-8", "kpi_mark_cp1252").encode("utf-8"), encoding, True
