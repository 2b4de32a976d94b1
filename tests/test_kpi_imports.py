"""kpi/ is a plain package: it never imports streamlit, and altair only in kpi/present/ (the
chart builders the app, the CLI and the client report share); the engine itself (every
other subpackage) loads neither (STYLE.md)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

KPI_DIR = Path(__file__).resolve().parent.parent / "kpi"
FORBIDDEN = ("streamlit", "altair")
#: the one subpackage that may import altair: what is shown, charts included
PRESENT = KPI_DIR / "present"


def test_no_module_of_kpi_imports_streamlit_or_altair() -> None:
    offenders = []
    files = sorted(KPI_DIR.rglob("*.py"))
    assert files, KPI_DIR
    for path in files:
        forbidden = ("streamlit",) if path.is_relative_to(PRESENT) else FORBIDDEN
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(KPI_DIR)}: {n}" for n in names if n.split(".")[0] in forbidden
            ]
    assert offenders == []


def _loaded_after_importing(skip_present: bool) -> set[str]:
    """The forbidden top-level packages loaded after importing every module of kpi (but
    kpi.present's when ``skip_present``)."""
    code = (
        "import importlib, pkgutil, sys, kpi\n"
        "for m in pkgutil.walk_packages(kpi.__path__, 'kpi.'):\n"
        "    if m.name == 'kpi.__main__':  # runs the command line\n"
        "        continue\n"
        f"    if {skip_present!r} and m.name.startswith('kpi.present'):\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = {m.split('.')[0] for m in sys.modules} & {'streamlit', 'altair'}\n"
        "print(','.join(sorted(bad)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=KPI_DIR.parent,
    )  # fmt: skip
    return set(filter(None, out.stdout.strip().split(",")))


def test_importing_every_module_of_kpi_loads_neither() -> None:
    assert _loaded_after_importing(skip_present=True) == set()


def test_importing_kpi_present_loads_altair_not_streamlit() -> None:
    assert _loaded_after_importing(skip_present=False) == {"altair"}
