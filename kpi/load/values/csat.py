"""Survey scores (docs/DETAILS.md 19): satisfied or not, from a numeric scale or from words."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from kpi.load.values.text import ParsedColumn, _any, _blanked, _fold, _group
from kpi.texts.messages import english

_CSAT_GOOD = (
    "good", "positive", "satisfied", "verysatisfied", "happy", "great", "awesome", "excellent",
    "bueno", "buena", "positivo", "positiva", "satisfecho", "satisfecha", "muysatisfecho",
    "muysatisfecha", "excelente", "genial",
)  # fmt: skip
_CSAT_BAD = (
    "bad", "negative", "neutral", "ok", "okay", "poor", "unsatisfied", "dissatisfied", "malo",
    "mala", "negativo", "negativa", "neutro", "neutra", "regular", "insatisfecho", "insatisfecha",
)  # fmt: skip
_CSAT_NOT_RESPONSE = ("offered", "unoffered", "notoffered", "ofrecida", "noofrecida")
_CSAT_SCALES = (3, 4, 5, 7, 10)


def parse_csat(
    raw: pa.Array | pa.ChunkedArray, *, scale: int | None = None, reverse: bool = False
) -> ParsedColumn:
    """Satisfied or not per survey response (docs/KPIS.md 2, docs/DETAILS.md 19).

    Numeric scores (``4``, ``4,5``) are on a scale S: ``scale`` when given, else the
    largest score rounded up to the next of 3, 4, 5, 7, 10. A score is satisfied when
    ``score >= ceil(0.8 * S)`` (5 -> 4, 10 -> 8, 3 -> 3); with ``reverse`` (1 is best,
    Halo FBscore) the score is first mapped to ``S + 1 - score``. Scores below 0 or
    above 10 (or above a given scale) are invalid. Labels compare case-, accent- and
    space-insensitively; "not a response" labels (``offered``) give NULL, as do empty
    values; any other label is invalid.

    Args:
        raw: the raw cell texts.
        scale: the preset ``csat_scale``.
        reverse: the preset ``csat_reverse``.

    Returns:
        A :class:`ParsedColumn` with bool values.
    """
    t, _ = _blanked(raw)
    enc = pc.dictionary_encode(t)
    words = _fold(enc.dictionary)
    # "4", "4,5", "9.0", "-1" (negative: invalid below)
    f = pc.extract_regex(enc.dictionary, r"^(?P<n>[+-]?\d{1,6}(?:[.,]\d+)?)$")
    score = pc.cast(pc.replace_substring(_group(f, "n"), ",", "."), pa.float64())
    if scale is not None and scale < 1:
        raise ValueError(f"csat scale must be a positive number, not {scale!r}")
    # 0-10 only (docs/DETAILS.md 19), and no more than a preset scale
    limit = float(min(scale, 10)) if scale is not None else 10.0
    in_range = pc.fill_null(
        pc.and_(pc.greater_equal(score, 0.0), pc.less_equal(score, limit)), False
    )
    score = pc.if_else(in_range, score, pa.scalar(None, pa.float64()))
    top = pc.max(score).as_py()
    if scale is not None:
        s, why = scale, english("load.msg.by_setting")
    elif top is not None:
        # largest 4.5 -> 5, 6 -> 7, 8 -> 10, 2 -> 3
        s = next(x for x in _CSAT_SCALES if x >= top)
        why = english("load.msg.csat_largest", top=f"{top:g}")
    else:
        s, why = 5, ""  # labels only: no scale needed
    note = None
    if top is not None:
        key = "load.msg.csat_scale_reversed" if reverse else "load.msg.csat_scale"
        note = english(key, scale=s, why=why)
    if reverse:
        score = pc.subtract(float(s + 1), score)  # 1 of 4 -> 4, 4 of 4 -> 1
    threshold = (4 * s + 4) // 5  # ceil(0.8 * S) in integers: 5 -> 4, 10 -> 8, 3 -> 3, 7 -> 6
    by_score = pc.greater_equal(score, float(threshold))
    good = pc.is_in(words, value_set=pa.array(_CSAT_GOOD))
    bad = pc.is_in(words, value_set=pa.array(_CSAT_BAD))
    no_response = pc.is_in(words, value_set=pa.array(_CSAT_NOT_RESPONSE))
    d_values = pc.if_else(good, True, pc.if_else(bad, False, by_score))
    d_bad = pc.invert(pc.or_(pc.or_(pc.or_(good, bad), no_response), pc.is_valid(score)))
    values = pc.take(d_values, enc.indices)
    invalid = pc.fill_null(pc.take(d_bad, enc.indices), False)
    return ParsedColumn(
        values=values,
        invalid=invalid,
        reason=english("load.msg.not_score") if _any(invalid) else None,
        note=note,
    )
