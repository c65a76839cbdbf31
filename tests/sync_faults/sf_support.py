"""Support for the exactly-once proofs: a restartable live server on one SQLite file, registers
(real databases and runtimes) that sell and crash, what each side holds, and `MiniPusher`, a
reference upload that follows docs/sync-protocol.md literally (resend the same batch after any
failure; acknowledge only from the server's results), used to prove the protocol and the proxy
independently of the register's sync client.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "channel_server"))

from cs_support import LiveServer  # noqa: E402

from channel_server.devices import issue_activation_code  # noqa: E402
from channel_server.models import DeviceRow, ReceivedItemRow, TransactionRow  # noqa: E402
from local_db import sample_barcodes  # noqa: E402
from local_db.seed_master import DEMO_STORE_ID  # noqa: E402
from pos_app.composition import Register, ensure_open_shift, open_register  # noqa: E402
from runtime.operations import AddLine, AddTender, Conclude  # noqa: E402

STORE = DEMO_STORE_ID
SAMPLE_STORE = Path(__file__).resolve().parents[2] / "resources" / "sample_store"


class ServerHandle:
    """A LiveServer on an SQLite file that can be stopped and started again on the same file
    (on a new port: put a FaultProxy in front so clients keep one URL)."""

    def __init__(self, db: Path | str) -> None:
        self.url = str(db)  # an SQLite file, or a PostgreSQL URL
        self.live = LiveServer(self.url)

    @property
    def db_file(self) -> Path:
        assert "://" not in self.url, "not an SQLite server"
        return Path(self.url)

    @property
    def base_url(self) -> str:
        return self.live.base_url

    def restart(self) -> str:
        self.live.stop()
        self.live = LiveServer(self.url)
        return self.live.base_url

    def code(self, register_id: str = "R1", store: str = STORE) -> str:
        return issue_activation_code(self.live.db, store, register_id).code

    def stop(self) -> None:
        self.live.stop()

    def sale_counts(self, register_id: str | None = None, kind: str = "sale") -> Counter[str]:
        """transaction id -> how many received items (any status) carry it as a sale (or
        another outbox kind) of one register, or of all."""
        query = select(ReceivedItemRow.subject_id).where(ReceivedItemRow.kind == kind)
        if register_id is not None:
            query = query.join(DeviceRow, DeviceRow.device_id == ReceivedItemRow.device_id)
            query = query.where(DeviceRow.register_id == register_id)
        with self.live.db.read() as session:
            rows = session.execute(query).scalars().all()
        return Counter(str(subject) for subject in rows)

    def sale_totals(self, register_id: str | None = None) -> dict[str, Decimal]:
        """transaction id -> total, from the server's transactions table (applied sales)."""
        query = select(TransactionRow.transaction_id, TransactionRow.total).where(
            TransactionRow.kind == "sale"
        )
        if register_id is not None:
            query = query.where(TransactionRow.register_id == register_id)
        with self.live.db.read() as session:
            rows = session.execute(query).all()
        return {str(tx): Decimal(total) for tx, total in rows}


def _rows(db_file: Path, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=30)
    try:
        return list(conn.execute(sql, args))
    finally:
        conn.close()


def assert_digests_match(server: ServerHandle, db_file: Path, register_id: str = "R1") -> None:
    """The reconciliation digest of every business day (UTC) in the register's outbox, folded
    on the register's side from its outbox and on the server's side from what it received."""
    import datetime as dt

    from channel_server.reports import register_digest
    from local_db.timefmt import parse_utc
    from sync.protocol import build_digest, compare_digests, sale_facts

    rows = _rows(
        db_file,
        "SELECT device_seq, kind, payload, created_at FROM outbox WHERE register_id = ?",
        (register_id,),
    )
    days: dict[dt.date, list[tuple[int, str, Decimal | None, dict[str, Decimal] | None]]] = {}
    for seq, kind, payload, created in rows:
        facts = sale_facts(str(kind), str(payload))
        day = parse_utc(str(created)).date()
        days.setdefault(day, []).append(
            (int(str(seq)), str(kind), facts[0] if facts else None, facts[1] if facts else None)
        )
    assert days, "the register has sent nothing"
    for day, items in days.items():
        local = build_digest(STORE, register_id, day, "UTC", items)
        with server.live.db.read() as session:
            remote = register_digest(session, STORE, register_id, day, "UTC")
        assert compare_digests(local, remote) == [], (day, local, remote)


