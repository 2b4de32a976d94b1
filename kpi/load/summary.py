"""Check the numbers: what each loaded dataset holds and what the KPIs used of it.

A user reconciles the app with the tool that exported the data (the PSA, the RMM, the
billing system) by comparing a few totals: how many tickets, between which dates, how
many clients and technicians, how many of each status, how much money. Then the lines
that say what the KPIs made of those rows::

    2,119 tickets: 2,098 with a resolution date, 21 open

What to count is declared per dataset (:data:`kpi.load.checks.CHECKS`) and counted once at
ingestion (:func:`kpi.load.reconcile.summarize`); the result is kept on
``LoadedData.summary`` as the plain dataclasses of this module, so the app's Data page and
``python -m kpi inspect --summary`` show the same numbers even after the engine has taken
the rows over (``LoadedData.without_rows``).

Money is summed per currency: the dataset's ``currency`` column when its declaration has
one, else one group whose currency is unknown (``None``): amounts of several currencies
are never added up as if they were one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.numbers import format_currency, format_decimal

from kpi.schema import DATASETS
from kpi.texts import has, t

# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Span:
    """The dates a dataset covers: min(first column) .. max(last column).

    ``undated``: rows whose first column is empty (devices never seen).
    """

    first_column: str
    last_column: str
    first: date | None
    last: date | None
    undated: int = 0


@dataclass(frozen=True)
class ValueCounts:
    """Rows per value of a status-like column, the most frequent first.

    ``values``: (value, rows) for the :data:`kpi.load.reconcile.TOP_VALUES` most frequent
    values (None: empty); ``other_rows`` rows hold the ``other_values`` values that are not
    listed.
    """

    column: str
    values: tuple[tuple[str | None, int], ...]
    other_rows: int = 0
    other_values: int = 0


@dataclass(frozen=True)
class Money:
    """The sum of an amount column in one currency (None: the currency is not known)."""

    column: str
    currency: str | None
    total: float
    rows: int


@dataclass(frozen=True)
class UsedLine:
    """A computed "used by the KPIs" line: its declaration's key, its number, the key of its
    text in :mod:`kpi.texts` (``load.check.tickets.open``; ``.one`` added for a count of 1
    when there is one) and the text's other placeholders."""

    key: str
    value: float
    unit: str
    text_key: str
    #: an explanation, shown only when it is not 0
    hide_zero: bool = False
    params: tuple[tuple[str, int], ...] = ()

    def text(
        self, lang: str, as_of: date | None = None, day: Callable[[date], str] | None = None
    ) -> str:
        """``2,098 with a resolution date`` / ``2.098 con fecha de resolución``.

        Args:
            lang: ``en`` or ``es``.
            as_of: the report date the line was computed at (``{as_of}``).
            day: how a date is written (default ISO ``2026-10-31``).
        """
        n = number(self.value, lang, 1 if self.unit == "hours" else 0)
        when = "" if as_of is None else (day or date.isoformat)(as_of)
        key = self.text_key
        if self.unit == "count" and self.value == 1 and has(f"{key}.one"):
            key = f"{key}.one"
        return t(key, lang, n=n, as_of=when, **dict(self.params))


