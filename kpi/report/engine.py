"""The public API of the engine: reports, alerts, explanations and the output writers.

Example:
    >>> from kpi.report import Engine, ReportOptions
    >>> engine = Engine(data)                      # one per user session
    >>> df = engine.report(ReportOptions(by="client,month", compare="previous"))
    >>> write_table(df, "report.xlsx")

The report has the columns of CLI.md, in order:
``kpi, client, period, value, numerator, denominator, unit, target, status`` (``technician``
instead of ``client`` when grouped by technician; ``previous, delta`` with a comparison).
Undefined values are NaN (written empty); ``df.attrs["notes"]`` lists what the reader should
know (hours without a cost, filter names that matched nothing, a period or a comparison
that starts before the data begins: the comparison's ``previous`` and ``delta`` are then
empty, see :mod:`kpi.periods`; amounts left out for want of an exchange rate or of an
amount); ``df.attrs["money_notes"]`` are those about money, and ``df.attrs["currency"]`` is
the report currency (:mod:`kpi.money`).
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from kpi.errors import UsageError
from kpi.metrics import FAMILIES, KPIS, Kpi, get
from kpi.metrics.targets import STATUSES, effective_target, format_target, status_codes
from kpi.model import LoadedData
from kpi.problems import Problem
from kpi.query import Core, Scope, parse_by
from kpi.query.blocks import KPI_INDEX
from kpi.query.money import MoneyOptions, MoneyPlan
from kpi.query.periods import (
    COMPARE_MODES,
    Period,
    comparison_before_data,
    comparison_period,
    comparison_shift,
    no_comparison_note,
    period_before_data_note,
    resolve_period,
)
from kpi.query.scope import effective_dims
from kpi.report import alerts as alert_rules

REPORT_COLUMNS = (
    "kpi", "client", "period", "value", "numerator", "denominator", "unit", "target", "status",
)  # fmt: skip
COMPARE_COLUMNS = ("previous", "delta")
ALERT_COLUMNS = alert_rules.ALERT_COLUMNS

#: a one-client report is read from a cube of every client (see ``Engine._from_cube``)
#: when the cube has at most this many rows: clients x months of the period (1 without
#: months) x KPIs. 300 clients x 12 months x the Overview's 20 KPIs are 72,000 rows;
#: 1,500 clients x 12 months x every KPI (55) about 1,000,000
CUBE_MAX_ROWS = 1_000_000
#: cubes an engine keeps, the oldest going first: at most this many (a page asks up to
#: three periods: the period, its comparison, the sparklines' 12 months; and pages ask
#: different KPIs), and at most this many rows in all (about 40 bytes a row: 80 MB)
CUBES_KEPT = 8
CUBES_KEPT_ROWS = 2_000_000
#: the groupings a one-client report reads from a cube
_CUBE_DIMS = frozenset({(), ("month",), ("client",), ("client", "month")})
#: a cube's text columns
_CUBE_TEXTS = ("kpi", "grp", "month")


@dataclass
class ReportOptions:
    """What to compute. Every field has the CLI's default.

    Attributes:
        start, end: the period, inclusive (default: 12 calendar months ending at as_of).
        as_of: the report date (default: the data's latest event date; filters never move it).
        clients: client names, matched by normalised key (``acme sl`` = ``ACME, S.L.``).
        technicians: technician names, matched case-, accent- and space-insensitively.
        by: total, client, month, client,month, technician or technician,month.
        compare: None, ``"previous"`` or ``"year"``: adds ``previous`` and ``delta``.
        lang: ``en`` or ``es``, for labels and messages (never ids, units or statuses).
        targets: KPI id -> target overriding the default: a number, ``(lo, hi)`` or
            ``"0.7..0.85"``.
        kpis: the KPI ids to compute (empty: all). A page asks for what it shows, so
            that a family none of them belongs to costs nothing.
    """

    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    clients: list[str] = field(default_factory=list)
    technicians: list[str] = field(default_factory=list)
    by: str = "total"
    compare: str | None = None
    lang: str = "en"
    targets: dict[str, object] = field(default_factory=dict)
    kpis: list[str] = field(default_factory=list)


@dataclass
class Explanation:
    """How a KPI is computed, for the definitions page and "how is this calculated".

    Attributes:
        kpi: the id.
        label: the name in the requested language.
        formula: the definition in words.
        unit: the unit.
        numerator, denominator: what the two sums are, in words (None when not a ratio).
        sql: the query that computes the KPI for the options given (one family query
            restricted to this KPI); empty when the KPI cannot be computed.
        params: the bound parameters of ``sql``.
        inputs: ``dataset.column`` read that are loaded.
        missing_inputs: ``dataset.column`` it can read that are not loaded.
        grouping: the dimensions it is computed by for these options.
        period: the resolved period.
        unavailable: None, or why the KPI is not produced (and what would enable it).
    """

    kpi: str
    label: str
    formula: str
    unit: str
    numerator: str | None
    denominator: str | None
    sql: str
    params: dict[str, object]
    inputs: list[str]
    missing_inputs: list[str]
    grouping: list[str]
    period: Period | None
    unavailable: str | None = None


class Engine:
    """The KPI engine of one user session.

    Holds a private in-memory DuckDB connection with the tables of ``data`` prepared, and
    the KPIs of every client for the periods asked with one client selected (see
    :meth:`_from_cube`); build one per session (never share it between users). The engine
    keeps its own copy of the rows: ``engine.data`` is ``data`` without them
    (:meth:`LoadedData.without_rows`), and the caller may let ``data`` go.

    Args:
        data: the loaded tables (:class:`kpi.model.LoadedData`).
        money: the report currency and the user's exchange rates (default: the data's
            only currency, no rates; see :mod:`kpi.money`).
    """

    def __init__(self, data: LoadedData, money: MoneyOptions | None = None) -> None:
        self.core = Core(data, money)
        self.data = self.core.data
        #: (period, technicians, KPI ids) -> (monthly, the cube's rows, their types), and
        #: -> the one client asked so far when there is no cube yet; see _from_cube
        self._cubes: dict[tuple[Any, ...], tuple[bool, pd.DataFrame, pd.Series]] = {}
        self._cubes_asked: dict[tuple[Any, ...], str] = {}
        self._cubes_lock = threading.Lock()

    @property
    def as_of(self) -> date | None:
        """The default report date (DETAILS.md 9)."""
        return self.core.as_of

    @property
    def data_start(self) -> date | None:
        """The data's first date: the earliest event date (:mod:`kpi.periods`); None when
        nothing dated is loaded. A comparison period starting before it is left empty."""
        return self.core.data_start

    @property
    def money(self) -> MoneyPlan:
        """How the amounts are read: the report currency, the rates, what is left out."""
        return self.core.money

    def set_money(self, money: MoneyOptions | None) -> None:
        """Another report currency or other exchange rates (the money tables are made
        again; the reports kept for one-client filters are forgotten)."""
        self.core.set_money(money)
        with self._cubes_lock:
            self._cubes.clear()
            self._cubes_asked.clear()

    def money_notes(self, lang: str = "en", kpis: Sequence[Kpi] | None = None) -> list[str]:
        """The notes about the amounts read by ``kpis`` (default: every money KPI):
        amounts left out for want of a rate, the reading of a bare $, rows without a
        currency, the rates used (:meth:`kpi.money.MoneyPlan.notes`)."""
        money = [k for k in (KPIS if kpis is None else kpis) if k.money]
        if not money:
            return []
        datasets = {ds for k in money for ds in k.datasets}
        return self.money.notes(lang, datasets)

    def money_problems(self, lang: str = "en") -> list[Problem]:
        """One warning per currency and dataset whose amounts are left out (no rate, or
        an ambiguous bare $), naming the dataset's files."""
        files: dict[str, list[str]] = {}
        for f in self.data.files:
            if f.dataset:
                files.setdefault(f.dataset, []).append(
                    f"{f.file} [{f.sheet}]" if f.sheet else f.file
                )
        return self.money.problems(lang, {ds: ", ".join(fs) for ds, fs in files.items()})

    def clients(self) -> list[str]:
        """Client names of the loaded data, for filter pickers."""
        return self.core.client_names()

    def technicians(self) -> list[str]:
        """Technician names of the loaded data, for filter pickers."""
        return self.core.technician_names()

    def period(self, opts: ReportOptions) -> Period:
        """The period and as_of the options resolve to.

        Raises:
            UsageError: start after end.
        """
        return resolve_period(opts.start, opts.end, opts.as_of, self.core.as_of)

    def availability(self, lang: str = "en") -> dict[str, str | None]:
        """KPI id -> None when it can be computed, else what would enable it.

        Example: ``{"mrr": None, "labor_cost": "load time entries", "sla_rate":
        "map columns sla_met or due_at of tickets", ...}``.
        """
        return {k.id: self.core.missing(k, lang) for k in KPIS}

    def _produced(self, opts: ReportOptions, scope: Scope) -> list[Kpi]:
        wanted = set(opts.kpis)
        return [k for k in KPIS if (not wanted or k.id in wanted) and self.core.computes(k, scope)]

    def _scope(self, opts: ReportOptions, period: Period, notes: list[str]) -> Scope:
        dims = parse_by(opts.by)
        clients = techs = None
        es = opts.lang == "es"
        if opts.clients:
            clients, unmatched = self.core.match_clients(list(opts.clients))
            for u in unmatched:
                notes.append(
                    f"ningún cliente cargado coincide con {u!r}"
                    if es
                    else f"no loaded client matches {u!r}"
                )
        if opts.technicians:
            techs, unmatched = self.core.match_technicians(list(opts.technicians))
            for u in unmatched:
                notes.append(
                    f"ningún técnico cargado coincide con {u!r}"
                    if es
                    else f"no loaded technician matches {u!r}"
                )
        return Scope(period, dims, clients, techs)

    def _longs(
        self, group: list[ReportOptions], period: Period
    ) -> list[tuple[pd.DataFrame, Scope]]:
        """The reports of options that differ in their grouping only, over ``period``,
        as internal long rows ``kpi, grp, month, value, numerator, denominator`` (``grp``
        the client or technician, ``month`` ``YYYY-MM`` or None) with their scopes;
        several groupings (the first may have months, no other) are computed by one query
        per family."""
        notes: list[str] = []
        first = group[0]
        scope = self._scope(first, period, notes)
        scope.kpis = self._produced(first, scope)
        dims = [parse_by(o.by) for o in group]
        scope.dims, scope.also = dims[0], tuple(dims[1:])
        rows = self._rows(scope)
        if any(k.id == "labor_cost" for k in scope.kpis):
            hours = self.core.labor_without_cost(scope)
            if hours > 0:
                notes.append(
                    f"labor_cost: se excluyen {hours:g} horas de técnicos sin coste por hora"
                    if first.lang == "es"
                    else f"labor_cost: {hours:g} hours of technicians without an hourly cost"
                    " are left out"
                )
        money_notes = self.money_notes(first.lang, scope.kpis)
        out = []
        for g, d in enumerate(dims):
            long = rows
            if scope.also:
                by_i = rows["by_i"].to_numpy() if "by_i" in rows else np.zeros(len(rows))
                long = rows[by_i == g].drop(columns="by_i", errors="ignore")
                long = long.reset_index(drop=True)
            long = _with_every_kpi(long, scope.kpis)
            unknown = _unknown_amount_notes(long, scope.kpis, "month" in d, first.lang)
            long.attrs["notes"] = [*notes, *unknown, *money_notes]
            long.attrs["money_notes"] = [*unknown, *money_notes]
            out.append((long, replace(scope, dims=d, also=())))
        return out

    def _rows(self, scope: Scope) -> pd.DataFrame:
        """The long rows of every family of ``scope``'s KPIs (:meth:`Core.run_families`):
        the groupings a cube serves from it, the others by their own queries."""
        cubed = self._from_cube(scope)
        if cubed is None:
            return self._queried(scope)
        groupings = scope.groupings
        rest = [i for i, g in enumerate(groupings) if g not in _CUBE_DIMS]
        if rest:  # e.g. by technician under the client filter
            sub = replace(
                scope, dims=groupings[rest[0]], also=tuple(groupings[i] for i in rest[1:])
            )
            queried = self._queried(sub)
            at = queried["by_i"].to_numpy() if sub.also else np.zeros(len(queried), int)
            queried = queried.assign(by_i=np.array(rest, dtype=np.int32)[at])
            cubed = pd.concat([cubed, queried[cubed.columns]], ignore_index=True)
        return cubed if scope.also else cubed.drop(columns="by_i")

    def _queried(self, scope: Scope) -> pd.DataFrame:
        families = [f for f in FAMILIES if any(k.family == f for k in scope.kpis)]
        frames = self.core.run_families(families, scope)
        return pd.concat(frames, ignore_index=True) if frames else _empty_long()

    def client_rows(self, scope: Scope, kpi_ids: list[str]) -> pd.DataFrame | None:
        """The long rows of these KPIs by client for a one-client ``scope`` (its period
        and filters), read from a cube as :meth:`_from_cube` does (None when it does
        not): the alerts' client KPIs."""
        kpis = [k for k in KPIS if k.id in kpi_ids]
        return self._from_cube(replace(scope, dims=("client",), also=(), kpis=kpis))

    def _from_cube(self, scope: Scope) -> pd.DataFrame | None:
        """The rows :meth:`Core.run_families` gives for a one-client ``scope`` (with
        ``by_i``), of its groupings by month, client or none (not by technician), read
        from the same KPIs computed for every client (by client, and by client and month
        when such a grouping has months); None when the filter's own queries are to run:
        ``scope`` is not one client, the cube would be too large
        (:data:`CUBE_MAX_ROWS`), or this is the first client asked for these period,
        technicians and KPIs.

        Clicking through clients over one period asks the same queries again and again
        with another client: planning, not data, is their cost (about 65 ms at 1M
        tickets). The cube costs a little more than that once, at the second client (a
        user who looks at one client, then changes the period, never pays it), then each
        client is a selection of its rows. A client's rows are the same numbers as its
        filter gives: every KPI a client filter produces is grouped by client, and
        grouping and filtering by client read the same rows (tests compare both for every
        client).
        """
        groupings = scope.groupings
        served = [i for i, g in enumerate(groupings) if g in _CUBE_DIMS]
        if scope.clients is None or len(scope.clients) != 1 or not scope.kpis or not served:
            return None
        monthly = any("month" in groupings[i] for i in served)
        p = scope.period
        months = (p.end.year - p.start.year) * 12 + p.end.month - p.start.month + 1
        if len(self.clients()) * (months if monthly else 1) * len(scope.kpis) > CUBE_MAX_ROWS:
            return None
        client = scope.clients[0]
        techs = tuple(scope.technicians) if scope.technicians is not None else None
        key = (p, techs, tuple(k.id for k in scope.kpis))
        with self._cubes_lock:  # a rerun may start while the last one still computes
            have = self._cubes.pop(key, None)  # popped and put back: the newest
            first = have is None and self._cubes_asked.get(key, client) == client
            if first:
                self._keep(self._cubes_asked, key, client)
        if first:
            return None
        if have is None or (monthly and not have[0]):
            cube = Scope(p, ("client", "month") if monthly else ("client",),
                         technicians=scope.technicians, kpis=scope.kpis,
                         also=(("client",),) if monthly else ())  # fmt: skip
            rows = self._queried(cube)
            if not monthly:
                rows.insert(0, "by_i", np.zeros(len(rows), dtype=np.int32))
            # kept with its texts as categories: 40 bytes a row instead of 105
            have = (monthly, rows.astype(dict.fromkeys(_CUBE_TEXTS, "category")), rows.dtypes)
        with self._cubes_lock:
            self._cubes_asked.pop(key, None)
            self._keep(self._cubes, key, have, rows=lambda c: len(c[1]))
        is_monthly, rows, dtypes = have
        grp = rows["grp"].cat
        code = grp.categories.get_indexer(pd.Index([client]))[0]  # -1: no rows
        at = np.flatnonzero(grp.codes.to_numpy() == code) if code >= 0 else np.empty(0, int)
        mine = rows.take(at)
        by_i = mine["by_i"].to_numpy()
        parts = []
        for g in served:
            # the cube's groupings: 0 by client and month (by client alone in a cube
            # without months), 1 by client
            dims = groupings[g]
            part = mine[by_i == (0 if "month" in dims or not is_monthly else 1)]
            part = part.assign(by_i=np.int32(g))
            if "client" not in dims:
                part["grp"] = None
            parts.append(part)
        return pd.concat(parts, ignore_index=True).astype(dtypes)  # the queries' types

    @staticmethod
    def _keep(
        kept: dict[Any, Any], key: Any, value: Any, rows: Callable[[Any], int] = lambda _: 0
    ) -> None:
        """``kept[key] = value`` as the newest entry, the oldest ones going first while
        there would be more than :data:`CUBES_KEPT` entries or :data:`CUBES_KEPT_ROWS`
        rows (``value``'s own always stays)."""
        kept.pop(key, None)
        while kept and (
            len(kept) >= CUBES_KEPT or sum(map(rows, kept.values())) + rows(value) > CUBES_KEPT_ROWS
        ):
            del kept[next(iter(kept))]
        kept[key] = value

    def report(self, opts: ReportOptions) -> pd.DataFrame:
        """The KPI table of CLI.md for these options.

        Raises:
            UsageError: a bad grouping, comparison, target or period.
        """
        return self.reports([opts])[0]

    def reports(self, many: Sequence[ReportOptions]) -> list[pd.DataFrame]:
        """:meth:`report` of each of ``many``, in order, the same tables.

        Options that differ only in their grouping and comparison share queries: the
        groupings without months (total, client, technician) are one query per family,
        as is each comparison period. A page asks for its reports at once this way.

        Raises:
            UsageError: a bad grouping, comparison, target or period.
        """
        for opts in many:
            _check(opts)
        out: list[pd.DataFrame | None] = [None] * len(many)
        groups: dict[str, list[int]] = {}
        for i, opts in enumerate(many):
            groups.setdefault(repr(replace(opts, by="", compare=None)), []).append(i)
        for members in groups.values():
            period = self.period(many[members[0]])
            # the groupings without months together with the first monthly one (first in
            # its batch: a query's months are its first grouping's), each other monthly
            # one alone; then, per comparison mode, the same for the comparison period
            flat = [i for i in members if "month" not in parse_by(many[i].by)]
            monthly = [i for i in members if i not in flat]
            batches = [monthly[:1] + flat, *([i] for i in monthly[1:])]
            # a comparison period that starts before the data begins is not computed:
            # its previous and delta are empty, and a note says why
            compared: dict[str, Period] = {}
            for i in members:
                mode = many[i].compare
                if mode and mode not in compared:
                    compared[mode] = comparison_period(period, mode)
            before_data = {
                m for m, p in compared.items() if comparison_before_data(p, self.data_start)
            }
            longs: dict[tuple[int, str | None], tuple[pd.DataFrame, Scope]] = {}
            for batch in batches:
                modes = dict.fromkeys(many[i].compare for i in batch if many[i].compare)
                for mode in (None, *(m for m in modes if m not in before_data)):
                    idx = [i for i in batch if mode is None or many[i].compare == mode]
                    p = compared[mode] if mode else period
                    for i, got in zip(idx, self._longs([many[i] for i in idx], p), strict=True):
                        longs[(i, mode)] = got
            for i in members:
                opts = many[i]
                long, scope = longs[(i, None)]
                notes = list(long.attrs.get("notes", []))
                money_notes = list(long.attrs.get("money_notes", []))
                if self.data_start is not None and period.start < self.data_start:
                    notes.append(period_before_data_note(period, self.data_start, opts.lang))
                if opts.compare in before_data:
                    assert self.data_start is not None
                    prev_period = compared[opts.compare]
                    notes.append(no_comparison_note(prev_period, self.data_start, opts.lang))
                    long = long.assign(previous=np.nan, delta=np.nan)
                elif opts.compare:
                    prev, _ = longs[(i, opts.compare)]
                    prev_period = compared[opts.compare]
                    long = _attach_previous(long, prev, comparison_shift(period, prev_period))
                df = _format(long, scope, opts)
                df.attrs["notes"] = notes
                df.attrs["money_notes"] = money_notes
                df.attrs["currency"] = self.money.currency
                df.attrs["period"] = period
                out[i] = df
        return [df for df in out if df is not None]

    def alerts(
        self, opts: ReportOptions, thresholds: dict[str, float] | None = None
    ) -> pd.DataFrame:
        """Alerts (KPIS.md 9) over the period: ``rule, severity, client, subject, value,
        threshold, message``, in rule order then client and subject.

        Args:
            opts: period, filters and language (``by`` and ``compare`` are ignored).
            thresholds: rule -> threshold overriding :data:`kpi.alerts.DEFAULT_THRESHOLDS`.

        Raises:
            UsageError: an unknown threshold name.
        """
        period = self.period(opts)
        scope = self._scope(opts, period, [])
        return alert_rules.compute(self, scope, opts.lang, thresholds or {})

    def explain(self, kpi_id: str, opts: ReportOptions) -> Explanation:
        """The SQL, bound parameters, inputs and formula behind a KPI for these options.

        Raises:
            KeyError: an unknown KPI id.
        """
        k = get(kpi_id)
        lang = opts.lang
        loaded = [i for i in k.inputs if self.core.has(*_split(i))]
        not_loaded = [i for i in k.inputs if not self.core.has(*_split(i))]
        base: dict[str, Any] = {
            "kpi": k.id,
            "label": k.label(lang),
            "formula": k.description(lang),
            "unit": k.unit,
            "numerator": k.numerator_es if lang == "es" else k.numerator_en,
            "denominator": k.denominator_es if lang == "es" else k.denominator_en,
            "inputs": loaded,
            "missing_inputs": not_loaded,
        }
        period = self.period(opts)
        scope = self._scope(opts, period, [])
        why = self.core.missing(k, lang)
        if why is None and scope.clients is not None and "client" not in k.groupings:
            why = (
                "no se calcula con un filtro de cliente"
                if lang == "es"
                else "not computed under a client filter"
            )
        if why is None and scope.technicians is not None and "technician" not in k.groupings:
            why = (
                "no se calcula con un filtro de técnico"
                if lang == "es"
                else "not computed under a technician filter"
            )
        dims = list(effective_dims(k, scope.dims))
        if why is not None:
            return Explanation(**base, sql="", params={}, grouping=dims, period=period,
                               unavailable=why)  # fmt: skip
        scope.kpis = [k]
        sql, params, _ = self.core.family_sql(k.family, scope)
        used = {p for p in params if f"${p}" in sql}
        return Explanation(
            **base,
            sql=sql,
            params={p: v for p, v in params.items() if p in used},
            grouping=dims,
            period=period,
        )


