"""What the shift, drawer, report, return, journal and device dialogs share: running a view
model call on the runtime worker, asking a manager when the runtime refuses for permission,
and showing the outcome calmly in a banner.

The runtime answers "permission required" with a sentence; `OpsDialog.run` then asks for an
approval (the `on_permission_refusal` hook: the register's override dialog) and repeats the
same call with it. Nothing here waits on the runtime, the database or a device on the UI thread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pos_app.ui.common import TOUCH_MIN_PX, MessageBanner, TaskRunner, touch_button
from pos_app.viewmodels.shift import Outcome
from runtime.operations import Approval

# (the refusal's sentence) -> an approval, or None when the cashier cancelled
ApprovalHook = Callable[[str], Approval | None]
Call = Callable[[Approval | None], Outcome[Any]]


def permission_named(message: str) -> str:
    """The permission a refusal names ("needs the 'void' permission"), else "manager"."""
    found = re.search(r"'([a-z_]+)' permission", message)
    return found.group(1) if found else "manager"


def default_approval(
    parent: QWidget | None, operator: Callable[[], str | None] = lambda: None
) -> ApprovalHook:
    """The register's manager-override dialog (pos_app.ui.override_dialog): it names the
    permission and refuses the signed-in operator approving their own request."""

    def ask(message: str) -> Approval | None:
        from pos_app.ui.override_dialog import ask_approval

        return ask_approval(message, parent, permission_named(message), operator())

    return ask


def ops_button(text: str, **kwargs: Any) -> QPushButton:
    """A touch button (>= 44 px) that grows sideways but keeps its height in a dialog."""
    button = touch_button(text, **kwargs)
    button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    button.setMinimumHeight(max(TOUCH_MIN_PX, button.sizeHint().height() + 12))
    return button


def monospace_view(parent: QWidget | None = None) -> QPlainTextEdit:
    """A read-only view for receipts and reports, one printer column per character."""
    view = QPlainTextEdit(parent)
    view.setReadOnly(True)
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    view.setFont(font)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setObjectName("documentView")
    return view


def touch_field(placeholder: str = "", name: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setPlaceholderText(placeholder)
    field.setMinimumHeight(TOUCH_MIN_PX)
    field.setClearButtonEnabled(True)
    if name:
        field.setObjectName(name)
        field.setAccessibleName(placeholder or name)
    return field


class OpsDialog(QDialog):
    """Base of the back-office dialogs: a banner on top, a runner, and `run()`."""

    def __init__(
        self,
        title: str,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        on_permission_refusal: ApprovalHook | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(title.lower().replace(" ", "_").replace("-", "_"))
        # a private runner only when the dialog runs alone (tests): the register passes its own,
        # so every runtime call stays on its one ordered worker
        self._own_runner = runner is None
        self.runner = runner or TaskRunner("dialog", self)
        self.on_permission_refusal: ApprovalHook = on_permission_refusal or default_approval(
            self, self._operator
        )
        self.banner = MessageBanner(self, auto_hide_ms=0)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.banner)
        self.last_outcome: Outcome[Any] | None = None
        self.setMinimumWidth(560)

    def _operator(self) -> str | None:
        runtime = getattr(getattr(self, "vm", None), "runtime", None)
        return None if runtime is None else runtime.operator_id

    def say(self, outcome: Outcome[Any]) -> None:
        if not outcome.message:
            return
        hint = outcome.hint
        if outcome.choices:
            hint = "Choose one of: " + "; ".join(outcome.choices)
        elif outcome.needs_approval:
            hint = "A manager can approve it in the override dialog."
        empty = outcome.ok and outcome.value in ([], ())  # "nothing found" is news, not success
        kind = "info" if empty else "success" if outcome.ok else "warning"
        self.banner.show_message(outcome.message, kind, hint)

    def run(
        self,
        call: Call,
        done: Callable[[Any], None] | None = None,
        *,
        doing: str = "do that",
        background: bool = False,
        approval: Approval | None = None,
    ) -> None:
        """Run `call(approval)` off the UI thread; show its outcome; on a permission refusal
        ask for an approval and run it once more with it."""

        def answered(outcome: Outcome[Any]) -> None:
            self.last_outcome = outcome
            if outcome.needs_approval and approval is None:
                self.say(outcome)
                granted = self.on_permission_refusal(outcome.message)
                if granted is not None:
                    self.run(call, done, doing=doing, background=background, approval=granted)
                return
            self.say(outcome)
            if outcome.ok and done is not None:
                done(outcome.value)

        def failed(exc: BaseException) -> None:
            self.last_outcome = Outcome.problem(f"Could not {doing}: {exc}", "error")
            self.banner.show_message(
                f"Could not {doing}: {exc}",
                "error",
                "Nothing was changed. Try again; if it keeps failing, call a manager.",
            )

        submit = self.runner.background if background else self.runner.submit
        submit(lambda: call(approval), answered, failed)

    def done(self, result: int) -> None:  # noqa: D401 - Qt's name
        if self._own_runner:
            self.runner.wait_idle(2_000)
        super().done(result)


def align_right() -> Qt.AlignmentFlag:
    return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
