"""Per-session state: the files, the loaded data, the engine, settings and filters.

Everything a visitor loads lives in ``st.session_state`` only: never in module globals
or ``st.cache_resource``, which every visitor shares. Uploaded bytes are copied into
the session once; each file is read once per (reading options, mapping) and the
typed tables are kept so that fixing one file's mapping re-reads only that file.

The :class:`AppState` object holds what is not a widget value. Filters live under the
``f_*`` keys: the client and technician multiselects are their own keys; period and
comparison are plain keys fed by one select per language (:func:`widget_key`). The
sidebar is drawn on every page, so the filters persist across pages.

A session has two caches, both bounded and both forgotten with its data:

* the engine's results (``engine().results``, a :class:`kpi.report.ResultCache`): the
  reports, alerts, explanations, availability and breakdowns of the filters shown, under
  their options (:func:`reports`, :func:`_remember`), and the engine's own cubes;
* the rendered pieces (``app_state().shown``, a :class:`RenderCache`): what the pages
  make from those results to show them (where each KPI's rows are in a report, wide
  tables, formatted cell texts, the problems table, the sidebar's names).

The sessions on the sample as shipped share both with each other (public data, the same
for everyone: :class:`SharedSample`, :func:`shares_sample`); any other session's are its
own.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import streamlit as st

from kpi import LoadedData, LoadOptions, Override, Preset
from kpi.errors import UnreadableFileError
from kpi.load import TableResult, assemble, expand_inputs, read_file
from kpi.query.money import Found, MoneyOptions, found_in, plan
from kpi.report.cache import ResultCache
from ui import periods

if TYPE_CHECKING:
    from kpi.report import Engine, ReportOptions
    from kpi.workspace import Workspace

SAMPLE_DIR = Path(__file__).resolve().parent.parent / "sample_data"
_STATE_KEY = "app_state"

#: sidebar widget keys (the filters' single source of truth)
K_CLIENTS = "f_clients"
K_TECHS = "f_techs"
K_PERIOD = "f_period"
K_RANGE = "f_range"
K_COMPARE = "f_compare"
K_LANG = "lang"

COMPARES = ("none", "previous", "year")
#: the cards show their change against the previous period unless the user says otherwise
DEFAULT_COMPARE = "previous"


def widget_key(name: str, lang: str) -> str:
    """The key of the ``lang`` widget of a translated select kept under ``name``
    (see :func:`ui.sidebar.translated_select`): ``f_period`` -> ``f_period.es``."""
    return f"{name}.{lang}"


#: rendered pieces kept per session (:class:`RenderCache`): a page makes about ten (a
#: few per report it shows), so this holds the last few filter states and pages
RENDERED_KEPT = 64
#: rows kept in all: those of the reports whose pieces are kept (each entry holds its
#: report) and of the problems table
RENDERED_KEPT_ROWS = 1_000_000
#: entries kept in the caches the sample's sessions share (:class:`SharedSample`): ten
#: sessions on as many filter states and pages at once would push each other's entries
#: out of a session's :data:`RENDERED_KEPT`; the sample's reports are small (a few
#: thousand rows), and the row bounds still hold
SHARED_KEPT = 256
#: rows kept per table for the mapping editor's preview
PREVIEW_ROWS = 5
#: files at least this big are kept compressed once read (:meth:`Source.pack`)
PACK_MIN_BYTES = 8 * 2**20
PACK_CODEC = "zstd"
#: a read table with at least this many rows is not kept after assembly (the file is
#: read again when its reading choices, or another file's, change), and loaded data of
#: at least this many rows is not kept once the engine holds it: either would double
#: the session's memory
KEEP_READ_MAX_ROWS = 100_000


class Source:
    """One file of the session: its name and bytes, copied once from the upload.

    The bytes are kept to read the file again when its reading choices change. A big
    file is packed with zstd once it has been read (:meth:`pack`, off the script run):
    a 280 MB ticket export then holds ~45 MB of the server's memory, and unpacking it
    for the next read takes ~0.4 s.
    """

    __slots__ = ("_data", "_packed", "name", "size", "uid")

    def __init__(self, name: str, data: bytes, uid: str | None = None) -> None:
        self.name = name
        self.size = len(data)
        self.uid = uid or uuid.uuid4().hex
        self._data: bytes | None = data
        self._packed: bytes | None = None

    @property
    def data(self) -> bytes:
        """The file's bytes (unpacked when packed)."""
        data = self._data
        if data is not None:
            return data
        assert self._packed is not None
        return pa.decompress(
            self._packed, decompressed_size=self.size, codec=PACK_CODEC, asbytes=True
        )

    @property
    def packed(self) -> bool:
        return self._data is None

    def pack(self) -> None:
        """Keep the bytes compressed (no-op for small files or when already packed)."""
        data = self._data
        if data is None or self.size < PACK_MIN_BYTES or not pa.Codec.is_available(PACK_CODEC):
            return
        self._packed = pa.compress(data, codec=PACK_CODEC, asbytes=True)
        self._data = None


