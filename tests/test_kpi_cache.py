"""The session's cache of results (kpi/report/cache.py): bounded, least recently used first."""

from __future__ import annotations

import threading

import pandas as pd

from kpi.report import ResultCache
from kpi.report.cache import RESULTS_KEPT, RESULTS_KEPT_ROWS, table_rows


def frame(rows: int) -> pd.DataFrame:
    return pd.DataFrame({"value": range(rows)})


def test_at_most_so_many_entries_the_least_recently_used_going_first() -> None:
    kept = ResultCache(entries=3, rows=1_000)
    for k in "abc":
        kept.put(("report", k), k)
    assert kept.get(("report", "a")) == "a"  # used: now the newest
    kept.put(("report", "d"), "d")
    assert kept.keys() == [("report", "c"), ("report", "a"), ("report", "d")]
    assert ("report", "b") not in kept and kept.get(("report", "b")) is None
    kept.put(("report", "c"), "c again")  # put again: the newest, not a second entry
    assert kept.keys() == [("report", "a"), ("report", "d"), ("report", "c")]
    assert kept.get(("report", "c")) == "c again" and len(kept) == 3


def test_at_most_so_many_rows_in_all_and_what_is_put_always_stays() -> None:
    kept = ResultCache(entries=10, rows=100)
    kept.put(("cube", 1), frame(60))
    kept.put(("first", 1), "a client", rows=0)  # a marker counts no rows
    kept.put(("cube", 2), frame(30))
    assert len(kept) == 3
    kept.put(("cube", 3), frame(20))  # 60 + 30 + 20 > 100: the oldest goes
    assert kept.keys() == [("first", 1), ("cube", 2), ("cube", 3)]
    kept.put(("cube", 4), frame(500))  # larger than the bound alone: kept, alone
    assert kept.keys() == [("cube", 4)]
    assert table_rows(frame(7)) == 7 and table_rows({"a": 1}) == 0
    assert kept.keys("cube") == [("cube", 4)] and kept.keys("first") == []


def test_remember_computes_once_and_keeps_none_too() -> None:
    kept = ResultCache(entries=4, rows=100)
    calls: list[str] = []

    def compute() -> None:
        calls.append("x")

    assert kept.remember(("explain", "csat"), compute) is None
    assert kept.remember(("explain", "csat"), compute) is None
    assert calls == ["x"]
    big = kept.remember(("report", "big"), lambda: frame(150))  # its rows, from the frame
    assert len(big) == 150 and kept.keys() == [("report", "big")]
    assert kept.pop(("report", "big")) is big and len(kept) == 0
    kept.put(("a",), 1)
    kept.clear()
    assert len(kept) == 0


def test_setdefault_tells_one_thread_it_came_first() -> None:
    kept = ResultCache(entries=100, rows=100)
    firsts: list[str] = []
    start = threading.Barrier(8)

    def ask(client: str) -> None:
        start.wait()
        if kept.setdefault(("cube_first", "q1"), client) == client:
            firsts.append(client)

    threads = [threading.Thread(target=ask, args=(f"c{i}",)) for i in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(firsts) == 1 and kept.get(("cube_first", "q1")) == firsts[0]
    kept.put(("other",), 1)
    assert kept.setdefault(("cube_first", "q1"), "late") == firsts[0]
    assert kept.keys()[-1] == ("cube_first", "q1")  # used: the newest


def test_an_engine_holds_one_with_the_documented_bounds() -> None:
    from kpi.model import LoadedData
    from kpi.report import Engine

    engine = Engine(LoadedData())
    assert isinstance(engine.results, ResultCache)
    assert (engine.results.entries, engine.results.rows) == (RESULTS_KEPT, RESULTS_KEPT_ROWS)
    assert Engine(LoadedData()).results is not engine.results  # one per engine
