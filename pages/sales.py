"""Sales & pipeline: open pipeline by stage, weighted pipeline, stale opportunities,
win rate and sales cycle trends."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.present import fmt
from kpi.report import Engine
from ui import charts, chartview, kpiview, layout, page, state
from ui.i18n import t

KPIS = ("pipeline_count", "pipeline_amount", "pipeline_weighted", "stale_opportunities",
        "opportunities_created", "opportunities_won", "win_rate",
        "avg_sales_cycle_days")  # fmt: skip
ASK = kpiview.family_kpis(KPIS)

ctx = page.begin("page.sales")
lang, cur = ctx.lang, ctx.currency
# the total report's options (the SQL its cards explain)
asked = state.report_options(kpis=ASK)
total, by_month = state.reports(asked, state.report_options("month", compare_with=None, kpis=ASK))
kpiview.kpi_strip(KPIS, total, lang, cur, key="sl", opts=asked)
flt = state.detail_filter()

stages = state.breakdown(Engine.pipeline_by_stage, flt)
summary = pd.DataFrame()
if not stages.empty:
    stages = stages.assign(
        stage=stages["stage"].fillna(t("sl.no_stage", lang)),
        value=stages["amount"],
        n=[fmt.number(n, lang) for n in stages["n"]],
        w=[fmt.currency(w, lang, cur) for w in stages["weighted"]],
    )
    chartview.show(
        charts.funnel(stages, stage="stage", lang=lang,
                      x_title=kpiview.label("pipeline_amount", lang),
                      stage_title=t("sl.stage", lang), currency=cur, title=t("sl.funnel", lang),
                      extra=[("n", t("sl.opportunities", lang)), ("w", t("sl.weighted", lang))]),
        width="stretch",
    )  # fmt: skip
    summary = pd.DataFrame({
        t("sl.stage", lang): stages["stage"],
        t("sl.opportunities", lang): stages["n"].map(lambda s: s),
        kpiview.label("pipeline_amount", lang): stages["amount"],
        t("sl.weighted", lang): stages["weighted"],
    })  # fmt: skip

left, right = st.columns(2)
with left:
    win = kpiview.monthly(by_month, ["win_rate"]).dropna(subset=["value"])
    if not win.empty:
        chartview.show(
            charts.trend(win, unit="ratio", lang=lang, y_title=kpiview.label("win_rate", lang),
                         target=kpiview.target_of(total, "win_rate"),
                         target_label=t("common.target", lang), title=t("sl.win_trend", lang)),
            width="stretch",
        )  # fmt: skip
with right:
    cycle = kpiview.monthly(by_month, ["avg_sales_cycle_days"]).dropna(subset=["value"])
    if not cycle.empty:
        chartview.show(
            charts.trend(cycle, unit="days", lang=lang,
                         y_title=kpiview.label("avg_sales_cycle_days", lang),
                         title=t("sl.cycle", lang)),
            width="stretch",
        )  # fmt: skip

stale = state.breakdown(Engine.stale_opportunities, flt)
st.subheader(t("sl.stale", lang))
if stale.empty:
    st.caption(t("common.empty", lang))
else:
    stale_shown = pd.DataFrame({
        "ID": stale["opportunity_id"],
        t("common.client", lang): stale["client"],
        t("sl.stage", lang): stale["stage"],
        kpiview.label("pipeline_amount", lang): [fmt.currency(a, lang, cur)
                                                 for a in stale["amount"]],
        t("sl.last_activity", lang): [fmt.date_(d, lang) for d in stale["last_activity"]],
        t("sl.days_idle", lang): stale["days_idle"],
    })  # fmt: skip
    st.dataframe(stale_shown, hide_index=True, key="sl_stale", placeholder=fmt.EMPTY)
    layout.print_copy(stale_shown.style)  # printed in full, not the rows scrolled to
page.downloads_section(ctx, summary, "sales")
