"""Stage 2, load: raw text tables -> typed canonical tables -> :class:`kpi.model.LoadedData`.

Per table: recognise its dataset (:mod:`~kpi.load.recognize`), map and type its columns
(:mod:`~kpi.load.coerce`, :mod:`~kpi.load.values`); then, for all tables together
(:func:`load_files`, :mod:`~kpi.load.assemble`): rows loaded twice merged
(:mod:`~kpi.load.dedupe`, :mod:`~kpi.load.merge`), names joined (:mod:`~kpi.load.names`),
derived columns (:mod:`~kpi.load.derive`) and the reconciliation of each dataset
(:mod:`~kpi.load.reconcile`).
"""

from kpi.load.assemble import assemble, expand_inputs, load_files
from kpi.load.options import LoadOptions, Override
from kpi.load.table import TableResult, map_table, read_file

__all__ = [
    "LoadOptions",
    "Override",
    "TableResult",
    "assemble",
    "expand_inputs",
    "load_files",
    "map_table",
    "read_file",
]
