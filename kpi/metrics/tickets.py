"""Service desk KPIs (KPIS.md 3 FCR, SLA and reopens, 4 escalations), the ``tickets`` family, and
the ticket inputs the engine checks itself (:data:`RESOLVED_NEED`, :data:`FLAG_NEEDS`).
"""

from __future__ import annotations

from kpi.metrics.declaration import C_T_M, Kpi, Need, declare, need

#: A resolution date: resolved_at or closed_at mapped, or a resolved status dated by the
#: ticket's last update (ingestion marks the derived ``resolved`` present then).
RESOLVED_NEED = _RESOLVED = need("tickets.resolved_at", "tickets.closed_at", "tickets.resolved")

#: Knowing when tickets left the backlog: a resolution date, or a resolved or cancelled
#: status (dated by the last update, or at an unknown time).
_LEFT_BACKLOG = need(
    "tickets.resolved_at",
    "tickets.closed_at",
    "tickets.resolved",
    "tickets.cancelled_at",
    "tickets.closed_unknown",
)

_ESCALATED = need("tickets.escalated", "tickets.tier", "tickets.reassignment_count")

_FCR = need(
    "tickets.first_contact_resolution",
    "tickets.escalated",
    "tickets.tier",
    "tickets.reassignment_count",
)

_SLA = need("tickets.sla_met", "tickets.due_at")

_REOPENS = need("tickets.reopen_count")

#: The ticket flags (KPIS.md 3), each a column of the prepared tickets
#: (:mod:`kpi.query.prepared`: TRUE, FALSE or unknown), and the columns that can give it,
#: for "what would enable it". A KPI naming a flag (``Kpi.flag``) is produced when some
#: ticket's flag is known.
FLAG_NEEDS: dict[str, Need] = {
    "escalated": _ESCALATED,
    "fcr": _FCR,
    "sla_met": _SLA,
    "reopened": _REOPENS,
}

_TICKET_INPUTS = ("tickets.client", "tickets.technician", "tickets.created_at")

_RES_INPUTS = (
    *_TICKET_INPUTS,
    "tickets.resolved_at",
    "tickets.closed_at",
    "tickets.status",
    "tickets.updated_at",
)

_ESC_INPUTS = (*_TICKET_INPUTS, "tickets.escalated", "tickets.tier", "tickets.reassignment_count")


