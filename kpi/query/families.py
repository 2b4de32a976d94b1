"""The contributions of each KPI family (docs/KPIS.md): one builder per family
(:data:`_BUILDERS`) gives the CTEs and the :class:`~kpi.query.scope.Part` SELECTs whose
columns the family's KPI declarations aggregate.
"""

from __future__ import annotations

from typing import Protocol

from kpi.metrics import FAMILIES, KPIS
from kpi.metrics.conditions import (
    device_active,
    opportunity_open,
    project_completed,
    stale,
    technician_filter,
    upcoming_renewal,
)
from kpi.query.scope import (
    AS_OF,
    END,
    POINT,
    START,
    Part,
    Scope,
    _active,
    _base,
    _in_period,
    scope_filters,
)


class Prepared(Protocol):
    """What a family builder reads of the engine (:class:`kpi.query.core.Core`): which
    datasets and columns are loaded, and whether devices name their coverage."""

    #: devices say themselves whether they are covered (a covered flag or a contract id)
    device_level: bool

    def has(self, dataset: str, column: str | None = None) -> bool: ...


# ------------------------------------------------------------------ family builders
def _parts_profit(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    ctes: list[str] = []
    parts: list[Part] = []
    if core.has("contracts"):
        ctes.append(_base("k", "contracts_p", s, technician=False))
        parts.append(
            Part(
                "SELECT k.client, CAST(NULL AS VARCHAR) AS technician, p.d_at AS d, "
                f"k.mrr_c AS mrr, 1 AS mrr_n FROM k JOIN points p ON {_active('k', 'p.d_at')}",
                frozenset({"mrr", "mrr_n"}),
                at="points",
                entity=("contract", "k"),
            )
        )
        rev = "" if core.has("invoices") else ", k.mrr_c AS rev, 1 AS rev_n"
        parts.append(
            Part(
                "SELECT k.client, CAST(NULL AS VARCHAR) AS technician, m.d_at AS d, "
                f"k.mrr_c AS rr, 1 AS rr_n{rev} FROM k JOIN months m ON {_active('k', 'm.d_at')}",
                frozenset({"rr", "rr_n"} | (set() if core.has("invoices") else {"rev", "rev_n"})),
                entity=("contract", "k"),
            )
        )
        either = f"({_active('k', 'm.d_at')} OR {_active('k', 'm.prev_d')})"
        ctes.append(f"""cmv AS (
  -- per client, MRR at each month's D (cur) and at the previous month's end (prev) of the
  -- contracts with a known MRR; how many contracts active at either date have one (kn)
  -- and have none (un: an amount without a rate, left out)
  SELECT cl.client, m.d_at,
    coalesce(fsum(k.mrr_c) FILTER (WHERE {_active("k", "m.d_at")}), 0) AS cur,
    coalesce(fsum(k.mrr_c) FILTER (WHERE {_active("k", "m.prev_d")}), 0) AS prev,
    count(k.mrr_c) FILTER (WHERE {either}) AS kn,
    count(*) FILTER (WHERE {either} AND k.mrr_c IS NULL) AS un
  FROM (SELECT DISTINCT client FROM k) cl CROSS JOIN months m JOIN k ON k.client = cl.client
  GROUP BY cl.client, m.d_at)""")
        # equal up to float noise: the same contracts summed in another order
        same = "abs(cur - prev) <= 1e-9 * greatest(1, abs(cur), abs(prev))"
        # a client-month whose contracts all lack a known MRR has unknown movements
        parts.append(
            Part(
                "SELECT client, CAST(NULL AS VARCHAR) AS technician, d_at AS d, 1 AS mv_n,\n"
                "  CASE WHEN kn = 0 THEN NULL WHEN prev = 0 AND cur > 0 THEN cur ELSE 0 END"
                " AS mv_new,\n"
                "  CASE WHEN kn = 0 THEN NULL"
                f" WHEN prev > 0 AND cur > prev AND NOT ({same}) THEN cur - prev"
                " ELSE 0 END AS mv_exp,\n"
                "  CASE WHEN kn = 0 THEN NULL"
                f" WHEN cur > 0 AND cur < prev AND NOT ({same}) THEN prev - cur"
                " ELSE 0 END AS mv_con,\n"
                "  CASE WHEN kn = 0 THEN NULL WHEN cur = 0 AND prev > 0 THEN prev ELSE 0 END"
                " AS mv_churn\n"
                "FROM cmv WHERE cur <> 0 OR prev <> 0 OR un > 0",
                frozenset({"mv_n", "mv_new", "mv_exp", "mv_con", "mv_churn"}),
                entity=("client_month", "cmv"),
            )
        )
    if core.has("invoices"):
        parts.append(
            Part(
                "SELECT client, CAST(NULL AS VARCHAR) AS technician, d, month, amount AS rev, "
                "1 AS rev_n, cost AS dcost, CAST(has_cost AS INTEGER) AS dcost_n "
                f"FROM invoices_p WHERE {_in_period('d')}{scope_filters(s, technician=False)}",
                frozenset({"rev", "rev_n", "dcost", "dcost_n"}),
                month=True,
                entity=("invoice", "invoices_p"),
            )
        )
    if core.has("time_entries"):
        parts.append(
            Part(
                "SELECT client, technician, d, month, hours AS hours_all,"
                " hours * hourly_cost AS labor "
                f"FROM time_p WHERE {_in_period('d')}{scope_filters(s, technician=True)}",
                frozenset({"hours_all", "labor"}),
                month=True,
                entity=("time_entry", "time_p"),
            )
        )
    return ctes, parts


def _parts_csat(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("surveys"):
        return [], []
    return [], [
        Part(
            "SELECT client, technician, d, month, CAST(satisfied AS INTEGER) AS sat, 1 AS resp "
            f"FROM surveys_p WHERE satisfied IS NOT NULL AND {_in_period('d')}"
            f"{scope_filters(s, technician=True)}",
            frozenset({"sat", "resp"}),
            month=True,
            entity=("survey", "surveys_p"),
        )
    ]


def _parts_tickets(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("tickets"):
        return [], []
    ctes = [_base("t", "tickets_p", s, technician=True)]
    parts = [
        Part(
            "SELECT client, technician, created_d AS d, created_m AS month, 1 AS opened,\n"
            "  CAST(coalesce(escalated, FALSE) AS INTEGER) AS esc_n,\n"
            "  CAST(escalated IS NOT NULL AS INTEGER) AS esc_known,\n"
            "  CASE WHEN escalated THEN hours END AS esc_hours, frt_hours\n"
            f"FROM t WHERE {_in_period('created_d')}",
            frozenset({"opened", "esc_n", "esc_known", "esc_hours", "frt_hours"}),
            month=True,
            entity=("ticket", "t"),
        ),
        Part(
            "SELECT client, technician, resolved_d AS d, resolved_m AS month, 1 AS resolved_n,\n"
            "  CAST(coalesce(fcr, FALSE) AS INTEGER) AS fcr_n,\n"
            "  CAST(fcr IS NOT NULL AS INTEGER) AS fcr_known,\n"
            "  CAST(coalesce(sla_met, FALSE) AS INTEGER) AS sla_n,\n"
            "  CAST(sla_met IS NOT NULL AS INTEGER) AS sla_known, res_hours, reopened\n"
            f"FROM t WHERE {_in_period('resolved_d')}",
            frozenset(
                {"resolved_n", "fcr_n", "fcr_known", "sla_n", "sla_known", "res_hours", "reopened"}
            ),
            month=True,
            entity=("ticket", "t"),
        ),
    ]
    if s.monthly:
        # backlog at each month's D = tickets created up to D - tickets resolved (or
        # cancelled) up to D; tickets that left at an unknown time never count,
        # a running sum over the months (a ticket's created or resolved date before the
        # first month counts in the first month)
        # running sums at the grouping's own keys only (the family has one grouping set);
        # tickets resolved before the first month cancel out and are skipped
        keys = [d for d in ("client", "technician") if d in s.dims]
        sel = "".join(f"{k}, " for k in keys)
        on = "".join(f"e.{k} = g.{k} AND " for k in keys)
        part_by = ", ".join(f"g.{k}" for k in keys) or "NULL"
        null_dims = "".join(
            f"CAST(NULL AS VARCHAR) AS {d}, " for d in ("client", "technician") if d not in keys
        )
        first = f"CAST(date_trunc('month', {START}) AS DATE)"
        last = POINT  # the last month's D
        ctes.append(f"""bk_ev AS (
  SELECT {sel}greatest(created_m, {first}) AS b, 1 AS n
  FROM t WHERE created_d <= {last} AND NOT closed_unknown
    AND (coalesce(resolved_d, cancelled_d) >= {first}) IS NOT FALSE
  UNION ALL
  SELECT {sel}coalesce(resolved_m, cancelled_m), -1
  FROM t WHERE coalesce(resolved_d, cancelled_d) BETWEEN {first} AND {last}),
bk_g AS (SELECT {sel}b, sum(n) AS n FROM bk_ev GROUP BY ALL),
bk AS (
  SELECT {"".join(f"g.{k}, " for k in keys)}m.d_at,
    sum(coalesce(e.n, 0)) OVER (PARTITION BY {part_by} ORDER BY m.month) AS open_n
  FROM (SELECT DISTINCT {sel}1 AS one FROM bk_g) g CROSS JOIN months m
  LEFT JOIN bk_g e ON {on}e.b = m.month)""")
        parts.append(
            Part(
                f"SELECT {sel}{null_dims}d_at AS d, open_n AS backlog FROM bk WHERE open_n <> 0",
                frozenset({"backlog"}),
                at="months",
            )
        )
    if s.flat:
        parts.append(
            Part(
                f"SELECT client, technician, {POINT} AS d, 1 AS backlog FROM t\n"
                f"WHERE created_d <= {POINT} AND NOT closed_unknown\n"
                # not yet resolved or cancelled at D (NULL: never)
                f"  AND (coalesce(resolved_d, cancelled_d) > {POINT}) IS NOT FALSE",
                frozenset({"backlog"}),
                at="point",
                entity=("ticket", "t"),
            )
        )
    return ctes, parts


def _parts_time(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    ctes: list[str] = []
    parts: list[Part] = []
    if core.has("time_entries"):
        parts.append(
            Part(
                "SELECT client, technician, d, month, hours,"
                " CASE WHEN billable THEN hours ELSE 0 END AS bill_h "
                f"FROM time_p WHERE {_in_period('d')}{scope_filters(s, technician=True)}",
                frozenset({"hours", "bill_h"}),
                month=True,
                entity=("time_entry", "time_p"),
            )
        )
    tech_filter = f" AND {technician_filter()}" if s.technicians is not None else ""
    if core.has("staff"):
        ctes.append(f"crew AS (SELECT technician, weekly FROM staff_p WHERE TRUE{tech_filter})")
    elif core.has("time_entries"):
        # without a staff list: the technicians with entries in the period, 40 h a week
        ctes.append(
            "crew AS (SELECT DISTINCT technician, 40.0 AS weekly FROM time_p "
            f"WHERE {_in_period('d')}{tech_filter})"
        )
    if ctes:
        ctes.append(
            # the working days (Monday to Friday) of the period, counted per month: a
            # row per technician and month, not per working day (4,400 technicians
            # over a year were a million rows)
            "wd AS (SELECT CAST(date_trunc('month', g.x) AS DATE) AS d, count(*) AS n"
            f" FROM generate_series(CAST({START} AS TIMESTAMP), CAST({END} AS TIMESTAMP),"
            " INTERVAL 1 DAY) g(x) WHERE isodow(g.x) <= 5 GROUP BY ALL)"
        )
        parts.append(
            Part(
                "SELECT CAST(NULL AS VARCHAR) AS client, crew.technician, wd.d,"
                " crew.weekly / 5.0 * wd.n AS avail FROM crew CROSS JOIN wd",
                frozenset({"avail"}),
                entity=(
                    "availability",
                    "struct_pack(technician := crew.technician, month := wd.d,"
                    " weekly_hours := crew.weekly, working_days := wd.n)",
                ),
            )
        )
    return ctes, parts


def _parts_devices(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("devices"):
        return [], []
    cf = scope_filters(s, technician=False)
    ctes = [
        f"""act AS (
  -- devices active at D
  SELECT dv.*, p.d_at FROM devices_p dv JOIN points p
    ON {device_active("dv.first_d", "dv.last_d", "dv.active", "p.d_at")}
  WHERE TRUE{cf})"""
    ]
    contracts = core.has("contracts")
    if core.device_level:
        if contracts:
            ctes.append(
                "kact AS (SELECT DISTINCT k.contract_id, p.d_at FROM contracts_p k "
                f"JOIN points p ON {_active('k', 'p.d_at')})"
            )
            covered = "act.covered IS TRUE OR kact.contract_id IS NOT NULL"
            join = "LEFT JOIN kact ON kact.contract_id = act.contract_id AND kact.d_at = act.d_at"
        else:
            covered, join = "act.covered IS TRUE", ""
        ctes.append(
            "cov AS (SELECT act.client, act.d_at, count(*) AS active_n, "
            f"count(*) FILTER (WHERE {covered}) AS covered_n FROM act {join} GROUP BY ALL)"
        )
    else:
        ctes.append("cov AS (SELECT client, d_at, count(*) AS active_n FROM act GROUP BY ALL)")
    if contracts:
        ctes.append(
            f"""cap AS (
  -- per client at D: devices its active contracts pay for, and the price per device
  SELECT k.client, p.d_at, sum(k.covered_devices) AS cap,
    fsum(k.mrr_c) FILTER (WHERE k.covered_devices > 0 AND k.recurring) AS priced_mrr,
    -- the devices of the recurring contracts whose MRR is known (no rate or no billing
    -- months prices none; a one-time charge is no monthly price)
    sum(k.covered_devices)
      FILTER (WHERE k.covered_devices > 0 AND k.mrr_c IS NOT NULL AND k.recurring)
      AS priced_devices
  FROM contracts_p k JOIN points p ON {_active("k", "p.d_at")}
  WHERE TRUE{scope_filters(s, technician=False, prefix="k.")}
  GROUP BY ALL)"""
        )
        cap_join = "LEFT JOIN cap ON cap.client = cov.client AND cap.d_at = cov.d_at"
        price = "cap.priced_mrr / cap.priced_devices"
        capacity = "coalesce(cap.cap, 0)"
    else:
        cap_join, price, capacity = "", "CAST(NULL AS DOUBLE)", "0"
    covered_n = "cov.covered_n" if core.device_level else f"least(cov.active_n, {capacity})"
    ctes.append(
        f"cv AS (SELECT cov.client, cov.d_at, cov.active_n, {covered_n} AS covered_n, "
        f"{price} AS price FROM cov {cap_join})"
    )
    part = Part(
        "SELECT client, CAST(NULL AS VARCHAR) AS technician, d_at AS d, active_n, covered_n,\n"
        "  active_n - covered_n AS uncovered_n, (active_n - covered_n) * price AS unc_mrr\n"
        "FROM cv",
        frozenset({"active_n", "covered_n", "uncovered_n", "unc_mrr"}),
        at="points",
        entity=("client_devices", "cv"),
    )
    if core.device_level:
        per_device = _per_device(covered, join, price, contracts)
    else:
        # a client's covered devices are a number (its contracts' capacity), not some of
        # its devices: one row per device for the active devices only
        per_device = _per_device(None, "", price, contracts)
    return ctes, [part, per_device]


def _per_device(covered: str | None, join: str, price: str, contracts: bool) -> Part:
    """The devices family's contributions one row per active device at D, for the rows
    behind a KPI (``rows_only``). ``covered``: the SQL saying a device is covered (None
    when devices do not name their coverage: then only ``active_n``); ``join`` what it
    reads, ``price`` a client's price per device (``cap``)."""
    if covered is not None:
        is_covered = f"CAST(({covered}) AS INTEGER)"
        price_join = (
            " LEFT JOIN cap ON cap.client = act.client AND cap.d_at = act.d_at" if contracts else ""
        )
        cols = (
            f"1 AS active_n, {is_covered} AS covered_n, 1 - {is_covered} AS uncovered_n,\n"
            f"  (1 - {is_covered}) * {price} AS unc_mrr"
        )
        provided = frozenset({"active_n", "covered_n", "uncovered_n", "unc_mrr"})
    else:
        price_join, cols, provided = "", "1 AS active_n", frozenset({"active_n"})
    return Part(
        "SELECT act.client, CAST(NULL AS VARCHAR) AS technician, act.d_at AS d,\n"
        f"  {cols}\nFROM act {join}{price_join}",
        provided,
        at="points",
        entity=("device", "act"),
        rows_only=True,
    )


def _parts_renewals(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("contracts"):
        return [], []
    ctes = [_base("k", "contracts_p", s, technician=False)]
    parts = [
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, end_date AS d, 1 AS due,"
            " CAST(renewed_eff AS INTEGER) AS ren\n"
            f"FROM k WHERE {_in_period('end_date')} AND end_date <= {AS_OF}",
            frozenset({"due", "ren"}),
            entity=("contract", "k"),
        ),
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, CAST(NULL AS DATE) AS d,"
            " 1 AS up, mrr_c AS up_mrr\n"
            f"FROM k WHERE {upcoming_renewal('end_date', 'renewed_eff', AS_OF)}",
            frozenset({"up", "up_mrr"}),
            entity=("contract", "k"),
        ),
    ]
    return ctes, parts


def project_state_ctes(core: Prepared, s: Scope) -> list[str]:
    """CTEs ``pj`` (projects with AC at D) and ``ps`` (state, active) of docs/KPIS.md 8.

    D = min(period end, as_of). Used by the project KPIs and the project alerts.
    """
    if core.has("time_entries"):
        # under a client filter, just the hours of that client's projects
        mine = (
            " AND project_id IN (SELECT project_id FROM projects_p p"
            f" WHERE TRUE{scope_filters(s, technician=False, prefix='p.')})"
            if s.clients is not None
            else ""
        )
        te = (
            "LEFT JOIN (SELECT project_id, fsum(hours) AS h FROM project_time_p"
            f" WHERE d <= {POINT}{mine} GROUP BY project_id) te"
            " ON te.project_id = p.project_id"
        )
        ac = "coalesce(p.actual_hours, te.h, 0)"
    else:
        te, ac = "", "p.actual_hours"
    pj = (
        f"pj AS (SELECT p.*, {POINT} AS dd, {ac} AS ac FROM projects_p p {te}"
        f" WHERE TRUE{scope_filters(s, technician=False, prefix='p.')})"
    )
    done = project_completed("status_done", "percent_complete", "closed_at", "dd")
    ps = f"""pv AS (
  SELECT *,
    -- planned share at D, clamped to [0, 1]; due = start: 1 from the due date on
    CASE WHEN due_date <= start_date THEN CASE WHEN dd >= due_date THEN 1.0 ELSE 0.0 END
         ELSE least(greatest(CAST(dd - start_date AS DOUBLE)
                             / CAST(due_date - start_date AS DOUBLE), 0.0), 1.0)
    END AS planned
  FROM pj),
ev_ AS (
  SELECT *, planned * budget_hours AS pv_h, percent_complete * budget_hours AS ev_h
  FROM pv),
idx AS (
  SELECT *,
    CASE WHEN ac > 0 THEN ev_h / ac END AS cpi,   -- undefined when AC = 0
    CASE WHEN pv_h > 0 THEN ev_h / pv_h END AS spi  -- undefined when PV = 0
  FROM ev_),
ps AS (
  SELECT *,
    CASE
      WHEN {done} THEN 'completed'
      WHEN dd > due_date THEN 'late'
      WHEN coalesce(ac > budget_hours, FALSE) OR coalesce(cpi < 0.9, FALSE) THEN 'over_budget'
      WHEN coalesce(spi < 0.9, FALSE) OR coalesce(cpi < 1, FALSE)
           OR (percent_complete IS NULL
               AND coalesce(ac / NULLIF(budget_hours, 0) > planned + 0.1, FALSE))
           THEN 'at_risk'
      ELSE 'on_track'
    END AS state
  FROM idx)"""
    return [pj, ps]


def _parts_projects(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("projects"):
        return [], []
    ctes = project_state_ctes(core, s)
    part = Part(
        "SELECT client, CAST(NULL AS VARCHAR) AS technician, CAST(NULL AS DATE) AS d,\n"
        "  1 AS p_active, CAST(state = 'on_track' AS INTEGER) AS p_on_track,\n"
        "  CAST(state = 'late' AS INTEGER) AS p_late,\n"
        "  CAST(state = 'over_budget' AS INTEGER) AS p_over,\n"
        "  ac AS ac_a, CASE WHEN ac IS NOT NULL THEN budget_hours END AS bud_a\n"
        "FROM ps WHERE start_date <= dd AND state <> 'completed'",
        frozenset({"p_active", "p_on_track", "p_late", "p_over", "ac_a", "bud_a"}),
        entity=("project", "ps"),
    )
    return ctes, [part]


def _parts_opportunities(core: Prepared, s: Scope) -> tuple[list[str], list[Part]]:
    if not core.has("opportunities"):
        return [], []
    ctes = [_base("o", "opps_p", s, technician=False)]
    parts = [
        Part(
            "SELECT o.client, CAST(NULL AS VARCHAR) AS technician, p.d_at AS d, 1 AS open_n,\n"
            "  o.amount AS open_amt, o.amount * o.probability AS weighted,\n"
            "  CAST(o.probability IS NOT NULL AS INTEGER) AS w_n,\n"
            f"  CAST({stale('o.activity_d', 'p.d_at')} AS INTEGER) AS stale\n"
            "FROM o JOIN points p\n"
            f"  ON {opportunity_open('o.created_d', 'o.outcome', 'o.closed_d', 'p.d_at')}",
            frozenset({"open_n", "open_amt", "weighted", "w_n", "stale"}),
            at="points",
            entity=("opportunity", "o"),
        ),
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, created_d AS d, 1 AS created_n"
            f" FROM o WHERE {_in_period('created_d')}",
            frozenset({"created_n"}),
            entity=("opportunity", "o"),
        ),
        Part(
            "SELECT client, CAST(NULL AS VARCHAR) AS technician, closed_d AS d,\n"
            "  CAST(outcome = 'won' AS INTEGER) AS won_n,\n"
            "  CAST(outcome = 'lost' AS INTEGER) AS lost_n,\n"
            "  CASE WHEN outcome = 'won' THEN amount END AS won_amt,\n"
            "  CASE WHEN outcome = 'won' THEN cycle_days END AS cycle_days\n"
            f"FROM o WHERE outcome IN ('won', 'lost') AND {_in_period('closed_d')}",
            frozenset({"won_n", "lost_n", "won_amt", "cycle_days"}),
            entity=("opportunity", "o"),
        ),
    ]
    return ctes, parts


_BUILDERS = {
    "profit": _parts_profit,
    "csat": _parts_csat,
    "tickets": _parts_tickets,
    "time": _parts_time,
    "devices": _parts_devices,
    "renewals": _parts_renewals,
    "projects": _parts_projects,
    "opportunities": _parts_opportunities,
}
assert set(_BUILDERS) == set(FAMILIES), "every family has a builder"
assert {k.family for k in KPIS} <= set(_BUILDERS)
