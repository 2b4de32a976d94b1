"""From uploaded files to the canonical tables of :class:`kpi.model.LoadedData`.

Per file, :func:`kpi.load.table.read_file` (read, recognise, map, coerce); then, once for
all files, :func:`assemble`: the same rows in several files kept once, event-log merge of
tickets, staff de-duplication (:mod:`kpi.load.dedupe`), client and technician names joined
across datasets (:mod:`kpi.load.names`), derived columns and fallbacks
(:mod:`kpi.load.derive`), the default as-of date, and each dataset's reconciliation
(:mod:`kpi.load.reconcile`).

Accounting (docs/DATA.md "Nothing is lost"): every data row of every table is loaded, merged
or rejected with a reason, and ``rows_read = rows_loaded + rows_merged + rows_rejected``
per table. Lines that are not data (titles, totals, blank lines) are skipped and
listed, outside ``rows_read``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from kpi.errors import UnreadableFileError
from kpi.load.dedupe import dedupe
from kpi.load.derive import derive
from kpi.load.names import join_names
from kpi.load.options import LoadOptions, Override
from kpi.load.reconcile import summarize
from kpi.load.table import TableResult, map_tables, read_raw
from kpi.model import ARROW_TYPES, LoadedData
from kpi.read import SUPPORTED_EXTENSIONS
from kpi.schema import DATASETS, Dataset

# --------------------------------------------------------------------------- assembly


def assemble(
    results: Sequence[TableResult], options: LoadOptions | None = None, *, owned: bool = False
) -> LoadedData:
    """Join every table read into the session's canonical datasets.

    Tables of the same dataset are stacked in the given order (files in command-line
    order, a folder's files by relative path). Rows equal across tables and keys found
    in several tables are kept once (:func:`kpi.load.merge.merge_across`). Then, per
    docs/DATA.md and docs/DETAILS.md: ticket event logs are merged (greatest updated_at
    wins, empty loses, ties go to the later row), staff listed twice in a table keeps the first row,
    devices listed twice in a table warn, client and technician names are joined by
    key and shown in their most frequent spelling (the client alias table applied
    first), surveys fall back to their ticket's client and technician, and derived
    columns are computed. Last, each dataset's reconciliation
    (:mod:`kpi.load.reconcile`) is kept on ``LoadedData.summary``.

    ``owned``: the caller keeps no use for ``results``' typed tables, which are let go
    once the rows are merged (each result's ``table`` becomes None).
    """
    options = options or LoadOptions()
    data = LoadedData(tz=options.tz, lang=options.lang)
    by_ds: dict[str, list[tuple[int, TableResult]]] = {}
    for i, res in enumerate(results):
        data.files.append(res.report)
        data.problems.extend(res.problems)
        if res.table is not None and res.mapping is not None:
            by_ds.setdefault(res.mapping.dataset, []).append((i, res))

    con = duckdb.connect(":memory:")
    try:
        stacked: dict[str, pa.Table] = {}
        for name, parts in by_ds.items():
            stacked[name] = _stack(DATASETS[name], parts)
            present = set().union(*(p.mapping.columns.keys() for _, p in parts if p.mapping))
            # an event log's created_at is data too (its first change), not a blank column
            logs = [p.mapping.event_log for _, p in parts if p.mapping]
            present |= {log.fills for log in logs if log is not None}
            if name == "surveys" and "score" in present:
                present.add("satisfied")
            if name == "contracts" and "billing_period" in present:
                present.add("billing_months")
            if any(p.table is not None and "currency" in p.table.column_names for _, p in parts):
                present.add("currency")  # written in the amount cells, or mapped
            data.present[name] = frozenset(present)
        stacked = dedupe(con, stacked, by_ds, results, data)
        if owned:
            # the tables as typed are only read up to the merges: an event log's merge
            # copied the tickets, and at 1M tickets both copies were held to the end
            for res in results:
                res.table = None
        stacked = join_names(stacked, data)
        stacked = derive(con, stacked, data, [r.options for r in results])
        for name, table in stacked.items():
            if name == "clients":
                continue
            ds = DATASETS[name]
            data.tables[name] = table.select([c.name for c in ds.columns])
        data.data_start, data.as_of = _event_span(con, data)
        data.summary = summarize(data, con)
    finally:
        con.close()
    return data


def _stack(ds: Dataset, parts: list[tuple[int, TableResult]]) -> pa.Table:
    """All canonical columns typed, plus _file (result index) and _row, stacked."""
    tables = []
    for idx, res in parts:
        t = res.table
        assert t is not None
        n = t.num_rows
        cols = []
        for col in ds.columns:
            typ = ARROW_TYPES[col.kind]
            if col.name in t.column_names:
                cols.append(t.column(col.name).cast(typ))
            else:
                cols.append(pa.nulls(n, type=typ))
        cols.append(pa.array(np.full(n, idx, dtype=np.int64)))
        cols.append(t.column("_row").cast(pa.int64()))
        tables.append(
            pa.Table.from_arrays(cols, names=[c.name for c in ds.columns] + ["_file", "_row"])
        )
    return pa.concat_tables(tables)


def _event_span(
    con: duckdb.DuckDBPyConnection, data: LoadedData
) -> tuple[date | None, date | None]:
    """The data's first date and its default as_of (docs/DETAILS.md 9: the latest event date),
    after the merge, before filters. The first date reads the same events but the
    devices' (first_seen, last_seen describe a device, not the history the export holds:
    a device enrolled in 2019 does not make a ticket export begin in 2019)."""
    sources = {
        "tickets": ["created_at", "resolved", "updated_at"],
        "surveys": ["responded_at"],
        "time_entries": ["date"],
        "invoices": ["date"],
        "devices": ["last_seen"],
        "opportunities": ["created_at", "last_activity_at"],
    }
    earliest: list[date] = []
    latest: list[date] = []
    for name, cols in sources.items():
        if name not in data.tables:
            continue
        con.register("x", data.tables[name])
        for c in cols:
            lo, hi = con.sql(
                f'SELECT min(CAST("{c}" AS DATE)), max(CAST("{c}" AS DATE)) FROM x'
            ).fetchall()[0]
            if hi is not None:
                latest.append(hi)
            if lo is not None and name != "devices":
                earliest.append(lo)
        con.unregister("x")
    if "opportunities" in data.tables:
        con.register("x", data.tables["opportunities"])
        lo, hi = con.sql(
            "SELECT min(CAST(closed_at AS DATE)), max(CAST(closed_at AS DATE)) FROM x "
            "WHERE outcome IN ('won', 'lost')"
        ).fetchall()[0]
        con.unregister("x")
        if hi is not None:
            latest.append(hi)
            earliest.append(lo)
    return (min(earliest) if earliest else None, max(latest) if latest else None)


# --------------------------------------------------------------------------- entry points


def expand_inputs(inputs: Iterable[str | Path]) -> list[tuple[str, Path]]:
    """Files as given, each named by its file name; a folder becomes every supported file
    under it, in its subfolders too, named by its path relative to the folder and sorted
    by that path (folder by folder: ``2024/dec.csv`` before ``2025/jan.csv`` before
    ``tickets.csv``). Hidden files and folders (``.git``, ``.~lock.x.csv#``) are skipped,
    and so are links to folders (no loops).

    Returns:
        (name, path) per file, in reading order.

    Raises:
        UnreadableFileError: a path that does not exist, or a folder without data files.
    """
    out: list[tuple[str, Path]] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found: list[tuple[tuple[str, ...], Path]] = []
            for folder, dirs, names in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for n in names:
                    f = Path(folder) / n
                    if n.startswith(".") or f.suffix.lower() not in SUPPORTED_EXTENSIONS:
                        continue
                    if f.is_file():
                        found.append((f.relative_to(p).parts, f))
            if not found:
                raise UnreadableFileError(
                    str(p), f"folder holds no data files ({', '.join(SUPPORTED_EXTENSIONS)})"
                )
            out.extend(("/".join(parts), f) for parts, f in sorted(found))
        elif p.is_file():
            out.append((p.name, p))
        else:
            raise UnreadableFileError(str(p), "no such file or folder")
    return out


def load_files(
    inputs: Iterable[str | Path | tuple[str, bytes]],
    options: LoadOptions | None = None,
    overrides: dict[tuple[str, str | None], Override] | None = None,
) -> LoadedData:
    """Read files (paths, folders, or ``(name, bytes)`` pairs) into :class:`LoadedData`.

    Tables that cannot be recognised are reported in ``LoadedData.files`` with their
    error and every row rejected; files that cannot be read at all raise.

    Raises:
        UnreadableFileError: a file that cannot be read as a table.
    """
    options = options or LoadOptions()
    results: list[TableResult] = []
    # paths are checked up front (a typo fails before minutes of reading), then read one
    # at a time so only one file's bytes are in memory
    items: list[tuple[str, bytes | Path]] = []
    for item in inputs:
        if isinstance(item, tuple):
            items.append(item)
        else:
            items.extend(expand_inputs([item]))
    for name, entry in items:
        if isinstance(entry, Path):
            try:
                blob = entry.read_bytes()
            except OSError as e:
                raise UnreadableFileError(name, f"cannot be opened ({e.strerror})") from e
        else:
            blob = entry
        per_sheet = {sheet: ov for (fname, sheet), ov in (overrides or {}).items() if fname == name}
        raws = read_raw(name, blob)
        # a file read from disk is let go before its text is typed: at 1M tickets the
        # 280 MB of the CSV were still held at the loading's peak
        del blob
        for res in map_tables(raws, options, per_sheet):
            res.raw = None  # the raw text table is only needed by a mapping editor
            results.append(res)
        del raws
        # the pool keeps the pages of the text just freed; give them back before the
        # next file is read (at 1M tickets loading peaked 150-250 MB higher without)
        pa.default_memory_pool().release_unused()
    return assemble(results, options, owned=True)
