"""Browser benchmark: a sidebar filter change to the updated chart, as a user sees it.

``python -m bench.browser`` generates the sample MSP with ``--tickets`` tickets (1,000,000
by default: ``sample_data/generate.py``, CSV, ~480 MB, in a temporary folder) unless
``--data DIR`` names a folder, starts ``streamlit run app.py`` on 127.0.0.1 (a free port,
the repo's config: XSRF protection stays on) and drives one page of a headless Chromium
(Debian's, /usr/bin/chromium; 1400x1000) the way a user would:

1. ``load_s``: on the Data page, every file of the folder goes into the file uploader at
   once (``set_input_files``); the time runs from handing the files over until the page
   says "Showing N uploaded file(s)." with its rows-read line and the script is idle
   (``[data-testid=stApp][data-test-script-state=notRunning]``): upload, reading,
   assembly and the Data page's render. ``upload_s`` is the part until the last upload
   request answered.
2. ``open_service_desk_s``: the Service desk page, from the click in the navigation until
   its chart "CSAT by month" is drawn and the script is idle (the first reports of the
   loaded data).
3. ``--repeat`` filter changes of each kind, each to a filter state the session has not
   shown before (the app keeps reports per session and options: a repeated state would
   be a cache hit):

   * ``filter_client``: pick one client in the sidebar's Clients multiselect (a
     different client each time; the name is typed into its search box first, untimed);
   * ``filter_clear``: remove that client again (the "x" of its tag) - back to all
     clients, a state seen before, so its reports come from the session's cache: this
     is the rerun and the render without the report queries (the breakdowns by priority
     and queue are still computed);
   * ``filter_period``: pick a Period preset not used before (no client selected; once
     the presets run out an unused client is selected first, untimed, so that each
     timed change still reaches a new state).

What is timed, for each change, in the page itself (``performance.now()``): from the
press on the option (its ``pointerdown`` event) to the first animation frame at which the
chart "CSAT by month" shows new data - its SVG differs from the one before the press and
holds drawn marks - and the script is idle. A probe installed before the press samples
the chart's SVG and the script state in every animation frame (a MutationObserver adds
the exact times of the script-state changes). A change counts as done only after 0.5 s
with nothing changing any more (script state, that chart, any chart of the page); if the
chart changed again meanwhile, the end moves to its last change, so an intermediate
render cannot end the timer early. Each sample also gives: ``running_s`` (press -> the
script reported running: round trip and queueing), ``chart_s`` (press -> the chart's new
data first drawn), ``idle_s`` (press -> script idle), ``all_charts_s`` (press -> the last
change of any chart on the page) and ``driver_s`` (seen from Python: before Playwright's
click until it saw the change done; it adds Playwright's own work, so it overestimates).
The headline figure is ``total_s``; the target of the issue is 0.5 s. A client whose
data draws no such chart (a prospect without tickets: the page shows no charts) is
listed under ``skipped`` once the rerun ended and the chart stayed absent for 1 s, and
another client is tried; the untimed set-up changes (``setup_*``) stay out of the figures.

Errors are counted, never swallowed: a change that does not complete within the
timeout, a filter that did not take (the tags in the multiselect), Streamlit exception
elements (``[data-testid=stException]``), the app's own error message, page and console
errors, failed requests, HTTP errors, requests to other hosts than the server, and
tracebacks in the server's log. Samples with an error stay out of the statistics.

Also recorded: the server's RSS (the server process and its children, ``VmRSS``) right
after loading, 10 s later (settled: the background packing of the uploads is done), with
the Service desk open and at the end, its high-water mark, the machine, the git revision and whether
the tree had changes. Output: JSON on stdout and in ``--out``
(``bench/browser_results.json``), a short table on stderr. Only 127.0.0.1 is contacted.
This is a benchmark, not a test: nothing is asserted, the numbers are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.load import (
    CHROMIUM,
    CHROMIUM_ARGS,
    IDLE,
    ROOT,
    Tally,
    _status_kb,
    rss_mb,
    start_server,
    stop_server,
)
from bench.run import generate

#: seconds after the load before the server's memory is read again (settled)
SETTLE_S = 10.0
#: the chart watched on the Service desk page (monthly, follows the client filter)
CHART_TITLE = "CSAT by month"
PAGE = "Service desk"
#: Period presets as the sidebar shows them, but for "Last 12 months" (the app's default)
#: and "Custom range"
PERIODS = ["This quarter", "Last month", "Year to date", "Last quarter", "Month to date"]
#: a filter change on a slow machine at 1M tickets stays far below this
STEP_TIMEOUT_MS = 180_000
#: loading 1M tickets takes ~10 s on 2 cores
LOAD_TIMEOUT_S = 600
#: nothing may change for this long before a change counts as done
QUIET_MS = 500
#: the app's message for a page that failed (ui/i18n.py "app.error"), its first words
APP_ERROR = "Something went wrong while showing this page"

#: installed before each timed press: samples the watched chart and the script state
PROBE_JS = """
(title) => {
  if (window.__bench) window.__bench.end();
  const app = document.querySelector('[data-testid=stApp]');
  const state = () => app.getAttribute('data-test-script-state');
  const charts = () => document.querySelectorAll('[data-testid=stVegaLiteChart]');
  const svgOf = (c) => { const s = c.querySelector('svg'); return s ? s.outerHTML : ''; };
  const watched = () => {
    for (const c of charts()) {
      const t = c.querySelector('.role-title text');
      if (t && t.textContent.trim() === title) return svgOf(c);
    }
    return '';
  };
  const all = () => Array.from(charts(), svgOf).join('\\n');
  const drawn = (s) => s.includes('role-mark');
  const b = {
    stop: false, press: null, states: [], frames: 0, before: watched(),
    chart: null, chartLast: null, anyLast: null, okAt: null, ok: false,
    sawRunning: false, absentSince: null,
  };
  const listening = new AbortController();
  b.end = () => { b.stop = true; listening.abort(); };
  window.__bench = b;
  b.beforeDrawn = drawn(b.before);
  b.startState = state();
  let sig = b.before, sigAll = all();
  document.addEventListener('pointerdown', (e) => {
    if (b.press === null) b.press = e.timeStamp;
  }, {capture: true, signal: listening.signal});
  const mo = new MutationObserver(() => {
    if (b.stop) { mo.disconnect(); return; }
    const st = state();
    b.states.push([performance.now(), st]);
    if (b.press !== null && st === 'running') b.sawRunning = true;
  });
  mo.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  const frame = () => {
    if (b.stop) return;
    const now = performance.now();
    b.frames += 1;
    if (b.press !== null) {
      const s = watched();
      if (s !== sig) {
        sig = s;
        b.chartLast = now;
        if (b.chart === null && s !== b.before && drawn(s)) b.chart = now;
      }
      const sa = all();
      if (sa !== sigAll) { sigAll = sa; b.anyLast = now; }
      const idle = state() === 'notRunning';
      const ok = sig !== b.before && drawn(sig) && idle;
      if (ok && !b.ok) b.okAt = now;
      b.ok = ok;
      // the rerun is over and the page has no such chart (a client without its data)
      if (b.sawRunning && idle && sig === '') b.absentSince ??= now;
      else b.absentSince = null;
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  return {drawn: b.beforeDrawn, state: b.startState};
}
"""

#: true once the change is done and nothing changed for ``quiet`` ms, or once the rerun
#: ended without the chart for twice that long
SETTLED_JS = """
(quiet) => {
  const b = window.__bench;
  if (!b) return false;
  if (b.absentSince !== null) return performance.now() - b.absentSince >= 2 * quiet;
  if (!b.ok) return false;
  const last = Math.max(b.okAt, b.chartLast ?? 0, b.anyLast ?? 0,
                        ...b.states.map((s) => s[0]));
  return performance.now() - last >= quiet;
}
"""

#: the probe's findings, relative to the press, in seconds
RESULT_JS = """
() => {
  const b = window.__bench;
  b.end();
  const rel = (t) => (t === null || b.press === null ? null : (t - b.press) / 1000);
  const running = b.states.find((s) => s[0] >= b.press && s[1] === 'running');
  const idle = b.states.filter((s) => s[1] === 'notRunning').pop();
  const end = b.okAt === null ? null : Math.max(b.okAt, b.chartLast ?? 0);
  return {
    status: b.ok ? 'ok' : (b.absentSince !== null ? 'no_chart' : 'unsettled'),
    total_s: rel(end), running_s: rel(running ? running[0] : null), chart_s: rel(b.chart),
    idle_s: rel(idle ? idle[0] : null), all_charts_s: rel(b.anyLast),
    saw_running: Boolean(running), frames: b.frames,
    states: b.states.map((s) => [rel(s[0]), s[1]]),
  };
}
"""

#: what the probe saw when a change timed out
PARTIAL_JS = """
() => {
  const b = window.__bench;
  if (!b) return null;
  return {pressed: b.press !== null, chart_changed: b.chart !== null, ok: b.ok,
          frames: b.frames, states: b.states.map((s) => s[1])};
}
"""


# --------------------------------------------------------------------------- the page


class Bench:
    """One browser page on the app: load the data, then time filter changes."""

    def __init__(self, page: Any, url: str, tally: Tally) -> None:
        self.page = page
        self.url = url
        self.tally = tally
        self.samples: dict[str, list[dict[str, Any]]] = {}
        self.skipped: list[dict[str, str]] = []
        self.sidebar = page.locator("[data-testid=stSidebar]")
        self.clients_box = self.sidebar.locator("[data-testid=stMultiSelect]").first

    # ------------------------------------------------------------------ helpers

    async def idle(self, timeout: int = STEP_TIMEOUT_MS) -> None:
        await self.page.wait_for_timeout(300)
        await self.page.wait_for_selector(IDLE, timeout=timeout)

    async def nav(self, title: str) -> None:
        nav = self.page.locator("[data-testid=stSidebarNav]")
        await nav.get_by_text(title, exact=True).click()

    async def shown_errors(self, where: str) -> int:
        """Streamlit exception elements and the app's error message on the page."""
        found = 0
        exc = self.page.locator("[data-testid=stException]")
        if await exc.count():
            found += 1
            text = await exc.first.inner_text()
            self.tally.error("st_exception", f"{where}: {text}")
        app_err = self.page.get_by_text(APP_ERROR)
        if await app_err.count():
            found += 1
            self.tally.error("app_error", f"{where}: the page showed the app's error message")
        return found

    async def selected_clients(self) -> list[str]:
        names = await self.clients_box.get_by_role("button", name="Remove ").all()
        out = []
        for b in names:
            label = await b.get_attribute("aria-label") or ""
            out.append(label.removeprefix("Remove "))
        return out

    # ------------------------------------------------------------------ steps

    async def open(self) -> None:
        await self.page.goto(self.url)
        await self.idle(timeout=120_000)

    async def load(self, folder: Path) -> dict[str, Any]:
        """Upload every file of ``folder`` on the Data page; wait until it is read."""
        files = sorted(p for p in folder.iterdir() if p.is_file())
        await self.nav("Data")
        await self.page.get_by_role("heading", name="Data", exact=True).wait_for()
        await self.idle()
        uploads: list[float] = []

        def on_finished(request: Any) -> None:
            if "/_stcore/upload_file" in request.url:
                uploads.append(time.perf_counter())

        self.page.on("requestfinished", on_finished)
        shown = f"Showing {len(files)} uploaded file(s)."
        failures = ("request_failed", "http_error", "page_error")
        failed_before = sum(self.tally.errors.get(k, 0) for k in failures)
        t0 = time.perf_counter()
        uploader = self.page.locator("[data-testid=stFileUploaderDropzoneInput]").first
        await uploader.set_input_files([str(p) for p in files])
        # polled every 0.1 s (the page's text, not every frame: the upload needs the CPU);
        # a failed upload request or a page error ends the wait at once
        while not await self.page.evaluate(
            """([shown, idle]) => document.querySelector(idle) !== null
                && document.body.innerText.includes(shown)
                && / rows read, /.test(document.body.innerText)""",
            [shown, IDLE],
        ):
            if sum(self.tally.errors.get(k, 0) for k in failures) > failed_before:
                raise RuntimeError("the upload failed (see the request and page errors)")
            if await self.shown_errors("load"):
                raise RuntimeError("the Data page showed an error while loading")
            if time.perf_counter() - t0 > LOAD_TIMEOUT_S:
                raise TimeoutError(f"the data was not loaded within {LOAD_TIMEOUT_S} s")
            await asyncio.sleep(0.1)
        load_s = time.perf_counter() - t0
        self.page.remove_listener("requestfinished", on_finished)
        await self.shown_errors("load")
        text = await self.page.locator("[data-testid=stMain]").inner_text()
        m = re.search(r"(\d+) table\(s\): ([\d,]+) rows read, ([\d,]+) loaded", text)
        unreadable = text.count(" could not be read: ")
        unrecognised = text.count("Not recognised: ")
        return {
            "files": len(files),
            "bytes": sum(p.stat().st_size for p in files),
            "load_s": round(load_s, 2),
            "upload_s": round(max(uploads) - t0, 2) if uploads else None,
            "upload_requests": len(uploads),
            "tables": int(m.group(1)) if m else None,
            "rows_read": int(m.group(2).replace(",", "")) if m else None,
            "rows_loaded": int(m.group(3).replace(",", "")) if m else None,
            "unreadable_files": unreadable,
            "unrecognised_tables": unrecognised,
        }

    async def open_page(self) -> float:
        t0 = time.perf_counter()
        await self.nav(PAGE)
        await self.page.get_by_role("heading", name=PAGE, exact=True).wait_for(
            timeout=STEP_TIMEOUT_MS
        )
        await self.page.wait_for_function(
            """([title, idle]) => {
              if (document.querySelector(idle) === null) return false;
              for (const c of document.querySelectorAll('[data-testid=stVegaLiteChart]')) {
                const t = c.querySelector('.role-title text');
                const s = c.querySelector('svg');
                if (t && t.textContent.trim() === title && s)
                  return s.outerHTML.includes('role-mark');
              }
              return false;
            }""",
            arg=[CHART_TITLE, IDLE],
            polling="raf",
            timeout=STEP_TIMEOUT_MS,
        )
        took = time.perf_counter() - t0
        await self.shown_errors("open " + PAGE)
        await self.page.wait_for_timeout(1000)
        return took

    async def client_names(self, want: int) -> list[str]:
        """Clients the multiselect offers, ``want`` at most: its dropdown shows about ten
        at a time, so a few searches (typed, no rerun) add more."""
        box = self.page.get_by_role("combobox", name="Clients", exact=True)
        await box.click()
        names: list[str] = []
        for query in ("", "S.L", "S.A", "00", "Ltd"):
            await box.fill(query)
            await self.page.wait_for_timeout(300)
            for text in await self.page.get_by_role("option").all_inner_texts():
                name = text.strip()
                if name and not name.startswith("Select all") and name not in names:
                    names.append(name)
            if len(names) >= want:
                break
        await box.fill("")
        await self.page.keyboard.press("Escape")
        return names[:want]

    async def changes(self, repeat: int) -> None:
        """The timed filter changes (see the module's docstring)."""
        # prospects without tickets draw no chart: skipped, so more clients than needed
        extra = (repeat - 1) // len(PERIODS)
        pool = iter(await self.client_names(3 * (repeat + extra) + 5))
        picked = 0
        for client in pool:
            good = await self.pick_client(client)
            if await self.selected_clients():  # back to all clients
                await self.clear_client(client, "filter_clear" if good else "setup_clear")
            picked += good
            if picked == repeat:
                break
        if picked < repeat:
            self.tally.error("few_clients", f"{picked} client picks drew the chart, not {repeat}")
        for i in range(repeat):
            if i and i % len(PERIODS) == 0:
                # every preset was seen with this client selection: a new client, untimed
                for client in pool:
                    if await self.pick_client(client, "setup_client"):
                        break
                    if await self.selected_clients():
                        await self.clear_client(client, "setup_clear")
                else:
                    self.tally.error("few_clients", "no client left for the period changes")
                    return
            await self.pick_period(PERIODS[i % len(PERIODS)])

    async def timed(self, kind: str, what: str, press: Any, expect: list[str] | None) -> bool:
        """Arm the probe, run ``press`` (the click that changes the filter), wait until
        the chart shows the change and the page settled; keep the sample. ``expect``:
        the clients the multiselect must hold afterwards. True when it completed."""
        await self.page.wait_for_selector(IDLE, timeout=STEP_TIMEOUT_MS)
        armed = await self.page.evaluate(PROBE_JS, CHART_TITLE)
        if not armed["drawn"] and not kind.startswith("setup_"):
            self.tally.error("no_chart_before", f"{kind} {what}: chart not drawn before")
        t0 = time.perf_counter()
        try:
            await press()
            await self.page.wait_for_function(
                "() => window.__bench.ok || window.__bench.absentSince !== null",
                polling="raf",
                timeout=STEP_TIMEOUT_MS,
            )
            driver_s = time.perf_counter() - t0
            await self.page.wait_for_function(
                SETTLED_JS, arg=QUIET_MS, polling=50, timeout=STEP_TIMEOUT_MS
            )
        except Exception as e:  # a timeout or a missing element: counted, the run goes on
            seen = await self.page.evaluate(PARTIAL_JS)
            self.tally.error(
                "change_failed", f"{kind} {what}: {type(e).__name__}: {e}; probe saw {seen}"
            )
            await self.page.keyboard.press("Escape")
            await self.idle()
            return False
        res = await self.page.evaluate(RESULT_JS)
        res["driver_s"] = driver_s
        res["what"] = what
        await self.page.keyboard.press("Escape")  # close the dropdown
        errors = await self.shown_errors(f"{kind} {what}")
        if expect is not None:
            got = await self.selected_clients()
            if got != expect:
                errors += 1
                self.tally.error("filter_state", f"{kind} {what}: clients {got}, not {expect}")
        if res["status"] == "no_chart" and not errors:
            # not an error of the app: this filter leaves nothing to chart (a prospect
            # without tickets); kept apart, the caller tries another client
            self.skipped.append({"kind": kind, "what": what, "why": "chart not drawn"})
            return False
        res["error"] = errors > 0
        self.samples.setdefault(kind, []).append(res)
        return errors == 0

    async def pick_client(self, client: str, kind: str = "filter_client") -> bool:
        box = self.page.get_by_role("combobox", name="Clients", exact=True)
        await box.click()
        await box.fill(client)
        option = self.page.get_by_role("option", name=client, exact=True)
        await option.wait_for()
        return await self.timed(kind, client, option.click, [client])

    async def clear_client(self, client: str, kind: str) -> bool:
        # the tag's "x" (the multiselect's "Clear all" button, in the narrow sidebar,
        # empties the box without telling the server: no rerun, the value comes back)
        remove = self.clients_box.get_by_role("button", name=f"Remove {client}", exact=True)
        return await self.timed(kind, client, remove.click, [])

    async def pick_period(self, label: str) -> bool:
        await self.page.get_by_role("combobox", name="Period", exact=True).click()
        option = self.page.get_by_role("option", name=label, exact=True)
        await option.wait_for()
        return await self.timed("filter_period", label, option.click, None)


async def drive(url: str, pid: int, folder: Path, repeat: int) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    tally = Tally()
    out: dict[str, Any] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        out["chromium"] = browser.version
        ctx = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale="en-US")
        page = await ctx.new_page()
        page.on("pageerror", lambda e: tally.error("page_error", str(e)))
        page.on(
            "console",
            lambda m: tally.error("console_error", m.text) if m.type == "error" else None,
        )
        page.on("requestfailed", lambda r: tally.error("request_failed", f"{r.url} {r.failure}"))
        page.on(
            "response",
            lambda r: tally.error("http_error", f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on(
            "request",
            lambda r: None if r.url.startswith(url) else tally.error("outside_request", r.url),
        )
        bench = Bench(page, url, tally)
        try:
            await bench.open()
            out["load"] = await bench.load(folder)
            out["rss_after_load_mb"] = round(rss_mb(pid), 1)
            # uploads over 8 MB are packed in a background thread after the load
            await asyncio.sleep(SETTLE_S)
            out["rss_settled_mb"] = round(rss_mb(pid), 1)
            out["open_service_desk_s"] = round(await bench.open_page(), 2)
            out["rss_service_desk_mb"] = round(rss_mb(pid), 1)
            await bench.changes(repeat)
            out["rss_end_mb"] = round(rss_mb(pid), 1)
        except Exception as e:  # counted and reported with whatever was measured
            tally.error("run_aborted", f"{type(e).__name__}: {e}")
        finally:
            await browser.close()
    out["samples"] = bench.samples
    out["skipped"] = bench.skipped
    out["tally"] = tally
    return out


# --------------------------------------------------------------------------- main


def _stats(samples: list[dict[str, Any]]) -> dict[str, Any]:
    good = [s for s in samples if not s["error"] and s["total_s"] is not None]
    out: dict[str, Any] = {"n": len(good), "errors": len(samples) - len(good)}
    if not good:
        return out
    totals = [s["total_s"] for s in good]
    out.update(
        median_s=round(statistics.median(totals), 3),
        min_s=round(min(totals), 3),
        max_s=round(max(totals), 3),
        samples_s=[round(t, 3) for t in totals],
    )
    for part in ("running_s", "chart_s", "idle_s", "all_charts_s", "driver_s"):
        values = [s[part] for s in good if s[part] is not None]
        if values:
            out[f"median_{part}"] = round(statistics.median(values), 3)
    parts = ("total_s", "running_s", "chart_s", "idle_s", "all_charts_s", "driver_s")
    out["detail"] = [
        {
            "what": s["what"],
            **{k: round(s[k], 3) for k in parts if s[k] is not None},
            "saw_running": s["saw_running"],
        }
        for s in good
    ]
    return out


def _git() -> dict[str, Any]:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.rstrip("\n")

    # tracked files with changes (the app as measured differs from HEAD); a porcelain
    # line is "XY path", X a space when nothing is staged
    status = git("status", "--porcelain", "--untracked-files=no")
    changed = [line[3:] for line in status.splitlines() if line]
    return {"head": git("rev-parse", "--short", "HEAD"), "changed_files": changed}


def _ticket_rows(folder: Path) -> int | None:
    """Lines of ``tickets.csv`` minus its header, when the folder has one (the generator
    adds ~3% earlier event rows of the same tickets: 1,030,307 rows for 1M tickets)."""
    path = folder / "tickets.csv"
    if not path.is_file():
        return None
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b"")) - 1


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        return None
    return None


def run(tickets: int, data: Path | None, repeat: int) -> dict[str, Any]:
    import streamlit

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kpi-browser-") as tmp:
        folder = data
        generate_s = None
        if folder is None:
            folder = Path(tmp) / "data"
            t0 = time.perf_counter()
            generate(tickets, folder)
            generate_s = round(time.perf_counter() - t0, 1)
        ticket_rows = _ticket_rows(folder)
        log = Path(tmp) / "server.log"
        proc, url = start_server(log, 60)
        try:
            time.sleep(1.0)
            res = asyncio.run(drive(url, proc.pid, folder, repeat))
            hwm = _status_kb(proc.pid, "VmHWM") / 1024
        finally:
            stop_server(proc)
        server_log = log.read_text(encoding="utf-8", errors="replace")
    tally: Tally = res["tally"]
    tracebacks = server_log.count("Traceback (most recent call last)")
    if tracebacks:
        tally.errors["server_traceback"] = tracebacks
        tally.details.append("server log: " + server_log[-1500:])
    kinds = ("filter_client", "filter_clear", "filter_period")
    return {
        # the generator's --tickets; unknown for a folder given with --data
        "tickets": tickets if data is None else None,
        "ticket_rows": ticket_rows,
        "data": str(data) if data is not None else "generated",
        "generate_s": generate_s,
        "repeat": repeat,
        "target_s": 0.5,
        "measured": f"press on the option -> chart '{CHART_TITLE}' ({PAGE}) shows the new "
        "data and the script is idle (in-page clock, animation frames)",
        "machine": {
            "cpus": os.cpu_count(),
            "memory_gb": _mem_total_gb(),
            "python": platform.python_version(),
            "streamlit": streamlit.__version__,
            "chromium": res.get("chromium"),
            # other work on the machine skews the latencies
            "load_average_1min_before": round(load_before, 2),
            "load_average_1min_after": round(os.getloadavg()[0], 2),
        },
        "git": _git(),
        "load": res.get("load"),
        "open_service_desk_s": res.get("open_service_desk_s"),
        "skipped": res.get("skipped"),
        "rss_mb": {
            "after_load": res.get("rss_after_load_mb"),
            f"after_load_{SETTLE_S:g}s_idle": res.get("rss_settled_mb"),
            "service_desk_open": res.get("rss_service_desk_mb"),
            "end": res.get("rss_end_mb"),
            "server_high_water_mark": round(hwm, 1),
        },
        "changes": {k: _stats(res["samples"].get(k, [])) for k in kinds},
        "errors": {"total": sum(tally.errors.values()), **dict(sorted(tally.errors.items()))},
        "error_details": tally.details,
    }


def table(res: dict[str, Any]) -> str:
    load = res.get("load") or {}
    rss = res["rss_mb"]
    lines = [
        f"browser benchmark: {res['tickets'] or 0:,} tickets ({res['ticket_rows'] or 0:,} "
        f"rows in tickets.csv), {res['machine']['cpus']} CPUs, "
        f"git {res['git']['head']}{' (changed files)' if res['git']['changed_files'] else ''}",
        f"load (upload + read): {load.get('load_s')} s (upload {load.get('upload_s')} s), "
        f"{load.get('rows_read') or 0:,} rows read; server RSS {rss['after_load']} MB, "
        f"{rss[f'after_load_{SETTLE_S:g}s_idle']} MB {SETTLE_S:g} s later, "
        f"peak {rss['server_high_water_mark']} MB (main process)",
        f"open {PAGE}: {res.get('open_service_desk_s')} s",
        f"{'change':<15}{'n':>3}{'median':>9}{'min':>8}{'max':>8}   "
        f"(s; target {res['target_s']} s; median parts: running / chart / idle)",
    ]
    for kind, s in res["changes"].items():
        if not s.get("n"):
            lines.append(f"{kind:<15}{0:>3}   (errors: {s.get('errors', 0)})")
            continue
        parts = " / ".join(
            f"{s.get(f'median_{p}_s', float('nan')):.2f}" for p in ("running", "chart", "idle")
        )
        lines.append(
            f"{kind:<15}{s['n']:>3}{s['median_s']:>9.2f}{s['min_s']:>8.2f}{s['max_s']:>8.2f}"
            f"   {parts}"
        )
    lines.append(f"errors: {res['errors']['total']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.browser", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--data", type=Path, help="a folder of exports instead of generating")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default=str(ROOT / "bench" / "browser_results.json"))
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"needs Debian's chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    if args.data is not None and not args.data.is_dir():
        print(f"--data: {args.data} is not a folder", file=sys.stderr)
        return 2
    results = run(args.tickets, args.data, max(1, args.repeat))
    text = json.dumps(results, indent=2, ensure_ascii=False)
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    print(table(results), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
