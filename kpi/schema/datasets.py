"""The canonical datasets: one frozen declaration per dataset and column.

This module is data, not logic. Header recognition (:mod:`kpi.load.recognize`) reads the
aliases declared here; value coercion (:mod:`kpi.load.values`) reads the kinds. Adding an
alias a tool exports is a one-line change in the ``aliases`` of its column.

Aliases are written as a person reads them (``"Fecha de cierre"``, ``"dateEntered"``);
they are compared after :func:`~kpi.schema.columns.fold_header`, which lower-cases,
strips accents and drops everything but letters and digits, so ``Fecha de cierre`` ~
``fecha_de_cierre`` ~ ``FECHA DE CIERRE``. The first alias that matches a header wins, so
aliases are listed from the most to the least specific.

Derived columns (``derived=True``) are never mapped from a file: ingestion computes
them and the engine relies on them (see :mod:`kpi.load.derive`):

* ``tickets.resolved``: the effective resolution timestamp (resolved_at, else
  closed_at; NULL when unresolved or earlier than created_at; without a date, a
  resolved status (``Resolved``, ``Resuelta``, ``Done``) gives updated_at).
* ``tickets.cancelled_at``: a ticket cancelled by its status without a closed date: its
  updated_at (out of the backlog from then, never resolved).
* ``tickets.closed_unknown``: resolved or cancelled by its status with no date at all:
  out of the backlog, in no dated count.
* ``surveys.satisfied``: TRUE/FALSE per response; NULL for "offered"/"not offered"
  rows, which are loaded but are not responses.
* ``contracts.billing_months``: months per billing period (1, 2, 3, 6, 12 or n).
* ``opportunities.outcome``: ``won``, ``lost`` or ``open`` (docs/DETAILS.md 29).

The ``currency`` of contracts, invoices and opportunities is mapped from a currency column
when there is one, else taken from the amount cells (``USD 1,200``, ``1.200,00 €``): an
ISO 4217 code, ``$`` for a bare dollar sign (its meaning is decided with all the data, see
:mod:`kpi.query.money`), or NULL when the row says nothing about its currency.
"""

from __future__ import annotations

from kpi.schema.columns import Alias, Column, Dataset, EventLog, Roster


def _c(
    name: str,
    kind: str,
    *aliases: str | Alias,
    required: bool = False,
    description: str = "",
    unless: tuple[str, ...] = (),
) -> Column:
    """Declare a column; the canonical name itself is always its first alias."""
    al: list[Alias] = [Alias(name)]
    for a in aliases:
        al.append(a if isinstance(a, Alias) else Alias(a))
    return Column(name, kind, required, tuple(al), False, description, unless)


def _derived(name: str, kind: str, description: str) -> Column:
    return Column(name, kind, False, (), True, description)


def inverted(header: str) -> Alias:
    return Alias(header, inverted=True)


# The declarations below are laid out by hand: one family of aliases per line.
# fmt: off

# Client / company columns: shared by most datasets.
_CLIENT = (
    "Client", "Client Name", "Company", "Company Name", "company_name", "Company Identifier",
    "Customer", "Customer Name", "customer_business_then_name", "Client full name",
    "Account", "Account Name", "Organization", "Organisation", "Organization Name",
    "Organizations", "Custom field (Organizations)", "client_name",
    "Cliente", "Nombre cliente", "Nombre del cliente", "Empresa", "Cuenta",
    "Organización", "Razón social",
)
_TECHNICIAN = (
    "Technician", "Tech", "Resource", "Resource Name", "Member", "Member Identifier",
    "member_identifier", "Agent", "Agent Name", "Assignee", "Assigned To", "Assigned",
    "assigned_to", "Assigned Resource", "Owner", "Owner Identifier", "resource_list",
    "Técnico", "Asignado a", "Agente", "Responsable", "Recurso", "Persona asignada",
)
# Currency of a row's amounts (contracts, invoices, opportunities): read as an ISO 4217
# code by kpi.load.values.parse_currency ("MXN", "€" -> EUR, "dólar" -> USD)
_CURRENCY = (
    "Currency", "CurrencyIsoCode", "Currency ISO Code", "Currency Code", "currencyCode",
    "Deal Currency Code", "ISO Currency", "Moneda", "Divisa", "Código de moneda",
    "Código moneda", "Código de divisa", "Código divisa", "Tipo de moneda",
)