# fmt: off
TICKETS: tuple[Kpi, ...] = (
    # 3. FCR and SLA -----------------------------------------------------------------------
    declare("tickets_opened", "tickets", ("Tickets opened", "Tickets abiertos"),
       ("Tickets created in the period.", "Tickets creados en el periodo."),
       "count", ("tickets",), "tickets.created_at", "sum", "sum(opened)",
       ("tickets", "tickets"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"),), inputs=_TICKET_INPUTS),
    declare("tickets_resolved", "tickets", ("Tickets resolved", "Tickets resueltos"),
       ("Tickets resolved in the period (resolved_at, else closed_at, else a resolved "
        "status dated by the ticket's last update).",
        "Tickets resueltos en el periodo (fecha de resolución, si no de cierre, si no un "
        "estado resuelto fechado por la última actualización del ticket)."),
       "count", ("tickets",), "tickets.resolved", "sum", "sum(resolved_n)",
       ("tickets", "tickets"),
       direction="higher", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    declare("backlog", "tickets", ("Backlog", "Tickets pendientes"),
       ("Tickets created on or before D and not resolved or cancelled by D; a ticket "
        "resolved or cancelled at an unknown time (a status without any date) is never in "
        "it.",
        "Tickets creados en D o antes y no resueltos ni cancelados en D; un ticket resuelto "
        "o cancelado en una fecha desconocida (un estado sin ninguna fecha) nunca cuenta."),
       "count", ("tickets",), "@D", "sum", "sum(backlog)", ("tickets", "tickets"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _LEFT_BACKLOG),
       inputs=_RES_INPUTS),
    declare("fcr_rate", "tickets", ("First contact resolution", "Resolución al primer contacto"),
       ("Tickets resolved on first contact / tickets resolved in the period with a known "
        "flag (first_contact_resolution; else not escalated and never reopened).",
        "Tickets resueltos al primer contacto / tickets resueltos en el periodo con el dato "
        "conocido (first_contact_resolution; si no, sin escalar y sin reaperturas)."),
       "ratio", ("tickets",), "tickets.resolved", "ratio", "sum(fcr_n)",
       ("resolved on first contact", "resueltos al primer contacto"), "sum(fcr_known)",
       ("resolved with a known flag", "resueltos con dato conocido"),
       direction="higher", target=0.70, groupings=C_T_M,
       needs=(need("tickets"), _RESOLVED, _FCR), flag="fcr",
       inputs=(*_ESC_INPUTS, "tickets.first_contact_resolution", "tickets.reopen_count",
               "tickets.resolved_at", "tickets.closed_at")),
    declare("sla_rate", "tickets", ("SLA met", "SLA cumplido"),
       ("Tickets that met the SLA / tickets resolved in the period with a known flag "
        "(sla_met; else resolved on or before due_at).",
        "Tickets que cumplieron el SLA / tickets resueltos en el periodo con el dato "
        "conocido (sla_met; si no, resueltos antes de la fecha límite)."),
       "ratio", ("tickets",), "tickets.resolved", "ratio", "sum(sla_n)",
       ("met the SLA", "cumplieron el SLA"), "sum(sla_known)",
       ("resolved with a known flag", "resueltos con dato conocido"),
       direction="higher", target=0.95, groupings=C_T_M,
       needs=(need("tickets"), _RESOLVED, _SLA), flag="sla_met",
       inputs=(*_RES_INPUTS, "tickets.sla_met", "tickets.due_at")),
    declare("reopen_rate", "tickets", ("Reopen rate", "Tasa de reapertura"),
       ("Tickets reopened at least once / tickets resolved in the period with a known "
        "reopen count (an empty reopen_count is unknown: left out).",
        "Tickets reabiertos al menos una vez / tickets resueltos en el periodo con el número "
        "de reaperturas conocido (un reopen_count vacío es desconocido: se deja fuera)."),
       "ratio", ("tickets",), "tickets.resolved", "ratio", "count_if(reopened)",
       ("reopened", "reabiertos"), "count(reopened)",
       ("resolved with a known reopen count", "resueltos con reaperturas conocidas"),
       direction="lower", target=0.05, groupings=C_T_M,
       needs=(need("tickets"), _RESOLVED, _REOPENS), flag="reopened",
       inputs=(*_RES_INPUTS, "tickets.reopen_count")),
    declare("mean_resolution_hours", "tickets",
       ("Mean resolution time", "Tiempo medio de resolución"),
       ("Mean hours from creation to resolution of the tickets resolved in the period.",
        "Media de horas desde la creación hasta la resolución de los tickets resueltos en "
        "el periodo."),
       "hours", ("tickets",), "tickets.resolved", "mean", "fsum(res_hours)",
       ("hours", "horas"), "count(res_hours)", ("tickets", "tickets"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    declare("median_resolution_hours", "tickets",
       ("Median resolution time", "Mediana del tiempo de resolución"),
       ("Median hours from creation to resolution of the tickets resolved in the period.",
        "Mediana de horas desde la creación hasta la resolución de los tickets resueltos "
        "en el periodo."),
       "hours", ("tickets",), "tickets.resolved", "median", "quantile_cont(res_hours, 0.5)",
       ("median hours", "mediana de horas"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    declare("mean_first_response_hours", "tickets",
       ("Mean first response time", "Tiempo medio de primera respuesta"),
       ("Mean hours from creation to first response of the tickets created in the period.",
        "Media de horas desde la creación hasta la primera respuesta de los tickets "
        "creados en el periodo."),
       "hours", ("tickets",), "tickets.created_at", "mean", "fsum(frt_hours)",
       ("hours", "horas"), "count(frt_hours)", ("tickets", "tickets"),
       direction="lower", groupings=C_T_M,
       needs=(need("tickets"), need("tickets.first_response_at")),
       inputs=(*_TICKET_INPUTS, "tickets.first_response_at")),
    # 4. Escalations -----------------------------------------------------------------------
    declare("escalated_tickets", "tickets", ("Escalated tickets", "Tickets escalados"),
       ("Escalated tickets created in the period (escalated; else tier > 1; else "
        "reassigned).",
        "Tickets escalados creados en el periodo (escalado; si no, nivel > 1; si no, "
        "reasignado)."),
       "count", ("tickets",), "tickets.created_at", "sum", "sum(esc_n)",
       ("escalated", "escalados"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _ESCALATED),
       flag="escalated", inputs=_ESC_INPUTS),
    declare("escalation_rate", "tickets", ("Escalation rate", "Tasa de escalado"),
       ("Escalated tickets / tickets created in the period with a known escalation.",
        "Tickets escalados / tickets creados en el periodo con escalado conocido."),
       "ratio", ("tickets",), "tickets.created_at", "ratio", "sum(esc_n)",
       ("escalated", "escalados"), "sum(esc_known)",
       ("created with a known flag", "creados con dato conocido"),
       direction="lower", target=0.20, groupings=C_T_M,
       needs=(need("tickets"), _ESCALATED), flag="escalated", inputs=_ESC_INPUTS),
    declare("escalated_hours", "tickets",
       ("Hours on escalated tickets", "Horas en tickets escalados"),
       ("Sum of the tickets' own hours of the escalated tickets created in the period.",
        "Suma de las horas propias de los tickets escalados creados en el periodo."),
       "hours", ("tickets",), "tickets.created_at", "sum", "fsum(esc_hours)",
       ("hours", "horas"),
       direction="lower", groupings=C_T_M,
       needs=(need("tickets"), _ESCALATED, need("tickets.hours")), flag="escalated",
       inputs=(*_ESC_INPUTS, "tickets.hours")),
)
# fmt: on
