"""The output writers: CSV (docs/CLI.md: ``.`` decimals, numbers unrounded, text cells
guarded against formula injection), XLSX and JSON.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.errors import UsageError

_INJECTION = r"^[=+\-@\t\r]"


def _safe_text(arr: pa.Array) -> pa.Array:
    """Formula-injection guard: text starting with = + - @ tab or CR gets a ``'`` prefix.

    Example: ``=HYPERLINK("x")`` -> ``'=HYPERLINK("x")``; ``-5`` text -> ``'-5``.
    """
    hit = pc.fill_null(pc.match_substring_regex(arr, _INJECTION), False)
    return pc.if_else(hit, pc.binary_join_element_wise("'", arr, ""), arr)


def _column_text(s: pd.Series) -> pa.Array:
    """One column as CSV text: numbers unrounded, shortest round-trip (0.1 + 0.2 ->
    ``0.30000000000000004``, 12.0 -> ``12``); NaN / None empty; text guarded."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return pa.array(s.map({True: "true", False: "false"}).astype(object), pa.string())
    if pd.api.types.is_numeric_dtype(s.dtype):
        arr = pa.array(s.astype(float).to_numpy(), type=pa.float64(), from_pandas=True)
        return pc.cast(arr, pa.string())
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        return _safe_text(pa.array(s, type=pa.string(), from_pandas=True))
    # mixed object columns (``target``: 0.9 or "0.7..0.85"): numbers stay numbers
    values = s.astype(object).tolist()
    numbers = pa.array([float(v) if _is_number(v) else None for v in values], pa.float64())
    texts = pa.array([_other_text(v) for v in values], type=pa.string())
    return pc.coalesce(pc.cast(numbers, pa.string()), _safe_text(texts))


def _is_number(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        return False
    return not math.isnan(float(v))


def _other_text(v: object) -> str | None:
    """Text of a cell that is not a number; None for empties and numbers."""
    if v is None or (
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
    ):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def to_csv_text(df: pd.DataFrame) -> str:
    """The CSV of docs/CLI.md: ``.`` decimals, no thousands separator, empty for undefined,
    numbers unrounded, text cells guarded against formula injection, quotes only where
    needed (``Acme, Inc`` -> ``"Acme, Inc"``)."""
    columns = [_column_text(df[c]).to_pylist() for c in df.columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([str(c) for c in df.columns])
    # the rows of a report or alert list (aggregates, never data rows)
    writer.writerows(zip(*columns, strict=True))
    return buf.getvalue()


def _guard_object(v: object) -> object:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def write_table(
    df: pd.DataFrame, out: str | None, *, lang: str = "en", sheet: str = "report"
) -> None:
    """Write a report, alert or inspect table.

    Args:
        df: the table.
        out: None for CSV on stdout; else a path ending in .csv, .xlsx or .json.
        lang: language of the table (kept for the writers' messages; the columns are
            machine output and are never translated).
        sheet: the sheet name of an .xlsx.

    Raises:
        UsageError: an unsupported extension.
    """
    del lang  # machine output: ids, units, statuses and headers are never translated
    if out is None:
        sys.stdout.write(to_csv_text(df))
        sys.stdout.flush()
        return
    path = Path(out)
    ext = path.suffix.lower()
    if ext == ".csv":
        path.write_text(to_csv_text(df), encoding="utf-8", newline="")
    elif ext == ".json":
        records = []
        for row in df.astype(object).itertuples(index=False, name=None):
            records.append({str(c): _json_value(v) for c, v in zip(df.columns, row, strict=True)})
        path.write_text(
            json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
        )
    elif ext == ".xlsx":
        safe = df.astype(object).map(_guard_object)
        safe = safe.where(df.notna(), None)
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            safe.to_excel(xw, sheet_name=sheet[:31] or "report", index=False)
    else:
        raise UsageError(f"{out}: unsupported output; use .csv, .xlsx or .json")


def _json_value(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, date):
        return v.isoformat()
    if v is pd.NaT:
        return None
    return v
