"""Customer satisfaction KPIs (KPIS.md 2), the ``csat`` family."""

from __future__ import annotations

from kpi.metrics.declaration import C_T_M, Kpi, declare, need

# fmt: off
CSAT: tuple[Kpi, ...] = (
    # 2. CSAT ------------------------------------------------------------------------------
    declare("csat", "csat", ("CSAT", "CSAT"),
       ("Satisfied responses / responses, by response date.",
        "Respuestas satisfechas / respuestas, por fecha de respuesta."),
       "ratio", ("surveys",), "surveys.responded_at", "ratio", "sum(sat)",
       ("satisfied", "satisfechas"), "sum(resp)", ("responses", "respuestas"),
       direction="higher", target=0.90, groupings=C_T_M, needs=(need("surveys"),),
       inputs=("surveys.responded_at", "surveys.score", "surveys.client",
               "surveys.technician", "surveys.ticket_id")),
    declare("csat_responses", "csat", ("CSAT responses", "Respuestas CSAT"),
       ("Survey responses in the period (offered-only rows are not responses).",
        "Respuestas de encuesta del periodo (las solo ofrecidas no cuentan)."),
       "count", ("surveys",), "surveys.responded_at", "sum", "sum(resp)",
       ("responses", "respuestas"),
       direction="higher", groupings=C_T_M, needs=(need("surveys"),),
       inputs=("surveys.responded_at", "surveys.score", "surveys.client",
               "surveys.technician")),
)
# fmt: on
