"""Project KPIs (docs/KPIS.md 8), the ``projects`` family: state at D and budget burn."""

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


# fmt: off
PROJECTS: tuple[Kpi, ...] = (
    # 8. Projects --------------------------------------------------------------------------
    declare("projects_active", "projects",
       "count", ("projects",), "@D", "sum", "sum(p_active)",
       direction="higher", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_on_track", "projects",
       "count", ("projects",), "@D", "sum", "sum(p_on_track)",
       direction="higher", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_on_track_rate", "projects",
       "ratio", ("projects",), "@D", "ratio", "sum(p_on_track)",
       "sum(p_active)",
       direction="higher", target=0.80, groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_late", "projects",
       "count", ("projects",), "@D", "sum", "sum(p_late)",
       direction="lower", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("projects_over_budget", "projects",
       "count", ("projects",), "@D", "sum", "sum(p_over)",
       direction="lower", groupings=C_ONLY, needs=(need("projects"),),
       inputs=_PROJECT_INPUTS),
    declare("project_budget_burn", "projects",
       "ratio", ("projects", "time_entries"), "@D", "ratio", "fsum(ac_a)",
       "fsum(bud_a)",
       direction="lower", groupings=C_ONLY,
       needs=(need("projects"), need("projects.actual_hours", "time_entries.project_id")),
       inputs=_PROJECT_INPUTS),
)
# fmt: on
