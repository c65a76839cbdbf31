"""Screens render in every theme, German comes from the compiled Linguist file with babel money,
and `tillpoint screenshots` writes PNGs (a narrowed run: the full one is the README's)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from pos_app.cli import build_parser
from pos_app.ui.i18n import install_translator, tr
from pos_app.ui.sign_in import SignInScreen
from pos_app.viewmodels.formatting import Formatter


def test_german_translation_and_money(qapp: QApplication) -> None:
    try:
        assert install_translator(qapp, "de_DE")
        assert tr("Balance due") == "Offener Betrag"
        screen = SignInScreen()
        assert screen.button.text() == "Anmelden"
        assert Formatter("de_DE", "EUR").money(Decimal("1234.5")) == "1.234,50\xa0€"
    finally:
        install_translator(qapp, "en_US")
    assert tr("Balance due") == "Balance due"


def test_screenshots_command_writes_pngs_per_theme_and_size(
    qapp: QApplication, tmp_path: Path, seeded_store: Path
) -> None:
    import shutil

    db = tmp_path / "store.db"
    shutil.copy(seeded_store, db)
    out = tmp_path / "shots"
    from pos_app.ui.screenshots import render_all

    report = render_all(out, db=db, themes=("dark",), only="window.sign_in", log=lambda _m: None)
    assert not report.failed
    names = sorted(p.name for p in out.glob("*.png"))
    assert names == ["window.sign_in-dark-1024x768.png", "window.sign_in-dark-1920x1080.png"]
    image = QImage(str(out / names[0]))
    assert (image.width(), image.height()) == (1024, 768)
    assert "screenshots" in build_parser().format_help()
