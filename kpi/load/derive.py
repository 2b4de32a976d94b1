"""Derived columns and per-dataset fallbacks (:mod:`kpi.model` lists the guarantees):
ticket resolution by date or status (docs/DETAILS.md 13), survey client and technician from their
ticket, billable hours, billing months, opportunity outcomes.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.names import technician_key
from kpi.model import LoadedData
from kpi.problems import Problem, Severity
from kpi.schema import NO_CLIENT, fold_header
from kpi.texts.messages import english

WON = frozenset(["won", "closed won", "closedwon", "ganada", "ganado", "win", "cerrada ganada"])
LOST = frozenset(["lost", "closed lost", "closedlost", "perdida", "perdido", "cerrada perdida"])


def derive(
    con: duckdb.DuckDBPyConnection,
    stacked: dict[str, pa.Table],
    data: LoadedData,
    options_of: Sequence[dict[str, Any]] = (),
) -> dict[str, pa.Table]:
    """Derived columns and per-dataset fallbacks (model.py lists the guarantees).

    ``options_of``: the reading options of each table read (by ``_file``), for the
    per-file rules (a preset's ``resolved_statuses``).
    """
    out = dict(stacked)
    if "tickets" in out:
        out["tickets"] = _fill_client(_ticket_resolution(out["tickets"], data, options_of))
    if "surveys" in out:
        out["surveys"] = _fill_client(_survey_fallbacks(con, out["surveys"], out.get("tickets")))
    if "time_entries" in out:
        out["time_entries"] = _fill_client(_billable(out["time_entries"], data))
    if "contracts" in out:
        out["contracts"] = _billing_months(out["contracts"])
    if "projects" in out:
        out["projects"] = _fill_client(out["projects"])
    if "opportunities" in out:
        out["opportunities"] = _fill_client(_outcomes(out["opportunities"], data))
    return out


def _problem_rows(
    data: LoadedData,
    t: pa.Table,
    mask: pa.Array,
    column: str,
    why: str,
    severity: Severity,
    value: pa.Array | pa.ChunkedArray | None = None,
) -> None:
    """One problem per row of ``t`` where ``mask`` holds, with ``value`` (a text per row)
    when given; warnings are counted in their file's report."""
    idx = pc.indices_nonzero(pc.fill_null(mask, False))
    if len(idx) == 0:
        return
    shown = pc.take(value, idx).to_pylist() if value is not None else [None] * len(idx)
    for f, r, v in zip(
        pc.take(t.column("_file"), idx).to_pylist(),
        pc.take(t.column("_row"), idx).to_pylist(),
        shown,
        strict=True,
    ):
        rep = data.files[f]
        data.problems.append(Problem(rep.file, rep.sheet, r, column, v, why, severity))
        if severity == "warning":
            rep.warnings += 1


#: Ticket statuses that say a ticket is resolved (docs/DETAILS.md 13), in English and Spanish,
#: compared folded (case, accents, spaces and punctuation: ``RESUELTA`` ~ ``resuelta``,
#: ConnectWise ``>Closed`` ~ ``closed``) as whole values. A preset's
#: ``resolved_statuses`` adds to them for its files.
RESOLVED_STATUSES = (
    "Resolved", "Closed", "Completed", "Complete", "Done", "Solved", "Finished",
    "Resuelto", "Resuelta", "Cerrado", "Cerrada", "Completado", "Completada", "Listo",
    "Finalizado", "Finalizada", "Terminado", "Terminada", "Hecho", "Hecha",
    "Solucionado", "Solucionada",
)  # fmt: skip
#: Statuses of a ticket closed without a resolution: out of the backlog, never resolved.
CANCELLED_STATUSES = ("Cancelled", "Canceled", "Cancelado", "Cancelada", "Anulado", "Anulada")

#: the warnings of the status rule (their catalog keys), by (resolved, not cancelled; dated
#: by its last update); ``{no_date}`` says why the ticket's own date is not used
_STATUS_RULE = {
    (True, True): "load.msg.status_resolved",
    (True, False): "load.msg.status_resolved_unknown",
    (False, True): "load.msg.status_cancelled",
    (False, False): "load.msg.status_cancelled_unknown",
}
_NO_DATE = english("load.msg.no_resolution_date")
_EARLY_DATE = english("load.msg.resolution_before_created")


def _falses(n: int) -> pa.Array:
    return pa.array(np.zeros(n, dtype=bool))


def _flat(arr: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One contiguous array (``replace_with_mask`` takes no chunked arrays)."""
    if isinstance(arr, pa.ChunkedArray):
        return arr.combine_chunks() if arr.num_chunks else pa.array([], type=arr.type)
    return arr


def _any_true(mask: pa.Array) -> bool:
    return bool(pc.any(pc.fill_null(mask, False)).as_py())


def _status_words(t: pa.Table, options_of: Sequence[dict[str, Any]]) -> tuple[pa.Array, pa.Array]:
    """(resolved word, cancelled word) per ticket from its status, on the distinct
    statuses; a file's ``resolved_statuses`` option counts for its own rows only."""
    status = t.column("status")
    uniques = pc.unique(status).drop_null()
    if len(uniques) == 0:
        return _falses(t.num_rows), _falses(t.num_rows)
    folded = [fold_header(v) for v in uniques.to_pylist()]
    res_words = {fold_header(w) for w in RESOLVED_STATUSES}
    cancel_words = {fold_header(w) for w in CANCELLED_STATUSES}
    at = pc.index_in(status, value_set=uniques)

    def per_ticket(words: set[str]) -> pa.Array:
        return pc.fill_null(pc.take(pa.array([w in words for w in folded]), at), False)

    resolved = per_ticket(res_words)
    for f, opts in enumerate(options_of):
        extra = {fold_header(w) for w in opts.get("resolved_statuses") or ()} - res_words
        if extra:
            mine = pc.equal(t.column("_file"), f)
            resolved = pc.or_(resolved, pc.and_(per_ticket(extra), mine))
    return resolved, pc.and_(per_ticket(cancel_words), pc.invert(resolved))


def _ticket_resolution(
    t: pa.Table, data: LoadedData, options_of: Sequence[dict[str, Any]]
) -> pa.Table:
    """``resolved``, ``cancelled_at`` and ``closed_unknown`` of every ticket (docs/DETAILS.md 13).

    A ticket's resolution date is resolved_at, else closed_at; one earlier than
    created_at is dropped (warning). Without a (usable) date the status decides: a
    resolved word (:data:`RESOLVED_STATUSES`: ``Resolved``, ``Resuelta``, ``Done``, ...)
    resolves the ticket at its last update (updated_at, when on or after created_at);
    a cancelled word (:data:`CANCELLED_STATUSES`) takes it out of the backlog from its
    last update without resolving it; with no last update either, the ticket left the
    backlog at an unknown time (``closed_unknown``): never in the backlog, and in no
    count or time that needs a date. Every such ticket is warned (file, row, status),
    and each file gets a note with the counts. A resolution date with an open status:
    the date wins.

    Example: status ``Resolved``, no resolved or closed date, updated
    ``2024-03-05 10:00`` -> resolved ``2024-03-05 10:00`` (warned); the same without
    updated_at -> resolved NULL, closed_unknown TRUE (warned).
    """
    created = t.column("created_at")
    no_ts = pa.scalar(None, pa.timestamp("us"))
    dated = pc.coalesce(t.column("resolved_at"), t.column("closed_at"))
    early = pc.fill_null(pc.less(dated, created), False)
    dated = pc.if_else(early, no_ts, dated)
    res_word, cancel_word, upd_ok = _undated_status(t, dated, options_of)
    by_status = pc.or_(res_word, cancel_word)
    upd = t.column("updated_at")
    at_update = pc.and_(by_status, upd_ok)
    unknown = pc.and_(by_status, pc.invert(upd_ok))
    if _any_true(by_status):
        resolved = pc.coalesce(dated, pc.if_else(pc.and_(at_update, res_word), upd, no_ts))
        cancelled_at = pc.if_else(pc.and_(at_update, cancel_word), upd, no_ts)
    else:  # the usual export: every resolved ticket has its date
        resolved, cancelled_at = dated, pa.nulls(t.num_rows, pa.timestamp("us"))

    _problem_rows(
        data,
        t,
        pc.and_(early, pc.invert(by_status)),
        "resolved_at",
        english("load.msg.resolved_early"),
        "warning",
    )
    if _any_true(by_status):
        _warn_by_status(t, data, early, by_status, res_word, cancel_word, upd_ok)
    for f, n_dated, n_unknown in _counts_per_file(t, at_update, unknown):
        rep = data.files[f]
        rep.notes.append(
            english(
                "load.msg.column_note",
                column="status",
                header=rep.mapping.get("status", "status"),
                note=english("load.msg.by_status_dates", n=n_dated + n_unknown, dated=n_dated,
                             unknown=n_unknown),
            )
        )  # fmt: skip
    # what the resolution KPIs can use (kpi.metrics: tickets.resolved for the dated ones,
    # cancelled_at and closed_unknown for the backlog)
    present = set(data.present.get("tickets", frozenset()))
    if present & {"resolved_at", "closed_at"} or _any_true(pc.and_(at_update, res_word)):
        present.add("resolved")
    if _any_true(pc.is_valid(cancelled_at)):
        present.add("cancelled_at")
    if _any_true(unknown):
        present.add("closed_unknown")
    data.present["tickets"] = frozenset(present)
    for name, col in (
        ("resolved", resolved),
        ("cancelled_at", cancelled_at),
        ("closed_unknown", unknown),
    ):
        t = t.set_column(t.column_names.index(name), name, col)
    return t


def _undated_status(
    t: pa.Table, dated: pa.Array, options_of: Sequence[dict[str, Any]]
) -> tuple[pa.Array, pa.Array, pa.Array]:
    """Per ticket without a resolution date (``dated`` NULL): its status is a resolved
    word, a cancelled word, and its last update is usable (on or after created_at)."""
    # the status is read on the undated tickets only (the open ones, mostly: a few
    # percent of an export), not hashed for a million dated ones
    undated = _flat(pc.is_null(dated))
    res_word = cancel_word = upd_ok = _falses(t.num_rows)
    if _any_true(undated):
        sub = t.select(["status", "created_at", "updated_at", "_file"]).filter(undated)
        sub_res, sub_cancel = _status_words(sub, options_of)
        sub_ok = pc.fill_null(
            pc.greater_equal(sub.column("updated_at"), sub.column("created_at")), False
        )
        res_word = pc.replace_with_mask(res_word, undated, _flat(sub_res))
        cancel_word = pc.replace_with_mask(cancel_word, undated, _flat(sub_cancel))
        upd_ok = pc.replace_with_mask(upd_ok, undated, _flat(sub_ok))
    return res_word, cancel_word, upd_ok


def _warn_by_status(
    t: pa.Table,
    data: LoadedData,
    early: pa.Array,
    by_status: pa.Array,
    res_word: pa.Array,
    cancel_word: pa.Array,
    upd_ok: pa.Array,
) -> None:
    """A warning per ticket resolved or cancelled by its status (:data:`_STATUS_RULE`)."""
    for (is_resolved, is_dated), key in _STATUS_RULE.items():
        rule = pc.and_(
            pc.and_(by_status, res_word if is_resolved else cancel_word),
            upd_ok if is_dated else pc.invert(upd_ok),
        )
        # a date earlier than created_at is no date: the warning says it was there
        for mask, no_date in ((pc.invert(early), _NO_DATE), (early, _EARLY_DATE)):
            text = english(key, no_date=no_date)
            hit = pc.and_(rule, mask)
            _problem_rows(data, t, hit, "status", text, "warning", t.column("status"))


def _counts_per_file(t: pa.Table, a: pa.Array, b: pa.Array) -> list[tuple[int, int, int]]:
    """(file, rows where ``a``, rows where ``b``) for each file with any of either."""
    either = pc.or_(a, b)
    if not _any_true(either):
        return []
    grouped = (
        pa.table(
            {
                "f": pc.filter(t.column("_file"), either),
                "a": pc.cast(pc.filter(a, either), pa.int64()),
                "b": pc.cast(pc.filter(b, either), pa.int64()),
            }
        )
        .group_by("f")
        .aggregate([("a", "sum"), ("b", "sum")])
    )
    return sorted(
        zip(
            grouped.column("f").to_pylist(),
            grouped.column("a_sum").to_pylist(),
            grouped.column("b_sum").to_pylist(),
            strict=True,
        )
    )


def _fold_words(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """lower-case, accents stripped, spaces collapsed; empty -> NULL."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    uniques = pc.unique(arr).drop_null()
    folded = [" ".join(technician_key(v).split()) or None for v in uniques.to_pylist()]
    return pc.take(pa.array(folded, type=pa.string()), pc.index_in(arr, value_set=uniques))


def _fill_client(t: pa.Table) -> pa.Table:
    i = t.column_names.index("client")
    return t.set_column(i, "client", pc.fill_null(t.column("client"), NO_CLIENT))


def _survey_fallbacks(
    con: duckdb.DuckDBPyConnection, t: pa.Table, tickets: pa.Table | None
) -> pa.Table:
    """Surveys without a client or technician take their ticket's (``tickets``)."""
    if tickets is not None:
        con.register("s_in", t)
        con.register("t_in", tickets.select(["ticket_id", "client", "technician"]))
        cols = ", ".join(
            f's."{c}"'
            if c not in ("client", "technician")
            else f'coalesce(s."{c}", tk."{c}") AS "{c}"'
            for c in t.column_names
        )
        t = con.sql(
            f"""SELECT {cols} FROM s_in s
            LEFT JOIN t_in tk
              ON tk.ticket_id = trim(s.ticket_id)
            ORDER BY s._file, s._row"""
        ).to_arrow_table()
        con.unregister("s_in")
        con.unregister("t_in")
    return t


def _billable(t: pa.Table, data: LoadedData) -> pa.Table:
    """Time entries: every hour billable without a billable column (a note says so), else
    an empty or unknown value not billable."""
    present = data.present.get("time_entries", frozenset())
    if "billable" not in present:
        data.notes.append(english("load.msg.no_billable"))
        t = t.set_column(
            t.column_names.index("billable"),
            "billable",
            pa.array(np.ones(t.num_rows, dtype=bool)),
        )
    else:
        # docs/DETAILS.md 25: an empty or unknown billable value is not billable
        t = t.set_column(
            t.column_names.index("billable"),
            "billable",
            pc.fill_null(t.column("billable"), False),
        )
    return t


def _billing_months(t: pa.Table) -> pa.Table:
    """Contracts: the months of an empty billing period."""
    # no billing period (no column, or an empty value): monthly (docs/DETAILS.md 22); an
    # unknown period keeps NULL months (out of MRR), a one-time charge 0 (MRR 0)
    months = t.column("billing_months")
    t = t.set_column(
        t.column_names.index("billing_months"),
        "billing_months",
        pc.if_else(pc.is_null(t.column("billing_period")), pc.fill_null(months, 1), months),
    )
    return t


def _outcomes(t: pa.Table, data: LoadedData) -> pa.Table:
    """Opportunities: won, lost or open by their status (else stage) and close date, with
    a warning per deal won or lost without a close date, or won before it was created."""
    problem_rows = partial(_problem_rows, data)
    status = _fold_words(t.column("status"))
    stage = _fold_words(t.column("stage"))
    word = pc.if_else(pc.is_null(status), stage, status)
    won = pc.fill_null(pc.is_in(word, value_set=pa.array(sorted(WON))), False)
    lost = pc.fill_null(pc.is_in(word, value_set=pa.array(sorted(LOST))), False)
    closed = pc.is_valid(t.column("closed_at"))
    undated = pc.and_(pc.or_(won, lost), pc.invert(closed))
    problem_rows(t, undated, "closed_at", english("load.msg.won_lost_undated"), "warning")
    # docs/KPIS.md 10: a won deal closed before it was created (a date typed by hand, an
    # import) is still won, but its negative cycle would pull the mean down: left out
    # of avg_sales_cycle_days (the engine's cycle_days), one warning per deal
    early = pc.fill_null(
        pc.and_(pc.and_(won, closed), pc.less(t.column("closed_at"), t.column("created_at"))),
        False,
    )
    problem_rows(
        t,
        early,
        "closed_at",
        english("load.msg.won_before_created"),
        "warning",
        value=pc.binary_join_element_wise(
            "closed ",
            pc.strftime(t.column("closed_at"), "%Y-%m-%d %H:%M"),
            ", created ",
            pc.strftime(t.column("created_at"), "%Y-%m-%d %H:%M"),
            "",
        ),
    )
    outcome = pc.if_else(
        pc.and_(won, closed), "won", pc.if_else(pc.and_(lost, closed), "lost", "open")
    )
    t = t.set_column(t.column_names.index("outcome"), "outcome", outcome)
    return t
