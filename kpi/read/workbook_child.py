"""The workbook reader's child process: the sheets of a workbook as Arrow record batches.

:func:`kpi.read.workbook._open_workbook` runs this file as a script (``python -I
kpi/read/workbook_child.py ARGS``, the workbook's bytes on stdin) with a memory and a time
limit: the reader (calamine, in Rust) aborts the whole process when a sheet asks for more
memory than there is, and in the child only the child stops (see :mod:`kpi.read.workbook`).
It imports nothing of :mod:`kpi` (in isolated mode the child has no package on its path):
the standard library, pyarrow and fastexcel only.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pyarrow as pa

#: exit status of the child when Python itself ran out of memory
EXIT_NO_MEMORY = 3


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return text.splitlines()[0] if text else type(e).__name__


def read_sheets(
    data: bytes, sheet: str | None, n_rows: int | None
) -> tuple[dict[str, Any], list[Any]]:
    """The fastexcel part of reading a workbook: what the child process runs (and the
    parent, where no child process can start).

    Returns ``meta`` (``error``: why the workbook cannot be opened; ``sheet_names``; per
    sheet read: ``name``, ``error``) and per sheet a record batch of string cells, None for
    a hidden or empty sheet.
    """
    import fastexcel  # imported once the child's memory limit holds

    try:
        reader = fastexcel.read_excel(data)
        names = list(reader.sheet_names)
    except fastexcel.FastExcelError as e:
        return {"error": _first_line(e)}, []
    meta: dict[str, Any] = {"error": None, "sheet_names": names, "sheets": []}
    batches: list[Any] = []
    if sheet is not None and sheet not in names:
        return meta, batches
    for sname in [sheet] if sheet is not None else names:
        info: dict[str, Any] = {"name": sname, "error": None}
        meta["sheets"].append(info)
        batch = None
        try:
            xs = reader.load_sheet(
                sname,
                header_row=None,
                skip_rows=0,  # keep leading empty rows: row numbers stay the sheet's
                dtypes="string",
                n_rows=n_rows,
            )
            if (sheet is not None or xs.visible == "visible") and xs.height and xs.width:
                batch = xs.to_arrow()
        except fastexcel.FastExcelError as e:
            info["error"] = _first_line(e)
            batches.append(None)
            break
        batches.append(batch)
    return meta, batches


def main() -> None:
    """Entry point of the child process: args in argv[1] (JSON), the file on stdin; writes
    one JSON line and then one Arrow IPC stream per batch (lengths in the JSON)."""
    args = json.loads(sys.argv[1])
    data = sys.stdin.buffer.read()
    try:
        import resource

        with open("/proc/self/statm") as fh:  # address space in use, in pages
            used = int(fh.read().split()[0]) * resource.getpagesize()
        limit = used + int(args["memory"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, OSError, ValueError):
        pass  # not Linux: no limit (the time limit still holds)
    try:
        meta, batches = read_sheets(data, args["sheet"], args["n_rows"])
        blobs = []
        for batch in batches:
            if batch is None:
                blobs.append(b"")
                continue
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            blobs.append(sink.getvalue().to_pybytes())
    except MemoryError:
        sys.exit(EXIT_NO_MEMORY)
    except BaseException as e:  # a Rust panic arrives as pyo3's PanicException
        meta, blobs = {"error": f"internal reader error: {str(e).strip()[:200]}"}, []
    meta["sizes"] = [len(b) for b in blobs]
    out = sys.stdout.buffer
    out.write(json.dumps(meta).encode() + b"\n")
    for blob in blobs:
        out.write(blob)
    out.flush()


if __name__ == "__main__":
    main()
