"""Themes: Qt style sheets in resources/themes/<name>.qss (light, dark, high-contrast).

Why style sheets and not palettes alone: the banner, role-styled buttons and the totals panel are
styled by object names and dynamic properties, which only QSS reaches. A theme change restyles the
running application; nothing is cached, so editing a .qss file shows on the next start.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

THEMES: tuple[str, ...] = ("light", "dark", "high-contrast")
DEFAULT_THEME = "light"


def resources_dir() -> Path:
    """The repository's resources/ directory (next to the packages, as installed editable)."""
    return Path(__file__).resolve().parents[2] / "resources"


def themes_dir() -> Path:
    return resources_dir() / "themes"


def load_stylesheet(name: str) -> str:
    """The style sheet text of theme `name`; ValueError naming the known themes otherwise."""
    if name not in THEMES:
        raise ValueError(f"Unknown theme {name!r}; choose one of: {', '.join(THEMES)}.")
    return (themes_dir() / f"{name}.qss").read_text(encoding="utf-8")


def apply_theme(app: QApplication, name: str) -> None:
    """Restyle the whole running application with theme `name`."""
    app.setStyle("Fusion")  # the same look on every platform, and QSS-friendly
    app.setStyleSheet(load_stylesheet(name))
    app.setProperty("tillpointTheme", name)


def current_theme(app: QApplication) -> str:
    value = app.property("tillpointTheme")
    return str(value) if value else DEFAULT_THEME
