"""The register's operation protocol on top of TaskRunner.

`RegisterWorker.op(call)` runs `call(approval)` on the runtime thread together with a fresh sale
snapshot and session view, then on the UI thread: publishes the snapshot, shows a refusal as a
calm message with the next step, and — when the runtime refused for a permission — opens the
manager override dialog and repeats the same call with the approval. The UI thread never calls
the runtime itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from pos_app.ui.common import MessageBanner, TaskRunner
from pos_app.ui.i18n import tr
from pos_app.ui.override_dialog import OverrideDialog
from pos_app.viewmodels.messages import from_exception, from_refusal, needs_approval
from pos_app.viewmodels.views import SaleSnapshot, SessionView
from runtime.operations import Approval, OpResult, RefusalCode

if TYPE_CHECKING:
    from pos_app.viewmodels.sale import SaleViewModel
    from pos_app.viewmodels.session import SessionViewModel

Call = Callable[[Approval | None], Any]  # returns an OpResult (or any value)
_APPROVER_PROBLEMS = (RefusalCode.OVERRIDE_REFUSED, RefusalCode.WRONG_SECRET,
                      RefusalCode.UNKNOWN_OPERATOR)


@dataclass(frozen=True)
class Outcome:
    value: Any
    snapshot: SaleSnapshot
    session: SessionView
    seconds: float  # time spent on the runtime thread


class RegisterWorker(QObject):
    """One per register window. `snapshot_ready` and `session_ready` drive the screens."""

    snapshot_ready = Signal(object)
    session_ready = Signal(object)
    override_opened = Signal(object)  # the OverrideDialog (tests and probes answer it)

    def __init__(self, runner: TaskRunner, sale: SaleViewModel, session: SessionViewModel,
                 banner: MessageBanner, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.runner = runner
        self.sale = sale
        self.session = session
        self.banner = banner
        self.parent_widget = parent_widget
        self.override: OverrideDialog | None = None
        self.last_snapshot: SaleSnapshot | None = None

    def op(self, call: Call, *, doing: str, on_ok: Callable[[Any], None] | None = None,
           on_refused: Callable[[Any], None] | None = None, success: str | None = None,
           approval: Approval | None = None, permission: str = "") -> int:
        """Run `call(approval)`; see the module docstring."""

        def work() -> Outcome:
            started = time.perf_counter()
            value = call(approval)
            return Outcome(value, self.sale.snapshot(), self.session.view(),
                           time.perf_counter() - started)

        def done(outcome: Outcome) -> None:
            self.publish(outcome.snapshot, outcome.session)
            result = outcome.value
            refusal = result.refusal if isinstance(result, OpResult) else None
            if refusal is None:
                if success:
                    self.banner.show_message(success, "success")
                elif self.banner.kind() in ("warning", "error"):
                    self.banner.clear()  # the problem was dealt with
                if on_ok is not None:
                    on_ok(result.value if isinstance(result, OpResult) else result)
                return
            needed = needs_approval(refusal)
            if needed is not None:
                self._ask_override(needed, refusal.message, call, doing, on_ok, on_refused,
                                   success)
                return
            if approval is not None and refusal.code in _APPROVER_PROBLEMS:
                # the approver's id or password was wrong: ask again, saying why
                self._ask_override(permission or "manager", refusal.message, call, doing, on_ok,
                                   on_refused, success, problem=True)
                return
            message = from_refusal(refusal)
            self.banner.show_message(message.text, message.kind, message.hint)
            if on_refused is not None:
                on_refused(refusal)

        def failed(exc: BaseException) -> None:
            message = from_exception(exc, doing)
            self.banner.show_message(message.text, message.kind, message.hint)
            self.refresh()

        return self.runner.submit(work, done, failed)

    def _ask_override(self, permission: str, reason: str, call: Call, doing: str,
                      on_ok: Callable[[Any], None] | None,
                      on_refused: Callable[[Any], None] | None, success: str | None,
                      problem: bool = False) -> None:
        current = self.last_session.operator_id if self.last_session else None
        dialog = OverrideDialog(permission, "" if problem else reason, current,
                                self.parent_widget)
        if problem:
            dialog.banner.show_message(reason, "warning", tr("Check the id and password."))
        self.override = dialog

        def approved(approval: Approval) -> None:
            self.override = None
            self.op(call, doing=doing, on_ok=on_ok, on_refused=on_refused, success=success,
                    approval=approval, permission=permission)

        def cancelled() -> None:
            self.override = None
            self.banner.show_message(tr("Not done: no manager approval."), "info")

        dialog.approved.connect(approved)
        dialog.rejected.connect(cancelled)
        dialog.finished.connect(lambda _r: self._back(dialog))
        dialog.open()
        self.override_opened.emit(dialog)

    last_session: SessionView | None = None

    def _back(self, dialog: OverrideDialog) -> None:
        dialog.deleteLater()
        self.parent_widget.activateWindow()  # keys and scans go to the register again

    def publish(self, snapshot: SaleSnapshot, session: SessionView) -> None:
        self.last_snapshot = snapshot
        self.last_session = session
        self.snapshot_ready.emit(snapshot)
        self.session_ready.emit(session)

    def refresh(self) -> int:
        """Re-read the sale and session (after start-up, recall, a device event...)."""
        return self.op(lambda _a: None, doing=tr("refresh the sale"))

    def read(self, fn: Callable[[], Any], done: Callable[[Any], None], doing: str) -> int:
        """A read on the runtime thread (no snapshot): e.g. the suspended sales list."""

        def failed(exc: BaseException) -> None:
            message = from_exception(exc, doing)
            self.banner.show_message(message.text, message.kind, message.hint)

        return self.runner.submit(fn, done, failed)
