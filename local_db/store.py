"""Loading store and register configuration into the runtime's value objects.

Runs once at start-up (and after master data changes), so it uses the ORM models; SQLAlchemy
errors leave as the runtime's StorageError, a missing store or register as LookupError.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from local_db.database import Database
from local_db.schema import (
    ExchangeRateRow,
    RegisterRow,
    StoreRow,
    TaxCodeRow,
    TaxGroupCodeRow,
    TaxGroupRow,
    TenderTypeRow,
    UnitConversionRow,
    UnitRow,
)
from runtime.catalog import UnitConversion, UnitOfMeasure
from runtime.config import (
    ExchangeRate,
    RegisterConfig,
    StoreConfig,
    TaxCode,
    TaxRounding,
    TaxSetup,
    TenderKind,
    TenderType,
)
from runtime.money import Currency, RoundingMode
from runtime.ports import StorageError

T = TypeVar("T")


def _guarded(db: Database, what: str, load: Callable[[], T]) -> T:
    try:
        return load()
    except DBAPIError as exc:
        raise StorageError(f"could not {what}: {exc.orig} ({db.path.name})") from exc


def load_store_config(db: Database, store_id: str) -> StoreConfig:
    """The store with its tax setup, tender types, exchange rates, units and conversions."""

    def load() -> StoreConfig:
        with db.session() as s:
            store = s.get(StoreRow, store_id)
            if store is None:
                raise LookupError(f"store {store_id!r} is not in {db.path.name}")
            codes = {c.code: TaxCode(c.code, c.name, c.rate) for c in s.scalars(select(TaxCodeRow))}
            group_ids = s.scalars(select(TaxGroupRow.group_id))
            groups: dict[str, set[str]] = {g: set() for g in group_ids}
            for link in s.scalars(select(TaxGroupCodeRow)):
                groups.setdefault(link.group_id, set()).add(link.code)
            tenders = s.scalars(
                select(TenderTypeRow)
                .where(TenderTypeRow.store_id == store_id)
                .order_by(TenderTypeRow.position, TenderTypeRow.tender_type_id)
            )
            rates = s.scalars(select(ExchangeRateRow).where(ExchangeRateRow.store_id == store_id))
            units = s.scalars(select(UnitRow))
            conversions = s.scalars(
                select(UnitConversionRow)
                .where(UnitConversionRow.item_id.is_(None))
                .order_by(UnitConversionRow.id)
            )
            return StoreConfig(
                store_id=store.store_id,
                name=store.name,
                currency=Currency(
                    store.currency_code,
                    store.currency_decimals,
                    RoundingMode(store.currency_rounding),
                    store.currency_symbol,
                ),
                tax=TaxSetup(codes, {g: frozenset(c) for g, c in groups.items()}),
                tender_types={t.tender_type_id: _tender_type(t) for t in tenders},
                store_tax_group=store.store_tax_group,
                prices_include_tax=store.prices_include_tax,
                tax_rounding=TaxRounding(store.tax_rounding),
                cash_rounding=store.cash_rounding,
                cash_rounding_mode=RoundingMode(store.cash_rounding_mode),
                exchange_rates={
                    r.currency_code: ExchangeRate(
                        Currency(r.currency_code, r.decimals, RoundingMode(r.rounding), r.symbol),
                        r.rate,
                    )
                    for r in rates
                },
                timezone=store.timezone,
                address_lines=tuple(store.address_lines),
                receipt_footer=tuple(store.receipt_footer),
                units={u.code: UnitOfMeasure(u.code, u.name, u.decimals) for u in units},
                unit_conversions=tuple(
                    UnitConversion(c.from_unit, c.to_unit, c.factor) for c in conversions
                ),
                max_line_quantity=store.max_line_quantity,
                max_weight=store.max_weight,
            )

    return _guarded(db, "load the store configuration", load)


def _tender_type(t: TenderTypeRow) -> TenderType:
    return TenderType(
        tender_type_id=t.tender_type_id,
        name=t.name,
        kind=TenderKind(t.kind),
        gives_change=t.gives_change,
        min_amount=t.min_amount,
        max_amount=t.max_amount,
        cash_rounding=t.cash_rounding,
        currency=t.currency,
        opens_drawer=t.opens_drawer,
    )


def load_register_config(db: Database, register_id: str) -> RegisterConfig:
    def load() -> RegisterConfig:
        with db.session() as s:
            reg = s.get(RegisterRow, register_id)
            if reg is None:
                raise LookupError(f"register {register_id!r} is not in {db.path.name}")
            return RegisterConfig(
                reg.register_id, reg.store_id, reg.receipt_mask, reg.self_checkout
            )

    return _guarded(db, "load the register configuration", load)


def operator_name(db: Database, operator_id: str) -> str | None:
    """The display name of an active operator, None when unknown or inactive."""
    with db.read("look up an operator") as conn:
        rows = conn.execute(
            "SELECT name FROM operators WHERE operator_id = ? AND active = 1", (operator_id,)
        ).fetchall()
    return str(rows[0][0]) if rows else None
