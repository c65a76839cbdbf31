"""The cashier's inputs in a pricing scenario: price overrides, manual line and total discounts,
removing the automatic discounts, and the operator whose permission group caps them.

In the basket they are applied through the register's own operations (`OverridePrice`,
`DiscountLine`, `DiscountTotal`, `SetAutomaticDiscounts`), so the operator's limits are
checked by the runtime exactly as at a till: a discount over the limit is refused and the
refusal names the JSON path at fault. The access control here stands in for the staff
directory: one signed-in operator with the scenario's permission group, no approvals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from runtime.operations import Approval, Permission, Refusal, RefusalCode
from runtime.ports import SignedIn
from runtime.pricing_engine.scenario_json import _Reader
from runtime.security_model import PermissionGroup

OPERATOR_ID = "scenario-operator"


@dataclass(frozen=True, slots=True)
class ManualInput:
    """A manual discount as keyed: exactly one of a percentage or an amount of money."""

    percent: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CashierInputs:
    """What the cashier did to the basket besides scanning."""

    total_discount: ManualInput | None = None
    automatic_discounts: bool = True
    group: PermissionGroup | None = None  # None: an operator without limits (a manager)


# The operator a scenario uses when it names none: any manual discount, any override.
UNLIMITED = PermissionGroup(
    "SCENARIO",
    "Scenario operator",
    frozenset({Permission.MANAGER}),
    Decimal(100),
    Decimal("1E+12"),
    Decimal(100),
    Decimal("1E+12"),
)

_OPERATOR_KEYS = (
    "max_line_discount_percent", "max_line_discount_amount", "max_total_discount_percent",
    "max_total_discount_amount", "price_override",
)  # fmt: skip


def manual_input(r: _Reader, value: object, path: str) -> ManualInput | None:
    """`{"percent": "10"}` or `{"amount": "1.50"}`."""
    o = r.obj(value, path, (), ("percent", "amount"))
    if o is None:
        return None
    percent = r.decimal(o, "percent", path, positive=True)
    amount = r.decimal(o, "amount", path, positive=True)
    if ("percent" in o) == ("amount" in o):
        r.err(path, 'give exactly one of "percent" or "amount"')
        return None
    if percent is not None and percent > 100:
        r.err(f"{path}.percent", f"must be at most 100 (got {percent})")
        return None
    if percent is None and amount is None:
        return None
    return ManualInput(percent, amount)


def operator_group(r: _Reader, value: object, path: str) -> PermissionGroup | None:
    """The operator's permission group: discount limits (absent = none allowed) and whether
    they may override prices."""
    o = r.obj(value, path, (), _OPERATOR_KEYS)
    if o is None:
        return None
    limits = [r.decimal(o, key, path) for key in _OPERATOR_KEYS[:4]]
    for key, limit in zip(_OPERATOR_KEYS[:4:2], limits[::2], strict=True):
        if limit is not None and limit > 100:
            r.err(f"{path}.{key}", f"must be at most 100 (got {limit})")
    flags = frozenset({Permission.PRICE_OVERRIDE}) if r.flag(o, "price_override", path) else None
    return PermissionGroup("SCENARIO", "Scenario operator", flags or frozenset(), *limits)


def cashier_inputs(r: _Reader, basket: Mapping[str, object], path: str) -> CashierInputs:
    total = None
    if "manual_total_discount" in basket:
        total = manual_input(r, basket["manual_total_discount"], f"{path}.manual_total_discount")
    group = None
    if "operator" in basket:
        group = operator_group(r, basket["operator"], f"{path}.operator")
    return CashierInputs(total, r.flag(basket, "automatic_discounts", path, default=True), group)


class ScenarioAccess:
    """One operator, one permission group, no approvals: the runtime's `AccessControl` port
    for a scenario. Refusals read like the register's."""

    def __init__(self, group: PermissionGroup) -> None:
        self.group = group

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
        if self.group.holds(permission):
            return None
        return Refusal(
            RefusalCode.PERMISSION_REQUIRED,
            f"The operator may not {action} (permission {permission.value}).",
            (permission.value,),
        )

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
        if self.group.allows_discount(scope, percent, amount):
            return None
        what = f"{percent}%" if percent is not None else str(amount)
        return Refusal(
            RefusalCode.DISCOUNT_LIMIT,
            f"A {scope} discount of {what} (worth {amount}) is over the operator's limit "
            f"({self.group.describe_limits(scope)}).",
            (scope,),
        )

    def audit(
        self,
        operator_id: str | None,
        action: str,
        *,
        transaction_id: str | None = None,
        details: Mapping[str, str] | None = None,
    ) -> None:
        return None

    def verify_sign_in(
        self, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        return _NO_SIGN_IN

    def verify_unlock(
        self, locked_by: str, operator_id: str | None, secret: str, badge: str | None
    ) -> SignedIn | Refusal:
        return _NO_SIGN_IN

    def change_secret(self, operator_id: str, old_secret: str, new_secret: str) -> Refusal | None:
        return _NO_SIGN_IN


_NO_SIGN_IN = Refusal(RefusalCode.WRONG_STATE, "A pricing scenario has no staff directory.")
