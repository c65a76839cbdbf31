"""Coupons: codes and barcodes that unlock a discount, with dates, status and usage limits.

Semantics follow the Dynamics 365 Commerce article "Create coupons for retail sales"
(learn.microsoft.com/dynamics365/commerce/retail-coupons): coupons are codes and bar codes
that add retail discounts to transactions; a coupon can have several codes, each with its
own effective dates; each coupon is related to one discount, whose price groups say where
and for whom it is valid and whose scope says which products it reaches ("coupons are
additional validation on top of retail discounts"). A usage limit is enforced per code when
the code is entered or scanned, and a code counts as used when a sale that carries it is
completed (so a single-use coupon with two codes can be used twice, once per code).

The "no code needed" option (the brief's; the D365 coupon form has it too, not quoted here)
makes the linked discount apply without any code being entered, within the coupon's status
and dates.

Usage counts come through the `CouponUsage` port, which local storage implements (it counts
the completed local sales carrying a code); `InMemoryCouponUsage` is for tests. Everything
else here is pure.

A discount linked to a coupon is *locked* unless one of its coupon's valid codes was entered
for the basket (or the coupon needs no code); a locked discount takes part in evaluation as
an inactive one, reported on the lines it reaches with the reason ("coupon not entered",
"coupon SAVE10 used up", ...).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

COUPON_NOT_ENTERED = "coupon not entered"


class CouponStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class CouponCode:
    """One code of a coupon, with an optional bar code and its own effective dates
    (inclusive; None is open)."""

    code: str
    barcode: str | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Coupon:
    """A coupon linked to one discount. `usage_limit` applies to each code (None =
    unlimited). Coupon dates (inclusive, None open) and each code's dates must both hold."""

    coupon_id: str
    discount_id: str
    codes: tuple[CouponCode, ...] = ()
    status: CouponStatus = CouponStatus.ACTIVE
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    usage_limit: int | None = None
    no_code_needed: bool = False

    def active_on(self, day: dt.date) -> bool:
        vf, vt = self.valid_from, self.valid_to
        return (vf is None or vf <= day) and (vt is None or day <= vt)


class CouponUsage(Protocol):
    """How many completed sales used a code (local storage implements it)."""

    def count_used(self, code: str) -> int: ...


@dataclass(slots=True)
class InMemoryCouponUsage:
    """`CouponUsage` for tests: counts kept in a dict."""

    counts: dict[str, int] = field(default_factory=dict)

    def count_used(self, code: str) -> int:
        return self.counts.get(code, 0)

    def record(self, code: str) -> None:
        self.counts[code] = self.counts.get(code, 0) + 1


class _NoUsage:
    def count_used(self, code: str) -> int:
        return 0


def validate_coupon(c: Coupon) -> list[str]:
    """Import validation; every message starts with the offending field. Empty: valid."""
    errors: list[str] = []
    if not c.coupon_id.strip():
        errors.append("coupon_id: must not be empty")
    if not c.discount_id.strip():
        errors.append("discount_id: must not be empty")
    if not c.codes and not c.no_code_needed:
        errors.append("codes: at least one code is required (or no_code_needed)")
    if c.valid_from is not None and c.valid_to is not None and c.valid_from > c.valid_to:
        errors.append(f"valid_from: {c.valid_from} is after valid_to {c.valid_to}")
    if c.usage_limit is not None and c.usage_limit <= 0:
        errors.append(f"usage_limit: must be > 0 or none (got {c.usage_limit})")
    for i, code in enumerate(c.codes):
        if not code.code.strip():
            errors.append(f"codes[{i}].code: must not be empty")
        vf, vt = code.valid_from, code.valid_to
        if vf is not None and vt is not None and vf > vt:
            errors.append(f"codes[{i}].valid_from: {vf} is after valid_to {vt}")
    return errors


@dataclass(frozen=True, slots=True)
class CouponLocks:
    """What the entered codes did for one basket on one day: the coupon-linked discounts
    that stay locked (id -> reason) and those unlocked by a code (id -> the code)."""

    locked: Mapping[str, str]
    unlocked_by: Mapping[str, str]


