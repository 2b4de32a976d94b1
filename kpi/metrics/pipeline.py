"""Pipeline and sales KPIs (KPIS.md 9 and 10), the ``opportunities`` family."""

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

_OPEN_EN = " Open at D: created on or before D and not won or lost with a close date <= D."

_OPEN_ES = " Abierta en D: creada en D o antes y no ganada ni perdida con fecha de cierre <= D."


# fmt: off
PIPELINE: tuple[Kpi, ...] = (
    # 9. Pipeline --------------------------------------------------------------------------
    declare("pipeline_count", "opportunities", ("Open opportunities", "Oportunidades abiertas"),
       ("Opportunities open at D." + _OPEN_EN, "Oportunidades abiertas en D." + _OPEN_ES),
       "count", ("opportunities",), "@D", "sum", "sum(open_n)",
       ("opportunities", "oportunidades"),
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       inputs=_OPP_INPUTS),
    declare("pipeline_amount", "opportunities", ("Pipeline", "Cartera"),
       ("Amount of the opportunities open at D." + _OPEN_EN,
        "Importe de las oportunidades abiertas en D." + _OPEN_ES),
       "currency", ("opportunities",), "@D", "sum", "fsum(open_amt)",
       ("amount", "importe"),
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       known=("open_n", "open_amt"),
       rows=("open opportunities", "oportunidades abiertas"),
       inputs=_OPP_INPUTS),
    declare("pipeline_weighted", "opportunities", ("Weighted pipeline", "Cartera ponderada"),
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
    declare("stale_opportunities", "opportunities",
       ("Stale opportunities", "Oportunidades estancadas"),
       ("Open opportunities whose last activity (else creation) is more than 30 days "
        "before D." + _OPEN_EN,
        "Oportunidades abiertas cuya última actividad (si no, creación) es de más de 30 "
        "días antes de D." + _OPEN_ES),
       "count", ("opportunities",), "@D", "sum", "sum(stale)",
       ("opportunities", "oportunidades"),
       direction="lower", groupings=C_M, needs=(need("opportunities"),),
       inputs=(*_OPP_INPUTS, "opportunities.last_activity_at")),
    declare("opportunities_created", "opportunities",
       ("Opportunities created", "Oportunidades creadas"),
       ("Opportunities created in the period.", "Oportunidades creadas en el periodo."),
       "count", ("opportunities",), "opportunities.created_at", "sum", "sum(created_n)",
       ("opportunities", "oportunidades"),
       direction="higher", groupings=C_M, needs=(need("opportunities"),),
       inputs=("opportunities.client", "opportunities.created_at")),
    # 10. Sales ----------------------------------------------------------------------------
    declare("opportunities_won", "opportunities", ("Opportunities won", "Oportunidades ganadas"),
       ("Won opportunities with a close date in the period.",
        "Oportunidades ganadas con fecha de cierre en el periodo."),
       "count", ("opportunities",), "opportunities.closed_at", "sum", "sum(won_n)",
       ("won", "ganadas"),
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    declare("opportunities_lost", "opportunities", ("Opportunities lost", "Oportunidades perdidas"),
       ("Lost opportunities with a close date in the period.",
        "Oportunidades perdidas con fecha de cierre en el periodo."),
       "count", ("opportunities",), "opportunities.closed_at", "sum", "sum(lost_n)",
       ("lost", "perdidas"),
       direction="lower", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    declare("win_rate", "opportunities", ("Win rate", "Tasa de éxito"),
       ("Won / (won + lost), by close date.", "Ganadas / (ganadas + perdidas), por cierre."),
       "ratio", ("opportunities",), "opportunities.closed_at", "ratio", "sum(won_n)",
       ("won", "ganadas"), "sum(won_n) + sum(lost_n)", ("won or lost", "ganadas o perdidas"),
       direction="higher", target=0.30, groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
    declare("won_amount", "opportunities", ("Amount won", "Importe ganado"),
       ("Amount of the opportunities won in the period.",
        "Importe de las oportunidades ganadas en el periodo."),
       "currency", ("opportunities",), "opportunities.closed_at", "sum", "fsum(won_amt)",
       ("amount", "importe"),
       direction="higher", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), known=("won_n", "won_amt"),
       rows=("won opportunities", "oportunidades ganadas"),
       inputs=_OPP_INPUTS),
    declare("avg_sales_cycle_days", "opportunities", ("Sales cycle", "Ciclo de venta"),
       ("Mean days from creation to close of the opportunities won in the period.",
        "Media de días desde la creación hasta el cierre de las oportunidades ganadas en "
        "el periodo."),
       "days", ("opportunities",), "opportunities.closed_at", "mean", "fsum(cycle_days)",
       ("days", "días"), "count(cycle_days)", ("won", "ganadas"),
       direction="lower", groupings=C_M,
       needs=(need("opportunities"), need("opportunities.closed_at")), inputs=_OPP_INPUTS),
)
# fmt: on
