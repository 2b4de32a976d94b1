"""Map and coerce one raw table: every mapped column typed (:mod:`kpi.load.values`), the
rows whose required values are missing or bad rejected with a reason, and the per-table
rules (an event log's first change, time entry hours, the currency of each row).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load import values
from kpi.load.options import LoadOptions
from kpi.load.recognize import Mapping
from kpi.load.values import DOLLAR_CURRENCIES, DOLLAR_SIGN
from kpi.problems import Problem, Severity
from kpi.read import RawTable, per_column
from kpi.schema import DATASETS, MONEY_COLUMNS, Dataset
from kpi.texts.messages import english


def coerce(
    raw: RawTable, mapping: Mapping, options: LoadOptions, opts: dict[str, Any]
) -> tuple[pa.Table, list[Problem], list[str]]:
    """Type every mapped column; reject rows whose required values are missing or bad.

    Returns:
        (table of the kept rows with the mapped canonical columns plus ``_row``,
        problems, column notes)
    """
    ds = DATASETS[mapping.dataset]
    n = raw.data.num_rows
    problems: list[Problem] = []
    rows = raw.row_numbers
    warn_rows = partial(_warn_rows, problems, raw)
    parse = _column_parser(raw, ds, mapping, options, opts)

    # columns are independent: parse them on every core (pyarrow and DuckDB release
    # the GIL), then collect problems in column order
    items = list(mapping.columns.items())
    parsed_all = _settled_by_table(items, per_column(parse, items, n), parse, opts)
    columns, notes, reasons, reject = _typed_columns(raw, ds, items, parsed_all, warn_rows)

    if mapping.event_log is not None:
        reject = _first_events(raw, mapping, columns, reasons, reject, notes)
    if ds.name in MONEY_COLUMNS:
        parsed_of = {name: p for (name, _), p in zip(items, parsed_all, strict=True)}
        notes.extend(_row_currency(ds.name, raw, mapping, parsed_of, columns, warn_rows))
    if ds.name == "time_entries":
        reject = _time_entry_hours(raw, mapping, columns, reasons, reject)

    # rows rejected: one problem per row, the first reason found
    rejected_idx = pc.indices_nonzero(reject)
    if len(rejected_idx):
        problems.extend(_first_reasons(raw, reasons))
    keep = pc.invert(reject)
    names = list(columns)
    table = pa.Table.from_arrays([columns[c] for c in names] + [rows], names=[*names, "_row"])
    if len(rejected_idx):  # filtering copies every column (0.1-0.3 s at 1M rows)
        table = _filtered(table, keep)
    return table, problems, notes


def _warn_rows(
    problems: list[Problem],
    raw: RawTable,
    mask: pa.Array,
    column: str,
    header: str,
    why: str,
    raw_col: pa.Array,
    severity: Severity = "warning",
) -> None:
    """One problem per row of ``raw`` where ``mask`` holds, with its raw cell."""
    idx = pc.indices_nonzero(mask)
    if len(idx) == 0:
        return
    for r, v in zip(
        pc.take(raw.row_numbers, idx).to_pylist(), pc.take(raw_col, idx).to_pylist(), strict=True
    ):
        problems.append(Problem(raw.file, raw.sheet, r, header, v, why, severity))


def _column_parser(
    raw: RawTable, ds: Dataset, mapping: Mapping, options: LoadOptions, opts: dict[str, Any]
) -> Callable[..., values.ParsedColumn]:
    """How a mapped column, ``(canonical column, header index)``, of ``raw`` is parsed:
    by its kind's parser, with the table's options; ``day_first``, ``decimal`` and ``why``
    may be given instead (see :func:`_settled_by_table`)."""

    def parse(
        item: tuple[str, int],
        day_first: bool | None = opts.get("day_first"),
        decimal: str | None = opts.get("decimal"),
        why: str | None = None,
    ) -> values.ParsedColumn:
        col_name, pos = item
        raw_col = raw.data.column(pos)
        if col_name == "score" and ds.name == "surveys":
            return values.parse_csat(
                raw_col, scale=opts.get("csat_scale"), reverse=bool(opts.get("csat_reverse"))
            )
        if col_name == "billing_period":
            return values.parse_billing_months(raw_col, opts.get("billing_months"))
        if col_name == "currency":
            return values.parse_currency(raw_col)
        if col_name in MONEY_COLUMNS.get(ds.name, ()):
            return values.parse_money(raw_col, lang=options.lang, decimal=decimal, why=why)
        return values.parse_column(
            raw_col,
            ds.column(col_name).kind,
            lang=options.lang,
            tz=options.tz,
            day_first=day_first,
            inverted=col_name in mapping.inverted,
            decimal=decimal,
            why=why,
        )

    return parse


def _typed_columns(
    raw: RawTable,
    ds: Dataset,
    items: list[tuple[str, int]],
    parsed_all: list[values.ParsedColumn],
    warn_rows: Callable[..., None],
) -> tuple[dict[str, pa.Array], list[str], list[tuple[pa.Array, str, str, pa.Array]], pa.Array]:
    """The parsed columns by canonical name, the column notes, the reasons to reject a row
    (mask, header, why, raw cells) and the rows they reject; the problems of optional
    columns are warned (``warn_rows``)."""
    notes: list[str] = []
    reject = pa.array(np.zeros(raw.data.num_rows, dtype=bool))
    reasons: list[tuple[pa.Array, str, str, pa.Array]] = []  # mask, header, why, raw
    columns: dict[str, pa.Array] = {}
    for (col_name, pos), parsed_col in zip(items, parsed_all, strict=True):
        col = ds.column(col_name)
        header = raw.headers[pos]
        raw_col = raw.data.column(pos)
        parsed: values.ParsedColumn | None = parsed_col
        if col_name == "score" and ds.name == "surveys":
            columns["satisfied"] = parsed_col.values
            columns["score"] = values.clean_text(raw_col)
        elif col_name == "billing_period":
            columns["billing_months"] = parsed_col.values
            columns["billing_period"] = values.clean_text(raw_col)
            if parsed_col.warnings is not None:
                warn_rows(
                    parsed_col.warnings, col_name, header, parsed_col.warning_reason or "", raw_col
                )
            if parsed_col.info is not None:
                warn_rows(
                    parsed_col.info, col_name, header, parsed_col.info_reason or "", raw_col, "info"
                )
            parsed = None
        else:
            columns[col_name] = parsed_col.values
        if parsed is None:
            continue
        if parsed.note:
            notes.append(english("load.msg.column_note", column=col_name, header=header,
                                 note=parsed.note))  # fmt: skip
        if parsed.error:
            notes.append(english("load.msg.column_note", column=col_name, header=header,
                                 note=parsed.error))  # fmt: skip
        why = parsed.error or parsed.reason or english("load.msg.not_valid", kind=col.kind)
        if col.required:
            # empty (or a sentinel): NULL without being invalid; a survey score that
            # is "not a response" is NULL in `satisfied` but not empty
            kept = columns["score"] if col_name == "score" else parsed.values
            missing = pc.and_(pc.is_null(kept), pc.invert(parsed.invalid))
            reasons.append((parsed.invalid, header, why, raw_col))
            reasons.append((missing, header, english("load.msg.required_empty"), raw_col))
            reject = pc.or_(reject, pc.or_(parsed.invalid, missing))
        else:
            warn_rows(
                parsed.invalid, col_name, header, english("load.msg.left_empty", why=why), raw_col
            )
        if parsed.warnings is not None and parsed.warning_reason:
            warn_rows(parsed.warnings, col_name, header, parsed.warning_reason, raw_col)
    return columns, notes, reasons, reject


def _first_reasons(
    raw: RawTable, reasons: list[tuple[pa.Array, str, str, pa.Array]]
) -> list[Problem]:
    """One rejection per row of ``raw`` that a reason holds for, the first reason found,
    by row."""
    first: dict[int, Problem] = {}
    for mask, header, why, raw_col in reasons:
        hit = pc.indices_nonzero(mask)
        if len(hit) == 0:
            continue
        for i, r, v in zip(
            hit.to_pylist(),
            pc.take(raw.row_numbers, hit).to_pylist(),
            pc.take(raw_col, hit).to_pylist(),
            strict=True,
        ):
            if i not in first:
                first[i] = Problem(raw.file, raw.sheet, r, header, v, why, "rejected")
    return [first[i] for i in sorted(first)]


def _row_currency(
    dataset: str,
    raw: RawTable,
    mapping: Mapping,
    parsed: dict[str, values.ParsedColumn],
    columns: dict[str, pa.Array],
    warn_rows: Callable[[pa.Array, str, str, str, pa.Array], None],
) -> list[str]:
    """The ``currency`` of each row of a money dataset (see :mod:`kpi.query.money`): the currency
    column's; else the one written in the amount cells (the amount's, then the cost's).
    Returns the column notes (cells written with a bare $).

    A row whose cells and column name different currencies keeps the column's, and one
    whose amount and cost cells differ keeps the amount's, each with a warning. A bare
    ``$`` and a dollar currency (MXN) do not differ: the code is kept, being the more
    precise. No currency anywhere: no ``currency`` column (every row NULL).
    """
    dollar = pa.array(sorted(DOLLAR_CURRENCIES))

    def clash(a: pa.Array, b: pa.Array) -> pa.Array:
        a_dollar = pc.and_(pc.equal(a, DOLLAR_SIGN), pc.is_in(b, value_set=dollar))
        b_dollar = pc.and_(pc.equal(b, DOLLAR_SIGN), pc.is_in(a, value_set=dollar))
        same = pc.or_(pc.equal(a, b), pc.or_(a_dollar, b_dollar))
        return pc.fill_null(pc.invert(same), False)  # NULL: one of them names none

    def named(a: pa.Array, b: pa.Array) -> pa.Array:
        """``a``, or ``b`` where ``a`` is empty or a bare $ that ``b`` names precisely."""
        precise = pc.and_(pc.equal(a, DOLLAR_SIGN), pc.not_equal(b, DOLLAR_SIGN))
        precise = pc.fill_null(precise, False)
        return pc.if_else(precise, b, pc.coalesce(a, b))

    cells = [c for c in MONEY_COLUMNS[dataset] if c in parsed and parsed[c].currency is not None]
    cell: pa.Array | None = None
    first = ""
    notes = []
    for name in cells:
        written = parsed[name].currency
        assert written is not None
        if not _any_valid(written):
            continue
        pos = mapping.columns[name]
        dollars = pc.sum(pc.cast(pc.fill_null(pc.equal(written, DOLLAR_SIGN), False), pa.int64()))
        n = dollars.as_py() or 0
        if n:
            said = english("load.msg.bare_dollar.one" if n == 1 else "load.msg.bare_dollar", n=n)
            notes.append(
                english("load.msg.column_note", column=name, header=raw.headers[pos], note=said)
            )
        if cell is None:
            cell, first = written, name
            continue
        warn_rows(
            clash(cell, written), name, raw.headers[pos],
            english("load.msg.other_currency", first=first),
            raw.data.column(pos),
        )  # fmt: skip
        cell = named(cell, written)
    column = columns.get("currency")
    if column is not None and cell is not None:
        pos = mapping.columns[first]
        warn_rows(
            clash(column, cell), first, raw.headers[pos],
            english("load.msg.other_currency_column"),
            raw.data.column(pos),
        )  # fmt: skip
        columns["currency"] = named(column, cell)
    elif cell is not None:
        columns["currency"] = cell
    return notes


def _any_valid(arr: pa.Array) -> bool:
    return arr.null_count < len(arr)


def _settled_by_table(
    items: list[tuple[str, int]],
    parsed: list[values.ParsedColumn],
    parse: Callable[..., values.ParsedColumn],
    opts: dict[str, Any],
) -> list[values.ParsedColumn]:
    """A column whose own values do not decide the day/month order or the decimal mark is
    read as the other columns of the same table decide it, when they agree (docs/DETAILS.md 32
    goes on: the column's values, else the table's, else the language). An export is
    written in one locale: ``Fecha inicio`` holding only ``01/02/2024`` next to ``Fecha
    prevista fin`` with ``30/06/2024`` is day-first (1 February), whatever the reading
    language; ``1.200`` next to amounts like ``2,5`` is one thousand two hundred. A
    preset's ``day_first`` or ``decimal`` wins (nothing to settle).

    Args:
        items: (canonical column, header index) of the parsed columns.
        parsed: their parsed columns, in the same order.
        parse: parses one item again, with ``day_first``, ``decimal`` and ``why``.
        opts: the table's options (a preset's or the user's).

    Returns:
        ``parsed`` with the undecided columns parsed again where the table decides.
    """
    out = list(parsed)
    orders = {p.order[0] for p in parsed if p.order is not None and p.order[1]}
    if opts.get("day_first") is None and len(orders) == 1:
        (day_first,) = orders
        for k, p in enumerate(parsed):
            if p.order is not None and not p.order[1] and p.order[0] != day_first:
                out[k] = parse(items[k], day_first=day_first, why=_BY_OTHER_DATES)
    marks = {p.mark[0] for p in parsed if p.mark is not None and p.mark[1]}
    if opts.get("decimal") is None and len(marks) == 1:
        (mark,) = marks
        for k, p in enumerate(parsed):
            if p.mark is not None and not p.mark[1] and p.mark[0] != mark:
                out[k] = parse(items[k], decimal=mark, why=_BY_OTHER_NUMBERS)
    return out


#: why a column was read by the other columns of its table (a column note)
_BY_OTHER_DATES = english("load.msg.by_other_dates")
_BY_OTHER_NUMBERS = english("load.msg.by_other_numbers")


def _filtered(table: pa.Table, keep: pa.Array) -> pa.Table:
    """``table.filter(keep)``, its columns filtered on every core when the table is long
    (Arrow filters a table one column after the other; 0.13 s for 1M tickets)."""
    columns = per_column(lambda col: col.filter(keep), table.columns, table.num_rows)
    return pa.Table.from_arrays(columns, schema=table.schema)


def _first_events(
    raw: RawTable,
    mapping: Mapping,
    columns: dict[str, pa.Array],
    reasons: list[tuple[pa.Array, str, str, pa.Array]],
    reject: pa.Array,
    notes: list[str],
) -> pa.Array:
    """An event log without its ``fills`` column (tickets without created_at): each row
    gets the earliest change timestamp of its id in the file. ``SR Number`` 101 changed
    at 09:00, 11:30 and 16:00 is created at 09:00 on all three rows (the merge then keeps
    the 16:00 row). An id without any change timestamp rejects its rows."""
    rule = mapping.event_log
    assert rule is not None
    ids, stamps = columns[rule.key], columns[rule.change]
    first = (
        pa.table({"k": ids, "t": stamps}).group_by("k").aggregate([("t", "min")])
    )  # one row per id, vectorised
    at = pc.index_in(ids, value_set=first.column("k"))
    filled = pc.take(first.column("t_min"), at)
    columns[rule.fills] = filled.combine_chunks() if isinstance(filled, pa.ChunkedArray) else filled
    key_header = raw.headers[mapping.columns[rule.key]]
    change_header = raw.headers[mapping.columns[rule.change]]
    notes.append(
        english("load.msg.first_event", fills=rule.fills, change=change_header, key=key_header)
    )
    none = pc.and_(pc.is_null(columns[rule.fills]), pc.invert(reject))
    reasons.append(
        (
            none,
            change_header,
            f"no {change_header} for this {key_header}, so no {rule.fills}",
            raw.data.column(mapping.columns[rule.change]),
        )
    )
    return pc.or_(reject, none)


def _time_entry_hours(
    raw: RawTable,
    mapping: Mapping,
    columns: dict[str, pa.Array],
    reasons: list[tuple[pa.Array, str, str, pa.Array]],
    reject: pa.Array,
) -> pa.Array:
    """docs/DATA.md time_entries: hours = end - start when there is no hours column; hours
    <= 0 reject the row (docs/DETAILS.md 25)."""
    if "hours" not in columns:
        start, end = columns["start_at"], columns["end_at"]
        micros = pc.subtract(end.cast(pa.int64()), start.cast(pa.int64()))
        columns["hours"] = pc.divide(micros.cast(pa.float64()), 3_600_000_000.0)
        header = (
            f"{raw.headers[mapping.columns['start_at']]} / {raw.headers[mapping.columns['end_at']]}"
        )
        no_span = pc.and_(pc.is_null(columns["hours"]), pc.invert(reject))
        reasons.append(
            (
                no_span,
                header,
                english("load.msg.no_hours"),
                raw.data.column(mapping.columns["start_at"]),
            )
        )
        reject = pc.or_(reject, no_span)
        hours_raw = pc.cast(columns["hours"], pa.string())
    else:
        header = raw.headers[mapping.columns["hours"]]
        hours_raw = raw.data.column(mapping.columns["hours"])
    not_positive = pc.fill_null(pc.less_equal(columns["hours"], 0), False)
    reasons.append((not_positive, header, english("load.msg.hours_positive"), hours_raw))
    return pc.or_(reject, not_positive)