class RenderCache(ResultCache):
    """The session's one cache of rendered pieces: what the pages make from the engine's
    results to show them, kept so that a rerun (any widget, a filter changed back) makes
    nothing again.

    It holds, per report a page shows (:meth:`of_frame`), where each KPI's rows are, which
    rows are monthly, its wide tables and the texts of its formatted cells
    (:mod:`ui.kpiview`); and the problems table, the problem counts and the sidebar's
    client and technician names. At most :data:`RENDERED_KEPT` entries and
    :data:`RENDERED_KEPT_ROWS` rows, the least recently used going first; a new one when
    the data, the currency or the rates change. Kept in the session's :class:`AppState`,
    never on a library object (a frame, a chart) nor in a module global; the sessions on
    the sample as shipped share the :class:`SharedSample`'s (``entries``:
    :data:`SHARED_KEPT`).
    """

    def __init__(self, entries: int = RENDERED_KEPT) -> None:
        super().__init__(entries, RENDERED_KEPT_ROWS)

    def of_frame(self, frame: pd.DataFrame) -> dict[str, Any]:
        """The pieces made from ``frame`` so far, by name (fill it in place).

        Kept under the frame's identity: a report is not changed once made, and the
        entry holds the frame, so no other frame can have its ``id`` while the entry is
        kept. A copy or a slice of a frame is another frame, with pieces of its own.
        """
        key = ("frame", id(frame))
        found = self.get(key)
        if found is not None and found[0] is frame:
            pieces: dict[str, Any] = found[1]
            return pieces
        pieces = {}
        self.put(key, (frame, pieces), rows=len(frame))
        return pieces


@dataclass
class TableView:
    """What the Data page shows for one table: headers, a preview, the read result."""

    source: Source
    sheet: str | None
    headers: list[str]
    preview: pd.DataFrame
    result: TableResult
    #: False once the typed table was let go after assembly (see KEEP_READ_MAX_ROWS)
    kept: bool = True


@dataclass
class AppState:
    """The session's files, reading choices, settings and caches."""

    sources: list[Source] = field(default_factory=list)
    #: "sample", "uploads" or "none"
    kind: str = "none"
    overrides: dict[tuple[str, str | None], Override] = field(default_factory=dict)
    presets: list[Preset] = field(default_factory=list)
    #: how ambiguous numbers and dates are read (docs/DETAILS.md 32): the sample like the
    #: CLI's default (en); uploads in the UI language at upload time, unless chosen
    read_lang: str = "en"
    read_lang_chosen: bool = False
    tz: str = "UTC"
    #: the report currency when the user chose one (``currency_chosen``), else the one
    #: used when the data has several currencies or none (kpi.query.money)
    currency: str = "EUR"
    currency_chosen: bool = False
    #: the user's exchange rates: report currency -> currency -> the value of one unit
    #: of it in the report currency (kept per report currency: a rate means nothing for
    #: another one)
    rates: dict[str, dict[str, float]] = field(default_factory=dict)
    #: CSV dialect chosen in Settings ("comma", "semicolon"); None follows the language
    csv_dialect: str | None = None
    as_of: date | None = None
    targets: dict[str, Any] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=dict)
    #: the MSP's own name and logo (PNG, JPEG or SVG bytes), on the client report's cover
    msp_name: str = ""
    msp_logo: bytes | None = None
    #: bumped whenever the loaded data changes (cache keys, filter resets)
    version: int = 0
    #: file name -> why it could not be read
    errors: dict[str, str] = field(default_factory=dict)
    # made from the above: each file's reads (to read again only what changed), the
    # loaded data, the engine (with the session's cache of results, ``engine.results``)
    # and the cache of rendered pieces
    views: list[TableView] = field(default_factory=list)
    read_cache: dict[str, list[TableView]] = field(default_factory=dict)
    data: LoadedData | None = None
    engine: Engine | None = None
    shown: RenderCache = field(default_factory=RenderCache)
    #: the saved workspace open in this session (ui/workspace.py): its files are the
    #: data, and ``sources`` are the files uploaded to add to it, read its way
    workspace: Workspace | None = None


