"""``--currency`` and ``--rates`` of ``python -m kpi report|alerts`` (issue 18): several
currencies need a report currency; bad options and rate files exit 2 with one line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from kpi.cli import main

# A Salesforce-like export: one deal in each of MXN, COP, PEN and two in USD, all open.
OPPS = (
    "Opportunity ID,Account Name,Stage,Amount,CurrencyIsoCode,Created Date\n"
    "006A,Acme,Prospecting,1000,MXN,2024-01-10\n"
    "006B,Beta,Prospecting,250000,COP,2024-01-12\n"
    "006C,Gamma,Prospecting,300,USD,2024-01-15\n"
    "006D,Delta,Prospecting,400,PEN,2024-02-01\n"
    "006E,Delta,Qualification,500,USD,2024-02-03\n"
)
PERIOD = ["--start", "2024-01-01", "--end", "2024-03-31", "--as-of", "2024-03-31"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def opps(tmp_path: Path) -> Path:
    path = tmp_path / "opps.csv"
    path.write_text(OPPS, encoding="utf-8")
    return path


def value(out: str, kpi: str) -> str:
    (row,) = [r for r in csv.DictReader(io.StringIO(out)) if r["kpi"] == kpi and not r["client"]]
    return row["value"]


def test_several_currencies_without_currency_exit_2_naming_them(
    opps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in ("report", "alerts"):
        code, out, err = run([command, str(opps), *PERIOD], capsys)
        assert code == 2 and out == ""
        (line,) = err.splitlines()
        assert line.startswith("error: the amounts are in several currencies (COP, MXN, PEN, USD")
        assert "--currency CODE" in line and "--rates FILE.csv" in line


def test_a_report_currency_leaves_the_others_out_and_says_so(
    opps: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["report", str(opps), *PERIOD, "--currency", "usd"], capsys)
    assert code == 0
    assert value(out, "pipeline_count") == "5"
    assert value(out, "pipeline_amount") == "800"  # 300 + 500 (USD); the rest has no rate
    assert "note: pipeline_amount: 3 of 5 open opportunities have no known amount" in err
    assert "note: opportunities: 1 amount in COP, no rate to USD: add one in Settings" in err


def test_rates_convert_the_other_currencies(
    opps: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rates = tmp_path / "rates.csv"
    rates.write_text("currency,rate\nMXN,0.05\nCOP,0.00025\nPEN,0.27\n", encoding="utf-8")
    argv = ["report", str(opps), *PERIOD, "--currency", "USD", "--rates", str(rates)]
    code, out, err = run(argv, capsys)
    assert code == 0
    # 300 + 500 + 1000 x 0.05 + 250000 x 0.00025 + 400 x 0.27 = 800 + 50 + 62.5 + 108
    assert float(value(out, "pipeline_amount")) == pytest.approx(1020.5)
    assert "no rate" not in err
    assert "amounts converted to USD with your exchange rates" in err


def test_one_currency_needs_no_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "opps.csv"
    # the currency in the cell of one row, in the column of the other: MXN only
    path.write_text(
        "Opportunity ID,Amount,Currency,Created Date\n"
        "O1,MXN 100,,2024-01-10\n"
        "O2,20,MXN,2024-01-11\n",
        encoding="utf-8",
    )
    code, out, err = run(["report", str(path), *PERIOD], capsys)
    assert code == 0 and value(out, "pipeline_amount") == "120"
    # nothing about money to say (the one line left: the period starts before the data)
    assert err.splitlines() == [
        "note: the period 2024-01-01..2024-03-31 starts before the data begins (2024-01-10):"
        " nothing before that day is in the data"
    ]


@pytest.mark.parametrize(
    ("rates", "message"),
    [
        ("currency,rate\nMXN,0.05\nCOP,lots\n", "row 3: the rate 'lots' of COP is not a positive"),
        ("moneda,tipo\nMXN,0.05\n", "the first row must be the header currency,rate"),
        ("currency,rate\nUSD,2\n", "row 2: USD is the report currency; its rate is 1"),
    ],
)
def test_a_bad_rates_file_exits_2_naming_the_row(
    opps: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], rates: str, message: str
) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(rates, encoding="utf-8")
    argv = ["report", str(opps), *PERIOD, "--currency", "USD", "--rates", str(path)]
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    (line,) = err.splitlines()
    assert str(path) in line and message in line


def test_an_unknown_currency_code_exits_2(opps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["report", str(opps), *PERIOD, "--currency", "dollars"], capsys)
    assert code == 2
    assert err.strip() == "error: --currency dollars: not a currency code (e.g. EUR, USD, MXN)"


def test_inspect_lists_the_currencies_found(opps: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["inspect", str(opps)], capsys)
    assert code == 0
    assert "opportunities: amounts by currency: COP 1, MXN 1, PEN 1, USD 2" in err
