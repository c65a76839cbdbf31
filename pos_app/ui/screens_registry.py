"""A registry of every screen and dialog, so `tillpoint screenshots` can render them all.

Why a registry: screens are written by several people; each module registers its own widgets at
import time and the screenshot tool discovers them by importing every module of pos_app.ui, so a
new dialog cannot be forgotten. Usage in a screen module:

    from pos_app.ui.screens_registry import ShotContext, screen

    @screen("drawer.safe_drop", kind="dialog")
    def _shot(ctx: ShotContext) -> QWidget:
        return SafeDropDialog(ctx.register.runtime, ctx.runner)

The factory gets a `ShotContext`: the demo store's register (signed in, shift open, a few lines in
the cart), its TaskRunner, and the fresh parent window to attach dialogs to. It returns the widget
to render (not shown: the tool sizes, shows, waits for the runner and grabs it).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from pos_app.composition import Register
    from pos_app.ui.common import TaskRunner


@dataclass
class ShotContext:
    """What a screenshot factory may use; `extra` holds optional objects (the main window)."""

    register: Register
    runner: TaskRunner
    parent: QWidget | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Factory = Callable[[ShotContext], "QWidget"]


@dataclass(frozen=True)
class ScreenEntry:
    name: str  # dotted, unique: "sale.transaction", "drawer.safe_drop"
    kind: str  # "screen" or "dialog"
    factory: Factory


_REGISTRY: dict[str, ScreenEntry] = {}


def screen(name: str, kind: str = "screen") -> Callable[[Factory], Factory]:
    """Decorator registering a screenshot factory under a unique dotted name."""
    if kind not in ("screen", "dialog"):
        raise ValueError(f"kind must be 'screen' or 'dialog', not {kind!r}")

    def wrap(factory: Factory) -> Factory:
        _REGISTRY[name] = ScreenEntry(name, kind, factory)
        return factory

    return wrap


def discover() -> list[ScreenEntry]:
    """Import every module of pos_app.ui (so they register) and return the entries by name."""
    import pos_app.ui as package

    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{info.name}")
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def entries() -> list[ScreenEntry]:
    """What is registered so far, without importing anything."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]