# --------------------------------------------------------------------------- access


def app_state() -> AppState:
    """The session's :class:`AppState`, created with the sample files on first use."""
    state = st.session_state.get(_STATE_KEY)
    if state is None:
        state = AppState()
        state.sources = sample_sources()
        state.kind = "sample" if state.sources else "none"
        st.session_state[_STATE_KEY] = state
    return state


def sample_sources() -> list[Source]:
    """The built-in sample files (empty when the folder holds none): the shared ones
    (:func:`shared_sample`), so that their reads are shared too."""
    shared = shared_sample()
    return list(shared.sources) if shared is not None else []


@dataclass(frozen=True)
class SharedSample:
    """The built-in sample, read, typed and assembled once per server process and shared
    read-only by every session that shows it (issue 23: ten sessions each reading it
    took a median 42 s to open).

    It is public data, the same for everyone: no user's data is ever put here (uploads
    stay in their session's :class:`AppState`). Nothing in it is changed after it is
    made: Arrow tables are immutable, a session reads the typed tables (``reads``) and
    gets its own copy of the assembled data's containers (:meth:`session_data`), and
    each session's engine has its own DuckDB connection over the shared Arrow tables
    (registered without a copy). A session that reads the sample otherwise (another
    reading language or time zone, a preset, a mapping changed) reads those files
    itself, as it reads uploads; the files it did not change still come from here.

    The sessions on the sample as shipped, with the default money options, also share
    what is computed and rendered from it (:func:`shares_sample`): the engine's results
    and the rendered pieces. What they hold depends only on the options in their keys
    (and on the frames they were made from, themselves shared results); a session that
    leaves the sample, or changes its money options, gets caches of its own and never
    empties these.
    """

    sources: tuple[Source, ...]
    #: read key (:func:`_read_key`, with the default reading options) -> the file's reads
    reads: dict[str, list[TableView]]
    data: LoadedData
    #: the engine results of the sample as shipped with the default money options,
    #: shared by those sessions' engines (:func:`engine`): their reports, alerts and cubes
    #: are the same for everyone (the options asked are in each key). An engine whose
    #: money options change gets a cache of its own (``Engine.set_money``)
    results: ResultCache = field(default_factory=lambda: ResultCache(SHARED_KEPT))
    #: the rendered pieces (:class:`RenderCache`) of those sessions: the wide tables, the
    #: formatted texts, where each KPI's rows are in a shared report, the sidebar's names,
    #: the problems table (issue 23: each session made them again for the same reports)
    shown: RenderCache = field(default_factory=lambda: RenderCache(SHARED_KEPT))

    def holds(self, data: LoadedData) -> bool:
        """True when ``data`` is this sample as shipped (:meth:`session_data`)."""
        mine = self.data.tables
        return data.tables.keys() == mine.keys() and all(
            data.tables[n] is t for n, t in mine.items()
        )

    def session_data(self) -> LoadedData:
        """The assembled sample for one session: the same tables and problems, in
        containers of its own."""
        d = self.data
        return dataclasses.replace(
            d, tables=dict(d.tables), present=dict(d.present),
            files=[copy.copy(f) for f in d.files], problems=list(d.problems),
            notes=list(d.notes), row_counts=dict(d.row_counts), summary=dict(d.summary),
        )  # fmt: skip


_SHARED_LOCK = threading.Lock()
#: the sample folder as last seen (its path and each file's name, size and change time)
#: -> its SharedSample (None without files): one entry, made again when the files change
_SHARED: dict[tuple[object, ...], SharedSample | None] = {}


def shared_sample() -> SharedSample | None:
    """The process's :class:`SharedSample`, made on first use (one session makes it,
    the others opening meanwhile wait for it) and again when the sample's files change
    (``make sample``); None without sample files."""
    paths = _sample_paths()
    seen = (str(SAMPLE_DIR), *((n, p.stat().st_size, p.stat().st_mtime_ns) for n, p in paths))
    with _SHARED_LOCK:
        if seen not in _SHARED:
            _SHARED.clear()
            _SHARED[seen] = _read_sample(paths)
        return _SHARED[seen]


def _sample_paths() -> list[tuple[str, Path]]:
    if not SAMPLE_DIR.is_dir():
        return []
    try:
        return expand_inputs([SAMPLE_DIR])
    except UnreadableFileError:
        return []


def _read_sample(paths: list[tuple[str, Path]]) -> SharedSample | None:
    sources = tuple(Source(name, p.read_bytes()) for name, p in paths)
    if not sources:
        return None
    state = AppState(sources=list(sources), kind="sample")
    rebuild(state, share=False)
    assert state.data is not None
    return SharedSample(sources, state.read_cache, state.data)


