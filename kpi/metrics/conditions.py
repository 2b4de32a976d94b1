"""The settled rules of the KPI definitions that more than one query reads, written once:
their day counts and words, and small functions that render each rule's SQL condition for
the column names a caller has.

Every stage that needs a rule calls these: the family queries and the prepared tables
(:mod:`kpi.query`), the dashboards' breakdowns (:mod:`kpi.query.breakdowns`), the alerts'
named queries (:mod:`kpi.query.alert_queries`) and the reconciliation of the loaded data
(:mod:`kpi.load.checks`, over the canonical columns rather than the prepared ones).

Arguments are SQL: column names (``"o.created_d"``), dates (``"p.d_at"``,
``"CAST($as_of AS DATE)"``) and day counts (``30``, ``"CAST($days AS INTEGER)"``), all
from the caller's code; never a value from a file (values travel as bound parameters).

Example:
    >>> contract_active("k.start_date", "k.end_date", "p.d_at")
    'k.start_date <= p.d_at AND (k.end_date IS NULL OR k.end_date >= p.d_at)'
"""

from __future__ import annotations

#: Project status words that mean completed (docs/KPIS.md 8), compared folded: "Completádo "
#: -> "completado".
COMPLETED_WORDS = ("closed", "completed", "complete", "done", "cerrado", "completado",
                   "finalizado")  # fmt: skip

#: Days before D within which a device must have been seen to be active (docs/KPIS.md 6).
DEVICE_SEEN_DAYS = 30
#: Days without activity that make an open opportunity stale (docs/KPIS.md 9).
STALE_DAYS = 30
#: Days after as_of in which an ending contract is an upcoming renewal (docs/KPIS.md 7).
UPCOMING_DAYS = 90
#: Days after a contract's end within which a successor contract renews it (docs/DETAILS.md 27).
SUCCESSOR_DAYS = 30

#: The bound parameters of the client and technician filters (lists of loaded names).
CLIENTS_PARAM = "$clients"
TECHNICIANS_PARAM = "$techs"


def contract_active(start: str, end: str, d: str) -> str:
    """A contract active at D (docs/KPIS.md 1): it has started by D and has no end or ends on
    or after D."""
    return f"{start} <= {d} AND ({end} IS NULL OR {end} >= {d})"


def opportunity_open(created: str, outcome: str, closed: str, d: str) -> str:
    """An opportunity open at D (docs/KPIS.md 9): created by D and not won or lost by D (a
    won or lost one without a close date stays open)."""
    return (
        f"{created} <= {d}"
        f" AND NOT ({outcome} IN ('won', 'lost') AND coalesce({closed} <= {d}, FALSE))"
    )


def stale(activity: str, d: str, days: int | str = STALE_DAYS) -> str:
    """No activity in the ``days`` before D: the last activity is before ``D - days``
    (an open opportunity's, docs/KPIS.md 9). ``days``: a number or an SQL integer."""
    return f"{activity} < {d} - {days}"


def upcoming_renewal(end: str, renewed: str, as_of: str, days: int | str = UPCOMING_DAYS) -> str:
    """A contract up for renewal (docs/KPIS.md 7): it ends in the window ``(as_of, as_of +
    days]`` and is not already renewed (``renewed`` the effective flag, docs/DETAILS.md 27)."""
    return f"{end} > {as_of} AND {end} <= {as_of} + {days} AND NOT {renewed}"


def device_active(first_seen: str, last_seen: str, active: str, d: str) -> str:
    """A device active at D (docs/KPIS.md 6): first seen empty or on or before D, last seen
    empty or within :data:`DEVICE_SEEN_DAYS` days before D, and ``active`` not false.
    ``first_seen`` / ``last_seen``: dates (a timestamp column cast by the caller)."""
    return (
        f"({first_seen} IS NULL OR {first_seen} <= {d})"
        f" AND ({last_seen} IS NULL OR {last_seen} >= {d} - {DEVICE_SEEN_DAYS})"
        f" AND {active} IS NOT FALSE"
    )


def completed_status(status: str) -> str:
    """A project status that says completed: one of :data:`COMPLETED_WORDS`, case,
    accents and outer spaces aside."""
    words = ", ".join(f"'{w}'" for w in COMPLETED_WORDS)
    return f"lower(strip_accents(trim({status}))) IN ({words})"


def project_completed(status_done: str, percent_complete: str, closed_at: str, d: str) -> str:
    """A project completed at D (docs/KPIS.md 8): a completed status (``status_done``: a
    boolean, :func:`completed_status`), 100 % complete, or closed by D."""
    return (
        f"coalesce({status_done}, FALSE) OR coalesce({percent_complete} >= 1, FALSE)"
        f" OR coalesce({closed_at} <= {d}, FALSE)"
    )


def client_filter(client: str = "client") -> str:
    """A row of a client the report's client filter selects (``$clients``: the loaded
    names the user's names matched)."""
    return f"list_contains({CLIENTS_PARAM}, {client})"


def technician_filter(technician: str = "technician") -> str:
    """A row of a technician the report's technician filter selects (``$techs``)."""
    return f"list_contains({TECHNICIANS_PARAM}, {technician})"
