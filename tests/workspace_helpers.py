"""Two monthly exports of a small MSP and helpers for the workspace tests.

January's exports hold tickets T1-T3 and invoice lines I1, I2. February's exports repeat
what the tools still show: T2 again, now resolved (a later ``Updated``), T3 unchanged,
and the new T4; invoice I2 again, unchanged, and the new I3.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from kpi.workspace import Scrypt, Throttle, Workspace

#: a cheap scrypt for tests (the default costs half a second per try)
CHEAP = Scrypt(n=2**10)
PASSPHRASE = "correct horse battery"

TICKETS_HEADER = "Ticket ID,Company,Created,Resolved,Updated,Status"
JAN_TICKETS = "\n".join([
    TICKETS_HEADER,
    "T1,Acme,2025-01-05 09:00,2025-01-05 12:00,2025-01-05 12:00,Resolved",
    "T2,Acme,2025-01-20 10:00,,2025-01-20 10:00,Open",
    "T3,Beta,2025-01-25 08:00,2025-01-26 08:00,2025-01-26 08:00,Resolved",
]) + "\n"  # fmt: skip
FEB_TICKETS = "\n".join([
    TICKETS_HEADER,
    "T2,Acme,2025-01-20 10:00,2025-02-03 10:00,2025-02-03 10:00,Resolved",  # updated
    "T3,Beta,2025-01-25 08:00,2025-01-26 08:00,2025-01-26 08:00,Resolved",  # the same
    "T4,Beta,2025-02-10 09:00,,2025-02-10 09:00,Open",  # new
]) + "\n"  # fmt: skip
INVOICES_HEADER = "Invoice Date,Client,Line Amount,Invoice Number"
JAN_INVOICES = "\n".join([
    INVOICES_HEADER,
    "2025-01-31,Acme,100,I1",
    "2025-01-31,Beta,50,I2",
]) + "\n"  # fmt: skip
FEB_INVOICES = "\n".join([
    INVOICES_HEADER,
    "2025-01-31,Beta,50,I2",  # repeated by the February export: counts once
    "2025-02-28,Acme,120,I3",  # new
]) + "\n"  # fmt: skip


def month_files(folder: Path) -> tuple[list[Path], list[Path]]:
    """January's and February's exports written under ``folder`` (one folder per month,
    the same file names every month, as a tool exports them)."""
    out = []
    for month, tickets, invoices in (
        ("2025-01", JAN_TICKETS, JAN_INVOICES),
        ("2025-02", FEB_TICKETS, FEB_INVOICES),
    ):
        (folder / month).mkdir(parents=True, exist_ok=True)
        t = folder / month / "tickets.csv"
        i = folder / month / "invoices.csv"
        t.write_text(tickets, encoding="utf-8")
        i.write_text(invoices, encoding="utf-8")
        out.append([t, i])
    return out[0], out[1]


def recorder() -> tuple[Throttle, list[float]]:
    """A throttle that records its waits instead of sleeping."""
    waits: list[float] = []
    return Throttle(sleep=waits.append), waits


def create(path: Path, **kwargs: Any) -> Workspace:
    return Workspace.create(path, PASSPHRASE, kdf=CHEAP, **kwargs)


def content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every table of a workspace file and its rows, sorted: two files with equal
    content give equal dicts, whatever DuckDB's blocks look like."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        rows = {n: con.execute(f'SELECT * FROM "{n}"').fetchall() for n in sorted(names)}
        return {n: sorted(r, key=repr) for n, r in rows.items()}
    finally:
        con.close()
