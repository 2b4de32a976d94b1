"""What every dashboard page does first and last: the title and period line, the "no
data" guard, and the downloads section."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from kpi import metrics as decl
from kpi.present import fmt
from kpi.query.periods import Period, comparison_before_data
from kpi.report import Engine, ReportOptions
from ui import downloads, kpiview, periods, state
from ui.i18n import t


def frame_guard() -> None:
    """Make sure this page runs inside ``app.py`` (sidebar, language, navigation).

    Streamlit treats a folder named ``pages`` next to the entry script as a "v1"
    multipage app until the first run of ``app.py`` calls ``st.navigation``. A deep link
    (``/data``) opened first after a server start would run the page script alone, and
    keep doing so for everyone until someone opens ``/``. Every page calls this first: in
    that mode it switches Streamlit to ``st.navigation`` and reruns, so ``app.py`` runs
    and shows the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


@dataclass(frozen=True)
class Ctx:
    """The page's language, currency and period."""

    lang: str
    currency: str
    start: date
    end: date
    compare: str | None
    technicians: bool


def begin(title_key: str, *, technicians: bool = False) -> Ctx:
    """Title, period caption; stops the page with a hint when no data is loaded."""
    frame_guard()
    lang = state.lang()
    st.title(t(title_key, lang))
    data = state.loaded_data()
    held = [f for f in data.files if f.held]
    if held:
        # tables read with low confidence wait on the Data page: say so where they are missed
        names = ", ".join(f"{f.file} [{f.sheet}]" if f.sheet else f.file for f in held)
        st.warning(t("common.held_notice", lang, n=len(held), files=fmt.escape_md(names)))
    if not any(data.rows(name) for name in data.tables):
        # nothing loaded, or only tables without a row (a header-only export): say so and
        # how to load data, not "no alerts" and "nothing for these filters"
        st.info(t("common.no_data_hint", lang))
        st.page_link("pages/data.py", label=t("page.data", lang), icon=":material/folder:")
        st.stop()
    start, end = state.period()
    cmp = state.compare()
    line = t("common.period_caption", lang, range=fmt.date_range(start, end, lang),
             as_of=fmt.date_(state.as_of(), lang))  # fmt: skip
    if cmp:
        line += " · " + compare_text(start, end, cmp, lang)
    st.caption(line)
    # money is shown in the report currency (the data's own, unless chosen in Settings)
    return Ctx(lang, state.report_currency(), start, end, cmp, technicians)


def compare_text(start: date, end: date, cmp: str, lang: str) -> str:
    """The text "compared with <the comparison period>", or why there is no comparison: it
    starts before the data's first date (the engine leaves previous and delta empty)."""
    c_start, c_end = periods.comparison_range(start, end, cmp)
    first = state.data_start()
    shown = fmt.date_range(c_start, c_end, lang)
    if comparison_before_data(Period(c_start, c_end, c_end), first):
        return t("common.compare_before_data", lang, range=shown, start=fmt.date_(first, lang))
    return t("common.compare_caption", lang, range=shown)


def definitions_frame(lang: str) -> pd.DataFrame:
    """Every KPI: id, label, unit, direction, default/current target, formula, needs,
    availability with the loaded data."""
    avail = state.availability()
    targets = state.app_state().targets
    rows = []
    for k in decl.KPIS:
        why = avail.get(k.id)
        tgt = targets.get(k.id, k.target)
        rows.append(
            {
                "kpi": k.id,
                t("common.kpi", lang): k.label(lang),
                t("common.unit", lang): k.unit,
                t("df.direction", lang): t(f"dir.{k.direction}", lang),
                t("common.target", lang): downloads.cell_text(tgt) if tgt is not None else "",
                t("common.formula", lang): k.description(lang),
                t("df.needs", lang): ", ".join(k.inputs),
                t("df.available", lang): t("df.yes", lang)
                if why is None
                else t("df.no", lang, why=why),
            }
        )
    return pd.DataFrame(rows)


