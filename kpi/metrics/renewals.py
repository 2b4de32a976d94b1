"""Contract renewal KPIs (docs/KPIS.md 7), the ``renewals`` family."""

from __future__ import annotations

from kpi.metrics.declaration import C_M, C_ONLY, CONTRACT_INPUTS, Kpi, declare, need

_RENEWAL_INPUTS = (*CONTRACT_INPUTS, "contracts.renewed", "contracts.auto_renew")


# fmt: off
RENEWALS: tuple[Kpi, ...] = (
    # 7. Renewals --------------------------------------------------------------------------
    declare("contracts_due", "renewals",
       "count", ("contracts",), "contracts.end_date", "sum", "sum(due)",
       direction="higher", groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("contracts_renewed", "renewals",
       "count", ("contracts",), "contracts.end_date", "sum", "sum(ren)",
       direction="higher", groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("renewal_rate", "renewals",
       "ratio", ("contracts",), "contracts.end_date", "ratio", "sum(ren)",
       "sum(due)",
       direction="higher", target=0.90, groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("renewals_upcoming", "renewals",
       "count", ("contracts",), "as_of", "sum", "sum(up)",
       direction="lower", groupings=C_ONLY,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("renewals_upcoming_mrr", "renewals",
       "currency", ("contracts",), "as_of", "sum", "fsum(up_mrr)",
       direction="lower", groupings=C_ONLY,
       needs=(need("contracts"), need("contracts.end_date")), known=("up", "up_mrr"),
       inputs=_RENEWAL_INPUTS),
)
# fmt: on
