"""Overview: the ten headline KPIs, the alert count and the client health table."""

from __future__ import annotations

import streamlit as st

from kpi.metrics import HEADLINE
from kpi.present import fmt
from ui import alertview, downloads, kpiview, page, periods, state
from ui.i18n import t, tn

ctx = page.begin("ov.title")
lang, currency = ctx.lang, ctx.currency

# what the page shows, in total (the cards: the headline KPIs and their companions) and
# by client (the health table): the two share their queries. Not every KPI: the other
# KPIs of the families made a filter change at 1M tickets about a third slower (the
# downloads ask for every KPI when clicked)
ASK = sorted({*HEADLINE, *(c for cs in kpiview.COMPANIONS.values() for c in cs),
              *kpiview.EMPTY_WITHOUT.values()})  # fmt: skip
# the total report's options (the SQL its cards explain)
asked = state.report_options(kpis=ASK)
total, by_client = state.reports(asked, state.report_options("client", compare_with=None, kpis=ASK))
spark_start, spark_end = periods.sparkline_range(ctx.end)
months = state.report(
    state.report_options(
        "month", start=spark_start, end=spark_end, compare_with=None, kpis=HEADLINE
    )
)
alerts = state.alerts(state.report_options(compare_with=None))
available = state.availability()

# ------------------------------------------------------------------ alert count
n_alerts = len(alerts)
st.page_link(
    "pages/alerts.py",
    label=tn("ov.alerts_link", n_alerts, lang) if n_alerts else t("ov.no_alerts", lang),
    icon=":material/warning:" if n_alerts else ":material/check_circle:",
)
# where to start: the alerts with the most at stake (the engine ranks them), each a link to
# the Alerts page
if n_alerts:
    st.caption(t("ov.top_alerts", lang))
    for alert in alerts.head(alertview.TOP_LINKS).itertuples(index=False):
        st.page_link(
            "pages/alerts.py",
            label=alertview.link_label(alert, lang, currency),
            icon=alertview.SEVERITY_ICONS[alert.severity],
        )

# ------------------------------------------------------------------ cards
for row_start in range(0, len(HEADLINE), 5):
    cols = st.columns(5)
    for col, kpi_id in zip(cols, HEADLINE[row_start : row_start + 5], strict=False):
        spark = kpiview.monthly(months, [kpi_id]).sort_values("period")["value"].tolist()
        why = available.get(kpi_id)
        if why is None and kpiview.total_row(total, kpi_id) is None:
            why = t("common.hidden_by_filter", lang, dimension=t("common.client", lang).lower())
        elif why is not None:
            why = t("common.not_available", lang, why=why)
        with col:
            kpiview.kpi_card(
                kpi_id,
                total,
                lang,
                currency,
                spark=spark,
                unavailable=why,
                companions=kpiview.COMPANIONS.get(kpi_id, ()),
                key=f"ov_{kpi_id}",
                opts=asked,
            )
            if kpi_id == "pipeline_weighted":
                st.caption(t("ov.with", lang, label=t("page.alerts", lang), value=n_alerts))

kpiview.report_notes(total)

# ------------------------------------------------------------------ client health
st.subheader(t("ov.health_title", lang))
st.caption(t("ov.health_help", lang))
values = kpiview.wide(by_client, HEADLINE, lang)
if values.empty:
    st.caption(t("common.empty", lang))
    health = values
else:
    statuses = kpiview.wide(by_client, HEADLINE, lang, status=True)
    health_col = t("common.health", lang)
    values, without = kpiview.health_table(values, statuses, health_col)
    styled = kpiview.styled_wide(
        values, statuses, HEADLINE, lang, currency,
        extra={health_col: lambda v: fmt.number(v, lang)}, source=by_client,
    )  # fmt: skip
    kpiview.show_wide(styled, "ov_health")
    if len(without):
        # behind a count, not ranked first with every cell empty
        with st.expander(tn("ov.health_without", len(without), lang)):
            st.caption(fmt.escape_md(", ".join(map(str, without))))
    health = values.reset_index()

page.downloads_section(
    ctx, kpiview.summary_download(total, HEADLINE, lang, currency), "overview",
    [downloads.Table(t("ov.health_title", lang), health,
                     {**kpiview.units_of(health, lang), t("common.health", lang): "count"})],
)  # fmt: skip