def loaded_data(progress: Callable[[int, int, str], None] | None = None) -> LoadedData:
    """The session's data, read from its files when they or the reading options changed."""
    state = app_state()
    if state.data is None:
        rebuild(state, progress)
    assert state.data is not None
    return state.data


def engine() -> Engine:
    """The session's engine (one private DuckDB connection per session)."""
    from kpi.report import Engine

    state = app_state()
    data = loaded_data()
    if state.engine is None:
        found = found_in(data)
        money = money_options(state, found)
        state.engine = Engine(data, money)
        shared = shared_sample() if state.kind == "sample" else None
        if shared and shared.holds(data) and money == money_options(AppState(), found):
            # the sample's results and what is rendered from them: public, alike
            state.engine.results = shared.results
            state.shown = shared.shown
        if sum(data.rows(n) for n in data.tables) >= KEEP_READ_MAX_ROWS:
            # the rows live in the engine's database now: the session keeps one copy
            # (schemas, counts and file reports stay for the pages)
            state.data = state.engine.data
            del data
            pa.default_memory_pool().release_unused()
    return state.engine


def shares_sample(state: AppState) -> bool:
    """True when the session's engine results and rendered pieces are the shared
    sample's (:class:`SharedSample`): its data is the sample as shipped, with the
    default money options."""
    shared = shared_sample() if state.kind == "sample" else None
    return (
        shared is not None
        and state.engine is not None
        and state.engine.results is shared.results
        and state.shown is shared.shown
    )


def money_options(state: AppState, found: Found) -> MoneyOptions:
    """The engine's money options from the Settings: the chosen report currency (else the
    data's only one, else the setting) and the rates entered for that currency."""
    chosen = state.currency if state.currency_chosen else None
    report = plan(found, MoneyOptions(currency=chosen, fallback=state.currency)).currency
    return MoneyOptions(
        currency=chosen, rates=dict(state.rates.get(report, {})), fallback=state.currency
    )


def report_currency() -> str:
    """The currency the session's money KPIs are in (see :mod:`kpi.query.money`)."""
    return engine().money.currency


def set_money(
    currency: str | None = None, *, automatic: bool = False, rates: dict[str, float] | None = None
) -> None:
    """Change the report currency (``automatic``: the data's only one) or the exchange
    rates of the current report currency; the engine reads its amounts again (only the
    money tables, in milliseconds) and the reports are computed again."""
    state = app_state()
    if automatic:
        state.currency_chosen = False
    elif currency is not None:
        state.currency, state.currency_chosen = currency, True
    eng = engine()
    if rates is not None:
        state.rates[eng.money.currency] = dict(rates)
    # the options pick the rates kept for the (possibly new) report currency (the
    # engine forgets its results)
    eng.set_money(money_options(state, eng.core.found))
    state.shown = RenderCache()  # a cache of its own (the one it had may be shared)


def invalidate(state: AppState) -> None:
    """Forget the loaded data (not the per-file reads) after files or mappings change."""
    state.data = None
    state.engine = None
    state.shown = RenderCache()  # (the one it had may be the shared sample's)
    state.version += 1


def load_options(state: AppState) -> LoadOptions:
    return LoadOptions(lang=state.read_lang, tz=state.tz, presets=list(state.presets))


def _read_key(state: AppState, src: Source) -> str:
    """Cache key of one file's read: its uid, the reading options and its overrides."""
    ovs = {
        str(sheet): dataclasses.asdict(ov)
        for (name, sheet), ov in sorted(state.overrides.items(), key=lambda kv: str(kv[0]))
        if name == src.name
    }
    presets = [p.to_json() for p in state.presets]
    return json.dumps(
        [src.uid, state.read_lang, state.tz, presets, ovs],
        sort_keys=True,
        default=str,
    )


def _overrides_for(state: AppState, name: str) -> dict[str | None, Override]:
    out: dict[str | None, Override] = {}
    for (fname, sheet), ov in state.overrides.items():
        if fname == name:
            out[sheet] = ov
    return out


def _view_of(src: Source, res: TableResult) -> TableView:
    raw = res.raw
    headers = list(raw.headers) if raw is not None else []
    if raw is not None and raw.data.num_rows:
        part = raw.data.slice(0, PREVIEW_ROWS)
        cols = {}
        for i, h in enumerate(headers):
            label = h or f"({i + 1})"
            while label in cols:
                label += " "
            cols[label] = part.column(i).to_pylist()
        preview = pd.DataFrame(cols)
    else:
        preview = pd.DataFrame({h or f"({i + 1})": [] for i, h in enumerate(headers)})
    # the raw strings of a big file are not kept: the typed table is enough to assemble
    return TableView(src, raw.sheet if raw is not None else None, headers, preview,
                     dataclasses.replace(res, raw=None))  # fmt: skip


