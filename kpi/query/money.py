"""Money in several currencies: the report currency, the user's exchange rates, and the
amounts that stay out for want of a rate.

The rules (README "Currencies"; issue 18):

* **The currency of an amount** of a contract, an invoice line or an opportunity is its
  row's: the currency column when the file has one, else the code or symbol written in the
  amount cell (``USD 1,200``, ``1.200,00 €``); ingestion stores it in the ``currency``
  column (:func:`kpi.load.values.parse_currency`, :func:`kpi.load.values.parse_money`). A row whose
  column and cell disagree takes the column's, with a warning.
* **A bare ``$``** is written by the US dollar and by many other currencies (MXN, COP, CLP,
  ARS, CAD, AUD...). It is read as the one currency of :data:`DOLLAR_CURRENCIES` that the
  data names, or that the user chose as the report currency; as USD when there is none;
  and when there are several it means nothing: its amounts stay out, with a problem. The
  reading is always stated in a note ("a bare $ is read as USD").
* **The report currency** is the one chosen (CLI ``--currency``, the app's Settings); else
  the data's only currency; else the app's setting (the CLI stops instead and asks for
  ``--currency``).
* **Rows without any currency** are in the report currency. When the data names another
  currency too, a note counts them ("12 amounts without a currency are read as EUR").
* **Conversion** uses the user's rates only: ``rate`` is the value of one unit of the
  currency in the report currency (report EUR, ``USD,0.92``). An amount in a currency
  without a rate is empty: it is left out of every money KPI, and a problem and a note name
  the currency and count the amounts. Money is never summed across currencies.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow.compute as pc

from kpi.errors import UsageError
from kpi.load.values import DOLLAR_CURRENCIES, DOLLAR_SIGN, currency_code
from kpi.model import LoadedData
from kpi.problems import Problem
from kpi.schema import DATASETS, MONEY_COLUMNS
from kpi.texts import t

#: The app's report currency until the user picks one.
DEFAULT_CURRENCY = "EUR"

#: dataset -> currency as stored (an ISO code, ``$``, a text kept as written; None: the
#: row names no currency) -> how many amounts (rows with an amount or a cost)
Found = dict[str, dict[str | None, int]]


@dataclass(frozen=True)
class MoneyOptions:
    """The user's choices about money.

    Attributes:
        currency: the report currency (ISO code); None: the data's only currency, else
            ``fallback``.
        rates: currency -> the value of ONE unit of it in the report currency (report
            EUR: ``{"USD": 0.92}``). A currency without a rate is left out.
        fallback: the report currency when none is chosen and the data has several or none.
    """

    currency: str | None = None
    rates: Mapping[str, float] = field(default_factory=dict)
    fallback: str = DEFAULT_CURRENCY


def found_in(data: LoadedData) -> Found:
    """How many amounts of each money dataset are in each currency (as stored).

    Example: ``{"opportunities": {"MXN": 3, "COP": 2, None: 1}}``.
    """
    out: Found = {}
    for name, columns in MONEY_COLUMNS.items():
        table = data.tables.get(name)
        if table is None:
            continue
        has_amount = pc.is_valid(table.column(columns[0]))
        for c in columns[1:]:
            has_amount = pc.or_(has_amount, pc.is_valid(table.column(c)))
        currency = pc.filter(table.column("currency"), has_amount)
        # a row naming no currency is counted under None
        counts = pc.value_counts(currency).to_pylist()
        out[name] = {row["values"]: int(row["counts"]) for row in counts}
    return out


@dataclass(frozen=True)
class MoneyPlan:
    """How the amounts of a session are read: see the module docstring.

    Attributes:
        currency: the report currency.
        chosen: True when the user chose it (False: taken from the data or the fallback).
        dollar: what a bare ``$`` is read as; None when it is ambiguous or not used.
        dollar_why: ``"named"`` (the one dollar currency the data or the choice names),
            ``"default"`` (USD: none is named) or ``"ambiguous"``; None when no ``$``.
        currencies: every currency the amounts are in (a bare ``$`` as read), sorted.
        factors: currency as stored (``""`` for none) -> the factor that converts it to
            the report currency; None: no rate (its amounts are left out).
        found: the counts of :func:`found_in`.
        rates: the rates used (the report currency's own left out).
    """

    currency: str
    chosen: bool
    dollar: str | None
    dollar_why: str | None
    currencies: tuple[str, ...]
    factors: dict[str, float | None]
    found: Found
    rates: dict[str, float]

    def left_out(self) -> list[tuple[str, str, int]]:
        """``(dataset, currency as stored, amounts)`` of every currency without a rate."""
        return [
            (ds, cur, n)
            for ds, counts in self.found.items()
            for cur, n in sorted(counts.items(), key=lambda kv: str(kv[0]))
            if cur is not None and self.factors.get(cur) is None and n
        ]

    def without_currency(self) -> list[tuple[str, int]]:
        """``(dataset, amounts)`` of rows naming no currency, read as the report currency,
        when the data names another currency (otherwise nothing to say)."""
        if all(c == self.currency for c in self.currencies):
            return []
        return [(ds, c[None]) for ds, c in self.found.items() if c.get(None)]

    def converted(self) -> list[tuple[str, float]]:
        """``(currency, rate)`` of the currencies converted with a rate, sorted."""
        used = {c for counts in self.found.values() for c in counts if c is not None}
        if self.dollar is not None and DOLLAR_SIGN in used:
            used.add(self.dollar)
        return sorted((c, r) for c, r in self.rates.items() if c in used and c != self.currency)

    def notes(self, lang: str = "en", datasets: set[str] | None = None) -> list[str]:
        """What the reader of a money figure should know, in ``lang``: amounts left out
        (no rate, an ambiguous ``$``), the reading of ``$``, rows without a currency and
        the rates used; only about ``datasets`` when given."""
        out: list[str] = []
        for ds, cur, n in self.left_out():
            if datasets is not None and ds not in datasets:
                continue
            out.append(f"{_ds(ds, lang)}: {self._left_out_text(cur, n, lang)}")
        dollar_rows = sum(
            c.get(DOLLAR_SIGN, 0)
            for ds, c in self.found.items()
            if datasets is None or ds in datasets
        )
        if dollar_rows and self.dollar is not None:
            if self.dollar_why == "default":
                out.append(t("query.money.bare_dollar_default", lang))
            else:
                out.append(t("query.money.bare_dollar", lang, currency=self.dollar))
        for ds, n in self.without_currency():
            if datasets is not None and ds not in datasets:
                continue
            out.append(
                t(
                    "query.money.without_currency",
                    lang,
                    dataset=_ds(ds, lang),
                    amounts=_amounts(n, lang),
                    currency=self.currency,
                )
            )
        converted = self.converted()
        if converted:
            listed = "; ".join(f"1 {c} = {_rate(r, lang)} {self.currency}" for c, r in converted)
            out.append(t("query.money.converted", lang, currency=self.currency, rates=listed))
        return out

    def problems(self, lang: str = "en", files: Mapping[str, str] | None = None) -> list[Problem]:
        """One warning per currency per dataset whose amounts are left out; ``files``:
        dataset -> the names of its files (shown as the problem's file)."""
        out = []
        for ds, cur, n in self.left_out():
            where = (files or {}).get(ds) or _ds(ds, lang)
            out.append(
                Problem(where, None, None, "currency", cur, self._left_out_text(cur, n, lang))
            )
        return out

    def _left_out_text(self, cur: str, n: int, lang: str) -> str:
        if cur == DOLLAR_SIGN:
            named = ", ".join(c for c in self.currencies if c in DOLLAR_CURRENCIES)
            return t("query.money.left_out_dollar", lang, amounts=_amounts(n, lang), named=named)
        return t(
            "query.money.left_out_rate",
            lang,
            amounts=_amounts(n, lang),
            from_currency=cur,
            currency=self.currency,
        )


def _ds(dataset: str, lang: str) -> str:
    return DATASETS[dataset].words(lang)


def _n(n: int, lang: str) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if lang == "es" else text


def _amounts(n: int, lang: str) -> str:
    """``1 amount`` / ``12 amounts`` (``1 importe`` / ``12 importes``)."""
    return t("query.money.amount" if n == 1 else "query.money.amounts", lang, n=_n(n, lang))


def _rate(r: float, lang: str) -> str:
    text = f"{r:g}"
    return text.replace(".", ",") if lang == "es" else text


def plan(found: Found, opts: MoneyOptions | None = None) -> MoneyPlan:
    """Read the currencies found with the user's options (see the module docstring).

    Example: found ``{"opportunities": {"MXN": 3, "COP": 2}}``, currency MXN, rates
    ``{"COP": 0.0045}`` -> factors ``{"": 1.0, "MXN": 1.0, "COP": 0.0045}``.
    """
    opts = opts or MoneyOptions()
    chosen = opts.currency.strip().upper() if opts.currency else None
    stored = {c for counts in found.values() for c, n in counts.items() if c is not None and n}
    named = stored - {DOLLAR_SIGN}
    dollar: str | None = None
    dollar_why: str | None = None
    if DOLLAR_SIGN in stored:
        candidates = {c for c in named if c in DOLLAR_CURRENCIES}
        if chosen in DOLLAR_CURRENCIES:
            candidates.add(chosen)
        if not candidates:
            dollar, dollar_why = "USD", "default"
        elif len(candidates) == 1:
            dollar, dollar_why = next(iter(candidates)), "named"
        else:
            dollar_why = "ambiguous"
    currencies = tuple(sorted(named | ({dollar} if dollar else set())))
    only_code = len(currencies) == 1 and currency_code(currencies[0]) == currencies[0]
    if chosen:
        currency = chosen
    elif only_code:
        currency = currencies[0]
    else:
        currency = opts.fallback.strip().upper()
    rates = {k: float(v) for k, v in opts.rates.items() if k != currency}

    def factor(cur: str) -> float | None:
        if cur == currency:
            return 1.0
        rate = rates.get(cur)
        return rate if rate is not None and math.isfinite(rate) and rate > 0 else None

    factors: dict[str, float | None] = {"": 1.0}
    for cur in stored:
        if cur == DOLLAR_SIGN:
            factors[cur] = factor(dollar) if dollar else None
        else:
            factors[cur] = factor(cur)
    return MoneyPlan(currency, bool(chosen), dollar, dollar_why, currencies, factors, found, rates)


def read_rates(path: str | Path, currency: str | None = None) -> dict[str, float]:
    """An exchange rate file: a header ``currency,rate`` (``;`` also), then one row per
    currency: its code and the value of ONE unit of it in the report currency
    (``USD,0.92`` in a report in EUR; ``0,92`` with ``;``).

    Args:
        path: the CSV file.
        currency: the report currency, when known: a row for it must say 1.

    Returns:
        currency -> rate.

    Raises:
        UsageError: the file cannot be read, or a row is not a currency and a positive
            rate (the message names the file, the row and what to fix).
    """
    name = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise UsageError(f"--rates {name}: cannot be read ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        raise UsageError(f"--rates {name}: not a UTF-8 text file") from e
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if header[:2] != ["currency", "rate"]:
        raise UsageError(
            f"--rates {name}: the first row must be the header currency,rate "
            f"(found {','.join(rows[0]) if rows else 'nothing'})"
        )
    rates: dict[str, float] = {}
    for i, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        where = f"--rates {name} row {i}"
        if len(row) < 2 or not row[0].strip():
            raise UsageError(f"{where}: expected a currency and a rate (e.g. USD{delimiter}0.92)")
        written = row[0].strip()
        code = currency_code(written) or written
        if code == DOLLAR_SIGN:
            raise UsageError(
                f"{where}: {written!r} is not one currency; write its code (USD, MXN...)"
            )
        raw = row[1].strip()
        try:
            rate = float(raw.replace(",", ".") if delimiter == ";" else raw)
        except ValueError:
            rate = math.nan
        if not (math.isfinite(rate) and rate > 0):
            raise UsageError(
                f"{where}: the rate {raw!r} of {code} is not a positive number "
                "(the value of one unit in the report currency)"
            )
        if code in rates:
            raise UsageError(f"{where}: {code} has a rate already (row listed twice)")
        if currency is not None and code == currency.upper() and rate != 1:
            raise UsageError(f"{where}: {code} is the report currency; its rate is 1, not {raw}")
        rates[code] = rate
    return rates
