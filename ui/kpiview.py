"""How the dashboards show KPIs: labels, values, targets, cards, tables, explanations.

Labels, units, directions and targets come from the declarations in :mod:`kpi.metrics`;
numbers from the engine's report (columns of docs/CLI.md). Pure helpers first (testable
without a server), then the few functions that draw with Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from kpi import metrics as decl
from kpi.errors import KpiError
from kpi.metrics.targets import parse_target
from kpi.present import fmt
from ui import layout
from ui.i18n import current_lang, t

#: units of a KPI's numerator and denominator, where they are not counts
PART_UNITS: dict[str, tuple[str, str]] = {
    "gross_margin_pct": ("currency", "currency"),
    "effective_hourly_rate": ("currency", "hours"),
    "utilization": ("hours", "hours"),
    "project_budget_burn": ("hours", "hours"),
    "mean_resolution_hours": ("hours", "count"),
    "mean_first_response_hours": ("hours", "count"),
    "avg_sales_cycle_days": ("days", "count"),
}

#: KPIs shown under a headline card (docs/KPIS.md "The ten headline KPIs")
COMPANIONS: dict[str, tuple[str, ...]] = {
    "gross_margin_pct": ("mrr",),
    "fcr_rate": ("sla_rate",),
    "pipeline_weighted": ("stale_opportunities",),
}


def family_kpis(ids: Iterable[str]) -> list[str]:
    """Every KPI id of the families of ``ids``: what a page asks the engine for.

    The engine runs one query per family, so the rest of a family costs next to nothing,
    and a page may then read any KPI of the areas it shows.
    """
    families = {decl.get(i).family for i in ids}
    return [k.id for k in decl.KPIS if k.family in families]


def area_kpis(area: str, *, first: Sequence[str] = (), apart: Sequence[str] = ()) -> list[str]:
    """The KPIs a dashboard page shows, from the declarations: every KPI of the families
    :data:`AREAS` gives the page (``area``, e.g. ``"page.service_desk"``), ``first``
    first, then the rest in declaration order, without those it shows ``apart`` (inside
    a chart). A KPI declared in one of those families appears on the page without
    editing it.

    Example: the Service desk's cards are ``area_kpis("page.service_desk", first=("csat",
    "csat_responses", "fcr_rate", "sla_rate"), apart=("escalated_tickets",))``.
    """
    families = {f for f, page in AREAS.items() if page == area}
    mine = [k.id for k in decl.KPIS if k.family in families]
    unknown = set(first) - set(mine)
    if unknown:
        raise KeyError(f"not KPIs of {area}: {sorted(unknown)}")
    return [*first, *(k for k in mine if k not in first and k not in apart)]


#: sums shown as "no data" (an em dash), not as 0, when the count of the rows they add
#: up is 0 in the same report: an empty pipeline is "—", not "€0.00"
EMPTY_WITHOUT: dict[str, str] = {
    "pipeline_amount": "pipeline_count",
    "pipeline_weighted": "pipeline_count",
}

#: Streamlit badge colour per status
BADGE = {"ok": "green", "warn": "orange", "bad": "red"}
#: light cell background per status (client health table)
CELL = {"ok": "#e3f1e4", "warn": "#fdf0d5", "bad": "#f9dcdc"}
#: the text on those backgrounds: dark in both themes (a dark theme's light text on a
#: light background would not read)
ON_CELL = "#1b1b1b"


def cell_css(status: str | None) -> str:
    """The CSS of a table cell with ``status``: its background and dark text; empty
    for no status (the theme's own colours)."""
    return f"background-color: {CELL[status]}; color: {ON_CELL}" if status in CELL else ""


#: family -> dashboard page (workbook sheets, definitions)
AREAS: dict[str, str] = {
    "profit": "page.profitability",
    "csat": "page.service_desk",
    "tickets": "page.service_desk",
    "time": "page.resources",
    "devices": "page.contracts",
    "renewals": "page.contracts",
    "projects": "page.projects",
    "opportunities": "page.sales",
}


# --------------------------------------------------------------------------- pure helpers


def label(kpi_id: str, lang: str) -> str:
    return decl.get(kpi_id).label(lang)


def unit(kpi_id: str) -> str:
    return decl.get(kpi_id).unit


def is_empty(v: Any) -> bool:
    return fmt.is_empty(v)


def value_text(kpi_id: str, v: Any, lang: str, currency: str) -> str:
    return fmt.value(v, unit(kpi_id), lang, currency)


def has_no_rows(report: pd.DataFrame, kpi_id: str) -> bool:
    """True when ``kpi_id`` adds up no rows at all in ``report`` (:data:`EMPTY_WITHOUT`:
    its count is 0), so its 0 means "no data"."""
    count_id = EMPTY_WITHOUT.get(kpi_id)
    row = total_row(report, count_id) if count_id else None
    return row is not None and not is_empty(row["value"]) and float(row["value"]) == 0


def parse_report_target(target: Any) -> Any:
    """The report's ``target`` cell as a number or ``(lo, hi)``; None when empty."""
    if target is None or (isinstance(target, float) and fmt.is_empty(target)):
        return None
    return parse_target(target)


def target_text(kpi_id: str, target: Any, lang: str, currency: str) -> str:
    """``≥ 90.0%``, ``≤ 20.0%``, ``70.0%–85.0%``; empty without a target."""
    tgt = parse_report_target(target)
    if tgt is None:
        return ""
    u = unit(kpi_id)
    if isinstance(tgt, tuple):
        return f"{fmt.value(tgt[0], u, lang, currency)}–{fmt.value(tgt[1], u, lang, currency)}"
    sign = "≤" if decl.get(kpi_id).direction == "lower" else "≥"
    return f"{sign} {fmt.value(tgt, u, lang, currency)}"


def delta_color(kpi_id: str) -> str:
    """``st.metric``'s delta colour: green up for higher-is-better, inverse for lower."""
    direction = decl.get(kpi_id).direction
    return {"higher": "normal", "lower": "inverse"}.get(direction, "off")


def parts_text(kpi_id: str, numerator: Any, denominator: Any, lang: str, currency: str) -> str:
    """ "41 satisfied of 50 responses" / "41 satisfechas de 50 respuestas"; empty when the
    KPI is not a ratio or a mean."""
    k = decl.get(kpi_id)
    if not k.has_fraction or is_empty(numerator) or is_empty(denominator):
        return ""
    nu, du = PART_UNITS.get(kpi_id, ("count", "count"))
    n_words = k.numerator_words(lang)
    d_words = k.denominator_words(lang) or ""
    key = "common.parts_over" if k.kind == "mean" else "common.parts_of"
    return t(
        key,
        lang,
        numerator=fmt.value(numerator, nu, lang, currency),
        numerator_words=n_words,
        denominator=fmt.value(denominator, du, lang, currency),
        denominator_words=d_words,
    ).strip()


def target_of(report: pd.DataFrame, kpi_id: str) -> Any:
    """The effective target of a KPI as the report gives it (number, band or None)."""
    row = total_row(report, kpi_id)
    return parse_report_target(row["target"]) if row is not None else None


def _once_per_frame(what: str, report: pd.DataFrame, find: Callable[[pd.DataFrame], Any]) -> Any:
    """``find(report)``, made once per frame and kept in the session's cache of rendered
    pieces (:meth:`ui.state.RenderCache.of_frame`): a page asks the same report for a
    KPI's rows tens of times a run, and a rerun on a kept report for the same tables.
    Reports are not changed once made (copies and slices are other frames)."""
    from ui import state

    pieces = state.app_state().shown.of_frame(report)
    if what not in pieces:
        pieces[what] = find(report)
    return pieces[what]


def _find_kpi_rows(report: pd.DataFrame) -> dict[str, slice | np.ndarray]:
    found: dict[str, slice | np.ndarray] = {}
    for kpi_id, pos in report.groupby("kpi", sort=False).indices.items():
        lo, hi = int(pos[0]), int(pos[-1]) + 1
        found[str(kpi_id)] = slice(lo, hi) if hi - lo == len(pos) else pos
    return found


def _kpi_rows(report: pd.DataFrame) -> dict[str, slice | np.ndarray]:
    """Where each KPI's rows are in ``report``: a slice when they are together (an engine
    report, one run per KPI), else their positions. A boolean mask over the frame per
    call was 0.6 ms; a slice is 0.06 ms."""
    result: dict[str, slice | np.ndarray] = _once_per_frame("kpi", report, _find_kpi_rows)
    return result


def _monthly_rows(report: pd.DataFrame) -> np.ndarray:
    """A mask of the report's monthly rows (``period`` is ``YYYY-MM``)."""
    mask: np.ndarray = _once_per_frame(
        "monthly",
        report,
        lambda r: (r["period"].astype(str).str.len() == 7).to_numpy(dtype=bool),
    )
    return mask


def rows_of(report: pd.DataFrame, kpi_id: str) -> pd.DataFrame:
    """The report's rows of one KPI (an empty frame when it was not produced)."""
    if report.empty:
        return report
    where = _kpi_rows(report).get(kpi_id)
    return report.iloc[where] if where is not None else report.iloc[0:0]


def total_row(report: pd.DataFrame, kpi_id: str) -> pd.Series | None:
    """The single row of a KPI in a total report, or None."""
    if report.empty:
        return None
    where = _kpi_rows(report).get(kpi_id)
    if where is None:
        return None
    return report.iloc[where.start if isinstance(where, slice) else int(where[0])]


def monthly(report: pd.DataFrame, kpi_ids: Iterable[str]) -> pd.DataFrame:
    """Monthly rows (``period`` = ``YYYY-MM``) of some KPIs."""
    if report.empty:
        return report
    rows = _kpi_rows(report)
    parts = [rows[k] for k in dict.fromkeys(kpi_ids) if k in rows]
    if not parts:
        return report.iloc[0:0]
    positions = np.sort(np.concatenate([np.arange(len(report))[p] for p in parts]))
    return report.iloc[positions[_monthly_rows(report)[positions]]]


def group_col(report: pd.DataFrame) -> str:
    return "technician" if "technician" in report.columns else "client"


def wide(
    report: pd.DataFrame, kpi_ids: Sequence[str], lang: str, *, status: bool = False
) -> pd.DataFrame:
    """One row per client (or technician), one column per KPI (its label), values raw.

    With ``status`` the statuses are returned in the same shape instead of the values.
    """
    what = f"wide:{status}:{lang}:" + "\x1f".join(kpi_ids)
    found: pd.DataFrame = _once_per_frame(what, report, lambda r: _wide(r, kpi_ids, lang, status))
    return found.copy()  # the caller may change its table; the one kept stays as found


def _wide(report: pd.DataFrame, kpi_ids: Sequence[str], lang: str, status: bool) -> pd.DataFrame:
    col = group_col(report)
    sub = report[report["kpi"].isin(kpi_ids) & report[col].notna()]
    if sub.empty:
        return pd.DataFrame()
    field = "status" if status else "value"
    table = sub.pivot_table(index=col, columns="kpi", values=field, aggfunc="first", sort=False)
    present = [k for k in kpi_ids if k in table.columns]
    table = table[present]
    table.columns = [label(k, lang) for k in present]
    table.index.name = t("common.technician" if col == "technician" else "common.client", lang)
    return table


HEALTH_POINTS = {"ok": 1.0, "warn": 0.5, "bad": 0.0}


def health_scores(statuses: pd.DataFrame) -> pd.Series:
    """Per row: 100 x the mean of ok = 1, warn = 0.5, bad = 0 over the KPIs with a status.

    Example: ok, warn, bad, (none) -> (1 + 0.5 + 0) / 3 = 50.
    """
    points = statuses.apply(lambda col: col.map(HEALTH_POINTS))
    return points.mean(axis=1, skipna=True) * 100.0


#: KPIs with a status a client's health score needs to be ranked with the others: a
#: score from one KPI (a prospect with one lost deal: win rate 0%, score 0) says little
HEALTH_MIN_KPIS = 2


def health_table(
    values: pd.DataFrame, statuses: pd.DataFrame, health_col: str
) -> tuple[pd.DataFrame, pd.Index]:
    """The client health table: the score first, worst clients first; then the clients
    whose score rests on fewer than :data:`HEALTH_MIN_KPIS` KPIs, and those with values
    but no status (no targets). Clients without any value or status this period (every
    cell would be "—") are left out, their names returned apart so that the page says
    how many.

    Example: Acme (bad, ok) -> 50 first; Beta (warn alone) -> 50, after Acme; Gamma (no
    value) -> apart.
    """
    statuses = statuses.reindex(index=values.index)
    no_data = values.isna().all(axis=1) & statuses.isna().all(axis=1)
    scores = health_scores(statuses)
    rated = statuses.apply(lambda col: col.map(HEALTH_POINTS)).notna().sum(axis=1)
    table = values.copy()
    table.insert(0, health_col, scores)
    order = pd.DataFrame(
        {"thin": (rated < HEALTH_MIN_KPIS).to_numpy(), "score": scores.to_numpy()},
        index=table.index,
    )[~no_data].sort_values(["thin", "score"], kind="stable", na_position="last")
    return table.loc[order.index], values.index[no_data]


def summary_frame(
    report: pd.DataFrame, kpi_ids: Sequence[str], lang: str, currency: str
) -> pd.DataFrame:
    """A page's summary for download: one row per KPI, labelled, numbers raw."""
    rows = []
    for kpi_id in kpi_ids:
        row = total_row(report, kpi_id)
        if row is None:
            continue
        out = {
            t("common.kpi", lang): label(kpi_id, lang),
            "kpi": kpi_id,
            t("common.value", lang): row["value"],
            t("common.unit", lang): row["unit"],
            t("common.numerator", lang): row["numerator"],
            t("common.denominator", lang): row["denominator"],
            t("common.target", lang): row["target"],
            t("common.status", lang): t(f"status.{row['status']}", lang)
            if isinstance(row["status"], str)
            else "",
        }
        if "previous" in report.columns:
            out[t("common.previous", lang)] = row["previous"]
            out[t("common.delta", lang)] = row["delta"]
        rows.append(out)
    return pd.DataFrame(rows)


def units_of(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """The unit of each column of ``frame`` named by a KPI's label in ``lang`` (a page's
    clients x KPIs table), for its download (:class:`ui.downloads.Table`)."""
    by_label = {k.label(lang): k.unit for k in decl.KPIS}
    return {str(c): by_label[c] for c in frame.columns if c in by_label}


def summary_download(report: pd.DataFrame, kpi_ids: Sequence[str], lang: str, currency: str) -> Any:
    """:func:`summary_frame` as a download table: value, previous, change and target in
    each row's unit (a ratio's change in points), numerator and denominator in theirs,
    the unit column as the page writes it (``%``, ``EUR``, ``h``)."""
    from ui import downloads

    frame = summary_frame(report, kpi_ids, lang, currency)
    if frame.empty:
        return downloads.Table(t("common.summary_table", lang), frame)
    ids = list(frame["kpi"])
    units = [unit(k) for k in ids]
    frame["kpi"] = ids
    unit_col = t("common.unit", lang)
    frame[unit_col] = [downloads.unit_suffix(u, lang, currency) for u in units]
    frame[t("common.target", lang)] = [
        parse_report_target(v) for v in frame[t("common.target", lang)]
    ]
    per_row: dict[str, str | Sequence[str]] = {
        t(f"common.{c}", lang): units for c in ("value", "target", "previous", "delta")
    }
    per_row[t("common.numerator", lang)] = [PART_UNITS.get(k, ("count", "count"))[0] for k in ids]
    per_row[t("common.denominator", lang)] = [PART_UNITS.get(k, ("count", "count"))[1] for k in ids]
    return downloads.Table(
        t("common.summary_table", lang), frame,
        {c: u for c, u in per_row.items() if c in frame.columns},
    )  # fmt: skip


# --------------------------------------------------------------------------- drawing


def explain_block(
    kpi_id: str, row: pd.Series | None, lang: str, currency: str, opts: Any = None
) -> None:
    """The body of "how is this calculated": parts, formula, inputs and the SQL the
    report with ``opts`` runs (default: the sidebar's options)."""
    from ui import state

    k = decl.get(kpi_id)
    if row is not None:
        parts = parts_text(kpi_id, row.get("numerator"), row.get("denominator"), lang, currency)
        if parts:
            st.markdown(f"**{fmt.escape_md(parts)}**")
    st.caption(t("common.formula", lang))
    st.text(k.description(lang))
    try:
        ex = state.explanation(kpi_id, opts)
    except KpiError as e:  # e.g. a period that starts after it ends: say so, go on
        st.caption(t("common.error", lang, error=e))
        return
    if ex.unavailable:
        st.caption(t("common.not_available", lang, why=ex.unavailable))
    if ex.inputs:
        st.caption(t("common.inputs", lang) + ": " + ", ".join(ex.inputs))
    if ex.sql:
        st.caption(t("common.sql", lang))
        st.code(ex.sql, language="sql")
        if ex.denominator_column:
            st.caption(t("common.sql_fraction", lang, sel=ex.sel_i, num=ex.numerator_column,
                         den=ex.denominator_column))  # fmt: skip
        else:
            st.caption(t("common.sql_value", lang, sel=ex.sel_i, num=ex.numerator_column))
        if ex.params:
            st.caption(t("common.params", lang))
            st.json({k2: str(v) for k2, v in ex.params.items()}, expanded=False)


def kpi_card(
    kpi_id: str,
    report: pd.DataFrame,
    lang: str,
    currency: str,
    *,
    spark: Sequence[Any] | None = None,
    unavailable: str | None = None,
    companions: Sequence[str] = (),
    key: str = "",
    opts: Any = None,
) -> None:
    """One KPI as a bordered card: value, delta, status badge, sparkline, companions, a
    "how is this calculated" popover (the SQL of the report ``report`` was asked with,
    ``opts``) and a "show the rows" button (the rows behind the number, in a dialog)."""
    row = total_row(report, kpi_id)
    with st.container(border=True):
        if row is None:
            st.metric(label(kpi_id, lang), fmt.EMPTY)
            st.caption(unavailable or t("ov.card_unavailable", lang))
            return
        empty = has_no_rows(report, kpi_id)
        delta = fmt.delta(row.get("delta"), unit(kpi_id), lang, currency, beside=row["value"])
        help_text = target_text(kpi_id, row.get("target"), lang, currency)
        st.metric(
            label(kpi_id, lang),
            fmt.EMPTY if empty else value_text(kpi_id, row["value"], lang, currency),
            delta=delta,
            delta_color=delta_color(kpi_id),  # type: ignore[arg-type]
            # no change: no arrow (and no colour) rather than a red "up"
            delta_arrow="off" if delta is not None and delta.startswith("±") else "auto",
            chart_data=[float(v) for v in spark if not is_empty(v)] or None if spark else None,
            help=t("ov.target", lang, target=help_text) if help_text else None,
        )
        status = row.get("status")
        if isinstance(status, str) and status in BADGE:
            st.badge(t(f"status.{status}", lang), color=BADGE[status])  # type: ignore[arg-type]
        for other in companions:
            crow = total_row(report, other)
            if crow is not None:
                st.caption(
                    t("ov.with", lang, label=label(other, lang),
                      value=value_text(other, crow["value"], lang, currency))
                )  # fmt: skip
        # filled only while open (opening reruns the page): otherwise every rerun built
        # and sent the SQL of every card
        with st.popover(
            t("common.how", lang), type="tertiary", key=f"how_{key or kpi_id}", on_change="rerun"
        ) as how:
            if how.open:
                explain_block(kpi_id, row, lang, currency, opts)
        from ui import rowsview

        # the rows behind the number, computed when the button opens their dialog
        rowsview.rows_button(kpi_id, opts, lang, currency, key or kpi_id)


def kpi_strip(
    kpi_ids: Sequence[str],
    report: pd.DataFrame,
    lang: str,
    currency: str,
    per_row: int = 4,
    key: str = "",
    opts: Any = None,
) -> None:
    """Several KPI cards in rows (the KPIs the report does not have are skipped);
    ``opts``: the options ``report`` was asked with, for the cards' SQL."""
    present = [k for k in kpi_ids if total_row(report, k) is not None]
    for i in range(0, len(present), per_row):
        cols = st.columns(per_row)
        for col, kpi_id in zip(cols, present[i : i + per_row], strict=False):
            with col:
                kpi_card(kpi_id, report, lang, currency, key=f"{key}_{kpi_id}", opts=opts)
    report_notes(report)


def report_notes(report: pd.DataFrame) -> None:
    """The engine's notes on a report (hours without a cost, names that matched nothing),
    already in the report's language; shown as text, never as Markdown. The notes about
    money (amounts left out for want of an amount or an exchange rate, the reading of a
    bare $, the rates used) stand out in a box next to the money numbers."""
    money = [str(n) for n in report.attrs.get("money_notes", [])]
    lang = current_lang()
    for note in report.attrs.get("notes", []):
        if str(note) not in money:
            st.caption(fmt.escape_md(labelled_note(str(note), lang)))
    money_notes([labelled_note(n, lang) for n in money])


def labelled_note(note: str, lang: str) -> str:
    """An engine note about one KPI as people read it: its id (machine output, the CLI's
    stderr) replaced by its label: ``pipeline_amount: 1 of 11 ...`` -> ``Pipeline: 1 of
    11 ...`` (``Cartera: ...`` in Spanish). Other notes unchanged."""
    kpi_id, sep, rest = note.partition(": ")
    if sep and kpi_id in decl.KPI_BY_ID:
        return f"{decl.get(kpi_id).label(lang)}: {rest}"
    return note


def money_notes(notes: Sequence[str]) -> None:
    """Notes about money in one box (nothing when there are none)."""
    if notes:
        st.info("  \n".join(fmt.escape_md(n) for n in notes), icon=":material/currency_exchange:")


def _value_key(v: Any) -> Any:
    """A text cache's key of a cell value, with its type (True, 1 and 1.0 are equal keys
    otherwise); floats by their bits (-0.0 and 0.0 are told apart)."""
    return (float, float(v).hex()) if isinstance(v, float) else (type(v), v)


def formats_once(
    source: pd.DataFrame | None, what: str, formats: dict[str, Callable[[Any], str]]
) -> dict[str, Callable[[Any], str]]:
    """``formats`` (column -> formatter, for ``Styler.format``) that remember their texts
    as pieces of ``source``, the frame a table's values come from (in the session's cache
    of rendered pieces, :func:`_once_per_frame`): a rerun on the same frame (any widget, a
    filter changed back) formats nothing again. Babel takes about 10 µs a value: the
    20,000 cells of a portfolio of 1,900 projects took 0.1 s a rerun.

    ``what`` names the table and everything else its texts depend on (language,
    currency). Without a source the formatters are returned as they are.
    """
    if source is None:
        return formats
    texts: dict[tuple[str, Any], str] = _once_per_frame(f"texts:{what}", source, _no_texts)

    def remembered(col: str, fn: Callable[[Any], str]) -> Callable[[Any], str]:
        def text(v: Any) -> str:
            key = (col, _value_key(v))
            found = texts.get(key)
            if found is None:
                found = texts[key] = fn(v)
            return found

        return text

    return {col: remembered(col, fn) for col, fn in formats.items()}


def _no_texts(_report: pd.DataFrame) -> dict[tuple[str, Any], str]:
    return {}


def styled_wide(
    values: pd.DataFrame,
    statuses: pd.DataFrame | None,
    kpi_ids: Sequence[str],
    lang: str,
    currency: str,
    extra: dict[str, Any] | None = None,
    *,
    source: pd.DataFrame | None = None,
) -> Any:
    """A wide table with Babel-formatted cells, coloured by status when given.

    ``extra``: formatters of other columns (one ``Styler.format`` call: a second call
    would reset the first one's columns to pandas' default format).
    ``source``: the report the values come from; their texts are kept with it
    (:func:`formats_once`). Babel takes about 10 us a cell: a third of showing a table of
    300 clients.
    """
    labels = {label(k, lang): k for k in kpi_ids}
    kpi_formats: dict[str, Callable[[Any], str]] = {
        col: partial(_kpi_text, labels[col], lang, currency)
        for col in values.columns
        if col in labels
    }
    formats: dict[str, Any] = {
        **formats_once(source, f"wide:{lang}:{currency}", kpi_formats),
        **(extra or {}),
    }
    # the client (technician) as a column of its own, not the index: Streamlit draws an
    # index in faded text, and a client's name is what a reader looks for first
    flat = values.reset_index() if values.index.name else values
    styler = flat.style.format(formats, na_rep=fmt.EMPTY)
    if statuses is not None:
        colours = statuses.reindex(index=values.index, columns=flat.columns)
        colours.index = flat.index

        def paint(frame: pd.DataFrame) -> pd.DataFrame:
            return colours.map(cell_css)

        styler = styler.apply(paint, axis=None)
    return styler


#: a KPI column's width in a clients x KPIs table (px): ten of them, the client and the
#: health score fit a 1,366 px screen next to the sidebar; the header's full text is its
#: tooltip
KPI_COLUMN_WIDTH = 64


#: the text colour of Streamlit's light and dark themes, for names in a pinned column
NAME_INK = {"light": "#31333f", "dark": "#fafafa"}


def show_wide(styled: Any, key: str, *, first_width: int = 180) -> None:
    """A table of :func:`styled_wide` in ``st.dataframe``: its first column (the client)
    pinned, so that it stays in view while a narrow screen scrolls the KPIs sideways;
    the KPI columns narrow, their label in the header's tooltip."""
    columns = list(styled.data.columns)
    config: dict[str, Any] = {
        columns[0]: st.column_config.Column(pinned=True, width=first_width),
        **{c: st.column_config.Column(width=KPI_COLUMN_WIDTH, help=str(c)) for c in columns[1:]},
    }
    # Streamlit draws a pinned column's text faded, like an index: the names in the
    # theme's full text colour, semi-bold (the theme as the browser reported it; before
    # it has, the names keep Streamlit's colour)
    ink = NAME_INK.get(str(st.context.theme.type))
    css = f"font-weight: 600; color: {ink}" if ink else "font-weight: 600"
    styled = styled.map(lambda _v: css, subset=[columns[0]])
    st.dataframe(styled, key=key, hide_index=True, column_config=config, placeholder=fmt.EMPTY)
    layout.print_copy(styled)


def _kpi_text(kpi_id: str, lang: str, currency: str, v: Any) -> str:
    return value_text(kpi_id, v, lang, currency)


def summary_table(
    by_client: pd.DataFrame, kpi_ids: Sequence[str], lang: str, currency: str, key: str
) -> pd.DataFrame:
    """A page's summary table: clients x ``kpi_ids``, coloured by status (or a note when
    there is nothing to show). Returns the values, for the page's CSV download."""
    st.subheader(t("common.summary_table", lang))
    values = wide(by_client, kpi_ids, lang)
    if values.empty:
        st.caption(t("common.empty", lang))
    else:
        statuses = wide(by_client, kpi_ids, lang, status=True)
        show_wide(styled_wide(values, statuses, kpi_ids, lang, currency, source=by_client), key)
    return values
