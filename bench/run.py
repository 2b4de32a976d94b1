"""Benchmarks: the engine against a plain pandas baseline, in the same run.

``make bench`` (or ``python -m bench``) generates the sample MSP at several sizes with
``sample_data/generate.py`` into a temporary folder, then measures, each several times
and reporting the median:

* ``csv_tickets``: reading the tickets CSV export (recognise, parse, type every column);
* ``xlsx_tickets``: the same export as .xlsx (100k rows at most: openpyxl writes it);
* ``load_all``: every file of the data set, assembled (event-log merge, names joined;
  a preset confirms the staff sheet, held for confirmation above 500 technicians, as a
  user would: at 1M the roster has 1,000);
* ``end_to_end``: load_all + engine + the full report, i.e. "CSV read + all KPIs";
* ``full_report``: the full report ``--by client,month`` on a loaded engine;
* ``workspace_add``: ``python -m kpi workspace add`` of every file of the data set to a
  new workspace (scrypt, read, preview, one transaction), ``workspace_mb`` its size (a
  preset confirms the staff sheet, which is held above 500 technicians);
* ``load_workspace``: opening that workspace and assembling its tables (scrypt, DuckDB
  to Arrow, the rules across files), what ``load_all`` does by reading the CSVs again;
* ``report_workspace``: load_workspace + engine + the full report, i.e. ``report
  --workspace``, to compare with ``end_to_end``;
* ``filter``: one filter interaction in the engine: one client, one quarter, every KPI
  by month and in total (two reports, asked together as a page asks for its reports).
  Each repeat picks another client, as a user clicking through clients does; the
  quarter's first two picks have been made before;
* ``filter_first`` / ``filter_second``: the same, the first / second client picked over
  a period (the first runs the filter's queries, the second computes every client's
  cube, ``kpi.report.Engine._from_cube``): each repeat asks another quarter, going back
  from as_of's;
* ``page_rerun``: a rerun of the Overview page through Streamlit's AppTest, nothing
  changed (the session's reports are reused);
* ``filter_rerun_overview`` / ``filter_rerun_service_desk``: a rerun of that page
  through AppTest after the client filter changed to another client (one quarter):
  what the server does between a filter click and the new charts (every rerun picks a
  client not picked before, so nothing comes from the session's cache);
* ``peak_rss_mb``: the peak memory of a fresh process that loads the data and computes
  the full report (the engine alone; ``VmHWM``: until 2026-11-29 this was ``ru_maxrss``,
  which in a child reports the bench's own peak when that is higher);
* ``session_rss_mb``: the app's memory with the data loaded: a fresh process runs the
  app (Overview) through AppTest on the data set's files, then its resident memory is
  read once the run is over (``session_peak_rss_mb``: that process's peak, while
  reading). The real server's figure is :mod:`bench.browser`'s.

The honest peers of a clean export (``clean`` in the output): the generated tickets
rewritten as a clean CSV (11 columns, ISO timestamps, plain numbers:
:func:`write_clean_tickets`), then, each as a fresh process (imports included, as a user
pays them), in turn, ``repeat`` times:

* ``ours``: ``python -m kpi report FILE --by client,month --out report.csv``;
* ``pandas``: a notebook: ``read_csv`` with ``parse_dates`` (ISO: pandas' fast path) and
  one ``groupby`` for six ticket KPIs by client and month (tickets opened and resolved,
  mean resolution and first response hours, SLA and reopen rates);
* ``duckdb``: a notebook: ``read_csv`` and one SQL query for the same six KPIs.

One untimed round first (the file in the page cache, compiled modules written), and
each process with Python's bytecode cache on, as a user's Python has it.

``ratio_vs_duckdb`` and ``ratio_vs_pandas`` are the peer's median time / ours (above 1:
we are faster); ``peak_rss_mb`` is each process's peak memory. ``make bench`` ends with
these ratios for every size.

The messy-data baseline: pandas does the same work the way a notebook would: ``pandas.read_csv``
with ``parse_dates``, ``pandas.read_excel`` with its default engine, and ``groupby`` for
a subset of the KPIs (tickets opened/resolved, mean resolution hours, SLA rate by
client and month; hours and billable hours by technician and month; invoice revenue by
client and month). Ratios are baseline time / our time. Above 1M tickets the baseline
runs once (``baseline_repeat`` in the output): pandas needs minutes per repeat there.

The floor under the load targets (``floor`` in the output, not a target): what the
libraries alone take for the same bytes, in the same run, with nothing checked or typed:

* ``floor_csv_tickets`` / ``floor_csv_all``: pyarrow's CSV reader on the tickets file /
  on every CSV file of the data set, every column kept as text (no type inference);
  any reading of these files pays at least this; ``floor_csv_all_duckdb``: the same
  with DuckDB's reader (``all_varchar``, into Arrow);
* ``floor_xlsx_tickets``: fastexcel (calamine) reading the tickets sheet into Arrow
  text columns, in this process (the app reads the same way in a child process).

The client review PDF (issue 21), on the committed sample (``sample_data/``, its 34
clients), the engine loaded once:

* ``client_report_one``: one client's review for the last complete quarter against the
  one before (engine queries, charts drawn by vl-convert, typst's PDF); each repeat
  another client; vl-convert's first chart of the process (its JavaScript engine
  starting, once per process) is measured apart as ``client_report_warmup``;
* ``client_report_all``: every client's PDF, one after the other (``--all``).

Targets: one at most 2 s, all at most 30 s. ``--client-report-only`` runs these alone.

The real-browser timing (filter click to updated chart) is :mod:`bench.browser`.

Output: JSON (``--out``, default ``bench/results.json``) and a readable table.
Tests never assert times; this is where speed is watched.
"""

