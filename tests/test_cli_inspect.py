"""``python -m kpi inspect`` (docs/CLI.md): columns, --problems, exit codes, unreadable input.

Unreadable input must give exit status 2 and one line on stderr naming the file, never a
traceback.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest

from kpi.cli import main

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(__file__).parent / "fixtures" / "tools"

INSPECT_HEADER = "file,sheet,dataset,rows_read,rows_loaded,rows_merged,rows_rejected,warnings"
PROBLEMS_HEADER = "file,sheet,row,column,value,problem"

TICKETS = (
    "Ticket #,Created,Hours\n"
    "T1,2025-03-01,1.5\n"   # row 2: merged into row 5 (same ticket, later row)
    ",2025-03-01,1\n"       # row 3: rejected, no ticket id
    "T3,2025-03-02,abc\n"   # row 4: loaded, hours unreadable -> warning
    "T1,2025-03-03,2\n"     # row 5
)  # fmt: skip


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- output


def test_inspect_columns_and_counts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = write(tmp_path / "tickets.csv", TICKETS)
    code, out, err = run(["inspect", str(t)], capsys)
    assert code == 0
    # 4 rows read = 2 loaded (T3, T1) + 1 merged (row 2) + 1 rejected (row 3); 1 warning
    assert out.splitlines() == [INSPECT_HEADER, "tickets.csv,,tickets,4,2,1,1,1"]
    # the rejected rows are summarised on stderr, naming the file
    assert "tickets.csv: 1 of 4 rows rejected" in err


def test_inspect_problems_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = write(tmp_path / "tickets.csv", TICKETS)
    problems = tmp_path / "problems.csv"
    code, _, _ = run(["inspect", str(t), "--problems", str(problems)], capsys)
    assert code == 0
    text = problems.read_text(encoding="utf-8")
    assert text.splitlines()[0] == PROBLEMS_HEADER
    rows = list(csv.DictReader(io.StringIO(text)))
    rejected = [r for r in rows if r["row"] == "3"]
    assert rejected == [{"file": "tickets.csv", "sheet": "", "row": "3", "column": "Ticket #",
                         "value": "", "problem": "required value is empty"}]  # fmt: skip
    (warning,) = [r for r in rows if r["row"] == "4"]
    assert (warning["column"], warning["value"]) == ("Hours", "abc")
    assert warning["problem"].endswith("left empty")


def test_inspect_several_files_and_a_folder_in_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    write(folder / "b_staff.csv", "Technician,Hourly Cost\nAna,30\nana,31\n")
    write(folder / "a_time.csv", "Member,Date,Hours\nAna,2025-03-03,2\n")
    write(folder / "notes.md", "not a data file")  # not a supported extension: ignored
    t = write(tmp_path / "tickets.csv", TICKETS)
    code, out, _ = run(["inspect", str(t), str(folder)], capsys)
    assert code == 0
    assert out.splitlines() == [
        INSPECT_HEADER,
        "tickets.csv,,tickets,4,2,1,1,1",
        "a_time.csv,,time_entries,1,1,0,0,0",
        "b_staff.csv,,staff,2,1,1,0,0",  # Ana listed twice: the first row wins
    ]


def test_inspect_out_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = write(tmp_path / "tickets.csv", TICKETS)
    out_file = tmp_path / "inspect.csv"
    code, out, _ = run(["inspect", str(t), "--out", str(out_file)], capsys)
    assert code == 0 and out == ""
    assert out_file.read_text(encoding="utf-8").splitlines()[0] == INSPECT_HEADER


def test_inspect_tool_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    # ServiceNow event log: 5 rows, 3 tickets, 2 merged
    code, out, err = run(["inspect", str(TOOLS / "servicenow_incidents.csv")], capsys)
    assert code == 0
    assert out.splitlines()[1] == "servicenow_incidents.csv,,tickets,5,3,2,0,0"
    # the mapping is shown on stderr
    assert "servicenow_incidents.csv: tickets: ticket_id <- number" in err


def test_header_only_file_is_zero_rows_with_a_warning_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = write(tmp_path / "header_only.csv", "Ticket #,Created,Company\n")
    problems = tmp_path / "problems.csv"
    code, out, err = run(["inspect", str(t), "--problems", str(problems)], capsys)
    assert code == 0
    # recognised as tickets, 0 rows, and 1 warning: the file's "no data rows" problem
    assert out.splitlines()[1] == "header_only.csv,,tickets,0,0,0,0,1"
    assert problems.read_text(encoding="utf-8").splitlines()[1:] == [
        "header_only.csv,,,,,no data rows under the headers"
    ]
    assert "header_only.csv: no data rows under the headers (0 rows loaded)" in err
    # a report says so too, on stderr, and still runs
    code, _, err = run(["report", str(t)], capsys)
    assert code == 0
    assert "header_only.csv: no data rows under the headers" in err


# --------------------------------------------------------------------------- exit 2

# An OLE compound file holding an "EncryptedPackage" stream: how Excel saves a workbook
# with a password (the real thing is an OLE container even with an .xlsx name)
PROTECTED_XLSX = (
    bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")
    + b"\0" * 1024
)  # fmt: skip
# Deterministic binary junk: every byte value, NULs included
JUNK = bytes(range(256)) * 8

UNREADABLE = [
    ("junk.csv", JUNK),
    ("junk.xlsx", JUNK),
    ("empty.csv", b""),
    ("blank.csv", b"\n\n  \n"),
    ("protected.xlsx", PROTECTED_XLSX),
    ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64),
    ("list.json", b"[1, 2, 3]"),
]


@pytest.mark.parametrize(("name", "data"), UNREADABLE, ids=[n for n, _ in UNREADABLE])
def test_unreadable_input_exits_2_with_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, data: bytes
) -> None:
    path = write(tmp_path / name, data)
    code, out, err = run(["inspect", str(path)], capsys)
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert name in lines[0]
    assert "Traceback" not in err


def test_protected_workbook_message_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "protected.xlsx", PROTECTED_XLSX)
    _, _, err = run(["inspect", str(path)], capsys)
    assert "password" in err


def test_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["inspect", str(tmp_path / "nowhere.csv")], capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and "nowhere.csv" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["inspect"],  # no input
        ["inspect", "x.csv", "--bogus"],  # unknown option
        ["inspect", "x.csv", "--tz", "Mars/Olympus"],  # unknown time zone
        ["inspect", "x.csv", "--lang", "fr"],
        ["frobnicate", "x.csv"],  # unknown command
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    write(tmp_path / "x.csv", TICKETS)
    argv = [str(tmp_path / a) if a == "x.csv" else a for a in argv]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_unrecognised_dataset_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "notes.csv", "Summary,Description\nPrinter,Jams on tray 2\n")
    code, _, err = run(["inspect", str(path)], capsys)
    assert code == 2
    assert any("notes.csv" in line and "not recognised" in line for line in err.splitlines())


def test_module_entry_point_in_a_subprocess(tmp_path: Path) -> None:
    # the real `python -m kpi` with a password-protected workbook: exit 2, one line
    path = write(tmp_path / "Informe 2025.xlsx", PROTECTED_XLSX)
    proc = subprocess.run(
        [sys.executable, "-m", "kpi", "inspect", str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Informe 2025.xlsx" in lines[0]


# --------------------------------------------------------------------------- periods (issue 18)

#: tickets from Jan 15 to May 5 2024: the data spans 2024-01-15..2024-05-05
SPAN_TICKETS = (
    "Ticket #,Client,Created\n"
    "T1,Acme,2024-01-15 09:00\n"
    "T2,Acme,2024-02-10 09:00\n"
    "T3,Beta,2024-03-01 09:00\n"
    "T4,Acme,2024-03-02 09:00\n"
    "T5,Beta,2024-05-05 09:00\n"
)  # fmt: skip


def test_report_with_a_comparison_before_the_data_leaves_it_empty_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = write(tmp_path / "tickets.csv", SPAN_TICKETS)
    # Q1 2024 against Q4 2023: the data begins on Jan 15, after Oct 1 (it used to give
    # tickets_opened 4, previous 0, delta +4)
    code, out, err = run(["report", str(t), "--start", "2024-01-01", "--end", "2024-03-31",
                          "--by", "client", "--compare", "previous"], capsys)  # fmt: skip
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and all(r["previous"] == "" and r["delta"] == "" for r in rows)
    opened = [r for r in rows if r["kpi"] == "tickets_opened"]
    # Acme: Jan 15, Feb 10, Mar 2; Beta: Mar 1
    assert [(r["client"], r["value"]) for r in opened] == [("Acme", "3"), ("Beta", "1")]
    assert (
        "no comparison: the comparison period 2023-10-01..2023-12-31 starts before the data "
        "begins (2024-01-15)"
    ) in [line.removeprefix("note: ") for line in err.splitlines()]
    # with --start, no period line
    assert "the data spans" not in err


def test_report_without_start_prints_the_period_and_the_data_span(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    t = write(tmp_path / "tickets.csv", SPAN_TICKETS)
    # the default period: the 12 months ending with May 2024, to as_of May 5
    code, _, err = run(["report", str(t)], capsys)
    assert code == 0
    assert (
        err.splitlines()[0]
        == "period 2023-06-01..2024-05-05; the data spans 2024-01-15..2024-05-05"
    )
    code, _, err = run(["alerts", str(t), "--lang", "es"], capsys)
    assert code == 0
    assert err.splitlines()[0] == (
        "periodo 2023-06-01..2024-05-05; los datos abarcan 2024-01-15..2024-05-05"
    )
    # only --end: the 12 months ending there (docs/DETAILS.md 3), Mar 2023 .. Feb 2024
    code, _, err = run(["report", str(t), "--end", "2024-02-29"], capsys)
    assert err.splitlines()[0] == (
        "period 2023-03-01..2024-02-29; the data spans 2024-01-15..2024-05-05"
    )


def test_no_period_line_when_the_period_is_the_data_span(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # data from Jun 1 2023 to May 5 2024: the default period is exactly the span
    t = write(tmp_path / "tickets.csv", "Ticket #,Created\nT1,2023-06-01\nT2,2024-05-05\n")
    code, _, err = run(["report", str(t)], capsys)
    assert code == 0
    assert "period" not in err


# --------------------------------------------------------------------------- confidence


def test_a_low_confidence_file_is_refused_until_a_preset_confirms_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a bare list of names: staff by "Nombre", but none of staff's evidence (cost, weekly
    # hours, tier, role); devices finds "Nombre" too (as a host name) and lacks the rest
    names = write(tmp_path / "nombres.csv", "Nombre\nAna Ruiz\nBeto Gil\n")
    time = write(tmp_path / "partes.csv", "Member,Date,Hours\nAna Ruiz,2025-03-03,6\n")
    for command in ("report", "alerts"):
        code, out, err = run([command, str(time), str(names)], capsys)
        assert code == 2 and out == ""
        (line,) = err.strip().splitlines()
        assert line.startswith("error: nombres.csv: read as staff with low confidence (")
        assert "none of the columns that speak for staff (hourly_cost, weekly_hours" in line
        assert "next best: devices (columns found: 1), which lacks device_id, client" in line
        # the preset shown names the table's columns, so that it applies to this file only
        assert (
            "confirm it with --preset FILE.json, FILE.json holding "
            '{"dataset": "staff", "columns": {"technician": "Nombre"}}'
        ) in line
    # inspect writes the table (the held rows rejected), warns, and exits 2
    code, out, err = run(["inspect", str(names)], capsys)
    assert code == 2
    assert out.splitlines() == [INSPECT_HEADER, "nombres.csv,,staff,2,0,0,2,0"]
    warning = [line for line in err.splitlines() if "warning" in line]
    assert len(warning) == 1
    assert warning[0].startswith("nombres.csv: warning: staff, low confidence, runner-up devices: ")
    # a preset naming the dataset is the confirmation: the report runs, staff counts
    # (Ana and Beto at the default 40 h a week: 2 x 8 h on Monday 3 March = 16 h)
    preset = write(
        tmp_path / "staff.json", '{"dataset": "staff", "columns": {"technician": "Nombre"}}'
    )
    argv = ["report", str(time), str(names), "--preset", str(preset),
            "--start", "2025-03-03", "--end", "2025-03-03"]  # fmt: skip
    code, out, err = run(argv, capsys)
    assert code == 0, err
    rows = {r["kpi"]: r["value"] for r in csv.DictReader(io.StringIO(out))}
    assert float(rows["available_hours"]) == 16.0
    assert float(rows["utilization"]) == 6 / 16


# ------------------------------------------------------------- check the numbers (issue 18)

SUMMARY_TICKETS = (
    "Ticket #,Created,Resolved,Company,Status\n"
    "T1,2025-03-01,2025-03-02,Acme,Closed\n"
    "T2,2025-03-02,,Beta,Open\n"
    "T3,2025-03-03,2025-03-03,Acme,Closed\n"
)
SUMMARY_CONTRACTS = (
    "Contract ID,Client,Start Date,End Date,Amount,Status\n"
    "C1,Acme,2025-01-01,,1200,Active\n"
    "C2,Beta,2024-01-01,2025-02-28,3000,Ended\n"
)
# the report date is the latest event, T3 created on 3 March 2025 (contract dates are
# plans); tickets: T1 and T3 resolved, T2 open; contracts: C1 active on 3 March, C2
# ended in February and has the only end date; 1200 + 3000 = 4200
SUMMARY_EN = [
    "",
    "Tickets",
    "  3 tickets: 2 with a resolution date, 1 open",
    "  dates: created_at 2025-03-01 .. 2025-03-03",
    "  clients: 2",
    "  status: Closed 2; Open 1",
    "",
    "Contracts",
    "  2 contracts: 1 active on 2025-03-03, 1 with an end date",
    "  dates: start_date 2024-01-01 .. end_date 2025-02-28",
    "  clients: 2",
    "  status: Active 1; Ended 1",
    "  amount (currency not given): 4,200.00 in 2 rows",
]
SUMMARY_ES = [
    "",
    "Tickets",
    "  3 tickets: 2 con fecha de resolución, 1 abierto",
    "  fechas: created_at 2025-03-01 .. 2025-03-03",
    "  clientes: 2",
    "  status: Closed 2; Open 1",
    "",
    "Contratos",
    "  2 contratos: 1 activo a 2025-03-03, 1 con fecha de fin",
    "  fechas: start_date 2024-01-01 .. end_date 2025-02-28",
    "  clientes: 2",
    "  status: Active 1; Ended 1",
    "  amount (moneda no indicada): 4.200,00 en 2 filas",
]


def _summary_inputs(tmp_path: Path) -> list[str]:
    return [
        str(write(tmp_path / "tickets.csv", SUMMARY_TICKETS)),
        str(write(tmp_path / "contracts.csv", SUMMARY_CONTRACTS)),
    ]


def test_inspect_summary_follows_the_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["inspect", *_summary_inputs(tmp_path), "--summary"], capsys)
    assert code == 0
    assert out.splitlines() == [
        INSPECT_HEADER,
        "tickets.csv,,tickets,3,3,0,0,0",
        "contracts.csv,,contracts,2,2,0,0,0",
        *SUMMARY_EN,
    ]


def test_inspect_summary_in_spanish(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["inspect", *_summary_inputs(tmp_path), "--summary", "--lang", "es"], capsys)
    assert code == 0
    assert out.splitlines()[3:] == SUMMARY_ES


def test_inspect_without_summary_is_the_table_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = _summary_inputs(tmp_path)
    _, plain, plain_err = run(["inspect", *inputs], capsys)
    assert plain.splitlines() == [
        INSPECT_HEADER,
        "tickets.csv,,tickets,3,3,0,0,0",
        "contracts.csv,,contracts,2,2,0,0,0",
    ]
    # --summary only adds lines after the table; stderr is the same
    _, with_summary, summary_err = run(["inspect", *inputs, "--summary"], capsys)
    assert with_summary.startswith(plain) and with_summary != plain
    assert summary_err == plain_err


def test_inspect_summary_with_out_goes_to_stdout_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_file = tmp_path / "inspect.csv"
    code, out, _ = run(
        ["inspect", *_summary_inputs(tmp_path), "--summary", "--out", str(out_file)], capsys
    )
    assert code == 0
    assert out.splitlines() == SUMMARY_EN[1:]
    assert out_file.read_text(encoding="utf-8").splitlines()[0] == INSPECT_HEADER
