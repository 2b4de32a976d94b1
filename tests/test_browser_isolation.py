"""Sessions are isolated (issue 6): what one visitor uploads, no other visitor sees.

* In a real browser (Playwright on Debian's Chromium) against ``streamlit run app.py``,
  two sessions at once: session A uploads the files of a client nobody else has; session
  B, on the built-in sample, never sees that client (Data page, sidebar, Overview), and a
  reload of A (a new session) is back on the sample.
* Nothing per-user in ``st.cache_resource``/``st.cache_data`` or ``functools`` caches
  (read from the source) nor in module globals (walked after an upload in AppTest).
* Temp files: the upload leaves no file holding the uploaded bytes, in the server's temp
  folder or the system's, and no open temp file in the server process.

Run with ``pytest -m browser``; the browser test is skipped when /usr/bin/chromium is
missing.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import io
import mmap
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import types
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
#: the client only session A has (its files are built here, never written to disk)
SECRET = "Zeta Secret Client S.L."
#: in every row of A's files, new each run: copies of this source (a checkout in /tmp)
#: hold the client's name, never this
TOKEN = f"zt{uuid.uuid4().hex[:16]}"
SECRET_CSV = "zeta_tickets.csv"
SECRET_XLSX = "zeta_partes.xlsx"
#: a client of the built-in sample (tickets.csv), so that B's client search can succeed
SAMPLE_CLIENT = "Northwind Traders Ltd"
SAMPLE_INFO = "Showing the built-in sample data of a fictional MSP."
UPLOADS_INFO = "Showing 2 uploaded file(s)."
#: Streamlit's frontend looks for the server under the page's path first
PROBE = re.compile(r"/[a-z_]+/_stcore/(health|host-config)")

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin"
)


# ------------------------------------------------------------------ A's files


def secret_tickets() -> bytes:
    """12,000 tickets of the secret client, ~1.3 MB: more than Starlette's 1 MB in-memory
    limit for a multipart part, so the upload goes through its spooled temp file too.
    Headers the app recognises (Ticket ID, Created, Resolved, Client, Priority)."""
    lines = ["Ticket ID,Created,Resolved,Client,Priority,Summary"]
    start = datetime(2025, 1, 2, 8, 0)
    for i in range(12_000):
        created = start + timedelta(minutes=45 * i)
        resolved = created + timedelta(hours=1 + i % 9)
        lines.append(
            f"{500_000 + i},{created:%Y-%m-%d %H:%M},{resolved:%Y-%m-%d %H:%M},{SECRET},"
            f"P{1 + i % 4},Consulta confidencial {TOKEN}-{i:05d} del cliente"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def secret_time_entries() -> bytes:
    """Time entries of the secret client as .xlsx (read in a child process)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Técnico", "Fecha", "Horas", "Cliente", "Facturable", "Notas"])
    day = date(2025, 1, 1)
    while day.year == 2025 and day.month <= 3:
        ws.append(["Zoe Zamora", day, 3.5, SECRET, "Sí", f"{TOKEN} {day}"])
        day += timedelta(days=1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def needles(xlsx: bytes) -> list[bytes]:
    """What a file holding A's uploads would contain: the run's token (UTF-8 and UTF-16,
    as Python or a browser might store text) and a compressed 48-byte stretch from the
    middle of the workbook (its text is zipped). Not the client's name: a checkout of
    this repository in a temp folder holds it."""
    mid = len(xlsx) // 2
    return [TOKEN.encode(), TOKEN.encode("utf-16-le"), xlsx[mid : mid + 48]]


# ------------------------------------------------------------------ temp files


def _files_under(folder: Path) -> set[Path]:
    out: set[Path] = set()
    for base, _dirs, files in os.walk(folder, onerror=lambda e: None):
        out.update(Path(base, f) for f in files)
    return out


def _holds(path: Path, patterns: list[bytes]) -> bool:
    """True when the regular file ``path`` contains any of ``patterns``."""
    try:
        if not path.is_file() or path.is_symlink():
            return False
        with path.open("rb") as fh:
            if os.fstat(fh.fileno()).st_size == 0:
                return False
            with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
                return any(mm.find(p) >= 0 for p in patterns)
    except (FileNotFoundError, PermissionError):  # removed meanwhile, or not ours
        return False


def _process_tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


_CHECKOUT = str(Path(__file__).resolve().parent.parent)


def _open_temp_files(pid: int, folders: list[Path]) -> list[str]:
    """Files under ``folders`` (named, or unnamed temp files) that the process tree of
    ``pid`` holds open."""
    found = []
    roots = [str(f.resolve()) for f in folders]
    for p in _process_tree(pid):
        fd_dir = Path(f"/proc/{p}/fd")
        try:
            fds = list(fd_dir.iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if not target.startswith("/") or target.startswith(("/dev/", "/proc/")):
                continue  # sockets, pipes, anon inodes, ttys
            if target.startswith(_CHECKOUT + "/"):
                continue  # the repository itself (a CI checkout may live under /tmp)
            # an unnamed temp file shows as "/tmp/#1234 (deleted)"
            if any(target.startswith(r + "/") for r in roots):
                found.append(f"{p}: {target}")
    return found


def test_the_temp_checks_find_a_leftover(tmp_path: Path) -> None:
    """The checks below can fail: a named file holding the bytes, and an unnamed temp
    file (what Starlette spools a large upload to) held open by a process."""
    xlsx = secret_time_entries()
    (tmp_path / "left.bin").write_bytes(b"..." + TOKEN.encode("utf-16-le") + b"...")
    (tmp_path / "source.py").write_text(f"SECRET = {SECRET!r}")  # the name alone: no
    (tmp_path / "other.bin").write_bytes(b"nothing of A")
    (tmp_path / "part.bin").write_bytes(xlsx[100:])  # a piece of the workbook
    found = sorted(p.name for p in _files_under(tmp_path) if _holds(p, needles(xlsx)))
    assert found == ["left.bin", "part.bin"]
    with tempfile.TemporaryFile(dir=tmp_path) as fh:
        fh.write(b"spooled")
        fh.flush()
        held = _open_temp_files(os.getpid(), [tmp_path])
        assert len(held) == 1 and held[0].endswith(" (deleted)"), held
    assert _open_temp_files(os.getpid(), [tmp_path]) == []


# ------------------------------------------------------------------ server and browser


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclasses.dataclass
class Server:
    url: str
    proc: subprocess.Popen[bytes]
    tmp: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``streamlit run app.py`` on 127.0.0.1 with the repo's config (XSRF protection
    on), its temp folder (``TMPDIR``) a fresh folder of its own."""
    tmp = tmp_path_factory.mktemp("server_tmp")
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    env = dict(os.environ, TMPDIR=str(tmp))
    # the log goes to tests/artifacts (ignored by git), not to a temp folder under scan
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "isolation_server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')}")
            time.sleep(0.3)
        else:
            raise RuntimeError("streamlit did not start within 60 s")
        yield Server(f"http://127.0.0.1:{port}", proc, tmp)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Path]]:
    """One Chromium, its driver's temp folder (the profile lives there) apart from the
    system's, so that the temp scan below looks at what the server leaves."""
    from playwright.sync_api import sync_playwright

    browser_tmp = tmp_path_factory.mktemp("browser_tmp")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(browser_tmp))
        pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium, browser_tmp
        chromium.close()
    finally:
        pw.stop()


