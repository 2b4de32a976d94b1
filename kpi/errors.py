"""Error types of the engine.

Exceptions are for input that cannot be used at all; they carry a message a user can act
on (which file, what is wrong, what to do). Row-level trouble is never an exception: it
is a :class:`kpi.problems.Problem` collected while reading.
"""

from __future__ import annotations


class KpiError(Exception):
    """Base class of every error this package raises on purpose."""


class UnreadableFileError(KpiError):
    """A file that cannot be read as a table (binary junk, empty, protected, too big).

    Args:
        file: the file name as the user gave it.
        why: what is wrong and what to do, one sentence.
    """

    def __init__(self, file: str, why: str) -> None:
        self.file = file
        self.why = why
        super().__init__(f"{file}: {why}")


class UnrecognisedDatasetError(KpiError):
    """A table whose headers do not identify one dataset (none fits, or a tie)."""

    def __init__(self, file: str, why: str, candidates: list[str] | None = None) -> None:
        self.file = file
        self.why = why
        self.candidates = candidates or []
        super().__init__(f"{file}: {why}")


class PresetError(KpiError):
    """A mapping preset that is not valid JSON of the documented shape."""


class UsageError(KpiError):
    """Bad options or arguments (CLI exit 2)."""


class WorkspaceError(KpiError):
    """A saved workspace that cannot be used as asked (missing, busy, from a newer
    version, a bad name); the message says what to do (:mod:`kpi.workspace`)."""


class WrongPassphraseError(WorkspaceError):
    """A passphrase (or, found by name, a workspace name) that does not open a workspace.

    The same error and message whether the name exists or not: names are not revealed.
    """


class WorkspaceBusyError(WorkspaceError):
    """Another session is writing to the workspace and did not finish in time."""


class InvalidTokenError(WorkspaceError):
    """A session token that is unknown, expired or revoked."""
