"""The alerts (docs/KPIS.md 9): the declared rules of :mod:`kpi.metrics.alerts`, run.

Each alert names ``rule, severity, client, subject, value, threshold, estimate, message``.
A rule reading a KPI is run by one generic runner: the KPI by client or technician (the
family query of that grouping, or the engine's cube of every client), compared with the
threshold, with its minimum count. A rule reading a named query
(:mod:`kpi.query.alert_queries`) takes its rows as they come. The severity follows the
rule's :class:`~kpi.metrics.alerts.Severity`; the message is the rule's message and
suggested action (:mod:`kpi.metrics.alert_texts`) with the numbers in the reader's language.

The ``estimate`` is what the alert puts at stake in the report currency (the rule's
:class:`~kpi.metrics.alerts.Estimate`), empty where none exists. Every amount in it is
computed by SQL: a named query's ``estimate`` column, or a KPI by the rule's grouping (the
client's MRR, its uncovered MRR); the margin gap multiplies the KPI's SQL aggregates
((threshold - value) x revenue). Alerts are ranked by it: estimate from largest (empty
last), then severity (bad first), then rule order, client and subject.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd
from babel.numbers import format_decimal, format_percent

from kpi.errors import UsageError
from kpi.metrics import get
from kpi.metrics.alert_texts import alert_text
from kpi.metrics.alerts import DEFAULT_THRESHOLDS, RULES, RULES_DECLARED, AlertRule
from kpi.present.fmt import date_digits
from kpi.query import Core, Scope
from kpi.query.alert_queries import ALERT_QUERIES, threshold_param
from kpi.query.core import QUERY_THREADS

ALERT_COLUMNS = (
    "rule", "severity", "client", "subject", "value", "threshold", "estimate", "message",
)  # fmt: skip

__all__ = ["ALERT_COLUMNS", "DEFAULT_THRESHOLDS", "RULES", "compute", "thresholds_with"]

#: The long rows of the KPIs the rules read: (kpi, grouping) -> ``grp, value, numerator,
#: denominator``; and the rows of the named queries: rule -> the query's columns.
KpiRows = dict[tuple[str, str], pd.DataFrame]
QueryRows = dict[str, pd.DataFrame]
#: One firing row of a rule: ``client, subject, value, estimate`` and its message's
#: arguments.
Hit = dict[str, Any]


def thresholds_with(overrides: dict[str, float]) -> dict[str, float]:
    """The default thresholds with the user's overrides.

    Raises:
        UsageError: an unknown threshold name.
    """
    unknown = set(overrides) - set(DEFAULT_THRESHOLDS)
    if unknown:
        raise UsageError(
            f"unknown alert threshold(s) {sorted(unknown)}; known: {', '.join(DEFAULT_THRESHOLDS)}"
        )
    out = dict(DEFAULT_THRESHOLDS)
    out.update({k: float(v) for k, v in overrides.items()})
    return out


def _fmt(value: float, lang: str, percent: bool = False) -> str:
    """A number for a message in the user's language: 0.885 -> ``88.5%`` / ``88,5 %``;
    1234.5 -> ``1,234.5`` / ``1.234,5``."""
    locale = "es" if lang == "es" else "en"
    if percent:
        text = str(format_percent(value, "#,##0.#%", locale=locale))
        return text.replace("%", "\u00a0%") if locale == "es" else text
    return str(format_decimal(value, "#,##0.##", locale=locale))


def message(rule: AlertRule, lang: str, **kw: object) -> str:
    """The message of one alert of ``rule``: what happened and the suggested action, its
    numbers in ``lang`` (value and threshold as percentages for a ratio rule) and its date
    (``when``, an ISO text from the query) as the language writes it: ``31/03/2026``."""
    percent = rule.unit == "ratio"
    args = {
        k: _fmt(v, lang, percent=percent and k in ("v", "t")) if isinstance(v, int | float) else v
        for k, v in kw.items()
    }
    if isinstance(kw.get("when"), str):
        args["when"] = date_digits(str(kw["when"]), lang)
    text = alert_text(rule.message, lang) + " " + alert_text(rule.action, lang)
    return text.format(**args)


def severity(rule: AlertRule, value: float, threshold: float) -> str:
    """``bad`` or ``warn`` for an alert of ``rule`` with this value (its declared
    :class:`~kpi.metrics.alerts.Severity`)."""
    sev = rule.severity
    if sev.kind == "fixed":
        return sev.level
    if sev.kind == "within":
        bad = value <= sev.days
    elif sev.kind == "beyond" and rule.comparison in ("<", ">"):
        margin = sev.margin * abs(threshold)
        bad = value < threshold - margin if rule.comparison == "<" else value > threshold + margin
    else:
        raise ValueError(f"rule {rule.id}: severity {sev.kind!r} needs a comparison")
    return "bad" if bad else "warn"


def _kpi_alerts(
    rule: AlertRule, long: pd.DataFrame, th: dict[str, float], kpi_rows: KpiRows
) -> list[Hit]:
    """The groups of a KPI rule that fire: value compared with the threshold, the count
    (the KPI's denominator, ``n`` of the message) at least the minimum; ``client`` or
    ``subject`` the group, ``estimate`` the rule's :class:`~kpi.metrics.alerts.Estimate`."""
    t = th[rule.id]
    value = long["value"].to_numpy(dtype=float)
    count = long["denominator"].to_numpy(dtype=float)
    fires = value < t if rule.comparison == "<" else value > t
    if rule.min_count_key is not None:
        fires &= count >= th[rule.min_count_key]
    at = np.flatnonzero(fires)
    groups = long["grp"].to_numpy(dtype=object)[at]
    estimates = _kpi_estimate(rule, groups, value[at], count[at], t, kpi_rows)
    by_client = rule.grouping == "client"
    return [
        {"client": g if by_client else None, "subject": None if by_client else g,
         "value": float(v), "estimate": float(e), "n": float(n)}
        for g, v, e, n in zip(groups, value[at], estimates, count[at], strict=True)
    ]  # fmt: skip


def _kpi_estimate(
    rule: AlertRule,
    groups: np.ndarray,
    value: np.ndarray,
    count: np.ndarray,
    t: float,
    kpi_rows: KpiRows,
) -> np.ndarray:
    """The estimate of each firing group of a KPI rule (NaN: none): the gap (threshold -
    value) x denominator, or the group's value of the estimate's KPI."""
    est = rule.estimate
    if est.kind == "gap":
        return (t - value) * count
    source = kpi_rows.get((est.kpi, rule.grouping)) if est.kind == "kpi" and est.kpi else None
    if source is None:
        return np.full(len(groups), np.nan)
    by_group = dict(zip(source["grp"].tolist(), source["value"].tolist(), strict=True))
    return np.array([by_group.get(g, np.nan) for g in groups], dtype=float)


def compute(
    core: Core,
    scope: Scope,
    lang: str,
    overrides: dict[str, float],
    client_rows: Callable[[Scope, list[str]], pd.DataFrame | None],
) -> pd.DataFrame:
    """Every alert of the period and filters of ``scope``.

    Args:
        core: the engine's queries.
        scope: the period and the filters.
        lang: ``en`` or ``es``, for the messages.
        overrides: threshold key -> threshold overriding :data:`DEFAULT_THRESHOLDS`.
        client_rows: the long rows of some KPIs by client under a one-client ``scope``,
            from the engine's cube of every client, or None (see
            :meth:`kpi.report.engine.Engine.client_rows`).

    Raises:
        UsageError: an unknown threshold key.
    """
    th = thresholds_with(overrides)
    kpi_rows, query_rows = _inputs(core, scope, th, client_rows)
    alerts: list[dict[str, Any]] = []
    for rule in RULES_DECLARED:
        if rule.kpi is not None:
            long = kpi_rows.get((rule.kpi, rule.grouping))
            hits = _kpi_alerts(rule, long, th, kpi_rows) if long is not None else []
        else:
            rows = query_rows.get(rule.id)
            hits = [{str(k): v for k, v in r.items()} for r in rows.to_dict("records")] if (
                rows is not None) else []  # fmt: skip
        alerts += [_alert(rule, hit, th[rule.id], lang) for hit in hits]
    return _sorted(alerts)


def _alert(rule: AlertRule, hit: Hit, t: float, lang: str) -> dict[str, Any]:
    """One alert of ``rule`` from its row: with its severity, threshold and message (the
    row's other columns are the message's arguments)."""
    value = float(hit["value"])
    estimate = hit.get("estimate")
    args = {k: v for k, v in hit.items() if k not in ("client", "subject", "value", "estimate")}
    client, subject = hit["client"], hit["subject"]
    return {
        "rule": rule.id,
        "severity": severity(rule, value, t),
        "client": client,
        "subject": subject,
        "value": value,
        "threshold": float(t),
        "estimate": np.nan if estimate is None else float(estimate),
        "message": message(rule, lang, client=client, subject=subject, v=value, t=t, **args),
    }


def _family_long(
    core: Core, scope: Scope, family: str, dim: str, kpi_ids: list[str]
) -> dict[str, pd.DataFrame]:
    """The long rows of some KPIs of one family by ``dim`` (client or technician) for the
    alert scope, by KPI: one family query; the KPIs not computed for it left out."""
    kpis = [k for k in (get(i) for i in kpi_ids) if core.computes(k, scope)]
    if not kpis:
        return {}
    sub = Scope(scope.period, (dim,), scope.clients, scope.technicians, kpis)
    long = core.run_family(family, sub)
    ids = long["kpi"].to_numpy()
    return {k.id: _known(long[ids == k.id]) for k in kpis}


def _known(long: pd.DataFrame) -> pd.DataFrame:
    """The rows with a group and a value: ``grp, value, numerator, denominator``."""
    long = long[long["grp"].notna() & long["value"].notna()]
    return long[["grp", "value", "numerator", "denominator"]].reset_index(drop=True)


def _inputs(
    core: Core,
    scope: Scope,
    th: dict[str, float],
    client_rows: Callable[[Scope, list[str]], pd.DataFrame | None],
) -> tuple[KpiRows, QueryRows]:
    """What the rules read: the KPIs by client or technician and the rows of the named
    queries, by rule; all of them :data:`QUERY_THREADS` at a time."""
    # the KPIs the rules compare, then those their estimates read (MRR by client...)
    wanted = list(
        dict.fromkeys(
            [(r.kpi, r.grouping) for r in RULES_DECLARED if r.kpi]
            + [(r.estimate.kpi, r.grouping) for r in RULES_DECLARED if r.estimate.kpi]
        )
    )
    # Under one client, the client KPIs are read from the engine's cube of every client
    # once it has one for this period (as the reports are: Engine._from_cube)
    by_client = [k for k, dim in wanted if dim == "client" and core.computes(get(k), scope)]
    cubed = client_rows(scope, by_client) if by_client else None
    kpi_rows: KpiRows = {}
    if cubed is not None:
        kpi_ids = cubed["kpi"].to_numpy()
        kpi_rows |= {(k, dim): _known(cubed[kpi_ids == k]) for k, dim in wanted if dim == "client"}
    # the KPIs still to query, one family query per family and grouping
    asked: dict[tuple[str, str], list[str]] = {}
    for k, dim in wanted:
        if (k, dim) not in kpi_rows:
            asked.setdefault((get(k).family, dim), []).append(k)
    # the named queries with the thresholds of their rules; the rules at dates list
    # contracts, projects and opportunities, which have no technician: none under a
    # technician filter
    queries: dict[str, tuple[str, dict[str, object]]] = {}
    for rule in RULES_DECLARED:
        if rule.query is None or scope.technicians is not None:
            continue
        if rule.query not in queries:
            sql = ALERT_QUERIES[rule.query](core, scope)
            if sql is None:
                continue
            queries[rule.query] = (sql, scope.params())
        queries[rule.query][1][threshold_param(rule.id)] = th[rule.id]
    with ThreadPoolExecutor(QUERY_THREADS, thread_name_prefix="kpi-alerts") as pool:
        kpi_jobs = {
            (family, dim): pool.submit(_family_long, core, scope, family, dim, ids)
            for (family, dim), ids in asked.items()
        }
        query_jobs = {name: pool.submit(core.query, *q) for name, q in queries.items()}
        for (_family, dim), job in kpi_jobs.items():
            kpi_rows |= {(k, dim): rows for k, rows in job.result().items()}
        by_query = {name: job.result() for name, job in query_jobs.items()}
    query_rows = {
        rule.id: _rows_of(by_query[rule.query], rule.id)
        for rule in RULES_DECLARED
        if rule.query in by_query
    }
    return kpi_rows, query_rows


def _rows_of(rows: pd.DataFrame, rule: str) -> pd.DataFrame:
    """The rows of a named query that fire for ``rule`` (its ``rule`` column)."""
    return rows[rows["rule"] == rule].drop(columns="rule").reset_index(drop=True)


def _fold(v: object) -> str:
    """A client or subject for sorting: case aside, empty first."""
    return "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).casefold()


def _sorted(alerts: list[dict[str, Any]]) -> pd.DataFrame:
    """The alerts by what is at stake: estimate from largest (empty last), then severity
    (bad first), then rule order, client and subject (case aside)."""
    order = {r: i for i, r in enumerate(RULES)}

    def rank(a: dict[str, Any]) -> tuple[bool, float, bool, int, str, str]:
        est = a["estimate"]
        empty = bool(np.isnan(est))
        return (empty, 0.0 if empty else -est, a["severity"] != "bad", order[a["rule"]],
                _fold(a["client"]), _fold(a["subject"]))  # fmt: skip

    ranked: list[dict[str, Any]] = sorted(alerts, key=rank)
    out = pd.DataFrame(ranked, columns=list(ALERT_COLUMNS))
    return out.astype({"value": float, "threshold": float, "estimate": float})