def idle(page: Any, text: str | None = None, timeout: float = 60_000) -> None:
    """Wait for ``text`` (when given), then for the script to finish running."""
    if text is not None:
        page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=timeout)
    assert page.locator("[data-testid=stException]").count() == 0


def nav(page: Any, title: str, wait: bool = True) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()
    if wait:
        idle(page)


def client_options(page: Any, query: str) -> list[str]:
    """The sidebar's client options matching ``query`` (its search box; no rerun)."""
    box = page.get_by_role("combobox", name="Clients", exact=True)
    box.click()
    box.fill(query)
    # the dropdown shows the matches, or one "No results" item
    page.get_by_role("option").first.wait_for(timeout=10_000)
    found = [o.strip() for o in page.get_by_role("option").all_inner_texts()]
    box.fill("")
    page.keyboard.press("Escape")
    return [] if found == ["No results"] else found


def data_files(page: Any) -> set[str]:
    """The files listed on the Data page (its mapping editor: "name → dataset")."""
    text = page.locator("[data-testid=stMain]").inner_text()
    return {m.group(1) for m in re.finditer(r"^(\S[^\n]*?)(?: \[[^\]\n]*\])? → ", text, re.M)}


def sample_files() -> set[str]:
    from kpi.load import expand_inputs

    return {name for name, _ in expand_inputs([ROOT / "sample_data"])}


