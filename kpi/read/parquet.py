"""Parquet files -> one raw table: every column cast to text, nested columns flattened."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kpi.errors import UnreadableFileError
from kpi.read.raw import (
    _REF_KEYS,
    _TOO_BIG_UNPACKED,
    MAX_CELLS,
    MAX_TABLE_ROWS,
    MAX_UNZIPPED_BYTES,
    RawTable,
    _first_line,
    _structured,
)


def _read_parquet(name: str, data: bytes, max_rows: int | None) -> RawTable:
    """Every column cast to string; timestamps ISO (``2024-03-05 14:30:00[+01:00]``).

    Row numbers count as if the table were opened in a spreadsheet: header row 1, the
    first record row 2.
    """
    try:
        pf = pq.ParquetFile(pa.BufferReader(data))
        _check_parquet_size(name, pf)
        # text columns stay dictionary-encoded until their decoded size is known: a few KB
        # of Parquet can repeat one 1 MB string a million times
        schema = pf.schema
        text_leaves = [
            schema.column(i).path
            for i in range(len(schema))
            if schema.column(i).physical_type == "BYTE_ARRAY"
        ]
        pf = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text_leaves)
        table = pf.read()
        if max_rows is not None:
            table = table.slice(0, max_rows)
        names = table.column_names
        decoded = sum(_decoded_bytes(chunk) for col in table.columns for chunk in col.chunks)
    except (pa.ArrowException, OSError, ValueError) as e:  # ValueError: UnicodeDecodeError
        raise UnreadableFileError(name, f"is not a readable Parquet file ({_first_line(e)})") from e
    if decoded > MAX_UNZIPPED_BYTES:
        raise UnreadableFileError(name, _TOO_BIG_UNPACKED)
    headers: list[str] = []
    cols: list[Any] = []
    for col_name, col in zip(names, table.columns, strict=True):
        try:
            arr = col.combine_chunks() if col.num_chunks else pa.array([], col.type)
            for h, c in _arrow_strings(str(col_name), arr):
                headers.append(h.strip())
                cols.append(c)
        except (pa.ArrowException, OSError, ValueError) as e:
            raise UnreadableFileError(
                name, f"column {col_name!r} cannot be read as text ({_first_line(e)})"
            ) from e
    if not headers:
        raise UnreadableFileError(name, "has no columns")
    return _structured(name, headers, cols, table.num_rows, None, [])


def _check_parquet_size(name: str, pf: pq.ParquetFile) -> None:
    """Refuse a Parquet file whose metadata announce more than a table may hold.

    Rows (:data:`MAX_TABLE_ROWS`), values (:data:`MAX_CELLS`: rows x leaf columns, or the
    values of list columns) and uncompressed bytes (:data:`MAX_UNZIPPED_BYTES`) are known
    before anything is decompressed.
    """
    md = pf.metadata
    if md.num_rows > MAX_TABLE_ROWS:
        raise UnreadableFileError(
            name,
            f"has {md.num_rows:,} rows; the limit is {MAX_TABLE_ROWS:,} per table. "
            "Export a shorter period or split the file",
        )
    values = md.num_rows * md.num_columns
    if values <= MAX_CELLS and any(
        pf.schema.column(j).max_repetition_level > 0 for j in range(md.num_columns)
    ):
        # list columns: their values, not their rows, are what takes memory
        values = sum(
            md.row_group(i).column(j).num_values
            for i in range(md.num_row_groups)
            for j in range(md.num_columns)
        )
    if values > MAX_CELLS:
        raise UnreadableFileError(
            name,
            f"holds {values:,} values, more than the limit of {MAX_CELLS:,}; "
            "export fewer columns or a shorter period",
        )
    unpacked = sum(md.row_group(i).total_byte_size for i in range(md.num_row_groups))
    if unpacked > MAX_UNZIPPED_BYTES:
        raise UnreadableFileError(name, _TOO_BIG_UNPACKED)


def _decoded_bytes(arr: Any) -> int:
    """Bytes an Arrow array takes once dictionaries are decoded (without decoding them).

    Example: 1,000,000 indices into the dictionary ``["x" * 1000]`` -> about 1 GB.
    """
    t = arr.type
    if pa.types.is_dictionary(t):
        vt = t.value_type
        if not (
            pa.types.is_string(vt)
            or pa.types.is_binary(vt)
            or pa.types.is_large_string(vt)
            or pa.types.is_large_binary(vt)
        ):
            return 8 * len(arr) + int(arr.dictionary.nbytes)
        lengths = pc.binary_length(arr.dictionary)
        total = pc.sum(pc.take(lengths, arr.indices)).as_py() or 0
        return int(total) + 8 * len(arr)
    if pa.types.is_struct(t):
        return sum(_decoded_bytes(pc.struct_field(arr, [i])) for i in range(t.num_fields))
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _decoded_bytes(pc.list_flatten(arr)) + 8 * len(arr)
    return int(arr.nbytes)


_TS_FRACTION = (r"\.0+(Z|[+-]\d{4})?$", r"\1")  # "14:30:00.000+0100" -> "14:30:00+0100"
_TS_OFFSET = (r"([+-]\d{2})(\d{2})$", r"\1:\2")  # "+0100" -> "+01:00"


def _arrow_strings(name: str, arr: Any) -> list[tuple[str, Any]]:
    """An Arrow array as one or more (header, string array) pairs.

    Structs holding ``name``/``identifier``/``id`` are references and become that value
    (the first present); other structs become dotted columns (``_info.dateEntered``);
    lists are joined with ``"; "``.
    """
    t = arr.type
    if pa.types.is_dictionary(t):
        return _arrow_strings(name, arr.dictionary_decode())
    if pa.types.is_struct(t):
        fields = [t.field(i).name for i in range(t.num_fields)]
        refs = [k for k in _REF_KEYS if k in fields]
        if refs:
            # the first non-empty of name, identifier, id (as for JSON references)
            value: Any = pa.nulls(len(arr), pa.string())
            for k in refs:
                part = _arrow_strings(name, pc.struct_field(arr, [fields.index(k)]))[0][1]
                value = pc.coalesce(value, pc.if_else(pc.equal(part, ""), None, part))
            return [(name, pc.fill_null(value, ""))]
        out = []
        for i, f in enumerate(fields):
            out.extend(_arrow_strings(f"{name}.{f}", pc.struct_field(arr, [i])))
        return out
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        values = _arrow_strings(name, pc.list_flatten(arr))[0][1]
        lengths = pc.fill_null(pc.list_value_length(arr), 0).to_numpy(zero_copy_only=False)
        offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int32)
        lists = pa.ListArray.from_arrays(pa.array(offsets), values)
        return [(name, pc.fill_null(pc.binary_join(lists, "; "), ""))]
    if pa.types.is_null(t):
        return [(name, pa.array([""] * len(arr), pa.string()))]
    if pa.types.is_timestamp(t):
        s = pc.cast(arr, pa.string())
        s = pc.replace_substring_regex(s, *_TS_FRACTION)
        s = pc.replace_substring_regex(s, *_TS_OFFSET)
    elif pa.types.is_time(t):
        s = pc.replace_substring_regex(pc.cast(arr, pa.string()), r"\.0+$", "")
    elif pa.types.is_duration(t):
        per_second = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[t.unit]
        s = pc.cast(pc.divide(pc.cast(arr, pa.float64()), per_second), pa.string())
        s = pc.replace_substring_regex(s, r"\.0$", "")
    elif pa.types.is_floating(t):
        s = pc.cast(arr, pa.string())
        s = pc.if_else(pc.equal(s, "nan"), "", s)
    else:
        s = pc.cast(arr, pa.string())
    return [(name, pc.fill_null(s, ""))]
