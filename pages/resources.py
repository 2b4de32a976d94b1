"""Resources: utilisation by technician against the target band, technician x month,
hours by client, labour cost."""

from __future__ import annotations

import streamlit as st

from kpi.present import fmt
from ui import charts, chartview, kpiview, page, rowsview, state
from ui.i18n import t

KPIS = ("utilization", "hours_worked", "billable_hours", "available_hours", "labor_cost")
ASK = kpiview.family_kpis(KPIS)

ctx = page.begin("page.resources", technicians=True)
lang, cur = ctx.lang, ctx.currency
# the total report's options (the SQL its cards explain)
asked = state.report_options(technicians=True, kpis=ASK)
total, by_tech, by_tech_month, by_client, by_month = state.reports(
    asked,
    *(state.report_options(by, compare_with=None, technicians=True, kpis=ASK)
      for by in ("technician", "technician,month", "client", "month")),
)  # fmt: skip
kpiview.kpi_strip(KPIS, total, lang, cur, per_row=5, key="rs", opts=asked)
if state.selected_clients():
    st.info(t("sb.clients_help", lang))

status_labels = {s: t(f"status.{s}", lang) for s in ("ok", "warn", "bad", "none")}
row = kpiview.total_row(total, "utilization")
band = kpiview.parse_report_target(row["target"]) if row is not None else None

util = kpiview.rows_of(by_tech, "utilization")
if not util.empty and "technician" in util:
    bill = kpiview.rows_of(by_tech, "billable_hours").set_index("technician")["value"]
    # (billable, available) per technician, written for the bars the chart keeps
    util = util.assign(
        parts=list(zip(util["technician"].map(bill), util["denominator"], strict=True))
    )
    # a bar's technician: their time entries and working months
    rowsview.chart_with_rows(
        charts.bars(
            util, category="technician", unit="ratio", lang=lang,
            x_title=kpiview.label("utilization", lang), category_title=t("common.technician", lang),
            status="status", status_labels=status_labels, target=band,
            target_label=t("rs.band", lang), title=t("rs.util_by_tech", lang), keep="ends",
            extra=[("parts", f"{kpiview.label('billable_hours', lang)} / "
                             f"{kpiview.label('available_hours', lang)}",
                    lambda p: f"{fmt.hours(p[0], lang)} / {fmt.hours(p[1], lang)}")],
        ),
        "technician", "utilization", asked, lang, cur, key="rs_util_tech",
    )  # fmt: skip

heat = kpiview.monthly(by_tech_month, ["utilization"])
if not heat.empty and "technician" in heat:
    chartview.show(
        charts.heatmap(heat, row="technician", unit="ratio", lang=lang,
                       value_title=kpiview.label("utilization", lang),
                       row_title=t("common.technician", lang), status="status",
                       title=t("rs.heatmap", lang), keep="ends"),
        width="stretch",
    )  # fmt: skip

left, right = st.columns(2)
with left:
    hours = kpiview.rows_of(by_client, "hours_worked")
    if not hours.empty:
        bill = kpiview.rows_of(by_client, "billable_hours").set_index("client")["value"]
        hours = hours.assign(bill=hours["client"].map(bill))
        # a bar's client: its time entries
        rowsview.chart_with_rows(
            charts.bars(hours, category="client", unit="hours", lang=lang,
                        x_title=kpiview.label("hours_worked", lang),
                        category_title=t("common.client", lang),
                        title=t("rs.hours_by_client", lang), keep="highest",
                        extra=[("bill", kpiview.label("billable_hours", lang),
                                lambda v: fmt.hours(v, lang))]),
            "client", "hours_worked", asked, lang, cur, key="rs_hours_client",
        )  # fmt: skip
with right:
    cost = kpiview.monthly(by_month, ["labor_cost"])
    if not cost.empty:
        # a point's month: its time entries
        rowsview.chart_with_rows(
            charts.trend(cost, unit="currency", lang=lang,
                         y_title=kpiview.label("labor_cost", lang), currency=cur,
                         title=t("rs.labor_cost", lang)),
            "period", "labor_cost", asked, lang, cur, key="rs_labor_trend", dim="month",
        )  # fmt: skip

st.subheader(t("common.summary_table", lang))
table_ids = ("utilization", "hours_worked", "billable_hours", "available_hours", "labor_cost")
values = kpiview.wide(by_tech, table_ids, lang)
if values.empty:
    st.caption(t("common.empty", lang))
else:
    statuses = kpiview.wide(by_tech, table_ids, lang, status=True)
    kpiview.show_wide(
        kpiview.styled_wide(values, statuses, table_ids, lang, cur, source=by_tech),
        "rs_table",
    )
page.downloads_section(ctx, values.reset_index() if not values.empty else None, "resources")
