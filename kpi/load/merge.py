"""The same rows in several tables of one dataset, kept once (README "Merging rows
across files"): repeated tables, equal rows, and keys found in several tables
(:func:`merge_across`).
"""

from __future__ import annotations

from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.coerce import _filtered
from kpi.load.names import _technician_keys
from kpi.load.table import TableResult
from kpi.schema import Dataset

#: Columns of the merged rows collected by :func:`kpi.load.dedupe.dedupe` (one Arrow table per
#: rule):
#: the row's table (index in ``results``) and row, the column and value that decided, why.
_MERGED = pa.schema(
    [
        ("file", pa.int64()),
        ("row", pa.int64()),
        ("column", pa.string()),
        ("value", pa.string()),
        ("why", pa.string()),
    ]
)


def _merged(
    files: pa.Array | pa.ChunkedArray,
    rows: pa.Array | pa.ChunkedArray,
    why: pa.Array | pa.ChunkedArray | str,
    column: str | None = None,
    values: pa.Array | pa.ChunkedArray | None = None,
) -> pa.Table:
    """Merged rows as a :data:`_MERGED` table (texts built column-wise: 1M merged rows
    are not 1M Python strings until they become problems)."""
    n = len(files)
    if isinstance(why, str):
        why = pa.array([why] * n, pa.string()) if n else pa.array([], pa.string())
    return pa.table(
        [
            files,
            rows,
            pa.nulls(n, pa.string()) if column is None else pa.array([column] * n, pa.string()),
            pa.nulls(n, pa.string()) if values is None else values,
            why,
        ],
        schema=_MERGED,
    )


def _text(*parts: Any) -> pa.Array:
    """Texts joined element-wise from words and columns: ``_text("row ", rows)``."""
    return pc.binary_join_element_wise(
        *[p if isinstance(p, str) else pc.cast(p, pa.string()) for p in parts], ""
    )


def _table_name(res: TableResult) -> str:
    """``invoices.csv``, or ``book.xlsx [Sheet1]`` for a sheet of a workbook."""
    rep = res.report
    return f"{rep.file} [{rep.sheet}]" if rep.sheet else rep.file


def merge_across(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    t: pa.Table,
    parts: list[tuple[int, TableResult]],
    names: pa.Array,
    merged: list[pa.Table],
) -> pa.Table:
    """The same rows in several tables of one dataset, kept once (README "Merging rows
    across files").

    1. Repeated tables: a table every row of which equals a row of a table given
       earlier (a file loaded again under another name, an export of rows already
       loaded) adds nothing: each of its rows is merged into that earlier copy, so it
       changes no number wherever it is given after its rows (it does not take a key
       back from a newer export given between, rule 3).
    2. Equal rows: a row of one table equal to a row of a table given later, on every
       canonical column both tables mapped (typed values; empty equals empty), is merged
       into it. Copies are paired in order: a row found twice in ``jan.csv`` and once in
       the later ``feb.csv`` is kept twice (``feb.csv``'s copy and ``jan.csv``'s second),
       because two equal invoice lines in one file are two lines. So the rows a month's
       export repeats count once, from the newer export. The kept row takes the columns
       its table lacks from the row merged into it.
    3. Keys (:attr:`Dataset.key`; staff by technician key): a key found in several
       tables keeps the rows of one table, the one with the greatest
       :attr:`Dataset.updated` value (opportunities: ``last_activity_at``; an empty one
       loses), else the table given later; the other tables' rows of that key are
       merged. Tickets are left to the event-log rule, which already spans tables.

    Args:
        ds: the dataset.
        t: its stacked table (:func:`kpi.load.assemble._stack`), tables in the order given.
        parts: its tables, as (index in ``results``, result), in the order given.
        names: every table's name by index in ``results``, for the reasons.
        merged: receives the merged rows (:data:`_MERGED`).

    Returns:
        ``t`` without the merged rows.
    """
    idx = pa.array(np.arange(t.num_rows, dtype=np.int64))
    keep = np.ones(t.num_rows, dtype=bool)
    groups = _column_groups(ds, parts)
    with_i = t.append_column("_i", idx)
    # rule 1: tables whose rows are all copies of rows given earlier
    early = _equal_rows(con, ds, with_i, groups, into="earliest")
    rows = pc.value_counts(t.column("_file")).to_pylist()
    copied = {v["values"]: v["counts"] for v in pc.value_counts(early.column("_file")).to_pylist()}
    repeats = sorted(v["values"] for v in rows if copied.get(v["values"]) == v["counts"])
    lost_repeats = early.filter(pc.is_in(early.column("_file"), pa.array(repeats, pa.int64())))
    # rule 2: among the other tables, the later copy stays
    rest = {k: [f for f in fs if f not in repeats] for k, fs in groups.items()}
    rest = {k: fs for k, fs in rest.items() if fs}
    lost_later = _equal_rows(con, ds, with_i, rest, into="latest")
    for lost, given in ((lost_repeats, "given earlier; every row of its file was"
                         " already loaded"), (lost_later, "given later")):  # fmt: skip
        if not lost.num_rows:
            continue
        keep[lost.column("_i").to_numpy()] = False
        if len(groups) > 1:
            fill = [c for k in groups for c in k]
            if "billing_period" in fill:
                fill.append("billing_months")
            t = _fill_from_merged(t, lost, fill)
        why = _text(
            "the same row is in ", pc.take(names, lost.column("_by_file")),
            " (row ", lost.column("_by_row"), f"), {given}",
        )  # fmt: skip
        merged.append(_merged(lost.column("_file"), lost.column("_row"), why))
    if ds.key is not None and ds.name != "tickets":
        lost = _repeated_keys(con, ds, t.append_column("_i", idx).filter(pa.array(keep)))
        if lost.num_rows:
            keep[lost.column("_i").to_numpy()] = False
            merged.append(_merged_keys(ds, lost, names))
    if keep.all():
        return t
    return _filtered(t, pa.array(keep))


