"""The signed journal chain: every way of tampering is found and named, and the CLI says so."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from local_db import open_database
from local_db.events import append_event
from local_db.journal_keys import JournalSigner, key_dir_for
from local_db.journal_verify import ChainReport, verify_journal
from local_db.timefmt import format_utc
from pos_app.cli import main
from pos_app.composition import ensure_open_shift, open_register
from runtime.operations import AddLine, AddTender, Conclude
from runtime.system import SystemClock

SALES = 5


@pytest.fixture
def db_path(tmp_path: Path, seeded_store: Path) -> Iterator[Path]:
    """A register database with a shift opened (entry 1), SALES sales (entries 2..SALES + 1)
    and one drawer event (entry SALES + 2)."""
    from local_db import DEMO_ITEMS

    path = tmp_path / "register.db"
    shutil.copy(seeded_store, path)
    reg = open_register(path, "R1", operator_id="1001", extensions=[])
    ensure_open_shift(reg.runtime)  # its opening is journal entry 1
    try:
        for n in range(SALES):
            rt = reg.runtime
            assert rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"], quantity=Decimal(n + 1))).ok
            assert rt.add_tender(AddTender("cash")).ok
            assert rt.conclude(Conclude()).ok
        ledger = reg.runtime.ports.ledger
        with reg.database.write("test event") as conn:
            append_event(
                conn,
                ledger,  # type: ignore[arg-type]
                "R1",
                "drawer_safe_drop",
                {"amount": "100.00", "shift_id": "S-1"},
                subject_id="op-1",
                now=format_utc(SystemClock().now()),
            )
    finally:
        reg.close()
    yield path


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _verify(path: Path) -> ChainReport:
    db = open_database(path)
    try:
        return verify_journal(db, deep=True)
    finally:
        db.close()


def _first(path: Path) -> tuple[int, str, str]:
    report = _verify(path)
    problem = report.first_problem("R1")
    assert problem is not None, "tampering went unnoticed"
    return problem.entry_no, problem.kind, problem.message


def test_an_untouched_chain_is_intact_signed_and_has_a_head(db_path: Path) -> None:
    report = _verify(db_path)
    assert report.intact, report.problems
    assert report.entries["R1"] == SALES + 2
    assert report.heads["R1"][0] == SALES + 2
    conn = sqlite3.connect(db_path)
    signatures = [s for (s,) in conn.execute("SELECT signature FROM journal_entries")]
    kinds = [k for (k,) in conn.execute("SELECT kind FROM journal_entries ORDER BY entry_no")]
    conn.close()
    assert all(s and s.startswith("1:") for s in signatures)
    assert kinds == ["shift_open"] + ["sale"] * SALES + ["drawer_safe_drop"]
    assert (key_dir_for_path(db_path) / "R1.ed25519").stat().st_mode & 0o077 == 0


def key_dir_for_path(path: Path) -> Path:
    return Path(str(path) + ".keys")


def test_an_edited_payload_is_named(db_path: Path) -> None:
    _sql(
        db_path,
        "UPDATE outbox SET payload = replace(payload, '\"cash\"', '\"card\"') WHERE device_seq = 3",
    )
    assert _first(db_path)[:2] == (3, "edited")


def test_an_edited_sale_row_is_named(db_path: Path) -> None:
    _sql(db_path, "UPDATE transactions SET total = '0.01' WHERE journal_entry_no = 2")
    entry, kind, message = _first(db_path)
    assert (entry, kind) == (2, "edited") and "sale's row" in message


def test_an_edited_event_payload_is_named(db_path: Path) -> None:
    _sql(
        db_path,
        f"UPDATE outbox SET payload = replace(payload, '100.00', '10.00')"
        f" WHERE device_seq = {SALES + 2}",
    )
    assert _first(db_path)[:2] == (SALES + 2, "edited")


def test_a_recomputed_hash_is_caught_by_the_signature(db_path: Path) -> None:
    """Someone who edits a payload and recomputes the digest and hashes still cannot sign."""
    conn = sqlite3.connect(db_path)
    rows = conn.execute(
        "SELECT entry_no, prev_hash FROM journal_entries WHERE register_id = 'R1' ORDER BY entry_no"
    ).fetchall()
    from local_db.ledger import chain_hash
    from runtime.codec import sha256_hex

    conn.execute(
        "UPDATE outbox SET payload = replace(payload, '\"cash\"', '\"chq\"') WHERE device_seq = 4"
    )
    prev = rows[3][1]  # entry 4 keeps its prev_hash; rebuild 4.. onwards
    for entry_no in range(4, SALES + 3):
        (payload,) = conn.execute(
            "SELECT payload FROM outbox WHERE device_seq = ?", (entry_no,)
        ).fetchone()
        digest = sha256_hex(payload.encode())
        entry_hash = chain_hash(prev, digest)
        conn.execute(
            "UPDATE journal_entries SET payload_sha256 = ?, prev_hash = ?, entry_hash = ?"
            " WHERE entry_no = ?",
            (digest, prev, entry_hash, entry_no),
        )
        conn.execute(
            "UPDATE outbox SET payload_sha256 = ? WHERE device_seq = ?", (digest, entry_no)
        )
        prev = entry_hash
    conn.commit()
    conn.close()
    entry, kind, message = _first(db_path)
    assert (entry, kind) == (4, "edited") and "signature" in message


def test_a_deleted_entry_is_named(db_path: Path) -> None:
    _sql(db_path, "DELETE FROM journal_entries WHERE entry_no = 3")
    entry, kind, _ = _first(db_path)
    assert (entry, kind) == (4, "deleted")


def test_a_deleted_and_renumbered_entry_is_still_found(db_path: Path) -> None:
    _sql(
        db_path,
        "DELETE FROM journal_entries WHERE entry_no = 3",
        *(
            f"UPDATE journal_entries SET entry_no = {n - 1} WHERE entry_no = {n}"
            for n in range(4, SALES + 3)
        ),
        f"UPDATE counters SET value = {SALES + 1} WHERE name = 'journal'",
    )
    entry, kind, _ = _first(db_path)
    assert (entry, kind) == (3, "deleted")


def test_deleting_the_last_entries_is_found_from_the_counter(db_path: Path) -> None:
    _sql(db_path, f"DELETE FROM journal_entries WHERE entry_no >= {SALES}")
    entry, kind, _ = _first(db_path)
    assert (entry, kind) == (SALES, "deleted")


def test_an_inserted_entry_is_named(db_path: Path) -> None:
    """A foreign entry chained properly after entry 2, with a key the register never had."""
    from local_db.ledger import chain_hash
    from runtime.codec import sha256_hex

    conn = sqlite3.connect(db_path)
    for n in range(SALES + 2, 2, -1):
        conn.execute(f"UPDATE journal_entries SET entry_no = {n + 1} WHERE entry_no = {n}")
    (prev,) = conn.execute("SELECT entry_hash FROM journal_entries WHERE entry_no = 2").fetchone()
    payload = '{"kind":"drawer_pay_out","amount":"500.00"}'
    digest = sha256_hex(payload.encode())
    conn.execute(
        "INSERT INTO outbox (register_id, device_seq, mutation_id, kind, payload,"
        " payload_sha256, created_at) VALUES ('R1', 99, 'x', 'drawer_pay_out', ?, ?,"
        " '2026-11-23T10:00:00.000000Z')",
        (payload, digest),
    )
    conn.execute(
        "INSERT INTO journal_entries (register_id, entry_no, kind, payload_sha256,"
        " prev_hash, entry_hash, created_at, signature, device_seq) VALUES ('R1', 3,"
        " 'drawer_pay_out', ?, ?, ?, '2026-11-23T10:00:00.000000Z', ?, 99)",
        (digest, prev, chain_hash(prev, digest), "1:" + "00" * 64),
    )
    conn.execute(f"UPDATE counters SET value = {SALES + 3} WHERE name = 'journal'")
    conn.commit()
    conn.close()
    entry, kind, _ = _first(db_path)
    assert (entry, kind) == (3, "inserted")


def test_reordered_entries_are_named(db_path: Path) -> None:
    _sql(
        db_path,
        "UPDATE journal_entries SET entry_no = -1 WHERE entry_no = 2",
        "UPDATE journal_entries SET entry_no = 2 WHERE entry_no = 3",
        "UPDATE journal_entries SET entry_no = 3 WHERE entry_no = -1",
    )
    entry, kind, _ = _first(db_path)
    assert (entry, kind) == (2, "reordered")


def test_a_lost_key_file_gets_a_new_key_and_old_entries_still_verify(db_path: Path) -> None:
    (key_dir_for_path(db_path) / "R1.ed25519").unlink()
    reg = open_register(db_path, "R1", operator_id="1001", extensions=[])
    try:
        from local_db import DEMO_ITEMS

        rt = reg.runtime
        assert rt.add_line(AddLine(barcode=DEMO_ITEMS["espresso"])).ok
        assert rt.add_tender(AddTender("cash")).ok
        assert rt.conclude(Conclude()).ok
        signer = JournalSigner.for_register(reg.database, "R1", key_dir_for(reg.database))
        assert signer.key_no == 2
    finally:
        reg.close()
    assert _verify(db_path).intact


def test_the_cli_reports_intact_and_broken_chains(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["journal", "verify", "--db", str(db_path)]) == 0
    assert "register R1: 7 entries, chain intact" in capsys.readouterr().out
    _sql(db_path, "DELETE FROM journal_entries WHERE entry_no = 2")
    assert main(["journal", "verify", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "register R1: first bad entry 3 (deleted)" in out


def test_the_default_check_finds_structural_tampering_without_reading_every_signature(
    db_path: Path,
) -> None:
    _sql(db_path, "DELETE FROM journal_entries WHERE entry_no = 3")
    db = open_database(db_path)
    try:
        problem = verify_journal(db).first_problem("R1")
    finally:
        db.close()
    assert problem is not None and (problem.entry_no, problem.kind) == (4, "deleted")


def test_a_vandalised_signature_is_found_by_the_deep_check(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _sql(
        db_path,
        "UPDATE journal_entries SET signature = '1:' || substr(signature, 5) || 'ab'"
        " WHERE entry_no = 2",
    )
    assert main(["journal", "verify", "--db", str(db_path), "--deep"]) == 1
    assert "first bad entry 2 (edited): entry 2: its signature is not valid" in (
        capsys.readouterr().out
    )
