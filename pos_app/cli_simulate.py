"""`tillpoint simulate`: K headless registers ringing up random sales against a channel server
(see pos_app.simulate), for load and fault tests."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any


def add_commands(sub: Any) -> None:
    sim = sub.add_parser(
        "simulate",
        help="run K headless registers (real runtimes and databases) selling against a server",
        description="Each register gets its own database in --dir (a copy of one seeded "
        "store, register ids SIM001, SIM002, ...), is activated with a one-time code, sells "
        "random sales and uploads its outbox after each one. Codes are issued in the "
        "server's database (--server-db, for a server on this machine) or read from "
        "--codes-file ('REGISTER CODE' lines from `tillpoint server register-device --store "
        "S001 --register SIM001`). Reusing --dir continues the registers' sequences.",
    )
    sim.add_argument("--server", required=True, help="channel server URL (http://host:port)")
    sim.add_argument("--registers", type=int, default=3, help="number of registers (K)")
    sim.add_argument("--sales", type=int, default=10, help="sales per register (N)")
    sim.add_argument("--dir", help="folder for the register databases (default: a new temp one)")
    sim.add_argument("--seed", type=int, default=42, help="random seed")
    sim.add_argument("--products", type=int, default=500, help="products in the seeded store")
    codes = sim.add_mutually_exclusive_group(required=True)
    codes.add_argument("--server-db", help="the server's database: issue activation codes there")
    codes.add_argument("--codes-file", help="file of 'REGISTER CODE' lines")
    sim.add_argument(
        "--sync-every", type=int, default=1, help="upload after every n-th sale (0: at the end)"
    )
    sim.add_argument("--batch", type=int, default=100, help="outbox items per push")
    sim.add_argument(
        "--prefix", default="SIM", help="register ids are PREFIX001, PREFIX002, ... (default SIM)"
    )
    sim.set_defaults(func=_cmd_simulate)


def _cmd_simulate(args: argparse.Namespace) -> int:
    from pos_app.simulate import (
        SimulationConfig,
        SimulationError,
        read_codes_file,
        run_simulation,
    )
    from sync.transport import normalise_url

    try:
        url = normalise_url(args.server)
        if args.registers < 1 or args.registers > 999 or args.sales < 0 or args.sync_every < 0:
            raise SimulationError("--registers must be 1..999, --sales and --sync-every >= 0")
        if not 1 <= args.batch <= 500:
            raise SimulationError("--batch must be 1..500")
        if not (args.prefix.isascii() and args.prefix.isalnum() and len(args.prefix) <= 20):
            raise SimulationError("--prefix must be 1-20 letters or digits")
        codes = read_codes_file(Path(args.codes_file)) if args.codes_file else None
        directory = Path(args.dir or tempfile.mkdtemp(prefix="tillpoint-simulate-"))
        config = SimulationConfig(
            server_url=url,
            registers=args.registers,
            sales=args.sales,
            directory=directory,
            seed=args.seed,
            products=args.products,
            server_db=args.server_db,
            codes=codes,
            sync_every=args.sync_every,
            batch_size=args.batch,
            prefix=args.prefix,
        )
        summary = run_simulation(config, report=lambda line: print(line, file=sys.stderr))
    except (SimulationError, ValueError) as exc:
        print(f"tillpoint simulate: {exc}", file=sys.stderr)
        return 2
    print(summary.render())
    return 0 if summary.ok else 1
