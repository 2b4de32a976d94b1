"""Alert rules (KPIS.md 9): what needs someone's attention, and what to do about it.

Each rule has a default threshold the user can change (:data:`DEFAULT_THRESHOLDS`), and
each alert names ``rule, severity, client, subject, value, threshold, message``:

=====================  =====================================================  ==========
rule                   fires when                                              threshold
=====================  =====================================================  ==========
csat_low               client csat < threshold with >= 5 responses             0.90
sla_low                client sla_rate < threshold with >= 5 resolved          0.90
margin_low             client gross_margin_pct < threshold                     0.20
uncovered_devices      client uncovered_devices > threshold (at D)             0
renewal_due            contract ending in (as_of, as_of + threshold days],     90
                       not already renewed
project_late           active project more than threshold days past due (D)    0
project_over_budget    active project, not late, with actual hours above       1.0
                       threshold x budget or CPI < 0.9 (the over_budget state)
stale_opportunity      open opportunity without activity for more than         30
                       threshold days (at D)
utilization_high       technician utilization > threshold                      0.90
utilization_low        technician utilization < threshold (staff only)         0.50
=====================  =====================================================  ==========

Severity is ``bad`` or ``warn``: ratio rules are ``bad`` when the value is more than 10%
beyond the threshold (csat 0.80 < 0.90 x 0.9), else ``warn``; renewals ending within 30
days, late and over-budget projects are ``bad``; the rest ``warn``. The minimum counts
(``csat_low_min_responses``, ``sla_low_min_resolved``) are thresholds too.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import pandas as pd
from babel.numbers import format_decimal, format_percent

from kpi.errors import UsageError
from kpi.metrics import get
from kpi.metrics.conditions import (
    STALE_DAYS,
    UPCOMING_DAYS,
    opportunity_open,
    stale,
    upcoming_renewal,
)
from kpi.query import Core, Scope
from kpi.query.core import QUERY_THREADS
from kpi.query.families import project_state_ctes
from kpi.query.scope import AS_OF, POINT, scope_filters

ALERT_COLUMNS = ("rule", "severity", "client", "subject", "value", "threshold", "message")

RULES = (
    "csat_low",
    "sla_low",
    "margin_low",
    "uncovered_devices",
    "renewal_due",
    "project_late",
    "project_over_budget",
    "stale_opportunity",
    "utilization_high",
    "utilization_low",
)

DEFAULT_THRESHOLDS: dict[str, float] = {
    "csat_low": 0.90,
    "csat_low_min_responses": 5,
    "sla_low": 0.90,
    "sla_low_min_resolved": 5,
    "margin_low": 0.20,
    "uncovered_devices": 0,
    "renewal_due": UPCOMING_DAYS,
    "project_late": 0,
    "project_over_budget": 1.0,
    "stale_opportunity": STALE_DAYS,
    "utilization_high": 0.90,
    "utilization_low": 0.50,
}

#: Renewals ending within this many days are ``bad``.
RENEWAL_URGENT_DAYS = 30

# Messages: what happened and the action to take. {v} value, {t} threshold, {n} count.
MESSAGES: dict[str, dict[str, str]] = {
    "csat_low": {
        "en": "{client}: CSAT {v} from {n} responses, below {t}. "
        "Review the unsatisfied responses with the team.",
        "es": "{client}: CSAT del {v} con {n} respuestas, por debajo del {t}. "
        "Revisa con el equipo las respuestas insatisfechas.",
    },
    "sla_low": {
        "en": "{client}: {v} of {n} resolved tickets met the SLA, below {t}. "
        "Check the queue load and priorities.",
        "es": "{client}: el {v} de {n} tickets resueltos cumplió el SLA, por debajo "
        "del {t}. Revisa la carga de la cola y las prioridades.",
    },
    "margin_low": {
        "en": "{client}: gross margin {v}, below {t}. Review the pricing and the hours spent.",
        "es": "{client}: margen bruto del {v}, por debajo del {t}. "
        "Revisa el precio y las horas dedicadas.",
    },
    "uncovered_devices": {
        "en": "{client}: {v} active devices not covered by a contract. "
        "Add them to the contract or retire them.",
        "es": "{client}: {v} equipos activos sin contrato que los cubra. "
        "Añádelos al contrato o dalos de baja.",
    },
    "renewal_due": {
        "en": "{client}: contract {subject} ends on {when} (in {v} days). Prepare the renewal.",
        "es": "{client}: el contrato {subject} termina el {when} (en {v} días). "
        "Prepara la renovación.",
    },
    "project_late": {
        "en": "{client}: project {subject} is {v} days past its due date ({when}). "
        "Agree a new plan with the client.",
        "es": "{client}: el proyecto {subject} lleva {v} días de retraso (fecha prevista "
        "{when}). Acuerda un nuevo plan con el cliente.",
    },
    "project_over_budget": {
        "en": "{client}: project {subject} has used {ac} of {budget} budget hours. "
        "Review the scope and the budget.",
        "es": "{client}: el proyecto {subject} ha consumido {ac} de {budget} horas "
        "presupuestadas. Revisa el alcance y el presupuesto.",
    },
    "stale_opportunity": {
        "en": "{client}: opportunity {subject} has had no activity for {v} days. "
        "Follow it up or close it.",
        "es": "{client}: la oportunidad {subject} lleva {v} días sin actividad. "
        "Haz seguimiento o ciérrala.",
    },
    "utilization_high": {
        "en": "{subject}: utilisation {v}, above {t}. Rebalance the workload.",
        "es": "{subject}: utilización del {v}, por encima del {t}. "
        "Reparte mejor la carga de trabajo.",
    },
    "utilization_low": {
        "en": "{subject}: utilisation {v}, below {t}. Assign billable work.",
        "es": "{subject}: utilización del {v}, por debajo del {t}. Asigna trabajo facturable.",
    },
}


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


#: Rules whose value and threshold are fractions, shown as percentages in messages.
PERCENT_RULES = frozenset(
    {"csat_low", "sla_low", "margin_low", "utilization_high", "utilization_low"}
)


def _fmt(value: float, lang: str, percent: bool = False) -> str:
    """A number for a message in the user's language: 0.885 -> ``88.5%`` / ``88,5 %``;
    1234.5 -> ``1,234.5`` / ``1.234,5``."""
    locale = "es" if lang == "es" else "en"
    if percent:
        text = str(format_percent(value, "#,##0.#%", locale=locale))
        return text.replace("%", "\u00a0%") if locale == "es" else text
    return str(format_decimal(value, "#,##0.##", locale=locale))


def _message(rule: str, lang: str, **kw: object) -> str:
    percent = rule in PERCENT_RULES
    args = {
        k: _fmt(v, lang, percent=percent and k in ("v", "t")) if isinstance(v, int | float) else v
        for k, v in kw.items()
    }
    return MESSAGES[rule]["es" if lang == "es" else "en"].format(**args)


def _ratio_severity(value: float, threshold: float, below: bool) -> str:
    if below:
        return "bad" if value < threshold * 0.9 else "warn"
    return "bad" if value > threshold * 1.1 else "warn"


def _kpi_rows(
    core: Core, scope: Scope, kpi_id: str, dim: str
) -> list[tuple[str, float, float, float]]:
    """``(group, value, numerator, denominator)`` of one KPI by ``dim`` (client or
    technician) for the alert scope; groups with an empty value are left out."""
    k = get(kpi_id)
    if not core.computes(k, scope):
        return []
    sub = Scope(scope.period, (dim,), scope.clients, scope.technicians, [k])
    return _listed(core.run_family(k.family, sub))


def _listed(long: pd.DataFrame) -> list[tuple[str, float, float, float]]:
    long = long[long["grp"].notna() & long["value"].notna()]
    return list(
        zip(
            long["grp"].astype(str).tolist(),
            long["value"].astype(float).tolist(),
            long["numerator"].astype(float).tolist(),
            long["denominator"].astype(float).tolist(),
            strict=True,
        )
    )


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
        overrides: rule -> threshold overriding :data:`DEFAULT_THRESHOLDS`.
        client_rows: the long rows of some KPIs by client under a one-client ``scope``,
            from the engine's cube of every client, or None (see
            :meth:`kpi.report.engine.Engine.client_rows`).
    """
    th = thresholds_with(overrides)
    rows: list[dict[str, object]] = []

    add = partial(_add, rows, lang)

    kpi_rows, lists = _inputs(core, scope, th, client_rows)

    # client ratios over the period -----------------------------------------------------
    t = th["csat_low"]
    for grp, value, _num, den in kpi_rows[("csat", "client")]:
        if den >= th["csat_low_min_responses"] and value < t:
            add("csat_low", _ratio_severity(value, t, True), grp, None, value, t, n=den)
    t = th["sla_low"]
    for grp, value, _num, den in kpi_rows[("sla_rate", "client")]:
        if den >= th["sla_low_min_resolved"] and value < t:
            add("sla_low", _ratio_severity(value, t, True), grp, None, value, t, n=den)
    t = th["margin_low"]
    for grp, value, _num, _den in kpi_rows[("gross_margin_pct", "client")]:
        if value < t:
            sev = "bad" if value < t - 0.1 * abs(t) else "warn"
            add("margin_low", sev, grp, None, value, t)
    t = th["uncovered_devices"]
    for grp, value, _num, _den in kpi_rows[("uncovered_devices", "client")]:
        if value > t:
            add("uncovered_devices", "warn", grp, None, value, t)

    # contracts ending soon --------------------------------------------------------------
    for r in lists.get("renewal_due", []):
        days = float(r["days"])
        sev = "bad" if days <= RENEWAL_URGENT_DAYS else "warn"
        add("renewal_due", sev, r["client"], r["contract_id"], days, th["renewal_due"],
            when=r["end_date"].isoformat())  # fmt: skip

    # projects at D ----------------------------------------------------------------------
    for r in lists.get("projects", []):
        if r["state"] == "late" and float(r["days_late"]) > th["project_late"]:
            add("project_late", "bad", r["client"], r["subject"], float(r["days_late"]),
                th["project_late"], when=r["due_date"].isoformat())  # fmt: skip
        elif r["state"] != "late" and r["over"]:
            ac, budget = float(r["ac"]), float(r["budget_hours"])
            burn = ac / budget if budget else float("nan")
            add("project_over_budget", "bad", r["client"], r["subject"], burn,
                th["project_over_budget"], ac=ac, budget=budget)  # fmt: skip

    # stale opportunities at D -----------------------------------------------------------
    for r in lists.get("stale_opportunity", []):
        add("stale_opportunity", "warn", r["client"], r["opportunity_id"], float(r["days"]),
            th["stale_opportunity"])  # fmt: skip

    # technicians ------------------------------------------------------------------------
    hi, lo = th["utilization_high"], th["utilization_low"]
    for tech, value, _num, _den in kpi_rows[("utilization", "technician")]:
        if value > hi:
            add("utilization_high", _ratio_severity(value, hi, False), None, tech, value, hi)
        elif value < lo:
            add("utilization_low", _ratio_severity(value, lo, True), None, tech, value, lo)

    return _sorted(rows)


