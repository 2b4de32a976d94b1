"""The report as a table: the engine's long rows with every KPI, ordered, with their
period, unit, target and status (:func:`_format`), the comparison's previous values and
deltas, and the notes about amounts that are not known.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi.metrics import KPIS, Kpi
from kpi.metrics.targets import STATUSES, effective_target, format_target, status_codes
from kpi.query import Scope
from kpi.query.blocks import KPI_INDEX
from kpi.report.options import ReportOptions
from kpi.texts import t


def _unknown_amount_notes(
    long: pd.DataFrame, kpis: list[Kpi], monthly: bool, lang: str
) -> list[str]:
    """Issue 18: a money KPI whose rows lack an amount (empty, or in a currency without a
    rate) says how many ("pipeline_amount: 3 of 10 open opportunities have no known
    amount"), over the report's rows of the KPI: its groups, and in a monthly report the
    months of a flow KPI or the last month of a KPI at a date (its rows at the other
    months are the same entities again)."""
    if "rows_n" not in long.columns:
        return []
    # the KPIs' rows picked by their integer index: a text comparison per KPI over
    # every row cost a filter click tens of milliseconds
    kpi_i = long["kpi_i"].to_numpy(dtype=np.int64)
    rows_n = long["rows_n"].to_numpy(dtype=float)
    known_n = long["known_n"].to_numpy(dtype=float)
    month = long["month"]  # texts: only the few rows of a money KPI are read
    out = []
    for k in kpis:
        noun = k.rows_word(lang)
        if k.known is None or noun is None:
            continue
        at = np.flatnonzero(kpi_i == KPI_INDEX[k.id])
        if monthly and k.time == "@D":
            mine = month.iloc[at].to_numpy(dtype=object)
            months = [m for m in mine if isinstance(m, str)]
            if months:
                at = at[mine == max(months)]
        total = float(np.nansum(rows_n[at]))
        known = float(np.nansum(known_n[at]))
        missing = round(total - known)
        if missing <= 0:
            continue
        n, m = _count_text(missing, lang), _count_text(round(total), lang)
        # why an amount is unknown: empty, no exchange rate, or (contracts) no months
        why = t(
            "report.unknown_amount.why_contracts"
            if "contracts" in k.datasets
            else "report.unknown_amount.why",
            lang,
        )
        key = "report.unknown_amount.none" if known == 0 else "report.unknown_amount.some"
        out.append(t(key, lang, kpi=k.id, n=n, total=m, rows=noun, why=why))
    return out


def _count_text(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "es" else text


def _with_every_kpi(long: pd.DataFrame, kpis: list[Kpi]) -> pd.DataFrame:
    """docs/DETAILS.md 4: every KPI appears at least once; a KPI without any group (nothing
    contributed) gets its total row: 0 for counts and sums, empty for the rest."""
    present = set(long["kpi"].unique())
    missing = [k for k in kpis if k.id not in present]
    if not missing:
        return long
    extra = pd.DataFrame(
        {
            "kpi_i": [KPI_INDEX[k.id] for k in missing],
            "kpi": [k.id for k in missing],
            "grp": None,
            "month": None,
            "value": [0.0 if k.kind == "sum" and not k.nullable else np.nan for k in missing],
            "numerator": [0.0 if k.has_fraction else np.nan for k in missing],
            "denominator": [0.0 if k.has_fraction else np.nan for k in missing],
            "rows_n": np.nan,
            "known_n": np.nan,
        }
    )
    return pd.concat([long, extra], ignore_index=True) if len(long) else extra


def _empty_long() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi_i": pd.Series([], dtype=np.int64),
            "kpi": pd.Series([], dtype=object),
            "grp": pd.Series([], dtype=object),
            "month": pd.Series([], dtype=object),
            "value": pd.Series([], dtype=float),
            "numerator": pd.Series([], dtype=float),
            "denominator": pd.Series([], dtype=float),
            "rows_n": pd.Series([], dtype=float),
            "known_n": pd.Series([], dtype=float),
        }
    )


def shift_month_labels(labels: pd.Series, months: int) -> pd.Series:
    """``YYYY-MM`` labels moved by ``months`` (None stays None): 2023-11 + 3 -> 2024-02."""
    known = labels.notna()
    out = pd.Series([None] * len(labels), index=labels.index, dtype=object)
    if known.any():
        lab = labels[known].astype(str)
        idx = lab.str[:4].astype(int) * 12 + lab.str[5:7].astype(int) - 1 + months
        out[known] = (
            (idx // 12).astype(str).str.zfill(4) + "-" + (idx % 12 + 1).astype(str).str.zfill(2)
        ).astype(object)
    return out


def _attach_previous(cur: pd.DataFrame, prev: pd.DataFrame, shift: int) -> pd.DataFrame:
    """``previous`` = the matching row of the comparison period (monthly rows: the month
    ``shift`` months earlier); ``delta = value - previous``."""
    c = cur.copy()
    c["_grp"] = c["grp"].fillna("").astype(str)
    c["_month"] = c["month"].fillna("").astype(str)
    p = pd.DataFrame(
        {
            "kpi": prev["kpi"],
            "_grp": prev["grp"].fillna("").astype(str),
            "_month": shift_month_labels(prev["month"], shift).fillna("").astype(str),
            "previous": prev["value"].astype(float),
        }
    )
    merged = c.merge(p, on=["kpi", "_grp", "_month"], how="left", sort=False)
    merged["delta"] = merged["value"] - merged["previous"]
    return merged.drop(columns=["_grp", "_month"])


def _format(long: pd.DataFrame, scope: Scope, opts: ReportOptions) -> pd.DataFrame:
    """Order (declaration order; within a KPI the SQL already ordered group name and month)
    and add period, unit, target and status."""
    order = long["kpi_i"].to_numpy(dtype=np.int64)
    if (np.diff(order) >= 0).all():  # the families came in declaration order
        df = long.reset_index(drop=True)
    else:
        df = long.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    idx = df["kpi_i"].to_numpy(dtype=np.int64)
    group_col = "technician" if "technician" in scope.dims else "client"
    targets = [effective_target(k, opts.targets) for k in KPIS]
    # a number, a band "0.7..0.85", or NaN (no target)
    shown = np.array([format_target(target) for target in targets] + [None], dtype=object)
    shown[[i for i, v in enumerate(shown) if v is None]] = np.nan
    out = pd.DataFrame(
        {
            "kpi": df["kpi"].astype("str"),
            group_col: df["grp"].astype("str"),
            "period": df["month"].astype("str").fillna(scope.period.label),
            "value": df["value"].astype(float),
            "numerator": df["numerator"].astype(float),
            "denominator": df["denominator"].astype(float),
            # text columns taken from a few Arrow strings (from objects: 5 ms each at 1M)
            "unit": pa.array([k.unit for k in KPIS], pa.string()).take(idx).to_pandas(),
            "target": pd.Series(shown[idx], dtype=object),
        }
    )
    statuses = np.zeros(len(df), dtype=np.int8)
    values = df["value"].to_numpy(dtype=float)
    bounds = np.flatnonzero(np.diff(idx)) + 1  # rows are sorted by KPI: one slice each
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(idx)], strict=True):
        if hi > lo:
            k = KPIS[idx[lo]]
            statuses[lo:hi] = status_codes(values[lo:hi], targets[idx[lo]], k.direction)
    out["status"] = pa.array(STATUSES, pa.string()).take(statuses).to_pandas()
    if "previous" in df.columns:
        out["previous"] = df["previous"].astype(float)
        out["delta"] = df["delta"].astype(float)
    return out
