"""AppTest of saved workspaces on the Data page (issue 20, the app's part): create one
from the uploads (their mapping fixed by hand and the settings go in), open one, a wrong
passphrase, the preview of an add, the add, the removal of one file, closing; a session
token in the address that opens it again in a new session (a reload) until it is closed;
the numbers after two monthly adds equal those of the four files uploaded at once.

The months are tests/workspace_helpers.py's (January, then February repeating part of it).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import ui.state
import ui.workspace as uiws
from kpi.workspace import Scrypt, Workspace
from kpi.workspace import auth as ws_auth
from kpi.workspace.folder import FOLDER_ENV, find
from tests.test_app_data import APP, NAMES, ROOT, TICKETS, TIMEOUT, navigation_only
from tests.workspace_helpers import FEB_INVOICES, FEB_TICKETS, JAN_INVOICES, JAN_TICKETS

PASSPHRASE = "correct horse battery"
JAN = [("tickets.csv", JAN_TICKETS.encode()), ("invoices.csv", JAN_INVOICES.encode())]
FEB = [("tickets.csv", FEB_TICKETS.encode()), ("invoices.csv", FEB_INVOICES.encode())]


@dataclass(frozen=True)
class CheapScrypt(Scrypt):
    """scrypt at the lowest cost the engine accepts (the default takes half a second)."""

    n: int = 2**10


@pytest.fixture
def folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The workspaces' folder of these tests, an empty sample folder, cheap scrypt."""
    where = tmp_path / "workspaces"
    monkeypatch.setenv(FOLDER_ENV, str(where))
    empty = tmp_path / "sample"
    empty.mkdir()
    monkeypatch.setattr(ui.state, "SAMPLE_DIR", empty)
    monkeypatch.setattr(ws_auth, "Scrypt", CheapScrypt)
    navigation_only(monkeypatch)
    return where


