"""Name keys that join clients and technicians across datasets (docs/DATA.md, docs/DETAILS.md 34).

The same client is ``ACME S.L.``, ``Acme, SL`` and ``acme`` in three tools; they share
one key. The key is for joining only; the name shown is the most frequent spelling of a key
over every dataset (:func:`join_names`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from kpi.model import LoadedData

#: Legal-form tokens dropped from the end of a client key, repeatedly.
#: Dotted forms arrive as letters after folding: ``S.L.U.`` -> ``slu``.
LEGAL_SUFFIXES = frozenset(
    ["sl", "slu", "sa", "inc", "llc", "ltd", "limited", "gmbh", "bv", "sas", "srl", "corp", "co",
     "llp", "plc", "ag", "nv", "pty", "slp", "coop"]
)  # fmt: skip

_PUNCT = re.compile(r"[^\w\s]|_")
_SPACES = re.compile(r"\s+")
# "s l u" (from "S. L. U.") and "s.l.u." both become "slu": single letters run together
_SPLIT_LETTERS = re.compile(r"\b((?:[a-z] ){1,3}[a-z])\b")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return text


def client_key(name: str) -> str:
    """The join key of a client name.

    Lower-case, accents stripped, punctuation to space, spaces collapsed, then trailing
    legal-suffix tokens dropped repeatedly (never the whole name).

    Examples:
        >>> client_key("ACME, S.L.U.")
        'acme'
        >>> client_key("Café Núñez Co. Ltd")
        'cafe nunez'
        >>> client_key("Inc")
        'inc'
    """
    text = _fold(name)
    # dotted abbreviations: "s.l.u." -> "slu" before punctuation becomes space
    text = re.sub(r"\b((?:[a-z]\.){2,}[a-z]?\.?)", lambda m: m.group(1).replace(".", ""), text)
    text = _PUNCT.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    text = _SPLIT_LETTERS.sub(lambda m: m.group(1).replace(" ", ""), text)
    tokens = text.split(" ")
    while len(tokens) > 1 and tokens[-1] in LEGAL_SUFFIXES:
        tokens.pop()
    return " ".join(tokens)


def technician_key(name: str) -> str:
    """The join key of a technician: case, accents and spaces folded.

    Example:
        >>> technician_key("  José  García ")
        'jose garcia'
    """
    return _SPACES.sub(" ", _fold(name)).strip()


def keys_of(values: pa.Array | pa.ChunkedArray, key: str = "client") -> pa.Array:
    """Keys of a whole column, computed once per distinct value (vectorised join back)."""
    fn = client_key if key == "client" else technician_key
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    uniques = pc.unique(arr).drop_null()
    mapped = pa.array([fn(v) for v in uniques.to_pylist()], type=pa.string())
    idx = pc.index_in(arr, value_set=uniques)
    return pc.take(mapped, idx)


def _technician_keys(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    """The staff key of every row (docs/DETAILS.md 25: case, accents and spaces folded); each
    spelling is folded once."""
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    uniques = pc.unique(arr)
    folded = [technician_key(v) if v else "" for v in uniques.to_pylist()]
    return pc.take(pa.array(folded, type=pa.string()), pc.index_in(arr, value_set=uniques))


def join_names(stacked: dict[str, pa.Table], data: LoadedData) -> dict[str, pa.Table]:
    """Client and technician display names shared by every dataset (docs/DETAILS.md 34)."""
    out = dict(stacked)
    # alias table: alias key -> the client's key and spelling
    alias_to: dict[str, str] = {}
    if "clients" in out:
        t = out["clients"]
        for client, alias in zip(
            t.column("client").to_pylist(), t.column("alias").to_pylist(), strict=True
        ):
            if client and alias:
                alias_to[client_key(alias)] = client
    for kind, column, fold in (
        ("client", "client", client_key),
        ("technician", "technician", technician_key),
    ):
        # each spelling's key once (Unicode folding, ~10 us), not once per use below
        keys: dict[str, str] = {}

        def keyfn(v: str, keys: dict[str, str] = keys, fold: Callable[[str], str] = fold) -> str:
            k = keys.get(v)
            if k is None:
                k = keys[v] = fold(v)
            return k

        # spelling counts over all loaded rows of every dataset; ties: first seen in
        # reading order (files in the order given, then rows): per spelling and file, its
        # count and first row, from one grouping that also lists the dataset's spellings
        counts: dict[str, dict[str, list[Any]]] = {}
        spellings: dict[str, list[str]] = {}
        users = [n for n, t in out.items() if n != "clients" and column in t.column_names]
        for name in users:
            t = out[name]
            grouped = (
                pa.table({"v": t.column(column), "f": t.column("_file"), "r": t.column("_row")})
                .group_by(["v", "f"])
                .aggregate([("r", "count"), ("r", "min")])
            )
            seen: dict[str, None] = {}
            for spelling, f, n, first_row in zip(
                grouped.column("v").to_pylist(),
                grouped.column("f").to_pylist(),
                grouped.column("r_count").to_pylist(),
                grouped.column("r_min").to_pylist(),
                strict=True,
            ):
                if spelling is None:
                    continue
                seen[spelling] = None
                if kind == "client":
                    spelling = alias_to.get(keyfn(spelling), spelling)
                first_seen = (f, first_row)
                slot = counts.setdefault(keyfn(spelling), {}).setdefault(spelling, [0, first_seen])
                slot[0] += n
                slot[1] = min(slot[1], first_seen)
            spellings[name] = list(seen)
        display = {
            k: min(sp.items(), key=lambda kv: (-kv[1][0], kv[1][1]))[0] for k, sp in counts.items()
        }
        for name in users:
            found = spellings[name]
            mapped = []
            for v in found:
                sp = alias_to.get(keyfn(v), v) if kind == "client" else v
                mapped.append(display.get(keyfn(sp), sp))
            if mapped == found:
                continue  # every row already shows its display name: the column stays
            t = out[name]
            col = t.column(column)
            at = pc.index_in(col, value_set=pa.array(found, type=pa.string()))
            new = pc.take(pa.array(mapped, type=pa.string()), at)
            out[name] = t.set_column(t.column_names.index(column), column, new)
    return out
