"""Stage 1, read: the bytes of a file -> raw text tables (:class:`RawTable`).

:func:`read_bytes` (:mod:`kpi.read.files`) chooses the reader by the file's content:
delimited text (:mod:`~kpi.read.encoding`, :mod:`~kpi.read.delimited`), workbooks
(:mod:`~kpi.read.workbook`), Parquet, JSON; every reader ends with the same rules for the
rows that are not data (:mod:`~kpi.read.rows`).
"""

from kpi.read.files import SUPPORTED_EXTENSIONS, read_bytes, read_path
from kpi.read.raw import RawTable, per_column

__all__ = ["SUPPORTED_EXTENSIONS", "RawTable", "per_column", "read_bytes", "read_path"]
