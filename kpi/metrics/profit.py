"""Profitability KPIs (docs/KPIS.md 1), the ``profit`` family: MRR and its movements, revenue,
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


# fmt: off
PROFIT: tuple[Kpi, ...] = (
    # 1. Profitability -------------------------------------------------------------------
    declare("mrr", "profit",
       "currency", ("contracts",), "@D", "sum", "fsum(mrr)",
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mrr_n", "mrr"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_new", "profit",
       "currency", ("contracts",), "@month", "sum", "fsum(mv_new)",
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_expansion", "profit",
       "currency", ("contracts",), "@month", "sum", "fsum(mv_exp)",
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_contraction", "profit",
       "currency", ("contracts",), "@month", "sum", "fsum(mv_con)",
       direction="lower", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_churn", "profit",
       "currency", ("contracts",), "@month", "sum", "fsum(mv_churn)",
       direction="lower", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       inputs=CONTRACT_INPUTS),
    declare("mrr_net_change", "profit",
       "currency", ("contracts",), "@month", "sum",
       "coalesce(fsum(mv_new), 0) + coalesce(fsum(mv_exp), 0) - coalesce(fsum(mv_con), 0)"
       " - coalesce(fsum(mv_churn), 0)",
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("mv_n", "mv_new"),
       inputs=CONTRACT_INPUTS),
    declare("recurring_revenue", "profit",
       "currency", ("contracts",), "@month", "sum", "fsum(rr)",
       direction="higher", groupings=C_M, needs=(need("contracts"),),
       known=("rr_n", "rr"),
       inputs=CONTRACT_INPUTS),
    declare("revenue", "profit",
       "currency", ("invoices", "contracts"), "invoices.date", "sum", "fsum(rev)",
       direction="higher", groupings=C_M, needs=(_REVENUE,),
       known=("rev_n", "rev"),
       inputs=("invoices.client", "invoices.date", "invoices.amount", *CONTRACT_INPUTS)),
    declare("labor_cost", "profit",
       "currency", ("time_entries", "staff"), "time_entries.date", "sum", "fsum(labor)",
       direction="lower", groupings=C_T_M, needs=_LABOR,
       inputs=(*TIME_ENTRY_INPUTS, "staff.technician", "staff.hourly_cost")),
    declare("direct_cost", "profit",
       "currency", ("invoices",), "invoices.date", "sum", "fsum(dcost)",
       direction="lower", groupings=C_M, needs=(need("invoices.cost"),),
       known=("dcost_n", "dcost"),
       inputs=("invoices.client", "invoices.date", "invoices.cost")),
    declare("gross_margin", "profit",
       "currency", ("invoices", "contracts", "time_entries", "staff"), "invoices.date",
       "sum", _GM_NUM,
       direction="higher", groupings=C_M, needs=(_REVENUE, *_LABOR),
       known=("rev_n", "rev"),
       inputs=("invoices.amount", "invoices.cost", *CONTRACT_INPUTS, *TIME_ENTRY_INPUTS,
               "staff.hourly_cost")),
    declare("gross_margin_pct", "profit",
       "ratio", ("invoices", "contracts", "time_entries", "staff"), "invoices.date",
       "ratio", _GM_NUM, "fsum(rev)",
       direction="higher", target=0.40, groupings=C_M, needs=(_REVENUE, *_LABOR),
       known=("rev_n", "rev"),
       inputs=("invoices.amount", "invoices.cost", *CONTRACT_INPUTS, *TIME_ENTRY_INPUTS,
               "staff.hourly_cost")),
    declare("effective_hourly_rate", "profit",
       "currency", ("invoices", "contracts", "time_entries"), "time_entries.date", "ratio",
       "coalesce(fsum(rev), 0) - coalesce(fsum(dcost), 0)",
       "fsum(hours_all)",
       direction="higher", groupings=C_M, needs=(_REVENUE, need("time_entries")),
       known=("rev_n", "rev"),
       inputs=("invoices.amount", "invoices.cost", *CONTRACT_INPUTS, *TIME_ENTRY_INPUTS)),
)
# fmt: on
