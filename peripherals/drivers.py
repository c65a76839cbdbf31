"""The built-in driver catalogue: (category, driver name) → "module:Class", imported lazily.

A driver module is imported only when a hardware profile names it, so a missing optional
library (a USB stack) affects only the devices that need it.
"""

from __future__ import annotations

from peripherals.events import DeviceCategory
from peripherals.registry import register_builtin

_C = DeviceCategory
for _category, _driver, _target in (
    (_C.RECEIPT_PRINTER, "escpos", "peripherals.printer:EscposPrinter"),
    (_C.CASH_DRAWER, "printer_kick", "peripherals.drawer:PrinterKickDrawer"),
    (_C.CASH_DRAWER, "serial", "peripherals.drawer:SerialDrawer"),
    (_C.SCANNER, "serial", "peripherals.scanner:SerialScanner"),
    (_C.SCANNER, "wedge", "peripherals.scanner_wedge:WedgeScanner"),
    (_C.SCALE, "toledo8217", "peripherals.scale_toledo:Toledo8217Scale"),
    (_C.SCALE, "sma", "peripherals.scale_sma:SmaScale"),
    (_C.LINE_DISPLAY, "escpos", "peripherals.line_display:EscposLineDisplay"),
    (_C.PAYMENT_TERMINAL, "nexo", "peripherals.payment_terminal:NexoTerminal"),
):
    register_builtin(_category, _driver, _target)
