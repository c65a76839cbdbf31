"""Pricing master data as documents: one JSON document per price group, trade agreement,
price adjustment, discount, coupon or tender discount, each in the scenario format
(docs/pricing-scenarios.md, "Pricing documents").

The register keeps them in its database (local_db.pricing_store) and the sync replaces them
whole. Each document is read by the very parser a scenario's section uses, as if it were the
only entry of that section, so there is one format. Catalogue references (items, variants,
categories, customers) are not checked here: the catalogue and the customers arrive on their
own and an unknown id simply never matches. Price-group references are checked against the
price-group documents, a coupon's discount against the discount documents.

A malformed document is *skipped* and reported (`DocumentProblem`: kind, id, JSON path and
what is wrong); the rest still load. A register that refused to start over one bad discount
would sell nothing; one that skips it sells at the prices the other documents give, and the
problem is logged and shown to whoever runs the load. Whatever depends on a skipped document
(a coupon on a skipped discount, a discount naming a skipped price group) is skipped and
reported too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from runtime.config import StoreConfig
from runtime.pricing_engine.coupons import Coupon
from runtime.pricing_engine.discount_model import Discount
from runtime.pricing_engine.model import PriceAdjustment, PriceBook, PriceGroup, TradeAgreement
from runtime.pricing_engine.scenario_coupons import _coupons, _tender_discounts
from runtime.pricing_engine.scenario_json import ScenarioError, _Reader, parse_json
from runtime.pricing_engine.scenario_load import GroupLinks, _price_groups
from runtime.pricing_engine.scenario_pricing import _adjustments, _agreements, _discounts
from runtime.pricing_engine.tender_discounts import TenderDiscount

# document kind -> the scenario section whose entries it holds
SECTIONS = {
    "price_group": "price_groups",
    "trade_agreement": "trade_agreements",
    "price_adjustment": "price_adjustments",
    "discount": "discounts",
    "coupon": "coupons",
    "tender_discount": "tender_discounts",
    "item_price_group": "item_price_groups",
}
KINDS = tuple(SECTIONS)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PricingDocument:
    """One stored document: its kind, its id (the body's `id`) and its JSON text."""

    kind: str
    document_id: str
    body: str


@dataclass(frozen=True, slots=True)
class DocumentProblem:
    """Why one document was skipped: `path` is a JSON path inside the document."""

    kind: str
    document_id: str
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.kind} {self.document_id}: {self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class PricingData:
    """Everything the engine is built from, and the documents that were skipped."""

    book: PriceBook
    discounts: tuple[Discount, ...] = ()
    coupons: tuple[Coupon, ...] = ()
    tender_discounts: tuple[TenderDiscount, ...] = ()
    problems: tuple[DocumentProblem, ...] = ()


class _AnyIds(dict[str, object]):
    """A reference set that knows every id: catalogue references are not checked here."""

    def __contains__(self, key: object) -> bool:
        return True


class _AnyIdSet(set[str]):
    def __contains__(self, key: object) -> bool:
        return True


_ANY = _AnyIds()


@dataclass(frozen=True, slots=True)
class ItemPriceGroup:
    """An item price group (the "item group" of trade agreements) and the items in it:
    `{"id": "DRINKS", "items": ["1000001", ...]}`. The catalogue carries no such column; the
    group's document lists its items, so only items that have a group cost memory."""

    group_id: str
    members: Mapping[str, str]


def _item_price_groups(r: _Reader, top: Mapping[str, object]) -> list[ItemPriceGroup]:
    out: list[ItemPriceGroup] = []
    for path, value in r.items(top.get("item_price_groups"), "$.item_price_groups"):
        o = r.obj(value, path, ("id", "items"), ("name",))
        if o is None:
            continue
        group_id = r.ident(o, "id", path)
        items = r.strings(o, "items", path)
        if "items" in o and not items and not r.errors:
            r.err(f"{path}.items", "at least one item is required")
        out.append(ItemPriceGroup(group_id, {item: group_id for item in items}))
    return out
_ANY_SET = _AnyIdSet()


def load_documents(
    documents: Iterable[PricingDocument],
    store: StoreConfig,
    *,
    category_parents: Mapping[str, str | None] | None = None,
    item_groups: Mapping[str, str] | None = None,
) -> PricingData:
    """Parse every document (price groups first: the others name them) into a `PricingData`.

    `store` supplies the default currency of trade agreements; `category_parents` (the
    catalogue's category tree) and `item_groups` (item -> item price group) go into the book.
    """
    by_kind: dict[str, list[PricingDocument]] = {kind: [] for kind in KINDS}
    problems: list[DocumentProblem] = []
    for doc in sorted(documents, key=lambda d: (d.kind, d.document_id)):
        if doc.kind in by_kind:
            by_kind[doc.kind].append(doc)
        else:
            problems.append(
                DocumentProblem(
                    doc.kind, doc.document_id, "$",
                    f"unknown document kind {doc.kind!r} (known: {', '.join(KINDS)})",
                )
            )  # fmt: skip
    links = GroupLinks()
    groups: dict[str, PriceGroup] = {}

    def group(r: _Reader, top: Mapping[str, object]) -> list[tuple[PriceGroup, GroupLinks]]:
        own = GroupLinks()
        return [(g, own) for g in _price_groups(r, top, own).values()]

    for g, own in _each(by_kind["price_group"], group, problems):
        groups[g.group_id] = g
        for store_id, ids in own.stores.items():
            links.stores.setdefault(store_id, []).extend(ids)
        for tier, ids in own.tiers.items():
            links.tiers.setdefault(tier, []).extend(ids)
    agreements: list[TradeAgreement] = _each(
        by_kind["trade_agreement"],
        lambda r, top: _agreements(r, top, store, groups, _ANY_SET, _ANY_SET, _ANY),
        problems,
    )
    adjustments: list[PriceAdjustment] = _each(
        by_kind["price_adjustment"],
        lambda r, top: _adjustments(r, top, groups, _ANY_SET, _ANY_SET, _ANY),
        problems,
    )
    discounts: list[Discount] = _each(
        by_kind["discount"],
        lambda r, top: _discounts(r, top, groups, _ANY_SET, _ANY_SET, _ANY),
        problems,
    )
    discount_ids = {d.discount_id for d in discounts}
    coupons: list[Coupon] = _each(
        by_kind["coupon"], lambda r, top: _coupons(r, top, discount_ids), problems
    )
    tenders: list[TenderDiscount] = _each(by_kind["tender_discount"], _tender_discounts, problems)
    members: dict[str, str] = dict(item_groups or {})
    for group_of in _each(by_kind["item_price_group"], _item_price_groups, problems):
        members.update(group_of.members)
    book = PriceBook.build(
        agreements,
        adjustments,
        price_groups=groups.values(),
        item_groups=members,
        store_price_groups=links.stores,
        category_parents=category_parents,
        loyalty_price_groups=links.tiers,
    )
    return PricingData(book, tuple(discounts), tuple(coupons), tuple(tenders), tuple(problems))


def _each(
    documents: list[PricingDocument],
    parse: Callable[[_Reader, Mapping[str, object]], list[T]],
    problems: list[DocumentProblem],
) -> list[T]:
    """Parse each document on its own; keep the good ones, report the others."""
    out: list[T] = []
    for doc in documents:
        found, bad = parse_document(doc, parse)
        out.extend(found)
        problems.extend(bad)
    return out


def parse_document(
    doc: PricingDocument, parse: Callable[[_Reader, Mapping[str, object]], list[T]]
) -> tuple[list[T], list[DocumentProblem]]:
    """One document through its section's parser: its entries, or (when anything is wrong)
    none and the problems, with JSON paths inside the document."""
    section = SECTIONS[doc.kind]
    prefix = f"$.{section}[0]"
    try:
        body = parse_json(doc.body)
    except ScenarioError as exc:
        return [], [_problem(doc, p, prefix) for p in exc.problems]
    r = _Reader()
    if not isinstance(body, dict):
        r.err(prefix, "a pricing document must be a JSON object")
        return [], [_problem(doc, p, prefix) for p in r.errors]
    found = parse(r, {section: [body]})
    if not r.errors and len(found) == 1:
        entry_id = _entry_id(doc.kind, found[0])
        if entry_id != doc.document_id:
            r.err(f"{prefix}.id", f"{entry_id!r} is not the document id {doc.document_id!r}")
    if r.errors:
        return [], [_problem(doc, p, prefix) for p in r.errors]
    return found, []


_ID_FIELDS = {
    "price_group": "group_id", "trade_agreement": "agreement_id",
    "price_adjustment": "adjustment_id", "discount": "discount_id", "coupon": "coupon_id",
    "tender_discount": "discount_id", "item_price_group": "group_id",
}  # fmt: skip


def _entry_id(kind: str, entry: object) -> str:
    if isinstance(entry, tuple):  # a price group with its links
        entry = entry[0]
    return str(getattr(entry, _ID_FIELDS[kind]))


def _problem(doc: PricingDocument, problem: str, prefix: str) -> DocumentProblem:
    where, _, message = problem.partition(": ")
    if where.startswith(prefix):
        where = "$" + where[len(prefix) :]
    return DocumentProblem(doc.kind, doc.document_id, where, message)


def document_of(kind: str, body_text: str) -> PricingDocument:
    """A document whose id is read from its body (for writers: seed, sync, tests); a body
    without a readable `id` gets the id "" and is reported when loaded."""
    try:
        body = parse_json(body_text)
    except ScenarioError:
        return PricingDocument(kind, "", body_text)
    doc_id = body.get("id") if isinstance(body, dict) else None
    return PricingDocument(kind, doc_id if isinstance(doc_id, str) else "", body_text)
