"""The rows behind a number of the report (issue 21): :func:`rows` for
:meth:`kpi.report.Engine.rows`, the app's "show the rows" and ``python -m kpi rows``.

The rows are selected by the SQL of the KPI's family query for the report's options
(:mod:`kpi.query.rows`), so they are filtered exactly like the number: summed, their
``numerator`` and ``denominator`` (``value`` for a sum) are the report's (a median's
``value`` column has the report's value as its median). A group (a client, a technician,
a month: a row of a grouped report, or a bar of a chart) narrows them as the report's
grouping does: by client or technician like the filters, by month to the rows that count
in that month (its events, its state at the month's date D).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from kpi.errors import UsageError
from kpi.metrics import Kpi, get
from kpi.metrics.rows import row_words
from kpi.query.core import Core
from kpi.query.periods import Period, month_end, month_start
from kpi.query.rows import kpi_rows, row_parts
from kpi.query.scope import Scope
from kpi.texts import t

#: The groups a row can be narrowed to, as the report's columns name them.
GROUP_KEYS = ("client", "technician", "month")


@dataclass
class RowsResult:
    """The rows behind one number.

    Attributes:
        kpi: the KPI id.
        label: its name in the requested language.
        kind: sum, ratio, mean or median (the KPI's).
        table: the rows: the declared columns (:mod:`kpi.metrics.rows`), ``date`` (when
            the row counts: its event date, or the date D of a state) and the
            contribution columns (:attr:`sums`); every row, never capped; empty when
            ``unavailable``.
        sums: report column -> the rows' column whose sum it is: ``{"numerator":
            "numerator", "denominator": "denominator"}`` of a ratio or a mean,
            ``{"value": "value"}`` of a sum; a median's ``value`` is the median of the
            ``value`` column.
        what: what the rows are, in words ("tickets", "invoice lines and time entries").
        period: the period the options resolve to.
        group: the group the rows are narrowed to (``{"client": "Acme", "month":
            "2026-03"}``; the dimensions the KPI cannot be grouped by are left out, as
            the report leaves them).
        unavailable: None, or why there are no rows (the KPI is not computed, or its
            number is not made of rows of its own).
        notes: what the reader should know (a filter name that matched nothing).
    """

    kpi: str
    label: str
    kind: str
    table: pd.DataFrame
    sums: dict[str, str]
    what: str
    period: Period
    group: dict[str, str] = field(default_factory=dict)
    unavailable: str | None = None
    notes: list[str] = field(default_factory=list)


def rows(
    core: Core,
    kpi_id: str,
    scope: Scope,
    lang: str = "en",
    group: dict[str, str] | None = None,
    notes: list[str] | None = None,
) -> RowsResult:
    """The rows behind ``kpi_id`` in a report of ``scope`` (its period and filters, as
    :meth:`kpi.report.Engine.rows` makes it from the report's options; its grouping is
    not read), narrowed to ``group`` when given. ``notes``: the scope's own (a filter
    name that matched nothing), kept in the result.

    Raises:
        KeyError: an unknown KPI id.
        UsageError: a group key other than client, technician, month (a month as
            ``YYYY-MM``, of the period).
    """
    k = get(kpi_id)
    scope = replace(scope)
    period = scope.period
    wanted = dict(group or {})
    bad = sorted(set(wanted) - set(GROUP_KEYS))
    if bad:
        raise UsageError(f"unknown group {', '.join(bad)}: use {', '.join(GROUP_KEYS)}")
    # the dimensions the KPI is grouped by in a report (others fall back, as there)
    narrowed = {d: v for d, v in wanted.items() if d in k.groupings and v is not None}
    month: date | None = None
    if "client" in narrowed:
        scope.clients = _within(scope.clients, core.match_clients([narrowed["client"]])[0])
    if "technician" in narrowed:
        matched = core.match_technicians([narrowed["technician"]])[0]
        scope.technicians = _within(scope.technicians, matched)
    if "month" in narrowed:
        month = _month(narrowed["month"])
        if not month_start(period.start) <= month <= period.end:
            raise UsageError(f"the month {month:%Y-%m} is outside the period {period.label}")
    scope.kpis = [k]
    result = RowsResult(
        kpi=k.id, label=k.label(lang), kind=k.kind, table=pd.DataFrame(),
        sums=_sums(k), what="", period=period, group=narrowed, notes=list(notes or []),
    )  # fmt: skip
    why = core.missing(k, lang)
    if why is None and not core.computes(k, scope):
        why = t("report.rows.filter", lang)  # docs/DETAILS.md 8
    if why is not None:
        result.unavailable = why
        return result
    if month is not None:
        scope = _month_scope(core, k, scope, month)
        if "month" not in scope.dims:  # the month as the period (see _month_scope)
            month = None
    found = row_parts(core, k, scope)
    table = kpi_rows(core, k, scope, month)
    if found is None or table is None:
        result.unavailable = t("rows.own_none", lang)
        return result
    kinds = list(dict.fromkeys(p.entity[0] for p in found[1] if p.entity))
    result.what = t("rows.and", lang).join(row_words(kd, lang) for kd in kinds)
    result.table = table
    return result


def _sums(k: Kpi) -> dict[str, str]:
    if k.has_fraction:
        return {"numerator": "numerator", "denominator": "denominator"}
    return {"value": "value"}


def _within(current: list[str] | None, matched: list[str]) -> list[str]:
    """The names of a group within the report's filter (None: no filter)."""
    return matched if current is None else [n for n in matched if n in current]


def _month(text: str) -> date:
    try:
        year, month = (int(x) for x in str(text).split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        raise UsageError(f"a month is YYYY-MM, not {text!r}") from None


def _month_scope(core: Core, k: Kpi, scope: Scope, month: date) -> Scope:
    """The scope of a month's rows: the report's grouped by month (the rows are then
    those dated in the month: its events, the states at its D). A KPI whose monthly
    contributions add up several rows (the backlog's running sum) takes the month as its
    period instead: its D is the month's (min(month end, end, as_of)), so the same state."""
    monthly = replace(scope, dims=("month",), also=())
    if row_parts(core, k, monthly) is not None:
        return monthly
    p = scope.period
    inside = Period(max(p.start, month), min(p.end, month_end(month)), p.as_of)
    return replace(scope, period=inside, dims=(), also=())