def _let_go(view: TableView) -> TableView:
    table = view.result.table
    if table is None or table.num_rows < KEEP_READ_MAX_ROWS:
        return view
    return dataclasses.replace(
        view, result=dataclasses.replace(view.result, table=None), kept=False
    )


def _pack(sources: list[Source]) -> None:
    for src in sources:
        src.pack()
    pa.default_memory_pool().release_unused()


def rebuild(
    state: AppState, progress: Callable[[int, int, str], None] | None = None, *, share: bool = True
) -> None:
    """Read every file (reusing unchanged reads, and the shared sample's: ``share``) and
    assemble the session's data."""
    options = load_options(state)
    views: list[TableView] = []
    state.errors = {}
    fresh: dict[str, list[TableView]] = {}
    shared = shared_sample() if share and state.kind == "sample" else None
    for i, src in enumerate(state.sources):
        if progress is not None:
            progress(i, len(state.sources), src.name)
        key = _read_key(state, src)
        cached = state.read_cache.get(key) or (shared.reads.get(key) if shared else None)
        if cached is None or not all(v.kept for v in cached):
            try:
                results = _read(state, src, options)
            except UnreadableFileError as e:
                state.errors[src.name] = e.why
                continue
            cached = [_view_of(src, r) for r in results]
        fresh[key] = cached
        views.extend(cached)
    if progress is not None:
        progress(len(state.sources), len(state.sources), "")
    if shared is not None and state.workspace is None and list(fresh) == list(shared.reads):
        data = shared.session_data()  # the sample as shipped: assembled once
    else:
        # assemble() updates the reports' counts (merged rows, warnings): give it copies
        results = [
            dataclasses.replace(v.result, report=copy.deepcopy(v.result.report)) for v in views
        ]
        data = _assemble(state, results, views, options)
        del results
    # the assembled tables are what the session needs; a big typed table of one file
    # is let go (and its bytes packed) rather than kept twice
    state.read_cache = {k: [_let_go(v) for v in vs] for k, vs in fresh.items()}
    state.views = [v for vs in state.read_cache.values() for v in vs]
    big = [s for s in state.sources if s.size >= PACK_MIN_BYTES and not s.packed]
    if big:
        threading.Thread(target=_pack, args=(big,), name="pack-uploads", daemon=True).start()
    state.data = data
    state.engine = None
    state.shown = RenderCache()  # (the one it had may be the shared sample's)
    state.version += 1


def _read(state: AppState, src: Source, options: LoadOptions) -> list[TableResult]:
    """One file's tables, read the session's way; with a workspace open, its way (its
    language and zone, the mappings it learned for their headers: kpi.workspace.reading)."""
    if state.workspace is None:
        return read_file(src.name, src.data, options, _overrides_for(state, src.name))
    tables = state.workspace.read(
        [(src.name, src.data)], presets=state.presets, overrides=state.overrides, keep_raw=True
    )
    return [t.result for t in tables]


def _assemble(
    state: AppState, results: list[TableResult], views: list[TableView], options: LoadOptions
) -> LoadedData:
    """The files read, assembled; with a workspace open, after the workspace's own files
    (its tables in the order added, then these, in memory only, as ``report --workspace
    PATH INPUT`` does): ``data.files`` lists the workspace's tables first."""
    if state.workspace is None:
        return assemble(results, options)
    from kpi.workspace import ReadTable

    return state.workspace.load(
        [ReadTable(r, v.headers) for r, v in zip(results, views, strict=True)]
    )


# --------------------------------------------------------------------------- sources


