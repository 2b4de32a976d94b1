"""``python -m kpi workspace add|info`` and ``report|alerts --workspace`` (docs/CLI.md
"Workspaces"): output, the numbers equal to the inputs loaded at once, inputs merged in
memory only, the passphrase from the environment, exit status 2 with one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from workspace_helpers import PASSPHRASE, content, create, month_files

from kpi.cli import PASSPHRASE_ENV, main
from kpi.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
INSPECT_HEADER = "file,sheet,dataset,rows_read,rows_loaded,rows_merged,rows_rejected,warnings"


@pytest.fixture(autouse=True)
def passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, PASSPHRASE)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_workspace_add_creates_then_adds_and_says_what_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "ws" / "acme.duckdb"
    code, out, err = run(["workspace", "add", str(path), *map(str, jan)], capsys)
    assert code == 0, err
    assert path.is_file()
    assert out.splitlines() == [
        INSPECT_HEADER,
        "tickets.csv,,tickets,3,3,0,0,0",
        "invoices.csv,,invoices,2,2,0,0,0",
    ]
    assert "tickets: 0 rows before, 3 after: 3 new, 0 updated, 0 duplicates kept once" in err
    code, out, err = run(["workspace", "add", str(path), *map(str, feb)], capsys)
    assert code == 0, err
    # February as added: all its rows loaded (the rows it repeats win over January's)
    assert out.splitlines()[1:] == [
        "tickets.csv,,tickets,3,3,0,0,0",
        "invoices.csv,,invoices,2,2,0,0,0",
    ]
    # T4 new, T2 updated, T3 again; I3 new, I2 again
    assert "tickets: 3 rows before, 4 after: 1 new, 1 updated, 1 duplicates kept once" in err
    assert "invoices: 2 rows before, 3 after: 1 new, 0 updated, 1 duplicates kept once" in err
    assert "acme.duckdb: added 2 tables (file ids 3, 4)" in err


def test_workspace_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    ws = create(path, tz="Europe/Madrid")
    ws.add(jan)
    ws.add(feb)
    code, out, err = run(["workspace", "info", str(path)], capsys)
    assert code == 0, err
    datasets, files = out.split("\n\n")
    assert datasets.splitlines() == [
        "dataset,rows,first,last,dates_from",
        "tickets,4,2025-01-05,2025-02-10,created_at..created_at",
        "invoices,3,2025-01-31,2025-02-28,date..date",
    ]
    lines = files.splitlines()
    assert lines[0] == (
        "file_id,file,sheet,dataset,added_at,rows_read,rows_loaded,rows_merged,rows_rejected,"
        "warnings"
    )
    # counts after merging: January's T2, T3 and I2 are merged into February's rows
    assert [line.split(",")[:4] + line.split(",")[5:] for line in lines[1:]] == [
        ["1", "tickets.csv", "", "tickets", "3", "1", "2", "0", "0"],
        ["2", "invoices.csv", "", "invoices", "2", "1", "1", "0", "0"],
        ["3", "tickets.csv", "", "tickets", "3", "3", "0", "0", "0"],
        ["4", "invoices.csv", "", "invoices", "2", "2", "0", "0", "0"],
    ]
    assert "workspace format 1" in err and "time zone Europe/Madrid" in err


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample data in a workspace, added in two months' worth of files."""
    files = sorted(p for p in (ROOT / "sample_data").iterdir() if p.suffix in (".csv", ".xlsx"))
    path = tmp_path_factory.mktemp("ws") / "sample.duckdb"
    ws = create(path)
    ws.add(files[:5])
    ws.add(files[5:])
    return path


