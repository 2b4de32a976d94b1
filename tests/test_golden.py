"""Golden report and alert lists of the sample data (``--by client,month``; ``alerts`` in
English and Spanish).

The golden file is produced by the code, never edited by hand: after a deliberate change
to a KPI or to the sample data, regenerate it with

    .venv/bin/python -m pytest tests/test_golden.py --update-golden

and review the diff like any other change.
"""

from pathlib import Path

import pytest

from kpi.cli import main

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "sample_report_client_month.csv"
GOLDEN_ALERTS = ROOT / "tests" / "golden" / "sample_alerts_{lang}.csv"


def test_sample_report_by_client_month_matches_golden(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    out = tmp_path / "report.csv"
    status = main(["report", str(ROOT / "sample_data"), "--by", "client,month", "--out", str(out)])
    assert status == 0
    produced = out.read_text(encoding="utf-8")
    if request.config.getoption("--update-golden"):
        GOLDEN.write_text(produced, encoding="utf-8")
    expected = GOLDEN.read_text(encoding="utf-8")
    assert produced.splitlines()[0] == (
        "kpi,client,period,value,numerator,denominator,unit,target,status"
    )
    # compare line by line so a failure shows the first differing rows
    diff = [
        (i, e, p)
        for i, (e, p) in enumerate(zip(expected.splitlines(), produced.splitlines(), strict=False))
        if e != p
    ]
    assert not diff[:5], diff[:5]
    assert len(produced.splitlines()) == len(expected.splitlines())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_sample_alerts_match_golden(
    request: pytest.FixtureRequest, tmp_path: Path, lang: str
) -> None:
    # the alert list of the sample data: its rules, order, values, estimates and messages
    out = tmp_path / "alerts.csv"
    status = main(["alerts", str(ROOT / "sample_data"), "--lang", lang, "--out", str(out)])
    assert status == 0
    produced = out.read_text(encoding="utf-8")
    golden = Path(str(GOLDEN_ALERTS).format(lang=lang))
    if request.config.getoption("--update-golden"):
        golden.write_text(produced, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    assert produced.splitlines() == expected.splitlines()
    assert len(produced.splitlines()) > 10  # the sample data has alerts of most rules