def forget_uploads(uploaded: Iterable[Any]) -> None:
    """Drop uploaded files from Streamlit's upload storage once they are copied into the
    session: it keeps every upload of a session until the session ends, which would be a
    second copy of the raw bytes (the 480 MB of a 1,000,000-ticket export)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None:
        return
    for f in uploaded:
        ctx.uploaded_file_mgr.remove_file(ctx.session_id, f.file_id)


def add_uploads(files: list[tuple[str, bytes]]) -> None:
    """Copy uploaded files into the session; they replace the sample data, and a file
    uploaded again under the same name replaces the earlier one."""
    state = app_state()
    if not state.read_lang_chosen:
        # uploads follow the uploader's language where a file does not settle it:
        # in Spanish an ambiguous "1.234" is one thousand two hundred and thirty-four
        state.read_lang = lang()
    if state.kind != "uploads":
        state.sources = []
        state.overrides = {}
        state.read_cache = {}
    names = {n for n, _ in files}
    state.sources = [s for s in state.sources if s.name not in names]
    state.sources.extend(Source(n, b) for n, b in files)
    state.overrides = {k: v for k, v in state.overrides.items() if k[0] not in names}
    state.kind = "uploads" if state.sources else "none"
    invalidate(state)
    reset_filters()


def use_sample() -> None:
    state = app_state()
    state.sources = sample_sources()
    state.kind = "sample" if state.sources else "none"
    state.overrides = {}
    state.read_cache = {}
    invalidate(state)
    reset_filters()


def clear_all() -> None:
    state = app_state()
    state.sources = []
    state.kind = "none"
    state.overrides = {}
    state.read_cache = {}
    state.presets = []
    invalidate(state)
    reset_filters()


def remove_source(name: str) -> None:
    state = app_state()
    state.sources = [s for s in state.sources if s.name != name]
    state.overrides = {k: v for k, v in state.overrides.items() if k[0] != name}
    if not state.sources:
        state.kind = "none"
    invalidate(state)
    reset_filters()


def set_override(name: str, sheet: str | None, override: Override | None) -> None:
    """Choose a dataset/mapping by hand for one table (None: back to automatic)."""
    state = app_state()
    if override is None:
        state.overrides.pop((name, sheet), None)
    else:
        state.overrides[(name, sheet)] = override
    invalidate(state)


def set_reading(read_lang: str | None = None, tz: str | None = None) -> None:
    """Change how files are read (number and date conventions, time zone)."""
    state = app_state()
    changed = False
    if read_lang is not None:
        state.read_lang_chosen = True
        if read_lang != state.read_lang:
            state.read_lang = read_lang
            changed = True
    if tz is not None and tz != state.tz:
        state.tz = tz
        changed = True
    if changed:
        invalidate(state)


def add_preset(preset: Preset) -> None:
    state = app_state()
    state.presets = [p for p in state.presets if p.to_json() != preset.to_json()] + [preset]
    invalidate(state)


def clear_presets() -> None:
    state = app_state()
    state.presets = []
    invalidate(state)


# --------------------------------------------------------------------------- filters


def reset_filters() -> None:
    """Forget the sidebar's selections (the loaded clients/technicians changed)."""
    for key in (K_CLIENTS, K_TECHS, K_RANGE, K_RANGE + ".w"):
        st.session_state.pop(key, None)


def dimension_values(dim: str) -> list[str]:
    """The clients or technicians of the loaded data, sorted, for the sidebar."""
    from kpi.schema import NO_CLIENT

    def names() -> list[str]:
        core = engine().core
        found = core.client_names() if dim == "client" else core.technician_names()
        return sorted((n for n in found if n != NO_CLIENT), key=lambda s: (s.casefold(), s))

    kept: list[str] = app_state().shown.remember(("names", dim), names)
    return kept


def as_of() -> date:
    """The report date: Settings' choice, else the data's latest event, else today."""
    state = app_state()
    if state.as_of is not None:
        return state.as_of
    data = loaded_data()
    return data.as_of or date.today()


def data_start() -> date | None:
    """The data's first date (the earliest event date, see :mod:`kpi.query.periods`); None when
    nothing dated is loaded."""
    return loaded_data().data_start


def data_span() -> tuple[date, date] | None:
    """The data's first and latest event dates (the sidebar shows them); None when
    nothing dated is loaded."""
    data = loaded_data()
    if data.data_start is None or data.as_of is None:
        return None
    return data.data_start, data.as_of


def period() -> tuple[date, date]:
    """The sidebar's period as dates."""
    preset = st.session_state.get(K_PERIOD)
    if preset not in periods.PRESETS:
        preset = periods.DEFAULT_PRESET
    custom = st.session_state.get(K_RANGE)
    rng: tuple[date, date] | None = None
    if isinstance(custom, (list, tuple)) and len(custom) == 2 and all(custom):
        rng = (custom[0], custom[1])
    if preset == "custom" and rng is None:
        preset = periods.DEFAULT_PRESET
    return periods.period_range(preset, as_of(), rng, data_start())


def selected_clients() -> list[str]:
    return list(st.session_state.get(K_CLIENTS) or [])


def selected_technicians() -> list[str]:
    return list(st.session_state.get(K_TECHS) or [])