def compute_report(
    data: LoadedData, opts: ReportOptions | None = None, money: MoneyOptions | None = None
) -> pd.DataFrame:
    """The report of ``data`` (a one-off :class:`Engine`)."""
    return Engine(data, money).report(opts or ReportOptions())


def compute_alerts(
    data: LoadedData,
    opts: ReportOptions | None = None,
    thresholds: dict[str, float] | None = None,
    money: MoneyOptions | None = None,
) -> pd.DataFrame:
    """The alerts of ``data`` (a one-off :class:`Engine`)."""
    return Engine(data, money).alerts(opts or ReportOptions(), thresholds)


# ---------------------------------------------------------------------- formatting
def _split(col: str) -> tuple[str, str | None]:
    ds, _, c = col.partition(".")
    return ds, c or None


def _check(opts: ReportOptions) -> None:
    """UsageError for options no report can have (the period is checked later)."""
    parse_by(opts.by)
    if opts.compare is not None and opts.compare not in COMPARE_MODES:
        raise UsageError(f"unknown comparison {opts.compare!r}: use previous or year")
    unknown = sorted(set(opts.targets) - {k.id for k in KPIS})
    if unknown:
        raise UsageError(f"targets for unknown KPI(s): {', '.join(unknown)}")
    unknown = sorted(set(opts.kpis) - {k.id for k in KPIS})
    if unknown:
        raise UsageError(f"unknown KPI(s): {', '.join(unknown)}")


