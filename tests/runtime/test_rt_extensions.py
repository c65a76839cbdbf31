"""Extensions: discovered through the `tillpoint.extensions` entry-point group of real
installed distributions, refusing operations, decorating receipts, and never breaking a sale."""

from __future__ import annotations

import importlib
import logging
import sys
import textwrap
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from runtime.extensions import ENTRY_POINT_GROUP, RuntimeExtension, TriggerContext, load_extensions
from runtime.operations import (
    AddLine,
    AddTender,
    Conclude,
    OpResult,
    Refusal,
    RefusalCode,
)
from runtime.receipt import ReceiptDocument, TextRow
from runtime.receipt_text import render_text
from runtime.transaction import Transaction
from tests.runtime.fakes import COLA_EAN, make_runtime, ok, refusal_of

D = Decimal

PLUGIN_SOURCE = textwrap.dedent(
    """
    from runtime.extensions import RuntimeExtension
    from runtime.operations import AddLine, Refusal, RefusalCode
    from runtime.receipt import TextRow


    class NoCola(RuntimeExtension):
        name = "no-cola"

        def before(self, context):
            request = context.request
            if context.operation == "add_line" and isinstance(request, AddLine):
                if request.item_id == "COLA" or request.barcode == "4000000000013":
                    return Refusal(RefusalCode.EXTENSION, "No cola sold today.")
            return None


    class LoyaltyFooter(RuntimeExtension):
        name = "loyalty-footer"

        def decorate_receipt(self, document, transaction):
            points = int(transaction.totals.total)
            return document.with_footer(TextRow(f"Loyalty points earned: {points}"))


    def not_an_extension():
        return object()


    def exploding_factory():
        raise RuntimeError("factory blew up")
    """
)


