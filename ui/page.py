"""What every dashboard page does first and last: the title and period line, the "no
data" guard, and the downloads section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import streamlit as st

from kpi import kpis as decl
from ui import downloads, fmt, kpiview, periods, state
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
    if not data.tables:
        st.info(t("common.no_data_hint", lang))
        st.page_link("pages/data.py", label=t("page.data", lang), icon="📁")
        st.stop()
    start, end = state.period()
    cmp = state.compare()
    line = t("common.period_caption", lang, range=fmt.date_range(start, end, lang),
             as_of=fmt.date_(state.as_of(), lang))  # fmt: skip
    if cmp:
        c_start, c_end = periods.comparison_range(start, end, cmp)
        line += " · " + t(
            "common.compare_caption", lang, range=fmt.date_range(c_start, c_end, lang)
        )
    st.caption(line)
    return Ctx(lang, state.app_state().currency, start, end, cmp, technicians)


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


def workbook_sheets(ctx: Ctx) -> dict[str, pd.DataFrame]:
    """The Excel workbook's sheets: all KPIs, a sheet per area (total and per client),
    the definitions, the alerts and the data problems. Computed in the script run (the
    engine's connection is not shared with the download thread)."""
    lang = ctx.lang
    total = state.report(state.report_options(technicians=ctx.technicians))
    by_client = state.report(
        state.report_options("client", compare_with=None, technicians=ctx.technicians)
    )
    sheets: dict[str, pd.DataFrame] = {t("dl.sheet.all", lang): _labelled(total, lang)}
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
    sheets[t("dl.sheet.alerts", lang)] = state.alerts(state.report_options(compare_with=None))
    sheets[t("dl.sheet.problems", lang)] = state.problems_frame()
    return sheets


def downloads_section(ctx: Ctx, summary: pd.DataFrame | None, name: str) -> None:
    """The download buttons at the bottom of a dashboard page."""
    lang = ctx.lang
    app = state.app_state()
    dialect = downloads.dialect_for(lang, app.csv_dialect)
    st.divider()
    st.subheader(t("dl.title", lang))
    st.caption(t("dl.help", lang))
    cols = st.columns(4)
    if summary is not None and not summary.empty:
        cols[0].download_button(
            t("dl.summary_csv", lang),
            downloads.csv_bytes(summary, dialect),
            file_name=f"{name}_summary.csv",
            mime="text/csv",
            key=f"dl_summary_{name}",
            on_click="ignore",
        )
    opts = state.report_options(technicians=ctx.technicians)
    cols[1].download_button(
        t("dl.kpis_csv", lang),
        downloads.csv_bytes(state.report(opts), dialect),
        file_name="kpis.csv",
        mime="text/csv",
        key=f"dl_kpis_{name}",
        on_click="ignore",
    )
    sheets = workbook_sheets(ctx)
    cols[2].download_button(
        t("dl.workbook", lang),
        lambda: downloads.excel_bytes(sheets),
        file_name="kpis.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"dl_xlsx_{name}",
        on_click="ignore",
    )
    cols[3].download_button(
        t("dl.alerts_csv", lang),
        downloads.csv_bytes(state.alerts(state.report_options(compare_with=None)), dialect),
        file_name="alerts.csv",
        mime="text/csv",
        key=f"dl_alerts_{name}",
        on_click="ignore",
    )
