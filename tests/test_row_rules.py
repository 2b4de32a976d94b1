"""Issue 18, items 4-7: rules for rows whose export leaves a choice, end to end.

Each failure the issue names has a small synthetic file of the same shape here (never a
real export), read by :func:`kpi.load_files` and reported by the engine; the expected
numbers are worked out by hand in the comments.

4. a resolved status without a resolved date (ServiceNow list export, Spanish Jira);
5. billing periods the words did not know (``Semi-Annually`` read as monthly);
6. decimal marks voted by distinct values instead of rows;
7. won deals closed before they were created, averaged into the sales cycle.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pytest
from kpi_helpers import pick

from kpi import LoadOptions, load_files
from kpi.load.presets import parse_preset
from kpi.model import LoadedData
from kpi.problems import Problem
from kpi.report import Engine, ReportOptions

MARCH = ReportOptions(start=date(2025, 3, 1), end=date(2025, 3, 31), as_of=date(2025, 3, 31))
Q1_BY_MONTH = ReportOptions(
    start=date(2025, 1, 1), end=date(2025, 3, 31), as_of=date(2025, 3, 31), by="month"
)


def text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(*files: tuple[str, bytes], **options: Any) -> LoadedData:
    return load_files(list(files), LoadOptions(**options))


def col(data: LoadedData, dataset: str, column: str) -> list[Any]:
    return data.tables[dataset].column(column).to_pylist()


def warnings(data: LoadedData, column: str | None = None) -> list[Problem]:
    return [
        p
        for p in data.problems
        if p.severity == "warning" and (column is None or p.column == column)
    ]


# --------------------------------------------------------------------------- 4. statuses

# A ServiceNow incident list export: element names, no resolved or closed column.
SERVICENOW = text(
    "number,state,opened_at,sys_updated_on,company",
    "INC001,Resolved,2025-03-03 09:00:00,2025-03-04 09:00:00,Acme",  # row 2: 24 h
    "INC002,Resolved,2025-03-05 10:00:00,2025-03-05 16:00:00,Acme",  # row 3: 6 h
    "INC003,Closed,2025-02-20 08:00:00,2025-03-10 08:00:00,Beta",  # row 4: 18 d = 432 h
    "INC004,In Progress,2025-03-06 09:00:00,2025-03-07 09:00:00,Beta",  # row 5: open
    "INC005,New,2025-03-20 09:00:00,2025-03-20 09:00:00,Acme",  # row 6: open
    "INC006,Canceled,2025-03-01 09:00:00,2025-03-02 09:00:00,Acme",  # row 7: cancelled
    "INC007,Resolved,2025-03-12 09:00:00,,Beta",  # row 8: no last update
    "INC008,Resolved,2025-03-15 09:00:00,2025-03-14 09:00:00,Beta",  # row 9: update < open
)


def test_servicenow_list_export_resolves_by_state_at_the_last_update() -> None:
    data = load(("incident.csv", SERVICENOW))
    assert data.files[0].mapping["status"] == "state"
    assert data.files[0].mapping["updated_at"] == "sys_updated_on"
    T = datetime
    # resolved: INC001-003 at sys_updated_on; INC006 cancelled (not resolved); INC007 and
    # INC008 resolved at an unknown time (no usable last update)
    assert col(data, "tickets", "resolved") == [
        T(2025, 3, 4, 9), T(2025, 3, 5, 16), T(2025, 3, 10, 8), None, None, None, None, None,
    ]  # fmt: skip
    assert col(data, "tickets", "cancelled_at") == [None] * 5 + [T(2025, 3, 2, 9), None, None]
    assert col(data, "tickets", "closed_unknown") == [False] * 6 + [True, True]
    # one warning per such ticket (rows 2, 3, 4, 7, 8, 9), on the status, naming it
    status = warnings(data, "status")
    assert [(p.row, p.value) for p in status] == [
        (2, "Resolved"), (3, "Resolved"), (4, "Closed"), (8, "Resolved"), (9, "Resolved"),
        (7, "Canceled"),
    ]  # fmt: skip
    assert status[0].problem == (
        "status says resolved but there is no resolution date; resolved at its last update "
        "(updated_at)"
    )
    assert status[3].problem == (
        "status says resolved but there is no resolution date and there is no last update "
        "(updated_at) to date it; resolved at an unknown time: out of the backlog, the "
        "resolved counts, FCR, SLA and the resolution times"
    )
    assert status[5].problem == (
        "status says cancelled (closed, not resolved) but there is no resolution date; out "
        "of the backlog from its last update (updated_at), never counted as resolved"
    )
    assert data.files[0].warnings == 6
    assert (
        "status (state): 6 tickets resolved or cancelled by their status without a date: "
        "4 dated by their last update, 2 at an unknown time" in data.files[0].notes
    )

    df = Engine(data).report(MARCH)
    # opened in March: all but INC003 (Feb 20) = 7
    assert pick(df, "tickets_opened") == 7.0
    # resolved in March: INC001 (Mar 4), INC002 (Mar 5), INC003 (Mar 10) = 3; INC006 is
    # cancelled, INC007 and INC008 have no date to place them in March
    assert pick(df, "tickets_resolved") == 3.0
    # (24 + 6 + 432) / 3 = 462 / 3 = 154 hours
    assert pick(df, "mean_resolution_hours") == pytest.approx(154.0)
    # open at Mar 31: INC004 and INC005 = 2 (INC006 left Mar 2; INC007/008 left, undated)
    assert pick(df, "backlog") == 2.0


def test_servicenow_backlog_by_month_counts_the_cancelled_ticket_until_its_update() -> None:
    data = load(("incident.csv", SERVICENOW))
    df = Engine(data).report(Q1_BY_MONTH)
    # Jan 31: nothing created yet -> no row; Feb 28: INC003 (created Feb 20, resolved
    # Mar 10) = 1; Mar 31: INC004, INC005 = 2. INC006 (created Mar 1, cancelled Mar 2)
    # and INC007/INC008 (undated) are never in it
    assert pick(df, "backlog", period="2025-02") == 1.0
    assert pick(df, "backlog", period="2025-03") == 2.0


def test_servicenow_export_without_an_update_column_has_a_backlog_but_no_dated_kpis() -> None:
    # the shape: State = Resolved for most rows, no resolved and no update column
    # -> 3 tickets resolved at an unknown time, 2 open
    export = text(
        "number,state,opened_at",
        "INC1,Resolved,2025-03-03 09:00:00",
        "INC2,Resolved,2025-03-04 09:00:00",
        "INC3,In Progress,2025-03-05 09:00:00",
        "INC4,Resolved,2025-03-06 09:00:00",
        "INC5,New,2025-03-07 09:00:00",
    )
    data = load(("incident.csv", export))
    assert [p.row for p in warnings(data, "status")] == [2, 3, 5]
    engine = Engine(data)
    df = engine.report(MARCH)
    # backlog at Mar 31: INC3 and INC5 = 2 (before: no backlog at all, silently)
    assert pick(df, "backlog") == 2.0
    # no ticket has a resolution date: the dated KPIs are not produced, and say why
    why = engine.availability()
    for kpi in ("tickets_resolved", "mean_resolution_hours", "median_resolution_hours"):
        assert why[kpi] == (
            "no ticket has a resolution date (3 resolved or cancelled by their status, "
            "undated); map column updated_at (last update) of tickets"
        )
        assert kpi not in set(df["kpi"])
    assert engine.availability("es")["tickets_resolved"].startswith(
        "ningún ticket tiene fecha de resolución (3 resueltos o cancelados"
    )


# A Jira export in Spanish: localized headers, dd/mmm/yy h:mm AM/PM dates, "Resuelta" empty
# (the resolution date is set by a workflow the site does not use).
JIRA_ES = (
    "Resumen,Clave de incidencia,Estado,Creada,Actualizada,Resuelta",
    "Alta usuario,SD-1,Completado,03/mar/25 9:00 AM,04/mar/25 9:00 AM,",  # row 2: 24 h
    "VPN caída,SD-2,Resuelta,10/mar/25 10:00 AM,10/mar/25 4:00 PM,",  # row 3: 6 h
    "Impresora,SD-3,En curso,11/mar/25 9:00 AM,12/mar/25 9:00 AM,",  # row 4: open
    "Portátil nuevo,SD-4,Tareas por hacer,20/mar/25 9:00 AM,20/mar/25 9:00 AM,",  # row 5: open
    "Correo,SD-5,Listo,25/feb/25 8:00 AM,27/feb/25 8:00 AM,",  # row 6: resolved Feb 27
    # row 7: a resolution date with an open status: the date wins (24 h, Mar 2)
    "Backup,SD-6,En curso,01/mar/25 9:00 AM,05/mar/25 9:00 AM,02/mar/25 9:00 AM",
)


def test_spanish_jira_export_with_empty_resuelta_resolves_by_estado() -> None:
    data = load(("jira.csv", text(*JIRA_ES)))
    assert data.files[0].mapping["resolved_at"] == "Resuelta"
    assert data.files[0].mapping["updated_at"] == "Actualizada"
    assert [(p.row, p.value) for p in warnings(data, "status")] == [
        (2, "Completado"), (3, "Resuelta"), (6, "Listo"),
    ]  # fmt: skip
    df = Engine(data).report(MARCH)
    # before: backlog 3 (SD-1, SD-2 and the rest open), resolved 0
    # resolved in March: SD-1 (Mar 4), SD-2 (Mar 10), SD-6 (Mar 2, its date) = 3
    assert pick(df, "tickets_resolved") == 3.0
    # (24 + 6 + 24) / 3 = 18 hours
    assert pick(df, "mean_resolution_hours") == pytest.approx(18.0)
    # open at Mar 31: SD-3 and SD-4 = 2
    assert pick(df, "backlog") == 2.0


def test_spanish_jira_export_without_an_update_column_leaves_the_undated_out() -> None:
    # the same export without "Actualizada": SD-1, SD-2 and SD-5 are resolved at an
    # unknown time; SD-6 keeps its date
    rows = [",".join(line.split(",")[:4] + line.split(",")[5:]) for line in JIRA_ES]
    assert rows[0] == "Resumen,Clave de incidencia,Estado,Creada,Resuelta"
    data = load(("jira.csv", text(*rows)))
    assert col(data, "tickets", "closed_unknown") == [True, True, False, False, True, False]
    assert [p.row for p in warnings(data, "status")] == [2, 3, 6]
    df = Engine(data).report(MARCH)
    # resolved in March: SD-6 only (the undated are in no month) = 1, its 24 hours
    assert pick(df, "tickets_resolved") == 1.0
    assert pick(df, "mean_resolution_hours") == pytest.approx(24.0)
    # open at Mar 31: SD-3 and SD-4 = 2; SD-1 and SD-2 are never in the backlog
    assert pick(df, "backlog") == 2.0


def test_fcr_and_sla_count_only_tickets_resolved_with_a_date() -> None:
    export = text(
        "Ticket #,Status,Created,Updated,Made SLA,First Contact Resolution",
        "1,Resolved,2025-03-03 09:00,2025-03-03 10:00,True,True",  # dated: counts
        "2,Resolved,2025-03-04 09:00,,False,False",  # undated: out of FCR and SLA
        "3,Open,2025-03-05 09:00,2025-03-05 10:00,False,False",  # not resolved
    )
    df = Engine(load(("t.csv", export))).report(MARCH)
    # fcr = 1 of 1 resolved with a known flag; sla likewise
    assert pick(df, "fcr_rate", col="numerator") == 1.0
    assert pick(df, "fcr_rate", col="denominator") == 1.0
    assert pick(df, "sla_rate", col="denominator") == 1.0


def test_a_status_column_without_resolved_words_enables_nothing() -> None:
    export = text(
        "Ticket #,Status,Created",
        "1,Open,2025-03-03 09:00",
        "2,Waiting Customer,2025-03-04 09:00",
    )
    data = load(("t.csv", export))
    assert warnings(data) == []
    why = Engine(data).availability()
    assert why["tickets_resolved"] == "map columns resolved_at or closed_at of tickets"
    assert why["backlog"] == "map columns resolved_at or closed_at of tickets"


def test_a_presets_resolved_statuses_add_words_for_its_files_only() -> None:
    export = text(
        "Nro,Abierta el,Estado,Modificado",
        "A-1,2025-03-03 09:00,Cerrado por cliente,2025-03-05 09:00",
        "A-2,2025-03-04 09:00,Abierto,2025-03-04 10:00",
    )
    other = text(
        "Ticket #,Created,Status,Updated",
        "B-1,2025-03-03 09:00,Cerrado por cliente,2025-03-06 09:00",
    )
    preset = parse_preset(
        {
            "dataset": "tickets",
            "columns": {"ticket_id": "Nro", "created_at": "Abierta el"},
            "options": {"resolved_statuses": ["cerrado POR cliente"]},
        }
    )
    data = load(("mine.csv", export), ("other.csv", other), presets=[preset])
    # the preset's file: A-1 resolved at its last update (Mar 5); the other file's B-1
    # has a status no built-in word knows: open
    assert col(data, "tickets", "ticket_id") == ["A-1", "A-2", "B-1"]
    assert col(data, "tickets", "resolved") == [datetime(2025, 3, 5, 9), None, None]
    assert [(p.file, p.row) for p in warnings(data, "status")] == [("mine.csv", 2)]


# --------------------------------------------------------------------------- 5. billing

# Agreements as ConnectWise labels them; "Every other year" is no word we know.
AGREEMENTS = text(
    "Agreement ID,Company,Start Date,End Date,Bill Amount,Billing Cycle",
    "C1,Acme,2025-01-01,,600.00,Semi-Annually",  # row 2: 600 / 6 = 100 a month
    "C2,Acme,2025-01-01,,300.00,Monthly",  # row 3: 300
    "C3,Beta,2025-01-01,,1200.00,Annually",  # row 4: 1200 / 12 = 100
    "C4,Beta,2025-01-01,2025-05-31,2400.00,Every other year",  # row 5: unknown
    "C5,Gamma,2025-02-01,,900.00,One-time",  # row 6: not recurring
)


def test_semi_annually_and_an_unknown_period_are_never_read_as_monthly() -> None:
    data = load(("agreements.csv", AGREEMENTS))
    # every contract stays loaded (renewals and devices still see them)
    assert col(data, "contracts", "contract_id") == ["C1", "C2", "C3", "C4", "C5"]
    # C5 a one-time charge: 0 months, not recurring (MRR 0, a known amount)
    assert col(data, "contracts", "billing_months") == [6, 1, 12, None, 0]
    (unknown,) = warnings(data)
    assert (unknown.file, unknown.row, unknown.column, unknown.value) == (
        "agreements.csv", 5, "Billing Cycle", "Every other year",
    )  # fmt: skip
    assert unknown.problem == (
        "unknown billing period; left out of MRR (the contract stays loaded): set its "
        "months on the Data page or in a preset (billing_months)"
    )
    (one_time,) = [p for p in data.problems if p.severity == "info"]
    assert (one_time.row, one_time.problem) == (
        6, "one-time charge, not recurring; left out of MRR",
    )  # fmt: skip
    df = Engine(data).report(Q1_BY_MONTH)
    # MRR at Mar 31: 100 (C1) + 300 (C2) + 100 (C3) = 500; before the fix C1 counted
    # 600 and C4 2400 (and C5 900) as monthly
    assert pick(df, "mrr", period="2025-03") == pytest.approx(500.0)
    # movements: January new Acme 400 + Beta 100 = 500; nothing moves after (C4 and C5
    # are out); the unknown contract is still a contract due for renewal (ends May 31)
    assert pick(df, "mrr_new", period="2025-01") == pytest.approx(500.0)
    assert pick(df, "mrr_new", period="2025-02") == 0.0
    # recurring revenue of March: MRR at Mar 31 = 500
    assert pick(df, "recurring_revenue", period="2025-03") == pytest.approx(500.0)
    report = Engine(data).report(MARCH)
    # renewals_upcoming: C4 ends May 31, within 90 days of Mar 31, not renewed: 1 contract,
    # but no MRR to put on it: its MRR is unknown, not 0 (issue 18 item 8)
    assert pick(report, "renewals_upcoming") == 1.0
    assert math.isnan(pick(report, "renewals_upcoming_mrr"))
    assert any(n.startswith("renewals_upcoming_mrr: none of 1") for n in report.attrs["notes"])
    # MRR at Mar 31 reads 5 active contracts; only C4's amount is unknown (C5's one-time
    # charge is a known MRR of 0)
    assert any(n.startswith("mrr: 1 of 5 active contracts") for n in report.attrs["notes"])


def test_a_preset_with_billing_months_fixes_the_unknown_period() -> None:
    preset = parse_preset({"options": {"billing_months": {"every other YEAR": 24}}})
    data = load(("agreements.csv", AGREEMENTS), presets=[preset])
    assert col(data, "contracts", "billing_months") == [6, 1, 12, 24, 0]
    assert warnings(data) == []
    df = Engine(data).report(Q1_BY_MONTH)
    # C4: 2400 / 24 = 100 a month -> MRR at Mar 31 = 500 + 100 = 600; January new 600
    assert pick(df, "mrr", period="2025-03") == pytest.approx(600.0)
    assert pick(df, "mrr_new", period="2025-01") == pytest.approx(600.0)


def test_the_price_of_an_uncovered_device_leaves_out_contracts_without_months() -> None:
    contracts = text(
        "Agreement ID,Company,Start Date,Bill Amount,Billing Cycle,Covered Devices",
        "K1,Acme,2025-01-01,500.00,Monthly,5",  # 100 per device
        "K2,Acme,2025-01-01,9000.00,Fortnightly,10",  # unknown: no price
    )
    devices = text(
        "Device ID,Client,Last Seen",
        *(f"D{i},Acme,2025-03-30" for i in range(20)),
    )
    df = Engine(load(("k.csv", contracts), ("d.csv", devices))).report(MARCH)
    # capacity 5 + 10 = 15 (the unknown contract still covers its devices); 20 active
    # -> 5 uncovered, at K1's 500 / 5 = 100 each = 500 (K2 would have made it
    # (500 + 9000) / 15 per device)
    assert pick(df, "uncovered_devices") == 5.0
    assert pick(df, "uncovered_mrr") == pytest.approx(500.0)


# --------------------------------------------------------------------------- 6. numbers


def test_hours_mixing_decimal_marks_are_all_read_with_a_warning_per_minority_row() -> None:
    # 19 rows written like "1.5" and 3 like "1,5" / "2,5" (quoted: the file uses ",")
    lines = ["Resource,Date Worked,Hours Worked,Company"]
    lines += [f"Ana,2025-03-{d:02d},1.5,Acme" for d in range(1, 11)]  # rows 2-11
    lines += [f"Ana,2025-03-{d:02d},0.75,Acme" for d in range(11, 20)]  # rows 12-20
    lines += ['Luis,2025-03-20,"1,5",Beta', 'Luis,2025-03-21,"2,5",Beta']  # rows 21-22
    lines += ['Luis,2025-03-24,"3,5",Beta']  # row 23
    data = load(("time.csv", text(*lines)))
    f = data.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (22, 22, 0)
    assert [(p.row, p.value) for p in warnings(data)] == [(21, "1,5"), (22, "2,5"), (23, "3,5")]
    assert warnings(data)[0].problem == (
        "decimal comma in a column of decimal points; read as a decimal comma"
    )
    df = Engine(data).report(MARCH)
    # 10 x 1.5 + 9 x 0.75 + 1.5 + 2.5 + 3.5 = 15 + 6.75 + 7.5 = 29.25
    assert pick(df, "hours_worked") == pytest.approx(29.25)


def test_amounts_with_thousands_groups_keep_the_majority_rule() -> None:
    invoices = text(
        "Client,Date,Amount",
        'Acme,2025-03-01,"1,234.50"',  # point decides (both marks): thousands group
        "Acme,2025-03-02,99.90",
        "Beta,2025-03-03,250.00",
        'Beta,2025-03-04,"12,5"',  # row 5: does not fit the point majority
    )
    data = load(("inv.csv", invoices))
    f = data.files[0]
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (4, 3, 1)
    (rejected,) = [p for p in data.problems if p.severity == "rejected"]
    assert (rejected.row, rejected.value, rejected.problem) == (5, "12,5", "not a number")
    # 1234.5 + 99.9 + 250 = 1584.4
    assert sum(col(data, "invoices", "amount")) == pytest.approx(1584.4)


# --------------------------------------------------------------------------- 7. cycles

# A HubSpot deals export; D3 was "closed" before it was created (typed by hand).
DEALS = text(
    "Record ID,Deal Name,Deal Stage,Close Date,Create Date,Amount",
    "D1,Uno,Closed Won,2025-03-29 00:00,2025-03-01 00:00,100",  # row 2: 28 days
    "D2,Dos,Closed Won,2025-03-10 00:00,2025-02-10 00:00,200",  # row 3: 28 days
    "D3,Tres,Closed Won,2025-03-05 00:00,2025-03-20 00:00,300",  # row 4: -15 days
    "D4,Cuatro,Closed Lost,2025-03-02 00:00,2025-01-01 00:00,400",  # row 5: lost
)


def test_deals_closed_before_they_were_created_are_won_but_out_of_the_cycle() -> None:
    data = load(("deals.csv", DEALS))
    (early,) = warnings(data)
    assert (early.file, early.row, early.column) == ("deals.csv", 4, "closed_at")
    assert early.value == "closed 2025-03-05 00:00, created 2025-03-20 00:00"
    assert early.problem == (
        "won deal closed before it was created; counted as won, left out of the sales cycle"
    )
    df = Engine(data).report(MARCH)
    # won in March: D1, D2, D3 = 3 (D3 is still won); lost D4 = 1
    assert pick(df, "opportunities_won") == 3.0
    assert pick(df, "won_amount") == 600.0
    # cycle over D1 and D2: (28 + 28) / 2 = 28 days (with D3: (28 + 28 - 15) / 3 = 13.67)
    assert pick(df, "avg_sales_cycle_days") == pytest.approx(28.0)
    assert pick(df, "avg_sales_cycle_days", col="denominator") == 2.0


def test_a_resolution_date_before_creation_with_a_resolved_status_uses_the_last_update() -> None:
    export = text(
        "Ticket #,Status,Created,Resolved,Updated",
        "1,Resolved,2025-03-10 09:00,2025-03-01 09:00,2025-03-11 09:00",  # row 2
        "2,Open,2025-03-10 09:00,2025-03-01 09:00,2025-03-11 09:00",  # row 3
    )
    data = load(("t.csv", export))
    # ticket 1: its date is dropped, its status resolves it at its update (Mar 11);
    # ticket 2: its date is dropped and its status is open: unresolved (as before)
    assert col(data, "tickets", "resolved") == [datetime(2025, 3, 11, 9), None]
    assert [(p.row, p.column, p.problem) for p in warnings(data)] == [
        (
            3,
            "resolved_at",
            "resolution date earlier than created_at; the ticket counts as unresolved",
        ),
        (
            2,
            "status",
            "status says resolved but its resolution date is earlier than created_at; "
            "resolved at its last update (updated_at)",
        ),
    ]
