"""Refusals and errors as calm, specific messages with what to do next.

Why here and not in the runtime: the runtime's sentence says what went wrong; the register adds
the next step for the cashier, which differs between a staffed till and self-checkout.
"""

from __future__ import annotations

from dataclasses import dataclass

from runtime.operations import Refusal, RefusalCode

# the next step per refusal code (the runtime's message says what is wrong)
_HINTS: dict[RefusalCode, str] = {
    RefusalCode.UNKNOWN_ITEM: "Check the code, or search the item by name (F3).",
    RefusalCode.MALFORMED_BARCODE: "Scan again, or key the number in on the pad.",
    RefusalCode.WEIGHT_REQUIRED: "Put the item on the scale and scan again.",
    RefusalCode.PRICE_REQUIRED: "Key the price on the pad, then scan or press Enter.",
    RefusalCode.AGE_CHECK_REQUIRED: "Check the customer's ID, then confirm the age check.",
    RefusalCode.VARIANT_REQUIRED: "Scan the size/colour label instead of the shelf code.",
    RefusalCode.INVALID_QUANTITY: "Enter a quantity the item can be sold in.",
    RefusalCode.NOT_SIGNED_IN: "Sign in first.",
    RefusalCode.WRONG_SECRET: "Try again, or ask a manager to reset the password.",
    RefusalCode.LOCKED_OUT: "Ask a manager to unlock your account.",
    RefusalCode.LOCKED: "The operator who locked it, or a manager, can unlock it.",
    RefusalCode.PERMISSION_REQUIRED: "A manager can approve it.",
    RefusalCode.DISCOUNT_LIMIT: "A manager can approve a larger discount.",
    RefusalCode.OVERRIDE_REFUSED: "Ask another manager, or check the id and password.",
    RefusalCode.NO_SHIFT: "Open a shift (F2 in the shift menu) or pay by card.",
    RefusalCode.BALANCE_DUE: "Take the rest of the payment first.",
    RefusalCode.PAYMENT_PENDING: "Ask the terminal for the outcome (Check payment).",
    RefusalCode.PAYMENT_DECLINED: "Ask for another card or another way to pay.",
    RefusalCode.OVERTENDER: "Enter a smaller amount, or pay cash for change.",
    RefusalCode.STORAGE: "Try again; if it keeps failing, call support. Nothing was lost.",
    RefusalCode.CARD_TENDERED: "Void the card tender first (the terminal reverses it).",
    RefusalCode.TENDERED: "Void the tenders first.",
    RefusalCode.NOT_SUSPENDED: "Pick the sale from the list of suspended sales.",
    RefusalCode.TRANSACTION_OPEN: "Finish, suspend or void the open sale first.",
    RefusalCode.NO_TRANSACTION: "Scan an item to start a sale.",
}

APPROVABLE = (RefusalCode.PERMISSION_REQUIRED, RefusalCode.DISCOUNT_LIMIT)


@dataclass(frozen=True)
class Message:
    text: str
    hint: str = ""
    kind: str = "warning"  # info, success, warning, error


def from_refusal(refusal: Refusal) -> Message:
    kind = "error" if refusal.code in (RefusalCode.STORAGE, RefusalCode.LOCKED_OUT) else "warning"
    return Message(refusal.message, _HINTS.get(refusal.code, ""), kind)


def from_exception(exc: BaseException, doing: str) -> Message:
    """An unexpected error while `doing` something: say so plainly; the sale is still safe."""
    return Message(
        f"Could not {doing}: {exc}",
        "Try again. The sale is saved; if this keeps happening, call support.",
        "error",
    )


def needs_approval(refusal: Refusal | None) -> str | None:
    """The permission a manager could approve for this refusal, or None."""
    if refusal is None or refusal.code not in APPROVABLE:
        return None
    if refusal.details:
        return refusal.details[0]
    return "manual_discount" if refusal.code is RefusalCode.DISCOUNT_LIMIT else "manager"
