"""`tillpoint register` (the cashier window) and `tillpoint screenshots DIR`.

`register --demo` seeds the demo store when needed, starts our virtual devices in-process and
stores their hardware profile for R1, then opens the window: what `make demo` runs. Without a
display (no DISPLAY / WAYLAND_DISPLAY and no QT_QPA_PLATFORM) it says how to get one and renders
the screens to PNG instead of opening an invisible window.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

THEME_CHOICES = ("light", "dark", "high-contrast")


def add_commands(sub: Any) -> None:
    reg = sub.add_parser("register", help="open the cashier register window (Qt)")
    reg.add_argument("--db", help="register database (default with --demo: the demo store)")
    reg.add_argument("--register", default="R1")
    reg.add_argument("--demo", action="store_true",
                     help="demo store on virtual devices (seeded and started as needed)")
    reg.add_argument("--no-devices", action="store_true", help="open without the devices")
    reg.add_argument("--theme", choices=THEME_CHOICES, default="light")
    reg.add_argument("--locale", default=None, help="e.g. de_DE (default: $LANG)")
    reg.add_argument("--size", default="", help="window size WxH (default: maximised)")
    reg.set_defaults(func=_cmd_register)

    shots = sub.add_parser("screenshots", help="render every screen and dialog to PNG")
    shots.add_argument("dir", help="output directory")
    shots.add_argument("--db", default=None, help="store database (default: a small demo store)")
    shots.add_argument("--theme", choices=THEME_CHOICES, action="append",
                       help="only these themes (repeatable; default: all)")
    shots.add_argument("--locale", default="en_US")
    shots.add_argument("--only", default="", help="only screens whose name contains this")
    shots.set_defaults(func=_cmd_screenshots)


def _has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                or os.environ.get("QT_QPA_PLATFORM") or sys.platform in ("win32", "darwin"))


def _size(text: str) -> tuple[int, int] | None:
    if not text:
        return None
    width, _, height = text.lower().partition("x")
    try:
        return int(width), int(height)
    except ValueError:
        raise SystemExit(f"tillpoint: --size wants WxH, e.g. 1024x768, not {text!r}") from None


def _cmd_register(args: argparse.Namespace) -> int:
    size = _size(args.size)
    if not _has_display():
        print("tillpoint: no display. Run it under Xvfb (xvfb-run -a make demo, then look with "
              "x11vnc + a VNC viewer), or set QT_QPA_PLATFORM=offscreen. Rendering the "
              "screens to .demo/screenshots instead.", file=sys.stderr)
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from pos_app.ui.screenshots import render_all

        report = render_all(Path(".demo") / "screenshots", themes=("light",))
        return _leave(0 if not report.failed else 1)
    from pos_app.ui.app import run_register

    if not args.demo:
        if not args.db:
            raise SystemExit("tillpoint: register needs --db (or --demo)")
        return run_register(Path(args.db), args.register, theme=args.theme, locale=args.locale,
                            devices=not args.no_devices, size=size)
    from local_db import open_database
    from local_db.hardware import store_profile
    from pos_app.cli import DEFAULT_DEMO_DB
    from pos_app.demo import ensure_demo_store
    from pos_app.virtual_devices import start_virtual_devices

    db = Path(args.db or DEFAULT_DEMO_DB)
    ensure_demo_store(db, sys.stdout)
    virtual = start_virtual_devices()
    try:
        with open_database(db, background_checkpoints=False) as database:
            store_profile(database, virtual.profile(), [args.register])
        print("Virtual devices on 127.0.0.1; sign in as 1001 / PIN 1234 (manager 9001 / 9999). "
              "Scan by typing a code and Enter, e.g. 4000000000013.")
        return run_register(db, args.register, theme=args.theme, locale=args.locale,
                            devices=True, size=size)
    finally:
        virtual.stop()


def _cmd_screenshots(args: argparse.Namespace) -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from pos_app.ui.screenshots import render_all
    from pos_app.ui.theme import THEMES

    report = render_all(Path(args.dir), db=Path(args.db) if args.db else None,
                        themes=tuple(args.theme or THEMES), locale=args.locale, only=args.only)
    for failure in report.failed:
        print(f"failed: {failure}", file=sys.stderr)
    return _leave(0 if not report.failed else 1)


def _leave(code: int) -> int:
    """Exit at once: the PNGs are written, and tearing down hundreds of widgets one by one at
    interpreter exit only costs time (and PySide's teardown order has aborted before)."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
