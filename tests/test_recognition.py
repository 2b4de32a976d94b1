"""Recognition weighs all the headers, the evidence and the content (issue 18, item 1).

Regression tests on small synthetic files of the shapes that were read wrongly: a Spanish
projects sheet read as staff (14 project names became technicians with 40 h weeks), a
ticket audit log read as staff (3,113 technicians), and the rules that keep a guess out of
the KPIs: richer datasets win, evidence and a roster's content decide the confidence, a
low-confidence table is held until confirmed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pyarrow as pa
import pytest
from kpi_helpers import pick

from kpi import LoadOptions, load_files
from kpi.errors import UnrecognisedDatasetError
from kpi.load import Override, assemble, read_file
from kpi.load.presets import parse_preset
from kpi.load.reasons import held_message
from kpi.load.recognize import recognize
from kpi.model import LoadedData
from kpi.report import ReportOptions, compute_report

# --------------------------------------------------------------------------- fixtures

# Staff and a week of time entries (Mon 3 - Fri 7 March 2025, 5 weekdays):
#   available = Ana 40 h/week + Beto 20 h/week = 60 h in the week
#   billable  = Ana 8 + 6 (the 4 h of the 5th are not billable) + Beto 4 + 3 = 21 h
#   utilisation = 21 / 60 = 0.35
STAFF_ES = "Técnico;Coste hora;Horas semanales\nAna Ruiz;30;40\nBeto Gil;25;20\n"
TIME_ES = (
    "Técnico;Fecha;Horas;Facturable\n"
    "Ana Ruiz;03/03/2025;8;Sí\n"
    "Ana Ruiz;04/03/2025;6;Sí\n"
    "Ana Ruiz;05/03/2025;4;No\n"
    "Beto Gil;03/03/2025;4;Sí\n"
    "Beto Gil;06/03/2025;3;Sí\n"
)
WEEK = ReportOptions(start=date(2025, 3, 3), end=date(2025, 3, 7), as_of=date(2025, 3, 7))
UTILISATION = 21 / 60

# The Spanish projects sheet: 14 projects, report date D = 7 March 2025.
#   completed (docs/KPIS.md 8): PR-01 "Cerrado", PR-02 100 %, PR-03 closed 28/02 <= D,
#                          PR-14 "Finalizado"                                   -> 4
#   not started (start after D): PR-11, PR-12                                   -> 2
#   active: PR-04..PR-10 and PR-13                                               -> 8
PROJECT_HEADERS = (
    "Código de proyecto;Nombre;Cliente;Estado;Fecha inicio;Fecha prevista fin;"
    "Horas presupuestadas;% completado;Fecha cierre"
)
PROJECT_ROWS = (
    "PR-01;Migración correo;Acme;Cerrado;07/10/2024;31/01/2025;40;100 %;30/01/2025\n"
    "PR-02;Renovación firewall;Beta;En curso;04/11/2024;28/02/2025;24;100 %;\n"
    "PR-03;Copias en la nube;Acme;En curso;02/12/2024;28/02/2025;30;90 %;28/02/2025\n"
    "PR-04;Wifi almacén;Gamma;En curso;13/01/2025;30/04/2025;60;40 %;\n"
    "PR-05;Portátiles comerciales;Beta;En curso;20/01/2025;31/03/2025;16,5;50 %;\n"
    "PR-06;Intranet;Delta;En curso;03/02/2025;30/06/2025;120;10 %;\n"
    "PR-07;Telefonía IP;Acme;En curso;10/02/2025;31/05/2025;45;20 %;\n"
    "PR-08;Auditoría seguridad;Gamma;En curso;17/02/2025;15/03/2025;20;60 %;\n"
    "PR-09;Servidor de ficheros;Delta;En curso;24/02/2025;30/04/2025;35;5 %;\n"
    "PR-10;MFA para todos;Beta;En curso;03/03/2025;31/03/2025;12;0 %;\n"
    "PR-11;ERP fase 2;Acme;Planificado;01/04/2025;30/09/2025;200;0 %;\n"
    "PR-12;Cableado oficina;Gamma;Planificado;05/05/2025;30/05/2025;18;0 %;\n"
    "PR-13;Impresoras;Delta;En curso;06/01/2025;28/02/2025;10;70 %;\n"
    "PR-14;Antivirus gestionado;Beta;Finalizado;02/09/2024;31/10/2024;8;100 %;31/10/2024\n"
)
PROJECTS_ES = PROJECT_HEADERS + "\n" + PROJECT_ROWS


def es(*files: tuple[str, str]) -> LoadedData:
    return load_files([(n, t.encode("utf-8")) for n, t in files], LoadOptions(lang="es"))


def report_of(data: LoadedData, name: str):  # type: ignore[no-untyped-def]
    (f,) = [f for f in data.files if f.file == name]
    return f


def utilisation(data: LoadedData) -> float:
    return pick(compute_report(data, WEEK), "utilization")


# --------------------------------------------------------------------------- projects


def test_the_spanish_projects_sheet_is_projects_and_utilisation_is_unchanged() -> None:
    alone = es(("tecnicos.csv", STAFF_ES), ("partes.csv", TIME_ES))
    assert utilisation(alone) == pytest.approx(UTILISATION)

    data = es(("tecnicos.csv", STAFF_ES), ("partes.csv", TIME_ES), ("proyectos.csv", PROJECTS_ES))
    f = report_of(data, "proyectos.csv")
    assert (f.dataset, f.confidence, f.error) == ("projects", "high", None)
    assert f.mapping == {
        "project_id": "Código de proyecto",
        "name": "Nombre",
        "client": "Cliente",
        "status": "Estado",
        "start_date": "Fecha inicio",
        "due_date": "Fecha prevista fin",
        "budget_hours": "Horas presupuestadas",
        "percent_complete": "% completado",
        "closed_at": "Fecha cierre",
    }
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (14, 14, 0)
    # the 14 project names are not technicians: staff is the two of tecnicos.csv
    assert data.tables["staff"].column("technician").to_pylist() == ["Ana Ruiz", "Beto Gil"]
    # 21 billable hours / 60 available hours, as without the projects sheet (the wrong
    # reading gave 60 + 14 x 40 = 620 available hours: 21 / 620 = 3.4 %)
    assert utilisation(data) == pytest.approx(UTILISATION)
    # the project KPIs are there: 8 active projects at D (worked out above)
    assert pick(compute_report(data, WEEK), "projects_active") == 8
    assert data.tables["projects"].column("budget_hours").to_pylist()[4] == 16.5


def test_a_projects_sheet_without_a_project_id_is_not_read_as_staff() -> None:
    # the richer dataset wins the argument: projects finds 8 columns and lacks only the
    # id; staff would find 1 ("Nombre"). Not recognised, and the message says why.
    sheet = PROJECTS_ES.replace("Código de proyecto", "Ref. interna", 1)
    data = es(("tecnicos.csv", STAFF_ES), ("partes.csv", TIME_ES), ("proyectos.csv", sheet))
    f = report_of(data, "proyectos.csv")
    assert f.dataset is None and f.error is not None
    assert "looks like projects (8 columns found" in f.error
    assert "no column was found for project_id" in f.error
    assert "as staff it would use only 1 (technician <- Nombre)" in f.error
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (14, 0, 14)
    assert "projects" not in data.tables
    assert data.tables["staff"].num_rows == 2
    assert utilisation(data) == pytest.approx(UTILISATION)


# --------------------------------------------------------------------------- audit log

# A ConnectWise-like audit log: 100 service requests (SR 5000..5099) x 3 changes = 300 rows.
# SR 5000+i is first changed on day 3 + i % 5 of March 2025 at 08:00 + i minutes (e0), then
# 2 hours later (e1) and a day later (e2, "Closed"); the rows come in no time order (even i:
# e1, e0, e2; odd i: e2, e1, e0). Five technicians take turns in Resource.
PEOPLE = ["Ana Ruiz", "Beto Gil", "Carla Díaz", "Dani Sanz", "Eva Mora"]


def first_change(i: int) -> datetime:
    return datetime(2025, 3, 3 + i % 5, 8, 0) + timedelta(minutes=i)


def audit_log(ids: range = range(100), events: int = 3) -> str:
    lines = ["SR Number,Change Date+Time,Status,Sub Status,Owner First Name,Resource"]
    for i in ids:
        e0 = first_change(i)
        changes = [
            (e0, "New", ""),
            (e0 + timedelta(hours=2), "In Progress", "Remote"),
            (e0 + timedelta(days=1), "Closed", "Fixed"),
        ][:events]
        order = [1, 0, 2] if i % 2 == 0 else [2, 1, 0]
        for k in [k for k in order if k < events]:
            when, status, sub = changes[k]
            person = PEOPLE[(i + k) % 5]
            lines.append(
                f"{5000 + i},{when:%Y-%m-%d %H:%M},{status},{sub},{person.split()[0]},{person}"
            )
    return "\n".join(lines) + "\n"


def test_an_audit_log_is_tickets_created_at_the_first_event_not_staff() -> None:
    data = es(("tecnicos.csv", STAFF_ES), ("partes.csv", TIME_ES), ("audit.csv", audit_log()))
    f = report_of(data, "audit.csv")
    assert (f.dataset, f.confidence) == ("tickets", "high")
    assert f.mapping == {"ticket_id": "SR Number", "updated_at": "Change Date+Time",
                         "status": "Status", "technician": "Resource"}  # fmt: skip
    # 300 rows: one per service request loaded, the other 200 merged into the latest
    assert (f.rows_read, f.rows_loaded, f.rows_merged, f.rows_rejected) == (300, 100, 200, 0)
    assert any(n.startswith("created_at: the first Change Date+Time of each SR Number")
               for n in f.notes)  # fmt: skip
    tickets = data.tables["tickets"].to_pydict()
    created = dict(zip(tickets["ticket_id"], tickets["created_at"], strict=True))
    assert created["5000"] == datetime(2025, 3, 3, 8, 0)  # i = 0: e0, the 2nd row of its 3
    assert created["5007"] == datetime(2025, 3, 5, 8, 7)  # i = 7: e0, the 3rd row of its 3
    assert all(created[str(5000 + i)] == first_change(i) for i in range(100))
    assert set(tickets["status"]) == {"Closed"}  # the latest change of each request
    assert "created_at" in data.present["tickets"]
    # staff is still the two technicians of tecnicos.csv (it was 3,113 in the real export)
    assert data.tables["staff"].num_rows == 2
    assert utilisation(data) == pytest.approx(UTILISATION)
    # opened Mon 3 - Wed 5 March: the requests with i % 5 in (0, 1, 2): 3 x 20 = 60
    mon_wed = ReportOptions(start=date(2025, 3, 3), end=date(2025, 3, 5), as_of=date(2025, 3, 7))
    assert pick(compute_report(data, mon_wed), "tickets_opened") == 60


def test_an_audit_log_whose_ids_do_not_repeat_is_not_recognised() -> None:
    # one change per request: nothing shows an event log, so tickets lacks created_at;
    # tickets finds 4 columns, staff only 1: not recognised, never staff
    data = es(("audit.csv", audit_log(range(40), events=1)))
    f = report_of(data, "audit.csv")
    assert f.dataset is None
    assert f.error is not None
    assert "looks like tickets" in f.error and "created_at" in f.error
    assert data.tables == {}


def test_tickets_without_created_at_from_headers_alone_are_not_recognised() -> None:
    # without the values nothing shows an event log
    headers = ["SR Number", "Change Date+Time", "Status", "Sub Status", "Owner First Name",
               "Resource"]  # fmt: skip
    with pytest.raises(UnrecognisedDatasetError, match="looks like tickets"):
        recognize(headers)


def test_a_preset_naming_tickets_reads_an_event_log_too() -> None:
    preset = parse_preset({"dataset": "tickets"}, "p.json")
    data = load_files([("audit.csv", audit_log(range(10)).encode())], LoadOptions(presets=[preset]))
    f = data.files[0]
    assert (f.dataset, f.confidence, f.rows_loaded, f.rows_merged) == ("tickets", "high", 10, 20)
    assert data.tables["tickets"].column("created_at").to_pylist()[0] == first_change(0)


# --------------------------------------------------------------------------- staff roster


def roster(n: int, extra: str = "", cell: str = "") -> str:
    head = "Technician,Hourly Cost" + (f",{extra}" if extra else "")
    rows = [f"Tech {i:03d},30" + (f",{cell.format(i=i)}" if extra else "") for i in range(n)]
    return head + "\n" + "\n".join(rows) + "\n"


def test_a_staff_roster_of_600_rows_is_low_confidence_and_held() -> None:
    data = load_files([("staff.csv", roster(600).encode())])
    f = data.files[0]
    assert (f.dataset, f.confidence) == ("staff", "low")
    assert "600 rows, and a list of people has 500 at most" in [r.text() for r in f.evidence]
    # held: nothing loaded, every row rejected with one reason for the table
    assert (f.rows_read, f.rows_loaded, f.rows_rejected) == (600, 0, 600)
    assert "staff" not in data.tables
    (why,) = [p for p in data.problems if p.severity == "rejected"]
    assert why.row is None and why.problem.startswith("read as staff with low confidence")
    # 500 rows is a roster
    assert load_files([("staff.csv", roster(500).encode())]).files[0].confidence == "high"


def test_a_staff_table_with_a_timestamp_per_row_is_low_confidence() -> None:
    # "Last Login" changes from row to row with a time of day: an event log's column
    stamped = roster(3, "Last Login", "2025-03-1{i} 09:1{i}")
    f = load_files([("staff.csv", stamped.encode())]).files[0]
    assert (f.dataset, f.confidence) == ("staff", "low")
    assert "Last Login has a date and time on each row, like an event log" in [
        r.text() for r in f.evidence
    ]
    # a hire date is a date, not a time: still a roster (the sample's tecnicos.xlsx)
    dated = roster(3, "Hire Date", "2020-0{i}-01")
    assert load_files([("staff.csv", dated.encode())]).files[0].confidence == "high"


def test_a_staff_table_whose_names_repeat_is_low_confidence() -> None:
    # 30 rows, 10 names (3 rows each): 20 repeats, more than 10 % of the rows (3)
    rows = "".join(f"Tech {i % 10},30\n" for i in range(30))
    f = load_files([("staff.csv", f"Technician,Hourly Cost\n{rows}".encode())]).files[0]
    assert f.confidence == "low"
    assert "Technician repeats: 10 different names in 30 rows" in f.evidence[0].text()
    # a name typed twice in a short list is allowed (slack of 2 repeats): high
    twice = "Technician,Hourly Cost\nAna,30\nana,31\nBea,25\n"
    assert load_files([("staff.csv", twice.encode())]).files[0].confidence == "high"


def test_a_bare_list_of_names_is_staff_with_low_confidence() -> None:
    # staff's evidence is a cost, weekly hours, a tier or a role: "Nombre" alone has none
    m = recognize(["Nombre"])
    assert (m.dataset, m.confidence) == ("staff", "low")
    assert m.reasons[0].text("es") == (
        "ninguna de las columnas propias de staff (hourly_cost, weekly_hours, role, tier)"
    )
    assert (recognize(["Nombre", "Puesto"]).confidence) == "high"


def test_a_low_confidence_table_confirmed_by_hand_feeds_the_kpis() -> None:
    # the app's confirm button stores Override(dataset=...): the table is then read as
    # staff (high confidence, "confirmed"), the held rows load
    blob = roster(600).encode()
    held = assemble(read_file("staff.csv", blob))
    assert "staff" not in held.tables
    confirmed = assemble(read_file("staff.csv", blob, overrides={None: Override("staff")}))
    f = confirmed.files[0]
    assert (f.confidence, f.rows_loaded, f.rows_rejected) == ("high", 600, 0)
    assert [r.code for r in f.evidence] == ["chosen"]
    assert confirmed.tables["staff"].num_rows == 600


# --------------------------------------------------------------------------- messages


def test_a_tie_says_what_each_candidate_lacks() -> None:
    with pytest.raises(UnrecognisedDatasetError) as err:
        recognize(["ID", "Created"], file="export.csv")
    msg = str(err.value)
    assert "could be tickets or opportunities (2 columns each" in msg
    assert "tickets has ticket_id <- ID, created_at <- Created but none of resolved_at" in msg
    assert "opportunities has opportunity_id <- ID, created_at <- Created but none of stage" in msg
    assert '{"dataset": "tickets", "columns": {"ticket_id": "ID", "created_at": "Created"}}' in msg


def test_the_held_message_in_both_languages() -> None:
    m = recognize(["Nombre"])
    en = held_message("staff", m.reasons, "en", columns={"technician": "Nombre"}, cli=True)
    assert en.startswith("read as staff with low confidence (none of the columns")
    assert "next best: devices (columns found: 1), which lacks device_id, client" in en
    assert 'FILE.json holding {"dataset": "staff", "columns": {"technician": "Nombre"}}' in en
    es_text = held_message("staff", m.reasons, "es")
    assert es_text.startswith("leído como staff con confianza baja")
    assert "en la página Datos" in es_text


# --------------------------------------------------------------------------- aliases

# EXPORT_FORMATS.md section 14, extended: the screen and Spanish labels of project, staff
# and device sheets. Each header row is read as its dataset with every column mapped.
LABEL_ROWS = [
    ("projects", {
        "project_id": "Código de proyecto", "name": "Nombre del proyecto", "client": "Cliente",
        "status": "Estado del proyecto", "start_date": "Fecha inicio prevista",
        "due_date": "Fecha prevista fin", "budget_hours": "Horas presupuestadas",
        "actual_hours": "Horas imputadas", "percent_complete": "% completado",
        "closed_at": "Fecha de finalización",
    }),
    ("projects", {
        "project_id": "Nº proyecto", "name": "Nombre proyecto", "client": "Empresa",
        "start_date": "Fecha de inicio", "due_date": "Fecha de entrega",
        "budget_hours": "Horas previstas", "actual_hours": "Horas consumidas",
        "percent_complete": "% avance", "closed_at": "Fecha real de fin",
    }),
    ("projects", {
        "project_id": "Project #", "name": "Project Name", "client": "Company",
        "status": "Project Status", "start_date": "Start Date",
        "due_date": "Planned End Date", "budget_hours": "Budgeted Hours",
        "actual_hours": "Hours Used", "percent_complete": "% Done", "closed_at": "Actual End",
    }),
    ("staff", {
        "technician": "Nombre completo", "role": "Puesto", "hourly_cost": "Coste por hora",
        "weekly_hours": "Horas por semana", "tier": "Nivel de soporte",
    }),
    ("staff", {
        "technician": "Técnico", "role": "Función", "hourly_cost": "Coste interno",
        "weekly_hours": "Horas contratadas",
    }),
    ("staff", {
        "technician": "Member Name", "role": "Job Title", "hourly_cost": "Cost/Hour",
        "weekly_hours": "Hours/Week",
    }),
    ("devices", {
        "device_id": "Nº de serie", "client": "Cliente", "hostname": "Nombre de equipo",
        "device_type": "Tipo de dispositivo", "first_seen": "Fecha de instalación",
        "last_seen": "Última vez visto", "covered": "Cubierto",
    }),
    ("devices", {
        "device_id": "Asset ID", "client": "Company", "hostname": "Device Name",
        "device_type": "Device Type", "first_seen": "Date Added", "last_seen": "Last Online",
    }),
]  # fmt: skip


@pytest.mark.parametrize(("dataset", "columns"), LABEL_ROWS)
def test_screen_and_spanish_labels_of_projects_staff_and_devices(
    dataset: str, columns: dict[str, str]
) -> None:
    headers = list(columns.values())
    m = recognize(headers)
    assert (m.dataset, m.confidence) == (dataset, "high")
    assert m.source(headers) == columns


def test_an_event_log_needs_its_id_and_change_columns_mapped() -> None:
    # SR 1 changed twice: an event log, until the user leaves the change column unmapped
    # (excluded): then nothing dates the tickets, and created_at is missing
    headers = ["SR Number", "Change Date+Time", "Status"]
    table = pa.table({
        "SR Number": ["1", "1"],
        "Change Date+Time": ["2025-03-03 09:00", "2025-03-03 10:00"],
        "Status": ["New", "Closed"],
    })  # fmt: skip
    assert recognize(headers, data=table).event_log is not None
    with pytest.raises(UnrecognisedDatasetError, match="no column was found for created_at"):
        recognize(headers, data=table, excluded=frozenset({"updated_at"}))
