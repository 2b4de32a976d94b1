"""Utilisation KPIs (docs/KPIS.md 5), the ``time`` family: hours worked, billable and available."""

from __future__ import annotations

from kpi.metrics.declaration import C_T_M, T_M, TIME_ENTRY_INPUTS, Kpi, declare, need

# fmt: off
UTILISATION: tuple[Kpi, ...] = (
    # 5. Utilisation -----------------------------------------------------------------------
    declare("hours_worked", "time",
       "hours", ("time_entries",), "time_entries.date", "sum", "fsum(hours)",
       direction="higher", groupings=C_T_M, needs=(need("time_entries"),),
       inputs=TIME_ENTRY_INPUTS),
    declare("billable_hours", "time",
       "hours", ("time_entries",), "time_entries.date", "sum", "fsum(bill_h)",
       direction="higher", groupings=C_T_M, needs=(need("time_entries"),),
       inputs=(*TIME_ENTRY_INPUTS, "time_entries.billable")),
    declare("available_hours", "time",
       "hours", ("staff", "time_entries"), "weekdays", "sum", "fsum(avail)",
       direction="higher", groupings=T_M, needs=(need("staff", "time_entries"),),
       inputs=("staff.technician", "staff.weekly_hours", "time_entries.technician",
               "time_entries.date")),
    declare("utilization", "time",
       "ratio", ("time_entries", "staff"), "time_entries.date", "ratio", "fsum(bill_h)",
       "fsum(avail)",
       direction="band", target=(0.70, 0.85), groupings=T_M, needs=(need("time_entries"),),
       inputs=(*TIME_ENTRY_INPUTS, "time_entries.billable", "staff.technician",
               "staff.weekly_hours")),
)
# fmt: on