def _unknown_amount_notes(
    long: pd.DataFrame, kpis: list[Kpi], monthly: bool, lang: str
) -> list[str]:
    """Issue 18: a money KPI whose rows lack an amount (empty, or in a currency without a
    rate) says how many ("pipeline_amount: 3 of 10 open opportunities have no known
    amount"), over the report's rows of the KPI: its groups, and in a monthly report the
    months of a flow KPI or the last month of a KPI at a date (its rows at the other
    months are the same entities again)."""
    if "rows_n" not in long.columns:
        return []
    out = []
    es = lang == "es"
    for k in kpis:
        noun = k.rows_word(lang)
        if k.known is None or noun is None:
            continue
        rows = long[long["kpi"] == k.id]
        if monthly and k.time == "@D" and rows["month"].notna().any():
            rows = rows[rows["month"] == rows["month"].max()]
        total = float(np.nansum(rows["rows_n"].to_numpy(dtype=float)))
        known = float(np.nansum(rows["known_n"].to_numpy(dtype=float)))
        missing = round(total - known)
        if missing <= 0:
            continue
        n, m = _count_text(missing, lang), _count_text(round(total), lang)
        # why an amount is unknown: empty, no exchange rate, or (contracts) no months
        contracts = "contracts" in k.datasets
        why_es = "vacío, en una moneda sin tipo de cambio" + (
            " o de periodicidad desconocida" if contracts else ""
        )
        why_en = "empty, in a currency without a rate" + (
            " or with an unknown billing period" if contracts else ""
        )
        if not contracts:
            why_es, why_en = why_es.replace(", en", " o en"), why_en.replace(", in", " or in")
        if known == 0:
            out.append(
                f"{k.id}: ninguna de {m} {noun} tiene un importe conocido ({why_es}): el "
                "valor queda vacío"
                if es
                else f"{k.id}: none of {m} {noun} has a known amount ({why_en}): the value is empty"
            )
        else:
            out.append(
                f"{k.id}: {n} de {m} {noun} no tienen un importe conocido ({why_es}); el "
                "valor suma los demás"
                if es
                else f"{k.id}: {n} of {m} {noun} have no known amount ({why_en}); the value "
                "sums the others"
            )
    return out


