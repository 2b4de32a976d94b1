"""Entry point (``streamlit run app.py``): page config, language, sidebar, navigation.

Pages are thin scripts under ``pages/``; what they share lives in ``ui/``.
"""

import logging

import altair as alt
import streamlit as st

from ui import process, sidebar, state
from ui.i18n import t

# Altair validates each schema object as it is built (its "debug mode", for tracebacks
# while writing a chart): tens of ms a rerun. The tests validate every chart builder.
alt.utils.schemapi.disable_debug_mode()
# the imported code out of the full garbage collection after each run (ui/process.py)
process.freeze_imports()

st.set_page_config(page_title="MSP KPIs", page_icon="📊", layout="wide")
sidebar.init_language()

#: (script, catalog key of the title, icon, url path); url paths stay English
DASHBOARDS = [
    ("pages/overview.py", "page.overview", "🏠", "overview"),
    ("pages/profitability.py", "page.profitability", "💶", "profitability"),
    ("pages/service_desk.py", "page.service_desk", "🎧", "service_desk"),
    ("pages/resources.py", "page.resources", "👥", "resources"),
    ("pages/contracts.py", "page.contracts", "📄", "contracts"),
    ("pages/projects.py", "page.projects", "📐", "projects"),
    ("pages/sales.py", "page.sales", "📈", "sales"),
    ("pages/alerts.py", "page.alerts", "⚠️", "alerts"),
]
MANAGE = [
    ("pages/data.py", "page.data", "📁", "data"),
    ("pages/settings.py", "page.settings", "⚙️", "settings"),
    ("pages/definitions.py", "page.definitions", "📖", "definitions"),
]
#: pages where the sidebar's technician filter applies
TECHNICIAN_PAGES = {"service_desk", "resources"}


def _pages(items: list[tuple[str, str, str, str]]) -> list[st.Page]:
    return [
        st.Page(path, title=t(key), icon=icon, url_path=url, default=url == "overview")
        for path, key, icon, url in items
    ]


page = st.navigation({t("nav.dashboards"): _pages(DASHBOARDS), t("nav.manage"): _pages(MANAGE)})
sidebar.render(technician_applies=page.url_path in TECHNICIAN_PAGES)
try:
    page.run()
except Exception:
    # Users never see a traceback (client.showErrorDetails = "none" too): a clear message
    # and a way forward; the server log keeps the details. Streamlit's own rerun/stop
    # signals are BaseExceptions and pass through.
    logging.getLogger("msp_kpi").exception("page %s failed", page.url_path)
    st.error(t("app.error"))
    if st.button(t("app.error_sample"), key="app_error_sample"):
        state.use_sample()
        st.rerun()