@dataclass(frozen=True)
class DatasetSummary:
    """The reconciliation of one loaded dataset (see the module's docstring)."""

    dataset: str
    rows: int
    span: Span | None = None
    #: distinct clients (without ``(none)``); None when the dataset has no client column
    clients: int | None = None
    #: rows without a client (shown as ``(none)``)
    no_client: int = 0
    #: distinct technicians; None when the dataset has none
    technicians: int | None = None
    statuses: tuple[ValueCounts, ...] = ()
    money: tuple[Money, ...] = ()
    used: tuple[UsedLine, ...] = ()
    #: the report date the ``at_as_of`` lines were computed at
    as_of: date | None = None

    def noun(self, lang: str) -> str:
        """What a row is, singular for 1 row: ``tickets``, ``partes de horas``."""
        key = f"load.check.{self.dataset}.noun"
        return t(f"{key}.one" if self.rows == 1 else key, lang)

    def shown_used(self) -> tuple[UsedLine, ...]:
        """The used lines to show (an explanation at 0 is left out)."""
        return tuple(u for u in self.used if u.value or not u.hide_zero)

    def sentence(self, lang: str, day: Callable[[date], str] | None = None) -> str:
        """``2,119 tickets: 2,098 with a resolution date, 21 open``."""
        head = f"{number(self.rows, lang)} {self.noun(lang)}"
        parts = [u.text(lang, self.as_of, day) for u in self.shown_used()]
        return f"{head}: {', '.join(parts)}" if parts else head

    def lines(self, lang: str) -> list[str]:
        """The whole reconciliation as plain text lines (the CLI's ``inspect --summary``)::

        Tickets
          2,119 tickets: 2,098 with a resolution date, 21 open
          dates: created_at 2024-11-01 .. 2026-10-31
          clients: 25; technicians: 8
          status: Closed 1,900; In Progress 150; (empty) 69
          amount (currency not given): 1,234.50 in 12 rows
        """
        ds = DATASETS[self.dataset]
        out = [ds.label(lang), "  " + self.sentence(lang)]
        if self.span is not None:
            out.append("  " + span_text(self.span, lang))
        who = []
        if self.clients is not None:
            who.append(t("load.summary.clients", lang, n=number(self.clients, lang)))
            if self.no_client:
                who[-1] += " " + t("load.summary.no_client", lang, n=number(self.no_client, lang))
        if self.technicians is not None:
            who.append(t("load.summary.technicians", lang, n=number(self.technicians, lang)))
        if who:
            out.append("  " + "; ".join(who))
        for vc in self.statuses:
            listed = [f"{value_label(v, lang)} {number(n, lang)}" for v, n in vc.values]
            if vc.other_values:
                listed.append(f"{other_label(vc.other_values, lang)} {number(vc.other_rows, lang)}")
            out.append(f"  {vc.column}: {'; '.join(listed) or '-'}")
        for m in self.money:
            rows_key = "load.summary.rows.one" if m.rows == 1 else "load.summary.rows"
            where = t(rows_key, lang, n=number(m.rows, lang))
            amount = t(
                "load.summary.amount", lang, total=money(m.total, m.currency, lang), rows=where
            )
            out.append(f"  {m.column} ({currency_label(m.currency, lang)}): {amount}")
        return out


# --------------------------------------------------------------------------- words


def number(value: float, lang: str, digits: int = 0) -> str:
    """A number with thousands separators: ``2,119`` / ``2.119``; ``1,234.5`` / ``1.234,5``.

    Examples:
        >>> number(2119, "es")
        '2.119'
        >>> number(1234.5, "en", 1)
        '1,234.5'
    """
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return str(format_decimal(value, pattern, locale="es_ES" if lang == "es" else "en_US"))


def money(total: float, currency: str | None, lang: str) -> str:
    """``€1,234.50`` / ``1.234,50 €``; without a currency, the number with 2 decimals."""
    if currency is None:
        return number(total, lang, 2)
    return str(format_currency(total, currency, locale="es_ES" if lang == "es" else "en_US"))


def currency_label(currency: str | None, lang: str) -> str:
    """The currency code, or ``currency not given`` / ``moneda no indicada``."""
    if currency is not None:
        return currency
    return t("load.summary.no_currency", lang)


def value_label(value: str | None, lang: str) -> str:
    """A status value as shown; empty is ``(empty)`` / ``(vacío)``."""
    if value is None:
        return t("load.summary.empty", lang)
    return value


def other_label(values: int, lang: str) -> str:
    """``other (3 values)`` / ``otros (3 valores)``."""
    key = "load.summary.other.one" if values == 1 else "load.summary.other"
    return t(key, lang, n=number(values, lang))


def span_text(span: Span, lang: str, day: Callable[[date], str] | None = None) -> str:
    """``dates: created_at 2024-11-01 .. 2026-10-31`` (``start_date .. end_date`` for two
    columns), with the rows without a date."""
    fmt = day or date.isoformat
    first = fmt(span.first) if span.first else "-"
    last = fmt(span.last) if span.last else "-"
    if span.first_column == span.last_column:
        text = f"{span.first_column} {first} .. {last}"
    else:
        text = f"{span.first_column} {first} .. {span.last_column} {last}"
    text = t("load.summary.dates", lang, span=text)
    if span.undated:
        n = number(span.undated, lang)
        text += " " + t("load.summary.undated", lang, n=n, column=span.first_column)
    return text
