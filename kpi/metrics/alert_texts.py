"""The texts of the alert rules in English and Spanish, keyed as the declarations name them
(:mod:`kpi.metrics.alerts`): ``<rule>.message`` (what happened) and ``<rule>.action`` (what
to do), joined by a space in an alert's message; ``<rule>.estimate`` (the estimate's formula
in words, as docs/KPIS.md 9 writes it) and ``<rule>.no_estimate`` (why it may be empty);
``<rule>.condition`` (when a row of a rule's named query fires); ``<min count key>.words``
(the minimum count of a rule); ``words.*`` (the pieces :func:`describe` puts together).

Placeholders: ``{client}``, ``{subject}``, ``{v}`` the value, ``{t}`` the threshold, ``{n}``
the count a minimum applies to; a named query's columns by name (``{when}``, ``{ac}``,
``{budget}``). Numbers are formatted in the reader's language before they are put in.

One dict for every alert text, so that the text catalog can take it whole.
"""

from __future__ import annotations

from kpi.metrics.alerts import AlertRule
from kpi.metrics.catalog import get

#: key -> (English, Spanish)
ALERT_TEXTS: dict[str, tuple[str, str]] = {
    "csat_low.message": (
        "{client}: CSAT {v} from {n} responses, below {t}.",
        "{client}: CSAT del {v} con {n} respuestas, por debajo del {t}.",
    ),
    "csat_low.action": (
        "Review the unsatisfied responses with the team.",
        "Revisa con el equipo las respuestas insatisfechas.",
    ),
    "sla_low.message": (
        "{client}: {v} of {n} resolved tickets met the SLA, below {t}.",
        "{client}: el {v} de {n} tickets resueltos cumplió el SLA, por debajo del {t}.",
    ),
    "sla_low.action": (
        "Check the queue load and priorities.",
        "Revisa la carga de la cola y las prioridades.",
    ),
    "margin_low.message": (
        "{client}: gross margin {v}, below {t}.",
        "{client}: margen bruto del {v}, por debajo del {t}.",
    ),
    "margin_low.action": (
        "Review the pricing and the hours spent.",
        "Revisa el precio y las horas dedicadas.",
    ),
    "uncovered_devices.message": (
        "{client}: {v} active devices not covered by a contract.",
        "{client}: {v} equipos activos sin contrato que los cubra.",
    ),
    "uncovered_devices.action": (
        "Add them to the contract or retire them.",
        "Añádelos al contrato o dalos de baja.",
    ),
    "renewal_due.message": (
        "{client}: contract {subject} ends on {when} (in {v} days).",
        "{client}: el contrato {subject} termina el {when} (en {v} días).",
    ),
    "renewal_due.action": ("Prepare the renewal.", "Prepara la renovación."),
    "project_late.message": (
        "{client}: project {subject} is {v} days past its due date ({when}).",
        "{client}: el proyecto {subject} lleva {v} días de retraso (fecha prevista {when}).",
    ),
    "project_late.action": (
        "Agree a new plan with the client.",
        "Acuerda un nuevo plan con el cliente.",
    ),
    "project_over_budget.message": (
        "{client}: project {subject} has used {ac} of {budget} budget hours.",
        "{client}: el proyecto {subject} ha consumido {ac} de {budget} horas presupuestadas.",
    ),
    "project_over_budget.action": (
        "Review the scope and the budget.",
        "Revisa el alcance y el presupuesto.",
    ),
    "stale_opportunity.message": (
        "{client}: opportunity {subject} has had no activity for {v} days.",
        "{client}: la oportunidad {subject} lleva {v} días sin actividad.",
    ),
    "stale_opportunity.action": ("Follow it up or close it.", "Haz seguimiento o ciérrala."),
    "utilization_high.message": (
        "{subject}: utilisation {v}, above {t}.",
        "{subject}: utilización del {v}, por encima del {t}.",
    ),
    "utilization_high.action": ("Rebalance the workload.", "Reparte mejor la carga de trabajo."),
    "utilization_low.message": (
        "{subject}: utilisation {v}, below {t}.",
        "{subject}: utilización del {v}, por debajo del {t}.",
    ),
    "utilization_low.action": ("Assign billable work.", "Asigna trabajo facturable."),
    # ---- estimates: the formula (docs/KPIS.md 9 writes the English one) and why empty
    "csat_low.estimate": (
        "the client's MRR at D: the recurring revenue at risk if the client leaves",
        "el MRR del cliente en D: los ingresos recurrentes en riesgo si el cliente se va",
    ),
    "csat_low.no_estimate": (
        "the client has no contract active at D with a known MRR",
        "el cliente no tiene ningún contrato activo en D con un MRR conocido",
    ),
    "sla_low.estimate": (
        "the client's MRR at D: the recurring revenue at risk if the client leaves",
        "el MRR del cliente en D: los ingresos recurrentes en riesgo si el cliente se va",
    ),
    "sla_low.no_estimate": (
        "the client has no contract active at D with a known MRR",
        "el cliente no tiene ningún contrato activo en D con un MRR conocido",
    ),
    "margin_low.estimate": (
        "(threshold - gross margin %) x the client's revenue in the period: the margin "
        "missing to reach the threshold",
        "(umbral - margen bruto %) x los ingresos del cliente en el periodo: el margen que "
        "falta para llegar al umbral",
    ),
    "uncovered_devices.estimate": (
        "the client's uncovered_mrr: uncovered devices x the client's price per device (MRR "
        "of its active contracts with covered devices / those devices)",
        "el uncovered_mrr del cliente: equipos sin cubrir x precio por equipo del cliente "
        "(MRR de sus contratos activos con equipos cubiertos / esos equipos)",
    ),
    "uncovered_devices.no_estimate": (
        "no active contract of the client prices its devices (covered devices and a known MRR)",
        "ningún contrato activo del cliente pone precio a sus equipos (equipos cubiertos y un "
        "MRR conocido)",
    ),
    "renewal_due.estimate": (
        "the contract's MRR (one month, not annualised: it ranks alike with the other MRR "
        "estimates)",
        "el MRR del contrato (un mes, no anualizado: se compara igual que las otras "
        "estimaciones de MRR)",
    ),
    "renewal_due.no_estimate": (
        "the contract's MRR is unknown (no billing period, or an amount in a currency "
        "without a rate)",
        "el MRR del contrato es desconocido (sin periodicidad, o un importe en una moneda sin "
        "tipo de cambio)",
    ),
    "project_late.estimate": (
        "(actual hours - earned hours) x budget_amount / budget_hours; earned hours = "
        "percent complete x budget hours (the budget hours without a percent complete)",
        "(horas reales - horas ganadas) x budget_amount / budget_hours; horas ganadas = "
        "porcentaje completado x horas presupuestadas (las presupuestadas sin porcentaje)",
    ),
    "project_late.no_estimate": (
        "the project has no budget amount (no price per hour), or has not spent more hours "
        "than it earned",
        "el proyecto no tiene importe presupuestado (sin precio por hora), o no ha gastado "
        "más horas de las ganadas",
    ),
    "project_over_budget.estimate": (
        "(actual hours - earned hours) x budget_amount / budget_hours; earned hours = "
        "percent complete x budget hours (the budget hours without a percent complete)",
        "(horas reales - horas ganadas) x budget_amount / budget_hours; horas ganadas = "
        "porcentaje completado x horas presupuestadas (las presupuestadas sin porcentaje)",
    ),
    "project_over_budget.no_estimate": (
        "the project has no budget amount (no price per hour), or has not spent more hours "
        "than it earned",
        "el proyecto no tiene importe presupuestado (sin precio por hora), o no ha gastado "
        "más horas de las ganadas",
    ),
    "stale_opportunity.estimate": (
        "amount x probability (its weighted amount, as in pipeline_weighted)",
        "importe x probabilidad (su importe ponderado, como en pipeline_weighted)",
    ),
    "stale_opportunity.no_estimate": (
        "the opportunity has no amount or no probability (or an amount in a currency without "
        "a rate)",
        "la oportunidad no tiene importe o probabilidad (o un importe en una moneda sin tipo "
        "de cambio)",
    ),
    "utilization_high.no_estimate": (
        "none: utilisation is hours, not money at stake; its cost shows in the clients' "
        "margins (margin_low)",
        "ninguna: la utilización son horas, no dinero en juego; su coste se ve en el margen "
        "de los clientes (margin_low)",
    ),
    "utilization_low.no_estimate": (
        "none: utilisation is hours, not money at stake; its cost shows in the clients' "
        "margins (margin_low)",
        "ninguna: la utilización son horas, no dinero en juego; su coste se ve en el margen "
        "de los clientes (margin_low)",
    ),
    # ---- when a named query's row fires
    "renewal_due.condition": (
        "a contract ending in (as_of, as_of + threshold days], not already renewed",
        "un contrato que termina en (as_of, as_of + umbral días], no renovado ya",
    ),
    "project_late.condition": (
        "an active project more than threshold days past its due date (at D)",
        "un proyecto activo con más de umbral días de retraso (en D)",
    ),
    "project_over_budget.condition": (
        "an active project, not late, with actual hours above threshold x budget hours, or "
        "CPI < 0.9",
        "un proyecto activo, no retrasado, con horas reales por encima de umbral x horas "
        "presupuestadas, o CPI < 0,9",
    ),
    "stale_opportunity.condition": (
        "an opportunity open at D without activity for more than threshold days",
        "una oportunidad abierta en D sin actividad durante más de umbral días",
    ),
    # ---- the pieces of describe()
    "words.by.client": ("by client", "por cliente"),
    "words.by.technician": ("by technician", "por técnico"),
    "words.fires": ("{kpi} {by} {cmp} threshold", "{kpi} {by} {cmp} umbral"),
    "csat_low_min_responses.words": (
        "with at least csat_low_min_responses survey responses",
        "con al menos csat_low_min_responses respuestas de encuesta",
    ),
    "sla_low_min_resolved.words": (
        "with at least sla_low_min_resolved resolved tickets with a known SLA flag",
        "con al menos sla_low_min_resolved tickets resueltos con dato de SLA",
    ),
    "words.severity.fixed": ("always {level}", "siempre {level}"),
    "words.severity.beyond": (
        "bad when more than {pct} beyond the threshold, else warn",
        "bad si pasa el umbral en más del {pct}, si no warn",
    ),
    "words.severity.within": (
        "bad when {days} days or fewer, else warn",
        "bad si faltan {days} días o menos, si no warn",
    ),
    "words.never_empty": ("never empty", "nunca vacía"),
}


