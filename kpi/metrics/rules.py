"""The settled numbers and words of the KPI definitions that more than one stage reads:
the engine's SQL (:mod:`kpi.query`) and the reconciliation of the loaded data
(:mod:`kpi.load.checks`).
"""

from __future__ import annotations

#: Project status words that mean completed (KPIS.md 8), compared folded: "Completádo "
#: -> "completado".
COMPLETED_WORDS = ("closed", "completed", "complete", "done", "cerrado", "completado",
                   "finalizado")  # fmt: skip

#: Days after D within which a device must have been seen to be active.
DEVICE_SEEN_DAYS = 30
#: Days without activity that make an open opportunity stale.
STALE_DAYS = 30
#: Days after as_of in which an ending contract is an upcoming renewal.
UPCOMING_DAYS = 90
#: Days after a contract's end within which a successor contract renews it.
SUCCESSOR_DAYS = 30