@pytest.mark.parametrize(
    "command", [["report", "--by", "client,month", "--compare", "previous"], ["alerts"]]
)
def test_a_report_from_a_workspace_equals_the_report_of_its_files(
    sample_workspace: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    code, from_files, err_files = run([*command, str(ROOT / "sample_data")], capsys)
    assert code == 0
    code, from_workspace, err = run([*command, "--workspace", str(sample_workspace)], capsys)
    assert code == 0, err
    assert from_workspace == from_files
    assert err == err_files  # the same notes
    assert len(from_files.splitlines()) > 10


def test_inputs_given_with_a_workspace_are_merged_in_memory_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jan, feb = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    create(path).add(jan)
    before = content(path)
    code, from_files, _ = run(["report", *map(str, [*jan, *feb]), "--by", "month"], capsys)
    code, mixed, err = run(
        ["report", "--workspace", str(path), *map(str, feb), "--by", "month"], capsys
    )
    assert code == 0, err
    assert mixed == from_files
    assert content(path) == before


def test_a_workspaces_settings_apply_to_its_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jan, _ = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    ws = create(path)
    ws.add(jan)
    ws.update_settings({"targets": {"tickets_resolved": 5}})
    code, out, _ = run(["report", "--workspace", str(path)], capsys)
    assert code == 0
    (row,) = [line for line in out.splitlines() if line.startswith("tickets_resolved,")]
    assert row.split(",")[-2] == "5"  # the target column


def test_a_wrong_passphrase_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    jan, _ = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    create(path)
    monkeypatch.setenv(PASSPHRASE_ENV, "not the passphrase")
    before = content(path)
    for argv in (["workspace", "add", str(path), str(jan[0])], ["workspace", "info", str(path)],
                 ["report", "--workspace", str(path)]):  # fmt: skip
        code, out, err = run(argv, capsys)
        assert (code, out) == (2, "")
        assert err == "error: acme.duckdb: wrong passphrase\n"
    assert content(path) == before


def test_without_a_passphrase_nor_a_terminal_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "acme.duckdb"
    create(path)
    env = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}
    out = subprocess.run(
        [sys.executable, "-m", "kpi", "workspace", "info", str(path)],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdin=subprocess.DEVNULL,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert out.returncode == 2
    assert out.stderr == "error: set MSPKPI_PASSPHRASE to the passphrase of acme.duckdb\n"


def test_a_file_that_cannot_be_added_adds_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jan, _ = month_files(tmp_path / "exports")
    odd = tmp_path / "odd.csv"
    odd.write_text("N,Cuenta,Abierto\n1,Acme,2025-01-05\n", encoding="utf-8")
    new = tmp_path / "new.duckdb"
    code, out, err = run(["workspace", "add", str(new), *map(str, jan), str(odd)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith("error: odd.csv: not recognised as any dataset")
    assert len(err.splitlines()) == 1
    assert not new.exists()  # a workspace being created is not left behind empty
    path = tmp_path / "acme.duckdb"
    create(path)
    before = content(path)
    code, _, err = run(["workspace", "add", str(path), *map(str, jan), str(odd)], capsys)
    assert code == 2
    assert content(path) == before


def test_the_time_zone_is_the_workspaces(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jan, _ = month_files(tmp_path / "exports")
    path = tmp_path / "acme.duckdb"
    create(path, tz="Europe/Madrid")
    for argv in (["workspace", "add", str(path), str(jan[0]), "--tz", "UTC"],
                 ["report", "--workspace", str(path), "--tz", "UTC"]):  # fmt: skip
        code, _, err = run(argv, capsys)
        assert code == 2
        assert "the workspace reads its files in Europe/Madrid" in err
    code, _, err = run(
        ["workspace", "add", str(path), str(jan[0]), "--tz", "Europe/Madrid"], capsys
    )
    assert code == 0, err
    assert Workspace.open(path, PASSPHRASE).options.tz == "Europe/Madrid"


def test_report_needs_inputs_or_a_workspace(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["report"], capsys)
    assert code == 2
    assert err == "error: give the INPUT files or folders, or --workspace PATH\n"
    code, _, err = run(["workspace", "info", "/nonexistent/acme.duckdb"], capsys)
    assert code == 2
    assert err == "error: /nonexistent/acme.duckdb: no workspace there\n"
