"""The session's saved workspace (README "Workspaces", SECURITY.md "Saved workspaces"):
create one from what is loaded, open one by name and passphrase, add the files uploaded
after a preview, remove one file's contribution, close it.

While a workspace is open (``AppState.workspace``):

* the dashboards show its files, assembled in the order added, and after them the files
  uploaded and not added yet, read its way and merged in memory only (as ``report
  --workspace PATH INPUT`` does): the Data page previews what adding them will do;
* the Settings (targets, thresholds, currency, rates, CSV format, report date) are read
  from it when it opens and saved to it when they change (:func:`save_settings`, at the
  end of every run);
* the page's address holds its name and a session token (never the passphrase), so that
  a reload of the page, which starts a new session, opens it again
  (:func:`restore`) until the token expires or the workspace is closed.

Nothing is written to disk but on the user's request: creating a workspace, adding or
removing files, changing a setting of an open one, opening one (its session token).
What a session has open lives in its own ``st.session_state`` only (the ``ws_*`` keys
below and ``AppState.workspace``), never in a module global.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

import streamlit as st

from kpi.errors import (
    InvalidTokenError,
    KpiError,
    WorkspaceBusyError,
    WorkspaceError,
    WrongPassphraseError,
)
from kpi.model import FileReport
from kpi.present import fmt
from kpi.workspace import Preview, ReadTable, StoredTable, Workspace
from kpi.workspace import auth as ws_auth
from kpi.workspace.folder import create_named, default_folder, find, find_with_token
from kpi.workspace.folder import workspace_path as path_of
from ui import state
from ui.i18n import t

#: the page address's parameters: the workspace's name and the session token
QP_NAME = "workspace"
QP_TOKEN = "session"

#: session keys: the token (put back in the address after a page switch), the settings
#: as last read from or saved to the workspace, the preview of the files to add, what the
#: Data page is to say next, the tables of the last add, a removal waiting to be confirmed
K_TOKEN = "ws_token"
K_SAVED = "ws_saved"
K_PREVIEW = "ws_preview"
K_NOTICES = "ws_notices"
K_ADDED = "ws_added"
K_REMOVING = "ws_removing"
#: the name of a workspace whose session ended: the Data page asks for its passphrase
K_ASK = "ws_ask"

#: the form widgets' keys (read by the callbacks, then emptied: no passphrase stays in
#: the session)
K_OPEN_NAME = "ws_open_name"
K_OPEN_PASS = "ws_open_pass"
K_NEW_NAME = "ws_new_name"
K_NEW_PASS = "ws_new_pass"
K_NEW_PASS2 = "ws_new_pass2"


@dataclass(frozen=True)
class StagedPreview:
    """What adding the files uploaded would do: the tables read the workspace's way
    (what the add stores), the engine's preview, and which tables cannot be added."""

    version: int
    tables: list[ReadTable]
    preview: Preview

    @property
    def addable(self) -> list[ReadTable]:
        """The tables an add stores: every one recognised (a table not recognised is
        left out, and said so)."""
        return [t for t in self.tables if not t.result.report.error]

    @property
    def held(self) -> list[ReadTable]:
        """Tables read with low confidence: the add waits until they are confirmed."""
        return [t for t in self.tables if t.result.report.held]

    @property
    def left_out(self) -> list[ReadTable]:
        """Tables not recognised: an add leaves them out (the page says so before)."""
        return [t for t in self.tables if t.result.report.error]


# --------------------------------------------------------------------------- access


def current() -> Workspace | None:
    """The workspace open in this session, if any."""
    return state.app_state().workspace


def sidebar_status() -> None:
    """The open workspace's name in the sidebar, on every page; or, after a reload whose
    token was refused, that its session has ended (the Data page asks the passphrase)."""
    lang = state.lang()
    ws = current()
    if ws is not None:
        st.sidebar.caption(t("ws.sidebar", lang, name=fmt.escape_md(ws.name)))
    elif st.session_state.get(K_ASK):
        name = fmt.escape_md(st.session_state[K_ASK])
        st.sidebar.warning(t("ws.session_ended", lang, name=name))


def notices() -> list[tuple[str, str]]:
    """What the Data page is to say (kind: success, error, warning, info; Markdown whose
    names and file names are escaped), once."""
    found: list[tuple[str, str]] = st.session_state.pop(K_NOTICES, [])
    return found


