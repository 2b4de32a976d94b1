"""What one family query computes (:class:`Scope`: the period, filters, KPIs and their
groupings) and the pieces of SQL every family writes alike: the period's bound parameters,
the filters, the months of the period, a contract active at D (the rules themselves are
:mod:`kpi.metrics.conditions`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kpi.errors import UsageError
from kpi.metrics import DIMS, Kpi
from kpi.metrics.conditions import client_filter, contract_active, technician_filter
from kpi.query.periods import Period

#: ``by`` values of docs/CLI.md and the dimensions they group by.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "total": (),
    "client": ("client",),
    "month": ("month",),
    "client,month": ("client", "month"),
    "technician": ("technician",),
    "technician,month": ("technician", "month"),
}

# Bound parameters, always cast (a date parameter is typed by its use).
START = "CAST($start AS DATE)"
END = "CAST($end AS DATE)"
AS_OF = "CAST($as_of AS DATE)"
POINT = "CAST($point AS DATE)"
_IDENT = re.compile(r"[a-z_][a-z0-9_]*")
#: SQL words of the KPI aggregates (everything else in them is a contribution column)
_SQL_WORDS = frozenset({"sum", "fsum", "count", "count_if", "coalesce", "quantile_cont"})


def parse_by(by: str) -> tuple[str, ...]:
    """The dimensions of a ``--by`` value: ``"month,client"`` -> ``("client", "month")``.

    Raises:
        UsageError: a grouping docs/CLI.md does not list.
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
    #: for the rows behind a KPI (:mod:`kpi.query.rows`): the kind of row each
    #: contribution comes from (a key of :data:`kpi.metrics.rows.ROW_KINDS`) and that row
    #: as an SQL struct (``("ticket", "t")``: the ticket); None when a contribution row
    #: sums several (the backlog's running sum by month)
    entity: tuple[str, str] | None = None
    #: a part for the rows behind a KPI only, never in a family query: the contributions
    #: one row per entity where the family's own part adds them up first (the devices of
    #: a client at D)
    rows_only: bool = False


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


def scope_filters(scope: Scope, *, technician: bool, prefix: str = "") -> str:
    """`` AND ...`` conditions of the client / technician filters (values bound; the
    conditions are :func:`kpi.metrics.conditions.client_filter` and ``technician_filter``).
    """
    out = ""
    if scope.clients is not None:
        out += f" AND {client_filter(f'{prefix}client')}"
    if technician and scope.technicians is not None:
        out += f" AND {technician_filter(f'{prefix}technician')}"
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


def _base(name: str, table: str, s: Scope, *, technician: bool) -> str:
    """A CTE of a prepared table under the filters, inlined where it is used."""
    return (
        f"{name} AS NOT MATERIALIZED (SELECT * FROM {table} WHERE TRUE"
        f"{scope_filters(s, technician=technician)})"
    )


def _active(k: str, d: str) -> str:
    """A contract of the table aliased ``k`` active at D
    (:func:`kpi.metrics.conditions.contract_active`)."""
    return contract_active(f"{k}.start_date", f"{k}.end_date", d)


def _in_period(col: str) -> str:
    return f"{col} BETWEEN {START} AND {END}"
