"""Return rules: what is still returnable of a past sale, and what returning part of it refunds.

A return refunds what the customer paid for the line: its net amount after every discount, and
its tax, never today's price. A partial return refunds the difference of *cumulative* shares:
returning k of Q units in total refunds round(amount x k / Q), so however the units come back
(2 + 1, 1 + 1 + 1, several lines in one cart), returning all of them refunds exactly the
original amount to the cent: the last return takes the remainder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from runtime.config import StoreConfig
from runtime.line_rules import check_quantity, normalised, unit_decimals
from runtime.money import ZERO, Currency
from runtime.operations import Refusal, RefusalCode
from runtime.ports import LinePricing
from runtime.return_ports import JournalRecord, LineKey
from runtime.transaction import LineTax, ReturnOf, SaleLine, Transaction, TransactionState


@dataclass(frozen=True, slots=True)
class RefundPricing(LinePricing):
    """A return line's fixed amounts (negative): `runtime.totals.reprice` takes them as they
    are, with no discounts and the original's taxes."""

    net_amount: Decimal = ZERO
    taxes: tuple[LineTax, ...] = ()
    amount_excl_tax: Decimal = ZERO
    amount_incl_tax: Decimal = ZERO


@dataclass(frozen=True, slots=True)
class ReturnableLine:
    """One line of a past sale as the return screen shows it."""

    line_id: str
    item_id: str
    description: str
    unit: str
    sold: Decimal
    returned: Decimal  # by concluded returns
    in_cart: Decimal  # on return lines of the open transaction
    returnable: Decimal  # what may still be returned now
    unit_refund: Decimal  # amount incl. tax paid per unit (rounded, for display)
    refund_returnable: Decimal  # what returning every returnable unit now refunds (incl. tax)
    blocked: str = ""  # why nothing of it can be returned, if so


@dataclass(frozen=True, slots=True)
class ReturnableReceipt:
    transaction: Transaction
    lines: tuple[ReturnableLine, ...]


def refused(code: RefusalCode, message: str) -> Refusal:
    return Refusal(code, message)


def key_of(ref: ReturnOf) -> LineKey:
    return (ref.transaction_id, ref.line_id)


def _neg(amount: Decimal) -> Decimal:
    return ZERO - amount  # never -0.00


def share(amount: Decimal, part: Decimal, whole: Decimal, unit: Decimal) -> Decimal:
    """`amount x part / whole`, rounded commercially; exactly `amount` for the whole."""
    if part == whole:
        return amount
    if part == ZERO:
        return ZERO
    return (amount * part / whole).quantize(unit, rounding=ROUND_HALF_UP)


def refund_for(ref: ReturnOf, before: Decimal, quantity: Decimal, unit: Decimal) -> RefundPricing:
    """The refund for returning `quantity` of the original line after `before` was returned
    (by earlier returns and earlier return lines of the same transaction)."""
    whole = ref.original_quantity
    after = before + quantity

    def part(amount: Decimal) -> Decimal:
        return share(amount, after, whole, unit) - share(amount, before, whole, unit)

    net = _neg(part(ref.original_net_amount))
    taxes = tuple(LineTax(t.code, t.rate, _neg(part(t.amount))) for t in ref.original_taxes)
    tax = sum((t.amount for t in taxes), ZERO)
    if ref.original_amount_incl_tax == ref.original_net_amount:  # prices included the tax
        excl, incl = net - tax, net
    else:
        excl, incl = net, net + tax
    unit_price = (ref.original_net_amount / whole).quantize(unit) if whole else ZERO
    source = f"refund of receipt {ref.receipt_number or ref.transaction_id} line {ref.line_id}"
    return RefundPricing(
        unit_price=unit_price,
        price_source=source,
        net_amount=net,
        taxes=taxes,
        amount_excl_tax=excl,
        amount_incl_tax=incl,
    )


