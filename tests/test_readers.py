"""Reading uploaded files into raw string tables (kpi.read).

Every input is built in the test (bytes literals, openpyxl workbooks, a hand-made ODS,
pyarrow Parquet). Expected row numbers are spreadsheet rows, worked out in the comments:
row 1 is the first line of the file, title lines and the header count, and a CSV record
with a quoted newline is one row.

Not covered: .xls (legacy BIFF) files, which cannot be written without a package the
project does not use; the .xls code path is the same fastexcel call as .xlsx, and an OLE
file that is not a workbook is tested below.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import struct
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi.errors import UnreadableFileError
from kpi.read import SUPPORTED_EXTENSIONS, RawTable, read_bytes, read_path


def one(name: str, data: bytes, **kw: object) -> RawTable:
    tables = read_bytes(name, data, **kw)  # type: ignore[arg-type]
    assert len(tables) == 1
    return tables[0]


def cells(t: RawTable) -> list[list[str]]:
    return [list(r.values()) for r in t.data.to_pylist()]


def rows(t: RawTable) -> list[int]:
    return t.row_numbers.to_pylist()


def why(problems: list) -> list[tuple[int | None, str]]:
    return [(p.row, p.problem) for p in problems]


def xlsx(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, sheet_rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in sheet_rows:
            ws.append(r)
        if name in hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------- encodings


def test_utf8_bom_is_removed() -> None:
    t = one("bom.csv", b"\xef\xbb\xbfId,Name\n1,Ana\n")
    assert t.encoding == "utf-8-sig"
    assert t.headers == ["Id", "Name"]
    assert cells(t) == [["1", "Ana"]]


def test_plain_utf8() -> None:
    t = one("u.csv", "Técnico,Año\nJosé,2024\n".encode())
    assert (t.encoding, t.headers, cells(t)) == ("utf-8", ["Técnico", "Año"], [["José", "2024"]])
    assert t.warnings == []


@pytest.mark.parametrize(
    ("codec", "with_bom"), [("utf-16-le", True), ("utf-16-be", True), ("utf-16-le", False)]
)
def test_utf16_tab_file(codec: str, with_bom: bool) -> None:
    # Excel "Unicode text": UTF-16 with BOM, tab-delimited
    text = ("\ufeff" if with_bom else "") + "Ticket\tCliente\tCreado\r\n1\tAcmé\t05/03/2024\r\n"
    t = one("export.txt", text.encode(codec))
    assert t.encoding == ("utf-16" if with_bom else codec)
    assert t.delimiter == "\t"
    assert t.headers == ["Ticket", "Cliente", "Creado"]
    assert cells(t) == [["1", "Acmé", "05/03/2024"]]
    assert rows(t) == [2]


def test_cp1252_semicolon_with_decimal_commas() -> None:
    data = "Técnico;Año;Horas;Coste\nAna;2024;7,5;30,25\nJosé;2023;8;12,5\n".encode("cp1252")
    t = one("partes.csv", data)
    assert t.encoding == "cp1252"
    assert t.delimiter == ";"
    assert t.headers == ["Técnico", "Año", "Horas", "Coste"]
    assert cells(t) == [["Ana", "2024", "7,5", "30,25"], ["José", "2023", "8", "12,5"]]
    assert rows(t) == [2, 3]


def test_cp1252_byte_undefined_in_cp1252_is_read_as_latin1() -> None:
    # 0x81 has no cp1252 character: read as latin-1 U+0081 instead of failing
    t = one("odd.csv", b"a;b\nx\x81;\xe9\n")
    assert t.encoding == "cp1252"
    assert cells(t) == [["x\x81", "é"]]


def test_stray_byte_in_utf8_file_is_cp1252_and_its_row_reported() -> None:
    # the header is valid UTF-8 (Técnico); row 3 has a lone 0xE9 (cp1252 é)
    data = "Técnico,Horas\nAna,7\n".encode() + b"Jos\xe9,8\nLuis,6\n"
    t = one("mixed.csv", data)
    assert t.encoding == "utf-8"
    assert cells(t) == [["Ana", "7"], ["José", "8"], ["Luis", "6"]]
    assert [(w.row, w.column, w.value) for w in t.warnings] == [(3, "Técnico", "José")]
    assert "not valid UTF-8" in t.warnings[0].problem


def test_stray_byte_with_quoted_newline_before_it_reports_spreadsheet_row() -> None:
    # rows: 1 header, 2 "a<newline>b" (one row), 3 the bad byte
    data = 'Nota,Técnico\n"a\nb",Ana\nx,'.encode() + b"Jos\xe9\n"
    t = one("mixed.csv", data)
    assert [(w.row, w.column) for w in t.warnings] == [(3, "Técnico")]


def test_stray_byte_in_the_header_is_reported_on_the_header_row() -> None:
    # 0x80 is the euro sign in cp1252; the rest of the file is UTF-8 (Técnico, José)
    data = "Técnico,Coste ".encode() + b"\x80\n" + "José,30\n".encode()
    t = one("h.csv", data)
    assert (t.encoding, t.headers, cells(t)) == ("utf-8", ["Técnico", "Coste €"], [["José", "30"]])
    assert [w.row for w in t.warnings] == [1]


def test_ascii_file_with_one_high_byte_is_cp1252_without_warning() -> None:
    # no valid multi-byte UTF-8 sequence at all: the file is cp1252
    t = one("c.csv", b"Name,Hours\nJos\xe9,8\n")
    assert t.encoding == "cp1252"
    assert cells(t) == [["José", "8"]]
    assert t.warnings == []


# ------------------------------------------------------------------- delimiters, quotes


@pytest.mark.parametrize("delim", ["|", "\t", ";", ","])
def test_delimiters(delim: str) -> None:
    text = delim.join(["Id", "Client", "Hours"]) + "\n" + delim.join(["7", "Acme", "1.5"]) + "\n"
    t = one("d.txt", text.encode())
    assert t.delimiter == delim
    assert t.headers == ["Id", "Client", "Hours"]
    assert cells(t) == [["7", "Acme", "1.5"]]


def test_semicolon_not_confused_by_decimal_commas() -> None:
    # with ",": the header is 1 field, every data row 4 fields (3 decimal commas);
    # with ";": all 3 rows have 3 fields -> ";" is more consistent (3 rows vs 2)
    t = one("n.csv", b"a;b;c\n1,5;2,5;3,5\n4,5;5,5;6,5\n")
    assert t.delimiter == ";"
    assert cells(t) == [["1,5", "2,5", "3,5"], ["4,5", "5,5", "6,5"]]


def test_excel_sep_line() -> None:
    t = one("s.csv", b"sep=;\nId;Amount\n1;2,5\n")
    assert (t.delimiter, t.header_row, t.headers) == (";", 2, ["Id", "Amount"])
    assert rows(t) == [3]
    assert why(t.skipped) == [(1, "delimiter line for Excel")]


def test_quoted_newlines_count_as_one_spreadsheet_row() -> None:
    # rows: 1 header; 2 record spanning 3 lines; 3 one line; 4 record spanning 2 lines
    data = b'Id,Notes,Hours\n1,"first\nsecond\nthird",2\n2,plain,3\n3,"a ""quote"",\r\nb",4\n'
    t = one("q.csv", data)
    assert rows(t) == [2, 3, 4]
    assert cells(t) == [
        ["1", "first\nsecond\nthird", "2"],
        ["2", "plain", "3"],
        ["3", 'a "quote",\r\nb', "4"],
    ]


def test_quoted_newlines_across_blocks_and_ragged_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    # 2 x 3,000 records of 2 lines each (~140 KB) read in 16 KB blocks, so blocks end
    # inside quoted values (pyarrow's fast path fails and the reader must switch to
    # newlines_in_values), plus a record with an extra non-empty field in each copy
    # (row numbers of invalid rows need the single-threaded pass).
    # Rows: header 1; record k (1-based) is row k + 1; the bad ones are records 1,500 and
    # 4,500 = rows 1,501 and 4,501.
    import pyarrow.csv as pacsv

    from kpi.read import delimited

    monkeypatch.setattr(delimited, "_CSV_BLOCK_SIZE", 1 << 14)
    calls: list[tuple[bool, bool]] = []
    real = pacsv.read_csv

    def spy(*args: object, **kw: object) -> pa.Table:
        ro, po = kw["read_options"], kw["parse_options"]
        calls.append((ro.use_threads, po.newlines_in_values))  # type: ignore[attr-defined]
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(delimited.pacsv, "read_csv", spy)
    recs = [b'%d,"line one\nline two",x' % k for k in range(1, 3_001)]
    recs[1_499] = b"1500,bad,x,extra"
    data = b"Id,Notes,Flag\n" + b"".join(r + b"\n" for r in recs) * 2
    t = one("big.csv", data)
    # threaded without newlines fails, threaded with newlines reads, serial for numbers
    assert calls == [(True, False), (True, True), (False, True)]
    assert t.data.num_rows == 5_998
    assert why(t.rejected) == [
        (1_501, "has 4 fields, the header has 3"),
        (4_501, "has 4 fields, the header has 3"),
    ]
    r = t.row_numbers.to_pylist()
    # the record after the first bad one (Id 1501) is row 1,502 at index 1,499
    assert (r[1_499], t.data.column(0)[1_499].as_py()) == (1_502, "1501")
    # the second copy starts at record 3,001 = row 3,002, index 2,999: Id "1" again
    assert (r[2_999], t.data.column(0)[2_999].as_py()) == (3_002, "1")
    assert r[-1] == 6_001


def test_jira_duplicate_headers_are_kept() -> None:
    t = one("jira.csv", b"Summary,Issue key,Sprint,Sprint,Labels,Labels\nx,K-1,S1,S2,a,\n")
    assert t.headers == ["Summary", "Issue key", "Sprint", "Sprint", "Labels", "Labels"]
    assert cells(t) == [["x", "K-1", "S1", "S2", "a", ""]]
    assert t.data.column_names == ["c0", "c1", "c2", "c3", "c4", "c5"]


def test_headers_trimmed_and_empty_header_kept() -> None:
    t = one("h.csv", b" Id ,,Name\n1,x,Ana\n")
    assert t.headers == ["Id", "", "Name"]


def test_cells_are_never_null() -> None:
    t = one("n.csv", b'a,b,c\n,"",x\n')
    assert cells(t) == [["", "", "x"]]
    assert all(col.null_count == 0 for col in t.data.columns)


def test_ragged_rows() -> None:
    # row 2 ok; 3 short (2 fields, padded); 4 long (4th field non-empty: rejected);
    # 5 trailing empty extra fields (kept); 6 a single field in the middle (rejected);
    # 7 ok; 8 a single-field line after the data (footer, skipped)
    data = b"a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12,,\nmiddle\n13,14,15\nReport end\n"
    t = one("rag.csv", data)
    assert cells(t) == [["1", "2", "3"], ["4", "5", ""], ["10", "11", "12"], ["13", "14", "15"]]
    assert rows(t) == [2, 3, 5, 7]
    assert why(t.rejected) == [
        (4, "has 4 fields, the header has 3"),
        (6, "has 1 field, the header has 3"),
    ]
    assert all(p.severity == "rejected" for p in t.rejected)
    assert why(t.warnings) == [
        (3, "has 2 fields, the header has 3; the missing cells are read as empty")
    ]
    assert why(t.skipped) == [(8, "footer line after the data")]
    # read = loaded candidates + rejected: 4 + 2
    assert t.rows_read == 6


def test_header_only_file_is_not_an_error() -> None:
    for data in (b"a,b,c\n", b"a,b,c", b"a,b,c\n\n"):
        t = one("h.csv", data)
        assert t.headers == ["a", "b", "c"]
        assert t.data.num_rows == 0
        assert t.data.num_columns == 3
        assert t.header_row == 1


def test_trailing_and_inner_blank_rows_are_skipped() -> None:
    # rows: 1 header, 2 data, 3 blank, 4 ",," (all empty), 5 data, 6 and 7 blank
    t = one("b.csv", b"a,b,c\n1,2,3\n\n,,\n4,5,6\n\n   \n")
    assert rows(t) == [2, 5]
    assert why(t.skipped) == [
        (3, "blank row"),
        (4, "blank row"),
        (6, "blank row"),
        (7, "blank row"),
    ]


def test_max_rows() -> None:
    t = one("m.csv", b'a,b\n1,"x\ny"\n2,z\n3,w\n', max_rows=2)
    assert cells(t) == [["1", "x\ny"], ["2", "z"]]
    assert rows(t) == [2, 3]


# ------------------------------------------------------------- preambles and footers

QUICKBOOKS = (
    b"Acme IT Services\n"
    b"Sales by Customer Detail\n"
    b'"January 1 - December 31, 2024"\n'
    b"\n"
    b",Transaction date,Transaction type,Num,Client full name,Amount\n"
    b"Checking (4346),,,,,\n"
    b',01/05/2024,Invoice,1001,Globex,"1,200.00"\n'
    b",01/09/2024,Invoice,1002,Initech,(420.81)\n"
    b"Total for Checking (4346),,,,,779.19\n"
    b"TOTAL,,,,,779.19\n"
    b"\n"
    b"\n"
    b'" Wednesday, September 30, 2026 11:11 AM GMT-05:00"\n'
)


def test_quickbooks_preamble_group_totals_and_timestamp() -> None:
    t = one("qb.csv", QUICKBOOKS)
    # header is line 5; its first cell is empty
    assert t.header_row == 5
    assert t.headers == [
        "",
        "Transaction date",
        "Transaction type",
        "Num",
        "Client full name",
        "Amount",
    ]
    # data rows are lines 7 and 8
    assert rows(t) == [7, 8]
    assert cells(t)[1] == ["", "01/09/2024", "Invoice", "1002", "Initech", "(420.81)"]
    assert why(t.skipped) == [
        (1, "title line before the header"),
        (2, "title line before the header"),
        (3, "title line before the header"),
        (4, "blank row"),
        (6, "group heading (only cells under unnamed columns), not data"),
        (9, "totals row, not data"),
        (10, "totals row, not data"),
        (11, "blank row"),
        (12, "blank row"),
        (13, "footer line after the data"),
    ]
    assert t.skipped[0].value == "Acme IT Services"
    assert all(p.severity == "skipped" for p in t.skipped)
    assert t.rejected == []


def test_quickbooks_padded_title_lines_and_single_field_heading() -> None:
    # title lines padded with commas (1 non-empty cell), and a group heading line with a
    # single field: before the last data row it is a heading, not a broken row
    data = (
        b"Acme,,\nInvoice List,,\n,,\n"
        b",Date,Amount\nChecking (4346)\n,01/05/2024,10\nTotal for Checking,,10\n"
    )
    t = one("qb2.csv", data)
    assert (t.header_row, rows(t)) == (4, [6])
    assert why(t.skipped)[3:] == [
        (5, "group heading (only cells under unnamed columns), not data"),
        (7, "totals row, not data"),
    ]
    assert t.rejected == []


def test_salesforce_footer_lines() -> None:
    data = (
        b'"Opportunity ID","Opportunity Name","Account Name","Amount"\n'
        b'"006A","Renewal","Acme","1000"\n'
        b'"006B","Upsell","Globex","250"\n'
        b"\n"
        b'"Grand Totals (2 records)"\n'
        b'"Confidential Information - Do Not Distribute"\n'
        b'"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\n'
    )
    t = one("sf.csv", data)
    assert rows(t) == [2, 3]
    assert why(t.skipped) == [
        (4, "blank row"),
        (5, "totals row, not data"),
        (6, "footer line after the data"),
        (7, "footer line after the data"),
    ]
    assert t.rejected == []


def test_footer_lines_padded_to_full_width() -> None:
    # xlsx-style footers: the text in the first cell, the other cells empty
    data = b"Id,Name,Amount\n1,a,2\nConfidential Information - Do Not Distribute,,\n"
    t = one("sf.csv", data)
    assert rows(t) == [2]
    assert why(t.skipped) == [(3, "footer line after the data")]


@pytest.mark.parametrize("word", ["Total", "Totales", "Total general", "Suma", "TOTAL", "Totals"])
def test_spanish_and_english_totals_rows(word: str) -> None:
    data = f"Cliente;Importe\nAcme;10\n{word};10\nGlobex;5\n".encode()
    t = one("t.csv", data)
    assert cells(t) == [["Acme", "10"], ["Globex", "5"]]
    assert why(t.skipped) == [(3, "totals row, not data")]


def test_total_must_be_a_whole_word() -> None:
    t = one("t.csv", b"Client,Amount\nTotalmente SL,10\nSumatec,5\n")
    assert cells(t) == [["Totalmente SL", "10"], ["Sumatec", "5"]]
    assert t.skipped == []


def test_header_score_chooses_the_header() -> None:
    # without a scorer the first row qualifies (3 non-empty cells, as wide as the rows
    # below); with one, the row that has the known aliases wins
    data = b"Export,of,tickets\nTicket,Created,Client\n1,2024-03-05,Acme\n"
    assert one("s.csv", data).header_row == 1
    known = {"ticket", "created", "client"}
    t = one("s.csv", data, header_score=lambda cs: sum(c.lower() in known for c in cs))
    assert (t.header_row, t.headers, rows(t)) == (2, ["Ticket", "Created", "Client"], [3])
    assert why(t.skipped) == [(1, "title line before the header")]


# ------------------------------------------------------------------------------- JSON


def test_json_list_of_records() -> None:
    data = json.dumps([{"id": 1, "hours": 1.5, "ok": True}, {"id": 2, "note": None}]).encode()
    t = one("r.json", data)
    assert t.headers == ["id", "hours", "ok", "note"]
    assert cells(t) == [["1", "1.5", "true", ""], ["2", "", "", ""]]
    assert rows(t) == [2, 3]


@pytest.mark.parametrize("key", ["data", "value", "items", "results", "records", "rows"])
def test_json_api_style(key: str) -> None:
    data = json.dumps({"count": 2, key: [{"a": "x"}, {"a": "y"}]}).encode()
    assert cells(one("api.json", data)) == [["x"], ["y"]]


def test_ndjson() -> None:
    t = one("n.json", b'{"a": 1}\n\n{"a": 2, "b": "x"}\n')
    assert (t.headers, cells(t)) == (["a", "b"], [["1", ""], ["2", "x"]])


def test_connectwise_nested_objects() -> None:
    rec = {
        "id": 105,
        "company": {"id": 1, "identifier": "acme", "name": "Acme", "_info": {"href": "x"}},
        "owner": {"id": 7, "identifier": "jdoe"},
        "board": {"id": 3},
        "_info": {"dateEntered": "2024-03-05T10:00:00Z", "enteredBy": "jdoe"},
        "tags": ["vip", "onsite"],
        "budgetHours": 2.0,
    }
    t = one("tickets.json", json.dumps([rec]).encode())
    assert t.headers == [
        "id",
        "company",
        "owner",
        "board",
        "_info.dateEntered",
        "_info.enteredBy",
        "tags",
        "budgetHours",
    ]
    assert cells(t) == [
        ["105", "Acme", "jdoe", "3", "2024-03-05T10:00:00Z", "jdoe", "vip; onsite", "2"]
    ]


# ---------------------------------------------------------------------------- Parquet


def test_parquet_round_trip() -> None:
    table = pa.table(
        {
            "ticket": ["00123", "T-2"],
            "created": pa.array([dt.datetime(2024, 3, 5, 14, 30), None], pa.timestamp("us")),
            "hours": [1.0, 2.5],
            "day": [dt.date(2024, 3, 5), None],
            "ok": [True, None],
            "count": pa.array([3, None], pa.int64()),
            # a reference struct: its name, else its id
            "company": [{"id": 1, "name": "Acme"}, {"id": 3, "name": None}],
            "tags": [["a", "b"], None],
        }
    )
    buf = io.BytesIO()
    pq.write_table(table, buf)
    t = one("t.parquet", buf.getvalue())
    assert t.headers == ["ticket", "created", "hours", "day", "ok", "count", "company", "tags"]
    assert cells(t) == [
        ["00123", "2024-03-05 14:30:00", "1", "2024-03-05", "true", "3", "Acme", "a; b"],
        ["T-2", "", "2.5", "", "", "", "3", ""],
    ]
    assert (t.encoding, t.delimiter, rows(t)) == (None, None, [2, 3])


def test_parquet_timezone_aware_timestamp_keeps_offset() -> None:
    ts = pa.array([dt.datetime(2024, 3, 5, 14, 30)], pa.timestamp("ms", tz="UTC"))
    buf = io.BytesIO()
    pq.write_table(pa.table({"t": ts}), buf)
    assert cells(one("t.parquet", buf.getvalue())) == [["2024-03-05 14:30:00Z"]]


# ------------------------------------------------------------------------- Workbooks


def test_xlsx_two_sheets_one_empty_dates_numbers_booleans() -> None:
    data = xlsx(
        {
            "Tickets": [
                ["Id", "Created", "Day", "Hours", "Billable"],
                ["001", dt.datetime(2024, 3, 5, 14, 30), dt.date(2024, 3, 5), 123, True],
                [7, dt.datetime(2024, 3, 6, 9, 0), dt.date(2024, 3, 6), 1234.5, False],
            ],
            "Empty": [],
        }
    )
    tables = read_bytes("book.xlsx", data)
    assert [t.sheet for t in tables] == ["Tickets"]
    t = tables[0]
    assert (t.encoding, t.delimiter, t.header_row) == (None, None, 1)
    assert t.headers == ["Id", "Created", "Day", "Hours", "Billable"]
    assert cells(t) == [
        ["001", "2024-03-05 14:30:00", "2024-03-05", "123", "true"],
        ["7", "2024-03-06 09:00:00", "2024-03-06", "1234.5", "false"],
    ]
    assert rows(t) == [2, 3]


def test_xlsx_every_sheet_is_a_table_and_hidden_ones_only_on_request() -> None:
    data = xlsx(
        {"A": [["x", "y"], [1, 2]], "B": [["p", "q"], [3, 4]], "Lists": [["k", "v"], [5, 6]]},
        hidden=("Lists",),
    )
    assert [t.sheet for t in read_bytes("b.xlsx", data)] == ["A", "B"]
    assert cells(one("b.xlsx", data, sheet="Lists")) == [["5", "6"]]
    with pytest.raises(UnreadableFileError, match=r"b\.xlsx.*no sheet named 'C'"):
        read_bytes("b.xlsx", data, sheet="C")


def test_xlsx_quickbooks_layout_row_numbers() -> None:
    data = xlsx(
        {
            "Report": [
                ["Acme IT Services"],
                ["Sales by Customer Detail"],
                ["January - December 2024"],
                [],
                [None, "Date", "Num", "Amount"],
                ["Checking (4346)"],
                [None, dt.date(2024, 1, 5), 1001, 1200],
                [None, dt.date(2024, 1, 9), 1002, -420.81],
                ["Total for Checking (4346)", None, None, 779.19],
                [],
                ["Accrual Basis Wednesday, September 30, 2026 11:11 AM GMT-05:00"],
            ]
        }
    )
    t = one("qb.xlsx", data)
    assert (t.header_row, t.headers) == (5, ["", "Date", "Num", "Amount"])
    assert cells(t) == [["", "2024-01-05", "1001", "1200"], ["", "2024-01-09", "1002", "-420.81"]]
    assert rows(t) == [7, 8]
    assert why(t.skipped)[4:] == [
        (6, "group heading (only cells under unnamed columns), not data"),
        (9, "totals row, not data"),
        (10, "blank row"),
        (11, "footer line after the data"),
    ]


def test_xlsx_table_not_at_a1_keeps_sheet_row_numbers() -> None:
    # header in B3:C3, data in B4:C5 -> rows 1-2 are empty sheet rows (blank, skipped),
    # the header is row 3 and the data rows 4 and 5; column A holds nothing
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["B3"], ws["C3"] = "Id", "Client"
    ws["B4"], ws["C4"] = 1, "Acme"
    ws["B5"], ws["C5"] = 2, "Globex"
    buf = io.BytesIO()
    wb.save(buf)
    t = one("offset.xlsx", buf.getvalue())
    assert (t.header_row, t.headers, rows(t)) == (3, ["Id", "Client"], [4, 5])
    assert cells(t) == [["1", "Acme"], ["2", "Globex"]]
    assert why(t.skipped) == [(1, "blank row"), (2, "blank row")]
    assert rows(one("offset.xlsx", buf.getvalue(), max_rows=1)) == [4]


def test_xlsx_header_only_sheet() -> None:
    t = one("h.xlsx", xlsx({"S": [["a", "b"]]}))
    assert (t.headers, t.data.num_rows, t.data.num_columns) == (["a", "b"], 0, 2)


MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def test_ods_handmade() -> None:
    ns = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )

    def cell(kind: str, attr: str, shown: str) -> str:
        return (
            f'<table:table-cell office:value-type="{kind}" {attr}><text:p>{shown}</text:p>'
            "</table:table-cell>"
        )

    row1 = cell("string", "", "Fecha") + cell("string", "", "Importe")
    row2 = cell("date", 'office:date-value="2024-03-05T14:30:00"', "05/03/2024") + cell(
        "float", 'office:value="1234.5"', "1234,5"
    )
    row3 = cell("date", 'office:date-value="2024-03-06"', "06/03/2024") + cell(
        "float", 'office:value="123"', "123"
    )
    body = "".join(f"<table:table-row>{r}</table:table-row>" for r in (row1, row2, row3))
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} '
        'office:version="1.2"><office:body><office:spreadsheet>'
        f'<table:table table:name="Hoja1">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", MANIFEST)
        z.writestr("content.xml", content)
    t = one("libro.ods", buf.getvalue())
    assert (t.sheet, t.headers) == ("Hoja1", ["Fecha", "Importe"])
    assert cells(t) == [["2024-03-05 14:30:00", "1234.5"], ["2024-03-06", "123"]]


def test_xlsx_saved_with_csv_name_is_read_as_workbook() -> None:
    t = one("really.csv", xlsx({"S": [["a", "b"], [1, 2]]}))
    assert (t.sheet, cells(t)) == ("S", [["1", "2"]])


# ---------------------------------------------------------------- unreadable inputs


def _zip_with_declared_size(size: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
    data = bytearray(buf.getvalue())
    cd = data.index(b"PK\x01\x02")  # central directory entry: uncompressed size at +24
    data[cd + 24 : cd + 28] = struct.pack("<I", size)
    return bytes(data)


def _zip_of(member: str, content: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(member, content)
    return buf.getvalue()


def _bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"\0" * (4 << 20))  # 4 MiB of zeros -> ~4 KB
    return buf.getvalue()


def _encrypted() -> bytes:
    # an OLE/CFB container holding a stream named EncryptedPackage (UTF-16 name)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
    return header + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64


def _corrupt_member() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "not xml at all")
        z.writestr("xl/workbook.xml", "<<< garbage")
    return buf.getvalue()


UNREADABLE = [
    ("empty.csv", b"", "is empty"),
    ("blank.csv", b"  \r\n\t\n", "is empty"),
    ("bom-only.csv", b"\xef\xbb\xbf", "is empty"),
    ("noise.csv", bytes(range(256)) * 8, "binary data"),
    ("noise.txt", bytes([1, 2, 3, 4, 5, 6, 14, 15, 16, 65]) * 100, "binary data"),
    ("picture.csv", b"\x89PNG\r\n\x1a\n" + bytes(50), "PNG image"),
    ("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF document"),
    ("locked.xlsx", _encrypted(), "is password-protected; save it without a password"),
    ("cut.xlsx", xlsx({"S": [["a"], [1]]})[:300], "is damaged"),
    ("garbage.xlsx", _corrupt_member(), "not a readable workbook"),
    ("junk.xlsx", bytes(range(1, 200)) + bytes(10), "not a valid .xlsx"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000), "not a readable workbook"),
    ("bomb.xlsx", _bomb(), "possible zip bomb"),
    ("huge.xlsx", _zip_with_declared_size(0xFFFF0000), "more than 1 GB"),
    ("files.zip", _zip_of("export_2024_01_01_1.csv", b"a,b\n1,2\n"), "unzip it and upload"),
    ("memo.docx", _zip_of("word/document.xml", b"<w/>"), "is a Word document"),
    ("obj.json", b'{"name": "x", "id": 3}', "not a list of records"),
    ("vals.json", b"[1, 2, 3]", "not of records"),
    ("none.json", b"[]", "no records"),
    ("broken.json", b'[{"a": 1},', "is not valid JSON"),
    ("page.xls", b"<!DOCTYPE html><html><table><tr><td>1</td></tr></table></html>", "HTML"),
    ("blob.dat", bytes(range(256)) * 4, "binary data"),
    ("bad.parquet", b"PAR1" + bytes(20), "not a readable Parquet file"),
]


@pytest.mark.parametrize(("name", "data", "message"), UNREADABLE, ids=[u[0] for u in UNREADABLE])
def test_unreadable_files_raise_with_the_file_name(name: str, data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFileError) as exc:
        read_bytes(name, data)
    assert exc.value.file == name
    assert str(exc.value).startswith(f"{name}: ")
    assert message in str(exc.value)


@settings(max_examples=200, deadline=None)
@given(
    st.binary(max_size=300),
    st.sampled_from(["f.csv", "f.json", "f.xlsx", "f.parquet", "f.txt", "f"]),
)
def test_arbitrary_bytes_never_raise_anything_else(data: bytes, name: str) -> None:
    try:
        tables = read_bytes(name, data)
    except UnreadableFileError as e:
        assert e.file == name
    else:
        assert all(t.data.num_columns == len(t.headers) for t in tables)


def test_unknown_extension_is_sniffed() -> None:
    assert cells(one("export.dat", b"a|b\n1|2\n")) == [["1", "2"]]
    assert cells(one("export", b'[{"a": 1}]')) == [["1"]]


def test_supported_extensions() -> None:
    assert set(SUPPORTED_EXTENSIONS) == {
        ".csv",
        ".tsv",
        ".txt",
        ".xlsx",
        ".xlsm",
        ".xls",
        ".ods",
        ".parquet",
        ".json",
    }


def test_read_path(tmp_path: Path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes(b"a,b\n1,2\n")
    assert cells(read_path(p)[0]) == [["1", "2"]]
    with pytest.raises(UnreadableFileError, match=r"missing\.csv: cannot be opened"):
        read_path(tmp_path / "missing.csv")


# ------------------------------------------------------------------ property: CSV


DELIMS = [",", ";", "\t", "|"]


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, list[str], list[list[str]], str]:
    delim = draw(st.sampled_from(DELIMS))
    ncols = draw(st.integers(2, 6))
    headers = draw(
        st.lists(st.text("abcxyz", min_size=1, max_size=5), min_size=ncols, max_size=ncols)
    )
    # cell text: letters, digits, an accent, spaces, and the hard parts: the delimiter,
    # quotes, newlines (no other delimiter: the sniffer must not face a real ambiguity)
    pieces = ["a", "b", "x", "1", "é", " ", delim, '"', "\n", "\r\n"]
    cell = st.lists(st.sampled_from(pieces), max_size=6).map("".join)
    data = draw(st.lists(st.lists(cell, min_size=ncols, max_size=ncols), max_size=25))
    eol = draw(st.sampled_from(["\n", "\r\n"]))

    def field(value: str) -> str:
        must = any(ch in value for ch in (delim, '"', "\n", "\r"))
        if must or draw(st.booleans()):
            return '"' + value.replace('"', '""') + '"'
        return value

    lines = [delim.join(field(c) for c in r) for r in [headers, *data]]
    text = eol.join(lines) + (eol if draw(st.booleans()) else "")
    return text.encode(), headers, data, delim


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_generated_csv_parses_back(case: tuple[bytes, list[str], list[list[str]], str]) -> None:
    data, headers, body, delim = case
    t = one("gen.csv", data)
    assert t.delimiter == delim
    assert t.header_row == 1
    assert t.headers == headers
    # blank rows (every cell empty or whitespace) are skipped; the rest come back exactly,
    # each at row (index in the generated data + 2): a quoted newline does not add a row
    kept = [(i + 2, r) for i, r in enumerate(body) if any(c.strip() for c in r)]
    assert cells(t) == [r for _, r in kept]
    assert rows(t) == [n for n, _ in kept]
    assert [p.row for p in t.skipped] == [
        i + 2 for i, r in enumerate(body) if not any(c.strip() for c in r)
    ]
    assert t.rejected == []


def test_excel_cells_are_normalised_only_where_a_rule_matches() -> None:
    from kpi.read.workbook import _normalise_excel

    cells = [
        "2024-03-05 00:00:00",  # a date-only cell
        "2024-03-05T00:00:00.000",
        "2024-03-05 00:00:00.5",  # not midnight: a fraction of a second
        "2024-03-05T14:30:00",  # ODS
        "2024-03-05 14:30:00",
        "1899-12-31 13:05:00",  # a time-only cell
        "1899-12-30 00:00:00",  # Excel's day 0: a date-only cell (a sentinel)
        "Teams 00:00:00",
        "T",
        None,
    ]
    out = _normalise_excel(pa.chunked_array([pa.array(cells[:4]), pa.array(cells[4:])]))
    assert out.to_pylist() == [
        "2024-03-05",
        "2024-03-05",
        "2024-03-05 00:00:00.5",
        "2024-03-05 14:30:00",
        "2024-03-05 14:30:00",
        "13:05:00",
        "1899-12-30",
        "Teams 00:00:00",
        "T",
        "",
    ]
    plain = pa.array(["Teams", "T", "00:00:00"])
    assert _normalise_excel(plain).to_pylist() == ["Teams", "T", "00:00:00"]


# --------------------------------------------------------------------------- row classes


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.none()
        | st.text(alphabet="gGrRsSuUtToOmMaAbBlL ſKÁé\u00a0x1", max_size=9)
        | st.sampled_from(["Total", "Grand Totals", "Subtotal:", "SUMA", "ſuma", "Totales"]),
        max_size=12,
    ),
    st.integers(0, 3),
)
def test_totals_rows_read_from_leading_bytes_equal_the_regex(
    texts: list[str | None], cut: int
) -> None:
    import pyarrow.compute as pc

    from kpi.read import rows as R

    column = pa.chunked_array([texts[:cut], texts[cut:]], pa.string())
    regex = pc.match_substring_regex(column, R._TOTALS_RE, ignore_case=True)
    assert R._totals(column).tolist() == [bool(x) for x in regex.to_pylist()]
    assert R._totals(pa.array(texts, pa.large_string())).tolist() == R._totals(column).tolist()


def test_leading_bytes_of_texts_and_slices() -> None:
    from kpi.read import rows as R

    whole = pa.array(["xy", "a", None, "", "Ñb", "to"])
    leads = R._leads(pa.chunked_array([whole.slice(0, 2), whole.slice(2)]))
    assert leads is not None
    assert leads[0].tolist() == [ord("x"), ord("a"), 0, 0, 0xC3, ord("t")]
    assert leads[1].tolist() == [ord("y"), 0, 0, 0, 0x91, ord("o")]
    assert R._leads(pa.array([1, 2])) is None


def test_a_totals_row_is_skipped_among_padded_and_empty_first_cells() -> None:
    body = b"Resource,Hours\n Ana ,1\n,2\nBea,3\nGrand Total,6\n"
    got = read_bytes("t.csv", body)[0]
    assert got.data.column(0).to_pylist() == [" Ana ", "", "Bea"]
    assert [p.problem for p in got.skipped] == ["totals row, not data"]
