"""Per-session state. Everything a user loads lives in ``st.session_state`` only."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kpi import LoadedData, LoadOptions, load_files

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
_DATA_KEY = "loaded_data"


def loaded_data() -> LoadedData:
    """The session's data; the built-in sample on first use."""
    if _DATA_KEY not in st.session_state:
        st.session_state[_DATA_KEY] = load_files([SAMPLE_DIR], LoadOptions())
    data: LoadedData = st.session_state[_DATA_KEY]
    return data
