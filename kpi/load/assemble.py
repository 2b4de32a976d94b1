"""From uploaded files to the canonical tables of :class:`kpi.model.LoadedData`.

The pipeline, per file::

    bytes --readers--> RawTable(s) --recognize--> Mapping --values--> typed table + problems

and then, once for all files, :func:`assemble`: the same rows in several files kept once
(:func:`_merge_across`), event-log merge of tickets, staff de-duplication, client and
technician names joined across datasets, survey fallbacks, derived columns and the
default as-of date.

Accounting (DATA.md "Nothing is lost"): every data row of every table is loaded, merged
or rejected with a reason, and ``rows_read = rows_loaded + rows_merged + rows_rejected``
per table. Lines that are not data (titles, totals, blank lines) are skipped and
listed, outside ``rows_read``. A table recognised with low confidence (a guess, see
:mod:`kpi.recognize`) is held: every row rejected, with one reason for the table, until a
preset or an :class:`Override` names its dataset.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.errors import UnreadableFileError, UnrecognisedDatasetError
from kpi.load import values
from kpi.load.names import client_key, technician_key
from kpi.load.presets import Preset
from kpi.load.recognize import Mapping, header_score, held_message, recognize
from kpi.load.summary import summarize
from kpi.load.values import DOLLAR_CURRENCIES, DOLLAR_SIGN
from kpi.model import ARROW_TYPES, FileReport, LoadedData
from kpi.problems import Problem, Severity
from kpi.read import SUPPORTED_EXTENSIONS, RawTable, per_column, read_bytes
from kpi.schema.datasets import DATASETS, MONEY_COLUMNS, NO_CLIENT, Dataset, fold_header

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
    #: billing periods of a contracts table the built-in words do not know (as written,
    #: first seen first): the Data page asks their months (options ``billing_months``)
    unknown_billing: list[str] = field(default_factory=list)


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
            data=raw.data,
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
    report.confidence = mapping.confidence
    report.runner_up = mapping.runner_up
    report.evidence = list(mapping.reasons)
    used = set(mapping.columns.values())
    report.unmapped = [h for i, h in enumerate(raw.headers) if i not in used and h]
    if mapping.confidence == "low":
        # held: a guess feeds no KPI. Its rows are rejected (one reason for the whole
        # table) until a preset or the Data page names the dataset (recognize(dataset=))
        report.rows_rejected = n_read
        problems = [*raw.skipped, *raw.rejected]
        if raw.data.num_rows:
            why = held_message(mapping.dataset, mapping.reasons, columns=report.mapping)
            problems.append(Problem(raw.file, raw.sheet, None, None, None, why, "rejected"))
        return TableResult(report, raw, mapping, None, problems, opts)
    table, problems, notes = coerce(raw, mapping, options, opts)
    report.notes.extend(notes)
    all_problems = [*raw.skipped, *raw.rejected, *raw.warnings, *problems]
    if n_read == 0:
        # a header and nothing under it (an export of an empty filter, a template): it is
        # recognised and loads 0 rows, but "Tickets, 0 rows" alone reads like data
        why = "no data rows under the headers"
        all_problems.append(Problem(raw.file, raw.sheet, None, None, None, why, "warning"))
    report.rows_rejected = len(raw.rejected) + sum(1 for p in problems if p.severity == "rejected")
    report.warnings = sum(1 for p in all_problems if p.severity == "warning")
    report.rows_loaded = table.num_rows  # merges are subtracted by assemble()
    unknown_billing = []
    if "billing_period" in mapping.columns:
        unknown_billing = values.unknown_billing_periods(
            raw.data.column(mapping.columns["billing_period"])
        )
    return TableResult(report, raw, mapping, table, all_problems, opts, unknown_billing)


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

    def warn_rows(
        mask: pa.Array,
        column: str,
        header: str,
        why: str,
        raw_col: pa.Array,
        severity: Severity = "warning",
    ) -> None:
        idx = pc.indices_nonzero(mask)
        if len(idx) == 0:
            return
        for r, v in zip(
            pc.take(rows, idx).to_pylist(), pc.take(raw_col, idx).to_pylist(), strict=True
        ):
            problems.append(Problem(raw.file, where_sheet, r, header, v, why, severity))

    def parse(
        item: tuple[str, int],
        day_first: bool | None = opts.get("day_first"),
        decimal: str | None = opts.get("decimal"),
        why: str | None = None,
    ) -> values.ParsedColumn:
        col_name, pos = item
        raw_col = raw.data.column(pos)
        if col_name == "score" and ds.name == "surveys":
            return values.parse_csat(
                raw_col, scale=opts.get("csat_scale"), reverse=bool(opts.get("csat_reverse"))
            )
        if col_name == "billing_period":
            return values.parse_billing_months(raw_col, opts.get("billing_months"))
        if col_name == "currency":
            return values.parse_currency(raw_col)
        if col_name in MONEY_COLUMNS.get(ds.name, ()):
            return values.parse_money(raw_col, lang=options.lang, decimal=decimal, why=why)
        return values.parse_column(
            raw_col,
            ds.column(col_name).kind,
            lang=options.lang,
            tz=options.tz,
            day_first=day_first,
            inverted=col_name in mapping.inverted,
            decimal=decimal,
            why=why,
        )

    # columns are independent: parse them on every core (pyarrow and DuckDB release
    # the GIL), then collect problems in column order
    items = list(mapping.columns.items())
    parsed_all = _settled_by_table(items, per_column(parse, items, n), parse, opts)

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
            if parsed_col.info is not None:
                warn_rows(
                    parsed_col.info, col_name, header, parsed_col.info_reason or "", raw_col, "info"
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

    if mapping.event_log is not None:
        reject = _first_events(raw, mapping, columns, reasons, reject, notes)
    if ds.name in MONEY_COLUMNS:
        parsed_of = {name: p for (name, _), p in zip(items, parsed_all, strict=True)}
        notes.extend(_row_currency(ds.name, raw, mapping, parsed_of, columns, warn_rows))
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


def _row_currency(
    dataset: str,
    raw: RawTable,
    mapping: Mapping,
    parsed: dict[str, values.ParsedColumn],
    columns: dict[str, pa.Array],
    warn_rows: Callable[[pa.Array, str, str, str, pa.Array], None],
) -> list[str]:
    """The ``currency`` of each row of a money dataset (see :mod:`kpi.money`): the currency
    column's; else the one written in the amount cells (the amount's, then the cost's).
    Returns the column notes (cells written with a bare $).

    A row whose cells and column name different currencies keeps the column's, and one
    whose amount and cost cells differ keeps the amount's, each with a warning. A bare
    ``$`` and a dollar currency (MXN) do not differ: the code is kept, being the more
    precise. No currency anywhere: no ``currency`` column (every row NULL).
    """
    dollar = pa.array(sorted(DOLLAR_CURRENCIES))

    def clash(a: pa.Array, b: pa.Array) -> pa.Array:
        a_dollar = pc.and_(pc.equal(a, DOLLAR_SIGN), pc.is_in(b, value_set=dollar))
        b_dollar = pc.and_(pc.equal(b, DOLLAR_SIGN), pc.is_in(a, value_set=dollar))
        same = pc.or_(pc.equal(a, b), pc.or_(a_dollar, b_dollar))
        return pc.fill_null(pc.invert(same), False)  # NULL: one of them names none

    def named(a: pa.Array, b: pa.Array) -> pa.Array:
        """``a``, or ``b`` where ``a`` is empty or a bare $ that ``b`` names precisely."""
        precise = pc.and_(pc.equal(a, DOLLAR_SIGN), pc.not_equal(b, DOLLAR_SIGN))
        precise = pc.fill_null(precise, False)
        return pc.if_else(precise, b, pc.coalesce(a, b))

    cells = [c for c in MONEY_COLUMNS[dataset] if c in parsed and parsed[c].currency is not None]
    cell: pa.Array | None = None
    first = ""
    notes = []
    for name in cells:
        written = parsed[name].currency
        assert written is not None
        if not _any_valid(written):
            continue
        pos = mapping.columns[name]
        dollars = pc.sum(pc.cast(pc.fill_null(pc.equal(written, DOLLAR_SIGN), False), pa.int64()))
        n = dollars.as_py() or 0
        if n:
            notes.append(
                f"{name} ({raw.headers[pos]}): {n} amount{'s' if n > 1 else ''} written with a "
                "bare $, "
                "read as USD unless the data or the report currency names another currency "
                "written with $ (MXN, COP, CAD...)"
            )
        if cell is None:
            cell, first = written, name
            continue
        warn_rows(
            clash(cell, written), name, raw.headers[pos],
            f"written in another currency than the {first}; the {first}'s currency is used",
            raw.data.column(pos),
        )  # fmt: skip
        cell = named(cell, written)
    column = columns.get("currency")
    if column is not None and cell is not None:
        pos = mapping.columns[first]
        warn_rows(
            clash(column, cell), first, raw.headers[pos],
            "written in another currency than the currency column says; the column's is used",
            raw.data.column(pos),
        )  # fmt: skip
        columns["currency"] = named(column, cell)
    elif cell is not None:
        columns["currency"] = cell
    return notes


def _any_valid(arr: pa.Array) -> bool:
    return arr.null_count < len(arr)


def _settled_by_table(
    items: list[tuple[str, int]],
    parsed: list[values.ParsedColumn],
    parse: Callable[..., values.ParsedColumn],
    opts: dict[str, Any],
) -> list[values.ParsedColumn]:
    """A column whose own values do not decide the day/month order or the decimal mark is
    read as the other columns of the same table decide it, when they agree (DETAILS.md 32
    goes on: the column's values, else the table's, else the language). An export is
    written in one locale: ``Fecha inicio`` holding only ``01/02/2024`` next to ``Fecha
    prevista fin`` with ``30/06/2024`` is day-first (1 February), whatever the reading
    language; ``1.200`` next to amounts like ``2,5`` is one thousand two hundred. A
    preset's ``day_first`` or ``decimal`` wins (nothing to settle).

    Args:
        items: (canonical column, header index) of the parsed columns.
        parsed: their parsed columns, in the same order.
        parse: parses one item again, with ``day_first``, ``decimal`` and ``why``.
        opts: the table's options (a preset's or the user's).

    Returns:
        ``parsed`` with the undecided columns parsed again where the table decides.
    """
    out = list(parsed)
    orders = {p.order[0] for p in parsed if p.order is not None and p.order[1]}
    if opts.get("day_first") is None and len(orders) == 1:
        (day_first,) = orders
        for k, p in enumerate(parsed):
            if p.order is not None and not p.order[1] and p.order[0] != day_first:
                out[k] = parse(items[k], day_first=day_first, why=_BY_OTHER_DATES)
    marks = {p.mark[0] for p in parsed if p.mark is not None and p.mark[1]}
    if opts.get("decimal") is None and len(marks) == 1:
        (mark,) = marks
        for k, p in enumerate(parsed):
            if p.mark is not None and not p.mark[1] and p.mark[0] != mark:
                out[k] = parse(items[k], decimal=mark, why=_BY_OTHER_NUMBERS)
    return out


#: why a column was read by the other columns of its table (a column note)
_BY_OTHER_DATES = "as the other date columns of the file"
_BY_OTHER_NUMBERS = "as the other number columns of the file"


def _filtered(table: pa.Table, keep: pa.Array) -> pa.Table:
    """``table.filter(keep)``, its columns filtered on every core when the table is long
    (Arrow filters a table one column after the other; 0.13 s for 1M tickets)."""
    columns = per_column(lambda col: col.filter(keep), table.columns, table.num_rows)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _first_events(
    raw: RawTable,
    mapping: Mapping,
    columns: dict[str, pa.Array],
    reasons: list[tuple[pa.Array, str, str, pa.Array]],
    reject: pa.Array,
    notes: list[str],
) -> pa.Array:
    """An event log without its ``fills`` column (tickets without created_at): each row
    gets the earliest change timestamp of its id in the file. ``SR Number`` 101 changed
    at 09:00, 11:30 and 16:00 is created at 09:00 on all three rows (the merge then keeps
    the 16:00 row). An id without any change timestamp rejects its rows."""
    rule = mapping.event_log
    assert rule is not None
    ids, stamps = columns[rule.key], columns[rule.change]
    first = (
        pa.table({"k": ids, "t": stamps}).group_by("k").aggregate([("t", "min")])
    )  # one row per id, vectorised
    at = pc.index_in(ids, value_set=first.column("k"))
    filled = pc.take(first.column("t_min"), at)
    columns[rule.fills] = filled.combine_chunks() if isinstance(filled, pa.ChunkedArray) else filled
    key_header = raw.headers[mapping.columns[rule.key]]
    change_header = raw.headers[mapping.columns[rule.change]]
    notes.append(
        f"{rule.fills}: the first {change_header} of each {key_header} (an event log "
        f"without a {rule.fills} column)"
    )
    none = pc.and_(pc.is_null(columns[rule.fills]), pc.invert(reject))
    reasons.append(
        (
            none,
            change_header,
            f"no {change_header} for this {key_header}, so no {rule.fills}",
            raw.data.column(mapping.columns[rule.change]),
        )
    )
    return pc.or_(reject, none)


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
    order, a folder's files by relative path). Rows equal across tables and keys found
    in several tables are kept once (:func:`_merge_across`). Then, per DATA.md and
    DETAILS.md: ticket event logs are merged (greatest updated_at wins, empty loses,
    ties go to the later row), staff listed twice in a table keeps the first row,
    devices listed twice in a table warn, client and technician names are joined by
    key and shown in their most frequent spelling (the client alias table applied
    first), surveys fall back to their ticket's client and technician, and derived
    columns are computed. Last, each dataset's reconciliation
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
        stacked = _dedupe(con, stacked, by_ds, results, data)
        stacked = _names(stacked, data)
        stacked = _derive(con, stacked, data, [r.options for r in results])
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


#: Columns of the merged rows collected by :func:`_dedupe` (one Arrow table per rule):
#: the row's table (index in ``results``) and row, the column and value that decided, why.
_MERGED = pa.schema(
    [
        ("file", pa.int64()),
        ("row", pa.int64()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("why", pa.string()),
    ]
)


def _merged(
    files: pa.Array | pa.ChunkedArray,
    rows: pa.Array | pa.ChunkedArray,
    why: pa.Array | pa.ChunkedArray | str,
    column: str | None = None,
    values: pa.Array | pa.ChunkedArray | None = None,
) -> pa.Table:
    """Merged rows as a :data:`_MERGED` table (texts built column-wise: 1M merged rows
    are not 1M Python strings until they become problems)."""
    n = len(files)
    if isinstance(why, str):
        why = pa.array([why] * n, pa.string()) if n else pa.array([], pa.string())
    return pa.table(
        [
            files,
            rows,
            pa.nulls(n, pa.string()) if column is None else pa.array([column] * n, pa.string()),
            pa.nulls(n, pa.string()) if values is None else values,
            why,
        ],
        schema=_MERGED,
    )


def _text(*parts: Any) -> pa.Array:
    """Texts joined element-wise from words and columns: ``_text("row ", rows)``."""
    return pc.binary_join_element_wise(
        *[p if isinstance(p, str) else pc.cast(p, pa.string()) for p in parts], ""
    )


def _dedupe(
    con: duckdb.DuckDBPyConnection,
    stacked: dict[str, pa.Table],
    by_ds: dict[str, list[tuple[int, TableResult]]],
    results: Sequence[TableResult],
    data: LoadedData,
) -> dict[str, pa.Table]:
    """Merge rows across tables, ticket event logs and repeated staff rows; warn on
    repeated devices. Every merged row is counted in its table's ``rows_merged`` and
    listed as an ``info`` problem naming what it was merged into."""
    out = dict(stacked)
    names = pa.array([_table_name(res) for res in results], pa.string())
    merged: list[pa.Table] = []
    for name, parts in by_ds.items():
        if len(parts) > 1:  # one table (the common case): nothing to compare across
            out[name] = _merge_across(con, DATASETS[name], out[name], parts, names, merged)
    if "tickets" in out:
        # DETAILS 14: greatest updated_at wins; empty updated_at loses; ties: the later row
        # (files in the order given, so across files the later file wins unless updated_at
        # says otherwise)
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
            SELECT _i, _file, _row, ticket_id, _win_file, _win_row FROM (
                SELECT *, row_number() OVER w AS _rank,
                    first_value(_file) OVER w AS _win_file,
                    first_value(_row) OVER w AS _win_row
                FROM t_in
                WINDOW w AS (PARTITION BY ticket_id
                    ORDER BY updated_at DESC NULLS LAST, _file DESC, _row DESC))
            WHERE _rank > 1
            """
        ).to_arrow_table()
        con.unregister("t_in")
        if lost.num_rows:
            tid, wf = lost.column("ticket_id"), lost.column("_win_file")
            why = pc.if_else(
                pc.equal(wf, lost.column("_file")),
                _text("merged into a later row of ticket ", tid, " (event log)"),
                _text(
                    "merged into ticket ", tid, " of ", pc.take(names, wf),
                    " (row ", lost.column("_win_row"), "), updated or given later (event log)",
                ),
            )  # fmt: skip
            merged.append(_merged(lost.column("_file"), lost.column("_row"), why, "ticket_id", tid))
            keep = np.ones(t.num_rows, dtype=bool)
            keep[lost.column("_i").to_numpy()] = False
            out["tickets"] = _filtered(t, pa.array(keep))
    if "staff" in out:
        # DETAILS 25: staff listed twice in one table, the first row wins (across tables
        # the later table's rows already won in _merge_across)
        t = out["staff"]
        seen: set[str] = set()
        mask = []
        for k in _technician_keys(t.column("technician")).to_pylist():
            mask.append(k not in seen)
            seen.add(k)
        first = pa.array(mask, type=pa.bool_())
        if first.false_count:
            again = t.filter(pc.invert(first))
            merged.append(
                _merged(
                    again.column("_file"),
                    again.column("_row"),
                    "technician listed twice in staff; the first row wins",
                    "technician",
                    again.column("technician"),
                )
            )
            out["staff"] = t.filter(first)
    if "devices" in out:
        # DETAILS 26: within one table a repeated device counts twice, with a warning
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
    if merged:
        _count_merged(pa.concat_tables(merged), results, data)
    return out


