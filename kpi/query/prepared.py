"""The prepared tables: the loaded tables with the per-row rules already applied (ticket
flags, durations on absolute time, monthly recurring revenue of each contract, its renewal,
...), made once per engine by :class:`kpi.query.core.Core`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

import numpy as np
import pyarrow as pa

from kpi.metrics.conditions import SUCCESSOR_DAYS, completed_status
from kpi.schema import NO_CLIENT

#: the prepared tables holding amounts (made again when the money options change)
MONEY_TABLES = frozenset({"contracts_p", "invoices_p", "opps_p"})
#: the prepared tables with a row per ticket or time entry: compressed one by one as they
#: are made (:meth:`kpi.query.core.Core._prepare`)
LARGE_TABLES = frozenset({"tickets_p", "time_p"})
#: the table a preparing statement makes
_MADE_TABLE = re.compile(r"CREATE (?:OR REPLACE )?TABLE (\w+)")

#: The row's position in its loaded table, a column of the prepared tables that have
#: display columns (:data:`DISPLAY`).
ROW_INDEX = "rid_"
#: Columns that the rows behind a number show (issue 21) but no KPI query reads, by the
#: side table holding them: ``side -> (dataset, columns)``. They stay the loaded Arrow
#: columns, registered as ``side`` with :data:`ROW_INDEX` and joined on it by
#: :mod:`kpi.query.rows`, instead of being copied into the compressed prepared tables:
#: at 1M tickets the unique ids doubled the compressing checkpoint (1.3 -> 2.5 s of CPU)
#: and the copy cost 0.4 s more, for a click that reads a few thousand rows.
DISPLAY: dict[str, tuple[str, tuple[str, ...]]] = {
    "tickets_x": ("tickets", ("ticket_id", "status")),
    "time_x": ("time_entries", ("ticket_id", "project_id", "work_type")),
}


def indexed(tables: Mapping[str, pa.Table]) -> tuple[dict[str, pa.Table], dict[str, pa.Table]]:
    """The loaded tables as the preparing statements read them (those with display
    columns gain :data:`ROW_INDEX`) and the side tables of :data:`DISPLAY`; no copy of
    the data."""
    raw = dict(tables)
    sides = {}
    for side, (dataset, columns) in DISPLAY.items():
        if dataset not in tables:
            continue
        table = tables[dataset]
        index = pa.array(np.arange(table.num_rows, dtype=np.int64))
        raw[dataset] = table.append_column(ROW_INDEX, index)
        sides[side] = table.select(list(columns)).append_column(ROW_INDEX, index)
    return raw, sides


#: Whether a dataset, or a column of it, is loaded: :meth:`kpi.query.core.Core.has`.
Has = Callable[..., bool]
#: The SQL of the hours between two timestamp columns, on absolute time.
HoursBetween = Callable[[str, str], str]


def statements(has: Has, tz: str) -> list[str]:
    """The statements that make the prepared tables of the loaded datasets, in the order
    they run (``staff_p`` before ``time_p``, which reads it). A statement holding ``$tz``
    takes the data's time zone as a bound parameter."""
    # Durations are measured on absolute time (docs/DETAILS.md 30): 01:30 -> 03:30 local on
    # the night clocks go forward in Madrid is 1 hour. Naive UTC needs no conversion.
    abs_ts = "timezone($tz, {})" if tz.upper() != "UTC" else "{}"

    def hours_between(a: str, b: str) -> str:
        return f"(epoch({abs_ts.format(b)}) - epoch({abs_ts.format(a)})) / 3600.0"

    stmts: list[str] = []
    for table in (_tickets, _surveys, _staff, _time_entries, _contracts, _devices, _projects,
                  _invoices, _opportunities):  # fmt: skip
        stmts += table(has, hours_between)
    return stmts


def _tickets(has: Has, hours_between: HoursBetween) -> list[str]:
    """``tickets_p``: one row per ticket with its dates, flags and durations."""
    if not has("tickets"):
        return []
    return [
        f"""
            CREATE TABLE tickets_p AS
            WITH r AS (
              SELECT *,
                -- resolution earlier than creation is no resolution (docs/DETAILS.md 13)
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
              -- the ticket flags (kpi.metrics.tickets.FLAG_NEEDS: a KPI reading one is
              -- produced when some ticket's is known)
              esc AS escalated,
              -- fcr: the flag; else resolved, not escalated, never reopened; unknown when
              -- escalation is unknown
              CASE WHEN first_contact_resolution IS NOT NULL THEN first_contact_resolution
                   WHEN esc IS NULL THEN NULL
                   ELSE res IS NOT NULL AND NOT esc AND coalesce(reopen_count, 0) = 0
              END AS fcr,
              CASE WHEN sla_met IS NOT NULL THEN sla_met
                   WHEN res IS NOT NULL AND due_at IS NOT NULL THEN res <= due_at
              END AS sla_met,
              -- reopened at least once; unknown when the count is empty (docs/KPIS.md 3)
              reopen_count >= 1 AS reopened,
              {hours_between("created_at", "res")} AS res_hours,
              CASE WHEN first_response_at >= created_at
                   THEN {hours_between("created_at", "first_response_at")} END AS frt_hours,
              hours,
              -- for the dashboards' breakdowns (kpi.query.breakdowns)
              priority, category, queue, tier,
              -- the rows behind a KPI show the ticket's id and status from tickets_x
              {ROW_INDEX}
            FROM r"""
    ]


