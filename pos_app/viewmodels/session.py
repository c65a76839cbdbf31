"""Who is at the till and whether a shift is open: sign-in, lock, switch operator, shift start.

Qt-free; the UI calls these on its runtime worker. The runtime checks passwords (argon2id) and
lockouts; this only shapes requests and answers for the screens.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from pos_app.viewmodels.views import SessionView, SuspendedShift
from runtime.operations import Approval, OpResult
from runtime.security_requests import Lock, SessionState, SignIn, SignOut, Unlock
from runtime.shift_requests import OpenShift, ResumeShift

if TYPE_CHECKING:
    from pos_app.composition import Register
    from pos_app.viewmodels.formatting import Formatter


class SessionViewModel:
    def __init__(self, register: Register, fmt: Formatter) -> None:
        self.rt = register.runtime
        self.fmt = fmt

    def view(self) -> SessionView:
        state = self.rt.session
        shift = self.rt.current_shift
        return SessionView(
            state.operator_id, state.operator_name, state.locked_by,
            shift.label if shift is not None else "", state.must_change_secret,
        )

    def sign_in(self, operator_id: str, secret: str) -> OpResult[SessionState]:
        """Operator id + password/PIN. A wrong one is counted by the runtime (lockout)."""
        return self.rt.sign_in(SignIn(operator_id.strip(), secret))

    def sign_in_badge(self, badge: str) -> OpResult[SessionState]:
        return self.rt.sign_in(SignIn(badge=badge.strip()))

    def lock(self) -> OpResult[SessionState]:
        return self.rt.lock(Lock())

    def unlock(self, operator_id: str, secret: str) -> OpResult[SessionState]:
        return self.rt.unlock(Unlock(operator_id.strip(), secret))

    def unlock_badge(self, badge: str) -> OpResult[SessionState]:
        return self.rt.unlock(Unlock(badge=badge.strip()))

    def sign_out(self) -> OpResult[SessionState]:
        """Switch operator: the open sale stays in the cart for whoever signs in next."""
        return self.rt.sign_out(SignOut())

    # ---- shift start ---------------------------------------------------------------------------

    def needs_shift(self) -> bool:
        return self.rt.current_shift is None

    def suspended_shifts(self) -> list[SuspendedShift]:
        return [
            SuspendedShift(s.shift_id, f"{s.label} · {s.operator_id} · "
                           f"{self.fmt.datetime(s.status_changed_at)}")
            for s in self.rt.suspended_shifts()
        ]

    def open_shift(self, start_cash: Decimal | None,
                   approval: Approval | None = None) -> OpResult[object]:
        amounts = {} if start_cash is None else {"cash": start_cash}
        return self.rt.open_shift(OpenShift(amounts, approval))  # type: ignore[return-value]

    def resume_shift(self, shift_id: str, approval: Approval | None = None) -> OpResult[object]:
        return self.rt.resume_shift(ResumeShift(shift_id, approval))  # type: ignore[return-value]
