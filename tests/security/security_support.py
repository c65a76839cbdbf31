"""Shared pieces of the staff-security tests: in-memory fakes of the security ports, and
runtimes built with a real AccessController, over those fakes or over a seeded SQLite store.

The fakes' hasher is a cheap, deterministic stand-in ("plain:" + secret) that counts its calls,
so pure tests spend no argon2 time; the SQLite tests use the real argon2id hasher and keep
their verifications to a handful each (about 0.13 s apiece).
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "runtime"))

from fakes import MemoryCatalog, MemoryStores, store_config  # noqa: E402

from local_db import (  # noqa: E402
    Database,
    SqlCartStore,
    SqlCatalogReader,
    SqlSalesLedger,
    SqlSuspendedStore,
    load_register_config,
    load_store_config,
    open_database,
    seed_store,
)
from local_db.passwords import build_access_controller  # noqa: E402
from runtime.config import RegisterConfig  # noqa: E402
from runtime.core import Ports  # noqa: E402
from runtime.facade import CommerceRuntime  # noqa: E402
from runtime.operations import Permission  # noqa: E402
from runtime.pricing import BasePriceService  # noqa: E402
from runtime.security import (  # noqa: E402
    AccessController,
    AuditRecord,
    OperatorRecord,
    PermissionGroup,
    SecurityPolicy,
    badge_digest,
)
from runtime.system import FixedClock, SequentialIds  # noqa: E402

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # 10:00 in Berlin
STORE_ID, REGISTER_ID = "S001", "R1"
PINS = {"1001": "1234", "1002": "5678", "9001": "9999"}  # the seeded demo staff
BADGES = {"1001": "STAFF1001", "1002": "STAFF1002", "9001": "STAFF9001"}


# ---- in-memory fakes of the security ports -----------------------------------------------------


class PlainHasher:
    """`SecretHasher` without the cost: hashes are "plain:<secret>"; "old:" ones need a rehash."""

    def __init__(self) -> None:
        self.verifications = 0

    def hash(self, secret: str) -> str:
        return f"plain:{secret}"

    def verify(self, secret_hash: str, secret: str) -> bool:
        self.verifications += 1
        return secret_hash in (f"plain:{secret}", f"old:{secret}")

    def needs_rehash(self, secret_hash: str) -> bool:
        return secret_hash.startswith("old:")


class MemoryStaff:
    """`StaffDirectory` in dictionaries; `writes` counts the durable writes."""

    def __init__(self, operators: Sequence[OperatorRecord], groups: Sequence[PermissionGroup]):
        self.operators = {o.operator_id: o for o in operators}
        self.groups = {g.group_id: g for g in groups}
        self.writes = 0

    def operator(self, operator_id: str) -> OperatorRecord | None:
        return self.operators.get(operator_id)

    def operator_by_badge(self, digest: str) -> OperatorRecord | None:
        return next((o for o in self.operators.values() if o.badge_digest == digest), None)

    def group(self, group_id: str) -> PermissionGroup | None:
        return self.groups.get(group_id)

    def _update(self, operator_id: str, **changes: object) -> None:
        self.writes += 1
        self.operators[operator_id] = replace(self.operators[operator_id], **changes)  # type: ignore[arg-type]

    def record_failed_attempt(self, operator_id: str) -> int:
        count = self.operators[operator_id].failed_attempts + 1
        self._update(operator_id, failed_attempts=count)
        return count

    def reset_failed_attempts(self, operator_id: str) -> None:
        self._update(operator_id, failed_attempts=0, locked_until=None)

    def lock_until(self, operator_id: str, until: dt.datetime) -> None:
        self._update(operator_id, failed_attempts=0, locked_until=until)

    def set_secret_hash(
        self,
        operator_id: str,
        secret_hash: str,
        *,
        changed_at: dt.datetime | None,
        must_change: bool = False,
    ) -> None:
        self._update(operator_id, secret_hash=secret_hash, must_change_secret=must_change)


class MemoryAudit:
    def __init__(self) -> None:
        self.records: list[AuditRecord] = []

    def append(self, record: AuditRecord) -> None:
        self.records.append(record)

    def actions(self) -> list[tuple[str | None, str, str]]:
        return [(r.operator_id, r.action, r.outcome.value) for r in self.records]


CASHIER = PermissionGroup(
    "cashier",
    "Cashier",
    frozenset({Permission.SUSPEND}),
    max_line_discount_percent=Decimal("10"),
    max_line_discount_amount=Decimal("5.00"),
    max_total_discount_percent=Decimal("5"),
    max_total_discount_amount=Decimal("10.00"),
)
SUPERVISOR = PermissionGroup(  # may void, but gives no discounts at all
    "supervisor", "Supervisor", frozenset({Permission.VOID, Permission.SUSPEND})
)
MANAGER = PermissionGroup(
    "manager",
    "Manager",
    frozenset({Permission.MANAGER}),
    max_line_discount_percent=Decimal("50"),
    max_line_discount_amount=Decimal("100.00"),
    max_total_discount_percent=Decimal("20"),
    max_total_discount_amount=Decimal("200.00"),
)


def _op(oid: str, name: str, group: str, secret: str, **kw: object) -> OperatorRecord:
    return OperatorRecord(
        oid,
        name,
        group,
        f"plain:{secret}",
        badge_digest(f"STAFF{oid}"),
        **kw,  # type: ignore[arg-type]
    )


@dataclass
class Security:
    """An AccessController over the fakes, with the fakes at hand."""

    access: AccessController
    staff: MemoryStaff
    hasher: PlainHasher
    audit: MemoryAudit
    clock: FixedClock


def memory_security(policy: SecurityPolicy | None = None) -> Security:
    staff = MemoryStaff(
        [
            _op("1001", "Alex Cashier", "cashier", "1234"),
            _op("1002", "Jamie Cashier", "cashier", "5678"),
            _op("5001", "Sam Supervisor", "supervisor", "5555"),
            _op("9001", "Morgan Manager", "manager", "9999"),
            _op("9002", "Robin Manager", "manager", "8888"),
            _op("7001", "Former Staff", "manager", "7777", active=False),
            _op("8001", "Must Change", "cashier", "0000", must_change_secret=True),
        ],
        [CASHIER, SUPERVISOR, MANAGER],
    )
    hasher, audit, clock = PlainHasher(), MemoryAudit(), FixedClock(START)
    access = AccessController(
        staff,
        hasher,
        audit,
        clock,
        policy or SecurityPolicy(max_failed_signins=3, lockout_minutes=15, min_secret_length=4),
        "S1",
        "R1",
        timezone="Europe/Berlin",
    )
    return Security(access, staff, hasher, audit, clock)


def memory_runtime(
    operator_id: str | None = None, policy: SecurityPolicy | None = None
) -> tuple[CommerceRuntime, MemoryStores, Security]:
    """The runtime of tests/runtime/fakes.py, but guarded by a real AccessController."""
    security = memory_security(policy)
    stores = MemoryStores()
    ports = Ports(
        catalog=MemoryCatalog(),
        pricing=BasePriceService(),
        clock=security.clock,
        ids=SequentialIds("tx"),
        cart=stores,
        suspended=stores,
        ledger=stores,
        access=security.access,
    )
    register = RegisterConfig("R1", "S1", receipt_mask="{store}-{register}-{seq:04}")
    runtime = CommerceRuntime(store_config(), register, ports, operator_id=operator_id)
    return runtime, stores, security


# ---- a seeded SQLite store ----------------------------------------------------------------------

_TEMPLATE: list[Path] = []


def seeded_copy(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of a 50-product seeded store (seeded once per test session)."""
    if not _TEMPLATE:
        template = tmp_path_factory.mktemp("security") / "template.db"
        seed_store(template, products=50)
        _TEMPLATE.append(template)
    target = tmp_path / "register.db"
    shutil.copy(_TEMPLATE[0], target)
    return target


