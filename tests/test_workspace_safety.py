"""A workspace's safety (issue 20 "Safety"; SECURITY.md "Saved workspaces"): wrong
passphrases slowed down, the passphrase never stored, names not revealed, two adds at
once (threads of one server, two processes), an add that fails or is killed halfway.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from workspace_helpers import CHEAP, PASSPHRASE, content, create, month_files, recorder

from kpi import load_files
from kpi.errors import WorkspaceBusyError, WrongPassphraseError
from kpi.workspace import Throttle, Workspace, auth, create_named, find, lock, store

ROOT = Path(__file__).resolve().parent.parent


# --------------------------------------------------------------------------- passphrases


def test_a_wrong_passphrase_is_refused_and_the_next_tries_wait(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    create(path)
    throttle, waits = recorder()
    for _ in range(3):
        with pytest.raises(WrongPassphraseError, match=r"^acme.duckdb: wrong passphrase$"):
            Workspace.open(path, "not the passphrase", throttle=throttle)
    # the first try waits nothing, then 1 s, 2 s after one and two wrong tries
    assert waits == [1.0, 2.0]
    # the right passphrase waits too (4 s after three), then clears the count
    Workspace.open(path, PASSPHRASE, throttle=throttle)
    Workspace.open(path, PASSPHRASE, throttle=throttle)
    assert waits == [1.0, 2.0, 4.0]


def test_the_wait_doubles_up_to_a_minute_and_a_day_forgets() -> None:
    throttle = Throttle()
    assert [throttle.delay(n) for n in range(9)] == [0, 1, 2, 4, 8, 16, 32, 60, 60]
    assert throttle.delay(10_000) == 60


def test_old_failures_are_forgotten(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    create(path)
    now = [1_000_000.0]
    waits: list[float] = []
    throttle = Throttle(sleep=waits.append, clock=lambda: now[0])
    for _ in range(2):
        with pytest.raises(WrongPassphraseError):
            Workspace.open(path, "not the passphrase", throttle=throttle)
    now[0] += auth.FAILURES_FORGOTTEN + 1
    Workspace.open(path, PASSPHRASE, throttle=throttle)
    assert waits == [1.0]  # the second try waited; a day later, nothing


def test_a_name_that_does_not_exist_answers_like_a_wrong_passphrase(tmp_path: Path) -> None:
    create_named(tmp_path, "acme", PASSPHRASE, kdf=CHEAP)
    throttle, waits = recorder()
    with pytest.raises(WrongPassphraseError) as wrong:
        find(tmp_path, "acme", "not the passphrase", throttle=throttle)
    with pytest.raises(WrongPassphraseError) as missing:
        find(tmp_path, "nobody", PASSPHRASE, throttle=throttle)
    assert str(wrong.value) == str(missing.value) == "no workspace with this name and passphrase"
    # and it is slowed down the same way
    with pytest.raises(WrongPassphraseError):
        find(tmp_path, "nobody", PASSPHRASE, throttle=throttle)
    assert waits == [1.0]
    # the failures file names no workspace
    text = (tmp_path / auth.FAILURES_FILE).read_text(encoding="utf-8")
    assert "acme" not in text and "nobody" not in text


def test_the_passphrase_is_not_stored_in_clear(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    ws = create(path)
    ws.update_settings({"currency": "EUR"})
    assert PASSPHRASE.encode() not in path.read_bytes()
    secret = auth.new_secret(PASSPHRASE, CHEAP)
    assert set(secret) == {"kdf", "n", "r", "p", "salt", "hash"}
    assert auth.verify(PASSPHRASE, secret) and not auth.verify(PASSPHRASE + "x", secret)
    # two workspaces with one passphrase: different salts, different hashes
    assert auth.new_secret(PASSPHRASE, CHEAP)["hash"] != secret["hash"]
    # parameters that would make a try take minutes are not followed
    assert not auth.verify(PASSPHRASE, {**secret, "n": 2**30})


def test_the_default_scrypt_is_owasps_minimum() -> None:
    assert auth.Scrypt() == auth.Scrypt(n=2**17, r=8, p=1)


def test_workspace_files_are_private(tmp_path: Path) -> None:
    path = tmp_path / "new" / "acme.duckdb"
    create(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


# --------------------------------------------------------------------------- two adds at once


def _slow_inserts(monkeypatch: pytest.MonkeyPatch, seconds: float, inside: threading.Event) -> None:
    """The first add's inserts take ``seconds`` (set ``inside`` once it holds the lock)."""
    original = store.insert_table

    def slow(*args: Any) -> None:
        if threading.current_thread().name == "first":
            inside.set()
            time.sleep(seconds)
        original(*args)

    monkeypatch.setattr(store, "insert_table", slow)


def test_two_sessions_adding_at_once_take_turns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    create(path)
    inside = threading.Event()
    _slow_inserts(monkeypatch, 0.3, inside)
    errors: list[BaseException] = []

    def add(files: list[Path]) -> None:
        try:
            Workspace.open(path, PASSPHRASE).add(files)
        except BaseException as e:
            errors.append(e)

    first = threading.Thread(target=add, args=(jan,), name="first")
    first.start()
    assert inside.wait(10)
    second = threading.Thread(target=add, args=(feb,), name="second")
    second.start()
    first.join()
    second.join()
    assert errors == []
    ws = Workspace.open(path, PASSPHRASE)
    assert [t.file_id for t in ws.files()] == [1, 2, 3, 4]
    ws_data = ws.load()
    assert ws_data.rows("tickets") == load_files([*jan, *feb]).rows("tickets") == 4


