"""AppTest of money in several currencies (issue 18): the Settings page's report currency
and exchange rates change the pipeline the Sales page shows, as the engine computes it."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest

import ui.state
from kpi import LoadOptions, load_files
from kpi.metrics import get
from kpi.present import fmt
from kpi.query.money import MoneyOptions
from kpi.report import Engine, ReportOptions
from ui import periods

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 120

# A Salesforce-like export: open deals in MXN, COP, PEN and USD (as of 2024-02-29, the end
# of a month: the last 12 months end there).
OPPS = (
    "Opportunity ID,Account Name,Stage,Amount,CurrencyIsoCode,Created Date\n"
    "006A,Acme,Prospecting,1000,MXN,2024-01-10\n"
    "006B,Beta,Prospecting,250000,COP,2024-01-12\n"
    "006C,Gamma,Prospecting,300,USD,2024-01-15\n"
    "006D,Delta,Prospecting,400,PEN,2024-02-01\n"
    "006E,Delta,Qualification,500,USD,2024-02-29\n"
)
RATES = {"COP": 0.00025, "MXN": 0.05, "PEN": 0.27}


def navigation_only(mp: pytest.MonkeyPatch) -> None:
    """Start each run as a server does once ``app.py`` has called ``st.navigation`` (see
    tests/test_app_pages.py)."""
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        PagesManager.uses_pages_directory = False
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    mp.setattr(PagesManager, "__init__", init)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The session's "sample" is the Salesforce export."""
    sample = tmp_path / "sample"
    sample.mkdir()
    (sample / "opps.csv").write_text(OPPS, encoding="utf-8")
    monkeypatch.setattr(ui.state, "SAMPLE_DIR", sample)
    navigation_only(monkeypatch)
    return sample


def _no_errors(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _pipeline(at: AppTest) -> str:
    (card,) = [m for m in at.metric if m.label == get("pipeline_amount").label("en")]
    return str(card.value)


def _expected(folder: Path, money: MoneyOptions) -> str:
    engine = Engine(load_files([folder], LoadOptions()), money)
    assert engine.as_of is not None
    start, end = periods.period_range(periods.DEFAULT_PRESET, engine.as_of)
    df = engine.report(ReportOptions(start=start, end=end))
    value = df.loc[df["kpi"] == "pipeline_amount", "value"].iloc[0]
    return fmt.value(value, "currency", "en", money.currency or "EUR")


def test_the_settings_rates_table_changes_the_pipeline(folder: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/sales.py").run()
    _no_errors(at)
    # several currencies and none chosen: EUR, and no currency has a rate to it: the
    # pipeline is unknown, and a note says which amounts are left out
    assert _pipeline(at) == fmt.EMPTY
    (box,) = at.info
    assert "1 amount in COP, no rate to EUR" in box.value
    assert "2 amounts in USD, no rate to EUR" in box.value
    assert "none of 5 open opportunities has a known amount" in box.value

    at.switch_page("pages/settings.py").run()
    at.selectbox(key="settings_currency").set_value("USD").run()
    _no_errors(at)
    editor = at.data_editor(key="settings_rates_USD")
    assert editor.value["currency"].tolist() == ["COP", "MXN", "PEN"]  # USD needs none
    at.switch_page("pages/sales.py").run()
    # USD only: 300 + 500 = 800
    assert _pipeline(at) == _expected(folder, MoneyOptions(currency="USD")) == "$800.00"

    at.switch_page("pages/settings.py").run()
    # the user types a rate for each currency (rows in the table's order: COP, MXN, PEN)
    at.session_state["settings_rates_USD"] = {
        "edited_rows": {0: {"rate": 0.00025}, 1: {"rate": 0.05}, 2: {"rate": 0.27}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    _no_errors(at)
    state = at.session_state[ui.state._STATE_KEY]
    assert state.rates == {"USD": RATES}
    at.switch_page("pages/sales.py").run()
    _no_errors(at)
    # 800 + 1000 x 0.05 + 250000 x 0.00025 + 400 x 0.27 = 1020.5
    want = _expected(folder, MoneyOptions(currency="USD", rates=RATES))
    assert _pipeline(at) == want == "$1,020"
    assert any("amounts converted to USD with your exchange rates" in i.value for i in at.info)
    assert not any("no rate" in i.value for i in at.info)


CONTRACTS = (
    "Agreement ID,Company,Start Date,End Date,Bill Amount,Billing Cycle,Covered Devices\n"
    "K1,Acme,2023-06-01,,EUR 1000,Monthly,10\n"
    "K2,Beta,2023-06-01,,USD 600,Monthly,4\n"
    "K3,Acme,2023-09-01,2024-03-31,USD 300,Monthly,5\n"
)
INVOICES = (
    "*ContactName,*InvoiceDate,LineAmount,Cost,Currency\n"
    "Acme,10/01/2024,1000,200,EUR\n"
    "Beta,10/01/2024,600,,USD\n"
)
DEVICES = "Device ID,Company\n" + "".join(f"PC{i},Beta\n" for i in range(6))


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_money_page_runs_with_amounts_left_out(
    folder: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    # contracts, invoices and deals in several currencies, no rates: every money figure of
    # Beta (USD only) is unknown; the pages show them empty and say why
    for name, content in (("agreements.csv", CONTRACTS), ("invoices.csv", INVOICES),
                          ("devices.csv", DEVICES)):  # fmt: skip
        (folder / name).write_text(content, encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.radio(key="lang").set_value(lang).run()
    for page in ("overview", "profitability", "contracts", "sales", "alerts", "data",
                 "settings", "definitions"):  # fmt: skip
        at.switch_page(f"pages/{page}.py").run()
        _no_errors(at)
        if page in ("overview", "profitability", "contracts", "sales", "alerts", "settings"):
            words = "sin tipo de cambio a EUR" if lang == "es" else "no rate to EUR"
            assert any(words in i.value for i in at.info), page