def _count_text(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "es" else text


def _with_every_kpi(long: pd.DataFrame, kpis: list[Kpi]) -> pd.DataFrame:
    """DETAILS.md 4: every KPI appears at least once; a KPI without any group (nothing
    contributed) gets its total row: 0 for counts and sums, empty for the rest."""
    present = set(long["kpi"].unique())
    missing = [k for k in kpis if k.id not in present]
    if not missing:
        return long
    extra = pd.DataFrame(
        {
            "kpi_i": [KPI_INDEX[k.id] for k in missing],
            "kpi": [k.id for k in missing],
            "grp": None,
            "month": None,
            "value": [0.0 if k.kind == "sum" and not k.nullable else np.nan for k in missing],
            "numerator": [0.0 if k.has_fraction else np.nan for k in missing],
            "denominator": [0.0 if k.has_fraction else np.nan for k in missing],
            "rows_n": np.nan,
            "known_n": np.nan,
        }
    )
    return pd.concat([long, extra], ignore_index=True) if len(long) else extra


def _empty_long() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "kpi_i": pd.Series([], dtype=np.int64),
            "kpi": pd.Series([], dtype=object),
            "grp": pd.Series([], dtype=object),
            "month": pd.Series([], dtype=object),
            "value": pd.Series([], dtype=float),
            "numerator": pd.Series([], dtype=float),
            "denominator": pd.Series([], dtype=float),
            "rows_n": pd.Series([], dtype=float),
            "known_n": pd.Series([], dtype=float),
        }
    )


