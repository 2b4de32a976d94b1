"""From uploaded files to the canonical tables of :class:`kpi.model.LoadedData`.

The pipeline, per file::

    bytes --readers--> RawTable(s) --recognize--> Mapping --values--> typed table + problems

and then, once for all files, :func:`assemble`: event-log merge of tickets, staff
de-duplication, client and technician names joined across datasets, survey fallbacks,
derived columns and the default as-of date.

Accounting (DATA.md "Nothing is lost"): every data row of every table is loaded, merged
or rejected with a reason, and ``rows_read = rows_loaded + rows_merged + rows_rejected``
per table. Lines that are not data (titles, totals, blank lines) are skipped and
listed, outside ``rows_read``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi import values
from kpi.errors import UnreadableFileError, UnrecognisedDatasetError
from kpi.model import ARROW_TYPES, FileReport, LoadedData
from kpi.names import client_key, technician_key
from kpi.presets import Preset
from kpi.problems import Problem
from kpi.readers import SUPPORTED_EXTENSIONS, RawTable, per_column, read_bytes
from kpi.recognize import Mapping, header_score, recognize
from kpi.schema import DATASETS, NO_CLIENT, Dataset
from kpi.summary import summarize

#: Datasets where an empty client is allowed and becomes ``(none)``.
OPTIONAL_CLIENT = ("tickets", "surveys", "time_entries", "projects", "opportunities")

#: Rows a single table may have; more is refused with a clear message (memory guard).
MAX_ROWS = 10_000_000

WON = frozenset(["won", "closed won", "closedwon", "ganada", "ganado", "win", "cerrada ganada"])
LOST = frozenset(["lost", "closed lost", "closedlost", "perdida", "perdido", "cerrada perdida"])


@dataclass
class LoadOptions:
    """How files are read. ``lang`` decides ambiguous dates and decimal separators."""

    lang: str = "en"
    tz: str = "UTC"
    presets: Sequence[Preset] = ()


@dataclass
class Override:
    """A choice made by hand for one table (the app's mapping editor)."""

    dataset: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class TableResult:
    """One table read, mapped and coerced, before :func:`assemble`."""

    report: FileReport
    raw: RawTable | None
    mapping: Mapping | None
    table: pa.Table | None  # canonical columns that were mapped + _row
    problems: list[Problem] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


def read_file(
    name: str,
    data: bytes,
    options: LoadOptions | None = None,
    overrides: dict[str | None, Override] | None = None,
) -> list[TableResult]:
    """Read one file (every sheet of a workbook) into mapped, typed tables.

    Args:
        name: the file name as the user sees it.
        data: its bytes.
        options: language, time zone and presets.
        overrides: per sheet (None for a CSV) a dataset/mapping chosen by hand.

    Returns:
        One result per table. A table that cannot be recognised has ``table=None`` and
        its ``report.error`` says why; the other tables of the file still load.

    Raises:
        UnreadableFileError: the file cannot be read as a table at all.
    """
    options = options or LoadOptions()
    raws = read_bytes(name, data, header_score=header_score)
    out = []
    for raw in raws:
        override = (overrides or {}).get(raw.sheet)
        out.append(map_table(raw, options, override))
    return out


def map_table(raw: RawTable, options: LoadOptions, override: Override | None = None) -> TableResult:
    """Recognise, map and coerce one raw table."""
    report = FileReport(
        raw.file,
        raw.sheet,
        None,
        encoding=raw.encoding,
        delimiter=raw.delimiter,
        header_row=raw.header_row,
        rows_skipped=len(raw.skipped),
    )
    n_read = raw.data.num_rows + len(raw.rejected)
    report.rows_read = n_read
    if n_read > MAX_ROWS:
        raise UnreadableFileError(
            raw.file,
            f"has {n_read:,} rows; the limit is {MAX_ROWS:,} per table. "
            "Export a shorter period or split the file",
        )
    dataset, fixed, inverted, opts = _choose_preset(raw, options, override)
    excluded = frozenset(
        c for c, src in (override.columns.items() if override else ()) if src == ""
    )
    try:
        mapping = recognize(
            raw.headers,
            file=_where(raw),
            dataset=dataset,
            fixed=fixed,
            inverted=inverted,
            excluded=excluded,
        )
    except UnrecognisedDatasetError as e:
        report.error = e.why
        report.rows_rejected = n_read
        problems = [*raw.skipped, *raw.rejected]
        return TableResult(report, raw, None, None, problems, opts)
    if override is not None and override.columns:
        mapping = replace(
            mapping, origin={**mapping.origin, **dict.fromkeys(override.columns, "user")}
        )
    report.dataset = mapping.dataset
    report.mapping = mapping.source(raw.headers)
    used = set(mapping.columns.values())
    report.unmapped = [h for i, h in enumerate(raw.headers) if i not in used and h]
    table, problems, notes = coerce(raw, mapping, options, opts)
    report.notes.extend(notes)
    all_problems = [*raw.skipped, *raw.rejected, *raw.warnings, *problems]
    report.rows_rejected = len(raw.rejected) + sum(1 for p in problems if p.severity == "rejected")
    report.warnings = sum(1 for p in all_problems if p.severity == "warning")
    report.rows_loaded = table.num_rows  # merges are subtracted by assemble()
    return TableResult(report, raw, mapping, table, all_problems, opts)


def _where(raw: RawTable) -> str:
    return f"{raw.file} [{raw.sheet}]" if raw.sheet else raw.file


def _choose_preset(
    raw: RawTable, options: LoadOptions, override: Override | None
) -> tuple[str | None, dict[str, int], set[str], dict[str, Any]]:
    """The dataset, fixed columns and options from an override, else a matching preset."""
    folded_pick: dict[str, int] = {}
    dataset: str | None = None
    opts: dict[str, Any] = {}
    for preset in options.presets:
        if preset.matches(raw.headers, raw.sheet):
            dataset = preset.dataset or dataset
            folded_pick.update(preset.fixed(raw.headers))
            opts.update(preset.options)
    if override is not None:
        if override.dataset:
            if override.dataset != dataset:
                folded_pick = {}
            dataset = override.dataset
        pos = {h: i for i, h in reversed(list(enumerate(raw.headers)))}
        for col, src in override.columns.items():
            if src == "":
                folded_pick.pop(col, None)
            elif src in pos:
                folded_pick[col] = pos[src]
        opts.update(override.options)
    return dataset, folded_pick, set(), opts


def coerce(
    raw: RawTable, mapping: Mapping, options: LoadOptions, opts: dict[str, Any]
) -> tuple[pa.Table, list[Problem], list[str]]:
    """Type every mapped column; reject rows whose required values are missing or bad.

    Returns:
        (table of the kept rows with the mapped canonical columns plus ``_row``,
        problems, column notes)
    """
    ds = DATASETS[mapping.dataset]
    n = raw.data.num_rows
    where_sheet = raw.sheet
    problems: list[Problem] = []
    notes: list[str] = []
    reject = pa.array(np.zeros(n, dtype=bool))
    reasons: list[tuple[pa.Array, str, str, pa.Array]] = []  # mask, header, why, raw
    columns: dict[str, pa.Array] = {}
    rows = raw.row_numbers

    def warn_rows(mask: pa.Array, column: str, header: str, why: str, raw_col: pa.Array) -> None:
        idx = pc.indices_nonzero(mask)
        if len(idx) == 0:
            return
        for r, v in zip(
            pc.take(rows, idx).to_pylist(), pc.take(raw_col, idx).to_pylist(), strict=True
        ):
            problems.append(Problem(raw.file, where_sheet, r, header, v, why, "warning"))

    def parse(item: tuple[str, int]) -> values.ParsedColumn:
        col_name, pos = item
        raw_col = raw.data.column(pos)
        if col_name == "score" and ds.name == "surveys":
            return values.parse_csat(
                raw_col, scale=opts.get("csat_scale"), reverse=bool(opts.get("csat_reverse"))
            )
        if col_name == "billing_period":
            return values.parse_billing_months(raw_col)
        return values.parse_column(
            raw_col,
            ds.column(col_name).kind,
            lang=options.lang,
            tz=options.tz,
            day_first=opts.get("day_first"),
            inverted=col_name in mapping.inverted,
            decimal=opts.get("decimal"),
        )

    # columns are independent: parse them on every core (pyarrow and DuckDB release
    # the GIL), then collect problems in column order
    items = list(mapping.columns.items())
    parsed_all = per_column(parse, items, n)

    for (col_name, pos), parsed_col in zip(items, parsed_all, strict=True):
        col = ds.column(col_name)
        header = raw.headers[pos]
        raw_col = raw.data.column(pos)
        parsed: values.ParsedColumn | None = parsed_col
        if col_name == "score" and ds.name == "surveys":
            columns["satisfied"] = parsed_col.values
            columns["score"] = values.clean_text(raw_col)
        elif col_name == "billing_period":
            columns["billing_months"] = parsed_col.values
            columns["billing_period"] = values.clean_text(raw_col)
            if parsed_col.warnings is not None:
                warn_rows(
                    parsed_col.warnings, col_name, header, parsed_col.warning_reason or "", raw_col
                )
            parsed = None
        else:
            columns[col_name] = parsed_col.values
        if parsed is None:
            continue
        if parsed.note:
            notes.append(f"{col_name} ({header}): {parsed.note}")
        if parsed.error:
            notes.append(f"{col_name} ({header}): {parsed.error}")
        why = parsed.error or parsed.reason or f"not a valid {col.kind}"
        if col.required:
            # empty (or a sentinel): NULL without being invalid; a survey score that
            # is "not a response" is NULL in `satisfied` but not empty
            kept = columns["score"] if col_name == "score" else parsed.values
            missing = pc.and_(pc.is_null(kept), pc.invert(parsed.invalid))
            reasons.append((parsed.invalid, header, why, raw_col))
            reasons.append((missing, header, "required value is empty", raw_col))
            reject = pc.or_(reject, pc.or_(parsed.invalid, missing))
        else:
            warn_rows(parsed.invalid, col_name, header, f"{why}; left empty", raw_col)
        if parsed.warnings is not None and parsed.warning_reason:
            warn_rows(parsed.warnings, col_name, header, parsed.warning_reason, raw_col)

    if ds.name == "time_entries":
        reject = _time_entry_hours(raw, mapping, columns, reasons, reject)

    # rows rejected: one problem per row, the first reason found
    rejected_idx = pc.indices_nonzero(reject)
    if len(rejected_idx):
        first: dict[int, Problem] = {}
        for mask, header, why, raw_col in reasons:
            hit = pc.indices_nonzero(mask)
            if len(hit) == 0:
                continue
            for i, r, v in zip(
                hit.to_pylist(),
                pc.take(rows, hit).to_pylist(),
                pc.take(raw_col, hit).to_pylist(),
                strict=True,
            ):
                if i not in first:
                    first[i] = Problem(raw.file, where_sheet, r, header, v, why, "rejected")
        problems.extend(first[i] for i in sorted(first))
    keep = pc.invert(reject)
    names = list(columns)
    table = pa.Table.from_arrays([columns[c] for c in names] + [rows], names=[*names, "_row"])
    if len(rejected_idx):  # filtering copies every column (0.1-0.3 s at 1M rows)
        table = _filtered(table, keep)
    return table, problems, notes


def _filtered(table: pa.Table, keep: pa.Array) -> pa.Table:
    """``table.filter(keep)``, its columns filtered on every core when the table is long
    (Arrow filters a table one column after the other; 0.13 s for 1M tickets)."""
    columns = per_column(lambda col: col.filter(keep), table.columns, table.num_rows)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _time_entry_hours(
    raw: RawTable,
    mapping: Mapping,
    columns: dict[str, pa.Array],
    reasons: list[tuple[pa.Array, str, str, pa.Array]],
    reject: pa.Array,
) -> pa.Array:
    """DATA.md time_entries: hours = end - start when there is no hours column; hours
    <= 0 reject the row (DETAILS.md 25)."""
    if "hours" not in columns:
        start, end = columns["start_at"], columns["end_at"]
        micros = pc.subtract(end.cast(pa.int64()), start.cast(pa.int64()))
        columns["hours"] = pc.divide(micros.cast(pa.float64()), 3_600_000_000.0)
        header = (
            f"{raw.headers[mapping.columns['start_at']]} / {raw.headers[mapping.columns['end_at']]}"
        )
        no_span = pc.and_(pc.is_null(columns["hours"]), pc.invert(reject))
        reasons.append(
            (
                no_span,
                header,
                "no hours and no start and end time",
                raw.data.column(mapping.columns["start_at"]),
            )
        )
        reject = pc.or_(reject, no_span)
        hours_raw = pc.cast(columns["hours"], pa.string())
    else:
        header = raw.headers[mapping.columns["hours"]]
        hours_raw = raw.data.column(mapping.columns["hours"])
    not_positive = pc.fill_null(pc.less_equal(columns["hours"], 0), False)
    reasons.append((not_positive, header, "hours must be more than 0", hours_raw))
    return pc.or_(reject, not_positive)


# --------------------------------------------------------------------------- assembly


def assemble(results: Sequence[TableResult], options: LoadOptions | None = None) -> LoadedData:
    """Join every table read into the session's canonical datasets.

    Tables of the same dataset are stacked in the given order (files in command-line
    order, a folder's files by name). Then, per DATA.md and DETAILS.md: ticket event
    logs are merged (greatest updated_at wins, empty loses, ties go to the later row),
    staff listed twice keeps the first row, devices listed twice warn, client and
    technician names are joined by key and shown in their most frequent spelling (the
    client alias table applied first), surveys fall back to their ticket's client and
    technician, and derived columns are computed. Last, each dataset's reconciliation
    (:mod:`kpi.summary`) is kept on ``LoadedData.summary``.
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
            if name == "surveys" and "score" in present:
                present.add("satisfied")
            if name == "contracts" and "billing_period" in present:
                present.add("billing_months")
            data.present[name] = frozenset(present)
        stacked = _dedupe(con, stacked, results, data)
        stacked = _names(stacked, data)
        stacked = _derive(con, stacked, data)
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


def _dedupe(
    con: duckdb.DuckDBPyConnection,
    stacked: dict[str, pa.Table],
    results: Sequence[TableResult],
    data: LoadedData,
) -> dict[str, pa.Table]:
    """Merge ticket event logs and repeated staff rows; warn on repeated devices."""
    out = dict(stacked)
    merged_rows: list[tuple[int, int, str]] = []
    if "tickets" in out:
        # DETAILS 14: greatest updated_at wins; empty updated_at loses; ties: the later row
        t = out["tickets"]
        keys = pa.table(
            {
                "ticket_id": t.column("ticket_id"),
                "updated_at": t.column("updated_at"),
                "_file": t.column("_file"),
                "_row": t.column("_row"),
                "_i": pa.array(np.arange(t.num_rows, dtype=np.int64)),
            }
        )
        con.register("t_in", keys)
        lost = con.sql(
            """
            SELECT _i, _file, _row, ticket_id FROM (
                SELECT *, row_number() OVER (
                    PARTITION BY ticket_id
                    ORDER BY updated_at DESC NULLS LAST, _file DESC, _row DESC) AS _rank
                FROM t_in)
            WHERE _rank > 1
            ORDER BY _file, _row
            """
        ).to_arrow_table()
        con.unregister("t_in")
        for f, r, tid in zip(
            lost.column("_file").to_pylist(),
            lost.column("_row").to_pylist(),
            lost.column("ticket_id").to_pylist(),
            strict=True,
        ):
            merged_rows.append((f, r, f"merged into a later row of ticket {tid} (event log)"))
        if lost.num_rows:
            keep = np.ones(t.num_rows, dtype=bool)
            keep[lost.column("_i").to_numpy()] = False
            out["tickets"] = _filtered(t, pa.array(keep))
    if "staff" in out:
        # DETAILS 25: staff listed twice, the first row wins
        t = out["staff"]
        keys = pa.array(
            [technician_key(v) if v else "" for v in t.column("technician").to_pylist()]
        )
        seen: set[str] = set()
        mask = []
        for i, k in enumerate(keys.to_pylist()):
            dup = k in seen
            seen.add(k)
            mask.append(not dup)
            if dup:
                merged_rows.append(
                    (
                        t.column("_file")[i].as_py(),
                        t.column("_row")[i].as_py(),
                        "technician listed twice in staff; the first row wins",
                    )
                )
        out["staff"] = t.filter(pa.array(mask, type=pa.bool_()))
    if "devices" in out:
        t = out["devices"]
        counts = pc.value_counts(t.column("device_id"))
        dup_ids = [
            v["values"] for v in counts.to_pylist() if v["counts"] > 1 and v["values"] is not None
        ]
        if dup_ids:
            is_dup = pc.is_in(t.column("device_id"), value_set=pa.array(dup_ids))
            idx = pc.indices_nonzero(is_dup)
            for f, r, dev in zip(
                pc.take(t.column("_file"), idx).to_pylist(),
                pc.take(t.column("_row"), idx).to_pylist(),
                pc.take(t.column("device_id"), idx).to_pylist(),
                strict=True,
            ):
                res = results[f]
                data.problems.append(
                    Problem(
                        res.report.file,
                        res.report.sheet,
                        r,
                        "device_id",
                        dev,
                        "device listed more than once; each row counts",
                        "warning",
                    )
                )
                res.report.warnings += 1
    merged_per_file = Counter(f for f, _, _ in merged_rows)
    for f, n in merged_per_file.items():
        results[f].report.rows_merged += n
        results[f].report.rows_loaded -= n
    where = {f: (results[f].report.file, results[f].report.sheet) for f in merged_per_file}
    data.problems.extend(
        Problem(*where[f], r, "ticket_id" if "ticket" in why else "technician", None, why, "info")
        for f, r, why in merged_rows
    )
    return out


def _names(stacked: dict[str, pa.Table], data: LoadedData) -> dict[str, pa.Table]:
    """Client and technician display names shared by every dataset (DETAILS 34)."""
    out = dict(stacked)
    # alias table: alias key -> the client's key and spelling
    alias_to: dict[str, str] = {}
    if "clients" in out:
        t = out["clients"]
        for client, alias in zip(
            t.column("client").to_pylist(), t.column("alias").to_pylist(), strict=True
        ):
            if client and alias:
                alias_to[client_key(alias)] = client
    for kind, column, fold in (
        ("client", "client", client_key),
        ("technician", "technician", technician_key),
    ):
        # each spelling's key once (Unicode folding, ~10 us), not once per use below
        keys: dict[str, str] = {}

        def keyfn(v: str, keys: dict[str, str] = keys, fold: Callable[[str], str] = fold) -> str:
            k = keys.get(v)
            if k is None:
                k = keys[v] = fold(v)
            return k

        # spelling counts over all loaded rows of every dataset; ties: first seen in
        # reading order (files in the order given, then rows): per spelling and file, its
        # count and first row, from one grouping that also lists the dataset's spellings
        counts: dict[str, dict[str, list[Any]]] = {}
        spellings: dict[str, list[str]] = {}
        users = [n for n, t in out.items() if n != "clients" and column in t.column_names]
        for name in users:
            t = out[name]
            grouped = (
                pa.table({"v": t.column(column), "f": t.column("_file"), "r": t.column("_row")})
                .group_by(["v", "f"])
                .aggregate([("r", "count"), ("r", "min")])
            )
            seen: dict[str, None] = {}
            for spelling, f, n, first_row in zip(
                grouped.column("v").to_pylist(),
                grouped.column("f").to_pylist(),
                grouped.column("r_count").to_pylist(),
                grouped.column("r_min").to_pylist(),
                strict=True,
            ):
                if spelling is None:
                    continue
                seen[spelling] = None
                if kind == "client":
                    spelling = alias_to.get(keyfn(spelling), spelling)
                first_seen = (f, first_row)
                slot = counts.setdefault(keyfn(spelling), {}).setdefault(spelling, [0, first_seen])
                slot[0] += n
                slot[1] = min(slot[1], first_seen)
            spellings[name] = list(seen)
        display = {
            k: min(sp.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[0] for k, sp in counts.items()
        }
        for name in users:
            found = spellings[name]
            mapped = []
            for v in found:
                sp = alias_to.get(keyfn(v), v) if kind == "client" else v
                mapped.append(display.get(keyfn(sp), sp))
            if mapped == found:
                continue  # every row already shows its display name: the column stays
            t = out[name]
            col = t.column(column)
            at = pc.index_in(col, value_set=pa.array(found, type=pa.string()))
            new = pc.take(pa.array(mapped, type=pa.string()), at)
            out[name] = t.set_column(t.column_names.index(column), column, new)
    return out


def _derive(
    con: duckdb.DuckDBPyConnection, stacked: dict[str, pa.Table], data: LoadedData
) -> dict[str, pa.Table]:
    """Derived columns and per-dataset fallbacks (model.py lists the guarantees)."""
    out = dict(stacked)
    files = data.files

    def problem_rows(t: pa.Table, mask: pa.Array, column: str, why: str, severity: str) -> None:
        idx = pc.indices_nonzero(mask)
        for f, r in zip(
            pc.take(t.column("_file"), idx).to_pylist(),
            pc.take(t.column("_row"), idx).to_pylist(),
            strict=True,
        ):
            rep = files[f]
            data.problems.append(Problem(rep.file, rep.sheet, r, column, None, why, severity))  # type: ignore[arg-type]
            if severity == "warning":
                rep.warnings += 1

    if "tickets" in out:
        t = out["tickets"]
        eff = pc.coalesce(t.column("resolved_at"), t.column("closed_at"))
        early = pc.fill_null(pc.less(eff, t.column("created_at")), False)
        problem_rows(
            t,
            early,
            "resolved_at",
            "resolution date earlier than created_at; the ticket counts as unresolved",
            "warning",
        )
        eff = pc.if_else(early, pa.scalar(None, pa.timestamp("us")), eff)
        t = t.set_column(t.column_names.index("resolved"), "resolved", eff)
        out["tickets"] = _fill_client(t)
    if "surveys" in out:
        t = out["surveys"]
        if "tickets" in out:
            con.register("s_in", t)
            con.register("t_in", out["tickets"].select(["ticket_id", "client", "technician"]))
            cols = ", ".join(
                f's."{c}"'
                if c not in ("client", "technician")
                else f'coalesce(s."{c}", tk."{c}") AS "{c}"'
                for c in t.column_names
            )
            t = con.sql(
                f"""SELECT {cols} FROM s_in s
                LEFT JOIN t_in tk
                  ON tk.ticket_id = trim(s.ticket_id)
                ORDER BY s._file, s._row"""
            ).to_arrow_table()
            con.unregister("s_in")
            con.unregister("t_in")
        out["surveys"] = _fill_client(t)
    if "time_entries" in out:
        t = out["time_entries"]
        present = data.present.get("time_entries", frozenset())
        if "billable" not in present:
            data.notes.append("time entries: no billable column, so every hour counts as billable")
            t = t.set_column(
                t.column_names.index("billable"),
                "billable",
                pa.array(np.ones(t.num_rows, dtype=bool)),
            )
        else:
            # DETAILS 25: an empty or unknown billable value is not billable
            t = t.set_column(
                t.column_names.index("billable"),
                "billable",
                pc.fill_null(t.column("billable"), False),
            )
        out["time_entries"] = _fill_client(t)
    if "contracts" in out:
        t = out["contracts"]
        t = t.set_column(
            t.column_names.index("billing_months"),
            "billing_months",
            pc.fill_null(t.column("billing_months"), 1),
        )
        out["contracts"] = t
    if "projects" in out:
        out["projects"] = _fill_client(out["projects"])
    if "opportunities" in out:
        t = out["opportunities"]
        status = _fold_words(t.column("status"))
        stage = _fold_words(t.column("stage"))
        word = pc.if_else(pc.is_null(status), stage, status)
        won = pc.fill_null(pc.is_in(word, value_set=pa.array(sorted(WON))), False)
        lost = pc.fill_null(pc.is_in(word, value_set=pa.array(sorted(LOST))), False)
        closed = pc.is_valid(t.column("closed_at"))
        undated = pc.and_(pc.or_(won, lost), pc.invert(closed))
        problem_rows(
            t, undated, "closed_at", "won or lost without a close date; counted as open", "warning"
        )
        outcome = pc.if_else(
            pc.and_(won, closed), "won", pc.if_else(pc.and_(lost, closed), "lost", "open")
        )
        t = t.set_column(t.column_names.index("outcome"), "outcome", outcome)
        out["opportunities"] = _fill_client(t)
    return out


def _fold_words(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """lower-case, accents stripped, spaces collapsed; empty -> NULL."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    uniques = pc.unique(arr).drop_null()
    folded = [" ".join(technician_key(v).split()) or None for v in uniques.to_pylist()]
    return pc.take(pa.array(folded, type=pa.string()), pc.index_in(arr, value_set=uniques))


def _fill_client(t: pa.Table) -> pa.Table:
    i = t.column_names.index("client")
    return t.set_column(i, "client", pc.fill_null(t.column("client"), NO_CLIENT))


def _event_span(
    con: duckdb.DuckDBPyConnection, data: LoadedData
) -> tuple[date | None, date | None]:
    """The data's first date and its default as_of (DETAILS.md 9: the latest event date),
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


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Files as given; a folder becomes its supported files sorted by name.

    Raises:
        UnreadableFileError: a path that does not exist, or a folder without data files.
    """
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files = sorted(
                f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUPPORTED_EXTENSIONS
            )
            if not files:
                raise UnreadableFileError(
                    str(p), f"folder holds no data files ({', '.join(SUPPORTED_EXTENSIONS)})"
                )
            out.extend(files)
        elif p.is_file():
            out.append(p)
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
    items: list[tuple[str, bytes] | Path] = []
    for item in inputs:
        if isinstance(item, tuple):
            items.append(item)
        else:
            items.extend(expand_inputs([item]))
    for entry in items:
        if isinstance(entry, Path):
            try:
                name, blob = entry.name, entry.read_bytes()
            except OSError as e:
                raise UnreadableFileError(entry.name, f"cannot be opened ({e.strerror})") from e
        else:
            name, blob = entry
        per_sheet = {sheet: ov for (fname, sheet), ov in (overrides or {}).items() if fname == name}
        for res in read_file(name, blob, options, per_sheet):
            res.raw = None  # the raw text table is only needed by a mapping editor
            results.append(res)
        del blob
    return assemble(results, options)
