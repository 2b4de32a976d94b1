"""Customer satisfaction KPIs (docs/KPIS.md 2), the ``csat`` family."""

from __future__ import annotations

from kpi.metrics.declaration import C_T_M, Kpi, declare, need

# fmt: off
CSAT: tuple[Kpi, ...] = (
    # 2. CSAT ------------------------------------------------------------------------------
    declare("csat", "csat",
       "ratio", ("surveys",), "surveys.responded_at", "ratio", "sum(sat)",
       "sum(resp)",
       direction="higher", target=0.90, groupings=C_T_M, needs=(need("surveys"),),
       inputs=("surveys.responded_at", "surveys.score", "surveys.client",
               "surveys.technician", "surveys.ticket_id")),
    declare("csat_responses", "csat",
       "count", ("surveys",), "surveys.responded_at", "sum", "sum(resp)",
       direction="higher", groupings=C_T_M, needs=(need("surveys"),),
       inputs=("surveys.responded_at", "surveys.score", "surveys.client",
               "surveys.technician")),
)
# fmt: on
