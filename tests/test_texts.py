"""The text catalogs (kpi/texts): every language has every key, each text non-empty and with
the same ``{placeholders}`` as in English; :func:`kpi.texts.t` fills them in and names an
unknown key or language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kpi.load.checks import CHECKS
from kpi.metrics import KPIS, get
from kpi.schema import DATASETS
from kpi.texts import CATALOGS, LANG_NAMES, LANGS, load_catalog, t

ALL_KEYS = sorted(set().union(*CATALOGS.values()))
KPI = Path(__file__).resolve().parent.parent / "kpi"
# a key written as a literal in a call of t, or chosen by a conditional expression:
# t("report.labor_without_cost", ...), "load.summary.rows.one" if n == 1 else "load.summary.rows"
_KEY = r"""["']((?:kpi|dataset|load|query|report|metrics|cli)\.[a-z0-9_.]+)["']"""
LITERAL_KEY = re.compile(rf"(?:\bt\(\s*|\belse\s+){_KEY}|{_KEY}\s+if\b")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_language_has_a_catalog_and_a_name() -> None:
    assert LANGS[0] == "en"
    assert set(CATALOGS) == set(LANGS) == set(LANG_NAMES)


@pytest.mark.parametrize("key", ALL_KEYS)
def test_every_language_with_the_same_placeholders(key: str) -> None:
    missing = [lang for lang in LANGS if key not in CATALOGS[lang]]
    assert not missing, f"{key} has no text in {missing}"
    for lang in LANGS:
        assert CATALOGS[lang][key].strip(), f"{key} is empty in {lang}"
        assert _fields(CATALOGS[lang][key]) == _fields(CATALOGS["en"][key]), (key, lang)


def test_t_fills_in_the_placeholders() -> None:
    assert t("sb.as_of", "en", date="2026-10-31") == "As of 2026-10-31"
    assert t("sb.as_of", "es", date="2026-10-31") == "A fecha de 2026-10-31"
    # without arguments the text is as written
    assert t("sb.as_of", "en") == "As of {date}"


def test_an_unknown_key_or_language_is_named() -> None:
    with pytest.raises(KeyError, match=r"sb\.as_off"):
        t("sb.as_off", "en")
    with pytest.raises(ValueError, match="'fr'"):
        t("sb.as_of", "fr")


def test_a_key_that_is_not_a_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xx.toml"
    path.write_text('"app.title" = "MSP KPIs"\npage.data = "Data"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'page'"):
        load_catalog(path)


# --------------------------------------------------------------------------- declarations


def test_every_declared_kpi_has_its_texts_and_no_other_kpi_has() -> None:
    declared = {key for k in KPIS for key in k.text_keys()}
    for lang in LANGS:
        in_catalog = {key for key in CATALOGS[lang] if key.startswith("kpi.")}
        assert sorted(declared - in_catalog) == [], f"KPI texts missing in {lang}"
        assert sorted(in_catalog - declared) == [], f"texts of no declared KPI in {lang}"


def test_a_kpi_reads_its_texts_from_the_catalog() -> None:
    k = get("fcr_rate")
    assert k.label("en") == t("kpi.fcr_rate.label", "en") and k.label("es") != k.label("en")
    assert k.denominator_words("es") == t("kpi.fcr_rate.denominator", "es")
    assert get("tickets_opened").denominator_words("en") is None
    assert get("tickets_opened").rows_word("en") is None
    assert get("pipeline_amount").rows_word("es") == t("kpi.pipeline_amount.rows", "es")


def test_every_dataset_has_its_texts() -> None:
    for name, ds in DATASETS.items():
        for lang in LANGS:
            assert f"dataset.{name}" in CATALOGS[lang] and f"dataset.{name}.words" in CATALOGS[lang]
        assert ds.label("es") == t(f"dataset.{name}", "es")
    assert DATASETS["time_entries"].words("en") == "time entries"
    assert DATASETS["time_entries"].words("es") == "partes de horas"


def test_every_check_line_has_its_texts_and_no_other_has() -> None:
    declared = set()
    for name, check in CHECKS.items():
        declared |= {f"load.check.{name}.noun", f"load.check.{name}.noun.one"}
        declared |= {f"load.check.{name}.{u.key}" for u in check.used}
    for lang in LANGS:
        in_catalog = {k for k in CATALOGS[lang] if k.startswith("load.check.")}
        assert sorted(declared - in_catalog) == [], f"missing in {lang}"
        # the rest are the singulars of declared lines
        assert (
            sorted(k for k in in_catalog - declared if k.removesuffix(".one") not in declared) == []
        )


def test_every_reason_code_has_its_sentence() -> None:
    codes = set(re.findall(r'_reason\(\s*"([a-z_]+)"', (KPI / "load" / "recognize.py").read_text()))
    codes |= set(re.findall(r'Reason\(\s*"([a-z_]+)"', (KPI / "load" / "recognize.py").read_text()))
    assert len(codes) > 5, "the scan found the reasons"
    for lang in LANGS:
        assert (
            sorted(f"load.reason.{c}" for c in codes if f"load.reason.{c}" not in CATALOGS[lang])
            == []
        )


def test_every_literal_key_used_by_the_engine_exists() -> None:
    # t("key" ...) / texts.t("key" ...), and a key chosen by a conditional expression
    # (t("load.held.how_cli" if cli else "load.held.how", ...))
    used = set()
    for path in KPI.rglob("*.py"):
        found = LITERAL_KEY.findall(path.read_text(encoding="utf-8"))
        used |= {key for pair in found for key in pair if key}
    assert len(used) > 30, "the scan found the keys"
    for lang in LANGS:
        assert sorted(used - set(CATALOGS[lang])) == [], lang
