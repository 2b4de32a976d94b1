"""Stage 3, metrics: the KPI declarations (data) and their targets."""
