"""The "Check the numbers" panel's texts and tables (ui.dataview), in both languages,
from hand-made summaries."""

from __future__ import annotations

from datetime import date

from kpi.load.summary import DatasetSummary, Money, Span, UsedLine, ValueCounts
from ui import dataview

DEVICES = DatasetSummary(
    "devices",
    rows=1500,
    span=Span("last_seen", "last_seen", date(2024, 5, 30), date(2024, 6, 30), 1200),
    clients=3,
    no_client=0,
    used=(UsedLine("active", 1, "count", "load.check.devices.active"),),
    as_of=date(2024, 6, 30),
)
OPPORTUNITIES = DatasetSummary(
    "opportunities",
    rows=4,
    clients=2,
    no_client=1,
    statuses=(ValueCounts("stage", (("Won", 2), (None, 1)), other_rows=1, other_values=1),),
    money=(Money("amount", "EUR", 1234.5, 2), Money("amount", None, 1000.0, 1)),
)


def test_facts_name_the_dates_and_the_people() -> None:
    assert dataview.check_facts(DEVICES, "en") == [
        "Dates (last_seen): May 30, 2024 – Jun 30, 2024 (1,200 rows without last_seen)",
        "Clients: 3",
    ]
    assert dataview.check_facts(DEVICES, "es") == [
        "Fechas (last_seen): 30 may 2024 – 30 jun 2024 (1.200 filas sin last_seen)",
        "Clientes: 3",
    ]
    assert dataview.check_facts(OPPORTUNITIES, "en") == ["Clients: 2 · rows without a client: 1"]


def test_the_sentence_and_used_lines_write_dates_as_the_app_does() -> None:
    assert dataview.check_sentence(DEVICES, "en") == "1,500 devices: 1 active on Jun 30, 2024"
    assert dataview.check_sentence(DEVICES, "es") == "1.500 equipos: 1 activo a 30 jun 2024"
    assert dataview.check_used(DEVICES, "es") == ["1 activo a 30 jun 2024"]


def test_rows_by_value_with_the_empty_value_and_the_rest() -> None:
    (stage,) = OPPORTUNITIES.statuses
    en = dataview.value_counts_frame(stage, "en")
    assert en.to_dict("list") == {
        "Value": ["Won", "(empty)", "other (1 value)"],
        "Rows": ["2", "1", "1"],
    }
    es = dataview.value_counts_frame(stage, "es")
    assert es.to_dict("list") == {
        "Valor": ["Won", "(vacío)", "otros (1 valor)"],
        "Filas": ["2", "1", "1"],
    }


def test_money_per_currency_never_mixes_them() -> None:
    en = dataview.money_frame(OPPORTUNITIES, "en")
    assert en.to_dict("list") == {
        "Column": ["amount", "amount"],
        "Currency": ["EUR", "currency not given"],
        "Total": ["€1,234.50", "1,000.00"],
        "Rows": ["2", "1"],
    }
    es = dataview.money_frame(OPPORTUNITIES, "es")
    assert es.to_dict("list") == {
        "Columna": ["amount", "amount"],
        "Moneda": ["EUR", "moneda no indicada"],
        "Total": ["1.234,50\xa0€", "1.000,00"],
        "Filas": ["2", "1"],
    }