def _labelled(report: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = report.copy()
    out.insert(1, "label", [kpiview.label(k, lang) for k in out["kpi"]])
    return out


@dataclass(frozen=True)
class DownloadInputs:
    """What the downloads of a page are built from, taken in the script run.

    The files are built only when a button is clicked: Streamlit calls the button's
    function in a worker thread, outside the script run (no ``st.session_state`` there).
    The engine runs each query on a cursor of its own, so that thread may use it.
    """

    engine: Engine
    lang: str
    total: ReportOptions
    by_client: ReportOptions
    alerts: ReportOptions
    thresholds: dict[str, float] | None
    problems: pd.DataFrame

    def report(self) -> pd.DataFrame:
        """All KPIs, total (with the sidebar's comparison)."""
        return self.engine.report(self.total)

    def alert_rows(self) -> pd.DataFrame:
        """The alerts of the period and filters."""
        return self.engine.alerts(self.alerts, self.thresholds)


def download_inputs(ctx: Ctx) -> DownloadInputs:
    """The session's engine and the options of the page's downloads (every KPI)."""
    app = state.app_state()
    return DownloadInputs(
        engine=state.engine(),
        lang=ctx.lang,
        total=state.report_options(technicians=ctx.technicians),
        by_client=state.report_options("client", compare_with=None, technicians=ctx.technicians),
        alerts=state.report_options(compare_with=None),
        thresholds=dict(app.thresholds) or None,
        problems=state.problems_frame(),
    )


def workbook_sheets(
    inputs: DownloadInputs, tables: Sequence[downloads.Table] = ()
) -> dict[str, pd.DataFrame | downloads.Table]:
    """The Excel workbook's sheets: the tables the page shows (with their units), a sheet
    per area (total and per client), the definitions, the alerts, the data problems and,
    last, every KPI in the long format (stable English ids, docs/CLI.md)."""
    lang = inputs.lang
    total = inputs.report()
    by_client = inputs.engine.report(inputs.by_client)
    sheets: dict[str, pd.DataFrame | downloads.Table] = {tb.title: tb for tb in tables}
    for area in dict.fromkeys(kpiview.AREAS.values()):
        ids = [k.id for k in decl.KPIS if kpiview.AREAS[k.family] == area]
        part = pd.concat(
            [total[total["kpi"].isin(ids)].drop(columns=["previous", "delta"], errors="ignore"),
             by_client[by_client["kpi"].isin(ids)]],
            ignore_index=True,
        )  # fmt: skip
        if not part.empty:
            sheets[t(area, lang)] = _labelled(part, lang)
    sheets[t("dl.sheet.definitions", lang)] = definitions_frame(lang)
    sheets[t("dl.sheet.alerts", lang)] = inputs.alert_rows()
    sheets[t("dl.sheet.problems", lang)] = inputs.problems
    sheets[t("dl.sheet.all", lang)] = _labelled(total, lang)
    return sheets


def as_table(summary: pd.DataFrame | downloads.Table | None, lang: str) -> downloads.Table | None:
    """A page's summary as a download table: a frame's KPI columns get their units."""
    if summary is None or isinstance(summary, downloads.Table):
        return summary
    return downloads.Table(
        t("common.summary_table", lang), summary, kpiview.units_of(summary, lang)
    )


def downloads_section(
    ctx: Ctx,
    summary: pd.DataFrame | downloads.Table | None,
    name: str,
    tables: Sequence[downloads.Table] = (),
) -> None:
    """The download buttons at the bottom of a dashboard page.

    ``summary``: the page's summary table (a frame's KPI columns get their units);
    ``tables``: the other tables the page shows, sheets of the workbook after it.
    Every file (the page's summary, every KPI, the workbook, the alerts) is written when
    its button is clicked, so that a rerun does only what the page shows (the summary
    CSV of a portfolio of 1,900 projects took 14 ms a rerun).
    """
    lang = ctx.lang
    app = state.app_state()
    dialect = downloads.dialect_for(lang, app.csv_dialect)
    shown = as_table(summary, lang)
    page_tables = [tb for tb in (shown, *tables) if tb is not None and not tb.frame.empty]
    st.divider()
    st.subheader(t("dl.title", lang))
    st.caption(t("dl.help", lang))
    cols = st.columns(4)
    if shown is not None and not shown.frame.empty:
        cols[0].download_button(
            t("dl.summary_csv", lang),
            lambda: downloads.table_csv(shown, dialect, lang, ctx.currency),
            file_name=f"{name}_summary.csv",
            mime="text/csv",
            key=f"dl_summary_{name}",
            on_click="ignore",
        )
    inputs = download_inputs(ctx)
    cols[1].download_button(
        t("dl.kpis_csv", lang),
        lambda: downloads.csv_bytes(inputs.report(), dialect),
        file_name="kpis.csv",
        mime="text/csv",
        key=f"dl_kpis_{name}",
        on_click="ignore",
    )
    cols[2].download_button(
        t("dl.workbook", lang),
        lambda: downloads.excel_bytes(workbook_sheets(inputs, page_tables), lang, ctx.currency),
        file_name="kpis.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{name}",
        on_click="ignore",
    )
    cols[3].download_button(
        t("dl.alerts_csv", lang),
        lambda: downloads.csv_bytes(inputs.alert_rows(), dialect),
        file_name="alerts.csv",
        mime="text/csv",
        key=f"dl_alerts_{name}",
        on_click="ignore",
    )
