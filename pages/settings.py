"""Settings: targets per KPI, report currency and exchange rates, time zone, report date,
language, CSV format."""

from __future__ import annotations

from zoneinfo import available_timezones

import pandas as pd
import streamlit as st

from kpi import metrics as decl
from kpi.load.values import DOLLAR_SIGN, currency_code
from kpi.present import fmt
from kpi.present.fmt import CURRENCIES
from kpi.query.money import MoneyOptions, plan
from ui import downloads, kpiview, page, state, upload
from ui.i18n import DATE_INPUT_FORMATS, LANG_NAMES, LANGS, t

page.frame_guard()
lang = state.lang()
app = state.app_state()
st.title(t("page.settings", lang))

# ------------------------------------------------------------------ general
st.subheader(t("st.general", lang))
c1, c2, c3 = st.columns(3)


def _set_lang() -> None:
    # runs before the script, so the sidebar's language widget can still take the value
    st.session_state[state.K_LANG] = st.session_state["settings_lang"]


c1.selectbox(
    t("st.language", lang), LANGS, index=LANGS.index(lang), format_func=LANG_NAMES.__getitem__,
    key="settings_lang", on_change=_set_lang,
)  # fmt: skip
# the report currency (issue 18): automatic = the data's only currency, else the setting
money = state.engine().money
auto_currency = plan(money.found, MoneyOptions(fallback=app.currency)).currency
codes = sorted({*CURRENCIES, *(c for c in money.currencies if currency_code(c) == c)})
choices = ("auto", *codes)
current = app.currency if app.currency_chosen else "auto"
choice = c2.selectbox(
    t("st.currency", lang), choices, index=choices.index(current),
    format_func=lambda c: t("st.currency_auto", lang, currency=auto_currency)
    if c == "auto" else c,
    help=t("st.currency_help", lang), key="settings_currency",
)  # fmt: skip
if choice != current:
    if choice == "auto":
        state.set_money(automatic=True)
    else:
        state.set_money(choice)
    st.rerun()
dialects = (None, *downloads.DIALECTS)
dialect = c3.selectbox(
    t("dl.dialect", lang), dialects, index=dialects.index(app.csv_dialect),
    format_func=lambda d: t("st.dialect_auto", lang) if d is None else t(f"dl.dialect.{d}", lang),
    key=f"settings_dialect_{lang}",
)  # fmt: skip
app.csv_dialect = dialect

zones = sorted(available_timezones())
c1, c2 = st.columns(2)
# an open workspace reads its files in the zone chosen when it was created (ui/workspace.py)
tz = c1.selectbox(
    t("st.timezone", lang), zones,
    index=zones.index(app.tz if app.tz in zones else "UTC"),
    help=t("st.timezone_help", lang) if app.workspace is None
    else t("ws.tz_fixed", lang, tz=app.tz),
    key="settings_tz", disabled=app.workspace is not None,
)  # fmt: skip
if tz != app.tz:
    state.set_reading(tz=tz)
    st.rerun()

data = state.loaded_data()
data_as_of = data.as_of
with c2:
    auto = st.checkbox(
        t("st.as_of_auto", lang, date=fmt.date_(data_as_of, lang)), value=app.as_of is None,
        help=t("st.as_of_help", lang), key="settings_as_of_auto",
    )  # fmt: skip
    if auto:
        if app.as_of is not None:
            app.as_of = None
    else:
        chosen = st.date_input(
            t("st.as_of", lang), value=app.as_of or data_as_of, key="settings_as_of",
            format=DATE_INPUT_FORMATS[lang],
        )  # fmt: skip
        if chosen != app.as_of:
            app.as_of = chosen

# ------------------------------------------------------------------ your company
st.subheader(t("st.msp", lang))
m1, m2 = st.columns(2)
app.msp_name = m1.text_input(t("st.msp_name", lang), value=app.msp_name,
                             key="settings_msp_name").strip()  # fmt: skip
logo = upload.file_uploader(t("st.msp_logo", lang), ["png", "jpg", "jpeg", "svg"],
                            key="settings_msp_logo", lang=lang, where=m2)  # fmt: skip
if logo is not None:
    app.msp_logo = logo.getvalue()
