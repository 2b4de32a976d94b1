"""The texts of the alert rules, keyed as the declarations name them
(:mod:`kpi.metrics.alerts`): ``<rule>.message`` (what happened) and ``<rule>.action`` (what
to do), joined by a space in an alert's message; ``<rule>.estimate`` (the estimate's formula
in words, as docs/KPIS.md 9 writes it) and ``<rule>.no_estimate`` (why it may be empty);
``<rule>.condition`` (when a row of a rule's named query fires); ``<min count key>.words``
(the minimum count of a rule); ``words.*`` (the pieces :func:`describe` puts together).

Placeholders: ``{client}``, ``{subject}``, ``{v}`` the value, ``{t}`` the threshold, ``{n}``
the count a minimum applies to; a named query's columns by name (``{when}``, ``{ac}``,
``{budget}``). Numbers are formatted in the reader's language before they are put in.

The texts are in every language's catalog (:mod:`kpi.texts`) under ``alert.<key>``.
"""

from __future__ import annotations

from kpi.metrics.alerts import AlertRule
from kpi.metrics.catalog import get
from kpi.texts import has as has_text
from kpi.texts import t


def alert_text(key: str, lang: str = "en") -> str:
    """The text of ``key`` in ``lang``: the catalog's ``alert.<key>`` (:mod:`kpi.texts`).

    Raises:
        KeyError: an unknown key.
    """
    return t(f"alert.{key}", lang)


def describe(rule: AlertRule, lang: str = "en") -> dict[str, str]:
    """A rule in words, from its declaration (the Definitions page, docs/KPIS.md 9).

    Returns:
        ``reads`` (the KPI id or the named query), ``fires`` (when it fires), ``severity``,
        ``estimate`` (the formula, empty for a rule without one) and ``no_estimate`` (why
        an estimate may be empty).

    Example:
        >>> from kpi.metrics.alerts import RULE_BY_ID
        >>> describe(RULE_BY_ID["csat_low"])["fires"]
        'CSAT by client < threshold, with at least csat_low_min_responses survey responses'
    """
    if rule.kpi is not None:
        k = get(rule.kpi)
        fires = alert_text("words.fires", lang).format(
            kpi=k.label(lang), by=alert_text(f"words.by.{rule.grouping}", lang),
            cmp=rule.comparison,
        )  # fmt: skip
        if rule.min_count_key is not None:
            fires += ", " + alert_text(f"{rule.min_count_key}.words", lang)
        reads = k.id
    else:
        reads = str(rule.query)
        fires = alert_text(f"{rule.id}.condition", lang)
    sev = rule.severity
    severity = alert_text(f"words.severity.{sev.kind}", lang).format(
        level=sev.level, pct=f"{sev.margin:.0%}", days=sev.days
    )
    has = rule.estimate.kind != "none"
    no_key = f"{rule.id}.no_estimate"
    return {
        "reads": reads,
        "fires": fires,
        "severity": severity,
        "estimate": alert_text(f"{rule.id}.estimate", lang) if has else "",
        "no_estimate": (
            alert_text(no_key, lang)
            if has_text(f"alert.{no_key}")
            else alert_text("words.never_empty", lang)
        ),
    }
