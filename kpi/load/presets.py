"""Mapping presets (docs/CLI.md "Mapping preset"): load, match, apply, and make one.

A preset names a dataset, some canonical columns with the source header each comes
from, and options::

    {"dataset": "tickets",
     "columns": {"ticket_id": "number", "created_at": "opened_at", "client": "location"},
     "options": {"day_first": true, "csat_scale": 5, "sheet": "Tickets",
                 "resolved_statuses": ["Cerrado por cliente"]}}

Options: ``day_first``, ``decimal`` (``"."`` or ``","``), ``csat_scale``,
``csat_reverse``, ``sheet``; ``resolved_statuses`` (ticket statuses that also mean
resolved, added to the built-in words of :data:`kpi.load.derive.RESOLVED_STATUSES`);
``billing_months`` (months of a contract billing period as written, ``{"Cada 4 meses":
4}``, before the built-in words; docs/DETAILS.md 22).

It applies to every table whose headers contain all the source columns it names
(headers folded like recognition, docs/DETAILS.md 35).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.errors import PresetError
from kpi.schema import DATASETS, fold_header

#: options a preset may carry, with their types
OPTIONS: dict[str, type | tuple[type, ...]] = {
    "day_first": bool,
    "csat_scale": int,
    "csat_reverse": bool,
    "sheet": str,
    "decimal": str,
    "resolved_statuses": list,
    "billing_months": dict,
}


@dataclass(frozen=True)
class Preset:
    """A validated mapping preset."""

    dataset: str | None
    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    name: str = ""

    def matches(self, headers: list[str], sheet: str | None = None) -> bool:
        """True when every source column named is among the headers (folded)."""
        want_sheet = self.options.get("sheet")
        if want_sheet is not None and (
            sheet is None or fold_header(sheet) != fold_header(want_sheet)
        ):
            return False
        folded = {fold_header(h) for h in headers}
        return all(fold_header(src) in folded for src in self.columns.values())

    def fixed(self, headers: list[str]) -> dict[str, int]:
        """canonical column -> index of the first header matching its source column."""
        folded = [fold_header(h) for h in headers]
        return {col: folded.index(fold_header(src)) for col, src in self.columns.items()}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.dataset:
            out["dataset"] = self.dataset
        out["columns"] = dict(self.columns)
        if self.options:
            out["options"] = dict(self.options)
        return out


def parse_preset(obj: Any, name: str = "preset") -> Preset:
    """Validate a preset given as parsed JSON.

    Raises:
        PresetError: with a message naming the preset and what is wrong.
    """
    if not isinstance(obj, dict):
        raise PresetError(f"{name}: a preset is a JSON object with dataset, columns, options")
    unknown = set(obj) - {"dataset", "columns", "options"}
    if unknown:
        raise PresetError(f"{name}: unknown key(s) {', '.join(sorted(unknown))}")
    dataset = obj.get("dataset")
    if dataset is not None and dataset not in DATASETS:
        raise PresetError(
            f"{name}: unknown dataset {dataset!r}; expected one of {', '.join(DATASETS)}"
        )
    columns = obj.get("columns", {})
    if not isinstance(columns, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
    ):
        raise PresetError(f"{name}: columns must map canonical names to source headers")
    if columns and dataset is None:
        raise PresetError(f"{name}: columns need a dataset")
    if dataset is not None:
        ds = DATASETS[dataset]
        bad = [c for c in columns if not ds.has(c) or ds.column(c).derived]
        if bad:
            raise PresetError(f"{name}: {dataset} has no column(s) {', '.join(bad)}")
    options = obj.get("options", {})
    if not isinstance(options, dict):
        raise PresetError(f"{name}: options must be an object")
    for key, value in options.items():
        typ = OPTIONS.get(key)
        if typ is None:
            raise PresetError(f"{name}: unknown option {key!r}; known: {', '.join(OPTIONS)}")
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            raise PresetError(f"{name}: option {key} has the wrong type")
    if "decimal" in options and options["decimal"] not in (".", ","):
        raise PresetError(f"{name}: option decimal must be '.' or ','")
    if "csat_scale" in options and options["csat_scale"] not in (3, 4, 5, 7, 10):
        raise PresetError(f"{name}: csat_scale must be one of 3, 4, 5, 7, 10")
    # ticket statuses that also mean resolved: ["Cerrado por cliente", "Closed (auto)"]
    statuses = options.get("resolved_statuses", [])
    if not all(isinstance(v, str) and v.strip() for v in statuses):
        raise PresetError(f"{name}: resolved_statuses must be a list of status texts")
    # months of billing periods as written: {"Cada 4 meses": 4, "Bienal": 24}
    months = options.get("billing_months", {})
    if not all(isinstance(k, str) and k.strip() and _whole_months(v) for k, v in months.items()):
        raise PresetError(
            f"{name}: billing_months must map billing periods (as written) to a whole "
            "number of months from 1 to 1200"
        )
    return Preset(dataset, dict(columns), dict(options), name)


def _whole_months(v: object) -> bool:
    """A positive whole number of months (JSON ``6``, not ``6.5``, ``true`` or ``"6"``)."""
    return isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 1200


def load_preset(path: str | Path) -> Preset:
    """Read and validate a preset file.

    Raises:
        PresetError: unreadable file, invalid JSON, or a preset of the wrong shape.
    """
    p = Path(path)
    try:
        obj = json.loads(p.read_text(encoding="utf-8-sig"))
    except OSError as e:
        raise PresetError(f"{p.name}: cannot read the preset ({e.strerror})") from e
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise PresetError(f"{p.name}: not valid JSON ({e})") from e
    return parse_preset(obj, p.name)


def preset_from_mapping(
    dataset: str, source: dict[str, str], options: dict[str, Any] | None = None
) -> Preset:
    """Make a preset from a mapping (canonical column -> source header), e.g. to save
    what a user fixed by hand in the app."""
    return parse_preset({"dataset": dataset, "columns": dict(source), "options": options or {}})
