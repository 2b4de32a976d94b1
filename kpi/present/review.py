"""What a client review (the quarterly business review an MSP holds with each client) says:
one client's numbers for a period and the period it is compared with, read from the
:class:`~kpi.report.Engine` the app and the command line use.

:func:`client_review` asks the engine for everything at once (one report with the
comparison, one by month, the breakdowns, the alerts) under a filter on the one client:
every number of the review is the engine's number for that client and period.
:mod:`kpi.present.client_report` lays it out as a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pandas as pd

from kpi.errors import UsageError
from kpi.query.periods import Period, add_months, comparison_before_data, comparison_period
from kpi.report import Engine, ReportOptions

#: the service numbers, in the order the review shows them
SERVICE_KPIS = (
    "tickets_opened", "tickets_resolved", "mean_first_response_hours", "mean_resolution_hours",
    "sla_rate", "fcr_rate", "csat", "escalated_tickets", "reopen_rate",
)  # fmt: skip
#: CSAT's response count, shown beside it
CSAT_RESPONSES = "csat_responses"
#: devices and contract numbers at the period's end
DEVICE_KPIS = ("active_devices", "uncovered_devices", "device_coverage_rate")
CONTRACT_KPIS = ("mrr",)
#: the monthly charts: (chart key, KPI ids drawn as one line each)
TRENDS = (
    ("volume", ("tickets_opened", "tickets_resolved")),
    ("quality", ("sla_rate", "fcr_rate", "csat")),
)
#: every KPI the review reads
REVIEW_KPIS = (*SERVICE_KPIS, CSAT_RESPONSES, *DEVICE_KPIS, *CONTRACT_KPIS)
#: the comparisons a review may make
COMPARES = ("previous", "year")


@dataclass
class ClientReview:
    """One client's review: the engine's tables for the client and period.

    Attributes:
        client: the client's name as loaded.
        lang: ``en`` or ``es``.
        period: the period reviewed; ``compared`` the one it is compared with (None when it
            starts before the data: its numbers are then empty).
        numbers: the report (docs/CLI.md columns with ``previous`` and ``delta``) of
            :data:`REVIEW_KPIS` for the client, one row per KPI.
        monthly: the report of the trend KPIs by month.
        by_category, by_priority: tickets created per category or priority (``grp``, ``n``).
        contracts: the contracts active at D (:meth:`Engine.active_contracts`).
        uncovered: the uncovered devices by name (empty when devices do not say).
        projects: the project portfolio (:meth:`Engine.project_portfolio`).
        alerts: the client's alerts (:meth:`Engine.alerts`).
        currency: the report currency; ``msp_name`` and ``logo`` the MSP's, for the cover.
        notes: what the reader should know (the engine's notes).
    """

    client: str
    lang: str
    period: Period
    compared: Period | None
    compare: str
    numbers: pd.DataFrame
    monthly: pd.DataFrame
    by_category: pd.DataFrame
    by_priority: pd.DataFrame
    contracts: pd.DataFrame
    uncovered: pd.DataFrame
    projects: pd.DataFrame
    alerts: pd.DataFrame
    currency: str
    msp_name: str = ""
    logo: bytes | None = None
    notes: list[str] = field(default_factory=list)
    #: KPI id -> its row of :attr:`numbers` (a layout asks for each several times)
    _rows: dict[str, pd.Series] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._rows = {str(r["kpi"]): r for _, r in self.numbers.iterrows()}

    def row(self, kpi_id: str) -> pd.Series | None:
        """The report row of ``kpi_id`` (None when the data does not allow it)."""
        return self._rows.get(kpi_id)


def last_complete_quarter(as_of: date) -> tuple[date, date]:
    """The last calendar quarter that ends on or before ``as_of``.

    Examples:
        >>> last_complete_quarter(date(2026, 10, 31))
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
        >>> last_complete_quarter(date(2026, 9, 30))
        (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    """
    start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)  # this quarter's start
    if add_months(start, 3) - timedelta(days=1) == as_of:
        return start, as_of  # as_of is the quarter's last day: it is complete
    return add_months(start, -3), start - timedelta(days=1)


def match_client(engine: Engine, name: str) -> str:
    """The loaded client ``name`` matches (by client key: ``acme sl`` = ``ACME, S.L.``).

    Raises:
        UsageError: no loaded client, or several, match.
    """
    found, _ = engine.core.match_clients([name])
    if not found:
        raise UsageError(f"no loaded client matches {name!r}")
    if len(found) > 1:
        raise UsageError(f"{len(found)} loaded clients match {name!r}: {', '.join(found)}")
    return found[0]


def client_review(
    engine: Engine,
    client: str,
    *,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    compare: str = "previous",
    lang: str = "en",
    targets: dict[str, object] | None = None,
    msp_name: str = "",
    logo: bytes | None = None,
    every_alert: pd.DataFrame | None = None,
) -> ClientReview:
    """The review of one client (matched by :func:`match_client`) for a period.

    Args:
        start, end: the period (default: the last complete quarter before as_of).
        as_of: the report date (default: the data's).
        compare: ``previous`` (the quarter before) or ``year`` (a year earlier).
        targets: KPI id -> target, as :class:`ReportOptions` takes them.
        every_alert: the alerts of every client for the same options
            (:func:`review_options`), when several reviews share them; else the client's
            are computed here. A client's alerts are the same either way (tested).

    Raises:
        UsageError: an unknown client or comparison, or a bad period.
    """
    if compare not in COMPARES:
        raise UsageError(f"unknown comparison {compare!r}: use previous or year")
    name = match_client(engine, client)
    every = review_options(engine, start=start, end=end, as_of=as_of, lang=lang, targets=targets)
    base = replace(every, clients=[name])
    trend_ids = [k for _, ids in TRENDS for k in ids]
    numbers, monthly = engine.reports([
        replace(base, kpis=list(REVIEW_KPIS), compare=compare),
        replace(base, kpis=trend_ids, by="month"),
    ])  # fmt: skip
    period = numbers.attrs["period"]
    compared: Period | None = comparison_period(period, compare)
    if compared is not None and comparison_before_data(compared, engine.data_start):
        compared = None  # the engine left previous and delta empty, and says why
    alerts = engine.alerts(base) if every_alert is None else every_alert
    return ClientReview(
        client=name, lang=lang, period=period, compared=compared, compare=compare,
        numbers=numbers, monthly=monthly,
        by_category=engine.tickets_by(base, "category"),
        by_priority=engine.tickets_by(base, "priority"),
        contracts=engine.active_contracts(base),
        uncovered=engine.uncovered_device_list(base),
        projects=engine.project_portfolio(base),
        # the client's own alerts only (a rule over every client never names another)
        alerts=alerts[alerts["client"] == name].reset_index(drop=True),
        currency=engine.money.currency, msp_name=msp_name, logo=logo,
        notes=[str(n) for n in numbers.attrs.get("notes", [])],
    )  # fmt: skip


def review_options(
    engine: Engine,
    *,
    start: date | None = None,
    end: date | None = None,
    as_of: date | None = None,
    lang: str = "en",
    targets: dict[str, object] | None = None,
) -> ReportOptions:
    """The report options of a review, every client (:func:`client_review` adds the one):
    the period given, else the last complete quarter before as_of (the data's as_of by
    default)."""
    if start is None and end is None:
        start, end = last_complete_quarter(as_of or engine.as_of or date.today())
    return ReportOptions(start=start, end=end, as_of=as_of, lang=lang,
                         targets=dict(targets or {}))  # fmt: skip
