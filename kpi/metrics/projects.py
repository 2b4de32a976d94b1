"""Project KPIs (KPIS.md 8), the ``projects`` family: state at D and budget burn."""

from __future__ import annotations

from kpi.metrics.declaration import C_ONLY, Kpi, declare, need

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


# fmt: off
PROJECTS: tuple[Kpi, ...] = (
    # 8. Projects --------------------------------------------------------------------------
    declare("projects_active", "projects", ("Active projects", "Proyectos activos"),
       ("Projects started on or before D and not completed." + _PROJECT_STATE_EN,
        "Proyectos iniciados en D o antes y no completados." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_active)", ("projects", "proyectos"),
       direction="higher", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_on_track", "projects", ("Projects on track", "Proyectos en plazo"),
       ("Active projects on track." + _PROJECT_STATE_EN,
        "Proyectos activos en plazo." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_on_track)", ("projects", "proyectos"),
       direction="higher", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_on_track_rate", "projects", ("Projects on track %", "Proyectos en plazo %"),
       ("Projects on track / active projects." + _PROJECT_STATE_EN,
        "Proyectos en plazo / proyectos activos." + _PROJECT_STATE_ES),
       "ratio", ("projects",), "@D", "ratio", "sum(p_on_track)",
       ("on track", "en plazo"), "sum(p_active)", ("active", "activos"),
       direction="higher", target=0.80, groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_late", "projects", ("Late projects", "Proyectos retrasados"),
       ("Active projects past their due date." + _PROJECT_STATE_EN,
        "Proyectos activos pasada su fecha prevista." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_late)", ("projects", "proyectos"),
       direction="lower", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_over_budget", "projects",
       ("Projects over budget", "Proyectos sobre presupuesto"),
       ("Active projects over budget." + _PROJECT_STATE_EN,
        "Proyectos activos sobre presupuesto." + _PROJECT_STATE_ES),
       "count", ("projects",), "@D", "sum", "sum(p_over)", ("projects", "proyectos"),
       direction="lower", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("project_budget_burn", "projects", ("Budget burn", "Consumo del presupuesto"),
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
)
# fmt: on
