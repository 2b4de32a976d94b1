"""Profitability: MRR by top clients, MRR movements, margin by client, rate, revenue vs cost."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import charts, chartview, kpiview, page, rowsview, state
from ui.i18n import t

KPIS = ("mrr", "mrr_net_change", "revenue", "gross_margin", "gross_margin_pct",
        "effective_hourly_rate", "labor_cost", "direct_cost")  # fmt: skip
TOP_CLIENTS = 8
ASK = kpiview.family_kpis((*KPIS, "mrr_new", "recurring_revenue"))

ctx = page.begin("page.profitability")
lang, cur = ctx.lang, ctx.currency
# the total report's options (the SQL its cards explain)
asked = state.report_options(kpis=ASK)
total, by_month, by_client_month, by_client = state.reports(
    asked,
    state.report_options("month", compare_with=None, kpis=ASK),
    state.report_options("client,month", compare_with=None, kpis=ASK),
    state.report_options("client", compare_with=None, kpis=ASK),
)
kpiview.kpi_strip(KPIS, total, lang, cur, key="pr", opts=asked)

left, right = st.columns(2)
with left:
    mrr = kpiview.rows_of(by_client_month, "mrr")
    mrr = mrr[mrr["period"].str.len() == 7]
    if not mrr.empty:
        last = mrr[mrr["period"] == mrr["period"].max()].nlargest(TOP_CLIENTS, "value")
        top = list(last["client"])
        other = t("common.other", lang)
        stacked = mrr.assign(series=[c if c in top else other for c in mrr["client"]])
        stacked = stacked.groupby(["period", "series"], as_index=False)["value"].sum()
        stacked["rank"] = [top.index(s) if s in top else len(top) for s in stacked["series"]]
        stacked = stacked.sort_values(["rank", "period"])
        chartview.show(
            charts.stacked_area(
                stacked, series="series", unit="currency", lang=lang,
                y_title=kpiview.label("mrr", lang), series_title=t("common.client", lang),
                other=other,
                currency=cur, title=t("pr.mrr_by_client", lang, n=TOP_CLIENTS),
            ),
            width="stretch",
        )  # fmt: skip
with right:
    moves_ids = ("mrr_new", "mrr_expansion", "mrr_contraction", "mrr_churn")
    moves = kpiview.monthly(by_month, moves_ids)
    if not moves.empty:
        chartview.show(
            charts.movements(
                moves, labels={k: kpiview.label(k, lang) for k in moves_ids}, lang=lang,
                y_title="MRR", currency=cur, title=t("pr.movements", lang),
            ),
            width="stretch",
        )  # fmt: skip

left, right = st.columns(2)
with left:
    gm = kpiview.rows_of(by_client, "gross_margin")
    if not gm.empty:
        pct = kpiview.rows_of(by_client, "gross_margin_pct").set_index("client")["value"]
        gm = gm.assign(pct=gm["client"].map(pct))
        # a bar's client: its invoice lines and time entries
        rowsview.chart_with_rows(
            charts.bars(
                gm, category="client", unit="currency", lang=lang,
                x_title=kpiview.label("gross_margin", lang),
                category_title=t("common.client", lang),
                signed=True, currency=cur, title=t("pr.margin_by_client", lang), keep="lowest",
                extra=[("pct", kpiview.label("gross_margin_pct", lang),
                        lambda v: kpiview.value_text("gross_margin_pct", v, lang, cur))],
            ),
            "client", "gross_margin", asked, lang, cur, key="pr_margin_client",
        )  # fmt: skip
with right:
    rate = kpiview.monthly(by_month, ["effective_hourly_rate"])
    if not rate.empty:
        # a point's month: its invoice lines and time entries
        rowsview.chart_with_rows(
            charts.trend(
                rate, unit="currency", lang=lang,
                y_title=kpiview.label("effective_hourly_rate", lang), currency=cur,
                title=t("pr.rate_trend", lang),
            ),
            "period", "effective_hourly_rate", asked, lang, cur, key="pr_rate_trend", dim="month",
        )  # fmt: skip
    rc = kpiview.monthly(by_month, ["revenue", "labor_cost", "direct_cost"])
    if not rc.empty:
        cost = rc[rc["kpi"] != "revenue"].groupby("period", as_index=False)["value"].sum()
        lines = pd.concat([rc[rc["kpi"] == "revenue"][["period", "kpi", "value"]],
                           cost.assign(kpi="total_cost")], ignore_index=True)  # fmt: skip
        chartview.show(
            charts.grouped_lines(
                lines, labels={"revenue": kpiview.label("revenue", lang),
                               "total_cost": t("pr.total_cost", lang)},
                unit="currency", lang=lang, y_title="", currency=cur,
                title=t("pr.revenue_cost", lang),
            ),
            width="stretch",
        )  # fmt: skip

table_ids = ("mrr", "revenue", "labor_cost", "direct_cost", "gross_margin", "gross_margin_pct",
             "effective_hourly_rate")  # fmt: skip
values = kpiview.summary_table(by_client, table_ids, lang, cur, key="pr_table")
page.downloads_section(ctx, values.reset_index() if not values.empty else None, "profitability")
