"""The SQL behind the KPIs: prepared tables, one query per KPI family and grouping.

:class:`Core` owns one private in-memory DuckDB connection (never the module-global
``duckdb.sql``). At start it copies the :class:`~kpi.model.LoadedData` tables into
*prepared* tables with the per-row rules already applied (ticket flags, durations on
absolute time, monthly recurring revenue of each contract, its renewal, ...:
:mod:`kpi.query.prepared`). A report then runs one query per family
(:data:`kpi.metrics.FAMILIES`):

1. ``parts`` (:mod:`kpi.query.families`): the family's contributions, one row per event
   dated in the period (a ticket created, an invoice) or per entity at each date D (a
   contract active at D), with the columns ``client``, ``technician``, ``d`` (the
   attribution date) and the contribution columns the KPI declarations aggregate;
2. one aggregate block per set of parts the KPIs read (:mod:`kpi.query.blocks`: the
   tickets opened read the "created" rows, the gross margin the invoice and time-entry
   rows), grouped with ``GROUP BY GROUPING SETS``: one set per distinct grouping the KPIs
   need (a KPI that cannot be grouped by a dimension falls back to the coarser grouping:
   MRR in a report by technician is a total row);
3. the rows of every grouping's aggregates (a SELECT per block and grouping, the KPIs'
   numerators and denominators side by side: ``n{i}``, ``d{i}``), one statement per
   family (:meth:`Core.family_query`: what a report runs and what ``explain`` shows);
4. in numpy, one long row per KPI and group (:func:`kpi.query.blocks._unpivot`):
   ``num / den`` for ratios and means, ordered by KPI, group name and month.

Filter values (clients, technicians, dates) are always bound parameters; the only
identifiers written into SQL are the ones of :mod:`kpi.query` and of :mod:`kpi.metrics`.
"""

from __future__ import annotations

import queue
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd
import pyarrow as pa

from kpi import texts
from kpi.load.names import client_key, technician_key
from kpi.metrics import FLAG_NEEDS, RESOLVED_NEED, Kpi, describe_need
from kpi.model import LoadedData
from kpi.query.blocks import _block_sql, _Rows, _unpivot, _wide_select
from kpi.query.families import _BUILDERS
from kpi.query.money import MoneyOptions, MoneyPlan, found_in, plan
from kpi.query.prepared import _MADE_TABLE, LARGE_TABLES, MONEY_TABLES, indexed, statements
from kpi.query.scope import (
    _MONTHS_CTE,
    END,
    POINT,
    START,
    Part,
    Scope,
    kpi_columns,
    scope_filters,
)
from kpi.schema import MONEY_COLUMNS

#: Family queries of one report run at once, each on its own cursor of the engine's
#: database: on 2 cores two at a time cut a filtered report by about a third (more
#: would only queue behind DuckDB's own threads).
QUERY_THREADS = 2
#: parsed family statements an engine keeps (a page asks 8 families for a few scope
#: shapes: months or not, compare, groupings; a few hundred KB of SQL at most)
PARSED_KEPT = 256
_PARAM = re.compile(r"\$([a-z_]+)\b")


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> pd.DataFrame:
    rel = con.sql(sql, params=_used(sql, params) or None)
    return rel.to_arrow_table().to_pandas()


def _used(sql: str, params: dict[str, object]) -> dict[str, object]:
    """The parameters ``sql`` reads (DuckDB refuses one it does not)."""
    used = set(_PARAM.findall(sql))
    return {k: v for k, v in params.items() if k in used}


@dataclass(frozen=True)
class FamilyQuery:
    """The one statement of a KPI family for a :class:`Scope`, as a report runs it.

    Attributes:
        sql: the statement. Its rows: ``sel_i`` (which of ``selects``), ``mday`` (the
            month's first day as days since 1970-01-01, NULL when not monthly), the KPIs'
            aggregate columns (``n{i}``; ``d{i}`` of a ratio or mean; ``r{i}``, ``k{i}``
            of a money KPI's ``known`` rule) and ``pos`` (the group's place in
            ``grp_order``, 0 for no group), ordered by ``sel_i``, group name and month.
        params: the bound parameters it reads, by name (no others).
        selects: what each ``sel_i`` holds: a block's KPIs at one grouping.
        kpis: the family's KPIs it computes, in declaration order.
    """

    sql: str
    params: dict[str, object]
    selects: tuple[_Rows, ...]
    kpis: tuple[Kpi, ...]

    def columns(self, kpi_id: str) -> tuple[int, str, str | None]:
        """``(sel_i, numerator column, denominator column)`` of a KPI's rows at the
        scope's first grouping: ``(2, "n3", "d3")``; no denominator column unless a ratio
        or a mean.

        Raises:
            KeyError: the query does not compute the KPI.
        """
        for s, rows in enumerate(self.selects):
            if rows.by_i:
                continue
            for i, k in rows.members:
                if k.id == kpi_id:
                    return s, f"n{i}", f"d{i}" if k.has_fraction else None
        raise KeyError(f"{kpi_id} is not computed by this query")


