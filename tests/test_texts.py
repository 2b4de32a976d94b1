"""The text catalogs (kpi/texts): every language has every key, each text non-empty and with
the same ``{placeholders}`` as in English; :func:`kpi.texts.t` fills them in and names an
unknown key or language."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from kpi.metrics import KPIS, get
from kpi.schema import DATASETS
from kpi.texts import CATALOGS, LANG_NAMES, LANGS, load_catalog, t

ALL_KEYS = sorted(set().union(*CATALOGS.values()))


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
