"""Utilisation KPIs (KPIS.md 5), the ``time`` family: hours worked, billable and available."""

from __future__ import annotations

from kpi.metrics.declaration import C_T_M, T_M, TIME_ENTRY_INPUTS, Kpi, declare, need

# fmt: off
UTILISATION: tuple[Kpi, ...] = (
    # 5. Utilisation -----------------------------------------------------------------------
    declare("hours_worked", "time", ("Hours worked", "Horas trabajadas"),
       ("Hours of the time entries dated in the period.",
        "Horas de los partes con fecha en el periodo."),
       "hours", ("time_entries",), "time_entries.date", "sum", "fsum(hours)",
       ("hours", "horas"),
       direction="higher", groupings=C_T_M, needs=(need("time_entries"),),
       inputs=TIME_ENTRY_INPUTS),
    declare("billable_hours", "time", ("Billable hours", "Horas facturables"),
       ("Hours of the billable time entries dated in the period.",
        "Horas de los partes facturables con fecha en el periodo."),
       "hours", ("time_entries",), "time_entries.date", "sum", "fsum(bill_h)",
       ("billable hours", "horas facturables"),
       direction="higher", groupings=C_T_M, needs=(need("time_entries"),),
       inputs=(*TIME_ENTRY_INPUTS, "time_entries.billable")),
    declare("available_hours", "time", ("Available hours", "Horas disponibles"),
       ("weekly_hours / 5 x weekdays (Mon-Fri) of the period, summed over the technicians "
        "(the staff list, else those with time entries; 40 hours a week by default).",
        "horas semanales / 5 x días laborables (lun-vie) del periodo, sumado por técnicos "
        "(la plantilla, si no los que tienen partes; 40 horas semanales por defecto)."),
       "hours", ("staff", "time_entries"), "weekdays", "sum", "fsum(avail)",
       ("available hours", "horas disponibles"),
       direction="higher", groupings=T_M, needs=(need("staff", "time_entries"),),
       inputs=("staff.technician", "staff.weekly_hours", "time_entries.technician",
               "time_entries.date")),
    declare("utilization", "time", ("Utilisation", "Utilización"),
       ("Billable hours / available hours.", "Horas facturables / horas disponibles."),
       "ratio", ("time_entries", "staff"), "time_entries.date", "ratio", "fsum(bill_h)",
       ("billable hours", "horas facturables"), "fsum(avail)",
       ("available hours", "horas disponibles"),
       direction="band", target=(0.70, 0.85), groupings=T_M, needs=(need("time_entries"),),
       inputs=(*TIME_ENTRY_INPUTS, "time_entries.billable", "staff.technician",
               "staff.weekly_hours")),
)
# fmt: on
