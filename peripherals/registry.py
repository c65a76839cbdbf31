"""Driver registry: built-in drivers plus third-party ones from the `tillpoint.devices` group.

An entry point is named "<category>:<driver>" (for example "scale:acme") and points at a
`Device` subclass whose constructor takes (config, sink). `open_device` builds and starts a
device from its config and, when that fails for any reason, returns a `NullDevice` that
reports why, so a register with a broken printer still sells.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib.metadata import entry_points

from peripherals.config import DeviceConfig
from peripherals.device import Device
from peripherals.events import DeviceCategory, EventSink
from peripherals.null_device import NullDevice

ENTRY_POINT_GROUP = "tillpoint.devices"
DeviceFactory = Callable[[DeviceConfig, EventSink], Device]

log = logging.getLogger(__name__)

_BUILTIN: dict[tuple[DeviceCategory, str], str] = {
    # (category, driver) -> "module:Class", imported on first use so that a missing optional
    # library (a USB stack) only affects the devices that need it.
}


def register_builtin(category: DeviceCategory, driver: str, target: str) -> None:
    _BUILTIN[(category, driver)] = target


def _load(target: str) -> DeviceFactory:
    module_name, _, attr = target.partition(":")
    module = __import__(module_name, fromlist=[attr])
    factory: DeviceFactory = getattr(module, attr)
    return factory


def _plugin_targets() -> dict[tuple[DeviceCategory, str], str]:
    found: dict[tuple[DeviceCategory, str], str] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        category_name, sep, driver = ep.name.partition(":")
        try:
            category = DeviceCategory(category_name)
        except ValueError:
            log.warning("ignoring device entry point %r: unknown category", ep.name)
            continue
        if not sep or not driver:
            log.warning("ignoring device entry point %r: name is not category:driver", ep.name)
            continue
        found[(category, driver)] = ep.value
    return found


def available_drivers() -> dict[tuple[DeviceCategory, str], str]:
    """Every known driver; a plugin may not replace a built-in one of the same name."""
    drivers = _plugin_targets()
    drivers.update(_BUILTIN)
    return drivers


def factory_for(category: DeviceCategory, driver: str) -> DeviceFactory:
    _ensure_builtins()
    target = available_drivers().get((category, driver))
    if target is None:
        raise LookupError(f"no {category.value} driver named {driver!r}")
    return _load(target)


def create_device(config: DeviceConfig, sink: EventSink) -> Device:
    """Build the driver's device object without touching the hardware."""
    return factory_for(config.category, config.driver)(config, sink)


PeerLookup = Callable[[str], Device | None]


def open_device(
    config: DeviceConfig,
    sink: EventSink,
    timeout: float | None = None,
    peers: PeerLookup | None = None,
) -> Device:
    """Create and start (open, claim, enable) a device; a NullDevice if anything fails.

    `peers` finds devices opened before this one (a drawer kicked through the printer); it is
    handed to the device's `bind_peers` before it starts, when the device has one."""
    try:
        device = create_device(config, sink)
    except Exception as exc:  # noqa: BLE001 - any failure becomes a null device with a reason
        null = NullDevice(config, sink, f"driver could not be loaded: {exc}")
        null.start()
        return null
    try:
        bind = getattr(device, "bind_peers", None)
        if peers is not None and callable(bind):
            bind(peers)
        device.start(timeout)
    except Exception as exc:  # noqa: BLE001
        reason = str(exc) or exc.__class__.__name__
        device.shutdown(timeout=1.0)
        null = NullDevice(config, sink, reason)
        null.start()
        return null
    return device


_builtins_loaded = False


def _ensure_builtins() -> None:
    """Import the built-in driver catalogue once (it registers itself)."""
    global _builtins_loaded
    if not _builtins_loaded:
        _builtins_loaded = True
        import peripherals.drivers  # noqa: F401 - registers the built-in drivers
