"""What a report computes (:class:`ReportOptions`, every field with the CLI's default) and
the options no report can have.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kpi.errors import UsageError
from kpi.metrics import KPIS
from kpi.query import parse_by
from kpi.query.periods import (
    COMPARE_MODES,
)


@dataclass
class ReportOptions:
    """What to compute. Every field has the CLI's default.

    Attributes:
        start, end: the period, inclusive (default: 12 calendar months ending at as_of).
        as_of: the report date (default: the data's latest event date; filters never move it).
        clients: client names, matched by normalised key (``acme sl`` = ``ACME, S.L.``).
        technicians: technician names, matched case-, accent- and space-insensitively.
        by: total, client, month, client,month, technician or technician,month.
        compare: None, ``"previous"`` or ``"year"``: adds ``previous`` and ``delta``.
        lang: ``en`` or ``es``, for labels and messages (never ids, units or statuses).
        targets: KPI id -> target overriding the default: a number, ``(lo, hi)`` or
            ``"0.7..0.85"``.
        kpis: the KPI ids to compute (empty: all). A page asks for what it shows, so
            that a family none of them belongs to costs nothing.
    """

    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    clients: list[str] = field(default_factory=list)
    technicians: list[str] = field(default_factory=list)
    by: str = "total"
    compare: str | None = None
    lang: str = "en"
    targets: dict[str, object] = field(default_factory=dict)
    kpis: list[str] = field(default_factory=list)


def _check(opts: ReportOptions) -> None:
    """UsageError for options no report can have (the period is checked later)."""
    parse_by(opts.by)
    if opts.compare is not None and opts.compare not in COMPARE_MODES:
        raise UsageError(f"unknown comparison {opts.compare!r}: use previous or year")
    unknown = sorted(set(opts.targets) - {k.id for k in KPIS})
    if unknown:
        raise UsageError(f"targets for unknown KPI(s): {', '.join(unknown)}")
    unknown = sorted(set(opts.kpis) - {k.id for k in KPIS})
    if unknown:
        raise UsageError(f"unknown KPI(s): {', '.join(unknown)}")
