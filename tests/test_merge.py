"""The same rows in several files (issue 18 item 2; README "Several files of one
dataset").

Regression tests on small synthetic files, every number worked out by hand next to its
assertion; then the property of the issue: adding a loaded file again under another name,
or an overlapping export holding some of its rows, changes no KPI.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pyarrow as pa
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from kpi_helpers import pick

from kpi import LoadOptions, load_files
from kpi.load.merge import _verified
from kpi.model import FileReport, LoadedData
from kpi.report import Engine, ReportOptions


def text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def load(*files: tuple[str, bytes]) -> LoadedData:
    return load_files(list(files), LoadOptions())


def counts(data: LoadedData, name: str, sheet: str | None = None) -> tuple[int, int, int, int]:
    """(read, loaded, merged, rejected) of one table."""
    (f,) = [f for f in data.files if f.file == name and f.sheet == sheet]
    assert f.rows_read == f.rows_loaded + f.rows_merged + f.rows_rejected
    return (f.rows_read, f.rows_loaded, f.rows_merged, f.rows_rejected)


def merged(data: LoadedData, name: str) -> list[tuple[int | None, str]]:
    """(row, reason) of the rows of a file merged into others."""
    return [(p.row, p.problem) for p in data.problems if p.file == name and p.severity == "info"]


def col(data: LoadedData, dataset: str, column: str) -> list[Any]:
    return data.tables[dataset].column(column).to_pylist()


def kpis(data: LoadedData, start: date, end: date, by: str = "total") -> pd.DataFrame:
    return Engine(data).report(ReportOptions(start=start, end=end, as_of=end, by=by))


def accounting_holds(files: list[FileReport], data: LoadedData) -> None:
    """read = loaded + merged + rejected per table, and the loaded rows are the tables'."""
    for f in files:
        assert f.rows_read == f.rows_loaded + f.rows_merged + f.rows_rejected, f
    for name, table in data.tables.items():
        assert table.num_rows == sum(f.rows_loaded for f in files if f.dataset == name)


# --------------------------------------------------------------------------- invoices

INVOICES = text(
    "Invoice Date,Client,Line Amount,Invoice Number",
    "2025-01-10,Acme,100,F1",  # row 2
    "2025-01-10,Acme,100,F1",  # row 3: the same line again: two equal lines are legal
    "2025-01-20,Beta,50,F2",  # row 4
)
JAN = (date(2025, 1, 1), date(2025, 1, 31))


def test_two_equal_invoice_lines_in_one_file_both_count() -> None:
    data = load(("invoices.csv", INVOICES))
    # 100 + 100 + 50
    assert pick(kpis(data, *JAN), "revenue") == 250.0
    assert counts(data, "invoices.csv") == (3, 3, 0, 0)


def test_the_invoices_file_loaded_twice_under_two_names_counts_once() -> None:
    data = load(("invoices.csv", INVOICES), ("invoices (1).csv", INVOICES))
    # every row of the copy equals a row of the original, copy by copy (the two equal
    # F1 lines pair with the two of the other file): still 100 + 100 + 50, not 500
    assert pick(kpis(data, *JAN), "revenue") == 250.0
    # every row of the copy was already loaded: the copy adds nothing, its rows are
    # merged into the original's
    assert counts(data, "invoices.csv") == (3, 3, 0, 0)
    assert counts(data, "invoices (1).csv") == (3, 0, 3, 0)
    already = "given earlier; every row of its file was already loaded"
    assert merged(data, "invoices (1).csv") == [
        (2, f"the same row is in invoices.csv (row 2), {already}"),
        (3, f"the same row is in invoices.csv (row 3), {already}"),
        (4, f"the same row is in invoices.csv (row 4), {already}"),
    ]
    accounting_holds(data.files, data)


def test_next_months_export_repeating_last_month_counts_the_repeated_rows_once() -> None:
    jan = text(
        "Invoice Date,Client,Line Amount,Invoice Number",
        "2025-01-10,Acme,100,F1",  # row 2
        "2025-01-20,Beta,50,F2",  # row 3: repeated by feb.csv row 2
    )
    feb = text(
        "Invoice Date,Client,Line Amount,Invoice Number",
        "2025-01-20,Beta,50,F2",  # row 2
        "2025-02-03,Acme,70,F3",  # row 3
        "2025-02-15,Beta,30,F4",  # row 4
    )
    data = load(("jan.csv", jan), ("feb.csv", feb))
    df = kpis(data, date(2025, 1, 1), date(2025, 2, 28), by="month")
    # January: F1 100 + F2 50 (once, not 100); February: F3 70 + F4 30
    assert pick(df, "revenue", period="2025-01") == 150.0
    assert pick(df, "revenue", period="2025-02") == 100.0
    assert counts(data, "jan.csv") == (2, 1, 1, 0)
    assert counts(data, "feb.csv") == (3, 3, 0, 0)
    assert merged(data, "jan.csv") == [(3, "the same row is in feb.csv (row 2), given later")]


