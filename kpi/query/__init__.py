"""Stage 4, query: the SQL made from the KPI declarations, run on a private DuckDB."""
