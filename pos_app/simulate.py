"""`tillpoint simulate`: K headless registers ringing up random sales against a channel server,
for load and fault tests.

Each register is real: its own SQLite database (a copy of one seeded store, with its own
register id `SIM001`, `SIM002`, ...), the commerce runtime through the composition root, and the
sync client's uploader pushing the outbox after every `sync_every` sales, like the app does
after a concluded sale (upload only: the registers sell the seeded catalogue and download no
master data, so a load run measures the ingest path). Each register is activated against the
server with a one-time code: issued locally when the server's database is at hand
(`server_db`), or read from a codes file (`REGISTER CODE` per line, from `tillpoint server
register-device --store S001 --register SIM001`). Device tokens stay in memory. A directory
that already holds register databases continues them (their outbox sequences go on), so a
second run against the same server adds sales instead of colliding with the first run's.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from local_db import Database
    from runtime.facade import CommerceRuntime
    from sync.client import ChannelClient
    from sync.upload import Uploader

TEMPLATE = "template.db"
TEMPLATE_REGISTER = "R1"
Report = Callable[[str], None]


class SimulationError(Exception):
    """Bad arguments or a set-up that cannot work (missing codes, activation refused)."""


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    server_url: str
    registers: int
    sales: int  # per register
    directory: Path
    seed: int = 42
    products: int = 500
    server_db: str | None = None  # issue activation codes in this server database
    codes: Mapping[str, str] | None = None  # register id -> activation code
    sync_every: int = 1  # upload after every n-th sale (0: only at the end)
    batch_size: int = 100
    timeout: float = 10.0
    final_attempts: int = 5
    prefix: str = "SIM"

    def register_ids(self) -> list[str]:
        return [f"{self.prefix}{i:03d}" for i in range(1, self.registers + 1)]


@dataclass
class RegisterTally:
    register_id: str
    concluded: int = 0
    refused: int = 0  # sales the runtime refused (a product that asks for input, ...)
    sent: int = 0  # outbox items pushed (resends included)
    acknowledged_sales: int = 0  # sales the server has confirmed
    pending: int = 0  # outbox items still unacknowledged at the end
    sync_failures: int = 0
    problems: list[str] = field(default_factory=list)


@dataclass
class SimulationSummary:
    registers: list[RegisterTally]
    seconds: float
    directory: Path

    def total(self, name: str) -> int:
        return sum(int(getattr(t, name)) for t in self.registers)

    @property
    def ok(self) -> bool:
        return self.total("pending") == 0 and not any(t.problems for t in self.registers)

    def render(self) -> str:
        lines = [f"{'register':<10}{'sales':>8}{'uploaded':>10}{'acked':>8}"
                 f"{'pending':>9}{'failures':>10}"]  # fmt: skip
        for t in self.registers:
            lines.append(
                f"{t.register_id:<10}{t.concluded:>8}{t.sent:>10}{t.acknowledged_sales:>8}"
                f"{t.pending:>9}{t.sync_failures:>10}"
            )
        rate = self.total("concluded") / self.seconds if self.seconds else 0.0
        lines.append(
            f"{'total':<10}{self.total('concluded'):>8}{self.total('sent'):>10}"
            f"{self.total('acknowledged_sales'):>8}{self.total('pending'):>9}"
            f"{self.total('sync_failures'):>10}"
        )
        lines.append(
            f"{self.total('concluded')} sales concluded on {len(self.registers)} registers in "
            f"{self.seconds:.1f} s ({rate:.1f} sales/s); {self.total('acknowledged_sales')} "
            f"acknowledged by the server, {self.total('pending')} outbox items pending, "
            f"{self.total('sync_failures')} failed sync attempts, "
            f"{self.total('refused')} sales refused. Databases in {self.directory}."
        )
        for t in self.registers:
            lines += [f"{t.register_id}: {problem}" for problem in t.problems]
        return "\n".join(lines)


def read_codes_file(path: Path) -> dict[str, str]:
    """`REGISTER CODE` per line (blank lines and # comments ignored)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SimulationError(f"cannot read the codes file {path}: {exc}") from exc
    codes: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        if len(words) != 2:
            raise SimulationError(f"{path}:{number}: expected 'REGISTER CODE', got {line!r}")
        codes[words[0]] = words[1]
    return codes


def _template(config: SimulationConfig, report: Report) -> Path:
    from local_db import seed_store

    path = config.directory / TEMPLATE
    if not path.exists():
        report(f"seeding a store with {config.products} products into {path}")
        seed_store(path, products=config.products, seed=config.seed)
    return path


def _prepare_register(template: Path, directory: Path, register_id: str) -> tuple[Path, bool]:
    """The register's database: a copy of the template with the register added (as a twin of
    the template's R1). An existing database is continued. Returns (path, created)."""
    path = directory / f"{register_id}.db"
    if path.exists():
        return path, False
    tmp = path.with_name(path.name + ".tmp")
    shutil.copy(template, tmp)
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        for table in ("registers", "register_shift_settings"):
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            if not columns:
                continue
            picked = ", ".join("?" if c == "register_id" else c for c in columns)
            conn.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picked} FROM {table}"
                " WHERE register_id = ?",
                (register_id, TEMPLATE_REGISTER),
            )
        conn.execute(
            "UPDATE registers SET name = ? WHERE register_id = ?", (register_id, register_id)
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    shutil.move(tmp, path)
    return path, True


def _issue_codes(config: SimulationConfig, store_id: str) -> dict[str, str]:
    if config.codes is not None:
        missing = [r for r in config.register_ids() if r not in config.codes]
        if missing:
            raise SimulationError(
                f"no activation code for {', '.join(missing)} in the codes file (issue them "
                f"with `tillpoint server register-device --store {store_id} --register ID`)"
            )
        return {r: config.codes[r] for r in config.register_ids()}
    if config.server_db is None:
        raise SimulationError("give --server-db (codes issued there) or --codes-file")
    if "://" not in config.server_db and not Path(config.server_db).is_file():
        raise SimulationError(f"--server-db {config.server_db}: no such server database file")
    from channel_server.db import open_database
    from channel_server.devices import issue_activation_code

    db = open_database(config.server_db)
    try:
        return {r: issue_activation_code(db, store_id, r).code for r in config.register_ids()}
    finally:
        db.dispose()


class _RegisterRun:
    """One simulated register on its own thread."""

    def __init__(
        self, config: SimulationConfig, register_id: str, db_path: Path, code: str, index: int
    ) -> None:
        self.config, self.register_id, self.db_path, self.code = config, register_id, db_path, code
        self.tally = RegisterTally(register_id)
        self.rng = random.Random(config.seed * 1000 + index)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._run()
        except BaseException as exc:  # noqa: BLE001 - reported in the summary
            self.error = exc
            self.tally.problems.append(f"stopped: {type(exc).__name__}: {exc}")

    def _run(self) -> None:
        from local_db import sample_barcodes
        from local_db.outbox import pending_summary
        from pos_app.composition import ensure_open_shift, open_register
        from sync.client import ChannelClient
        from sync.transport import RetryPolicy, ServerRefused, Transport
        from sync.upload import Uploader

        config = self.config
        retry = RetryPolicy(attempts=3, base=0.1, cap=1.0)
        anonymous = ChannelClient(Transport(config.server_url, retry=retry))
        try:
            activation = anonymous.activate(self.code)
        except ServerRefused as exc:
            raise SimulationError(f"activation refused: {exc}") from exc
        finally:
            anonymous.close()
        client = ChannelClient(
            Transport(config.server_url, activation.token, timeout=config.timeout, retry=retry)
        )
        register = open_register(self.db_path, self.register_id, operator_id="1001", extensions=[])
        try:
            _check_same_history(client, register.database, self.register_id)
            ensure_open_shift(register.runtime)
            acked_before = _acknowledged_sales(self.db_path, self.register_id)
            uploader = Uploader(
                register.database, client, activation.device_id, self.register_id,
                batch_size=config.batch_size,
            )  # fmt: skip
            codes = sample_barcodes(register.database, 50, seed=self.rng.randint(0, 1 << 30))
            for number in range(1, config.sales + 1):
                self._sell(register.runtime, codes)
                if config.sync_every and number % config.sync_every == 0:
                    self._upload(uploader)
            for _ in range(config.final_attempts):
                if uploader.pending()[0] == 0 or self._upload(uploader):
                    break
                time.sleep(0.5)
            self.tally.pending = pending_summary(register.database, self.register_id)[0]
            acked_now = _acknowledged_sales(self.db_path, self.register_id)
            self.tally.acknowledged_sales = acked_now - acked_before  # this run's
        finally:
            register.close()
            client.close()

    def _upload(self, uploader: Uploader) -> bool:
        from sync.transport import SyncFailure
        from sync.upload import UploadStopped

        try:
            result = uploader.upload()
        except (SyncFailure, UploadStopped) as exc:
            self.tally.sync_failures += 1
            if isinstance(exc, UploadStopped) and str(exc) not in self.tally.problems:
                self.tally.problems.append(str(exc))
            return False
        self.tally.sent += int(result.sent)
        return int(result.pending) == 0

    def _sell(self, runtime: CommerceRuntime, codes: list[str]) -> None:
        """1-5 random lines paid exact cash; a sale the runtime refuses is voided."""
        from runtime.operations import AddLine, AddTender, Conclude, VoidTransaction

        for _ in range(self.rng.randint(1, 5)):
            runtime.add_line(
                AddLine(barcode=self.rng.choice(codes), quantity=Decimal(self.rng.randint(1, 3)))
            )
        paid = runtime.add_tender(AddTender("cash"))
        if paid.refusal is None and runtime.conclude(Conclude()).value is not None:
            self.tally.concluded += 1
            return
        self.tally.refused += 1
        if runtime.transaction is not None:
            runtime.void_transaction(VoidTransaction())


def _check_same_history(client: ChannelClient, db: Database, register_id: str) -> None:
    """Refuse to sell on a database whose outbox is behind what the server already holds for
    this register (a new folder against a server that knows the register ids): every upload
    would be a payload conflict."""
    from sync.transport import SyncFailure

    try:
        server_seq = client.device().last_seq
    except SyncFailure:
        return  # offline: selling is fine, the upload will tell
    with db.read("read the outbox position") as conn:
        local_seq = int(
            conn.execute(
                "SELECT coalesce(max(device_seq), 0) FROM outbox WHERE register_id = ?",
                (register_id,),
            ).fetchone()[0]
        )
    if server_seq > local_seq:
        raise SimulationError(
            f"the server already holds {server_seq} items of {register_id}, this database "
            f"{local_seq}: use the folder of that run, or another --prefix"
        )


def _acknowledged_sales(db_path: Path, register_id: str) -> int:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return int(
            conn.execute(
                "SELECT count(*) FROM outbox WHERE register_id = ? AND kind = 'sale'"
                " AND acked_at IS NOT NULL",
                (register_id,),
            ).fetchone()[0]
        )
    finally:
        conn.close()


def run_simulation(config: SimulationConfig, report: Report = print) -> SimulationSummary:
    """Prepare, activate and run the registers side by side; a progress line every ~2 s."""
    if config.registers < 1 or config.sales < 0 or config.registers > 999:
        raise SimulationError("--registers must be 1..999 and --sales at least 0")
    from local_db.seed_master import DEMO_STORE_ID

    codes = _issue_codes(config, DEMO_STORE_ID)  # first: bad codes change nothing
    config.directory.mkdir(parents=True, exist_ok=True)
    template = _template(config, report)
    paths = {}
    for register_id in config.register_ids():
        paths[register_id], created = _prepare_register(template, config.directory, register_id)
        if not created:
            report(f"{register_id}: continuing {paths[register_id]}")
    runs = [
        _RegisterRun(config, r, paths[r], codes[r], i) for i, r in enumerate(config.register_ids())
    ]
    threads = [threading.Thread(target=run.run, name=run.register_id, daemon=True) for run in runs]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    shown = started
    while any(thread.is_alive() for thread in threads):
        for thread in threads:
            thread.join(timeout=0.2)
        if time.monotonic() - shown >= 2.0:
            shown = time.monotonic()
            sold = sum(r.tally.concluded for r in runs)
            sent = sum(r.tally.sent for r in runs)
            failed = sum(r.tally.sync_failures for r in runs)
            report(
                f"{shown - started:6.1f}s  sales {sold}/{config.sales * config.registers}"
                f"  uploaded items {sent}  failed syncs {failed}"
            )
    return SimulationSummary([r.tally for r in runs], time.monotonic() - started, config.directory)
