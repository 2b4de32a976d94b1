"""The building blocks of the canonical datasets: columns, their kinds, aliases and rules.

Kinds of column (the canonical type the engine sees in DuckDB):

========  ===========  =========================================================
kind      DuckDB type  accepted input
========  ===========  =========================================================
text      VARCHAR      anything; trimmed; empties and sentinels become NULL
id        VARCHAR      like text; ``1.03006E+13`` kept as written with a warning
ts        TIMESTAMP    every date form of docs/DATA.md, converted to the report zone
date      DATE         the same forms; the time of day is dropped
num       DOUBLE       ``1,234.5``, ``1.234,5``, ``(420.81)``, currency, ``%``
hours     DOUBLE       like num, and durations ``h:mm`` / ``h:mm:ss``
pct       DOUBLE       like num; 0-100 or 0-1 per column, stored as a fraction
int       BIGINT       like num, must be whole
tier      BIGINT       the first integer in the text: ``L2``, ``Tier 3``, ``N2``
bool      BOOLEAN      true/false, yes/no, si/no, 1/0, x/empty (checkbox)
========  ===========  =========================================================

Aliases are compared after :func:`fold_header`, which lower-cases, strips accents and drops
everything but letters and digits, so ``Fecha de cierre`` ~ ``fecha_de_cierre`` ~ ``FECHA
DE CIERRE``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kpi.texts import t

KINDS = ("text", "id", "ts", "date", "num", "hours", "pct", "int", "tier", "bool")

DUCKDB_TYPES = {
    "text": "VARCHAR",
    "id": "VARCHAR",
    "ts": "TIMESTAMP",
    "date": "DATE",
    "num": "DOUBLE",
    "hours": "DOUBLE",
    "pct": "DOUBLE",
    "int": "BIGINT",
    "tier": "BIGINT",
    "bool": "BOOLEAN",
}


@dataclass(frozen=True)
class Alias:
    """A header a tool exports for a column; ``inverted`` flips a boolean column."""

    header: str
    inverted: bool = False


@dataclass(frozen=True)
class Column:
    """One canonical column of a dataset."""

    name: str
    kind: str
    required: bool = False
    aliases: tuple[Alias, ...] = ()
    derived: bool = False
    description: str = ""
    #: a required column that may be absent when all of these are mapped instead
    #: (time entry hours: end - start)
    unless: tuple[str, ...] = ()

    @property
    def duckdb_type(self) -> str:
        return DUCKDB_TYPES[self.kind]


@dataclass(frozen=True)
class Roster:
    """Content rule: a table read as this dataset lists each person once.

    A staff sheet names each technician on one row and has a few hundred rows at most; an
    audit log with a ``Resource`` column (65,000 rows, a date and time on every row, the
    same names again and again) is not one. A table that breaks the rule is read with low
    confidence, and the user confirms it (:mod:`kpi.load.recognize`).
    """

    #: the column naming the person (``technician``)
    key: str
    #: more rows than this is not a roster
    max_rows: int = 500
    #: the share of rows with a name of their own (folded: ``Ana`` = ``ana``)...
    min_distinct: float = 0.9
    #: ...allowing this many repeated names anyway (a name typed twice in a short list)
    slack: int = 2


@dataclass(frozen=True)
class EventLog:
    """Content rule: ``fills`` may be absent when the table is an event log of ``key``.

    An event log has several rows per id (``key`` repeats, ``min_rows_per_key`` rows per
    id on average at least) and a change timestamp (``change`` mapped). ``fills`` is then
    each id's earliest ``change`` in the file: a ticket audit log without a created column
    gives each ticket the date of its first event.
    """

    key: str
    change: str
    fills: str
    min_rows_per_key: float = 1.5


@dataclass(frozen=True)
class Dataset:
    """One canonical dataset (tickets, surveys, ...); its texts are in :mod:`kpi.texts`
    (``dataset.<name>``, ``dataset.<name>.words``)."""

    name: str
    columns: tuple[Column, ...]
    #: the column whose value identifies a row; a key repeated within one file is
    #: handled per dataset, across files one file's rows win (kpi.load.merge.merge_across)
    key: str | None = None
    #: the timestamp that decides which rows of a repeated key win (the greatest; an
    #: empty one loses), before the order the files were given in
    updated: str | None = None
    description: str = ""
    #: columns that speak for this dataset and no other: a table read as it without any
    #: of them is read with low confidence (a list of names is not a staff sheet until it
    #: has a cost, weekly hours or a role)
    evidence: tuple[str, ...] = ()
    #: content rules (:class:`Roster`, :class:`EventLog`) checked on the table's values
    rules: tuple[Roster | EventLog, ...] = ()
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def label(self, lang: str = "en") -> str:
        """Its title: ``Time entries`` / ``Partes de horas`` (``dataset.<name>``)."""
        return t(f"dataset.{self.name}", lang)

    def words(self, lang: str = "en") -> str:
        """Its name in a sentence: ``time entries`` / ``partes de horas``
        (``dataset.<name>.words``)."""
        return t(f"dataset.{self.name}.words", lang)

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)

    @property
    def mappable(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.derived)


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold_header(text: str) -> str:
    """Fold a header for comparison.

    Lower-case, accents stripped, ``%`` read as ``pct``, ``#`` and ``º`` as ``no``,
    everything but letters and digits dropped.

    Examples:
        >>> fold_header("Fecha de cierre") == fold_header("fecha_de_cierre")
        True
        >>> fold_header("*InvoiceNumber")
        'invoicenumber'
        >>> fold_header("% Complete")
        'pctcomplete'
        >>> fold_header("Nº ticket")
        'noticket'
    """
    text = text.replace("%", " pct ").replace("#", " no ").replace("º", "o")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_ALNUM.sub("", text.lower())
