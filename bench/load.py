"""Load benchmark (issue 6): concurrent browser sessions against a real server.

``python -m bench.load`` starts ``streamlit run app.py`` on 127.0.0.1 (a free port, the
repo's config), then one headless Chromium (Debian's, /usr/bin/chromium) with
``--sessions`` browser contexts (10 by default: ten sessions) that work on the built-in
sample data for ``--seconds`` (60 by default). Each session loops:

* open the Overview;
* change the client filter (pick a client of the sample; the next time, clear it);
* switch pages: Service desk, Resources, Alerts;
* change the period (cycling through four presets).

Every interaction waits for the script to finish
(``[data-testid=stApp][data-test-script-state=notRunning]``) and counts as completed
then. Errors counted: Streamlit exception elements (``[data-testid=stException]``),
page errors, console errors, failed requests, interactions that time out, and
tracebacks in the server's log.

Memory: the RSS (``VmRSS`` in /proc/PID/status) of the server process and its children
(the workbook reader runs in a child process), sampled every 0.25 s: at idle (no
session), with one session loaded, the peak with all sessions working, after the
browser closed, and once the closed sessions expired (the run sets
``server.disconnectedSessionTTL`` to ``--ttl`` seconds: 8 instead of 120). The
per-session figure is (peak - idle) / sessions; the marginal one (peak - one session) /
(sessions - 1) leaves out the first session's one-time imports.

CPU: the seconds used by the server's processes and by the visitors' side (Chromium's
processes, Playwright's driver, this script), from /proc/PID/stat, while the sessions
work: on one machine the browsers' drawing competes with the server for the same cores.

Output: JSON on stdout and in ``--out`` (``bench/load_results.json``). It stops by itself
(the loop ends after ``--seconds``; the interactions under way then finish, each bounded
by a timeout). Only 127.0.0.1 is contacted. This is a benchmark, not a test: nothing is
asserted, the numbers are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
#: clients of the sample data (sample_data/tickets.csv)
CLIENTS = [
    "Contoso Iberia S.A.",
    "Hotel Mirador del Puerto S.L.",
    "Northwind Traders Ltd",
    "Acme Logística S.L.",
    "Bodegas Valdecruz S.A.",
]
PERIODS = ["This quarter", "Year to date", "Last quarter", "Last 12 months"]
PAGES = ["Service desk", "Resources", "Alerts"]
#: one interaction (a rerun) may wait this long on a busy 2-core machine
STEP_TIMEOUT_MS = 90_000
#: a select's menu is opened this many times at most, waiting this long for its options
MENU_TRIES = 3
MENU_WAIT_MS = 10_000
#: errors kept in full in the results (the counts are complete)
DETAILS_KEPT = 30


# --------------------------------------------------------------------------- memory


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        # "pid (comm) state ppid ...": comm may hold spaces, so split after the ")"
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def _status_kb(pid: int, field: str) -> int:
    """A ``kB`` field of /proc/PID/status (``VmRSS:  123456 kB`` -> 123456); 0 when the
    process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def rss_mb(pid: int) -> float:
    """RSS of ``pid`` and its children, in MB."""
    return sum(_status_kb(p, "VmRSS") for p in _tree(pid)) / 1024


