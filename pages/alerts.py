"""Alerts: ranked by what is at stake (docs/KPIS.md 9), the top ones as cards with the
suggested action in full, the rest as a table; filters by rule and severity; editable
thresholds."""

from __future__ import annotations

import streamlit as st

from kpi.metrics import get
from kpi.metrics.alerts import RULE_BY_ID
from kpi.report.alerts import DEFAULT_THRESHOLDS, RULES
from ui import alertview, kpiview, page, state
from ui.i18n import t

#: thresholds entered as percentages: those of the rules whose values are ratios (the
#: minimum counts are counts)
PERCENT = {r.id for r in RULE_BY_ID.values() if r.unit == "ratio"}

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
                              placeholder=t("al.all", lang), select_all=False)  # fmt: skip
sevs = [s for s in ("bad", "warn") if not alerts.empty and s in set(alerts["severity"])]
chosen_sev = f2.multiselect(t("al.filter_severity", lang), sevs,
                            format_func=lambda s: t(f"sev.{s}", lang), key=f"al_sev_{lang}",
                            placeholder=t("al.all", lang), select_all=False)  # fmt: skip
# none chosen is all (the boxes' "Select all" is Streamlit's English: not offered)
shown = alerts
if chosen_rules:
    shown = shown[shown["rule"].isin(chosen_rules)]
if chosen_sev:
    shown = shown[shown["severity"].isin(chosen_sev)]

st.subheader(t("al.count", lang, n=len(shown)))
if shown.empty:
    st.caption(t("al.none", lang))
else:
    # the alerts come ranked by the engine: estimate, severity, rule order
    st.markdown(f"#### {t('al.top', lang)}")
    st.caption(t("al.top_help", lang))
    top = shown.iloc[: alertview.TOP_CARDS]
    for i, alert in enumerate(top.itertuples(index=False)):
        alertview.card(alert, lang, cur, i)
    rest = shown.iloc[alertview.TOP_CARDS :]
    if not rest.empty:
        st.markdown(f"#### {t('al.rest', lang)}")
        alertview.table(rest, lang, cur)
# the margin alerts read money: what was left out of it (issue 18)
kpiview.money_notes(state.engine().money_notes(lang, [get("gross_margin_pct")]))
page.downloads_section(ctx, shown, "alerts")