class Core:
    """Prepared tables and the family queries of one :class:`LoadedData`.

    Args:
        data: the loaded tables (see :mod:`kpi.model`).
        money: the report currency and exchange rates (default: the data's only
            currency, no rates); see :mod:`kpi.query.money` and :meth:`set_money`.
        compress: compress the prepared tables (see the CHECKPOINT in ``__init__``);
            False for an engine asked one report (the command line), where it costs more
            than it saves.
    """

    def __init__(
        self, data: LoadedData, money: MoneyOptions | None = None, *, compress: bool = True
    ) -> None:
        self.data = data
        self.compress = compress
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        # the prepared tables live in a compressed in-memory database (see the CHECKPOINT
        # below); every cursor uses it
        self.con.execute("ATTACH ':memory:' AS kpidb (COMPRESS)")
        self.con.execute("USE kpidb")
        #: A DuckDB connection refuses a second concurrent call ("connection is busy"),
        #: and Streamlit starts a new run while a stopped one may still be inside DuckDB:
        #: queries run on cursors (connections to the same database) checked out of this
        #: pool, one query per cursor at a time; a caller waits for a free one.
        self._cursors: queue.SimpleQueue[duckdb.DuckDBPyConnection] = queue.SimpleQueue()
        #: family statements parsed, by SQL text (see :meth:`_statement`)
        self._parsed: dict[str, duckdb.Statement] = {}
        self._parsed_lock = threading.Lock()
        raw, sides = indexed(data.tables)
        for name, side in sides.items():  # read by the rows behind a number
            self.con.register(name, side)
        for _ in range(QUERY_THREADS):
            cur = self.con.cursor()
            cur.execute("USE kpidb")
            for name, side in sides.items():
                cur.register(name, side)
            self._cursors.put(cur)
        for name, table in raw.items():
            self.con.register(f"raw_{name}", table)
        #: the amounts of each money dataset by currency, and how they are read
        self.found = found_in(data)
        self.money: MoneyPlan = plan(self.found, money)
        self._money_sources()
        self._prepare()
        #: the default report date: ingestion's, else the latest event (docs/DETAILS.md 9);
        #: the data's first date likewise (kpi.query.periods: comparisons before it are empty)
        first, latest = data.data_start, data.as_of
        if first is None or latest is None:
            found = self._event_span()
            first, latest = first or found[0], latest or found[1]
        self.as_of: date | None = latest
        self.data_start: date | None = first
        for name in data.tables:
            self.con.unregister(f"raw_{name}")
        # compress the prepared tables (the large ones were as they were made, see
        # :meth:`_prepare`): dictionaries for names, RLE for dates, ALP for amounts; at
        # 1M tickets DuckDB holds 41 MB instead of 325 MB, and grouping by client and
        # month reads dictionary codes (a full report about 15% faster); the checkpoints
        # cost about 1 s of CPU, which one report does not win back (the CLI's engine
        # skips them). An in-memory database: nothing goes to disk.
        if compress:
            self.con.execute("CHECKPOINT kpidb")
        #: the rows live in the prepared tables now: the engine keeps the schemas, row
        #: counts and reports only, and the caller may let its copy go
        self.data = data.without_rows()
        self.device_level = data.has("devices", "covered") or data.has("devices", "contract_id")
        self.known_flags = self._known_flags()
        self.undated_resolutions = self._undated_resolutions()
        self._client_names = self._names("client")
        self._technician_names = self._names("technician")
        self._order_names()
        self._client_keys = _by_key(self._client_names, client_key)
        self._technician_keys = _by_key(self._technician_names, technician_key)

    # ---------------------------------------------------------------- preparation
    def has(self, dataset: str, column: str | None = None) -> bool:
        return self.data.has(dataset, column)

    def _money_sources(self) -> None:
        """The rows of contracts, invoices and opportunities as loaded (``src_*``), and
        the views that convert their amounts to the report currency (``money_*``): an
        amount x the factor of its currency in ``fx``, NULL without one (kpi.query.money). The
        prepared tables read the views, and are made again when the rates change
        (:meth:`set_money`)."""
        self._write_fx()
        for name, columns in MONEY_COLUMNS.items():
            if not self.has(name):
                continue
            self.con.execute(f"CREATE TABLE src_{name} AS SELECT * FROM raw_{name}")
            converted = ", ".join(f"s.{c} * f.factor AS {c}" for c in columns)
            # invoices: which lines have a cost at all (an empty cost is no cost, docs/DETAILS.md
            # 23; a cost without a rate is an unknown one)
            has_cost = ", s.cost IS NOT NULL AS has_cost" if name == "invoices" else ""
            self.con.execute(
                f"CREATE VIEW money_{name} AS SELECT s.* REPLACE ({converted}){has_cost}"
                f" FROM src_{name} s LEFT JOIN fx f ON f.cur = coalesce(s.currency, '')"
            )

    def _write_fx(self) -> None:
        """``fx(cur, factor)``: the factor of each currency as stored (``''``: none)."""
        factors = self.money.factors
        fx = pa.table(
            {
                "cur": pa.array(list(factors), pa.string()),
                "factor": pa.array(list(factors.values()), pa.float64()),
            }
        )
        self.con.register("fx_in", fx)  # currency texts come from files: never in SQL
        self.con.execute("CREATE OR REPLACE TABLE fx AS SELECT * FROM fx_in")
        self.con.unregister("fx_in")

    def set_money(self, money: MoneyOptions | None) -> None:
        """Read the amounts with other money options (report currency, rates): the
        prepared money tables are made again from the rows kept at start, in
        milliseconds; the other tables stay."""
        self.money = plan(self.found, money)
        self._write_fx()
        self._prepare(only=MONEY_TABLES)
        if self.compress:
            self.con.execute("CHECKPOINT kpidb")

    def _prepare(self, only: frozenset[str] | None = None) -> None:
        """The prepared tables (``only``: just these ones, made again); with
        ``compress``, the large ones (:data:`LARGE_TABLES`) are compressed as soon as
        they are made, so their uncompressed copies never coexist (at 1M tickets they
        raised the engine's peak above loading's, by about 100 MB)."""
        tz = self.data.tz or "UTC"
        stmts = statements(self.has, tz)
        for sql in stmts:
            made = _MADE_TABLE.search(sql)
            if only is not None and (made is None or made.group(1) not in only):
                continue
            if "$tz" in sql:
                self.con.execute(sql, {"tz": tz})
            else:
                self.con.execute(sql)
            if self.compress and made is not None and made.group(1) in LARGE_TABLES:
                self.con.execute("CHECKPOINT kpidb")

    def _known_flags(self) -> dict[str, bool]:
        """Ticket flag (:data:`kpi.metrics.FLAG_NEEDS`, a column of ``tickets_p``) ->
        some ticket's is known."""
        if not self.has("tickets"):
            return dict.fromkeys(FLAG_NEEDS, False)
        counts = self.con.sql(
            f"SELECT {', '.join(f'count({f})' for f in FLAG_NEEDS)} FROM tickets_p"
        ).fetchall()[0]
        return {f: n > 0 for f, n in zip(FLAG_NEEDS, counts, strict=True)}

    def _undated_resolutions(self) -> int:
        """Tickets resolved or cancelled at an unknown time when no ticket has a
        resolution date (then the dated KPIs have nothing to count: not produced), else 0."""
        if not self.has("tickets"):
            return 0
        dated, undated = self.con.sql(
            "SELECT count(resolved_d), count(*) FILTER (WHERE closed_unknown) FROM tickets_p"
        ).fetchall()[0]
        return int(undated) if dated == 0 else 0

    def _event_span(self) -> tuple[date | None, date | None]:
        """The data's first and latest event dates (docs/DETAILS.md 9; the first date leaves
        the devices out, see :func:`kpi.load.assemble._event_span`), for data whose ingestion did
        not set them."""
        d = self.data
        sources: list[tuple[str, str, str]] = []  # (table, its first date, its latest)
        if d.has("tickets"):
            sources.append(
                ("raw_tickets", "least(min(created_at), min(resolved), min(updated_at))",
                 "greatest(max(created_at), max(resolved), max(updated_at))")
            )  # fmt: skip
        if d.has("surveys"):
            sources.append(("raw_surveys", "min(responded_at)", "max(responded_at)"))
        if d.has("time_entries"):
            sources.append(("raw_time_entries", "min(date)", "max(date)"))
        if d.has("invoices"):
            sources.append(("raw_invoices", "min(date)", "max(date)"))
        if d.has("devices"):
            sources.append(("raw_devices", "NULL", "max(last_seen)"))
        if d.has("opportunities"):
            closed = "(closed_at) FILTER (WHERE outcome IN ('won', 'lost'))"
            sources.append(
                ("raw_opportunities", f"least(min(created_at), min(last_activity_at), min{closed})",
                 f"greatest(max(created_at), max(last_activity_at), max{closed})")
            )  # fmt: skip
        if not sources:
            return None, None
        union = " UNION ALL ".join(
            f"SELECT CAST(({lo}) AS DATE) AS lo, CAST(({hi}) AS DATE) AS hi FROM {table}"
            for table, lo, hi in sources
        )
        first, latest = self.con.sql(f"SELECT min(lo), max(hi) FROM ({union})").fetchall()[0]
        return first, latest

    def _names(self, dim: str) -> list[str]:
        tables = {
            "client": ["tickets_p", "surveys_p", "time_p", "contracts_p", "devices_p",
                       "projects_p", "invoices_p", "opps_p"],
            "technician": ["tickets_p", "surveys_p", "time_p", "staff_p"],
        }[dim]  # fmt: skip
        existing = {r[0] for r in self.con.sql("SELECT table_name FROM duckdb_tables()").fetchall()}
        selects = [f"SELECT DISTINCT {dim} AS n FROM {t}" for t in tables if t in existing]
        if not selects:
            return []
        rows = self.con.sql(" UNION ".join(selects)).fetchall()
        return sorted(r[0] for r in rows if r[0] is not None)

    def _order_names(self) -> None:
        """``grp_order(grp, pos)``: every client and technician name and its place in a
        report, by ``lower(strip_accents(name))`` then the name itself."""
        names = sorted(set(self._client_names) | set(self._technician_names))
        self.con.register("grp_names", pa.table({"grp": pa.array(names, pa.string())}))
        self.con.execute(
            "CREATE TABLE grp_order AS SELECT grp, row_number() OVER "
            "(ORDER BY lower(strip_accents(grp)), grp) AS pos FROM grp_names"
        )
        self.con.unregister("grp_names")
        ordered = self.con.sql("SELECT grp FROM grp_order ORDER BY pos").fetchall()
        #: the names by position, after None (no group): a family's rows carry ``pos``
        self._names_by_pos = pa.array([None, *(r[0] for r in ordered)], pa.string())

    # ---------------------------------------------------------------- filters
    def client_names(self) -> list[str]:
        """Every client display name in the loaded data, sorted."""
        return list(self._client_names)

    def technician_names(self) -> list[str]:
        """Every technician name in the loaded data, sorted."""
        return list(self._technician_names)

    def match_clients(self, wanted: list[str]) -> tuple[list[str], list[str]]:
        """Loaded client names matching the user's names by client key, and the unmatched.

        Example: ``["acme sl"]`` matches ``"ACME, S.L."`` (both are key ``acme``).
        """
        return _match(wanted, self._client_keys, client_key)

    def match_technicians(self, wanted: list[str]) -> tuple[list[str], list[str]]:
        """Loaded technician names matching the user's names by technician key."""
        return _match(wanted, self._technician_keys, technician_key)

    # ---------------------------------------------------------------- availability
    def missing(self, kpi: Kpi, lang: str = "en") -> str | None:
        """None when the KPI's inputs are loaded, else what would enable it."""
        if self.undated_resolutions and RESOLVED_NEED in kpi.needs:
            return texts.t("query.no_resolution_date", lang, undated=self.undated_resolutions)
        for n in kpi.needs:
            if not any(self.has(ds, col) for ds, col in n.any_of):
                return describe_need(n, lang, frozenset(self.data.tables))
        if kpi.flag and not self.known_flags.get(kpi.flag, False):
            cols = describe_need(FLAG_NEEDS[kpi.flag], lang)
            return texts.t("query.no_flag", lang, columns=cols)
        return None

    def computes(self, kpi: Kpi, scope: Scope) -> bool:
        """The KPI is computed for ``scope``: its inputs are loaded and the scope's filters
        allow it (docs/DETAILS.md 8: no utilisation under a client filter, no MRR under a
        technician filter)."""
        if self.missing(kpi) is not None:
            return False
        if scope.clients is not None and "client" not in kpi.groupings:
            return False
        return scope.technicians is None or "technician" in kpi.groupings

    # ---------------------------------------------------------------- queries
    def _family(self, family: str, scope: Scope) -> tuple[list[str], list[_Rows], list[Kpi]]:
        """The CTEs of one family's query for ``scope``, its KPIs' long rows (the SELECTs
        over the aggregate blocks) and the KPIs (in order) it computes."""
        if any("month" in g for g in scope.also):
            raise ValueError("only the first grouping of a query may have months")
        kpis = [k for k in scope.kpis if k.family == family]
        ctes, parts = self.family_parts(family, scope)
        parts = [p for p in parts if not p.rows_only]
        # KPIs are aggregated over the union of just the parts they read: the tickets
        # opened need the "created" rows only, the gross margin invoices and time entries
        by_parts: dict[tuple[int, ...], list[tuple[int, Kpi]]] = {}
        for i, k in enumerate(kpis):
            cols = kpi_columns(k)
            chosen = tuple(j for j, p in enumerate(parts) if p.columns & cols)
            if not chosen:
                raise ValueError(f"no contributions for {k.id}")
            by_parts.setdefault(chosen, []).append((i, k))
        # a set of parts within another's is aggregated in the same block, its KPIs'
        # groups kept where a row of their own parts is (a presence count): the time
        # entries are read once for the labour cost and the gross margin. The values are
        # the same: the other parts' rows hold none of these KPIs' contributions.
        merged: dict[tuple[int, ...], list[tuple[tuple[int, ...], list[tuple[int, Kpi]]]]] = {}
        for chosen in sorted(by_parts, key=len, reverse=True):
            into = next((t for t in merged if set(chosen) < set(t)), chosen)
            merged.setdefault(into, []).append((chosen, by_parts[chosen]))
        blocks: list[str] = []
        selects: list[_Rows] = []
        for b, (chosen, groups) in enumerate(merged.items()):
            block, block_selects = _block_sql(b, chosen, groups, parts, scope)
            blocks.append(block)
            selects += block_selects
        return [*ctes, *blocks], selects, kpis

    def family_parts(self, family: str, scope: Scope) -> tuple[list[str], list[Part]]:
        """The CTEs the parts of one family read for ``scope`` (the months of the period,
        the dates D, the family's own) and its parts (:class:`~kpi.query.scope.Part`),
        those for the rows behind a KPI (``rows_only``) included."""
        ctes, parts = _BUILDERS[family](self, scope)
        common = [_MONTHS_CTE]
        if scope.combined:
            # each month's D and the period's (the same as the last month's, unless the
            # period starts after as_of and has no month)
            common.append(f"points AS (SELECT d_at FROM months UNION SELECT {POINT})")
        elif scope.monthly:
            common.append("points AS (SELECT d_at FROM months)")
        else:
            common.append(f"points AS (SELECT {POINT} AS d_at)")
        return [*common, *ctes], parts

    def _params(self, scope: Scope, sql: str) -> dict[str, object]:
        params = scope.params()
        if self.data.tz and "$tz" in sql:
            params["tz"] = self.data.tz
        return params

    def family_query(self, family: str, scope: Scope) -> FamilyQuery:
        """The statement of one family for ``scope``: what :meth:`run_family` runs, and
        what an explanation shows (:class:`FamilyQuery`).

        The statement gives each grouping's aggregate rows as they are, the KPIs'
        numerators and denominators side by side; :func:`_unpivot` (numpy) turns them
        into one long row per KPI. Unnesting a struct per KPI in SQL wrote four times the
        rows and doubled the statement DuckDB plans; numpy does it in a few milliseconds.
        """
        ctes, selects, kpis = self._family(family, scope)
        # group names in name order (case and accents aside): a position looked up in
        # grp_order, not a key computed per row (strip_accents on every row of a report
        # by client and month cost more than the aggregates)
        sql = (
            "WITH "
            + ",\n".join(ctes)
            # pos 0: no group; every group name is in grp_order (see _order_names)
            + "\nSELECT r.* EXCLUDE (grp), CASE WHEN r.grp IS NULL THEN 0"
            " ELSE coalesce(o.pos, error('a group name missing from grp_order')) END AS pos"
            " FROM (\n"
            + "\nUNION ALL BY NAME\n".join(_wide_select(r, s) for s, r in enumerate(selects))
            + "\n) r LEFT JOIN grp_order o ON o.grp = r.grp"
            " ORDER BY sel_i, pos, r.mday NULLS FIRST"
        )
        return FamilyQuery(sql, _used(sql, self._params(scope, sql)), tuple(selects), tuple(kpis))

    def run_family(self, family: str, scope: Scope) -> pd.DataFrame:
        """Long rows ``kpi_i, kpi, grp, month, value, numerator, denominator, rows_n,
        known_n`` of one family (``by_i`` first with ``scope.also``): one row per KPI and
        group, ordered by KPI (declaration order), group name (case-insensitive) and
        month; ``grp`` is the client or technician (None when not grouped by one),
        ``month`` ``YYYY-MM`` (None when not monthly). With ``scope.also``: the rows of
        each grouping in turn, marked by ``by_i``."""
        q = self.family_query(family, scope)
        with self._cursor() as con:
            wide = con.execute(self._statement(con, q.sql), q.params or None).fetchnumpy()
        return _unpivot(wide, list(q.selects), self._names_by_pos, bool(scope.also))

    def run_families(self, families: list[str], scope: Scope) -> list[pd.DataFrame]:
        """:meth:`run_family` of each family, :data:`QUERY_THREADS` at a time, in order."""
        if len(families) <= 1:
            return [self.run_family(f, scope) for f in families]
        with ThreadPoolExecutor(QUERY_THREADS, thread_name_prefix="kpi-query") as pool:
            return list(pool.map(lambda f: self.run_family(f, scope), families))

    def _statement(self, con: duckdb.DuckDBPyConnection, sql: str) -> duckdb.Statement:
        """``sql`` parsed once per engine: a filter change asks the same family statements
        again with other parameter values, and DuckDB's parser takes about 0.5 ms per KB
        (a sixth of a filter change at 1M tickets). A parsed statement is only read by
        ``execute`` (which binds and plans a copy), so cursors share it."""
        stmt = self._parsed.get(sql)
        if stmt is None:
            (stmt,) = con.extract_statements(sql)
            with self._parsed_lock:  # queries of a report run on several threads
                if len(self._parsed) >= PARSED_KEPT:
                    del self._parsed[next(iter(self._parsed))]  # the oldest
                self._parsed[sql] = stmt
        return stmt

    @contextmanager
    def _cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._cursors.get()
        try:
            yield cur
        finally:
            self._cursors.put(cur)

    def _run(self, sql: str, params: dict[str, object]) -> pd.DataFrame:
        with self._cursor() as con:
            return _fetch(con, sql, params)

    def query(self, sql: str, params: dict[str, object]) -> pd.DataFrame:
        """Run SQL built by this package on the private connection (bound params only)."""
        return self._run(sql, params)

    def labor_without_cost(self, scope: Scope) -> float:
        """Hours in the period of technicians without an hourly cost (for a note)."""
        if not self.has("time_entries"):
            return 0.0
        sql = (
            f"SELECT coalesce(fsum(hours), 0) AS h FROM time_p WHERE d BETWEEN {START} AND {END}"
            f" AND hourly_cost IS NULL{scope_filters(scope, technician=True)}"
        )
        return float(self._run(sql, scope.params())["h"].iloc[0])


def _by_key(names: list[str], key: Callable[[str], str]) -> dict[str, list[str]]:
    """Names grouped by their matching key, in name order."""
    by_key: dict[str, list[str]] = {}
    for n in names:
        by_key.setdefault(key(n), []).append(n)
    return by_key


def _match(
    wanted: list[str], by_key: dict[str, list[str]], key: Callable[[str], str]
) -> tuple[list[str], list[str]]:
    found: list[str] = []
    unmatched: list[str] = []
    for w in wanted:
        hits = by_key.get(key(w), [])
        if hits:
            found.extend(h for h in hits if h not in found)
        else:
            unmatched.append(w)
    return found, unmatched
