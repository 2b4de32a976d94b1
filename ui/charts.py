"""Altair chart builders: plain functions from small aggregate frames to ``alt.Chart``.

Every builder takes a few hundred rows at most (one per month, client, technician or
stage), adds a localised text column for the tooltip (Babel, via :mod:`kpi.present.fmt`) and
returns a chart; none touches Streamlit, so tests inspect ``chart.to_dict()``, the
app draws them (:mod:`ui.chartview`) and the client report renders them to SVG
(:mod:`kpi.present.client_report`): the same specs everywhere.

Colours, axes and sizes are shared by every page (:mod:`ui.chartstyle`): the status
colours for target status (ok, warn, bad, none) and the movement colours for MRR
movements, so green means the same thing everywhere; where a scatter's names go is
:mod:`ui.placing`.

Light and dark themes: axis labels, titles and legends take the theme's colours, which
Streamlit sets per theme; no builder writes text black or white. Text marks, which
Streamlit's theme leaves black (the names next to a scatter's points), and lines drawn
on the background (targets, reference rules, whiskers) are a mid grey that reads on a
white and on a dark page (:data:`ON_PAGE`, :data:`TARGET`). Only text on a cell of
fixed colour (a heatmap's status cells) has a fixed dark colour: its background is the
same in both.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import altair as alt
import pandas as pd

from kpi.present import fmt
from kpi.texts import t
from ui.chartstyle import (
    AXES,
    CATEGORY_AXIS,
    CELL_COLORS,
    HEIGHT,
    KEEPS,
    LABEL_LIMIT,
    LIGHT_BLUES,
    MAX_BARS,
    MONTH_AXIS,
    MOVEMENT_COLORS,
    NEGATIVE,
    NEGATIVE_MOVEMENTS,
    ON_CELL,
    ON_PAGE,
    OTHER,
    POSITIVE,
    SERIES,
    STATUS_COLORS,
    STATUS_ORDER,
    TARGET,
)
from ui.placing import PLACES, domain, label_places, short


def rows_height(n: int, per_row: int = 28, most: int = 1000) -> int:
    """Height of a chart with one band per row (bars, heatmap rows), axes included."""
    return min(AXES + per_row * max(n, 2), most)


#: encoding channels by name. Builders pass channel objects, never shorthand strings or
#: alt.value(): Altair turns those into channels with from_dict, which hashes its whole
#: schema each time (about 8 ms a channel)
_CHANNEL = {"x": alt.X, "y": alt.Y, "x2": alt.X2, "y2": alt.Y2}


def status_scale() -> alt.Scale:
    """The one colour scale for target status, legend order ok, warn, bad, none."""
    return alt.Scale(domain=list(STATUS_ORDER), range=[STATUS_COLORS[s] for s in STATUS_ORDER])


def _axis_format(unit: str) -> str:
    """d3 format of a value axis: ratios as percentages, money and counts grouped."""
    return {"ratio": ".0%", "currency": ",.0f", "hours": ",.0f", "days": ",.1f"}.get(unit, ",.0f")


def _finish(
    chart: Any, lang: str, title: str | None = None, subtitle: str | None = None, *, height: int
) -> Any:
    """Height, title and the language's number/month names, set once at the top.

    Set on the chart itself, which its builder has just made and nothing else holds:
    Altair's ``properties`` and ``configure`` copy a layered chart, and each of its layers
    twice, every time they are called (a third of building a bar chart with a target).
    """
    chart.height = height
    if title and subtitle:
        chart.title = alt.TitleParams(title, subtitle=subtitle)
    elif title:
        chart.title = title
    loc = fmt.VEGA_LOCALES.get(lang)
    if loc is not None:
        chart.config = alt.Config(locale=loc)
    return chart


def _texts(values: pd.Series, unit: str, lang: str, currency: str) -> list[str]:
    """Formatted tooltip text per value (a few hundred values at most)."""
    return [fmt.value(v, unit, lang, currency) for v in values]


def with_month(df: pd.DataFrame, period: str = "period") -> pd.DataFrame:
    """Add a ``month`` timestamp column from ``YYYY-MM`` periods (temporal x axis)."""
    out = df.copy()
    out["month"] = pd.to_datetime(out[period].astype(str) + "-01", format="%Y-%m-%d")
    return out


def _month_labels(df: pd.DataFrame, lang: str) -> list[str]:
    return [fmt.month(m.date(), lang) for m in df["month"]]


def target_layer(
    target: Any, unit: str, lang: str, currency: str, label: str, axis: str = "y"
) -> alt.Chart | None:
    """A dashed rule at a target, or a shaded band for a ``(lo, hi)`` target.

    ``axis`` is the value axis: ``y`` for trends, ``x`` for horizontal bars.
    """
    if target is None:
        return None
    tip = [alt.Tooltip("label:N", title=""), alt.Tooltip("text:N", title="")]
    if isinstance(target, tuple):
        lo, hi = (float(x) for x in target)
        text = f"{fmt.value(lo, unit, lang, currency)} – {fmt.value(hi, unit, lang, currency)}"
        band = pd.DataFrame({"lo": [lo], "hi": [hi], "text": [text], "label": [label]})
        return (
            alt.Chart(band)
            .mark_rect(opacity=0.12, color=STATUS_COLORS["ok"])
            .encode(
                **{axis: _CHANNEL[axis]("lo:Q"), f"{axis}2": _CHANNEL[f"{axis}2"]("hi:Q")},
                tooltip=tip,
            )
        )
    if fmt.is_empty(target):
        return None
    text = fmt.value(target, unit, lang, currency)
    rule = pd.DataFrame({"t": [float(target)], "text": [text], "label": [label]})
    return (
        alt.Chart(rule)
        .mark_rule(strokeDash=[6, 4], color=TARGET, size=2)
        .encode(**{axis: _CHANNEL[axis]("t:Q")}, tooltip=tip)
    )


def trend(
    df: pd.DataFrame,
    *,
    unit: str,
    lang: str,
    y_title: str,
    series: str | None = None,
    series_title: str = "",
    target: Any = None,
    target_label: str = "",
    currency: str = "EUR",
    title: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
    joined: bool = True,
) -> Any:
    """A monthly line (one per ``series``) with points, an optional target rule or band.

    Args:
        df: columns ``period`` (``YYYY-MM``), ``value`` and ``series`` when given.
        unit: the KPI unit (axis format and tooltip text).
        target: a number (dashed rule), a ``(lo, hi)`` band, or None.
        extra: more tooltip columns as (column, title), e.g. the response count.
        joined: False for points alone, for a rate of few events a month (renewals):
            months without any are left out, and a line from 100% down to 0% and back
            would draw values in the months between that no one measured.
    """
    data = with_month(df)
    data["text"] = _texts(data["value"], unit, lang, currency)
    data["month_label"] = _month_labels(data, lang)
    tooltip = [alt.Tooltip("month_label:N", title="")]
    if series:
        tooltip.append(alt.Tooltip(f"{series}:N", title=series_title))
    tooltip.append(alt.Tooltip("text:N", title=y_title))
    tooltip += [alt.Tooltip(f"{c}:N", title=t) for c, t in extra]
    enc: dict[str, Any] = {
        "x": alt.X("month:T", title=None, axis=MONTH_AXIS),
        "y": alt.Y(
            "value:Q",
            title=y_title,
            axis=alt.Axis(format=_axis_format(unit)),
            # rates and durations move in a narrow range: do not flatten them against 0
            scale=alt.Scale(zero=unit in ("count", "currency")),
        ),
        "tooltip": tooltip,
    }
    if series:
        names = list(dict.fromkeys(data[series]))
        enc["color"] = alt.Color(
            f"{series}:N", title=series_title or None,
            scale=alt.Scale(domain=names, range=SERIES[: len(names)]),
            legend=alt.Legend(orient="bottom"),
        )  # fmt: skip
    marks = alt.Chart(data)
    line = (
        marks.mark_line(point=True) if joined else marks.mark_point(filled=True, size=70)
    ).encode(**enc)
    rule = target_layer(target, unit, lang, currency, target_label)
    return _finish(_behind(rule, line), lang, title, height=HEIGHT)


def bars(
    df: pd.DataFrame,
    *,
    category: str,
    unit: str,
    lang: str,
    x_title: str,
    category_title: str = "",
    status: str | None = None,
    status_labels: dict[str, str] | None = None,
    signed: bool = False,
    target: Any = None,
    target_label: str = "",
    currency: str = "EUR",
    title: str | None = None,
    extra: Sequence[tuple[str, str] | tuple[str, str, Callable[[Any], str]]] = (),
    keep: str,
) -> Any:
    """Horizontal bars of ``value`` per category, sorted by value, largest first.

    Colour: the ``status`` column (status colours), else red for negative values when
    ``signed`` (losses), else one colour. A target draws a vertical rule or band.
    More than :data:`MAX_BARS` categories: the chart keeps ``keep`` of them (see
    :data:`KEEPS`) and its subtitle says so ("The 30 lowest of 986").
    ``extra``: more tooltip columns as (column, title), or (column, title, format) to
    show a column of values as ``format`` writes them (only the bars kept are written:
    Babel takes about 35 µs a number, 10 ms for 300 clients).
    """
    data, kept = _kept_bars(df, category, keep)
    subtitle = _kept_subtitle(keep, kept, len(df), lang)
    data["text"] = _texts(data["value"], unit, lang, currency)
    for col, _title, *how in extra:
        if how:
            data[col] = [how[0](v) for v in data[col]]
    tooltip = [
        alt.Tooltip(f"{category}:N", title=category_title),
        alt.Tooltip("text:N", title=x_title),
    ] + [alt.Tooltip(f"{c}:N", title=t) for c, t, *_ in extra]
    enc: dict[str, Any] = {
        "y": alt.Y(
            f"{category}:N",
            sort="-x",
            title=category_title or None,
            axis=CATEGORY_AXIS,
        ),
        "x": alt.X("value:Q", title=x_title, axis=alt.Axis(format=_axis_format(unit))),
        "tooltip": tooltip,
    }
    if status:
        data["status_key"] = data[status].fillna("").replace("", "none")
        labels = status_labels or {}
        data["status_label"] = [labels.get(s, s) for s in data["status_key"]]
        enc["color"] = alt.Color("status_key:N", scale=status_scale(), legend=None)
        enc["tooltip"] = [*tooltip, alt.Tooltip("status_label:N", title="")]
    elif signed:
        data["sign"] = ["loss" if (v is not None and v < 0) else "gain" for v in data["value"]]
        enc["color"] = alt.Color(
            "sign:N", scale=alt.Scale(domain=["gain", "loss"], range=[POSITIVE, NEGATIVE]),
            legend=None,
        )  # fmt: skip
    else:
        enc["color"] = alt.ColorValue(POSITIVE)
    bar = alt.Chart(data).mark_bar().encode(**enc)
    height = rows_height(len(data))
    rule = target_layer(target, unit, lang, currency, target_label, axis="x")
    return _finish(_behind(rule, bar), lang, title, subtitle, height=height)


def _kept_bars(df: pd.DataFrame, category: str, keep: str) -> tuple[pd.DataFrame, int | None]:
    """(the rows a bar chart draws, in their order; how many were kept, None for all).

    Rows without a value draw no bar: past :data:`MAX_BARS` rows they are left out
    first. Ties go by category name, so the same data keeps the same bars.
    """
    _check_keep(keep)
    if len(df) <= MAX_BARS:
        return df.copy(), None
    rows = df.reset_index(drop=True)
    picked, kept = _pick(rows[category], rows["value"], keep)
    return rows.loc[picked], kept


def _check_keep(keep: str) -> None:
    if keep not in KEEPS:
        raise ValueError(f"keep must be one of {KEEPS}, not {keep!r}")


def _pick(names: pd.Series, scores: pd.Series, keep: str) -> tuple[list[Any], int | None]:
    """The labels of ``scores`` (in their order) a chart keeps, ranked by score, ties by
    name, none without a score; and how many, or None when every scored label fits."""
    ranked = pd.DataFrame({"name": names, "score": scores}).dropna(subset=["score"])
    ranked = ranked.sort_values(["score", "name"], kind="stable")
    if len(ranked) <= MAX_BARS:  # every bar there is
        return sorted(ranked.index), None
    half = MAX_BARS // 2
    picked = {
        "lowest": ranked.index[:MAX_BARS],
        "highest": ranked.index[-MAX_BARS:],
        "ends": ranked.index[:half].append(ranked.index[-half:]),
    }[keep]
    return sorted(picked), len(picked)


def _kept_subtitle(keep: str, kept: int | None, total: int, lang: str) -> str | None:
    """ "The 30 lowest of 986" when a chart kept some of its rows, else None."""
    if kept is None:
        return None
    return t(f"ch.bars_{keep}", lang, n=fmt.number(kept, lang),
             half=fmt.number(kept // 2, lang), total=fmt.number(total, lang))  # fmt: skip


def _behind(rule: Any, chart: Any) -> Any:
    """The chart with a target rule or band drawn behind it (when there is one)."""
    return chart if rule is None else alt.layer(rule, chart)


def stacked_area(
    df: pd.DataFrame,
    *,
    series: str,
    unit: str,
    lang: str,
    y_title: str,
    series_title: str,
    other: str | None = None,
    currency: str = "EUR",
    title: str | None = None,
) -> Any:
    """Monthly values stacked by ``series`` (MRR by top clients), in the frame's order of
    first appearance; the ``other`` series (the rest of the clients) grey, at the top."""
    data = with_month(df)
    data["text"] = _texts(data["value"], unit, lang, currency)
    data["month_label"] = _month_labels(data, lang)
    names = [n for n in dict.fromkeys(data[series]) if n != other]
    if other is not None and other in set(data[series]):
        names.append(other)
    palette = alt.Scale(domain=names, range=[
        OTHER if n == other else _CATEGORY[i % len(_CATEGORY)] for i, n in enumerate(names)
    ])  # fmt: skip
    data["order"] = [names.index(n) for n in data[series]]
    chart = (
        alt.Chart(data)
        .mark_area()
        .encode(
            x=alt.X("month:T", title=None, axis=MONTH_AXIS),
            y=alt.Y("value:Q", stack="zero", title=y_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color(f"{series}:N", title=series_title, scale=palette,
                            sort=names, legend=alt.Legend(labelLimit=LABEL_LIMIT)),
            order=alt.Order("order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("month_label:N", title=""),
                alt.Tooltip(f"{series}:N", title=series_title),
                alt.Tooltip("text:N", title=y_title),
            ],
        )
    )  # fmt: skip
    return _finish(chart, lang, title, height=HEIGHT)


#: colours of the clients of a stacked chart (Tableau 10 without grey)
_CATEGORY = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
             "#ff9da7", "#9c755f"]  # fmt: skip


def movements(
    df: pd.DataFrame,
    *,
    labels: dict[str, str],
    lang: str,
    y_title: str,
    currency: str = "EUR",
    title: str | None = None,
) -> Any:
    """MRR movements per month: new and expansion up, contraction and churn down.

    Args:
        df: columns ``period``, ``kpi`` (mrr_new, mrr_expansion, mrr_contraction,
            mrr_churn) and ``value`` (positive amounts as the engine reports them).
        labels: kpi id -> label shown in the legend and tooltip.
    """
    data = with_month(df)
    data["text"] = _texts(data["value"], "currency", lang, currency)
    data["signed"] = [
        -v if k in NEGATIVE_MOVEMENTS else v
        for k, v in zip(data["kpi"], data["value"], strict=True)
    ]
    data["label"] = [labels.get(k, k) for k in data["kpi"]]
    data["month_label"] = _month_labels(data, lang)
    order = list(MOVEMENT_COLORS)
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("month:T", title=None, axis=MONTH_AXIS),
            y=alt.Y("signed:Q", stack="zero", title=y_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color(
                "label:N",
                title=None,
                scale=alt.Scale(
                    domain=[labels.get(k, k) for k in order],
                    range=[MOVEMENT_COLORS[k] for k in order],
                ),
            ),
            tooltip=[
                alt.Tooltip("month_label:N", title=""),
                alt.Tooltip("label:N", title=""),
                alt.Tooltip("text:N", title=y_title),
            ],
        )
    )
    return _finish(chart, lang, title, height=HEIGHT)


def heatmap(
    df: pd.DataFrame,
    *,
    row: str,
    unit: str,
    lang: str,
    value_title: str,
    row_title: str = "",
    status: str | None = None,
    currency: str = "EUR",
    title: str | None = None,
    keep: str,
) -> Any:
    """Row x month grid (technician x month), coloured by target status when given,
    else by value; the value is written in each cell.

    More than :data:`MAX_BARS` rows: the chart keeps ``keep`` of them, ranked by their
    mean over the months (see :data:`KEEPS`), and its subtitle says so.
    """
    _check_keep(keep)
    total = df[row].nunique()
    subtitle = None
    if total > MAX_BARS:
        means = df.groupby(row, sort=True)["value"].mean()
        names, kept = _pick(pd.Series(means.index, index=means.index), means, keep)
        df = df[df[row].isin(names)]
        subtitle = _kept_subtitle(keep, kept, total, lang)
    data = with_month(df)
    data["text"] = _texts(data["value"], unit, lang, currency)
    data["month_label"] = _month_labels(data, lang)
    if status:
        data["status_key"] = data[status].fillna("").replace("", "none")
        cells_scale = alt.Scale(domain=list(STATUS_ORDER),
                                range=[CELL_COLORS[s] for s in STATUS_ORDER])  # fmt: skip
        color = alt.Color("status_key:N", scale=cells_scale, legend=None)
    else:
        color = alt.Color("value:Q", title=value_title, scale=alt.Scale(range=LIGHT_BLUES))
    base = alt.Chart().encode(  # the data once, on the layer
        x=alt.X(
            "month_label:O",
            title=None,
            sort=alt.SortField("month"),
            # centred under their cells (a theme may align x labels left)
            axis=alt.Axis(
                labelAngle=0, labelAlign="center", labelBaseline="top", labelOverlap="parity"
            ),
        ),
        y=alt.Y(f"{row}:N", title=row_title or None, axis=CATEGORY_AXIS),
    )
    # opaque: the cell's colour (and the dark text on it) is the same on a light and a
    # dark page
    cells = base.mark_rect(opacity=1.0).encode(
        color=color,
        tooltip=[
            alt.Tooltip(f"{row}:N", title=row_title),
            alt.Tooltip("month_label:N", title=""),
            alt.Tooltip("text:N", title=value_title),
        ],
    )
    labels = base.mark_text(fontSize=10, color=ON_CELL).encode(text=alt.Text("text:N"))
    n_rows = data[row].nunique()
    chart = alt.layer(cells, labels, data=data)
    return _finish(chart, lang, title, subtitle, height=rows_height(n_rows, 32))


def funnel(
    df: pd.DataFrame,
    *,
    stage: str,
    lang: str,
    x_title: str,
    stage_title: str,
    unit: str = "currency",
    currency: str = "EUR",
    title: str | None = None,
    extra: Sequence[tuple[str, str]] = (),
) -> Any:
    """Pipeline by stage: horizontal bars in the frame's row order (the stage order)."""
    data = df.copy()
    data["text"] = _texts(data["value"], unit, lang, currency)
    order = list(data[stage])
    chart = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y(f"{stage}:N", sort=order, title=stage_title, axis=CATEGORY_AXIS),
            x=alt.X("value:Q", title=x_title, axis=alt.Axis(format=_axis_format(unit))),
            color=alt.ColorValue(POSITIVE),
            tooltip=[
                alt.Tooltip(f"{stage}:N", title=stage_title),
                alt.Tooltip("text:N", title=x_title),
                *[alt.Tooltip(f"{c}:N", title=t) for c, t in extra],
            ],
        )
    )
    return _finish(chart, lang, title, height=rows_height(len(data), 36))


