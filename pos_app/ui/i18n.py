"""Translations with Qt Linguist: resources/i18n/tillpoint_<lang>.ts, compiled to .qm.

Every user-visible string of the register goes through `tr()` (context "Register"), so one .ts
file per language covers the screens. `python -m pos_app.ui.i18n` refreshes the .ts files from the
sources (keeping existing translations) and compiles them with pyside6-lrelease — no downloads.
Money and dates are formatted by babel in the view models (pos_app.viewmodels.formatting).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

from PySide6.QtCore import QCoreApplication, QTranslator

CONTEXT = "Register"
LANGUAGES = ("en", "de")
_installed: list[QTranslator] = []


def tr(text: str) -> str:
    """The translation of `text` for the installed language (itself when none)."""
    return QCoreApplication.translate(CONTEXT, text)


def i18n_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "resources" / "i18n"


def install_translator(app: QCoreApplication, locale: str) -> bool:
    """Load the .qm of `locale`'s language (de_DE -> de); False when there is none (English)."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    lang = locale.split("_")[0].split("-")[0].lower()
    qm = i18n_dir() / f"tillpoint_{lang}.qm"
    if lang == "en" or not qm.exists():
        return False
    translator = QTranslator(app)
    if not translator.load(str(qm)):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


# ---- maintenance: extract and compile ---------------------------------------------------------

_TR_CALL = re.compile(r"""\btr\(\s*(?P<q>["'])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*\)""")


def extract(sources: list[Path]) -> list[str]:
    """Every literal passed to tr() in `sources`, in first-seen order."""
    seen: dict[str, None] = {}
    for path in sources:
        for match in _TR_CALL.finditer(path.read_text(encoding="utf-8")):
            quote = match.group("q")
            text = ast.literal_eval(quote + match.group("text") + quote)
            seen.setdefault(text, None)
    return list(seen)


def write_ts(path: Path, lang: str, texts: list[str]) -> None:
    """Write a Linguist .ts with `texts`, keeping translations already in the file."""
    old: dict[str, str] = {}
    if path.exists():
        for message in ET.parse(path).getroot().iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            if translation is not None and translation.text and \
                    translation.get("type") != "unfinished":
                old[source] = translation.text
    root = ET.Element("TS", version="2.1", language=lang)
    context = ET.SubElement(root, "context")
    ET.SubElement(context, "name").text = CONTEXT
    for text in texts:
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = text
        done = old.get(text) if lang != "en" else text
        translation = ET.SubElement(message, "translation")
        if done:
            translation.text = done
        else:
            translation.set("type", "unfinished")
    ET.indent(root)
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n'
                    + ET.tostring(root, encoding="unicode") + "\n", encoding="utf-8")


def compile_ts(ts: Path) -> Path:
    """Compile one .ts to .qm with pyside6-lrelease (beside the running Python)."""
    tool = Path(sys.executable).with_name("pyside6-lrelease")
    exe = str(tool) if tool.exists() else shutil.which("pyside6-lrelease")
    if exe is None:
        raise FileNotFoundError("pyside6-lrelease is not installed (it comes with PySide6)")
    qm = ts.with_suffix(".qm")
    subprocess.run([exe, "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def main() -> int:
    from pos_app.ui.back_office import ENTRIES
    from pos_app.ui.override_dialog import PERMISSION_NAMES
    from pos_app.ui.transaction_view import OPERATIONS

    ui = Path(__file__).resolve().parent
    texts = extract(sorted(ui.glob("*.py")))
    dynamic = ["Sync not configured", "Online", "Offline", "approved", "pending", "unknown",
               "declined", "voided"]  # view-model words the screens pass through tr()
    dynamic += [label for _k, label, _s in ENTRIES]
    for text in [label for _k, label, _s, _r in OPERATIONS] + list(PERMISSION_NAMES.values()) \
            + dynamic:
        if text not in texts:
            texts.append(text)
    for lang in LANGUAGES:
        ts = i18n_dir() / f"tillpoint_{lang}.ts"
        write_ts(ts, lang, texts)
        compile_ts(ts)
    print(f"{len(texts)} strings; wrote and compiled {', '.join(LANGUAGES)} in {i18n_dir()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
