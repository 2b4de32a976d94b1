"""Formula injection: text cells that a spreadsheet would run are neutralised."""

import pytest

from kpi.safety import safe_cell, safe_text


@pytest.mark.parametrize("text", ["=1+1", "+33 600", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_are_quoted(text: str) -> None:
    assert safe_text(text) == "'" + text


def test_plain_text_and_numbers_unchanged() -> None:
    assert safe_text("Acme") == "Acme"
    assert safe_cell(-5.5) == -5.5
    assert safe_cell(3) == 3
    assert safe_cell(None) is None
