"""Stage 5, report: the engine's reports, explanations, alerts and the output writers.

:class:`Engine` (:mod:`~kpi.report.engine`) is the public API of a session: reports
(:mod:`~kpi.report.frame` formats them), explanations (:mod:`~kpi.report.explain`), alerts
(:mod:`~kpi.report.alerts`), the rows behind a number (:mod:`~kpi.report.rows`);
:mod:`~kpi.report.writers` writes them as CSV, XLSX or JSON.
An engine keeps the results it and its caller want again in one :class:`ResultCache`
(:mod:`~kpi.report.cache`).
"""

from kpi.report.alerts import ALERT_COLUMNS
from kpi.report.cache import ResultCache
from kpi.report.engine import (
    COMPARE_COLUMNS,
    REPORT_COLUMNS,
    Engine,
    compute_alerts,
    compute_report,
)
from kpi.report.explain import Explanation
from kpi.report.options import ReportOptions
from kpi.report.rows import RowsResult
from kpi.report.writers import to_csv_text, write_table

__all__ = [
    "ALERT_COLUMNS",
    "COMPARE_COLUMNS",
    "REPORT_COLUMNS",
    "Engine",
    "Explanation",
    "ReportOptions",
    "ResultCache",
    "RowsResult",
    "compute_alerts",
    "compute_report",
    "to_csv_text",
    "write_table",
]