def test_an_equal_line_is_kept_as_often_as_the_file_that_has_it_most() -> None:
    twice = text("Invoice Date,Client,Line Amount", "2025-01-10,Acme,100", "2025-01-10,Acme,100")
    once = text("Invoice Date,Client,Line Amount", "2025-01-10,Acme,100")
    # twice in jan.csv, once in the later feb.csv: feb's one copy was already loaded
    # (feb.csv holds nothing new) and is merged into jan's first: 2 lines, 200
    data = load(("jan.csv", twice), ("feb.csv", once))
    assert pick(kpis(data, *JAN), "revenue") == 200.0
    assert counts(data, "jan.csv") == (2, 2, 0, 0)
    assert counts(data, "feb.csv") == (1, 0, 1, 0)
    # once, then twice: the one copy of jan.csv is merged; feb's two stay: 200
    data = load(("jan.csv", once), ("feb.csv", twice))
    assert pick(kpis(data, *JAN), "revenue") == 200.0
    assert counts(data, "jan.csv") == (1, 0, 1, 0)


def test_a_line_that_differs_in_a_column_both_files_have_is_another_line() -> None:
    a = text("Invoice Date,Client,Line Amount", "2025-01-10,Acme,100")
    b = text("Invoice Date,Client,Line Amount", "2025-01-10,Acme,100.5")
    # invoices have no row key (an invoice has many lines): 100 + 100.5
    data = load(("a.csv", a), ("b.csv", b))
    assert pick(kpis(data, *JAN), "revenue") == 200.5
    assert counts(data, "a.csv") == (1, 1, 0, 0)


def test_files_with_different_columns_compare_on_the_columns_both_have() -> None:
    with_cost = text("Invoice Date,Client,Line Amount,Cost", "2025-01-10,Acme,100,40")
    without = text(
        "Invoice Date,Client,Line Amount",
        "2025-01-10,Acme,100",  # row 2: the row of with_cost.csv, which has no cost here
        "2025-01-12,Beta,60",  # row 3
    )
    data = load(("with_cost.csv", with_cost), ("without.csv", without))
    assert counts(data, "with_cost.csv") == (1, 0, 1, 0)
    assert counts(data, "without.csv") == (2, 2, 0, 0)
    # the kept row (without.csv row 2) takes the cost its file lacks from the merged row
    assert col(data, "invoices", "cost") == [40.0, None]
    df = kpis(data, *JAN)
    assert pick(df, "revenue") == 160.0  # 100 + 60
    assert pick(df, "direct_cost") == 40.0  # Beta's line has no cost: 0


def test_the_sheets_of_a_workbook_are_tables_of_their_own() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Jan"
    rows: list[list[object]] = [
        ["Invoice Date", "Client", "Line Amount"],
        ["2025-01-10", "Acme", 100],
        ["2025-01-20", "Beta", 50],
    ]
    for r in rows:
        ws.append(r)
    again = wb.create_sheet("Jan again")
    for r in rows:
        again.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    data = load(("book.xlsx", buf.getvalue()))
    # the two sheets hold the same two lines: 150, not 300
    assert pick(kpis(data, *JAN), "revenue") == 150.0
    assert counts(data, "book.xlsx", "Jan") == (2, 2, 0, 0)
    assert counts(data, "book.xlsx", "Jan again") == (2, 0, 2, 0)
    assert merged(data, "book.xlsx")[0] == (
        2,
        "the same row is in book.xlsx [Jan] (row 2), given earlier; every row of its file "
        "was already loaded",
    )


# --------------------------------------------------------------------------- keys


