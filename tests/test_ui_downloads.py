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
