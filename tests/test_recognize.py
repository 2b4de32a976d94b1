"""Header recognition and column mapping (docs/DATA.md "Recognition", docs/DETAILS.md 18 and 35).

These tests work on header lists only; test_tools.py runs whole exports end to end.
"""

from __future__ import annotations

import pytest

from kpi.errors import UnrecognisedDatasetError
from kpi.load.recognize import candidates, header_score, recognize
from kpi.schema import DATASETS


def mapped(headers: list[str], **kwargs: object) -> tuple[str, dict[str, str]]:
    """(dataset, canonical column -> header) of a recognised header row."""
    m = recognize(headers, **kwargs)  # type: ignore[arg-type]
    return m.dataset, m.source(headers)


# --------------------------------------------------------------------------- folding


@pytest.mark.parametrize(
    "headers",
    [
        ["Nº ticket", "Fecha de apertura", "Fecha de cierre"],
        ["NO TICKET", "FECHA DE APERTURA", "FECHA DE CIERRE"],
        ["no_ticket", "fecha_de_apertura", "fecha_de_cierre"],
        ["  Nº Ticket ", "Fecha de  Apertura", "fecha-de-cierre"],
    ],
)
def test_headers_match_case_accent_and_punctuation_insensitively(headers: list[str]) -> None:
    dataset, source = mapped(headers)
    assert dataset == "tickets"
    assert source == {
        "ticket_id": headers[0],
        "created_at": headers[1],
        "closed_at": headers[2],
    }


def test_header_score_counts_known_aliases() -> None:
    # "Ticket #" and "Company" are aliases, "Summary" and a date are not
    assert header_score(["Ticket #", "Company", "Summary", "2024-01-05"]) == 2
    # a QuickBooks preamble line is not a header
    assert header_score(["Sales by Customer Detail", "", ""]) == 0


# --------------------------------------------------------------------------- precedence


def test_earliest_alias_wins_a_column() -> None:
    # ticket_id lists "Ticket Number" before "ID": the ticket number is the id users see
    # ("Priority" keeps opportunities, which also has ID + Created, from tying)
    _, source = mapped(["ID", "Ticket Number", "Created", "Priority"])
    assert source["ticket_id"] == "Ticket Number"
    # ServiceNow: opened_at is listed before sys_created_on
    _, source = mapped(["number", "sys_created_on", "opened_at"])
    assert source["created_at"] == "opened_at"


def test_a_header_feeds_one_column_and_required_columns_choose_first() -> None:
    # "Hostname" is an alias of both device_id (required) and hostname: the required
    # column takes it and hostname stays unmapped
    dataset, source = mapped(["Hostname", "Site"])
    assert dataset == "devices"
    assert source == {"device_id": "Hostname", "client": "Site"}


def test_duplicate_headers_use_the_first_occurrence() -> None:
    headers = ["Issue key", "Created", "Labels", "Labels", "Assignee", "Assignee"]
    m = recognize(headers)
    assert m.columns["technician"] == 4  # the first "Assignee", not index 5
    assert m.columns == {"ticket_id": 0, "created_at": 1, "technician": 4}


def test_the_dataset_with_most_columns_wins() -> None:
    # Zendesk: surveys has all its required columns too (Created at + Satisfaction Score),
    # but tickets finds more columns (docs/DETAILS.md 18: not read as a survey)
    headers = ["ID", "Assignee", "Status", "Created at", "Updated at", "Organization",
               "Solved at", "Satisfaction Score"]  # fmt: skip
    cands = {c.dataset: c for c in candidates(headers)}
    assert cands["surveys"].missing == ()
    # surveys: responded_at, score, client, technician, survey_id = 5
    assert cands["surveys"].found == 5
    # tickets: ticket_id, technician, status, created_at, updated_at, client, resolved_at = 7
    assert cands["tickets"].found == 7
    dataset, source = mapped(headers)
    assert dataset == "tickets"
    assert "Satisfaction Score" not in source.values()


def test_a_tie_is_an_error_naming_the_candidates() -> None:
    # "ID" + "Created" completes tickets (ticket_id, created_at) and opportunities
    # (opportunity_id, created_at) with 2 columns each
    with pytest.raises(UnrecognisedDatasetError) as err:
        recognize(["ID", "Created"], file="export.csv")
    assert set(err.value.candidates) == {"tickets", "opportunities"}
    assert "tickets" in str(err.value) and "opportunities" in str(err.value)
    assert str(err.value).startswith("export.csv: ")


