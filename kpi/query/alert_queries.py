"""The named queries of the alert rules at a date (docs/KPIS.md 9): one row per contract,
project or opportunity that fires, read from the engine's prepared tables with the shared
conditions of :mod:`kpi.metrics.conditions` (renewal window, open at D, stale) and the
project states of :func:`kpi.query.families.project_state_ctes`.

Each query gives ``client, subject, value, estimate`` (what the alert puts at stake, in the
report currency; NULL when unknown) and the columns its message names (``when``, ``ac``,
``budget``), ordered by client and subject; the rule's threshold is bound as
``$threshold``, the period and filters as the family queries bind them. A query is None
when the data lacks its dataset (or its KPI's inputs): the rule then has no alerts.
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


#: The threshold of the rule running a query, as SQL: ``$threshold`` bound to a number.
THRESHOLD = "CAST($threshold AS DOUBLE)"
#: A project's budget overrun in money (docs/KPIS.md 9): the hours spent beyond the earned
#: hours (AC - EV, EV = percent complete x budget hours; without a percent complete, the
#: budget hours) at the project's price per hour (budget_amount / budget_hours); NULL
#: without a budget amount or when AC is not beyond EV. 12 h spent, 90 % of 10 h earned,
#: budget 1,000: (12 - 9) x 100 = 300.
PROJECT_OVERRUN = (
    "CASE WHEN ac > coalesce(ev_h, budget_hours)"
    " THEN (ac - coalesce(ev_h, budget_hours)) * budget_amount / NULLIF(budget_hours, 0) END"
)

#: ``$threshold`` as a whole number of days, truncated (90.7 -> 90).
THRESHOLD_DAYS = "CAST(trunc(CAST($threshold AS DOUBLE)) AS INTEGER)"


def renewals_due(core: AlertSource, s: Scope) -> str | None:
    """Contracts ending in ``(as_of, as_of + $threshold days]``, not already renewed
    (docs/KPIS.md 7): ``value`` the days left, ``estimate`` the contract's MRR."""
    if not core.has("contracts") or core.missing(get("renewals_upcoming")) is not None:
        return None
    return (
        f"SELECT client, contract_id AS subject, CAST(end_date - {AS_OF} AS DOUBLE) AS value,"
        ' mrr_c AS estimate, CAST(end_date AS VARCHAR) AS "when" FROM contracts_p WHERE '
        + upcoming_renewal("end_date", "renewed_eff", AS_OF, THRESHOLD_DAYS)
        + f"{scope_filters(s, technician=False)} ORDER BY client, contract_id"
    )


def _active_projects(core: AlertSource, s: Scope, select: str, where: str) -> str | None:
    """``select`` over the projects started and not completed at D (docs/KPIS.md 8) that
    meet ``where``, by client and subject (the name, else the id), with their
    :data:`PROJECT_OVERRUN` as ``estimate``."""
    if not core.has("projects"):
        return None
    return (
        "WITH " + ",\n".join(project_state_ctes(core, s)) + "\n"
        f"SELECT client, coalesce(name, project_id) AS subject, {select},\n"
        f"  {PROJECT_OVERRUN} AS estimate\n"
        f"FROM ps WHERE start_date <= dd AND state <> 'completed' AND {where}\n"
        "ORDER BY client, subject"
    )


def late_projects(core: AlertSource, s: Scope) -> str | None:
    """Late projects more than ``$threshold`` days past their due date at D: ``value``
    the days late, ``when`` the due date."""
    return _active_projects(
        core, s,
        "CAST(dd - due_date AS DOUBLE) AS value, CAST(due_date AS VARCHAR) AS \"when\"",
        f"state = 'late' AND CAST(dd - due_date AS DOUBLE) > {THRESHOLD}",
    )  # fmt: skip


def over_budget_projects(core: AlertSource, s: Scope) -> str | None:
    """Projects not late whose actual hours are above ``$threshold`` x their budget hours,
    or whose CPI is below 0.9: ``value`` the burn (actual / budget hours), ``ac`` and
    ``budget`` the hours."""
    return _active_projects(
        core, s,
        "coalesce(ac, 0) / NULLIF(budget_hours, 0) AS value, coalesce(ac, 0) AS ac,"
        " budget_hours AS budget",
        f"state <> 'late' AND (coalesce(ac > {THRESHOLD} * budget_hours, FALSE)"
        " OR coalesce(cpi < 0.9, FALSE))",
    )  # fmt: skip


def stale_opportunities(core: AlertSource, s: Scope) -> str | None:
    """Opportunities open at D without activity for more than ``$threshold`` days:
    ``value`` the days since the last activity, ``estimate`` the weighted amount (amount x
    probability, as pipeline_weighted)."""
    if not core.has("opportunities"):
        return None
    return (
        f"SELECT client, opportunity_id AS subject, CAST({POINT} - activity_d AS DOUBLE)"
        " AS value, amount * probability AS estimate FROM opps_p"
        f" WHERE {opportunity_open('created_d', 'outcome', 'closed_d', POINT)}"
        f" AND {stale('activity_d', POINT, THRESHOLD_DAYS)}"
        f"{scope_filters(s, technician=False)} ORDER BY client, opportunity_id"
    )


#: The named queries the rules declare (:attr:`kpi.metrics.alerts.AlertRule.query`).
ALERT_QUERIES: dict[str, Callable[[AlertSource, Scope], str | None]] = {
    "renewals_due": renewals_due,
    "late_projects": late_projects,
    "over_budget_projects": over_budget_projects,
    "stale_opportunities": stale_opportunities,
}