def _say(kind: str, text: str) -> None:
    st.session_state.setdefault(K_NOTICES, []).append((kind, text))


def _error_text(e: KpiError, lang: str) -> str:
    """A workspace error in the user's language where the app knows it."""
    if isinstance(e, WrongPassphraseError):
        return t("ws.wrong", lang)
    if isinstance(e, WorkspaceBusyError):
        return t("ws.busy", lang)
    return t("ws.error", lang, why=fmt.escape_md(str(e)))


# --------------------------------------------------------------------------- settings


def settings_of(app: state.AppState) -> dict[str, Any]:
    """The session's settings as the workspace keeps them (JSON values; None: not set)."""
    values = {
        "targets": app.targets or None,
        "thresholds": app.thresholds or None,
        "currency": app.currency if app.currency_chosen else None,
        "rates": {c: r for c, r in app.rates.items() if r} or None,
        "csv_dialect": app.csv_dialect,
        "as_of": app.as_of.isoformat() if app.as_of else None,
    }
    # JSON's own shapes (a range target's tuple is a list), to compare with what was read
    kept: dict[str, Any] = json.loads(json.dumps(values))
    return kept


def _apply_settings(app: state.AppState, values: dict[str, Any]) -> None:
    """Set the session's settings from a workspace's (what it does not set: the default)."""
    app.targets = {
        k: tuple(v) if isinstance(v, list) else v for k, v in (values.get("targets") or {}).items()
    }
    app.thresholds = dict(values.get("thresholds") or {})
    currency = values.get("currency")
    app.currency = currency or values.get("fallback_currency") or "EUR"
    app.currency_chosen = bool(currency)
    app.rates = {c: dict(r) for c, r in (values.get("rates") or {}).items()}
    app.csv_dialect = values.get("csv_dialect")
    as_of = values.get("as_of")
    app.as_of = date.fromisoformat(as_of) if as_of else None


def save_settings() -> None:
    """Save the session's settings to the open workspace when they changed since they
    were last read or saved (called at the end of every run: a page changes a setting by
    assigning it). A busy workspace keeps them for the next run."""
    app = state.app_state()
    ws = app.workspace
    if ws is None:
        return
    now = settings_of(app)
    saved: dict[str, Any] = st.session_state.get(K_SAVED, {})
    changed = {k: v for k, v in now.items() if saved.get(k) != v}
    if not changed:
        return
    try:
        ws.update_settings(changed)
    except WorkspaceBusyError:
        # not marked saved: tried again at the end of the next run
        st.toast(t("ws.settings_busy", state.lang()))
        return
    st.session_state[K_SAVED] = now


# --------------------------------------------------------------------------- opening


def _opened(ws: Workspace, token: str) -> None:
    """Make ``ws`` the session's data: its settings, its way of reading; the files
    uploaded and not added stay, to add to it (the sample data goes)."""
    app = state.app_state()
    app.workspace = ws
    values = ws.settings()
    _apply_settings(app, values)
    st.session_state[K_SAVED] = settings_of(app)
    app.read_lang, app.tz = ws.options.lang, ws.options.tz
    app.read_lang_chosen = True
    if app.kind != "uploads":
        app.sources, app.overrides = [], {}
        app.kind = "none"
    app.read_cache = {}
    st.session_state[K_TOKEN] = token
    st.session_state.pop(K_ASK, None)
    st.session_state.pop(K_PREVIEW, None)
    st.session_state.pop(K_REMOVING, None)
    _set_address(ws.name, token)
    state.invalidate(app)
    state.reset_filters()


def _set_address(name: str, token: str) -> None:
    if st.query_params.get(QP_NAME) != name or st.query_params.get(QP_TOKEN) != token:
        st.query_params[QP_NAME] = name
        st.query_params[QP_TOKEN] = token


def _forget_passphrases(*keys: str) -> None:
    for key in keys:
        st.session_state[key] = ""


def open_workspace() -> None:
    """The Open button's callback: the name and passphrase typed (then emptied)."""
    lang = state.lang()
    name = str(st.session_state.get(K_OPEN_NAME) or "").strip()
    passphrase = str(st.session_state.get(K_OPEN_PASS) or "")
    _forget_passphrases(K_OPEN_PASS)
    if not name or not passphrase:
        _say("error", t("ws.give_name_pass", lang))
        return
    try:
        path_of(default_folder(), name)
    except WorkspaceError:
        _say("error", t("ws.bad_name", lang))
        return
    try:
        # a wrong passphrase, or a name that does not exist, waits longer each time
        # (kpi.workspace.auth.Throttle) and gives one message for both
        ws = find(default_folder(), name, passphrase)
        token = ws.issue_token()
    except KpiError as e:
        _say("error", _error_text(e, lang))
        return
    _opened(ws, token)
    _say("success", t("ws.opened", lang, name=fmt.escape_md(ws.name)))


