"""Workspaces by name, in the folder a deployment chooses (the web app's way in).

The folder is ``MSPKPI_WORKSPACES``, else ``./workspaces``. A name is a file of it
(``Acme IT`` -> ``workspaces/Acme IT.duckdb``), checked so that no name reaches another
folder. There is no function that lists the names: who opens a workspace knows its
name and its passphrase, and a name that does not exist is answered exactly like a
wrong passphrase (the same error, message, work and slow-down), so names cannot be
found by trying them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kpi.errors import InvalidTokenError, WorkspaceError, WrongPassphraseError
from kpi.workspace import auth
from kpi.workspace.lock import LOCK_WAIT
from kpi.workspace.workspace import Workspace

#: the environment variable that names the workspaces' folder
FOLDER_ENV = "MSPKPI_WORKSPACES"
DEFAULT_FOLDER = "workspaces"
SUFFIX = ".duckdb"

#: a name: a letter or digit, then letters, digits, spaces, ``_ . -``; 64 at most.
#: ``Acme IT``, ``acme-2026``, ``Logística_Norte`` are names; ``../x``, ``a/b``,
#: ``.hidden``, ``a..b``, ``x.`` are not
_NAME = re.compile(r"[^\W_][\w .-]{0,63}")

#: the one message for a name that does not exist and a wrong passphrase
NOT_FOUND = "no workspace with this name and passphrase"


def default_folder() -> Path:
    """The workspaces' folder: ``$MSPKPI_WORKSPACES``, else ``./workspaces``."""
    return Path(os.environ.get(FOLDER_ENV) or DEFAULT_FOLDER)


def workspace_path(folder: str | Path, name: str) -> Path:
    """The file of the workspace called ``name`` in ``folder``.

    Raises:
        WorkspaceError: a name that is not allowed (see :data:`_NAME`): separators,
            ``..``, a leading dot, a trailing dot or space, control characters.
    """
    if not _NAME.fullmatch(name) or ".." in name or name.endswith((".", " ")):
        raise WorkspaceError(
            "a workspace name has letters, digits, spaces and _ . - (64 at most), and "
            "starts with a letter or digit"
        )
    base = Path(folder)
    path = base / (name + SUFFIX)
    if path.resolve().parent != base.resolve():
        raise WorkspaceError("a workspace name must not point to another folder")
    return path


def create_named(
    folder: str | Path,
    name: str,
    passphrase: str,
    *,
    lang: str = "en",
    tz: str = "UTC",
    kdf: auth.Scrypt | None = None,
    wait: float = LOCK_WAIT,
) -> Workspace:
    """Create the workspace ``name`` in ``folder`` (see :meth:`Workspace.create`).

    Raises:
        WorkspaceError: a name not allowed or taken, a passphrase too short.
    """
    path = workspace_path(folder, name)
    return Workspace.create(path, passphrase, lang=lang, tz=tz, kdf=kdf, wait=wait)


def find(
    folder: str | Path,
    name: str,
    passphrase: str,
    *,
    throttle: auth.Throttle | None = None,
    wait: float = LOCK_WAIT,
) -> Workspace:
    """Open the workspace ``name`` of ``folder`` with its passphrase.

    Raises:
        WrongPassphraseError: no workspace with this name, or a wrong passphrase (one
            message for both, :data:`NOT_FOUND`; tries are slowed down the same way).
        WorkspaceError: a name that is not allowed; a workspace of a newer format.
    """
    path = workspace_path(folder, name)
    throttle = throttle or auth.Throttle()
    if not path.is_file():
        # the same wait, work and count as a wrong passphrase: no faster "no such name"
        delay = throttle.delay(auth.failures(path.parent, path.name, throttle))
        if delay > 0:
            throttle.sleep(delay)
        auth.decoy()
        auth.record_failure(path.parent, path.name, throttle)
        raise WrongPassphraseError(NOT_FOUND)
    return Workspace.open(path, passphrase, throttle=throttle, wait=wait, message=NOT_FOUND)


def find_with_token(
    folder: str | Path, name: str, token: str, *, wait: float = LOCK_WAIT
) -> Workspace:
    """Open the workspace ``name`` of ``folder`` with a session token it issued (the web
    app after a reload).

    Raises:
        InvalidTokenError: no such workspace, or a token unknown, expired or revoked.
    """
    try:
        path = workspace_path(folder, name)
    except WorkspaceError as e:
        raise InvalidTokenError(str(e)) from e
    return Workspace.open_with_token(path, token, wait=wait)
