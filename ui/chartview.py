"""Altair charts drawn in Streamlit: :func:`show` and the spec it sends (:func:`vega_spec`).

The chart builders are :mod:`ui.charts` (plain functions returning ``alt.Chart``,
shared with the client report's PDF); this module is the Streamlit side of them.
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd


def show(chart: Any, **kwargs: Any) -> Any:
    """Draw ``chart`` as ``st.altair_chart`` does, without Altair's JSON-schema validation:
    ``st.vega_lite_chart`` of :func:`vega_spec` (``kwargs`` are its own: ``width``, ``key``...).

    ``st.altair_chart`` calls ``chart.to_dict()``, which validates the whole spec against
    the Vega-Lite schema: 10-30 ms a chart on every rerun, for specs these builders make
    the same way each time (the tests validate every builder's output, and check that
    :func:`vega_spec` is what ``st.altair_chart`` sends: ``tests/test_ui_charts.py``).
    """
    import streamlit as st

    # with on_select="rerun": the chart's selection state (ui.charts.selectable)
    return st.vega_lite_chart(spec=vega_spec(chart), **kwargs)


def vega_spec(chart: Any) -> dict[str, Any]:
    """The Vega-Lite spec ``st.altair_chart`` sends for ``chart``, made without validating
    it: ``chart.to_dict(validate=False)``, the chart's tables as Arrow datasets named by
    their content, as Streamlit makes them for an Altair chart (with its own helpers:
    the same bytes, the same names).

    Each table is replaced by its dataset's name for the time of ``to_dict`` and put
    back: Altair's data transformers are not involved (Streamlit switches the
    process-wide one for each chart it converts, under a lock of its own), and nothing is
    left on the chart. The spec is made with the active Altair theme, which app.py sets to
    ``"none"``, the one Streamlit uses for Altair charts.
    """
    from streamlit import dataframe_util
    from streamlit.util import calc_hash

    tables = [(part, part.data) for part in parts(chart)
              if isinstance(getattr(part, "data", None), pd.DataFrame)]  # fmt: skip
    datasets: dict[str, bytes] = {}
    try:
        for part, table in tables:
            arrow = dataframe_util.convert_anything_to_arrow_bytes(table)
            datasets[name := calc_hash(arrow)] = arrow
            part.data = alt.NamedData(name=name)
        spec: dict[str, Any] = chart.to_dict(validate=False)
    finally:
        for part, table in tables:
            part.data = table
    spec["datasets"] = datasets
    return spec


def parts(chart: Any) -> list[Any]:
    """``chart`` and the charts it is made of (layers, concatenations), at any depth."""
    found = [chart]
    for name in ("layer", "hconcat", "vconcat", "concat"):
        inner = getattr(chart, name, None)
        if isinstance(inner, list):
            found += [p for c in inner for p in parts(c)]
    return found


def selectable(chart: Any, field: str, name: str) -> Any:
    """``chart`` with a click selection ``name`` of the mark's ``field`` (a bar's client,
    a point's period), on the layer whose table has that column (not a target rule):
    drawn by :func:`show` with ``on_select="rerun"``, Streamlit reports the clicked mark.
    Set on the chart itself, which its builder has just made."""
    layers = [p for p in parts(chart) if isinstance(getattr(p, "data", None), pd.DataFrame)
              and field in p.data.columns and getattr(p, "mark", None) is not None]  # fmt: skip
    if not layers:
        raise ValueError(f"no layer of the chart has a column {field!r}")
    pick = alt.selection_point(name=name, fields=[field], on="click")
    layers[-1].params = [pick.param]
    # the clicked mark stays, the others fade (all full while nothing is picked)
    layers[-1].encoding.opacity = alt.when(pick).then(alt.value(1.0)).otherwise(alt.value(0.4))
    return chart