def shift_month_labels(labels: pd.Series, months: int) -> pd.Series:
    """``YYYY-MM`` labels moved by ``months`` (None stays None): 2023-11 + 3 -> 2024-02."""
    known = labels.notna()
    out = pd.Series([None] * len(labels), index=labels.index, dtype=object)
    if known.any():
        lab = labels[known].astype(str)
        idx = lab.str[:4].astype(int) * 12 + lab.str[5:7].astype(int) - 1 + months
        out[known] = (
            (idx // 12).astype(str).str.zfill(4) + "-" + (idx % 12 + 1).astype(str).str.zfill(2)
        ).astype(object)
    return out


def _attach_previous(cur: pd.DataFrame, prev: pd.DataFrame, shift: int) -> pd.DataFrame:
    """``previous`` = the matching row of the comparison period (monthly rows: the month
    ``shift`` months earlier); ``delta = value - previous``."""
    c = cur.copy()
    c["_grp"] = c["grp"].fillna("").astype(str)
    c["_month"] = c["month"].fillna("").astype(str)
    p = pd.DataFrame(
        {
            "kpi": prev["kpi"],
            "_grp": prev["grp"].fillna("").astype(str),
            "_month": shift_month_labels(prev["month"], shift).fillna("").astype(str),
            "previous": prev["value"].astype(float),
        }
    )
    merged = c.merge(p, on=["kpi", "_grp", "_month"], how="left", sort=False)
    merged["delta"] = merged["value"] - merged["previous"]
    return merged.drop(columns=["_grp", "_month"])


def _format(long: pd.DataFrame, scope: Scope, opts: ReportOptions) -> pd.DataFrame:
    """Order (declaration order; within a KPI the SQL already ordered group name and month)
    and add period, unit, target and status."""
    order = long["kpi_i"].to_numpy(dtype=np.int64)
    if (np.diff(order) >= 0).all():  # the families came in declaration order
        df = long.reset_index(drop=True)
    else:
        df = long.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)
    idx = df["kpi_i"].to_numpy(dtype=np.int64)
    group_col = "technician" if "technician" in scope.dims else "client"
    targets = [effective_target(k, opts.targets) for k in KPIS]
    # a number, a band "0.7..0.85", or NaN (no target)
    shown = np.array([format_target(t) for t in targets] + [None], dtype=object)
    shown[[i for i, v in enumerate(shown) if v is None]] = np.nan
    out = pd.DataFrame(
        {
            "kpi": df["kpi"].astype("str"),
            group_col: df["grp"].astype("str"),
            "period": df["month"].astype("str").fillna(scope.period.label),
            "value": df["value"].astype(float),
            "numerator": df["numerator"].astype(float),
            "denominator": df["denominator"].astype(float),
            # text columns taken from a few Arrow strings (from objects: 5 ms each at 1M)
            "unit": pa.array([k.unit for k in KPIS], pa.string()).take(idx).to_pandas(),
            "target": pd.Series(shown[idx], dtype=object),
        }
    )
    statuses = np.zeros(len(df), dtype=np.int8)
    values = df["value"].to_numpy(dtype=float)
    bounds = np.flatnonzero(np.diff(idx)) + 1  # rows are sorted by KPI: one slice each
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(idx)], strict=True):
        if hi > lo:
            k = KPIS[idx[lo]]
            statuses[lo:hi] = status_codes(values[lo:hi], targets[idx[lo]], k.direction)
    out["status"] = pa.array(STATUSES, pa.string()).take(statuses).to_pandas()
    if "previous" in df.columns:
        out["previous"] = df["previous"].astype(float)
        out["delta"] = df["delta"].astype(float)
    return out


