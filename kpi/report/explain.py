"""How a KPI is computed, for the definitions page and "how is this calculated"
(:class:`Explanation`): its formula, inputs and the SQL that computes it: the very statement
a report with the same options runs for the KPI's family.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpi.metrics import Kpi
from kpi.query import Core, Scope
from kpi.query.periods import Period
from kpi.query.scope import effective_dims
from kpi.texts import t


@dataclass
class Explanation:
    """How a KPI is computed, for the definitions page and "how is this calculated".

    Attributes:
        kpi: the id.
        label: the name in the requested language.
        formula: the definition in words.
        unit: the unit.
        numerator, denominator: what the two sums are, in words (None when not a ratio).
        sql: the statement a report with these options runs for the KPI's family (the
            same text, :meth:`kpi.query.core.Core.family_query`); empty when the KPI
            cannot be computed. It computes the family's other KPIs of the report too.
        params: the bound parameters of ``sql``, as the report binds them.
        sel_i: the KPI's rows of the statement's result are those whose ``sel_i`` column
            is this number (None when ``sql`` is empty).
        numerator_column, denominator_column: the result columns holding the KPI's
            numerator and denominator in those rows (``"n3"``, ``"d3"``); a sum or a
            median has its value in ``numerator_column`` and no denominator column.
        inputs: ``dataset.column`` read that are loaded.
        missing_inputs: ``dataset.column`` it can read that are not loaded.
        grouping: the dimensions it is computed by for these options.
        period: the resolved period.
        unavailable: None, or why the KPI is not produced (and what would enable it).

    From the statement's rows to the report's (numpy, :func:`kpi.query.blocks._unpivot`):
    each row whose ``sel_i`` is :attr:`sel_i` is one report row of the KPI, its group the
    name at position ``pos`` of the engine's ``grp_order`` table (0: no group), its
    month ``mday`` (the month's first day as days since 1970-01-01; NULL: no month). A
    ratio or mean: numerator = the numerator column (empty counts 0, except a money KPI's
    unknown amount, which stays empty), denominator = the denominator column (empty
    counts 0), value = numerator / denominator (empty when the denominator is 0). A sum:
    value = the numerator column, 0 when empty (except a ``nullable`` or money KPI's);
    a median: value = the numerator column. A KPI with no row at all gets a total row
    (0 for counts and sums, docs/DETAILS.md 4). A report filtered to one client may read the
    KPI from the same statement run for every client by client (the engine's cube, the
    same numbers).
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
    sel_i: int | None = None
    numerator_column: str | None = None
    denominator_column: str | None = None


def _split(col: str) -> tuple[str, str | None]:
    ds, _, c = col.partition(".")
    return ds, c or None


def explain(core: Core, k: Kpi, scope: Scope, lang: str) -> Explanation:
    """How ``k`` is computed for ``scope`` (the report's: its period, filters, grouping
    and KPIs, ``k`` among them when it can be computed), in ``lang``: the
    :class:`Explanation` of :meth:`kpi.report.engine.Engine.explain`."""
    loaded = [i for i in k.inputs if core.has(*_split(i))]
    not_loaded = [i for i in k.inputs if not core.has(*_split(i))]
    base: dict[str, Any] = {
        "kpi": k.id,
        "label": k.label(lang),
        "formula": k.description(lang),
        "unit": k.unit,
        "numerator": k.numerator_words(lang),
        "denominator": k.denominator_words(lang),
        "inputs": loaded,
        "missing_inputs": not_loaded,
    }
    period = scope.period
    why = core.missing(k, lang)
    if why is None and scope.clients is not None and "client" not in k.groupings:
        why = t("report.explain.client_filter", lang)
    if why is None and scope.technicians is not None and "technician" not in k.groupings:
        why = t("report.explain.technician_filter", lang)
    dims = list(effective_dims(k, scope.dims))
    if why is not None:
        return Explanation(**base, sql="", params={}, grouping=dims, period=period,
                           unavailable=why)  # fmt: skip
    query = core.family_query(k.family, scope)
    sel_i, num, den = query.columns(k.id)
    return Explanation(
        **base,
        sql=query.sql,
        params=dict(query.params),
        grouping=dims,
        period=period,
        sel_i=sel_i,
        numerator_column=num,
        denominator_column=den,
    )