if app.msp_logo:
    if logo is None or not logo.name.lower().endswith(".svg"):
        m2.image(app.msp_logo, width=120)
    if m2.button(t("st.msp_logo_remove", lang), icon=":material/delete:", key="settings_logo_rm"):
        app.msp_logo = None
        st.rerun()

# ------------------------------------------------------------------ exchange rates
st.subheader(t("st.rates", lang))
money = state.engine().money
others = [c for c in money.currencies if c != money.currency]
if not others:
    st.caption(t("st.rates_none", lang, currency=money.currency))
else:
    st.caption(t("st.rates_help", lang, currency=money.currency))
    amounts = {
        c: sum(n.get(c, 0) + (n.get(DOLLAR_SIGN, 0) if c == money.dollar else 0)
               for n in money.found.values())
        for c in others
    }  # fmt: skip
    kept = app.rates.get(money.currency, {})
    rates_in = pd.DataFrame({
        "currency": others,
        "amounts": [amounts[c] for c in others],
        "rate": pd.Series([kept.get(c) for c in others], dtype="float64"),
    })  # fmt: skip
    edited = st.data_editor(
        rates_in, hide_index=True, num_rows="fixed", disabled=["currency", "amounts"],
        column_config={
            "currency": st.column_config.TextColumn(t("st.rates_currency", lang)),
            "amounts": st.column_config.NumberColumn(t("st.rates_amounts", lang)),
            "rate": st.column_config.NumberColumn(
                t("st.rates_rate", lang, currency=money.currency), min_value=0.0
            ),
        },
        key=f"settings_rates_{money.currency}",
    )  # fmt: skip
    entered = {
        str(c): float(r)
        for c, r in zip(edited["currency"], edited["rate"], strict=True)
        if pd.notna(r) and float(r) > 0
    }
    if entered != kept:
        state.set_money(rates=entered)
        st.rerun()
kpiview.money_notes(state.engine().money_notes(lang))

# ------------------------------------------------------------------ targets
st.subheader(t("st.targets", lang))
st.caption(t("st.targets_help", lang))
targets = dict(app.targets)
rnd = st.session_state.get("targets_round", 0)
for k in (k for k in decl.KPIS if k.target is not None):
    current = targets.get(k.id, k.target)
    pct = k.unit == "ratio"
    scale = 100.0 if pct else 1.0
    # percentages with two decimals (a target of 97.5 %), counts whole (0 uncovered devices)
    shown = "%.2f" if pct else "%.0f"
    cols = st.columns([3, 2, 2, 3])
    cols[0].markdown(f"**{fmt.escape_md(k.label(lang))}**  \n`{k.id}`")
    if isinstance(k.target, tuple):
        lo_now, hi_now = current if isinstance(current, tuple) else k.target
        lo = cols[1].number_input(t("st.low", lang) + (" (%)" if pct else ""),
                                  value=float(lo_now) * scale, step=1.0, format=shown,
                                  key=f"tg_{k.id}_lo_{rnd}")  # fmt: skip
        hi = cols[2].number_input(t("st.high", lang) + (" (%)" if pct else ""),
                                  value=float(hi_now) * scale, step=1.0, format=shown,
                                  key=f"tg_{k.id}_hi_{rnd}")  # fmt: skip
        new: object = (min(lo, hi) / scale, max(lo, hi) / scale)
    else:
        value = cols[1].number_input(
            t("common.target", lang) + (" (%)" if pct else ""), value=float(current) * scale,
            step=1.0, format=shown, key=f"tg_{k.id}_{rnd}",
        )  # fmt: skip
        new = value / scale
    cols[3].caption(
        f"{t('st.direction', lang)}: {t(f'dir.{k.direction}', lang)} · "
        f"{t('st.default', lang)}: {fmt.setting(k.target, k.unit, lang)}"
    )
    if new == k.target or (isinstance(new, float) and isinstance(k.target, float)
                           and abs(new - k.target) < 1e-12):  # fmt: skip
        targets.pop(k.id, None)
    else:
        targets[k.id] = new
if targets != app.targets:
    app.targets = targets
if app.targets and st.button(t("st.reset_targets", lang), key="settings_reset_targets"):
    app.targets = {}
    st.session_state["targets_round"] = rnd + 1
    st.rerun()
