"""A saved workspace: the files an MSP added month after month, its mapping fixes, its
settings, in one DuckDB file opened with a passphrase (:class:`Workspace`).

Every call opens the file, does its work and closes it again (no connection is kept
between calls), under the workspace's lock (:mod:`kpi.workspace.lock`): reads share it,
writes (an add, a removal, settings, tokens) take it alone and are one transaction each,
so an add that fails or is killed halfway leaves the workspace as it was.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import duckdb

from kpi.errors import (
    InvalidTokenError,
    UnrecognisedDatasetError,
    WorkspaceError,
    WrongPassphraseError,
)
from kpi.load import LoadOptions, Override, assemble
from kpi.load.presets import Preset
from kpi.load.reasons import held_message
from kpi.model import LoadedData
from kpi.workspace import auth, codec, store
from kpi.workspace.changes import Preview, compare, fresh
from kpi.workspace.lock import LOCK_WAIT, locked
from kpi.workspace.reading import Input, ReadTable, learned_from, read_tables
from kpi.workspace.store import StoredTable

T = TypeVar("T")

#: how long a session token lasts unless the caller says otherwise
TOKEN_TTL = timedelta(hours=12)

#: the settings a workspace keeps (JSON values) and their types; None removes one.
#: ``targets``: KPI id -> target (:attr:`kpi.report.ReportOptions.targets`);
#: ``thresholds``: alert rule -> threshold; ``currency``: the report currency chosen
#: (absent: automatic); ``fallback_currency``: the currency when the data names none;
#: ``rates``: report currency -> {currency: value of one unit}; ``csv_dialect``: the
#: app's CSV downloads; ``as_of``: a report date chosen (ISO date); ``msp_name``: the
#: MSP's own name, on the client report's cover.
SETTINGS: dict[str, type] = {
    "targets": dict,
    "thresholds": dict,
    "currency": str,
    "fallback_currency": str,
    "rates": dict,
    "csv_dialect": str,
    "as_of": str,
    "msp_name": str,
}


@dataclass(frozen=True)
class AddResult:
    """What an add stored: the ids of its files (what :meth:`Workspace.remove` takes)
    and its tables, as listed by :meth:`Workspace.files`."""

    file_ids: list[int]
    tables: list[StoredTable]


@dataclass(frozen=True)
class LearnedMapping:
    """A choice the workspace learned for a header signature, applied to every table
    added later with the same headers (see :mod:`kpi.workspace.reading`)."""

    signature: str
    override: Override
    headers: list[str]
    learned_from: str
    learned_at: datetime


@dataclass(frozen=True)
class Info:
    """A workspace described: its tables (in the order added) with their counts after
    merging (``data.files[i]`` is ``tables[i]``'s), and the assembled data (rows per
    dataset: ``data.rows(name)``; dates: ``data.summary[name].span``)."""

    path: Path
    format_version: int
    created_at: str
    lang: str
    tz: str
    tables: list[StoredTable]
    data: LoadedData


class Workspace:
    """A saved workspace, open. Make one with :meth:`create`, :meth:`open`,
    :meth:`open_with_token` or, by name in a folder, :func:`kpi.workspace.find`.

    Attributes:
        path: the workspace file.
        options: how its files are read (language and time zone, chosen at creation:
            the tables keep what they were read as, so every file is read the same way).
    """

    def __init__(self, path: Path, meta: Mapping[str, str], wait: float, token: str | None):
        self.path = path
        self.options = LoadOptions(lang=meta.get("read_lang", "en"), tz=meta.get("tz", "UTC"))
        self.format_version = int(meta["format_version"])
        self.created_at = meta.get("created_at", "")
        self.wait = wait
        self._tokens: set[str] = {auth.token_hash(token)} if token else set()
        self._closed = False

    @property
    def name(self) -> str:
        """The workspace's name: its file name without ``.duckdb``."""
        return self.path.stem

    # ----------------------------------------------------------------------- opening

    @classmethod
    def create(
        cls,
        path: str | Path,
        passphrase: str,
        *,
        lang: str = "en",
        tz: str = "UTC",
        kdf: auth.Scrypt | None = None,
        block_size: int | None = None,
        wait: float = LOCK_WAIT,
    ) -> Workspace:
        """Create an empty workspace at ``path`` (its folder is created too).

        Args:
            passphrase: at least :data:`kpi.workspace.auth.MIN_PASSPHRASE` characters;
                only its scrypt hash is stored.
            lang, tz: how its files are read: the reading language of ambiguous dates and
                numbers (``en``, ``es``) and the report time zone. They stay: the tables
                keep what they were read as.
            kdf: scrypt's parameters (default :class:`kpi.workspace.auth.Scrypt`).
            block_size: DuckDB's block size in bytes (a small file for a small fixture).

        Raises:
            WorkspaceError: the file exists, or a passphrase, language or zone not allowed.
        """
        path = Path(path)
        _check_new(passphrase, lang, tz)
        secret = auth.new_secret(passphrase, kdf or auth.Scrypt())
        meta = {"secret": codec.dumps(secret), "read_lang": lang, "tz": tz}
        if not path.parent.exists():
            path.parent.mkdir(parents=True, mode=0o700)
        with locked(path, exclusive=True, wait=wait):
            if path.exists():
                raise WorkspaceError(f"{path.name}: a workspace with this name already exists")
            try:
                con = store.connect(path, write=True, block_size=block_size)
                try:
                    con.execute("BEGIN")
                    store.create_schema(con, meta)
                    con.execute("COMMIT")
                finally:
                    con.close()
                os.chmod(path, 0o600)
            except BaseException:
                path.unlink(missing_ok=True)
                raise
        return cls(path, {**meta, "format_version": str(store.FORMAT_VERSION)}, wait, None)

    @classmethod
    def open(
        cls,
        path: str | Path,
        passphrase: str,
        *,
        throttle: auth.Throttle | None = None,
        wait: float = LOCK_WAIT,
        message: str | None = None,
    ) -> Workspace:
        """Open the workspace at ``path`` with its passphrase.

        A try after wrong ones first waits (:class:`kpi.workspace.auth.Throttle`).

        Raises:
            WrongPassphraseError: the passphrase does not open it (``message``, else
                ``NAME: wrong passphrase``).
            WorkspaceError: no workspace there, or one of a newer format.
        """
        path = Path(path)
        throttle = throttle or auth.Throttle()
        if not path.is_file():
            raise WorkspaceError(f"{path}: no workspace there")
        _wait_turn(path.parent, path.name, throttle)
        meta = _read_meta(path, wait)
        if not auth.verify(passphrase, _secret(meta)):
            auth.record_failure(path.parent, path.name, throttle)
            raise WrongPassphraseError(message or f"{path.name}: wrong passphrase")
        auth.clear_failures(path.parent, path.name)
        return cls(path, _up_to_date(path, meta, wait), wait, None)

    @classmethod
    def open_with_token(cls, path: str | Path, token: str, *, wait: float = LOCK_WAIT) -> Workspace:
        """Open the workspace at ``path`` with a session token it issued
        (:meth:`issue_token`) that has not expired nor been revoked.

        Raises:
            InvalidTokenError: no such workspace, or the token is unknown, expired or
                revoked.
        """
        path = Path(path)
        expired = InvalidTokenError(
            "the session has ended (expired or closed): open the workspace with its passphrase"
        )
        if not path.is_file() or not token:
            raise expired
        digest = auth.token_hash(token)

        def check(con: duckdb.DuckDBPyConnection) -> tuple[dict[str, str], Any]:
            row = con.execute(
                "SELECT expires_at FROM tokens WHERE token_hash = ?", [digest]
            ).fetchone()
            return store.read_meta(con, path), row

        meta, row = _reading(path, wait, check)
        if row is None or row[0] <= store.now():
            raise expired
        return cls(path, _up_to_date(path, meta, wait), wait, token)

    # ----------------------------------------------------------------------- reading files

    def read(
        self,
        inputs: Iterable[Input],
        *,
        presets: Sequence[Preset] = (),
        overrides: Mapping[tuple[str, str | None], Override] | None = None,
        keep_raw: bool = False,
    ) -> list[ReadTable]:
        """Read files the way this workspace reads them: its language and time zone, the
        presets given, the choices made by hand (``overrides``, by file and sheet) and,
        for the other tables, the choices it learned for their headers. Nothing is
        stored: give the result to :meth:`preview` and :meth:`add_tables`, or to
        :meth:`load` as ``extra``.

        Raises:
            UnreadableFileError: a file that cannot be read as a table at all.
        """
        learned = {m.signature: m.override for m in self.mappings()}
        options = LoadOptions(self.options.lang, self.options.tz, list(presets))
        return read_tables(inputs, options, overrides, learned, keep_raw=keep_raw)

    def preview(self, tables: Sequence[ReadTable]) -> Preview:
        """What adding ``tables`` would do, per dataset (rows before and after, updated,
        duplicates kept once) and per table (its counts once merged with the
        workspace's files; :attr:`Preview.refused`: the tables an add refuses)."""
        old = self._reading(store.load_results)
        return compare(old, [t.result for t in tables], self.options)

    def add(
        self,
        inputs: Iterable[Input],
        *,
        presets: Sequence[Preset] = (),
        overrides: Mapping[tuple[str, str | None], Override] | None = None,
    ) -> AddResult:
        """Read files (:meth:`read`) and add them (:meth:`add_tables`)."""
        return self.add_tables(self.read(inputs, presets=presets, overrides=overrides))

    def add_tables(self, tables: Sequence[ReadTable], lang: str = "en") -> AddResult:
        """Store tables read, after the workspace's, in one transaction, and learn the
        choices made for them (by header signature). All or nothing: a table that cannot
        be added stops the add before anything is written.

        Raises:
            UnrecognisedDatasetError: a table not recognised, or read with low confidence
                and not confirmed (the message, in ``lang``, says how to confirm it).
            WorkspaceBusyError: another add held the workspace for too long.
        """
        for t in tables:
            rep = t.result.report
            where = f"{rep.file} [{rep.sheet}]" if rep.sheet else rep.file
            if rep.error:
                raise UnrecognisedDatasetError(where, rep.error)
            if rep.held and rep.dataset:
                why = held_message(rep.dataset, rep.evidence, lang, columns=rep.mapping)
                raise UnrecognisedDatasetError(where, why)
            if t.result.table is None:
                raise WorkspaceError(f"{where}: its rows were let go; read the file again")

        def write(con: duckdb.DuckDBPyConnection) -> AddResult:
            table_id, file_id = store.next_ids(con)
            added_at = store.now()
            ids: list[int] = []
            previous: tuple[int | None, str] | None = None
            for t in tables:
                # the tables of one file (the sheets of a workbook) share its id
                source = (t.source, t.result.report.file)
                if previous is not None and source != previous:
                    file_id += 1
                if not ids or ids[-1] != file_id:
                    ids.append(file_id)
                previous = source
                store.insert_table(con, table_id, file_id, added_at, t)
                table_id += 1
                learned = learned_from(t)
                if learned is not None:
                    store.learn(con, t, codec.override_json(learned))
            added = [s for s in store.stored_tables(con) if s.file_id in ids]
            return AddResult(ids, added)

        return self._writing(write)

    # ----------------------------------------------------------------------- what it holds

    def files(self) -> list[StoredTable]:
        """Every table added, in the order added (the sheets of a workbook share their
        file's ``file_id``)."""
        return self._reading(store.stored_tables)

    def remove(self, file_id: int) -> None:
        """Remove one file's contribution (every table of it), in one transaction; the
        numbers become those of the other files loaded together. The mappings it taught
        stay (:meth:`forget_mapping` forgets one).

        Raises:
            WorkspaceError: no file with that id.
        """

        def write(con: duckdb.DuckDBPyConnection) -> None:
            if store.delete_file(con, file_id) == 0:
                raise WorkspaceError(f"the workspace has no file {file_id}")

        self._writing(write)

    def load(self, extra: Sequence[ReadTable] = ()) -> LoadedData:
        """The workspace's data: its tables assembled in the order added, then ``extra``
        (tables read and not stored: the command line's inputs given with
        ``--workspace``), under the load stage's rules for files loaded together."""
        results = fresh(self._reading(store.load_results))
        return assemble([*results, *(t.result for t in extra)], self.options)

    def info(self) -> Info:
        """The workspace described (:class:`Info`): its tables and the assembled data."""

        def read(con: duckdb.DuckDBPyConnection) -> tuple[list[StoredTable], list[Any]]:
            return store.stored_tables(con), store.load_results(con)

        tables, results = self._reading(read)
        data = assemble(results, self.options)
        return Info(
            self.path,
            self.format_version,
            self.created_at,
            self.options.lang,
            self.options.tz,
            tables,
            data,
        )

    # ----------------------------------------------------------------------- settings

    def settings(self) -> dict[str, Any]:
        """The workspace's settings (see :data:`SETTINGS`)."""
        return self._reading(store.settings)

    def update_settings(self, values: Mapping[str, Any]) -> None:
        """Set some settings (None removes one), in one transaction.

        Raises:
            WorkspaceError: an unknown setting or a value of the wrong type.
        """
        for key, value in values.items():
            kind = SETTINGS.get(key)
            if kind is None:
                raise WorkspaceError(f"unknown setting {key!r}; known: {', '.join(SETTINGS)}")
            if value is not None and not isinstance(value, kind):
                raise WorkspaceError(f"setting {key} must be a {kind.__name__}")
        self._writing(lambda con: store.put_settings(con, dict(values)))

    def mappings(self) -> list[LearnedMapping]:
        """The choices learned, by header signature."""
        rows = self._reading(store.learned)
        return [
            LearnedMapping(sig, codec.override_from_json(ov), codec.json_list(headers), name, at)
            for sig, (ov, headers, name, at) in sorted(rows.items(), key=lambda kv: kv[1][3])
        ]

    def forget_mapping(self, signature: str) -> None:
        """Forget the choice learned for a header signature (the next file with those
        headers is mapped automatically)."""
        self._writing(lambda con: store.forget(con, [signature]))

    # ----------------------------------------------------------------------- tokens

    def issue_token(self, ttl: timedelta = TOKEN_TTL) -> str:
        """A session token that opens this workspace (:meth:`open_with_token`) until it
        expires, :meth:`close` revokes it or :meth:`revoke_tokens` revokes them all. Only
        its SHA-256 and expiry are stored. Expired tokens are dropped."""
        token = auth.new_token()
        digest = auth.token_hash(token)
        issued = store.now()

        def write(con: duckdb.DuckDBPyConnection) -> None:
            con.execute("DELETE FROM tokens WHERE expires_at <= ?", [issued])
            con.execute("INSERT INTO tokens VALUES (?, ?, ?)", [digest, issued, issued + ttl])

        self._writing(write)
        self._tokens.add(digest)
        return token

    def revoke_tokens(self) -> None:
        """Revoke every session token of the workspace (every browser signed out)."""
        self._writing(lambda con: con.execute("DELETE FROM tokens"))
        self._tokens.clear()

    def close(self, *, revoke: bool = True) -> None:
        """Close the workspace; ``revoke``: the session tokens issued by this object, or
        that it was opened with, stop working."""
        if self._closed:
            return
        if revoke and self._tokens:
            digests = sorted(self._tokens)
            self._writing(
                lambda con: con.executemany(
                    "DELETE FROM tokens WHERE token_hash = ?", [[d] for d in digests]
                )
            )
            self._tokens.clear()
        self._closed = True

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------------- access

    def _reading(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        self._check_open()
        return _reading(self.path, self.wait, fn)

    def _writing(self, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        self._check_open()
        return _writing(self.path, self.wait, fn)

    def _check_open(self) -> None:
        if self._closed:
            raise WorkspaceError(f"{self.path.name}: the workspace is closed")


# --------------------------------------------------------------------------- helpers


def _reading(path: Path, wait: float, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``fn`` on a read-only connection, the workspace's lock shared."""
    with locked(path, exclusive=False, wait=wait), _connection(path, write=False) as con:
        return fn(con)


def _writing(path: Path, wait: float, fn: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """``fn`` in one transaction, the workspace's lock held alone: committed when it
    returns, rolled back when it raises."""
    with locked(path, exclusive=True, wait=wait), _connection(path, write=True) as con:
        con.execute("BEGIN")
        try:
            out = fn(con)
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        return out


@contextlib.contextmanager
def _connection(path: Path, *, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
    con = store.connect(path, write=write)
    try:
        yield con
    finally:
        con.close()


def _read_meta(path: Path, wait: float) -> dict[str, str]:
    return _reading(path, wait, lambda con: store.read_meta(con, path))


def _secret(meta: Mapping[str, str]) -> dict[str, Any]:
    secret: dict[str, Any] = codec.json_dict(meta.get("secret", "{}"))
    return secret


def _up_to_date(path: Path, meta: dict[str, str], wait: float) -> dict[str, str]:
    """The meta of a workspace this version reads, migrated when it is older.

    Raises:
        WorkspaceError: a workspace of a newer format than this version knows.
    """
    version = int(meta["format_version"])
    if version > store.FORMAT_VERSION:
        raise WorkspaceError(
            f"{path.name} was saved by a newer version of the app (workspace format "
            f"{version}; this version reads up to {store.FORMAT_VERSION}): update the app"
        )
    if version < store.FORMAT_VERSION:
        _writing(path, wait, lambda con: store.migrate(con, version))
        meta = _read_meta(path, wait)
    return meta


def _wait_turn(folder: Path, name: str, throttle: auth.Throttle) -> None:
    """Wait as long as the wrong tries counted for ``name`` ask."""
    delay = throttle.delay(auth.failures(folder, name, throttle))
    if delay > 0:
        throttle.sleep(delay)


def _check_new(passphrase: str, lang: str, tz: str) -> None:
    if len(passphrase) < auth.MIN_PASSPHRASE:
        raise WorkspaceError(
            f"a workspace passphrase has at least {auth.MIN_PASSPHRASE} characters"
        )
    if lang not in ("en", "es"):
        raise WorkspaceError(f"reading language {lang!r}: use en or es")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise WorkspaceError(f"{tz}: unknown time zone (e.g. Europe/Madrid)") from e
