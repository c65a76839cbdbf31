"""`tillpoint staff ...` and `tillpoint audit` on a seeded store (the commands are added to a
parser of our own, as pos_app.cli does with every command module)."""

from __future__ import annotations

import argparse
import io
from pathlib import Path

import pytest
from security_support import seeded_copy

from local_db import open_database
from local_db.passwords import Argon2Hasher
from local_db.staff import SqlStaffDirectory, list_operators, read_audit
from pos_app import cli_staff


@pytest.fixture
def db_path(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_copy(tmp_path, tmp_path_factory)


def run(argv: list[str], stdin: str = "", monkeypatch: pytest.MonkeyPatch | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tillpoint")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_staff.add_commands(sub)
    args = parser.parse_args(argv)
    if monkeypatch is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code: int = args.func(args)
    return code


def test_add_an_operator_then_list_and_audit(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["staff", "add", "--db", str(db_path), "--id", "1003", "--name", "Kim Cashier"]
    argv += ["--group", "cashier", "--secret-stdin", "--badge", "STAFF1003", "--must-change"]
    assert run(argv, "2580\n", monkeypatch) == 0
    assert "1003" in capsys.readouterr().out
    db = open_database(db_path)
    try:
        record = SqlStaffDirectory(db).operator("1003")
        assert record is not None and record.secret_hash is not None
        assert record.group_id == "cashier" and record.must_change_secret
        assert Argon2Hasher().verify(record.secret_hash, "2580")
        assert [s.operator_id for s in list_operators(db)] == ["1001", "1002", "1003", "9001"]
        last = read_audit(db, 1)[0]
        assert (last.record.action, last.record.details["operator"], last.register_id) == (
            "add operator",
            "1003",
            "cli",
        )
    finally:
        db.close()
    assert run(["staff", "list", "--db", str(db_path)]) == 0
    listing = capsys.readouterr().out
    assert "Kim Cashier" in listing and "must change password" in listing
    assert run(["audit", "--db", str(db_path), "--limit", "5"]) == 0
    assert "add operator" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "stdin", "words"),
    [
        (["--id", "1001", "--name", "Dup", "--group", "cashier"], "2580\n", "already exists"),
        (["--id", "1004", "--name", "X", "--group", "nope"], "2580\n", "no permission group"),
        (["--id", "1004", "--name", "X", "--group", "cashier"], "12\n", "at least 4"),
        (["--id", "1004", "--name", "X", "--group", "cashier"], "", "no password"),
        (
            ["--id", "1004", "--name", "X", "--group", "cashier", "--badge", "STAFF1001"],
            "2580\n",
            "badge",
        ),
    ],
)
def test_bad_additions_fail_with_one_line_and_change_nothing(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    stdin: str,
    words: str,
) -> None:
    full = ["staff", "add", "--db", str(db_path), "--secret-stdin", *argv]
    assert run(full, stdin, monkeypatch) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and err.startswith("tillpoint: ")
    db = open_database(db_path)
    try:
        assert len(list_operators(db)) == 3
        assert read_audit(db) == []
    finally:
        db.close()


def test_set_secret_and_unlock(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(db_path)
    try:
        SqlStaffDirectory(db).record_failed_attempt("1002")
        db.connection.execute(
            "UPDATE operator_security SET locked_until = '2999-01-01T00:00:00.000000Z'"
            " WHERE operator_id = '1002'"
        )
    finally:
        db.close()
    assert run(["staff", "list", "--db", str(db_path)]) == 0
    assert "locked out until 2999-01-01" in capsys.readouterr().out
    assert run(["staff", "unlock", "--db", str(db_path), "--id", "1002"]) == 0
    argv = ["staff", "set-secret", "--db", str(db_path), "--id", "1002", "--secret-stdin"]
    assert run(argv, "new-pin-77\n", monkeypatch) == 0
    db = open_database(db_path)
    try:
        record = SqlStaffDirectory(db).operator("1002")
        assert record is not None and record.locked_until is None
        assert record.failed_attempts == 0 and record.secret_hash is not None
        assert Argon2Hasher().verify(record.secret_hash, "new-pin-77")
        assert [e.record.action for e in read_audit(db)] == ["set password", "unlock operator"]
    finally:
        db.close()


@pytest.mark.parametrize(
    ("command", "options"),
    [
        (["staff", "unlock"], ["--id", "4242"]),
        (["staff", "set-secret"], ["--id", "4242", "--secret-stdin"]),
        (["audit"], ["--limit", "0"]),
    ],
)
def test_unknown_operators_and_bad_limits_exit_2(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: list[str],
    options: list[str],
) -> None:
    assert run([*command, "--db", str(db_path), *options], "2580\n", monkeypatch) == 2
    assert capsys.readouterr().err.startswith("tillpoint: ")


def test_a_missing_database_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["staff", "list", "--db", str(tmp_path / "none.db")]) == 2
    assert "no such database" in capsys.readouterr().err
