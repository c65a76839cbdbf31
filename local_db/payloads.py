"""Per-line work done once per line version and shared by the cart and the ledger: the line's
canonical JSON and its ledger rows.

The outbox payload is `canonical_json(transaction_to_dict(tx))`. Its lines were already
serialised (canonically) when the cart saved them, so the ledger reuses those texts for lines
that are still equal and splices them into the header's canonical JSON: the same bytes,
without encoding twenty lines again at the end of the sale. The same goes for the line's row
in `transaction_lines`. Reuse is checked by equality, never trusted from change reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runtime.codec import canonical_json, line_to_dict
from runtime.transaction import SaleLine

_LINES_PLACEHOLDER = '"lines":null'

Row = tuple[object, ...]


def text_or_none(value: object) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class LineWork:
    line: SaleLine
    text: str  # canonical JSON of the line
    row: Row  # transaction_lines columns after (sale_no, position)
    taxes: tuple[tuple[str, str, str], ...]  # (code, rate, amount) per tax of the line


def line_work(line: SaleLine) -> LineWork:
    ln = line
    row = (
        ln.line_id,
        ln.item_id,
        ln.variant_id,
        ln.description,
        ln.barcode,
        str(ln.quantity),
        ln.unit,
        text_or_none(ln.keyed_price),
        ln.serial_number,
        ln.comment,
        ln.weighed,
        ln.voided,
        str(ln.unit_price),
        ln.price_source,
        str(ln.gross_amount),
        str(ln.discount_amount),
        str(ln.net_amount),
        str(ln.tax_amount),
        str(ln.amount_excl_tax),
        str(ln.amount_incl_tax),
        ln.return_of.transaction_id if ln.return_of else None,
        ln.return_of.line_id if ln.return_of else None,
        ln.reason_code,
    )
    taxes = tuple((t.code, str(t.rate), str(t.amount)) for t in ln.taxes)
    return LineWork(line, canonical_json(line_to_dict(line)).decode(), row, taxes)


class LinePayloads:
    """Per-register cache: line id -> the work done for the line as it was last seen."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[str, LineWork]] = {}

    def work(self, register_id: str, line: SaleLine) -> LineWork:
        lines = self._cache.setdefault(register_id, {})
        cached = lines.get(line.line_id)
        if cached is not None and (cached.line is line or cached.line == line):
            return cached
        done = line_work(line)
        lines[line.line_id] = done
        return done

    def text(self, register_id: str, line: SaleLine) -> str:
        """Canonical JSON of `line`, from the cache when an equal line was serialised before."""
        return self.work(register_id, line).text

    def forget(self, register_id: str) -> None:
        self._cache.pop(register_id, None)


def transaction_payload(header: dict[str, Any], line_texts: list[str]) -> str:
    """canonical_json (as text) of the header dict with `lines` set to the canonical line texts.

    Splicing is exact: keys are sorted the same way, and the placeholder can only occur
    unescaped as the top-level key (a `"` inside a JSON string is always escaped).
    """
    if "lines" in header:
        header = {k: v for k, v in header.items() if k != "lines"}
    text = canonical_json({**header, "lines": None}).decode()
    if text.count(_LINES_PLACEHOLDER) != 1:  # cannot happen; stay correct if it ever did
        raise ValueError("unexpected header shape for payload splicing")
    return text.replace(_LINES_PLACEHOLDER, '"lines":[' + ",".join(line_texts) + "]", 1)
