"""Session operations of the runtime facade: sign in, sign out, lock, unlock, change password.

Choices (PRODUCT.md "Security", D365 behaviour):
- Sign-in goes through `ports.access` (`runtime.security.AccessController` in production), which
  counts wrong secrets, locks the operator out at the store's limit and audits every attempt.
- Another operator signing in while a sale is open *switches user*: the sale keeps its own
  operator (who rang it up) and stays on the register; permission checks from then on are the
  new operator's. The take-over is audited with the sale's id.
- A locked register keeps its sale; every operation but `sign_in` and `unlock` is refused with
  LOCKED. `unlock` takes the locking operator's secret, or a manager's (the manager is then
  the one signed in, so what follows is recorded under whoever is at the keys). Signing in as
  anyone (a verified secret or badge) also ends the lock: that is "switch user".
- Signing out is refused while a sale with lines or payments is open: finish, suspend or void it
  first, or lock the register.
- An operator whose password a manager set must change it before anything else.
"""

from __future__ import annotations

from typing import cast

from runtime.core import Step, refused
from runtime.operations import ChangeRecord, OpResult, Refusal, RefusalCode
from runtime.ports import AccessControl, SignedIn
from runtime.security_requests import ChangeSecret, Lock, SessionState, SignIn, SignOut, Unlock
from runtime.tender_ops import TenderOperations
from runtime.transaction import Transaction, TransactionState

# what a locked register still accepts
_WHILE_LOCKED = frozenset({"sign_in", "unlock"})
# what an operator who must change their password may still do
_BEFORE_SECRET_CHANGE = frozenset({"sign_in", "sign_out", "lock", "unlock", "change_secret"})
_SESSION = ChangeRecord(session=True)


class SessionOperations(TenderOperations):
    """Mixed into runtime.facade.CommerceRuntime."""

    _locked_by: str | None = None
    _operator_name: str = ""
    _must_change_secret: bool = False

    # ---- reading --------------------------------------------------------------------------------

    @property
    def session(self) -> SessionState:
        name = self._operator_name if self.operator_id is not None else ""
        return SessionState(self.operator_id, name, self._locked_by, self._must_change_secret)

    @property
    def locked_by(self) -> str | None:
        return self._locked_by

    # ---- the hook every operation passes --------------------------------------------------------

    def _session_refusal(self, operation: str) -> Refusal | None:
        if self._locked_by is not None and operation not in _WHILE_LOCKED:
            return refused(
                RefusalCode.LOCKED,
                f"The register is locked by operator {self._locked_by}; they or a manager "
                "must unlock it.",
            )
        if self._must_change_secret and operation not in _BEFORE_SECRET_CHANGE:
            return refused(
                RefusalCode.WEAK_SECRET,
                "Change your password first: it was set for you by a manager.",
            )
        return super()._session_refusal(operation)

    # ---- operations -----------------------------------------------------------------------------

    def sign_in(self, request: SignIn) -> OpResult[SessionState]:
        def step() -> Step[SessionState] | Refusal:
            access = self._access("sign in")
            if isinstance(access, Refusal):
                return access
            who = access.verify_sign_in(request.operator_id, request.secret, request.badge)
            if isinstance(who, Refusal):
                return who
            previous = self.operator_id
            tx = self._tx
            if (
                tx is not None
                and tx.state is TransactionState.OPEN
                and previous is not None
                and previous != who.operator_id
            ):
                access.audit(
                    who.operator_id,
                    "take over the open sale",
                    transaction_id=tx.transaction_id,
                    details={"previous_operator": previous, "sale_operator": tx.operator_id},
                )
            if self._locked_by is not None and self._locked_by != who.operator_id:
                access.audit(
                    who.operator_id,
                    "end a lock by signing in",
                    details={"locked_by": self._locked_by},
                )
            return self._session_step(who)

        return self._run("sign_in", request, step)

    def sign_out(self, request: SignOut) -> OpResult[SessionState]:
        def step() -> Step[SessionState] | Refusal:
            if self.operator_id is None:
                return refused(RefusalCode.NOT_SIGNED_IN, "Nobody is signed in.")
            tx = self._tx
            if (
                tx is not None
                and tx.state is TransactionState.OPEN
                and (tx.active_lines or any(t.counts for t in tx.tenders))
            ):
                return refused(
                    RefusalCode.TRANSACTION_OPEN,
                    "Finish, suspend or void the sale before signing out, or lock the register.",
                )
            if self.ports.access is not None:
                self.ports.access.audit(self.operator_id, "sign out")
            self.operator_id = None
            self._operator_name = ""
            self._must_change_secret = False
            return self._unchanged_tx(), _SESSION, self.session

        return self._run("sign_out", request, step)

    def lock(self, request: Lock) -> OpResult[SessionState]:
        def step() -> Step[SessionState] | Refusal:
            if self.operator_id is None:
                return refused(RefusalCode.NOT_SIGNED_IN, "Sign in first.")
            access = self._access("lock the register")  # unlocking needs it
            if isinstance(access, Refusal):
                return access
            tid = self._tx.transaction_id if self._tx is not None else None
            access.audit(self.operator_id, "lock the register", transaction_id=tid)
            self._locked_by = self.operator_id
            return self._unchanged_tx(), _SESSION, self.session

        return self._run("lock", request, step)

    def unlock(self, request: Unlock) -> OpResult[SessionState]:
        def step() -> Step[SessionState] | Refusal:
            locked_by = self._locked_by
            if locked_by is None:
                return refused(RefusalCode.WRONG_STATE, "The register is not locked.")
            access = self._access("unlock the register")
            if isinstance(access, Refusal):
                return access
            who = access.verify_unlock(
                locked_by, request.operator_id, request.secret, request.badge
            )
            if isinstance(who, Refusal):
                return who
            return self._session_step(who)

        return self._run("unlock", request, step)

    def change_secret(self, request: ChangeSecret) -> OpResult[SessionState]:
        def step() -> Step[SessionState] | Refusal:
            if self.operator_id is None:
                return refused(RefusalCode.NOT_SIGNED_IN, "Sign in first.")
            access = self._access("change a password")
            if isinstance(access, Refusal):
                return access
            refusal = access.change_secret(self.operator_id, request.old_secret, request.new_secret)
            if refusal:
                return refusal
            self._must_change_secret = False
            return self._unchanged_tx(), _SESSION, self.session

        return self._run("change_secret", request, step)

    # ---- helpers --------------------------------------------------------------------------------

    def _access(self, what: str) -> AccessControl | Refusal:
        if self.ports.access is None:
            return refused(
                RefusalCode.PERMISSION_REQUIRED,
                f"This register has no staff directory, so it cannot {what}.",
            )
        return self.ports.access

    def _session_step(self, who: SignedIn) -> Step[SessionState]:
        self.operator_id = who.operator_id
        self._operator_name = who.name
        self._must_change_secret = who.must_change_secret
        self._locked_by = None
        return self._unchanged_tx(), _SESSION, self.session

    def _unchanged_tx(self) -> Transaction:
        """Session operations leave the transaction alone; the pipeline reads only the change
        record and the value of a step, so the (possibly absent) transaction passes through."""
        return cast(Transaction, self._tx)
