"""A full set of virtual devices for the demo and the integration tests: our own ESC/POS printer
with its drawer (TCP), customer display (TCP), Mettler Toledo scale and serial scanner (both on
pseudo-terminals) and nexo payment terminal (HTTP), all on 127.0.0.1 — and the hardware profile
that points a register at them. They speak the real wire protocols, so the register drives them
through exactly the drivers it uses for real hardware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from peripherals.terminal_simulator import TerminalSimulator
from peripherals.virtual_display import VirtualDisplay
from peripherals.virtual_printer import VirtualPrinter
from peripherals.virtual_scale import PtyPair, VirtualScale
from runtime.devices import DeviceCategory, DeviceConfig, HardwareProfile, Transport

# in-store weight labels: 2 + 5 item digits + 5 weight digits (grams) + check digit
DEMO_LAYOUTS: tuple[dict[str, object], ...] = (
    {
        "name": "weight-2x",
        "prefix": "20-29",
        "item_digits": 5,
        "kind": "weight",
        "value_digits": 5,
        "decimals": 3,
    },
)


@dataclass
class VirtualDevices:
    printer: VirtualPrinter
    display: VirtualDisplay
    scale: VirtualScale
    terminal: TerminalSimulator
    scanner: PtyPair
    payment_timeout_s: float = 5.0
    _stopped: bool = field(default=False, repr=False)

    def scan(self, code: str, suffix: str = "\r") -> None:
        """Pull the trigger of the serial scanner: the code arrives on its port."""
        self.scanner.write((code + suffix).encode("ascii"))

    def profile(self, profile_id: str = "VIRTUAL") -> HardwareProfile:
        net = Transport.NETWORK
        return HardwareProfile(
            profile_id,
            (
                DeviceConfig(
                    "printer", DeviceCategory.RECEIPT_PRINTER, "escpos", net,
                    "127.0.0.1", self.printer.port, timeout_s=3.0,
                ),
                DeviceConfig(
                    "drawer", DeviceCategory.CASH_DRAWER, "printer_kick",
                    options={"printer": "printer"},
                ),
                DeviceConfig(
                    "display", DeviceCategory.LINE_DISPLAY, "escpos", net,
                    "127.0.0.1", self.display.port, timeout_s=2.0,
                ),
                DeviceConfig(
                    "scale", DeviceCategory.SCALE, "toledo8217", Transport.SERIAL,
                    self.scale.port, bytesize=7, parity="E", timeout_s=1.0,
                ),
                DeviceConfig(
                    "scanner", DeviceCategory.SCANNER, "serial", Transport.SERIAL,
                    self.scanner.path, scanner_suffix="\r",
                ),
                self.terminal.device_config("terminal", timeout_s=self.payment_timeout_s),
            ),
            name="Virtual devices on 127.0.0.1",
            barcode_layouts=DEMO_LAYOUTS,
        )  # fmt: skip

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        for stop in (self.terminal.stop, self.scale.stop, self.display.stop, self.printer.stop):
            try:
                stop()
            except Exception:  # noqa: BLE001 - stopping everything regardless
                pass
        self.scanner.close()


def start_virtual_devices(
    weight_kg: Decimal = Decimal("1.234"), payment_timeout_s: float = 5.0
) -> VirtualDevices:
    printer = VirtualPrinter().start()
    display = VirtualDisplay()
    display.start()
    scale = VirtualScale("toledo8217", weight=weight_kg)
    scale.start()
    terminal = TerminalSimulator().start()
    return VirtualDevices(printer, display, scale, terminal, PtyPair(), payment_timeout_s)