def compare() -> str | None:
    value = st.session_state.get(K_COMPARE) or DEFAULT_COMPARE
    return None if value == "none" else value


def lang() -> str:
    value = st.session_state.get(K_LANG)
    return value if value in ("en", "es") else "en"


def report_options(
    by: str = "total",
    *,
    start: date | None = None,
    end: date | None = None,
    compare_with: str | bool | None = True,
    technicians: bool = False,
    kpis: Iterable[str] = (),
) -> ReportOptions:
    """The engine's options for the sidebar filters and the Settings.

    Args:
        by: the grouping (total, client, month, client,month, technician, ...).
        start, end: another period than the sidebar's (the sparklines' 12 months).
        compare_with: True for the sidebar's comparison, or a value to force.
        technicians: True on pages where the technician filter applies.
        kpis: the KPI ids the page shows (empty: all, as the downloads need).
    """
    from kpi.report import ReportOptions

    state = app_state()
    p_start, p_end = period()
    return ReportOptions(
        start=start or p_start,
        end=end or p_end,
        as_of=state.as_of,
        clients=selected_clients(),
        technicians=selected_technicians() if technicians else [],
        by=by,
        compare=compare() if compare_with is True else (compare_with or None),
        lang=lang(),
        targets=dict(state.targets),
        kpis=sorted(set(kpis)),
    )


def _opts_key(kind: str, opts: Any, extra: Any = None) -> tuple[str, str]:
    """The key of a result in the engine's results: what it is and the options (a
    dataclass) and arguments it was computed for. The data is the engine's own (a new
    engine for new data)."""
    return kind, json.dumps([dataclasses.asdict(opts), extra], sort_keys=True, default=str)


def _remember(key: tuple[str, str], compute: Callable[[], Any]) -> Any:
    """``compute()``, kept in the session's one cache of engine results
    (``engine().results``, :class:`kpi.report.ResultCache`) under ``key``."""
    return engine().results.remember(key, compute)


def client_report(
    client: str, start: date, end: date, compare: str
) -> tuple[str, bytes, list[bytes]]:
    """A client's review (:mod:`kpi.present.client_report`) for the period, in the session's
    language, targets and MSP name and logo: its file name, the PDF and its pages as
    images, made once per session and choice (kept in the engine's results)."""
    from kpi.present.client_report import file_name, render_pages, render_pdf
    from kpi.present.review import client_review
    from ui.report_charts import chart_svgs

    app = app_state()
    review_opts = {"start": start, "end": end, "as_of": app.as_of, "compare": compare,
                   "lang": lang(), "targets": dict(app.targets), "msp_name": app.msp_name,
                   "logo": app.msp_logo}  # fmt: skip

    def make() -> tuple[str, bytes, list[bytes]]:
        review = client_review(engine(), client, **review_opts)
        svgs = chart_svgs(review)
        name = file_name(review.client, review.period.label)
        return name, render_pdf(review, svgs), render_pages(review, svgs)

    logo_key = hash(app.msp_logo) if app.msp_logo else None
    key = ("client_report", json.dumps([client, {**review_opts, "logo": logo_key}], default=str))
    result: tuple[str, bytes, list[bytes]] = _remember(key, make)
    return result


def client_reports_zip(
    start: date, end: date, compare: str, progress: Callable[[int, int, str], None]
) -> bytes:
    """Every client's review PDF in one ZIP, ``progress(done, total, client)`` after each."""
    import io
    import zipfile

    from kpi.present.client_report import client_pdfs
    from ui.report_charts import chart_svgs

    app = app_state()
    clients = engine().clients()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        pdfs = client_pdfs(engine(), clients, chart_svgs, start=start, end=end, as_of=app.as_of,
                           compare=compare, lang=lang(), targets=dict(app.targets),
                           msp_name=app.msp_name, logo=app.msp_logo)  # fmt: skip
        for i, (client, name, pdf) in enumerate(pdfs, start=1):
            zf.writestr(name, pdf)
            progress(i, len(clients), client)
    return buf.getvalue()


def report(opts: ReportOptions) -> pd.DataFrame:
    """The engine's report for these options, computed once per session and options.

    ``attrs`` keeps only the notes (text): Streamlit serialises attrs with every table.
    A report is kept in the engine's results and given again as the same frame: it is
    not to be changed (:class:`RenderCache` keeps what is made from it by its identity).
    """
    return reports(opts)[0]


