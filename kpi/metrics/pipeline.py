"""Pipeline and sales KPIs (docs/KPIS.md 9 and 10), the ``opportunities`` family."""

from __future__ import annotations

from kpi.metrics.declaration import C_M, Kpi, declare, need

_OPP_INPUTS = (
    "opportunities.client",
    "opportunities.created_at",
    "opportunities.closed_at",
    "opportunities.status",
    "opportunities.stage",
    "opportunities.amount",
)


# fmt: off
PIPELINE: tuple[Kpi, ...] = (
    # 9. Pipeline --------------------------------------------------------------------------
    declare("pipeline_count", "opportunities",
       "count", ("opportunities",), "@D", "sum", "sum(open_n)",
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       inputs=_OPP_INPUTS),
    declare("pipeline_amount", "opportunities",
       "currency", ("opportunities",), "@D", "sum", "fsum(open_amt)",
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       known=("open_n", "open_amt"),
       inputs=_OPP_INPUTS),
    declare("pipeline_weighted", "opportunities",
       "currency", ("opportunities",), "@D", "sum", "fsum(weighted)",
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.probability")),
       known=("w_n", "weighted"),
       inputs=(*_OPP_INPUTS, "opportunities.probability")),
    declare("stale_opportunities", "opportunities",
       "count", ("opportunities",), "@D", "sum", "sum(stale)",
       direction="lower", groupings=C_M, needs=(need("opportunities"),),
       inputs=(*_OPP_INPUTS, "opportunities.last_activity_at")),
    declare("opportunities_created", "opportunities",
       "count", ("opportunities",), "opportunities.created_at", "sum", "sum(created_n)",
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       inputs=("opportunities.client", "opportunities.created_at")),
    # 10. Sales ----------------------------------------------------------------------------
    declare("opportunities_won", "opportunities",
       "count", ("opportunities",), "opportunities.closed_at", "sum", "sum(won_n)",
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    declare("opportunities_lost", "opportunities",
       "count", ("opportunities",), "opportunities.closed_at", "sum", "sum(lost_n)",
       direction="lower", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    declare("win_rate", "opportunities",
       "ratio", ("opportunities",), "opportunities.closed_at", "ratio", "sum(won_n)",
       "sum(won_n) + sum(lost_n)",
       direction="higher", target=0.30, groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    declare("won_amount", "opportunities",
       "currency", ("opportunities",), "opportunities.closed_at", "sum", "fsum(won_amt)",
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), known=("won_n", "won_amt"),
       inputs=_OPP_INPUTS),
    declare("avg_sales_cycle_days", "opportunities",
       "days", ("opportunities",), "opportunities.closed_at", "mean", "fsum(cycle_days)",
       "count(cycle_days)",
       direction="lower", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
)
# fmt: on
