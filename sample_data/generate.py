#!/usr/bin/env python3
"""Generate the built-in sample data: the exports of a fictional MSP, Nubetec Sistemas.

Nubetec is a small Spanish IT partner with about 25 clients and 8 technicians. The files
cover the 24 months before the fixed as-of date 2026-10-31 (2024-11-01..2026-10-31) and
imitate what real tools export (see README.md next to this script): ConnectWise tickets
and projects, an Autotask time-entry export, a Spanish survey export in cp1252, a Spanish
contracts sheet saved as CSV with ``;`` and decimal commas, the staff list as .xlsx, a
NinjaOne device list with epoch seconds, Xero invoice lines and HubSpot deals.

The stories the sample tells (a loss-making client, uncovered devices, renewals due, a
churned contract, a late and an over-budget project, stale deals, an over-utilised
technician, seasonal ticket volume) are built in on purpose, not left to chance; the
tests in tests/test_sample_data.py check each of them from the files.

Usage::

    python sample_data/generate.py                      # the committed sample, in place
    python sample_data/generate.py --tickets 1000000 --out /tmp/big   # benchmarks
    python sample_data/generate.py --tickets 100000 --format xlsx --out /tmp/x

Everything comes from one seeded numpy generator, and the xlsx files are written with
fixed zip timestamps, so the same arguments give byte-identical files. All per-row work is
vectorised (numpy for the world, pyarrow.compute for formatting); only the .xlsx writer
walks rows, because openpyxl has no other way.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SEED = 20261031
DEFAULT_TICKETS = 8000
START = np.datetime64("2024-11-01", "D")
AS_OF = np.datetime64("2026-10-31", "D")
N_DAYS = int((AS_OF - START).astype(int)) + 1  # 730
N_MONTHS = 24
DAY_S = 86_400
START_S = int(START.astype("datetime64[s]").astype(np.int64))
END_S = START_S + N_DAYS * DAY_S - 60  # 2026-10-31 23:59:00, the last possible event
HERE = Path(__file__).resolve().parent
NO_DAY = -1_000_000  # an empty date, for day indices (which are negative before START)

# --------------------------------------------------------------------------- calendar

DAYS = START + np.arange(N_DAYS)  # datetime64[D]
DAY_MONTH = (DAYS.astype("datetime64[M]") - START.astype("datetime64[M]")).astype(np.int64)
DAY_CAL_MONTH = DAYS.astype("datetime64[M]").astype(np.int64) % 12 + 1  # 1..12
DAY_WEEKDAY = (DAYS.astype(np.int64) + 3) % 7  # Monday = 0 (1970-01-01 was a Thursday)
MONTH_START_DAY = np.searchsorted(DAY_MONTH, np.arange(N_MONTHS))  # day index of each 1st
MONTH_CAL = (np.arange(N_MONTHS) + 10) % 12 + 1  # window month 0 is November
MONTH_YEAR = 2024 + (np.arange(N_MONTHS) + 10) // 12

# Spanish national holidays in the window: no planned work, few tickets.
HOLIDAYS = np.array(
    [
        "2024-11-01", "2024-12-06", "2024-12-25", "2025-01-01", "2025-01-06", "2025-04-18",
        "2025-05-01", "2025-08-15", "2025-10-12", "2025-11-01", "2025-12-06", "2025-12-08",
        "2025-12-25", "2026-01-01", "2026-01-06", "2026-04-03", "2026-05-01", "2026-08-15",
        "2026-10-12",
    ],
    dtype="datetime64[D]",
)  # fmt: skip
IS_HOLIDAY = np.isin(DAYS, HOLIDAYS)
IS_WORKDAY = (DAY_WEEKDAY < 5) & ~IS_HOLIDAY

# Ticket volume by calendar month: back-to-work peaks in September and January, a quiet
# August (Spanish holidays) and December.
SEASON = np.array([0, 1.15, 1.0, 1.05, 0.95, 1.0, 1.0, 0.85, 0.6, 1.35, 1.15, 1.05, 0.8])
WEEKDAY_WEIGHT = np.array([1.15, 1.0, 1.0, 1.0, 0.85, 0.1, 0.05])
HOUR_WEIGHT = np.array(
    [0, 0, 0, 0, 0, 0, 0, 0.3, 1.0, 1.6, 1.5, 1.3, 1.1, 0.7, 0.8, 1.1, 1.0, 0.8, 0.5, 0.2, 0.1,
     0, 0, 0]
)  # fmt: skip

ES_MONTH = np.array(
    ["", "ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic"]
)


def day_index(iso: str) -> int:
    """Day index of an ISO date in the window (may be negative or past the end)."""
    return int((np.datetime64(iso, "D") - START).astype(int))


# --------------------------------------------------------------------------- the MSP

# Clients: name without legal form, legal form, active devices at as-of, support load
# (tickets per device relative to the others), price per device and month, resells
# Microsoft 365 licences. Indices matter: the stories below refer to them.
BASE_CLIENTS: list[tuple[str, str, int, float, float, bool]] = [
    ("Acme Logística", "S.L.", 46, 1.0, 72.0, True),  # 0 expansion at renewal
    ("Bodegas Valdecruz", "S.A.", 33, 0.9, 70.0, True),  # 1 quarterly billing
    ("Clínica Dental Sonrisa", "S.L.P.", 20, 1.1, 75.0, True),  # 2 auto-renews 31/12/2026
    ("Construcciones Hermanos Ruiz", "S.L.", 38, 0.9, 66.0, False),  # 3 "Grupo Ruiz" in CRM
    ("Despacho Jurídico Ortega & Asociados", "", 17, 1.0, 84.0, True),  # 4
    ("Northwind Traders", "Ltd", 52, 0.8, 73.5, True),  # 5 annual billing
    ("Contoso Iberia", "S.A.", 88, 1.0, 68.0, True),  # 6 uncovered devices (8)
    ("Fabrikam", "Inc", 28, 0.9, 75.0, False),  # 7
    ("Gestoría Martínez", "S.L.U.", 14, 1.0, 75.0, True),  # 8 renewed after a 14-day gap
    ("Hotel Mirador del Puerto", "S.L.", 38, 2.2, 25.0, False),  # 9 loss-making
    ("Inmobiliaria Costa Azul", "S.L.", 19, 1.0, 70.0, True),  # 10 renewal due 30/11/2026
    ("Óptica Visión Clara", "S.L.", 15, 1.0, 70.0, False),  # 11
    ("Farmacia Peña", "", 9, 1.0, 72.0, True),  # 12
    ("Talleres Núñez", "S.A.", 25, 1.0, 70.0, False),  # 13 uncovered devices (5)
    ("Colegio Santa Lucía", "Coop.", 58, 1.0, 63.0, True),  # 14 September peak
    ("Transportes Galicia Norte", "S.L.", 44, 1.3, 70.0, True),  # 15 low CSAT, slow SLA
    ("Blue Harbor Marketing", "LLC", 23, 1.0, 73.0, True),  # 16
    ("Panadería La Espiga", "S.L.", 0, 0.7, 63.0, False),  # 17 churned 31/03/2026
    ("Asesoría Fiscal Jiménez", "S.L.P.", 13, 1.0, 70.0, True),  # 18 tax-season peaks
    ("Greenfield Architects", "Ltd", 27, 1.0, 70.0, True),  # 19 renewal due 31/12/2026
    ("Laboratorios Biomédica", "S.A.", 48, 0.9, 77.0, True),  # 20 over-budget project
    ("Cooperativa Agrícola San Isidro", "", 33, 1.0, 63.0, False),  # 21 uncovered (3), late
    ("Estudio Creativo Píxel", "S.L.", 17, 1.0, 70.0, True),  # 22 Macs
    ("Ferretería El Clavo", "S.L.", 12, 1.0, 63.0, False),  # 23 renewal due 15/01/2027
    ("Summit Engineering", "GmbH", 40, 1.0, 77.0, True),  # 24 new client since 02/2026
]
N_BASE_CLIENTS = len(BASE_CLIENTS)
HOTEL, COLEGIO, TRANSPORTES, PANADERIA, ASESORIA, SUMMIT = 9, 14, 15, 17, 18, 24
CONTOSO, TALLERES, COOPERATIVA, PIXEL = 6, 13, 21, 22

# Contracts of the base clients: client, start, end ("" = open-ended), amount per billing
# period, periodicity, covered devices (0 = not a per-device contract), automatic renewal,
# type. Contract numbers are given in order below.
BASE_CONTRACTS: list[tuple[int, str, str, float, str, int, bool, str]] = [
    (0, "2023-01-01", "2025-12-31", 3150.0, "mensual", 45, False, "Servicios gestionados"),
    (0, "2026-01-01", "2028-12-31", 3456.0, "mensual", 48, False, "Servicios gestionados"),
    (1, "2023-03-15", "", 7350.0, "trimestral", 35, True, "Servicios gestionados"),
    (2, "2024-01-01", "2026-12-31", 1650.0, "mensual", 22, True, "Servicios gestionados"),
    (3, "2024-06-01", "2027-05-31", 2640.0, "mensual", 40, False, "Servicios gestionados"),
    (4, "2023-02-01", "", 1512.0, "mensual", 18, True, "Servicios gestionados"),
    (5, "2023-06-01", "2026-05-31", 48510.0, "anual", 55, False, "Servicios gestionados"),
    (5, "2026-06-01", "2029-05-31", 48510.0, "anual", 55, False, "Servicios gestionados"),
    (5, "2023-06-01", "", 6000.0, "anual", 0, True, "Backup en la nube"),
    (6, "2024-10-01", "2027-09-30", 5440.0, "mensual", 80, False, "Servicios gestionados"),
    (6, "2024-10-01", "", 4800.0, "trimestral", 0, True, "Bolsa de horas"),
    (7, "2022-04-01", "2025-03-31", 2016.0, "mensual", 28, False, "Servicios gestionados"),
    (7, "2025-04-01", "2028-03-31", 2250.0, "mensual", 30, False, "Servicios gestionados"),
    (8, "2023-02-01", "2026-01-31", 1080.0, "mensual", 15, False, "Servicios gestionados"),
    (8, "2026-02-15", "2029-02-14", 1125.0, "mensual", 15, False, "Servicios gestionados"),
    (9, "2024-07-01", "2027-06-30", 950.0, "mensual", 38, False, "Servicios gestionados"),
    (10, "2023-12-01", "2026-11-30", 1400.0, "mensual", 20, False, "Servicios gestionados"),
    (11, "2024-09-16", "2027-09-15", 1120.0, "mensual", 16, False, "Servicios gestionados"),
    (12, "2024-03-01", "", 720.0, "mensual", 10, True, "Servicios gestionados"),
    (13, "2023-07-01", "2026-06-30", 1820.0, "mensual", 26, False, "Servicios gestionados"),
    (13, "2026-07-01", "2028-06-30", 1400.0, "mensual", 20, False, "Servicios gestionados"),
    (14, "2023-09-01", "2026-08-31", 10962.0, "trimestral", 58, False, "Servicios gestionados"),
    (14, "2026-09-01", "2029-08-31", 11340.0, "trimestral", 60, False, "Servicios gestionados"),
    (15, "2024-05-01", "2027-04-30", 3150.0, "mensual", 45, False, "Servicios gestionados"),
    (16, "2023-11-01", "", 1752.0, "mensual", 24, True, "Servicios gestionados"),
    (17, "2023-04-01", "2026-03-31", 756.0, "mensual", 12, False, "Servicios gestionados"),
    (18, "2024-01-20", "", 980.0, "mensual", 14, True, "Servicios gestionados"),
    (19, "2024-01-01", "2026-12-31", 5880.0, "trimestral", 28, False, "Servicios gestionados"),
    (20, "2024-03-01", "2027-02-28", 3850.0, "mensual", 50, False, "Servicios gestionados"),
    (20, "2025-03-01", "", 1200.0, "mensual", 0, True, "Ciberseguridad SOC"),
    (21, "2025-01-01", "2027-12-31", 1890.0, "mensual", 30, False, "Servicios gestionados"),
    (22, "2023-10-01", "", 1260.0, "mensual", 18, True, "Servicios gestionados"),
    (23, "2024-01-16", "2027-01-15", 756.0, "mensual", 12, False, "Servicios gestionados"),
    (24, "2026-02-01", "2029-01-31", 3234.0, "mensual", 42, False, "Servicios gestionados"),
]

# Staff: name, spelling in the ticket export, level, role, cost per hour, weekly hours,
# billable share of a planned day (before holidays), joined. José is the one who never
# stops: over 90% utilised.
BASE_STAFF: list[tuple[str, str, int, str, float, float, float, str]] = [
    ("Laura Sánchez", "Laura Sanchez", 3, "Responsable técnica", 38.0, 40, 0.80, "2018-03-01"),
    ("José García", "Jose Garcia", 2, "Técnico de sistemas", 32.0, 40, 1.02, "2019-09-16"),
    ("Marta López", "Marta Lopez", 2, "Técnica de sistemas", 31.0, 40, 0.88, "2020-02-03"),
    ("David Fernández", "David Fernandez", 1, "Técnico de soporte", 24.0, 40, 0.86, "2022-05-02"),
    ("Lucía Romero", "Lucia Romero", 1, "Técnica de soporte", 23.0, 40, 0.85, "2023-01-09"),
    ("Pablo Núñez", "Pablo Nunez", 2, "Técnico de proyectos", 34.0, 40, 0.85, "2021-06-14"),
    ("Ana Belén Torres", "Ana Belen Torres", 1, "Técnica de soporte", 22.0, 20, 0.85,
     "2024-02-19"),
    ("Kevin O'Brien", "Kevin O'Brien", 3, "Arquitecto cloud", 40.0, 40, 0.82, "2021-10-04"),
]  # fmt: skip
JOSE, PABLO, LAURA, KEVIN = 1, 5, 0, 7

# Projects of the base clients: client, name, start, due, budget hours, actual hours,
# percent complete, status, closed ("" = open). At 2026-10-31 project 9 is late, project 10
# is over budget, 11/12/14 are on track, 13 is at risk and 15 has not started.
BASE_PROJECTS: list[tuple[int, str, str, str, float, float, int, str, str]] = [
    (7, "Migración a Microsoft 365", "2024-11-11", "2025-01-31", 80, 76, 100, "Closed",
     "2025-01-24"),
    (6, "Renovación de servidores", "2025-01-13", "2025-04-30", 120, 131, 100, "Closed",
     "2025-05-09"),
    (5, "Migración a Azure", "2025-03-03", "2025-07-31", 200, 188, 100, "Closed", "2025-07-25"),
    (14, "Despliegue Wi-Fi en aulas", "2025-06-16", "2025-08-29", 100, 94, 100, "Closed",
     "2025-08-27"),
    (0, "Cableado del nuevo almacén", "2025-09-15", "2025-10-31", 40, 44, 100, "Closed",
     "2025-10-30"),
    (1, "Plan de copias y continuidad", "2025-11-03", "2026-01-30", 60, 57, 100, "Closed",
     "2026-01-29"),
    (24, "Alta y migración de equipos", "2026-02-02", "2026-03-31", 90, 86, 100, "Closed",
     "2026-03-27"),
    (22, "Renovación de puestos Mac", "2026-03-02", "2026-04-30", 50, 48, 100, "Closed",
     "2026-04-28"),
    (21, "Despliegue Wi-Fi en naves", "2026-05-04", "2026-09-30", 120, 92, 70, "In Progress", ""),
    (20, "Migración del ERP a la nube", "2026-06-01", "2026-12-18", 160, 178, 80,
     "In Progress", ""),
    (0, "Renovación de servidores", "2026-09-01", "2026-12-15", 90, 30, 60, "In Progress", ""),
    (3, "Migración a Microsoft 365", "2026-09-14", "2026-11-27", 70, 40, 65, "In Progress", ""),
    (2, "Implantación del software de gestión", "2026-07-01", "2026-11-30", 60, 32, 55,
     "In Progress", ""),
    (15, "Renovación de firewall y VPN", "2026-10-05", "2026-12-04", 40, 8, 45, "In Progress",
     ""),
    (19, "Traslado de oficina", "2026-11-16", "2026-12-11", 50, 0, 0, "Not Started", ""),
]  # fmt: skip
PROJECT_PRICE_PER_HOUR = 65.0

# CRM trade names that normalisation cannot join: the clients alias table maps them.
CRM_ALIASES = {3: "Grupo Ruiz", 20: "Biomedica Labs"}

PROSPECTS = [
    "Hostal Las Dunas S.L.", "Vinos del Sur S.L.", "Clínica Veterinaria Patitas",
    "Autoescuela Rápida S.L.", "Marlin Consulting Ltd", "Mudanzas Ebro S.A.",
    "Centro Deportivo Arenal", "Peluquerías Nuria S.L.", "Quantum Labs Inc",
    "Distribuciones Sierra Morena S.L.", "Academia de Idiomas Babel", "Gráficas Lorca S.A.",
]  # fmt: skip
SALES_OWNERS = ["Carmen Vidal", "Jorge Molina"]
DEAL_PRODUCTS = [
    "Contrato de soporte gestionado", "Ampliación de puestos", "Migración a Microsoft 365",
    "Servicio de backup", "Renovación de servidores", "Ciberseguridad EDR",
    "Auditoría de seguridad",
]  # fmt: skip
DEAL_STAGES = [  # label, probability; the first five are open
    ("Appointment Scheduled", 0.2), ("Qualified To Buy", 0.4), ("Presentation Scheduled", 0.6),
    ("Decision Maker Bought-In", 0.8), ("Contract Sent", 0.9), ("Closed Won", 1.0),
    ("Closed Lost", 0.0),
]  # fmt: skip
N_STALE_DEALS = 5

SUMMARIES = [
    "Outlook no sincroniza el correo", "Impresora de recepción sin conexión",
    "Alta de usuario nuevo", "Baja de usuario", "VPN no conecta desde casa",
    "Equipo lento al arrancar", "Restablecer contraseña", "Error al abrir el ERP",
    "Alerta: disco casi lleno en servidor", "Alerta: copia de seguridad fallida",
    "Teams: sin audio en reuniones", "Instalar software de diseño", "Wi-Fi inestable, planta 2",
    'Cambiar "firma" del correo', "Certificado SSL caducado", "Pantalla azul en portátil",
    "Acceso a carpeta compartida", "Configurar móvil de empresa", "Phishing recibido, revisar",
    "Sustituir disco, SMART con errores",
]  # fmt: skip
TIME_NOTES = [
    "Revisión remota", "Diagnóstico y solución", "Seguimiento con el usuario",
    "Actualización de parches", "Revisión de copias, OK", "Documentación",
]  # fmt: skip
SURVEY_COMMENTS = [
    "Muy rápidos, gracias", "Resuelto a la primera", "Tardaron en responder",
    "Amables y eficaces; como siempre", "El problema ha vuelto a aparecer",
    "Perfecto", 'Todo bien, aunque "a medias" la primera vez', "Excelente atención",
]  # fmt: skip
# Label used for a score in the 8% of survey answers given as words.
SCORE_LABELS = np.array(["", "Insatisfecho", "Malo", "Regular", "Satisfecho", "Muy satisfecho"])

FIRST_NAMES = [
    "Carlos", "Elena", "Sergio", "Paula", "Raúl", "Nerea", "Iván", "Sara", "Álvaro", "Irene",
    "Hugo", "Noelia", "Rubén", "Alba", "Óscar", "Clara", "Adrián", "Lorena", "Mario", "Rocío",
]  # fmt: skip
SURNAMES = [
    "Pérez", "Gómez", "Díaz", "Moreno", "Muñoz", "Álvarez", "Jiménez", "Ruiz", "Hernández",
    "Navarro", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Molina",
    "Blanco", "Suárez", "Castro",
]  # fmt: skip
SECTORS = [
    "Distribuciones", "Talleres", "Consultoría", "Gestoría", "Clínica", "Transportes",
    "Construcciones", "Asesoría", "Inmobiliaria", "Comercial",
]  # fmt: skip
LEGAL_FORMS = ["S.L.", "S.A.", "S.L.U.", "", "S.L.P."]


# --------------------------------------------------------------------------- world model


@dataclass
class Clients:
    base: list[str]  # name without legal form
    form: list[str]  # legal form ("" when none)
    devices: np.ndarray  # active devices at as-of
    load: np.ndarray  # relative support load per device
    price: np.ndarray  # € per device and month
    licences: np.ndarray  # resells Microsoft 365
    first_month: np.ndarray  # first window month with service
    last_month: np.ndarray  # last window month with service

    @property
    def n(self) -> int:
        return len(self.base)


@dataclass
class Staff:
    name: list[str]
    ascii_name: list[str]  # as the PSA's member list writes it (no accents)
    tier: np.ndarray
    role: list[str]
    cost: np.ndarray
    weekly: np.ndarray
    util: np.ndarray
    joined: list[str]

    @property
    def n(self) -> int:
        return len(self.name)


def strip_accents(text: str) -> str:
    """``Logística`` -> ``Logistica`` (only the letters Spanish names use)."""
    return text.translate(str.maketrans("áéíóúÁÉÍÓÚñÑüÜ", "aeiouAEIOUnNuU"))


def spellings(clients: Clients, style: str) -> list[str]:
    """The client names as one tool spells them (all normalise to the same key).

    Styles: ``psa`` ``Acme Logística S.L.``;
    ``contract`` ``ACME LOGÍSTICA, S.L.``; ``xero`` ``Acme Logística SL``;
    ``rmm`` ``Acme Logistica``; ``survey`` ``Acme Logística``.
    """
    out = []
    for base, form in zip(clients.base, clients.form, strict=True):
        if style == "psa":
            out.append(f"{base} {form}".strip())
        elif style == "contract":
            out.append(f"{base.upper()}, {form}" if form else base.upper())
        elif style == "xero":
            out.append(f"{base} {form.replace('.', '')}".strip())
        elif style == "rmm":
            out.append(strip_accents(base))
        elif style == "survey":
            out.append(base)
        else:
            raise ValueError(style)
    return out


def build_clients(rng: np.random.Generator, scale: float) -> Clients:
    """The 25 story clients, plus generated ones when the sample is scaled up."""
    base = [c[0] for c in BASE_CLIENTS]
    form = [c[1] for c in BASE_CLIENTS]
    devices = [c[2] for c in BASE_CLIENTS]
    load = [c[3] for c in BASE_CLIENTS]
    price = [c[4] for c in BASE_CLIENTS]
    lic = [c[5] for c in BASE_CLIENTS]
    first = np.zeros(N_BASE_CLIENTS, dtype=np.int64)
    last = np.full(N_BASE_CLIENTS, N_MONTHS - 1, dtype=np.int64)
    first[SUMMIT] = 15  # February 2026
    last[PANADERIA] = 16  # March 2026
    n_extra = max(0, round(N_BASE_CLIENTS * scale) - N_BASE_CLIENTS)
    if n_extra:
        k = np.arange(n_extra)
        sector = rng.integers(0, len(SECTORS), n_extra)
        surname = rng.integers(0, len(SURNAMES), n_extra)
        legal = rng.integers(0, len(LEGAL_FORMS), n_extra)
        base += [
            f"{SECTORS[s]} {SURNAMES[n]} {i + N_BASE_CLIENTS:05d}"
            for s, n, i in zip(sector, surname, k, strict=True)
        ]
        form += [LEGAL_FORMS[v] for v in legal]
        devices += list(rng.integers(8, 61, n_extra))
        load += list(np.round(rng.uniform(0.8, 1.2, n_extra), 2))
        price += list(rng.choice([63.0, 66.0, 70.0, 72.0, 75.0], n_extra))
        lic += list(rng.random(n_extra) < 0.7)
        first = np.concatenate([first, np.zeros(n_extra, dtype=np.int64)])
        last = np.concatenate([last, np.full(n_extra, N_MONTHS - 1, dtype=np.int64)])
    return Clients(
        base,
        form,
        np.array(devices, dtype=np.int64),
        np.array(load),
        np.array(price),
        np.array(lic, dtype=bool),
        first,
        last,
    )


def build_staff(rng: np.random.Generator, scale: float) -> Staff:
    """The 8 technicians, plus generated ones when scaled (tiers 1,1,2,1,2,3 in turn)."""
    cols = list(zip(*BASE_STAFF, strict=True))
    name, ascii_name, tier, role = list(cols[0]), list(cols[1]), list(cols[2]), list(cols[3])
    cost, weekly, util, joined = list(cols[4]), list(cols[5]), list(cols[6]), list(cols[7])
    n_extra = max(0, round(len(BASE_STAFF) * scale) - len(BASE_STAFF))
    if n_extra:
        fn = rng.integers(0, len(FIRST_NAMES), n_extra)
        sn = rng.integers(0, len(SURNAMES), n_extra)
        tiers = np.array([1, 1, 2, 1, 2, 3])[np.arange(n_extra) % 6]
        for i in range(n_extra):
            full = f"{FIRST_NAMES[fn[i]]} {SURNAMES[sn[i]]} {i + 9:04d}"
            name.append(full)
            ascii_name.append(strip_accents(full))
            role.append(
                ["Técnico de soporte", "Técnico de sistemas", "Arquitecto cloud"][tiers[i] - 1]
            )
            joined.append("2023-01-09")
        tier += list(tiers)
        cost += list(np.round(18.0 + 7.0 * tiers + rng.uniform(-2, 2, n_extra), 1))
        weekly += [40.0] * n_extra
        util += list(np.round(rng.uniform(0.82, 0.92, n_extra), 2))
    return Staff(
        name,
        ascii_name,
        np.array(tier),
        role,
        np.array(cost),
        np.array(weekly, dtype=float),
        np.array(util),
        joined,
    )


@dataclass
class Contracts:
    contract_id: list[str]
    client: np.ndarray
    start: np.ndarray  # day index
    end: np.ndarray  # day index; 10**6 (far future) when open-ended, see has_end
    has_end: np.ndarray
    amount: np.ndarray
    period: list[str]
    months: np.ndarray
    covered: np.ndarray
    auto_renew: np.ndarray
    ctype: list[str]


PERIOD_MONTHS = {"mensual": 1, "trimestral": 3, "anual": 12}


def build_contracts(rng: np.random.Generator, cl: Clients) -> Contracts:
    """The story contracts, plus one open-ended managed-services contract per extra client."""
    rows = list(BASE_CONTRACTS)
    for c in range(N_BASE_CLIENTS, cl.n):
        start = f"{rng.integers(2021, 2025)}-{rng.integers(1, 13):02d}-01"
        period = ["mensual", "mensual", "trimestral", "anual"][rng.integers(0, 4)]
        covered = int(cl.devices[c] + rng.integers(0, 4))
        fee = covered * float(cl.price[c]) * PERIOD_MONTHS[period]
        rows.append((c, start, "", fee, period, covered, True, "Servicios gestionados"))
    # Numbering: by start date, like a contracts register ("CT-2023-004").
    starts = np.array([day_index(r[1]) for r in rows])
    order = np.argsort(starts, kind="stable")
    rows = [rows[i] for i in order]
    ids: list[str] = []
    per_year: dict[str, int] = {}
    for r in rows:
        y = r[1][:4]
        per_year[y] = per_year.get(y, 0) + 1
        ids.append(f"CT-{y}-{per_year[y]:03d}")
    return Contracts(
        contract_id=ids,
        client=np.array([r[0] for r in rows]),
        start=np.array([day_index(r[1]) for r in rows]),
        end=np.array([day_index(r[2]) if r[2] else 10**6 for r in rows]),
        has_end=np.array([bool(r[2]) for r in rows]),
        amount=np.array([r[3] for r in rows]),
        period=[r[4] for r in rows],
        months=np.array([PERIOD_MONTHS[r[4]] for r in rows]),
        covered=np.array([r[5] for r in rows]),
        auto_renew=np.array([r[6] for r in rows]),
        ctype=[r[7] for r in rows],
    )


def month_activity(cl: Clients) -> np.ndarray:
    """clients x months: 1 where the client has service that month."""
    m = np.arange(N_MONTHS)
    return ((m >= cl.first_month[:, None]) & (m <= cl.last_month[:, None])).astype(float)


def sample_rows(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each entry of ``rows``, a column of ``weights`` drawn with that row's weights.

    Vectorised over all entries at once: one cumulative sum of the flattened matrix and
    one searchsorted (e.g. weights 2x3 [[1,0,1],[0,1,0]], rows [0,1] -> [0 or 2, 1]).
    """
    n_cols = weights.shape[1]
    cum = np.cumsum(weights.ravel())
    row_lo = np.concatenate([[0.0], cum])[np.arange(weights.shape[0]) * n_cols]
    row_total = weights.sum(axis=1)
    target = row_lo[rows] + rng.random(len(rows)) * row_total[rows]
    flat = np.searchsorted(cum, target, side="right")
    return np.minimum(flat - rows * n_cols, n_cols - 1)