def test_an_old_export_given_again_after_a_newer_one_changes_nothing() -> None:
    old = text(
        "Contract ID,Client,Start Date,Amount,Billing Period",
        "K1,Acme,2024-01-01,100,Monthly",  # row 2
        "K2,Beta,2024-01-01,50,Monthly",  # row 3
    )
    new = text("Contract ID,Client,Start Date,Amount,Billing Period",
               "K1,Acme,2024-01-01,120,Monthly")  # fmt: skip
    # old.csv uploaded again as "old (1).csv" after new.csv: every row of it was already
    # loaded, so it is merged into old.csv and K1 keeps new.csv's 120: 120 + 50 = 170
    # (were the copy "the later file", K1 would fall back to 100: 150)
    data = load(("old.csv", old), ("new.csv", new), ("old (1).csv", old))
    assert pick(kpis(data, *JAN), "mrr") == 170.0
    assert counts(data, "old (1).csv") == (2, 0, 2, 0)
    assert counts(data, "new.csv") == (1, 1, 0, 0)
    accounting_holds(data.files, data)


def test_a_newer_export_with_a_row_as_it_was_before_wins() -> None:
    # K1 was 100 in January, 120 in February and back at 100 in March: march.csv has new
    # rows (K3), so it is an export of its own, not a copy, and its K1 (100) wins
    jan = text("Contract ID,Client,Start Date,Amount,Billing Period",
               "K1,Acme,2024-01-01,100,Monthly")  # fmt: skip
    feb = text("Contract ID,Client,Start Date,Amount,Billing Period",
               "K1,Acme,2024-01-01,120,Monthly")  # fmt: skip
    march = text(
        "Contract ID,Client,Start Date,Amount,Billing Period",
        "K1,Acme,2024-01-01,100,Monthly",  # row 2: equal to jan.csv's row 2
        "K3,Beta,2024-01-01,30,Monthly",  # row 3
    )
    data = load(("jan.csv", jan), ("feb.csv", feb), ("march.csv", march))
    # 100 (march.csv's K1) + 30 = 130
    assert pick(kpis(data, *JAN), "mrr") == 130.0
    assert counts(data, "jan.csv") == (1, 0, 1, 0)  # its copy is in the later march.csv
    assert counts(data, "feb.csv") == (1, 0, 1, 0)  # K1 is in march.csv, given later
    assert counts(data, "march.csv") == (2, 2, 0, 0)


def test_a_contract_in_two_files_takes_the_later_files_amount() -> None:
    old = text(
        "Contract ID,Client,Start Date,Amount,Billing Period",
        "K1,Acme,2024-01-01,100,Monthly",  # row 2: K1 is also in new.csv
        "K2,Beta,2024-01-01,50,Monthly",  # row 3
    )
    new = text(
        "Contract ID,Client,Start Date,Amount,Billing Period",
        "K1,Acme,2024-01-01,120,Monthly",  # row 2: the price went up
    )
    data = load(("old.csv", old), ("new.csv", new))
    # MRR on Jan 31 2025: K1 at new.csv's 120 + K2 50 (only in old.csv) = 170, not 270
    assert pick(kpis(data, *JAN), "mrr") == 170.0
    assert counts(data, "old.csv") == (2, 1, 1, 0)
    assert counts(data, "new.csv") == (1, 1, 0, 0)
    assert merged(data, "old.csv") == [
        (2, "contract_id K1 is also in new.csv, given later; its rows win")
    ]
    # in the other order old.csv is the later file: 100 + 50
    data = load(("new.csv", new), ("old.csv", old))
    assert pick(kpis(data, *JAN), "mrr") == 150.0
    assert counts(data, "new.csv") == (1, 0, 1, 0)


def test_a_ticket_in_two_exports_keeps_its_latest_update() -> None:
    a = text(
        "Ticket #,Created,Updated,Status,Resolved",
        "T1,2025-03-01 09:00,2025-03-02 10:00,Open,",  # row 2: b.csv updated T1 later
        "T2,2025-03-01 11:00,2025-03-05 10:00,Closed,2025-03-05 10:00",  # row 3: latest T2
    )
    b = text(
        "Ticket #,Created,Updated,Status,Resolved",
        "T1,2025-03-01 09:00,2025-03-04 10:00,Closed,2025-03-04 10:00",  # row 2: latest T1
        "T2,2025-03-01 11:00,2025-03-03 10:00,Open,",  # row 3: given later, updated earlier
    )
    data = load(("a.csv", a), ("b.csv", b))
    assert col(data, "tickets", "ticket_id") == ["T2", "T1"]
    assert col(data, "tickets", "status") == ["Closed", "Closed"]
    # both resolved in March (T1 on the 4th from b.csv, T2 on the 5th from a.csv)
    assert pick(kpis(data, date(2025, 3, 1), date(2025, 3, 31)), "tickets_resolved") == 2
    assert counts(data, "a.csv") == (2, 1, 1, 0)
    assert counts(data, "b.csv") == (2, 1, 1, 0)
    assert merged(data, "a.csv") == [
        (2, "merged into ticket T1 of b.csv (row 2), updated or given later (event log)")
    ]
    assert merged(data, "b.csv") == [
        (3, "merged into ticket T2 of a.csv (row 3), updated or given later (event log)")
    ]


