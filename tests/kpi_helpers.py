"""Helpers shared by the KPI tests."""

from __future__ import annotations

import pandas as pd


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
