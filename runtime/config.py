"""Store, register, tax and tender configuration: master data the runtime is handed at start."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from runtime.catalog import UnitConversion, UnitOfMeasure
from runtime.money import Currency, RoundingMode


class TaxRounding(enum.StrEnum):
    PER_LINE = "per_line"  # each line's tax per code is rounded
    PER_TOTAL = "per_total"  # each code's total is rounded once, then spread back over lines


@dataclass(frozen=True, slots=True)
class TaxCode:
    """A tax rate in percent, e.g. 19 for 19 %."""

    code: str
    name: str
    rate: Decimal


@dataclass(frozen=True, slots=True)
class TaxSetup:
    """Tax codes and groups. A line is taxed by store group ∩ item group."""

    codes: Mapping[str, TaxCode]
    groups: Mapping[str, frozenset[str]]  # group id -> tax code ids

    def applicable(self, store_group: str | None, item_group: str | None) -> tuple[TaxCode, ...]:
        if store_group is None or item_group is None:
            return ()
        both = self.groups.get(store_group, frozenset()) & self.groups.get(item_group, frozenset())
        return tuple(self.codes[c] for c in sorted(both) if c in self.codes)


class TenderKind(enum.StrEnum):
    CASH = "cash"
    CARD = "card"
    CHECK = "check"
    FOREIGN_CURRENCY = "foreign_currency"


@dataclass(frozen=True, slots=True)
class TenderType:
    """A configured way to pay, with its limits; only change-giving tenders may overtender."""

    tender_type_id: str
    name: str
    kind: TenderKind
    gives_change: bool = False
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    cash_rounding: Decimal | None = None  # increment, e.g. 0.05; None: the store's
    currency: str | None = None  # foreign currency tenders only
    opens_drawer: bool = False


@dataclass(frozen=True, slots=True)
class ExchangeRate:
    """1 unit of `currency` = `rate` units of the store currency."""

    currency: Currency
    rate: Decimal


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """Everything about the store that changes how a sale is priced, taxed and tendered."""

    store_id: str
    name: str
    currency: Currency
    tax: TaxSetup
    tender_types: Mapping[str, TenderType]
    store_tax_group: str | None = None
    prices_include_tax: bool = True
    tax_rounding: TaxRounding = TaxRounding.PER_LINE
    cash_rounding: Decimal | None = None  # e.g. 0.05 in Switzerland
    cash_rounding_mode: RoundingMode = RoundingMode.NORMAL
    exchange_rates: Mapping[str, ExchangeRate] = field(default_factory=dict)
    timezone: str = "UTC"
    address_lines: tuple[str, ...] = ()
    receipt_footer: tuple[str, ...] = ()
    units: Mapping[str, UnitOfMeasure] = field(default_factory=dict)
    unit_conversions: tuple[UnitConversion, ...] = ()
    max_line_quantity: Decimal = Decimal("9999")
    max_weight: Decimal = Decimal("999.999")


@dataclass(frozen=True, slots=True)
class RegisterConfig:
    """One register: its id and its receipt-number mask (see `receipt_numbers`)."""

    register_id: str
    store_id: str
    receipt_mask: str = "{store}-{register}-{yyyy}{mm}{dd}-{seq:06}"
    self_checkout: bool = False
