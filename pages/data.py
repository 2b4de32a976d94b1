"""Data page: what each file of the loaded data was read as."""

import streamlit as st

from ui.state import loaded_data

st.title("Data")
data = loaded_data()
st.caption("Built-in sample data of a fictional MSP. Uploading your own files comes next.")
rows = [
    {
        "file": f.file,
        "sheet": f.sheet or "",
        "dataset": f.dataset or "",
        "read": f.rows_read,
        "loaded": f.rows_loaded,
        "merged": f.rows_merged,
        "rejected": f.rows_rejected,
        "warnings": f.warnings,
    }
    for f in data.files
]
st.dataframe(rows, width="stretch", hide_index=True)