OPPS = "Deal ID,Create Date,Deal Stage,Close Date,Amount,Last Activity Date"


def test_an_opportunity_in_two_files_keeps_its_latest_activity() -> None:
    a = text(
        OPPS,
        "O1,2025-01-05,Open,,1000,2025-02-01",  # row 2: b.csv's O1 is more recent
        "O2,2025-01-06,Won,2025-02-10,500,2025-02-10",  # row 3: more recent than b.csv's
    )
    b = text(
        OPPS,
        "O1,2025-01-05,Won,2025-03-01,1000,2025-03-01",  # row 2
        "O2,2025-01-06,Open,,500,2025-01-20",  # row 3: given later, but older activity
    )
    data = load(("a.csv", a), ("b.csv", b))
    df = kpis(data, date(2025, 1, 1), date(2025, 3, 31))
    # both won: O1 (b.csv, 1000) and O2 (a.csv, 500); nothing left open
    assert pick(df, "opportunities_won") == 2
    assert pick(df, "won_amount") == 1500.0
    assert pick(df, "pipeline_count") == 0
    assert counts(data, "a.csv") == (2, 1, 1, 0)
    assert counts(data, "b.csv") == (2, 1, 1, 0)
    assert merged(data, "a.csv") == [
        (2, "opportunity_id O1 is also in b.csv, given later; its rows win")
    ]
    assert merged(data, "b.csv") == [
        (3, "opportunity_id O2 is also in a.csv, with a later last_activity_at; its rows win")
    ]


def test_an_opportunity_repeated_in_one_file_keeps_its_rows_and_loses_them_together() -> None:
    lines = text(
        OPPS,
        "O1,2025-01-05,Won,2025-02-01,1000,2025-02-01",  # row 2: a product line
        "O1,2025-01-05,Won,2025-02-01,500,2025-02-01",  # row 3: another line of O1
    )
    q1 = (date(2025, 1, 1), date(2025, 3, 31))
    # within one file both rows count, as before: 1000 + 500
    assert pick(kpis(load(("lines.csv", lines)), *q1), "won_amount") == 1500.0
    later = text(OPPS, "O1,2025-01-05,Won,2025-02-01,1200,2025-02-20")
    data = load(("lines.csv", lines), ("later.csv", later))
    # later.csv's O1 (later activity) replaces both rows of lines.csv: 1200
    assert pick(kpis(data, *q1), "won_amount") == 1200.0
    assert counts(data, "lines.csv") == (2, 0, 2, 0)


def test_staff_in_two_files_the_later_file_wins_in_one_file_the_first_row() -> None:
    s1 = text(
        "Technician,Hourly Cost,Weekly Hours",
        "Ana Pérez,30,40",  # row 2: Ana is also in s2.csv
        "ana perez,35,20",  # row 3: the same technician (case, accents)
        "Bob,25,40",  # row 4
        "Bob,26,40",  # row 5: Bob twice in s1.csv: the first row wins
    )
    s2 = text("Technician,Hourly Cost,Weekly Hours", "ANA PEREZ,40,38")
    data = load(("s1.csv", s1), ("s2.csv", s2))
    assert col(data, "staff", "hourly_cost") == [25.0, 40.0]  # Bob (s1 row 4), Ana (s2)
    assert col(data, "staff", "weekly_hours") == [40.0, 38.0]
    assert counts(data, "s1.csv") == (4, 1, 3, 0)
    assert merged(data, "s1.csv") == [
        (2, "technician Ana Pérez is also in s2.csv, given later; its rows win"),
        (3, "technician ana perez is also in s2.csv, given later; its rows win"),
        (5, "technician listed twice in staff; the first row wins"),
    ]


