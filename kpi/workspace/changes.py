"""What adding tables to a workspace changes, per dataset (:func:`compare`): the rows
before and after, the rows a newer version replaces, the rows found again and kept once.

Computed by the load stage's own rules: the workspace's tables are assembled without and
with the new ones (:func:`kpi.load.assemble`), so the preview is what the add will do.
Each table is assembled under a name of its own (its index), so that the rows merged
during assembly are told apart by table even when every month's export is called
``tickets.csv``: :mod:`kpi.load.dedupe` lists each merged row as an ``info`` problem
naming its table, with the key column that decided (a ticket seen again, a contract id,
a technician) or no column for a row equal to another (kpi.load.merge ``_merged``).
"""

from __future__ import annotations

import copy
import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from kpi.load import LoadOptions, TableResult, assemble
from kpi.model import FileReport, LoadedData


@dataclass(frozen=True)
class DatasetChange:
    """What an add changes in one dataset.

    Attributes:
        dataset: the dataset.
        rows_before, rows_after: its rows (after every merge) without and with the add.
        updated: rows there before that the added files replace by another version of
            the same key (a ticket updated since the last export; a contract changed).
        duplicates: rows of the added files equal to a row already there, or to one
            another, kept once.
    """

    dataset: str
    rows_before: int
    rows_after: int
    updated: int = 0
    duplicates: int = 0

    @property
    def new(self) -> int:
        """Rows that were not there before: ``rows_after - rows_before``."""
        return self.rows_after - self.rows_before


@dataclass
class Preview:
    """What adding tables to a workspace does.

    Attributes:
        changes: per dataset the added tables feed, in the order first fed.
        files: the added tables' reports as they would be in the workspace (merged rows
            counted with the workspace's files), in order.
    """

    changes: list[DatasetChange] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)

    @property
    def refused(self) -> list[FileReport]:
        """The added tables that cannot be added: not recognised, or read with low
        confidence and not confirmed (a preset or a choice on the Data page names them)."""
        return [f for f in self.files if f.error or f.held]


def fresh(results: Sequence[TableResult]) -> list[TableResult]:
    """Copies that :func:`kpi.load.assemble` may change (it counts merged rows in the
    reports); the rows are shared, not copied."""
    return [dataclasses.replace(r, report=copy.deepcopy(r.report)) for r in results]


def _tagged(results: Sequence[TableResult]) -> list[TableResult]:
    """Copies named by their index (``\\0`` + index: no file is named so)."""
    out = fresh(results)
    for i, r in enumerate(out):
        r.report.file = f"\0{i}"
    return out


def _merges(data: LoadedData) -> Counter[tuple[int, int | None, bool]]:
    """The rows merged during assembly: (table index, row, by a key?) -> count."""
    out: Counter[tuple[int, int | None, bool]] = Counter()
    for p in data.problems:
        if p.severity == "info" and p.file.startswith("\0"):
            out[(int(p.file[1:]), p.row, p.column is not None)] += 1
    return out


def _rows(data: LoadedData, dataset: str) -> int:
    """A dataset's rows after every merge: its tables' loaded rows (so for the client
    alias table too, which is applied, not kept)."""
    return sum(f.rows_loaded for f in data.files if f.dataset == dataset and not f.held)


def compare(
    old: Sequence[TableResult], new: Sequence[TableResult], options: LoadOptions
) -> Preview:
    """The workspace's tables ``old`` assembled without and with ``new`` (both in the
    order added), and what changes per dataset (see :class:`DatasetChange`)."""
    before = assemble(_tagged(old), options)
    after = assemble(_tagged([*old, *new]), options)
    gone = _merges(after) - _merges(before)
    n_old = len(old)
    updated: Counter[str] = Counter()
    duplicates: Counter[str] = Counter()
    datasets = [f.dataset for f in after.files]
    for (i, _row, by_key), n in gone.items():
        dataset = datasets[i]
        assert dataset is not None
        if not by_key:
            duplicates[dataset] += n
        elif i < n_old:
            updated[dataset] += n
    fed = dict.fromkeys(
        f.dataset for f in after.files[n_old:] if f.dataset and not (f.error or f.held)
    )
    changes = [
        DatasetChange(ds, _rows(before, ds), _rows(after, ds), updated[ds], duplicates[ds])
        for ds in fed
    ]
    files = after.files[n_old:]
    for f, r in zip(files, new, strict=True):
        f.file = r.report.file
    return Preview(changes, files)
