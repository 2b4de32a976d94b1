"""The breakdowns the dashboards draw beyond the KPI report: resolution time by priority,
escalation by queue, upcoming renewals, the project portfolio, the pipeline by stage,
stale opportunities. The :class:`~kpi.report.Engine` exposes each as a method taking
:class:`~kpi.report.ReportOptions` (its period and filters).

Each runs one aggregate query over the engine's *prepared* tables (the same per-row rules
as the KPIs: effective resolution, escalation flag, contract MRR and renewal, project
state) with the shared conditions of :mod:`kpi.metrics.conditions`, and returns a few
dozen rows at most (a listing: at most ``limit``). Identifiers are fixed in this module;
filter values and dates are bound parameters. The prepared tables keep the raw columns
these read (ticket priority, queue, tier; opportunity stage).
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from kpi.metrics.conditions import device_active, opportunity_open, stale, upcoming_renewal
from kpi.query.families import Prepared, project_state_ctes
from kpi.query.scope import AS_OF, END, POINT, START, Scope, _active, scope_filters

#: the upcoming-renewal buckets of the Contracts page, in days after as_of
RENEWAL_BUCKETS = (30, 60, 90, 120)
#: the columns :func:`escalation_by` groups by
ESCALATION_COLUMNS = ("queue", "tier")


class Queried(Prepared, Protocol):
    """What a breakdown reads of the engine (:class:`kpi.query.core.Core`): the loaded
    datasets and columns, and its private connection."""

    def query(self, sql: str, params: dict[str, object]) -> pd.DataFrame: ...


def resolution_by_priority(core: Queried, s: Scope) -> pd.DataFrame:
    """Resolution hours of the tickets resolved in the period, per priority.

    Columns: ``priority`` (None = not given), ``n``, ``min``, ``p05``, ``p25``, ``p50``,
    ``p75``, ``p95``, ``max``, ``mean``; ordered by priority text. Empty without a
    priority column.
    """
    if not core.has("tickets") or not core.has("tickets", "priority"):
        return pd.DataFrame()
    # one aggregate for the five quantiles: it sorts each priority's hours once (five
    # quantile_cont calls sorted five times: 35 ms against 17 ms for a year at 1M tickets)
    cuts = (5, 25, 50, 75, 95)
    picked = ", ".join(f"q[{i}] AS p{c:02d}" for i, c in enumerate(cuts, start=1))
    sql = f"""
    SELECT priority, n, min, {picked}, max, mean FROM (
      SELECT t.priority AS priority, count(*) AS n, min(t.res_hours) AS min,
        quantile_cont(t.res_hours, {[c / 100 for c in cuts]}) AS q,
        max(t.res_hours) AS max, avg(t.res_hours) AS mean
      FROM tickets_p t
      WHERE t.resolved_d BETWEEN {START} AND {END} AND t.res_hours IS NOT NULL
        {scope_filters(s, technician=True, prefix="t.")}
      GROUP BY ALL)
    ORDER BY priority NULLS LAST"""
    return core.query(sql, s.params())


def escalation_by(core: Queried, s: Scope, column: str) -> pd.DataFrame:
    """Tickets created in the period per ``queue`` or ``tier``: ``grp``, ``escalated``,
    ``known`` (with a known escalation), ``value`` (escalated / known) and ``hours`` (on
    escalated tickets). Empty when the column is not loaded."""
    if column not in ESCALATION_COLUMNS or not core.has("tickets", column):
        return pd.DataFrame()
    sql = f"""
    SELECT CAST(t.{column} AS VARCHAR) AS grp,
      count(*) FILTER (WHERE t.escalated) AS escalated,
      count(t.escalated) AS known,
      CAST(count(*) FILTER (WHERE t.escalated) AS DOUBLE) / NULLIF(count(t.escalated), 0)
        AS value,
      coalesce(sum(t.hours) FILTER (WHERE t.escalated), 0) AS hours
    FROM tickets_p t
    WHERE t.created_d BETWEEN {START} AND {END} {scope_filters(s, technician=True, prefix="t.")}
    GROUP BY ALL ORDER BY grp NULLS LAST"""
    return core.query(sql, s.params())


def _upcoming(s: Scope) -> str:
    """The contracts up for renewal in the longest bucket (docs/KPIS.md 7's window and rule,
    :data:`RENEWAL_BUCKETS` days long)."""
    window = upcoming_renewal("end_date", "renewed_eff", AS_OF, RENEWAL_BUCKETS[-1])
    return f"FROM contracts_p WHERE {window}{scope_filters(s, technician=False)}"


def upcoming_renewals(core: Queried, s: Scope) -> pd.DataFrame:
    """Contracts ending in the 120 days after as_of and not already renewed (the
    renewal rule of docs/KPIS.md 7), bucketed 30/60/90/120 days with their MRR.

    Columns: ``bucket`` (upper bound in days), ``contracts``, ``mrr``; every bucket
    present, 0 when empty; the MRR is empty when none of its contracts has a known one
    (an amount in a currency without a rate, issue 18).
    """
    if not core.has("contracts"):
        return pd.DataFrame()
    buckets = ", ".join(f"({b})" for b in RENEWAL_BUCKETS)
    sql = f"""
    WITH b(bucket) AS (VALUES {buckets}),
    k AS (SELECT CAST(end_date - {AS_OF} AS INTEGER) AS days, mrr_c {_upcoming(s)})
    SELECT b.bucket, count(k.days) AS contracts,
      CASE WHEN count(k.days) > 0 AND count(k.mrr_c) = 0 THEN NULL
           ELSE coalesce(fsum(k.mrr_c), 0) END AS mrr
    FROM b LEFT JOIN k
      ON k.days > b.bucket - {RENEWAL_BUCKETS[0]} AND k.days <= b.bucket
    GROUP BY b.bucket ORDER BY b.bucket"""
    return core.query(sql, s.params())


def upcoming_contracts(core: Queried, s: Scope, limit: int = 200) -> pd.DataFrame:
    """The contracts behind :func:`upcoming_renewals`, soonest first: ``contract_id``,
    ``client``, ``end_date``, ``days`` (after as_of), ``mrr``."""
    if not core.has("contracts"):
        return pd.DataFrame()
    sql = f"""
    SELECT contract_id, client, end_date,
      CAST(end_date - {AS_OF} AS INTEGER) AS days, mrr_c AS mrr
    {_upcoming(s)}
    ORDER BY end_date, client, contract_id LIMIT {int(limit)}"""
    return core.query(sql, s.params())


def project_portfolio(core: Queried, s: Scope) -> pd.DataFrame:
    """Every project that has started by D = min(period end, as_of), with its state
    (docs/KPIS.md 8), planned share, burn, CPI and SPI; late and over budget first."""
    if not core.has("projects"):
        return pd.DataFrame()
    sql = (
        "WITH "
        + ",\n".join(project_state_ctes(core, s))
        + """
    SELECT project_id, name, client, state, start_date, due_date, budget_hours,
      ac AS actual_hours, percent_complete, planned,
      ac / NULLIF(budget_hours, 0) AS burn, cpi, spi
    FROM ps WHERE start_date <= dd
    ORDER BY CASE state WHEN 'late' THEN 0 WHEN 'over_budget' THEN 1 WHEN 'at_risk' THEN 2
                        WHEN 'on_track' THEN 3 ELSE 4 END, due_date, project_id"""
    )
    return core.query(sql, s.params())


def _open_at_point(s: Scope) -> str:
    """The opportunities ``o`` open at D = min(period end, as_of) under the filters."""
    return (
        f"FROM opps_p o WHERE {opportunity_open('o.created_d', 'o.outcome', 'o.closed_d', POINT)}"
        f"{scope_filters(s, technician=False, prefix='o.')}"
    )


def pipeline_by_stage(core: Queried, s: Scope) -> pd.DataFrame:
    """Open opportunities at D per stage: ``stage``, ``n``, ``amount``, ``weighted``
    (amount x probability); largest amount first."""
    if not core.has("opportunities"):
        return pd.DataFrame()
    sql = f"""
    SELECT o.stage AS stage, count(*) AS n, fsum(o.amount) AS amount,
      fsum(o.amount * o.probability) AS weighted
    {_open_at_point(s)}
    GROUP BY ALL ORDER BY amount DESC NULLS LAST, stage"""
    return core.query(sql, s.params())


def stale_opportunities(core: Queried, s: Scope, limit: int = 200) -> pd.DataFrame:
    """Open opportunities at D without activity in the days before D that make one stale
    (:data:`kpi.metrics.conditions.STALE_DAYS`), oldest first: ``opportunity_id``,
    ``client``, ``stage``, ``amount``, ``probability``, ``last_activity``, ``days_idle``."""
    if not core.has("opportunities"):
        return pd.DataFrame()
    sql = f"""
    SELECT o.opportunity_id, o.client, o.stage, o.amount, o.probability,
      o.activity_d AS last_activity, {POINT} - o.activity_d AS days_idle
    {_open_at_point(s)} AND {stale("o.activity_d", POINT)}
    ORDER BY o.activity_d, o.opportunity_id LIMIT {int(limit)}"""
    return core.query(sql, s.params())


#: the columns :func:`tickets_by` groups by
TICKET_COLUMNS = ("category", "priority")


def tickets_by(core: Queried, s: Scope, column: str) -> pd.DataFrame:
    """Tickets created in the period per ``category`` or ``priority`` (the client report):
    ``grp`` (None = not given) and ``n``, most tickets first. Their sum is the
    ``tickets_opened`` KPI under the same filters. Empty when the column is not loaded."""
    if column not in TICKET_COLUMNS or not core.has("tickets", column):
        return pd.DataFrame()
    sql = f"""
    SELECT CAST(t.{column} AS VARCHAR) AS grp, count(*) AS n
    FROM tickets_p t
    WHERE t.created_d BETWEEN {START} AND {END} {scope_filters(s, technician=True, prefix="t.")}
    GROUP BY ALL ORDER BY n DESC, grp NULLS LAST"""
    return core.query(sql, s.params())


def active_contracts(core: Queried, s: Scope) -> pd.DataFrame:
    """The contracts active at D = min(period end, as_of) (docs/KPIS.md 7's rule), soonest end
    first: ``contract_id``, ``client``, ``start_date``, ``end_date``, ``days`` (from as_of
    to the end; None for a contract without an end), ``mrr``, ``renewed``. Their MRR
    sums to the ``mrr`` KPI at D under the same filters."""
    if not core.has("contracts"):
        return pd.DataFrame()
    sql = f"""
    SELECT k.contract_id, k.client, k.start_date, k.end_date,
      CAST(k.end_date - {AS_OF} AS INTEGER) AS days, k.mrr_c AS mrr, k.renewed_eff AS renewed
    FROM contracts_p k
    WHERE {_active("k", POINT)}{scope_filters(s, technician=False, prefix="k.")}
    ORDER BY k.end_date NULLS LAST, k.contract_id"""
    return core.query(sql, s.params())


def uncovered_device_list(core: Queried, s: Scope, limit: int = 500) -> pd.DataFrame:
    """The devices active at D and not covered, by host name (the ``uncovered_devices``
    KPI's rule when devices name their coverage: a covered flag, or a contract active at
    D): ``device_id``, ``hostname``, ``device_type``, ``last_seen``. Empty when devices
    do not name their coverage: the KPI then counts devices beyond what the contracts
    pay for, and which ones they are is not known."""
    if not core.has("devices") or not core.device_level:
        return pd.DataFrame()
    covered = "dv.covered IS TRUE"
    join = ""
    if core.has("contracts"):
        covered += " OR kact.contract_id IS NOT NULL"
        join = (
            "LEFT JOIN (SELECT DISTINCT k.contract_id FROM contracts_p k "
            f"WHERE {_active('k', POINT)}) kact ON kact.contract_id = dv.contract_id"
        )
    sql = f"""
    SELECT dv.device_id, dv.hostname, dv.device_type, dv.last_d AS last_seen
    FROM devices_p dv {join}
    WHERE {device_active("dv.first_d", "dv.last_d", "dv.active", POINT)}
      AND NOT ({covered}){scope_filters(s, technician=False, prefix="dv.")}
    ORDER BY dv.hostname NULLS LAST, dv.device_id LIMIT {int(limit)}"""
    return core.query(sql, s.params())
