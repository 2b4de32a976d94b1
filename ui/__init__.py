"""Shared Streamlit helpers for the pages (state, filters, charts, text catalog)."""
