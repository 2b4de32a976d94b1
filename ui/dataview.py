"""Tables of the Data page built from :class:`kpi.LoadedData` (pure; no Streamlit)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from kpi import LoadedData, Override
from kpi.load.presets import Preset, preset_from_mapping
from kpi.load.summary import DatasetSummary, ValueCounts, currency_label, other_label, value_label
from kpi.load.values import billing_key
from kpi.model import FileReport
from kpi.present import fmt
from kpi.problems import Problem
from kpi.schema import DATASETS
from kpi.texts.messages import translate, translate_all
from kpi.workspace import DatasetChange, StoredTable
from ui.i18n import t

#: Data page: canonical options a table's reading may carry (preset "options")
TABLE_OPTIONS = (
    "day_first",
    "decimal",
    "csat_scale",
    "csat_reverse",
    "resolved_statuses",
    "billing_months",
)


def dataset_label(name: str | None, lang: str) -> str:
    """``tickets`` -> ``Tickets``; ``time_entries`` -> ``Partes de horas`` in Spanish."""
    if not name:
        return ""
    ds = DATASETS.get(name)
    if ds is None:
        return name
    return ds.label(lang)


def confidence_label(report: FileReport, lang: str) -> str:
    """``high``, ``low: confirm it`` or ``confirmed`` (a preset or the user named the
    dataset); empty for a table not recognised."""
    if report.dataset is None or report.confidence is None:
        return ""
    if any(r.code == "chosen" for r in report.evidence):
        return t("dt.conf.confirmed", lang)
    return t(f"dt.conf.{report.confidence}", lang)


def evidence_text(report: FileReport, lang: str) -> str:
    """The reasons recognition gave for (and against) the table's dataset."""
    return "; ".join(r.text(lang) for r in report.evidence)


def runner_up_shown(report: FileReport) -> str | None:
    """The runner-up the files table shows: another dataset the table could be read as,
    or for a table held for confirmation the closest one even if it lacks a column; not
    a dataset that lacks required columns next to a confidently read table (an alias
    list's runner-up "tickets, lacking ticket_id" would only puzzle)."""
    lacks = any(r.code == "runner_up_lacks" for r in report.evidence)
    return None if lacks and not report.held else report.runner_up


def files_frame(data: LoadedData, lang: str) -> pd.DataFrame:
    """One row per table read: file, sheet, dataset, confidence, runner-up and the row
    accounting."""
    rows = [
        {
            t("dt.file", lang): f.file,
            t("dt.sheet", lang): f.sheet or "",
            t("dt.dataset", lang): dataset_label(f.dataset, lang)
            or t("dt.not_recognised", lang, why=translate(f.error or "", lang)),
            t("dt.confidence", lang): confidence_label(f, lang),
            t("dt.runner_up", lang): dataset_label(runner_up_shown(f), lang),
            t("dt.read", lang): f.rows_read,
            t("dt.loaded_rows", lang): f.rows_loaded,
            t("dt.merged", lang): f.rows_merged,
            t("dt.rejected", lang): f.rows_rejected,
            t("dt.skipped", lang): f.rows_skipped,
            t("dt.warnings", lang): f.warnings,
        }
        for f in data.files
    ]
    return pd.DataFrame(rows)


def datasets_frame(data: LoadedData, lang: str) -> pd.DataFrame:
    """One row per loaded dataset with its row count."""
    return pd.DataFrame(
        [
            {t("dt.dataset", lang): dataset_label(name, lang), t("dt.rows", lang): data.rows(name)}
            for name in data.tables
        ]
    )


def problems_frame(problems: list[Problem], lang: str | None = None) -> pd.DataFrame:
    """Every problem, CLI column names (file, sheet, row, column, value, problem, severity).

    Column names stay the CLI's (``inspect --problems``) so that files are comparable;
    ``lang`` translates the severity words and the problems (the engine writes them in
    English: :func:`kpi.texts.messages.translate`).
    """
    sev = {s: t(f"dt.sev.{s}", lang) for s in ("rejected", "warning", "skipped", "info")}
    words = translate_all((p.problem for p in problems), lang or "en")
    return pd.DataFrame(
        {
            "file": [p.file for p in problems],
            "sheet": [p.sheet or "" for p in problems],
            "row": pd.array([p.row for p in problems], dtype="Int64"),
            "column": [p.column or "" for p in problems],
            "value": [p.value if p.value is not None else "" for p in problems],
            "problem": [words[p.problem] for p in problems],
            "severity": [sev.get(p.severity, p.severity) for p in problems],
        }
    )


