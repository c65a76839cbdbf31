"""`EnginePricingService`: the pricing engine behind the runtime's `PricingService` port.

Each line gets its trade-agreement or fallback price with the best price adjustment. The
fallback is computed by `BasePriceService` itself, so a store without agreements prices
exactly as before. With `discounts`, the whole basket is then discounted at once (see
`concurrency`); without them `LinePricing.discounts` stays empty, as before.

Coupons (see `coupons`): with `coupons`, a discount linked to a coupon applies only when one
of the coupon's valid codes (or bar codes) was entered for the basket, or the coupon needs no
code. The entered codes come from `PricingContext.coupons` (the transaction's codes, which
the runtime validated with `check_coupon` when they were entered); `with_coupons(codes)`
adds codes of its own (tests, tools). An applied coupon discount keeps its own kind (the
concurrency rules use it) and its name gets the code: "<name> [coupon CODE]".

Customers: the price groups of `PricingContext.customer_id` are the book's own links (a
scenario's customers) plus, with `customers` (a `CustomerDirectory`, e.g. the register's
customers table), the customer's `price_groups` and the groups linked to their loyalty tier.

Tender discounts are not part of basket pricing (they depend on the payment);
`tender_discount_for` computes one when a tender is added.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from runtime.catalog import Product
from runtime.config import StoreConfig
from runtime.money import Currency
from runtime.ports import LinePricing, PricingContext
from runtime.pricing import BasePriceService
from runtime.pricing_engine.concurrency import DiscountLine, LineDiscounts, LostDiscount
from runtime.pricing_engine.coupons import Coupon, CouponBook, CouponUsage, coupon_marker
from runtime.pricing_engine.customers import Customer, CustomerDirectory
from runtime.pricing_engine.discount_index import DiscountIndex
from runtime.pricing_engine.discount_model import ConcurrencyModel, Discount
from runtime.pricing_engine.discounts import evaluate_discounts
from runtime.pricing_engine.model import PriceBook, PriceGroup, PriceRequest, PriceResolution
from runtime.pricing_engine.prices import resolve_price
from runtime.pricing_engine.tender_discounts import (
    TenderDiscount,
    TenderDiscountResult,
    TenderLine,
    tender_discount,
)
from runtime.transaction import LineDiscount, SaleLine

_PriceKey = tuple[object, ...]
_PriceEntry = tuple[Product, StoreConfig, LinePricing]
# at most 16 (day, store, customer, price groups) contexts of 12,500 lines each
_PRICE_CACHE_LIMIT = 12_500
_PRICE_CONTEXT_LIMIT = 16
_ENTRIES_PER_KEY = 4


@dataclass(frozen=True, slots=True)
class LineExplanation:
    """ "Why this price": the price resolution, the discounts applied and those that lost."""

    line_id: str
    price: PriceResolution
    applied: tuple[LineDiscount, ...] = ()
    lost: tuple[LostDiscount, ...] = ()

    @property
    def price_source(self) -> str:
        return self.price.source


class EnginePricingService:
    """Prices a basket from a `PriceBook` and discounts it; `explain` / `explain_line` answer
    "why this price" for one line."""

    def __init__(
        self,
        book: PriceBook,
        discounts: Iterable[Discount] = (),
        *,
        model: ConcurrencyModel = ConcurrencyModel.WITHIN_PRIORITY,
        coupons: Iterable[Coupon] = (),
        coupon_usage: CouponUsage | None = None,
        customers: CustomerDirectory | None = None,
        tender_discounts: Iterable[TenderDiscount] = (),
    ) -> None:
        self.book = book
        self.coupons = CouponBook(coupons, coupon_usage)
        # codes entered for every basket besides the context's; see `with_coupons`
        self.entered_coupons: tuple[str, ...] = ()
        self.customers = customers
        self.tender_discounts = tuple(sorted(tender_discounts, key=lambda d: d.discount_id))
        self.discounts = tuple(sorted(discounts, key=lambda d: d.discount_id))
        self.model = model
        self._base = BasePriceService()
        # built once: each line only evaluates the discounts that can reach it
        self.index = DiscountIndex.build(self.discounts)
        self.index.source = self.discounts
        # price resolutions by basket inputs (day, store, customer, price groups), then by
        # line inputs; a hit also needs the very same product and store objects (frozen), so
        # changed master data is never served from the cache. A key keeps a few entries: two
        # lines may carry equal but distinct product objects.
        self._prices: dict[_PriceKey, dict[_PriceKey, tuple[_PriceEntry, ...]]] = {}
        self._paths: dict[str | None, tuple[str, ...]] = {}
        self._paths_book = book  # `_paths` holds this book's category paths

    def price_lines(
        self, context: PricingContext, lines: Sequence[SaleLine]
    ) -> Mapping[str, LinePricing]:
        groups = self.active_groups(context)
        result: dict[str, LinePricing] = {}
        cache = self._price_cache(context, groups)
        for line in lines:
            if line.keyed_price is not None:
                result[line.line_id] = LinePricing(line.keyed_price, "keyed-in price")
                continue
            result[line.line_id] = self._resolve(context, line, groups, cache)
        if not self.discounts:
            return result
        found = self.discount_lines(context, lines, result, groups)
        for line_id, ld in found.items():
            if ld.applied:
                priced = result[line_id]
                result[line_id] = LinePricing(priced.unit_price, priced.price_source, ld.applied)
        return result

    def with_coupons(self, codes: Iterable[str]) -> EnginePricingService:
        """This service (same book, discounts, index and caches) pricing with `codes` (typed
        codes or scanned bar codes) entered for every basket, besides the codes in the
        pricing context."""
        other = copy.copy(self)
        other.entered_coupons = tuple(codes)
        return other

    def check_coupon(self, code: str, day: dt.date) -> str | None:
        """Why `code` (or bar code) cannot be entered on `day` (unknown code, inactive,
        expired, not yet valid, used up), or None if it can."""
        return self.coupons.check_coupon(code, day)

    def coupon_code(self, entered: str) -> str | None:
        """The coupon code a typed code or scanned bar code names (None: unknown), so the same
        coupon entered twice, once typed and once scanned, is recognised."""
        hit = self.coupons.find(entered)
        return None if hit is None else hit[1].code

    def find_customer(self, customer_id: str) -> Customer | None:
        """The customer from the directory the engine was given (None without one)."""
        return None if self.customers is None else self.customers.find_customer(customer_id)

    def tender_discount_for(
        self,
        tender_type_id: str,
        lines: Sequence[TenderLine],
        *,
        day: dt.date,
        currency: Currency,
        paid: Decimal | None = None,
    ) -> TenderDiscountResult | None:
        """The tender discount earned by paying `paid` (pretax; None: all) with
        `tender_type_id` (see `tender_discounts.tender_discount`)."""
        if not self.tender_discounts:
            return None
        return tender_discount(
            self.tender_discounts, tender_type_id, lines, day=day, currency=currency, paid=paid
        )

    def discount_lines(
        self,
        context: PricingContext,
        lines: Sequence[SaleLine],
        priced: Mapping[str, LinePricing],
        groups: tuple[PriceGroup, ...] | None = None,
    ) -> dict[str, LineDiscounts]:
        """The discounts of every active line, with the losers, given the lines' prices."""
        groups = self.active_groups(context) if groups is None else groups
        group_ids = {g.group_id for g in groups}
        path = self._category_path
        inputs = [  # (positional: built for every line of every reprice)
            DiscountLine(
                line.line_id,  # line_id
                line.product.item_id,  # item_id
                line.quantity,  # quantity
                priced[line.line_id].unit_price,  # unit_price
                line.variant_id,  # variant_id
                path(line.product.category_id),  # category_ids
                # discountable: keyed-in prices are not (D365 makes it a setting; off here)
                line.keyed_price is None,
            )
            for line in lines
            if not line.voided
        ]
        if not self.coupons:
            return evaluate_discounts(
                self.discounts,
                inputs,
                day=context.day,
                price_groups=group_ids,
                currency=context.store.currency,
                model=self.model,
                index=self._current_index(),
            )
        locks = self.coupons.locks((*self.entered_coupons, *context.coupons), context.day)
        found = evaluate_discounts(
            self.discounts,
            inputs,
            day=context.day,
            price_groups=group_ids,
            currency=context.store.currency,
            model=self.model,
            index=self._current_index(),
            locked=locks.locked,
        )
        by_code = locks.unlocked_by
        if not by_code:
            return found
        return {
            line_id: replace(
                ld,
                applied=tuple(
                    replace(d, name=f"{d.name} {coupon_marker(by_code[d.discount_id])}")
                    if d.discount_id in by_code
                    else d
                    for d in ld.applied
                ),
            )
            for line_id, ld in found.items()
        }

    def _current_index(self) -> DiscountIndex:
        if self.index.source is not self.discounts:  # the discounts were replaced
            self.index = DiscountIndex.build(self.discounts)
            self.index.source = self.discounts
        return self.index

    def explain_line(
        self, context: PricingContext, lines: Sequence[SaleLine], line_id: str
    ) -> LineExplanation:
        """Price source, applied discounts and losing discounts (with reasons) of one line of
        the basket `lines` (discounts such as thresholds depend on the whole basket)."""
        line = next(ln for ln in lines if ln.line_id == line_id)
        price = self.explain(context, line)
        if not self.discounts:
            return LineExplanation(line_id, price)
        priced = self.price_lines(context, lines)
        found = self.discount_lines(context, lines, priced).get(line_id)
        if found is None:
            return LineExplanation(line_id, price)
        return LineExplanation(line_id, price, found.applied, found.lost)

    def _price_cache(
        self, context: PricingContext, groups: tuple[PriceGroup, ...]
    ) -> dict[_PriceKey, tuple[_PriceEntry, ...]]:
        """The price cache of one day, store, customer and active price groups (a customer's
        groups may change in the directory)."""
        key = (context.day, context.store.store_id, context.customer_id, groups)
        cache = self._prices.get(key)
        if cache is None:
            if len(self._prices) >= _PRICE_CONTEXT_LIMIT:
                self._prices.clear()
            cache = self._prices[key] = {}
        return cache

    def _resolve(
        self,
        context: PricingContext,
        line: SaleLine,
        groups: tuple[PriceGroup, ...],
        cache: dict[_PriceKey, tuple[_PriceEntry, ...]],
    ) -> LinePricing:
        """The line's price (`resolve_price` without explanation), cached per line inputs
        in `cache` (see `_price_cache`)."""
        product, store = line.product, context.store
        key = (product.item_id, line.variant_id, line.quantity, line.unit, line.keyed_price)
        entries = cache.get(key, ())
        for hit in entries:
            if hit[0] is product and hit[1] is store:
                return hit[2]
        res = resolve_price(self.book, self.request_for(context, line, groups), explain=False)
        priced = LinePricing(res.unit_price, res.source)
        if len(cache) >= _PRICE_CACHE_LIMIT:
            cache.clear()
            entries = ()
        cache[key] = (*entries[-(_ENTRIES_PER_KEY - 1) :], (product, store, priced))
        return priced

    def _category_path(self, category_id: str | None) -> tuple[str, ...]:
        if self._paths_book is not self.book:  # the book was replaced
            self._paths.clear()
            self._paths_book = self.book
        path = self._paths.get(category_id)
        if path is None:
            path = self._paths[category_id] = self.book.category_path(category_id)
        return path

    def explain(self, context: PricingContext, line: SaleLine) -> PriceResolution:
        """The full resolution of one line, with what else was considered and why it lost."""
        return resolve_price(
            self.book, self.request_for(context, line, self.active_groups(context))
        )

    def active_groups(self, context: PricingContext) -> tuple[PriceGroup, ...]:
        """Store groups, then the customer's (affiliations, loyalty, catalogs, own group)."""
        book = self.book
        ids = list(book.store_price_groups.get(context.store.store_id, ()))
        if context.customer_id is not None:
            ids.extend(book.customer_price_groups.get(context.customer_id, ()))
            customer = self.find_customer(context.customer_id)
            if customer is not None:
                ids.extend(customer.price_groups)
                if customer.loyalty_tier:
                    ids.extend(book.loyalty_price_groups.get(customer.loyalty_tier, ()))
        seen: dict[str, PriceGroup] = {}
        for gid in ids:
            if gid not in seen:
                seen[gid] = book.price_groups.get(gid) or PriceGroup(gid)
        return tuple(seen.values())

    def request_for(
        self, context: PricingContext, line: SaleLine, groups: tuple[PriceGroup, ...]
    ) -> PriceRequest:
        product = line.product
        fallback = self._base.price_line(context, line)
        variant = product.variant(line.variant_id) if line.variant_id else None
        return PriceRequest(
            item_id=product.item_id,
            quantity=line.quantity,
            unit=line.unit,
            currency=context.store.currency.code,
            day=context.day,
            fallback_price=fallback.unit_price,
            fallback_source=fallback.price_source,
            item_group=self.book.item_groups.get(product.item_id),
            variant_id=line.variant_id,
            dimensions=tuple(sorted(variant.dimensions.items())) if variant else (),
            category_ids=self._category_path(product.category_id),
            customer_id=context.customer_id,
            price_groups=groups,
            keyed_price=line.keyed_price,
        )
