"""How files are read (:class:`LoadOptions`) and the choices made by hand for one table
(:class:`Override`, the app's mapping editor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kpi.load.presets import Preset


@dataclass
class LoadOptions:
    """How files are read. ``lang`` decides ambiguous dates and decimal separators."""

    lang: str = "en"
    tz: str = "UTC"
    presets: Sequence[Preset] = ()


@dataclass
class Override:
    """A choice made by hand for one table (the app's mapping editor)."""

    dataset: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
