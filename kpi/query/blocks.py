"""The aggregate blocks of a family query and its rows: one block per set of parts the KPIs
read, grouped by ``GROUPING SETS`` (:func:`_block_sql`), a SELECT of each block's rows at
each grouping (:func:`_wide_select`), and the unpivot in numpy that makes one long row per
KPI and group of them (:func:`_unpivot`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from kpi.metrics import DIMS, KPIS, Kpi
from kpi.query.scope import POINT, Part, Scope, effective_dims, kpi_columns

#: KPI id -> declaration order, the first sort key of every report
KPI_INDEX = {k.id: i for i, k in enumerate(KPIS)}


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


def _zero_when_empty(k: Kpi) -> bool:
    """A sum whose empty aggregate is 0 (not a nullable or a money one)."""
    return k.kind == "sum" and not k.nullable and k.known is None


@dataclass(frozen=True)
class _Rows:
    """Some KPIs of one aggregate block at one grouping: a SELECT of the family's
    statement (:func:`_wide_select`), whose rows :func:`_unpivot` makes long."""

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


def _wide_select(rows: _Rows, s: int) -> str:
    """The block rows of one grouping as they are: ``sel_i`` (``s``), ``grp``, ``mday``
    (the month's first day as days since 1970, NULL when not monthly) and the KPIs'
    aggregate columns (``n{i}``, ``d{i}`` of fractions, ``r{i}``, ``k{i}`` of a money
    KPI's ``known`` rule)."""
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
    """The long rows of a family (:data:`LONG_TYPES`) from the rows of its statement (see
    :class:`kpi.query.core.FamilyQuery`): a row per KPI and block row, ordered by by_i,
    KPI, group name and month. Of the i-th KPI of a block row:

    * a ratio or mean: ``numerator = n{i}`` (0 when empty, unless a money KPI's ``known``
      rule left it empty), ``denominator = d{i}`` (0 when empty), ``value = numerator /
      denominator``, empty when the denominator is 0;
    * a sum: ``value = n{i}``, 0 when empty (not a ``nullable`` or money one); a median:
      ``value = n{i}``; no numerator or denominator;
    * ``rows_n = r{i}``, ``known_n = k{i}`` of a money KPI (else empty);
    * ``grp`` the name at ``pos`` in ``grp_order``, ``month`` ``mday``'s ``YYYY-MM``.

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
    and its KPIs' SELECTs (:class:`_Rows`), one for each grouping of ``scope``.

    ``groups``: the block's KPIs (index in the family, KPI) by the parts they read, the
    block's own first; the others are counted for presence (see
    :meth:`kpi.query.core.Core._family`).
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
    aggs = _aggregates(sub, members)
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


def _aggregates(sub: list[tuple[int, ...]], members: list[tuple[int, Kpi]]) -> list[str]:
    """The aggregate columns of a block: the presence count ``c{c}`` of each set of parts
    in ``sub``, then per KPI its ``n{i}`` and ``d{i}`` (and ``r{i}``, ``k{i}`` of a money
    KPI's ``known`` rule)."""
    aggs = [
        f"count(*) FILTER (WHERE part_i IN ({', '.join(map(str, own))})) AS c{c}"
        for c, own in enumerate(sub)
    ]
    for i, k in members:
        if k.known:
            # issue 18: a money sum over rows none of which has a known amount is empty,
            # not 0; a group without such rows keeps 0 (docs/DETAILS.md 4)
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
    return aggs
