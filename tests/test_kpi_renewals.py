"""Contract renewal (docs/KPIS.md 7, docs/DETAILS.md 27): due, renewed, upcoming."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from kpi_helpers import pick

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions

D = date
# Period 2024-01-01..2024-06-30, as_of 2024-06-30 (upcoming window Jul 1..Sep 28).
# id   client start       end         renewed auto  -> due?  renewed?
# R1   A  2023-01-01  2024-01-31   T       -     due Jan, renewed (flag)
# R2   A  2023-03-01  2024-03-31   -       T     due Mar, renewed (auto_renew)
# R3   B  2023-02-01  2024-02-29   -       -     due Feb, renewed by R4 (starts Mar 15 <=
#                                                  end + 30 = Mar 30, never ends)
# R4   B  2024-03-15  -            -       -     no end: never due
# R5   C  2023-04-01  2024-04-30   F       -     due Apr, NOT renewed: the flag beats R6
# R6   C  2024-05-01  2025-04-30   -       -     ends after as_of
# R7   D  2023-05-01  2024-05-31   -       -     due May, not renewed: R8 starts Jul 5 >
#                                                  end + 30 = Jun 30
# R8   D  2024-07-05  2025-07-04
# R9   E  2023-06-01  2024-06-15   -       -     due Jun, not renewed: R10 ends before it
# R10  E  2024-06-01  2024-06-10   -       -     due Jun, not renewed
# R11  F  2024-01-01  2024-09-28   -       -     upcoming (as_of + 90 = Sep 28 included),
#                                                  600 quarterly -> 200 MRR
# R12  F  2024-01-01  2024-07-15   -       T     renewed: not upcoming
# R13  G  2024-01-01  2024-09-29   -       -     as_of + 91: not upcoming
# R14  H  2023-07-01  2024-06-30   -       -     due Jun (end = as_of), not renewed, not
#                                                  upcoming (end must be after as_of);
#                                                  (with G's R13 it would be renewed: R13
#                                                  starts later and ends later)
CONTRACTS = {
    "contract_id": [f"R{i}" for i in range(1, 15)],
    "client": ["A", "A", "B", "B", "C", "C", "D", "D", "E", "E", "F", "F", "G", "H"],
    "start_date": [D(2023, 1, 1), D(2023, 3, 1), D(2023, 2, 1), D(2024, 3, 15), D(2023, 4, 1),
                   D(2024, 5, 1), D(2023, 5, 1), D(2024, 7, 5), D(2023, 6, 1), D(2024, 6, 1),
                   D(2024, 1, 1), D(2024, 1, 1), D(2024, 1, 1), D(2023, 7, 1)],
    "end_date": [D(2024, 1, 31), D(2024, 3, 31), D(2024, 2, 29), None, D(2024, 4, 30),
                 D(2025, 4, 30), D(2024, 5, 31), D(2025, 7, 4), D(2024, 6, 15), D(2024, 6, 10),
                 D(2024, 9, 28), D(2024, 7, 15), D(2024, 9, 29), D(2024, 6, 30)],
    "amount": [100.0] * 10 + [600.0, 100.0, 100.0, 100.0],
    "billing_months": [1] * 10 + [3, 1, 1, 1],
    "renewed": [True, None, None, None, False, None, None, None, None, None, None, None,
                None, None],
    "auto_renew": [None, True, None, None, None, None, None, None, None, None, None, True,
                   None, None],
}  # fmt: skip
H1 = ReportOptions(start=D(2024, 1, 1), end=D(2024, 6, 30), as_of=D(2024, 6, 30))


def engine() -> Engine:
    return Engine(loaded_data({"contracts": CONTRACTS}))


def test_due_renewed_and_rate() -> None:
    df = engine().report(H1)
    # due: R1 R2 R3 R5 R7 R9 R10 R14 = 8; renewed R1 (flag) R2 (auto) R3 (successor) = 3
    assert pick(df, "contracts_due") == 8.0
    assert pick(df, "contracts_renewed") == 3.0
    assert pick(df, "renewal_rate", col="numerator") == 3.0
    assert pick(df, "renewal_rate", col="denominator") == 8.0
    assert pick(df, "renewal_rate") == 0.375


def test_renewal_by_client_flag_beats_successor() -> None:
    df = engine().report(replace(H1, by="client"))
    assert pick(df, "renewal_rate", "A") == 1.0  # flag + auto_renew
    assert pick(df, "renewal_rate", "B") == 1.0  # successor
    assert pick(df, "renewal_rate", "C") == 0.0  # renewed = false beats the successor R6
    assert pick(df, "renewal_rate", "D") == 0.0  # successor too late
    assert pick(df, "contracts_due", "E") == 2.0  # R9 and R10 (R10 ends before R9)
    assert pick(df, "contracts_renewed", "E") == 0.0


def test_due_by_month_of_end_date() -> None:
    df = engine().report(replace(H1, by="month"))
    # Jan R1, Feb R3, Mar R2: renewed; Apr R5, May R7: not; Jun R9 R10 R14: 0 of 3
    for month, due, renewed in [
        ("2024-01", 1, 1),
        ("2024-02", 1, 1),
        ("2024-03", 1, 1),
        ("2024-04", 1, 0),
        ("2024-05", 1, 0),
        ("2024-06", 3, 0),
    ]:
        assert pick(df, "contracts_due", period=month) == due
        assert pick(df, "contracts_renewed", period=month) == renewed
    # renewals_upcoming is not by month: one total row with the period label
    assert pick(df, "renewals_upcoming", period="2024-01-01..2024-06-30") == 1.0


def test_upcoming_renewals() -> None:
    df = engine().report(H1)
    # ending in (Jun 30, Sep 28]: R11 (Sep 28, boundary included) and R12 (renewed by
    # auto_renew); R13 (Sep 29) is outside -> 1, with MRR 600 / 3 = 200
    assert pick(df, "renewals_upcoming") == 1.0
    assert pick(df, "renewals_upcoming_mrr") == 200.0
    by_client = engine().report(replace(H1, by="client"))
    assert pick(by_client, "renewals_upcoming", "F") == 1.0


def test_due_stops_at_as_of_when_end_is_later() -> None:
    # docs/DETAILS.md 3: as_of Jun 20 inside the period: R14 (Jun 30) is not due yet; the
    # upcoming window is Jun 21..Sep 18: R14 (not renewed) comes in, R11 (Sep 28) goes out
    opts = ReportOptions(start=D(2024, 1, 1), end=D(2024, 6, 30), as_of=D(2024, 6, 20))
    df = engine().report(opts)
    assert pick(df, "contracts_due") == 7.0
    assert pick(df, "renewals_upcoming") == 1.0
    assert pick(df, "renewals_upcoming_mrr") == 100.0


def test_renewals_need_an_end_date_column() -> None:
    contracts = {k: v for k, v in CONTRACTS.items() if k != "end_date"}
    eng = Engine(loaded_data({"contracts": contracts}))
    assert eng.availability()["renewal_rate"] == "map column end_date of contracts"
    assert "contracts_due" not in set(eng.report(H1)["kpi"])


def test_a_successor_must_start_strictly_later_and_end_strictly_later() -> None:
    contracts = {
        "contract_id": ["X", "Y", "Z", "W"],
        "client": ["A", "A", "B", "B"],
        # Y starts the same day as X: not a successor; W ends the same day as Z: neither
        "start_date": [D(2023, 1, 1), D(2023, 1, 1), D(2023, 1, 1), D(2024, 2, 1)],
        "end_date": [D(2024, 3, 31), D(2025, 3, 31), D(2024, 3, 31), D(2024, 3, 31)],
        "amount": [10.0] * 4,
        "billing_months": [1] * 4,
    }
    df = Engine(loaded_data({"contracts": contracts})).report(H1)
    # due in H1: X, Z, W (Y ends 2025) -> none renewed
    assert pick(df, "contracts_due") == 3.0
    assert pick(df, "contracts_renewed") == 0.0