def mapping_choices(dataset: str) -> list[tuple[str, bool]]:
    """The canonical columns a user can map for a dataset: (name, required)."""
    return [(c.name, c.required) for c in DATASETS[dataset].mappable]


def override_with(
    current: Override | None,
    *,
    dataset: str | None = None,
    column: tuple[str, str] | None = None,
    option: tuple[str, Any] | None = None,
) -> Override:
    """A copy of ``current`` with one change: the dataset, one column, or one option.

    Choosing another dataset forgets the columns chosen for the previous one. An option
    set to None goes back to automatic.
    """
    ov = current or Override()
    new = Override(ov.dataset, dict(ov.columns), dict(ov.options))
    if dataset is not None and dataset != new.dataset:
        new.dataset = dataset
        new.columns = {}
    if column is not None:
        name, source = column
        new.columns[name] = source
    if option is not None:
        key, value = option
        if value is None:
            new.options.pop(key, None)
        else:
            new.options[key] = value
    return new


def preset_of(dataset: str, mapping: dict[str, str], options: dict[str, Any]) -> Preset:
    """The preset that reproduces a table's mapping (columns + reading options)."""
    opts = {k: v for k, v in options.items() if k in TABLE_OPTIONS}
    return preset_from_mapping(dataset, mapping, opts)


def billing_months_asked(
    unknown: list[str], options: dict[str, Any]
) -> list[tuple[str, int | None]]:
    """The billing periods a contracts table's editor asks the months of: each value the
    built-in words do not know, with the months the table's options give it (a preset's
    or the page's ``billing_months``, keys compared folded) or None.

    Example: ``(["Fortnightly", "Cuatrienal"], {"billing_months": {"cuatrienal": 48}})``
    -> ``[("Fortnightly", None), ("Cuatrienal", 48)]``.
    """
    given = {billing_key(k): v for k, v in (options.get("billing_months") or {}).items()}
    return [(value, given.get(billing_key(value))) for value in unknown]


def with_billing_months(
    months: dict[str, int] | None, value: str, n: int | None
) -> dict[str, int] | None:
    """``months`` with ``value`` set to ``n`` months (None: unset); any key folding like
    ``value`` is replaced. None when nothing is left (the option goes)."""
    out = {k: v for k, v in (months or {}).items() if billing_key(k) != billing_key(value)}
    if n is not None:
        out[value] = n
    return out or None


# --------------------------------------------------------------------------- check the numbers


def check_sentence(summary: DatasetSummary, lang: str) -> str:
    """``8,000 tickets: 7,975 with a resolution date, 25 open``, dates as the app writes
    them (``27 active on Oct 31, 2026``)."""
    return summary.sentence(lang, lambda d: fmt.date_(d, lang))


def check_facts(summary: DatasetSummary, lang: str) -> list[str]:
    """The dataset's span and its distinct clients and technicians, one text each:
    ``Dates (created_at): Nov 1, 2024 – Oct 31, 2026``, ``Clients: 25``..."""
    out = []
    span = summary.span
    if span is not None:
        columns = (
            span.first_column
            if span.first_column == span.last_column
            else f"{span.first_column} – {span.last_column}"
        )
        text = t("dt.check_span", lang, columns=columns, first=fmt.date_(span.first, lang),
                 last=fmt.date_(span.last, lang))  # fmt: skip
        if span.undated:
            n = fmt.number(span.undated, lang)
            text += f" ({t('dt.check_undated', lang, n=n, column=span.first_column)})"
        out.append(text)
    who = []
    if summary.clients is not None:
        who.append(t("dt.check_clients", lang, n=fmt.number(summary.clients, lang)))
        if summary.no_client:
            who.append(t("dt.check_no_client", lang, n=fmt.number(summary.no_client, lang)))
    if summary.technicians is not None:
        who.append(t("dt.check_technicians", lang, n=fmt.number(summary.technicians, lang)))
    if who:
        out.append(" · ".join(who))
    return out


def check_used(summary: DatasetSummary, lang: str) -> list[str]:
    """The "used by the KPIs" lines, numbers and dates in the language's format."""
    return [u.text(lang, summary.as_of, lambda d: fmt.date_(d, lang)) for u in summary.shown_used()]