def _session(query: dict[str, str] | None = None) -> AppTest:
    """A new session (a new browser tab, or a reload) on the Data page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if query:
        at.query_params.update(query)
    at.run()
    at.switch_page("pages/data.py").run()
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.message for e in at.exception]


def _state(at: AppTest) -> ui.state.AppState:
    state = at.session_state[ui.state._STATE_KEY]
    assert isinstance(state, ui.state.AppState)
    return state


def _upload(at: AppTest, files: list[tuple[str, bytes]]) -> None:
    uploader = next(u for u in at.get("file_uploader") if u.key.startswith("data_upload_"))
    uploader.set_value([(name, blob, "text/csv") for name, blob in files])
    at.run()
    _ok(at)


def _create(at: AppTest, name: str, first: str = PASSPHRASE, again: str | None = None) -> None:
    at.text_input(key=uiws.K_NEW_NAME).input(name)
    at.text_input(key=uiws.K_NEW_PASS).input(first)
    at.text_input(key=uiws.K_NEW_PASS2).input(first if again is None else again)
    at.button(key="ws_create").click().run()
    _ok(at)


def _open(at: AppTest, name: str, passphrase: str = PASSPHRASE) -> None:
    at.text_input(key=uiws.K_OPEN_NAME).input(name)
    at.text_input(key=uiws.K_OPEN_PASS).input(passphrase)
    at.button(key="ws_open").click().run()
    _ok(at)


#: the Data page's workspace tables: (a column only they have, their place among those)
TABLES = {
    "ws_files": ("Added", 0),  # the workspace's files
    "ws_added": ("Added", 1),  # the tables of the last add
    "ws_changes": ("Rows now", 0),  # what an add does per dataset
    "ws_preview_files": ("Confidence", 0),  # the files to add (before the files table)
    "files": ("Confidence", -1),  # every table loaded
}


def _table(at: AppTest, name: str) -> list[dict[str, object]]:
    """The rows of one of :data:`TABLES` (read-only tables have no key to find them by)."""
    column, place = TABLES[name]
    frames = [df.value for df in at.dataframe if column in df.value.columns]
    rows: list[dict[str, object]] = frames[place].to_dict("records")
    return rows


def _texts(at: AppTest, kind: str) -> list[str]:
    return [e.value for e in at.get(kind)]


def _open_ws(folder: Path, name: str) -> Workspace:
    return find(folder, name, PASSPHRASE)


# --------------------------------------------------------------------------- create, open


def test_create_from_the_uploads_with_a_mapping_fixed_by_hand_and_the_settings(
    folder: Path,
) -> None:
    at = _session()
    _upload(at, [("tickets.csv", TICKETS)])
    # the client is in "Site" for this tool: fixed by hand; a target set in the session
    next(s for s in at.selectbox if s.key and s.key.endswith("|client")).set_value("Site").run()
    _state(at).targets = {"csat": 0.9}
    assert not folder.exists()  # nothing is written until the user asks
    _create(at, "Acme IT")
    state = _state(at)
    assert state.workspace is not None and state.workspace.name == "Acme IT"
    assert "Workspace Acme IT created." in _texts(at, "success")
    # the upload went in, as fixed: the uploads are now the workspace's files
    assert state.sources == [] and state.data is not None
    assert sorted(set(state.data.tables["tickets"].column("client").to_pylist())) == [
        "Norte",
        "Sur",
    ]
    ws = _open_ws(folder, "Acme IT")
    assert [(s.name, s.dataset) for s in ws.files()] == [("tickets.csv", "tickets")]
    assert ws.settings()["targets"] == {"csat": 0.9}
    (learned,) = ws.mappings()
    assert learned.override.columns["client"] == "Site"
    # the address holds the name and a session token, never the passphrase
    assert at.query_params[uiws.QP_NAME] == "Acme IT"
    token = at.query_params[uiws.QP_TOKEN]
    assert token and PASSPHRASE not in str(at.query_params)
    assert at.session_state[uiws.K_NEW_PASS] == ""  # the passphrase is not kept

    # next month's export of the same tool maps itself (the mapping learned)
    _upload(at, [("tickets-feb.csv", TICKETS.replace(b"1,2024", b"7,2024"))])
    assert _state(at).overrides == {}
    preview_files = _table(at, "ws_preview_files")
    assert preview_files[0]["Dataset"] == "Tickets"
    at.button(key="ws_add").click().run()
    _ok(at)
    data = _state(at).data
    assert data is not None
    assert sorted(set(data.tables["tickets"].column("client").to_pylist())) == ["Norte", "Sur"]


def test_the_two_passphrases_must_match_and_a_name_be_allowed(folder: Path) -> None:
    at = _session()
    _create(at, "acme", PASSPHRASE, PASSPHRASE + "x")
    assert "The two passphrases differ; nothing was created." in _texts(at, "error")
    _create(at, "../acme")
    assert any(e.startswith("A workspace name has letters") for e in _texts(at, "error"))
    _create(at, "acme", "short", "short")
    assert "A passphrase has 8 characters at least; nothing was created." in _texts(at, "error")
    assert not (folder / "acme.duckdb").exists() and _state(at).workspace is None
    # the sample data does not go in: an empty workspace
    _create(at, "acme")
    assert _state(at).workspace is not None
    assert _open_ws(folder, "acme").files() == []
    # the name is taken now
    _session_b = _session()
    _create(_session_b, "acme")
    assert any("already exists" in e for e in _texts(_session_b, "error"))


def test_a_wrong_passphrase_says_so_and_the_right_one_opens(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    at.button(key="ws_close").click().run()
    _ok(at)
    assert _state(at).workspace is None

    other = _session()
    _open(other, "acme", "not the passphrase")
    wrong = (
        "No workspace with this name and passphrase. Check both; after a wrong try, each "
        "new one waits a little longer."
    )
    assert wrong in _texts(other, "error")
    assert _state(other).workspace is None
    # a name that does not exist: the same message
    _open(other, "nobody", PASSPHRASE)
    assert wrong in _texts(other, "error")
    _open(other, "acme")
    state = _state(other)
    assert state.workspace is not None and "Workspace acme opened." in _texts(other, "success")
    assert state.data is not None and state.data.rows("tickets") == 3
    files = _table(other, "ws_files")
    assert [(f["File"], f["Read"], f["Loaded"]) for f in files] == [
        ("tickets.csv", 3, 3),
        ("invoices.csv", 2, 2),
    ]


# --------------------------------------------------------------------------- add, remove


def test_preview_add_remove_and_the_counts(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    _upload(at, FEB)
    changes = {r["Dataset"]: r for r in _table(at, "ws_changes")}
    # hand-checked (tests/test_workspace.py): tickets 3 before; T4 new, T2 updated, T3
    # found again and kept once -> 4; invoices 2 before; I3 new, I2 found again -> 3
    assert [
        (r["Rows now"], r["Rows after"], r["New"], r["Updated"], r["Duplicates kept once"])
        for r in changes.values()
    ] == [(3, 4, 1, 1, 1), (2, 3, 1, 0, 1)]
    assert list(changes) == ["Tickets", "Invoices"]
    assert len(_open_ws(folder, "acme").files()) == 2  # a preview writes nothing
    # the workspace's files are listed with their own counts, not merged with the uploads
    saved = _table(at, "ws_files")
    assert [(r["Read"], r["Loaded"], r["Merged"]) for r in saved] == [(3, 3, 0), (2, 2, 0)]
    at.button(key="ws_add").click().run()
    _ok(at)
    assert "2 file(s) added to workspace acme." in _texts(at, "success")
    assert _state(at).sources == []
    # read = loaded + merged + rejected per table, once merged: the later export keeps
    # its rows, January's versions of T2, T3 and I2 are counted merged (kpi.load's rule
    # for files loaded together, the same counts as tests/test_workspace.py)
    added = _table(at, "ws_added")
    assert [(r["File"], r["Read"], r["Loaded"], r["Merged"], r["Rejected"]) for r in added] == [
        ("tickets.csv", 3, 3, 0, 0),
        ("invoices.csv", 2, 2, 0, 0),
    ]
    files = _table(at, "ws_files")
    assert [(r["Read"], r["Loaded"], r["Merged"], r["Rejected"]) for r in files] == [
        (3, 1, 2, 0),
        (2, 1, 1, 0),
        (3, 3, 0, 0),
        (2, 2, 0, 0),
    ]

    # remove February's tickets: asked, then confirmed
    ws = _open_ws(folder, "acme")
    feb_tickets = ws.files()[2]
    at.selectbox(key="ws_remove_pick").set_value(feb_tickets.file_id).run()
    at.button(key="ws_remove").click().run()
    _ok(at)
    assert any("Remove the rows of tickets" in w for w in _texts(at, "warning"))
    assert len(ws.files()) == 4  # not before the confirmation
    at.button(key="ws_remove_yes").click().run()
    _ok(at)
    assert len(ws.files()) == 3
    assert feb_tickets.table_id not in [s.table_id for s in ws.files()]
    data = _state(at).data
    assert data is not None and data.rows("tickets") == 3 and data.rows("invoices") == 3


def test_a_table_held_is_confirmed_first_and_one_not_recognised_left_out(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    _upload(at, [("nombres.csv", NAMES), ("notes.csv", b"Foo,Bar\n1,2\n")])
    # the list of names is read as staff with low confidence: the add waits for it
    assert at.button(key="ws_add").disabled
    assert any("read with low confidence" in w for w in _texts(at, "warning"))
    assert any("is not recognised and will not be added" in w for w in _texts(at, "warning"))
    next(b for b in at.button if b.key and b.key.startswith("confirm|")).click().run()
    _ok(at)
    assert not at.button(key="ws_add").disabled
    at.button(key="ws_add").click().run()
    _ok(at)
    assert any("was not added: it was not recognised" in w for w in _texts(at, "warning"))
    ws = _open_ws(folder, "acme")
    assert [(s.name, s.dataset) for s in ws.files()][2:] == [("nombres.csv", "staff")]
    # the confirmation is learned for that header row
    assert any(m.override.dataset == "staff" for m in ws.mappings())


def test_every_page_runs_with_a_workspace_open_and_uploads_waiting(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    _upload(at, FEB)
    for script in sorted((ROOT / "pages").glob("*.py")):
        at.switch_page(f"pages/{script.name}").run()
        _ok(at)
        assert not [e.value for e in at.error], script.name
    at.session_state[ui.state.K_LANG] = "es"
    at.switch_page("pages/data.py").run()
    _ok(at)
    assert "Espacio de trabajo acme" in [h.value for h in at.subheader]
    assert "Añadir los 2 archivo(s) subido(s)" in [h.value for h in at.subheader]


def test_discard_the_uploads_writes_nothing(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    _upload(at, FEB)
    at.button(key="ws_discard").click().run()
    _ok(at)
    assert _state(at).sources == []
    assert len(_open_ws(folder, "acme").files()) == 2


def _dashboard_numbers(at: AppTest) -> list[tuple[str, str, str | None]]:
    at.switch_page("pages/overview.py").run()
    _ok(at)
    shown = [(m.label, m.value, m.delta) for m in at.metric]
    at.switch_page("pages/data.py").run()
    return shown


def test_two_monthly_adds_show_the_numbers_of_the_files_loaded_at_once(folder: Path) -> None:
    monthly = _session()
    _upload(monthly, JAN)
    _create(monthly, "acme")
    _upload(monthly, FEB)
    monthly.button(key="ws_add").click().run()
    _ok(monthly)

    at_once = _session()
    _upload(at_once, [(f"2025-01 {n}", b) for n, b in JAN] + [(f"2025-02 {n}", b) for n, b in FEB])

    def counts(at: AppTest) -> list[tuple[object, ...]]:
        return [
            (r["Dataset"], r["Read"], r["Loaded"], r["Merged"], r["Rejected"])
            for r in _table(at, "files")
        ]

    assert counts(monthly) == counts(at_once)
    numbers = _dashboard_numbers(monthly)
    assert numbers and numbers == _dashboard_numbers(at_once)
    a, b = _state(monthly).data, _state(at_once).data
    assert a is not None and b is not None
    for name in ("tickets", "invoices"):
        assert sorted(map(repr, a.tables[name].to_pylist())) == sorted(
            map(repr, b.tables[name].to_pylist())
        )


# --------------------------------------------------------------------------- settings


def test_settings_changed_while_open_are_saved_to_the_workspace(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    at.switch_page("pages/settings.py").run()
    _ok(at)
    assert at.selectbox(key="settings_tz").disabled  # the workspace's zone stays
    box = next(n for n in at.number_input if n.key and n.key.startswith("tg_fcr_rate_"))
    box.set_value(77.0).run()
    _ok(at)
    assert _open_ws(folder, "acme").settings()["targets"] == {"fcr_rate": pytest.approx(0.77)}
    # a new session opening it finds the target
    other = _session()
    _open(other, "acme")
    assert _state(other).targets == {"fcr_rate": pytest.approx(0.77)}


def test_settings_wait_while_another_session_adds(folder: Path) -> None:
    from kpi.workspace.lock import locked

    at = _session()
    _create(at, "acme")
    ws = _state(at).workspace
    assert ws is not None
    ws.wait = 0.1  # the session gives up at once rather than after 10 s
    with locked(ws.path, exclusive=True):  # another session's add, running
        _state(at).targets = {"csat": 0.8}
        at.run()
        _ok(at)
        assert any("busy" in toast.value for toast in at.toast)
    assert "targets" not in _open_ws(folder, "acme").settings()
    at.run()  # the next step saves them
    _ok(at)
    assert _open_ws(folder, "acme").settings()["targets"] == {"csat": 0.8}


# --------------------------------------------------------------------------- reload, close


def test_the_token_reopens_it_in_a_new_session_until_closed(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    query = {k: str(v) for k, v in at.query_params.items()}
    assert set(query) == {uiws.QP_NAME, uiws.QP_TOKEN}
    # a page switch empties the address; the run puts the workspace back in it
    at.query_params.clear()
    at.switch_page("pages/overview.py").run()
    assert {k: str(v) for k, v in at.query_params.items()} == query
    at.switch_page("pages/data.py").run()

    reloaded = _session(query)
    state = _state(reloaded)
    assert state.workspace is not None and state.workspace.name == "acme"
    assert state.data is not None and state.data.rows("tickets") == 3
    assert "Workspace: acme" in [c.value for c in reloaded.sidebar.caption]

    # closing revokes the token: the same address opens nothing and asks the passphrase
    reloaded.button(key="ws_close").click().run()
    _ok(reloaded)
    assert _state(reloaded).workspace is None
    assert uiws.QP_TOKEN not in reloaded.query_params
    again = _session(query)
    assert _state(again).workspace is None
    assert any("has ended" in w for w in _texts(again, "warning"))
    assert any("has ended" in w.value for w in again.sidebar.warning)
    assert again.text_input(key=uiws.K_OPEN_NAME).value == "acme"
    assert uiws.QP_TOKEN not in again.query_params


def test_opening_before_any_workspace_exists_says_wrong_passphrase(folder: Path) -> None:
    at = _session()
    assert not folder.exists()
    _open(at, "acme")
    assert any(
        e.startswith("No workspace with this name and passphrase") for e in _texts(at, "error")
    )
    assert _state(at).workspace is None


def test_another_session_sees_nothing_of_it(folder: Path) -> None:
    at = _session()
    _upload(at, JAN)
    _create(at, "acme")
    other = _session()
    state = _state(other)
    assert state.workspace is None and dict(other.query_params) == {}
    assert state.data is not None and state.data.tables == {}  # the (empty) sample only
    assert not any("acme" in c.value for c in other.sidebar.caption)


def test_an_expired_token_opens_nothing(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = _session()
    _create(at, "acme")
    ws = _open_ws(folder, "acme")
    from datetime import timedelta

    expired = ws.issue_token(ttl=timedelta(seconds=-1))
    again = _session({uiws.QP_NAME: "acme", uiws.QP_TOKEN: expired})
    assert _state(again).workspace is None
    assert any("has ended" in w for w in _texts(again, "warning"))


def test_closing_goes_back_to_the_sample_and_the_default_settings(folder: Path) -> None:
    (ui.state.SAMPLE_DIR / "tickets.csv").write_bytes(TICKETS)
    at = _session()
    assert _state(at).kind == "sample"
    _create(at, "acme")
    assert _state(at).kind == "none" and _state(at).sources == []
    _state(at).thresholds = {"sla_low": 0.2}
    at.run()
    at.button(key="ws_close").click().run()
    _ok(at)
    state = _state(at)
    assert state.workspace is None and state.kind == "sample" and state.thresholds == {}
    assert _open_ws(folder, "acme").settings()["thresholds"] == {"sla_low": 0.2}


def test_the_settings_round_trip_through_the_workspaces_json() -> None:
    from datetime import date

    app = ui.state.AppState(
        targets={"utilization": (0.6, 0.8), "csat": 0.95},
        thresholds={"sla_low": 0.85},
        currency="USD",
        currency_chosen=True,
        rates={"USD": {"EUR": 1.1}, "GBP": {}},
        csv_dialect="semicolon",
        as_of=date(2025, 3, 31),
    )
    saved = uiws.settings_of(app)
    assert saved["targets"] == {"utilization": [0.6, 0.8], "csat": 0.95}  # JSON's shape
    assert saved["rates"] == {"USD": {"EUR": 1.1}} and saved["as_of"] == "2025-03-31"
    again = ui.state.AppState()
    uiws._apply_settings(again, saved)
    # a range target is a tuple again (the Settings page and the engine expect one)
    assert again.targets == {"utilization": (0.6, 0.8), "csat": 0.95}
    assert (again.currency, again.currency_chosen) == ("USD", True)
    assert (again.csv_dialect, again.as_of) == ("semicolon", date(2025, 3, 31))
    assert uiws.settings_of(again) == saved
    # nothing set: the defaults
    uiws._apply_settings(again, {})
    assert uiws.settings_of(again) == uiws.settings_of(ui.state.AppState())
    assert (again.currency, again.currency_chosen, again.targets) == ("EUR", False, {})
