"""ui/ and pages/ never write SQL (issue 19, item 3): every query is the engine's (the KPI
reports, explanations, alerts and the breakdowns of :mod:`kpi.query.breakdowns`), and the
app reaches DuckDB only through it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_FILES = [
    ROOT / "app.py",
    *sorted((ROOT / "ui").glob("*.py")),
    *sorted((ROOT / "pages").glob("*.py")),
]

# SQL as written in this project: upper-case keywords. Examples: "SELECT grp FROM t",
# "... GROUP BY ALL", "WHERE x", "CREATE TABLE t AS"; not "select a client" or "Group by".
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\b(?:GROUP|ORDER) BY\b|\bWHERE\b|\bJOIN\b|\bUNION ALL\b"
    r"|\b(?:CREATE|DROP|ALTER) (?:OR REPLACE )?(?:TABLE|VIEW)\b|\bINSERT INTO\b|\bWITH \w+ AS\b"
)
#: what runs SQL: a DuckDB connection's methods and the engine's raw query
RUNS_SQL = frozenset({"sql", "execute", "executemany", "query", "extract_statements"})


def sql_in(source: str) -> list[str]:
    """The string literals of a module that look like SQL (the literal pieces of an
    f-string too), the imports of duckdb and the calls of a method that runs SQL, as
    ``line: text``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and SQL.search(node.value)
        ):
            found.append(f"{node.lineno}: {node.value[:60]!r}")
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module]
            found += [f"{node.lineno}: import {n}" for n in names if n and n.startswith("duckdb")]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in RUNS_SQL
        ):
            found.append(f"{node.lineno}: .{node.func.attr}(...)")
    return found


def test_the_check_sees_sql() -> None:
    assert sql_in('q = "SELECT a FROM t"')
    assert sql_in('q = f"SELECT a FROM {table} WHERE x"')  # an f-string's pieces
    assert sql_in('q = ("SELECT a, b"\n     " FROM t")')  # implicit concatenation: one literal
    assert sql_in("q = 'x GROUP BY ALL'")
    assert sql_in("import duckdb")
    assert sql_in("engine.core.query(text, {})")
    assert sql_in("con.execute(x)")
    # texts for people are not SQL
    assert not sql_in('t = "Select a client. Where is it? Group by month, order by name"')
    assert not sql_in('t = "SQL run for this number"')
    assert not sql_in("st.selectbox('x', ['a'])")


def test_ui_and_pages_write_no_sql() -> None:
    assert len(APP_FILES) > 20
    found = {
        str(p.relative_to(ROOT)): hits
        for p in APP_FILES
        if (hits := sql_in(p.read_text(encoding="utf-8")))
    }
    assert found == {}
