"""The register's pricing engine, built from the pricing documents in its database.

Pricing master data lives in `pricing_documents` (kind, document_id, body): one JSON document
per price group, trade agreement, price adjustment, discount, coupon or tender discount, in
the scenario format (docs/pricing-scenarios.md, "Pricing documents"). `build_pricing_service`
reads them once at start-up into an `EnginePricingService` (the composition root's pricing
port); a malformed document is skipped and reported (see runtime.pricing_engine.documents for
why it does not stop the register). Coupon usage is counted in `coupon_usage`, in the sale's
own database transaction (`record_coupon_usage`, called by the ledger).
"""

from __future__ import annotations

import gc
import json
import logging
import sqlite3
from collections.abc import Callable, Iterable, Mapping

from local_db.customers import SqlCustomerDirectory
from local_db.database import Database
from runtime.config import StoreConfig
from runtime.pricing_engine.coupons import applied_codes
from runtime.pricing_engine.discount_model import ConcurrencyModel
from runtime.pricing_engine.documents import (
    DocumentProblem,
    PricingData,
    PricingDocument,
    document_of,
    load_documents,
)
from runtime.pricing_engine.service import EnginePricingService
from runtime.transaction import Transaction, TransactionState

log = logging.getLogger(__name__)

_UPSERT_DOCUMENT = (
    "INSERT INTO pricing_documents (kind, document_id, body) VALUES (?, ?, ?)"
    " ON CONFLICT (kind, document_id) DO UPDATE SET body = excluded.body"
)
_UPSERT_USAGE = (
    "INSERT INTO coupon_usage (code, used) VALUES (?, 1)"
    " ON CONFLICT (code) DO UPDATE SET used = used + 1"
)

Body = str | Mapping[str, object]


def _text(body: Body) -> str:
    if isinstance(body, str):
        return body
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def replace_documents(
    conn: sqlite3.Connection,
    documents: Iterable[tuple[str, Body]],
    *,
    replace_all: bool = False,
    remove: Iterable[tuple[str, str]] = (),
) -> int:
    """Write pricing documents (kind, body) inside the caller's write transaction; the id is
    the body's `id`. An existing document of the same kind and id is replaced whole;
    `remove` deletes (kind, id) pairs; `replace_all` first deletes every document (a full
    snapshot from the sync). Bodies are stored as given and validated when loaded. Returns
    the number written. The running engine does not change: the register rebuilds it."""
    if replace_all:
        conn.execute("DELETE FROM pricing_documents")
    conn.executemany(
        "DELETE FROM pricing_documents WHERE kind = ? AND document_id = ?", list(remove)
    )
    rows = []
    for kind, body in documents:
        doc = document_of(kind, _text(body))
        rows.append((doc.kind, doc.document_id, doc.body))
    conn.executemany(_UPSERT_DOCUMENT, rows)
    return len(rows)


def read_documents(conn: sqlite3.Connection) -> list[PricingDocument]:
    return [
        PricingDocument(kind, doc_id, body if isinstance(body, str) else bytes(body).decode())
        for kind, doc_id, body in conn.execute(
            "SELECT kind, document_id, body FROM pricing_documents ORDER BY kind, document_id"
        )
    ]


def load_pricing(db: Database, store: StoreConfig) -> PricingData:
    """Every pricing document, parsed, with the catalogue's category tree; malformed
    documents are left out and listed in `problems`."""
    with db.read("load the pricing documents") as conn:
        documents = read_documents(conn)
        parents: dict[str, str | None] = dict(
            conn.execute("SELECT category_id, parent_id FROM categories").fetchall()
        )
    return load_documents(documents, store, category_parents=parents)


def _warn(problem: DocumentProblem) -> None:
    log.warning("pricing document skipped: %s", problem)


class SqlCouponUsage:
    """`runtime.pricing_engine.CouponUsage`: completed local sales that used each code."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def count_used(self, code: str) -> int:
        with self._db.read("count the uses of a coupon") as conn:
            row = conn.execute("SELECT used FROM coupon_usage WHERE code = ?", (code,)).fetchone()
        return int(row[0]) if row else 0


def coupon_codes_used(tx: Transaction) -> tuple[str, ...]:
    """The codes a concluded sale uses up: those entered whose discount is on a line."""
    if tx.state is not TransactionState.CONCLUDED or not tx.coupons:
        return ()
    names = [d.name for line in tx.active_lines for d in line.discounts]
    return applied_codes(tx.coupons, names)


def record_coupon_usage(conn: sqlite3.Connection, tx: Transaction) -> tuple[str, ...]:
    """Count one use of each code the sale used, inside the caller's write transaction (the
    ledger's `finish`, so the sale and its coupon uses commit together). Returns the codes."""
    codes = coupon_codes_used(tx)
    if codes:
        conn.executemany(_UPSERT_USAGE, [(code,) for code in codes])
    return codes


def build_pricing_service(
    db: Database,
    store: StoreConfig,
    *,
    model: ConcurrencyModel = ConcurrencyModel.WITHIN_PRIORITY,
    on_problem: Callable[[DocumentProblem], None] | None = None,
) -> EnginePricingService:
    """The register's pricing port: the engine over the stored documents, with coupon usage
    from `coupon_usage` and customers (price groups, loyalty tier) from `customers`.

    Each skipped document goes to `on_problem` (default: a log warning). Call once at
    start-up, then `freeze_heap()` once everything long-lived is loaded."""
    data = load_pricing(db, store)
    for problem in data.problems:
        (on_problem or _warn)(problem)
    return EnginePricingService(
        data.book,
        data.discounts,
        model=model,
        coupons=data.coupons,
        coupon_usage=SqlCouponUsage(db),
        customers=SqlCustomerDirectory(db),
        tender_discounts=data.tender_discounts,
    )


_frozen = False


def freeze_heap() -> None:
    """Move everything allocated so far (the price book, discount index, catalogue caches)
    out of the garbage collector's sight, once per process: full collections then no longer
    walk millions of long-lived engine objects in the middle of a sale. Call it at the end of
    start-up (pos_app.composition.open_register, after the runtime is built), never in tests
    that build many registers."""
    global _frozen
    if not _frozen:
        gc.collect()
        gc.freeze()
        _frozen = True


def describe(problems: Iterable[DocumentProblem]) -> str:
    """Problems one per line, for the command line and the log."""
    return "\n".join(str(p) for p in problems)


__all__ = [
    "SqlCouponUsage",
    "build_pricing_service",
    "coupon_codes_used",
    "describe",
    "freeze_heap",
    "load_pricing",
    "read_documents",
    "record_coupon_usage",
    "replace_documents",
]
