"""The app's texts: every key a page uses exists; the language from the browser.

The catalogs themselves (every language has every key, with the same placeholders) are
checked in tests/test_texts.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpi.texts import CATALOGS
from ui.i18n import LANGS, lang_from_locale, t, tn

ROOT = Path(__file__).resolve().parent.parent
# t("key" ...) and t('key' ...) with a literal key
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
#: the keys of the catalogs (every language has the same: tests/test_texts.py)
CATALOG = CATALOGS["en"]


def test_every_literal_key_used_by_the_app_exists() -> None:
    sources = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]
    used = {k for p in sources for k in LITERAL_KEY.findall(p.read_text(encoding="utf-8"))}
    assert used, "the scan found no keys: the regex is wrong"
    assert sorted(used - set(CATALOG)) == []


@pytest.mark.parametrize(
    "prefix, names",
    [
        ("period.", ["month_to_date", "last_month", "this_quarter", "last_quarter", "ytd",
                     "last_12_months", "all_data", "custom"]),
        ("compare.", ["none", "previous", "year"]),
        ("status.", ["ok", "warn", "bad", "none"]),
        ("dt.sev.", ["rejected", "warning", "skipped", "info"]),
        ("dt.read_lang.", ["en", "es"]),
        ("dt.day_first.", ["auto", "true", "false"]),
        ("dir.", ["higher", "lower", "band"]),
    ],
)  # fmt: skip
def test_keys_built_at_run_time_exist(prefix: str, names: list[str]) -> None:
    for name in names:
        assert prefix + name in CATALOG


def test_translation_and_placeholders() -> None:
    assert t("ov.alerts_link", "en", n=3) == "3 alerts to review"
    assert t("ov.alerts_link", "es", n=3) == "3 alertas por revisar"
    # outside a Streamlit session the language is English
    assert t("page.data") == "Data"


@pytest.mark.parametrize(
    "locale, lang",
    [("es-ES", "es"), ("es", "es"), ("es-419", "es"), ("ES_mx", "es"), ("en-GB", "en"),
     ("de-DE", "en"), ("", "en"), (None, "en")],
)  # fmt: skip
def test_language_from_the_browser_locale(locale: str | None, lang: str) -> None:
    assert lang_from_locale(locale) == lang
    assert lang in LANGS


@pytest.mark.parametrize(
    "n, en, es",
    [(1, "1 alert to review", "1 alerta por revisar"),
     (0, "0 alerts to review", "0 alertas por revisar"),
     (2, "2 alerts to review", "2 alertas por revisar"),
     (1250, "1,250 alerts to review", "1.250 alertas por revisar")],
)  # fmt: skip
def test_plural_forms_follow_the_count(n: int, en: str, es: str) -> None:
    assert tn("ov.alerts_link", n, "en") == en
    assert tn("ov.alerts_link", n, "es") == es


def test_every_singular_has_its_plural() -> None:
    # kpi/texts: "key.one" is the singular of "key" (ui.i18n.tn picks it for 1)
    ones = [k for k in CATALOG if k.endswith(".one")]
    assert "ov.alerts_link.one" in ones and "ov.health_without.one" in ones
    for key in ones:
        assert key.removesuffix(".one") in CATALOG, key