def test_no_dataset_is_an_error_naming_what_is_missing() -> None:
    with pytest.raises(UnrecognisedDatasetError) as err:
        recognize(["Summary", "Description", "Ticket #"], file="notes.csv")
    msg = str(err.value)
    assert msg.startswith("notes.csv: not recognised as any dataset")
    # tickets has ticket_id and lacks only created_at: it is the closest candidate
    assert err.value.candidates[0] == "tickets"
    assert "tickets lacks created_at" in msg


# --------------------------------------------------------------------------- forced


def test_forced_dataset_maps_the_rest_automatically() -> None:
    m = recognize(["Nro", "Abierta el", "Cliente"], dataset="tickets",
                  fixed={"ticket_id": 0, "created_at": 1})  # fmt: skip
    assert m.dataset == "tickets"
    assert m.columns == {"ticket_id": 0, "created_at": 1, "client": 2}
    assert m.origin == {"ticket_id": "preset", "created_at": "preset", "client": "alias"}


def test_fixed_columns_win_over_aliases() -> None:
    headers = ["Ticket #", "Created", "Opened"]
    # the alias would pick "Created"; the preset says the real open date is "Opened"
    m = recognize(headers, fixed={"created_at": 2})
    assert m.source(headers) == {"created_at": "Opened", "ticket_id": "Ticket #"}


def test_forced_dataset_without_its_required_columns_is_an_error() -> None:
    with pytest.raises(UnrecognisedDatasetError) as err:
        recognize(["Ticket #", "Company"], dataset="tickets", file="t.csv")
    assert "created_at" in str(err.value)
    assert err.value.candidates == ["tickets"]


def test_forcing_an_unknown_dataset_is_an_error() -> None:
    with pytest.raises(UnrecognisedDatasetError, match="unknown dataset 'tikets'"):
        recognize(["Ticket #", "Created"], dataset="tikets")


# --------------------------------------------------------------------------- special columns


def test_inverted_alias_flips_billable() -> None:
    m = recognize(["resourceID", "dateWorked", "hoursWorked", "isNonBillable"])
    assert m.dataset == "time_entries"
    assert m.inverted == frozenset({"billable"})
    m = recognize(["Member", "Date", "Hours", "Billable"])
    assert m.inverted == frozenset()


def test_time_entry_hours_may_come_from_start_and_end() -> None:
    # docs/DATA.md time_entries: hours absent but start and end times exist
    dataset, source = mapped(["Member", "Date Start", "Time Start", "Time End"])
    assert dataset == "time_entries"
    assert source == {"technician": "Member", "date": "Date Start", "start_at": "Time Start",
                      "end_at": "Time End"}  # fmt: skip
    # with only a start time there are no hours (as staff, "Member" alone would be complete)
    with pytest.raises(UnrecognisedDatasetError, match="no column was found for hours"):
        recognize(["Member", "Date Start", "Time Start"], dataset="time_entries")


# ---------------------------------------------------------------------- docs/DETAILS.md 18 and 35


def test_headers_that_look_canonical_are_not_mapped() -> None:
    # NinjaOne `offline` is a live state, not `active`
    _, source = mapped(["uid", "organizationId", "offline", "lastContact"])
    assert "active" not in source and "offline" not in source.values()
    # ConnectWise escalationLevel is an SLA stage, lastLoginName a user
    _, source = mapped(["id", "_info.dateEntered", "board.name", "escalationLevel",
                        "lastLoginName"])  # fmt: skip
    assert set(source) == {"ticket_id", "created_at", "queue"}
    _, source = mapped(["deviceIdentifier", "company.name", "lastLoginName"])
    assert set(source) == {"device_id", "client"}


def test_tax_included_total_is_never_the_invoice_amount() -> None:
    # Xero: LineAmount is the amount, Total (tax included, repeated per line) is not
    _, source = mapped(["*ContactName", "*InvoiceDate", "Total", "LineAmount"])
    assert source["amount"] == "LineAmount"
    # Spanish invoice: base imponible, not Total
    _, source = mapped(["Cliente", "Fecha factura", "Total", "Base imponible", "IVA"])
    assert source["amount"] == "Base imponible"
    # with only a Total the file is not an invoice list at all
    with pytest.raises(UnrecognisedDatasetError):
        recognize(["*ContactName", "*InvoiceDate", "Total"])


