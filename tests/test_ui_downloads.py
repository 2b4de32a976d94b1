"""CSV dialects, BOM, formula-injection safety and the Excel workbook."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from kpi.report import to_csv_text
from ui import downloads

BOM = "\ufeff"


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi": ["csat", "gross_margin_pct", "utilization"],
            "client": ['=HYPERLINK("http://x")', "Núñez; Hijos", None],
            "value": [0.1 + 0.2, -0.25, float("nan")],
            "numerator": [41.0, 1234.5, None],
            "target": [0.9, 0.4, "0.7..0.85"],
        }
    )


def test_english_dialect_is_the_cli_csv_with_a_bom() -> None:
    df = _frame()
    text = downloads.csv_bytes(df, downloads.dialect_for("en")).decode("utf-8")
    assert text.startswith(BOM)
    # same cells as the CLI writer (which quotes differently only where both may)
    import csv

    ours = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    cli = list(csv.reader(io.StringIO(to_csv_text(df))))
    assert ours == cli
    # full precision, no rounding: 0.1 + 0.2 is written as Python/Arrow show it
    assert ours[1][2] == "0.30000000000000004"


def test_spanish_dialect_uses_semicolons_and_decimal_commas() -> None:
    text = downloads.csv_bytes(_frame(), downloads.dialect_for("es")).decode("utf-8")
    lines = text.removeprefix(BOM).splitlines()
    assert lines[0] == "kpi;client;value;numerator;target"
    # the formula gets a leading quote (and CSV quoting, for its quotes); 41.0 -> 41
    assert lines[1] == 'csat;"\'=HYPERLINK(""http://x"")";0,30000000000000004;41;0,9'
    # a name with the delimiter is quoted; -0.25 -> -0,25; 1234.5 -> 1234,5 (no grouping)
    assert lines[2] == 'gross_margin_pct;"Núñez; Hijos";-0,25;1234,5;0,4'
    # empty for None and NaN; a band target stays text
    assert lines[3] == "utilization;;;;0.7..0.85"


def test_the_dialect_can_be_chosen_against_the_language() -> None:
    assert downloads.dialect_for("es", "comma").delimiter == ","
    assert downloads.dialect_for("en", "semicolon").decimal == ","
    assert downloads.dialect_for("en", None).delimiter == ","


def test_cells() -> None:
    assert downloads.cell_text(True) == "true"
    assert downloads.cell_text(12.0) == "12"
    assert downloads.cell_text(-5) == "-5"  # a number, not text: no quote
    assert downloads.cell_text("-5") == "'-5"  # text that looks like a formula
    assert downloads.cell_text((0.7, 0.85)) == "0.7..0.85"
    assert downloads.cell_text(0.5, ",") == "0,5"


def test_workbook_sheets_are_valid_unique_and_safe() -> None:
    sheets = {
        "Contracts & devices": _frame(),
        "Contracts & devices ": _frame(),  # the same name after trimming: made unique
        "A/B: [x]*?": pd.DataFrame({"n": [1, 2]}),
        "x" * 40: pd.DataFrame({"n": [3]}),
    }
    wb = openpyxl.load_workbook(io.BytesIO(downloads.excel_bytes(sheets)))
    names = wb.sheetnames
    assert names[0] == "Contracts & devices"
    assert names[1] == "Contracts & devices (2)"
    # "A/B: [x]*?": each of / : [ ] * ? becomes a space -> "A B   x   " -> trimmed
    assert names[2] == "A B   x"
    assert len(names[3]) == 31
    ws = wb[names[0]]
    assert ws["B2"].value == '\'=HYPERLINK("http://x")'  # text, not a formula
    assert ws["B2"].data_type == "s"
    assert ws["C3"].value == -0.25  # numbers stay numbers
    assert ws["E4"].value == "0.7..0.85"


def _page_table() -> downloads.Table:
    """A clients x KPIs table as a page shows it: a margin of 0.3546 shows as 35.5 %,
    MRR 19,545.51 as €19,546 and 671 as €671.00."""
    from datetime import date

    frame = pd.DataFrame(
        {
            "Client": ["Acme", "Beta"],
            "Gross margin": [0.3546, float("nan")],
            "MRR": [19545.510000000002, 671.0],
            "Due": [date(2026, 3, 5), None],
        }
    )
    return downloads.Table(
        "Summary table", frame, {"Gross margin": "ratio", "MRR": "currency", "Due": "date"}
    )


def test_a_pages_table_is_written_rounded_as_shown_with_units_in_the_headers() -> None:
    shown = downloads.as_shown(_page_table(), "en", "EUR")
    assert list(shown.columns) == ["Client", "Gross margin (%)", "MRR (EUR)", "Due"]
    assert shown["Gross margin (%)"].tolist()[0] == 35.5
    assert shown["MRR (EUR)"].tolist() == [19546.0, 671.0]
    text = downloads.table_csv(_page_table(), downloads.dialect_for("es"), "es", "EUR")
    lines = text.decode("utf-8").removeprefix(BOM).splitlines()
    assert lines[0] == "Client;Gross margin (%);MRR (EUR);Due"
    assert lines[1] == "Acme;35,5;19546;2026-03-05"  # not 0,3546 nor 19545,510000000002
    assert lines[2] == "Beta;;671;"


def test_a_summary_with_one_kpi_a_row_rounds_each_row_in_its_unit() -> None:
    frame = pd.DataFrame({"KPI": ["Margin", "MRR", "Utilisation"], "Value": [0.3545, 1234.567, 0.8],
                          "Target": [0.4, None, (0.7, 0.85)]})  # fmt: skip
    units = ["ratio", "currency", "ratio"]
    shown = downloads.as_shown(
        downloads.Table("s", frame, {"Value": units, "Target": units}), "en", "EUR"
    )
    assert shown["Value"].tolist() == [35.4, 1235.0, 80.0]  # the page: 35.4%, €1,235, 80.0%
    assert shown["Target"].tolist()[0] == 40.0
    assert shown["Target"].tolist()[2] == "70..85"


def test_the_workbook_has_the_pages_tables_with_number_formats() -> None:
    sheets = {"Summary table": _page_table(), "All KPIs": _frame()}
    book = openpyxl.load_workbook(io.BytesIO(downloads.excel_bytes(sheets, "en", "EUR")))
    assert book.sheetnames == ["Summary table", "All KPIs"]
    ws = book["Summary table"]
    assert ws.freeze_panes == "A2"
    # full precision in the cell, the page's look from the format
    assert ws["B2"].value == 0.3546 and ws["B2"].number_format == "0.0%"
    assert abs(ws["C2"].value - 19545.51) < 1e-9
    assert ws["C2"].number_format == '#,##0.00 "€"'
    assert ws["D2"].is_date and ws["D2"].number_format == "yyyy-mm-dd"
    assert ws["A2"].number_format == "General"  # text untouched
    # columns as wide as their header or longest cell
    assert ws.column_dimensions["B"].width == len("Gross margin") + 2
    spanish = openpyxl.load_workbook(io.BytesIO(downloads.excel_bytes(sheets, "es", "USD")))
    assert spanish["Summary table"]["D2"].number_format == "dd/mm/yyyy"
    assert spanish["Summary table"]["C2"].number_format == '#,##0.00 "US$"'


def test_rounding_is_the_pages_rounding() -> None:
    # the CSV's number is the page's text without its symbol, including ties (Babel:
    # half to even on the float's decimal text)
    from kpi.present import fmt

    for v in (0.3545, 0.3555, 0.125, 0.0005, 0.99995, 1.0):
        page = fmt.percent(v, "en").removesuffix("%")
        assert f"{downloads.shown_number(v, 'ratio'):.1f}" == page
    for v in (0.125, 2.675, 999.995, 1234.5, -0.005, 19545.510000000002):
        page = fmt.currency(v, "en").replace("€", "").replace(",", "")
        shown = downloads.shown_number(v, "currency")
        assert (f"{shown:.2f}" if abs(v) < 1000 else f"{shown:.0f}") == page