def test_devices_in_two_files_the_later_file_wins_in_one_file_both_count() -> None:
    d1 = text(
        "Device ID,Company,Last Seen",
        "PC1,Acme,2025-03-01",  # row 2: PC1 is also in d2.csv
        "PC1,Acme,2025-03-02",  # row 3
        "PC2,Acme,2025-03-01",  # row 4
    )
    d2 = text(
        "Device ID,Company,Last Seen",
        "PC1,Beta,2025-03-05",  # row 2: PC1 moved to Beta
        "PC3,Beta,2025-03-05",  # row 3: PC3 twice in one file: both count, warned
        "PC3,Beta,2025-03-06",  # row 4
    )
    data = load(("d1.csv", d1), ("d2.csv", d2))
    assert col(data, "devices", "device_id") == ["PC2", "PC1", "PC3", "PC3"]
    assert col(data, "devices", "client") == ["Acme", "Beta", "Beta", "Beta"]
    assert counts(data, "d1.csv") == (3, 1, 2, 0)
    assert counts(data, "d2.csv") == (3, 3, 0, 0)
    warned = [(p.file, p.row) for p in data.problems if p.severity == "warning"]
    assert warned == [("d2.csv", 3), ("d2.csv", 4)]
    assert [f.warnings for f in data.files] == [0, 2]


SURVEYS = "Survey ID,Rated On,Rating,Company"


def test_a_survey_in_two_files_is_one_response_by_its_id() -> None:
    a = text(SURVEYS, "S1,2025-03-01,2,Acme", "S2,2025-03-02,5,Acme")
    b = text(SURVEYS, "S1,2025-03-01,5,Acme")  # row 2: S1 again, the rating changed
    data = load(("a.csv", a), ("b.csv", b))
    df = kpis(data, date(2025, 3, 1), date(2025, 3, 31))
    # two responses (S1 from b.csv: 5, S2: 5), both satisfied on a 1-5 scale
    assert pick(df, "csat_responses") == 2
    assert pick(df, "csat") == 1.0
    assert counts(data, "a.csv") == (2, 1, 1, 0)


def test_surveys_without_an_id_merge_only_whole_rows() -> None:
    day = text("Rated On,Rating,Company", "2025-03-01,5,Acme", "2025-03-01,5,Acme")
    # two customers of Acme answered 5 the same day: two responses, in one file or two
    df = kpis(load(("a.csv", day), ("b.csv", day)), date(2025, 3, 1), date(2025, 3, 31))
    assert pick(df, "csat_responses") == 2


def test_a_hash_collision_never_merges_two_different_rows() -> None:
    t = pa.table({"client": ["Acme", "Beta", None, None], "amount": [1.0, 1.0, None, 2.0]})
    pairs = pa.table({"_i": [0, 2, 2], "_by_i": [1, 3, 2]})
    # rows 0/1 differ in client, 2/3 in amount (NULL is not 2.0); 2/2 equal (NULL = NULL)
    assert _verified(t, ["client", "amount"], pairs).to_pydict() == {"_i": [2], "_by_i": [2]}


# --------------------------------------------------------------------------- documentation


def test_the_definitions_page_states_the_rule_of_every_dataset() -> None:
    from streamlit.testing.v1 import AppTest

    from kpi.schema import DATASETS
    from kpi.texts import CATALOGS
    from ui.i18n import t

    assert all(f"df.merge.{name}" in CATALOGS["en"] for name in DATASETS)
    app = str(Path(__file__).resolve().parent.parent / "app.py")
    at = AppTest.from_file(app, default_timeout=180).run()
    at.switch_page("pages/definitions.py").run()
    assert not at.exception
    assert t("df.merge.title", "en") in [h.value for h in at.subheader]
    shown = "\n".join(m.value for m in at.markdown)
    assert t("df.merge.intro", "en") in shown
    for name in DATASETS:
        assert f"({name}): {t(f'df.merge.{name}', 'en')}" in shown


# --------------------------------------------------------------------------- property

