"""Memory: Arrow's pool returns freed pages (kpi.memory) and loading lets go of what it
no longer reads (the file's bytes before typing, the typed tables once merged)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa

from kpi.load import LoadOptions, assemble, map_table
from kpi.load.table import read_raw

ROOT = Path(__file__).resolve().parent.parent
TICKETS = (
    b"ticket_id,client,created_at,resolved_at\n"
    b"T1,Acme,2026-01-05 09:00,2026-01-05 10:00\n"
    b"T2,Acme,2026-01-06 09:00,\n"
)


def _pool_after_import(env: dict[str, str]) -> str:
    code = "import kpi, pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"} | env,
    )  # fmt: skip
    return out.stdout.strip()


def test_importing_kpi_makes_jemalloc_the_pool_unless_the_environment_chose() -> None:
    try:
        pa.jemalloc_memory_pool()
    except NotImplementedError:  # this pyarrow has no jemalloc: the default stays
        assert _pool_after_import({}) == pa.default_memory_pool().backend_name
        return
    assert _pool_after_import({}) == "jemalloc"
    assert _pool_after_import({"ARROW_DEFAULT_MEMORY_POOL": "system"}) == "system"


def test_an_owned_assembly_lets_the_typed_tables_go() -> None:
    def results() -> list:
        return [map_table(raw, LoadOptions()) for raw in read_raw("tickets.csv", TICKETS)]

    kept = results()
    data = assemble(kept)
    assert all(r.table is not None for r in kept)  # the app reuses them on a rerun
    given = results()
    owned = assemble(given, owned=True)
    assert all(r.table is None for r in given)
    assert owned.tables["tickets"].equals(data.tables["tickets"])
    assert owned.tables["tickets"].num_rows == 2