class CouponBook:
    """The coupons, looked up by code or bar code; validates entered codes."""

    def __init__(self, coupons: Iterable[Coupon], usage: CouponUsage | None = None) -> None:
        self.coupons = tuple(sorted(coupons, key=lambda c: c.coupon_id))
        self.usage: CouponUsage = usage if usage is not None else _NoUsage()
        self._by_entry: dict[str, tuple[Coupon, CouponCode]] = {}
        for coupon in self.coupons:
            for code in coupon.codes:
                self._by_entry.setdefault(code.code, (coupon, code))
        for coupon in self.coupons:  # a typed code wins over an identical bar code
            for code in coupon.codes:
                if code.barcode:
                    self._by_entry.setdefault(code.barcode, (coupon, code))
        self.discount_ids = frozenset(c.discount_id for c in self.coupons)

    def __bool__(self) -> bool:
        return bool(self.coupons)

    def find(self, entered: str) -> tuple[Coupon, CouponCode] | None:
        """The coupon and code that a typed code or scanned bar code names."""
        return self._by_entry.get(entered.strip())

    def check_coupon(self, entered: str, day: dt.date) -> str | None:
        """Why the code or bar code `entered` cannot be used on `day`, or None if it can."""
        hit = self.find(entered)
        if hit is None:
            return f"unknown coupon code {entered.strip()}"
        coupon, code = hit
        return _problem(coupon, code, day, self.usage)

    def locks(self, entered: Iterable[str], day: dt.date) -> CouponLocks:
        """Which coupon-linked discounts the entered codes unlock on `day`. Invalid and
        unknown entries unlock nothing (the runtime refuses them through `check_coupon`)."""
        unlocked: dict[str, str] = {}
        problems: dict[str, str] = {}
        for text in sorted(set(entered)):
            hit = self.find(text)
            if hit is None:
                continue
            coupon, code = hit
            why = _problem(coupon, code, day, self.usage)
            if why is None:
                unlocked.setdefault(coupon.discount_id, code.code)
            else:
                problems.setdefault(coupon.discount_id, why)
        free = {
            c.discount_id
            for c in self.coupons
            if c.no_code_needed and c.status is CouponStatus.ACTIVE and c.active_on(day)
        }
        locked: dict[str, str] = {}
        for c in self.coupons:
            did = c.discount_id
            if did in unlocked or did in free or did in locked:
                continue
            why = problems.get(did)
            if why is None and c.no_code_needed:
                why = _status_problem(c, c.coupon_id, day)
            locked[did] = why or COUPON_NOT_ENTERED
        return CouponLocks(locked, {d: c for d, c in unlocked.items() if d not in free})


def coupon_marker(code: str) -> str:
    """What the engine appends to the name of a discount a code unlocked ("[coupon SAVE5]"):
    the sale's lines show which entered codes were actually used (see `applied_codes`)."""
    return f"[coupon {code}]"


def applied_codes(codes: Iterable[str], discount_names: Iterable[str]) -> tuple[str, ...]:
    """The `codes` whose coupon discount appears among `discount_names` (a sale's line
    discounts), in the order given: the codes a completed sale uses up."""
    names = tuple(discount_names)
    return tuple(dict.fromkeys(c for c in codes if any(coupon_marker(c) in name for name in names)))


def _status_problem(coupon: Coupon, name: str, day: dt.date) -> str | None:
    if coupon.status is CouponStatus.INACTIVE:
        return f"coupon {name} is inactive"
    if coupon.status is CouponStatus.EXPIRED:
        return f"coupon {name} has expired"
    if not coupon.active_on(day):
        return f"coupon {name} is outside its dates"
    return None


def _problem(coupon: Coupon, code: CouponCode, day: dt.date, usage: CouponUsage) -> str | None:
    name = code.code
    if coupon.status is CouponStatus.INACTIVE:
        return f"coupon {name} is inactive"
    if coupon.status is CouponStatus.EXPIRED:
        return f"coupon {name} has expired"
    vf = max((d for d in (coupon.valid_from, code.valid_from) if d is not None), default=None)
    vt = min((d for d in (coupon.valid_to, code.valid_to) if d is not None), default=None)
    if vf is not None and day < vf:
        return f"coupon {name} is not valid until {vf}"
    if vt is not None and day > vt:
        return f"coupon {name} has expired (valid to {vt})"
    if coupon.usage_limit is not None and usage.count_used(name) >= coupon.usage_limit:
        return f"coupon {name} used up ({coupon.usage_limit} uses)"
    return None