# Small exports of every dataset with keys and values drawn from tiny pools, so that
# files share keys, repeat rows and tie on dates. ISO dates and point decimals: a subset
# of a file is read with the same day/month order and decimal separator as the file.
POOLS: dict[str, tuple[str, list[list[str]]]] = {
    "invoices": (
        "Invoice Date,Client,Line Amount,Invoice Number,Cost",
        [["2025-01-05", "2025-02-03"], ["Acme", "ACME Inc", "Beta"], ["100", "50.5"],
         ["F1", "F2"], ["", "20.25"]],
    ),
    "contracts": (
        "Contract ID,Client,Start Date,End Date,Amount,Billing Period",
        [["K1", "K2", "K3"], ["Acme", "Beta"], ["2024-06-01", "2025-01-01"],
         ["", "2025-02-28"], ["100", "120.5"], ["Monthly", "Quarterly"]],
    ),
    "tickets": (
        "Ticket #,Company,Created,Updated,Resolved,Status,Technician",
        [["T1", "T2", "T3"], ["Acme", "Beta", "beta"], ["2025-01-03 09:00", "2025-02-01 10:00"],
         ["", "2025-02-02 10:00", "2025-02-05 10:00"], ["", "2025-02-05 10:00"],
         ["Open", "Closed"], ["Ana", "Bob"]],
    ),
    "staff": (
        "Technician,Hourly Cost,Weekly Hours",
        [["Ana", "ANA", "Bob", "Carla"], ["30", "40.5"], ["40", "20"]],
    ),
    "time_entries": (
        "Member,Date,Hours,Company,Billable",
        [["Ana", "Bob"], ["2025-01-10", "2025-02-10"], ["1.5", "2"], ["Acme", "Beta"],
         ["Yes", "No"]],
    ),
    "devices": (
        "Device ID,Company,Last Seen",
        [["PC1", "PC2", "PC3"], ["Acme", "Beta"], ["2025-02-01", "2025-02-20"]],
    ),
    "opportunities": (
        OPPS,
        [["O1", "O2"], ["2025-01-05", "2025-01-20"], ["Open", "Won", "Lost"],
         ["2025-02-10", "2025-02-25"], ["1000", "250.5"], ["", "2025-02-01", "2025-02-26"]],
    ),
    "surveys": (
        SURVEYS,
        [["S1", "S2", ""], ["2025-02-01", "2025-02-15"], ["2", "5"], ["Acme", "Beta"]],
    ),
}  # fmt: skip


@st.composite
def export(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A dataset and the CSV lines of one of its exports (1-5 rows)."""
    dataset = draw(st.sampled_from(sorted(POOLS)))
    _, pools = POOLS[dataset]
    row = st.tuples(*(st.sampled_from(p) for p in pools)).map(",".join)
    return dataset, draw(st.lists(row, min_size=1, max_size=5))


@st.composite
def exports_and_a_repeat(draw: st.DrawFn) -> tuple[list[tuple[str, bytes]], int, bytes]:
    """Exports, and where to add what again: a whole file, or some of its rows (an
    overlapping export), anywhere after the file it repeats or right before it."""
    files = draw(st.lists(export(), min_size=1, max_size=4))
    inputs = [(f"f{i}.csv", text(POOLS[ds][0], *rows)) for i, (ds, rows) in enumerate(files)]
    i = draw(st.integers(0, len(files) - 1))
    ds, rows = files[i]
    keep = draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    some = [r for r, k in zip(rows, keep, strict=True) if k] or rows[:1]
    whole = draw(st.booleans())
    again = text(POOLS[ds][0], *(rows if whole else some))
    # anywhere after its file (after newer exports too), or right before it
    at = draw(st.integers(i, len(files)))
    return inputs, at, again


PERIOD = (date(2025, 1, 1), date(2025, 2, 28))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(exports_and_a_repeat())
def test_adding_a_loaded_file_again_or_an_overlapping_export_changes_no_kpi(
    case: tuple[list[tuple[str, bytes]], int, bytes],
) -> None:
    inputs, at, again = case
    once = load(*inputs)
    twice = load(*inputs[:at], ("again.csv", again), *inputs[at:])
    # a table held for confirmation (a staff list naming one person four times is no
    # roster) feeds nothing, and its copy may well be a plausible roster: the property
    # is about files that load
    assume(not any(f.held for f in (*once.files, *twice.files)))
    accounting_holds(twice.files, twice)
    # every row of again.csv equals a row of the file it repeats: one of the two copies
    # is merged (again.csv's when it comes first), so exactly its rows more are merged
    rep = next(f for f in twice.files if f.file == "again.csv")
    assert sum(f.rows_merged for f in twice.files) == rep.rows_read + sum(
        f.rows_merged for f in once.files
    )
    # the canonical tables are the same rows, in the same order
    assert once.tables.keys() == twice.tables.keys()
    for name, table in once.tables.items():
        assert twice.tables[name].equals(table), name
    assert (once.as_of, once.present) == (twice.as_of, twice.present)
    # and so is every KPI: value, numerator, denominator, in total and per client
    opts = [ReportOptions(start=PERIOD[0], end=PERIOD[1], as_of=PERIOD[1], by=by)
            for by in ("total", "client")]  # fmt: skip
    for got, want in zip(Engine(twice).reports(opts), Engine(once).reports(opts), strict=True):
        pd.testing.assert_frame_equal(got, want)
