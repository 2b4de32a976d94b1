"""Definitions: every KPI with its formula, unit, target, the columns it needs, whether
the loaded data allows it, and the SQL that computes it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import metrics as decl
from kpi.load.derive import CANCELLED_STATUSES, RESOLVED_STATUSES
from kpi.metrics.alert_texts import describe
from kpi.metrics.alerts import RULES_DECLARED
from kpi.present import fmt
from kpi.schema import DATASETS
from ui import alertview, dataview, kpiview, page, state
from ui.i18n import t

page.frame_guard()
lang = state.lang()
st.title(t("page.definitions", lang))
st.caption(t("df.intro", lang))
data = state.loaded_data()

table = page.definitions_frame(lang)
table.insert(2, t("df.headline", lang), ["★" if k in decl.HEADLINE else "" for k in table["kpi"]])
st.dataframe(table, hide_index=True, key="df_table", placeholder=fmt.EMPTY)

st.subheader(t("df.show_sql", lang))
kpi_id = st.selectbox(
    t("common.kpi", lang), [k.id for k in decl.KPIS],
    format_func=lambda i: f"{decl.get(i).label(lang)} ({i})", key=f"df_kpi_{lang}",
)  # fmt: skip
if data.tables and kpi_id:
    kpiview.explain_block(kpi_id, None, lang, state.report_currency())
else:
    st.caption(t("common.no_data_hint", lang))

# the alert rules, from their declarations (docs/KPIS.md 9): when each fires and what an
# alert puts at stake
st.subheader(t("df.alerts_title", lang))
st.caption(t("df.alerts_intro", lang))
rule_words = [describe(r, lang) for r in RULES_DECLARED]
currency = state.report_currency()
st.table(
    pd.DataFrame({
        t("al.rule", lang): [f"{t(f'rule.{r.id}', lang)} ({r.id})" for r in RULES_DECLARED],
        t("df.al.reads", lang): [w["reads"] for w in rule_words],
        t("df.al.grouping", lang): [r.grouping for r in RULES_DECLARED],
        t("df.al.fires", lang): [w["fires"] for w in rule_words],
        t("df.al.default", lang): [
            alertview.value_text(r.id, r.threshold, lang, currency)
            + (f"; {r.min_count_key} = {fmt.number(r.min_count, lang)}" if r.min_count_key else "")
            for r in RULES_DECLARED
        ],
        t("al.severity", lang): [w["severity"] for w in rule_words],
        t("df.al.estimate", lang): [w["estimate"] or t("df.al.none", lang) for w in rule_words],
        t("df.al.no_estimate", lang): [w["no_estimate"] for w in rule_words],
    }),
    hide_index=True,
)  # fmt: skip

st.subheader(t("df.columns", lang))
for name, ds in DATASETS.items():
    with st.expander(dataview.dataset_label(name, lang) + f" ({name})"):
        st.dataframe(
            pd.DataFrame({
                t("df.column", lang): [c.name for c in ds.columns],
                t("df.kind", lang): [c.kind for c in ds.columns],
                t("df.required", lang): ["✓" if c.required else "" for c in ds.columns],
                t("df.derived", lang): ["✓" if c.derived else "" for c in ds.columns],
                t("df.loaded", lang): ["✓" if data.has(name, c.name) else "" for c in ds.columns],
                t("df.aliases", lang): [", ".join(a.header for a in c.aliases[:6])
                                        for c in ds.columns],
            }),
            hide_index=True,
        )  # fmt: skip

st.subheader(t("df.periods_title", lang))
st.markdown(t("df.periods_rules", lang))

# issue 18: how rows are read where the export leaves a choice (README "Supported data")
st.subheader(t("df.rules", lang))
st.markdown(
    t(
        "df.rules.status",
        lang,
        resolved=", ".join(RESOLVED_STATUSES),
        cancelled=", ".join(CANCELLED_STATUSES),
    )
)
for key in ("df.rules.billing", "df.rules.decimal", "df.rules.cycle"):
    st.markdown(t(key, lang))

# issue 18: what recognition weighs (headers, evidence, content) and what low confidence does
st.subheader(t("df.recognition", lang))
st.markdown(t("df.recognition_text", lang))

st.subheader(t("df.merge.title", lang))
st.markdown(t("df.merge.intro", lang))
st.markdown(
    "\n".join(
        f"- **{dataview.dataset_label(name, lang)}** ({name}): {t(f'df.merge.{name}', lang)}"
        for name in DATASETS
    )
)
st.caption(t("df.merge.empty", lang))

# ----------------------------------------------------------------- currencies (issue 18)
st.subheader(t("df.money_title", lang))
st.markdown(t("df.money_rules", lang))

st.subheader(t("df.check_title", lang))
st.markdown(t("df.check_rules", lang))
