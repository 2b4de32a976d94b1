"""Files read for a workspace: each table with its header signature, mapped the way the
workspace learned for that signature (:func:`read_tables`), and what a workspace learns
from a table whose dataset, columns or options were chosen (:func:`learned_from`).

The **header signature** is the SHA-256 of the table's header cells, in order and as
written: next month's export of the same tool has the same headers, so it is mapped the
way this month's was fixed by hand, without anyone fixing it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from kpi.errors import UnreadableFileError
from kpi.load import LoadOptions, Override, TableResult, expand_inputs, map_table
from kpi.load.recognize import header_score
from kpi.read import read_bytes

#: a file given to read: a path (file or folder) or (name, bytes)
Input = str | Path | tuple[str, bytes]


@dataclass
class ReadTable:
    """One table read for a workspace.

    Attributes:
        result: the table read, recognised, mapped and typed (:func:`kpi.load.map_table`).
        headers: its header cells as written (the signature is made of them).
        chosen: what was chosen for it by hand (the Data page's mapping editor), or
            learned by the workspace for its signature; None when nothing was.
        source: the position of its file among the files read (the sheets of a
            workbook share it: they are one file of the workspace); None: one file per
            file name.
    """

    result: TableResult
    headers: list[str]
    chosen: Override | None = None
    source: int | None = None

    @property
    def signature(self) -> str:
        """The table's header signature (see the module's docstring)."""
        return signature(self.headers)


def signature(headers: Sequence[str]) -> str:
    """The header signature: SHA-256 (hex) of the header cells, in order, as written.

    Example:
        >>> signature(["Ticket #", "Company"])[:12]
        '32d4af5f3116'
    """
    text = json.dumps(list(headers), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_tables(
    inputs: Iterable[Input],
    options: LoadOptions,
    overrides: Mapping[tuple[str, str | None], Override] | None = None,
    learned: Mapping[str, Override] | None = None,
    *,
    keep_raw: bool = False,
) -> list[ReadTable]:
    """Read files into tables, each mapped by its choice: the override given for it
    (``overrides``, by file name and sheet), else a preset given now that matches it,
    else the choice the workspace learned for its signature (``learned``), else
    automatically.

    Args:
        inputs: paths (files or folders, read as :func:`kpi.load.expand_inputs` does) or
            ``(name, bytes)`` pairs, in the order they are to be added.
        options: the workspace's reading language and time zone, and presets.
        overrides: choices made by hand, by (file name, sheet).
        learned: choices learned by the workspace, by header signature.
        keep_raw: keep each table's raw text (the Data page's mapping editor needs it;
            a command line does not: it is as big as the file).

    Raises:
        UnreadableFileError: a file that cannot be read as a table at all.
    """
    items: list[tuple[str, bytes | Path]] = []
    for item in inputs:
        if isinstance(item, tuple):
            items.append(item)
        else:
            items.extend(expand_inputs([item]))
    out: list[ReadTable] = []
    for source, (name, entry) in enumerate(items):
        if isinstance(entry, Path):
            try:
                blob = entry.read_bytes()
            except OSError as e:
                raise UnreadableFileError(name, f"cannot be opened ({e.strerror})") from e
        else:
            blob = entry
        for raw in read_bytes(name, blob, header_score=header_score):
            chosen = (overrides or {}).get((name, raw.sheet))
            if chosen is None and not any(
                p.matches(raw.headers, raw.sheet) for p in options.presets
            ):
                chosen = (learned or {}).get(signature(raw.headers))
            res = map_table(raw, options, chosen)
            if not keep_raw:
                res.raw = None
            out.append(ReadTable(res, list(raw.headers), chosen, source))
        del blob
    return out


def learned_from(table: ReadTable) -> Override | None:
    """What a workspace learns from a table for its signature: the dataset, the columns
    chosen by hand or by a preset (and those left unmapped by hand) and the reading
    options, when any of them was chosen; None for a table mapped automatically."""
    res = table.result
    mapping = res.mapping
    if mapping is None or res.table is None:
        return None
    named = any(r.code == "chosen" for r in mapping.reasons)
    columns = {
        c: table.headers[i] for c, i in mapping.columns.items() if mapping.origin.get(c) != "alias"
    }
    if table.chosen is not None:
        columns.update({c: "" for c, src in table.chosen.columns.items() if src == ""})
    if not (named or columns or res.options):
        return None
    return Override(mapping.dataset, columns, dict(res.options))
