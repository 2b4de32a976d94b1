"""The engine's problems and reading notes in Spanish (issue 22: "the mapping notes and
half of each error message stay English"): :mod:`kpi.texts.messages`.

The engine writes them in English (problems.csv, the CLI, saved workspaces); the Data page
shows them through :func:`kpi.texts.messages.translate`. Awkward files here make the
engine write many of its messages; each must have a catalog entry (a Spanish text that is
not the English one).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kpi import LoadOptions, load_files
from kpi.model import LoadedData
from kpi.texts import CATALOGS
from kpi.texts.messages import message_keys, translate, translate_all

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data"


def text(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


# a ticket export with a report title, blank and short rows, bad and missing dates and a
# totals line; a second copy of one ticket in a later file (event log merge)
TICKETS = text(
    "Ticket report",
    "Ticket ID,Created,Resolved,Status,Client,Hours",
    "T1,2025-03-03,2025-03-04,Resolved,Acme,1.5",
    "",
    "T2,2025-03-05,,Resolved,Acme,x",
    "T3,not a day,,Open,Acme,1",
    "T4,,,Open,Acme,1",
    "T5,2025-03-06,2025-03-01,Closed,Acme,1",
    "T6,2025-03-06",
    "T7,2025-03-06,,Open,Acme,1,extra,more",
    "Total,,,,,4.5",
)
TICKETS_LATER = text(
    "Ticket ID,Created,Resolved,Status,Client",
    "T1,2025-03-03,2025-03-05,Resolved,Acme",
)
# a Spanish contract list: decimal commas, day-first dates, a billing period nobody knows,
# a one-time charge
CONTRACTS = text(
    "Contrato;Cliente;Cuota;Periodicidad;Fecha inicio;Fecha fin",
    "K1;Acme;1.200,50;Mensual;15/03/2023;31/03/2026",
    "K2;Acme;300,00;Quincenal;01/01/2024;",
    "K3;Acme;99,90;Pago único;01/02/2024;",
)
TIME_ENTRIES = text(
    "Technician,Date,Hours,Client",
    "Ana,2025-03-03,0,Acme",
    "Ana,2025-03-04,1:30,Acme",
)
STAFF = text(
    "Technician,Hourly Cost",
    "Ana,30",
    "Ana,35",
)
UNRECOGNISED = text("Foo,Bar", "1,2")


def _texts(data: LoadedData) -> set[str]:
    """Every problem, note and recognition error the engine wrote for ``data``."""
    out = {p.problem for p in data.problems} | set(data.notes)
    for f in data.files:
        out |= set(f.notes)
        if f.error:
            out.add(f.error)
    return out


@pytest.fixture(scope="module")
def awkward() -> set[str]:
    data = load_files(
        [
            ("tickets.csv", TICKETS),
            ("tickets_later.csv", TICKETS_LATER),
            ("contratos.csv", CONTRACTS),
            ("time.csv", TIME_ENTRIES),
            ("staff.csv", STAFF),
            ("foo.csv", UNRECOGNISED),
        ],
        LoadOptions(),
    )
    found = _texts(data)
    assert len(found) > 15, found  # the files say many things
    return found


def test_every_message_of_awkward_files_has_a_spanish_text(awkward: set[str]) -> None:
    english = [m for m in sorted(awkward) if translate(m, "es") == m]
    assert english == []


def test_every_message_of_the_sample_data_has_a_spanish_text() -> None:
    files = [
        (p.name, p.read_bytes()) for p in sorted(SAMPLE.iterdir()) if p.suffix in (".csv", ".xlsx")
    ]
    found = _texts(load_files(files, LoadOptions()))
    assert found  # the sample's column notes (day-first, decimal comma...) and merges
    assert [m for m in sorted(found) if translate(m, "es") == m] == []


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        ("blank row", "fila en blanco"),
        # a message inside a message
        (
            "not a date (expected mm/dd/yyyy); left empty",
            "no es una fecha (se esperaba mm/dd/yyyy); se deja vacío",
        ),
        (
            "start_date (Fecha inicio): day-first (ambiguous; language es)",
            "start_date (Fecha inicio): día primero (ambiguo; idioma es)",
        ),
        # the most specific entry wins: "more than" is not a count of fields
        ("has more than 2 fields, the header has 2", "tiene más de 2 campos y la cabecera tiene 2"),
        # a value seen twice is the same value
        (
            "written in another currency than the amount; the amount's currency is used",
            "escrito en otra moneda que amount; se usa la moneda de amount",
        ),
        # several messages joined by "; ", one of them holding a "; " of its own
        (
            "not recognised as any dataset (contracts lacks amount; devices lacks device_id)."
            " Rename the columns or map them by hand",
            "no se reconoce como ningún conjunto (a contracts le falta amount; a devices le"
            " falta device_id). Renombra las columnas o asígnalas a mano",
        ),
    ],
)
def test_translate(english: str, spanish: str) -> None:
    assert translate(english, "es") == spanish
    assert translate(english, "en") == english


def test_a_text_no_entry_matches_stays_as_written() -> None:
    assert translate("Acme; a client", "es") == "Acme; a client"
    assert translate("", "es") == ""


def test_translate_all_matches_each_distinct_text_once() -> None:
    assert translate_all(["blank row", "blank row", "x"], "es") == {
        "blank row": "fila en blanco",
        "x": "x",
    }


def test_every_message_entry_is_a_text_of_its_own_in_spanish() -> None:
    # an entry left in English would pass the checks above without translating anything
    same = [k for k in message_keys() if CATALOGS["es"][k] == CATALOGS["en"][k]]
    assert same == ["load.msg.column_note"]  # "{column} ({header}): {note}" in both


HOSTILE = Path(__file__).resolve().parent / "hostile"


def _refused(name: str, blob: bytes) -> str | None:
    """Why the engine refuses a file (``UnreadableFileError.why``), None if it reads it."""
    from kpi.errors import UnreadableFileError

    try:
        load_files([(name, blob)], LoadOptions())
    except UnreadableFileError as e:
        return e.why
    return None


@pytest.mark.parametrize(
    ("name", "blob"),
    [
        ("empty.csv", b""),
        ("image.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
        ("report.xlsx", b"%PDF-1.7\n" + b"x" * 64),
        ("export.json", b"{not json"),
        ("export.json", b'{"name": "x", "id": 1}'),
        ("export.json", b"[1, 2, 3]"),
        ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>"),
        ("data.xml", b'<?xml version="1.0"?><rows><row a="1"/></rows>'),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_why_a_file_cannot_be_read_has_a_spanish_text(name: str, blob: bytes) -> None:
    why = _refused(name, blob)
    assert why is not None, name
    assert translate(why, "es") != why, why


@pytest.mark.parametrize(
    "path", sorted(p for p in HOSTILE.iterdir() if p.suffix != ".md"), ids=lambda p: p.name
)
def test_what_the_hostile_files_make_the_engine_say_has_a_spanish_text(path: Path) -> None:
    # tests/hostile/: refused (why), or read with problems and notes
    from kpi.errors import UnreadableFileError

    try:
        said = _texts(load_files([(path.name, path.read_bytes())], LoadOptions()))
    except UnreadableFileError as e:
        said = {e.why}
    assert [m for m in sorted(said) if translate(m, "es") == m] == []


@pytest.mark.parametrize(
    "preset",
    [
        [],
        {"dataset": "tickets", "colour": 1},
        {"dataset": "ticketz"},
        {"dataset": "tickets", "columns": ["ticket_id"]},
        {"columns": {"ticket_id": "Id"}},
        {"dataset": "tickets", "columns": {"nope": "Id"}},
        {"dataset": "tickets", "options": []},
        {"dataset": "tickets", "options": {"nope": 1}},
        {"dataset": "tickets", "options": {"day_first": "yes"}},
        {"dataset": "tickets", "options": {"decimal": ";"}},
        {"dataset": "surveys", "options": {"csat_scale": 6}},
        {"dataset": "tickets", "options": {"resolved_statuses": [""]}},
        {"dataset": "contracts", "options": {"billing_months": {"Bienal": 0}}},
    ],
)
def test_why_a_preset_is_refused_has_a_spanish_text(preset: object) -> None:
    from kpi.errors import PresetError
    from kpi.load.presets import parse_preset

    with pytest.raises(PresetError) as refused:
        parse_preset(preset, "p.json")
    why = str(refused.value)
    assert translate(why, "es") != why, why


def test_every_entry_is_read_back_as_itself() -> None:
    # each entry, filled in, is recognised as that entry and no other (an entry that
    # another one's text also matches would be shown with the wrong words)
    import re

    from kpi.texts import t
    from kpi.texts.messages import english

    wrong = []
    for key in message_keys():
        names = dict.fromkeys(re.findall(r"\{(\w+)\}", CATALOGS["en"][key]))
        values = {name: f"v{i}" for i, name in enumerate(names)}
        written = english(key, **values)
        if translate(written, "es") != t(key, "es").format(**values):
            wrong.append(key)
    assert wrong == []
