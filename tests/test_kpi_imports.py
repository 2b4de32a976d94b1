"""kpi/ is a plain package: it never imports streamlit or altair (STYLE.md). The charts are
ui/charts.py's; the client report takes them drawn (ui/report_charts.py), and the one
command that needs them, ``client-report``, imports them when it runs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

KPI_DIR = Path(__file__).resolve().parent.parent / "kpi"
FORBIDDEN = ("streamlit", "altair")


def test_no_module_of_kpi_imports_streamlit_or_altair() -> None:
    offenders = []
    files = sorted(KPI_DIR.rglob("*.py"))
    assert files, KPI_DIR
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(KPI_DIR)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN
            ]
    assert offenders == []


def test_importing_every_module_of_kpi_loads_neither() -> None:
    code = (
        "import importlib, pkgutil, sys, kpi\n"
        "for m in pkgutil.walk_packages(kpi.__path__, 'kpi.'):\n"
        "    if m.name == 'kpi.__main__':  # runs the command line\n"
        "        continue\n"
        "    importlib.import_module(m.name)\n"
        "bad = {m.split('.')[0] for m in sys.modules} & {'streamlit', 'altair'}\n"
        "print(','.join(sorted(bad)))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=KPI_DIR.parent,
    )  # fmt: skip
    assert set(filter(None, out.stdout.strip().split(","))) == set()


def test_a_report_from_the_command_line_loads_neither() -> None:
    # only client-report draws charts; a report never loads Altair or Streamlit
    code = (
        "import sys, contextlib, io\n"
        "from kpi.cli import main\n"
        "out, err = io.StringIO(), io.StringIO()\n"
        "with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):\n"
        "    main(['report', 'sample_data'])\n"
        "print(','.join(sorted({m.split('.')[0] for m in sys.modules} & {'streamlit', 'altair'})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        cwd=KPI_DIR.parent,
    )  # fmt: skip
    assert out.stdout.strip() == ""
