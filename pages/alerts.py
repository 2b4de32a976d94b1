"""Alerts: every alert with rule, client, subject, value, threshold and the action to
take; filters by rule and severity; editable thresholds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpi.metrics import get
from kpi.report.alerts import DEFAULT_THRESHOLDS, RULES
from ui import fmt, kpiview, page, state
from ui.i18n import t

#: how each rule's value and threshold read (ratios as percentages, days, counts)
RULE_UNITS = {"csat_low": "ratio", "sla_low": "ratio", "margin_low": "ratio",
              "uncovered_devices": "count", "renewal_due": "days", "project_late": "days",
              "project_over_budget": "ratio", "stale_opportunity": "days",
              "utilization_high": "ratio", "utilization_low": "ratio"}  # fmt: skip
#: thresholds entered as percentages
PERCENT = {k for k, u in RULE_UNITS.items() if u == "ratio"}

ctx = page.begin("page.alerts")
lang, cur = ctx.lang, ctx.currency
app = state.app_state()

# ------------------------------------------------------------------ thresholds
with st.expander(t("al.thresholds", lang)):
    st.caption(t("al.thresholds_help", lang))
    cols = st.columns(3)
    changed = dict(app.thresholds)
    for i, name in enumerate(DEFAULT_THRESHOLDS):
        current = float(app.thresholds.get(name, DEFAULT_THRESHOLDS[name]))
        pct = name in PERCENT
        shown = cols[i % 3].number_input(
            t(f"th.{name}", lang) + (" (%)" if pct else ""),
            value=round(current * 100, 4) if pct else current,
            step=1.0,
            key=f"al_th_{name}_{app.version}",
        )
        value = shown / 100 if pct else shown
        if abs(value - DEFAULT_THRESHOLDS[name]) > 1e-12:
            changed[name] = value
        else:
            changed.pop(name, None)
    if changed != app.thresholds:
        app.thresholds = changed
    if app.thresholds and st.button(t("al.reset", lang), key="al_reset"):
        app.thresholds = {}
        app.version += 1  # new widget keys: the inputs show the defaults again
        st.rerun()

alerts = state.alerts(state.report_options(compare_with=None))
f1, f2 = st.columns(2)
rules_present = [r for r in RULES if r in set(alerts["rule"])] if not alerts.empty else []
chosen_rules = f1.multiselect(t("al.filter_rule", lang), rules_present,
                              format_func=lambda r: t(f"rule.{r}", lang), key=f"al_rules_{lang}",
                              placeholder=t("al.all", lang))  # fmt: skip
sevs = [s for s in ("bad", "warn") if not alerts.empty and s in set(alerts["severity"])]
chosen_sev = f2.multiselect(t("al.filter_severity", lang), sevs,
                            format_func=lambda s: t(f"sev.{s}", lang), key=f"al_sev_{lang}",
                            placeholder=t("al.all", lang))  # fmt: skip
shown = alerts
if chosen_rules:
    shown = shown[shown["rule"].isin(chosen_rules)]
if chosen_sev:
    shown = shown[shown["severity"].isin(chosen_sev)]

st.subheader(t("al.count", lang, n=len(shown)))
if shown.empty:
    st.caption(t("al.none", lang))
else:
    table = pd.DataFrame({
        t("al.severity", lang): [t(f"sev.{s}", lang) for s in shown["severity"]],
        t("al.rule", lang): [t(f"rule.{r}", lang) for r in shown["rule"]],
        t("common.client", lang): shown["client"].fillna(""),
        t("al.subject", lang): shown["subject"].fillna(""),
        t("common.value", lang): [fmt.value(v, RULE_UNITS.get(r, "count"), lang, cur)
                                  for r, v in zip(shown["rule"], shown["value"], strict=True)],
        t("al.threshold", lang): [fmt.value(v, RULE_UNITS.get(r, "count"), lang, cur)
                                  for r, v in zip(shown["rule"], shown["threshold"], strict=True)],
        t("al.action", lang): shown["message"],
    })  # fmt: skip
    colours = [kpiview.cell_css(s) for s in shown["severity"]]
    sev_col = t("al.severity", lang)
    styled = table.style.apply(lambda col: colours, subset=[sev_col])
    st.dataframe(styled, hide_index=True, key="al_table", placeholder=fmt.EMPTY)
# the margin alerts read money: what was left out of it (issue 18)
kpiview.money_notes(state.engine().money_notes(lang, [get("gross_margin_pct")]))
page.downloads_section(ctx, shown, "alerts")