def create_workspace() -> None:
    """The Create button's callback: a new workspace with the name and passphrase typed
    (twice), holding the session's settings and the files uploaded (the sample data is
    not put in a workspace)."""
    lang = state.lang()
    app = state.app_state()
    name = str(st.session_state.get(K_NEW_NAME) or "").strip()
    first = str(st.session_state.get(K_NEW_PASS) or "")
    again = str(st.session_state.get(K_NEW_PASS2) or "")
    _forget_passphrases(K_NEW_PASS, K_NEW_PASS2)
    folder = default_folder()
    try:
        path = path_of(folder, name)
    except WorkspaceError:
        _say("error", t("ws.bad_name", lang))
        return
    if first != again:
        _say("error", t("ws.pass_differ", lang))
        return
    if len(first) < ws_auth.MIN_PASSPHRASE:
        _say("error", t("ws.pass_short", lang, n=ws_auth.MIN_PASSPHRASE))
        return
    if path.exists():
        _say("error", t("ws.taken", lang))
        return
    settings = settings_of(app)
    try:
        ws = create_named(folder, name, first, lang=app.read_lang, tz=app.tz)
        ws.update_settings({k: v for k, v in settings.items() if v is not None})
        token = ws.issue_token()
    except KpiError as e:
        _say("error", _error_text(e, lang))
        return
    _opened(ws, token)
    _say("success", t("ws.created", lang, name=fmt.escape_md(ws.name)))
    if app.sources:
        add_staged()


def restore() -> None:
    """At the start of every run: the workspace named in the page's address opened with
    its session token (a reload starts a new session), or, when this session has one
    open, its name and token put back in the address (a page switch empties it). A token
    expired or revoked opens nothing: the Data page asks for the passphrase."""
    app = state.app_state()
    ws = app.workspace
    if ws is not None:
        _set_address(ws.name, st.session_state.get(K_TOKEN, ""))
        return
    name = st.query_params.get(QP_NAME)
    token = st.query_params.get(QP_TOKEN)
    if not name or not token:
        return
    del st.query_params[QP_TOKEN]  # tried once: a refused token is not tried again
    try:
        opened = find_with_token(default_folder(), name, token)
    except KpiError as e:
        # expired or revoked (InvalidTokenError); or busy, or saved by a newer version:
        # said on the Data page, which asks for the passphrase
        del st.query_params[QP_NAME]
        st.session_state[K_ASK] = name
        if not isinstance(e, InvalidTokenError):
            _say("error", _error_text(e, state.lang()))
        return
    _opened(opened, token)


# --------------------------------------------------------------------------- adding


def staged_preview() -> StagedPreview | None:
    """What adding the files uploaded would do (None: no workspace open, or nothing to
    add); read and compared once per version of the session's data."""
    app = state.app_state()
    ws = app.workspace
    if ws is None or not app.sources:
        return None
    kept = st.session_state.get(K_PREVIEW)
    if isinstance(kept, StagedPreview) and kept.version == app.version:
        return kept
    inputs = [(s.name, s.data) for s in app.sources if s.name not in app.errors]
    tables = ws.read(inputs, presets=app.presets, overrides=app.overrides)
    found = StagedPreview(app.version, tables, ws.preview(tables))
    st.session_state[K_PREVIEW] = found
    return found


def add_staged() -> None:
    """The Add button's callback: the files uploaded, as previewed, stored in the
    workspace in one transaction; they then leave the uploads (they are its files)."""
    lang = state.lang()
    app = state.app_state()
    ws = app.workspace
    if ws is None:
        return
    staged = staged_preview()
    if staged is None:
        return
    if staged.held:
        _say("warning", t("ws.add_held", lang, n=len(staged.held)))
        return
    try:
        added = ws.add_tables(staged.addable, lang) if staged.addable else None
    except KpiError as e:
        _say("error", _error_text(e, lang))
        return
    app.sources, app.overrides, app.read_cache = [], {}, {}
    app.kind = "none"
    st.session_state.pop(K_PREVIEW, None)
    state.invalidate(app)
    state.reset_filters()
    if added is not None:
        st.session_state[K_ADDED] = [s.table_id for s in added.tables]
        _say("success", t("ws.added", lang, n=len(added.file_ids), name=fmt.escape_md(ws.name)))
    for table in staged.left_out:
        rep = table.result.report
        where = f"{rep.file} [{rep.sheet}]" if rep.sheet else rep.file
        _say("warning", t("ws.left_out", lang, file=fmt.escape_md(where)))


