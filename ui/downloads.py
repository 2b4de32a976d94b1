"""Files the user downloads: CSV in the language's dialect and Excel workbooks.

CSV: UTF-8 with a BOM so that Excel opens accents right; English dialect ``,`` with a
decimal point, Spanish ``;`` with a decimal comma (Excel's defaults in each locale).
Numbers keep full precision (``0.8200000000000001`` stays as is: rounding is for the
screen only). Text cells go through :func:`kpi.safety.safe_cell`, so a client called
``=HYPERLINK(...)`` is written as text, never as a formula.

Functions here take DataFrames and return bytes; no Streamlit, so tests call them
directly.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.safety import safe_cell

BOM = "\ufeff"


@dataclass(frozen=True)
class Dialect:
    """Field separator and decimal separator of a CSV file."""

    key: str
    delimiter: str
    decimal: str


DIALECTS = {
    "comma": Dialect("comma", ",", "."),
    "semicolon": Dialect("semicolon", ";", ","),
}


def dialect_for(lang: str, choice: str | None = None) -> Dialect:
    """The user's choice, else the language's dialect (es: ``;`` and ``,``)."""
    if choice in DIALECTS:
        return DIALECTS[choice]
    return DIALECTS["semicolon" if lang == "es" else "comma"]


def _numbers_text(values: Any, decimal: str) -> list[str | None]:
    """Numbers as the CLI writes them (Arrow's shortest round-trip text: 12.0 -> ``12``,
    0.1 + 0.2 -> ``0.30000000000000004``), with the dialect's decimal separator."""
    arr = pa.array(values, type=pa.float64(), from_pandas=True)
    text = pc.cast(arr, pa.string())
    if decimal != ".":
        text = pc.replace_substring(text, ".", decimal)
    return text.to_pylist()  # type: ignore[no-any-return]


def cell_text(value: Any, decimal: str = ".") -> str:
    """One cell: empty for None/NaN, numbers per the dialect, dates ISO, text safe."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) or (hasattr(value, "item") and not isinstance(value, str)):
        return _numbers_text([float(value)], decimal)[0] or ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "..".join(cell_text(v, decimal) for v in value)
    return str(safe_cell(str(value)))


def column_text(s: pd.Series, decimal: str = ".") -> list[str]:
    """A whole column as CSV text (numeric columns converted at once)."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return ["" if v is None or v is pd.NA else ("true" if v else "false") for v in s]
    if pd.api.types.is_numeric_dtype(s.dtype):
        return [v or "" for v in _numbers_text(s.astype(float).to_numpy(), decimal)]
    return [cell_text(v, decimal) for v in s.astype(object)]


def csv_bytes(df: pd.DataFrame, dialect: Dialect) -> bytes:
    """A DataFrame as CSV bytes: BOM, a header row, one line per row.

    With the comma dialect the text after the BOM is what ``python -m kpi report``
    writes for the same table (same numbers, same quoting of text that needs it).
    """
    buf = io.StringIO()
    buf.write(BOM)
    writer = csv.writer(buf, delimiter=dialect.delimiter, lineterminator="\n")
    writer.writerow([str(safe_cell(str(c))) for c in df.columns])
    columns = [column_text(df[c], dialect.decimal) for c in df.columns]
    writer.writerows(zip(*columns, strict=True))
    return buf.getvalue().encode("utf-8")


_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unique Excel sheet name: no ``[]:*?/\\``, at most 31 characters."""
    base = _BAD_SHEET_CHARS.sub(" ", name).strip()[:31] or "Sheet"
    out, n = base, 2
    while out.lower() in taken:
        suffix = f" ({n})"
        out = base[: 31 - len(suffix)] + suffix
        n += 1
    taken.add(out.lower())
    return out


def _safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Text cells neutralised; band targets as ``lo..hi`` text; numbers untouched."""
    out = df.copy()
    out.columns = [str(safe_cell(str(c))) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [cell_text(v) if isinstance(v, tuple) else safe_cell(v) for v in out[col]]
    return out


def excel_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame (names made valid and unique)."""
    buf = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, df in sheets.items():
            title = sheet_name(name, taken)
            _safe_frame(df).to_excel(writer, sheet_name=title, index=False)
            ws = writer.sheets[title]
            ws.freeze_panes = "A2"
            for i, col in enumerate(df.columns, start=1):
                width = min(60, max(10, len(str(col)) + 2))
                ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    return buf.getvalue()