TICKETS = Dataset(
    "tickets",
    key="ticket_id",
    updated="updated_at",
    description="PSA / help desk service tickets",
    evidence=("ticket_id", "resolved_at", "closed_at", "first_response_at", "due_at", "status",
              "priority", "sla_met"),
    # an audit log (SR Number, Change Date+Time, Status, ...): created at the first event
    rules=(EventLog("ticket_id", "updated_at", "created_at"),),
    columns=(
        _c("ticket_id", "id", required=True, *(
            "Ticket ID", "Ticket #", "Ticket Number", "ticketNumber", "TicketNbr",
            "Ticket Nbr", "Ticket No", "Issue key", "Number", "Incident",
            "Incident Number", "Case Number", "Case ID", "faultid", "faults.faultid",
            "ID", "Issue id",
            # ConnectWise service request audit logs; request numbers of service desks
            "SR Number", "SR #", "SR No", "Service Request",
            "Service Request Number", "Request Number",
            "Número de ticket", "Nº ticket", "Número", "Ticket", "Incidencia",
            "Nº incidencia", "Clave de incidencia", "ID de la incidencia", "Código",
            "Referencia",
        )),
        # "Site": a grid export's client column (EXPORT_FORMATS 14); after _CLIENT, so
        # "Company" wins when both are exported
        _c("client", "text", *_CLIENT, "Site"),
        _c("created_at", "ts", required=True, *(
            "Created", "Created at", "Created Time", "Created Date", "Create Date",
            "createDate", "Date Created", "Creation Date", "Created On", "Date Entered",
            "date_entered", "_info.dateEntered", "Opened", "opened_at", "Open Date",
            "Date Opened", "Opened Date", "sys_created_on", "dateoccurred",
            "Ticket created - Timestamp",
            "Fecha de apertura", "Fecha apertura", "Fecha de creación", "Fecha creación",
            "Creado", "Creada", "Abierto", "Fecha alta", "Fecha de alta",
        )),
        _c("resolved_at", "ts", *(
            "Resolved", "Resolved at", "Resolved Time", "Resolved Date", "Date Resolved",
            "dateResolved", "resolvedDateTime", "Solved at", "Solved", "datecleared",
            "Fecha de resolución", "Fecha resolución", "Resuelto", "Resuelta",
        )),
        _c("closed_at", "ts", *(
            "Closed", "Closed at", "Closed Time", "Closed Date", "Date Closed",
            "closedDate", "Date_Closed", "dateclosed", "Completed Date", "completedDate",
            "Fecha de cierre", "Fecha cierre", "Cerrado", "Cerrada",
        )),
        _c("updated_at", "ts", *(
            "Updated", "Updated at", "Last Updated", "Last Update Time", "Last Updated Time",
            "Last Update", "Updated On", "Last Modified", "Modified", "Modified Date",
            "lastUpdated", "_info.lastUpdated", "sys_updated_on", "Last Activity Date",
            "lastActivityDate", "lastactiondate",
            # audit / event logs: the time of each change
            "Change Date+Time", "Change Date", "Change Time", "Changed", "Changed at",
            "Changed On", "Date Changed", "Modified", "Modified at", "Last Modified",
            "Fecha de cambio", "Fecha del cambio", "Fecha de modificación", "Modificado",
            "Actualizado", "Actualizada", "Fecha de actualización", "Última actualización",
            "Fecha de modificación", "Última modificación", "Modificado", "Modificada",
        )),
        _c("first_response_at", "ts", *(
            "First Response", "First Response at", "First Response Date", "Date Responded",
            "dateResponded", "firstResponseDateTime", "firstresponsedate", "responsedate",
            "First Reply at", "Initial Response Time",
            "Fecha primera respuesta", "Fecha de primera respuesta", "Primera respuesta",
        )),
        _c("due_at", "ts", *(
            "Due", "Due Date", "Due by", "Due by Time", "Resolve by", "Required Date",
            "requiredDate", "Date_Required", "resolvedDueDateTime", "dueDateTime",
            "fixbydate",
            "Fecha límite", "Vencimiento", "Fecha de vencimiento", "Fecha compromiso",
        )),
        _c("status", "text", *(
            "Status", "State", "incident_state", "Ticket status", "Status Name",
            "status_name", "Status_Description", "Estado",
        )),
        _c("priority", "text", "Priority", "Priority Name", "Prioridad"),
        _c("technician", "text", *_TECHNICIAN),
        _c("queue", "text", *(
            "Queue", "Board", "Board Name", "Board_Name", "Group", "Assignment Group",
            "Team", "queueID", "sectio_", "Cola", "Grupo", "Equipo",
        )),
        _c("category", "text", *(
            "Category", "Ticket Category", "ticketCategory", "category_1", "Issue Type",
            "issueType", "Ticket type", "Type", "Categoría", "Tipo de incidencia", "Tipo",
        )),
        _c("channel", "text", *(
            "Channel", "Source", "Via", "Contact type", "contact_type", "Canal", "Origen",
        )),
        _c("tier", "tier", *(
            "Tier", "Support Level", "Support Tier", "Level", "Tier Level",
            "Nivel", "Nivel de soporte", "Línea",
        )),
        _c("escalated", "bool", "Escalated", "Is Escalated", "Escalado", "Escalada"),
        _c("reassignment_count", "int", *(
            "Reassignment Count", "Reassignments", "Reasignaciones",
        )),
        _c("reopen_count", "int", *(
            "Reopen Count", "Reopens", "Times Reopened", "Reaperturas", "Veces reabierto",
        )),
        _c("first_contact_resolution", "bool", *(
            "First Contact Resolution", "FCR", "Resolved on First Contact",
            "Resuelto en primer contacto", "Resolución en primer contacto",
        )),
        _c("sla_met", "bool", *(
            "SLA Met", "Within SLA", "Made SLA", "made_sla", "In SLA", "isInSla",
            "serviceLevelAgreementHasBeenMet", "Resolution status",
            "SLA cumplido", "Cumple SLA", "Dentro de SLA",
        )),
        _c("hours", "hours", *(
            "Actual Hours", "actualHours", "Hours_Actual", "Hours", "Hours Worked",
            "Time Worked", "Time tracked", "Horas", "Horas reales", "Horas trabajadas",
            "Tiempo",
        )),
        _derived(
            "resolved", "ts",
            "effective resolution: resolved_at, else closed_at, else (a resolved status) "
            "updated_at",
        ),
        _derived("cancelled_at", "ts", "a cancelled ticket without a closed date: updated_at"),
        _derived("closed_unknown", "bool", "resolved or cancelled by its status, undated"),
    ),
)