def alert_text(key: str, lang: str = "en") -> str:
    """The text of ``key`` in ``lang`` (``es``; anything else reads English).

    Raises:
        KeyError: an unknown key.
    """
    en, es = ALERT_TEXTS[key]
    return es if lang == "es" else en


def describe(rule: AlertRule, lang: str = "en") -> dict[str, str]:
    """A rule in words, from its declaration (the Definitions page, docs/KPIS.md 9).

    Returns:
        ``reads`` (the KPI id or the named query), ``fires`` (when it fires), ``severity``,
        ``estimate`` (the formula, empty for a rule without one) and ``no_estimate`` (why
        an estimate may be empty).

    Example:
        >>> from kpi.metrics.alerts import RULE_BY_ID
        >>> describe(RULE_BY_ID["csat_low"])["fires"]
        'CSAT by client < threshold, with at least csat_low_min_responses survey responses'
    """
    if rule.kpi is not None:
        k = get(rule.kpi)
        fires = alert_text("words.fires", lang).format(
            kpi=k.label(lang), by=alert_text(f"words.by.{rule.grouping}", lang),
            cmp=rule.comparison,
        )  # fmt: skip
        if rule.min_count_key is not None:
            fires += ", " + alert_text(f"{rule.min_count_key}.words", lang)
        reads = k.id
    else:
        reads = str(rule.query)
        fires = alert_text(f"{rule.id}.condition", lang)
    sev = rule.severity
    severity = alert_text(f"words.severity.{sev.kind}", lang).format(
        level=sev.level, pct=f"{sev.margin:.0%}", days=sev.days
    )
    has = rule.estimate.kind != "none"
    no_key = f"{rule.id}.no_estimate"
    return {
        "reads": reads,
        "fires": fires,
        "severity": severity,
        "estimate": alert_text(f"{rule.id}.estimate", lang) if has else "",
        "no_estimate": (
            alert_text(no_key, lang)
            if no_key in ALERT_TEXTS
            else alert_text("words.never_empty", lang)
        ),
    }
