"""Device coverage KPIs (KPIS.md 6), the ``devices`` family."""

from __future__ import annotations

from kpi.metrics.declaration import C_M, CONTRACT_INPUTS, Kpi, declare, need

_COVERAGE = need("devices.covered", "devices.contract_id", "contracts.covered_devices")

_DEVICE_INPUTS = (
    "devices.client",
    "devices.first_seen",
    "devices.last_seen",
    "devices.active",
    "devices.covered",
    "devices.contract_id",
    "contracts.contract_id",
    "contracts.covered_devices",
    *CONTRACT_INPUTS,
)


# fmt: off
DEVICES: tuple[Kpi, ...] = (
    # 6. Devices ---------------------------------------------------------------------------
    declare("active_devices", "devices", ("Active devices", "Equipos activos"),
       ("Devices active at D: first seen empty or <= D, last seen empty or within 30 days "
        "before D, and not marked inactive.",
        "Equipos activos en D: alta vacía o <= D, última conexión vacía o en los 30 días "
        "anteriores a D, y no marcados como inactivos."),
       "count", ("devices",), "@D", "sum", "sum(active_n)", ("devices", "equipos"),
       direction="higher", groupings=C_M, needs=(need("devices"),),
       inputs=("devices.client", "devices.first_seen", "devices.last_seen",
               "devices.active")),
    declare("uncovered_devices", "devices", ("Uncovered devices", "Equipos sin cubrir"),
       ("Active devices - covered devices at D. Covered per device (covered flag, or a "
        "contract_id active at D) when the devices file has those columns; otherwise per "
        "client, min(active, covered_devices of its contracts active at D).",
        "Equipos activos - cubiertos en D. Cubierto por equipo (marca covered, o un "
        "contrato activo en D) si el fichero de equipos tiene esas columnas; si no, por "
        "cliente, mín(activos, equipos cubiertos de sus contratos activos en D)."),
       "count", ("devices", "contracts"), "@D", "sum", "sum(uncovered_n)",
       ("uncovered devices", "equipos sin cubrir"),
       direction="lower", target=0.0, groupings=C_M,
       needs=(need("devices"), _COVERAGE), inputs=_DEVICE_INPUTS),
    declare("device_coverage_rate", "devices", ("Device coverage", "Cobertura de equipos"),
       ("Covered devices / active devices at D.", "Equipos cubiertos / activos en D."),
       "ratio", ("devices", "contracts"), "@D", "ratio", "sum(covered_n)",
       ("covered devices", "equipos cubiertos"), "sum(active_n)",
       ("active devices", "equipos activos"),
       direction="higher", groupings=C_M, needs=(need("devices"), _COVERAGE),
       inputs=_DEVICE_INPUTS),
    declare("uncovered_mrr", "devices", ("Uncovered MRR", "MRR sin cubrir"),
       ("Uncovered devices x the client's price per device (MRR of its active contracts "
        "with covered devices / their covered devices); empty for a client without such a "
        "contract.",
        "Equipos sin cubrir x precio por equipo del cliente (MRR de sus contratos activos "
        "con equipos cubiertos / esos equipos); vacío si el cliente no tiene ninguno."),
       "currency", ("devices", "contracts"), "@D", "sum", "fsum(unc_mrr)",
       ("uncovered MRR", "MRR sin cubrir"),
       direction="lower", groupings=C_M, nullable=True,
       needs=(need("devices"), need("contracts.covered_devices")), inputs=_DEVICE_INPUTS),
)
# fmt: on