SURVEYS = Dataset(
    "surveys",
    key="survey_id",
    description="customer satisfaction responses",
    evidence=("score", "survey_id"),
    columns=(
        _c("responded_at", "ts", required=True, *(
            "Rated On", "Response Date", "Responded at", "Survey Date", "Submitted",
            "Submitted at", "Date Submitted", "fbDate", "Custom field (Satisfaction date)",
            "Satisfaction date", "Created at", "created_at", "Date",
            "Fecha de respuesta", "Fecha de valoración", "Fecha encuesta",
            "Fecha de la encuesta", "Fecha",
        )),
        _c("score", "text", required=True, *(
            "Rating", "Score", "Satisfaction", "Satisfaction Score", "Satisfaction Rating",
            "Survey Result", "Survey Results", "CSAT", "CSAT Score", "FBscore",
            "Custom field (Satisfaction)", "Ticket satisfaction rating",
            "Puntuación", "Valoración", "Nota", "Satisfacción",
        )),
        _c("client", "text", *_CLIENT),
        _c("ticket_id", "id", *(
            "Ticket ID", "Ticket #", "Ticket Number", "Ticket", "fbfaultid", "Issue key",
            "Número de ticket", "Nº ticket", "Incidencia",
        )),
        _c("technician", "text", *_TECHNICIAN),
        _c("survey_id", "id", "Survey ID", "Response ID", "ID", "Id encuesta"),
        _derived("satisfied", "bool", "satisfied response; NULL when not a response"),
    ),
)

