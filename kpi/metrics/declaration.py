"""The KPIs: one frozen declaration per KPI id of docs/KPIS.md.

This module is data. :mod:`kpi.query` turns each *family* of KPIs (those computed from the
same rows) into one SQL query per grouping: the family's rows are *contributions* (one row
per event, or per entity at a date D) with the columns named here, aggregated at the
grouping. A KPI declares its aggregates over those columns, MetricFlow style:

* ``kind="sum"``: the value is ``numerator`` (a count or a sum; 0 for a group with rows);
* ``kind="ratio"`` / ``"mean"``: ``CAST(numerator AS DOUBLE) / NULLIF(denominator, 0)``,
  both written to the report (a mean is a sum over a count: "41 of 50 tickets");
* ``kind="median"``: ``numerator`` is the aggregate itself (``quantile_cont``).

Money is summed with ``fsum`` (compensated summation: the same cents whatever the order of
the rows), always in the report currency (:mod:`kpi.query.money`). An amount that is not known
(empty, or in a currency without a rate) is NULL in the contributions; a money KPI names
in ``known`` the column counting its rows, so that a sum over rows none of which is known
is empty, not 0 (a ``*_n`` column: mrr_n counts the contracts active at D).

Identifiers in these expressions are the only ones the engine ever writes into SQL; values
travel as bound parameters.

Contribution columns per family (the engine's ``_parts_*`` functions produce them):

=============  ==============================================================================
family         columns
=============  ==============================================================================
profit         mrr (@D), rr (@each month), rev, dcost, labor, hours_all, mv_new, mv_exp,
               mv_con, mv_churn; rows: mrr_n, rr_n, rev_n, dcost_n, mv_n
csat           sat, resp
tickets        opened, esc_n, esc_known, esc_hours, frt_hours, resolved_n, fcr_n, fcr_known,
               sla_n, sla_known, res_hours, reopened (a flag: TRUE, FALSE or NULL, read with
               count_if / count), backlog (@D)
time           hours, bill_h, avail
devices        active_n, covered_n, uncovered_n, unc_mrr (all @D, per client)
renewals       due, ren, up, up_mrr
projects       p_active, p_on_track, p_late, p_over, ac_a, bud_a (at min(end, as_of))
opportunities  open_n, open_amt, weighted, w_n, stale (@D), created_n, won_n, lost_n,
               won_amt, cycle_days
=============  ==============================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.schema import DATASETS
from kpi.texts import t

#: Units of the ``unit`` column (docs/DETAILS.md 6).
UNITS = ("ratio", "currency", "hours", "days", "count")
#: Grouping dimensions; ``total`` is the empty set and always allowed.
DIMS = ("client", "technician", "month")
C_M = frozenset({"client", "month"})
C_T_M = frozenset({"client", "technician", "month"})
T_M = frozenset({"technician", "month"})
C_ONLY = frozenset({"client"})
Target = float | tuple[float, float]


@dataclass(frozen=True)
class Need:
    """One input a KPI needs: any of these (dataset, column) pairs; column None = loaded.

    Example: ``Need((("invoices", None), ("contracts", None)))`` is "load invoices or
    contracts"; ``Need((("tickets", "sla_met"), ("tickets", "due_at")))`` is "map column
    sla_met or due_at of tickets".
    """

    any_of: tuple[tuple[str, str | None], ...]


def need(*pairs: str) -> Need:
    """``need("invoices", "contracts")`` or ``need("tickets.sla_met", "tickets.due_at")``."""
    out: list[tuple[str, str | None]] = []
    for p in pairs:
        ds, _, col = p.partition(".")
        out.append((ds, col or None))
    return Need(tuple(out))


@dataclass(frozen=True)
class Kpi:
    """The declaration of one KPI.

    Attributes:
        id: stable id, the ``kpi`` column of every export.
        family: the group of KPIs computed by one query (see the module docstring).
        unit: ratio, currency, hours, days or count.
        datasets: datasets read.
        time: the date that places a contribution in a period or month
            (``tickets.created_at``) or ``@D`` for point-in-time KPIs.
        kind: sum, ratio, mean or median (module docstring).
        numerator, denominator: SQL aggregates over the family's contribution columns.
        direction: higher, lower or band: which way is better, for targets.
        target: default target (a number, or a ``(low, high)`` band), None when none.
        groupings: dimensions the KPI may be grouped by (docs/DETAILS.md 5).
        needs: inputs, all required; a KPI missing one is left out of reports.
        flag: a ticket flag (:data:`kpi.metrics.FLAG_NEEDS`: escalated, fcr, sla_met,
            reopened) of which some ticket must be known.
        inputs: ``dataset.column`` read, for ``explain``.
        nullable: a sum that stays empty when nothing contributes (uncovered_mrr).
        known: ``(rows, value)`` contribution columns of a money KPI: the value is empty
            when the group has rows (``sum(rows) > 0``) but none with a known amount
            (``count(value) = 0``: no amount, or one in a currency without a rate). A group
            with no rows stays 0 (docs/DETAILS.md 4); a partly known one sums what is known and
            the report notes how many rows lacked it.

    The texts are not declared here but in the catalogs of :mod:`kpi.texts`, by id:
    ``kpi.<id>.label``, ``.desc``, ``.numerator``, ``.denominator`` (a ratio or a mean),
    ``.rows`` (a KPI with ``known``); the methods below read them.
    """

    id: str
    family: str
    unit: str
    datasets: tuple[str, ...]
    time: str
    kind: str
    numerator: str
    denominator: str | None
    direction: str
    target: Target | None
    groupings: frozenset[str]
    needs: tuple[Need, ...]
    inputs: tuple[str, ...]
    flag: str | None = None
    nullable: bool = False
    known: tuple[str, str] | None = None

    def label(self, lang: str = "en") -> str:
        """The short name shown to people (``kpi.<id>.label``): ``Gross margin %``."""
        return t(f"kpi.{self.id}.label", lang)

    def description(self, lang: str = "en") -> str:
        """The definition in words (``kpi.<id>.desc``), shown by ``explain``."""
        return t(f"kpi.{self.id}.desc", lang)

    def numerator_words(self, lang: str = "en") -> str:
        """What the numerator counts or sums, in words (``kpi.<id>.numerator``)."""
        return t(f"kpi.{self.id}.numerator", lang)

    def denominator_words(self, lang: str = "en") -> str | None:
        """What the denominator counts (``kpi.<id>.denominator``); None without one."""
        return None if self.denominator is None else t(f"kpi.{self.id}.denominator", lang)

    @property
    def money(self) -> bool:
        """An amount of money, or a ratio of amounts (gross margin %)."""
        return self.unit == "currency" or self.known is not None

    def rows_word(self, lang: str = "en") -> str | None:
        """What the ``known`` rows are, in words, for the report's note (``kpi.<id>.rows``:
        ``open opportunities``); None for a KPI without ``known``."""
        return None if self.known is None else t(f"kpi.{self.id}.rows", lang)

    def text_keys(self) -> tuple[str, ...]:
        """The catalog keys of this KPI's texts (every language must have them)."""
        keys = [f"kpi.{self.id}.{part}" for part in ("label", "desc", "numerator")]
        if self.denominator is not None:
            keys.append(f"kpi.{self.id}.denominator")
        if self.known is not None:
            keys.append(f"kpi.{self.id}.rows")
        return tuple(keys)

    @property
    def has_fraction(self) -> bool:
        """True when numerator and denominator are written to the report (docs/DETAILS.md 7)."""
        return self.kind in ("ratio", "mean")


