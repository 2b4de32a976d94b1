"""Recognise which dataset a table is, and map its headers onto canonical columns.

docs/DATA.md "Recognition": headers are folded (:func:`kpi.schema.fold_header`) and matched
against each dataset's aliases. The dataset whose required columns are all found, with
the most columns found, wins; no winner or a tie is an error naming the candidates and
what they lack. A preset (docs/CLI.md) may name the dataset and some columns; its columns
win over the automatic mapping and the rest is mapped automatically.

Headers alone invent tables: ``Código de proyecto;Nombre;Cliente;...`` is a staff list
by its one ``Nombre`` column, an audit log with a ``Resource`` column too. So recognition
also weighs the evidence declared in :mod:`kpi.schema` and, when it has them, the values:

* **Richer datasets win.** A table that finds more columns of a dataset it cannot be
  read as (a required column is missing) than of the dataset it could be read as is
  not recognised: the message names the richer dataset and what it lacks. Projects with
  eight columns found never fall to staff with one.
* **Evidence.** Each dataset declares the columns that speak for it
  (``Dataset.evidence``): a table read as staff with no cost, weekly hours, tier or
  role is read with *low* confidence.
* **Content** (``Dataset.rules``): staff must look like a roster (:class:`Roster`: a few
  hundred rows at most, names nearly unique, no column with a date and time that varies
  per row); tickets without a created column are an event log (:class:`EventLog`) when
  their ids repeat and a change timestamp is mapped, and created_at is then each
  ticket's first change.

The result carries a confidence (``"high"`` or ``"low"``), the runner-up dataset and the
reasons (:class:`Reason`), for the CLI and the Data page. A low-confidence table feeds
no KPI until someone confirms it (a preset or a choice on the Data page naming the
dataset, see :func:`kpi.load.table.map_table`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc

from kpi.errors import UnrecognisedDatasetError
from kpi.load.reasons import Reason, _reason, preset_json
from kpi.schema import DATASETS, Dataset, EventLog, Roster, fold_header
from kpi.texts.messages import english

#: rows of a table looked at for a date and time per row (the check of a roster)
TIMESTAMP_SAMPLE = 200


@dataclass(frozen=True)
class Mapping:
    """The mapping of one table: canonical column -> index of the source header."""

    dataset: str
    columns: dict[str, int]
    #: canonical columns whose alias flips the boolean (``isNonBillable``)
    inverted: frozenset[str] = frozenset()
    #: how each column was chosen: "alias" or "preset" or "user"
    origin: dict[str, str] = field(default_factory=dict)
    #: "high", or "low" when the evidence or the content speaks against the dataset
    confidence: str = "high"
    #: the dataset that fitted next best, if any
    runner_up: str | None = None
    #: the evidence found and lacking, the doubts, the runner-up (:class:`Reason`)
    reasons: tuple[Reason, ...] = ()
    #: an event log without ``event_log.fills``: that column is computed, not read
    event_log: EventLog | None = None

    def source(self, headers: list[str]) -> dict[str, str]:
        """canonical column -> source header text."""
        return {c: headers[i] for c, i in self.columns.items()}


@dataclass(frozen=True)
class Candidate:
    """How a dataset fits a header row: columns found, required ones missing, and the
    columns of its evidence found (``Dataset.evidence``)."""

    dataset: str
    found: int
    missing: tuple[str, ...]
    evidence: tuple[str, ...] = ()


# The @cache functions below index the declared aliases (kpi.schema), once per process:
# no results, nothing read from a file (tests/test_browser_isolation.py lists them)


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


@cache
def _distinctive(dataset: str) -> frozenset[str]:
    """The folded aliases of a dataset that no other dataset has: ``Device ID``,
    ``Agreement ID``, ``Budget Hours`` (``Nombre``, ``Ticket #`` or ``Resource`` are
    aliases of several datasets and say nothing)."""
    others = {k for d in DATASETS if d != dataset for k in _alias_index(d)}
    return frozenset(k for k in _alias_index(dataset) if k not in others)


def _evidence(ds: Dataset, mapping: dict[str, int], headers: list[str]) -> tuple[str, ...]:
    """The dataset's evidence found: its declared evidence columns that are mapped, and
    the mapped columns whose header only this dataset knows (a file with just ``Device
    ID`` and ``Company`` is a device list)."""
    own = _distinctive(ds.name)
    found = [c for c in ds.evidence if c in mapping]
    found += [c for c, i in mapping.items() if c not in found and fold_header(headers[i]) in own]
    return tuple(found)


def candidates(headers: list[str]) -> list[Candidate]:
    """Every dataset with how many columns it finds and which required ones it misses."""
    out = []
    for ds in DATASETS.values():
        mapping, _ = auto_map(ds, headers)
        out.append(
            Candidate(ds.name, len(mapping), _missing(ds, mapping), _evidence(ds, mapping, headers))
        )
    return out


@dataclass(frozen=True)
class _Fit:
    """A dataset's fit to one table: its automatic mapping, and the event log rule that
    completed it (if any)."""

    ds: Dataset
    mapping: dict[str, int]
    missing: tuple[str, ...]
    event_log: EventLog | None = None
    log_reason: Reason | None = None

    @property
    def found(self) -> int:
        return len(self.mapping)


def _fit(ds: Dataset, headers: list[str], data: pa.Table | None) -> _Fit:
    mapping, _ = auto_map(ds, headers)
    missing = _missing(ds, mapping)
    if missing and data is not None:
        rule, why = _event_log(ds, mapping, missing, headers, data)
        if rule is not None:
            return _Fit(ds, mapping, (), rule, why)
    return _Fit(ds, mapping, missing)


def _event_log(
    ds: Dataset, mapping: dict[str, int], missing: tuple[str, ...], headers: list[str],
    data: pa.Table,
) -> tuple[EventLog | None, Reason | None]:  # fmt: skip
    """The dataset's :class:`EventLog` rule when it fills exactly the missing column and
    the values show an event log: the id repeats (1.5 rows per id on average at least;
    ``SR Number`` 101 on five rows) and a change timestamp is mapped."""
    for rule in ds.rules:
        if not isinstance(rule, EventLog) or missing != (rule.fills,):
            continue
        if rule.key not in mapping or rule.change not in mapping:
            continue
        ids = _non_empty(data.column(mapping[rule.key]))
        rows = len(ids)
        distinct = len(pc.unique(ids))  # unique: 2x faster than count_distinct
        if distinct and rows >= rule.min_rows_per_key * distinct:
            why = _reason(
                "event_log", key=headers[mapping[rule.key]], rows=rows, distinct=distinct,
                change=headers[mapping[rule.change]], fills=rule.fills,
            )  # fmt: skip
            return rule, why
    return None, None


def _non_empty(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The trimmed, non-empty texts of a raw column (cells are ``""`` when empty)."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    arr = pc.utf8_trim_whitespace(arr)
    return arr.filter(pc.fill_null(pc.not_equal(arr, ""), False))


def _roster_doubts(
    rule: Roster, mapping: dict[str, int], headers: list[str], data: pa.Table
) -> list[Reason]:
    """Why a table is not a list of people (empty when it is one).

    Examples of doubts: 65,432 rows (more than ``max_rows``); ``Resource`` with 3,113
    names in 65,432 rows (fewer than ``min_distinct`` of the rows, beyond ``slack``
    repeats); ``Change Date+Time`` holding ``2024-03-05 10:42`` on every row.
    """
    doubts = []
    if data.num_rows > rule.max_rows:
        doubts.append(_reason("rows", rows=data.num_rows, max=rule.max_rows))
    if rule.key in mapping:
        names = pc.utf8_lower(_non_empty(data.column(mapping[rule.key])))
        rows = len(names)
        distinct = len(pc.unique(names))
        if rows - distinct > max(rule.slack, (1 - rule.min_distinct) * rows):
            header = headers[mapping[rule.key]]
            doubts.append(_reason("repeats", header=header, distinct=distinct, rows=rows))
    header_ts = _row_timestamp(headers, data)
    if header_ts is not None:
        doubts.append(_reason("row_timestamp", header=header_ts))
    return doubts


def _row_timestamp(headers: list[str], data: pa.Table) -> str | None:
    """The first column whose values are dates *with a time of day* that differ from row
    to row (``2024-03-05 10:42``, ``3/5/2024 9:15 AM``), in the first rows: what an event
    log has and a roster does not. A hire date (``2018-03-01``) is a date, not a time;
    bare numbers (a cost of ``38.5``, a phone number) are not read as Excel serials or
    epoch seconds here: a time of day is written with a colon."""
    from kpi.load import values  # the value parsers; imported here, only a roster needs them

    sample = data.slice(0, TIMESTAMP_SAMPLE)
    for i, header in enumerate(headers):
        if i >= sample.num_columns:
            break
        cells = _non_empty(sample.column(i))
        n = len(cells)
        if n < 2:
            continue
        with_colon = pc.sum(pc.match_substring(cells, ":").cast(pa.int64())).as_py() or 0
        if with_colon < 0.8 * n:
            continue
        parsed = values.parse_column(cells, "ts").values
        stamps = parsed.filter(pc.is_valid(parsed))
        if len(stamps) < 0.8 * n or pc.count_distinct(stamps).as_py() < 0.5 * len(stamps):
            continue
        timed = pc.or_(pc.not_equal(pc.hour(stamps), 0), pc.not_equal(pc.minute(stamps), 0))
        if pc.any(timed).as_py():
            return header or f"({i + 1})"
    return None


def _columns(ds: Dataset, mapping: dict[str, int], headers: list[str], limit: int = 4) -> str:
    """``ticket_id <- ID, created_at <- Created``: the columns found, in declaration order."""
    found = [f"{c.name} <- {headers[mapping[c.name]]}" for c in ds.mappable if c.name in mapping]
    return ", ".join(found[:limit]) + (", ..." if len(found) > limit else "")


def _source(mapping: dict[str, int], headers: list[str]) -> dict[str, str]:
    return {c: headers[i] for c, i in mapping.items()}


def _names(items: tuple[str, ...] | list[str], limit: int = 4) -> str:
    return ", ".join(items[:limit]) + (", ..." if len(items) > limit else "")


def recognize(
    headers: list[str],
    *,
    file: str = "",
    dataset: str | None = None,
    fixed: dict[str, int] | None = None,
    inverted: set[str] | None = None,
    excluded: frozenset[str] = frozenset(),
    data: pa.Table | None = None,
) -> Mapping:
    """Recognise the dataset of a table and map its columns.

    Args:
        headers: the header cells as in the file.
        file: the file name, for messages.
        dataset: force this dataset (a preset or the user chose it): the confidence is
            then high, whatever the evidence.
        fixed: canonical column -> header index chosen by a preset or the user.
        inverted: columns of ``fixed`` to read as inverted booleans.
        excluded: canonical columns the user chose to leave unmapped.
        data: the table's raw text columns (:attr:`kpi.read.RawTable.data`), for the
            content rules; without it only the headers and the evidence are weighed.

    Returns:
        The :class:`Mapping`, with its confidence, runner-up and reasons.

    Raises:
        UnrecognisedDatasetError: no dataset has all its required columns, two tie, or
            a dataset that lacks a required column finds more columns than the one that
            has them all; the message names the candidates and what each lacks.

    Example:
        >>> recognize(["Nombre", "Puesto"]).confidence  # staff by "Puesto" (role)
        'high'
        >>> recognize(["Nombre"]).confidence  # a list of names
        'low'
    """
    fixed = fixed or {}
    if dataset is not None:
        return _forced(headers, file, dataset, fixed, inverted or set(), excluded, data)

    fits = [_fit(ds, headers, data) for ds in DATASETS.values()]
    best, complete = _best_fit(fits, headers, file)
    ds = best.ds
    mapping, inv = auto_map(ds, headers, fixed, excluded)
    log = best.event_log
    if log is not None and log.fills not in mapping and not {log.key, log.change} <= set(mapping):
        # the user left the id or the change column unmapped: no event log to fill from
        raise UnrecognisedDatasetError(
            file,
            f"read as {ds.name}, but no column was found for {log.fills}; map it by hand",
            [ds.name],
        )
    doubts, reasons, runner = _weighed(best, mapping, headers, data, fits, complete)
    return _mapping(
        ds.name,
        mapping,
        inv | (inverted or set()),
        fixed,
        confidence="low" if doubts else "high",
        runner_up=runner.ds.name if runner is not None else None,
        reasons=(*doubts, *reasons),
        # a fills column chosen by hand is read, not computed
        event_log=None
        if best.event_log is None or best.event_log.fills in mapping
        else best.event_log,
    )


def _best_fit(fits: list[_Fit], headers: list[str], file: str) -> tuple[_Fit, list[_Fit]]:
    """The dataset that fits a table best, and every dataset it could be read as (most
    columns first).

    Raises:
        UnrecognisedDatasetError: no dataset has all its required columns, a richer one
            lacks one, or two tie (see :func:`recognize`).
    """
    # most columns first; on equal counts declaration order (sorted() is stable)
    complete = sorted((f for f in fits if not f.missing), key=lambda f: -f.found)
    if not complete:
        closest = sorted(fits, key=lambda f: (len(f.missing), -f.found))[:3]
        detail = "; ".join(
            english("load.msg.lacks", dataset=f.ds.name, columns=", ".join(f.missing))
            for f in closest
        )
        raise UnrecognisedDatasetError(
            file,
            english("load.msg.not_any_dataset", lacks=detail),
            [f.ds.name for f in closest],
        )
    best = complete[0]
    richer = sorted((f for f in fits if f.missing and f.found > best.found), key=lambda f: -f.found)
    if richer:
        # a projects sheet (8 columns found, no project id) is not a staff list (1 column)
        r = richer[0]
        raise UnrecognisedDatasetError(
            file,
            english(
                "load.msg.looks_like",
                dataset=r.ds.name,
                found=r.found,
                columns=_columns(r.ds, r.mapping, headers),
                missing=", ".join(r.missing),
                other=best.ds.name,
                used=best.found,
                used_columns=_columns(best.ds, best.mapping, headers),
                preset=preset_json(r.ds.name, dict.fromkeys(r.missing, "YOUR HEADER")),
            ),
            [r.ds.name, best.ds.name],
        )
    tied = [f for f in complete if f.found == best.found]
    if len(tied) > 1:
        detail = "; ".join(
            f"{f.ds.name} has {_columns(f.ds, f.mapping, headers)}"
            + (
                f" but none of {_names(lack)}"
                if (lack := [c for c in f.ds.evidence if c not in f.mapping])
                else ""
            )
            for f in tied
        )
        raise UnrecognisedDatasetError(
            file,
            f"could be {' or '.join(f.ds.name for f in tied)} ({best.found} columns each: "
            f"{detail}); choose the dataset by hand or with a preset "
            f"({preset_json(tied[0].ds.name, _source(tied[0].mapping, headers))})",
            [f.ds.name for f in tied],
        )
    return best, complete


def _weighed(
    best: _Fit,
    mapping: dict[str, int],
    headers: list[str],
    data: pa.Table | None,
    fits: list[_Fit],
    complete: list[_Fit],
) -> tuple[list[Reason], list[Reason], _Fit | None]:
    """The doubts and the reasons of reading a table as ``best``'s dataset (its evidence,
    its content), and the runner-up."""
    ds = best.ds
    reasons: list[Reason] = []
    doubts: list[Reason] = []
    found = _evidence(ds, mapping, headers)
    if found:
        reasons.append(_reason("evidence", dataset=ds.name, columns=", ".join(found)))
    elif ds.evidence:
        doubts.append(_reason("no_evidence", dataset=ds.name, columns=", ".join(ds.evidence)))
    if best.log_reason is not None:
        reasons.append(best.log_reason)
    if data is not None:
        for rule in ds.rules:
            if isinstance(rule, Roster):
                doubts.extend(_roster_doubts(rule, mapping, headers, data))
    # the runner-up: another dataset the table could be read as, else the richest of
    # those that lack a required column
    others = [f for f in fits if f is not best and f.found]
    runner = next((f for f in complete[1:]), None) or max(
        others, key=lambda f: f.found, default=None
    )
    if runner is not None:
        name, n = runner.ds.name, runner.found
        if runner.missing:
            lacks = ", ".join(runner.missing)
            reasons.append(_reason("runner_up_lacks", dataset=name, found=n, missing=lacks))
        else:
            reasons.append(_reason("runner_up", dataset=name, found=n))
    return doubts, reasons, runner


def _forced(
    headers: list[str],
    file: str,
    dataset: str,
    fixed: dict[str, int],
    inverted: set[str],
    excluded: frozenset[str],
    data: pa.Table | None,
) -> Mapping:
    """The mapping of a dataset chosen by a preset or by hand (a confirmation: high)."""
    if dataset not in DATASETS:
        raise UnrecognisedDatasetError(
            file, f"unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}"
        )
    ds = DATASETS[dataset]
    mapping, inv = auto_map(ds, headers, fixed, excluded)
    missing = _missing(ds, mapping)
    reasons = [_reason("chosen")]
    rule: EventLog | None = None
    if missing and data is not None:
        rule, why = _event_log(ds, mapping, missing, headers, data)
        if rule is not None and why is not None:
            missing = ()
            reasons.append(why)
    if missing:
        raise UnrecognisedDatasetError(
            file,
            english("load.msg.chosen_lacks", dataset=dataset, columns=", ".join(missing)),
            [dataset],
        )
    return _mapping(dataset, mapping, inv | inverted, fixed, reasons=tuple(reasons), event_log=rule)


def _mapping(
    dataset: str,
    columns: dict[str, int],
    inverted: set[str],
    fixed: dict[str, int],
    *,
    confidence: str = "high",
    runner_up: str | None = None,
    reasons: tuple[Reason, ...] = (),
    event_log: EventLog | None = None,
) -> Mapping:
    origin = {c: ("preset" if c in fixed else "alias") for c in columns}
    return Mapping(
        dataset, columns, frozenset(inverted), origin, confidence, runner_up, reasons, event_log
    )