TIME_ENTRIES = Dataset(
    "time_entries",
    description="timesheets",
    evidence=("hours", "start_at", "end_at", "work_type", "billable"),
    columns=(
        _c("technician", "text", required=True, *(
            "Member", "Member Identifier", "member_identifier", "Resource", "resourceID",
            "Resource Name", "Technician", "Agent", "Employee", "User", "Staff",
            "Técnico", "Recurso", "Empleado", "Usuario",
        )),
        _c("date", "date", required=True, *(
            "Date Start", "Date_Start", "Date Worked", "dateWorked", "Work Date",
            "Spent Date", "Date", "Entry Date",
            "Fecha del parte", "Fecha de trabajo", "Fecha", "Día",
        )),
        _c("hours", "hours", required=True, unless=("start_at", "end_at"), *(
            "Hours", "Hours Worked", "hoursWorked", "Actual Hours", "actualHours",
            "hours_actual", "Time Worked", "Duration", "Horas", "Horas trabajadas",
            "Horas reales", "Tiempo", "Duración",
        )),
        _c("start_at", "ts", "Time Start", "timeStart", "Start Time", "startDateTime",
           "Hora inicio", "Hora de inicio"),
        _c("end_at", "ts", "Time End", "timeEnd", "End Time", "endDateTime",
           "Hora fin", "Hora de fin"),
        _c("client", "text", *_CLIENT),
        _c("ticket_id", "id", "Ticket ID", "ticketID", "Ticket #", "Ticket Number",
           "SR_Service_RecID", "Ticket", "Nº ticket", "Número de ticket", "Incidencia"),
        _c("project_id", "id", "Project ID", "projectID", "PM_Project_RecID", "Project",
           "Proyecto", "Id proyecto"),
        _c("work_type", "text", "Work Type", "workType", "Work Role", "workRole",
           "Tipo de trabajo", "Type", "Tipo"),
        _c("billable", "bool", *(
            "Billable", "Billable Option", "billableOption", "Billable?", "Is Billable",
            inverted("isNonBillable"), inverted("Non Billable"), inverted("Non-billable"),
            "Facturable", "¿Facturable?",
        )),
    ),
)

STAFF = Dataset(
    "staff",
    key="technician",
    description="technicians, their cost and capacity",
    # a bare list of names ("Nombre") is not a staff sheet: it needs a cost, hours or a role
    evidence=("hourly_cost", "weekly_hours", "role", "tier"),
    rules=(Roster("technician"),),
    columns=(
        # "Name" / "Nombre" / "Resource" are generic: they name projects and devices too,
        # which is why staff needs its evidence and a roster's content
        _c("technician", "text", required=True, *(
            "Technician", "Technician Name", "Name", "Member", "Member Identifier",
            "Member Name", "Resource", "Resource Name", "Employee", "Employee Name", "Staff",
            "Full Name", "Técnico", "Nombre del técnico", "Nombre", "Nombre completo",
            "Empleado", "Trabajador", "Recurso",
        )),
        _c("hourly_cost", "num", *(
            "Hourly Cost", "Cost Rate", "Internal Cost", "Cost per Hour", "Cost/Hour",
            "hourlyCost", "Loaded Cost", "Hourly Cost Rate",
            "Coste hora", "Coste por hora", "Coste/hora", "Precio coste", "Coste horario",
            "Coste hora empresa", "Coste interno",
        )),
        _c("weekly_hours", "num", *(
            "Weekly Hours", "Hours per Week", "Hours/Week", "Weekly Capacity", "Capacity",
            "Contracted Hours", "Horas semanales", "Jornada semanal", "Horas/semana",
            "Horas por semana", "Horas contratadas",
        )),
        _c("tier", "text", "Tier", "Level", "Support Level", "Nivel", "Nivel de soporte",
           "Línea"),
        _c("role", "text", "Role", "Title", "Job Title", "Position", "Rol", "Puesto", "Cargo",
           "Función"),
    ),
)

