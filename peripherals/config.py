"""Hardware profile entries (re-exported from `runtime.devices`, where they live as master data
so local_db can load them): which device, which driver, on which transport and address."""

from __future__ import annotations

from runtime.devices import DeviceCategory, DeviceConfig, HardwareProfile, Transport

__all__ = ["DeviceCategory", "DeviceConfig", "HardwareProfile", "Transport"]
