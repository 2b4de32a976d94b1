"""``python -m kpi report|alerts|inspect`` (spec/CLI.md).

Exit status: 0 done; 2 unusable input or options, with one line on stderr naming the
file and what is wrong. A table read with low confidence is unusable until a preset names
its dataset: ``report`` and ``alerts`` refuse it, ``inspect`` warns. Rejected rows alone
do not fail a run; their summary goes to stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

from kpi.errors import KpiError, UnrecognisedDatasetError, UsageError
from kpi.load import LoadOptions, load_files
from kpi.load.presets import load_preset
from kpi.load.reasons import held_message
from kpi.load.values import currency_code
from kpi.model import FileReport, LoadedData
from kpi.problems import PROBLEM_COLUMNS
from kpi.query.money import MoneyOptions, found_in, plan, read_rates
from kpi.report import Engine, ReportOptions, write_table
from kpi.safety import safe_cell

INSPECT_COLUMNS = (
    "file", "sheet", "dataset", "rows_read", "rows_loaded", "rows_merged", "rows_rejected",
    "warnings",
)  # fmt: skip

GROUPINGS = ("total", "client", "month", "client,month", "technician", "technician,month")


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
    common.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders")
    common.add_argument("--preset", action="append", default=[], metavar="FILE.json")
    common.add_argument("--lang", choices=("en", "es"), default="en")
    common.add_argument("--tz", default="UTC", metavar="ZONE")
    common.add_argument("--out", metavar="FILE", help=".csv (default stdout), .xlsx or .json")
    for name, help_text in (("report", "KPI table"), ("alerts", "alert list")):
        p = sub.add_parser(name, parents=[common], help=help_text)
        p.add_argument("--start", type=_date)
        p.add_argument("--end", type=_date)
        p.add_argument("--as-of", type=_date, dest="as_of")
        p.add_argument("--client", action="append", default=[])
        p.add_argument("--technician", action="append", default=[])
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
    p.add_argument("--problems", metavar="FILE.csv")
    p.add_argument(
        "--summary",
        action="store_true",
        help="then, per dataset, the numbers to reconcile with the exporting tool",
    )
    return parser


def _load(args: argparse.Namespace, strict: bool = False) -> LoadedData:
    """Load the inputs; ``strict``: a table not recognised, or read with low confidence
    and not confirmed by a preset naming its dataset, stops the run (exit 2)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(args.tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise UsageError(f"--tz {args.tz}: unknown time zone (e.g. Europe/Madrid)") from e
    presets = [load_preset(p) for p in args.preset]
    data = load_files(args.inputs, LoadOptions(lang=args.lang, tz=args.tz, presets=presets))
    if strict:
        for f in data.files:
            if f.error:
                raise UnrecognisedDatasetError(_where(f), f.error)
            if f.held:
                # a guess never reaches a report: the user confirms it with a preset
                assert f.dataset is not None
                raise UnrecognisedDatasetError(
                    _where(f),
                    _one_line(
                        held_message(f.dataset, f.evidence, args.lang, columns=f.mapping, cli=True)
                    ),
                )
    return data


def _where(f: FileReport) -> str:
    return _one_line(f"{f.file} [{f.sheet}]" if f.sheet else f.file)


def _one_line(text: str) -> str:
    """Messages stay on one line, even for a file name with a line break in it."""
    return text.replace("\r", " ").replace("\n", " ")


def _summary(data: LoadedData) -> None:
    """Rejected rows, unrecognised tables and tables without rows, one line each, on
    stderr."""
    for f in data.files:
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


def cmd_inspect(args: argparse.Namespace) -> int:
    data = _load(args)
    rows = [
        (f.file, f.sheet or "", f.dataset or "", f.rows_read, f.rows_loaded, f.rows_merged,
         f.rows_rejected, f.warnings)
        for f in data.files
    ]  # fmt: skip
    if args.out and args.out.lower().endswith((".xlsx", ".json")):
        import pandas as pd

        write_table(pd.DataFrame(rows, columns=list(INSPECT_COLUMNS)), args.out, lang=args.lang,
                    sheet="inspect")  # fmt: skip
    else:
        _write_csv(rows, INSPECT_COLUMNS, args.out)
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
    _summary(data)
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
    # CLI.md: an unrecognised dataset is unusable input, after the table is written; so
    # is a table read with low confidence (a guess), until a preset confirms it
    return 2 if any(f.error or f.held for f in data.files) else 0


def _write_summary(data: LoadedData, lang: str, after_table: bool) -> None:
    """``inspect --summary``: each dataset's reconciliation (:mod:`kpi.load.summary`) as plain
    text on stdout, a blank line before each dataset (so after the inspect table too)."""
    blocks = ["\n".join(_one_line(line) for line in s.lines(lang)) for s in data.summary.values()]
    if blocks:
        sys.stdout.write(("\n" if after_table else "") + "\n\n".join(blocks) + "\n")


def _report_options(args: argparse.Namespace) -> ReportOptions:
    return ReportOptions(
        start=args.start,
        end=args.end,
        as_of=args.as_of,
        clients=list(args.client),
        technicians=list(args.technician),
        by=args.by,
        compare=args.compare,
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
    if opts.lang == "es":
        return f"periodo {period.label}; los datos abarcan {span}"
    return f"period {period.label}; the data spans {span}"


def _money_options(args: argparse.Namespace, data: LoadedData) -> MoneyOptions:
    """``--currency`` and ``--rates``; several currencies without ``--currency`` stop the
    run (exit 2): money is never summed across currencies, nor a currency guessed."""
    currency = None
    if args.currency:
        currency = args.currency.strip().upper()
        if currency_code(currency) != currency:
            raise UsageError(
                f"--currency {args.currency}: not a currency code (e.g. EUR, USD, MXN)"
            )
    found = found_in(data)
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
    rates = read_rates(args.rates, currency or plan(found).currency) if args.rates else {}
    return MoneyOptions(currency=currency, rates=rates)


def _note_lines(notes: list[str]) -> None:
    """Notes for the reader (amounts left out, the reading of $, the rates, a comparison
    left empty), one ``note:`` line each on stderr."""
    for note in notes:
        print(f"note: {_one_line(note)}", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    data = _load(args, strict=True)
    opts = _report_options(args)
    engine = Engine(data, _money_options(args, data))
    df = engine.report(opts)
    write_table(df, args.out, lang=args.lang, sheet="report")
    line = _span_line(engine, opts)
    if line:
        print(line, file=sys.stderr)
    # what the reader should know: a comparison left empty and why, hours without a cost,
    # amounts left out (money notes are among them)
    _note_lines([str(n) for n in df.attrs.get("notes", [])])
    _summary(data)
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    data = _load(args, strict=True)
    opts = _report_options(args)
    engine = Engine(data, _money_options(args, data))
    df = engine.alerts(opts)
    write_table(df, args.out, lang=args.lang, sheet="alerts")
    line = _span_line(engine, opts)
    if line:
        print(line, file=sys.stderr)
    _note_lines(engine.money_notes(args.lang))
    _summary(data)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        command = {"inspect": cmd_inspect, "report": cmd_report, "alerts": cmd_alerts}
        return command[args.command](args)
    except KpiError as e:
        print(f"error: {_one_line(str(e))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
