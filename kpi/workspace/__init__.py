"""Saved workspaces: the files an MSP adds month after month, kept with its mapping
fixes and settings in one DuckDB file opened with a passphrase (README "Workspaces").

A workspace keeps each table as it was read (:func:`kpi.load.map_table`), in the order
added, and assembles them when it is opened (:func:`kpi.load.assemble`): the numbers
after monthly adds are the numbers of all the files loaded at once, by construction.

The API::

    ws = Workspace.create("workspaces/acme.duckdb", passphrase)      # or Workspace.open
    tables = ws.read(["2026-01 tickets.csv"])      # read, learned mappings applied
    ws.preview(tables).changes                     # new, updated, duplicates per dataset
    ws.add_tables(tables)                          # one transaction; or ws.add(paths)
    data = ws.load()                               # LoadedData for kpi.report.Engine
    ws.files(); ws.remove(file_id); ws.info()
    ws.settings(); ws.update_settings({"targets": {"csat": 0.95}})
    ws.mappings(); ws.forget_mapping(signature)
    token = ws.issue_token(); Workspace.open_with_token(path, token); ws.close()

By name in the deployment's folder (the web app): :func:`find`, :func:`create_named`,
:func:`find_with_token` (:mod:`kpi.workspace.folder`). Modules: :mod:`~.store` (the
file's tables, format version, migrations), :mod:`~.reading` (header signatures, learned
mappings), :mod:`~.changes` (the preview), :mod:`~.auth` (passphrase, slow-down, tokens),
:mod:`~.lock` (one writer at a time), :mod:`~.codec` (JSON of what a table was read as).
"""

from kpi.workspace.auth import Scrypt, Throttle
from kpi.workspace.changes import DatasetChange, Preview
from kpi.workspace.folder import (
    FOLDER_ENV,
    create_named,
    default_folder,
    find,
    find_with_token,
    workspace_path,
)
from kpi.workspace.reading import ReadTable, signature
from kpi.workspace.store import FORMAT_VERSION, StoredTable
from kpi.workspace.workspace import SETTINGS, TOKEN_TTL, AddResult, Info, LearnedMapping, Workspace

__all__ = [
    "FOLDER_ENV",
    "FORMAT_VERSION",
    "SETTINGS",
    "TOKEN_TTL",
    "AddResult",
    "DatasetChange",
    "Info",
    "LearnedMapping",
    "Preview",
    "ReadTable",
    "Scrypt",
    "StoredTable",
    "Throttle",
    "Workspace",
    "create_named",
    "default_folder",
    "find",
    "find_with_token",
    "signature",
    "workspace_path",
]