# ---------------------------------------------------------------------- writers
_INJECTION = r"^[=+\-@\t\r]"


def _safe_text(arr: pa.Array) -> pa.Array:
    """Formula-injection guard: text starting with = + - @ tab or CR gets a ``'`` prefix.

    Example: ``=HYPERLINK("x")`` -> ``'=HYPERLINK("x")``; ``-5`` text -> ``'-5``.
    """
    hit = pc.fill_null(pc.match_substring_regex(arr, _INJECTION), False)
    return pc.if_else(hit, pc.binary_join_element_wise("'", arr, ""), arr)


def _column_text(s: pd.Series) -> pa.Array:
    """One column as CSV text: numbers unrounded, shortest round-trip (0.1 + 0.2 ->
    ``0.30000000000000004``, 12.0 -> ``12``); NaN / None empty; text guarded."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return pa.array(s.map({True: "true", False: "false"}).astype(object), pa.string())
    if pd.api.types.is_numeric_dtype(s.dtype):
        arr = pa.array(s.astype(float).to_numpy(), type=pa.float64(), from_pandas=True)
        return pc.cast(arr, pa.string())
    if pd.api.types.is_string_dtype(s.dtype) and not pd.api.types.is_object_dtype(s.dtype):
        return _safe_text(pa.array(s, type=pa.string(), from_pandas=True))
    # mixed object columns (``target``: 0.9 or "0.7..0.85"): numbers stay numbers
    values = s.astype(object).tolist()
    numbers = pa.array([float(v) if _is_number(v) else None for v in values], pa.float64())
    texts = pa.array([_other_text(v) for v in values], type=pa.string())
    return pc.coalesce(pc.cast(numbers, pa.string()), _safe_text(texts))


def _is_number(v: object) -> bool:
    if isinstance(v, bool) or not isinstance(v, int | float | np.integer | np.floating):
        return False
    return not math.isnan(float(v))


def _other_text(v: object) -> str | None:
    """Text of a cell that is not a number; None for empties and numbers."""
    if v is None or (
        isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)
    ):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def to_csv_text(df: pd.DataFrame) -> str:
    """The CSV of CLI.md: ``.`` decimals, no thousands separator, empty for undefined,
    numbers unrounded, text cells guarded against formula injection, quotes only where
    needed (``Acme, Inc`` -> ``"Acme, Inc"``)."""
    columns = [_column_text(df[c]).to_pylist() for c in df.columns]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([str(c) for c in df.columns])
    # the rows of a report or alert list (aggregates, never data rows)
    writer.writerows(zip(*columns, strict=True))
    return buf.getvalue()


def _guard_object(v: object) -> object:
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def write_table(
    df: pd.DataFrame, out: str | None, *, lang: str = "en", sheet: str = "report"
) -> None:
    """Write a report, alert or inspect table.

    Args:
        df: the table.
        out: None for CSV on stdout; else a path ending in .csv, .xlsx or .json.
        lang: language of the table (kept for the writers' messages; the columns are
            machine output and are never translated).
        sheet: the sheet name of an .xlsx.

    Raises:
        UsageError: an unsupported extension.
    """
    del lang  # machine output: ids, units, statuses and headers are never translated
    if out is None:
        sys.stdout.write(to_csv_text(df))
        sys.stdout.flush()
        return
    path = Path(out)
    ext = path.suffix.lower()
    if ext == ".csv":
        path.write_text(to_csv_text(df), encoding="utf-8", newline="")
    elif ext == ".json":
        records = []
        for row in df.astype(object).itertuples(index=False, name=None):
            records.append({str(c): _json_value(v) for c, v in zip(df.columns, row, strict=True)})
        path.write_text(
            json.dumps(records, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8"
        )
    elif ext == ".xlsx":
        safe = df.astype(object).map(_guard_object)
        safe = safe.where(df.notna(), None)
        with pd.ExcelWriter(path, engine="openpyxl") as xw:
            safe.to_excel(xw, sheet_name=sheet[:31] or "report", index=False)
    else:
        raise UsageError(f"{out}: unsupported output; use .csv, .xlsx or .json")


def _json_value(v: object) -> object:
    if v is None:
        return None
    if isinstance(v, float | np.floating):
        return None if math.isnan(v) else float(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, date):
        return v.isoformat()
    if v is pd.NaT:
        return None
    return v
