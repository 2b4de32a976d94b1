"""The named queries of the alert rules at a date (docs/KPIS.md 9): one row per contract,
project or opportunity that fires, read from the engine's prepared tables with the shared
conditions of :mod:`kpi.metrics.conditions` (renewal window, open at D, stale) and the
project states of :func:`kpi.query.families.project_state_ctes`.

Each query gives ``rule, client, subject, value, estimate`` (what the alert puts at stake,
in the report currency; NULL when unknown) and the columns its messages name (``when``,
``ac``, ``budget``), ordered by client and subject. One query may serve several rules (the
late and the over-budget projects: one read of the projects), each row naming its rule.
Each rule's threshold is bound as ``$th_<rule>`` (:func:`threshold`), the period and
filters as the family queries bind them. A query is None when the data lacks its dataset
(or its KPI's inputs): its rules then have no alerts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from kpi.metrics import Kpi, get
from kpi.metrics.conditions import opportunity_open, stale, upcoming_renewal
from kpi.query.breakdowns import Queried
from kpi.query.families import project_state_ctes
from kpi.query.scope import AS_OF, POINT, Scope, scope_filters


class AlertSource(Queried, Protocol):
    """What the alert queries read of the engine (:class:`kpi.query.core.Core`): the
    loaded datasets and columns, whether a KPI's inputs are loaded, the connection."""

    def missing(self, kpi: Kpi, lang: str = "en") -> str | None: ...


def threshold_param(rule: str) -> str:
    """The name of the bound parameter holding ``rule``'s threshold: ``th_renewal_due``."""
    return f"th_{rule}"


def threshold(rule: str) -> str:
    """``rule``'s threshold in SQL: ``CAST($th_project_late AS DOUBLE)``."""
    return f"CAST(${threshold_param(rule)} AS DOUBLE)"


def threshold_days(rule: str) -> str:
    """``rule``'s threshold as a whole number of days, truncated (90.7 -> 90)."""
    return f"CAST(trunc({threshold(rule)}) AS INTEGER)"


#: A project's budget overrun in money (docs/KPIS.md 9): the hours spent beyond the earned
#: hours (AC - EV, EV = percent complete x budget hours; without a percent complete, the
#: budget hours) at the project's price per hour (budget_amount / budget_hours); NULL
#: without a budget amount or when AC is not beyond EV. 12 h spent, 90 % of 10 h earned,
#: budget 1,000: (12 - 9) x 100 = 300.
PROJECT_OVERRUN = (
    "CASE WHEN ac > coalesce(ev_h, budget_hours)"
    " THEN (ac - coalesce(ev_h, budget_hours)) * budget_amount / NULLIF(budget_hours, 0) END"
)


def renewals_due(core: AlertSource, s: Scope) -> str | None:
    """Rule ``renewal_due``: contracts ending in ``(as_of, as_of + threshold days]``, not
    already renewed (docs/KPIS.md 7); ``value`` the days left, ``estimate`` the contract's
    MRR."""
    if not core.has("contracts") or core.missing(get("renewals_upcoming")) is not None:
        return None
    return (
        "SELECT 'renewal_due' AS rule, client, contract_id AS subject,"
        f" CAST(end_date - {AS_OF} AS DOUBLE) AS value, mrr_c AS estimate,"
        ' CAST(end_date AS VARCHAR) AS "when" FROM contracts_p WHERE '
        + upcoming_renewal("end_date", "renewed_eff", AS_OF, threshold_days("renewal_due"))
        + f"{scope_filters(s, technician=False)} ORDER BY client, contract_id"
    )


def projects_off_plan(core: AlertSource, s: Scope) -> str | None:
    """Rules ``project_late`` and ``project_over_budget`` over the projects started and not
    completed at D (docs/KPIS.md 8), by client and subject (the name, else the id):

    * late more than the threshold days past the due date: ``value`` the days late,
      ``when`` the due date;
    * not late, with actual hours above the threshold x budget hours or a CPI below 0.9:
      ``value`` the burn (actual / budget hours), ``ac`` and ``budget`` the hours.

    A late project within its threshold is neither. ``estimate``: :data:`PROJECT_OVERRUN`.
    """
    if not core.has("projects"):
        return None
    late = f"state = 'late' AND CAST(dd - due_date AS DOUBLE) > {threshold('project_late')}"
    over = (
        f"state <> 'late' AND (coalesce(ac > {threshold('project_over_budget')} * budget_hours,"
        " FALSE) OR coalesce(cpi < 0.9, FALSE))"
    )
    return (
        "WITH " + ",\n".join(project_state_ctes(core, s)) + ",\n"
        "fired AS (\n"
        "  SELECT *, CASE WHEN " + late + " THEN 'project_late'\n"
        "    WHEN " + over + " THEN 'project_over_budget' END AS rule\n"
        "  FROM ps WHERE start_date <= dd AND state <> 'completed')\n"
        "SELECT rule, client, coalesce(name, project_id) AS subject,\n"
        "  CASE WHEN rule = 'project_late' THEN CAST(dd - due_date AS DOUBLE)\n"
        "       ELSE coalesce(ac, 0) / NULLIF(budget_hours, 0) END AS value,\n"
        f"  {PROJECT_OVERRUN} AS estimate,\n"
        '  CAST(due_date AS VARCHAR) AS "when", coalesce(ac, 0) AS ac, budget_hours AS budget\n'
        "FROM fired WHERE rule IS NOT NULL ORDER BY client, subject"
    )


def stale_opportunities(core: AlertSource, s: Scope) -> str | None:
    """Rule ``stale_opportunity``: opportunities open at D without activity for more than
    the threshold days; ``value`` the days since the last activity, ``estimate`` the
    weighted amount (amount x probability, as pipeline_weighted)."""
    if not core.has("opportunities"):
        return None
    return (
        "SELECT 'stale_opportunity' AS rule, client, opportunity_id AS subject,"
        f" CAST({POINT} - activity_d AS DOUBLE) AS value, amount * probability AS estimate"
        f" FROM opps_p WHERE {opportunity_open('created_d', 'outcome', 'closed_d', POINT)}"
        f" AND {stale('activity_d', POINT, threshold_days('stale_opportunity'))}"
        f"{scope_filters(s, technician=False)} ORDER BY client, opportunity_id"
    )


#: The named queries the rules declare (:attr:`kpi.metrics.alerts.AlertRule.query`).
ALERT_QUERIES: dict[str, Callable[[AlertSource, Scope], str | None]] = {
    "renewals_due": renewals_due,
    "projects_off_plan": projects_off_plan,
    "stale_opportunities": stale_opportunities,
}
