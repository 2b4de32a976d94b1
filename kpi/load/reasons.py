"""Why a table was read as a dataset, in words (:class:`Reason`), and the message of a
table held for confirmation (:func:`held_message`): for the CLI and the Data page.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

#: sentences of the reasons, (English, Spanish); ``{...}`` are a reason's params
REASONS: dict[str, tuple[str, str]] = {
    "evidence": (
        "{dataset} columns found: {columns}",
        "columnas propias de {dataset} encontradas: {columns}",
    ),
    "no_evidence": (
        "none of the columns that speak for {dataset} ({columns})",
        "ninguna de las columnas propias de {dataset} ({columns})",
    ),
    "rows": (
        "{rows} rows, and a list of people has {max} at most",
        "{rows} filas, y una lista de personas tiene {max} como mucho",
    ),
    "repeats": (
        "{header} repeats: {distinct} different names in {rows} rows (a list of people "
        "names each once)",
        "{header} se repite: {distinct} nombres distintos en {rows} filas (una lista de "
        "personas nombra a cada una una vez)",
    ),
    "row_timestamp": (
        "{header} has a date and time on each row, like an event log",
        "{header} tiene fecha y hora en cada fila, como un registro de eventos",
    ),
    "event_log": (
        "event log: {key} repeats ({rows} rows, {distinct} different) and {change} dates "
        "each change; {fills} is the first {change} of each {key}",
        "registro de eventos: {key} se repite ({rows} filas, {distinct} distintos) y "
        "{change} fecha cada cambio; {fills} es el primer {change} de cada {key}",
    ),
    "runner_up": (
        "next best: {dataset} (columns found: {found})",
        "siguiente opción: {dataset} (columnas encontradas: {found})",
    ),
    "runner_up_lacks": (
        "next best: {dataset} (columns found: {found}), which lacks {missing}",
        "siguiente opción: {dataset} (columnas encontradas: {found}), al que le falta {missing}",
    ),
    "chosen": (
        "dataset chosen by hand or by a preset",
        "conjunto elegido a mano o con una plantilla",
    ),
}


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
        en, es = REASONS[self.code]
        sep = "." if lang == "es" else ","
        args = {k: f"{v:,}".replace(",", sep) if isinstance(v, int) else v for k, v in self.params}
        return (es if lang == "es" else en).format(**args)


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
    if lang == "es":
        how = (
            f"si es {dataset}, confírmelo con --preset ARCHIVO.json, con {preset} en "
            'ARCHIVO.json (si es otro conjunto, nómbrelo allí y asigne sus columnas en "columns")'
            if cli
            else f"en la página Datos, o con una plantilla que lo nombre ({preset})"
        )
        return (
            f"leído como {dataset} con confianza baja ({why}). Sus filas no entran en ningún "
            f"KPI hasta confirmar el conjunto: {how}"
        )
    how = (
        f"if it is {dataset}, confirm it with --preset FILE.json, FILE.json holding {preset} "
        '(if it is another dataset, name that one there and map its columns in "columns")'
        if cli
        else f"on the Data page, or with a preset naming it ({preset})"
    )
    return (
        f"read as {dataset} with low confidence ({why}). Its rows feed no KPI until the "
        f"dataset is confirmed: {how}"
    )
