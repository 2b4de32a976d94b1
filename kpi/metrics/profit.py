"""Profitability KPIs (KPIS.md 1), the ``profit`` family: MRR and its movements, revenue,
costs and margins.
"""

from __future__ import annotations

from kpi.metrics.declaration import (
    C_M,
    C_T_M,
    CONTRACT_INPUTS,
    TIME_ENTRY_INPUTS,
    Kpi,
    declare,
    need,
)

_REVENUE = need("invoices", "contracts")

_LABOR = (need("time_entries"), need("staff.hourly_cost"))

_GM_NUM = "coalesce(fsum(rev), 0) - coalesce(fsum(labor), 0) - coalesce(fsum(dcost), 0)"

_MOVE = (
    "Per client, MRR at the end of each month compared with the end of the month before "
    "(the first month compares with the month before the period); summed over clients "
    "and months. "
)

_MOVE_ES = (
    "Por cliente, MRR al final de cada mes frente al final del mes anterior (el primer mes "
    "se compara con el mes anterior al periodo); sumado por clientes y meses. "
)


# fmt: off
PROFIT: tuple[Kpi, ...] = (
    # 1. Profitability -------------------------------------------------------------------
    declare("mrr", "profit", ("MRR", "MRR"),
       ("Monthly recurring revenue at D: sum of amount / months of the billing period of "
        "the contracts active at D (start_date <= D and end_date empty or >= D).",
        "Ingresos recurrentes mensuales en D: suma de importe / meses del periodo de "
        "facturación de los contratos activos en D (inicio <= D y fin vacío o >= D)."),
       "currency", ("contracts",), "@D", "sum", "fsum(mrr)", ("MRR", "MRR"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mrr_n", "mrr"),
       rows=("active contracts", "contratos activos"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_new", "profit", ("New MRR", "MRR nuevo"),
       (_MOVE + "New: the current MRR of a client that had none.",
        _MOVE_ES + "Nuevo: el MRR actual de un cliente que no tenía."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_new)",
       ("new MRR", "MRR nuevo"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_expansion", "profit", ("Expansion MRR", "MRR de expansión"),
       (_MOVE + "Expansion: the increase of a client that already had MRR.",
        _MOVE_ES + "Expansión: el aumento de un cliente que ya tenía MRR."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_exp)",
       ("expansion", "expansión"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_contraction", "profit", ("Contraction MRR", "MRR de contracción"),
       (_MOVE + "Contraction: the decrease of a client that keeps some MRR.",
        _MOVE_ES + "Contracción: la bajada de un cliente que conserva algo de MRR."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_con)",
       ("contraction", "contracción"),
       direction="lower", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_churn", "profit", ("Churned MRR", "MRR perdido"),
       (_MOVE + "Churn: the previous MRR of a client left with none.",
        _MOVE_ES + "Baja: el MRR anterior de un cliente que se queda sin MRR."),
       "currency", ("contracts",), "@month", "sum", "fsum(mv_churn)",
       ("churned MRR", "MRR perdido"),
       direction="lower", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_net_change", "profit", ("Net MRR change", "Variación neta del MRR"),
       ("New + expansion - contraction - churn MRR over the months of the period.",
        "MRR nuevo + expansión - contracción - bajas en los meses del periodo."),
       "currency", ("contracts",), "@month", "sum",
       "coalesce(fsum(mv_new), 0) + coalesce(fsum(mv_exp), 0) - coalesce(fsum(mv_con), 0)"
       " - coalesce(fsum(mv_churn), 0)",
       ("net change", "variación neta"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       rows=("client-months with contracts", "clientes-mes con contratos"),
       inputs=CONTRACT_INPUTS),
    declare("recurring_revenue", "profit", ("Recurring revenue", "Ingresos recurrentes"),
       ("Sum over the months of the period of the MRR at each month's end (D).",
        "Suma, en los meses del periodo, del MRR al final de cada mes (D)."),
       "currency", ("contracts",), "@month", "sum", "fsum(rr)",
       ("recurring revenue", "ingresos recurrentes"),
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("rr_n", "rr"),
       rows=("contract-months", "contratos-mes"),
       inputs=CONTRACT_INPUTS),
    declare("revenue", "profit", ("Revenue", "Ingresos"),
       ("Invoice amounts dated in the period when invoices are loaded; otherwise the "
        "recurring revenue of the contracts.",
        "Importes de las facturas con fecha en el periodo si hay facturas; si no, los "
        "ingresos recurrentes de los contratos."),
       "currency", ("invoices", "contracts"), "invoices.date", "sum", "fsum(rev)",
       ("revenue", "ingresos"),
       direction="higher", groupings=C_M, needs=(_REVENUE,),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.client", "invoices.date", "invoices.amount", *CONTRACT_INPUTS)),
    declare("labor_cost", "profit", ("Labour cost", "Coste de personal"),
       ("Time entry hours in the period (billable or not) x the technician's hourly cost; "
        "hours of technicians without a cost are left out.",
        "Horas de los partes del periodo (facturables o no) x coste por hora del técnico; "
        "las horas de técnicos sin coste se excluyen."),
       "currency", ("time_entries", "staff"), "time_entries.date", "sum", "fsum(labor)",
       ("labour cost", "coste de personal"),
       direction="lower", groupings=C_T_M, needs=_LABOR,
       inputs=(*TIME_ENTRY_INPUTS, "staff.technician", "staff.hourly_cost")),
    declare("direct_cost", "profit", ("Direct cost", "Coste directo"),
       ("Invoice cost (licences, hardware) dated in the period.",
        "Coste de las líneas de factura (licencias, hardware) con fecha en el periodo."),
       "currency", ("invoices",), "invoices.date", "sum", "fsum(dcost)",
       ("direct cost", "coste directo"),
       direction="lower", groupings=C_M, needs=(need("invoices.cost"),),
       known=("dcost_n", "dcost"),
       rows=("invoice lines with a cost", "líneas de factura con coste"),
       inputs=("invoices.client", "invoices.date", "invoices.cost")),
    declare("gross_margin", "profit", ("Gross margin", "Margen bruto"),
       ("Revenue - labour cost - direct cost (a missing direct cost counts as 0).",
        "Ingresos - coste de personal - coste directo (sin coste directo cuenta 0)."),
       "currency", ("invoices", "contracts", "time_entries", "staff"), "invoices.date",
       "sum", _GM_NUM, ("gross margin", "margen bruto"),
       direction="higher", groupings=C_M, needs=(_REVENUE, *_LABOR),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.amount", "invoices.cost", *CONTRACT_INPUTS, *TIME_ENTRY_INPUTS,
               "staff.hourly_cost")),
    declare("gross_margin_pct", "profit", ("Gross margin %", "Margen bruto %"),
       ("Gross margin / revenue.", "Margen bruto / ingresos."),
       "ratio", ("invoices", "contracts", "time_entries", "staff"), "invoices.date",
       "ratio", _GM_NUM, ("gross margin", "margen bruto"), "fsum(rev)",
       ("revenue", "ingresos"),
       direction="higher", target=0.40, groupings=C_M, needs=(_REVENUE, *_LABOR),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.amount", "invoices.cost", *CONTRACT_INPUTS, *TIME_ENTRY_INPUTS,
               "staff.hourly_cost")),
    declare("effective_hourly_rate", "profit", ("Effective hourly rate", "Precio hora efectivo"),
       ("(Revenue - direct cost) / hours worked in the period, billable or not.",
        "(Ingresos - coste directo) / horas trabajadas en el periodo, facturables o no."),
       "currency", ("invoices", "contracts", "time_entries"), "time_entries.date", "ratio",
       "coalesce(fsum(rev), 0) - coalesce(fsum(dcost), 0)",
       ("revenue - direct cost", "ingresos - coste directo"), "fsum(hours_all)",
       ("hours worked", "horas trabajadas"),
       direction="higher", groupings=C_M, needs=(_REVENUE, need("time_entries")),
       known=("rev_n", "rev"),
       rows=("revenue lines", "líneas de ingresos"),
       inputs=("invoices.amount", "invoices.cost", *CONTRACT_INPUTS, *TIME_ENTRY_INPUTS)),
)
# fmt: on