def test_duration_columns_are_not_timestamps() -> None:
    headers = ["ID", "Created at", "Solved at", "Resolution time",
               "First reply time in minutes", "Full resolution time in minutes",
               "Group stations", "Assignee stations"]  # fmt: skip
    _, source = mapped(headers)
    assert source == {"ticket_id": "ID", "created_at": "Created at", "resolved_at": "Solved at"}


def test_charge_to_is_not_a_ticket_id() -> None:
    # ConnectWise time entries: `Charge To` holds "Ticket #105885", not an id column
    _, source = mapped(["Member", "Date Start", "Hours", "Charge To"])
    assert "ticket_id" not in source


# --------------------------------------------------------------------------- EXPORT_FORMATS 14

# EXPORT_FORMATS.md section 14: screen-export and Spanish labels, per canonical column.
# Every label must be an alias of that column (after folding).
SECTION_14 = [
    ("tickets", "ticket_id", "Ticket #, Ticket Number, Ticket ID, ID, Number, Incident, "
     "Case Number, Número de ticket, Nº ticket, Ticket, Incidencia, Nº incidencia, Código, "
     "Referencia"),
    ("tickets", "client", "Company, Customer, Client, Account, Organization, Organisation, "
     "Site, Cliente, Empresa, Cuenta, Organización, Razón social"),
    ("tickets", "created_at", "Date Entered, Created, Created at, Opened, Open Date, "
     "Date Opened, Fecha de apertura, Fecha de creación, Creado, Abierto, Fecha alta"),
    ("tickets", "resolved_at", "Resolved, Date Resolved, Solved at, Fecha de resolución, "
     "Resuelto"),
    ("tickets", "closed_at", "Date Closed, Closed, Closed at, Fecha de cierre, Cerrado"),
    ("tickets", "first_response_at", "Date Responded, First Response, First Reply at, "
     "Fecha primera respuesta, Primera respuesta"),
    ("tickets", "due_at", "Required Date, Due Date, Due by, Resolve by, Fecha límite, "
     "Vencimiento, Fecha compromiso"),
    ("tickets", "technician", "Resource, Member, Agent, Assignee, Assigned To, Technician, "
     "Owner, Técnico, Asignado a, Agente, Responsable, Recurso"),
    ("tickets", "tier", "Support Level, Tier, Level, Support Tier, Nivel, Nivel de soporte, "
     "Línea"),
    ("tickets", "escalated", "Escalated, Is Escalated, Escalado, Escalada"),
    ("tickets", "first_contact_resolution", "First Contact Resolution, FCR, "
     "Resolved on First Contact, Resuelto en primer contacto, Resolución en primer contacto"),
    ("tickets", "sla_met", "SLA Met, Within SLA, Made SLA, In SLA, SLA cumplido, Cumple SLA, "
     "Dentro de SLA"),
    ("tickets", "reopen_count", "Reopens, Reopen Count, Times Reopened, Reaperturas, "
     "Veces reabierto"),
    ("tickets", "hours", "Actual Hours, Hours, Hours Worked, Time Worked, Horas, "
     "Horas reales, Horas trabajadas, Tiempo"),
    ("time_entries", "hours", "Actual Hours, Hours, Hours Worked, Time Worked, Horas, "
     "Horas reales, Horas trabajadas, Tiempo"),
    ("surveys", "score", "Rating, Score, Satisfaction, Survey Result, Puntuación, Valoración, "
     "Nota, Satisfacción"),
    ("surveys", "responded_at", "Rated On, Response Date, Survey Date, Submitted, "
     "Fecha de respuesta, Fecha de valoración, Fecha encuesta"),
    ("time_entries", "date", "Date Start, Date Worked, Date, Work Date, Fecha, "
     "Fecha del parte, Día"),
    ("time_entries", "billable", "Billable, Billable Option, Billable?, Is Billable, "
     "Facturable, ¿Facturable?"),
    ("staff", "hourly_cost", "Hourly Cost, Cost Rate, Internal Cost, Cost per Hour, "
     "Coste hora, Coste por hora, Coste/hora, Precio coste"),
    ("staff", "weekly_hours", "Weekly Hours, Hours per Week, Capacity, Horas semanales, "
     "Jornada semanal, Horas/semana"),
    ("contracts", "contract_id", "Agreement ID, Agreement, Contract Number, Contract, "
     "Contrato, Nº contrato, Código de contrato"),
    ("contracts", "client", "Company, Customer, Client, Account, Organization, Organisation, "
     "Cliente, Empresa, Cuenta, Organización, Razón social"),
    ("contracts", "amount", "Bill Amount, Recurring Amount, Monthly Fee, Price, Importe, "
     "Cuota, Importe recurrente, Precio"),
    ("contracts", "billing_period", "Billing Cycle, Billing Frequency, Period, Periodicidad, "
     "Frecuencia de facturación, Periodo"),
    ("contracts", "covered_devices", "Covered Devices, Devices Covered, Endpoints, Quantity, "
     "Equipos cubiertos, Dispositivos cubiertos, Nº equipos"),
    ("contracts", "auto_renew", "Auto Renew, Auto-renewal, Evergreen, Renovación automática"),
    ("devices", "device_id", "Serial Number, Device ID, Asset Tag, UID, Número de serie, "
     "Nº serie, Equipo, Id dispositivo, Activo nº"),
    ("devices", "client", "Company, Customer, Client, Account, Organization, Organisation, "
     "Site, Cliente, Empresa, Cuenta, Organización, Razón social"),
    ("devices", "hostname", "Config Name, Device Name, Hostname, Computer Name, "
     "Nombre del equipo, Nombre, Host"),
    ("devices", "first_seen", "Installed Date, Created, Registered, Fecha de alta, Alta, "
     "Instalado"),
    ("devices", "last_seen", "Last Seen, Last Contact, Last Check-in, Última conexión, "
     "Último contacto, Visto por última vez"),
    ("projects", "budget_hours", "Estimated Time, Budget Hours, Estimated Hours, "
     "Horas presupuestadas, Horas estimadas, Presupuesto horas"),
    ("projects", "due_date", "Due Date, End Date, Planned End, Fecha prevista fin, "
     "Fecha fin prevista, Fecha límite"),
    ("projects", "percent_complete", "% Complete, Percent Complete, Completed Percentage, "
     "% completado, Porcentaje completado, Avance"),
    ("invoices", "amount", "Line Amount, Amount, Net, Subtotal, Base imponible, "
     "Importe neto, Importe, Base"),
    ("invoices", "cost", "Cost, Unit Cost x Qty, Cost Amount, Coste, Coste total"),
    ("opportunities", "stage", "Deal Stage, Stage, Etapa, Fase"),
    ("opportunities", "probability", "Probability, Deal probability, Probabilidad"),
    ("opportunities", "client", "Company, Customer, Client, Account, Organization, "
     "Organisation, Cliente, Empresa, Cuenta, Organización, Razón social"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("dataset", "column", "label"),
    [(d, c, label.strip()) for d, c, labels in SECTION_14 for label in labels.split(",")],
)
def test_section_14_labels_are_aliases(dataset: str, column: str, label: str) -> None:
    from kpi.load.recognize import _alias_index
    from kpi.schema import fold_header

    hits = {name for _, name, _ in _alias_index(dataset).get(fold_header(label), [])}
    assert column in hits, f"{label!r} is not an alias of {dataset}.{column}"


def test_section_14_labels_map_in_a_real_header_row() -> None:
    # a Spanish MSP's own ticket sheet, every column a section 14 label
    headers = ["Nº incidencia", "Razón social", "Fecha alta", "Resuelto", "Cerrado",
               "Primera respuesta", "Fecha compromiso", "Asignado a", "Nivel de soporte",
               "Escalada", "Resolución en primer contacto", "Dentro de SLA",
               "Veces reabierto", "Horas trabajadas"]  # fmt: skip
    dataset, source = mapped(headers)
    assert dataset == "tickets"
    order = ["ticket_id", "client", "created_at", "resolved_at", "closed_at",
             "first_response_at", "due_at", "technician", "tier", "escalated",
             "first_contact_resolution", "sla_met", "reopen_count", "hours"]  # fmt: skip
    assert source == dict(zip(order, headers, strict=True))


def test_every_dataset_is_recognisable_from_its_canonical_names() -> None:
    # the canonical name is always the first alias: a file written with canonical headers
    # (the web app's own exports) is recognised as its dataset with every column mapped
    for ds in DATASETS.values():
        headers = [c.name for c in ds.mappable]
        dataset, source = mapped(headers, dataset=ds.name)
        assert dataset == ds.name
        assert source == {h: h for h in headers}
