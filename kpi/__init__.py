"""KPI engine for IT partners (MSPs): read exports, compute the ten KPIs.

The public API is small::

    from kpi import load_files, LoadOptions
    data = load_files(["tickets.csv", "contracts.xlsx"], LoadOptions(lang="es"))
    data.files        # what each file/sheet was read as (dataset, mapping, row counts)
    data.problems     # every rejected row, warning and skipped line

See :mod:`kpi.report` for reports, alerts and ``explain``.
"""

from kpi.errors import KpiError, UnreadableFileError, UnrecognisedDatasetError
from kpi.ingest import LoadOptions, Override, load_files
from kpi.model import FileReport, LoadedData
from kpi.presets import Preset, load_preset, preset_from_mapping

__all__ = [
    "FileReport",
    "KpiError",
    "LoadOptions",
    "LoadedData",
    "Override",
    "Preset",
    "UnreadableFileError",
    "UnrecognisedDatasetError",
    "load_files",
    "load_preset",
    "preset_from_mapping",
]
