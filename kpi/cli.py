"""``python -m kpi report|alerts|rows|inspect|client-report|workspace`` (docs/CLI.md).

Exit status: 0 done; 2 unusable input or options, with one line on stderr naming the
file and what is wrong. A table read with low confidence is unusable until a preset names
its dataset: ``report`` and ``alerts`` refuse it, ``inspect`` warns. Rejected rows alone
do not fail a run; their summary goes to stderr. A workspace's passphrase comes from
``MSPKPI_PASSPHRASE``, else a prompt on a terminal; a wrong one exits 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from kpi import texts
from kpi.errors import KpiError, UnrecognisedDatasetError, UsageError, WorkspaceError
from kpi.load import LoadOptions, load_files
from kpi.load.presets import load_preset
from kpi.load.reasons import held_message
from kpi.load.values import currency_code
from kpi.model import FileReport, LoadedData
from kpi.problems import PROBLEM_COLUMNS
from kpi.query.money import MoneyOptions, found_in, plan, read_rates
from kpi.report import Engine, ReportOptions, RowsResult, write_table
from kpi.safety import safe_cell
from kpi.workspace import Preview, Workspace
from kpi.workspace.lock import lock_path

INSPECT_COLUMNS = (
    "file", "sheet", "dataset", "rows_read", "rows_loaded", "rows_merged", "rows_rejected",
    "warnings",
)  # fmt: skip

GROUPINGS = ("total", "client", "month", "client,month", "technician", "technician,month")

#: data rows an Excel sheet holds (1,048,576 with the header)
XLSX_ROWS = 1_048_575

#: the environment variable that holds a workspace's passphrase (else a prompt)
PASSPHRASE_ENV = "MSPKPI_PASSPHRASE"


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from e


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m kpi", description="KPI reports from MSP exports")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    common = _Parser(add_help=False)
    common.add_argument("--preset", action="append", default=[], metavar="FILE.json")
    common.add_argument("--lang", choices=texts.LANGS, default=texts.LANGS[0])
    common.add_argument("--tz", metavar="ZONE", help="report time zone (default UTC)")
    common.add_argument("--out", metavar="FILE", help=".csv (default stdout), .xlsx or .json")
    for name, help_text in (
        ("report", "KPI table"),
        ("alerts", "alert list"),
        ("rows", "the rows behind a KPI's number"),
    ):
        p = sub.add_parser(name, parents=[common], help=help_text)
        if name == "rows":
            p.add_argument("kpi", metavar="KPI", help="a KPI id (e.g. sla_rate)")
            p.add_argument("--month", metavar="YYYY-MM", help="only the rows of that month")
        p.add_argument("inputs", nargs="*", metavar="INPUT", help="files or folders")
        p.add_argument(
            "--workspace",
            metavar="PATH",
            help="a saved workspace; INPUTs given too are added in memory only",
        )
        p.add_argument("--start", type=_date)
        p.add_argument("--end", type=_date)
        p.add_argument("--as-of", type=_date, dest="as_of")
        p.add_argument("--client", action="append", default=[])
        p.add_argument("--technician", action="append", default=[])
        if name != "rows":  # the rows are not grouped: --client, --technician, --month
            p.add_argument("--by", default="total", choices=GROUPINGS)
            p.add_argument("--compare", choices=("previous", "year"))
        p.add_argument("--currency", metavar="CODE", help="report currency (ISO code, e.g. EUR)")
        p.add_argument(
            "--rates",
            metavar="FILE.csv",
            help="exchange rates: header currency,rate; rate = value of 1 unit in the "
            "report currency",
        )
    p = sub.add_parser("inspect", parents=[common], help="what each file was read as")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    p.add_argument("--problems", metavar="FILE.csv")
    p.add_argument(
        "--summary",
        action="store_true",
        help="then, per dataset, the numbers to reconcile with the exporting tool",
    )
    _client_report_parser(sub, common)
    _workspace_parser(sub, common)
    return parser


def _client_report_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``client-report INPUT... --client NAME | --all``: a client's review as PDF."""
    p = sub.add_parser("client-report", parents=[common], help="a client's review as PDF")
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files or folders")
    p.add_argument("--workspace", metavar="PATH", help="a saved workspace")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--client", metavar="NAME")
    which.add_argument("--all", action="store_true", help="every client, into --out DIR")
    p.add_argument("--start", type=_date)
    p.add_argument("--end", type=_date)
    p.add_argument("--as-of", type=_date, dest="as_of")
    p.add_argument("--compare", choices=("previous", "year"), default="previous")
    p.add_argument("--currency", metavar="CODE", help="report currency (ISO code, e.g. EUR)")
    p.add_argument("--rates", metavar="FILE.csv", help="exchange rates (as for report)")
    p.add_argument("--msp-name", metavar="NAME", help="your company's name, on the cover")
    p.add_argument("--logo", metavar="FILE", help="your logo (PNG, JPEG or SVG), on the cover")


