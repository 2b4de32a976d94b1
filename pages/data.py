"""Data page: a saved workspace (create, open, add files after a preview, remove one,
close), upload exports, see what each table was read as, fix mappings, presets."""

from __future__ import annotations

import dataclasses
import json

import streamlit as st

from kpi.errors import PresetError
from kpi.load.presets import parse_preset
from kpi.load.reasons import held_message
from kpi.present import fmt
from kpi.read import SUPPORTED_EXTENSIONS
from kpi.schema import DATASETS
from kpi.texts.messages import translate
from kpi.workspace import TOKEN_TTL
from ui import dataview, downloads, page, state, upload
from ui import workspace as workspaces
from ui.i18n import t

page.frame_guard()
lang = state.lang()
app = state.app_state()
st.title(t("dt.title", lang))

# ------------------------------------------------------------------ workspace
ws = workspaces.current()
for kind, text in workspaces.notices():
    getattr(st, kind)(text)
if ws is None:
    asked = st.session_state.get(workspaces.K_ASK)
    if asked:
        # the address named a workspace whose session token expired or was revoked
        st.warning(t("ws.session_ended", lang, name=fmt.escape_md(asked)))
        st.session_state.setdefault(workspaces.K_OPEN_NAME, asked)
    # folded until needed: most visits start with uploads
    with st.expander(t("ws.title", lang), icon=":material/save:", expanded=bool(asked)):
        w1, w2 = st.columns(2)
        with w1.form("ws_open_form"):
            st.markdown(f"**{t('ws.open_title', lang)}**")
            st.text_input(t("ws.name", lang), key=workspaces.K_OPEN_NAME)
            st.text_input(t("ws.passphrase", lang), type="password", key=workspaces.K_OPEN_PASS)
            st.form_submit_button(
                t("ws.open", lang), on_click=workspaces.open_workspace, key="ws_open"
            )
        with w2.form("ws_create_form"):
            st.markdown(f"**{t('ws.create_title', lang)}**")
            what = (
                t("ws.create_uploads", lang, n=len(app.sources))
                if app.kind == "uploads"
                else t("ws.create_empty", lang)
            )
            st.caption(what + " " + t("ws.create_help", lang))
            st.text_input(t("ws.name", lang), key=workspaces.K_NEW_NAME)
            st.text_input(t("ws.passphrase", lang), type="password", key=workspaces.K_NEW_PASS)
            st.text_input(t("ws.passphrase2", lang), type="password", key=workspaces.K_NEW_PASS2)
            st.form_submit_button(
                t("ws.create", lang), on_click=workspaces.create_workspace, key="ws_create"
            )
