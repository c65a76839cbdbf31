"""Ports: what the runtime needs from outside, as Protocols implemented by other packages.

Everything that touches a disk, a clock, a terminal or the network sits behind one of these,
so the rules stay pure and tests are deterministic.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from runtime.catalog import BarcodeHit, Product
from runtime.config import StoreConfig
from runtime.operations import Approval, Permission, Refusal
from runtime.transaction import LineDiscount, SaleLine, Transaction


class StorageError(Exception):
    """A port could not persist or read: locked database, full disk, I/O error.

    The runtime turns it into a refusal and keeps its previous state.
    """


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """Timezone-aware UTC."""
        ...


class IdGenerator(Protocol):
    def new_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ItemHit:
    """An item id lookup: the product and, when the id named a variant, that variant."""

    product: Product
    variant_id: str | None = None


@dataclass(frozen=True, slots=True)
class ProductSummary:
    """One row of a product search."""

    item_id: str
    name: str
    base_price: Decimal
    variant_id: str | None = None


class CatalogReader(Protocol):
    def find_barcode(self, code: str) -> BarcodeHit | None: ...

    def find_item(self, item_or_variant_id: str) -> ItemHit | None: ...

    def search(self, text: str, limit: int = 50) -> Sequence[ProductSummary]: ...


@dataclass(frozen=True, slots=True)
class PricingContext:
    store: StoreConfig
    day: dt.date
    customer_id: str | None = None
    coupons: tuple[str, ...] = ()  # codes entered on the transaction, in entry order


@dataclass(frozen=True, slots=True)
class LinePricing:
    """The price of one line and the discounts on it, with where the price came from."""

    unit_price: Decimal
    price_source: str
    discounts: tuple[LineDiscount, ...] = ()


class PricingService(Protocol):
    """The seam for the pricing and discount engine: prices the whole basket at once."""

    def price_lines(
        self, context: PricingContext, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]: ...


class PaymentStatus(enum.StrEnum):
    APPROVED = "approved"
    DECLINED = "declined"
    PARTIAL = "partial"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class PaymentRequest:
    request_id: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class PaymentOutcome:
    """A terminal's answer. `approved_amount` may be below the request (partial approval)."""

    status: PaymentStatus
    approved_amount: Decimal = Decimal("0")
    reference: str | None = None
    card_brand: str | None = None
    message: str = ""


class PaymentTerminal(Protocol):
    def authorize(self, request: PaymentRequest) -> PaymentOutcome: ...

    def status(self, request_id: str) -> PaymentOutcome:
        """Ask what became of a request whose outcome is unknown."""
        ...

    def reverse(self, request_id: str, reference: str | None) -> PaymentOutcome:
        """Reverse (void) an approved payment; APPROVED means the reversal went through."""
        ...

    def refund(self, request: PaymentRequest, original_reference: str | None) -> PaymentOutcome:
        """Pay money back to a card (a return); APPROVED means the refund went through."""
        ...


class CartStore(Protocol):
    """Keeps the in-progress transaction of each register across crashes."""

    def save(
        self, transaction: Transaction, changed_lines: frozenset[str], removed_lines: frozenset[str]
    ) -> None: ...

    def load(self, register_id: str) -> Transaction | None: ...

    def clear(self, register_id: str) -> None: ...


class SuspendedStore(Protocol):
    def suspend(self, transaction: Transaction) -> None:
        """Store the suspended transaction and clear the register's cart, atomically."""
        ...

    def recall(self, register_id: str, transaction_id: str) -> Transaction | None:
        """Move a suspended transaction of this register into its cart (state open) and return
        it, atomically: it is never in both places, nor in neither."""
        ...

    def list_suspended(self, register_id: str) -> Sequence[Transaction]: ...


@dataclass(frozen=True, slots=True)
class LedgerReceipt:
    """What the ledger allocated when it wrote a finished transaction."""

    receipt_number: str | None
    device_seq: int


class SalesLedger(Protocol):
    def finish(
        self, transaction: Transaction, receipt_number_for: Callable[[int], str] | None
    ) -> LedgerReceipt:
        """Write a concluded or voided transaction, its journal entry and outbox row, and clear
        the register's cart, in one durable database transaction.

        For a concluded sale the ledger takes the register's next gap-free receipt sequence
        inside that transaction and stores `receipt_number_for(seq)` on it.
        """
        ...


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a sign-in (or an unlock) identified, after their secret or badge was verified."""

    operator_id: str
    name: str
    must_change_secret: bool = False


class AccessControl(Protocol):
    """Permission checks, manager overrides, sign-in and the audit log (runtime.security
    implements it over the staff ports). Every call that grants, overrides or refuses is
    audited; so is every sign-in, failed attempt and lockout."""

    def authorize(
        self,
        operator_id: str | None,
        permission: Permission,
        approval: Approval | None,
        *,
        action: str,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> Refusal | None:
        """None when `operator_id` holds `permission`, or `approval` names a *different*
        operator with the right secret who holds it; otherwise the refusal to show."""
        ...

    def authorize_discount(
        self,
        operator_id: str | None,
        scope: str,
        percent: Decimal | None,
        amount: Decimal,
        approval: Approval | None,
        *,
        transaction_id: str | None = None,
    ) -> Refusal | None:
        """A manual discount (`scope` "line" or "total") of `percent` or of `amount` money,
        within the operator's (or the approver's) permission group limits."""
        ...

    def audit(
        self,
        operator_id: str | None,
        action: str,
        *,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> None:
        """Record a sensitive operation that needs no permission check (e.g. sign-out)."""
        ...

    def verify_sign_in(
        self, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        """Identify an operator by id + password/PIN, or by a scanned staff badge.

        A wrong secret counts towards the operator's lockout; a locked-out operator is refused
        even with the right secret until the lockout ends; success resets the count."""
        ...

    def verify_unlock(
        self, locked_by: str, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        """Identify whoever unlocks a register locked by `locked_by`: that operator, or an
        operator holding the manager permission (audited as an override)."""
        ...

    def change_secret(self, operator_id: str, old_secret: str, new_secret: str) -> Refusal | None:
        """Replace an operator's password/PIN after verifying the old one (counted when wrong)
        and checking the store's rules for the new one."""
        ...


# ---- sync status (issue #5): what the cashier's status bar shows -------------------------------


@dataclass(frozen=True, slots=True)
class UnsentSummary:
    """Outbox records not yet acknowledged by the channel server, and when the oldest was
    written. `known` is False when no sync is configured (nothing can be said)."""

    count: int
    oldest_at: dt.datetime | None = None
    known: bool = True


class SyncStatus(Protocol):
    """The register's sync client as the runtime sees it; both calls answer at once (no I/O
    on the network), so a status bar may poll them."""

    def unsent(self) -> UnsentSummary: ...

    def online(self) -> bool: ...


class NoSync:
    """The `SyncStatus` of a register with no sync configured: offline, nothing known."""

    def unsent(self) -> UnsentSummary:
        return UnsentSummary(0, None, known=False)

    def online(self) -> bool:
        return False
