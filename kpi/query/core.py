"""The SQL behind the KPIs: prepared tables, one query per KPI family and grouping.

:class:`Core` owns one private in-memory DuckDB connection (never the module-global
``duckdb.sql``). At start it copies the :class:`~kpi.model.LoadedData` tables into
*prepared* tables with the per-row rules already applied (ticket flags, durations on
absolute time, monthly recurring revenue of each contract, its renewal, ...). A report then
runs one query per family (:data:`kpi.kpis.FAMILIES`):

1. ``parts``: the family's contributions, one row per event dated in the period (a ticket
   created, an invoice) or per entity at each date D (a contract active at D), with the
   columns ``client``, ``technician``, ``d`` (the attribution date) and the contribution
   columns the KPI declarations aggregate;
2. one aggregate block per set of parts the KPIs read (the tickets opened read the
   "created" rows, the gross margin the invoice and time-entry rows), grouped with
   ``GROUP BY GROUPING SETS``: one set per distinct grouping the KPIs need (a KPI that
   cannot be grouped by a dimension falls back to the coarser grouping: MRR in a report
   by technician is a total row);
3. one long row per KPI and group: ``CAST(num AS DOUBLE) / NULLIF(den, 0)`` for ratios and
   means, ordered by KPI, group name and month.

Filter values (clients, technicians, dates) are always bound parameters; the only
identifiers written into SQL are the ones in this module and in :mod:`kpi.kpis`.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from kpi.errors import UsageError
from kpi.load.names import client_key, technician_key
from kpi.metrics.catalog import DIMS, FAMILIES, FLAG_NEEDS, KPIS, RESOLVED_NEED, Kpi, Need
from kpi.metrics.rules import (
    COMPLETED_WORDS,
    DEVICE_SEEN_DAYS,
    STALE_DAYS,
    SUCCESSOR_DAYS,
    UPCOMING_DAYS,
)
from kpi.model import LoadedData
from kpi.query.money import MoneyOptions, MoneyPlan, found_in, plan
from kpi.query.periods import Period
from kpi.schema.datasets import DATASETS, MONEY_COLUMNS, NO_CLIENT

#: ``by`` values of CLI.md and the dimensions they group by.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "total": (),
    "client": ("client",),
    "month": ("month",),
    "client,month": ("client", "month"),
    "technician": ("technician",),
    "technician,month": ("technician", "month"),
}

#: Family queries of one report run at once, each on its own cursor of the engine's
#: database: on 2 cores two at a time cut a filtered report by about a third (more
#: would only queue behind DuckDB's own threads).
QUERY_THREADS = 2
#: parsed family statements an engine keeps (a page asks 8 families for a few scope
#: shapes: months or not, compare, groupings; a few hundred KB of SQL at most)
PARSED_KEPT = 256
#: aggregate a set of parts within another's in the other's block (see family_sql); off
#: only to test that it changes no value
MERGE_PARTS = True

# Bound parameters, always cast (a date parameter is typed by its use).
START = "CAST($start AS DATE)"
END = "CAST($end AS DATE)"
AS_OF = "CAST($as_of AS DATE)"
POINT = "CAST($point AS DATE)"

#: KPI id -> declaration order, the first sort key of every report
KPI_INDEX = {k.id: i for i, k in enumerate(KPIS)}

#: the prepared tables holding amounts (made again when the money options change)
MONEY_TABLES = frozenset({"contracts_p", "invoices_p", "opps_p"})
#: the table a preparing statement makes
_MADE_TABLE = re.compile(r"CREATE (?:OR REPLACE )?TABLE (\w+)")
_PARAM = re.compile(r"\$([a-z_]+)\b")
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")
#: SQL words of the KPI aggregates (everything else in them is a contribution column)
_SQL_WORDS = frozenset({"sum", "fsum", "count", "coalesce", "quantile_cont"})


def parse_by(by: str) -> tuple[str, ...]:
    """The dimensions of a ``--by`` value: ``"month,client"`` -> ``("client", "month")``.

    Raises:
        UsageError: a grouping CLI.md does not list.
    """
    parts = tuple(p.strip().lower() for p in (by or "total").split(",") if p.strip())
    dims = tuple(d for d in DIMS if d in parts)
    bad = len(dims) != len(parts) or ("client" in dims and "technician" in dims)
    if bad and parts != ("total",):
        raise UsageError(f"unknown grouping {by!r}: use one of {', '.join(GROUPINGS)}")
    return dims


@dataclass(frozen=True)
class Part:
    """One SELECT of contributions and the contribution columns it fills.

    ``at`` says which groupings its rows feed when a query computes monthly and
    non-monthly groupings together (:attr:`Scope.combined`):

    * ``"any"``: events of the period (an invoice, a ticket opened), counted alike by a
      month and by the whole period;
    * ``"points"``: states at the dates D of ``points`` (MRR at D, open opportunities):
      a month reads its own D, the whole period only D = ``$point``, the last one;
    * ``"months"`` / ``"point"``: rows made for the monthly groupings only / for the
      others only (the backlog's running sum / the tickets open at ``$point``).
    """

    sql: str
    columns: frozenset[str]
    at: str = "any"
    #: the SELECT gives each row's ``month`` (the first day of ``d``'s month) from a
    #: prepared column; otherwise the block computes it from ``d``
    month: bool = False


@dataclass
class Scope:
    """What one family query computes: the period, filters, KPIs and their groupings."""

    period: Period
    dims: tuple[str, ...]
    clients: list[str] | None = None
    technicians: list[str] | None = None
    kpis: list[Kpi] = field(default_factory=list)
    #: more groupings computed by the same query (none of them monthly; ``dims`` may be):
    #: the rows then carry ``by_i``, 0 for ``dims`` and i for ``also[i - 1]``
    also: tuple[tuple[str, ...], ...] = ()

    @property
    def monthly(self) -> bool:
        """A grouping by month is computed (``dims``): D at each month's end."""
        return "month" in self.dims

    @property
    def flat(self) -> bool:
        """A grouping without months is computed: D = ``$point``."""
        return not self.monthly or bool(self.also)

    @property
    def combined(self) -> bool:
        """Monthly and non-monthly groupings in one query (see :class:`Part`)."""
        return self.monthly and self.flat

    @property
    def groupings(self) -> tuple[tuple[str, ...], ...]:
        return (self.dims, *self.also)

    def params(self) -> dict[str, object]:
        p = self.period
        return {
            "start": p.start,
            "end": p.end,
            "as_of": p.as_of,
            "point": p.point,
            "clients": self.clients or [],
            "techs": self.technicians or [],
        }


def effective_dims(kpi: Kpi, dims: tuple[str, ...]) -> tuple[str, ...]:
    """The grouping a KPI is computed at: the requested dimensions it allows.

    Example: MRR (client, month) in a report by technician,month -> ("month",).
    """
    return tuple(d for d in dims if d in kpi.groupings)


def used_columns(expr: str) -> set[str]:
    """Identifiers of an aggregate expression: ``"fsum(rev) - fsum(x)"`` -> {fsum, rev, x}."""
    return set(_IDENT.findall(expr))


def kpi_columns(k: Kpi) -> set[str]:
    """The contribution columns a KPI reads: its aggregates' and its ``known`` ones."""
    cols = used_columns(k.numerator) | used_columns(k.denominator or "") | set(k.known or ())
    return cols - _SQL_WORDS


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pd.DataFrame:
    used = set(_PARAM.findall(sql))
    rel = con.sql(sql, params={k: v for k, v in params.items() if k in used} or None)
    return rel.to_arrow_table().to_pandas()


#: the columns of a family query's long rows and their pandas types
LONG_TYPES = {
    "by_i": "int32",
    "kpi_i": "int32",
    "kpi": "str",
    "grp": "str",
    "month": "str",
    "value": "float64",
    "numerator": "float64",
    "denominator": "float64",
    # the rows of a money KPI (Kpi.known) and how many of them had a known amount; NaN
    # for the other KPIs (for the report's notes, never in a report)
    "rows_n": "float64",
    "known_n": "float64",
}


_DIM_TYPE = {
    "client": "VARCHAR",
    "technician": "VARCHAR",
    "month": "DATE",
    "msel": "BOOLEAN",
    "tsel": "BOOLEAN",
}
#: the keys that pick a combined query's rows for its monthly / other groupings
_SELS = ("msel", "tsel")
#: msel and tsel of a Part's rows, by ``Part.at``
_FEEDS = {
    "any": "TRUE AS msel, TRUE AS tsel",
    "points": f"d IN (SELECT d_at FROM months) AS msel, d = {POINT} AS tsel",
    "months": "TRUE AS msel, FALSE AS tsel",
    "point": "FALSE AS msel, TRUE AS tsel",
}


def _sel(dims: tuple[str, ...], combined: bool) -> tuple[str, ...]:
    """The key picking the rows of a grouping in a combined query (none otherwise)."""
    if not combined:
        return ()
    return ("msel",) if "month" in dims else ("tsel",)


def _kpi_columns(k: Kpi, i: int) -> tuple[str, str, str]:
    """Value, numerator and denominator of the i-th KPI from its aggregate block.

    Ratios and means: ``num / NULLIF(den, 0)`` with both written (0 when nothing
    contributed); sums: 0 when nothing contributed (``nullable`` ones stay empty). A money
    KPI's ``n{i}`` is already 0 or empty as its ``known`` rule says (see _block_sql).
    """
    if k.kind in ("ratio", "mean"):
        num, den = (f"n{i}" if k.known else f"coalesce(n{i}, 0)"), f"coalesce(d{i}, 0)"
        return f"{num} / NULLIF({den}, 0)", num, den
    value = f"coalesce(n{i}, 0)" if _zero_when_empty(k) else f"n{i}"
    return value, "NULL", "NULL"


def _zero_when_empty(k: Kpi) -> bool:
    """A sum whose empty aggregate is 0 (not a nullable or a money one)."""
    return k.kind == "sum" and not k.nullable and k.known is None


def _known_columns(k: Kpi, i: int) -> tuple[str, str]:
    """``rows_n`` and ``known_n`` of the i-th KPI (NULL unless it has a ``known`` rule)."""
    return (f"r{i}", f"k{i}") if k.known else ("NULL", "NULL")


@dataclass(frozen=True)
class _Rows:
    """The long rows of some KPIs of one aggregate block at one grouping."""

    block: int
    #: (index in the family, KPI): the block's columns ``n{i}`` / ``d{i}``
    members: tuple[tuple[int, Kpi], ...]
    dims: tuple[str, ...]
    #: in a combined query, the key (msel or tsel) whose TRUE group are these rows
    sel: tuple[str, ...] = ()
    #: the grouping's place in a query computing several (``Scope.also``)
    by_i: int | None = None
    #: the count of the KPIs' own rows in a block they share with other parts (their
    #: groups are those with such rows)
    present: str | None = None

    def where(self) -> str:
        """The block rows of this grouping set; a NULL key is a row of contributions
        without that dimension (available hours have no client) and is dropped."""
        where = " AND ".join(
            (f"g_{d} = 0 AND {d} IS NOT NULL" if d in self.dims else f"g_{d} = 1") for d in DIMS
        )
        if self.sel:
            where += "".join(
                f" AND g_{x} = 0 AND {x}" if x in self.sel else f" AND g_{x} = 1" for x in _SELS
            )
        if self.present:
            where += f" AND {self.present} > 0"
        return where

    @property
    def grp(self) -> str:
        """The rows' group: the client or technician column, NULL when not grouped by one."""
        return next((d for d in self.dims if d != "month"), "CAST(NULL AS VARCHAR)")

    def keys(self) -> str:
        """``grp`` and ``month`` (``YYYY-MM``, NULL when not monthly) of the rows."""
        month = "strftime(month, '%Y-%m')" if "month" in self.dims else "CAST(NULL AS VARCHAR)"
        return f"{self.grp} AS grp, {month} AS month"


def _kpis_select(rows: _Rows) -> str:
    """The long rows of KPIs of one aggregate block at one grouping: ``kpi_i, kpi, grp,
    month, value, numerator, denominator`` (``by_i`` first when given).

    One SELECT for them all, each block row unnested into a row per KPI: a SELECT per
    KPI made DuckDB parse, bind and optimise most of a filtered query's time.
    """
    tag = "" if rows.by_i is None else f"{rows.by_i} AS by_i, "
    items = []
    for i, k in rows.members:
        value, num, den = _kpi_columns(k, i)
        r, kn = _known_columns(k, i)
        items.append(
            f"{{'kpi_i': {KPI_INDEX[k.id]}, 'kpi': '{k.id}', 'value': CAST({value} AS DOUBLE),"
            f" 'numerator': CAST({num} AS DOUBLE), 'denominator': CAST({den} AS DOUBLE),"
            f" 'rows_n': CAST({r} AS DOUBLE), 'known_n': CAST({kn} AS DOUBLE)}}"
        )
    return (
        f"SELECT {tag}u.kpi_i, u.kpi, grp, month, u.value, u.numerator, u.denominator,"
        " u.rows_n, u.known_n FROM"
        f" (SELECT {rows.keys()}, unnest([{', '.join(items)}]) AS u"
        f" FROM agg{rows.block} WHERE {rows.where()})"
    )


def _wide_select(rows: _Rows, s: int) -> str:
    """The block rows of :func:`_kpis_select` as they are: ``sel_i`` (``s``), ``grp``,
    ``mday`` (the month's first day as days since 1970, NULL when not monthly) and the
    KPIs' aggregate columns (``n{i}``, and ``d{i}`` of fractions)."""
    mday = (
        "CAST(month - DATE '1970-01-01' AS INTEGER)"
        if "month" in rows.dims
        else "CAST(NULL AS INTEGER)"
    )
    cols = "".join(
        f", n{i}" + (f", d{i}" if k.has_fraction else "") + (f", r{i}, k{i}" if k.known else "")
        for i, k in rows.members
    )
    return (
        f"SELECT {s} AS sel_i, {rows.grp} AS grp, {mday} AS mday{cols}"
        f" FROM agg{rows.block} WHERE {rows.where()}"
    )


def _unpivot(
    wide: Mapping[str, Any], selects: list[_Rows], names: pa.Array, by_i: bool
) -> pd.DataFrame:
    """The long rows of a family (:data:`LONG_TYPES`) from its wide rows (see
    :meth:`Core.family_wide_sql`): a row per KPI and block row, in the long query's
    order (by_i, KPI, group name, month), each value as :func:`_kpi_columns` writes it.

    ``wide``: the columns as ``fetchnumpy`` gives them (masked arrays where NULLs are);
    ``names``: the group names by ``pos`` (``names[0]`` is None, no group).
    """
    starts = np.searchsorted(wide["sel_i"], np.arange(len(selects) + 1))
    pieces = sorted(
        ((rows.by_i or 0, KPI_INDEX[k.id], s, i, k) for s, rows in enumerate(selects)
         for i, k in rows.members),
        key=lambda p: p[:2],
    )  # fmt: skip
    sizes = np.array([starts[s + 1] - starts[s] for _, _, s, _, _ in pieces], dtype=np.int64)
    take = np.concatenate(
        [np.arange(starts[s], starts[s + 1]) for _, _, s, _, _ in pieces] or [np.empty(0, np.int64)]
    )
    filled: dict[str, np.ndarray] = {}

    def col(name: str, s: int) -> np.ndarray:
        if name not in filled:
            filled[name] = np.ma.filled(wide[name].astype(np.float64), np.nan)
        return filled[name][starts[s] : starts[s + 1]]

    values, nums, dens, rows_n, known_n = [], [], [], [], []
    for _, _, s, i, k in pieces:
        n = col(f"n{i}", s)
        if k.has_fraction:
            num = n if k.known else np.where(np.isnan(n), 0.0, n)
            d = col(f"d{i}", s)
            den = np.where(np.isnan(d), 0.0, d)
            value = np.divide(num, den, out=np.full(len(num), np.nan), where=den != 0)
        else:
            value = np.where(np.isnan(n), 0.0, n) if _zero_when_empty(k) else n
            num = den = np.full(len(n), np.nan)
        values.append(value)
        nums.append(num)
        dens.append(den)
        if k.known:
            rows_n.append(col(f"r{i}", s))
            known_n.append(col(f"k{i}", s))
        else:
            rows_n.append(np.full(len(n), np.nan))
            known_n.append(np.full(len(n), np.nan))
    codes = np.repeat(np.arange(len(pieces), dtype=np.int32), sizes)
    # months: each month of the range once as YYYY-MM, then taken per row (0: no month)
    mday = wide["mday"][take]
    known = ~np.ma.getmaskarray(mday)
    months = np.ma.filled(mday, 0).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    first = int(months[known].min()) if known.any() else 0
    span = int(months[known].max()) - first + 1 if known.any() else 0
    labels = [None, *np.arange(first, first + span).astype("datetime64[M]").astype(str)]
    slot = np.where(known, months - first + 1, 0)
    columns: dict[str, pa.Array] = {}
    if by_i:
        columns["by_i"] = pa.array(np.repeat([p[0] for p in pieces], sizes).astype(np.int32))
    columns["kpi_i"] = pa.array(np.repeat([p[1] for p in pieces], sizes).astype(np.int32))
    columns["kpi"] = pa.array([p[4].id for p in pieces], pa.string()).take(codes)
    columns["grp"] = names.take(wide["pos"][take])
    columns["month"] = pa.array(labels, pa.string()).take(slot)
    for name, parts in (("value", values), ("numerator", nums), ("denominator", dens),
                        ("rows_n", rows_n), ("known_n", known_n)):  # fmt: skip
        columns[name] = pa.array(np.concatenate(parts) if parts else np.empty(0), pa.float64())
    return pa.table(columns).to_pandas()


def _block_sql(
    b: int,
    chosen: tuple[int, ...],
    groups: list[tuple[tuple[int, ...], list[tuple[int, Kpi]]]],
    parts: list[Part],
    scope: Scope,
) -> tuple[str, list[_Rows]]:
    """The CTEs ``ev{b}`` and ``agg{b}`` of one aggregate block over the parts ``chosen``
    and its KPIs' long rows, for each grouping of ``scope``.

    ``groups``: the block's KPIs (index in the family, KPI) by the parts they read, the
    block's own first; the others are counted for presence (see :meth:`Core.family_sql`).
    """
    combined = scope.combined
    selects: list[_Rows] = []
    members = [m for _, ms in groups for m in ms]
    sub = [own for own, _ in groups if own != chosen]
    needed: set[str] = set()
    for _, k in members:
        needed |= kpi_columns(k)
    provided = set().union(*(parts[j].columns for j in chosen))
    # a contribution no loaded dataset provides (direct cost without invoices)
    fill = "".join(f", CAST(NULL AS DOUBLE) AS {c}" for c in sorted(needed - provided))
    # msel / tsel: in a combined query, the row feeds the monthly / the other
    # groupings, which group by it too and keep its TRUE group (see Part);
    # part_i: which part the row comes from, for the presence counts
    tags = [
        ", ".join(
            ([_FEEDS[parts[j].at]] if combined else [])
            + ([f"{j} AS part_i"] if sub else [])
            + ([] if parts[j].month else ["CAST(date_trunc('month', d) AS DATE) AS month"])
        )
        for j in chosen
    ]
    union = "\nUNION ALL BY NAME\n".join(
        f"(SELECT *, {tag} FROM ({parts[j].sql}))" if tag else f"({parts[j].sql})"
        for j, tag in zip(chosen, tags, strict=True)
    )
    sets = list(
        dict.fromkeys(
            effective_dims(k, g) + _sel(g, combined) for g in scope.groupings for _, k in members
        )
    )
    gsets = ", ".join("(" + ", ".join(s) + ")" for s in sets)
    grouped = {d for s in sets for d in s}
    keys = (*DIMS, *_SELS) if combined else DIMS
    dim_cols = ", ".join(
        d if d in grouped else f"CAST(NULL AS {_DIM_TYPE[d]}) AS {d}" for d in keys
    )
    # GROUPING(x) is 0 when the row is grouped by x; a dimension of no set never is
    flags = ", ".join(f"grouping({d}) AS g_{d}" if d in grouped else f"1 AS g_{d}" for d in keys)
    aggs = [
        f"count(*) FILTER (WHERE part_i IN ({', '.join(map(str, own))})) AS c{c}"
        for c, own in enumerate(sub)
    ]
    for i, k in members:
        if k.known:
            # issue 18: a money sum over rows none of which has a known amount is empty,
            # not 0; a group without such rows keeps 0 (DETAILS.md 4)
            rows, value = k.known
            aggs.append(
                f"CAST(CASE WHEN coalesce(sum({rows}), 0) > 0 AND count({value}) = 0 THEN NULL"
                f" ELSE coalesce({k.numerator}, 0) END AS DOUBLE) AS n{i}"
            )
            aggs.append(f"CAST(coalesce(sum({rows}), 0) AS DOUBLE) AS r{i}")
            aggs.append(f"CAST(count({value}) AS DOUBLE) AS k{i}")
        else:
            aggs.append(f"CAST({k.numerator} AS DOUBLE) AS n{i}")
        aggs.append(f"CAST({k.denominator or 'NULL'} AS DOUBLE) AS d{i}")
    block = (
        f"ev{b} AS (SELECT *{fill} FROM (\n{union}\n)),\n"
        f"agg{b} AS (SELECT {flags}, {dim_cols},\n  "
        + ",\n  ".join(aggs)
        + f"\nFROM ev{b} GROUP BY GROUPING SETS ({gsets}))"
    )
    for own, ms in groups:
        present = f"c{sub.index(own)}" if own in sub else None
        for g, dims in enumerate(scope.groupings):
            by, sel = (g if scope.also else None), _sel(dims, combined)
            at: dict[tuple[str, ...], list[tuple[int, Kpi]]] = {}
            for i, k in ms:
                at.setdefault(effective_dims(k, dims), []).append((i, k))
            for eff, ks in at.items():
                selects.append(_Rows(b, tuple(ks), eff, sel, by, present))
    return block, selects


class Core:
    """Prepared tables and the family queries of one :class:`LoadedData`.

    Args:
        data: the loaded tables (see :mod:`kpi.model`).
        money: the report currency and exchange rates (default: the data's only
            currency, no rates); see :mod:`kpi.money` and :meth:`set_money`.
    """

    def __init__(self, data: LoadedData, money: MoneyOptions | None = None) -> None:
        self.data = data
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        # the prepared tables live in a compressed in-memory database (see the CHECKPOINT
        # below); every cursor uses it
        self.con.execute("ATTACH ':memory:' AS kpidb (COMPRESS)")
        self.con.execute("USE kpidb")
        #: A DuckDB connection refuses a second concurrent call ("connection is busy"),
        #: and Streamlit starts a new run while a stopped one may still be inside DuckDB:
        #: queries run on cursors (connections to the same database) checked out of this
        #: pool, one query per cursor at a time; a caller waits for a free one.
        self._cursors: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        #: family statements parsed, by SQL text (see :meth:`_statement`)
        self._parsed: dict[str, duckdb.Statement] = {}
        self._parsed_lock = threading.Lock()
        for _ in range(QUERY_THREADS):
            cur = self.con.cursor()
            cur.execute("USE kpidb")
            self._cursors.put(cur)
        for name, table in data.tables.items():
            self.con.register(f"raw_{name}", table)
        #: the amounts of each money dataset by currency, and how they are read
        self.found = found_in(data)
        self.money: MoneyPlan = plan(self.found, money)
        self._money_sources()
        self._prepare()
        #: the default report date: ingestion's, else the latest event (DETAILS.md 9);
        #: the data's first date likewise (kpi.periods: comparisons before it are empty)
        first, latest = data.data_start, data.as_of
        if first is None or latest is None:
            found = self._event_span()
            first, latest = first or found[0], latest or found[1]
        self.as_of: date | None = latest
        self.data_start: date | None = first
        for name in data.tables:
            self.con.unregister(f"raw_{name}")
        # compress the prepared tables (dictionaries for names, RLE for dates, ALP for
        # amounts): at 1M tickets DuckDB holds 41 MB instead of 325 MB, and grouping by
        # client and month reads dictionary codes (a full report about 15% faster); the
        # checkpoint costs about 0.3 s. An in-memory database: nothing goes to disk.
        self.con.execute("CHECKPOINT kpidb")
        #: the rows live in the prepared tables now: the engine keeps the schemas, row
        #: counts and reports only, and the caller may let its copy go
        self.data = data.without_rows()
        self.device_level = data.has("devices", "covered") or data.has("devices", "contract_id")
        self.known_flags = self._known_flags()
        self.undated_resolutions = self._undated_resolutions()
        self._client_names = self._names("client")
        self._technician_names = self._names("technician")
        self._order_names()
        self._client_keys = _by_key(self._client_names, client_key)
        self._technician_keys = _by_key(self._technician_names, technician_key)

    # ---------------------------------------------------------------- preparation
    def has(self, dataset: str, column: str | None = None) -> bool:
        return self.data.has(dataset, column)

    def _money_sources(self) -> None:
        """The rows of contracts, invoices and opportunities as loaded (``src_*``), and
        the views that convert their amounts to the report currency (``money_*``): an
        amount x the factor of its currency in ``fx``, NULL without one (kpi.money). The
        prepared tables read the views, and are made again when the rates change
        (:meth:`set_money`)."""
        self._write_fx()
        for name, columns in MONEY_COLUMNS.items():
            if not self.has(name):
                continue
            self.con.execute(f"CREATE TABLE src_{name} AS SELECT * FROM raw_{name}")
            converted = ", ".join(f"s.{c} * f.factor AS {c}" for c in columns)
            # invoices: which lines have a cost at all (an empty cost is no cost, DETAILS.md
            # 23; a cost without a rate is an unknown one)
            has_cost = ", s.cost IS NOT NULL AS has_cost" if name == "invoices" else ""
            self.con.execute(
                f"CREATE VIEW money_{name} AS SELECT s.* REPLACE ({converted}){has_cost}"
                f" FROM src_{name} s LEFT JOIN fx f ON f.cur = coalesce(s.currency, '')"
            )

    def _write_fx(self) -> None:
        """``fx(cur, factor)``: the factor of each currency as stored (``''``: none)."""
        factors = self.money.factors
        fx = pa.table(
            {
                "cur": pa.array(list(factors), pa.string()),
                "factor": pa.array(list(factors.values()), pa.float64()),
            }
        )
        self.con.register("fx_in", fx)  # currency texts come from files: never in SQL
        self.con.execute("CREATE OR REPLACE TABLE fx AS SELECT * FROM fx_in")
        self.con.unregister("fx_in")

    def set_money(self, money: MoneyOptions | None) -> None:
        """Read the amounts with other money options (report currency, rates): the
        prepared money tables are made again from the rows kept at start, in
        milliseconds; the other tables stay."""
        self.money = plan(self.found, money)
        self._write_fx()
        self._prepare(only=MONEY_TABLES)
        self.con.execute("CHECKPOINT kpidb")

    def _prepare(self, only: frozenset[str] | None = None) -> None:
        """The prepared tables (``only``: just these ones, made again)."""
        tz = self.data.tz or "UTC"
        # Durations are measured on absolute time (DETAILS.md 30): 01:30 -> 03:30 local on
        # the night clocks go forward in Madrid is 1 hour. Naive UTC needs no conversion.
        abs_ts = "timezone($tz, {})" if tz.upper() != "UTC" else "{}"

        def hours_between(a: str, b: str) -> str:
            return f"(epoch({abs_ts.format(b)}) - epoch({abs_ts.format(a)})) / 3600.0"

        stmts: list[str] = []
        if self.has("tickets"):
            stmts.append(f"""
            CREATE TABLE tickets_p AS
            WITH r AS (
              SELECT *,
                -- resolution earlier than creation is no resolution (DETAILS.md 13)
                CASE WHEN resolved >= created_at THEN resolved END AS res,
                -- escalated: escalated; else tier > 1; else reassigned; else unknown
                CASE WHEN escalated IS NOT NULL THEN escalated
                     WHEN tier IS NOT NULL THEN tier > 1
                     WHEN reassignment_count IS NOT NULL THEN reassignment_count > 0
                END AS esc
              FROM raw_tickets)
            SELECT coalesce(client, '{NO_CLIENT}') AS client,
              coalesce(technician, '{NO_CLIENT}') AS technician,
              CAST(created_at AS DATE) AS created_d,
              CAST(res AS DATE) AS resolved_d,
              -- out of the backlog when resolved, or cancelled by its status (at its
              -- last update); never in it when resolved or cancelled at an unknown time
              CAST(cancelled_at AS DATE) AS cancelled_d,
              CAST(date_trunc('month', CAST(cancelled_at AS DATE)) AS DATE) AS cancelled_m,
              coalesce(closed_unknown, FALSE) AS closed_unknown,
              -- the months, once here rather than in every report
              CAST(date_trunc('month', CAST(created_at AS DATE)) AS DATE) AS created_m,
              CAST(date_trunc('month', CAST(res AS DATE)) AS DATE) AS resolved_m,
              esc,
              -- fcr: the flag; else resolved, not escalated, never reopened; unknown when
              -- escalation is unknown
              CASE WHEN first_contact_resolution IS NOT NULL THEN first_contact_resolution
                   WHEN esc IS NULL THEN NULL
                   ELSE res IS NOT NULL AND NOT esc AND coalesce(reopen_count, 0) = 0
              END AS fcr,
              CASE WHEN sla_met IS NOT NULL THEN sla_met
                   WHEN res IS NOT NULL AND due_at IS NOT NULL THEN res <= due_at
              END AS sla,
              {hours_between("created_at", "res")} AS res_hours,
              CASE WHEN first_response_at >= created_at
                   THEN {hours_between("created_at", "first_response_at")} END AS frt_hours,
              hours,
              -- for the dashboards' breakdowns (ui.details)
              priority, queue, tier
            FROM r""")
        if self.has("surveys"):
            stmts.append(f"""
            CREATE TABLE surveys_p AS
            SELECT coalesce(client, '{NO_CLIENT}') AS client,
              coalesce(technician, '{NO_CLIENT}') AS technician,
              CAST(responded_at AS DATE) AS d,
              CAST(date_trunc('month', CAST(responded_at AS DATE)) AS DATE) AS month, satisfied
            FROM raw_surveys""")
        if self.has("staff"):
            stmts.append("""
            CREATE TABLE staff_p AS
            SELECT technician, coalesce(weekly_hours, 40.0) AS weekly, hourly_cost
            FROM raw_staff WHERE technician IS NOT NULL""")
        if self.has("time_entries"):
            cost = "s.hourly_cost" if self.has("staff") else "CAST(NULL AS DOUBLE)"
            # DATA.md: without a billable column every hour is billable; with one, an
            # empty value is not billable (DETAILS.md 25)
            billable = (
                "coalesce(t.billable, FALSE)" if self.has("time_entries", "billable") else "TRUE"
            )
            join = "LEFT JOIN staff_p s ON s.technician = t.technician" if self.has("staff") else ""
            stmts.append(f"""
            CREATE TABLE time_p AS
            SELECT coalesce(t.client, '{NO_CLIENT}') AS client, t.technician,
              t.date AS d, CAST(date_trunc('month', t.date) AS DATE) AS month, t.hours,
              {billable} AS billable, {cost} AS hourly_cost
            FROM raw_time_entries t {join}""")
            # the hours booked on projects, apart: a project's actual cost at D reads
            # these few rows, not every time entry (KPIS.md 8)
            stmts.append("""
            CREATE TABLE project_time_p AS
            SELECT project_id, date AS d, hours
            FROM raw_time_entries WHERE project_id IS NOT NULL""")
        if self.has("contracts"):
            stmts.append(f"""
            CREATE OR REPLACE TABLE contracts_p AS
            WITH c AS (SELECT * FROM money_contracts)
            SELECT c.contract_id, coalesce(c.client, '{NO_CLIENT}') AS client,
              c.start_date, c.end_date,
              -- months NULL: an unknown billing period, out of MRR (unknown); 0: a
              -- one-time charge, not recurring (MRR 0, known whatever its currency)
              CASE WHEN c.billing_months = 0 THEN 0.0 ELSE c.amount / c.billing_months
              END AS mrr_c,
              c.billing_months IS DISTINCT FROM 0 AS recurring,
              c.covered_devices,
              -- renewed (DETAILS.md 27): the flag decides; else auto_renew; else a successor
              -- of the same client starting after this start, no later than end + 30 days,
              -- ending after this end or never
              CASE WHEN c.renewed IS NOT NULL THEN c.renewed
                   WHEN c.auto_renew THEN TRUE
                   ELSE EXISTS (
                     SELECT 1 FROM c s
                     WHERE s.client = c.client AND s.start_date > c.start_date
                       AND s.start_date <= c.end_date + {SUCCESSOR_DAYS}
                       AND (s.end_date IS NULL OR s.end_date > c.end_date))
              END AS renewed_eff
            FROM c""")
        if self.has("devices"):
            stmts.append(f"""
            CREATE TABLE devices_p AS
            SELECT device_id, coalesce(client, '{NO_CLIENT}') AS client,
              CAST(first_seen AS DATE) AS first_d, CAST(last_seen AS DATE) AS last_d,
              active, covered, contract_id
            FROM raw_devices""")
        if self.has("projects"):
            words = ", ".join(f"'{w}'" for w in COMPLETED_WORDS)
            stmts.append(f"""
            CREATE TABLE projects_p AS
            SELECT project_id, coalesce(client, '{NO_CLIENT}') AS client, name, status,
              lower(strip_accents(trim(status))) IN ({words}) AS status_done,
              start_date, due_date, budget_hours, actual_hours, percent_complete, closed_at
            FROM raw_projects""")
        if self.has("invoices"):
            stmts.append(f"""
            CREATE OR REPLACE TABLE invoices_p AS
            SELECT coalesce(client, '{NO_CLIENT}') AS client, date AS d,
              CAST(date_trunc('month', date) AS DATE) AS month, amount, cost, has_cost
            FROM money_invoices""")
        if self.has("opportunities"):
            # an empty amount is unknown, not 0 (issue 18 overrides DETAILS.md 29)
            stmts.append(f"""
            CREATE OR REPLACE TABLE opps_p AS
            SELECT opportunity_id, coalesce(client, '{NO_CLIENT}') AS client,
              CAST(created_at AS DATE) AS created_d, CAST(closed_at AS DATE) AS closed_d,
              coalesce(outcome, 'open') AS outcome, amount,
              probability,
              CAST(coalesce(last_activity_at, created_at) AS DATE) AS activity_d,
              -- a deal closed before it was created has no sales cycle (ingestion warns)
              CASE WHEN outcome IN ('won', 'lost') AND closed_at >= created_at
                   THEN {hours_between("created_at", "closed_at")} / 24.0 END AS cycle_days,
              stage
            FROM money_opportunities""")
        for sql in stmts:
            made = _MADE_TABLE.search(sql)
            if only is not None and (made is None or made.group(1) not in only):
                continue
            if "$tz" in sql:
                self.con.execute(sql, {"tz": tz})
            else:
                self.con.execute(sql)

    def _known_flags(self) -> dict[str, bool]:
        if not self.has("tickets"):
            return {"escalated": False, "fcr": False, "sla_met": False}
        esc, fcr, sla = self.con.sql(
            "SELECT count(esc), count(fcr), count(sla) FROM tickets_p"
        ).fetchall()[0]
        return {"escalated": esc > 0, "fcr": fcr > 0, "sla_met": sla > 0}

    def _undated_resolutions(self) -> int:
        """Tickets resolved or cancelled at an unknown time when no ticket has a
        resolution date (then the dated KPIs have nothing to count: not produced), else 0."""
        if not self.has("tickets"):
            return 0
        dated, undated = self.con.sql(
            "SELECT count(resolved_d), count(*) FILTER (WHERE closed_unknown) FROM tickets_p"
        ).fetchall()[0]
        return int(undated) if dated == 0 else 0

    def _event_span(self) -> tuple[date | None, date | None]:
        """The data's first and latest event dates (DETAILS.md 9; the first date leaves
        the devices out, see :func:`kpi.ingest._event_span`), for data whose ingestion did
        not set them."""
        d = self.data
        sources: list[tuple[str, str, str]] = []  # (table, its first date, its latest)
        if d.has("tickets"):
            sources.append(
                ("raw_tickets", "least(min(created_at), min(resolved), min(updated_at))",
                 "greatest(max(created_at), max(resolved), max(updated_at))")
            )  # fmt: skip
        if d.has("surveys"):
            sources.append(("raw_surveys", "min(responded_at)", "max(responded_at)"))
        if d.has("time_entries"):
            sources.append(("raw_time_entries", "min(date)", "max(date)"))
        if d.has("invoices"):
            sources.append(("raw_invoices", "min(date)", "max(date)"))
        if d.has("devices"):
            sources.append(("raw_devices", "NULL", "max(last_seen)"))
        if d.has("opportunities"):
            closed = "(closed_at) FILTER (WHERE outcome IN ('won', 'lost'))"
            sources.append(
                ("raw_opportunities", f"least(min(created_at), min(last_activity_at), min{closed})",
                 f"greatest(max(created_at), max(last_activity_at), max{closed})")
            )  # fmt: skip
        if not sources:
            return None, None
        union = " UNION ALL ".join(
            f"SELECT CAST(({lo}) AS DATE) AS lo, CAST(({hi}) AS DATE) AS hi FROM {table}"
            for table, lo, hi in sources
        )
        first, latest = self.con.sql(f"SELECT min(lo), max(hi) FROM ({union})").fetchall()[0]
        return first, latest

    def _names(self, dim: str) -> list[str]:
        tables = {
            "client": ["tickets_p", "surveys_p", "time_p", "contracts_p", "devices_p",
                       "projects_p", "invoices_p", "opps_p"],
            "technician": ["tickets_p", "surveys_p", "time_p", "staff_p"],
        }[dim]  # fmt: skip
        existing = {r[0] for r in self.con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
        selects = [f"SELECT DISTINCT {dim} AS n FROM {t}" for t in tables if t in existing]
        if not selects:
            return []
        rows = self.con.sql(" UNION ".join(selects)).fetchall()
        return sorted(r[0] for r in rows if r[0] is not None)

    def _order_names(self) -> None:
        """``grp_order(grp, pos)``: every client and technician name and its place in a
        report, by ``lower(strip_accents(name))`` then the name itself."""
        names = sorted(set(self._client_names) | set(self._technician_names))
        self.con.register("grp_names", pa.table({"grp": pa.array(names, pa.string())}))
        self.con.execute(
            "CREATE TABLE grp_order AS SELECT grp, row_number() OVER "
            "(ORDER BY lower(strip_accents(grp)), grp) AS pos FROM grp_names"
        )
        self.con.unregister("grp_names")
        ordered = self.con.sql("SELECT grp FROM grp_order ORDER BY pos").fetchall()
        #: the names by position, after None (no group): a family's rows carry ``pos``
        self._names_by_pos = pa.array([None, *(r[0] for r in ordered)], pa.string())

    # ---------------------------------------------------------------- filters
    def client_names(self) -> list[str]:
        """Every client display name in the loaded data, sorted."""
        return list(self._client_names)

    def technician_names(self) -> list[str]:
        """Every technician name in the loaded data, sorted."""
        return list(self._technician_names)

    def match_clients(self, wanted: list[str]) -> tuple[list[str], list[str]]:
        """Loaded client names matching the user's names by client key, and the unmatched.

        Example: ``["acme sl"]`` matches ``"ACME, S.L."`` (both are key ``acme``).
        """
        return _match(wanted, self._client_keys, client_key)

    def match_technicians(self, wanted: list[str]) -> tuple[list[str], list[str]]:
        """Loaded technician names matching the user's names by technician key."""
        return _match(wanted, self._technician_keys, technician_key)

    # ---------------------------------------------------------------- availability
    def missing(self, kpi: Kpi, lang: str = "en") -> str | None:
        """None when the KPI's inputs are loaded, else what would enable it."""
        if self.undated_resolutions and RESOLVED_NEED in kpi.needs:
            undated = self.undated_resolutions
            if lang == "es":
                return (
                    f"ningún ticket tiene fecha de resolución ({undated} resueltos o cancelados "
                    "por su estado, sin fecha); asignar la columna updated_at (última "
                    "actualización) de tickets"
                )
            return (
                f"no ticket has a resolution date ({undated} resolved or cancelled by their "
                "status, undated); map column updated_at (last update) of tickets"
            )
        for n in kpi.needs:
            if not any(self.has(ds, col) for ds, col in n.any_of):
                return describe_need(n, lang, frozenset(self.data.tables))
        if kpi.flag and not self.known_flags.get(kpi.flag, False):
            cols = describe_need(FLAG_NEEDS[kpi.flag], lang)
            if lang == "es":
                return f"ningún ticket tiene el dato; {cols} con valores"
            return f"no ticket has a known value; {cols} with values"
        return None

    def computes(self, kpi: Kpi, scope: Scope) -> bool:
        """The KPI is computed for ``scope``: its inputs are loaded and the scope's filters
        allow it (DETAILS.md 8: no utilisation under a client filter, no MRR under a
        technician filter)."""
        if self.missing(kpi) is not None:
            return False
        if scope.clients is not None and "client" not in kpi.groupings:
            return False
        return scope.technicians is None or "technician" in kpi.groupings

    # ---------------------------------------------------------------- queries
    def _family(self, family: str, scope: Scope) -> tuple[list[str], list[_Rows], list[Kpi]]:
        """The CTEs of one family's query for ``scope``, its KPIs' long rows (the SELECTs
        over the aggregate blocks) and the KPIs (in order) it computes."""
        if any("month" in g for g in scope.also):
            raise ValueError("only the first grouping of a query may have months")
        kpis = [k for k in scope.kpis if k.family == family]
        ctes, parts = _BUILDERS[family](self, scope)
        common = [_MONTHS_CTE]
        combined = scope.combined
        if combined:
            # each month's D and the period's (the same as the last month's, unless the
            # period starts after as_of and has no month)
            common.append(f"points AS (SELECT d_at FROM months UNION SELECT {POINT})")
        elif scope.monthly:
            common.append("points AS (SELECT d_at FROM months)")
        else:
            common.append(f"points AS (SELECT {POINT} AS d_at)")
        # KPIs are aggregated over the union of just the parts they read: the tickets
        # opened need the "created" rows only, the gross margin invoices and time entries
        by_parts: dict[tuple[int, ...], list[tuple[int, Kpi]]] = {}
        for i, k in enumerate(kpis):
            cols = kpi_columns(k)
            chosen = tuple(j for j, p in enumerate(parts) if p.columns & cols)
            if not chosen:
                raise ValueError(f"no contributions for {k.id}")
            by_parts.setdefault(chosen, []).append((i, k))
        # a set of parts within another's is aggregated in the same block, its KPIs'
        # groups kept where a row of their own parts is (a presence count): the time
        # entries are read once for the labour cost and the gross margin. The values are
        # the same: the other parts' rows hold none of these KPIs' contributions.
        merged: dict[tuple[int, ...], list[tuple[tuple[int, ...], list[tuple[int, Kpi]]]]] = {}
        for chosen in sorted(by_parts, key=len, reverse=True):
            into = next((t for t in merged if set(chosen) < set(t) and MERGE_PARTS), chosen)
            merged.setdefault(into, []).append((chosen, by_parts[chosen]))
        blocks: list[str] = []
        selects: list[_Rows] = []
        for b, (chosen, groups) in enumerate(merged.items()):
            block, block_selects = _block_sql(b, chosen, groups, parts, scope)
            blocks.append(block)
            selects += block_selects
        return [*common, *ctes, *blocks], selects, kpis

    def _params(self, scope: Scope, sql: str) -> dict[str, object]:
        params = scope.params()
        if self.data.tz and "$tz" in sql:
            params["tz"] = self.data.tz
        return params

    def family_sql(self, family: str, scope: Scope) -> tuple[str, dict[str, object], list[Kpi]]:
        """The SQL of one family for ``scope`` and the KPIs (in order) it computes.

        The result has one row per KPI and group, ordered by KPI (declaration order), group
        name (case-insensitive) and month: ``kpi, grp, month, value, numerator,
        denominator`` (and ``kpi_i``, the declaration index); ``grp`` is the client or
        technician (NULL when not grouped by one),
        ``month`` is ``YYYY-MM`` (NULL when not monthly). With ``scope.also``: rows of
        each grouping in turn, marked by ``by_i``.

        This is the query an explanation shows; a report runs :meth:`family_wide_sql`,
        which gives the same rows.
        """
        ctes, selects, kpis = self._family(family, scope)
        by_i = "by_i, " if scope.also else ""
        # group names in name order (case and accents aside): a position looked up in
        # grp_order, not a key computed per row (strip_accents on every row of a report
        # by client and month cost more than the aggregates)
        sql = (
            "WITH "
            + ",\n".join(ctes)
            + f"\nSELECT {by_i}kpi_i, kpi, r.grp, month, value, numerator, denominator,"
            " rows_n, known_n FROM (\n"
            + "\nUNION ALL\n".join(_kpis_select(r) for r in selects)
            + f"\n) r LEFT JOIN grp_order o ON o.grp = r.grp"
            f" ORDER BY {by_i}kpi_i, o.pos NULLS FIRST, month NULLS FIRST"
        )
        return sql, self._params(scope, sql), kpis

    def family_wide_sql(
        self, family: str, scope: Scope
    ) -> tuple[str, dict[str, object], list[_Rows]]:
        """:meth:`family_sql` without its last step: the aggregate rows of each SELECT
        as they are (``sel_i``, its place in the returned list, then ``mday``, the KPIs'
        ``n{i}`` / ``d{i}`` and ``pos``, the group's place in ``grp_order``, 0 for none),
        ordered by ``sel_i``, group name and month. :func:`_unpivot` makes the long rows.

        Unnesting a struct per KPI in SQL wrote four times the rows and doubled the
        statement DuckDB plans; numpy does it in a few milliseconds.
        """
        ctes, selects, _ = self._family(family, scope)
        sql = (
            "WITH "
            + ",\n".join(ctes)
            # pos 0: no group; every group name is in grp_order (see _order_names)
            + "\nSELECT r.* EXCLUDE (grp), CASE WHEN r.grp IS NULL THEN 0"
            " ELSE coalesce(o.pos, error('a group name missing from grp_order')) END AS pos"
            " FROM (\n"
            + "\nUNION ALL BY NAME\n".join(_wide_select(r, s) for s, r in enumerate(selects))
            + "\n) r LEFT JOIN grp_order o ON o.grp = r.grp"
            " ORDER BY sel_i, pos, r.mday NULLS FIRST"
        )
        return sql, self._params(scope, sql), selects

    def run_family(self, family: str, scope: Scope) -> pd.DataFrame:
        """Long rows ``kpi, grp, month, value, numerator, denominator`` of one family
        (``by_i`` first with ``scope.also``), as :meth:`family_sql` returns them."""
        sql, params, selects = self.family_wide_sql(family, scope)
        used = set(_PARAM.findall(sql))
        with self._cursor() as con:
            res = con.execute(
                self._statement(con, sql), {k: v for k, v in params.items() if k in used} or None
            )
            wide = res.fetchnumpy()
        return _unpivot(wide, selects, self._names_by_pos, bool(scope.also))

    def run_families(self, families: list[str], scope: Scope) -> list[pd.DataFrame]:
        """:meth:`run_family` of each family, :data:`QUERY_THREADS` at a time, in order."""
        if len(families) <= 1:
            return [self.run_family(f, scope) for f in families]
        with ThreadPoolExecutor(QUERY_THREADS, thread_name_prefix="kpi-query") as pool:
            return list(pool.map(lambda f: self.run_family(f, scope), families))

    def _statement(self, con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
        """``sql`` parsed once per engine: a filter change asks the same family statements
        again with other parameter values, and DuckDB's parser takes about 0.5 ms per KB
        (a sixth of a filter change at 1M tickets). A parsed statement is only read by
        ``execute`` (which binds and plans a copy), so cursors share it."""
        stmt = self._parsed.get(sql)
        if stmt is None:
            (stmt,) = con.extract_statements(sql)
            with self._parsed_lock:  # queries of a report run on several threads
                if len(self._parsed) >= PARSED_KEPT:
                    del self._parsed[next(iter(self._parsed))]  # the oldest
                self._parsed[sql] = stmt
        return stmt

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._cursors.get()
        try:
            yield cur
        finally:
            self._cursors.put(cur)

    def _run(self, sql: str, params: dict[str, object]) -> pd.DataFrame:
        with self._cursor() as con:
            return _fetch(con, sql, params)

    def query(self, sql: str, params: dict[str, object]) -> pd.DataFrame:
        """Run SQL built by this package on the private connection (bound params only)."""
        return self._run(sql, params)

    def labor_without_cost(self, scope: Scope) -> float:
        """Hours in the period of technicians without an hourly cost (for a note)."""
        if not self.has("time_entries"):
            return 0.0
        sql = (
            f"SELECT coalesce(fsum(hours), 0) AS h FROM time_p WHERE d BETWEEN {START} AND {END}"
            f" AND hourly_cost IS NULL{_filters(scope, technician=True)}"
        )
        return float(self._run(sql, scope.params())["h"].iloc[0])


def _by_key(names: list[str], key: Callable[[str], str]) -> dict[str, list[str]]:
    """Names grouped by their matching key, in name order."""
    by_key: dict[str, list[str]] = {}
    for n in names:
        by_key.setdefault(key(n), []).append(n)
    return by_key


def _match(
    wanted: list[str], by_key: dict[str, list[str]], key: Callable[[str], str]
) -> tuple[list[str], list[str]]:
    found: list[str] = []
    unmatched: list[str] = []
    for w in wanted:
        hits = by_key.get(key(w), [])
        if hits:
            found.extend(h for h in hits if h not in found)
        else:
            unmatched.append(w)
    return found, unmatched


_DATASET_ES = {
    "tickets": "tickets",
    "surveys": "encuestas",
    "time_entries": "partes de horas",
    "staff": "plantilla",
    "contracts": "contratos",
    "devices": "equipos",
    "projects": "proyectos",
    "invoices": "facturas",
    "opportunities": "oportunidades",
}


def describe_need(n: Need, lang: str = "en", loaded: frozenset[str] | None = None) -> str:
    """What satisfies a :class:`~kpi.kpis.Need`, in words.

    Examples: ``load invoices or contracts``; ``map columns sla_met or due_at of
    tickets``; ``load contracts with column covered_devices`` (when contracts are not loaded).

    Args:
        n: the need.
        lang: ``en`` or ``es``.
        loaded: the loaded datasets (None: assume each column's dataset is loaded).
    """
    es = lang == "es"
    orr = " o " if es else " or "
    loads = [ds for ds, col in n.any_of if col is None]
    cols: dict[str, list[str]] = {}
    for ds, col in n.any_of:
        # derived columns are not mapped: tickets.resolved comes from resolved_at,
        # closed_at or a resolved status
        if col is not None and not DATASETS[ds].column(col).derived:
            cols.setdefault(ds, []).append(col)

    def name(ds: str) -> str:
        return _DATASET_ES.get(ds, ds) if es else ds.replace("_", " ")

    pieces: list[str] = []
    if loads:
        pieces.append(("cargar " if es else "load ") + orr.join(name(d) for d in loads))
    for ds, cs in cols.items():
        plural = len(cs) > 1
        word = (
            ("columnas " if plural else "columna ") if es else ("columns " if plural else "column ")
        )
        joined = orr.join(cs)
        if loaded is not None and ds not in loaded:
            pieces.append(
                f"cargar {name(ds)} con {'las' if plural else 'la'} {word}{joined}"
                if es
                else f"load {name(ds)} with {word}{joined}"
            )
        else:
            pieces.append(
                f"asignar {word}{joined} de {name(ds)}"
                if es
                else f"map {word}{joined} of {name(ds)}"
            )
    return orr.join(pieces)


def _filters(scope: Scope, *, technician: bool, prefix: str = "") -> str:
    """`` AND ...`` conditions of the client / technician filters (values bound)."""
    out = ""
    if scope.clients is not None:
        out += f" AND list_contains($clients, {prefix}client)"
    if technician and scope.technicians is not None:
        out += f" AND list_contains($techs, {prefix}technician)"
    return out


_MONTHS_CTE = f"""months AS (
  -- each calendar month of the period that starts on or before as_of, with its D and
  -- the D of the month before (the previous month's last day)
  SELECT CAST(m AS DATE) AS month,
    least(last_day(CAST(m AS DATE)), {END}, {AS_OF}) AS d_at,
    CAST(m AS DATE) - 1 AS prev_d
  FROM generate_series(CAST(date_trunc('month', {START}) AS TIMESTAMP),
                       CAST(date_trunc('month', {END}) AS TIMESTAMP), INTERVAL 1 MONTH) g(m)
  WHERE CAST(m AS DATE) <= {AS_OF})"""

_ACTIVE_AT = "{k}.start_date <= {d} AND ({k}.end_date IS NULL OR {k}.end_date >= {d})"


def _base(name: str, table: str, s: Scope, *, technician: bool) -> str:
    """A CTE of a prepared table under the filters, inlined where it is used."""
    return (
        f"{name} AS NOT MATERIALIZED (SELECT * FROM {table} WHERE TRUE"
        f"{_filters(s, technician=technician)})"
    )


def _active(k: str, d: str) -> str:
    """A contract active at D: ``start_date <= D`` and (no end or ``end_date >= D``)."""
    return _ACTIVE_AT.format(k=k, d=d)


def _in_period(col: str) -> str:
    return f"{col} BETWEEN {START} AND {END}"


# ------------------------------------------------------------------ family builders
def _parts_profit(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    ctes: list[str] = []
    parts: list[Part] = []
    if core.has("contracts"):
        ctes.append(_base("k", "contracts_p", s, technician=False))
        parts.append(
            Part(
                "SELECT k.client, CAST(NULL AS VARCHAR) AS technician, p.d_at AS d, "
                f"k.mrr_c AS mrr, 1 AS mrr_n FROM k JOIN points p ON {_active('k', 'p.d_at')}",
                frozenset({"mrr", "mrr_n"}),
                at="points",
            )
        )
        rev = "" if core.has("invoices") else ", k.mrr_c AS rev, 1 AS rev_n"
        parts.append(
            Part(
                "SELECT k.client, CAST(NULL AS VARCHAR) AS technician, m.d_at AS d, "
                f"k.mrr_c AS rr, 1 AS rr_n{rev} FROM k JOIN months m ON {_active('k', 'm.d_at')}",
                frozenset({"rr", "rr_n"} | (set() if core.has("invoices") else {"rev", "rev_n"})),
            )
        )
        either = f"({_active('k', 'm.d_at')} OR {_active('k', 'm.prev_d')})"
        ctes.append(f"""cmv AS (
  -- per client, MRR at each month's D (cur) and at the previous month's end (prev) of the
  -- contracts with a known MRR; how many contracts active at either date have one (kn)
  -- and have none (un: an amount without a rate, left out)
  SELECT cl.client, m.d_at,
    coalesce(fsum(k.mrr_c) FILTER (WHERE {_active("k", "m.d_at")}), 0) AS cur,
    coalesce(fsum(k.mrr_c) FILTER (WHERE {_active("k", "m.prev_d")}), 0) AS prev,
    count(k.mrr_c) FILTER (WHERE {either}) AS kn,
    count(*) FILTER (WHERE {either} AND k.mrr_c IS NULL) AS un
  FROM (SELECT DISTINCT client FROM k) cl CROSS JOIN months m JOIN k ON k.client = cl.client
  GROUP BY cl.client, m.d_at)""")
        # equal up to float noise: the same contracts summed in another order
        same = "abs(cur - prev) <= 1e-9 * greatest(1, abs(cur), abs(prev))"
        # a client-month whose contracts all lack a known MRR has unknown movements
        parts.append(
            Part(
                "SELECT client, CAST(NULL AS VARCHAR) AS technician, d_at AS d, 1 AS mv_n,\n"
                "  CASE WHEN kn = 0 THEN NULL WHEN prev = 0 AND cur > 0 THEN cur ELSE 0 END"
                " AS mv_new,\n"
                "  CASE WHEN kn = 0 THEN NULL"
                f" WHEN prev > 0 AND cur > prev AND NOT ({same}) THEN cur - prev"
                " ELSE 0 END AS mv_exp,\n"
                "  CASE WHEN kn = 0 THEN NULL"
                f" WHEN cur > 0 AND cur < prev AND NOT ({same}) THEN prev - cur"
                " ELSE 0 END AS mv_con,\n"
                "  CASE WHEN kn = 0 THEN NULL WHEN cur = 0 AND prev > 0 THEN prev ELSE 0 END"
                " AS mv_churn\n"
                "FROM cmv WHERE cur <> 0 OR prev <> 0 OR un > 0",
                frozenset({"mv_n", "mv_new", "mv_exp", "mv_con", "mv_churn"}),
            )
        )
    if core.has("invoices"):
        parts.append(
            Part(
                "SELECT client, CAST(NULL AS VARCHAR) AS technician, d, month, amount AS rev, "
                "1 AS rev_n, cost AS dcost, CAST(has_cost AS INTEGER) AS dcost_n "
                f"FROM invoices_p WHERE {_in_period('d')}{_filters(s, technician=False)}",
                frozenset({"rev", "rev_n", "dcost", "dcost_n"}),
                month=True,
            )
        )
    if core.has("time_entries"):
        parts.append(
            Part(
                "SELECT client, technician, d, month, hours AS hours_all,"
                " hours * hourly_cost AS labor "
                f"FROM time_p WHERE {_in_period('d')}{_filters(s, technician=True)}",
                frozenset({"hours_all", "labor"}),
                month=True,
            )
        )
    return ctes, parts


def _parts_csat(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("surveys"):
        return [], []
    return [], [
        Part(
            "SELECT client, technician, d, month, CAST(satisfied AS INTEGER) AS sat, 1 AS resp "
            f"FROM surveys_p WHERE satisfied IS NOT NULL AND {_in_period('d')}"
            f"{_filters(s, technician=True)}",
            frozenset({"sat", "resp"}),
            month=True,
        )
    ]


def _parts_tickets(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("tickets"):
        return [], []
    ctes = [_base("t", "tickets_p", s, technician=True)]
    parts = [
        Part(
            "SELECT client, technician, created_d AS d, created_m AS month, 1 AS opened,\n"
            "  CAST(coalesce(esc, FALSE) AS INTEGER) AS esc_n,\n"
            "  CAST(esc IS NOT NULL AS INTEGER) AS esc_known,\n"
            "  CASE WHEN esc THEN hours END AS esc_hours, frt_hours\n"
            f"FROM t WHERE {_in_period('created_d')}",
            frozenset({"opened", "esc_n", "esc_known", "esc_hours", "frt_hours"}),
            month=True,
        ),
        Part(
            "SELECT client, technician, resolved_d AS d, resolved_m AS month, 1 AS resolved_n,\n"
            "  CAST(coalesce(fcr, FALSE) AS INTEGER) AS fcr_n,\n"
            "  CAST(fcr IS NOT NULL AS INTEGER) AS fcr_known,\n"
            "  CAST(coalesce(sla, FALSE) AS INTEGER) AS sla_n,\n"
            "  CAST(sla IS NOT NULL AS INTEGER) AS sla_known, res_hours\n"
            f"FROM t WHERE {_in_period('resolved_d')}",
            frozenset({"resolved_n", "fcr_n", "fcr_known", "sla_n", "sla_known", "res_hours"}),
            month=True,
        ),
    ]
    if s.monthly:
        # backlog at each month's D = tickets created up to D - tickets resolved (or
        # cancelled) up to D; tickets that left at an unknown time never count,
        # a running sum over the months (a ticket's created or resolved date before the
        # first month counts in the first month)
        # running sums at the grouping's own keys only (the family has one grouping set);
        # tickets resolved before the first month cancel out and are skipped
        keys = [d for d in ("client", "technician") if d in s.dims]
        sel = "".join(f"{k}, " for k in keys)
        on = "".join(f"e.{k} = g.{k} AND " for k in keys)
        part_by = ", ".join(f"g.{k}" for k in keys) or "NULL"
        null_dims = "".join(
            f"CAST(NULL AS VARCHAR) AS {d}, " for d in ("client", "technician") if d not in keys
        )
        first = f"CAST(date_trunc('month', {START}) AS DATE)"
        last = POINT  # the last month's D
        ctes.append(f"""bk_ev AS (
  SELECT {sel}greatest(created_m, {first}) AS b, 1 AS n
  FROM t WHERE created_d <= {last} AND NOT closed_unknown
    AND (coalesce(resolved_d, cancelled_d) >= {first}) IS NOT FALSE
  UNION ALL
  SELECT {sel}coalesce(resolved_m, cancelled_m), -1
  FROM t WHERE coalesce(resolved_d, cancelled_d) BETWEEN {first} AND {last}),
bk_g AS (SELECT {sel}b, sum(n) AS n FROM bk_ev GROUP BY ALL),
bk AS (
  SELECT {"".join(f"g.{k}, " for k in keys)}m.d_at,
    sum(coalesce(e.n, 0)) OVER (PARTITION BY {part_by} ORDER BY m.month) AS open_n
  FROM (SELECT DISTINCT {sel}1 AS one FROM bk_g) g CROSS JOIN months m
  LEFT JOIN bk_g e ON {on}e.b = m.month)""")
        parts.append(
            Part(
                f"SELECT {sel}{null_dims}d_at AS d, open_n AS backlog FROM bk WHERE open_n <> 0",
                frozenset({"backlog"}),
                at="months",
            )
        )
    if s.flat:
        parts.append(
            Part(
                f"SELECT client, technician, {POINT} AS d, 1 AS backlog FROM t\n"
                f"WHERE created_d <= {POINT} AND NOT closed_unknown\n"
                # not yet resolved or cancelled at D (NULL: never)
                f"  AND (coalesce(resolved_d, cancelled_d) > {POINT}) IS NOT FALSE",
                frozenset({"backlog"}),
                at="point",
            )
        )
    return ctes, parts


def _parts_time(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    ctes: list[str] = []
    parts: list[Part] = []
    if core.has("time_entries"):
        parts.append(
            Part(
                "SELECT client, technician, d, month, hours,"
                " CASE WHEN billable THEN hours ELSE 0 END AS bill_h "
                f"FROM time_p WHERE {_in_period('d')}{_filters(s, technician=True)}",
                frozenset({"hours", "bill_h"}),
                month=True,
            )
        )
    tech_filter = " AND list_contains($techs, technician)" if s.technicians is not None else ""
    if core.has("staff"):
        ctes.append(f"crew AS (SELECT technician, weekly FROM staff_p WHERE TRUE{tech_filter})")
    elif core.has("time_entries"):
        # without a staff list: the technicians with entries in the period, 40 h a week
        ctes.append(
            "crew AS (SELECT DISTINCT technician, 40.0 AS weekly FROM time_p "
            f"WHERE {_in_period('d')}{tech_filter})"
        )
    if ctes:
        ctes.append(
            # the working days (Monday to Friday) of the period, counted per month: a
            # row per technician and month, not per working day (4,400 technicians
            # over a year were a million rows)
            "wd AS (SELECT CAST(date_trunc('month', g.x) AS DATE) AS d, count(*) AS n"
            f" FROM generate_series(CAST({START} AS TIMESTAMP), CAST({END} AS TIMESTAMP),"
            " INTERVAL 1 DAY) g(x) WHERE isodow(g.x) <= 5 GROUP BY ALL)"
        )
        parts.append(
            Part(
                "SELECT CAST(NULL AS VARCHAR) AS client, crew.technician, wd.d,"
                " crew.weekly / 5.0 * wd.n AS avail FROM crew CROSS JOIN wd",
                frozenset({"avail"}),
            )
        )
    return ctes, parts


def _parts_devices(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("devices"):
        return [], []
    cf = _filters(s, technician=False)
    ctes = [
        f"""act AS (
  -- devices active at D: first seen empty or <= D, last seen empty or >= D - 30 days,
  -- active not false
  SELECT dv.*, p.d_at FROM devices_p dv JOIN points p
    ON (dv.first_d IS NULL OR dv.first_d <= p.d_at)
   AND (dv.last_d IS NULL OR dv.last_d >= p.d_at - {DEVICE_SEEN_DAYS})
   AND dv.active IS NOT FALSE
  WHERE TRUE{cf})"""
    ]
    contracts = core.has("contracts")
    if core.device_level:
        if contracts:
            ctes.append(
                "kact AS (SELECT DISTINCT k.contract_id, p.d_at FROM contracts_p k "
                f"JOIN points p ON {_active('k', 'p.d_at')})"
            )
            covered = "act.covered IS TRUE OR kact.contract_id IS NOT NULL"
            join = "LEFT JOIN kact ON kact.contract_id = act.contract_id AND kact.d_at = act.d_at"
        else:
            covered, join = "act.covered IS TRUE", ""
        ctes.append(
            "cov AS (SELECT act.client, act.d_at, count(*) AS active_n, "
            f"count(*) FILTER (WHERE {covered}) AS covered_n FROM act {join} GROUP BY ALL)"
        )
    else:
        ctes.append("cov AS (SELECT client, d_at, count(*) AS active_n FROM act GROUP BY ALL)")
    if contracts:
        ctes.append(
            f"""cap AS (
  -- per client at D: devices its active contracts pay for, and the price per device
  SELECT k.client, p.d_at, sum(k.covered_devices) AS cap,
    fsum(k.mrr_c) FILTER (WHERE k.covered_devices > 0 AND k.recurring) AS priced_mrr,
    -- the devices of the recurring contracts whose MRR is known (no rate or no billing
    -- months prices none; a one-time charge is no monthly price)
    sum(k.covered_devices)
      FILTER (WHERE k.covered_devices > 0 AND k.mrr_c IS NOT NULL AND k.recurring)
      AS priced_devices
  FROM contracts_p k JOIN points p ON {_active("k", "p.d_at")}
  WHERE TRUE{_filters(s, technician=False, prefix="k.")}
  GROUP BY ALL)"""
        )
        cap_join = "LEFT JOIN cap ON cap.client = cov.client AND cap.d_at = cov.d_at"
        price = "cap.priced_mrr / cap.priced_devices"
        capacity = "coalesce(cap.cap, 0)"
    else:
        cap_join, price, capacity = "", "CAST(NULL AS DOUBLE)", "0"
    covered_n = "cov.covered_n" if core.device_level else f"least(cov.active_n, {capacity})"
    ctes.append(
        f"cv AS (SELECT cov.client, cov.d_at, cov.active_n, {covered_n} AS covered_n, "
        f"{price} AS price FROM cov {cap_join})"
    )
    part = Part(
        "SELECT client, CAST(NULL AS VARCHAR) AS technician, d_at AS d, active_n, covered_n,\n"
        "  active_n - covered_n AS uncovered_n, (active_n - covered_n) * price AS unc_mrr\n"
        "FROM cv",
        frozenset({"active_n", "covered_n", "uncovered_n", "unc_mrr"}),
        at="points",
    )
    return ctes, [part]


def _parts_renewals(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("contracts"):
        return [], []
    ctes = [_base("k", "contracts_p", s, technician=False)]
    parts = [
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, end_date AS d, 1 AS due,"
            " CAST(renewed_eff AS INTEGER) AS ren\n"
            f"FROM k WHERE {_in_period('end_date')} AND end_date <= {AS_OF}",
            frozenset({"due", "ren"}),
        ),
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, CAST(NULL AS DATE) AS d,"
            " 1 AS up, mrr_c AS up_mrr\n"
            f"FROM k WHERE end_date > {AS_OF} AND end_date <= {AS_OF} + {UPCOMING_DAYS}"
            " AND NOT renewed_eff",
            frozenset({"up", "up_mrr"}),
        ),
    ]
    return ctes, parts


def project_state_ctes(core: Core, s: Scope) -> list[str]:
    """CTEs ``pj`` (projects with AC at D) and ``ps`` (state, active) of KPIS.md 8.

    D = min(period end, as_of). Used by the project KPIs and the project alerts.
    """
    if core.has("time_entries"):
        # under a client filter, just the hours of that client's projects
        mine = (
            " AND project_id IN (SELECT project_id FROM projects_p p"
            f" WHERE TRUE{_filters(s, technician=False, prefix='p.')})"
            if s.clients is not None
            else ""
        )
        te = (
            "LEFT JOIN (SELECT project_id, fsum(hours) AS h FROM project_time_p"
            f" WHERE d <= {POINT}{mine} GROUP BY project_id) te"
            " ON te.project_id = p.project_id"
        )
        ac = "coalesce(p.actual_hours, te.h, 0)"
    else:
        te, ac = "", "p.actual_hours"
    pj = (
        f"pj AS (SELECT p.*, {POINT} AS dd, {ac} AS ac FROM projects_p p {te}"
        f" WHERE TRUE{_filters(s, technician=False, prefix='p.')})"
    )
    ps = """pv AS (
  SELECT *,
    -- planned share at D, clamped to [0, 1]; due = start: 1 from the due date on
    CASE WHEN due_date <= start_date THEN CASE WHEN dd >= due_date THEN 1.0 ELSE 0.0 END
         ELSE least(greatest(CAST(dd - start_date AS DOUBLE)
                             / CAST(due_date - start_date AS DOUBLE), 0.0), 1.0)
    END AS planned
  FROM pj),
ev_ AS (
  SELECT *, planned * budget_hours AS pv_h, percent_complete * budget_hours AS ev_h
  FROM pv),
idx AS (
  SELECT *,
    CASE WHEN ac > 0 THEN ev_h / ac END AS cpi,   -- undefined when AC = 0
    CASE WHEN pv_h > 0 THEN ev_h / pv_h END AS spi  -- undefined when PV = 0
  FROM ev_),
ps AS (
  SELECT *,
    CASE
      WHEN coalesce(status_done, FALSE) OR coalesce(percent_complete >= 1, FALSE)
           OR coalesce(closed_at <= dd, FALSE) THEN 'completed'
      WHEN dd > due_date THEN 'late'
      WHEN coalesce(ac > budget_hours, FALSE) OR coalesce(cpi < 0.9, FALSE) THEN 'over_budget'
      WHEN coalesce(spi < 0.9, FALSE) OR coalesce(cpi < 1, FALSE)
           OR (percent_complete IS NULL
               AND coalesce(ac / NULLIF(budget_hours, 0) > planned + 0.1, FALSE))
           THEN 'at_risk'
      ELSE 'on_track'
    END AS state
  FROM idx)"""
    return [pj, ps]


def _parts_projects(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("projects"):
        return [], []
    ctes = project_state_ctes(core, s)
    part = Part(
        "SELECT client, CAST(NULL AS VARCHAR) AS technician, CAST(NULL AS DATE) AS d,\n"
        "  1 AS p_active, CAST(state = 'on_track' AS INTEGER) AS p_on_track,\n"
        "  CAST(state = 'late' AS INTEGER) AS p_late,\n"
        "  CAST(state = 'over_budget' AS INTEGER) AS p_over,\n"
        "  ac AS ac_a, CASE WHEN ac IS NOT NULL THEN budget_hours END AS bud_a\n"
        "FROM ps WHERE start_date <= dd AND state <> 'completed'",
        frozenset({"p_active", "p_on_track", "p_late", "p_over", "ac_a", "bud_a"}),
    )
    return ctes, [part]


def _parts_opportunities(core: Core, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("opportunities"):
        return [], []
    ctes = [_base("o", "opps_p", s, technician=False)]
    parts = [
        Part(
            "SELECT o.client, CAST(NULL AS VARCHAR) AS technician, p.d_at AS d, 1 AS open_n,\n"
            "  o.amount AS open_amt, o.amount * o.probability AS weighted,\n"
            "  CAST(o.probability IS NOT NULL AS INTEGER) AS w_n,\n"
            f"  CAST(o.activity_d < p.d_at - {STALE_DAYS} AS INTEGER) AS stale\n"
            "FROM o JOIN points p ON o.created_d <= p.d_at\n"
            "  AND NOT (o.outcome IN ('won', 'lost') AND coalesce(o.closed_d <= p.d_at, FALSE))",
            frozenset({"open_n", "open_amt", "weighted", "w_n", "stale"}),
            at="points",
        ),
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, created_d AS d, 1 AS created_n"
            f" FROM o WHERE {_in_period('created_d')}",
            frozenset({"created_n"}),
        ),
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, closed_d AS d,\n"
            "  CAST(outcome = 'won' AS INTEGER) AS won_n,\n"
            "  CAST(outcome = 'lost' AS INTEGER) AS lost_n,\n"
            "  CASE WHEN outcome = 'won' THEN amount END AS won_amt,\n"
            "  CASE WHEN outcome = 'won' THEN cycle_days END AS cycle_days\n"
            f"FROM o WHERE outcome IN ('won', 'lost') AND {_in_period('closed_d')}",
            frozenset({"won_n", "lost_n", "won_amt", "cycle_days"}),
        ),
    ]
    return ctes, parts


_BUILDERS = {
    "profit": _parts_profit,
    "csat": _parts_csat,
    "tickets": _parts_tickets,
    "time": _parts_time,
    "devices": _parts_devices,
    "renewals": _parts_renewals,
    "projects": _parts_projects,
    "opportunities": _parts_opportunities,
}
assert set(_BUILDERS) == set(FAMILIES), "every family has a builder"
assert {k.family for k in KPIS} <= set(_BUILDERS)
