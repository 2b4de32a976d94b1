"""Once per server process: keep the garbage collector off the imported code.

After every script run Streamlit forces a full collection (``runner.postScriptGC``),
while the browser waits for the run's last messages. A full collection walks every
container object the process holds: with the app's imports (Streamlit, pandas, Altair,
DuckDB, the engine) that was about 180,000 objects and 75-90 ms per rerun, on the way of
every filter click. The objects alive right after the imports (modules, classes,
functions, schemas) live as long as the process, so :func:`freeze_imports` moves them
out of the collector's sight once (:func:`gc.freeze`); a full collection then walks what
the sessions made since, about 45,000 objects and 6-10 ms. Objects created later, every
session's data included, are collected as before.
"""

from __future__ import annotations

import gc
import importlib
import pkgutil
import threading

import ui

_lock = threading.Lock()
_frozen = False


def freeze_imports() -> bool:
    """Import every ``ui`` module (and so everything the pages use), then freeze the
    objects alive, the first time in this process; later calls do nothing.

    Returns:
        True when this call froze them.
    """
    global _frozen
    with _lock:
        if _frozen:
            return False
        for mod in pkgutil.iter_modules(ui.__path__):
            importlib.import_module(f"ui.{mod.name}")
        gc.collect()
        gc.freeze()
        _frozen = True
        return True