def scatter(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    label: str,
    lang: str,
    x_title: str,
    y_title: str,
    label_title: str = "",
    status: str | None = None,
    rules: Sequence[float] = (1.0,),
    title: str | None = None,
) -> Any:
    """Points (projects by CPI and SPI) with reference rules on both axes."""
    data = df.dropna(subset=[x, y]).copy()
    data["x_text"] = [fmt.number(v, lang, 2) for v in data[x]]
    data["y_text"] = [fmt.number(v, lang, 2) for v in data[y]]
    # domains of our own (the values and the rules, 10% room each side), so that the
    # names are placed on the plot that is drawn
    x_dom, y_dom = domain(data[x], rules), domain(data[y], rules)
    enc: dict[str, Any] = {
        "x": alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(domain=list(x_dom), nice=False)),
        "y": alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(domain=list(y_dom), nice=False)),
        "tooltip": [
            alt.Tooltip(f"{label}:N", title=label_title),
            alt.Tooltip("x_text:N", title=x_title),
            alt.Tooltip("y_text:N", title=y_title),
        ],
    }
    if status:
        data["status_key"] = data[status].fillna("").replace("", "none")
        enc["color"] = alt.Color("status_key:N", scale=status_scale(), legend=None)
    data["name"] = [short(str(v)) for v in data[label]]
    data["place"] = label_places(data[x].astype(float), data[y].astype(float), data["name"],
                                 x_dom, y_dom)  # fmt: skip
    points = alt.Chart(data).mark_circle(size=90, opacity=0.8).encode(**enc)
    # the names in the theme's text colour, each on the side where it fits (a layer per
    # side: Vega-Lite has no per-point alignment)
    names = [
        alt.Chart(data)
        .transform_filter(alt.FieldEqualPredicate(field="place", equal=place))
        .mark_text(fontSize=11, color=ON_PAGE, **PLACES[place])
        .encode(x=enc["x"], y=enc["y"], text=alt.Text("name:N"))
        for place in PLACES
        if place in set(data["place"])
    ]
    refs = pd.DataFrame({"r": list(rules)})
    vrule = alt.Chart(refs).mark_rule(strokeDash=[4, 4], color=TARGET).encode(x=alt.X("r:Q"))
    hrule = alt.Chart(refs).mark_rule(strokeDash=[4, 4], color=TARGET).encode(y=alt.Y("r:Q"))
    chart = alt.layer(vrule, hrule, points, *names)
    return _finish(chart, lang, title, height=HEIGHT + 60)


