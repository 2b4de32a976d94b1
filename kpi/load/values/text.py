"""Text basics of typed values: the parsed column (:class:`ParsedColumn`), empty cells and
trimmed text, and the small pyarrow helpers every value module uses.

Every function of :mod:`kpi.load.values` takes a pyarrow string array (``Array`` or
``ChunkedArray``, nulls allowed) holding the cell texts exactly as a reader produced them,
and works on whole columns with :mod:`pyarrow.compute` and DuckDB (never a Python loop over
rows).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.read.raw import may_need_trim


@dataclass
class ParsedColumn:
    """One column coerced to its canonical type.

    Attributes:
        values: the typed values: string (text/id), timestamp[us] naive local wall-clock
            (ts), date32 (date), float64 (num/hours/pct), int64 (int/tier), bool (bool).
            NULL where the raw value is empty or invalid.
        invalid: True where the raw value is non-empty but unusable.
        reason: why the invalid ones are invalid (user-facing); None when none is.
        warnings: True where the value was parsed but deserves a warning; None when
            the kind never warns.
        warning_reason: why the warned ones are warned.
        note: a column-level decision shown to the user ("decimal comma",
            "day-first (decided by values like 25/03/2024)", "checkbox column", ...).
        error: a column-level error; then every non-empty value is invalid.
        info: True where a value was read and deserves to be listed, not warned
            (a one-time contract: no MRR by design); None when none is.
        info_reason: why the listed ones are listed.
        currency: the currency each cell of a money column writes (see
            :func:`~kpi.load.values.money.parse_money`).
        order: how d/m dates were read: (day-first, decided by the values).
        mark: how decimal marks were read: (the mark, decided by the values).
    """

    values: pa.Array
    invalid: pa.Array
    reason: str | None = None
    warnings: pa.Array | None = None
    warning_reason: str | None = None
    note: str | None = None
    error: str | None = None
    info: pa.Array | None = None
    info_reason: str | None = None
    #: money columns (:func:`~kpi.load.values.money.parse_money`): the currency each cell
    #: writes (an ISO code, ``$``, or NULL where the cell names none); None for other
    #: columns
    currency: pa.Array | None = None
    #: dates written d/m or m/d: (day-first applied, decided by the values); None when no
    #: value is written so (ISO, Excel serials). Ingestion reads a column its values do
    #: not decide like the other date columns of the same table (kpi.load.coerce).
    order: tuple[bool, bool] | None = None
    #: numbers with a decimal mark: (the mark applied, decided by the values); None when
    #: no value has one
    mark: tuple[str, bool] | None = None


def _as_strings(raw: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    """One contiguous ``string`` array from whatever string-ish array a reader gave."""
    if isinstance(raw, pa.ChunkedArray):
        raw = raw.combine_chunks() if raw.num_chunks else pa.array([], type=raw.type or pa.string())
    if pa.types.is_dictionary(raw.type):
        raw = raw.dictionary_decode()
    if raw.type != pa.string():
        raw = pc.cast(raw, pa.string())
    return raw


def _any(mask: pa.Array) -> bool:
    """True when a boolean array has at least one True (nulls count as False)."""
    return bool(pc.any(mask).as_py())


def _count(mask: pa.Array) -> int:
    """Number of True in a boolean array (nulls count as False)."""
    return int(pc.sum(pc.cast(pc.fill_null(mask, False), pa.int64())).as_py() or 0)


def _falses(n: int) -> pa.Array:
    return pa.array(np.zeros(n, dtype=bool))


def _scatter(base: pa.Array, mask: pa.Array, sub: pa.Array) -> pa.Array:
    """Write ``sub`` (one value per True of ``mask``) into ``base`` where mask is True."""
    if len(sub) == 0:
        return base
    return pc.replace_with_mask(base, pc.fill_null(mask, False), sub.cast(base.type))


def _mask_where(t: pa.Array, where: pa.Array, test: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """``test`` (a bool mask of texts) where ``where`` holds, False elsewhere; run on just
    those texts when they are few (a regex over a million texts costs tens of ms)."""
    if _count(where) * 4 > len(t):
        return pc.and_(where, pc.fill_null(test(t), False))
    return _scatter(_falses(len(t)), where, test(pc.filter(t, where)))


def _group(found: pa.StructArray, name: str) -> pa.Array:
    """A named group of an ``extract_regex`` result, NULL where the regex did not match."""
    return pc.if_else(pc.is_valid(found), found.field(name), pa.scalar(None, pa.string()))


def _match(arr: pa.Array, pattern: str) -> pa.Array:
    """Regex match as a null-free bool mask."""
    return pc.fill_null(pc.match_substring_regex(arr, pattern), False)


def _fold(arr: pa.Array) -> pa.Array:
    """Lower-case, strip accents, drop spaces, ``_``, ``-`` and ``.``.

    Used on small dictionaries of distinct values only. ``Sí`` -> ``si``,
    ``Within SLA`` -> ``withinsla``, ``Do Not Bill`` -> ``donotbill``,
    ``Semi-annual`` -> ``semiannual``.
    """
    low = pc.utf8_lower(pc.utf8_normalize(arr, form="NFD"))
    return pc.replace_substring_regex(low, r"\p{Mn}|[\s_\-.\x{00a0}]", "")


# Empty tokens, compared case-insensitively: every case variant of n/a, null, none.
_EMPTY_WORDS = ("n/a", "null", "none")
_EMPTY_CASED = {
    "".join(chars)
    for word in _EMPTY_WORDS
    for chars in itertools.product(*((c.lower(), c.upper()) for c in word))
}
_EMPTY_TOKENS = pa.array(["", "?", "-", *sorted(_EMPTY_CASED)])
_EMPTY_TOKEN_BYTES = max(len(x.encode()) for x in _EMPTY_TOKENS.to_pylist())

# Sentinel "no date" values (docs/DETAILS.md 33) in any written format and with any time:
# 1899-12-30, 1899/12/30 10:00, 30/12/1899, 12/30/1899, 1900-01-01T00:00:00Z, 1/1/1900,
# 01.01.1900, 30-Dec-1899, 30 dic 1899, Jan 1, 1900.
_SENTINEL_RE = (
    r"(?i)^(?:"
    r"1899[-/.]12[-/.]30|1900[-/.]0?1[-/.]0?1"
    r"|30[-/.]12[-/.]1899|12[-/.]30[-/.]1899|0?1[-/.]0?1[-/.]1900"
    r"|30[-/. ]*(?:de )?(?:dec|dic)\p{L}*\.?[-/., ]*(?:de )?1899"
    r"|0?1[-/. ]*(?:de )?(?:jan|ene)\p{L}*\.?[-/., ]*(?:de )?1900"
    r"|(?:dec|dic)\p{L}*\.? +30,? +1899|(?:jan|ene)\p{L}*\.? +0?1,? +1900"
    r")(?:[ t,].*)?$"
)


def _trimmed(raw: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    s = _as_strings(raw)
    if not may_need_trim(s):  # the usual column: no copy of its texts
        return s
    return pc.utf8_trim_whitespace(s)


def _may_contain(t: pa.Array, needles: tuple[str, ...]) -> bool:
    """False only when no text of ``t`` contains any of ``needles``.

    One search over the array's character data as a single binary value (a few ms for
    a million dates, outside the GIL) instead of a search per text (tens of ms a
    needle). The data buffer of a slice may hold more than its texts: a hit there is
    only a maybe.
    """
    if not isinstance(t, pa.StringArray):
        return True
    data = t.buffers()[2]
    if data is None:  # no characters at all
        return False
    offsets = pa.py_buffer(np.array([0, data.size], dtype=np.int64))
    whole = pa.Array.from_buffers(pa.large_binary(), 1, [None, offsets, data])
    pattern = "|".join(re.escape(n) for n in needles)
    return _any(pc.match_substring_regex(whole, pattern))


def _empty_of_trimmed(t: pa.Array) -> pa.Array:
    # the tokens are short: look up only the texts that are (hashing every text of a
    # million-row column costs tens of ms)
    short = pc.fill_null(pc.less_equal(pc.binary_length(t), _EMPTY_TOKEN_BYTES), False)
    token = _mask_where(t, short, lambda x: pc.is_in(x, value_set=_EMPTY_TOKENS))
    empty = pc.or_(pc.is_null(t), token)
    # only texts holding 1899 or 1900 can be sentinels; most columns hold neither
    if not _may_contain(t, ("1899", "1900")):
        return pc.fill_null(empty, True)
    maybe = pc.or_(
        pc.fill_null(pc.match_substring(t, "1899"), False),
        pc.fill_null(pc.match_substring(t, "1900"), False),
    )
    if _any(maybe):
        sub = pc.filter(t, maybe)
        empty = pc.or_(empty, _scatter(_falses(len(t)), maybe, _match(sub, _SENTINEL_RE)))
    return pc.fill_null(empty, True)


def empty_mask(raw: pa.Array | pa.ChunkedArray) -> pa.Array:
    """True where a raw value counts as empty (docs/DATA.md Text, docs/DETAILS.md 33).

    Empty after trimming: ``''``, a lone space, ``?``, ``-``, ``n/a``, ``null``, ``none``
    (any case), and the sentinel dates ``1899-12-30`` / ``1900-01-01`` in any format
    and with any time (``30/12/1899 0:00``, ``1900-01-01T00:00:00Z``).

    Args:
        raw: the raw cell texts.

    Returns:
        A null-free bool array.
    """
    return _empty_of_trimmed(_trimmed(raw))


def _blanked(raw: pa.Array | pa.ChunkedArray) -> tuple[pa.StringArray, pa.Array]:
    """(trimmed text with NULL where empty, empty mask)."""
    t = _trimmed(raw)
    empty = _empty_of_trimmed(t)
    if not _any(empty):  # nothing to blank: no copy of the texts
        return t, empty
    return pc.if_else(empty, pa.scalar(None, pa.string()), t), empty


def clean_text(raw: pa.Array | pa.ChunkedArray) -> pa.Array:
    """Trimmed text; empties (see :func:`empty_mask`) become NULL.

    Args:
        raw: the raw cell texts.

    Returns:
        A string array.
    """
    return _blanked(raw)[0]
