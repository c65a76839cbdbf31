"""The register window on virtual devices (our ESC/POS printer + drawer, line display, scale,
scanner and nexo terminal simulator over their real protocols): a 10-item sale scanned through
simulated keystrokes and paid cash, and a card payment whose terminal hangs, then approves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from local_db import DEMO_ITEMS, open_database
from local_db.hardware import store_profile
from peripherals.terminal_simulator_book import Action, Behaviour
from pos_app.ui.main_window import MainWindow
from pos_app.virtual_devices import VirtualDevices, start_virtual_devices
from runtime.devices import DeviceCategory
from tests.ui.ui_support import Input, copy_store, idle, open_window, sign_in, wait_until

TEN = ("espresso", "cola", "milk", "espresso", "cola", "milk", "espresso", "cola", "milk",
       "cola")


@pytest.fixture
def till(qtbot: QtBot, tmp_path: Path, seeded_store: Path) -> Iterator[tuple[MainWindow,
                                                                           VirtualDevices]]:
    db = copy_store(seeded_store, tmp_path)
    virtual = start_virtual_devices(payment_timeout_s=5.0)
    profile = virtual.profile()
    # the terminal gives up waiting quickly and asks for the status (unknown-outcome recovery)
    terminal = virtual.terminal.device_config("terminal", 5.0, payment_timeout_s="0.3",
                                              status_interval_s="0.02")
    profile = replace(profile, devices=tuple(
        terminal if d.category is DeviceCategory.PAYMENT_TERMINAL else d
        for d in profile.devices))
    database = open_database(db)
    store_profile(database, profile, ["R1"])
    database.close()
    window = open_window(qtbot, db, devices=True)
    try:
        user = Input(qtbot, window)
        sign_in(window, user)
        wait_until(qtbot, lambda: window.current() is window.shift_start, window=window)
        window.shift_start.amount.setFocus()
        user.type("100")
        wait_until(qtbot, lambda: window.current() is window.transaction, window=window)
        yield window, virtual
    finally:
        window.close()
        virtual.stop()


def test_ten_scanned_items_paid_cash_print_and_kick_the_drawer(
    qtbot: QtBot, till: tuple[MainWindow, VirtualDevices]
) -> None:
    window, virtual = till
    user = Input(qtbot, window)
    for key in TEN:
        user.scan(DEMO_ITEMS[key])
    idle(window)
    snapshot = window.worker.last_snapshot if window.worker else None
    assert snapshot is not None and len(snapshot.lines) == 10
    assert window.transaction.entry.text() == ""
    assert "CHANGE" not in "".join(virtual.display.lines).upper()
    user.key(_key("F12"))  # Pay
    assert window.current() is window.tender
    quick = window.tender.quick_buttons
    assert quick and window.tender.balance.text() == snapshot.totals.balance_due
    user.tap(quick[-1])  # the largest note offered
    idle(window)
    wait_until(qtbot, lambda: window.tender.done, window=window)
    assert window.tender.change.text().startswith("Change due")
    jobs = virtual.printer.wait_for_jobs(1, 15)
    assert any("Espresso" in line for line in jobs[0].lines)
    assert virtual.printer.wait_for_kicks(1, 10)
    wait_until(qtbot, lambda: "Receipt printed" in window.tender.receipt_state.text(),
               window=window)
    wait_until(qtbot, lambda: "CHANGE" in "".join(virtual.display.lines).upper())
    user.key(_key("Return"))  # New sale
    wait_until(qtbot, lambda: window.current() is window.transaction, window=window)
    assert window.transaction.model.rowCount() == 0
    user.report("10-item sale paid cash")


def test_card_terminal_hangs_then_approves(
    qtbot: QtBot, till: tuple[MainWindow, VirtualDevices]
) -> None:
    window, virtual = till
    user = Input(qtbot, window)
    user.scan(DEMO_ITEMS["espresso"])
    idle(window)
    virtual.terminal.script_next(Behaviour(Action.HANG_APPROVED, hang_s=30))
    user.key(_key("F12"))  # Pay
    user.key(_key("F11"))  # Card
    assert window.tender.card_busy and window.tender.progress.isVisible()
    assert not window.tender.cash_button.isEnabled()  # one payment at a time
    qtbot.wait(50)  # the UI keeps painting while the terminal hangs
    wait_until(qtbot, lambda: window.tender.done, window=window)
    assert virtual.terminal.charge_count == 1
    assert not window.tender.progress.isVisible()
    snapshot = window.worker.last_snapshot if window.worker else None
    assert snapshot is not None
    jobs = virtual.printer.wait_for_jobs(1, 15)
    assert any("CARDHOLDER" in line.upper() for line in jobs[0].lines)
    user.report("card sale, terminal hung then approved")


def _key(name: str):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    return getattr(Qt.Key, f"Key_{name}")




def test_a_dead_printer_never_blocks_the_sale(
    qtbot: QtBot, till: tuple[MainWindow, VirtualDevices]
) -> None:
    window, virtual = till
    user = Input(qtbot, window)
    virtual.printer.stop()  # the printer is gone (cable pulled)
    user.scan(DEMO_ITEMS["cola"])
    idle(window)
    user.key(_key("F12"))
    user.key(_key("F12"))  # exact cash
    wait_until(qtbot, lambda: window.tender.done, window=window)  # the sale is done at once
    wait_until(qtbot, lambda: "queued for reprint" in window.tender.receipt_state.text(),
               timeout=30_000, window=window)
    user.key(_key("Return"))
    wait_until(qtbot, lambda: window.current() is window.transaction, window=window)
    user.scan(DEMO_ITEMS["milk"])  # and the next sale goes on
    idle(window)
    assert window.transaction.model.rowCount() == 1
    user.report("cash sale with the printer gone")


def test_unknown_card_outcome_is_resolved_by_asking_the_terminal_then_cash(
    qtbot: QtBot, till: tuple[MainWindow, VirtualDevices]
) -> None:
    window, virtual = till
    user = Input(qtbot, window)
    user.scan(DEMO_ITEMS["espresso"])
    idle(window)
    virtual.terminal.script_next(Behaviour(Action.HANG_IN_PROGRESS, hang_s=60))
    user.key(_key("F12"))
    user.key(_key("F11"))  # card: the terminal keeps saying "in progress"
    wait_until(qtbot, lambda: not window.tender.card_busy, timeout=60_000, window=window)
    assert "not known" in window.banner.text()
    assert window.tender.resolve_button.isEnabled() and not window.tender.done
    virtual.terminal.end_hangs()  # the terminal gives up: aborted there, nothing charged
    assert window.register is not None and window.register.runtime.transaction is not None
    request = window.register.runtime.transaction.tenders[0].request_id or ""

    def ended() -> bool:
        tx = virtual.terminal.transaction(request)
        return tx is not None and tx.state != "in_progress"

    wait_until(qtbot, ended)
    user.key(_key("F6"))  # Check payment
    idle(window)
    snapshot = window.worker.last_snapshot if window.worker else None
    assert snapshot is not None and snapshot.tenders[0].status == "declined"
    user.key(_key("F12"))  # exact cash finishes the sale
    wait_until(qtbot, lambda: window.tender.done, window=window)
    assert virtual.terminal.charge_count == 0
    user.report("card outcome unknown, checked at the terminal, paid cash")
