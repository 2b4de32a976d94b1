"""Helpers shared by the KPI tests."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kpi.metrics import get


def pick(
    df: pd.DataFrame,
    kpi: str,
    grp: str | None = None,
    period: str | None = None,
    col: str = "value",
) -> float:
    """The one report cell of ``kpi`` for a group (None: the total row) and period."""
    gcol = "technician" if "technician" in df.columns else "client"
    rows = df[df["kpi"] == kpi]
    rows = rows[rows[gcol].isna()] if grp is None else rows[rows[gcol] == grp]
    if period is not None:
        rows = rows[rows["period"] == period]
    assert len(rows) == 1, f"{kpi} {grp} {period}: {len(rows)} rows\n{rows}"
    return float(rows.iloc[0][col])


def explained_rows(engine: Any, ex: Any) -> pd.DataFrame:
    """The report rows of an explained KPI made from its explanation alone: ``ex.sql``
    run with ``ex.params`` on the engine's connection, its rows ``sel_i == ex.sel_i``
    read in the columns ``ex.numerator_column`` / ``ex.denominator_column`` the way
    :class:`kpi.report.explain.Explanation` says the engine does.

    Columns: ``grp`` (None: no group), ``period`` (``YYYY-MM``, or the period's label),
    ``value``, ``numerator``, ``denominator``, in the statement's order.
    """
    k = get(ex.kpi)
    wide = engine.core.query(ex.sql, ex.params)
    rows = wide[wide["sel_i"] == ex.sel_i].reset_index(drop=True)
    names = engine.core.query("SELECT pos, grp FROM grp_order", {})
    by_pos = dict(zip(names["pos"].tolist(), names["grp"].tolist(), strict=True))
    grp = [None if p == 0 else by_pos[p] for p in rows["pos"].tolist()]
    period = [
        ex.period.label if pd.isna(m) else str(np.datetime64(int(m), "D").astype("datetime64[M]"))
        for m in rows["mday"].tolist()
    ]
    n = rows[ex.numerator_column].astype(float).to_numpy()
    if k.has_fraction:
        assert ex.denominator_column is not None
        num = n if k.known else np.where(np.isnan(n), 0.0, n)
        d = rows[ex.denominator_column].astype(float).to_numpy()
        den = np.where(np.isnan(d), 0.0, d)
        value = np.divide(num, den, out=np.full(len(num), np.nan), where=den != 0)
    else:
        assert ex.denominator_column is None
        zero = k.kind == "sum" and not k.nullable and k.known is None
        value = np.where(np.isnan(n), 0.0, n) if zero else n
        num = den = np.full(len(n), np.nan)
    out = pd.DataFrame(
        {"grp": grp, "period": period, "value": value, "numerator": num, "denominator": den}
    )
    if out.empty:  # docs/DETAILS.md 4: a KPI without any group has its total row
        empty = 0.0 if k.kind == "sum" and not k.nullable else np.nan
        fraction = 0.0 if k.has_fraction else np.nan
        out = pd.DataFrame(
            {"grp": [None], "period": [ex.period.label], "value": [empty],
             "numerator": [fraction], "denominator": [fraction]}
        )  # fmt: skip
    return out


def report_rows(report: pd.DataFrame, kpi: str) -> pd.DataFrame:
    """A report's rows of ``kpi`` as :func:`explained_rows` gives them."""
    gcol = "technician" if "technician" in report.columns else "client"
    rows = report[report["kpi"] == kpi]
    return pd.DataFrame(
        {
            "grp": [None if pd.isna(g) else g for g in rows[gcol].tolist()],
            "period": rows["period"].tolist(),
            "value": rows["value"].astype(float).to_numpy(),
            "numerator": rows["numerator"].astype(float).to_numpy(),
            "denominator": rows["denominator"].astype(float).to_numpy(),
        }
    )
