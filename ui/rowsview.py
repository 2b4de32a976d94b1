"""The rows behind a number in the app (issue 21): a KPI card's "show the rows" dialog, and
the rows of a chart's clicked bar or point, from :meth:`kpi.report.Engine.rows` (the rows
``python -m kpi rows`` writes for the same options).

Rows are computed only when asked: a card's dialog opens on its button, a chart's rows
show while one of its marks is selected. The table is sortable (``st.dataframe``) and
shows at most :data:`SHOWN_ROWS` rows, saying so; its CSV and XLSX downloads have every
row and are written when clicked.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kpi import metrics as decl
from kpi.errors import KpiError
from kpi.present import fmt
from kpi.report import ReportOptions, RowsResult
from ui import chartview, downloads, state
from ui.i18n import t
from ui.kpiview import PART_UNITS

#: rows shown in the app's table (the downloads have every row)
SHOWN_ROWS = 1000
#: the name of a chart's click selection (:func:`ui.chartview.selectable`)
PICK = "pick"
#: data rows an Excel sheet holds (1,048,576 with the header): more go on further sheets
SHEET_ROWS = 1_048_575


def excel_sheets(name: str, table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The rows as Excel sheets: one, or as many as the rows need (``sla_rate``,
    ``sla_rate (2)``, ...: :func:`ui.downloads.sheet_name` numbers them)."""
    if len(table) <= SHEET_ROWS:
        return {name: table}
    return {f"{name} ({i // SHEET_ROWS + 1})" if i else name: table.iloc[i : i + SHEET_ROWS]
            for i in range(0, len(table), SHEET_ROWS)}  # fmt: skip


def sums_text(got: RowsResult, lang: str, currency: str) -> str:
    """What the rows are and how they make the number: "4,202 tickets. The numerator
    column adds up to 3,969 and the denominator column to 4,202: the number's parts."."""
    n = fmt.number(len(got.table), lang)
    if got.kind == "median":
        return t("rows.sums_median", lang, n=n, what=got.what)
    if "numerator" in got.sums:
        nu, du = PART_UNITS.get(got.kpi, ("count", "count"))
        num = got.table["numerator"].sum() if len(got.table) else 0.0
        den = got.table["denominator"].sum() if len(got.table) else 0.0
        return t("rows.sums_fraction", lang, n=n, what=got.what,
                 num=fmt.value(num, nu, lang, currency),
                 den=fmt.value(den, du, lang, currency))  # fmt: skip
    unit = decl.get(got.kpi).unit
    total = got.table["value"].sum(min_count=1) if len(got.table) else 0.0
    return t("rows.sums_value", lang, n=n, what=got.what,
             value=fmt.value(total, unit, lang, currency))  # fmt: skip


def rows_table(got: RowsResult, lang: str, currency: str, key: str) -> None:
    """The rows: what they are and their sums, the table (at most :data:`SHOWN_ROWS`
    rows, sortable) and the CSV and XLSX downloads of every row."""
    if got.unavailable is not None:
        st.caption(t("rows.unavailable", lang, why=got.unavailable))
        return
    table = got.table
    st.caption(fmt.escape_md(sums_text(got, lang, currency)))
    for note in got.notes:
        st.caption(fmt.escape_md(note))
    if table.empty:
        st.caption(t("rows.none", lang))
        return
    if len(table) > SHOWN_ROWS:
        st.caption(t("rows.capped", lang, shown=fmt.number(SHOWN_ROWS, lang),
                     n=fmt.number(len(table), lang)))  # fmt: skip
    st.dataframe(table.head(SHOWN_ROWS), hide_index=True, key=f"{key}_table")
    dialect = downloads.dialect_for(lang, state.app_state().csv_dialect)
    name = f"{got.kpi}_rows"
    left, right = st.columns(2)
    left.download_button(
        t("rows.csv", lang),
        lambda: downloads.csv_bytes(table, dialect),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click="ignore",
    )
    right.download_button(
        t("rows.xlsx", lang),
        lambda: downloads.excel_bytes(excel_sheets(got.kpi, table)),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click="ignore",
    )


def _rows(
    kpi_id: str, opts: ReportOptions | None, group: dict[str, str] | None, lang: str
) -> RowsResult | None:
    """The rows for the options (default: the sidebar's), or None after saying why not
    (a period that starts after it ends)."""
    try:
        return state.kpi_rows(kpi_id, opts or state.report_options(), group)
    except KpiError as e:
        st.caption(t("common.error", lang, error=e))
        return None


def _group_text(group: dict[str, str] | None) -> str:
    return " · ".join(str(v) for v in (group or {}).values())


def rows_dialog(
    kpi_id: str,
    opts: ReportOptions | None,
    lang: str,
    currency: str,
    group: dict[str, str] | None = None,
) -> None:
    """Open a dialog with the rows behind ``kpi_id`` for ``opts`` (a card's report)."""

    def body() -> None:
        label = decl.get(kpi_id).label(lang)
        st.subheader(
            t("rows.heading_group", lang, label=label, group=_group_text(group))
            if group
            else t("rows.heading", lang, label=label)
        )
        got = _rows(kpi_id, opts, group, lang)
        if got is not None:
            rows_table(got, lang, currency, key=f"rows_dialog_{kpi_id}")

    st.dialog(t("rows.title", lang), width="large")(body)()


def rows_button(
    kpi_id: str, opts: ReportOptions | None, lang: str, currency: str, key: str
) -> None:
    """A card's "show the rows" button: the dialog opens when it is clicked."""
    if st.button(t("rows.show", lang), key=f"rows_{key}", type="tertiary",
                 icon=":material/table_rows:"):  # fmt: skip
        rows_dialog(kpi_id, opts, lang, currency)


def picked(event: Any, field: str) -> str | None:
    """The ``field`` value of a chart's selected mark (:func:`ui.chartview.selectable`), or
    None when nothing is selected."""
    if event is None:
        return None
    selection = getattr(event, "selection", None) or {}
    marks = selection.get(PICK) or []
    if isinstance(marks, list) and marks and isinstance(marks[0], dict):
        value = marks[0].get(field)
        return None if value is None else str(value)
    return None


def chart_with_rows(
    chart: Any,
    field: str,
    kpi_id: str,
    opts: ReportOptions,
    lang: str,
    currency: str,
    key: str,
    dim: str | None = None,
) -> None:
    """Draw ``chart`` with its marks clickable (:func:`ui.chartview.selectable` on
    ``field``); the rows behind ``kpi_id`` of the clicked mark's group show under it
    (``dim``: the group's dimension, client, technician or month; default ``field``)."""
    event = chartview.show(
        chartview.selectable(chart, field, PICK),
        width="stretch",
        key=key,
        on_select="rerun",
        selection_mode=PICK,
    )
    value = picked(event, field)
    if value is None:
        st.caption(t("rows.click_hint", lang))
        return
    group = {dim or field: value}
    with st.container(border=True):
        label = decl.get(kpi_id).label(lang)
        st.markdown(
            "**" + fmt.escape_md(t("rows.heading_group", lang, label=label, group=value)) + "**"
        )
        got = _rows(kpi_id, opts, group, lang)
        if got is not None:
            rows_table(got, lang, currency, key=f"{key}_rows")
