"""How a KPI is computed, for the definitions page and "how is this calculated"
(:class:`Explanation`): its formula, inputs and the SQL that computes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpi.metrics import Kpi
from kpi.query import Core, Scope
from kpi.query.periods import Period
from kpi.query.scope import effective_dims


@dataclass
class Explanation:
    """How a KPI is computed, for the definitions page and "how is this calculated".

    Attributes:
        kpi: the id.
        label: the name in the requested language.
        formula: the definition in words.
        unit: the unit.
        numerator, denominator: what the two sums are, in words (None when not a ratio).
        sql: the query that computes the KPI for the options given (one family query
            restricted to this KPI); empty when the KPI cannot be computed.
        params: the bound parameters of ``sql``.
        inputs: ``dataset.column`` read that are loaded.
        missing_inputs: ``dataset.column`` it can read that are not loaded.
        grouping: the dimensions it is computed by for these options.
        period: the resolved period.
        unavailable: None, or why the KPI is not produced (and what would enable it).
    """

    kpi: str
    label: str
    formula: str
    unit: str
    numerator: str | None
    denominator: str | None
    sql: str
    params: dict[str, object]
    inputs: list[str]
    missing_inputs: list[str]
    grouping: list[str]
    period: Period | None
    unavailable: str | None = None


def _split(col: str) -> tuple[str, str | None]:
    ds, _, c = col.partition(".")
    return ds, c or None


def explain(core: Core, k: Kpi, scope: Scope, lang: str) -> Explanation:
    """How ``k`` is computed for ``scope`` (its period and filters; the KPI is set on it),
    in ``lang``: the :class:`Explanation` of :meth:`kpi.report.engine.Engine.explain`."""
    loaded = [i for i in k.inputs if core.has(*_split(i))]
    not_loaded = [i for i in k.inputs if not core.has(*_split(i))]
    base: dict[str, Any] = {
        "kpi": k.id,
        "label": k.label(lang),
        "formula": k.description(lang),
        "unit": k.unit,
        "numerator": k.numerator_es if lang == "es" else k.numerator_en,
        "denominator": k.denominator_es if lang == "es" else k.denominator_en,
        "inputs": loaded,
        "missing_inputs": not_loaded,
    }
    period = scope.period
    why = core.missing(k, lang)
    if why is None and scope.clients is not None and "client" not in k.groupings:
        why = (
            "no se calcula con un filtro de cliente"
            if lang == "es"
            else "not computed under a client filter"
        )
    if why is None and scope.technicians is not None and "technician" not in k.groupings:
        why = (
            "no se calcula con un filtro de técnico"
            if lang == "es"
            else "not computed under a technician filter"
        )
    dims = list(effective_dims(k, scope.dims))
    if why is not None:
        return Explanation(**base, sql="", params={}, grouping=dims, period=period,
                           unavailable=why)  # fmt: skip
    scope.kpis = [k]
    sql, params, _ = core.family_sql(k.family, scope)
    used = {p for p in params if f"${p}" in sql}
    return Explanation(
        **base,
        sql=sql,
        params={p: v for p, v in params.items() if p in used},
        grouping=dims,
        period=period,
    )
