"""Helpers of the sync client tests: a file-backed keyring, and a rig of one activated
register (real database, real runtime) with its SyncService against a live server."""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cs_support import LiveServer
from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from channel_server.devices import issue_activation_code
from local_db import sample_barcodes
from pos_app.composition import Register, ensure_open_shift, open_register
from runtime.operations import AddLine, AddTender, Conclude
from runtime.transaction import Transaction
from sync.activation import activate_register
from sync.service import SyncIntervals, SyncService
from sync.transport import RetryPolicy

STORE, REGISTER = "S001", "R1"
KEYRING_FILE_ENV = "TILLPOINT_TEST_KEYRING_FILE"
FAST_RETRY = RetryPolicy(attempts=3, base=0.01, cap=0.02, retry_after_cap=2.0)


class FileKeyring(KeyringBackend):
    """A keyring kept in one JSON file (a test stand-in for the OS keyring)."""

    @properties.classproperty
    def priority(cls) -> float:
        """Only viable when a subprocess asks for it: keyring's own detection instantiates
        every backend class it knows, and must never pick this one by itself."""
        if KEYRING_FILE_ENV not in os.environ:
            raise RuntimeError("the test keyring is chosen explicitly")
        return 1

    def __init__(self, path: Path | None = None) -> None:
        """`path` None: $TILLPOINT_TEST_KEYRING_FILE (a subprocess selects this backend with
        PYTHON_KEYRING_BACKEND=sync_support.FileKeyring)."""
        super().__init__()
        path = path or Path(os.environ[KEYRING_FILE_ENV])
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def _load(self) -> dict[str, str]:
        if not self.path.exists():
            return {}
        data: dict[str, str] = json.loads(self.path.read_text())
        return data

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._load()
        data[f"{service}\x00{username}"] = password
        self.path.write_text(json.dumps(data))

    def delete_password(self, service: str, username: str) -> None:
        data = self._load()
        if data.pop(f"{service}\x00{username}", None) is None:
            raise PasswordDeleteError("not found")
        self.path.write_text(json.dumps(data))


@dataclass
class Rig:
    server: LiveServer
    db_path: Path
    register: Register
    service: SyncService
    sleeps: list[float] = field(default_factory=list)
    barcodes: list[str] = field(default_factory=list)
    url: str = ""

    @classmethod
    @contextlib.contextmanager
    def activated(
        cls, server: LiveServer, db_path: Path, url: str | None = None, **options: Any
    ) -> Iterator[Rig]:
        """`url`: where the register talks to (a fault proxy in front of the server)."""
        register = open_register(db_path, REGISTER, operator_id="1001", extensions=[])
        try:
            ensure_open_shift(register.runtime)
            code = issue_activation_code(server.db, STORE, REGISTER).code
            activate_register(register.database, url or server.base_url, code, retry=FAST_RETRY)
            sleeps: list[float] = []
            service = SyncService.from_database(
                register.database, retry=FAST_RETRY, sleep=sleeps.append,
                intervals=SyncIntervals(upload=3600, download=3600, health=3600), **options,
            )  # fmt: skip
            rig = cls(server, db_path, register, service, sleeps)
            rig.barcodes = sample_barcodes(register.database, 20, seed=7)
            rig.url = url or server.base_url
            try:
                yield rig
            finally:
                service.stop()
        finally:
            register.close()

    def sell(self, lines: int = 2) -> Transaction:
        rt = self.register.runtime
        for i in range(lines):
            added = rt.add_line(AddLine(barcode=self.barcodes[i % len(self.barcodes)],
                                        quantity=Decimal(1)))  # fmt: skip
            assert added.refusal is None, added.refusal
        paid = rt.add_tender(AddTender("cash"))
        assert paid.refusal is None, paid.refusal
        done = rt.conclude(Conclude())
        assert done.value is not None, done.refusal
        return done.value.transaction

    def server_rows(self) -> list[tuple[int, str, str]]:
        """(device_seq, kind, status) of what the server stored for R1."""
        from sqlalchemy import text

        with self.server.db.read() as session:
            rows = session.execute(
                text(
                    "SELECT i.device_seq, i.kind, i.status FROM received_items i"
                    " JOIN devices d ON d.device_id = i.device_id"
                    " WHERE d.register_id = :r ORDER BY i.device_seq"
                ),
                {"r": REGISTER},
            ).all()
        return [(int(a), str(b), str(c)) for a, b, c in rows]

    def local_seqs(self) -> list[int]:
        with self.register.database.read("test") as conn:
            return [r[0] for r in conn.execute(
                "SELECT device_seq FROM outbox WHERE register_id = ? ORDER BY device_seq",
                (REGISTER,),
            )]  # fmt: skip

    def alerts(self) -> list[str]:
        from sqlalchemy import text

        with self.server.db.read() as session:
            return [str(r[0]) for r in session.execute(text("SELECT message FROM alerts"))]