def _column_groups(
    ds: Dataset, parts: list[tuple[int, TableResult]]
) -> dict[tuple[str, ...], list[int]]:
    """The tables (by index in ``results``) per set of canonical columns they have."""
    groups: dict[tuple[str, ...], list[int]] = {}
    for f, res in parts:
        # the columns the table has: those it mapped, and time entry hours from start
        # and end (derived columns follow from these)
        assert res.table is not None
        has = tuple(
            c.name for c in ds.columns if not c.derived and c.name in res.table.column_names
        )
        groups.setdefault(has, []).append(f)
    return groups


def _merged_keys(ds: Dataset, lost: pa.Table, names: pa.Array) -> pa.Table:
    """The rows of rule 3 of :func:`merge_across` (``lost``, from :func:`_repeated_keys`)
    as merged rows, each saying which table's rows won."""
    assert ds.key is not None
    by = lost.column("_by_file")
    later = pc.greater(by, lost.column("_file"))
    other = pc.take(names, by)
    key = lost.column(ds.key)
    why = pc.if_else(
        later,
        _text(f"{ds.key} ", key, " is also in ", other, ", given later; its rows win"),
        _text(
            f"{ds.key} ", key, " is also in ", other,
            f", with a later {ds.updated}; its rows win",
        ),
    )  # fmt: skip
    return _merged(lost.column("_file"), lost.column("_row"), why, ds.key, key)


