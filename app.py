"""Entry point (``streamlit run app.py``): page config, language, sidebar, navigation.

Pages are thin scripts under ``pages/``; what they share lives in ``ui/``.
"""

import logging

import altair as alt
import streamlit as st

from ui import layout, process, sidebar, state
from ui import workspace as workspaces
from ui.i18n import t

# Altair validates each schema object as it is built (its "debug mode", for tracebacks
# while writing a chart): tens of ms a rerun. The tests validate every chart builder.
alt.utils.schemapi.disable_debug_mode()
# Streamlit draws Altair charts without Altair's default theme (a 300 px view size); the
# pages' charts make their spec themselves (ui/chartview.py show), with the same theme
alt.theme.enable("none")

#: the browser tab's icon: three bars, drawn here (an SVG goes to the browser as a data: URL;
#: a Material icon as the page icon would be fetched from fonts.gstatic.com, and an emoji
#: shows as an empty box without an emoji font)
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="#1f77b4">'
    '<rect x="3" y="12" width="4.5" height="9" rx="1"/>'
    '<rect x="9.75" y="7" width="4.5" height="14" rx="1"/>'
    '<rect x="16.5" y="3" width="4.5" height="18" rx="1"/></svg>'
)
st.set_page_config(page_title="MSP KPIs", page_icon=FAVICON, layout="wide")
# the imported code out of the full garbage collection after each run (ui/process.py);
# after the page config, which imports PIL (for any page icon) the first time
process.freeze_imports()
sidebar.init_language()

#: (script, catalog key of the title, icon, url path); url paths stay English. The icons are
#: Material Symbols, which Streamlit serves from its own static files (never emoji: see
#: tests/test_ui_icons.py)
DASHBOARDS = [
    ("pages/overview.py", "page.overview", ":material/home:", "overview"),
    ("pages/profitability.py", "page.profitability", ":material/payments:", "profitability"),
    ("pages/service_desk.py", "page.service_desk", ":material/support_agent:", "service_desk"),
    ("pages/resources.py", "page.resources", ":material/group:", "resources"),
    ("pages/contracts.py", "page.contracts", ":material/description:", "contracts"),
    ("pages/projects.py", "page.projects", ":material/architecture:", "projects"),
    ("pages/sales.py", "page.sales", ":material/trending_up:", "sales"),
    ("pages/alerts.py", "page.alerts", ":material/warning:", "alerts"),
    ("pages/client_report.py", "page.client_report", ":material/summarize:", "client_report"),
]
MANAGE = [
    ("pages/data.py", "page.data", ":material/folder:", "data"),
    ("pages/settings.py", "page.settings", ":material/settings:", "settings"),
    ("pages/definitions.py", "page.definitions", ":material/menu_book:", "definitions"),
]
#: pages where the sidebar's technician filter applies
TECHNICIAN_PAGES = {"service_desk", "resources"}


def _pages(items: list[tuple[str, str, str, str]]) -> list[st.Page]:
    return [
        st.Page(path, title=t(key), icon=icon, url_path=url, default=url == "overview")
        for path, key, icon, url in items
    ]


page = st.navigation({t("nav.dashboards"): _pages(DASHBOARDS), t("nav.manage"): _pages(MANAGE)})
# a saved workspace named in the address opens again after a reload (its session token)
workspaces.restore()
sidebar.render(technician_applies=page.url_path in TECHNICIAN_PAGES)
workspaces.sidebar_status()
# print and narrow-screen layout (ui/layout.py)
layout.inject()
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
# the settings a page changed go to the open workspace (a run ended by st.rerun saves them
# at the end of the next one)
workspaces.save_settings()