def _cpu_s(pid: int) -> tuple[str, float]:
    """The command name of ``pid`` and the CPU seconds it has used (user + system, from
    /proc/PID/stat); ("", 0.0) when the process is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return "", 0.0
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    # the fields after "(comm)": state is the 3rd field, utime and stime the 14th and 15th
    fields = stat.rsplit(")", 1)[1].split()
    return comm, (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


#: /proc's CPU times are in clock ticks
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class Sampler:
    """Samples :func:`rss_mb` every ``every`` seconds in a thread; keeps the peak. Also
    the CPU seconds used by the server's processes and by the bench's own (Chromium's,
    Playwright's driver, this script): each process's latest figure is kept, so that one
    that ended (a closed tab's renderer) still counts, up to its last sample."""

    def __init__(self, pid: int, every: float = 0.25) -> None:
        self.pid = pid
        self.every = every
        self.peak = 0.0
        self.samples: list[tuple[float, float]] = []
        #: pid -> (who: server, browser, driver or bench; CPU seconds at the last sample)
        self.cpu: dict[int, tuple[str, float]] = {}
        self._cpu_before: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._t0 = time.monotonic()

    def _sample_cpu(self) -> dict[str, float]:
        server = set(_tree(self.pid))
        for p in _tree(os.getpid()):
            comm, seconds = _cpu_s(p)
            if not comm:
                continue
            who = (
                "server" if p in server
                else "bench" if p == os.getpid()
                else "browser" if "chrom" in comm.lower()
                else "driver"
            )  # fmt: skip
            self.cpu[p] = (who, seconds)
        totals: dict[str, float] = {}
        for who, seconds in self.cpu.values():
            totals[who] = totals.get(who, 0.0) + seconds
        return totals

    def cpu_used(self) -> dict[str, float]:
        """CPU seconds used by each kind of process since the sampler started."""
        totals = self._sample_cpu()
        return {
            who: round(s - self._cpu_before.get(who, 0.0), 1) for who, s in sorted(totals.items())
        }

    def _run(self) -> None:
        self._cpu_before = self._sample_cpu()
        while not self._stop.is_set():
            mb = rss_mb(self.pid)
            self.peak = max(self.peak, mb)
            self.samples.append((time.monotonic() - self._t0, mb))
            self._sample_cpu()
            self._stop.wait(self.every)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(log: Path, ttl: int) -> tuple[subprocess.Popen[bytes], str]:
    """The app with the repo's config, but for ``server.disconnectedSessionTTL`` (how long
    a closed tab's session is kept; 120 s by default), so that the run can see the
    memory of ended sessions released."""
    port = _free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true",
           "--server.disconnectedSessionTTL", str(ttl)]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.read_text(errors='replace')}")
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("streamlit did not start within 60 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --------------------------------------------------------------------------- sessions


class Tally:
    """Interactions and errors of all sessions."""

    def __init__(self) -> None:
        self.done: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.details: list[str] = []
        self.listening = True
        #: menus that did not show their options and were opened again
        self.reopened = 0

    def ok(self, kind: str, seconds: float) -> None:
        self.done.setdefault(kind, []).append(seconds)

    def error(self, kind: str, detail: str) -> None:
        if not self.listening:
            return
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.details) < DETAILS_KEPT:
            self.details.append(f"{kind}: {detail}"[:400])


async def _idle(page: Any) -> None:
    await page.wait_for_timeout(300)
    await page.wait_for_selector(IDLE, timeout=STEP_TIMEOUT_MS)


async def _step(page: Any, who: int, kind: str, tally: Tally, action: Any) -> bool:
    """Run ``action`` (a rerun), wait for the script to finish; tally the outcome.
    True when it completed without an error."""
    t0 = time.perf_counter()
    try:
        await action()
        await _idle(page)
    except Exception as e:  # a timeout or a missing element: counted, the loop goes on
        tally.error("interaction_failed", f"session {who} {kind}: {type(e).__name__}: {e}")
        return False
    shown = await page.locator("[data-testid=stException]").count()
    if shown:
        text = await page.locator("[data-testid=stException]").first.inner_text()
        tally.error("st_exception", f"session {who} {kind}: {text}")
        return False
    tally.ok(kind, time.perf_counter() - t0)
    return True