def discard_staged() -> None:
    """The Discard button's callback: the files uploaded and not added are dropped."""
    app = state.app_state()
    app.sources, app.overrides, app.read_cache = [], {}, {}
    app.kind = "none"
    st.session_state.pop(K_PREVIEW, None)
    state.invalidate(app)
    state.reset_filters()


def last_added() -> list[int]:
    """The table ids of the last add (the Data page shows their counts once merged)."""
    found: list[int] = st.session_state.get(K_ADDED, [])
    return found


# --------------------------------------------------------------------------- files


def stored_files() -> tuple[list[StoredTable], list[FileReport]]:
    """The workspace's tables in the order added, and their counts once merged with the
    workspace's other files (not with the uploads not added yet: those are the
    preview's), once per version of the data."""
    app = state.app_state()
    ws = app.workspace
    if ws is None:
        return [], []

    def read() -> tuple[list[StoredTable], list[FileReport]]:
        if app.sources:
            info = ws.info()
            return info.tables, info.data.files
        stored = ws.files()
        # the session's data is the workspace's alone: its tables come first
        return stored, state.loaded_data().files[: len(stored)]

    found: tuple[list[StoredTable], list[FileReport]] = app.shown.remember(
        ("ws_files", app.version), read
    )
    return found


def ask_remove(file_id: int | None) -> None:
    """A removal waiting to be confirmed (None: cancelled)."""
    if file_id is None:
        st.session_state.pop(K_REMOVING, None)
    else:
        st.session_state[K_REMOVING] = file_id


def removing() -> int | None:
    found = st.session_state.get(K_REMOVING)
    return found if isinstance(found, int) else None


def remove_file(file_id: int, name: str) -> None:
    """The confirmed removal's callback: one file's contribution (every table of it)."""
    lang = state.lang()
    app = state.app_state()
    ws = app.workspace
    st.session_state.pop(K_REMOVING, None)
    if ws is None:
        return
    try:
        ws.remove(file_id)
    except KpiError as e:
        _say("error", _error_text(e, lang))
        return
    st.session_state.pop(K_PREVIEW, None)
    st.session_state.pop(K_ADDED, None)
    state.invalidate(app)
    state.reset_filters()
    _say("success", t("ws.removed", lang, file=fmt.escape_md(name)))


# --------------------------------------------------------------------------- closing


def close_workspace() -> None:
    """The Close button's callback: the session token revoked, the address emptied, the
    settings back to their defaults; the session shows the files uploaded and not added,
    else the sample data."""
    lang = state.lang()
    app = state.app_state()
    ws = app.workspace
    if ws is None:
        return
    name = ws.name
    save_settings()
    try:
        ws.close(revoke=True)
    except KpiError as e:
        _say("error", _error_text(e, lang))
        return
    app.workspace = None
    for key in (K_TOKEN, K_SAVED, K_PREVIEW, K_ADDED, K_REMOVING):
        st.session_state.pop(key, None)
    for key in (QP_NAME, QP_TOKEN):
        if key in st.query_params:
            del st.query_params[key]
    _apply_settings(app, {})
    app.read_lang_chosen = False
    app.read_cache = {}
    if app.sources:
        app.kind = "uploads"
        state.invalidate(app)
        state.reset_filters()
    else:
        state.use_sample()
    _say("info", t("ws.closed", lang, name=fmt.escape_md(name)))


def revoke_other_sessions() -> None:
    """Every session token of the workspace revoked (every other browser, every address
    copied), and a new one for this session."""
    lang = state.lang()
    ws = current()
    if ws is None:
        return
    try:
        ws.revoke_tokens()
        token = ws.issue_token()
    except KpiError as e:
        _say("error", _error_text(e, lang))
        return
    st.session_state[K_TOKEN] = token
    _set_address(ws.name, token)
    _say("success", t("ws.revoked", lang))
