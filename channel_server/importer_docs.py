"""The JSON-only import files: hardware profiles (with their devices) and pricing documents.

Pricing documents are checked by the register's own parser (runtime.pricing_engine.documents),
so a document the server accepts is one every register loads; unlike the register, which
skips a bad document and keeps selling, the import refuses the whole directory. Documents
already on the server take part in the check (a coupon in the log naming a discount this
import removes is a problem too).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from channel_server.importer_format import Entry, Problems, json_row
from channel_server.importer_specs import HARDWARE_DEVICE, PRICING_FILES
from channel_server.master_data import canonical_text
from runtime.pricing_engine.scenario_json import ScenarioError, parse_json

if TYPE_CHECKING:
    from channel_server.importer_read import Catalog


def check_hardware_profile(entry: Entry, problems: Problems) -> None:
    """Devices and barcode layouts of one profile; the entry's data gets the checked rows."""
    data, file, where = entry.data, entry.file, entry.where
    layouts = data.get("barcode_layouts", [])
    if not isinstance(layouts, list) or not all(isinstance(x, dict) for x in layouts):
        problems.add(file, where, "barcode_layouts", "must be a list of objects")
    devices = data.get("devices", [])
    if not isinstance(devices, list):
        problems.add(file, where, "devices", "must be a list of device objects")
        return
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for i, device in enumerate(devices):
        at = f"{where}.devices[{i}]"
        row = json_row(file, at, device, HARDWARE_DEVICE, problems)
        if row is None:
            continue
        if row["device_id"] in seen:
            problems.add(file, at, "device_id", f"duplicate device {row['device_id']!r}")
        seen.add(row["device_id"])
        if row.get("drawer_pin", 2) not in (2, 5):
            problems.add(file, at, "drawer_pin", "must be 2 or 5")
        if "timeout_s" in row and Decimal(row["timeout_s"]) <= 0:
            problems.add(file, at, "timeout_s", "must be more than 0")
        options = row.get("options", {})
        if not isinstance(options, dict) or not all(isinstance(v, str) for v in options.values()):
            problems.add(file, at, "options", "must be an object of strings")
        rows.append(row)
    data["devices"] = rows


def read_pricing(
    catalog: Catalog,
    partial: bool,
    stored: Callable[[str], Mapping[str, Any]],
    problems: Problems,
    currency: str,
) -> None:
    """Read every pricing file present and check all documents together with the stored ones."""
    for name, entity in PRICING_FILES.items():
        path = catalog.files.get(name)
        if path is None:
            continue
        catalog.pricing[entity] = _read_documents(path, problems)
    if problems.items:
        return  # unreadable files: the cross checks would only repeat them
    _check_documents(catalog, partial, stored, problems, currency)


def _read_documents(path: Path, problems: Problems) -> dict[str, Entry]:
    name = path.name
    try:
        body = parse_json(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        problems.add(name, "", "", f"not UTF-8 text ({exc.reason} at byte {exc.start})")
        return {}
    except ScenarioError as exc:
        problems.add(name, "", "", exc.problems[0].removeprefix("$: "))
        return {}
    if not isinstance(body, list):
        problems.add(name, "$", "", "must be a list of pricing documents")
        return {}
    found: dict[str, Entry] = {}
    for i, doc in enumerate(body):
        where = f"$[{i}]"
        doc_id = doc.get("id") if isinstance(doc, dict) else None
        if not isinstance(doc_id, str) or not doc_id:
            problems.add(name, where, "id", "every document needs a string id")
            continue
        if doc_id in found:
            problems.add(
                name, where, "id", f"duplicate id {doc_id!r} (first at {found[doc_id].where})"
            )
            continue
        found[doc_id] = Entry(where, name, doc)
    return found


def _check_documents(
    catalog: Catalog,
    partial: bool,
    stored: Callable[[str], Mapping[str, Any]],
    problems: Problems,
    currency: str,
) -> None:
    from runtime.config import StoreConfig, TaxSetup
    from runtime.money import Currency
    from runtime.pricing_engine.documents import PricingDocument, load_documents

    documents: list[PricingDocument] = []
    origin: dict[tuple[str, str], Entry] = {}
    for entity in PRICING_FILES.values():
        own = catalog.pricing.get(entity)
        if own is None or partial:
            for doc_id, data in stored(entity).items():
                if own is None or doc_id not in own:
                    documents.append(PricingDocument(entity, doc_id, canonical_text(data)))
                    origin[(entity, doc_id)] = Entry("", f"{entity} {doc_id} on the server", data)
        for doc_id, entry in (own or {}).items():
            documents.append(PricingDocument(entity, doc_id, canonical_text(entry.data)))
            origin[(entity, doc_id)] = entry
    if not documents:
        return
    store = StoreConfig("HQ", "", Currency(currency), TaxSetup({}, {}), {})
    loaded = load_documents(documents, store)
    for problem in loaded.problems:
        source = origin.get((problem.kind, problem.document_id))
        if source is None:
            problems.add(f"{problem.kind} {problem.document_id}", "", "", problem.message)
        elif source.where:
            path = source.where + problem.path.removeprefix("$")
            problems.add(source.file, path, "", problem.message)
        else:
            problems.add(source.file, problem.path, "", problem.message)
