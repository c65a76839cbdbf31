"""The built-in driver catalogue: (category, driver name) → class, imported lazily."""

from __future__ import annotations

from peripherals.events import DeviceCategory
from peripherals.registry import register_builtin

# Each helper module registers its drivers here, one line per driver.
_ = (DeviceCategory, register_builtin)