def _workspace_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``workspace add PATH INPUT...`` and ``workspace info PATH``."""
    ws = sub.add_parser("workspace", help="saved workspaces: add files, describe one")
    cmds = ws.add_subparsers(dest="action", required=True, parser_class=_Parser)
    p = cmds.add_parser("add", parents=[common], help="add files (creates PATH when missing)")
    p.add_argument("path", metavar="PATH", help="the workspace file (e.g. acme.duckdb)")
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    p = cmds.add_parser("info", help="datasets, rows, dates and files of a workspace")
    p.add_argument("path", metavar="PATH")


def _load(args: argparse.Namespace, strict: bool = False) -> tuple[LoadedData, dict[str, Any]]:
    """Load the inputs (after a workspace's files with ``--workspace``), and the
    workspace's settings (empty without one); ``strict``: a table not recognised, or
    read with low confidence and not confirmed by a preset naming its dataset, stops the
    run (exit 2)."""
    _check_tz(args.tz)
    presets = [load_preset(p) for p in args.preset]
    settings: dict[str, Any] = {}
    if getattr(args, "workspace", None):
        ws = _open_workspace(Path(args.workspace))
        _same_tz(args.tz, ws)
        extra = ws.read(args.inputs, presets=presets) if args.inputs else []
        data = ws.load(extra)
        settings = ws.settings()
    elif not args.inputs:
        raise UsageError("give the INPUT files or folders, or --workspace PATH")
    else:
        options = LoadOptions(lang=args.lang, tz=args.tz or "UTC", presets=presets)
        data = load_files(args.inputs, options)
    if strict:
        _refuse_unusable(data.files, args.lang)
    return data, settings


def _check_tz(tz: str | None) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if tz is None:
        return
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise UsageError(f"--tz {tz}: unknown time zone (e.g. Europe/Madrid)") from e


def _refuse_unusable(files: Sequence[FileReport], lang: str) -> None:
    """A table not recognised, or held for low confidence, stops the run (exit 2)."""
    for f in files:
        if f.error:
            raise UnrecognisedDatasetError(_where(f), f.error)
        if f.held:
            # a guess never reaches a report: the user confirms it with a preset
            assert f.dataset is not None
            raise UnrecognisedDatasetError(
                _where(f),
                _one_line(held_message(f.dataset, f.evidence, lang, columns=f.mapping, cli=True)),
            )


def _where(f: FileReport) -> str:
    return _one_line(f"{f.file} [{f.sheet}]" if f.sheet else f.file)


def _one_line(text: str) -> str:
    """Messages stay on one line, even for a file name with a line break in it."""
    return text.replace("\r", " ").replace("\n", " ")


def _summary(files: Sequence[FileReport]) -> None:
    """Rejected rows, unrecognised tables and tables without rows, one line each, on
    stderr."""
    for f in files:
        where = _where(f)
        if f.error:
            print(f"{where}: {f.error}", file=sys.stderr)
        elif f.rows_rejected and not f.held:  # a held table has its own warning line
            print(
                f"{where}: {f.rows_rejected} of {f.rows_read} rows rejected "
                "(python -m kpi inspect --problems FILE.csv lists them)",
                file=sys.stderr,
            )
        elif f.rows_read == 0:
            print(f"{where}: no data rows under the headers (0 rows loaded)", file=sys.stderr)


def _write_csv(rows: Sequence[Sequence[object]], header: Sequence[str], out: str | None) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    for row in rows:
        w.writerow(["" if v is None else safe_cell(v) for v in row])
    if out is None:
        sys.stdout.write(buf.getvalue())
    else:
        with open(out, "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())


def _write_inspect(files: Sequence[FileReport], args: argparse.Namespace) -> None:
    """The inspect table of ``files``: CSV on stdout, or ``--out`` (.csv, .xlsx, .json)."""
    rows = [
        (f.file, f.sheet or "", f.dataset or "", f.rows_read, f.rows_loaded, f.rows_merged,
         f.rows_rejected, f.warnings)
        for f in files
    ]  # fmt: skip
    if args.out and args.out.lower().endswith((".xlsx", ".json")):
        import pandas as pd

        write_table(pd.DataFrame(rows, columns=list(INSPECT_COLUMNS)), args.out, lang=args.lang,
                    sheet="inspect")  # fmt: skip
    else:
        _write_csv(rows, INSPECT_COLUMNS, args.out)


def cmd_inspect(args: argparse.Namespace) -> int:
    data, _ = _load(args)
    _write_inspect(data.files, args)
    if args.problems:
        prow = [
            (p.file, p.sheet or "", p.row if p.row is not None else "", p.column or "",
             p.value if p.value is not None else "",
             p.problem if p.severity in ("rejected", "warning") else f"{p.severity}: {p.problem}")
            for p in data.problems
        ]  # fmt: skip
        _write_csv(prow, PROBLEM_COLUMNS, args.problems)
    if args.summary:
        _write_summary(data, args.lang, after_table=not args.out)
    for f in data.files:
        where = _where(f)
        if f.dataset:
            pairs = ", ".join(f"{c} <- {h}" for c, h in f.mapping.items())
            print(f"{where}: {f.dataset}: {pairs}", file=sys.stderr)
            for note in f.notes:
                print(f"{where}: {note}", file=sys.stderr)
    for note in data.notes:
        print(note, file=sys.stderr)
    for dataset, counts in found_in(data).items():
        if any(c is not None for c in counts):
            listed = ", ".join(
                f"{c if c is not None else '(none)'} {n}"
                for c, n in sorted(counts.items(), key=lambda kv: str(kv[0]))
            )
            print(f"{dataset}: amounts by currency: {listed}", file=sys.stderr)
    _summary(data.files)
    for f in data.files:
        if f.held and f.dataset:
            runner = f", runner-up {f.runner_up}" if f.runner_up else ""
            print(
                f"{_where(f)}: warning: {f.dataset}, low confidence{runner}: "
                + _one_line(
                    held_message(f.dataset, f.evidence, args.lang, columns=f.mapping, cli=True)
                ),
                file=sys.stderr,
            )
    # docs/CLI.md: an unrecognised dataset is unusable input, after the table is written; so
    # is a table read with low confidence (a guess), until a preset confirms it
    return 2 if any(f.error or f.held for f in data.files) else 0


def _write_summary(data: LoadedData, lang: str, after_table: bool) -> None:
    """``inspect --summary``: each dataset's reconciliation (:mod:`kpi.load.summary`) as plain
    text on stdout, a blank line before each dataset (so after the inspect table too)."""
    blocks = ["\n".join(_one_line(line) for line in s.lines(lang)) for s in data.summary.values()]
    if blocks:
        sys.stdout.write(("\n" if after_table else "") + "\n\n".join(blocks) + "\n")


def _report_options(args: argparse.Namespace, settings: dict[str, Any]) -> ReportOptions:
    return ReportOptions(
        targets=dict(settings.get("targets", {})),
        start=args.start,
        end=args.end,
        as_of=args.as_of,
        clients=list(args.client),
        technicians=list(args.technician),
        by=getattr(args, "by", "total"),
        compare=getattr(args, "compare", None),
        lang=args.lang,
    )


def _span_line(engine: Engine, opts: ReportOptions) -> str | None:
    """Without ``--start``, the period the report covers and the data's span, when they
    differ (None otherwise, or when the data has no dated events):
    ``period 2025-11-01..2026-10-31; the data spans 2024-11-01..2026-10-31``."""
    first, last = engine.data_start, engine.as_of
    if opts.start is not None or first is None or last is None:
        return None
    period = engine.period(opts)
    if (period.start, period.end) == (first, last):
        return None
    span = f"{first.isoformat()}..{last.isoformat()}"
    return texts.t("cli.span", opts.lang, period=period.label, span=span)


def _money_options(
    args: argparse.Namespace, data: LoadedData, settings: dict[str, Any]
) -> MoneyOptions:
    """``--currency`` and ``--rates`` (else a workspace's currency and rates); several
    currencies without a report currency stop the run (exit 2): money is never summed
    across currencies, nor a currency guessed."""
    currency = None
    if args.currency:
        currency = args.currency.strip().upper()
        if currency_code(currency) != currency:
            raise UsageError(
                f"--currency {args.currency}: not a currency code (e.g. EUR, USD, MXN)"
            )
    currency = currency or settings.get("currency")
    found = found_in(data)
    fallback = MoneyOptions(fallback=settings.get("fallback_currency") or "EUR").fallback
    if currency is None:
        several = plan(found).currencies
        if len(several) > 1:
            where = ", ".join(
                f"{ds} {'/'.join(sorted(str(c) for c in counts if c is not None))}"
                for ds, counts in found.items()
                if any(c is not None for c in counts)
            )
            raise UsageError(
                f"the amounts are in several currencies ({', '.join(several)}; {where}): "
                "choose the report currency with --currency CODE and give exchange rates "
                "with --rates FILE.csv (header currency,rate)"
            )
    report = currency or plan(found, MoneyOptions(fallback=fallback)).currency
    if args.rates:
        rates = read_rates(args.rates, report)
    else:
        rates = dict(settings.get("rates", {}).get(report, {}))
    return MoneyOptions(currency=currency, rates=rates, fallback=fallback)


def _note_lines(notes: list[str]) -> None:
    """Notes for the reader (amounts left out, the reading of $, the rates, a comparison
    left empty), one ``note:`` line each on stderr."""
    for note in notes:
        print(f"note: {_one_line(note)}", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    data, settings = _load(args, strict=True)
    opts = _report_options(args, settings)
    # one report: the tables are not compressed for it (kpi.query.core.Core)
    engine = Engine(data, _money_options(args, data, settings), compress=False)
    df = engine.report(opts)
    write_table(df, args.out, lang=args.lang, sheet="report")
    line = _span_line(engine, opts)
    if line:
        print(line, file=sys.stderr)
    # what the reader should know: a comparison left empty and why, hours without a cost,
    # amounts left out (money notes are among them)
    _note_lines([str(n) for n in df.attrs.get("notes", [])])
    _summary(data.files)
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    data, settings = _load(args, strict=True)
    opts = _report_options(args, settings)
    engine = Engine(data, _money_options(args, data, settings))
    df = engine.alerts(opts, settings.get("thresholds") or None)
    write_table(df, args.out, lang=args.lang, sheet="alerts")
    line = _span_line(engine, opts)
    if line:
        print(line, file=sys.stderr)
    _note_lines(engine.money_notes(args.lang))
    _summary(data.files)
    return 0


def cmd_rows(args: argparse.Namespace) -> int:
    """The rows behind a KPI's number (every row), then on stderr what they are and the
    sums that make the number."""
    data, settings = _load(args, strict=True)
    opts = _report_options(args, settings)
    engine = Engine(data, _money_options(args, data, settings))
    try:
        got = engine.rows(args.kpi, opts, {"month": args.month} if args.month else None)
    except KeyError as e:
        raise UsageError(str(e.args[0])) from None
    if got.unavailable is not None:
        raise UsageError(f"{got.kpi}: {got.unavailable}")
    if args.out and args.out.lower().endswith(".xlsx") and len(got.table) > XLSX_ROWS:
        raise UsageError(
            f"{len(got.table):,} rows do not fit an Excel sheet ({XLSX_ROWS:,} at most): "
            "write them as .csv"
        )
    write_table(got.table, args.out, lang=args.lang, sheet="rows")
    line = _span_line(engine, opts)
    if line:
        print(line, file=sys.stderr)
    print(_one_line(_rows_line(got, args.lang)), file=sys.stderr)
    _note_lines(got.notes)
    _summary(data.files)
    return 0


def cmd_client_report(args: argparse.Namespace) -> int:
    """One client's review (``--out FILE.pdf``, default its own name in the current
    folder), or every client's into ``--out DIR`` (``--all``); each file written is named
    on stderr."""
    from kpi.present.client_report import client_pdfs  # typst: this command only

    # the charts are the app's own builders (ui/charts.py: Altair, no Streamlit), drawn as
    # SVG; the one command that reaches outside kpi/, so the engine never imports Altair
    from ui.report_charts import chart_svgs

    if args.all and not args.out:
        raise UsageError("--all writes one PDF per client: give --out DIR")
    if (args.start is None) != (args.end is None):
        raise UsageError("give both --start and --end (default: the last complete quarter)")
    data, settings = _load(args, strict=True)
    engine = Engine(data, _money_options(args, data, settings))
    logo = Path(args.logo).read_bytes() if args.logo else None
    clients = engine.clients() if args.all else [args.client]
    review = {"start": args.start, "end": args.end, "as_of": args.as_of,
              "compare": args.compare, "lang": args.lang,
              "targets": dict(settings.get("targets", {})),
              "msp_name": args.msp_name or settings.get("msp_name", ""), "logo": logo}  # fmt: skip
    folder = Path(args.out) if args.all else None
    for _, name, pdf in client_pdfs(engine, clients, chart_svgs, **review):
        path = folder / name if folder is not None else Path(args.out or name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pdf)
        print(f"{path}", file=sys.stderr)
    _summary(data.files)
    return 0


def _rows_line(got: RowsResult, lang: str) -> str:
    """``sla_rate: 4,202 tickets; numerator = sum of numerator (3,911), denominator = sum
    of denominator (4,202)``; a median says it is the median of ``value``."""
    es = lang == "es"
    table = got.table
    n = f"{len(table):,}".replace(",", "." if es else ",")
    parts = []
    for report_col, col in got.sums.items():
        if got.kind == "median":
            parts.append(texts.t("cli.rows.median", lang, col=report_col, src=col))
        else:
            total = float(table[col].sum()) if len(table) else 0.0
            parts.append(
                texts.t("cli.rows.sum", lang, col=report_col, src=col, total=f"{total:.12g}")
            )
    return f"{got.kpi}: {n} {got.what}; " + ", ".join(parts)


# --------------------------------------------------------------------------- workspaces


def _passphrase(path: Path, creating: bool = False) -> str:
    """``MSPKPI_PASSPHRASE``, else asked on the terminal (twice for a new workspace).

    Raises:
        UsageError: neither the variable nor a terminal to ask on.
    """
    value = os.environ.get(PASSPHRASE_ENV)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise UsageError(f"set {PASSPHRASE_ENV} to the passphrase of {path.name}")
    import getpass

    what = "the new workspace " if creating else ""
    first = getpass.getpass(f"Passphrase of {what}{path.name}: ")
    if creating and getpass.getpass("The same passphrase again: ") != first:
        raise UsageError("the two passphrases differ; nothing was created")
    return first


def _open_workspace(path: Path) -> Workspace:
    if not path.is_file():  # said before the passphrase is asked for
        raise WorkspaceError(f"{path}: no workspace there")
    return Workspace.open(path, _passphrase(path))


def _same_tz(tz: str | None, ws: Workspace) -> None:
    """``--tz`` may only repeat the workspace's time zone: its tables keep their times."""
    if tz is not None and tz != ws.options.tz:
        raise UsageError(
            f"--tz {tz}: the workspace reads its files in {ws.options.tz} (chosen when it "
            "was created); leave --tz out"
        )


def cmd_workspace(args: argparse.Namespace) -> int:
    if args.action == "add":
        return _workspace_add(args)
    return _workspace_info(args)


def _workspace_add(args: argparse.Namespace) -> int:
    """Open or create PATH, read the inputs its way, refuse the run if a table cannot be
    added (nothing is written), add them in one transaction; the inspect table of what
    was added on stdout, what changed per dataset on stderr."""
    _check_tz(args.tz)
    path = Path(args.path)
    presets = [load_preset(p) for p in args.preset]
    creating = not path.exists()
    passphrase = _passphrase(path, creating)
    if creating:
        ws = Workspace.create(path, passphrase, lang=args.lang, tz=args.tz or "UTC")
    else:
        ws = Workspace.open(path, passphrase)
        _same_tz(args.tz, ws)
    try:
        tables = ws.read(args.inputs, presets=presets)
        _refuse_unusable([t.result.report for t in tables], args.lang)
        preview = ws.preview(tables)
        added = ws.add_tables(tables, args.lang)
    except BaseException:
        if creating:  # nothing was added: no empty workspace is left behind
            path.unlink(missing_ok=True)
            lock_path(path).unlink(missing_ok=True)
        raise
    _write_inspect(preview.files, args)
    for line in _change_lines(preview, args.lang):
        print(line, file=sys.stderr)
    _summary(preview.files)
    ids = ", ".join(str(i) for i in added.file_ids)
    print(f"{path.name}: added {len(tables)} tables (file ids {ids})", file=sys.stderr)
    return 0


def _change_lines(preview: Preview, lang: str) -> list[str]:
    """``tickets: 1,000 rows before, 1,180 after: 180 new, 35 updated, 12 duplicates
    kept once``, per dataset the add feeds."""

    def n(value: int) -> str:
        return f"{value:,}".replace(",", "." if lang == "es" else ",")

    return [
        texts.t(
            "cli.change",
            lang,
            dataset=c.dataset,
            before=n(c.rows_before),
            after=n(c.rows_after),
            new=n(c.new),
            updated=n(c.updated),
            duplicates=n(c.duplicates),
        )
        for c in preview.changes
    ]


INFO_DATASETS = ("dataset", "rows", "first", "last", "dates_from")
INFO_FILES = (
    "file_id", "file", "sheet", "dataset", "added_at", "rows_read", "rows_loaded",
    "rows_merged", "rows_rejected", "warnings",
)  # fmt: skip


def _workspace_info(args: argparse.Namespace) -> int:
    """Datasets with their rows and dates, then the tables added with their counts after
    merging: two CSV tables on stdout, a blank line between; the workspace's format and
    reading on stderr."""
    path = Path(args.path)
    info = _open_workspace(path).info()
    data = info.data
    print(
        f"{path.name}: workspace format {info.format_version}, created {info.created_at} "
        f"UTC, files read as {info.lang}, time zone {info.tz}",
        file=sys.stderr,
    )
    datasets = []
    for name in data.tables:
        span = data.summary[name].span if name in data.summary else None
        first = span.first.isoformat() if span and span.first else ""
        last = span.last.isoformat() if span and span.last else ""
        cols = f"{span.first_column}..{span.last_column}" if span else ""
        datasets.append((name, data.rows(name), first, last, cols))
    _write_csv(datasets, INFO_DATASETS, None)
    sys.stdout.write("\n")
    files = [
        (t.file_id, t.name, t.sheet or "", t.dataset, t.added_at.isoformat(timespec="seconds"),
         f.rows_read, f.rows_loaded, f.rows_merged, f.rows_rejected, f.warnings)
        for t, f in zip(info.tables, data.files, strict=True)
    ]  # fmt: skip
    _write_csv(files, INFO_FILES, None)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        command = {
            "inspect": cmd_inspect, "report": cmd_report, "alerts": cmd_alerts,
            "rows": cmd_rows, "workspace": cmd_workspace, "client-report": cmd_client_report,
        }  # fmt: skip
        return command[args.command](args)
    except KpiError as e:
        print(f"error: {_one_line(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
