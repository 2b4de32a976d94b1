"""The sidebar shown on every page: language, clients, period, comparison, technicians.

The widgets are drawn by ``app.py`` on every run, whatever the page, so their values
(kept under their keys in ``st.session_state``) persist when the user switches pages.
The technician filter is drawn everywhere too, but disabled on pages it does not
apply to, so its selection survives a visit to those pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st

from kpi.present import fmt
from ui import page, periods, state
from ui.i18n import DATE_INPUT_FORMATS, LANG_NAMES, LANGS, lang_from_locale, t


def init_language() -> None:
    """The session's language on first run: the browser's locale (``es-*`` -> Spanish)."""
    if state.K_LANG not in st.session_state:
        st.session_state[state.K_LANG] = lang_from_locale(st.context.locale)


def render(technician_applies: bool) -> None:
    """Draw the sidebar. Filter values are read back through :mod:`ui.state`."""
    lang = state.lang()
    with st.sidebar:
        st.radio(
            t("sb.language", lang),
            LANGS,
            key=state.K_LANG,
            format_func=LANG_NAMES.__getitem__,
            horizontal=True,
        )
        lang = state.lang()
        # (no reference kept here: the engine, built below for the client list, takes
        # over the rows of big data and the session's copy goes)
        if not state.loaded_data().tables:
            st.caption(t("sb.no_data", lang))
            return
        st.subheader(t("sb.filters", lang))
        clients = state.dimension_values("client")
        _keep_known(state.K_CLIENTS, clients)
        st.multiselect(
            t("sb.clients", lang),
            clients,
            key=state.K_CLIENTS,
            placeholder=t("sb.clients_all", lang),
            select_all=False,  # none chosen is all; its "Select all" is English
            help=t("sb.clients_help", lang),
        )
        translated_select(
            t("sb.period", lang), periods.PRESETS, state.K_PERIOD, periods.DEFAULT_PRESET,
            lambda p: t(f"period.{p}", lang), lang,
        )  # fmt: skip
        as_of = state.as_of()
        if st.session_state.get(state.K_PERIOD) == "custom":
            widget = state.K_RANGE + ".w"
            drawn_in = widget + ".lang"
            if st.session_state.get(drawn_in) != lang:
                # dates as the language writes them: Streamlit resets a keyed date picker
                # whose format changes, so it starts again from the range chosen
                st.session_state.pop(widget, None)
                st.session_state[drawn_in] = lang
            if widget not in st.session_state:
                st.session_state[widget] = st.session_state.get(
                    state.K_RANGE, periods.period_range(periods.DEFAULT_PRESET, as_of)
                )
            st.date_input(t("sb.custom_range", lang), key=widget, format=DATE_INPUT_FORMATS[lang])
            st.session_state[state.K_RANGE] = st.session_state[widget]
        start, end = state.period()
        st.caption(
            t("common.period_caption", lang, range=fmt.date_range(start, end, lang),
              as_of=fmt.date_(as_of, lang))
        )  # fmt: skip
        span = state.data_span()
        if span is not None:
            st.caption(t("sb.data_span", lang, range=fmt.date_range(*span, lang)))
        translated_select(
            t("sb.compare", lang), state.COMPARES, state.K_COMPARE, state.DEFAULT_COMPARE,
            lambda c: t(f"compare.{c}", lang), lang,
        )  # fmt: skip
        cmp = state.compare()
        if cmp is not None:
            st.caption(page.compare_text(start, end, cmp, lang))
        technicians = state.dimension_values("technician")
        _keep_known(state.K_TECHS, technicians)
        st.multiselect(
            t("sb.technicians", lang),
            technicians,
            key=state.K_TECHS,
            placeholder=t("sb.technicians_all", lang),
            select_all=False,  # none chosen is all; its "Select all" is English
            help=t("sb.technicians_help", lang),
            disabled=not technician_applies or not technicians,
        )
        if not technician_applies and state.selected_technicians():
            st.caption(t("sb.technicians_not_here", lang))


def translated_select(
    label: str,
    options: Sequence[str],
    name: str,
    default: str,
    format_func: Callable[[str], str],
    lang: str,
) -> str:
    """A selectbox whose option labels are translated, its value kept under ``name``.

    The browser keeps a selectbox's choice by its label, so when the labels change
    language it falls back to the first option. One widget per language
    (:func:`ui.state.widget_key`), started from the value kept under ``name``, keeps the
    choice across a language switch and across pages.
    """
    key = state.widget_key(name, lang)
    if key not in st.session_state:
        kept = st.session_state.get(name, default)
        st.session_state[key] = kept if kept in options else default
    value: str = st.selectbox(label, options, key=key, format_func=format_func)
    st.session_state[name] = value
    return value


def _keep_known(key: str, options: list[str]) -> None:
    """Drop selected values that are no longer options (other data was loaded)."""
    chosen = st.session_state.get(key)
    if chosen:
        known = set(options)
        kept = [c for c in chosen if c in known]
        if kept != list(chosen):
            st.session_state[key] = kept
