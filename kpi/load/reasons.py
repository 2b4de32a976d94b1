"""Why a table was read as a dataset, in words (:class:`Reason`), and the message of a
table held for confirmation (:func:`held_message`): for the CLI and the Data page.

The sentences are in :mod:`kpi.texts`: ``load.reason.<code>`` (a reason's params are its
``{placeholders}``) and ``load.held*``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from kpi.texts import t


@dataclass(frozen=True)
class Reason:
    """One piece of evidence for or against reading a table as a dataset.

    Example:
        >>> Reason("rows", (("rows", 600), ("max", 500))).text("en")
        '600 rows, and a list of people has 500 at most'
    """

    code: str
    params: tuple[tuple[str, str | int], ...] = ()

    def text(self, lang: str = "en") -> str:
        """The sentence in ``lang`` (``en`` or ``es``); numbers with thousands separators."""
        sep = "." if lang == "es" else ","
        args = {k: f"{v:,}".replace(",", sep) if isinstance(v, int) else v for k, v in self.params}
        return t(f"load.reason.{self.code}", lang, **args)


def preset_json(dataset: str, columns: dict[str, str] | None = None) -> str:
    """The preset that names a dataset (and columns), as a user writes it in a file.

    Example:
        >>> preset_json("staff", {"technician": "Nombre"})
        '{"dataset": "staff", "columns": {"technician": "Nombre"}}'
    """
    obj: dict[str, object] = {"dataset": dataset}
    if columns:
        obj["columns"] = columns
    return json.dumps(obj, ensure_ascii=False)


def _reason(code: str, **params: str | int) -> Reason:
    return Reason(code, tuple(params.items()))


def held_message(
    dataset: str,
    reasons: Sequence[Reason],
    lang: str = "en",
    *,
    columns: dict[str, str] | None = None,
    cli: bool = False,
) -> str:
    """Why a table read with low confidence feeds no KPI, and how to confirm it (on the
    Data page, or with a preset naming the dataset; ``cli``: the preset only).

    ``columns`` (canonical -> header, the table's mapping) go into the preset shown, so
    that it applies to this table only: a preset without columns applies to every file.

    Example:
        >>> held_message("staff", [Reason("rows", (("rows", 600), ("max", 500)))])[:61]
        'read as staff with low confidence (600 rows, and a list of pe'
    """
    why = "; ".join(r.text(lang) for r in reasons)
    preset = preset_json(dataset, columns)
    how = t("load.held.how_cli" if cli else "load.held.how", lang, dataset=dataset, preset=preset)
    return t("load.held", lang, dataset=dataset, why=why, how=how)
