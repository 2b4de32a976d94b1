"""Check the numbers: what to count of each loaded dataset (:data:`CHECKS`).

Adding a line is one declaration: a :class:`Used` with its key and a SQL boolean over the
dataset's canonical columns (counted), or an aggregate (``aggregate=True``: summed hours);
and its text in every catalog of :mod:`kpi.texts`, ``load.check.<dataset>.<key>`` (``{n}``
the number, ``{as_of}`` the report date), with ``load.check.<dataset>.<key>.one`` for a
count of 1 when some language's singular differs (``{n} abierto``).
A line whose columns the dataset does not have (not declared in :mod:`kpi.schema`, or a
mapped column no file had) is left out; ``needs`` names them. The counting is
:mod:`kpi.load.reconcile`; the results are :mod:`kpi.load.summary`.
"""

from __future__ import annotations

from dataclasses import dataclass

from kpi.metrics.conditions import (
    DEVICE_SEEN_DAYS,
    completed_status,
    contract_active,
    device_active,
    project_completed,
)


@dataclass(frozen=True)
class Used:
    """One "used by the KPIs" line of a dataset.

    Attributes:
        key: stable id (tests, downloads), and of its text ``load.check.<dataset>.<key>``
            (``"{n} with a resolution date"``).
        sql: a SQL boolean over the dataset's canonical columns, whose rows are counted
            (``resolved IS NOT NULL``); with ``aggregate`` an aggregate expression
            (``sum(hours) FILTER (WHERE billable)``). ``$as_of`` is the report date, a
            bound parameter.
        aggregate: ``sql`` is an aggregate, not a row condition.
        unit: ``count`` or ``hours`` (how the number is written).
        needs: columns the line reads that may be missing: a derived column not declared
            yet, or a mapped column that must have come from a file.
        at_as_of: the line reads ``$as_of``; left out when the data has no dated event.
        hide_zero: an explanation, shown only when it is not 0.
        params: more ``{placeholders}`` of the text, from code (``days``: 30).
    """

    key: str
    sql: str
    aggregate: bool = False
    unit: str = "count"
    needs: tuple[str, ...] = ()
    at_as_of: bool = False
    hide_zero: bool = False
    params: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Check:
    """What to reconcile of one dataset.

    Attributes:
        dataset: the canonical dataset; what a row is, is the text
            ``load.check.<dataset>.noun`` (``tickets``; ``.noun.one``: ``ticket``).
        span: (first, last) date columns: the span is min(first) .. max(last)
            (contracts: ``("start_date", "end_date")``; tickets: ``("created_at",
            "created_at")``).
        statuses: status-like columns whose values are counted.
        money: amount columns summed per currency.
        used: the "used by the KPIs" lines, in the order of the sentence.
    """

    dataset: str
    span: tuple[str, str] | None = None
    statuses: tuple[str, ...] = ()
    money: tuple[str, ...] = ()
    used: tuple[Used, ...] = ()


# The rules of kpi.metrics.conditions over the canonical columns, at D = $as_of (the
# family queries read the same rules over the prepared columns).
# docs/KPIS.md 6: a device active at D
_DEVICE_ACTIVE = device_active(
    "CAST(first_seen AS DATE)", "CAST(last_seen AS DATE)", "active", "$as_of"
)
# docs/KPIS.md 8: completed at D: a completed status word, 100 % complete, or closed by D
_PROJECT_DONE = (
    f"({project_completed(completed_status('status'), 'percent_complete', 'closed_at', '$as_of')})"
)
# issue 18 (kpi.load.derive): a ticket resolved by its status, not by a date: no usable
# resolved_at / closed_at (empty, or before the creation), so its resolution is its last
# update
_BY_STATUS = (
    "(coalesce(resolved_at, closed_at) IS NULL OR coalesce(resolved_at, closed_at) < created_at)"
)
# open: not resolved, not cancelled, not closed at an unknown time (the backlog of
# kpi.query.families)
_OPEN_TICKET = "resolved IS NULL AND cancelled_at IS NULL AND NOT coalesce(closed_unknown, FALSE)"
# docs/KPIS.md 1: a contract active at D
_CONTRACT_ACTIVE = contract_active("start_date", "end_date", "$as_of")

