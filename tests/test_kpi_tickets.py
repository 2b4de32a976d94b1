"""Ticket KPIs (docs/KPIS.md 3 and 4): volumes, backlog, FCR, SLA, reopens, resolution times,
escalations."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime

import pytest
from kpi_helpers import pick

from kpi.model import loaded_data
from kpi.report import Engine, ReportOptions


def dt(m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(2024, m, d, h, mi)


# Columns: client, technician, created, effective resolution (resolved_at, else closed_at),
# escalation, fcr flag, sla, first response, hours.
# T1  A Ann  Mar01 09:00  Mar01 13:00 (4h)    escalated F      -  sla_met T     Mar01 09:30  1
# T2  A Ann  Mar02 10:00  Mar04 10:00 (48h)   escalated T      -  sla_met F     Mar02 12:00  3
# T3  B Bob  Feb20 08:00  Mar05 08:00 (336h)  tier 2 -> T      -  due Mar04: F  -            5
# T4  B Bob  Mar10        -                   reassigned 0 -> F -  -             -            -
# T5  A Bob  Mar20        -                   unknown          -  -             -            -
# T6  A Ann  Feb01        Feb02 (24h)         escalated F      -  -             -            -
# T7  B Ann  Mar25        Apr02               escalated F      -  -             Mar24 (early) -
# T8  A Ann  Mar15 12:00  closed Mar16 12:00  escalated F      T  unknown       -            -
#                         (24h)
# T9  A Ann  Mar05 08:00  Mar05 10:00 (2h)    esc. F, reopened once  due Mar06: T  Mar05 08:15
# T10 B Bob  Jan10        -                   escalated F      -  -             -            -
TICKETS = {
    "ticket_id": [f"T{i}" for i in range(1, 11)],
    "client": ["A", "A", "B", "B", "A", "A", "B", "A", "A", "B"],
    "technician": ["Ann", "Ann", "Bob", "Bob", "Bob", "Ann", "Ann", "Ann", "Ann", "Bob"],
    "created_at": [dt(3, 1, 9), dt(3, 2, 10), dt(2, 20, 8), dt(3, 10), dt(3, 20), dt(2, 1),
                   dt(3, 25), dt(3, 15, 12), dt(3, 5, 8), dt(1, 10)],
    "resolved_at": [dt(3, 1, 13), dt(3, 4, 10), dt(3, 5, 8), None, None, dt(2, 2), dt(4, 2),
                    None, dt(3, 5, 10), None],
    "closed_at": [None, None, None, None, None, None, None, dt(3, 16, 12), None, None],
    "resolved": [dt(3, 1, 13), dt(3, 4, 10), dt(3, 5, 8), None, None, dt(2, 2), dt(4, 2),
                 dt(3, 16, 12), dt(3, 5, 10), None],
    "escalated": [False, True, None, None, None, False, False, False, False, False],
    "tier": [None, None, 2, None, None, None, None, None, None, None],
    "reassignment_count": [None, None, None, 0, None, None, None, None, None, None],
    "reopen_count": [None, None, None, None, None, None, None, None, 1, None],
    "first_contact_resolution": [None, None, None, None, None, None, None, True, None, None],
    "sla_met": [True, False, None, None, None, None, None, None, None, None],
    "due_at": [None, None, dt(3, 4), None, None, None, None, None, dt(3, 6), None],
    "first_response_at": [dt(3, 1, 9, 30), dt(3, 2, 12), None, None, None, None, dt(3, 24),
                          None, dt(3, 5, 8, 15), None],
    "hours": [1.0, 3.0, 5.0, None, None, None, None, None, None, None],
}  # fmt: skip
MARCH = ReportOptions(start=date(2024, 3, 1), end=date(2024, 3, 31), as_of=date(2024, 3, 31))


def engine(tickets: dict[str, list[object]] | None = None) -> Engine:
    return Engine(loaded_data({"tickets": tickets or TICKETS}))


def test_volumes_and_backlog() -> None:
    df = engine().report(MARCH)
    # created in March: T1 T2 T4 T5 T7 T8 T9 = 7
    assert pick(df, "tickets_opened") == 7.0
    # resolved in March (resolved_at, else closed_at): T1 T2 T3 T8 T9 = 5
    assert pick(df, "tickets_resolved") == 5.0
    # open at Mar 31: T4 T5 T10 (unresolved) + T7 (resolved Apr 2) = 4
    assert pick(df, "backlog") == 4.0


def test_volumes_by_client_and_technician() -> None:
    by_client = engine().report(replace(MARCH, by="client"))
    # A opened T1 T2 T5 T8 T9 = 5, B T4 T7 = 2; resolved A T1 T2 T8 T9 = 4, B T3 = 1
    assert pick(by_client, "tickets_opened", "A") == 5.0
    assert pick(by_client, "tickets_opened", "B") == 2.0
    assert pick(by_client, "tickets_resolved", "A") == 4.0
    assert pick(by_client, "tickets_resolved", "B") == 1.0
    # backlog A: T5; B: T4 T7 T10
    assert pick(by_client, "backlog", "A") == 1.0
    assert pick(by_client, "backlog", "B") == 3.0
    by_tech = engine().report(replace(MARCH, by="technician"))
    # Ann opened T1 T2 T7 T8 T9 = 5; Bob T4 T5 = 2
    assert pick(by_tech, "tickets_opened", "Ann") == 5.0
    assert pick(by_tech, "tickets_opened", "Bob") == 2.0


def test_backlog_by_month_counts_tickets_opened_before_the_period() -> None:
    opts = ReportOptions(start=date(2024, 2, 1), end=date(2024, 3, 31), by="month",
                         as_of=date(2024, 3, 31))  # fmt: skip
    df = engine().report(opts)
    # Feb 29: T10 (Jan 10, open) + T3 (Feb 20, resolved Mar 5) = 2; T6 resolved Feb 2
    assert pick(df, "backlog", period="2024-02") == 2.0
    # Mar 31: T4 T5 T7 T10 = 4, the same as the March total
    assert pick(df, "backlog", period="2024-03") == 4.0
    # Feb opened T3 T6 = 2, resolved T6 = 1
    assert pick(df, "tickets_opened", period="2024-02") == 2.0
    assert pick(df, "tickets_resolved", period="2024-02") == 1.0
    by_client_month = engine().report(replace(opts, by="client,month"))
    # B at Feb 29: T3 T10 = 2; at Mar 31: T4 T7 T10 = 3; A at Feb 29: none -> 0 or no row
    assert pick(by_client_month, "backlog", "B", "2024-02") == 2.0
    assert pick(by_client_month, "backlog", "B", "2024-03") == 3.0
    a_feb = by_client_month[
        (by_client_month["kpi"] == "backlog")
        & (by_client_month["client"] == "A")
        & (by_client_month["period"] == "2024-02")
    ]
    assert a_feb.empty or a_feb.iloc[0]["value"] == 0.0


def test_fcr_rate() -> None:
    df = engine().report(MARCH)
    # resolved in March: T1 (not escalated, never reopened) yes; T2 (escalated) no;
    # T3 (tier 2 = escalated) no; T8 (flag) yes; T9 (reopened once) no -> 2 / 5
    assert pick(df, "fcr_rate", col="numerator") == 2.0
    assert pick(df, "fcr_rate", col="denominator") == 5.0
    assert pick(df, "fcr_rate") == 0.4


def test_sla_rate() -> None:
    df = engine().report(MARCH)
    # T1 flag T; T2 flag F; T3 resolved Mar 5 > due Mar 4: F; T9 10:00 Mar 5 <= due
    # Mar 6: T; T8 has neither flag nor due date: unknown, left out -> 2 / 4
    assert pick(df, "sla_rate", col="numerator") == 2.0
    assert pick(df, "sla_rate", col="denominator") == 4.0
    assert pick(df, "sla_rate") == 0.5


def test_resolution_times() -> None:
    df = engine().report(MARCH)
    # hours of T1 4, T2 48, T3 336 (Feb 20 -> Mar 5 of a leap year: 14 days), T8 24,
    # T9 2 -> 414 / 5 = 82.8
    assert pick(df, "mean_resolution_hours", col="numerator") == 414.0
    assert pick(df, "mean_resolution_hours", col="denominator") == 5.0
    assert pick(df, "mean_resolution_hours") == pytest.approx(82.8)
    # sorted 2 4 24 48 336: median 24
    assert pick(df, "median_resolution_hours") == 24.0
    by_client = engine().report(replace(MARCH, by="client"))
    # A: 2 4 24 48 -> even count: (4 + 24) / 2 = 14; B: 336
    assert pick(by_client, "median_resolution_hours", "A") == 14.0
    assert pick(by_client, "median_resolution_hours", "B") == 336.0
    # means are sums over counts at the grouping: A (4 + 48 + 24 + 2) / 4 = 19.5
    assert pick(by_client, "mean_resolution_hours", "A") == 19.5


def test_first_response_time() -> None:
    df = engine().report(MARCH)
    # created in March with a first response not before creation: T1 0.5 h, T2 2 h,
    # T9 0.25 h (T7 answered before it was created: left out) -> 2.75 / 3
    assert pick(df, "mean_first_response_hours", col="numerator") == 2.75
    assert pick(df, "mean_first_response_hours", col="denominator") == 3.0
    assert pick(df, "mean_first_response_hours") == pytest.approx(2.75 / 3)


def test_escalations_with_unknown_flags() -> None:
    df = engine().report(MARCH)
    # created in March: T1 F, T2 T, T4 F (0 reassignments), T5 unknown (no column
    # value), T7 F, T8 F, T9 F -> 1 escalated of 6 known
    assert pick(df, "escalated_tickets") == 1.0
    assert pick(df, "escalation_rate", col="denominator") == 6.0
    assert pick(df, "escalation_rate") == pytest.approx(1 / 6)
    # T2's own hours: 3 (T3 escalated but created in February)
    assert pick(df, "escalated_hours") == 3.0
    # target <= 0.20: 0.1667 is ok
    assert df[df["kpi"] == "escalation_rate"].iloc[0]["status"] == "ok"


def test_zero_denominators_in_an_empty_period() -> None:
    opts = ReportOptions(start=date(2023, 6, 1), end=date(2023, 6, 30), as_of=date(2024, 3, 31))
    df = engine().report(opts)
    # nothing happened in June 2023: counts 0, ratios and means empty, every KPI present
    assert pick(df, "tickets_opened") == 0.0
    assert pick(df, "backlog") == 0.0
    for kpi in ("fcr_rate", "sla_rate", "escalation_rate", "mean_resolution_hours",
                "median_resolution_hours", "mean_first_response_hours"):  # fmt: skip
        assert math.isnan(pick(df, kpi)), kpi


def test_flag_kpis_need_a_known_flag() -> None:
    bare = {k: TICKETS[k] for k in ("ticket_id", "client", "created_at", "resolved_at",
                                    "resolved")}  # fmt: skip
    eng = engine(bare)
    avail = eng.availability()
    assert avail["tickets_opened"] is None
    assert avail["sla_rate"] == "map columns sla_met or due_at of tickets"
    assert avail["escalation_rate"] == (
        "map columns escalated or tier or reassignment_count of tickets"
    )
    assert avail["mean_first_response_hours"] == "map column first_response_at of tickets"
    kpis = set(eng.report(MARCH)["kpi"])
    assert "fcr_rate" not in kpis and "escalated_tickets" not in kpis and "sla_rate" not in kpis
    assert "tickets_resolved" in kpis


def test_flag_columns_present_but_all_empty() -> None:
    tickets = dict(TICKETS)
    tickets["sla_met"] = [None] * 10
    tickets["due_at"] = [None] * 10
    eng = engine(tickets)
    assert eng.availability()["sla_rate"] == (
        "no ticket has a known value; map columns sla_met or due_at of tickets with values"
    )
    assert "sla_rate" not in set(eng.report(MARCH)["kpi"])


def test_without_resolution_columns_only_openings() -> None:
    bare = {k: TICKETS[k] for k in ("ticket_id", "client", "created_at")}
    eng = engine(bare)
    assert eng.availability()["backlog"] == "map columns resolved_at or closed_at of tickets"
    df = eng.report(MARCH)
    assert set(df["kpi"]) == {"tickets_opened"}


# reopen_rate (docs/KPIS.md 3): resolved in the period and reopened at least once / resolved in
# the period with a known reopen count (an empty count is unknown, left out). March-April:
# R1  A  Mar01  resolved Mar02  reopen 0      known, not reopened
# R2  A  Mar03  resolved Mar05  reopen 2      known, reopened
# R3  B  Mar04  resolved Mar06  reopen empty  unknown: out of both
# R4  B  Apr01  resolved Apr03  reopen 1      known, reopened
# R5  A  Feb10  resolved Feb20  reopen 3      resolved before the period: out
# R6  B  Apr10  not resolved    reopen 1      not resolved: out
REOPENS = {
    "ticket_id": [f"R{i}" for i in range(1, 7)],
    "client": ["A", "A", "B", "B", "A", "B"],
    "created_at": [dt(3, 1), dt(3, 3), dt(3, 4), dt(4, 1), dt(2, 10), dt(4, 10)],
    "resolved_at": [dt(3, 2), dt(3, 5), dt(3, 6), dt(4, 3), dt(2, 20), None],
    "resolved": [dt(3, 2), dt(3, 5), dt(3, 6), dt(4, 3), dt(2, 20), None],
    "reopen_count": [0, 2, None, 1, 3, 1],
}
MARCH_APRIL = ReportOptions(start=date(2024, 3, 1), end=date(2024, 4, 30), as_of=date(2024, 4, 30))


def test_reopen_rate() -> None:
    eng = engine(REOPENS)
    df = eng.report(MARCH_APRIL)
    # total: reopened R2 R4 = 2 of the known R1 R2 R4 = 3
    assert pick(df, "reopen_rate", col="numerator") == 2.0
    assert pick(df, "reopen_rate", col="denominator") == 3.0
    assert pick(df, "reopen_rate") == pytest.approx(2 / 3)
    # target <= 0.05: 0.67 is far above it
    assert df[df["kpi"] == "reopen_rate"].iloc[0]["status"] == "bad"
    by_client = eng.report(replace(MARCH_APRIL, by="client"))
    # A: R2 of R1 R2 = 1/2; B: R4 of R4 = 1/1 (R3 unknown)
    assert pick(by_client, "reopen_rate", "A") == 0.5
    assert pick(by_client, "reopen_rate", "B", col="denominator") == 1.0
    assert pick(by_client, "reopen_rate", "B") == 1.0
    by_month = eng.report(replace(MARCH_APRIL, by="month"))
    # March: R2 of R1 R2 = 1/2 (R3 unknown); April: R4 of R4 = 1/1
    assert pick(by_month, "reopen_rate", period="2024-03") == 0.5
    assert pick(by_month, "reopen_rate", period="2024-04") == 1.0
    by_client_month = eng.report(replace(MARCH_APRIL, by="client,month"))
    # B in March resolved only R3, whose count is unknown: 0 of 0, an empty value
    assert pick(by_client_month, "reopen_rate", "B", "2024-03", col="denominator") == 0.0
    assert math.isnan(pick(by_client_month, "reopen_rate", "B", "2024-03"))
    assert pick(by_client_month, "reopen_rate", "A", "2024-03") == 0.5
    # no reopen_count column: not produced, and the user is told what would enable it;
    # a column with no value at all: the same, as for the other flags
    bare = engine({k: v for k, v in REOPENS.items() if k != "reopen_count"})
    assert bare.availability()["reopen_rate"] == "map column reopen_count of tickets"
    empty = engine({**REOPENS, "reopen_count": [None] * 6})
    assert empty.availability()["reopen_rate"] == (
        "no ticket has a known value; map column reopen_count of tickets with values"
    )
    assert "reopen_rate" not in set(empty.report(MARCH_APRIL)["kpi"])
