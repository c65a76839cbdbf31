"""Returns: by receipt (scan or type its number, pick lines and quantities, see what was
already returned) and without a receipt (an item, a quantity, a reason code).

Return lines go into the open transaction beside any sale lines, so an exchange is a return
plus the new items scanned as usual; the balance is then paid or refunded. `refund_and_finish`
settles a pure return in one step for screens that have no tendering of their own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pos_app.viewmodels.shift import (
    DEFAULT_LOCALE,
    Outcome,
    money_format,
    outcome_of,
    parse_keyed,
)
from runtime.facade import CommerceRuntime
from runtime.operations import Approval, Conclude
from runtime.return_requests import FindReceipt, RefundTender, ReturnItem, ReturnLines
from runtime.returns import ReturnableReceipt
from runtime.tender_ops import ConcludedSale
from runtime.transaction import SaleLine


@dataclass(frozen=True)
class ReturnRow:
    """One line of the original sale on the return screen."""

    line_id: str
    description: str
    sold: Decimal
    returned: Decimal  # by earlier returns
    in_cart: Decimal  # already on return lines of this transaction
    returnable: Decimal
    unit_refund: str
    blocked: str


@dataclass(frozen=True)
class ReceiptToReturn:
    receipt_number: str
    register_id: str
    sold_at: str
    total: str
    rows: tuple[ReturnRow, ...]

    @property
    def anything_returnable(self) -> bool:
        return any(r.returnable > 0 for r in self.rows)


class ReturnsViewModel:
    def __init__(
        self, runtime: CommerceRuntime, *, devices: Any = None, locale: str = DEFAULT_LOCALE
    ) -> None:
        self.runtime = runtime
        self.devices = devices
        self.fmt = money_format(runtime, locale)
        self.locale = self.fmt.locale  # unknown locales fall back

    # ---- with a receipt -----------------------------------------------------------------------
    def find(self, receipt: str, register_id: str | None = None) -> Outcome[ReceiptToReturn]:
        out = outcome_of(self.runtime.find_receipt(FindReceipt(receipt, register_id)))
        if out.value is None:
            return out.failed()
        view: ReturnableReceipt = out.value
        tx = view.transaction
        rows = tuple(
            ReturnRow(
                line.line_id,
                line.description,
                line.sold,
                line.returned,
                line.in_cart,
                line.returnable,
                self.fmt.money(line.unit_refund),
                line.blocked,
            )
            for line in view.lines
        )
        found = ReceiptToReturn(
            tx.receipt_number or tx.transaction_id,
            tx.register_id,
            self.fmt.when(tx.ended_at),
            self.fmt.money(tx.totals.total),
            rows,
        )
        said = (
            "Choose the quantities to return."
            if found.anything_returnable
            else "Everything on this receipt has been returned already."
        )
        return Outcome.done(found, said)

    def return_lines(
        self,
        receipt: ReceiptToReturn,
        quantities: Mapping[str, Decimal],
        approval: Approval | None = None,
    ) -> Outcome[tuple[SaleLine, ...]]:
        chosen = {k: v for k, v in quantities.items() if v}
        if not chosen:
            return Outcome.problem("Choose at least one line and how many to return.")
        request = ReturnLines(receipt.receipt_number, chosen, approval, receipt.register_id)
        out = outcome_of(self.runtime.return_lines(request))
        if out.value is None:
            return out
        refund = sum((line.amount_incl_tax for line in out.value), Decimal(0))
        return Outcome.done(
            out.value,
            f"{len(out.value)} return line{'s' if len(out.value) != 1 else ''} added "
            f"({self.fmt.money(refund)}). Scan new items for an exchange, or refund.",
        )

    # ---- without a receipt --------------------------------------------------------------------
    def reasons(self) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in self.runtime.return_reasons()]

    def return_without_receipt(
        self,
        item: str,
        quantity: str = "1",
        reason_code: str = "",
        approval: Approval | None = None,
    ) -> Outcome[SaleLine]:
        code = item.strip()
        if not code:
            return Outcome.problem("Scan the item's barcode or type its item number.")
        qty = parse_keyed(quantity, self.locale, "the quantity", blank=Decimal(1))
        if isinstance(qty, str):
            return Outcome.problem(qty)
        if not reason_code.strip():
            return Outcome.problem(
                "Choose the reason for a return without a receipt.",
                choices=tuple(f"{c}: {n}" for c, n in self.reasons()),
            )
        request = ReturnItem(barcode=code, quantity=qty, reason_code=reason_code, approval=approval)
        out = outcome_of(self.runtime.return_without_receipt(request))
        if out.value is None and out.code == "unknown_item":  # typed an item number instead
            request = ReturnItem(
                item_id=code, quantity=qty, reason_code=reason_code, approval=approval
            )
            out = outcome_of(self.runtime.return_without_receipt(request))
        if out.value is None:
            return out
        line = out.value
        return Outcome.done(
            line, f"{line.description} returned ({self.fmt.money(line.amount_incl_tax)})."
        )

    # ---- settling -----------------------------------------------------------------------------
    def sale_total(self) -> tuple[Decimal, str]:
        """The open transaction's total (negative: the customer is owed a refund)."""
        tx = self.runtime.transaction
        total = Decimal(0) if tx is None else tx.totals.total
        return total, self.fmt.money(total)

    def refund_and_finish(
        self, tender_type_id: str = "cash", approval: Approval | None = None
    ) -> Outcome[ConcludedSale]:
        """Refund the exact amount owed and conclude (receipt printed, drawer opened when the
        register has devices)."""
        refund = outcome_of(self.runtime.refund(RefundTender(tender_type_id, None, approval)))
        if not refund.ok:
            return refund.failed()
        out = outcome_of(self.runtime.conclude(Conclude()))
        if out.value is None:
            return out
        sale: ConcludedSale = out.value
        if self.devices is not None:
            tenders = self.runtime.store.tender_types
            self.devices.after_conclude(
                sale, lambda t: bool(tenders.get(t) and tenders[t].opens_drawer)
            )
        paid = -sum((t.amount for t in sale.transaction.tenders if t.counts), Decimal(0))
        printing = " The receipt is printing." if self.devices is not None else ""
        return Outcome.done(sale, f"Refunded {self.fmt.money(paid)}.{printing}")
