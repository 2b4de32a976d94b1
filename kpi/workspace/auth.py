"""Who may open a workspace: the passphrase's hash, the slow-down after wrong
passphrases, and session tokens (SECURITY.md "Saved workspaces").

* **Passphrase.** Never stored: a workspace keeps ``scrypt(passphrase, salt)`` with a
  random 16-byte salt and the parameters used (:class:`Scrypt`; OWASP's minimum for
  scrypt: N = 2**17, r = 8, p = 1, 128 MiB and about half a second per try), and compares
  in constant time (:func:`hmac.compare_digest`). ``hashlib.scrypt`` is OpenSSL's.
* **Slowing down** (:class:`Throttle`). Wrong tries are counted per workspace name in one
  small file of the workspace's folder (:data:`FAILURES_FILE`), the same way whether the
  name exists or not (names are not revealed by answering faster). Each try first waits
  ``base * 2**(failures - 1)`` seconds (1, 2, 4, ... up to a minute); a right passphrase
  clears the count; a count untouched for a day is forgotten.
* **Session tokens.** 32 random bytes (URL-safe text). The workspace keeps only their
  SHA-256 and expiry: a copy of the file does not hold a usable token, and a token never
  tells the passphrase. A 256-bit secret needs no slow hash.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: the file, in a workspace's folder, that counts wrong passphrases per workspace name
FAILURES_FILE = ".mspkpi-failures.json"
#: names whose count is kept at most (the oldest are forgotten first)
FAILURES_KEPT = 10_000
#: a count untouched this long is forgotten (seconds)
FAILURES_FORGOTTEN = 24 * 3600
#: a passphrase shorter than this is refused when a workspace is created
MIN_PASSPHRASE = 8


@dataclass(frozen=True)
class Scrypt:
    """scrypt's cost parameters (the memory used is ``128 * n * r`` bytes)."""

    n: int = 2**17
    r: int = 8
    p: int = 1

    def hash(self, passphrase: str, salt: bytes) -> bytes:
        """The 32-byte key of ``passphrase`` with ``salt``."""
        return hashlib.scrypt(
            passphrase.encode("utf-8"),
            salt=salt,
            n=self.n,
            r=self.r,
            p=self.p,
            maxmem=256 * self.n * self.r,
            dklen=32,
        )

    def sane(self) -> bool:
        """True for parameters this module would write (a damaged or tampered file must
        not make a try take minutes or gigabytes)."""
        return (
            2**10 <= self.n <= 2**20
            and self.n & (self.n - 1) == 0
            and 1 <= self.r <= 16
            and (1 <= self.p <= 4)
        )


def new_secret(passphrase: str, kdf: Scrypt) -> dict[str, Any]:
    """What a workspace stores of its passphrase: the algorithm, its parameters, a random
    salt and the hash (hex)."""
    salt = secrets.token_bytes(16)
    return {
        "kdf": "scrypt",
        "n": kdf.n,
        "r": kdf.r,
        "p": kdf.p,
        "salt": salt.hex(),
        "hash": kdf.hash(passphrase, salt).hex(),
    }


def verify(passphrase: str, stored: dict[str, Any]) -> bool:
    """True when ``passphrase`` gives the stored hash (compared in constant time)."""
    kdf = Scrypt(int(stored["n"]), int(stored["r"]), int(stored["p"]))
    if stored.get("kdf") != "scrypt" or not kdf.sane():
        return False
    key = kdf.hash(passphrase, bytes.fromhex(stored["salt"]))
    return hmac.compare_digest(key, bytes.fromhex(stored["hash"]))


def decoy(kdf: Scrypt | None = None) -> None:
    """The work of one verification, for a name that has no workspace: it answers in the
    same time as a wrong passphrase."""
    (kdf or Scrypt()).hash("decoy", b"\0" * 16)


# --------------------------------------------------------------------------- slowing down


@dataclass
class Throttle:
    """How long a try waits after wrong passphrases (injectable: tests pass ``sleep``).

    Attributes:
        base: the wait after one wrong try, in seconds; it doubles with each one.
        cap: the longest wait.
        sleep: how to wait (``time.sleep``).
        clock: the time now, in seconds (``time.time``).
    """

    base: float = 1.0
    cap: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = field(default=time.time)

    def delay(self, failures: int) -> float:
        """The wait before a try that follows ``failures`` wrong ones: 0, 1, 2, 4, ... 60."""
        if failures <= 0:
            return 0.0
        return float(min(self.cap, self.base * 2 ** min(failures - 1, 30)))


def _key(name: str) -> str:
    """A name as its count's key: its hash, so the file never lists names."""
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


@contextlib.contextmanager
def _counts(folder: Path) -> Iterator[dict[str, list[float]]]:
    """The counts of ``folder`` (name hash -> [failures, time of the last]), read and
    written under an exclusive lock of the file (two tries at once lose no count)."""
    path = folder / FAILURES_FILE
    # a try before any workspace was created: the folder is made as a creation makes it
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+", encoding="utf-8") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            counts = json.loads(fh.read() or "{}")
        except ValueError:
            counts = {}  # a damaged file forgets the counts rather than locking everyone out
        before = dict(counts)
        yield counts
        if counts != before:
            fh.seek(0)
            fh.truncate()
            fh.write(json.dumps(counts))
            fh.flush()


def failures(folder: Path, name: str, throttle: Throttle) -> int:
    """The wrong tries counted for ``name`` in ``folder`` (0 when none, or forgotten)."""
    if not (folder / FAILURES_FILE).exists():
        return 0
    with _counts(folder) as counts:
        entry = counts.get(_key(name))
    if entry is None or throttle.clock() - entry[1] > FAILURES_FORGOTTEN:
        return 0
    return int(entry[0])


def record_failure(folder: Path, name: str, throttle: Throttle) -> None:
    """Count one more wrong try for ``name``."""
    now = throttle.clock()
    with _counts(folder) as counts:
        key = _key(name)
        entry = counts.pop(key, None)
        n = 0 if entry is None or now - entry[1] > FAILURES_FORGOTTEN else int(entry[0])
        counts[key] = [n + 1, now]  # re-inserted last: the dict is kept oldest first
        while len(counts) > FAILURES_KEPT:
            counts.pop(next(iter(counts)))


def clear_failures(folder: Path, name: str) -> None:
    """Forget the wrong tries of ``name`` (after a right passphrase)."""
    if not (folder / FAILURES_FILE).exists():
        return
    with _counts(folder) as counts:
        counts.pop(_key(name), None)


# --------------------------------------------------------------------------- tokens


def new_token() -> str:
    """A session token: 32 random bytes as URL-safe text (43 characters)."""
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """What a workspace stores of a token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
