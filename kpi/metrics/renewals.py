"""Contract renewal KPIs (KPIS.md 7), the ``renewals`` family."""

from __future__ import annotations

from kpi.metrics.declaration import C_M, C_ONLY, CONTRACT_INPUTS, Kpi, declare, need

_RENEWAL_INPUTS = (*CONTRACT_INPUTS, "contracts.renewed", "contracts.auto_renew")


# fmt: off
RENEWALS: tuple[Kpi, ...] = (
    # 7. Renewals --------------------------------------------------------------------------
    declare("contracts_due", "renewals", ("Contracts due", "Contratos a renovar"),
       ("Contracts whose end date is in the period and on or before as_of.",
        "Contratos cuya fecha de fin está en el periodo y no es posterior a la fecha de "
        "corte."),
       "count", ("contracts",), "contracts.end_date", "sum", "sum(due)",
       ("contracts", "contratos"),
       direction="higher", groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("contracts_renewed", "renewals", ("Contracts renewed", "Contratos renovados"),
       ("Contracts due and renewed: renewed flag; else auto-renew; else a later contract "
        "of the same client starting no later than 30 days after the end and ending later.",
        "Contratos a renovar y renovados: marca renovado; si no, renovación automática; si "
        "no, otro contrato posterior del mismo cliente que empieza como mucho 30 días "
        "después del fin y acaba más tarde."),
       "count", ("contracts",), "contracts.end_date", "sum", "sum(ren)",
       ("renewed", "renovados"),
       direction="higher", groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("renewal_rate", "renewals", ("Renewal rate", "Tasa de renovación"),
       ("Contracts renewed / contracts due.", "Contratos renovados / contratos a renovar."),
       "ratio", ("contracts",), "contracts.end_date", "ratio", "sum(ren)",
       ("renewed", "renovados"), "sum(due)", ("due", "a renovar"),
       direction="higher", target=0.90, groupings=C_M,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("renewals_upcoming", "renewals", ("Upcoming renewals", "Renovaciones próximas"),
       ("Contracts ending after as_of and at most 90 days later, not already renewed.",
        "Contratos que terminan después de la fecha de corte y como mucho 90 días más "
        "tarde, no renovados ya."),
       "count", ("contracts",), "as_of", "sum", "sum(up)", ("contracts", "contratos"),
       direction="lower", groupings=C_ONLY,
       needs=(need("contracts"), need("contracts.end_date")), inputs=_RENEWAL_INPUTS),
    declare("renewals_upcoming_mrr", "renewals", ("MRR up for renewal", "MRR a renovar"),
       ("MRR of the upcoming renewals.", "MRR de las renovaciones próximas."),
       "currency", ("contracts",), "as_of", "sum", "fsum(up_mrr)", ("MRR", "MRR"),
       direction="lower", groupings=C_ONLY,
       needs=(need("contracts"), need("contracts.end_date")), known=("up", "up_mrr"),
       rows=("upcoming renewals", "renovaciones próximas"),
       inputs=_RENEWAL_INPUTS),
)
# fmt: on
