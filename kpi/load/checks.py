"""Check the numbers: what to count of each loaded dataset (:data:`CHECKS`).

Adding a line is one declaration: a :class:`Used` with its key, its English and Spanish
text (``{n}`` the number, ``{as_of}`` the report date) and a SQL boolean over the
dataset's canonical columns (counted), or an aggregate (``aggregate=True``: summed hours).
A line whose columns the dataset does not have (not declared in :mod:`kpi.schema`, or a
mapped column no file had) is left out; ``needs`` names them. The counting is
:mod:`kpi.load.reconcile`; the results are :mod:`kpi.load.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.metrics.conditions import (
    DEVICE_SEEN_DAYS,
    completed_status,
    contract_active,
    device_active,
    project_completed,
)


@dataclass(frozen=True)
class Used:
    """One "used by the KPIs" line of a dataset.

    Attributes:
        key: stable id (tests, downloads).
        en, es: the text, ``{n}`` the number (``{as_of}`` the report date):
            ``"{n} with a resolution date"``.
        sql: a SQL boolean over the dataset's canonical columns, whose rows are counted
            (``resolved IS NOT NULL``); with ``aggregate`` an aggregate expression
            (``sum(hours) FILTER (WHERE billable)``). ``$as_of`` is the report date, a
            bound parameter.
        aggregate: ``sql`` is an aggregate, not a row condition.
        unit: ``count`` or ``hours`` (how the number is written).
        needs: columns the line reads that may be missing: a derived column not declared
            yet, or a mapped column that must have come from a file.
        at_as_of: the line reads ``$as_of``; left out when the data has no dated event.
        hide_zero: an explanation, shown only when it is not 0.
        one_en, one_es: the text for a count of 1 where it is not the plural's
            (``"{n} abierto"``); None: the same text.
    """

    key: str
    en: str
    es: str
    sql: str
    aggregate: bool = False
    unit: str = "count"
    needs: tuple[str, ...] = ()
    at_as_of: bool = False
    hide_zero: bool = False
    one_en: str | None = None
    one_es: str | None = None


@dataclass(frozen=True)
class Check:
    """What to reconcile of one dataset.

    Attributes:
        dataset: the canonical dataset.
        noun_en, noun_es: (singular, plural) of what a row is: ``("ticket", "tickets")``.
        span: (first, last) date columns: the span is min(first) .. max(last)
            (contracts: ``("start_date", "end_date")``; tickets: ``("created_at",
            "created_at")``).
        statuses: status-like columns whose values are counted.
        money: amount columns summed per currency.
        used: the "used by the KPIs" lines, in the order of the sentence.
    """

    dataset: str
    noun_en: tuple[str, str]
    noun_es: tuple[str, str]
    span: tuple[str, str] | None = None
    statuses: tuple[str, ...] = ()
    money: tuple[str, ...] = ()
    used: tuple[Used, ...] = ()


# The rules of kpi.metrics.conditions over the canonical columns, at D = $as_of (the
# family queries read the same rules over the prepared columns).
# KPIS.md 6: a device active at D
_DEVICE_ACTIVE = device_active(
    "CAST(first_seen AS DATE)", "CAST(last_seen AS DATE)", "active", "$as_of"
)
# KPIS.md 8: completed at D: a completed status word, 100 % complete, or closed by D
_PROJECT_DONE = (
    f"({project_completed(completed_status('status'), 'percent_complete', 'closed_at', '$as_of')})"
)
# issue 18 (kpi.load.derive): a ticket resolved by its status, not by a date: no usable
# resolved_at / closed_at (empty, or before the creation), so its resolution is its last
# update
_BY_STATUS = (
    "(coalesce(resolved_at, closed_at) IS NULL OR coalesce(resolved_at, closed_at) < created_at)"
)
# open: not resolved, not cancelled, not closed at an unknown time (the backlog of
# kpi.query.families)
_OPEN_TICKET = "resolved IS NULL AND cancelled_at IS NULL AND NOT coalesce(closed_unknown, FALSE)"
# KPIS.md 1: a contract active at D
_CONTRACT_ACTIVE = contract_active("start_date", "end_date", "$as_of")

# The lines are laid out by hand, one declaration each.
# fmt: off
CHECKS: dict[str, Check] = {c.dataset: c for c in (
    Check(
        "tickets", ("ticket", "tickets"), ("ticket", "tickets"),
        span=("created_at", "created_at"),
        statuses=("status",),
        used=(
            Used("resolved", "{n} with a resolution date", "{n} con fecha de resolución",
                 f"resolved IS NOT NULL AND NOT ({_BY_STATUS})"),
            # issue 18: a resolved status without a (usable) date, dated by the last update
            Used("resolved_by_status", "{n} resolved by status (at their last update)",
                 "{n} resueltos por su estado (en su última actualización)",
                 f"resolved IS NOT NULL AND {_BY_STATUS}", hide_zero=True,
                 one_en="{n} resolved by status (at its last update)",
                 one_es="{n} resuelto por su estado (en su última actualización)"),
            Used("cancelled", "{n} cancelled (out of the backlog from their last update)",
                 "{n} cancelados (fuera de pendientes desde su última actualización)",
                 "cancelled_at IS NOT NULL", hide_zero=True,
                 one_en="{n} cancelled (out of the backlog from its last update)",
                 one_es="{n} cancelado (fuera de pendientes desde su última actualización)"),
            # out of the backlog and of every dated count (no last update to date them)
            Used("closed_unknown", "{n} resolved or cancelled by status, date unknown",
                 "{n} resueltos o cancelados por su estado, sin fecha",
                 "coalesce(closed_unknown, FALSE)", hide_zero=True,
                 one_es="{n} resuelto o cancelado por su estado, sin fecha"),
            Used("open", "{n} open", "{n} abiertos", _OPEN_TICKET, one_es="{n} abierto"),
            # DETAILS.md 13: a resolution earlier than the creation does not count
            Used("resolved_before_created",
                 "{n} with a resolution date before their creation (not a resolution)",
                 "{n} con fecha de resolución anterior a la de creación (no es resolución)",
                 "coalesce(resolved_at, closed_at) < created_at", hide_zero=True,
                 one_en="{n} with a resolution date before its creation (not a resolution)"),
        ),
    ),
    Check(
        "surveys", ("survey row", "survey rows"), ("fila de encuesta", "filas de encuesta"),
        span=("responded_at", "responded_at"),
        used=(
            Used("responses", "{n} responses", "{n} respuestas", "satisfied IS NOT NULL",
                 one_en="{n} response", one_es="{n} respuesta"),
            Used("satisfied", "{n} satisfied", "{n} satisfechas", "satisfied",
                 one_es="{n} satisfecha"),
            Used("offered", "{n} offered only (not responses)",
                 "{n} solo ofrecidas (no son respuestas)", "satisfied IS NULL",
                 one_en="{n} offered only (not a response)",
                 one_es="{n} solo ofrecida (no es respuesta)"),
        ),
    ),
    Check(
        "time_entries", ("time entry", "time entries"), ("parte de horas", "partes de horas"),
        span=("date", "date"),
        used=(
            Used("billable_hours", "{n} billable hours", "{n} horas facturables",
                 "sum(hours) FILTER (WHERE billable)", aggregate=True, unit="hours"),
            Used("non_billable_hours", "{n} non-billable hours", "{n} horas no facturables",
                 "sum(hours) FILTER (WHERE NOT billable)", aggregate=True, unit="hours"),
        ),
    ),
    Check(
        "staff", ("technician", "technicians"), ("técnico", "técnicos"),
        used=(
            Used("with_cost", "{n} with an hourly cost", "{n} con coste por hora",
                 "hourly_cost IS NOT NULL"),
            Used("with_weekly_hours", "{n} with weekly hours (else 40)",
                 "{n} con horas semanales (si no, 40)", "weekly_hours IS NOT NULL"),
        ),
    ),
    Check(
        "contracts", ("contract", "contracts"), ("contrato", "contratos"),
        span=("start_date", "end_date"),
        statuses=("status",),
        money=("amount",),
        used=(
            Used("active", "{n} active on {as_of}", "{n} activos a {as_of}",
                 _CONTRACT_ACTIVE, at_as_of=True, one_es="{n} activo a {as_of}"),
            Used("with_end", "{n} with an end date", "{n} con fecha de fin",
                 "end_date IS NOT NULL"),
            # issue 18: an unknown billing period is never guessed (out of MRR)
            Used("unknown_period",
                 "{n} with an unknown billing period (out of MRR until its months are set)",
                 "{n} con periodicidad desconocida (fuera del MRR hasta indicar sus meses)",
                 "billing_months IS NULL", needs=("billing_period",), hide_zero=True),
            Used("one_time", "{n} one-time charges (MRR 0)", "{n} cargos únicos (MRR 0)",
                 "billing_months = 0", needs=("billing_period",), hide_zero=True,
                 one_en="{n} one-time charge (MRR 0)", one_es="{n} cargo único (MRR 0)"),
        ),
    ),
    Check(
        "devices", ("device", "devices"), ("equipo", "equipos"),
        span=("last_seen", "last_seen"),
        used=(
            Used("active", "{n} active on {as_of}", "{n} activos a {as_of}",
                 _DEVICE_ACTIVE, at_as_of=True, one_es="{n} activo a {as_of}"),
            Used("inactive",
                 f"{{n}} not active (not seen in the {DEVICE_SEEN_DAYS} days before, or "
                 "marked inactive)",
                 f"{{n}} no activos (sin conexión en los {DEVICE_SEEN_DAYS} días anteriores, "
                 "o marcados inactivos)",
                 f"NOT ({_DEVICE_ACTIVE})", at_as_of=True,
                 one_es=f"{{n}} no activo (sin conexión en los {DEVICE_SEEN_DAYS} días "
                 "anteriores, o marcado inactivo)"),
        ),
    ),
    Check(
        "projects", ("project", "projects"), ("proyecto", "proyectos"),
        span=("start_date", "due_date"),
        statuses=("status",),
        used=(
            Used("active", "{n} active on {as_of} (started, not completed)",
                 "{n} activos a {as_of} (empezados, sin completar)",
                 f"start_date <= $as_of AND NOT {_PROJECT_DONE}", at_as_of=True,
                 one_es="{n} activo a {as_of} (empezado, sin completar)"),
            Used("completed", "{n} completed", "{n} completados", _PROJECT_DONE,
                 at_as_of=True, one_es="{n} completado"),
            Used("not_started", "{n} not started", "{n} sin empezar",
                 f"start_date > $as_of AND NOT {_PROJECT_DONE}", at_as_of=True),
        ),
    ),
    Check(
        "invoices", ("invoice line", "invoice lines"), ("línea de factura", "líneas de factura"),
        span=("date", "date"),
        money=("amount", "cost"),
        used=(
            Used("with_cost", "{n} with a cost", "{n} con coste", "cost IS NOT NULL",
                 needs=("cost",)),
        ),
    ),
    Check(
        "opportunities", ("opportunity", "opportunities"), ("oportunidad", "oportunidades"),
        span=("created_at", "created_at"),
        statuses=("outcome", "stage"),
        money=("amount",),
        used=(
            Used("open", "{n} open", "{n} abiertas", "outcome = 'open'", one_es="{n} abierta"),
            Used("won", "{n} won", "{n} ganadas", "outcome = 'won'", one_es="{n} ganada"),
            Used("lost", "{n} lost", "{n} perdidas", "outcome = 'lost'", one_es="{n} perdida"),
            # issue 18: closed before created: still won, out of the sales cycle
            Used("closed_before_created",
                 "{n} won with a close date before their creation (out of the sales cycle)",
                 "{n} ganadas con cierre anterior a su creación (fuera del ciclo de venta)",
                 "outcome = 'won' AND closed_at < created_at", hide_zero=True,
                 one_en="{n} won with a close date before its creation (out of the sales "
                 "cycle)",
                 one_es="{n} ganada con cierre anterior a su creación (fuera del ciclo de "
                 "venta)"),
            Used("with_amount", "{n} with an amount", "{n} con importe", "amount IS NOT NULL",
                 needs=("amount",)),
            Used("with_probability", "{n} with a probability", "{n} con probabilidad",
                 "probability IS NOT NULL", needs=("probability",)),
        ),
    ),
)}
# fmt: on