def value_counts_frame(counts: ValueCounts, lang: str) -> pd.DataFrame:
    """Rows per value of a status-like column, the values not listed as one "other" row."""
    rows = [(value_label(v, lang), n) for v, n in counts.values]
    if counts.other_values:
        rows.append((other_label(counts.other_values, lang), counts.other_rows))
    return pd.DataFrame(
        {
            t("dt.check_value", lang): [v for v, _ in rows],
            t("dt.rows", lang): [fmt.number(n, lang) for _, n in rows],
        }
    )


def money_frame(summary: DatasetSummary, lang: str) -> pd.DataFrame:
    """Each amount column's total per currency, with its rows (the currency unknown:
    ``currency not given``, the total without a symbol)."""
    return pd.DataFrame(
        {
            t("dt.check_column", lang): [m.column for m in summary.money],
            t("dt.check_currency", lang): [currency_label(m.currency, lang) for m in summary.money],
            t("dt.check_total", lang): [
                fmt.currency(m.total, lang, m.currency, exact=True)
                if m.currency
                else fmt.number(m.total, lang, 2)
                for m in summary.money
            ],
            t("dt.rows", lang): [fmt.number(m.rows, lang) for m in summary.money],
        }
    )


# --------------------------------------------------------------------------- workspaces


def _added_text(s: StoredTable) -> str:
    """When a table was added: ``2026-02-03 09:15 UTC`` (the workspace keeps UTC)."""
    return f"{s.added_at:%Y-%m-%d %H:%M} UTC"


def stored_files_frame(
    stored: Sequence[StoredTable], reports: Sequence[FileReport], lang: str
) -> pd.DataFrame:
    """A workspace's tables, in the order added: file, sheet, dataset, when, and the row
    accounting once merged with the workspace's other files (``reports[i]`` is
    ``stored[i]``'s: read = loaded + merged + rejected)."""
    rows = [
        {
            t("dt.file", lang): s.name,
            t("dt.sheet", lang): s.sheet or "",
            t("dt.dataset", lang): dataset_label(s.dataset, lang),
            t("ws.added_at", lang): _added_text(s),
            t("dt.read", lang): r.rows_read,
            t("dt.loaded_rows", lang): r.rows_loaded,
            t("dt.merged", lang): r.rows_merged,
            t("dt.rejected", lang): r.rows_rejected,
        }
        for s, r in zip(stored, reports, strict=True)
    ]
    return pd.DataFrame(rows)


def stored_file_label(stored: Sequence[StoredTable], file_id: int, lang: str) -> str:
    """How the removal's select names a file: its name, its sheets' datasets, when added."""
    tables = [s for s in stored if s.file_id == file_id]
    datasets = ", ".join(dict.fromkeys(dataset_label(s.dataset, lang) for s in tables))
    return f"{tables[0].name} ({datasets}; {_added_text(tables[0])})"


def changes_frame(changes: Sequence[DatasetChange], lang: str) -> pd.DataFrame:
    """What an add does per dataset: rows now and after, new, updated, duplicates kept once."""
    rows = [
        {
            t("dt.dataset", lang): dataset_label(c.dataset, lang),
            t("ws.rows_before", lang): c.rows_before,
            t("ws.rows_after", lang): c.rows_after,
            t("ws.new", lang): c.new,
            t("ws.updated", lang): c.updated,
            t("ws.duplicates", lang): c.duplicates,
        }
        for c in changes
    ]
    return pd.DataFrame(rows)


def counts_frame(files: Sequence[FileReport], lang: str) -> pd.DataFrame:
    """Tables with their dataset and row accounting (read = loaded + merged + rejected)."""
    rows = [
        {
            t("dt.file", lang): f.file,
            t("dt.sheet", lang): f.sheet or "",
            t("dt.dataset", lang): dataset_label(f.dataset, lang)
            or t("dt.not_recognised", lang, why=translate(f.error or "", lang)),
            t("dt.confidence", lang): confidence_label(f, lang),
            t("dt.read", lang): f.rows_read,
            t("dt.loaded_rows", lang): f.rows_loaded,
            t("dt.merged", lang): f.rows_merged,
            t("dt.rejected", lang): f.rows_rejected,
        }
        for f in files
    ]
    return pd.DataFrame(rows)
