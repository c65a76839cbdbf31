"""The shift view model: open, suspend, resume, blind close (closing with a Z report is
`reports.ReportViewModel`), and the small pieces every back-office view model here shares:
an `Outcome` the screens show, locale-aware money through babel, and keyed-amount parsing.

Qt-free on purpose: the staffed register and a self-checkout shell drive the same classes.
Every method calls the runtime synchronously, so the UI runs it on its single runtime worker
(the runtime is not thread-safe), never on the UI thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from babel.dates import format_datetime
from babel.numbers import NumberFormatError, format_currency, parse_decimal

from runtime.devices import DeviceCategory
from runtime.facade import CommerceRuntime
from runtime.operations import Approval, OpResult, RefusalCode
from runtime.shift_requests import (
    BlindClose,
    OpenShift,
    ResumeShift,
    ShiftResult,
    SuspendShift,
)
from runtime.shifts import Shift, ShiftStatus

if TYPE_CHECKING:
    from pos_app.viewmodels.drawer import DeclarationViewModel, DrawerViewModel
    from pos_app.viewmodels.reports import ReportViewModel

T = TypeVar("T")
DEFAULT_LOCALE = "en_US"

# refusals a different operator can lift by approving (the override dialog asks who)
_OVERRIDABLE = (RefusalCode.PERMISSION_REQUIRED, RefusalCode.OVERRIDE_REFUSED)
# the next step for the back-office refusals (the runtime's sentence says what is wrong)
_NEXT_STEP: dict[RefusalCode, str] = {
    RefusalCode.NO_SHIFT: "Open or resume a shift first (Shift and drawer).",
    RefusalCode.SHIFT_OPEN: "Close or suspend the open shift first.",
    RefusalCode.TRANSACTION_OPEN: "Finish, suspend or void the sale on the screen first.",
    RefusalCode.DECLARATION_REQUIRED: "Count the drawer with Declare tenders, then close again.",
    RefusalCode.INVALID_AMOUNT: "Key the amount with digits, like 12.50.",
    RefusalCode.INVALID_COUNT: "Key whole numbers of notes and coins.",
    RefusalCode.UNKNOWN_REASON: "Choose a reason from the list.",
    RefusalCode.REASON_REQUIRED: "Choose a reason from the list.",
    RefusalCode.UNKNOWN_RECEIPT: "Check the number printed under the barcode, or search the "
    "journal by day and amount.",
    RefusalCode.RETURN_EXCEEDS_SOLD: "Return at most what the 'Can return' column shows.",
    RefusalCode.NOT_RETURNABLE: "This item cannot be taken back; a manager decides exceptions.",
    RefusalCode.OVERRIDE_REFUSED: "Ask a manager who holds that permission.",
    RefusalCode.STORAGE: "Try again; if it keeps failing, call support. Nothing was lost.",
}


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a screen shows after an operation: the value, or a calm message saying what to do.

    `needs_approval`: the runtime refused for a permission a manager can grant; retry the same
    call with an `Approval`. `choices`: what the cashier may pick from (reason codes, registers).
    """

    value: T | None = None
    message: str = ""
    code: str | None = None
    needs_approval: bool = False
    choices: tuple[str, ...] = ()
    hint: str = ""  # what to do next, when the message alone does not say

    @property
    def ok(self) -> bool:
        return self.code is None

    def failed(self) -> Outcome[Any]:
        """This refusal as an Outcome of another value type (nothing was done)."""
        return Outcome(None, self.message, self.code, self.needs_approval, self.choices, self.hint)

    @classmethod
    def done(cls, value: T, message: str = "") -> Outcome[T]:
        return cls(value, message)

    @classmethod
    def problem(
        cls, message: str, code: str = "input", choices: tuple[str, ...] = ()
    ) -> Outcome[T]:
        return cls(None, message, code, choices=choices)


def outcome_of(result: OpResult[T], done: str = "") -> Outcome[T]:
    """The runtime's result as an Outcome: its refusal sentence is already for the cashier."""
    refusal = result.refusal
    if refusal is None:
        return Outcome(result.value, done)
    return Outcome(
        None,
        refusal.message,
        refusal.code.value,
        needs_approval=refusal.code in _OVERRIDABLE,
        choices=tuple(refusal.details),
        hint=_NEXT_STEP.get(refusal.code, ""),
    )


def failure(exc: BaseException, action: str) -> Outcome[Any]:
    """An unexpected error (storage, device) as a calm message naming what to do next."""
    detail = str(exc) or exc.__class__.__name__
    return Outcome.problem(
        f"Could not {action}: {detail}. Nothing was changed; try again, and call a manager if "
        "it keeps happening.",
        "error",
    )


# ---- money and keyed amounts --------------------------------------------------------------------


@dataclass(frozen=True)
class MoneyFormat:
    """Money and dates for one locale (babel): what the screens and tables show."""

    currency: str
    locale: str = DEFAULT_LOCALE
    timezone: str = "UTC"

    def money(self, amount: Decimal | None, currency: str | None = None) -> str:
        if amount is None:
            return "-"
        return format_currency(amount, currency or self.currency, locale=self.locale)

    def when(self, moment: dt.datetime | None) -> str:
        if moment is None:
            return "-"
        return format_datetime(moment, "short", tzinfo=_zone(self.timezone), locale=self.locale)


def _zone(name: str) -> dt.tzinfo:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def money_format(runtime: CommerceRuntime, locale: str = DEFAULT_LOCALE) -> MoneyFormat:
    """The store's money and time zone in `locale` (an unknown locale falls back to en_US, as
    the sale screen's Formatter does, rather than failing the till)."""
    from pos_app.viewmodels.formatting import Formatter

    checked = Formatter.for_locale(locale, runtime.store.currency.code)
    return MoneyFormat(checked.currency, checked.locale, runtime.store.timezone)


