"""Every visible string of the app, in English and Spanish.

Pages never write literal text: they call :func:`t` with a key of :data:`CATALOG`.
KPI and dataset labels come from their declarations (``kpi.metrics``, ``kpi.schema``),
not from here. A test checks that every key has both languages and the same
``{placeholders}`` in each.

The language is chosen once per session from the browser (``st.context.locale``,
``es-ES`` -> ``es``) and can be switched in the sidebar.
"""

from __future__ import annotations

from typing import Any

LANGS = ("en", "es")
LANG_NAMES = {"en": "English", "es": "Español"}

#: key -> (English, Spanish)
CATALOG: dict[str, tuple[str, str]] = {
    # ----------------------------------------------------------------- app frame
    "app.title": ("MSP KPIs", "KPIs del MSP"),
    "page.overview": ("Overview", "Resumen"),
    "page.profitability": ("Profitability", "Rentabilidad"),
    "page.service_desk": ("Service desk", "Service desk"),
    "page.resources": ("Resources", "Recursos"),
    "page.contracts": ("Contracts & devices", "Contratos y equipos"),
    "page.projects": ("Projects", "Proyectos"),
    "page.sales": ("Sales & pipeline", "Ventas y pipeline"),
    "page.alerts": ("Alerts", "Alertas"),
    "page.data": ("Data", "Datos"),
    "page.settings": ("Settings", "Ajustes"),
    "page.definitions": ("Definitions", "Definiciones"),
    "nav.dashboards": ("Dashboards", "Cuadros de mando"),
    "nav.manage": ("Data and settings", "Datos y ajustes"),
    "app.error": (
        "Something went wrong while showing this page. Your data is still loaded: try "
        "another page or other filters, or go back to the sample data. If it happens "
        "again, please report it (the server log has the details).",
        "Algo ha fallado al mostrar esta página. Tus datos siguen cargados: prueba otra "
        "página u otros filtros, o vuelve a los datos de ejemplo. Si se repite, avísanos "
        "(el registro del servidor tiene los detalles).",
    ),
    "app.error_sample": ("Back to the sample data", "Volver a los datos de ejemplo"),
    # ----------------------------------------------------------------- sidebar
    "sb.language": ("Language", "Idioma"),
    "sb.filters": ("Filters", "Filtros"),
    "sb.clients": ("Clients", "Clientes"),
    "sb.clients_all": ("All clients", "Todos los clientes"),
    "sb.technicians": ("Technicians", "Técnicos"),
    "sb.technicians_all": ("All technicians", "Todos los técnicos"),
    "sb.technicians_help": (
        "Applies to tickets, CSAT, time entries and utilisation; KPIs without a "
        "technician (MRR, contracts, devices, sales) are hidden while it is set.",
        "Se aplica a tickets, CSAT, partes de horas y utilización; los KPIs sin técnico "
        "(MRR, contratos, equipos, ventas) se ocultan mientras esté activo.",
    ),
    "sb.clients_help": (
        "Utilisation and available hours are per technician and are hidden while a "
        "client is selected.",
        "La utilización y las horas disponibles son por técnico y se ocultan mientras "
        "haya un cliente seleccionado.",
    ),
    "sb.technicians_not_here": (
        "The technician filter does not apply to this page.",
        "El filtro de técnicos no se aplica a esta página.",
    ),
    "sb.period": ("Period", "Periodo"),
    "sb.custom_range": ("From – to", "Desde – hasta"),
    "sb.compare": ("Compare with", "Comparar con"),
    "sb.as_of": ("As of {date}", "A fecha de {date}"),
    "sb.no_data": ("No data loaded.", "No hay datos cargados."),
    "sb.reset": ("Reset filters", "Quitar filtros"),
    "period.last_month": ("Last month", "Mes pasado"),
    "period.this_quarter": ("This quarter", "Este trimestre"),
    "period.last_quarter": ("Last quarter", "Trimestre pasado"),
    "period.ytd": ("Year to date", "Año en curso"),
    "period.last_12_months": ("Last 12 months", "Últimos 12 meses"),
    "period.custom": ("Custom range", "Rango personalizado"),
    "compare.none": ("No comparison", "Sin comparación"),
    "compare.previous": ("Previous period", "Periodo anterior"),
    "compare.year": ("Same period last year", "Mismo periodo del año anterior"),
    # ----------------------------------------------------------------- status, common
    "status.ok": ("On target", "En objetivo"),
    "status.warn": ("Close to target", "Cerca del objetivo"),
    "status.bad": ("Off target", "Fuera de objetivo"),
    "status.none": ("No target status", "Sin estado"),
    "common.target": ("Target", "Objetivo"),
    "common.value": ("Value", "Valor"),
    "common.previous": ("Previous", "Anterior"),
    "common.delta": ("Change", "Variación"),
    "common.client": ("Client", "Cliente"),
    "common.technician": ("Technician", "Técnico"),
    "common.month": ("Month", "Mes"),
    "common.period": ("Period", "Periodo"),
    "common.kpi": ("KPI", "KPI"),
    "common.unit": ("Unit", "Unidad"),
    "common.status": ("Status", "Estado"),
    "common.numerator": ("Numerator", "Numerador"),
    "common.denominator": ("Denominator", "Denominador"),
    "common.count": ("Count", "Número"),
    "common.other": ("Other", "Otros"),
    "common.none": ("(none)", "(ninguno)"),
    "common.empty": ("Nothing to show for these filters.", "Nada que mostrar con estos filtros."),
    "common.not_available": (
        "Not available with the loaded data: {why}",
        "No disponible con los datos cargados: {why}",
    ),
    "common.hidden_by_filter": (
        "Not shown under the current filters (this KPI has no {dimension}).",
        "No se muestra con los filtros actuales (este KPI no tiene {dimension}).",
    ),
    "common.how": ("How is this calculated?", "¿Cómo se calcula?"),
    "common.sql": ("SQL run for this number", "SQL ejecutado para este número"),
    "common.params": ("Parameters", "Parámetros"),
    "common.sql_fraction": (
        "This KPI's rows are those with `sel_i` = {sel}: numerator in `{num}`, denominator "
        "in `{den}`; value = numerator / denominator.",
        "Las filas de este KPI son las de `sel_i` = {sel}: numerador en `{num}`, denominador "
        "en `{den}`; valor = numerador / denominador.",
    ),
    "common.sql_value": (
        "This KPI's rows are those with `sel_i` = {sel}: the value in `{num}`.",
        "Las filas de este KPI son las de `sel_i` = {sel}: el valor en `{num}`.",
    ),
    "common.inputs": ("Inputs", "Datos de entrada"),
    "common.formula": ("Formula", "Fórmula"),
    "common.parts": ("{parts}", "{parts}"),
    "common.summary_table": ("Summary table", "Tabla resumen"),
    "common.period_caption": ("{range} · as of {as_of}", "{range} · a fecha de {as_of}"),
    "common.compare_caption": ("compared with {range}", "comparado con {range}"),
    "common.error": (
        "Something went wrong computing this page: {error}",
        "Algo ha fallado al calcular esta página: {error}",
    ),
    "common.no_data_hint": (
        "No data is loaded. Load the sample data or upload your exports on the Data page.",
        "No hay datos cargados. Carga los datos de ejemplo o sube tus exportaciones en la "
        "página Datos.",
    ),
    "common.health": ("Health score", "Salud"),
    "common.responses": ("Responses", "Respuestas"),
    "common.hours": ("Hours", "Horas"),
    "common.tickets": ("tickets", "tickets"),
    "common.not_loaded": ("Load {dataset} to see this.", "Carga {dataset} para ver esto."),
    # ----------------------------------------------------------------- downloads
    "dl.title": ("Downloads", "Descargas"),
    "dl.summary_csv": ("Summary (CSV)", "Resumen (CSV)"),
    "dl.kpis_csv": ("All KPIs, long format (CSV)", "Todos los KPIs, formato largo (CSV)"),
    "dl.workbook": ("Excel workbook", "Libro Excel"),
    "dl.alerts_csv": ("Alerts (CSV)", "Alertas (CSV)"),
    "dl.problems_csv": ("Data problems (CSV)", "Problemas de datos (CSV)"),
    "dl.dialect": ("CSV format", "Formato CSV"),
    "dl.dialect.comma": ("Comma, decimal point (1234.5)", "Coma, punto decimal (1234.5)"),
    "dl.dialect.semicolon": (
        "Semicolon, decimal comma (1234,5)",
        "Punto y coma, coma decimal (1234,5)",
    ),
    "dl.help": (
        "CSV files are UTF-8 with BOM so Excel opens accents right. The long format has "
        "the same columns and numbers as `python -m kpi report`.",
        "Los CSV van en UTF-8 con BOM para que Excel abra bien los acentos. El formato "
        "largo tiene las mismas columnas y números que `python -m kpi report`.",
    ),
    "dl.sheet.definitions": ("Definitions", "Definiciones"),
    "dl.sheet.problems": ("Data problems", "Problemas de datos"),
    "dl.sheet.alerts": ("Alerts", "Alertas"),
    "dl.sheet.all": ("All KPIs", "Todos los KPIs"),
    # ----------------------------------------------------------------- overview
    "ov.title": ("Overview", "Resumen"),
    "ov.alerts_link": ("{n} alerts to review", "{n} alertas por revisar"),
    "ov.no_alerts": ("No alerts", "Sin alertas"),
    "ov.health_title": ("Client health", "Salud por cliente"),
    "ov.health_help": (
        "Each cell is coloured by its target status. Health = the share of the client's "
        "headline KPIs on target (close to target counts half). Click a header to sort.",
        "Cada celda se colorea según su objetivo. Salud = la parte de los KPIs principales "
        "del cliente en objetivo (cerca del objetivo cuenta la mitad). Pulsa una cabecera "
        "para ordenar.",
    ),
    "ov.with": ("{label}: {value}", "{label}: {value}"),
    "ov.vs": ("vs {value}", "frente a {value}"),
    "ov.card_unavailable": ("Not available", "No disponible"),
    "ov.target": ("Target {target}", "Objetivo {target}"),
    "ov.sparkline": ("Last 12 months", "Últimos 12 meses"),
    # ----------------------------------------------------------------- profitability
    "pr.mrr_by_client": ("MRR by client (top {n})", "MRR por cliente (top {n})"),
    "pr.movements": ("MRR movements by month", "Movimientos de MRR por mes"),
    "pr.margin_by_client": ("Gross margin by client", "Margen bruto por cliente"),
    "pr.rate_trend": ("Effective hourly rate", "Tarifa horaria efectiva"),
    "pr.revenue_cost": ("Revenue vs cost", "Ingresos frente a costes"),
    "pr.total_cost": ("Total cost", "Coste total"),
    # ----------------------------------------------------------------- charts
    "ch.bars_lowest": ("The {n} lowest of {total}", "Los {n} más bajos de {total}"),
    "ch.bars_highest": ("The {n} highest of {total}", "Los {n} más altos de {total}"),
    "ch.bars_ends": (
        "The {half} lowest and the {half} highest of {total}",
        "Los {half} más bajos y los {half} más altos de {total}",
    ),
    # ----------------------------------------------------------------- service desk
    "sd.csat_trend": ("CSAT by month", "CSAT por mes"),
    "sd.csat_by_client": ("CSAT by client", "CSAT por cliente"),
    "sd.csat_by_tech": ("CSAT by technician", "CSAT por técnico"),
    "sd.fcr_sla": ("First contact resolution and SLA", "Resolución al primer contacto y SLA"),
    "sd.resolution_priority": ("Resolution time by priority", "Tiempo de resolución por prioridad"),
    "sd.escalation_by": ("Escalation by {dimension}", "Escalado por {dimension}"),
    "sd.queue": ("queue", "cola"),
    "sd.tier": ("tier", "nivel"),
    "sd.priority": ("Priority", "Prioridad"),
    "sd.backlog": ("Backlog at each month end", "Backlog al final de cada mes"),
    "sd.escalated_hours": ("Hours on escalated tickets", "Horas en tickets escalados"),
    "sd.no_priority": ("(no priority)", "(sin prioridad)"),
    # ----------------------------------------------------------------- resources
    "rs.util_by_tech": ("Utilisation by technician", "Utilización por técnico"),
    "rs.heatmap": ("Utilisation by technician and month", "Utilización por técnico y mes"),
    "rs.hours_by_client": ("Hours by client", "Horas por cliente"),
    "rs.labor_cost": ("Labour cost by month", "Coste de personal por mes"),
    "rs.band": ("Target band", "Banda objetivo"),
    # ----------------------------------------------------------------- contracts
    "ct.uncovered_by_client": ("Uncovered devices by client", "Equipos sin cubrir por cliente"),
    "ct.leak": ("Revenue leak per month", "Ingreso perdido al mes"),
    "ct.renewal_trend": ("Renewal rate by month", "Tasa de renovación por mes"),
    "ct.upcoming": ("Upcoming renewals", "Próximas renovaciones"),
    "ct.bucket": ("Ends within", "Vence en"),
    "ct.bucket_days": ("{lo}–{hi} days", "{lo}–{hi} días"),
    "ct.contracts": ("Contracts", "Contratos"),
    "ct.contract": ("Contract", "Contrato"),
    "ct.end_date": ("Ends", "Vence"),
    "ct.days_left": ("Days left", "Días restantes"),
    "ct.mrr_at_stake": ("MRR at stake", "MRR en juego"),
    "ct.upcoming_help": (
        "Contracts ending after {as_of}, not already renewed by the renewal rule.",
        "Contratos que vencen después del {as_of} y que la regla de renovación no da ya "
        "por renovados.",
    ),
    # ----------------------------------------------------------------- projects
    "pj.portfolio": ("Portfolio", "Cartera"),
    "pj.project": ("Project", "Proyecto"),
    "pj.state": ("State", "Estado"),
    "pj.burn": ("Burn", "Consumo"),
    "pj.planned": ("Planned", "Previsto"),
    "pj.cpi_spi": ("Cost and schedule performance", "Rendimiento de coste y plazo"),
    "pj.cpi": ("CPI (cost)", "CPI (coste)"),
    "pj.spi": ("SPI (schedule)", "SPI (plazo)"),
    "pj.due": ("Due", "Entrega"),
    "pj.budget_hours": ("Budget hours", "Horas presupuestadas"),
    "pj.actual_hours": ("Actual hours", "Horas reales"),
    "pj.complete": ("Complete", "Completado"),
    "pj.state.completed": ("Completed", "Completado"),
    "pj.state.late": ("Late", "Retrasado"),
    "pj.state.over_budget": ("Over budget", "Sobre presupuesto"),
    "pj.state.at_risk": ("At risk", "En riesgo"),
    "pj.state.on_track": ("On track", "En plazo"),
    "pj.state.not_started": ("Not started", "Sin empezar"),
    # ----------------------------------------------------------------- sales
    "sl.funnel": ("Open pipeline by stage", "Pipeline abierto por etapa"),
    "sl.stage": ("Stage", "Etapa"),
    "sl.opportunities": ("Opportunities", "Oportunidades"),
    "sl.weighted": ("Weighted", "Ponderado"),
    "sl.stale": ("Stale opportunities", "Oportunidades estancadas"),
    "sl.win_trend": ("Win rate by month", "Tasa de éxito por mes"),
    "sl.cycle": ("Sales cycle by month", "Ciclo de venta por mes"),
    "sl.no_stage": ("(no stage)", "(sin etapa)"),
    "sl.last_activity": ("Last activity", "Última actividad"),
    "sl.days_idle": ("Days idle", "Días sin actividad"),
    # ----------------------------------------------------------------- alerts
    "al.rule": ("Rule", "Regla"),
    "al.severity": ("Severity", "Gravedad"),
    "al.subject": ("Subject", "Asunto"),
    "al.threshold": ("Threshold", "Umbral"),
    "al.action": ("Suggested action", "Acción sugerida"),
    "al.filter_rule": ("Rules", "Reglas"),
    "al.filter_severity": ("Severities", "Gravedades"),
    "al.thresholds": ("Thresholds", "Umbrales"),
    "al.thresholds_help": (
        "Change a threshold and the list updates. Defaults come from the KPI definitions.",
        "Cambia un umbral y la lista se actualiza. Los valores por defecto vienen de las "
        "definiciones de los KPIs.",
    ),
    "al.reset": ("Restore defaults", "Restaurar valores por defecto"),
    "al.none": ("No alerts for these filters.", "No hay alertas con estos filtros."),
    "al.count": ("{n} alerts", "{n} alertas"),
    "al.all": ("All", "Todas"),
    "sev.bad": ("High", "Alta"),
    "sev.warn": ("Medium", "Media"),
    "rule.csat_low": ("Low CSAT", "CSAT bajo"),
    "rule.sla_low": ("SLA below target", "SLA por debajo del objetivo"),
    "rule.margin_low": ("Low margin", "Margen bajo"),
    "rule.uncovered_devices": ("Uncovered devices", "Equipos sin cubrir"),
    "rule.renewal_due": ("Renewal due", "Renovación próxima"),
    "rule.project_late": ("Project late", "Proyecto retrasado"),
    "rule.project_over_budget": ("Project over budget", "Proyecto sobre presupuesto"),
    "rule.stale_opportunity": ("Stale opportunity", "Oportunidad estancada"),
    "rule.utilization_high": ("Utilisation too high", "Utilización demasiado alta"),
    "rule.utilization_low": ("Utilisation too low", "Utilización demasiado baja"),
    "th.csat_low": ("Low CSAT: below", "CSAT bajo: por debajo de"),
    "th.csat_low_min_responses": ("Low CSAT: minimum responses", "CSAT bajo: respuestas mínimas"),
    "th.sla_low": ("SLA: below", "SLA: por debajo de"),
    "th.sla_low_min_resolved": ("SLA: minimum resolved tickets", "SLA: tickets resueltos mínimos"),
    "th.margin_low": ("Margin: below", "Margen: por debajo de"),
    "th.uncovered_devices": ("Uncovered devices: more than", "Equipos sin cubrir: más de"),
    "th.renewal_due": ("Renewal: ending within (days)", "Renovación: vence en (días)"),
    "th.project_late": ("Project late: days past due", "Proyecto retrasado: días de retraso"),
    "th.project_over_budget": (
        "Over budget: actual / budget hours above",
        "Sobre presupuesto: horas reales / presupuesto por encima de",
    ),
    "th.stale_opportunity": (
        "Stale opportunity: days without activity",
        "Oportunidad estancada: días sin actividad",
    ),
    "th.utilization_high": ("Utilisation: above", "Utilización: por encima de"),
    "th.utilization_low": ("Utilisation: below", "Utilización: por debajo de"),
    # ----------------------------------------------------------------- data
    "dt.title": ("Data", "Datos"),
    "dt.source_sample": (
        "Showing the built-in sample data of a fictional MSP.",
        "Se muestran los datos de ejemplo de un MSP ficticio.",
    ),
    "dt.source_uploads": ("Showing {n} uploaded file(s).", "Se muestran {n} archivo(s) subido(s)."),
    "dt.source_none": ("No data loaded.", "No hay datos cargados."),
    "dt.upload": ("Upload exports", "Subir exportaciones"),
    "dt.upload_help": (
        "CSV, TSV, TXT, Excel (xlsx, xls, xlsm), ODS, Parquet or JSON; several at once. "
        "Files stay in this browser session only and are never stored on the server.",
        "CSV, TSV, TXT, Excel (xlsx, xls, xlsm), ODS, Parquet o JSON; varios a la vez. "
        "Los archivos solo viven en esta sesión del navegador y nunca se guardan en el "
        "servidor.",
    ),
    "dt.loading": ("Reading {file}…", "Leyendo {file}…"),
    "dt.loaded": ("Loaded {n} file(s).", "{n} archivo(s) cargado(s)."),
    "dt.use_sample": ("Use the sample data", "Usar los datos de ejemplo"),
    "dt.clear": ("Clear all", "Quitar todo"),
    "dt.remove": ("Remove {file}", "Quitar {file}"),
    "dt.files": ("Files", "Archivos"),
    "dt.file": ("File", "Archivo"),
    "dt.sheet": ("Sheet", "Hoja"),
    "dt.dataset": ("Dataset", "Conjunto de datos"),
    "dt.read": ("Read", "Leídas"),
    "dt.loaded_rows": ("Loaded", "Cargadas"),
    "dt.merged": ("Merged", "Fusionadas"),
    "dt.rejected": ("Rejected", "Rechazadas"),
    "dt.skipped": ("Skipped lines", "Líneas omitidas"),
    "dt.warnings": ("Warnings", "Avisos"),
    "dt.not_recognised": ("Not recognised: {why}", "No reconocido: {why}"),
    "dt.unreadable": ("{file} could not be read: {why}", "No se pudo leer {file}: {why}"),
    "dt.mapping": ("Column mapping", "Correspondencia de columnas"),
    "dt.mapping_help": (
        "Each canonical column on the left is read from the file's column you choose. "
        "Required columns are marked *. Changes apply at once and the KPIs follow.",
        "Cada columna canónica de la izquierda se lee de la columna del archivo que elijas. "
        "Las obligatorias llevan *. Los cambios se aplican al momento y los KPIs se "
        "actualizan.",
    ),
    "dt.dataset_select": ("Read this table as", "Leer esta tabla como"),
    "dt.auto": ("(automatic)", "(automático)"),
    "dt.unmapped_option": ("(not mapped)", "(sin asignar)"),
    "dt.preview": ("Preview (first rows as read)", "Vista previa (primeras filas leídas)"),
    "dt.notes": ("Reading notes", "Notas de lectura"),
    "dt.unmapped": ("Columns not used: {cols}", "Columnas no usadas: {cols}"),
    "dt.problems": ("Problems ({n})", "Problemas ({n})"),
    "dt.problems_none": ("No problems found.", "No se encontraron problemas."),
    "dt.problem_row": ("Row", "Fila"),
    "dt.problem_column": ("Column", "Columna"),
    "dt.problem_value": ("Value", "Valor"),
    "dt.problem": ("Problem", "Problema"),
    "dt.severity": ("Kind", "Tipo"),
    "dt.sev.rejected": ("rejected", "rechazada"),
    "dt.sev.warning": ("warning", "aviso"),
    "dt.sev.skipped": ("skipped", "omitida"),
    "dt.sev.info": ("info", "info"),
    "dt.presets": ("Mapping presets", "Plantillas de correspondencia"),
    "dt.presets_help": (
        "A preset remembers a mapping for next time (same JSON as `--preset` of the "
        "command line). It applies to every file whose headers contain its source columns.",
        "Una plantilla recuerda una correspondencia para la próxima vez (el mismo JSON que "
        "`--preset` de la línea de comandos). Se aplica a todo archivo cuyas cabeceras "
        "contengan sus columnas de origen.",
    ),
    "dt.preset_save": (
        "Download this mapping as a preset",
        "Descargar esta correspondencia como plantilla",
    ),
    "dt.preset_load": ("Load presets (JSON)", "Cargar plantillas (JSON)"),
    "dt.preset_loaded": ("Preset {name} applied.", "Plantilla {name} aplicada."),
    "dt.preset_error": ("Preset not loaded: {why}", "Plantilla no cargada: {why}"),
    "dt.presets_active": ("Active presets: {names}", "Plantillas activas: {names}"),
    "dt.presets_clear": ("Forget presets", "Olvidar plantillas"),
    "dt.read_options": ("Reading options", "Opciones de lectura"),
    "dt.read_lang": (
        "When a file does not settle it, read numbers and dates the",
        "Cuando el archivo no lo aclara, leer números y fechas a la",
    ),
    "dt.read_lang.en": ("English way (1,234.5 and month/day)", "inglesa (1,234.5 y mes/día)"),
    "dt.read_lang.es": ("Spanish way (1.234,5 and day/month)", "española (1.234,5 y día/mes)"),
    "dt.day_first": ("Dates", "Fechas"),
    "dt.csat_scale": ("Best CSAT score", "Mejor puntuación CSAT"),
    "dt.day_first.auto": ("Detect from the values", "Detectar de los valores"),
    "dt.day_first.true": ("Day first (31/01/2024)", "Día primero (31/01/2024)"),
    "dt.day_first.false": ("Month first (01/31/2024)", "Mes primero (01/31/2024)"),
    "dt.notes_global": ("Notes", "Notas"),
    "dt.encoding": (
        "Encoding {enc}, delimiter {delim}, header on row {row}",
        "Codificación {enc}, separador {delim}, cabecera en la fila {row}",
    ),
    "dt.summary": (
        "{files} table(s): {read} rows read, {loaded} loaded, {merged} merged, "
        "{rejected} rejected.",
        "{files} tabla(s): {read} filas leídas, {loaded} cargadas, {merged} fusionadas, "
        "{rejected} rechazadas.",
    ),
    "dt.datasets_loaded": ("Datasets loaded", "Conjuntos cargados"),
    "dt.rows": ("Rows", "Filas"),
    # ----------------------------------------------------------------- settings
    "st.targets": ("Targets", "Objetivos"),
    "st.targets_help": (
        "Ratios are entered as percentages. A band (utilisation) has a low and a high end.",
        "Los ratios se introducen en porcentaje. Una banda (utilización) tiene un mínimo y "
        "un máximo.",
    ),
    "st.default": ("Default", "Por defecto"),
    "st.low": ("Low", "Mínimo"),
    "st.high": ("High", "Máximo"),
    "st.direction": ("Good when", "Bien cuando"),
    "dir.higher": ("higher", "mayor"),
    "dir.lower": ("lower", "menor"),
    "dir.band": ("inside the band", "dentro de la banda"),
    "st.currency": ("Currency", "Moneda"),
    "st.timezone": ("Report time zone", "Zona horaria del informe"),
    "st.timezone_help": (
        "Timestamps with an offset are converted to this zone; changing it reloads the data.",
        "Las fechas con zona se convierten a esta; cambiarla vuelve a cargar los datos.",
    ),
    "st.as_of": ("Report date (as of)", "Fecha del informe (a fecha de)"),
    "st.as_of_auto": (
        "Use the latest date in the data ({date})",
        "Usar la última fecha de los datos ({date})",
    ),
    "st.as_of_help": (
        "Point-in-time KPIs (MRR, backlog, devices, projects, pipeline) are measured on this "
        "day; the period presets are counted from it.",
        "Los KPIs a fecha (MRR, backlog, equipos, proyectos, pipeline) se miden en este día; "
        "los periodos predefinidos se cuentan desde él.",
    ),
    "st.language": ("Language", "Idioma"),
    "st.reset_targets": ("Restore default targets", "Restaurar objetivos por defecto"),
    "st.general": ("General", "General"),
    "st.dialect_auto": ("Follow the language", "Según el idioma"),
    # ----------------------------------------------------------------- definitions
    "df.intro": (
        "Every KPI the app computes, as defined in the project's KPI specification.",
        "Todos los KPIs que calcula la app, tal como se definen en la especificación.",
    ),
    "df.search": ("Search", "Buscar"),
    "df.needs": ("Needs", "Necesita"),
    "df.available": ("Available with the loaded data", "Disponible con los datos cargados"),
    "df.yes": ("Yes", "Sí"),
    "df.no": ("No: {why}", "No: {why}"),
    "df.direction": ("Better when", "Mejor cuando"),
    "df.groupings": ("Groupings", "Agrupaciones"),
    "df.show_sql": ("Show the SQL", "Ver el SQL"),
    "df.headline": ("Headline", "Principal"),
    "df.columns": ("Canonical columns", "Columnas canónicas"),
    "df.column": ("Column", "Columna"),
    "df.kind": ("Type", "Tipo"),
    "df.required": ("Required", "Obligatoria"),
    "df.derived": ("Derived", "Derivada"),
    "df.loaded": ("Loaded", "Cargada"),
    "df.aliases": ("Recognised headers (some)", "Cabeceras reconocidas (algunas)"),
    # ----------------------------------------------------------------- periods and comparisons
    "period.month_to_date": ("Month to date", "Mes en curso"),
    "period.all_data": ("All data", "Todos los datos"),
    "sb.data_span": ("The data spans {range}", "Los datos abarcan {range}"),
    "common.compare_before_data": (
        "no comparison: the comparison period ({range}) starts before the data begins ({start})",
        "sin comparación: el periodo de comparación ({range}) empieza antes de que empiecen "
        "los datos ({start})",
    ),
    "df.periods_title": ("Periods and comparisons", "Periodos y comparaciones"),
    "df.periods_rules": (
        "- **Report date (as of)**: the latest event date of the loaded data (tickets "
        "created, resolved or updated, survey responses, time entries, invoices, devices last "
        "seen, deals created, active or closed), unless Settings fix another.\n"
        "- **The data's first date**: the earliest of the same event dates, devices left out "
        "(a device's first or last seen date describes the device, not the history the "
        "export holds). Contract, project and due dates are plans, not events: they count "
        "for neither. The sidebar shows the data's span.\n"
        "- **Presets**: *Month to date*, *This quarter* and *Year to date* end on the report "
        "date. *Last month* and *Last quarter* are the calendar month and quarter before the "
        "report date's. *Last 12 months* ends with the last complete month: on data ending "
        "on 5 May it is May of the year before to April (data ending on 31 May: June to "
        "May). *All data* is the data's first date to the report date.\n"
        "- **Previous period**: a period of whole calendar months (from a 1st to a month's "
        "last day) is compared with as many months just before it: a quarter with the "
        "quarter before, January-June with July-December of the year before, twelve months "
        "with the twelve before. Any other range is compared with as many days ending the "
        "day before it starts (10 to 19 January with 31 December to 9 January).\n"
        "- **Same period last year**: the same dates one year earlier (29 February becomes "
        "the 28th).\n"
        "- **Before the data begins**: when the comparison period starts before the data's "
        "first date, even by a day, part of it has no data and its numbers would be too "
        "low (no tickets where there were some): the previous value and the change are left "
        "empty, and the page and the command line say why. A period that itself starts "
        "before the data begins gets a note: nothing before that day is counted.",
        "- **Fecha del informe (a fecha de)**: la última fecha de un hecho en los datos "
        "cargados (tickets creados, resueltos o actualizados, respuestas de encuestas, "
        "partes de horas, facturas, última conexión de equipos, oportunidades creadas, con "
        "actividad o cerradas), salvo que Ajustes fije otra.\n"
        "- **Primera fecha de los datos**: la más antigua de esas mismas fechas, sin los "
        "equipos (su primera o última conexión describe el equipo, no la historia que "
        "contiene la exportación). Las fechas de contratos, proyectos y vencimientos son "
        "planes, no hechos: no cuentan para ninguna. La barra lateral muestra el intervalo "
        "de los datos.\n"
        "- **Periodos predefinidos**: *Mes en curso*, *Este trimestre* y *Año en curso* "
        "terminan en la fecha del informe. *Mes pasado* y *Trimestre pasado* son el mes y el "
        "trimestre naturales anteriores al de la fecha del informe. *Últimos 12 meses* "
        "termina en el último mes completo: con datos hasta el 5 de mayo va de mayo del año "
        "anterior a abril (con datos hasta el 31 de mayo, de junio a mayo). *Todos los "
        "datos* va de la primera fecha de los datos a la fecha del informe.\n"
        "- **Periodo anterior**: un periodo de meses naturales completos (de un día 1 al "
        "último día de un mes) se compara con otros tantos meses justo antes: un trimestre "
        "con el anterior, enero-junio con julio-diciembre del año anterior, doce meses con "
        "los doce anteriores. Cualquier otro rango se compara con otros tantos días que "
        "terminan el día antes de su inicio (del 10 al 19 de enero con del 31 de diciembre "
        "al 9 de enero).\n"
        "- **Mismo periodo del año anterior**: las mismas fechas un año antes (el 29 de "
        "febrero pasa a ser el 28).\n"
        "- **Antes de que empiecen los datos**: si el periodo de comparación empieza antes "
        "de la primera fecha de los datos, aunque sea un día, parte de él no tiene datos y "
        "sus cifras saldrían bajas (ningún ticket donde los hubo): el valor anterior y la "
        "variación quedan vacíos, y la página y la línea de comandos dicen por qué. Un "
        "periodo que empieza antes que los datos lleva una nota: no se cuenta nada anterior "
        "a ese día.",
    ),
    # ----------------------------------------------------------------- issue 18: row rules
    "dt.billing_unknown": (
        "Billing periods not recognised: these contracts stay out of MRR until you give the "
        "months of each period (the downloaded preset keeps them).",
        "Periodicidades no reconocidas: estos contratos quedan fuera del MRR hasta que "
        "indiques los meses de cada una (el preset descargado los guarda).",
    ),
    "dt.billing_months": ("Months of “{value}”", "Meses de «{value}»"),
    "dt.billing_months_unset": ("unknown: out of MRR", "desconocida: fuera del MRR"),
    "df.rules": (
        "Reading rules: ticket statuses, billing periods, decimal marks, sales cycles",
        "Reglas de lectura: estados de ticket, periodicidades, decimales, ciclos de venta",
    ),
    "df.rules.status": (
        "**Resolved by status.** A ticket's resolution date is resolved_at, else closed_at "
        "(a date earlier than created_at is dropped, with a warning). Without a usable date, "
        "the status decides, compared ignoring case, accents, spaces and punctuation: "
        "resolved words ({resolved}, and a preset's `resolved_statuses`) resolve the ticket "
        "at its last update (updated_at); cancelled words ({cancelled}) take it out of the "
        "backlog from its last update, never counted as resolved. With no last update "
        "either, the ticket left the backlog at an unknown time: never in the backlog and "
        "in no count or time that needs a date (resolved tickets, FCR, SLA, resolution "
        "times). Each such ticket is a warning on the Data page. A resolution date with an "
        "open status: the date wins.",
        "**Resuelto por su estado.** La fecha de resolución de un ticket es resolved_at, si "
        "no closed_at (una fecha anterior a created_at se descarta, con un aviso). Sin una "
        "fecha válida decide el estado, comparado sin mayúsculas, acentos, espacios ni "
        "puntuación: las palabras de resuelto ({resolved}, y las `resolved_statuses` de un "
        "preset) lo resuelven en su última actualización (updated_at); las de cancelado "
        "({cancelled}) lo sacan de los pendientes desde su última actualización, sin "
        "contarlo nunca como resuelto. Sin última actualización, el ticket salió de los "
        "pendientes en una fecha desconocida: nunca está pendiente y no entra en nada que "
        "necesite una fecha (resueltos, FCR, SLA, tiempos de resolución). Cada uno es un "
        "aviso en la página Datos. Una fecha de resolución con un estado abierto: manda la "
        "fecha.",
    ),
    "df.rules.billing": (
        "**Billing periods** (mrr_c = amount / months), ignoring case, accents, spaces and "
        "hyphens: monthly, mensual, M = 1; bimonthly, bimestral = 2; quarterly, trimestral, "
        "Q, T = 3; cuatrimestral = 4; semi-annual(ly), bi-annual(ly), half-yearly, "
        "semestral, S = 6; annual(ly), yearly, anual, A, Y = 12; biennial, bienal = 24; "
        "triennial, trienal = 36; a number of months or years (6, 6 Months, Every 6 Months, "
        "cada 3 meses, 2 years). Empty: monthly. One-time charges (One-time, once, Pago "
        "único, puntual) are not recurring: their MRR is 0. Any other value is never guessed: "
        "the contract stays loaded (renewals, devices) but is out of MRR, its movements, "
        "recurring revenue, the uncovered-device price and renewals_upcoming_mrr, with a "
        "warning per row, until its months are set on the Data page or in a preset "
        "(`billing_months`).",
        "**Periodicidades** (mrr_c = importe / meses), sin mayúsculas, acentos, espacios ni "
        "guiones: mensual, monthly, M = 1; bimestral, bimonthly = 2; trimestral, quarterly, "
        "Q, T = 3; cuatrimestral = 4; semestral, semi-annual(ly), bi-annual(ly), "
        "half-yearly, S = 6; anual, annual(ly), yearly, A, Y = 12; bienal, biennial = 24; "
        "trienal, triennial = 36; un número de meses o años (6, 6 meses, cada 3 meses, "
        "Every 6 Months, 2 años). Vacía: mensual. Los cargos únicos (Pago único, puntual, "
        "One-time, once) no son recurrentes: su MRR es 0. Cualquier otro valor nunca se "
        "adivina: el contrato sigue cargado (renovaciones, equipos) pero queda fuera del "
        "MRR, sus movimientos, los ingresos recurrentes, el precio por equipo no cubierto y "
        "renewals_upcoming_mrr, con un aviso por fila, hasta que se indiquen sus meses en "
        "la página Datos o en un preset (`billing_months`).",
    ),
    "df.rules.decimal": (
        "**Decimal marks** are decided per column by a majority of rows. A column mixing "
        "marks where no value can hold a thousands group (no value with both marks, none "
        "with a repeated mark, no single mark before exactly three digits such as 1,234) "
        "reads each value with its own mark (1.5 and 2,5 are 1.5 and 2.5) and warns each "
        "row of the minority mark; otherwise the majority mark decides and the values that "
        "do not fit it are invalid.",
        "**Separador decimal**: lo decide por columna la mayoría de las filas. Una columna "
        "que mezcla separadores sin ningún valor que pueda llevar miles (ninguno con los dos "
        "separadores, ni con uno repetido, ni con un separador seguido de exactamente tres "
        "cifras como 1,234) lee cada valor con el suyo (1.5 y 2,5 son 1,5 y 2,5) y avisa de "
        "cada fila del separador minoritario; si no, decide el mayoritario y los valores que "
        "no encajan no son válidos.",
    ),
    "df.rules.cycle": (
        "**Sales cycle.** A won deal closed before it was created still counts as won but is "
        "left out of the average sales cycle, with a warning per deal.",
        "**Ciclo de venta.** Una oportunidad ganada con fecha de cierre anterior a su "
        "creación cuenta como ganada pero queda fuera del ciclo medio de venta, con un "
        "aviso por oportunidad.",
    ),
    # ----------------------------------------------------------------- recognition (issue 18)
    "dt.confidence": ("Confidence", "Confianza"),
    "dt.runner_up": ("Runner-up", "Alternativa"),
    "dt.conf.high": ("high", "alta"),
    "dt.conf.low": ("low: confirm it", "baja: confírmela"),
    "dt.conf.confirmed": ("confirmed", "confirmada"),
    "dt.held": (
        "This table feeds no KPI until you confirm it: {why}",
        "Esta tabla no entra en ningún KPI hasta que la confirme: {why}",
    ),
    "dt.confirm": ("Confirm: read as {dataset}", "Confirmar: leer como {dataset}"),
    "dt.evidence": ("Why {dataset}: {why}", "Por qué {dataset}: {why}"),
    "common.held_notice": (
        "{n} table(s) read with low confidence feed no KPI until you confirm them on the "
        "Data page: {files}",
        "{n} tabla(s) leída(s) con confianza baja no entran en ningún KPI hasta que las "
        "confirme en la página Datos: {files}",
    ),
    "df.recognition": ("How files are recognised", "Cómo se reconocen los archivos"),
    "df.recognition_text": (
        "Each table is matched against every dataset by its headers (case, accents and "
        "punctuation folded) and read as the dataset whose required columns are all found "
        "with the most columns found. A tie is not guessed: you choose the dataset. A "
        "dataset that lacks a required column but finds more columns than the one that "
        "has them all wins the argument: the table is not recognised, and the message "
        "says what the richer dataset lacks (a projects sheet without a project id is "
        "never read as a list of technicians).\n\n"
        "Then the evidence and the content are weighed, and the table gets a confidence:\n\n"
        "- **Evidence**: each dataset has columns that speak for it: tickets (a ticket "
        "number, resolution, status, priority, SLA), surveys (a score), time entries "
        "(hours, start and end, billable), staff (hourly cost, weekly hours, tier or "
        "role), contracts (contract id, amount, billing period, covered units), devices "
        "(host name, type, first or last seen, covered, active, contract), projects "
        "(project id, budget hours, % complete, due date), invoices (number, amount, "
        "cost), opportunities (stage, probability, amount, owner, source, close date), "
        "client aliases (alias). Read without any of them: low confidence.\n"
        "- **Staff is a roster**: at most 500 rows, names nearly unique (90% of the rows, "
        "two repeats allowed), and no column with a date and a time of day that changes "
        "from row to row (that is an event log). Otherwise: low confidence.\n"
        "- **Event logs**: tickets without a created column are read as an event log when "
        "the ticket ids repeat (1.5 rows per ticket on average at least) and a change "
        "date is mapped (`Change Date+Time`, `Updated`, ...): each ticket is created at "
        "its first change in the file, and its rows merge into the latest.\n\n"
        "A table read with **low confidence** feeds no KPI: its rows count as rejected "
        "until you confirm the dataset on the Data page (the confirm button, or choosing "
        "another dataset). The files table shows each table's dataset, confidence and "
        "runner-up. The command line refuses such a file (exit status 2) unless a preset "
        'names its dataset (`--preset FILE.json` with `{"dataset": "staff"}`).',
        "Cada tabla se compara con todos los conjuntos por sus cabeceras (sin distinguir "
        "mayúsculas, acentos ni signos) y se lee como el conjunto cuyas columnas "
        "obligatorias están todas, con más columnas encontradas. Un empate no se adivina: "
        "usted elige el conjunto. Si un conjunto al que le falta una columna obligatoria "
        "encuentra más columnas que el que las tiene todas, la tabla no se reconoce y el "
        "mensaje dice qué le falta al más rico (una hoja de proyectos sin código de "
        "proyecto nunca se lee como una lista de técnicos).\n\n"
        "Después se pesan los indicios y el contenido, y la tabla recibe una confianza:\n\n"
        "- **Indicios**: cada conjunto tiene columnas propias: tickets (número de ticket, "
        "resolución, estado, prioridad, SLA), encuestas (una puntuación), partes de horas "
        "(horas, inicio y fin, facturable), plantilla (coste hora, horas semanales, nivel "
        "o puesto), contratos (número, importe, periodicidad, unidades cubiertas), equipos "
        "(nombre de equipo, tipo, alta o última conexión, cubierto, activo, contrato), "
        "proyectos (código, horas presupuestadas, % completado, fecha prevista de fin), "
        "facturas (número, importe, coste), oportunidades (etapa, probabilidad, importe, "
        "comercial, origen, fecha de cierre), alias de clientes (alias). Sin ninguna: "
        "confianza baja.\n"
        "- **La plantilla es una lista de personas**: 500 filas como mucho, nombres casi "
        "únicos (el 90 % de las filas, se admiten dos repetidos) y ninguna columna con "
        "fecha y hora que cambie de fila a fila (eso es un registro de eventos). Si no: "
        "confianza baja.\n"
        "- **Registros de eventos**: unos tickets sin columna de creación se leen como un "
        "registro de eventos cuando los números de ticket se repiten (1,5 filas por ticket "
        "de media como mínimo) y hay una fecha de cambio (`Change Date+Time`, "
        "`Actualizado`, ...): cada ticket se crea en su primer cambio del archivo, y sus "
        "filas se fusionan en la última.\n\n"
        "Una tabla leída con **confianza baja** no entra en ningún KPI: sus filas cuentan "
        "como rechazadas hasta que confirme el conjunto en la página Datos (el botón de "
        "confirmar, o eligiendo otro conjunto). La tabla de archivos muestra el conjunto, "
        "la confianza y la alternativa de cada tabla. La línea de comandos rechaza ese "
        "archivo (código de salida 2) salvo que una plantilla nombre su conjunto "
        '(`--preset ARCHIVO.json` con `{"dataset": "staff"}`).',
    ),
    # -------------------------------- stream i18-merge: the same rows in several files
    "df.merge.title": ("The same rows in several files", "Las mismas filas en varios ficheros"),
    "df.merge.intro": (
        "Files of the same dataset are read in the order given (a folder's files by their "
        "path, subfolders included). A file every row of which was already loaded from "
        "files given before it (the same export uploaded again under another name) adds "
        "nothing: its rows are merged into the earlier copies. Otherwise a row equal to a "
        "row of a file given later, on every column both files have, is the same row: it "
        "is kept once, from the later file, and counted as merged, so rows repeated in "
        "next month's export count once. Equal rows within one file all count (two equal "
        "invoice lines are "
        "two lines); a row found twice in one file and once in another is kept twice. Then "
        "the same key in several files keeps the rows of one file:",
        "Los ficheros de un mismo conjunto se leen en el orden dado (los de una carpeta "
        "por su ruta, subcarpetas incluidas). Un fichero cuyas filas ya estaban todas "
        "cargadas de ficheros dados antes (la misma exportación subida otra vez con otro "
        "nombre) no añade nada: sus filas se fusionan en las copias anteriores. Si no, una "
        "fila igual a otra de un fichero dado después, en todas las columnas que tienen "
        "los dos, es la misma fila: se cuenta una vez, la del fichero posterior, y la otra "
        "como fusionada; así las filas repetidas en la exportación del mes siguiente "
        "cuentan una vez. Las filas "
        "iguales dentro de un fichero cuentan todas (dos líneas de factura iguales son dos "
        "líneas); una fila que está dos veces en un fichero y una en otro se queda dos "
        "veces. Después, la misma clave en varios ficheros conserva las filas de uno:",
    ),
    "df.merge.tickets": (
        "by ticket_id, one row per ticket: the greatest updated_at wins (empty loses), "
        "then the later file, then the later row.",
        "por ticket_id, una fila por ticket: gana el mayor updated_at (vacío pierde), "
        "después el fichero posterior y después la fila posterior.",
    ),
    "df.merge.opportunities": (
        "by opportunity_id: the file whose rows have the latest last_activity_at, else the "
        "later file. Within one file a repeated id keeps every row (deal lines).",
        "por opportunity_id: el fichero cuyas filas tienen la última last_activity_at, si "
        "no el posterior. Dentro de un fichero, un id repetido conserva todas sus filas "
        "(líneas del trato).",
    ),
    "df.merge.contracts": (
        "by contract_id: the later file's rows. Within one file every row counts.",
        "por contract_id: las filas del fichero posterior. Dentro de un fichero cuentan todas.",
    ),
    "df.merge.projects": (
        "by project_id: the later file's rows. Within one file every row counts.",
        "por project_id: las filas del fichero posterior. Dentro de un fichero cuentan todas.",
    ),
    "df.merge.devices": (
        "by device_id: the later file's rows. Within one file a repeated id counts twice, "
        "with a warning.",
        "por device_id: las filas del fichero posterior. Dentro de un fichero, un id "
        "repetido cuenta dos veces, con un aviso.",
    ),
    "df.merge.staff": (
        "by technician (case, accents and spaces folded): the later file's row. Within one "
        "file the first row wins.",
        "por técnico (sin distinguir mayúsculas, acentos ni espacios): la fila del fichero "
        "posterior. Dentro de un fichero gana la primera.",
    ),
    "df.merge.surveys": (
        "by survey_id when the file has one: the later file's rows; without it, equal rows only.",
        "por survey_id si el fichero lo tiene: las filas del fichero posterior; sin él, "
        "solo filas iguales.",
    ),
    "df.merge.time_entries": (
        "no key: equal rows only (a corrected entry in a later export counts as another entry).",
        "sin clave: solo filas iguales (un parte corregido en una exportación posterior "
        "cuenta como otro parte).",
    ),
    "df.merge.invoices": (
        "no key (invoice_id is not one: an invoice has many lines): equal rows only.",
        "sin clave (invoice_id no lo es: una factura tiene muchas líneas): solo filas iguales.",
    ),
    "df.merge.clients": (
        "equal rows only.",
        "solo filas iguales.",
    ),
    "df.merge.empty": (
        "A file with headers and no rows under them loads as 0 rows with a warning.",
        "Un fichero con cabeceras y ninguna fila debajo se carga con 0 filas y un aviso.",
    ),
    # ----------------------------------------------------------------- money (issue 18)
    "st.currency_auto": ("Automatic: {currency}", "Automática: {currency}"),
    "st.currency_help": (
        "The currency of every money figure. Automatic: the data's currency when all its "
        "amounts are in one; with several, EUR until you choose. Amounts in another "
        "currency count only with an exchange rate (below); money is never added across "
        "currencies.",
        "La moneda de todas las cifras de dinero. Automática: la de los datos si todos sus "
        "importes están en una; con varias, EUR hasta que elijas. Los importes en otra "
        "moneda solo cuentan con un tipo de cambio (abajo); nunca se suma dinero de "
        "monedas distintas.",
    ),
    "st.rates": ("Exchange rates", "Tipos de cambio"),
    "st.rates_help": (
        "The value of ONE unit of each currency in {currency} (e.g. 0.92 for USD in EUR). "
        "Amounts in a currency without a rate are left out of every money figure.",
        "El valor de UNA unidad de cada moneda en {currency} (p. ej. 0,92 para USD en EUR). "
        "Los importes en una moneda sin tipo de cambio quedan fuera de todas las cifras de "
        "dinero.",
    ),
    "st.rates_none": (
        "Every amount of the data is in {currency}: no exchange rate is needed.",
        "Todos los importes de los datos están en {currency}: no hace falta tipo de cambio.",
    ),
    "st.rates_currency": ("Currency", "Moneda"),
    "st.rates_amounts": ("Amounts", "Importes"),
    "st.rates_rate": ("1 unit = ? {currency}", "1 unidad = ? {currency}"),
    "df.money_title": ("Currencies", "Monedas"),
    "df.money_rules": (
        "- **Currency of an amount**: the row's currency column (CurrencyIsoCode, "
        "Currency, Moneda, Divisa...), else the code or symbol in the amount cell "
        "(`USD 1,200`, `1.200,00 €`, `MX$ 950`). When the column and the cell disagree, "
        "the column wins (with a warning).\n"
        "- **A bare $** is read as the one currency written with $ that the data names "
        "(MXN, COP, CAD...) or that you chose as the report currency; as USD when there is "
        "none; when there are several its amounts are left out. A note says how it was "
        "read.\n"
        "- **Report currency**: the one chosen in Settings (CLI `--currency`); else the "
        "data's only currency; else the Settings one (the CLI stops and asks for "
        "`--currency`). Rows without any currency are in the report currency; when the "
        "data names another currency too, a note counts them.\n"
        "- **Exchange rates** are yours (Settings; CLI `--rates FILE.csv` with "
        "`currency,rate`): the value of one unit in the report currency. An amount in a "
        "currency without a rate is left out of every money KPI (MRR and its movements, "
        "recurring revenue, revenue, costs, margins, uncovered MRR, MRR up for renewal, "
        "pipeline, amount won); counts still count its row. A problem and a note name "
        "the currency and count the amounts. Money is never added across currencies.\n"
        "- **Unknown amounts**: a money sum over rows none of which has a known amount "
        "(empty, or without a rate) is empty, not 0; a group with no rows is 0. When "
        "some rows lack it, the value sums the known ones and a note says how many "
        "lacked it (an empty opportunity amount is unknown, not 0).",
        "- **Moneda de un importe**: la columna de moneda de la fila (CurrencyIsoCode, "
        "Currency, Moneda, Divisa...); si no, el código o símbolo de la celda del importe "
        "(`USD 1,200`, `1.200,00 €`, `MX$ 950`). Si la columna y la celda no coinciden, "
        "manda la columna (con un aviso).\n"
        "- **Un $ sin más** se lee como la única moneda con $ que nombran los datos (MXN, "
        "COP, CAD...) o la que elegiste como moneda del informe; como USD si no hay "
        "ninguna; si hay varias, sus importes quedan fuera. Una nota dice cómo se leyó.\n"
        "- **Moneda del informe**: la elegida en Ajustes (CLI `--currency`); si no, la "
        "única moneda de los datos; si no, la de Ajustes (el CLI se detiene y pide "
        "`--currency`). Las filas sin moneda están en la moneda del informe; si los datos "
        "nombran también otra moneda, una nota las cuenta.\n"
        "- **Tipos de cambio**: los tuyos (Ajustes; CLI `--rates FICHERO.csv` con "
        "`currency,rate`): el valor de una unidad en la moneda del informe. Un importe en "
        "una moneda sin tipo de cambio queda fuera de todos los KPI de dinero (MRR y sus "
        "movimientos, ingresos recurrentes, ingresos, costes, márgenes, MRR sin cubrir, "
        "MRR a renovar, cartera, importe ganado); los recuentos sí cuentan su fila. Un "
        "problema y una nota nombran la moneda y cuentan los importes. Nunca se suma "
        "dinero de monedas distintas.\n"
        "- **Importes desconocidos**: una suma de dinero sobre filas sin ningún importe "
        "conocido (vacío o sin tipo de cambio) queda vacía, no 0; un grupo sin filas es 0. "
        "Si a algunas filas les falta, el valor suma las conocidas y una nota dice a "
        "cuántas les faltaba (un importe vacío de una oportunidad es desconocido, no 0).",
    ),
    # ----------------------------------------------------------------- issue 18: check the numbers
    "dt.check": ("Check the numbers", "Comprueba las cifras"),
    "dt.check_help": (
        "What each dataset holds, to compare with the tool that exported it: rows, dates, "
        "clients and technicians, rows per status, money per currency; then what the KPIs "
        "made of those rows. Every row loaded counts, whatever the filters in the sidebar; "
        "lines at the report date use the data's latest date.",
        "Lo que contiene cada conjunto, para compararlo con la herramienta que lo exportó: "
        "filas, fechas, clientes y técnicos, filas por estado, importes por moneda; y lo que "
        "los KPIs hicieron con esas filas. Cuentan todas las filas cargadas, sean cuales "
        "sean los filtros de la barra lateral; las líneas a fecha del informe usan la última "
        "fecha de los datos.",
    ),
    "dt.check_span": (
        "Dates ({columns}): {first} – {last}",
        "Fechas ({columns}): {first} – {last}",
    ),
    "dt.check_undated": ("{n} rows without {column}", "{n} filas sin {column}"),
    "dt.check_clients": ("Clients: {n}", "Clientes: {n}"),
    "dt.check_no_client": ("rows without a client: {n}", "filas sin cliente: {n}"),
    "dt.check_technicians": ("Technicians: {n}", "Técnicos: {n}"),
    "dt.check_used": ("Used by the KPIs", "Lo que usan los KPIs"),
    "dt.check_by": ("Rows by {column}", "Filas por {column}"),
    "dt.check_value": ("Value", "Valor"),
    "dt.check_money": ("Money per currency", "Importes por moneda"),
    "dt.check_column": ("Column", "Columna"),
    "dt.check_currency": ("Currency", "Moneda"),
    "dt.check_total": ("Total", "Total"),
    "df.check_title": ("Check the numbers", "Comprueba las cifras"),
    "df.check_rules": (
        "The Data page's *Check the numbers* (and `python -m kpi inspect --summary`) shows, "
        "per dataset, what to compare with the tool that exported it:\n"
        "- **One sentence**: the rows kept (event logs merged, bad rows rejected) and what "
        "the KPIs used of them, e.g. tickets with a resolution date and open; lines at the "
        "report date name it and use the data's latest event date.\n"
        "- **Dates**: tickets created, survey responses, time entry and invoice dates, "
        "devices last seen, contracts from the first start to the last end, projects from "
        "the first start to the last due date, opportunities created.\n"
        "- **Clients and technicians**: distinct names after they are joined across files, "
        "and the rows without a client.\n"
        "- **Rows by status**: the 8 most frequent values, the rest added up as *other*.\n"
        "- **Money per currency**: amounts are summed per currency, never across "
        "currencies; without a currency column, one group *currency not given*.",
        "*Comprueba las cifras*, en la página Datos (y `python -m kpi inspect --summary`), "
        "muestra por conjunto lo que comparar con la herramienta que lo exportó:\n"
        "- **Una frase**: las filas conservadas (registros de eventos fusionados, filas "
        "erróneas rechazadas) y lo que los KPIs usaron de ellas, p. ej. tickets con fecha "
        "de resolución y abiertos; las líneas a fecha del informe la indican y usan la "
        "última fecha de un hecho en los datos.\n"
        "- **Fechas**: creación de tickets, respuestas de encuestas, fechas de partes y "
        "facturas, última conexión de equipos, contratos del primer inicio al último fin, "
        "proyectos del primer inicio a la última fecha prevista, creación de oportunidades.\n"
        "- **Clientes y técnicos**: nombres distintos una vez unidos entre archivos, y las "
        "filas sin cliente.\n"
        "- **Filas por estado**: los 8 valores más frecuentes; el resto, sumado como "
        "*otros*.\n"
        "- **Importes por moneda**: se suman por moneda, nunca entre monedas; sin columna "
        "de moneda, un solo grupo *moneda no indicada*.",
    ),
    # ---- ui finish (s3-ui22)
    # plural forms: tn(key, n) picks key_one for n = 1, key_other otherwise
    "ov.alerts_link_one": ("{n} alert to review", "{n} alerta por revisar"),
    "ov.alerts_link_other": ("{n} alerts to review", "{n} alertas por revisar"),
    "ov.health_without_one": (
        "{n} client without data this period",
        "{n} cliente sin datos en este periodo",
    ),
    "ov.health_without_other": (
        "{n} clients without data this period",
        "{n} clientes sin datos en este periodo",
    ),
}


