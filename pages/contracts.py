"""Contracts & devices: uncovered devices and revenue leak by client, renewal rate,
upcoming renewals by 30/60/90/120 days with the MRR at stake."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.present import fmt
from kpi.query.breakdowns import RENEWAL_BUCKETS
from kpi.report import Engine
from ui import charts, chartview, kpiview, layout, page, rowsview, state
from ui.i18n import t

KPIS = ("active_devices", "uncovered_devices", "device_coverage_rate", "uncovered_mrr",
        "contracts_due", "renewal_rate", "renewals_upcoming", "renewals_upcoming_mrr")  # fmt: skip
ASK = kpiview.family_kpis(KPIS)

ctx = page.begin("page.contracts")
lang, cur = ctx.lang, ctx.currency
# the total report's options (the SQL its cards explain)
asked = state.report_options(kpis=ASK)
total, by_client, by_month = state.reports(
    asked,
    state.report_options("client", compare_with=None, kpis=ASK),
    state.report_options("month", compare_with=None, kpis=ASK),
)
kpiview.kpi_strip(KPIS, total, lang, cur, key="ct", opts=asked)

left, right = st.columns(2)
with left:
    unc = kpiview.rows_of(by_client, "uncovered_devices")
    unc = unc[unc["value"] > 0] if not unc.empty else unc
    if not unc.empty:
        leak = kpiview.rows_of(by_client, "uncovered_mrr").set_index("client")["value"]
        active = kpiview.rows_of(by_client, "active_devices").set_index("client")["value"]
        unc = unc.assign(leak=unc["client"].map(leak), active=unc["client"].map(active))
        # a bar's client: its devices at D
        rowsview.chart_with_rows(
            charts.bars(unc, category="client", unit="count", lang=lang,
                        x_title=kpiview.label("uncovered_devices", lang),
                        category_title=t("common.client", lang), status="status",
                        title=t("ct.uncovered_by_client", lang), keep="highest",
                        extra=[("leak", t("ct.leak", lang), lambda v: fmt.currency(v, lang, cur)),
                               ("active", kpiview.label("active_devices", lang),
                                lambda v: fmt.number(v, lang))]),
            "client", "uncovered_devices", asked, lang, cur, key="ct_uncovered_client",
        )  # fmt: skip
    else:
        st.caption(t("ct.uncovered_by_client", lang) + ": " + fmt.number(0, lang))
with right:
    ren = kpiview.monthly(by_month, ["renewal_rate"])
    ren = ren.dropna(subset=["value"]) if not ren.empty else ren
    if not ren.empty:
        chartview.show(
            charts.trend(ren, unit="ratio", lang=lang, y_title=kpiview.label("renewal_rate", lang),
                         target=kpiview.target_of(total, "renewal_rate"),
                         target_label=t("common.target", lang), title=t("ct.renewal_trend", lang),
                         joined=False),
            width="stretch",
        )  # fmt: skip

st.subheader(t("ct.upcoming", lang))
st.caption(t("ct.upcoming_help", lang, as_of=fmt.date_(state.as_of(), lang)))
flt = state.detail_filter()
buckets = state.breakdown(Engine.upcoming_renewals, flt)
if not buckets.empty:
    lo = [0, *RENEWAL_BUCKETS[:-1]]
    buckets = buckets.assign(
        label=[
            t("ct.bucket_days", lang, lo=a + 1, hi=b)
            for a, b in zip(lo, buckets["bucket"], strict=True)
        ],
        value=buckets["mrr"],
        n=[fmt.number(n, lang) for n in buckets["contracts"]],
    )
    chartview.show(
        charts.funnel(buckets, stage="label", lang=lang, x_title=t("ct.mrr_at_stake", lang),
                      stage_title=t("ct.bucket", lang), currency=cur,
                      extra=[("n", t("ct.contracts", lang))]),
        width="stretch",
    )  # fmt: skip
    upcoming = state.breakdown(Engine.upcoming_contracts, flt)
    if not upcoming.empty:
        shown = pd.DataFrame({
            t("ct.contract", lang): upcoming["contract_id"],
            t("common.client", lang): upcoming["client"],
            t("ct.end_date", lang): [fmt.date_(d, lang) for d in upcoming["end_date"]],
            t("ct.days_left", lang): upcoming["days"],
            "MRR": [fmt.currency(v, lang, cur) for v in upcoming["mrr"]],
        })  # fmt: skip
        st.dataframe(shown, hide_index=True, key="ct_upcoming", placeholder=fmt.EMPTY)
        layout.print_copy(shown.style)  # printed in full, not the rows scrolled to

table_ids = ("active_devices", "uncovered_devices", "device_coverage_rate", "uncovered_mrr",
             "contracts_due", "contracts_renewed", "renewal_rate", "renewals_upcoming",
             "renewals_upcoming_mrr")  # fmt: skip
values = kpiview.summary_table(by_client, table_ids, lang, cur, key="ct_table")
page.downloads_section(
    ctx, values.reset_index() if not values.empty else pd.DataFrame(), "contracts"
)