def refund_pricing(
    lines: Sequence[SaleLine], returned: Mapping[LineKey, Decimal], currency: Currency
) -> dict[str, LinePricing]:
    """Fixed amounts for the return lines (with a receipt) of one transaction, in line order."""
    running = dict(returned)
    priced: dict[str, LinePricing] = {}
    for line in lines:
        ref = line.return_of
        if ref is None or line.voided:
            continue
        key = key_of(ref)
        before = running.get(key, ZERO)
        quantity = -line.quantity
        priced[line.line_id] = refund_for(ref, before, quantity, currency.unit)
        running[key] = before + quantity
    return priced


def add_quantities(*parts: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Line id -> quantity, summed (returns counted here and elsewhere)."""
    total: dict[str, Decimal] = {}
    for part in parts:
        for line_id, quantity in part.items():
            total[line_id] = total.get(line_id, ZERO) + quantity
    return total


def in_cart(tx: Transaction | None) -> dict[LineKey, Decimal]:
    """Quantities of original lines on the active return lines of `tx`."""
    taken: dict[LineKey, Decimal] = {}
    if tx is None:
        return taken
    for line in tx.active_lines:
        if line.return_of is not None:
            key = key_of(line.return_of)
            taken[key] = taken.get(key, ZERO) - line.quantity
    return taken


def blocked_reason(line: SaleLine) -> str:
    """Why no part of an original line can be returned ("" when it can)."""
    if line.voided:
        return "it was voided on the original sale"
    if line.quantity <= ZERO or line.return_of is not None:
        return "it is itself a return"
    if line.product.flags.not_returnable:
        return "the item is not returnable"
    return ""


def original_refusal(record: JournalRecord) -> Refusal | None:
    tx = record.transaction
    if tx.state is TransactionState.VOIDED:
        return refused(
            RefusalCode.NOT_RETURNABLE,
            f"Transaction {tx.receipt_number or tx.transaction_id} was voided: nothing was "
            "sold, so nothing can be returned.",
        )
    if tx.state is not TransactionState.CONCLUDED:
        return refused(
            RefusalCode.NOT_RETURNABLE,
            f"Transaction {tx.transaction_id} is not a finished sale.",
        )
    return None


def other_register_offline(number: str, reason: str) -> Refusal:
    """A receipt not in this journal while offline: it can only be on the server."""
    return Refusal(
        RefusalCode.NEEDS_SERVER,
        f"Receipt {number} is not in this register's journal: it is from another register, "
        f"and finding it needs the channel server, but the register is offline ({reason}). "
        "Return the items without a receipt instead (a manager approves it).",
        ("offline",),
    )


def elsewhere_unknown(why: str, detail: str) -> Refusal:
    """The server could not say what other registers returned of a sale."""
    return Refusal(
        RefusalCode.NEEDS_SERVER,
        f"The channel server could not say what other registers returned: {why}",
        (detail,),
    )


def returnable_view(
    record: JournalRecord, cart: Mapping[LineKey, Decimal], currency: Currency
) -> ReturnableReceipt:
    tx = record.transaction
    rows: list[ReturnableLine] = []
    for line in tx.lines:
        sold = line.quantity
        returned = record.returned.get(line.line_id, ZERO)
        taken = cart.get((tx.transaction_id, line.line_id), ZERO)
        blocked = blocked_reason(line)
        left = ZERO if blocked else max(sold - returned - taken, ZERO)
        unit_refund = currency.round(line.amount_incl_tax / sold) if sold > ZERO else ZERO
        refund = ZERO
        if left > ZERO:
            ref = return_reference(tx, line)
            refund = _neg(refund_for(ref, returned + taken, left, currency.unit).amount_incl_tax)
        rows.append(
            ReturnableLine(
                line_id=line.line_id,
                item_id=line.item_id,
                description=line.description,
                unit=line.unit,
                sold=sold,
                returned=returned,
                in_cart=taken,
                returnable=left,
                unit_refund=unit_refund,
                refund_returnable=refund,
                blocked=blocked,
            )
        )
    return ReturnableReceipt(tx, tuple(rows))


def return_reference(tx: Transaction, line: SaleLine) -> ReturnOf:
    return ReturnOf(
        transaction_id=tx.transaction_id,
        line_id=line.line_id,
        receipt_number=tx.receipt_number,
        register_id=tx.register_id,
        original_quantity=line.quantity,
        original_net_amount=line.net_amount,
        original_amount_incl_tax=line.amount_incl_tax,
        original_taxes=line.taxes,
    )


def checked_quantities(
    record: JournalRecord,
    quantities: Mapping[str, Decimal],
    cart: Mapping[LineKey, Decimal],
    store: StoreConfig,
    currently_not_returnable: frozenset[str] = frozenset(),
) -> list[tuple[SaleLine, Decimal]] | Refusal:
    """The original lines and quantities to return, or why the request is refused.

    `currently_not_returnable` names items the catalogue flags today (the flag on the sale's
    own product snapshot counts too)."""
    tx = record.transaction
    number = tx.receipt_number or tx.transaction_id
    if not quantities:
        return refused(RefusalCode.INVALID_QUANTITY, "Choose at least one line to return.")
    chosen: list[tuple[SaleLine, Decimal]] = []
    for line_id, quantity in quantities.items():
        line = tx.line(line_id)
        if line is None:
            return refused(RefusalCode.UNKNOWN_LINE, f"Receipt {number} has no line {line_id}.")
        reason = blocked_reason(line)
        if not reason and line.item_id in currently_not_returnable:
            reason = "the item is not returnable"
        if reason:
            return refused(
                RefusalCode.NOT_RETURNABLE,
                f"{line.description} (line {line_id} of receipt {number}) cannot be returned: "
                f"{reason}.",
            )
        decimals = unit_decimals(store, line.unit, default=3 if line.weighed else 0)
        refusal = check_quantity(quantity, decimals, store, what="Return quantity")
        if refusal:
            return refusal
        quantity = normalised(quantity, decimals)
        returned = record.returned.get(line_id, ZERO)
        taken = cart.get((tx.transaction_id, line_id), ZERO)
        left = line.quantity - returned - taken
        if quantity > left:
            return refused(
                RefusalCode.RETURN_EXCEEDS_SOLD,
                f"Only {max(left, ZERO)} of {line.description} can still be returned from "
                f"receipt {number} (sold {line.quantity}, returned {returned}, "
                f"{taken} already in this return).",
            )
        chosen.append((line, quantity))
    return chosen


def make_return_line(
    line_id: str, tx: Transaction, original: SaleLine, quantity: Decimal
) -> SaleLine:
    """A return line for `quantity` of `original`: negative quantity, the original's product
    snapshot, unit and serial number, and the reference the refund is computed from."""
    return SaleLine(
        line_id=line_id,
        product=original.product,
        quantity=ZERO - quantity,
        unit=original.unit,
        variant_id=original.variant_id,
        barcode=original.barcode,
        serial_number=original.serial_number,
        weighed=original.weighed,
        return_of=return_reference(tx, original),
    )


def exceeded(lines: Sequence[SaleLine], returned: Mapping[LineKey, Decimal]) -> Refusal | None:
    """Whether the return lines, with what concluded returns took meanwhile (another register
    may have returned the same receipt), now return more than was sold."""
    totals: dict[LineKey, tuple[Decimal, ReturnOf]] = {}
    for line in lines:
        ref = line.return_of
        if ref is None or line.voided:
            continue
        key = key_of(ref)
        before = totals.get(key, (ZERO, ref))[0]
        totals[key] = (before - line.quantity, ref)
    for key, (quantity, ref) in totals.items():
        done = returned.get(key, ZERO)
        if done + quantity > ref.original_quantity:
            return refused(
                RefusalCode.RETURN_EXCEEDS_SOLD,
                f"Line {ref.line_id} of receipt {ref.receipt_number or ref.transaction_id} was "
                f"returned meanwhile ({done} of {ref.original_quantity}); only "
                f"{max(ref.original_quantity - done, ZERO)} can still be returned. Void the "
                "return line and return it again.",
            )
    return None
