"""Profitability KPIs (docs/KPIS.md 1): MRR, its movements, revenue, costs and margins.

Every expected number is worked out by hand next to its assertion.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import pandas as pd
import pytest
from kpi_helpers import pick

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

# Contracts (client, start, end, amount, billing months -> mrr_c):
#   C1 Alpha 2024-01-01..(none)        300 quarterly (3)  -> 100
#   C2 Alpha 2024-03-01..2024-03-31     50 monthly        ->  50  (ends on a month's last day)
#   C3 Beta  2023-06-15..2024-02-29   2400 annual (12)    -> 200  (ends on Feb 29)
#   C4 Beta  2024-04-01..(none)        150 monthly        -> 150
#   C5 Gamma 2023-01-01..(none)        100 monthly        -> 100
#   C6 Gamma 2024-02-01..2024-02-29     60 monthly        ->  60
# Client MRR at each month end (D = Dec 31 for the month before the period):
#          Dec31  Jan31  Feb29  Mar31  Apr30
#   Alpha      0    100    100    150    100
#   Beta     200    200    200      0    150
#   Gamma    100    100    160    100    100
#   total    300    400    460    250    350
CONTRACTS = {
    "contract_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
    "client": ["Alpha", "Alpha", "Beta", "Beta", "Gamma", "Gamma"],
    "start_date": [date(2024, 1, 1), date(2024, 3, 1), date(2023, 6, 15), date(2024, 4, 1),
                   date(2023, 1, 1), date(2024, 2, 1)],
    "end_date": [None, date(2024, 3, 31), date(2024, 2, 29), None, None, date(2024, 2, 29)],
    "amount": [300.0, 50.0, 2400.0, 150.0, 100.0, 60.0],
    "billing_period": ["quarterly", "monthly", "annual", "monthly", "monthly", "monthly"],
    "billing_months": [3, 1, 12, 1, 1, 1],
}  # fmt: skip
PERIOD = ReportOptions(start=date(2024, 1, 1), end=date(2024, 4, 30), as_of=date(2024, 4, 30))


def contracts_only() -> Engine:
    return Engine(loaded_data({"contracts": CONTRACTS}))


def test_mrr_at_the_period_end_with_quarterly_and_annual_billing() -> None:
    df = contracts_only().report(PERIOD)
    # D = min(end, as_of) = Apr 30: C1 100 + C4 150 + C5 100 = 350 (C2 ended Mar 31,
    # C3 Feb 29, C6 Feb 29)
    assert pick(df, "mrr") == 350.0
    assert math.isnan(pick(df, "mrr", col="numerator"))  # a sum has no numerator column


def test_mrr_by_month_counts_contracts_ending_on_the_last_day() -> None:
    df = contracts_only().report(replace(PERIOD, by="month"))
    # Jan31 100+200+100 = 400; Feb29: C3 ends Feb 29 (end >= D) 100+200+160 = 460;
    # Mar31: C2 ends Mar 31, still active: 150+0+100 = 250; Apr30: 350
    assert pick(df, "mrr", period="2024-01") == 400.0
    assert pick(df, "mrr", period="2024-02") == 460.0
    assert pick(df, "mrr", period="2024-03") == 250.0
    assert pick(df, "mrr", period="2024-04") == 350.0


def test_mrr_movements_total() -> None:
    df = contracts_only().report(PERIOD)
    # new: Alpha Jan (0 -> 100) + Beta Apr (0 -> 150) = 250
    assert pick(df, "mrr_new") == 250.0
    # expansion: Alpha Mar (100 -> 150) 50 + Gamma Feb (100 -> 160) 60 = 110
    assert pick(df, "mrr_expansion") == 110.0
    # contraction: Alpha Apr (150 -> 100) 50 + Gamma Mar (160 -> 100) 60 = 110
    assert pick(df, "mrr_contraction") == 110.0
    # churn: Beta Mar (200 -> 0) = 200
    assert pick(df, "mrr_churn") == 200.0
    # net: 250 + 110 - 110 - 200 = 50 = MRR Apr30 350 - MRR Dec31 300
    assert pick(df, "mrr_net_change") == 50.0


def test_mrr_first_month_compares_with_the_month_before_the_period() -> None:
    # period Feb..Apr: Feb compares with Jan 31 (Alpha 100, not 0): Alpha is not new
    opts = ReportOptions(start=date(2024, 2, 1), end=date(2024, 4, 30), by="client,month")
    df = contracts_only().report(opts)
    assert pick(df, "mrr_new", "Alpha", "2024-02") == 0.0
    # Gamma Feb: Jan31 100 -> Feb29 160: expansion 60
    assert pick(df, "mrr_expansion", "Gamma", "2024-02") == 60.0
    # Beta Mar: churn of 200; Apr: new 150
    assert pick(df, "mrr_churn", "Beta", "2024-03") == 200.0
    assert pick(df, "mrr_new", "Beta", "2024-04") == 150.0
    # by client over the period: Alpha new 0, expansion 50, contraction 50 -> net 0
    by_client = contracts_only().report(replace(opts, by="client"))
    assert pick(by_client, "mrr_net_change", "Alpha") == 0.0
    # Beta: churn 200, new 150 -> net -50 (MRR Jan31 200 -> Apr30 150)
    assert pick(by_client, "mrr_net_change", "Beta") == -50.0


def test_recurring_revenue_and_revenue_without_invoices() -> None:
    df = contracts_only().report(PERIOD)
    # sum of the month-end MRR: 400 + 460 + 250 + 350 = 1460
    assert pick(df, "recurring_revenue") == 1460.0
    # no invoices: revenue = recurring revenue
    assert pick(df, "revenue") == 1460.0
    monthly = contracts_only().report(replace(PERIOD, by="month"))
    assert pick(monthly, "revenue", period="2024-02") == 460.0


def test_contract_kpis_need_contracts_and_costs_need_their_inputs() -> None:
    avail = contracts_only().availability()
    assert avail["mrr"] is None
    assert avail["labor_cost"] == "load time entries"
    assert avail["direct_cost"] == "load invoices with column cost"
    assert avail["gross_margin"] == "load time entries"
    df = contracts_only().report(PERIOD)
    assert "labor_cost" not in set(df["kpi"])
    assert "gross_margin_pct" not in set(df["kpi"])


# Invoices, time entries and staff on top of the contracts:
#   invoices: Alpha 2024-01-15 1000 (cost 200); Alpha 2024-04-30 500 (cost 0);
#             Beta 2024-05-01 999 (after the period); Beta 2023-12-31 700 (before)
#   staff: Ann 50/h, Bob without a cost; Cid has entries but is not in staff
#   entries: Ann Alpha Jan10 10h; Ann Beta Feb10 4h (not billable); Bob Alpha Mar01 6h;
#            Cid Alpha Mar05 2h; Ann Alpha May02 8h (after the period)
INVOICES = {
    "client": ["Alpha", "Alpha", "Beta", "Beta"],
    "date": [date(2024, 1, 15), date(2024, 4, 30), date(2024, 5, 1), date(2023, 12, 31)],
    "amount": [1000.0, 500.0, 999.0, 700.0],
    "cost": [200.0, 0.0, 50.0, 10.0],
}
ENTRIES = {
    "technician": ["Ann", "Ann", "Bob", "Cid", "Ann"],
    "client": ["Alpha", "Beta", "Alpha", "Alpha", "Alpha"],
    "date": [date(2024, 1, 10), date(2024, 2, 10), date(2024, 3, 1), date(2024, 3, 5),
             date(2024, 5, 2)],
    "hours": [10.0, 4.0, 6.0, 2.0, 8.0],
    "billable": [True, False, True, True, True],
}  # fmt: skip
STAFF = {"technician": ["Ann", "Bob"], "hourly_cost": [50.0, None]}


def full() -> Engine:
    return Engine(
        loaded_data(
            {"contracts": CONTRACTS, "invoices": INVOICES, "time_entries": ENTRIES, "staff": STAFF}
        )
    )


def test_revenue_comes_only_from_invoices_when_loaded() -> None:
    df = full().report(PERIOD)
    # invoices dated Jan 1..Apr 30: 1000 + 500 = 1500 (not the recurring 1460)
    assert pick(df, "revenue") == 1500.0
    assert pick(df, "recurring_revenue") == 1460.0
    # direct cost of those invoices: 200 + 0 = 200
    assert pick(df, "direct_cost") == 200.0


def test_labor_cost_leaves_out_technicians_without_cost() -> None:
    engine = full()
    df = engine.report(PERIOD)
    # Ann (50/h): 10 + 4 = 14 h in the period -> 700; Bob (no cost) 6 h and Cid (not in
    # staff) 2 h are left out
    assert pick(df, "labor_cost") == 700.0
    assert any("8 hours" in n for n in df.attrs["notes"])  # 6 + 2 hours left out
    by_tech = engine.report(replace(PERIOD, by="technician"))
    assert pick(by_tech, "labor_cost", "Ann") == 700.0
    assert pick(by_tech, "labor_cost", "Bob") == 0.0
    # by client: Alpha 10 h x 50 = 500; Beta 4 h x 50 = 200
    by_client = engine.report(replace(PERIOD, by="client"))
    assert pick(by_client, "labor_cost", "Alpha") == 500.0
    assert pick(by_client, "labor_cost", "Beta") == 200.0


def test_gross_margin_and_percentage() -> None:
    df = full().report(PERIOD)
    # 1500 revenue - 700 labour - 200 direct cost = 600
    assert pick(df, "gross_margin") == 600.0
    # 600 / 1500 = 0.4: exactly the 0.40 target (inclusive): ok
    assert pick(df, "gross_margin_pct", col="numerator") == 600.0
    assert pick(df, "gross_margin_pct", col="denominator") == 1500.0
    assert pick(df, "gross_margin_pct") == pytest.approx(0.4)
    row = df[df["kpi"] == "gross_margin_pct"].iloc[0]
    assert row["status"] == "ok"
    assert row["target"] == 0.4


def test_gross_margin_by_client_with_zero_revenue() -> None:
    df = full().report(replace(PERIOD, by="client"))
    # Alpha: 1500 - 10 h x 50 - 200 = 800; 800 / 1500 = 0.5333...
    assert pick(df, "gross_margin", "Alpha") == 800.0
    assert pick(df, "gross_margin_pct", "Alpha") == pytest.approx(800 / 1500)
    # Beta: no invoice in the period (revenue 0), labour 4 h x 50 = 200 -> -200;
    # the percentage has a zero denominator: empty, and so is its status
    assert pick(df, "gross_margin", "Beta") == -200.0
    assert math.isnan(pick(df, "gross_margin_pct", "Beta"))
    assert pick(df, "gross_margin_pct", "Beta", col="denominator") == 0.0
    beta = df[(df["kpi"] == "gross_margin_pct") & (df["client"] == "Beta")].iloc[0]
    assert pd.isna(beta["status"])


def test_effective_hourly_rate_uses_all_hours() -> None:
    df = full().report(PERIOD)
    # (1500 - 200) / (10 + 4 + 6 + 2 hours, billable or not, costed or not) = 1300 / 22
    assert pick(df, "effective_hourly_rate", col="numerator") == 1300.0
    assert pick(df, "effective_hourly_rate", col="denominator") == 22.0
    assert pick(df, "effective_hourly_rate") == pytest.approx(1300 / 22)
    by_client = full().report(replace(PERIOD, by="client"))
    # Alpha: 1300 / (10 + 6 + 2) = 72.22...; Beta: (0 - 0) / 4 = 0
    assert pick(by_client, "effective_hourly_rate", "Alpha") == pytest.approx(1300 / 18)
    assert pick(by_client, "effective_hourly_rate", "Beta") == 0.0


def test_direct_cost_missing_counts_as_zero_in_margin() -> None:
    invoices = {k: v for k, v in INVOICES.items() if k != "cost"}
    engine = Engine(loaded_data({"invoices": invoices, "time_entries": ENTRIES, "staff": STAFF}))
    df = engine.report(PERIOD)
    assert "direct_cost" not in set(df["kpi"])
    # 1500 - 700 - 0 = 800
    assert pick(df, "gross_margin") == 800.0
    # no contracts: no MRR KPIs
    assert "mrr" not in set(df["kpi"])


def test_money_sums_to_the_cent() -> None:
    # ten invoices of 0.10: a naive float sum gives 0.9999999999999999
    data = loaded_data(
        {"invoices": {"client": ["A"] * 10, "date": [date(2024, 1, 2)] * 10, "amount": [0.1] * 10}}
    )
    df = Engine(data).report(PERIOD)
    assert pick(df, "revenue") == 1.0


def test_mrr_under_a_technician_filter_is_not_produced() -> None:
    # docs/DETAILS.md 8: contracts have no technician
    df = full().report(replace(PERIOD, technicians=["Ann"]))
    kpis = set(df["kpi"])
    assert "mrr" not in kpis and "revenue" not in kpis
    # labour cost has technicians: Ann's 14 h x 50 = 700
    assert pick(df, "labor_cost") == 700.0


def test_mrr_by_technician_falls_back_to_the_total() -> None:
    df = full().report(replace(PERIOD, by="technician"))
    rows = df[df["kpi"] == "mrr"]
    assert len(rows) == 1 and pd.isna(rows.iloc[0]["technician"])
    assert rows.iloc[0]["value"] == 350.0
