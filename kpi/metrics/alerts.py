"""The alert rules (docs/KPIS.md 9): one frozen declaration per rule, next to the KPIs.

This module is data, like the KPI declarations. A rule reads either a KPI by client or by
technician (the engine's family query for that grouping; a generic runner compares its
value with the threshold) or a *named query* whose rows are the alerts at a date (a contract,
a project, an opportunity; :mod:`kpi.query.alert_queries` writes their SQL with the shared
conditions of :mod:`kpi.metrics.conditions`). :mod:`kpi.report.alerts` runs them all.

Each threshold has a key the user can override (``csat_low``, ``csat_low_min_responses``);
the texts (message, suggested action, the estimate's formula and why it may be empty) are
keyed in the catalogs (:mod:`kpi.texts`, ``alert.<key>``). Each rule declares what one alert puts
at stake (:class:`Estimate`), by which the alerts are ranked.

Example:
    >>> RULE_BY_ID["csat_low"].comparison, RULE_BY_ID["csat_low"].threshold
    ('<', 0.9)
    >>> list(DEFAULT_THRESHOLDS)[:2]
    ['csat_low', 'csat_low_min_responses']
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.metrics.conditions import STALE_DAYS, UPCOMING_DAYS

#: What an alert is about: a client or technician (KPI rules), or one row of a named query.
ALERT_GROUPINGS = ("client", "technician", "contract", "project", "opportunity")
#: How an alert's value and threshold read: ratios as percentages, counts, days.
ALERT_UNITS = ("ratio", "count", "days")


@dataclass(frozen=True)
class Severity:
    """How an alert's severity (``bad`` or ``warn``) follows from its value.

    Attributes:
        kind: ``fixed``: always ``level``; ``beyond``: ``bad`` when the value is beyond the
            threshold by more than ``margin`` x |threshold| (csat 0.80 < 0.90 - 0.09), else
            ``warn``; ``within``: ``bad`` when the value is at most ``days`` (a renewal
            ending in 30 days or fewer), else ``warn``.
        level: the severity of a ``fixed`` rule.
        margin: the share of the threshold of a ``beyond`` rule.
        days: the limit of a ``within`` rule.
    """

    kind: str
    level: str = "warn"
    margin: float = 0.10
    days: int = 0


BAD = Severity("fixed", "bad")
WARN = Severity("fixed", "warn")
BEYOND_10_PCT = Severity("beyond", margin=0.10)


@dataclass(frozen=True)
class Estimate:
    """What an alert puts at stake, in the report currency (docs/KPIS.md 9): alerts are
    ranked by it.

    Attributes:
        kind: ``kpi``: the group's value of ``kpi`` (by the rule's grouping, over the same
            period and filters); ``gap``: (threshold - value) x the denominator of the
            rule's KPI (the margin short of the threshold: revenue x the gap); ``query``:
            the ``estimate`` column of the rule's named query; ``none``: no estimate.
        kpi: the KPI of a ``kpi`` estimate.

    The formula in words is the text ``<rule>.estimate``, why it may be empty
    ``<rule>.no_estimate`` (:mod:`kpi.metrics.alert_texts`).
    """

    kind: str
    kpi: str | None = None


NO_ESTIMATE = Estimate("none")
FROM_QUERY = Estimate("query")

#: Renewals ending within this many days are ``bad`` (docs/KPIS.md 9).
RENEWAL_URGENT_DAYS = 30


@dataclass(frozen=True)
class AlertRule:
    """The declaration of one alert rule.

    Attributes:
        id: the ``rule`` column of every alert, and the key of its threshold.
        grouping: what one alert is about (:data:`ALERT_GROUPINGS`).
        kpi: the KPI read by ``grouping`` (client or technician), or None.
        query: the named query of :mod:`kpi.query.alert_queries` giving the rows that
            fire (its rows of this rule; the threshold bound as ``$th_<id>``), or None.
        comparison: ``<`` or ``>``: a KPI rule fires when the value compares so with the
            threshold (a query rule: None, its query holds the condition).
        threshold: the default threshold (the user overrides it by ``id``).
        min_count_key, min_count: a KPI rule fires only for a group whose denominator
            (responses, resolved tickets) is at least this threshold (None: no minimum).
        severity: how the severity follows from the value.
        unit: how the value and threshold read (:data:`ALERT_UNITS`).
        message: the key of the message (what happened) in the catalogs (``alert.<key>``).
        action: the key of the suggested action in the catalogs (``alert.<key>``).
        estimate: what one alert puts at stake (:class:`Estimate`); a query rule's is its
            query's ``estimate`` column.
    """

    id: str
    grouping: str
    kpi: str | None
    query: str | None
    comparison: str | None
    threshold: float
    severity: Severity
    unit: str
    message: str
    action: str
    estimate: Estimate
    min_count_key: str | None = None
    min_count: float | None = None


def _kpi_rule(id: str, grouping: str, kpi: str, comparison: str, threshold: float,
              severity: Severity, unit: str, estimate: Estimate,
              min_count: tuple[str, float] | None = None) -> AlertRule:  # fmt: skip
    """A rule reading ``kpi`` by ``grouping``; texts keyed ``<id>.message``/``.action``."""
    return AlertRule(
        id=id, grouping=grouping, kpi=kpi, query=None, comparison=comparison,
        threshold=threshold, severity=severity, unit=unit, message=f"{id}.message",
        action=f"{id}.action", estimate=estimate,
        min_count_key=min_count[0] if min_count else None,
        min_count=min_count[1] if min_count else None,
    )  # fmt: skip


def _query_rule(id: str, grouping: str, query: str, threshold: float, severity: Severity,
                unit: str) -> AlertRule:  # fmt: skip
    """A rule whose alerts are the rows of the named ``query`` (its estimate: the query's
    ``estimate`` column)."""
    return AlertRule(
        id=id, grouping=grouping, kpi=None, query=query, comparison=None,
        threshold=threshold, severity=severity, unit=unit, message=f"{id}.message",
        action=f"{id}.action", estimate=FROM_QUERY,
    )  # fmt: skip


# fmt: off
#: Every rule, in the order of docs/KPIS.md 9 (the order of alerts of equal rank).
RULES_DECLARED: tuple[AlertRule, ...] = (
    _kpi_rule("csat_low", "client", "csat", "<", 0.90, BEYOND_10_PCT, "ratio",
              Estimate("kpi", "mrr"), min_count=("csat_low_min_responses", 5)),
    _kpi_rule("sla_low", "client", "sla_rate", "<", 0.90, BEYOND_10_PCT, "ratio",
              Estimate("kpi", "mrr"), min_count=("sla_low_min_resolved", 5)),
    _kpi_rule("margin_low", "client", "gross_margin_pct", "<", 0.20, BEYOND_10_PCT, "ratio",
              Estimate("gap")),
    _kpi_rule("uncovered_devices", "client", "uncovered_devices", ">", 0, WARN, "count",
              Estimate("kpi", "uncovered_mrr")),
    _query_rule("renewal_due", "contract", "renewals_due", UPCOMING_DAYS,
                Severity("within", days=RENEWAL_URGENT_DAYS), "days"),
    _query_rule("project_late", "project", "projects_off_plan", 0, BAD, "days"),
    _query_rule("project_over_budget", "project", "projects_off_plan", 1.0, BAD, "ratio"),
    _query_rule("stale_opportunity", "opportunity", "stale_opportunities", STALE_DAYS, WARN,
                "days"),
    _kpi_rule("utilization_high", "technician", "utilization", ">", 0.90, BEYOND_10_PCT,
              "ratio", NO_ESTIMATE),
    _kpi_rule("utilization_low", "technician", "utilization", "<", 0.50, BEYOND_10_PCT,
              "ratio", NO_ESTIMATE),
)
# fmt: on

RULE_BY_ID: dict[str, AlertRule] = {r.id: r for r in RULES_DECLARED}
#: The rule ids, in order.
RULES: tuple[str, ...] = tuple(RULE_BY_ID)

#: Every threshold key with its default: each rule's, then its minimum count's.
DEFAULT_THRESHOLDS: dict[str, float] = {
    key: value
    for r in RULES_DECLARED
    for key, value in ((r.id, r.threshold), (r.min_count_key, r.min_count))
    if key is not None and value is not None
}
