"""Service desk KPIs (docs/KPIS.md 3 FCR, SLA and reopens, 4 escalations), the ``tickets``
family, and the ticket inputs the engine checks itself (:data:`RESOLVED_NEED`, :data:`FLAG_NEEDS`).
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

#: The ticket flags (docs/KPIS.md 3), each a column of the prepared tickets
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
    declare("tickets_opened", "tickets",
       "count", ("tickets",), "tickets.created_at", "sum", "sum(opened)",
       direction="lower", groupings=C_T_M, needs=(need("tickets"),), inputs=_TICKET_INPUTS),
    declare("tickets_resolved", "tickets",
       "count", ("tickets",), "tickets.resolved", "sum", "sum(resolved_n)",
       direction="higher", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    declare("backlog", "tickets",
       "count", ("tickets",), "@D", "sum", "sum(backlog)",
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _LEFT_BACKLOG),
       inputs=_RES_INPUTS),
    declare("fcr_rate", "tickets",
       "ratio", ("tickets",), "tickets.resolved", "ratio", "sum(fcr_n)",
       "sum(fcr_known)",
       direction="higher", target=0.70, groupings=C_T_M,
       needs=(need("tickets"), _RESOLVED, _FCR), flag="fcr",
       inputs=(*_ESC_INPUTS, "tickets.first_contact_resolution", "tickets.reopen_count",
               "tickets.resolved_at", "tickets.closed_at")),
    declare("sla_rate", "tickets",
       "ratio", ("tickets",), "tickets.resolved", "ratio", "sum(sla_n)",
       "sum(sla_known)",
       direction="higher", target=0.95, groupings=C_T_M,
       needs=(need("tickets"), _RESOLVED, _SLA), flag="sla_met",
       inputs=(*_RES_INPUTS, "tickets.sla_met", "tickets.due_at")),
    declare("reopen_rate", "tickets",
       "ratio", ("tickets",), "tickets.resolved", "ratio", "count_if(reopened)",
       "count(reopened)",
       direction="lower", target=0.05, groupings=C_T_M,
       needs=(need("tickets"), _RESOLVED, _REOPENS), flag="reopened",
       inputs=(*_RES_INPUTS, "tickets.reopen_count")),
    declare("mean_resolution_hours", "tickets",
       "hours", ("tickets",), "tickets.resolved", "mean", "fsum(res_hours)",
       "count(res_hours)",
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    declare("median_resolution_hours", "tickets",
       "hours", ("tickets",), "tickets.resolved", "median", "quantile_cont(res_hours, 0.5)",
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    declare("mean_first_response_hours", "tickets",
       "hours", ("tickets",), "tickets.created_at", "mean", "fsum(frt_hours)",
       "count(frt_hours)",
       direction="lower", groupings=C_T_M,
       needs=(need("tickets"), need("tickets.first_response_at")),
       inputs=(*_TICKET_INPUTS, "tickets.first_response_at")),
    # 4. Escalations -----------------------------------------------------------------------
    declare("escalated_tickets", "tickets",
       "count", ("tickets",), "tickets.created_at", "sum", "sum(esc_n)",
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _ESCALATED),
       flag="escalated", inputs=_ESC_INPUTS),
    declare("escalation_rate", "tickets",
       "ratio", ("tickets",), "tickets.created_at", "ratio", "sum(esc_n)",
       "sum(esc_known)",
       direction="lower", target=0.20, groupings=C_T_M,
       needs=(need("tickets"), _ESCALATED), flag="escalated", inputs=_ESC_INPUTS),
    declare("escalated_hours", "tickets",
       "hours", ("tickets",), "tickets.created_at", "sum", "fsum(esc_hours)",
       direction="lower", groupings=C_T_M,
       needs=(need("tickets"), _ESCALATED, need("tickets.hours")), flag="escalated",
       inputs=(*_ESC_INPUTS, "tickets.hours")),
)
# fmt: on