def _add(rows: list[dict[str, object]], lang: str, rule: str, severity: str, client: object,
         subject: object, value: float, threshold: float, **kw: object) -> None:  # fmt: skip
    """One alert appended to ``rows``, with its message in ``lang``."""
    rows.append(
        {
            "rule": rule,
            "severity": severity,
            "client": client,
            "subject": subject,
            "value": float(value),
            "threshold": float(threshold),
            "message": _message(
                rule, lang, client=client, subject=subject, v=value, t=threshold, **kw
            ),
        }
    )


def _queries(
    core: Core, scope: Scope, th: dict[str, float]
) -> tuple[dict[str, str], dict[str, object]]:
    """The queries of the rules at dates (renewals, projects, stale opportunities) and
    their bound parameters."""
    no_tech = scope.technicians is None
    params = scope.params()
    # the queries of the rules at dates (below): built here, run with the KPI queries
    listed: dict[str, str] = {}
    if no_tech and core.has("contracts") and core.missing(get("renewals_upcoming")) is None:
        params["days"] = int(th["renewal_due"])
        listed["renewal_due"] = (
            f"SELECT client, contract_id, end_date, end_date - {AS_OF} AS days"
            " FROM contracts_p WHERE "
            + upcoming_renewal("end_date", "renewed_eff", AS_OF, "CAST($days AS INTEGER)")
            + f"{scope_filters(scope, technician=False)} ORDER BY client, contract_id"
        )
    if no_tech and core.has("projects"):
        params["burn"] = th["project_over_budget"]
        listed["projects"] = (
            "WITH " + ",\n".join(project_state_ctes(core, scope)) + "\n"
            "SELECT client, coalesce(name, project_id) AS subject, state, due_date,"
            " CAST(dd - due_date AS DOUBLE) AS days_late, coalesce(ac, 0) AS ac,"
            " budget_hours,\n"
            "  coalesce(ac > CAST($burn AS DOUBLE) * budget_hours, FALSE)"
            " OR coalesce(cpi < 0.9, FALSE) AS over\n"
            "FROM ps WHERE start_date <= dd AND state <> 'completed'\n"
            "ORDER BY client, subject"
        )
    if no_tech and core.has("opportunities"):
        params["stale"] = int(th["stale_opportunity"])
        listed["stale_opportunity"] = (
            f"SELECT client, opportunity_id, {POINT} - activity_d AS days FROM opps_p"
            f" WHERE {opportunity_open('created_d', 'outcome', 'closed_d', POINT)}"
            f" AND {stale('activity_d', POINT, 'CAST($stale AS INTEGER)')}"
            f"{scope_filters(scope, technician=False)} ORDER BY client, opportunity_id"
        )
    return listed, params


