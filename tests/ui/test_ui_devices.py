"""The device page over a register opened with our virtual devices (real wire protocols on
127.0.0.1 and pseudo-terminals): health check of every device and a test print that arrives at
the virtual printer, both off the UI thread; a printer that is gone shows as a problem with a
calm message, and the Z report prints on the printer when there is one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from local_db import open_database
from local_db.hardware import store_profile
from pos_app.composition import Register, ensure_open_shift, open_register
from pos_app.ui.devices_page import DevicesPage
from pos_app.ui.report_dialog import ReportDialog
from pos_app.viewmodels.devices import DevicesViewModel
from pos_app.viewmodels.reports import ReportViewModel
from pos_app.virtual_devices import VirtualDevices, start_virtual_devices
from runtime.operations import Approval
from runtime.security_requests import SignIn
from tests.ui.ui_ops_support import Taps, touch_sized

DEVICES = {"printer", "drawer", "display", "scale", "scanner", "terminal"}


@dataclass
class Till:
    register: Register
    virtual: VirtualDevices


def _till(tmp_path: Path, seeded_store: Path, *, printer_gone: bool = False) -> Till:
    db = tmp_path / "register.db"
    shutil.copy(seeded_store, db)
    virtual = start_virtual_devices(payment_timeout_s=3.0)
    database = open_database(db)
    store_profile(database, virtual.profile(), ["R1"])
    database.close()
    if printer_gone:
        virtual.printer.stop()
    register = open_register(db, "R1", extensions=[], devices=True)
    assert register.runtime.sign_in(SignIn("1001", "1234")).refusal is None
    return Till(register, virtual)


@pytest.fixture
def till(tmp_path: Path, seeded_store: Path) -> Iterator[Till]:
    t = _till(tmp_path, seeded_store)
    yield t
    t.register.close()
    t.virtual.stop()


def test_device_page_health_check_and_test_print(qtbot: QtBot, till: Till) -> None:
    page = DevicesPage(DevicesViewModel(till.register.devices))
    qtbot.addWidget(page)
    page.show()
    assert "VIRTUAL" in page.profile.text()
    assert page.table.rowCount() == len(DEVICES)
    assert touch_sized(page) == []
    taps = Taps(qtbot, "device page: health check + test print")
    taps.tap(page.health_button)
    assert page.runner.wait_idle(20_000)
    rows = {page.table.item(r, 0).text(): page.table.item(r, 4).text() for r in range(6)}
    assert set(rows) == DEVICES and set(rows.values()) == {"ok"}, page.banner.text()
    assert "All 6 devices answered" in page.banner.text()

    taps.tap(page.print_button)
    assert page.runner.wait_idle(20_000)
    (job,) = till.virtual.printer.wait_for_jobs(1, 10.0)
    assert "Tillpoint test print" in "\n".join(job.lines)
    assert "Test print printed on printer" in page.banner.text()
    taps.report()


def test_z_report_prints_on_the_registers_printer(qtbot: QtBot, till: Till) -> None:
    rt = till.register.runtime
    ensure_open_shift(rt)
    vm = ReportViewModel(rt, devices=till.register.devices)
    dialog = ReportDialog(vm, on_permission_refusal=lambda _m: Approval("9001", "9999"))
    qtbot.addWidget(dialog)
    assert dialog.runner.wait_idle()
    assert dialog.view is not None and "X REPORT" in dialog.text.toPlainText()
    dialog.print_report()
    assert dialog.runner.wait_idle(20_000)
    (job,) = till.virtual.printer.wait_for_jobs(1, 10.0)
    assert "X REPORT" in "\n".join(job.lines).upper()
    assert "X report printed" in dialog.banner.text()


def test_a_printer_that_is_gone_is_a_calm_problem(
    qtbot: QtBot, tmp_path: Path, seeded_store: Path
) -> None:
    t = _till(tmp_path, seeded_store, printer_gone=True)
    try:
        page = DevicesPage(DevicesViewModel(t.register.devices))
        qtbot.addWidget(page)
        rows = {r.device_id: r for r in page.vm.rows()}
        assert rows["printer"].health == "problem" and rows["printer"].detail
        page.check_health()
        assert page.runner.wait_idle(20_000)
        assert "need attention" in page.banner.text() and "printer" in page.banner.text()
        page.test_print()
        assert page.runner.wait_idle(20_000)
        assert "did not print" in page.banner.text()
        assert "Check the printer" in page.banner.text()
    finally:
        t.register.close()
        t.virtual.stop()


def test_a_drawer_operation_kicks_the_drawer(qtbot: QtBot, till: Till) -> None:
    from pos_app.ui.drawer_dialog import DrawerDialog
    from pos_app.viewmodels.drawer import DrawerAction, DrawerViewModel

    rt = till.register.runtime
    ensure_open_shift(rt)
    vm = DrawerViewModel(rt, devices=till.register.devices)
    dialog = DrawerDialog(vm, action=DrawerAction.FLOAT_ENTRY)
    qtbot.addWidget(dialog)
    assert dialog.runner.wait_idle()
    taps = Taps(qtbot, "float entry (drawer kicked)")
    taps.type(dialog.amount, "20.00", enter=True)
    assert dialog.runner.wait_idle()
    assert "Float entry of" in dialog.banner.text(), dialog.banner.text()
    assert till.virtual.printer.wait_for_kicks(1, 10.0)
    taps.report()


def test_journal_reprint_and_gift_receipt_print_on_the_printer(qtbot: QtBot, till: Till) -> None:
    from pos_app.ui.journal_dialog import JournalDialog
    from pos_app.viewmodels.journal import JournalViewModel
    from tests.ui.ui_ops_support import sell

    ensure_open_shift(till.register.runtime)
    sale = sell(till.register, ["espresso"]).transaction
    vm = JournalViewModel(till.register.runtime, devices=till.register.devices)
    dialog = JournalDialog(vm)
    qtbot.addWidget(dialog)
    taps = Taps(qtbot, "journal: find the last sale, reprint it and a gift receipt")
    taps.tap(dialog.search_button)  # no criteria: newest first
    assert dialog.runner.wait_idle()
    assert dialog.results.item(0, 0).text() == sale.receipt_number
    taps.tap(dialog.reprint_button)
    assert dialog.runner.wait_idle(20_000)
    (copy,) = till.virtual.printer.wait_for_jobs(1, 10.0)
    assert "COPY" in "\n".join(copy.lines).upper()
    assert "Receipt copy printed" in dialog.banner.text()
    taps.tap(dialog.gift_button)
    assert dialog.runner.wait_idle(20_000)
    gift = till.virtual.printer.wait_for_jobs(2, 10.0)[1]
    assert "GIFT RECEIPT" in "\n".join(gift.lines).upper()
    taps.report()