def local_sales(db_file: Path, register_id: str = "R1") -> dict[str, Decimal]:
    """Concluded sales of the register (its outbox 'sale' rows) -> total."""
    import json

    rows = _rows(
        db_file,
        "SELECT transaction_id, payload FROM outbox WHERE register_id = ? AND kind = 'sale'",
        (register_id,),
    )
    return {str(tx): Decimal(json.loads(str(p))["totals"]["total"]) for tx, p in rows}


def local_ids(db_file: Path, kind: str, register_id: str = "R1") -> set[str]:
    """Transaction ids of the register's outbox rows of one kind."""
    rows = _rows(
        db_file,
        "SELECT transaction_id FROM outbox WHERE register_id = ? AND kind = ?",
        (register_id, kind),
    )
    return {str(tx) for (tx,) in rows}


def acked_sales(db_file: Path, register_id: str = "R1") -> set[str]:
    rows = _rows(
        db_file,
        "SELECT transaction_id FROM outbox WHERE register_id = ? AND kind = 'sale'"
        " AND acked_at IS NOT NULL",
        (register_id,),
    )
    return {str(tx) for (tx,) in rows}


def unacked_count(db_file: Path, register_id: str = "R1") -> int:
    return int(
        _rows(
            db_file,
            "SELECT count(*) FROM outbox WHERE register_id = ? AND acked_at IS NULL",
            (register_id,),
        )[0][0]
    )


def assert_exactly_once(server: ServerHandle, db_file: Path, register_id: str = "R1") -> None:
    """Every locally concluded sale is on the server once, with the same total to the cent."""
    local = local_sales(db_file, register_id)
    counts = server.sale_counts(register_id)
    doubled = {tx: n for tx, n in counts.items() if n > 1}
    assert not doubled, f"sales on the server more than once: {doubled}"
    missing = set(local) - set(counts)
    assert not missing, f"{len(missing)} concluded sales never reached the server"
    extra = set(counts) - set(local)
    assert not extra, f"server has sales the register never concluded: {extra}"
    totals = server.sale_totals(register_id)
    differ = {tx: (local[tx], totals.get(tx)) for tx in local if totals.get(tx) != local[tx]}
    assert not differ, f"totals differ (local, server): {differ}"
    assert sum(local.values(), Decimal(0)) == sum(totals.values(), Decimal(0))


@dataclass
class Till:
    """One register for the tests: its database file (a copy of the seeded store), opened
    through the composition root like the app does; `crash` closes it without ceremony."""

    db_file: Path
    register_id: str = "R1"
    seed: int = 0
    register: Register | None = None
    rng: random.Random = field(init=False)
    barcodes: list[str] = field(init=False, default_factory=list)

    @classmethod
    def from_template(cls, template: Path, directory: Path, register_id: str = "R1") -> Till:
        directory.mkdir(parents=True, exist_ok=True)
        db_file = directory / f"{register_id}.db"
        shutil.copy(template, db_file)
        return cls(db_file, register_id)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def open(self) -> Register:
        if self.register is None:
            self.register = open_register(
                self.db_file, self.register_id, operator_id="1001", extensions=[]
            )
            ensure_open_shift(self.register.runtime)
            if not self.barcodes:
                self.barcodes = sample_barcodes(self.register.database, 40, seed=self.seed)
        return self.register

    def close(self) -> None:
        if self.register is not None:
            register, self.register = self.register, None
            register.close()

    def sell(self, lines: int | None = None, first: str | None = None) -> str:
        """Ring up 1-4 random lines (the first one `first` when given), pay exact cash,
        conclude; the transaction id."""
        rt = self.open().runtime
        for number in range(lines or self.rng.randint(1, 4)):
            code = first if first and number == 0 else self.rng.choice(self.barcodes)
            result = rt.add_line(AddLine(barcode=code, quantity=Decimal(self.rng.randint(1, 3))))
            assert result.refusal is None, result.refusal
        paid = rt.add_tender(AddTender("cash"))
        assert paid.refusal is None, paid.refusal
        done = rt.conclude(Conclude())
        assert done.value is not None, done.refusal
        return done.value.transaction.transaction_id


