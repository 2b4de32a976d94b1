"""Recognise which dataset a table is, and map its headers onto canonical columns.

DATA.md "Recognition": headers are folded (:func:`kpi.schema.fold_header`) and matched
against each dataset's aliases. The dataset whose required columns are all found, with
the most columns found, wins; no winner or a tie is an error naming the candidates and
what they miss. A preset (CLI.md) may name the dataset and some columns; its columns
win over the automatic mapping and the rest is mapped automatically.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from kpi.errors import UnrecognisedDatasetError
from kpi.schema import DATASETS, Dataset, fold_header


@dataclass(frozen=True)
class Mapping:
    """The mapping of one table: canonical column -> index of the source header."""

    dataset: str
    columns: dict[str, int]
    #: canonical columns whose alias flips the boolean (``isNonBillable``)
    inverted: frozenset[str] = frozenset()
    #: how each column was chosen: "alias" or "preset" or "user"
    origin: dict[str, str] = field(default_factory=dict)

    def source(self, headers: list[str]) -> dict[str, str]:
        """canonical column -> source header text."""
        return {c: headers[i] for c, i in self.columns.items()}


@dataclass(frozen=True)
class Candidate:
    dataset: str
    found: int
    missing: tuple[str, ...]


@cache
def _alias_index(dataset: str) -> dict[str, list[tuple[int, str, bool]]]:
    """folded alias -> [(priority, canonical column, inverted)] for one dataset."""
    index: dict[str, list[tuple[int, str, bool]]] = {}
    for col in DATASETS[dataset].mappable:
        for prio, alias in enumerate(col.aliases):
            index.setdefault(fold_header(alias.header), []).append((prio, col.name, alias.inverted))
    return index


@cache
def _all_aliases() -> frozenset[str]:
    return frozenset(k for d in DATASETS for k in _alias_index(d))


def header_score(cells: list[str]) -> int:
    """How many cells are a known alias of any dataset (used to find the header row).

    Example:
        >>> header_score(["Ticket #", "Company", "Summary", "2024-01-05"])
        2
    """
    known = _all_aliases()
    return sum(1 for c in cells if c and fold_header(str(c)) in known)


def auto_map(
    ds: Dataset,
    headers: list[str],
    fixed: dict[str, int] | None = None,
    excluded: frozenset[str] = frozenset(),
) -> tuple[dict[str, int], set[str]]:
    """Map headers to the dataset's columns by alias.

    Each canonical column takes the header matching its earliest alias; a header feeds one
    column at most, the first occurrence of a duplicated header is used, and the columns
    in ``fixed`` (from a preset or the user) are kept as given, and the columns in
    ``excluded`` (the user chose "not mapped") stay unmapped.

    Returns:
        (canonical column -> header index, canonical columns read inverted)
    """
    fixed = dict(fixed or {})
    used = set(fixed.values())
    index = _alias_index(ds.name)
    folded = [fold_header(h) for h in headers]  # once per call, not per column
    mapping = dict(fixed)
    inverted: set[str] = set()
    # required columns first, then declaration order; earliest alias wins a contested header
    order = [c for c in ds.mappable if c.required] + [c for c in ds.mappable if not c.required]
    for col in order:
        if col.name in mapping or col.name in excluded:
            continue
        candidates = sorted(
            (prio, pos, inv)
            for pos, key in enumerate(folded)
            if pos not in used
            for prio, name, inv in index.get(key, ())
            if name == col.name
        )
        if candidates:
            _, pos, inv = candidates[0]
            mapping[col.name] = pos
            used.add(pos)
            if inv:
                inverted.add(col.name)
    return mapping, inverted


def _missing(ds: Dataset, mapping: dict[str, int]) -> tuple[str, ...]:
    """Required columns not mapped (a column with ``unless`` is satisfied by those)."""
    return tuple(
        c.name
        for c in ds.required
        if c.name not in mapping and not (c.unless and all(u in mapping for u in c.unless))
    )


def candidates(headers: list[str]) -> list[Candidate]:
    """Every dataset with how many columns it finds and which required ones it misses."""
    out = []
    for ds in DATASETS.values():
        mapping, _ = auto_map(ds, headers)
        missing = _missing(ds, mapping)
        out.append(Candidate(ds.name, len(mapping), missing))
    return out


def recognize(
    headers: list[str],
    *,
    file: str = "",
    dataset: str | None = None,
    fixed: dict[str, int] | None = None,
    inverted: set[str] | None = None,
    excluded: frozenset[str] = frozenset(),
) -> Mapping:
    """Recognise the dataset of a table and map its columns.

    Args:
        headers: the header cells as in the file.
        file: the file name, for messages.
        dataset: force this dataset (a preset or the user chose it).
        fixed: canonical column -> header index chosen by a preset or the user.
        inverted: columns of ``fixed`` to read as inverted booleans.
        excluded: canonical columns the user chose to leave unmapped.

    Raises:
        UnrecognisedDatasetError: no dataset has all its required columns, or two tie;
            the message names the candidates and the missing columns.
    """
    fixed = fixed or {}
    if dataset is not None:
        if dataset not in DATASETS:
            raise UnrecognisedDatasetError(
                file, f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}"
            )
        ds = DATASETS[dataset]
        mapping, inv = auto_map(ds, headers, fixed, excluded)
        missing = _missing(ds, mapping)
        if missing:
            raise UnrecognisedDatasetError(
                file,
                f"read as {dataset}, but no column was found for {', '.join(missing)}; "
                "map those columns by hand",
                [dataset],
            )
        return _mapping(dataset, mapping, inv | (inverted or set()), fixed)

    cands = candidates(headers)
    complete = [c for c in cands if not c.missing]
    if not complete:
        closest = sorted(cands, key=lambda c: (len(c.missing), -c.found))[:3]
        detail = "; ".join(f"{c.dataset} lacks {', '.join(c.missing)}" for c in closest)
        raise UnrecognisedDatasetError(
            file,
            f"not recognised as any dataset ({detail}). Rename the columns or map them by hand",
            [c.dataset for c in closest],
        )
    complete.sort(key=lambda c: -c.found)
    if len(complete) > 1 and complete[0].found == complete[1].found:
        tied = [c.dataset for c in complete if c.found == complete[0].found]
        raise UnrecognisedDatasetError(
            file,
            f"could be {' or '.join(tied)} ({complete[0].found} columns each); "
            "choose the dataset by hand or with a preset",
            tied,
        )
    ds = DATASETS[complete[0].dataset]
    mapping, inv = auto_map(ds, headers, fixed, excluded)
    return _mapping(ds.name, mapping, inv | (inverted or set()), fixed)


def _mapping(
    dataset: str, columns: dict[str, int], inverted: set[str], fixed: dict[str, int]
) -> Mapping:
    origin = {c: ("preset" if c in fixed else "alias") for c in columns}
    return Mapping(dataset, columns, frozenset(inverted), origin)