def _inputs(
    core: Core,
    scope: Scope,
    th: dict[str, float],
    client_rows: Callable[[Scope, list[str]], pd.DataFrame | None],
) -> tuple[dict[tuple[str, str], list[tuple[str, float, float, float]]], dict[str, list[Any]]]:
    """What the rules read: the KPIs by client or technician, as (group, value, numerator,
    denominator), and the rows of the queries of the rules at dates, by rule."""
    listed, params = _queries(core, scope, th)
    # the KPIs the rules read, by client or technician (one family query each), and the
    # queries above: QUERY_THREADS at a time; the rules then read them in their order
    wanted = [("csat", "client"), ("sla_rate", "client"), ("gross_margin_pct", "client"),
              ("uncovered_devices", "client"), ("utilization", "technician")]  # fmt: skip
    # Under one client, the client KPIs are read from the engine's cube of every client
    # once it has one for this period (as the reports are: Engine._from_cube)
    by_client = [k for k, dim in wanted if dim == "client" and core.computes(get(k), scope)]
    cubed = client_rows(scope, by_client) if by_client else None
    kpi_rows: dict[tuple[str, str], list[tuple[str, float, float, float]]] = {}
    if cubed is not None:
        kpi_ids = cubed["kpi"].to_numpy()
        for k, dim in wanted:
            if dim == "client":
                kpi_rows[(k, dim)] = _listed(cubed[kpi_ids == k])
    with ThreadPoolExecutor(QUERY_THREADS, thread_name_prefix="kpi-alerts") as pool:
        kpi_jobs = {w: pool.submit(_kpi_rows, core, scope, *w) for w in wanted if w not in kpi_rows}
        list_jobs = {r: pool.submit(core.query, sql, params) for r, sql in listed.items()}
        kpi_rows |= {w: job.result() for w, job in kpi_jobs.items()}
        lists = {r: job.result().to_dict("records") for r, job in list_jobs.items()}
    return kpi_rows, lists


def _sorted(rows: list[dict[str, object]]) -> pd.DataFrame:
    """The alerts in rule order, then by client and subject (case aside)."""
    out = pd.DataFrame(rows, columns=list(ALERT_COLUMNS))
    if out.empty:
        return out.astype({"value": float, "threshold": float})
    order = {r: i for i, r in enumerate(RULES)}
    out["_o"] = out["rule"].map(order)
    out["_c"] = out["client"].fillna("").astype(str).str.casefold()
    out["_s"] = out["subject"].fillna("").astype(str).str.casefold()
    out = out.sort_values(["_o", "_c", "_s"], kind="stable").drop(columns=["_o", "_c", "_s"])
    return out.reset_index(drop=True)
