"""The app's pieces of the rows behind a number (issue 21) without a server: a chart made
clickable, the clicked mark read back, and what the rows' caption says."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from kpi.query.periods import Period
from kpi.report import RowsResult
from ui import charts, chartview, rowsview

BARS = pd.DataFrame({"client": ["A", "B"], "value": [0.8, 0.95], "status": ["bad", "ok"]})


def test_selectable_puts_the_click_on_the_bars_not_the_target_rule() -> None:
    chart = charts.bars(BARS, category="client", unit="ratio", lang="en", x_title="CSAT",
                        status="status", target=0.9, keep="lowest")  # fmt: skip
    spec = chartview.selectable(chart, "client", rowsview.PICK).to_dict()  # validated
    # Altair lifts a layer's selection to the top, naming the layer it listens to
    rule, bars = spec["layer"]
    (pick,) = spec["params"]
    assert pick["select"] == {"type": "point", "fields": ["client"], "on": "click"}
    assert pick["name"] == "pick" and pick["views"] == [bars["name"]]
    assert bars["mark"]["type"] == "bar" and "name" not in rule
    # the picked bar stays, the others fade
    assert bars["encoding"]["opacity"] == {
        "condition": [{"param": "pick", "value": 1.0}],
        "value": 0.4,
    }
    trend = charts.trend(pd.DataFrame({"period": ["2026-01", "2026-02"], "value": [1.0, 2.0]}),
                         unit="count", lang="es", y_title="n")  # fmt: skip
    assert chartview.selectable(trend, "period", "pick").to_dict()["params"][0]["name"] == "pick"
    with pytest.raises(ValueError, match="no layer"):
        chartview.selectable(chart, "month", "pick")


def test_picked_reads_the_clicked_mark() -> None:
    event = SimpleNamespace(selection={"pick": [{"client": "Café Núñez S.L."}]})
    assert rowsview.picked(event, "client") == "Café Núñez S.L."
    assert rowsview.picked(SimpleNamespace(selection={"pick": []}), "client") is None
    assert rowsview.picked(None, "client") is None


def _result(kind: str, table: pd.DataFrame, sums: dict[str, str]) -> RowsResult:
    return RowsResult(kpi={"ratio": "sla_rate", "sum": "revenue", "median":
                           "median_resolution_hours"}[kind], label="x", kind=kind,
                      table=table, sums=sums, what="tickets",
                      period=Period(*(pd.Timestamp("2026-01-01").date(),) * 3))  # fmt: skip


def test_the_caption_says_how_the_rows_make_the_number() -> None:
    fraction = _result("ratio", pd.DataFrame({"numerator": [1, 0, 1], "denominator": [1] * 3}),
                       {"numerator": "numerator", "denominator": "denominator"})  # fmt: skip
    assert rowsview.sums_text(fraction, "en", "EUR") == (
        "3 tickets. The numerator column adds up to 2 and the denominator column to 3: the "
        "number's parts."
    )
    money = _result("sum", pd.DataFrame({"value": [1200.5, 300.0]}), {"value": "value"})
    assert rowsview.sums_text(money, "es", "EUR").startswith("2 tickets. La columna value suma")
    assert "suma 1.500 €" in rowsview.sums_text(money, "es", "EUR").replace("\u00a0", " ")
    median = _result("median", pd.DataFrame({"value": [1.0, 5.0]}), {"value": "value"})
    assert rowsview.sums_text(median, "en", "EUR") == (
        "2 tickets. The number is the median of the value column."
    )


def test_more_rows_than_an_excel_sheet_go_on_more_sheets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rowsview, "SHEET_ROWS", 2)
    table = pd.DataFrame({"ticket_id": ["a", "b", "c", "d", "e"]})
    sheets = rowsview.excel_sheets("sla_rate", table)
    assert list(sheets) == ["sla_rate", "sla_rate (2)", "sla_rate (3)"]
    assert pd.concat(sheets.values())["ticket_id"].tolist() == list("abcde")
    assert list(rowsview.excel_sheets("csat", table.head(2))) == ["csat"]
