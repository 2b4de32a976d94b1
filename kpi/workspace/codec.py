"""What a workspace keeps of one table read, as JSON text: its :class:`FileReport`, its
:class:`Mapping`, its reading options and the choice made by hand (:class:`Override`).

Each ``*_json`` has its ``*_from_json`` that gives back an equal object, so that
assembling stored tables gives what assembling the tables just read gives. Reading is
lenient with fields it does not know (a newer version's) and fills the ones an older
version did not write with their defaults.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from kpi.load.options import Override
from kpi.load.reasons import Reason
from kpi.load.recognize import Mapping
from kpi.model import FileReport
from kpi.schema import EventLog


def dumps(obj: Any) -> str:
    """Compact JSON, keys in a stable order (the same object gives the same text)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def json_list(text: str) -> list[Any]:
    """A JSON list (headers, columns)."""
    value = json.loads(text)
    if not isinstance(value, list):
        raise ValueError("not a JSON list")
    return value


def json_dict(text: str) -> dict[str, Any]:
    """A JSON object (options, a passphrase's hash)."""
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _reasons_json(reasons: Any) -> list[Any]:
    return [[r.code, [[k, v] for k, v in r.params]] for r in reasons]


def _reasons_from(items: list[Any]) -> tuple[Reason, ...]:
    return tuple(Reason(code, tuple((k, v) for k, v in params)) for code, params in items)


def _known(cls: type, obj: dict[str, Any]) -> dict[str, Any]:
    """The fields of ``obj`` that ``cls`` declares (a newer version may write more)."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in obj.items() if k in names}


def report_json(rep: FileReport) -> str:
    """A :class:`FileReport` as JSON text."""
    obj = {f.name: getattr(rep, f.name) for f in dataclasses.fields(rep)}
    obj["evidence"] = _reasons_json(rep.evidence)
    return dumps(obj)


def report_from_json(text: str) -> FileReport:
    """The :class:`FileReport` of :func:`report_json` (a fresh object each time:
    assembling changes its counts)."""
    obj = _known(FileReport, json.loads(text))
    obj["evidence"] = list(_reasons_from(obj.get("evidence", [])))
    return FileReport(**obj)


def mapping_json(m: Mapping) -> str:
    """A :class:`Mapping` as JSON text."""
    return dumps(
        {
            "dataset": m.dataset,
            "columns": m.columns,
            "inverted": sorted(m.inverted),
            "origin": m.origin,
            "confidence": m.confidence,
            "runner_up": m.runner_up,
            "reasons": _reasons_json(m.reasons),
            "event_log": None if m.event_log is None else dataclasses.asdict(m.event_log),
        }
    )


def mapping_from_json(text: str) -> Mapping:
    """The :class:`Mapping` of :func:`mapping_json`."""
    obj = json.loads(text)
    log = obj.get("event_log")
    return Mapping(
        dataset=obj["dataset"],
        columns={k: int(v) for k, v in obj["columns"].items()},
        inverted=frozenset(obj.get("inverted", [])),
        origin=dict(obj.get("origin", {})),
        confidence=obj.get("confidence", "high"),
        runner_up=obj.get("runner_up"),
        reasons=_reasons_from(obj.get("reasons", [])),
        event_log=None if log is None else EventLog(**_known(EventLog, log)),
    )


def override_json(ov: Override) -> str:
    """An :class:`Override` as JSON text."""
    return dumps({"dataset": ov.dataset, "columns": ov.columns, "options": ov.options})


def override_from_json(text: str) -> Override:
    """The :class:`Override` of :func:`override_json`."""
    obj = json.loads(text)
    return Override(obj.get("dataset"), dict(obj.get("columns", {})), dict(obj.get("options", {})))
