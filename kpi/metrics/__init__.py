"""Stage 3, metrics: the KPI declarations (data) and their targets.

Each KPI is one :class:`Kpi` record (:mod:`~kpi.metrics.declaration`) in the module of its
family; :mod:`~kpi.metrics.catalog` lists them all (:data:`KPIS`). The engine turns them
into SQL (:mod:`kpi.query`); nothing here runs a query. A KPI's label, definition and
words are not declared here but in every language's catalog of :mod:`kpi.texts`
(``kpi.<id>.label``, ...), read by :meth:`Kpi.label` and the like.
The alert rules are declared the same way (:mod:`~kpi.metrics.alerts`), their texts in
the catalogs too (``alert.<rule>.message``, ...).
"""

from kpi.metrics.catalog import FAMILIES, HEADLINE, KPI_BY_ID, KPIS, get
from kpi.metrics.declaration import DIMS, UNITS, Kpi, Need, Target, describe_need
from kpi.metrics.tickets import FLAG_NEEDS, RESOLVED_NEED

__all__ = [
    "DIMS",
    "FAMILIES",
    "FLAG_NEEDS",
    "HEADLINE",
    "KPIS",
    "KPI_BY_ID",
    "RESOLVED_NEED",
    "UNITS",
    "Kpi",
    "Need",
    "Target",
    "describe_need",
    "get",
]