def _equal_rows(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    t: pa.Table,
    groups: dict[tuple[str, ...], list[int]],
    into: str = "latest",
) -> pa.Table:
    """Rows equal to a row of a table given later (``into="latest"``, rule 2 of
    :func:`merge_across`), or earlier (``"earliest"``, rule 1).

    ``groups`` are the tables (by index) per set of canonical columns they have
    (usually every table of a dataset has the same ones: one group); each pair of groups
    is compared on the columns both have. The k-th copy of a row in a table is merged
    when a later (earlier) table holds at least k copies of it, into the latest
    (earliest) such table's k-th copy.

    Returns:
        ``_i`` (position in ``t``), ``_file``, ``_row``, and the row it is merged into
        (``_by_i``, ``_by_file``, ``_by_row``), one row per merged row.
    """
    keys = list(groups)
    found: list[pa.Table] = []
    needed = [c.name for c in ds.columns if any(c.name in k for k in keys)]
    con.register("eq_in", t.select(["_i", "_file", *needed]))
    try:
        for a in range(len(keys)):
            for b in range(a, len(keys)):
                files_a, files_b = groups[keys[a]], groups[keys[b]]
                if a == b and len(files_a) < 2:
                    continue
                cols = [c for c in keys[a] if c in keys[b]]
                pairs = _equal_rows_of(con, ds, cols, files_a, [] if a == b else files_b, into)
                found.append(_verified(t, cols, pairs))
    finally:
        con.unregister("eq_in")
    pairs = pa.concat_tables(found) if found else _PAIRS.empty_table()
    by_file = pc.take(t.column("_file"), pairs.column("_by_i"))
    if len(found) > 1:
        # a row merged by several pairs of groups: once, into the latest (earliest) table
        order = pc.sort_indices(
            pa.table({"i": pairs.column("_i"), "f": by_file}),
            [("i", "ascending"), ("f", "descending" if into == "latest" else "ascending")],
        )
        pairs, by_file = pairs.take(order), pc.take(by_file, order)
        i = pairs.column("_i").to_numpy()
        first = np.ones(len(i), dtype=bool)
        first[1:] = i[1:] != i[:-1]
        pairs, by_file = pairs.filter(pa.array(first)), by_file.filter(pa.array(first))
    return pa.table(
        {
            "_i": pairs.column("_i"),
            "_file": pc.take(t.column("_file"), pairs.column("_i")),
            "_row": pc.take(t.column("_row"), pairs.column("_i")),
            "_by_i": pairs.column("_by_i"),
            "_by_file": by_file,
            "_by_row": pc.take(t.column("_row"), pairs.column("_by_i")),
        }
    )


def _fill_from_merged(t: pa.Table, lost: pa.Table, columns: list[str]) -> pa.Table:
    """A kept row takes the values its own table did not map from the row merged into
    it: ``invoices.csv`` with a Cost column merged into the later ``export.csv``
    without one keeps its cost (the two rows are equal on every column both have, so
    this changes nothing else). With several rows merged into one, the latest table's."""
    by_i = lost.column("_by_i").to_numpy()
    order = np.lexsort((-lost.column("_file").to_numpy(), by_i))  # by_i, then the latest
    by_i, src = by_i[order], lost.column("_i").to_numpy()[order]
    first = np.ones(len(by_i), dtype=bool)
    first[1:] = by_i[1:] != by_i[:-1]
    source = np.arange(t.num_rows, dtype=np.int64)
    source[by_i[first]] = src[first]
    source_arr = pa.array(source)
    for c in dict.fromkeys(columns):
        col = t.column(c)
        t = t.set_column(t.column_names.index(c), c, pc.coalesce(col, pc.take(col, source_arr)))
    return t


#: (row, row it equals in a later table), positions in the stacked table
_PAIRS = pa.schema([("_i", pa.int64()), ("_by_i", pa.int64())])