def parse_keyed(
    text: str, locale: str, what: str, *, blank: Decimal | None = None
) -> Decimal | str:
    """An amount as keyed ("12.50", or "12,50" in German): a Decimal, or a sentence saying how
    to key it. A blank field gives `blank` when that is allowed."""
    cleaned = text.strip()
    if not cleaned:
        if blank is not None:
            return blank
        return f"Key in {what}."
    try:  # the numeric pad types a plain "12.50" whatever the locale
        value = Decimal(cleaned)
    except InvalidOperation:
        try:  # strict: "12,50" on an English register is refused, never read as 1250
            value = parse_decimal(cleaned, locale=locale, strict=True)
        except NumberFormatError:
            return f"{cleaned!r} is not an amount; key in {what} with digits, like 12.50."
    if not value.is_finite():
        return f"{cleaned!r} is not an amount; key in {what} with digits, like 12.50."
    return value


# ---- the shift itself -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiftView:
    """The register's shift as the status area shows it."""

    open: bool
    label: str
    status: str
    operator_id: str
    opened_at: str
    model: str


_STATUS_WORDS = {
    ShiftStatus.OPEN: "open",
    ShiftStatus.SUSPENDED: "suspended",
    ShiftStatus.BLIND_CLOSED: "blind closed",
    ShiftStatus.CLOSED: "closed",
}


class ShiftViewModel:
    """Opening, suspending, resuming and blind-closing the register's shift."""

    def __init__(
        self, runtime: CommerceRuntime, *, devices: Any = None, locale: str = DEFAULT_LOCALE
    ) -> None:
        self.runtime = runtime
        self.devices = devices  # pos_app.register_devices.RegisterDevices, or None
        self.fmt = money_format(runtime, locale)
        self.locale = self.fmt.locale  # unknown locales fall back

    # ---- reading ----------------------------------------------------------------------------
    def view(self) -> ShiftView:
        return self.describe(self.runtime.current_shift)

    def describe(self, shift: Shift | None) -> ShiftView:
        if shift is None:
            return ShiftView(False, "", "no shift open", "", "", "")
        return ShiftView(
            shift.status is ShiftStatus.OPEN,
            shift.label,
            _STATUS_WORDS[shift.status],
            shift.operator_id,
            self.fmt.when(shift.opened_at),
            shift.model.value,
        )

    def suspended_shifts(self) -> Sequence[Shift]:
        return self.runtime.suspended_shifts()

    def blind_closed_shifts(self) -> Sequence[Shift]:
        return self.runtime.blind_closed_shifts()

    # ---- the view models of the shift's other screens ---------------------------------------
    def drawer(self) -> DrawerViewModel:
        from pos_app.viewmodels.drawer import DrawerViewModel

        return DrawerViewModel(self.runtime, devices=self.devices, locale=self.locale)

    def declaration(self, shift_id: str | None = None) -> DeclarationViewModel:
        """Built on the runtime worker: it reads the denominations from the database."""
        from pos_app.viewmodels.drawer import DeclarationViewModel

        return DeclarationViewModel(self.runtime, shift_id=shift_id, locale=self.locale)

    def reports(self) -> ReportViewModel:
        from pos_app.viewmodels.reports import ReportViewModel

        return ReportViewModel(self.runtime, devices=self.devices, locale=self.locale)

    # ---- operations ---------------------------------------------------------------------------
    def open_shift(
        self, start_amount: str = "", approval: Approval | None = None
    ) -> Outcome[ShiftResult]:
        """Open with a cash start amount (blank: no start amount declared)."""
        amounts: dict[str, object] = {}
        if start_amount.strip():
            value = parse_keyed(start_amount, self.locale, "the start amount")
            if isinstance(value, str):
                return Outcome.problem(value)
            amounts["cash"] = value
        result = self.runtime.open_shift(OpenShift(amounts, approval))
        return self._after(result, "Shift {label} is open.")

    def resume(self, shift_id: str, approval: Approval | None = None) -> Outcome[ShiftResult]:
        result = self.runtime.resume_shift(ResumeShift(shift_id, approval))
        return self._after(result, "Shift {label} is resumed on this register.")

    def suspend(self, approval: Approval | None = None) -> Outcome[ShiftResult]:
        result = self.runtime.suspend_shift(SuspendShift(approval))
        return self._after(
            result, "Shift {label} is suspended; take the drawer and resume it on another register."
        )

    def blind_close(self, approval: Approval | None = None) -> Outcome[ShiftResult]:
        result = self.runtime.blind_close(BlindClose(approval))
        return self._after(
            result, "Shift {label} is closed for sales; count the drawer and declare it later."
        )

    def _after(self, result: OpResult[ShiftResult], done: str) -> Outcome[ShiftResult]:
        out = outcome_of(result)
        if out.value is None:
            return out
        if out.value.open_drawer:
            kick_drawer(self.devices)
        return Outcome.done(out.value, done.format(label=out.value.shift.label))


def kick_drawer(devices: Any) -> str:
    """Open the cash drawer when the register has one; never waits on it. Returns what the
    cashier should know ("" when it was kicked or there is no drawer to kick)."""
    if devices is None:
        return ""
    drawer = devices.manager.first(DeviceCategory.CASH_DRAWER)
    if drawer is None:
        return ""
    try:
        drawer.open_drawer()
    except Exception as exc:  # noqa: BLE001 - the money operation is recorded regardless
        return f"The drawer did not open ({exc}); open it with the key."
    return ""
