"""The app's language: chosen once per session from the browser (``st.context.locale``,
``es-ES`` -> ``es``), switchable in the sidebar; and :func:`t`, the texts in it.

Pages never write literal text: they call :func:`t` with a key of the catalogs in
:mod:`kpi.texts` (one per language, shared with the engine and the CLI). KPI and dataset
labels are there too (``kpi.<id>.label``, ``dataset.<name>``), read through their
declarations (``kpi.metrics``, ``kpi.schema``).
"""

from __future__ import annotations

from typing import Any

from kpi import texts
from kpi.texts import LANG_NAMES, LANGS

__all__ = [
    "DATE_INPUT_FORMATS",
    "LANGS",
    "LANG_NAMES",
    "current_lang",
    "lang_from_locale",
    "t",
    "tn",
]

#: how a date picker (``st.date_input(format=...)``) writes dates in each language: as
#: :data:`kpi.present.fmt.DATE_DIGITS` (an alert's "ends on 31/03/2026")
DATE_INPUT_FORMATS: dict[str, str] = {"en": "YYYY-MM-DD", "es": "DD/MM/YYYY"}


def t(key: str, lang: str | None = None, **kwargs: Any) -> str:
    """The text of ``key`` in ``lang`` (default: the session's language): :func:`kpi.texts.t`.

    Raises:
        KeyError: an unknown key (a typo in a page shows up in the page tests).
    """
    return texts.t(key, lang or current_lang(), **kwargs)


def tn(key: str, n: float, lang: str | None = None, **kwargs: Any) -> str:
    """``key`` for a count ``n``, with ``{n}`` in the language's digits: the singular
    ``key.one`` when ``n`` is 1 and the catalog has one (:func:`kpi.texts.has`), else
    ``key``: ``1 alert to review``, ``1.250 alertas por revisar``.

    English and Spanish have two forms (CLDR's ``one`` for exactly 1, ``other``).
    """
    from kpi.present import fmt

    lang = lang or current_lang()
    form = f"{key}.one" if n == 1 and texts.has(f"{key}.one") else key
    return t(form, lang, n=fmt.number(n, lang, 0 if n == int(n) else 1), **kwargs)


def current_lang() -> str:
    """The session's language; ``en`` outside a Streamlit session (tests, scripts)."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx() is None:
        return "en"
    lang = st.session_state.get("lang")
    return lang if lang in LANGS else "en"


def lang_from_locale(locale: str | None) -> str:
    """The app language for a browser locale: ``es-ES``/``es-419``/``es`` -> ``es``.

    Examples:
        >>> lang_from_locale("es-MX")
        'es'
        >>> lang_from_locale("de-DE")
        'en'
        >>> lang_from_locale(None)
        'en'
    """
    if not locale:
        return "en"
    base = locale.replace("_", "-").split("-")[0].lower()
    return base if base in LANGS else "en"