else:
    st.subheader(t("ws.title_open", lang, name=fmt.escape_md(ws.name)))
    st.caption(t("ws.open_help", lang))
    st.caption(t("ws.token_help", lang, hours=int(TOKEN_TTL.total_seconds() // 3600)))
    stored, merged_reports = workspaces.stored_files()
    if stored:
        st.dataframe(
            dataview.stored_files_frame(stored, merged_reports, lang),
            hide_index=True,
            key="ws_files",
        )
        added = set(workspaces.last_added())
        if added:
            st.caption(t("ws.added_counts", lang))
            st.dataframe(
                dataview.stored_files_frame(
                    [s for s in stored if s.table_id in added],
                    [r for s, r in zip(stored, merged_reports, strict=True) if s.table_id in added],
                    lang,
                ),
                hide_index=True,
                key="ws_added",
            )
        names = {s.file_id: s.name for s in stored}
        asked_id = workspaces.removing()
        if asked_id is None or asked_id not in names:
            r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
            chosen_id = r1.selectbox(
                t("ws.remove_pick", lang),
                list(names),
                format_func=lambda i: dataview.stored_file_label(stored, i, lang),
                key="ws_remove_pick",
            )
            r2.button(
                t("ws.remove", lang),
                on_click=workspaces.ask_remove,
                args=(chosen_id,),
                key="ws_remove",
            )
        else:
            st.warning(t("ws.remove_confirm", lang, file=fmt.escape_md(names[asked_id])))
            r1, r2, _ = st.columns([1, 1, 3])
            r1.button(
                t("ws.remove_yes", lang),
                on_click=workspaces.remove_file,
                args=(asked_id, names[asked_id]),
                type="primary",
                key="ws_remove_yes",
            )
            r2.button(
                t("ws.cancel", lang),
                on_click=workspaces.ask_remove,
                args=(None,),
                key="ws_remove_no",
            )
    else:
        st.caption(t("ws.no_files", lang))
    b1, b2, _ = st.columns([1, 1, 2])
    b1.button(t("ws.close", lang), on_click=workspaces.close_workspace, key="ws_close")
    b2.button(
        t("ws.revoke", lang),
        on_click=workspaces.revoke_other_sessions,
        help=t("ws.revoke_help", lang),
        key="ws_revoke",
    )

# ------------------------------------------------------------------ upload
upload_key = f"data_upload_{st.session_state.get('upload_round', 0)}"
uploaded = upload.file_uploader(
    t("ws.upload", lang) if ws is not None else t("dt.upload", lang),
    [e.lstrip(".") for e in SUPPORTED_EXTENSIONS],
    multiple=True,
    key=upload_key,
    lang=lang,
    help=t("dt.upload_help", lang),
)
if uploaded:
    files = [(f.name, f.getvalue()) for f in uploaded]
    state.forget_uploads(uploaded)
    state.add_uploads(files)
    bar = st.progress(0.0)

    def _progress(i: int, n: int, name: str) -> None:
        bar.progress(i / n if n else 1.0, text=t("dt.loading", lang, file=name) if name else "")

    state.rebuild(app, _progress)
    st.session_state["upload_round"] = st.session_state.get("upload_round", 0) + 1
    st.rerun()

data = state.loaded_data()
staged = workspaces.staged_preview()
if staged is not None:
    # ---------------------------------------------------------------- what an add does
    st.subheader(t("ws.preview", lang, n=len(app.sources)))
    st.caption(t("ws.preview_help", lang))
    if staged.preview.changes:
        st.dataframe(
            dataview.changes_frame(staged.preview.changes, lang), hide_index=True, key="ws_changes"
        )
    st.dataframe(
        dataview.counts_frame(staged.preview.files, lang), hide_index=True, key="ws_preview_files"
    )
    for table in staged.left_out:
        rep = table.result.report
        where = f"{rep.file} [{rep.sheet}]" if rep.sheet else rep.file
        st.warning(t("ws.will_leave_out", lang, file=fmt.escape_md(where)))
    if staged.held:
        st.warning(t("ws.add_held", lang, n=len(staged.held)))
    a1, a2, _ = st.columns([1, 1, 2])
    a1.button(
        t("ws.add", lang, n=len({table.source for table in staged.addable})),
        on_click=workspaces.add_staged,
        disabled=bool(staged.held) or not staged.addable,
        type="primary",
        key="ws_add",
    )
    a2.button(t("ws.discard", lang), on_click=workspaces.discard_staged, key="ws_discard")
elif ws is None:
    if app.kind == "sample":
        st.info(t("dt.source_sample", lang))
    elif app.kind == "uploads":
        st.info(t("dt.source_uploads", lang, n=len(app.sources)))
    else:
        st.warning(t("dt.source_none", lang))

if ws is None:
    c1, c2, _ = st.columns([1, 1, 3])
    if c1.button(t("dt.use_sample", lang), key="data_use_sample", disabled=app.kind == "sample"):
        state.use_sample()
        st.rerun()
    if c2.button(t("dt.clear", lang), key="data_clear", disabled=not app.sources):
        state.clear_all()
        st.rerun()

with st.expander(t("dt.read_options", lang)):
    if ws is not None:
        # the workspace's files are all read one way, chosen when it was created
        st.caption(
            t("ws.reading", lang, way=t(f"dt.read_lang.{ws.options.lang}", lang), tz=ws.options.tz)
        )
    read_lang = st.radio(
        t("dt.read_lang", lang),
        ("en", "es"),
        index=0 if app.read_lang == "en" else 1,
        format_func=lambda x: t(f"dt.read_lang.{x}", lang),
        key=f"data_read_lang_{app.read_lang}_{lang}",  # a new widget when either changes
        disabled=ws is not None,
    )
    if read_lang != app.read_lang:
        state.set_reading(read_lang=read_lang)
        st.rerun()

for name, why in app.errors.items():
    st.error(t("dt.unreadable", lang, file=name, why=translate(why, lang)))

# ------------------------------------------------------------------ summary
if data.files:
    st.subheader(t("dt.files", lang))
    totals = {
        "files": len(data.files),
        "read": sum(f.rows_read for f in data.files),
        "loaded": sum(f.rows_loaded for f in data.files),
        "merged": sum(f.rows_merged for f in data.files),
        "rejected": sum(f.rows_rejected for f in data.files),
    }
    st.caption(t("dt.summary", lang, **{k: fmt.number(v, lang) for k, v in totals.items()}))
    st.dataframe(
        dataview.files_frame(data, lang), hide_index=True, key="data_files", placeholder=fmt.EMPTY
    )
    if data.tables:
        with st.expander(t("dt.datasets_loaded", lang)):
            st.dataframe(dataview.datasets_frame(data, lang), hide_index=True)
    for note in data.notes:
        st.caption(fmt.escape_md(translate(note, lang)))

# ------------------------------------------------------------------ check the numbers
if data.summary:
    st.subheader(t("dt.check", lang))
    st.caption(t("dt.check_help", lang))
    for name, check in data.summary.items():
        # the sentence is the heading: every dataset's reconciliation at a glance
        with st.expander(fmt.escape_md(dataview.check_sentence(check, lang))):
            for fact in dataview.check_facts(check, lang):
                st.caption(fmt.escape_md(fact))
            used = dataview.check_used(check, lang)
            if used:
                st.markdown(
                    f"{t('dt.check_used', lang)}:\n"
                    + "\n".join(f"- {fmt.escape_md(line)}" for line in used)
                )
            for counts in check.statuses:
                st.caption(t("dt.check_by", lang, column=counts.column))
                st.dataframe(
                    dataview.value_counts_frame(counts, lang),
                    hide_index=True,
                    key=f"check_{name}_{counts.column}",
                )
            if check.money:
                st.caption(t("dt.check_money", lang))
                st.dataframe(
                    dataview.money_frame(check, lang), hide_index=True, key=f"check_{name}_money"
                )

# ------------------------------------------------------------------ mapping editor
if app.views:
    st.subheader(t("dt.mapping", lang))
    st.caption(t("dt.mapping_help", lang))
dataset_names = list(DATASETS)
unmapped_label = t("dt.unmapped_option", lang)
# the files of an open workspace come first in the assembled data; the views are the
# files of the session (the uploads to add to it)
offset = len(data.files) - len(app.views)
for vi, view in enumerate(app.views):
    # the report of the assembled data (with merge counts) matches by position
    fi = offset + vi
    report = data.files[fi] if 0 <= fi < len(data.files) else view.result.report
    where = f"{view.source.name} [{view.sheet}]" if view.sheet else view.source.name
    title = f"{where} → {dataview.dataset_label(report.dataset, lang) or '?'}"
    ov_key = (view.source.name, view.sheet)
    current = app.overrides.get(ov_key)
    # every widget of the table is keyed by what it shows (the mapping read and the
    # override): when either changes, the widgets start again from the new values, so a
    # widget's own state never disagrees with the data (no rerun ping-pong)
    wkey = "|".join([
        lang, view.source.uid, str(view.sheet), str(report.dataset),
        json.dumps(sorted(report.mapping.items())),
        json.dumps(dataclasses.asdict(current) if current else None, sort_keys=True),
    ])  # fmt: skip
    with st.expander(title, expanded=report.dataset is None or report.held):
        if report.error:
            # the message quotes headers: shown as written, never as markup
            st.error(t("dt.not_recognised", lang, why=fmt.escape_md(translate(report.error, lang))))
        if report.held and report.dataset:
            # a guess feeds no KPI until confirmed: the button stores the dataset as the
            # table's choice, like choosing it below (the table's other choices are kept)
            why = held_message(report.dataset, report.evidence, lang, columns=report.mapping)
            st.warning(t("dt.held", lang, why=fmt.escape_md(why)))
            label = dataview.dataset_label(report.dataset, lang)
            if st.button(t("dt.confirm", lang, dataset=label), key=f"confirm|{wkey}"):
                new = dataview.override_with(current, dataset=report.dataset)
                state.set_override(view.source.name, view.sheet, new)
                st.rerun()
        elif report.evidence and report.dataset:
            st.caption(
                t("dt.evidence", lang, dataset=dataview.dataset_label(report.dataset, lang),
                  why=fmt.escape_md(dataview.evidence_text(report, lang)))
            )  # fmt: skip
        st.caption(
            t("dt.encoding", lang, enc=report.encoding or "—", delim=repr(report.delimiter or "—"),
              row=report.header_row if report.header_row is not None else "—")
        )  # fmt: skip
        options = [None, *dataset_names]
        chosen = st.selectbox(
            t("dt.dataset_select", lang),
            options,
            index=options.index(current.dataset) if current and current.dataset else 0,
            format_func=lambda d: (
                t("dt.auto", lang) if d is None else dataview.dataset_label(d, lang)
            ),
            key=f"ds|{wkey}",
        )
        if chosen != (current.dataset if current else None):
            # None: back to automatic recognition (the table's hand-made choices go)
            new = dataview.override_with(current, dataset=chosen) if chosen else None
            state.set_override(view.source.name, view.sheet, new)
            st.rerun()
        dataset = report.dataset or chosen
        if dataset:
            headers = [h for h in view.headers if h]
            cols = st.columns(3)
            for ci, (col, required) in enumerate(dataview.mapping_choices(dataset)):
                now = report.mapping.get(col, "")
                # "(not mapped)" only while nothing is: ingestion maps a column it
                # recognises whatever the override says (the "(automatic)" button undoes
                # a choice made by hand)
                choices = ["", *headers] if now == "" else headers
                picked = cols[ci % 3].selectbox(
                    f"{col} *" if required else col,
                    choices,
                    index=choices.index(now) if now in choices else 0,
                    format_func=lambda h: unmapped_label if h == "" else h,
                    key=f"map|{wkey}|{col}",
                )
                if picked != now:
                    new = dataview.override_with(current, column=(col, picked))
                    if new.dataset is None:
                        new.dataset = dataset
                    state.set_override(view.source.name, view.sheet, new)
                    st.rerun()
            o1, o2, o3 = st.columns(3)
            opts = dict(view.result.options)
            day_first = o1.selectbox(
                t("dt.day_first", lang),
                (None, True, False),
                index=(None, True, False).index(opts.get("day_first")),
                format_func=lambda v: t(
                    f"dt.day_first.{'auto' if v is None else str(v).lower()}", lang
                ),
                key=f"opt|{wkey}|day_first",
            )
            if day_first != opts.get("day_first"):
                new = dataview.override_with(current, option=("day_first", day_first))
                new.dataset = new.dataset or dataset
                state.set_override(view.source.name, view.sheet, new)
                st.rerun()
            if dataset == "surveys":
                scales = (None, 3, 4, 5, 7, 10)
                scale = o2.selectbox(
                    t("dt.csat_scale", lang),
                    scales,
                    index=scales.index(opts.get("csat_scale"))
                    if opts.get("csat_scale") in scales
                    else 0,
                    format_func=lambda v: t("dt.auto", lang) if v is None else str(v),
                    key=f"opt|{wkey}|csat_scale",
                )
                if scale != opts.get("csat_scale"):
                    new = dataview.override_with(current, option=("csat_scale", scale))
                    new.dataset = new.dataset or dataset
                    state.set_override(view.source.name, view.sheet, new)
                    st.rerun()
            if dataset == "contracts" and view.result.unknown_billing:
                # billing periods the words do not know: out of MRR until given months
                st.caption(t("dt.billing_unknown", lang))
                bcols = st.columns(3)
                asked = dataview.billing_months_asked(view.result.unknown_billing, opts)
                for bi, (value, months) in enumerate(asked):
                    got = bcols[bi % 3].number_input(
                        t("dt.billing_months", lang, value=value),
                        min_value=1,
                        max_value=1200,
                        step=1,
                        value=months,
                        placeholder=t("dt.billing_months_unset", lang),
                        key=f"opt|{wkey}|billing_months|{bi}",
                    )
                    if got != months:
                        given = dataview.with_billing_months(
                            opts.get("billing_months"), value, None if got is None else int(got)
                        )
                        new = dataview.override_with(current, option=("billing_months", given))
                        new.dataset = new.dataset or dataset
                        state.set_override(view.source.name, view.sheet, new)
                        st.rerun()
            if current is not None and o3.button(t("dt.auto", lang), key=f"auto|{wkey}"):
                state.set_override(view.source.name, view.sheet, None)
                st.rerun()
            if report.unmapped:
                st.caption(t("dt.unmapped", lang, cols=", ".join(report.unmapped)))
            for note in report.notes:
                # a note quotes headers and values: shown as written, never as markup
                st.caption(fmt.escape_md(translate(note, lang)))
            if report.mapping:
                preset = dataview.preset_of(dataset, report.mapping, opts)
                st.download_button(
                    t("dt.preset_save", lang),
                    json.dumps(preset.to_json(), ensure_ascii=False, indent=2).encode("utf-8"),
                    file_name=f"preset_{dataset}.json",
                    mime="application/json",
                    key=f"preset_dl|{view.source.uid}|{view.sheet}",
                )
        st.caption(t("dt.preview", lang))
        st.dataframe(view.preview, hide_index=True)

# ------------------------------------------------------------------ presets
st.subheader(t("dt.presets", lang))
st.caption(t("dt.presets_help", lang))
preset_key = f"preset_upload_{st.session_state.get('preset_round', 0)}"
preset_files = upload.file_uploader(
    t("dt.preset_load", lang), ["json"], multiple=True, key=preset_key, lang=lang
)
if preset_files:
    for f in preset_files:
        try:
            obj = json.loads(f.getvalue().decode("utf-8-sig"))
            state.add_preset(parse_preset(obj, f.name))
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            # as kpi.load.presets.load_preset says it (load.msg.preset.json)
            st.session_state.setdefault("preset_errors", []).append(
                f"{f.name}: not valid JSON ({e})"
            )
        except PresetError as e:
            st.session_state.setdefault("preset_errors", []).append(str(e))
    st.session_state["preset_round"] = st.session_state.get("preset_round", 0) + 1
    st.rerun()
for err in st.session_state.pop("preset_errors", []):
    st.error(t("dt.preset_error", lang, why=fmt.escape_md(translate(err, lang))))
if app.presets:
    st.caption(t("dt.presets_active", lang, names=", ".join(p.name or "?" for p in app.presets)))
    if st.button(t("dt.presets_clear", lang), key="data_presets_clear"):
        state.clear_presets()
        st.rerun()

# ------------------------------------------------------------------ problems
problems = state.problems_frame(lang)
counts = state.problem_counts()
st.subheader(t("dt.problems", lang, n=len(problems)))
if problems.empty:
    st.caption(t("dt.problems_none", lang))
else:
    st.caption(
        " · ".join(
            f"{t(f'dt.sev.{k}', lang)}: {fmt.number(v, lang)}" for k, v in counts.items() if v
        )
    )
    shown = problems.head(5000).rename(columns={
        "file": t("dt.file", lang), "sheet": t("dt.sheet", lang),
        "row": t("dt.problem_row", lang), "column": t("dt.problem_column", lang),
        "value": t("dt.problem_value", lang), "problem": t("dt.problem", lang),
        "severity": t("dt.severity", lang),
    })  # fmt: skip
    st.dataframe(shown, hide_index=True, key="data_problems", placeholder=fmt.EMPTY)
    dialect = downloads.dialect_for(lang, app.csv_dialect)
    all_problems = state.all_problems("en")  # with the money ones (issue 18)
    st.download_button(
        t("dl.problems_csv", lang),
        lambda: downloads.csv_bytes(dataview.problems_frame(all_problems, "en"), dialect),
        on_click="ignore",
        file_name="problems.csv",
        mime="text/csv",
        key="data_problems_dl",
    )
