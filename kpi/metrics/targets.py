"""Targets and status (docs/KPIS.md "Targets and status", docs/DETAILS.md 11).

* ``higher`` target t: ok when value >= t; warn when value >= t - 10% of |t|; else bad.
  csat target 0.90: 0.90 ok, 0.81 warn, 0.80 bad.
* ``lower`` target t: ok when value <= t; warn when value <= t + 10% of |t|; else bad.
  escalation_rate target 0.20: 0.22 warn, 0.23 bad.
* a band ``(lo, hi)``: ok inside (both ends included); warn within 0.05 outside it; bad
  otherwise. utilization (0.70, 0.85): 0.66 warn, 0.90 warn, 0.91 bad.
* a target of 0 has no warn band: uncovered_devices 0 ok, 1 bad.
* an empty value, or a KPI without a target, has an empty status.

Boundaries are inclusive and compared with a tolerance of 1e-9 so that a value that is the
target up to float rounding (0.9 computed as 9 / 10) counts as reaching it.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from kpi.errors import UsageError
from kpi.metrics.declaration import Kpi, Target

WARN_RELATIVE = 0.10
WARN_BAND = 0.05
_EPS = 1e-9

# "0.7..0.85" -> (0.7, 0.85); "0,9" is not accepted: targets are machine values
_BAND = re.compile(r"^\s*(-?[0-9.eE+-]+)\s*\.\.\s*(-?[0-9.eE+-]+)\s*$")


def parse_target(value: object) -> Target:
    """A user target: a number, a ``(lo, hi)`` pair, or text ``"0.9"`` / ``"0.7..0.85"``.

    Raises:
        UsageError: anything else, or a band whose low end is above its high end.
    """
    if isinstance(value, bool):
        raise UsageError(f"not a target: {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise UsageError(f"not a target: {value!r}")
        return float(value)
    if isinstance(value, tuple | list) and len(value) == 2:
        lo, hi = (float(parse_target(v)) for v in value)  # type: ignore[arg-type]
        if lo > hi:
            raise UsageError(f"target band {lo}..{hi}: the low end is above the high end")
        return (lo, hi)
    if isinstance(value, str):
        m = _BAND.match(value)
        try:
            if m:
                return parse_target((float(m.group(1)), float(m.group(2))))
            return parse_target(float(value))
        except ValueError:
            pass
    raise UsageError(f"not a target: {value!r} (use a number like 0.9 or a band 0.7..0.85)")


def format_target(target: Target | None) -> str | float | None:
    """How the ``target`` column shows a target: a number, or ``"0.7..0.85"``."""
    if target is None:
        return None
    if isinstance(target, tuple):
        return f"{_num(target[0])}..{_num(target[1])}"
    return float(target)


def _num(x: float) -> str:
    # 0.7 -> "0.7", 40.0 -> "40"
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def effective_target(kpi: Kpi, overrides: dict[str, object]) -> Target | None:
    """The user's target for ``kpi`` when given, else the declared default."""
    if kpi.id in overrides and overrides[kpi.id] is not None:
        return parse_target(overrides[kpi.id])
    return kpi.target


#: the statuses by code (see :func:`status_codes`)
STATUSES = (None, "ok", "warn", "bad")


def status(values: pd.Series | np.ndarray, target: Target | None, direction: str) -> np.ndarray:
    """Status of each value: ``"ok"``, ``"warn"``, ``"bad"`` or None (empty).

    Args:
        values: KPI values (NaN / None = empty).
        target: a number or a ``(lo, hi)`` band; None gives empty statuses.
        direction: ``higher`` or ``lower`` for a number (``band`` with a number is read
            as ``higher``).
    """
    return np.array(STATUSES, dtype=object)[status_codes(values, target, direction)]


def status_codes(
    values: pd.Series | np.ndarray, target: Target | None, direction: str
) -> np.ndarray:
    """:func:`status` as indexes into :data:`STATUSES`: 0 empty, 1 ok, 2 warn, 3 bad."""
    v = np.asarray(values)
    if v.dtype.kind not in "fiu":  # objects, text: what is not a number is empty
        v = np.asarray(pd.to_numeric(pd.Series(values), errors="coerce"), dtype=float)
    v = v.astype(float, copy=False)
    out = np.zeros(v.shape, dtype=np.int8)
    if target is None:
        return out
    known = ~np.isnan(v)
    if isinstance(target, tuple):
        lo, hi = target
        ok = (v >= lo - _EPS) & (v <= hi + _EPS)
        warn = (v >= lo - WARN_BAND - _EPS) & (v <= hi + WARN_BAND + _EPS)
    else:
        t = float(target)
        margin = WARN_RELATIVE * abs(t)
        if direction == "lower":
            ok = v <= t + _EPS
            warn = v <= t + margin + _EPS if margin else ok
        else:
            ok = v >= t - _EPS
            warn = v >= t - margin - _EPS if margin else ok
    out[known & warn] = 2
    out[known & ok] = 1
    out[known & ~warn] = 3
    return out
