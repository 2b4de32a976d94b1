"""The results a session keeps to give them again: :class:`ResultCache`.

Each :class:`~kpi.report.Engine` holds one (``engine.results``), so a session has one
cache of engine results, private to it like the engine. It keeps the engine's cubes
(every client's KPIs over a period, see ``Engine._from_cube``) and whatever its callers
keep there with :meth:`ResultCache.remember`: the app keeps the reports, alerts,
explanations, availability and breakdowns of the filters it has shown (``ui/state.py``),
so that a rerun without a filter change, or a filter changed back, computes nothing.

A key is a tuple whose first item says what the entry is (``"cube"``, ``"report"``, ...)
followed by the options it was computed for, as plain values. The data is not in the key:
an engine belongs to one loaded data set (new data, a new engine and an empty cache), and
:meth:`~kpi.report.Engine.set_money` empties it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import pandas as pd

#: entries a session's engine keeps: a page asks about ten (its reports, breakdowns and
#: a cube) per filter state, so this holds the last few states and pages
RESULTS_KEPT = 64
#: rows kept in all: a cube of 1,500 clients x 12 months x 20 KPIs has 360,000 rows (about
#: 40 bytes each), a report by client of those KPIs 30,000 (about 150 bytes each); at most
#: about 200 MB
RESULTS_KEPT_ROWS = 2_000_000


def table_rows(value: Any) -> int:
    """The rows ``value`` counts for: a frame's length, else 0 (a marker, a dict)."""
    return len(value) if isinstance(value, pd.DataFrame) else 0


class ResultCache:
    """Results kept under their keys, the most recently used last; the least recently used
    go first while there would be more than ``entries`` entries or ``rows`` rows in all
    (what is put always stays, however large).

    Safe to use from several threads: Streamlit may start a rerun while the previous one
    still computes, and a download button's function runs on a thread of its own. Two
    threads asking for the same missing result both compute it (the last one is kept):
    simpler than waiting, and both get the same numbers.

    Args:
        entries: at most this many entries.
        rows: at most this many rows in all (each entry's, as given to :meth:`put`).
    """

    def __init__(self, entries: int = RESULTS_KEPT, rows: int = RESULTS_KEPT_ROWS) -> None:
        self.entries = entries
        self.rows = rows
        self._kept: dict[Hashable, tuple[Any, int]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._kept

    def keys(self, kind: str | None = None) -> list[Hashable]:
        """The keys kept, oldest first; with ``kind``, those whose first item it is."""
        with self._lock:
            keys = list(self._kept)
        return [k for k in keys if kind is None or (isinstance(k, tuple) and k[:1] == (kind,))]

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value kept under ``key`` (now the most recently used), else ``default``."""
        with self._lock:
            found = self._kept.pop(key, None)
            if found is None:
                return default
            self._kept[key] = found
            return found[0]

    def put(self, key: Hashable, value: Any, rows: int | None = None) -> None:
        """Keep ``value`` under ``key`` as the most recently used; ``rows`` it counts for
        (default :func:`table_rows`)."""
        with self._lock:
            self._put(key, value, table_rows(value) if rows is None else rows)

    def _put(self, key: Hashable, value: Any, rows: int) -> None:
        self._kept.pop(key, None)
        total = sum(r for _, r in self._kept.values()) + rows
        while self._kept and (len(self._kept) >= self.entries or total > self.rows):
            total -= self._kept.pop(next(iter(self._kept)))[1]  # the least recently used
        self._kept[key] = (value, rows)

    def setdefault(self, key: Hashable, value: Any, rows: int = 0) -> Any:
        """The value kept under ``key``, else ``value`` put there; either way now the most
        recently used. One step: of two threads, one finds what the other put."""
        with self._lock:
            found = self._kept.pop(key, None)
            if found is None:
                self._put(key, value, rows)
                return value
            self._kept[key] = found
            return found[0]

    def remember(
        self,
        key: Hashable,
        compute: Callable[[], Any],
        rows: Callable[[Any], int] = table_rows,
    ) -> Any:
        """The value kept under ``key``, else ``compute()``, kept (``rows(value)`` rows)."""
        found = self.get(key, _MISSING)
        if found is not _MISSING:
            return found
        value = compute()
        self.put(key, value, rows(value))
        return value

    def pop(self, key: Hashable) -> Any:
        """Forget ``key``; its value, or None."""
        with self._lock:
            found = self._kept.pop(key, None)
        return None if found is None else found[0]

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._kept.clear()


_MISSING = object()