# ------------------------------------------------------------------ two sessions at once


@pytest.mark.browser
@needs_chromium
def test_two_sessions_at_once_never_see_each_others_uploads(
    server: Server, browser: tuple[Any, Path]
) -> None:
    chromium, browser_tmp = browser
    xlsx = secret_time_entries()
    files = [
        {"name": SECRET_CSV, "mimeType": "text/csv", "buffer": secret_tickets()},
        {"name": SECRET_XLSX, "mimeType": "application/octet-stream", "buffer": xlsx},
    ]
    system_tmp = Path(tempfile.gettempdir())
    before = _files_under(system_tmp)

    problems: list[str] = []
    pages = []
    for who in ("A", "B"):
        ctx = chromium.new_context(viewport={"width": 1440, "height": 1800}, locale="en-US")
        pg = ctx.new_page()
        pg.on("pageerror", lambda e, who=who: problems.append(f"{who} page error: {e}"))
        pg.on(
            "console",
            lambda m, who=who: (
                problems.append(f"{who} console error: {m.text}")
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        # HTTP errors instead of the console's "Failed to load resource", but for
        # Streamlit's base-path probe on a deep link (``/data`` reloaded: it tries
        # ``/data/_stcore/health`` before ``/_stcore/health``)
        pg.on(
            "response",
            lambda r, who=who: (
                problems.append(f"{who} HTTP {r.status}: {r.url}")
                if r.status >= 400 and not PROBE.fullmatch(r.url[len(server.url) :])
                else None
            ),
        )
        pages.append(pg)
    a, b = pages

    # both sessions open at once, both on the sample
    a.goto(server.url)
    b.goto(server.url)
    idle(a)
    idle(b)
    nav(a, "Data")
    idle(a, SAMPLE_INFO)

    # A uploads while B's script runs (the Overview again, then the Data page)
    a.locator("[data-testid=stFileUploaderDropzoneInput]").first.set_input_files(files)
    nav(b, "Data", wait=False)
    idle(a, UPLOADS_INFO)
    idle(b, SAMPLE_INFO)

    # A sees its client and its files (so the same checks on B can find it)
    assert data_files(a) == {SECRET_CSV, SECRET_XLSX}
    assert client_options(a, "Zeta") == [SECRET]
    nav(a, "Overview")
    assert client_options(a, "Zeta") == [SECRET]

    # B: the sample's files and clients, never A's
    assert data_files(b) == sample_files()
    assert b.get_by_text(UPLOADS_INFO).count() == 0
    assert client_options(b, "Zeta") == []
    assert client_options(b, "Northwind") == [SAMPLE_CLIENT]
    nav(b, "Overview")
    assert client_options(b, "Zeta") == []
    html = b.content()
    assert SECRET not in html and SECRET_CSV not in html and SECRET_XLSX not in html

    # a reload is a new session: A is back on the sample
    nav(a, "Data")
    a.reload()
    idle(a, SAMPLE_INFO)
    assert data_files(a) == sample_files()
    assert client_options(a, "Zeta") == []

    assert problems == []

    # temp files: the server holds none open, and no new file anywhere in the server's
    # temp folder or the system's (but the browser's own) holds A's bytes
    assert _open_temp_files(server.proc.pid, [server.tmp, system_tmp]) == []
    patterns = needles(xlsx)
    created = (_files_under(system_tmp) - before) | _files_under(server.tmp)
    scanned = [p for p in created if not p.is_relative_to(browser_tmp)]
    holding = sorted(str(p) for p in scanned if _holds(p, patterns))
    assert holding == [], "files holding the uploaded data"
    assert sorted(map(str, _files_under(server.tmp))) == [], "the server left temp files"


# ------------------------------------------------------------------ caches, read from the source

#: cached functions checked by hand: (file, function) -> why no user data can be in them.
#: They cache what is derived from declarations (schema aliases, number patterns,
#: regexes), never results: a session's results are in its engine's ResultCache and its
#: rendered pieces in its RenderCache (ui/state.py), both in the session's own state
CACHE_ALLOWLIST = {
    ("kpi/read/delimited.py", "_record_res"): "argument: one of the four DELIMITERS",
    ("kpi/load/recognize.py", "_alias_index"): "argument: a dataset name of kpi.schema.DATASETS",
    ("kpi/load/recognize.py", "_all_aliases"): "no arguments: the declared aliases",
    ("kpi/load/recognize.py", "_distinctive"): "argument: a dataset name of kpi.schema.DATASETS",
    ("kpi/present/fmt.py", "_babel_locale"): "argument: a UI language code",
    ("kpi/present/fmt.py", "_pattern"): "argument: a number pattern built from digits",
    ("kpi/present/fmt.py", "_percent_pattern"): "arguments: a UI language code and a digit count",
    ("kpi/present/fmt.py", "_currency_pattern"): "arguments: a UI language code and a digit count",
    ("kpi/texts/messages.py", "_matcher"): "no arguments: the catalogs' message entries as a regex",
}
#: what caches across calls, by its full dotted name (after resolving the imports)
_CACHES = {
    "streamlit.cache_data", "streamlit.cache_resource", "streamlit.experimental_memo",
    "streamlit.experimental_singleton", "streamlit.cache", "functools.cache",
    "functools.lru_cache", "functools.cached_property",
}  # fmt: skip


def _imports(tree: ast.Module) -> dict[str, str]:
    """Local name -> dotted name: ``import streamlit as st`` -> ``{"st": "streamlit"}``,
    ``from functools import cache`` -> ``{"cache": "functools.cache"}``."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                names[a.asname or a.name.split(".")[0]] = (
                    a.name if a.asname else a.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                names[a.asname or a.name] = f"{node.module}.{a.name}"
    return names


def _resolved(node: ast.AST, names: dict[str, str]) -> str:
    """The dotted name ``node`` refers to: ``st.cache_data(ttl=1)`` ->
    ``streamlit.cache_data``; ``""`` when it is not a (dotted) name."""
    if isinstance(node, ast.Call):
        return _resolved(node.func, names)
    if isinstance(node, ast.Attribute):
        base = _resolved(node.value, names)
        return f"{base}.{node.attr}" if base else ""
    if isinstance(node, ast.Name):
        return names.get(node.id, "")
    return ""


def _session_scoped(node: ast.AST) -> bool:
    """``st.cache_data(scope="session")`` (and not persisted to disk): one session's."""
    if not isinstance(node, ast.Call):
        return False
    kw = {k.arg: k.value for k in node.keywords}
    scope = kw.get("scope")
    persist = kw.get("persist")
    return (
        isinstance(scope, ast.Constant)
        and scope.value == "session"
        and (persist is None or (isinstance(persist, ast.Constant) and not persist.value))
    )


def cache_uses(source: str) -> list[tuple[str, bool]]:
    """Every cache in ``source``: (the cached function's name, or ``"<name at line N>"``
    for a use that is not a decorator; session-scoped?). Names are resolved through the
    module's imports, so a local variable called ``cache`` or a docstring does not count.

    Example: ``import streamlit as st`` and ``@st.cache_data`` on ``def f(): ...`` ->
    ``[("f", False)]``.
    """
    tree = ast.parse(source)
    names = _imports(tree)
    found: set[tuple[str, bool]] = set()
    seen: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                if _resolved(dec, names) in _CACHES:
                    found.add((node.name, _session_scoped(dec)))
                    seen.update(id(n) for n in ast.walk(dec))
    for node in ast.walk(tree):
        if id(node) in seen or not isinstance(node, (ast.Name, ast.Attribute)):
            continue
        if isinstance(node.ctx, ast.Load) and _resolved(node, names) in _CACHES:
            what = node.attr if isinstance(node, ast.Attribute) else node.id
            found.add((f"<{what} at line {node.lineno}>", False))
            seen.update(id(n) for n in ast.walk(node))
    return sorted(found)


def _app_sources() -> list[Path]:
    folders = [ROOT / "pages", ROOT / "ui", ROOT / "kpi"]
    return [ROOT / "app.py", *sorted(p for f in folders for p in f.rglob("*.py"))]


def test_the_cache_finder_sees_every_form() -> None:
    src = (
        '"""st.cache_resource in a docstring does not count."""\n'
        "import functools\nimport streamlit as st\nfrom functools import cache\n"
        "@st.cache_data\ndef a(x): ...\n"
        "@st.cache_resource(ttl=60)\ndef b(x): ...\n"
        "@functools.lru_cache(maxsize=8)\ndef c(x): ...\n"
        "@cache\ndef d(): ...\n"
        '@st.cache_data(scope="session")\ndef e(x): ...\n'
        '@st.cache_data(scope="session", persist="disk")\ndef f(x): ...\n'
        "g = st.cache_resource(lambda: 1)\n"
    )
    assert cache_uses(src) == [
        ("<cache_resource at line 17>", False), ("a", False), ("b", False), ("c", False),
        ("d", False), ("e", True), ("f", False),
    ]  # fmt: skip
    # a local variable named like a cache is not one (ui/state.py has such a variable)
    assert cache_uses("def h():\n    cache = {}\n    return cache.get(1)\n") == []


def test_no_cache_shared_by_sessions_holds_user_data() -> None:
    """Every cache in app.py, pages/, ui/ and kpi/ is per session (``scope="session"``)
    or on the allowlist of functions checked by hand to take no user data."""
    shared = []
    for path in _app_sources():
        rel = path.relative_to(ROOT).as_posix()
        for name, per_session in cache_uses(path.read_text(encoding="utf-8")):
            if not per_session:
                shared.append((rel, name))
    assert sorted(shared) == sorted(CACHE_ALLOWLIST)


# ------------------------------------------------------------------ module globals


#: the types that hold a visitor's data
def _session_types() -> tuple[type, ...]:
    import duckdb
    import pyarrow as pa

    from kpi.model import LoadedData
    from kpi.report import Engine
    from ui.state import AppState, Source, TableView

    return (LoadedData, Engine, AppState, Source, TableView, pa.Table, pa.RecordBatch,
            duckdb.DuckDBPyConnection)  # fmt: skip


def _reachable_user_data(
    roots: dict[str, Any], types_: tuple[type, ...], text: str, limit: int = 200_000
) -> list[str]:
    """Paths from ``roots`` to an instance of ``types_`` or a str/bytes containing
    ``text``: containers, instance attributes, closures and defaults are followed;
    modules, classes and the objects of other libraries are not (their own state is
    theirs). ``limit`` bounds the walk."""
    hits: list[str] = []
    seen: set[int] = set()
    todo: list[tuple[str, Any]] = list(roots.items())
    raw = text.encode()
    while todo and len(seen) < limit:
        path, obj = todo.pop()
        if id(obj) in seen:
            continue
        seen.add(id(obj))
        if isinstance(obj, types_):
            hits.append(f"{path}: {type(obj).__name__}")
            continue
        if isinstance(obj, str):
            if text in obj:
                hits.append(path)
            continue
        if isinstance(obj, (bytes, bytearray)):
            if raw in obj:
                hits.append(path)
            continue
        if isinstance(obj, (types.ModuleType, type)):
            continue
        if isinstance(obj, dict):
            todo.extend((f"{path}[{k!r}]", v) for k, v in obj.items())
            todo.extend((f"{path}.keys()", k) for k in obj)
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo.extend((f"{path}[{i}]", v) for i, v in enumerate(obj))
        elif isinstance(obj, types.FunctionType):
            for i, cell in enumerate(obj.__closure__ or ()):
                with contextlib.suppress(ValueError):  # ValueError: an empty cell
                    todo.append((f"{path}.<cell {i}>", cell.cell_contents))
            todo.extend((f"{path}.<default {i}>", d) for i, d in enumerate(obj.__defaults__ or ()))
            todo.extend(
                (f"{path}.<kwdefault {k}>", d) for k, d in (obj.__kwdefaults__ or {}).items()
            )
        elif type(obj).__module__.split(".")[0] in ("kpi", "ui", "__main__"):
            if hasattr(obj, "__dict__"):
                todo.append((f"{path}.__dict__", vars(obj)))
            for slot in getattr(type(obj), "__slots__", ()):
                if hasattr(obj, slot):
                    todo.append((f"{path}.{slot}", getattr(obj, slot)))
    assert len(seen) < limit, "the walk of module globals did not finish"
    return hits


def test_module_globals_and_streamlit_caches_hold_nothing_of_a_session(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A session (AppTest, in this process) uploads the secret client's tickets and
    opens the Overview; then nothing reachable from a module global of ``kpi``/``ui``
    (or the app's and pages' own code) holds its data, and Streamlit's shared caches
    are empty. The same walk from the session's state finds the data (it can fail)."""
    from streamlit.runtime.caching import (
        get_data_cache_stats_provider,
        get_resource_cache_stats_provider,
    )
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    import ui.state

    empty = tmp_path / "sample"
    empty.mkdir()
    monkeypatch.setattr(ui.state, "SAMPLE_DIR", empty)  # uploads only: quicker
    original = PagesManager.__init__

    def init(self: PagesManager, *args: object, **kwargs: object) -> None:
        # start every run as a server does once app.py called st.navigation
        # (see tests/test_app_data.py: navigation_only)
        PagesManager.uses_pages_directory = False
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(PagesManager, "__init__", init)

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("pages/data.py").run()
    uploader: Any = next(
        u for u in at.get("file_uploader") if (u.key or "").startswith("data_upload_")
    )
    small = (
        b"Ticket ID,Created,Resolved,Client,Priority\n"
        + (
            f"1,2025-01-05 10:00,2025-01-05 12:00,{SECRET},P1\n2,2025-02-05 10:00,,{SECRET},P2\n"
        ).encode()
    )
    uploader.set_value([(SECRET_CSV, small, "text/csv")])
    at.run()
    at.switch_page("pages/overview.py").run()
    assert not at.exception, [e.message for e in at.exception]
    state = at.session_state["app_state"]
    assert state.kind == "uploads" and state.engine is not None  # the engine was built

    types_ = _session_types()

    def module_roots() -> dict[str, Any]:
        roots: dict[str, Any] = {}
        for name, module in list(sys.modules.items()):
            if name.split(".")[0] in ("kpi", "ui") or name == "__main__":
                roots.update({f"{name}.{k}": v for k, v in vars(module).items()})
        return roots

    # the walk finds the data where it is (the checks can fail): the uploaded bytes in
    # the session's state, and a session's table put in a module global on purpose
    hits = _reachable_user_data({"session": state}, (), SECRET)
    assert any(h.endswith("._data") for h in hits), hits
    with monkeypatch.context() as mp:
        mp.setattr(ui.state, "_LEAK", {"last": [state.data.tables["tickets"]]}, raising=False)
        assert _reachable_user_data(module_roots(), types_, SECRET) == [
            "ui.state._LEAK['last'][0]: Table"
        ]
    assert _reachable_user_data(module_roots(), types_, SECRET) == []

    assert get_data_cache_stats_provider().get_stats() == {}
    assert get_resource_cache_stats_provider().get_stats() == {}
