"""Arrow's memory pool for the process: jemalloc, giving freed pages back at once.

Loading holds a file's text and its typed columns for a moment, then lets the text go.
With pyarrow's default pool (mimalloc) the pages freed after each file stayed with the
process: at 1M tickets the engine peaked at 1.17 GB (1.42 GB before loading let go of
what it no longer reads) for 410 MB of loaded tables. Arrow's jemalloc returns freed
pages to the system at once (a decay of 0 ms) and keeps that peak at 1.0 GB. The price:
pages asked for again are faulted in again, and loading the 100k sample takes about 15%
longer (``bench``, same run). Set once, when :mod:`kpi` is imported; a process that chose
its pool (``ARROW_DEFAULT_MEMORY_POOL=mimalloc``) keeps its choice.
"""

from __future__ import annotations

import os

import pyarrow as pa


def use_returning_pool() -> bool:
    """Make jemalloc, with a decay of 0 ms, Arrow's default pool; False (and the
    default pool kept) when the environment chose a pool or pyarrow was built without
    jemalloc."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return False
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc: its default stays
        return False
    pa.set_memory_pool(pool)
    # its docstring calls 0 the default, but without this call the peak above stayed at
    # 1.2 GB; it applies to the arenas made after it, hence at import
    pa.jemalloc_set_decay_ms(0)
    return True