def t(key: str, lang: str | None = None, **kwargs: Any) -> str:
    """The text of ``key`` in ``lang`` (default: the session's language).

    Raises:
        KeyError: an unknown key (a typo in a page shows up in the page tests).
    """
    en, es = CATALOG[key]
    text = es if (lang or current_lang()) == "es" else en
    return text.format(**kwargs) if kwargs else text


def tn(key: str, n: float, lang: str | None = None, **kwargs: Any) -> str:
    """The plural form of ``key`` for ``n`` (``key_one`` or ``key_other``), with ``{n}``
    written in the language's digits: ``1 alert to review``, ``1.250 alertas por revisar``.

    English and Spanish have two forms (CLDR's ``one`` for exactly 1, ``other``).
    """
    from ui import fmt

    lang = lang or current_lang()
    form = "one" if n == 1 else "other"
    return t(f"{key}_{form}", lang, n=fmt.number(n, lang, 0 if n == int(n) else 1), **kwargs)


def current_lang() -> str:
    """The session's language; ``en`` outside a Streamlit session (tests, scripts)."""
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    if get_script_run_ctx() is None:
        return "en"
    lang = st.session_state.get("lang")
    return lang if lang in LANGS else "en"


def lang_from_locale(locale: str | None) -> str:
    """The app language for a browser locale: ``es-ES``/``es-419``/``es`` -> ``es``.

    Examples:
        >>> lang_from_locale("es-MX")
        'es'
        >>> lang_from_locale("de-DE")
        'en'
        >>> lang_from_locale(None)
        'en'
    """
    if not locale:
        return "en"
    base = locale.replace("_", "-").split("-")[0].lower()
    return base if base in LANGS else "en"