def split_quarters(
    rng: np.random.Generator, quarters: np.ndarray, parts: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Split each total of quarter-hours into ``parts`` pieces of at least one quarter.

    Returns (owner index per piece, quarters per piece); pieces of one owner are adjacent
    and sum exactly to its total (e.g. 10 quarters in 2 parts -> 4 + 6).
    """
    owner = np.repeat(np.arange(len(quarters)), parts)
    w = rng.uniform(0.5, 1.5, len(owner))
    wsum = np.bincount(owner, w, minlength=len(quarters))
    q = np.floor(quarters[owner] * w / wsum[owner]).astype(np.int64)
    rem = quarters - np.bincount(owner, q, minlength=len(quarters)).astype(np.int64)
    first = np.concatenate([[0], np.cumsum(parts)[:-1]])
    rank = np.arange(len(owner)) - first[owner]
    q += rank < rem[owner]
    return owner, q


@dataclass
class Tickets:
    ticket_id: np.ndarray
    client: np.ndarray
    tech: np.ndarray
    tier: np.ndarray
    priority: np.ndarray
    board: np.ndarray
    summary: np.ndarray
    created: np.ndarray  # seconds
    responded: np.ndarray  # seconds, -1 = none
    due: np.ndarray
    resolved: np.ndarray  # effective resolution, -1 = open
    resolved_col: np.ndarray  # value of "Date Resolved" (-1 = empty)
    closed: np.ndarray  # value of "Closed Date" (-1 = empty)
    updated: np.ndarray
    status: np.ndarray
    reopens: np.ndarray
    made_sla: np.ndarray  # 1, 0, -1 = empty
    quarters: np.ndarray  # Actual Hours x 4

    @property
    def n(self) -> int:
        return len(self.ticket_id)


PRIORITIES = np.array(["P1 - Critical", "P2 - High", "P3 - Medium", "P4 - Low"])
SLA_HOURS = np.array([4.0, 8.0, 24.0, 72.0])
BOARDS = np.array(["Service Desk", "Escalations", "Onsite", "Monitoring"])
STATUSES = np.array(["Closed", "Resolved", "In Progress", "Waiting Customer", "New"])


def tech_for_tier(rng: np.random.Generator, st: Staff, tier: np.ndarray) -> np.ndarray:
    """A technician of the ticket's tier; José also picks up some first-level tickets."""
    weights = np.zeros((4, st.n))
    for t in (1, 2, 3):
        weights[t] = (st.tier == t).astype(float)
    base = {
        1: {3: 0.38, 4: 0.34, 6: 0.18, JOSE: 0.10},
        2: {JOSE: 0.45, 2: 0.40, PABLO: 0.15},
        3: {LAURA: 0.5, KEVIN: 0.5},
    }
    for t, tw in base.items():
        for i, w in tw.items():
            weights[t, i] = w * 8  # the named technicians carry most of their tier
    return sample_rows(rng, weights, tier)


def build_tickets(
    rng: np.random.Generator, n: int, cl: Clients, st: Staff
) -> tuple[Tickets, np.ndarray]:
    """Tickets (final state) and the indices of tickets that also get an earlier row."""
    active = month_activity(cl)
    season = SEASON[MONTH_CAL][None, :] * (1 + 0.08 * np.arange(N_MONTHS) / 12)[None, :]
    client_season = np.ones((cl.n, N_MONTHS))
    client_season[COLEGIO, np.isin(MONTH_CAL, [7, 8])] = 0.3
    client_season[COLEGIO, MONTH_CAL == 9] = 2.0
    client_season[ASESORIA, np.isin(MONTH_CAL, [4, 5, 6])] = 1.8
    client_season[ASESORIA, MONTH_CAL == 1] = 1.5
    devices = np.where(cl.devices > 0, cl.devices, 12)  # the churned bakery had 12
    w = (devices * cl.load)[:, None] * season * client_season * active
    pair = sample_rows(rng, w.ravel()[None, :], np.zeros(n, dtype=np.int64))
    client, month = pair // N_MONTHS, pair % N_MONTHS
    # day within the month, by weekday and holidays
    day_w = WEEKDAY_WEIGHT[DAY_WEEKDAY] * np.where(IS_HOLIDAY, 0.1, 1.0)
    day_w_m = np.zeros((N_MONTHS, N_DAYS))
    day_w_m[DAY_MONTH, np.arange(N_DAYS)] = day_w
    day = sample_rows(rng, day_w_m, month)
    hour = sample_rows(rng, HOUR_WEIGHT[None, :], np.zeros(n, dtype=np.int64))
    weekend = DAY_WEEKDAY[day] >= 5
    hour = np.where(weekend, rng.integers(8, 21, n), hour)
    created = START_S + day * DAY_S + hour * 3600 + rng.integers(0, 60, n) * 60
    order = np.argsort(created, kind="stable")
    client, created = client[order], created[order]

    priority = rng.choice(4, n, p=[0.03, 0.15, 0.62, 0.20])
    tier = rng.choice([1, 2, 3], n, p=[0.78, 0.17, 0.05])
    tech = tech_for_tier(rng, st, tier)
    board = np.where(tier == 1, 0, 1)
    r = rng.random(n)
    board = np.where(r < 0.10, 2, np.where(r < 0.20, 3, board))
    summary = rng.integers(0, len(SUMMARIES), n)

    resp_median = np.array([8.0, 20.0, 45.0, 120.0])[priority]
    # whole minutes everywhere, as exports show them (the .csv and .xlsx variants agree)
    responded = created + (resp_median * rng.lognormal(0, 0.7, n)).astype(np.int64) * 60
    due = created + (SLA_HOURS[priority] * 3600).astype(np.int64)
    slow = np.where(client == TRANSPORTES, 1.6, 1.0)
    res_median = np.array([1.5, 3.0, 6.0, 20.0])[priority] * np.array([0, 0.7, 1.3, 2.0])[tier]
    duration = res_median * slow * rng.lognormal(0, 0.8, n)
    reopens = rng.choice(3, n, p=[0.92, 0.065, 0.015])
    duration = duration * (1 + 0.8 * reopens)
    resolved = created + np.maximum(duration * 60, 10).astype(np.int64) * 60
    stuck = rng.random(n) < 0.003  # waiting on the customer for months
    resolved = np.where(stuck | (resolved > END_S), -1, resolved)
    is_open = resolved < 0
    responded = np.where(is_open, responded, np.minimum(responded, resolved))
    responded = np.where(responded > END_S, -1, responded)

    # Closing: 1-3 days after resolution; 5% closed directly (no "Date Resolved").
    closed = resolved + rng.integers(1, 4, n) * DAY_S + rng.integers(-60, 60, n) * 60
    closed = np.where(is_open | (closed > END_S), -1, closed)
    direct = ~is_open & (rng.random(n) < 0.05)
    closed = np.where(direct, resolved, closed)
    resolved_col = np.where(direct, -1, resolved)
    status = np.where(closed >= 0, 0, np.where(~is_open, 1, 2))
    status = np.where(is_open & (rng.random(n) < 0.3), 3, status)
    status = np.where(is_open & (responded < 0), 4, status)
    made_sla = np.where(is_open, -1, (resolved <= due).astype(np.int64))

    hours_median = np.array([0, 0.6, 1.2, 2.5])[tier]
    quarters = np.ceil(hours_median * rng.lognormal(0, 0.7, n) * 4).astype(np.int64)
    quarters = np.maximum(quarters, 1)
    last_touch = np.maximum(created, END_S - rng.integers(0, 20 * 1440, n) * 60)
    updated = np.where(closed >= 0, closed, np.where(~is_open, resolved, -1))
    updated = np.where(
        updated < 0, np.minimum(np.maximum(created + 3600, last_touch), END_S), updated
    )
    ticket_id = 104_000 + np.arange(n)
    tickets = Tickets(
        ticket_id,
        client,
        tech,
        tier,
        priority,
        board,
        summary,
        created,
        responded,
        due,
        resolved,
        resolved_col,
        closed,
        updated,
        status,
        reopens,
        made_sla,
        quarters,
    )
    # 3% of resolved tickets also appear as an earlier "In Progress" row (event log).
    snap = np.flatnonzero(~is_open & (rng.random(n) < 0.03))
    return tickets, snap


@dataclass
class TimeEntries:
    tech: np.ndarray
    day: np.ndarray
    quarters: np.ndarray
    client: np.ndarray
    ticket: np.ndarray  # ticket id, -1 = none
    project: np.ndarray  # project index, -1 = none
    work_type: np.ndarray
    billable: np.ndarray
    note: np.ndarray


WORK_TYPES = np.array(
    ["Remote Support", "Onsite Support", "Monitoring", "Preventive Maintenance", "Project Work"]
)


@dataclass
class Projects:
    client: np.ndarray
    name: list[str]
    start: np.ndarray
    due: np.ndarray
    budget: np.ndarray
    actual: np.ndarray
    pct: np.ndarray
    status: list[str]
    closed: np.ndarray  # day index, NO_DAY = open
    manager: np.ndarray  # technician index, logs most of the hours
    helper: np.ndarray  # technician index, logs the rest

    @property
    def n(self) -> int:
        return len(self.name)


def build_projects(rng: np.random.Generator, cl: Clients, st: Staff, scale: float) -> Projects:
    """The story projects, plus completed projects of extra clients when scaled up."""
    rows = list(BASE_PROJECTS)
    n_extra = max(0, round(len(BASE_PROJECTS) * scale) - len(BASE_PROJECTS))
    names = [
        "Migración a Microsoft 365",
        "Renovación de servidores",
        "Despliegue Wi-Fi",
        "Plan de copias y continuidad",
        "Renovación de puestos",
    ]
    extra_clients = rng.integers(N_BASE_CLIENTS, max(cl.n, N_BASE_CLIENTS + 1), n_extra)
    starts = rng.integers(0, N_DAYS - 120, n_extra)
    lengths = rng.integers(30, 100, n_extra)
    budgets = rng.integers(4, 40, n_extra) * 5
    for i in range(n_extra):
        s = START + int(starts[i])
        d = s + int(lengths[i])
        actual = float(round(budgets[i] * rng.uniform(0.85, 1.1)))
        rows.append(
            (
                int(extra_clients[i]) if cl.n > N_BASE_CLIENTS else 0,
                names[i % len(names)],
                str(s),
                str(d),
                float(budgets[i]),
                actual,
                100,
                "Closed",
                str(d - int(rng.integers(0, 5))),
            )
        )
    # Pablo runs most story projects, Kevin helps; generated projects go to any
    # second- or third-level technician (so that no one carries a thousand projects).
    managers = np.where(rng.random(len(rows)) < 0.7, PABLO, LAURA)
    helpers = np.full(len(rows), KEVIN)
    senior = np.flatnonzero(st.tier >= 2)
    managers[len(BASE_PROJECTS) :] = rng.choice(senior, n_extra)
    helpers[len(BASE_PROJECTS) :] = rng.choice(senior, n_extra)
    return Projects(
        client=np.array([r[0] for r in rows]),
        name=[r[1] for r in rows],
        start=np.array([day_index(r[2]) for r in rows]),
        due=np.array([day_index(r[3]) for r in rows]),
        budget=np.array([r[4] for r in rows], dtype=float),
        actual=np.array([r[5] for r in rows], dtype=float),
        pct=np.array([r[6] for r in rows]),
        status=[r[7] for r in rows],
        closed=np.array([day_index(r[8]) if r[8] else NO_DAY for r in rows]),
        manager=managers,
        helper=helpers,
    )


def build_time_entries(
    rng: np.random.Generator, cl: Clients, st: Staff, tk: Tickets, pj: Projects
) -> TimeEntries:
    """Ticket work, project work, and planned maintenance filling each technician's day.

    Ticket entries sum exactly to the ticket's Actual Hours, project entries to the
    project's Actual Hours; maintenance tops each working day up to the technician's
    planned billable hours (José's plan is over a full day).
    """
    # --- ticket work: 1-4 entries per ticket, the first on the day it was opened
    q = tk.quarters
    parts = 1 + (q > 4) * (rng.random(tk.n) < 0.6) + (q > 10) * (rng.random(tk.n) < 0.5)
    parts = np.minimum(parts + (q > 20), q)
    owner, eq = split_quarters(rng, q, parts)
    c_day = (tk.created - START_S) // DAY_S
    end_day = np.where(tk.resolved >= 0, (tk.resolved - START_S) // DAY_S, N_DAYS - 1)
    first = np.concatenate([[0], np.cumsum(parts)[:-1]])
    rank = np.arange(len(owner)) - first[owner]
    span = end_day[owner] - c_day[owner] + 1
    e_day = np.where(
        rank == 0, c_day[owner], c_day[owner] + rng.integers(0, 1 << 30, len(owner)) % span
    )
    t_work = np.where(tk.board[owner] == 2, 1, np.where(tk.board[owner] == 3, 2, 0))
    t_bill = rng.random(len(owner)) >= 0.07  # warranty / rework is not billed
    t_note = rng.integers(0, len(TIME_NOTES), len(owner))

    # --- project work: weekdays between start and close (or as-of), exact totals
    pq = np.round(pj.actual * 4).astype(np.int64)
    p_parts = np.maximum(np.where(pq > 0, np.ceil(pq / 16), 0).astype(np.int64), 0)
    p_owner, p_q = split_quarters(rng, pq, p_parts)
    p_lo = np.maximum(pj.start, 0)
    p_hi = np.where(pj.closed != NO_DAY, pj.closed, N_DAYS - 1)
    work_days = np.flatnonzero(IS_WORKDAY)
    lo_i = np.searchsorted(work_days, p_lo[p_owner])
    hi_i = np.searchsorted(work_days, p_hi[p_owner], side="right")
    p_day = work_days[lo_i + rng.integers(0, 1 << 30, len(p_owner)) % np.maximum(hi_i - lo_i, 1)]
    p_tech = np.where(rng.random(len(p_owner)) < 0.75, pj.manager[p_owner], pj.helper[p_owner])

    # --- maintenance: top up each planned working day to the technician's target
    vacation = np.zeros((st.n, N_DAYS), dtype=bool)
    aug = np.flatnonzero((DAY_CAL_MONTH == 8) & (DAY_WEEKDAY < 5))
    aug_half = DAYS[aug].astype("datetime64[D]").astype(object)
    first_half = np.array([d.day <= 14 for d in aug_half])
    for s in range(st.n):
        if s == JOSE:
            days_off = rng.choice(work_days, 10, replace=False)  # 5 a year
        else:
            pick = aug[first_half] if s % 2 == 0 else aug[~first_half]
            days_off = np.concatenate([pick, rng.choice(work_days, 14, replace=False)])
        vacation[s, days_off] = True
    cell = np.concatenate(
        [tk.tech[owner][t_bill] * N_DAYS + e_day[t_bill], p_tech * N_DAYS + p_day]
    )
    done_q = np.concatenate([eq[t_bill], p_q])
    billable_done = np.bincount(cell, done_q / 4, minlength=st.n * N_DAYS).reshape(st.n, N_DAYS)
    daily = st.weekly / 5
    target = (daily * st.util)[:, None] * rng.uniform(0.85, 1.15, (st.n, N_DAYS))
    deficit = np.where(IS_WORKDAY[None, :] & ~vacation, target - billable_done, 0)
    m_tech, m_day = np.nonzero(deficit >= 0.5)
    m_q = np.floor(deficit[m_tech, m_day] * 4).astype(np.int64)
    # maintenance goes to clients with an active contract that month, by contract size
    fee = np.where(cl.devices > 0, cl.devices, 12) * cl.price
    fee_w = fee[:, None] * month_activity(cl)
    fee_w[HOTEL] *= 3  # the hotel's old network eats hours the contract does not pay for
    m_client = sample_rows(rng, fee_w.T.copy(), DAY_MONTH[m_day])

    n_t, n_p, n_m = len(owner), len(p_owner), len(m_tech)
    e = TimeEntries(
        tech=np.concatenate([tk.tech[owner], p_tech, m_tech]),
        day=np.concatenate([e_day, p_day, m_day]),
        quarters=np.concatenate([eq, p_q, m_q]),
        client=np.concatenate([tk.client[owner], pj.client[p_owner], m_client]),
        ticket=np.concatenate([tk.ticket_id[owner], np.full(n_p + n_m, -1)]),
        project=np.concatenate([np.full(n_t, -1), p_owner, np.full(n_m, -1)]),
        work_type=np.concatenate([t_work, np.full(n_p, 4), np.full(n_m, 3)]),
        billable=np.concatenate([t_bill, np.ones(n_p + n_m, dtype=bool)]),
        note=np.concatenate([t_note, np.full(n_p, 5), rng.choice([3, 4], n_m)]),
    )
    order = np.lexsort((e.tech, e.day))
    return TimeEntries(*(getattr(e, f)[order] for f in TimeEntries.__dataclass_fields__))


@dataclass
class Devices:
    client: np.ndarray
    node_class: np.ndarray
    created: np.ndarray  # epoch seconds
    last_contact: np.ndarray
    number: np.ndarray  # per client and class, for the host name
    uid_bytes: np.ndarray


NODE_CLASSES = np.array(
    ["WINDOWS_WORKSTATION", "WINDOWS_SERVER", "MAC", "LINUX_SERVER", "VMWARE_VM_GUEST"]
)


def build_devices(rng: np.random.Generator, cl: Clients, contracts: Contracts) -> Devices:
    """Active devices per client as declared, plus retired ones no longer checking in."""
    retired = rng.integers(0, 5, cl.n)
    retired[PANADERIA] = 12  # all of the bakery's devices left with the contract
    retired[0] = 5  # Acme: 46 active + 5 retired = 51 listed > 48 covered, yet covered
    n_active, n_total = cl.devices, cl.devices + retired
    client = np.repeat(np.arange(cl.n), n_total)
    first = np.concatenate([[0], np.cumsum(n_total)[:-1]])
    rank = np.arange(len(client)) - first[client]
    is_active = rank < n_active[client]
    n = len(client)
    p_class = rng.random(n)
    node = np.select(
        [p_class < 0.06, p_class < 0.09, p_class < 0.14, p_class < 0.24],
        [1, 3, 4, 2],
        0,
    )
    node = np.where(client == PIXEL, np.where(p_class < 0.85, 2, node), node)
    # First contract start of each client: the RMM agent arrives with the contract.
    onboard = np.full(cl.n, 10**6)
    np.minimum.at(onboard, contracts.client, contracts.start)
    onboard_s = START_S + onboard[client] * DAY_S
    created = onboard_s + rng.integers(0, 20 * DAY_S, n)
    # Growth: a share of the devices joined later (the uncovered clients grew most).
    grow = rng.random(n) < np.where(np.isin(client, [CONTOSO, TALLERES, COOPERATIVA]), 0.25, 0.1)
    late_add = END_S - rng.integers(10 * DAY_S, 500 * DAY_S, n)
    created = np.where(grow, np.maximum(created, late_add), created)
    # Active: checked in during the last days (servers today, PCs by Friday);
    # retired: last seen 40-400 days ago, but after they were created.
    server = np.isin(node, [1, 3, 4])
    recent = np.where(
        server, END_S - rng.integers(0, 3600 * 6, n), END_S - DAY_S - rng.integers(0, 3 * DAY_S, n)
    )
    away = rng.random(n) < 0.04  # laptops off for a while, still inside the 30 days
    recent = np.where(away, END_S - rng.integers(5 * DAY_S, 25 * DAY_S, n), recent)
    gone = END_S - rng.integers(40 * DAY_S, 400 * DAY_S, n)
    bakery_end = START_S + day_index("2026-04-10") * DAY_S
    gone = np.where(client == PANADERIA, bakery_end - rng.integers(0, 9 * DAY_S, n), gone)
    last = np.where(is_active, recent, gone)
    created = np.minimum(created, last - DAY_S)
    number = rank + 1
    uid_bytes = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    return Devices(client, node, created, last, number, uid_bytes)


@dataclass
class InvoiceLines:
    client: np.ndarray
    day: np.ndarray
    kind: np.ndarray  # 0 fee, 1 licences, 2 hardware, 3 project
    quantity: np.ndarray
    unit: np.ndarray
    amount: np.ndarray
    cost: np.ndarray  # nan = none
    ref: np.ndarray  # contract or project index
    month: np.ndarray


def build_invoice_lines(
    rng: np.random.Generator, cl: Clients, contracts: Contracts, pj: Projects
) -> InvoiceLines:
    """Recurring fees, licence resale, hardware sales and project milestones."""
    parts: list[dict[str, np.ndarray]] = []
    # Recurring fees: one line per billing date inside the contract and the window.
    mabs = (MONTH_YEAR * 12 + MONTH_CAL - 1)[None, :]
    sdate = START + contracts.start
    s_abs = sdate.astype("datetime64[M]").astype(np.int64)[:, None] + 1970 * 12
    s_dom = np.minimum((sdate - sdate.astype("datetime64[M]")).astype(np.int64), 27)[:, None]
    bill_day = MONTH_START_DAY[None, :] + s_dom
    ok = (mabs >= s_abs) & ((mabs - s_abs) % contracts.months[:, None] == 0)
    ok &= (bill_day >= contracts.start[:, None]) & (bill_day <= contracts.end[:, None])
    ok &= bill_day < N_DAYS
    ci, mi = np.nonzero(ok)
    parts.append(
        dict(
            client=contracts.client[ci],
            day=bill_day[ci, mi],
            kind=np.zeros_like(ci),
            quantity=np.ones(len(ci)),
            unit=contracts.amount[ci],
            cost=np.full(len(ci), np.nan),
            ref=ci,
            month=mi,
        )
    )
    # Licences: monthly, with the fee, for clients that resell Microsoft 365.
    act = month_activity(cl) > 0
    li, lm = np.nonzero(act & cl.licences[:, None] & (cl.devices > 0)[:, None])
    users = np.round(cl.devices[li] * 1.1)
    parts.append(
        dict(
            client=li,
            day=MONTH_START_DAY[lm],
            kind=np.ones_like(li),
            quantity=users,
            unit=np.full(len(li), 12.5),
            cost=users * 10.3,
            ref=np.full(len(li), -1),
            month=lm,
        )
    )
    # Hardware: a few sales a year per client, sold at about 20% over cost.
    lam = np.maximum(cl.devices, 8)[:, None] / 150 * act
    counts = rng.poisson(lam)
    hi, hm = np.nonzero(counts)
    reps = counts[hi, hm]
    hi, hm = np.repeat(hi, reps), np.repeat(hm, reps)
    hday = MONTH_START_DAY[hm] + rng.integers(0, 28, len(hi))
    hday = np.minimum(hday, N_DAYS - 1)
    amount = np.round(rng.uniform(350, 3500, len(hi)), -1)
    parts.append(
        dict(
            client=hi,
            day=hday,
            kind=np.full(len(hi), 2),
            quantity=np.ones(len(hi)),
            unit=amount,
            cost=np.round(amount * rng.uniform(0.78, 0.85, len(hi)), 2),
            ref=np.full(len(hi), -1),
            month=hm,
        )
    )
    # Projects: half on the start date, half when closed.
    price = pj.budget * PROJECT_PRICE_PER_HOUR / 2
    p_days = np.concatenate([pj.start, pj.closed])
    p_ref = np.concatenate([np.arange(pj.n), np.arange(pj.n)])
    keep = (p_days >= 0) & (p_days < N_DAYS)  # in the window (NO_DAY is negative)
    p_days, p_ref = p_days[keep], p_ref[keep]
    parts.append(
        dict(
            client=pj.client[p_ref],
            day=p_days,
            kind=np.full(len(p_ref), 3),
            quantity=np.ones(len(p_ref)),
            unit=price[p_ref],
            cost=np.full(len(p_ref), np.nan),
            ref=p_ref,
            month=DAY_MONTH[p_days],
        )
    )
    cat = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    cat["amount"] = np.round(cat["quantity"] * cat["unit"], 2)
    order = np.lexsort((cat["kind"], cat["client"], cat["day"]))
    return InvoiceLines(**{k: v[order] for k, v in cat.items()})


@dataclass
class Deals:
    record_id: np.ndarray
    client_name: list[str]
    product: np.ndarray
    stage: np.ndarray
    created: np.ndarray
    closed: np.ndarray  # -1 = empty
    last_activity: np.ndarray
    owner: np.ndarray
    amount: np.ndarray  # nan = empty


def build_deals(rng: np.random.Generator, cl: Clients, scale: float) -> Deals:
    """HubSpot deals: upsells to clients and new prospects; a few open deals gone stale."""
    n = max(20, round(70 * scale))
    created = START_S + rng.integers(0, N_DAYS - 2, n) * DAY_S + rng.integers(8, 19, n) * 3600
    created += rng.integers(0, 60, n) * 60
    is_prospect = rng.random(n) < 0.4
    client_idx = rng.integers(0, min(cl.n, N_BASE_CLIENTS + 200) - 1, n)
    client_idx += client_idx >= SUMMIT  # Summit has one deal, the one that won it
    prospect_idx = rng.integers(0, len(PROSPECTS), n)
    cycle = rng.integers(15, 120, n) * DAY_S + rng.integers(-3, 4, n) * 3600
    close = created + cycle
    # Open: deals still in progress (most of the recent ones) and those not yet due.
    recent = created > END_S - 180 * DAY_S
    is_open = (recent & (rng.random(n) < 0.75)) | (close > END_S)
    won = rng.random(n) < 0.45
    stage = np.where(is_open, rng.integers(0, 5, n), np.where(won, 5, 6))
    # The Summit Engineering deal that brought in client 24.
    created[0] = START_S + day_index("2025-11-10") * DAY_S + 10 * 3600
    close[0] = START_S + day_index("2026-01-20") * DAY_S + 12 * 3600
    stage[0], is_open[0], is_prospect[0], client_idx[0] = 5, False, False, SUMMIT
    # Two deals under CRM trade names only the clients alias table can join.
    for i, c in enumerate(CRM_ALIASES, start=1):
        is_prospect[i], client_idx[i] = False, c
    close = np.where(is_open, close, np.minimum(close, END_S - rng.integers(0, 5, n) * DAY_S))
    close = np.maximum(close, created + DAY_S)
    # Open deals: recent activity, expected close ahead; the oldest few went stale.
    last_day = START_S + (N_DAYS - 1) * DAY_S  # midnight starting the as-of day
    last = last_day - rng.integers(1, 25, n) * DAY_S + rng.integers(8 * 60, 19 * 60, n) * 60
    last = np.where(is_open, np.maximum(last, created), close)
    open_idx = np.flatnonzero(is_open)
    stale = open_idx[np.argsort(created[open_idx], kind="stable")[: round(N_STALE_DEALS * scale)]]
    cutoff = last_day - 35 * DAY_S
    last[stale] = np.maximum(
        created[stale],
        np.minimum(
            created[stale] + rng.integers(3, 20, len(stale)) * DAY_S,
            cutoff - rng.integers(0, 60, len(stale)) * DAY_S,
        ),
    )
    is_stale = np.zeros(n, dtype=bool)
    is_stale[stale] = True
    expected = np.where(is_stale, last_day - 30 * DAY_S, last_day + rng.integers(10, 90, n) * DAY_S)
    closed = np.where(is_open, expected, close)
    closed = np.where(is_open & ~is_stale & (rng.random(n) < 0.15), -1, closed)  # no date yet
    amount = np.round(rng.lognormal(np.log(9000), 0.7, n), -2)
    amount[0] = 38808.0  # 12 x 3,234 €
    amount = np.where(is_open & (stage == 0) & (rng.random(n) < 0.4), np.nan, amount)
    crm = spellings(cl, "psa")
    for i, a in CRM_ALIASES.items():
        crm[i] = a
    names = [
        PROSPECTS[p] if pr else crm[c]
        for p, pr, c in zip(prospect_idx, is_prospect, client_idx, strict=True)
    ]
    product = rng.integers(0, len(DEAL_PRODUCTS), n)
    product[0] = 0
    owner = rng.integers(0, len(SALES_OWNERS), n)
    record_id = 15_683_425_761 + np.cumsum(rng.integers(1000, 900_000, n))
    order = np.argsort(created, kind="stable")
    return Deals(
        record_id,
        [names[i] for i in order],
        product[order],
        stage[order],
        created[order],
        closed[order],
        last[order],
        owner[order],
        amount[order],
    )


# --------------------------------------------------------------------------- formatting


_TOKEN = re.compile(r"%-?[YmdHMIp]")
_PADDED = pa.array([f"{i:02d}" for i in range(100)])
_PLAIN = pa.array([str(i) for i in range(100)])
_YEARS = pa.array([str(y) for y in range(1970, 2300)])
_AMPM = pa.array(["AM", "PM"])


def _format_fields(sec: np.ndarray, fmt: str) -> pa.Array:
    """Format epoch seconds with a small strftime subset, field by field.

    Tokens: ``%Y %m %d %H %M %I %p``; ``%-m``, ``%-d``, ``%-I`` drop the leading zero as
    US tools do (``%-m/%-d/%Y %-I:%M %p`` -> ``3/7/2026 9:05 AM``).
    """
    days = sec // DAY_S
    rest = sec - days * DAY_S
    d64 = days.astype("datetime64[D]")
    m64 = d64.astype("datetime64[M]")
    y64 = m64.astype("datetime64[Y]")
    hour = rest // 3600
    fields = {
        "Y": y64.astype(np.int64),  # years since 1970: an index into _YEARS
        "m": (m64 - y64).astype(np.int64) + 1,
        "d": (d64 - m64).astype(np.int64) + 1,
        "H": hour,
        "M": rest % 3600 // 60,
        "I": (hour + 11) % 12 + 1,
        "p": (hour >= 12).astype(np.int64),
    }
    pieces: list[pa.Array | pa.Scalar] = []
    pos = 0
    for m in _TOKEN.finditer(fmt):
        if m.start() > pos:
            pieces.append(pa.scalar(fmt[pos : m.start()]))
        tok = m.group()
        table = {"Y": _YEARS, "p": _AMPM}.get(tok[-1], _PLAIN if tok[1] == "-" else _PADDED)
        pieces.append(pc.take(table, pa.array(fields[tok[-1]])))
        pos = m.end()
    if pos < len(fmt):
        pieces.append(pa.scalar(fmt[pos:]))
    return pc.binary_join_element_wise(*pieces, "")


def fmt_time(sec: np.ndarray, fmt: str) -> pa.Array:
    """Format epoch seconds (-1 = empty) as ``fmt`` (tokens of :func:`_format_fields`).

    A million timestamps span a few hundred days and 1,440 minutes of the day, so the
    date part and the time part (split at the first space of ``fmt``) are formatted once
    per distinct value and looked up: two takes and one join per column, several times
    faster than ``pc.strftime``.
    """
    sec = np.asarray(sec, dtype=np.int64)
    empty = sec < 0
    sec0 = np.where(empty, 0, sec)
    date_fmt, _, time_fmt = fmt.partition(" ")
    days = sec0 // DAY_S
    lo, hi = (int(days[~empty].min()), int(days[~empty].max())) if (~empty).any() else (0, 0)
    dates = _format_fields(np.arange(lo, hi + 1, dtype=np.int64) * DAY_S, date_fmt)
    out = pc.take(dates, pa.array(days - lo, mask=empty))  # a null index gives null
    if time_fmt:
        times = _format_fields(np.arange(1440, dtype=np.int64) * 60, time_fmt)
        out = pc.binary_join_element_wise(out, pc.take(times, pa.array(sec0 % DAY_S // 60)), " ")
    return out


def fmt_day(day: np.ndarray, fmt: str) -> pa.Array:
    """Format day indices (NO_DAY = empty) as dates."""
    day = np.asarray(day)
    return fmt_time(np.where(day == NO_DAY, -1, START_S + day * DAY_S), fmt)


def _pad3(v: np.ndarray) -> pa.Array:
    return pc.utf8_lpad(pa.array(v).cast(pa.string()), width=3, padding="0")


def fmt_num(x: np.ndarray, decimals: int = 2, dec: str = ".", thousands: str = "") -> pa.Array:
    """Fixed decimals with the given separators; NaN becomes empty.

    Examples: 1250 -> ``1250.00``; with dec="," thousands="." -> ``1.250,00``.
    """
    x = np.asarray(x, dtype=float)
    nan = np.isnan(x)
    scaled = np.round(np.where(nan, 0, x) * 10**decimals).astype(np.int64)
    a = np.abs(scaled)
    ip, fp = a // 10**decimals, a % 10**decimals
    if thousands:
        mil, th, un = ip // 1_000_000, (ip // 1000) % 1000, ip % 1000
        t = pa.scalar(thousands)
        big = pc.binary_join_element_wise(pa.array(mil).cast(pa.string()), _pad3(th), _pad3(un), t)
        mid = pc.binary_join_element_wise(pa.array(ip // 1000).cast(pa.string()), _pad3(un), t)
        ip_s = pc.if_else(
            pa.array(ip >= 1_000_000),
            big,
            pc.if_else(pa.array(ip >= 1000), mid, pa.array(ip).cast(pa.string())),
        )
    else:
        ip_s = pa.array(ip).cast(pa.string())
    if decimals:
        fp_s = pc.utf8_lpad(pa.array(fp).cast(pa.string()), width=decimals, padding="0")
        s = pc.binary_join_element_wise(ip_s, fp_s, dec)
    else:
        s = ip_s
    s = pc.if_else(pa.array(scaled < 0), pc.binary_join_element_wise("-", s, ""), s)
    return pc.if_else(pa.array(nan), pa.scalar(None, pa.string()), s)


def fmt_int(x: np.ndarray, empty: np.ndarray | None = None) -> pa.Array:
    arr = pa.array(np.asarray(x, dtype=np.int64)).cast(pa.string())
    if empty is not None:
        arr = pc.if_else(pa.array(empty), pa.scalar(None, pa.string()), arr)
    return arr


def take(labels: Sequence[str] | np.ndarray, idx: np.ndarray) -> pa.Array:
    """Labels by index, vectorised (``pc.take`` of a small dictionary)."""
    return pc.take(pa.array(list(labels), type=pa.string()), pa.array(np.asarray(idx)))


# --------------------------------------------------------------------------- writers


def write_delimited(
    path: Path,
    columns: dict[str, pa.Array],
    *,
    sep: str = ",",
    encoding: str = "utf-8",
    bom: bool = False,
    eol: str = "\n",
    quote_all: bool = False,
    free_text: Sequence[str] | None = None,
) -> None:
    """Write a CSV the way spreadsheets and exporters do, with control over every byte.

    Quotes values only when they need it (a separator, quote or newline inside, e.g.
    ``Wi-Fi inestable, planta 2`` -> ``"Wi-Fi inestable, planta 2"``), or every non-empty
    value with ``quote_all`` (ConnectWise style). Empty values stay empty. The rows are
    joined by pyarrow and the text taken straight from the Arrow buffer: no Python loop.

    Args:
        free_text: the columns that may hold a separator, quote or newline (names,
            descriptions); the others are formatted numbers, dates and codes and are not
            searched. None searches every column.
    """
    needs_quotes = '["\r\n' + re.escape(sep) + "]"
    cells = []
    for name, col in columns.items():
        col = pc.fill_null(col.cast(pa.string()), "")
        if free_text is not None and name not in free_text:
            cells.append(col)
            continue
        # Search the distinct values (a few thousand names, not a million rows), then
        # mark the rows holding one of those that need quotes.
        uniq = pc.unique(col)
        has_quote = pc.match_substring(uniq, '"')
        if pc.any(has_quote).as_py():
            col = pc.replace_substring(col, '"', '""')
        if quote_all:
            cells.append(col)  # the quotes go around every value below, with the separators
            continue
        need = has_quote
        for ch in (sep, "\n", "\r"):
            need = pc.or_(need, pc.match_substring(uniq, ch))
        if pc.any(need).as_py():
            rows = pc.is_in(
                pc.fill_null(columns[name].cast(pa.string()), ""), value_set=uniq.filter(need)
            )
            col = pc.if_else(rows, pc.binary_join_element_wise('"', col, '"', ""), col)
        cells.append(col)
    # One join per file: with quote_all, "a","b" is '"' + a + '","' + b + '"'; the end of
    # line is appended to the last column only.
    opening, closing = ('"', '"') if quote_all else ("", "")
    cells[0] = pc.binary_join_element_wise(opening, cells[0], "")
    cells[-1] = pc.binary_join_element_wise(cells[-1], closing + eol, "")
    lines = pc.binary_join_element_wise(*cells, f"{closing}{sep}{opening}")
    if isinstance(lines, pa.ChunkedArray):
        lines = lines.combine_chunks()

    def q(h: str) -> str:
        return f'"{h}"' if quote_all or re.search(needs_quotes, h) else h

    header = sep.join(q(h) for h in columns) + eol
    offsets = np.frombuffer(
        lines.buffers()[1], dtype=np.int32, count=len(lines) + 1, offset=lines.offset * 4
    )
    body = memoryview(lines.buffers()[2])[offsets[0] : offsets[-1]]
    with path.open("wb") as f:
        f.write(b"\xef\xbb\xbf" if bom else b"")
        if encoding == "utf-8":
            f.write(header.encode("utf-8"))
            f.write(body)
        else:  # cp1252: the Spanish files, a few MB even at a million tickets
            f.write((header + str(body, "utf-8")).encode(encoding))


FIXED_ZIP_TIME = (2026, 10, 31, 18, 0, 0)
_CORE_DATES = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")


def deterministic_xlsx(data: bytes) -> bytes:
    """Rewrite an openpyxl .xlsx with fixed dates so identical content gives identical bytes.

    openpyxl stamps the save time into docProps/core.xml and every zip entry; both are
    replaced (e.g. ``<dcterms:modified ...>2031-01-01T09:12:44Z`` ->
    ``...>2026-10-31T18:00:00Z``).
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            blob = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                blob = _CORE_DATES.sub(rb"\g<1>2026-10-31T18:00:00Z\g<2>", blob)
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, blob)
    return out.getvalue()


def write_xlsx(
    path: Path,
    sheet: str,
    header: list[str],
    columns: list[list[object]],
    number_formats: dict[int, str] | None = None,
) -> None:
    """Write one sheet with openpyxl in write-only mode (the only per-row loop here)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    wb.properties.creator = "Nubetec Sistemas"
    ws = wb.create_sheet(sheet)
    bold = Font(bold=True)
    head = []
    for h in header:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        head.append(cell)
    ws.append(head)
    formats = number_formats or {}
    if formats:
        for row in zip(*columns, strict=True):
            cells = []
            for i, v in enumerate(row):
                cell = WriteOnlyCell(ws, value=v)
                if i in formats and v is not None:
                    cell.number_format = formats[i]
                cells.append(cell)
            ws.append(cells)
    else:
        for row in zip(*columns, strict=True):
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(deterministic_xlsx(buf.getvalue()))


# --------------------------------------------------------------------------- files

US_TS = "%-m/%-d/%Y %-I:%M %p"


def tickets_columns(
    tk: Tickets, cl: Clients, st: Staff, snap: np.ndarray
) -> tuple[dict[str, pa.Array], dict[str, np.ndarray]]:
    """ConnectWise service-board export, with earlier event rows for a few tickets.

    Returns the text columns and, for the .xlsx variant, the timestamps as seconds.
    """
    n = tk.n
    # Event-log rows: an "In Progress" snapshot half-way to the resolution. Half are
    # placed just before the final row, half just after it (file order must not decide).
    snap_updated = tk.created[snap] + (tk.resolved[snap] - tk.created[snap]) // 120 * 60
    snap_updated = np.maximum(snap_updated, tk.created[snap] + 60)
    rows = np.concatenate([np.arange(n), snap])
    is_snap = np.concatenate([np.zeros(n, dtype=bool), np.ones(len(snap), dtype=bool)])
    position = np.concatenate([np.arange(n) * 2.0, snap * 2.0 + np.where(snap % 2 == 0, -1, 1)])
    order = np.argsort(position, kind="stable")
    rows, is_snap = rows[order], is_snap[order]
    snap_upd_full = np.full(n, -1)
    snap_upd_full[snap] = snap_updated

    def pick(final: np.ndarray, snapshot: np.ndarray | int) -> np.ndarray:
        snap_vals = snapshot[rows] if isinstance(snapshot, np.ndarray) else snapshot
        return np.where(is_snap, snap_vals, final[rows])

    quarters = pick(tk.quarters, np.maximum(tk.quarters // 2, 1))
    psa = spellings(cl, "psa")
    seconds = {
        "Date Entered": tk.created[rows],
        "Date Responded": tk.responded[rows],
        "Required Date": tk.due[rows],
        "Date Resolved": pick(tk.resolved_col, -1),
        "Closed Date": pick(tk.closed, -1),
        "Last Updated": pick(tk.updated, snap_upd_full),
    }
    cols = {
        "Ticket #": fmt_int(tk.ticket_id[rows]),
        "Company": take(psa, tk.client[rows]),
        "Summary": take(SUMMARIES, tk.summary[rows]),
        "Board": take(BOARDS, tk.board[rows]),
        "Status": take(STATUSES, pick(tk.status, 2)),
        "Priority": take(PRIORITIES, tk.priority[rows]),
        "Resource": take(st.ascii_name, tk.tech[rows]),
        "Support Level": take(["", "L1", "L2", "L3"], tk.tier[rows]),
        **{h: fmt_time(v, US_TS) for h, v in seconds.items()},
        "Reopens": fmt_int(pick(tk.reopens, 0)),
        "Made SLA": take(
            ["False", "True", ""], np.where(pick(tk.made_sla, -1) < 0, 2, pick(tk.made_sla, -1))
        ),
        "Actual Hours": fmt_num(quarters / 4),
    }
    return cols, seconds


def write_tickets_xlsx(
    path: Path, cols: dict[str, pa.Array], seconds: dict[str, np.ndarray]
) -> None:
    """The tickets as an Excel export: real date cells, numbers as numbers."""
    header = list(cols)
    data: list[list[object]] = []
    for h in header:
        if h in seconds:
            sec = seconds[h].astype("datetime64[s]")
            sec[seconds[h] < 0] = np.datetime64("NaT")
            data.append(list(sec.astype(object)))
        elif h in ("Ticket #", "Reopens"):
            data.append(pc.cast(cols[h], pa.int64()).to_pylist())
        elif h == "Actual Hours":
            data.append(pc.cast(cols[h], pa.float64()).to_pylist())
        else:
            data.append(cols[h].to_pylist())
    # plain values: openpyxl gives datetimes a date format itself, and styled cells
    # would make 100,000 rows several times slower
    write_xlsx(path, "Service Tickets", header, data)


def surveys_columns(rng: np.random.Generator, tk: Tickets, cl: Clients) -> dict[str, pa.Array]:
    """Spanish satisfaction-survey export: scores 1-5, some answers as words."""
    resolved = np.flatnonzero(tk.resolved >= 0)
    pick = resolved[rng.random(len(resolved)) < 0.18]
    delay = (rng.lognormal(np.log(6), 1.0, len(pick)) * 60).astype(np.int64) * 60
    responded = tk.resolved[pick] + delay
    keep = responded <= END_S
    pick, responded = pick[keep], responded[keep]
    n = len(pick)
    # Unsatisfied answers (3 or less): one in 16 of each client's answers, spread evenly
    # so that no small client looks unhappy by chance; three in ten at Transportes.
    client_idx = tk.client[pick]
    by_client = np.lexsort((responded, client_idx))
    group_start = np.concatenate([[0], np.flatnonzero(np.diff(client_idx[by_client])) + 1])
    starts = np.repeat(group_start, np.diff(np.concatenate([group_start, [n]])))
    rank = np.empty(n, dtype=np.int64)
    rank[by_client] = np.arange(n) - starts + client_idx[by_client] * 7
    unhappy = np.where(client_idx == TRANSPORTES, rng.random(n) < 0.3, rank % 16 == 7)
    score = np.where(rng.random(n) < 0.73, 5, 4)
    score = np.where(unhappy, rng.choice([1, 2, 3, 3, 3], n), score)
    as_label = rng.random(n) < 0.08
    score_text = pc.if_else(pa.array(as_label), take(SCORE_LABELS, score), fmt_int(score))
    client = take(spellings(cl, "survey"), tk.client[pick])
    client = pc.if_else(pa.array(rng.random(n) < 0.10), pa.scalar(None, pa.string()), client)
    has_comment = rng.random(n) < 0.3
    comment = pc.if_else(
        pa.array(has_comment),
        take(SURVEY_COMMENTS, rng.integers(0, len(SURVEY_COMMENTS), n)),
        pa.scalar(None, pa.string()),
    )
    order = np.argsort(responded, kind="stable")
    return {
        "Nº ticket": fmt_int(tk.ticket_id[pick][order]),
        "Fecha de respuesta": fmt_time(responded[order], "%d/%m/%Y %H:%M"),
        "Puntuación": score_text.take(pa.array(order)),
        "Cliente": client.take(pa.array(order)),
        "Comentario": comment.take(pa.array(order)),
    }


def time_entries_columns(te: TimeEntries, cl: Clients, st: Staff) -> dict[str, pa.Array]:
    """Autotask time-entry export (US dates, ``isNonBillable``)."""
    return {
        "Resource": take(st.name, te.tech),
        "Date Worked": fmt_day(te.day, "%-m/%-d/%Y"),
        "Hours Worked": fmt_num(te.quarters / 4),
        "Company": take(spellings(cl, "psa"), te.client),
        "Ticket Number": fmt_int(te.ticket, te.ticket < 0),
        "Project ID": pc.if_else(
            pa.array(te.project < 0),
            pa.scalar(None, pa.string()),
            pc.binary_join_element_wise("P-", fmt_int(1001 + te.project), ""),
        ),
        "Work Type": take(WORK_TYPES, te.work_type),
        "isNonBillable": take(["True", "False"], te.billable.astype(np.int64)),
        "Summary Notes": take(TIME_NOTES, te.note),
    }


def contracts_columns(ct: Contracts, cl: Clients) -> dict[str, pa.Array]:
    """Spanish contracts sheet saved as CSV from Excel (``;``, ``1.250,00``, dd/mm/yyyy)."""
    ended = ct.has_end & (ct.end < N_DAYS)
    renewed_later = np.zeros(len(ct.client), dtype=bool)
    for i in np.flatnonzero(ended):  # a handful of contracts: fine to loop
        same = (ct.client == ct.client[i]) & (ct.start > ct.start[i])
        renewed_later[i] = bool(same.any())
    status = np.where(ended, np.where(renewed_later, 1, 2), 0)
    return {
        "Nº contrato": pa.array(ct.contract_id),
        "Cliente": take(spellings(cl, "contract"), ct.client),
        "Tipo": pa.array(ct.ctype),
        "Fecha inicio": fmt_day(ct.start, "%d/%m/%Y"),
        "Fecha fin": fmt_day(np.where(ct.has_end, ct.end, NO_DAY), "%d/%m/%Y"),
        "Cuota": fmt_num(ct.amount, 2, ",", "."),
        "Periodicidad": pa.array(ct.period),
        "Equipos cubiertos": fmt_int(ct.covered, ct.covered == 0),
        "Renovación automática": take(["No", "Sí"], ct.auto_renew.astype(np.int64)),
        "Estado": take(["Activo", "Finalizado", "Cancelado"], status),
    }


def devices_columns(dv: Devices, cl: Clients) -> dict[str, pa.Array]:
    """NinjaOne device list (API field names, epoch seconds)."""
    lut = np.frombuffer(b"".join(f"{i:02x}".encode() for i in range(256)), dtype="S2")
    hexes = pa.array(lut[dv.uid_bytes].view("S32").ravel()).cast(pa.string())
    sl = [
        pc.utf8_slice_codeunits(hexes, a, b)
        for a, b in ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))
    ]
    uid = pc.binary_join_element_wise(*sl, "-")
    slug = [re.sub(r"[^a-z0-9]", "", strip_accents(b).lower())[:10] for b in cl.base]
    kind = take(["pc", "srv", "mac", "lnx", "vm"], dv.node_class)
    host = pc.binary_join_element_wise(
        take(slug, dv.client), kind, pc.utf8_lpad(fmt_int(dv.number), width=3, padding="0"), "-"
    )
    dns = pc.binary_join_element_wise(host, take(slug, dv.client), "local", ".")
    loc = np.where(dv.node_class == 1, 1, dv.number % 3)
    return {
        "uid": uid,
        "organizationName": take(spellings(cl, "rmm"), dv.client),
        "locationName": take(["Oficina principal", "CPD", "Delegación"], loc),
        "nodeClass": take(NODE_CLASSES, dv.node_class),
        "dnsName": dns,
        "created": fmt_int(dv.created),
        "lastContact": fmt_int(dv.last_contact),
        "offline": take(["false", "true"], (dv.last_contact < END_S - DAY_S).astype(np.int64)),
    }


def projects_columns(pj: Projects, cl: Clients, st: Staff) -> dict[str, pa.Array]:
    """ConnectWise project list (ISO dates, UTF-8 with BOM)."""
    return {
        "Project ID": pc.binary_join_element_wise("P-", fmt_int(1001 + np.arange(pj.n)), ""),
        "Company": take(spellings(cl, "psa"), pj.client),
        "Project Name": pa.array(pj.name),
        "Project Manager": take(st.name, pj.manager),
        "Status": pa.array(pj.status),
        "Start Date": fmt_day(pj.start, "%Y-%m-%d"),
        "Due Date": fmt_day(pj.due, "%Y-%m-%d"),
        "Closed Date": fmt_day(pj.closed, "%Y-%m-%d"),
        "Budget Hours": fmt_num(pj.budget, 1),
        "Actual Hours": fmt_num(pj.actual, 1),
        "% Complete": fmt_int(pj.pct),
    }


def invoices_columns(
    inv: InvoiceLines, cl: Clients, ct: Contracts, pj: Projects
) -> dict[str, pa.Array]:
    """Xero sales-invoice export: one row per line, the invoice totals repeated."""
    key = inv.day.astype(np.int64) * (cl.n + 1) + inv.client
    new = np.concatenate([[True], key[1:] != key[:-1]])
    inv_no = np.cumsum(new)
    net = np.bincount(inv_no, inv.amount)
    tax = np.round(inv.amount * 0.21, 2)
    tax_total = np.round(net * 0.21, 2)
    total = np.round(net + tax_total, 2)
    xero = spellings(cl, "xero")
    slug = [re.sub(r"[^a-z0-9]", "", strip_accents(b).lower()) for b in cl.base]
    mon = take(ES_MONTH, MONTH_CAL[inv.month])
    year = fmt_int(MONTH_YEAR[inv.month])
    period = pc.binary_join_element_wise(mon, year, " ")
    ctype = take([*ct.ctype, ""], np.where(inv.kind == 0, inv.ref, len(ct.ctype)))
    pname = take([*pj.name, ""], np.where(inv.kind == 3, inv.ref, pj.n))
    desc = pc.case_when(
        pc.make_struct(pa.array(inv.kind == 0), pa.array(inv.kind == 1), pa.array(inv.kind == 2)),
        pc.binary_join_element_wise(ctype, period, " - "),
        pc.binary_join_element_wise("Licencias Microsoft 365 Business Standard", period, " - "),
        pa.scalar("Suministro de hardware"),
        pc.binary_join_element_wise("Proyecto", pname, ": "),
    )
    ref = pc.case_when(
        pc.make_struct(pa.array(inv.kind == 0), pa.array(inv.kind == 3)),
        take([*ct.contract_id, ""], np.where(inv.kind == 0, inv.ref, len(ct.contract_id))),
        pc.binary_join_element_wise("P-", fmt_int(1001 + np.maximum(inv.ref, 0)), ""),
    )
    paid = inv.day < N_DAYS - 30
    return {
        "*ContactName": take(xero, inv.client),
        "EmailAddress": pc.binary_join_element_wise("facturas@", take(slug, inv.client), ".es", ""),
        "*InvoiceNumber": pc.binary_join_element_wise(
            "INV-", pc.utf8_lpad(fmt_int(inv_no), width=5, padding="0"), ""
        ),
        "Reference": ref,
        "*InvoiceDate": fmt_day(inv.day, "%d/%m/%Y"),
        "*DueDate": fmt_day(inv.day + 30, "%d/%m/%Y"),
        "Total": fmt_num(total[inv_no]),
        "TaxTotal": fmt_num(tax_total[inv_no]),
        "*Description": desc,
        "*Quantity": fmt_num(inv.quantity, 0),
        "*UnitAmount": fmt_num(inv.unit),
        "LineAmount": fmt_num(inv.amount),
        "*AccountCode": take(["705", "705", "700", "705"], inv.kind),
        "*TaxType": pa.array(np.full(len(inv.day), "IVA 21%")),
        "TaxAmount": fmt_num(tax),
        "Currency": pa.array(np.full(len(inv.day), "EUR")),
        "Type": pa.array(np.full(len(inv.day), "Sales invoice")),
        "Status": take(["AUTHORISED", "PAID"], paid.astype(np.int64)),
        "Cost": fmt_num(inv.cost),
    }


def deals_columns(dl: Deals) -> dict[str, pa.Array]:
    """HubSpot deals export (``YYYY-MM-DD HH:MM``)."""
    fmt = "%Y-%m-%d %H:%M"
    name = pc.binary_join_element_wise(
        pa.array(dl.client_name), take(DEAL_PRODUCTS, dl.product), " - "
    )
    prob = np.array([p for _, p in DEAL_STAGES])[dl.stage]
    return {
        "Record ID": fmt_int(dl.record_id),
        "Deal Name": name,
        "Deal Stage": take([s for s, _ in DEAL_STAGES], dl.stage),
        "Pipeline": pa.array(np.full(len(dl.stage), "Sales Pipeline")),
        "Close Date": fmt_time(dl.closed, fmt),
        "Deal owner": take(SALES_OWNERS, dl.owner),
        "Amount": fmt_num(dl.amount, 0),
        "Create Date": fmt_time(dl.created, fmt),
        "Associated Company": pa.array(dl.client_name),
        "Last Activity Date": fmt_time(dl.last_activity, fmt),
        "Deal probability": fmt_num(prob, 1),
    }


def staff_sheet(st: Staff) -> tuple[list[str], list[list[object]], dict[int, str]]:
    """The staff list as a Spanish Excel sheet (real numbers and dates)."""
    header = [
        "Técnico",
        "Email",
        "Rol",
        "Nivel",
        "Coste hora",
        "Horas semanales",
        "Fecha de incorporación",
    ]
    emails: list[object] = [
        ".".join(strip_accents(n).lower().replace("'", "").split()[:2]) + "@nubetec.es"
        for n in st.name
    ]
    cols: list[list[object]] = [
        list(st.name),
        emails,
        list(st.role),
        [f"N{t}" for t in st.tier],
        [float(c) for c in st.cost],
        [float(w) for w in st.weekly],
        [datetime.fromisoformat(j) for j in st.joined],
    ]
    return header, cols, {4: '#,##0.00 "€"', 5: "0", 6: "dd/mm/yyyy"}


# --------------------------------------------------------------------------- main

FILES = {
    "tickets": "tickets.csv",
    "surveys": "encuestas_satisfaccion.csv",
    "time_entries": "time_entries.csv",
    "staff": "tecnicos.xlsx",
    "contracts": "contratos.csv",
    "devices": "devices.csv",
    "projects": "projects.csv",
    "invoices": "invoices.csv",
    "opportunities": "deals.csv",
    "clients": "alias_clientes.csv",
}


def generate(
    out: Path, n_tickets: int = DEFAULT_TICKETS, fmt: str = "csv", verbose: bool = False
) -> dict[str, Path]:
    """Build the fictional MSP and write its exports into ``out``.

    Args:
        out: target folder (created if needed).
        n_tickets: number of tickets; technicians, projects and deals scale in
            proportion (``n_tickets / 8000``), clients (and so contracts, devices and
            invoices) with its square root: a bigger MSP has more tickets per client
            too (1M tickets: ~280 clients, 1,000 technicians), never below the story
            size.
        fmt: ``csv`` or ``xlsx`` for the tickets file.
        verbose: print timings.

    Returns:
        dataset name -> written file.
    """
    t0 = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    scale = max(1.0, n_tickets / DEFAULT_TICKETS)
    rng = np.random.default_rng(SEED)
    cl = build_clients(rng, scale**0.5)
    st = build_staff(rng, scale)
    ct = build_contracts(rng, cl)
    tk, snap = build_tickets(rng, n_tickets, cl, st)
    pj = build_projects(rng, cl, st, scale)
    te = build_time_entries(rng, cl, st, tk, pj)
    dv = build_devices(rng, cl, ct)
    inv = build_invoice_lines(rng, cl, ct, pj)
    dl = build_deals(rng, cl, scale)
    survey_cols = surveys_columns(rng, tk, cl)
    t1 = time.perf_counter()
    files = dict(FILES)
    if fmt == "xlsx":
        files["tickets"] = "tickets.xlsx"
    paths = {k: out / v for k, v in files.items()}
    for stale in ("tickets.csv", "tickets.xlsx"):
        if (out / stale) != paths["tickets"] and (out / stale).exists():
            (out / stale).unlink()
    tcols, tsec = tickets_columns(tk, cl, st, snap)
    if fmt == "xlsx":
        write_tickets_xlsx(paths["tickets"], tcols, tsec)
    else:
        write_delimited(
            paths["tickets"],
            tcols,
            quote_all=True,
            eol="\r\n",
            free_text=["Company", "Summary", "Resource"],
        )
    write_delimited(
        paths["surveys"],
        survey_cols,
        sep=";",
        encoding="cp1252",
        eol="\r\n",
        free_text=["Cliente", "Comentario"],
    )
    write_delimited(
        paths["time_entries"],
        time_entries_columns(te, cl, st),
        eol="\r\n",
        free_text=["Resource", "Company", "Summary Notes"],
    )
    header, cols, nfmt = staff_sheet(st)
    write_xlsx(paths["staff"], "Técnicos", header, cols, nfmt)
    write_delimited(
        paths["contracts"], contracts_columns(ct, cl), sep=";", encoding="cp1252", eol="\r\n"
    )
    write_delimited(
        paths["devices"], devices_columns(dv, cl), free_text=["organizationName", "locationName"]
    )
    write_delimited(paths["projects"], projects_columns(pj, cl, st), bom=True, eol="\r\n")
    write_delimited(
        paths["invoices"],
        invoices_columns(inv, cl, ct, pj),
        eol="\r\n",
        free_text=["*ContactName", "*Description", "Reference"],
    )
    write_delimited(paths["opportunities"], deals_columns(dl))
    psa = spellings(cl, "psa")
    write_delimited(
        paths["clients"],
        {
            "Cliente": pa.array([psa[i] for i in CRM_ALIASES]),
            "Alias": pa.array(list(CRM_ALIASES.values())),
        },
        sep=";",
        bom=True,
        eol="\r\n",
    )
    t2 = time.perf_counter()
    if verbose:
        print(f"built in {t1 - t0:.2f}s, written in {t2 - t1:.2f}s")
        for name, p in paths.items():
            print(f"  {p.name:30s} {p.stat().st_size / 1e6:8.2f} MB  ({name})")
    return paths


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tickets",
        type=int,
        default=DEFAULT_TICKETS,
        help=f"number of tickets (default {DEFAULT_TICKETS})",
    )
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: here)")
    parser.add_argument(
        "--format", choices=("csv", "xlsx"), default="csv", help="format of the tickets file"
    )
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.tickets < 1000:
        parser.error("--tickets must be at least 1000 (the stories need the volume)")
    if args.out.resolve() == HERE and (args.tickets != DEFAULT_TICKETS or args.format != "csv"):
        parser.error(
            "sample_data/ holds the committed sample: write other sizes or formats "
            "elsewhere with --out DIR"
        )
    generate(args.out, args.tickets, args.format, verbose=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
