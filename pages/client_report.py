"""Client report: one client's service review for a period (default: the last complete
quarter, compared with the one before), shown as it will print and downloaded as PDF;
every client's PDF in one ZIP."""

from __future__ import annotations

import streamlit as st

from kpi.present import fmt
from kpi.present.review import COMPARES, last_complete_quarter
from ui import page, state
from ui.i18n import DATE_INPUT_FORMATS, t

page.frame_guard()
lang = state.lang()
st.title(t("page.client_report", lang))
data = state.loaded_data()
if not data.tables:
    st.info(t("common.no_data_hint", lang))
    st.page_link("pages/data.py", label=t("page.data", lang), icon=":material/folder:")
    st.stop()
app = state.app_state()
clients = state.engine().clients()
if not clients:
    st.info(t("cr.no_clients", lang))
    st.stop()

q_start, q_end = last_complete_quarter(state.as_of())
c1, c2, c3 = st.columns([2, 2, 1])
# the sidebar's client when it filters one, else the first
chosen = state.selected_clients()
first = clients.index(chosen[0]) if len(chosen) == 1 and chosen[0] in clients else 0
client = c1.selectbox(t("cr.client", lang), clients, index=first, key="cr_client")
picked = c2.date_input(t("cr.period", lang), value=(q_start, q_end),
                       format=DATE_INPUT_FORMATS[lang], key=f"cr_period_{app.version}")  # fmt: skip
compare = c3.selectbox(t("cr.compare", lang), COMPARES, key="cr_compare",
                       format_func=lambda c: t(f"cr.compare.{c}", lang))  # fmt: skip
if not isinstance(picked, tuple) or len(picked) != 2:
    st.info(t("cr.pick_end", lang))
    st.stop()
start, end = picked
if not app.msp_name:
    st.caption(t("cr.msp_hint", lang))

with st.spinner(t("cr.making", lang)):
    name, pdf, pages = state.client_report(client, start, end, compare)
st.download_button(t("cr.download", lang), pdf, file_name=name, mime="application/pdf",
                   icon=":material/download:", type="primary", key="cr_download")  # fmt: skip
with st.container(border=True):
    for png in pages:
        st.image(png, width="stretch")

st.divider()
st.subheader(t("cr.all", lang))
st.caption(t("cr.all_help", lang, n=fmt.number(len(clients), lang)))
if st.button(t("cr.all_make", lang), icon=":material/folder_zip:", key="cr_all"):
    bar = st.progress(0.0, text=t("cr.making", lang))

    def progress(done: int, total: int, who: str) -> None:
        bar.progress(done / total, text=t("cr.progress", lang, done=done, total=total))

    made_zip = state.client_reports_zip(start, end, compare, progress)
    st.session_state["cr_zip"] = (start, end, compare, lang, made_zip)
    bar.empty()
made = st.session_state.get("cr_zip")
if made and made[:4] == (start, end, compare, lang):
    zip_name = f"client-reports_{start.isoformat()}_{end.isoformat()}.zip"
    st.download_button(t("cr.all_download", lang), made[4], file_name=zip_name,
                       mime="application/zip", icon=":material/download:",
                       key="cr_zip_download")  # fmt: skip
