"""Yes/no values (docs/DATA.md Booleans, docs/DETAILS.md 25, 31): words in English and Spanish,
checkbox columns, inverted flags.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.text import ParsedColumn, _any, _fold
from kpi.texts.messages import english

_TRUE_WORDS = ("true", "yes", "y", "1", "si", "verdadero", "t", "billable", "withinsla", "x")
_FALSE_WORDS = (
    "false", "no", "n", "0", "falso", "f",
    "donotbill", "nocharge", "slaviolated", "violated", "breached",
)  # fmt: skip
_NULL_WORDS = ("nodefault",)


def _parse_bool(t: pa.Array, empty: pa.Array, inverted: bool) -> ParsedColumn:
    """bool columns on the dictionary of distinct values (docs/DATA.md Booleans,
    docs/DETAILS.md 25, 31)."""
    enc = pc.dictionary_encode(t)
    words = _fold(enc.dictionary)
    is_true = pc.is_in(words, value_set=pa.array(_TRUE_WORDS))
    is_false = pc.is_in(words, value_set=pa.array(_FALSE_WORDS))
    is_null = pc.is_in(words, value_set=pa.array(_NULL_WORDS))
    d_values = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    d_bad = pc.invert(pc.or_(pc.or_(is_true, is_false), is_null))
    values = pc.take(d_values, enc.indices)
    invalid = pc.fill_null(pc.take(d_bad, enc.indices), False)
    # docs/DETAILS.md 31: a column whose only non-empty value is x is a checkbox; empty is false
    checkbox = len(words) > 0 and bool(pc.all(pc.equal(words, "x")).as_py())
    note = None
    if checkbox:
        values = pc.fill_null(values, False)
        note = english("load.msg.checkbox")
    if inverted:
        values = pc.invert(values)
    return ParsedColumn(
        values=values,
        invalid=invalid,
        reason=english("load.msg.not_yes_no") if _any(invalid) else None,
        note=note,
    )
