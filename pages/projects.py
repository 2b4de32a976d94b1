"""Projects: the portfolio with state, burn against plan, CPI/SPI; late and over budget first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.present import fmt
from kpi.report import Engine
from ui import charts, chartview, downloads, kpiview, layout, page, state
from ui.i18n import t

KPIS = ("projects_active", "projects_on_track", "projects_on_track_rate", "projects_late",
        "projects_over_budget", "project_budget_burn")  # fmt: skip
#: project state -> target status colour (late and over budget red, at risk amber)
STATE_STATUS = {"late": "bad", "over_budget": "bad", "at_risk": "warn", "on_track": "ok",
                "completed": "none"}  # fmt: skip
ASK = kpiview.family_kpis(KPIS)

ctx = page.begin("page.projects")
lang, cur = ctx.lang, ctx.currency
# the total report's options (the SQL its cards explain)
asked = state.report_options(kpis=ASK)
total = state.report(asked)
kpiview.kpi_strip(KPIS, total, lang, cur, per_row=3, key="pj", opts=asked)

portfolio = state.breakdown(Engine.project_portfolio, state.detail_filter())
summary = pd.DataFrame()
if portfolio.empty:
    st.caption(t("common.empty", lang))
else:
    names = portfolio["name"].fillna(portfolio["project_id"])
    st.subheader(t("pj.portfolio", lang))
    summary = pd.DataFrame({
        t("pj.project", lang): names,
        t("common.client", lang): portfolio["client"],
        t("pj.state", lang): [t(f"pj.state.{s}", lang) for s in portfolio["state"]],
        t("pj.due", lang): portfolio["due_date"],
        t("pj.budget_hours", lang): portfolio["budget_hours"],
        t("pj.actual_hours", lang): portfolio["actual_hours"],
        t("pj.burn", lang): portfolio["burn"],
        t("pj.planned", lang): portfolio["planned"],
        t("pj.complete", lang): portfolio["percent_complete"],
        "CPI": portfolio["cpi"],
        "SPI": portfolio["spi"],
    })  # fmt: skip
    colours = [kpiview.cell_css(STATE_STATUS.get(s)) for s in portfolio["state"]]
    state_col = t("pj.state", lang)
    pct = {
        c: (lambda v: fmt.percent(v, lang, 0))
        for c in (t("pj.burn", lang), t("pj.planned", lang), t("pj.complete", lang))
    }
    formats = kpiview.formats_once(portfolio, f"projects:{lang}", {
        **pct, "CPI": lambda v: fmt.number(v, lang, 2), "SPI": lambda v: fmt.number(v, lang, 2),
        t("pj.due", lang): lambda d: fmt.date_(d, lang),
        t("pj.budget_hours", lang): lambda v: fmt.hours(v, lang),
        t("pj.actual_hours", lang): lambda v: fmt.hours(v, lang),
    })  # fmt: skip
    styled = summary.style.format(formats, na_rep=fmt.EMPTY).apply(
        lambda col: colours, subset=[state_col]
    )
    st.dataframe(styled, hide_index=True, key="pj_table", placeholder=fmt.EMPTY)
    layout.print_copy(styled)

    scatter = portfolio.assign(
        label=names, status=[STATE_STATUS.get(s) for s in portfolio["state"]]
    )[lambda d: d["state"] != "completed"]
    if scatter[["cpi", "spi"]].notna().all(axis=1).any():
        chartview.show(
            charts.scatter(scatter, x="cpi", y="spi", label="label", lang=lang,
                           x_title=t("pj.cpi", lang), y_title=t("pj.spi", lang),
                           label_title=t("pj.project", lang), status="status",
                           title=t("pj.cpi_spi", lang)),
            width="stretch",
        )  # fmt: skip
units = {t("pj.due", lang): "date", t("pj.budget_hours", lang): "hours",
         t("pj.actual_hours", lang): "hours", t("pj.burn", lang): "ratio",
         t("pj.planned", lang): "ratio", t("pj.complete", lang): "ratio",
         "CPI": "number", "SPI": "number"}  # fmt: skip
page.downloads_section(ctx, downloads.Table(t("pj.portfolio", lang), summary, units), "projects")
