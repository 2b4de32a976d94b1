"""Service desk: CSAT, first contact resolution, SLA, resolution time, escalation, backlog."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.present import fmt
from kpi.report import Engine
from ui import charts, chartview, kpiview, page, rowsview, state
from ui.i18n import t

# every KPI of the csat and tickets families (a new one appears here), the headline ones
# first; the escalated tickets are shown in the escalation chart
KPIS = kpiview.area_kpis("page.service_desk", first=("csat", "csat_responses", "fcr_rate",
                         "sla_rate"), apart=("escalated_tickets",))  # fmt: skip
ASK = kpiview.family_kpis(KPIS)

ctx = page.begin("page.service_desk", technicians=True)
lang, cur = ctx.lang, ctx.currency
# the total report's options (the SQL its cards explain)
asked = state.report_options(technicians=True, kpis=ASK)
total, by_month, by_client, by_tech = state.reports(
    asked,
    *(state.report_options(by, compare_with=None, technicians=True, kpis=ASK)
      for by in ("month", "client", "technician")),
)  # fmt: skip
kpiview.kpi_strip(KPIS, total, lang, cur, key="sd", opts=asked)
status_labels = {s: t(f"status.{s}", lang) for s in ("ok", "warn", "bad", "none")}


def with_counts(rows: pd.DataFrame, counts: pd.DataFrame, col: str) -> pd.DataFrame:
    """Add the response count per client/technician for the tooltip (a number: the
    chart writes those of the bars it keeps)."""
    return rows.assign(n=rows[col].map(counts.set_index(col)["value"]))


# ------------------------------------------------------------------ CSAT
csat_m = kpiview.monthly(by_month, ["csat"])
if not csat_m.empty:
    # a point's month: the survey responses behind it
    rowsview.chart_with_rows(
        charts.trend(
            csat_m, unit="ratio", lang=lang, y_title="CSAT",
            target=kpiview.target_of(total, "csat"),
            target_label=t("common.target", lang), title=t("sd.csat_trend", lang),
            extra=[],
        ),
        "period", "csat", asked, lang, cur, key="sd_csat_trend", dim="month",
    )  # fmt: skip
left, right = st.columns(2)
for box, report, col, title in ((left, by_client, "client", "sd.csat_by_client"),
                                (right, by_tech, "technician", "sd.csat_by_tech")):  # fmt: skip
    rows = kpiview.rows_of(report, "csat")
    if rows.empty or col not in rows:
        continue
    rows = with_counts(rows, kpiview.rows_of(report, "csat_responses"), col)
    with box:
        # a bar's client or technician: the survey responses behind it
        rowsview.chart_with_rows(
            charts.bars(
                rows, category=col, unit="ratio", lang=lang, x_title="CSAT",
                category_title=t(f"common.{col}", lang), status="status",
                status_labels=status_labels, target=kpiview.target_of(total, "csat"),
                target_label=t("common.target", lang), title=t(title, lang),
                extra=[("n", t("common.responses", lang), lambda v: fmt.number(v, lang))],
                keep="lowest",
            ),
            col, "csat", asked, lang, cur, key=f"sd_csat_{col}",
        )  # fmt: skip

# ------------------------------------------------------------------ FCR and SLA
fs = kpiview.monthly(by_month, ["fcr_rate", "sla_rate"])
if not fs.empty:
    chartview.show(
        charts.grouped_lines(
            fs, labels={k: kpiview.label(k, lang) for k in ("fcr_rate", "sla_rate")},
            unit="ratio", lang=lang, y_title="", title=t("sd.fcr_sla", lang),
        ),
        width="stretch",
    )  # fmt: skip

flt = state.detail_filter(technicians=True)
left, right = st.columns(2)
with left:
    res = state.breakdown(Engine.resolution_by_priority, flt)
    if not res.empty:
        res = res.assign(priority=res["priority"].fillna(t("sd.no_priority", lang)))
        chartview.show(
            charts.boxes(res, category="priority", lang=lang, y_title=t("common.hours", lang),
                         category_title=t("sd.priority", lang),
                         title=t("sd.resolution_priority", lang)),
            width="stretch",
        )  # fmt: skip
with right:
    dim = "queue" if state.engine().data.has("tickets", "queue") else "tier"
    esc = state.breakdown(Engine.escalation_by, flt, dim)
    if not esc.empty:
        esc = esc.assign(grp=esc["grp"].fillna(t("common.none", lang)),
                         hours_text=[fmt.hours(h, lang) for h in esc["hours"]],
                         counts=[f"{fmt.number(e, lang)} / {fmt.number(k, lang)}" for e, k
                                 in zip(esc["escalated"], esc["known"], strict=True)])  # fmt: skip
        chartview.show(
            charts.bars(
                esc, category="grp", unit="ratio", lang=lang,
                x_title=kpiview.label("escalation_rate", lang),
                category_title=t(f"sd.{dim}", lang).capitalize(),
                target=kpiview.target_of(total, "escalation_rate"),
                target_label=t("common.target", lang),
                title=t("sd.escalation_by", lang, dimension=t(f"sd.{dim}", lang)), keep="highest",
                extra=[("counts", kpiview.label("escalated_tickets", lang)),
                       ("hours_text", t("sd.escalated_hours", lang))],
            ),
            width="stretch",
        )  # fmt: skip

backlog = kpiview.monthly(by_month, ["backlog"])
if not backlog.empty:
    chartview.show(
        charts.trend(backlog, unit="count", lang=lang, y_title=kpiview.label("backlog", lang),
                     title=t("sd.backlog", lang)),
        width="stretch",
    )  # fmt: skip

# the cards' KPIs but the median resolution and first response times
table_ids = [k for k in KPIS if k not in ("median_resolution_hours", "mean_first_response_hours")]
values = kpiview.summary_table(by_client, table_ids, lang, cur, key="sd_table")
page.downloads_section(ctx, values.reset_index() if not values.empty else None, "service_desk")