@dataclass
class SqlRegister:
    """A runtime wired the way pos_app/composition.py does, plus its access controller."""

    db: Database
    runtime: CommerceRuntime
    access: AccessController
    clock: FixedClock

    def close(self) -> None:
        self.db.close()


def sql_register(
    path: Path, *, operator_id: str | None = None, clock: FixedClock | None = None
) -> SqlRegister:
    clock = clock or FixedClock(START)
    db = open_database(path)
    register = load_register_config(db, REGISTER_ID)
    store = load_store_config(db, register.store_id)
    access = build_access_controller(db, register.store_id, REGISTER_ID, clock)
    ports = Ports(
        catalog=SqlCatalogReader(db),
        pricing=BasePriceService(),
        clock=clock,
        ids=SequentialIds("tx"),
        cart=SqlCartStore(db),
        suspended=SqlSuspendedStore(db),
        ledger=SqlSalesLedger(db),
        access=access,
    )
    runtime = CommerceRuntime(store, register, ports, operator_id=operator_id)
    return SqlRegister(db, runtime, access, clock)


def audit_rows(db: Database) -> list[tuple[str | None, str, str, str | None, str | None]]:
    """(operator, action, outcome, permission, approver) of every audit row, oldest first."""
    with db.read("test: read audit") as conn:
        return [
            tuple(r)  # type: ignore[misc]
            for r in conn.execute(
                "SELECT operator_id, action, outcome, permission, approver_id"
                " FROM audit_log ORDER BY audit_no"
            )
        ]
