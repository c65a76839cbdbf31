"""Hardware profiles as master data: which devices a register drives, with which driver, on
which transport and address. Pure value types, so local_db can load them and peripherals can
open them without either importing the other.

A `DeviceConfig` is one device of a profile. Driver-specific settings that have no column of
their own (a scale's protocol, a terminal's POI id) go in `options`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class DeviceCategory(StrEnum):
    RECEIPT_PRINTER = "receipt_printer"
    CASH_DRAWER = "cash_drawer"
    SCANNER = "scanner"
    SCALE = "scale"
    LINE_DISPLAY = "line_display"
    PAYMENT_TERMINAL = "payment_terminal"


class Transport(StrEnum):
    NETWORK = "network"  # TCP, e.g. port 9100 for printers, HTTP for payment terminals
    SERIAL = "serial"  # pyserial URL or device path (also pseudo-terminals)
    USB = "usb"  # vendor:product ids in `address`
    FILE = "file"  # a device node or a plain file (/dev/usb/lp0)
    KEYBOARD = "keyboard"  # keyboard-wedge scanner fed by the UI
    NONE = "none"  # e.g. a drawer kicked through the printer


_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class DeviceConfig:
    """One device of a register's hardware profile.

    driver: the registered driver name within the category ("escpos", "toledo8217", "nexo"...).
    address: host name, serial port / pyserial URL, file path, or "vendor:product" for USB.
    port: TCP port for network devices.
    drawer_pin: 2 or 5, the printer's drawer-kick connector pin.
    scanner_suffix: the character(s) a scanner ends a code with ("\\r", "\\n", "\\t").
    """

    device_id: str
    category: DeviceCategory
    driver: str
    transport: Transport = Transport.NONE
    address: str = ""
    port: int | None = None
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: int = 1
    code_page: str = "CP858"
    paper_width_mm: int = 80
    drawer_pin: int = 2
    scanner_suffix: str = "\r"
    timeout_s: float = 5.0
    options: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def __post_init__(self) -> None:
        if not self.device_id:
            raise ValueError("a device needs an id")
        if self.parity not in ("N", "E", "O", "M", "S"):
            raise ValueError(
                f"{self.device_id}: parity must be N, E, O, M or S, not {self.parity!r}"
            )
        if self.drawer_pin not in (2, 5):
            raise ValueError(f"{self.device_id}: drawer pin must be 2 or 5, not {self.drawer_pin}")
        if self.port is not None and not 0 < self.port < 65536:
            raise ValueError(f"{self.device_id}: port {self.port} is out of range")
        if self.timeout_s <= 0:
            raise ValueError(f"{self.device_id}: timeout must be positive")
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def option(self, name: str, default: str = "") -> str:
        return self.options.get(name, default)


@dataclass(frozen=True, slots=True)
class HardwareProfile:
    """The devices of one register, in the order they are opened, and the store's in-store
    barcode layouts (price / weight codes) as plain JSON-able dicts the scanner layer parses."""

    profile_id: str
    devices: tuple[DeviceConfig, ...] = ()
    name: str = ""
    barcode_layouts: tuple[Mapping[str, object], ...] = ()

    def __post_init__(self) -> None:
        ids = [d.device_id for d in self.devices]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"hardware profile {self.profile_id}: duplicate device ids {dupes}")