def void_sale(till: Till) -> str:
    """Ring up a line and void the whole transaction (a manager approves); its id."""
    from runtime.operations import Approval, VoidTransaction

    rt = till.open().runtime
    added = rt.add_line(AddLine(barcode=till.rng.choice(till.barcodes)))
    assert added.refusal is None, added.refusal
    voided = rt.void_transaction(VoidTransaction("test", Approval("9001", "9999")))
    assert voided.value is not None, voided.refusal
    return voided.value.transaction_id


class MiniPusher:
    """The upload half of the protocol, written from docs/sync-protocol.md and nothing else.

    Resends the same batch after any failure, acknowledges only from a PushResponse. Not the
    product's client (that is `sync/`); a second, independent reading of the protocol."""

    def __init__(self, base_url: str, token: str, device_id: str, batch: int = 25) -> None:
        self.client = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=2.0
        )
        self.device_id = device_id
        self.batch = batch
        self.failures = 0

    @classmethod
    def activate(cls, base_url: str, code: str, batch: int = 25) -> MiniPusher:
        answer = httpx.post(f"{base_url}/v1/activate", json={"code": code}, timeout=10)
        answer.raise_for_status()
        body = answer.json()
        return cls(base_url, body["token"], body["device_id"], batch)

    def close(self) -> None:
        self.client.close()

    def body(self, db_file: Path, register_id: str) -> dict[str, object] | None:
        rows = _rows(
            db_file,
            "SELECT o.device_seq, o.mutation_id, o.kind, o.transaction_id, o.payload,"
            " o.payload_sha256, o.created_at, j.entry_no, j.prev_hash, j.entry_hash, j.signature"
            " FROM outbox o LEFT JOIN journal_entries j ON j.register_id = o.register_id"
            " AND j.device_seq = o.device_seq WHERE o.register_id = ? AND o.device_seq > ("
            " SELECT coalesce(max(value), 0) FROM counters WHERE register_id = ? AND name ="
            " 'acked') ORDER BY o.device_seq LIMIT ?",
            (register_id, register_id, self.batch),
        )
        if not rows:
            return None
        items = []
        for seq, mid, kind, tx, payload, digest, created, no, prev, entry, sig in rows:
            item: dict[str, object] = {
                "device_seq": seq,
                "mutation_id": mid,
                "kind": kind,
                "subject_id": tx,
                "payload": payload,
                "payload_sha256": digest,
                "created_at": created,
            }
            if no is not None:
                item["journal"] = {
                    "entry_no": no,
                    "prev_hash": prev,
                    "entry_hash": entry,
                    "signature": sig,
                }
            items.append(item)
        keys = _rows(
            db_file,
            "SELECT key_no, public_key FROM register_keys WHERE register_id = ?",
            (register_id,),
        )
        return {
            "protocol_version": 1,
            "device_id": self.device_id,
            "items": items,
            "journal_keys": [{"key_no": k, "public_key": p} for k, p in keys],
        }

    def push_once(self, register: Register, register_id: str = "R1") -> bool | None:
        """One batch: True acknowledged something, False failed (retry), None nothing to send."""
        from local_db.outbox import acknowledge
        from runtime.system import SystemClock
        from sync.protocol import PushResponse

        body = self.body(Path(str(register.database.path)), register_id)
        if body is None:
            return None
        try:
            answer = self.client.post("/v1/push", json=body)
            if answer.status_code not in (200, 409):
                raise httpx.HTTPStatusError("retry", request=answer.request, response=answer)
            parsed = PushResponse.model_validate_json(answer.content)
        except (httpx.HTTPError, ValueError):
            self.failures += 1
            return False
        through = parsed.acknowledged_through()
        if through:
            acknowledge(register.database, register_id, through, SystemClock().now())
        return through > 0

    def sync(self, register: Register, register_id: str = "R1", rounds: int = 200) -> None:
        """Push until nothing is pending (or `rounds` attempts)."""
        for _ in range(rounds):
            if self.push_once(register, register_id) is None:
                return
        raise AssertionError(f"still pending after {rounds} rounds")


