"""Typed requests and results of the shift and drawer operations.

Every request carries an optional manager `approval` (runtime.operations.Approval); every
result says whether the drawer must open (`open_drawer`), so the UI kicks it.
Amounts and counts are taken as keyed (Decimal, int or text) and checked by the runtime.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from runtime.operations import Approval
from runtime.receipt import ReceiptDocument
from runtime.shift_calc import TenderCount
from runtime.shift_report import ShiftReport
from runtime.shifts import DrawerOperation, Shift

Amount = object  # a Decimal, an int or the keyed text; floats are refused as inexact


@dataclass(frozen=True)
class OpenShift:
    """Open a shift on this register; `start_amounts` per tender declares the start amount."""

    start_amounts: Mapping[str, Amount] = field(default_factory=dict)
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class ResumeShift:
    shift_id: str
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class SuspendShift:
    approval: Approval | None = None


@dataclass(frozen=True)
class DeclareStartAmount:
    amounts: Mapping[str, Amount]
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class FloatEntry:
    amount: Amount
    tender_type_id: str = "cash"
    comment: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class TenderRemoval:
    amount: Amount
    tender_type_id: str = "cash"
    comment: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class SafeDrop:
    amount: Amount
    tender_type_id: str = "cash"
    comment: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class BankDrop:
    amount: Amount
    bag_number: str
    tender_type_id: str = "cash"
    comment: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class PayIn:
    """Income account: money put in the drawer for a reason code of kind pay_in."""

    reason_code: str
    amount: Amount
    tender_type_id: str = "cash"
    comment: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class PayOut:
    """Expense account: money taken from the drawer for a reason code of kind pay_out."""

    reason_code: str
    amount: Amount
    tender_type_id: str = "cash"
    comment: str = ""
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class NoSale:
    """Open the drawer without a sale; the reason (a no_sale reason code) is optional."""

    reason_code: str | None = None
    comment: str = ""
    approval: Approval | None = None


@dataclass(frozen=True)
class DeclareTenders:
    """Tender declaration. Per tender: {denomination value: count}, or one amount for a tender
    whose currency has no denominations (card, check). `shift_id` names a blind-closed shift
    to declare; None declares the open shift."""

    counts: Mapping[str, TenderCount]
    shift_id: str | None = None
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class BlindClose:
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class CloseShift:
    """Close with a Z report; `shift_id` names a blind-closed shift, None the open one."""

    shift_id: str | None = None
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class PrintXReport:
    approval: Approval | None = None


@dataclass(frozen=True, slots=True)
class ReprintZReport:
    """Reprint a closed shift's Z report; None: the last one closed on this register."""

    shift_id: str | None = None
    approval: Approval | None = None


# ---- results -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ShiftResult:
    shift: Shift
    open_drawer: bool = False


@dataclass(frozen=True, slots=True)
class DrawerResult:
    """The operations written (one per tender), and the shift they belong to."""

    shift: Shift
    operations: tuple[DrawerOperation, ...]
    open_drawer: bool = True


@dataclass(frozen=True, slots=True)
class ReportResult:
    """An X or Z report: its figures, and the document to print."""

    shift: Shift
    report: ShiftReport
    document: ReceiptDocument
    open_drawer: bool = False