CONTRACTS = Dataset(
    "contracts",
    key="contract_id",
    description="agreements and their recurring charge",
    evidence=("contract_id", "amount", "billing_period", "covered_devices", "covered_users",
              "renewed", "auto_renew"),
    columns=(
        _c("contract_id", "id", required=True, *(
            "Contract ID", "Contract Number", "contractNumber", "Agreement ID",
            "Agreement", "Contract", "ID", "Contract Name", "contractName", "Name",
            "Nº contrato", "Número de contrato", "Código de contrato", "Contrato",
        )),
        _c("client", "text", required=True, *_CLIENT),
        _c("start_date", "date", required=True, *(
            "Start Date", "startDate", "Start", "Bill Start Date", "Fecha de inicio",
            "Fecha inicio", "Inicio", "Fecha alta",
        )),
        _c("end_date", "date", *(
            "End Date", "endDate", "End", "Expiration Date", "Expiry Date",
            "Fecha de fin", "Fecha fin", "Fin", "Fecha de vencimiento", "Vencimiento",
        )),
        _c("amount", "num", required=True, *(
            "Bill Amount", "billAmount", "Recurring Amount", "Monthly Fee", "agr_amount",
            "Amount", "Price", "estimatedRevenue",
            "Importe recurrente", "Cuota", "Cuota mensual", "Importe", "Precio",
        )),
        _c("currency", "text", *_CURRENCY),
        _c("billing_period", "text", *(
            "Billing Period", "Billing Cycle", "Billing Frequency", "billCycleId",
            "invoicingCycle", "contractPeriodType", "Period",
            "Periodicidad", "Frecuencia de facturación", "Periodo",
        )),
        _c("covered_devices", "int", *(
            "Covered Devices", "Devices Covered", "Devices", "Endpoints", "Quantity",
            "Equipos cubiertos", "Dispositivos cubiertos", "Nº equipos", "Equipos",
        )),
        _c("covered_users", "int", "Covered Users", "Users Covered", "Users", "Seats",
           "Usuarios cubiertos", "Usuarios"),
        _c("status", "text", "Status", "agr_status", "Estado"),
        _c("type", "text", "Type", "Agreement Type", "Contract Type", "contractType",
           "agr_type_desc", "Tipo", "Tipo de contrato"),
        _c("renewed", "bool", "Renewed", "Renovado"),
        _c("auto_renew", "bool", "Auto Renew", "Auto-renewal", "Auto Renewal", "Evergreen",
           "Renovación automática"),
        _derived("billing_months", "int", "months per billing period"),
    ),
)

DEVICES = Dataset(
    "devices",
    key="device_id",
    description="RMM / configuration inventory",
    # an id and a client fit many lists: a device list has a host name, a type, dates seen
    evidence=("hostname", "device_type", "first_seen", "last_seen", "covered", "active",
              "contract_id"),
    columns=(
        _c("device_id", "id", required=True, *(
            "Device ID", "deviceId", "Device UID", "uid", "rmmDeviceUid", "ID",
            "Serial Number", "serialNumber", "Serial No", "Serial", "Asset Tag", "Asset ID",
            "tagNumber", "deviceIdentifier",
            "Id dispositivo", "Id equipo", "Número de serie", "Nº serie", "Nº de serie",
            "Activo nº", "Etiqueta de activo",
            "Hostname", "systemName", "displayName", "Device Name", "Computer Name",
            "Config Name", "Nombre del equipo", "Nombre de equipo", "Equipo",
        )),
        _c("client", "text", required=True, *(
            *_CLIENT, "organizationId", "Site", "Site Name", "siteName", "companyID",
        )),
        _c("hostname", "text", *(
            "Hostname", "Host Name", "Device Name", "Computer Name", "Config Name",
            "systemName", "dnsName", "displayName", "rmmDeviceAuditHostname", "Name",
            "Nombre del equipo", "Nombre de equipo", "Nombre de host", "Nombre", "Host",
        )),
        _c("device_type", "text", "Device Type", "deviceType", "deviceType.category",
           "nodeClass", "configurationItemType", "Type", "Tipo de equipo",
           "Tipo de dispositivo", "Tipo"),
        _c("first_seen", "ts", *(
            "First Seen", "Created", "creationDate", "Installed Date", "Installation Date",
            "installationDate", "Install Date", "installDate", "Registered", "createDate",
            "Date Added", "Fecha de alta", "Alta", "Instalado", "Fecha de instalación",
        )),
        _c("last_seen", "ts", *(
            "Last Seen", "lastSeen", "Last Contact", "lastContact", "Last Check-in",
            "Last Checkin", "Last Check In", "Last Online", "dattoLastCheckInDateTime",
            "Última conexión", "Último contacto", "Visto por última vez",
            "Última vez visto", "Última comunicación",
        )),
        _c("contract_id", "id", "Contract ID", "contractID", "Contract", "Agreement",
           "Contrato", "Nº contrato"),
        _c("covered", "bool", "Covered", "Billed", "Billable", "billFlag", "Billing Status",
           "Cubierto", "Facturable"),
        _c("active", "bool", "Active", "isActive", "activeFlag", "Activo"),
    ),
)