def _count_merged(merged: pa.Table, results: Sequence[TableResult], data: LoadedData) -> None:
    """Merged rows counted per table and listed as ``info`` problems, by table and row."""
    if merged.num_rows == 0:
        return
    merged = merged.take(pc.sort_indices(merged, [("file", "ascending"), ("row", "ascending")]))
    for v in pc.value_counts(merged.column("file")).to_pylist():
        rep = results[v["values"]].report
        rep.rows_merged += v["counts"]
        rep.rows_loaded -= v["counts"]
    where = [(res.report.file, res.report.sheet) for res in results]
    data.problems.extend(
        Problem(where[f][0], where[f][1], r, c, v, why, "info")
        for f, r, c, v, why in zip(
            *(merged.column(n).to_pylist() for n in merged.column_names), strict=True
        )
    )


def _table_name(res: TableResult) -> str:
    """``invoices.csv``, or ``book.xlsx [Sheet1]`` for a sheet of a workbook."""
    rep = res.report
    return f"{rep.file} [{rep.sheet}]" if rep.sheet else rep.file


def _technician_keys(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The staff key of every row (DETAILS 25: case, accents and spaces folded); each
    spelling is folded once."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    uniques = pc.unique(arr)
    folded = [technician_key(v) if v else "" for v in uniques.to_pylist()]
    return pc.take(pa.array(folded, type=pa.string()), pc.index_in(arr, value_set=uniques))


# --------------------------------------------------------------------------- across tables


def _merge_across(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    t: pa.Table,
    parts: list[tuple[int, TableResult]],
    names: pa.Array,
    merged: list[pa.Table],
) -> pa.Table:
    """The same rows in several tables of one dataset, kept once (README "Merging rows
    across files").

    1. Repeated tables: a table every row of which equals a row of a table given
       earlier (a file loaded again under another name, an export of rows already
       loaded) adds nothing: each of its rows is merged into that earlier copy, so it
       changes no number wherever it is given after its rows (it does not take a key
       back from a newer export given between, rule 3).
    2. Equal rows: a row of one table equal to a row of a table given later, on every
       canonical column both tables mapped (typed values; empty equals empty), is merged
       into it. Copies are paired in order: a row found twice in ``jan.csv`` and once in
       the later ``feb.csv`` is kept twice (``feb.csv``'s copy and ``jan.csv``'s second),
       because two equal invoice lines in one file are two lines. So the rows a month's
       export repeats count once, from the newer export. The kept row takes the columns
       its table lacks from the row merged into it.
    3. Keys (:attr:`Dataset.key`; staff by technician key): a key found in several
       tables keeps the rows of one table, the one with the greatest
       :attr:`Dataset.updated` value (opportunities: ``last_activity_at``; an empty one
       loses), else the table given later; the other tables' rows of that key are
       merged. Tickets are left to the event-log rule, which already spans tables.

    Args:
        ds: the dataset.
        t: its stacked table (:func:`_stack`), tables in the order given.
        parts: its tables, as (index in ``results``, result), in the order given.
        names: every table's name by index in ``results``, for the reasons.
        merged: receives the merged rows (:data:`_MERGED`).

    Returns:
        ``t`` without the merged rows.
    """
    idx = pa.array(np.arange(t.num_rows, dtype=np.int64))
    keep = np.ones(t.num_rows, dtype=bool)
    groups: dict[tuple[str, ...], list[int]] = {}
    for f, res in parts:
        # the columns the table has: those it mapped, and time entry hours from start
        # and end (derived columns follow from these)
        assert res.table is not None
        has = tuple(
            c.name for c in ds.columns if not c.derived and c.name in res.table.column_names
        )
        groups.setdefault(has, []).append(f)
    with_i = t.append_column("_i", idx)
    # rule 1: tables whose rows are all copies of rows given earlier
    early = _equal_rows(con, ds, with_i, groups, into="earliest")
    rows = pc.value_counts(t.column("_file")).to_pylist()
    copied = {v["values"]: v["counts"] for v in pc.value_counts(early.column("_file")).to_pylist()}
    repeats = sorted(v["values"] for v in rows if copied.get(v["values"]) == v["counts"])
    lost_repeats = early.filter(pc.is_in(early.column("_file"), pa.array(repeats, pa.int64())))
    # rule 2: among the other tables, the later copy stays
    rest = {k: [f for f in fs if f not in repeats] for k, fs in groups.items()}
    rest = {k: fs for k, fs in rest.items() if fs}
    lost_later = _equal_rows(con, ds, with_i, rest, into="latest")
    for lost, given in ((lost_repeats, "given earlier; every row of its file was"
                         " already loaded"), (lost_later, "given later")):  # fmt: skip
        if not lost.num_rows:
            continue
        keep[lost.column("_i").to_numpy()] = False
        if len(groups) > 1:
            fill = [c for k in groups for c in k]
            if "billing_period" in fill:
                fill.append("billing_months")
            t = _fill_from_merged(t, lost, fill)
        why = _text(
            "the same row is in ", pc.take(names, lost.column("_by_file")),
            " (row ", lost.column("_by_row"), f"), {given}",
        )  # fmt: skip
        merged.append(_merged(lost.column("_file"), lost.column("_row"), why))
    if ds.key is not None and ds.name != "tickets":
        lost = _repeated_keys(con, ds, t.append_column("_i", idx).filter(pa.array(keep)))
        if lost.num_rows:
            keep[lost.column("_i").to_numpy()] = False
            by = lost.column("_by_file")
            later = pc.greater(by, lost.column("_file"))
            other = pc.take(names, by)
            key = lost.column(ds.key)
            why = pc.if_else(
                later,
                _text(f"{ds.key} ", key, " is also in ", other, ", given later; its rows win"),
                _text(
                    f"{ds.key} ", key, " is also in ", other,
                    f", with a later {ds.updated}; its rows win",
                ),
            )  # fmt: skip
            merged.append(_merged(lost.column("_file"), lost.column("_row"), why, ds.key, key))
    if keep.all():
        return t
    return _filtered(t, pa.array(keep))


def _equal_rows(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    t: pa.Table,
    groups: dict[tuple[str, ...], list[int]],
    into: str = "latest",
) -> pa.Table:
    """Rows equal to a row of a table given later (``into="latest"``, rule 2 of
    :func:`_merge_across`), or earlier (``"earliest"``, rule 1).

    ``groups`` are the tables (by index) per set of canonical columns they have
    (usually every table of a dataset has the same ones: one group); each pair of groups
    is compared on the columns both have. The k-th copy of a row in a table is merged
    when a later (earlier) table holds at least k copies of it, into the latest
    (earliest) such table's k-th copy.

    Returns:
        ``_i`` (position in ``t``), ``_file``, ``_row``, and the row it is merged into
        (``_by_i``, ``_by_file``, ``_by_row``), one row per merged row.
    """
    keys = list(groups)
    found: list[pa.Table] = []
    needed = [c.name for c in ds.columns if any(c.name in k for k in keys)]
    con.register("eq_in", t.select(["_i", "_file", *needed]))
    try:
        for a in range(len(keys)):
            for b in range(a, len(keys)):
                files_a, files_b = groups[keys[a]], groups[keys[b]]
                if a == b and len(files_a) < 2:
                    continue
                cols = [c for c in keys[a] if c in keys[b]]
                pairs = _equal_rows_of(con, ds, cols, files_a, [] if a == b else files_b, into)
                found.append(_verified(t, cols, pairs))
    finally:
        con.unregister("eq_in")
    pairs = pa.concat_tables(found) if found else _PAIRS.empty_table()
    by_file = pc.take(t.column("_file"), pairs.column("_by_i"))
    if len(found) > 1:
        # a row merged by several pairs of groups: once, into the latest (earliest) table
        order = pc.sort_indices(
            pa.table({"i": pairs.column("_i"), "f": by_file}),
            [("i", "ascending"), ("f", "descending" if into == "latest" else "ascending")],
        )
        pairs, by_file = pairs.take(order), pc.take(by_file, order)
        i = pairs.column("_i").to_numpy()
        first = np.ones(len(i), dtype=bool)
        first[1:] = i[1:] != i[:-1]
        pairs, by_file = pairs.filter(pa.array(first)), by_file.filter(pa.array(first))
    return pa.table(
        {
            "_i": pairs.column("_i"),
            "_file": pc.take(t.column("_file"), pairs.column("_i")),
            "_row": pc.take(t.column("_row"), pairs.column("_i")),
            "_by_i": pairs.column("_by_i"),
            "_by_file": by_file,
            "_by_row": pc.take(t.column("_row"), pairs.column("_by_i")),
        }
    )


def _fill_from_merged(t: pa.Table, lost: pa.Table, columns: list[str]) -> pa.Table:
    """A kept row takes the values its own table did not map from the row merged into
    it: ``invoices.csv`` with a Cost column merged into the later ``export.csv``
    without one keeps its cost (the two rows are equal on every column both have, so
    this changes nothing else). With several rows merged into one, the latest table's."""
    by_i = lost.column("_by_i").to_numpy()
    order = np.lexsort((-lost.column("_file").to_numpy(), by_i))  # by_i, then the latest
    by_i, src = by_i[order], lost.column("_i").to_numpy()[order]
    first = np.ones(len(by_i), dtype=bool)
    first[1:] = by_i[1:] != by_i[:-1]
    source = np.arange(t.num_rows, dtype=np.int64)
    source[by_i[first]] = src[first]
    source_arr = pa.array(source)
    for c in dict.fromkeys(columns):
        col = t.column(c)
        t = t.set_column(t.column_names.index(c), c, pc.coalesce(col, pc.take(col, source_arr)))
    return t


#: (row, row it equals in a later table), positions in the stacked table
_PAIRS = pa.schema([("_i", pa.int64()), ("_by_i", pa.int64())])


def _equal_rows_of(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    cols: list[str],
    files_a: list[int],
    files_b: list[int],
    into: str = "latest",
) -> pa.Table:
    """The candidate pairs of :func:`_equal_rows` (:data:`_PAIRS`) for the tables
    ``files_a`` among themselves (``files_b`` empty), or between the tables ``files_a``
    and ``files_b``, compared on ``cols``.

    Rows are grouped by a 64-bit hash of ``cols`` (grouping by a dozen text and time
    columns is three times slower); only hashes found in more than one table go on,
    usually few. Copies are numbered per table and hash (``_occ``) and each copy is
    paired with the copy of the same number in the latest (``into="earliest"``: the
    earliest) table on the other side.
    The pairs still need :func:`_verified`: two different rows may share a hash.
    """
    # identifiers come from the dataset's declaration; the table lists are parameters
    c = ", ".join(f'"{x}"' for x in cols)
    # first a cheaper hash over the fixed-width columns (dates, numbers: hashing the text
    # columns is most of the cost): two months' exports usually share no date at all
    quick = ", ".join(f'"{x}"' for x in cols if ds.column(x).kind not in ("text", "id"))
    if into not in ("latest", "earliest"):
        raise ValueError(f"into must be latest or earliest, not {into!r}")
    pick, beyond = ("max", ">") if into == "latest" else ("min", "<")
    side = "list_contains($b, _file)" if files_b else "TRUE"
    other = "NOT n._side" if files_b else "n._side"
    sql = f"""
        WITH pre AS (
            SELECT _i, _file, hash({quick or c}) AS _h FROM eq_in
            WHERE list_contains($files, _file)),
        pre_cand AS (
            SELECT _i FROM pre WHERE _h IN (
                SELECT _h FROM pre GROUP BY _h HAVING min(_file) < max(_file))),
        src AS (
            SELECT _i, _file, {side} AS _side, hash({c}) AS _h
            FROM eq_in WHERE _i IN (SELECT _i FROM pre_cand)),
        cand AS (
            SELECT * FROM src WHERE _h IN (
                SELECT _h FROM src GROUP BY _h HAVING min(_file) < max(_file))),
        numbered AS (
            SELECT *, row_number() OVER (PARTITION BY _file, _h ORDER BY _i) AS _occ
            FROM cand),
        target AS (
            SELECT _h, _occ, _side, {pick}(_file) AS _by_file, arg_{pick}(_i, _file) AS _by_i
            FROM numbered GROUP BY _h, _occ, _side)
        SELECT n._i, l._by_i
        FROM numbered n JOIN target l ON l._h = n._h AND l._occ = n._occ AND l._side = {other}
        WHERE l._by_file {beyond} n._file
        """
    params: dict[str, object] = {"files": files_a + files_b}
    if files_b:
        params["b"] = files_b
    return con.sql(sql, params=params).to_arrow_table().cast(_PAIRS)


def _verified(t: pa.Table, cols: list[str], pairs: pa.Table) -> pa.Table:
    """The pairs whose two rows are equal on every column of ``cols`` (empty equals
    empty): a hash collision can leave two equal rows unmerged, never merge two rows
    that differ."""
    same = pa.array(np.ones(pairs.num_rows, dtype=bool))
    for c in cols:
        a = pc.take(t.column(c), pairs.column("_i"))
        b = pc.take(t.column(c), pairs.column("_by_i"))
        both_empty = pc.and_(pc.is_null(a), pc.is_null(b))
        same = pc.and_(same, pc.or_(pc.fill_null(pc.equal(a, b), False), both_empty))
    return pairs if pc.all(same).as_py() is not False else pairs.filter(same)


def _repeated_keys(con: duckdb.DuckDBPyConnection, ds: Dataset, t: pa.Table) -> pa.Table:
    """Rows whose key is also in another table that wins (rule 2 of
    :func:`_merge_across`).

    Returns:
        ``_i``, ``_file``, ``_row``, the key column and the winning table ``_by_file``,
        one row per merged row.
    """
    assert ds.key is not None
    key = t.column(ds.key)
    if ds.name == "staff":
        key = _technician_keys(key)  # DETAILS 25: the same technician however spelt
    order = t.column(ds.updated) if ds.updated else pa.nulls(t.num_rows, pa.timestamp("us"))
    con.register(
        "key_in",
        pa.table(
            {
                "_key": key,
                "_o": order,
                "_file": t.column("_file"),
                "_row": t.column("_row"),
                "_i": t.column("_i"),
                "_shown": t.column(ds.key),
            }
        ),
    )
    try:
        lost = con.sql(
            """
            WITH per AS (
                SELECT _key, _file, max(_o) AS _o FROM key_in
                WHERE _key IS NOT NULL AND _key <> '' GROUP BY _key, _file),
            win AS (
                SELECT _key, _file AS _by_file FROM (
                    SELECT *, count(*) OVER (PARTITION BY _key) AS _n,
                        row_number() OVER (PARTITION BY _key
                            ORDER BY _o DESC NULLS LAST, _file DESC) AS _rank
                    FROM per)
                WHERE _n > 1 AND _rank = 1)
            SELECT k._i, k._file, k._row, k._shown, w._by_file
            FROM key_in k JOIN win w USING (_key)
            WHERE k._file <> w._by_file
            ORDER BY k._file, k._row
            """
        ).to_arrow_table()
    finally:
        con.unregister("key_in")
    return lost.rename_columns(["_i", "_file", "_row", ds.key, "_by_file"])


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
    con: duckdb.DuckDBPyConnection,
    stacked: dict[str, pa.Table],
    data: LoadedData,
    options_of: Sequence[dict[str, Any]] = (),
) -> dict[str, pa.Table]:
    """Derived columns and per-dataset fallbacks (model.py lists the guarantees).

    ``options_of``: the reading options of each table read (by ``_file``), for the
    per-file rules (a preset's ``resolved_statuses``).
    """
    out = dict(stacked)
    problem_rows = partial(_problem_rows, data)

    if "tickets" in out:
        out["tickets"] = _fill_client(_ticket_resolution(out["tickets"], data, options_of))
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
        # no billing period (no column, or an empty value): monthly (DETAILS.md 22); an
        # unknown period keeps NULL months (out of MRR), a one-time charge 0 (MRR 0)
        months = t.column("billing_months")
        t = t.set_column(
            t.column_names.index("billing_months"),
            "billing_months",
            pc.if_else(pc.is_null(t.column("billing_period")), pc.fill_null(months, 1), months),
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
        # KPIS.md 10: a won deal closed before it was created (a date typed by hand, an
        # import) is still won, but its negative cycle would pull the mean down: left out
        # of avg_sales_cycle_days (the engine's cycle_days), one warning per deal
        early = pc.fill_null(
            pc.and_(pc.and_(won, closed), pc.less(t.column("closed_at"), t.column("created_at"))),
            False,
        )
        problem_rows(
            t,
            early,
            "closed_at",
            "won deal closed before it was created; counted as won, left out of the sales cycle",
            "warning",
            value=pc.binary_join_element_wise(
                "closed ",
                pc.strftime(t.column("closed_at"), "%Y-%m-%d %H:%M"),
                ", created ",
                pc.strftime(t.column("created_at"), "%Y-%m-%d %H:%M"),
                "",
            ),
        )
        outcome = pc.if_else(
            pc.and_(won, closed), "won", pc.if_else(pc.and_(lost, closed), "lost", "open")
        )
        t = t.set_column(t.column_names.index("outcome"), "outcome", outcome)
        out["opportunities"] = _fill_client(t)
    return out


def _problem_rows(
    data: LoadedData,
    t: pa.Table,
    mask: pa.Array,
    column: str,
    why: str,
    severity: Severity,
    value: pa.Array | pa.ChunkedArray | None = None,
) -> None:
    """One problem per row of ``t`` where ``mask`` holds, with ``value`` (a text per row)
    when given; warnings are counted in their file's report."""
    idx = pc.indices_nonzero(pc.fill_null(mask, False))
    if len(idx) == 0:
        return
    shown = pc.take(value, idx).to_pylist() if value is not None else [None] * len(idx)
    for f, r, v in zip(
        pc.take(t.column("_file"), idx).to_pylist(),
        pc.take(t.column("_row"), idx).to_pylist(),
        shown,
        strict=True,
    ):
        rep = data.files[f]
        data.problems.append(Problem(rep.file, rep.sheet, r, column, v, why, severity))
        if severity == "warning":
            rep.warnings += 1


#: Ticket statuses that say a ticket is resolved (DETAILS.md 13), in English and Spanish,
#: compared folded (case, accents, spaces and punctuation: ``RESUELTA`` ~ ``resuelta``,
#: ConnectWise ``>Closed`` ~ ``closed``) as whole values. A preset's
#: ``resolved_statuses`` adds to them for its files.
RESOLVED_STATUSES = (
    "Resolved", "Closed", "Completed", "Complete", "Done", "Solved", "Finished",
    "Resuelto", "Resuelta", "Cerrado", "Cerrada", "Completado", "Completada", "Listo",
    "Finalizado", "Finalizada", "Terminado", "Terminada", "Hecho", "Hecha",
    "Solucionado", "Solucionada",
)  # fmt: skip
#: Statuses of a ticket closed without a resolution: out of the backlog, never resolved.
CANCELLED_STATUSES = ("Cancelled", "Canceled", "Cancelado", "Cancelada", "Anulado", "Anulada")

#: the warnings of the status rule, by (resolved, not cancelled; dated by its last
#: update); ``{no_date}`` says why the ticket's own date is not used
_STATUS_RULE = {
    (True, True): "status says resolved but {no_date}; resolved at its last update (updated_at)",
    (True, False): "status says resolved but {no_date} and there is no last update "
    "(updated_at) to date it; resolved at an unknown time: out of the backlog, the resolved "
    "counts, FCR, SLA and the resolution times",
    (False, True): "status says cancelled (closed, not resolved) but {no_date}; out of the "
    "backlog from its last update (updated_at), never counted as resolved",
    (False, False): "status says cancelled (closed, not resolved) but {no_date} and there "
    "is no last update (updated_at); out of the backlog, never counted as resolved",
}
_NO_DATE = "there is no resolution date"
_EARLY_DATE = "its resolution date is earlier than created_at"


def _falses(n: int) -> pa.Array:
    return pa.array(np.zeros(n, dtype=bool))


def _flat(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (``replace_with_mask`` takes no chunked arrays)."""
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks() if arr.num_chunks else pa.array([], type=arr.type)
    return arr


def _any_true(mask: pa.Array) -> bool:
    return bool(pc.any(pc.fill_null(mask, False)).as_py())


def _status_words(t: pa.Table, options_of: Sequence[dict[str, Any]]) -> tuple[pa.Array, pa.Array]:
    """(resolved word, cancelled word) per ticket from its status, on the distinct
    statuses; a file's ``resolved_statuses`` option counts for its own rows only."""
    status = t.column("status")
    uniques = pc.unique(status).drop_null()
    if len(uniques) == 0:
        return _falses(t.num_rows), _falses(t.num_rows)
    folded = [fold_header(v) for v in uniques.to_pylist()]
    res_words = {fold_header(w) for w in RESOLVED_STATUSES}
    cancel_words = {fold_header(w) for w in CANCELLED_STATUSES}
    at = pc.index_in(status, value_set=uniques)

    def per_ticket(words: set[str]) -> pa.Array:
        return pc.fill_null(pc.take(pa.array([w in words for w in folded]), at), False)

    resolved = per_ticket(res_words)
    for f, opts in enumerate(options_of):
        extra = {fold_header(w) for w in opts.get("resolved_statuses") or ()} - res_words
        if extra:
            mine = pc.equal(t.column("_file"), f)
            resolved = pc.or_(resolved, pc.and_(per_ticket(extra), mine))
    return resolved, pc.and_(per_ticket(cancel_words), pc.invert(resolved))


def _ticket_resolution(
    t: pa.Table, data: LoadedData, options_of: Sequence[dict[str, Any]]
) -> pa.Table:
    """``resolved``, ``cancelled_at`` and ``closed_unknown`` of every ticket (DETAILS.md 13).

    A ticket's resolution date is resolved_at, else closed_at; one earlier than
    created_at is dropped (warning). Without a (usable) date the status decides: a
    resolved word (:data:`RESOLVED_STATUSES`: ``Resolved``, ``Resuelta``, ``Done``, ...)
    resolves the ticket at its last update (updated_at, when on or after created_at);
    a cancelled word (:data:`CANCELLED_STATUSES`) takes it out of the backlog from its
    last update without resolving it; with no last update either, the ticket left the
    backlog at an unknown time (``closed_unknown``): never in the backlog, and in no
    count or time that needs a date. Every such ticket is warned (file, row, status),
    and each file gets a note with the counts. A resolution date with an open status:
    the date wins.

    Example: status ``Resolved``, no resolved or closed date, updated
    ``2024-03-05 10:00`` -> resolved ``2024-03-05 10:00`` (warned); the same without
    updated_at -> resolved NULL, closed_unknown TRUE (warned).
    """
    created = t.column("created_at")
    no_ts = pa.scalar(None, pa.timestamp("us"))
    dated = pc.coalesce(t.column("resolved_at"), t.column("closed_at"))
    early = pc.fill_null(pc.less(dated, created), False)
    dated = pc.if_else(early, no_ts, dated)
    # the status is read on the undated tickets only (the open ones, mostly: a few
    # percent of an export), not hashed for a million dated ones
    undated = _flat(pc.is_null(dated))
    res_word = cancel_word = upd_ok = _falses(t.num_rows)
    if _any_true(undated):
        sub = t.select(["status", "created_at", "updated_at", "_file"]).filter(undated)
        sub_res, sub_cancel = _status_words(sub, options_of)
        sub_ok = pc.fill_null(
            pc.greater_equal(sub.column("updated_at"), sub.column("created_at")), False
        )
        res_word = pc.replace_with_mask(res_word, undated, _flat(sub_res))
        cancel_word = pc.replace_with_mask(cancel_word, undated, _flat(sub_cancel))
        upd_ok = pc.replace_with_mask(upd_ok, undated, _flat(sub_ok))
    by_status = pc.or_(res_word, cancel_word)
    upd = t.column("updated_at")
    at_update = pc.and_(by_status, upd_ok)
    unknown = pc.and_(by_status, pc.invert(upd_ok))
    if _any_true(by_status):
        resolved = pc.coalesce(dated, pc.if_else(pc.and_(at_update, res_word), upd, no_ts))
        cancelled_at = pc.if_else(pc.and_(at_update, cancel_word), upd, no_ts)
    else:  # the usual export: every resolved ticket has its date
        resolved, cancelled_at = dated, pa.nulls(t.num_rows, pa.timestamp("us"))

    _problem_rows(
        data,
        t,
        pc.and_(early, pc.invert(by_status)),
        "resolved_at",
        "resolution date earlier than created_at; the ticket counts as unresolved",
        "warning",
    )
    if _any_true(by_status):
        for (is_resolved, is_dated), why in _STATUS_RULE.items():
            rule = pc.and_(
                pc.and_(by_status, res_word if is_resolved else cancel_word),
                upd_ok if is_dated else pc.invert(upd_ok),
            )
            # a date earlier than created_at is no date: the warning says it was there
            for mask, no_date in ((pc.invert(early), _NO_DATE), (early, _EARLY_DATE)):
                text = why.format(no_date=no_date)
                hit = pc.and_(rule, mask)
                _problem_rows(data, t, hit, "status", text, "warning", t.column("status"))
    for f, n_dated, n_unknown in _counts_per_file(t, at_update, unknown):
        rep = data.files[f]
        rep.notes.append(
            f"status ({rep.mapping.get('status', 'status')}): {n_dated + n_unknown} tickets "
            f"resolved or cancelled by their status without a date: {n_dated} dated by "
            f"their last update, {n_unknown} at an unknown time"
        )
    # what the resolution KPIs can use (kpi.kpis: tickets.resolved for the dated ones,
    # cancelled_at and closed_unknown for the backlog)
    present = set(data.present.get("tickets", frozenset()))
    if present & {"resolved_at", "closed_at"} or _any_true(pc.and_(at_update, res_word)):
        present.add("resolved")
    if _any_true(pc.is_valid(cancelled_at)):
        present.add("cancelled_at")
    if _any_true(unknown):
        present.add("closed_unknown")
    data.present["tickets"] = frozenset(present)
    for name, col in (
        ("resolved", resolved),
        ("cancelled_at", cancelled_at),
        ("closed_unknown", unknown),
    ):
        t = t.set_column(t.column_names.index(name), name, col)
    return t


def _counts_per_file(t: pa.Table, a: pa.Array, b: pa.Array) -> list[tuple[int, int, int]]:
    """(file, rows where ``a``, rows where ``b``) for each file with any of either."""
    either = pc.or_(a, b)
    if not _any_true(either):
        return []
    grouped = (
        pa.table(
            {
                "f": pc.filter(t.column("_file"), either),
                "a": pc.cast(pc.filter(a, either), pa.int64()),
                "b": pc.cast(pc.filter(b, either), pa.int64()),
            }
        )
        .group_by("f")
        .aggregate([("a", "sum"), ("b", "sum")])
    )
    return sorted(
        zip(
            grouped.column("f").to_pylist(),
            grouped.column("a_sum").to_pylist(),
            grouped.column("b_sum").to_pylist(),
            strict=True,
        )
    )


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
        for res in read_file(name, blob, options, per_sheet):
            res.raw = None  # the raw text table is only needed by a mapping editor
            results.append(res)
        del blob
    return assemble(results, options)
