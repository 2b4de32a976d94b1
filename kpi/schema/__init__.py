"""The canonical datasets as data: one frozen declaration per dataset and column, with its
kind, required flag and aliases (:mod:`~kpi.schema.datasets`), built from the records of
:mod:`~kpi.schema.columns`. Every stage reads them; they import nothing of the pipeline.
"""

from kpi.schema.columns import (
    DUCKDB_TYPES,
    KINDS,
    Alias,
    Column,
    Dataset,
    EventLog,
    Roster,
    fold_header,
)
from kpi.schema.datasets import DATASETS, MONEY_COLUMNS, NO_CLIENT

__all__ = [
    "DATASETS",
    "DUCKDB_TYPES",
    "KINDS",
    "MONEY_COLUMNS",
    "NO_CLIENT",
    "Alias",
    "Column",
    "Dataset",
    "EventLog",
    "Roster",
    "fold_header",
]
