"""Chart builders, inspected through their Vega-Lite spec (no server, no browser)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from kpi.present import fmt
from ui import charts, chartview, placing


def _layers(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return spec.get("layer", [spec])


def _data(spec: dict[str, Any], chart: Any) -> list[dict[str, Any]]:
    """The rows of every dataset in the spec (Altair moves them to ``datasets``)."""
    rows: list[dict[str, Any]] = []
    for values in spec.get("datasets", {}).values():
        rows.extend(values)
    return rows


def test_trend_has_tooltips_in_the_language_and_a_target_rule() -> None:
    df = pd.DataFrame({"period": ["2024-01", "2024-02"], "value": [0.85, 0.92]})
    chart = charts.trend(df, unit="ratio", lang="es", y_title="CSAT", target=0.9,
                         target_label="Objetivo")  # fmt: skip
    spec = chart.to_dict()
    layers = _layers(spec)
    assert [layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]
            for layer in layers] == ["rule", "line"]  # fmt: skip
    rows = _data(spec, chart)
    # tooltips carry Babel text: 0.85 -> "85,0 %"
    assert {"85,0\xa0%", "92,0\xa0%"} <= {r.get("text") for r in rows}
    assert {"Objetivo"} <= {r.get("label") for r in rows}
    line = layers[1]
    assert [tip["field"] for tip in line["encoding"]["tooltip"]] == ["month_label", "text"]
    # Spanish month and number names for the axes
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_band_target_is_a_shaded_rectangle() -> None:
    df = pd.DataFrame({"period": ["2024-01"], "value": [0.8]})
    spec = charts.trend(df, unit="ratio", lang="en", y_title="U", target=(0.7, 0.85)).to_dict()
    rect = _layers(spec)[0]
    assert rect["mark"]["type"] == "rect"
    assert rect["encoding"]["y"]["field"] == "lo" and rect["encoding"]["y2"]["field"] == "hi"
    assert "locale" not in spec.get("config", {})  # English keeps Vega's defaults


def test_bars_use_the_shared_status_colours() -> None:
    df = pd.DataFrame({"client": ["A", "B", "C"], "value": [0.95, 0.85, None],
                       "status": ["ok", "warn", None]})  # fmt: skip
    spec = charts.bars(df, category="client", unit="ratio", lang="en", x_title="CSAT",
                       status="status", target=0.9, keep="highest").to_dict()  # fmt: skip
    bar = _layers(spec)[-1]
    scale = bar["encoding"]["color"]["scale"]
    assert scale["domain"] == ["ok", "warn", "bad", "none"]
    assert scale["range"] == [charts.STATUS_COLORS[s] for s in scale["domain"]]
    # an empty status is drawn grey ("none"), never dropped
    assert {r["status_key"] for r in _data(spec, None) if "status_key" in r} == {
        "ok",
        "warn",
        "none",
    }
    # the target of horizontal bars is a vertical rule (x)
    assert _layers(spec)[0]["encoding"]["x"]["field"] == "t"


def test_signed_bars_show_losses_in_red() -> None:
    df = pd.DataFrame({"client": ["A", "B"], "value": [1200.0, -300.0]})
    spec = charts.bars(df, category="client", unit="currency", lang="en", x_title="GM",
                       signed=True, keep="highest").to_dict()  # fmt: skip
    enc = _layers(spec)[-1]["encoding"]["color"]
    assert enc["scale"]["range"] == [charts.POSITIVE, charts.NEGATIVE]
    signs = {r["client"]: r["sign"] for r in _data(spec, None) if "sign" in r}
    assert signs == {"A": "gain", "B": "loss"}


def test_movements_draw_contraction_and_churn_below_zero() -> None:
    df = pd.DataFrame({
        "period": ["2024-01"] * 4,
        "kpi": ["mrr_new", "mrr_expansion", "mrr_contraction", "mrr_churn"],
        "value": [100.0, 50.0, 20.0, 80.0],
    })  # fmt: skip
    labels = {"mrr_new": "New", "mrr_expansion": "Expansion", "mrr_contraction": "Contraction",
              "mrr_churn": "Churn"}  # fmt: skip
    spec = charts.movements(df, labels=labels, lang="en", y_title="MRR").to_dict()
    signed = {r["kpi"]: r["signed"] for r in _data(spec, None)}
    assert signed == {"mrr_new": 100.0, "mrr_expansion": 50.0, "mrr_contraction": -20.0,
                      "mrr_churn": -80.0}  # fmt: skip
    assert spec["encoding"]["color"]["scale"]["domain"] == list(labels.values())


def test_heatmap_scatter_funnel_boxes_and_area_build() -> None:
    hm = pd.DataFrame({"technician": ["Ana", "Ana", "Luis"],
                       "period": ["2024-01", "2024-02", "2024-01"],
                       "value": [0.8, 0.9, 0.4], "status": ["ok", "warn", "bad"]})  # fmt: skip
    spec = charts.heatmap(hm, row="technician", unit="ratio", lang="en", value_title="U",
                          status="status", keep="ends").to_dict()  # fmt: skip
    assert [layer["mark"]["type"] for layer in _layers(spec)] == ["rect", "text"]

    sc = pd.DataFrame({"name": ["P1", "P2"], "cpi": [1.1, None], "spi": [0.8, 0.9]})
    spec = charts.scatter(sc, x="cpi", y="spi", label="name", lang="en", x_title="CPI",
                          y_title="SPI").to_dict()  # fmt: skip
    # a project without CPI is not drawn (undefined), the reference rules are at 1
    assert [r["name"] for r in _data(spec, None) if "name" in r] == ["P1"]

    fn = pd.DataFrame({"stage": ["Lead", "Proposal"], "value": [5000.0, 2000.0], "n": ["4", "2"]})
    spec = charts.funnel(fn, stage="stage", lang="en", x_title="Amount", stage_title="Stage",
                         extra=[("n", "Count")]).to_dict()  # fmt: skip
    assert spec["encoding"]["y"]["sort"] == ["Lead", "Proposal"]

    bx = pd.DataFrame({"priority": ["P1"], "min": [0.5], "p05": [1.0], "p25": [2.0],
                       "p50": [3.0], "p75": [5.0], "p95": [9.0], "max": [20.0],
                       "n": [12]})  # fmt: skip
    spec = charts.boxes(bx, category="priority", lang="en", y_title="Hours",
                        category_title="Priority").to_dict()  # fmt: skip
    assert [layer["mark"]["type"] for layer in _layers(spec)] == ["rule", "bar", "tick"]
    # whiskers p5..p95, the box p25..p75; min and max only in the tooltip
    whisker = _layers(spec)[0]["encoding"]
    assert (whisker["y"]["field"], whisker["y2"]["field"]) == ("p05", "p95")
    assert {"min_text", "max_text"} <= {t["field"] for t in whisker["tooltip"]}

    ar = pd.DataFrame({"period": ["2024-01"] * 3, "client": ["Other", "A", "B"],
                       "value": [5.0, 1.0, 2.0]})  # fmt: skip
    spec = charts.stacked_area(ar, series="client", unit="currency", lang="en", y_title="MRR",
                               series_title="Client", other="Other").to_dict()  # fmt: skip
    assert spec["encoding"]["y"]["stack"] == "zero"
    # the rest of the clients is the last band, in grey
    scale = spec["encoding"]["color"]["scale"]
    assert scale["domain"] == ["A", "B", "Other"]
    assert scale["range"][-1] == charts.OTHER


def _one_of_each() -> list[Any]:
    """A chart of every builder, in each of its forms (layered, with a target, a band)."""
    months = pd.DataFrame({"period": ["2024-01", "2024-02"], "value": [0.5, 0.7],
                           "s": ["a", "b"], "kpi": ["mrr_new", "mrr_churn"],
                           "technician": ["Ana", "Luis"], "status": ["ok", "bad"]})  # fmt: skip
    cats = pd.DataFrame({"client": ["A", "B"], "value": [0.5, -0.2], "status": ["ok", None]})
    bx = pd.DataFrame({"priority": ["P1"], "n": [3], **{q: [1.0] for q in
                       ("min", "p05", "p25", "p50", "p75", "p95", "max")}})  # fmt: skip
    return [
        charts.trend(months, unit="ratio", lang="es", y_title="Y", series="s", target=0.6),
        charts.trend(months, unit="ratio", lang="en", y_title="Y", target=(0.4, 0.6)),
        charts.bars(cats, category="client", unit="ratio", lang="en", x_title="X",
                    status="status", target=0.6, keep="lowest"),
        charts.bars(cats, category="client", unit="currency", lang="en", x_title="X",
                    target=(0.1, 0.2), signed=True, keep="ends"),
        charts.bars(cats, category="client", unit="hours", lang="en", keep="highest", x_title="X"),
        charts.stacked_area(months, series="s", unit="currency", lang="en", y_title="Y",
                            series_title="S", other="b"),
        charts.movements(months, labels={}, lang="en", y_title="Y"),
        charts.heatmap(months, row="technician", unit="ratio", lang="en", value_title="V",
                       status="status", keep="ends"),
        charts.heatmap(months, row="technician", unit="ratio", lang="en", value_title="V",
                       keep="lowest"),
        charts.funnel(cats.rename(columns={"client": "stage"}), stage="stage", lang="en",
                      x_title="X", stage_title="S"),
        charts.scatter(pd.DataFrame({"c": [1.0], "s": [0.9], "p": ["P"]}), x="c", y="s",
                       label="p", lang="en", x_title="C", y_title="S"),
        charts.boxes(bx, category="priority", lang="en", y_title="h", category_title="P"),
        charts.grouped_lines(months, labels={}, unit="ratio", lang="en", y_title=""),
    ]  # fmt: skip


def test_builders_pass_channel_objects_not_shorthand_strings(monkeypatch: Any) -> None:
    # Altair turns a shorthand string or alt.value() into a channel with from_dict, which
    # hashes its whole schema each time (about 8 ms a channel, on every rerun); layers of
    # one frame get it once, on the layer (else Altair hashes the frame's text to hoist it)
    import altair as alt

    made: list[str] = []
    real = alt.utils.schemapi._FromDict.__init__

    def counting(self: Any, *args: Any) -> None:
        made.append("from_dict")
        real(self, *args)

    hashed: list[str] = []
    real_hash = alt.Chart._compute_hash
    monkeypatch.setattr(alt.utils.schemapi._FromDict, "__init__", counting)
    monkeypatch.setattr(alt.Chart, "_compute_hash", lambda c: hashed.append("h") or real_hash(c))
    built = _one_of_each()
    assert made == [] and hashed == []
    for chart in built:
        chart.to_dict(validate=True)  # each is valid Vega-Lite


def test_show_sends_what_st_altair_chart_sends_without_validating_it(monkeypatch: Any) -> None:
    """The spec chartview.show gives st.vega_lite_chart is the one st.altair_chart makes of
    the chart (Streamlit's own conversion), its tables the same Arrow bytes under the same
    names; made without validating it, and leaving the chart as it was."""
    import altair as alt
    from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

    validated: list[object] = []
    real = alt.utils.schemapi.validate_jsonschema
    monkeypatch.setattr(
        alt.utils.schemapi,
        "validate_jsonschema",
        lambda *a, **k: validated.append(1) or real(*a, **k),
    )
    # as app.py sets them: no validation as objects are made, Streamlit's theme
    with alt.utils.schemapi.debug_mode(False), alt.theme.enable("none"):
        for chart in _one_of_each():
            before = chart.to_dict(validate=False)
            validated.clear()
            ours = chartview.vega_spec(chart)
            assert validated == []
            assert chart.to_dict(validate=False) == before  # its own tables again
            theirs = _convert_altair_to_vega_lite_spec(chart)
            assert validated  # Streamlit's conversion validates
            assert ours == theirs
            assert ours["datasets"] and all(isinstance(b, bytes) for b in ours["datasets"].values())
    assert sum(len(chartview.parts(c)) > 1 for c in _one_of_each()) >= 5  # layered ones too


def test_a_bar_chart_keeps_the_bars_its_height_holds_and_says_which() -> None:
    # 100 clients C00..C99 with values 0.00..0.99 (in reverse order, to see the order kept)
    df = pd.DataFrame({"client": [f"C{i:02d}" for i in range(99, -1, -1)],
                       "value": [i / 100 for i in range(99, -1, -1)]})  # fmt: skip

    def drawn(keep: str, lang: str = "en", frame: pd.DataFrame = df) -> tuple[list[str], Any]:
        spec = charts.bars(frame, category="client", unit="ratio", lang=lang, x_title="X",
                           title="T", keep=keep).to_dict()  # fmt: skip
        clients = [r["client"] for r in _data(spec, None)]
        return clients, spec["title"]

    assert charts.MAX_BARS == 30
    lowest, title = drawn("lowest")
    assert lowest == [f"C{i:02d}" for i in range(29, -1, -1)]  # the input's order
    assert title == {"text": "T", "subtitle": "The 30 lowest of 100"}
    highest, title = drawn("highest")
    assert highest == [f"C{i:02d}" for i in range(99, 69, -1)]
    assert title["subtitle"] == "The 30 highest of 100"
    ends, title = drawn("ends", "es")
    assert ends == [f"C{i:02d}" for i in [*range(99, 84, -1), *range(14, -1, -1)]]
    assert title["subtitle"] == "Los 15 más bajos y los 15 más altos de 100"
    # rows without a value draw no bar: 20 with one are all there is to draw
    sparse = df.assign(value=[v if i % 5 == 0 else None for i, v in enumerate(df["value"])])
    kept, title = drawn("lowest", frame=sparse)
    assert len(kept) == 20 and title == "T"
    # up to 30 rows: all of them, the empty ones too, and no subtitle
    few, title = drawn("lowest", frame=sparse.head(30))
    assert few == list(sparse.head(30)["client"]) and title == "T"
    with pytest.raises(ValueError, match="keep must be one of"):
        drawn("middle")


def test_bar_tooltip_columns_are_written_for_the_bars_kept() -> None:
    # a (column, title, format) extra: its values written by format, for the 30 bars
    # kept only; a (column, title) extra as it is
    df = pd.DataFrame({"client": [f"C{i:02d}" for i in range(100)],
                       "value": [i / 100 for i in range(100)],
                       "n": [float(i * 1000) for i in range(100)],
                       "note": [f"note {i}" for i in range(100)]})  # fmt: skip
    written: list[float] = []

    def count(v: float) -> str:
        written.append(v)
        return fmt.number(v, "es")

    spec = charts.bars(df, category="client", unit="ratio", lang="es", x_title="X",
                       keep="highest", extra=[("n", "Respuestas", count),
                                              ("note", "Nota")]).to_dict()  # fmt: skip
    rows = _data(spec, None)
    assert sorted(written) == [float(i * 1000) for i in range(70, 100)]
    assert {r["client"]: (r["n"], r["note"]) for r in rows}["C85"] == ("85.000", "note 85")
    tips = _layers(spec)[-1]["encoding"]["tooltip"]
    assert [(tip["field"], tip["title"]) for tip in tips][2:] == [
        ("n", "Respuestas"),
        ("note", "Nota"),
    ]


def test_a_heatmap_keeps_the_rows_its_height_holds_ranked_by_their_mean() -> None:
    # 40 technicians T00..T39 over two months; T{i}'s months are i/100 and i/100 + 0.02,
    # so its mean is i/100 + 0.01 and the ranking is by i
    rows = [(f"T{i:02d}", p, i / 100 + (0.02 if p == "2024-02" else 0.0))
            for i in range(40) for p in ("2024-01", "2024-02")]  # fmt: skip
    df = pd.DataFrame(rows, columns=["technician", "period", "value"])
    spec = charts.heatmap(df, row="technician", unit="ratio", lang="en", value_title="U",
                          title="T", keep="ends").to_dict()  # fmt: skip
    shown = sorted({r["technician"] for r in _data(spec, None)})
    assert shown == [f"T{i:02d}" for i in [*range(15), *range(25, 40)]]
    assert spec["title"] == {"text": "T", "subtitle": "The 15 lowest and the 15 highest of 40"}
    few = df[df["technician"] < "T30"]  # 30 rows: all of them, no subtitle
    spec = charts.heatmap(few, row="technician", unit="ratio", lang="en", value_title="U",
                          title="T", keep="ends").to_dict()  # fmt: skip
    assert len({r["technician"] for r in _data(spec, None)}) == 30 and spec["title"] == "T"


def test_every_builder_sets_height_title_and_locale_at_the_top() -> None:
    """Height, title and the Spanish locale land on the top-level chart (layered or not);
    the heights are the builders' own: 300 px, or 90 px of axes plus a band per row."""
    monthly = pd.DataFrame({"period": ["2024-01", "2024-02"], "value": [1.0, 2.0],
                            "kpi": ["a", "a"], "client": ["A", "A"]})  # fmt: skip
    rows = pd.DataFrame({"client": ["A", "B", "C"], "value": [1.0, 2.0, 3.0]})
    grid = pd.DataFrame({"technician": ["Ana", "Luis", "Eva", "Ana"],
                         "period": ["2024-01"] * 3 + ["2024-02"], "value": [0.1] * 4})  # fmt: skip
    stats = ("min", "p05", "p25", "p50", "p75", "p95", "max")
    quantiles = pd.DataFrame({"p": ["P1"], "n": [1], **{q: [1.0] for q in stats}})
    points = pd.DataFrame({"name": ["P1"], "cpi": [1.1], "spi": [0.8]})
    movement = pd.DataFrame({"period": ["2024-01"], "kpi": ["mrr_new"], "value": [1.0]})
    c = {"lang": "es", "title": "T"}
    built = [
        (charts.trend(monthly, unit="count", y_title="Y", target=1.5, **c), 300),
        (charts.grouped_lines(monthly, labels={}, unit="count", y_title="Y", **c), 300),
        (charts.stacked_area(monthly, series="client", unit="currency", y_title="Y",
                             series_title="S", **c), 300),
        (charts.movements(movement, labels={}, y_title="Y", **c), 300),
        # 3 rows: 90 + 28 x 3
        (charts.bars(rows, category="client", unit="count", x_title="X", target=2.0,
                     keep="lowest", **c), 174),
        # 3 technicians: 90 + 32 x 3
        (charts.heatmap(grid, row="technician", unit="ratio", value_title="V", keep="ends",
                        **c), 186),
        # 3 stages: 90 + 36 x 3
        (charts.funnel(rows, stage="client", x_title="X", stage_title="S", **c), 198),
        (charts.scatter(points, x="cpi", y="spi", label="name", x_title="X", y_title="Y",
                        **c), 360),
        (charts.boxes(quantiles, category="p", y_title="Y", category_title="P", **c), 300),
    ]  # fmt: skip
    for chart, height in built:
        spec = chart.to_dict()
        assert (spec["height"], spec["title"]) == (height, "T"), spec.get("mark")
        assert spec["config"]["locale"]["number"]["decimal"] == ","
        assert all("height" not in layer and "config" not in layer
                   for layer in spec.get("layer", [])), spec["layer"]  # fmt: skip


# ------------------------------------------------------------------ issue 22: readable charts


def _walk(node: Any) -> list[tuple[str, Any]]:
    """Every (key, value) pair of a spec, at any depth."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for k, v in node.items():
            found.append((k, v))
            found += _walk(v)
    elif isinstance(node, list):
        for v in node:
            found += _walk(v)
    return found


def test_no_chart_writes_black_or_white_on_the_page() -> None:
    # dark mode: the theme colours text and axes; a black or white colour in a spec
    # would vanish on one of the two backgrounds. Text on a heatmap's cells is the one
    # fixed dark colour (on cells of fixed light colours)
    dark_or_light = {"black", "white", "#000", "#000000", "#fff", "#ffffff"}
    for chart in _one_of_each():
        spec = chart.to_dict()
        colours = [str(v).lower() for k, v in _walk(spec)
                   if k in ("color", "fill", "stroke") and isinstance(v, str)]  # fmt: skip
        assert not dark_or_light & set(colours), colours
        for layer in _layers(spec):
            mark = layer.get("mark", {})
            if isinstance(mark, dict) and mark.get("type") == "text":
                # text marks get an explicit colour: Streamlit's theme leaves them black
                assert mark.get("color") in (charts.ON_PAGE, charts.ON_CELL), mark


def test_the_app_follows_the_browsers_light_or_dark_preference() -> None:
    import tomllib
    from pathlib import Path

    config = tomllib.loads(
        (Path(__file__).resolve().parent.parent / ".streamlit" / "config.toml").read_text()
    )
    # no theme locked: Streamlit then follows prefers-color-scheme
    assert "base" not in config.get("theme", {})


def test_every_bar_keeps_its_name() -> None:
    # Vega drops names it finds overlapping (one of three clients' went missing)
    rows = pd.DataFrame({"client": ["Contoso Iberia S.A.", "Talleres Núñez S.A.", "Coop"],
                         "value": [8.0, 5.0, 3.0]})  # fmt: skip
    bar = charts.bars(rows, category="client", unit="count", lang="en", x_title="X",
                      keep="highest").to_dict()  # fmt: skip
    assert bar["encoding"]["y"]["axis"]["labelOverlap"] is False
    hm = pd.DataFrame({"technician": ["Ana", "Luis"], "period": ["2024-01", "2024-02"],
                       "value": [0.5, 0.6]})  # fmt: skip
    spec = charts.heatmap(hm, row="technician", unit="ratio", lang="en", value_title="U",
                          keep="ends").to_dict()  # fmt: skip
    cells = _layers(spec)[0]["encoding"]
    assert cells["y"]["axis"]["labelOverlap"] is False
    # month names centred under their cells
    assert cells["x"]["axis"]["labelAlign"] == "center"


def test_a_rate_of_few_events_a_month_is_points_not_a_line() -> None:
    # renewals: 100% in January, none due in February, 0% in March: no line through
    # February from 100 down to 0
    months = pd.DataFrame({"period": ["2024-01", "2024-03", "2024-04"], "value": [1.0, 0.0, 1.0]})
    spec = charts.trend(months, unit="ratio", lang="en", y_title="Renewal rate", target=0.9,
                        joined=False).to_dict()  # fmt: skip
    marks = [layer["mark"]["type"] for layer in _layers(spec)]
    assert marks == ["rule", "point"]
    joined = charts.trend(months, unit="ratio", lang="en", y_title="CSAT").to_dict()
    assert joined["mark"]["type"] == "line"


def test_scatter_names_stay_inside_and_apart() -> None:
    # the portfolio of the sample: two projects close together at the bottom, one at the
    # right edge. No name runs out of the plot, none covers another
    xs = pd.Series([0.72, 1.14, 1.80, 2.25, 0.91, 1.03])
    ys = pd.Series([1.05, 1.02, 1.05, 1.04, 0.70, 0.69])
    names = pd.Series(["Migración del ERP a la nube", "Migración a Microsoft 365",
                       "Renovación de servidores", "Renovación de firewall y VPN",
                       "Despliegue Wi-Fi en naves", "Implantación del software d…"])  # fmt: skip
    x_dom, y_dom = placing.domain(xs, (1.0,)), placing.domain(ys, (1.0,))
    places = placing.label_places(xs, ys, names, x_dom, y_dom)
    assert places[3] == "left"  # at the right edge: its name goes left
    assert places[4] != places[5] or places[4] not in ("right", "left")
    # the chart draws each name on its side, on the domain the places were worked on
    df = pd.DataFrame({"p": names, "cpi": xs, "spi": ys})
    spec = charts.scatter(df, x="cpi", y="spi", label="p", lang="en", x_title="C",
                          y_title="S").to_dict()  # fmt: skip
    texts = [layer for layer in _layers(spec) if layer["mark"]["type"] == "text"]
    assert {t["transform"][0]["filter"]["equal"] for t in texts} == set(places)
    assert spec["layer"][2]["encoding"]["x"]["scale"]["domain"] == list(x_dom)
    long = placing.short("Implantación del software de gestión documental")
    assert len(long) == placing.NAME_LIMIT and long.endswith("…")
