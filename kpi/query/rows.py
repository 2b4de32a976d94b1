"""The rows behind a KPI (issue 21): the tickets, invoices, contracts, ... whose
contributions make its number, selected by the very SQL of the KPI's family query.

A family query aggregates *parts* (:mod:`kpi.query.families`): SELECTs of contribution rows
from the prepared tables under the report's period and filters. Each part names the row
its contributions come from (``Part.entity``: ``("ticket", "t")``); the rows of a KPI are
the rows of the parts it reads (the same choice as :meth:`kpi.query.core.Core._family`),
each with the columns :mod:`kpi.metrics.rows` declares, its date ``d`` (the date it counts
at) and its contribution to the KPI's aggregates (:func:`row_contribution`): summed over
the rows, ``numerator`` and ``denominator`` (``value`` for a sum) give the report's numbers;
a median's ``value`` column has the report's value as its median.

A row is listed when it contributes: a non-zero numerator or denominator (a ticket whose
SLA is unknown is not behind the SLA rate), or it is one of a money KPI's ``known`` rows
(an invoice line whose amount has no exchange rate: listed, its amount empty).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from kpi.metrics import Kpi
from kpi.metrics.rows import KPI_ROW_COLUMNS, ROW_KINDS
from kpi.query.core import Core
from kpi.query.prepared import DISPLAY, ROW_INDEX
from kpi.query.scope import Part, Scope, kpi_columns

#: an aggregate of one contribution column: ``fsum(rev)``, ``count(res_hours)``,
#: ``quantile_cont(res_hours, 0.5)``
_AGGREGATE = re.compile(r"\b(fsum|sum|count_if|count|quantile_cont)\((\w+)(?:,\s*[0-9.]+)?\)")
#: the contribution columns of a part's rows carry this prefix in the rows query (a ticket
#: shows its ``hours``; the time entries contribute theirs)
PREFIX = "c_"
#: the parameter of a month group: its first day
MONTH_PARAM = "row_month"


def row_contribution(aggregate: str) -> str:
    """One row's share of an aggregate of KPI declarations: summed over the rows, it
    gives the aggregate (a median's is the value whose median it is).

    Examples:
        >>> row_contribution("sum(sla_n)")
        'c_sla_n'
        >>> row_contribution("count(res_hours)")
        'CAST(c_res_hours IS NOT NULL AS INTEGER)'
        >>> row_contribution("coalesce(fsum(rev), 0) - coalesce(fsum(dcost), 0)")
        'coalesce(coalesce(c_rev, 0), 0) - coalesce(coalesce(c_dcost, 0), 0)'

    A lone sum keeps an empty amount empty (an amount without an exchange rate); inside
    a larger expression a row's empty share is 0, as the sum of the others' is.
    """
    alone = _AGGREGATE.fullmatch(aggregate.strip()) is not None

    def one(m: re.Match[str]) -> str:
        fn, col = m.group(1), PREFIX + m.group(2)
        if fn == "count":
            return f"CAST({col} IS NOT NULL AS INTEGER)"
        if fn == "count_if":
            return f"CAST(coalesce({col}, FALSE) AS INTEGER)"
        return col if alone else f"coalesce({col}, 0)"

    return _AGGREGATE.sub(one, aggregate)


def row_parts(core: Core, k: Kpi, scope: Scope) -> tuple[list[str], list[Part]] | None:
    """The CTEs and the parts whose rows are behind ``k`` for ``scope``; None when some
    contribution row adds up several entities (the devices of a client when devices do
    not name their coverage; the backlog's running sum by month).

    The parts are those the family query aggregates for ``k`` (any sharing a column with
    it); a part made for the rows (``rows_only``: one row per device) replaces the
    family's when it provides every column ``k`` reads.
    """
    ctes, parts = core.family_parts(k.family, scope)
    cols = kpi_columns(k)
    own = [p for p in parts if p.rows_only and p.columns & cols]
    if own and cols <= set().union(*(p.columns for p in own)):
        chosen = own
    else:
        chosen = [p for p in parts if not p.rows_only and p.columns & cols]
    if not chosen or any(p.entity is None for p in chosen):
        return None
    return ctes, chosen


def _shown(kind: str, k: Kpi) -> list[tuple[str, str]]:
    """(shown name, field) of a kind's columns for ``k``: its first column, the KPI's
    own columns (:data:`KPI_ROW_COLUMNS`), then the kind's others."""
    declared = ROW_KINDS[kind].columns
    extra = [c for c in KPI_ROW_COLUMNS.get(k.id, {}).get(kind, ()) if c not in declared[:1]]
    ordered = [*declared[:1], *extra, *(c for c in declared[1:] if c not in extra)]
    out = []
    for c in ordered:
        name, _, field = c.partition("=")
        out.append((name, field or name))
    return out


def rows_sql(core: Core, k: Kpi, scope: Scope, month: date | None) -> tuple[str, list[str]] | None:
    """The statement of the rows behind ``k`` and its result's columns (None when the KPI
    has no rows, :func:`row_parts`). ``month``: only the rows of that month (its first
    day, bound as ``$row_month``; ``scope`` then groups by month)."""
    found = row_parts(core, k, scope)
    if found is None:
        return None
    ctes, parts = found
    used = kpi_columns(k)
    names: list[str] = []
    selects = []
    for p in parts:
        assert p.entity is not None and p.sql.startswith("SELECT ")
        kind, entity = p.entity
        shown = _shown(kind, k)
        names += [n for n, _ in shown if n not in names]
        inner = f"SELECT {entity} AS row_, " + p.sql.removeprefix("SELECT ")
        # fields of the side table (kpi.query.prepared.DISPLAY) come from it
        side = ROW_KINDS[kind].display
        apart = set(DISPLAY[side][1]) if side else set()
        cols = ", ".join(
            f"{'x_' if field in apart else 'q_.row_'}.{field} AS {name}" for name, field in shown
        )
        join = (
            f" LEFT JOIN {side} x_ ON x_.{ROW_INDEX} = q_.row_.{ROW_INDEX}"
            if any(field in apart for _, field in shown)
            else ""
        )
        contrib = "".join(f", q_.{c} AS {PREFIX}{c}" for c in sorted(p.columns & used))
        selects.append(f"(SELECT {cols}, q_.d AS date{contrib} FROM ({inner}) q_{join})")
    missing = sorted(used - set().union(*(p.columns for p in parts)))
    fill = "".join(f", CAST(NULL AS DOUBLE) AS {PREFIX}{c}" for c in missing)
    num = row_contribution(k.numerator)
    if k.has_fraction:
        assert k.denominator is not None
        den = row_contribution(k.denominator)
        values = [(num, "numerator"), (den, "denominator")]
        counts = [f"coalesce(CAST({num} AS DOUBLE) <> 0, FALSE)",
                  f"coalesce(CAST({den} AS DOUBLE) <> 0, FALSE)"]  # fmt: skip
    elif k.kind == "median":
        values = [(num, "value")]
        counts = [f"{num} IS NOT NULL"]
    else:
        values = [(num, "value")]
        counts = [f"coalesce(CAST({num} AS DOUBLE) <> 0, FALSE)"]
    if k.known:
        counts.append(f"coalesce({PREFIX}{k.known[0]} > 0, FALSE)")
    where = " OR ".join(counts)
    if month is not None:
        where = f"({where}) AND date_trunc('month', date) = CAST(${MONTH_PARAM} AS DATE)"
    kinds = [kind for kind, _ in (p.entity for p in parts if p.entity)]
    order_by = ", ".join(dict.fromkeys(["date", *(o for kd in kinds for o in ROW_KINDS[kd].order)]))
    shown_cols = ", ".join([*names, "date"])
    value_cols = ", ".join(f"CAST({expr} AS DOUBLE) AS {name}" for expr, name in values)
    sql = (
        "WITH "
        + ",\n".join(ctes)
        + ",\nrows_ AS (SELECT *"
        + fill
        + " FROM (\n"
        + "\nUNION ALL BY NAME\n".join(selects)
        + "\n))\n"
        + f"SELECT {shown_cols}, {value_cols} FROM rows_ WHERE {where}"
        + f" ORDER BY {order_by} NULLS LAST"
    )
    return sql, [*names, "date", *(name for _, name in values)]


def kpi_rows(core: Core, k: Kpi, scope: Scope, month: date | None = None) -> pd.DataFrame | None:
    """The rows behind ``k`` for ``scope`` (its period and filters; ``month``: only that
    month's, ``scope`` grouped by month): the declared columns, ``date`` and the
    contribution columns (``numerator`` and ``denominator``, or ``value``); None when the
    KPI has no rows (:func:`row_parts`). Every row, never capped."""
    built = rows_sql(core, k, scope, month)
    if built is None:
        return None
    sql, _ = built
    params = scope.params()  # the query binds those it reads
    if month is not None:
        params[MONTH_PARAM] = month
    return core.query(sql, params)
