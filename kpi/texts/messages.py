"""The engine's messages about files and rows, shown in the reader's language.

Reading and loading (:mod:`kpi.read`, :mod:`kpi.load`) write a row's problem, a column's
reading note and why a table is not recognised in English: that is how problems.csv, the
CLI's ``inspect --problems`` and a saved workspace keep them (a workspace stores the texts
of its problems, so a keyed form would not reach the ones saved before). Every such text
is a catalog entry (``load.msg.*``, ``load.reason.*``, ``load.held*``): :func:`translate`
recognises the English text by its entry and writes the same entry in another language,
with the values it carried (``blank row`` -> ``fila en blanco``; ``not a date (expected
mm/dd/yyyy); left empty`` -> ``no es una fecha (se esperaba mm/dd/yyyy); se deja vacío``).

A value named ``why``, ``note``, ``mode``, ``no_date``, ``lacks``, ``how`` or ``what`` is a
message too, translated in turn; a text that is several messages joined by ``"; "`` (the reasons
of a table held for confirmation) is translated part by part. A text no entry matches is
returned as written (a message a test has not seen yet stays readable, in English).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from kpi.texts import CATALOGS, LANGS, t

#: the catalog entries that are engine messages, by key prefix
PREFIXES = ("load.msg.", "load.reason.", "load.held")
#: placeholders whose value is itself a message
NESTED = frozenset({"why", "note", "mode", "no_date", "lacks", "how", "what"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def message_keys() -> list[str]:
    """The keys of the engine's messages, most specific first (the most fixed text):
    ``has more than {count} fields`` is tried before ``has {count} fields``."""
    english = CATALOGS[LANGS[0]]
    keys = [k for k in english if k.startswith(PREFIXES)]
    return sorted(keys, key=lambda k: -len(_PLACEHOLDER.sub("", english[k])))


def _pattern(i: int, template: str) -> str:
    """One entry as a regex alternative named ``m<i>``, its placeholders as groups
    ``m<i>_<name>`` (a name seen twice must repeat the same value). A message value may
    hold anything; another value holds no ``;`` (``a lacks x; b lacks y`` is two
    messages, not one value)."""
    out, seen, at = [], set(), 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(re.escape(template[at : m.start()]))
        name = m.group(1)
        if name in seen:
            out.append(f"(?P=m{i}_{name})")
        else:
            seen.add(name)
            body = ".+?" if name in NESTED else "[^;]*?"
            out.append(f"(?P<m{i}_{name}>{body})")
        at = m.end()
    out.append(re.escape(template[at:]))
    return f"(?P<m{i}>{''.join(out)})"


@cache
def _matcher() -> tuple[re.Pattern[str], list[str]]:
    """All the English entries as one regex (alternatives in :func:`message_keys` order),
    and the key of each alternative."""
    keys = message_keys()
    english = CATALOGS[LANGS[0]]
    body = "|".join(_pattern(i, english[k]) for i, k in enumerate(keys))
    return re.compile(body, re.DOTALL), keys


def _one(text: str, lang: str) -> str | None:
    """``text`` in ``lang`` when it is one message (None when no entry matches)."""
    pattern, keys = _matcher()
    m = pattern.fullmatch(text)
    if m is None or m.lastgroup is None:
        return None
    i = int(m.lastgroup[1:])
    prefix = f"m{i}_"
    values = {
        name[len(prefix) :]: value
        for name, value in m.groupdict().items()
        if name.startswith(prefix) and value is not None
    }
    for name, value in values.items():
        if name in NESTED:
            values[name] = translate(value, lang)
    # the text as written, then filled in (a placeholder may be called ``key``); a
    # singular (``<key>.one``) matched its own entry, the same one in ``lang``
    return t(keys[i], lang).format(**values)


def translate(text: str, lang: str) -> str:
    """An engine message written in English, in ``lang``.

    Example:
        >>> translate("not a date (expected mm/dd/yyyy); left empty", "es")
        'no es una fecha (se esperaba mm/dd/yyyy); se deja vacío'
        >>> translate("merged into a later row of ticket T1 (event log)", "es")
        'unida a una fila posterior del ticket T1 (registro de eventos)'
        >>> translate("no rule says this", "es")
        'no rule says this'
    """
    if lang == LANGS[0] or not text:
        return text
    whole = _one(text, lang)
    if whole is not None:
        return whole
    parts = text.split("; ")
    if len(parts) == 1:
        return text
    # several messages joined: each run of parts that is one message, longest first
    # (an event-log reason holds a "; " of its own)
    out, i = [], 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            found = _one("; ".join(parts[i:j]), lang)
            if found is not None:
                out.append(found)
                i = j
                break
        else:
            out.append(parts[i])
            i += 1
    return "; ".join(out)


def translate_all(texts: Iterable[str], lang: str) -> dict[str, str]:
    """Each distinct text of ``texts`` -> :func:`translate` of it (a problems table
    repeats a few texts over many rows: each is matched once)."""
    return {text: translate(text, lang) for text in set(texts)}


def english(key: str, /, **values: object) -> str:
    """A message as the engine writes and keeps it (in English), from its catalog entry:
    ``english("load.msg.left_empty", why="not a number")`` -> ``not a number; left empty``.
    """
    return t(key, LANGS[0]).format(**values) if values else t(key, LANGS[0])
