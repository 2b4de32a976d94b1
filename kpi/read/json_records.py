"""JSON files (a list of records, an API object holding one, or NDJSON) -> one raw table."""

from __future__ import annotations

import codecs
import json
import math
from typing import Any

import numpy as np

from kpi.errors import UnreadableFileError
from kpi.problems import Problem
from kpi.read.encoding import LATIN1_FALLBACK
from kpi.read.raw import _REF_KEYS, MAX_CELLS, RawTable, _cut, _limit_headers, _structured

#: keys under which APIs return the list of records: {"data": [...]}, OData {"value": [...]}
_LIST_KEYS = ("data", "value", "items", "results", "records", "rows")


def _scalar(v: Any) -> str:
    """A JSON scalar as text: ``None`` -> ``""``, ``True`` -> ``"true"``, ``3.0`` -> ``"3"``."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        if math.isfinite(v) and v.is_integer() and abs(v) < 1e16:
            return str(int(v))
        return repr(v)
    if isinstance(v, str):
        return v
    if isinstance(v, int):
        return str(v)
    return json.dumps(v, ensure_ascii=False)


def _reference(d: dict[str, Any]) -> str | None:
    """A reference object's display value: ``{"id": 3, "name": "Acme"}`` -> ``"Acme"``;
    ``{"id": 7, "identifier": "jdoe"}`` -> ``"jdoe"``; ``{"id": 5}`` -> ``"5"``. None when
    the object has none of those keys."""
    if not any(k in d for k in _REF_KEYS):
        return None
    for k in _REF_KEYS:
        v = d.get(k)
        if v is not None and v != "" and not isinstance(v, dict | list):
            return _scalar(v)
    return ""


def _item(v: Any) -> str:
    """One element of a list: references by their name, scalars as text."""
    if isinstance(v, dict):
        ref = _reference(v)
        return ref if ref is not None else json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "; ".join(_item(x) for x in v)
    return _scalar(v)


def _flatten(obj: dict[str, Any], prefix: str, out: dict[str, str]) -> None:
    """One record as flat text cells.

    ``{"company": {"id": 1, "identifier": "acme", "name": "Acme"}}`` -> ``company=Acme``;
    ``{"_info": {"dateEntered": "2024-03-05T10:00:00Z"}}`` -> ``_info.dateEntered=...``;
    ``{"tags": ["a", "b"]}`` -> ``tags=a; b``.
    """
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            ref = _reference(v)
            if ref is not None:
                out[key] = ref
            else:
                _flatten(v, key + ".", out)
        elif isinstance(v, list):
            out[key] = "; ".join(_item(x) for x in v)
        else:
            out[key] = _scalar(v)


def _read_json(name: str, data: bytes, max_rows: int | None) -> RawTable:
    """A list of records, an API object holding one (``{"data": [...]}``), or NDJSON."""
    encoding = "utf-8"
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", LATIN1_FALLBACK), "cp1252"
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    if not text.strip():
        raise UnreadableFileError(name, "is empty; export the data again and upload it")
    try:
        return _json_table(name, text, encoding, max_rows)
    except RecursionError as e:
        raise UnreadableFileError(name, "is JSON nested too deeply to be a table") from e


def _json_table(name: str, text: str, encoding: str, max_rows: int | None) -> RawTable:
    items: list[Any]
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        ndjson = _ndjson(text)
        if ndjson is None:
            raise UnreadableFileError(
                name, f"is not valid JSON ({e.msg} at line {e.lineno}, column {e.colno})"
            ) from e
        items = ndjson
    else:
        items = _records_of(name, obj)
    if max_rows is not None:
        items = items[:max_rows]
    flat: list[dict[str, str] | None] = []
    rejected: list[Problem] = []
    keys: dict[str, None] = {}
    for i, item in enumerate(items):
        if isinstance(item, dict):
            out: dict[str, str] = {}
            _flatten(item, "", out)
            flat.append(out)
            keys.update(dict.fromkeys(out))
        else:
            flat.append(None)
            shown = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
            rejected.append(
                Problem(
                    name,
                    None,
                    i + 2,
                    None,
                    _cut(shown),
                    "is not a JSON object (record)",
                    "rejected",
                )
            )
    good = [r for r in flat if r is not None]
    if not good:
        raise UnreadableFileError(
            name, "is JSON but holds no records (objects); export a list of records"
        )
    headers = list(keys)
    # checked before the columns are built: records x keys lookups (every record with a
    # key of its own would make that quadratic)
    _limit_headers(name, None, headers, 1)
    if len(headers) * len(good) > MAX_CELLS:
        raise UnreadableFileError(
            name,
            f"has {len(good):,} records x {len(headers):,} fields, more than the limit of "
            f"{MAX_CELLS:,} cells; export fewer fields or a shorter period",
        )
    cols = [[r.get(k, "") for r in good] for k in headers]
    nums = np.array([i + 2 for i, r in enumerate(flat) if r is not None], dtype=np.int64)
    return _structured(
        name, [h.strip() for h in headers], cols, len(good), encoding, rejected, nums
    )


def _ndjson(text: str) -> list[Any] | None:
    """Records of newline-delimited JSON, or None when the first line is not an object.

    A later line that is not JSON becomes a string item (rejected as not an object).
    """
    out: list[Any] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError:
            if not out:
                return None
            out.append(line)
    if not out or not isinstance(out[0], dict):
        return None
    return out


def _records_of(name: str, obj: Any) -> list[Any]:
    """The list of records inside a parsed JSON document."""
    if isinstance(obj, list):
        if obj and not any(isinstance(x, dict) for x in obj):
            raise UnreadableFileError(
                name, "is a JSON list of values, not of records (objects); export records"
            )
        return obj
    if isinstance(obj, dict):
        lower = {str(k).lower(): v for k, v in obj.items()}
        for key in _LIST_KEYS:
            if isinstance(lower.get(key), list):
                return _records_of(name, lower[key])
        lists = [v for v in obj.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        if len(lists) == 1:
            return lists[0]
        keys = ", ".join(list(map(str, obj))[:8])
        raise UnreadableFileError(
            name,
            f"is JSON but not a list of records (an object with keys {keys}); "
            "export the list of records",
        )
    raise UnreadableFileError(name, "is JSON but not a list of records")
