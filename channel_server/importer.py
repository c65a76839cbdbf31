"""`tillpoint server import DIR`: the headquarters stand-in that loads master data from files.

Two phases. Reading checks every file (columns, types, keys, references, pricing documents)
and collects the problems; if there is any, the import stops with all of them and nothing is
written. Writing then records the entities in the stores' change logs in one transaction
(importer_write). The format is in docs/import-format.md.

Full or partial: by default each entity file present is the complete list of that entity, so
a row that disappeared becomes a tombstone; files that are absent leave their entities alone.
`--partial` (or `"mode": "partial"` in the directory's manifest.json) only adds and changes.
"""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import Any

from sqlalchemy import select

from channel_server.db import Database
from channel_server.importer_docs import read_pricing
from channel_server.importer_format import Problems
from channel_server.importer_progress import Progress
from channel_server.importer_read import Known, Reader
from channel_server.importer_specs import PRICING_FILES, PRODUCT_PARTS, PRODUCTS, SIMPLE, STOCK
from channel_server.importer_write import ImportReport, stored_data, stored_keys, write_catalog
from channel_server.models import StoreRow
from runtime.pricing_engine.scenario_json import ScenarioError, parse_json

SPECS = [*SIMPLE, PRODUCTS, *PRODUCT_PARTS, STOCK]
KNOWN_FILES = sorted(
    [f"{s.name}.csv" for s in SPECS if s.csv]
    + [f"{s.name}.json" for s in SPECS]
    + [f"{name}.json" for name in PRICING_FILES]
)
MANIFEST = "manifest.json"

__all__ = ["ImportReport", "import_directory", "KNOWN_FILES"]


def _manifest(directory: Path, problems: Problems) -> bool:
    """Whether manifest.json says the import is partial."""
    path = directory / MANIFEST
    if not path.exists():
        return False
    try:
        body = parse_json(path.read_text(encoding="utf-8"))
    except (ScenarioError, UnicodeDecodeError) as exc:
        problems.add(MANIFEST, "", "", f"not readable JSON ({exc})")
        return False
    if not isinstance(body, dict) or set(body) - {"mode", "description"}:
        problems.add(MANIFEST, "$", "", 'must be an object {"mode": "full" | "partial"}')
        return False
    mode = body.get("mode", "full")
    if mode not in ("full", "partial"):
        problems.add(MANIFEST, "$", "mode", f'{mode!r} is not "full" or "partial"')
    return bool(mode == "partial")


def _unknown_files(directory: Path, problems: Problems) -> None:
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() in (".csv", ".json") and path.name != MANIFEST:
            if path.name not in KNOWN_FILES:
                problems.add(path.name, "", "", f"unknown file (known: {', '.join(KNOWN_FILES)})")


def import_directory(
    db: Database,
    directory: Path,
    *,
    partial: bool = False,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> ImportReport:
    """Check every file of `directory`, then record what changed. Raises ImportProblems (a
    ValueError) listing every problem, with nothing written, when any file is wrong."""
    progress = progress or Progress(enabled=False)
    collecting = gc.isenabled()
    gc.disable()  # millions of row dicts: full collections would rescan them again and again
    try:
        return _import(db, directory, partial, progress, now)
    finally:
        if collecting:
            gc.enable()


def _import(
    db: Database, directory: Path, partial: bool, progress: Progress, now: dt.datetime | None
) -> ImportReport:
    if not directory.is_dir():
        raise ValueError(f"{directory} is not a directory")
    problems = Problems()
    partial = _manifest(directory, problems) or partial
    _unknown_files(directory, problems)
    reader = Reader(directory, problems, progress, partial)
    reader.locate(SPECS, list(PRICING_FILES))
    problems.raise_if_any()
    catalog = reader.catalog
    if not catalog.files:
        raise ValueError(f"{directory} has no import files (known: {', '.join(KNOWN_FILES)})")
    with db.read() as session:

        def keys(entity: str) -> set[str]:
            found = stored_keys(session, entity)
            if entity == "store":
                found |= set(session.scalars(select(StoreRow.store_id)))
            return found

        def docs(entity: str) -> dict[str, Any]:
            return stored_data(session, entity)

        if "stores" not in catalog.files and session.scalar(select(StoreRow.store_id)) is None:
            raise ValueError(
                f"the server has no stores yet and {directory} has no stores.csv or stores.json: "
                "every change is kept in a store's change log, so import the stores first"
            )
        reader.read_simple()
        known = Known(catalog, partial, keys)
        reader.read_products(known)
        reader.check_simple(known)
        reader.read_stock(known)
        read_pricing(catalog, partial, docs, problems, _currency(catalog))
    problems.raise_if_any()
    return write_catalog(db, catalog, partial, progress, now)


def _currency(catalog: Any) -> str:
    stores = catalog.entities.get("store", {})
    for entry in stores.values():
        return str(entry.data["currency_code"])
    return "EUR"
