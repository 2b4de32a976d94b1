"""Rows loaded more than once, merged: across tables (:mod:`kpi.load.merge`), the
rows of a ticket event log (docs/DETAILS.md 14), staff listed twice (docs/DETAILS.md 25);
devices listed twice warn (docs/DETAILS.md 26). Every merged row is counted and listed.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.coerce import _filtered
from kpi.load.merge import _merged, _table_name, _text, merge_across
from kpi.load.names import _technician_keys
from kpi.load.table import TableResult
from kpi.model import LoadedData
from kpi.problems import Problem
from kpi.schema import DATASETS
from kpi.texts.messages import english


def dedupe(
    con: duckdb.DuckDBPyConnection,
    stacked: dict[str, pa.Table],
    by_ds: dict[str, list[tuple[int, TableResult]]],
    results: Sequence[TableResult],
    data: LoadedData,
) -> dict[str, pa.Table]:
    """Merge rows across tables, ticket event logs and repeated staff rows; warn on
    repeated devices. Every merged row is counted in its table's ``rows_merged`` and
    listed as an ``info`` problem naming what it was merged into."""
    out = dict(stacked)
    names = pa.array([_table_name(res) for res in results], pa.string())
    merged: list[pa.Table] = []
    for name, parts in by_ds.items():
        if len(parts) > 1:  # one table (the common case): nothing to compare across
            out[name] = merge_across(con, DATASETS[name], out[name], parts, names, merged)
    if "tickets" in out:
        out["tickets"] = _event_log(con, out["tickets"], names, merged)
    if "staff" in out:
        out["staff"] = _first_staff_rows(out["staff"], merged)
    if "devices" in out:
        _repeated_devices(out["devices"], results, data)
    if merged:
        _count_merged(pa.concat_tables(merged), results, data)
    return out


def _count_merged(merged: pa.Table, results: Sequence[TableResult], data: LoadedData) -> None:
    """Merged rows counted per table and listed as ``info`` problems, by table and row."""
    if merged.num_rows == 0:
        return
    merged = merged.take(pc.sort_indices(merged, [("file", "ascending"), ("row", "ascending")]))
    for v in pc.value_counts(merged.column("file")).to_pylist():
        rep = results[v["values"]].report
        rep.rows_merged += v["counts"]
        rep.rows_loaded -= v["counts"]
    where = [(res.report.file, res.report.sheet) for res in results]
    data.problems.extend(
        Problem(where[f][0], where[f][1], r, c, v, why, "info")
        for f, r, c, v, why in zip(
            *(merged.column(n).to_pylist() for n in merged.column_names), strict=True
        )
    )


def _event_log(
    con: duckdb.DuckDBPyConnection, t: pa.Table, names: pa.Array, merged: list[pa.Table]
) -> pa.Table:
    """The tickets ``t`` with one row per ticket id: the other rows of its event log are
    merged (into ``merged``)."""
    # docs/DETAILS.md 14: greatest updated_at wins; empty updated_at loses; ties: the later row
    # (files in the order given, so across files the later file wins unless updated_at
    # says otherwise)
    keys = pa.table(
        {
            "ticket_id": t.column("ticket_id"),
            "updated_at": t.column("updated_at"),
            "_file": t.column("_file"),
            "_row": t.column("_row"),
            "_i": pa.array(np.arange(t.num_rows, dtype=np.int64)),
        }
    )
    con.register("t_in", keys)
    lost = con.sql(
        """
        SELECT _i, _file, _row, ticket_id, _win_file, _win_row FROM (
            SELECT *, row_number() OVER w AS _rank,
                first_value(_file) OVER w AS _win_file,
                first_value(_row) OVER w AS _win_row
            -- only the ids that repeat are ranked: one hash pass finds them (at 1M
            -- tickets sorting them all cost 1 s of CPU)
            FROM t_in SEMI JOIN (
                SELECT ticket_id AS id FROM t_in GROUP BY ticket_id HAVING count(*) > 1
            ) ON ticket_id IS NOT DISTINCT FROM id
            WINDOW w AS (PARTITION BY ticket_id
                ORDER BY updated_at DESC NULLS LAST, _file DESC, _row DESC))
        WHERE _rank > 1
        """
    ).to_arrow_table()
    con.unregister("t_in")
    if lost.num_rows:
        tid, wf = lost.column("ticket_id"), lost.column("_win_file")
        why = pc.if_else(
            pc.equal(wf, lost.column("_file")),
            _text("merged into a later row of ticket ", tid, " (event log)"),
            _text(
                "merged into ticket ", tid, " of ", pc.take(names, wf),
                " (row ", lost.column("_win_row"), "), updated or given later (event log)",
            ),
        )  # fmt: skip
        merged.append(_merged(lost.column("_file"), lost.column("_row"), why, "ticket_id", tid))
        keep = np.ones(t.num_rows, dtype=bool)
        keep[lost.column("_i").to_numpy()] = False
        return _filtered(t, pa.array(keep))
    return t


def _first_staff_rows(t: pa.Table, merged: list[pa.Table]) -> pa.Table:
    """The staff ``t`` with one row per technician key: the first (the others go into
    ``merged``)."""
    # docs/DETAILS.md 25: staff listed twice in one table, the first row wins (across tables
    # the later table's rows already won in merge_across)
    seen: set[str] = set()
    mask = []
    for k in _technician_keys(t.column("technician")).to_pylist():
        mask.append(k not in seen)
        seen.add(k)
    first = pa.array(mask, type=pa.bool_())
    if first.false_count:
        again = t.filter(pc.invert(first))
        merged.append(
            _merged(
                again.column("_file"),
                again.column("_row"),
                english("load.msg.staff_twice"),
                "technician",
                again.column("technician"),
            )
        )
        return t.filter(first)
    return t


def _repeated_devices(t: pa.Table, results: Sequence[TableResult], data: LoadedData) -> None:
    """A warning per row of a device listed more than once in the devices ``t``."""
    # docs/DETAILS.md 26: within one table a repeated device counts twice, with a warning
    counts = pc.value_counts(t.column("device_id"))
    dup_ids = [
        v["values"] for v in counts.to_pylist() if v["counts"] > 1 and v["values"] is not None
    ]
    if dup_ids:
        is_dup = pc.is_in(t.column("device_id"), value_set=pa.array(dup_ids))
        idx = pc.indices_nonzero(is_dup)
        for f, r, dev in zip(
            pc.take(t.column("_file"), idx).to_pylist(),
            pc.take(t.column("_row"), idx).to_pylist(),
            pc.take(t.column("device_id"), idx).to_pylist(),
            strict=True,
        ):
            res = results[f]
            data.problems.append(
                Problem(
                    res.report.file,
                    res.report.sheet,
                    r,
                    "device_id",
                    dev,
                    english("load.msg.device_twice"),
                    "warning",
                )
            )
            res.report.warnings += 1
