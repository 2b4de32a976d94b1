"""One writer at a time: the lock of a workspace file (:func:`locked`).

DuckDB lets one process write a database file and refuses every other open meanwhile,
so sessions take turns: a sidecar file ``PATH.lock`` is locked (``flock``) shared to read
and exclusively to write, by the threads of one process (Streamlit's sessions) as by
other processes (a scheduled ``python -m kpi workspace add``). A writer also takes a
thread lock per workspace, so two sessions of one server queue in the process before
they queue on the file. Whoever waits longer than ``wait`` seconds gets
:class:`~kpi.errors.WorkspaceBusyError` with a message that says to try again. The
kernel drops a ``flock`` when its process dies: a killed add never leaves the workspace
locked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from kpi.errors import WorkspaceBusyError

#: seconds a session waits for another one's add before it gives up
LOCK_WAIT = 10.0
#: how often a waiting session tries again (seconds)
_POLL = 0.05

#: one thread lock per workspace file (resolved path) of this process
_THREAD_LOCKS: dict[str, threading.Lock] = {}
_THREAD_LOCKS_GUARD = threading.Lock()

BUSY = "the workspace is busy: another add is running; try again in a moment"


def lock_path(path: Path) -> Path:
    """The sidecar lock file of a workspace: ``acme.duckdb`` -> ``acme.duckdb.lock``."""
    return path.with_name(path.name + ".lock")


def _thread_lock(path: Path) -> threading.Lock:
    key = str(path.resolve())
    with _THREAD_LOCKS_GUARD:
        return _THREAD_LOCKS.setdefault(key, threading.Lock())


@contextlib.contextmanager
def locked(path: Path, *, exclusive: bool, wait: float = LOCK_WAIT) -> Iterator[None]:
    """Hold the workspace at ``path`` for reading (shared) or writing (exclusive).

    Raises:
        WorkspaceBusyError: the lock was not free within ``wait`` seconds.
    """
    deadline = time.monotonic() + wait
    thread_lock = _thread_lock(path) if exclusive else None
    if thread_lock is not None and not thread_lock.acquire(timeout=max(wait, 0.0)):
        raise WorkspaceBusyError(BUSY)
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            mode = (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB
            while True:
                try:
                    fcntl.flock(fd, mode)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise WorkspaceBusyError(BUSY) from None
                    time.sleep(_POLL)
            try:
                yield
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
    finally:
        if thread_lock is not None:
            thread_lock.release()
