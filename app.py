"""Entry point: page config, shared state, navigation (``streamlit run app.py``)."""

import streamlit as st

st.set_page_config(page_title="MSP KPIs", page_icon="📊", layout="wide")

pages = [st.Page("pages/data.py", title="Data", icon="📁", default=True)]
st.navigation(pages).run()
