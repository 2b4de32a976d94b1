"""The workspace file: a DuckDB database and what it holds (README "Workspaces").

Tables (``format_version`` 1)::

    meta      key -> value: format_version, created_at, the passphrase's hash (auth.py),
              read_lang and tz (how every file of the workspace is read)
    tables    one row per table added (a file, or a sheet of a workbook), in the order
              added: its file (file_id), name, sheet, dataset, when, header signature,
              headers, the canonical columns it has, and as JSON its FileReport as read,
              its Mapping, its reading options, what was chosen for it by hand
    problems  every problem found reading a table (file, sheet, row, column, value,
              problem, severity), in order
    rows_<dataset>  the typed rows of every table of that dataset: _table_id, the
              dataset's canonical columns (kpi.schema), _row (the row in its file)
    mappings  header signature -> the choice learned for it (dataset, columns, options)
    settings  key -> JSON value (targets, thresholds, currency, rates, ...)
    tokens    SHA-256 of a session token -> issued, expires

The tables read are kept as they were read, before the rules that span files: opening a
workspace assembles them (:func:`kpi.load.assemble`) in the order added, so the numbers
of a workspace built by monthly adds are the numbers of all its files loaded at once.

The format is versioned: a file of a newer format is refused with a message; an older
one is brought up to date by :data:`MIGRATIONS` when it is opened.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from kpi.errors import WorkspaceError
from kpi.load import TableResult
from kpi.model import ARROW_TYPES, FileReport
from kpi.problems import Problem
from kpi.schema import DATASETS
from kpi.workspace import codec
from kpi.workspace.reading import ReadTable

#: the format this version writes, and the newest it reads
FORMAT_VERSION = 1

#: version -> the function that brings a workspace of that version to the next one,
#: run in the transaction that opens it (none yet: version 1 is the first)
MIGRATIONS: dict[int, Callable[[duckdb.DuckDBPyConnection], None]] = {}

SCHEMA = (
    "CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    """CREATE TABLE tables (
        table_id BIGINT PRIMARY KEY, file_id BIGINT NOT NULL, added_at TIMESTAMP NOT NULL,
        name VARCHAR NOT NULL, sheet VARCHAR, dataset VARCHAR NOT NULL,
        signature VARCHAR NOT NULL, headers VARCHAR NOT NULL, columns VARCHAR NOT NULL,
        report VARCHAR NOT NULL, mapping VARCHAR NOT NULL, options VARCHAR NOT NULL,
        unknown_billing VARCHAR NOT NULL, chosen VARCHAR)""",
    """CREATE TABLE problems (
        table_id BIGINT NOT NULL, seq BIGINT NOT NULL, file VARCHAR, sheet VARCHAR,
        "row" BIGINT, "column" VARCHAR, value VARCHAR, problem VARCHAR NOT NULL,
        severity VARCHAR NOT NULL)""",
    """CREATE TABLE mappings (
        signature VARCHAR PRIMARY KEY, override VARCHAR NOT NULL, headers VARCHAR NOT NULL,
        learned_from VARCHAR NOT NULL, learned_at TIMESTAMP NOT NULL)""",
    "CREATE TABLE settings (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)",
    """CREATE TABLE tokens (
        token_hash VARCHAR PRIMARY KEY, issued_at TIMESTAMP NOT NULL,
        expires_at TIMESTAMP NOT NULL)""",
)


def now() -> datetime:
    """The time now, UTC, as the naive timestamp the file stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def connect(path: Path, *, write: bool, block_size: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection to the workspace file (read-only unless ``write``); call it under
    :func:`kpi.workspace.lock.locked`. ``block_size`` only when creating (bytes: a
    small workspace, such as the test fixture, in a small file)."""
    config: dict[str, str | bool | int | float | list[str]] = {}
    if block_size is not None:
        config["default_block_size"] = str(int(block_size))
    try:
        con = duckdb.connect(str(path), read_only=not write, config=config)
    except duckdb.Error as e:
        raise WorkspaceError(f"{path.name}: not a workspace file ({_first_line(e)})") from e
    # results without ORDER BY come in insertion order: a table's rows are read back in
    # the order they were read from its file (the merge rules need it)
    con.execute("SET preserve_insertion_order = true")
    return con


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__


def create_schema(con: duckdb.DuckDBPyConnection, meta: dict[str, str]) -> None:
    """The tables of an empty workspace and its meta values (format_version added)."""
    for statement in SCHEMA:
        con.execute(statement)
    values = {"format_version": str(FORMAT_VERSION), "created_at": now().isoformat(), **meta}
    con.executemany("INSERT INTO meta VALUES (?, ?)", sorted(values.items()))


def read_meta(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """The meta values; :class:`WorkspaceError` for a DuckDB file that is not a workspace."""
    try:
        rows = con.execute("SELECT key, value FROM meta").fetchall()
    except duckdb.Error as e:
        raise WorkspaceError(f"{path.name}: not a workspace file (no meta table)") from e
    meta = dict(rows)
    if "format_version" not in meta:
        raise WorkspaceError(f"{path.name}: not a workspace file (no format version)")
    return meta


def set_meta(con: duckdb.DuckDBPyConnection, key: str, value: str) -> None:
    """Set one meta value."""
    con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


def migrate(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Bring a workspace of ``version`` to :data:`FORMAT_VERSION`, step by step, in the
    caller's transaction."""
    while version < FORMAT_VERSION:
        MIGRATIONS[version](con)
        version += 1
    set_meta(con, "format_version", str(FORMAT_VERSION))


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class StoredTable:
    """One table of a workspace, as listed (no rows).

    Attributes:
        table_id: its id (tables are assembled in the order of their ids).
        file_id: the file it came from (the sheets of a workbook share it); what
            :meth:`kpi.workspace.Workspace.remove` removes.
        name, sheet: the file name as given and the sheet (None for a CSV).
        dataset: what it was read as.
        added_at: when it was added (UTC).
        report: what it was read as, its counts before merging with the other files.
        signature: its header signature.
    """

    table_id: int
    file_id: int
    name: str
    sheet: str | None
    dataset: str
    added_at: datetime
    report: FileReport
    signature: str


def _rows_table(dataset: str) -> str:
    if dataset not in DATASETS:
        raise WorkspaceError(f"unknown dataset {dataset!r} in the workspace")
    return f"rows_{dataset}"


def _ensure_rows_table(con: duckdb.DuckDBPyConnection, dataset: str) -> None:
    """The rows table of ``dataset``, created when first needed; a column the dataset
    declares since (a newer version) is added to it."""
    ds = DATASETS[dataset]
    name = _rows_table(dataset)
    have = {
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [name]
        ).fetchall()
    }
    if not have:
        cols = ", ".join(f'"{c.name}" {c.duckdb_type}' for c in ds.columns)
        con.execute(f'CREATE TABLE {name} ("_table_id" BIGINT NOT NULL, {cols}, "_row" BIGINT)')
        return
    for c in ds.columns:
        if c.name not in have:
            con.execute(f'ALTER TABLE {name} ADD COLUMN "{c.name}" {c.duckdb_type}')