# The lines are laid out by hand, one declaration each.
# fmt: off
CHECKS: dict[str, Check] = {c.dataset: c for c in (
    Check(
        "tickets",
        span=("created_at", "created_at"),
        statuses=("status",),
        used=(
            Used("resolved",
                 f"resolved IS NOT NULL AND NOT ({_BY_STATUS})"),
            # issue 18: a resolved status without a (usable) date, dated by the last update
            Used("resolved_by_status",
                 f"resolved IS NOT NULL AND {_BY_STATUS}", hide_zero=True),
            Used("cancelled",
                 "cancelled_at IS NOT NULL", hide_zero=True),
            # out of the backlog and of every dated count (no last update to date them)
            Used("closed_unknown",
                 "coalesce(closed_unknown, FALSE)", hide_zero=True),
            Used("open", _OPEN_TICKET),
            # docs/DETAILS.md 13: a resolution earlier than the creation does not count
            Used("resolved_before_created",
                 "coalesce(resolved_at, closed_at) < created_at", hide_zero=True),
        ),
    ),
    Check(
        "surveys",
        span=("responded_at", "responded_at"),
        used=(
            Used("responses", "satisfied IS NOT NULL"),
            Used("satisfied", "satisfied"),
            Used("offered",
                 "satisfied IS NULL"),
        ),
    ),
    Check(
        "time_entries",
        span=("date", "date"),
        used=(
            Used("billable_hours",
                 "sum(hours) FILTER (WHERE billable)", aggregate=True, unit="hours"),
            Used("non_billable_hours",
                 "sum(hours) FILTER (WHERE NOT billable)", aggregate=True, unit="hours"),
        ),
    ),
    Check(
        "staff",
        used=(
            Used("with_cost",
                 "hourly_cost IS NOT NULL"),
            Used("with_weekly_hours",
                 "weekly_hours IS NOT NULL"),
        ),
    ),
    Check(
        "contracts",
        span=("start_date", "end_date"),
        statuses=("status",),
        money=("amount",),
        used=(
            Used("active",
                 _CONTRACT_ACTIVE, at_as_of=True),
            Used("with_end",
                 "end_date IS NOT NULL"),
            # issue 18: an unknown billing period is never guessed (out of MRR)
            Used("unknown_period",
                 "billing_months IS NULL", needs=("billing_period",), hide_zero=True),
            Used("one_time",
                 "billing_months = 0", needs=("billing_period",), hide_zero=True),
        ),
    ),
    Check(
        "devices",
        span=("last_seen", "last_seen"),
        used=(
            Used("active",
                 _DEVICE_ACTIVE, at_as_of=True),
            Used("inactive",
                 f"NOT ({_DEVICE_ACTIVE})", at_as_of=True, params=(("days", DEVICE_SEEN_DAYS),)),
        ),
    ),
    Check(
        "projects",
        span=("start_date", "due_date"),
        statuses=("status",),
        used=(
            Used("active",
                 f"start_date <= $as_of AND NOT {_PROJECT_DONE}", at_as_of=True),
            Used("completed", _PROJECT_DONE,
                 at_as_of=True),
            Used("not_started",
                 f"start_date > $as_of AND NOT {_PROJECT_DONE}", at_as_of=True),
        ),
    ),
    Check(
        "invoices",
        span=("date", "date"),
        money=("amount", "cost"),
        used=(
            Used("with_cost", "cost IS NOT NULL",
                 needs=("cost",)),
        ),
    ),
    Check(
        "opportunities",
        span=("created_at", "created_at"),
        statuses=("outcome", "stage"),
        money=("amount",),
        used=(
            Used("open", "outcome = 'open'"),
            Used("won", "outcome = 'won'"),
            Used("lost", "outcome = 'lost'"),
            # issue 18: closed before created: still won, out of the sales cycle
            Used("closed_before_created",
                 "outcome = 'won' AND closed_at < created_at", hide_zero=True),
            Used("with_amount", "amount IS NOT NULL",
                 needs=("amount",)),
            Used("with_probability",
                 "probability IS NOT NULL", needs=("probability",)),
        ),
    ),
)}
# fmt: on
