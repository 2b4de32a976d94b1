"""Mapping presets (docs/CLI.md "Mapping preset", docs/DETAILS.md 35): validation, matching,
applying."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from kpi import LoadOptions, load_files
from kpi.cli import main
from kpi.errors import PresetError
from kpi.load.presets import Preset, load_preset, parse_preset, preset_from_mapping

# A Spanish MSP's home-made sheet: no header is a known alias except "Estado"
SHEET = "Nro,Abierta el,Local,Estado\nA-7,2025-03-04 10:00,Bar Pepe,Abierto\n"
PRESET = {
    "dataset": "tickets",
    "columns": {"ticket_id": "Nro", "created_at": "Abierta el", "client": "Local"},
}


def write_json(path: Path, obj: Any) -> Path:
    path.write_text(json.dumps(obj), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- validation


def test_load_preset_reads_the_documented_format(tmp_path: Path) -> None:
    doc = {"dataset": "tickets",
           "columns": {"ticket_id": "number", "created_at": "opened_at", "client": "location"},
           "options": {"day_first": True, "csat_scale": 5, "sheet": "Tickets"}}  # fmt: skip
    p = load_preset(write_json(tmp_path / "servicenow.json", doc))
    assert p.dataset == "tickets"
    assert p.columns == doc["columns"]
    assert p.options == doc["options"]
    assert p.name == "servicenow.json"


def test_load_preset_accepts_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(PRESET).encode())
    assert load_preset(path).columns == PRESET["columns"]


def test_bad_json_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"dataset": "tickets", "columns": {', encoding="utf-8")
    with pytest.raises(PresetError, match=r"^broken\.json: not valid JSON"):
        load_preset(path)


def test_missing_preset_file_is_a_preset_error(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match=r"^absent\.json: cannot read the preset"):
        load_preset(tmp_path / "absent.json")


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ([PRESET], "a preset is a JSON object"),
        ({**PRESET, "colums": {}}, "unknown key(s) colums"),
        ({"dataset": "tikets", "columns": {}}, "unknown dataset 'tikets'"),
        (
            {"dataset": "tickets", "columns": {"ticket_number": "Nro"}},
            "tickets has no column(s) ticket_number",
        ),
        # derived columns are computed, never mapped
        (
            {"dataset": "tickets", "columns": {"resolved": "Fecha"}},
            "tickets has no column(s) resolved",
        ),
        ({"columns": {"ticket_id": "Nro"}}, "columns need a dataset"),
        (
            {"dataset": "tickets", "columns": {"ticket_id": 3}},
            "columns must map canonical names to source headers",
        ),
        ({"dataset": "tickets", "options": {"dayfirst": True}}, "unknown option 'dayfirst'"),
        (
            {"dataset": "surveys", "options": {"csat_scale": "5"}},
            "option csat_scale has the wrong type",
        ),
        (
            {"dataset": "surveys", "options": {"csat_scale": True}},
            "option csat_scale has the wrong type",
        ),
        ({"dataset": "surveys", "options": {"csat_scale": 6}}, "csat_scale must be one of"),
        ({"dataset": "tickets", "options": {"decimal": ";"}}, "option decimal must be"),
        ({"dataset": "tickets", "options": []}, "options must be an object"),
        # issue 18: the lists of status words and months per billing period
        (
            {"dataset": "tickets", "options": {"resolved_statuses": "Cerrado"}},
            "option resolved_statuses has the wrong type",
        ),
        (
            {"dataset": "tickets", "options": {"resolved_statuses": ["Cerrado", 3]}},
            "resolved_statuses must be a list of status texts",
        ),
        (
            {"dataset": "tickets", "options": {"resolved_statuses": ["  "]}},
            "resolved_statuses must be a list of status texts",
        ),
        (
            {"options": {"billing_months": [["Bienal", 24]]}},
            "option billing_months has the wrong type",
        ),
        *(
            ({"options": {"billing_months": {"Quincenal": bad}}}, "billing_months must map")
            for bad in (0.5, 0, -3, True, "6", 1201, None)
        ),
        ({"options": {"billing_months": {"": 6}}}, "billing_months must map"),
    ],
)
def test_invalid_presets_say_what_is_wrong(obj: Any, message: str) -> None:
    with pytest.raises(PresetError) as err:
        parse_preset(obj, "mine.json")
    assert str(err.value).startswith("mine.json: ")
    assert message in str(err.value)


def test_preset_status_words_and_billing_months_round_trip(tmp_path: Path) -> None:
    options = {
        "resolved_statuses": ["Cerrado por cliente", "Closed (auto)"],
        "billing_months": {"Cada 4 meses": 4, "Bienal": 24, "Every other year": 24},
    }
    made = preset_from_mapping("contracts", {"contract_id": "Nro"}, options)
    again = load_preset(write_json(tmp_path / "saved.json", made.to_json()))
    assert again.options == options


def test_preset_from_mapping_round_trips(tmp_path: Path) -> None:
    made = preset_from_mapping(
        "tickets", {"ticket_id": "Nro", "created_at": "Abierta el"}, {"day_first": True}
    )
    path = write_json(tmp_path / "saved.json", made.to_json())
    again = load_preset(path)
    assert again.dataset == "tickets"
    assert again.columns == {"ticket_id": "Nro", "created_at": "Abierta el"}
    assert again.options == {"day_first": True}
    assert json.loads(path.read_text()) == {
        "dataset": "tickets",
        "columns": {"ticket_id": "Nro", "created_at": "Abierta el"},
        "options": {"day_first": True},
    }
    with pytest.raises(PresetError):
        preset_from_mapping("tickets", {"nonsense": "Nro"})


# --------------------------------------------------------------------------- matching


def test_preset_matches_only_when_all_its_source_columns_are_there() -> None:
    p = parse_preset(PRESET)
    assert p.matches(["Nro", "Abierta el", "Local", "Estado"])
    # folded like recognition (docs/DETAILS.md 35): case, accents, punctuation
    assert p.matches(["NRO", "abierta_el", "LOCAL"])
    assert not p.matches(["Nro", "Abierta el"])  # no "Local"


def test_preset_sheet_option_limits_it_to_that_sheet() -> None:
    p = Preset("tickets", {"ticket_id": "Nro"}, {"sheet": "Tickets"})
    assert p.matches(["Nro"], sheet="tickets")
    assert not p.matches(["Nro"], sheet="Resumen")
    assert not p.matches(["Nro"], sheet=None)


def test_preset_forces_the_dataset_and_maps_unknown_headers() -> None:
    files = [("bar.csv", SHEET.encode())]
    # without the preset, nothing is recognised: the table is reported, every row rejected
    plain = load_files(files)
    assert plain.files[0].dataset is None and plain.files[0].error
    assert plain.files[0].rows_rejected == plain.files[0].rows_read == 1

    data = load_files(files, LoadOptions(presets=[parse_preset(PRESET)]))
    f = data.files[0]
    assert f.dataset == "tickets"
    # the preset's columns, and the rest ("Estado") mapped automatically
    assert f.mapping == {"ticket_id": "Nro", "created_at": "Abierta el", "client": "Local",
                         "status": "Estado"}  # fmt: skip
    assert data.tables["tickets"].column("created_at").to_pylist() == [
        datetime(2025, 3, 4, 10, 0)]  # fmt: skip
    assert data.tables["tickets"].column("client").to_pylist() == ["Bar Pepe"]


def test_preset_columns_win_over_the_automatic_mapping() -> None:
    # "Created" would be created_at by alias; the preset says the open date is "Opened on"
    csv = b"Ticket #,Created,Opened on\nT1,2025-03-09,2025-03-01\n"
    p = parse_preset({"dataset": "tickets", "columns": {"created_at": "Opened on"}})
    data = load_files([("t.csv", csv)], LoadOptions(presets=[p]))
    assert data.files[0].mapping == {"ticket_id": "Ticket #", "created_at": "Opened on"}
    assert data.tables["tickets"].column("created_at").to_pylist() == [datetime(2025, 3, 1)]


def test_preset_applies_only_to_files_with_all_its_columns() -> None:
    other = b"Ticket #,Created,Abierta el\nT1,2025-03-09,2025-03-01\n"  # no Nro, no Local
    data = load_files(
        [("bar.csv", SHEET.encode()), ("other.csv", other)],
        LoadOptions(presets=[parse_preset(PRESET)]),
    )
    bar, rest = data.files
    assert bar.mapping["created_at"] == "Abierta el"
    # the preset does not apply: automatic recognition, "Created" by alias
    assert rest.mapping == {"ticket_id": "Ticket #", "created_at": "Created"}


def test_preset_options_reach_the_values() -> None:
    # 01/02/2025 and 03/04/2025 are ambiguous; English reads them month-first
    csv = b"Ticket #,Created\nT1,01/02/2025\nT2,03/04/2025\n"
    plain = load_files([("t.csv", csv)])
    assert plain.tables["tickets"].column("created_at").to_pylist() == [
        datetime(2025, 1, 2), datetime(2025, 3, 4)]  # fmt: skip
    p = parse_preset({"dataset": "tickets", "columns": {"ticket_id": "Ticket #"},
                      "options": {"day_first": True}})  # fmt: skip
    data = load_files([("t.csv", csv)], LoadOptions(presets=[p]))
    assert data.tables["tickets"].column("created_at").to_pylist() == [
        datetime(2025, 2, 1), datetime(2025, 4, 3)]  # fmt: skip


# --------------------------------------------------------------------------- CLI


def test_cli_preset_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sheet = tmp_path / "bar.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    preset = write_json(tmp_path / "bar_preset.json", PRESET)
    assert main(["inspect", str(sheet), "--preset", str(preset)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == "bar.csv,,tickets,1,1,0,0,0"


def test_cli_bad_preset_exits_2_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "bar.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    preset = tmp_path / "bad_preset.json"
    preset.write_text("{not json", encoding="utf-8")
    assert main(["inspect", str(sheet), "--preset", str(preset)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "bad_preset.json" in err[0] and "not valid JSON" in err[0]


def test_default_as_of_with_a_preset_mapped_date() -> None:
    # the preset-mapped created_at feeds the default as_of like any other
    data = load_files([("bar.csv", SHEET.encode())], LoadOptions(presets=[parse_preset(PRESET)]))
    assert data.as_of == date(2025, 3, 4)
