"""What ingestion hands to the KPI engine.

:class:`LoadedData` is the contract between :mod:`kpi.load` and the engine. Every
loaded dataset is one Arrow table with *all* the canonical columns of its declaration
in :mod:`kpi.schema` (mapped, derived, or all-NULL when no file had them), typed per
``schema.DUCKDB_TYPES``. ``present`` says which columns really came from a file, for
the rules that depend on whether a column exists (docs/KPIS.md section 3, docs/DETAILS.md 15, 26).

Guarantees the engine can rely on:

* ``client`` is the display name shared by every dataset (normalised key, most frequent
  spelling, alias table applied); ``"(none)"`` where the dataset allows no client.
* ``technician`` is joined the same way across tickets, time entries, staff, surveys.
* timestamps are naive local wall-clock times in the report time zone; dates are dates.
* tickets are one row per ticket (event logs merged); ``resolved`` is the effective
  resolution timestamp (NULL: unresolved, or resolved at an unknown time);
  ``cancelled_at`` the time a ticket closed without resolution left the backlog;
  ``closed_unknown`` TRUE for a ticket resolved or cancelled at an unknown time (out of
  the backlog); ``tier`` is an integer.
* surveys: ``satisfied`` is TRUE/FALSE per response and NULL for rows that are not a
  response ("offered"); client and technician already fall back to the ticket's.
* time_entries: ``hours`` > 0; ``billable`` is never NULL (absent column: TRUE).
* staff: one row per technician (in one file the first wins, across files the later
  file's); ``weekly_hours`` NULL means 40.
* rows equal across files are kept once, and a key (contract, project, device,
  opportunity, survey id) found in several files keeps one file's rows (README
  "Several files of one dataset").
* contracts: ``billing_months`` is an integer >= 1, 0 for a one-time charge (not
  recurring: MRR 0) and NULL for an unknown billing period (out of MRR).
* projects and opportunities: ``percent_complete`` and ``probability`` are fractions.
* opportunities: ``outcome`` is ``won``, ``lost`` or ``open``; ``amount`` NULL is an
  unknown amount, not 0 (issue 18).
* contracts, invoices, opportunities: ``currency`` is the currency of the row's amounts
  (an ISO code, ``$`` for a bare dollar sign, a text kept as written), NULL when the row
  names none (:mod:`kpi.query.money` reads it).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

import pyarrow as pa

from kpi.problems import Problem

if TYPE_CHECKING:
    from kpi.load.reasons import Reason
    from kpi.load.summary import DatasetSummary


@dataclass
class FileReport:
    """What one table (a file, or one sheet of a workbook) was read as."""

    file: str
    sheet: str | None
    dataset: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_merged: int = 0
    rows_rejected: int = 0
    rows_skipped: int = 0
    warnings: int = 0
    #: canonical column -> source header it was read from
    mapping: dict[str, str] = field(default_factory=dict)
    #: source headers that were not mapped to anything
    unmapped: list[str] = field(default_factory=list)
    #: column-level decisions shown to the user ("created_at: day-first, from the values")
    notes: list[str] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None
    error: str | None = None
    #: "high" or "low" once recognised (None: not recognised). A low-confidence table
    #: feeds no KPI: its rows are rejected until a preset or the user names the dataset
    confidence: str | None = None
    #: the dataset that fitted next best, if any
    runner_up: str | None = None
    #: the evidence found and lacking, the doubts, the runner-up (``Reason.text(lang)``)
    evidence: list[Reason] = field(default_factory=list)

    @property
    def held(self) -> bool:
        """True when the table was read with low confidence and waits for a confirmation."""
        return self.dataset is not None and self.confidence == "low"


@dataclass
class LoadedData:
    """All canonical tables of a session, ready for the engine."""

    tables: dict[str, pa.Table] = field(default_factory=dict)
    present: dict[str, frozenset[str]] = field(default_factory=dict)
    files: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    tz: str = "UTC"
    lang: str = "en"
    #: docs/DETAILS.md 9: the latest event date, after event-log merge, before filters
    as_of: date | None = None
    #: the data's first date: the earliest event date of the same sources but devices
    #: (kpi.query.periods); comparisons that start before it are left empty
    data_start: date | None = None
    #: dataset -> rows, for tables whose rows were let go (see :meth:`without_rows`)
    row_counts: dict[str, int] = field(default_factory=dict)
    #: dataset -> what it holds and what the KPIs used of it (:mod:`kpi.load.summary`),
    #: computed at ingestion and kept by :meth:`without_rows`
    summary: dict[str, DatasetSummary] = field(default_factory=dict)

    def has(self, dataset: str, column: str | None = None) -> bool:
        """True when the dataset is loaded (and the column came from a file)."""
        if dataset not in self.tables:
            return False
        return column is None or column in self.present.get(dataset, frozenset())

    def rows(self, dataset: str) -> int:
        """The number of rows loaded for a dataset (0 when it is not loaded)."""
        if dataset in self.row_counts:
            return self.row_counts[dataset]
        table = self.tables.get(dataset)
        return table.num_rows if table is not None else 0

    def without_rows(self) -> LoadedData:
        """This data with every table emptied: schemas, ``present``, row counts, file
        reports, problems, notes and the summary stay. What to keep once an engine holds
        the rows."""
        return replace(
            self,
            tables={name: t.schema.empty_table() for name, t in self.tables.items()},
            row_counts={name: self.rows(name) for name in self.tables},
        )


def canonical_table(dataset: str, columns: dict[str, list[object]]) -> pa.Table:
    """Build a canonical table from Python values (for tests, notebooks and ingestion).

    Every canonical column of the dataset is present, typed per ``schema.DUCKDB_TYPES``;
    columns not given are all-NULL.

    Args:
        dataset: dataset name, e.g. ``"tickets"``.
        columns: canonical column -> list of Python values (datetime, date, float, ...).

    Raises:
        KeyError: a column that the dataset does not declare.
    """
    from kpi.schema import DATASETS

    ds = DATASETS[dataset]
    unknown = set(columns) - {c.name for c in ds.columns}
    if unknown:
        raise KeyError(f"{dataset} has no column(s) {sorted(unknown)}")
    n = max((len(v) for v in columns.values()), default=0)
    arrays = []
    for col in ds.columns:
        typ = ARROW_TYPES[col.kind]
        values = columns.get(col.name)
        arrays.append(pa.array(values if values is not None else [None] * n, type=typ))
    return pa.Table.from_arrays(arrays, names=[c.name for c in ds.columns])


def loaded_data(
    tables: dict[str, dict[str, list[object]]],
    *,
    as_of: date | None = None,
    tz: str = "UTC",
    lang: str = "en",
) -> LoadedData:
    """A :class:`LoadedData` from Python values; ``present`` = the columns given.

    Example:
        >>> d = loaded_data({"tickets": {"ticket_id": ["1"], "created_at": [datetime(2024, 1, 2)]}})
    """
    return LoadedData(
        tables={name: canonical_table(name, cols) for name, cols in tables.items()},
        present={name: frozenset(cols) for name, cols in tables.items()},
        as_of=as_of,
        tz=tz,
        lang=lang,
    )


ARROW_TYPES: dict[str, pa.DataType] = {
    "text": pa.string(),
    "id": pa.string(),
    "ts": pa.timestamp("us"),
    "date": pa.date32(),
    "num": pa.float64(),
    "hours": pa.float64(),
    "pct": pa.float64(),
    "int": pa.int64(),
    "tier": pa.int64(),
    "bool": pa.bool_(),
}
