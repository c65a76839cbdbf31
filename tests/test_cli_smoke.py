"""The `tillpoint` command: installed, lists its subcommands, and fails calmly on bad input."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

TILLPOINT = str(Path(sys.executable).parent / "tillpoint")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([TILLPOINT, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_console_script_declared_and_installed() -> None:
    (ep,) = metadata.entry_points(group="console_scripts", name="tillpoint")
    assert ep.value == "pos_app.cli:main"
    assert shutil.which("tillpoint", path=str(Path(sys.executable).parent)) is not None


def test_help_lists_subcommands() -> None:
    out = run("--help")
    assert out.returncode == 0
    for command in ("seed", "demo", "db", "search", "sell"):
        assert command in out.stdout


def test_demo_rings_up_a_sale_and_prints_the_receipt(tmp_path: Path) -> None:
    out = run("demo", "--db", str(tmp_path / "demo.db"))
    assert out.returncode == 0, out.stderr
    assert "refused: Check that the customer is at least 18" in out.stdout
    assert "refused: No item has the barcode 4006381333931" in out.stdout
    assert "refused: Barcode not accepted: check digit" in out.stdout
    assert "TOTAL" in out.stdout and "Change" in out.stdout
    # outbox row 1 is the shift the demo opened, row 2 the sale
    assert "Written durably: outbox device_seq 2." in out.stdout
    again = run("demo", "--db", str(tmp_path / "demo.db"))  # reuses the store and its shift
    assert "open a shift" not in again.stdout
    assert "outbox device_seq 3." in again.stdout


def test_sell_and_search_on_a_seeded_store(tmp_path: Path, seeded_store: Path) -> None:
    from local_db import DEMO_ITEMS

    db = tmp_path / "s.db"
    shutil.copy(seeded_store, db)
    out = run("sell", "--db", str(db), "--width", "32", f"{DEMO_ITEMS['espresso']}x2")
    assert out.returncode == 0, out.stderr
    assert max(len(row) for row in out.stdout.splitlines()) <= 32
    found = run("search", "--db", str(db), "espresso")
    assert found.returncode == 0 and "Espresso" in found.stdout


def test_corrupt_database_is_reported_and_left_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database" * 100)
    before = hashlib.sha256(bad.read_bytes()).hexdigest()
    out = run("sell", "--db", str(bad), "4000000000013")
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and str(bad) in out.stderr
    assert hashlib.sha256(bad.read_bytes()).hexdigest() == before


def test_seed_refuses_to_overwrite(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    db.write_bytes(b"keep me")
    out = run("seed", "--db", str(db), "--products", "10")
    assert out.returncode == 2 and "--force" in out.stderr
    assert db.read_bytes() == b"keep me"


def test_seed_builds_a_store_with_progress(tmp_path: Path) -> None:
    db = tmp_path / "seeded.db"
    out = run("seed", "--db", str(db), "--products", "1500")
    assert out.returncode == 0, out.stderr
    assert "Seeded 1,500 products" in out.stdout
    assert "seeding [" in out.stderr  # the progress bar
    found = run("search", "--db", str(db), "banan")
    assert "Bananas" in found.stdout


def test_db_check_and_upgrade_report_a_good_database(tmp_path: Path, seeded_store: Path) -> None:
    db = tmp_path / "c.db"
    shutil.copy(seeded_store, db)
    checked = run("db", "check", str(db))
    assert checked.returncode == 0 and checked.stdout.strip().endswith(": ok")
    upgraded = run("db", "upgrade", str(db))
    assert upgraded.returncode == 0 and "schema is current" in upgraded.stdout


def test_a_missing_database_is_a_calm_error(tmp_path: Path) -> None:
    out = run("db", "check", str(tmp_path / "nope.db"))
    assert out.returncode == 2
    assert "no such database file" in out.stderr and "Traceback" not in out.stderr
