"""The layout of kpi/ stays readable (README "Layout"): no import cycle among its modules, no
module over 650 lines, no function over 80 lines unless its docstring says why it is one
piece.

The marker is the words ``One piece`` in the function's docstring, with the reason:
``One piece: one SQL statement.`` A long SQL statement or a declaration table may stay one
function; anything else is cut into a helper per step.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

KPI_DIR = Path(__file__).resolve().parent.parent / "kpi"
MAX_MODULE_LINES = 650
MAX_FUNCTION_LINES = 80
ONE_PIECE = "one piece"


def module_name(path: Path) -> str:
    """``kpi/load/values/dates.py`` -> ``kpi.load.values.dates``; a package's
    ``__init__.py`` is the package."""
    parts = list(path.relative_to(KPI_DIR.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    """Module -> the modules of ``sources`` it imports, from every import statement
    anywhere in it (at module level, in a function, under ``if TYPE_CHECKING``).

    ``from a.b import c`` imports the module ``a.b.c`` when there is one, else names of
    ``a.b``. Importing ``a.b.c`` also runs the packages ``a`` and ``a.b`` first, but a
    package's ``__init__`` only gathers names of its own modules: only a module that names
    a package in its import depends on what that package imports.
    """
    graph: dict[str, set[str]] = {name: set() for name in sources}
    for name, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [
                    f"{node.module}.{a.name}" if f"{node.module}.{a.name}" in sources
                    else node.module
                    for a in node.names
                ]  # fmt: skip
            graph[name].update(t for t in targets if t in sources and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles of ``graph``: its strongly connected components of more than one
    module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def kpi_sources() -> dict[str, str]:
    return {module_name(p): p.read_text(encoding="utf-8") for p in KPI_DIR.rglob("*.py")}


def functions(text: str) -> Iterator[tuple[str, int, int, str]]:
    """(name, first line, lines, docstring) of every function and method of a module,
    nested ones too; a function's lines run from its ``def`` to its last line."""
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            assert node.end_lineno is not None
            lines = node.end_lineno - node.lineno + 1
            yield node.name, node.lineno, lines, ast.get_docstring(node) or ""


def too_long(text: str) -> list[str]:
    """The functions of a module over :data:`MAX_FUNCTION_LINES` whose docstring does not
    say they are one piece, as ``name (line N): lines``."""
    return [
        f"{name} (line {line}): {lines}"
        for name, line, lines, doc in functions(text)
        if lines > MAX_FUNCTION_LINES and ONE_PIECE not in doc.lower()
    ]


def test_the_checks_see_a_cycle_and_a_long_function() -> None:
    sources = {
        "kpi.a": "from kpi.b import x\n",
        "kpi.b": "def f():\n    from kpi import c\n",
        "kpi.c": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kpi.a import y\n",
        "kpi.d": "import kpi.a\nfrom kpi import e\n",
        "kpi": "from kpi.d import z\n",
        "kpi.e": "",
    }
    graph = import_graph(sources)
    # "from kpi import e" imports the module kpi.e, not the package kpi (which imports kpi.d)
    assert graph["kpi.d"] == {"kpi.a", "kpi.e"}
    assert graph["kpi.b"] == {"kpi.c"}
    assert cycles(graph) == [["kpi.a", "kpi.b", "kpi.c"]]
    assert cycles({"kpi.a": {"kpi.b"}, "kpi.b": set()}) == []
    body = "".join(f"    x = {i}\n" for i in range(MAX_FUNCTION_LINES))
    long = f'def f():\n    """Steps."""\n{body}'
    marked = f'def g():\n    """One piece: one SQL statement."""\n{body}'
    assert too_long(long + marked) == [f"f (line 1): {MAX_FUNCTION_LINES + 2}"]


def test_no_import_cycle_among_kpi_modules() -> None:
    graph = import_graph(kpi_sources())
    assert len(graph) > 40 and graph["kpi.report.engine"], "the graph holds the modules"
    assert cycles(graph) == []


def test_no_kpi_module_is_too_long() -> None:
    long = {
        str(p.relative_to(KPI_DIR.parent)): n
        for p in KPI_DIR.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_kpi_function_is_too_long_without_saying_why() -> None:
    long = {
        str(p.relative_to(KPI_DIR.parent)): found
        for p in sorted(KPI_DIR.rglob("*.py"))
        if (found := too_long(p.read_text(encoding="utf-8")))
    }
    assert long == {}
