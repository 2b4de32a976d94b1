"""The KPIs: one frozen declaration per KPI id of docs/KPIS.md, in the order of docs/KPIS.md.

Each family of KPIs (those computed from the same rows) is declared in its module
(:mod:`~kpi.metrics.profit`, :mod:`~kpi.metrics.csat`, :mod:`~kpi.metrics.tickets`,
:mod:`~kpi.metrics.utilisation`, :mod:`~kpi.metrics.devices`, :mod:`~kpi.metrics.renewals`,
:mod:`~kpi.metrics.projects`, :mod:`~kpi.metrics.pipeline`) with the records of
:mod:`kpi.metrics.declaration`; this module lists them all.
"""

from __future__ import annotations

from kpi.metrics.csat import CSAT
from kpi.metrics.declaration import Kpi
from kpi.metrics.devices import DEVICES
from kpi.metrics.pipeline import PIPELINE
from kpi.metrics.profit import PROFIT
from kpi.metrics.projects import PROJECTS
from kpi.metrics.renewals import RENEWALS
from kpi.metrics.tickets import TICKETS
from kpi.metrics.utilisation import UTILISATION

#: Every KPI, in the order of docs/KPIS.md (the order of every report).
KPIS: tuple[Kpi, ...] = (
    *PROFIT,
    *CSAT,
    *TICKETS,
    *UTILISATION,
    *DEVICES,
    *RENEWALS,
    *PROJECTS,
    *PIPELINE,
)

KPI_BY_ID: dict[str, Kpi] = {k.id: k for k in KPIS}

#: The ten headline KPIs, one per indicator (docs/KPIS.md "Targets and status").
HEADLINE: tuple[str, ...] = (
    "gross_margin_pct",
    "csat",
    "fcr_rate",
    "escalation_rate",
    "utilization",
    "uncovered_devices",
    "renewal_rate",
    "projects_on_track_rate",
    "pipeline_weighted",
    "win_rate",
)

#: Families in the order their queries run (any order gives the same report).
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(k.family for k in KPIS))


def get(kpi_id: str) -> Kpi:
    """The declaration of ``kpi_id``.

    Raises:
        KeyError: an unknown id (the message lists the known ones).
    """
    try:
        return KPI_BY_ID[kpi_id]
    except KeyError:
        raise KeyError(f"unknown KPI {kpi_id!r}; known: {', '.join(KPI_BY_ID)}") from None
