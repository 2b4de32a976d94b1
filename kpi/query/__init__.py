"""Stage 4, query: the SQL made from the KPI declarations, run on a private DuckDB.

:class:`Core` (:mod:`~kpi.query.core`) prepares the loaded tables
(:mod:`~kpi.query.prepared`) and runs one query per KPI family and :class:`Scope`
(:mod:`~kpi.query.scope`): the family's contributions (:mod:`~kpi.query.families`),
aggregated in blocks (:mod:`~kpi.query.blocks`). Amounts are read in the report currency
(:mod:`~kpi.query.money`) over the periods of :mod:`~kpi.query.periods`. The dashboards'
breakdowns (resolution by priority, pipeline by stage, ...) are
:mod:`~kpi.query.breakdowns`. The rules several queries share (open at D, the renewal
window, stale days, the filters) are written once, in :mod:`kpi.metrics.conditions`.
"""

from kpi.query.core import Core
from kpi.query.scope import GROUPINGS, Scope, parse_by

__all__ = ["GROUPINGS", "Core", "Scope", "parse_by"]