def declare(
    id: str,
    family: str,
    unit: str,
    datasets: tuple[str, ...],
    time: str,
    kind: str,
    numerator: str,
    denominator: str | None = None,
    *,
    direction: str,
    groupings: frozenset[str],
    needs: tuple[Need, ...],
    inputs: tuple[str, ...],
    target: Target | None = None,
    flag: str | None = None,
    nullable: bool = False,
    known: tuple[str, str] | None = None,
) -> Kpi:
    """One KPI declaration, written compactly (the family modules' tables): the fields of
    :class:`Kpi`, the first ones by position; its texts are in :mod:`kpi.texts`."""
    return Kpi(
        id=id,
        family=family,
        unit=unit,
        datasets=datasets,
        time=time,
        kind=kind,
        numerator=numerator,
        denominator=denominator,
        direction=direction,
        target=target,
        groupings=groupings,
        needs=needs,
        inputs=inputs,
        flag=flag,
        nullable=nullable,
        known=known,
    )


#: The inputs of every KPI that reads contracts (profit, devices, renewals).
CONTRACT_INPUTS = (
    "contracts.client",
    "contracts.start_date",
    "contracts.end_date",
    "contracts.amount",
    "contracts.billing_period",
)
#: The inputs of every KPI that reads time entries (profit, utilisation).
TIME_ENTRY_INPUTS = (
    "time_entries.technician",
    "time_entries.client",
    "time_entries.date",
    "time_entries.hours",
)


def describe_need(n: Need, lang: str = "en", loaded: frozenset[str] | None = None) -> str:
    """What satisfies a :class:`Need`, in words.

    Examples: ``load invoices or contracts``; ``map columns sla_met or due_at of
    tickets``; ``load contracts with column covered_devices`` (when contracts are not loaded).

    Args:
        n: the need.
        lang: ``en`` or ``es``.
        loaded: the loaded datasets (None: assume each column's dataset is loaded).
    """
    orr = t("metrics.need.or", lang)
    loads = [ds for ds, col in n.any_of if col is None]
    cols: dict[str, list[str]] = {}
    for ds, col in n.any_of:
        # derived columns are not mapped: tickets.resolved comes from resolved_at,
        # closed_at or a resolved status
        if col is not None and not DATASETS[ds].column(col).derived:
            cols.setdefault(ds, []).append(col)

    def name(ds: str) -> str:
        return DATASETS[ds].words(lang)

    pieces: list[str] = []
    if loads:
        pieces.append(t("metrics.need.load", lang, datasets=orr.join(name(d) for d in loads)))
    for ds, cs in cols.items():
        how = "load_with" if loaded is not None and ds not in loaded else "map"
        key = f"metrics.need.{how}_{'columns' if len(cs) > 1 else 'column'}"
        pieces.append(t(key, lang, dataset=name(ds), columns=orr.join(cs)))
    return orr.join(pieces)
