"""The public API of the engine: reports, alerts, explanations and the output writers.

Example:
    >>> from kpi.report import Engine, ReportOptions
    >>> engine = Engine(data)                      # one per user session
    >>> df = engine.report(ReportOptions(by="client,month", compare="previous"))
    >>> write_table(df, "report.xlsx")

The report has the columns of docs/CLI.md, in order:
``kpi, client, period, value, numerator, denominator, unit, target, status`` (``technician``
instead of ``client`` when grouped by technician; ``previous, delta`` with a comparison).
Undefined values are NaN (written empty); ``df.attrs["notes"]`` lists what the reader should
know (hours without a cost, filter names that matched nothing, a period or a comparison
that starts before the data begins: the comparison's ``previous`` and ``delta`` are then
empty, see :mod:`kpi.query.periods`; amounts left out for want of an exchange rate or of an
amount); ``df.attrs["money_notes"]`` are those about money, and ``df.attrs["currency"]`` is
the report currency (:mod:`kpi.query.money`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd

from kpi.metrics import FAMILIES, KPIS, Kpi, get
from kpi.model import LoadedData
from kpi.problems import Problem
from kpi.query import Core, Scope, breakdowns, parse_by
from kpi.query.money import MoneyOptions, MoneyPlan
from kpi.query.periods import (
    Period,
    comparison_before_data,
    comparison_period,
    comparison_shift,
    no_comparison_note,
    period_before_data_note,
    resolve_period,
)
from kpi.report import alerts as alert_rules
from kpi.report.cache import ResultCache
from kpi.report.explain import Explanation, explain
from kpi.report.frame import (
    _attach_previous,
    _empty_long,
    _format,
    _unknown_amount_notes,
    _with_every_kpi,
)
from kpi.report.options import ReportOptions, _check
from kpi.report.rows import RowsResult
from kpi.report.rows import rows as kpi_rows
from kpi.texts import t

REPORT_COLUMNS = (
    "kpi", "client", "period", "value", "numerator", "denominator", "unit", "target", "status",
)  # fmt: skip
COMPARE_COLUMNS = ("previous", "delta")

#: a one-client report is read from a cube of every client (see ``Engine._from_cube``)
#: when the cube has at most this many rows: clients x months of the period (1 without
#: months) x KPIs. 300 clients x 12 months x the Overview's 20 KPIs are 72,000 rows;
#: 1,500 clients x 12 months x every KPI (55) about 1,000,000
CUBE_MAX_ROWS = 1_000_000
#: the groupings a one-client report reads from a cube
_CUBE_DIMS = frozenset({(), ("month",), ("client",), ("client", "month")})
#: a cube's text columns
_CUBE_TEXTS = ("kpi", "grp", "month")


class Engine:
    """The KPI engine of one user session.

    Holds a private in-memory DuckDB connection with the tables of ``data`` prepared, and
    the session's one cache of results (:attr:`results`, a :class:`ResultCache`): the KPIs
    of every client for the periods asked with one client selected (see
    :meth:`_from_cube`), and what the caller keeps there. Build one per session (never
    share it between users). The engine keeps its own copy of the rows: ``engine.data`` is
    ``data`` without them (:meth:`LoadedData.without_rows`), and the caller may let
    ``data`` go. :meth:`report`, :meth:`alerts` and :meth:`explain` compute each time;
    a caller that shows them again keeps them in :attr:`results` (the app does).

    Args:
        data: the loaded tables (:class:`kpi.model.LoadedData`).
        money: the report currency and the user's exchange rates (default: the data's
            only currency, no rates; see :mod:`kpi.query.money`).
        compress: keep the tables compressed (:class:`kpi.query.core.Core`): worth it
            for an engine asked many reports (the app); the command line, which asks
            one, passes False.
    """

    def __init__(
        self, data: LoadedData, money: MoneyOptions | None = None, *, compress: bool = True
    ) -> None:
        self.core = Core(data, money, compress=compress)
        self.data = self.core.data
        #: the results this engine keeps (see :mod:`kpi.report.cache`): its cubes under
        #: ``("cube", period, technicians, KPI ids)`` -> (monthly, the cube's rows, their
        #: types), the one client asked so far when there is no cube yet under
        #: ``("cube_first", ...)``, and what callers keep there (the app's reports)
        self.results = ResultCache()

    @property
    def as_of(self) -> date | None:
        """The default report date (docs/DETAILS.md 9)."""
        return self.core.as_of

    @property
    def data_start(self) -> date | None:
        """The data's first date: the earliest event date (:mod:`kpi.query.periods`); None when
        nothing dated is loaded. A comparison period starting before it is left empty."""
        return self.core.data_start

    @property
    def money(self) -> MoneyPlan:
        """How the amounts are read: the report currency, the rates, what is left out."""
        return self.core.money

    def set_money(self, money: MoneyOptions | None) -> None:
        """Another report currency or other exchange rates (the money tables are made
        again; the results kept are forgotten: the engine takes a new cache, and leaves
        one it was given, e.g. shared by engines over the same public data, to the
        others)."""
        self.core.set_money(money)
        self.results = ResultCache()

    def money_notes(self, lang: str = "en", kpis: Sequence[Kpi] | None = None) -> list[str]:
        """The notes about the amounts read by ``kpis`` (default: every money KPI):
        amounts left out for want of a rate, the reading of a bare $, rows without a
        currency, the rates used (:meth:`kpi.query.money.MoneyPlan.notes`)."""
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
        if opts.clients:
            clients, unmatched = self.core.match_clients(list(opts.clients))
            notes += [t("report.no_client_match", opts.lang, name=repr(u)) for u in unmatched]
        if opts.technicians:
            techs, unmatched = self.core.match_technicians(list(opts.technicians))
            notes += [t("report.no_technician_match", opts.lang, name=repr(u)) for u in unmatched]
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
                notes.append(t("report.labor_without_cost", first.lang, hours=f"{hours:g}"))
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
        asked = (p, techs, tuple(k.id for k in scope.kpis))
        have = self.results.get(("cube", *asked))
        # a rerun may start while the last one still computes: one step tells the first
        if have is None and self.results.setdefault(("cube_first", *asked), client) == client:
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
            self.results.pop(("cube_first", *asked))
            self.results.put(("cube", *asked), have, rows=len(have[1]))
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

    def report(self, opts: ReportOptions) -> pd.DataFrame:
        """The KPI table of docs/CLI.md for these options.

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
        """Alerts (docs/KPIS.md 9) over the period: ``rule, severity, client, subject, value,
        threshold, estimate, message``, ranked by estimate (the largest first, empty last),
        then severity (bad first), rule order, client and subject.

        Args:
            opts: period, filters and language (``by`` and ``compare`` are ignored).
            thresholds: rule -> threshold overriding :data:`kpi.report.alerts.DEFAULT_THRESHOLDS`.

        Raises:
            UsageError: an unknown threshold name.
        """
        period = self.period(opts)
        scope = self._scope(opts, period, [])
        return alert_rules.compute(self.core, scope, opts.lang, thresholds or {}, self.client_rows)

    def explain(self, kpi_id: str, opts: ReportOptions) -> Explanation:
        """The SQL, bound parameters, inputs and formula behind a KPI for these options:
        the statement :meth:`report` runs for the KPI's family with these options (``k``
        added to ``opts.kpis`` when they name others), and the result columns holding the
        KPI (:class:`~kpi.report.explain.Explanation`).

        Raises:
            KeyError: an unknown KPI id.
        """
        k = get(kpi_id)
        if opts.kpis and k.id not in opts.kpis:
            opts = replace(opts, kpis=[*opts.kpis, k.id])
        period = self.period(opts)
        scope = self._scope(opts, period, [])
        scope.kpis = self._produced(opts, scope)
        return explain(self.core, k, scope, opts.lang)

    def rows(
        self, kpi_id: str, opts: ReportOptions, group: dict[str, str] | None = None
    ) -> RowsResult:
        """The rows behind a KPI's number in the report of ``opts`` (its period and
        filters), narrowed to a ``group`` of a grouped report (``{"client": "Acme",
        "month": "2026-03"}``): :func:`kpi.report.rows.rows`. Summed, their contribution
        columns are the report's numerator and denominator (or value).

        Raises:
            KeyError: an unknown KPI id.
            UsageError: a bad period or group.
        """
        notes: list[str] = []
        scope = self._scope(opts, self.period(opts), notes)
        return kpi_rows(self.core, kpi_id, scope, opts.lang, group, notes)

    # ---------------------------------------------------------------- breakdowns
    # What the dashboards draw beside the KPIs (kpi.query.breakdowns), for the period and
    # filters of ``opts`` (the rest of the options is not read)

    def _filtered(self, opts: ReportOptions) -> Scope:
        return self._scope(opts, self.period(opts), [])

    def resolution_by_priority(self, opts: ReportOptions) -> pd.DataFrame:
        """Resolution hours of the tickets resolved in the period, per priority:
        :func:`kpi.query.breakdowns.resolution_by_priority`."""
        return breakdowns.resolution_by_priority(self.core, self._filtered(opts))

    def escalation_by(self, opts: ReportOptions, column: str) -> pd.DataFrame:
        """Escalations of the tickets created in the period per ``queue`` or ``tier``:
        :func:`kpi.query.breakdowns.escalation_by`."""
        return breakdowns.escalation_by(self.core, self._filtered(opts), column)

    def upcoming_renewals(self, opts: ReportOptions) -> pd.DataFrame:
        """Contracts up for renewal after as_of in 30-day buckets, with their MRR:
        :func:`kpi.query.breakdowns.upcoming_renewals`."""
        return breakdowns.upcoming_renewals(self.core, self._filtered(opts))

    def upcoming_contracts(self, opts: ReportOptions, limit: int = 200) -> pd.DataFrame:
        """The contracts behind :meth:`upcoming_renewals`, soonest first:
        :func:`kpi.query.breakdowns.upcoming_contracts`."""
        return breakdowns.upcoming_contracts(self.core, self._filtered(opts), limit)

    def project_portfolio(self, opts: ReportOptions) -> pd.DataFrame:
        """Every project started by D with its state, burn, CPI and SPI:
        :func:`kpi.query.breakdowns.project_portfolio`."""
        return breakdowns.project_portfolio(self.core, self._filtered(opts))

    def pipeline_by_stage(self, opts: ReportOptions) -> pd.DataFrame:
        """Open opportunities at D per stage: :func:`kpi.query.breakdowns.pipeline_by_stage`."""
        return breakdowns.pipeline_by_stage(self.core, self._filtered(opts))

    def stale_opportunities(self, opts: ReportOptions, limit: int = 200) -> pd.DataFrame:
        """Open opportunities at D without recent activity, oldest first:
        :func:`kpi.query.breakdowns.stale_opportunities`."""
        return breakdowns.stale_opportunities(self.core, self._filtered(opts), limit)

    def tickets_by(self, opts: ReportOptions, column: str) -> pd.DataFrame:
        """Tickets created in the period per ``category`` or ``priority``:
        :func:`kpi.query.breakdowns.tickets_by`."""
        return breakdowns.tickets_by(self.core, self._filtered(opts), column)

    def active_contracts(self, opts: ReportOptions) -> pd.DataFrame:
        """The contracts active at D with their end, days left and MRR:
        :func:`kpi.query.breakdowns.active_contracts`."""
        return breakdowns.active_contracts(self.core, self._filtered(opts))

    def uncovered_device_list(self, opts: ReportOptions, limit: int = 500) -> pd.DataFrame:
        """The uncovered devices at D by name (when devices name their coverage):
        :func:`kpi.query.breakdowns.uncovered_device_list`."""
        return breakdowns.uncovered_device_list(self.core, self._filtered(opts), limit)


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
