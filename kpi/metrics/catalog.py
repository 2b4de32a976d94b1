"""The KPIs: one frozen declaration per KPI id of KPIS.md.

This module is data. :mod:`kpi.engine` turns each *family* of KPIs (those computed from the
same rows) into one SQL query per grouping: the family's rows are *contributions* (one row
per event, or per entity at a date D) with the columns named here, aggregated at the
grouping. A KPI declares its aggregates over those columns, MetricFlow style:

* ``kind="sum"``: the value is ``numerator`` (a count or a sum; 0 for a group with rows);
* ``kind="ratio"`` / ``"mean"``: ``CAST(numerator AS DOUBLE) / NULLIF(denominator, 0)``,
  both written to the report (a mean is a sum over a count: "41 of 50 tickets");
* ``kind="median"``: ``numerator`` is the aggregate itself (``quantile_cont``).

Money is summed with ``fsum`` (compensated summation: the same cents whatever the order of
the rows), always in the report currency (:mod:`kpi.money`). An amount that is not known
(empty, or in a currency without a rate) is NULL in the contributions; a money KPI names
in ``known`` the column counting its rows, so that a sum over rows none of which is known
is empty, not 0 (a ``*_n`` column: mrr_n counts the contracts active at D).

Identifiers in these expressions are the only ones the engine ever writes into SQL; values
travel as bound parameters.

Contribution columns per family (the engine's ``_parts_*`` functions produce them):

=============  ==============================================================================
family         columns
=============  ==============================================================================
profit         mrr (@D), rr (@each month), rev, dcost, labor, hours_all, mv_new, mv_exp,
               mv_con, mv_churn; rows: mrr_n, rr_n, rev_n, dcost_n, mv_n
csat           sat, resp
tickets        opened, esc_n, esc_known, esc_hours, frt_hours, resolved_n, fcr_n, fcr_known,
               sla_n, sla_known, res_hours, backlog (@D)
time           hours, bill_h, avail
devices        active_n, covered_n, uncovered_n, unc_mrr (all @D, per client)
renewals       due, ren, up, up_mrr
projects       p_active, p_on_track, p_late, p_over, ac_a, bud_a (at min(end, as_of))
opportunities  open_n, open_amt, weighted, w_n, stale (@D), created_n, won_n, lost_n,
               won_amt, cycle_days
=============  ==============================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

#: Units of the ``unit`` column (DETAILS.md 6).
UNITS = ("ratio", "currency", "hours", "days", "count")
#: Grouping dimensions; ``total`` is the empty set and always allowed.
DIMS = ("client", "technician", "month")

C_M = frozenset({"client", "month"})
C_T_M = frozenset({"client", "technician", "month"})
T_M = frozenset({"technician", "month"})
C_ONLY = frozenset({"client"})

Target = float | tuple[float, float]


@dataclass(frozen=True)
class Need:
    """One input a KPI needs: any of these (dataset, column) pairs; column None = loaded.

    Example: ``Need((("invoices", None), ("contracts", None)))`` is "load invoices or
    contracts"; ``Need((("tickets", "sla_met"), ("tickets", "due_at")))`` is "map column
    sla_met or due_at of tickets".
    """

    any_of: tuple[tuple[str, str | None], ...]


def need(*pairs: str) -> Need:
    """``need("invoices", "contracts")`` or ``need("tickets.sla_met", "tickets.due_at")``."""
    out: list[tuple[str, str | None]] = []
    for p in pairs:
        ds, _, col = p.partition(".")
        out.append((ds, col or None))
    return Need(tuple(out))


@dataclass(frozen=True)
class Kpi:
    """The declaration of one KPI.

    Attributes:
        id: stable id, the ``kpi`` column of every export.
        family: the group of KPIs computed by one query (see the module docstring).
        label_en, label_es: short names shown to people.
        description_en, description_es: the definition in words (shown by ``explain``).
        unit: ratio, currency, hours, days or count.
        datasets: datasets read.
        time: the date that places a contribution in a period or month
            (``tickets.created_at``) or ``@D`` for point-in-time KPIs.
        kind: sum, ratio, mean or median (module docstring).
        numerator, denominator: SQL aggregates over the family's contribution columns.
        numerator_en, numerator_es, denominator_en, denominator_es: their names in words.
        direction: higher, lower or band: which way is better, for targets.
        target: default target (a number, or a ``(low, high)`` band), None when none.
        groupings: dimensions the KPI may be grouped by (DETAILS.md 5).
        needs: inputs, all required; a KPI missing one is left out of reports.
        flag: a ticket flag (escalated, fcr, sla_met) of which some ticket must be known.
        inputs: ``dataset.column`` read, for ``explain``.
        nullable: a sum that stays empty when nothing contributes (uncovered_mrr).
        known: ``(rows, value)`` contribution columns of a money KPI: the value is empty
            when the group has rows (``sum(rows) > 0``) but none with a known amount
            (``count(value) = 0``: no amount, or one in a currency without a rate). A group
            with no rows stays 0 (DETAILS.md 4); a partly known one sums what is known and
            the report notes how many rows lacked it.
        rows_en, rows_es: what ``rows`` counts, for that note ("open opportunities").
    """

    id: str
    family: str
    label_en: str
    label_es: str
    description_en: str
    description_es: str
    unit: str
    datasets: tuple[str, ...]
    time: str
    kind: str
    numerator: str
    denominator: str | None
    numerator_en: str
    numerator_es: str
    denominator_en: str | None
    denominator_es: str | None
    direction: str
    target: Target | None
    groupings: frozenset[str]
    needs: tuple[Need, ...]
    inputs: tuple[str, ...]
    flag: str | None = None
    nullable: bool = False
    known: tuple[str, str] | None = None
    rows_en: str | None = None
    rows_es: str | None = None

    def label(self, lang: str = "en") -> str:
        return self.label_es if lang == "es" else self.label_en

    def description(self, lang: str = "en") -> str:
        return self.description_es if lang == "es" else self.description_en

    @property
    def money(self) -> bool:
        """An amount of money, or a ratio of amounts (gross margin %)."""
        return self.unit == "currency" or self.known is not None

    def rows_word(self, lang: str = "en") -> str | None:
        """What the ``known`` rows are, in words (for the report's note)."""
        return self.rows_es if lang == "es" else self.rows_en

    @property
    def has_fraction(self) -> bool:
        """True when numerator and denominator are written to the report (DETAILS.md 7)."""
        return self.kind in ("ratio", "mean")


_REVENUE = need("invoices", "contracts")
_LABOR = (need("time_entries"), need("staff.hourly_cost"))
_GM_NUM = "coalesce(fsum(rev), 0) - coalesce(fsum(labor), 0) - coalesce(fsum(dcost), 0)"
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
#: The columns that can give each ticket flag (KPIS.md 3), for "what would enable it".
FLAG_NEEDS: dict[str, Need] = {"escalated": _ESCALATED, "fcr": _FCR, "sla_met": _SLA}
_COVERAGE = need("devices.covered", "devices.contract_id", "contracts.covered_devices")


def _k(
    id: str,
    family: str,
    labels: tuple[str, str],
    descriptions: tuple[str, str],
    unit: str,
    datasets: tuple[str, ...],
    time: str,
    kind: str,
    numerator: str,
    numerator_words: tuple[str, str],
    denominator: str | None = None,
    denominator_words: tuple[str, str] | None = None,
    *,
    direction: str,
    groupings: frozenset[str],
    needs: tuple[Need, ...],
    inputs: tuple[str, ...],
    target: Target | None = None,
    flag: str | None = None,
    nullable: bool = False,
    known: tuple[str, str] | None = None,
    rows: tuple[str, str] | None = None,
) -> Kpi:
    return Kpi(
        id=id,
        family=family,
        label_en=labels[0],
        label_es=labels[1],
        description_en=descriptions[0],
        description_es=descriptions[1],
        unit=unit,
        datasets=datasets,
        time=time,
        kind=kind,
        numerator=numerator,
        denominator=denominator,
        numerator_en=numerator_words[0],
        numerator_es=numerator_words[1],
        denominator_en=denominator_words[0] if denominator_words else None,
        denominator_es=denominator_words[1] if denominator_words else None,
        direction=direction,
        target=target,
        groupings=groupings,
        needs=needs,
        inputs=inputs,
        flag=flag,
        nullable=nullable,
        known=known,
        rows_en=rows[0] if rows else None,
        rows_es=rows[1] if rows else None,
    )


_CONTRACT_INPUTS = (
    "contracts.client",
    "contracts.start_date",
    "contracts.end_date",
    "contracts.amount",
    "contracts.billing_period",
)
_MOVE = (
    "Per client, MRR at the end of each month compared with the end of the month before "
    "(the first month compares with the month before the period); summed over clients "
    "and months. "
)
_MOVE_ES = (
    "Por cliente, MRR al final de cada mes frente al final del mes anterior (el primer mes "
    "se compara con el mes anterior al periodo); sumado por clientes y meses. "
)
_TICKET_INPUTS = ("tickets.client", "tickets.technician", "tickets.created_at")
_RES_INPUTS = (
    *_TICKET_INPUTS,
    "tickets.resolved_at",
    "tickets.closed_at",
    "tickets.status",
    "tickets.updated_at",
)
_ESC_INPUTS = (*_TICKET_INPUTS, "tickets.escalated", "tickets.tier", "tickets.reassignment_count")
_TE_INPUTS = (
    "time_entries.technician",
    "time_entries.client",
    "time_entries.date",
    "time_entries.hours",
)
_DEVICE_INPUTS = (
    "devices.client",
    "devices.first_seen",
    "devices.last_seen",
    "devices.active",
    "devices.covered",
    "devices.contract_id",
    "contracts.contract_id",
    "contracts.covered_devices",
    *_CONTRACT_INPUTS,
)
_RENEWAL_INPUTS = (*_CONTRACT_INPUTS, "contracts.renewed", "contracts.auto_renew")
_PROJECT_INPUTS = (
    "projects.client",
    "projects.status",
    "projects.start_date",
    "projects.due_date",
    "projects.budget_hours",
    "projects.actual_hours",
    "projects.percent_complete",
    "projects.closed_at",
    "time_entries.project_id",
)
_OPP_INPUTS = (
    "opportunities.client",
    "opportunities.created_at",
    "opportunities.closed_at",
    "opportunities.status",
    "opportunities.stage",
    "opportunities.amount",
)
_PROJECT_STATE_EN = (
    " State at D = min(period end, as_of), first that applies: completed, late (D after "
    "due_date), over_budget (actual hours above budget, or CPI < 0.9), at_risk (SPI < 0.9, "
    "or CPI < 1, or without percent complete: actual/budget > planned + 0.1), on_track."
)
_PROJECT_STATE_ES = (
    " Estado en D = mín(fin del periodo, fecha de corte), el primero que aplica: "
    "completado, retrasado (D posterior a la fecha prevista), sobre presupuesto (horas "
    "reales por encima del presupuesto, o CPI < 0,9), en riesgo (SPI < 0,9, o CPI < 1, o "
    "sin % completado: reales/presupuesto > planificado + 0,1), en plazo."
)
_OPEN_EN = " Open at D: created on or before D and not won or lost with a close date <= D."
_OPEN_ES = " Abierta en D: creada en D o antes y no ganada ni perdida con fecha de cierre <= D."

# fmt: off
KPIS: tuple[Kpi, ...] = (
    # 1. Profitability -------------------------------------------------------------------
    _k("mrr", "profit", ("MRR", "MRR"),
       ("Monthly recurring revenue at D: sum of amount / months of the billing period of "
        "the contracts active at D (start_date <= D and end_date empty or >= D).",
        "Ingresos recurrentes mensuales en D: suma de importe / meses del periodo de "
        "facturación de los contratos activos en D (inicio <= D y fin vacío o >= D)."),
       "currency", ("contracts",), "@D", "sum", "fsum(mrr)", ("MRR", "MRR"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mrr_n", "mrr"),
       rows=("active contracts", "contratos activos"),
       inputs=_CONTRACT_INPUTS),
    _k("mrr_new", "profit", ("New MRR", "MRR nuevo"),
       (_MOVE + "New: the current MRR of a client that had none.",
        _MOVE_ES + "Nuevo: el MRR actual de un cliente que no tenía."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_new)",
       ("new MRR", "MRR nuevo"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=_CONTRACT_INPUTS),
    _k("mrr_expansion", "profit", ("Expansion MRR", "MRR de expansión"),
       (_MOVE + "Expansion: the increase of a client that already had MRR.",
        _MOVE_ES + "Expansión: el aumento de un cliente que ya tenía MRR."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_exp)",
       ("expansion", "expansión"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=_CONTRACT_INPUTS),
    _k("mrr_contraction", "profit", ("Contraction MRR", "MRR de contracción"),
       (_MOVE + "Contraction: the decrease of a client that keeps some MRR.",
        _MOVE_ES + "Contracción: la bajada de un cliente que conserva algo de MRR."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_con)",
       ("contraction", "contracción"),
       direction="lower", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=_CONTRACT_INPUTS),
    _k("mrr_churn", "profit", ("Churned MRR", "MRR perdido"),
       (_MOVE + "Churn: the previous MRR of a client left with none.",
        _MOVE_ES + "Baja: el MRR anterior de un cliente que se queda sin MRR."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_churn)",
       ("churned MRR", "MRR perdido"),
       direction="lower", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=_CONTRACT_INPUTS),
    _k("mrr_net_change", "profit", ("Net MRR change", "Variación neta del MRR"),
       ("New + expansion - contraction - churn MRR over the months of the period.",
        "MRR nuevo + expansión - contracción - bajas en los meses del periodo."),
       "currency", ("contracts",), "@month", "sum",
       "coalesce(fsum(mv_new), 0) + coalesce(fsum(mv_exp), 0) - coalesce(fsum(mv_con), 0)"
       " - coalesce(fsum(mv_churn), 0)",
       ("net change", "variación neta"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=_CONTRACT_INPUTS),
    _k("recurring_revenue", "profit", ("Recurring revenue", "Ingresos recurrentes"),
       ("Sum over the months of the period of the MRR at each month's end (D).",
        "Suma, en los meses del periodo, del MRR al final de cada mes (D)."),
       "currency", ("contracts",), "@month", "sum", "fsum(rr)",
       ("recurring revenue", "ingresos recurrentes"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("rr_n", "rr"),
       rows=("contract-months", "contratos-mes"),
       inputs=_CONTRACT_INPUTS),
    _k("revenue", "profit", ("Revenue", "Ingresos"),
       ("Invoice amounts dated in the period when invoices are loaded; otherwise the "
        "recurring revenue of the contracts.",
        "Importes de las facturas con fecha en el periodo si hay facturas; si no, los "
        "ingresos recurrentes de los contratos."),
       "currency", ("invoices", "contracts"), "invoices.date", "sum", "fsum(rev)",
       ("revenue", "ingresos"),
       direction="higher", groupings=C_M, needs=(_REVENUE,),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.client", "invoices.date", "invoices.amount", *_CONTRACT_INPUTS)),
    _k("labor_cost", "profit", ("Labour cost", "Coste de personal"),
       ("Time entry hours in the period (billable or not) x the technician's hourly cost; "
        "hours of technicians without a cost are left out.",
        "Horas de los partes del periodo (facturables o no) x coste por hora del técnico; "
        "las horas de técnicos sin coste se excluyen."),
       "currency", ("time_entries", "staff"), "time_entries.date", "sum", "fsum(labor)",
       ("labour cost", "coste de personal"),
       direction="lower", groupings=C_T_M, needs=_LABOR,
       inputs=(*_TE_INPUTS, "staff.technician", "staff.hourly_cost")),
    _k("direct_cost", "profit", ("Direct cost", "Coste directo"),
       ("Invoice cost (licences, hardware) dated in the period.",
        "Coste de las líneas de factura (licencias, hardware) con fecha en el periodo."),
       "currency", ("invoices",), "invoices.date", "sum", "fsum(dcost)",
       ("direct cost", "coste directo"),
       direction="lower", groupings=C_M, needs=(need("invoices.cost"),),
       known=("dcost_n", "dcost"),
       rows=("invoice lines with a cost", "líneas de factura con coste"),
       inputs=("invoices.client", "invoices.date", "invoices.cost")),
    _k("gross_margin", "profit", ("Gross margin", "Margen bruto"),
       ("Revenue - labour cost - direct cost (a missing direct cost counts as 0).",
        "Ingresos - coste de personal - coste directo (sin coste directo cuenta 0)."),
       "currency", ("invoices", "contracts", "time_entries", "staff"), "invoices.date",
       "sum", _GM_NUM, ("gross margin", "margen bruto"),
       direction="higher", groupings=C_M, needs=(_REVENUE, *_LABOR),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.amount", "invoices.cost", *_CONTRACT_INPUTS, *_TE_INPUTS,
               "staff.hourly_cost")),
    _k("gross_margin_pct", "profit", ("Gross margin %", "Margen bruto %"),
       ("Gross margin / revenue.", "Margen bruto / ingresos."),
       "ratio", ("invoices", "contracts", "time_entries", "staff"), "invoices.date",
       "ratio", _GM_NUM, ("gross margin", "margen bruto"), "fsum(rev)",
       ("revenue", "ingresos"),
       direction="higher", target=0.40, groupings=C_M, needs=(_REVENUE, *_LABOR),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.amount", "invoices.cost", *_CONTRACT_INPUTS, *_TE_INPUTS,
               "staff.hourly_cost")),
    _k("effective_hourly_rate", "profit", ("Effective hourly rate", "Precio hora efectivo"),
       ("(Revenue - direct cost) / hours worked in the period, billable or not.",
        "(Ingresos - coste directo) / horas trabajadas en el periodo, facturables o no."),
       "currency", ("invoices", "contracts", "time_entries"), "time_entries.date", "ratio",
       "coalesce(fsum(rev), 0) - coalesce(fsum(dcost), 0)",
       ("revenue - direct cost", "ingresos - coste directo"), "fsum(hours_all)",
       ("hours worked", "horas trabajadas"),
       direction="higher", groupings=C_M, needs=(_REVENUE, need("time_entries")),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.amount", "invoices.cost", *_CONTRACT_INPUTS, *_TE_INPUTS)),
    # 2. CSAT ------------------------------------------------------------------------------
    _k("csat", "csat", ("CSAT", "CSAT"),
       ("Satisfied responses / responses, by response date.",
        "Respuestas satisfechas / respuestas, por fecha de respuesta."),
       "ratio", ("surveys",), "surveys.responded_at", "ratio", "sum(sat)",
       ("satisfied", "satisfechas"), "sum(resp)", ("responses", "respuestas"),
       direction="higher", target=0.90, groupings=C_T_M, needs=(need("surveys"),),
       inputs=("surveys.responded_at", "surveys.score", "surveys.client",
               "surveys.technician", "surveys.ticket_id")),
    _k("csat_responses", "csat", ("CSAT responses", "Respuestas CSAT"),
       ("Survey responses in the period (offered-only rows are not responses).",
        "Respuestas de encuesta del periodo (las solo ofrecidas no cuentan)."),
       "count", ("surveys",), "surveys.responded_at", "sum", "sum(resp)",
       ("responses", "respuestas"),
       direction="higher", groupings=C_T_M, needs=(need("surveys"),),
       inputs=("surveys.responded_at", "surveys.score", "surveys.client",
               "surveys.technician")),
    # 3. FCR and SLA -----------------------------------------------------------------------
    _k("tickets_opened", "tickets", ("Tickets opened", "Tickets abiertos"),
       ("Tickets created in the period.", "Tickets creados en el periodo."),
       "count", ("tickets",), "tickets.created_at", "sum", "sum(opened)",
       ("tickets", "tickets"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"),), inputs=_TICKET_INPUTS),
    _k("tickets_resolved", "tickets", ("Tickets resolved", "Tickets resueltos"),
       ("Tickets resolved in the period (resolved_at, else closed_at, else a resolved "
        "status dated by the ticket's last update).",
        "Tickets resueltos en el periodo (fecha de resolución, si no de cierre, si no un "
        "estado resuelto fechado por la última actualización del ticket)."),
       "count", ("tickets",), "tickets.resolved", "sum", "sum(resolved_n)",
       ("tickets", "tickets"),
       direction="higher", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    _k("backlog", "tickets", ("Backlog", "Tickets pendientes"),
       ("Tickets created on or before D and not resolved or cancelled by D; a ticket "
        "resolved or cancelled at an unknown time (a status without any date) is never in "
        "it.",
        "Tickets creados en D o antes y no resueltos ni cancelados en D; un ticket resuelto "
        "o cancelado en una fecha desconocida (un estado sin ninguna fecha) nunca cuenta."),
       "count", ("tickets",), "@D", "sum", "sum(backlog)", ("tickets", "tickets"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _LEFT_BACKLOG),
       inputs=_RES_INPUTS),
    _k("fcr_rate", "tickets", ("First contact resolution", "Resolución al primer contacto"),
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
    _k("sla_rate", "tickets", ("SLA met", "SLA cumplido"),
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
    _k("mean_resolution_hours", "tickets", ("Mean resolution time", "Tiempo medio de resolución"),
       ("Mean hours from creation to resolution of the tickets resolved in the period.",
        "Media de horas desde la creación hasta la resolución de los tickets resueltos en "
        "el periodo."),
       "hours", ("tickets",), "tickets.resolved", "mean", "fsum(res_hours)",
       ("hours", "horas"), "count(res_hours)", ("tickets", "tickets"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    _k("median_resolution_hours", "tickets",
       ("Median resolution time", "Mediana del tiempo de resolución"),
       ("Median hours from creation to resolution of the tickets resolved in the period.",
        "Mediana de horas desde la creación hasta la resolución de los tickets resueltos "
        "en el periodo."),
       "hours", ("tickets",), "tickets.resolved", "median", "quantile_cont(res_hours, 0.5)",
       ("median hours", "mediana de horas"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _RESOLVED),
       inputs=_RES_INPUTS),
    _k("mean_first_response_hours", "tickets",
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
    _k("escalated_tickets", "tickets", ("Escalated tickets", "Tickets escalados"),
       ("Escalated tickets created in the period (escalated; else tier > 1; else "
        "reassigned).",
        "Tickets escalados creados en el periodo (escalado; si no, nivel > 1; si no, "
        "reasignado)."),
       "count", ("tickets",), "tickets.created_at", "sum", "sum(esc_n)",
       ("escalated", "escalados"),
       direction="lower", groupings=C_T_M, needs=(need("tickets"), _ESCALATED),
       flag="escalated", inputs=_ESC_INPUTS),
    _k("escalation_rate", "tickets", ("Escalation rate", "Tasa de escalado"),
       ("Escalated tickets / tickets created in the period with a known escalation.",
        "Tickets escalados / tickets creados en el periodo con escalado conocido."),
       "ratio", ("tickets",), "tickets.created_at", "ratio", "sum(esc_n)",
       ("escalated", "escalados"), "sum(esc_known)",
       ("created with a known flag", "creados con dato conocido"),
       direction="lower", target=0.20, groupings=C_T_M,
       needs=(need("tickets"), _ESCALATED), flag="escalated", inputs=_ESC_INPUTS),
    _k("escalated_hours", "tickets", ("Hours on escalated tickets", "Horas en tickets escalados"),
       ("Sum of the tickets' own hours of the escalated tickets created in the period.",
        "Suma de las horas propias de los tickets escalados creados en el periodo."),
       "hours", ("tickets",), "tickets.created_at", "sum", "fsum(esc_hours)",
       ("hours", "horas"),
       direction="lower", groupings=C_T_M,
       needs=(need("tickets"), _ESCALATED, need("tickets.hours")), flag="escalated",
       inputs=(*_ESC_INPUTS, "tickets.hours")),
    # 5. Utilisation -----------------------------------------------------------------------
    _k("hours_worked", "time", ("Hours worked", "Horas trabajadas"),
       ("Hours of the time entries dated in the period.",
        "Horas de los partes con fecha en el periodo."),
       "hours", ("time_entries",), "time_entries.date", "sum", "fsum(hours)",
       ("hours", "horas"),
       direction="higher", groupings=C_T_M, needs=(need("time_entries"),),
       inputs=_TE_INPUTS),
    _k("billable_hours", "time", ("Billable hours", "Horas facturables"),
       ("Hours of the billable time entries dated in the period.",
        "Horas de los partes facturables con fecha en el periodo."),
       "hours", ("time_entries",), "time_entries.date", "sum", "fsum(bill_h)",
       ("billable hours", "horas facturables"),
       direction="higher", groupings=C_T_M, needs=(need("time_entries"),),
       inputs=(*_TE_INPUTS, "time_entries.billable")),
    _k("available_hours", "time", ("Available hours", "Horas disponibles"),
       ("weekly_hours / 5 x weekdays (Mon-Fri) of the period, summed over the technicians "
        "(the staff list, else those with time entries; 40 hours a week by default).",
        "horas semanales / 5 x días laborables (lun-vie) del periodo, sumado por técnicos "
        "(la plantilla, si no los que tienen partes; 40 horas semanales por defecto)."),
       "hours", ("staff", "time_entries"), "weekdays", "sum", "fsum(avail)",
       ("available hours", "horas disponibles"),
       direction="higher", groupings=T_M, needs=(need("staff", "time_entries"),),
       inputs=("staff.technician", "staff.weekly_hours", "time_entries.technician",
               "time_entries.date")),
    _k("utilization", "time", ("Utilisation", "Utilización"),
       ("Billable hours / available hours.", "Horas facturables / horas disponibles."),
       "ratio", ("time_entries", "staff"), "time_entries.date", "ratio", "fsum(bill_h)",
       ("billable hours", "horas facturables"), "fsum(avail)",
       ("available hours", "horas disponibles"),
       direction="band", target=(0.70, 0.85), groupings=T_M, needs=(need("time_entries"),),
       inputs=(*_TE_INPUTS, "time_entries.billable", "staff.technician",
               "staff.weekly_hours")),
    # 6. Devices ---------------------------------------------------------------------------
    _k("active_devices", "devices", ("Active devices", "Equipos activos"),
       ("Devices active at D: first seen empty or <= D, last seen empty or within 30 days "
        "before D, and not marked inactive.",
        "Equipos activos en D: alta vacía o <= D, última conexión vacía o en los 30 días "
        "anteriores a D, y no marcados como inactivos."),
       "count", ("devices",), "@D", "sum", "sum(active_n)", ("devices", "equipos"),
       direction="higher", groupings=C_M, needs=(need("devices"),),
       inputs=("devices.client", "devices.first_seen", "devices.last_seen",
               "devices.active")),
    _k("uncovered_devices", "devices", ("Uncovered devices", "Equipos sin cubrir"),
       ("Active devices - covered devices at D. Covered per device (covered flag, or a "
        "contract_id active at D) when the devices file has those columns; otherwise per "
        "client, min(active, covered_devices of its contracts active at D).",
        "Equipos activos - cubiertos en D. Cubierto por equipo (marca covered, o un "
        "contrato activo en D) si el fichero de equipos tiene esas columnas; si no, por "
        "cliente, mín(activos, equipos cubiertos de sus contratos activos en D)."),
       "count", ("devices", "contracts"), "@D", "sum", "sum(uncovered_n)",
       ("uncovered devices", "equipos sin cubrir"),
       direction="lower", target=0.0, groupings=C_M,
       needs=(need("devices"), _COVERAGE), inputs=_DEVICE_INPUTS),
    _k("device_coverage_rate", "devices", ("Device coverage", "Cobertura de equipos"),
       ("Covered devices / active devices at D.", "Equipos cubiertos / activos en D."),
       "ratio", ("devices", "contracts"), "@D", "ratio", "sum(covered_n)",
       ("covered devices", "equipos cubiertos"), "sum(active_n)",
       ("active devices", "equipos activos"),
       direction="higher", groupings=C_M, needs=(need("devices"), _COVERAGE),
       inputs=_DEVICE_INPUTS),
    _k("uncovered_mrr", "devices", ("Uncovered MRR", "MRR sin cubrir"),
       ("Uncovered devices x the client's price per device (MRR of its active contracts "
        "with covered devices / their covered devices); empty for a client without such a "
        "contract.",
        "Equipos sin cubrir x precio por equipo del cliente (MRR de sus contratos activos "
        "con equipos cubiertos / esos equipos); vacío si el cliente no tiene ninguno."),
       "currency", ("devices", "contracts"), "@D", "sum", "fsum(unc_mrr)",
       ("uncovered MRR", "MRR sin cubrir"),
       direction="lower", groupings=C_M, nullable=True,
       needs=(need("devices"), need("contracts.covered_devices")), inputs=_DEVICE_INPUTS),
    # 7. Renewals --------------------------------------------------------------------------
    _k("contracts_due", "renewals", ("Contracts due", "Contratos a renovar"),
       ("Contracts whose end date is in the period and on or before as_of.",
        "Contratos cuya fecha de fin está en el periodo y no es posterior a la fecha de "
        "corte."),
       "count", ("contracts",), "contracts.end_date", "sum", "sum(due)",
       ("contracts", "contratos"),
       direction="higher", groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    _k("contracts_renewed", "renewals", ("Contracts renewed", "Contratos renovados"),
       ("Contracts due and renewed: renewed flag; else auto-renew; else a later contract "
        "of the same client starting no later than 30 days after the end and ending later.",
        "Contratos a renovar y renovados: marca renovado; si no, renovación automática; si "
        "no, otro contrato posterior del mismo cliente que empieza como mucho 30 días "
        "después del fin y acaba más tarde."),
       "count", ("contracts",), "contracts.end_date", "sum", "sum(ren)",
       ("renewed", "renovados"),
       direction="higher", groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    _k("renewal_rate", "renewals", ("Renewal rate", "Tasa de renovación"),
       ("Contracts renewed / contracts due.", "Contratos renovados / contratos a renovar."),
       "ratio", ("contracts",), "contracts.end_date", "ratio", "sum(ren)",
       ("renewed", "renovados"), "sum(due)", ("due", "a renovar"),
       direction="higher", target=0.90, groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    _k("renewals_upcoming", "renewals", ("Upcoming renewals", "Renovaciones próximas"),
       ("Contracts ending after as_of and at most 90 days later, not already renewed.",
        "Contratos que terminan después de la fecha de corte y como mucho 90 días más "
        "tarde, no renovados ya."),
       "count", ("contracts",), "as_of", "sum", "sum(up)", ("contracts", "contratos"),
       direction="lower", groupings=C_ONLY,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    _k("renewals_upcoming_mrr", "renewals", ("MRR up for renewal", "MRR a renovar"),
       ("MRR of the upcoming renewals.", "MRR de las renovaciones próximas."),
       "currency", ("contracts",), "as_of", "sum", "fsum(up_mrr)", ("MRR", "MRR"),
       direction="lower", groupings=C_ONLY,
       needs=(need("contracts"), need("contracts.end_date")), known=("up", "up_mrr"),
       rows=("upcoming renewals", "renovaciones próximas"),
       inputs=_RENEWAL_INPUTS),
    # 8. Projects --------------------------------------------------------------------------
    _k("projects_active", "projects", ("Active projects", "Proyectos activos"),
       ("Projects started on or before D and not completed." + _PROJECT_STATE_EN,
        "Proyectos iniciados en D o antes y no completados." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_active)", ("projects", "proyectos"),
       direction="higher", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    _k("projects_on_track", "projects", ("Projects on track", "Proyectos en plazo"),
       ("Active projects on track." + _PROJECT_STATE_EN,
        "Proyectos activos en plazo." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_on_track)", ("projects", "proyectos"),
       direction="higher", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    _k("projects_on_track_rate", "projects", ("Projects on track %", "Proyectos en plazo %"),
       ("Projects on track / active projects." + _PROJECT_STATE_EN,
        "Proyectos en plazo / proyectos activos." + _PROJECT_STATE_ES),
       "ratio", ("projects",), "@D", "ratio", "sum(p_on_track)",
       ("on track", "en plazo"), "sum(p_active)", ("active", "activos"),
       direction="higher", target=0.80, groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    _k("projects_late", "projects", ("Late projects", "Proyectos retrasados"),
       ("Active projects past their due date." + _PROJECT_STATE_EN,
        "Proyectos activos pasada su fecha prevista." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_late)", ("projects", "proyectos"),
       direction="lower", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    _k("projects_over_budget", "projects",
       ("Projects over budget", "Proyectos sobre presupuesto"),
       ("Active projects over budget." + _PROJECT_STATE_EN,
        "Proyectos activos sobre presupuesto." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_over)", ("projects", "proyectos"),
       direction="lower", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    _k("project_budget_burn", "projects", ("Budget burn", "Consumo del presupuesto"),
       ("Actual hours / budget hours of the active projects (actual_hours, else the time "
        "entries of the project dated on or before D).",
        "Horas reales / horas presupuestadas de los proyectos activos (actual_hours, si no "
        "los partes del proyecto hasta D)."),
       "ratio", ("projects", "time_entries"), "@D", "ratio", "fsum(ac_a)",
       ("actual hours", "horas reales"), "fsum(bud_a)",
       ("budget hours", "horas presupuestadas"),
       direction="lower", groupings=C_ONLY,
       needs=(need("projects"), need("projects.actual_hours", "time_entries.project_id")),
       inputs=_PROJECT_INPUTS),
    # 9. Pipeline --------------------------------------------------------------------------
    _k("pipeline_count", "opportunities", ("Open opportunities", "Oportunidades abiertas"),
       ("Opportunities open at D." + _OPEN_EN, "Oportunidades abiertas en D." + _OPEN_ES),
       "count", ("opportunities",), "@D", "sum", "sum(open_n)",
       ("opportunities", "oportunidades"),
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       inputs=_OPP_INPUTS),
    _k("pipeline_amount", "opportunities", ("Pipeline", "Cartera"),
       ("Amount of the opportunities open at D." + _OPEN_EN,
        "Importe de las oportunidades abiertas en D." + _OPEN_ES),
       "currency", ("opportunities",), "@D", "sum", "fsum(open_amt)",
       ("amount", "importe"),
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       known=("open_n", "open_amt"),
       rows=("open opportunities", "oportunidades abiertas"),
       inputs=_OPP_INPUTS),
    _k("pipeline_weighted", "opportunities", ("Weighted pipeline", "Cartera ponderada"),
       ("Sum of amount x probability of the opportunities open at D (those without "
        "probability left out)." + _OPEN_EN,
        "Suma de importe x probabilidad de las oportunidades abiertas en D (sin "
        "probabilidad no cuentan)." + _OPEN_ES),
       "currency", ("opportunities",), "@D", "sum", "fsum(weighted)",
       ("weighted amount", "importe ponderado"),
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.probability")),
       known=("w_n", "weighted"),
       rows=("open opportunities with a probability", "oportunidades abiertas con probabilidad"),
       inputs=(*_OPP_INPUTS, "opportunities.probability")),
    _k("stale_opportunities", "opportunities",
       ("Stale opportunities", "Oportunidades estancadas"),
       ("Open opportunities whose last activity (else creation) is more than 30 days "
        "before D." + _OPEN_EN,
        "Oportunidades abiertas cuya última actividad (si no, creación) es de más de 30 "
        "días antes de D." + _OPEN_ES),
       "count", ("opportunities",), "@D", "sum", "sum(stale)",
       ("opportunities", "oportunidades"),
       direction="lower", groupings=C_M, needs=(need("opportunities"),),
       inputs=(*_OPP_INPUTS, "opportunities.last_activity_at")),
    _k("opportunities_created", "opportunities",
       ("Opportunities created", "Oportunidades creadas"),
       ("Opportunities created in the period.", "Oportunidades creadas en el periodo."),
       "count", ("opportunities",), "opportunities.created_at", "sum", "sum(created_n)",
       ("opportunities", "oportunidades"),
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       inputs=("opportunities.client", "opportunities.created_at")),
    # 10. Sales ----------------------------------------------------------------------------
    _k("opportunities_won", "opportunities", ("Opportunities won", "Oportunidades ganadas"),
       ("Won opportunities with a close date in the period.",
        "Oportunidades ganadas con fecha de cierre en el periodo."),
       "count", ("opportunities",), "opportunities.closed_at", "sum", "sum(won_n)",
       ("won", "ganadas"),
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    _k("opportunities_lost", "opportunities", ("Opportunities lost", "Oportunidades perdidas"),
       ("Lost opportunities with a close date in the period.",
        "Oportunidades perdidas con fecha de cierre en el periodo."),
       "count", ("opportunities",), "opportunities.closed_at", "sum", "sum(lost_n)",
       ("lost", "perdidas"),
       direction="lower", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    _k("win_rate", "opportunities", ("Win rate", "Tasa de éxito"),
       ("Won / (won + lost), by close date.", "Ganadas / (ganadas + perdidas), por cierre."),
       "ratio", ("opportunities",), "opportunities.closed_at", "ratio", "sum(won_n)",
       ("won", "ganadas"), "sum(won_n) + sum(lost_n)", ("won or lost", "ganadas o perdidas"),
       direction="higher", target=0.30, groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    _k("won_amount", "opportunities", ("Amount won", "Importe ganado"),
       ("Amount of the opportunities won in the period.",
        "Importe de las oportunidades ganadas en el periodo."),
       "currency", ("opportunities",), "opportunities.closed_at", "sum", "fsum(won_amt)",
       ("amount", "importe"),
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), known=("won_n", "won_amt"),
       rows=("won opportunities", "oportunidades ganadas"),
       inputs=_OPP_INPUTS),
    _k("avg_sales_cycle_days", "opportunities", ("Sales cycle", "Ciclo de venta"),
       ("Mean days from creation to close of the opportunities won in the period.",
        "Media de días desde la creación hasta el cierre de las oportunidades ganadas en "
        "el periodo."),
       "days", ("opportunities",), "opportunities.closed_at", "mean", "fsum(cycle_days)",
       ("days", "días"), "count(cycle_days)", ("won", "ganadas"),
       direction="lower", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
)
# fmt: on

KPI_BY_ID: dict[str, Kpi] = {k.id: k for k in KPIS}

#: The ten headline KPIs, one per indicator (KPIS.md "Targets and status").
HEADLINE: tuple[str, ...] = (
    "gross_margin_pct",
    "csat",
    "fcr_rate",
    "escalation_rate",
    "utilization",
    "uncovered_devices",
    "renewal_rate",
    "projects_on_track_rate",
    "pipeline_weighted",
    "win_rate",
)

#: Families in the order their queries run (any order gives the same report).
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(k.family for k in KPIS))


def get(kpi_id: str) -> Kpi:
    """The declaration of ``kpi_id``.

    Raises:
        KeyError: an unknown id (the message lists the known ones).
    """
    try:
        return KPI_BY_ID[kpi_id]
    except KeyError:
        raise KeyError(f"unknown KPI {kpi_id!r}; known: {', '.join(KPI_BY_ID)}") from None
