"""The page's own CSS, sent once a run from ``app.py``: print, narrow screens and
Streamlit's fixed English (the uploader's box and button, a table's column menu).

Print (a browser's "Print" or "Save as PDF"): no sidebar, header or toolbar, no "How
is this calculated?" popovers and no download buttons; A4 landscape with charts as wide
as the paper; tables printed from their print copy (:func:`print_copy`: an interactive
table is a canvas that prints only the rows it scrolls to, 10 at most).

Narrow screens (a phone, 400 px): KPI cards two per row instead of one (Streamlit stacks
every column below 640 px: ten cards were five screens before the first table); wide
tables scroll sideways with the client pinned (:func:`ui.kpiview.show_wide`).

Selectors are Streamlit's ``data-testid`` attributes (stable, used by its own tests).
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import streamlit as st

#: rows a table prints at most (the interactive table and the downloads have them all)
PRINT_ROWS = 60

CSS = """
<style>
/* --------------------------------------------------------------- print */
.msp-print-only { display: none; }
@media print {
  @page { size: A4 landscape; margin: 10mm; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
  [data-testid="stPopover"], [data-testid="stDownloadButton"], [data-testid="stExpander"] {
    display: none !important;
  }
  /* an interactive table with a print copy right after it gives way to the copy (one
     without a copy prints as it is) */
  [data-testid="stElementContainer"]:has([data-testid="stDataFrame"]):has(
    + [data-testid="stElementContainer"] .msp-print-only) {
    display: none !important;
  }
  .msp-print-only { display: block; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    margin: 0 !important; padding: 0 !important; max-width: none !important;
  }
  /* A4 landscape is 277 mm wide inside its margins: charts fit it, never cut */
  [data-testid="stVegaLiteChart"] { max-width: 277mm; break-inside: avoid; }
  [data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg {
    max-width: 100% !important; height: auto !important;
  }
  [data-testid="stMetric"], [data-testid="stVerticalBlockBorderWrapper"] {
    break-inside: avoid;
  }
  .msp-print-only table { border-collapse: collapse; font-size: 8pt; width: 100%; }
  .msp-print-only th, .msp-print-only td { border: 1px solid #ccc; padding: 1px 4px; }
  .msp-print-only tr { break-inside: avoid; }
}
/* --------------------------------------------------------------- file uploaders */
/* Streamlit's fixed English in the box ("300MB per file • CSV, ...", "Drag and drop files
   here") gives way to the caption below it (ui/upload.py); the button's "Upload" or
   "Browse files" to the catalog's label (UPLOADER_CSS) */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none !important; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] {
  display: none !important;
}
/* --------------------------------------------------------------- narrow screens */
@media (max-width: 640px) {
  /* a row of KPI cards: two per row (Streamlit makes each column the full width) */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-wrap: wrap !important; gap: 0.5rem !important;
  }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"])
    > [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important;
    width: calc(50% - 0.5rem) !important;
  }
  /* a column without a card (the last row's gaps) takes no room */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"])
    > [data-testid="stColumn"]:not(:has([data-testid="stMetric"])) {
    display: none !important;
  }
  [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
}
</style>
"""


#: the uploader button's label in the chosen language (its own is hidden by CSS)
UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] button > div > span::after { content: %s; }
</style>
"""
#: a table's "Show/hide columns" menu: its "Select all" (Streamlit's English) in the
#: chosen language
COLUMN_MENU_CSS = """
<style>
[data-testid="stDataFrameColumnVisibilityMenu"] > div > label:first-child > span:last-child {
  display: none;
}
[data-testid="stDataFrameColumnVisibilityMenu"] > div > label:first-child::after {
  content: %s;
}
</style>
"""


def inject(lang: str | None = None) -> None:
    """The CSS above, with the uploader button's label and the column menu's "Select all"
    in ``lang`` (default: the session's language), once a run (a style-only ``st.html``
    takes no room on the page)."""
    from ui.i18n import current_lang, t

    lang = lang or current_lang()

    def quoted(key: str) -> str:  # a CSS string
        return json.dumps(t(key, lang), ensure_ascii=False)

    st.html(
        CSS
        + UPLOADER_CSS % quoted("dt.upload_button")
        + COLUMN_MENU_CSS % quoted("common.all_columns")
    )


def print_copy(styled: Any, rows: int = PRINT_ROWS) -> None:
    """A static copy of a table for print only (hidden on screen): its first ``rows``
    rows with the page's formats and colours, without its index.

    ``styled``: the pandas Styler the page shows with ``st.dataframe`` (drawn already:
    this changes it). Text columns are written escaped, so that a client called
    ``<b>ACME</b>`` prints as typed (a text column's own format, if any, gives way to
    that: the dates of a table print as ISO dates).
    """
    from kpi.present import fmt

    text = [c for c in styled.data.columns if not pd.api.types.is_numeric_dtype(styled.data[c])]
    if text:
        styled.format(escape="html", subset=text, na_rep=fmt.EMPTY)
    html = styled.hide(axis="index").format_index(escape="html", axis=1).to_html(max_rows=rows)
    st.html(f'<div class="msp-print-only">{html}</div>')
