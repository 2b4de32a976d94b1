"""Parsing rules of docs/DATA.md / docs/DETAILS.md, end to end through :func:`kpi.load_files`.

One test per rule, on small inline CSV files; then the accounting invariant of docs/DATA.md
("Nothing is lost") as a Hypothesis property over generated ticket exports.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi import LoadOptions, load_files
from kpi.load import expand_inputs
from kpi.model import FileReport, LoadedData
from kpi.schema import NO_CLIENT


def text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(*files: tuple[str, bytes], **options: Any) -> LoadedData:
    return load_files(list(files), LoadOptions(**options))


def col(data: LoadedData, dataset: str, column: str) -> list[Any]:
    return data.tables[dataset].column(column).to_pylist()


def report(data: LoadedData, name: str) -> FileReport:
    (f,) = [f for f in data.files if f.file == name]
    return f


def counts(f: FileReport) -> tuple[int, int, int, int]:
    """(read, loaded, merged, rejected)"""
    return (f.rows_read, f.rows_loaded, f.rows_merged, f.rows_rejected)


def rows_with(data: LoadedData, severity: str, file: str | None = None) -> list[int | None]:
    return sorted(
        p.row  # type: ignore[misc]
        for p in data.problems
        if p.severity == severity and (file is None or p.file == file)
    )


# --------------------------------------------------------------------------- event logs


def test_event_log_greatest_updated_at_wins_empty_loses_ties_go_to_the_later_row() -> None:
    data = load(("log.csv", text(
        "Ticket #,Created,Updated,Status",
        "T1,2025-03-01 09:00,2025-03-03 10:00,Resolved",     # row 2: T1's latest update
        "T1,2025-03-01 09:00,2025-03-02 10:00,In Progress",  # row 3: later row, older update
        "T2,2025-03-01 11:00,,New",                          # row 4: no update date: loses
        "T2,2025-03-01 11:00,2025-03-01 12:00,Assigned",     # row 5
        "T3,2025-03-02 08:00,2025-03-02 09:00,First",        # row 6: tie with row 7
        "T3,2025-03-02 08:00,2025-03-02 09:00,Second",       # row 7: the later row wins
        "T2,2025-03-01 11:00,,Reopened",                     # row 8: last, but undated
    )))  # fmt: skip
    assert col(data, "tickets", "ticket_id") == ["T1", "T2", "T3"]
    assert col(data, "tickets", "status") == ["Resolved", "Assigned", "Second"]
    # 7 rows = 3 loaded + 4 merged (rows 3, 4, 6, 8)
    assert counts(report(data, "log.csv")) == (7, 3, 4, 0)
    assert rows_with(data, "info") == [3, 4, 6, 8]


def test_event_log_without_updated_column_keeps_the_later_row() -> None:
    data = load(("log.csv", text(
        "Ticket #,Created,Status",
        "A-1,2025-03-01,Open",
        "A-1,2025-03-01,Closed",
    )))  # fmt: skip
    assert col(data, "tickets", "status") == ["Closed"]
    assert counts(report(data, "log.csv")) == (2, 1, 1, 0)


def test_same_ticket_in_two_files_goes_by_file_order() -> None:
    a = ("a.csv", text("Ticket #,Created,Updated,Status", "T9,2025-03-01,2025-03-02,From A"))
    b = ("b.csv", text("Ticket #,Created,Updated,Status", "T9,2025-03-01,2025-03-02,From B"))
    # same updated_at: the later file (command-line order) wins
    data = load(a, b)
    assert col(data, "tickets", "status") == ["From B"]
    assert counts(report(data, "a.csv")) == (1, 0, 1, 0)
    assert counts(report(data, "b.csv")) == (1, 1, 0, 0)
    data = load(b, a)
    assert col(data, "tickets", "status") == ["From A"]
    assert counts(report(data, "b.csv")) == (1, 0, 1, 0)


def test_a_folders_files_go_by_name(tmp_path: Path) -> None:
    (tmp_path / "2_march.csv").write_bytes(text("Ticket #,Created,Status", "T9,2025-03-01,March"))
    (tmp_path / "1_feb.csv").write_bytes(text("Ticket #,Created,Status", "T9,2025-03-01,Feb"))
    data = load_files([tmp_path])
    assert [f.file for f in data.files] == ["1_feb.csv", "2_march.csv"]
    assert col(data, "tickets", "status") == ["March"]


def test_folders_are_read_recursively_sorted_and_named_by_relative_path(tmp_path: Path) -> None:
    tickets = "Ticket #,Created,Status"
    for sub in ("2024", "2024/sub", ".git"):
        (tmp_path / sub).mkdir()
    (tmp_path / "tickets.csv").write_bytes(text(tickets, "T1,2025-03-01,March"))
    (tmp_path / "2024" / "tickets.csv").write_bytes(text(tickets, "T1,2025-03-01,Feb"))
    (tmp_path / "2024" / "sub" / "a.csv").write_bytes(text(tickets, "T2,2025-03-01,Sub"))
    (tmp_path / "2024" / ".hidden.csv").write_bytes(text(tickets, "T9,2025-03-01,Hidden"))
    (tmp_path / ".git" / "x.csv").write_bytes(text(tickets, "T9,2025-03-01,Git"))
    (tmp_path / "2024" / "notes.md").write_text("not data")
    names = [n for n, _ in expand_inputs([tmp_path])]
    # folder by folder: 2024/ (its subfolder sub/ sorts before its tickets.csv), then the
    # top-level file; hidden files and folders and non-data files are not read
    assert names == ["2024/sub/a.csv", "2024/tickets.csv", "tickets.csv"]
    data = load_files([tmp_path])
    assert [f.file for f in data.files] == names
    # T1: no updated_at, so the later file (tickets.csv) wins
    assert col(data, "tickets", "status") == ["Sub", "March"]
    assert counts(report(data, "2024/tickets.csv")) == (1, 0, 1, 0)


def test_files_of_the_same_name_in_two_subfolders_do_not_collide(tmp_path: Path) -> None:
    for sub, status in (("a", "Old"), ("b", "New")):
        (tmp_path / sub).mkdir()
        row = f"T1,2025-03-01,{status}"
        (tmp_path / sub / "t.csv").write_bytes(text("Ticket #,Created,Status", row))
    data = load_files([tmp_path])
    assert [f.file for f in data.files] == ["a/t.csv", "b/t.csv"]
    assert col(data, "tickets", "status") == ["New"]
    assert counts(report(data, "a/t.csv")) == (1, 0, 1, 0)
    assert [(p.file, p.row) for p in data.problems] == [("a/t.csv", 2)]


def test_the_sample_folder_has_no_subfolder_to_read() -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    assert all("/" not in name for name, _ in expand_inputs([sample]))


def test_a_sheet_with_headers_and_no_rows_loads_0_rows_with_a_warning() -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Tickets"
    ws.append(["Ticket #", "Created", "Company"])
    ws.append(["T1", "2025-03-01", "Acme"])
    empty = wb.create_sheet("March")
    empty.append(["Ticket #", "Created", "Company"])
    buf = io.BytesIO()
    wb.save(buf)
    data = load(("book.xlsx", buf.getvalue()))
    march = next(f for f in data.files if f.sheet == "March")
    # recognised as tickets, 0 rows, and 1 warning that says so
    assert (march.dataset, counts(march), march.warnings) == ("tickets", (0, 0, 0, 0), 1)
    assert [(p.sheet, p.row, p.problem, p.severity) for p in data.problems] == [
        ("March", None, "no data rows under the headers", "warning")
    ]


# --------------------------------------------------------------------------- resolution


def test_resolved_at_else_closed_at_and_early_resolutions_dropped() -> None:
    data = load(("t.csv", text(
        "Ticket #,Created,Resolved,Closed",
        "R1,2025-03-05 10:00,2025-03-04 09:00,",                  # row 2: resolved < created
        "R2,2025-03-05 10:00,,2025-03-05 09:59",                  # row 3: closed < created
        "R3,2025-03-05 10:00,,2025-03-06 08:00",                  # row 4: closed is used
        "R4,2025-03-05 10:00,2025-03-05 12:00,2025-03-07 08:00",  # row 5: resolved first
        "R5,2025-03-05 10:00,2025-03-04 12:00,2025-03-07 08:00",  # row 6: resolved < created
    )))  # fmt: skip
    # docs/DETAILS.md 13: per row, resolved_at else closed_at; an effective date earlier than
    # created_at is dropped (R5 does not fall back to its closed date: it is unresolved)
    assert col(data, "tickets", "resolved") == [
        None, None, datetime(2025, 3, 6, 8, 0), datetime(2025, 3, 5, 12, 0), None]  # fmt: skip
    f = report(data, "t.csv")
    assert counts(f) == (5, 5, 0, 0)
    warned = [(p.row, p.column) for p in data.problems if p.severity == "warning"]
    assert warned == [(2, "resolved_at"), (3, "resolved_at"), (6, "resolved_at")]
    assert f.warnings == 3


# --------------------------------------------------------------------------- names

TICKETS_ACME = ("tickets.csv", text(
    "Ticket #,Created,Company",
    "T1,2025-03-01,Acme S.L.",
    "T2,2025-03-01,ACME SL",
    "T3,2025-03-01,ACME SL",
    "T4,2025-03-01,Globex Inc",
))  # fmt: skip
CONTRACTS_ACME = ("contracts.csv", text(
    "Contract ID,Company,Start Date,Amount",
    "C1,acme,2025-01-01,1000",
))  # fmt: skip


def test_client_names_join_across_datasets_with_the_most_frequent_spelling() -> None:
    data = load(TICKETS_ACME, CONTRACTS_ACME)
    # key "acme": Acme S.L. x1, ACME SL x2 (tickets), acme x1 (contracts) -> "ACME SL"
    assert col(data, "tickets", "client") == ["ACME SL", "ACME SL", "ACME SL", "Globex Inc"]
    assert col(data, "contracts", "client") == ["ACME SL"]


def test_client_name_ties_go_to_the_first_seen_spelling() -> None:
    tickets = ("tickets.csv", text("Ticket #,Created,Company", "T1,2025-03-01,Acme S.L."))
    contracts = ("contracts.csv", text("Contract ID,Company,Start Date,Amount",
                                       "C1,ACME SL,2025-01-01,1000"))  # fmt: skip
    # one row each: the spelling seen first (files in the order given) is shown
    data = load(tickets, contracts)
    assert col(data, "contracts", "client") == ["Acme S.L."]
    data = load(contracts, tickets)
    assert col(data, "tickets", "client") == ["ACME SL"]


def test_client_name_ties_within_a_file_go_to_the_earlier_row() -> None:
    tickets = ("tickets.csv", text(
        "Ticket #,Created,Company",
        "T1,2025-03-01,Globex",
        "T2,2025-03-01,ACME SL",
        "T3,2025-03-01,Acme S.L.",
        "T4,2025-03-01,Acme S.L.",
        "T5,2025-03-01,ACME SL",
        "T6,2025-03-01,",
    ))  # fmt: skip
    # two rows each: "ACME SL" (row 2) was read before "Acme S.L." (row 3); Globex is
    # unchanged and the empty client is the engine's "(none)"
    data = load(tickets)
    assert col(data, "tickets", "client")[:5] == ["Globex"] + ["ACME SL"] * 4
    assert col(data, "tickets", "client")[5] == NO_CLIENT


def test_client_name_ties_follow_the_reading_order_across_datasets() -> None:
    first = ("1_tickets.csv", text("Ticket #,Created,Company", "T1,2025-03-01,Globex"))
    second = ("2_contracts.csv", text("Contract ID,Company,Start Date,Amount",
                                      "C1,Acme S.L.,2025-01-01,1000"))  # fmt: skip
    third = ("3_tickets.csv", text("Ticket #,Created,Company", "T2,2025-03-02,ACME SL"))
    # "Acme S.L." (file 2) and "ACME SL" (file 3) once each: the one read first is shown
    data = load(first, second, third)
    assert col(data, "tickets", "client") == ["Globex", "Acme S.L."]
    assert col(data, "contracts", "client") == ["Acme S.L."]


def test_client_alias_table() -> None:
    aliases = ("clients.csv", text(
        "Client,Alias",
        "Acme S.L.,Industrias ACME Iberia",
        "Acme S.L.,ACM",
    ))  # fmt: skip
    tickets = ("tickets.csv", text(
        "Ticket #,Created,Company",
        "T1,2025-03-01,Industrias ACME Iberia",
        "T2,2025-03-01,ACM",
        "T3,2025-03-01,Acme SL",
    ))  # fmt: skip
    data = load(aliases, tickets)
    assert report(data, "clients.csv").dataset == "clients"
    # aliases read as "Acme S.L." (x2), "Acme SL" joins by key (x1): "Acme S.L." shown
    assert col(data, "tickets", "client") == ["Acme S.L."] * 3
    assert "clients" not in data.tables  # the alias table is not a dataset for the engine


def test_technician_names_join_staff_time_entries_and_tickets() -> None:
    staff = ("staff.csv", text("Technician,Hourly Cost", "José  García,30", "Ana Pérez,25"))
    time = ("time.csv", text(
        "Member,Date,Hours,Billable",
        "José García,2025-03-03,2,Yes",
        "JOSE GARCIA,2025-03-04,1,No",
        "José García,2025-03-05,3,Yes",
        "ana pérez,2025-03-05,1,Yes",
    ))  # fmt: skip
    tickets = ("tickets.csv", text("Ticket #,Created,Assigned To", "T1,2025-03-03,jose garcia"))
    data = load(staff, time, tickets)
    # key "jose garcia": "José García" x2 beats the other spellings (x1 each)
    assert col(data, "staff", "technician") == ["José García", "Ana Pérez"]
    assert col(data, "time_entries", "technician") == [
        "José García", "José García", "José García", "Ana Pérez"]  # fmt: skip
    assert col(data, "tickets", "technician") == ["José García"]


# --------------------------------------------------------------------------- surveys

TICKETS_S = ("tickets.csv", text(
    "Ticket #,Created,Company,Assigned To",
    "S-1,2025-03-01,Acme,Ana",
    "S-2,2025-03-01,Globex,Bea",
))  # fmt: skip


def test_survey_client_and_technician_fall_back_to_the_ticket() -> None:
    surveys = ("csat.csv", text(
        "Ticket #,Survey Date,Rating",
        "S-1,2025-03-02,5",
        "S-3,2025-03-02,4",  # no such ticket
    ))  # fmt: skip
    data = load(TICKETS_S, surveys)
    assert report(data, "csat.csv").dataset == "surveys"
    assert col(data, "surveys", "client") == ["Acme", "(none)"]
    assert col(data, "surveys", "technician") == ["Ana", None]


def test_survey_own_values_win_and_empty_ones_fall_back() -> None:
    surveys = ("csat.csv", text(
        "Ticket #,Survey Date,Rating,Company,Technician",
        "S-1,2025-03-02,5,,",
        "S-2,2025-03-02,3,Initech,Zoe",
        " S-2 ,2025-03-03,4,,",  # ticket id matched after trimming
    ))  # fmt: skip
    data = load(TICKETS_S, surveys)
    assert col(data, "surveys", "client") == ["Acme", "Initech", "Globex"]
    assert col(data, "surveys", "technician") == ["Ana", "Zoe", "Bea"]


# --------------------------------------------------------------------------- time, staff, devices


def test_time_entries_without_billable_column_are_all_billable_with_a_note() -> None:
    data = load(("time.csv", text("Member,Date,Hours", "Ana,2025-03-03,2", "Bea,2025-03-03,1.5")))
    assert col(data, "time_entries", "billable") == [True, True]
    assert "billable" not in data.present["time_entries"]
    assert any("billable" in note for note in data.notes)


def test_time_entry_hours_from_start_and_end() -> None:
    data = load(("time.csv", text(
        "Member,Date,Time Start,Time End",
        "Ana,2025-03-03,2025-03-03 09:00,2025-03-03 10:30",  # 1.5 h
        "Bea,2025-03-03,2025-03-03 12:00,2025-03-03 11:00",  # row 3: end before start
    )))  # fmt: skip
    assert col(data, "time_entries", "hours") == [1.5]
    assert counts(report(data, "time.csv")) == (2, 1, 0, 1)
    assert rows_with(data, "rejected") == [3]


def test_staff_listed_twice_first_row_wins_and_is_merged() -> None:
    data = load(("staff.csv", text(
        "Technician,Hourly Cost,Weekly Hours",
        "Ana Pérez,30,40",
        "ana perez,35,20",  # row 3: the same technician (case, accents)
        "Bea,25,",
    )))  # fmt: skip
    assert col(data, "staff", "technician") == ["Ana Pérez", "Bea"]
    assert col(data, "staff", "hourly_cost") == [30.0, 25.0]
    assert counts(report(data, "staff.csv")) == (3, 2, 1, 0)
    assert rows_with(data, "info") == [3]


def test_devices_listed_twice_count_twice_with_a_warning() -> None:
    data = load(("devices.csv", text(
        "Device ID,Company,Last Seen",
        "D1,Acme,2025-03-01",
        "D2,Acme,2025-03-01",
        "D1,Acme,2025-03-02",  # row 4: D1 again
    )))  # fmt: skip
    assert col(data, "devices", "device_id") == ["D1", "D2", "D1"]
    f = report(data, "devices.csv")
    assert counts(f) == (3, 3, 0, 0)
    warned = {p.row for p in data.problems if p.severity == "warning"}
    assert 4 in warned and warned <= {2, 4}
    assert f.warnings == len(warned)


# --------------------------------------------------------------------------- rejected rows


def test_required_value_missing_or_bad_rejects_the_row_with_where_and_why() -> None:
    data = load(("open.csv", text(
        "Open tickets report",                # row 1: a title line
        "",                                   # row 2
        "Ticket #,Created,Company,Hours",     # row 3: the header
        "T1,2025-03-01 09:00,Acme,1.5",       # row 4
        ",2025-03-01 10:00,Acme,1",           # row 5: no ticket id
        "T3,,Acme,2",                         # row 6: no created date
        "T4,2025-02-31 08:00,Acme,2",         # row 7: no such date
        "T5,2025-03-02 11:00,Acme,abc",       # row 8: optional hours unreadable
    )))  # fmt: skip
    f = report(data, "open.csv")
    assert f.header_row == 3
    assert counts(f) == (5, 2, 0, 3)
    rejected = [(p.file, p.sheet, p.row, p.column, p.value, p.problem)
                for p in data.problems if p.severity == "rejected"]  # fmt: skip
    assert rejected[:2] == [
        ("open.csv", None, 5, "Ticket #", "", "required value is empty"),
        ("open.csv", None, 6, "Created", "", "required value is empty"),
    ]
    assert rejected[2][:5] == ("open.csv", None, 7, "Created", "2025-02-31 08:00")
    assert rejected[2][5] and rejected[2][5] != "required value is empty"
    # optional value unreadable: the row loads with the value empty, and a warning
    assert col(data, "tickets", "ticket_id") == ["T1", "T5"]
    assert col(data, "tickets", "hours") == [1.5, None]
    warnings = [(p.row, p.column, p.value) for p in data.problems if p.severity == "warning"]
    assert warnings == [(8, "Hours", "abc")]
    assert f.warnings == 1


def test_unknown_satisfaction_label_or_score_above_10_rejects_the_survey() -> None:
    data = load(("csat.csv", text(
        "Survey Date,Rating",
        "2025-03-01,5",
        "2025-03-02,meh",      # row 3: not a known label
        "2025-03-03,11",       # row 4: above 10
        "2025-03-04,Offered",  # loaded, not a response
        "2025-03-05,4",
    )))  # fmt: skip
    assert counts(report(data, "csat.csv")) == (5, 3, 0, 2)
    assert [(p.row, p.column, p.value) for p in data.problems if p.severity == "rejected"] == [
        (3, "Rating", "meh"), (4, "Rating", "11")]  # fmt: skip
    # scale 5 (largest loaded score): 5 and 4 >= ceil(0.8 * 5) = 4 are satisfied
    assert col(data, "surveys", "satisfied") == [True, None, True]


def test_ids_stay_text_and_excel_damaged_ids_warn() -> None:
    data = load(("t.csv", text(
        "Ticket #,Created",
        "00123,2025-03-01",        # leading zeros kept
        "1.03006E+13,2025-03-01",  # row 3: Excel destroyed it; kept as written, warned
    )))  # fmt: skip
    assert col(data, "tickets", "ticket_id") == ["00123", "1.03006E+13"]
    assert counts(report(data, "t.csv")) == (2, 2, 0, 0)
    assert [(p.row, p.column) for p in data.problems if p.severity == "warning"] == [
        (3, "Ticket #")]  # fmt: skip


def test_quoted_multiline_cell_with_tab_indents_keeps_the_comma_delimiter() -> None:
    # a ticket description pasted with tab-indented steps (ConnectWise Detail_Description,
    # Jira Description); the header has commas and no tab at all
    steps = "".join(f"\n\t{i}. step" for i in range(4))
    data = load(("steps.csv", text(
        "Ticket #,Summary,Created",
        f'T1,"Steps to reproduce:{steps}",2025-03-01 09:00',
        "T2,Printer jam,2025-03-02 10:00",
    )))  # fmt: skip
    f = report(data, "steps.csv")
    assert (f.delimiter, f.dataset) == (",", "tickets")
    assert counts(f) == (2, 2, 0, 0)


def test_row_numbers_count_blank_lines_and_quoted_newlines() -> None:
    data = load(("t.csv", text(
        "Ticket #,Created,Summary",
        'T1,2025-03-01,"two',                 # row 2: one record over two lines
        'lines"',
        "",
        "T2,,blank line above",
    )))  # fmt: skip
    # docs/DATA.md: the row a user sees in a spreadsheet. The quoted record is one row (2), the
    # blank line is row 3, T2 is row 4
    assert rows_with(data, "rejected") == [4]


# --------------------------------------------------------------------------- opportunities


def test_opportunity_outcome_status_else_stage() -> None:
    data = load(("deals.csv", text(
        "Opportunity ID,Created Date,Close Date,Stage,Status",
        "O1,2025-01-10,2025-02-01,Proposal,Won",      # status decides: won
        "O2,2025-01-10,2025-02-01,Closed Won,",       # no status: stage decides
        "O3,2025-01-10,2025-02-01,Closed Won,Open",   # status beats stage
        "O4,2025-01-10,,Closed Lost,",                # row 5: lost without a close date
        "O5,2025-01-10,2025-02-03,Negotiation,Perdida",
        "O6,2025-01-10,2025-03-31,Negotiation,",      # expected close: still open
    )))  # fmt: skip
    assert col(data, "opportunities", "outcome") == ["won", "won", "open", "open", "lost", "open"]
    warned = [(p.row, p.column) for p in data.problems if p.severity == "warning"]
    assert warned == [(5, "closed_at")]


# --------------------------------------------------------------------------- as_of

AS_OF_FILES = [
    ("tickets.csv", text("Ticket #,Created,Resolved,Updated",
                         "T1,2025-03-01,2025-03-10,2025-03-11")),
    ("csat.csv", text("Ticket #,Survey Date,Rating", "T1,2025-03-12,5")),
    ("time.csv", text("Member,Date,Hours", "Ana,2025-03-13,1")),
    ("invoices.csv", text("Client,Invoice Date,Line Amount", "Acme,2025-03-14,100")),
    ("devices.csv", text("Device ID,Company,Last Seen", "D1,Acme,2025-03-15")),
    ("contracts.csv", text("Contract ID,Company,Start Date,End Date,Amount",
                           "C1,Acme,2025-01-01,2026-12-31,500")),
]  # fmt: skip


def test_default_as_of_is_the_latest_event() -> None:
    # tickets created/resolved/updated, survey, time entry, invoice, device last_seen:
    # the latest is the device seen on 2025-03-15 (a contract's end date is not an event)
    assert load(*AS_OF_FILES).as_of == date(2025, 3, 15)
    deals = ("deals.csv", text(
        "Opportunity ID,Created Date,Close Date,Stage,Last Activity Date",
        "O1,2025-03-02,2025-03-17,Closed Won,2025-03-16",  # a won deal's close counts
        "O2,2025-03-02,2025-06-30,Proposal,2025-03-16",    # an expected close does not
    ))  # fmt: skip
    assert load(*AS_OF_FILES, deals).as_of == date(2025, 3, 17)


def test_default_as_of_is_a_local_date() -> None:
    tickets = ("t.csv", text("Ticket #,Created", "T1,2025-03-20T23:30:00Z"))
    assert load(tickets).as_of == date(2025, 3, 20)
    # 23:30 UTC is 00:30 on the 21st in Madrid (UTC+1)
    assert load(tickets, tz="Europe/Madrid").as_of == date(2025, 3, 21)


# --------------------------------------------------------------------------- property

IDS = ["T1", "T2", "T3", "00123", "", "?"]
CREATED = ["2025-03-01 09:00", "2025-03-02 17:30", "2025-03-03", "", "n/a", "not a date",
           "2025-02-30 10:00"]  # fmt: skip
UPDATED = ["2025-03-04 10:00", "2025-03-05 08:00", "2025-03-05 08:00", "", "soon"]
HOURS = ["1.5", "2", "0,75", "", "-", "abc"]
PRIORITY = ["High", "Low", "", "?"]
FOOTERS = [["Grand Totals (3 records)"], ["TOTAL", "", "", "", "7.5", ""],
           ["Confidential Information - Do Not Distribute"]]  # fmt: skip
HEADER = ["Ticket #", "Subject", "Created", "Updated", "Hours", "Priority"]

row_strategy = st.tuples(
    st.sampled_from(IDS), st.sampled_from(CREATED), st.sampled_from(UPDATED),
    st.sampled_from(HOURS), st.sampled_from(PRIORITY),
)  # fmt: skip
file_strategy = st.tuples(
    st.lists(row_strategy, min_size=1, max_size=12),
    st.lists(st.integers(min_value=0, max_value=12), max_size=3),  # blank line positions
    st.lists(st.sampled_from(FOOTERS), max_size=2),
)


def make_csv(rows: list[tuple[str, ...]], blanks: list[int], footers: list[list[str]]) -> bytes:
    lines: list[list[str]] = [HEADER]
    for i, (tid, created, updated, hours, priority) in enumerate(rows):
        # Subject is never empty: every generated row is a data row
        lines.append([tid, f"Subject {i}", created, updated, hours, priority])
    for pos in sorted(blanks, reverse=True):
        lines.insert(1 + min(pos, len(rows)), [])
    lines.extend(footers)
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(lines)
    return buf.getvalue().encode("utf-8")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(file_strategy, min_size=1, max_size=2))
def test_accounting_invariant_over_generated_ticket_exports(files: list[Any]) -> None:
    inputs = [(f"export_{i}.csv", make_csv(*spec)) for i, spec in enumerate(files)]
    data = load(*inputs)
    assert len(data.files) == len(files)
    for f, (rows, _, _) in zip(data.files, files, strict=True):
        assert f.error is None
        assert f.dataset == "tickets"
        # every generated row is read (blank lines and footers are not rows)
        assert f.rows_read == len(rows)
        assert f.rows_read == f.rows_loaded + f.rows_merged + f.rows_rejected
        rejected = [p for p in data.problems if p.file == f.file and p.severity == "rejected"]
        assert len(rejected) == f.rows_rejected
        assert len({p.row for p in rejected}) == f.rows_rejected  # one problem per row
    loaded = sum(f.rows_loaded for f in data.files)
    table = data.tables.get("tickets")
    assert (table.num_rows if table is not None else 0) == loaded
    if table is not None:
        ids = table.column("ticket_id").to_pylist()
        assert len(set(ids)) == len(ids) and None not in ids


def test_override_can_leave_a_column_unmapped() -> None:
    # "Made SLA" is recognised as sla_met; the user chooses "(not mapped)" for it (""),
    # so the column stays unmapped and sla_met is no longer present for the engine.
    from kpi.load import LoadOptions, Override, load_files

    csv = b"Ticket #,Date Entered,Made SLA\n1,2024-03-01,true\n2,2024-03-02,false\n"
    auto = load_files([("t.csv", csv)])
    assert auto.files[0].mapping["sla_met"] == "Made SLA"
    manual = load_files(
        [("t.csv", csv)], LoadOptions(), {("t.csv", None): Override(columns={"sla_met": ""})}
    )
    assert "sla_met" not in manual.files[0].mapping
    assert "Made SLA" in manual.files[0].unmapped
    assert not manual.has("tickets", "sla_met")
    assert manual.tables["tickets"].column("sla_met").null_count == 2


def test_long_tables_are_filtered_column_by_column_on_every_core(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pyarrow as pa

    from kpi.load import coerce
    from kpi.read import raw

    table = pa.table(
        {
            "a": pa.chunked_array([[1, 2, 3], [4, None]]),
            "b": ["x", "y", None, "w", "v"],
            "c": pa.array([1.5, 2.5, 3.5, 4.5, 5.5]),
        }
    )
    keep = pa.array([True, False, True, False, True])
    monkeypatch.setattr(raw, "PARALLEL_MIN_ROWS", 0)
    got = coerce._filtered(table, keep)
    assert got.schema == table.schema
    assert got.to_pydict() == {"a": [1, 3, None], "b": ["x", None, "v"], "c": [1.5, 3.5, 5.5]}
    # an event log read in parallel merges as it does sequentially
    rows = [
        ["Ticket #", "Company", "Date Entered", "Last Updated", "Status"],
        ["1", "Acme", "2024-03-01 09:00", "2024-03-01 09:00", "New"],
        ["2", "Acme", "2024-03-02 09:00", "2024-03-02 09:00", "New"],
        ["1", "Acme", "2024-03-01 09:00", "2024-03-03 10:00", "Closed"],
    ]
    blob = "\n".join(",".join(r) for r in rows).encode()
    parallel = load_files([("tickets.csv", blob)])
    monkeypatch.setattr(raw, "PARALLEL_MIN_ROWS", 10**9)
    serial = load_files([("tickets.csv", blob)])
    assert parallel.tables["tickets"].equals(serial.tables["tickets"])
    assert parallel.tables["tickets"].column("status").to_pylist() == ["New", "Closed"]
    assert [p.problem for p in parallel.problems] == [p.problem for p in serial.problems]
    assert parallel.files[0].rows_merged == 1 and parallel.files[0].rows_loaded == 2


# ------------------------------------------------- a column its values do not decide
# A Spanish projects sheet: "Fecha inicio" holds only dates that read both ways (01/02 is
# 1 February or 2 January), "Fecha prevista fin" settles day-first (30/06). The export is
# written in one locale, so the start dates are day-first too, whatever the reading
# language (en: month-first would start P1 on 2 January).
PROYECTOS = (
    "Código de proyecto;Nombre;Cliente;Estado;Fecha inicio;Fecha prevista fin;"
    "Horas presupuestadas;% completado\n"
    "P1;Migración;Acme;En curso;01/02/2024;30/06/2024;100;40\n"
    "P2;Servidores;Beta;En curso;03/04/2024;15/07/2024;50;10\n"
).encode()


def test_an_undecided_date_column_is_read_as_the_other_date_columns_of_its_file() -> None:
    data = load(("proyectos.csv", PROYECTOS), lang="en")
    t = data.tables["projects"]
    assert t.column("start_date").to_pylist() == [date(2024, 2, 1), date(2024, 4, 3)]
    assert t.column("due_date").to_pylist() == [date(2024, 6, 30), date(2024, 7, 15)]
    notes = data.files[0].notes
    assert (
        "start_date (Fecha inicio): day-first (ambiguous; as the other date columns of the file)"
    ) in notes


def test_a_preset_order_wins_over_the_other_columns() -> None:
    from kpi.load.presets import parse_preset

    preset = parse_preset({"options": {"day_first": False}})
    data = load(("proyectos.csv", PROYECTOS), lang="en", presets=[preset])
    # the setting reads the undecided column month-first: 2 January, 4 March
    assert data.tables["projects"].column("start_date").to_pylist() == [
        date(2024, 1, 2), date(2024, 3, 4),
    ]  # fmt: skip


def test_columns_that_disagree_settle_nothing() -> None:
    # one column day-first (30/06), another month-first (06/30): the file does not say,
    # the undecided one follows the language (en: month-first)
    text = (
        b"Project ID,Start Date,Due Date,Closed Date,Budget Hours\n"
        b"P1,01/02/2024,30/06/2024,06/30/2024,10\n"
    )
    data = load(("p.csv", text), lang="en")
    assert data.tables["projects"].column("start_date").to_pylist() == [date(2024, 1, 2)]


def test_an_undecided_amount_is_read_with_the_decimal_mark_of_its_file() -> None:
    # "1.200" alone is ambiguous (1.2 or 1,200); the cost column's "2,5" is a decimal
    # comma: the file writes decimal commas, so the amount is 1200 (en would read 1.2)
    text = (
        b"Cliente;Fecha;Base imponible;Coste\n"
        b"Acme;15/01/2024;1.200;2,5\n"
    )  # fmt: skip
    data = load(("facturas.csv", text), lang="en")
    t = data.tables["invoices"]
    assert t.column("amount").to_pylist() == [1200.0]
    assert t.column("cost").to_pylist() == [2.5]
    assert any("as the other number columns of the file" in n for n in data.files[0].notes)
