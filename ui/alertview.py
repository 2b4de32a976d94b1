"""How the app shows alerts (docs/KPIS.md 9): the top ones as cards with the suggested action
in full, the rest as a table whose text is never cut, and the short line the Overview links.

The words come from the rule declarations (:mod:`kpi.metrics.alerts`): the message and the
action (:func:`kpi.metrics.alert_texts.alert_text`), the estimate's formula or why it is
empty (:func:`kpi.metrics.alert_texts.describe`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from kpi.metrics.alert_texts import alert_text, describe
from kpi.metrics.alerts import RULE_BY_ID
from kpi.present import fmt
from ui import kpiview
from ui.i18n import t

#: the alerts shown as cards on the Alerts page (the rest: a table)
TOP_CARDS = 5
#: the alerts the Overview links to
TOP_LINKS = 3
#: the icon of an alert's link by severity (Streamlit's bundled Material icons)
SEVERITY_ICONS = {"bad": ":material/error:", "warn": ":material/warning:"}


def _text(v: Any) -> str:
    return "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)


def who(alert: Any) -> str:
    """What an alert is about: ``client · subject``, either alone when the other is empty."""
    return " · ".join(p for p in (_text(alert.client), _text(alert.subject)) if p)


def estimate_text(v: Any, lang: str, currency: str) -> str:
    """An estimate in the report currency (whole units from 1,000 up), or ``—``."""
    return fmt.value(v, "currency", lang, currency)


def value_text(rule: str, v: Any, lang: str, currency: str) -> str:
    """A value or threshold as the rule reads it (a percentage, days, a count)."""
    return fmt.value(v, RULE_BY_ID[rule].unit, lang, currency)


def estimate_note(rule: str, v: Any, lang: str) -> str:
    """The estimate's formula, or why there is none (from the rule's declaration)."""
    words = describe(RULE_BY_ID[rule], lang)
    if fmt.is_empty(v):
        return t("al.no_estimate", lang, reason=words["no_estimate"])
    return t("al.estimate_basis", lang, formula=words["estimate"])


def split_message(rule: str, message: str, lang: str) -> tuple[str, str]:
    """An alert's message as (what happened, the suggested action): the engine writes the
    rule's message, a space and its action (:func:`kpi.report.alerts.message`)."""
    action = alert_text(RULE_BY_ID[rule].action, lang)
    return message.removesuffix(" " + action), action


def card(alert: Any, lang: str, currency: str, i: int) -> None:
    """One alert as a bordered card: severity, rule, who, what happened, the suggested
    action in full, and the estimate with its formula (or why there is none)."""
    what, action = split_message(alert.rule, str(alert.message), lang)
    with st.container(border=True, key=f"al_card_{i}"):
        left, right = st.columns([3, 1])
        with left:
            st.badge(t(f"sev.{alert.severity}", lang), color=kpiview.BADGE[alert.severity])  # type: ignore[arg-type]
            st.markdown(f"**{t(f'rule.{alert.rule}', lang)}** · {fmt.escape_md(who(alert))}")
            st.markdown(fmt.escape_md(what))
            st.markdown(f"**{t('al.action', lang)}:** {fmt.escape_md(action)}")
        with right:
            st.metric(t("al.estimate", lang), estimate_text(alert.estimate, lang, currency))
            st.caption(fmt.escape_md(estimate_note(alert.rule, alert.estimate, lang)))


def table(alerts: pd.DataFrame, lang: str, currency: str) -> None:
    """The alerts as a static table: every cell in full (long messages wrap), the severity
    coloured."""
    rules = alerts["rule"].tolist()
    frame = pd.DataFrame({
        t("al.severity", lang): [t(f"sev.{s}", lang) for s in alerts["severity"]],
        t("al.rule", lang): [t(f"rule.{r}", lang) for r in rules],
        t("common.client", lang): alerts["client"].map(_text).tolist(),
        t("al.subject", lang): alerts["subject"].map(_text).tolist(),
        t("common.value", lang): [value_text(r, v, lang, currency)
                                  for r, v in zip(rules, alerts["value"], strict=True)],
        t("al.threshold", lang): [value_text(r, v, lang, currency)
                                  for r, v in zip(rules, alerts["threshold"], strict=True)],
        t("al.estimate", lang): [estimate_text(v, lang, currency) for v in alerts["estimate"]],
        t("al.action", lang): alerts["message"].tolist(),
    })  # fmt: skip
    colours = [kpiview.cell_css(s) for s in alerts["severity"]]
    styled = frame.style.apply(lambda col: colours, subset=[t("al.severity", lang)])
    st.table(styled, hide_index=True)


def link_label(alert: Any, lang: str, currency: str) -> str:
    """The Overview's line for one alert: ``rule · who: estimate``."""
    return t(
        "ov.top_alert", lang, rule=t(f"rule.{alert.rule}", lang), who=fmt.escape_md(who(alert)),
        estimate=estimate_text(alert.estimate, lang, currency),
    )  # fmt: skip