from __future__ import annotations

import argparse
import codecs
import csv
import gc
import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GENERATE = ROOT / "sample_data" / "generate.py"


def _median_time(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    times = []
    result = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def generate(n_tickets: int, out: Path, fmt: str = "csv") -> None:
    subprocess.run(
        [sys.executable, str(GENERATE), "--tickets", str(n_tickets), "--out", str(out),
         "--format", fmt, "-q"],
        check=True,
    )  # fmt: skip


# --------------------------------------------------------------------------- ours


def ours(folder: Path, repeat: int, xlsx: Path | None) -> dict[str, float]:
    from kpi.load import LoadOptions, load_files, read_file
    from kpi.load.presets import Preset
    from kpi.query.periods import add_months
    from kpi.report import Engine, ReportOptions

    res: dict[str, float] = {}
    # the generated roster (1,000 technicians at 1M) confirmed as staff, as a user would
    opts = LoadOptions(presets=[Preset("staff", options={"sheet": "Técnicos"})])
    blob = (folder / "tickets.csv").read_bytes()
    res["csv_tickets"], _ = _median_time(lambda: read_file("tickets.csv", blob), repeat)
    if xlsx is not None:
        xblob = xlsx.read_bytes()
        res["xlsx_tickets"], _ = _median_time(lambda: read_file(xlsx.name, xblob), repeat)
    res["load_all"], data = _median_time(lambda: load_files([folder], opts), repeat)
    assert "staff" in data.tables

    def end_to_end() -> Any:
        d = load_files([folder], opts)
        return Engine(d).report(ReportOptions(by="client,month"))

    res["end_to_end"], _ = _median_time(end_to_end, repeat)
    engine = Engine(data)
    engine.report(ReportOptions(by="client,month"))  # warm-up: first query plans
    res["full_report"], report = _median_time(
        lambda: engine.report(ReportOptions(by="client,month")), repeat
    )
    res["report_rows"] = float(len(report))
    clients = sorted({c for c in report["client"].dropna() if c})
    picks = itertools.cycle([[c] for c in clients] or [[]])
    as_of = data.as_of or date.today()
    q_start = date(as_of.year, 3 * ((as_of.month - 1) // 3) + 1, 1)

    def interaction(start: date = q_start, end: date = as_of) -> Any:
        # by month and the total, asked together as a page asks them (ui.state.reports)
        opts = ReportOptions(clients=next(picks), start=start, end=end, by="month")
        return engine.reports([opts, ReportOptions(clients=opts.clients, start=start, end=end)])

    interaction()  # the quarter's first two picks
    interaction()
    res["filter"], _ = _median_time(interaction, max(repeat, 5))
    firsts: list[float] = []
    seconds: list[float] = []
    for k in range(1, max(repeat, 5) + 1):
        start = add_months(q_start, -3 * k)
        for times in (firsts, seconds):
            t0 = time.perf_counter()
            interaction(start, add_months(start, 3) - timedelta(days=1))
            times.append(time.perf_counter() - t0)
    res["filter_first"] = statistics.median(firsts)
    res["filter_second"] = statistics.median(seconds)
    return res


def workspaces(folder: Path, repeat: int) -> dict[str, float]:
    """``workspace add`` of the data set, then opening the workspace and reporting from it
    (see the module's docstring)."""
    import contextlib
    import io
    import shutil

    from kpi.cli import PASSPHRASE_ENV
    from kpi.cli import main as cli
    from kpi.report import Engine, ReportOptions
    from kpi.workspace import Workspace

    passphrase = "bench passphrase"
    res: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="kpi-bench-ws-") as tmp:
        paths = itertools.count()
        # above 500 technicians the staff sheet is held for confirmation (no roster):
        # an add refuses it unless a preset names its dataset, as a user would
        preset = Path(tmp) / "staff.json"
        preset.write_text('{"dataset": "staff", "options": {"sheet": "Técnicos"}}', "utf-8")

        def add() -> Path:
            path = Path(tmp) / f"w{next(paths)}" / "bench.duckdb"
            os.environ[PASSPHRASE_ENV] = passphrase
            out = io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
                    code = cli(
                        ["workspace", "add", str(path), str(folder), "--preset", str(preset)]
                    )
            finally:
                del os.environ[PASSPHRASE_ENV]
            if code != 0:
                raise RuntimeError(f"workspace add failed: {out.getvalue()[-500:]}")
            return path

        res["workspace_add"], path = _median_time(add, repeat)
        res["workspace_mb"] = path.stat().st_size / 2**20
        for p in Path(tmp).iterdir():
            if p.is_dir() and p != path.parent:
                shutil.rmtree(p)
        gc.collect()
        res["load_workspace"], _ = _median_time(
            lambda: Workspace.open(path, passphrase).load(), repeat
        )

        def report() -> Any:
            data = Workspace.open(path, passphrase).load()
            return Engine(data).report(ReportOptions(by="client,month"))

        res["report_workspace"], _ = _median_time(report, repeat)
    return res


def floors(folder: Path, repeat: int, xlsx: Path | None) -> dict[str, float]:
    """The libraries alone on the same bytes (see the module's docstring)."""
    import duckdb
    import fastexcel
    import pyarrow as pa
    from pyarrow import csv as pacsv

    def sniff(path: Path) -> tuple[str, str, list[str]]:
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
        try:  # a character cut at the end of the head is not an error
            text = codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
            encoding = "utf8"
        except UnicodeDecodeError:
            text, encoding = head.decode("cp1252", errors="replace"), "cp1252"
        first = text.splitlines()[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        return encoding, delimiter, next(csv.reader([first], delimiter=delimiter))

    def raw_csv(path: Path) -> pa.Table:
        encoding, delimiter, names = sniff(path)
        return pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(encoding=encoding),
            parse_options=pacsv.ParseOptions(delimiter=delimiter),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
        )

    csvs = sorted(folder.glob("*.csv"))
    res: dict[str, float] = {}
    res["floor_csv_tickets"], _ = _median_time(lambda: raw_csv(folder / "tickets.csv"), repeat)
    res["floor_csv_all"], _ = _median_time(lambda: [raw_csv(p) for p in csvs], repeat)
    con = duckdb.connect()

    def duckdb_csv(path: Path) -> pa.Table:
        encoding, delimiter, _ = sniff(path)
        return con.sql(
            "SELECT * FROM read_csv($path, all_varchar = true, header = true, delim = $delim, "
            "encoding = $encoding)",
            params={"path": str(path), "delim": delimiter,
                    "encoding": "utf-8" if encoding == "utf8" else "latin-1"},
        ).to_arrow_table()  # fmt: skip

    res["floor_csv_all_duckdb"], _ = _median_time(lambda: [duckdb_csv(p) for p in csvs], repeat)
    con.close()
    if xlsx is not None:
        xblob = xlsx.read_bytes()

        def raw_xlsx() -> Any:
            reader = fastexcel.read_excel(xblob)
            return reader.load_sheet(0, header_row=None, dtypes="string").to_arrow()

        res["floor_xlsx_tickets"], _ = _median_time(raw_xlsx, repeat)
    return res


def page_rerun(folder: Path, repeat: int) -> dict[str, float]:
    """Median times of Overview reruns: unchanged, and after a client filter change on
    the Overview and the Service desk (one quarter), the data already loaded."""
    from streamlit.testing.v1 import AppTest

    from ui import state

    sources = [state.Source(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.session_state[state._STATE_KEY] = state.AppState(sources=sources, kind="uploads")
    del sources
    _checked(at.run())
    out: dict[str, float] = {}
    out["page_rerun"], _ = _median_time(lambda: _checked(at.run()), repeat)
    _checked(
        at.selectbox(key=state.widget_key(state.K_PERIOD, "en")).set_value("this_quarter").run()
    )
    engine = at.session_state[state._STATE_KEY].engine
    clients = iter(engine.clients()[1:])
    for name in ("overview", "service_desk"):
        _checked(at.switch_page(f"pages/{name}.py").run())

        def pick() -> Any:
            at.multiselect(key=state.K_CLIENTS).set_value([next(clients)])
            return _checked(at.run())

        out[f"filter_rerun_{name}"], _ = _median_time(pick, max(repeat, 5))
    return out


def _checked(at: Any) -> Any:
    if at.exception or at.error:
        shown = at.exception[0].message if at.exception else at.error[0].value
        raise RuntimeError(f"the app failed: {shown}")
    return at


def peak_rss_mb(folder: Path) -> float:
    """Peak memory of a fresh process that loads the data and computes a report.

    ``VmHWM``, not ``ru_maxrss``: Linux carries the parent's peak over into a child's
    ``ru_maxrss`` at exec, so that would report this process (which holds the data too)."""
    code = (
        "from kpi.load import LoadOptions, load_files\n"
        "from kpi.load.presets import Preset\n"
        "from kpi.report import Engine, ReportOptions\n"
        "o = LoadOptions(presets=[Preset('staff', options={'sheet': 'Técnicos'})])\n"
        f"d = load_files([{str(folder)!r}], o)\n"
        "Engine(d).report(ReportOptions(by='client,month'))\n"
        "print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def session_rss_mb(folder: Path) -> dict[str, float]:
    """Resident and peak memory of a fresh process running the app on the data set."""
    code = (
        "import gc, json, time\n"
        "from pathlib import Path\n"
        "import pyarrow as pa\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from ui import state\n"
        f"folder = Path({str(folder)!r})\n"
        "sources = [state.Source(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]\n"
        "at = AppTest.from_file('app.py', default_timeout=900)\n"
        "at.session_state[state._STATE_KEY] = state.AppState(sources=sources, kind='uploads')\n"
        "del sources\n"
        "at.run()\n"
        "assert not at.exception, at.exception\n"
        "time.sleep(5)  # uploads over 8 MB are packed in the background\n"
        "gc.collect()\n"
        "pa.default_memory_pool().release_unused()\n"
        "status = open('/proc/self/status').read()\n"
        "rss = int(status.split('VmRSS:')[1].split()[0]) / 1024\n"
        "peak = int(status.split('VmHWM:')[1].split()[0]) / 1024  # see peak_rss_mb\n"
        "print(json.dumps({'session_rss_mb': rss, 'session_peak_rss_mb': peak}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# --------------------------------------------------------------------------- baseline


TICKET_DATES = ["Date Entered", "Date Resolved", "Required Date"]


def baseline(folder: Path, repeat: int, xlsx: Path | None) -> dict[str, float]:
    """The notebook way; ``repeat`` times each."""
    import pandas as pd

    res: dict[str, float] = {}

    def read_tickets() -> Any:
        return pd.read_csv(folder / "tickets.csv", parse_dates=TICKET_DATES)

    res["csv_tickets"], tickets = _median_time(read_tickets, repeat)
    if xlsx is not None:
        res["xlsx_tickets"], _ = _median_time(lambda: pd.read_excel(xlsx), 1)

    def kpis(tk: Any, te: Any, inv: Any) -> Any:
        tk = tk.drop_duplicates("Ticket #", keep="last")
        tk["month"] = tk["Date Entered"].dt.to_period("M")
        tk["res_h"] = (tk["Date Resolved"] - tk["Date Entered"]).dt.total_seconds() / 3600
        tk["sla"] = tk["Date Resolved"] <= tk["Required Date"]
        t = tk.groupby(["Company", "month"]).agg(
            opened=("Ticket #", "size"), resolved=("Date Resolved", "count"),
            mean_res=("res_h", "mean"), sla=("sla", "mean"),
        )  # fmt: skip
        te["month"] = te["Date Worked"].dt.to_period("M")
        te["billable_h"] = te["Hours Worked"].where(te["isNonBillable"] == False, 0.0)  # noqa: E712
        u = te.groupby(["Resource", "month"]).agg(
            hours=("Hours Worked", "sum"), billable=("billable_h", "sum")
        )
        inv["month"] = inv["*InvoiceDate"].dt.to_period("M")
        r = inv.groupby(["*ContactName", "month"])["LineAmount"].sum()
        return t, u, r

    def end_to_end() -> Any:
        tk = pd.read_csv(folder / "tickets.csv", parse_dates=TICKET_DATES)
        te = pd.read_csv(folder / "time_entries.csv", parse_dates=["Date Worked"])
        inv = pd.read_csv(folder / "invoices.csv", parse_dates=["*InvoiceDate"], dayfirst=True)
        return kpis(tk, te, inv)

    res["end_to_end"], _ = _median_time(end_to_end, repeat)
    te = pd.read_csv(folder / "time_entries.csv", parse_dates=["Date Worked"])
    inv = pd.read_csv(folder / "invoices.csv", parse_dates=["*InvoiceDate"], dayfirst=True)
    res["full_report"], _ = _median_time(
        lambda: kpis(tickets.copy(), te.copy(), inv.copy()), repeat
    )
    return res


# --------------------------------------------------------------------------- client report


def client_reports(repeat: int) -> dict[str, Any]:
    """``client_report_warmup``, ``client_report_one`` and ``client_report_all`` on the
    committed sample (see the module's docstring)."""
    from kpi import Engine, LoadOptions, load_files
    from kpi.present.client_report import client_pdfs
    from ui.report_charts import chart_svgs

    engine = Engine(load_files([ROOT / "sample_data"], LoadOptions()))
    clients = engine.clients()
    t0 = time.perf_counter()
    list(
        client_pdfs(engine, clients[:1], chart_svgs)
    )  # vl-convert's engine starts, once per process
    warmup = time.perf_counter() - t0
    picks = iter(clients[1:])
    one, _ = _median_time(lambda: list(client_pdfs(engine, [next(picks)], chart_svgs)), repeat)
    every, _ = _median_time(lambda: list(client_pdfs(engine, clients, chart_svgs)), 1)
    return {"client_report_warmup": warmup, "client_report_one": one,
            "client_report_all": every, "client_report_clients": len(clients)}  # fmt: skip


# --------------------------------------------------------------------------- clean peers


#: the clean export's 11 columns: ISO timestamps, plain numbers
CLEAN_COLUMNS = (
    "Ticket #", "Company", "Status", "Priority", "Resource", "Date Entered",
    "Date Responded", "Required Date", "Date Resolved", "Reopens", "Actual Hours",
)  # fmt: skip
#: the generated tickets export writes its dates as ``11/13/2024 7:34 AM``
_GENERATED_DATE = "%m/%d/%Y %I:%M %p"


def write_clean_tickets(folder: Path, out: Path) -> None:
    """The generated tickets as a clean export: the 11 :data:`CLEAN_COLUMNS`, dates as
    ``2024-11-13 07:34:00``, numbers as written (``1.25``). ``strptime`` fails on a date
    of any other shape, so the file is clean or the bench stops."""
    import duckdb

    def column(name: str) -> str:
        if not name.startswith(("Date", "Required")):
            return f'"{name}"'
        iso = f"strptime(\"{name}\", '{_GENERATED_DATE}')"
        return f"strftime({iso}, '%Y-%m-%d %H:%M:%S') AS \"{name}\""

    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.sql(
            f"SELECT {', '.join(column(c) for c in CLEAN_COLUMNS)} "
            "FROM read_csv($src, all_varchar = true, header = true)",
            params={"src": str(folder / "tickets.csv")},
        ).to_csv(str(out), header=True)
    finally:
        con.close()


# The peers compute six ticket KPIs by client and month: tickets opened, resolved, mean
# resolution hours, mean first response hours, SLA rate and reopen rate (of the resolved);
# each writes its table to OUT, as the command line does.
PANDAS_NOTEBOOK = """
import pandas as pd
dates = ["Date Entered", "Date Responded", "Required Date", "Date Resolved"]
tk = pd.read_csv(SRC, parse_dates=dates)
tk["month"] = tk["Date Entered"].dt.to_period("M")
resolved = tk["Date Resolved"].notna()
tk["res_h"] = (tk["Date Resolved"] - tk["Date Entered"]).dt.total_seconds() / 3600
tk["frt_h"] = (tk["Date Responded"] - tk["Date Entered"]).dt.total_seconds() / 3600
tk["sla"] = (tk["Date Resolved"] <= tk["Required Date"]).where(resolved)
tk["reopened"] = (tk["Reopens"] > 0).where(resolved)
kpis = tk.groupby(["Company", "month"]).agg(
    opened=("Ticket #", "size"), resolved=("Date Resolved", "count"),
    mean_resolution_h=("res_h", "mean"), mean_first_response_h=("frt_h", "mean"),
    sla_rate=("sla", "mean"), reopen_rate=("reopened", "mean"),
)
kpis.to_csv(OUT)
"""

DUCKDB_NOTEBOOK = """
import duckdb
con = duckdb.connect()
con.sql(
    '''SELECT "Company" AS client, date_trunc('month', "Date Entered") AS month,
        count(*) AS opened, count("Date Resolved") AS resolved,
        avg(epoch("Date Resolved" - "Date Entered") / 3600) AS mean_resolution_h,
        avg(epoch("Date Responded" - "Date Entered") / 3600) AS mean_first_response_h,
        avg(("Date Resolved" <= "Required Date")::INT) AS sla_rate,
        avg(("Reopens" > 0)::INT) FILTER (WHERE "Date Resolved" IS NOT NULL) AS reopen_rate
    FROM read_csv($src) GROUP BY ALL ORDER BY ALL''',
    params={"src": SRC},
).to_csv(OUT)
"""

#: ``python -m kpi report`` as a user runs it
OUR_CLI = """
import runpy, sys
sys.argv = ["kpi", "report", SRC, "--by", "client,month", "--out", OUT]
runpy.run_module("kpi", run_name="__main__")
"""

#: run first in each: the process's peak memory (VmHWM, see peak_rss_mb) on stderr at exit
_PEAK = """
import atexit, sys
def _peak():
    status = open("/proc/self/status").read()
    print("VmHWM", status.split("VmHWM:")[1].split()[0], file=sys.stderr)
atexit.register(_peak)
"""


def _timed_process(code: str, src: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak MB of a fresh Python process running ``code``: imports included,
    as a user's notebook or command pays them."""
    head = f"SRC = {str(src)!r}\nOUT = {str(out)!r}\n{_PEAK}"
    # Python as a user runs it keeps compiled modules (__pycache__); an environment that
    # turns that off (PYTHONDONTWRITEBYTECODE) would have our process alone compile its
    # modules from source each run, the libraries' being compiled at install
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", head + code], capture_output=True, text=True, cwd=ROOT, env=env
    )
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"a peer failed: {done.stderr[-800:]}")
    peak = [line for line in done.stderr.splitlines() if line.startswith("VmHWM ")][-1]
    return seconds, int(peak.split()[1]) / 1024


def clean_peers(folder: Path, repeat: int) -> dict[str, Any]:
    """The whole command-line run against the two honest peers on the same clean export
    (see the module's docstring): medians of ``repeat`` fresh processes, run in turn so
    that the machine's other load falls on the three alike; each one's peak memory; the
    ratios, peer time / our time (above 1: we are faster)."""
    src = folder.parent / f"{folder.name}_clean_tickets.csv"
    write_clean_tickets(folder, src)
    peers = {"ours": OUR_CLI, "pandas": PANDAS_NOTEBOOK, "duckdb": DUCKDB_NOTEBOOK}
    runs: dict[str, list[float]] = {k: [] for k in peers}
    peaks = dict.fromkeys(peers, 0.0)
    try:
        with tempfile.TemporaryDirectory(prefix="kpi-bench-out-") as tmp:
            for name, code in peers.items():  # warm-up, not counted: compiled modules
                _timed_process(code, src, Path(tmp) / f"{name}.csv")  # and the file cached
            for _ in range(repeat):
                for name, code in peers.items():
                    seconds, peak = _timed_process(code, src, Path(tmp) / f"{name}.csv")
                    runs[name].append(seconds)
                    peaks[name] = max(peaks[name], peak)
    finally:
        src.unlink()
    seconds = {k: statistics.median(v) for k, v in runs.items()}
    return {
        "seconds": seconds,
        "runs": runs,
        "peak_rss_mb": peaks,
        "ratio_vs_duckdb": seconds["duckdb"] / seconds["ours"],
        "ratio_vs_pandas": seconds["pandas"] / seconds["ours"],
    }


# --------------------------------------------------------------------------- driver


def run(sizes: list[int], repeat: int, xlsx_rows: int) -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "repeat": repeat,
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="kpi-bench-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"t{n}"
            t0 = time.perf_counter()
            generate(n, folder)
            xlsx = None
            if n <= xlsx_rows:
                xfolder = Path(tmp) / f"x{n}"
                generate(n, xfolder, "xlsx")
                xlsx = next(xfolder.glob("tickets*.xlsx"))
            gen = time.perf_counter() - t0
            print(f"[{n:,} tickets] generated in {gen:.1f}s", file=sys.stderr)
            clean = clean_peers(folder, repeat)
            print(ratios_line(n, clean), file=sys.stderr)
            mine = ours(folder, repeat, xlsx)
            gc.collect()
            mine.update(workspaces(folder, repeat))
            floor = floors(folder, repeat, xlsx)
            gc.collect()  # the engine's tables go before the app loads its own copy
            mine.update(page_rerun(folder, repeat))
            gc.collect()
            mine["peak_rss_mb"] = peak_rss_mb(folder)
            mine.update(session_rss_mb(folder))
            base_repeat = repeat if n <= 1_000_000 else 1
            base = baseline(folder, base_repeat, xlsx)
            ratios = {k: base[k] / mine[k] for k in base if k in mine and mine[k] > 0}
            results["sizes"][str(n)] = {
                "ours": mine, "pandas": base, "speedup": ratios, "baseline_repeat": base_repeat,
                "floor": floor, "clean": clean,
            }  # fmt: skip
            print(table({str(n): results["sizes"][str(n)]}), file=sys.stderr)
    return results


def table(sizes: dict[str, Any]) -> str:
    lines = [f"{'tickets':>10} {'measure':<26} {'ours':>10} {'pandas':>10} {'speedup':>8}"]
    for n, r in sizes.items():
        for k, v in r["ours"].items():
            base = r["pandas"].get(k)
            sp = r["speedup"].get(k)
            unit = "" if k == "report_rows" or k.endswith("_mb") else "s"
            base_s = "" if base is None else f"{base:9.3f}s"
            sp_s = "" if sp is None else f"{sp:7.1f}x"
            lines.append(f"{int(n):>10,} {k:<26} {v:>9.3f}{unit:1} {base_s:>10} {sp_s:>8}")
        for k, v in r.get("floor", {}).items():
            lines.append(f"{int(n):>10,} {k:<26} {v:>9.3f}s")
    return "\n".join(lines)


def ratios_line(n: int, clean: dict[str, Any]) -> str:
    """``1,000,000 clean tickets: ours 1.23s, duckdb 1.10s (0.89x), pandas 2.00s (1.63x)``:
    the ratios are peer time / our time."""
    s = clean["seconds"]
    return (
        f"{n:>10,} clean tickets: ours {s['ours']:.2f}s, "
        f"duckdb {s['duckdb']:.2f}s ({clean['ratio_vs_duckdb']:.2f}x), "
        f"pandas {s['pandas']:.2f}s ({clean['ratio_vs_pandas']:.2f}x)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results.json"))
    parser.add_argument("--client-report-only", action="store_true",
                        help="only the client review PDF timings, on the sample")  # fmt: skip
    args = parser.parse_args(argv)
    if args.client_report_only:
        found = client_reports(args.repeat)
        print(json.dumps(found, indent=2))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    results = run(sizes, args.repeat, args.xlsx_rows)
    results["client_report"] = client_reports(args.repeat)
    text = json.dumps(results, indent=2)
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    print(table(results["sizes"]))
    print("the command line on a clean export against the peers (peer time / ours):")
    for n, r in results["sizes"].items():
        print(ratios_line(int(n), r["clean"]))
    return 0