def test_a_session_that_waits_too_long_is_told_the_workspace_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    create(path)
    inside = threading.Event()
    _slow_inserts(monkeypatch, 1.0, inside)
    second = Workspace.open(path, PASSPHRASE, wait=0.2)
    first = threading.Thread(target=lambda: Workspace.open(path, PASSPHRASE).add(jan), name="first")
    first.start()
    assert inside.wait(10)
    with pytest.raises(WorkspaceBusyError, match="another add is running; try again"):
        second.add(feb)
    with pytest.raises(WorkspaceBusyError):
        second.files()  # a reader waits for the writer too, within its patience
    first.join()
    assert [t.name for t in Workspace.open(path, PASSPHRASE).files()] == [
        "tickets.csv", "invoices.csv",
    ]  # fmt: skip


def _child(code: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


ADD_IN_A_CHILD = """
    import os, sys, time
    from pathlib import Path
    from kpi.workspace import Workspace, store
    from kpi.errors import WorkspaceBusyError
    original = store.insert_table
    def held(*args):
        # inside the transaction, the lock held: say so, then hold it until released
        Path(os.environ["INSIDE"]).touch()
        while os.environ.get("RELEASE") and not Path(os.environ["RELEASE"]).exists():
            time.sleep(0.02)
        original(*args)
    store.insert_table = held
    Path(os.environ["READY"]).touch()
    try:
        ws = Workspace.open(os.environ["WS"], os.environ["PASS"], wait=float(os.environ["WAIT"]))
        ws.add(os.environ["FILES"].split("|"))
    except WorkspaceBusyError as e:
        print("busy:", e)
        sys.exit(3)
    print("added")
"""


def _wait_for(path: Path, child: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)


def test_two_processes_adding_at_once_never_corrupt_it(tmp_path: Path) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    create(path)
    release = tmp_path / "release"

    def child(name: str, files: list[Path], wait: float, hold: bool = False) -> Any:
        return _child(
            ADD_IN_A_CHILD, WS=str(path), PASS=PASSPHRASE, FILES="|".join(map(str, files)),
            WAIT=str(wait), READY=str(tmp_path / f"{name}.ready"),
            INSIDE=str(tmp_path / f"{name}.inside"), RELEASE=str(release) if hold else "",
        )  # fmt: skip

    a = child("a", jan, 60, hold=True)
    _wait_for(tmp_path / "a.inside", a)
    # one that gives up soon: the busy message, nothing written
    c = child("c", feb[:1], 0.3)
    out_c, err_c = c.communicate(timeout=120)
    assert c.returncode == 3, err_c
    assert "busy: the workspace is busy: another add is running; try again" in out_c
    # one that waits long enough: it tries while the first holds the lock, then adds
    b = child("b", feb, 60)
    _wait_for(tmp_path / "b.ready", b)
    time.sleep(0.3)
    assert not (tmp_path / "b.inside").exists()
    release.touch()
    out_a, err_a = a.communicate(timeout=120)
    out_b, err_b = b.communicate(timeout=120)
    assert (a.returncode, out_a.strip()) == (0, "added"), err_a
    assert (b.returncode, out_b.strip()) == (0, "added"), err_b
    ws = Workspace.open(path, PASSPHRASE)
    assert [t.name for t in ws.files()] == ["tickets.csv", "invoices.csv"] * 2
    assert ws.load().files == load_files([*jan, *feb]).files


# --------------------------------------------------------------------------- interrupted adds


def test_an_add_that_fails_halfway_leaves_the_workspace_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    ws = create(path)
    ws.add(jan)
    ws.update_settings({"targets": {"csat": 0.9}})
    ws.issue_token()
    before = content(path)
    calls = []
    original = store.insert_table

    def fail_on_second(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:  # February's tickets are written, its invoices are next
            raise RuntimeError("the disk is full")
        original(*args)

    monkeypatch.setattr(store, "insert_table", fail_on_second)
    with pytest.raises(RuntimeError, match="the disk is full"):
        ws.add(feb)
    assert len(calls) == 2
    assert content(path) == before
    monkeypatch.setattr(store, "insert_table", original)
    ws.add(feb)  # and the workspace takes the add afterwards
    assert len(ws.files()) == 4


KILLED_HALFWAY = """
    import os, signal, sys
    from kpi.workspace import Workspace, store
    original = store.insert_table
    calls = []
    def killed(*args):
        calls.append(1)
        if len(calls) == 2:  # one table written in the transaction, then the process dies
            os.kill(os.getpid(), signal.SIGKILL)
        original(*args)
    store.insert_table = killed
    Workspace.open(os.environ["WS"], os.environ["PASS"]).add(os.environ["FILES"].split("|"))
"""


def test_an_add_killed_halfway_leaves_the_workspace_openable_and_unchanged(tmp_path: Path) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    ws = create(path)
    ws.add(jan)
    before = content(path)
    child = _child(KILLED_HALFWAY, WS=str(path), PASS=PASSPHRASE, FILES="|".join(map(str, feb)))
    child.communicate(timeout=120)
    assert child.returncode == -9
    # the lock died with the process; what it wrote uncommitted is not there
    ws = Workspace.open(path, PASSPHRASE, wait=5)
    assert [t.file_id for t in ws.files()] == [1, 2]
    assert content(path) == before
    ws.add(feb)
    assert ws.load().files == load_files([*jan, *feb]).files


def test_the_lock_is_a_sidecar_file(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    create(path)
    assert lock.lock_path(path) == tmp_path / "acme.duckdb.lock"
    assert lock.lock_path(path).exists()
