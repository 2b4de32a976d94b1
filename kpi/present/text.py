"""The texts :mod:`kpi.present` writes (chart subtitles, the client report), per language.

A shim: ``t(key, lang, **kwargs)`` reads ``ui/i18n.py``'s CATALOG for now, the one text
catalog of the app; it is pointed at :mod:`kpi.texts` (the engine's own catalog, being
written) when both are merged, and nothing else in :mod:`kpi.present` names either.
"""

from __future__ import annotations

from typing import Any

from ui.i18n import CATALOG


def t(key: str, lang: str, **kwargs: Any) -> str:
    """The text of ``key`` in ``lang`` (``en`` or ``es``), formatted with ``kwargs``.

    Example:
        >>> t("ch.bars_lowest", "en", n="30", total="40")  # doctest: +SKIP
        'The 30 lowest of 40'

    Raises:
        KeyError: an unknown key.
    """
    en, es = CATALOG[key]
    text = es if lang == "es" else en
    return text.format(**kwargs) if kwargs else text
