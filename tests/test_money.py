"""Currencies (issue 18 item 3): the currency of each amount as read from a file, the
report currency, a bare $, and the exchange rate file of the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from kpi import LoadOptions, load_files
from kpi.errors import UsageError
from kpi.load.values import currency_code, parse_currency, parse_money
from kpi.model import LoadedData
from kpi.query.money import MoneyOptions, found_in, plan, read_rates


def text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(*files: tuple[str, bytes], **options: Any) -> LoadedData:
    return load_files(list(files), LoadOptions(**options))


def col(data: LoadedData, dataset: str, column: str) -> list[Any]:
    return data.tables[dataset].column(column).to_pylist()


# --------------------------------------------------------------------------- reading


def test_currency_texts_name_iso_codes() -> None:
    assert [currency_code(x) for x in ("MXN", " cop ", "€", "euros", "US$", "U$S", "dólares",
                                       "£", "¥", "S/.", "R$", "MX$", "USD - US Dollar",
                                       "MXN$")] == [
        "MXN", "COP", "EUR", "EUR", "USD", "USD", "USD", "GBP", "JPY", "PEN", "BRL", "MXN",
        "USD", "MXN",
    ]  # fmt: skip
    # a bare $ (and "dollars") is many currencies: kept as "$" for the engine to read
    assert currency_code("$") == currency_code("dollars") == "$"
    # no currency: pesos of no country, a percent sign, an unknown code, nothing
    assert [currency_code(x) for x in ("pesos", "%", "XYZ", "", None)] == [None] * 5


def test_amount_cells_give_their_currency_and_their_number() -> None:
    cells = ["USD 1,200", "$1,200", "€1,200.50", "(US$ 420.81)", "MX$ 950", "S/. 1,500.50",
             "ZAR 99", "1,200", None, "-$5"]  # fmt: skip
    parsed = parse_money(pa.array(cells))
    assert parsed.values.to_pylist() == [1200.0, 1200.0, 1200.5, -420.81, 950.0, 1500.5, 99.0,
                                         1200.0, None, -5.0]  # fmt: skip
    assert parsed.currency is not None
    assert parsed.currency.to_pylist() == ["USD", "$", "EUR", "USD", "MXN", "PEN", "ZAR", None,
                                           None, "$"]  # fmt: skip
    assert not any(parsed.invalid.to_pylist())
    # a European column: decimal comma decided by the values, the euro sign after
    euro = parse_money(pa.array(["1.200,00 €", "3,50 €", "1.000 EUR"]))
    assert euro.values.to_pylist() == [1200.0, 3.5, 1000.0]
    assert euro.currency is not None and euro.currency.to_pylist() == ["EUR"] * 3
    assert euro.note == "decimal comma"


def test_amounts_without_currency_read_as_before() -> None:
    from kpi.load.values import parse_column

    cells = pa.array(["1.234,5", "(420,81)", "12 %", "1,5e3", "", "n/a", "abc"])
    money = parse_money(cells)
    plain = parse_column(cells, "num")
    assert money.values.to_pylist() == plain.values.to_pylist()
    assert money.invalid.to_pylist() == plain.invalid.to_pylist()
    assert money.note == plain.note
    assert money.currency is not None and money.currency.null_count == len(cells)


def test_a_currency_column_keeps_what_names_no_currency_with_a_warning() -> None:
    parsed = parse_currency(pa.array(["MXN", "cop", "Pesos", "", None, "€"]))
    assert parsed.values.to_pylist() == ["MXN", "COP", "Pesos", None, None, "EUR"]
    assert parsed.warnings is not None
    assert parsed.warnings.to_pylist() == [False, False, True, False, False, False]
    assert parsed.warning_reason is not None and "kept as written" in parsed.warning_reason


# A Salesforce-like opportunity export: CurrencyIsoCode per row.
SALESFORCE = text(
    "Opportunity ID,Account Name,Stage,Amount,CurrencyIsoCode,Created Date,Close Date",
    "006A,Acme,Prospecting,1000,MXN,2024-01-10,",
    "006B,Beta,Prospecting,250000,COP,2024-01-12,",
    "006C,Gamma,Prospecting,300,USD,2024-01-15,",
    "006D,Delta,Prospecting,400,PEN,2024-02-01,",
    "006E,Delta,Prospecting,USD 500,COP,2024-02-03,",
)


def test_a_currency_column_is_read_for_each_row_and_wins_over_the_cell() -> None:
    data = load(("opps.csv", SALESFORCE))
    assert col(data, "opportunities", "currency") == ["MXN", "COP", "USD", "PEN", "COP"]
    assert col(data, "opportunities", "amount") == [1000.0, 250000.0, 300.0, 400.0, 500.0]
    assert data.has("opportunities", "currency")
    (f,) = data.files
    assert f.mapping["currency"] == "CurrencyIsoCode"
    # row 6: the cell says USD, the column COP: the column wins, with a warning
    (clash,) = [p for p in data.problems if p.severity == "warning"]
    assert (clash.row, clash.column, clash.value) == (6, "Amount", "USD 500")
    assert "the column's is used" in clash.problem
    assert found_in(data) == {"opportunities": {"MXN": 1, "COP": 2, "USD": 1, "PEN": 1}}


def test_without_a_currency_column_the_cells_give_the_currency() -> None:
    data = load((
        "invoices.csv",
        text("Client,Invoice Date,Amount,Cost",
             "Acme,2024-01-05,USD 1200,USD 100",
             "Beta,2024-01-06,$80,",
             "Gamma,2024-01-07,500,EUR 20",
             "Delta,2024-01-08,90,"),
    ))  # fmt: skip
    # the amount's currency, else the cost's; none written: NULL (the report currency)
    assert col(data, "invoices", "currency") == ["USD", "$", "EUR", None]
    assert col(data, "invoices", "amount") == [1200.0, 80.0, 500.0, 90.0]
    assert col(data, "invoices", "cost") == [100.0, None, 20.0, None]
    assert data.has("invoices", "currency")
    assert not [p for p in data.problems if p.severity != "skipped"]
    # the bare $ is said at once, in the file's notes (inspect shows them)
    (f,) = data.files
    assert "amount (Amount): 1 amount written with a bare $, read as USD unless" in f.notes[0]


def test_amount_and_cost_in_different_currencies_keep_the_amounts_with_a_warning() -> None:
    data = load((
        "invoices.csv",
        text("Client,Invoice Date,Amount,Cost", "Acme,2024-01-05,USD 1200,EUR 100"),
    ))  # fmt: skip
    assert col(data, "invoices", "currency") == ["USD"]
    (p,) = [p for p in data.problems if p.severity == "warning"]
    assert (p.row, p.column, p.value) == (2, "Cost", "EUR 100")


def test_files_without_any_currency_have_no_currency_column() -> None:
    data = load((
        "contracts.csv",
        text("Contract ID,Client,Start Date,Amount", "C1,Acme,2024-01-01,1.200,50"),
    ))  # fmt: skip
    assert not data.has("contracts", "currency")
    assert col(data, "contracts", "currency") == [None]
    assert found_in(data) == {"contracts": {None: 1}}


# --------------------------------------------------------------------------- the plan


def test_the_report_currency_is_the_chosen_one_else_the_datas_only_one_else_the_setting() -> None:
    one = {"invoices": {"USD": 3, None: 2}}
    assert plan(one).currency == "USD"
    assert plan(one, MoneyOptions(fallback="GBP")).currency == "USD"
    assert plan(one, MoneyOptions(currency="eur")).currency == "EUR"
    several = {"opportunities": {"MXN": 1, "COP": 2}}
    assert plan(several).currencies == ("COP", "MXN")
    assert plan(several, MoneyOptions(fallback="GBP")).currency == "GBP"
    assert plan({}).currency == "EUR"  # no currency anywhere: the setting (default EUR)


def test_factors_convert_with_the_users_rates_and_none_without() -> None:
    p = plan(
        {"opportunities": {"MXN": 1, "COP": 2, "USD": 1, None: 1}},
        MoneyOptions(currency="USD", rates={"MXN": 0.05}),
    )
    # no currency: the report currency; USD: itself; MXN: its rate; COP: no rate
    assert p.factors == {"": 1.0, "USD": 1.0, "MXN": 0.05, "COP": None}
    assert p.left_out() == [("opportunities", "COP", 2)]
    # rows without a currency while the data names others: read as USD, and said
    assert p.without_currency() == [("opportunities", 1)]


def test_a_bare_dollar_is_usd_only_when_nothing_says_otherwise() -> None:
    # nothing else named: USD, and a note says so
    alone = plan({"invoices": {"$": 4}})
    assert (alone.dollar, alone.dollar_why, alone.currency) == ("USD", "default", "USD")
    assert any("a bare $ is read as USD" in n for n in alone.notes())
    # the data names one dollar currency (MXN): $ is MXN
    mxn = plan({"invoices": {"$": 4}, "opportunities": {"MXN": 2, "EUR": 1}})
    assert (mxn.dollar, mxn.dollar_why) == ("MXN", "named")
    # the chosen report currency says otherwise: $ is it
    chosen = plan({"invoices": {"$": 4}}, MoneyOptions(currency="CAD"))
    assert (chosen.dollar, chosen.factors["$"]) == ("CAD", 1.0)
    # several: ambiguous, left out with a problem naming them
    both = plan({"invoices": {"$": 4, "MXN": 1, "COP": 1}}, MoneyOptions(currency="MXN"))
    assert (both.dollar, both.dollar_why, both.factors["$"]) == (None, "ambiguous", None)
    (problem,) = [p for p in both.problems() if p.value == "$"]
    assert "bare $ while the data has COP, MXN" in problem.problem


def test_notes_and_problems_name_the_currency_and_count_the_amounts_in_both_languages() -> None:
    p = plan({"opportunities": {"COP": 12, "USD": 3}}, MoneyOptions(currency="USD"))
    (problem,) = p.problems(files={"opportunities": "deals.csv"})
    assert problem.file == "deals.csv" and problem.severity == "warning"
    assert problem.problem.startswith(
        "12 amounts in COP, no rate to USD: add one in Settings (or --rates)"
    )
    assert p.notes("es")[0].startswith(
        "oportunidades: 12 importes en COP, sin tipo de cambio a USD: añade uno en Ajustes"
    )


# --------------------------------------------------------------------------- rates file


def test_a_rates_file_is_read(tmp_path: Path) -> None:
    f = tmp_path / "rates.csv"
    f.write_text("currency,rate\nMXN,0.05\ncop,0.00025\n\n€,1.08\n", encoding="utf-8")
    assert read_rates(f, "USD") == {"MXN": 0.05, "COP": 0.00025, "EUR": 1.08}
    # Excel in Spanish: ";" and a decimal comma
    f.write_text("\ufeffCurrency;Rate\nUSD;0,92\n", encoding="utf-8")
    assert read_rates(f, "EUR") == {"USD": 0.92}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("code,value\nUSD,1\n", "the first row must be the header currency,rate"),
        ("currency,rate\nUSD,abc\n", "row 2: the rate 'abc' of USD is not a positive number"),
        ("currency,rate\nMXN,0.05\nUSD,-1\n", "row 3: the rate '-1' of USD"),
        ("currency,rate\nUSD,0\n", "row 2: the rate '0' of USD"),
        ("currency,rate\nMXN,0.05\nmxn,0.06\n", "row 3: MXN has a rate already"),
        ("currency,rate\nUSD\n", "row 2: expected a currency and a rate"),
        ("currency,rate\n$,1\n", "row 2: '$' is not one currency"),
        ("currency,rate\nEUR,0.9\n", "row 2: EUR is the report currency; its rate is 1"),
    ],
)
def test_a_bad_rates_file_names_the_row_and_the_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    f = tmp_path / "rates.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=None) as err:
        read_rates(f, "EUR")
    assert str(f) in str(err.value) and message in str(err.value)


def test_a_missing_rates_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="cannot be read"):
        read_rates(tmp_path / "nope.csv")
