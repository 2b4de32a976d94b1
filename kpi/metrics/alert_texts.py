"""The texts of the alert rules in English and Spanish, keyed as the declarations name them
(:mod:`kpi.metrics.alerts`): ``<rule>.message`` (what happened) and ``<rule>.action`` (what
to do). An alert's message is the two joined by a space.

Placeholders: ``{client}``, ``{subject}``, ``{v}`` the value, ``{t}`` the threshold, ``{n}``
the count a minimum applies to; a named query's columns by name (``{when}``, ``{ac}``,
``{budget}``). Numbers are formatted in the reader's language before they are put in.

One dict for every alert text, so that the text catalog can take it whole.
"""

from __future__ import annotations

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
}


def alert_text(key: str, lang: str = "en") -> str:
    """The text of ``key`` in ``lang`` (``es``; anything else reads English).

    Raises:
        KeyError: an unknown key.
    """
    en, es = ALERT_TEXTS[key]
    return es if lang == "es" else en