def _surveys(has: Has, hours_between: HoursBetween) -> list[str]:
    """``surveys_p``: one row per survey response."""
    if not has("surveys"):
        return []
    return [
        f"""
            CREATE TABLE surveys_p AS
            SELECT coalesce(client, '{NO_CLIENT}') AS client,
              coalesce(technician, '{NO_CLIENT}') AS technician,
              CAST(responded_at AS DATE) AS d,
              CAST(date_trunc('month', CAST(responded_at AS DATE)) AS DATE) AS month, satisfied,
              survey_id, ticket_id, score
            FROM raw_surveys"""
    ]


def _staff(has: Has, hours_between: HoursBetween) -> list[str]:
    """``staff_p``: the technicians with their weekly hours (40 unless given) and cost."""
    if not has("staff"):
        return []
    return [
        """
            CREATE TABLE staff_p AS
            SELECT technician, coalesce(weekly_hours, 40.0) AS weekly, hourly_cost
            FROM raw_staff WHERE technician IS NOT NULL"""
    ]


def _time_entries(has: Has, hours_between: HoursBetween) -> list[str]:
    """``time_p``: the time entries with their technician's hourly cost; and
    ``project_time_p``: the hours booked on projects."""
    if not has("time_entries"):
        return []
    cost = "s.hourly_cost" if has("staff") else "CAST(NULL AS DOUBLE)"
    # docs/DATA.md: without a billable column every hour is billable; with one, an
    # empty value is not billable (docs/DETAILS.md 25)
    billable = "coalesce(t.billable, FALSE)" if has("time_entries", "billable") else "TRUE"
    join = "LEFT JOIN staff_p s ON s.technician = t.technician" if has("staff") else ""
    return [
        f"""
            CREATE TABLE time_p AS
            SELECT coalesce(t.client, '{NO_CLIENT}') AS client, t.technician,
              t.date AS d, CAST(date_trunc('month', t.date) AS DATE) AS month, t.hours,
              {billable} AS billable, {cost} AS hourly_cost,
              t.{ROW_INDEX}  -- the rows behind a KPI show its ids from time_x
            FROM raw_time_entries t {join}""",
        # the hours booked on projects, apart: a project's actual cost at D reads
        # these few rows, not every time entry (docs/KPIS.md 8)
        """
            CREATE TABLE project_time_p AS
            SELECT project_id, date AS d, hours
            FROM raw_time_entries WHERE project_id IS NOT NULL""",
    ]


def _contracts(has: Has, hours_between: HoursBetween) -> list[str]:
    """``contracts_p``: each contract's MRR and whether it was renewed (money: made again
    when the money options change)."""
    if not has("contracts"):
        return []
    return [
        f"""
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
              -- renewed (docs/DETAILS.md 27): the flag decides; else auto_renew; else a successor
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
            FROM c"""
    ]


def _devices(has: Has, hours_between: HoursBetween) -> list[str]:
    """``devices_p``: one row per device with its first and last day seen."""
    if not has("devices"):
        return []
    return [
        f"""
            CREATE TABLE devices_p AS
            SELECT device_id, coalesce(client, '{NO_CLIENT}') AS client,
              CAST(first_seen AS DATE) AS first_d, CAST(last_seen AS DATE) AS last_d,
              active, covered, contract_id, hostname, device_type
            FROM raw_devices"""
    ]


def _projects(has: Has, hours_between: HoursBetween) -> list[str]:
    """``projects_p``: one row per project, with whether its status says completed."""
    if not has("projects"):
        return []
    return [
        f"""
            CREATE TABLE projects_p AS
            SELECT project_id, coalesce(client, '{NO_CLIENT}') AS client, name, status,
              {completed_status("status")} AS status_done,
              start_date, due_date, budget_hours, actual_hours, percent_complete, closed_at,
              budget_amount
            FROM raw_projects"""
    ]


def _invoices(has: Has, hours_between: HoursBetween) -> list[str]:
    """``invoices_p``: the invoice lines in the report currency (money)."""
    if not has("invoices"):
        return []
    return [
        f"""
            CREATE OR REPLACE TABLE invoices_p AS
            SELECT coalesce(client, '{NO_CLIENT}') AS client, date AS d,
              CAST(date_trunc('month', date) AS DATE) AS month, amount, cost, has_cost,
              invoice_id, type
            FROM money_invoices"""
    ]


def _opportunities(has: Has, hours_between: HoursBetween) -> list[str]:
    """``opps_p``: one row per opportunity with its outcome and sales cycle (money)."""
    if not has("opportunities"):
        return []
    # an empty amount is unknown, not 0 (issue 18 overrides docs/DETAILS.md 29)
    return [
        f"""
            CREATE OR REPLACE TABLE opps_p AS
            SELECT opportunity_id, coalesce(client, '{NO_CLIENT}') AS client,
              CAST(created_at AS DATE) AS created_d, CAST(closed_at AS DATE) AS closed_d,
              coalesce(outcome, 'open') AS outcome, amount,
              probability,
              CAST(coalesce(last_activity_at, created_at) AS DATE) AS activity_d,
              -- a deal closed before it was created has no sales cycle (ingestion warns)
              CASE WHEN outcome IN ('won', 'lost') AND closed_at >= created_at
                   THEN {hours_between("created_at", "closed_at")} / 24.0 END AS cycle_days,
              stage, owner
            FROM money_opportunities"""
    ]
