"""One table read, recognised, mapped and typed (:func:`read_file`, :func:`map_table`).

The pipeline, per file::

    bytes --kpi.read--> RawTable(s) --recognize--> Mapping --coerce--> typed table + problems

A table recognised with low confidence (a guess, see :mod:`kpi.load.recognize`) is held:
every row rejected, with one reason for the table, until a preset or an
:class:`~kpi.load.options.Override` names its dataset.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa

from kpi.errors import UnreadableFileError, UnrecognisedDatasetError
from kpi.load import values
from kpi.load.coerce import coerce
from kpi.load.options import LoadOptions, Override
from kpi.load.reasons import held_message
from kpi.load.recognize import Mapping, header_score, recognize
from kpi.model import FileReport
from kpi.problems import Problem
from kpi.read import RawTable, read_bytes
from kpi.texts.messages import english

#: Datasets where an empty client is allowed and becomes ``(none)``.
OPTIONAL_CLIENT = ("tickets", "surveys", "time_entries", "projects", "opportunities")

#: Rows a single table may have; more is refused with a clear message (memory guard).
MAX_ROWS = 10_000_000


@dataclass
class TableResult:
    """One table read, mapped and coerced, before :func:`kpi.load.assemble.assemble`."""

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
    return map_tables(read_raw(name, data), options, overrides)


def read_raw(name: str, data: bytes) -> list[RawTable]:
    """The first half of :func:`read_file`: the file's tables as text (the bytes are not
    needed after it).

    Raises:
        UnreadableFileError: the file cannot be read as a table at all.
    """
    return read_bytes(name, data, header_score=header_score)


def map_tables(
    raws: list[RawTable],
    options: LoadOptions | None = None,
    overrides: dict[str | None, Override] | None = None,
) -> list[TableResult]:
    """The second half of :func:`read_file`: each text table recognised, mapped and
    typed (:func:`map_table`)."""
    options = options or LoadOptions()
    return [map_table(raw, options, (overrides or {}).get(raw.sheet)) for raw in raws]


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
        why = english("load.msg.no_data_rows")
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
