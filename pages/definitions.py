"""Definitions: every KPI with its formula, unit, target, the columns it needs, whether
the loaded data allows it, and the SQL that computes it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi import kpis as decl
from kpi.schema import DATASETS
from ui import dataview, fmt, kpiview, page, state
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
    kpiview.explain_block(kpi_id, None, lang, state.app_state().currency)
else:
    st.caption(t("common.no_data_hint", lang))

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

st.subheader(t("df.check_title", lang))
st.markdown(t("df.check_rules", lang))
