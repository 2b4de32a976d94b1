"""Every text shown to people, one catalog per language: the app's, the engine's, the CLI's.

Each language is one TOML file of flat ``"key" = "text"`` lines, in sections by who shows
them: ``kpi/texts/en.toml`` and ``kpi/texts/es.toml``, read once at import. A text may have
``{placeholders}``, filled in by :func:`t` (``t("sb.as_of", "es", date="31/10/2026")`` ->
``A fecha de 31/10/2026``). TOML rather than Python modules: a catalog is data a translator
edits without knowing Python, it is read by the standard library (``tomllib``), and at about
a thousand texts it is longer than a module may be (tests/test_layout.py). Keys are written
in quotes: a bare ``app.title = ...`` would make a table ``app``, which the loader refuses.

Keys are namespaced by who shows them:

* the app: ``app.*``, ``page.*``, ``sb.*``, ``common.*``, ``fmt.*`` and a prefix per page
  (``ov.*``, ``dt.*``, ``df.*``...), read through :func:`ui.i18n.t`;
* the declarations: ``kpi.<id>.label``, ``kpi.<id>.desc`` (the definition ``explain`` shows),
  ``kpi.<id>.numerator`` and, for a ratio or a mean, ``kpi.<id>.denominator`` (what they
  count, in words), ``kpi.<id>.rows`` for a money KPI with ``known`` rows;
  ``dataset.<name>`` (a dataset's title) and ``dataset.<name>.words`` (its name in a sentence);
* the engine and the CLI: ``load.*``, ``metrics.*``, ``query.*``, ``report.*``, ``cli.*``;
  ``load.msg.*`` are the English texts reading and loading write (a row's problem, a
  column's note, why a file or preset is refused), which :mod:`kpi.texts.messages` shows
  in another language.

A key ending in ``.one`` is the singular of the key without it, where some language's
differs (``load.check.tickets.open.one``: ``{n} abierto``); :func:`has` tells whether there
is one. (Alert messages are in :mod:`kpi.report.alerts` until its rules name message keys.)

A test (tests/test_texts.py) fails when a language lacks a key another has, when their
``{placeholders}`` differ, when a declared KPI, dataset or check-the-numbers line has no
text, or when the engine names a key no catalog has.

**A new KPI**: declare it in its family's module of :mod:`kpi.metrics` (no texts there), and
add its ``kpi.<id>.*`` keys to the "KPIs" section of every language file (the test names
any that is missing).

**A new language**: copy ``en.toml`` to ``<code>.toml`` (``fr.toml``), translate every text
(keep the keys and the ``{placeholders}``), and add the code and its name to :data:`LANGS`
and :data:`LANG_NAMES` (the CLI's ``--lang`` choices are :data:`LANGS`). Number and date
formats are not texts: they are chosen per language where numbers are written (the babel
locales of ``ui/fmt.py`` and ``kpi.load.summary``, the separators of ``kpi.cli``,
``kpi.report.frame`` and ``kpi.query.money``), and the reading of ambiguous dates and
numbers by ``kpi.load.values``; a new language is added there too.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

#: The languages, the first one the default.
LANGS: tuple[str, ...] = ("en", "es")
#: Each language's name in itself, for the language switch.
LANG_NAMES: dict[str, str] = {"en": "English", "es": "Español"}


def load_catalog(path: Path) -> dict[str, str]:
    """The texts of one language file, key -> text, in the file's order.

    Raises:
        ValueError: a key whose value is not a text (a table from an unquoted dotted key,
            ``app.title = ...``, or a number).
    """
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    wrong = [key for key, text in data.items() if not isinstance(text, str)]
    if wrong:
        raise ValueError(f"{path.name}: not a text (write each key in quotes): {wrong}")
    return data


#: language -> its catalog (key -> text)
CATALOGS: dict[str, dict[str, str]] = {
    lang: load_catalog(Path(__file__).with_name(f"{lang}.toml")) for lang in LANGS
}


def t(key: str, lang: str = "en", **kwargs: Any) -> str:
    """The text of ``key`` in ``lang``, its ``{placeholders}`` filled in from ``kwargs``.

    Without ``kwargs`` the text is returned as written (placeholders and all).

    Example:
        >>> t("sb.as_of", "es", date="2026-10-31")
        'A fecha de 2026-10-31'

    Raises:
        KeyError: an unknown key (a typo, or a text not added to the catalogs yet).
        ValueError: an unknown language.
    """
    try:
        catalog = CATALOGS[lang]
    except KeyError:
        raise ValueError(
            f"unknown language {lang!r}: the languages are {', '.join(LANGS)}"
        ) from None
    try:
        text = catalog[key]
    except KeyError:
        raise KeyError(
            f"unknown text key {key!r}: kpi/texts/{lang}.toml has no such key "
            "(a typo, or a text not added to every language file)"
        ) from None
    return text.format(**kwargs) if kwargs else text


def has(key: str) -> bool:
    """True when ``key`` has a text (an optional one: ``load.check.tickets.open.one``, the
    singular where a language's differs). Every language has the same keys (a test)."""
    return key in CATALOGS[LANGS[0]]
