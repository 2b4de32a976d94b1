"""The charts' colours, axes and sizes, shared by every builder of :mod:`ui.charts`
and by the pages that colour tables the same way: green means the same thing everywhere.
"""

from __future__ import annotations

import altair as alt

#: target status -> colour (ok green, warn amber, bad red, no status grey)
STATUS_COLORS: dict[str, str] = {
    "ok": "#2e7d32",
    "warn": "#e69500",
    "bad": "#c62828",
    "none": "#9e9e9e",
}
STATUS_ORDER = ("ok", "warn", "bad", "none")
#: the status colours as light tints, for cells with their value written on them in
#: dark text (heatmaps): readable on a light and on a dark page
CELL_COLORS: dict[str, str] = {
    "ok": "#a5d6a7",
    "warn": "#ffcc80",
    "bad": "#ef9a9a",
    "none": "#e0e0e0",
}
#: a value scale under dark text: light to mid blue
LIGHT_BLUES = ["#e3f2fd", "#64b5f6"]

#: MRR movement -> colour; contraction and churn are drawn below zero
MOVEMENT_COLORS: dict[str, str] = {
    "mrr_new": "#2e7d32",
    "mrr_expansion": "#81c784",
    "mrr_contraction": "#ef9a9a",
    "mrr_churn": "#c62828",
}
NEGATIVE_MOVEMENTS = ("mrr_contraction", "mrr_churn")

#: a positive amount (blue) and a loss (red) in signed bar charts
POSITIVE = "#1f77b4"
NEGATIVE = STATUS_COLORS["bad"]
#: targets, reference rules and whiskers: a mid grey with contrast on white and on dark
TARGET = "#888888"
#: text marks on the page's background: about 4.3:1 against white and against
#: Streamlit's dark background (#0e1117)
ON_PAGE = "#7a7a7a"
#: text on a heatmap's fixed-colour cells (status colours, light blues): the same in both
#: themes because its background is
ON_CELL = "#1b1b1b"
#: colours of several lines on one chart, in order (blue, orange, purple, teal, brown)
SERIES = ["#1f77b4", "#e6550d", "#756bb1", "#17becf", "#8c564b", "#e377c2", "#7f7f7f"]
#: a monthly time axis: one tick per month at most, labelled "Mar 2024"
MONTH_AXIS = alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 1})
#: an axis of names (clients, technicians, stages): every bar keeps its label (Vega drops
#: labels it finds overlapping, even one of three bars), cut at LABEL_LIMIT px
CATEGORY_AXIS = alt.Axis(labelLimit=220, labelOverlap=False)
#: the "other clients" band of a stacked chart
OTHER = "#c7c7c7"

HEIGHT = 300
#: longest category label in pixels (client names) before it is cut with an ellipsis
LABEL_LIMIT = 220
#: Streamlit fits a chart's axes and title inside its height: room for them, in pixels
AXES = 90


#: bars (or heatmap rows) a chart shows at most: what its tallest height holds legibly
#: (28 px a bar, see rows_height). At 1M tickets a quarter has ~1,000 technicians with
#: CSAT: drawn as 1 px bars they said nothing and cost the browser ~0.1 s a filter
#: change. The tables and the downloads keep every row.
MAX_BARS = 30
#: which bars a chart keeps when there are more: the lowest values (a KPI where higher
#: is better: the ones to look at), the highest, or both ends (a band target). Each
#: chart says which (no default: it depends on the KPI and the page)
KEEPS = ("lowest", "highest", "ends")
