"""Name keys that join clients and technicians across datasets (DATA.md, DETAILS.md 34).

The same client is ``ACME S.L.``, ``Acme, SL`` and ``acme`` in three tools; they share
one key. The key is for joining only; the name shown is chosen by :mod:`kpi.ingest`.
"""

from __future__ import annotations

import re
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

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
