"""Spreadsheet formula injection: text written to CSV or Excel never runs as a formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
prefixed with a single quote, as OWASP advises; numbers stay numbers (``-5`` as a float
is written as ``-5``, the text ``-5`` from a name column becomes ``'-5``).
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(text: str) -> str:
    """Neutralise one text cell.

    Examples:
        >>> safe_text("=HYPERLINK(\\"http://x\\")")
        '\\'=HYPERLINK("http://x")'
        >>> safe_text("Acme")
        'Acme'
    """
    return "'" + text if text.startswith(FORMULA_START) else text


def safe_cell(value: object) -> object:
    """Neutralise a cell of any type: only strings can carry a formula."""
    return safe_text(value) if isinstance(value, str) else value