def insert_table(
    con: duckdb.DuckDBPyConnection, table_id: int, file_id: int, added_at: datetime, rt: ReadTable
) -> None:
    """Store one table read: its rows, problems and description (in the caller's
    transaction)."""
    res = rt.result
    assert res.table is not None and res.mapping is not None
    ds = DATASETS[res.mapping.dataset]
    columns = [c for c in res.table.column_names if c != "_row"]
    unknown = [c for c in columns if not ds.has(c)]
    if unknown:  # the coerced table holds declared columns only (kpi.load.coerce)
        raise WorkspaceError(f"{res.report.file}: columns {unknown} are not {ds.name} columns")
    _ensure_rows_table(con, ds.name)
    # the declared types, as kpi.load.assemble stacks them: the rows read back are equal
    typed = pa.table(
        [res.table.column(c).cast(ARROW_TYPES[ds.column(c).kind]) for c in columns]
        + [res.table.column("_row").cast(pa.int64())],
        names=[*columns, "_row"],
    )
    names = ", ".join(f'"{c}"' for c in [*columns, "_row"])
    con.register("incoming", typed)
    try:
        con.execute(
            f'INSERT INTO {_rows_table(ds.name)} ("_table_id", {names}) '
            f"SELECT $id, {names} FROM incoming",
            {"id": table_id},
        )
    finally:
        con.unregister("incoming")
    insert_problems(con, table_id, res.problems)
    con.execute(
        "INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            table_id, file_id, added_at, res.report.file, res.report.sheet, ds.name,
            rt.signature, codec.dumps(rt.headers), codec.dumps(columns),
            codec.report_json(res.report), codec.mapping_json(res.mapping),
            codec.dumps(res.options), codec.dumps(res.unknown_billing),
            None if rt.chosen is None else codec.override_json(rt.chosen),
        ],
    )  # fmt: skip


def insert_problems(con: duckdb.DuckDBPyConnection, table_id: int, problems: list[Problem]) -> None:
    """A table's problems, in order (columnar: a file may have a warning per row)."""
    if not problems:
        return
    fields = ("file", "sheet", "row", "column", "value", "problem", "severity")
    cols = list(zip(*((getattr(p, f) for f in fields) for p in problems), strict=True))
    t = pa.table(
        {
            "table_id": pa.array([table_id] * len(problems), pa.int64()),
            "seq": pa.array(range(len(problems)), pa.int64()),
            **{
                f: pa.array(c, pa.int64() if f == "row" else pa.string())
                for f, c in zip(fields, cols, strict=True)
            },
        }
    )
    con.register("incoming_problems", t)
    try:
        con.execute("INSERT INTO problems SELECT * FROM incoming_problems")
    finally:
        con.unregister("incoming_problems")