def _equal_rows_of(
    con: duckdb.DuckDBPyConnection,
    ds: Dataset,
    cols: list[str],
    files_a: list[int],
    files_b: list[int],
    into: str = "latest",
) -> pa.Table:
    """The candidate pairs of :func:`_equal_rows` (:data:`_PAIRS`) for the tables
    ``files_a`` among themselves (``files_b`` empty), or between the tables ``files_a``
    and ``files_b``, compared on ``cols``.

    Rows are grouped by a 64-bit hash of ``cols`` (grouping by a dozen text and time
    columns is three times slower); only hashes found in more than one table go on,
    usually few. Copies are numbered per table and hash (``_occ``) and each copy is
    paired with the copy of the same number in the latest (``into="earliest"``: the
    earliest) table on the other side.
    The pairs still need :func:`_verified`: two different rows may share a hash.
    """
    # identifiers come from the dataset's declaration; the table lists are parameters
    c = ", ".join(f'"{x}"' for x in cols)
    # first a cheaper hash over the fixed-width columns (dates, numbers: hashing the text
    # columns is most of the cost): two months' exports usually share no date at all
    quick = ", ".join(f'"{x}"' for x in cols if ds.column(x).kind not in ("text", "id"))
    if into not in ("latest", "earliest"):
        raise ValueError(f"into must be latest or earliest, not {into!r}")
    pick, beyond = ("max", ">") if into == "latest" else ("min", "<")
    side = "list_contains($b, _file)" if files_b else "TRUE"
    other = "NOT n._side" if files_b else "n._side"
    sql = f"""
        WITH pre AS (
            SELECT _i, _file, hash({quick or c}) AS _h FROM eq_in
            WHERE list_contains($files, _file)),
        pre_cand AS (
            SELECT _i FROM pre WHERE _h IN (
                SELECT _h FROM pre GROUP BY _h HAVING min(_file) < max(_file))),
        src AS (
            SELECT _i, _file, {side} AS _side, hash({c}) AS _h
            FROM eq_in WHERE _i IN (SELECT _i FROM pre_cand)),
        cand AS (
            SELECT * FROM src WHERE _h IN (
                SELECT _h FROM src GROUP BY _h HAVING min(_file) < max(_file))),
        numbered AS (
            SELECT *, row_number() OVER (PARTITION BY _file, _h ORDER BY _i) AS _occ
            FROM cand),
        target AS (
            SELECT _h, _occ, _side, {pick}(_file) AS _by_file, arg_{pick}(_i, _file) AS _by_i
            FROM numbered GROUP BY _h, _occ, _side)
        SELECT n._i, l._by_i
        FROM numbered n JOIN target l ON l._h = n._h AND l._occ = n._occ AND l._side = {other}
        WHERE l._by_file {beyond} n._file
        """
    params: dict[str, object] = {"files": files_a + files_b}
    if files_b:
        params["b"] = files_b
    return con.sql(sql, params=params).to_arrow_table().cast(_PAIRS)


def _verified(t: pa.Table, cols: list[str], pairs: pa.Table) -> pa.Table:
    """The pairs whose two rows are equal on every column of ``cols`` (empty equals
    empty): a hash collision can leave two equal rows unmerged, never merge two rows
    that differ."""
    same = pa.array(np.ones(pairs.num_rows, dtype=bool))
    for c in cols:
        a = pc.take(t.column(c), pairs.column("_i"))
        b = pc.take(t.column(c), pairs.column("_by_i"))
        both_empty = pc.and_(pc.is_null(a), pc.is_null(b))
        same = pc.and_(same, pc.or_(pc.fill_null(pc.equal(a, b), False), both_empty))
    return pairs if pc.all(same).as_py() is not False else pairs.filter(same)


def _repeated_keys(con: duckdb.DuckDBPyConnection, ds: Dataset, t: pa.Table) -> pa.Table:
    """Rows whose key is also in another table that wins (rule 2 of
    :func:`merge_across`).

    Returns:
        ``_i``, ``_file``, ``_row``, the key column and the winning table ``_by_file``,
        one row per merged row.
    """
    assert ds.key is not None
    key = t.column(ds.key)
    if ds.name == "staff":
        key = _technician_keys(key)  # docs/DETAILS.md 25: the same technician however spelt
    order = t.column(ds.updated) if ds.updated else pa.nulls(t.num_rows, pa.timestamp("us"))
    con.register(
        "key_in",
        pa.table(
            {
                "_key": key,
                "_o": order,
                "_file": t.column("_file"),
                "_row": t.column("_row"),
                "_i": t.column("_i"),
                "_shown": t.column(ds.key),
            }
        ),
    )
    try:
        lost = con.sql(
            """
            WITH per AS (
                SELECT _key, _file, max(_o) AS _o FROM key_in
                WHERE _key IS NOT NULL AND _key <> '' GROUP BY _key, _file),
            win AS (
                SELECT _key, _file AS _by_file FROM (
                    SELECT *, count(*) OVER (PARTITION BY _key) AS _n,
                        row_number() OVER (PARTITION BY _key
                            ORDER BY _o DESC NULLS LAST, _file DESC) AS _rank
                    FROM per)
                WHERE _n > 1 AND _rank = 1)
            SELECT k._i, k._file, k._row, k._shown, w._by_file
            FROM key_in k JOIN win w USING (_key)
            WHERE k._file <> w._by_file
            ORDER BY k._file, k._row
            """
        ).to_arrow_table()
    finally:
        con.unregister("key_in")
    return lost.rename_columns(["_i", "_file", "_row", ds.key, "_by_file"])
