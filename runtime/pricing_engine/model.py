"""The price book: price groups, trade agreements and price adjustments, indexed once.

Semantics follow the Dynamics 365 Commerce article "Retail sales price management"
(learn.microsoft.com/dynamics365/commerce/price-management): a trade agreement is searched by
item relation x account relation; price adjustments come only through price groups and can
only lower a price. The book is immutable and built once at start-up; every lookup is a dict
hit on the exact (item relation, account relation) pair, so pricing a line costs O(candidates).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from runtime.money import ZERO


class ItemCode(enum.StrEnum):
    """What a trade agreement's item relation names."""

    ITEM = "item"
    ITEM_GROUP = "item_group"
    ALL_ITEMS = "all_items"


class AccountCode(enum.StrEnum):
    """Whom a trade agreement's account relation names (D365: Table / Group / All)."""

    CUSTOMER = "customer"
    PRICE_GROUP = "price_group"
    ALL_CUSTOMERS = "all_customers"


class AdjustmentKind(enum.StrEnum):
    PERCENT_OFF = "percent_off"
    AMOUNT_OFF = "amount_off"
    UNIT_PRICE = "unit_price"  # used only when lower than the trade-agreement price


@dataclass(frozen=True, slots=True)
class PriceGroup:
    """A price group; linked to stores, affiliations, loyalty tiers, catalogs or customers."""

    group_id: str
    name: str = ""
    pricing_priority: int = 0  # higher numbers are evaluated first


def _active(day: dt.date, valid_from: dt.date | None, valid_to: dt.date | None) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


@dataclass(frozen=True, slots=True)
class TradeAgreement:
    """A sales price trade agreement: one unit price for a unit, currency, dates and quantity.

    `item_relation` / `account_relation` hold the item, item group, customer or price group id
    (None for ALL). Quantity breaks: `from_quantity` <= qty < `to_quantity`; a `to_quantity` of
    None or 0 is open. Dates are inclusive at both ends; None is open. A variant-specific price
    names the exact `variant_id`, or a subset of the variant's `dimensions`.
    """

    agreement_id: str
    item_code: ItemCode
    item_relation: str | None
    account_code: AccountCode
    account_relation: str | None
    price: Decimal
    currency: str
    unit: str = "ea"
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    from_quantity: Decimal = ZERO
    to_quantity: Decimal | None = None
    variant_id: str | None = None
    dimensions: Mapping[str, str] = field(default_factory=dict)
    find_next: bool = False
    name: str = ""

    def active_on(self, day: dt.date) -> bool:
        return _active(day, self.valid_from, self.valid_to)

    def quantity_fits(self, quantity: Decimal) -> bool:
        upper = self.to_quantity
        return self.from_quantity <= quantity and (not upper or quantity < upper)

    @property
    def specificity(self) -> int:
        """Exact variant > more dimensions > fewer > product master (D365: most specific first)."""
        if self.variant_id is not None:
            return 1000
        return len(self.dimensions)


@dataclass(frozen=True, slots=True)
class PriceAdjustment:
    """A markdown linked to price groups; it applies to the listed items, variants or categories.

    `currency` / `unit` None means any (they matter for amounts and unit prices).
    """

    adjustment_id: str
    name: str
    price_group_ids: frozenset[str]
    kind: AdjustmentKind
    value: Decimal
    item_ids: frozenset[str] = frozenset()
    variant_ids: frozenset[str] = frozenset()
    category_ids: frozenset[str] = frozenset()
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    pricing_priority: int = 0
    currency: str | None = None
    unit: str | None = None

    def active_on(self, day: dt.date) -> bool:
        return _active(day, self.valid_from, self.valid_to)

    def adjusted(self, price: Decimal) -> Decimal:
        """The price after this adjustment, never below zero (UNIT_PRICE may be above)."""
        if self.kind is AdjustmentKind.PERCENT_OFF:
            new = price - price * self.value / Decimal(100)
        elif self.kind is AdjustmentKind.AMOUNT_OFF:
            new = price - self.value
        else:
            new = self.value
        return new if new > ZERO else ZERO

    def describe(self) -> str:
        if self.kind is AdjustmentKind.PERCENT_OFF:
            return f"{self.value}% off"
        if self.kind is AdjustmentKind.AMOUNT_OFF:
            return f"{self.value} off"
        return f"unit price {self.value}"


AgreementKey = tuple[ItemCode, str, AccountCode, str]


def _agreement_key(ta: TradeAgreement) -> AgreementKey:
    return (ta.item_code, ta.item_relation or "", ta.account_code, ta.account_relation or "")


def _search_order(ta: TradeAgreement) -> tuple[int, Decimal, str]:
    return (-ta.specificity, -ta.from_quantity, ta.agreement_id)