PROJECTS = Dataset(
    "projects",
    key="project_id",
    description="projects with budget and progress",
    evidence=("project_id", "budget_hours", "percent_complete", "due_date"),
    columns=(
        _c("project_id", "id", required=True, *(
            "Project ID", "projectNumber", "Project Number", "Project #", "Project No",
            "Project Code", "PM_Project_RecID", "ID", "Project",
            "Id proyecto", "Código proyecto", "Código de proyecto", "Código del proyecto",
            "Nº proyecto", "Número de proyecto", "Referencia de proyecto", "Proyecto",
        )),
        _c("client", "text", *_CLIENT),
        _c("name", "text", "Project Name", "projectName", "Name", "Nombre del proyecto",
           "Nombre proyecto", "Nombre"),
        _c("status", "text", "Status", "Project Status", "Estado", "Estado del proyecto"),
        _c("start_date", "date", required=True, *(
            "Start Date", "startDate", "Estimated Start", "estimatedStart",
            "startDateTime", "Scheduled Start", "Actual Start", "Fecha de inicio",
            "Fecha inicio", "Fecha inicio prevista", "Fecha prevista inicio", "Inicio",
        )),
        _c("due_date", "date", required=True, *(
            "Due Date", "Planned End", "Planned End Date", "Estimated End", "estimatedEnd",
            "End Date", "endDateTime", "Scheduled End", "Target Date",
            "Fecha prevista fin", "Fecha prevista de fin", "Fecha fin prevista",
            "Fecha de fin prevista", "Fecha prevista de finalización", "Fecha de entrega",
            "Fecha límite", "Fecha fin",
        )),
        _c("budget_hours", "num", required=True, *(
            "Budget Hours", "budgetHours", "Budgeted Hours", "Estimated Hours",
            "estimatedHours", "Estimated Time", "estimatedTime", "Planned Hours",
            "Horas presupuestadas", "Horas estimadas", "Horas previstas",
            "Horas planificadas", "Presupuesto horas", "Presupuesto de horas",
        )),
        _c("actual_hours", "num", "Actual Hours", "actualHours", "Hours Used", "Horas reales",
           "Horas consumidas", "Horas imputadas", "Horas incurridas", "Horas trabajadas"),
        _c("percent_complete", "pct", *(
            "% Complete", "Percent Complete", "completedPercentage",
            "Completed Percentage", "% Done", "Progress", "% completado", "% avance",
            "Porcentaje completado", "Porcentaje de avance", "Avance", "Progreso",
        )),
        _c("closed_at", "date", *(
            "Closed", "Closed Date", "Actual End", "actualEnd", "completedDateTime",
            "Completed Date", "Fecha de cierre", "Fecha cierre", "Fecha fin real",
            "Fecha de finalización", "Fecha real de fin",
        )),
        _c("budget_amount", "num", "Budget Amount", "billingAmount", "Budget",
           "Presupuesto", "Importe presupuestado"),
    ),
)