def reports(*many: ReportOptions) -> list[pd.DataFrame]:
    """:func:`report` of each; those not computed yet are computed together, sharing
    queries (:meth:`kpi.report.Engine.reports`). A page asks for its reports at once."""
    kept = engine().results
    keys = [_opts_key("report", o) for o in many]
    found = {k: df for k in keys if (df := kept.get(k)) is not None}
    todo = [i for i, k in enumerate(keys) if k not in found]
    if todo:
        for i, df in zip(todo, engine().reports([many[i] for i in todo]), strict=True):
            df.attrs = {
                "notes": [str(n) for n in df.attrs.get("notes", [])],
                "money_notes": [str(n) for n in df.attrs.get("money_notes", [])],
            }
            found[keys[i]] = df
            kept.put(keys[i], df)
    return [found[k] for k in keys]


def breakdown(fn: Callable[..., pd.DataFrame], flt: Any, *args: Any) -> pd.DataFrame:
    """``fn(engine, flt, *args)``, one of the engine's breakdowns
    (``Engine.pipeline_by_stage``, ...: :mod:`kpi.query.breakdowns`) for the options
    ``flt`` (:func:`detail_filter`), computed once per session, data, filter and
    arguments (like the reports): a rerun that changes no filter does not query again."""
    key = _opts_key(f"detail:{fn.__name__}", flt, list(args))
    result: pd.DataFrame = _remember(key, lambda: fn(engine(), flt, *args))
    return result


def alerts(opts: ReportOptions) -> pd.DataFrame:
    """The alerts for these options and the session's thresholds."""
    state = app_state()
    thresholds = dict(state.thresholds) or None
    return _remember(
        _opts_key("alerts", opts, thresholds), lambda: engine().alerts(opts, thresholds)
    )


def explanation(kpi_id: str, opts: ReportOptions | None = None) -> Any:
    """``Engine.explain`` for the sidebar's options, once per session and options."""
    opts = opts or report_options()
    return _remember(_opts_key("explain:" + kpi_id, opts), lambda: engine().explain(kpi_id, opts))


#: the rows behind a number kept in the session's results up to this many (a larger
#: table is computed again when asked: it would push the reports out of the cache)
ROWS_KEPT = 50_000


def kpi_rows(kpi_id: str, opts: ReportOptions, group: dict[str, str] | None = None) -> Any:
    """``Engine.rows``: the rows behind a number for these options and group, once per
    session, options and group while the table is small (:data:`ROWS_KEPT`)."""
    key = _opts_key("rows:" + kpi_id, opts, group)
    kept = engine().results
    found = kept.get(key)
    if found is None:
        found = engine().rows(kpi_id, opts, group)
        if len(found.table) <= ROWS_KEPT:
            kept.put(key, found, rows=len(found.table))
    return found


def availability() -> dict[str, str | None]:
    """KPI id -> None when the loaded data allows it, else what would enable it."""
    language = lang()
    found: dict[str, str | None] = engine().results.remember(
        ("availability", language), lambda: engine().availability(language)
    )
    return found


def problems_frame(lang: str = "en") -> pd.DataFrame:
    """Every data problem in the CLI's columns (``inspect --problems``), the severity
    words in ``lang``; made once per data and language (a 1M-ticket event log has 30,000
    merged rows: about 50 ms a Data page rerun)."""
    from ui.dataview import problems_frame as build

    frame: pd.DataFrame = app_state().shown.remember(
        ("problems", lang), lambda: build(all_problems(lang), lang)
    )
    return frame


def all_problems(lang: str = "en") -> list[Any]:
    """The data's problems, then the engine's about money: one per currency whose amounts
    are left out for want of an exchange rate (they depend on the Settings' rates)."""
    data = loaded_data()
    if not data.tables:
        return list(data.problems)
    return [*data.problems, *engine().money_problems(lang)]


def problem_counts() -> dict[str, int]:
    """How many problems of each severity (rejected, warning, skipped, info), once per data."""

    def count() -> dict[str, int]:
        found = Counter(p.severity for p in all_problems())
        return {sev: found[sev] for sev in ("rejected", "warning", "skipped", "info")}

    counts: dict[str, int] = app_state().shown.remember(("problem_counts",), count)
    return counts


def detail_filter(*, technicians: bool = False) -> ReportOptions:
    """The sidebar's period and filters as the options of the engine's breakdowns
    (:func:`breakdown`): nothing else, so that a language or target change reuses them."""
    from kpi.report import ReportOptions

    start, end = period()
    return ReportOptions(
        start=start,
        end=end,
        as_of=app_state().as_of,
        clients=selected_clients(),
        technicians=selected_technicians() if technicians else [],
    )