@dataclass(frozen=True, slots=True)
class PriceBook:
    """All prices of a store, indexed for per-line lookup; build it with `PriceBook.build`.

    Besides agreements and adjustments it holds the links the register needs to find a line's
    price groups offline: item -> item group, store and customer -> price groups, category tree.
    """

    agreements: Mapping[AgreementKey, tuple[TradeAgreement, ...]]
    adjustments: Mapping[tuple[str, str], tuple[PriceAdjustment, ...]]
    price_groups: Mapping[str, PriceGroup]
    item_groups: Mapping[str, str]
    store_price_groups: Mapping[str, tuple[str, ...]]
    customer_price_groups: Mapping[str, tuple[str, ...]]
    category_parents: Mapping[str, str | None]
    agreement_count: int = 0
    # loyalty tier -> the price groups linked to it (customers in that tier get them)
    loyalty_price_groups: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # derived from `agreements` (so always in step with them, `dataclasses.replace` too):
    # the (item code, item relation) pairs some agreement names, so a search skips the item
    # levels nothing is agreed on
    item_relations: frozenset[tuple[ItemCode, str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        relations = frozenset((k[0], k[1]) for k in self.agreements)
        object.__setattr__(self, "item_relations", relations)

    @staticmethod
    def build(
        agreements: Iterable[TradeAgreement] = (),
        adjustments: Iterable[PriceAdjustment] = (),
        *,
        price_groups: Iterable[PriceGroup] = (),
        item_groups: Mapping[str, str] | None = None,
        store_price_groups: Mapping[str, Iterable[str]] | None = None,
        customer_price_groups: Mapping[str, Iterable[str]] | None = None,
        category_parents: Mapping[str, str | None] | None = None,
        loyalty_price_groups: Mapping[str, Iterable[str]] | None = None,
    ) -> PriceBook:
        """Index everything once; within a key agreements are kept in search order."""
        by_key: dict[AgreementKey, list[TradeAgreement]] = {}
        count = 0
        for ta in agreements:
            by_key.setdefault(_agreement_key(ta), []).append(ta)
            count += 1
        by_scope: dict[tuple[str, str], list[PriceAdjustment]] = {}
        for adj in adjustments:
            for scope, ids in (
                ("item", adj.item_ids),
                ("variant", adj.variant_ids),
                ("category", adj.category_ids),
            ):
                for scope_id in ids:
                    by_scope.setdefault((scope, scope_id), []).append(adj)
        return PriceBook(
            agreements={k: tuple(sorted(v, key=_search_order)) for k, v in by_key.items()},
            adjustments={k: tuple(v) for k, v in by_scope.items()},
            price_groups={g.group_id: g for g in price_groups},
            item_groups=dict(item_groups or {}),
            store_price_groups={k: tuple(v) for k, v in (store_price_groups or {}).items()},
            customer_price_groups={k: tuple(v) for k, v in (customer_price_groups or {}).items()},
            category_parents=dict(category_parents or {}),
            agreement_count=count,
            loyalty_price_groups={k: tuple(v) for k, v in (loyalty_price_groups or {}).items()},
        )

    def agreements_for(
        self, item_code: ItemCode, item_relation: str, account_code: AccountCode, account: str
    ) -> tuple[TradeAgreement, ...]:
        return self.agreements.get((item_code, item_relation, account_code, account), ())

    def category_path(self, category_id: str | None) -> tuple[str, ...]:
        """The category and its ancestors (cycle-safe), nearest first."""
        path: list[str] = []
        while category_id is not None and category_id not in path:
            path.append(category_id)
            category_id = self.category_parents.get(category_id)
        return tuple(path)


@dataclass(frozen=True, slots=True)
class PriceRequest:
    """Everything resolution needs about one line, prefetched by the caller (no I/O inside).

    `price_groups` are the groups active for the store, the customer (including the customer's
    own price group), loyalty, affiliations and catalogs, with their priorities. `fallback_*` is
    what `BasePriceService` would charge (sales price, variant or base price, unit-converted).
    """

    item_id: str
    quantity: Decimal
    unit: str
    currency: str
    day: dt.date
    fallback_price: Decimal
    fallback_source: str
    item_group: str | None = None
    variant_id: str | None = None
    dimensions: tuple[tuple[str, str], ...] = ()
    category_ids: tuple[str, ...] = ()
    customer_id: str | None = None
    customer_price_group: str | None = None
    price_groups: tuple[PriceGroup, ...] = ()
    keyed_price: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Considered:
    """Something resolution looked at and did not use, with the reason it lost."""

    kind: str  # "trade agreement" | "price adjustment"
    ref: str
    reason: str
    price: Decimal | None = None

    def __str__(self) -> str:
        at = f" at {self.price}" if self.price is not None else ""
        return f"{self.kind} {self.ref}{at}: {self.reason}"


@dataclass(frozen=True, slots=True)
class PriceResolution:
    """The active unit price (exact, unrounded), where it came from, and what lost and why."""

    unit_price: Decimal
    source: str
    considered: tuple[Considered, ...] = ()
    agreement_id: str | None = None
    adjustment_id: str | None = None
    trade_agreement_price: Decimal | None = None
