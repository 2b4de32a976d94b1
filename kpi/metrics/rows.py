"""What the rows behind a KPI show (issue 21): one declaration per kind of row a family's
contributions come from (a ticket, an invoice, a contract, ...) and, per KPI, the columns
that explain its number, shown first.

This module is data, like the KPI declarations. :mod:`kpi.query.rows` selects each row
with the family's own SQL (:class:`kpi.query.scope.Part`, whose ``entity`` names the kind
and the row), then shows the columns declared here: ``name`` is a field of that row, or
``"shown=field"`` to show a prepared field under a plainer name (``"mrr=mrr_c"``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.texts import t


@dataclass(frozen=True)
class RowKind:
    """One kind of row behind KPIs.

    Attributes:
        columns: the fields shown, in order (``"shown=field"`` renames one).
        order: the fields the rows are sorted by after their date (an id).
        display: the side table holding some of its fields (``kpi.query.prepared.DISPLAY``).
    """

    columns: tuple[str, ...]
    order: tuple[str, ...]
    display: str | None = None


def row_words(kind: str, lang: str = "en") -> str:
    """What rows of ``kind`` are, in words ("tickets"): the catalog's ``rows.kind.<kind>``."""
    return t(f"rows.kind.{kind}", lang)


#: The kinds of rows, by the name a family part gives (``Part.entity``).
ROW_KINDS: dict[str, RowKind] = {
    "ticket": RowKind(
        ("ticket_id", "client", "technician", "created=created_d", "resolved=resolved_d",
         "status", "priority", "category"),
        ("ticket_id",),
        "tickets_x",
    ),
    "survey": RowKind(
        ("survey_id", "ticket_id", "client", "technician", "score", "satisfied"),
        ("survey_id", "ticket_id"),
    ),
    "time_entry": RowKind(
        ("technician", "client", "hours", "billable", "hourly_cost", "ticket_id", "project_id",
         "work_type"),
        ("technician", "client"),
        "time_x",
    ),
    "availability": RowKind(
        ("technician", "month", "weekly_hours", "working_days"),
        ("technician", "month"),
    ),
    "contract": RowKind(
        ("contract_id", "client", "start_date", "end_date", "mrr=mrr_c", "covered_devices",
         "renewed=renewed_eff"),
        ("contract_id",),
    ),
    "client_month": RowKind(
        ("client", "mrr_before=prev", "mrr_after=cur"),
        ("client",),
    ),
    "invoice": RowKind(
        ("invoice_id", "client", "type", "amount", "cost"),
        ("invoice_id", "client"),
    ),
    "device": RowKind(
        ("device_id", "client", "hostname", "device_type", "first_seen=first_d",
         "last_seen=last_d", "contract_id", "covered"),
        ("device_id",),
    ),
    "client_devices": RowKind(
        ("client", "active_devices=active_n", "covered_devices=covered_n",
         "price_per_device=price"),
        ("client",),
    ),
    "project": RowKind(
        ("project_id", "client", "name", "status", "state", "start_date", "due_date",
         "budget_hours", "actual_hours=ac", "percent_complete"),
        ("project_id",),
    ),
    "opportunity": RowKind(
        ("opportunity_id", "client", "stage", "outcome", "amount", "probability", "owner",
         "created=created_d", "closed=closed_d", "last_activity=activity_d"),
        ("opportunity_id",),
    ),
}  # fmt: skip

#: Per KPI and kind of row, the fields that explain its number, shown right after the
#: kind's first column (a field the kind shows anyway moves there).
KPI_ROW_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "fcr_rate": {"ticket": ("fcr",)},
    "sla_rate": {"ticket": ("sla_met",)},
    "reopen_rate": {"ticket": ("reopened",)},
    "escalated_tickets": {"ticket": ("escalated", "tier", "queue")},
    "escalation_rate": {"ticket": ("escalated", "tier", "queue")},
    "escalated_hours": {"ticket": ("escalated", "hours")},
    "mean_resolution_hours": {"ticket": ("priority",)},
    "median_resolution_hours": {"ticket": ("priority",)},
    "renewal_rate": {"contract": ("renewed=renewed_eff", "end_date")},
    "contracts_renewed": {"contract": ("renewed=renewed_eff",)},
    "device_coverage_rate": {"device": ("covered", "contract_id")},
    "uncovered_devices": {"device": ("covered", "contract_id")},
    "projects_on_track": {"project": ("state",)},
    "projects_on_track_rate": {"project": ("state",)},
    "projects_late": {"project": ("state", "due_date")},
    "projects_over_budget": {"project": ("state", "budget_hours", "actual_hours=ac")},
    "stale_opportunities": {"opportunity": ("last_activity=activity_d",)},
    "win_rate": {"opportunity": ("outcome",)},
}
