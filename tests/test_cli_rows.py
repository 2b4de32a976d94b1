"""``python -m kpi rows KPI INPUT... [options]`` (docs/CLI.md): every row behind a KPI's
number, as CSV on stdout or an .xlsx, with the report's options; the sums on stderr equal
the report's numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest

from kpi.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = str(ROOT / "sample_data")
Q1 = ["--start", "2026-01-01", "--end", "2026-03-31"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _report_cell(argv: list[str], kpi: str, col: str, capsys: pytest.CaptureFixture[str]) -> float:
    code, out, _ = run(["report", SAMPLE, *argv], capsys)
    assert code == 0
    report = pd.read_csv(io.StringIO(out))
    return float(report[report["kpi"] == kpi].iloc[0][col])


def test_rows_csv_on_stdout_sum_to_the_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["rows", "sla_rate", SAMPLE, *Q1], capsys)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0])[:2] == ["ticket_id", "sla_met"]
    numerator = sum(float(r["numerator"]) for r in rows)
    denominator = sum(float(r["denominator"]) for r in rows)
    assert numerator == _report_cell(Q1, "sla_rate", "numerator", capsys)
    assert denominator == _report_cell(Q1, "sla_rate", "denominator", capsys)
    assert f"sla_rate: {len(rows):,} tickets; numerator = sum of numerator" in err


def test_rows_of_one_client_and_month_to_xlsx(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = "Northwind Traders Ltd"
    out = tmp_path / "rows.xlsx"
    argv = [*Q1, "--client", client, "--month", "2026-02", "--out", str(out), "--lang", "es"]
    code, stdout, err = run(["rows", "revenue", SAMPLE, *argv], capsys)
    assert code == 0 and stdout == ""
    table = pd.read_excel(out, sheet_name="rows")
    assert set(table["client"]) == {client}
    assert set(pd.to_datetime(table["date"]).dt.strftime("%Y-%m")) == {"2026-02"}
    by_month = [*Q1, "--client", client, "--by", "month"]
    code, report_out, _ = run(["report", SAMPLE, *by_month], capsys)
    report = pd.read_csv(io.StringIO(report_out))
    want = report[(report["kpi"] == "revenue") & (report["period"] == "2026-02")]["value"]
    assert table["value"].sum() == pytest.approx(float(want.iloc[0]), rel=1e-12)
    assert "líneas de factura; value = suma de value" in err


def test_rows_are_never_capped(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rows", "tickets_opened", SAMPLE], capsys)
    assert code == 0
    opened = _report_cell([], "tickets_opened", "value", capsys)
    assert len(out.splitlines()) - 1 == opened > 1000


def test_rows_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["rows", "sla", SAMPLE], capsys)
    assert code == 2 and err.startswith("error: unknown KPI 'sla'")
    code, _, err = run(["rows", "sla_rate", SAMPLE, "--month", "feb"], capsys)
    assert code == 2 and "YYYY-MM" in err
    # docs/DETAILS.md 8: no utilisation under a client filter
    code, _, err = run(["rows", "utilization", SAMPLE, "--client", "Northwind"], capsys)
    assert code == 2 and "utilization: not computed under this filter" in err
    code, _, err = run(["rows", "revenue", SAMPLE, "--client", "nobody"], capsys)
    assert code == 0 and "note: no loaded client matches 'nobody'" in err


def test_rows_too_many_for_an_excel_sheet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import kpi.cli

    monkeypatch.setattr(kpi.cli, "XLSX_ROWS", 10)
    out = tmp_path / "rows.xlsx"
    code, _, err = run(["rows", "tickets_opened", SAMPLE, "--out", str(out)], capsys)
    assert code == 2 and "rows do not fit an Excel sheet (10 at most): write them as .csv" in err
    assert not out.exists()