async def session(
    browser: Any, url: str, who: int, tally: Tally, until: float, loaded: asyncio.Event
) -> int:
    """One visitor: open the app, then loop over the interactions until ``until``."""
    ctx = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = await ctx.new_page()
    page.on("pageerror", lambda e: tally.error("page_error", f"session {who}: {e}"))
    page.on(
        "console",
        lambda m: (
            tally.error("console_error", f"session {who}: {m.text}") if m.type == "error" else None
        ),
    )
    page.on(
        "requestfailed",
        lambda r: tally.error("request_failed", f"session {who}: {r.url} {r.failure}"),
    )
    page.on(
        "response",
        lambda r: (
            tally.error("http_error", f"session {who}: {r.status} {r.url}")
            if r.status >= 400
            else None
        ),
    )
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(url)
            else tally.error("outside_request", f"session {who}: {r.url}")
        ),
    )

    async def nav(title: str) -> None:
        await page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()

    async def toggle_client(i: int) -> None:
        clear = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").first
        clear_all = clear.get_by_role("button", name="Clear all")
        if await clear_all.count():
            await clear_all.click()
            return
        client = CLIENTS[(who + i) % len(CLIENTS)]
        box = page.get_by_role("combobox", name="Clients", exact=True)
        await box.click()
        await box.fill(client.split()[0])
        await page.get_by_role("option", name=client, exact=True).click()
        await page.keyboard.press("Escape")

    async def period(i: int) -> None:
        option = page.get_by_role("option", name=PERIODS[(who + i) % len(PERIODS)], exact=True)
        # the select's menu sometimes closes as it opens on a busy machine (the click
        # focuses the select, the menu does not show: seen once or twice in a run, also
        # on the code before issue 23): opened again, at most MENU_TRIES times, and counted
        for attempt in range(MENU_TRIES):
            await page.get_by_role("combobox", name="Period", exact=True).first.click()
            try:
                await option.wait_for(timeout=MENU_WAIT_MS)
                break
            except Exception:  # the last try's timeout is raised by the click below
                if attempt + 1 < MENU_TRIES:
                    tally.reopened += 1
                    await page.keyboard.press("Escape")
        await option.click()

    # the page's own load (its scripts, from this server) waits as long as a rerun may:
    # Playwright's default of 30 s lost whole sessions on a busy machine
    done = int(
        await _step(page, who, "open", tally, lambda: page.goto(url, timeout=STEP_TIMEOUT_MS))
    )
    loaded.set()
    i = 0
    while time.monotonic() < until:
        done += await _step(page, who, "overview", tally, lambda: nav("Overview"))
        done += await _step(page, who, "client_filter", tally, lambda i=i: toggle_client(i))
        for title in PAGES:
            if time.monotonic() >= until:
                break
            kind = title.lower().replace(" ", "_")
            done += await _step(page, who, kind, tally, lambda t=title: nav(t))
        done += await _step(page, who, "period", tally, lambda i=i: period(i))
        i += 1
    await ctx.close()
    return done


async def run_sessions(
    url: str, pid: int, sessions: int, seconds: float, ttl: int
) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    tally = Tally()
    out: dict[str, Any] = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        with Sampler(pid) as sampler:
            t0 = time.monotonic()
            until = t0 + seconds
            # the first session alone, until its Overview has loaded
            first_loaded = asyncio.Event()
            tasks = [asyncio.create_task(session(browser, url, 0, tally, until, first_loaded))]
            await first_loaded.wait()
            await asyncio.sleep(1.0)
            out["rss_one_session_mb"] = rss_mb(pid)
            # the others, staggered by half a second
            for who in range(1, sessions):
                tasks.append(
                    asyncio.create_task(session(browser, url, who, tally, until, asyncio.Event()))
                )
                await asyncio.sleep(0.5)
            per_session = await asyncio.gather(*tasks)
            tally.listening = False
            out["duration_s"] = round(time.monotonic() - t0, 1)
            out["rss_peak_mb"] = sampler.peak
            out["cpu_s"] = sampler.cpu_used()
        # every session closed its browser context: the server keeps them (disconnected)
        # for the TTL; Streamlit's session store drops expired ones lazily, when a session
        # is next added, so a new visitor opens the app once the TTL has passed
        await asyncio.sleep(3.0)
        out["rss_closed_mb"] = rss_mb(pid)
        await asyncio.sleep(ttl + 2.0)
        probe = Tally()
        await session(browser, url, sessions, probe, 0.0, asyncio.Event())
        await asyncio.sleep(1.0)
        out["rss_expired_plus_new_mb"] = rss_mb(pid)
        out["probe_errors"] = probe.errors
        await browser.close()
    out["interactions_per_session"] = list(per_session)
    out["tally"] = tally
    return out


