"""The register window: a stack of screens (sign-in, shift start, transaction, tender) over one
message banner and the status strip, with the scan filter and the register worker.

The window shows at once; the register (database, pricing, devices) opens on the worker and is
attached when ready, so the sign-in screen appears before the store is loaded.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from pos_app.ui.back_office import BackOffice
from pos_app.ui.common import MessageBanner, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.sale_actions import SaleActions
from pos_app.ui.scan_filter import ScanFilter
from pos_app.ui.shift_start import ShiftStartScreen
from pos_app.ui.sign_in import SignInScreen
from pos_app.ui.status_bar import StatusStrip
from pos_app.ui.tender_view import TenderScreen
from pos_app.ui.transaction_view import TransactionScreen
from pos_app.ui.workers import RegisterWorker
from pos_app.viewmodels.formatting import Formatter
from pos_app.viewmodels.messages import from_exception
from pos_app.viewmodels.views import SaleSnapshot, SessionView

if TYPE_CHECKING:
    from peripherals.events import DeviceEvent
    from pos_app.composition import Register
    from pos_app.viewmodels.sale import SaleViewModel
    from pos_app.viewmodels.session import SessionViewModel
    from pos_app.viewmodels.tender import TenderViewModel


def start_sync(register: Register) -> Any:
    """The register's sync service, started, when it is activated; None otherwise (or when it
    cannot start: the till sells offline and the status strip says sync is not configured)."""
    try:
        from sync.service import NotActivated, SyncService
    except ImportError:
        return None
    try:
        service = SyncService.from_database(register.database)
    except NotActivated:
        return None
    except Exception:  # noqa: BLE001 - a broken keyring must not stop the till
        return None
    service.start()
    return service


class DeviceBridge(QObject):
    """Device events arrive on device threads; this hands them to the UI thread in order.

    The events wait in a queue and only a wake-up crosses threads (PySide 6.12 miscounts
    references of Python objects carried by queued signal arguments)."""

    event = Signal(object)  # emitted on the UI thread
    _wake = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: queue.SimpleQueue[DeviceEvent] = queue.SimpleQueue()
        self._wake.connect(self._drain, Qt.ConnectionType.QueuedConnection)

    def sink(self, event: DeviceEvent) -> None:
        self._queue.put(event)
        self._wake.emit()

    def _drain(self) -> None:
        while True:
            try:
                event = self._queue.get_nowait()
            except queue.Empty:
                return
            self.event.emit(event)


class MainWindow(QMainWindow):
    register_ready = Signal()
    screen_changed = Signal(str)

    def __init__(self, locale: str = "en_US") -> None:
        super().__init__()
        self.setObjectName("registerWindow")
        self.setWindowTitle("Tillpoint")
        self.setMinimumSize(1024, 700)
        self.locale = locale
        self.runner = TaskRunner("register", self)
        self.banner = MessageBanner(self)
        self.devices = DeviceBridge(self)
        self.devices.event.connect(self._device_event)
        self.register: Register | None = None
        self.worker: RegisterWorker | None = None
        self.actions: SaleActions | None = None
        self.session: SessionViewModel | None = None
        self.sale: SaleViewModel | None = None
        self.tender_vm: TenderViewModel | None = None
        self.without_drawer = False
        self.sign_in = SignInScreen()
        self.shift_start = ShiftStartScreen()
        self.transaction = TransactionScreen(self.runner)
        self.tender = TenderScreen(self.runner)
        self.stack = QStackedWidget()
        for widget in (self.sign_in, self.shift_start, self.transaction, self.tender):
            self.stack.addWidget(widget)
        self.status = StatusStrip(self.runner)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status)
        self.setCentralWidget(central)
        self.scan_filter = ScanFilter(active=self._scans_wanted, parent=self)
        self.scan_filter.scanned.connect(self.scanned)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.scan_filter)
        self.sign_in.submitted.connect(self._sign_in)
        self.shift_start.open_requested.connect(self._open_shift)
        self.shift_start.resume_requested.connect(self._resume_shift)
        self.shift_start.without_drawer.connect(self._work_without_drawer)
        self.tender.back_requested.connect(lambda: self.show_screen(self.transaction))
        self.tender.finished.connect(self._next_sale)
        self.tender.concluded.connect(lambda _s: self._sale_written())
        self.sync: Any = None  # the running sync service of an activated register
        self.runner.error.connect(lambda text: self.banner.show_message(text, "error"))
        self.show_screen(self.sign_in)

    # ---- opening ----------------------------------------------------------------------------

    def open_register(self, opener: Callable[[Callable[[DeviceEvent], None]], Register]) -> None:
        """Open the register on the worker (`opener(device_sink)`), then attach it."""

        def failed(exc: BaseException) -> None:
            message = from_exception(exc, tr("open the register"))
            self.banner.show_message(message.text, "error",
                                     tr("Check the database path and that no other register "
                                        "program uses it, then start again."))

        self.runner.submit(lambda: opener(self.devices.sink), self.attach, failed)

    def attach(self, register: Register) -> None:
        # the view models bring the runtime's modules: the register opening loaded them
        from pos_app.viewmodels.sale import SaleViewModel
        from pos_app.viewmodels.session import SessionViewModel
        from pos_app.viewmodels.status import StatusViewModel
        from pos_app.viewmodels.tender import TenderViewModel

        self.register = register
        rt = register.runtime
        fmt = Formatter.for_locale(self.locale, rt.store.currency.code)
        self.sale = SaleViewModel(register, fmt)
        self.session = SessionViewModel(register, fmt)
        self.tender_vm = TenderViewModel(register)
        self.worker = RegisterWorker(self.runner, self.sale, self.session, self.banner, self)
        self.worker.snapshot_ready.connect(self._snapshot)
        self.actions = SaleActions(self.transaction, self.worker, self.sale, self)
        self.actions.pay_requested.connect(self._pay)
        self.actions.lock_requested.connect(self._lock)
        self.actions.switch_requested.connect(self._switch_operator)
        self.back_office = BackOffice(self, self.transaction)
        self.tender.attach(self.worker, self.tender_vm)
        self.transaction.search.attach(self.sale)
        self.status_vm = StatusViewModel(register)
        self.status.attach(self.status_vm)
        self.runner.background(lambda: start_sync(register), self._sync_started)
        where = f"{rt.store.name} · {tr('register')} {rt.register.register_id}"
        self.setWindowTitle(f"Tillpoint — {where}")
        self.sign_in.set_ready(True, where)
        self.worker.refresh()
        self.register_ready.emit()

    # ---- navigation -------------------------------------------------------------------------

    def show_screen(self, widget: QWidget) -> None:
        self.scan_filter.flush()
        self.stack.setCurrentWidget(widget)
        if widget is self.transaction:
            self.transaction.focus_entry()
        elif widget is self.tender:
            self.tender.reset()
        self.screen_changed.emit(widget.objectName())

    def current(self) -> QWidget:
        return self.stack.currentWidget()

    def route(self, view: SessionView) -> None:
        """The screen the session calls for: sign-in, shift start, or the sale."""
        if not view.signed_in or view.locked_by:
            self.sign_in.set_locked(view.locked_by, self.sign_in.subtitle.text()
                                    if not view.locked_by else "")
            self.sign_in.reset()
            self.show_screen(self.sign_in)
            return
        if not view.shift_label and not self.without_drawer:
            assert self.session is not None and self.worker is not None
            self.worker.read(self.session.suspended_shifts, self.shift_start.set_suspended,
                             tr("list the suspended shifts"))
            self.shift_start.focus_amount()
            self.show_screen(self.shift_start)
            return
        if self.current() not in (self.transaction, self.tender):
            self.show_screen(self.transaction)

    def _scans_wanted(self) -> bool:
        return self.register is not None and self.current() in (
            self.sign_in, self.transaction, self.tender)

    # ---- session ----------------------------------------------------------------------------

    def _sign_in(self, operator: str, secret: str) -> None:
        worker, session = self.worker, self.session
        if worker is None or session is None:
            return
        locked = worker.last_session is not None and worker.last_session.locked_by
        call = (lambda _a: session.unlock(operator, secret)) if locked else (
            lambda _a: session.sign_in(operator, secret))
        worker.op(call, doing=tr("sign in"), on_ok=lambda _v: self._after_session(),
                  on_refused=lambda _r: self.sign_in.clear_secret())

    def _badge(self, badge: str) -> None:
        worker, session = self.worker, self.session
        if worker is None or session is None:
            return
        locked = worker.last_session is not None and worker.last_session.locked_by
        call = (lambda _a: session.unlock_badge(badge)) if locked else (
            lambda _a: session.sign_in_badge(badge))
        worker.op(call, doing=tr("sign in"), on_ok=lambda _v: self._after_session())

    def _after_session(self) -> None:
        if self.worker is not None and self.worker.last_session is not None:
            self.banner.clear()
            self.route(self.worker.last_session)
            self.status.refresh()

    def _lock(self) -> None:
        if self.worker is not None and self.session is not None:
            session = self.session
            self.worker.op(lambda _a: session.lock(), doing=tr("lock the register"),
                           on_ok=lambda _v: self._after_session())

    def _switch_operator(self) -> None:
        if self.worker is not None and self.session is not None:
            session = self.session
            self.without_drawer = False
            self.worker.op(lambda _a: session.sign_out(), doing=tr("sign out"),
                           on_ok=lambda _v: self._after_session())

    # ---- shift start ------------------------------------------------------------------------

    def _open_shift(self, text: str) -> None:
        worker, session = self.worker, self.session
        if worker is None or session is None:
            return
        amount: Decimal | None = None
        if text:
            try:
                amount = worker.sale.fmt.parse_amount(text)
            except ValueError as exc:
                self.banner.show_message(str(exc), "warning", tr("Enter the counted cash."))
                return
        worker.op(lambda a: session.open_shift(amount, a), doing=tr("open the shift"),
                  on_ok=lambda _v: self._after_session(), success=tr("Shift opened."))

    def _resume_shift(self, shift_id: str) -> None:
        worker, session = self.worker, self.session
        if worker is not None and session is not None:
            worker.op(lambda a: session.resume_shift(shift_id, a), doing=tr("resume the shift"),
                      on_ok=lambda _v: self._after_session(), success=tr("Shift resumed."))

    def _work_without_drawer(self) -> None:
        self.without_drawer = True
        self.banner.show_message(tr("Working without a drawer: card payments only."), "info")
        self.show_screen(self.transaction)

    # ---- the sale -----------------------------------------------------------------------------

    def _snapshot(self, snapshot: SaleSnapshot) -> None:
        self.transaction.show_snapshot(snapshot)

    def _pay(self) -> None:
        snapshot = self.worker.last_snapshot if self.worker is not None else None
        if snapshot is None or snapshot.empty:
            self.banner.show_message(tr("There is nothing to pay yet."), "info",
                                     tr("Scan an item first."))
            return
        self.show_screen(self.tender)

    def _next_sale(self) -> None:
        self.tender.done = False
        vm = self.tender_vm
        if vm is not None:
            self.runner.background(vm.welcome)
        if self.worker is not None:
            self.worker.refresh()
        self.show_screen(self.transaction)

    def scanned(self, code: str) -> None:
        """A keyboard-wedge scan, routed by screen."""
        screen = self.current()
        if screen is self.sign_in:
            self._badge(code)
        elif screen is self.tender and self.tender.done:
            self.tender.finish()
            if self.actions is not None:
                self.actions.scanned(code)
        elif screen is self.tender:
            self.banner.show_message(tr("Finish the payment first."), "info",
                                     tr("Or go back to the sale (Esc) to add the item."))
        elif self.actions is not None:
            self.actions.scanned(code)

    def _device_event(self, event: Any) -> None:
        from peripherals.events import DataEvent, ErrorEvent, StatusEvent
        from peripherals.scan_parse import ScanResult

        if isinstance(event, DataEvent) and isinstance(event.data, ScanResult):
            scan = event.data
            if self.current() is self.sign_in:
                self._badge(scan.raw)
                return
            if self.current() is self.tender and self.tender.done:
                self.tender.finish()
            if self.worker is not None and self.sale is not None:
                sale = self.sale
                self.worker.op(lambda _a: sale.add_scan(scan), doing=tr("add the item"))
        elif isinstance(event, StatusEvent | ErrorEvent):
            self.status.refresh()

    # ---- sync ---------------------------------------------------------------------------------

    def _sync_started(self, sync: Any) -> None:
        self.sync = sync
        if sync is not None:
            self.status_vm.sync = sync
            self.status.refresh()

    def _sale_written(self) -> None:
        sync = self.sync
        if sync is not None:  # send it now rather than at the next upload interval
            self.runner.background(sync.trigger_upload)
        self.status.refresh()

    # ---- closing ------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scan_filter)
        self.status.stop()
        sync, self.sync = self.sync, None
        if sync is not None:  # it may be mid-upload: never make the window wait for the network
            threading.Thread(target=sync.stop, name="tp-sync-stop", daemon=True).start()
        self.runner.shutdown()
        if self.register is not None:
            self.register.close()
            self.register = None
        super().closeEvent(event)

