"""The schema declarations are consistent, and documented."""

from pathlib import Path

from kpi.load.recognize import _alias_index
from kpi.schema import DATASETS, KINDS, fold_header

ROOT = Path(__file__).resolve().parent.parent


def test_kinds_and_required_columns_are_declared() -> None:
    for ds in DATASETS.values():
        assert ds.required, ds.name
        for col in ds.columns:
            assert col.kind in KINDS, (ds.name, col.name)
            assert col.derived or col.aliases[0].header == col.name
            assert not (col.derived and col.required)


def test_fold_header_examples() -> None:
    assert fold_header("Fecha de cierre") == fold_header("fecha_de_cierre") == "fechadecierre"
    assert fold_header("  Date Entered ") == fold_header("dateEntered") == "dateentered"
    assert fold_header("% Complete") != fold_header("Complete")


def test_headers_that_look_canonical_are_not_aliases() -> None:
    # docs/DETAILS.md 35: live state, SLA stage, a user name, totals with tax
    devices = _alias_index("devices")
    assert fold_header("offline") not in devices
    tickets = _alias_index("tickets")
    assert fold_header("escalationLevel") not in tickets
    assert fold_header("lastLoginName") not in devices
    invoices = _alias_index("invoices")
    assert fold_header("Total") not in invoices


def test_every_dataset_and_column_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for ds in DATASETS.values():
        assert f"| {ds.name} |" in readme, ds.name


def test_every_kpi_id_and_canonical_column_is_in_the_readme() -> None:
    from kpi.metrics import KPIS

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for k in KPIS:
        assert f"`{k.id}`" in readme, k.id
    for ds in DATASETS.values():
        rows = [line for line in readme.splitlines() if line.startswith(f"| {ds.name} | ")]
        assert any(all(c.name in row for c in ds.columns) for row in rows), ds.name