class ClientUploader:
    """The register's own sync client (sync.client + sync.upload) wired for the tests: short
    timeouts and backoff; sleeps are recorded (so Retry-After can be checked) and shortened."""

    def __init__(self, base_url: str, code: str, *, batch: int = 3, timeout: float = 1.0) -> None:
        from sync.client import ChannelClient
        from sync.transport import RetryPolicy, Transport

        self.sleeps: list[float] = []
        self.failures = 0
        self.base_url, self.batch, self.timeout = base_url, batch, timeout
        self.retry = RetryPolicy(attempts=3, base=0.01, cap=0.05, retry_after_cap=5)
        anonymous = ChannelClient(Transport(base_url, retry=self.retry, sleep=self._sleep))
        try:
            activation = anonymous.activate(code)
        finally:
            anonymous.close()
        self.device_id = activation.device_id
        self.client = ChannelClient(
            Transport(
                base_url,
                activation.token,
                timeout=timeout,
                connect_timeout=timeout,
                retry=self.retry,
                sleep=self._sleep,
            )
        )
        self._uploaders: dict[int, object] = {}

    def _sleep(self, seconds: float) -> None:
        import time

        self.sleeps.append(seconds)
        time.sleep(min(seconds, 0.02))

    def close(self) -> None:
        self.client.close()

    def _uploader(self, register: Register, register_id: str) -> Any:
        from sync.upload import Uploader

        key = id(register.database)
        if key not in self._uploaders:  # a reopened register is a new process: a new uploader
            self._uploaders = {
                key: Uploader(
                    register.database,
                    self.client,
                    self.device_id,
                    register_id,
                    batch_size=self.batch,
                )
            }
        return self._uploaders[key]

    def push_once(self, register: Register, register_id: str = "R1") -> bool | None:
        """One upload run (all pending, in batches): True done, False failed, None nothing."""
        from sync.transport import SyncFailure

        uploader = self._uploader(register, register_id)
        if uploader.pending()[0] == 0:
            return None
        try:
            uploader.upload()
        except SyncFailure:
            self.failures += 1
            return False
        return True

    def sync(self, register: Register, register_id: str = "R1", rounds: int = 200) -> None:
        for _ in range(rounds):
            if self.push_once(register, register_id) is None:
                return
        raise AssertionError(f"still pending after {rounds} rounds")


class ServiceSync:
    """The register's whole sync client: activated with `sync.activation.activate_register`
    (the token in a file-backed keyring in the test's folder), then a `SyncService` driven step
    by step (`cycle`: health, upload, download, reconciliation), not by its scheduler."""

    def __init__(
        self, till: Till, url: str, code: str, keyring_file: Path, *, timeout: float = 0.5
    ) -> None:
        import keyring

        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sync"))
        from sync_support import FileKeyring

        from sync.activation import activate_register
        from sync.transport import RetryPolicy

        self.till, self.timeout = till, timeout
        self.retry = RetryPolicy(attempts=3, base=0.01, cap=0.05, retry_after_cap=2)
        self.sleeps: list[float] = []
        self._previous_keyring = keyring.get_keyring()
        keyring.set_keyring(FileKeyring(keyring_file))
        activate_register(till.open().database, url, code, retry=self.retry)
        self.service = self._service()

    def _sleep(self, seconds: float) -> None:
        import time

        self.sleeps.append(seconds)
        time.sleep(min(seconds, 0.02))

    def _service(self) -> Any:
        from sync.service import SyncIntervals, SyncService

        return SyncService.from_database(
            self.till.open().database,
            retry=self.retry,
            sleep=self._sleep,
            timeout=self.timeout,
            batch_size=4,
            intervals=SyncIntervals(upload=3600, download=3600, health=3600),
        )

    def cycle(self, reconcile: bool = False) -> Any:
        """One sync cycle (a CycleReport); with `reconcile`, today's digest is compared too."""
        return self.service.run_cycle(days=None if reconcile else ())

    def reopen(self) -> None:
        """The register process dies and starts again: a new database handle and service."""
        self.service.stop()
        self.till.close()
        self.service = self._service()

    def close(self) -> None:
        import keyring

        self.service.stop()
        keyring.set_keyring(self._previous_keyring)


def ean13(body: str) -> str:
    """The 12 digits plus their GTIN check digit."""
    assert len(body) == 12 and body.isdigit()
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def local_product_price(db_file: Path, item_id: str) -> Decimal | None:
    rows = _rows(db_file, "SELECT base_price FROM products WHERE item_id = ?", (item_id,))
    return Decimal(str(rows[0][0])) if rows else None
