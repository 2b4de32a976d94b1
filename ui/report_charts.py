"""The client report's charts: the app's own builder (:func:`ui.charts.trend`) for each
monthly trend, drawn as SVG text by vl-convert (Altair's renderer, no browser), for
:func:`kpi.present.client_report.render_pdf`, which takes them drawn: the engine imports
neither Altair nor Streamlit. Used by the Client report page and by ``python -m kpi
client-report`` (docs/CLI.md), the one command that reaches outside kpi/ for them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kpi.metrics import get
from kpi.present.review import TRENDS, ClientReview
from kpi.texts import t
from ui import charts

#: the width charts are drawn at, in CSS pixels (scaled to the text width in the PDF)
CHART_WIDTH = 520
CHART_HEIGHT = 200


def trend_charts(review: ClientReview) -> list[tuple[str, Any]]:
    """The monthly charts, (title, ``alt.Chart``), made by the app's builder
    (:func:`kpi.present.charts.trend`), one line per KPI; a chart without data is left out."""
    lang = review.lang
    out = []
    for key, ids in TRENDS:
        rows = review.monthly[review.monthly["kpi"].isin(ids)].dropna(subset=["value"])
        # the months' rows (a KPI without any month has one row for the whole period)
        rows = rows[rows["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")]
        if rows.empty:
            continue
        unit = get(ids[0]).unit
        df = pd.DataFrame({
            "period": rows["period"].astype(str),
            "value": rows["value"].astype(float),
            "kpi": [get(k).label(lang) for k in rows["kpi"]],
        })  # fmt: skip
        title = t(f"cr.trend.{key}", lang)
        chart = charts.trend(df, unit=unit, lang=lang, y_title=t(f"cr.axis.{key}", lang),
                             series="kpi", currency=review.currency)  # fmt: skip
        chart.height = CHART_HEIGHT
        chart.width = CHART_WIDTH
        out.append((title, chart))
    return out


def chart_svgs(review: ClientReview) -> list[tuple[str, str]]:
    """The monthly charts as SVG text (vl-convert, no browser), with their titles."""
    import vl_convert

    return [
        (title, vl_convert.vegalite_to_svg(chart.to_dict(validate=False)))
        for title, chart in trend_charts(review)
    ]
