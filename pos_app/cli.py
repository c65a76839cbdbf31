"""The `tillpoint` command: one entry point with subcommands for IT, developers and the demo.

Errors a user can cause (a wrong path, a corrupt or foreign database, bad arguments) end with a
one-line message and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

DEFAULT_DEMO_DB = Path(".demo") / "demo-store.db"


class Progress:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.started = time.monotonic()
        self.last_shown = -1.0
        self.tty = sys.stderr.isatty()

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self.last_shown < (0.1 if self.tty else 5.0):
            return
        self.last_shown = now
        fraction = done / total if total else 1.0
        bar = "#" * int(fraction * 30)
        text = (
            f"{self.label} [{bar:<30}] {fraction:6.1%} {done:,}/{total:,} {stage}"
            f" {now - self.started:5.1f}s"
        )
        sys.stderr.write(("\r" + text) if self.tty else text + "\n")
        if done >= total and self.tty:
            sys.stderr.write("\n")
        sys.stderr.flush()


def _cmd_seed(args: argparse.Namespace) -> int:
    from local_db import seed_store

    path = Path(args.db)
    if path.exists() and not args.force:
        print(f"{path} exists; pass --force to replace it.", file=sys.stderr)
        return 2
    if path.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    started = time.monotonic()
    seed_store(path, products=args.products, seed=args.seed, progress=Progress("seeding"))
    size = path.stat().st_size
    print(
        f"Seeded {args.products:,} products into {path} in {time.monotonic() - started:.1f} s "
        f"({size / 1e6:.1f} MB)."
    )
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from pos_app.demo import run_demo

    return run_demo(Path(args.db), sys.stdout)


def _cmd_db_check(args: argparse.Namespace) -> int:
    from local_db import open_database

    database = open_database(args.db)
    try:
        problems = database.integrity_check()
    finally:
        database.close()
    if problems:
        print(f"{args.db}: integrity check found problems:", *problems, sep="\n  ")
        return 1
    print(f"{args.db}: ok")
    return 0


def _cmd_db_upgrade(args: argparse.Namespace) -> int:
    from local_db import upgrade

    upgrade(args.db)
    print(f"{args.db}: schema is current")
    return 0


def _cmd_search(args: argparse.Namespace) -> int:
    from local_db import SqlCatalogReader, open_database

    database = open_database(args.db)
    try:
        for hit in SqlCatalogReader(database).search(args.text, args.limit):
            print(f"{hit.item_id:<14} {hit.base_price:>10} {hit.name}")
    finally:
        database.close()
    return 0


def _parse_code(token: str) -> tuple[str, Decimal | None]:
    code, _, qty = token.partition("x")
    if not qty:
        return code, None
    try:
        return code, Decimal(qty)
    except InvalidOperation as exc:
        raise SystemExit(f"tillpoint: bad quantity in {token!r}") from exc


def _cmd_sell(args: argparse.Namespace) -> int:
    """Ring up barcodes and pay exact cash: a scriptable sale for IT checks and tests."""
    from pos_app.composition import ensure_open_shift, open_register
    from runtime.operations import AddLine, AddTender, Conclude
    from runtime.receipt_text import render_text

    register = open_register(args.db, args.register, operator_id=args.operator, extensions=[])
    ensure_open_shift(register.runtime)
    try:
        rt = register.runtime
        for token in args.codes:
            code, qty = _parse_code(token)
            result = rt.add_line(AddLine(barcode=code, quantity=qty))
            if result.refusal:
                print(f"{token}: {result.refusal.message}", file=sys.stderr)
        paid = rt.add_tender(AddTender(args.tender))
        if paid.refusal:
            print(f"payment: {paid.refusal.message}", file=sys.stderr)
            return 1
        done = rt.conclude(Conclude())
        if done.value is None:
            assert done.refusal is not None
            print(f"conclude: {done.refusal.message}", file=sys.stderr)
            return 1
        print(render_text(done.value.receipt, width=args.width), end="")
        return 0
    finally:
        register.close()


def _cmd_price(args: argparse.Namespace) -> int:
    """Price a scenario's basket through the register; --check compares with `expected`."""
    from runtime.pricing_engine.scenario import (
        ScenarioError,
        compare,
        load_scenario,
        render,
        run_scenario,
    )

    try:
        text = Path(args.scenario).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"tillpoint: cannot read {args.scenario}: {exc}", file=sys.stderr)
        return 2
    try:
        scenario = load_scenario(text)
        output = run_scenario(scenario)
    except ScenarioError as exc:
        print(f"tillpoint: {args.scenario}: {exc}", file=sys.stderr)
        return 2
    if args.check and scenario.expected is None:
        print(f"tillpoint: {args.scenario}: $.expected: missing; --check needs it", file=sys.stderr)
        return 2
    print(render(output), end="")
    if not args.check:
        return 0
    assert scenario.expected is not None
    diff = compare(scenario.expected, output)
    if diff:
        print(f"{args.scenario}: differs from expected:", *diff, sep="\n", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tillpoint", description="Tillpoint, an offline-first point of sale."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    seed = sub.add_parser("seed", help="build a realistic synthetic store database")
    seed.add_argument("--db", required=True, help="database file to create")
    seed.add_argument("--products", type=int, default=10_000, help="number of products")
    seed.add_argument("--seed", type=int, default=42, help="random seed (same seed, same store)")
    seed.add_argument("--force", action="store_true", help="replace an existing file")
    seed.set_defaults(func=_cmd_seed)

    demo = sub.add_parser("demo", help="seed a demo store and ring up a scripted sale")
    demo.add_argument("--db", default=str(DEFAULT_DEMO_DB), help="demo database file")
    demo.set_defaults(func=_cmd_demo)

    db = sub.add_parser("db", help="check or upgrade a register database")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    check = db_sub.add_parser("check", help="open checks plus SQLite's integrity check")
    check.add_argument("db")
    check.set_defaults(func=_cmd_db_check)
    up = db_sub.add_parser("upgrade", help="apply schema migrations")
    up.add_argument("db")
    up.set_defaults(func=_cmd_db_upgrade)

    search = sub.add_parser("search", help="search products by words and prefixes")
    search.add_argument("--db", required=True)
    search.add_argument("--limit", type=int, default=20)
    search.add_argument("text")
    search.set_defaults(func=_cmd_search)

    sell = sub.add_parser("sell", help="ring up barcodes (CODE or CODExQTY) and pay exact cash")
    sell.add_argument("--db", required=True)
    sell.add_argument("--register", default="R1")
    sell.add_argument("--operator", default="1001")
    sell.add_argument("--tender", default="cash", help="tender type id for the exact payment")
    sell.add_argument("--width", type=int, default=42, help="receipt width in characters")
    sell.add_argument("codes", nargs="+")
    sell.set_defaults(func=_cmd_sell)

    price = sub.add_parser("price", help="price a pricing scenario (JSON) and print the result")
    price.add_argument("scenario", help="scenario file (see docs/pricing-scenarios.md)")
    price.add_argument("--check", action="store_true", help="compare with the file's expected")
    price.set_defaults(func=_cmd_price)

    import importlib

    for module in _COMMAND_MODULES:  # store operations, journal...: one module per area
        importlib.import_module(module).add_commands(sub)
    return parser


# Each module has `add_commands(sub)` adding its subcommands (with `func` defaults).
_COMMAND_MODULES = (
    "pos_app.cli_journal",
    "pos_app.cli_staff",
    "pos_app.cli_shift",
    "pos_app.cli_devices",
    "pos_app.cli_register",
    "pos_app.cli_simulate",
    "pos_app.cli_sync",
    "channel_server.cli",
)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from local_db import DatabaseOpenError
    from runtime.ports import StorageError

    try:
        code: int = args.func(args)
    except (DatabaseOpenError, StorageError, LookupError) as exc:
        print(f"tillpoint: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":
    raise SystemExit(main())
