"""Device coverage KPIs (docs/KPIS.md 6), the ``devices`` family."""

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
    declare("active_devices", "devices",
       "count", ("devices",), "@D", "sum", "sum(active_n)",
       direction="higher", groupings=C_M, needs=(need("devices"),),
       inputs=("devices.client", "devices.first_seen", "devices.last_seen",
               "devices.active")),
    declare("uncovered_devices", "devices",
       "count", ("devices", "contracts"), "@D", "sum", "sum(uncovered_n)",
       direction="lower", target=0.0, groupings=C_M,
       needs=(need("devices"), _COVERAGE), inputs=_DEVICE_INPUTS),
    declare("device_coverage_rate", "devices",
       "ratio", ("devices", "contracts"), "@D", "ratio", "sum(covered_n)",
       "sum(active_n)",
       direction="higher", groupings=C_M, needs=(need("devices"), _COVERAGE),
       inputs=_DEVICE_INPUTS),
    declare("uncovered_mrr", "devices",
       "currency", ("devices", "contracts"), "@D", "sum", "fsum(unc_mrr)",
       direction="lower", groupings=C_M, nullable=True,
       needs=(need("devices"), need("contracts.covered_devices")), inputs=_DEVICE_INPUTS),
)
# fmt: on