# --------------------------------------------------------------------------- main


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "median_s": round(statistics.median(ordered), 2),
        "p95_s": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
        "max_s": round(ordered[-1], 2),
    }


def run(sessions: int, seconds: float, ttl: int) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="kpi-load-") as tmp:
        log = Path(tmp) / "server.log"
        proc, url = start_server(log, ttl)
        try:
            time.sleep(2.0)
            idle = rss_mb(proc.pid)
            res = asyncio.run(run_sessions(url, proc.pid, sessions, seconds, ttl))
            hwm = _status_kb(proc.pid, "VmHWM") / 1024
        finally:
            stop_server(proc)
        server_log = log.read_text(encoding="utf-8", errors="replace")
    tally: Tally = res["tally"]
    tracebacks = server_log.count("Traceback (most recent call last)")
    for kind, n in res["probe_errors"].items():
        tally.errors[f"after_expiry_{kind}"] = n
    if tracebacks:
        tally.errors["server_traceback"] = tracebacks
        tally.details.append("server log: " + server_log[-1500:])
    peak = res["rss_peak_mb"]
    all_times = [t for v in tally.done.values() for t in v]
    return {
        "sessions": sessions,
        "seconds": seconds,
        "disconnected_session_ttl_s": ttl,
        "duration_s": res["duration_s"],
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            # other work on the machine skews the latencies (not the memory)
            "load_average_1min_before": round(load_before, 2),
            "load_average_1min_after": round(os.getloadavg()[0], 2),
        },
        "rss_mb": {
            "idle": round(idle, 1),
            "one_session": round(res["rss_one_session_mb"], 1),
            "peak_all_sessions": round(peak, 1),
            "after_sessions_closed": round(res["rss_closed_mb"], 1),
            # the closed sessions expired and one new session on the Overview: compare
            # with one_session
            "after_expiry_with_one_new_session": round(res["rss_expired_plus_new_mb"], 1),
            "server_high_water_mark": round(hwm, 1),
        },
        # (peak - idle) / sessions, as asked; it spreads the first session's one-time cost
        # (imports of the engine and charts, DuckDB) over all sessions
        "per_session_mb": round((peak - idle) / sessions, 1),
        "first_session_mb": round(res["rss_one_session_mb"] - idle, 1),
        # each further session: (peak - one session) / (sessions - 1)
        "marginal_per_session_mb": round(
            (peak - res["rss_one_session_mb"]) / max(1, sessions - 1), 1
        ),
        # CPU seconds used while the sessions worked, by the server (its script runs) and
        # by the visitors' side, on the same cores: Chromium (drawing the pages, the
        # charts), Playwright's driver and this script
        "cpu_s": res["cpu_s"],
        # the same per completed interaction (an opening counts as one)
        "cpu_s_per_interaction": {
            who: round(seconds / max(1, len(all_times)), 2) for who, seconds in res["cpu_s"].items()
        },
        "interactions": {
            "total": len(all_times),
            "per_session": res["interactions_per_session"],
            "latency": _summary(all_times) if all_times else {},
            "by_kind": {k: _summary(v) for k, v in sorted(tally.done.items())},
        },
        "errors": {"total": sum(tally.errors.values()), **dict(sorted(tally.errors.items()))},
        "menus_opened_again": tally.reopened,
        "error_details": tally.details,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--ttl", type=int, default=8, help="server.disconnectedSessionTTL for this run (s)"
    )
    parser.add_argument("--out", default=str(ROOT / "bench" / "load_results.json"))
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"needs Debian's chromium at {CHROMIUM}", file=sys.stderr)
        return 2
    results = run(args.sessions, args.seconds, args.ttl)
    text = json.dumps(results, indent=2, ensure_ascii=False)
    Path(args.out).write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
