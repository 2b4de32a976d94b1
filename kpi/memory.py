"""Arrow's memory pool for the process: jemalloc, giving freed pages back at once.

Loading holds a file's text and its typed columns for a moment, then lets the text go.
With pyarrow's default pool (mimalloc) the pages freed after each file stayed with the
process: at 1M tickets loading peaked at 1.3 GB for 410 MB of loaded tables. jemalloc
returning them at once (a decay of 0 ms) keeps that peak under 1 GB; the loading's CPU
time did not change measurably (``bench``). Set once, when :mod:`kpi` is imported; a
process that chose its pool (``ARROW_DEFAULT_MEMORY_POOL``) keeps its choice.
"""

from __future__ import annotations

import os

import pyarrow as pa


def use_returning_pool() -> bool:
    """Make jemalloc with a decay of 0 ms Arrow's default pool; False (and the default
    pool kept) when the environment chose a pool or pyarrow was built without jemalloc."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc: its default stays
        return False
    pa.set_memory_pool(pool)
    pa.jemalloc_set_decay_ms(0)
    return True
