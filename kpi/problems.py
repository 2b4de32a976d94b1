"""Row-level problems found while reading: rejected rows, warnings and skipped lines.

Every input row ends loaded, merged or rejected; a rejected row always has a problem
with ``severity == "rejected"`` naming the file, the row as the user sees it in a
spreadsheet (1-based, header included), the column, the value and why.
Lines that are not data (a report title before the header, "Grand Totals" after the
data, blank lines) are ``"skipped"``: counted and listed, not part of ``rows_read``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["rejected", "warning", "skipped", "info"]

PROBLEM_COLUMNS = ("file", "sheet", "row", "column", "value", "problem")


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem. ``row`` is None for a problem about a whole column or file."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    value: str | None
    problem: str
    severity: Severity = "warning"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
