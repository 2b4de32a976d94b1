"""KPI engine for IT partners (MSPs): read exports, compute the ten KPIs.

The public API is small::

    from kpi import load_files, LoadOptions
    data = load_files(["tickets.csv", "contracts.xlsx"], LoadOptions(lang="es"))
    data.files        # what each file/sheet was read as (dataset, mapping, row counts)
    data.problems     # every rejected row, warning and skipped line

    engine = Engine(data)                       # one per session: a private DuckDB
    engine.report(ReportOptions(by="client,month", compare="previous"))
    engine.alerts(ReportOptions())
    engine.explain("csat", ReportOptions())     # the SQL and inputs behind a number
    engine.availability()                       # kpi id -> what would enable it

The stages, in the order data flows: :mod:`kpi.read` (bytes -> raw text tables),
:mod:`kpi.load` (-> typed canonical tables: :class:`LoadedData`, :mod:`kpi.model`),
:mod:`kpi.metrics` (the KPI declarations), :mod:`kpi.query` (their SQL), :mod:`kpi.report`
(the :class:`Engine`); :mod:`kpi.schema` declares the datasets they all read. Saved
workspaces (the tables read, kept month after month) are :mod:`kpi.workspace`. The command
line (``python -m kpi report|alerts|inspect|workspace``) is :mod:`kpi.cli`.
"""

from kpi.errors import KpiError, UnreadableFileError, UnrecognisedDatasetError
from kpi.load import LoadOptions, Override, load_files
from kpi.load.presets import Preset, load_preset, preset_from_mapping
from kpi.memory import use_returning_pool
from kpi.model import FileReport, LoadedData
from kpi.report import (
    Engine,
    Explanation,
    ReportOptions,
    compute_alerts,
    compute_report,
    write_table,
)

__all__ = [
    "Engine",
    "Explanation",
    "FileReport",
    "KpiError",
    "LoadOptions",
    "LoadedData",
    "Override",
    "Preset",
    "ReportOptions",
    "UnreadableFileError",
    "UnrecognisedDatasetError",
    "compute_alerts",
    "compute_report",
    "load_files",
    "load_preset",
    "preset_from_mapping",
    "write_table",
]

use_returning_pool()  # before any table is read (kpi.memory says why)