@pytest.fixture
def plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Install a distribution with a module and a .dist-info folder into a fresh sys.path entry."""
    module = f"tp_ext_{uuid.uuid4().hex[:10]}"
    (tmp_path / f"{module}.py").write_text(PLUGIN_SOURCE)
    info = tmp_path / f"{module}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {module}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n"
        f"a_no_cola = {module}:NoCola\n"
        f"b_loyalty = {module}:LoyaltyFooter\n"
        f"c_missing_module = {module}_gone:Nothing\n"
        f"d_not_an_extension = {module}:not_an_extension\n"
        f"e_exploding = {module}:exploding_factory\n"
        "\n[some.other.group]\n"
        f"z_other = {module}:NoCola\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    yield module
    sys.modules.pop(module, None)


def ours(extensions: list[RuntimeExtension], module: str) -> list[RuntimeExtension]:
    return [e for e in extensions if type(e).__module__ == module]


def test_load_extensions_finds_the_installed_distribution(
    plugin: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="runtime.extensions"):
        loaded = ours(load_extensions(), plugin)
    # entry-point name order; the broken ones skipped; the other group ignored
    assert [type(e).__name__ for e in loaded] == ["NoCola", "LoyaltyFooter"]
    messages = "\n".join(r.getMessage() for r in caplog.records)
    assert "extension c_missing_module failed to load; skipped" in messages
    assert "extension d_not_an_extension is not a RuntimeExtension; skipped" in messages
    assert "extension e_exploding failed to load; skipped" in messages


def test_installed_extensions_refuse_a_line_and_add_a_footer(plugin: str) -> None:
    rt, stores = make_runtime(extensions=ours(load_extensions(), plugin))
    ok(rt.add_line(AddLine(item_id="BREAD")))
    before = rt.transaction
    for request in (AddLine(item_id="COLA"), AddLine(barcode=COLA_EAN)):
        refusal = refusal_of(rt.add_line(request))
        assert (refusal.code, refusal.message) == (RefusalCode.EXTENSION, "No cola sold today.")
        assert rt.transaction is before
    assert stores.carts["R1"] is before
    ok(rt.add_line(AddLine(item_id="LEVY")))  # other items sell
    ok(rt.add_tender(AddTender("cash")))
    sale = ok(rt.conclude(Conclude()))
    # total 2.49 + 10.20 = 12.69 -> 12 points, after the store's own footer
    assert sale.receipt.footer[-1] == TextRow("Loyalty points earned: 12")
    assert TextRow("Thank you!", align=sale.receipt.footer[1].align) in sale.receipt.footer  # type: ignore[union-attr]
    assert "Loyalty points earned: 12" in render_text(sale.receipt)
    # reprints are decorated too
    assert rt.receipt(sale.transaction, copy=True).footer[-1] == sale.receipt.footer[-1]


class Recorder(RuntimeExtension):
    name = "recorder"

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None, bool]] = []

    def before(self, context: TriggerContext) -> Refusal | None:
        tx = context.transaction
        self.seen.append((f"before {context.operation}", tx and tx.transaction_id, True))
        return None

    def after(self, context: TriggerContext, result: OpResult[object]) -> None:
        tx = context.transaction
        self.seen.append((f"after {context.operation}", tx and tx.transaction_id, result.ok))


class BrokenAfter(RuntimeExtension):
    name = "broken-after"

    def after(self, context: TriggerContext, result: OpResult[object]) -> None:
        raise RuntimeError("observer bug")


class BrokenBefore(RuntimeExtension):
    name = "broken-before"

    def before(self, context: TriggerContext) -> Refusal | None:
        raise RuntimeError("trigger bug")


class BrokenDecorator(RuntimeExtension):
    name = "broken-decorator"

    def decorate_receipt(
        self, document: ReceiptDocument, transaction: Transaction
    ) -> ReceiptDocument:
        raise RuntimeError("template bug")


def test_triggers_see_every_operation_and_its_outcome() -> None:
    recorder = Recorder()
    rt, _ = make_runtime(extensions=[recorder])
    ok(rt.add_line(AddLine(item_id="BREAD")))
    refusal_of(rt.add_line(AddLine(item_id="NOPE")))
    tx_id = rt.transaction.transaction_id if rt.transaction else None
    assert recorder.seen == [
        ("before add_line", None, True),  # no transaction yet: this scan starts it
        ("after add_line", None, True),
        ("before add_line", tx_id, True),
        ("after add_line", tx_id, False),  # refused operations are observed too
    ]


def test_after_exceptions_do_not_break_the_sale(caplog: pytest.LogCaptureFixture) -> None:
    rt, stores = make_runtime(extensions=[BrokenAfter()])
    with caplog.at_level(logging.ERROR, logger="runtime.extensions"):
        ok(rt.add_line(AddLine(item_id="BREAD")))
        ok(rt.add_tender(AddTender("cash")))
        sale = ok(rt.conclude(Conclude()))
    assert stores.finished == [sale.transaction]
    assert "extension broken-after failed in after(conclude)" in caplog.text


def test_a_crashing_before_trigger_is_skipped(caplog: pytest.LogCaptureFixture) -> None:
    recorder = Recorder()
    rt, _ = make_runtime(extensions=[BrokenBefore(), recorder])
    with caplog.at_level(logging.ERROR, logger="runtime.extensions"):
        ok(rt.add_line(AddLine(item_id="BREAD")))
    assert "extension broken-before failed in before(add_line)" in caplog.text
    assert recorder.seen[0][0] == "before add_line"  # later extensions still run


def test_a_crashing_receipt_decorator_does_not_undo_the_sale(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rt, stores = make_runtime(extensions=[BrokenDecorator()])
    ok(rt.add_line(AddLine(item_id="BREAD")))
    ok(rt.add_tender(AddTender("cash")))
    with caplog.at_level(logging.ERROR, logger="runtime.extensions"):
        result = rt.conclude(Conclude())
    sale = ok(result)  # the sale is written durably: the caller must hear so
    assert stores.finished == [sale.transaction]
    assert sale.receipt.footer[-1].data == sale.transaction.receipt_number  # type: ignore[union-attr]
    assert "extension broken-decorator failed to decorate the receipt" in caplog.text


def test_an_extension_can_refuse_concluding() -> None:
    class NeedsCustomer(RuntimeExtension):
        def before(self, context: TriggerContext) -> Refusal | None:
            if context.operation == "conclude":
                return Refusal(RefusalCode.EXTENSION, "Scan the loyalty card first.")
            return None

    rt, stores = make_runtime(extensions=[NeedsCustomer()])
    ok(rt.add_line(AddLine(item_id="BREAD")))
    ok(rt.add_tender(AddTender("cash")))
    before = rt.transaction
    assert refusal_of(rt.conclude(Conclude())).code is RefusalCode.EXTENSION
    assert rt.transaction is before
    assert stores.finished == []