def boxes(
    df: pd.DataFrame,
    *,
    category: str,
    lang: str,
    y_title: str,
    category_title: str,
    unit: str = "hours",
    title: str | None = None,
) -> Any:
    """A distribution per category from precomputed quantiles (no raw rows travel):
    whiskers from the 5th to the 95th percentile, the box from the 25th to the 75th, a
    tick at the median; min and max in the tooltip.

    Args:
        df: one row per category with ``n``, ``min``, ``p05``, ``p25``, ``p50``, ``p75``,
            ``p95`` and ``max``.
    """
    data = df.copy()
    stats = ("min", "p05", "p25", "p50", "p75", "p95", "max")
    for q in stats:
        data[f"{q}_text"] = _texts(data[q], unit, lang, "EUR")
    data["n_text"] = [fmt.number(v, lang) for v in data["n"]]
    x = alt.X(
        f"{category}:N", title=category_title, sort=list(data[category]),
        axis=alt.Axis(labelAngle=0, labelLimit=LABEL_LIMIT, labelOverlap=False),
    )  # fmt: skip
    tooltip = [
        alt.Tooltip(f"{category}:N", title=category_title),
        alt.Tooltip("n_text:N", title="n"),
        *[alt.Tooltip(f"{q}_text:N", title=q) for q in stats],
    ]
    base = alt.Chart().encode(x=x, tooltip=tooltip)  # the data once, on the layer
    whisker = base.mark_rule(color=TARGET).encode(
        y=alt.Y("p05:Q", title=y_title, axis=alt.Axis(format=_axis_format(unit))),
        y2=alt.Y2("p95:Q"),
    )
    box = base.mark_bar(size=28, color=POSITIVE, opacity=0.6).encode(
        y=alt.Y("p25:Q"), y2=alt.Y2("p75:Q")
    )
    median = base.mark_tick(size=28, thickness=2, color=TARGET).encode(y=alt.Y("p50:Q"))
    chart = alt.layer(whisker, box, median, data=data)
    return _finish(chart, lang, title, height=HEIGHT)


def grouped_lines(
    df: pd.DataFrame,
    *,
    labels: dict[str, str],
    unit: str,
    lang: str,
    y_title: str,
    currency: str = "EUR",
    title: str | None = None,
) -> Any:
    """Several KPIs over months on one axis (revenue vs cost): columns period, kpi, value."""
    data = df.copy()
    data["series"] = [labels.get(k, k) for k in data["kpi"]]
    return trend(
        data, unit=unit, lang=lang, y_title=y_title, series="series", currency=currency,
        title=title,
    )  # fmt: skip
