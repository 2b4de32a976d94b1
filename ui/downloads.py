"""Files the user downloads: CSV in the language's dialect and Excel workbooks.

CSV: UTF-8 with a BOM so that Excel opens accents right; English dialect ``,`` with a
decimal point, Spanish ``;`` with a decimal comma (Excel's defaults in each locale).
A frame's numbers keep full precision (``0.8200000000000001`` stays as is: the long
format is what the CLI writes); a page's :class:`Table` is rounded as the page shows it
(below). Text cells go through :func:`kpi.safety.safe_cell`, so a client called
``=HYPERLINK(...)`` is written as text, never as a formula.

Functions here take DataFrames and return bytes; no Streamlit, so tests call them
directly.

A page's own tables (:class:`Table`: a frame of raw values and the unit of each number
column) are written as the page shows them: the summary CSV rounds like the page
(:func:`as_shown`: ``35.5`` under ``Gross margin (%)``, not ``0.355``), the workbook keeps
full precision with Excel number formats (currency, %, dates). The long format (one row
per KPI and group, the columns of docs/CLI.md) keeps its stable English ids.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.present import fmt
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


@dataclass(frozen=True)
class Table:
    """A table as a page shows it: raw values, the unit of each number column.

    ``units`` maps a column to its unit (``ratio``, ``currency``, ``hours``, ``days``,
    ``count``, ``number``, ``date``), or to one unit per row (a summary with one KPI a
    row). Columns without a unit are written as they are.
    """

    title: str
    frame: pd.DataFrame
    units: Mapping[str, str | Sequence[str]] = field(default_factory=dict)


def unit_suffix(unit: str, lang: str, currency: str) -> str:
    """What a column's header says of its unit: ``%`` (ratios are written in percent),
    the currency code, ``h``, ``days``/``días``; empty for counts."""
    return {
        "ratio": "%",
        "currency": currency,
        "hours": "h",
        "days": "días" if lang == "es" else "days",
    }.get(unit, "")


def shown_number(v: Any, unit: str) -> Any:
    """A number rounded as the page shows it (:mod:`kpi.present.fmt`): ratios in percent with one
    decimal (0.355 -> 35.5), money with cents below 1,000 and whole from 1,000, hours
    with one decimal below 100, days one decimal, counts whole or one decimal."""
    if fmt.is_empty(v) or isinstance(v, (str, tuple, date, bool)):
        return None if fmt.is_empty(v) else v
    x = float(v)
    if unit == "ratio":
        return _rounded(x, 1, shift=2)
    if unit == "currency":
        return _rounded(x, 2 if fmt.money_digits(x) is None else 0)
    if unit == "hours":
        return _rounded(x, 1 if abs(x) < 100 else 0)
    if unit in ("days", "count"):
        return _rounded(x, 1)
    return x


def _rounded(x: float, digits: int, shift: int = 0) -> float:
    """``x`` x 10^shift rounded as Babel rounds for the page: the float's shortest decimal
    text, half to even (0.3545 -> 35.4, as the page's ``35.4%``; 2.675 -> 2.68)."""
    d = Decimal(repr(x)).scaleb(shift)
    return float(d.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN))


def as_shown(table: Table, lang: str, currency: str) -> pd.DataFrame:
    """``table`` rounded as the page shows it, each header with its unit
    (``Gross margin (%)``, ``MRR (EUR)``); a per-row unit goes in no header."""
    out = pd.DataFrame(index=table.frame.index)
    for col in table.frame.columns:
        unit = table.units.get(col)
        values = table.frame[col]
        if unit is None or unit in ("date", "number"):
            out[col] = values
        elif isinstance(unit, str):
            suffix = unit_suffix(unit, lang, currency)
            # "Gross margin %" says it already: no "Gross margin % (%)"
            name = f"{col} ({suffix})" if suffix and not str(col).endswith(suffix) else str(col)
            out[name] = pd.Series([shown_number(v, unit) for v in values], index=values.index,
                                  dtype=object)  # fmt: skip
        else:
            out[col] = pd.Series(
                [_shown_cell(v, u) for v, u in zip(values, unit, strict=True)],
                index=values.index, dtype=object,
            )  # fmt: skip
    return out.reset_index(drop=True)


def _shown_cell(v: Any, unit: str) -> Any:
    if isinstance(v, tuple):  # a band target: both ends
        return "..".join(cell_text(shown_number(x, unit)) for x in v)
    return shown_number(v, unit)


def table_csv(table: Table, dialect: Dialect, lang: str, currency: str) -> bytes:
    """A page's table as CSV, rounded as shown, units in the headers."""
    return csv_bytes(as_shown(table, lang, currency), dialect)


def excel_format(unit: str, currency: str, lang: str) -> str | None:
    """The Excel number format of a unit (money with the currency's symbol)."""
    if unit == "currency":
        from babel import numbers as bnum

        symbol = bnum.get_currency_symbol(currency, fmt.LOCALES.get(lang, "en_US"))
        return f'#,##0.00 "{symbol}"'
    return {
        "ratio": "0.0%",
        "hours": "#,##0.0",
        "days": "#,##0.0",
        "count": "#,##0",
        "number": "#,##0.00",
        "date": "dd/mm/yyyy" if lang == "es" else "yyyy-mm-dd",
    }.get(unit)


def _width(df: pd.DataFrame, col: Any) -> int:
    """A column's width: its header or its longest cell (of the first 1,000), 10 to 60."""
    cells = df[col].head(1000).map(lambda v: len(cell_text(v)) if not fmt.is_empty(v) else 0)
    longest = int(cells.max()) if len(cells) else 0
    return min(60, max(10, len(str(col)) + 2, longest + 2))


def excel_bytes(
    sheets: Mapping[str, pd.DataFrame | Table], lang: str = "en", currency: str = "EUR"
) -> bytes:
    """An .xlsx workbook with one sheet per frame or :class:`Table` (names made valid and
    unique), each with a frozen header and columns as wide as their text; a table's
    number columns get their unit's Excel format (values at full precision)."""
    buf = io.BytesIO()
    taken: set[str] = set()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        for name, part in sheets.items():
            title = sheet_name(name, taken)
            df = part.frame.reset_index(drop=True) if isinstance(part, Table) else part
            units = part.units if isinstance(part, Table) else {}
            safe = _safe_frame(df)
            safe.to_excel(writer, sheet_name=title, index=False)
            ws = writer.sheets[title]
            ws.freeze_panes = "A2"
            for i, col in enumerate(df.columns, start=1):
                letter = ws.cell(row=1, column=i).column_letter
                ws.column_dimensions[letter].width = _width(df, col)
                unit = units.get(col)
                per_row = [unit] * len(df) if isinstance(unit, str) else unit
                if per_row is None:
                    continue
                for r, u in enumerate(per_row, start=2):
                    number_format = excel_format(u, currency, lang)
                    if number_format:
                        ws.cell(row=r, column=i).number_format = number_format
    return buf.getvalue()