INVOICES = Dataset(
    "invoices",
    description="billing lines",
    evidence=("invoice_id", "amount", "cost"),
    columns=(
        _c("client", "text", required=True, *(*_CLIENT, "*ContactName", "ContactName", "Name")),
        _c("date", "date", required=True, *(
            "Invoice Date", "*InvoiceDate", "InvoiceDate", "invoiceDateTime",
            "Transaction date", "Date", "Fecha de factura", "Fecha factura",
            "Fecha de emisión", "Fecha emisión", "Fecha",
        )),
        _c("amount", "num", required=True, *(
            "Line Amount", "LineAmount", "Net Amount", "Net", "Subtotal", "Amount",
            "invoiceTotal", "Base imponible", "Importe neto", "Base", "Importe",
        )),
        _c("invoice_id", "id", "Invoice Number", "*InvoiceNumber", "InvoiceNumber",
           "Invoice ID", "Invoice", "Num", "Número de factura", "Nº factura", "Factura"),
        _c("type", "text", "Type", "Transaction type", "Tipo"),
        _c("cost", "num", "Cost", "Cost Amount", "Unit Cost x Qty", "Coste", "Coste total"),
        _c("currency", "text", *_CURRENCY),
    ),
)

OPPORTUNITIES = Dataset(
    "opportunities",
    key="opportunity_id",
    updated="last_activity_at",
    description="CRM deals",
    # "ID" + "Created" fits tickets too: a deal list has a stage, an amount, an owner
    evidence=("stage", "probability", "amount", "owner", "source", "closed_at",
              "last_activity_at"),
    columns=(
        _c("opportunity_id", "id", required=True, *(
            "Opportunity ID", "Record ID", "Deal ID", "ID", "Id oportunidad",
            "Oportunidad",
        )),
        _c("created_at", "ts", required=True, *(
            "Created Date", "CreatedDate", "Create Date", "createDate", "Created",
            "dateBecameLead", "_info.dateEntered", "Fecha de creación", "Fecha creación",
            "Creado", "Creada",
        )),
        _c("client", "text", *(*_CLIENT, "Associated Company", "Prospect")),
        _c("closed_at", "ts", "Close Date", "Closed Date", "closedDate", "CloseDate",
           "Fecha de cierre", "Fecha cierre"),
        _c("stage", "text", "Stage", "Deal Stage", "StageName", "Etapa", "Fase"),
        _c("status", "text", "Status", "Estado"),
        _c("source", "text", "Lead Source", "LeadSource", "Source", "Origen"),
        _c("owner", "text", "Owner", "Deal owner", "Opportunity Owner", "primarySalesRep",
           "ownerResourceID", "Propietario", "Comercial"),
        _c("amount", "num", "Amount", "Deal Amount", "Importe", "Valor"),
        _c("currency", "text", *_CURRENCY),
        _c("probability", "pct", "Probability", "Probability (%)", "Deal probability",
           "Probabilidad"),
        _c("last_activity_at", "ts", "Last Activity Date", "lastActivityDate",
           "Last Activity", "Última actividad"),
        _derived("outcome", "text", "won, lost or open"),
    ),
)

CLIENTS = Dataset(
    "clients",
    description="optional: other names of a client",
    evidence=("alias",),
    columns=(
        _c("client", "text", "Client", "Cliente", "Company", "Empresa", required=True),
        _c("alias", "text", "Alias", "Other Name", "Also Known As", "Otro nombre",
           required=True),
    ),
)

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        TICKETS, SURVEYS, TIME_ENTRIES, STAFF, CONTRACTS, DEVICES, PROJECTS, INVOICES,
        OPPORTUNITIES, CLIENTS,
    )
}

# fmt: on

#: The amount columns of each dataset with a ``currency``: read with their currency
#: (kpi.load.values.parse_money) and converted to the report currency by the engine.
MONEY_COLUMNS: dict[str, tuple[str, ...]] = {
    "contracts": ("amount",),
    "invoices": ("amount", "cost"),
    "opportunities": ("amount",),
}

#: The client shown for rows of datasets where the client is optional and empty.
NO_CLIENT = "(none)"
