"""Typed values: raw cell texts -> the canonical types, a whole column at a time.

:func:`parse_column` (:mod:`~kpi.load.values.column`) reads a column of one of the kinds of
:mod:`kpi.schema`: text basics and empty cells (:mod:`~kpi.load.values.text`), numbers,
dates, yes/no flags; money cells, billing periods and survey scores have parsers of their
own (:mod:`~kpi.load.values.money`, :mod:`~kpi.load.values.billing`,
:mod:`~kpi.load.values.csat`).
"""

from kpi.load.values.billing import billing_key, parse_billing_months, unknown_billing_periods
from kpi.load.values.column import parse_column
from kpi.load.values.csat import parse_csat
from kpi.load.values.money import (
    DOLLAR_CURRENCIES,
    DOLLAR_SIGN,
    currency_code,
    parse_currency,
    parse_money,
)
from kpi.load.values.text import ParsedColumn, clean_text, empty_mask

__all__ = [
    "DOLLAR_CURRENCIES",
    "DOLLAR_SIGN",
    "ParsedColumn",
    "billing_key",
    "clean_text",
    "currency_code",
    "empty_mask",
    "parse_billing_months",
    "parse_column",
    "parse_csat",
    "parse_currency",
    "parse_money",
    "unknown_billing_periods",
]
