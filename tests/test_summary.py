"""Check the numbers (:mod:`kpi.load.summary`): each dataset's rows, span, distinct clients and
technicians, rows by status, money per currency and the lines of what the KPIs used,
on small tables whose every number is worked out by hand in a comment."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from kpi import LoadOptions, load_files
from kpi.load import reconcile
from kpi.load.checks import CHECKS, Used
from kpi.load.reconcile import summarize
from kpi.load.summary import DatasetSummary, Money, Span, ValueCounts
from kpi.model import LoadedData, loaded_data
from kpi.report import Engine
from kpi.schema import DATASETS, Column, Dataset
from kpi.texts import CATALOGS, LANGS


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(*files: tuple[str, bytes]) -> LoadedData:
    return load_files(list(files), LoadOptions())


def used(s: DatasetSummary) -> dict[str, float]:
    return {u.key: u.value for u in s.used}


# --------------------------------------------------------------------------- tickets

TICKETS = csv(
    "Ticket #,Created,Resolved,Closed,Company,Technician,Status",
    "T1,2024-01-05 10:00,2024-01-06 09:00,,Acme,Ana,Closed",
    "T2,2024-02-01 09:00,,,Acme,Ben,Open",
    "T3,2024-03-10 09:00,2024-03-01 09:00,,Beta,Ana,Closed",  # resolved before created
    "T4,2024-01-20 09:00,,2024-01-21 09:00,,,Closed",  # closed date only; no client
    "T5,2024-03-31 23:00,,,acme,Ana,",  # "acme" is Acme; no status
)


def test_tickets_rows_span_distinct_statuses_and_used_lines() -> None:
    s = load(("tickets.csv", TICKETS)).summary["tickets"]
    assert s.rows == 5
    # created_at from 5 January to 31 March; every ticket has one
    assert s.span == Span("created_at", "created_at", date(2024, 1, 5), date(2024, 3, 31), 0)
    # Acme (T1, T2, T5 as "acme") and Beta; T4 has no client; Ana and Ben
    assert (s.clients, s.no_client, s.technicians) == (2, 1, 2)
    # Closed T1 T3 T4, Open T2, empty T5; nothing left over
    assert s.statuses == (ValueCounts("status", (("Closed", 3), ("Open", 1), (None, 1)), 0, 0),)
    # resolved: T1 (resolved_at), T4 (closed_at); T3's resolution date is before its
    # creation (no resolution, docs/DETAILS.md 13), but its status is Closed and there is no
    # last update to date it: closed at an unknown time (issue 18); open: T2, T5
    assert used(s) == {
        "resolved": 2, "resolved_by_status": 0, "cancelled": 0, "closed_unknown": 1,
        "open": 2, "resolved_before_created": 1,
    }  # fmt: skip
    assert s.money == ()
    # no money column; the report date is the latest event: T5 created 31 March
    assert s.as_of == date(2024, 3, 31)


def test_tickets_sentence_in_english_and_spanish() -> None:
    s = load(("tickets.csv", TICKETS)).summary["tickets"]
    assert s.sentence("en") == (
        "5 tickets: 2 with a resolution date, 1 resolved or cancelled by status, date "
        "unknown, 2 open, 1 with a resolution date before its creation (not a resolution)"
    )
    assert s.sentence("es") == (
        "5 tickets: 2 con fecha de resolución, 1 resuelto o cancelado por su estado, sin "
        "fecha, 2 abiertos, 1 con fecha de resolución anterior a la de creación (no es "
        "resolución)"
    )


def test_tickets_resolved_or_cancelled_by_status_at_their_last_update() -> None:
    # issue 18: no resolved or closed column; the status decides, dated by Last Updated
    s = load(
        (
            "tickets.csv",
            csv(
                "Ticket #,Created,Last Updated,Status",
                "T1,2024-01-05,2024-01-06,Resolved",  # resolved by status on Jan 6
                "T2,2024-01-05,2024-01-07,Resuelta",  # the same, in Spanish
                "T3,2024-01-05,2024-01-08,Cancelled",  # out of the backlog, not resolved
                "T4,2024-01-05,2024-01-09,In Progress",  # open
            ),
        )
    ).summary["tickets"]
    assert used(s) == {
        "resolved": 0, "resolved_by_status": 2, "cancelled": 1, "closed_unknown": 0,
        "open": 1, "resolved_before_created": 0,
    }  # fmt: skip
    assert s.sentence("en") == (
        "4 tickets: 0 with a resolution date, 2 resolved by status (at their last update), "
        "1 cancelled (out of the backlog from its last update), 1 open"
    )


def test_thousands_are_grouped_per_language_and_an_explanation_at_zero_is_left_out() -> None:
    # 1,234 tickets, the first 1,200 resolved the next day: 34 open, none resolved early
    rows = ["Ticket #,Created,Resolved"]
    for i in range(1234):
        resolved = "2024-01-02" if i < 1200 else ""
        rows.append(f"T{i},2024-01-01,{resolved}")
    s = load(("tickets.csv", csv(*rows))).summary["tickets"]
    assert s.sentence("en") == "1,234 tickets: 1,200 with a resolution date, 34 open"
    assert s.sentence("es") == "1.234 tickets: 1.200 con fecha de resolución, 34 abiertos"
    # the explanation is computed (0) but not shown
    assert used(s)["resolved_before_created"] == 0
    # no client and no technician column: every row without a client, no technician
    assert (s.clients, s.no_client, s.technicians) == (0, 1234, None)


def test_header_only_file_gives_zeros_and_no_dates() -> None:
    s = load(("tickets.csv", csv("Ticket #,Created,Status"))).summary["tickets"]
    assert s.rows == 0
    assert s.span == Span("created_at", "created_at", None, None, 0)
    assert s.statuses == (ValueCounts("status", (), 0, 0),)
    assert s.sentence("en") == "0 tickets: 0 with a resolution date, 0 open"


def test_the_merged_rows_of_an_event_log_count_once() -> None:
    # T1 appears twice (event log): one ticket, its final row (Closed) counted
    data = load(
        (
            "tickets.csv",
            csv(
                "Ticket #,Created,Resolved,Last Updated,Status",
                "T1,2024-01-01,,2024-01-01,In Progress",
                "T1,2024-01-01,2024-01-03,2024-01-03,Closed",
                "T2,2024-01-02,,2024-01-02,New",
            ),
        )
    )
    s = data.summary["tickets"]
    assert s.rows == 2 == data.files[0].rows_loaded
    assert s.statuses[0].values == (("Closed", 1), ("New", 1))
    assert used(s) == {
        "resolved": 1, "resolved_by_status": 0, "cancelled": 0, "closed_unknown": 0,
        "open": 1, "resolved_before_created": 0,
    }  # fmt: skip


# --------------------------------------------------------------------------- surveys, time


def test_surveys_responses_satisfied_and_offered_only() -> None:
    data = load(
        (
            "csat.csv",
            csv(
                "Rated On,Rating,Client,Technician",
                "2024-01-01,5,Acme,Ana",
                "2024-01-02,2,Acme,Ana",
                "2024-01-03,4,Beta,Ben",
                "2024-01-04,offered,Beta,",
            ),
        )
    )
    s = data.summary["surveys"]
    # scale 5 (largest score): satisfied from 4, so rows 1 and 3; "offered" is no response
    assert used(s) == {"responses": 3, "satisfied": 2, "offered": 1}
    assert s.span == Span("responded_at", "responded_at", date(2024, 1, 1), date(2024, 1, 4), 0)
    assert (s.clients, s.technicians) == (2, 2)
    assert s.sentence("en") == (
        "4 survey rows: 3 responses, 2 satisfied, 1 offered only (not a response)"
    )
    # a count of 1 takes the singular where the language needs it
    assert s.sentence("es") == (
        "4 filas de encuesta: 3 respuestas, 2 satisfechas, 1 solo ofrecida (no es respuesta)"
    )


def test_time_entries_billable_and_non_billable_hours() -> None:
    data = load(
        (
            "time.csv",
            csv(
                "Member,Date,Hours,Billable,Company",
                "Ana,2024-01-01,1.5,Yes,Acme",
                "Ana,2024-01-02,2,No,Acme",
                "Ben,2024-01-02,0.5,Yes,Beta",
                "Ben,2024-01-03,1,,Beta",  # empty billable: not billable (docs/DETAILS.md 25)
            ),
        )
    )
    s = data.summary["time_entries"]
    # billable 1.5 + 0.5 = 2.0; not billable 2 + 1 = 3.0
    assert used(s) == {"billable_hours": 2.0, "non_billable_hours": 3.0}
    assert s.sentence("en") == "4 time entries: 2.0 billable hours, 3.0 non-billable hours"
    assert s.sentence("es") == "4 partes de horas: 2,0 horas facturables, 3,0 horas no facturables"
    assert s.span == Span("date", "date", date(2024, 1, 1), date(2024, 1, 3), 0)
    assert (s.clients, s.technicians) == (2, 2)


def test_staff_costs_and_capacity() -> None:
    data = loaded_data(
        {
            "staff": {
                "technician": ["Ana", "Ben"],
                "hourly_cost": [30.0, None],
                "weekly_hours": [None, 20.0],
            }
        }
    )
    s = summarize(data)["staff"]
    assert used(s) == {"with_cost": 1, "with_weekly_hours": 1}
    assert (s.span, s.clients, s.technicians) == (None, None, 2)
    assert s.sentence("en") == "2 technicians: 1 with an hourly cost, 1 with weekly hours (else 40)"


# --------------------------------------------------------------------------- contracts

CONTRACTS = {
    "contract_id": ["C1", "C2", "C3", "C4"],
    "client": ["Acme", "Acme", "Beta", "Beta"],
    "start_date": [date(2023, 1, 1), date(2023, 6, 1), date(2024, 7, 1), date(2022, 1, 1)],
    "end_date": [None, date(2024, 5, 31), date(2025, 6, 30), date(2024, 6, 30)],
    "amount": [100.0, 300.0, 50.5, 49.5],
    "status": ["Active", "Ended", "Active", None],
}


def test_contracts_active_at_as_of_end_dates_statuses_and_money() -> None:
    s = summarize(loaded_data({"contracts": CONTRACTS}, as_of=date(2024, 6, 30)))["contracts"]
    assert s.rows == 4
    # active on 30 June 2024: C1 (no end) and C4 (ends that day); C2 ended in May, C3
    # starts in July
    # with an end date: C2, C3, C4
    assert used(s) == {"active": 2, "with_end": 3}
    assert s.sentence("en") == "4 contracts: 2 active on 2024-06-30, 3 with an end date"
    assert s.sentence("es") == "4 contratos: 2 activos a 2024-06-30, 3 con fecha de fin"
    # from the first start (C4, 2022) to the last end (C3, 2025)
    assert s.span == Span("start_date", "end_date", date(2022, 1, 1), date(2025, 6, 30), 0)
    # ties (Ended and empty, 1 each) by value, the empty value last
    assert s.statuses == (ValueCounts("status", (("Active", 2), ("Ended", 1), (None, 1))),)
    # no currency column: one group, currency unknown; 100 + 300 + 50.5 + 49.5 = 500
    assert s.money == (Money("amount", None, 500.0, 4),)
    assert (s.clients, s.no_client, s.technicians) == (2, 0, None)


def test_lines_at_the_report_date_are_left_out_without_one() -> None:
    # contracts alone: their dates are plans, the data has no report date
    s = summarize(loaded_data({"contracts": CONTRACTS}))["contracts"]
    assert used(s) == {"with_end": 3}
    assert s.sentence("en") == "4 contracts: 3 with an end date"


def test_values_beyond_the_top_are_added_up_as_other(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reconcile, "TOP_VALUES", 2)
    s = summarize(loaded_data({"contracts": CONTRACTS}))["contracts"]
    # Active 2, Ended 1 listed; the empty status (1 row, 1 value) is "other"
    assert s.statuses == (ValueCounts("status", (("Active", 2), ("Ended", 1)), 1, 1),)
    assert s.lines("en")[4] == "  status: Active 2; Ended 1; other (1 value) 1"


def test_contract_lines_as_the_command_line_prints_them() -> None:
    s = summarize(loaded_data({"contracts": CONTRACTS}, as_of=date(2024, 6, 30)))["contracts"]
    assert s.lines("en") == [
        "Contracts",
        "  4 contracts: 2 active on 2024-06-30, 3 with an end date",
        "  dates: start_date 2022-01-01 .. end_date 2025-06-30",
        "  clients: 2",
        "  status: Active 2; Ended 1; (empty) 1",
        "  amount (currency not given): 500.00 in 4 rows",
    ]
    assert s.lines("es") == [
        "Contratos",
        "  4 contratos: 2 activos a 2024-06-30, 3 con fecha de fin",
        "  fechas: start_date 2022-01-01 .. end_date 2025-06-30",
        "  clientes: 2",
        "  status: Active 2; Ended 1; (vacío) 1",
        "  amount (moneda no indicada): 500,00 en 4 filas",
    ]


# --------------------------------------------------------------------------- devices, projects


def test_devices_active_at_as_of_per_the_kpi_rule() -> None:
    # as of 30 June 2024: seen on or after 31 May (30 days before), first seen by then,
    # not marked inactive
    data = loaded_data(
        {
            "devices": {
                "device_id": ["D1", "D2", "D3", "D4", "D5", "D6"],
                "client": ["Acme"] * 3 + ["Beta"] * 3,
                "first_seen": [None, None, None, None, datetime(2024, 7, 1), None],
                "last_seen": [datetime(2024, 6, 30, 12), datetime(2024, 5, 31),
                              datetime(2024, 5, 30, 23, 59), None, None, None],
                "active": [None, None, None, False, None, None],
            }
        },
        as_of=date(2024, 6, 30),
    )  # fmt: skip
    s = summarize(data)["devices"]
    # active: D1 (seen that day), D2 (exactly 30 days before), D6 (no dates at all);
    # not: D3 (seen 31 days before), D4 (marked inactive), D5 (first seen after)
    assert used(s) == {"active": 3, "inactive": 3}
    # last seen from 30 May to 30 June; D4, D5, D6 never seen
    assert s.span == Span("last_seen", "last_seen", date(2024, 5, 30), date(2024, 6, 30), 3)
    assert s.lines("en")[2] == "  dates: last_seen 2024-05-30 .. 2024-06-30 (3 without last_seen)"


def test_projects_active_completed_and_not_started() -> None:
    d = date
    data = loaded_data(
        {
            "projects": {
                "project_id": ["P1", "P2", "P3", "P4", "P5", "P6"],
                "client": ["Acme"] * 6,
                "status": ["In Progress", "Completádo", "Open", None, None, None],
                "start_date": [d(2024, 1, 1), d(2024, 1, 1), d(2024, 2, 1), d(2024, 3, 1),
                               d(2024, 3, 1), d(2024, 7, 1)],
                "due_date": [d(2024, 12, 31), d(2024, 3, 31), d(2024, 8, 1), d(2024, 9, 1),
                             d(2024, 9, 1), d(2024, 10, 1)],
                "percent_complete": [0.5, None, 1.0, None, None, None],
                "closed_at": [None, None, None, d(2024, 6, 30), d(2024, 7, 15), None],
                "budget_hours": [10.0] * 6,
            }
        },
        as_of=d(2024, 6, 30),
    )  # fmt: skip
    s = summarize(data)["projects"]
    # completed by 30 June (docs/KPIS.md 8): P2 (status "Completádo" folded), P3 (100 %), P4
    # (closed that day); active: P1 and P5 (closed only in July); P6 starts in July
    assert used(s) == {"active": 2, "completed": 3, "not_started": 1}
    assert s.span == Span("start_date", "due_date", d(2024, 1, 1), d(2024, 12, 31), 0)
    # empty 3 first; the rest 1 each, by value
    assert s.statuses[0].values == ((None, 3), ("Completádo", 1), ("In Progress", 1), ("Open", 1))


# --------------------------------------------------------------------------- money


INVOICES = {
    "client": ["Acme", "Acme", "Beta", "Beta"],
    "date": [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31), date(2024, 3, 31)],
    "amount": [100.0, -20.0, 250.25, 9.75],
    "cost": [40.0, None, 10.5, None],
}


def test_invoices_amount_and_cost_and_lines_with_a_cost() -> None:
    s = summarize(loaded_data({"invoices": INVOICES}))["invoices"]
    # amount 100 - 20 + 250.25 + 9.75 = 340.0 over 4 lines; cost 40 + 10.5 = 50.5 over 2
    assert s.money == (Money("amount", None, 340.0, 4), Money("cost", None, 50.5, 2))
    assert used(s) == {"with_cost": 2}
    assert s.span == Span("date", "date", date(2024, 1, 31), date(2024, 3, 31), 0)


def test_a_column_no_file_had_gives_no_line_and_no_money() -> None:
    without_cost = {k: v for k, v in INVOICES.items() if k != "cost"}
    s = summarize(loaded_data({"invoices": without_cost}))["invoices"]
    assert s.money == (Money("amount", None, 340.0, 4),)
    assert used(s) == {}
    assert s.sentence("en") == "4 invoice lines"


def test_money_is_summed_per_currency_once_the_dataset_has_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the invoices declared with a currency column (as the currency work will add it)
    ds = DATASETS["invoices"]
    with_currency = Dataset(
        ds.name, (*ds.columns, Column("currency", "text")),
        key=ds.key, description=ds.description,
    )  # fmt: skip
    monkeypatch.setitem(DATASETS, "invoices", with_currency)
    data = loaded_data({"invoices": {**INVOICES, "currency": ["EUR", "EUR", "USD", None]}})
    s = summarize(data)["invoices"]
    # EUR: 100 - 20 = 80 (2 lines); USD: 250.25 (1); unknown: 9.75 (1); never added up
    assert s.money == (
        Money("amount", "EUR", 80.0, 2),
        Money("amount", "USD", 250.25, 1),
        Money("amount", None, 9.75, 1),
        Money("cost", "EUR", 40.0, 1),
        Money("cost", "USD", 10.5, 1),
    )
    assert s.lines("en")[-5:] == [
        "  amount (EUR): €80.00 in 2 rows",
        "  amount (USD): $250.25 in 1 row",
        "  amount (currency not given): 9.75 in 1 row",
        "  cost (EUR): €40.00 in 1 row",
        "  cost (USD): $10.50 in 1 row",
    ]


def test_opportunities_outcomes_amounts_and_probabilities() -> None:
    data = loaded_data(
        {
            "opportunities": {
                "opportunity_id": ["O1", "O2", "O3", "O4"],
                "created_at": [datetime(2024, 1, 1), datetime(2024, 1, 2),
                               datetime(2024, 1, 3), datetime(2024, 2, 1)],
                "outcome": ["open", "won", "lost", "won"],
                "amount": [1000.0, 2000.0, None, 500.0],
                "probability": [0.5, None, None, None],
            }
        }
    )  # fmt: skip
    s = summarize(data)["opportunities"]
    # open O1; won O2, O4; lost O3; amounts on O1, O2, O4; a probability on O1
    assert used(s) == {
        "open": 1, "won": 2, "lost": 1, "closed_before_created": 0, "with_amount": 3,
        "with_probability": 1,
    }  # fmt: skip
    # outcome is derived (always there); stage came from no file: not listed
    assert s.statuses == (ValueCounts("outcome", (("won", 2), ("lost", 1), ("open", 1))),)
    # 1000 + 2000 + 500 = 3500 over 3 rows
    assert s.money == (Money("amount", None, 3500.0, 3),)
    assert s.sentence("en") == (
        "4 opportunities: 1 open, 2 won, 1 lost, 3 with an amount, 1 with a probability"
    )


# --------------------------------------------------------------------------- declarations


def test_a_line_on_a_column_not_declared_yet_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    # a line declared ahead of its derived column: skipped until the schema has it
    check = CHECKS["tickets"]
    later = Used("by_status", "resolved_by_status IS NOT NULL", needs=("resolved_by_status",))
    monkeypatch.setitem(CHECKS, "tickets", replace(check, used=(*check.used, later)))
    s = load(("tickets.csv", TICKETS)).summary["tickets"]
    assert "by_status" not in used(s)
    assert s.rows == 5


def test_every_declaration_names_declared_columns() -> None:
    for name, check in CHECKS.items():
        ds = DATASETS[name]
        for column in (*(check.span or ()), *check.statuses, *check.money):
            assert ds.has(column), (name, column)
        assert len({u.key for u in check.used}) == len(check.used), name
        # its texts (kpi/texts; the same placeholders in every language: tests/test_texts.py)
        for u in check.used:
            for lang in LANGS:
                assert "{n}" in CATALOGS[lang][f"load.check.{name}.{u.key}"], (name, u.key)
        for lang in LANGS:
            assert CATALOGS[lang][f"load.check.{name}.noun"], name
            assert CATALOGS[lang][f"load.check.{name}.noun.one"], name


def test_the_summary_outlives_the_rows() -> None:
    data = load(("tickets.csv", TICKETS))
    assert data.without_rows().summary == data.summary
    engine = Engine(data)
    # the engine keeps the data without its rows; the summary stays
    assert engine.data.tables["tickets"].num_rows == 0
    assert engine.data.summary["tickets"].rows == 5


def test_datasets_in_declaration_order_and_aliases_left_out() -> None:
    data = load(
        ("time.csv", csv("Member,Date,Hours", "Ana,2024-01-01,1")),
        ("tickets.csv", TICKETS),
        ("aliases.csv", csv("Client,Alias", "Acme,ACME Corp")),
    )
    assert list(data.summary) == ["tickets", "time_entries"]


def test_one_row_and_a_count_of_one_read_in_the_singular() -> None:
    s = load(("tickets.csv", csv("Ticket #,Created", "T1,2024-01-01"))).summary["tickets"]
    assert s.sentence("en") == "1 ticket: 0 with a resolution date, 1 open"
    assert s.sentence("es") == "1 ticket: 0 con fecha de resolución, 1 abierto"


def test_contracts_with_an_unknown_billing_period_or_a_one_time_charge() -> None:
    # issue 18: "Every other year" is never guessed (out of MRR), "One-time" is MRR 0
    s = load(
        (
            "agreements.csv",
            csv(
                "Agreement ID,Company,Start Date,Bill Amount,Billing Cycle",
                "A1,Acme,2024-01-01,100,Monthly",
                "A2,Acme,2024-01-01,600,Semi-Annually",
                "A3,Beta,2024-01-01,2400,Every other year",
                "A4,Beta,2024-02-01,900,One-time",
            ),
        )
    ).summary["contracts"]
    assert used(s)["unknown_period"] == 1 and used(s)["one_time"] == 1
    assert s.sentence("en") == (
        "4 contracts: 0 with an end date, 1 with an unknown billing period (out of MRR until "
        "its months are set), 1 one-time charge (MRR 0)"
    )