def stored_tables(con: duckdb.DuckDBPyConnection) -> list[StoredTable]:
    """Every table of the workspace, in the order added."""
    rows = con.execute(
        "SELECT table_id, file_id, name, sheet, dataset, added_at, report, signature "
        "FROM tables ORDER BY table_id"
    ).fetchall()
    return [
        StoredTable(tid, fid, name, sheet, ds, at, codec.report_from_json(rep), sig)
        for tid, fid, name, sheet, ds, at, rep, sig in rows
    ]


def load_results(con: duckdb.DuckDBPyConnection) -> list[TableResult]:
    """Every table of the workspace as it was read (:class:`TableResult`, without the raw
    text), in the order added: what :func:`kpi.load.assemble` takes."""
    rows = con.execute(
        "SELECT table_id, dataset, columns, report, mapping, options, unknown_billing "
        "FROM tables ORDER BY table_id"
    ).fetchall()
    problems = _problems_by_table(con)
    out = []
    for tid, dataset, columns, report, mapping, options, unknown in rows:
        out.append(
            TableResult(
                report=codec.report_from_json(report),
                raw=None,
                mapping=codec.mapping_from_json(mapping),
                table=_rows_of(con, tid, dataset, json.loads(columns)),
                problems=problems.get(tid, []),
                options=json.loads(options),
                unknown_billing=json.loads(unknown),
            )
        )
    return out


def _rows_of(
    con: duckdb.DuckDBPyConnection, table_id: int, dataset: str, columns: list[str]
) -> pa.Table:
    """One table's typed rows: the columns it had (that the dataset still declares) and
    ``_row``, in the order read."""
    ds = DATASETS[dataset]
    names = ", ".join(f'"{c}"' for c in [*(c for c in columns if ds.has(c)), "_row"])
    return con.sql(
        f'SELECT {names} FROM {_rows_table(dataset)} WHERE "_table_id" = $id',
        params={"id": table_id},
    ).to_arrow_table()


def _problems_by_table(con: duckdb.DuckDBPyConnection) -> dict[int, list[Problem]]:
    t = con.sql(
        'SELECT table_id, file, sheet, "row", "column", value, problem, severity '
        "FROM problems ORDER BY table_id, seq"
    ).to_arrow_table()
    out: dict[int, list[Problem]] = {}
    cols = [t.column(i).to_pylist() for i in range(t.num_columns)]
    for tid, *fields in zip(*cols, strict=True):
        out.setdefault(tid, []).append(Problem(*fields))
    return out


def next_ids(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """The next table id and file id."""
    t, f = con.execute("SELECT max(table_id), max(file_id) FROM tables").fetchone() or (None, None)
    return (t or 0) + 1, (f or 0) + 1


def delete_file(con: duckdb.DuckDBPyConnection, file_id: int) -> int:
    """Remove every table of one file: its rows, problems and description. Returns the
    number of tables removed."""
    found = con.execute(
        "SELECT table_id, dataset FROM tables WHERE file_id = ?", [file_id]
    ).fetchall()
    for tid, dataset in found:
        con.execute(f'DELETE FROM {_rows_table(dataset)} WHERE "_table_id" = ?', [tid])
        con.execute("DELETE FROM problems WHERE table_id = ?", [tid])
    con.execute("DELETE FROM tables WHERE file_id = ?", [file_id])
    return len(found)


# --------------------------------------------------------------------------- key/values


def settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The settings, key -> value."""
    return {k: json.loads(v) for k, v in con.execute("SELECT key, value FROM settings").fetchall()}


def put_settings(con: duckdb.DuckDBPyConnection, values: dict[str, Any]) -> None:
    """Set settings (a value of None removes its key)."""
    for key, value in values.items():
        if value is None:
            con.execute("DELETE FROM settings WHERE key = ?", [key])
        else:
            con.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", [key, codec.dumps(value)])


def learned(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, str, datetime]]:
    """signature -> (override JSON, headers JSON, file learned from, when)."""
    rows = con.execute(
        "SELECT signature, override, headers, learned_from, learned_at FROM mappings"
    ).fetchall()
    return {sig: (ov, headers, name, at) for sig, ov, headers, name, at in rows}


def learn(con: duckdb.DuckDBPyConnection, rt: ReadTable, override_json: str) -> None:
    """Keep the choice made for ``rt`` (an :class:`Override` as JSON) for its header
    signature, replacing the one learned before."""
    con.execute(
        "INSERT OR REPLACE INTO mappings VALUES (?, ?, ?, ?, ?)",
        [rt.signature, override_json, codec.dumps(rt.headers), rt.result.report.file, now()],
    )


def forget(con: duckdb.DuckDBPyConnection, signatures: Sequence[str]) -> None:
    """Forget the choices learned for these header signatures."""
    for sig in signatures:
        con.execute("DELETE FROM mappings WHERE signature = ?", [sig])
